/* SPDX-License-Identifier: MIT */
/*
 * IPC message header exchanged through the two hardware FIFOs
 * (hw-facts §5.1, §5.2). Messages live in shared memory; the FIFOs carry
 * only the 32-bit NPU virtual address of a header.
 */
#ifndef INTEL_NPU_IPC_H
#define INTEL_NPU_IPC_H

#include <stdint.h>
#include "bits.h"

#define NPU_IPC_ALIGNMENT          64u
#define NPU_IPC_HDR_FREE           0u
#define NPU_IPC_HDR_ALLOCATED      1u

#define NPU_IPC_CHAN_ASYNC_CMD     0u      /* almost every JSM request */
#define NPU_IPC_CHAN_GEN_CMD       10u     /* e.g. PWR_D0I3_ENTER */
#define NPU_IPC_CHAN_JOB_RET       11u     /* JOB_DONE notifications */
#define NPU_IPC_CHAN_BOOT_MSG      0x3FFu  /* the firmware's ready message */
#define NPU_IPC_BOOT_MSG_DATA_ADDR 0x424F4F54u /* "BOOT" (§3.4) */

#define NPU_IPC_NODE_HOST          0u
#define NPU_IPC_NODE_FW            1u

/* Buffers of the silicon driver: 16 KiB each for TX and RX; boot params
 * publish RX as an 8 KiB header area followed by an 8 KiB payload area. */
#define NPU_IPC_BUF_SIZE           0x4000u
#define NPU_IPC_AREA_SIZE          (NPU_IPC_BUF_SIZE / 2)
#define NPU_IPC_MAX_RX_MSG         128     /* host-side queue limit */

struct __attribute__((packed, aligned(64))) npu_ipc_hdr {
	uint32_t data_addr;   /* NPU VA of the JSM message, or "BOOT" */
	uint32_t data_size;
	uint16_t channel;
	uint8_t  src_node;
	uint8_t  dst_node;
	uint8_t  status;      /* NPU_IPC_HDR_* */
};
NPU_ABI_CHECK_SIZE(struct npu_ipc_hdr, 64);
NPU_ABI_CHECK_OFF(struct npu_ipc_hdr, channel, 0x08);
NPU_ABI_CHECK_OFF(struct npu_ipc_hdr, status, 0x0C);

#endif /* INTEL_NPU_IPC_H */
