/* SPDX-License-Identifier: MIT */
/*
 * NPU IP registers in BAR0 ("RegV"), 37xx generation: host subsystem,
 * interrupt block, IPC FIFOs, always-on power control, host interface,
 * CPU subsystem and doorbells. Offsets and fields: hw-facts §2.2, §2.4, §2.5
 * (ivpu_hw_37xx_reg.h). The SMMU block at 0x200000 is in regs_mmu.h.
 */
#ifndef INTEL_NPU_REGS_IP_H
#define INTEL_NPU_REGS_IP_H

#include "bits.h"

/* ---- Host subsystem (§2.2) ------------------------------------------------ */
#define NPU_HOST_SS_CPR_CLK_SET              0x00000084u
#define NPU_HOST_SS_CPR_RST_SET              0x00000094u
#define NPU_HOST_SS_CPR_RST_CLR              0x00000098u
#define   NPU_HOST_SS_CPR_AON                  NPU_BIT(0)  /* RST_CLR only: 0 = IP BAR reachable */
#define   NPU_HOST_SS_CPR_TOP_NOC              NPU_BIT(1)
#define   NPU_HOST_SS_CPR_DSS_MAS              NPU_BIT(10)
#define   NPU_HOST_SS_CPR_MSS_MAS              NPU_BIT(11)
#define   NPU_HOST_SS_CPR_ALL                  (NPU_HOST_SS_CPR_TOP_NOC | NPU_HOST_SS_CPR_DSS_MAS | \
						NPU_HOST_SS_CPR_MSS_MAS) /* 0xC02 */
#define NPU_HOST_SS_HW_VERSION               0x00000108u
#define   NPU_HOST_SS_HW_VERSION_SOC_REVISION  NPU_GENMASK(7, 0)
#define   NPU_HOST_SS_HW_VERSION_SOC_NUMBER    NPU_GENMASK(15, 8)
#define   NPU_HOST_SS_HW_VERSION_VPU_GENERATION NPU_GENMASK(23, 16)
#define NPU_HOST_SS_GEN_CTRL                 0x00000118u
#define   NPU_HOST_SS_GEN_CTRL_PS              NPU_GENMASK(31, 29)
#define NPU_HOST_SS_NOC_QREQN                0x00000154u
#define NPU_HOST_SS_NOC_QACCEPTN             0x00000158u
#define NPU_HOST_SS_NOC_QDENY                0x0000015Cu
#define   NPU_HOST_SS_NOC_TOP_SOCMMIO          NPU_BIT(0)
#define NPU_TOP_NOC_QREQN                    0x00000160u
#define NPU_TOP_NOC_QACCEPTN                 0x00000164u
#define NPU_TOP_NOC_QDENY                    0x00000168u
#define   NPU_TOP_NOC_CPU_CTRL                 NPU_BIT(0)
#define   NPU_TOP_NOC_HOSTIF_L2CACHE           NPU_BIT(1)
#define   NPU_TOP_NOC_ALL                      (NPU_TOP_NOC_CPU_CTRL | NPU_TOP_NOC_HOSTIF_L2CACHE)
#define NPU_HOST_SS_FW_SOC_IRQ_EN            0x00000170u
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_CSS_ROM_CMX  NPU_BIT(0)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_CSS_DBG      NPU_BIT(1)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_CSS_CTRL     NPU_BIT(2)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_DEC400       NPU_BIT(3)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_MSS_NCE      NPU_BIT(4)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_MSS_MBI      NPU_BIT(5)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_MSS_MBI_CMX  NPU_BIT(6)
#define   NPU_HOST_SS_FW_SOC_IRQ_EN_ALL        NPU_GENMASK(6, 0) /* 0x7F, ivpu's enable value */

