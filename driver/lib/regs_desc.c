/* SPDX-License-Identifier: MIT */
/*
 * Names and fields of every register the driver knows (hw-facts §2.1-§2.4,
 * §6), built from the include/intel-npu headers. Used for trace lines,
 * timeout diagnoses ("WP_REQ_CMD=0x00000001 [SEND=1]") and the register dump.
 */
#include <stdio.h>
#include <string.h>

#include "drv.h"

#define F(m, n) { (m), (n) }
#define END     { 0, NULL }

/* ---- Buttress, BAR4 (§2.1) ---- */
static const struct npu_field_desc f_btrs_irq[] = {
	F(NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE, "FREQ_CHANGE"),
	F(NPU_BTRS_INTERRUPT_STAT_ATS_ERR, "ATS_ERR"),
	F(NPU_BTRS_INTERRUPT_STAT_UFI_ERR, "UFI_ERR"), END };
static const struct npu_field_desc f_wp0[] = {
	F(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO, "MIN_RATIO"),
	F(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO, "MAX_RATIO"), END };
static const struct npu_field_desc f_wp1[] = {
	F(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO, "TARGET_RATIO"),
	F(NPU_BTRS_WP_REQ_PAYLOAD1_EPP, "EPP"), END };
static const struct npu_field_desc f_wp2[] = {
	F(NPU_BTRS_WP_REQ_PAYLOAD2_CONFIG, "CONFIG"), END };
static const struct npu_field_desc f_wp_cmd[] = {
	F(NPU_BTRS_WP_REQ_CMD_SEND, "SEND"), END };
static const struct npu_field_desc f_wp_download[] = {
	F(NPU_BTRS_WP_DOWNLOAD_TARGET_RATIO, "TARGET_RATIO"), END };
static const struct npu_field_desc f_current_pll[] = {
	F(NPU_BTRS_CURRENT_PLL_RATIO, "RATIO"), END };
static const struct npu_field_desc f_fmin[] = {
	F(NPU_BTRS_FMIN_FUSE_MIN_RATIO, "MIN_RATIO"),
	F(NPU_BTRS_FMIN_FUSE_PN_RATIO, "PN_RATIO"), END };
static const struct npu_field_desc f_fmax[] = {
	F(NPU_BTRS_FMAX_FUSE_MAX_RATIO, "MAX_RATIO"), END };
static const struct npu_field_desc f_tile[] = {
	F(NPU_BTRS_TILE_FUSE_VALID, "VALID"),
	F(NPU_BTRS_TILE_FUSE_SKU, "SKU"), END };
static const struct npu_field_desc f_global_mask[] = {
	F(NPU_BTRS_GLOBAL_INT_MASK_MASKED, "MASKED"), END };
static const struct npu_field_desc f_pll_status[] = {
	F(NPU_BTRS_PLL_STATUS_LOCK, "LOCK"), END };
static const struct npu_field_desc f_vpu_status[] = {
	F(NPU_BTRS_VPU_STATUS_READY, "READY"),
	F(NPU_BTRS_VPU_STATUS_IDLE, "IDLE"), END };
static const struct npu_field_desc f_ip_reset[] = {
	F(NPU_BTRS_VPU_IP_RESET_TRIGGER, "TRIGGER"), END };
static const struct npu_field_desc f_d0i3[] = {
	F(NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, "INPROGRESS"),
	F(NPU_BTRS_VPU_D0I3_CONTROL_I3, "I3"), END };
static const struct npu_field_desc f_ufi_log[] = {
	F(NPU_BTRS_UFI_ERR_LOG_CQ_ID, "CQ_ID"),
	F(NPU_BTRS_UFI_ERR_LOG_AXI_ID, "AXI_ID"),
	F(NPU_BTRS_UFI_ERR_LOG_OPCODE, "OPCODE"), END };

