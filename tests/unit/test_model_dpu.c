/* SPDX-License-Identifier: MIT */
/*
 * The DPUs (qemu-device/model/engines/dpu.c, lrt.h NPU_LRT_DPU_*) driven
 * through the control core's peripheral block by the monitor program, with
 * the invariant, variants, weights table, weights and tensors written into
 * the CMX by the test: a convolution split over two variants against a
 * reference computed here, element-wise add, completion at the cost model's
 * virtual time, DONE/ERROR and the interrupt, ERR_ADDR / ERR_DESC / ERR_BUSY,
 * nothing written outside the output, IP reset; waiting on and posting the
 * model's hardware barriers.
 */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "model_prog.h"
#include "npum_internal.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/lrt.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/nce37xx.h"
#include "engines/dpu_ops.h"

#define DPU(e, off)  (NPU_LRT_DPU_BASE(e) + (off))
/* slice offsets of tile 0 (dpu.c: values below NPU_CMX_BASE are offsets) */
#define INV_AT   0x1000u
#define VAR_AT   0x1200u
#define WT_AT    0x2000u   /* weights table */
#define W_AT     0x3000u   /* weight sets */
#define IN_AT    0x10000u
#define IN2_AT   0x18000u
#define OUT_AT   0x20000u


static uint8_t *cmx(struct mp *p, uint32_t off, uint64_t len)
{
	uint64_t got = len;
	uint8_t *q = npum_cmx_ptr(p->h.npu, NPU_CMX_BASE + off, &got);

	CU_ASSERT_FATAL(q && got == len);
	return q;
}

static uint32_t wait_idle(struct mp *p, unsigned e)
{
	uint32_t st = 0;

	for (int i = 0; i < 2000; i++) {
		st = mp_lrt_rd(p, DPU(e, NPU_LRT_ENGINE_STATUS));
		if (!(st & NPU_LRT_DMA_STATUS_BUSY))
			return st;
		mp_run(p, 10000);
	}
	CU_FAIL("DPU still busy");
	return st;
}

static uint32_t err_code(uint32_t st)
{
	return NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, st);
}

/* The layer: 3x3 conv, u8 input 6x5x8 (zp 3), i8 weights, 12 output
 * channels, pad 1, stride 1, u8 output (zp 5) 6x5x12 ZXY, RNE, two
 * variants: channels 0-7 and 8-11. */
#define IW 6
#define IH 5
#define IC 8
#define OC 12

