/* SPDX-License-Identifier: MIT */
/*
 * The job path of the simulated firmware, inside the device model, with a
 * host that does what Linux 6.12's ivpu does (fw_host.c): user contexts
 * with their own page tables (hw-facts §6.3, §14.2), command buffers
 * built the way kmd-test builds them in BOs of the user range (hw-facts
 * §11.9, §11.10, §15.2), 4 KiB job queues in the global context filled at
 * tail (§14.3, §14.4), one doorbell write per submit (§14.6), JOB_DONE
 * read from channel 11 (§14.7), the abort and HWS paths (§14.9, §14.11).
 *
 *   test_fw_jobs            the CUnit suite
 *   FW_CONSOLE=1            echo the firmware console
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "fw_host.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/jobq.h"
#include "intel-npu/lrt.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"

#define SSID_A        NPU_SSID_USER_MIN        /* 2: the first file's context */
#define SSID_B        (NPU_SSID_USER_MIN + 1)
#define SLOTS         63u                      /* a 4 KiB queue (§14.4) */
#define HDR           ((uint32_t)sizeof(struct npu_cmd_buffer_header))

/* ---- User contexts and their BOs (ivpu_mmu_context, ivpu_bo_bind) ----------------- */

struct ubo {
	uint32_t ssid;
	uint64_t va, pa, size;
};

static uint64_t user_next[MH_MAX_SSID];

static void ctx_create(struct host *H, uint32_t ssid)
{
	CU_ASSERT_EQUAL_FATAL(mh_mmu_ctx_create(&H->h, ssid), 0);
	user_next[ssid] = NPU_VA_USER_START;
}

/* A BO in the user range of ssid, mapped page by page, then TLBI by ASID. */
static struct ubo ubo_new(struct host *H, uint32_t ssid, uint64_t size)
{
	struct ubo b = { .ssid = ssid, .size = (size + SZ_4K - 1) & ~(uint64_t)(SZ_4K - 1) };

	b.va = user_next[ssid];
	user_next[ssid] += b.size + SZ_4K;                  /* a hole after each BO */
	b.pa = mh_alloc(&H->h, b.size, SZ_4K);
	for (uint64_t off = 0; off < b.size; off += SZ_4K)
		mh_map(&H->h, ssid, b.va + off, b.pa + off, NPU_MMU_ENTRY_PAGE_IVPU);
	CU_ASSERT_EQUAL(mh_mmu_tlbi_asid(&H->h, (uint16_t)ssid), 0);
	return b;
}

static void *up(struct host *H, const struct ubo *b, uint64_t off, uint64_t len)
{
	CU_ASSERT_FATAL(off + len <= b->size);
	return mh_ram(&H->h, b->pa + off, len);
}

static uint64_t ur64(struct host *H, const struct ubo *b, uint64_t off)
{
	return mh_r64(&H->h, b->pa + off);
}

/* ---- Command buffers, kmd-test style (§11.9): header at +0, commands at +48 ------- */

struct cb {
	struct host *H;
	struct ubo bo;
	uint32_t pos;
};

static struct cb cb_new(struct host *H, uint32_t ssid)
{
	struct cb c = { .H = H, .bo = ubo_new(H, ssid, SZ_4K), .pos = HDR };

	return c;
}

static void *cb_put(struct cb *c, uint16_t type, uint16_t size)
{
	struct npu_cmd_header *h = up(c->H, &c->bo, c->pos, size);

	memset(h, 0, size);
	h->type = type;
	h->size = size;
	c->pos += size;
	return h;
}

/* Finish the header: cmd_buffer_size from +0, cmd_offset 48, save area after. */
static uint64_t cb_end(struct cb *c)
{
	struct npu_cmd_buffer_header *h = up(c->H, &c->bo, 0, HDR);

	memset(h, 0, HDR);
	h->cmd_buffer_size = c->pos;
	h->cmd_offset = HDR;
	h->context_save_area_address = c->bo.va + ((c->pos + 63) & ~63u);
	return c->bo.va;
}

static void cb_nop(struct cb *c, uint16_t size)
{
	cb_put(c, NPU_CMD_NOP, size);
}

static void cb_fence(struct cb *c, uint16_t type, uint64_t va, uint64_t value)
{
	struct npu_cmd_fence *f = cb_put(c, type, sizeof(*f));

	f->offset = va;                  /* heap base 0: the offset is the VA (§11.8) */
	f->value = value;
}

static void cb_timestamp(struct cb *c, uint64_t va)
{
	struct npu_cmd_timestamp *t = cb_put(c, NPU_CMD_TIMESTAMP, sizeof(*t));

	t->type = NPU_TIME_RAW;
	t->timestamp_address = va;
}

/* ---- Queues and submits (ivpu_cmdq_push_job, §14.3) --------------------------------- */

struct queue {
	struct bo *bo;
	uint32_t db;
};

static struct npu_job_queue_header *qhdr(struct host *H, const struct queue *q)
{
	return hp(H, q->bo->va, sizeof(struct npu_job_queue_header));
}

static struct queue queue_new(struct host *H, uint32_t db)
{
	struct queue q = { .db = db };

	if (db == 1) {
		q.bo = &H->jobq;
	} else {
		CU_ASSERT_FATAL(H->nextra < FH_EXTRA_BOS);
		q.bo = &H->extra[H->nextra++];
		alloc_global(H, q.bo, SZ_4K);
	}
	return q;
}

static int register_db(struct host *H, const struct queue *q, uint32_t ssid)
{
	union npu_jsm_payload p;
	struct npu_jsm_msg rsp;

	memset(hp(H, q->bo->va, SZ_4K), 0, 64);          /* engine, head, tail = 0 */
	memset(&p, 0, sizeof(p));
	p.register_db.db_idx = q->db;
	p.register_db.jobq_base = q->bo->va;
	p.register_db.jobq_size = SZ_4K;
	p.register_db.host_ssid = ssid;
	return jsm_call(H, NPU_IPC_CHAN_ASYNC_CMD, NPU_JSM_MSG_REGISTER_DB, &p,
			NPU_JSM_MSG_REGISTER_DB_DONE, &rsp);
}

