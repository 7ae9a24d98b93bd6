/* SPDX-License-Identifier: MIT */
/*
 * INFERENCE_EXECUTE (hw-facts §16.1): host_mapped_inference -> the
 * VpuHostParsedInference -> mapped_ -> the VpuMappedInference (hw-facts
 * §16.3), all read in the job's user context through the context window,
 * then every list and task checked before anything runs. The structures
 * come from the guest: each count, pointer, size and alignment is checked
 * against the structures and the CMX metadata storage (hw-facts §16.5),
 * and the first one wrong ends the job with its status and a log line
 * naming the field (docs/compute.md "Validation"):
 *
 *   PARSING_ERR                 a size, alignment, pointer, index or link
 *   MVNCI_WRONG_INPUT_FORMAT    vpu_nnrt_api_ver of another major
 *   MVNCI_OUT_OF_RESOURCES      more than the storage, tiles or barriers hold
 *   MVNCI_UNSUPPORTED_NETWORK_ELEMENT  what this runtime does not run
 *                               (several mapped inferences, 2D DMA)
 *   MVNCI_NOT_IMPLEMENTED       tasks for engines the model does not have
 *   USER_CTX_VIOL_ERR           a structure the context does not map
 *
 * What was checked is kept in `inf` (DMA transfers, DPU and activation
 * tasks with their barrier masks); infer_sched.c runs it.
 */
#include "infer.h"

struct fw_inf inf;

static const uint32_t elem_size[INF_LISTS] = { 128, 128, 304, 64, 24, 64, 12 };
static const uint32_t elem_align[INF_LISTS] = { 64, 64, 8, 4, 4, 8, 4 };
static const uint32_t list_cap[INF_LISTS] = {
	NPU_NNRT_MAX_DMA_TASKS, NPU_NNRT_MAX_DMA_TASKS, NPU_NNRT_MAX_INVARIANTS,
	NPU_NNRT_MAX_VARIANTS, NPU_NNRT_MAX_RANGES, NPU_NNRT_MAX_INVOCATIONS,
	INF_MAX_BARRIER_CFGS,
};
static const char *const list_name[INF_LISTS] = {
	"dma_tasks[0]", "dma_tasks[1]", "invariants", "variants", "act_kernel_ranges",
	"act_kernel_invocations", "barrier_configs",
};

uint32_t inf_fail(uint32_t status, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	fw_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	LOG_WARN("infer: db %lu job 0x%lx inference %llu: %s -> %s (%lu)", inf.db, inf.job_id,
		 (unsigned long long)inf.inference_id, why, cmdbuf_status_name(status), status);
	return status;
}

/* Reads len bytes of the job's context; 0, or -1 with *status set. */
int inf_read(uint32_t va, void *dst, uint32_t len, const char *what, uint32_t *status)
{
	int err = ctx_read(inf.ssid, va, dst, len);

	if (!err)
		return 0;
	if (err == FW_CTX_OUTSIDE)
		*status = inf_fail(NPU_JSM_STATUS_PARSING_ERR, "%s at 0x%lx is outside the user "
				   "range [0x%lx, 4 GiB)", what, va, (uint32_t)NPU_LRT_CTX_WINDOW_BASE);
	else
		*status = inf_fail(NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "%s at 0x%lx: context fault "
				   "at 0x%lx", what, va, ctx_fault_addr);
	return -1;
}

/* The whole list lies in the context window, aligned, within capacity. */
static uint32_t check_list(enum inf_list l, const struct npu_task_reference *r)
{
	uint64_t bytes;

	if (r->count > list_cap[l])
		return inf_fail(NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "%s.count %llu: the "
				"storage holds %lu", list_name[l], (unsigned long long)r->count,
				list_cap[l]);
	inf.list_n[l] = (uint32_t)r->count;
	if (!r->count) {
		inf.list_va[l] = 0;
		return 0;
	}
	bytes = r->count * elem_size[l];
	if (r->address & (elem_align[l] - 1))
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "%s.address 0x%llx is not %lu-byte "
				"aligned", list_name[l], (unsigned long long)r->address,
				elem_align[l]);
	if (r->address < NPU_LRT_CTX_WINDOW_BASE || r->address >= (1ull << 32) ||
	    bytes > (1ull << 32) - r->address)
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "%s.address 0x%llx + %llu bytes is "
				"not inside the user range [0x%lx, 4 GiB)", list_name[l],
				(unsigned long long)r->address, (unsigned long long)bytes,
				(uint32_t)NPU_LRT_CTX_WINDOW_BASE);
	inf.list_va[l] = (uint32_t)r->address;
	return 0;
}

