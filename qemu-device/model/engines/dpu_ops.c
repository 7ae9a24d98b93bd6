/* SPDX-License-Identifier: MIT */
/*
 * The DPU's arithmetic (dpu_ops.h; the choices are docs/compute.md ("DPU")).
 *
 * Integer layers: every U8/I8 value is widened to int16 with its zero point
 * subtracted (|v| <= 255), once per layer for the input, so the inner loops
 * are int16 x int16 -> int32 dot products over K = ky * kx * (in_c/groups),
 * which compilers turn into pmaddwd / vpdpwssd. K is limited to 32768 so
 * the int32 accumulator cannot overflow (32768 * 255 * 255 < 2^31). The
 * convolution is an implicit GEMM: for each output pixel its window is
 * gathered into one contiguous int16 row (or used in place for a 1x1 dense
 * layer), then dotted with four weight rows at a time, which keeps the row
 * in L1 and streams the layer's weights from L2.
 *
 * Float layers (FP16 in): products and sums in binary32, summed in the order
 * ky, kx, ic, one accumulator per output; vectorised across output channels
 * only, so each output's order never changes; C11 mode keeps the compiler
 * from contracting into FMA (-ffp-contract=off is the ISO default).
 */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dpu_ops.h"

#define DPU_K_MAX 32768u

/* Wider vector units where the host has them; the result is identical (the
 * kernels are integer-only). glibc's ifunc picks the clone at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__)
#define DPU_CLONES __attribute__((target_clones("arch=sapphirerapids", "avx2", "default"), \
					   optimize("vect-cost-model=dynamic")))
#elif defined(__GNUC__) && !defined(__clang__)
#define DPU_CLONES __attribute__((optimize("vect-cost-model=dynamic")))
#else
#define DPU_CLONES /* clang vectorises these at -O2 */
#endif

size_t dpu_type_size(enum dpu_type t)
{
	switch (t) {
	case DPU_T_U8: case DPU_T_I8: return 1;
	case DPU_T_FP16: return 2;
	default: return 4;
	}
}

/* ---- fp16 ------------------------------------------------------------------------ */

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

float dpu_half_to_float(uint16_t h)
{
	uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;

	if (e == 0x1F)
		return u2f(s | 0x7F800000u | m << 13);
	if (e == 0) {
		/* subnormal: m * 2^-24, exact in binary32 */
		float v = (float)m * 0x1p-24f;
		return s ? -v : v;
	}
	return u2f(s | (e + 112u) << 23 | m << 13);
}

uint16_t dpu_float_to_half(float f, bool clamp, bool ftz)
{
	uint32_t u = f2u(f), s = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu;
	uint32_t e, m, r;

	if (a > 0x7F800000u)
		return (uint16_t)(s | 0x7E00u | ((a >> 13) & 0x1FFu)); /* NaN, quiet */
	if (a >= 0x477FF000u) /* rounds to >= 65520: overflow */
		return (uint16_t)(s | (clamp ? 0x7BFFu : 0x7C00u));
	if (a < 0x38800000u) { /* below 2^-14: subnormal or zero in fp16 */
		if (ftz)
			return (uint16_t)s;
		/* value = a's float; fp16 subnormal unit is 2^-24 */
		e = a >> 23;
		if (e < 102)
			return (uint16_t)s; /* < 2^-25: rounds to 0 */
		m = (a & 0x7FFFFFu) | 0x800000u;
		{
			unsigned sh = 126 - e; /* m * 2^(e-150) / 2^-24 = m >> (126 - e) */
			uint32_t q = m >> sh, rem = m & ((1u << sh) - 1), half = 1u << (sh - 1);

			if (rem > half || (rem == half && (q & 1)))
				q++;
			return (uint16_t)(s | q);
		}
	}
	/* normal: rebias and round the 13 dropped bits to nearest even */
	r = a - 0x38000000u; /* exponent 127 -> 15 */
	m = r & 0x1FFFu;
	r >>= 13;
	if (m > 0x1000u || (m == 0x1000u && (r & 1)))
		r++;
	return (uint16_t)(s | r);
}

