/* SPDX-License-Identifier: MIT */
/*
 * Register dispatch of the device model (qemu-device/model/npu.c): what the
 * bus sees of every block. Undefined offsets, access sizes and alignment,
 * read-only and write-only registers, 64-bit accesses (split over register
 * pairs as ivpu issues them, hw-facts §1.2, or native), BAR0 while the IP
 * is powered down (docs/deviations.md P1), BAR numbers the function does
 * not have (§1.2), register names, and a trace record for every access.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "model_harness.h"
#include "npum_internal.h"     /* ICB word 1 and the ATS log have no modelled source */
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"

#define V NPU_BAR_REGV
#define B NPU_BAR_REGB

static struct mh H;

/* A device whose BAR0 is reachable. */
static void up(void)
{
	mh_init(&H, MH_RAM_DEFAULT);
	CU_ASSERT_EQUAL_FATAL(mh_power_up(&H), 0);
}

static void down(void)
{
	mh_fini(&H);
}

/* ---- Undefined offsets --------------------------------------------------------- */

static void test_undefined_offsets(void)
{
	static const struct { unsigned bar; uint32_t off; } holes[] = {
		{ V, 0x00000000 },   /* HOST_SS block, no register */
		{ V, 0x0000011C },   /* between GEN_CTRL and NOC_QREQN */
		{ V, 0x00010218 },   /* ICB, between STATUS_1 and CLEAR_0 */
		{ V, 0x00100000 },   /* no block at all */
		{ V, 0x06300004 },   /* inside doorbell 0's page */
		{ V, 0x07FFFFFC },   /* last word of the 128 MiB BAR */
		{ V, 0x08000000 },   /* beyond BAR0 */
		{ B, 0x0000003C },
		{ B, 0x00000048 },   /* after VPU_STATUS, which reads non-zero */
		{ B, 0x00000FFC },
	};

	up();
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		unsigned g = H.guest_errors;

		CU_ASSERT_EQUAL(mh_rd32(&H, holes[i].bar, holes[i].off), 0);
		CU_ASSERT_EQUAL(H.guest_errors - g, 1);
		mh_wr32(&H, holes[i].bar, holes[i].off, 0xFFFFFFFF);
		CU_ASSERT_EQUAL(H.guest_errors - g, 2);
		CU_ASSERT_EQUAL(mh_rd32(&H, holes[i].bar, holes[i].off), 0);
	}
	/* the neighbours did not take the writes */
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_CPU_SS_DOORBELL(0)), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_STATUS_1), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_READY,
			NPU_BTRS_VPU_STATUS_READY);
	down();
}

/* ---- Sizes and alignment (deviations C3) --------------------------------------------- */

static void test_access_sizes(void)
{
	static const unsigned bad_sizes[] = { 1, 2, 3, 16, 0 };
	unsigned g;

	up();
	mh_wr32(&H, B, NPU_BTRS_VPU_TELEMETRY_OFFSET, 0x11111111);
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		g = H.guest_errors;
		CU_ASSERT_EQUAL(npum_mmio_read(H.npu, B, NPU_BTRS_VPU_STATUS, bad_sizes[i]), 0);
		CU_ASSERT_EQUAL(npum_mmio_read(H.npu, B, NPU_BTRS_VPU_TELEMETRY_OFFSET, bad_sizes[i]), 0);
		npum_mmio_write(H.npu, B, NPU_BTRS_VPU_TELEMETRY_OFFSET, 0xAB, bad_sizes[i]);
		CU_ASSERT_EQUAL(H.guest_errors - g, 3);
		CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_TELEMETRY_OFFSET), 0x11111111);
	}
	/* misaligned 32-bit */
	g = H.guest_errors;
	CU_ASSERT_EQUAL(npum_mmio_read(H.npu, B, NPU_BTRS_VPU_TELEMETRY_OFFSET + 2, 4), 0);
	npum_mmio_write(H.npu, B, NPU_BTRS_VPU_TELEMETRY_OFFSET + 1, 0xFFFFFFFF, 4);
	CU_ASSERT_EQUAL(H.guest_errors - g, 2);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_TELEMETRY_OFFSET), 0x11111111);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_TELEMETRY_SIZE), 0);
	/* 64-bit at a 4- but not 8-aligned offset */
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_VPU_TELEMETRY_SIZE), 0);
	mh_wr64(&H, B, NPU_BTRS_VPU_TELEMETRY_SIZE, 0x2222222233333333ull);
	CU_ASSERT_EQUAL(H.guest_errors - g, 2);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_TELEMETRY_SIZE), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_TELEMETRY_ENABLE), 0);
	/* the same on BAR0 */
	g = H.guest_errors;
	CU_ASSERT_EQUAL(npum_mmio_read(H.npu, V, NPU_HOST_SS_HW_VERSION, 2), 0);
	CU_ASSERT_EQUAL(npum_mmio_read(H.npu, V, NPU_HOST_SS_HW_VERSION + 1, 4), 0);
	CU_ASSERT_EQUAL(npum_mmio_read(H.npu, V, NPU_CPU_SS_TIM_PERF_FREE_CNT + 4, 8), 0);
	CU_ASSERT_EQUAL(H.guest_errors - g, 3);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_HW_VERSION), 0x00370004);
	down();
}

