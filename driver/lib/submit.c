/* SPDX-License-Identifier: MIT */
/*
 * Jobs, as Linux 6.12's ivpu_job.c runs them (hw-facts §14): SUBMIT writes
 * a slot of the context's job queue, advances the tail and rings the
 * doorbell (§14.3, §14.4, §14.6); JOB_DONE on the job channel completes the
 * job (§14.7); a wait returns its job_status (§14.8). A user MMU fault
 * aborts that context only (§14.11); a TDR that expires with jobs
 * outstanding recovers the NPU, which ends every outstanding job with
 * status 256 (§14.12). The library has no threads: the abort work and the
 * TDR run inside the calls that submit and wait.
 */
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "intel-npu/cmdbuf.h"

/* MVNCI_CONTEXT_VIOLATION_HW: the context is aborted, the job is not
 * completed by this message (hw-facts §14.7) */
#define JOB_STATUS_CONTEXT_VIOLATION_HW 0xEu

const char *npu_job_status_name(uint32_t status)
{
	if (status == NPU_JOB_STATUS_ABORTED)
		return "ABORTED by the driver";
	if (status > 0xFFu)
		return "unknown status";
	return npu_jsm_status_name(status);
}

uint32_t npu_jobs_outstanding(const struct npu_device *dev)
{
	return dev ? dev->jobs_outstanding : 0;
}

static uint32_t job_ssid(uint32_t job_id)
{
	return job_id / NPU_JOBS_PER_CTX + 1;
}

static struct npu_job_rec *job_find(struct npu_device *dev, uint32_t job_id,
				    struct npu_ctx **ctx_out)
{
	uint32_t ssid = job_ssid(job_id);
	struct npu_ctx *ctx = ssid >= NPU_SSID_USER_MIN ? npu_ctx_by_ssid(dev, ssid) : NULL;

	if (ctx_out)
		*ctx_out = ctx;
	if (!ctx || !ctx->jobs)
		return NULL;
	return &ctx->jobs[job_id % NPU_JOBS_PER_CTX];
}

static void tdr_arm(struct npu_device *dev)
{
	dev->tdr_deadline_ns = dev->t.tdr_ms ? npu_now_ns(dev) + (uint64_t)dev->t.tdr_ms * 1000000u
					     : 0;
}

/* ivpu_job_signal_and_destroy: done, the TDR restarted while others are out */
static void job_complete(struct npu_device *dev, struct npu_ctx *ctx, struct npu_job_rec *j,
			 uint32_t status, enum npu_job_abort why)
{
	j->state = NPU_JOB_DONE;
	j->status = status;
	j->abort = (uint8_t)why;
	ctx->jobs_outstanding--;
	dev->jobs_outstanding--;
	dev->jobs_completed++;
	if (dev->jobs_outstanding)
		tdr_arm(dev);
	else
		dev->tdr_deadline_ns = 0;
}

void npu_job_done_msg(struct npu_device *dev, const struct npu_jsm_msg *msg)
{
	const struct npu_jsm_job_done *d = &msg->payload.job_done;
	struct npu_job_rec *j;
	struct npu_ctx *ctx;

	if (msg->result != NPU_JSM_STATUS_SUCCESS) {
		/* ivpu leaves the job to the TDR */
		npu_warn(dev, "JOB_DONE for job 0x%x carries result 0x%x (%s): ignored", d->job_id,
			 msg->result, npu_jsm_status_name(msg->result));
		return;
	}
	j = job_find(dev, d->job_id, &ctx);
	if (!j || j->state != NPU_JOB_RUNNING) {
		npu_dbg(dev, "JOB_DONE for job 0x%x, which is not outstanding: ignored", d->job_id);
		return;
	}
	npu_dbg(dev, "JOB_DONE job 0x%x context %u doorbell %u status 0x%x (%s)", d->job_id,
		ctx->ssid, d->db_idx, d->job_status, npu_job_status_name(d->job_status));
	if (d->job_status == JOB_STATUS_CONTEXT_VIOLATION_HW) {
		npu_err(dev, "job 0x%x: the firmware reports a context violation of context %u; "
			"the context is aborted", d->job_id, ctx->ssid);
		ctx->faulted = true;
		return;
	}
	if (ctx->faulted)
		job_complete(dev, ctx, j, NPU_JOB_STATUS_ABORTED, NPU_JOB_ABORT_MMU);
	else
		job_complete(dev, ctx, j, d->job_status, NPU_JOB_NOT_ABORTED);
}

