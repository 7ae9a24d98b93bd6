/* SPDX-License-Identifier: MIT */
/*
 * The job command buffer a job-queue slot's batch_buf_addr points at, as of
 * JOB_CMD API 4.15 (hw-facts §11): a 48-byte header, then commands of
 * {u16 type, u16 size} + body from header + cmd_offset up to header +
 * cmd_buffer_size; the 37xx copy descriptor (§12.1) and the hardware DMA
 * descriptor (§12.3); the time types of TIMESTAMP (§11.6). Struct and field
 * names follow Intel's MIT header vpu_jsm_job_cmd_api.h.
 *
 * Freestanding C11: the firmware, the model, the driver and the tools use it.
 */
#ifndef INTEL_NPU_CMDBUF_H
#define INTEL_NPU_CMDBUF_H

#include <stdint.h>
#include "bits.h"

/* The JOB_CMD API these layouts are (api_version[3] of the firmware header,
 * hw-facts §10). */
#define NPU_JOB_CMD_API_MAJOR 4u
#define NPU_JOB_CMD_API_MINOR 15u

/* ---- Header (§11.2) ------------------------------------------------------- */
struct __attribute__((packed, aligned(8))) npu_cmd_buffer_header {
	uint32_t cmd_buffer_size;               /* end of the commands, from the header */
	uint32_t cmd_offset;                    /* first command, from the header */
	uint32_t api_version;                   /* (major << 16) | minor, or 0 */
	uint32_t reserved_0;
	uint64_t descriptor_heap_base_address;  /* + COPY desc_start_offset */
	uint64_t submission_timestamp;
	uint64_t fence_heap_base_address;       /* + fence offset */
	uint64_t context_save_area_address;     /* 64 bytes, 64-byte aligned */
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_buffer_header, 48);
NPU_ABI_CHECK_OFF(struct npu_cmd_buffer_header, descriptor_heap_base_address, 16);
NPU_ABI_CHECK_OFF(struct npu_cmd_buffer_header, fence_heap_base_address, 32);

#define NPU_CMD_BUFFER_ALIGN        64u     /* the header (§11.1) */
#define NPU_CONTEXT_SAVE_AREA_SIZE  64u

/* ---- Command types (§11.5) -------------------------------------------------- */
#define NPU_CMD_UNKNOWN                       0x0000u
#define NPU_CMD_NOP                           0x0001u
#define NPU_CMD_TIMESTAMP                     0x0100u
#define NPU_CMD_FENCE_WAIT                    0x0101u
#define NPU_CMD_FENCE_SIGNAL                  0x0102u
#define NPU_CMD_BARRIER                       0x0103u
#define NPU_CMD_METRIC_QUERY_BEGIN            0x0104u
#define NPU_CMD_METRIC_QUERY_END              0x0105u
#define NPU_CMD_COPY_SYSTEM_TO_LOCAL          0x0200u  /* deprecated */
#define NPU_CMD_COPY_LOCAL_TO_SYSTEM          0x0201u  /* deprecated */
#define NPU_CMD_MEMORY_FILL                   0x0202u
#define NPU_CMD_COPY_SYSTEM_TO_SYSTEM         0x0203u  /* deprecated */
#define NPU_CMD_DXIL                          0x0300u  /* deprecated */
#define NPU_CMD_JIT_MAPPED_INFERENCE_EXECUTE  0x0301u  /* deprecated */
#define NPU_CMD_COPY                          0x0302u  /* alias COPY_LOCAL_TO_LOCAL */
#define NPU_CMD_CLEAR_BUFFER                  0x0303u  /* deprecated */
#define NPU_CMD_OV_BLOB_INITIALIZE            0x0304u  /* deprecated */
#define NPU_CMD_OV_BLOB_EXECUTE               0x0305u  /* deprecated */
#define NPU_CMD_INFERENCE_EXECUTE             0x0306u
#define NPU_CMD_DXIL_COPY                     0x0307u  /* deprecated */

