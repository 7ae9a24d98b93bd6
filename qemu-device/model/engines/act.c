/* SPDX-License-Identifier: MIT */
/*
 * The four activation engines of 37xx, two per tile (hw-facts §16.5): the
 * activation SHAVEs that run a mapped inference's kernel invocations
 * (hw-facts §16.3). Each has the common engine registers (lrt.h
 * NPU_LRT_ENGINE_*) and NPU_LRT_ACT_KERNEL / NPU_LRT_ACT_ARGS.
 *
 * SHAVE code is not public (hw-facts §16.2), so the engine runs built-in
 * kernels (include/intel-npu/act_kernels.h, docs/deviations.md). START
 * latches KERNEL, ARGS, WAIT and POST; once the WAIT barriers hold, the
 * engine reads and checks the argument block on the model's thread, the
 * arithmetic runs off it (npum_work: only the CMX ranges the plan checked
 * and the engine's own buffer are touched), and the task completes at the
 * virtual time of a simple cost (ACT_* below), counting itself off its
 * barriers.
 *
 * Numerics are the model's own and exactly defined: inputs are decoded to
 * binary32, every function is evaluated in binary64 with the elementary
 * functions below (only +, -, *, /, so the results do not depend on the
 * host's libm), and the result is rounded once to the output type, to
 * nearest with ties to even, saturating for the integer types.
 */
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"
#include "intel-npu/act_kernels.h"
#include "intel-npu/cmdbuf.h"

/* The numerics above need every operation rounded on its own: no fused
 * multiply-add, which compilers may otherwise form on hosts with FMA
 * (GCC in GNU C mode, as QEMU builds; clang by default). */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* Cost model (docs/deviations.md): a fixed start, then per element. */
#define ACT_SETUP_NS          1000u
#define ACT_PS_SIMPLE         125u     /* CONVERT, RELU, CLAMP */
#define ACT_PS_TRANSCENDENTAL 500u     /* SIGMOID, TANH, HSWISH, EXP, GELU */
#define ACT_PS_SOFTMAX        1000u

struct act_engine {
	unsigned index;
	/* registers (lrt.h) */
	uint32_t status, kernel, args;
	uint64_t wait, post;

	/* the task: latched at START, planned when it runs */
	uint32_t run_kernel, run_args;
	uint64_t run_wait, run_post;
	uint32_t err_code;
	uint32_t count, axis_len;
	unsigned in_type, out_type;
	float in_scale, out_scale, lo, hi;
	int32_t in_zp, out_zp;
	const uint8_t *in;
	uint8_t *out;
	float *buf;                   /* the decoded inputs */
	size_t buf_cap;
	struct npum_work work;
	struct npum_barrier_waiter waiter;
	struct npum *n;
};

struct npum_act {
	struct act_engine eng[NPU_LRT_ACTS];
};

static struct act_engine *engine(struct npum *n, unsigned i)
{
	return &((struct npum_act *)npum_priv(n, NPUM_BLOCK_act))->eng[i];
}

static const char *const act_err_names[] = {
	[NPU_LRT_ENGINE_ERR_NONE] = "done",
	[NPU_LRT_ENGINE_ERR_DESC] = "bad kernel or arguments",
	[NPU_LRT_ENGINE_ERR_ADDR] = "address outside the CMX",
	[NPU_LRT_ENGINE_ERR_BARRIER] = "barrier count below 0",
	[NPU_LRT_ENGINE_ERR_BUSY] = "started while busy",
};

static const unsigned type_size[NPU_ACT_TYPE_COUNT] = {
	[NPU_ACT_TYPE_FP16] = 2, [NPU_ACT_TYPE_FP32] = 4, [NPU_ACT_TYPE_I8] = 1, [NPU_ACT_TYPE_U8] = 1,
};

/* ---- Elementary functions in binary64 -------------------------------------------- */

