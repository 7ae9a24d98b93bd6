/* SPDX-License-Identifier: MIT */
/*
 * The job scheduler: consumes the job queues registered with doorbells
 * (db.c) the way Linux 6.12 fills them (hw-facts §14.3, §14.4).
 *
 * A queue is a 64-byte header and 64-byte slots in the global context
 * (SSID 0); the host produces at tail, we consume at head, both modulo the
 * slot count (63 for 4 KiB). The job at head runs (cmdbuf.c) in the user
 * context of the queue's registration (hw-facts §15.3); when it ends we
 * advance head and send exactly one JOB_DONE on channel 11 (hw-facts
 * §14.7, §5.6), then take the next job until head = tail (re-reading tail,
 * so a tail written without a ring is picked up too).
 *
 * Every queue with work is marked active (a doorbell ring, registration,
 * warm boot) and gets a share of each scheduler pass; a job that waits for
 * a fence, a DMA engine or IPC space parks and is polled again (every
 * FW_FENCE_POLL_US, on the DMA interrupt and on every pass), so one
 * queue's wait never stalls another (hw-facts §13.1). With HW scheduling,
 * queues of a higher priority band run first whenever they are ready
 * (hw-facts §14.5); OS scheduling treats every queue alike.
 *
 * Aborts: SSID_RELEASE ends every job left in the context's queues with a
 * JOB_DONE of status ABORTED, including queues the host unregistered just
 * before (hw-facts §14.11, OS mode). In HWS mode an unregistered queue's
 * jobs are the host's to complete; ENGINE_RESET stops the engine until
 * HWS_ENGINE_RESUME and restarts the jobs in progress from the beginning.
 *
 * Job state is per boot (TCM, tagged with a boot generation); the queues
 * and registrations are in memory and .bss and survive a warm boot.
 */
#include "fw.h"
#include "intel-npu/jobq.h"

static struct fw_job jobs[FW_DB_COUNT] FW_TCM;

#define ENTRY_SIZE ((uint32_t)sizeof(struct npu_job_queue_entry))
#define HEADER_SIZE ((uint32_t)sizeof(struct npu_job_queue_header))

static uint32_t boot_gen(void)
{
	return fw.cold_boots + fw.warm_boots;
}

static struct fw_job *job_of(uint32_t db)
{
	struct fw_job *j = &jobs[db];

	if (j->gen != boot_gen()) {
		memset(j, 0, sizeof(*j));
		j->gen = boot_gen();
	}
	return j;
}

static void set_active(uint32_t db, bool on)
{
	if (on)
		rt.job_active[db / 32] |= 1u << (db % 32);
	else
		rt.job_active[db / 32] &= ~(1u << (db % 32));
}

void job_kick(uint32_t db)
{
	if (db >= FW_DB_COUNT)
		return;
	fw_dbs[db].bad = 0;
	set_active(db, true);
}

void job_kick_all(void)
{
	for (uint32_t db = 0; db < FW_DB_COUNT; db++)
		if (fw_dbs[db].used || fw_dbs[db].abort)
			job_kick(db);
}

void job_drop(uint32_t db)
{
	struct fw_job *j = job_of(db);

	if (j->state == FW_JOB_DMA)
		dma_abandon(j->dma);
	if (j->state == FW_JOB_INFER)
		infer_drop(db);
	j->state = FW_JOB_NONE;
}

/* ---- The queue in memory (SSID 0) ----------------------------------------------- */

static uint32_t slots_of(const struct fw_db *d)
{
	return (uint32_t)NPU_JOBQ_SLOTS(d->jobq_size);
}

/* head and tail (adjacent u32s at offset 4); -1 if unreadable or out of range. */
static int read_ht(uint32_t db, uint32_t *head, uint32_t *tail)
{
	const struct fw_db *d = &fw_dbs[db];
	uint32_t ht[2];

	if (fw_safe_copy(ht, (const void *)(uintptr_t)(d->jobq_va +
			 offsetof(struct npu_job_queue_header, head)), sizeof(ht))) {
		LOG_ERR("job: db %lu: job queue 0x%lx unreadable (fault at 0x%lx)", db, d->jobq_va,
			fw_safe_fault_addr);
		return -1;
	}
	if (ht[0] >= slots_of(d) || ht[1] >= slots_of(d)) {
		LOG_ERR("job: db %lu: queue 0x%lx head %lu tail %lu: not below the %lu slots",
			db, d->jobq_va, ht[0], ht[1], slots_of(d));
		return -1;
	}
	*head = ht[0];
	*tail = ht[1];
	return 0;
}