/* ---- Interrupt block, ICB (§2.2) ------------------------------------------- */
#define NPU_HOST_SS_ICB_STATUS_0             0x00010210u
#define NPU_HOST_SS_ICB_STATUS_1             0x00010214u
#define NPU_HOST_SS_ICB_CLEAR_0              0x00010220u
#define NPU_HOST_SS_ICB_CLEAR_1              0x00010224u
#define NPU_HOST_SS_ICB_ENABLE_0             0x00010240u
#define NPU_HOST_SS_ICB_ENABLE_1             0x00010244u
/* ICB_*_0 bits */
#define   NPU_ICB_0_TIMER(n)                   NPU_BIT(n) /* n = 0..3 */
#define   NPU_ICB_0_HOST_IPC_FIFO              NPU_BIT(4)
#define   NPU_ICB_0_MMU_IRQ_0_EVTQ             NPU_BIT(5)
#define   NPU_ICB_0_MMU_IRQ_1_SYNC             NPU_BIT(6)
#define   NPU_ICB_0_MMU_IRQ_2_GERROR           NPU_BIT(7)
#define   NPU_ICB_0_NOC_FIREWALL               NPU_BIT(8)
#define   NPU_ICB_0_CPU_INT_REDIRECT_0         NPU_BIT(30) /* watchdog MSS */
#define   NPU_ICB_0_CPU_INT_REDIRECT_1         NPU_BIT(31) /* watchdog NCE */
/* ICB_*_1 bits */
#define   NPU_ICB_1_CPU_INT_REDIRECT(n)        NPU_BIT((n) - 2) /* n = 2..4 */
/* The set ivpu enables and clears as one 64-bit value: 0x7_C00001F0 (§3.4) */
#define   NPU_ICB_0_IVPU_MASK                  (NPU_ICB_0_HOST_IPC_FIFO | NPU_ICB_0_MMU_IRQ_0_EVTQ | \
						NPU_ICB_0_MMU_IRQ_1_SYNC | NPU_ICB_0_MMU_IRQ_2_GERROR | \
						NPU_ICB_0_NOC_FIREWALL | NPU_ICB_0_CPU_INT_REDIRECT_0 | \
						NPU_ICB_0_CPU_INT_REDIRECT_1)
#define   NPU_ICB_1_IVPU_MASK                  NPU_GENMASK(2, 0)
#define   NPU_ICB_0_DEFINED                    (NPU_GENMASK(8, 0) | NPU_ICB_0_CPU_INT_REDIRECT_0 | \
						NPU_ICB_0_CPU_INT_REDIRECT_1)
#define   NPU_ICB_1_DEFINED                    NPU_GENMASK(2, 0)

/* ---- IPC FIFOs (§2.5, §5.1) ---------------------------------------------- */
/* Read: pop one entry of the firmware->host FIFO; 0xFFFFFFFF when empty. */
#define NPU_HOST_SS_TIM_IPC_FIFO_ATM         0x000200F4u
#define NPU_HOST_SS_TIM_IPC_FIFO_STAT        0x000200FCu
#define   NPU_TIM_IPC_FIFO_STAT_READ_PTR       NPU_GENMASK(7, 0)
#define   NPU_TIM_IPC_FIFO_STAT_WRITE_PTR      NPU_GENMASK(15, 8)
#define   NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL     NPU_GENMASK(23, 16)
#define NPU_IPC_FIFO_EMPTY_VALUE             0xFFFFFFFFu /* ivpu's REG_IO_ERROR */

/* ---- Always-on power control (§2.2) ---------------------------------------- */
#define NPU_HOST_SS_AON_PWR_ISO_EN0          0x00030020u
#define NPU_HOST_SS_AON_PWR_ISLAND_EN0       0x00030024u
#define NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0 0x00030028u
#define NPU_HOST_SS_AON_PWR_ISLAND_STATUS0   0x0003002Cu
#define   NPU_AON_PWR_MSS_CPU                  NPU_BIT(3)
#define NPU_HOST_SS_AON_VPU_IDLE_GEN         0x00030200u
#define   NPU_AON_VPU_IDLE_GEN_EN              NPU_BIT(0)
#define NPU_HOST_SS_AON_DPU_ACTIVE           0x00030204u
#define   NPU_AON_DPU_ACTIVE                   NPU_BIT(0)