/* ---- PPE ---------------------------------------------------------------------------- */

static inline int64_t round_shift(int64_t v, unsigned shift, enum dpu_round mode)
{
	int64_t q, rem, half;

	if (!shift)
		return v;
	if (shift > 62)
		shift = 62;
	q = v >> shift; /* floor: arithmetic shift (gcc, clang) */
	if (mode == DPU_ROUND_NONE)
		return q;
	rem = v - q * ((int64_t)1 << shift);
	half = (int64_t)1 << (shift - 1);
	if (rem > half)
		return q + 1;
	if (rem < half)
		return q;
	/* exactly half way */
	if (mode == DPU_ROUND_AWAY)
		return v >= 0 ? q + 1 : q;
	return (q & 1) ? q + 1 : q;
}

int64_t dpu_round_shift(int64_t v, unsigned shift, enum dpu_round mode)
{
	return round_shift(v, shift, mode);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Inlined into the kernels' output loops. */
static inline int32_t ppe_int(int64_t acc, const struct dpu_chan *c, const struct dpu_ppe *p,
			      enum dpu_type out_type)
{
	int64_t v = round_shift((acc + c->bias) * c->mult, c->shift, p->round);
	int64_t lo = p->clamp_lo, hi = p->clamp_hi;

	v = clamp64(v, INT32_MIN, INT32_MAX);
	if (v < 0) {
		int32_t pm = c->prelu_mult ? c->prelu_mult : p->prelu_mult;

		v = round_shift(v * pm, p->prelu_shift, p->round);
	}
	v += p->out_zp;
	if (out_type == DPU_T_U8) {
		lo = lo < 0 ? 0 : lo;
		hi = hi > 255 ? 255 : hi;
	} else if (out_type == DPU_T_I8) {
		lo = lo < -128 ? -128 : lo;
		hi = hi > 127 ? 127 : hi;
	}
	return (int32_t)clamp64(v, lo, hi);
}

int32_t dpu_ppe_int(int64_t acc, const struct dpu_chan *c, const struct dpu_ppe *p,
		    enum dpu_type out_type)
{
	return ppe_int(acc, c, p, out_type);
}

static float ppe_float(float acc, const struct dpu_chan *c, const struct dpu_ppe *p)
{
	float v = acc * c->fscale;

	v = v + c->fbias;
	if (v < 0.0f)
		v = v * p->fprelu;
	return v;
}

static inline void store_int(uint8_t *o, enum dpu_type t, int32_t v)
{
	switch (t) {
	case DPU_T_U8: *o = (uint8_t)v; break;
	case DPU_T_I8: *o = (uint8_t)(int8_t)v; break;
	default: memcpy(o, &v, 4); break; /* host order; the model runs on little-endian hosts */
	}
}

static void store_float(uint8_t *o, const struct dpu_layer *l, float v)
{
	if (l->out_type == DPU_T_FP16) {
		uint16_t h = dpu_float_to_half(v, l->ppe.fp16_clamp, l->ppe.fp16_ftz);

		memcpy(o, &h, 2);
	} else {
		memcpy(o, &v, 4);
	}
}

static uint8_t *out_at(const struct dpu_layer *l, uint32_t x, uint32_t y, uint32_t z)
{
	return l->out + (ptrdiff_t)x * l->out_sx + (ptrdiff_t)y * l->out_sy + (ptrdiff_t)z * l->out_sz;
}

/* ---- Widening ------------------------------------------------------------------------- */

static void widen_int(int16_t *restrict d, const uint8_t *restrict s, size_t n, enum dpu_type t,
		      int32_t zp)
{
	if (t == DPU_T_U8)
		for (size_t i = 0; i < n; i++)
			d[i] = (int16_t)(s[i] - zp);
	else
		for (size_t i = 0; i < n; i++)
			d[i] = (int16_t)((int8_t)s[i] - zp);
}

static void widen_half(float *restrict d, const uint8_t *restrict s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = dpu_half_to_float((uint16_t)(s[2 * i] | s[2 * i + 1] << 8));
}

/* ---- Integer kernels ------------------------------------------------------------------ */

DPU_CLONES
static void dot4(const int16_t *restrict a, const int16_t *restrict w, size_t stride, size_t k,
		 int32_t *restrict out)
{
	const int16_t *w0 = w, *w1 = w + stride, *w2 = w + 2 * stride, *w3 = w + 3 * stride;
	int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;

	for (size_t i = 0; i < k; i++) {
		int32_t x = a[i];

		s0 += x * w0[i];
		s1 += x * w1[i];
		s2 += x * w2[i];
		s3 += x * w3[i];
	}
	out[0] += s0;
	out[1] += s1;
	out[2] += s2;
	out[3] += s3;
}

DPU_CLONES
static int32_t dot1(const int16_t *restrict a, const int16_t *restrict w, size_t k)
{
	int32_t s = 0;

	for (size_t i = 0; i < k; i++)
		s += (int32_t)a[i] * w[i];
	return s;
}

/* acc[c] += a[c] * w[c] over the channels: depthwise and pooling */
DPU_CLONES
static void mac_lanes(int32_t *restrict acc, const int16_t *restrict a, const int16_t *restrict w,
		      size_t n)
{
	for (size_t i = 0; i < n; i++)
		acc[i] += (int32_t)a[i] * w[i];
}

static bool in_window(const struct dpu_layer *l, uint32_t ox, uint32_t oy, uint32_t kx,
		      uint32_t ky, uint32_t *ix, uint32_t *iy)
{
	int64_t x = (int64_t)ox * l->sx + (int64_t)kx * l->dx - l->pad_left;
	int64_t y = (int64_t)oy * l->sy + (int64_t)ky * l->dy - l->pad_top;

	if (x < 0 || y < 0 || x >= l->in_w || y >= l->in_h)
		return false;
	*ix = (uint32_t)x;
	*iy = (uint32_t)y;
	return true;
}

/* Dense convolution, integer, cache-blocked: CONV_PB output pixels at a
 * time, their window rows gathered (or used in place for 1x1), K in chunks
 * of CONV_KB so four weight rows and the pixels' rows stay in L1 while each
 * weight chunk serves every pixel of the block. Partial sums are exact
 * (every one is bounded by the whole sum's bound). */
#define CONV_PB 16u
#define CONV_KB 512u

static int conv_int_dense(const struct dpu_layer *l, const int16_t *in16)
{
	size_t k = (size_t)l->ky * l->kx * l->in_c, npix = (size_t)l->ow * l->oh;
	int16_t *w16 = malloc(sizeof(int16_t) * k * l->oc);
	int16_t *rows = malloc(sizeof(int16_t) * k * CONV_PB);
	int32_t *acc = malloc(sizeof(int32_t) * (size_t)l->oc * CONV_PB);
	const int16_t *ap[CONV_PB];
	bool direct = l->kx == 1 && l->ky == 1;
	int ret = 0;

	if (!w16 || !rows || !acc) {
		ret = -1;
		goto out;
	}
	for (uint32_t j = 0; j < l->oc; j++)
		widen_int(w16 + k * j, l->wt[j], k, l->wt_type, l->wt_zp);
	for (size_t p0 = 0; p0 < npix; p0 += CONV_PB) {
		size_t np = npix - p0 < CONV_PB ? npix - p0 : CONV_PB;

		for (size_t p = 0; p < np; p++) {
			uint32_t ox = l->ox0 + (uint32_t)((p0 + p) % l->ow);
			uint32_t oy = l->oy0 + (uint32_t)((p0 + p) / l->ow), ix, iy;
			int16_t *r = rows + k * p;

			if (direct && in_window(l, ox, oy, 0, 0, &ix, &iy)) {
				ap[p] = in16 + ((size_t)iy * l->in_w + ix) * l->in_c;
				continue;
			}
			ap[p] = r;
			for (uint32_t ky = 0; ky < l->ky; ky++)
				for (uint32_t kx = 0; kx < l->kx; kx++, r += l->in_c) {
					if (in_window(l, ox, oy, kx, ky, &ix, &iy))
						memcpy(r, in16 + ((size_t)iy * l->in_w + ix) * l->in_c,
						       sizeof(int16_t) * l->in_c);
					else
						memset(r, 0, sizeof(int16_t) * l->in_c);
				}
		}
		memset(acc, 0, sizeof(int32_t) * l->oc * np);
		for (size_t k0 = 0; k0 < k; k0 += CONV_KB) {
			size_t kl = k - k0 < CONV_KB ? k - k0 : CONV_KB;
			uint32_t j = 0;

			for (; j + 4 <= l->oc; j += 4)
				for (size_t p = 0; p < np; p++)
					dot4(ap[p] + k0, w16 + k * j + k0, k, kl, acc + l->oc * p + j);
			for (; j < l->oc; j++)
				for (size_t p = 0; p < np; p++)
					acc[l->oc * p + j] += dot1(ap[p] + k0, w16 + k * j + k0, kl);
		}
		for (size_t p = 0; p < np; p++) {
			uint32_t x = (uint32_t)((p0 + p) % l->ow), y = (uint32_t)((p0 + p) / l->ow);

			for (uint32_t j = 0; j < l->oc; j++)
				store_int(out_at(l, x, y, j), l->out_type,
					  ppe_int(acc[l->oc * p + j], &l->chan[j], &l->ppe, l->out_type));
		}
	}
out:
	free(w16);
	free(rows);
	free(acc);
	return ret;
}

/* ---- Optional: oneDNN's u8 x s8 GEMM for the inner products ------------------------
 * The issue allows a well-kept library to do the inner products if the
 * model's own post-processing keeps the results exact: dnnl_gemm_u8s8s32
 * computes (A - ao) x (B - bo) in exact int32 arithmetic (our K bound keeps
 * it from overflowing), so the outputs are bit-identical to the plain path
 * above, on every host and thread count. It is looked up at run time
 * (Debian's libdnnl), so nothing links against it; without it, or with
 * NPU_DPU_DNNL=0 in the environment (check-valgrind: valgrind does not know
 * every instruction its JIT emits), the plain path runs. */
typedef int (*dnnl_gemm_u8s8s32_fn)(char transa, char transb, char offsetc, int64_t m,
				    int64_t n, int64_t k, float alpha, const uint8_t *a,
				    int64_t lda, uint8_t ao, const int8_t *b, int64_t ldb, int8_t bo,
				    float beta, int32_t *c, int64_t ldc, const int32_t *co);
static dnnl_gemm_u8s8s32_fn dnnl_gemm;
static pthread_once_t dnnl_once = PTHREAD_ONCE_INIT;

static void dnnl_load(void)
{
	static const char *const names[] = { "libdnnl.so.3", "libdnnl.so.2" };
	const char *env = getenv("NPU_DPU_DNNL");

	if (env && !strcmp(env, "0"))
		return;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]) && !dnnl_gemm; i++) {
		void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);

		if (h) {
			*(void **)&dnnl_gemm = dlsym(h, "dnnl_gemm_u8s8s32");
			if (!dnnl_gemm)
				dlclose(h);
		}
	}
}

