/* SPDX-License-Identifier: MIT */
/*
 * The buttress (BAR4, qemu-device/model/buttress.c): workpoint/PLL
 * handshake, D0i3, IP reset, fuses, interrupt status and masks, error logs,
 * telemetry and VPU_STATUS. hw-facts §2.1, §3.1, §3.6; the model's choices
 * are docs/deviations.md P1-P7, I4, I5.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "model_prog.h"
#include "npum_internal.h"     /* no modelled source of an ATS error; DMA errors */
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"

#define V NPU_BAR_REGV
#define B NPU_BAR_REGB

static struct mh H;

static uint32_t rb(uint32_t off)
{
	return mh_rd32(&H, B, off);
}

static void wb(uint32_t off, uint32_t v)
{
	mh_wr32(&H, B, off, v);
}

static uint32_t p0(uint32_t min, uint32_t max)
{
	return (uint32_t)(NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO, min) |
			  NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO, max));
}

static uint32_t p1(uint32_t target)
{
	return (uint32_t)(NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO, target) |
			  NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD1_EPP, NPU_WP_EPP_DEFAULT));
}

/* D0i3 exit only (§3.1 step 2): the PLL is still off. */
static void d0i3_exit(void)
{
	wb(NPU_BTRS_VPU_D0I3_CONTROL, 0);
	mh_advance(&H, NPUM_DELAY_D0I3_NS);
	CU_ASSERT_EQUAL_FATAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), 0);
}

static void up(void)
{
	mh_init(&H, MH_RAM_DEFAULT);
	CU_ASSERT_EQUAL_FATAL(mh_power_up(&H), 0);
}

/* ---- Reset state and fuses ------------------------------------------------------- */

static void test_cold_reset_state(void)
{
	mh_init(&H, MH_RAM_DEFAULT);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_TYPE), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_CMD), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_STATUS), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_IP_RESET), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), NPU_BTRS_VPU_D0I3_CONTROL_I3);   /* P3 */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_LOCAL_INT_MASK), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_GLOBAL_INT_MASK), NPU_BTRS_GLOBAL_INT_MASK_MASKED);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), 0);
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_ATS_ERR_LOG_0), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_OFFSET), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_ENABLE), 0);
	/* PLL_ENABLE is a plain latch */
	wb(NPU_BTRS_PLL_ENABLE, 0xA5A5A5A5);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_ENABLE), 0xA5A5A5A5);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

static void test_fuses(void)
{
	struct npum_config cfg;

	mh_init(&H, MH_RAM_DEFAULT);      /* P6: 9 / 21 / 35 */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_FMIN_FUSE), 9 | 21 << 8);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_FMAX_FUSE), 35);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_TILE_FUSE), NPU_BTRS_TILE_FUSE_VALID);
	mh_fini(&H);

	npum_config_default(&cfg);
	cfg.fuse_min_ratio = 10;
	cfg.fuse_pn_ratio = 20;
	cfg.fuse_max_ratio = 30;
	mh_init_cfg(&H, MH_RAM_DEFAULT, &cfg);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_FMIN_FUSE), 10 | 20 << 8);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_FMAX_FUSE), 30);
	/* ivpu's power-up asks for the PN ratio within the fused range */
	CU_ASSERT_EQUAL_FATAL(mh_power_up(&H), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 20);
	mh_fini(&H);
}

/* ---- Workpoint ----------------------------------------------------------------------- */

static void test_workpoint_handshake(void)
{
	mh_init(&H, MH_RAM_DEFAULT);
	d0i3_exit();
	wb(NPU_BTRS_WP_REQ_PAYLOAD0, p0(9, 35));
	wb(NPU_BTRS_WP_REQ_PAYLOAD1, p1(21));
	wb(NPU_BTRS_WP_REQ_PAYLOAD2, NPU_WP_CONFIG_MTL_2_TILES_4_3);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_PAYLOAD0), p0(9, 35));
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_PAYLOAD1), p1(21));
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_PAYLOAD2), NPU_WP_CONFIG_MTL_2_TILES_4_3);
	mh_trace_log(&H, true);
	wb(NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	/* SEND stays set for the whole delay (P4: 10 µs) */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_CMD), NPU_BTRS_WP_REQ_CMD_SEND);
	mh_advance(&H, NPUM_DELAY_WP_NS - 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_CMD), NPU_BTRS_WP_REQ_CMD_SEND);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_STATUS), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0);
	mh_advance(&H, 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_CMD), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_STATUS), NPU_BTRS_PLL_STATUS_LOCK);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 21);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_DOWNLOAD), 21);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR),
			21 | (uint32_t)NPU_WP_CONFIG_MTL_2_TILES_4_3 << 16);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_POWER, "buttress", "workpoint"), 1);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_POWER, "buttress", "ip-power-on"), 1);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* The grant is the target clamped to the fused range and the request's own
 * min/max (P5); FREQ_CHANGE is raised only when the ratio changes. */