/* ---- Read-only and write-only -------------------------------------------------------- */

static void test_ro_writes(void)
{
	static const struct { unsigned bar; uint32_t off; } ro[] = {
		{ B, NPU_BTRS_INTERRUPT_TYPE }, { B, NPU_BTRS_WP_DOWNLOAD }, { B, NPU_BTRS_CURRENT_PLL },
		{ B, NPU_BTRS_FMIN_FUSE }, { B, NPU_BTRS_FMAX_FUSE }, { B, NPU_BTRS_TILE_FUSE },
		{ B, NPU_BTRS_PLL_STATUS }, { B, NPU_BTRS_VPU_STATUS }, { B, NPU_BTRS_ATS_ERR_LOG_0 },
		{ B, NPU_BTRS_ATS_ERR_LOG_1 }, { B, NPU_BTRS_UFI_ERR_LOG },
		{ V, NPU_HOST_SS_HW_VERSION }, { V, NPU_HOST_SS_NOC_QACCEPTN },
		{ V, NPU_HOST_SS_NOC_QDENY }, { V, NPU_TOP_NOC_QACCEPTN }, { V, NPU_TOP_NOC_QDENY },
		{ V, NPU_HOST_SS_ICB_STATUS_0 }, { V, NPU_HOST_SS_ICB_STATUS_1 },
		{ V, NPU_HOST_SS_TIM_IPC_FIFO_ATM }, { V, NPU_HOST_SS_TIM_IPC_FIFO_STAT },
		{ V, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0 }, { V, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR },
		{ V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL }, { V, NPU_CPU_SS_DSU_LEON_RT_PC_REG },
		{ V, NPU_CPU_SS_DSU_LEON_RT_NPC_REG }, { V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG },
		{ V, NPU_CPU_SS_TIM_PERF_FREE_CNT }, { V, NPU_CPU_SS_TIM_PERF_FREE_CNT + 4 },
	};
	uint64_t cnt;
	unsigned g;

	up();
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		uint32_t before = mh_rd32(&H, ro[i].bar, ro[i].off);

		g = H.guest_errors;
		mh_wr32(&H, ro[i].bar, ro[i].off, ~before);
		CU_ASSERT_EQUAL(H.guest_errors - g, 1);
		if (ro[i].off != NPU_CPU_SS_TIM_PERF_FREE_CNT)
			CU_ASSERT_EQUAL(mh_rd32(&H, ro[i].bar, ro[i].off), before);
	}
	/* the 64-bit read-only counter, written natively, keeps counting from the
	 * same epoch (power-on) */
	g = H.guest_errors;
	mh_wr64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT, 0);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	cnt = mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	CU_ASSERT_EQUAL(cnt, (H.now_ns - H.power_on_ns) * 24 / 625);
	down();
}

