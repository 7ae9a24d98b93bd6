/* SPDX-License-Identifier: MIT */
/*
 * The NPU IP blocks of BAR0 other than the MMU and the core itself:
 *   host subsystem, AON and host interface (qemu-device/model/hostss.c),
 *   interrupt block and MSI (icb.c), the IPC FIFOs (ipc_fifo.c),
 *   the CPU subsystem: TIM_SAFE, watchdog, perf counter, doorbells, DSU
 *   (cpuss.c).
 * hw-facts §1.3, §2.2, §2.4, §2.5, §3.1, §3.3; the model's choices are
 * docs/deviations.md P9, P10, I1-I3, I6-I10 and docs/lrt-core.md.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "model_prog.h"
#include "npum_internal.h"     /* the firmware's FIFO ends, ICB word 1 */
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"

#define V NPU_BAR_REGV
#define B NPU_BAR_REGB
#define US 1000ull
#define MS 1000000ull

static struct mh H;

static uint32_t rv(uint32_t off)
{
	return mh_rd32(&H, V, off);
}

static void wv(uint32_t off, uint32_t v)
{
	mh_wr32(&H, V, off, v);
}

static void up(void)
{
	mh_init(&H, MH_RAM_DEFAULT);
	CU_ASSERT_EQUAL_FATAL(mh_power_up(&H), 0);
	mh_wr32(&H, B, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
}

/* ivpu's interrupt enable after boot (§3.4) */
static void irqs_on(struct mh *h)
{
	mh_wr64(h, V, NPU_HOST_SS_ICB_ENABLE_0,
		NPU_ICB_0_IVPU_MASK | (uint64_t)NPU_ICB_1_IVPU_MASK << 32);
	mh_wr32(h, B, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	mh_wr32(h, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
}

static void wdt_write(struct mh *h, uint32_t reg, uint32_t v)
{
	mh_wr32(h, V, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	mh_wr32(h, V, reg, v);
}

/* The firmware's side of the firmware->host FIFO */
static void fw_push(struct mh *h, uint32_t v)
{
	npum_fifo_push(h->npu, &h->npu->to_host, v, "to-host");
	npum_irq_update(h->npu);
}

/* ==== Host subsystem, AON, host interface ========================================== */

static void test_hostss_latches(void)
{
	static const uint32_t latches[] = {
		NPU_HOST_SS_CPR_CLK_SET, NPU_HOST_SS_CPR_RST_SET, NPU_HOST_SS_GEN_CTRL,
		NPU_HOST_SS_FW_SOC_IRQ_EN, NPU_HOST_SS_AON_PWR_ISO_EN0,
		NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_HOST_SS_AON_VPU_IDLE_GEN,
		NPU_HOST_SS_AON_DPU_ACTIVE, NPU_HOST_IF_TCU_PTW_OVERRIDES,
	};

	up();
	/* reset values */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_HW_VERSION), 0x00370004);                /* P8 */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISO_EN0), NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_VPU_IDLE_GEN), NPU_AON_VPU_IDLE_GEN_EN);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_GEN_CTRL), 0);
	/* §3.1 step 4: AON reads 0 as soon as BAR0 is reachable */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_CPR_RST_CLR) & NPU_HOST_SS_CPR_AON, 0);
	for (size_t i = 0; i < sizeof(latches) / sizeof(latches[0]); i++) {
		wv(latches[i], 0xA5A5A5A5);
		CU_ASSERT_EQUAL(rv(latches[i]), 0xA5A5A5A5);
		wv(latches[i], 0x5A5A5A5A);
		CU_ASSERT_EQUAL(rv(latches[i]), 0x5A5A5A5A);
	}
	/* each latch is its own: all written, then all read */
	for (size_t i = 0; i < sizeof(latches) / sizeof(latches[0]); i++)
		wv(latches[i], 0x1000u * (uint32_t)i + 0x11);
	for (size_t i = 0; i < sizeof(latches) / sizeof(latches[0]); i++)
		CU_ASSERT_EQUAL(rv(latches[i]), 0x1000u * (uint32_t)i + 0x11);
	/* RST_CLR latches all but AON */
	wv(NPU_HOST_SS_CPR_RST_CLR, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_CPR_RST_CLR), 0xFFFFFFFE);
	wv(NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_ALL);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_CPR_RST_CLR), 0xC02);
	/* the island enable reads back as written */
	wv(NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU);
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, 0xF0F0F0F8);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_EN0), 0xF0F0F0F8);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* §3.1 steps 5, 8, 9: immediate read-backs; P9: the TOP NOC accepts only
 * with the MSS_CPU island up and de-isolated. */