static void put_conv(struct mp *p, struct npu_dpu_invariant *inv, struct npu_dpu_variant *v)
{
	struct npu_dpu_invariant_regs *R = &inv->registers;
	uint8_t *in = cmx(p, IN_AT, IW * IH * IC), *tab = cmx(p, WT_AT, OC * 16);

	memset(inv, 0, sizeof(*inv));
	memset(v, 0, 2 * sizeof(*v));
	for (int i = 0; i < IW * IH * IC; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (int j = 0; j < OC; j++) {
		int8_t *w = (int8_t *)cmx(p, W_AT + 128 * j, 9 * IC);

		for (int i = 0; i < 9 * IC; i++)
			w[i] = (int8_t)((i * 13 + j * 7) % 23 - 11);
		npu_le32_put(tab + 16 * j, W_AT + 128 * j);
		npu_le32_put(tab + 16 * j + 8, NPU_FLD_PREP(NPU_DPU_WT_MULT, 181 + j) |
					       NPU_FLD_PREP(NPU_DPU_WT_SHIFT, 9));
		npu_le32_put(tab + 16 * j + 12, (uint32_t)(j * 100 - 500));
	}
	R->kernel_pad_cfg = NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_X, 3) |
			    NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_Y, 3);
	R->tensor_size0 = NPU_FLD_PREP(NPU_DPU_TENSOR_SIZE_X, IW) |
			  NPU_FLD_PREP(NPU_DPU_TENSOR_SIZE_Y, IH);
	R->tensor_size1 = IC;
	R->tensor_start = IN_AT;
	R->tensor_mode = NPU_FLD_PREP(NPU_DPU_TMODE_AMODE, NPU_DPU_ITYPE_U8) |
			 NPU_FLD_PREP(NPU_DPU_TMODE_WMODE, NPU_DPU_ITYPE_I8) | NPU_DPU_TMODE_ZM_INPUT;
	R->odu_cfg = NPU_FLD_PREP(NPU_DPU_ODU_DTYPE, NPU_DPU_OTYPE_U8F);
	R->te_dim0 = NPU_FLD_PREP(NPU_DPU_TE_Y, IH - 1) | NPU_FLD_PREP(NPU_DPU_TE_Z, OC - 1);
	R->te_dim1 = IW - 1;
	R->base_adr[0] = OUT_AT;
	R->mpe_cfg = NPU_FLD_PREP(NPU_DPU_MPE_ACTBIAS, 3);
	R->ppe_cfg = 5;
	R->ppe_scale = NPU_FLD_PREP(NPU_DPU_PPE_SCALE_ROUND, NPU_DPU_ROUND_RNE);
	R->ppe_prelu = NPU_FLD_PREP(NPU_DPU_PPE_PRELU_MULT, 1);
	R->ppe_scale_hclamp = INT32_MAX;
	R->ppe_scale_lclamp = (uint32_t)INT32_MIN;
	for (int i = 0; i < 2; i++) {
		uint32_t z0 = i ? 8 : 0, nz = i ? 4 : 8;

		v[i].registers.workload_size0 = NPU_FLD_PREP(NPU_DPU_WL_X, IW) |
						NPU_FLD_PREP(NPU_DPU_WL_Y, IH);
		v[i].registers.workload_size1 = nz | NPU_FLD_PREP(NPU_DPU_WL_PAD_UP, 1) |
			NPU_FLD_PREP(NPU_DPU_WL_PAD_LEFT, 1) | NPU_FLD_PREP(NPU_DPU_WL_PAD_DOWN, 1) |
			NPU_FLD_PREP(NPU_DPU_WL_PAD_RIGHT, 1);
		v[i].registers.workload_start1 = z0;
		v[i].registers.weight_size = 9 * IC;
		v[i].registers.weight_num = nz;
		v[i].weight_table_offset = WT_AT + 16 * z0;
	}
}

static int64_t rne_shift(int64_t v, unsigned s)
{
	int64_t q = v >> s, r = v - q * ((int64_t)1 << s), h = (int64_t)1 << (s - 1);

	return r > h || (r == h && (q & 1)) ? q + 1 : q;
}

