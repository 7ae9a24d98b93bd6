/* SPDX-License-Identifier: MIT */
/*
 * Driver core, IPC (ipc.c, irq.c): message format and request ids, the TX
 * granule allocator, FIFO draining with garbage (header or JSM outside RX,
 * 0xFFFFFFFF pops, stale ids, unsolicited messages), response type/result
 * checks, timeouts (500 ms JSM, 5 ms D0i3), the interrupt path of
 * ivpu_hw_irq_handler and the polling fallback (hw-facts §5.1-§5.2, §1.3).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

#define B0 NPU_BAR_REGV
#define B4 NPU_BAR_REGB

static struct fake_npu *f;
static struct npu_device *dev;
static enum fake_reply garbage_kind;
static unsigned hook_calls;

static void booted(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	hook_calls = 0;
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	fake_npu_free(f);
	f = NULL;
}

static void test_message_format_and_ids(void)
{
	struct npu_ipc_hdr rx_hdr;
	struct npu_jsm_msg rx_jsm;
	uint64_t hb;
	const struct fake_req *r;

	booted();
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL_FATAL(f->n_reqs, 2);
	r = &f->reqs[0];
	CU_ASSERT_EQUAL(fake_written(f, B0, NPU_CPU_SS_TIM_IPC_FIFO, 0), r->hdr_va);
	CU_ASSERT_EQUAL(r->hdr_va % 64, 0);
	CU_ASSERT_TRUE(r->hdr_va >= dev->ipc.tx->va && r->hdr_va < dev->ipc.tx->va + 0x4000);
	CU_ASSERT_EQUAL(r->hdr.data_addr, r->hdr_va + 64);
	CU_ASSERT_EQUAL(r->hdr.data_size, 128);
	CU_ASSERT_EQUAL(r->hdr.channel, NPU_IPC_CHAN_ASYNC_CMD);
	CU_ASSERT_EQUAL(r->hdr.src_node, 0);
	CU_ASSERT_EQUAL(r->hdr.dst_node, 1);
	CU_ASSERT_EQUAL(r->hdr.status, NPU_IPC_HDR_ALLOCATED);
	CU_ASSERT_EQUAL(r->jsm.type, NPU_JSM_MSG_QUERY_ENGINE_HB);
	CU_ASSERT_EQUAL(r->jsm.status, NPU_JSM_MSG_ALLOCATED);
	CU_ASSERT_EQUAL(r->jsm.request_id, 1);
	CU_ASSERT_EQUAL(r->jsm.payload.engine.engine_idx, 0);
	CU_ASSERT_EQUAL(f->reqs[1].jsm.request_id, 2);
	/* the TX slot was released and is reused */
	CU_ASSERT_EQUAL(f->reqs[1].hdr_va, r->hdr_va);
	/* consumed RX messages are marked FREE: the boot header and the two responses */
	for (unsigned slot = 0; slot < 3; slot++) {
		CU_ASSERT_EQUAL(fake_va_read(f, 0, dev->ipc.rx->va + slot * 64, &rx_hdr,
					     sizeof(rx_hdr)), 0);
		CU_ASSERT_EQUAL(rx_hdr.status, NPU_IPC_HDR_FREE);
	}
	CU_ASSERT_EQUAL(fake_va_read(f, 0, dev->ipc.rx->va + 0x2000, &rx_jsm, sizeof(rx_jsm)), 0);
	CU_ASSERT_EQUAL(rx_jsm.type, NPU_JSM_MSG_QUERY_ENGINE_HB_DONE);
	CU_ASSERT_EQUAL(rx_jsm.status, NPU_JSM_MSG_FREE);
	done();
}