static void test_workpoint_clamp(void)
{
	static const struct { uint32_t min, max, target, want; } t[] = {
		{ 9, 35, 21, 21 },
		{ 9, 35, 21, 21 },    /* same again: no FREQ_CHANGE */
		{ 9, 35, 50, 35 },    /* above the fused max */
		{ 9, 35, 3, 9 },      /* below the fused min */
		{ 15, 20, 30, 20 },   /* the request's max */
		{ 15, 20, 10, 15 },   /* the request's min */
		{ 0, 35, 5, 9 },      /* request min below the fuse: fuse min */
		{ 40, 50, 45, 35 },   /* request range above the fuse: fuse range */
		{ 20, 10, 15, 20 },   /* max < min: fuse max */
		{ 9, 0, 12, 12 },
		{ 35, 35, 1, 35 },
	};
	uint32_t prev = 0;

	mh_init(&H, MH_RAM_DEFAULT);
	d0i3_exit();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t cfg = 0x100u + (uint32_t)i;

		CU_ASSERT_TRUE_FATAL(mh_wp_request(&H, p0(t[i].min, t[i].max), p1(t[i].target), cfg));
		if (rb(NPU_BTRS_CURRENT_PLL) != t[i].want)
			fprintf(stderr, "\n  request %u..%u target %u: granted %u, wanted %u\n",
				t[i].min, t[i].max, t[i].target, rb(NPU_BTRS_CURRENT_PLL), t[i].want);
		CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), t[i].want);
		CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_STATUS), NPU_BTRS_PLL_STATUS_LOCK);
		CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR),
				t[i].want | cfg << 16);
		CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT) & NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE,
				t[i].want != prev ? NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE : 0);
		wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
		prev = t[i].want;
	}
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* Target 0 turns the PLL off, which powers the IP off and resets it (P2). */
static void test_workpoint_zero_powers_off(void)
{
	uint64_t resets;
	unsigned g;

	up();
	mh_wr32(&H, V, NPU_HOST_SS_GEN_CTRL, 0x40000000);
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	resets = npum_get_stats(H.npu)->ip_resets;
	CU_ASSERT_TRUE_FATAL(mh_wp_request(&H, 0, 0, 0));
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_PLL_STATUS), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	CU_ASSERT_EQUAL(npum_get_stats(H.npu)->ip_resets, resets + 1);
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	/* power back: the IP starts from its reset state */
	CU_ASSERT_TRUE_FATAL(mh_wp_request(&H, p0(9, 35), p1(21), NPU_WP_CONFIG_MTL_2_TILES_4_3));
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0);
	CU_ASSERT_EQUAL(npum_get_stats(H.npu)->ip_resets, resets + 1);
	mh_fini(&H);
}

/* ivpu waits for SEND == 0 before a new request (§3.1). */
static void test_workpoint_in_flight(void)
{
	unsigned g;

	mh_init(&H, MH_RAM_DEFAULT);
	d0i3_exit();
	wb(NPU_BTRS_WP_REQ_PAYLOAD0, p0(9, 35));
	wb(NPU_BTRS_WP_REQ_PAYLOAD1, p1(25));
	wb(NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	mh_advance(&H, 5000);
	g = H.guest_errors;
	wb(NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	wb(NPU_BTRS_WP_REQ_PAYLOAD1, p1(30));
	wb(NPU_BTRS_WP_REQ_PAYLOAD0, p0(30, 35));
	CU_ASSERT_EQUAL(H.guest_errors - g, 3);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_PAYLOAD1), p1(25));
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_PAYLOAD0), p0(9, 35));
	/* writing 0 to the command register is not a request */
	wb(NPU_BTRS_WP_REQ_CMD, 0);
	CU_ASSERT_EQUAL(H.guest_errors - g, 3);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_CMD), NPU_BTRS_WP_REQ_CMD_SEND);
	/* the second SEND did not restart the delay: done 10 µs after the first */
	mh_advance(&H, NPUM_DELAY_WP_NS - 5000);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_WP_REQ_CMD), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 25);
	mh_fini(&H);
}

