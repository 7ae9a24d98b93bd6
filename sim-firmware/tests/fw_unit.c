/* SPDX-License-Identifier: MIT */
/*
 * Firmware unit tests, run on the model's RV32 core by tools/iss-run with
 * the firmware's own modules built against a fake LRT (fake_lrt.c): the
 * printf, the fault-tolerant copy and its trap fixup, the log rings, the
 * RX slot allocator, request validation, every JSM handler, deferred
 * sends, doorbells, timers and the fatal-trap path.
 *
 * The "host" side lives in one aligned array that plays the shared region;
 * the region declared in the boot params is larger than the array, so its
 * tail ("the hole") is inside the region but outside the ISS's memory:
 * accesses there fault like an unmapped NPU page.
 *
 * Output: one "ok <test>" line per test; the first failed check prints
 * file:line, the condition and the firmware console, and exits non-zero.
 */
#include "fake_lrt.h"
#include "fw.h"
#include "intel-npu/jobq.h"
#include "iss.h"

#define SHARED_SIZE     0x10000u
#define SHARED_DECLARED 0x1000000u   /* what the boot params claim */
#define TX_OFF          0x0000u      /* 16 KiB, like ivpu's mem_tx */
#define RX_HDR_OFF      0x4000u      /* 8 KiB header area */
#define RX_PAY_OFF      0x6000u      /* 8 KiB payload area */
#define LOG_CRIT_OFF    0x8000u      /* 4 KiB */
#define LOG_VERB_OFF    0x9000u      /* 8 KiB */
#define JOBQ_OFF        0xB000u      /* 4 KiB job queue */
#define HOLE_OFF        0x800000u    /* inside the declared region, not in memory */
#define TX_SLOTS        (0x4000u / 192u)

static uint8_t shared[SHARED_SIZE] __attribute__((aligned(4096)));
struct npu_boot_params __fw_boot_params __attribute__((aligned(4096)));
extern uint32_t fw_trap_nesting;          /* trap.S */

/* start.S is not part of this build; jsm.c only needs the address. */
void fw_warm_entry(void)
{
}

static const char *current;
static unsigned checks, next_id, tx_cursor;

static void fail(int line, const char *what)
{
	iss_puts("sim-firmware/tests/fw_unit.c:");
	iss_put_dec((uint32_t)line);
	iss_puts(": in ");
	iss_puts(current);
	iss_puts(": check failed: ");
	iss_puts(what);
	iss_puts("\n--- firmware console ---\n");
	for (unsigned i = 0; i < lrt.console_len; i++)
		iss_putc(lrt.console[i]);
	iss_puts("--- end ---\n");
	iss_exit(1);
}

#define CHECK(cond) do { checks++; if (!(cond)) fail(__LINE__, #cond); } while (0)

static uint32_t va(uint32_t off)
{
	return (uint32_t)(uintptr_t)shared + off;
}

static void *at(uint32_t off)
{
	return shared + off;
}

/* ---- World: boot params like ivpu_fw_boot_params_setup, firmware state ----- */

static uint32_t worlds;

static void world_reset(void)
{
	struct npu_boot_params *bp = &__fw_boot_params;

	fake_lrt_reset();
	memset(&fw, 0, sizeof(fw));
	memset(&fw_log, 0, sizeof(fw_log));
	memset(&rt, 0, sizeof(rt));
	memset(fw_dbs, 0, sizeof(fw_dbs));
	memset(fw_cmdqs, 0, sizeof(fw_cmdqs));
	fw.cold_boots = ++worlds;             /* a new boot generation: job state of the last one is void */
	memset(shared, 0, sizeof(shared));
	memset(bp, 0, sizeof(*bp));
	bp->magic = NPU_BOOT_PARAMS_MAGIC;
	bp->shared_region_base = va(0);
	bp->shared_region_size = SHARED_DECLARED;
	bp->ipc_header_area_start = va(RX_HDR_OFF);
	bp->ipc_header_area_size = 0x2000;
	bp->ipc_payload_area_start = va(RX_PAY_OFF);
	bp->ipc_payload_area_size = 0x2000;
	bp->crit_tracing_buff_addr = va(LOG_CRIT_OFF);
	bp->crit_tracing_buff_size = 0x1000;
	bp->verbose_tracing_buff_addr = va(LOG_VERB_OFF);
	bp->verbose_tracing_buff_size = 0x2000;
	bp->default_trace_level = NPU_LOG_LEVEL_INFO;
	bp->trace_destination_mask = NPU_TRACE_DESTINATION_VERBOSE;
	bp->trace_hw_component_mask = ~0ull;
	fw.bp_va = (uint32_t)(uintptr_t)bp;
	fw.magic = FW_STATE_MAGIC;
	fw_trap_nesting = 0;
	CHECK(boot_read_regions() == 0);
	boot_read_log_config();
	rt.timer_at = UINT64_MAX;
	rt.intc_enable = NPU_LRT_IRQ_INBOX | NPU_LRT_IRQ_DOORBELL;
	plat_wr(NPU_LRT_INTC_ENABLE, rt.intc_enable);
	fw_timers_start();
	next_id = 100;
	tx_cursor = 0;
}

/* ---- Host side of IPC, as ivpu_ipc.c does it -------------------------------------- */

/* A {header, JSM} pair in the TX area, both ALLOCATED; returns the header VA. */
static uint32_t put_req(uint32_t channel, uint32_t type, const void *payload, uint32_t n,
			uint32_t *id)
{
	uint32_t off = TX_OFF + (tx_cursor++ % TX_SLOTS) * 192;
	struct npu_ipc_hdr *h = at(off);
	struct npu_jsm_msg *m = at(off + 64);

	memset(h, 0, 192);
	h->data_addr = va(off + 64);
	h->data_size = sizeof(*m);
	h->channel = (uint16_t)channel;
	h->src_node = NPU_IPC_NODE_HOST;
	h->dst_node = NPU_IPC_NODE_FW;
	h->status = NPU_IPC_HDR_ALLOCATED;
	m->type = type;
	m->status = NPU_JSM_MSG_ALLOCATED;
	m->request_id = *id = ++next_id;
	if (payload)
		memcpy(&m->payload, payload, n);
	return va(off);
}

static struct npu_jsm_msg rsp;
static struct npu_ipc_hdr rsp_hdr;

