/* SPDX-License-Identifier: MIT */
/*
 * Driver core, the job path (submit.c) against the fake device's job
 * scheduler (fake_npu_jobs.c): SUBMIT's slot, tail and doorbell (hw-facts
 * §14.3, §14.4, §14.6), JOB_DONE and the wait (§14.7, §14.8), job_status
 * (§13.4), back-pressure at 62 outstanding jobs (§13.5), the MMU-fault
 * context abort in both scheduling modes (§14.11), the TDR and recovery
 * (§14.12), and the buffer ranges (§15.1, §15.2).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"
#include "npu/cmdbuf.h"
#include "intel-npu/cmdbuf.h"

static struct fake_npu *f;
static struct npu_device *dev;
static uint32_t ssid, db;

/* The default test firmware with the sim firmware's preemption sizes */
static const char *fw_with_preemption(void)
{
	static const char *path;
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file;

	if (path)
		return path;
	file = fake_fw_image(16384, &size, &h);
	h->preemption_buffer_1_size = 0xD800;
	h->preemption_buffer_2_size = 0x7FE000;
	path = fake_write_file(file, size);
	free(file);
	return path;
}

static void booted_mode(enum npu_sched_mode mode)
{
	struct npu_open_params p;

	f = fake_npu_new();
	fake_params(&p, mode == NPU_SCHED_HW ? fw_with_preemption() : fake_fw_file());
	p.sched_mode = mode;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, ssid, &db), 0);
}

static void booted(void)
{
	booted_mode(NPU_SCHED_OS);
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	fake_npu_free(f);
	f = NULL;
}

static unsigned count_reqs(uint32_t type)
{
	unsigned n = 0;

	for (unsigned i = 0; i < f->n_reqs; i++)
		n += f->reqs[i].jsm.type == type;
	return n;
}

static struct npu_buffer *buf(uint32_t s, size_t size, uint32_t flags)
{
	struct npu_buffer *b = NULL;

	CU_ASSERT_EQUAL(npu_buffer_alloc(dev, s, size, flags, &b), 0);
	return b;
}

/* A command buffer in context s with one command added by add() */
static struct npu_buffer *job_nop(uint32_t s)
{
	struct npu_buffer *cb = buf(s, 4096, NPU_BUF_CACHED);
	struct npu_cmdbuf b;