void npu_jobs_abort_all(struct npu_device *dev)
{
	for (uint32_t s = NPU_SSID_USER_MIN; s <= NPU_SSID_USER_MAX; s++) {
		struct npu_ctx *ctx = npu_ctx_by_ssid(dev, s);

		for (uint32_t i = 0; ctx && ctx->jobs && i < NPU_JOBS_PER_CTX; i++)
			if (ctx->jobs[i].state == NPU_JOB_RUNNING)
				job_complete(dev, ctx, &ctx->jobs[i], NPU_JOB_STATUS_ABORTED,
					     NPU_JOB_ABORT_RECOVERY);
	}
	dev->tdr_deadline_ns = 0;
}

/* ivpu_context_abort_locked, per faulty context not aborted yet. OS mode:
 * UNREGISTER_DB per queue, SSID_RELEASE; the firmware completes the jobs
 * (or the TDR does). HWS: ENGINE_RESET, DESTROY_CMD_QUEUE + UNREGISTER_DB
 * per queue, HWS_ENGINE_RESUME, and the driver completes the jobs. */
static void abort_faulted_contexts(struct npu_device *dev)
{
	bool hws = dev->fw.sched_mode == NPU_SCHEDULING_MODE_HW;

	for (uint32_t s = NPU_SSID_USER_MIN; s <= NPU_SSID_USER_MAX; s++) {
		struct npu_ctx *ctx = npu_ctx_by_ssid(dev, s);

		if (!ctx || !ctx->faulted || ctx->aborted || dev->power != NPU_POWER_READY ||
		    dev->recovery_pending)
			continue;
		ctx->aborted = true;
		npu_err(dev, "context %u had an MMU fault: aborting it (%u job(s) outstanding); "
			"its further submits fail", s, ctx->jobs_outstanding);
		dev->soft_fail++;
		if (hws && npu_jsm_engine_reset(dev, NPU_ENGINE_COMPUTE))
			goto out;
		for (uint32_t id = NPU_DB_ID_MIN; id <= NPU_DB_ID_MAX; id++) {
			struct npu_doorbell *db = &dev->db[id];

			if (!db->allocated || db->ssid != s || !db->registered)
				continue;
			if (hws)
				npu_jsm_hws_destroy_cmdq(dev, s, db->cmdq_id);
			npu_jsm_unregister_db(dev, id);
			db->registered = false;
		}
		if (hws) {
			if (npu_jsm_hws_engine_resume(dev, NPU_ENGINE_COMPUTE)) {
				npu_trigger_recovery(dev, "HWS_ENGINE_RESUME failed after a context "
						     "abort");
				goto out;
			}
			for (uint32_t i = 0; ctx->jobs && i < NPU_JOBS_PER_CTX; i++)
				if (ctx->jobs[i].state == NPU_JOB_RUNNING)
					job_complete(dev, ctx, &ctx->jobs[i],
						     NPU_JOB_STATUS_ABORTED, NPU_JOB_ABORT_MMU);
		} else {
			npu_jsm_ssid_release(dev, s);
		}
out:
		dev->soft_fail--;
	}
}

