/* SPDX-License-Identifier: MIT */
/*
 * The simulated firmware inside the device model, driven the way Linux
 * 6.12's ivpu drives a Meteor Lake NPU: power-up (hw-facts §3.1), MMU with
 * ivpu-style page tables for SSID 0 (§6, tests/unit/model_harness.c),
 * firmware parsed with the driver's parser and loaded like ivpu_fw_load,
 * boot params like ivpu_fw_boot_params_setup (§4.4), TCU/TBU setup and
 * LEON_RT_VEC + LOADING_ADDRESS (§3.3), ready message polled for 1 s (§3.4),
 * IPC like ivpu_ipc.c (§5.1), D0i3 and warm boot like ivpu_pm.c (§3.6).
 *
 * Then the failure boots, each of which must leave a diagnosable state:
 * DSU_CTRL/DSU_TRAP (regs_ip.h NPU_DSU_*), the halt code (lrt.h
 * NPU_LRT_HALT_*), the firmware's console and log buffers, the watchdog.
 *
 *   test_fw_boot            the CUnit suite
 *   test_fw_boot --bench    cold/warm boot figures for `make bench-firmware`
 *
 * The firmware file is NPU_FIRMWARE (environment) or the path mk/firmware.mk
 * compiles in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "model_harness.h"
#include "npu-format/fw_file.h"
#include "intel-npu/boot_params.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jobq.h"
#include "intel-npu/jsm.h"
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"

#include "fw_host.h"

/* ---- Tests ------------------------------------------------------------------------------ */

