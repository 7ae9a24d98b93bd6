/* SPDX-License-Identifier: MIT */
/*
 * The two DPUs of 37xx, one per tile (hw-facts §16.5), as the control core
 * sees them: a register window each (lrt.h NPU_LRT_DPU_*, the common
 * NPU_LRT_ENGINE_* layout). START waits for the task's WAIT barriers, then
 * reads a VpuDPUInvariant and its VpuDPUVariants from the CMX (nce37xx.h,
 * hw-facts §16.6), decodes each variant into a layer for dpu_ops.c,
 * validates everything against the CMX, computes off the model's thread and
 * completes at a virtual time from a simple cost (DPU_MACS_PER_NS), ending
 * the task in the barriers and raising NPU_LRT_IRQ_DPU(n). How each field
 * is read is docs/compute.md ("DPU").
 *
 * Addresses in the register images are CMX addresses: a value at or above
 * NPU_CMX_BASE is absolute; a smaller value is an offset from the base of
 * the engine's own tile slice. Either way every byte a task names must lie
 * inside the CMX (NPU_LRT_ENGINE_ERR_ADDR otherwise); nothing outside it is
 * ever read or written.
 */
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/nce37xx.h"
#include "engines/dpu_ops.h"

#define DPU_VARIANTS_MAX   256u      /* the metadata room of a slice (hw-facts §16.5) */
#define DPU_SETUP_NS       200u      /* per task (docs/deviations.md) */
#define DPU_MACS_PER_NS    2048u     /* int8; fp16 at a quarter (docs/deviations.md) */
#define DPU_TASK_MACS_MAX  (UINT64_C(1) << 36) /* bounds the host time one task costs */

struct dpu_task_layer {
	struct dpu_layer l;
	const uint8_t **wt;
	struct dpu_chan *chan;
};

struct dpu_engine {
	unsigned index;
	/* registers */
	uint32_t status;
	uint64_t wait, post;
	uint32_t inv_addr, var_addr, var_count;
	/* the task */
	uint64_t task_wait, task_post;
	uint32_t err_code;
	uint64_t macs;
	struct dpu_task_layer *layers;
	unsigned nlayers;
	bool     run_failed;             /* run(): a layer could not be computed */
	struct npum_barrier_waiter waiter;
	struct npum_work work;
	struct npum *n;
};

struct npum_dpu {
	struct dpu_engine eng[NPU_LRT_DPUS];
};

static struct dpu_engine *engine(struct npum *n, unsigned i)
{
	return &((struct npum_dpu *)npum_priv(n, NPUM_BLOCK_dpu))->eng[i];
}

static const char *const dpu_err_names[] = {
	[NPU_LRT_ENGINE_ERR_NONE] = "done",
	[NPU_LRT_ENGINE_ERR_DESC] = "unsupported task",
	[NPU_LRT_ENGINE_ERR_ADDR] = "address outside the CMX",
	[NPU_LRT_ENGINE_ERR_BARRIER] = "barrier count below 0",
	[NPU_LRT_ENGINE_ERR_BUSY] = "started while busy",
};

static void dpu_irq_update(struct npum *n, struct dpu_engine *e)
{
	npum_lrt_irq_set(n, NPU_LRT_IRQ_DPU(e->index),
			 e->status & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR));
}

static void free_layers(struct dpu_engine *e)
{
	for (unsigned i = 0; i < e->nlayers; i++) {
		free(e->layers[i].wt);
		free(e->layers[i].chan);
	}
	free(e->layers);
	e->layers = NULL;
	e->nlayers = 0;
}

/* Host pointer to len bytes at CMX address (or slice offset) a, or NULL. */
static uint8_t *cmx(struct npum *n, struct dpu_engine *e, uint64_t a, uint64_t len)
{
	uint64_t got = len;
	uint8_t *p;

	if (a < NPU_CMX_BASE)
		a += NPU_CMX_BASE + (uint64_t)NPU_CMX_SLICE_SIZE * e->index;
	p = npum_cmx_ptr(n, a, &got);
	return p && got == len ? p : NULL;
}

