/* SPDX-License-Identifier: MIT */
/*
 * qtest: power management and host-interface registers (issue 3).
 *
 * The power-up is Linux 6.12's ivpu for MTL replayed step by step
 * (npu_power_up in npu_test.c, hw-facts §3.1); power-down is §3.6. The
 * other tests check the registers that sequence and the IRQ handler rely
 * on: self-clearing handshake bits, the buttress INTERRUPT_STAT erratum
 * probe (§2.1), the ICB's 32/64-bit access forms (§1.2, §3.4), the MSI
 * re-trigger on GLOBAL_INT_MASK 1 -> 0 (§1.3), the 38.4 MHz perf counter
 * (§2.4, boot params perf_clk_frequency), the watchdog's TIM_SAFE key
 * (§3.4) and the doorbells (§2.4, §5.5).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel-npu/bits.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "npu_test.h"

#define B 4
#define V 0

static uint32_t rb(struct qt_npu *n, uint32_t off) { return qt_npu_rd32(n, B, off); }
static void wb(struct qt_npu *n, uint32_t off, uint32_t v) { qt_npu_wr32(n, B, off, v); }
static uint32_t rv(struct qt_npu *n, uint32_t off) { return qt_npu_rd32(n, V, off); }
static void wv(struct qt_npu *n, uint32_t off, uint32_t v) { qt_npu_wr32(n, V, off, v); }

/* Start QEMU and power the NPU up the ivpu way (fatal on failure). */
static struct qt *start_powered(struct qt_npu *n)
{
	struct qt *q = nt_start_npu(n, 0, NULL, NULL);

	NT_CHECK_FATAL(npu_power_up(n), "ivpu power-up sequence failed");
	return q;
}

/* ---- power-up --------------------------------------------------------------------- */

