/* SPDX-License-Identifier: MIT */
/*
 * Driver core, device level (device.c) against the fake NPU: full bring-up
 * and clean close, failure leaves the device in reset with nothing
 * allocated, recovery after a JSM timeout (hw-facts §5.1, ivpu_pm.c), warm
 * boot after D0i3 and its cold fallback, contexts and doorbells (OS and HW
 * scheduling), interrupts that schedule recoveries.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

static struct fake_npu *f;
static struct npu_device *dev;

static void setup(void)
{
	f = fake_npu_new();
	dev = NULL;
}

static void teardown_dev(void)
{
	npu_close(dev);
	dev = NULL;
}

static void finish(void)
{
	teardown_dev();
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);   /* close frees every DMA buffer */
	fake_npu_free(f);
	f = NULL;
}

static bool in_reset(void)
{
	return !f->powered && (f->bar4[NPU_BTRS_VPU_D0I3_CONTROL / 4] & NPU_BTRS_VPU_D0I3_CONTROL_I3) &&
	       f->current_ratio == 0;
}

static unsigned count_reqs(uint32_t type)
{
	unsigned n = 0;

	for (unsigned i = 0; i < f->n_reqs; i++)
		n += f->reqs[i].jsm.type == type;
	return n;
}

static const struct fake_req *last_req(uint32_t type)
{
	for (unsigned i = f->n_reqs; i-- > 0;)
		if (f->reqs[i].jsm.type == type)
			return &f->reqs[i];
	return NULL;
}

/* ---- Bring-up and close ------------------------------------------------------- */

static void test_boot_ready_and_clean_close(void)
{
	struct npu_info info;
	uint64_t hb = 0;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	CU_ASSERT_EQUAL(info.boots, 1);
	CU_ASSERT_EQUAL(f->boots, 1);
	CU_ASSERT_EQUAL(f->last_entry, 0x84802000);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "");
	CU_ASSERT_STRING_EQUAL(f->last_problem, "");
	CU_ASSERT_TRUE(f->msi_enabled);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(hb, 1);
	CU_ASSERT_EQUAL(info.n_contexts, 2);     /* global + reserved (SSID 1) */
	CU_ASSERT_STRING_EQUAL(info.fw_version, "fake-fw 1.0");

	/* clean close: D0i3 message, then IP reset, workpoint 0, D0i3 */
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_PWR_D0I3_ENTER), 1);
	CU_ASSERT_EQUAL(last_req(NPU_JSM_MSG_PWR_D0I3_ENTER)->channel, NPU_IPC_CHAN_GEN_CMD);
	CU_ASSERT_EQUAL(last_req(NPU_JSM_MSG_PWR_D0I3_ENTER)->jsm.payload.pwr_d0i3_enter.send_response, 1);
	CU_ASSERT_TRUE(in_reset());
	CU_ASSERT_TRUE(f->ip_resets >= 1);
	CU_ASSERT_FALSE(fake_log_has("power-down of a busy NPU"));
	finish();
}

static void test_boot_failure_leaves_reset_and_nothing_allocated(void)
{
	struct npu_info info;

	setup();
	f->fw.boot = FAKE_BOOT_NEVER;
	CU_ASSERT_EQUAL(fake_boot(f, &dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "ready message within 1000 ms") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "boot failure diagnosis") != NULL);
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	CU_ASSERT_TRUE(in_reset());
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_FAILED);
	CU_ASSERT_EQUAL(info.n_errors, 1);
	/* and a second boot attempt with a healthy firmware works */
	f->fw.boot = FAKE_BOOT_OK;
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "");
	finish();
}

static void test_dma_alloc_failure_cleans_up(void)
{
	/* fail the allocation after a handful: somewhere inside MMU/firmware setup */
	for (int n = 0; n < 14; n += 3) {
		setup();
		f->dma_alloc_fail_after = n;
		CU_ASSERT_EQUAL(fake_boot(f, &dev), -ENOMEM);
		CU_ASSERT_TRUE(strstr(npu_last_error(dev), "DMA memory") != NULL ||
			       strstr(npu_last_error(dev), "page table") != NULL);
		CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
		CU_ASSERT_TRUE(in_reset());
		finish();
	}
}

static void test_close_from_powered_state_resets(void)
{
	setup();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL(npu_step_hw_info(dev), 0);
	CU_ASSERT_EQUAL(npu_step_power_up(dev), 0);
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), 0);
	CU_ASSERT_TRUE(f->powered);
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_TRUE(in_reset());
	finish();
}

