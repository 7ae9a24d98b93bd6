/* SPDX-License-Identifier: MIT */
/*
 * Names and fields of every register the driver knows (hw-facts §2.1-§2.4,
 * §6), built from the include/intel-npu headers. Used for trace lines,
 * timeout diagnoses ("BTRS_WP_REQ_CMD=0x00000001 [SEND=1]") and the register dump.
 */
#include <stdio.h>
#include <string.h>

#include "drv.h"

#define F(m, n) { (m), (n) }
#define FLD(reg, field) { NPU_##reg##_##field, #field }
#define END     { 0, NULL }

/* ---- Buttress, BAR4 (§2.1) ---- */
static const struct npu_field_desc f_btrs_irq[] = {
	FLD(BTRS_INTERRUPT_STAT, FREQ_CHANGE),
	FLD(BTRS_INTERRUPT_STAT, ATS_ERR),
	FLD(BTRS_INTERRUPT_STAT, UFI_ERR), END };
static const struct npu_field_desc f_wp0[] = {
	FLD(BTRS_WP_REQ_PAYLOAD0, MIN_RATIO),
	FLD(BTRS_WP_REQ_PAYLOAD0, MAX_RATIO), END };
static const struct npu_field_desc f_wp1[] = {
	FLD(BTRS_WP_REQ_PAYLOAD1, TARGET_RATIO),
	FLD(BTRS_WP_REQ_PAYLOAD1, EPP), END };
static const struct npu_field_desc f_wp2[] = {
	FLD(BTRS_WP_REQ_PAYLOAD2, CONFIG), END };
static const struct npu_field_desc f_wp_cmd[] = {
	FLD(BTRS_WP_REQ_CMD, SEND), END };
static const struct npu_field_desc f_wp_download[] = {
	FLD(BTRS_WP_DOWNLOAD, TARGET_RATIO), END };
static const struct npu_field_desc f_current_pll[] = {
	FLD(BTRS_CURRENT_PLL, RATIO), END };
static const struct npu_field_desc f_fmin[] = {
	FLD(BTRS_FMIN_FUSE, MIN_RATIO),
	FLD(BTRS_FMIN_FUSE, PN_RATIO), END };
static const struct npu_field_desc f_fmax[] = {
	FLD(BTRS_FMAX_FUSE, MAX_RATIO), END };
static const struct npu_field_desc f_tile[] = {
	FLD(BTRS_TILE_FUSE, VALID),
	FLD(BTRS_TILE_FUSE, SKU), END };
static const struct npu_field_desc f_global_mask[] = {
	FLD(BTRS_GLOBAL_INT_MASK, MASKED), END };
static const struct npu_field_desc f_pll_status[] = {
	FLD(BTRS_PLL_STATUS, LOCK), END };
static const struct npu_field_desc f_vpu_status[] = {
	FLD(BTRS_VPU_STATUS, READY),
	FLD(BTRS_VPU_STATUS, IDLE), END };
static const struct npu_field_desc f_ip_reset[] = {
	FLD(BTRS_VPU_IP_RESET, TRIGGER), END };
static const struct npu_field_desc f_d0i3[] = {
	FLD(BTRS_VPU_D0I3_CONTROL, INPROGRESS),
	FLD(BTRS_VPU_D0I3_CONTROL, I3), END };
static const struct npu_field_desc f_ufi_log[] = {
	FLD(BTRS_UFI_ERR_LOG, CQ_ID),
	FLD(BTRS_UFI_ERR_LOG, AXI_ID),
	FLD(BTRS_UFI_ERR_LOG, OPCODE), END };

/* ---- Host subsystem, BAR0 (§2.2) ---- */
static const struct npu_field_desc f_cpr[] = {
	FLD(HOST_SS_CPR, TOP_NOC),
	FLD(HOST_SS_CPR, DSS_MAS),
	FLD(HOST_SS_CPR, MSS_MAS), END };