bool dpu_ops_gemm_library(void)
{
	pthread_once(&dnnl_once, dnnl_load);
	return dnnl_gemm != NULL;
}

#define GEMM_A_BYTES (8u << 20)   /* im2col block per GEMM call: big calls run fastest */

/* Dense integer convolution with U8 input and I8 weights through the
 * library: im2col of the raw bytes (padding = the input's zero point, which
 * the GEMM's offset turns into 0, as the plain path's zeros), then PPE.
 * Returns 1 when it does not apply (the caller runs the plain path). */
static int conv_int_gemm(const struct dpu_layer *l)
{
	size_t k = (size_t)l->ky * l->kx * l->in_c, npix = (size_t)l->ow * l->oh;
	size_t pb = GEMM_A_BYTES / k < 64 ? 64 : GEMM_A_BYTES / k;
	uint8_t *a = NULL;
	int8_t *b = NULL;
	int32_t *acc = NULL;
	const int32_t co = 0;
	int ret = 0;

	if (l->in_type != DPU_T_U8 || l->wt_type != DPU_T_I8 || l->groups != 1 ||
	    l->wt_zp != 0 || l->in_zp < 0 || l->in_zp > 255 || !dpu_ops_gemm_library())
		return 1;
	if (pb > npix)
		pb = npix;
	a = malloc(k * pb);
	b = malloc(k * l->oc);
	acc = malloc(sizeof(int32_t) * (size_t)l->oc * pb);
	if (!a || !b || !acc) {
		ret = -1;
		goto out;
	}
	for (uint32_t j = 0; j < l->oc; j++)
		memcpy(b + k * j, l->wt[j], k);
	for (size_t p0 = 0; p0 < npix; p0 += pb) {
		size_t np = npix - p0 < pb ? npix - p0 : pb;
		const uint8_t *am = a, *first = NULL;
		bool direct = l->kx == 1 && l->ky == 1;

		/* 1x1 over consecutive input pixels: the input is the matrix */
		for (size_t p = 0; direct && p < np; p++) {
			uint32_t ox = l->ox0 + (uint32_t)((p0 + p) % l->ow);
			uint32_t oy = l->oy0 + (uint32_t)((p0 + p) / l->ow), ix, iy;
			const uint8_t *px;

			if (!in_window(l, ox, oy, 0, 0, &ix, &iy)) {
				direct = false;
				break;
			}
			px = l->in + ((size_t)iy * l->in_w + ix) * l->in_c;
			if (!p)
				first = px;
			direct = px == first + p * k;
		}
		if (direct)
			am = first;
		for (size_t p = 0; !direct && p < np; p++) {
			uint32_t ox = l->ox0 + (uint32_t)((p0 + p) % l->ow);
			uint32_t oy = l->oy0 + (uint32_t)((p0 + p) / l->ow), ix, iy;
			uint8_t *r = a + k * p;

			for (uint32_t ky = 0; ky < l->ky; ky++)
				for (uint32_t kx = 0; kx < l->kx; kx++, r += l->in_c) {
					if (in_window(l, ox, oy, kx, ky, &ix, &iy))
						memcpy(r, l->in + ((size_t)iy * l->in_w + ix) * l->in_c,
						       l->in_c);
					else
						memset(r, l->in_zp, l->in_c);
				}
		}
		if (dnnl_gemm('N', 'T', 'F', (int64_t)np, l->oc, (int64_t)k, 1.0f, am, (int64_t)k,
			      (uint8_t)l->in_zp, b, (int64_t)k, 0, 0.0f, acc, l->oc, &co)) {
			ret = 1;        /* the library refused: the plain path */
			goto out;
		}
		for (size_t p = 0; p < np; p++) {
			uint32_t x = (uint32_t)((p0 + p) % l->ow), y = (uint32_t)((p0 + p) / l->ow);

			for (uint32_t j = 0; j < l->oc; j++)
				store_int(out_at(l, x, y, j), l->out_type,
					  ppe_int(acc[l->oc * p + j], &l->chan[j], &l->ppe, l->out_type));
		}
	}
out:
	free(a);
	free(b);
	free(acc);
	return ret;
}