static void test_tx_allocator(void)
{
	struct npu_ipc_consumer *c[NPU_IPC_CONSUMERS];
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_STATE_DUMP };
	uint32_t first;

	booted();
	for (unsigned i = 0; i < NPU_IPC_CONSUMERS; i++) {
		c[i] = npu_ipc_consumer_add(dev, NPU_IPC_CHAN_ASYNC_CMD);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c[i]);
	}
	CU_ASSERT_PTR_NULL(npu_ipc_consumer_add(dev, NPU_IPC_CHAN_ASYNC_CMD));
	CU_ASSERT_EQUAL(npu_ipc_send(dev, c[0], &req), 0);
	CU_ASSERT_EQUAL(npu_ipc_send(dev, c[1], &req), 0);
	first = c[0]->tx_va;
	CU_ASSERT_EQUAL(c[1]->tx_va, first + 192);      /* 3 granules of 64 bytes */
	npu_ipc_consumer_del(dev, c[0]);
	CU_ASSERT_EQUAL(npu_ipc_send(dev, c[2], &req), 0);
	CU_ASSERT_EQUAL(c[2]->tx_va, first);            /* freed space reused first */
	/* fill the 16 KiB: 85 messages fit */
	memset(dev->ipc.tx_used, 1, 3 * 84);
	CU_ASSERT_EQUAL(npu_ipc_send(dev, c[3], &req), 0);
	CU_ASSERT_EQUAL(npu_ipc_send(dev, c[4], &req), -EBUSY);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "TX buffer full") != NULL);
	memset(dev->ipc.tx_used, 0, sizeof(dev->ipc.tx_used));
	for (unsigned i = 1; i < NPU_IPC_CONSUMERS; i++)
		npu_ipc_consumer_del(dev, c[i]);
	done();
}

/* A TX slot the firmware left ALLOCATED is reused, with a warning that
 * names it (hw-facts §5.1: the firmware frees what it consumed). */
static void test_unfreed_tx_slot_reused(void)
{
	struct npu_ipc_tx_buf *slot;
	char want[128];

	booted();
	slot = dev->ipc.tx->dma.cpu;              /* the first slot: tx_alloc is first fit */
	slot->ipc.status = NPU_IPC_HDR_ALLOCATED;
	slot->jsm.status = NPU_JSM_MSG_ALLOCATED;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), 0);
	snprintf(want, sizeof(want), "IPC TX: slot 0x%x still held from an earlier message (header "
		 "status 1, JSM status 1); reusing it for QUERY_ENGINE_HB",
		 (uint32_t)dev->ipc.tx->va);
	CU_ASSERT_TRUE(fake_log_has(want));
	CU_ASSERT_EQUAL(f->reqs[f->n_reqs - 1].hdr_va, (uint32_t)dev->ipc.tx->va);
	done();
}

/* Garbage first, then the real answer. */
static enum fake_reply garbage_then_reply(struct fake_npu *ff, const struct npu_jsm_msg *req,
					  uint32_t ch, struct npu_jsm_msg *resp)
{
	if (hook_calls++ == 0)
		fake_fw_send(ff, ch, resp, garbage_kind);
	return FAKE_REPLY_NORMAL;
}

static void survive_garbage(enum fake_reply kind, const char *log_text)
{
	struct npu_info info;
	uint64_t hb = 0;

	booted();
	garbage_kind = kind;
	f->fw.hook = garbage_then_reply;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(hb, 1);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.ipc_rx_malformed, 1);
	CU_ASSERT_EQUAL(info.recoveries, 0);
	if (!fake_log_has(log_text))
		fprintf(stderr, "\n    log lacks \"%s\"\n", log_text);
	CU_ASSERT_TRUE(fake_log_has(log_text));
	done();
}

static void test_header_outside_rx(void)
{
	survive_garbage(FAKE_REPLY_HDR_OUTSIDE, "lies outside the RX buffer");
	survive_garbage(FAKE_REPLY_HDR_OUTSIDE, "IPC RX: header at 0x");
}

static void test_jsm_outside_rx(void)
{
	struct npu_ipc_hdr h;

	survive_garbage(FAKE_REPLY_JSM_OUTSIDE, "IPC RX: JSM message at 0x");
	/* the bad header was marked FREE */
	booted();
	garbage_kind = FAKE_REPLY_JSM_OUTSIDE;
	f->fw.hook = garbage_then_reply;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), 0);
	CU_ASSERT_EQUAL(fake_va_read(f, 0, dev->ipc.rx->va + 64, &h, sizeof(h)), 0);
	CU_ASSERT_EQUAL(h.status, NPU_IPC_HDR_FREE);
	done();
}

static void test_pop_io_error(void)
{
	survive_garbage(FAKE_REPLY_POP_ERROR, "TIM_IPC_FIFO_ATM popped 0xffffffff");
}