static void conv_expect(struct mp *p, uint8_t *out)
{
	const uint8_t *in = cmx(p, IN_AT, IW * IH * IC);

	for (int y = 0; y < IH; y++)
		for (int x = 0; x < IW; x++)
			for (int j = 0; j < OC; j++) {
				const int8_t *w = (const int8_t *)cmx(p, W_AT + 128 * j, 9 * IC);
				int64_t acc = 0, v;

				for (int ky = 0; ky < 3; ky++)
					for (int kx = 0; kx < 3; kx++)
						for (int c = 0; c < IC; c++) {
							int ix = x + kx - 1, iy = y + ky - 1;

							if (ix < 0 || iy < 0 || ix >= IW || iy >= IH)
								continue;
							acc += (in[(iy * IW + ix) * IC + c] - 3) *
							       w[(ky * 3 + kx) * IC + c];
						}
				v = rne_shift((acc + j * 100 - 500) * (181 + j), 9) + 5;
				out[(y * IW + x) * OC + j] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
}

/* A 64x64x64 -> 64 3x3 layer (151 M MACs, ~74 us of virtual time), for
 * the tests that need a task still running. Its tensors overlap: only the
 * status matters. */
static void put_big(struct mp *p, struct npu_dpu_invariant *inv, struct npu_dpu_variant *v)
{
	struct npu_dpu_invariant_regs *R = &inv->registers;
	uint8_t *tab = cmx(p, WT_AT, 64 * 16);

	put_conv(p, inv, v);
	for (int j = 0; j < 64; j++) {
		npu_le32_put(tab + 16 * j, W_AT + 128 * j);
		npu_le32_put(tab + 16 * j + 8, NPU_FLD_PREP(NPU_DPU_WT_MULT, 1));
	}
	R->tensor_size0 = NPU_FLD_PREP(NPU_DPU_TENSOR_SIZE_X, 64) |
			  NPU_FLD_PREP(NPU_DPU_TENSOR_SIZE_Y, 64);
	R->tensor_size1 = 64;
	R->te_dim0 = NPU_FLD_PREP(NPU_DPU_TE_Y, 63) | NPU_FLD_PREP(NPU_DPU_TE_Z, 63);
	R->te_dim1 = 63;
	v[0].registers.workload_size0 = NPU_FLD_PREP(NPU_DPU_WL_X, 64) |
					NPU_FLD_PREP(NPU_DPU_WL_Y, 64);
	v[0].registers.workload_size1 = (v[0].registers.workload_size1 & ~NPU_DPU_WL_Z) | 64;
	v[0].registers.weight_size = 9 * 64;
	v[0].weight_table_offset = WT_AT;
}

static void write_task(struct mp *p, const struct npu_dpu_invariant *inv,
		       const struct npu_dpu_variant *v, unsigned nv)
{
	memcpy(cmx(p, INV_AT, sizeof(*inv)), inv, sizeof(*inv));
	memcpy(cmx(p, VAR_AT, nv * sizeof(*v)), v, nv * sizeof(*v));
}

static void start(struct mp *p, unsigned e, uint32_t inv, uint32_t var, uint32_t count)
{
	mp_lrt_wr(p, DPU(e, NPU_LRT_DPU_INVARIANT), inv);
	mp_lrt_wr(p, DPU(e, NPU_LRT_DPU_VARIANTS), var);
	mp_lrt_wr(p, DPU(e, NPU_LRT_DPU_VARIANT_COUNT), count);
	mp_lrt_wr(p, DPU(e, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
}

static void boot(struct mp *p)
{
	mp_init(p, NULL);
	mp_monitor_boot(p);
}

static void test_conv_two_variants(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	uint8_t expect[IW * IH * OC], *out;
	uint32_t st;

	boot(&P);
	put_conv(&P, &inv, v);
	write_task(&P, &inv, v, 2);
	out = cmx(&P, OUT_AT, sizeof(expect) + 16);
	memset(out, 0xEE, sizeof(expect) + 16);
	conv_expect(&P, expect);
	start(&P, 0, INV_AT, VAR_AT, 2);
	st = wait_idle(&P, 0);
	CU_ASSERT_EQUAL(st, NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(P.h.traces[NPUM_TRACE_DPU_START], 1);
	CU_ASSERT_EQUAL(P.h.traces[NPUM_TRACE_DPU_DONE], 1);
	CU_ASSERT_EQUAL(memcmp(out, expect, sizeof(expect)), 0);
	CU_ASSERT_EQUAL(out[sizeof(expect)], 0xEE);              /* nothing beyond */
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DPU(0));
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DPU(1));
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, DPU(0, NPU_LRT_ENGINE_STATUS)), 0);
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DPU(0));
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

/* WAIT/POST with the hardware barriers: the task waits for barrier 1's last
 * producer, then counts itself off as a consumer of 0 and 1 and as the
 * producer of 32; a consumer count already at 0 is ERR_BARRIER. */