/* ---- Decoding (model thread) --------------------------------------------------- */

struct decode {
	struct npum *n;
	struct dpu_engine *e;
	uint32_t err;
	const char *why;
	uint64_t at;
};

static bool bad(struct decode *d, uint32_t code, const char *why, uint64_t at)
{
	if (!d->err) {
		d->err = code;
		d->why = why;
		d->at = at;
	}
	return false;
}

static bool in_type(uint32_t mode, enum dpu_type *t)
{
	switch (mode) {
	case NPU_DPU_ITYPE_FP16: *t = DPU_T_FP16; return true;
	case NPU_DPU_ITYPE_U8:   *t = DPU_T_U8; return true;
	case NPU_DPU_ITYPE_I8:   *t = DPU_T_I8; return true;
	default: return false;
	}
}

static int32_t sext(uint32_t v, unsigned bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

static float fbits(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/* The output's byte strides for a permutation (innermost axis first). */
static bool out_strides(uint32_t perm, size_t es, const uint32_t dim[3], ptrdiff_t s[3])
{
	static const uint8_t order[6][3] = { { 2, 0, 1 }, { 2, 1, 0 }, { 1, 2, 0 },
					     { 1, 0, 2 }, { 0, 2, 1 }, { 0, 1, 2 } };
	const uint8_t *o;

	if (perm > NPU_DPU_PERM_XYZ)
		return false;
	o = order[perm];
	s[o[0]] = (ptrdiff_t)es;
	s[o[1]] = s[o[0]] * dim[o[0]];
	s[o[2]] = s[o[1]] * dim[o[1]];
	return true;
}

static bool decode_variant(struct decode *d, const struct npu_dpu_invariant_regs *R,
			   const struct npu_dpu_variant *V, struct dpu_task_layer *t)
{
	struct dpu_layer *l = &t->l;
	uint32_t tm = npu_le32_get(&R->tensor_mode), kp = npu_le32_get(&R->kernel_pad_cfg);
	uint32_t el = npu_le32_get(&R->elops_wload), odu = npu_le32_get(&R->odu_cfg);
	uint32_t mpe = npu_le32_get(&R->mpe_cfg), sc = npu_le32_get(&R->ppe_scale);
	uint32_t misc = npu_le32_get(&R->ppe_misc), fpc = npu_le32_get(&R->ppe_fp_cfg);
	uint32_t ctrl = npu_le32_get(&R->ppe_scale_ctrl), pr = npu_le32_get(&R->ppe_prelu);
	uint32_t ts0 = npu_le32_get(&R->tensor_size0), ts1 = npu_le32_get(&R->tensor_size1);
	uint32_t te0 = npu_le32_get(&R->te_dim0), te1 = npu_le32_get(&R->te_dim1);
	uint32_t ws0 = npu_le32_get(&V->registers.workload_size0);
	uint32_t ws1 = npu_le32_get(&V->registers.workload_size1);
	uint32_t st0 = npu_le32_get(&V->registers.workload_start0);
	uint32_t st1 = npu_le32_get(&V->registers.workload_start1);
	uint32_t dim[3], otype = NPU_FLD_GET(NPU_DPU_ODU_DTYPE, odu);
	ptrdiff_t s[3];
	size_t ies, oes;
	uint64_t in_bytes, k = 1;
	bool fp, elt;
	uint8_t *p;

	memset(t, 0, sizeof(*t));
	elt = el & NPU_DPU_ELOPS_ELOP_WLOAD;
	if (elt)
		l->op = el & NPU_DPU_ELOPS_ELOP_WLOAD_TYPE ? DPU_OP_ELT_MUL : DPU_OP_ELT_ADD;
	else if (NPU_FLD_GET(NPU_DPU_TMODE_WORKLOAD_OP, tm) == NPU_DPU_WL_MAXPOOL)
		l->op = DPU_OP_MAXPOOL;
	else if (NPU_FLD_GET(NPU_DPU_TMODE_WORKLOAD_OP, tm) != NPU_DPU_WL_CONV)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "workload_operation", tm);
	else if ((tm & NPU_DPU_TMODE_DW_INPUT) && (el & NPU_DPU_ELOPS_POOL_WT_RD_DIS))
		l->op = DPU_OP_AVGPOOL;
	else
		l->op = DPU_OP_CONV;
	if (tm & NPU_DPU_TMODE_CM_INPUT)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "channel-major input", tm);
	if (!in_type(NPU_FLD_GET(NPU_DPU_TMODE_AMODE, tm), &l->in_type) ||
	    !in_type(NPU_FLD_GET(NPU_DPU_TMODE_WMODE, tm), &l->wt_type))
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "input or weight type", tm);
	fp = l->in_type == DPU_T_FP16;
	switch (otype) {
	case NPU_DPU_OTYPE_FP16: l->out_type = DPU_T_FP16; break;
	case NPU_DPU_OTYPE_U8F:  l->out_type = DPU_T_U8; break;
	case NPU_DPU_OTYPE_I8:   l->out_type = DPU_T_I8; break;
	case NPU_DPU_OTYPE_I32:  l->out_type = fp ? DPU_T_FP32 : DPU_T_I32; break;
	default: return bad(d, NPU_LRT_ENGINE_ERR_DESC, "output type", odu);
	}
	/* FP16 goes with FP16 (or FP32) only, integers with integers */
	if (fp != (l->wt_type == DPU_T_FP16) ||
	    fp != (l->out_type == DPU_T_FP16 || l->out_type == DPU_T_FP32))
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "mix of float and integer types", tm);
	/* input */
	l->in_w = NPU_FLD_GET(NPU_DPU_TENSOR_SIZE_X, ts0);
	l->in_h = NPU_FLD_GET(NPU_DPU_TENSOR_SIZE_Y, ts0);
	l->in_c = NPU_FLD_GET(NPU_DPU_TENSOR_SIZE_Z, ts1);
	ies = dpu_type_size(l->in_type);
	in_bytes = (uint64_t)l->in_w * l->in_h * l->in_c * ies;
	if (!in_bytes)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "empty input tensor", ts0);
	if (!(p = cmx(d->n, d->e, npu_le32_get(&R->tensor_start), in_bytes)))
		return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "input tensor", npu_le32_get(&R->tensor_start));
	l->in = p;
	if (elt) {
		if (!(p = cmx(d->n, d->e, npu_le32_get(&R->weight_start), in_bytes)))
			return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "second input",
				   npu_le32_get(&R->weight_start));
		l->in2 = p;
	}
	/* zero points: U8 only (hw-facts §16.7); the second element-wise input
	 * takes the weights' */
	l->in_zp = l->in_type == DPU_T_U8 ? (int32_t)NPU_FLD_GET(NPU_DPU_MPE_ACTBIAS, mpe) : 0;
	l->wt_zp = l->wt_type == DPU_T_U8 ? (int32_t)NPU_FLD_GET(NPU_DPU_MPE_WTBIAS, mpe) : 0;
	l->in2_zp = l->in_type == DPU_T_U8 ? (int32_t)NPU_FLD_GET(NPU_DPU_MPE_WTBIAS, mpe) : 0;
	/* window */
	l->kx = elt ? 1 : NPU_FLD_GET(NPU_DPU_KPAD_KERNEL_X, kp);
	l->ky = elt ? 1 : NPU_FLD_GET(NPU_DPU_KPAD_KERNEL_Y, kp);
	l->sx = elt ? 1 : NPU_FLD_GET(NPU_DPU_TMODE_STRIDE, tm) + 1;
	l->sy = elt ? 1 : kp & NPU_DPU_KPAD_STRIDE_Y_EN ? NPU_FLD_GET(NPU_DPU_KPAD_STRIDE_Y, kp) + 1
							   : l->sx;
	l->dx = l->dy = 1;
	l->pad_left = elt ? 0 : (int32_t)NPU_FLD_GET(NPU_DPU_WL_PAD_LEFT, ws1);
	l->pad_top = elt ? 0 : (int32_t)NPU_FLD_GET(NPU_DPU_WL_PAD_UP, ws1);
	if (l->kx < 1 || l->kx > 11 || l->ky < 1 || l->ky > 11)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "kernel size", kp);
	/* output tensor and the workload in it */
	dim[0] = NPU_FLD_GET(NPU_DPU_TE_X, te1) + 1;
	dim[1] = NPU_FLD_GET(NPU_DPU_TE_Y, te0) + 1;
	dim[2] = NPU_FLD_GET(NPU_DPU_TE_Z, te0) + 1;
	oes = dpu_type_size(l->out_type);
	if (!out_strides(NPU_FLD_GET(NPU_DPU_ODU_PERMUTATION, odu), oes, dim, s))
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "output permutation", odu);
	if (!(p = cmx(d->n, d->e, npu_le32_get(&R->base_adr[0]),
		      (uint64_t)dim[0] * dim[1] * dim[2] * oes)))
		return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "output tensor", npu_le32_get(&R->base_adr[0]));
	l->ox0 = NPU_FLD_GET(NPU_DPU_WL_X, st0);
	l->oy0 = NPU_FLD_GET(NPU_DPU_WL_Y, st0);
	l->oz0 = NPU_FLD_GET(NPU_DPU_WL_Z, st1);
	l->ow = NPU_FLD_GET(NPU_DPU_WL_X, ws0);
	l->oh = NPU_FLD_GET(NPU_DPU_WL_Y, ws0);
	l->oc = NPU_FLD_GET(NPU_DPU_WL_Z, ws1);
	if (!l->ow || !l->oh || !l->oc || l->ox0 + l->ow > dim[0] || l->oy0 + l->oh > dim[1] ||
	    l->oz0 + l->oc > dim[2])
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "workload outside the output tensor", ws0);
	l->out_sx = s[0];
	l->out_sy = s[1];
	l->out_sz = s[2];
	l->out = p + l->ox0 * s[0] + l->oy0 * s[1] + l->oz0 * s[2];
	/* every input the windows reach lies in the tensor or its padding */
	if (elt ? l->ox0 + l->ow > l->in_w || l->oy0 + l->oh > l->in_h || l->oz0 + l->oc > l->in_c
		: (uint64_t)(l->ox0 + l->ow - 1) * l->sx + l->kx >
			  l->in_w + (uint64_t)l->pad_left + NPU_FLD_GET(NPU_DPU_WL_PAD_RIGHT, ws1) ||
		  (uint64_t)(l->oy0 + l->oh - 1) * l->sy + l->ky >
			  l->in_h + (uint64_t)l->pad_top + NPU_FLD_GET(NPU_DPU_WL_PAD_DOWN, ws1))
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "workload reads beyond input and padding", ws1);
	l->groups = l->op == DPU_OP_CONV && (tm & NPU_DPU_TMODE_DW_INPUT) ? l->in_c : 1;
	l->out_c = l->op == DPU_OP_CONV && l->groups == 1 ? dim[2] : l->in_c;
	if (l->op != DPU_OP_CONV && l->oz0 + l->oc > l->in_c)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "more channels than the input", ws1);
	if (l->op == DPU_OP_CONV && l->groups > 1 && dim[2] != l->in_c)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "depthwise with other output channels", te0);
	if (l->op != DPU_OP_ELT_ADD && l->op != DPU_OP_ELT_MUL)
		k = (uint64_t)l->kx * l->ky * (l->op == DPU_OP_CONV ? l->in_c / l->groups : 1);
	if (k > 32768 || (uint64_t)l->oc * k > NPU_CMX_SIZE)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "weight set too large", k);
	d->e->macs += (uint64_t)l->ow * l->oh * l->oc * k * (fp ? 4 : 1);
	if (d->e->macs > DPU_TASK_MACS_MAX)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "task too large", d->e->macs);
	/* PPE, layer-wide */
	l->ppe.round = (enum dpu_round)NPU_FLD_GET(NPU_DPU_PPE_SCALE_ROUND, sc);
	if (NPU_FLD_GET(NPU_DPU_PPE_SCALE_ROUND, sc) > NPU_DPU_ROUND_NONE)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "rounding mode", sc);
	l->ppe.prelu_mult = (int32_t)NPU_FLD_GET(NPU_DPU_PPE_PRELU_MULT, pr);
	l->ppe.prelu_shift = (uint8_t)NPU_FLD_GET(NPU_DPU_PPE_PRELU_SHIFT, pr);
	l->ppe.out_zp = sext(NPU_FLD_GET(NPU_DPU_PPE_G8_BIAS_C, npu_le32_get(&R->ppe_cfg)), 9);
	l->ppe.clamp_lo = (int32_t)npu_le32_get(&R->ppe_scale_lclamp);
	l->ppe.clamp_hi = (int32_t)npu_le32_get(&R->ppe_scale_hclamp);
	l->ppe.fprelu = fpc & NPU_DPU_PPE_FP_PRELU_EN ? fbits(npu_le32_get(&R->ppe_fp_prelu)) : 1.0f;
	l->ppe.fp16_clamp = misc & NPU_DPU_PPE_FP16_CLAMP;
	l->ppe.fp16_ftz = misc & NPU_DPU_PPE_FP16_FTZ;
	l->pool_weight = (int32_t)NPU_FLD_GET(NPU_DPU_ELOPS_POOL_WT_DATA, el);
	l->elt_scale_a = (int32_t)NPU_FLD_GET(NPU_DPU_ELOP_SCALE_A, npu_le32_get(&R->elop_scale));
	l->elt_scale_b = (int32_t)NPU_FLD_GET(NPU_DPU_ELOP_SCALE_B, npu_le32_get(&R->elop_scale));
	/* per channel: the weights table for a convolution, else the invariant */
	t->chan = calloc(l->oc, sizeof(*t->chan));
	t->wt = l->op == DPU_OP_CONV ? calloc(l->oc, sizeof(*t->wt)) : NULL;
	if (!t->chan || (l->op == DPU_OP_CONV && !t->wt))
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "out of host memory", l->oc);
	l->chan = t->chan;
	l->wt = t->wt;
	if (l->op == DPU_OP_CONV) {
		uint32_t wt_at = npu_le32_get(&V->weight_table_offset);
		const uint8_t *tab = cmx(d->n, d->e, wt_at, (uint64_t)l->oc * NPU_DPU_WT_ENTRY_SIZE);
		uint64_t set = k * dpu_type_size(l->wt_type);

		if (npu_le32_get(&V->registers.weight_size) != k)
			return bad(d, NPU_LRT_ENGINE_ERR_DESC, "weight_size is not kx*ky*ic", k);
		if (!tab)
			return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "weights table", wt_at);
		for (uint32_t j = 0; j < l->oc; j++) {
			const uint8_t *w = tab + (size_t)j * NPU_DPU_WT_ENTRY_SIZE;
			uint32_t ptr = npu_le32_get(w + 4 * NPU_DPU_WT_WEIGHT_PTR);
			uint32_t ms = npu_le32_get(w + 4 * NPU_DPU_WT_MULT_SHIFT);
			uint32_t bias = npu_le32_get(w + 4 * NPU_DPU_WT_BIAS);
			struct dpu_chan *c = &t->chan[j];

			if (!(t->wt[j] = cmx(d->n, d->e, ptr, set)))
				return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "weight set", ptr);
			if (ctrl & NPU_DPU_PPE_SCALE_OVERRIDE)
				ms = (sc & NPU_DPU_PPE_SCALE_MULT) | NPU_FLD_PREP(NPU_DPU_WT_SHIFT,
					NPU_FLD_GET(NPU_DPU_PPE_SCALE_SHIFT, sc));
			c->mult = sext(NPU_FLD_GET(NPU_DPU_WT_MULT, ms), 16);
			c->shift = (uint8_t)NPU_FLD_GET(NPU_DPU_WT_SHIFT, ms);
			c->prelu_mult = (uint8_t)NPU_FLD_GET(NPU_DPU_WT_PRELU, ms);
			c->bias = (int32_t)bias;
			c->fscale = fbits(ctrl & NPU_DPU_PPE_FP_SCALE_OVERRIDE
					  ? npu_le32_get(&R->ppe_fp_scale) : ms);
			c->fbias = fbits(ctrl & NPU_DPU_PPE_FP_SCALE_OVERRIDE
					 ? npu_le32_get(&R->ppe_fp_bias) : bias);
		}
	} else {
		for (uint32_t j = 0; j < l->oc; j++) {
			struct dpu_chan *c = &t->chan[j];

			c->mult = sext(NPU_FLD_GET(NPU_DPU_PPE_SCALE_MULT, sc), 16);
			c->shift = (uint8_t)NPU_FLD_GET(NPU_DPU_PPE_SCALE_SHIFT, sc);
			c->bias = (int32_t)npu_le32_get(&R->ppe_bias);
			c->fscale = fbits(npu_le32_get(&R->ppe_fp_scale));
			c->fbias = fbits(npu_le32_get(&R->ppe_fp_bias));
		}
	}
	return true;
}