/* Fill slot[tail], move tail; false when full. No doorbell. */
static bool push(struct host *H, const struct queue *q, uint32_t job_id, uint64_t batch,
		 uint32_t flags)
{
	struct npu_job_queue_header *qh = qhdr(H, q);
	struct npu_job_queue_entry *e;

	if ((qh->tail + 1) % SLOTS == qh->head)
		return false;
	e = hp(H, q->bo->va + 64 + 64ull * qh->tail, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->batch_buf_addr = batch;
	e->job_id = job_id;
	e->flags = flags;
	qh->tail = (qh->tail + 1) % SLOTS;
	return true;
}

static void ring(struct host *H, const struct queue *q)
{
	mh_wr32(&H->h, V, NPU_CPU_SS_DOORBELL(q->db), NPU_DOORBELL_SET);
}

static void submit(struct host *H, const struct queue *q, uint32_t job_id, uint64_t batch)
{
	CU_ASSERT_FATAL(push(H, q, job_id, batch, 0));
	ring(H, q);
}

/* The next JOB_DONE (channel 11, request_id 0), checked as ivpu checks it. */
static bool job_done(struct host *H, struct npu_jsm_job_done *jd, uint64_t timeout_ms)
{
	struct npu_jsm_msg m;

	if (!ipc_recv(H, NPU_IPC_CHAN_JOB_RET, 0, &m, timeout_ms))
		return false;
	CU_ASSERT_EQUAL(m.type, NPU_JSM_MSG_JOB_DONE);
	CU_ASSERT_EQUAL(m.result, NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(m.request_id, 0);
	*jd = m.payload.job_done;
	return true;
}

/* The status of the next JOB_DONE, which must be for job_id; ~0 if none. */
static uint32_t status_of(struct host *H, uint32_t job_id)
{
	struct npu_jsm_job_done jd;

	if (!job_done(H, &jd, 100)) {
		fprintf(stderr, "\n  no JOB_DONE for job 0x%x\n", job_id);
		return ~0u;
	}
	CU_ASSERT_EQUAL(jd.job_id, job_id);
	if (jd.job_id != job_id)
		fprintf(stderr, "\n  JOB_DONE for job 0x%x, expected 0x%x\n", jd.job_id, job_id);
	return jd.job_status;
}

static bool idle(struct host *H)
{
	return (mh_rd32(&H->h, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE) != 0;
}

static bool no_job_done(struct host *H, uint64_t ms)
{
	struct npu_jsm_job_done jd;

	return !job_done(H, &jd, ms);
}

/* A booted firmware (OS scheduling unless told) with context SSID_A. */
static void setup(struct host *H, uint32_t sched_mode)
{
	fresh(H);
	memset(user_next, 0, sizeof(user_next));
	H->sched_mode = sched_mode;
	CU_ASSERT_EQUAL_FATAL(cold_boot(H), 0);
	ctx_create(H, SSID_A);
}

static void teardown(struct host *H)
{
	CU_ASSERT_NOT_EQUAL(dsu_state(H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_NOT_EQUAL(dsu_state(H), NPU_DSU_STATE_HALTED);
	host_fini(H);
}

/* ---- Tests ---------------------------------------------------------------------------- */

/* NOP, BARRIER, TIMESTAMP, FENCE_SIGNAL in one job: JOB_DONE as §14.7 wants
 * it, head advanced, the fence word and the perf-counter timestamp written
 * in the user context, the NPU idle afterwards. */
static void test_basic_job(void)
{
	struct host H;
	struct queue q;
	struct ubo ev;
	struct cb c;
	struct npu_jsm_job_done jd;
	uint64_t t0, t1, ts, batch;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	c = cb_new(&H, SSID_A);
	cb_nop(&c, 8);
	cb_nop(&c, 40);                                   /* any size from 8 up */
	cb_put(&c, NPU_CMD_BARRIER, 16);                  /* a padded BARRIER (§11.4) */
	cb_timestamp(&c, ev.va + 128);
	cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev.va, 4);
	t0 = mh_rd64(&H.h, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	submit(&H, &q, 0x100, cb_end(&c));
	CU_ASSERT_FATAL(job_done(&H, &jd, 100));
	mh_advance(&H.h, 1 * MS);                         /* the core may run ahead (lrt_lead_ns) */
	t1 = mh_rd64(&H.h, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	CU_ASSERT_EQUAL(jd.job_id, 0x100);
	CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(jd.db_idx, 1);
	CU_ASSERT_EQUAL(jd.host_ssid, SSID_A);
	CU_ASSERT_EQUAL(jd.engine_idx, NPU_ENGINE_COMPUTE);
	CU_ASSERT_EQUAL(jd.cmdq_id, 0);
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, 1);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 0), 4);
	ts = ur64(&H, &ev, 128);
	CU_ASSERT(ts >= t0 && ts <= t1);
	if (!(ts >= t0 && ts <= t1))
		fprintf(stderr, "\n  timestamp %llu not in [%llu, %llu]\n", (unsigned long long)ts,
			(unsigned long long)t0, (unsigned long long)t1);
	/* exactly one JOB_DONE, and idle once the queue is empty */
	CU_ASSERT(no_job_done(&H, 5));
	CU_ASSERT(idle(&H));
	/* a second job on the same queue; an empty job (no commands) succeeds too */
	c = cb_new(&H, SSID_A);
	submit(&H, &q, 0x101, cb_end(&c));
	CU_ASSERT_EQUAL(status_of(&H, 0x101), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, 2);
	/* a null submission (§13.6): the copy (of descriptors that are not
	 * even mapped) is skipped, the fence and the timestamp are not */
	c = cb_new(&H, SSID_A);
	{
		struct npu_cmd_copy_buffer *cp = cb_put(&c, NPU_CMD_COPY, sizeof(*cp));

		cp->desc_start_offset = NPU_VA_USER_START + 0x800000;
		cp->desc_count = 1;
	}
	cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev.va, 5);
	cb_timestamp(&c, ev.va + 192);
	CU_ASSERT_FATAL(push(&H, &q, 0x102, cb_end(&c), NPU_JOB_FLAGS_NULL_SUBMISSION));
	ring(&H, &q);
	CU_ASSERT_EQUAL(status_of(&H, 0x102), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 0), 5);
	CU_ASSERT(ur64(&H, &ev, 192) >= ts);
	/* the older UMD convention (§11.8): fence heap base = the start of the
	 * user range, offset = VA - base */
	c = cb_new(&H, SSID_A);
	cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev.va + 256 - NPU_VA_USER_START, 6);
	batch = cb_end(&c);
	((struct npu_cmd_buffer_header *)up(&H, &c.bo, 0, HDR))->fence_heap_base_address =
		NPU_VA_USER_START;
	submit(&H, &q, 0x103, batch);
	CU_ASSERT_EQUAL(status_of(&H, 0x103), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 256), 6);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* kmd-test's case (§13.1): the waiting job's queue must not block the queue
 * of the job that signals; then a wait the host CPU satisfies. */
