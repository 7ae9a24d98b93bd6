/* SPDX-License-Identifier: MIT */
/*
 * Buttress (BAR4): workpoint/PLL handshake, D0i3, IP reset, buttress
 * interrupts and error logs. hw-facts §2.1, §3.1, §3.6.
 *
 * Power model: the NPU IP is powered (BAR0 reachable, VPU_STATUS.READY)
 * while a non-zero PLL ratio is granted and D0i3 is not requested. Losing
 * power loses the IP's state, exactly like an IP reset.
 */
#include <stddef.h>
#include <string.h>

#include "npum_internal.h"

static struct npum_btrs *btrs(struct npum *n)
{
	return &n->btrs;
}

/* The buttress is outside the NPU IP: only a cold reset resets it. */
static void btrs_reset(struct npum *n)
{
	struct npum_btrs *b = btrs(n);

	npum_event_cancel(n, &b->ev_wp);
	npum_event_cancel(n, &b->ev_d0i3);
	npum_event_cancel(n, &b->ev_ip_reset);
	memset(b, 0, offsetof(struct npum_btrs, ev_wp));
	/* Everything masked out of reset; ivpu unmasks after the firmware
	 * is ready (§3.4). */
	b->local_mask = UINT32_MAX;
	b->global_mask = NPU_BTRS_GLOBAL_INT_MASK_MASKED;
	/* The function comes out of cold reset in D0i3 with no workpoint. */
	b->d0i3 = NPU_BTRS_VPU_D0I3_CONTROL_I3;
}

uint32_t npum_btrs_pending(const struct npum *n)
{
	return n->btrs.int_stat & ~n->btrs.local_mask & NPU_BTRS_INTERRUPT_STAT_ALL;
}

void npum_btrs_raise(struct npum *n, uint32_t bits)
{
	n->btrs.int_stat |= bits;
	npum_irq_update(n);
}