	CU_ASSERT_EQUAL(npu_cmdbuf_init(&b, npu_buffer_cpu(cb), npu_buffer_va(cb), 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_nop(&b, 8), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(dev, cb, 0, 4096);
	return cb;
}

static void test_copy_fill_timestamp_fence(void)
{
	struct npu_buffer *cb, *src, *dst, *ts;
	struct npu_cmdbuf b;
	const struct npu_job_queue_header *h;
	const struct npu_job_queue_entry *e;
	uint32_t job = 0, status = 7;
	uint64_t word;
	uint8_t *s8, *d8;

	booted();
	cb = buf(ssid, 8192, NPU_BUF_CACHED);
	src = buf(ssid, 65536, NPU_BUF_DMA);
	dst = buf(ssid, 65536, NPU_BUF_DMA);
	ts = buf(ssid, 4096, NPU_BUF_CACHED);
	s8 = npu_buffer_cpu(src);
	d8 = npu_buffer_cpu(dst);
	for (unsigned i = 0; i < 65536; i++)
		s8[i] = (uint8_t)(i * 7 + 3);
	npu_buffer_flush(dev, src, 0, 65536);
	word = 1;
	memcpy((uint8_t *)npu_buffer_cpu(ts) + 128, &word, 8);   /* fence 1 >= 1: no wait */

	CU_ASSERT_EQUAL(npu_cmdbuf_init(&b, npu_buffer_cpu(cb), npu_buffer_va(cb), 8192), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&b, npu_buffer_va(ts) + 128, 1), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&b, npu_buffer_va(dst), npu_buffer_va(src), 40000), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_barrier(&b), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fill(&b, npu_buffer_va(dst) + 40000 + 64 - 40000 % 64, 1024,
					0xA5A5A5A5u), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&b, NPU_TIME_RAW, npu_buffer_va(ts)), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_signal(&b, npu_buffer_va(ts) + 64, 4), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(dev, cb, 0, 8192);
	npu_buffer_flush(dev, ts, 0, 4096);

	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	/* slot 0 of the queue, tail 1, one doorbell write (hw-facts §14.3, §14.4) */
	h = npu_doorbell_jobq(dev, db, NULL, NULL);
	e = (const void *)((const uint8_t *)h + 64);
	CU_ASSERT_EQUAL(job, (ssid - 1) * 256);
	CU_ASSERT_EQUAL(h->tail, 1);
	CU_ASSERT_EQUAL(e->batch_buf_addr, npu_buffer_va(cb));
	CU_ASSERT_EQUAL(e->job_id, job);
	CU_ASSERT_EQUAL(e->flags, 0);
	CU_ASSERT_EQUAL(f->doorbell_rings[db], 1);
	CU_ASSERT_EQUAL(npu_jobs_outstanding(dev), 1);

	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), 0);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(h->head, 1);
	CU_ASSERT_EQUAL(npu_jobs_outstanding(dev), 0);
	npu_buffer_invalidate(dev, dst, 0, 65536);
	npu_buffer_invalidate(dev, ts, 0, 4096);
	CU_ASSERT_EQUAL(memcmp(s8, d8, 40000), 0);
	CU_ASSERT_EQUAL(d8[40000], 0);                         /* not beyond the copy */
	CU_ASSERT_EQUAL(d8[40000 + 64 - 40000 % 64], 0xA5);
	CU_ASSERT_EQUAL(d8[40000 + 64 - 40000 % 64 + 1023], 0xA5);
	CU_ASSERT_EQUAL(d8[40000 + 64 - 40000 % 64 + 1024], 0);
	memcpy(&word, npu_buffer_cpu(ts), 8);
	CU_ASSERT_NOT_EQUAL(word, 0);                          /* the timestamp */
	memcpy(&word, (uint8_t *)npu_buffer_cpu(ts) + 64, 8);
	CU_ASSERT_EQUAL(word, 4);                              /* the signalled fence */

	/* a job is waited for once; the next id is the next one */
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 10, NULL), -ENOENT);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(job, (ssid - 1) * 256 + 1);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, NULL), 0);
	done();
}

static void test_statuses(void)
{
	struct npu_buffer *cb;
	struct npu_cmdbuf b;
	uint32_t job, status;

	booted();
	/* an unknown command: the firmware's PARSING_ERR reaches the caller */
	cb = buf(ssid, 4096, 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_init(&b, npu_buffer_cpu(cb), npu_buffer_va(cb), 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_raw(&b, 0x0777, NULL, 4), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), -EIO);
	CU_ASSERT_EQUAL(status, NPU_JSM_STATUS_PARSING_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "job_status 0x1 (PARSING_ERR)"));

	/* any firmware status is handed over as it is, without recovery */
	f->jobs.forced_status = NPU_JSM_STATUS_PROCESSING_ERR;
	cb = job_nop(ssid);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), -EIO);
	CU_ASSERT_EQUAL(status, NPU_JSM_STATUS_PROCESSING_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "PROCESSING_ERR"));
	CU_ASSERT_EQUAL(dev->recoveries, 0);

	/* a JOB_DONE with a non-zero result is not a completion (hw-facts §14.7) */
	f->jobs.forced_status = -1;
	f->jobs.done_result = NPU_JSM_STATUS_INTERNAL_ERROR;
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 100, &status), -ETIMEDOUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "still running after 100 ms"));
	CU_ASSERT_TRUE(fake_log_has("carries result 0xc"));
	CU_ASSERT_EQUAL(npu_jobs_outstanding(dev), 1);

	CU_ASSERT_STRING_EQUAL(npu_job_status_name(0), "SUCCESS");
	CU_ASSERT_STRING_EQUAL(npu_job_status_name(256), "ABORTED by the driver");
	CU_ASSERT_STRING_EQUAL(npu_job_status_name(4), "ABORTED");
	done();
}