static const struct npu_field_desc f_cpr_rst_clr[] = {
	FLD(HOST_SS_CPR, AON),
	FLD(HOST_SS_CPR, TOP_NOC),
	FLD(HOST_SS_CPR, DSS_MAS),
	FLD(HOST_SS_CPR, MSS_MAS), END };
static const struct npu_field_desc f_hw_version[] = {
	FLD(HOST_SS_HW_VERSION, SOC_REVISION),
	FLD(HOST_SS_HW_VERSION, SOC_NUMBER),
	FLD(HOST_SS_HW_VERSION, VPU_GENERATION), END };
static const struct npu_field_desc f_gen_ctrl[] = {
	FLD(HOST_SS_GEN_CTRL, PS), END };
static const struct npu_field_desc f_noc[] = {
	FLD(HOST_SS_NOC, TOP_SOCMMIO), END };
static const struct npu_field_desc f_top_noc[] = {
	FLD(TOP_NOC, CPU_CTRL),
	FLD(TOP_NOC, HOSTIF_L2CACHE), END };
static const struct npu_field_desc f_fw_soc_irq[] = {
	FLD(HOST_SS_FW_SOC_IRQ_EN, CSS_ROM_CMX), FLD(HOST_SS_FW_SOC_IRQ_EN, CSS_DBG),
	FLD(HOST_SS_FW_SOC_IRQ_EN, CSS_CTRL), FLD(HOST_SS_FW_SOC_IRQ_EN, DEC400),
	FLD(HOST_SS_FW_SOC_IRQ_EN, MSS_NCE), FLD(HOST_SS_FW_SOC_IRQ_EN, MSS_MBI),
	FLD(HOST_SS_FW_SOC_IRQ_EN, MSS_MBI_CMX), END };
static const struct npu_field_desc f_icb0[] = {
	F(NPU_ICB_0_TIMER(0), "TIMER_0"), F(NPU_ICB_0_TIMER(1), "TIMER_1"),
	F(NPU_ICB_0_TIMER(2), "TIMER_2"), F(NPU_ICB_0_TIMER(3), "TIMER_3"),
	FLD(ICB_0, HOST_IPC_FIFO),
	FLD(ICB_0, MMU_IRQ_0_EVTQ),
	FLD(ICB_0, MMU_IRQ_1_SYNC),
	FLD(ICB_0, MMU_IRQ_2_GERROR),
	FLD(ICB_0, NOC_FIREWALL),
	FLD(ICB_0, CPU_INT_REDIRECT_0), FLD(ICB_0, CPU_INT_REDIRECT_1), END };
static const struct npu_field_desc f_icb1[] = {
	F(NPU_ICB_1_CPU_INT_REDIRECT(2), "CPU_INT_REDIRECT_2"),
	F(NPU_ICB_1_CPU_INT_REDIRECT(3), "CPU_INT_REDIRECT_3"),
	F(NPU_ICB_1_CPU_INT_REDIRECT(4), "CPU_INT_REDIRECT_4"), END };
static const struct npu_field_desc f_fifo_stat[] = {
	FLD(TIM_IPC_FIFO_STAT, READ_PTR),
	FLD(TIM_IPC_FIFO_STAT, WRITE_PTR),
	FLD(TIM_IPC_FIFO_STAT, FILL_LEVEL), END };
static const struct npu_field_desc f_mss_cpu[] = {
	FLD(AON_PWR, MSS_CPU), END };
static const struct npu_field_desc f_idle_gen[] = {
	FLD(AON_VPU_IDLE_GEN, EN), END };
static const struct npu_field_desc f_dpu_active[] = {
	FLD(AON, DPU_ACTIVE), END };
static const struct npu_field_desc f_loading[] = {
	FLD(LOADING_ADDRESS, DONE),
	FLD(LOADING_ADDRESS, IOSF_RS_ID),
	FLD(LOADING_ADDRESS, IMAGE_LOCATION), END };
