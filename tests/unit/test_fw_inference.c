/* SPDX-License-Identifier: MIT */
/*
 * The firmware's mapped-inference runtime (sim-firmware/infer*.c), inside
 * the device model, driven as Linux 6.12's ivpu and the Level Zero UMD
 * drive it (hw-facts §16.1, §16.9): an INFERENCE_EXECUTE whose
 * host_mapped_inference is a VpuHostParsedInference in a user BO, built
 * here with the format library's builder (npu-format/inference.h) the way
 * the ELF loader lays one out (hw-facts §16.3).
 *
 *   test_fw_inference       the CUnit suite
 *   FW_CONSOLE=1            echo the firmware console
 *   INF_SEED=n              seed of the validation fuzzer (default 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "fw_host.h"
#include "intel-npu/act_kernels.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/jobq.h"
#include "intel-npu/lrt.h"
#include "intel-npu/nnrt.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"
#include "npu-format/inference.h"
#include "npu-format/inference_net.h"

#define SSID_A        NPU_SSID_USER_MIN
#define SSID_B        (NPU_SSID_USER_MIN + 1)
#define SLOTS         63u
#define HDR           ((uint32_t)sizeof(struct npu_cmd_buffer_header))
#define WORKSPACE     (NPU_CMX_BASE + NPU_CMX_WORKSPACE_OFFSET)

/* ---- User contexts, BOs, command buffers, queues (as test_fw_jobs.c) ------------ */

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

struct queue {
	struct bo *bo;
	uint32_t db;
};

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

	memset(hp(H, q->bo->va, SZ_4K), 0, 64);
	memset(&p, 0, sizeof(p));
	p.register_db.db_idx = q->db;
	p.register_db.jobq_base = q->bo->va;
	p.register_db.jobq_size = SZ_4K;
	p.register_db.host_ssid = ssid;
	return jsm_call(H, NPU_IPC_CHAN_ASYNC_CMD, NPU_JSM_MSG_REGISTER_DB, &p,
			NPU_JSM_MSG_REGISTER_DB_DONE, &rsp);
}

