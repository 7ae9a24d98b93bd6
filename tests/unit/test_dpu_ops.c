/* SPDX-License-Identifier: MIT */
/*
 * The DPU's arithmetic (qemu-device/model/engines/dpu_ops.c) against plain
 * reference implementations written here, one output element at a time
 * from the raw bytes: convolution (dense, grouped, depthwise, 1x1 matmul;
 * kernels 1-11, strides, padding, dilation), max and average pooling,
 * element-wise add and multiply, the PPE (bias, mult/shift, the three
 * roundings, PReLU, zero point, clamps), fp16 conversion. Shapes and values
 * come from a seeded generator. Integer results must be bit-exact; float
 * results too, because the reference sums in the same documented order
 * (docs/compute.md ("DPU")) and converts with the compiler's _Float16.
 */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engines/dpu_ops.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t rr(uint32_t lo, uint32_t hi) /* [lo, hi] */
{
	return lo + rnd() % (hi - lo + 1);
}

/* ---- Reference PPE --------------------------------------------------------------- */

static int64_t ref_round(int64_t v, unsigned s, enum dpu_round m)
{
	int64_t d, q, rem;

	if (!s)
		return v;
	d = (int64_t)1 << s;
	q = v / d;
	if (v % d && v < 0)
		q--;                          /* floor */
	rem = v - q * d;                      /* 0 <= rem < d */
	if (m == DPU_ROUND_NONE || 2 * rem < d)
		return q;
	if (2 * rem > d)
		return q + 1;
	if (m == DPU_ROUND_AWAY)
		return v < 0 ? q : q + 1;
	return q % 2 ? q + 1 : q;
}

static int64_t ref_ppe(int64_t acc, const struct dpu_chan *c, const struct dpu_ppe *p,
		       enum dpu_type t)
{
	int64_t v = ref_round((acc + c->bias) * c->mult, c->shift, p->round);
	int64_t lo = p->clamp_lo, hi = p->clamp_hi;

	if (v > INT32_MAX) v = INT32_MAX;
	if (v < INT32_MIN) v = INT32_MIN;
	if (v < 0)
		v = ref_round(v * (c->prelu_mult ? c->prelu_mult : p->prelu_mult), p->prelu_shift,
			      p->round);
	v += p->out_zp;
	if (t == DPU_T_U8) { if (lo < 0) lo = 0; if (hi > 255) hi = 255; }
	if (t == DPU_T_I8) { if (lo < -128) lo = -128; if (hi > 127) hi = 127; }
	return v < lo ? lo : v > hi ? hi : v;
}

static int32_t val(const uint8_t *p, enum dpu_type t, int32_t zp)
{
	return t == DPU_T_U8 ? *p - zp : (int8_t)*p - zp;
}

static float hval(const uint8_t *p)
{
	uint16_t h = (uint16_t)(p[0] | p[1] << 8);
#ifdef __FLT16_MAX__
	_Float16 f;

	memcpy(&f, &h, 2);
	return (float)f;
#else
	return dpu_half_to_float(h);
#endif
}

static uint16_t ref_to_half(float v)
{
#ifdef __FLT16_MAX__
	_Float16 f = (_Float16)v;
	uint16_t h;

	memcpy(&h, &f, 2);
	return h;
#else
	return dpu_float_to_half(v, false, false);
#endif
}

/* ---- A random layer ------------------------------------------------------------------ */

struct tl {
	struct dpu_layer l;
	uint8_t *in, *in2, *wbuf, *out, *expect;
	const uint8_t **wt;
	struct dpu_chan *chan;
	uint32_t ow_all, oh_all, oc_all;  /* output tensor */
	size_t out_size;
};

static enum dpu_type int_type(void) { return rnd() & 1 ? DPU_T_U8 : DPU_T_I8; }

