/* SPDX-License-Identifier: MIT */
/*
 * Host subsystem of the NPU IP (BAR0): clock/reset control, NOC
 * handshakes, always-on power island control, the firmware loading
 * address, and the host interface to the MMU's TCU/TBUs.
 * hw-facts §2.2, §3.1, §3.3.
 */
#include <stddef.h>
#include <string.h>

#include "npum_internal.h"

/* HW_VERSION is not documented beyond its fields; the model reports SoC
 * revision 4 (the PCI revision), SoC number 0 and generation 0x37
 * (docs/deviations.md). */
#define NPUM_HW_VERSION_VALUE \
	(NPU_FLD_PREP(NPU_HOST_SS_HW_VERSION_SOC_REVISION, NPU_PCI_REVISION_MTL) | \
	 NPU_FLD_PREP(NPU_HOST_SS_HW_VERSION_VPU_GENERATION, 0x37))

static void hostss_ip_reset(struct npum *n)
{
	npum_event_cancel(n, &n->hs.ev_island);
	memset(&n->hs, 0, offsetof(struct npum_hostss, ev_island));
	/* Power island isolated out of reset; the host clears isolation (§3.1 step 7). */
	n->hs.aon_iso_en = NPU_AON_PWR_MSS_CPU;
	/* The idle generator is on until the host turns it off (§3.1 step 6). */
	n->hs.aon_idle_gen = NPU_AON_VPU_IDLE_GEN_EN;
}

/* Plain latches: the register reads back what was written. */
static uint32_t *hs_latch(struct npum *n, uint32_t off)
{
	struct npum_hostss *h = &n->hs;

	switch (off) {
	case NPU_HOST_SS_CPR_CLK_SET:           return &h->cpr_clk_set;
	case NPU_HOST_SS_CPR_RST_SET:           return &h->cpr_rst_set;
	case NPU_HOST_SS_GEN_CTRL:              return &h->gen_ctrl;
	case NPU_HOST_SS_FW_SOC_IRQ_EN:         return &h->fw_soc_irq_en;
	case NPU_HOST_SS_AON_PWR_ISO_EN0:       return &h->aon_iso_en;
	case NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0: return &h->aon_trickle_en;
	case NPU_HOST_SS_AON_VPU_IDLE_GEN:      return &h->aon_idle_gen;
	case NPU_HOST_SS_AON_DPU_ACTIVE:        return &h->aon_dpu_active;
	case NPU_HOST_IF_TCU_PTW_OVERRIDES:     return &h->tcu_ptw_overrides;
	default:                                return NULL;
	}
}

static uint64_t rd_latch(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return *hs_latch(n, r->offset);
}

static void wr_latch(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	*hs_latch(n, r->offset) = (uint32_t)v;
}

static uint64_t rd_hw_version(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return NPUM_HW_VERSION_VALUE;
}

/* AON reads 0 once the IP BAR is reachable, which is whenever the block can
 * be read at all (§3.1 step 4); the other bits read back as written. */
static uint64_t rd_rst_clr(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->hs.cpr_rst_clr & ~NPU_HOST_SS_CPR_AON;
}

static void wr_rst_clr(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	n->hs.cpr_rst_clr = (uint32_t)v;
}

/* Q-channel handshakes answer at once: ivpu reads them back without
 * polling (§3.1). The host-SS AXI port always accepts; the TOP NOC ports
 * accept only once the MSS_CPU island is powered and de-isolated, and deny
 * otherwise (docs/deviations.md). */
static bool mss_cpu_island_up(const struct npum *n)
{
	return (n->hs.aon_island_status & NPU_AON_PWR_MSS_CPU) &&
	       !(n->hs.aon_iso_en & NPU_AON_PWR_MSS_CPU);
}

static uint64_t rd_noc_qreqn(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return r->offset == NPU_HOST_SS_NOC_QREQN ? n->hs.noc_qreqn : n->hs.top_noc_qreqn;
}

static void wr_noc_qreqn(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (r->offset == NPU_HOST_SS_NOC_QREQN)
		n->hs.noc_qreqn = (uint32_t)v & NPU_HOST_SS_NOC_TOP_SOCMMIO;
	else
		n->hs.top_noc_qreqn = (uint32_t)v & NPU_TOP_NOC_ALL;
}

static uint64_t rd_noc_qacceptn(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	if (r->offset == NPU_HOST_SS_NOC_QACCEPTN)
		return n->hs.noc_qreqn;
	return mss_cpu_island_up(n) ? n->hs.top_noc_qreqn : 0;
}

static uint64_t rd_noc_qdeny(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	if (r->offset == NPU_HOST_SS_NOC_QDENY)
		return 0;
	return mss_cpu_island_up(n) ? 0 : n->hs.top_noc_qreqn;
}

static uint64_t rd_island_en(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->hs.aon_island_en;
}

/* The island's status follows its enable after a short delay; the host
 * polls it (§3.1 step 7). Without the trickle enable the island does not
 * come up (the sequence sets trickle first). */
static void wr_island_en(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	n->hs.aon_island_en = (uint32_t)v;
	if ((v & NPU_AON_PWR_MSS_CPU) && !(n->hs.aon_trickle_en & NPU_AON_PWR_MSS_CPU))
		npum_guest_error(n, "MSS_CPU power island enabled without trickle enable; "
				"the island stays off");
	npum_event_arm(n, &n->hs.ev_island, npum_now(n) + NPUM_DELAY_PWR_ISLAND_NS);
}

static uint64_t rd_island_status(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->hs.aon_island_status;
}