/* Grouped convolution, integer. */
static int conv_int(const struct dpu_layer *l, const int16_t *in16)
{
	uint32_t cg = l->in_c / l->groups, og = l->out_c / l->groups;
	size_t k = (size_t)l->ky * l->kx * cg;
	int16_t *w16 = malloc(sizeof(int16_t) * k * l->oc);
	int16_t *row = malloc(sizeof(int16_t) * k);
	int32_t *acc = malloc(sizeof(int32_t) * (l->oc + 4));
	bool direct = l->kx == 1 && l->ky == 1 && l->groups == 1;
	int ret = 0;

	if (!w16 || !row || !acc) {
		ret = -1;
		goto out;
	}
	for (uint32_t j = 0; j < l->oc; j++)
		widen_int(w16 + k * j, l->wt[j], k, l->wt_type, l->wt_zp);
	for (uint32_t y = 0; y < l->oh; y++) {
		for (uint32_t x = 0; x < l->ow; x++) {
			uint32_t ox = l->ox0 + x, oy = l->oy0 + y, ix, iy;
			uint32_t j = 0;

			while (j < l->oc) {
				/* the channels of one group */
				uint32_t g = (l->oz0 + j) / og;
				uint32_t jend = (g + 1) * og - l->oz0;
				const int16_t *a = row;

				if (jend > l->oc)
					jend = l->oc;
				if (direct && in_window(l, ox, oy, 0, 0, &ix, &iy)) {
					a = in16 + ((size_t)iy * l->in_w + ix) * l->in_c;
				} else {
					int16_t *r = row;

					for (uint32_t ky = 0; ky < l->ky; ky++)
						for (uint32_t kx = 0; kx < l->kx; kx++, r += cg) {
							if (in_window(l, ox, oy, kx, ky, &ix, &iy))
								memcpy(r, in16 + ((size_t)iy * l->in_w + ix) *
								       l->in_c + (size_t)g * cg,
								       sizeof(int16_t) * cg);
							else
								memset(r, 0, sizeof(int16_t) * cg);
						}
				}
				for (; j + 4 <= jend; j += 4) {
					acc[j] = acc[j + 1] = acc[j + 2] = acc[j + 3] = 0;
					dot4(a, w16 + k * j, k, k, acc + j);
				}
				for (; j < jend; j++)
					acc[j] = dot1(a, w16 + k * j, k);
			}
			for (j = 0; j < l->oc; j++)
				store_int(out_at(l, x, y, j), l->out_type,
					  ppe_int(acc[j], &l->chan[j], &l->ppe, l->out_type));
		}
	}
out:
	free(w16);
	free(row);
	free(acc);
	return ret;
}