/* ---- Firmware start (§3.3) ------------------------------------------------- */
#define NPU_HOST_SS_LOADING_ADDRESS_LO       0x00041040u
#define   NPU_LOADING_ADDRESS_DONE             NPU_BIT(0)
#define   NPU_LOADING_ADDRESS_IOSF_RS_ID       NPU_GENMASK(2, 1)
#define   NPU_LOADING_ADDRESS_IMAGE_LOCATION   NPU_GENMASK(31, 3)
/* The host writes entry >> 9, so IMAGE_LOCATION holds the entry's 4 KiB page. */
#define   NPU_LOADING_ADDRESS_SHIFT            9
#define NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR  0x00082020u
#define   NPU_WORKPOINT_MIRROR_FINAL_PLL_FREQ  NPU_GENMASK(15, 0)
#define   NPU_WORKPOINT_MIRROR_CONFIG_ID       NPU_GENMASK(31, 16)

/* ---- Host interface to the SMMU's TCU/TBUs (§2.2) -------------------------- */
#define NPU_HOST_IF_TCU_PTW_OVERRIDES        0x00360000u
#define   NPU_TCU_PTW_CACHE_OVERRIDE_EN        NPU_BIT(0)
#define   NPU_TCU_PTW_AWCACHE_OVERRIDE         NPU_BIT(1)
#define   NPU_TCU_PTW_ARCACHE_OVERRIDE         NPU_BIT(2)
#define   NPU_TCU_PTW_NOSNOOP_OVERRIDE_EN      NPU_BIT(3)
#define   NPU_TCU_PTW_AW_NOSNOOP_OVERRIDE      NPU_BIT(4)
#define   NPU_TCU_PTW_AR_NOSNOOP_OVERRIDE      NPU_BIT(5)
#define   NPU_TCU_PTW_AW_CONTEXT_FLAG          NPU_GENMASK(10, 6)
#define   NPU_TCU_PTW_AR_CONTEXT_FLAG          NPU_GENMASK(15, 11)
#define NPU_HOST_IF_TBU_MMUSSIDV             0x00360004u
#define   NPU_TBU_AWMMUSSIDV(n)                NPU_BIT(2 * (n))      /* n = 0..4 */
#define   NPU_TBU_ARMMUSSIDV(n)                NPU_BIT(2 * (n) + 1)
#define   NPU_TBU_MMUSSIDV_DEFINED             NPU_GENMASK(9, 0)

/* ---- CPU subsystem (§2.4) ---------------------------------------------------- */
#define NPU_CPU_SS_DSU_LEON_RT_BASE          0x04000000u
#define NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL      0x04000000u
#define NPU_CPU_SS_DSU_LEON_RT_PC_REG        0x04400010u
#define NPU_CPU_SS_DSU_LEON_RT_NPC_REG       0x04400014u
#define NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG  0x04400020u
/*
 * Field layout of the three DSU registers is not public; this encoding is the
 * model's own (docs/deviations.md) and lets a host diagnose a dead core.
 */
#define   NPU_DSU_CTRL_STATE                   NPU_GENMASK(2, 0)
#define     NPU_DSU_STATE_RESET                  0 /* held in reset */
#define     NPU_DSU_STATE_RUNNING                1
#define     NPU_DSU_STATE_WFI                    2 /* waiting for an interrupt */
#define     NPU_DSU_STATE_HALTED                 3 /* stopped by the firmware (clean halt) */
#define     NPU_DSU_STATE_ERROR                  4 /* error mode: unhandled trap, or a firmware
						      halt with a non-zero code */
