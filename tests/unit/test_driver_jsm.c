/* SPDX-License-Identifier: MIT */
/*
 * Driver core, JSM messages (jsm.c): the payload, channel, expected
 * response and timeout of each message as Linux 6.12's ivpu_jsm_msg.c
 * sends them (hw-facts §5.4), and the type/status names.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

static struct fake_npu *f;
static struct npu_device *dev;

static void booted(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	fake_npu_free(f);
	f = NULL;
}

static const struct fake_req *last(void)
{
	return f->n_reqs ? &f->reqs[f->n_reqs - 1] : NULL;
}

static void test_async_messages(void)
{
	uint64_t hb = 0;

	booted();
	CU_ASSERT_EQUAL(npu_jsm_heartbeat(dev, 0, &hb), 0);
	CU_ASSERT_EQUAL(hb, 1);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_QUERY_ENGINE_HB);
	CU_ASSERT_EQUAL(last()->channel, NPU_IPC_CHAN_ASYNC_CMD);
	CU_ASSERT_EQUAL(npu_jsm_heartbeat(dev, 1, &hb), -EINVAL);

	CU_ASSERT_EQUAL(npu_jsm_register_db(dev, 5, 9, 0x85001000, 4096), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_REGISTER_DB);
	CU_ASSERT_EQUAL(last()->jsm.payload.register_db.db_idx, 9);
	CU_ASSERT_EQUAL(last()->jsm.payload.register_db.jobq_base, 0x85001000);
	CU_ASSERT_EQUAL(last()->jsm.payload.register_db.jobq_size, 4096);
	CU_ASSERT_EQUAL(last()->jsm.payload.register_db.host_ssid, 5);
	CU_ASSERT_EQUAL(last()->jsm.payload.words[1], 0);            /* reserved */

	CU_ASSERT_EQUAL(npu_jsm_unregister_db(dev, 9), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_UNREGISTER_DB);
	CU_ASSERT_EQUAL(last()->jsm.payload.db.db_idx, 9);

	CU_ASSERT_EQUAL(npu_jsm_ssid_release(dev, 7), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_SSID_RELEASE);
	CU_ASSERT_EQUAL(last()->jsm.payload.ssid.host_ssid, 7);

	CU_ASSERT_EQUAL(npu_jsm_engine_reset(dev, 0), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_ENGINE_RESET);
	CU_ASSERT_EQUAL(last()->jsm.payload.engine.engine_idx, 0);

	CU_ASSERT_EQUAL(npu_jsm_state_dump(dev), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_STATE_DUMP);
	done();
}

static void test_d0i3_enter(void)
{
	booted();
	CU_ASSERT_EQUAL(npu_jsm_pwr_d0i3_enter(dev), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_PWR_D0I3_ENTER);
	CU_ASSERT_EQUAL(last()->channel, NPU_IPC_CHAN_GEN_CMD);
	CU_ASSERT_EQUAL(last()->jsm.payload.pwr_d0i3_enter.send_response, 1);
	/* then VPU_STATUS.IDLE is polled */
	CU_ASSERT_TRUE(fake_count(f, FAKE_RD32, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) > 0);
	done();

	/* answered, but the NPU never goes idle: 5 ms idle timeout */
	booted();
	fake_force_read(f, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_STATUS_READY);
	CU_ASSERT_EQUAL(npu_jsm_pwr_d0i3_enter(dev), -ETIMEDOUT);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "NPU not idle within 5 ms: BTRS_VPU_STATUS=0x00000001 "
			       "[READY=1 IDLE=0]");
	fake_unforce(f, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS);
	done();
}