/* Read and decode the task; false with d->err set on the first problem. */
static bool dpu_plan(struct npum *n, struct dpu_engine *e, struct decode *d)
{
	const uint8_t *ip = cmx(n, e, e->inv_addr, sizeof(struct npu_dpu_invariant));
	const uint8_t *vp;
	struct npu_dpu_invariant inv;

	if (!ip)
		return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "invariant", e->inv_addr);
	if (!e->var_count || e->var_count > DPU_VARIANTS_MAX)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "variant count", e->var_count);
	vp = cmx(n, e, e->var_addr, (uint64_t)e->var_count * sizeof(struct npu_dpu_variant));
	if (!vp)
		return bad(d, NPU_LRT_ENGINE_ERR_ADDR, "variants", e->var_addr);
	memcpy(&inv, ip, sizeof(inv));
	e->layers = calloc(e->var_count, sizeof(*e->layers));
	if (!e->layers)
		return bad(d, NPU_LRT_ENGINE_ERR_DESC, "out of host memory", e->var_count);
	for (uint32_t i = 0; i < e->var_count; i++) {
		struct npu_dpu_variant v;

		memcpy(&v, vp + i * sizeof(v), sizeof(v));
		e->nlayers = i + 1;
		if (!decode_variant(d, &inv.registers, &v, &e->layers[i]))
			return false;
	}
	return true;
}

