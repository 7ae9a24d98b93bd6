/* SPDX-License-Identifier: MIT */
/*
 * The hand-built conv -> relu -> pool -> fully connected network of
 * npu-format/inference_net.h, and its reference (format/README.md: hosted,
 * outside the freestanding libnpufmt). The register images follow
 * docs/compute-dpu.md (how the model reads them, hw-facts §16.6, §16.7);
 * the structures around them are the builder's (hw-facts §16.3).
 *
 * Layout, the same offsets in the data buffer (DDR) and from the CMX base:
 *
 *   0x0000  IN    input 8x8x16 ZXY (u8 or fp16)
 *   0x0800  CW    conv weight sets, 16 x [3][3][16] (i8 or fp16)
 *   0x2000  CT    conv weights table, 16 x 16 B
 *   0x2100  ARGS  the RELU kernel's npu_act_args
 *   0x2200  FW    FC weight sets, 16 x [256] (i8 or fp16)
 *   0x4200  FT    FC weights table, 16 x 16 B
 *   0x4400  CO    conv output 8x8x16   (CMX only)
 *   0x4C00  RO    relu output 8x8x16   (CMX only)
 *   0x5400  PO    pool output 4x4x16   (CMX only; the FC's 1x1x256 input)
 *   0x5600  FO    FC output 16         (CMX only)
 *   0x5800  OUT   the output           (DDR only)
 *
 * Tasks and barriers (each barrier used once):
 *   dma0: IN, ARGS; dma1: CW+CT, FW+FT       all post barrier 10 (4 producers)
 *   DPU tile 0: conv (2 variants, 8 channels each) waits 10, posts 11
 *   ACT tile 0: RELU CO -> RO                waits 11, posts 12
 *   DPU tile 1: max pool RO -> PO            waits 12, posts 13
 *   DPU tile 0: FC PO -> FO                  waits 13, posts 14
 *   dma1: FO -> OUT                          waits 14
 */
#include "npu-format/inference_net.h"

#include <string.h>

#include "intel-npu/act_kernels.h"
#include "intel-npu/bits.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/nce37xx.h"
#include "intel-npu/nnrt.h"
#include "npu-format/inference.h"

enum {
	IN = 0x0000, CW = 0x0800, CT = 0x2000, ARGS = 0x2100, FW = 0x2200, FT = 0x4200,
	CO = 0x4400, RO = 0x4C00, PO = 0x5400, FO = 0x5600,
	W = 8, H = 8, C = 16, OC = 16, PW = 4, PH = 4, FC_IN = PW * PH * OC, FC_OUT = 16,
	K_CONV = 9 * C,
};

/* Zero points of the int8 network: input, conv/relu/pool, output. */
#define ZP_IN   100
#define ZP_MID  60
#define ZP_OUT  128

#define BIT(b) (1ull << (b))

uint32_t npu_net_cmx_base(void)
{
	return NPU_CMX_BASE + NPU_CMX_WORKSPACE_OFFSET;
}

size_t npu_net_out_size(enum npu_net_type t)
{
	return t == NPU_NET_FP16 ? 2u * FC_OUT : FC_OUT;
}

/* ---- binary16 and binary32 bits, written here (not the model's) -------------- */