static void test_back_pressure(void)
{
	struct npu_buffer *cbs[63], *cb;
	uint32_t jobs[63], job;
	int ret;

	booted();
	for (unsigned i = 0; i < 63; i++)
		cbs[i] = job_nop(ssid);
	cb = cbs[0];
	f->jobs.mode = FAKE_JOBS_STALL;
	for (unsigned i = 0; i < 62; i++)
		CU_ASSERT_EQUAL(npu_job_submit(dev, db, cbs[i], 0, &jobs[i]), 0);
	/* 63 slots, one always empty: the 63rd job does not fit (hw-facts §13.5) */
	ret = npu_job_submit(dev, db, cbs[62], 0, &job);
	CU_ASSERT_EQUAL(ret, -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "is full (62 jobs outstanding"));
	CU_ASSERT_EQUAL(f->doorbell_rings[db], 62);
	CU_ASSERT_EQUAL(npu_jobs_outstanding(dev), 62);

	/* the firmware takes them: every one completes, the queue wraps */
	f->jobs.mode = FAKE_JOBS_RUN;
	CU_ASSERT_EQUAL(npu_doorbell_ring(dev, db), 0);
	for (unsigned i = 0; i < 62; i++)
		CU_ASSERT_EQUAL(npu_job_wait(dev, jobs[i], 1000, NULL), 0);
	for (unsigned i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(npu_job_submit(dev, db, cb, 0, &job), 0);
		CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, NULL), 0);
	}
	CU_ASSERT_EQUAL(((const struct npu_job_queue_header *)
			 npu_doorbell_jobq(dev, db, NULL, NULL))->tail, (62 + 10) % 63);
	CU_ASSERT_EQUAL(f->jobs.done_sent, 72);
	done();
}

/* A copy from an address nobody mapped faults in the context's tables */
static struct npu_buffer *job_fault(uint32_t s)
{
	struct npu_buffer *cb = buf(s, 4096, NPU_BUF_CACHED), *dst = buf(s, 4096, 0);
	struct npu_cmdbuf b;

	CU_ASSERT_EQUAL(npu_cmdbuf_init(&b, npu_buffer_cpu(cb), npu_buffer_va(cb), 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&b, npu_buffer_va(dst), NPU_VA_DMA_START + 0x10000000,
					4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	return cb;
}

static void check_other_context_works(void)
{
	uint32_t s2, db2, job;

	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &s2), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, s2, &db2), 0);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db2, job_nop(s2), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, NULL), 0);
}

static void test_mmu_fault_aborts_context(void)
{
	struct npu_buffer *cb;
	struct npu_info info;
	uint32_t job, status;

	booted();
	cb = job_fault(ssid);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "its context had an MMU fault"));
	CU_ASSERT_EQUAL(f->jobs.faults, 1);
	/* OS mode: no preemption buffers; UNREGISTER_DB, SSID_RELEASE; the
	 * firmware aborted the job */
	CU_ASSERT_EQUAL(((const struct npu_job_queue_entry *)((const uint8_t *)
			 npu_doorbell_jobq(dev, db, NULL, NULL) + 64))->primary_preempt_buf_addr, 0);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_UNREGISTER_DB), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_SSID_RELEASE), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_ENGINE_RESET), 0);
	CU_ASSERT_EQUAL(dev->recoveries, 0);
	/* further submits of that context fail with their own error */
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, job_nop(ssid), 0, &job), -EBADFD);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "aborted after an MMU fault"));
	CU_ASSERT_EQUAL(npu_get_info(dev, &info), 0);
	for (unsigned i = 0; i < info.n_contexts; i++)
		if (info.contexts[i].ssid == ssid)
			CU_ASSERT_TRUE(info.contexts[i].aborted);
	check_other_context_works();
	/* destroying the aborted context still works */
	CU_ASSERT_EQUAL(npu_context_destroy(dev, ssid), 0);
	done();
}