static void test_wo_reads(void)
{
	static const struct { unsigned bar; uint32_t off; } wo[] = {
		{ V, NPU_HOST_SS_ICB_CLEAR_0 }, { V, NPU_HOST_SS_ICB_CLEAR_1 },
		{ V, NPU_CPU_SS_TIM_IPC_FIFO }, { B, NPU_BTRS_ATS_ERR_CLEAR },
		{ B, NPU_BTRS_UFI_ERR_CLEAR },
	};

	up();
	/* something each read could disturb if it ran the write side */
	mh_wr32(&H, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x1234);
	H.npu->btrs.ats_err_log = 0x55;
	H.npu->btrs.ufi_err_log = 0x66;
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
	for (size_t i = 0; i < sizeof(wo) / sizeof(wo[0]); i++) {
		unsigned g = H.guest_errors;

		CU_ASSERT_EQUAL(mh_rd32(&H, wo[i].bar, wo[i].off), 0);
		CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	}
	CU_ASSERT_EQUAL(H.npu->to_fw.level, 1);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_ATS_ERR_LOG_0), 0x55);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_UFI_ERR_LOG), 0x66);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_CPU_INT_REDIRECT_0);
	down();
}

/* ---- 64-bit accesses --------------------------------------------------------------- */

/* ivpu writes ICB_ENABLE_0 and ICB_CLEAR_0 as one 64-bit value and reads the
 * buttress ATS log as 64 bits (§1.2, §3.4): the model splits them over the
 * register pair, low half first. */
static void test_64bit_pairs(void)
{
	const uint64_t mask = NPU_ICB_0_IVPU_MASK | (uint64_t)NPU_ICB_1_IVPU_MASK << 32;
	const struct mh_trace_rec *r;
	unsigned g;

	up();
	g = H.guest_errors;
	mh_trace_log(&H, true);
	mh_wr64(&H, V, NPU_HOST_SS_ICB_ENABLE_0, mask);
	CU_ASSERT_EQUAL_FATAL(H.tlog_len, 2);
	r = &H.tlog[0];
	CU_ASSERT_EQUAL(r->kind, NPUM_TRACE_REG_WRITE);
	CU_ASSERT_STRING_EQUAL(r->s[1], "HOST_SS_ICB_ENABLE_0");
	CU_ASSERT_EQUAL(r->u[3], NPU_HOST_SS_ICB_ENABLE_0);
	CU_ASSERT_EQUAL(r->u[4], 4);
	CU_ASSERT_EQUAL(r->u[5], 0xC00001F0);
	r = &H.tlog[1];
	CU_ASSERT_STRING_EQUAL(r->s[1], "HOST_SS_ICB_ENABLE_1");
	CU_ASSERT_EQUAL(r->u[3], NPU_HOST_SS_ICB_ENABLE_1);
	CU_ASSERT_EQUAL(r->u[5], 0x7);
	mh_trace_log(&H, false);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_ENABLE_0), 0xC00001F0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_ENABLE_1), 0x7);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_HOST_SS_ICB_ENABLE_0), mask);

	/* CLEAR as one 64-bit value clears both words */
	npum_icb_raise(H.npu, 0, NPU_ICB_0_CPU_INT_REDIRECT_0 | NPU_ICB_0_MMU_IRQ_0_EVTQ);
	npum_icb_raise(H.npu, 1, NPU_ICB_1_CPU_INT_REDIRECT(2) | NPU_ICB_1_CPU_INT_REDIRECT(4));
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_HOST_SS_ICB_STATUS_0),
			(uint64_t)(NPU_ICB_1_CPU_INT_REDIRECT(2) | NPU_ICB_1_CPU_INT_REDIRECT(4)) << 32 |
			NPU_ICB_0_CPU_INT_REDIRECT_0 | NPU_ICB_0_MMU_IRQ_0_EVTQ);
	mh_wr64(&H, V, NPU_HOST_SS_ICB_CLEAR_0,
		(uint64_t)NPU_ICB_1_CPU_INT_REDIRECT(4) << 32 | NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_STATUS_1), NPU_ICB_1_CPU_INT_REDIRECT(2));
	mh_wr64(&H, V, NPU_HOST_SS_ICB_CLEAR_0, mask);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_HOST_SS_ICB_STATUS_0), 0);

	/* ATS_ERR_LOG_0/_1 read as one value */
	H.npu->btrs.ats_err_log = 0x0123456789ABCDEFull;
	mh_trace_log(&H, true);
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_ATS_ERR_LOG_0), 0x0123456789ABCDEFull);
	CU_ASSERT_EQUAL_FATAL(H.tlog_len, 2);
	CU_ASSERT_STRING_EQUAL(H.tlog[0].s[1], "BTRS_ATS_ERR_LOG_0");
	CU_ASSERT_EQUAL(H.tlog[0].u[5], 0x89ABCDEF);
	CU_ASSERT_STRING_EQUAL(H.tlog[1].s[1], "BTRS_ATS_ERR_LOG_1");
	CU_ASSERT_EQUAL(H.tlog[1].u[5], 0x01234567);
	mh_trace_log(&H, false);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_ATS_ERR_LOG_0), 0x89ABCDEF);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_ATS_ERR_LOG_1), 0x01234567);
	CU_ASSERT_EQUAL(H.guest_errors, g);
	down();
}