static void submit(struct host *H, const struct queue *q, uint32_t job_id, uint64_t batch)
{
	struct npu_job_queue_header *qh = hp(H, q->bo->va, sizeof(*qh));
	struct npu_job_queue_entry *e;

	CU_ASSERT_FATAL((qh->tail + 1) % SLOTS != qh->head);
	e = hp(H, q->bo->va + 64 + 64ull * qh->tail, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->batch_buf_addr = batch;
	e->job_id = job_id;
	qh->tail = (qh->tail + 1) % SLOTS;
	mh_wr32(&H->h, V, NPU_CPU_SS_DOORBELL(q->db), NPU_DOORBELL_SET);
}

/* A command buffer with one INFERENCE_EXECUTE (hw-facts §16.1), then a
 * FENCE_SIGNAL of fence_va (0: none) so a test sees the commands after it run. */
static uint64_t cb_infer(struct host *H, uint32_t ssid, uint64_t hpi_va, uint32_t width,
			 uint64_t fence_va, uint64_t value)
{
	struct ubo bo = ubo_new(H, ssid, SZ_4K);
	struct npu_cmd_buffer_header *h = up(H, &bo, 0, HDR);
	struct npu_cmd_inference_execute *ie = up(H, &bo, HDR, sizeof(*ie));
	uint32_t pos = HDR + sizeof(*ie);

	memset(h, 0, HDR);
	memset(ie, 0, sizeof(*ie));
	ie->header.type = NPU_CMD_INFERENCE_EXECUTE;
	ie->header.size = sizeof(*ie);
	ie->inference_id = 1;
	ie->host_mapped_inference.address = hpi_va;
	ie->host_mapped_inference.width = width;
	if (fence_va) {
		struct npu_cmd_fence *f = up(H, &bo, pos, sizeof(*f));

		memset(f, 0, sizeof(*f));
		f->header.type = NPU_CMD_FENCE_SIGNAL;
		f->header.size = sizeof(*f);
		f->offset = fence_va;
		f->value = value;
		pos += sizeof(*f);
	}
	h->cmd_buffer_size = pos;
	h->cmd_offset = HDR;
	h->context_save_area_address = bo.va + ((pos + 63) & ~63u);
	return bo.va;
}

static bool job_done(struct host *H, struct npu_jsm_job_done *jd, uint64_t timeout_ms)
{
	struct npu_jsm_msg m;

	if (!ipc_recv(H, NPU_IPC_CHAN_JOB_RET, 0, &m, timeout_ms))
		return false;
	CU_ASSERT_EQUAL(m.type, NPU_JSM_MSG_JOB_DONE);
	*jd = m.payload.job_done;
	return true;
}

static uint32_t status_of(struct host *H, uint32_t job_id)
{
	struct npu_jsm_job_done jd;

	if (!job_done(H, &jd, 200)) {
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

static void setup(struct host *H)
{
	fresh(H);
	memset(user_next, 0, sizeof(user_next));
	H->sched_mode = NPU_SCHEDULING_MODE_OS;
	CU_ASSERT_EQUAL_FATAL(cold_boot(H), 0);
	ctx_create(H, SSID_A);
}

static void teardown(struct host *H)
{
	CU_ASSERT_NOT_EQUAL(dsu_state(H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_NOT_EQUAL(dsu_state(H), NPU_DSU_STATE_HALTED);
	host_fini(H);
}

static void fill_bytes(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7u + seed * 13u + (i >> 8));
}

/* ---- Inferences ------------------------------------------------------------------- */

struct inf {
	struct ubo bo;                  /* HPI, mapped inference, lists */
	struct npu_inf_builder b;
};

static void inf_new(struct host *H, struct inf *f, uint32_t ssid, const uint32_t cap[NPU_INF_LISTS])
{
	uint32_t size = npu_inf_size(cap);

	f->bo = ubo_new(H, ssid, size);
	CU_ASSERT_EQUAL_FATAL(npu_inf_init(&f->b, up(H, &f->bo, 0, size), f->bo.va, size, cap),
			      NPU_INF_OK);
}

#define BIT(b) (1ull << (b))

/* The four-stage chain of test_dma_inference, through both DMA engines and
 * barriers 3 and 40, barrier 3 used twice (next_same_id_):
 *   dma1[0]  in    -> CMX A      posts 3 (1st use)
 *   dma0[0]  CMX A -> CMX B      waits 3, posts 40
 *   dma1[1]  CMX B -> out        waits 40, posts 3 (2nd use)
 *   dma0[1]  out   -> out2       waits 3 (2nd use)
 * Each stage reads what the one before wrote, and each consumer is the
 * one the firmware would start first: the result is right only if every
 * stage waited for its barrier. */
static const uint32_t chain_cap[NPU_INF_LISTS] = { 4, 4, 0, 0, 0, 0, 8 };

static uint64_t build_chain(struct inf *f, uint64_t in, uint64_t out, uint64_t out2,
			    uint32_t len)
{
	struct npu_inf_builder *b = &f->b;

	npu_inf_barrier(b, 3, 1, 1);
	npu_inf_barrier(b, 40, 1, 1);
	npu_inf_barrier(b, 3, 1, 1);
	npu_inf_dma(b, 1, in, WORKSPACE, len, 0, BIT(3));
	npu_inf_dma(b, 0, WORKSPACE, WORKSPACE + 0x10000, len, BIT(3), BIT(40));
	npu_inf_dma(b, 1, WORKSPACE + 0x10000, out, len, BIT(40), BIT(3));
	npu_inf_dma(b, 0, out, out2, len, BIT(3), 0);
	return npu_inf_finish(b);
}

/* A DMA-only inference, DDR -> CMX -> DDR through barriers, exact results;
 * the same inference runs again (the barriers are reprogrammed). */
static void test_dma_inference(void)
{
	struct host H;
	struct queue q;
	struct ubo io, ev;
	struct inf f;
	uint64_t hpi, batch;
	const uint32_t len = 6000;
	uint8_t *in, *out, *out2;

	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	io = ubo_new(&H, SSID_A, 3 * 8192);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	in = up(&H, &io, 0, 8192);
	out = up(&H, &io, 8192, 8192);
	out2 = up(&H, &io, 16384, 8192);
	fill_bytes(in, len, 3);
	memset(out, 0xEE, 8192);
	memset(out2, 0xDD, 8192);
	inf_new(&H, &f, SSID_A, chain_cap);
	hpi = build_chain(&f, io.va, io.va + 8192, io.va + 16384, len);
	CU_ASSERT_FATAL(hpi != 0);
	batch = cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, ev.va, 9);
	submit(&H, &q, 0x100, batch);
	CU_ASSERT_EQUAL(status_of(&H, 0x100), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(out, in, len), 0);
	CU_ASSERT_EQUAL(memcmp(out2, in, len), 0);
	CU_ASSERT_EQUAL(out[len], 0xEE);                       /* not a byte more */
	CU_ASSERT_EQUAL(out2[len], 0xDD);
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 9);               /* the command after it ran */
	/* again, with other data: the barriers start afresh */
	fill_bytes(in, len, 4);
	submit(&H, &q, 0x101, batch);
	CU_ASSERT_EQUAL(status_of(&H, 0x101), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(out2, in, len), 0);
	/* a plain MEMORY_FILL afterwards: the engines carry no barrier masks
	 * of the inference's last tasks into it */
	{
		struct ubo cbo = ubo_new(&H, SSID_A, SZ_4K);
		struct npu_cmd_buffer_header *h = up(&H, &cbo, 0, HDR);
		struct npu_cmd_memory_fill *mf = up(&H, &cbo, HDR, sizeof(*mf));

		memset(h, 0, HDR);
		memset(mf, 0, sizeof(*mf));
		mf->header.type = NPU_CMD_MEMORY_FILL;
		mf->header.size = sizeof(*mf);
		mf->start_address = io.va + 8192;
		mf->size = 4096;
		mf->fill_pattern = 0x5A5A5A5A;
		h->cmd_offset = HDR;
		h->cmd_buffer_size = HDR + sizeof(*mf);
		h->context_save_area_address = cbo.va + 128;
		for (unsigned k = 0; k < 2; k++) {     /* two fills: one per engine at least */
			submit(&H, &q, 0x102 + k, cbo.va);
			CU_ASSERT_EQUAL(status_of(&H, 0x102 + k), NPU_JSM_STATUS_SUCCESS);
		}
		CU_ASSERT_EQUAL(out[4095], 0x5A);
	}
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* The builder alone: layout (HPI at +0, mapped inference at +384, lists at
 * their alignment), links, counts, and its refusals. */
static void test_builder(void)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 1, 1, 1, 2, 1, 1, 3 };
	static uint8_t buf[16384] __attribute__((aligned(64)));
	struct npu_inf_builder b;
	struct npu_mapped_inference *m;
	struct npu_barrier_count_config *c0;
	const uint64_t va = 0xC0100000u;
	uint32_t size = npu_inf_size(cap);

	CU_ASSERT_FATAL(size > 0 && size <= sizeof(buf));
	CU_ASSERT_EQUAL(npu_inf_init(&b, buf, va + 8, sizeof(buf), cap), NPU_INF_ERR_VA);
	CU_ASSERT_EQUAL(npu_inf_init(&b, buf, 0xFFFFFF00u, sizeof(buf), cap), NPU_INF_ERR_VA);
	CU_ASSERT_EQUAL(npu_inf_init(&b, buf, va, size - 1, cap), NPU_INF_ERR_SPACE);
	CU_ASSERT_EQUAL(npu_inf_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(npu_inf_init(&b, buf, va, size, cap), NPU_INF_OK);
	CU_ASSERT_EQUAL(npu_inf_barrier(&b, 5, 1, 2), 0);
	CU_ASSERT_EQUAL(npu_inf_barrier(&b, 6, 1, 1), 1);
	CU_ASSERT_EQUAL(npu_inf_barrier(&b, 5, 2, 1), 2);
	CU_ASSERT_EQUAL(npu_inf_dma(&b, 0, 1, 2, 3, BIT(5), 0), 0);
	CU_ASSERT_EQUAL(npu_inf_dpu(&b, 1, 0, BIT(6), NULL, 2, NULL), 0);
	CU_ASSERT_EQUAL(npu_inf_range(&b, 7), 0);
	CU_ASSERT_EQUAL(npu_inf_act(&b, 1, 0, NPU_CMX_BASE, BIT(6), 0), 0);
	CU_ASSERT_EQUAL(npu_inf_finish(&b), va);
	m = npu_inf_mapped(&b);
	CU_ASSERT_EQUAL(npu_inf_hpi(&b)->mapped_.address, va + 384);
	CU_ASSERT_EQUAL(npu_inf_hpi(&b)->mapped_.count, 1);
	CU_ASSERT_EQUAL(npu_inf_hpi(&b)->resource_requirements_.nn_slice_count_, 2);
	CU_ASSERT_EQUAL(m->vpu_nnrt_api_ver, NPU_API_VERSION(7, 0));
	CU_ASSERT_EQUAL(m->dma_tasks[0].count, 1);
	CU_ASSERT_EQUAL(m->dma_tasks[0].address % 64, 0);
	CU_ASSERT_EQUAL(m->dma_tasks[1].count, 0);
	CU_ASSERT_EQUAL(m->dma_tasks[1].address, 0);
	CU_ASSERT_EQUAL(m->variants.count, 2);
	CU_ASSERT_EQUAL(m->barrier_configs.count, 3);
	CU_ASSERT_EQUAL(m->task_storage_counts_.dpu_variant_count, 2);
	c0 = npu_inf_elem(&b, NPU_INF_BAR, 0);
	CU_ASSERT_EQUAL(c0->next_same_id_, 2);
	CU_ASSERT_EQUAL(((struct npu_barrier_count_config *)npu_inf_elem(&b, NPU_INF_BAR, 1))
			->next_same_id_, NPU_NNRT_NO_NEXT);
	CU_ASSERT_EQUAL(((struct npu_dma_task *)npu_inf_elem(&b, NPU_INF_DMA0, 0))
			->transaction_.u.barriers1d.cons_mask, BIT(5));
	CU_ASSERT_EQUAL(((struct npu_dpu_variant *)npu_inf_elem(&b, NPU_INF_VAR, 1))
			->invariant, (uint32_t)npu_inf_elem_va(&b, NPU_INF_INV, 0));
	CU_ASSERT_EQUAL(((struct npu_act_kernel_range *)npu_inf_elem(&b, NPU_INF_RANGE, 0))
			->kernel_invo_count, 1);
	/* refusals: a full list, an engine or barrier out of range; sticky */
	CU_ASSERT_EQUAL(npu_inf_dma(&b, 0, 1, 2, 3, 0, 0), NPU_INF_ERR_FULL);
	CU_ASSERT_EQUAL(npu_inf_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(npu_inf_init(&b, buf, va, size, cap), NPU_INF_OK);
	CU_ASSERT_EQUAL(npu_inf_dma(&b, 2, 1, 2, 3, 0, 0), NPU_INF_ERR_ARG);
	CU_ASSERT_EQUAL_FATAL(npu_inf_init(&b, buf, va, size, cap), NPU_INF_OK);
	CU_ASSERT_EQUAL(npu_inf_barrier(&b, 64, 1, 1), NPU_INF_ERR_ARG);
	CU_ASSERT_EQUAL_FATAL(npu_inf_init(&b, buf, va, size, cap), NPU_INF_OK);
	CU_ASSERT_EQUAL(npu_inf_dpu(&b, 0, 0, 0, NULL, 3, NULL), NPU_INF_ERR_ARG);
	CU_ASSERT_EQUAL(npu_inf_act(&b, 0, 0, NPU_CMX_BASE, 0, 0), NPU_INF_ERR_ARG);  /* no range */
}

/* ---- Validation, fuzzed ------------------------------------------------------------ */

static uint32_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift32: the test's own generator, the same sequence everywhere */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t rnd_in(uint32_t lo, uint32_t hi)       /* [lo, hi] */
{
	return lo + rnd() % (hi - lo + 1);
}

/* What a mutation may change besides the structures: the command's HPI
 * pointer and width. */
struct cmd_args {
	uint64_t hpi;
	uint32_t width;
};

struct mutation {
	const char *field;
	uint32_t status;
	const char *log;
	void (*apply)(struct inf *f, struct cmd_args *c);
	bool compute;                   /* on the chain + DPU and activation tasks */
};

/* The chain plus one invariant with two variants on tile 0 and one
 * activation invocation: right as structures, so each field of theirs can
 * be made wrong (what the engines would do with it does not matter). */
static const uint32_t compute_cap[NPU_INF_LISTS] = { 4, 4, 1, 3, 1, 1, 8 };

static uint64_t build_compute(struct inf *f, uint64_t in, uint64_t out, uint64_t out2,
			      uint32_t len)
{
	npu_inf_dpu(&f->b, 0, 0, 0, NULL, 2, NULL);
	npu_inf_range(&f->b, 1);
	npu_inf_act(&f->b, 0, 0, WORKSPACE + 0x20000, 0, 0);
	return build_chain(f, in, out, out2, len);
}

static struct npu_dpu_invariant *INV(struct inf *f) { return npu_inf_elem(&f->b, NPU_INF_INV, 0); }
static struct npu_dpu_variant *VAR(struct inf *f, unsigned i)
{
	return npu_inf_elem(&f->b, NPU_INF_VAR, i);
}
static struct npu_act_kernel_invocation *INVO(struct inf *f)
{
	return npu_inf_elem(&f->b, NPU_INF_INVO, 0);
}

static struct npu_mapped_inference *MI(struct inf *f) { return npu_inf_mapped(&f->b); }
static struct npu_host_parsed_inference *HPI(struct inf *f) { return npu_inf_hpi(&f->b); }
static struct npu_dma_task *DT(struct inf *f, unsigned e, unsigned i)
{
	return npu_inf_elem(&f->b, e ? NPU_INF_DMA1 : NPU_INF_DMA0, i);
}
static struct npu_barrier_count_config *BC(struct inf *f, unsigned i)
{
	return npu_inf_elem(&f->b, NPU_INF_BAR, i);
}
static struct npu_task_reference *list_ref(struct inf *f, unsigned l)
{
	struct npu_mapped_inference *m = MI(f);
	struct npu_task_reference *r[] = { &m->dma_tasks[0], &m->dma_tasks[1], &m->invariants,
		&m->variants, &m->act_kernel_ranges, &m->act_kernel_invocations,
		&m->barrier_configs };

	return r[l];
}
static const uint32_t list_caps[] = { 256, 256, 32, 256, 32, 64, 4096 };
static const uint32_t list_align[] = { 64, 64, 8, 4, 4, 8, 4 };

static void m_hpi_align(struct inf *f, struct cmd_args *c) { (void)f; c->hpi += rnd_in(1, 7); }
static void m_width(struct inf *f, struct cmd_args *c) { (void)f; c->width = rnd_in(0, 383); }
static void m_hpi_low(struct inf *f, struct cmd_args *c)
{
	(void)f;
	c->hpi = (uint64_t)rnd_in(1, (NPU_LRT_CTX_WINDOW_BASE >> 3) - 1) << 3;
}
static void m_hpi_high(struct inf *f, struct cmd_args *c)
{
	(void)f;
	c->hpi = (1ull << 32) + ((uint64_t)rnd() << 3);
}
static void m_hpi_unmapped(struct inf *f, struct cmd_args *c)
{
	c->hpi = f->bo.va + f->bo.size + 8ull * rnd_in(0, 511);   /* the hole after the BO */
}
static void m_slices(struct inf *f, struct cmd_args *c)
{
	(void)c;
	HPI(f)->resource_requirements_.nn_slice_count_ = (uint8_t)rnd_in(3, 255);
}
static void m_barriers(struct inf *f, struct cmd_args *c)
{
	(void)c;
	HPI(f)->resource_requirements_.nn_barriers_ = (uint8_t)rnd_in(65, 255);
}
static void m_slice_len(struct inf *f, struct cmd_args *c)
{
	(void)c;
	HPI(f)->resource_requirements_.nn_slice_length_ = NPU_CMX_SLICE_SIZE + rnd_in(1, 1u << 30);
}
static void m_mapped_0(struct inf *f, struct cmd_args *c) { (void)c; HPI(f)->mapped_.count = 0; }
static void m_mapped_n(struct inf *f, struct cmd_args *c)
{
	(void)c;
	HPI(f)->mapped_.count = rnd_in(2, 1000);
}
static void m_mapped_align(struct inf *f, struct cmd_args *c)
{
	(void)c;
	HPI(f)->mapped_.address += rnd_in(1, 63);
}
static void m_mapped_high(struct inf *f, struct cmd_args *c)
{
	(void)c;
	HPI(f)->mapped_.address = (uint64_t)rnd_in(1, 0xFFFF) << 32;
}
static void m_api(struct inf *f, struct cmd_args *c)
{
	uint32_t major;

	(void)c;
	do
		major = rnd_in(0, 0xFFFF);
	while (major == NPU_NNRT_API_MAJOR);
	MI(f)->vpu_nnrt_api_ver = NPU_API_VERSION(major, rnd_in(0, 0xFFFF));
}
static void m_count(struct inf *f, struct cmd_args *c)
{
	unsigned l = rnd_in(0, 6);

	(void)c;
	list_ref(f, l)->count = list_caps[l] + (rnd() & 1 ? rnd_in(1, 1000) : rnd());
}
static void m_list_align(struct inf *f, struct cmd_args *c)
{
	unsigned l = rnd() & 1 ? NPU_INF_BAR : rnd_in(0, 1);

	(void)c;
	list_ref(f, l)->address += rnd_in(1, list_align[l] - 1);
}
static void m_list_outside(struct inf *f, struct cmd_args *c)
{
	unsigned l = rnd() & 1 ? NPU_INF_BAR : rnd_in(0, 1);
	struct npu_task_reference *r = list_ref(f, l);

	(void)c;
	if (rnd() & 1)
		r->address = (uint64_t)rnd_in(1, 0x1000000) * 64;          /* below the window */
	else            /* starts below 4 GiB, ends above it */
		r->address = (1ull << 32) - list_align[l] *
			     (uint64_t)rnd_in(1, (uint32_t)(r->count * (l == NPU_INF_BAR ? 12 : 128) - 1) /
					     list_align[l]);
}
static void m_storage(struct inf *f, struct cmd_args *c)
{
	(void)c;
	MI(f)->task_storage_counts_.dma_count = rnd_in(0, 3);   /* 4 DMA tasks */
}
static void m_real_id(struct inf *f, struct cmd_args *c)
{
	(void)c;
	BC(f, rnd_in(0, 2))->real_id_ = (uint8_t)rnd_in(64, 255);
}
static void m_next_back(struct inf *f, struct cmd_args *c)
{
	(void)c;
	BC(f, rnd_in(1, 2))->next_same_id_ = rnd_in(0, 1);     /* not a later entry */
}
static void m_next_far(struct inf *f, struct cmd_args *c)
{
	(void)c;
	BC(f, 0)->next_same_id_ = rnd_in(3, 0xFFFFFFFE);
}
static void m_next_other(struct inf *f, struct cmd_args *c)
{
	(void)c;
	BC(f, 0)->next_same_id_ = 1;                            /* entry 1 is barrier 40 */
}
static void m_mask(struct inf *f, struct cmd_args *c)
{
	unsigned e = rnd() & 1, i = rnd() & 1, b;
	struct npu_dma_task *t = DT(f, e, i);

	(void)c;
	do
		b = rnd_in(0, 63);
	while (b == 3 || b == 40);
	t->transaction_.config |= NPU_DMA_CFG_BARRIER_EN;
	if (rnd() & 1)
		t->transaction_.u.barriers1d.cons_mask |= BIT(b);
	else
		t->transaction_.u.barriers1d.prod_mask |= BIT(b);
}
static void m_2d(struct inf *f, struct cmd_args *c)
{
	struct npu_dma_task *t = DT(f, rnd() & 1, rnd() & 1);

	(void)c;
	if (rnd() & 1)
		t->transaction_.config |= NPU_DMA_TYPE_2D;
	else
		t->transaction_.planes_task |= rnd_in(1, 255);
}
static void m_len(struct inf *f, struct cmd_args *c)
{
	(void)c;
	DT(f, rnd() & 1, rnd() & 1)->transaction_.length = NPU_COPY_DESC_SIZE_MAX + rnd_in(1, 1u << 30);
}
static void m_dma_fault(struct inf *f, struct cmd_args *c)
{
	struct npu_dma_task *t = DT(f, 1, 0);                   /* the first stage's source */

	(void)c;
	t->transaction_.src = f->bo.va + f->bo.size + 64ull * rnd_in(0, 63);
}

static void m_cluster(struct inf *f, struct cmd_args *c)
{
	(void)c;
	INV(f)->cluster = (uint8_t)rnd_in(2, 255);
}
static void m_var_count_0(struct inf *f, struct cmd_args *c) { (void)c; INV(f)->variant_count = 0; }
static void m_var_count_big(struct inf *f, struct cmd_args *c)
{
	(void)c;
	INV(f)->variant_count = (uint16_t)rnd_in(3, 0xFFFF);
}
static void m_var_index(struct inf *f, struct cmd_args *c)
{
	(void)c;
	VAR(f, rnd() & 1)->invariant_index = rnd_in(1, 0xFFFFFFFF);
}
static void m_var_cluster(struct inf *f, struct cmd_args *c)
{
	(void)c;
	VAR(f, rnd() & 1)->cluster = (uint8_t)rnd_in(1, 255);
}
static void m_var_left(struct inf *f, struct cmd_args *c)
{
	(void)c;
	MI(f)->variants.count = 3;                              /* one not owned by any invariant */
	MI(f)->task_storage_counts_.dpu_variant_count = 3;
}
static void m_range_index(struct inf *f, struct cmd_args *c)
{
	(void)c;
	INVO(f)->kernel_range_index = rnd_in(1, 0xFFFFFFFF);
}
static void m_invo_tile(struct inf *f, struct cmd_args *c)
{
	(void)c;
	INVO(f)->invo_tile = rnd_in(2, 0xFFFFFFFF);
}
static void m_kernel_args(struct inf *f, struct cmd_args *c)
{
	(void)c;
	if (rnd() & 1)
		INVO(f)->kernel_args |= rnd_in(1, 3);           /* misaligned */
	else if (rnd() & 1)
		INVO(f)->kernel_args = rnd_in(0, NPU_CMX_BASE - 4) & ~3u;
	else
		INVO(f)->kernel_args = (NPU_CMX_BASE + NPU_CMX_SIZE + rnd_in(0, 0x10000000)) & ~3u;
}
static void m_compute_mask(struct inf *f, struct cmd_args *c)
{
	unsigned b;

	(void)c;
	do
		b = rnd_in(0, 63);
	while (b == 3 || b == 40);
	if (rnd() & 1)
		INV(f)->barriers.wait_mask |= BIT(b);
	else
		INVO(f)->barriers.post_mask |= BIT(b);
}

static const struct mutation mutations[] = {
	{ "host_mapped_inference.address misaligned", NPU_JSM_STATUS_PARSING_ERR,
	  "host_mapped_inference.address", m_hpi_align, false },
	{ "host_mapped_inference.width", NPU_JSM_STATUS_PARSING_ERR,
	  "host_mapped_inference.width", m_width, false },
	{ "HPI below the user range", NPU_JSM_STATUS_PARSING_ERR, "outside the user range", m_hpi_low, false },
	{ "HPI above 4 GiB", NPU_JSM_STATUS_PARSING_ERR, "above 4 GiB", m_hpi_high, false },
	{ "HPI unmapped", NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "host-parsed inference at 0x",
	  m_hpi_unmapped, false },
	{ "nn_slice_count_", NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "nn_slice_count_", m_slices, false },
	{ "nn_barriers_", NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "nn_barriers_", m_barriers, false },
	{ "nn_slice_length_", NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "nn_slice_length_",
	  m_slice_len, false },
	{ "mapped_.count 0", NPU_JSM_STATUS_PARSING_ERR, "mapped_.count 0", m_mapped_0, false },
	{ "mapped_.count > 1", NPU_JSM_STATUS_MVNCI_UNSUPPORTED_NETWORK_ELEMENT, "mapped_.count",
	  m_mapped_n, false },
	{ "mapped_.address misaligned", NPU_JSM_STATUS_PARSING_ERR, "mapped_.address",
	  m_mapped_align, false },
	{ "mapped_.address above 4 GiB", NPU_JSM_STATUS_PARSING_ERR, "mapped_.address",
	  m_mapped_high, false },
	{ "vpu_nnrt_api_ver", NPU_JSM_STATUS_MVNCI_WRONG_INPUT_FORMAT, "vpu_nnrt_api_ver", m_api, false },
	{ "a list's count", NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, ".count", m_count, false },
	{ "a list's alignment", NPU_JSM_STATUS_PARSING_ERR, "aligned", m_list_align, false },
	{ "a list outside the user range", NPU_JSM_STATUS_PARSING_ERR, "is not inside the user range",
	  m_list_outside, false },
	{ "task_storage_counts_", NPU_JSM_STATUS_PARSING_ERR, "task_storage_counts_", m_storage, false },
	{ "real_id_", NPU_JSM_STATUS_PARSING_ERR, "real_id_", m_real_id, false },
	{ "next_same_id_ backwards", NPU_JSM_STATUS_PARSING_ERR, "is not a later entry", m_next_back, false },
	{ "next_same_id_ past the end", NPU_JSM_STATUS_PARSING_ERR, "next_same_id_", m_next_far, false },
	{ "next_same_id_ to another barrier", NPU_JSM_STATUS_PARSING_ERR,
	  "barrier_configs[2] uses barrier 3, but the previous use links to 1", m_next_other, false },
	{ "a DMA task's barrier mask", NPU_JSM_STATUS_PARSING_ERR, "which no barrier config programs",
	  m_mask, false },
	{ "a 2D DMA task", NPU_JSM_STATUS_MVNCI_UNSUPPORTED_NETWORK_ELEMENT, "only 1D", m_2d, false },
	{ "a DMA task's length", NPU_JSM_STATUS_PARSING_ERR, "is above 16 MB", m_len, false },
	{ "a DMA task's source unmapped", NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "context fault",
	  m_dma_fault, false },
	{ "invariant cluster", NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "invariants[0].cluster",
	  m_cluster, true },
	{ "variant_count 0", NPU_JSM_STATUS_PARSING_ERR, "invariants[0].variant_count 0",
	  m_var_count_0, true },
	{ "variant_count too big", NPU_JSM_STATUS_PARSING_ERR, "2 of 2 variants are left",
	  m_var_count_big, true },
	{ "a variant's invariant_index", NPU_JSM_STATUS_PARSING_ERR, "but it belongs to invariants[0]",
	  m_var_index, true },
	{ "a variant's cluster", NPU_JSM_STATUS_PARSING_ERR, "but it belongs to invariants[0]",
	  m_var_cluster, true },
	{ "a variant of no invariant", NPU_JSM_STATUS_PARSING_ERR,
	  "variants.count 3, but the invariants have 2", m_var_left, true },
	{ "kernel_range_index", NPU_JSM_STATUS_PARSING_ERR, "kernel_range_index", m_range_index,
	  true },
	{ "invo_tile", NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "invo_tile", m_invo_tile, true },
	{ "kernel_args", NPU_JSM_STATUS_PARSING_ERR, "kernel_args", m_kernel_args, true },
	{ "a compute task's barrier mask", NPU_JSM_STATUS_PARSING_ERR,
	  "which no barrier config programs", m_compute_mask, true },
};
#define NMUT (sizeof(mutations) / sizeof(mutations[0]))

/* Each round: a fresh good inference with one field made bad, then the good
 * one: the bad ends with its status and a log line naming the field, the
 * firmware runs on, and the next job runs. */
static void test_validation_fuzz(void)
{
	struct host H;
	struct queue q;
	struct ubo io, ev;
	const uint32_t len = 256;
	uint32_t id = 0x200, rounds = 3 * NMUT;
	unsigned hits[NMUT] = { 0 };
	const char *seed = getenv("INF_SEED");

	rng_state = seed ? (uint32_t)strtoul(seed, NULL, 0) : 1u;
	if (!rng_state)
		rng_state = 1;
	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	io = ubo_new(&H, SSID_A, 3 * SZ_4K);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	for (uint32_t r = 0; r < rounds; r++) {
		/* every mutation at least once, then random ones */
		unsigned k = r < NMUT ? r : rnd() % NMUT;
		struct inf bad, good;
		struct cmd_args c;
		uint8_t *in = up(&H, &io, 0, len), *out2 = up(&H, &io, 2 * SZ_4K, len);
		uint32_t st;

		hits[k]++;
		inf_new(&H, &bad, SSID_A, mutations[k].compute ? compute_cap : chain_cap);
		c.hpi = (mutations[k].compute ? build_compute : build_chain)(&bad, io.va,
			io.va + SZ_4K, io.va + 2 * SZ_4K, len);
		c.width = (uint32_t)bad.bo.size;
		mutations[k].apply(&bad, &c);
		submit(&H, &q, id, cb_infer(&H, SSID_A, c.hpi, c.width, ev.va, id));
		st = status_of(&H, id);
		CU_ASSERT_EQUAL(st, mutations[k].status);
		if (st != mutations[k].status)
			fprintf(stderr, "\n  round %u, %s: status 0x%x, expected 0x%x\n", r,
				mutations[k].field, st, mutations[k].status);
		CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 0);       /* the job ended at the inference */
		mh_advance(&H.h, 1 * MS);
		if (!log_has(&H, &H.log_verb, mutations[k].log)) {
			CU_FAIL("the firmware log does not name the field");
			fprintf(stderr, "\n  round %u, %s: no \"%s\" in the log\n", r,
				mutations[k].field, mutations[k].log);
		}
		/* the firmware runs on: a good inference next */
		fill_bytes(in, len, r);
		inf_new(&H, &good, SSID_A, chain_cap);
		c.hpi = build_chain(&good, io.va, io.va + SZ_4K, io.va + 2 * SZ_4K, len);
		submit(&H, &q, id + 1, cb_infer(&H, SSID_A, c.hpi, (uint32_t)good.bo.size, ev.va,
						id + 1));
		CU_ASSERT_EQUAL(status_of(&H, id + 1), NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT_EQUAL(memcmp(out2, in, len), 0);
		CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), id + 1);
		mh_w64(&H.h, ev.pa, 0);
		id += 2;
		if (user_next[SSID_A] > NPU_VA_USER_START + (200ull << 20))
			break;                                 /* VA space for BOs: enough */
	}
	for (unsigned k = 0; k < NMUT; k++)
		CU_ASSERT(hits[k] > 0);
	CU_ASSERT_NOT_EQUAL(dsu_state(&H), NPU_DSU_STATE_HALTED);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* DMA -> activation -> DMA: the input and the kernel's argument block go to
 * the CMX by two DMA tasks (both producers of barrier 1), a RELU invocation
 * on tile 1 waits on barrier 1 and posts barrier 2, the result goes back
 * by a DMA task on the other engine that waits on barrier 2. int8 in and
 * out, scale 1, zero point 0: out = max(in, 0) exactly. */
static void test_act_inference(void)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 2, 1, 0, 0, 1, 1, 2 };
	struct host H;
	struct queue q;
	struct ubo io, ev;
	struct inf f;
	struct npu_act_args *a;
	uint64_t hpi;
	const uint32_t n = 3000, X = WORKSPACE + NPU_CMX_SLICE_SIZE, Y = X + 0x4000,
		       ARGS = X + 0x8000;
	int8_t *in, *out;
	int r;

	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	io = ubo_new(&H, SSID_A, 3 * SZ_4K);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	in = up(&H, &io, 0, n);
	out = up(&H, &io, SZ_4K, n);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (int8_t)(i * 37u + 11u);
	memset(out, 0x7F, n);
	a = up(&H, &io, 2 * SZ_4K, sizeof(*a));
	memset(a, 0, sizeof(*a));
	a->input = X;
	a->output = Y;
	a->count = n;
	a->in_type = a->out_type = NPU_ACT_TYPE_I8;
	a->in_scale = a->out_scale = 1.0f;
	inf_new(&H, &f, SSID_A, cap);
	npu_inf_barrier(&f.b, 1, 2, 1);
	npu_inf_barrier(&f.b, 2, 1, 1);
	npu_inf_dma(&f.b, 0, io.va, X, n, 0, BIT(1));
	npu_inf_dma(&f.b, 0, io.va + 2 * SZ_4K, ARGS, sizeof(*a), 0, BIT(1));
	r = npu_inf_range(&f.b, NPU_ACT_KERNEL_RELU);
	npu_inf_act(&f.b, 1, (uint32_t)r, ARGS, BIT(1), BIT(2));
	npu_inf_dma(&f.b, 1, Y, io.va + SZ_4K, n, BIT(2), 0);
	hpi = npu_inf_finish(&f.b);
	CU_ASSERT_FATAL(hpi != 0);
	submit(&H, &q, 0x650, cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, ev.va, 1));
	CU_ASSERT_EQUAL(status_of(&H, 0x650), NPU_JSM_STATUS_SUCCESS);
	for (uint32_t i = 0; i < n; i++)
		if (out[i] != (in[i] > 0 ? in[i] : 0)) {
			CU_FAIL("RELU result");
			fprintf(stderr, "\n  out[%u] = %d for in %d\n", i, out[i], in[i]);
			break;
		}
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 1);

	/* a kernel id the engines do not have: the engine's error ends the job */
	((struct npu_act_kernel_range *)npu_inf_elem(&f.b, NPU_INF_RANGE, 0))->kernel_entry = 0x77;
	submit(&H, &q, 0x651, cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, ev.va, 2));
	CU_ASSERT_EQUAL(status_of(&H, 0x651), NPU_JSM_STATUS_PROCESSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "act 2 invocation 0: engine error 1"));
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 1);
	teardown(&H);
}