static const struct npu_field_desc f_wp_mirror[] = {
	FLD(WORKPOINT_MIRROR, FINAL_PLL_FREQ),
	FLD(WORKPOINT_MIRROR, CONFIG_ID), END };
static const struct npu_field_desc f_tcu_ptw[] = {
	FLD(TCU_PTW, CACHE_OVERRIDE_EN),
	FLD(TCU_PTW, AWCACHE_OVERRIDE),
	FLD(TCU_PTW, ARCACHE_OVERRIDE),
	FLD(TCU_PTW, NOSNOOP_OVERRIDE_EN),
	FLD(TCU_PTW, AW_NOSNOOP_OVERRIDE),
	FLD(TCU_PTW, AR_NOSNOOP_OVERRIDE),
	FLD(TCU, PTW_AW_CONTEXT_FLAG),
	FLD(TCU, PTW_AR_CONTEXT_FLAG), END };
static const struct npu_field_desc f_tbu_ssidv[] = {
	F(NPU_TBU_AWMMUSSIDV(0), "TBU0_AW"), F(NPU_TBU_ARMMUSSIDV(0), "TBU0_AR"),
	F(NPU_TBU_AWMMUSSIDV(1), "TBU1_AW"), F(NPU_TBU_ARMMUSSIDV(1), "TBU1_AR"),
	F(NPU_TBU_AWMMUSSIDV(2), "TBU2_AW"), F(NPU_TBU_ARMMUSSIDV(2), "TBU2_AR"),
	F(NPU_TBU_AWMMUSSIDV(3), "TBU3_AW"), F(NPU_TBU_ARMMUSSIDV(3), "TBU3_AR"),
	F(NPU_TBU_AWMMUSSIDV(4), "TBU4_AW"), F(NPU_TBU_ARMMUSSIDV(4), "TBU4_AR"), END };

/* ---- MMU (§2.3, §6) ---- */
static const struct npu_field_desc f_cr0[] = {
	FLD(MMU_CR0, SMMUEN), FLD(MMU_CR0, PRIQEN),
	FLD(MMU_CR0, EVTQEN), FLD(MMU_CR0, CMDQEN),
	FLD(MMU_CR0, ATSCHK), END };
static const struct npu_field_desc f_cr1[] = {
	FLD(MMU_CR1, QUEUE_IC), FLD(MMU_CR1, QUEUE_OC),
	FLD(MMU_CR1, QUEUE_SH), FLD(MMU_CR1, TABLE_IC),
	FLD(MMU_CR1, TABLE_OC), FLD(MMU_CR1, TABLE_SH), END };
static const struct npu_field_desc f_irq_ctrl[] = {
	FLD(MMU_IRQ_CTRL, GERROR_EN), FLD(MMU_IRQ_CTRL, PRIQ_EN),
	FLD(MMU_IRQ_CTRL, EVTQ_EN), END };
static const struct npu_field_desc f_gerror[] = {
	FLD(MMU_GERROR, CMDQ_ERR), FLD(MMU_GERROR, EVTQ_ABT),
	FLD(MMU_GERROR, PRIQ_ABT), FLD(MMU_GERROR, MSI_CMDQ_ABT),
	FLD(MMU_GERROR, MSI_EVTQ_ABT),
	FLD(MMU_GERROR, MSI_PRIQ_ABT), FLD(MMU_GERROR, MSI_ABT),
	END };
static const struct npu_field_desc f_strtab_cfg[] = {
	FLD(MMU_STRTAB_CFG, LOG2SIZE), FLD(MMU_STRTAB_CFG, SPLIT),
	FLD(MMU_STRTAB_CFG, FMT), END };
static const struct npu_field_desc f_q_ptr[] = {
	FLD(MMU_Q, PTR), END };
static const struct npu_field_desc f_cmdq_cons[] = {
	FLD(MMU_Q, PTR), FLD(MMU_CMDQ_CONS, ERR), END };