static void hostss_island_settled(struct npum *n, struct npum_event *ev)
{
	n->hs.aon_island_status = n->hs.aon_island_en & n->hs.aon_trickle_en;
	npum_trace_power(n, "aon", "island-status", n->hs.aon_island_status, 0);
}

static uint64_t rd_loading_address(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->hs.loading_address;
}

/* §3.3: the host writes entry >> 9, then the same value with DONE; the
 * rising edge of DONE releases the control core at the entry point, whose
 * 4 KiB page number sits in IMAGE_LOCATION. */
static void wr_loading_address(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	uint32_t old = n->hs.loading_address;
	uint64_t entry;

	n->hs.loading_address = (uint32_t)v;
	if (!(v & NPU_LOADING_ADDRESS_DONE) || (old & NPU_LOADING_ADDRESS_DONE))
		return;
	entry = (uint64_t)(v & NPU_LOADING_ADDRESS_IMAGE_LOCATION) << NPU_LOADING_ADDRESS_SHIFT;
	if (entry > UINT32_MAX) {
		npum_guest_error(n, "firmware entry 0x%llx is beyond the control core's 32-bit "
				"address space; core not started", (unsigned long long)entry);
		return;
	}
	if (!(n->cpu.leon_rt_vec & NPU_LEON_RT_VEC_IRQI_RSTRUN0) || !n->cpu.resume_pulsed) {
		npum_guest_error(n, "LOADING_ADDRESS.DONE without LEON_RT_VEC run/resume "
				"(0x%x, resume %s); core not started", n->cpu.leon_rt_vec,
				n->cpu.resume_pulsed ? "pulsed" : "not pulsed");
		return;
	}
	npum_lrt_start(n, (uint32_t)entry);
}

static uint64_t rd_wp_mirror(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return NPU_FLD_PREP(NPU_WORKPOINT_MIRROR_FINAL_PLL_FREQ, n->btrs.current_ratio) |
	       NPU_FLD_PREP(NPU_WORKPOINT_MIRROR_CONFIG_ID, n->btrs.current_config);
}

static uint64_t rd_tbu_ssidv(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->hs.tbu_mmussidv;
}

static void wr_tbu_ssidv(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	n->hs.tbu_mmussidv = (uint32_t)v & NPU_TBU_MMUSSIDV_DEFINED;
}

static const struct npum_reg hostss_regs[] = {
	REG_RW(HOST_SS_CPR_CLK_SET, rd_latch, wr_latch),
	REG_RW(HOST_SS_CPR_RST_SET, rd_latch, wr_latch),
	REG_RW(HOST_SS_CPR_RST_CLR, rd_rst_clr, wr_rst_clr),
	REG_RO(HOST_SS_HW_VERSION, rd_hw_version),
	REG_RW(HOST_SS_GEN_CTRL, rd_latch, wr_latch),
	REG_RW(HOST_SS_NOC_QREQN, rd_noc_qreqn, wr_noc_qreqn),
	REG_RO(HOST_SS_NOC_QACCEPTN, rd_noc_qacceptn),
	REG_RO(HOST_SS_NOC_QDENY, rd_noc_qdeny),
	REG_RW(TOP_NOC_QREQN, rd_noc_qreqn, wr_noc_qreqn),
	REG_RO(TOP_NOC_QACCEPTN, rd_noc_qacceptn),
	REG_RO(TOP_NOC_QDENY, rd_noc_qdeny),
	REG_RW(HOST_SS_FW_SOC_IRQ_EN, rd_latch, wr_latch),
};

static const struct npum_reg aon_regs[] = {
	REG_RW(HOST_SS_AON_PWR_ISO_EN0, rd_latch, wr_latch),
	REG_RW(HOST_SS_AON_PWR_ISLAND_EN0, rd_island_en, wr_island_en),
	REG_RW(HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, rd_latch,
	       wr_latch),
	REG_RO(HOST_SS_AON_PWR_ISLAND_STATUS0, rd_island_status),
	REG_RW(HOST_SS_AON_VPU_IDLE_GEN, rd_latch, wr_latch),
	REG_RW(HOST_SS_AON_DPU_ACTIVE, rd_latch, wr_latch),
};

static const struct npum_reg hostss_hi_regs[] = {
	REG_RW(HOST_SS_LOADING_ADDRESS_LO, rd_loading_address,
	       wr_loading_address),
	REG_RO(HOST_SS_WORKPOINT_CONFIG_MIRROR, rd_wp_mirror),
};

static const struct npum_reg hostif_regs[] = {
	REG_RW(HOST_IF_TCU_PTW_OVERRIDES, rd_latch, wr_latch),
	REG_RW(HOST_IF_TBU_MMUSSIDV, rd_tbu_ssidv, wr_tbu_ssidv),
};

static const struct npum_window hostss_windows[] = {
	NPUM_WINDOW("HOST_SS", NPU_BAR_REGV, 0x00000000, 0x1000, true, hostss_regs),
	NPUM_WINDOW("HOST_SS_AON", NPU_BAR_REGV, 0x00030000, 0x1000, true, aon_regs),
	NPUM_WINDOW("HOST_SS", NPU_BAR_REGV, 0x00041000, 0x42000, true, hostss_hi_regs),
	NPUM_WINDOW("HOST_IF", NPU_BAR_REGV, 0x00360000, 0x1000, true, hostif_regs),
};

static int hostss_init(struct npum *n)
{
	npum_event_init(n, &n->hs.ev_island, "aon island", hostss_island_settled);
	return 0;
}

const struct npum_block npum_block_hostss = {
	.name = "hostss",
	.windows = NPUM_WINDOWS(hostss_windows),
	.init = hostss_init,
	.ip_reset = hostss_ip_reset,
};