static void test_cold_boot_and_ipc(void)
{
	struct host H;
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;
	uint64_t hb, i0;
	unsigned msis;

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	CU_ASSERT(H.boot_ns < BOOT_TIMEOUT_MS * MS);
	mh_advance(&H.h, 1 * MS);                 /* the line is logged after BOOT is sent */
	CU_ASSERT(console_has("boot: cold boot ready in "));
	CU_ASSERT(log_has(&H, &H.log_verb, "boot: cold boot ready in "));
	CU_ASSERT_EQUAL(fw_log_text(&H, &H.log_crit, logbuf, sizeof(logbuf)), 0); /* no errors */
	CU_ASSERT_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_crit.va, 128))
			->vpu_canary_start, NPU_TRACING_BUFFER_CANARY);
	CU_ASSERT_STRING_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))
			       ->name, "LRT");
	/* booted and idle: WFI, VPU_STATUS READY|IDLE */
	mh_advance(&H.h, 100000);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_WFI);
	CU_ASSERT_EQUAL(mh_rd32(&H.h, B, NPU_BTRS_VPU_STATUS),
			NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);

	/* QUERY_ENGINE_HB: right type, id, FREE statuses, a heartbeat */
	memset(&p, 0, sizeof(p));
	msis = H.h.msis;
	CU_ASSERT_EQUAL(jsm_call(&H, NPU_IPC_CHAN_ASYNC_CMD, NPU_JSM_MSG_QUERY_ENGINE_HB, &p,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	hb = rsp.payload.query_engine_hb_done.heartbeat;
	CU_ASSERT(hb > 0);
	CU_ASSERT(H.h.msis > msis);                       /* HOST_IPC_FIFO_INT -> MSI */

	/* REGISTER_DB of a 4 KiB job queue, then a ring */
	memset(&p, 0, sizeof(p));
	p.register_db.db_idx = 1;
	p.register_db.jobq_base = H.jobq.va;
	p.register_db.jobq_size = (uint32_t)H.jobq.size;
	p.register_db.host_ssid = NPU_SSID_USER_MIN;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.db.db_idx, 1);
	memset(&p, 0, sizeof(p));
	p.trace_config.trace_level = NPU_LOG_LEVEL_DEBUG;
	p.trace_config.trace_destination_mask = NPU_TRACE_DESTINATION_VERBOSE;
	p.trace_config.trace_hw_component_mask = ~0ull;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_TRACE_SET_CONFIG, &p,
				 NPU_JSM_MSG_TRACE_SET_CONFIG_RSP, &rsp), 0);
	((struct npu_job_queue_header *)hp(&H, H.jobq.va, 64))->tail = 1;
	mh_wr32(&H.h, V, NPU_CPU_SS_DOORBELL(1), NPU_DOORBELL_SET);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(console_has("doorbell 1 rang: ssid 2"));
	CU_ASSERT(log_has(&H, &H.log_verb, "doorbell 1 rang"));
	CU_ASSERT_EQUAL(mh_rd32(&H.h, V, NPU_CPU_SS_DOORBELL(1)), 0);   /* serviced */
	/* the slot is empty (command buffer VA 0): the job ends, it does not hang */
	CU_ASSERT_FATAL(ipc_recv(&H, NPU_IPC_CHAN_JOB_RET, 0, &rsp, JSM_TIMEOUT_MS));
	CU_ASSERT_EQUAL(rsp.type, NPU_JSM_MSG_JOB_DONE);
	CU_ASSERT_EQUAL(rsp.payload.job_done.job_status, NPU_JSM_STATUS_PARSING_ERR);
	CU_ASSERT_EQUAL(((struct npu_job_queue_header *)hp(&H, H.jobq.va, 64))->head, 1);

	/* a request the firmware does not know is answered, not ignored */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, 0x11F0, NULL, 0x22F0, &rsp), -EBADMSG);
	CU_ASSERT_EQUAL(rsp.result, NPU_JSM_STATUS_PARSING_ERR);

	/* idle costs nothing: 5 s of virtual time, the watchdog never fires */
	i0 = npum_get_stats(H.h.npu)->lrt_instructions;
	mh_advance(&H.h, 5000 * MS);
	CU_ASSERT(npum_get_stats(H.h.npu)->lrt_instructions - i0 < 20000);
	CU_ASSERT_FALSE(mh_rd32(&H.h, V, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_FALSE(mh_rd32(&H.h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) &
			NPU_DSU_CTRL_WDOG_EXPIRED);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	CU_ASSERT(rsp.payload.query_engine_hb_done.heartbeat > hb);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	CU_ASSERT_EQUAL(H.h.traces[NPUM_TRACE_MMU_FAULT], 0);
	if (H.h.guest_errors)
		fprintf(stderr, "\n  guest error: %s\n", H.h.last_guest_error);
	host_fini(&H);
}

static void test_warm_boot(void)
{
	struct host H;
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;
	uint64_t hb1, warm;
	uint32_t wi;

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	memset(&p, 0, sizeof(p));
	p.register_db.db_idx = 7;
	p.register_db.jobq_base = H.jobq.va;
	p.register_db.jobq_size = (uint32_t)H.jobq.size;
	p.register_db.host_ssid = 3;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
	/* some uptime first, so a clock restarting at 0 would show */
	mh_advance(&H.h, 3000 * MS);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	hb1 = rsp.payload.query_engine_hb_done.heartbeat;
	CU_ASSERT(hb1 >= 3000ull * 38400);                 /* 38.4 MHz ticks */
	wi = ((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))->write_index;

	CU_ASSERT_EQUAL_FATAL(d0i3_cycle(&H, 20), 0);
	mh_advance(&H.h, 1 * MS);
	warm = H.entry;
	CU_ASSERT_EQUAL(warm & 0xFFF, 0);                          /* LOADING_ADDRESS-able */
	CU_ASSERT(warm >= H.fw.image_load_address &&
		  warm < H.fw.image_load_address + H.fw.image_size);
	CU_ASSERT_NOT_EQUAL(warm, H.fw.entry_point);
	CU_ASSERT_EQUAL(bp(&H)->save_restore_ret_address, 0);
	CU_ASSERT(console_has("jsm: D0i3 entry: warm entry"));
	CU_ASSERT(console_has("boot: warm boot #1 after 20"));
	CU_ASSERT(console_has("boot: warm boot ready in "));
	/* the log continued where it was: .bss survived */
	CU_ASSERT(((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))->write_index > wi);
	CU_ASSERT_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))
			->wrap_count, 0);

	/* the doorbell registry survived D0i3 */
	memset(&p, 0, sizeof(p));
	p.db.db_idx = 7;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), -EBADMSG);
	CU_ASSERT_EQUAL(rsp.result, NPU_JSM_STATUS_PROCESSING_ERR);
	/* heartbeats do not go backwards although mtime restarted at 0 */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	/* ... and they count the 20 ms spent powered off */
	CU_ASSERT(rsp.payload.query_engine_hb_done.heartbeat > hb1 + 20ull * 38400);
	/* and again: a second cycle works too */
	CU_ASSERT_EQUAL(d0i3_cycle(&H, 10), 0);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT_EQUAL(H.entry, warm);
	CU_ASSERT(console_has("boot: warm boot #2 after"));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	host_fini(&H);
}