static void test_unknown_backend(void)
{
	struct npu_open_params p;

	fake_params(&p, NULL);
	p.backend = "nosuch";
	CU_ASSERT_EQUAL(npu_open(&p, &dev), -ENODEV);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "\"nosuch\" is not compiled") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "fake") != NULL);
	CU_ASSERT_EQUAL(npu_boot(dev), -ENODEV);
	npu_close(dev);
	dev = NULL;
}

static void test_wrong_device_id(void)
{
	setup();
	f->device_id = 0x643E;   /* Lunar Lake: another IP generation */
	CU_ASSERT_EQUAL(fake_open(f, fake_fw_file(), &dev), -ENODEV);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "8086:643e") != NULL);
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	finish();
}

/* ---- Recovery (hw-facts §5.1) --------------------------------------------------- */

static void test_jsm_timeout_recovers(void)
{
	struct npu_info info;
	uint32_t ssid, db;
	uint64_t hb;
	unsigned resets;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, ssid, &db), 0);
	resets = f->ip_resets;
	f->fw.reply = FAKE_REPLY_NONE;   /* the firmware stops answering */
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "no response within 500 ms") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "heartbeat query also timed out: recovery "
			      "scheduled; NPU recovered (reset #1): firmware ready again") != NULL);
	/* recovery = state dump, IP reset + WP0 + D0i3, cold boot */
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_STATE_DUMP), 1);
	CU_ASSERT_TRUE(f->ip_resets > resets);
	CU_ASSERT_EQUAL(f->boots, 2);
	CU_ASSERT_EQUAL(f->last_entry, 0x84802000);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	/* doorbells are marked unregistered, not re-registered */
	CU_ASSERT_EQUAL(info.n_doorbells, 1);
	CU_ASSERT_FALSE(info.doorbells[0].registered);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_REGISTER_DB), 1);
	f->fw.reply = FAKE_REPLY_NORMAL;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	finish();
}

static enum fake_reply drop_register_db(struct fake_npu *ff, const struct npu_jsm_msg *req,
					uint32_t ch, struct npu_jsm_msg *resp)
{
	return req->type == NPU_JSM_MSG_REGISTER_DB ? FAKE_REPLY_NONE : FAKE_REPLY_NORMAL;
}

static void test_jsm_timeout_with_heartbeat_alive_no_recovery(void)
{
	struct npu_info info;
	uint32_t ssid, db;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	f->fw.hook = drop_register_db;
	CU_ASSERT_EQUAL(npu_doorbell_register(dev, ssid, &db), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "REGISTER_DB") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "heartbeat still answers") != NULL);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 0);
	CU_ASSERT_EQUAL(info.n_doorbells, 0);    /* nothing half-registered */
	CU_ASSERT_EQUAL(f->boots, 1);
	finish();
}

static void test_manual_recover_and_failed_recovery(void)
{
	struct npu_info info;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL(npu_recover(dev, "test"), 0);
	CU_ASSERT_EQUAL(f->boots, 2);
	/* a recovery whose boot fails leaves the device FAILED and in reset */
	f->fw.boot = FAKE_BOOT_NEVER;
	CU_ASSERT_EQUAL(npu_recover(dev, "test 2"), -ETIMEDOUT);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_FAILED);
	CU_ASSERT_EQUAL(info.recoveries, 2);
	CU_ASSERT_TRUE(in_reset());
	/* boot again from FAILED once the firmware is fine */
	f->fw.boot = FAKE_BOOT_OK;
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	finish();
}

static void test_engine_reset_failure_recovers(void)
{
	struct npu_info info;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	f->fw.reply = FAKE_REPLY_RESULT;
	f->fw.reply_result = NPU_JSM_STATUS_PROCESSING_ERR;
	CU_ASSERT_EQUAL(npu_engine_reset(dev, NPU_ENGINE_COMPUTE), -EBADMSG);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "result 0x2 (PROCESSING_ERR) in "
			      "ENGINE_RESET_DONE; recovery scheduled; NPU recovered (reset #1)") != NULL);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);   /* a failed engine reset: full reset (§14.x) */
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	f->fw.reply = FAKE_REPLY_NORMAL;
	CU_ASSERT_EQUAL(npu_engine_reset(dev, 1), -EINVAL);
	finish();
}

/* The firmware dies at the first UNREGISTER_DB of a context teardown; what
 * the driver sends from then on, and what it has already done when the
 * recovery starts (its STATE_DUMP), is recorded. */