/* TIM_PERF_FREE_CNT is a native 64-bit register (§2.4): one access, one
 * trace record of size 8, and its halves as 32-bit registers. */
static void test_64bit_native(void)
{
	uint64_t want;
	unsigned g;

	up();
	/* 200 s after power-on: beyond 2^32 ticks */
	mh_advance(&H, H.power_on_ns + 200ull * 1000000000ull - H.now_ns);
	want = (H.now_ns - H.power_on_ns) * 24 / 625;
	CU_ASSERT_EQUAL(want, 7680000000ull);
	g = H.guest_errors;
	mh_trace_log(&H, true);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), want);
	CU_ASSERT_EQUAL_FATAL(H.tlog_len, 1);
	CU_ASSERT_EQUAL(H.tlog[0].kind, NPUM_TRACE_REG_READ);
	CU_ASSERT_STRING_EQUAL(H.tlog[0].s[0], "CPU_SS");            /* block */
	CU_ASSERT_STRING_EQUAL(H.tlog[0].s[1], "CPU_SS_TIM_PERF_FREE_CNT"); /* reg */
	CU_ASSERT_EQUAL(H.tlog[0].u[4], 8);                          /* size */
	CU_ASSERT_EQUAL(H.tlog[0].u[5], want);                       /* val */
	mh_trace_log(&H, false);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), (uint32_t)want);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT + 4), (uint32_t)(want >> 32));
	CU_ASSERT_EQUAL(H.guest_errors, g);
	down();
}

/* A 64-bit access to a 32-bit register without a partner above it. */
static void test_64bit_lone(void)
{
	unsigned g;

	up();
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_HOST_SS_HW_VERSION), 0x00370004);   /* 0x10C undefined */
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_VPU_IP_RESET), 0);               /* 0x54 undefined */
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	g = H.guest_errors;
	mh_wr64(&H, B, NPU_BTRS_VPU_TELEMETRY_ENABLE, 0xFFFFFFFF00000001ull);   /* 0x8C undefined */
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	g = H.guest_errors;
	mh_wr64(&H, V, NPU_HOST_SS_GEN_CTRL, 0x1);                              /* 0x11C undefined */
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	/* a pair of defined 32-bit registers is not an error */
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd64(&H, B, NPU_BTRS_FMAX_FUSE),
			(uint64_t)NPU_BTRS_TILE_FUSE_VALID << 32 | 35);
	CU_ASSERT_EQUAL(H.guest_errors, g);
	down();
}

/* ---- Power (deviations P1) ------------------------------------------------------- */