/* Take interrupts (or poll the FIFO) for at most us microseconds. */
static int pump(struct npu_device *dev, uint64_t us)
{
	if (dev->irq_on) {
		uint64_t slice = us < dev->t.irq_fallback_us ? us : dev->t.irq_fallback_us;
		int r = dev->os_ops->irq_wait(dev->os, slice);

		if (r < 0)
			return npu_fail(dev, -EIO, "job wait: waiting for the interrupt failed: %s",
					dev->os_ops->last_error(dev->os));
		if (r > 0)
			npu_irq_handle(dev);
		else if (dev->irq_on && npu_ipc_fill_level(dev))
			npu_ipc_drain(dev);
		return 0;
	}
	npu_ipc_drain(dev);
	npu_sleep_us(dev, us < dev->t.poll_interval_us ? us : dev->t.poll_interval_us);
	return 0;
}

static int submit(struct npu_device *dev, uint32_t db_id, struct npu_buffer *cb, size_t offset,
		  uint32_t *job_id)
{
	struct npu_job_queue_header *h;
	struct npu_job_queue_entry *e;
	struct npu_doorbell *db;
	struct npu_ctx *ctx;
	uint32_t slots, head, tail, idx = 0, id;
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_clear_error(dev);
	if (dev->power == NPU_POWER_SUSPENDED) {
		/* the job's runtime-PM reference resumes the NPU: a warm boot
		 * keeps the queues, a cold one makes them register again
		 * (hw-facts §14.3 step 6, §14.10) */
		ret = npu_boot_internal(dev);
		if (ret)
			return ret;
	}
	ret = npu_need_ready(dev, "job submit");
	if (ret)
		return ret;
	abort_faulted_contexts(dev);
	if (db_id < NPU_DB_ID_MIN || db_id > NPU_DB_ID_MAX || !dev->db[db_id].allocated)
		return npu_fail(dev, -EINVAL, "job submit: doorbell %u is not allocated "
				"(npu_doorbell_register)", db_id);
	db = &dev->db[db_id];
	ctx = npu_ctx_by_ssid(dev, db->ssid);
	if (ctx->faulted)
		return npu_fail(dev, -EBADFD, "job submit: context %u was aborted after an MMU "
				"fault (hw-facts §14.11); destroy it and create a new one",
				ctx->ssid);
	if (!cb || cb->ctx != ctx)
		return npu_fail(dev, -EINVAL, "job submit: the command buffer is %s context %u",
				cb ? "not mapped in" : "missing for", ctx->ssid);
	if (offset >= cb->size || (cb->va + offset) % NPU_CMD_BUFFER_ALIGN)
		return npu_fail(dev, -EINVAL, "job submit: command buffer offset 0x%zx: outside "
				"its %zu bytes or not %u-byte aligned (hw-facts §11.1)", offset,
				cb->size, NPU_CMD_BUFFER_ALIGN);
	if (!db->registered) {
		/* a cold boot forgot it: register again (hw-facts §14.4) */
		ret = npu_doorbell_send_register(dev, db_id);
		if (ret)
			return ret;
	}
	h = db->jobq->dma.cpu;
	slots = (uint32_t)NPU_JOBQ_SLOTS(db->jobq->size);
	npu_bo_sync_cpu(dev, db->jobq, 0, sizeof(*h));
	head = h->head;
	tail = h->tail;
	if (head >= slots || tail >= slots)
		return npu_fail(dev, -EIO, "job submit: job queue of doorbell %u has head %u, "
				"tail %u; there are %u slots", db_id, head, tail, slots);
	if ((tail + 1) % slots == head)
		return npu_fail(dev, -EBUSY, "job submit: the job queue of doorbell %u is full "
				"(%u jobs outstanding, hw-facts §13.5); wait for one", db_id,
				slots - 1);
	if (!ctx->jobs) {
		ctx->jobs = calloc(NPU_JOBS_PER_CTX, sizeof(*ctx->jobs));
		if (!ctx->jobs)
			return npu_fail(dev, -ENOMEM, "job submit: out of memory");
	}
	/* the command buffer must be idle (hw-facts §14.3 step 3) */
	for (id = 0; id < NPU_JOBS_PER_CTX; id++)
		if (ctx->jobs[id].state == NPU_JOB_RUNNING && ctx->jobs[id].cb_va == cb->va)
			return npu_fail(dev, -EBUSY, "job submit: the command buffer at 0x%llx is "
					"still in use by job 0x%x; wait for it or use another",
					(unsigned long long)cb->va,
					(ctx->ssid - 1) * NPU_JOBS_PER_CTX + id);
	for (id = 0; id < NPU_JOBS_PER_CTX; id++) {
		idx = (ctx->next_job + id) % NPU_JOBS_PER_CTX;
		if (ctx->jobs[idx].state != NPU_JOB_RUNNING)
			break;
	}
	if (id == NPU_JOBS_PER_CTX)
		return npu_fail(dev, -EBUSY, "job submit: context %u has %u jobs outstanding",
				ctx->ssid, NPU_JOBS_PER_CTX);
	ctx->next_job = (idx + 1) % NPU_JOBS_PER_CTX;
	id = (ctx->ssid - 1) * NPU_JOBS_PER_CTX + idx;

	e = (struct npu_job_queue_entry *)((uint8_t *)h + sizeof(*h)) + tail;
	memset(e, 0, sizeof(*e));
	e->batch_buf_addr = cb->va + offset;
	e->job_id = id;
	if (db->preempt_primary) {        /* HWS (hw-facts §14.4, §14.5) */
		e->primary_preempt_buf_addr = db->preempt_primary->va;
		e->primary_preempt_buf_size = (uint32_t)db->preempt_primary->size;
	}
	if (db->preempt_secondary) {
		e->secondary_preempt_buf_addr = db->preempt_secondary->va;
		e->secondary_preempt_buf_size = (uint32_t)db->preempt_secondary->size;
	}
	npu_bo_sync_dev(dev, db->jobq, sizeof(*h) + (size_t)tail * sizeof(*e), sizeof(*e));
	h->tail = (tail + 1) % slots;
	npu_bo_sync_dev(dev, db->jobq, offsetof(struct npu_job_queue_header, tail),
			sizeof(h->tail));

	ctx->jobs[idx] = (struct npu_job_rec){ .state = NPU_JOB_RUNNING, .db_id = db_id,
					      .cb_va = cb->va };
	ctx->jobs_outstanding++;
	dev->jobs_outstanding++;
	dev->jobs_submitted++;
	if (!dev->tdr_deadline_ns)
		tdr_arm(dev);
	npu_regv_wr32(dev, NPU_CPU_SS_DOORBELL(db_id), NPU_DOORBELL_SET);
	if (job_id)
		*job_id = id;
	return 0;
}

