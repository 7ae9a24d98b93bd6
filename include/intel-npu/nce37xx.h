/* SPDX-License-Identifier: MIT */
/*
 * The DPU register images of 37xx (hw-facts §16.6): the per-layer
 * VpuDPUInvariantRegisters (260 bytes) and the per-workload
 * VpuDPUVariantRegisters (44 bytes) as Intel's MIT header vpu_nce_hw_37xx.h
 * lays them out, and the firmware's wrappers VpuDPUInvariant (304 B) and
 * VpuDPUVariant (64 B) of vpu_nnrt_api_37xx.h (§16.3). Field names follow
 * those headers; every bit field is a mask constant (bits.h NPU_FLD_GET),
 * not a C bit field, so the layout does not depend on the compiler. What
 * the model computes from them is docs/compute.md ("DPU").
 *
 * All words are little-endian 32-bit; the structs hold them as uint32_t and
 * readers on a big-endian host go through npu_le32_get.
 *
 * Freestanding C11: the firmware, the model, the driver and the tools use it.
 */
#ifndef INTEL_NPU_NCE37XX_H
#define INTEL_NPU_NCE37XX_H

#include <stdint.h>
#include "bits.h"

/* ---- VpuDPUInvariantRegisters (hw-facts §16.6) ------------------------------- */
struct __attribute__((packed, aligned(4))) npu_dpu_invariant_regs {
	/* IDU */
	struct { uint32_t se_addr, sparsity_addr; } se_sp_addr[4];
	uint32_t se_sp_size[3];
	uint32_t z_config;
	uint32_t kernel_pad_cfg;
	uint32_t weight_size_placeholder;  /* the variant's weight_size is used */
	uint32_t weight_num_placeholder;   /* the variant's weight_num is used */
	uint32_t weight_start;
	uint32_t tensor_size0;
	uint32_t tensor_size1;
	uint32_t tensor_start;
	uint32_t tensor_mode;
	uint32_t elop_sparsity_addr;
	uint32_t elop_se_addr;
	uint32_t elops_wload;
	uint32_t act_offset[4];
	uint32_t base_offset_a;
	uint32_t base_offset_b;
	uint32_t wt_offset;
	/* ODU */
	uint32_t odu_cfg;
	uint32_t odu_be_size;
	uint32_t odu_be_cnt;
	uint32_t se_size;
	uint32_t te_dim0;
	uint32_t te_dim1;
	uint32_t pt_base;
	uint32_t sp_base;
	uint32_t base_ptr_a;
	uint32_t base_ptr_b;
	uint32_t base_adr[4];
	uint32_t odu_cast[3];
	/* MPE */
	uint32_t mpe_cfg;
	uint32_t mpe_bus_data_sel;
	uint32_t elop_scale;
	/* PPE */
	uint32_t ppe_cfg;
	uint32_t ppe_bias;
	uint32_t ppe_scale;
	uint32_t ppe_scale_ctrl;
	uint32_t ppe_prelu;
	uint32_t vpu2p0_rsvd_1;
	uint32_t vpu2p0_rsvd_2;
	uint32_t ppe_scale_hclamp;
	uint32_t ppe_scale_lclamp;
	uint32_t vpu2p0_rsvd_3;
	uint32_t ppe_misc;
	uint32_t ppe_fp_bias;
	uint32_t ppe_fp_scale;
	uint32_t ppe_fp_prelu;
	uint32_t ppe_fp_cfg;
};
NPU_ABI_CHECK_SIZE(struct npu_dpu_invariant_regs, 260);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, se_sp_size, 32);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, z_config, 44);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, kernel_pad_cfg, 48);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, weight_start, 60);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, tensor_size0, 64);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, tensor_start, 72);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, tensor_mode, 76);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, elops_wload, 88);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, act_offset, 92);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, wt_offset, 116);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, odu_cfg, 120);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, te_dim0, 136);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, base_ptr_a, 152);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, base_adr, 160);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, odu_cast, 176);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, mpe_cfg, 188);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, elop_scale, 196);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, ppe_cfg, 200);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, ppe_scale, 208);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, ppe_prelu, 216);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, ppe_scale_hclamp, 228);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, ppe_misc, 240);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant_regs, ppe_fp_cfg, 256);