static uint32_t elem_va(enum inf_list l, uint32_t i)
{
	return inf.list_va[l] + i * elem_size[l];
}

/* barrier_configs: real ids, and next_same_id chains that visit each use
 * of a barrier in list order and end with NPU_NNRT_NO_NEXT. */
static uint32_t check_barriers(void)
{
	uint32_t expect[NPU_NNRT_BARRIERS], status = 0;
	struct npu_barrier_count_config c;

	for (uint32_t b = 0; b < NPU_NNRT_BARRIERS; b++) {
		inf.bar_first[b] = NPU_NNRT_NO_NEXT;
		expect[b] = NPU_NNRT_NO_NEXT;
	}
	inf.bar_used = 0;
	for (uint32_t i = 0; i < inf.list_n[INF_L_BAR]; i++) {
		if (inf_read(elem_va(INF_L_BAR, i), &c, sizeof(c), "barrier config", &status))
			return status;
		if (c.real_id_ >= NPU_NNRT_BARRIERS)
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "barrier_configs[%lu].real_id_ "
					"%u: the NPU has %lu barriers", i, c.real_id_,
					(uint32_t)NPU_NNRT_BARRIERS);
		if (inf.bar_first[c.real_id_] == NPU_NNRT_NO_NEXT) {
			inf.bar_first[c.real_id_] = i;
			inf.bar_used |= 1ull << c.real_id_;
		} else if (expect[c.real_id_] != i) {
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "barrier_configs[%lu] uses "
					"barrier %u, but the previous use links to %ld", i,
					c.real_id_, (long)expect[c.real_id_]);
		}
		if (c.next_same_id_ != NPU_NNRT_NO_NEXT &&
		    (c.next_same_id_ <= i || c.next_same_id_ >= inf.list_n[INF_L_BAR]))
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "barrier_configs[%lu]."
					"next_same_id_ %lu is not a later entry below %lu", i,
					c.next_same_id_, inf.list_n[INF_L_BAR]);
		expect[c.real_id_] = c.next_same_id_;
	}
	for (uint32_t b = 0; b < NPU_NNRT_BARRIERS; b++)
		if (expect[b] != NPU_NNRT_NO_NEXT)
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "the last use of barrier %lu "
					"links to entry %lu, which uses another barrier", b,
					expect[b]);
	return 0;
}

/* A task's masks may name only barriers that some config programs. */
static uint32_t check_masks(const char *what, uint32_t i, uint64_t wait, uint64_t post)
{
	uint64_t bad = (wait | post) & ~inf.bar_used;
	unsigned b;

	if (!bad)
		return 0;
	b = (unsigned)__builtin_ctzll(bad);
	return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "%s[%lu] %s barrier %u, which no barrier "
			"config programs", what, i, (wait >> b) & 1 ? "waits on" : "posts", b);
}

static uint32_t check_dma(void)
{
	struct npu_dma_task t;
	uint32_t status = 0;

	for (uint32_t e = 0; e < NPU_NNRT_DMA_ENGINES; e++)
		for (uint32_t i = 0; i < inf.list_n[INF_L_DMA0 + e]; i++) {
			struct inf_dma *d = &inf.dma[e][i];
			uint64_t cfg;

			if (inf_read(elem_va(INF_L_DMA0 + e, i), &t, sizeof(t), "DMA task",
				     &status))
				return status;
			cfg = t.transaction_.config;
			if (NPU_FLD_GET(NPU_DMA_CFG_TYPE, cfg) != NPU_DMA_TYPE_1D ||
			    NPU_FLD_GET(NPU_DMA_PLANES_NUM, t.transaction_.planes_task))
				return inf_fail(NPU_JSM_STATUS_MVNCI_UNSUPPORTED_NETWORK_ELEMENT,
						"dma_tasks[%lu][%lu]: type %u planes %u: only 1D "
						"single-plane transfers run", e, i,
						(unsigned)NPU_FLD_GET(NPU_DMA_CFG_TYPE, cfg),
						(unsigned)NPU_FLD_GET(NPU_DMA_PLANES_NUM,
								      t.transaction_.planes_task));
			if (t.transaction_.length > NPU_COPY_DESC_SIZE_MAX)
				return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "dma_tasks[%lu][%lu]."
						"length %lu is above 16 MB", e, i,
						t.transaction_.length);
			d->src = t.transaction_.src;
			d->dst = t.transaction_.dst;
			d->len = t.transaction_.length;
			d->wait = d->post = 0;
			if (cfg & NPU_DMA_CFG_BARRIER_EN) {
				d->wait = t.transaction_.u.barriers1d.cons_mask;
				d->post = t.transaction_.u.barriers1d.prod_mask;
			}
			status = check_masks(e ? "dma_tasks[1]" : "dma_tasks[0]", i, d->wait,
					     d->post);
			if (status)
				return status;
		}
	return 0;
}