static void test_fence_two_queues(void)
{
	struct host H;
	struct queue qa, qb;
	struct ubo ev;
	struct cb wait, sig, wait2;
	struct npu_jsm_job_done jd;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	qa = queue_new(&H, 1);
	qb = queue_new(&H, 2);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qa, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qb, SSID_A), 0);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	wait = cb_new(&H, SSID_A);
	cb_fence(&wait, NPU_CMD_FENCE_WAIT, ev.va, 2);     /* kmd-test: wait 2, signal 3 */
	cb_fence(&wait, NPU_CMD_FENCE_SIGNAL, ev.va + 64, 7);
	sig = cb_new(&H, SSID_A);
	cb_fence(&sig, NPU_CMD_FENCE_SIGNAL, ev.va, 3);
	submit(&H, &qa, 0x100, cb_end(&wait));
	mh_advance(&H.h, 2 * MS);
	CU_ASSERT(no_job_done(&H, 5));                     /* it waits ... */
	CU_ASSERT_EQUAL(qhdr(&H, &qa)->head, 0);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 64), 0);             /* ... before its next command */
	submit(&H, &qb, 0x101, cb_end(&sig));
	CU_ASSERT_FATAL(job_done(&H, &jd, 100));
	CU_ASSERT_EQUAL(jd.job_id, 0x101);                 /* the other queue ran */
	CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_FATAL(job_done(&H, &jd, 100));
	CU_ASSERT_EQUAL(jd.job_id, 0x100);                 /* and woke the waiter */
	CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 64), 7);
	CU_ASSERT_EQUAL(qhdr(&H, &qa)->head, 1);

	/* a wait for a value the host writes from the CPU (HOST_SIGNAL 5) */
	wait2 = cb_new(&H, SSID_A);
	cb_fence(&wait2, NPU_CMD_FENCE_WAIT, ev.va + 192, 3);
	submit(&H, &qa, 0x102, cb_end(&wait2));
	CU_ASSERT(no_job_done(&H, 10));
	mh_w64(&H.h, ev.pa + 192, 5);
	CU_ASSERT_EQUAL(status_of(&H, 0x102), NPU_JSM_STATUS_SUCCESS);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* STATE_DUMP, as Linux sends it before a recovery, with a job stuck on a
 * fence: the firmware stops polling and its timers, so VPU_STATUS.IDLE
 * reads 1 at any moment the host looks (it reads it once when it powers
 * down, hw-facts §14.12); when the host talks again it carries on and the
 * job completes once its fence is written. */
static void test_state_dump_quiesces(void)
{
	struct host H;
	struct queue q;
	struct ubo ev;
	struct cb wait;
	struct npu_jsm_msg rsp;
	unsigned busy_before = 0, busy_after = 0;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	wait = cb_new(&H, SSID_A);
	cb_fence(&wait, NPU_CMD_FENCE_WAIT, ev.va, 1);
	submit(&H, &q, 0x180, cb_end(&wait));
	for (int i = 0; i < 400; i++) {       /* 2 ms in 5 us steps: the polls show */
		mh_advance(&H.h, 5000);
		busy_before += !idle(&H);
	}
	CU_ASSERT(busy_before > 0);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_STATE_DUMP, NULL, NPU_JSM_MSG_STATE_DUMP_RSP,
				 &rsp), 0);
	mh_advance(&H.h, 100000);
	for (int i = 0; i < 2000; i++) {      /* 10 ms: never caught awake */
		mh_advance(&H.h, 5000);
		busy_after += !idle(&H);
	}
	CU_ASSERT_EQUAL(busy_after, 0);
	CU_ASSERT(no_job_done(&H, 1));
	/* the host goes on without a reset: a heartbeat wakes it, the fence ends the wait */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	mh_w64(&H.h, ev.pa, 1);
	CU_ASSERT_EQUAL(status_of(&H, 0x180), NPU_JSM_STATUS_SUCCESS);
	teardown(&H);
}

/* Indices run modulo 63, the host keeps one slot free (§13.5): three
 * rounds of 40 jobs go round the ring twice, in order, head = tail after. */
static void test_queue_wrap(void)
{
	struct host H;
	struct queue q;
	struct cb c;
	uint32_t id = 0x100;
	uint64_t batch;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	c = cb_new(&H, SSID_A);
	cb_nop(&c, 8);
	batch = cb_end(&c);
	/* a full queue: 62 jobs, then push refuses */
	for (unsigned i = 0; i < 62; i++)
		CU_ASSERT_FATAL(push(&H, &q, id + i, batch, 0));
	CU_ASSERT_FALSE(push(&H, &q, 0, batch, 0));
	ring(&H, &q);
	for (unsigned i = 0; i < 62; i++)
		CU_ASSERT_EQUAL(status_of(&H, id + i), NPU_JSM_STATUS_SUCCESS);
	id += 62;
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, 62);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 40; i++)
			CU_ASSERT_FATAL(push(&H, &q, id + i, batch, 0));
		ring(&H, &q);
		for (unsigned i = 0; i < 40; i++)
			CU_ASSERT_EQUAL(status_of(&H, id + i), NPU_JSM_STATUS_SUCCESS);
		id += 40;
		CU_ASSERT_EQUAL(qhdr(&H, &q)->head, qhdr(&H, &q)->tail);
	}
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, (62 + 120) % SLOTS);
	/* a tail moved without a ring waits for the next ring, which runs both */
	CU_ASSERT(push(&H, &q, id, batch, 0));
	CU_ASSERT(no_job_done(&H, 5));
	submit(&H, &q, id + 1, batch);
	CU_ASSERT_EQUAL(status_of(&H, id), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(status_of(&H, id + 1), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* One job with a bad command or header each; every one gets its status
 * and the job after it runs normally. */
struct bad_case {
	const char *what;
	uint32_t status;
	const char *log;     /* in the firmware log */
};

static uint64_t build_bad(struct host *H, unsigned k, struct ubo *ev)
{
	struct cb c = cb_new(H, SSID_A);
	struct npu_cmd_buffer_header *h;
	uint64_t batch;

	switch (k) {
	case 0:  cb_put(&c, 0x0999, 8); break;                       /* unknown type */
	case 1:  cb_put(&c, NPU_CMD_COPY_SYSTEM_TO_SYSTEM, 24); break;  /* deprecated */
	case 2:  cb_put(&c, NPU_CMD_UNKNOWN, 8); break;
	case 3:  cb_nop(&c, 8); cb_put(&c, NPU_CMD_NOP, 12); break;  /* size not 8n */
	case 4:  cb_put(&c, NPU_CMD_FENCE_SIGNAL, 16); break;       /* too small */
	case 5:  cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev->va + 8, 1); break;  /* misaligned */
	case 6:  cb_put(&c, NPU_CMD_METRIC_QUERY_BEGIN, 16); break;
	case 7:  cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev->va + ev->size, 1); break; /* unmapped */
	case 8:  cb_timestamp(&c, 0x1000); break;                   /* below the user range */
	default: break;
	}
	batch = cb_end(&c);
	h = up(H, &c.bo, 0, HDR);
	switch (k) {
	case 9:  h->cmd_offset = 40; break;                          /* inside the header */
	case 10: h->reserved_0 = 1; break;
	case 11: h->cmd_buffer_size = h->cmd_offset - 8; break;
	case 12: h->api_version = 0x30000; break;                    /* JOB_CMD 3.0 */
	case 13: batch += 8; break;                                  /* not 64-byte aligned */
	case 14: batch = c.bo.va + c.bo.size; break;                 /* unmapped */
	case 15: cb_nop(&c, 8); h->cmd_buffer_size = c.pos + 4; break;  /* 4 bytes left over */
	default: break;
	}
	return batch;
}