static void test_hws_jobs_and_abort(void)
{
	struct npu_buffer *cb;
	uint32_t job, status;
	uint64_t pte = 0;

	const struct npu_job_queue_entry *e;

	booted_mode(NPU_SCHED_HW);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, job_nop(ssid), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), 0);
	CU_ASSERT_EQUAL(f->jobs.q[db].cmdq_id, dev->db[db].cmdq_id);
	/* the queue's preemption buffers ride in every entry (hw-facts §14.5):
	 * primary 0xD800 rounded to 0xE000 in the top 4 x 0xE000 of the user
	 * range, secondary 0x7FE000 at the top of the shave range */
	e = (const void *)((const uint8_t *)npu_doorbell_jobq(dev, db, NULL, NULL) + 64);
	CU_ASSERT_EQUAL(e->primary_preempt_buf_size, 0xE000);
	CU_ASSERT_TRUE(e->primary_preempt_buf_addr >= NPU_VA_USER_START + NPU_VA_USER_SIZE -
		       4 * 0xE000);
	CU_ASSERT_TRUE(e->primary_preempt_buf_addr + 0xE000 <= NPU_VA_USER_START +
		       NPU_VA_USER_SIZE);
	CU_ASSERT_EQUAL(e->secondary_preempt_buf_size, 0x7FE000);
	CU_ASSERT_TRUE(e->secondary_preempt_buf_addr >= NPU_VA_SHAVE_START + NPU_VA_SHAVE_SIZE -
		       0x900000);
	CU_ASSERT_TRUE(e->secondary_preempt_buf_addr + 0x7FE000 <= NPU_VA_SHAVE_START +
		       NPU_VA_SHAVE_SIZE);
	CU_ASSERT_EQUAL(fake_pte(f, ssid, e->secondary_preempt_buf_addr, &pte), 0);
	CU_ASSERT_TRUE(pte & NPU_MMU_ENTRY_VALID);       /* bound at once */

	cb = job_fault(ssid);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	/* HWS: ENGINE_RESET, DESTROY_CMD_QUEUE + UNREGISTER_DB, HWS_ENGINE_RESUME;
	 * the driver completed the job itself */
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_ENGINE_RESET), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_DESTROY_CMD_QUEUE), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_UNREGISTER_DB), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_HWS_ENGINE_RESUME), 1);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_SSID_RELEASE), 0);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, job_nop(ssid), 0, &job), -EBADFD);
	check_other_context_works();
	done();
}

static enum fake_reply fail_engine_resume(struct fake_npu *ff, const struct npu_jsm_msg *req,
					  uint32_t ch, struct npu_jsm_msg *resp)
{
	(void)ff, (void)ch, (void)resp;
	return req->type == NPU_JSM_MSG_HWS_ENGINE_RESUME ? FAKE_REPLY_RESULT : FAKE_REPLY_NORMAL;
}

/* HWS: a failed HWS_ENGINE_RESUME after the abort leaves only a recovery
 * (hw-facts §14.11), which ends the job with 256 */
static void test_hws_abort_resume_fails(void)
{
	uint32_t job, status;

	booted_mode(NPU_SCHED_HW);
	f->fw.hook = fail_engine_resume;
	f->fw.reply_result = NPU_JSM_STATUS_INTERNAL_ERROR;
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, job_fault(ssid), 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	CU_ASSERT_EQUAL(dev->recoveries, 1);
	CU_ASSERT_EQUAL(dev->power, NPU_POWER_READY);
	CU_ASSERT_TRUE(fake_log_has("HWS_ENGINE_RESUME failed after a context abort"));
	CU_ASSERT_EQUAL(npu_jobs_outstanding(dev), 0);
	done();
}