/* ---- Running ----------------------------------------------------------------------- */

static void dpu_run(struct npum_work *w)
{
	struct dpu_engine *e = (struct dpu_engine *)((char *)w - offsetof(struct dpu_engine, work));

	for (unsigned i = 0; i < e->nlayers && !e->err_code; i++)
		if (dpu_run_layer(&e->layers[i].l))
			e->run_failed = true;
}

static void dpu_finish(struct npum *n, struct dpu_engine *e)
{
	e->status &= ~(NPU_LRT_DMA_STATUS_BUSY | NPU_LRT_ENGINE_STATUS_WAITING);
	if (e->err_code)
		e->status = (e->status & ~NPU_LRT_DMA_STATUS_ERR_CODE) | NPU_LRT_DMA_STATUS_ERROR |
			    NPU_FLD_PREP(NPU_LRT_DMA_STATUS_ERR_CODE, e->err_code);
	else
		e->status |= NPU_LRT_DMA_STATUS_DONE;
	free_layers(e);
	npum_trace_dpu_done(n, e->index, dpu_err_names[e->err_code < 5 ? e->err_code : 0]);
	dpu_irq_update(n, e);
}

static void dpu_done(struct npum *n, struct npum_work *w)
{
	struct dpu_engine *e = (struct dpu_engine *)((char *)w - offsetof(struct dpu_engine, work));

	if (!e->err_code && e->run_failed) {
		npum_guest_error(n, "DPU %u: a layer the checks accepted could not run", e->index);
		e->err_code = NPU_LRT_ENGINE_ERR_DESC;
	}
	/* A task that failed does not post its barriers: its consumers would
	 * read an output that was never written (docs/compute.md ("DPU")). */
	if (!e->err_code && !npum_barriers_task_end(n, e->task_wait, e->task_post))
		e->err_code = NPU_LRT_ENGINE_ERR_BARRIER;
	dpu_finish(n, e);
}