static void test_noc_qchannels(void)
{
	up();
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QREQN), 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QACCEPTN), 0);
	wv(NPU_HOST_SS_NOC_QREQN, NPU_HOST_SS_NOC_TOP_SOCMMIO);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QACCEPTN), NPU_HOST_SS_NOC_TOP_SOCMMIO);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QDENY), 0);
	wv(NPU_HOST_SS_NOC_QREQN, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QREQN), NPU_HOST_SS_NOC_TOP_SOCMMIO);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QACCEPTN), NPU_HOST_SS_NOC_TOP_SOCMMIO);
	wv(NPU_HOST_SS_NOC_QREQN, 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QACCEPTN), 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_NOC_QDENY), 0);

	/* island down: deny */
	wv(NPU_TOP_NOC_QREQN, 0xFF);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QREQN), NPU_TOP_NOC_ALL);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), 0);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QDENY), NPU_TOP_NOC_ALL);
	/* island up but still isolated: deny */
	wv(NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU);
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU);
	mh_advance(&H, NPUM_DELAY_PWR_ISLAND_NS);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), 0);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QDENY), NPU_TOP_NOC_ALL);
	/* de-isolated: accept */
	wv(NPU_HOST_SS_AON_PWR_ISO_EN0, 0);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), NPU_TOP_NOC_ALL);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QDENY), 0);
	wv(NPU_TOP_NOC_QREQN, NPU_TOP_NOC_CPU_CTRL);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), NPU_TOP_NOC_CPU_CTRL);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QDENY), 0);
	/* isolated again: deny at once */
	wv(NPU_HOST_SS_AON_PWR_ISO_EN0, NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), 0);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QDENY), NPU_TOP_NOC_CPU_CTRL);
	/* island off (after its delay): deny */
	wv(NPU_HOST_SS_AON_PWR_ISO_EN0, 0);
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, 0);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), NPU_TOP_NOC_CPU_CTRL);
	mh_advance(&H, NPUM_DELAY_PWR_ISLAND_NS);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QACCEPTN), 0);
	CU_ASSERT_EQUAL(rv(NPU_TOP_NOC_QDENY), NPU_TOP_NOC_CPU_CTRL);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);

	/* and ivpu's whole sequence passes */
	mh_init(&H, MH_RAM_DEFAULT);
	CU_ASSERT_EQUAL(mh_power_up_ip(&H), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* P4, P10: status follows enable after 1 µs, only with the trickle enable. */
static void test_power_island(void)
{
	unsigned g;

	up();
	g = H.guest_errors;
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU);   /* no trickle */
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	mh_advance(&H, 10 * US);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), 0);
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, 0);
	mh_advance(&H, 10 * US);

	wv(NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU);
	mh_trace_log(&H, true);
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), 0);
	mh_advance(&H, NPUM_DELAY_PWR_ISLAND_NS - 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), 0);
	mh_advance(&H, 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_POWER, "aon", "island-status"), 1);
	/* off again, with the same delay */
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, 0);
	mh_advance(&H, NPUM_DELAY_PWR_ISLAND_NS - 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), NPU_AON_PWR_MSS_CPU);
	mh_advance(&H, 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), 0);
	/* trickle dropped while the island is enabled: the island goes down */
	wv(NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU);
	mh_advance(&H, NPUM_DELAY_PWR_ISLAND_NS);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_AON_PWR_ISLAND_STATUS0), NPU_AON_PWR_MSS_CPU);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	mh_fini(&H);
}

/* A program at MP_CODE_VA + 0x1000 that marks data word 0 and sleeps; a
 * halt with code 0x99 at the start of the code area catches a wrong entry. */
static void assemble_marker(struct mp *P)
{
	P->pc = MP_CODE_VA;
	mp_prologue(P);
	mp_halt(P, 0x99);
	P->pc = MP_CODE_VA + 0x1000;
	mp_prologue(P);
	mp_li(P, RV_A0, 0x600D);
	mp_emit(P, RV_SW(RV_A0, RV_T1, 0));
	mp_emit(P, RV_WFI);
	mp_emit(P, RV_JAL(0, -4));
	mp_set_data(P, 0, 0);
}

static void leon_vec(struct mh *h, uint32_t v)
{
	mh_wr32(h, V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);
}

static void loading_address(struct mh *h, uint32_t v)
{
	mh_wr32(h, V, NPU_HOST_SS_LOADING_ADDRESS_LO, v);
}

/* §3.3 and docs/lrt-core.md: the rising edge of DONE starts the core at
 * (value & ~7) << 9, only after LEON_RT_VEC run + resume pulse. */