static void test_powered_down(void)
{
	unsigned g;

	mh_init(&H, MH_RAM_DEFAULT);      /* cold reset: D0i3, no workpoint (P3) */
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_HW_VERSION), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_CPU_SS_TIM_PERF_FREE_CNT), UINT64_MAX);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_CPU_SS_DOORBELL(3)), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_MMU_IDR0), 0xFFFFFFFF);
	mh_wr32(&H, V, NPU_HOST_SS_GEN_CTRL, 0x40000000);
	mh_wr32(&H, V, NPU_CPU_SS_DOORBELL(3), 1);
	mh_wr64(&H, V, NPU_HOST_SS_ICB_ENABLE_0, 0x1F0);
	CU_ASSERT_EQUAL(H.guest_errors - g, 7);
	/* the buttress is always reachable */
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_STATUS), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_D0I3_CONTROL), NPU_BTRS_VPU_D0I3_CONTROL_I3);
	CU_ASSERT_EQUAL(H.guest_errors, g);
	/* after power-up the dropped writes have left no trace */
	CU_ASSERT_EQUAL_FATAL(mh_power_up(&H), 0);
	g = H.guest_errors;
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_HW_VERSION), 0x00370004);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_CPU_SS_DOORBELL(3)), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_ICB_ENABLE_0), 0);
	CU_ASSERT_EQUAL(H.guest_errors, g);
	/* and D0i3 entry takes BAR0 away again */
	mh_wr32(&H, B, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_I3);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_HW_VERSION), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(H.guest_errors - g, 1);
	down();
}

/* Only BAR0 and BAR4 exist (§1.2). */
static void test_other_bars(void)
{
	static const unsigned bars[] = { 1, 2, 3, 5, 6, 7 };

	up();
	for (size_t i = 0; i < sizeof(bars) / sizeof(bars[0]); i++) {
		unsigned g = H.guest_errors;

		CU_ASSERT_EQUAL(mh_rd32(&H, bars[i], NPU_BTRS_VPU_STATUS), 0);
		CU_ASSERT_EQUAL(mh_rd64(&H, bars[i], 0), 0);
		mh_wr32(&H, bars[i], NPU_BTRS_VPU_TELEMETRY_OFFSET, 0x77);
		mh_wr32(&H, bars[i], NPU_HOST_SS_GEN_CTRL, 0x77);
		CU_ASSERT_EQUAL(H.guest_errors - g, 4);
	}
	CU_ASSERT_EQUAL(mh_rd32(&H, B, NPU_BTRS_VPU_TELEMETRY_OFFSET), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H, V, NPU_HOST_SS_GEN_CTRL), 0);
	down();
}

/* ---- Names -------------------------------------------------------------------------- */

