/* SPDX-License-Identifier: MIT */
/*
 * Command buffer builder: lays out one JOB_CMD 4.15 command buffer (hw-facts
 * §11) in memory the caller owns (normally an npu_buffer of the submitting
 * context) and knows the NPU VA of. Pure code: no device access.
 *
 * Layout, as Linux's kmd-test does it (hw-facts §11.9, §11.10):
 *
 *   +0                 npu_cmd_buffer_header (48 bytes), cmd_offset = 48
 *   +48 ...            commands, 8-byte aligned, growing upwards
 *   ...  <- free ->
 *   ... descriptors    copy descriptors, 64-byte aligned blocks growing
 *                      downwards; each block is contiguous (hw-facts §12.1)
 *   size - 64          the 64-byte context save area (hw-facts §11.2)
 *
 * Growing the descriptors down towards a save area keeps at least 16
 * readable bytes after the last descriptor of every block, which the 37xx
 * DMA needs since it fetches 80 bytes per descriptor (hw-facts §12.1).
 * Heap bases are 0 and the "offset" fields hold absolute VAs, the current
 * UMD's convention (hw-facts §11.8).
 *
 * Errors are sticky: the first refusal is kept (npu_cmdbuf_error() says
 * why) and every later call, npu_cmdbuf_finish() included, returns it. So a
 * caller may add a whole job and check once.
 *   -EINVAL  refused as the firmware would refuse it (alignment, size,
 *            command size, a type it does not know is fine via _raw only)
 *   -ENOSPC  the buffer is full
 */
#ifndef NPU_DRIVER_CMDBUF_H
#define NPU_DRIVER_CMDBUF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The smallest buffer: header, one 8-byte command, the save area. */
#define NPU_CMDBUF_MIN_SIZE    128u
/* One copy descriptor moves at most this much: the UMD's 8 MB, half the
 * hardware's 16 MB limit, so that one descriptor is never too long to
 * interrupt (hw-facts §12.2). */
#define NPU_CMDBUF_COPY_CHUNK  (8u << 20)

struct npu_cmdbuf {
	uint8_t *cpu;           /* the buffer's CPU view */
	uint64_t va;            /* its NPU VA (64-byte aligned) */
	size_t size;
	size_t cmd_end;         /* end of the commands, from the header */
	size_t desc_low;        /* lowest byte used by descriptors */
	unsigned n_cmds, n_descs;
	int err;
	char error[160];
};

/* cpu/va/size: the memory the header goes at (va % 64 == 0). Zeroes it. */
int npu_cmdbuf_init(struct npu_cmdbuf *cb, void *cpu, uint64_t va, size_t size);
/* NOP of size bytes (>= 8, multiple of 8), hw-facts §11.4 */
int npu_cmdbuf_nop(struct npu_cmdbuf *cb, uint32_t size);
int npu_cmdbuf_barrier(struct npu_cmdbuf *cb);
/* 8 bytes of the clock `type` (NPU_TIME_*) at va, 64-byte aligned on 37xx */
int npu_cmdbuf_timestamp(struct npu_cmdbuf *cb, uint32_t type, uint64_t va);
/* Fence word at va (64-byte aligned on 37xx): wait until >= value / write value */
int npu_cmdbuf_fence_wait(struct npu_cmdbuf *cb, uint64_t va, uint64_t value);
int npu_cmdbuf_fence_signal(struct npu_cmdbuf *cb, uint64_t va, uint64_t value);
/* COPY of size bytes (> 0): one descriptor per NPU_CMDBUF_COPY_CHUNK, and
 * a further COPY command per NPU_CMD_COPY_DESC_COUNT_MAX descriptors. */
int npu_cmdbuf_copy(struct npu_cmdbuf *cb, uint64_t dst, uint64_t src, uint64_t size);
/* MEMORY_FILL of size bytes (> 0) at va (64-byte aligned on 37xx) */
int npu_cmdbuf_fill(struct npu_cmdbuf *cb, uint64_t va, uint64_t size, uint32_t pattern);
/* INFERENCE_EXECUTE (hw-facts §16.1): run the mapped inference whose
 * VpuHostParsedInference (384 bytes, 8-byte aligned) is at hpi_va, in a
 * buffer of hpi_size bytes; inference_id as the host numbers them. */
#define NPU_CMDBUF_HPI_SIZE   384u
#define NPU_CMDBUF_HPI_ALIGN  8u
int npu_cmdbuf_inference(struct npu_cmdbuf *cb, uint64_t inference_id, uint64_t hpi_va,
			 uint32_t hpi_size);
/* Any command, unchecked but for size: type, then body_size bytes of body
 * (the command is 4 + body_size bytes, padded to 8; body NULL: zeros). For tests of the
 * firmware's refusals. */
int npu_cmdbuf_raw(struct npu_cmdbuf *cb, uint16_t type, const void *body, size_t body_size);
/* Write the header: sizes, api_version 4.15, the save area. 0 or the sticky error. */
int npu_cmdbuf_finish(struct npu_cmdbuf *cb);
/* Why the first refusal happened ("" if none). */
const char *npu_cmdbuf_error(const struct npu_cmdbuf *cb);

#ifdef __cplusplus
}
#endif

#endif /* NPU_DRIVER_CMDBUF_H */