static const struct bad_case bad_cases[] = {
	{ "unknown type", NPU_JSM_STATUS_PARSING_ERR, "command 0x0999 at +48 is deprecated or unknown" },
	{ "deprecated COPY_SYSTEM_TO_SYSTEM", NPU_JSM_STATUS_PARSING_ERR, "command 0x0203 at +48" },
	{ "type 0", NPU_JSM_STATUS_PARSING_ERR, "UNKNOWN (0)" },
	{ "size 12", NPU_JSM_STATUS_PARSING_ERR, "size 12 is not a multiple of 8" },
	{ "fence of 16 bytes", NPU_JSM_STATUS_PARSING_ERR, "size 16, at least 24 expected" },
	{ "misaligned fence", NPU_JSM_STATUS_PARSING_ERR, "is not 64-byte aligned" },
	{ "metric query", NPU_JSM_STATUS_NOT_IMPLEMENTED, "command 0x0104 at +48 is not implemented" },
	{ "unmapped fence", NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "fence at 0x" },
	{ "timestamp below the user range", NPU_JSM_STATUS_PARSING_ERR, "outside the user range" },
	{ "cmd_offset 40", NPU_JSM_STATUS_PARSING_ERR, "cmd_offset 40" },
	{ "reserved_0 set", NPU_JSM_STATUS_PARSING_ERR, "reserved 0x1" },
	{ "size below offset", NPU_JSM_STATUS_PARSING_ERR, "cmd_buffer_size 40" },
	{ "api_version 3.0", NPU_JSM_STATUS_PARSING_ERR, "api_version 0x30000" },
	{ "misaligned buffer", NPU_JSM_STATUS_PARSING_ERR, "is not 64-byte aligned" },
	{ "unmapped buffer", NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "command buffer header at 0x" },
	{ "past the end", NPU_JSM_STATUS_PARSING_ERR, "are not a command" },
};

static void test_bad_jobs(void)
{
	struct host H;
	struct queue q;
	struct ubo ev;
	struct cb good;
	uint64_t good_batch;
	uint32_t id = 0x200;
	uint64_t faults;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	good = cb_new(&H, SSID_A);
	cb_fence(&good, NPU_CMD_FENCE_SIGNAL, ev.va + 256, 0);
	good_batch = cb_end(&good);
	for (unsigned k = 0; k < sizeof(bad_cases) / sizeof(bad_cases[0]); k++) {
		uint32_t st;

		faults = H.h.traces[NPUM_TRACE_MMU_FAULT];
		/* the good job signals k + 1, so each one is seen to run */
		((struct npu_cmd_fence *)up(&H, &good.bo, HDR, 24))->value = k + 1;
		CU_ASSERT_FATAL(push(&H, &q, id, build_bad(&H, k, &ev), 0));
		CU_ASSERT_FATAL(push(&H, &q, id + 1, good_batch, 0));
		ring(&H, &q);
		st = status_of(&H, id);
		CU_ASSERT_EQUAL(st, bad_cases[k].status);
		if (st != bad_cases[k].status)
			fprintf(stderr, "\n  %s: status %u, expected %u\n", bad_cases[k].what, st,
				bad_cases[k].status);
		CU_ASSERT_EQUAL(status_of(&H, id + 1), NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT_EQUAL(ur64(&H, &ev, 256), k + 1);
		mh_advance(&H.h, 1 * MS);                  /* the WARN line follows JOB_DONE */
		if (!log_has(&H, &H.log_verb, bad_cases[k].log)) {
			CU_FAIL("the firmware log does not say why");
			fprintf(stderr, "\n  %s: no \"%s\" in the log\n", bad_cases[k].what,
				bad_cases[k].log);
		}
		/* a context fault is also an MMU event of that SSID (§14.11) */
		if (bad_cases[k].status == NPU_JSM_STATUS_USER_CTX_VIOL_ERR) {
			CU_ASSERT(H.h.traces[NPUM_TRACE_MMU_FAULT] > faults);
			CU_ASSERT_EQUAL(H.h.last_fault.u[2], SSID_A);
		}
		id += 2;
	}
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, qhdr(&H, &q)->tail);
	CU_ASSERT(idle(&H));

	/* a queue the firmware cannot write (mapped read-only): the job still
	 * gets its JOB_DONE, the queue is given up until its next ring */
	{
		struct queue ro = queue_new(&H, 2);

		CU_ASSERT_EQUAL_FATAL(register_db(&H, &ro, SSID_A), 0);
		mh_map(&H.h, 0, ro.bo->va, ro.bo->pa, NPU_MMU_ENTRY_PAGE_IVPU | NPU_MMU_ENTRY_RO);
		CU_ASSERT_EQUAL(mh_mmu_tlbi_asid(&H.h, 0), 0);
		CU_ASSERT_FATAL(push(&H, &ro, 0x300, good_batch, 0));
		CU_ASSERT_FATAL(push(&H, &ro, 0x301, good_batch, 0));
		ring(&H, &ro);
		CU_ASSERT_EQUAL(status_of(&H, 0x300), NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT(no_job_done(&H, 5));
		CU_ASSERT_EQUAL(qhdr(&H, &ro)->head, 0);
		mh_advance(&H.h, 1 * MS);
		CU_ASSERT(log_has(&H, &H.log_crit, "cannot write head of queue"));
		CU_ASSERT(idle(&H));
	}
	teardown(&H);
}

/* 124 jobs end while the host does not drain: the FIFO (64) and the RX
 * slots fill, further JOB_DONEs wait -- in the firmware, then in the queues
 * -- and none is lost or overwritten. */
static void test_host_not_draining(void)
{
	struct host H;
	struct queue qa, qb;
	struct cb c;
	struct npu_jsm_msg rsp;
	uint64_t batch;
	unsigned seen_a = 0, seen_b = 0;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	qa = queue_new(&H, 1);
	qb = queue_new(&H, 2);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qa, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qb, SSID_A), 0);
	c = cb_new(&H, SSID_A);
	cb_nop(&c, 8);
	batch = cb_end(&c);
	for (uint32_t i = 0; i < 62; i++) {
		CU_ASSERT_FATAL(push(&H, &qa, 0x100 + i, batch, 0));
		CU_ASSERT_FATAL(push(&H, &qb, 0x200 + i, batch, 0));
	}
	ring(&H, &qa);
	ring(&H, &qb);
	mh_advance(&H.h, 50 * MS);                        /* the host looks away */
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				    mh_rd32(&H.h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 64);
	CU_ASSERT(qhdr(&H, &qa)->head != qhdr(&H, &qa)->tail ||
		  qhdr(&H, &qb)->head != qhdr(&H, &qb)->tail);   /* jobs wait in the queues */
	for (unsigned i = 0; i < 124; i++) {
		struct npu_jsm_job_done jd;

		CU_ASSERT_FATAL(job_done(&H, &jd, 100));
		CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
		if (jd.db_idx == 1) {
			CU_ASSERT_EQUAL(jd.job_id, 0x100 + seen_a);   /* in order per queue */
			seen_a++;
		} else {
			CU_ASSERT_EQUAL(jd.job_id, 0x200 + seen_b);
			seen_b++;
		}
	}
	CU_ASSERT(no_job_done(&H, 5));
	CU_ASSERT_EQUAL(seen_a, 62);
	CU_ASSERT_EQUAL(seen_b, 62);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT_FALSE(log_has(&H, &H.log_crit, "dropped"));
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* OS-mode abort (§14.11): the host unregisters the context's queues and
 * releases its SSID; every job left -- the one waiting and the ones behind
 * it -- still gets one JOB_DONE, ABORTED. Another context is untouched. */
