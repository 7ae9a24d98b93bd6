/* SPDX-License-Identifier: MIT */
/*
 * Power sequences of the 37xx NPU as Linux 6.12 runs them for Meteor Lake
 * (ivpu_hw.c ivpu_hw_power_up / ivpu_hw_power_down, ivpu_hw_btrs.c MTL
 * paths, ivpu_hw_ip.c 37xx paths): hw-facts §3.1 (power-up), §3.6
 * (power-down), timeouts §3.5.
 *
 * Every wait is a poll with a timeout; every failure names the step and
 * shows the registers involved, decoded.
 */
#include <stdio.h>

#include "drv.h"

#define SNAP(dev, bar, off, buf) npu_regs_snapshot((dev), (bar), (off), (buf), sizeof(buf))

/* ---- Buttress information (ivpu_hw_btrs_info_init, freq_ratios_init, wa_init) */

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int npu_pm_hw_info(struct npu_device *dev)
{
	struct npu_hw_info *hw = &dev->hw;
	uint32_t fmin, fmax, stat;

	/* MTL: both tiles, fixed SKU and workpoint config (§2.1 TILE_FUSE) */
	hw->tile_fuse = 0;
	hw->sku = NPU_MTL_SKU_BOTH_TILES;
	hw->config = NPU_WP_CONFIG_MTL_2_TILES_4_3;

	fmin = npu_regb_rd32(dev, NPU_BTRS_FMIN_FUSE);
	fmax = npu_regb_rd32(dev, NPU_BTRS_FMAX_FUSE);
	if (fmin == UINT32_MAX && fmax == UINT32_MAX)
		return npu_fail(dev, -EIO, "buttress not responding: FMIN_FUSE and FMAX_FUSE "
				"read 0xffffffff (BAR4 unclaimed?)");
	hw->min_ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_MIN_RATIO, fmin);
	hw->pn_ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin);
	hw->max_ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMAX_FUSE_MAX_RATIO, fmax);
	if (hw->max_ratio < hw->min_ratio)
		hw->max_ratio = hw->min_ratio;
	hw->pn_ratio = clamp_u32(hw->pn_ratio, hw->min_ratio, hw->max_ratio);
	npu_dbg(dev, "PLL fuses: min %u pn %u max %u (x 50 MHz x 2/3)", hw->min_ratio,
		hw->pn_ratio, hw->max_ratio);

	/* Erratum probe: if writing 1s does not clear INTERRUPT_STAT it must be
	 * cleared by writing 0 (ivpu_hw_btrs_irqs_clear_with_0_mtl). */
	npu_regb_wr32(dev, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	stat = npu_regb_rd32(dev, NPU_BTRS_INTERRUPT_STAT);
	hw->irq_clear_with_0 = stat == NPU_BTRS_INTERRUPT_STAT_ALL;
	if (hw->irq_clear_with_0) {
		npu_regb_wr32(dev, NPU_BTRS_INTERRUPT_STAT, 0);
		npu_dbg(dev, "buttress erratum: INTERRUPT_STAT is cleared by writing 0");
	}
	hw->read = true;
	return 0;
}

/* ---- Workpoint (ivpu_hw_btrs_wp_drive) ---------------------------------------- */

static int wp_fail(struct npu_device *dev, const char *what, uint32_t timeout_us)
{
	char a[128], b[128], c[128];

	return npu_fail(dev, -ETIMEDOUT, "%s within %u ms: %s %s %s", what, timeout_us / 1000,
			SNAP(dev, NPU_BAR_REGB, NPU_BTRS_WP_REQ_CMD, a),
			SNAP(dev, NPU_BAR_REGB, NPU_BTRS_PLL_STATUS, b),
			SNAP(dev, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS, c));
}

