/* SPDX-License-Identifier: MIT */
/*
 * The DPU's arithmetic as a plain-C library: convolution (dense, grouped,
 * depthwise; matmul / fully connected is a 1x1 convolution), max and
 * average pooling, element-wise add and multiply, each followed by the
 * post-processing (PPE) stage. It knows nothing of registers or the CMX:
 * engines/dpu.c decodes a register image into a struct dpu_layer, checks
 * that every byte it names lies in the CMX, and calls dpu_run_layer() off
 * the model's thread. The choices where public material is silent (layouts,
 * the order of the PPE steps, accumulator width, rounding, hw-facts §16.8)
 * are docs/compute.md ("DPU"); this header states them briefly.
 *
 * Tensors are dense ZXY (channels innermost, "NHWC"): element (x, y, z) of a
 * W x H x C tensor is at ((y * W + x) * C + z) * element size. The output
 * may be any permutation (byte strides per axis). Integer results are
 * exact; float results are deterministic (fixed summation order, no FMA
 * contraction) and identical on every host.
 */
#ifndef NPUM_DPU_OPS_H
#define NPUM_DPU_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dpu_op {
	DPU_OP_CONV,      /* groups = 1: dense; groups = C: depthwise */
	DPU_OP_MAXPOOL,
	DPU_OP_AVGPOOL,   /* sum of the window times a constant weight, then the PPE scales */
	DPU_OP_ELT_ADD,
	DPU_OP_ELT_MUL,
};

enum dpu_type {
	DPU_T_U8,
	DPU_T_I8,
	DPU_T_FP16,
	DPU_T_I32,        /* output only: the PPE's integer result */
	DPU_T_FP32,       /* output only: the PPE's float result */
};

enum dpu_round {
	DPU_ROUND_RNE,    /* nearest, ties to even */
	DPU_ROUND_AWAY,   /* nearest, ties away from zero */
	DPU_ROUND_NONE,   /* floor (arithmetic shift) */
};

/* Per output channel PPE parameters (the weights table, hw-facts §16.7).
 * Integer path: v = round((acc + bias) * mult >> shift); float path:
 * v = acc * fscale + fbias. */
struct dpu_chan {
	int32_t  bias;
	int32_t  mult;        /* i16 */
	uint8_t  shift;       /* 0..63 */
	uint8_t  prelu_mult;  /* 0: use dpu_ppe.prelu_mult */
	float    fscale, fbias;
};

/* Layer-wide PPE parameters. */
struct dpu_ppe {
	enum dpu_round round;
	int32_t  prelu_mult;  /* negative results times prelu_mult >> prelu_shift (1, 0: none) */
	uint8_t  prelu_shift;
	int32_t  out_zp;      /* added after scaling, before the clamp */
	int32_t  clamp_lo, clamp_hi;
	float    fprelu;      /* float path: negative results times this (1: none) */
	bool     fp16_clamp;  /* fp16 output saturates at +-65504 instead of +-inf */
	bool     fp16_ftz;    /* fp16 output: subnormals become +-0 */
};

struct dpu_layer {
	enum dpu_op op;
	enum dpu_type in_type, wt_type, out_type;
	/* input, dense ZXY, in_w x in_h x in_c; in2 for element-wise, same shape */
	const uint8_t *in, *in2;
	uint32_t in_w, in_h, in_c;
	int32_t  in_zp, in2_zp, wt_zp;  /* subtracted from U8 values (0 for I8, FP16) */
	/* window */
	uint32_t kx, ky, sx, sy, dx, dy; /* kernel 1..11, stride >= 1, dilation >= 1 */
	int32_t  pad_left, pad_top;      /* input x = ox * sx + kx * dx - pad_left */
	uint32_t groups;                 /* conv: in_c and out_c divisible by it */
	uint32_t out_c;                  /* conv: output channels of the layer (groups) */
	/* conv: per output channel (index from 0 = oz0) a set of
	 * ky x kx x (in_c / groups) elements, [ky][kx][ic] */
	const uint8_t *const *wt;
	int32_t  pool_weight;            /* AVGPOOL: the constant weight */
	int32_t  elt_scale_a, elt_scale_b; /* ELT_ADD (integer): (a-za)*sa + (b-zb)*sb */
	/* the workload: output x, y, z ranges in the output tensor, and the
	 * address of its first element with byte strides */
	uint32_t ox0, oy0, oz0, ow, oh, oc;
	uint8_t *out;
	ptrdiff_t out_sx, out_sy, out_sz;
	const struct dpu_chan *chan;     /* oc entries */
	struct dpu_ppe ppe;
};

/* Run one workload. 0, or -1 when scratch memory could not be had (nothing
 * is written then). The caller has checked every pointer's extent; invalid
 * parameters (e.g. a type the op does not take) give -2. */
int dpu_run_layer(const struct dpu_layer *l);

/* The PPE's integer steps on one value, exported for the tests. */
int64_t dpu_round_shift(int64_t v, unsigned shift, enum dpu_round mode);
int32_t dpu_ppe_int(int64_t acc, const struct dpu_chan *c, const struct dpu_ppe *p,
		    enum dpu_type out_type);
/* IEEE binary16 conversions: exact widening; narrowing rounds to nearest
 * even (overflow to inf unless clamp; NaN stays NaN). */
float dpu_half_to_float(uint16_t h);
uint16_t dpu_float_to_half(float f, bool clamp, bool ftz);
size_t dpu_type_size(enum dpu_type t);

/* Whether oneDNN's GEMM does the inner products of U8 x I8 dense
 * convolutions (dpu_ops.c: exact; NPU_DPU_DNNL=0 turns it off). */
bool dpu_ops_gemm_library(void);

#endif /* NPUM_DPU_OPS_H */