int npu_job_submit(struct npu_device *dev, uint32_t db_id, struct npu_buffer *cmdbuf,
		   size_t offset, uint32_t *job_id)
{
	return npu_api_exit(dev, submit(dev, db_id, cmdbuf, offset, job_id));
}

/* The TDR expired: say which jobs are out, then recover (at the boundary). */
static void tdr_expired(struct npu_device *dev, uint32_t job_id)
{
	npu_diag_reset(dev);
	npu_diag_printf(dev, "TDR: no job completed within %u ms; %u job(s) outstanding, "
			"waiting for job 0x%x", dev->t.tdr_ms, dev->jobs_outstanding, job_id);
	for (uint32_t id = NPU_DB_ID_MIN; id <= NPU_DB_ID_MAX; id++) {
		const struct npu_doorbell *db = &dev->db[id];
		const struct npu_job_queue_header *h;

		if (!db->allocated)
			continue;
		h = db->jobq->dma.cpu;
		npu_bo_sync_cpu(dev, db->jobq, 0, sizeof(*h));
		npu_diag_printf(dev, "  doorbell %u (context %u): queue head %u tail %u%s", id,
				db->ssid, h->head, h->tail,
				h->head == h->tail ? "" : " (the firmware did not take every job)");
	}
	/* the registers (trigger_recovery) and the firmware log, as the other
	 * timeouts report */
	npu_trigger_recovery(dev, "job timeout (TDR)");
	npu_diag_fw_state(dev);
}