static struct {
	bool dead;
	unsigned n;
	uint32_t type[32];
	unsigned boots[32];
	bool ctx_alive_at_dump;   /* the context being destroyed still existed */
	unsigned waits_at_dump;   /* IPC consumers in use besides STATE_DUMP's own */
	uint32_t ssid;
} seen;

static enum fake_reply die_at_unregister(struct fake_npu *ff, const struct npu_jsm_msg *req,
					 uint32_t ch, struct npu_jsm_msg *resp)
{
	if (seen.n < 32) {
		seen.type[seen.n] = req->type;
		seen.boots[seen.n++] = ff->boots;
	}
	if (req->type == NPU_JSM_MSG_STATE_DUMP) {
		seen.ctx_alive_at_dump = npu_ctx_by_ssid(dev, seen.ssid) != NULL;
		for (unsigned i = 0; i < NPU_IPC_CONSUMERS; i++)
			seen.waits_at_dump += dev->ipc.cons[i].used;
		seen.waits_at_dump--;
	}
	if (req->type == NPU_JSM_MSG_UNREGISTER_DB)
		seen.dead = true;
	return seen.dead && ff->boots == 1 ? FAKE_REPLY_NONE : FAKE_REPLY_NORMAL;
}

/* hw-facts §14.x: the recovery a timed-out request needs is only scheduled
 * inside the IPC wait and runs at the public API boundary. The teardown
 * finishes first (no request after the timeout reaches either firmware,
 * the context is gone when the recovery begins, no wait is in progress),
 * then the NPU is reset and cold-booted, READY again; the call returns the
 * request's -ETIMEDOUT, its message telling the rest. */
static void test_recovery_runs_at_the_api_boundary(void)
{
	struct npu_info info;
	uint32_t db1, db2;
	uint64_t hb;

	setup();
	memset(&seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &seen.ssid), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, seen.ssid, &db1), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, seen.ssid, &db2), 0);
	seen.n = 0;
	f->fw.hook = die_at_unregister;
	CU_ASSERT_EQUAL(npu_context_destroy(dev, seen.ssid), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "UNREGISTER_DB (request ") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "no response within 500 ms; the heartbeat query "
			      "also timed out: recovery scheduled; NPU recovered (reset #1): "
			      "firmware ready again") != NULL);
	/* UNREGISTER_DB, its heartbeat follow-up, then the recovery's dump */
	CU_ASSERT_EQUAL_FATAL(seen.n, 3);
	CU_ASSERT_EQUAL(seen.type[0], NPU_JSM_MSG_UNREGISTER_DB);
	CU_ASSERT_EQUAL(seen.type[1], NPU_JSM_MSG_QUERY_ENGINE_HB);
	CU_ASSERT_EQUAL(seen.type[2], NPU_JSM_MSG_STATE_DUMP);
	CU_ASSERT_EQUAL(seen.boots[2], 1);
	CU_ASSERT_FALSE(seen.ctx_alive_at_dump);
	CU_ASSERT_EQUAL(seen.waits_at_dump, 0);
	CU_ASSERT_TRUE(fake_log_has("IPC: UNREGISTER_DB not sent: the NPU is due for recovery (no "
				    "JSM response, no heartbeat)"));
	CU_ASSERT_EQUAL(f->boots, 2);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_EQUAL(info.n_contexts, 2);   /* the global and reserved ones only */
	CU_ASSERT_EQUAL(info.n_doorbells, 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "");
	finish();
}

/* A recovery whose cold boot fails leaves the NPU FAILED; the call that
 * timed out still reports its own -ETIMEDOUT. */
static void test_failed_recovery_at_the_boundary(void)
{
	struct npu_info info;
	uint64_t hb;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	f->fw.reply = FAKE_REPLY_NONE;
	f->fw.boot = FAKE_BOOT_NEVER;
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "QUERY_ENGINE_HB (request 1, channel 0): no "
			      "response within 500 ms") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "recovery (reset #1) FAILED, the NPU is in "
			      "reset: firmware did not send the ready message") != NULL);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_FAILED);
	CU_ASSERT_TRUE(in_reset());
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), -EAGAIN);
	finish();
}

/* ---- Warm boot (ivpu_pm.c) ----------------------------------------------------- */

