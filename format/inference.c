/* SPDX-License-Identifier: MIT */
/*
 * The inference builder (npu-format/inference.h): structures of
 * include/intel-npu/nnrt.h laid out in a caller's buffer (hw-facts §16.3).
 */
#include <stddef.h>

#include "npu-format/inference.h"

static const uint32_t esize[NPU_INF_LISTS] = { 128, 128, 304, 64, 24, 64, 12 };
static const uint32_t ealign[NPU_INF_LISTS] = { 64, 64, 8, 4, 4, 8, 4 };

#define HPI_SIZE ((uint32_t)sizeof(struct npu_host_parsed_inference))
#define MI_SIZE  ((uint32_t)sizeof(struct npu_mapped_inference))
#define MI_OFF   384u   /* 64-aligned right after the HPI */

static uint32_t layout(const uint32_t cap[NPU_INF_LISTS], uint32_t off[NPU_INF_LISTS])
{
	uint64_t at = MI_OFF + MI_SIZE;

	for (unsigned l = 0; l < NPU_INF_LISTS; l++) {
		at = (at + ealign[l] - 1) & ~(uint64_t)(ealign[l] - 1);
		if (off)
			off[l] = (uint32_t)at;
		at += (uint64_t)cap[l] * esize[l];
		if (at > UINT32_MAX)
			return 0;
	}
	return (uint32_t)at;
}

uint32_t npu_inf_size(const uint32_t cap[NPU_INF_LISTS])
{
	return layout(cap, NULL);
}

struct npu_host_parsed_inference *npu_inf_hpi(struct npu_inf_builder *b)
{
	return (struct npu_host_parsed_inference *)(void *)b->buf;
}

struct npu_mapped_inference *npu_inf_mapped(struct npu_inf_builder *b)
{
	return (struct npu_mapped_inference *)(void *)(b->buf + MI_OFF);
}

int npu_inf_init(struct npu_inf_builder *b, void *buf, uint64_t va, uint32_t size,
		 const uint32_t cap[NPU_INF_LISTS])
{
	uint32_t need;

	__builtin_memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->va = va;
	b->size = size;
	for (unsigned i = 0; i < NPU_NNRT_BARRIERS; i++)
		b->last_use[i] = NPU_NNRT_NO_NEXT;
	need = layout(cap, b->off);
	if ((va & (NPU_MAPPED_INFERENCE_ALIGN - 1)) || va >= (1ull << 32) ||
	    (uint64_t)size > (1ull << 32) - va)
		return b->err = NPU_INF_ERR_VA;
	if (!need || need > size)
		return b->err = NPU_INF_ERR_SPACE;
	__builtin_memcpy(b->cap, cap, sizeof(b->cap));
	__builtin_memset(buf, 0, need);
	return NPU_INF_OK;
}

uint64_t npu_inf_elem_va(const struct npu_inf_builder *b, enum npu_inf_list l, uint32_t i)
{
	return b->va + b->off[l] + (uint64_t)i * esize[l];
}

void *npu_inf_elem(struct npu_inf_builder *b, enum npu_inf_list l, uint32_t i)
{
	return b->buf + b->off[l] + (size_t)i * esize[l];
}

/* The next free element of l, or NULL (error recorded). */
static void *add(struct npu_inf_builder *b, enum npu_inf_list l, int *idx)
{
	if (b->err) {
		*idx = b->err;
		return NULL;
	}
	if (b->n[l] >= b->cap[l]) {
		*idx = b->err = NPU_INF_ERR_FULL;
		return NULL;
	}
	*idx = (int)b->n[l];
	return npu_inf_elem(b, l, b->n[l]++);
}

static int bad_arg(struct npu_inf_builder *b)
{
	if (!b->err)
		b->err = NPU_INF_ERR_ARG;
	return NPU_INF_ERR_ARG;
}

int npu_inf_dma(struct npu_inf_builder *b, unsigned engine, uint64_t src, uint64_t dst,
		uint32_t len, uint64_t wait_mask, uint64_t post_mask)
{
	struct npu_dma_task *t;
	int i;

	if (engine >= NPU_NNRT_DMA_ENGINES)
		return bad_arg(b);
	t = add(b, engine ? NPU_INF_DMA1 : NPU_INF_DMA0, &i);
	if (!t)
		return i;
	t->transaction_.config = (wait_mask | post_mask) ? NPU_DMA_CFG_BARRIER_EN : 0;
	t->transaction_.src = src;
	t->transaction_.dst = dst;
	t->transaction_.length = len;
	t->transaction_.u.barriers1d.cons_mask = wait_mask;
	t->transaction_.u.barriers1d.prod_mask = post_mask;
	return i;
}

int npu_inf_dpu(struct npu_inf_builder *b, unsigned tile, uint64_t wait_mask, uint64_t post_mask,
		const uint8_t inv_regs[NPU_DPU_INVARIANT_REGS_SIZE], unsigned nvar,
		const uint8_t (*var_regs)[NPU_DPU_VARIANT_REGS_SIZE])
{
	struct npu_dpu_invariant *iv;
	int i, vi;

	if (tile >= NPU_NNRT_TILES || !nvar || nvar > 0xFFFFu ||
	    b->n[NPU_INF_VAR] + nvar > b->cap[NPU_INF_VAR])
		return bad_arg(b);
	iv = add(b, NPU_INF_INV, &i);
	if (!iv)
		return i;
	if (inv_regs)
		__builtin_memcpy(&iv->registers, inv_regs, NPU_DPU_INVARIANT_REGS_SIZE);
	iv->barriers.wait_mask = wait_mask;
	iv->barriers.post_mask = post_mask;
	iv->variant_count = (uint16_t)nvar;
	iv->cluster = (uint8_t)tile;
	for (unsigned k = 0; k < nvar; k++) {
		struct npu_dpu_variant *v = add(b, NPU_INF_VAR, &vi);

		if (var_regs)
			__builtin_memcpy(&v->registers, var_regs[k], NPU_DPU_VARIANT_REGS_SIZE);
		v->invariant = (uint32_t)npu_inf_elem_va(b, NPU_INF_INV, (uint32_t)i);
		v->invariant_index = (uint32_t)i;
		v->wload_id = (int32_t)k;
		v->cluster = (uint8_t)tile;
	}
	return i;
}

