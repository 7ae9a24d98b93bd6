/* SPDX-License-Identifier: MIT */
/*
 * Running a validated inference (infer.c): the task lists are copied into
 * the CMX metadata storage by DMA engine 0 (the two-tile map of hw-facts
 * §16.5, nnrt.h NPU_CMX_MD_*), the barriers get the first use of each from
 * barrier_configs, then every engine is fed its tasks in list order:
 * DMA list n on DMA engine n, the invariants of tile t on the DPU of tile
 * t, the invocations of tile t on that tile's two activation engines
 * (hw-facts §16.3, §16.9).
 *
 * The firmware keeps its own copy of every barrier's counts and starts a
 * task only once each barrier it waits on has no producers left; when the
 * task ends it counts it off (consumer of its wait barriers, producer of
 * its post barriers), and a barrier whose counts both reach 0 gets its
 * next use (next_same_id_). So the scheduler always knows whether anything
 * can still happen: with tasks left, no engine running and no task whose
 * barriers are ready, the inference is deadlocked and ends with
 * PROCESSING_ERR instead of hanging. When the model has the barrier block
 * (lrt.h NPU_LRT_BARRIER_*), the same counts and every task's WAIT/POST
 * masks are programmed into it too, so the engines count themselves off
 * in hardware. docs/compute.md "Scheduling".
 *
 * Each call does a bounded amount of work and returns: other queues keep
 * running while an inference does.
 */
#include "infer.h"

static const uint32_t elem_size[INF_LISTS] = { 128, 128, 304, 64, 24, 64, 12 };
static const uint32_t cmx_at[INF_LISTS] = {
	NPU_CMX_METADATA(0) + NPU_CMX_MD_DMA0, NPU_CMX_METADATA(1) + NPU_CMX_MD_DMA1,
	NPU_CMX_METADATA(0) + NPU_CMX_MD_INVARIANTS, NPU_CMX_METADATA(1) + NPU_CMX_MD_VARIANTS,
	NPU_CMX_METADATA(0) + NPU_CMX_MD_RANGES, NPU_CMX_METADATA(1) + NPU_CMX_MD_INVOCATIONS,
	0,      /* barrier configs stay where they are: the firmware reads them */
};

static uint32_t eng_base(unsigned e)
{
	if (e < INF_E_DPU(0))
		return NPU_LRT_DMA_BASE(e);
	if (e < INF_E_ACT(0))
		return NPU_LRT_DPU_BASE(e - INF_E_DPU(0));
	return NPU_LRT_ACT_BASE(e - INF_E_ACT(0));
}

static void wr64(uint32_t lo, uint64_t v)
{
	plat_wr(lo, (uint32_t)v);
	plat_wr(lo + 4, (uint32_t)(v >> 32));
}

/* The DMA engines stay the inference's between its transfers. */
static void hold_dma(unsigned e)
{
	rt.dma_busy[e] = true;
	rt.dma_owner[e] = (uint16_t)inf.db;
}

/* ---- Barriers --------------------------------------------------------------------- */

/* Barrier b starts use cfg (NPU_NNRT_NO_NEXT: it is not used again); a use
 * with both counts 0 is over at once. 0, or a status. */