/* Pops one response, checks its framing, frees it (the host's job). */
static bool get_rsp(uint32_t channel)
{
	uint32_t hva;

	if (!fake_outbox_pop(&hva))
		return false;
	CHECK(hva >= va(RX_HDR_OFF) && hva < va(RX_HDR_OFF + 0x2000) && !(hva & 63));
	memcpy(&rsp_hdr, (void *)(uintptr_t)hva, sizeof(rsp_hdr));
	CHECK(rsp_hdr.status == NPU_IPC_HDR_ALLOCATED);
	CHECK(rsp_hdr.channel == channel);
	CHECK(rsp_hdr.src_node == NPU_IPC_NODE_FW && rsp_hdr.dst_node == NPU_IPC_NODE_HOST);
	if (channel == NPU_IPC_CHAN_BOOT_MSG) {
		CHECK(rsp_hdr.data_addr == NPU_IPC_BOOT_MSG_DATA_ADDR);
	} else {
		CHECK(rsp_hdr.data_size == sizeof(rsp));
		CHECK(rsp_hdr.data_addr >= va(RX_PAY_OFF) && rsp_hdr.data_addr < va(RX_PAY_OFF + 0x2000));
		CHECK(!(rsp_hdr.data_addr & 127));
		memcpy(&rsp, (void *)(uintptr_t)rsp_hdr.data_addr, sizeof(rsp));
		CHECK(rsp.status == NPU_JSM_MSG_ALLOCATED);
		((struct npu_jsm_msg *)(uintptr_t)rsp_hdr.data_addr)->status = NPU_JSM_MSG_FREE;
	}
	((struct npu_ipc_hdr *)(uintptr_t)hva)->status = NPU_IPC_HDR_FREE;
	return true;
}

/* One request/response round trip; returns the response's result. */
static uint32_t transact(uint32_t channel, uint32_t type, const void *payload, uint32_t n,
			 uint32_t rsp_type)
{
	uint32_t id, hva = put_req(channel, type, payload, n, &id);
	const struct npu_ipc_hdr *h = (const void *)(uintptr_t)hva;
	const struct npu_jsm_msg *m = (const void *)(uintptr_t)h->data_addr;

	fake_inbox_push(hva);
	fw_poll_once();
	CHECK(h->status == NPU_IPC_HDR_FREE);   /* both freed, or ivpu warns */
	CHECK(m->status == NPU_JSM_MSG_FREE);
	CHECK(get_rsp(channel));
	CHECK(rsp.type == rsp_type);
	CHECK(rsp.request_id == id);
	CHECK(!get_rsp(channel));                /* exactly one */
	return rsp.result;
}

/* A request that must not be answered. */
static void no_answer(uint32_t hva)
{
	uint32_t dummy;

	fake_inbox_push(hva);
	fw_poll_once();
	CHECK(!fake_outbox_pop(&dummy));
}

/* ---- Tests ------------------------------------------------------------------------- */

static void test_printf(void)
{
	char b[64];

	CHECK(fw_snprintf(b, sizeof(b), "%5lu.%06lu|%-4s|%4s|%c", 12ul, 345ul, "ab", "cd", 'x') == 24);
	CHECK(!memcmp(b, "   12.000345|ab  |  cd|x", 25));
	fw_snprintf(b, sizeof(b), "%08lx %X %llx %d %05d %%", 0xbeeful, 0xABCu,
		    0x123456789abcdefull, -42, -42);
	CHECK(!memcmp(b, "0000beef ABC 123456789abcdef -42 -0042 %", 41));
	fw_snprintf(b, sizeof(b), "%llu", 18446744073709551615ull);
	CHECK(!memcmp(b, "18446744073709551615", 21));
	CHECK(fw_snprintf(b, 4, "abcdef") == 6 && !memcmp(b, "abc", 4));  /* truncates */
}

static void test_safe_copy(void)
{
	uint32_t v = 0, w = 0x11223344u;
	uint8_t buf[7];

	CHECK(safe_wr32(va(JOBQ_OFF), w) == 0);
	CHECK(safe_rd32(va(JOBQ_OFF), &v) == 0 && v == w);
	CHECK(fw_safe_copy(buf, at(JOBQ_OFF + 1), 3) == 0 && buf[0] == 0x33 && buf[2] == 0x11);
	fw_safe_fault_addr = 0;
	CHECK(safe_rd32(va(HOLE_OFF), &v) == -1);          /* load access fault, fixed up */
	CHECK(fw_safe_fault_addr == va(HOLE_OFF));
	CHECK(safe_wr32(va(HOLE_OFF) + 8, 1) == -1);       /* store access fault */
	CHECK(fw_safe_fault_addr == va(HOLE_OFF) + 8);
	CHECK(fw_safe_copy(buf, (void *)(uintptr_t)(va(HOLE_OFF) + 3), 5) == -1);  /* bytes */
	CHECK(fw_trap_nesting == 0);                       /* not a fatal trap */
	CHECK(!lrt.halted);
}

static void test_log_ring(void)
{
	const struct npu_tracing_buffer_header *h = at(LOG_VERB_OFF);
	const uint32_t data_size = 0x2000 - NPU_TRACING_HEADER_SIZE;
	char line[100];
	uint32_t i, wrap_at = 0;

	/* header as ivpu_fw_log.c validates it */
	CHECK(h->vpu_canary_start == NPU_TRACING_BUFFER_CANARY);
	CHECK(h->size == 0x2000 && h->header_size == 128 && h->format == 0);
	CHECK(h->header_version == NPU_TRACING_HEADER_VERSION && h->alignment == 0);
	CHECK(!memcmp(h->name, "LRT", 4));
	CHECK(h->host_canary_start == 0 && h->read_index == 0);   /* host line untouched */

	fw_log.verbose.write_index = 0;                  /* forget world_reset's lines */
	log_buf_append(&fw_log.verbose, "hello\n", 6);
	CHECK(h->write_index == 6 && h->wrap_count == 0);
	CHECK(!memcmp(at(LOG_VERB_OFF + 128), "hello\n", 6));

	/* fill: 99-byte lines until one does not fit, then it wraps unsplit */
	memset(line, 'x', sizeof(line));
	line[98] = '\n';
	for (i = 0; h->wrap_count == 0; i++) {
		wrap_at = h->write_index;
		log_buf_append(&fw_log.verbose, line, 99);
		CHECK(i < 200);
	}
	CHECK(wrap_at + 99 > data_size);                  /* it really did not fit */
	CHECK(h->wrap_count == 1 && h->write_index == 99);
	CHECK(!memcmp(at(LOG_VERB_OFF + 128), line, 99));
	for (uint32_t o = wrap_at; o < data_size; o++)   /* tail padded with NULs */
		CHECK(*(uint8_t *)at(LOG_VERB_OFF + 128 + o) == 0);

	/* an oversize line is cut to the data area */
	log_buf_append(&fw_log.crit, at(0), 0x3000);
	CHECK(((struct npu_tracing_buffer_header *)at(LOG_CRIT_OFF))->write_index <= 0x1000 - 128);
}