static int write_head(uint32_t db, uint32_t head)
{
	const struct fw_db *d = &fw_dbs[db];

	if (safe_wr32(d->jobq_va + offsetof(struct npu_job_queue_header, head), head)) {
		LOG_ERR("job: db %lu: cannot write head of queue 0x%lx (fault at 0x%lx)", db,
			d->jobq_va, fw_safe_fault_addr);
		return -1;
	}
	return 0;
}

static int read_entry(uint32_t db, uint32_t slot, struct npu_job_queue_entry *e)
{
	const struct fw_db *d = &fw_dbs[db];
	uint32_t va = d->jobq_va + HEADER_SIZE + slot * ENTRY_SIZE;

	/* batch_buf_addr, job_id, flags: the rest is HWS preemption data */
	if (fw_safe_copy(e, (const void *)(uintptr_t)va, 16)) {
		LOG_ERR("job: db %lu: slot %lu at 0x%lx unreadable (fault at 0x%lx)", db, slot, va,
			fw_safe_fault_addr);
		return -1;
	}
	return 0;
}

/* JOB_DONE may use the deferral queue, but leaves room for JSM responses. */
static bool ipc_room(void)
{
	return rt.defer_count + FW_JOBDONE_RESERVE < FW_DEFER_MAX;
}

static void send_job_done(uint32_t db, uint32_t job_id, uint32_t status)
{
	const struct fw_db *d = &fw_dbs[db];
	struct npu_jsm_msg m;

	memset(&m, 0, sizeof(m));
	m.type = NPU_JSM_MSG_JOB_DONE;
	m.status = NPU_JSM_MSG_ALLOCATED;
	m.request_id = 0;                       /* what the host's consumer waits for (§14.7) */
	m.result = NPU_JSM_STATUS_SUCCESS;
	m.payload.job_done.engine_idx = NPU_ENGINE_COMPUTE;
	m.payload.job_done.db_idx = db;
	m.payload.job_done.job_id = job_id;
	m.payload.job_done.job_status = status;
	m.payload.job_done.host_ssid = d->host_ssid;
	m.payload.job_done.cmdq_id = d->hws ? d->cmdq_id : 0;
	if (status == NPU_JSM_STATUS_SUCCESS)
		fw.stats.jobs_ok++;
	else if (status == NPU_JSM_STATUS_ABORTED)
		fw.stats.jobs_aborted++;
	else
		fw.stats.jobs_failed++;
	LOG_DBG("job: db %lu job 0x%lx done: %s (%lu)", db, job_id, cmdbuf_status_name(status),
		status);
	ipc_send(NPU_IPC_CHAN_JOB_RET, &m);
}

/* ---- Stepping one queue ---------------------------------------------------------- */

/* SSID_RELEASE: every job from head to tail ends ABORTED, one JOB_DONE each. */
static int abort_step(uint32_t db, uint32_t *budget)
{
	struct fw_db *d = &fw_dbs[db];
	struct npu_job_queue_entry e;
	uint32_t head, tail;

	for (;;) {
		if (read_ht(db, &head, &tail) || head == tail) {
			d->abort = d->orphan = 0;
			set_active(db, false);
			return FW_STEP_IDLE;
		}
		if (!ipc_room())
			return FW_STEP_BLOCKED;
		if (!*budget)
			return FW_STEP_MORE;
		(*budget)--;
		if (read_entry(db, head, &e) || write_head(db, (head + 1) % slots_of(d))) {
			d->abort = d->orphan = 0;
			set_active(db, false);
			return FW_STEP_IDLE;
		}
		send_job_done(db, e.job_id, NPU_JSM_STATUS_ABORTED);
	}
}

/* The job at head, read from its slot and started; false when the queue is
 * empty or unusable. */