/* ---- D0i3 ------------------------------------------------------------------------------ */

static void test_d0i3_handshake(void)
{
	unsigned g;

	mh_init(&H, MH_RAM_DEFAULT);
	wb(NPU_BTRS_VPU_D0I3_CONTROL, 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS);
	mh_advance(&H, NPUM_DELAY_D0I3_NS - 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS);
	g = H.guest_errors;
	wb(NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_I3);   /* while in progress */
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	mh_advance(&H, 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), 0);
	/* writing the state it is already in starts nothing */
	wb(NPU_BTRS_VPU_D0I3_CONTROL, 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), 0);
	/* no power without a workpoint */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), 0);
	/* entry: I3 and INPROGRESS, then INPROGRESS clears */
	wb(NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_I3);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL),
			NPU_BTRS_VPU_D0I3_CONTROL_I3 | NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS);
	mh_advance(&H, NPUM_DELAY_D0I3_NS);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_D0I3_CONTROL), NPU_BTRS_VPU_D0I3_CONTROL_I3);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	mh_fini(&H);
}

/* D0i3 entry takes the IP's power and state (P1, P2); exit brings the
 * granted workpoint back without a new request. */
static void test_d0i3_entry_resets_ip(void)
{
	uint64_t resets;

	up();
	mh_wr32(&H, V, NPU_HOST_SS_GEN_CTRL, 0x40000000);
	mh_wr32(&H, V, NPU_HOST_SS_ICB_ENABLE_0, NPU_ICB_0_HOST_IPC_FIFO);
	mh_wr32(&H, V, NPU_CPU_SS_DOORBELL(4), 1);
	resets = npum_get_stats(H.npu)->ip_resets;
	mh_trace_log(&H, true);
	wb(NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_I3);
	CU_ASSERT_EQUAL(npum_get_stats(H.npu)->ip_resets, resets + 1);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_POWER, "buttress", "ip-power-off"), 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0xFFFFFFFF);
	/* a second in D0i3: the perf counter does not count it (hw-facts §4.4:
	 * the host passes the residency to the firmware instead) */
	mh_advance(&H, 1000000000);
	wb(NPU_BTRS_VPU_D0I3_CONTROL, 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_READY,
			NPU_BTRS_VPU_STATUS_READY);
	mh_advance(&H, 625);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 24);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_CURRENT_PLL), 21);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_ENABLE_0), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_CPU_SS_DOORBELL(4)), 0);
	CU_ASSERT_EQUAL(npum_get_stats(H.npu)->ip_resets, resets + 1);
	mh_fini(&H);
}

/* ---- IP reset ------------------------------------------------------------------------ */