static void test_loading_address(void)
{
	const uint32_t entry = MP_CODE_VA + 0x1000;
	const uint32_t la = (entry >> NPU_LOADING_ADDRESS_SHIFT) | NPU_LOADING_ADDRESS_IOSF_RS_ID;
	struct mp P;
	struct mh *h = &P.h;
	unsigned g;

	mp_init(&P, NULL);
	assemble_marker(&P);
	mh_wr32(h, V, NPU_HOST_IF_TBU_MMUSSIDV, 0x33);
	g = h->guest_errors;
	/* no LEON_RT_VEC at all */
	loading_address(h, la);
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 1);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_LOADING_ADDRESS_LO), la | NPU_LOADING_ADDRESS_DONE);
	/* run without a resume pulse */
	loading_address(h, la);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 2);
	/* resume raised but not yet dropped */
	loading_address(h, la);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0 | NPU_LEON_RT_VEC_IRQI_RESUME0);
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 3);
	/* a pulse, then run dropped: the pulse is forgotten */
	loading_address(h, la);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	leon_vec(h, 0);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 4);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RESET);
	CU_ASSERT_EQUAL(mp_data(&P, 0), 0);
	CU_ASSERT_EQUAL(npum_get_stats(h->npu)->lrt_instructions, 0);

	/* ivpu's 0x1, 0x3, 0x1 and a DONE edge: started at the entry */
	loading_address(h, la);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0 | NPU_LEON_RT_VEC_IRQI_RESUME0);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC), 0x1);
	mh_trace_log(h, true);
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 4);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_LRT, "start", NULL), 1);
	for (size_t i = 0; i < h->tlog_len; i++)
		if (h->tlog[i].kind == NPUM_TRACE_LRT && !strcmp(h->tlog[i].s[0], "start"))
			CU_ASSERT_EQUAL(h->tlog[i].u[1], entry);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_data(&P, 0), 0x600D);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	CU_ASSERT(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG) - entry < 0x40);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_NPC_REG),
			mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG) + 4);
	/* DONE written again without an edge: nothing */
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 4);
	/* a new edge while the core runs: refused */
	loading_address(h, la);
	loading_address(h, la | NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 5);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_LRT, "start", NULL), 1);
	mp_fini(&P);

	/* an entry at or above 4 GiB is refused */
	mp_init(&P, NULL);
	assemble_marker(&P);
	g = h->guest_errors;
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0 | NPU_LEON_RT_VEC_IRQI_RESUME0);
	leon_vec(h, NPU_LEON_RT_VEC_IRQI_RSTRUN0);
	loading_address(h, (uint32_t)(0x100000000ull >> NPU_LOADING_ADDRESS_SHIFT) |
			NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(h->guest_errors - g, 1);
	loading_address(h, 0);
	loading_address(h, 0xFFFFFFF9);
	CU_ASSERT_EQUAL(h->guest_errors - g, 2);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RESET);
	/* the last page below 4 GiB is accepted (nothing mapped there: the
	 * fetch faults and the core stops in error mode) */
	loading_address(h, 0);
	loading_address(h, (uint32_t)(0xFFFFF000u >> NPU_LOADING_ADDRESS_SHIFT) |
			NPU_LOADING_ADDRESS_DONE);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG), 0xFFFFF000u);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_ERROR);
	mp_fini(&P);
}

static void test_tbu_mmussidv(void)
{
	up();
	wv(NPU_HOST_IF_TBU_MMUSSIDV, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(rv(NPU_HOST_IF_TBU_MMUSSIDV), NPU_TBU_MMUSSIDV_DEFINED);
	wv(NPU_HOST_IF_TBU_MMUSSIDV, 0x33);
	CU_ASSERT_EQUAL(rv(NPU_HOST_IF_TBU_MMUSSIDV), 0x33);
	wv(NPU_HOST_IF_TBU_MMUSSIDV, 0xFFFFFC00);
	CU_ASSERT_EQUAL(rv(NPU_HOST_IF_TBU_MMUSSIDV), 0);
	mh_fini(&H);
}

/* ==== ICB and MSI ====================================================================== */

static void test_icb_latched_w1c(void)
{
	up();
	npum_icb_raise(H.npu, 0, NPU_ICB_0_MMU_IRQ_0_EVTQ | NPU_ICB_0_MMU_IRQ_1_SYNC |
		      NPU_ICB_0_MMU_IRQ_2_GERROR | NPU_ICB_0_NOC_FIREWALL);
	npum_icb_raise(H.npu, 1, NPU_ICB_1_CPU_INT_REDIRECT(3));
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0x1E0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_1), NPU_ICB_1_CPU_INT_REDIRECT(3));
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_MMU_IRQ_0_EVTQ | NPU_ICB_0_MMU_IRQ_1_SYNC);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0x180);
	wv(NPU_HOST_SS_ICB_CLEAR_0, 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0x180);
	wv(NPU_HOST_SS_ICB_CLEAR_1, NPU_ICB_1_CPU_INT_REDIRECT(2));   /* not set: no effect */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_1), NPU_ICB_1_CPU_INT_REDIRECT(3));
	wv(NPU_HOST_SS_ICB_CLEAR_1, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_1), 0);

	/* a real source: the watchdog latches CPU_INT_REDIRECT_0 */
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 38);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 1);
	mh_advance(&H, 2 * US);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0x180 | NPU_ICB_0_CPU_INT_REDIRECT_0);
	wv(NPU_HOST_SS_ICB_CLEAR_0, 0x180);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_CPU_INT_REDIRECT_0);
	mh_advance(&H, 1 * MS);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_CPU_INT_REDIRECT_0);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* I1: HOST_IPC_FIFO_INT is the level "firmware->host FIFO not empty". */
static void test_icb_host_ipc_level(void)
{
	up();
	irqs_on(&H);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	fw_push(&H, 0x1000);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_HOST_IPC_FIFO);
	CU_ASSERT_EQUAL(H.msis, 1);
	fw_push(&H, 0x2000);
	CU_ASSERT_EQUAL(H.msis, 1);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_HOST_IPC_FIFO);       /* no effect */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_HOST_IPC_FIFO);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x1000);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_HOST_IPC_FIFO);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x2000);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	CU_ASSERT_EQUAL(H.msis, 1);
	fw_push(&H, 0x3000);
	CU_ASSERT_EQUAL(H.msis, 2);
	mh_fini(&H);
}