/* Depthwise convolution and pooling, integer: lanes are channels. */
static int window_int(const struct dpu_layer *l, const int16_t *in16)
{
	size_t n = l->oc, taps = (size_t)l->kx * l->ky;
	int16_t *wt = malloc(sizeof(int16_t) * taps * n);   /* [tap][channel] */
	int32_t *acc = malloc(sizeof(int32_t) * n);
	int16_t *tmp = malloc(sizeof(int16_t) * taps);
	int ret = 0;

	if (!wt || !acc || !tmp) {
		ret = -1;
		goto out;
	}
	for (size_t j = 0; j < n; j++) {
		if (l->op == DPU_OP_CONV)
			widen_int(tmp, l->wt[j], taps, l->wt_type, l->wt_zp);
		for (size_t t = 0; t < taps; t++)
			wt[t * n + j] = l->op == DPU_OP_CONV ? tmp[t] : (int16_t)1;
	}
	for (uint32_t y = 0; y < l->oh; y++)
		for (uint32_t x = 0; x < l->ow; x++) {
			bool any = false;

			for (size_t j = 0; j < n; j++)
				acc[j] = l->op == DPU_OP_MAXPOOL ? INT32_MIN : 0;
			for (uint32_t ky = 0; ky < l->ky; ky++)
				for (uint32_t kx = 0; kx < l->kx; kx++) {
					uint32_t ix, iy;
					const int16_t *a;

					if (!in_window(l, l->ox0 + x, l->oy0 + y, kx, ky, &ix, &iy))
						continue; /* padding: contributes 0 / is skipped */
					a = in16 + ((size_t)iy * l->in_w + ix) * l->in_c + l->oz0;
					any = true;
					if (l->op == DPU_OP_MAXPOOL) {
						for (size_t j = 0; j < n; j++)
							acc[j] = a[j] > acc[j] ? a[j] : acc[j];
					} else {
						mac_lanes(acc, a, wt + ((size_t)ky * l->kx + kx) * n, n);
					}
				}
			for (size_t j = 0; j < n; j++) {
				int64_t v = acc[j];

				if (l->op == DPU_OP_MAXPOOL && !any)
					v = 0;
				else if (l->op == DPU_OP_AVGPOOL)
					v *= l->pool_weight;
				store_int(out_at(l, x, y, (uint32_t)j), l->out_type,
					  ppe_int(v, &l->chan[j], &l->ppe, l->out_type));
			}
		}
out:
	free(wt);
	free(acc);
	free(tmp);
	return ret;
}