/* se_sp_size[] */
#define NPU_DPU_SE_SP_SIZE_SP_SEG          NPU_GENMASK(13, 0)
#define NPU_DPU_SE_SP_SIZE_SE_SEG          NPU_GENMASK(31, 14)
/* z_config */
#define NPU_DPU_Z_CONFIG_SE_Z_SPLIT        NPU_GENMASK(3, 0)
#define NPU_DPU_Z_CONFIG_NUM_SES_IN_Z      NPU_GENMASK(12, 4)
#define NPU_DPU_Z_CONFIG_CM_SP_PATTERN     NPU_GENMASK(28, 13)
#define NPU_DPU_Z_CONFIG_ADDR_FORMAT_SEL   NPU_BIT(31)
/* kernel_pad_cfg */
#define NPU_DPU_KPAD_MPE_ASSIGN            NPU_BIT(0)
#define NPU_DPU_KPAD_PAD_RIGHT_EN          NPU_BIT(1)
#define NPU_DPU_KPAD_PAD_LEFT_EN           NPU_BIT(2)
#define NPU_DPU_KPAD_PAD_BOTTOM_EN         NPU_BIT(3)
#define NPU_DPU_KPAD_PAD_TOP_EN            NPU_BIT(4)
#define NPU_DPU_KPAD_KERNEL_Y              NPU_GENMASK(8, 5)
#define NPU_DPU_KPAD_KERNEL_X              NPU_GENMASK(12, 9)
#define NPU_DPU_KPAD_WT_PLT_CFG            NPU_GENMASK(14, 13)
#define NPU_DPU_KPAD_ACT_DENSE             NPU_BIT(15)
#define NPU_DPU_KPAD_WT_DENSE              NPU_BIT(16)
#define NPU_DPU_KPAD_STRIDE_Y_EN           NPU_BIT(17)
#define NPU_DPU_KPAD_STRIDE_Y              NPU_GENMASK(20, 18)
#define NPU_DPU_KPAD_DYNAMIC_BW_EN         NPU_BIT(21)
#define NPU_DPU_KPAD_DW_WT_SP_INS          NPU_BIT(22)
#define NPU_DPU_KPAD_LAYER1_WT_SP_INS      NPU_BIT(23)
#define NPU_DPU_KPAD_LAYER1_CMP_EN         NPU_BIT(24)
#define NPU_DPU_KPAD_POOL_OPT_EN           NPU_BIT(25)
#define NPU_DPU_KPAD_SP_SE_TBL_SEGMENT     NPU_BIT(29)
#define NPU_DPU_KPAD_RST_CTXT              NPU_BIT(30)
/* tensor_size0 / tensor_size1 */
#define NPU_DPU_TENSOR_SIZE_X              NPU_GENMASK(13, 0)
#define NPU_DPU_TENSOR_SIZE_Y              NPU_GENMASK(27, 14)
#define NPU_DPU_TENSOR_SIZE_Z              NPU_GENMASK(13, 0)
/* tensor_mode */
#define NPU_DPU_TMODE_WMODE                NPU_GENMASK(3, 0)
#define NPU_DPU_TMODE_AMODE                NPU_GENMASK(7, 4)
#define NPU_DPU_TMODE_STRIDE               NPU_GENMASK(10, 8)
#define NPU_DPU_TMODE_ZM_INPUT             NPU_BIT(11)
#define NPU_DPU_TMODE_DW_INPUT             NPU_BIT(12)
#define NPU_DPU_TMODE_CM_INPUT             NPU_BIT(13)
#define NPU_DPU_TMODE_WORKLOAD_OP          NPU_GENMASK(15, 14)
#define NPU_DPU_TMODE_PAD_VALUE            NPU_GENMASK(31, 16)
/* workload_operation (hw-facts §16.7) */
#define   NPU_DPU_WL_CONV                  0u
#define   NPU_DPU_WL_MAXPOOL               2u
/* elops_wload */
#define NPU_DPU_ELOPS_ELOP_WLOAD           NPU_BIT(0)
#define NPU_DPU_ELOPS_SEED_WLOAD           NPU_BIT(1)
#define NPU_DPU_ELOPS_FIFO_WR_WLOAD        NPU_BIT(2)
#define NPU_DPU_ELOPS_ELOP_WLOAD_TYPE      NPU_BIT(3)
#define NPU_DPU_ELOPS_POOL_WT_DATA         NPU_GENMASK(19, 4)
#define NPU_DPU_ELOPS_POOL_WT_RD_DIS       NPU_BIT(26)
/* odu_cfg */
#define NPU_DPU_ODU_DTYPE                  NPU_GENMASK(3, 0)
#define NPU_DPU_ODU_SP_VALUE               NPU_GENMASK(12, 5)
#define NPU_DPU_ODU_SP_OUT_EN              NPU_BIT(13)
#define NPU_DPU_ODU_WRITE_SP               NPU_BIT(15)
#define NPU_DPU_ODU_WRITE_PT               NPU_BIT(16)
#define NPU_DPU_ODU_WRITE_AC               NPU_BIT(17)
#define NPU_DPU_ODU_MODE                   NPU_GENMASK(19, 18)
#define NPU_DPU_ODU_GRID                   NPU_BIT(20)
#define NPU_DPU_ODU_SWIZZLE_KEY            NPU_GENMASK(23, 21)
#define NPU_DPU_ODU_NTHW                   NPU_GENMASK(26, 25)
#define NPU_DPU_ODU_PERMUTATION            NPU_GENMASK(29, 27)
#define NPU_DPU_ODU_DEBUG_MODE             NPU_BIT(30)
/* permutation (hw-facts §16.7): the order of the output, innermost first */
#define   NPU_DPU_PERM_ZXY                 0u
#define   NPU_DPU_PERM_ZYX                 1u
#define   NPU_DPU_PERM_YZX                 2u
#define   NPU_DPU_PERM_YXZ                 3u
#define   NPU_DPU_PERM_XZY                 4u
#define   NPU_DPU_PERM_XYZ                 5u
/* te_dim0 / te_dim1, te_beg*, te_end* (values + 1 in te_dim, §16.7) */
#define NPU_DPU_TE_Y                       NPU_GENMASK(12, 0)
#define NPU_DPU_TE_Z                       NPU_GENMASK(25, 13)
#define NPU_DPU_TE_X                       NPU_GENMASK(12, 0)
/* odu_cast[] */
#define NPU_DPU_ODU_CAST_ENABLE            NPU_BIT(0)
#define NPU_DPU_ODU_CAST_OFFSET            NPU_GENMASK(31, 4)
/* mpe_cfg */
#define NPU_DPU_MPE_WTBIAS                 NPU_GENMASK(7, 0)
#define NPU_DPU_MPE_ACTBIAS                NPU_GENMASK(15, 8)
#define NPU_DPU_MPE_MODE                   NPU_GENMASK(18, 16)
#define NPU_DPU_MPE_DAZ                    NPU_BIT(22)
#define NPU_DPU_MPE_FTZ                    NPU_BIT(23)
/* elop_scale */
#define NPU_DPU_ELOP_SCALE_B               NPU_GENMASK(15, 0)
#define NPU_DPU_ELOP_SCALE_A               NPU_GENMASK(31, 16)
/* ppe_cfg */
#define NPU_DPU_PPE_G8_BIAS_C              NPU_GENMASK(8, 0)
#define NPU_DPU_PPE_G8_BIAS_B              NPU_GENMASK(17, 9)
#define NPU_DPU_PPE_G8_BIAS_A              NPU_GENMASK(26, 18)
/* ppe_scale */
#define NPU_DPU_PPE_SCALE_SHIFT            NPU_GENMASK(7, 2)
#define NPU_DPU_PPE_SCALE_ROUND            NPU_GENMASK(11, 10)
#define NPU_DPU_PPE_SCALE_MULT             NPU_GENMASK(31, 16)
/* ppe_scale_round (hw-facts §16.7) */
#define   NPU_DPU_ROUND_RNE                0u  /* to nearest, ties to even */
#define   NPU_DPU_ROUND_AWAY               1u  /* to nearest, ties away from zero */
#define   NPU_DPU_ROUND_NONE               2u  /* truncate (arithmetic shift) */
/* ppe_scale_ctrl */
#define NPU_DPU_PPE_SCALE_OVERRIDE         NPU_BIT(0)
#define NPU_DPU_PPE_FP_SCALE_OVERRIDE      NPU_BIT(1)
/* ppe_prelu */
#define NPU_DPU_PPE_PRELU_SHIFT            NPU_GENMASK(12, 8)
#define NPU_DPU_PPE_PRELU_MULT             NPU_GENMASK(26, 16)
/* ppe_misc */
#define NPU_DPU_PPE_FP16_FTZ               NPU_BIT(6)
#define NPU_DPU_PPE_FP16_CLAMP             NPU_BIT(7)
#define NPU_DPU_PPE_I32_CONVERT            NPU_GENMASK(9, 8)
/* ppe_fp_cfg */
#define NPU_DPU_PPE_FP_CONVERT             NPU_GENMASK(2, 0)
#define NPU_DPU_PPE_FP_BYPASS              NPU_BIT(3)
#define NPU_DPU_PPE_BF16_ROUND             NPU_BIT(4)
#define NPU_DPU_PPE_FP_PRELU_EN            NPU_BIT(5)