static void test_wrong_type(void)
{
	struct npu_info info;

	booted();
	f->fw.reply = FAKE_REPLY_WRONG_TYPE;
	f->fw.reply_type = NPU_JSM_MSG_UNREGISTER_DB_DONE;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), -EBADE);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "QUERY_ENGINE_HB (request 1): answered with "
			       "UNREGISTER_DB_DONE (0x2203) instead of QUERY_ENGINE_HB_DONE (0x2204)");
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 0);
	done();
}

static void test_error_result(void)
{
	booted();
	f->fw.reply = FAKE_REPLY_RESULT;
	f->fw.reply_result = NPU_JSM_STATUS_USER_CTX_VIOL_ERR;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "QUERY_ENGINE_HB (request 1): firmware returned "
			       "result 0x5 (USER_CTX_VIOL_ERR) in QUERY_ENGINE_HB_DONE");
	done();
}

static enum fake_reply stale_and_unsolicited(struct fake_npu *ff, const struct npu_jsm_msg *req,
					     uint32_t ch, struct npu_jsm_msg *resp)
{
	struct npu_jsm_msg m = *resp;

	if (hook_calls++)
		return FAKE_REPLY_NORMAL;
	m.request_id = 99;                         /* nobody waits for id 99 */
	fake_fw_send(ff, ch, &m, FAKE_REPLY_NORMAL);
	memset(&m, 0, sizeof(m));
	m.type = NPU_JSM_MSG_JOB_DONE;             /* for a job nobody submitted */
	fake_fw_send(ff, NPU_IPC_CHAN_JOB_RET, &m, FAKE_REPLY_NORMAL);
	return FAKE_REPLY_NORMAL;
}

static void test_unclaimed_messages_dropped(void)
{
	struct npu_info info;
	struct npu_ipc_hdr h;

	booted();
	f->fw.hook = stale_and_unsolicited;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), 0);
	npu_get_info(dev, &info);
	/* the stale reply is dropped; the job channel takes the JOB_DONE and
	 * ignores its unknown job id (hw-facts §14.7) */
	CU_ASSERT_EQUAL(info.ipc_rx_dropped, 1);
	CU_ASSERT_EQUAL(info.ipc_rx_malformed, 0);
	for (unsigned slot = 1; slot < 4; slot++) {
		CU_ASSERT_EQUAL(fake_va_read(f, 0, dev->ipc.rx->va + slot * 64, &h, sizeof(h)), 0);
		CU_ASSERT_EQUAL(h.status, NPU_IPC_HDR_FREE);
	}
	CU_ASSERT_TRUE(fake_log_has("(channel 0, request id 99); freed"));
	CU_ASSERT_TRUE(fake_log_has("JOB_DONE for job 0x0, which is not outstanding: ignored"));
	done();
}

static void test_interrupt_path(void)
{
	long from, mask, st, clr, pop, unmask;
	struct npu_info info;

	booted();
	from = (long)f->n_log;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), 0);
	CU_ASSERT_TRUE(f->irq_waits > 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.irqs, 1);
	CU_ASSERT_EQUAL(info.irq_poll_fallbacks, 0);
	mask = fake_find(f, from, FAKE_WR32, B4, NPU_BTRS_GLOBAL_INT_MASK);
	st = fake_find(f, mask, FAKE_RD32, B0, NPU_HOST_SS_ICB_STATUS_0);
	clr = fake_find(f, st, FAKE_WR32, B0, NPU_HOST_SS_ICB_CLEAR_0);
	pop = fake_find(f, clr, FAKE_RD32, B0, NPU_HOST_SS_TIM_IPC_FIFO_ATM);
	unmask = fake_find(f, pop, FAKE_WR32, B4, NPU_BTRS_GLOBAL_INT_MASK);
	CU_ASSERT_TRUE(mask >= 0 && st > mask && clr > st && pop > clr && unmask > pop);
	CU_ASSERT_EQUAL(f->log[mask].val, 1);
	CU_ASSERT_EQUAL(f->log[clr].val, NPU_ICB_0_HOST_IPC_FIFO);
	CU_ASSERT_EQUAL(f->log[unmask].val, 0);
	CU_ASSERT_EQUAL(fake_reg(f, B4, NPU_BTRS_INTERRUPT_STAT), 0);
	done();
}