static void test_barrier_masks(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];

	boot(&P);
	put_conv(&P, &inv, v);
	write_task(&P, &inv, v, 2);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_CONSUMERS(0), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_PRODUCERS(1), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_CONSUMERS(1), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_PRODUCERS(32), 1);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_CONSUMERS(32), 1);
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_WAIT_LO), 0x3);
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_POST_HI), 0x1);
	start(&P, 0, INV_AT, VAR_AT, 2);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, DPU(0, NPU_LRT_ENGINE_STATUS)),
			NPU_LRT_DMA_STATUS_BUSY | NPU_LRT_ENGINE_STATUS_WAITING);
	/* barrier 1's producer ends (another engine's task) */
	CU_ASSERT_TRUE(npum_barriers_task_end(P.h.npu, 0, 1ull << 1));
	CU_ASSERT_EQUAL(wait_idle(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_CONSUMERS(0)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_CONSUMERS(1)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_PRODUCERS(32)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_CONSUMERS(32)), 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_FREED_LO) & 0x3, 0x3);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_BARRIER_FREED_HI) & 0x1, 0);
	/* waiting on barrier 5, which has no consumers left */
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_DONE);
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_WAIT_LO), 1u << 5);
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_POST_HI), 0);
	start(&P, 0, INV_AT, VAR_AT, 2);
	CU_ASSERT_EQUAL(err_code(wait_idle(&P, 0)), NPU_LRT_ENGINE_ERR_BARRIER);
	mp_fini(&P);
}

/* VPU_STATUS.IDLE is 0 while a DPU task waits for a barrier (the core
 * itself asleep in WFI). */