static uint32_t bar_program(uint32_t b, uint32_t cfg)
{
	struct npu_barrier_count_config c;
	uint32_t status = 0;

	while (cfg != NPU_NNRT_NO_NEXT) {
		/* the guest may rewrite the configs while the inference runs: a
		 * link must still go forward inside the list (no loop, no wrap) */
		if (cfg >= inf.list_n[INF_L_BAR] ||
		    (inf.bar_cfg[b] != NPU_NNRT_NO_NEXT && cfg <= inf.bar_cfg[b]))
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "barrier %lu: next use %lu is "
					"not a later entry below %lu (changed while the inference "
					"ran)", b, cfg, inf.list_n[INF_L_BAR]);
		if (inf_read(inf.list_va[INF_L_BAR] + cfg * 12u, &c, sizeof(c), "barrier config",
			     &status))
			return status;
		if (c.real_id_ != b)    /* changed since it was checked */
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "barrier_configs[%lu] changed "
					"while the inference ran", cfg);
		inf.bar_cfg[b] = cfg;
		inf.bar_next[b] = c.next_same_id_;
		inf.prod[b] = c.producer_count_;
		inf.cons[b] = c.consumer_count_;
		if (inf.hw_barriers) {
			plat_wr(b < 32 ? NPU_LRT_BARRIER_FREED_LO : NPU_LRT_BARRIER_FREED_HI,
				1u << (b % 32));
			plat_wr(NPU_LRT_BARRIER_PRODUCERS(b), c.producer_count_);
			plat_wr(NPU_LRT_BARRIER_CONSUMERS(b), c.consumer_count_);
		}
		if (c.producer_count_ || c.consumer_count_)
			return 0;
		cfg = c.next_same_id_;
	}
	inf.bar_cfg[b] = NPU_NNRT_NO_NEXT;
	return 0;
}

static bool ready(uint64_t wait)
{
	for (uint64_t m = wait; m; m &= m - 1) {
		unsigned b = (unsigned)__builtin_ctzll(m);

		if (inf.bar_cfg[b] == NPU_NNRT_NO_NEXT || inf.prod[b])
			return false;
	}
	return true;
}

/* A task ended: it was a consumer of its wait barriers and a producer of
 * its post barriers. */
static uint32_t count_off(const struct inf_engine *g, const char *what)
{
	uint32_t status;

	for (uint64_t m = g->wait; m; m &= m - 1) {
		unsigned b = (unsigned)__builtin_ctzll(m);

		if (inf.bar_cfg[b] == NPU_NNRT_NO_NEXT || !inf.cons[b])
			return inf_fail(NPU_JSM_STATUS_PROCESSING_ERR, "%s %lu waited on barrier "
					"%u, which has no consumers left", what, g->task, b);
		inf.cons[b]--;
	}
	for (uint64_t m = g->post; m; m &= m - 1) {
		unsigned b = (unsigned)__builtin_ctzll(m);

		if (inf.bar_cfg[b] == NPU_NNRT_NO_NEXT || !inf.prod[b])
			return inf_fail(NPU_JSM_STATUS_PROCESSING_ERR, "%s %lu posts barrier %u, "
					"which has no producers left", what, g->task, b);
		inf.prod[b]--;
	}
	for (uint64_t m = g->wait | g->post; m; m &= m - 1) {
		unsigned b = (unsigned)__builtin_ctzll(m);

		if (!inf.prod[b] && !inf.cons[b]) {
			status = bar_program(b, inf.bar_next[b]);
			if (status)
				return status;
		}
	}
	return 0;
}

/* ---- Starting tasks ------------------------------------------------------------------ */

static void set_masks(unsigned e, uint32_t wait_lo, uint32_t post_lo, const struct inf_engine *g)
{
	if (!inf.hw_barriers)
		return;
	wr64(eng_base(e) + wait_lo, g->wait);
	wr64(eng_base(e) + post_lo, g->post);
}

/* The engines latch WAIT/POST at START and keep them: every transfer that
 * is not a task's (the list copies, later jobs' COPY and FILL) must find 0. */
static void clear_dma_masks(unsigned e)
{
	if (!inf.hw_barriers)
		return;
	wr64(eng_base(e) + NPU_LRT_DMA_WAIT_LO, 0);
	wr64(eng_base(e) + NPU_LRT_DMA_POST_LO, 0);
}

static void start_dma(unsigned e, uint32_t i)
{
	const struct inf_dma *d = &inf.dma[e][i];
	struct inf_engine *g = &inf.eng[INF_E_DMA(e)];

	*g = (struct inf_engine){ .run = true, .task = i, .wait = d->wait, .post = d->post };
	set_masks(INF_E_DMA(e), NPU_LRT_DMA_WAIT_LO, NPU_LRT_DMA_POST_LO, g);
	dma_start_copy(e, d->src, d->dst, d->len, inf.ssid);
}