static void test_released_context(void)
{
	struct host H;
	struct queue qa, qb;
	struct ubo ev, evb;
	struct cb wait, sig;
	union npu_jsm_payload p;
	struct npu_jsm_msg rsp;
	struct npu_jsm_job_done jd;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	ctx_create(&H, SSID_B);
	qa = queue_new(&H, 1);
	qb = queue_new(&H, 9);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qa, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qb, SSID_B), 0);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	evb = ubo_new(&H, SSID_B, SZ_4K);
	wait = cb_new(&H, SSID_A);
	cb_fence(&wait, NPU_CMD_FENCE_WAIT, ev.va, 1);
	for (uint32_t i = 0; i < 3; i++)
		CU_ASSERT_FATAL(push(&H, &qa, 0x100 + i, cb_end(&wait), 0));
	ring(&H, &qa);
	CU_ASSERT(no_job_done(&H, 5));
	memset(&p, 0, sizeof(p));
	p.db.db_idx = 1;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), 0);
	CU_ASSERT(no_job_done(&H, 5));                     /* not before SSID_RELEASE */
	memset(&p, 0, sizeof(p));
	p.ssid.host_ssid = SSID_A;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SSID_RELEASE, &p,
				 NPU_JSM_MSG_SSID_RELEASE_DONE, &rsp), 0);
	for (uint32_t i = 0; i < 3; i++) {
		CU_ASSERT_FATAL(job_done(&H, &jd, 100));
		CU_ASSERT_EQUAL(jd.job_id, 0x100 + i);
		CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_ABORTED);
		CU_ASSERT_EQUAL(jd.host_ssid, SSID_A);
	}
	CU_ASSERT(no_job_done(&H, 5));
	CU_ASSERT_EQUAL(qhdr(&H, &qa)->head, 3);
	/* the other context runs on */
	sig = cb_new(&H, SSID_B);
	cb_fence(&sig, NPU_CMD_FENCE_SIGNAL, evb.va, 9);
	submit(&H, &qb, 0x200, cb_end(&sig));
	CU_ASSERT_EQUAL(status_of(&H, 0x200), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &evb, 0), 9);
	CU_ASSERT(idle(&H));
	/* SSID_RELEASE with a queue still registered and jobs in it: same */
	CU_ASSERT(push(&H, &qb, 0x201, NPU_VA_USER_START + 0x100000, 0));   /* unmapped in B */
	wait = cb_new(&H, SSID_B);
	cb_fence(&wait, NPU_CMD_FENCE_WAIT, evb.va, 100);
	CU_ASSERT(push(&H, &qb, 0x202, cb_end(&wait), 0));
	ring(&H, &qb);
	CU_ASSERT_EQUAL(status_of(&H, 0x201), NPU_JSM_STATUS_USER_CTX_VIOL_ERR);
	CU_ASSERT(no_job_done(&H, 5));
	p.ssid.host_ssid = SSID_B;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SSID_RELEASE, &p,
				 NPU_JSM_MSG_SSID_RELEASE_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(status_of(&H, 0x202), NPU_JSM_STATUS_ABORTED);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	teardown(&H);
}

/* D0i3 and a warm boot keep the registration and the queue position
 * (§14.10): the next submit rings the same doorbell, nothing registered
 * again. A cold boot forgets it. */
static void test_warm_boot_keeps_queues(void)
{
	struct host H;
	struct queue q;
	struct ubo ev;
	struct cb c;
	uint64_t ts;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	q = queue_new(&H, 3);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	c = cb_new(&H, SSID_A);
	cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev.va, 1);
	cb_timestamp(&c, ev.va + 64);
	submit(&H, &q, 0x100, cb_end(&c));
	CU_ASSERT_EQUAL(status_of(&H, 0x100), NPU_JSM_STATUS_SUCCESS);
	ts = ur64(&H, &ev, 64);
	mh_advance(&H.h, 100 * MS);
	CU_ASSERT_EQUAL_FATAL(d0i3_cycle(&H, 20), 0);
	/* the MMU came back with the same tables, the context with them */
	((struct npu_cmd_fence *)up(&H, &c.bo, HDR, 24))->value = 2;
	submit(&H, &q, 0x101, cb_end(&c));
	CU_ASSERT_EQUAL(status_of(&H, 0x101), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 0), 2);
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, 2);
	/* timestamps go on across D0i3 (the perf counter restarted at the IP
	 * reset): at least the 120 ms in between later */
	CU_ASSERT(ur64(&H, &ev, 64) > ts + 120ull * 38400);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);

	/* a cold boot (recovery: image reloaded) forgets the registration */
	CU_ASSERT_EQUAL_FATAL(power_down(&H), 0);
	CU_ASSERT_EQUAL_FATAL(power_up(&H), 0);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_enable(&H.h), 0);
	fw_load(&H);
	H.entry = H.fw.entry_point;
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	submit(&H, &q, 0x102, cb_end(&c));
	CU_ASSERT(no_job_done(&H, 10));
	CU_ASSERT(log_has(&H, &H.log_verb, "doorbell 3 rang but is not registered"));
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, 2);
	/* ... until the host registers the queue again (head = tail = 0 first) */
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	submit(&H, &q, 0x103, cb_end(&c));
	CU_ASSERT_EQUAL(status_of(&H, 0x103), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(qhdr(&H, &q)->head, 1);
	teardown(&H);
}

/* ---- Copies and fills: the DMA engines (lrt.h NPU_LRT_DMA_*) --------------------------- */

static void cb_copy(struct cb *c, uint64_t desc_va, uint32_t count)
{
	struct npu_cmd_copy_buffer *cp = cb_put(c, NPU_CMD_COPY, sizeof(*cp));

	cp->desc_start_offset = desc_va;
	cp->desc_count = count;
}

/* A 37xx copy descriptor at desc + 64 * i (§12.1). */
static void desc_put(struct host *H, const struct ubo *d, unsigned i, uint64_t src, uint64_t dst,
		     uint32_t size)
{
	struct npu_cmd_copy_descriptor_37xx *x = up(H, d, 64ull * i, sizeof(*x));

	memset(x, 0, sizeof(*x));
	x->src_address = src;
	x->dst_address = dst;
	x->size = size;
}

static void fill_bytes(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131u + seed * 7u + (i >> 8));
}