static void fill(uint8_t *p, size_t n, bool half)
{
	for (size_t i = 0; i < n; i++) {
		if (half && (i & 1)) /* fp16 in [-4, 4): exponent bits limited */
			p[i] = (uint8_t)((rnd() & 0x80) | rr(0x30, 0x43));
		else
			p[i] = (uint8_t)rnd();
	}
}

/* Build a random layer of `op` with float or integer types. */
static void tl_make(struct tl *t, enum dpu_op op, bool fp, bool dense_only)
{
	struct dpu_layer *l = &t->l;
	size_t es, ies, in_n;
	uint32_t kmax = rnd() % 4 ? 5 : 11;

	memset(t, 0, sizeof(*t));
	l->op = op;
	l->in_type = fp ? DPU_T_FP16 : int_type();
	l->wt_type = fp ? DPU_T_FP16 : int_type();
	l->out_type = fp ? (rnd() & 1 ? DPU_T_FP16 : DPU_T_FP32)
			 : (enum dpu_type[]){ DPU_T_U8, DPU_T_I8, DPU_T_I32 }[rnd() % 3];
	l->in_c = rr(1, 40);
	l->in_w = rr(1, 14);
	l->in_h = rr(1, 14);
	l->kx = rr(1, kmax);
	l->ky = rr(1, kmax);
	l->sx = rr(1, 3);
	l->sy = rr(1, 3);
	l->dx = rnd() % 4 ? 1 : 2;
	l->dy = rnd() % 4 ? 1 : 2;
	l->pad_left = (int32_t)rr(0, l->kx / 2 + 1);
	l->pad_top = (int32_t)rr(0, l->ky / 2 + 1);
	l->groups = 1;
	l->out_c = l->in_c;
	if (op == DPU_OP_CONV && !dense_only) {
		switch (rnd() % 3) {
		case 0: l->out_c = rr(1, 48); break;
		case 1: l->groups = l->in_c; break;   /* depthwise */
		default:                               /* grouped, channel multiplier */
			l->groups = rr(1, 4);
			l->in_c = l->groups * rr(1, 6);
			l->out_c = l->groups * rr(1, 6);
			break;
		}
	} else if (op == DPU_OP_CONV) {
		l->out_c = rr(1, 48);
	}
	if (op == DPU_OP_ELT_ADD || op == DPU_OP_ELT_MUL) {
		l->kx = l->ky = l->sx = l->sy = l->dx = l->dy = 1;
		l->pad_left = l->pad_top = 0;
	}
	if (!fp) {
		l->in_zp = l->in_type == DPU_T_U8 ? (int32_t)rr(0, 255) : 0;
		l->in2_zp = l->in_type == DPU_T_U8 ? (int32_t)rr(0, 255) : 0;
		l->wt_zp = l->wt_type == DPU_T_U8 ? (int32_t)rr(0, 255) : 0;
	}
	ies = dpu_type_size(l->in_type);
	in_n = (size_t)l->in_w * l->in_h * l->in_c;
	t->in = malloc(in_n * ies);
	t->in2 = malloc(in_n * ies);
	fill(t->in, in_n * ies, fp);
	fill(t->in2, in_n * ies, fp);
	l->in = t->in;
	l->in2 = t->in2;
	/* output tensor: the whole layer; the workload a random part of it */
	if (op == DPU_OP_ELT_ADD || op == DPU_OP_ELT_MUL) {
		t->ow_all = l->in_w;
		t->oh_all = l->in_h;
	} else {
		int64_t ew = (int64_t)l->in_w + 2 * l->pad_left - (int64_t)(l->kx - 1) * l->dx - 1;
		int64_t eh = (int64_t)l->in_h + 2 * l->pad_top - (int64_t)(l->ky - 1) * l->dy - 1;

		t->ow_all = ew < 0 ? 1 : (uint32_t)(ew / l->sx + 1);
		t->oh_all = eh < 0 ? 1 : (uint32_t)(eh / l->sy + 1);
	}
	t->oc_all = op == DPU_OP_CONV ? l->out_c : l->in_c;
	l->ox0 = rr(0, t->ow_all - 1);
	l->oy0 = rr(0, t->oh_all - 1);
	l->oz0 = rr(0, t->oc_all - 1);
	l->ow = rr(1, t->ow_all - l->ox0);
	l->oh = rr(1, t->oh_all - l->oy0);
	l->oc = rr(1, t->oc_all - l->oz0);
	es = dpu_type_size(l->out_type);
	t->out_size = (size_t)t->ow_all * t->oh_all * t->oc_all * es;
	t->out = malloc(t->out_size);
	t->expect = malloc(t->out_size);
	memset(t->out, 0xA5, t->out_size);
	memset(t->expect, 0xA5, t->out_size);
	/* a random permutation of the output */
	{
		ptrdiff_t d[3] = { (ptrdiff_t)t->ow_all, (ptrdiff_t)t->oh_all, (ptrdiff_t)t->oc_all };
		ptrdiff_t s[3];
		unsigned perm[6][3] = { { 2, 0, 1 }, { 2, 1, 0 }, { 1, 2, 0 },
					{ 1, 0, 2 }, { 0, 2, 1 }, { 0, 1, 2 } };
		unsigned *p = perm[rnd() % 6];  /* innermost axis first */

		s[p[0]] = (ptrdiff_t)es;
		s[p[1]] = s[p[0]] * d[p[0]];
		s[p[2]] = s[p[1]] * d[p[1]];
		l->out_sx = s[0];
		l->out_sy = s[1];
		l->out_sz = s[2];
		l->out = t->out + l->ox0 * s[0] + l->oy0 * s[1] + l->oz0 * s[2];
	}
	/* weights: one set per workload channel, at scattered offsets */
	if (op == DPU_OP_CONV) {
		size_t set = (size_t)l->ky * l->kx * (l->in_c / l->groups) * dpu_type_size(l->wt_type);

		t->wbuf = malloc(set * l->oc + 64 * l->oc);
		fill(t->wbuf, set * l->oc + 64 * l->oc, fp);
		t->wt = malloc(sizeof(*t->wt) * l->oc);
		for (uint32_t j = 0; j < l->oc; j++)
			t->wt[j] = t->wbuf + j * (set + 64) + (fp ? 2 * (j % 7) : j % 13);
		l->wt = t->wt;
	}
	l->pool_weight = (int32_t)rr(1, 300);
	l->elt_scale_a = (int32_t)rr(0, 1000);
	l->elt_scale_b = (int32_t)rr(0, 1000);
	t->chan = malloc(sizeof(*t->chan) * l->oc);
	for (uint32_t j = 0; j < l->oc; j++) {
		struct dpu_chan *c = &t->chan[j];

		c->bias = (int32_t)rnd() % 20000 - 10000;
		c->mult = (int32_t)(rnd() % 65536) - 32768;
		c->shift = (uint8_t)rr(0, 30);
		c->prelu_mult = rnd() % 3 ? 0 : (uint8_t)rnd();
		c->fscale = (float)rr(1, 1000) / 256.0f;
		c->fbias = ((float)rr(0, 2000) - 1000.0f) / 64.0f;
	}
	l->chan = t->chan;
	l->ppe.round = (enum dpu_round)(rnd() % 3);
	l->ppe.prelu_mult = rnd() % 2 ? 1 : (int32_t)rr(0, 2047);
	l->ppe.prelu_shift = (uint8_t)rr(0, 12);
	l->ppe.out_zp = (int32_t)rr(0, 511) - 256;
	l->ppe.clamp_lo = rnd() % 2 ? INT32_MIN : -(int32_t)rr(0, 100000);
	l->ppe.clamp_hi = rnd() % 2 ? INT32_MAX : (int32_t)rr(0, 100000);
	l->ppe.fprelu = rnd() % 2 ? 1.0f : 0.125f;
}