int npu_pm_wp_drive(struct npu_device *dev, bool enable)
{
	const struct npu_hw_info *hw = &dev->hw;
	uint32_t target = enable ? hw->pn_ratio : 0;
	uint32_t cfg = enable ? hw->config : 0;
	uint32_t to = dev->t.pll_us;
	uint32_t v;

	npu_dbg(dev, "PLL workpoint request: ratio %u (%u MHz), config 0x%x, epp 0x%x", target,
		target * (NPU_PLL_REF_CLK_HZ / 1000000) * 2 / 3, cfg, NPU_WP_EPP_DEFAULT);

	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, to, NULL))
		return wp_fail(dev, "previous workpoint request still pending (WP_REQ_CMD.SEND)", to);

	/* wp_request_mtl: read-modify-write of each payload, then SEND */
	v = npu_regb_rd32(dev, NPU_BTRS_WP_REQ_PAYLOAD0);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO, v, hw->min_ratio);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO, v, hw->max_ratio);
	npu_regb_wr32(dev, NPU_BTRS_WP_REQ_PAYLOAD0, v);
	v = npu_regb_rd32(dev, NPU_BTRS_WP_REQ_PAYLOAD1);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO, v, target);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD1_EPP, v, NPU_WP_EPP_DEFAULT);
	npu_regb_wr32(dev, NPU_BTRS_WP_REQ_PAYLOAD1, v);
	v = npu_regb_rd32(dev, NPU_BTRS_WP_REQ_PAYLOAD2);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD2_CONFIG, v, cfg);
	npu_regb_wr32(dev, NPU_BTRS_WP_REQ_PAYLOAD2, v);
	v = npu_regb_rd32(dev, NPU_BTRS_WP_REQ_CMD);
	npu_regb_wr32(dev, NPU_BTRS_WP_REQ_CMD, v | NPU_BTRS_WP_REQ_CMD_SEND);

	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, to, NULL))
		return wp_fail(dev, "workpoint request not accepted", to);
	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_PLL_STATUS, NPU_BTRS_PLL_STATUS_LOCK,
		       enable ? NPU_BTRS_PLL_STATUS_LOCK : 0, to, NULL))
		return wp_fail(dev, enable ? "PLL did not lock (PLL_STATUS.LOCK)"
					   : "PLL did not unlock (PLL_STATUS.LOCK)", to);
	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_STATUS_READY,
		       enable ? NPU_BTRS_VPU_STATUS_READY : 0, to, NULL))
		return wp_fail(dev, enable ? "NPU not ready (VPU_STATUS.READY)"
					   : "NPU still ready after workpoint 0 (VPU_STATUS.READY)", to);
	return 0;
}

/* ---- D0i3 (d0i3_drive_mtl) -------------------------------------------------------- */

int npu_pm_d0i3_drive(struct npu_device *dev, bool enable)
{
	uint32_t to = dev->t.btrs_us, v;
	char a[128];

	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL,
		       NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0, to, &v))
		return npu_fail(dev, -ETIMEDOUT, "D0i3 transition before %s still in progress "
				"after %u ms: %s", enable ? "entry" : "exit", to / 1000,
				npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL, v, a,
						  sizeof(a)));
	v = npu_regb_rd32(dev, NPU_BTRS_VPU_D0I3_CONTROL);
	if (enable)
		v |= NPU_BTRS_VPU_D0I3_CONTROL_I3;
	else
		v &= ~NPU_BTRS_VPU_D0I3_CONTROL_I3;
	npu_regb_wr32(dev, NPU_BTRS_VPU_D0I3_CONTROL, v);
	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL,
		       NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0, to, &v))
		return npu_fail(dev, -ETIMEDOUT, "D0i3 %s not completed within %u ms: %s",
				enable ? "entry" : "exit", to / 1000,
				npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL, v, a,
						  sizeof(a)));
	if (enable)
		npu_sleep_us(dev, 5); /* D0i3 entry settles 5 us after the handshake */
	return 0;
}

/* ---- IP reset (ip_reset_mtl) ----------------------------------------------------- */

int npu_pm_ip_reset(struct npu_device *dev)
{
	uint32_t to = dev->t.btrs_us, v;
	char a[128];

	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER, 0,
		       to, &v))
		return npu_fail(dev, -ETIMEDOUT, "IP reset: previous reset still in progress "
				"after %u ms: %s", to / 1000,
				npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_VPU_IP_RESET, v, a,
						  sizeof(a)));
	v = npu_regb_rd32(dev, NPU_BTRS_VPU_IP_RESET);
	npu_regb_wr32(dev, NPU_BTRS_VPU_IP_RESET, v | NPU_BTRS_VPU_IP_RESET_TRIGGER);
	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER, 0,
		       to, &v))
		return npu_fail(dev, -ETIMEDOUT, "IP reset not completed within %u ms: %s",
				to / 1000, npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_VPU_IP_RESET,
							     v, a, sizeof(a)));
	return 0;
}

/* ---- Host subsystem (ivpu_hw_ip.c, 37xx) --------------------------------------- */

/* Immediate read-back checks of a Q-channel field (no polling, §3.1). */
static int noc_check(struct npu_device *dev, uint32_t off, uint32_t mask, uint32_t want,
		     const char *what)
{
	uint32_t v = npu_regv_rd32(dev, off);
	char a[160];

	if ((v & mask) == want)
		return 0;
	return npu_fail(dev, -EIO, "%s: expected 0x%x in mask 0x%x, read %s", what, want, mask,
			npu_regs_describe(NPU_BAR_REGV, off, v, a, sizeof(a)));
}