/* ivpu sends these on a cold boot in HW scheduling mode (ivpu_hw_sched_init,
 * ivpu_cmdq_init, ivpu_cmdq_fini). */
static void test_hws_mode(void)
{
	struct host H;
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;

	fresh(&H);
	H.sched_mode = NPU_SCHEDULING_MODE_HW;
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(console_has("(HW scheduling"));
	memset(&p, 0, sizeof(p));
	p.hws_priority_band_setup.normal_band_percentage = 10;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP, &p,
				 NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_create_cmdq.process_id = 1234;
	p.hws_create_cmdq.host_ssid = 2;
	p.hws_create_cmdq.cmdq_group = 2;
	p.hws_create_cmdq.cmdq_id = 1;
	p.hws_create_cmdq.cmdq_base = H.jobq.va;
	p.hws_create_cmdq.cmdq_size = (uint32_t)H.jobq.size;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_CREATE_CMD_QUEUE, &p,
				 NPU_JSM_MSG_CREATE_CMD_QUEUE_RSP, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.hws_create_cmdq_rsp.process_id, 1234);
	CU_ASSERT_EQUAL(rsp.payload.hws_create_cmdq_rsp.cmdq_id, 1);
	memset(&p, 0, sizeof(p));
	p.hws_set_context_sched_properties.host_ssid = 2;
	p.hws_set_context_sched_properties.cmdq_id = 1;
	p.hws_set_context_sched_properties.priority_band = 1;
	p.hws_set_context_sched_properties.context_quantum = 20000;
	p.hws_set_context_sched_properties.grace_period_same_priority = 10000;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES, &p,
				 NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_register_db.db_id = 4;
	p.hws_register_db.host_ssid = 2;
	p.hws_register_db.cmdq_id = 1;
	p.hws_register_db.cmdq_base = H.jobq.va;
	p.hws_register_db.cmdq_size = H.jobq.size;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_cmdq.host_ssid = 2;
	p.hws_cmdq.cmdq_id = 1;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_DESTROY_CMD_QUEUE, &p,
				 NPU_JSM_MSG_DESTROY_CMD_QUEUE_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.db.db_idx = 4;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.ssid.host_ssid = 2;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SSID_RELEASE, &p,
				 NPU_JSM_MSG_SSID_RELEASE_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	host_fini(&H);
}