/* ---- Host subsystem, BAR0 (§2.2) ---- */
static const struct npu_field_desc f_cpr[] = {
	F(NPU_HOST_SS_CPR_TOP_NOC, "TOP_NOC"),
	F(NPU_HOST_SS_CPR_DSS_MAS, "DSS_MAS"),
	F(NPU_HOST_SS_CPR_MSS_MAS, "MSS_MAS"), END };
static const struct npu_field_desc f_cpr_rst_clr[] = {
	F(NPU_HOST_SS_CPR_AON, "AON"),
	F(NPU_HOST_SS_CPR_TOP_NOC, "TOP_NOC"),
	F(NPU_HOST_SS_CPR_DSS_MAS, "DSS_MAS"),
	F(NPU_HOST_SS_CPR_MSS_MAS, "MSS_MAS"), END };
static const struct npu_field_desc f_hw_version[] = {
	F(NPU_HOST_SS_HW_VERSION_SOC_REVISION, "SOC_REVISION"),
	F(NPU_HOST_SS_HW_VERSION_SOC_NUMBER, "SOC_NUMBER"),
	F(NPU_HOST_SS_HW_VERSION_VPU_GENERATION, "VPU_GENERATION"), END };
static const struct npu_field_desc f_gen_ctrl[] = {
	F(NPU_HOST_SS_GEN_CTRL_PS, "PS"), END };
static const struct npu_field_desc f_noc[] = {
	F(NPU_HOST_SS_NOC_TOP_SOCMMIO, "TOP_SOCMMIO"), END };
static const struct npu_field_desc f_top_noc[] = {
	F(NPU_TOP_NOC_CPU_CTRL, "CPU_CTRL"),
	F(NPU_TOP_NOC_HOSTIF_L2CACHE, "HOSTIF_L2CACHE"), END };
static const struct npu_field_desc f_fw_soc_irq[] = {
	F(NPU_BIT(0), "CSS_ROM_CMX"), F(NPU_BIT(1), "CSS_DBG"), F(NPU_BIT(2), "CSS_CTRL"),
	F(NPU_BIT(3), "DEC400"), F(NPU_BIT(4), "MSS_NCE"), F(NPU_BIT(5), "MSS_MBI"),
	F(NPU_BIT(6), "MSS_MBI_CMX"), END };
static const struct npu_field_desc f_icb0[] = {
	F(NPU_ICB_0_TIMER(0), "TIMER_0"), F(NPU_ICB_0_TIMER(1), "TIMER_1"),
	F(NPU_ICB_0_TIMER(2), "TIMER_2"), F(NPU_ICB_0_TIMER(3), "TIMER_3"),
	F(NPU_ICB_0_HOST_IPC_FIFO, "HOST_IPC_FIFO_INT"),
	F(NPU_ICB_0_MMU_IRQ_0_EVTQ, "MMU_IRQ_0_EVTQ"),
	F(NPU_ICB_0_MMU_IRQ_1_SYNC, "MMU_IRQ_1_SYNC"),
	F(NPU_ICB_0_MMU_IRQ_2_GERROR, "MMU_IRQ_2_GERROR"),
	F(NPU_ICB_0_NOC_FIREWALL, "NOC_FIREWALL"),
	F(NPU_ICB_0_CPU_INT_REDIRECT_0, "CPU_INT_REDIRECT_0(WDT_MSS)"),
	F(NPU_ICB_0_CPU_INT_REDIRECT_1, "CPU_INT_REDIRECT_1(WDT_NCE)"), END };
static const struct npu_field_desc f_icb1[] = {
	F(NPU_ICB_1_CPU_INT_REDIRECT(2), "CPU_INT_REDIRECT_2"),
	F(NPU_ICB_1_CPU_INT_REDIRECT(3), "CPU_INT_REDIRECT_3"),
	F(NPU_ICB_1_CPU_INT_REDIRECT(4), "CPU_INT_REDIRECT_4"), END };
static const struct npu_field_desc f_fifo_stat[] = {
	F(NPU_TIM_IPC_FIFO_STAT_READ_PTR, "READ_PTR"),
	F(NPU_TIM_IPC_FIFO_STAT_WRITE_PTR, "WRITE_PTR"),
	F(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL, "FILL_LEVEL"), END };