#define   NPU_DSU_CTRL_WDOG_EXPIRED            NPU_BIT(8)
#define   NPU_DSU_TRAP_CAUSE                   NPU_GENMASK(7, 0)  /* last mcause (low bits) */
#define   NPU_DSU_TRAP_INTERRUPT               NPU_BIT(8)         /* last trap was an interrupt */
#define   NPU_DSU_TRAP_VALID                   NPU_BIT(9)         /* a trap has been taken */
#define   NPU_DSU_TRAP_HALT_CODE               NPU_GENMASK(23, 16) /* firmware halt code */
#define   NPU_DSU_TRAP_ERROR_MODE              NPU_BIT(31)
#define NPU_CPU_SS_MSSCPU_CPR_CLK_SET        0x06010004u
#define NPU_CPU_SS_MSSCPU_CPR_RST_CLR        0x06010018u
#define   NPU_MSSCPU_CPR_CPU_DSU               NPU_BIT(1)
#define NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC    0x06010040u
#define   NPU_LEON_RT_VEC_IRQI_RSTRUN0         NPU_BIT(0)
#define   NPU_LEON_RT_VEC_IRQI_RESUME0         NPU_BIT(1)
#define   NPU_LEON_RT_VEC_IRQI_RSTRUN1         NPU_BIT(2)
#define   NPU_LEON_RT_VEC_IRQI_RESUME1         NPU_BIT(3)
#define   NPU_LEON_RT_VEC_IRQI_RSTVEC          NPU_GENMASK(31, 4)
#define NPU_CPU_SS_TIM_WATCHDOG              0x0602009Cu
#define NPU_CPU_SS_TIM_WDOG_EN               0x060200A4u
#define NPU_CPU_SS_TIM_SAFE                  0x060200A8u
#define   NPU_TIM_SAFE_ENABLE_KEY              0xF1D0DEADu /* unlock before each WDT write */
#define   NPU_TIM_WATCHDOG_RESET_VALUE         0xFFFFFFFFu
/* Write: push one entry (NPU VA of an IPC header) into the host->firmware FIFO. */
#define NPU_CPU_SS_TIM_IPC_FIFO              0x060200F0u
#define NPU_CPU_SS_TIM_GEN_CONFIG            0x06021008u
#define   NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR   NPU_BIT(9)
#define NPU_CPU_SS_TIM_PERF_FREE_CNT         0x06029000u /* 64-bit */
#define NPU_PERF_CLK_HZ                      38400000u   /* §9.1, boot params perf_clk_frequency */

/* ---- Doorbells (§2.4, §5.5) ------------------------------------------------ */
#define NPU_CPU_SS_DOORBELL_0                0x06300000u
#define NPU_CPU_SS_DOORBELL_STRIDE           0x1000u
#define NPU_CPU_SS_DOORBELL(n)               (NPU_CPU_SS_DOORBELL_0 + (n) * NPU_CPU_SS_DOORBELL_STRIDE)
#define NPU_DOORBELL_COUNT                   256
#define   NPU_DOORBELL_SET                     NPU_BIT(0)

/* Register poll timeouts of the silicon driver, in µs (§3.5). */
#define NPU_TIMEOUT_PLL_US                   1500000u
#define NPU_TIMEOUT_BTRS_US                  150000u   /* D0i3, IP reset */
#define NPU_TIMEOUT_PWR_ISLAND_US            5000u
#define NPU_TIMEOUT_IP_BAR_US                100u
#define NPU_TIMEOUT_IDLE_US                  5000u
#define NPU_TIMEOUT_MMU_REG_US               10000u
#define NPU_TIMEOUT_MMU_QUEUE_US             100000u
#define NPU_TIMEOUT_BOOT_MS                  1000u
#define NPU_TIMEOUT_JSM_MS                   500u
#define NPU_TIMEOUT_D0I3_MSG_MS              5u
#define NPU_POLL_INTERVAL_US                 50u
#define NPU_TIMEOUT_TDR_MS                   2000u     /* job TDR on silicon, hw-facts §14.12 */

#endif /* INTEL_NPU_REGS_IP_H */