/* Every command starts with this; size counts the whole command (§11.4). */
struct __attribute__((packed, aligned(4))) npu_cmd_header {
	uint16_t type;
	uint16_t size;
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_header, 4);

/* Commands are multiples of 8 bytes, 8-byte aligned (§11.4). */
#define NPU_CMD_ALIGN  8u

/* ---- Command bodies (§11.6) --------------------------------------------------- */
struct __attribute__((packed, aligned(8))) npu_cmd_nop {
	struct npu_cmd_header header;           /* size >= 8; the rest is ignored */
	uint32_t reserved_0;
};

struct __attribute__((packed, aligned(8))) npu_cmd_barrier {
	struct npu_cmd_header header;
	uint32_t reserved_0;
};

/* TIMESTAMP type (vpu_time_type); 37xx user space uses RAW. */
#define NPU_TIME_RAW     0u  /* the 38.4 MHz perf counter */
#define NPU_TIME_SYSTIME 1u  /* with the host's device_time_delta_ticks applied */
#define NPU_TIME_DELTA   2u  /* the delta alone */

struct __attribute__((packed, aligned(8))) npu_cmd_timestamp {
	struct npu_cmd_header header;
	uint32_t type;                          /* NPU_TIME_*; 0 before API 4.5 */
	uint64_t timestamp_address;             /* 64-byte aligned on 37xx; 8 bytes written */
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_timestamp, 16);
#define NPU_TIMESTAMP_ALIGN_37XX  64u
#define NPU_TIMESTAMP_SIZE        8u

struct __attribute__((packed, aligned(8))) npu_cmd_fence {
	struct npu_cmd_header header;
	uint32_t reserved_0;
	uint64_t offset;                        /* + fence_heap_base_address */
	uint64_t value;                         /* WAIT: until current >= value (37xx) */
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_fence, 24);
#define NPU_FENCE_ALIGN_37XX      64u

struct __attribute__((packed, aligned(8))) npu_cmd_metric_query {
	struct npu_cmd_header header;
	uint32_t metric_group_type;
	uint64_t metric_data_address;
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_metric_query, 16);

struct __attribute__((packed, aligned(8))) npu_cmd_memory_fill {
	struct npu_cmd_header header;
	uint32_t reserved_0;
	uint64_t start_address;                 /* 64-byte aligned on 37xx */
	uint64_t size;
	uint32_t fill_pattern;
	uint32_t reserved_1;
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_memory_fill, 32);
#define NPU_MEMORY_FILL_ALIGN_37XX 64u

struct __attribute__((packed, aligned(8))) npu_cmd_copy_buffer {
	struct npu_cmd_header header;
	uint32_t reserved_0;
	uint64_t desc_start_offset;             /* + descriptor_heap_base_address; 64-aligned */
	uint32_t desc_count;                    /* 1 .. NPU_CMD_COPY_DESC_COUNT_MAX */
	uint32_t reserved_1;
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_copy_buffer, 24);
#define NPU_CMD_COPY_DESC_COUNT_MAX 4096u

struct __attribute__((packed, aligned(8))) npu_cmd_resource_descriptor {
	uint64_t address;
	uint32_t width;                         /* size in bytes */
	uint32_t reserved_0;
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_resource_descriptor, 16);

struct __attribute__((packed, aligned(8))) npu_cmd_inference_execute {
	struct npu_cmd_header header;
	uint32_t reserved_0;
	uint64_t inference_id;
	struct npu_cmd_resource_descriptor host_mapped_inference;  /* hw-facts §16.1 */
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_inference_execute, 32);