static const struct npu_field_desc f_evtq_ptr[] = {
	FLD(MMU_Q, PTR), FLD(MMU_Q, OVFLG), END };

/* ---- CPU subsystem (§2.4) ---- */
static const struct npu_field_desc f_dsu_ctrl[] = {
	FLD(DSU_CTRL, STATE), FLD(DSU_CTRL, WDOG_EXPIRED), END };
static const struct npu_field_desc f_dsu_trap[] = {
	FLD(DSU_TRAP, CAUSE), FLD(DSU_TRAP, INTERRUPT),
	FLD(DSU_TRAP, VALID), FLD(DSU_TRAP, HALT_CODE),
	FLD(DSU_TRAP, ERROR_MODE), END };
static const struct npu_field_desc f_cpu_dsu[] = {
	FLD(MSSCPU_CPR, CPU_DSU), END };
static const struct npu_field_desc f_leon_vec[] = {
	FLD(LEON_RT_VEC, IRQI_RSTRUN0),
	FLD(LEON_RT_VEC, IRQI_RESUME0),
	FLD(LEON_RT_VEC, IRQI_RSTRUN1),
	FLD(LEON_RT_VEC, IRQI_RESUME1),
	FLD(LEON_RT_VEC, IRQI_RSTVEC), END };
static const struct npu_field_desc f_tim_gen[] = {
	FLD(TIM_GEN_CONFIG, WDOG_TO_INT_CLR), END };
static const struct npu_field_desc f_doorbell[] = {
	FLD(DOORBELL, SET), END };

/* Registers and fields are named by their ABI identifiers (regs_*.h) without
 * NPU_ and, for a field, without its register's prefix: R(B4, BTRS_VPU_STATUS,
 * ...) is NPU_BTRS_VPU_STATUS, "BTRS_VPU_STATUS"; FLD(BTRS_VPU_STATUS, READY)
 * is NPU_BTRS_VPU_STATUS_READY, "READY". The model's register tables derive
 * their names the same way, so both print the same names. */
#define R(bar, id, blk, fl)               { (bar), NPU_##id, 4, 0, 1, 0, (blk), #id, (fl) }
#define R64(bar, id, blk, fl)             { (bar), NPU_##id, 8, 0, 1, 0, (blk), #id, (fl) }
#define RX(bar, id, flags, blk, fl)       { (bar), NPU_##id, 4, (flags), 1, 0, (blk), #id, (fl) }
#define B4 NPU_BAR_REGB
#define B0 NPU_BAR_REGV

/* Sorted by (bar, offset). BAR0 registers are marked NPU_REG_BAR0 in
 * npu_regs_find's caller through the bar number. */