static void start_engine(unsigned e)
{
	uint32_t base = eng_base(e);

	plat_wr(base + NPU_LRT_ENGINE_STATUS, NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR);
	set_masks(e, NPU_LRT_ENGINE_WAIT_LO, NPU_LRT_ENGINE_POST_LO, &inf.eng[e]);
	plat_wr(base + NPU_LRT_ENGINE_CTRL, NPU_LRT_DMA_CTRL_START);
}

static void start_dpu(unsigned t, uint32_t i)
{
	const struct inf_dpu *d = &inf.dpu[i];
	unsigned e = INF_E_DPU(t);
	uint32_t base = eng_base(e);

	inf.eng[e] = (struct inf_engine){ .run = true, .task = i, .wait = d->wait, .post = d->post };
	plat_wr(base + NPU_LRT_DPU_INVARIANT, cmx_at[INF_L_INV] + i * 304u);
	plat_wr(base + NPU_LRT_DPU_VARIANTS, cmx_at[INF_L_VAR] + d->var_first * 64u);
	plat_wr(base + NPU_LRT_DPU_VARIANT_COUNT, d->var_count);
	start_engine(e);
}

static void start_act(unsigned n, uint32_t i)
{
	const struct inf_act *a = &inf.act[i];
	unsigned e = INF_E_ACT(n);
	uint32_t base = eng_base(e);

	inf.eng[e] = (struct inf_engine){ .run = true, .task = i, .wait = a->wait, .post = a->post };
	plat_wr(base + NPU_LRT_ACT_KERNEL, a->entry);
	plat_wr(base + NPU_LRT_ACT_ARGS, a->args);
	start_engine(e);
}

/* The next task of a DPU or activation queue: the first at or after
 * q_next on its tile. */
static uint32_t next_on_tile(unsigned q, unsigned t)
{
	uint32_t i = inf.q_next[q];

	if (q == INF_Q_DPU(t)) {
		while (i < inf.list_n[INF_L_INV] && inf.dpu[i].tile != t)
			i++;
		return i < inf.list_n[INF_L_INV] ? i : NPU_NNRT_NO_NEXT;
	}
	while (i < inf.list_n[INF_L_INVO] && inf.act[i].tile != t)
		i++;
	return i < inf.list_n[INF_L_INVO] ? i : NPU_NNRT_NO_NEXT;
}

static void dispatch(void)
{
	for (unsigned e = 0; e < NPU_NNRT_DMA_ENGINES; e++) {
		uint32_t i = inf.q_next[INF_Q_DMA(e)];

		if (!inf.eng[INF_E_DMA(e)].run && i < inf.list_n[INF_L_DMA0 + e] &&
		    ready(inf.dma[e][i].wait)) {
			start_dma(e, i);
			inf.q_next[INF_Q_DMA(e)] = i + 1;
		}
	}
	for (unsigned t = 0; t < NPU_NNRT_TILES; t++) {
		uint32_t i = next_on_tile(INF_Q_DPU(t), t);

		if (i != NPU_NNRT_NO_NEXT && !inf.eng[INF_E_DPU(t)].run && ready(inf.dpu[i].wait)) {
			start_dpu(t, i);
			inf.q_next[INF_Q_DPU(t)] = i + 1;
		}
		for (unsigned k = 0; k < 2; k++) {
			unsigned n = 2 * t + k;

			if (inf.eng[INF_E_ACT(n)].run)
				continue;
			i = next_on_tile(INF_Q_ACT(t), t);
			if (i == NPU_NNRT_NO_NEXT || !ready(inf.act[i].wait))
				break;
			start_act(n, i);
			inf.q_next[INF_Q_ACT(t)] = i + 1;
		}
	}
}

/* ---- Completions ----------------------------------------------------------------------- */

static uint32_t dma_error(const char *what, uint32_t i, const struct fw_dma_result *r)
{
	switch (r->code) {
	case NPU_LRT_DMA_ERR_DESC_FAULT:
	case NPU_LRT_DMA_ERR_SRC_FAULT:
	case NPU_LRT_DMA_ERR_DST_FAULT:
		return inf_fail(NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "%s %lu: context fault at "
				"0x%llx (engine error %lu)", what, i, (unsigned long long)r->addr,
				r->code);
	default:
		return inf_fail(NPU_JSM_STATUS_PROCESSING_ERR, "%s %lu: DMA engine error %lu at "
				"0x%llx", what, i, r->code, (unsigned long long)r->addr);
	}
}

