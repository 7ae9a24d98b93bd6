/* SPDX-License-Identifier: MIT */
/*
 * End-to-end jobs: the driver's job path (submit.c) with the simulated
 * firmware's scheduler in the device model (sim backend):
 *   - a queue filled behind a job waiting for a fence: -EBUSY at the 63rd
 *     slot, then every job completes once the host signals (hw-facts §13.5);
 *   - TIMESTAMP, FENCE_SIGNAL/WAIT, and a FENCE_WAIT that blocks only its
 *     own queue until the CPU signals it (hw-facts §13.1);
 *   - an unknown and a deprecated command: PARSING_ERR (hw-facts §11.4);
 *   - a fault in one context aborts it, not the others (hw-facts §14.11);
 *   - a job that never finishes: TDR, recovery, 256, and the queue works
 *     again afterwards (hw-facts §14.12);
 *   - a submit resumes a suspended NPU (warm boot, queues kept);
 *   - both scheduling modes.
 * Copies and fills (the model's DMA engines): test_driver_sim_dma.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu/cmdbuf.h"
#include "npu/npu.h"
#include "sim.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/jsm.h"
#include "intel-npu/va_layout.h"
#include "sim_jobs.h"

static void test_empty_jobs_queue_full(void)
{
	struct npu_buffer *cbs[63], *ev, *wait_cb;
	struct npu_cmdbuf b;
	uint32_t jobs[63], n = 0, job, waiter;
	uint64_t one = 1;
	int ret = 0;

	sim_jobs_open(NPU_SCHED_OS, 0);
	for (unsigned i = 0; i < 63; i++) {
		cbs[i] = sim_jobs_cmdbuf(sim.ssid, &b);
		CU_ASSERT_EQUAL(npu_cmdbuf_nop(&b, 8), 0);
		CU_ASSERT_EQUAL(npu_cmdbuf_barrier(&b), 0);
		CU_ASSERT_EQUAL(npu_cmdbuf_nop(&b, 64), 0);
		CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
		npu_buffer_flush(sim.dev, cbs[i], 0, npu_buffer_size(cbs[i]));
	}
	/* a job waiting for a fence holds up its queue: the jobs behind it
	 * fill the queue until the 63rd slot would close it (§13.5); the
	 * one the firmware already took may leave its slot */
	ev = sim_jobs_buf(sim.ssid, 4096, NPU_BUF_CACHED);
	wait_cb = sim_jobs_cmdbuf(sim.ssid, &b);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&b, npu_buffer_va(ev), 1), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, wait_cb, 0, npu_buffer_size(wait_cb));
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, wait_cb, 0, &waiter), 0);
	while (n < 63 && !(ret = npu_job_submit(sim.dev, sim.db, cbs[n], 0, &jobs[n])))
		n++;
	CU_ASSERT_TRUE(n == 61 || n == 62);
	CU_ASSERT_EQUAL(ret, -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(sim.dev), "is full"));
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, jobs[0], 20, NULL), -ETIMEDOUT);
	memcpy(npu_buffer_cpu(ev), &one, 8);    /* the host signals the fence */
	npu_buffer_flush(sim.dev, ev, 0, 8);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, waiter, 5000, NULL), 0);
	for (uint32_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(npu_job_wait(sim.dev, jobs[i], 5000, NULL), 0);
	for (int i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cbs[i % 63], 0, &job), 0);
		CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, NULL), 0);
	}
	CU_ASSERT_EQUAL(npu_jobs_outstanding(sim.dev), 0);
	sim_jobs_close();
}