static bool start_next(uint32_t db, struct fw_job *j)
{
	struct fw_db *d = &fw_dbs[db];
	struct npu_job_queue_entry e;
	uint32_t head, tail, status;

	if (read_ht(db, &head, &tail) || (head != tail && read_entry(db, head, &e))) {
		d->bad = 1;
		return false;
	}
	if (head == tail)
		return false;
	memset(j, 0, sizeof(*j));
	j->gen = boot_gen();
	j->db = db;
	j->slot = head;
	j->job_id = e.job_id;
	j->ssid = d->host_ssid;
	j->null_sub = (e.flags & NPU_JOB_FLAGS_NULL_SUBMISSION) != 0;   /* §13.6 */
	LOG_DBG("job: db %lu slot %lu job 0x%lx batch 0x%llx flags 0x%lx", db, head, e.job_id,
		(unsigned long long)e.batch_buf_addr, e.flags);
	status = cmdbuf_begin(j, e.batch_buf_addr);
	if (status) {
		j->status = status;
		j->state = FW_JOB_END;
	}
	return true;
}

static int queue_step(uint32_t db, uint32_t *budget)
{
	struct fw_db *d = &fw_dbs[db];
	struct fw_job *j = job_of(db);
	int r;

	if (d->abort)
		return abort_step(db, budget);
	if (!d->used || d->bad) {
		set_active(db, false);          /* unregistered: its jobs wait for SSID_RELEASE */
		return FW_STEP_IDLE;
	}
	if (rt.engine_paused) {             /* HWS_ENGINE_RESUME looks at every queue again */
		set_active(db, false);
		return FW_STEP_IDLE;
	}
	for (;;) {
		if (j->state == FW_JOB_NONE && !start_next(db, j)) {
			set_active(db, false);
			return FW_STEP_IDLE;
		}
		if (j->state != FW_JOB_END) {
			r = cmdbuf_run(j, budget);
			if (r != FW_STEP_IDLE)
				return r;
		}
		if (!ipc_room())
			return FW_STEP_BLOCKED;
		/* head first: once the host has JOB_DONE, the slot is free (§14.4);
		 * a queue we cannot write is given up, but the job still gets its
		 * JOB_DONE */
		if (write_head(db, (j->slot + 1) % slots_of(d)))
			d->bad = 1;
		if (j->status == NPU_JSM_STATUS_USER_CTX_VIOL_ERR)
			d->faulted = 1;
		j->state = FW_JOB_NONE;
		send_job_done(db, j->job_id, j->status);
		if (d->bad) {
			set_active(db, false);
			return FW_STEP_IDLE;
		}
		if (!*budget)
			return FW_STEP_MORE;
		(*budget)--;
	}
}

/* The band a queue runs in: HWS queues have the band of their command
 * queue (SET_CONTEXT_SCHED_PROPERTIES); -1 = not runnable (its command
 * queue was destroyed or is suspended). Aborts run first. */
static int band_of(uint32_t db)
{
	const struct fw_db *d = &fw_dbs[db];
	const struct fw_cmdq *q;

	if (d->abort)
		return NPU_HWS_NUM_PRIORITY_BANDS;
	if (!d->hws || fw.sched_mode != NPU_SCHEDULING_MODE_HW)
		return 0;
	q = cmdq_find(d->host_ssid, d->cmdq_id);
	if (!q || q->suspended)
		return -1;
	return q->priority_band;
}