static void test_copy_and_fill(void)
{
	struct host H;
	struct queue q, q2;
	struct ubo src, dst, big, desc, desc2, ev;
	struct cb c, c2, bad;
	uint32_t st;
	bool ok = true;

	setup(&H, NPU_SCHEDULING_MODE_OS);
	q = queue_new(&H, 1);
	q2 = queue_new(&H, 2);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q2, SSID_A), 0);
	src = ubo_new(&H, SSID_A, 128 * 1024);
	dst = ubo_new(&H, SSID_A, 128 * 1024);
	big = ubo_new(&H, SSID_A, 1024 * 1024 + 3 * 4096);
	desc = ubo_new(&H, SSID_A, SZ_4K);
	desc2 = ubo_new(&H, SSID_A, SZ_4K);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	fill_bytes(up(&H, &src, 0, src.size), src.size, 1);
	memset(up(&H, &big, 0, big.size), 0x11, big.size);

	/* three descriptors: 4 KiB and 60 KiB into dst, and 4 KiB through the CMX
	 * ("local", §16.5) and back in the second COPY; then a fill; BARRIER, then
	 * the fence: everything before it is done */
	desc_put(&H, &desc, 0, src.va, dst.va, 4096);
	desc_put(&H, &desc, 1, src.va + 4096, dst.va + 4096, 60 * 1024);
	desc_put(&H, &desc, 2, src.va + 64 * 1024, NPU_CMX_BASE + 0x1000, 4096);
	desc_put(&H, &desc, 3, NPU_CMX_BASE + 0x1000, dst.va + 64 * 1024, 4096);
	c = cb_new(&H, SSID_A);
	cb_copy(&c, desc.va, 3);
	cb_copy(&c, desc.va + 3 * 64, 1);
	{
		struct npu_cmd_memory_fill *f = cb_put(&c, NPU_CMD_MEMORY_FILL, sizeof(*f));

		f->start_address = big.va + 64;
		f->size = 1024 * 1024 + 4096;
		f->fill_pattern = 0xA5C3F00Du;
	}
	cb_put(&c, NPU_CMD_BARRIER, 8);
	cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev.va, 4);
	submit(&H, &q, 0x100, cb_end(&c));
	/* the NPU is not idle while the engine moves the data (the transfer
	 * takes virtual time; none has passed yet) */
	CU_ASSERT_FALSE(idle(&H));
	st = status_of(&H, 0x100);
	CU_ASSERT_EQUAL(st, NPU_JSM_STATUS_SUCCESS);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(memcmp(up(&H, &src, 0, 68 * 1024), up(&H, &dst, 0, 68 * 1024), 68 * 1024), 0);
	for (uint64_t i = 0; i < 1024 * 1024 + 4096; i += 4)
		ok = ok && mh_r32(&H.h, big.pa + 64 + i) == 0xA5C3F00Du;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(*(uint8_t *)up(&H, &big, 63, 1), 0x11);        /* nothing outside */
	CU_ASSERT_EQUAL(*(uint8_t *)up(&H, &big, 64 + 1024 * 1024 + 4096, 1), 0x11);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 0), 4);

	/* two queues copying at once share the two engines */
	memset(up(&H, &dst, 0, dst.size), 0, dst.size);
	desc_put(&H, &desc2, 0, src.va, dst.va + 64 * 1024, 64 * 1024);
	c = cb_new(&H, SSID_A);
	cb_copy(&c, desc.va, 2);
	c2 = cb_new(&H, SSID_A);
	cb_copy(&c2, 0x1000, 1);          /* with a descriptor heap base (§11.8) */
	CU_ASSERT_FATAL(push(&H, &q, 0x101, cb_end(&c), 0));
	CU_ASSERT_FATAL(push(&H, &q2, 0x200, cb_end(&c2), 0));
	((struct npu_cmd_buffer_header *)up(&H, &c2.bo, 0, HDR))->descriptor_heap_base_address =
		desc2.va - 0x1000;
	ring(&H, &q);
	ring(&H, &q2);
	for (unsigned i = 0; i < 2; i++) {
		struct npu_jsm_job_done jd;

		CU_ASSERT_FATAL(job_done(&H, &jd, 100));
		CU_ASSERT(jd.job_id == 0x101 || jd.job_id == 0x200);
		CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
	}
	CU_ASSERT_EQUAL(memcmp(up(&H, &src, 0, 64 * 1024), up(&H, &dst, 0, 64 * 1024), 64 * 1024), 0);
	CU_ASSERT_EQUAL(memcmp(up(&H, &src, 0, 64 * 1024), up(&H, &dst, 64 * 1024, 64 * 1024),
			       64 * 1024), 0);

	/* three dependent copies in one job, no barrier between them: each sees
	 * what the one before it wrote (commands run in order, §11.6) */
	{
		struct ubo b2 = ubo_new(&H, SSID_A, SZ_4K), b3 = ubo_new(&H, SSID_A, SZ_4K);

		desc_put(&H, &desc2, 0, src.va, dst.va, 4096);
		desc_put(&H, &desc2, 1, dst.va, b2.va, 4096);
		desc_put(&H, &desc2, 2, b2.va, b3.va, 4096);
		c = cb_new(&H, SSID_A);
		for (unsigned i = 0; i < 3; i++)
			cb_copy(&c, desc2.va + 64 * i, 1);
		memset(up(&H, &dst, 0, 4096), 0, 4096);
		submit(&H, &q, 0x106, cb_end(&c));
		CU_ASSERT_EQUAL(status_of(&H, 0x106), NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT_EQUAL(memcmp(up(&H, &src, 0, 4096), up(&H, &b3, 0, 4096), 4096), 0);
	}

	/* a source never mapped: the job's context faults, the next job runs */
	desc_put(&H, &desc2, 0, NPU_VA_USER_START + 0x4000000, dst.va, 4096);
	bad = cb_new(&H, SSID_A);
	cb_copy(&bad, desc2.va, 1);
	CU_ASSERT_FATAL(push(&H, &q, 0x102, cb_end(&bad), 0));
	c = cb_new(&H, SSID_A);
	cb_fence(&c, NPU_CMD_FENCE_SIGNAL, ev.va, 9);
	CU_ASSERT_FATAL(push(&H, &q, 0x103, cb_end(&c), 0));
	ring(&H, &q);
	CU_ASSERT_EQUAL(status_of(&H, 0x102), NPU_JSM_STATUS_USER_CTX_VIOL_ERR);
	CU_ASSERT_EQUAL(status_of(&H, 0x103), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 0), 9);
	CU_ASSERT_EQUAL(H.h.last_fault.u[2], SSID_A);
	/* a page mapped to something that is not memory: a bus error, which is
	 * not the context's fault -> PROCESSING_ERR */
	mh_map(&H.h, SSID_A, NPU_VA_USER_START + 0x5000000, 0x40000000000ull,
	       NPU_MMU_ENTRY_PAGE_IVPU);
	CU_ASSERT_EQUAL(mh_mmu_tlbi_asid(&H.h, SSID_A), 0);
	desc_put(&H, &desc2, 0, NPU_VA_USER_START + 0x5000000, dst.va, 4096);
	bad = cb_new(&H, SSID_A);
	cb_copy(&bad, desc2.va, 1);
	submit(&H, &q, 0x107, cb_end(&bad));
	CU_ASSERT_EQUAL(status_of(&H, 0x107), NPU_JSM_STATUS_PROCESSING_ERR);
	/* a descriptor array not 64-byte aligned, a count of 0: PARSING_ERR */
	bad = cb_new(&H, SSID_A);
	cb_copy(&bad, desc.va + 8, 1);
	submit(&H, &q, 0x104, cb_end(&bad));
	CU_ASSERT_EQUAL(status_of(&H, 0x104), NPU_JSM_STATUS_PARSING_ERR);
	bad = cb_new(&H, SSID_A);
	cb_copy(&bad, desc.va, 0);
	submit(&H, &q, 0x105, cb_end(&bad));
	CU_ASSERT_EQUAL(status_of(&H, 0x105), NPU_JSM_STATUS_PARSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	teardown(&H);
}