static void test_timestamp_and_fences(enum npu_sched_mode mode)
{
	struct npu_buffer *cb, *ev;
	struct npu_cmdbuf b;
	uint64_t t0, t1, fence, one = 1;
	uint8_t *e;
	uint32_t job, status;

	sim_jobs_open(mode, 0);
	ev = sim_jobs_buf(sim.ssid, 4096, NPU_BUF_CACHED);
	e = npu_buffer_cpu(ev);
	memcpy(e + 192, &one, 8);               /* a fence already at 1 */
	npu_buffer_flush(sim.dev, ev, 0, 4096);
	cb = sim_jobs_cmdbuf(sim.ssid, &b);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&b, NPU_TIME_RAW, npu_buffer_va(ev)), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_barrier(&b), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&b, npu_buffer_va(ev) + 192, 1), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_signal(&b, npu_buffer_va(ev) + 128, 4), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&b, NPU_TIME_RAW, npu_buffer_va(ev) + 64), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), 0);
	CU_ASSERT_EQUAL(status, 0);
	npu_buffer_invalidate(sim.dev, ev, 0, 4096);
	memcpy(&t0, e, 8);
	memcpy(&t1, e + 64, 8);
	memcpy(&fence, e + 128, 8);
	CU_ASSERT_NOT_EQUAL(t0, 0);
	CU_ASSERT_TRUE(t1 >= t0);
	CU_ASSERT_EQUAL(fence, 4);
	sim_jobs_close();
}

static void test_timestamp_fences_os(void)
{
	test_timestamp_and_fences(NPU_SCHED_OS);
}

static void test_timestamp_fences_hws(void)
{
	test_timestamp_and_fences(NPU_SCHED_HW);
}

/* A FENCE_WAIT blocks its own queue only; the CPU's signal releases it. */
static void test_fence_wait_blocks_one_queue(void)
{
	struct npu_buffer *wait_cb, *ev;
	struct npu_cmdbuf b;
	uint32_t s2, db2, waiter, other, status;
	uint64_t five = 5;

	sim_jobs_open(NPU_SCHED_OS, 0);
	ev = sim_jobs_buf(sim.ssid, 4096, NPU_BUF_CACHED);
	wait_cb = sim_jobs_cmdbuf(sim.ssid, &b);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&b, npu_buffer_va(ev), 3), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, wait_cb, 0, npu_buffer_size(wait_cb));
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, wait_cb, 0, &waiter), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, waiter, 50, NULL), -ETIMEDOUT);

	CU_ASSERT_EQUAL_FATAL(npu_context_create(sim.dev, &s2), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(sim.dev, s2, &db2), 0);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, db2, sim_jobs_nop(s2), 0, &other), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, other, 1000, NULL), 0);

	memcpy(npu_buffer_cpu(ev), &five, 8);    /* the host signals: 5 >= 3 */
	npu_buffer_flush(sim.dev, ev, 0, 8);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, waiter, 1000, &status), 0);
	CU_ASSERT_EQUAL(sim.recoveries_before, sim_jobs_recoveries());
	sim_jobs_close();
}

static void test_parsing_errors(void)
{
	static const uint16_t bad[] = { 0x0777, NPU_CMD_COPY_SYSTEM_TO_SYSTEM, NPU_CMD_UNKNOWN };
	struct npu_cmdbuf b;
	uint32_t job, status;
	uint8_t body[20] = { 0 };

	sim_jobs_open(NPU_SCHED_OS, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct npu_buffer *cb = sim_jobs_cmdbuf(sim.ssid, &b);

		CU_ASSERT_EQUAL(npu_cmdbuf_raw(&b, bad[i], body, sizeof(body)), 0);
		CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
		npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
		CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cb, 0, &job), 0);
		CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), -EIO);
		CU_ASSERT_EQUAL(status, NPU_JSM_STATUS_PARSING_ERR);
		CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(sim.dev), "PARSING_ERR"));
	}
	/* the queue goes on */
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, sim_jobs_nop(sim.ssid), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), 0);
	CU_ASSERT_EQUAL(sim.recoveries_before, sim_jobs_recoveries());
	sim_jobs_close();
}