void npum_btrs_ufi_error(struct npum *n, uint32_t opcode)
{
	n->btrs.ufi_err_log = (uint32_t)NPU_FLD_PREP(NPU_BTRS_UFI_ERR_LOG_OPCODE, opcode);
	npum_btrs_raise(n, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
}

/* Run the IP reset that a power loss implies, if power just went away. */
static void btrs_power_changed(struct npum *n, bool was_powered)
{
	bool powered = npum_ip_powered(n);

	if (was_powered == powered)
		return;
	npum_trace_power(n, "buttress", powered ? "ip-power-on" : "ip-power-off",
			 n->btrs.current_ratio, n->btrs.d0i3);
	if (!powered)
		npum_ip_reset(n);
	else
		npum_perf_restart(n); /* an unpowered counter does not count */
}

static uint32_t clamp_ratio(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The punit grants the requested target within the fused range and the
 * request's own min/max; a zero target turns the PLL off (§3.1). */
static void btrs_workpoint_done(struct npum *n, struct npum_event *ev)
{
	struct npum_btrs *b = btrs(n);
	bool was_powered = npum_ip_powered(n);
	uint32_t target = (uint32_t)NPU_FLD_GET(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO, b->wp_payload[1]);
	uint32_t lo = (uint32_t)NPU_FLD_GET(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO, b->wp_payload[0]);
	uint32_t hi = (uint32_t)NPU_FLD_GET(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO, b->wp_payload[0]);
	uint32_t old = b->current_ratio;

	b->wp_send = false;
	if (target) {
		if (lo < n->cfg.fuse_min_ratio || lo > n->cfg.fuse_max_ratio)
			lo = n->cfg.fuse_min_ratio;
		if (hi > n->cfg.fuse_max_ratio || hi < lo)
			hi = n->cfg.fuse_max_ratio;
		b->current_ratio = clamp_ratio(target, lo, hi);
		b->current_config = (uint32_t)NPU_FLD_GET(NPU_BTRS_WP_REQ_PAYLOAD2_CONFIG, b->wp_payload[2]);
		b->pll_lock = true;
	} else {
		b->current_ratio = 0;
		b->current_config = 0;
		b->pll_lock = false;
	}
	npum_trace_power(n, "buttress", "workpoint", b->current_ratio, b->current_config);
	if (old != b->current_ratio)
		b->int_stat |= NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE;
	btrs_power_changed(n, was_powered);
	npum_irq_update(n);
}

static void btrs_d0i3_done(struct npum *n, struct npum_event *ev)
{
	btrs(n)->d0i3_inprogress = false;
	npum_trace_power(n, "buttress", "d0i3-done", btrs(n)->d0i3, 0);
}

static void btrs_ip_reset_done(struct npum *n, struct npum_event *ev)
{
	btrs(n)->ip_reset_trigger = false;
	npum_trace_power(n, "buttress", "ip-reset-done", 0, 0);
}

/* ---- Registers ------------------------------------------------------------------ */

static uint64_t rd_zero(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return 0;
}

static uint64_t rd_int_stat(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->int_stat;
}

/* Write-1-to-clear. ivpu probes for the "clear with 0" erratum by writing
 * all sources and reading back (§2.1): W1C makes it read 0, no erratum. */
static void wr_int_stat(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->int_stat &= ~(uint32_t)v;
	npum_irq_update(n);
}

static uint64_t rd_wp_payload(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->wp_payload[(r->offset - NPU_BTRS_WP_REQ_PAYLOAD0) / 4];
}

static void wr_wp_payload(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (btrs(n)->wp_send) {
		npum_guest_error(n, "buttress %s written while a workpoint request is in flight",
				r->name);
		return;
	}
	btrs(n)->wp_payload[(r->offset - NPU_BTRS_WP_REQ_PAYLOAD0) / 4] = (uint32_t)v;
}

static uint64_t rd_wp_cmd(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->wp_send ? NPU_BTRS_WP_REQ_CMD_SEND : 0;
}

static void wr_wp_cmd(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (!(v & NPU_BTRS_WP_REQ_CMD_SEND))
		return;
	if (btrs(n)->wp_send) {
		/* ivpu waits for SEND == 0 before a new request (§3.1) */
		npum_guest_error(n, "workpoint request sent while the previous one is in flight");
		return;
	}
	btrs(n)->wp_send = true;
	npum_event_arm(n, &btrs(n)->ev_wp, npum_now(n) + NPUM_DELAY_WP_NS);
}

static uint64_t rd_current_pll(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->current_ratio;
}

static uint64_t rd_pll_enable(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->pll_enable;
}

static void wr_pll_enable(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->pll_enable = (uint32_t)v;
}

static uint64_t rd_fmin_fuse(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return NPU_FLD_PREP(NPU_BTRS_FMIN_FUSE_MIN_RATIO, n->cfg.fuse_min_ratio) |
	       NPU_FLD_PREP(NPU_BTRS_FMIN_FUSE_PN_RATIO, n->cfg.fuse_pn_ratio);
}

static uint64_t rd_fmax_fuse(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return NPU_FLD_PREP(NPU_BTRS_FMAX_FUSE_MAX_RATIO, n->cfg.fuse_max_ratio);
}

/* Both tiles enabled: VALID with no tile disabled (ivpu's MTL path uses a
 * fixed fuse value of 0 and does not read this). */
static uint64_t rd_tile_fuse(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return NPU_BTRS_TILE_FUSE_VALID;
}

static uint64_t rd_local_mask(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->local_mask;
}

static void wr_local_mask(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->local_mask = (uint32_t)v;
	npum_irq_update(n);
}

static uint64_t rd_global_mask(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->global_mask;
}

/* The host's handler masks everything here, serves the sources and unmasks;
 * a source still pending at that point must produce a fresh MSI (§1.3), which
 * npum_irq_update sends because the line rises again. */
static void wr_global_mask(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->global_mask = (uint32_t)v & NPU_BTRS_GLOBAL_INT_MASK_MASKED;
	npum_irq_update(n);
}

static uint64_t rd_pll_status(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->pll_lock ? NPU_BTRS_PLL_STATUS_LOCK : 0;
}

static uint64_t rd_vpu_status(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint64_t v = 0;

	if (npum_ip_powered(n)) {
		v |= NPU_BTRS_VPU_STATUS_READY;
		/* idle: the control core waits for work and no engine has a
		 * task, running or waiting on barriers */
		if (npum_lrt_idle(n) && !npum_dma_busy(n) && !npum_act_busy(n) &&
		    !npum_dpu_busy(n))
			v |= NPU_BTRS_VPU_STATUS_IDLE;
	}
	return v;
}

static uint64_t rd_ip_reset(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->ip_reset_trigger ? NPU_BTRS_VPU_IP_RESET_TRIGGER : 0;
}

static void wr_ip_reset(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (!(v & NPU_BTRS_VPU_IP_RESET_TRIGGER))
		return;
	if (btrs(n)->ip_reset_trigger) {
		npum_guest_error(n, "IP reset triggered while the previous one is in progress");
		return;
	}
	btrs(n)->ip_reset_trigger = true;
	npum_ip_reset(n);
	npum_event_arm(n, &btrs(n)->ev_ip_reset, npum_now(n) + NPUM_DELAY_IP_RESET_NS);
}

static uint64_t rd_d0i3(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->d0i3 |
	       (btrs(n)->d0i3_inprogress ? NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS : 0);
}

static void wr_d0i3(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	struct npum_btrs *b = btrs(n);
	bool was_powered = npum_ip_powered(n);
	uint32_t i3 = (uint32_t)v & NPU_BTRS_VPU_D0I3_CONTROL_I3;

	if (b->d0i3_inprogress) {
		npum_guest_error(n, "D0i3 control written while a transition is in progress");
		return;
	}
	if (i3 == b->d0i3)
		return;
	b->d0i3 = i3;
	b->d0i3_inprogress = true;
	npum_event_arm(n, &b->ev_d0i3, npum_now(n) + NPUM_DELAY_D0I3_NS);
	npum_trace_power(n, "buttress", i3 ? "d0i3-enter" : "d0i3-exit", 0, 0);
	btrs_power_changed(n, was_powered);
}

static uint64_t rd_telemetry(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->telemetry[(r->offset - NPU_BTRS_VPU_TELEMETRY_OFFSET) / 4];
}

static void wr_telemetry(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->telemetry[(r->offset - NPU_BTRS_VPU_TELEMETRY_OFFSET) / 4] = (uint32_t)v;
}

static uint64_t rd_ats_log(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return r->offset == NPU_BTRS_ATS_ERR_LOG_0 ? (uint32_t)btrs(n)->ats_err_log
						  : btrs(n)->ats_err_log >> 32;
}

static void wr_ats_clear(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->ats_err_log = 0;
}

static uint64_t rd_ufi_log(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return btrs(n)->ufi_err_log;
}

static void wr_ufi_clear(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	btrs(n)->ufi_err_log = 0;
}

static const struct npum_reg btrs_regs[] = {
	REG_RO(BTRS_INTERRUPT_TYPE, rd_zero),
	REG_RW(BTRS_INTERRUPT_STAT, rd_int_stat, wr_int_stat),
	REG_RW(BTRS_WP_REQ_PAYLOAD0, rd_wp_payload, wr_wp_payload),
	REG_RW(BTRS_WP_REQ_PAYLOAD1, rd_wp_payload, wr_wp_payload),
	REG_RW(BTRS_WP_REQ_PAYLOAD2, rd_wp_payload, wr_wp_payload),
	REG_RW(BTRS_WP_REQ_CMD, rd_wp_cmd, wr_wp_cmd),
	REG_RO(BTRS_WP_DOWNLOAD, rd_current_pll),
	REG_RO(BTRS_CURRENT_PLL, rd_current_pll),
	REG_RW(BTRS_PLL_ENABLE, rd_pll_enable, wr_pll_enable),
	REG_RO(BTRS_FMIN_FUSE, rd_fmin_fuse),
	REG_RO(BTRS_FMAX_FUSE, rd_fmax_fuse),
	REG_RO(BTRS_TILE_FUSE, rd_tile_fuse),
	REG_RW(BTRS_LOCAL_INT_MASK, rd_local_mask, wr_local_mask),
	REG_RW(BTRS_GLOBAL_INT_MASK, rd_global_mask, wr_global_mask),
	REG_RO(BTRS_PLL_STATUS, rd_pll_status),
	REG_RO(BTRS_VPU_STATUS, rd_vpu_status),
	REG_RW(BTRS_VPU_IP_RESET, rd_ip_reset, wr_ip_reset),
	REG_RW(BTRS_VPU_D0I3_CONTROL, rd_d0i3, wr_d0i3),
	REG_RW(BTRS_VPU_TELEMETRY_OFFSET, rd_telemetry, wr_telemetry),
	REG_RW(BTRS_VPU_TELEMETRY_SIZE, rd_telemetry, wr_telemetry),
	REG_RW(BTRS_VPU_TELEMETRY_ENABLE, rd_telemetry, wr_telemetry),
	REG_RO(BTRS_ATS_ERR_LOG_0, rd_ats_log),
	REG_RO(BTRS_ATS_ERR_LOG_1, rd_ats_log),
	REG_WO(BTRS_ATS_ERR_CLEAR, wr_ats_clear),
	REG_RO(BTRS_UFI_ERR_LOG, rd_ufi_log),
	REG_WO(BTRS_UFI_ERR_CLEAR, wr_ufi_clear),
};

static const struct npum_window btrs_windows[] = {
	NPUM_WINDOW("BUTTRESS", NPU_BAR_REGB, 0, NPU_BAR4_SIZE, false, btrs_regs),
};

static int btrs_init(struct npum *n)
{
	npum_event_init(n, &btrs(n)->ev_wp, "buttress workpoint", btrs_workpoint_done);
	npum_event_init(n, &btrs(n)->ev_d0i3, "buttress d0i3", btrs_d0i3_done);
	npum_event_init(n, &btrs(n)->ev_ip_reset, "buttress ip-reset", btrs_ip_reset_done);
	return 0;
}

const struct npum_block npum_block_buttress = {
	.name = "buttress",
	.windows = NPUM_WINDOWS(btrs_windows),
	.init = btrs_init,
	.reset = btrs_reset,
};