static void test_reg_name(void)
{
	static const struct { unsigned bar; uint32_t off; const char *block, *name; } t[] = {
		{ V, NPU_HOST_SS_CPR_RST_CLR, "HOST_SS", "HOST_SS_CPR_RST_CLR" },
		{ V, NPU_TOP_NOC_QDENY, "HOST_SS", "TOP_NOC_QDENY" },
		{ V, NPU_HOST_SS_ICB_ENABLE_1, "ICB", "HOST_SS_ICB_ENABLE_1" },
		{ V, NPU_HOST_SS_TIM_IPC_FIFO_ATM, "HOST_SS_IPC", "HOST_SS_TIM_IPC_FIFO_ATM" },
		{ V, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, "HOST_SS_AON", "HOST_SS_AON_PWR_ISLAND_STATUS0" },
		{ V, NPU_HOST_SS_LOADING_ADDRESS_LO, "HOST_SS", "HOST_SS_LOADING_ADDRESS_LO" },
		{ V, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR, "HOST_SS", "HOST_SS_WORKPOINT_CONFIG_MIRROR" },
		{ V, NPU_MMU_CR0, "MMU", "MMU_CR0" },
		{ V, NPU_HOST_IF_TBU_MMUSSIDV, "HOST_IF", "HOST_IF_TBU_MMUSSIDV" },
		{ V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG, "CPU_SS_DSU", "CPU_SS_DSU_LEON_RT_DSU_TRAP_REG" },
		{ V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, "CPU_SS", "CPU_SS_MSSCPU_CPR_LEON_RT_VEC" },
		{ V, NPU_CPU_SS_TIM_SAFE, "CPU_SS", "CPU_SS_TIM_SAFE" },
		{ V, NPU_CPU_SS_TIM_PERF_FREE_CNT + 4, "CPU_SS", "CPU_SS_TIM_PERF_FREE_CNT" },
		{ V, NPU_CPU_SS_DOORBELL(0), "CPU_SS_DOORBELL", "CPU_SS_DOORBELL" },
		{ V, NPU_CPU_SS_DOORBELL(255), "CPU_SS_DOORBELL", "CPU_SS_DOORBELL" },
		{ B, NPU_BTRS_INTERRUPT_STAT, "BUTTRESS", "BTRS_INTERRUPT_STAT" },
		{ B, NPU_BTRS_VPU_STATUS, "BUTTRESS", "BTRS_VPU_STATUS" },
		{ B, NPU_BTRS_UFI_ERR_CLEAR, "BUTTRESS", "BTRS_UFI_ERR_CLEAR" },
		/* inside a block, no register: block known, name NULL */
		{ V, 0x00000000, "HOST_SS", NULL },
		{ V, NPU_CPU_SS_DOORBELL(7) + 4, "CPU_SS_DOORBELL", NULL },
		{ B, 0x3C, "BUTTRESS", NULL },
	};
	const char *blk;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *name;

		blk = "unset";
		name = npum_reg_name(t[i].bar, t[i].off, &blk);
		if (t[i].name) {
			CU_ASSERT_PTR_NOT_NULL(name);
			if (name && strcmp(name, t[i].name))
				fprintf(stderr, "\n  0x%x: %s, wanted %s\n", t[i].off, name, t[i].name);
			CU_ASSERT(name && !strcmp(name, t[i].name));
		} else {
			CU_ASSERT_PTR_NULL(name);
		}
		CU_ASSERT_STRING_EQUAL(blk, t[i].block);
		CU_ASSERT_PTR_EQUAL(npum_reg_name(t[i].bar, t[i].off, NULL), name);
	}
	/* outside every block: NULL, block untouched */
	blk = "unset";
	CU_ASSERT_PTR_NULL(npum_reg_name(V, 0x00100000, &blk));
	CU_ASSERT_PTR_NULL(npum_reg_name(V, NPU_CPU_SS_DOORBELL(256), &blk));
	CU_ASSERT_PTR_NULL(npum_reg_name(1, NPU_BTRS_VPU_STATUS, &blk));
	CU_ASSERT_PTR_NULL(npum_reg_name(B, 0x1000, &blk));
	CU_ASSERT_STRING_EQUAL(blk, "unset");
}

/* ---- Trace ------------------------------------------------------------------------------ */

/* reg_read / reg_write fields: block, reg, bar, off, size, val */
static void expect_rec(size_t i, enum npum_trace_id kind, const char *block, const char *name,
		       unsigned bar, uint32_t off, unsigned size, uint64_t val)
{
	const struct mh_trace_rec *r;

	CU_ASSERT_FATAL(i < H.tlog_len);
	r = &H.tlog[i];
	CU_ASSERT_EQUAL(r->kind, kind);
	CU_ASSERT_STRING_EQUAL(r->s[0], block);
	CU_ASSERT_STRING_EQUAL(r->s[1], name);
	CU_ASSERT_EQUAL(r->u[2], bar);
	CU_ASSERT_EQUAL(r->u[3], off);
	CU_ASSERT_EQUAL(r->u[4], size);
	CU_ASSERT_EQUAL(r->u[5], val);
}