const struct npu_reg_desc npu_reg_table[] = {
	R(B4, BTRS_INTERRUPT_TYPE, "BTRS", NULL),
	R(B4, BTRS_INTERRUPT_STAT, "BTRS", f_btrs_irq),
	R(B4, BTRS_WP_REQ_PAYLOAD0, "BTRS", f_wp0),
	R(B4, BTRS_WP_REQ_PAYLOAD1, "BTRS", f_wp1),
	R(B4, BTRS_WP_REQ_PAYLOAD2, "BTRS", f_wp2),
	R(B4, BTRS_WP_REQ_CMD, "BTRS", f_wp_cmd),
	R(B4, BTRS_WP_DOWNLOAD, "BTRS", f_wp_download),
	R(B4, BTRS_CURRENT_PLL, "BTRS", f_current_pll),
	R(B4, BTRS_PLL_ENABLE, "BTRS", NULL),
	R(B4, BTRS_FMIN_FUSE, "BTRS", f_fmin),
	R(B4, BTRS_FMAX_FUSE, "BTRS", f_fmax),
	R(B4, BTRS_TILE_FUSE, "BTRS", f_tile),
	R(B4, BTRS_LOCAL_INT_MASK, "BTRS", f_btrs_irq),
	R(B4, BTRS_GLOBAL_INT_MASK, "BTRS", f_global_mask),
	R(B4, BTRS_PLL_STATUS, "BTRS", f_pll_status),
	R(B4, BTRS_VPU_STATUS, "BTRS", f_vpu_status),
	R(B4, BTRS_VPU_IP_RESET, "BTRS", f_ip_reset),
	R(B4, BTRS_VPU_D0I3_CONTROL, "BTRS", f_d0i3),
	R(B4, BTRS_VPU_TELEMETRY_OFFSET, "BTRS", NULL),
	R(B4, BTRS_VPU_TELEMETRY_SIZE, "BTRS", NULL),
	R(B4, BTRS_VPU_TELEMETRY_ENABLE, "BTRS", NULL),
	R64(B4, BTRS_ATS_ERR_LOG_0, "BTRS", NULL),
	RX(B4, BTRS_ATS_ERR_CLEAR, NPU_REG_NOREAD, "BTRS", NULL),
	R(B4, BTRS_UFI_ERR_LOG, "BTRS", f_ufi_log),
	RX(B4, BTRS_UFI_ERR_CLEAR, NPU_REG_NOREAD, "BTRS", NULL),

	R(B0, HOST_SS_CPR_CLK_SET, "HOST_SS", f_cpr),
	R(B0, HOST_SS_CPR_RST_SET, "HOST_SS", f_cpr),
	R(B0, HOST_SS_CPR_RST_CLR, "HOST_SS", f_cpr_rst_clr),
	R(B0, HOST_SS_HW_VERSION, "HOST_SS", f_hw_version),
	R(B0, HOST_SS_GEN_CTRL, "HOST_SS", f_gen_ctrl),
	R(B0, HOST_SS_NOC_QREQN, "HOST_SS", f_noc),
	R(B0, HOST_SS_NOC_QACCEPTN, "HOST_SS", f_noc),
	R(B0, HOST_SS_NOC_QDENY, "HOST_SS", f_noc),
	R(B0, TOP_NOC_QREQN, "HOST_SS", f_top_noc),
	R(B0, TOP_NOC_QACCEPTN, "HOST_SS", f_top_noc),
	R(B0, TOP_NOC_QDENY, "HOST_SS", f_top_noc),
	R(B0, HOST_SS_FW_SOC_IRQ_EN, "HOST_SS", f_fw_soc_irq),
	R(B0, HOST_SS_ICB_STATUS_0, "ICB", f_icb0),
	R(B0, HOST_SS_ICB_STATUS_1, "ICB", f_icb1),
	RX(B0, HOST_SS_ICB_CLEAR_0, NPU_REG_NOREAD, "ICB", f_icb0),
	RX(B0, HOST_SS_ICB_CLEAR_1, NPU_REG_NOREAD, "ICB", f_icb1),
	R(B0, HOST_SS_ICB_ENABLE_0, "ICB", f_icb0),
	R(B0, HOST_SS_ICB_ENABLE_1, "ICB", f_icb1),
	RX(B0, HOST_SS_TIM_IPC_FIFO_ATM, NPU_REG_NOREAD, "HOST_SS_IPC",
	   NULL),
	R(B0, HOST_SS_TIM_IPC_FIFO_STAT, "HOST_SS_IPC", f_fifo_stat),
	R(B0, HOST_SS_AON_PWR_ISO_EN0, "AON", f_mss_cpu),
	R(B0, HOST_SS_AON_PWR_ISLAND_EN0, "AON", f_mss_cpu),
	R(B0, HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, "AON", f_mss_cpu),
	R(B0, HOST_SS_AON_PWR_ISLAND_STATUS0, "AON", f_mss_cpu),
	R(B0, HOST_SS_AON_VPU_IDLE_GEN, "AON", f_idle_gen),
	R(B0, HOST_SS_AON_DPU_ACTIVE, "AON", f_dpu_active),
	R(B0, HOST_SS_LOADING_ADDRESS_LO, "HOST_SS", f_loading),
	R(B0, HOST_SS_WORKPOINT_CONFIG_MIRROR, "HOST_SS", f_wp_mirror),
	R(B0, MMU_IDR0, "MMU", NULL),
	R(B0, MMU_IDR1, "MMU", NULL),
	R(B0, MMU_IDR3, "MMU", NULL),
	R(B0, MMU_IDR5, "MMU", NULL),
	R(B0, MMU_CR0, "MMU", f_cr0),
	R(B0, MMU_CR0ACK, "MMU", f_cr0),
	R(B0, MMU_CR1, "MMU", f_cr1),
	R(B0, MMU_CR2, "MMU", NULL),
	R(B0, MMU_IRQ_CTRL, "MMU", f_irq_ctrl),
	R(B0, MMU_IRQ_CTRLACK, "MMU", f_irq_ctrl),
	R(B0, MMU_GERROR, "MMU", f_gerror),
	R(B0, MMU_GERRORN, "MMU", f_gerror),
	R64(B0, MMU_STRTAB_BASE, "MMU", NULL),
	R(B0, MMU_STRTAB_BASE_CFG, "MMU", f_strtab_cfg),
	R64(B0, MMU_CMDQ_BASE, "MMU", NULL),
	R(B0, MMU_CMDQ_PROD, "MMU", f_q_ptr),
	R(B0, MMU_CMDQ_CONS, "MMU", f_cmdq_cons),
	R64(B0, MMU_EVTQ_BASE, "MMU", NULL),
	R(B0, MMU_EVTQ_PROD_PAGE1, "MMU", f_evtq_ptr),
	R(B0, MMU_EVTQ_CONS_PAGE1, "MMU", f_evtq_ptr),
	R(B0, HOST_IF_TCU_PTW_OVERRIDES, "HOST_IF", f_tcu_ptw),
	R(B0, HOST_IF_TBU_MMUSSIDV, "HOST_IF", f_tbu_ssidv),
	R(B0, CPU_SS_DSU_LEON_RT_DSU_CTRL, "CPU_SS_DSU", f_dsu_ctrl),
	R(B0, CPU_SS_DSU_LEON_RT_PC_REG, "CPU_SS_DSU", NULL),
	R(B0, CPU_SS_DSU_LEON_RT_NPC_REG, "CPU_SS_DSU", NULL),
	R(B0, CPU_SS_DSU_LEON_RT_DSU_TRAP_REG, "CPU_SS_DSU", f_dsu_trap),
	R(B0, CPU_SS_MSSCPU_CPR_CLK_SET, "CPU_SS", f_cpu_dsu),
	R(B0, CPU_SS_MSSCPU_CPR_RST_CLR, "CPU_SS", f_cpu_dsu),
	R(B0, CPU_SS_MSSCPU_CPR_LEON_RT_VEC, "CPU_SS", f_leon_vec),
	R(B0, CPU_SS_TIM_WATCHDOG, "CPU_SS", NULL),
	R(B0, CPU_SS_TIM_WDOG_EN, "CPU_SS", NULL),
	R(B0, CPU_SS_TIM_SAFE, "CPU_SS", NULL),
	RX(B0, CPU_SS_TIM_IPC_FIFO, NPU_REG_NOREAD, "CPU_SS", NULL),
	R(B0, CPU_SS_TIM_GEN_CONFIG, "CPU_SS", f_tim_gen),
	R64(B0, CPU_SS_TIM_PERF_FREE_CNT, "CPU_SS", NULL),
	{ B0, NPU_CPU_SS_DOORBELL_0, 4, 0, NPU_DOORBELL_COUNT, NPU_CPU_SS_DOORBELL_STRIDE,
	  "CPU_SS_DOORBELL", "CPU_SS_DOORBELL", f_doorbell },
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