static void test_context_violation_status(void)
{
	uint32_t job, status;

	booted();
	f->jobs.forced_status = 0xE;   /* MVNCI_CONTEXT_VIOLATION_HW */
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, job_nop(ssid), 0, &job), 0);
	/* not a completion: the context is aborted and the job stays out
	 * until the TDR recovers the NPU (hw-facts §14.7) */
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), -ETIMEDOUT);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_SSID_RELEASE), 1);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, job_nop(ssid), 0, &job), -EBADFD);
	CU_ASSERT_EQUAL(npu_job_wait(dev, (ssid - 1) * 256, 10000, &status), -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	CU_ASSERT_EQUAL(dev->recoveries, 1);
	done();
}

static void test_tdr_recovery(void)
{
	struct npu_buffer *cb;
	uint32_t job, status;
	unsigned regs;

	booted();
	cb = job_nop(ssid);
	f->jobs.mode = FAKE_JOBS_HANG;
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	/* shorter than the TDR: only this wait gives up */
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 500, &status), -ETIMEDOUT);
	CU_ASSERT_EQUAL(status, UINT32_MAX);
	CU_ASSERT_EQUAL(dev->recoveries, 0);
	/* a job outstanding keeps the NPU awake (hw-facts §14.10) */
	CU_ASSERT_EQUAL(npu_suspend(dev), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "1 job(s) outstanding"));
	/* 2 s without a completion: recovery, the job ends with 256 */
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 10000, &status), -ECANCELED);
	CU_ASSERT_EQUAL(status, NPU_JOB_STATUS_ABORTED);
	CU_ASSERT_EQUAL(dev->recoveries, 1);
	CU_ASSERT_EQUAL(dev->power, NPU_POWER_READY);
	CU_ASSERT_EQUAL(npu_jobs_outstanding(dev), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "2000 ms TDR budget"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "NPU recovered"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_diagnosis(dev), "TDR: no job completed within "
				      "2000 ms"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_diagnosis(dev), "queue head 1 tail 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_diagnosis(dev), "ICB_STATUS_0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_diagnosis(dev), "firmware log"));
	CU_ASSERT_TRUE(count_reqs(NPU_JSM_MSG_STATE_DUMP) >= 1);
	/* the queue was forgotten by the cold boot: the next submit registers it */
	f->jobs.mode = FAKE_JOBS_RUN;
	regs = count_reqs(NPU_JSM_MSG_REGISTER_DB);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_REGISTER_DB), regs + 1);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, &status), 0);
	done();
}

/* A submit resumes a suspended NPU, warm (queues kept) or cold (registered
 * again), as the job's runtime-PM reference does (hw-facts §14.3, §14.10) */
static void test_submit_resumes(void)
{
	struct npu_buffer *cb;
	uint32_t job;
	unsigned regs, boots;

	booted();
	cb = job_nop(ssid);
	f->fw.warm_entry = 0x84803000;
	CU_ASSERT_EQUAL_FATAL(npu_suspend(dev), 0);
	regs = count_reqs(NPU_JSM_MSG_REGISTER_DB);
	boots = f->boots;
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(f->boots, boots + 1);
	CU_ASSERT_EQUAL(f->last_entry, 0x84803000);               /* warm */
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_REGISTER_DB), regs);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, NULL), 0);

	f->fw.warm_entry = 0;                                      /* no restore point */
	CU_ASSERT_EQUAL_FATAL(npu_suspend(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(count_reqs(NPU_JSM_MSG_REGISTER_DB), regs + 1);
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, NULL), 0);
	done();
}

