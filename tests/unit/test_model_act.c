/* SPDX-License-Identifier: MIT */
/*
 * The activation engines (qemu-device/model/engines/act.c, lrt.h
 * NPU_LRT_ACT_*, include/intel-npu/act_kernels.h), driven through the
 * control core's peripheral block by the monitor program with data placed
 * in the CMX: every kernel against a plain reference written here with the
 * C library's functions (exact equality: both round one binary64 result to
 * the output type, to nearest even), fp16 over every bit pattern, int8/u8
 * over every value, softmax rows, overlapping ranges, the argument checks,
 * barriers, BUSY, interrupt, IP reset.
 */
#include <CUnit/Basic.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "model_prog.h"
#include "npum_internal.h"
#include "intel-npu/act_kernels.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/lrt.h"

#define ARGS_AT   (NPU_CMX_BASE + 0x100u)
#define IN_AT     (NPU_CMX_BASE + 0x10000u)
#define OUT_AT    (NPU_CMX_BASE + 0x80000u)
#define ACT(e, off) (NPU_LRT_ACT_BASE(e) + (off))

static struct mp P;

static uint8_t *cmx(uint32_t addr)
{
	uint64_t len = 1;

	return npum_cmx_ptr(P.h.npu, addr, &len);
}

static void boot(void)
{
	mp_init(&P, NULL);
	mp_monitor_boot(&P);
}

static struct npu_act_args args_for(uint32_t count, unsigned in_type, unsigned out_type)
{
	struct npu_act_args a;

	memset(&a, 0, sizeof(a));
	a.input = IN_AT;
	a.output = OUT_AT;
	a.count = count;
	a.in_type = (uint8_t)in_type;
	a.out_type = (uint8_t)out_type;
	a.in_scale = a.out_scale = 1.0f;
	return a;
}

static void put_args(uint32_t at, const struct npu_act_args *a)
{
	memcpy(cmx(at), a, sizeof(*a));   /* the host is little-endian */
}