static void test_hws_messages(void)
{
	const struct npu_jsm_hws_priority_band_setup *b;
	const struct npu_jsm_hws_set_context_sched_properties *p;

	booted();
	CU_ASSERT_EQUAL(npu_jsm_hws_setup_priority_bands(dev), 0);
	b = &last()->jsm.payload.hws_priority_band_setup;
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP);
	CU_ASSERT_EQUAL(b->grace_period[0], 0);
	CU_ASSERT_EQUAL(b->grace_period[1], 50000);
	CU_ASSERT_EQUAL(b->grace_period[2], 50000);
	CU_ASSERT_EQUAL(b->grace_period[3], 0);
	CU_ASSERT_EQUAL(b->process_grace_period[0], 50000);
	CU_ASSERT_EQUAL(b->process_quantum[0], 160000);
	CU_ASSERT_EQUAL(b->process_quantum[1], 300000);
	CU_ASSERT_EQUAL(b->process_quantum[2], 200000);
	CU_ASSERT_EQUAL(b->process_quantum[3], 200000);
	CU_ASSERT_EQUAL(b->normal_band_percentage, 10);

	CU_ASSERT_EQUAL(npu_jsm_hws_create_cmdq(dev, 3, 11, 0x85002000, 4096), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_CREATE_CMD_QUEUE);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_create_cmdq.host_ssid, 3);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_create_cmdq.cmdq_id, 11);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_create_cmdq.cmdq_base, 0x85002000);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_create_cmdq.cmdq_size, 4096);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_create_cmdq.engine_idx, 0);

	CU_ASSERT_EQUAL(npu_jsm_hws_set_context_sched_properties(dev, 3, 11, 1), 0);
	p = &last()->jsm.payload.hws_set_context_sched_properties;
	CU_ASSERT_EQUAL(p->host_ssid, 3);
	CU_ASSERT_EQUAL(p->cmdq_id, 11);
	CU_ASSERT_EQUAL(p->priority_band, 1);
	CU_ASSERT_EQUAL(p->context_quantum, 20000);
	CU_ASSERT_EQUAL(p->grace_period_same_priority, 10000);
	CU_ASSERT_EQUAL(p->grace_period_lower_priority, 0);

	CU_ASSERT_EQUAL(npu_jsm_hws_register_db(dev, 3, 11, 4, 0x85002000, 4096), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_HWS_REGISTER_DB);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_register_db.db_id, 4);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_register_db.cmdq_id, 11);

	CU_ASSERT_EQUAL(npu_jsm_hws_destroy_cmdq(dev, 3, 11), 0);
	CU_ASSERT_EQUAL(last()->jsm.type, NPU_JSM_MSG_DESTROY_CMD_QUEUE);
	CU_ASSERT_EQUAL(last()->jsm.payload.hws_cmdq.cmdq_id, 11);
	done();
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x1104), "QUERY_ENGINE_HB");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x2204), "QUERY_ENGINE_HB_DONE");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x1202), "PWR_D0I3_ENTER");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x2100), "JOB_DONE");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x2205), "GET_POWER_LEVEL_COUNT_DONE");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x2202), "REGISTER_DB_DONE");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x2101), "NATIVE_FENCE_SIGNALLED");
	CU_ASSERT_STRING_EQUAL(npu_jsm_type_name(0x4242), "type not listed in jsm.h");
	CU_ASSERT_STRING_EQUAL(npu_jsm_status_name(0), "SUCCESS");
	CU_ASSERT_STRING_EQUAL(npu_jsm_status_name(6), "GLOBAL_CTX_VIOL_ERR");
	CU_ASSERT_STRING_EQUAL(npu_jsm_status_name(0xD), "PREEMPTED_MID_INFERENCE");
	CU_ASSERT_STRING_EQUAL(npu_jsm_status_name(0x10), "engine reset required");
	CU_ASSERT_STRING_EQUAL(npu_jsm_status_name(0x99), "unknown status");
	CU_ASSERT_STRING_EQUAL(npu_strerror(-EBADE), "unexpected firmware response type");
	CU_ASSERT_STRING_EQUAL(npu_strerror(-ENOEXEC), "invalid firmware file");
	CU_ASSERT_STRING_EQUAL(npu_power_state_name(NPU_POWER_SUSPENDED), "suspended");
}

/* The request -> response pairs and channels of NPU_JSM_REQUESTS against
 * the numbers of hw-facts §5.2 and §5.4, and what the driver does with a
 * type that is not a request. */
static void test_request_table(void)
{
	static const struct { uint32_t req, rsp, chan; } pairs[] = {
		{ 0x1100, 0x2200, 0 }, { 0x1101, 0x2201, 0 }, { 0x1102, 0x2202, 0 },
		{ 0x1103, 0x2203, 0 }, { 0x1104, 0x2204, 0 }, { 0x110E, 0x220E, 0 },
		{ 0x1113, 0x2214, 0 }, { 0x1114, 0x2215, 0 }, { 0x1115, 0x2216, 0 },
		{ 0x1116, 0x2217, 0 }, { 0x1117, 0x2202, 0 }, { 0x11FF, 0x22FF, 0 },
		{ 0x1202, 0x2302, 10 },
	};
	unsigned requests = 0;

	for (size_t i = 0; i < NPU_ARRAY_SIZE(pairs); i++) {
		CU_ASSERT_EQUAL(npu_jsm_response_type(pairs[i].req), pairs[i].rsp);
		CU_ASSERT_EQUAL(npu_jsm_request_channel(pairs[i].req), pairs[i].chan);
	}
	/* responses and notifications are not requests */
	CU_ASSERT_EQUAL(npu_jsm_response_type(0x2204), NPU_JSM_MSG_NONE);
	CU_ASSERT_EQUAL(npu_jsm_response_type(0x2100), NPU_JSM_MSG_NONE);
	for (uint32_t t = 0x1100; t < 0x1300; t++)
		requests += npu_jsm_response_type(t) != NPU_JSM_MSG_NONE;
	CU_ASSERT_EQUAL(requests, 34);

	/* the driver refuses to send a non-request */
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	{
		struct npu_jsm_msg m = { .type = NPU_JSM_MSG_JOB_DONE }, r;
		unsigned sent = f->n_reqs;

		CU_ASSERT_EQUAL(npu_ipc_send_receive(dev, &m, &r, 10), -EINVAL);
		CU_ASSERT_TRUE(strstr(npu_last_error(dev), "type 0x2100 (JOB_DONE) is not a JSM "
				      "request") != NULL);
		CU_ASSERT_EQUAL(f->n_reqs, sent);
	}
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_jsm", NULL, NULL);
	CU_add_test(s, "async channel messages", test_async_messages);
	CU_add_test(s, "PWR_D0I3_ENTER", test_d0i3_enter);
	CU_add_test(s, "HW scheduling messages", test_hws_messages);
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "request table", test_request_table);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
