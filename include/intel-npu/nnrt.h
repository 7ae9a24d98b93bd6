/* SPDX-License-Identifier: MIT */
/*
 * The 37xx mapped-inference structures (NN runtime API 7.0): what an
 * INFERENCE_EXECUTE's host_mapped_inference points at (hw-facts §16.1), the
 * host-parsed inference, the mapped inference and its task lists
 * (hw-facts §16.3), and the CMX metadata storage the firmware copies the
 * task lists into (hw-facts §16.5). Struct and field names follow Intel's
 * MIT header vpu_nnrt_api_37xx.h; docs/compute.md says how this project's
 * firmware uses them.
 *
 * Pointers between task structures are 32-bit (VpuPtr): everything the
 * firmware walks lies below 4 GiB (hw-facts §16.3).
 *
 * Freestanding C11: the firmware, the model, the tests and the format
 * library (format/inference.c) use it.
 */
#ifndef INTEL_NPU_NNRT_H
#define INTEL_NPU_NNRT_H

#include <stdint.h>
#include "bits.h"
#include "cmdbuf.h"
#include "nce37xx.h"

/* The mapped-inference API (api_version[7] of the firmware header,
 * hw-facts §10): the firmware rejects another major (hw-facts §16.3). */
#define NPU_NNRT_API_MAJOR     7u
#define NPU_NNRT_API_MINOR     0u
#define NPU_NNRT_API_VER       NPU_API_VERSION(NPU_NNRT_API_MAJOR, NPU_NNRT_API_MINOR)

/* ---- Common pieces (hw-facts §16.3) ------------------------------------------- */

/* A list: count elements at address (a VA below 4 GiB). */
struct __attribute__((packed, aligned(8))) npu_task_reference {
	uint64_t reserved1, reserved2, reserved3;
	uint64_t address;
	uint64_t count;
};
NPU_ABI_CHECK_SIZE(struct npu_task_reference, 40);
NPU_ABI_CHECK_OFF(struct npu_task_reference, address, 24);

/* VpuTaskSchedulingBarrierConfig */
struct __attribute__((packed, aligned(4))) npu_task_sched_barriers {
	uint32_t start_after_;
	uint32_t clean_after_;
};
NPU_ABI_CHECK_SIZE(struct npu_task_sched_barriers, 8);

/* VpuTaskBarrierDependency (struct npu_task_barrier_dependency) and the DPU
 * task wrappers VpuDPUInvariant / VpuDPUVariant (struct npu_dpu_invariant,
 * npu_dpu_variant) are in nce37xx.h with the register images they wrap.
 * Bit b of a wait or post mask = hardware barrier b (0..63). */

/* VpuBarrierCountConfig: one use of hardware barrier real_id_; the next use
 * of the same barrier is entry next_same_id_ (NPU_NNRT_NO_NEXT: none). */
struct __attribute__((packed, aligned(4))) npu_barrier_count_config {
	uint32_t next_same_id_;
	uint16_t producer_count_;
	uint16_t consumer_count_;
	uint8_t  real_id_;
	uint8_t  pad_[3];
};
NPU_ABI_CHECK_SIZE(struct npu_barrier_count_config, 12);
#define NPU_NNRT_NO_NEXT       0xFFFFFFFFu

/* ---- Tasks ------------------------------------------------------------------------ */

/* VpuDMATask: the 80-byte hardware descriptor (hw-facts §12.3) + scheduling. */
struct __attribute__((packed, aligned(64))) npu_dma_task {
	struct npu_dma_descriptor_37xx transaction_;
	struct npu_task_sched_barriers barriers_sched_;
	uint8_t pad_[128 - 80 - 8];
};
NPU_ABI_CHECK_SIZE(struct npu_dma_task, 128);
NPU_ABI_CHECK_OFF(struct npu_dma_task, barriers_sched_, 80);

#define NPU_DPU_INVARIANT_REGS_SIZE  260u   /* nce37xx.h npu_dpu_invariant_regs */
#define NPU_DPU_VARIANT_REGS_SIZE    44u    /* nce37xx.h npu_dpu_variant_regs */
_Static_assert(sizeof(struct npu_dpu_invariant_regs) == NPU_DPU_INVARIANT_REGS_SIZE, "260");
_Static_assert(sizeof(struct npu_dpu_variant_regs) == NPU_DPU_VARIANT_REGS_SIZE, "44");