static void test_icb_enable_gating(void)
{
	up();
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	npum_icb_raise(H.npu, 1, NPU_ICB_1_CPU_INT_REDIRECT(2));
	CU_ASSERT_EQUAL(H.msis, 0);                 /* pending, not enabled */
	wv(NPU_HOST_SS_ICB_ENABLE_0, NPU_ICB_0_MMU_IRQ_1_SYNC);
	CU_ASSERT_EQUAL(H.msis, 0);                 /* a different source */
	wv(NPU_HOST_SS_ICB_ENABLE_0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(H.msis, 1);
	wv(NPU_HOST_SS_ICB_ENABLE_0, 0);
	CU_ASSERT_EQUAL(H.npu->icb.line, false);
	wv(NPU_HOST_SS_ICB_ENABLE_1, NPU_ICB_1_CPU_INT_REDIRECT(2));   /* word 1 */
	CU_ASSERT_EQUAL(H.msis, 2);
	wv(NPU_HOST_SS_ICB_ENABLE_1, 0);
	wv(NPU_HOST_SS_ICB_ENABLE_0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(H.msis, 3);
	/* the status register shows sources whatever the enables */
	wv(NPU_HOST_SS_ICB_ENABLE_0, 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_1), NPU_ICB_1_CPU_INT_REDIRECT(2));
	mh_fini(&H);
}

static void test_icb_undefined_enable_bits(void)
{
	unsigned g;

	up();
	g = H.guest_errors;
	wv(NPU_HOST_SS_ICB_ENABLE_0, NPU_ICB_0_DEFINED);
	wv(NPU_HOST_SS_ICB_ENABLE_1, NPU_ICB_1_DEFINED);
	CU_ASSERT_EQUAL(H.guest_errors, g);
	wv(NPU_HOST_SS_ICB_ENABLE_0, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_ENABLE_0), 0xC00001FF);
	wv(NPU_HOST_SS_ICB_ENABLE_1, 0x8);
	CU_ASSERT_EQUAL(H.guest_errors - g, 2);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_ENABLE_1), 0);
	wv(NPU_HOST_SS_ICB_ENABLE_0, 0x200);
	CU_ASSERT_EQUAL(H.guest_errors - g, 3);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_ENABLE_0), 0);
	mh_fini(&H);
}

/* I3: one MSI per rising edge of the line. */
static void test_msi_rising_edge_only(void)
{
	up();
	irqs_on(&H);
	mh_trace_log(&H, true);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(H.msis, 1);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(H.msis, 1);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);   /* one still pending */
	CU_ASSERT_EQUAL(H.msis, 1);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(H.msis, 1);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_MMU_IRQ_1_SYNC);
	CU_ASSERT_EQUAL(H.msis, 2);
	CU_ASSERT_EQUAL(npum_get_stats(H.npu)->msis, 2);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_MSI, NULL, NULL), 2);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_IRQ, "assert", NULL), 2);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_IRQ, "deassert", NULL), 1);
	mh_fini(&H);
}

/* §1.3: ivpu masks globally, services, unmasks "to re-trigger MSI for
 * pending interrupts". */
static void test_msi_global_unmask_retrigger(void)
{
	up();
	irqs_on(&H);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0 | NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(H.msis, 1);
	/* handler: mask, clear one source, unmask with the other pending */
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 1);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	CU_ASSERT_EQUAL(H.msis, 2);
	/* again, clearing everything: no new MSI */
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 1);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	CU_ASSERT_EQUAL(H.msis, 2);
	/* a source raised while masked is delivered at the unmask */
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 1);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_MMU_IRQ_2_GERROR);
	CU_ASSERT_EQUAL(H.msis, 2);
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	CU_ASSERT_EQUAL(H.msis, 3);
	mh_fini(&H);
}

static void test_msi_needs_bus_master(void)
{
	up();
	irqs_on(&H);
	npum_bus_master_changed(H.npu, false);
	mh_trace_log(&H, true);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(H.msis, 0);
	CU_ASSERT_EQUAL(npum_get_stats(H.npu)->msis, 0);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_IRQ, "assert", NULL), 1);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_MSI, NULL, NULL), 0);
	/* bus mastering back: the next edge is delivered */
	npum_bus_master_changed(H.npu, true);
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(H.msis, 1);
	mh_fini(&H);
}