static uint32_t f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float f32_of(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static float half_to_f32(uint16_t h)
{
	uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1F, m = h & 0x3FF;

	if (e == 0x1F)
		return f32_of(s | 0x7F800000u | (m << 13));
	if (e)
		return f32_of(s | ((e + 112u) << 23) | (m << 13));
	/* subnormal or zero: m * 2^-24, exact in binary32 */
	return f32_of(s) + (s ? -1.0f : 1.0f) * (float)m * 0x1p-24f;
}

/* Round to nearest even, overflow to infinity, subnormals kept. */
static uint16_t f32_to_half(float f)
{
	uint32_t u = f32_bits(f), s = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu;

	if (a > 0x7F800000u)
		return (uint16_t)(s | 0x7E00u);
	if (a >= 0x477FF000u)                      /* >= 65520: rounds to infinity */
		return (uint16_t)(s | 0x7C00u);
	if (a >= 0x38800000u) {                    /* normal in binary16 */
		uint32_t r = a - 0x38000000u, q = r >> 13, rem = r & 0x1FFFu;

		q += rem > 0x1000u || (rem == 0x1000u && (q & 1));
		return (uint16_t)(s | q);
	} else {                                   /* subnormal: units of 2^-24 */
		float v = f32_of(a) * 0x1p24f;     /* exact: a power-of-two scale */
		uint32_t q = (uint32_t)v;
		float rem = v - (float)q;

		q += rem > 0.5f || (rem == 0.5f && (q & 1));
		return (uint16_t)(s | q);
	}
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* ---- Seeded data --------------------------------------------------------------- */

/* xorshift32: the same sequence everywhere; the state is the caller's */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int rnd_in(uint32_t *s, int lo, int hi)
{
	return lo + (int)(rnd(s) % (uint32_t)(hi - lo + 1));
}

static void fill(enum npu_net_type t, uint8_t *d, uint32_t cmx, uint32_t *s)
{
	bool f = t == NPU_NET_FP16;

	for (int i = 0; i < W * H * C; i++)
		if (f)
			put16(d + IN + 2 * i, f32_to_half((float)rnd_in(s, -16, 16) / 16.0f));
		else
			d[IN + i] = (uint8_t)rnd_in(s, 0, 255);
	for (int j = 0; j < OC; j++) {
		uint8_t *e = d + CT + 16 * j;

		for (int i = 0; i < K_CONV; i++)
			if (f)
				put16(d + CW + 2 * (K_CONV * j + i),
				      f32_to_half((float)rnd_in(s, -8, 8) / 32.0f));
			else
				d[CW + K_CONV * j + i] = (uint8_t)(int8_t)rnd_in(s, -8, 7);
		npu_le32_put(e + 4 * NPU_DPU_WT_WEIGHT_PTR, cmx + CW + (f ? 2u : 1u) * K_CONV * j);
		if (f) {
			npu_le32_put(e + 4 * NPU_DPU_WT_MULT_SHIFT, f32_bits(0.5f + 0.125f * (float)(j % 5)));
			npu_le32_put(e + 4 * NPU_DPU_WT_BIAS, f32_bits((float)rnd_in(s, -4, 4) * 0.25f));
		} else {
			npu_le32_put(e + 4 * NPU_DPU_WT_MULT_SHIFT,
				     NPU_FLD_PREP(NPU_DPU_WT_MULT, 180u + 9u * (uint32_t)j) |
				     NPU_FLD_PREP(NPU_DPU_WT_SHIFT, 13));
			npu_le32_put(e + 4 * NPU_DPU_WT_BIAS, (uint32_t)rnd_in(s, -800, 800));
		}
	}
	for (int j = 0; j < FC_OUT; j++) {
		uint8_t *e = d + FT + 16 * j;

		for (int i = 0; i < FC_IN; i++)
			if (f)
				put16(d + FW + 2 * (FC_IN * j + i),
				      f32_to_half((float)rnd_in(s, -8, 8) / 64.0f));
			else
				d[FW + FC_IN * j + i] = (uint8_t)(int8_t)rnd_in(s, -8, 7);
		npu_le32_put(e + 4 * NPU_DPU_WT_WEIGHT_PTR, cmx + FW + (f ? 2u : 1u) * FC_IN * j);
		if (f) {
			npu_le32_put(e + 4 * NPU_DPU_WT_MULT_SHIFT, f32_bits(0.25f));
			npu_le32_put(e + 4 * NPU_DPU_WT_BIAS, f32_bits((float)rnd_in(s, -8, 8) * 0.125f));
		} else {
			npu_le32_put(e + 4 * NPU_DPU_WT_MULT_SHIFT,
				     NPU_FLD_PREP(NPU_DPU_WT_MULT, 150u + 5u * (uint32_t)j) |
				     NPU_FLD_PREP(NPU_DPU_WT_SHIFT, 14));
			npu_le32_put(e + 4 * NPU_DPU_WT_BIAS, (uint32_t)rnd_in(s, -4000, 4000));
		}
	}
}

/* ---- Register images (docs/compute-dpu.md §3) -------------------------------- */

static void ppe_common(struct npu_dpu_invariant_regs *R, bool f, int zp_in, int zp_out)
{
	R->ppe_scale = NPU_FLD_PREP(NPU_DPU_PPE_SCALE_ROUND, NPU_DPU_ROUND_RNE);
	R->ppe_prelu = NPU_FLD_PREP(NPU_DPU_PPE_PRELU_MULT, 1);     /* identity */
	R->ppe_scale_hclamp = INT32_MAX;
	R->ppe_scale_lclamp = (uint32_t)INT32_MIN;
	if (!f) {
		R->mpe_cfg = NPU_FLD_PREP(NPU_DPU_MPE_ACTBIAS, (uint32_t)zp_in);
		R->ppe_cfg = NPU_FLD_PREP(NPU_DPU_PPE_G8_BIAS_C, (uint32_t)zp_out);
	}
}

static uint32_t tmode(bool f, uint32_t wmode_int)
{
	return NPU_FLD_PREP(NPU_DPU_TMODE_AMODE, f ? NPU_DPU_ITYPE_FP16 : NPU_DPU_ITYPE_U8) |
	       NPU_FLD_PREP(NPU_DPU_TMODE_WMODE, f ? NPU_DPU_ITYPE_FP16 : wmode_int) |
	       NPU_DPU_TMODE_ZM_INPUT;
}

static void in_out(struct npu_dpu_invariant_regs *R, bool f, uint32_t in, unsigned iw,
		   unsigned ih, unsigned ic, uint32_t out, unsigned ow, unsigned oh, unsigned oc)
{
	R->tensor_size0 = NPU_FLD_PREP(NPU_DPU_TENSOR_SIZE_X, iw) |
			  NPU_FLD_PREP(NPU_DPU_TENSOR_SIZE_Y, ih);
	R->tensor_size1 = ic;
	R->tensor_start = in;
	R->odu_cfg = NPU_FLD_PREP(NPU_DPU_ODU_DTYPE, f ? NPU_DPU_OTYPE_FP16 : NPU_DPU_OTYPE_U8F) |
		     NPU_FLD_PREP(NPU_DPU_ODU_PERMUTATION, NPU_DPU_PERM_ZXY);
	R->te_dim0 = NPU_FLD_PREP(NPU_DPU_TE_Y, oh - 1) | NPU_FLD_PREP(NPU_DPU_TE_Z, oc - 1);
	R->te_dim1 = NPU_FLD_PREP(NPU_DPU_TE_X, ow - 1);
	R->base_adr[0] = out;
}

static void kernel(struct npu_dpu_invariant_regs *R, unsigned k)
{
	R->kernel_pad_cfg = NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_X, k) |
			    NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_Y, k);
}