static int eltwise_int(const struct dpu_layer *l, const int16_t *a16, const int16_t *b16)
{
	for (uint32_t y = 0; y < l->oh; y++)
		for (uint32_t x = 0; x < l->ow; x++) {
			size_t at = ((size_t)(l->oy0 + y) * l->in_w + l->ox0 + x) * l->in_c + l->oz0;

			for (uint32_t j = 0; j < l->oc; j++) {
				int64_t a = a16[at + j], b = b16[at + j];
				int64_t v = l->op == DPU_OP_ELT_ADD
					? a * l->elt_scale_a + b * l->elt_scale_b : a * b;

				store_int(out_at(l, x, y, j), l->out_type,
					  ppe_int(v, &l->chan[j], &l->ppe, l->out_type));
			}
		}
	return 0;
}

/* ---- Float kernels ---------------------------------------------------------------------- */

static int layer_float(const struct dpu_layer *l, const float *in, const float *in2)
{
	uint32_t cg = l->op == DPU_OP_CONV ? l->in_c / l->groups : 1;
	uint32_t og = l->op == DPU_OP_CONV ? l->out_c / l->groups : 1;
	size_t k = (size_t)l->ky * l->kx * cg, n = l->oc;
	float *wt = NULL, *acc = malloc(sizeof(float) * n);
	uint8_t *any = malloc(n);
	int ret = 0;

	if (!acc || !any) {
		ret = -1;
		goto out;
	}
	if (l->op == DPU_OP_CONV) {
		wt = malloc(sizeof(float) * k * n); /* [k][channel]: lanes are channels */
		if (!wt) {
			ret = -1;
			goto out;
		}
		for (size_t j = 0; j < n; j++)
			for (size_t i = 0; i < k; i++)
				wt[i * n + j] = dpu_half_to_float((uint16_t)(l->wt[j][2 * i] |
									 l->wt[j][2 * i + 1] << 8));
	}
	for (uint32_t y = 0; y < l->oh; y++)
		for (uint32_t x = 0; x < l->ow; x++) {
			uint32_t ox = l->ox0 + x, oy = l->oy0 + y;

			for (size_t j = 0; j < n; j++) {
				acc[j] = l->op == DPU_OP_MAXPOOL ? -INFINITY : 0.0f;
				any[j] = 0;
			}
			if (l->op == DPU_OP_ELT_ADD || l->op == DPU_OP_ELT_MUL) {
				size_t at = ((size_t)oy * l->in_w + ox) * l->in_c + l->oz0;

				for (size_t j = 0; j < n; j++)
					acc[j] = l->op == DPU_OP_ELT_ADD ? in[at + j] + in2[at + j]
									 : in[at + j] * in2[at + j];
			} else {
				for (uint32_t ky = 0; ky < l->ky; ky++)
					for (uint32_t kx = 0; kx < l->kx; kx++) {
						uint32_t ix, iy;
						const float *a;

						if (!in_window(l, ox, oy, kx, ky, &ix, &iy))
							continue;
						a = in + ((size_t)iy * l->in_w + ix) * l->in_c;
						if (l->op == DPU_OP_MAXPOOL) {
							for (size_t j = 0; j < n; j++) {
								float v = a[l->oz0 + j];

								acc[j] = v > acc[j] ? v : acc[j];
								any[j] = 1;
							}
						} else if (l->op == DPU_OP_AVGPOOL) {
							for (size_t j = 0; j < n; j++)
								acc[j] = acc[j] + a[l->oz0 + j];
						} else if (cg == 1 && og == 1) {
							const float *w = wt + ((size_t)ky * l->kx + kx) * n;

							for (size_t j = 0; j < n; j++)
								acc[j] = acc[j] + a[l->oz0 + j] * w[j];
						} else {
							for (uint32_t c = 0; c < cg; c++) {
								const float *w = wt + (((size_t)ky * l->kx + kx) *
										       cg + c) * n;

								for (size_t j = 0; j < n; j++) {
									uint32_t g = (l->oz0 + (uint32_t)j) / og;

									acc[j] = acc[j] + a[g * cg + c] * w[j];
								}
							}
						}
					}
			}
			for (size_t j = 0; j < n; j++) {
				float v = acc[j];

				if (l->op == DPU_OP_MAXPOOL && !any[j])
					v = 0.0f;
				store_float(out_at(l, x, y, (uint32_t)j), l,
					    ppe_float(v, &l->chan[j], &l->ppe));
			}
		}
out:
	free(wt);
	free(acc);
	free(any);
	return ret;
}