/* VpuActKernelRange: a kernel (kernel_entry: docs/compute.md). */
struct __attribute__((packed, aligned(4))) npu_act_kernel_range {
	uint8_t  type;                  /* VpuActWLType */
	uint8_t  pad_[3];
	uint32_t kernel_entry;
	uint32_t text_window_base;
	uint32_t code_size;
	uint32_t data_sec_size;
	uint32_t kernel_invo_count;
};
NPU_ABI_CHECK_SIZE(struct npu_act_kernel_range, 24);
NPU_ABI_CHECK_OFF(struct npu_act_kernel_range, kernel_entry, 4);

/* VpuActKernelInvocation: one run of a range on an activation engine of
 * tile invo_tile, with its arguments at kernel_args. */
struct __attribute__((packed, aligned(8))) npu_act_kernel_invocation {
	uint32_t range;                 /* VpuPtr<VpuActKernelRange> */
	uint32_t kernel_args;
	uint32_t data_window_base;
	uint32_t perf_packet_out;
	struct npu_task_barrier_dependency barriers;
	struct npu_task_sched_barriers barriers_sched;
	uint32_t invo_index;
	uint32_t invo_tile;
	uint32_t kernel_range_index;
	uint8_t  pad_[4];
};
NPU_ABI_CHECK_SIZE(struct npu_act_kernel_invocation, 64);
NPU_ABI_CHECK_OFF(struct npu_act_kernel_invocation, barriers, 16);
NPU_ABI_CHECK_OFF(struct npu_act_kernel_invocation, invo_index, 48);
NPU_ABI_CHECK_OFF(struct npu_act_kernel_invocation, kernel_range_index, 56);

/* ---- The mapped inference (hw-facts §16.3) ------------------------------------------ */

struct __attribute__((packed, aligned(4))) npu_task_counts {
	uint32_t reserved1, reserved2;
	uint32_t dma_count;
	uint32_t dpu_invariant_count;
	uint32_t dpu_variant_count;
	uint32_t act_range_count;
	uint32_t act_invo_count;
};
NPU_ABI_CHECK_SIZE(struct npu_task_counts, 28);

/* VpuNNShaveRuntimeConfigs (the activation runtime; unused here) */
struct __attribute__((packed, aligned(4))) npu_shv_rt_configs {
	uint32_t reserved1, reserved2;
	uint32_t runtime_entry;
	uint32_t act_rt_window_base;
	uint32_t stack_frames[4];
	uint32_t stack_size;
	uint32_t code_window_buffer_size;
	uint32_t perf_metrics_mask;
	uint32_t runtime_version;
	uint8_t  use_schedule_embedded_rt;
	uint8_t  dpu_perf_mode;
	uint8_t  pad_[2];
};
NPU_ABI_CHECK_SIZE(struct npu_shv_rt_configs, 52);

#define NPU_NNRT_DMA_ENGINES   2u
#define NPU_MAPPED_INFERENCE_ALIGN 64u

struct __attribute__((packed, aligned(64))) npu_mapped_inference {
	uint32_t vpu_nnrt_api_ver;
	uint8_t  pad0_[4];
	uint64_t reserved0_;
	struct npu_task_counts task_storage_counts_;
	uint32_t task_storage_size_;
	struct npu_task_reference dma_tasks[NPU_NNRT_DMA_ENGINES];  /* list e runs on engine e */
	struct npu_task_reference invariants;
	struct npu_task_reference variants;
	struct npu_task_reference act_kernel_ranges;
	struct npu_task_reference act_kernel_invocations;
	struct npu_task_reference barrier_configs;
	struct npu_shv_rt_configs shv_rt_configs;
	uint8_t  pad1_[4];
	struct npu_task_reference reserved1_;
	uint8_t  pad2_[24];
};
NPU_ABI_CHECK_SIZE(struct npu_mapped_inference, 448);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, task_storage_counts_, 16);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, task_storage_size_, 44);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, dma_tasks, 48);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, invariants, 128);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, variants, 168);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, act_kernel_ranges, 208);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, act_kernel_invocations, 248);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, barrier_configs, 288);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, shv_rt_configs, 328);
NPU_ABI_CHECK_OFF(struct npu_mapped_inference, reserved1_, 384);

/* ---- The host-parsed inference (hw-facts §16.3) -------------------------------------- */