static void test_polling_fallback(void)
{
	struct npu_info info;
	uint64_t t0;

	booted();
	f->fw.reply = FAKE_REPLY_NO_IRQ;
	t0 = f->now_ns;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, NULL), 0);
	CU_ASSERT_TRUE(f->now_ns - t0 >= 10000000ull && f->now_ns - t0 < 11000000ull);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.irq_poll_fallbacks, 1);
	CU_ASSERT_TRUE(fake_log_has("1 message(s) waiting but no interrupt within 10000 us; "
				    "reading the FIFO without one"));
	done();
}

static enum fake_reply no_d0i3_answer(struct fake_npu *ff, const struct npu_jsm_msg *req,
				      uint32_t ch, struct npu_jsm_msg *resp)
{
	return req->type == NPU_JSM_MSG_PWR_D0I3_ENTER ? FAKE_REPLY_NONE : FAKE_REPLY_NORMAL;
}

static void test_timeouts(void)
{
	uint64_t t0;

	booted();
	f->fw.reply = FAKE_REPLY_NONE;
	t0 = f->now_ns;
	CU_ASSERT_EQUAL(npu_ipc_send_receive_internal(dev, &(struct npu_jsm_msg){
		.type = NPU_JSM_MSG_QUERY_ENGINE_HB }, &(struct npu_jsm_msg){ 0 }, 500), -ETIMEDOUT);
	CU_ASSERT_EQUAL(f->now_ns - t0, 500000000ull);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "QUERY_ENGINE_HB (request 1, channel 0): no "
			      "response within 500 ms") != NULL);
	done();

	/* D0i3 entry message: 5 ms, general channel; suspend goes on anyway */
	booted();
	f->fw.hook = no_d0i3_answer;
	t0 = f->now_ns;
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	CU_ASSERT_TRUE(fake_log_has("suspend: no D0i3 handshake with the firmware, powering down "
				    "anyway: PWR_D0I3_ENTER (request 1, channel "
				    "10): no response within 5 ms"));
	CU_ASSERT_FALSE(f->powered);
	done();
}

static void test_send_needs_ipc_and_state_dump(void)
{
	struct npu_ipc_consumer *c;
	uint64_t t0;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_state_dump(dev), -EAGAIN);
	done();

	booted();
	npu_ipc_disable(dev);
	c = npu_ipc_consumer_add(dev, 0);
	CU_ASSERT_EQUAL(npu_ipc_send(dev, c, &(struct npu_jsm_msg){ .type = NPU_JSM_MSG_STATE_DUMP }),
			-EAGAIN);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "IPC is off") != NULL);
	npu_ipc_consumer_del(dev, c);
	npu_ipc_enable(dev);
	t0 = f->now_ns;
	CU_ASSERT_EQUAL(npu_state_dump(dev), 0);
	CU_ASSERT_EQUAL(f->now_ns - t0, 100000000ull);     /* state_dump_msg, no response awaited */
	CU_ASSERT_EQUAL(f->reqs[f->n_reqs - 1].jsm.type, NPU_JSM_MSG_STATE_DUMP);
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_ipc", NULL, NULL);
	CU_add_test(s, "message format, request ids, FREE marking", test_message_format_and_ids);
	CU_add_test(s, "TX granule allocator", test_tx_allocator);
	CU_add_test(s, "unfreed TX slot reused with a warning", test_unfreed_tx_slot_reused);
	CU_add_test(s, "header outside RX", test_header_outside_rx);
	CU_add_test(s, "JSM outside RX", test_jsm_outside_rx);
	CU_add_test(s, "0xFFFFFFFF pop", test_pop_io_error);
	CU_add_test(s, "wrong response type", test_wrong_type);
	CU_add_test(s, "non-zero result", test_error_result);
	CU_add_test(s, "stale ids and unsolicited messages", test_unclaimed_messages_dropped);
	CU_add_test(s, "interrupt path", test_interrupt_path);
	CU_add_test(s, "polling fallback", test_polling_fallback);
	CU_add_test(s, "JSM and D0i3 timeouts", test_timeouts);
	CU_add_test(s, "send needs IPC; state dump", test_send_needs_ipc_and_state_dump);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