static void dpu_begin(struct npum *n, struct dpu_engine *e)
{
	struct decode d = { .n = n, .e = e };

	e->status &= ~NPU_LRT_ENGINE_STATUS_WAITING;
	e->macs = 0;
	if (!dpu_plan(n, e, &d)) {
		npum_guest_error(n, "DPU %u: %s (0x%llx) in the task at 0x%x: %s", e->index, d.why,
				 (unsigned long long)d.at, e->inv_addr,
				 d.err == NPU_LRT_ENGINE_ERR_ADDR ? "outside the CMX" : "not supported");
		e->err_code = d.err;
		dpu_finish(n, e);
		return;
	}
	npum_trace_dpu_start(n, e->index, e->inv_addr, e->nlayers, e->macs);
	npum_work_submit(n, &e->work, npum_now(n) + DPU_SETUP_NS + e->macs / DPU_MACS_PER_NS);
}

static void dpu_ready(struct npum *n, struct npum_barrier_waiter *w)
{
	struct dpu_engine *e = (struct dpu_engine *)((char *)w -
						     offsetof(struct dpu_engine, waiter));

	dpu_begin(n, e);
}

static void dpu_start(struct npum *n, struct dpu_engine *e)
{
	if (e->status & NPU_LRT_DMA_STATUS_BUSY) {
		npum_guest_error(n, "DPU %u started while a task runs; it carries on", e->index);
		e->status = (e->status & ~NPU_LRT_DMA_STATUS_ERR_CODE) | NPU_LRT_DMA_STATUS_ERROR |
			    NPU_FLD_PREP(NPU_LRT_DMA_STATUS_ERR_CODE, NPU_LRT_ENGINE_ERR_BUSY);
		dpu_irq_update(n, e);
		return;
	}
	e->status = NPU_LRT_DMA_STATUS_BUSY;
	e->err_code = 0;
	e->run_failed = false;
	e->task_wait = e->wait;
	e->task_post = e->post;
	dpu_irq_update(n, e);
	e->status |= NPU_LRT_ENGINE_STATUS_WAITING;
	npum_barriers_wait(n, &e->waiter, e->task_wait);   /* ready() may run at once */
}