static const struct npu_field_desc f_mss_cpu[] = {
	F(NPU_AON_PWR_MSS_CPU, "MSS_CPU"), END };
static const struct npu_field_desc f_idle_gen[] = {
	F(NPU_AON_VPU_IDLE_GEN_EN, "EN"), END };
static const struct npu_field_desc f_dpu_active[] = {
	F(NPU_AON_DPU_ACTIVE, "DPU_ACTIVE"), END };
static const struct npu_field_desc f_loading[] = {
	F(NPU_LOADING_ADDRESS_DONE, "DONE"),
	F(NPU_LOADING_ADDRESS_IOSF_RS_ID, "IOSF_RS_ID"),
	F(NPU_LOADING_ADDRESS_IMAGE_LOCATION, "IMAGE_LOCATION"), END };
static const struct npu_field_desc f_wp_mirror[] = {
	F(NPU_WORKPOINT_MIRROR_FINAL_PLL_FREQ, "FINAL_PLL_FREQ"),
	F(NPU_WORKPOINT_MIRROR_CONFIG_ID, "CONFIG_ID"), END };
static const struct npu_field_desc f_tcu_ptw[] = {
	F(NPU_TCU_PTW_CACHE_OVERRIDE_EN, "CACHE_OVERRIDE_EN"),
	F(NPU_TCU_PTW_AWCACHE_OVERRIDE, "AWCACHE_OVERRIDE"),
	F(NPU_TCU_PTW_ARCACHE_OVERRIDE, "ARCACHE_OVERRIDE"),
	F(NPU_TCU_PTW_NOSNOOP_OVERRIDE_EN, "NOSNOOP_OVERRIDE_EN"),
	F(NPU_TCU_PTW_AW_NOSNOOP_OVERRIDE, "AW_NOSNOOP_OVERRIDE"),
	F(NPU_TCU_PTW_AR_NOSNOOP_OVERRIDE, "AR_NOSNOOP_OVERRIDE"),
	F(NPU_TCU_PTW_AW_CONTEXT_FLAG, "PTW_AW_CONTEXT_FLAG"),
	F(NPU_TCU_PTW_AR_CONTEXT_FLAG, "PTW_AR_CONTEXT_FLAG"), END };
static const struct npu_field_desc f_tbu_ssidv[] = {
	F(NPU_TBU_AWMMUSSIDV(0), "TBU0_AW"), F(NPU_TBU_ARMMUSSIDV(0), "TBU0_AR"),
	F(NPU_TBU_AWMMUSSIDV(1), "TBU1_AW"), F(NPU_TBU_ARMMUSSIDV(1), "TBU1_AR"),
	F(NPU_TBU_AWMMUSSIDV(2), "TBU2_AW"), F(NPU_TBU_ARMMUSSIDV(2), "TBU2_AR"),
	F(NPU_TBU_AWMMUSSIDV(3), "TBU3_AW"), F(NPU_TBU_ARMMUSSIDV(3), "TBU3_AR"),
	F(NPU_TBU_AWMMUSSIDV(4), "TBU4_AW"), F(NPU_TBU_ARMMUSSIDV(4), "TBU4_AR"), END };

/* ---- MMU (§2.3, §6) ---- */
static const struct npu_field_desc f_cr0[] = {
	F(NPU_MMU_CR0_SMMUEN, "SMMUEN"), F(NPU_MMU_CR0_PRIQEN, "PRIQEN"),
	F(NPU_MMU_CR0_EVTQEN, "EVTQEN"), F(NPU_MMU_CR0_CMDQEN, "CMDQEN"),
	F(NPU_MMU_CR0_ATSCHK, "ATSCHK"), END };