static void test_warm_boot_after_d0i3(void)
{
	struct npu_boot_params bp;
	struct npu_info info;
	uint64_t hb;

	setup();
	f->fw.warm_entry = 0x84803000;
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_SUSPENDED);
	CU_ASSERT_TRUE(in_reset());
	f->now_ns += 3000000;   /* 3 ms in D0i3 */
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(f->last_entry, 0x84803000);
	CU_ASSERT_EQUAL(f->boot_params_seen_ret, 0);   /* zeroed by the host before start */
	npu_get_info(dev, &info);
	CU_ASSERT_TRUE(info.warm_boot);
	CU_ASSERT_EQUAL(info.warm_boots, 1);
	CU_ASSERT_EQUAL(fake_va_read(f, 0, 0x84800000, &bp, sizeof(bp)), 0);
	CU_ASSERT_TRUE(bp.d0i3_residency_time_us >= 3000);
	CU_ASSERT_TRUE(bp.system_time_us > 0);
	CU_ASSERT_EQUAL(bp.magic, NPU_BOOT_PARAMS_MAGIC);   /* cold fields kept */
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	finish();
}

static void test_warm_boot_failure_falls_back_to_cold(void)
{
	struct npu_info info;

	setup();
	f->fw.warm_entry = 0x84803000;
	f->fw.warm_boot_never = true;
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(f->boots, 3);     /* cold, failed warm, cold */
	CU_ASSERT_EQUAL(f->last_entry, 0x84802000);
	CU_ASSERT_TRUE(fake_log_has("retrying as a cold boot"));
	npu_get_info(dev, &info);
	CU_ASSERT_FALSE(info.warm_boot);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	finish();
}

static void test_suspend_without_warm_address_cold_boots_reloaded_image(void)
{
	uint8_t junk[64], img[64], want[64];

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	memset(junk, 0xEE, sizeof(junk));
	CU_ASSERT_EQUAL(npu_global_write(dev, 0x84802000, junk, sizeof(junk)), 0);
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(f->last_entry, 0x84802000);
	/* ivpu_pm_prepare_cold_boot reloaded the image */
	CU_ASSERT_EQUAL(npu_global_read(dev, 0x84802000, img, sizeof(img)), 0);
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7 + 1);
	CU_ASSERT_EQUAL(memcmp(img, want, sizeof(want)), 0);
	finish();
}

/* ---- Contexts and doorbells (ivpu_job.c, OS scheduling) --------------------------- */

static void test_doorbell_register_unregister(void)
{
	struct npu_job_queue_header h;
	const struct fake_req *r;
	struct npu_info info;
	uint32_t ssid, db, db2;
	uint64_t va = 0;
	size_t size = 0;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL(npu_doorbell_register(dev, 0, &db), -EINVAL);   /* not a user context */
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL(ssid, NPU_SSID_USER_MIN);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, ssid, &db), 0);
	CU_ASSERT_EQUAL(db, 1);
	r = last_req(NPU_JSM_MSG_REGISTER_DB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->channel, NPU_IPC_CHAN_ASYNC_CMD);
	CU_ASSERT_EQUAL(r->jsm.payload.register_db.db_idx, 1);
	CU_ASSERT_EQUAL(r->jsm.payload.register_db.host_ssid, ssid);
	CU_ASSERT_EQUAL(r->jsm.payload.register_db.jobq_size, 4096);
	CU_ASSERT_PTR_NOT_NULL(npu_doorbell_jobq(dev, db, &va, &size));
	CU_ASSERT_EQUAL(r->jsm.payload.register_db.jobq_base, va);
	CU_ASSERT_EQUAL(size, 4096);
	/* in the global (shared) range after the firmware runtime */
	CU_ASSERT_TRUE(va >= 0x84900000 && va < 0x84900000 + 0x10000000);
	CU_ASSERT_EQUAL(fake_va_read(f, 0, va, &h, sizeof(h)), 0);
	CU_ASSERT_EQUAL(h.engine_idx, 0);
	CU_ASSERT_EQUAL(h.head, 0);
	CU_ASSERT_EQUAL(h.tail, 0);
	CU_ASSERT_EQUAL(npu_doorbell_ring(dev, db), 0);
	CU_ASSERT_EQUAL(f->doorbell_rings[1], 1);
	CU_ASSERT_EQUAL(fake_written(f, NPU_BAR_REGV, NPU_CPU_SS_DOORBELL(1), 0), NPU_DOORBELL_SET);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, ssid, &db2), 0);
	CU_ASSERT_EQUAL(db2, 2);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.n_doorbells, 2);
	CU_ASSERT_EQUAL(npu_doorbell_unregister(dev, db), 0);
	r = last_req(NPU_JSM_MSG_UNREGISTER_DB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->jsm.payload.db.db_idx, 1);
	CU_ASSERT_EQUAL(npu_doorbell_unregister(dev, db), -EINVAL);
	CU_ASSERT_EQUAL(npu_doorbell_ring(dev, db), -EINVAL);
	/* destroying the context unregisters its doorbells and releases the SSID */
	CU_ASSERT_EQUAL(npu_context_destroy(dev, ssid), 0);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_UNREGISTER_DB), 2);
	r = last_req(NPU_JSM_MSG_SSID_RELEASE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->jsm.payload.ssid.host_ssid, ssid);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.n_doorbells, 0);
	CU_ASSERT_EQUAL(info.n_contexts, 2);
	finish();
}