/* Input types (tensor_mode wmode/amode) and output types (odu_cfg dtype),
 * hw-facts §16.6. */
#define NPU_DPU_ITYPE_FP16  0x0u
#define NPU_DPU_ITYPE_U8    0x1u
#define NPU_DPU_ITYPE_I8    0x2u
#define NPU_DPU_ITYPE_I4    0x3u
#define NPU_DPU_ITYPE_I2    0x4u
#define NPU_DPU_ITYPE_BF16  0x5u
#define NPU_DPU_ITYPE_U4    0x6u
#define NPU_DPU_ITYPE_BIN   0x7u
#define NPU_DPU_ITYPE_FP8   0x8u
#define NPU_DPU_OTYPE_FP16  0x0u
#define NPU_DPU_OTYPE_U8F   0x1u
#define NPU_DPU_OTYPE_G8    0x2u
#define NPU_DPU_OTYPE_I8    0x3u
#define NPU_DPU_OTYPE_I32   0x4u  /* also FP32 */
#define NPU_DPU_OTYPE_I4    0x5u
#define NPU_DPU_OTYPE_I2    0x6u
#define NPU_DPU_OTYPE_LOG   0x7u
#define NPU_DPU_OTYPE_BIN   0x8u

/* ---- VpuDPUVariantRegisters (hw-facts §16.6) --------------------------------- */
struct __attribute__((packed, aligned(4))) npu_dpu_variant_regs {
	uint32_t workload_size0;
	uint32_t workload_size1;
	uint32_t workload_start0;
	uint32_t workload_start1;
	uint32_t offset_addr;
	uint32_t te_end0;
	uint32_t te_end1;
	uint32_t te_beg0;
	uint32_t te_beg1;
	uint32_t weight_size;
	uint32_t weight_num;
};
NPU_ABI_CHECK_SIZE(struct npu_dpu_variant_regs, 44);
NPU_ABI_CHECK_OFF(struct npu_dpu_variant_regs, offset_addr, 16);
NPU_ABI_CHECK_OFF(struct npu_dpu_variant_regs, te_beg0, 28);
NPU_ABI_CHECK_OFF(struct npu_dpu_variant_regs, weight_num, 40);