static void test_not_idle_while_waiting(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	struct npum *n;

	mp_init(&P, NULL);
	mp_sleep_boot(&P);
	n = P.h.npu;
	mp_run(&P, 10000);
	CU_ASSERT_TRUE(mh_rd32(&P.h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	put_conv(&P, &inv, v);
	write_task(&P, &inv, v, 2);
	npum_lrt_space_write(n, NPU_LRT_BARRIER_PRODUCERS(9), 1);
	npum_lrt_space_write(n, DPU(0, NPU_LRT_ENGINE_WAIT_LO), NPU_BIT(9));
	npum_lrt_space_write(n, DPU(0, NPU_LRT_DPU_INVARIANT), INV_AT);
	npum_lrt_space_write(n, DPU(0, NPU_LRT_DPU_VARIANTS), VAR_AT);
	npum_lrt_space_write(n, DPU(0, NPU_LRT_DPU_VARIANT_COUNT), 2);
	npum_lrt_space_write(n, DPU(0, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
	mp_run(&P, 1000000);
	CU_ASSERT_FALSE(mh_rd32(&P.h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	mp_fini(&P);
}

/* DPU 1 reads its own slice: the same offsets land 2 MB further. */
static void test_tile_slice(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	uint8_t expect[IW * IH * OC];

	boot(&P);
	put_conv(&P, &inv, v);
	conv_expect(&P, expect);
	/* move everything into slice 1 */
	memcpy(cmx(&P, NPU_CMX_SLICE_SIZE + IN_AT, IW * IH * IC), cmx(&P, IN_AT, IW * IH * IC),
	       IW * IH * IC);
	memcpy(cmx(&P, NPU_CMX_SLICE_SIZE + WT_AT, 0x2000), cmx(&P, WT_AT, 0x2000), 0x2000);
	memcpy(cmx(&P, NPU_CMX_SLICE_SIZE + INV_AT, sizeof(inv)), &inv, sizeof(inv));
	memcpy(cmx(&P, NPU_CMX_SLICE_SIZE + VAR_AT, sizeof(v)), v, sizeof(v));
	/* the weights table holds slice offsets too */
	start(&P, 1, INV_AT, VAR_AT, 2);
	CU_ASSERT_EQUAL(wait_idle(&P, 1), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(memcmp(cmx(&P, NPU_CMX_SLICE_SIZE + OUT_AT, sizeof(expect)), expect,
			       sizeof(expect)), 0);
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DPU(1));
	mp_fini(&P);
}

/* Completion follows the cost model: setup + MACs / rate, not before. */
static void test_virtual_time(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	uint64_t t0, t1;

	boot(&P);
	put_conv(&P, &inv, v);
	write_task(&P, &inv, v, 2);
	t0 = P.h.now_ns;
	start(&P, 0, INV_AT, VAR_AT, 2);
	wait_idle(&P, 0);
	t1 = P.h.now_ns;
	/* 6*5*12 outputs * 72 MACs / 2048 per ns + 200 ns */
	CU_ASSERT_TRUE(t1 - t0 >= 200 + IW * IH * OC * 72 / 2048);
	mp_fini(&P);
}

static void test_eltwise_add(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	struct npu_dpu_invariant_regs *R = &inv.registers;
	uint8_t *a, *b, *o;

	boot(&P);
	put_conv(&P, &inv, v);
	a = cmx(&P, IN_AT, IW * IH * IC);
	b = cmx(&P, IN2_AT, IW * IH * IC);
	for (int i = 0; i < IW * IH * IC; i++)
		b[i] = (uint8_t)(i * 5);
	R->tensor_mode = NPU_FLD_PREP(NPU_DPU_TMODE_AMODE, NPU_DPU_ITYPE_I8) |
			 NPU_FLD_PREP(NPU_DPU_TMODE_WMODE, NPU_DPU_ITYPE_I8);
	R->elops_wload = NPU_DPU_ELOPS_ELOP_WLOAD;
	R->elop_scale = NPU_FLD_PREP(NPU_DPU_ELOP_SCALE_A, 1) | NPU_FLD_PREP(NPU_DPU_ELOP_SCALE_B, 2);
	R->weight_start = IN2_AT;
	R->odu_cfg = NPU_FLD_PREP(NPU_DPU_ODU_DTYPE, NPU_DPU_OTYPE_I32);
	R->te_dim0 = NPU_FLD_PREP(NPU_DPU_TE_Y, IH - 1) | NPU_FLD_PREP(NPU_DPU_TE_Z, IC - 1);
	R->ppe_cfg = 0;
	R->ppe_scale = NPU_FLD_PREP(NPU_DPU_PPE_SCALE_MULT, 1);
	R->ppe_bias = 7;
	v[0].registers.workload_size1 = IC;
	write_task(&P, &inv, v, 1);
	start(&P, 0, INV_AT, VAR_AT, 1);
	CU_ASSERT_EQUAL(wait_idle(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	o = cmx(&P, OUT_AT, IW * IH * IC * 4);
	for (int i = 0; i < IW * IH * IC; i++)
		if ((int32_t)npu_le32_get(o + 4 * i) != (int8_t)a[i] + 2 * (int8_t)b[i] + 7) {
			CU_FAIL("element-wise add");
			break;
		}
	mp_fini(&P);
}

static uint32_t f32(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* FP16 1x1 convolution: the weights table carries fp32 scale and bias;
 * the expected value is summed here in the documented order. */
static void test_fp16_conv(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	struct npu_dpu_invariant_regs *R = &inv.registers;
	uint8_t *in, *tab, *o;
	unsigned bad = 0;

	boot(&P);
	put_conv(&P, &inv, v);
	in = cmx(&P, IN_AT, IW * IH * IC * 2);
	tab = cmx(&P, WT_AT, OC * 16);
	for (int i = 0; i < IW * IH * IC; i++) {
		uint16_t h = dpu_float_to_half((float)(i % 17 - 8) * 0.375f, false, false);

		in[2 * i] = (uint8_t)h;
		in[2 * i + 1] = (uint8_t)(h >> 8);
	}
	for (int j = 0; j < OC; j++) {
		uint8_t *w = cmx(&P, W_AT + 128 * j, 2 * IC);

		for (int c = 0; c < IC; c++) {
			uint16_t h = dpu_float_to_half((float)((c * 3 + j) % 7 - 3) * 0.25f, false, false);

			w[2 * c] = (uint8_t)h;
			w[2 * c + 1] = (uint8_t)(h >> 8);
		}
		npu_le32_put(tab + 16 * j + 8, f32(0.5f + (float)j));
		npu_le32_put(tab + 16 * j + 12, f32(-1.0f * (float)j));
	}
	R->kernel_pad_cfg = NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_X, 1) | NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_Y, 1);
	R->tensor_mode = NPU_FLD_PREP(NPU_DPU_TMODE_AMODE, NPU_DPU_ITYPE_FP16) |
			 NPU_FLD_PREP(NPU_DPU_TMODE_WMODE, NPU_DPU_ITYPE_FP16);
	R->odu_cfg = NPU_FLD_PREP(NPU_DPU_ODU_DTYPE, NPU_DPU_OTYPE_FP16);
	R->ppe_fp_prelu = f32(0.25f);
	R->ppe_fp_cfg = NPU_DPU_PPE_FP_PRELU_EN;
	for (int i = 0; i < 2; i++) {
		v[i].registers.workload_size1 &= NPU_DPU_WL_Z; /* no padding */
		v[i].registers.weight_size = IC;
	}
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	CU_ASSERT_EQUAL(wait_idle(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	o = cmx(&P, OUT_AT, IW * IH * OC * 2);
	for (int px = 0; px < IW * IH; px++)
		for (int j = 0; j < OC; j++) {
			float acc = 0.0f, r;

			for (int c = 0; c < IC; c++)
				acc = acc + (float)((px * IC + c) % 17 - 8) * 0.375f *
					    ((float)((c * 3 + j) % 7 - 3) * 0.25f);
			r = acc * (0.5f + (float)j);
			r = r + -1.0f * (float)j;
			if (r < 0)
				r = r * 0.25f;
			bad += npu_le16_get(o + 2 * (px * OC + j)) != dpu_float_to_half(r, false, false);
		}
	CU_ASSERT_EQUAL(bad, 0);
	mp_fini(&P);
}

/* Max pool 3x3 stride 2 through the registers, the invariant's scale. */
static void test_maxpool(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];
	struct npu_dpu_invariant_regs *R = &inv.registers;
	const uint8_t *in, *o;
	unsigned bad = 0;

	boot(&P);
	put_conv(&P, &inv, v);
	in = cmx(&P, IN_AT, IW * IH * IC);
	R->tensor_mode = NPU_FLD_PREP(NPU_DPU_TMODE_AMODE, NPU_DPU_ITYPE_U8) |
			 NPU_FLD_PREP(NPU_DPU_TMODE_WMODE, NPU_DPU_ITYPE_U8) |
			 NPU_FLD_PREP(NPU_DPU_TMODE_WORKLOAD_OP, NPU_DPU_WL_MAXPOOL) |
			 NPU_FLD_PREP(NPU_DPU_TMODE_STRIDE, 1);
	R->mpe_cfg = NPU_FLD_PREP(NPU_DPU_MPE_ACTBIAS, 7);
	R->ppe_cfg = 7;                                      /* zero point back */
	R->ppe_scale = NPU_FLD_PREP(NPU_DPU_PPE_SCALE_MULT, 1);
	R->te_dim0 = NPU_FLD_PREP(NPU_DPU_TE_Y, 2) | NPU_FLD_PREP(NPU_DPU_TE_Z, IC - 1);
	R->te_dim1 = 2;                                      /* 3x3x8 */
	v[0].registers.workload_size0 = NPU_FLD_PREP(NPU_DPU_WL_X, 3) | NPU_FLD_PREP(NPU_DPU_WL_Y, 3);
	v[0].registers.workload_size1 = (v[0].registers.workload_size1 & ~NPU_DPU_WL_Z) | IC;
	write_task(&P, &inv, v, 1);
	start(&P, 0, INV_AT, VAR_AT, 1);
	CU_ASSERT_EQUAL(wait_idle(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	o = cmx(&P, OUT_AT, 3 * 3 * IC);
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 3; x++)
			for (int c = 0; c < IC; c++) {
				int m = -1;

				for (int ky = 0; ky < 3; ky++)
					for (int kx = 0; kx < 3; kx++) {
						int ix = 2 * x + kx - 1, iy = 2 * y + ky - 1;

						if (ix >= 0 && iy >= 0 && ix < IW && iy < IH &&
						    in[(iy * IW + ix) * IC + c] > m)
							m = in[(iy * IW + ix) * IC + c];
					}
				bad += o[(y * 3 + x) * IC + c] != m;
			}
	CU_ASSERT_EQUAL(bad, 0);
	mp_fini(&P);
}

static void expect_error(struct mp *P, uint32_t code)
{
	uint32_t st = wait_idle(P, 0);

	CU_ASSERT_TRUE(st & NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(err_code(st), code);
	CU_ASSERT_TRUE(mp_lrt_rd(P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DPU(0));
	mp_lrt_wr(P, DPU(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(mp_lrt_rd(P, DPU(0, NPU_LRT_ENGINE_STATUS)), 0);
}

static void test_errors(void)
{
	struct mp P;
	struct npu_dpu_invariant inv, good;
	struct npu_dpu_variant v[2], vgood[2];
	unsigned errs;

	boot(&P);
	P.h.print_guest_errors = false;
	put_conv(&P, &inv, v);
	good = inv;
	memcpy(vgood, v, sizeof(v));
	memset(cmx(&P, OUT_AT, 0x1000), 0xEE, 0x1000);
	errs = P.h.guest_errors;
	/* the invariant outside the CMX; the variants running off its end */
	start(&P, 0, NPU_CMX_BASE + NPU_CMX_SIZE - 100, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_ADDR);
	start(&P, 0, INV_AT, NPU_CMX_BASE + NPU_CMX_SIZE - 64, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_ADDR);
	start(&P, 0, INV_AT, VAR_AT, 0);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	/* input tensor beyond the CMX's end */
	inv.registers.tensor_start = NPU_CMX_BASE + NPU_CMX_SIZE - 16;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_ADDR);
	/* a weight set pointer outside */
	inv = good;
	npu_le32_put(cmx(&P, WT_AT + 16 * 9, 4), 0xFFFFFF00u);
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_ADDR);
	npu_le32_put(cmx(&P, WT_AT + 16 * 9, 4), W_AT + 128 * 9);
	/* kernel 12, channel-major, FP8, rounding mode 3, permutation 7 */
	inv.registers.kernel_pad_cfg = NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_X, 12) |
				       NPU_FLD_PREP(NPU_DPU_KPAD_KERNEL_Y, 3);
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	inv = good;
	inv.registers.tensor_mode |= NPU_DPU_TMODE_CM_INPUT;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	inv = good;
	inv.registers.tensor_mode = NPU_FLD_SET(NPU_DPU_TMODE_AMODE, inv.registers.tensor_mode,
						NPU_DPU_ITYPE_FP8);
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	inv = good;
	inv.registers.odu_cfg = NPU_FLD_PREP(NPU_DPU_ODU_DTYPE, NPU_DPU_OTYPE_FP16);
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	inv = good;
	inv.registers.ppe_scale |= NPU_DPU_PPE_SCALE_ROUND;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	inv = good;
	inv.registers.odu_cfg |= NPU_DPU_ODU_PERMUTATION;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	/* a workload beyond the output tensor; weight_size that does not match */
	inv = good;
	v[1].registers.workload_start1 = 10;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	memcpy(v, vgood, sizeof(v));
	v[0].registers.weight_size = 9;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_DESC);
	/* an output tensor that would run past the CMX */
	memcpy(v, vgood, sizeof(v));
	inv.registers.base_adr[0] = NPU_CMX_BASE + NPU_CMX_SIZE - 100;
	write_task(&P, &inv, v, 2);
	start(&P, 0, INV_AT, VAR_AT, 2);
	expect_error(&P, NPU_LRT_ENGINE_ERR_ADDR);
	/* none of these wrote anything */
	for (int i = 0; i < 0x1000; i++)
		if (cmx(&P, OUT_AT, 0x1000)[i] != 0xEE) {
			CU_FAIL("a failed task wrote its output");
			break;
		}
	CU_ASSERT_EQUAL(P.h.guest_errors - errs, 14);
	/* START while busy: ERR_BUSY, the task carries on to DONE */
	put_big(&P, &inv, v);
	write_task(&P, &inv, v, 1);
	start(&P, 0, INV_AT, VAR_AT, 1);
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_CTRL), NPU_LRT_DMA_CTRL_START);
	CU_ASSERT_EQUAL(err_code(mp_lrt_rd(&P, DPU(0, NPU_LRT_ENGINE_STATUS))),
			NPU_LRT_ENGINE_ERR_BUSY);
	mp_lrt_wr(&P, DPU(0, NPU_LRT_ENGINE_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(wait_idle(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	mp_fini(&P);
}

static void test_ip_reset(void)
{
	struct mp P;
	struct npu_dpu_invariant inv;
	struct npu_dpu_variant v[2];

	boot(&P);
	put_big(&P, &inv, v);
	write_task(&P, &inv, v, 1);
	start(&P, 0, INV_AT, VAR_AT, 1);
	CU_ASSERT_TRUE(mp_lrt_rd(&P, DPU(0, NPU_LRT_ENGINE_STATUS)) & NPU_LRT_DMA_STATUS_BUSY);
	npum_reset(P.h.npu);
	mh_advance(&P.h, 10000000);
	{
		uint64_t len = 4;

		/* registers and the CMX back to 0, no completion later */
		CU_ASSERT_EQUAL(*(uint32_t *)npum_cmx_ptr(P.h.npu, NPU_CMX_BASE + OUT_AT, &len), 0);
	}
	{
		uint32_t st = 1, cnt = 1; /* the core is in reset: read the block directly */

		CU_ASSERT_EQUAL(npum_lrt_space_read(P.h.npu, DPU(0, NPU_LRT_ENGINE_STATUS), &st), 0);
		CU_ASSERT_EQUAL(npum_lrt_space_read(P.h.npu, DPU(0, NPU_LRT_DPU_VARIANT_COUNT), &cnt), 0);
		CU_ASSERT_EQUAL(st, 0);
		CU_ASSERT_EQUAL(cnt, 0);
	}
	mp_fini(&P);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("model_dpu", NULL, NULL);
	CU_add_test(s, "conv over two variants, DONE, IRQ, W1C", test_conv_two_variants);
	CU_add_test(s, "WAIT/POST on the hardware barriers, ERR_BARRIER", test_barrier_masks);
	CU_add_test(s, "DPU 1 works in its own slice", test_tile_slice);
	CU_add_test(s, "completion at the cost model's time", test_virtual_time);
	CU_add_test(s, "element-wise add, I32 out", test_eltwise_add);
	CU_add_test(s, "fp16 1x1 conv, fp32 weights table, PReLU", test_fp16_conv);
	CU_add_test(s, "max pool 3x3 stride 2, padding", test_maxpool);
	CU_add_test(s, "ERR_ADDR, ERR_DESC, ERR_BUSY; nothing written", test_errors);
	CU_add_test(s, "IP reset stops a task", test_ip_reset);
	CU_add_test(s, "VPU_STATUS.IDLE 0 while a task waits", test_not_idle_while_waiting);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