/* ---- 37xx copy descriptor (§12.1) ------------------------------------------------ */
struct __attribute__((packed, aligned(8))) npu_cmd_copy_descriptor_37xx {
	uint64_t reserved_0[2];
	uint64_t src_address;
	uint64_t dst_address;
	uint32_t size;                          /* at most NPU_COPY_DESC_SIZE_MAX */
	uint32_t reserved_1[7];
};
NPU_ABI_CHECK_SIZE(struct npu_cmd_copy_descriptor_37xx, 64);
NPU_ABI_CHECK_OFF(struct npu_cmd_copy_descriptor_37xx, src_address, 16);
NPU_ABI_CHECK_OFF(struct npu_cmd_copy_descriptor_37xx, size, 32);
#define NPU_COPY_DESC_SIZE_MAX       (16u << 20)   /* 16 MB */
#define NPU_COPY_DESC_FETCH_37XX     80u           /* the DMA reads 80 bytes each */
#define NPU_COPY_DESC_ALIGN          64u

/* ---- 37xx hardware DMA descriptor, vpu_dma_descriptor_t (§12.3) ------------------- */
struct __attribute__((packed, aligned(8))) npu_dma_descriptor_37xx {
	uint64_t link;               /* [39:0] next descriptor, [63] watermark */
	uint64_t config;             /* NPU_DMA_CFG_* */
	uint64_t src;
	uint64_t dst;
	uint32_t length;
	uint32_t planes_task;        /* [7:0] num_planes, [31:8] task_id */
	int32_t  src_plane_stride;
	int32_t  dst_plane_stride;
	union {
		struct { uint32_t src_width, src_stride, dst_width, dst_stride; } attr2d;
		struct { uint64_t prod_mask, cons_mask; } barriers1d;
	} u;
	struct { uint64_t prod_mask, cons_mask; } barriers2d;
};
NPU_ABI_CHECK_SIZE(struct npu_dma_descriptor_37xx, 80);
NPU_ABI_CHECK_OFF(struct npu_dma_descriptor_37xx, src, 16);
NPU_ABI_CHECK_OFF(struct npu_dma_descriptor_37xx, length, 32);
NPU_ABI_CHECK_OFF(struct npu_dma_descriptor_37xx, u, 48);

#define NPU_DMA_LINK_ADDR            NPU_GENMASK64(39, 0)
#define NPU_DMA_LINK_WATERMARK       NPU_BIT64(63)
/* config bit field, fields in declaration order from bit 0 (the C bit-field
 * layout of little-endian GCC, hw-facts §12.3 [derived]) */
#define NPU_DMA_CFG_TYPE             NPU_GENMASK64(1, 0)     /* 0: 1D, 1: 2D */
#define NPU_DMA_CFG_BURST_LENGTH     NPU_GENMASK64(9, 2)
#define NPU_DMA_CFG_CRITICAL         NPU_BIT64(10)
#define NPU_DMA_CFG_INTERRUPT_EN     NPU_BIT64(11)
#define NPU_DMA_CFG_INTERRUPT_TRIG   NPU_GENMASK64(18, 12)
#define NPU_DMA_CFG_SKIP_NR          NPU_GENMASK64(25, 19)
#define NPU_DMA_CFG_ORDER_FORCED     NPU_BIT64(26)
#define NPU_DMA_CFG_WATERMARK_EN     NPU_BIT64(27)
#define NPU_DMA_CFG_DEC_EN           NPU_BIT64(28)
#define NPU_DMA_CFG_BARRIER_EN       NPU_BIT64(29)
#define   NPU_DMA_TYPE_1D            0u
#define   NPU_DMA_TYPE_2D            1u
#define NPU_DMA_PLANES_NUM           NPU_GENMASK(7, 0)
#define NPU_DMA_PLANES_TASK_ID       NPU_GENMASK(31, 8)

/* ---- On-chip CMX (hw-facts §16.5): the engines' "local" memory ------------------ */
#define NPU_CMX_BASE                 0x2E000000u
#define NPU_CMX_SLICE_SIZE           (2u << 20)   /* 2 MB per tile */
#define NPU_CMX_TILES                2u
#define NPU_CMX_SIZE                 (NPU_CMX_SLICE_SIZE * NPU_CMX_TILES)

#endif /* INTEL_NPU_CMDBUF_H */
