/* SPDX-License-Identifier: MIT */
/*
 * NPU virtual address layout and context numbering for 37xx as the Linux
 * 6.12 driver sets it up (hw-facts §6; ivpu_hw.c memory_ranges_init,
 * ivpu_fw.c ivpu_fw_update_global_range).
 */
#ifndef INTEL_NPU_VA_LAYOUT_H
#define INTEL_NPU_VA_LAYOUT_H

#include <stdint.h>

/* Initial global range; after parsing the firmware header the driver moves
 * it to ALIGN(runtime end, 128 KiB) with a size of 256 MiB (§6). */
#define NPU_VA_GLOBAL_START       0x80000000ull
#define NPU_VA_GLOBAL_SIZE        0x20000000ull   /* 512 MiB */
#define NPU_VA_USER_START         0xC0000000ull
#define NPU_VA_USER_SIZE          (255ull << 20)  /* 255 MiB */
#define NPU_VA_SHAVE_START        0x180000000ull
#define NPU_VA_SHAVE_SIZE         0x80000000ull   /* 2 GiB */
#define NPU_VA_DMA_START          0x200000000ull
#define NPU_VA_DMA_SIZE           0x200000000ull  /* 8 GiB */

/* SSID = NPU context (§6) */
#define NPU_SSID_GLOBAL           0u
#define NPU_SSID_RESERVED         1u
#define NPU_SSID_USER_MIN         2u
#define NPU_SSID_USER_MAX         65u

/* Doorbell ids the driver hands out (ivpu_drv.h) */
#define NPU_DB_ID_MIN             1u
#define NPU_DB_ID_MAX             255u

#endif /* INTEL_NPU_VA_LAYOUT_H */