static void tl_free(struct tl *t)
{
	free(t->in);
	free(t->in2);
	free(t->wbuf);
	free(t->wt);
	free(t->out);
	free(t->expect);
	free(t->chan);
}

/* The reference: one output element at a time, from the bytes. */
static void tl_reference(struct tl *t)
{
	const struct dpu_layer *l = &t->l;
	size_t ies = dpu_type_size(l->in_type), wes = dpu_type_size(l->wt_type);
	bool fp = l->in_type == DPU_T_FP16;
	uint32_t cg = l->op == DPU_OP_CONV ? l->in_c / l->groups : 1;
	uint32_t og = l->op == DPU_OP_CONV ? l->out_c / l->groups : 1;

	for (uint32_t y = 0; y < l->oh; y++)
		for (uint32_t x = 0; x < l->ow; x++)
			for (uint32_t j = 0; j < l->oc; j++) {
				uint32_t ox = l->ox0 + x, oy = l->oy0 + y, z = l->oz0 + j;
				int64_t acc = l->op == DPU_OP_MAXPOOL ? INT64_MIN : 0;
				float facc = l->op == DPU_OP_MAXPOOL ? -INFINITY : 0.0f;
				bool any = false;
				uint8_t *o = l->out + x * l->out_sx + y * l->out_sy + j * l->out_sz;

				if (l->op == DPU_OP_ELT_ADD || l->op == DPU_OP_ELT_MUL) {
					size_t at = (((size_t)oy * l->in_w + ox) * l->in_c + z) * ies;

					if (fp) {
						float a = hval(t->in + at), b = hval(t->in2 + at);

						facc = l->op == DPU_OP_ELT_ADD ? a + b : a * b;
					} else {
						int64_t a = val(t->in + at, l->in_type, l->in_zp);
						int64_t b = val(t->in2 + at, l->in_type, l->in2_zp);

						acc = l->op == DPU_OP_ELT_ADD
							? a * l->elt_scale_a + b * l->elt_scale_b : a * b;
					}
				}
				for (uint32_t ky = 0; l->op < DPU_OP_ELT_ADD && ky < l->ky; ky++)
					for (uint32_t kx = 0; kx < l->kx; kx++) {
						int64_t ix = (int64_t)ox * l->sx + kx * l->dx - l->pad_left;
						int64_t iy = (int64_t)oy * l->sy + ky * l->dy - l->pad_top;
						size_t px;

						if (ix < 0 || iy < 0 || ix >= l->in_w || iy >= l->in_h)
							continue;
						px = ((size_t)iy * l->in_w + (size_t)ix) * l->in_c;
						any = true;
						if (l->op == DPU_OP_CONV) {
							uint32_t g = z / og;

							for (uint32_t c = 0; c < cg; c++) {
								const uint8_t *a = t->in + (px + g * cg + c) * ies;
								const uint8_t *w = l->wt[j] +
									(((size_t)ky * l->kx + kx) * cg + c) * wes;

								if (fp)
									facc = facc + hval(a) * hval(w);
								else
									acc += (int64_t)val(a, l->in_type, l->in_zp) *
									       val(w, l->wt_type, l->wt_zp);
							}
						} else {
							const uint8_t *a = t->in + (px + z) * ies;

							if (fp && l->op == DPU_OP_MAXPOOL)
								facc = fmaxf(facc, hval(a));
							else if (fp)
								facc = facc + hval(a);
							else if (l->op == DPU_OP_MAXPOOL) {
								int64_t v = val(a, l->in_type, l->in_zp);

								acc = v > acc ? v : acc;
							} else {
								acc += val(a, l->in_type, l->in_zp);
							}
						}
					}
				if (l->op == DPU_OP_MAXPOOL && !any) {
					acc = 0;
					facc = 0.0f;
				}
				if (l->op == DPU_OP_AVGPOOL)
					acc *= l->pool_weight;
				o = t->expect + (o - t->out);
				if (fp) {
					const struct dpu_chan *c = &l->chan[j];
					float v = facc * c->fscale;

					v = v + c->fbias;
					if (v < 0)
						v = v * l->ppe.fprelu;
					if (l->out_type == DPU_T_FP16) {
						uint16_t h = ref_to_half(v);

						memcpy(o, &h, 2);
					} else {
						memcpy(o, &v, 4);
					}
				} else {
					int32_t v = (int32_t)ref_ppe(acc, &l->chan[j], &l->ppe, l->out_type);

					if (l->out_type == DPU_T_I32)
						memcpy(o, &v, 4);
					else
						*o = (uint8_t)v;
				}
			}
}