static void test_hw_scheduling_mode(void)
{
	struct npu_open_params p;
	const struct fake_req *r;
	uint32_t ssid, db;

	setup();
	fake_params(&p, fake_fw_file());
	p.sched_mode = NPU_SCHED_HW;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	r = last_req(NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->jsm.payload.hws_priority_band_setup.normal_band_percentage, 10);
	CU_ASSERT_EQUAL(r->jsm.payload.hws_priority_band_setup.process_quantum[1], 300000);
	CU_ASSERT_EQUAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, ssid, &db), 0);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_CREATE_CMD_QUEUE), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES), 1);
	r = last_req(NPU_JSM_MSG_HWS_REGISTER_DB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->jsm.payload.hws_register_db.db_id, db);
	CU_ASSERT_EQUAL(r->jsm.payload.hws_register_db.host_ssid, ssid);
	CU_ASSERT_EQUAL(r->jsm.payload.hws_register_db.cmdq_size, 4096);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_REGISTER_DB), 0);
	CU_ASSERT_EQUAL(npu_doorbell_unregister(dev, db), 0);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_DESTROY_CMD_QUEUE), 1);
	finish();
}

static void test_context_limits(void)
{
	uint32_t ssid, first = 0;

	setup();
	CU_ASSERT_EQUAL(npu_context_create(dev = NULL, &ssid), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	for (unsigned i = 0; i < NPU_USER_CTX_COUNT; i++) {
		CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
		if (!i)
			first = ssid;
	}
	CU_ASSERT_EQUAL(first, 2);
	CU_ASSERT_EQUAL(ssid, 65);
	CU_ASSERT_EQUAL(npu_context_create(dev, &ssid), -EBUSY);
	CU_ASSERT_EQUAL(npu_context_destroy(dev, 1), -EINVAL);   /* the reserved context */
	CU_ASSERT_EQUAL(npu_context_destroy(dev, 7), 0);
	CU_ASSERT_EQUAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL(ssid, 7);
	finish();
}

static void test_operations_need_ready(void)
{
	uint64_t hb;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), -EAGAIN);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "boot it first") != NULL);
	CU_ASSERT_EQUAL(npu_suspend(dev), -EAGAIN);
	CU_ASSERT_EQUAL(fake_device_accesses(f), 0);
	finish();
}

/* ---- Interrupt-driven recoveries (ivpu_hw_irq_handler) ------------------------------ */