static void test_ip_reset(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint64_t insns, t_reset;
	unsigned g;

	mp_init(&P, NULL);
	mp_loop_boot(&P);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RUNNING);
	/* state all over BAR0 */
	mh_wr32(h, V, NPU_HOST_SS_GEN_CTRL, 0x40000000);
	mh_wr32(h, V, NPU_HOST_SS_FW_SOC_IRQ_EN, NPU_HOST_SS_FW_SOC_IRQ_EN_ALL);
	mh_wr64(h, V, NPU_HOST_SS_ICB_ENABLE_0, 0x7C00001F0ull);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(200), 1);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0xABC);
	npum_fifo_push(h->npu, &h->npu->to_host, 0xDEF, "to-host");
	npum_icb_raise(h->npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	mh_wr32(h, V, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	mh_wr32(h, V, NPU_CPU_SS_TIM_GEN_CONFIG, NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR);
	mh_wr32(h, V, NPU_CPU_SS_MSSCPU_CPR_CLK_SET, NPU_MSSCPU_CPR_CPU_DSU);
	mh_wr32(h, B, NPU_BTRS_VPU_TELEMETRY_SIZE, 0x1000);
	mh_wr32(h, B, NPU_BTRS_LOCAL_INT_MASK, 0xFFFFFFF9);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_MMU_CR0) & NPU_MMU_CR0_SMMUEN, NPU_MMU_CR0_SMMUEN);
	CU_ASSERT_NOT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT), 0);

	g = h->guest_errors;
	mh_trace_log(h, true);
	mh_wr32(h, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	t_reset = h->now_ns;
	insns = npum_get_stats(h->npu)->lrt_instructions;
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_VPU_IP_RESET), NPU_BTRS_VPU_IP_RESET_TRIGGER);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_POWER, "npu", "ip-reset"), 1);
	mh_wr32(h, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);   /* in progress */
	CU_ASSERT_EQUAL(h->guest_errors - g, 1);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_POWER, "npu", "ip-reset"), 1);
	mh_advance(h, NPUM_DELAY_IP_RESET_NS - 1);
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_VPU_IP_RESET), NPU_BTRS_VPU_IP_RESET_TRIGGER);
	mh_advance(h, 1);
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_VPU_IP_RESET), 0);
	mh_advance(h, 1000000);

	/* host subsystem, AON, host interface back at reset values */
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_GEN_CTRL), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_FW_SOC_IRQ_EN), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_CPR_CLK_SET), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_CPR_RST_SET), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_CPR_RST_CLR), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_NOC_QREQN), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_TOP_NOC_QREQN), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_AON_PWR_ISO_EN0), NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_AON_PWR_ISLAND_EN0), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_AON_VPU_IDLE_GEN), NPU_AON_VPU_IDLE_GEN_EN);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_AON_DPU_ACTIVE), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_LOADING_ADDRESS_LO), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_IF_TCU_PTW_OVERRIDES), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_IF_TBU_MMUSSIDV), 0);
	/* interrupts, FIFOs, doorbells */
	CU_ASSERT_EQUAL(mh_rd64(h, V, NPU_HOST_SS_ICB_ENABLE_0), 0);
	CU_ASSERT_EQUAL(mh_rd64(h, V, NPU_HOST_SS_ICB_STATUS_0), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_EQUAL(h->npu->to_fw.level, 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DOORBELL(200)), 0);
	/* CPU subsystem, core stopped */
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_MSSCPU_CPR_CLK_SET), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_SAFE), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_GEN_CONFIG), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_WDOG_EN), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_WATCHDOG), NPU_TIM_WATCHDOG_RESET_VALUE);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL), NPU_DSU_STATE_RESET);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG), 0);
	CU_ASSERT_EQUAL(npum_get_stats(h->npu)->lrt_instructions, insns);
	/* the perf counter restarts at the reset */
	CU_ASSERT_EQUAL(mh_rd64(h, V, NPU_CPU_SS_TIM_PERF_FREE_CNT),
			(h->now_ns - t_reset) * 24 / 625);
	/* MMU off */
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_MMU_CR0), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_MMU_CR0ACK), 0);
	/* the buttress keeps its own state and power */
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_VPU_STATUS),
			NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_CURRENT_PLL), 21);
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_VPU_TELEMETRY_SIZE), 0x1000);
	CU_ASSERT_EQUAL(mh_rd32(h, B, NPU_BTRS_LOCAL_INT_MASK), 0xFFFFFFF9);
	CU_ASSERT_EQUAL(h->guest_errors - g, 1);
	mp_fini(&P);
}

/* ---- Interrupt status and masks ----------------------------------------------------- */

static void test_interrupt_stat_w1c(void)
{
	up();
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);  /* FREQ_CHANGE of power-up */
	/* ivpu's erratum probe (§2.1): write all sources, read back 0 */
	wb(NPU_BTRS_INTERRUPT_STAT, 0x7);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0);
	npum_btrs_raise(H.npu, NPU_BTRS_INTERRUPT_STAT_ALL);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0x7);
	wb(NPU_BTRS_INTERRUPT_STAT, 0);                 /* the erratum's clear: no effect */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0x7);
	wb(NPU_BTRS_INTERRUPT_STAT, 0xFFFFFFF8);        /* no such sources */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0x7);
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ATS_ERR);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT),
			NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE | NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	wb(NPU_BTRS_INTERRUPT_STAT, 0x7);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