static void workload(struct npu_dpu_variant_regs *V, unsigned ow, unsigned oh, unsigned z0,
		     unsigned nz, unsigned pad, uint32_t weight_size)
{
	memset(V, 0, sizeof(*V));
	V->workload_size0 = NPU_FLD_PREP(NPU_DPU_WL_X, ow) | NPU_FLD_PREP(NPU_DPU_WL_Y, oh);
	V->workload_size1 = NPU_FLD_PREP(NPU_DPU_WL_Z, nz) |
		NPU_FLD_PREP(NPU_DPU_WL_PAD_UP, pad) | NPU_FLD_PREP(NPU_DPU_WL_PAD_LEFT, pad) |
		NPU_FLD_PREP(NPU_DPU_WL_PAD_DOWN, pad) | NPU_FLD_PREP(NPU_DPU_WL_PAD_RIGHT, pad);
	V->workload_start1 = NPU_FLD_PREP(NPU_DPU_WL_Z, z0);
	V->weight_size = weight_size;
	V->weight_num = nz;
}

static void set_table(struct npu_inf_builder *b, int first_var, unsigned i, uint32_t at)
{
	struct npu_dpu_variant *v = npu_inf_elem(b, NPU_INF_VAR, (uint32_t)first_var + i);

	v->weight_table_offset = at;
}