/* A TIMESTAMP into an address nobody mapped: that context is aborted. */
static void fault_aborts_context(enum npu_sched_mode mode)
{
	struct npu_cmdbuf b;
	struct npu_buffer *cb;
	uint32_t s2, db2, job, status;
	int ret;

	sim_jobs_open(mode, 0);
	cb = sim_jobs_cmdbuf(sim.ssid, &b);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&b, NPU_TIME_RAW, NPU_VA_USER_START + 0x8000000), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cb, 0, &job), 0);
	ret = npu_job_wait(sim.dev, job, 5000, &status);
	CU_ASSERT_EQUAL(ret, -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	if (ret != -ECANCELED)
		fprintf(stderr, "\n    wait: %d, status %u: %s\n", ret, status,
			npu_last_error(sim.dev));
	CU_ASSERT_EQUAL(npu_job_submit(sim.dev, sim.db, sim_jobs_nop(sim.ssid), 0, &job), -EBADFD);
	/* another context keeps working, without a recovery */
	CU_ASSERT_EQUAL_FATAL(npu_context_create(sim.dev, &s2), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(sim.dev, s2, &db2), 0);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, db2, sim_jobs_nop(s2), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), 0);
	CU_ASSERT_EQUAL(sim.recoveries_before, sim_jobs_recoveries());
	sim.expect_guest_errors = true;    /* the faulting access */
	sim_jobs_close();
}

static void test_fault_os(void)
{
	fault_aborts_context(NPU_SCHED_OS);
}

static void test_fault_hws(void)
{
	fault_aborts_context(NPU_SCHED_HW);
}

/* Jobs after a suspend: the submit resumes the NPU (warm boot, the
 * firmware keeps its queues, hw-facts §14.10), and the queue runs on. */
static void test_submit_after_suspend(void)
{
	struct npu_info info;
	uint32_t job, status;

	sim_jobs_open(NPU_SCHED_OS, 0);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, sim_jobs_nop(sim.ssid), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), 0);
	CU_ASSERT_EQUAL_FATAL(npu_suspend(sim.dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, sim_jobs_nop(sim.ssid), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), 0);
	CU_ASSERT_EQUAL(npu_get_info(sim.dev, &info), 0);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	CU_ASSERT_TRUE(info.warm_boot);
	CU_ASSERT_EQUAL(sim.recoveries_before, sim_jobs_recoveries());
	sim_jobs_close();
}

static void test_tdr_recovery(void)
{
	struct npu_buffer *cb, *ev;
	struct npu_cmdbuf b;
	uint32_t job, status;

	sim_jobs_open(NPU_SCHED_OS, 300);   /* a short TDR keeps the test quick */
	ev = sim_jobs_buf(sim.ssid, 4096, NPU_BUF_CACHED);
	cb = sim_jobs_cmdbuf(sim.ssid, &b);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&b, npu_buffer_va(ev), 1), 0);   /* never */
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 10000, &status), -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	CU_ASSERT_EQUAL(sim_jobs_recoveries(), sim.recoveries_before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_diagnosis(sim.dev), "TDR: no job completed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_diagnosis(sim.dev), "firmware log"));
	/* registered again after the cold boot, the queue runs jobs */
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, sim_jobs_nop(sim.ssid), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 5000, &status), 0);
	sim_jobs_close();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_sim_jobs", NULL, NULL);
	CU_add_test(s, "empty jobs, queue full", test_empty_jobs_queue_full);
	CU_add_test(s, "timestamp and fences (OS)", test_timestamp_fences_os);
	CU_add_test(s, "timestamp and fences (HWS)", test_timestamp_fences_hws);
	CU_add_test(s, "a fence wait blocks one queue", test_fence_wait_blocks_one_queue);
	CU_add_test(s, "unknown and deprecated commands", test_parsing_errors);
	CU_add_test(s, "fault aborts one context (OS)", test_fault_os);
	CU_add_test(s, "fault aborts one context (HWS)", test_fault_hws);
	CU_add_test(s, "submit after suspend", test_submit_after_suspend);
	CU_add_test(s, "TDR and recovery", test_tdr_recovery);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
