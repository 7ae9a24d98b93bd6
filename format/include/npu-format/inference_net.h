/* SPDX-License-Identifier: MIT */
/*
 * A hand-built network shared by the firmware, driver (sim) and qtest tests:
 *
 *   input 8x8x16 -> conv 3x3 s1 p1 (16 out) -> RELU (activation engine)
 *                -> max pool 2x2 s2 -> fully connected 256 -> 16 -> output
 *
 * in int8 (u8 activations with zero points, i8 weights, per-channel PPE
 * mult/shift and bias in the weights tables) or in fp16 (fp32 scale/bias in
 * the tables). docs/compute.md "A worked example" describes the structures.
 *
 * Two buffers, both the caller's, mapped at VAs below 4 GiB in one user
 * context:
 *   inference  NPU_NET_INF_SIZE bytes: the HPI, mapped inference, task lists
 *              and barrier configs (npu-format/inference.h)
 *   data       NPU_NET_DATA_SIZE bytes: the input, weights, weights tables
 *              and activation arguments the DMA tasks load into the CMX, and
 *              the output (NPU_NET_OUT_OFF) the last DMA task stores
 *
 * Data are deterministic from the seed. npu_net_reference computes the
 * expected output from the data buffer alone, in plain C, independent of
 * the model's DPU code.
 */
#ifndef NPU_TEST_INFERENCE_NET_H
#define NPU_TEST_INFERENCE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum npu_net_type { NPU_NET_INT8, NPU_NET_FP16 };

#define NPU_NET_INF_SIZE   16384u
#define NPU_NET_DATA_SIZE  0x6000u
#define NPU_NET_OUT_OFF    0x5800u
#define NPU_NET_OUTPUTS    16u

/* The CMX base the network uses (tile 0's workspace). */
uint32_t npu_net_cmx_base(void);

/* Bytes of the output: 16 (int8: u8) or 32 (fp16: binary16 LE). */
size_t npu_net_out_size(enum npu_net_type t);

/* Fills data with the seeded input, weights and tables (output cleared to
 * 0xEE), lays out the inference; returns the HPI's VA or 0. */
uint64_t npu_net_build(enum npu_net_type t, uint32_t seed, void *inf, uint64_t inf_va,
		       void *data, uint64_t data_va);

/* The expected output (npu_net_out_size bytes) from the data buffer. */
void npu_net_reference(enum npu_net_type t, const void *data, uint8_t *out);

/* Index of the conv's first variant in the variants list. */
#define NPU_NET_CONV_VARIANT 0u
/* Points that variant's weights table at addr (a CMX address; an address
 * outside the CMX makes the DPU end the task with ERR_ADDR). */
void npu_net_set_conv_table(void *inf, uint64_t inf_va, uint32_t addr);

#endif /* NPU_TEST_INFERENCE_NET_H */