static void test_masks(void)
{
	up();
	wb(NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_LOCAL_INT_MASK), 0xFFFFFFF9);
	wb(NPU_BTRS_LOCAL_INT_MASK, 0x12345678);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_LOCAL_INT_MASK), 0x12345678);
	wb(NPU_BTRS_GLOBAL_INT_MASK, 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_GLOBAL_INT_MASK), 0);
	wb(NPU_BTRS_GLOBAL_INT_MASK, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_GLOBAL_INT_MASK), NPU_BTRS_GLOBAL_INT_MASK_MASKED);
	wb(NPU_BTRS_GLOBAL_INT_MASK, 0xFFFFFFFE);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_GLOBAL_INT_MASK), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* ---- Error logs ------------------------------------------------------------------------ */

/* A device DMA that cannot complete is a UFI error (I5): logged with the
 * opcode (1 read, 2 write), INTERRUPT_STAT.UFI_ERR, an MSI when unmasked. */
static void test_ufi_error(void)
{
	uint8_t buf[8] = { 0 };
	unsigned g, msis;

	up();
	mh_mmu_setup(&H);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_enable(&H), 0);
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	wb(NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	wb(NPU_BTRS_GLOBAL_INT_MASK, 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), 0);

	/* bus mastering off: the MMU's command-queue read fails */
	npum_bus_master_changed(H.npu, false);
	g = H.guest_errors;
	msis = H.msis;
	CU_ASSERT_EQUAL(mh_mmu_cmd(&H, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_SYNC), 0), 0);
	mh_wr32(&H, V, NPU_MMU_CMDQ_PROD, H.cmdq_prod);
	mh_advance(&H, 100000);
	CU_ASSERT(H.guest_errors > g);
	CU_ASSERT(strstr(H.last_guest_error, "bus mastering") != NULL ||
		  npum_get_stats(H.npu)->dma_errors > 0);
	CU_ASSERT(npum_get_stats(H.npu)->dma_errors > 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT) & NPU_BTRS_INTERRUPT_STAT_UFI_ERR,
			NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG),
			NPU_FLD_PREP(NPU_BTRS_UFI_ERR_LOG_OPCODE, 1));
	CU_ASSERT_EQUAL(H.msis, msis);                  /* no bus mastering, no MSI */
	wb(NPU_BTRS_UFI_ERR_CLEAR, 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), 0);
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0);

	/* a failed write logs opcode 2 */
	g = H.guest_errors;
	CU_ASSERT_NOT_EQUAL(npum_dma_write(H.npu, 0x1000, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), NPU_FLD_PREP(NPU_BTRS_UFI_ERR_LOG_OPCODE, 2));
	wb(NPU_BTRS_UFI_ERR_CLEAR, 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), 0);
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);

	/* bus mastering on, no memory at the address: the same, and an MSI */
	npum_bus_master_changed(H.npu, true);
	msis = H.msis;
	g = H.guest_errors;
	CU_ASSERT_NOT_EQUAL(npum_dma_read(H.npu, 1ull << 40, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	CU_ASSERT(strstr(H.last_guest_error, "no memory") != NULL);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), NPU_FLD_PREP(NPU_BTRS_UFI_ERR_LOG_OPCODE, 1));
	CU_ASSERT_EQUAL(H.msis, msis + 1);
	/* a successful DMA logs nothing */
	wb(NPU_BTRS_UFI_ERR_CLEAR, 0);
	wb(NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	CU_ASSERT_EQUAL(npum_dma_read(H.npu, 0x1000, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_UFI_ERR_LOG), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_INTERRUPT_STAT), 0);
	mh_fini(&H);
}

