/* SPDX-License-Identifier: MIT */
/*
 * Buttress registers, BAR4 ("RegB"), Meteor Lake / Arrow Lake generation.
 * Offsets and fields: hw-facts §2.1 (ivpu_hw_btrs_mtl_reg.h).
 */
#ifndef INTEL_NPU_REGS_BTRS_H
#define INTEL_NPU_REGS_BTRS_H

#include "bits.h"

#define NPU_BTRS_INTERRUPT_TYPE              0x00u
#define NPU_BTRS_INTERRUPT_STAT              0x04u
#define   NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE  NPU_BIT(0)
#define   NPU_BTRS_INTERRUPT_STAT_ATS_ERR      NPU_BIT(1)
#define   NPU_BTRS_INTERRUPT_STAT_UFI_ERR      NPU_BIT(2)
#define   NPU_BTRS_INTERRUPT_STAT_ALL          NPU_GENMASK(2, 0)
/* ivpu's enabled set for MTL: ATS_ERR | UFI_ERR (§2.1 LOCAL_INT_MASK) */
#define   NPU_BTRS_IRQ_MASK_ENABLED            (NPU_BTRS_INTERRUPT_STAT_ATS_ERR | \
						NPU_BTRS_INTERRUPT_STAT_UFI_ERR)
#define NPU_BTRS_WP_REQ_PAYLOAD0             0x08u
#define   NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO   NPU_GENMASK(15, 0)
#define   NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO   NPU_GENMASK(31, 16)
#define NPU_BTRS_WP_REQ_PAYLOAD1             0x0Cu
#define   NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO NPU_GENMASK(15, 0)
#define   NPU_BTRS_WP_REQ_PAYLOAD1_EPP         NPU_GENMASK(31, 16)
#define NPU_BTRS_WP_REQ_PAYLOAD2             0x10u
#define   NPU_BTRS_WP_REQ_PAYLOAD2_CONFIG      NPU_GENMASK(15, 0)
#define NPU_BTRS_WP_REQ_CMD                  0x14u
#define   NPU_BTRS_WP_REQ_CMD_SEND             NPU_BIT(0)
#define NPU_BTRS_WP_DOWNLOAD                 0x18u
#define   NPU_BTRS_WP_DOWNLOAD_TARGET_RATIO    NPU_GENMASK(15, 0)
#define NPU_BTRS_CURRENT_PLL                 0x1Cu
#define   NPU_BTRS_CURRENT_PLL_RATIO           NPU_GENMASK(15, 0)
#define NPU_BTRS_PLL_ENABLE                  0x20u
#define NPU_BTRS_FMIN_FUSE                   0x24u
#define   NPU_BTRS_FMIN_FUSE_MIN_RATIO         NPU_GENMASK(7, 0)
#define   NPU_BTRS_FMIN_FUSE_PN_RATIO          NPU_GENMASK(15, 8)
#define NPU_BTRS_FMAX_FUSE                   0x28u
#define   NPU_BTRS_FMAX_FUSE_MAX_RATIO         NPU_GENMASK(7, 0)
#define NPU_BTRS_TILE_FUSE                   0x2Cu
#define   NPU_BTRS_TILE_FUSE_VALID             NPU_BIT(0)
#define   NPU_BTRS_TILE_FUSE_SKU               NPU_GENMASK(3, 2)
#define NPU_BTRS_LOCAL_INT_MASK              0x30u /* 1 = masked */
#define NPU_BTRS_GLOBAL_INT_MASK             0x34u /* b0: 1 = every NPU interrupt blocked */
#define   NPU_BTRS_GLOBAL_INT_MASK_MASKED      NPU_BIT(0)
#define NPU_BTRS_PLL_STATUS                  0x40u
#define   NPU_BTRS_PLL_STATUS_LOCK             NPU_BIT(1)
#define NPU_BTRS_VPU_STATUS                  0x44u
#define   NPU_BTRS_VPU_STATUS_READY            NPU_BIT(0)
#define   NPU_BTRS_VPU_STATUS_IDLE             NPU_BIT(1)
#define NPU_BTRS_VPU_IP_RESET                0x50u
#define   NPU_BTRS_VPU_IP_RESET_TRIGGER        NPU_BIT(0)
#define NPU_BTRS_VPU_D0I3_CONTROL            0x60u
#define   NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS NPU_BIT(0)
#define   NPU_BTRS_VPU_D0I3_CONTROL_I3         NPU_BIT(2)
#define NPU_BTRS_VPU_TELEMETRY_OFFSET        0x80u
#define NPU_BTRS_VPU_TELEMETRY_SIZE          0x84u
#define NPU_BTRS_VPU_TELEMETRY_ENABLE        0x88u
#define NPU_BTRS_ATS_ERR_LOG_0               0xA0u /* read as 64 bits with _1 (§1.2) */
#define NPU_BTRS_ATS_ERR_LOG_1               0xA4u
#define NPU_BTRS_ATS_ERR_CLEAR               0xA8u
#define NPU_BTRS_UFI_ERR_LOG                 0xB0u
#define   NPU_BTRS_UFI_ERR_LOG_CQ_ID           NPU_GENMASK(11, 0)
#define   NPU_BTRS_UFI_ERR_LOG_AXI_ID          NPU_GENMASK(19, 12)
#define   NPU_BTRS_UFI_ERR_LOG_OPCODE          NPU_GENMASK(24, 20)
#define NPU_BTRS_UFI_ERR_CLEAR               0xB4u

/* Workpoint request values ivpu uses on MTL (§3.1, ivpu_hw_btrs.c). */
#define NPU_WP_CONFIG(tiles, ratio_code)     (((tiles) << 8) | (ratio_code))
#define NPU_WP_CONFIG_MTL_2_TILES_4_3        NPU_WP_CONFIG(0x02, 0x02) /* 0x0202 */
#define NPU_WP_EPP_DEFAULT                   0x80
#define NPU_MTL_SKU_BOTH_TILES               0x3630 /* fixed sku ivpu reports for MTL */
#define NPU_PLL_REF_CLK_HZ                   50000000u /* DPU clock = ratio × 50 MHz × 2/3 */

#endif /* INTEL_NPU_REGS_BTRS_H */