static void test_buttress_ufi_error_recovers(void)
{
	struct npu_info info;
	uint64_t hb;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	fake_set_reg(f, NPU_BAR_REGB, NPU_BTRS_UFI_ERR_LOG,
		     (uint32_t)NPU_FLD_PREP(NPU_BTRS_UFI_ERR_LOG_OPCODE, 2));
	fake_btrs_irq(f, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_TRUE(fake_log_has("buttress UFI error (an NPU DMA access failed): BTRS_UFI_ERR_LOG=0x00200000"));
	CU_ASSERT_TRUE(fake_log_has("OPCODE=2"));
	CU_ASSERT_TRUE(fake_log_has("NPU needs a recovery: buttress error interrupt"));
	CU_ASSERT_TRUE(fake_count(f, FAKE_WR32, NPU_BAR_REGB, NPU_BTRS_UFI_ERR_CLEAR) >= 1);
	CU_ASSERT_EQUAL(f->boots, 2);
	finish();
}

static void test_watchdog_irq_recovers(void)
{
	struct npu_info info;
	uint64_t hb;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	fake_icb_irq(f, NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_TRUE(fake_log_has("NPU needs a recovery: control-core watchdog (MSS)"));
	/* wdt_disable_37xx: TIM_SAFE key before each watchdog write */
	CU_ASSERT_EQUAL(fake_written(f, NPU_BAR_REGV, NPU_CPU_SS_TIM_SAFE, 0), NPU_TIM_SAFE_ENABLE_KEY);
	CU_ASSERT_EQUAL(fake_written(f, NPU_BAR_REGV, NPU_CPU_SS_TIM_WATCHDOG, 0),
			NPU_TIM_WATCHDOG_RESET_VALUE);
	CU_ASSERT_EQUAL(fake_written(f, NPU_BAR_REGV, NPU_CPU_SS_TIM_WDOG_EN, 0), 0);
	finish();
}

static void test_global_mmu_event_recovers(void)
{
	uint32_t ev[8] = { NPU_MMU_EVT_F_TRANSLATION, 0, 0, NPU_MMU_EVT_3_RNW, 0x1000, 0, 0, 0 };
	struct npu_info info;
	uint64_t hb;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	fake_mmu_event(f, ev);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_EQUAL(info.mmu_events, 1);
	CU_ASSERT_TRUE(fake_log_has("NPU needs a recovery: MMU fault in the global context"));
	finish();
}

static void test_user_mmu_event_marks_context(void)
{
	uint32_t ssid, ev[8] = { 0 };
	struct npu_info info;
	uint64_t hb;

	setup();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	ev[0] = NPU_MMU_EVT_F_PERMISSION | NPU_MMU_EVT_0_SSV |
		(uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_0_SSID, ssid);
	ev[1] = NPU_MMU_SID_DMA;
	ev[4] = 0xC0001000;
	fake_mmu_event(f, ev);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 0);
	for (uint32_t i = 0; i < info.n_contexts; i++)
		if (info.contexts[i].ssid == ssid)
			CU_ASSERT_TRUE(info.contexts[i].mmu_faulted);
	finish();
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_device", NULL, NULL);
	CU_add_test(s, "boot, ready, clean close into reset", test_boot_ready_and_clean_close);
	CU_add_test(s, "boot failure: reset, nothing allocated", test_boot_failure_leaves_reset_and_nothing_allocated);
	CU_add_test(s, "DMA allocation failures clean up", test_dma_alloc_failure_cleans_up);
	CU_add_test(s, "close of a powered, unbooted NPU resets it", test_close_from_powered_state_resets);
	CU_add_test(s, "unknown backend", test_unknown_backend);
	CU_add_test(s, "wrong PCI device", test_wrong_device_id);
	CU_add_test(s, "JSM timeout -> heartbeat timeout -> recovery", test_jsm_timeout_recovers);
	CU_add_test(s, "JSM timeout, heartbeat alive: no recovery", test_jsm_timeout_with_heartbeat_alive_no_recovery);
	CU_add_test(s, "npu_recover and a failed recovery", test_manual_recover_and_failed_recovery);
	CU_add_test(s, "engine reset failure recovers", test_engine_reset_failure_recovers);
	CU_add_test(s, "recovery runs at the API boundary, not in the wait",
		    test_recovery_runs_at_the_api_boundary);
	CU_add_test(s, "failed recovery at the boundary: FAILED", test_failed_recovery_at_the_boundary);
	CU_add_test(s, "warm boot after D0i3", test_warm_boot_after_d0i3);
	CU_add_test(s, "failed warm boot falls back to cold", test_warm_boot_failure_falls_back_to_cold);
	CU_add_test(s, "no warm address: cold boot, image reloaded", test_suspend_without_warm_address_cold_boots_reloaded_image);
	CU_add_test(s, "doorbell register/unregister, context release", test_doorbell_register_unregister);
	CU_add_test(s, "HW scheduling messages", test_hw_scheduling_mode);
	CU_add_test(s, "context SSIDs 2..65", test_context_limits);
	CU_add_test(s, "operations need a booted NPU", test_operations_need_ready);
	CU_add_test(s, "buttress UFI error IRQ recovers", test_buttress_ufi_error_recovers);
	CU_add_test(s, "watchdog IRQ recovers", test_watchdog_irq_recovers);
	CU_add_test(s, "MMU event on SSID 0 recovers", test_global_mmu_event_recovers);
	CU_add_test(s, "MMU event on a user SSID marks the context", test_user_mmu_event_marks_context);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned fails = CU_get_number_of_failures();

		CU_cleanup_registry();
		return fails ? 1 : 0;
	}
}