static void start(unsigned e, uint32_t kernel, uint32_t args, uint64_t wait, uint64_t post)
{
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ACT_KERNEL), kernel);
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ACT_ARGS), args);
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ENGINE_WAIT_LO), (uint32_t)wait);
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ENGINE_WAIT_HI), (uint32_t)(wait >> 32));
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ENGINE_POST_LO), (uint32_t)post);
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ENGINE_POST_HI), (uint32_t)(post >> 32));
	mp_lrt_wr(&P, ACT(e, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
}

static uint32_t status(unsigned e)
{
	return mp_lrt_rd(&P, ACT(e, NPU_LRT_ENGINE_STATUS));
}

static uint32_t wait_idle(unsigned e)
{
	uint32_t st = 0;

	for (int i = 0; i < 200; i++) {
		st = status(e);
		if (!(st & NPU_LRT_DMA_STATUS_BUSY))
			return st;
		mp_run(&P, 100000);
	}
	CU_FAIL("activation engine still busy");
	return st;
}

/* Run one task on engine 0 and return its ERR_CODE (0: DONE). */
static uint32_t run(uint32_t kernel, const struct npu_act_args *a)
{
	uint32_t st;

	put_args(ARGS_AT, a);
	start(0, kernel, ARGS_AT, 0, 0);
	st = wait_idle(0);
	mp_lrt_wr(&P, ACT(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR);
	if (st & NPU_LRT_DMA_STATUS_DONE)
		CU_ASSERT_EQUAL(st, NPU_LRT_DMA_STATUS_DONE);
	return NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, st);
}

/* ---- The reference ---------------------------------------------------------- */

static double ref_half_value(uint16_t h)
{
	int e = (h >> 10) & 0x1F, m = h & 0x3FF;
	double v = e == 0x1F ? (m ? NAN : INFINITY) : e ? ldexp(1024 + m, e - 25) : ldexp(m, -24);

	return (h & 0x8000) ? -v : v;
}

/* Nearest half by search over the ordered positive encodings; ties even. */
static uint16_t ref_half(double d)
{
	uint16_t sign = signbit(d) ? 0x8000 : 0, lo = 0, hi = 0x7BFF;
	double a = fabs(d);

	if (isnan(d))
		return 0x7E00;
	if (a >= 65520.0)
		return sign | 0x7C00;
	if (a >= 65504.0)
		return sign | 0x7BFF;
	while (hi - lo > 1) {           /* value(lo) <= a < value(hi) */
		uint16_t mid = (uint16_t)((lo + hi) / 2);

		if (ref_half_value(mid) <= a)
			lo = mid;
		else
			hi = mid;
	}
	if (a - ref_half_value(lo) < ref_half_value(hi) - a)
		return sign | lo;
	if (a - ref_half_value(lo) > ref_half_value(hi) - a)
		return sign | hi;
	return sign | ((lo & 1) ? hi : lo);
}

static int ref_quant(double y, float scale, int zp, int lo, int hi)
{
	double q;

	if (isnan(y))
		return zp;
	q = nearbyint(y / scale) + zp;  /* default rounding: to nearest even */
	return q < lo ? lo : q > hi ? hi : (int)q;
}

static double ref_f(uint32_t k, double x, float lo, float hi)
{
	switch (k) {
	case NPU_ACT_KERNEL_CONVERT: return x;
	case NPU_ACT_KERNEL_RELU:    return x < 0 ? 0.0 : x;
	case NPU_ACT_KERNEL_CLAMP:   return isnan(x) ? x : fmin(fmax(x, lo), hi);
	case NPU_ACT_KERNEL_SIGMOID: return 1.0 / (1.0 + exp(-x));
	case NPU_ACT_KERNEL_TANH:    return tanh(x);
	case NPU_ACT_KERNEL_HSWISH:  return x * fmin(fmax(x + 3.0, 0.0), 6.0) / 6.0;
	case NPU_ACT_KERNEL_EXP:     return exp(x);
	case NPU_ACT_KERNEL_GELU:    return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
	}
	return NAN;
}

static const char *const kname[] = { "?", "CONVERT", "RELU", "CLAMP", "SIGMOID", "TANH",
				     "HSWISH", "EXP", "GELU", "SOFTMAX" };

/* ---- Kernels -------------------------------------------------------------------- */

/* Every binary16 pattern through every element-wise kernel. */
static void test_fp16_all_patterns(void)
{
	struct npu_act_args a = args_for(65536, NPU_ACT_TYPE_FP16, NPU_ACT_TYPE_FP16);

	boot();
	a.param[0] = -2.5f;
	a.param[1] = 1000.0f;
	for (uint32_t i = 0; i < 65536; i++) {
		cmx(IN_AT)[2 * i] = (uint8_t)i;
		cmx(IN_AT)[2 * i + 1] = (uint8_t)(i >> 8);
	}
	for (uint32_t k = NPU_ACT_KERNEL_CONVERT; k < NPU_ACT_KERNEL_SOFTMAX; k++) {
		unsigned bad = 0;

		CU_ASSERT_EQUAL(run(k, &a), 0);
		for (uint32_t i = 0; i < 65536; i++) {
			double x = ref_half_value((uint16_t)i);
			uint16_t want = ref_half(ref_f(k, x, a.param[0], a.param[1]));
			uint16_t got = (uint16_t)(cmx(OUT_AT)[2 * i] | cmx(OUT_AT)[2 * i + 1] << 8);

			if (got != want && bad++ < 3)
				fprintf(stderr, "\n  %s(0x%04x = %g): got 0x%04x, want 0x%04x", kname[k],
					i, x, got, want);
		}
		CU_ASSERT_EQUAL(bad, 0);
	}
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

/* Every int8 / uint8 value, dequantised, through every element-wise kernel,
 * requantised with rounding to nearest even and saturation. */
static void test_quantized_all_values(void)
{
	boot();
	for (unsigned t = NPU_ACT_TYPE_I8; t <= NPU_ACT_TYPE_U8; t++) {
		struct npu_act_args a = args_for(256, t, t);
		int lo = t == NPU_ACT_TYPE_I8 ? -128 : 0, hi = t == NPU_ACT_TYPE_I8 ? 127 : 255;

		a.in_scale = 0.0625f;           /* exact: ties in CONVERT are real ties */
		a.in_zero_point = t == NPU_ACT_TYPE_I8 ? -3 : 128;
		a.out_scale = 0.125f;
		a.out_zero_point = t == NPU_ACT_TYPE_I8 ? 5 : 100;
		a.param[0] = -1.0f;
		a.param[1] = 2.0f;
		for (unsigned i = 0; i < 256; i++)
			cmx(IN_AT)[i] = (uint8_t)i;
		for (uint32_t k = NPU_ACT_KERNEL_CONVERT; k < NPU_ACT_KERNEL_SOFTMAX; k++) {
			unsigned bad = 0;

			if (k == NPU_ACT_KERNEL_CONVERT)
				a.out_scale = 0.5f;     /* x / 0.5 has halves: ties to even */
			else
				a.out_scale = 0.125f;
			CU_ASSERT_EQUAL(run(k, &a), 0);
			for (unsigned i = 0; i < 256; i++) {
				int q = t == NPU_ACT_TYPE_I8 ? (int8_t)i : (int)i;
				double x = (float)(q - a.in_zero_point) * a.in_scale;
				int want = ref_quant(ref_f(k, x, a.param[0], a.param[1]), a.out_scale,
						     a.out_zero_point, lo, hi);
				int got = t == NPU_ACT_TYPE_I8 ? (int8_t)cmx(OUT_AT)[i] : cmx(OUT_AT)[i];

				if (got != want && bad++ < 3)
					fprintf(stderr, "\n  %s type %u q %d: got %d, want %d", kname[k],
						t, q, got, want);
			}
			CU_ASSERT_EQUAL(bad, 0);
			if (k == NPU_ACT_KERNEL_EXP)    /* saturation is reached */
				CU_ASSERT_EQUAL(cmx(OUT_AT)[hi], hi);
		}
	}
	mp_fini(&P);
}

static void test_softmax(void)
{
	const uint32_t rows = 6, len = 7;
	struct npu_act_args a = args_for(rows * len, NPU_ACT_TYPE_FP16, NPU_ACT_TYPE_FP16);
	uint16_t in[42];
	unsigned bad = 0;

	boot();
	for (unsigned i = 0; i < rows * len; i++) {
		in[i] = ref_half(((int)(i * 37 % 23) - 11) * 0.37);
		memcpy(cmx(IN_AT) + 2 * i, &in[i], 2);
	}
	in[3 * len + 2] = 0xFC00;      /* -inf: that element is 0 */
	memcpy(cmx(IN_AT) + 2 * (3 * len + 2), &in[3 * len + 2], 2);
	a.axis_len = len;
	CU_ASSERT_EQUAL(run(NPU_ACT_KERNEL_SOFTMAX, &a), 0);
	for (unsigned r = 0; r < rows; r++) {
		double m = -INFINITY, s = 0;

		for (unsigned i = 0; i < len; i++)
			m = fmax(m, ref_half_value(in[r * len + i]));
		for (unsigned i = 0; i < len; i++)
			s += exp(ref_half_value(in[r * len + i]) - m);
		for (unsigned i = 0; i < len; i++) {
			uint16_t want = ref_half(exp(ref_half_value(in[r * len + i]) - m) / s), got;

			memcpy(&got, cmx(OUT_AT) + 2 * (r * len + i), 2);
			bad += got != want;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(cmx(OUT_AT)[2 * (3 * len + 2)], 0);
	/* fp16 in, u8 out with scale 1/256: a row sums to about 256 */
	a.out_type = NPU_ACT_TYPE_U8;
	a.out_scale = 1.0f / 256;
	CU_ASSERT_EQUAL(run(NPU_ACT_KERNEL_SOFTMAX, &a), 0);
	{
		unsigned sum = 0;

		for (unsigned i = 0; i < len; i++)
			sum += cmx(OUT_AT)[i];
		CU_ASSERT_TRUE(sum >= 250 && sum <= 262);
	}
	/* one row of the whole count */
	a.axis_len = rows * len;
	a.out_type = NPU_ACT_TYPE_FP32;
	CU_ASSERT_EQUAL(run(NPU_ACT_KERNEL_SOFTMAX, &a), 0);
	{
		double sum = 0;

		for (unsigned i = 0; i < rows * len; i++) {
			float f;

			memcpy(&f, cmx(OUT_AT) + 4 * i, 4);
			sum += f;
		}
		CU_ASSERT_DOUBLE_EQUAL(sum, 1.0, 1e-6);
	}
	mp_fini(&P);
}

/* fp32 in and out: results within a few ulp of the C library's. */
static void test_fp32(void)
{
	struct npu_act_args a = args_for(1000, NPU_ACT_TYPE_FP32, NPU_ACT_TYPE_FP32);
	float in[1000];

	boot();
	for (unsigned i = 0; i < 1000; i++)
		in[i] = (float)((double)i * 0.0173 - 8.0);
	memcpy(cmx(IN_AT), in, sizeof(in));
	for (uint32_t k = NPU_ACT_KERNEL_SIGMOID; k <= NPU_ACT_KERNEL_EXP; k++) {
		unsigned bad = 0;

		CU_ASSERT_EQUAL(run(k, &a), 0);
		for (unsigned i = 0; i < 1000; i++) {
			float got, want = (float)ref_f(k, in[i], 0, 0);

			memcpy(&got, cmx(OUT_AT) + 4 * i, 4);
			bad += fabsf(got - want) > 4 * fabsf(want) * FLT_EPSILON;
		}
		CU_ASSERT_EQUAL(bad, 0);
	}
	mp_fini(&P);
}

/* All inputs are read before any output is written: in place, growing. */
static void test_overlap(void)
{
	struct npu_act_args a = args_for(100, NPU_ACT_TYPE_U8, NPU_ACT_TYPE_FP16);

	boot();
	a.output = IN_AT;
	a.in_scale = 0.5f;
	for (unsigned i = 0; i < 100; i++)
		cmx(IN_AT)[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(run(NPU_ACT_KERNEL_CONVERT, &a), 0);
	for (unsigned i = 0; i < 100; i++) {
		uint16_t got;

		memcpy(&got, cmx(IN_AT) + 2 * i, 2);
		CU_ASSERT_EQUAL(got, ref_half(i * 0.5));
	}
	mp_fini(&P);
}

/* ---- Errors ----------------------------------------------------------------------- */

static void test_bad_arguments(void)
{
	struct npu_act_args good = args_for(16, NPU_ACT_TYPE_I8, NPU_ACT_TYPE_FP16), a;
	unsigned errors;

	boot();
	memset(cmx(OUT_AT), 0xEE, 64);
	CU_ASSERT_EQUAL(run(0, &good), NPU_LRT_ENGINE_ERR_DESC);
	CU_ASSERT_EQUAL(run(NPU_ACT_KERNEL_COUNT, &good), NPU_LRT_ENGINE_ERR_DESC);
	CU_ASSERT_EQUAL(run(0x84800000u, &good), NPU_LRT_ENGINE_ERR_DESC);
#define BAD(code, kernel, stmt) do { a = good; stmt; \
	CU_ASSERT_EQUAL(run(kernel, &a), code); } while (0)
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.count = 0);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.count = NPU_ACT_MAX_ELEMENTS + 1);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.in_type = NPU_ACT_TYPE_COUNT);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.out_type = 0xFF);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.reserved_0 = 1);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.reserved[4] = 1);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.in_scale = 0);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.in_scale = -1);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.in_scale = NAN);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.in_scale = INFINITY);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU, a.in_zero_point = 128);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_RELU,
	    (a.out_type = NPU_ACT_TYPE_U8, a.out_zero_point = -1));
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_SOFTMAX, a.axis_len = 0);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_SOFTMAX, a.axis_len = 5);
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_CLAMP, (a.param[0] = 2, a.param[1] = 1));
	BAD(NPU_LRT_ENGINE_ERR_DESC, NPU_ACT_KERNEL_CLAMP, a.param[1] = NAN);
	BAD(NPU_LRT_ENGINE_ERR_ADDR, NPU_ACT_KERNEL_RELU, a.input = 0x1000);
	BAD(NPU_LRT_ENGINE_ERR_ADDR, NPU_ACT_KERNEL_RELU, a.output = NPU_CMX_BASE - 2);
	BAD(NPU_LRT_ENGINE_ERR_ADDR, NPU_ACT_KERNEL_RELU, a.input = NPU_CMX_BASE + NPU_CMX_SIZE - 15);
	BAD(NPU_LRT_ENGINE_ERR_ADDR, NPU_ACT_KERNEL_RELU, a.output = NPU_CMX_BASE + NPU_CMX_SIZE - 31);
	BAD(NPU_LRT_ENGINE_ERR_ADDR, NPU_ACT_KERNEL_RELU, a.output = 0xFFFFFFF0u);
	BAD(NPU_LRT_ENGINE_ERR_ADDR, NPU_ACT_KERNEL_RELU,
	    (a.count = NPU_ACT_MAX_ELEMENTS, a.out_type = NPU_ACT_TYPE_FP32));