static const struct npu_field_desc f_cr1[] = {
	F(NPU_MMU_CR1_QUEUE_IC, "QUEUE_IC"), F(NPU_MMU_CR1_QUEUE_OC, "QUEUE_OC"),
	F(NPU_MMU_CR1_QUEUE_SH, "QUEUE_SH"), F(NPU_MMU_CR1_TABLE_IC, "TABLE_IC"),
	F(NPU_MMU_CR1_TABLE_OC, "TABLE_OC"), F(NPU_MMU_CR1_TABLE_SH, "TABLE_SH"), END };
static const struct npu_field_desc f_irq_ctrl[] = {
	F(NPU_MMU_IRQ_CTRL_GERROR_EN, "GERROR_EN"), F(NPU_MMU_IRQ_CTRL_PRIQ_EN, "PRIQ_EN"),
	F(NPU_MMU_IRQ_CTRL_EVTQ_EN, "EVTQ_EN"), END };
static const struct npu_field_desc f_gerror[] = {
	F(NPU_MMU_GERROR_CMDQ_ERR, "CMDQ_ERR"), F(NPU_MMU_GERROR_EVTQ_ABT, "EVTQ_ABT"),
	F(NPU_MMU_GERROR_PRIQ_ABT, "PRIQ_ABT"), F(NPU_MMU_GERROR_MSI_CMDQ_ABT, "MSI_CMDQ_ABT"),
	F(NPU_MMU_GERROR_MSI_EVTQ_ABT, "MSI_EVTQ_ABT"),
	F(NPU_MMU_GERROR_MSI_PRIQ_ABT, "MSI_PRIQ_ABT"), F(NPU_MMU_GERROR_MSI_ABT, "MSI_ABT"),
	END };
static const struct npu_field_desc f_strtab_cfg[] = {
	F(NPU_MMU_STRTAB_CFG_LOG2SIZE, "LOG2SIZE"), F(NPU_MMU_STRTAB_CFG_SPLIT, "SPLIT"),
	F(NPU_MMU_STRTAB_CFG_FMT, "FMT"), END };
static const struct npu_field_desc f_q_ptr[] = {
	F(NPU_MMU_Q_PTR, "PTR"), END };
static const struct npu_field_desc f_cmdq_cons[] = {
	F(NPU_MMU_Q_PTR, "PTR"), F(NPU_MMU_CMDQ_CONS_ERR, "ERR"), END };
static const struct npu_field_desc f_evtq_ptr[] = {
	F(NPU_MMU_Q_PTR, "PTR"), F(NPU_MMU_Q_OVFLG, "OVFLG"), END };

/* ---- CPU subsystem (§2.4) ---- */
static const struct npu_field_desc f_dsu_ctrl[] = {
	F(NPU_DSU_CTRL_STATE, "STATE"), F(NPU_DSU_CTRL_WDOG_EXPIRED, "WDOG_EXPIRED"), END };
static const struct npu_field_desc f_dsu_trap[] = {
	F(NPU_DSU_TRAP_CAUSE, "CAUSE"), F(NPU_DSU_TRAP_INTERRUPT, "INTERRUPT"),
	F(NPU_DSU_TRAP_VALID, "VALID"), F(NPU_DSU_TRAP_HALT_CODE, "HALT_CODE"),
	F(NPU_DSU_TRAP_ERROR_MODE, "ERROR_MODE"), END };
static const struct npu_field_desc f_cpu_dsu[] = {
	F(NPU_MSSCPU_CPR_CPU_DSU, "CPU_DSU"), END };
static const struct npu_field_desc f_leon_vec[] = {
	F(NPU_LEON_RT_VEC_IRQI_RSTRUN0, "IRQI_RSTRUN0"),
	F(NPU_LEON_RT_VEC_IRQI_RESUME0, "IRQI_RESUME0"),
	F(NPU_LEON_RT_VEC_IRQI_RSTRUN1, "IRQI_RSTRUN1"),
	F(NPU_LEON_RT_VEC_IRQI_RESUME1, "IRQI_RESUME1"),
	F(NPU_LEON_RT_VEC_IRQI_RSTVEC, "IRQI_RSTVEC"), END };