/* Buttress sources reach the line through LOCAL_INT_MASK (1 = masked). */
static void test_msi_buttress_sources(void)
{
	up();
	npum_btrs_raise(H.npu, NPU_BTRS_INTERRUPT_STAT_FREQ_CHANGE);
	mh_wr32(&H, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	CU_ASSERT_EQUAL(H.msis, 0);                          /* LOCAL all masked */
	mh_wr32(&H, B, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	CU_ASSERT_EQUAL(H.msis, 0);                          /* ivpu masks FREQ_CHANGE */
	npum_btrs_raise(H.npu, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	CU_ASSERT_EQUAL(H.msis, 1);
	mh_wr32(&H, B, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	CU_ASSERT_EQUAL(H.npu->icb.line, false);
	npum_btrs_raise(H.npu, NPU_BTRS_INTERRUPT_STAT_ATS_ERR);
	CU_ASSERT_EQUAL(H.msis, 2);
	mh_wr32(&H, B, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ATS_ERR);
	mh_wr32(&H, B, NPU_BTRS_LOCAL_INT_MASK, 0xFFFFFFFE);   /* unmask FREQ_CHANGE */
	CU_ASSERT_EQUAL(H.msis, 3);
	/* ICB enables play no part */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_ENABLE_0), 0);
	mh_fini(&H);
}

/* ==== IPC FIFOs ========================================================================= */

static void test_fifo_host_to_fw(void)
{
	uint32_t v;

	up();
	mh_trace_log(&H, true);
	wv(NPU_CPU_SS_TIM_IPC_FIFO, 0x84900000);
	wv(NPU_CPU_SS_TIM_IPC_FIFO, 0x84900040);
	wv(NPU_CPU_SS_TIM_IPC_FIFO, 0);
	CU_ASSERT_EQUAL(H.npu->to_fw.level, 3);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_FIFO, "to-fw", "push"), 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mh_trace_last(&H, NPUM_TRACE_FIFO));
	CU_ASSERT_EQUAL(mh_trace_last(&H, NPUM_TRACE_FIFO)->u[3], 3);  /* level */
	/* nothing of it shows in the host's (firmware->host) status */
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_STAT), 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_TRUE(npum_fifo_pop(H.npu, &H.npu->to_fw, &v, "to-fw"));
	CU_ASSERT_EQUAL(v, 0x84900000);
	CU_ASSERT_TRUE(npum_fifo_pop(H.npu, &H.npu->to_fw, &v, "to-fw"));
	CU_ASSERT_EQUAL(v, 0x84900040);
	CU_ASSERT_TRUE(npum_fifo_pop(H.npu, &H.npu->to_fw, &v, "to-fw"));
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_FALSE(npum_fifo_pop(H.npu, &H.npu->to_fw, &v, "to-fw"));
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

static void test_fifo_fw_to_host(void)
{
	up();
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	fw_push(&H, 0x84A00000);
	fw_push(&H, 0x84A00040);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				    rv(NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 2);
	mh_trace_log(&H, true);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x84A00000);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x84A00040);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_FIFO, "to-host", "pop"), 2);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				    rv(NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* Both directions through the core: host push, firmware pop (inbox),
 * firmware push (outbox), host pop. */
static void test_fifo_through_core(void)
{
	struct mp P;
	struct mh *h = &P.h;

	mp_init(&P, NULL);
	mp_echo_boot(&P);
	mp_run(&P, 10 * US);
	for (uint32_t i = 0; i < 5; i++)
		mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x100 * (i + 1));
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_data(&P, MP_ECHO_COUNT), 5);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				    mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 5);
	for (uint32_t i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x100 * (i + 1) + 1);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

static uint32_t fifo_stat(uint32_t rd, uint32_t wr, uint32_t level)
{
	return (uint32_t)(NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_READ_PTR, rd) |
			  NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_WRITE_PTR, wr) |
			  NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL, level));
}

/* I6, I7: 64 entries, pointers wrap at 64, FILL_LEVEL; against a reference. */
static void test_fifo_stat_wrap(void)
{
	static const int ops[] = { 64, -10, 10, -64, 37, -30, 50, -57, 3, -3 };
	uint32_t ref[64], rd = 0, wr = 0, level = 0, next = 1;

	up();
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_STAT), 0);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (int k = 0; k < (ops[i] > 0 ? ops[i] : -ops[i]); k++) {
			if (ops[i] > 0) {
				CU_ASSERT_TRUE(npum_fifo_push(H.npu, &H.npu->to_host, next, "to-host"));
				ref[wr] = next++;
				wr = (wr + 1) % 64;
				level++;
			} else {
				CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), ref[rd]);
				rd = (rd + 1) % 64;
				level--;
			}
		}
		CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_STAT), fifo_stat(rd, wr, level));
		if (level == 64) {
			/* full: a 65th entry is dropped and flagged */
			CU_ASSERT_FALSE(npum_fifo_push(H.npu, &H.npu->to_host, 0xBAD, "to-host"));
			CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_STAT), fifo_stat(rd, wr, level));
			CU_ASSERT_TRUE(H.npu->to_host.overflow);
		}
	}
	CU_ASSERT_EQUAL(rd, 164 % 64);           /* the pointers did wrap */
	CU_ASSERT_EQUAL(wr, 164 % 64);
	CU_ASSERT_EQUAL(level, 0);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	mh_fini(&H);
}

/* A host push into a full host->firmware FIFO: dropped, guest error, sticky
 * overflow (its firmware view, INBOX_STAT, is in test_model_lrt). */
