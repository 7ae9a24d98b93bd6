/* SPDX-License-Identifier: MIT */
/*
 * Firmware file layout and header ("vpu_37xx_v1.bin"), hw-facts §4.1-§4.3.
 *
 *   file offset 0x0000  header (204 bytes used, 4 KiB area)
 *   file offset 0x1000  NUL-terminated version string (4 KiB area)
 *   file offset 0x2000  image, image_size bytes, copied to image_load_address
 *
 * There is no magic number: header_version == 1 is the only format check
 * the silicon driver makes (§4.2).
 */
#ifndef INTEL_NPU_FW_HEADER_H
#define INTEL_NPU_FW_HEADER_H

#include <stdint.h>
#include "bits.h"

#define NPU_FW_HEADER_SIZE          0x1000u
#define NPU_FW_VERSION_HEADER_SIZE  0x1000u
#define NPU_FW_VERSION_OFFSET       NPU_FW_HEADER_SIZE
#define NPU_FW_IMAGE_OFFSET         (NPU_FW_HEADER_SIZE + NPU_FW_VERSION_HEADER_SIZE)
#define NPU_FW_VERSION_STR_MAX      256u  /* what the silicon driver prints (ivpu_fw.h) */
#define NPU_FW_HEADER_VERSION       1u
#define NPU_FW_API_VER_NUM          16

/* api_version[] indices (§4.2, hw-facts §10) */
#define NPU_FW_API_BOOT             0
#define NPU_FW_API_JOB_CMD          3
#define NPU_FW_API_JSM              4
#define NPU_FW_API_NNRT_37XX        7

/* image_format: printed, never checked by ivpu. The shipped LEON image uses 1;
 * ours marks an RV32IM image with the ASCII bytes "RV32" (docs/deviations.md). */
#define NPU_FW_IMAGE_FORMAT_LEON    1u
#define NPU_FW_IMAGE_FORMAT_RV32    0x32335652u

/* Ranges the silicon driver checks (§4.2, ivpu_fw.c). */
#define NPU_FW_RUNTIME_MIN_ADDR     0x80000000ull              /* 2 GiB */
#define NPU_FW_GLOBAL_MEM_END       0xC0000000ull              /* 3 GiB */
#define NPU_FW_SHARED_MEM_SIZE      0x10000000ull              /* 256 MiB */
#define NPU_FW_SHARED_MEM_ALIGN     0x20000ull                 /* 128 KiB */
#define NPU_FW_RUNTIME_MAX_ADDR     (NPU_FW_GLOBAL_MEM_END - NPU_FW_SHARED_MEM_SIZE)
#define NPU_FW_RUNTIME_MAX_SIZE     0x20000000ull              /* 512 MiB */
#define NPU_FW_SHAVE_NN_MAX_SIZE    0x200000ull                /* 2 MiB */
#define NPU_FW_BOOT_PARAMS_SIZE     0x1000u                    /* first 4 KiB of the runtime */

struct __attribute__((packed, aligned(4))) npu_fw_header {
	uint32_t header_version;
	uint32_t image_format;
	uint64_t image_load_address;
	uint32_t image_size;
	uint64_t entry_point;
	uint8_t  vpu_version[32];
	uint32_t compression_type;
	uint64_t firmware_version_load_address;
	uint32_t firmware_version_size;
	uint64_t boot_params_load_address;  /* = start of the runtime region */
	uint32_t api_version[NPU_FW_API_VER_NUM];
	uint32_t runtime_size;
	uint32_t shave_nn_fw_size;
	uint32_t preemption_buffer_1_size;
	uint32_t preemption_buffer_2_size;
	uint32_t preemption_buffer_1_max_size;
	uint32_t preemption_buffer_2_max_size;
	uint32_t preemption_reserved[4];
	uint64_t ro_section_start_address;
	uint32_t ro_section_size;
	uint32_t reserved;
};
NPU_ABI_CHECK_SIZE(struct npu_fw_header, 204);
NPU_ABI_CHECK_OFF(struct npu_fw_header, image_load_address, 0x08);
NPU_ABI_CHECK_OFF(struct npu_fw_header, entry_point, 0x14);
NPU_ABI_CHECK_OFF(struct npu_fw_header, compression_type, 0x3C);
NPU_ABI_CHECK_OFF(struct npu_fw_header, boot_params_load_address, 0x4C);
NPU_ABI_CHECK_OFF(struct npu_fw_header, api_version, 0x54);
NPU_ABI_CHECK_OFF(struct npu_fw_header, runtime_size, 0x94);
NPU_ABI_CHECK_OFF(struct npu_fw_header, ro_section_start_address, 0xBC);
NPU_ABI_CHECK_OFF(struct npu_fw_header, reserved, 0xC8);

#endif /* INTEL_NPU_FW_HEADER_H */