/* A hostile or broken host: garbage in the FIFO never kills the firmware. */
static void test_hostile_requests(void)
{
	struct host H;
	struct npu_jsm_msg rsp;

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	/* not aligned; outside the shared region; aligned, inside, unmapped */
	mh_wr32(&H.h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0xFFFFFFFF);
	mh_wr32(&H.h, V, NPU_CPU_SS_TIM_IPC_FIFO, (uint32_t)H.fw.runtime_addr);
	mh_wr32(&H.h, V, NPU_CPU_SS_TIM_IPC_FIFO, (uint32_t)(H.global_end - 0x10000));
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT_NOT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_NOT_EQUAL(dsu_state(&H), NPU_DSU_STATE_HALTED);
	CU_ASSERT(log_has(&H, &H.log_crit, "is not a 64-byte aligned address inside the shared"));
	CU_ASSERT(log_has(&H, &H.log_crit, "unreadable (fault at 0x"));
	CU_ASSERT(H.h.traces[NPUM_TRACE_MMU_FAULT] > 0);   /* the MMU really aborted it */
	CU_ASSERT(npum_get_stats(H.h.npu)->lrt_traps > 0); /* ... and the fixup caught it */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	host_fini(&H);
}

/* The host stops draining: 64 responses fill the FIFO and every payload
 * slot; the rest must wait in order, the core must stay idle (no spinning
 * on OUTBOX_SPACE), and everything arrives once the host drains again. */
static void test_host_not_draining(void)
{
	enum { N = 70 };
	struct host H;
	struct npu_jsm_msg rsp;
	uint32_t ids[N];

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	for (unsigned i = 0; i < N; i++) {
		ids[i] = ipc_send(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, NULL);
		if (i % 32 == 31)                      /* the request FIFO holds 64 */
			mh_advance(&H.h, 2 * MS);
	}
	mh_advance(&H.h, 20 * MS);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				    mh_rd32(&H.h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 64);
	CU_ASSERT(mh_rd32(&H.h, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT(console_has("deferred"));
	for (unsigned i = 0; i < N; i++) {
		CU_ASSERT_FATAL(ipc_recv(&H, 0, ids[i], &rsp, JSM_TIMEOUT_MS));
		CU_ASSERT_EQUAL(rsp.type, NPU_JSM_MSG_QUERY_ENGINE_HB_DONE);
	}
	mh_advance(&H.h, 5 * MS);
	CU_ASSERT_EQUAL(H.nq, 0);
	CU_ASSERT(mh_rd32(&H.h, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT_FALSE(console_has("dropped"));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	host_fini(&H);
}

static void expect_no_boot(struct host *H)
{
	CU_ASSERT_EQUAL(boot(H, BOOT_TIMEOUT_MS, 100 * 1000), -ETIMEDOUT);
	CU_ASSERT_FALSE(H->boot_seen);
}

static void test_bad_magic(void)
{
	struct host H;

	fresh(&H);
	boot_params_cold(&H);
	bp(&H)->magic = 0x12345;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);           /* halt code != 0 */
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, dsu_trap(&H)),
			NPU_LRT_HALT_BAD_BOOT_PARAMS);
	CU_ASSERT(console_has("FATAL: boot params at 0x84800000: magic 0x12345, expected 0x10000"));
	/* the log buffers were not trusted */
	CU_ASSERT_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_crit.va, 128))
			->vpu_canary_start, 0);
	host_fini(&H);
}

static void test_corrupt_entry(void)
{
	struct host H;
	uint32_t t;

	fresh(&H);
	/* the first instruction: a trap before mtvec is set = error mode */
	mh_w32(&H.h, H.runtime.pa + (H.fw.entry_point - H.fw.runtime_addr), 0);
	boot_params_cold(&H);
	expect_no_boot(&H);
	t = dsu_trap(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT(t & NPU_DSU_TRAP_VALID);
	CU_ASSERT(t & NPU_DSU_TRAP_ERROR_MODE);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, t), 2);      /* illegal instruction */
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, t), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H.h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG), H.fw.entry_point);
	CU_ASSERT_EQUAL(console_len, 0);
	host_fini(&H);
}