static int host_ss_configure(struct npu_device *dev)
{
	uint32_t v;
	char a[128];
	int ret;

	/* wait_for_ip_bar: CPR_RST_CLR.AON reads 0 once BAR0 is reachable */
	if (npu_poll32(dev, NPU_BAR_REGV, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_AON, 0,
		       dev->t.ip_bar_us, &v))
		return npu_fail(dev, -ETIMEDOUT, "NPU IP BAR not reachable within %u us: %s",
				dev->t.ip_bar_us,
				npu_regs_describe(NPU_BAR_REGV, NPU_HOST_SS_CPR_RST_CLR, v, a,
						  sizeof(a)));
	npu_regv_wr32(dev, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_ALL);

	ret = noc_check(dev, NPU_HOST_SS_NOC_QREQN, NPU_HOST_SS_NOC_TOP_SOCMMIO, 0,
			"host SS configure: NOC_QREQN.TOP_SOCMMIO not idle");
	if (!ret)
		ret = noc_check(dev, NPU_HOST_SS_NOC_QACCEPTN, NPU_HOST_SS_NOC_TOP_SOCMMIO, 0,
				"host SS configure: NOC_QACCEPTN.TOP_SOCMMIO not idle");
	if (!ret)
		ret = noc_check(dev, NPU_HOST_SS_NOC_QDENY, NPU_HOST_SS_NOC_TOP_SOCMMIO, 0,
				"host SS configure: NOC_QDENY.TOP_SOCMMIO set");
	return ret;
}

static void rmw_v(struct npu_device *dev, uint32_t off, uint32_t set, uint32_t clear)
{
	uint32_t v = npu_regv_rd32(dev, off);

	npu_regv_wr32(dev, off, (v & ~clear) | set);
}

static int pwr_domain_enable(struct npu_device *dev)
{
	uint32_t v;
	char a[128], b[128];
	int ret;

	/* pwr_island_enable: trickle first, then the island */
	rmw_v(dev, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU, 0);
	rmw_v(dev, NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU, 0);
	if (npu_poll32(dev, NPU_BAR_REGV, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, NPU_AON_PWR_MSS_CPU,
		       NPU_AON_PWR_MSS_CPU, dev->t.pwr_island_us, &v))
		return npu_fail(dev, -ETIMEDOUT, "MSS_CPU power island not up within %u ms: %s %s",
				dev->t.pwr_island_us / 1000,
				npu_regs_describe(NPU_BAR_REGV, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0,
						  v, a, sizeof(a)),
				SNAP(dev, NPU_BAR_REGV, NPU_HOST_SS_AON_PWR_ISLAND_EN0, b));
	ret = noc_check(dev, NPU_TOP_NOC_QREQN, NPU_TOP_NOC_ALL, 0,
			"power domain: TOP_NOC_QREQN not idle");
	if (ret)
		return ret;
	rmw_v(dev, NPU_HOST_SS_CPR_CLK_SET, NPU_HOST_SS_CPR_ALL, 0);      /* host_ss_clk_enable */
	rmw_v(dev, NPU_HOST_SS_AON_PWR_ISO_EN0, 0, NPU_AON_PWR_MSS_CPU);  /* isolation off */
	rmw_v(dev, NPU_HOST_SS_CPR_RST_SET, NPU_HOST_SS_CPR_ALL, 0);      /* host_ss_rst_enable */
	rmw_v(dev, NPU_HOST_SS_AON_DPU_ACTIVE, NPU_AON_DPU_ACTIVE, 0);
	return 0;
}

static int host_ss_axi_enable(struct npu_device *dev)
{
	int ret;

	rmw_v(dev, NPU_HOST_SS_NOC_QREQN, NPU_HOST_SS_NOC_TOP_SOCMMIO, 0);
	ret = noc_check(dev, NPU_HOST_SS_NOC_QACCEPTN, NPU_HOST_SS_NOC_TOP_SOCMMIO,
			NPU_HOST_SS_NOC_TOP_SOCMMIO, "AXI enable: NOC_QACCEPTN.TOP_SOCMMIO not accepted");
	if (!ret)
		ret = noc_check(dev, NPU_HOST_SS_NOC_QDENY, NPU_HOST_SS_NOC_TOP_SOCMMIO, 0,
				"AXI enable: NOC_QDENY.TOP_SOCMMIO denied");
	return ret;
}

static int top_noc_enable(struct npu_device *dev)
{
	int ret;

	rmw_v(dev, NPU_TOP_NOC_QREQN, NPU_TOP_NOC_ALL, 0);
	ret = noc_check(dev, NPU_TOP_NOC_QACCEPTN, NPU_TOP_NOC_ALL, NPU_TOP_NOC_ALL,
			"TOP NOC enable: TOP_NOC_QACCEPTN not accepted");
	if (!ret)
		ret = noc_check(dev, NPU_TOP_NOC_QDENY, NPU_TOP_NOC_ALL, 0,
				"TOP NOC enable: TOP_NOC_QDENY denied");
	return ret;
}