static int wait_done(struct npu_device *dev, uint32_t job_id, uint32_t timeout_ms,
		     uint32_t *status, bool *tdr)
{
	uint64_t deadline = npu_now_ns(dev) + (uint64_t)timeout_ms * 1000000u;
	struct npu_job_rec *j;
	struct npu_ctx *ctx;

	j = job_find(dev, job_id, &ctx);
	if (!j || j->state == NPU_JOB_FREE)
		return npu_fail(dev, -ENOENT, "job wait: job 0x%x is not outstanding (context %u)",
				job_id, job_ssid(job_id));
	for (;;) {
		uint64_t now, until;
		int ret;

		abort_faulted_contexts(dev);
		if (j->state == NPU_JOB_DONE)
			break;
		if (dev->recovery_pending)
			return npu_fail(dev, -ECANCELED, "job wait: job 0x%x: %s", job_id,
					dev->recovery_reason);
		if (dev->power != NPU_POWER_READY)
			return npu_fail(dev, -EAGAIN, "job wait: job 0x%x outstanding but the NPU "
					"is %s", job_id, npu_power_state_name(dev->power));
		now = npu_now_ns(dev);
		if (dev->tdr_deadline_ns && now >= dev->tdr_deadline_ns) {
			*tdr = true;
			tdr_expired(dev, job_id);
			return npu_fail(dev, -ECANCELED, "job wait: job 0x%x of context %u: no job "
					"completed within the %u ms TDR budget (hw-facts §14.12); "
					"the NPU is recovered, its jobs end with status 256; see "
					"the diagnosis", job_id, ctx->ssid, dev->t.tdr_ms);
		}
		if (now >= deadline)
			return npu_fail(dev, -ETIMEDOUT, "job wait: job 0x%x of context %u still "
					"running after %u ms", job_id, ctx->ssid, timeout_ms);
		until = deadline;
		if (dev->tdr_deadline_ns && dev->tdr_deadline_ns < until)
			until = dev->tdr_deadline_ns;
		ret = pump(dev, (until - now + 999) / 1000);
		if (ret)
			return ret;
	}
	if (status)
		*status = j->status;
	j->state = NPU_JOB_FREE;
	if (j->status == NPU_JOB_STATUS_SUCCESS)
		return 0;
	if (j->status == NPU_JOB_STATUS_ABORTED)
		return npu_fail(dev, -ECANCELED, "job 0x%x: aborted (status 256): %s", job_id,
				j->abort == NPU_JOB_ABORT_MMU ?
				"its context had an MMU fault (hw-facts §14.11)" :
				"ended by a recovery of the NPU (hw-facts §14.12)");
	return npu_fail(dev, -EIO, "job 0x%x: the firmware ended it with job_status 0x%x (%s)",
			job_id, j->status, npu_job_status_name(j->status));
}

int npu_job_wait(struct npu_device *dev, uint32_t job_id, uint32_t timeout_ms,
		 uint32_t *job_status)
{
	bool tdr = false;
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_clear_error(dev);
	if (job_status)
		*job_status = UINT32_MAX;
	ret = wait_done(dev, job_id, timeout_ms, job_status, &tdr);
	if (tdr) {
		/* the recovery's boot starts a new diagnosis: keep the TDR's */
		char *saved = dev->diag ? malloc(dev->diag_len + 1) : NULL;

		if (saved)
			memcpy(saved, dev->diag, dev->diag_len + 1);
		ret = npu_api_exit(dev, ret);
		if (saved) {
			size_t n = strlen(saved);

			npu_diag_reset(dev);
			memcpy(dev->diag, saved, n + 1);
			dev->diag_len = n;
			free(saved);
		}
	} else {
		ret = npu_api_exit(dev, ret);
	}
	if (tdr || ret == -ECANCELED) {
		/* the recovery completed it with 256: it is reported now */
		struct npu_job_rec *j = job_find(dev, job_id, NULL);

		if (j && j->state == NPU_JOB_DONE) {
			if (job_status)
				*job_status = j->status;
			j->state = NPU_JOB_FREE;
		}
	}
	return ret;
}