static uint32_t check_dpu(void)
{
	struct npu_dpu_invariant iv;
	struct npu_dpu_variant v;
	uint32_t status = 0, var = 0;

	for (uint32_t i = 0; i < inf.list_n[INF_L_INV]; i++) {
		struct inf_dpu *d = &inf.dpu[i];

		if (inf_read(elem_va(INF_L_INV, i), &iv, sizeof(iv), "invariant", &status))
			return status;
		if (iv.cluster >= NPU_NNRT_TILES)
			return inf_fail(NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "invariants[%lu]."
					"cluster %u: the NPU has %lu tiles", i, iv.cluster,
					(uint32_t)NPU_NNRT_TILES);
		if (!iv.variant_count || iv.variant_count > inf.list_n[INF_L_VAR] - var)
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "invariants[%lu]."
					"variant_count %u: %lu of %lu variants are left", i,
					iv.variant_count, inf.list_n[INF_L_VAR] - var,
					inf.list_n[INF_L_VAR]);
		d->wait = iv.barriers.wait_mask;
		d->post = iv.barriers.post_mask;
		d->var_first = var;
		d->var_count = iv.variant_count;
		d->tile = iv.cluster;
		status = check_masks("invariants", i, d->wait, d->post);
		if (status)
			return status;
		for (uint32_t k = 0; k < iv.variant_count; k++, var++) {
			if (inf_read(elem_va(INF_L_VAR, var), &v, sizeof(v), "variant", &status))
				return status;
			if (v.invariant_index != i || v.cluster != iv.cluster)
				return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "variants[%lu]: "
						"invariant_index %lu cluster %u, but it belongs "
						"to invariants[%lu] on tile %u", var,
						v.invariant_index, v.cluster, i, iv.cluster);
		}
	}
	if (var != inf.list_n[INF_L_VAR])
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "variants.count %lu, but the "
				"invariants have %lu", inf.list_n[INF_L_VAR], var);
	return 0;
}

static bool in_cmx(uint32_t a, uint32_t len)
{
	return a >= NPU_CMX_BASE && a - NPU_CMX_BASE <= NPU_CMX_SIZE - len;
}

static uint32_t check_act(void)
{
	struct npu_act_kernel_invocation iv;
	struct npu_act_kernel_range r;
	uint32_t status = 0;

	for (uint32_t i = 0; i < inf.list_n[INF_L_INVO]; i++) {
		struct inf_act *a = &inf.act[i];

		if (inf_read(elem_va(INF_L_INVO, i), &iv, sizeof(iv), "kernel invocation",
			     &status))
			return status;
		if (iv.kernel_range_index >= inf.list_n[INF_L_RANGE])
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "act_kernel_invocations[%lu]."
					"kernel_range_index %lu: %lu ranges", i,
					iv.kernel_range_index, inf.list_n[INF_L_RANGE]);
		if (iv.invo_tile >= NPU_NNRT_TILES)
			return inf_fail(NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES,
					"act_kernel_invocations[%lu].invo_tile %lu: the NPU has "
					"%lu tiles", i, iv.invo_tile, (uint32_t)NPU_NNRT_TILES);
		if (!in_cmx(iv.kernel_args, 4) || (iv.kernel_args & 3))
			return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "act_kernel_invocations[%lu]."
					"kernel_args 0x%lx is not a 4-byte aligned CMX address",
					i, iv.kernel_args);
		if (inf_read(elem_va(INF_L_RANGE, iv.kernel_range_index), &r, sizeof(r),
			     "kernel range", &status))
			return status;
		a->wait = iv.barriers.wait_mask;
		a->post = iv.barriers.post_mask;
		a->entry = r.kernel_entry;
		a->args = iv.kernel_args;
		a->tile = (uint8_t)iv.invo_tile;
		status = check_masks("act_kernel_invocations", i, a->wait, a->post);
		if (status)
			return status;
	}
	return 0;
}