#undef BAD
	/* nothing was written by any of them */
	for (unsigned i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(cmx(OUT_AT)[i], 0xEE);
	/* the block itself outside the CMX, or running over its end */
	errors = P.h.guest_errors;
	start(0, NPU_ACT_KERNEL_RELU, 0x84810000u, 0, 0);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, wait_idle(0)), NPU_LRT_ENGINE_ERR_ADDR);
	mp_lrt_wr(&P, ACT(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	start(0, NPU_ACT_KERNEL_RELU, NPU_CMX_BASE + NPU_CMX_SIZE - 32, 0, 0);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, wait_idle(0)), NPU_LRT_ENGINE_ERR_ADDR);
	CU_ASSERT_EQUAL(P.h.guest_errors, errors + 2);
	/* and still works afterwards */
	mp_lrt_wr(&P, ACT(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(run(NPU_ACT_KERNEL_RELU, &good), 0);
	mp_fini(&P);
}

/* ---- Barriers, BUSY, interrupt, IP reset ----------------------------------------------- */

static void test_barriers_and_irq(void)
{
	struct npu_act_args a = args_for(8, NPU_ACT_TYPE_FP16, NPU_ACT_TYPE_FP16), b;
	const uint32_t busy_waiting = NPU_LRT_DMA_STATUS_BUSY | NPU_LRT_ENGINE_STATUS_WAITING;
	uint16_t v;

	boot();
	v = ref_half(-1.5);
	for (unsigned i = 0; i < 8; i++)
		memcpy(cmx(IN_AT) + 2 * i, &v, 2);
	/* engine 2: RELU IN -> OUT after barrier 3; engine 3: EXP OUT -> OUT+64
	 * after barrier 40, which engine 2 posts */
	b = a;
	b.input = OUT_AT;
	b.output = OUT_AT + 64;
	put_args(ARGS_AT, &a);
	put_args(ARGS_AT + 64, &b);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_PRODUCERS(3), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_CONSUMERS(3), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_PRODUCERS(40), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_CONSUMERS(40), 1);
	mp_lrt_wr(&P, NPU_LRT_INTC_ENABLE, 0);
	start(3, NPU_ACT_KERNEL_EXP, ARGS_AT + 64, NPU_BIT64(40), 0);
	start(2, NPU_ACT_KERNEL_RELU, ARGS_AT, NPU_BIT64(3), NPU_BIT64(40));
	mp_run(&P, 1000000);
	CU_ASSERT_EQUAL(status(2), busy_waiting);
	CU_ASSERT_EQUAL(status(3), busy_waiting);
	/* START while waiting: BUSY, it goes on */
	mp_lrt_wr(&P, ACT(2, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, status(2)), NPU_LRT_ENGINE_ERR_BUSY);
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_ACT(2));
	mp_lrt_wr(&P, ACT(2, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(status(2), busy_waiting);
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_ACT(2));
	CU_ASSERT_TRUE(npum_barriers_task_end(P.h.npu, 0, NPU_BIT64(3)));
	CU_ASSERT_EQUAL(wait_idle(2), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(wait_idle(3), NPU_LRT_DMA_STATUS_DONE);
	memcpy(&v, cmx(OUT_AT + 64 + 14), 2);
	CU_ASSERT_EQUAL(v, 0x3C00);                      /* exp(relu(-1.5)) = 1 */
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_ACT(2));
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_ACT(3));
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_ACT(0));
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_FREED_LO), NPU_BIT(3));
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_FREED_HI), NPU_BIT(40 - 32));
	mp_lrt_wr(&P, ACT(3, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_ACT(3));
	/* posting a free barrier: the task is done, then ERR_BARRIER */
	start(3, NPU_ACT_KERNEL_EXP, ARGS_AT + 64, 0, NPU_BIT64(41));
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, wait_idle(3)),
			NPU_LRT_ENGINE_ERR_BARRIER);
	/* a task that fails still counts itself off its barriers */
	mp_lrt_wr(&P, ACT(3, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_PRODUCERS(42), 1);
	start(3, 0, ARGS_AT + 64, 0, NPU_BIT64(42));
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, wait_idle(3)), NPU_LRT_ENGINE_ERR_DESC);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_PRODUCERS(42)), 0);
	/* the registers read back */
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, ACT(3, NPU_LRT_ACT_ARGS)), ARGS_AT + 64);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, ACT(3, NPU_LRT_ENGINE_POST_HI)), NPU_BIT(42 - 32));
	mp_fini(&P);
}