static const struct npu_field_desc f_tim_gen[] = {
	F(NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR, "WDOG_TO_INT_CLR"), END };
static const struct npu_field_desc f_doorbell[] = {
	F(NPU_DOORBELL_SET, "SET"), END };

#define R(bar, off, blk, nm, fl)          { (bar), (off), 4, 0, 1, 0, (blk), (nm), (fl) }
#define R64(bar, off, blk, nm, fl)        { (bar), (off), 8, 0, 1, 0, (blk), (nm), (fl) }
#define RX(bar, off, flags, blk, nm, fl)  { (bar), (off), 4, (flags), 1, 0, (blk), (nm), (fl) }
#define B4 NPU_BAR_REGB
#define B0 NPU_BAR_REGV

/* Sorted by (bar, offset). BAR0 registers are marked NPU_REG_BAR0 in
 * npu_regs_find's caller through the bar number. */
const struct npu_reg_desc npu_reg_table[] = {
	R(B4, NPU_BTRS_INTERRUPT_TYPE, "BTRS", "INTERRUPT_TYPE", NULL),
	R(B4, NPU_BTRS_INTERRUPT_STAT, "BTRS", "INTERRUPT_STAT", f_btrs_irq),
	R(B4, NPU_BTRS_WP_REQ_PAYLOAD0, "BTRS", "WP_REQ_PAYLOAD0", f_wp0),
	R(B4, NPU_BTRS_WP_REQ_PAYLOAD1, "BTRS", "WP_REQ_PAYLOAD1", f_wp1),
	R(B4, NPU_BTRS_WP_REQ_PAYLOAD2, "BTRS", "WP_REQ_PAYLOAD2", f_wp2),
	R(B4, NPU_BTRS_WP_REQ_CMD, "BTRS", "WP_REQ_CMD", f_wp_cmd),
	R(B4, NPU_BTRS_WP_DOWNLOAD, "BTRS", "WP_DOWNLOAD", f_wp_download),
	R(B4, NPU_BTRS_CURRENT_PLL, "BTRS", "CURRENT_PLL", f_current_pll),
	R(B4, NPU_BTRS_PLL_ENABLE, "BTRS", "PLL_ENABLE", NULL),
	R(B4, NPU_BTRS_FMIN_FUSE, "BTRS", "FMIN_FUSE", f_fmin),
	R(B4, NPU_BTRS_FMAX_FUSE, "BTRS", "FMAX_FUSE", f_fmax),
	R(B4, NPU_BTRS_TILE_FUSE, "BTRS", "TILE_FUSE", f_tile),
	R(B4, NPU_BTRS_LOCAL_INT_MASK, "BTRS", "LOCAL_INT_MASK", f_btrs_irq),
	R(B4, NPU_BTRS_GLOBAL_INT_MASK, "BTRS", "GLOBAL_INT_MASK", f_global_mask),
	R(B4, NPU_BTRS_PLL_STATUS, "BTRS", "PLL_STATUS", f_pll_status),
	R(B4, NPU_BTRS_VPU_STATUS, "BTRS", "VPU_STATUS", f_vpu_status),
	R(B4, NPU_BTRS_VPU_IP_RESET, "BTRS", "VPU_IP_RESET", f_ip_reset),
	R(B4, NPU_BTRS_VPU_D0I3_CONTROL, "BTRS", "VPU_D0I3_CONTROL", f_d0i3),
	R(B4, NPU_BTRS_VPU_TELEMETRY_OFFSET, "BTRS", "VPU_TELEMETRY_OFFSET", NULL),
	R(B4, NPU_BTRS_VPU_TELEMETRY_SIZE, "BTRS", "VPU_TELEMETRY_SIZE", NULL),
	R(B4, NPU_BTRS_VPU_TELEMETRY_ENABLE, "BTRS", "VPU_TELEMETRY_ENABLE", NULL),
	R64(B4, NPU_BTRS_ATS_ERR_LOG_0, "BTRS", "ATS_ERR_LOG", NULL),
	RX(B4, NPU_BTRS_ATS_ERR_CLEAR, NPU_REG_NOREAD, "BTRS", "ATS_ERR_CLEAR", NULL),
	R(B4, NPU_BTRS_UFI_ERR_LOG, "BTRS", "UFI_ERR_LOG", f_ufi_log),
	RX(B4, NPU_BTRS_UFI_ERR_CLEAR, NPU_REG_NOREAD, "BTRS", "UFI_ERR_CLEAR", NULL),

	R(B0, NPU_HOST_SS_CPR_CLK_SET, "HOST_SS", "CPR_CLK_SET", f_cpr),
	R(B0, NPU_HOST_SS_CPR_RST_SET, "HOST_SS", "CPR_RST_SET", f_cpr),
	R(B0, NPU_HOST_SS_CPR_RST_CLR, "HOST_SS", "CPR_RST_CLR", f_cpr_rst_clr),
	R(B0, NPU_HOST_SS_HW_VERSION, "HOST_SS", "HW_VERSION", f_hw_version),
	R(B0, NPU_HOST_SS_GEN_CTRL, "HOST_SS", "GEN_CTRL", f_gen_ctrl),
	R(B0, NPU_HOST_SS_NOC_QREQN, "HOST_SS", "NOC_QREQN", f_noc),
	R(B0, NPU_HOST_SS_NOC_QACCEPTN, "HOST_SS", "NOC_QACCEPTN", f_noc),
	R(B0, NPU_HOST_SS_NOC_QDENY, "HOST_SS", "NOC_QDENY", f_noc),
	R(B0, NPU_TOP_NOC_QREQN, "HOST_SS", "TOP_NOC_QREQN", f_top_noc),
	R(B0, NPU_TOP_NOC_QACCEPTN, "HOST_SS", "TOP_NOC_QACCEPTN", f_top_noc),
	R(B0, NPU_TOP_NOC_QDENY, "HOST_SS", "TOP_NOC_QDENY", f_top_noc),
	R(B0, NPU_HOST_SS_FW_SOC_IRQ_EN, "HOST_SS", "FW_SOC_IRQ_EN", f_fw_soc_irq),
	R(B0, NPU_HOST_SS_ICB_STATUS_0, "ICB", "ICB_STATUS_0", f_icb0),
	R(B0, NPU_HOST_SS_ICB_STATUS_1, "ICB", "ICB_STATUS_1", f_icb1),
	RX(B0, NPU_HOST_SS_ICB_CLEAR_0, NPU_REG_NOREAD, "ICB", "ICB_CLEAR_0", f_icb0),
	RX(B0, NPU_HOST_SS_ICB_CLEAR_1, NPU_REG_NOREAD, "ICB", "ICB_CLEAR_1", f_icb1),
	R(B0, NPU_HOST_SS_ICB_ENABLE_0, "ICB", "ICB_ENABLE_0", f_icb0),
	R(B0, NPU_HOST_SS_ICB_ENABLE_1, "ICB", "ICB_ENABLE_1", f_icb1),
	RX(B0, NPU_HOST_SS_TIM_IPC_FIFO_ATM, NPU_REG_NOREAD, "HOST_SS_IPC", "TIM_IPC_FIFO_ATM",
	   NULL),
	R(B0, NPU_HOST_SS_TIM_IPC_FIFO_STAT, "HOST_SS_IPC", "TIM_IPC_FIFO_STAT", f_fifo_stat),
	R(B0, NPU_HOST_SS_AON_PWR_ISO_EN0, "AON", "PWR_ISO_EN0", f_mss_cpu),
	R(B0, NPU_HOST_SS_AON_PWR_ISLAND_EN0, "AON", "PWR_ISLAND_EN0", f_mss_cpu),
	R(B0, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, "AON", "PWR_ISLAND_TRICKLE_EN0", f_mss_cpu),
	R(B0, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, "AON", "PWR_ISLAND_STATUS0", f_mss_cpu),
	R(B0, NPU_HOST_SS_AON_VPU_IDLE_GEN, "AON", "VPU_IDLE_GEN", f_idle_gen),
	R(B0, NPU_HOST_SS_AON_DPU_ACTIVE, "AON", "DPU_ACTIVE", f_dpu_active),
	R(B0, NPU_HOST_SS_LOADING_ADDRESS_LO, "HOST_SS", "LOADING_ADDRESS_LO", f_loading),
	R(B0, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR, "HOST_SS", "WORKPOINT_CONFIG_MIRROR",
	  f_wp_mirror),
	R(B0, NPU_MMU_IDR0, "MMU", "IDR0", NULL),
	R(B0, NPU_MMU_IDR1, "MMU", "IDR1", NULL),
	R(B0, NPU_MMU_IDR3, "MMU", "IDR3", NULL),
	R(B0, NPU_MMU_IDR5, "MMU", "IDR5", NULL),
	R(B0, NPU_MMU_CR0, "MMU", "CR0", f_cr0),
	R(B0, NPU_MMU_CR0ACK, "MMU", "CR0ACK", f_cr0),
	R(B0, NPU_MMU_CR1, "MMU", "CR1", f_cr1),
	R(B0, NPU_MMU_CR2, "MMU", "CR2", NULL),
	R(B0, NPU_MMU_IRQ_CTRL, "MMU", "IRQ_CTRL", f_irq_ctrl),
	R(B0, NPU_MMU_IRQ_CTRLACK, "MMU", "IRQ_CTRLACK", f_irq_ctrl),
	R(B0, NPU_MMU_GERROR, "MMU", "GERROR", f_gerror),
	R(B0, NPU_MMU_GERRORN, "MMU", "GERRORN", f_gerror),
	R64(B0, NPU_MMU_STRTAB_BASE, "MMU", "STRTAB_BASE", NULL),
	R(B0, NPU_MMU_STRTAB_BASE_CFG, "MMU", "STRTAB_BASE_CFG", f_strtab_cfg),
	R64(B0, NPU_MMU_CMDQ_BASE, "MMU", "CMDQ_BASE", NULL),
	R(B0, NPU_MMU_CMDQ_PROD, "MMU", "CMDQ_PROD", f_q_ptr),
	R(B0, NPU_MMU_CMDQ_CONS, "MMU", "CMDQ_CONS", f_cmdq_cons),
	R64(B0, NPU_MMU_EVTQ_BASE, "MMU", "EVTQ_BASE", NULL),
	R(B0, NPU_MMU_EVTQ_PROD_PAGE1, "MMU", "EVTQ_PROD(page 1)", f_evtq_ptr),
	R(B0, NPU_MMU_EVTQ_CONS_PAGE1, "MMU", "EVTQ_CONS(page 1)", f_evtq_ptr),
	R(B0, NPU_HOST_IF_TCU_PTW_OVERRIDES, "HOST_IF", "TCU_PTW_OVERRIDES", f_tcu_ptw),
	R(B0, NPU_HOST_IF_TBU_MMUSSIDV, "HOST_IF", "TBU_MMUSSIDV", f_tbu_ssidv),
	R(B0, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL, "CPU_SS_DSU", "DSU_CTRL", f_dsu_ctrl),
	R(B0, NPU_CPU_SS_DSU_LEON_RT_PC_REG, "CPU_SS_DSU", "DSU_PC", NULL),
	R(B0, NPU_CPU_SS_DSU_LEON_RT_NPC_REG, "CPU_SS_DSU", "DSU_NPC", NULL),
	R(B0, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG, "CPU_SS_DSU", "DSU_TRAP", f_dsu_trap),
	R(B0, NPU_CPU_SS_MSSCPU_CPR_CLK_SET, "CPU_SS", "MSSCPU_CPR_CLK_SET", f_cpu_dsu),
	R(B0, NPU_CPU_SS_MSSCPU_CPR_RST_CLR, "CPU_SS", "MSSCPU_CPR_RST_CLR", f_cpu_dsu),
	R(B0, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, "CPU_SS", "MSSCPU_CPR_LEON_RT_VEC", f_leon_vec),
	R(B0, NPU_CPU_SS_TIM_WATCHDOG, "CPU_SS", "TIM_WATCHDOG", NULL),
	R(B0, NPU_CPU_SS_TIM_WDOG_EN, "CPU_SS", "TIM_WDOG_EN", NULL),
	R(B0, NPU_CPU_SS_TIM_SAFE, "CPU_SS", "TIM_SAFE", NULL),
	RX(B0, NPU_CPU_SS_TIM_IPC_FIFO, NPU_REG_NOREAD, "CPU_SS", "TIM_IPC_FIFO", NULL),
	R(B0, NPU_CPU_SS_TIM_GEN_CONFIG, "CPU_SS", "TIM_GEN_CONFIG", f_tim_gen),
	R64(B0, NPU_CPU_SS_TIM_PERF_FREE_CNT, "CPU_SS", "TIM_PERF_FREE_CNT", NULL),
	{ B0, NPU_CPU_SS_DOORBELL_0, 4, 0, NPU_DOORBELL_COUNT, NPU_CPU_SS_DOORBELL_STRIDE,
	  "CPU_SS_DOORBELL", "DOORBELL", f_doorbell },
};
const size_t npu_reg_table_len = NPU_ARRAY_SIZE(npu_reg_table);