/* ivpu_hw_power_up for 37xx (§3.1 steps 1-9) */
int npu_pm_power_up(struct npu_device *dev)
{
	int ret;

	dev->powered = true;   /* from here on, tearing down means powering down */
	/* Step 1 (wp0_during_power_up workaround) and step 2 (D0i3 exit): a
	 * failure only warns, as in ivpu. */
	dev->soft_fail++;
	ret = npu_pm_wp_drive(dev, false);
	if (ret)
		npu_warn(dev, "power-up: workpoint 0 failed (continuing): %s", dev->last_error);
	ret = npu_pm_d0i3_drive(dev, false);
	if (ret)
		npu_warn(dev, "power-up: D0i3 exit failed (continuing): %s", dev->last_error);
	dev->soft_fail--;
	dev->last_error[0] = '\0';
	dev->last_err = 0;
	/* Step 3: workpoint with the fused ratios */
	ret = npu_pm_wp_drive(dev, true);
	if (ret)
		return ret;
	/* Steps 4-5 */
	ret = host_ss_configure(dev);
	if (ret)
		return ret;
	/* Step 6: idle generator off */
	rmw_v(dev, NPU_HOST_SS_AON_VPU_IDLE_GEN, 0, NPU_AON_VPU_IDLE_GEN_EN);
	/* Step 7 */
	ret = pwr_domain_enable(dev);
	if (ret)
		return ret;
	/* Steps 8-9 */
	ret = host_ss_axi_enable(dev);
	if (ret)
		return ret;
	return top_noc_enable(dev);
}

bool npu_pm_ip_powered(struct npu_device *dev)
{
	uint32_t st = npu_regb_rd32(dev, NPU_BTRS_VPU_STATUS);
	uint32_t d0i3 = npu_regb_rd32(dev, NPU_BTRS_VPU_D0I3_CONTROL);

	return st != UINT32_MAX && (st & NPU_BTRS_VPU_STATUS_READY) &&
	       !(d0i3 & NPU_BTRS_VPU_D0I3_CONTROL_I3);
}

bool npu_pm_is_idle(struct npu_device *dev)
{
	uint32_t v = npu_regb_rd32(dev, NPU_BTRS_VPU_STATUS);

	return (v & NPU_BTRS_VPU_STATUS_READY) && (v & NPU_BTRS_VPU_STATUS_IDLE);
}

int npu_pm_wait_for_idle(struct npu_device *dev)
{
	uint32_t v;
	char a[128];

	if (npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_STATUS_IDLE,
		       NPU_BTRS_VPU_STATUS_IDLE, dev->t.idle_us, &v))
		return npu_fail(dev, -ETIMEDOUT, "NPU not idle within %u ms: %s",
				dev->t.idle_us / 1000,
				npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_VPU_STATUS, v, a, sizeof(a)));
	return 0;
}

/* ivpu_hw_power_down: IP reset, workpoint 0, D0i3 (§3.6). Keeps going after
 * a failed step so the device ends as close to reset as possible; returns
 * the first error. */
int npu_pm_power_down(struct npu_device *dev)
{
	int ret = 0, r;

	dev->d0i3_entry_host_ns = npu_now_ns(dev);
	dev->d0i3_entry_vpu_ts = npu_pm_ip_powered(dev) ?
				 npu_regv_rd64(dev, NPU_CPU_SS_TIM_PERF_FREE_CNT) : 0;
	if (!npu_pm_is_idle(dev))
		npu_warn(dev, "power-down of a busy NPU (VPU_STATUS.IDLE is 0)");

	r = npu_pm_ip_reset(dev);
	if (r)
		ret = r;
	r = npu_pm_wp_drive(dev, false);
	if (r && !ret)
		ret = r;
	r = npu_pm_d0i3_drive(dev, true);
	if (r && !ret)
		ret = r;
	dev->powered = false;
	return ret;
}

/* wdt_disable_37xx: each watchdog write behind the TIM_SAFE key. */
void npu_pm_wdt_disable(struct npu_device *dev)
{
	uint32_t v;

	npu_regv_wr32(dev, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	npu_regv_wr32(dev, NPU_CPU_SS_TIM_WATCHDOG, NPU_TIM_WATCHDOG_RESET_VALUE);
	npu_regv_wr32(dev, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	npu_regv_wr32(dev, NPU_CPU_SS_TIM_WDOG_EN, 0);
	v = npu_regv_rd32(dev, NPU_CPU_SS_TIM_GEN_CONFIG);
	npu_regv_wr32(dev, NPU_CPU_SS_TIM_GEN_CONFIG, v & ~NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR);
}