/* ivpu-jobs' job.threads in small: eight contexts, each its own queue and
 * five copies, all ready at once; two engines serve them all. */
static void test_many_contexts(void)
{
	enum { CTX = 8, JOBS = 5, SZ = 16 * 1024 };
	struct host H;
	struct queue q[CTX];
	struct ubo src[CTX], dst[CTX], desc[CTX];
	unsigned done[CTX] = { 0 };

	setup(&H, NPU_SCHEDULING_MODE_OS);
	for (uint32_t k = 0; k < CTX; k++) {
		uint32_t ssid = SSID_A + k;

		if (k)
			ctx_create(&H, ssid);
		q[k] = queue_new(&H, 10 + k);
		CU_ASSERT_EQUAL_FATAL(register_db(&H, &q[k], ssid), 0);
		src[k] = ubo_new(&H, ssid, SZ);
		dst[k] = ubo_new(&H, ssid, JOBS * SZ);
		desc[k] = ubo_new(&H, ssid, SZ_4K);
		fill_bytes(up(&H, &src[k], 0, SZ), SZ, k + 3);
		for (uint32_t i = 0; i < JOBS; i++) {
			struct cb c = cb_new(&H, ssid);

			desc_put(&H, &desc[k], i, src[k].va, dst[k].va + (uint64_t)i * SZ, SZ);
			cb_copy(&c, desc[k].va + 64 * i, 1);
			CU_ASSERT_FATAL(push(&H, &q[k], (ssid - 1) * 256 + i, cb_end(&c), 0));
		}
	}
	for (uint32_t k = 0; k < CTX; k++)
		ring(&H, &q[k]);
	for (unsigned n = 0; n < CTX * JOBS; n++) {
		struct npu_jsm_job_done jd;
		uint32_t k;

		CU_ASSERT_FATAL(job_done(&H, &jd, 200));
		k = jd.host_ssid - SSID_A;
		CU_ASSERT_FATAL(k < CTX);
		CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT_EQUAL(jd.job_id, (jd.host_ssid - 1) * 256 + done[k]);   /* in order */
		done[k]++;
	}
	for (uint32_t k = 0; k < CTX; k++) {
		CU_ASSERT_EQUAL(done[k], JOBS);
		for (uint32_t i = 0; i < JOBS; i++)
			CU_ASSERT_EQUAL(memcmp(up(&H, &src[k], 0, SZ), up(&H, &dst[k], i * SZ, SZ),
					       SZ), 0);
	}
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* ---- HW scheduling (§14.5, §14.9, §14.11, §14.13) ---------------------------------------- */

static void hws_queue(struct host *H, const struct queue *q, uint32_t ssid, uint64_t cmdq_id,
		      uint32_t band)
{
	union npu_jsm_payload p;
	struct npu_jsm_msg rsp;

	memset(hp(H, q->bo->va, SZ_4K), 0, 64);
	memset(&p, 0, sizeof(p));
	p.hws_create_cmdq.process_id = 4321;
	p.hws_create_cmdq.host_ssid = ssid;
	p.hws_create_cmdq.cmdq_group = ssid;
	p.hws_create_cmdq.cmdq_id = cmdq_id;
	p.hws_create_cmdq.cmdq_base = q->bo->va;
	p.hws_create_cmdq.cmdq_size = SZ_4K;
	CU_ASSERT_EQUAL(jsm_call(H, 0, NPU_JSM_MSG_CREATE_CMD_QUEUE, &p,
				 NPU_JSM_MSG_CREATE_CMD_QUEUE_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_set_context_sched_properties.host_ssid = ssid;
	p.hws_set_context_sched_properties.cmdq_id = cmdq_id;
	p.hws_set_context_sched_properties.priority_band = band;
	p.hws_set_context_sched_properties.context_quantum = 20000;
	p.hws_set_context_sched_properties.grace_period_same_priority = 10000;
	CU_ASSERT_EQUAL(jsm_call(H, 0, NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES, &p,
				 NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_register_db.db_id = q->db;
	p.hws_register_db.host_ssid = ssid;
	p.hws_register_db.cmdq_id = cmdq_id;
	p.hws_register_db.cmdq_base = q->bo->va;
	p.hws_register_db.cmdq_size = SZ_4K;
	CU_ASSERT_EQUAL(jsm_call(H, 0, NPU_JSM_MSG_HWS_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
}

static void test_hws_bands_and_reset(void)
{
	struct host H;
	struct queue qn, qr;
	struct ubo ev;
	struct cb c, wait;
	union npu_jsm_payload p;
	struct npu_jsm_msg rsp;
	struct npu_jsm_job_done jd;
	uint64_t batch;

	setup(&H, NPU_SCHEDULING_MODE_HW);
	memset(&p, 0, sizeof(p));
	p.hws_priority_band_setup.normal_band_percentage = 10;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP, &p,
				 NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP, &rsp), 0);
	qn = queue_new(&H, 4);
	qr = queue_new(&H, 5);
	hws_queue(&H, &qn, SSID_A, 1, 1);                  /* NORMAL */
	hws_queue(&H, &qr, SSID_A, 2, 3);                  /* REALTIME */
	ev = ubo_new(&H, SSID_A, SZ_4K);
	c = cb_new(&H, SSID_A);
	for (unsigned i = 0; i < 20; i++)
		cb_nop(&c, 8);
	batch = cb_end(&c);
	/* both queues ready at once (the engine stopped by ENGINE_RESET while
	 * they fill up): the realtime band's jobs run first */
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_ENGINE_RESET, &p,
				 NPU_JSM_MSG_ENGINE_RESET_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.num_impacted_contexts, 0);
	for (uint32_t i = 0; i < 4; i++) {
		CU_ASSERT_FATAL(push(&H, &qn, 0x100 + i, batch, 0));
		CU_ASSERT_FATAL(push(&H, &qr, 0x200 + i, batch, 0));
	}
	ring(&H, &qn);
	ring(&H, &qr);
	CU_ASSERT(no_job_done(&H, 5));
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_ENGINE_RESUME, &p,
				 NPU_JSM_MSG_HWS_RESUME_ENGINE_DONE, &rsp), 0);
	for (uint32_t i = 0; i < 8; i++) {
		CU_ASSERT_FATAL(job_done(&H, &jd, 100));
		CU_ASSERT_EQUAL(jd.job_id, i < 4 ? 0x200 + i : 0x100 + i - 4);
		CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT_EQUAL(jd.cmdq_id, i < 4 ? 2 : 1);
		CU_ASSERT_EQUAL(jd.db_idx, i < 4 ? 5 : 4);
	}

	/* a job in progress when the engine is reset: reported, stopped until
	 * HWS_ENGINE_RESUME, then run again from its start */
	wait = cb_new(&H, SSID_A);
	cb_fence(&wait, NPU_CMD_FENCE_WAIT, ev.va, 1);
	cb_fence(&wait, NPU_CMD_FENCE_SIGNAL, ev.va + 64, 1);
	submit(&H, &qn, 0x104, cb_end(&wait));
	CU_ASSERT(no_job_done(&H, 5));
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_ENGINE_RESET, &p,
				 NPU_JSM_MSG_ENGINE_RESET_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.num_impacted_contexts, 1);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.impacted_contexts[0].host_ssid, SSID_A);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.impacted_contexts[0].cmdq_id, 1);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.impacted_contexts[0].flags, 1); /* collateral */
	mh_w64(&H.h, ev.pa, 1);                            /* met, but the engine is stopped */
	submit(&H, &qr, 0x204, batch);
	CU_ASSERT(no_job_done(&H, 5));
	CU_ASSERT_EQUAL(ur64(&H, &ev, 64), 0);
	{       /* stopped means asleep: no polling while the engine waits */
		uint64_t i0 = npum_get_stats(H.h.npu)->lrt_instructions;

		mh_advance(&H.h, 100 * MS);
		CU_ASSERT(npum_get_stats(H.h.npu)->lrt_instructions - i0 < 5000);
		CU_ASSERT(idle(&H));
	}
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_ENGINE_RESUME, &p,
				 NPU_JSM_MSG_HWS_RESUME_ENGINE_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(status_of(&H, 0x204), NPU_JSM_STATUS_SUCCESS);   /* realtime first */
	CU_ASSERT_EQUAL(status_of(&H, 0x104), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(ur64(&H, &ev, 64), 1);

	/* teardown of a queue with a job left: the host completes it (HWS) */
	mh_w64(&H.h, ev.pa, 0);
	submit(&H, &qn, 0x105, cb_end(&wait));
	CU_ASSERT(no_job_done(&H, 5));
	memset(&p, 0, sizeof(p));
	p.hws_cmdq.host_ssid = SSID_A;
	p.hws_cmdq.cmdq_id = 1;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_DESTROY_CMD_QUEUE, &p,
				 NPU_JSM_MSG_DESTROY_CMD_QUEUE_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.db.db_idx = 4;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), 0);
	mh_w64(&H.h, ev.pa, 1);
	CU_ASSERT(no_job_done(&H, 5));
	CU_ASSERT_EQUAL(qhdr(&H, &qn)->head, 5);
	/* the realtime queue carries on */
	submit(&H, &qr, 0x205, batch);
	CU_ASSERT_EQUAL(status_of(&H, 0x205), NPU_JSM_STATUS_SUCCESS);
	/* a context fault, then the abort path's ENGINE_RESET: that context is
	 * reported as the cause (flags 0, not collateral), RESUME restarts */
	submit(&H, &qr, 0x206, NPU_VA_USER_START + 0x2000000);
	CU_ASSERT_EQUAL(status_of(&H, 0x206), NPU_JSM_STATUS_USER_CTX_VIOL_ERR);
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_ENGINE_RESET, &p,
				 NPU_JSM_MSG_ENGINE_RESET_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.num_impacted_contexts, 1);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.impacted_contexts[0].cmdq_id, 2);
	CU_ASSERT_EQUAL(rsp.payload.engine_reset_done.impacted_contexts[0].flags, 0);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_ENGINE_RESUME, &p,
				 NPU_JSM_MSG_HWS_RESUME_ENGINE_DONE, &rsp), 0);
	submit(&H, &qr, 0x207, batch);
	CU_ASSERT_EQUAL(status_of(&H, 0x207), NPU_JSM_STATUS_SUCCESS);
	/* a suspended command queue does not run until it is resumed */
	memset(&p, 0, sizeof(p));
	p.hws_suspend_cmdq.host_ssid = SSID_A;
	p.hws_suspend_cmdq.cmdq_id = 2;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_SUSPEND_CMDQ, &p,
				 NPU_JSM_MSG_HWS_SUSPEND_CMDQ_DONE, &rsp), 0);
	submit(&H, &qr, 0x208, batch);
	CU_ASSERT(no_job_done(&H, 5));
	memset(&p, 0, sizeof(p));
	p.hws_cmdq.host_ssid = SSID_A;
	p.hws_cmdq.cmdq_id = 2;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_RESUME_CMDQ, &p,
				 NPU_JSM_MSG_HWS_RESUME_CMDQ_RSP, &rsp), 0);
	CU_ASSERT_EQUAL(status_of(&H, 0x208), NPU_JSM_STATUS_SUCCESS);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	echo_console = getenv("FW_CONSOLE") != NULL;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("fw_jobs", suite_init, NULL);
	CU_add_test(s, "NOP, BARRIER, TIMESTAMP, FENCE_SIGNAL; JOB_DONE, head, idle",
		    test_basic_job);
	CU_add_test(s, "a FENCE_WAIT blocks only its own queue", test_fence_two_queues);
	CU_add_test(s, "STATE_DUMP: idle until the host talks again", test_state_dump_quiesces);
	CU_add_test(s, "63-slot wrap, full queue, tail before the ring", test_queue_wrap);
	CU_add_test(s, "bad commands and headers: status, then the next job", test_bad_jobs);
	CU_add_test(s, "host not draining: JOB_DONE waits, none is lost", test_host_not_draining);
	CU_add_test(s, "SSID_RELEASE: jobs left end ABORTED", test_released_context);
	CU_add_test(s, "warm boot keeps registrations and positions, cold boot not",
		    test_warm_boot_keeps_queues);
	CU_add_test(s, "COPY and MEMORY_FILL through the DMA engines", test_copy_and_fill);
	CU_add_test(s, "eight contexts copying at once share two engines", test_many_contexts);
	CU_add_test(s, "HWS: bands, ENGINE_RESET, HWS_ENGINE_RESUME, suspend, teardown",
		    test_hws_bands_and_reset);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(fw_file);
	return failed ? 1 : 0;
}