uint64_t npu_net_build(enum npu_net_type t, uint32_t seed, void *inf, uint64_t inf_va,
		       void *data, uint64_t data_va)
{
	static const uint32_t cap[NPU_INF_LISTS] = { 2, 3, 3, 4, 1, 1, 5 };
	const uint32_t X = npu_net_cmx_base();
	const bool f = t == NPU_NET_FP16;
	const uint32_t es = f ? 2u : 1u;
	struct npu_inf_builder b;
	struct npu_dpu_invariant_regs R;
	struct npu_dpu_variant_regs V[2];
	struct npu_act_args a;
	uint8_t *d = data;
	uint32_t rng;
	int r, nvar = 0;

	if (npu_inf_size(cap) > NPU_NET_INF_SIZE ||
	    npu_inf_init(&b, inf, inf_va, NPU_NET_INF_SIZE, cap) != NPU_INF_OK)
		return 0;
	memset(d, 0, NPU_NET_DATA_SIZE);
	memset(d + NPU_NET_OUT_OFF, 0xEE, npu_net_out_size(t));
	rng = seed ? seed : 1u;
	fill(t, d, X, &rng);

	/* the RELU kernel: same scale and zero point in and out, so the int8
	 * result is max(q, ZP_MID) and the fp16 one max(x, 0), both exact */
	memset(&a, 0, sizeof(a));
	a.input = X + CO;
	a.output = X + RO;
	a.count = W * H * OC;
	a.in_type = a.out_type = f ? NPU_ACT_TYPE_FP16 : NPU_ACT_TYPE_U8;
	a.in_scale = a.out_scale = 1.0f;
	a.in_zero_point = a.out_zero_point = f ? 0 : ZP_MID;
	memcpy(d + ARGS, &a, sizeof(a));

	npu_inf_barrier(&b, 10, 4, 1);
	npu_inf_barrier(&b, 11, 1, 1);
	npu_inf_barrier(&b, 12, 1, 1);
	npu_inf_barrier(&b, 13, 1, 1);
	npu_inf_barrier(&b, 14, 1, 1);

	npu_inf_dma(&b, 0, data_va + IN, X + IN, W * H * C * es, 0, BIT(10));
	npu_inf_dma(&b, 0, data_va + ARGS, X + ARGS, sizeof(a), 0, BIT(10));
	npu_inf_dma(&b, 1, data_va + CW, X + CW, CT + OC * 16 - CW, 0, BIT(10));
	npu_inf_dma(&b, 1, data_va + FW, X + FW, FT + FC_OUT * 16 - FW, 0, BIT(10));

	/* conv 3x3 s1 p1, two workloads of 8 output channels */
	memset(&R, 0, sizeof(R));
	R.tensor_mode = tmode(f, NPU_DPU_ITYPE_I8);
	kernel(&R, 3);
	in_out(&R, f, X + IN, W, H, C, X + CO, W, H, OC);
	ppe_common(&R, f, ZP_IN, ZP_MID);
	workload(&V[0], W, H, 0, OC / 2, 1, K_CONV);
	workload(&V[1], W, H, OC / 2, OC / 2, 1, K_CONV);
	npu_inf_dpu(&b, 0, BIT(10), BIT(11), (const uint8_t *)&R, 2,
		    (const uint8_t (*)[NPU_DPU_VARIANT_REGS_SIZE])V);
	set_table(&b, nvar, 0, X + CT);
	set_table(&b, nvar, 1, X + CT + 16 * OC / 2);
	nvar += 2;

	r = npu_inf_range(&b, NPU_ACT_KERNEL_RELU);
	npu_inf_act(&b, 0, (uint32_t)(r < 0 ? 0 : r), X + ARGS, BIT(11), BIT(12));

	/* max pool 2x2 s2 on tile 1: scale 1 and the zero point back */
	memset(&R, 0, sizeof(R));
	R.tensor_mode = tmode(f, NPU_DPU_ITYPE_U8) |
			NPU_FLD_PREP(NPU_DPU_TMODE_WORKLOAD_OP, NPU_DPU_WL_MAXPOOL) |
			NPU_FLD_PREP(NPU_DPU_TMODE_STRIDE, 1);
	kernel(&R, 2);
	in_out(&R, f, X + RO, W, H, OC, X + PO, PW, PH, OC);
	ppe_common(&R, f, ZP_MID, ZP_MID);
	R.ppe_scale |= NPU_FLD_PREP(NPU_DPU_PPE_SCALE_MULT, 1);
	R.ppe_fp_scale = f32_bits(1.0f);
	workload(&V[0], PW, PH, 0, OC, 0, 4 * OC);
	npu_inf_dpu(&b, 1, BIT(12), BIT(13), (const uint8_t *)&R, 1,
		    (const uint8_t (*)[NPU_DPU_VARIANT_REGS_SIZE])V);
	nvar += 1;

	/* fully connected: a 1x1 convolution over a 1x1 image of 256 channels
	 * (the pool's 4x4x16 output, ZXY, read as one row) */
	memset(&R, 0, sizeof(R));
	R.tensor_mode = tmode(f, NPU_DPU_ITYPE_I8);
	kernel(&R, 1);
	in_out(&R, f, X + PO, 1, 1, FC_IN, X + FO, 1, 1, FC_OUT);
	ppe_common(&R, f, ZP_MID, ZP_OUT);
	workload(&V[0], 1, 1, 0, FC_OUT, 0, FC_IN);
	npu_inf_dpu(&b, 0, BIT(13), BIT(14), (const uint8_t *)&R, 1,
		    (const uint8_t (*)[NPU_DPU_VARIANT_REGS_SIZE])V);
	set_table(&b, nvar, 0, X + FT);

	npu_inf_dma(&b, 1, X + FO, data_va + NPU_NET_OUT_OFF, FC_OUT * es, BIT(14), 0);
	return npu_inf_finish(&b);
}