int npu_inf_range(struct npu_inf_builder *b, uint32_t kernel_entry)
{
	struct npu_act_kernel_range *r;
	int i;

	r = add(b, NPU_INF_RANGE, &i);
	if (!r)
		return i;
	r->kernel_entry = kernel_entry;
	return i;
}

int npu_inf_act(struct npu_inf_builder *b, unsigned tile, uint32_t range, uint32_t kernel_args,
		uint64_t wait_mask, uint64_t post_mask)
{
	struct npu_act_kernel_invocation *a;
	struct npu_act_kernel_range *r;
	int i;

	if (tile >= NPU_NNRT_TILES || range >= b->n[NPU_INF_RANGE])
		return bad_arg(b);
	a = add(b, NPU_INF_INVO, &i);
	if (!a)
		return i;
	a->range = (uint32_t)npu_inf_elem_va(b, NPU_INF_RANGE, range);
	a->kernel_args = kernel_args;
	a->barriers.wait_mask = wait_mask;
	a->barriers.post_mask = post_mask;
	a->invo_index = (uint32_t)i;
	a->invo_tile = tile;
	a->kernel_range_index = range;
	r = npu_inf_elem(b, NPU_INF_RANGE, range);
	r->kernel_invo_count++;
	return i;
}

int npu_inf_barrier(struct npu_inf_builder *b, unsigned real_id, uint16_t producers,
		    uint16_t consumers)
{
	struct npu_barrier_count_config *c;
	int i;

	if (real_id >= NPU_NNRT_BARRIERS)
		return bad_arg(b);
	c = add(b, NPU_INF_BAR, &i);
	if (!c)
		return i;
	c->next_same_id_ = NPU_NNRT_NO_NEXT;
	c->producer_count_ = producers;
	c->consumer_count_ = consumers;
	c->real_id_ = (uint8_t)real_id;
	if (b->last_use[real_id] != NPU_NNRT_NO_NEXT) {
		struct npu_barrier_count_config *prev =
			npu_inf_elem(b, NPU_INF_BAR, b->last_use[real_id]);

		prev->next_same_id_ = (uint32_t)i;
	}
	b->last_use[real_id] = (uint32_t)i;
	return i;
}

static void set_ref(struct npu_inf_builder *b, struct npu_task_reference *r, enum npu_inf_list l)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->count = b->n[l];
	r->address = b->n[l] ? npu_inf_elem_va(b, l, 0) : 0;
}

uint64_t npu_inf_finish(struct npu_inf_builder *b)
{
	struct npu_host_parsed_inference *h = npu_inf_hpi(b);
	struct npu_mapped_inference *m = npu_inf_mapped(b);
	unsigned tiles = 1;

	if (b->err)
		return 0;
	for (uint32_t i = 0; i < b->n[NPU_INF_INV]; i++)
		if (((struct npu_dpu_invariant *)npu_inf_elem(b, NPU_INF_INV, i))->cluster)
			tiles = 2;
	for (uint32_t i = 0; i < b->n[NPU_INF_INVO]; i++)
		if (((struct npu_act_kernel_invocation *)npu_inf_elem(b, NPU_INF_INVO, i))->invo_tile)
			tiles = 2;
	m->vpu_nnrt_api_ver = NPU_NNRT_API_VER;
	m->task_storage_counts_.dma_count = b->n[NPU_INF_DMA0] + b->n[NPU_INF_DMA1];
	m->task_storage_counts_.dpu_invariant_count = b->n[NPU_INF_INV];
	m->task_storage_counts_.dpu_variant_count = b->n[NPU_INF_VAR];
	m->task_storage_counts_.act_range_count = b->n[NPU_INF_RANGE];
	m->task_storage_counts_.act_invo_count = b->n[NPU_INF_INVO];
	m->task_storage_size_ = NPU_CMX_METADATA_SIZE;
	set_ref(b, &m->dma_tasks[0], NPU_INF_DMA0);
	set_ref(b, &m->dma_tasks[1], NPU_INF_DMA1);
	set_ref(b, &m->invariants, NPU_INF_INV);
	set_ref(b, &m->variants, NPU_INF_VAR);
	set_ref(b, &m->act_kernel_ranges, NPU_INF_RANGE);
	set_ref(b, &m->act_kernel_invocations, NPU_INF_INVO);
	set_ref(b, &m->barrier_configs, NPU_INF_BAR);
	__builtin_memset(h, 0, HPI_SIZE);
	h->resource_requirements_.nn_slice_length_ = NPU_CMX_SLICE_SIZE;
	h->resource_requirements_.nn_slice_count_ = (uint8_t)tiles;
	h->resource_requirements_.nn_barriers_ = NPU_NNRT_BARRIERS;
	/* the loader's defaults when a blob has no metrics (hw-facts §16.3) */
	h->performance_metrics_.freq_base = 700;
	h->performance_metrics_.freq_step = 100;
	h->performance_metrics_.bw_base = 2000;
	h->performance_metrics_.bw_step = 100;
	h->mapped_.address = b->va + MI_OFF;
	h->mapped_.count = 1;
	return b->va;
}