bool job_run(void)
{
	uint8_t ids[FW_DB_COUNT];
	int8_t bands[FW_DB_COUNT];
	uint32_t n = 0, start;
	bool more = false, blocked = false;
	uint64_t poll_at = 0;
	uint32_t any = 0;

	for (uint32_t w = 0; w < FW_DB_WORDS; w++)
		any |= rt.job_active[w];
	if (!any && !rt.job_poll_at && !rt.dma_busy[0] && !rt.dma_busy[1])
		return false;                   /* the idle path: a few instructions */
	_Static_assert(NPU_LRT_DMA_ENGINES == 2, "the idle check above knows two engines");
	dma_reap();
	for (uint32_t w = 0; w < FW_DB_WORDS; w++)
		for (uint32_t bits = rt.job_active[w]; bits; bits &= bits - 1) {
			uint32_t db = w * 32 + (uint32_t)__builtin_ctz(bits);
			int band = band_of(db);

			if (band < 0) {         /* HWS_RESUME_CMDQ or a ring looks again */
				set_active(db, false);
				continue;
			}
			ids[n] = (uint8_t)db;
			bands[n++] = (int8_t)band;
		}
	start = n ? rt.job_rr++ % n : 0;
	for (int band = NPU_HWS_NUM_PRIORITY_BANDS; band >= 0 && n; band--) {
		bool ready = false;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t k = (start + i) % n, budget = FW_JOB_BUDGET;
			int r;

			if (bands[k] != band)
				continue;
			r = queue_step(ids[k], &budget);
			if (r == FW_STEP_MORE)
				ready = true;
			else if (r == FW_STEP_BLOCKED)
				blocked = true;
		}
		if (ready) {                    /* lower bands wait while this one has work */
			more = true;
			break;
		}
	}
	if (blocked && !rt.quiesced)
		poll_at = plat_mtime() + PLAT_US_TO_TICKS(FW_FENCE_POLL_US);
	if (poll_at != rt.job_poll_at) {
		rt.job_poll_at = poll_at;
		fw_timer_rearm();
	}
	return more;
}

/* ---- Registration changes ------------------------------------------------------------ */

static bool has_jobs(uint32_t db)
{
	uint32_t head, tail;

	return read_ht(db, &head, &tail) == 0 && head != tail;
}

void job_unregister(uint32_t db)
{
	struct fw_db *d = &fw_dbs[db];

	job_drop(db);
	d->orphan = !d->hws && has_jobs(db);
	if (d->orphan)
		LOG_INFO("job: db %lu unregistered with jobs left; they end at SSID_RELEASE of "
			 "ssid %u", db, d->host_ssid);
}

void job_abort(uint32_t db)
{
	struct fw_db *d = &fw_dbs[db];

	job_drop(db);
	d->abort = has_jobs(db);
	d->orphan = d->abort;
	if (d->abort) {
		LOG_INFO("job: db %lu: the jobs left of ssid %u end ABORTED", db, d->host_ssid);
		job_kick(db);
	}
}

/* ENGINE_RESET: every job in progress stops (head stays: it runs again from
 * its start after the reset); the contexts it hits are reported, a context
 * without a fault of its own as collateral damage (flags b0, hw-facts §14.13).
 * With HW scheduling the engine then waits for HWS_ENGINE_RESUME. */
uint32_t job_engine_reset(struct npu_jsm_engine_reset_done *out)
{
	uint32_t n = 0, hit = 0;

	for (uint32_t db = 0; db < FW_DB_COUNT; db++) {
		struct fw_db *d = &fw_dbs[db];
		struct fw_job *j = job_of(db);

		if (!d->used || (j->state == FW_JOB_NONE && !d->faulted))
			continue;
		hit++;
		if (n < 3) {
			out->impacted_contexts[n].host_ssid = d->host_ssid;
			out->impacted_contexts[n].cmdq_id = d->cmdq_id;
			out->impacted_contexts[n].flags = d->faulted ? 0 : 1;
			n++;
		}
		job_drop(db);
		d->faulted = 0;
		job_kick(db);
	}
	out->num_impacted_contexts = n;
	rt.engine_paused = fw.sched_mode == NPU_SCHEDULING_MODE_HW;
	return hit;
}

void job_engine_resume(void)
{
	rt.engine_paused = false;
	job_kick_all();
}

void job_dump(void)
{
	for (uint32_t db = 0; db < FW_DB_COUNT; db++) {
		const struct fw_job *j = &jobs[db];

		if (j->gen != boot_gen() || j->state == FW_JOB_NONE)
			continue;
		LOG_DUMP("dump: db %lu job 0x%lx state %u at +%lu of %lu, %lu commands done", db,
			 j->job_id, j->state, j->pos, j->end, j->cmds);
	}
	LOG_DUMP("dump: jobs ok %lu failed %lu aborted %lu%s", fw.stats.jobs_ok,
		 fw.stats.jobs_failed, fw.stats.jobs_aborted,
		 rt.engine_paused ? ", engine stopped (ENGINE_RESET)" : "");
}