static void test_corrupt_code(void)
{
	struct host H;
	uint32_t *code, csrw_mtvec_t0 = 0x30529073u, at = 0;
	uint64_t entry_pa;

	fresh(&H);
	/* break the instruction right after the cold entry sets mtvec: now
	 * the firmware's own trap handler must report it */
	entry_pa = H.runtime.pa + (H.fw.entry_point - H.fw.runtime_addr);
	code = mh_ram(&H.h, entry_pa, 64);
	for (unsigned i = 0; i < 16; i++)
		if (code[i] == csrw_mtvec_t0) {
			at = i + 1;
			break;
		}
	CU_ASSERT_FATAL(at != 0);
	code[at] = 0;
	boot_params_cold(&H);
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, dsu_trap(&H)), NPU_LRT_HALT_FATAL_TRAP);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, dsu_trap(&H)), 2);
	{
		char want[128];

		snprintf(want, sizeof(want), "FATAL: mcause=0x2 (illegal instruction) mepc=0x%llx",
			 (unsigned long long)H.fw.entry_point + 4 * at);
		CU_ASSERT(console_has(want));
		if (!console_has(want))
			fprintf(stderr, "\n  wanted \"%s\" in:\n%s", want, console);
	}
	host_fini(&H);
}

/* The core is started somewhere that is not the firmware's entry (the
 * parser would refuse such a header, so bypass it like a broken host). */
static void test_entry_outside_image(void)
{
	struct host H;

	/* inside the runtime region (mapped, zeroed): illegal instruction */
	fresh(&H);
	boot_params_cold(&H);
	H.entry = H.fw.image_load_address + 0x100000;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, dsu_trap(&H)), 2);
	host_fini(&H);

	/* not mapped at all: instruction access fault, and an MMU event */
	fresh(&H);
	boot_params_cold(&H);
	H.entry = H.global_end - 0x10000;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, dsu_trap(&H)), 1);
	CU_ASSERT(H.h.traces[NPUM_TRACE_MMU_FAULT] > 0);
	CU_ASSERT_EQUAL(console_len, 0);
	host_fini(&H);
}

/* The IPC areas are unusable: the firmware says why in its log, halts,
 * and the watchdog it started reports the dead core to the host. */