/* ---- Entry --------------------------------------------------------------------------------- */

static bool is_int(enum dpu_type t)
{
	return t == DPU_T_U8 || t == DPU_T_I8;
}

static bool layer_valid(const struct dpu_layer *l)
{
	bool in_int = is_int(l->in_type), elt = l->op == DPU_OP_ELT_ADD || l->op == DPU_OP_ELT_MUL;

	if (!in_int && l->in_type != DPU_T_FP16)
		return false;
	if (in_int ? !(is_int(l->out_type) || l->out_type == DPU_T_I32)
		   : !(l->out_type == DPU_T_FP16 || l->out_type == DPU_T_FP32))
		return false;
	if (!l->in_w || !l->in_h || !l->in_c || !l->ow || !l->oh || !l->oc || !l->out_c)
		return false;
	if (elt) {
		return l->ox0 + (uint64_t)l->ow <= l->in_w && l->oy0 + (uint64_t)l->oh <= l->in_h &&
		       l->oz0 + (uint64_t)l->oc <= l->in_c;
	}
	if (l->kx < 1 || l->kx > 11 || l->ky < 1 || l->ky > 11 || !l->sx || !l->sy || !l->dx || !l->dy)
		return false;
	if (l->op != DPU_OP_CONV)
		return l->oz0 + (uint64_t)l->oc <= l->in_c;
	if (!l->groups || l->in_c % l->groups || l->out_c % l->groups)
		return false;
	if (l->wt_type != l->in_type && !(in_int && is_int(l->wt_type)))
		return false;
	if ((uint64_t)l->ky * l->kx * (l->in_c / l->groups) > DPU_K_MAX)
		return false;
	return l->oz0 + (uint64_t)l->oc <= l->out_c;
}