/* Engines other than DMA answer when their STATUS register can be read. */
static bool probe(bool *probed, bool *present, uint32_t base, uint32_t irqs)
{
	uint32_t st;

	if (!*probed) {
		*probed = true;
		*present = fw_safe_copy(&st, (const void *)(uintptr_t)(NPU_LRT_PERIPH_BASE + base +
					NPU_LRT_ENGINE_STATUS), 4) == 0;
		if (*present) {
			rt.intc_enable |= irqs;
			plat_wr(NPU_LRT_INTC_ENABLE, rt.intc_enable);
		}
	}
	return *present;
}

/* The HPI and the mapped inference (hw-facts §16.3). */
static uint32_t read_structures(const struct npu_cmd_inference_execute *c)
{
	struct npu_host_parsed_inference hpi;
	struct npu_mapped_inference mi;
	uint64_t hva = c->host_mapped_inference.address, mva;
	uint32_t status = 0;
	const struct npu_task_reference *refs[INF_LISTS] = {
		&mi.dma_tasks[0], &mi.dma_tasks[1], &mi.invariants, &mi.variants,
		&mi.act_kernel_ranges, &mi.act_kernel_invocations, &mi.barrier_configs,
	};

	if (hva & (NPU_HPI_ALIGN - 1))
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "host_mapped_inference.address "
				"0x%llx is not %lu-byte aligned", (unsigned long long)hva,
				(uint32_t)NPU_HPI_ALIGN);
	if (c->host_mapped_inference.width < sizeof(hpi))
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "host_mapped_inference.width %lu: the "
				"host-parsed inference is %lu bytes",
				c->host_mapped_inference.width, (uint32_t)sizeof(hpi));
	if (hva >= (1ull << 32))
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "host_mapped_inference.address "
				"0x%llx is above 4 GiB", (unsigned long long)hva);
	if (inf_read((uint32_t)hva, &hpi, sizeof(hpi), "host-parsed inference", &status))
		return status;
	if (hpi.resource_requirements_.nn_slice_count_ > NPU_NNRT_TILES)
		return inf_fail(NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "nn_slice_count_ %u: the "
				"NPU has %lu tiles", hpi.resource_requirements_.nn_slice_count_,
				(uint32_t)NPU_NNRT_TILES);
	if (hpi.resource_requirements_.nn_barriers_ > NPU_NNRT_BARRIERS)
		return inf_fail(NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "nn_barriers_ %u: the NPU "
				"has %lu", hpi.resource_requirements_.nn_barriers_,
				(uint32_t)NPU_NNRT_BARRIERS);
	if (hpi.resource_requirements_.nn_slice_length_ > NPU_CMX_SLICE_SIZE)
		return inf_fail(NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES, "nn_slice_length_ %lu: a "
				"CMX slice is %lu bytes", hpi.resource_requirements_.nn_slice_length_,
				(uint32_t)NPU_CMX_SLICE_SIZE);
	if (hpi.mapped_.count != 1)
		return inf_fail(hpi.mapped_.count ? NPU_JSM_STATUS_MVNCI_UNSUPPORTED_NETWORK_ELEMENT
				: NPU_JSM_STATUS_PARSING_ERR, "mapped_.count %llu: one mapped "
				"inference expected", (unsigned long long)hpi.mapped_.count);
	mva = hpi.mapped_.address;
	if (mva & (NPU_MAPPED_INFERENCE_ALIGN - 1) || mva >= (1ull << 32))
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "mapped_.address 0x%llx is not a "
				"64-byte aligned address below 4 GiB", (unsigned long long)mva);
	if (inf_read((uint32_t)mva, &mi, sizeof(mi), "mapped inference", &status))
		return status;
	if (NPU_API_MAJOR(mi.vpu_nnrt_api_ver) != NPU_NNRT_API_MAJOR)
		return inf_fail(NPU_JSM_STATUS_MVNCI_WRONG_INPUT_FORMAT, "vpu_nnrt_api_ver "
				"0x%lx: this runtime runs %lu.x", mi.vpu_nnrt_api_ver,
				(uint32_t)NPU_NNRT_API_MAJOR);
	for (unsigned l = 0; l < INF_LISTS; l++) {
		status = check_list((enum inf_list)l, refs[l]);
		if (status)
			return status;
	}
	/* the storage the counts reserve must hold what the lists have */
	if (mi.task_storage_counts_.dma_count < inf.list_n[INF_L_DMA0] + inf.list_n[INF_L_DMA1] ||
	    mi.task_storage_counts_.dpu_invariant_count < inf.list_n[INF_L_INV] ||
	    mi.task_storage_counts_.dpu_variant_count < inf.list_n[INF_L_VAR] ||
	    mi.task_storage_counts_.act_range_count < inf.list_n[INF_L_RANGE] ||
	    mi.task_storage_counts_.act_invo_count < inf.list_n[INF_L_INVO])
		return inf_fail(NPU_JSM_STATUS_PARSING_ERR, "task_storage_counts_ {dma %lu inv %lu "
				"var %lu range %lu invo %lu} below the list counts",
				mi.task_storage_counts_.dma_count,
				mi.task_storage_counts_.dpu_invariant_count,
				mi.task_storage_counts_.dpu_variant_count,
				mi.task_storage_counts_.act_range_count,
				mi.task_storage_counts_.act_invo_count);
	status = check_barriers();
	if (!status)
		status = check_dma();
	if (!status)
		status = check_dpu();
	if (!status)
		status = check_act();
	if (status)
		return status;
	/* the structures are right; can this model run them? */
	if (inf.list_n[INF_L_INV] &&
	    !probe(&inf.dpu_probed, &inf.dpu_present, NPU_LRT_DPU_BASE(0),
		   NPU_LRT_IRQ_DPU(0) | NPU_LRT_IRQ_DPU(1)))
		return inf_fail(NPU_JSM_STATUS_NOT_IMPLEMENTED, "%lu DPU invariants, but the "
				"model has no DPUs", inf.list_n[INF_L_INV]);
	if (inf.list_n[INF_L_INVO] &&
	    !probe(&inf.act_probed, &inf.act_present, NPU_LRT_ACT_BASE(0),
		   NPU_LRT_IRQ_ACT(0) | NPU_LRT_IRQ_ACT(1) | NPU_LRT_IRQ_ACT(2) |
		   NPU_LRT_IRQ_ACT(3)))
		return inf_fail(NPU_JSM_STATUS_NOT_IMPLEMENTED, "%lu kernel invocations, but the "
				"model has no activation engines", inf.list_n[INF_L_INVO]);
	return 0;
}