static unsigned run_random(enum dpu_op op, bool fp, bool dense_only, unsigned n)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < n; i++) {
		struct tl t;

		tl_make(&t, op, fp, dense_only);
		CU_ASSERT_EQUAL_FATAL(dpu_run_layer(&t.l), 0);
		tl_reference(&t);
		if (memcmp(t.out, t.expect, t.out_size)) {
			if (!bad++)
				fprintf(stderr, "\n  mismatch: op %d in %ux%ux%u k %ux%u s %u,%u d %u,%u "
					"pad %d,%d groups %u out_c %u types %d/%d/%d\n", op,
					t.l.in_w, t.l.in_h, t.l.in_c, t.l.kx, t.l.ky, t.l.sx, t.l.sy,
					t.l.dx, t.l.dy, t.l.pad_left, t.l.pad_top, t.l.groups, t.l.out_c,
					t.l.in_type, t.l.wt_type, t.l.out_type);
		}
		tl_free(&t);
	}
	return bad;
}

static void test_conv_int(void)    { CU_ASSERT_EQUAL(run_random(DPU_OP_CONV, false, false, 300), 0); }
static void test_conv_fp16(void)   { CU_ASSERT_EQUAL(run_random(DPU_OP_CONV, true, false, 150), 0); }
static void test_maxpool(void)
{
	CU_ASSERT_EQUAL(run_random(DPU_OP_MAXPOOL, false, false, 150), 0);
	CU_ASSERT_EQUAL(run_random(DPU_OP_MAXPOOL, true, false, 100), 0);
}
static void test_avgpool(void)
{
	CU_ASSERT_EQUAL(run_random(DPU_OP_AVGPOOL, false, false, 150), 0);
	CU_ASSERT_EQUAL(run_random(DPU_OP_AVGPOOL, true, false, 100), 0);
}
static void test_eltwise(void)
{
	CU_ASSERT_EQUAL(run_random(DPU_OP_ELT_ADD, false, false, 100), 0);
	CU_ASSERT_EQUAL(run_random(DPU_OP_ELT_MUL, false, false, 100), 0);
	CU_ASSERT_EQUAL(run_random(DPU_OP_ELT_ADD, true, false, 60), 0);
	CU_ASSERT_EQUAL(run_random(DPU_OP_ELT_MUL, true, false, 60), 0);
}