static void test_bad_ipc_areas_and_watchdog(void)
{
	struct host H;

	fresh(&H);
	boot_params_cold(&H);
	bp(&H)->ipc_header_area_start += 32;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, dsu_trap(&H)),
			NPU_LRT_HALT_BAD_IPC_AREAS);
	CU_ASSERT(log_has(&H, &H.log_crit, "IPC header area"));
	CU_ASSERT(log_has(&H, &H.log_crit, "FATAL: boot: no usable IPC areas"));
	CU_ASSERT(console_has("must be 64-byte aligned"));
	CU_ASSERT_FALSE(mh_rd32(&H.h, V, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0);
	mh_advance(&H.h, 1100 * MS);                 /* 2 s after the start in total */
	CU_ASSERT(mh_rd32(&H.h, V, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT(mh_rd32(&H.h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_WDOG_EXPIRED);
	host_fini(&H);
}

/* ---- Benchmark ------------------------------------------------------------------------ */

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void machine(void)
{
	char line[256], model[256] = "unknown";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	printf("machine: %s, %ld CPUs online, %s %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, u.machine);
}

static int bench(void);
static int bench_result;

static void bench_test(void)
{
	bench_result = bench();
}

static int bench(void)
{
	enum { RUNS = 20 };
	struct host H;
	double t, cold_wall = 0, warm_wall = 0, idle_wall;
	uint64_t cold_ns = 0, cold_insns = 0, warm_ns = 0, warm_insns = 0, i0;
	unsigned long fw_us = 0, fw_insns = 0;
	const char *line;

	lock_step = true;
	if (suite_init())
		return 1;
	machine();
	printf("firmware: %s (%zu bytes)\n", firmware_path(), fw_file_size);
	for (int i = 0; i < RUNS; i++) {
		fresh(&H);
		boot_params_cold(&H);
		t = wall();
		if (boot(&H, BOOT_TIMEOUT_MS, 1000)) {         /* 1 µs polling */
			fprintf(stderr, "bench-firmware: cold boot failed\n%s", console);
			return 1;
		}
		cold_wall += wall() - t;
		cold_ns = H.boot_ns;
		cold_insns = H.boot_insns;
		mh_advance(&H.h, 1 * MS);
		line = strstr(console, "cold boot ready in ");
		if (!line || sscanf(line, "cold boot ready in %lu us, %lu instructions",
				    &fw_us, &fw_insns) != 2) {
			fprintf(stderr, "bench-firmware: no ready line on the console\n%s", console);
			return 1;
		}
		t = wall();
		if (d0i3_cycle(&H, 10)) {
			fprintf(stderr, "bench-firmware: warm boot failed\n%s", console);
			return 1;
		}
		warm_wall += wall() - t;
		warm_ns = H.boot_ns;
		warm_insns = H.boot_insns;
		if (i < RUNS - 1)
			host_fini(&H);
	}
	mh_advance(&H.h, 10 * MS);                   /* the post-boot log lines */
	i0 = npum_get_stats(H.h.npu)->lrt_instructions;
	t = wall();
	mh_advance(&H.h, 60000 * MS);
	idle_wall = wall() - t;
	printf("cold boot: %llu core instructions, %.1f us virtual from LOADING_ADDRESS.DONE to "
	       "the ready message (model stats, lock-step core, 1 us polling); %lu of them in fw_cold_main "
	       "(firmware's own count); %.2f ms host time per boot (mean of %d)\n",
	       (unsigned long long)cold_insns, cold_ns / 1000.0, fw_insns, cold_wall * 1000 / RUNS,
	       RUNS);
	printf("warm boot: %llu core instructions, %.1f us virtual to the ready message; "
	       "D0I3_ENTER..ready cycle %.2f ms host time\n", (unsigned long long)warm_insns,
	       warm_ns / 1000.0, warm_wall * 1000 / RUNS);
	printf("idle: %llu core instructions in 60 s virtual (watchdog ticks), %.2f ms host time\n",
	       (unsigned long long)(npum_get_stats(H.h.npu)->lrt_instructions - i0),
	       idle_wall * 1000);
	host_fini(&H);
	free(fw_file);
	return 0;
}

int main(int argc, char **argv)
{
	CU_pSuite s;
	unsigned failed;

	echo_console = getenv("FW_CONSOLE") != NULL;
	if (argc > 1 && !strcmp(argv[1], "--bench")) {
		/* the host helpers assert through CUnit: run the bench as a test */
		if (CU_initialize_registry() != CUE_SUCCESS)
			return 2;
		CU_add_test(CU_add_suite("bench", NULL, NULL), "bench", bench_test);
		CU_run_all_tests();                    /* no summary: just the figures */
		failed = CU_get_number_of_failures();
		CU_cleanup_registry();
		return failed || bench_result ? 1 : 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--bench]\n", argv[0]);
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("fw_boot", suite_init, NULL);
	CU_add_test(s, "cold boot, heartbeat, REGISTER_DB, doorbell, idle", test_cold_boot_and_ipc);
	CU_add_test(s, "D0i3 and warm boot, registry survives", test_warm_boot);
	CU_add_test(s, "HW scheduling messages", test_hws_mode);
	CU_add_test(s, "hostile FIFO entries", test_hostile_requests);
	CU_add_test(s, "host not draining: deferred responses", test_host_not_draining);
	CU_add_test(s, "bad boot params magic", test_bad_magic);
	CU_add_test(s, "corrupted entry instruction", test_corrupt_entry);
	CU_add_test(s, "corrupted code after mtvec", test_corrupt_code);
	CU_add_test(s, "entry outside the image", test_entry_outside_image);
	CU_add_test(s, "bad IPC areas, watchdog", test_bad_ipc_areas_and_watchdog);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(fw_file);
	return failed ? 1 : 0;
}