/* ---- Registers ------------------------------------------------------------------------ */

static uint32_t reg_off(const struct npum_reg *r)
{
	return r->offset - NPU_LRT_DPU_BASE(0);
}

static uint64_t rd_dpu(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	struct dpu_engine *e = engine(n, idx);

	switch (reg_off(r)) {
	case NPU_LRT_ENGINE_STATUS:    return e->status;
	case NPU_LRT_ENGINE_WAIT_LO:   return (uint32_t)e->wait;
	case NPU_LRT_ENGINE_WAIT_HI:   return e->wait >> 32;
	case NPU_LRT_ENGINE_POST_LO:   return (uint32_t)e->post;
	case NPU_LRT_ENGINE_POST_HI:   return e->post >> 32;
	case NPU_LRT_DPU_INVARIANT:    return e->inv_addr;
	case NPU_LRT_DPU_VARIANTS:     return e->var_addr;
	case NPU_LRT_DPU_VARIANT_COUNT: return e->var_count;
	default:                       return 0;
	}
}

static void wr_dpu(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t val)
{
	struct dpu_engine *e = engine(n, idx);
	uint32_t v = (uint32_t)val;

	switch (reg_off(r)) {
	case NPU_LRT_ENGINE_CTRL:
		if (v & NPU_LRT_DMA_CTRL_START)
			dpu_start(n, e);
		return;
	case NPU_LRT_ENGINE_STATUS:
		if (v & NPU_LRT_DMA_STATUS_ERROR)
			e->status &= ~(NPU_LRT_DMA_STATUS_ERROR | NPU_LRT_DMA_STATUS_ERR_CODE);
		if (v & NPU_LRT_DMA_STATUS_DONE)
			e->status &= ~NPU_LRT_DMA_STATUS_DONE;
		dpu_irq_update(n, e);
		return;
	case NPU_LRT_ENGINE_WAIT_LO: e->wait = (e->wait & ~(uint64_t)UINT32_MAX) | v; return;
	case NPU_LRT_ENGINE_WAIT_HI: e->wait = (e->wait & UINT32_MAX) | (uint64_t)v << 32; return;
	case NPU_LRT_ENGINE_POST_LO: e->post = (e->post & ~(uint64_t)UINT32_MAX) | v; return;
	case NPU_LRT_ENGINE_POST_HI: e->post = (e->post & UINT32_MAX) | (uint64_t)v << 32; return;
	case NPU_LRT_DPU_INVARIANT:  e->inv_addr = v; return;
	case NPU_LRT_DPU_VARIANTS:   e->var_addr = v; return;
	case NPU_LRT_DPU_VARIANT_COUNT: e->var_count = v; return;
	}
}