void npu_net_set_conv_table(void *inf, uint64_t inf_va, uint32_t addr)
{
	uint8_t *base = inf;
	const struct npu_host_parsed_inference *hpi = inf;
	const struct npu_mapped_inference *m =
		(const void *)(base + (hpi->mapped_.address - inf_va));
	struct npu_dpu_variant *v =
		(void *)(base + (m->variants.address - inf_va) +
			 NPU_NET_CONV_VARIANT * sizeof(struct npu_dpu_variant));

	v->weight_table_offset = addr;
}

/* ---- Reference (docs/compute-dpu.md §5), from the data buffer ----------------- */

static int64_t rne_shift(int64_t v, unsigned s)
{
	int64_t q, r, h;

	if (!s)
		return v;
	q = v >> s;
	r = v - q * ((int64_t)1 << s);
	h = (int64_t)1 << (s - 1);
	return r > h || (r == h && (q & 1)) ? q + 1 : q;
}

/* The integer PPE: (acc + bias) * mult, RNE >> shift, + zero point, u8. */
static uint8_t ppe_u8(int64_t acc, const uint8_t *entry, int zp)
{
	uint32_t ms = npu_le32_get(entry + 4 * NPU_DPU_WT_MULT_SHIFT);
	int64_t mult = (int16_t)NPU_FLD_GET(NPU_DPU_WT_MULT, ms);
	unsigned shift = NPU_FLD_GET(NPU_DPU_WT_SHIFT, ms);
	int64_t v = rne_shift((acc + (int32_t)npu_le32_get(entry + 4 * NPU_DPU_WT_BIAS)) * mult,
			      shift);

	v = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v;
	v += zp;
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void ref_int8(const uint8_t *d, uint8_t *out)
{
	uint8_t conv[H][W][OC], pool[PH][PW][OC];

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			for (int j = 0; j < OC; j++) {
				const int8_t *w = (const int8_t *)(d + CW + K_CONV * j);
				int64_t acc = 0;
				uint8_t v;

				for (int ky = 0; ky < 3; ky++)
					for (int kx = 0; kx < 3; kx++) {
						int ix = x + kx - 1, iy = y + ky - 1;

						if (ix < 0 || iy < 0 || ix >= W || iy >= H)
							continue;
						for (int c = 0; c < C; c++)
							acc += (d[IN + (iy * W + ix) * C + c] - ZP_IN) *
							       w[(ky * 3 + kx) * C + c];
					}
				v = ppe_u8(acc, d + CT + 16 * j, ZP_MID);
				conv[y][x][j] = v < ZP_MID ? ZP_MID : v;           /* relu */
			}
	for (int y = 0; y < PH; y++)
		for (int x = 0; x < PW; x++)
			for (int j = 0; j < OC; j++) {
				uint8_t m = 0;

				for (int ky = 0; ky < 2; ky++)
					for (int kx = 0; kx < 2; kx++)
						if (conv[2 * y + ky][2 * x + kx][j] > m)
							m = conv[2 * y + ky][2 * x + kx][j];
				pool[y][x][j] = m;
			}
	for (int j = 0; j < FC_OUT; j++) {
		const int8_t *w = (const int8_t *)(d + FW + FC_IN * j);
		const uint8_t *p = &pool[0][0][0];
		int64_t acc = 0;

		for (int c = 0; c < FC_IN; c++)
			acc += (p[c] - ZP_MID) * w[c];
		out[j] = ppe_u8(acc, d + FT + 16 * j, ZP_OUT);
	}
}

static float h_at(const uint8_t *d, uint32_t off, int i)
{
	return half_to_f32(npu_le16_get(d + off + 2 * i));
}

/* binary32: acc += a * w in the order ky, kx, c; then * scale, + bias;
 * narrowed to binary16 (nearest even). */
static void ref_fp16(const uint8_t *d, uint8_t *out)
{
	float conv[H][W][OC], pool[PH][PW][OC];

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			for (int j = 0; j < OC; j++) {
				const uint8_t *e = d + CT + 16 * j;
				float acc = 0.0f, v;

				for (int ky = 0; ky < 3; ky++)
					for (int kx = 0; kx < 3; kx++) {
						int ix = x + kx - 1, iy = y + ky - 1;

						if (ix < 0 || iy < 0 || ix >= W || iy >= H)
							continue;
						for (int c = 0; c < C; c++) {
							float p = h_at(d, IN, (iy * W + ix) * C + c) *
								  h_at(d, CW, K_CONV * j +
								       (ky * 3 + kx) * C + c);

							acc = acc + p;
						}
					}
				v = acc * f32_of(npu_le32_get(e + 4 * NPU_DPU_WT_MULT_SHIFT));
				v = v + f32_of(npu_le32_get(e + 4 * NPU_DPU_WT_BIAS));
				v = half_to_f32(f32_to_half(v));
				conv[y][x][j] = v > 0.0f ? v : 0.0f;                 /* relu */
			}
	for (int y = 0; y < PH; y++)
		for (int x = 0; x < PW; x++)
			for (int j = 0; j < OC; j++) {
				float m = conv[2 * y][2 * x][j];

				for (int ky = 0; ky < 2; ky++)
					for (int kx = 0; kx < 2; kx++)
						if (conv[2 * y + ky][2 * x + kx][j] > m)
							m = conv[2 * y + ky][2 * x + kx][j];
				pool[y][x][j] = m;
			}
	for (int j = 0; j < FC_OUT; j++) {
		const uint8_t *e = d + FT + 16 * j;
		const float *p = &pool[0][0][0];
		float acc = 0.0f, v;

		for (int c = 0; c < FC_IN; c++) {
			float q = p[c] * h_at(d, FW, FC_IN * j + c);

			acc = acc + q;
		}
		v = acc * f32_of(npu_le32_get(e + 4 * NPU_DPU_WT_MULT_SHIFT));
		v = v + f32_of(npu_le32_get(e + 4 * NPU_DPU_WT_BIAS));
		put16(out + 2 * j, f32_to_half(v));
	}
}

void npu_net_reference(enum npu_net_type t, const void *data, uint8_t *out)
{
	if (t == NPU_NET_FP16)
		ref_fp16(data, out);
	else
		ref_int8(data, out);
}