static void test_trace_every_access(void)
{
	const struct npum_stats *st;
	uint64_t reads, writes;

	up();
	st = npum_get_stats(H.npu);
	reads = st->mmio_reads;
	writes = st->mmio_writes;
	mh_trace_log(&H, true);
	mh_rd32(&H, B, NPU_BTRS_VPU_STATUS);                                 /* 0 */
	mh_wr32(&H, B, NPU_BTRS_LOCAL_INT_MASK, 0xFFFFFFF9);                 /* 1 */
	mh_rd32(&H, V, NPU_HOST_SS_HW_VERSION);                              /* 2 */
	mh_wr32(&H, V, NPU_HOST_SS_HW_VERSION, 1);        /* read-only: 3 */
	mh_rd32(&H, V, NPU_HOST_SS_ICB_CLEAR_0);          /* write-only: 4 */
	mh_wr32(&H, V, NPU_CPU_SS_DOORBELL(9), 1);                           /* 5 (+ doorbell) */
	mh_rd64(&H, V, NPU_HOST_SS_ICB_ENABLE_0);                            /* 6, 7 */
	/* rejected before any register: no record */
	mh_rd32(&H, V, 0x00100000);
	npum_mmio_read(H.npu, B, NPU_BTRS_VPU_STATUS, 2);
	mh_rd32(&H, 3, 0);
	mh_trace_log(&H, false);

	CU_ASSERT_EQUAL(st->mmio_reads - reads, 7);
	CU_ASSERT_EQUAL(st->mmio_writes - writes, 3);
	CU_ASSERT_EQUAL(mh_trace_count(&H, NPUM_TRACE_REG_READ, NULL, NULL) +
			mh_trace_count(&H, NPUM_TRACE_REG_WRITE, NULL, NULL), 8);
	expect_rec(0, NPUM_TRACE_REG_READ, "BUTTRESS", "BTRS_VPU_STATUS", B, NPU_BTRS_VPU_STATUS, 4,
		   NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
	expect_rec(1, NPUM_TRACE_REG_WRITE, "BUTTRESS", "BTRS_LOCAL_INT_MASK", B, NPU_BTRS_LOCAL_INT_MASK,
		   4, 0xFFFFFFF9);
	expect_rec(2, NPUM_TRACE_REG_READ, "HOST_SS", "HOST_SS_HW_VERSION", V, NPU_HOST_SS_HW_VERSION, 4,
		   0x00370004);
	expect_rec(3, NPUM_TRACE_REG_WRITE, "HOST_SS", "HOST_SS_HW_VERSION", V, NPU_HOST_SS_HW_VERSION, 4, 1);
	expect_rec(4, NPUM_TRACE_REG_READ, "ICB", "HOST_SS_ICB_CLEAR_0", V, NPU_HOST_SS_ICB_CLEAR_0, 4, 0);
	expect_rec(5, NPUM_TRACE_REG_WRITE, "CPU_SS_DOORBELL", "CPU_SS_DOORBELL", V,
		   NPU_CPU_SS_DOORBELL(9), 4, 1);
	CU_ASSERT_EQUAL_FATAL(H.tlog_len, 9);
	CU_ASSERT_EQUAL(H.tlog[6].kind, NPUM_TRACE_DOORBELL);
	CU_ASSERT_EQUAL(H.tlog[6].u[0], 9);
	expect_rec(7, NPUM_TRACE_REG_READ, "ICB", "HOST_SS_ICB_ENABLE_0", V, NPU_HOST_SS_ICB_ENABLE_0, 4, 0);
	expect_rec(8, NPUM_TRACE_REG_READ, "ICB", "HOST_SS_ICB_ENABLE_1", V, NPU_HOST_SS_ICB_ENABLE_1, 4, 0);
	down();
}

/* ---- Creation ----------------------------------------------------------------- */

static void nop_msi(void *o) { (void)o; }
static uint64_t zero_clock(void *o) { (void)o; return 0; }
static void nop_timer(void *o, uint64_t d) { (void)o; (void)d; }
static void nop_ge(void *o, const char *m) { (void)o; (void)m; }
static int nop_dma_r(void *o, uint64_t a, void *b, uint64_t l)
{
	(void)o; (void)a; (void)b; (void)l;
	return -1;
}
static int nop_dma_w(void *o, uint64_t a, const void *b, uint64_t l)
{
	(void)o; (void)a; (void)b; (void)l;
	return -1;
}

/* npum_create refuses configurations and host interfaces it cannot honour. */
static void test_create_config(void)
{
	static const struct npum_host_ops ops = {
		.dma_read = nop_dma_r, .dma_write = nop_dma_w, .msi_notify = nop_msi,
		.clock_ns = zero_clock, .timer_mod = nop_timer, .guest_error = nop_ge,
	};
	struct npum_config good, cfg;
	struct npum_host_ops bad_ops;
	struct npum *n;
	const char *err;

	npum_config_default(&good);
	CU_ASSERT_EQUAL(good.device_id, NPU_PCI_DEVICE_MTL);
	CU_ASSERT_EQUAL(good.revision, NPU_PCI_REVISION_MTL);
	CU_ASSERT_EQUAL(good.lrt_ipus, 100);
	CU_ASSERT_EQUAL(good.fuse_min_ratio, 9);
	CU_ASSERT_EQUAL(good.fuse_pn_ratio, 21);
	CU_ASSERT_EQUAL(good.fuse_max_ratio, 35);
	err = NULL;
	n = npum_create(&good, &ops, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL(n);
	npum_destroy(n);
	cfg = good;
	cfg.device_id = NPU_PCI_DEVICE_ARL;
	n = npum_create(&cfg, &ops, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL(n);
	npum_destroy(n);
	npum_destroy(NULL);

#define REFUSED(field, value) do { \
		cfg = good; \
		cfg.field = (value); \
		err = NULL; \
		CU_ASSERT_PTR_NULL(npum_create(&cfg, &ops, NULL, &err)); \
		CU_ASSERT_PTR_NOT_NULL(err); \
	} while (0)
	REFUSED(device_id, 0x643E);           /* LNL: another IP generation */
	REFUSED(lrt_ipus, 0);
	REFUSED(lrt_ipus, 10001);
	REFUSED(lrt_lead_ns, 10000001);
	REFUSED(fuse_min_ratio, 0);
	REFUSED(fuse_min_ratio, 22);          /* min > pn */
	REFUSED(fuse_max_ratio, 20);          /* pn > max */
#undef REFUSED
	cfg = good;
	cfg.lrt_ipus = 10000;
	cfg.lrt_lead_ns = 10000000;
	n = npum_create(&cfg, &ops, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL(n);
	npum_destroy(n);
	bad_ops = ops;
	bad_ops.timer_mod = NULL;
	err = NULL;
	CU_ASSERT_PTR_NULL(npum_create(&good, &bad_ops, NULL, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	bad_ops = ops;
	bad_ops.dma_write = NULL;
	CU_ASSERT_PTR_NULL(npum_create(&good, &bad_ops, NULL, &err));
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("model_regs", NULL, NULL);
	CU_add_test(s, "npum_create validates config and host ops", test_create_config);
	CU_add_test(s, "undefined offsets read 0, guest error", test_undefined_offsets);
	CU_add_test(s, "1/2-byte, odd sizes, misaligned: rejected", test_access_sizes);
	CU_add_test(s, "read-only registers ignore writes", test_ro_writes);
	CU_add_test(s, "write-only registers read 0, no side effect", test_wo_reads);
	CU_add_test(s, "64-bit split over register pairs", test_64bit_pairs);
	CU_add_test(s, "64-bit native TIM_PERF_FREE_CNT", test_64bit_native);
	CU_add_test(s, "64-bit access to a lone 32-bit register", test_64bit_lone);
	CU_add_test(s, "BAR0 while powered down", test_powered_down);
	CU_add_test(s, "BARs the function does not have", test_other_bars);
	CU_add_test(s, "npum_reg_name", test_reg_name);
	CU_add_test(s, "a trace record for every register access", test_trace_every_access);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