/* A DPU task whose register image the engine refuses (all zeros: no
 * operation it supports, ERR_DESC): the firmware ends the inference with
 * PROCESSING_ERR and says which task and error; the next job runs. */
static void test_compute_refused_by_dpu(void)
{
	struct host H;
	struct queue q;
	struct ubo io, ev;
	struct inf f, g;
	uint64_t hpi;

	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	io = ubo_new(&H, SSID_A, 3 * SZ_4K);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	inf_new(&H, &f, SSID_A, compute_cap);
	hpi = build_compute(&f, io.va, io.va + SZ_4K, io.va + 2 * SZ_4K, 256);
	submit(&H, &q, 0x600, cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, ev.va, 1));
	CU_ASSERT_EQUAL(status_of(&H, 0x600), NPU_JSM_STATUS_PROCESSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "tile 0 invariant 0: engine error 1"));
	inf_new(&H, &g, SSID_A, chain_cap);
	hpi = build_chain(&g, io.va, io.va + SZ_4K, io.va + 2 * SZ_4K, 256);
	submit(&H, &q, 0x601, cb_infer(&H, SSID_A, hpi, (uint32_t)g.bo.size, ev.va, 2));
	CU_ASSERT_EQUAL(status_of(&H, 0x601), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 2);
	teardown(&H);
}