static double pow2i(int k)       /* 2^k for -1022 <= k <= 1023 */
{
	uint64_t bits = (uint64_t)(k + 1023) << 52;
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

static double scale2(double x, int k)    /* x * 2^k, -1100 < k < 1100 */
{
	int h = k / 2;

	return x * pow2i(h) * pow2i(k - h);
}

static double act_exp(double x)
{
	static const double ln2_hi = 6.93147180369123816490e-01;  /* ln 2, split */
	static const double ln2_lo = 1.90821492927058770002e-10;
	double r, p;
	int k;

	if (x != x)
		return x;
	if (x > 709.8)
		return 1.0 / 0.0;
	if (x < -745.2)
		return 0.0;
	k = (int)(x * 1.44269504088896338700 + (x < 0 ? -0.5 : 0.5));
	r = (x - k * ln2_hi) - k * ln2_lo;      /* |r| <= ~0.35 */
	p = 1.0;
	for (int i = 17; i >= 1; i--)           /* Taylor, Horner form */
		p = 1.0 + p * r / i;
	return scale2(p, k);
}

static double act_expm1(double x)
{
	double sum, term;

	if (!(x > -0.5 && x < 0.5))
		return act_exp(x) - 1.0;
	sum = term = x;
	for (int i = 2; i <= 24; i++) {
		term *= x / i;
		sum += term;
	}
	return sum;
}

static double act_tanh(double x)
{
	double a = x < 0 ? -x : x, t;

	if (x != x || x == 0)
		return x;                       /* NaN, and the sign of 0 */
	if (a > 22.0)
		return x < 0 ? -1.0 : 1.0;
	t = act_expm1(2.0 * a);
	t = t / (t + 2.0);
	return x < 0 ? -t : t;
}

/* erf(a) = 2/sqrt(pi) e^(-a^2) sum 2^n a^(2n+1) / (1*3*...*(2n+1)): all
 * terms positive, so nothing cancels. */
static double act_erf(double x)
{
	double a = x < 0 ? -x : x, sum, term, y;

	if (x != x)
		return x;
	if (a >= 6.0)
		return x < 0 ? -1.0 : 1.0;
	sum = term = a;
	for (int n = 0; n < 400; n++) {
		term *= 2.0 * a * a / (2 * n + 3);
		sum += term;
		if (term < sum * 1e-17)
			break;
	}
	y = 1.12837916709551257390 * act_exp(-a * a) * sum;
	if (y > 1.0)                            /* the last rounding may pass 1 */
		y = 1.0;
	return x < 0 ? -y : y;
}

static double act_eval(unsigned kernel, double x, float lo, float hi)
{
	double t;

	switch (kernel) {
	case NPU_ACT_KERNEL_RELU:
		return x < 0 ? 0.0 : x;
	case NPU_ACT_KERNEL_CLAMP:
		if (x != x)
			return x;
		return x < lo ? lo : x > hi ? hi : x;
	case NPU_ACT_KERNEL_SIGMOID:
		return 1.0 / (1.0 + act_exp(-x));
	case NPU_ACT_KERNEL_TANH:
		return act_tanh(x);
	case NPU_ACT_KERNEL_HSWISH:
		t = x + 3.0;
		t = t < 0 ? 0.0 : t > 6.0 ? 6.0 : t;
		return x * t / 6.0;
	case NPU_ACT_KERNEL_EXP:
		return act_exp(x);
	case NPU_ACT_KERNEL_GELU:
		return 0.5 * x * (1.0 + act_erf(x * 0.70710678118654752440));
	default:
		return x;
	}
}

/* ---- Element conversions ------------------------------------------------------------ */

static float half_to_float(uint16_t h)
{
	unsigned e = (h >> 10) & 0x1F, m = h & 0x3FF;
	double v;

	if (e == 0x1F)
		v = m ? 0.0 / 0.0 : 1.0 / 0.0;
	else if (!e)
		v = m * pow2i(-24);
	else
		v = (1024 + m) * pow2i((int)e - 25);
	return (float)((h & 0x8000) ? -v : v);
}

/* Round to nearest, ties to even, once, from binary64. */
static uint16_t double_to_half(double d)
{
	uint64_t bits, m, q, rem, halfway;
	uint16_t sign;
	int e;
	unsigned shift;

	memcpy(&bits, &d, sizeof(bits));
	sign = (uint16_t)((bits >> 48) & 0x8000);
	if (d != d)
		return 0x7E00;
	if (d >= 65520.0 || d <= -65520.0)     /* beyond 65504 + half an ulp */
		return sign | 0x7C00;
	e = (int)((bits >> 52) & 0x7FF) - 1023;
	if (e < -26)                            /* below half the smallest subnormal */
		return sign;
	m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	shift = e >= -14 ? 42u : (unsigned)(42 - 14 - e);
	q = m >> shift;
	rem = m & ((UINT64_C(1) << shift) - 1);
	halfway = UINT64_C(1) << (shift - 1);
	if (rem > halfway || (rem == halfway && (q & 1)))
		q++;
	if (e >= -14)   /* q has the hidden bit: a carry moves into the exponent */
		return (uint16_t)(sign | (((uint32_t)(e + 14) << 10) + (uint32_t)q));
	return (uint16_t)(sign | q);
}

static int32_t round_half_even_sat(double v, int32_t zp, int32_t lo, int32_t hi)
{
	double fl, diff;
	int64_t t, r;

	if (v != v)
		return zp;
	if (v > 1e9)
		return hi;
	if (v < -1e9)
		return lo;
	t = (int64_t)v;                         /* toward zero */
	fl = (double)t;
	if (fl > v) {
		fl -= 1.0;
		t--;
	}
	diff = v - fl;                          /* exact, in [0, 1) */
	r = t + (diff > 0.5 || (diff == 0.5 && (t & 1)));
	r += zp;
	return (int32_t)(r < lo ? lo : r > hi ? hi : r);
}

static float load_elem(const struct act_engine *e, uint32_t i)
{
	const uint8_t *p = e->in + (size_t)i * type_size[e->in_type];
	uint32_t u;
	float f;

	switch (e->in_type) {
	case NPU_ACT_TYPE_FP16:
		return half_to_float((uint16_t)(p[0] | p[1] << 8));
	case NPU_ACT_TYPE_FP32:
		u = npu_le32_get(p);
		memcpy(&f, &u, sizeof(f));
		return f;
	case NPU_ACT_TYPE_I8:
		return (float)((int32_t)(int8_t)p[0] - e->in_zp) * e->in_scale;
	default:
		return (float)((int32_t)p[0] - e->in_zp) * e->in_scale;
	}
}

static void store_elem(const struct act_engine *e, uint32_t i, double y)
{
	uint8_t *p = e->out + (size_t)i * type_size[e->out_type];
	uint16_t h;
	float f;
	uint32_t u;

	switch (e->out_type) {
	case NPU_ACT_TYPE_FP16:
		h = double_to_half(y);
		p[0] = (uint8_t)h;
		p[1] = (uint8_t)(h >> 8);
		return;
	case NPU_ACT_TYPE_FP32:
		f = (float)y;
		memcpy(&u, &f, sizeof(u));
		if (y != y)
			u = 0x7FC00000u;
		npu_le32_put(p, u);
		return;
	case NPU_ACT_TYPE_I8:
		p[0] = (uint8_t)(int8_t)round_half_even_sat(y / e->out_scale, e->out_zp, -128, 127);
		return;
	default:
		p[0] = (uint8_t)round_half_even_sat(y / e->out_scale, e->out_zp, 0, 255);
		return;
	}
}

/* ---- Running a task (off the model's thread) ----------------------------------------- */

static void act_softmax(struct act_engine *e)
{
	for (uint32_t row = 0; row < e->count; row += e->axis_len) {
		const float *x = e->buf + row;
		double m = -1.0 / 0.0, s = 0.0;

		for (uint32_t i = 0; i < e->axis_len; i++)
			if (x[i] > m)
				m = x[i];
		for (uint32_t i = 0; i < e->axis_len; i++)
			s += act_exp(x[i] - m);
		for (uint32_t i = 0; i < e->axis_len; i++)
			store_elem(e, row + i, act_exp(x[i] - m) / s);
	}
}

static void act_run(struct npum_work *w)
{
	struct act_engine *e = (struct act_engine *)((char *)w - offsetof(struct act_engine, work));

	if (e->err_code)
		return;
	/* every input before any output: the ranges may overlap */
	for (uint32_t i = 0; i < e->count; i++)
		e->buf[i] = load_elem(e, i);
	if (e->run_kernel == NPU_ACT_KERNEL_SOFTMAX) {
		act_softmax(e);
		return;
	}
	for (uint32_t i = 0; i < e->count; i++)
		store_elem(e, i, act_eval(e->run_kernel, e->buf[i], e->lo, e->hi));
}

/* ---- Planning (model thread) ---------------------------------------------------------- */

static float f32_at(const uint8_t *p)
{
	uint32_t u = npu_le32_get(p);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static bool quant_ok(unsigned type, float scale, int32_t zp)
{
	if (type == NPU_ACT_TYPE_FP16 || type == NPU_ACT_TYPE_FP32)
		return true;
	if (!(scale > 0 && scale <= 3.4028234663852886e38f))
		return false;
	return type == NPU_ACT_TYPE_I8 ? zp >= -128 && zp <= 127 : zp >= 0 && zp <= 255;
}

/* A CMX range [addr, addr + len) or NULL. */
static uint8_t *cmx_range(struct npum *n, uint64_t addr, uint64_t len)
{
	uint64_t got = len;
	uint8_t *p = npum_cmx_ptr(n, addr, &got);

	return p && got == len ? p : NULL;
}

static uint32_t act_plan(struct npum *n, struct act_engine *e)
{
	uint8_t a[sizeof(struct npu_act_args)];
	const uint8_t *p;
	uint32_t input, output;

	if (!e->run_kernel || e->run_kernel >= NPU_ACT_KERNEL_COUNT) {
		npum_guest_error(n, "activation engine %u: unknown kernel 0x%x", e->index,
				 e->run_kernel);
		return NPU_LRT_ENGINE_ERR_DESC;
	}
	p = cmx_range(n, e->run_args, sizeof(a));
	if (!p) {
		npum_guest_error(n, "activation engine %u: argument block at 0x%x is not in the CMX",
				 e->index, e->run_args);
		return NPU_LRT_ENGINE_ERR_ADDR;
	}
	memcpy(a, p, sizeof(a));
	input = npu_le32_get(a + 0);
	output = npu_le32_get(a + 4);
	e->count = npu_le32_get(a + 8);
	e->in_type = a[12];
	e->out_type = a[13];
	e->in_scale = f32_at(a + 16);
	e->in_zp = (int32_t)npu_le32_get(a + 20);
	e->out_scale = f32_at(a + 24);
	e->out_zp = (int32_t)npu_le32_get(a + 28);
	e->axis_len = npu_le32_get(a + 32);
	e->lo = f32_at(a + 36);
	e->hi = f32_at(a + 40);
	{
		bool reserved = a[14] || a[15];
		const char *why = NULL;

		for (unsigned i = 44; i < sizeof(a); i++)
			reserved |= a[i] != 0;
		if (reserved)
			why = "a reserved field is not 0";
		else if (e->in_type >= NPU_ACT_TYPE_COUNT || e->out_type >= NPU_ACT_TYPE_COUNT)
			why = "unknown element type";
		else if (!e->count || e->count > NPU_ACT_MAX_ELEMENTS)
			why = "element count 0 or too large";
		else if (!quant_ok(e->in_type, e->in_scale, e->in_zp) ||
			 !quant_ok(e->out_type, e->out_scale, e->out_zp))
			why = "bad quantisation scale or zero point";
		else if (e->run_kernel == NPU_ACT_KERNEL_SOFTMAX &&
			 (!e->axis_len || e->count % e->axis_len))
			why = "softmax axis length 0 or not dividing the count";
		else if (e->run_kernel == NPU_ACT_KERNEL_CLAMP && !(e->lo <= e->hi))
			why = "clamp bounds NaN or low above high";
		if (why) {
			npum_guest_error(n, "activation engine %u: arguments at 0x%x: %s", e->index,
					 e->run_args, why);
			return NPU_LRT_ENGINE_ERR_DESC;
		}
	}
	e->in = cmx_range(n, input, (uint64_t)e->count * type_size[e->in_type]);
	e->out = cmx_range(n, output, (uint64_t)e->count * type_size[e->out_type]);
	if (!e->in || !e->out) {
		npum_guest_error(n, "activation engine %u: %s range at 0x%x is not in the CMX",
				 e->index, e->in ? "output" : "input", e->in ? output : input);
		return NPU_LRT_ENGINE_ERR_ADDR;
	}
	if (e->buf_cap < e->count) {
		float *b = realloc(e->buf, (size_t)e->count * sizeof(*b));

		if (!b) {
			npum_guest_error(n, "activation engine %u: out of host memory", e->index);
			return NPU_LRT_ENGINE_ERR_DESC;
		}
		e->buf = b;
		e->buf_cap = e->count;
	}
	return NPU_LRT_ENGINE_ERR_NONE;
}

static uint64_t act_cost_ns(const struct act_engine *e)
{
	uint64_t ps;

	if (e->err_code)
		return ACT_SETUP_NS;
	switch (e->run_kernel) {
	case NPU_ACT_KERNEL_CONVERT:
	case NPU_ACT_KERNEL_RELU:
	case NPU_ACT_KERNEL_CLAMP:
		ps = ACT_PS_SIMPLE;
		break;
	case NPU_ACT_KERNEL_SOFTMAX:
		ps = ACT_PS_SOFTMAX;
		break;
	default:
		ps = ACT_PS_TRANSCENDENTAL;
	}
	return ACT_SETUP_NS + (uint64_t)e->count * ps / 1000u;
}

static void act_irq_update(struct npum *n, struct act_engine *e)
{
	npum_lrt_irq_set(n, NPU_LRT_IRQ_ACT(e->index),
			 e->status & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR));
}

static void act_ready(struct npum *n, struct npum_barrier_waiter *w)
{
	struct act_engine *e = (struct act_engine *)((char *)w -
						    offsetof(struct act_engine, waiter));

	e->status &= ~NPU_LRT_ENGINE_STATUS_WAITING;
	e->err_code = act_plan(n, e);
	npum_work_submit(n, &e->work, npum_now(n) + act_cost_ns(e));
}

static void act_done(struct npum *n, struct npum_work *w)
{
	struct act_engine *e = (struct act_engine *)((char *)w - offsetof(struct act_engine, work));

	if (!npum_barriers_task_end(n, e->run_wait, e->run_post) && !e->err_code) {
		npum_guest_error(n, "activation engine %u: a barrier of its WAIT/POST masks was "
				 "already at 0", e->index);
		e->err_code = NPU_LRT_ENGINE_ERR_BARRIER;
	}
	e->status &= ~NPU_LRT_DMA_STATUS_BUSY;
	if (e->err_code)
		e->status = (e->status & ~NPU_LRT_DMA_STATUS_ERR_CODE) | NPU_LRT_DMA_STATUS_ERROR |
			    NPU_FLD_PREP(NPU_LRT_DMA_STATUS_ERR_CODE, e->err_code);
	else
		e->status |= NPU_LRT_DMA_STATUS_DONE;
	npum_trace_act_done(n, e->index, act_err_names[e->err_code], e->err_code ? 0 : e->count);
	act_irq_update(n, e);
}

static void act_start(struct npum *n, struct act_engine *e)
{
	if (e->status & NPU_LRT_DMA_STATUS_BUSY) {
		npum_guest_error(n, "activation engine %u started while a task runs; it carries on",
				 e->index);
		e->status = (e->status & ~NPU_LRT_DMA_STATUS_ERR_CODE) | NPU_LRT_DMA_STATUS_ERROR |
			    NPU_FLD_PREP(NPU_LRT_DMA_STATUS_ERR_CODE, NPU_LRT_ENGINE_ERR_BUSY);
		act_irq_update(n, e);
		return;
	}
	e->status = NPU_LRT_DMA_STATUS_BUSY | (e->wait ? NPU_LRT_ENGINE_STATUS_WAITING : 0);
	e->run_kernel = e->kernel;
	e->run_args = e->args;
	e->run_wait = e->wait;
	e->run_post = e->post;
	e->err_code = 0;
	e->count = 0;
	act_irq_update(n, e);
	npum_trace_act_start(n, e->index, e->run_kernel, e->run_args, e->run_wait, e->run_post);
	npum_barriers_wait(n, &e->waiter, e->run_wait);
}

/* ---- Registers ------------------------------------------------------------------------ */

static uint32_t reg_off(const struct npum_reg *r)
{
	return r->offset - NPU_LRT_ACT_BASE(0);
}

static uint64_t rd_act(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	struct act_engine *e = engine(n, idx);

	switch (reg_off(r)) {
	case NPU_LRT_ENGINE_STATUS:  return e->status;
	case NPU_LRT_ENGINE_WAIT_LO: return (uint32_t)e->wait;
	case NPU_LRT_ENGINE_WAIT_HI: return e->wait >> 32;
	case NPU_LRT_ENGINE_POST_LO: return (uint32_t)e->post;
	case NPU_LRT_ENGINE_POST_HI: return e->post >> 32;
	case NPU_LRT_ACT_KERNEL:     return e->kernel;
	case NPU_LRT_ACT_ARGS:       return e->args;
	default:                     return 0;
	}
}

static void set_half(uint64_t *r, bool hi, uint32_t v)
{
	*r = hi ? (*r & UINT32_MAX) | (uint64_t)v << 32 : (*r & ~(uint64_t)UINT32_MAX) | v;
}

static void wr_act(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t val)
{
	struct act_engine *e = engine(n, idx);
	uint32_t v = (uint32_t)val;

	switch (reg_off(r)) {
	case NPU_LRT_ENGINE_CTRL:
		if (v & NPU_LRT_DMA_CTRL_START)
			act_start(n, e);
		return;
	case NPU_LRT_ENGINE_STATUS:
		if (v & NPU_LRT_DMA_STATUS_ERROR)
			e->status &= ~(NPU_LRT_DMA_STATUS_ERROR | NPU_LRT_DMA_STATUS_ERR_CODE);
		if (v & NPU_LRT_DMA_STATUS_DONE)
			e->status &= ~NPU_LRT_DMA_STATUS_DONE;
		act_irq_update(n, e);
		return;
	case NPU_LRT_ENGINE_WAIT_LO: set_half(&e->wait, false, v); return;
	case NPU_LRT_ENGINE_WAIT_HI: set_half(&e->wait, true, v); return;
	case NPU_LRT_ENGINE_POST_LO: set_half(&e->post, false, v); return;
	case NPU_LRT_ENGINE_POST_HI: set_half(&e->post, true, v); return;
	case NPU_LRT_ACT_KERNEL:     e->kernel = v; return;
	case NPU_LRT_ACT_ARGS:       e->args = v; return;
	}
}

#define ACT_REG(id, reg, fl, rd, wr) \
	{ NPU_LRT_ACT_BASE(0) + (reg), 4, (fl), NPU_LRT_ACTS, NPU_LRT_ENGINE_REGS_SIZE, \
	  "LRT_ACT_" #id, (rd), (wr) }

static const struct npum_reg act_regs[] = {
	ACT_REG(CTRL, NPU_LRT_ENGINE_CTRL, NPUM_REG_WO, NULL, wr_act),
	ACT_REG(STATUS, NPU_LRT_ENGINE_STATUS, 0, rd_act, wr_act),
	ACT_REG(WAIT_LO, NPU_LRT_ENGINE_WAIT_LO, 0, rd_act, wr_act),
	ACT_REG(WAIT_HI, NPU_LRT_ENGINE_WAIT_HI, 0, rd_act, wr_act),
	ACT_REG(POST_LO, NPU_LRT_ENGINE_POST_LO, 0, rd_act, wr_act),
	ACT_REG(POST_HI, NPU_LRT_ENGINE_POST_HI, 0, rd_act, wr_act),
	ACT_REG(KERNEL, NPU_LRT_ACT_KERNEL, 0, rd_act, wr_act),
	ACT_REG(ARGS, NPU_LRT_ACT_ARGS, 0, rd_act, wr_act),
};

static const struct npum_window act_windows[] = {
	NPUM_WINDOW("LRT_ACT", NPUM_SPACE_LRT, NPU_LRT_ACT_BASE(0),
		    NPU_LRT_ACTS * NPU_LRT_ENGINE_REGS_SIZE, false, act_regs),
};

bool npum_act_busy(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_ACTS; i++)
		if (engine(n, i)->status & NPU_LRT_DMA_STATUS_BUSY)
			return true;
	return false;
}

/* ---- Block ------------------------------------------------------------------------ */

static int act_init(struct npum *n)
{
	static const char *const names[NPU_LRT_ACTS] = { "act0", "act1", "act2", "act3" };

	for (unsigned i = 0; i < NPU_LRT_ACTS; i++) {
		struct act_engine *e = engine(n, i);

		e->index = i;
		e->n = n;
		npum_work_init(n, &e->work, names[i], act_run, act_done);
		e->waiter.ready = act_ready;
	}
	return 0;
}

static void act_fini(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_ACTS; i++) {
		struct act_engine *e = engine(n, i);

		npum_work_cancel(n, &e->work);
		free(e->buf);
		e->buf = NULL;
	}
}

static void act_ip_reset(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_ACTS; i++) {
		struct act_engine *e = engine(n, i);

		npum_work_cancel(n, &e->work);
		npum_barriers_cancel(n, &e->waiter);
		memset((char *)e + offsetof(struct act_engine, status), 0,
		       offsetof(struct act_engine, buf) - offsetof(struct act_engine, status));
		act_irq_update(n, e);
	}
}

const struct npum_block npum_block_act = {
	.name = "act",
	.windows = NPUM_WINDOWS(act_windows),
	.priv_size = sizeof(struct npum_act),
	.init = act_init,
	.fini = act_fini,
	.ip_reset = act_ip_reset,
};