static void test_fifo_host_overflow(void)
{
	uint32_t v;
	unsigned g;

	up();
	g = H.guest_errors;
	for (uint32_t i = 0; i < NPU_LRT_FIFO_DEPTH; i++)
		wv(NPU_CPU_SS_TIM_IPC_FIFO, 0x1000 + i);
	CU_ASSERT_EQUAL(H.guest_errors, g);
	CU_ASSERT_FALSE(H.npu->to_fw.overflow);
	mh_trace_log(&H, true);
	wv(NPU_CPU_SS_TIM_IPC_FIFO, 0xDEAD);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	CU_ASSERT_EQUAL(H.npu->to_fw.level, NPU_LRT_FIFO_DEPTH);
	CU_ASSERT_TRUE(H.npu->to_fw.overflow);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_FIFO, "to-fw", "drop"), 1);
	for (uint32_t i = 0; i < NPU_LRT_FIFO_DEPTH; i++) {
		CU_ASSERT_TRUE(npum_fifo_pop(H.npu, &H.npu->to_fw, &v, "to-fw"));
		CU_ASSERT_EQUAL(v, 0x1000 + i);
	}
	CU_ASSERT_FALSE(npum_fifo_pop(H.npu, &H.npu->to_fw, &v, "to-fw"));
	CU_ASSERT_TRUE(H.npu->to_fw.overflow);     /* sticky */
	mh_fini(&H);
}

/* ==== CPU subsystem ==================================================================== */

/* §2.4: every watchdog register write must directly follow the key. */
static void test_tim_safe(void)
{
	unsigned g;

	up();
	g = H.guest_errors;
	wv(NPU_CPU_SS_TIM_WDOG_EN, 1);                       /* no key */
	wv(NPU_CPU_SS_TIM_WATCHDOG, 100);
	CU_ASSERT_EQUAL(H.guest_errors - g, 2);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WDOG_EN), 0);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), NPU_TIM_WATCHDOG_RESET_VALUE);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_SAFE), 0);
	wv(NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_SAFE), 1);
	wv(NPU_CPU_SS_TIM_WATCHDOG, 100000);                 /* consumes the key */
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_SAFE), 0);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 100000);
	wv(NPU_CPU_SS_TIM_WDOG_EN, 1);                       /* key already used */
	CU_ASSERT_EQUAL(H.guest_errors - g, 3);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WDOG_EN), 0);
	wv(NPU_CPU_SS_TIM_SAFE, 0xF1D0BEEF);                 /* wrong key */
	CU_ASSERT_EQUAL(H.guest_errors - g, 4);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_SAFE), 0);
	wv(NPU_CPU_SS_TIM_WDOG_EN, 1);
	CU_ASSERT_EQUAL(H.guest_errors - g, 5);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WDOG_EN), 0);
	/* the key, then a wrong key: locked again */
	wv(NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	wv(NPU_CPU_SS_TIM_SAFE, 0);
	wv(NPU_CPU_SS_TIM_WDOG_EN, 1);
	CU_ASSERT_EQUAL(H.guest_errors - g, 7);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WDOG_EN), 0);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 1);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WDOG_EN), 1);
	CU_ASSERT_EQUAL(H.guest_errors - g, 7);
	mh_fini(&H);
}

static uint32_t dsu_ctrl(void)
{
	return rv(NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL);
}

/* I9: counts 38.4 MHz ticks; expiry raises CPU_INT_REDIRECT_0, sets
 * DSU_CTRL bit 8, and stops until reloaded. */
static void test_watchdog(void)
{
	up();
	irqs_on(&H);
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 3840);        /* 100 µs */
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 3840);  /* not counting yet */
	mh_advance(&H, 50 * US);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 3840);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 1);
	mh_advance(&H, 50 * US);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 1920);
	mh_advance(&H, 625);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 1896);
	mh_advance(&H, 50 * US - 625 - 1);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
	CU_ASSERT_EQUAL(H.msis, 0);
	mh_trace_log(&H, true);
	mh_advance(&H, 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, NPU_DSU_CTRL_WDOG_EXPIRED);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 0);
	CU_ASSERT_EQUAL(H.msis, 1);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_LRT, "watchdog-expired", NULL), 1);
	/* stopped: no second expiry (also not after a TIM_GEN_CONFIG write that
	 * keeps WDOG_TO_INT_CLR set) */
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	wv(NPU_CPU_SS_TIM_GEN_CONFIG, NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR);
	mh_advance(&H, 1000 * MS);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_LRT, "watchdog-expired", NULL), 1);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 0);
	/* reloaded: counting again, expired flag gone, fires after the new count */
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 384);         /* 10 µs */
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
	mh_advance(&H, 10 * US - 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	mh_advance(&H, 1);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(H.msis, 2);
	/* disabled: no expiry however long */
	wv(NPU_HOST_SS_ICB_CLEAR_0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 38);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 0);
	mh_advance(&H, 1000 * MS);
	CU_ASSERT_EQUAL(rv(NPU_HOST_SS_ICB_STATUS_0), 0);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_WATCHDOG), 38);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* ivpu's WDT handling (wdt_disable_37xx + TIM_GEN_CONFIG.WDOG_TO_INT_CLR). */