/* ---- The worked network (npu-format/inference_net.h) ------------------------------ */

/* conv -> RELU -> max pool -> FC through DMA, both DPUs, an activation
 * engine and barriers; int8 bit-exact and fp16 bit-exact against the
 * reference (both round the same way: docs/compute-dpu.md §5). Each runs
 * twice, then a copy whose conv weights table lies outside the CMX ends
 * with the DPU's address error, and the next job runs. */
static void run_network(enum npu_net_type t, uint32_t id)
{
	struct host H;
	struct queue q;
	struct ubo inf, data, ev;
	uint8_t *d, expect[32];
	size_t n = npu_net_out_size(t);
	uint64_t hpi;

	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	inf = ubo_new(&H, SSID_A, NPU_NET_INF_SIZE);
	data = ubo_new(&H, SSID_A, NPU_NET_DATA_SIZE);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	d = up(&H, &data, 0, NPU_NET_DATA_SIZE);
	hpi = npu_net_build(t, 7, up(&H, &inf, 0, NPU_NET_INF_SIZE), inf.va, d, data.va);
	CU_ASSERT_FATAL(hpi != 0);
	npu_net_reference(t, d, expect);
	for (unsigned run = 0; run < 2; run++) {
		memset(d + NPU_NET_OUT_OFF, 0xEE, n);
		submit(&H, &q, id + run, cb_infer(&H, SSID_A, hpi, NPU_NET_INF_SIZE, ev.va,
						  run + 1));
		CU_ASSERT_EQUAL(status_of(&H, id + run), NPU_JSM_STATUS_SUCCESS);
		CU_ASSERT_EQUAL(memcmp(d + NPU_NET_OUT_OFF, expect, n), 0);
		if (memcmp(d + NPU_NET_OUT_OFF, expect, n))
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, "%s  out[%zu] 0x%02x expected 0x%02x", i ? "" : "\n",
					i, d[NPU_NET_OUT_OFF + i], expect[i]);
		CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), run + 1);
	}
	/* the reference is not trivial: the outputs differ from each other */
	{
		unsigned distinct = 0;

		for (size_t i = 1; i < n; i++)
			distinct += expect[i] != expect[0];
		CU_ASSERT(distinct > n / 2);
	}

	/* the conv's first workload points its weights table outside the CMX */
	npu_net_set_conv_table(up(&H, &inf, 0, NPU_NET_INF_SIZE), inf.va, 0x00F00000u);
	memset(d + NPU_NET_OUT_OFF, 0xEE, n);
	submit(&H, &q, id + 2, cb_infer(&H, SSID_A, hpi, NPU_NET_INF_SIZE, ev.va, 3));
	CU_ASSERT_EQUAL(status_of(&H, id + 2), NPU_JSM_STATUS_PROCESSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "tile 0 invariant 0: engine error 2"));
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 2);            /* the job ended there */
	CU_ASSERT_EQUAL(d[NPU_NET_OUT_OFF], 0xEE);           /* nothing stored */
	CU_ASSERT(H.h.guest_errors > 0);                     /* the DPU named the field */
	H.h.guest_errors = 0;

	/* fixed again: the next job runs and is right */
	npu_net_set_conv_table(up(&H, &inf, 0, NPU_NET_INF_SIZE), inf.va,
			       npu_net_cmx_base() + 0x2000u);
	submit(&H, &q, id + 3, cb_infer(&H, SSID_A, hpi, NPU_NET_INF_SIZE, ev.va, 4));
	CU_ASSERT_EQUAL(status_of(&H, id + 3), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(d + NPU_NET_OUT_OFF, expect, n), 0);
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 4);
	teardown(&H);
}