static const char *const eng_name[INF_ENGINES] = {
	"dma_tasks[0]", "dma_tasks[1]", "tile 0 invariant", "tile 1 invariant",
	"act 0 invocation", "act 1 invocation", "act 2 invocation", "act 3 invocation",
};

/* Engine e's task: 0 still running or ended well (then counted off), or
 * the status that ends the inference. */
static uint32_t poll_engine(unsigned e)
{
	struct inf_engine *g = &inf.eng[e];
	struct fw_dma_result r;
	uint32_t st;

	if (!g->run)
		return 0;
	if (e < INF_E_DPU(0)) {
		int p = dma_poll(e, &r);

		if (p == FW_DMA_BUSY)
			return 0;
		hold_dma(e);
		g->run = false;
		if (p == FW_DMA_ERROR)
			return dma_error(eng_name[e], g->task, &r);
	} else {
		st = plat_rd(eng_base(e) + NPU_LRT_ENGINE_STATUS);
		if (st & NPU_LRT_DMA_STATUS_BUSY ||
		    !(st & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR)))
			return 0;
		plat_wr(eng_base(e) + NPU_LRT_ENGINE_STATUS,
			st & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR));
		g->run = false;
		if (st & NPU_LRT_DMA_STATUS_ERROR)
			return inf_fail(NPU_JSM_STATUS_PROCESSING_ERR, "%s %lu: engine error %lu",
					eng_name[e], g->task,
					(uint32_t)NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, st));
	}
	inf.left--;
	return count_off(g, eng_name[e]);
}

/* Nothing runs and nothing can start: name the first stuck task. */
static uint32_t deadlock(void)
{
	static const char *const qname[INF_QUEUES] = {
		"dma_tasks[0]", "dma_tasks[1]", "invariants", "invariants",
		"act_kernel_invocations", "act_kernel_invocations",
	};

	for (unsigned q = 0; q < INF_QUEUES; q++) {
		uint32_t i = q < 2 ? inf.q_next[q] : next_on_tile(q, (q - 2) % 2);
		uint64_t wait;

		if (q < 2 ? i >= inf.list_n[INF_L_DMA0 + q] : i == NPU_NNRT_NO_NEXT)
			continue;
		wait = q < 2 ? inf.dma[q][i].wait : q < 4 ? inf.dpu[i].wait : inf.act[i].wait;
		for (uint64_t m = wait; m; m &= m - 1) {
			unsigned b = (unsigned)__builtin_ctzll(m);

			if (inf.bar_cfg[b] == NPU_NNRT_NO_NEXT || inf.prod[b])
				return inf_fail(NPU_JSM_STATUS_PROCESSING_ERR, "deadlock: %lu tasks "
						"left, nothing runs; %s[%lu] waits on barrier %u "
						"(%s, %u producers left)", inf.left, qname[q], i, b,
						inf.bar_cfg[b] == NPU_NNRT_NO_NEXT ? "no use left" :
						"in use", inf.prod[b]);
		}
	}
	return inf_fail(NPU_JSM_STATUS_PROCESSING_ERR, "deadlock: %lu tasks left, nothing runs",
			inf.left);
}

/* ---- Phases ------------------------------------------------------------------------------ */

void inf_sched_start(void)
{
	uint32_t st;

	if (!inf.hw_probed) {
		inf.hw_probed = true;
		inf.hw_barriers = fw_safe_copy(&st, (const void *)(uintptr_t)(NPU_LRT_PERIPH_BASE +
					       NPU_LRT_BARRIER_READY_LO), 4) == 0;
		LOG_INFO("infer: %s", inf.hw_barriers ? "hardware barriers present" :
			 "no hardware barriers: the firmware orders the tasks alone");
	}
	inf.phase = INF_COPY;
	inf.copy_next = 0;
	inf.copy_running = false;
	memset(inf.q_next, 0, sizeof(inf.q_next));
	memset(inf.eng, 0, sizeof(inf.eng));
	inf.left = inf.list_n[INF_L_DMA0] + inf.list_n[INF_L_DMA1] + inf.list_n[INF_L_INV] +
		   inf.list_n[INF_L_INVO];
}

