/* SPDX-License-Identifier: MIT */
/*
 * Job queue registered with a doorbell (hw-facts §14.4, JSM API 3.25 layout):
 * a 64-byte header followed by 64-byte slots; the host produces at tail,
 * the firmware consumes at head. A 4 KiB queue holds 63 slots.
 */
#ifndef INTEL_NPU_JOBQ_H
#define INTEL_NPU_JOBQ_H

#include <stdint.h>
#include "bits.h"

#define NPU_JOB_FLAGS_NULL_SUBMISSION NPU_BIT(0)

struct __attribute__((packed, aligned(8))) npu_job_queue_header {
	uint32_t engine_idx;
	uint32_t head;          /* consumer index, written by the firmware */
	uint32_t tail;          /* producer index, written by the host */
	uint32_t flags;
	uint32_t priority_band_valid;
	uint32_t priority_band;
	uint32_t realtime_priority_level;
	uint32_t reserved_0[9];
};

struct __attribute__((packed, aligned(8))) npu_job_queue_entry {
	uint64_t batch_buf_addr;  /* NPU VA of the command buffer header */
	uint32_t job_id;
	uint32_t flags;
	uint64_t doorbell_timestamp;
	uint64_t host_tracking_id;
	uint64_t primary_preempt_buf_addr;
	uint32_t primary_preempt_buf_size;
	uint32_t secondary_preempt_buf_size;
	uint64_t secondary_preempt_buf_addr;
	uint64_t reserved_0;
};
NPU_ABI_CHECK_SIZE(struct npu_job_queue_header, 64);
NPU_ABI_CHECK_SIZE(struct npu_job_queue_entry, 64);
NPU_ABI_CHECK_OFF(struct npu_job_queue_entry, job_id, 0x08);
NPU_ABI_CHECK_OFF(struct npu_job_queue_entry, primary_preempt_buf_addr, 0x20);

#define NPU_JOBQ_SLOTS(size) (((size) - sizeof(struct npu_job_queue_header)) / \
			      sizeof(struct npu_job_queue_entry))

#endif /* INTEL_NPU_JOBQ_H */