static void test_ats_log(void)
{
	up();
	H.npu->btrs.ats_err_log = 0xFEDCBA9876543210ull;   /* no modelled ATS source */
	CU_ASSERT_EQUAL(rb(NPU_BTRS_ATS_ERR_LOG_0), 0x76543210);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_ATS_ERR_LOG_1), 0xFEDCBA98);
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_ATS_ERR_LOG_0), 0xFEDCBA9876543210ull);
	wb(NPU_BTRS_ATS_ERR_CLEAR, 0);
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_ATS_ERR_LOG_0), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* P7: read/write, reset 0; buttress state, so an IP reset keeps it. */
static void test_telemetry(void)
{
	up();
	wb(NPU_BTRS_VPU_TELEMETRY_OFFSET, 0x80000000);
	wb(NPU_BTRS_VPU_TELEMETRY_SIZE, 0x2000);
	wb(NPU_BTRS_VPU_TELEMETRY_ENABLE, 1);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_OFFSET), 0x80000000);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_SIZE), 0x2000);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_ENABLE), 1);
	CU_ASSERT_EQUAL_FATAL(mh_power_down(&H, NULL), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_OFFSET), 0x80000000);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_SIZE), 0x2000);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_ENABLE), 1);
	npum_reset(H.npu);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_OFFSET), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_SIZE), 0);
	CU_ASSERT_EQUAL(rb(NPU_BTRS_VPU_TELEMETRY_ENABLE), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* ---- VPU_STATUS ----------------------------------------------------------------------- */

static uint32_t vpu_status(struct mp *P)
{
	return mh_rd32(&P->h, B, NPU_BTRS_VPU_STATUS);
}

/* READY follows power; IDLE only when the core has nothing to do (in reset,
 * halted, or asleep with no enabled interrupt pending). */
static void test_vpu_status_idle(void)
{
	const uint32_t ready = NPU_BTRS_VPU_STATUS_READY, idle = NPU_BTRS_VPU_STATUS_IDLE;
	struct npum_config cfg;
	struct mp P;

	/* busy */
	mp_init(&P, NULL);
	CU_ASSERT_EQUAL(vpu_status(&P), ready | idle);      /* core in reset */
	mp_loop_boot(&P);
	mp_run(&P, 1000);
	CU_ASSERT_EQUAL(vpu_status(&P), ready);
	mp_run(&P, 1000000);
	CU_ASSERT_EQUAL(vpu_status(&P), ready);
	mh_wr32(&P.h, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	CU_ASSERT_EQUAL(vpu_status(&P), ready | idle);
	mp_fini(&P);

	/* asleep; with an interrupt pending it is not idle (no lead: the core
	 * only reacts when time passes) */
	npum_config_default(&cfg);
	cfg.lrt_lead_ns = 0;
	mp_init(&P, &cfg);
	mp_echo_boot(&P);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	CU_ASSERT_EQUAL(vpu_status(&P), ready | idle);
	mh_wr32(&P.h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x10);
	CU_ASSERT_EQUAL(vpu_status(&P), ready);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(mp_data(&P, MP_ECHO_COUNT), 1);
	CU_ASSERT_EQUAL(vpu_status(&P), ready | idle);
	mp_fini(&P);

	/* halted, and in error mode */
	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	mp_halt(&P, 0);
	mp_boot(&P);
	mp_run(&P, 10000);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_HALTED);
	CU_ASSERT_EQUAL(vpu_status(&P), ready | idle);
	mp_fini(&P);
	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_emit(&P, RV_ECALL);
	mp_boot(&P);
	mp_run(&P, 10000);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(vpu_status(&P), ready | idle);
	/* and nothing without power */
	CU_ASSERT_EQUAL_FATAL(mh_power_down(&P.h, NULL), 0);
	CU_ASSERT_EQUAL(vpu_status(&P), 0);
	mp_fini(&P);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("model_btrs", NULL, NULL);
	CU_add_test(s, "cold reset state", test_cold_reset_state);
	CU_add_test(s, "fuses FMIN/FMAX/TILE", test_fuses);
	CU_add_test(s, "workpoint handshake: SEND, LOCK, CURRENT_PLL, mirror", test_workpoint_handshake);
	CU_add_test(s, "workpoint grant clamped; FREQ_CHANGE on change", test_workpoint_clamp);
	CU_add_test(s, "workpoint 0 powers the IP off and resets it", test_workpoint_zero_powers_off);
	CU_add_test(s, "workpoint request while one is in flight", test_workpoint_in_flight);
	CU_add_test(s, "D0i3 INPROGRESS handshake", test_d0i3_handshake);
	CU_add_test(s, "D0i3 entry powers the IP off and resets it", test_d0i3_entry_resets_ip);
	CU_add_test(s, "IP reset: TRIGGER self-clears, BAR0 state reset", test_ip_reset);
	CU_add_test(s, "INTERRUPT_STAT W1C, ivpu's erratum probe", test_interrupt_stat_w1c);
	CU_add_test(s, "LOCAL/GLOBAL interrupt masks", test_masks);
	CU_add_test(s, "UFI error log on failed DMA", test_ufi_error);
	CU_add_test(s, "ATS error log and clear", test_ats_log);
	CU_add_test(s, "telemetry registers", test_telemetry);
	CU_add_test(s, "VPU_STATUS READY/IDLE", test_vpu_status_idle);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
