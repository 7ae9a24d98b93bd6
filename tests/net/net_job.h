/* SPDX-License-Identifier: MIT */
/*
 * The worked network (inference_net.h) as a job through the userspace
 * driver, for every backend: BOs in a user context, the network written at
 * their VAs, INFERENCE_EXECUTE by npu_cmdbuf_inference + npu_job_submit,
 * npu_job_wait, the output compared with the reference.
 */
#ifndef NPU_TEST_NET_JOB_H
#define NPU_TEST_NET_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "npu-format/inference_net.h"
#include "npu/npu.h"

/* 0: the job succeeded and the output is the reference's, byte for byte.
 * -1: why[] says what went wrong (a driver error, the job's status, or the
 * first differing output). *job_status: the job's status (0 unknown). */
int npu_net_run(struct npu_device *dev, uint32_t ssid, uint32_t db, enum npu_net_type t,
		uint32_t seed, uint32_t *job_status, char *why, size_t why_len);

#endif /* NPU_TEST_NET_JOB_H */