static void test_network_int8(void) { run_network(NPU_NET_INT8, 0x900); }
static void test_network_fp16(void) { run_network(NPU_NET_FP16, 0x910); }

/* ---- Deadlock, faults, other queues ------------------------------------------------ */

/* A barrier with two producers but one producing task: the task waiting on
 * it can never start. The job ends with PROCESSING_ERR and a line that
 * says which task waits on which barrier, instead of hanging; the next
 * job runs. The same for a task whose barrier has no use left. */
static void test_deadlock(void)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 2, 2, 0, 0, 0, 0, 4 };
	struct host H;
	struct queue q;
	struct ubo io, ev;
	struct inf f, g;
	uint64_t hpi;

	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	io = ubo_new(&H, SSID_A, 2 * SZ_4K);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	inf_new(&H, &f, SSID_A, cap);
	npu_inf_barrier(&f.b, 7, 2, 1);                         /* two producers ... */
	npu_inf_dma(&f.b, 0, io.va, WORKSPACE, 64, 0, BIT(7));  /* ... but one */
	npu_inf_dma(&f.b, 1, WORKSPACE, io.va + SZ_4K, 64, BIT(7), 0);
	hpi = npu_inf_finish(&f.b);
	submit(&H, &q, 0x300, cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, ev.va, 1));
	CU_ASSERT_EQUAL(status_of(&H, 0x300), NPU_JSM_STATUS_PROCESSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "deadlock: 1 tasks left, nothing runs; dma_tasks[1][0] "
			  "waits on barrier 7 (in use, 1 producers left)"));
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 0);

	/* a barrier's last use is over before the task waiting on it starts */
	inf_new(&H, &g, SSID_A, cap);
	npu_inf_barrier(&g.b, 9, 1, 1);
	npu_inf_dma(&g.b, 0, io.va, WORKSPACE, 64, 0, BIT(9));
	npu_inf_dma(&g.b, 1, WORKSPACE, io.va + SZ_4K, 64, BIT(9), 0);
	npu_inf_dma(&g.b, 1, WORKSPACE, io.va + SZ_4K, 64, BIT(9), 0);  /* a second consumer */
	hpi = npu_inf_finish(&g.b);
	submit(&H, &q, 0x301, cb_infer(&H, SSID_A, hpi, (uint32_t)g.bo.size, ev.va, 2));
	CU_ASSERT_EQUAL(status_of(&H, 0x301), NPU_JSM_STATUS_PROCESSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "dma_tasks[1][1] waits on barrier 9 (no use left"));

	/* the firmware runs on */
	inf_new(&H, &g, SSID_A, chain_cap);
	hpi = build_chain(&g, io.va, io.va + 2048, io.va + SZ_4K, 512);
	submit(&H, &q, 0x302, cb_infer(&H, SSID_A, hpi, (uint32_t)g.bo.size, ev.va, 3));
	CU_ASSERT_EQUAL(status_of(&H, 0x302), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 3);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* A DMA task of context A faults (its destination is not mapped): the
 * job ends USER_CTX_VIOL_ERR as a copy's would, the MMU records the
 * event with A's SSID (the host then aborts A, hw-facts §14.11), and
 * context B's inference, queued behind it, runs. */