/* Matmul / fully connected: a 1x1 dense convolution over a 1 x M "image"
 * with K channels; the kernel reads the input rows in place. */
static void test_matmul(void)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < 40; i++) {
		struct tl t;

		tl_make(&t, DPU_OP_CONV, false, true);
		tl_free(&t);
		tl_make(&t, DPU_OP_CONV, false, true);
		/* reshape in place: 1x1 kernel, stride 1, no padding; K up to 40 */
		t.l.kx = t.l.ky = t.l.sx = t.l.sy = t.l.dx = t.l.dy = 1;
		t.l.pad_left = t.l.pad_top = 0;
		t.l.ox0 = t.l.oy0 = 0;
		t.l.ow = t.l.in_w;
		t.l.oh = t.l.in_h;
		t.l.oz0 = 0;
		t.l.oc = t.l.oc < t.l.out_c ? t.l.oc : t.l.out_c;
		t.ow_all = t.l.in_w;
		t.oh_all = t.l.in_h;
		t.oc_all = t.l.out_c;
		t.l.out_sx = (ptrdiff_t)(t.oc_all * dpu_type_size(t.l.out_type));
		t.l.out_sy = t.l.out_sx * t.ow_all;
		t.l.out_sz = (ptrdiff_t)dpu_type_size(t.l.out_type);
		free(t.out);
		free(t.expect);
		t.out_size = (size_t)t.ow_all * t.oh_all * t.oc_all * dpu_type_size(t.l.out_type);
		t.out = calloc(1, t.out_size);
		t.expect = calloc(1, t.out_size);
		t.l.out = t.out;
		CU_ASSERT_EQUAL_FATAL(dpu_run_layer(&t.l), 0);
		tl_reference(&t);
		bad += memcmp(t.out, t.expect, t.out_size) != 0;
		tl_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* The PPE on chosen values: each rounding at the half-way points, PReLU,
 * zero point, clamps, saturation to the output type. */
static void test_ppe_known(void)
{
	struct dpu_chan c = { .bias = 0, .mult = 1, .shift = 1 };
	struct dpu_ppe p = { .round = DPU_ROUND_RNE, .prelu_mult = 1, .clamp_lo = INT32_MIN,
			     .clamp_hi = INT32_MAX };

	CU_ASSERT_EQUAL(dpu_round_shift(5, 1, DPU_ROUND_RNE), 2);    /* 2.5 -> 2 */
	CU_ASSERT_EQUAL(dpu_round_shift(7, 1, DPU_ROUND_RNE), 4);    /* 3.5 -> 4 */
	CU_ASSERT_EQUAL(dpu_round_shift(-5, 1, DPU_ROUND_RNE), -2);
	CU_ASSERT_EQUAL(dpu_round_shift(5, 1, DPU_ROUND_AWAY), 3);
	CU_ASSERT_EQUAL(dpu_round_shift(-5, 1, DPU_ROUND_AWAY), -3);
	CU_ASSERT_EQUAL(dpu_round_shift(-5, 1, DPU_ROUND_NONE), -3); /* floor */
	CU_ASSERT_EQUAL(dpu_round_shift(-7, 2, DPU_ROUND_RNE), -2);  /* -1.75 */
	CU_ASSERT_EQUAL(dpu_ppe_int(300, &c, &p, DPU_T_U8), 150);
	CU_ASSERT_EQUAL(dpu_ppe_int(600, &c, &p, DPU_T_U8), 255);
	CU_ASSERT_EQUAL(dpu_ppe_int(-600, &c, &p, DPU_T_I8), -128);
	p.prelu_mult = 0;                                            /* ReLU */
	CU_ASSERT_EQUAL(dpu_ppe_int(-600, &c, &p, DPU_T_I32), 0);
	p.prelu_mult = 1;
	p.prelu_shift = 2;                                           /* leaky 1/4 */
	CU_ASSERT_EQUAL(dpu_ppe_int(-40, &c, &p, DPU_T_I32), -5);
	c.prelu_mult = 3;                                            /* per channel */
	CU_ASSERT_EQUAL(dpu_ppe_int(-40, &c, &p, DPU_T_I32), -15);
	p.out_zp = 10;
	p.clamp_hi = 12;
	CU_ASSERT_EQUAL(dpu_ppe_int(40, &c, &p, DPU_T_I32), 12);
	c.bias = -20;
	p.clamp_hi = INT32_MAX;
	CU_ASSERT_EQUAL(dpu_ppe_int(40, &c, &p, DPU_T_I32), 20);     /* (40-20)/2 + 10 */
	for (int i = 0; i < 200000; i++) {
		int64_t v = (int64_t)(int32_t)rnd() * (int32_t)(rnd() % 65536 - 32768);
		unsigned s = rr(0, 40);
		enum dpu_round m = (enum dpu_round)(rnd() % 3);

		if (dpu_round_shift(v, s, m) != ref_round(v, s, m)) {
			CU_FAIL("round_shift differs from the reference");
			break;
		}
	}
}

/* fp16: every half widens exactly and narrows back to itself; random floats
 * narrow as the compiler's _Float16 does (nearest even). */
static void test_fp16(void)
{
	unsigned bad = 0;

	for (uint32_t h = 0; h < 65536; h++) {
		float f = dpu_half_to_float((uint16_t)h);
		uint8_t b[2] = { (uint8_t)h, (uint8_t)(h >> 8) };

		if ((h & 0x7C00u) == 0x7C00u && (h & 0x3FFu))
			bad += !isnan(f);
		else
			bad += dpu_float_to_half(f, false, false) != h || f != hval(b);
	}
	for (int i = 0; i < 1000000; i++) {
		uint32_t u = rnd() << 16 ^ rnd();
		float f;

		if (i & 1)
			u = (u & 0x80FFFFFFu) | (rr(96, 145) << 23); /* the fp16 range and around */
		memcpy(&f, &u, 4);
		if (!isnan(f))
			bad += dpu_float_to_half(f, false, false) != ref_to_half(f);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(dpu_float_to_half(70000.0f, true, false), 0x7BFF);
	CU_ASSERT_EQUAL(dpu_float_to_half(-70000.0f, false, false), 0xFC00);
	CU_ASSERT_EQUAL(dpu_float_to_half(65519.0f, false, false), 0x7BFF);
	CU_ASSERT_EQUAL(dpu_float_to_half(65520.0f, false, false), 0x7C00);
	CU_ASSERT_EQUAL(dpu_float_to_half(1e-6f, false, true), 0);
	CU_ASSERT_EQUAL(dpu_float_to_half(-1e-6f, false, false), 0x8011);
}

static void test_invalid(void)
{
	struct tl t;

	tl_make(&t, DPU_OP_CONV, false, true);
	t.l.kx = 12;
	CU_ASSERT_EQUAL(dpu_run_layer(&t.l), -2);
	t.l.kx = 1;
	t.l.groups = 0;
	CU_ASSERT_EQUAL(dpu_run_layer(&t.l), -2);
	t.l.groups = 1;
	t.l.out_type = DPU_T_FP16;
	CU_ASSERT_EQUAL(dpu_run_layer(&t.l), -2);
	t.l.out_type = DPU_T_U8;
	t.l.oc = t.l.out_c - t.l.oz0 + 1;
	CU_ASSERT_EQUAL(dpu_run_layer(&t.l), -2);
	t.l.oc = 1;
	t.l.sx = 0;
	CU_ASSERT_EQUAL(dpu_run_layer(&t.l), -2);
	t.l.sx = 1;
	t.l.in_c = 4000;
	t.l.out_c = 4000;
	t.l.kx = t.l.ky = 3; /* K = 36000 > 32768: the accumulator could overflow */
	CU_ASSERT_EQUAL(dpu_run_layer(&t.l), -2);
	tl_free(&t);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dpu_ops", NULL, NULL);
	CU_add_test(s, "PPE: roundings, PReLU, zero point, clamps", test_ppe_known);
	CU_add_test(s, "fp16 conversions, both ways", test_fp16);
	CU_add_test(s, "int8 convolution: dense, grouped, depthwise", test_conv_int);
	CU_add_test(s, "int8 matmul (1x1)", test_matmul);
	CU_add_test(s, "fp16 convolution", test_conv_fp16);
	CU_add_test(s, "max pooling", test_maxpool);
	CU_add_test(s, "average pooling", test_avgpool);
	CU_add_test(s, "element-wise add and multiply", test_eltwise);
	CU_add_test(s, "invalid layers are refused", test_invalid);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