struct __attribute__((packed, aligned(4))) npu_resource_requirements {
	uint32_t nn_slice_length_;      /* CMX per tile */
	uint32_t ddr_scratch_length_;
	uint8_t  reserved[2];
	uint8_t  nn_slice_count_;       /* tiles */
	uint8_t  nn_barriers_;
};
NPU_ABI_CHECK_SIZE(struct npu_resource_requirements, 12);

struct __attribute__((packed, aligned(8))) npu_performance_metrics {
	uint32_t freq_base, freq_step, bw_base, bw_step;
	uint64_t ticks[5][5];
	uint32_t scalability[5][5];     /* float */
	uint32_t activity_factor;       /* float */
};
NPU_ABI_CHECK_SIZE(struct npu_performance_metrics, 320);

#define NPU_HPI_ALIGN          8u

struct __attribute__((packed, aligned(8))) npu_host_parsed_inference {
	uint64_t reserved;
	struct npu_resource_requirements resource_requirements_;
	uint8_t  pad_[4];
	struct npu_performance_metrics performance_metrics_;
	struct npu_task_reference mapped_;      /* count mapped inferences at address */
};
NPU_ABI_CHECK_SIZE(struct npu_host_parsed_inference, 384);
NPU_ABI_CHECK_OFF(struct npu_host_parsed_inference, resource_requirements_, 8);
NPU_ABI_CHECK_OFF(struct npu_host_parsed_inference, performance_metrics_, 24);
NPU_ABI_CHECK_OFF(struct npu_host_parsed_inference, mapped_, 344);

/* ---- 37xx resources and CMX metadata storage (hw-facts §16.5) -------------------------- */
#define NPU_NNRT_TILES         2u
#define NPU_NNRT_DPUS          2u       /* one per tile */
#define NPU_NNRT_ACTS          4u       /* two per tile */
#define NPU_NNRT_BARRIERS      64u

/* Each slice: 1 KB SNN data, 1 KB SNN stack, 1 KB ACT scratch, 14 KB ACT
 * stacks, then the 63 KB metadata storage, then the workspace. */
#define NPU_CMX_METADATA_OFFSET    (17u * 1024u)
#define NPU_CMX_METADATA_SIZE      (63u * 1024u)
#define NPU_CMX_WORKSPACE_OFFSET   (NPU_CMX_METADATA_OFFSET + NPU_CMX_METADATA_SIZE)
#define NPU_CMX_METADATA(tile)     (NPU_CMX_BASE + NPU_CMX_SLICE_SIZE * (tile) + \
				    NPU_CMX_METADATA_OFFSET)
/* Room in the storage, per list */
#define NPU_NNRT_MAX_DMA_TASKS     256u     /* per DMA engine */
#define NPU_NNRT_MAX_INVARIANTS    32u
#define NPU_NNRT_MAX_VARIANTS      256u
#define NPU_NNRT_MAX_RANGES        32u
#define NPU_NNRT_MAX_INVOCATIONS   64u

/* The two-tile map (VpuMetadataMapDual0/1): slice 0 holds DMA list 0, the
 * invariants and the kernel ranges; slice 1 DMA list 1, the variants and
 * the invocations. Offsets from NPU_CMX_METADATA(tile). */
#define NPU_CMX_MD_DMA0        0u                                   /* tile 0 */
#define NPU_CMX_MD_INVARIANTS  (NPU_NNRT_MAX_DMA_TASKS * 128u)      /* tile 0 */
#define NPU_CMX_MD_RANGES      (NPU_CMX_MD_INVARIANTS + NPU_NNRT_MAX_INVARIANTS * 304u)
#define NPU_CMX_MD_DMA1        0u                                   /* tile 1 */
#define NPU_CMX_MD_VARIANTS    (NPU_NNRT_MAX_DMA_TASKS * 128u)      /* tile 1 */
#define NPU_CMX_MD_INVOCATIONS (NPU_CMX_MD_VARIANTS + NPU_NNRT_MAX_VARIANTS * 64u)
_Static_assert(NPU_CMX_MD_RANGES + NPU_NNRT_MAX_RANGES * 24u <= NPU_CMX_METADATA_SIZE,
	       "slice 0 metadata storage exceeded");
_Static_assert(NPU_CMX_MD_INVOCATIONS + NPU_NNRT_MAX_INVOCATIONS * 64u <= NPU_CMX_METADATA_SIZE,
	       "slice 1 metadata storage exceeded");

#endif /* INTEL_NPU_NNRT_H */