static void test_fault_in_inference(void)
{
	struct host H;
	struct queue qa, qb;
	struct ubo ioa, iob, eva, evb;
	struct inf fa, fb;
	uint64_t hpi, faults;
	const uint32_t len = 1024;

	setup(&H);
	ctx_create(&H, SSID_B);
	qa = queue_new(&H, 1);
	qb = queue_new(&H, 2);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qa, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qb, SSID_B), 0);
	ioa = ubo_new(&H, SSID_A, 3 * SZ_4K);
	iob = ubo_new(&H, SSID_B, 3 * SZ_4K);
	eva = ubo_new(&H, SSID_A, SZ_4K);
	evb = ubo_new(&H, SSID_B, SZ_4K);
	fill_bytes(up(&H, &iob, 0, len), len, 9);
	inf_new(&H, &fa, SSID_A, chain_cap);
	/* stage 3 writes to the hole after ioa */
	hpi = build_chain(&fa, ioa.va, ioa.va + ioa.size + 512, ioa.va + SZ_4K, len);
	inf_new(&H, &fb, SSID_B, chain_cap);
	faults = H.h.traces[NPUM_TRACE_MMU_FAULT];
	submit(&H, &qa, 0x400, cb_infer(&H, SSID_A, hpi, (uint32_t)fa.bo.size, eva.va, 1));
	hpi = build_chain(&fb, iob.va, iob.va + SZ_4K, iob.va + 2 * SZ_4K, len);
	submit(&H, &qb, 0x401, cb_infer(&H, SSID_B, hpi, (uint32_t)fb.bo.size, evb.va, 2));
	{
		struct npu_jsm_job_done a, b;

		CU_ASSERT_FATAL(job_done(&H, &a, 200));
		CU_ASSERT_FATAL(job_done(&H, &b, 200));
		if (a.job_id != 0x400) {
			struct npu_jsm_job_done t = a;

			a = b;
			b = t;
		}
		CU_ASSERT_EQUAL(a.job_id, 0x400);
		CU_ASSERT_EQUAL(a.job_status, NPU_JSM_STATUS_USER_CTX_VIOL_ERR);
		CU_ASSERT_EQUAL(b.job_id, 0x401);
		CU_ASSERT_EQUAL(b.job_status, NPU_JSM_STATUS_SUCCESS);
	}
	CU_ASSERT(H.h.traces[NPUM_TRACE_MMU_FAULT] > faults);
	CU_ASSERT_EQUAL(H.h.last_fault.u[2], SSID_A);
	CU_ASSERT_EQUAL(mh_r64(&H.h, eva.pa), 0);
	CU_ASSERT_EQUAL(mh_r64(&H.h, evb.pa), 2);
	CU_ASSERT_EQUAL(memcmp(up(&H, &iob, 2 * SZ_4K, len), up(&H, &iob, 0, len), len), 0);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "dma_tasks[1] 1: context fault"));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* While an inference moves 4 MB, a fence job on another queue completes:
 * the scheduler loop is not blocked. */