const struct npu_reg_desc *npu_regs_find(unsigned bar, uint32_t off, unsigned *idx)
{
	for (size_t i = 0; i < npu_reg_table_len; i++) {
		const struct npu_reg_desc *d = &npu_reg_table[i];

		if (d->bar != bar || off < d->off)
			continue;
		if (d->count > 1) {
			uint32_t rel = off - d->off;

			if (rel / d->stride < d->count && rel % d->stride < d->width) {
				if (idx)
					*idx = rel / d->stride;
				return d;
			}
		} else if (off - d->off < d->width) {
			if (idx)
				*idx = 0;
			return d;
		}
	}
	return NULL;
}

char *npu_regs_describe(unsigned bar, uint32_t off, uint64_t val, char *buf, size_t len)
{
	unsigned idx = 0;
	const struct npu_reg_desc *d = npu_regs_find(bar, off, &idx);
	uint32_t elem;
	size_t n = 0;
	bool upper;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!d) {
		snprintf(buf, len, "BAR%u+0x%x=0x%08llx", bar, off, (unsigned long long)val);
		return buf;
	}
	elem = d->off + idx * d->stride;
	upper = off != elem;   /* the upper half of a 64-bit register */
	if (d->count > 1)
		n = (size_t)snprintf(buf, len, "%s[%u]=", d->name, idx);
	else if (upper)
		n = (size_t)snprintf(buf, len, "%s.HI=", d->name);
	else
		n = (size_t)snprintf(buf, len, "%s=", d->name);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, d->width == 8 && !upper ?
				      "0x%016llx" : "0x%08llx", (unsigned long long)val);
	if (d->fields && n < len && !upper) {
		const char *sep = " [";

		for (const struct npu_field_desc *f = d->fields; f->name && n < len; f++) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%llu", sep, f->name,
					      (unsigned long long)NPU_FLD_GET(f->mask, val));
			sep = " ";
		}
		if (n < len)
			snprintf(buf + n, len - n, "]");
	}
	return buf;
}

char *npu_regs_snapshot(struct npu_device *dev, unsigned bar, uint32_t off, char *buf, size_t len)
{
	const struct npu_reg_desc *d = npu_regs_find(bar, off, NULL);

	if (bar == NPU_BAR_REGV && !npu_pm_ip_powered(dev)) {
		snprintf(buf, len, "%s=(unreachable: NPU IP powered down)", d ? d->name : "?");
		return buf;
	}
	if (d && d->width == 8)
		return npu_regs_describe(bar, off, npu_rd64(dev, bar, off), buf, len);
	return npu_regs_describe(bar, off, npu_rd32(dev, bar, off), buf, len);
}