static void test_submit_refusals(void)
{
	struct npu_buffer *cb, *other;
	uint32_t s2, job, first;

	booted();
	cb = job_nop(ssid);
	/* a command buffer still in flight is refused (hw-facts §14.3 step 3) */
	f->jobs.mode = FAKE_JOBS_STALL;
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(dev, db, cb, 0, &first), 0);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, cb, 0, &job), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "still in use by job 0x100"));
	f->jobs.mode = FAKE_JOBS_RUN;
	CU_ASSERT_EQUAL(npu_doorbell_ring(dev, db), 0);
	CU_ASSERT_EQUAL(npu_job_wait(dev, first, 1000, NULL), 0);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, cb, 0, &job), 0);  /* idle again */
	CU_ASSERT_EQUAL(npu_job_wait(dev, job, 1000, NULL), 0);
	f->doorbell_rings[db] = 0;
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &s2), 0);
	other = job_nop(s2);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, other, 0, &job), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_last_error(dev), "not mapped in context"));
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, cb, 8, &job), -EINVAL);
	CU_ASSERT_EQUAL(npu_job_submit(dev, db, cb, 4096, &job), -EINVAL);
	CU_ASSERT_EQUAL(npu_job_submit(dev, 77, cb, 0, &job), -EINVAL);
	CU_ASSERT_EQUAL(npu_job_wait(dev, 0x1234, 10, NULL), -ENOENT);
	CU_ASSERT_EQUAL(f->doorbell_rings[db], 0);
	done();
}

static void test_buffer_ranges(void)
{
	struct npu_buffer *u, *s, *d, *sd, *g;

	booted();
	u = buf(ssid, 4096, 0);
	s = buf(ssid, 4096, NPU_BUF_SHAVE);
	d = buf(ssid, 1 << 20, NPU_BUF_DMA);
	sd = buf(ssid, 4096, NPU_BUF_SHAVE | NPU_BUF_DMA);
	CU_ASSERT_TRUE(npu_buffer_va(u) >= NPU_VA_USER_START &&
		       npu_buffer_va(u) < NPU_VA_USER_START + NPU_VA_USER_SIZE);
	CU_ASSERT_TRUE(npu_buffer_va(s) >= NPU_VA_SHAVE_START &&
		       npu_buffer_va(s) < NPU_VA_SHAVE_START + NPU_VA_SHAVE_SIZE);
	CU_ASSERT_TRUE(npu_buffer_va(d) >= NPU_VA_DMA_START &&
		       npu_buffer_va(d) < NPU_VA_DMA_START + NPU_VA_DMA_SIZE);
	CU_ASSERT_EQUAL(npu_buffer_va(d) % 0x10000, 0);       /* >= 64 KiB: 64 KiB aligned */
	CU_ASSERT_TRUE(npu_buffer_va(sd) >= NPU_VA_SHAVE_START &&
		       npu_buffer_va(sd) < NPU_VA_SHAVE_START + NPU_VA_SHAVE_SIZE);
	CU_ASSERT_EQUAL(npu_buffer_alloc(dev, 0, 4096, NPU_BUF_DMA, &g), -EINVAL);
	CU_ASSERT_EQUAL(npu_buffer_alloc(dev, ssid, 4096, 0x100, &g), -EINVAL);
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_jobs", NULL, NULL);
	CU_add_test(s, "copy, fill, timestamp, fences", test_copy_fill_timestamp_fence);
	CU_add_test(s, "job statuses", test_statuses);
	CU_add_test(s, "back-pressure at 62 jobs", test_back_pressure);
	CU_add_test(s, "MMU fault aborts the context (OS)", test_mmu_fault_aborts_context);
	CU_add_test(s, "HW scheduling: jobs and abort", test_hws_jobs_and_abort);
	CU_add_test(s, "HWS: a failed engine resume recovers", test_hws_abort_resume_fails);
	CU_add_test(s, "CONTEXT_VIOLATION_HW status", test_context_violation_status);
	CU_add_test(s, "TDR and recovery", test_tdr_recovery);
	CU_add_test(s, "a submit resumes a suspended NPU", test_submit_resumes);
	CU_add_test(s, "submit refusals", test_submit_refusals);
	CU_add_test(s, "buffer ranges", test_buffer_ranges);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