static void test_other_queues_run(void)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 1, 0, 0, 0, 0, 0, 0 };
	struct host H;
	struct queue q1, q2;
	struct ubo big, ev;
	struct inf f;
	struct npu_jsm_job_done jd;
	uint64_t hpi, batch;
	const uint32_t len = 4u << 20;

	setup(&H);
	q1 = queue_new(&H, 1);
	q2 = queue_new(&H, 2);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q1, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q2, SSID_A), 0);
	big = ubo_new(&H, SSID_A, 2ull * len);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	fill_bytes(up(&H, &big, 0, len), len, 5);
	inf_new(&H, &f, SSID_A, cap);
	npu_inf_dma(&f.b, 0, big.va, big.va + len, len, 0, 0);
	hpi = npu_inf_finish(&f.b);
	submit(&H, &q1, 0x500, cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, 0, 0));
	{
		struct ubo cbo = ubo_new(&H, SSID_A, SZ_4K);
		struct npu_cmd_buffer_header *h = up(&H, &cbo, 0, HDR);
		struct npu_cmd_fence *fc = up(&H, &cbo, HDR, sizeof(*fc));

		memset(h, 0, HDR);
		memset(fc, 0, sizeof(*fc));
		fc->header.type = NPU_CMD_FENCE_SIGNAL;
		fc->header.size = sizeof(*fc);
		fc->offset = ev.va;
		fc->value = 5;
		h->cmd_offset = HDR;
		h->cmd_buffer_size = HDR + sizeof(*fc);
		h->context_save_area_address = cbo.va + 128;
		batch = cbo.va;
	}
	submit(&H, &q2, 0x501, batch);
	CU_ASSERT_FATAL(job_done(&H, &jd, 200));
	CU_ASSERT_EQUAL(jd.job_id, 0x501);                     /* first: it did not wait */
	CU_ASSERT_EQUAL(jd.job_status, NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(status_of(&H, 0x500), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(up(&H, &big, len, len), up(&H, &big, 0, len), len), 0);
	teardown(&H);
}