int dpu_run_layer(const struct dpu_layer *l)
{
	size_t n = (size_t)l->in_w * l->in_h * l->in_c;
	bool elt = l->op == DPU_OP_ELT_ADD || l->op == DPU_OP_ELT_MUL;
	int ret;

	if (!layer_valid(l))
		return -2;
	if (l->op == DPU_OP_CONV && l->groups == 1 && is_int(l->in_type)) {
		ret = conv_int_gemm(l);
		if (ret != 1)
			return ret;
	}
	if (is_int(l->in_type)) {
		int16_t *a = malloc(sizeof(int16_t) * n), *b = elt ? malloc(sizeof(int16_t) * n) : NULL;

		if (!a || (elt && !b)) {
			free(a);
			free(b);
			return -1;
		}
		widen_int(a, l->in, n, l->in_type, l->in_zp);
		if (elt)
			widen_int(b, l->in2, n, l->in_type, l->in2_zp);
		if (elt)
			ret = eltwise_int(l, a, b);
		else if (l->op == DPU_OP_CONV && l->groups == 1)
			ret = conv_int_dense(l, a);
		else if (l->op == DPU_OP_CONV && !(l->groups == l->in_c && l->out_c == l->in_c))
			ret = conv_int(l, a);
		else
			ret = window_int(l, a);
		free(a);
		free(b);
		return ret;
	} else {
		float *a = malloc(sizeof(float) * n), *b = elt ? malloc(sizeof(float) * n) : NULL;

		if (!a || (elt && !b)) {
			free(a);
			free(b);
			return -1;
		}
		widen_half(a, l->in, n);
		if (elt)
			widen_half(b, l->in2, n);
		ret = layer_float(l, a, b);
		free(a);
		free(b);
		return ret;
	}
}