static const struct npum_reg dpu_regs[] = {
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_ENGINE_CTRL, 4, NPUM_REG_WO, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_CTRL", NULL, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_ENGINE_STATUS, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_STATUS", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_ENGINE_WAIT_LO, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_WAIT_LO", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_ENGINE_WAIT_HI, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_WAIT_HI", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_ENGINE_POST_LO, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_POST_LO", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_ENGINE_POST_HI, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_POST_HI", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_DPU_INVARIANT, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_INVARIANT", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_DPU_VARIANTS, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_VARIANTS", rd_dpu, wr_dpu },
	{ NPU_LRT_DPU_BASE(0) + NPU_LRT_DPU_VARIANT_COUNT, 4, 0, NPU_LRT_DPUS,
	  NPU_LRT_ENGINE_REGS_SIZE, "LRT_DPU_VARIANT_COUNT", rd_dpu, wr_dpu },
};

static const struct npum_window dpu_windows[] = {
	NPUM_WINDOW("LRT_DPU", NPUM_SPACE_LRT, NPU_LRT_DPU_BASE(0),
		    NPU_LRT_DPUS * NPU_LRT_ENGINE_REGS_SIZE, false, dpu_regs),
};

/* ---- Block ------------------------------------------------------------------------------ */

static int dpu_init(struct npum *n)
{
	static const char *const names[NPU_LRT_DPUS] = { "dpu0", "dpu1" };

	for (unsigned i = 0; i < NPU_LRT_DPUS; i++) {
		struct dpu_engine *e = engine(n, i);

		e->index = i;
		e->n = n;
		e->waiter.ready = dpu_ready;
		npum_work_init(n, &e->work, names[i], dpu_run, dpu_done);
	}
	return 0;
}

static void dpu_stop(struct npum *n, struct dpu_engine *e)
{
	npum_work_cancel(n, &e->work);
	npum_barriers_cancel(n, &e->waiter);
	free_layers(e);
}

static void dpu_fini(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_DPUS; i++) {
		npum_work_cancel(n, &engine(n, i)->work);
		free_layers(engine(n, i));
	}
}

static void dpu_ip_reset(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_DPUS; i++) {
		struct dpu_engine *e = engine(n, i);

		dpu_stop(n, e);
		e->status = 0;
		e->wait = e->post = 0;
		e->inv_addr = e->var_addr = e->var_count = 0;
		e->err_code = 0;
		e->macs = 0;
		dpu_irq_update(n, e);
	}
}

bool npum_dpu_busy(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_DPUS; i++)
		if (engine(n, i)->status & NPU_LRT_DMA_STATUS_BUSY)
			return true;
	return false;
}

const struct npum_block npum_block_dpu = {
	.name = "dpu",
	.windows = NPUM_WINDOWS(dpu_windows),
	.priv_size = sizeof(struct npum_dpu),
	.init = dpu_init,
	.fini = dpu_fini,
	.ip_reset = dpu_ip_reset,
};