static void test_ip_reset(void)
{
	struct npu_act_args a = args_for(NPU_ACT_MAX_ELEMENTS, NPU_ACT_TYPE_FP16, NPU_ACT_TYPE_FP16);
	struct npum *n;
	uint32_t st = 0;

	boot();
	n = P.h.npu;
	put_args(ARGS_AT, &a);
	start(1, NPU_ACT_KERNEL_TANH, ARGS_AT, 0, 0);
	CU_ASSERT_EQUAL(status(1), NPU_LRT_DMA_STATUS_BUSY);    /* it takes time */
	mp_lrt_wr(&P, NPU_LRT_BARRIER_PRODUCERS(0), 1);
	start(0, NPU_ACT_KERNEL_TANH, ARGS_AT, 1, 0);            /* waiting */
	npum_ip_reset(n);
	mh_advance(&P.h, 10000000);
	CU_ASSERT_EQUAL(npum_lrt_space_read(n, ACT(1, NPU_LRT_ENGINE_STATUS), &st), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(npum_lrt_space_read(n, ACT(0, NPU_LRT_ENGINE_STATUS), &st), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(npum_lrt_space_read(n, ACT(1, NPU_LRT_ACT_KERNEL), &st), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(npum_lrt_space_read(n, NPU_LRT_INTC_PENDING, &st), 0);
	CU_ASSERT_FALSE(st & (NPU_LRT_IRQ_ACT(0) | NPU_LRT_IRQ_ACT(1)));
	mp_fini(&P);
}

/* VPU_STATUS.IDLE (hw-facts §3.6) is 0 while a task runs or waits. */
static void test_not_idle_while_busy(void)
{
	struct npu_act_args a = args_for(NPU_ACT_MAX_ELEMENTS / 2, NPU_ACT_TYPE_U8, NPU_ACT_TYPE_U8);
	struct npum *n;

	mp_init(&P, NULL);
	mp_sleep_boot(&P);               /* WFI: the core itself is idle */
	n = P.h.npu;
	mp_run(&P, 10000);
	CU_ASSERT_TRUE(mh_rd32(&P.h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	put_args(ARGS_AT, &a);
	npum_lrt_space_write(n, ACT(3, NPU_LRT_ACT_KERNEL), NPU_ACT_KERNEL_SIGMOID);
	npum_lrt_space_write(n, ACT(3, NPU_LRT_ACT_ARGS), ARGS_AT);
	npum_lrt_space_write(n, ACT(3, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
	CU_ASSERT_FALSE(mh_rd32(&P.h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	mp_run(&P, 10000000);
	CU_ASSERT_TRUE(mh_rd32(&P.h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	/* waiting on a barrier is not idle either */
	npum_lrt_space_write(n, ACT(3, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_DONE);
	npum_lrt_space_write(n, NPU_LRT_BARRIER_PRODUCERS(6), 1);
	npum_lrt_space_write(n, ACT(3, NPU_LRT_ENGINE_WAIT_LO), NPU_BIT(6));
	npum_lrt_space_write(n, ACT(3, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
	mp_run(&P, 10000000);
	CU_ASSERT_FALSE(mh_rd32(&P.h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	mp_fini(&P);
}

/* Hostile firmware: random kernels, argument blocks, masks and barrier
 * counts on all four engines and both DMA engines. Nothing may crash or
 * write outside the CMX (the sanitizers and valgrind watch); every engine
 * ends idle or waiting, and IP reset brings all of it back. */
static uint32_t rnd(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*seed >> 33);
}

static void test_hostile_random(void)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	struct npum *n;

	boot();
	n = P.h.npu;
#define RND() rnd(&seed)
	for (int round = 0; round < 300; round++) {
		unsigned e = RND() % NPU_LRT_ACTS;
		uint8_t *blk = cmx(ARGS_AT + 64 * e);
		uint32_t w;

		for (unsigned i = 0; i < 64; i += 4) {
			w = RND();
			memcpy(blk + i, &w, 4);
		}
		if (RND() & 1) {            /* often nearly valid */
			uint32_t cnt = 1 + RND() % 4096, it = RND() % 5, ot = RND() % 5;
			struct npu_act_args a = args_for(cnt, it, ot);

			a.input = NPU_CMX_BASE + RND() % (NPU_CMX_SIZE + 0x100);
			a.output = NPU_CMX_BASE + RND() % (NPU_CMX_SIZE + 0x100);
			a.axis_len = RND() % 9;
			a.in_zero_point = (int)(RND() % 300) - 150;
			a.param[0] = -1;
			a.param[1] = 1;
			memcpy(blk, &a, sizeof(a));
		}
		npum_lrt_space_write(n, NPU_LRT_BARRIER_PRODUCERS(RND() % 64), RND() % 3);
		npum_lrt_space_write(n, NPU_LRT_BARRIER_CONSUMERS(RND() % 64), RND() % 3);
		npum_lrt_space_write(n, ACT(e, NPU_LRT_ACT_KERNEL), RND() % 12);
		npum_lrt_space_write(n, ACT(e, NPU_LRT_ACT_ARGS),
				     RND() % 8 ? ARGS_AT + 64 * e : RND());
		npum_lrt_space_write(n, ACT(e, NPU_LRT_ENGINE_WAIT_LO), RND() % 4 ? 0 : RND());
		npum_lrt_space_write(n, ACT(e, NPU_LRT_ENGINE_POST_HI), RND() % 4 ? 0 : RND());
		npum_lrt_space_write(n, ACT(e, NPU_LRT_ENGINE_STATUS), RND());
		npum_lrt_space_write(n, ACT(e, NPU_LRT_ENGINE_CTRL), 1);
		if (RND() % 4 == 0) {
			unsigned d = RND() % NPU_LRT_DMA_ENGINES;

			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_SRC_LO,
					     NPU_CMX_BASE + RND() % NPU_CMX_SIZE);
			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_DST_LO,
					     NPU_CMX_BASE + RND() % NPU_CMX_SIZE);
			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_LEN_LO, RND() % 4096);
			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_WAIT_LO, RND());
			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_POST_HI, RND());
			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_STATUS, RND());
			npum_lrt_space_write(n, NPU_LRT_DMA_BASE(d) + NPU_LRT_DMA_CTRL,
					     NPU_LRT_DMA_CTRL_START |
					     NPU_FLD_PREP(NPU_LRT_DMA_CTRL_MODE, NPU_LRT_DMA_MODE_COPY));
		}
		if (RND() % 3 == 0) {
			uint64_t wm = (uint64_t)RND() << 32;

			wm |= RND();
			npum_barriers_task_end(n, wm, RND());
		}
		if (RND() % 50 == 0)
			npum_lrt_space_write(n, NPU_LRT_BARRIER_FREED_LO, UINT32_MAX);
		mh_advance(&P.h, RND() % 20000);
	}
#undef RND
	mh_advance(&P.h, 100000000);
	for (unsigned e = 0; e < NPU_LRT_ACTS; e++) {
		uint32_t st = 0;

		CU_ASSERT_EQUAL(npum_lrt_space_read(n, ACT(e, NPU_LRT_ENGINE_STATUS), &st), 0);
		/* not stuck running: idle, or waiting on a barrier */
		CU_ASSERT_TRUE(!(st & NPU_LRT_DMA_STATUS_BUSY) || (st & NPU_LRT_ENGINE_STATUS_WAITING));
	}
	CU_ASSERT_TRUE(P.h.guest_errors > 0);
	npum_ip_reset(n);
	for (unsigned e = 0; e < NPU_LRT_ACTS; e++) {
		uint32_t st = 1;

		CU_ASSERT_EQUAL(npum_lrt_space_read(n, ACT(e, NPU_LRT_ENGINE_STATUS), &st), 0);
		CU_ASSERT_EQUAL(st, 0);
	}
	mp_fini(&P);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("model_act", NULL, NULL);
	CU_add_test(s, "fp16: every pattern, every element-wise kernel", test_fp16_all_patterns);
	CU_add_test(s, "i8/u8: every value, every element-wise kernel", test_quantized_all_values);
	CU_add_test(s, "softmax: rows, -inf, u8 and fp32 out", test_softmax);
	CU_add_test(s, "fp32 in and out", test_fp32);
	CU_add_test(s, "overlapping ranges: inputs read first", test_overlap);
	CU_add_test(s, "bad kernel and arguments: DESC, ADDR", test_bad_arguments);
	CU_add_test(s, "barriers, BUSY, interrupt, W1C", test_barriers_and_irq);
	CU_add_test(s, "IP reset stops running and waiting tasks", test_ip_reset);
	CU_add_test(s, "VPU_STATUS.IDLE is 0 while a task runs or waits", test_not_idle_while_busy);
	CU_add_test(s, "hostile firmware: random tasks, no crash, IP reset", test_hostile_random);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