static void test_log_routing(void)
{
	const struct npu_tracing_buffer_header *crit = at(LOG_CRIT_OFF);
	const struct npu_tracing_buffer_header *verb = at(LOG_VERB_OFF);
	uint32_t c0, v0;

	log_set_config(NPU_LOG_LEVEL_ERROR, ~0u, ~0ull);   /* ivpu's default level */
	CHECK(fw_log.dest_mask == NPU_TRACE_DESTINATION_VERBOSE);
	CHECK(fw_log.hw_mask == FW_TRACE_HW_SUPPORTED);
	c0 = crit->write_index;
	v0 = verb->write_index;
	fake_console_clear();
	LOG_INFO("info line %d", 1);
	CHECK(verb->write_index == v0 && crit->write_index == c0);
	CHECK(fake_console_has("I info line 1"));          /* the console still shows it */
	LOG_DBG("debug line");
	CHECK(!fake_console_has("debug line"));
	LOG_ERR("error line %s", "E1");
	CHECK(verb->write_index > v0 && crit->write_index > c0);
	CHECK(fake_console_has("E error line E1\n"));
	LOG_DUMP("dump line");
	CHECK(fake_console_has("dump line"));
	log_set_config(NPU_LOG_LEVEL_DEBUG, NPU_TRACE_DESTINATION_VERBOSE, 0);  /* LRT masked */
	v0 = verb->write_index;
	LOG_WARN("masked");
	CHECK(verb->write_index == v0);
	log_set_config(0, NPU_TRACE_DESTINATION_VERBOSE, ~0ull);
	CHECK(fw_log.level == NPU_LOG_LEVEL_INFO);          /* 0 = firmware default */
	log_set_config(9, 0, 0);
	CHECK(fw_log.level == NPU_LOG_LEVEL_FATAL);
}

static void test_log_faults(void)
{
	struct fw_log_buf b;

	/* unaligned, too small, outside the region: refused before any write */
	CHECK(log_buf_init(&b, va(LOG_VERB_OFF) + 4, 0x1000, "t") == -1 && !b.va);
	CHECK(log_buf_init(&b, va(LOG_VERB_OFF), 100, "t") == -1);
	CHECK(log_buf_init(&b, va(0) - 0x1000, 0x1000, "t") == -1);
	CHECK(fake_console_has("unusable"));
	/* inside the region but unmapped: the header write faults */
	CHECK(log_buf_init(&b, va(HOLE_OFF), 0x1000, "t") == -1);
	CHECK(fake_console_has("write fault"));
	/* a buffer that goes away later is dropped on the first fault */
	b.va = va(HOLE_OFF);
	b.data_size = 0x100;
	b.write_index = 0;
	b.wrap_count = 0;
	log_buf_append(&b, "x\n", 2);
	CHECK(b.va == 0 && fake_console_has("buffer disabled"));
	CHECK(!lrt.halted);
}

static void test_slot_allocator(void)
{
	struct fw_region r = { va(RX_HDR_OFF), 4 * 64 };
	uint32_t cur = 0;

	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == va(RX_HDR_OFF) && cur == 1);
	*(uint8_t *)at(RX_HDR_OFF + 64 + 12) = NPU_IPC_HDR_ALLOCATED;     /* slot 1 busy */
	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == va(RX_HDR_OFF + 128) && cur == 3);
	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == va(RX_HDR_OFF + 192) && cur == 0);
	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == va(RX_HDR_OFF) && cur == 1); /* wraps */
	for (int i = 0; i < 4; i++)
		*(uint8_t *)at(RX_HDR_OFF + 64 * i + 12) = NPU_IPC_HDR_ALLOCATED;
	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == 0);                /* all busy */
	*(uint8_t *)at(RX_HDR_OFF + 13) = 0x55;   /* padding byte: not part of the status */
	*(uint8_t *)at(RX_HDR_OFF + 12) = NPU_IPC_HDR_FREE;
	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == va(RX_HDR_OFF));
	r.base = va(HOLE_OFF);
	CHECK(ipc_find_free_slot(&r, 64, 0xFF, &cur) == UINT32_MAX);       /* faulted */
}

