/* SPDX-License-Identifier: MIT */
/*
 * The activation engines' built-in kernels: what NPU_LRT_ACT_KERNEL and
 * NPU_LRT_ACT_ARGS (lrt.h) name.
 *
 * On the chip an activation task runs SHAVE machine code from the blob
 * (VpuActKernelRange.kernel_entry, hw-facts §16.3); the SHAVE instruction
 * set is not public (hw-facts §16.2), so the model offers a fixed set of
 * kernels instead (docs/deviations.md). A compiler for the model puts one
 * of the NPU_ACT_KERNEL_* ids where a range's kernel_entry goes, and the
 * CMX address of a struct npu_act_args where an invocation's kernel_args
 * goes. docs/compute.md ("Activation kernels and barriers") gives the numerics in full.
 *
 * Every kernel reads `count` elements of in_type at `input`, computes a
 * function of them in binary64, and writes `count` elements of out_type at
 * `output`. All inputs are read before any output is written, so the two
 * ranges may overlap in any way. Both ranges and the argument block must
 * lie in the CMX (NPU_CMX_BASE, cmdbuf.h); no alignment is required.
 *
 * Freestanding C11: the firmware, the model, the driver and the tools use it.
 */
#ifndef INTEL_NPU_ACT_KERNELS_H
#define INTEL_NPU_ACT_KERNELS_H

#include <stdint.h>
#include "bits.h"

/* ---- Kernel ids (NPU_LRT_ACT_KERNEL) ----------------------------------------
 * x is an input element (dequantised), y the result before the output
 * conversion. Any other value of the register: ERR_DESC. */
#define NPU_ACT_KERNEL_CONVERT    0x01u /* y = x (type conversion, requantisation) */
#define NPU_ACT_KERNEL_RELU       0x02u /* y = max(x, 0) */
#define NPU_ACT_KERNEL_CLAMP      0x03u /* y = min(max(x, param[0]), param[1]) */
#define NPU_ACT_KERNEL_SIGMOID    0x04u /* y = 1 / (1 + exp(-x)) */
#define NPU_ACT_KERNEL_TANH       0x05u /* y = tanh(x) */
#define NPU_ACT_KERNEL_HSWISH     0x06u /* y = x * min(max(x + 3, 0), 6) / 6 */
#define NPU_ACT_KERNEL_EXP        0x07u /* y = exp(x) */
#define NPU_ACT_KERNEL_GELU       0x08u /* y = x / 2 * (1 + erf(x / sqrt(2))) */
#define NPU_ACT_KERNEL_SOFTMAX    0x09u /* y = exp(x - max) / sum(exp(x - max)) per row */
#define NPU_ACT_KERNEL_COUNT      0x0Au /* ids are 1 .. NPU_ACT_KERNEL_COUNT - 1 */

/* ---- Element types (in_type, out_type) ---------------------------------------- */
#define NPU_ACT_TYPE_FP16         0x00u /* IEEE 754 binary16, little-endian */
#define NPU_ACT_TYPE_FP32         0x01u /* IEEE 754 binary32, little-endian */
#define NPU_ACT_TYPE_I8           0x02u /* signed 8-bit, real = (q - zero_point) * scale */
#define NPU_ACT_TYPE_U8           0x03u /* unsigned 8-bit, the same */
#define NPU_ACT_TYPE_COUNT        0x04u

/* At most this many elements per invocation (one tile's CMX of fp16). */
#define NPU_ACT_MAX_ELEMENTS      (1u << 20)

/* ---- The argument block (NPU_LRT_ACT_ARGS points at it) ------------------------
 * 64 bytes, little-endian, in the CMX. Fields a kernel does not use are
 * ignored; reserved words must be 0. Errors (the engine's ERR_CODE):
 *   ERR_ADDR  the block, the input or the output range not inside the CMX
 *   ERR_DESC  unknown kernel or type; count 0 or above NPU_ACT_MAX_ELEMENTS;
 *             a quantised type with a scale that is not finite and > 0 or a
 *             zero point outside the type's range; SOFTMAX with axis_len 0 or
 *             not dividing count; CLAMP with a NaN bound or param[0] >
 *             param[1]; a reserved word not 0. */
struct __attribute__((packed, aligned(4))) npu_act_args {
	uint32_t input;          /* CMX address of the first input element */
	uint32_t output;         /* CMX address of the first output element */
	uint32_t count;          /* elements in and out */
	uint8_t  in_type;        /* NPU_ACT_TYPE_* */
	uint8_t  out_type;       /* NPU_ACT_TYPE_* */
	uint16_t reserved_0;
	float    in_scale;       /* I8/U8 input: real = (q - in_zero_point) * in_scale */
	int32_t  in_zero_point;
	float    out_scale;      /* I8/U8 output: q = round(y / out_scale) + out_zero_point */
	int32_t  out_zero_point;
	uint32_t axis_len;       /* SOFTMAX: length of the innermost dimension (a row) */
	float    param[2];       /* CLAMP: low, high bound */
	uint32_t reserved[5];
};
NPU_ABI_CHECK_SIZE(struct npu_act_args, 64);
NPU_ABI_CHECK_OFF(struct npu_act_args, in_type, 12);
NPU_ABI_CHECK_OFF(struct npu_act_args, in_scale, 16);
NPU_ABI_CHECK_OFF(struct npu_act_args, axis_len, 32);
NPU_ABI_CHECK_OFF(struct npu_act_args, param, 36);
NPU_ABI_CHECK_OFF(struct npu_act_args, reserved, 44);

#endif /* INTEL_NPU_ACT_KERNELS_H */