static void test_watchdog_int_clr(void)
{
	uint32_t cfg;

	up();
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 38);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 1);
	mh_advance(&H, 10 * US);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, NPU_DSU_CTRL_WDOG_EXPIRED);
	/* disable as ivpu does */
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 0);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 0);
	mh_advance(&H, 10 * US);
	/* (the reload of 0 cleared the flag; let it expire again to test GEN_CONFIG) */
	wdt_write(&H, NPU_CPU_SS_TIM_WATCHDOG, 38);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 1);
	mh_advance(&H, 10 * US);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, NPU_DSU_CTRL_WDOG_EXPIRED);
	wdt_write(&H, NPU_CPU_SS_TIM_WDOG_EN, 0);
	/* a write with the bit set leaves it expired ... */
	wv(NPU_CPU_SS_TIM_GEN_CONFIG, NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR | 0x3);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_GEN_CONFIG), NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR | 0x3);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, NPU_DSU_CTRL_WDOG_EXPIRED);
	/* ... ivpu's read-modify-write clearing it ends the expired state */
	cfg = rv(NPU_CPU_SS_TIM_GEN_CONFIG);
	wv(NPU_CPU_SS_TIM_GEN_CONFIG, cfg & ~NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_GEN_CONFIG), 0x3);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
	mh_advance(&H, 1000 * MS);
	CU_ASSERT_EQUAL(dsu_ctrl() & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* I10: 38.4 MHz of virtual time since the IP last came up or was reset,
 * exactly; it stands still while the IP is unpowered. */
static void test_perf_counter(void)
{
	uint64_t t0, t1, cnt;

	up();
	/* power-on is the epoch so far */
	CU_ASSERT(H.power_on_ns > 0);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT),
			(H.now_ns - H.power_on_ns) * 24 / 625);
	mh_advance(&H, 3 * MS);
	mh_wr32(&H, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	t0 = H.now_ns;
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 0);
	mh_advance(&H, 1000 * MS);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 38400000);
	mh_advance(&H, 26);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 38400000);
	mh_advance(&H, 1);                                   /* 27 ns: one tick */
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 38400001);
	mh_advance(&H, 625 - 27);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 38400024);
	/* beyond 32 bits: halves */
	mh_advance(&H, t0 + 200000 * MS - H.now_ns);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), 7680000000ull);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_PERF_FREE_CNT), 0xC9C38000);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_TIM_PERF_FREE_CNT + 4), 1);
	/* a power cycle resets it too (P2), and the 7 ms without power do not
	 * count: the epoch is the power-on */
	CU_ASSERT_EQUAL_FATAL(mh_power_down(&H, NULL), 0);
	t1 = H.now_ns;
	mh_advance(&H, 7 * MS);
	CU_ASSERT_EQUAL_FATAL(mh_power_up(&H), 0);
	CU_ASSERT(H.power_on_ns >= t1 + 7 * MS);
	mh_advance(&H, 1 * MS);
	cnt = mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	CU_ASSERT_EQUAL(cnt, (H.now_ns - H.power_on_ns) * 24 / 625);
	CU_ASSERT(cnt < (H.now_ns - t1 - 7 * MS) * 24 / 625 + 1);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* §2.4, §5.5, I8: doorbell n at 0x06300000 + n * 0x1000, rung by writing 1. */
static void test_doorbells(void)
{
	static const unsigned rung[] = { 0, 1, 255 };

	up();
	mh_trace_log(&H, true);
	for (size_t i = 0; i < sizeof(rung) / sizeof(rung[0]); i++)
		wv(NPU_CPU_SS_DOORBELL(rung[i]), NPU_DOORBELL_SET);
	wv(NPU_CPU_SS_DOORBELL(7), 0);                       /* 0: no effect */
	wv(NPU_CPU_SS_DOORBELL(8), 0xFFFFFFFE);              /* bit 0 clear: no effect */
	for (unsigned n = 0; n < NPU_DOORBELL_COUNT; n++) {
		uint32_t want = (n == 0 || n == 1 || n == 255) ? 1 : 0;

		if (rv(NPU_CPU_SS_DOORBELL(n)) != want)
			fprintf(stderr, "\n  doorbell %u reads %u\n", n, rv(NPU_CPU_SS_DOORBELL(n)));
		CU_ASSERT_EQUAL(rv(NPU_CPU_SS_DOORBELL(n)), want);
	}
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_DOORBELL, NULL, NULL), 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mh_trace_last(&H, NPUM_TRACE_DOORBELL));
	CU_ASSERT_EQUAL(mh_trace_last(&H, NPUM_TRACE_DOORBELL)->u[0], 255);
	/* writing 0 to a pending doorbell does not clear it */
	wv(NPU_CPU_SS_DOORBELL(1), 0);
	CU_ASSERT_EQUAL(rv(NPU_CPU_SS_DOORBELL(1)), 1);
	CU_ASSERT_TRUE(npum_doorbell_any_pending(H.npu));
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	mh_fini(&H);
}

