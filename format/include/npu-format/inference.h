/* SPDX-License-Identifier: MIT */
/*
 * An inference builder: lays out a VpuHostParsedInference, its one
 * VpuMappedInference, the task lists and the barrier configs
 * (include/intel-npu/nnrt.h, hw-facts §16.3) in one buffer the caller owns
 * and maps at a VA below 4 GiB, so tests (unit, qtest, the guest) can
 * write an inference by hand and hand its HPI to INFERENCE_EXECUTE
 * (hw-facts §16.1). docs/compute.md describes the structures.
 *
 * Layout inside the buffer: the HPI at +0, the mapped inference at +384,
 * then the lists at their alignment, each sized for the capacity given to
 * npu_inf_init: dma_tasks[0], dma_tasks[1], invariants, variants,
 * act_kernel_ranges, act_kernel_invocations, barrier_configs. Every
 * pointer is the buffer's VA plus an offset.
 *
 * Barrier configs: npu_inf_barrier adds one use of a hardware barrier and
 * links it to the previous use of the same barrier (next_same_id_), in
 * the order of the calls.
 *
 * Freestanding C11 (format/README.md); the structures are written as the
 * little-endian hosts and firmware of this project lay them out.
 */
#ifndef NPU_FORMAT_INFERENCE_H
#define NPU_FORMAT_INFERENCE_H

#include <stdint.h>

#include "intel-npu/nnrt.h"

enum npu_inf_err {
	NPU_INF_OK        = 0,
	NPU_INF_ERR_SPACE = -1,   /* the buffer is too small for the capacities */
	NPU_INF_ERR_FULL  = -2,   /* a list is at its capacity */
	NPU_INF_ERR_ARG   = -3,   /* an engine, tile, barrier or index out of range */
	NPU_INF_ERR_VA    = -4,   /* the buffer does not lie below 4 GiB, or misaligned */
};

enum npu_inf_list {
	NPU_INF_DMA0, NPU_INF_DMA1, NPU_INF_INV, NPU_INF_VAR, NPU_INF_RANGE, NPU_INF_INVO,
	NPU_INF_BAR, NPU_INF_LISTS
};

struct npu_inf_builder {
	uint8_t *buf;
	uint64_t va;
	uint32_t size;
	uint32_t off[NPU_INF_LISTS], cap[NPU_INF_LISTS], n[NPU_INF_LISTS];
	uint32_t last_use[NPU_NNRT_BARRIERS];   /* barrier config index, or NO_NEXT */
	int err;                                /* the first error, sticky */
};

/* The bytes a buffer needs for these capacities (indexed by npu_inf_list). */
uint32_t npu_inf_size(const uint32_t cap[NPU_INF_LISTS]);
/* buf (size bytes, 64-byte aligned VA va) is cleared and laid out. */
int npu_inf_init(struct npu_inf_builder *b, void *buf, uint64_t va, uint32_t size,
		 const uint32_t cap[NPU_INF_LISTS]);

/* Element i of a list, and its VA (for hand edits and fuzzing). */
void *npu_inf_elem(struct npu_inf_builder *b, enum npu_inf_list l, uint32_t i);
uint64_t npu_inf_elem_va(const struct npu_inf_builder *b, enum npu_inf_list l, uint32_t i);

/* The index of what was added, or a negative npu_inf_err. */
int npu_inf_dma(struct npu_inf_builder *b, unsigned engine, uint64_t src, uint64_t dst,
		uint32_t len, uint64_t wait_mask, uint64_t post_mask);
/* An invariant with nvar variants (register images as given, may be NULL). */
int npu_inf_dpu(struct npu_inf_builder *b, unsigned tile, uint64_t wait_mask, uint64_t post_mask,
		const uint8_t inv_regs[NPU_DPU_INVARIANT_REGS_SIZE], unsigned nvar,
		const uint8_t (*var_regs)[NPU_DPU_VARIANT_REGS_SIZE]);
int npu_inf_range(struct npu_inf_builder *b, uint32_t kernel_entry);
int npu_inf_act(struct npu_inf_builder *b, unsigned tile, uint32_t range, uint32_t kernel_args,
		uint64_t wait_mask, uint64_t post_mask);
int npu_inf_barrier(struct npu_inf_builder *b, unsigned real_id, uint16_t producers,
		    uint16_t consumers);

/* Fills the counts; returns the HPI's VA (the buffer's), or 0 after an error. */
uint64_t npu_inf_finish(struct npu_inf_builder *b);

struct npu_host_parsed_inference *npu_inf_hpi(struct npu_inf_builder *b);
struct npu_mapped_inference *npu_inf_mapped(struct npu_inf_builder *b);

#endif /* NPU_FORMAT_INFERENCE_H */