static void test_heartbeat(void)
{
	union npu_jsm_payload p = { 0 };
	uint64_t hb1, hb2;

	lrt.mtime = 0x123456789ull;
	CHECK(transact(NPU_IPC_CHAN_ASYNC_CMD, NPU_JSM_MSG_QUERY_ENGINE_HB, &p, sizeof(p),
		       NPU_JSM_MSG_QUERY_ENGINE_HB_DONE) == NPU_JSM_STATUS_SUCCESS);
	hb1 = rsp.payload.query_engine_hb_done.heartbeat;
	CHECK(hb1 == 0x123456789ull && rsp.payload.query_engine_hb_done.engine_idx == 0);
	lrt.mtime += 1000;
	p.engine.engine_idx = NPU_ENGINE_COPY;
	CHECK(transact(0, NPU_JSM_MSG_QUERY_ENGINE_HB, &p, sizeof(p),
		       NPU_JSM_MSG_QUERY_ENGINE_HB_DONE) == 0);
	hb2 = rsp.payload.query_engine_hb_done.heartbeat;
	CHECK(hb2 > hb1 && rsp.payload.query_engine_hb_done.engine_idx == 1);
	p.engine.engine_idx = 2;
	CHECK(transact(0, NPU_JSM_MSG_QUERY_ENGINE_HB, &p, sizeof(p),
		       NPU_JSM_MSG_QUERY_ENGINE_HB_DONE) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(fw.stats.tx == 3 && fw.stats.rx == 3);
}

static uint32_t register_db(uint32_t db, uint32_t ssid, uint32_t base, uint32_t size)
{
	union npu_jsm_payload p = { 0 };

	p.register_db.db_idx = db;
	p.register_db.jobq_base = base;
	p.register_db.jobq_size = size;
	p.register_db.host_ssid = ssid;
	return transact(0, NPU_JSM_MSG_REGISTER_DB, &p, sizeof(p), NPU_JSM_MSG_REGISTER_DB_DONE);
}

static uint32_t db_msg(uint32_t type, uint32_t rsp_type, uint32_t db)
{
	union npu_jsm_payload p = { 0 };

	p.db.db_idx = db;
	return transact(0, type, &p, sizeof(p), rsp_type);
}

static void test_doorbell_registry(void)
{
	const uint32_t q = va(JOBQ_OFF);
	union npu_jsm_payload p = { 0 };

	CHECK(register_db(5, 2, q, 0x1000) == 0 && rsp.payload.db.db_idx == 5);
	CHECK(fw_dbs[5].used && fw_dbs[5].host_ssid == 2 && fw_dbs[5].jobq_va == q);
	CHECK(register_db(0, 2, q, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);     /* db id */
	CHECK(register_db(256, 2, q, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(register_db(6, 1, q, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);     /* ssid */
	CHECK(register_db(6, 66, q, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(register_db(6, 3, q + 8, 0x1000) == NPU_JSM_STATUS_PARSING_ERR); /* alignment */
	CHECK(register_db(6, 3, q, 64) == NPU_JSM_STATUS_PARSING_ERR);         /* no slot */
	CHECK(register_db(6, 3, va(0) - 0x1000, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(!fw_dbs[6].used && !fw_dbs[0].used);
	fake_console_clear();
	CHECK(register_db(5, 4, q, 0x800) == 0);                               /* replace */
	CHECK(fake_console_has("replaced") && fw_dbs[5].host_ssid == 4);
	CHECK(register_db(7, 4, q, 0x1000) == 0);
	CHECK(register_db(8, 9, q, 0x1000) == 0);

	CHECK(db_msg(NPU_JSM_MSG_UNREGISTER_DB, NPU_JSM_MSG_UNREGISTER_DB_DONE, 8) == 0);
	CHECK(rsp.payload.db.db_idx == 8 && !fw_dbs[8].used);
	CHECK(db_msg(NPU_JSM_MSG_UNREGISTER_DB, NPU_JSM_MSG_UNREGISTER_DB_DONE, 8) ==
	      NPU_JSM_STATUS_PROCESSING_ERR);
	CHECK(db_msg(NPU_JSM_MSG_UNREGISTER_DB, NPU_JSM_MSG_UNREGISTER_DB_DONE, 300) ==
	      NPU_JSM_STATUS_PARSING_ERR);

	p.ssid.host_ssid = 4;
	CHECK(transact(0, NPU_JSM_MSG_SSID_RELEASE, &p, sizeof(p),
		       NPU_JSM_MSG_SSID_RELEASE_DONE) == 0 && rsp.payload.ssid.host_ssid == 4);
	CHECK(!fw_dbs[5].used && !fw_dbs[7].used);
	p.ssid.host_ssid = 0;
	CHECK(transact(0, NPU_JSM_MSG_SSID_RELEASE, &p, sizeof(p),
		       NPU_JSM_MSG_SSID_RELEASE_DONE) == NPU_JSM_STATUS_PARSING_ERR);
}

static void test_bad_requests(void)
{
	uint32_t id, hva;
	struct npu_ipc_hdr *h;
	struct npu_jsm_msg *m;

	/* header VA: misaligned, outside the shared region, unmapped */
	no_answer(va(TX_OFF) + 8);
	no_answer(va(0) - 0x40);
	no_answer(va(HOLE_OFF));
	CHECK(fw.stats.rx_rejected == 3 && !lrt.halted);

	/* header not ALLOCATED: untouched */
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	h = (void *)(uintptr_t)hva;
	m = (void *)(uintptr_t)h->data_addr;
	h->status = NPU_IPC_HDR_FREE;
	no_answer(hva);
	CHECK(m->status == NPU_JSM_MSG_ALLOCATED);

	/* channel the host never sends on: header freed, no answer */
	hva = put_req(NPU_IPC_CHAN_JOB_RET, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	no_answer(hva);
	CHECK(((struct npu_ipc_hdr *)(uintptr_t)hva)->status == NPU_IPC_HDR_FREE);

	/* data_size too small; data_addr misaligned; data_addr unmapped */
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	((struct npu_ipc_hdr *)(uintptr_t)hva)->data_size = 64;
	no_answer(hva);
	CHECK(((struct npu_ipc_hdr *)(uintptr_t)hva)->status == NPU_IPC_HDR_FREE);
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	((struct npu_ipc_hdr *)(uintptr_t)hva)->data_addr += 4;
	no_answer(hva);
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	((struct npu_ipc_hdr *)(uintptr_t)hva)->data_addr = va(HOLE_OFF);
	no_answer(hva);
	CHECK(((struct npu_ipc_hdr *)(uintptr_t)hva)->status == NPU_IPC_HDR_FREE);

	/* JSM not ALLOCATED */
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	m = (void *)(uintptr_t)((struct npu_ipc_hdr *)(uintptr_t)hva)->data_addr;
	m->status = NPU_JSM_MSG_FREE;
	no_answer(hva);
	CHECK(fw.stats.rx_rejected == 9 && fw.stats.tx == 0);
	CHECK(fake_console_has("not ALLOCATED") && fake_console_has("channel 11"));
	CHECK(!lrt.halted && fw_trap_nesting == 0);
}

static void test_unknown_and_unimplemented(void)
{
	uint32_t id;

	CHECK(transact(0, 0x11F0, NULL, 0, 0x22F0) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(transact(0, 0x12AB, NULL, 0, 0x23AB) == NPU_JSM_STATUS_PARSING_ERR);
	no_answer(put_req(0, 0x3000, NULL, 0, &id));                     /* not a request */
	no_answer(put_req(0, NPU_JSM_MSG_JOB_DONE, NULL, 0, &id));
	CHECK(transact(0, NPU_JSM_MSG_GET_POWER_LEVEL_COUNT, NULL, 0, 0x2205) ==
	      NPU_JSM_STATUS_NOT_IMPLEMENTED);
	CHECK(transact(0, NPU_JSM_MSG_METRIC_STREAMER_START, NULL, 0, 0x220F) ==
	      NPU_JSM_STATUS_NOT_IMPLEMENTED);
	CHECK(transact(0, NPU_JSM_MSG_METRIC_STREAMER_INFO, NULL, 0, 0x2212) ==
	      NPU_JSM_STATUS_NOT_IMPLEMENTED);
	CHECK(transact(0, NPU_JSM_MSG_BLOB_DEINIT, NULL, 0, NPU_JSM_MSG_BLOB_DEINIT_DONE) ==
	      NPU_JSM_STATUS_NOT_IMPLEMENTED);
	CHECK(fw.stats.unknown == 4);
}

static void test_engine(void)
{
	union npu_jsm_payload p = { 0 };

	CHECK(transact(0, NPU_JSM_MSG_ENGINE_RESET, &p, sizeof(p),
		       NPU_JSM_MSG_ENGINE_RESET_DONE) == 0);
	CHECK(rsp.payload.engine_reset_done.num_impacted_contexts == 0);
	p.engine_preempt.engine_idx = 0;
	p.engine_preempt.preempt_id = 77;
	CHECK(transact(0, NPU_JSM_MSG_ENGINE_PREEMPT, &p, sizeof(p),
		       NPU_JSM_MSG_ENGINE_PREEMPT_DONE) == 0);
	CHECK(rsp.payload.engine_preempt.preempt_id == 77);
	p.engine.engine_idx = 3;
	CHECK(transact(0, NPU_JSM_MSG_ENGINE_RESET, &p, sizeof(p),
		       NPU_JSM_MSG_ENGINE_RESET_DONE) == NPU_JSM_STATUS_PARSING_ERR);
	p.engine.engine_idx = 0;
	CHECK(transact(0, NPU_JSM_MSG_HWS_ENGINE_RESUME, &p, sizeof(p),
		       NPU_JSM_MSG_HWS_RESUME_ENGINE_DONE) == 0);
}

static uint32_t create_cmdq(uint32_t ssid, uint64_t id, uint32_t base, uint32_t size)
{
	union npu_jsm_payload p = { 0 };

	p.hws_create_cmdq.process_id = 4242;
	p.hws_create_cmdq.host_ssid = ssid;
	p.hws_create_cmdq.engine_idx = 0;
	p.hws_create_cmdq.cmdq_group = ssid;
	p.hws_create_cmdq.cmdq_id = id;
	p.hws_create_cmdq.cmdq_base = base;
	p.hws_create_cmdq.cmdq_size = size;
	return transact(0, NPU_JSM_MSG_CREATE_CMD_QUEUE, &p, sizeof(p),
			NPU_JSM_MSG_CREATE_CMD_QUEUE_RSP);
}

static void test_hws(void)
{
	union npu_jsm_payload p = { 0 };
	const uint32_t q = va(JOBQ_OFF);

	fw.sched_mode = NPU_SCHEDULING_MODE_HW;
	for (int b = 0; b < 4; b++)
		p.hws_priority_band_setup.grace_period[b] = 1000u * (unsigned)b;
	p.hws_priority_band_setup.normal_band_percentage = 10;
	CHECK(transact(0, NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP, &p, sizeof(p),
		       NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP) == 0);
	CHECK(fw.bands.grace_period[3] == 3000);
	p.hws_priority_band_setup.normal_band_percentage = 101;
	CHECK(transact(0, NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP, &p, sizeof(p),
		       NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP) == NPU_JSM_STATUS_PARSING_ERR);

	CHECK(create_cmdq(3, 0x100000001ull, q, 0x1000) == 0);
	CHECK(rsp.payload.hws_create_cmdq_rsp.process_id == 4242);
	CHECK(rsp.payload.hws_create_cmdq_rsp.host_ssid == 3);
	CHECK(rsp.payload.hws_create_cmdq_rsp.cmdq_group == 3);
	CHECK(rsp.payload.hws_create_cmdq_rsp.cmdq_id == 0x100000001ull);
	CHECK(create_cmdq(70, 1, q, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(create_cmdq(3, 2, q + 32, 0x1000) == NPU_JSM_STATUS_PARSING_ERR);

	memset(&p, 0, sizeof(p));
	p.hws_set_context_sched_properties.host_ssid = 3;
	p.hws_set_context_sched_properties.cmdq_id = 0x100000001ull;
	p.hws_set_context_sched_properties.priority_band = 2;
	p.hws_set_context_sched_properties.context_quantum = 20000;
	CHECK(transact(0, NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES, &p, sizeof(p),
		       NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES_RSP) == 0);
	CHECK(cmdq_find(3, 0x100000001ull)->priority_band == 2);
	p.hws_set_context_sched_properties.priority_band = 4;
	CHECK(transact(0, NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES, &p, sizeof(p),
		       NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES_RSP) == NPU_JSM_STATUS_PARSING_ERR);

	memset(&p, 0, sizeof(p));
	p.hws_register_db.db_id = 9;
	p.hws_register_db.host_ssid = 3;
	p.hws_register_db.cmdq_id = 0x100000001ull;
	p.hws_register_db.cmdq_base = q;
	p.hws_register_db.cmdq_size = 0x1000;
	CHECK(transact(0, NPU_JSM_MSG_HWS_REGISTER_DB, &p, sizeof(p),
		       NPU_JSM_MSG_REGISTER_DB_DONE) == 0 && rsp.payload.db.db_idx == 9);
	CHECK(fw_dbs[9].used && fw_dbs[9].hws && fw_dbs[9].cmdq_id == 0x100000001ull);
	p.hws_register_db.cmdq_id = 5;                                  /* no such queue */
	CHECK(transact(0, NPU_JSM_MSG_HWS_REGISTER_DB, &p, sizeof(p),
		       NPU_JSM_MSG_REGISTER_DB_DONE) == NPU_JSM_STATUS_PROCESSING_ERR);

	memset(&p, 0, sizeof(p));
	p.hws_suspend_cmdq.host_ssid = 3;
	p.hws_suspend_cmdq.cmdq_id = 0x100000001ull;
	p.hws_suspend_cmdq.suspend_fence_value = 99;
	CHECK(transact(0, NPU_JSM_MSG_HWS_SUSPEND_CMDQ, &p, sizeof(p),
		       NPU_JSM_MSG_HWS_SUSPEND_CMDQ_DONE) == 0);
	CHECK(rsp.payload.hws_suspend_cmdq.suspend_fence_value == 99);
	CHECK(cmdq_find(3, 0x100000001ull)->suspended);
	CHECK(transact(0, NPU_JSM_MSG_HWS_RESUME_CMDQ, &p, sizeof(p),
		       NPU_JSM_MSG_HWS_RESUME_CMDQ_RSP) == 0);
	CHECK(!cmdq_find(3, 0x100000001ull)->suspended);

	memset(&p, 0, sizeof(p));
	p.hws_set_scheduling_log.engine_idx = 0;
	p.hws_set_scheduling_log.host_ssid = 3;
	p.hws_set_scheduling_log.vpu_log_buffer_va = va(JOBQ_OFF + 0x800);
	CHECK(transact(0, NPU_JSM_MSG_HWS_SET_SCHEDULING_LOG, &p, sizeof(p),
		       NPU_JSM_MSG_HWS_SET_SCHEDULING_LOG_RSP) == 0 && fw.sched_log.enabled);
	p.hws_set_scheduling_log.vpu_log_buffer_va = 0x1000;
	CHECK(transact(0, NPU_JSM_MSG_HWS_SET_SCHEDULING_LOG, &p, sizeof(p),
		       NPU_JSM_MSG_HWS_SET_SCHEDULING_LOG_RSP) == NPU_JSM_STATUS_PARSING_ERR);

	memset(&p, 0, sizeof(p));
	p.hws_cmdq.host_ssid = 3;
	p.hws_cmdq.cmdq_id = 0x100000001ull;
	CHECK(transact(0, NPU_JSM_MSG_DESTROY_CMD_QUEUE, &p, sizeof(p),
		       NPU_JSM_MSG_DESTROY_CMD_QUEUE_RSP) == 0);
	CHECK(!cmdq_find(3, 0x100000001ull));
	CHECK(fw_dbs[9].used);            /* ivpu unregisters the doorbell separately */
	CHECK(transact(0, NPU_JSM_MSG_DESTROY_CMD_QUEUE, &p, sizeof(p),
		       NPU_JSM_MSG_DESTROY_CMD_QUEUE_RSP) == NPU_JSM_STATUS_PROCESSING_ERR);
	CHECK(db_msg(NPU_JSM_MSG_UNREGISTER_DB, NPU_JSM_MSG_UNREGISTER_DB_DONE, 9) == 0);

	/* HWS messages in OS mode: served, with a warning */
	fw.sched_mode = NPU_SCHEDULING_MODE_OS;
	fake_console_clear();
	CHECK(create_cmdq(3, 1, q, 0x1000) == 0 && fake_console_has("OS scheduling mode"));
}

static void test_trace_messages(void)
{
	union npu_jsm_payload p = { 0 };

	p.trace_config.trace_level = NPU_LOG_LEVEL_DEBUG;
	p.trace_config.trace_destination_mask = 0x7;
	p.trace_config.trace_hw_component_mask = ~0ull;
	CHECK(transact(0, NPU_JSM_MSG_TRACE_SET_CONFIG, &p, sizeof(p),
		       NPU_JSM_MSG_TRACE_SET_CONFIG_RSP) == 0);
	CHECK(rsp.payload.trace_config.trace_level == NPU_LOG_LEVEL_DEBUG);
	CHECK(rsp.payload.trace_config.trace_destination_mask == NPU_TRACE_DESTINATION_VERBOSE);
	CHECK(rsp.payload.trace_config.trace_hw_component_mask == 2);
	CHECK(fw_log.level == NPU_LOG_LEVEL_DEBUG);
	p.trace_config.trace_level = 6;
	CHECK(transact(0, NPU_JSM_MSG_TRACE_SET_CONFIG, &p, sizeof(p),
		       NPU_JSM_MSG_TRACE_SET_CONFIG_RSP) == NPU_JSM_STATUS_PARSING_ERR);
	CHECK(fw_log.level == NPU_LOG_LEVEL_DEBUG);
	CHECK(transact(0, NPU_JSM_MSG_TRACE_GET_CONFIG, NULL, 0,
		       NPU_JSM_MSG_TRACE_GET_CONFIG_RSP) == 0);
	CHECK(rsp.payload.trace_config.trace_level == NPU_LOG_LEVEL_DEBUG);
	CHECK(transact(0, NPU_JSM_MSG_TRACE_GET_CAPABILITY, NULL, 0,
		       NPU_JSM_MSG_TRACE_GET_CAPABILITY_RSP) == 0);
	CHECK(rsp.payload.trace_capability.trace_destination_mask == 0x2);
	CHECK(rsp.payload.trace_capability.trace_hw_component_mask == (1u << 1));
	memset(&p, 0, sizeof(p));
	p.trace_get_name.entity_type = 2;
	p.trace_get_name.entity_id = 1;
	CHECK(transact(0, NPU_JSM_MSG_TRACE_GET_NAME, &p, sizeof(p),
		       NPU_JSM_MSG_TRACE_GET_NAME_RSP) == 0);
	CHECK(!memcmp(rsp.payload.trace_get_name_rsp.entity_name, "LRT", 4));
	p.trace_get_name.entity_type = 1;
	p.trace_get_name.entity_id = 2;
	CHECK(transact(0, NPU_JSM_MSG_TRACE_GET_NAME, &p, sizeof(p),
		       NPU_JSM_MSG_TRACE_GET_NAME_RSP) == 0);
	CHECK(!memcmp(rsp.payload.trace_get_name_rsp.entity_name, "VERBOSE_TRACING", 16));
	p.trace_get_name.entity_id = 5;
	CHECK(transact(0, NPU_JSM_MSG_TRACE_GET_NAME, &p, sizeof(p),
		       NPU_JSM_MSG_TRACE_GET_NAME_RSP) == NPU_JSM_STATUS_PARSING_ERR);
}

static void test_misc_messages(void)
{
	union npu_jsm_payload p = { 0 };

	p.dct_control.dct_active_us = 5300;
	p.dct_control.dct_inactive_us = 30000;
	CHECK(transact(0, NPU_JSM_MSG_DCT_ENABLE, &p, sizeof(p), NPU_JSM_MSG_DCT_ENABLE_DONE) == 0);
	CHECK(fw.dct_enabled && fw.dct_active_us == 5300);
	p.dct_control.dct_active_us = 0;
	CHECK(transact(0, NPU_JSM_MSG_DCT_ENABLE, &p, sizeof(p), NPU_JSM_MSG_DCT_ENABLE_DONE) ==
	      NPU_JSM_STATUS_PARSING_ERR);
	CHECK(transact(0, NPU_JSM_MSG_DCT_DISABLE, NULL, 0, NPU_JSM_MSG_DCT_DISABLE_DONE) == 0);
	CHECK(!fw.dct_enabled);

	memset(&p, 0, sizeof(p));
	memcpy(p.dyndbg_control.dyndbg_cmd, "module ipc +p\x01", 14);
	fake_console_clear();
	CHECK(transact(0, NPU_JSM_MSG_DYNDBG_CONTROL, &p, sizeof(p),
		       NPU_JSM_MSG_DYNDBG_CONTROL_RSP) == 0);
	CHECK(fake_console_has("dyndbg \"module ipc +p?\""));
	memset(p.dyndbg_control.dyndbg_cmd, 'A', sizeof(p.dyndbg_control.dyndbg_cmd)); /* no NUL */
	CHECK(transact(0, NPU_JSM_MSG_DYNDBG_CONTROL, &p, sizeof(p),
		       NPU_JSM_MSG_DYNDBG_CONTROL_RSP) == 0);

	CHECK(register_db(12, 5, va(JOBQ_OFF), 0x1000) == 0);
	log_set_config(NPU_LOG_LEVEL_ERROR, NPU_TRACE_DESTINATION_VERBOSE, ~0ull);
	fake_console_clear();
	CHECK(transact(0, NPU_JSM_MSG_STATE_DUMP, NULL, 0, NPU_JSM_MSG_STATE_DUMP_RSP) == 0);
	CHECK(fake_console_has("dump: doorbell 12 -> ssid 5"));
	CHECK(fake_console_has("dump: 1 doorbells registered"));
}

static void test_d0i3(void)
{
	union npu_jsm_payload p = { 0 };
	struct npu_boot_params *bp = &__fw_boot_params;
	uint32_t id;

	CHECK(lrt.wdt_ctrl == NPU_LRT_WDT_CTRL_EN && lrt.mtimecmp != UINT64_MAX);
	p.pwr_d0i3_enter.send_response = 1;
	CHECK(transact(NPU_IPC_CHAN_GEN_CMD, NPU_JSM_MSG_PWR_D0I3_ENTER, &p, sizeof(p),
		       NPU_JSM_MSG_PWR_D0I3_ENTER_DONE) == 0);
	CHECK(bp->save_restore_ret_address == (uint32_t)(uintptr_t)&fw_warm_entry);
	/* quiet until powered off: no watchdog, no tick, no pending source */
	CHECK(lrt.wdt_ctrl == 0 && lrt.mtimecmp == UINT64_MAX && !rt.timers_on);
	CHECK((plat_rd(NPU_LRT_INTC_PENDING) & rt.intc_enable) == 0);

	/* not powered off after all: the next request brings the timers back */
	bp->save_restore_ret_address = 0;
	p.pwr_d0i3_enter.send_response = 0;
	no_answer(put_req(NPU_IPC_CHAN_GEN_CMD, NPU_JSM_MSG_PWR_D0I3_ENTER, &p, sizeof(p), &id));
	CHECK(bp->save_restore_ret_address != 0 && !rt.timers_on);
	CHECK(transact(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0,
		       NPU_JSM_MSG_QUERY_ENGINE_HB_DONE) == 0);
	CHECK(rt.timers_on && lrt.wdt_ctrl == NPU_LRT_WDT_CTRL_EN);
}

static void test_deferred(void)
{
	uint32_t id, hva, first_id;
	uint64_t retry;

	/* every payload slot still held by the host */
	for (uint32_t o = 0; o < 0x2000; o += 128)
		*(uint32_t *)at(RX_PAY_OFF + o + 12) = NPU_JSM_MSG_ALLOCATED;
	lrt.mtime = 1000000;
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &first_id);
	fake_inbox_push(hva);
	fw_poll_once();
	CHECK(lrt.out_n == 0 && rt.defer_count == 1);
	CHECK(lrt.mtimecmp == 1000000 + PLAT_US_TO_TICKS(FW_RETRY_US));   /* retry armed */
	hva = put_req(0, NPU_JSM_MSG_TRACE_GET_CONFIG, NULL, 0, &id);
	fake_inbox_push(hva);
	fw_poll_once();
	CHECK(rt.defer_count == 2 && lrt.out_n == 0);
	/* nothing changes before the retry time ... */
	lrt.mtime += 10;
	fw_poll_once();
	CHECK(lrt.out_n == 0);
	/* ... the host frees one slot, the timer fires: the first goes, in order */
	*(uint32_t *)at(RX_PAY_OFF + 5 * 128 + 12) = NPU_JSM_MSG_FREE;
	retry = lrt.mtimecmp;
	lrt.mtime = retry;
	fw_poll_once();
	CHECK(get_rsp(0) && rsp.request_id == first_id && rsp.type == NPU_JSM_MSG_QUERY_ENGINE_HB_DONE);
	CHECK(rt.defer_count == 1 && lrt.mtimecmp > retry);
	for (uint32_t o = 0; o < 0x2000; o += 128)
		*(uint32_t *)at(RX_PAY_OFF + o + 12) = NPU_JSM_MSG_FREE;
	lrt.mtime = lrt.mtimecmp;
	fw_poll_once();
	CHECK(get_rsp(0) && rsp.request_id == id && rt.defer_count == 0);
	CHECK(lrt.mtimecmp == rt.tick_at);                  /* back to the plain tick */

	/* FIFO full: wait for OUTBOX_SPACE, which is enabled only meanwhile */
	lrt.outbox_full = true;
	hva = put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id);
	fake_inbox_push(hva);
	fw_poll_once();
	CHECK(rt.defer_count == 1 && rt.wait_outbox);
	CHECK(lrt.intc_enable & NPU_LRT_IRQ_OUTBOX_SPACE);
	lrt.outbox_full = false;
	fw_poll_once();
	CHECK(get_rsp(0) && rsp.request_id == id);
	CHECK(!(lrt.intc_enable & NPU_LRT_IRQ_OUTBOX_SPACE) && !rt.wait_outbox);
	CHECK(lrt.bad_accesses == 0);                       /* never pushed into a full FIFO */

	/* the deferral queue has a bound; beyond it responses are dropped, loudly */
	lrt.outbox_full = true;
	for (unsigned i = 0; i < FW_DEFER_MAX + 2; i++)
		fake_inbox_push(put_req(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0, &id));
	fw_poll_once();
	CHECK(rt.defer_count == FW_DEFER_MAX && fw.stats.dropped == 2);
	CHECK(fake_console_has("dropped"));
	lrt.outbox_full = false;
	fw_poll_once();
	CHECK(lrt.out_n - lrt.out_rd == FW_DEFER_MAX && rt.defer_count == 0);
}

static void test_boot_message(void)
{
	CHECK(ipc_send(NPU_IPC_CHAN_BOOT_MSG, NULL) == IPC_SENT);
	CHECK(get_rsp(NPU_IPC_CHAN_BOOT_MSG) && rsp_hdr.data_size == 0);
	/* the header area is round-robin: the next message takes the next slot */
	CHECK(fw.hdr_cursor == 1);
	/* RX area unmapped: the send fails, it does not hang or trap */
	fw.ipc_hdr.base = va(HOLE_OFF);
	CHECK(ipc_send(NPU_IPC_CHAN_BOOT_MSG, NULL) == IPC_FAILED);
	CHECK(fw.stats.dropped == 1 && !lrt.halted);
}

static void test_doorbell_ring(void)
{
	struct npu_job_queue_header *q = at(JOBQ_OFF);

	CHECK(register_db(5, 2, va(JOBQ_OFF), 0x1000) == 0);
	q->head = 3;
	q->tail = 7;
	log_set_config(NPU_LOG_LEVEL_DEBUG, NPU_TRACE_DESTINATION_VERBOSE, ~0ull);
	fake_console_clear();
	lrt.db_pending[0] = 1u << 5;
	lrt.db_pending[1] = 1u << (40 - 32);
	while (fw_poll_once())
		;
	CHECK(lrt.db_pending[0] == 0 && lrt.db_pending[1] == 0);        /* W1C */
	CHECK(fake_console_has("doorbell 5 rang: ssid 2 queue"));
	CHECK(fake_console_has("doorbell 40 rang but is not registered"));
	CHECK(fw.stats.doorbells == 2);
	/* the slots are empty (batch 0, below the context window): each of the
	 * four jobs ends with PARSING_ERR and its own JOB_DONE, head follows */
	for (unsigned i = 0; i < 4; i++) {
		CHECK(get_rsp(NPU_IPC_CHAN_JOB_RET));
		CHECK(rsp.type == NPU_JSM_MSG_JOB_DONE && rsp.request_id == 0 && rsp.result == 0);
		CHECK(rsp.payload.job_done.job_status == NPU_JSM_STATUS_PARSING_ERR);
		CHECK(rsp.payload.job_done.db_idx == 5 && rsp.payload.job_done.host_ssid == 2);
	}
	CHECK(!get_rsp(NPU_IPC_CHAN_JOB_RET));
	CHECK(q->head == 7 && fw.stats.jobs_failed == 4);
	CHECK(fake_console_has("outside the user range"));
	/* a queue that went away: an error, not a crash */
	fw_dbs[5].jobq_va = va(HOLE_OFF);
	lrt.db_pending[0] = 1u << 5;
	fw_poll_once();
	CHECK(fake_console_has("unreadable") && !lrt.halted);
}

static void test_timers(void)
{
	uint32_t loads = lrt.wdt_loads;
	uint64_t tick = rt.tick_at;

	CHECK(lrt.wdt_ctrl == NPU_LRT_WDT_CTRL_EN);
	CHECK(lrt.wdt_load == PLAT_US_TO_TICKS(FW_WDT_US));
	CHECK(lrt.mtimecmp == tick && tick == PLAT_US_TO_TICKS(FW_TICK_US));
	lrt.mtime = tick - 1;
	fw_poll_once();
	CHECK(lrt.wdt_loads == loads);
	lrt.mtime = tick + 5;
	fw_poll_once();
	CHECK(lrt.wdt_loads == loads + 1);                   /* kicked */
	CHECK(rt.tick_at == tick + 5 + PLAT_US_TO_TICKS(FW_TICK_US) && lrt.mtimecmp == rt.tick_at);
}

static void test_boot_params_checks(void)
{
	struct npu_boot_params *bp = &__fw_boot_params;

	bp->ipc_header_area_start = va(RX_HDR_OFF) + 32;
	CHECK(boot_read_regions() == -1 && fake_console_has("IPC header area"));
	bp->ipc_header_area_start = va(RX_HDR_OFF);
	bp->ipc_payload_area_start = va(RX_HDR_OFF) + 0x1000;           /* overlaps */
	CHECK(boot_read_regions() == -1 && fake_console_has("overlaps"));
	bp->ipc_payload_area_start = va(RX_PAY_OFF);
	bp->ipc_payload_area_size = 64;                                  /* < one JSM */
	CHECK(boot_read_regions() == -1);
	bp->ipc_payload_area_size = 0x2000;
	bp->shared_region_base = 0x1F0000000ull;                         /* beyond 4 GiB */
	CHECK(boot_read_regions() == -1 && fake_console_has("4 GiB"));
	bp->shared_region_base = va(0);
	bp->shared_region_size = 0x4000;                                 /* RX not inside */
	CHECK(boot_read_regions() == -1);
	bp->shared_region_size = SHARED_DECLARED;
	CHECK(boot_read_regions() == 0);
}

static test_jmp_buf halt_jmp;

static void test_fatal_trap(void)
{
	volatile uint32_t *hole = (volatile uint32_t *)(uintptr_t)va(HOLE_OFF);
	const struct npu_tracing_buffer_header *crit = at(LOG_CRIT_OFF);
	uint32_t crit0 = crit->write_index;

	fake_halt_jmp = &halt_jmp;
	if (test_setjmp(halt_jmp) == 0) {
		__asm__ volatile(".word 0");                 /* illegal instruction */
		CHECK(0);
	}
	CHECK(lrt.halted && lrt.halt_code == NPU_LRT_HALT_FATAL_TRAP);
	CHECK(fake_console_has("FATAL: mcause=0x2 (illegal instruction) mepc=0x"));
	CHECK(crit->write_index > crit0);                   /* in the critical log too */
	CHECK(fw_trap_nesting == 1);

	/* a second fatal trap while the first "is being handled" */
	lrt.halted = false;
	fake_console_clear();
	if (test_setjmp(halt_jmp) == 0) {
		(void)*hole;
		CHECK(0);
	}
	CHECK(lrt.halted && lrt.halt_code == NPU_LRT_HALT_DOUBLE_FAULT);
	CHECK(fake_console_has("FATAL: double fault mcause=0x00000005"));

	/* an access fault outside fw_safe_copy is fatal, with mtval */
	fw_trap_nesting = 0;
	lrt.halted = false;
	fake_console_clear();
	if (test_setjmp(halt_jmp) == 0) {
		*hole = 1;
		CHECK(0);
	}
	CHECK(lrt.halt_code == NPU_LRT_HALT_FATAL_TRAP);
	CHECK(fake_console_has("mcause=0x7 (store access fault)"));
	CHECK(fake_console_has("mtval=0x"));
	fake_halt_jmp = NULL;
	fw_trap_nesting = 0;
}

/* Cost guards, in core instructions (~100 per virtual µs): a log line and
 * a whole request/response round trip must stay cheap. */
static void test_costs(void)
{
	uint32_t i0, log_insns, hb_insns, idle_insns;
	uint64_t tick = rt.tick_at;

	i0 = plat_instret();
	LOG_INFO("jsm: doorbell %lu -> ssid %lu job queue 0x%lx (%lu slots)", 1ul, 2ul,
		 0x85888000ul, 63ul);
	log_insns = plat_instret() - i0;
	i0 = plat_instret();
	CHECK(transact(0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, 0,
		       NPU_JSM_MSG_QUERY_ENGINE_HB_DONE) == 0);
	hb_insns = plat_instret() - i0;
	lrt.mtime = tick;
	i0 = plat_instret();
	fw_poll_once();                                     /* a watchdog tick */
	idle_insns = plat_instret() - i0;
	iss_puts("  cost: INFO log line ");
	iss_put_dec(log_insns);
	iss_puts(", heartbeat round trip (incl. fake LRT) ");
	iss_put_dec(hb_insns);
	iss_puts(", watchdog tick ");
	iss_put_dec(idle_insns);
	iss_puts(" instructions\n");
	CHECK(log_insns < 5000);    /* ~1600 of them are the fake console's calls */
	CHECK(idle_insns < 400);
}

static void test_inbox_overflow(void)
{
	lrt.inbox_overflow = true;
	lrt.in_n = 0;
	fake_inbox_push(0);   /* one entry so the INBOX source is up */
	fw_poll_once();
	CHECK(!lrt.inbox_overflow && fake_console_has("overflowed"));
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "printf", test_printf },
	{ "safe_copy", test_safe_copy },
	{ "log_ring", test_log_ring },
	{ "log_routing", test_log_routing },
	{ "log_faults", test_log_faults },
	{ "slot_allocator", test_slot_allocator },
	{ "heartbeat", test_heartbeat },
	{ "doorbell_registry", test_doorbell_registry },
	{ "bad_requests", test_bad_requests },
	{ "unknown_and_unimplemented", test_unknown_and_unimplemented },
	{ "engine", test_engine },
	{ "hws", test_hws },
	{ "trace_messages", test_trace_messages },
	{ "misc_messages", test_misc_messages },
	{ "d0i3", test_d0i3 },
	{ "deferred", test_deferred },
	{ "boot_message", test_boot_message },
	{ "doorbell_ring", test_doorbell_ring },
	{ "timers", test_timers },
	{ "boot_params_checks", test_boot_params_checks },
	{ "fatal_trap", test_fatal_trap },
	{ "inbox_overflow", test_inbox_overflow },
	{ "costs", test_costs },
};

int main(void)
{
	csr_write(mtvec, (uint32_t)(uintptr_t)&fw_trap_entry);
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		current = tests[i].name;
		world_reset();
		tests[i].fn();
		CHECK(lrt.bad_accesses == 0);
		iss_puts("ok ");
		iss_puts(current);
		iss_putc('\n');
	}
	iss_put_dec(sizeof(tests) / sizeof(tests[0]));
	iss_puts(" firmware unit tests, ");
	iss_put_dec(checks);
	iss_puts(" checks passed\n");
	return 0;
}