/* The core's view: DB_PENDING(w), DB_SUMMARY, write-1-to-clear (lrt.h). */
static void test_doorbells_core_view(void)
{
	struct mp P;
	struct mh *h = &P.h;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	for (unsigned w = 0; w < 8; w++)
		CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_PENDING(w)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_SUMMARY), 0);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(0), 1);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(1), 1);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(255), 1);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(100), 1);         /* word 3, bit 4 */
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_PENDING(0)), 0x3);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_PENDING(3)), 1u << 4);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_PENDING(7)), 0x80000000);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_SUMMARY), 0x89);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DOORBELL,
			NPU_LRT_IRQ_DOORBELL);
	/* W1C from the core */
	mp_lrt_wr(&P, NPU_LRT_DB_PENDING(0), 0x1);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DOORBELL(0)), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DOORBELL(1)), 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_PENDING(0)), 0x2);
	mp_lrt_wr(&P, NPU_LRT_DB_PENDING(7), 0x7FFFFFFF);    /* not doorbell 255 */
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DOORBELL(255)), 1);
	mp_lrt_wr(&P, NPU_LRT_DB_PENDING(7), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DOORBELL(255)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_SUMMARY), 0x09);
	mp_lrt_wr(&P, NPU_LRT_DB_PENDING(0), 0x2);
	mp_lrt_wr(&P, NPU_LRT_DB_PENDING(3), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_SUMMARY), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DOORBELL, 0);
	CU_ASSERT_FALSE(npum_doorbell_any_pending(h->npu));
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* D5: the DSU registers are a read-only window; LEON_RT_VEC and the MSSCPU
 * clock/reset registers latch. */
static void test_cpuss_dsu_and_latches(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint32_t pc;
	unsigned g;

	mp_init(&P, NULL);
	mh_wr32(h, V, NPU_CPU_SS_MSSCPU_CPR_CLK_SET, NPU_MSSCPU_CPR_CPU_DSU);
	mh_wr32(h, V, NPU_CPU_SS_MSSCPU_CPR_RST_CLR, 0x12345678);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_MSSCPU_CPR_CLK_SET), NPU_MSSCPU_CPR_CPU_DSU);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_MSSCPU_CPR_RST_CLR), 0x12345678);
	mh_wr32(h, V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, 0xABCDE000);   /* no run bit */
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC), 0xABCDE000);
	mh_wr32(h, V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, 0);
	mp_sleep_boot(&P);
	mp_run(&P, 10 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	pc = mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG);
	g = h->guest_errors;
	mh_wr32(h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL, NPU_DSU_STATE_RUNNING);
	mh_wr32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG, 0x1000);
	mh_wr32(h, V, NPU_CPU_SS_DSU_LEON_RT_NPC_REG, 0x1004);
	mh_wr32(h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(h->guest_errors - g, 4);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG), pc);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG), 0);
	mp_fini(&P);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("model_hostss", NULL, NULL);
	CU_add_test(s, "reset values, latches, CPR_RST_CLR.AON", test_hostss_latches);
	CU_add_test(s, "NOC and TOP NOC Q-channels", test_noc_qchannels);
	CU_add_test(s, "power island status, trickle enable", test_power_island);
	CU_add_test(s, "LOADING_ADDRESS DONE starts the core", test_loading_address);
	CU_add_test(s, "TBU_MMUSSIDV masks undefined bits", test_tbu_mmussidv);
	s = CU_add_suite("model_icb", NULL, NULL);
	CU_add_test(s, "latched sources, W1C", test_icb_latched_w1c);
	CU_add_test(s, "HOST_IPC_FIFO_INT is a level", test_icb_host_ipc_level);
	CU_add_test(s, "enable gating", test_icb_enable_gating);
	CU_add_test(s, "undefined enable bits", test_icb_undefined_enable_bits);
	CU_add_test(s, "MSI on rising edges only", test_msi_rising_edge_only);
	CU_add_test(s, "MSI again when GLOBAL_INT_MASK drops", test_msi_global_unmask_retrigger);
	CU_add_test(s, "no MSI without bus mastering", test_msi_needs_bus_master);
	CU_add_test(s, "buttress sources through LOCAL_INT_MASK", test_msi_buttress_sources);
	s = CU_add_suite("model_ipc_fifo", NULL, NULL);
	CU_add_test(s, "host -> firmware FIFO", test_fifo_host_to_fw);
	CU_add_test(s, "firmware -> host FIFO, empty value", test_fifo_fw_to_host);
	CU_add_test(s, "both directions through the core", test_fifo_through_core);
	CU_add_test(s, "FIFO_STAT pointers, level, wrap, depth 64", test_fifo_stat_wrap);
	CU_add_test(s, "host push into a full FIFO", test_fifo_host_overflow);
	s = CU_add_suite("model_cpuss", NULL, NULL);
	CU_add_test(s, "TIM_SAFE key", test_tim_safe);
	CU_add_test(s, "watchdog countdown and expiry", test_watchdog);
	CU_add_test(s, "TIM_GEN_CONFIG WDOG_TO_INT_CLR", test_watchdog_int_clr);
	CU_add_test(s, "TIM_PERF_FREE_CNT", test_perf_counter);
	CU_add_test(s, "doorbells from the host", test_doorbells);
	CU_add_test(s, "doorbells in the core's view, W1C", test_doorbells_core_view);
	CU_add_test(s, "DSU read-only, CPU SS latches", test_cpuss_dsu_and_latches);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