static uint32_t boot_gen(void)
{
	return fw.cold_boots + fw.warm_boots;
}

bool infer_busy(void)
{
	return inf.gen == boot_gen() && inf.phase != INF_IDLE;
}

uint32_t infer_begin(struct fw_job *j, const struct npu_cmd_inference_execute *c, bool *wait)
{
	uint32_t status;

	*wait = false;
	if (!dma_available())
		return NPU_JSM_STATUS_NOT_IMPLEMENTED;
	if (inf.gen != boot_gen()) {            /* per boot: the probes too */
		memset(&inf, 0, sizeof(inf));
		inf.gen = boot_gen();
	}
	/* one inference at a time, and it needs both DMA engines */
	if (inf.phase != INF_IDLE || rt.dma_busy[0] || rt.dma_busy[1]) {
		*wait = true;
		return 0;
	}
	inf.db = j->db;
	inf.ssid = j->ssid;
	inf.job_id = j->job_id;
	inf.inference_id = c->inference_id;
	status = read_structures(c);
	if (status)
		return status;
	for (unsigned e = 0; e < NPU_LRT_DMA_ENGINES; e++) {
		rt.dma_busy[e] = true;
		rt.dma_owner[e] = (uint16_t)j->db;
	}
	LOG_DBG("infer: db %lu job 0x%lx inference %llu: dma %lu+%lu inv %lu var %lu range "
		"%lu invo %lu barrier configs %lu", j->db, j->job_id,
		(unsigned long long)c->inference_id, inf.list_n[INF_L_DMA0],
		inf.list_n[INF_L_DMA1], inf.list_n[INF_L_INV], inf.list_n[INF_L_VAR],
		inf.list_n[INF_L_RANGE], inf.list_n[INF_L_INVO], inf.list_n[INF_L_BAR]);
	inf_sched_start();
	return 0;
}