/* workload_size0 / workload_start0 (x, y), workload_size1 / workload_start1 (z) */
#define NPU_DPU_WL_X                       NPU_GENMASK(13, 0)
#define NPU_DPU_WL_Y                       NPU_GENMASK(27, 14)
#define NPU_DPU_WL_Z                       NPU_GENMASK(13, 0)
#define NPU_DPU_WL_PAD_UP                  NPU_GENMASK(16, 14)
#define NPU_DPU_WL_PAD_LEFT                NPU_GENMASK(19, 17)
#define NPU_DPU_WL_PAD_DOWN                NPU_GENMASK(22, 20)
#define NPU_DPU_WL_PAD_RIGHT               NPU_GENMASK(25, 23)
/* offset_addr */
#define NPU_DPU_OFF_NTHW_NTK               NPU_GENMASK(1, 0)
#define NPU_DPU_OFF_BIN_CFG                NPU_BIT(2)
#define NPU_DPU_OFF_CONV_COND              NPU_BIT(3)
#define NPU_DPU_OFF_DENSE_SE               NPU_BIT(4)
#define NPU_DPU_OFF_SWIZZLE_KEY            NPU_GENMASK(8, 6)
#define NPU_DPU_OFF_WT_SWIZZLE_KEY         NPU_GENMASK(29, 27)
#define NPU_DPU_OFF_WT_SWIZZLE_SEL         NPU_BIT(30)