static void test_power_up_sequence(void)
{
	struct qt_npu n;
	uint32_t fmin, pn;

	nt_start_npu(&n, 0, NULL, NULL);
	/* Cold reset: the function comes up in D0i3 with no workpoint, so the
	 * IP is unpowered and BAR0 answers all-ones. */
	NT_EQ("VPU_STATUS at reset", rb(&n, NPU_BTRS_VPU_STATUS), 0);
	NT_EQ("VPU_D0I3_CONTROL at reset (I3)", rb(&n, NPU_BTRS_VPU_D0I3_CONTROL),
	      NPU_BTRS_VPU_D0I3_CONTROL_I3);
	NT_EQ("PLL_STATUS at reset", rb(&n, NPU_BTRS_PLL_STATUS), 0);
	NT_EQ("GLOBAL_INT_MASK at reset (masked)", rb(&n, NPU_BTRS_GLOBAL_INT_MASK),
	      NPU_BTRS_GLOBAL_INT_MASK_MASKED);
	NT_EQ("LOCAL_INT_MASK at reset (all masked)", rb(&n, NPU_BTRS_LOCAL_INT_MASK), UINT32_MAX);
	NT_EQ("BAR0 CPR_RST_CLR before power-up", rv(&n, NPU_HOST_SS_CPR_RST_CLR), UINT32_MAX);

	NT_CHECK_FATAL(npu_power_up(&n), "ivpu power-up sequence failed");

	fmin = rb(&n, NPU_BTRS_FMIN_FUSE);
	pn = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin);
	NT_EQ("VPU_STATUS after power-up (READY, IDLE: core in reset)", rb(&n, NPU_BTRS_VPU_STATUS),
	      NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
	NT_EQ("PLL_STATUS.LOCK", rb(&n, NPU_BTRS_PLL_STATUS), NPU_BTRS_PLL_STATUS_LOCK);
	NT_EQ("CURRENT_PLL = PN ratio", rb(&n, NPU_BTRS_CURRENT_PLL) & NPU_BTRS_CURRENT_PLL_RATIO, pn);
	NT_EQ("WORKPOINT_CONFIG_MIRROR (ratio | config 0x0202)",
	      rv(&n, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR),
	      pn | (uint32_t)NPU_WP_CONFIG_MTL_2_TILES_4_3 << 16);
	NT_EQ("D0I3_CONTROL after power-up", rb(&n, NPU_BTRS_VPU_D0I3_CONTROL), 0);
	NT_EQ("INTERRUPT_STAT.FREQ_CHANGE after the workpoint change",
	      rb(&n, NPU_BTRS_INTERRUPT_STAT) & NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE,
	      NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	NT_EQ("AON_PWR_ISLAND_STATUS0", rv(&n, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), NPU_AON_PWR_MSS_CPU);
	NT_EQ("AON_PWR_ISO_EN0 (isolation released)", rv(&n, NPU_HOST_SS_AON_PWR_ISO_EN0) &
	      NPU_AON_PWR_MSS_CPU, 0);
	NT_EQ("CPR_CLK_SET", rv(&n, NPU_HOST_SS_CPR_CLK_SET), NPU_HOST_SS_CPR_ALL);
	NT_EQ("CPR_RST_SET", rv(&n, NPU_HOST_SS_CPR_RST_SET), NPU_HOST_SS_CPR_ALL);
	NT_EQ("CPR_RST_CLR (AON reads 0)", rv(&n, NPU_HOST_SS_CPR_RST_CLR), NPU_HOST_SS_CPR_ALL);
	NT_EQ("AON_DPU_ACTIVE", rv(&n, NPU_HOST_SS_AON_DPU_ACTIVE), NPU_AON_DPU_ACTIVE);
	NT_EQ("HOST_SS_NOC_QREQN", rv(&n, NPU_HOST_SS_NOC_QREQN), NPU_HOST_SS_NOC_TOP_SOCMMIO);
	NT_EQ("TOP_NOC_QREQN", rv(&n, NPU_TOP_NOC_QREQN), NPU_TOP_NOC_ALL);
	NT_CHECK(rv(&n, NPU_HOST_SS_HW_VERSION) != UINT32_MAX, "HW_VERSION unreadable after power-up");
}

/* The handshakes complete after a delay, not instantly: the driver's polls
 * must see the bit set first, and a clock step clears it. */
static void test_handshakes_take_time(void)
{
	struct qt_npu n;
	struct qt *q = nt_start_npu(&n, 0, NULL, NULL);
	uint32_t fmin = rb(&n, NPU_BTRS_FMIN_FUSE);

	/* workpoint request: SEND stays set until the punit accepts */
	wb(&n, NPU_BTRS_WP_REQ_PAYLOAD0, (uint32_t)(NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO,
		NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_MIN_RATIO, fmin)) |
		NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO,
			     NPU_FLD_GET(NPU_BTRS_FMAX_FUSE_MAX_RATIO, rb(&n, NPU_BTRS_FMAX_FUSE)))));
	wb(&n, NPU_BTRS_WP_REQ_PAYLOAD1, (uint32_t)(NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin) |
		NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD1_EPP, NPU_WP_EPP_DEFAULT)));
	wb(&n, NPU_BTRS_WP_REQ_PAYLOAD2, NPU_WP_CONFIG_MTL_2_TILES_4_3);
	wb(&n, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	NT_EQ("WP_REQ_CMD.SEND right after the request", rb(&n, NPU_BTRS_WP_REQ_CMD),
	      NPU_BTRS_WP_REQ_CMD_SEND);
	NT_EQ("PLL_STATUS.LOCK before acceptance", rb(&n, NPU_BTRS_PLL_STATUS), 0);
	qt_clock_step(q, NT_POLL_STEP_US * 1000);
	NT_EQ("WP_REQ_CMD.SEND after 50 us", rb(&n, NPU_BTRS_WP_REQ_CMD), 0);
	NT_EQ("PLL_STATUS.LOCK after 50 us", rb(&n, NPU_BTRS_PLL_STATUS), NPU_BTRS_PLL_STATUS_LOCK);
	/* still in D0i3: not powered */
	NT_EQ("VPU_STATUS.READY while in D0i3", rb(&n, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_READY, 0);

	/* D0i3 exit: INPROGRESS set, then clears */
	wb(&n, NPU_BTRS_VPU_D0I3_CONTROL, 0);
	NT_EQ("D0I3_CONTROL right after clearing I3 (INPROGRESS)", rb(&n, NPU_BTRS_VPU_D0I3_CONTROL),
	      NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS);
	qt_clock_step(q, NT_POLL_STEP_US * 1000);
	NT_EQ("D0I3_CONTROL after 50 us", rb(&n, NPU_BTRS_VPU_D0I3_CONTROL), 0);
	NT_EQ("VPU_STATUS.READY once a workpoint is granted and D0i3 left",
	      rb(&n, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_READY, NPU_BTRS_VPU_STATUS_READY);

	/* power island: status follows enable (with trickle) after a delay */
	wv(&n, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU);
	wv(&n, NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU);
	NT_EQ("AON_PWR_ISLAND_STATUS0 right after enable", rv(&n, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), 0);
	qt_clock_step(q, NT_POLL_STEP_US * 1000);
	NT_EQ("AON_PWR_ISLAND_STATUS0 after 50 us", rv(&n, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0),
	      NPU_AON_PWR_MSS_CPU);
	/* TOP NOC denies while the island is isolated, accepts once released */
	wv(&n, NPU_TOP_NOC_QREQN, NPU_TOP_NOC_ALL);
	NT_EQ("TOP_NOC_QACCEPTN while isolated", rv(&n, NPU_TOP_NOC_QACCEPTN), 0);
	NT_EQ("TOP_NOC_QDENY while isolated", rv(&n, NPU_TOP_NOC_QDENY), NPU_TOP_NOC_ALL);
	wv(&n, NPU_HOST_SS_AON_PWR_ISO_EN0, 0);
	NT_EQ("TOP_NOC_QACCEPTN after de-isolation", rv(&n, NPU_TOP_NOC_QACCEPTN), NPU_TOP_NOC_ALL);
	NT_EQ("TOP_NOC_QDENY after de-isolation", rv(&n, NPU_TOP_NOC_QDENY), 0);

	/* IP reset: TRIGGER self-clears, the IP's state is lost, power stays */
	wv(&n, NPU_HOST_IF_TBU_MMUSSIDV, 0x33);
	NT_EQ("TBU_MMUSSIDV latch", rv(&n, NPU_HOST_IF_TBU_MMUSSIDV), 0x33);
	wb(&n, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	NT_EQ("VPU_IP_RESET.TRIGGER right after the write", rb(&n, NPU_BTRS_VPU_IP_RESET),
	      NPU_BTRS_VPU_IP_RESET_TRIGGER);
	qt_clock_step(q, NT_POLL_STEP_US * 1000);
	NT_EQ("VPU_IP_RESET.TRIGGER after 50 us", rb(&n, NPU_BTRS_VPU_IP_RESET), 0);
	NT_EQ("TBU_MMUSSIDV after IP reset", rv(&n, NPU_HOST_IF_TBU_MMUSSIDV), 0);
	NT_EQ("AON_PWR_ISO_EN0 after IP reset (isolated again)", rv(&n, NPU_HOST_SS_AON_PWR_ISO_EN0),
	      NPU_AON_PWR_MSS_CPU);
	NT_EQ("VPU_STATUS.READY after IP reset", rb(&n, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_READY,
	      NPU_BTRS_VPU_STATUS_READY);
}

/* ---- power-down (§3.6) -------------------------------------------------------------- */

static void test_power_down(void)
{
	struct qt_npu n;
	struct qt *q = start_powered(&n);

	wv(&n, NPU_HOST_IF_TCU_PTW_OVERRIDES, 0x38);
	NT_CHECK_FATAL(npu_power_down(&n), "ivpu power-down sequence failed");
	NT_EQ("VPU_STATUS after power-down", rb(&n, NPU_BTRS_VPU_STATUS), 0);
	NT_EQ("PLL_STATUS after power-down", rb(&n, NPU_BTRS_PLL_STATUS), 0);
	NT_EQ("CURRENT_PLL after power-down", rb(&n, NPU_BTRS_CURRENT_PLL), 0);
	NT_EQ("D0I3_CONTROL after power-down", rb(&n, NPU_BTRS_VPU_D0I3_CONTROL),
	      NPU_BTRS_VPU_D0I3_CONTROL_I3);
	/* BAR0 is unreachable: every IP register reads all-ones, 32 and 64 bit */
	NT_EQ("BAR0 HW_VERSION (32-bit) after power-down", rv(&n, NPU_HOST_SS_HW_VERSION), UINT32_MAX);
	NT_EQ("BAR0 MMU IDR0 after power-down", rv(&n, NPU_MMU_IDR0), UINT32_MAX);
	NT_EQ("BAR0 TIM_PERF_FREE_CNT (64-bit) after power-down",
	      qt_npu_rd64(&n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), UINT64_MAX);
	NT_EQ("BAR0 doorbell 0 after power-down", rv(&n, NPU_CPU_SS_DOORBELL(0)), UINT32_MAX);
	/* writes while unpowered go nowhere */
	wv(&n, NPU_HOST_IF_TBU_MMUSSIDV, 0x33);
	/* and it powers up again from there, with the IP state lost */
	NT_CHECK_FATAL(npu_power_up(&n), "second power-up failed");
	NT_EQ("TCU_PTW_OVERRIDES after a power cycle", rv(&n, NPU_HOST_IF_TCU_PTW_OVERRIDES), 0);
	NT_EQ("TBU_MMUSSIDV written while powered down", rv(&n, NPU_HOST_IF_TBU_MMUSSIDV), 0);
	(void)q;
}

/* ---- buttress interrupt status erratum probe (§2.1, ivpu_hw_btrs.c) -------------------- */

static void test_irq_status_erratum_probe(void)
{
	struct qt_npu n;

	start_powered(&n);
	NT_EQ("INTERRUPT_STAT before the probe (FREQ_CHANGE latched)",
	      rb(&n, NPU_BTRS_INTERRUPT_STAT), NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	/* ivpu_hw_btrs_irqs_clear_with_0_mtl: write all three sources and
	 * read back; reading them back would mean "writing 1s does not
	 * clear" (the erratum). The model is W1C: it reads 0. */
	wb(&n, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	NT_EQ("INTERRUPT_STAT after writing 0x7", rb(&n, NPU_BTRS_INTERRUPT_STAT), 0);
	/* writing 0 clears nothing (W1C) */
	wb(&n, NPU_BTRS_WP_REQ_PAYLOAD1, 0);
	wb(&n, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND); /* workpoint 0: a frequency change */
	qt_clock_step(n.q, NT_POLL_STEP_US * 1000);
	NT_EQ("INTERRUPT_STAT after a workpoint change", rb(&n, NPU_BTRS_INTERRUPT_STAT),
	      NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	wb(&n, NPU_BTRS_INTERRUPT_STAT, 0);
	NT_EQ("INTERRUPT_STAT after writing 0 (W1C ignores it)", rb(&n, NPU_BTRS_INTERRUPT_STAT),
	      NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
}

/* ---- ICB ------------------------------------------------------------------------------ */

/* An interrupt source that needs no firmware: the MMU's command queue
 * executing CMD_SYNC with CS=IRQ raises ICB MMU_IRQ_1 (hw-facts §6). The
 * queue runs with only CR0.CMDQEN. */
struct sync_src {
	uint64_t cmdq;
	uint32_t prod;
};

static void sync_src_init(struct qt_npu *n, struct sync_src *s)
{
	s->cmdq = qt_guest_alloc(n->q, 4096, 4096);
	s->prod = 0;
	qt_memset(n->q, s->cmdq, 0, 4096);
	qt_npu_wr64(n, V, NPU_MMU_CMDQ_BASE, NPU_MMU_Q_BASE_RWA | s->cmdq | NPU_MMU_Q_LOG2);
	wv(n, NPU_MMU_CMDQ_PROD, 0);
	wv(n, NPU_MMU_CMDQ_CONS, 0);
	wv(n, NPU_MMU_CR0, NPU_MMU_CR0_CMDQEN);
}

static void sync_src_fire(struct qt_npu *n, struct sync_src *s)
{
	uint64_t d0 = NPU_MMU_CMD_SYNC | NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, NPU_MMU_SYNC_CS_IRQ);
	uint32_t idx = s->prod & ((1u << NPU_MMU_Q_LOG2) - 1);

	qt_writeq(n->q, s->cmdq + idx * 16, d0);
	qt_writeq(n->q, s->cmdq + idx * 16 + 8, 0);
	s->prod = (s->prod + 1) & ((2u << NPU_MMU_Q_LOG2) - 1);
	wv(n, NPU_MMU_CMDQ_PROD, s->prod);
	NT_EQ("CMDQ_CONS after CMD_SYNC", rv(n, NPU_MMU_CMDQ_CONS), s->prod);
}

/* The watchdog as a second source: CPU_INT_REDIRECT_0 when it expires. */
static void wdt_fire(struct qt_npu *n, uint32_t ticks)
{
	wv(n, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	wv(n, NPU_CPU_SS_TIM_WATCHDOG, ticks);
	wv(n, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	wv(n, NPU_CPU_SS_TIM_WDOG_EN, 1);
	/* ticks at 38.4 MHz, plus margin */
	qt_clock_step(n->q, (uint64_t)ticks * 625 / 24 + 10000);
}

static void test_icb_access_forms(void)
{
	const uint64_t ivpu_mask = (uint64_t)NPU_ICB_1_IVPU_MASK << 32 | NPU_ICB_0_IVPU_MASK;
	struct qt_npu n;
	struct sync_src s;

	start_powered(&n);
	NT_EQ("ivpu's ICB mask is 0x7_C00001F0", ivpu_mask, UINT64_C(0x7C00001F0));
	/* 64-bit write of ENABLE_0 (ivpu REGV_WR64) lands in both halves */
	qt_npu_wr64(&n, V, NPU_HOST_SS_ICB_ENABLE_0, ivpu_mask);
	NT_EQ("ICB_ENABLE_0 (32-bit read)", rv(&n, NPU_HOST_SS_ICB_ENABLE_0), NPU_ICB_0_IVPU_MASK);
	NT_EQ("ICB_ENABLE_1 (32-bit read)", rv(&n, NPU_HOST_SS_ICB_ENABLE_1), NPU_ICB_1_IVPU_MASK);
	NT_EQ("ICB_ENABLE_0 (64-bit read)", qt_npu_rd64(&n, V, NPU_HOST_SS_ICB_ENABLE_0), ivpu_mask);
	wv(&n, NPU_HOST_SS_ICB_ENABLE_1, 0);
	NT_EQ("ICB_ENABLE after a 32-bit write of ENABLE_1", qt_npu_rd64(&n, V, NPU_HOST_SS_ICB_ENABLE_0),
	      NPU_ICB_0_IVPU_MASK);
	/* bits without a source do not stick */
	wv(&n, NPU_HOST_SS_ICB_ENABLE_0, UINT32_MAX);
	NT_EQ("ICB_ENABLE_0 after writing all ones", rv(&n, NPU_HOST_SS_ICB_ENABLE_0), NPU_ICB_0_DEFINED);
	qt_npu_wr64(&n, V, NPU_HOST_SS_ICB_ENABLE_0, ivpu_mask);

	/* two latched sources: MMU sync (bit 6) and watchdog (bit 30) */
	sync_src_init(&n, &s);
	sync_src_fire(&n, &s);
	wdt_fire(&n, 384);
	NT_EQ("ICB_STATUS_0 with MMU sync and watchdog", rv(&n, NPU_HOST_SS_ICB_STATUS_0),
	      NPU_ICB_0_MMU_IRQ_1_SYNC | NPU_ICB_0_CPU_INT_REDIRECT_0);
	NT_EQ("ICB_STATUS_0 as a 64-bit read", qt_npu_rd64(&n, V, NPU_HOST_SS_ICB_STATUS_0),
	      NPU_ICB_0_MMU_IRQ_1_SYNC | NPU_ICB_0_CPU_INT_REDIRECT_0);
	/* ivpu_hw_ip_irq_clear: one 64-bit write of the mask to CLEAR_0 */
	qt_npu_wr64(&n, V, NPU_HOST_SS_ICB_CLEAR_0, ivpu_mask);
	NT_EQ("ICB_STATUS_0 after the 64-bit clear", rv(&n, NPU_HOST_SS_ICB_STATUS_0), 0);
	/* the 37xx IRQ handler clears the bits it serviced with a 32-bit
	 * write to CLEAR_0 */
	sync_src_fire(&n, &s);
	NT_EQ("ICB_STATUS_0 after the second sync", rv(&n, NPU_HOST_SS_ICB_STATUS_0),
	      NPU_ICB_0_MMU_IRQ_1_SYNC);
	wv(&n, NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	NT_EQ("ICB_STATUS_0 after clearing an unrelated bit", rv(&n, NPU_HOST_SS_ICB_STATUS_0),
	      NPU_ICB_0_MMU_IRQ_1_SYNC);
	wv(&n, NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_MMU_IRQ_1_SYNC);
	NT_EQ("ICB_STATUS_0 after the 32-bit clear", rv(&n, NPU_HOST_SS_ICB_STATUS_0), 0);
	/* CLEAR is write-only: it reads 0 */
	NT_EQ("ICB_CLEAR_0 read", rv(&n, NPU_HOST_SS_ICB_CLEAR_0), 0);
}

/*
 * §1.3: ivpu's handler writes GLOBAL_INT_MASK=1, services the sources and
 * writes 0 again; the device must send a new MSI when the mask drops while
 * a source is still pending, and none when nothing is.
 */
static void test_global_mask_retrigger(void)
{
	struct qt_npu n;
	struct sync_src s;

	start_powered(&n);
	qt_npu_wr64(&n, V, NPU_HOST_SS_ICB_ENABLE_0,
		    (uint64_t)NPU_ICB_1_IVPU_MASK << 32 | NPU_ICB_0_IVPU_MASK);
	wb(&n, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	wb(&n, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	NT_EQ("GLOBAL_INT_MASK (masked out of reset)", rb(&n, NPU_BTRS_GLOBAL_INT_MASK), 1);
	sync_src_init(&n, &s);

	sync_src_fire(&n, &s);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI while GLOBAL_INT_MASK=1");
	wb(&n, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_CHECK(qt_npu_msi_fired(&n), "no MSI when GLOBAL_INT_MASK dropped with MMU_IRQ_1 pending");
	/* the handler: mask, (leave the source pending), unmask -> new MSI */
	wb(&n, NPU_BTRS_GLOBAL_INT_MASK, 1);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI on masking");
	wb(&n, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_CHECK(qt_npu_msi_fired(&n), "no re-triggered MSI on unmask with a source still pending");
	/* a level that stays high sends no further MSI by itself */
	qt_clock_step(n.q, 1000000);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI without a new edge");
	/* the handler that does clear the source: no MSI on unmask */
	wb(&n, NPU_BTRS_GLOBAL_INT_MASK, 1);
	qt_npu_wr64(&n, V, NPU_HOST_SS_ICB_CLEAR_0, (uint64_t)NPU_ICB_0_IVPU_MASK);
	wb(&n, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI on unmask with nothing pending");
	/* a new source while unmasked: MSI */
	sync_src_fire(&n, &s);
	NT_CHECK(qt_npu_msi_fired(&n), "no MSI for a new source while unmasked");
	/* a disabled ICB source is not an interrupt */
	qt_npu_wr64(&n, V, NPU_HOST_SS_ICB_CLEAR_0, (uint64_t)NPU_ICB_0_IVPU_MASK);
	wv(&n, NPU_HOST_SS_ICB_ENABLE_0, NPU_ICB_0_IVPU_MASK & ~NPU_ICB_0_MMU_IRQ_1_SYNC);
	sync_src_fire(&n, &s);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI for a disabled ICB source");
	/* a buttress source behind LOCAL_INT_MASK: FREQ_CHANGE is masked by
	 * ivpu's value, so a workpoint change sends nothing */
	wb(&n, NPU_BTRS_WP_REQ_PAYLOAD1, 0);
	wb(&n, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	qt_clock_step(n.q, NT_POLL_STEP_US * 1000);
	NT_EQ("FREQ_CHANGE latched", rb(&n, NPU_BTRS_INTERRUPT_STAT) & NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE,
	      NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI for FREQ_CHANGE, which LOCAL_INT_MASK masks");
	/* unmasking it locally raises the line: MSI */
	wb(&n, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_INTERRUPT_STAT_ALL);
	NT_CHECK(qt_npu_msi_fired(&n), "no MSI when LOCAL_INT_MASK unmasked a pending FREQ_CHANGE");
}

/* ---- perf counter ------------------------------------------------------------------------ */

static void test_perf_counter(void)
{
	struct qt_npu n;
	uint64_t c0, c1, lo, hi;

	start_powered(&n);
	c0 = qt_npu_rd64(&n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	qt_clock_step(n.q, 1000000000); /* 1 s of virtual time */
	c1 = qt_npu_rd64(&n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	NT_CHECK(c1 - c0 >= NPU_PERF_CLK_HZ - 1 && c1 - c0 <= NPU_PERF_CLK_HZ + 1,
		 "TIM_PERF_FREE_CNT advanced by %" PRIu64 " in 1 s, want 38400000 +-1", c1 - c0);
	/* 32-bit halves of the same 64-bit register (no time passes in qtest
	 * between two reads) */
	lo = rv(&n, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	hi = rv(&n, NPU_CPU_SS_TIM_PERF_FREE_CNT + 4);
	NT_EQ("TIM_PERF_FREE_CNT low/high halves", hi << 32 | lo, c1);
	/* past 2^32 ticks (~112 s): the high half counts */
	qt_clock_step(n.q, UINT64_C(120) * 1000000000);
	c1 = qt_npu_rd64(&n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	NT_CHECK(c1 >> 32 != 0, "TIM_PERF_FREE_CNT did not pass 2^32 after 121 s: 0x%" PRIx64, c1);
	NT_CHECK(c1 - c0 >= UINT64_C(121) * NPU_PERF_CLK_HZ - 1 && c1 - c0 <= UINT64_C(121) * NPU_PERF_CLK_HZ + 1,
		 "TIM_PERF_FREE_CNT advanced by %" PRIu64 " in 121 s", c1 - c0);
	/* read-only: a write changes nothing */
	qt_npu_wr64(&n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT, 0);
	NT_EQ("TIM_PERF_FREE_CNT after a write", qt_npu_rd64(&n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), c1);
}

/* ---- watchdog key ---------------------------------------------------------------------- */

static void test_watchdog_safe_key(void)
{
	struct qt_npu n;
	uint32_t v;

	start_powered(&n);
	NT_EQ("TIM_WATCHDOG reset value", rv(&n, NPU_CPU_SS_TIM_WATCHDOG), NPU_TIM_WATCHDOG_RESET_VALUE);
	NT_EQ("TIM_SAFE locked", rv(&n, NPU_CPU_SS_TIM_SAFE), 0);
	wv(&n, NPU_CPU_SS_TIM_WATCHDOG, 0x1000);
	NT_EQ("TIM_WATCHDOG written without the key (ignored)", rv(&n, NPU_CPU_SS_TIM_WATCHDOG),
	      NPU_TIM_WATCHDOG_RESET_VALUE);
	wv(&n, NPU_CPU_SS_TIM_WDOG_EN, 1);
	NT_EQ("TIM_WDOG_EN written without the key (ignored)", rv(&n, NPU_CPU_SS_TIM_WDOG_EN), 0);
	wv(&n, NPU_CPU_SS_TIM_SAFE, 0xDEADBEEF);
	NT_EQ("TIM_SAFE after a wrong key", rv(&n, NPU_CPU_SS_TIM_SAFE), 0);
	wv(&n, NPU_CPU_SS_TIM_WATCHDOG, 0x1000);
	NT_EQ("TIM_WATCHDOG after a wrong key", rv(&n, NPU_CPU_SS_TIM_WATCHDOG),
	      NPU_TIM_WATCHDOG_RESET_VALUE);

	wv(&n, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	NT_EQ("TIM_SAFE unlocked by 0xF1D0DEAD", rv(&n, NPU_CPU_SS_TIM_SAFE), 1);
	wv(&n, NPU_CPU_SS_TIM_WATCHDOG, 0x1000);
	NT_EQ("TIM_WATCHDOG with the key", rv(&n, NPU_CPU_SS_TIM_WATCHDOG), 0x1000);
	NT_EQ("TIM_SAFE consumed by one write", rv(&n, NPU_CPU_SS_TIM_SAFE), 0);
	wv(&n, NPU_CPU_SS_TIM_WDOG_EN, 1);
	NT_EQ("TIM_WDOG_EN without a fresh key", rv(&n, NPU_CPU_SS_TIM_WDOG_EN), 0);
	wv(&n, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	wv(&n, NPU_CPU_SS_TIM_WDOG_EN, 1);
	NT_EQ("TIM_WDOG_EN with the key", rv(&n, NPU_CPU_SS_TIM_WDOG_EN), 1);
	/* it counts perf ticks down: 10 us = 384 ticks */
	qt_clock_step(n.q, 10000);
	v = rv(&n, NPU_CPU_SS_TIM_WATCHDOG);
	NT_CHECK(v >= 0x1000 - 385 && v <= 0x1000 - 383, "TIM_WATCHDOG after 10 us: 0x%x, want 0x%x",
		 v, 0x1000 - 384);
	/* expiry: ICB CPU_INT_REDIRECT_0 (WDT MSS) and the DSU flag */
	qt_clock_step(n.q, 200000);
	NT_EQ("TIM_WATCHDOG after expiry", rv(&n, NPU_CPU_SS_TIM_WATCHDOG), 0);
	NT_EQ("ICB_STATUS_0.CPU_INT_REDIRECT_0 after expiry",
	      rv(&n, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	NT_EQ("DSU_CTRL.WDOG_EXPIRED", rv(&n, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_WDOG_EXPIRED,
	      NPU_DSU_CTRL_WDOG_EXPIRED);
	/* ivpu's wdt_disable_37xx */
	wv(&n, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	wv(&n, NPU_CPU_SS_TIM_WATCHDOG, NPU_TIM_WATCHDOG_RESET_VALUE);
	wv(&n, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	wv(&n, NPU_CPU_SS_TIM_WDOG_EN, 0);
	v = rv(&n, NPU_CPU_SS_TIM_GEN_CONFIG);
	wv(&n, NPU_CPU_SS_TIM_GEN_CONFIG, v & ~NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR);
	NT_EQ("TIM_WDOG_EN after wdt_disable", rv(&n, NPU_CPU_SS_TIM_WDOG_EN), 0);
	NT_EQ("TIM_WATCHDOG after wdt_disable", rv(&n, NPU_CPU_SS_TIM_WATCHDOG),
	      NPU_TIM_WATCHDOG_RESET_VALUE);
	NT_EQ("DSU_CTRL.WDOG_EXPIRED after wdt_disable",
	      rv(&n, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
}

/* ---- doorbells ---------------------------------------------------------------------------- */

static void test_doorbells(void)
{
	static const unsigned rung[] = { 0, 1, 17, 31, 32, 100, 254, 255 };
	bool expect[NPU_DOORBELL_COUNT] = { false };
	struct qt_npu n;

	start_powered(&n);
	for (unsigned i = 0; i < NPU_DOORBELL_COUNT; i += 51)
		NT_EQ("doorbell pending at reset", rv(&n, NPU_CPU_SS_DOORBELL(i)), 0);
	/* writing 0 (SET clear) rings nothing */
	wv(&n, NPU_CPU_SS_DOORBELL(5), 0);
	wv(&n, NPU_CPU_SS_DOORBELL(6), 0xFFFFFFFE);
	for (size_t k = 0; k < sizeof(rung) / sizeof(rung[0]); k++) {
		char what[64];

		/* ring by writing 1 (bit 0 SET), hw-facts §5.5 step 4 */
		wv(&n, NPU_CPU_SS_DOORBELL(rung[k]), NPU_DOORBELL_SET);
		expect[rung[k]] = true;
		snprintf(what, sizeof(what), "doorbell %u after ringing", rung[k]);
		NT_EQ(what, rv(&n, NPU_CPU_SS_DOORBELL(rung[k])), 1);
	}
	/* every doorbell: only the rung ones pend (stride 0x1000, no aliasing) */
	for (unsigned i = 0; i < NPU_DOORBELL_COUNT; i++) {
		char what[64];

		snprintf(what, sizeof(what), "doorbell %u pending", i);
		NT_EQ(what, rv(&n, NPU_CPU_SS_DOORBELL(i)), expect[i]);
	}
	/* the host cannot clear a doorbell (the firmware does) */
	wv(&n, NPU_CPU_SS_DOORBELL(0), 0);
	NT_EQ("doorbell 0 after writing 0", rv(&n, NPU_CPU_SS_DOORBELL(0)), 1);
	/* the other words of a doorbell's page are no doorbell */
	NT_EQ("doorbell page offset 4", rv(&n, NPU_CPU_SS_DOORBELL(0) + 4), 0);
	/* an IP reset clears them */
	wb(&n, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	qt_clock_step(n.q, NT_POLL_STEP_US * 1000);
	NT_EQ("doorbell 255 after IP reset", rv(&n, NPU_CPU_SS_DOORBELL(255)), 0);
}

static const struct nt_case cases[] = {
	{ "power_up_sequence", test_power_up_sequence },
	{ "handshakes_take_time", test_handshakes_take_time },
	{ "power_down", test_power_down },
	{ "irq_status_erratum_probe", test_irq_status_erratum_probe },
	{ "icb_access_forms", test_icb_access_forms },
	{ "global_mask_retrigger", test_global_mask_retrigger },
	{ "perf_counter", test_perf_counter },
	{ "watchdog_safe_key", test_watchdog_safe_key },
	{ "doorbells", test_doorbells },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return nt_main("power_up", cases, argc, argv);
}