/* SSID_RELEASE of a context whose inference runs (8 x 4 MB on one engine):
 * the job ends ABORTED (hw-facts §14.11), the engines it held go back once
 * their transfer is over, and the other context's inference then runs. */
static void test_release_during_inference(void)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 8, 0, 0, 0, 0, 0, 0 };
	struct host H;
	struct queue qa, qb;
	struct ubo big, ioa, eva;
	struct inf fb, fa;
	union npu_jsm_payload p;
	struct npu_jsm_msg rsp;
	uint64_t hpi;
	const uint32_t len = 4u << 20;

	setup(&H);
	ctx_create(&H, SSID_B);
	qa = queue_new(&H, 1);
	qb = queue_new(&H, 2);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qa, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &qb, SSID_B), 0);
	big = ubo_new(&H, SSID_B, 2ull * len);
	ioa = ubo_new(&H, SSID_A, 3 * SZ_4K);
	eva = ubo_new(&H, SSID_A, SZ_4K);
	inf_new(&H, &fb, SSID_B, cap);
	for (unsigned i = 0; i < 8; i++)
		npu_inf_dma(&fb.b, 0, big.va, big.va + len, len, 0, 0);
	hpi = npu_inf_finish(&fb.b);
	submit(&H, &qb, 0x700, cb_infer(&H, SSID_B, hpi, (uint32_t)fb.bo.size, 0, 0));
	mh_advance(&H.h, 100000);                               /* 100 us: it runs */
	memset(&p, 0, sizeof(p));
	p.ssid.host_ssid = SSID_B;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SSID_RELEASE, &p,
				 NPU_JSM_MSG_SSID_RELEASE_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(status_of(&H, 0x700), NPU_JSM_STATUS_ABORTED);
	fill_bytes(up(&H, &ioa, 0, 512), 512, 11);
	inf_new(&H, &fa, SSID_A, chain_cap);
	hpi = build_chain(&fa, ioa.va, ioa.va + SZ_4K, ioa.va + 2 * SZ_4K, 512);
	submit(&H, &qa, 0x701, cb_infer(&H, SSID_A, hpi, (uint32_t)fa.bo.size, eva.va, 7));
	CU_ASSERT_EQUAL(status_of(&H, 0x701), NPU_JSM_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(up(&H, &ioa, 2 * SZ_4K, 512), up(&H, &ioa, 0, 512), 512), 0);
	CU_ASSERT_EQUAL(mh_r64(&H.h, eva.pa), 7);
	mh_advance(&H.h, 5 * MS);
	CU_ASSERT(idle(&H));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	teardown(&H);
}

/* The guest rewrites a barrier config while its inference runs (during a
 * 4 MB first stage): the link of barrier 3's second use now points back
 * at its first. The firmware reads each use as it programs it and ends the
 * job instead of looping; the next job runs. */
static void test_config_changed_while_running(void)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 2, 2, 0, 0, 0, 0, 3 };
	struct host H;
	struct queue q;
	struct ubo big, io, ev;
	struct inf f, g;
	uint64_t hpi, starts;
	const uint32_t len = 4u << 20;

	setup(&H);
	q = queue_new(&H, 1);
	CU_ASSERT_EQUAL_FATAL(register_db(&H, &q, SSID_A), 0);
	big = ubo_new(&H, SSID_A, 2ull * len);
	io = ubo_new(&H, SSID_A, 3 * SZ_4K);
	ev = ubo_new(&H, SSID_A, SZ_4K);
	inf_new(&H, &f, SSID_A, cap);
	npu_inf_barrier(&f.b, 3, 1, 1);
	npu_inf_barrier(&f.b, 40, 1, 1);
	npu_inf_barrier(&f.b, 3, 1, 1);
	npu_inf_dma(&f.b, 1, big.va, big.va + len, len, 0, BIT(3));
	npu_inf_dma(&f.b, 0, io.va, WORKSPACE, 64, BIT(3), BIT(40));
	npu_inf_dma(&f.b, 1, WORKSPACE, io.va + SZ_4K, 64, BIT(40), BIT(3));
	npu_inf_dma(&f.b, 0, io.va + SZ_4K, io.va + 2 * SZ_4K, 64, BIT(3), 0);
	hpi = npu_inf_finish(&f.b);
	starts = H.h.traces[NPUM_TRACE_DMA_START];
	submit(&H, &q, 0x800, cb_infer(&H, SSID_A, hpi, (uint32_t)f.bo.size, ev.va, 1));
	/* two list copies, then stage 1 (262 us at the model's 16 GB/s) */
	for (unsigned t = 0; t < 1000 && H.h.traces[NPUM_TRACE_DMA_START] < starts + 3; t++)
		mh_advance(&H.h, 1000);
	CU_ASSERT_FATAL(H.h.traces[NPUM_TRACE_DMA_START] == starts + 3);
	BC(&f, 2)->next_same_id_ = 0;
	CU_ASSERT_EQUAL(status_of(&H, 0x800), NPU_JSM_STATUS_PARSING_ERR);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(log_has(&H, &H.log_verb, "barrier 3: next use 0 is not a later entry below 3 "
			  "(changed while the inference ran)"));
	CU_ASSERT_EQUAL(mh_r64(&H.h, ev.pa), 0);
	inf_new(&H, &g, SSID_A, chain_cap);
	hpi = build_chain(&g, io.va, io.va + SZ_4K, io.va + 2 * SZ_4K, 256);
	submit(&H, &q, 0x801, cb_infer(&H, SSID_A, hpi, (uint32_t)g.bo.size, ev.va, 2));
	CU_ASSERT_EQUAL(status_of(&H, 0x801), NPU_JSM_STATUS_SUCCESS);
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
	s = CU_add_suite("fw_inference", suite_init, NULL);
	CU_add_test(s, "the inference builder: layout, links, refusals", test_builder);
	CU_add_test(s, "DMA-only inference through barriers, two engines, exact",
		    test_dma_inference);
	CU_add_test(s, "fuzzed fields: each ends with its status, the next job runs",
		    test_validation_fuzz);
	CU_add_test(s, "DMA -> activation RELU -> DMA through barriers, exact",
		    test_act_inference);
	CU_add_test(s, "a DPU task the engine refuses: PROCESSING_ERR",
		    test_compute_refused_by_dpu);
	CU_add_test(s, "network int8: conv -> relu -> pool -> FC, bit-exact, bad table",
		    test_network_int8);
	CU_add_test(s, "network fp16: conv -> relu -> pool -> FC, bit-exact, bad table",
		    test_network_fp16);
	CU_add_test(s, "deadlock ends the job with a status", test_deadlock);
	CU_add_test(s, "a fault inside an inference; the other context runs",
		    test_fault_in_inference);
	CU_add_test(s, "other queues run while an inference does", test_other_queues_run);
	CU_add_test(s, "SSID_RELEASE during an inference: ABORTED, the engines come back",
		    test_release_during_inference);
	CU_add_test(s, "a barrier config rewritten while the inference runs",
		    test_config_changed_while_running);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(fw_file);
	return failed ? 1 : 0;
}