/* ---- Firmware wrappers (vpu_nnrt_api_37xx.h, hw-facts §16.3) ----------------- */
struct __attribute__((packed, aligned(8))) npu_task_barrier_dependency {
	uint64_t wait_mask;
	uint64_t post_mask;
	uint8_t  group;
	uint8_t  mask;
	uint8_t  pad[6];
};
NPU_ABI_CHECK_SIZE(struct npu_task_barrier_dependency, 24);

struct __attribute__((packed, aligned(8))) npu_dpu_invariant {
	struct npu_dpu_invariant_regs registers;
	int32_t  hwp_cmx_base_offset;
	struct npu_task_barrier_dependency barriers;
	uint32_t start_after, clean_after;  /* VpuTaskSchedulingBarrierConfig */
	uint16_t variant_count;
	uint8_t  cluster;
	uint8_t  is_cont_conv;
	uint8_t  dpu_prof_mode;
	uint8_t  pad[3];
};
NPU_ABI_CHECK_SIZE(struct npu_dpu_invariant, 304);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant, hwp_cmx_base_offset, 260);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant, barriers, 264);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant, start_after, 288);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant, variant_count, 296);
NPU_ABI_CHECK_OFF(struct npu_dpu_invariant, cluster, 298);

struct __attribute__((packed, aligned(4))) npu_dpu_variant {
	struct npu_dpu_variant_regs registers;
	uint32_t invariant;                 /* VpuPtr<VpuDPUInvariant> */
	uint32_t invariant_index;
	uint32_t weight_table_offset;
	int32_t  wload_id;
	uint8_t  cluster;
	uint8_t  pad[3];
};
NPU_ABI_CHECK_SIZE(struct npu_dpu_variant, 64);
NPU_ABI_CHECK_OFF(struct npu_dpu_variant, invariant, 44);
NPU_ABI_CHECK_OFF(struct npu_dpu_variant, weight_table_offset, 52);
NPU_ABI_CHECK_OFF(struct npu_dpu_variant, cluster, 60);

/* The per-output-channel weights table (hw-facts §16.7): 4 x int32 per
 * output channel. */
#define NPU_DPU_WT_ENTRY_SIZE        16u
#define NPU_DPU_WT_WEIGHT_PTR        0u   /* word index: weight set offset */
#define NPU_DPU_WT_SPARSITY_PTR      1u
#define NPU_DPU_WT_MULT_SHIFT        2u
#define NPU_DPU_WT_BIAS              3u
/* MULT_SHIFT word, the 30xx packing (§16.7) */
#define NPU_DPU_WT_PRELU             NPU_GENMASK(7, 0)
#define NPU_DPU_WT_SHIFT             NPU_GENMASK(13, 8)
#define NPU_DPU_WT_ROUND             NPU_GENMASK(15, 14)
#define NPU_DPU_WT_MULT              NPU_GENMASK(31, 16)

#endif /* INTEL_NPU_NCE37XX_H */