/* One list at a time on DMA engine 0; then the barriers' first uses. */
static uint32_t copy_step(bool *busy)
{
	struct fw_dma_result r;
	uint32_t status;

	*busy = true;
	if (inf.copy_running) {
		int p = dma_poll(0, &r);

		if (p == FW_DMA_BUSY)
			return 0;
		hold_dma(0);
		inf.copy_running = false;
		if (p == FW_DMA_ERROR)
			return dma_error("copy of task list", inf.copy_next, &r);
		inf.copy_next++;
	}
	while (inf.copy_next < INF_L_BAR && !inf.list_n[inf.copy_next])
		inf.copy_next++;
	if (inf.copy_next < INF_L_BAR) {
		clear_dma_masks(0);
		dma_start_copy(0, inf.list_va[inf.copy_next], cmx_at[inf.copy_next],
			       (uint64_t)inf.list_n[inf.copy_next] * elem_size[inf.copy_next],
			       inf.ssid);
		inf.copy_running = true;
		return 0;
	}
	if (inf.hw_barriers) {
		for (uint32_t b = 0; b < NPU_NNRT_BARRIERS; b++) {
			plat_wr(NPU_LRT_BARRIER_PRODUCERS(b), 0);
			plat_wr(NPU_LRT_BARRIER_CONSUMERS(b), 0);
		}
		plat_wr(NPU_LRT_BARRIER_FREED_LO, UINT32_MAX);
		plat_wr(NPU_LRT_BARRIER_FREED_HI, UINT32_MAX);
	}
	for (uint32_t b = 0; b < NPU_NNRT_BARRIERS; b++) {
		inf.bar_cfg[b] = NPU_NNRT_NO_NEXT;
		inf.prod[b] = inf.cons[b] = 0;
		status = bar_program(b, inf.bar_first[b]);
		if (status)
			return status;
	}
	inf.phase = INF_RUN;
	*busy = false;
	return 0;
}

void inf_release(void)
{
	for (unsigned e = 0; e < NPU_LRT_DMA_ENGINES; e++) {
		if (inf.eng[INF_E_DMA(e)].run || (e == 0 && inf.copy_running)) {
			dma_abandon(e);     /* free once its transfer is over */
		} else {
			rt.dma_busy[e] = false;
			rt.dma_owner[e] = 0;
		}
		clear_dma_masks(e);
	}
	/* the barriers keep what a failed inference left: a transfer still
	 * running counts itself off at its end; the next inference starts
	 * (once both engines are free) by clearing them */
	memset(inf.eng, 0, sizeof(inf.eng));
	inf.copy_running = false;
	inf.phase = INF_IDLE;
}

int infer_step(struct fw_job *j, uint32_t *status)
{
	bool busy, running = false;

	(void)j;
	*status = 0;
	if (inf.phase == INF_COPY) {
		*status = copy_step(&busy);
		if (*status || busy)
			goto out;
	}
	for (unsigned e = 0; e < INF_ENGINES && !*status; e++)
		*status = poll_engine(e);
	if (*status)
		goto out;
	if (!inf.left) {
		LOG_DBG("infer: db %lu job 0x%lx inference %llu done", inf.db, inf.job_id,
			(unsigned long long)inf.inference_id);
		inf_release();
		return FW_INF_DONE;
	}
	dispatch();
	for (unsigned e = 0; e < INF_ENGINES; e++)
		running |= inf.eng[e].run;
	if (!running)
		*status = deadlock();
out:
	if (*status) {
		inf_release();
		return FW_INF_DONE;
	}
	return FW_INF_BUSY;
}

void infer_drop(uint32_t db)
{
	if (infer_busy() && inf.db == db)
		inf_release();
}
