/* SPDX-License-Identifier: MIT */
/*
 * The control-core subsystem (qemu-device/model/lrt.c) seen by small RV32
 * programs running in fake RAM mapped through the NPU MMU: the peripheral
 * block of include/intel-npu/lrt.h, timing (lrt_ipus instructions per
 * virtual µs, sleeping costs nothing, eager reaction within lrt_lead_ns),
 * traps into error mode, IP reset; and the determinism of the whole model
 * (docs/lrt-core.md, docs/deviations.md D1-D6, I6, I9).
 *
 * The suite "model_lrt_regressions" holds the tests of four model bugs this
 * suite found (timer deadlines off the instruction grid and beyond 64-bit ns
 * hung the host; mtime stood still within one interpreter run; sleep was
 * counted as throttling). They run in a child process, because two of those
 * bugs hang the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "model_prog.h"
#include "npum_internal.h"     /* the FIFO state behind the core's registers */
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"

#define V NPU_BAR_REGV
#define B NPU_BAR_REGB
#define US 1000ull
#define MS 1000000ull
#define PERIPH NPU_LRT_PERIPH_BASE

static uint64_t insns(struct mp *P)
{
	return npum_get_stats(P->h.npu)->lrt_instructions;
}

static uint32_t dsu_trap(struct mp *P)
{
	return mh_rd32(&P->h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG);
}

static uint64_t perf(struct mh *h)
{
	return mh_rd64(h, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
}

static uint32_t fifo_fill(struct mh *h)
{
	return (uint32_t)NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				     mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT));
}

/* ivpu's interrupt enable after boot (§3.4) */
static void irqs_on_lrt(struct mh *h)
{
	mh_wr64(h, V, NPU_HOST_SS_ICB_ENABLE_0,
		NPU_ICB_0_IVPU_MASK | (uint64_t)NPU_ICB_1_IVPU_MASK << 32);
	mh_wr32(h, B, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	mh_wr32(h, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
}

static uint32_t config_with(struct npum_config *cfg, uint32_t ipus, uint32_t lead_ns)
{
	npum_config_default(cfg);
	cfg->lrt_ipus = ipus;
	cfg->lrt_lead_ns = lead_ns;
	return ipus;
}

/* lw a0, off(t0); sw a0, 4*idx(t1) */
static void emit_periph_to_data(struct mp *P, uint32_t off, unsigned idx)
{
	mp_emit(P, RV_LW(RV_A0, RV_T0, (int32_t)off));
	mp_emit(P, RV_SW(RV_A0, RV_T1, (int32_t)(4 * idx)));
}

static void emit_console(struct mp *P, const char *s)
{
	for (; *s; s++)
		mp_periph_wr(P, NPU_LRT_CONSOLE_TX, (uint8_t)*s);
}

/* An IP reset at virtual time `at` (the perf counter's new epoch), then the
 * MMU enabled again; returns the epoch. */
static uint64_t ip_reset_at(struct mp *P, uint64_t at)
{
	struct mh *h = &P->h;
	uint64_t epoch;

	mh_advance(h, at - h->now_ns);
	mh_wr32(h, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	epoch = h->now_ns;
	mh_advance(h, 20 * US);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_enable(h), 0);
	CU_ASSERT_EQUAL(perf(h), (h->now_ns - epoch) * 24 / 625);
	return epoch;
}

/* ==== Peripheral block ================================================================= */

static void check_identity(const struct npum_config *cfg)
{
	struct mp P;

	mp_init(&P, cfg);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	emit_periph_to_data(&P, NPU_LRT_ID, 0);
	emit_periph_to_data(&P, NPU_LRT_IPUS, 1);
	emit_periph_to_data(&P, NPU_LRT_PCI_DEVICE, 2);
	mp_halt(&P, NPU_LRT_HALT_CLEAN);
	mp_boot(&P);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_data(&P, 0), NPU_LRT_ID_VALUE);
	CU_ASSERT_EQUAL(mp_data(&P, 1), cfg ? cfg->lrt_ipus : 100);
	CU_ASSERT_EQUAL(mp_data(&P, 2), cfg ? (uint32_t)cfg->device_id | (uint32_t)cfg->revision << 16
					    : (uint32_t)NPU_PCI_DEVICE_MTL | NPU_PCI_REVISION_MTL << 16);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_HALTED);
	CU_ASSERT_EQUAL(dsu_trap(&P), 0);
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

static void test_lrt_identity(void)
{
	struct npum_config cfg;

	check_identity(NULL);
	config_with(&cfg, 250, 0);
	cfg.device_id = NPU_PCI_DEVICE_ARL;
	cfg.revision = 7;
	check_identity(&cfg);
}

/* HALT: the code goes to DSU_TRAP[23:16]; 0 is a clean halt, anything else
 * error mode (lrt.h, docs/lrt-core.md). */
static void test_lrt_halt_code(void)
{
	static const struct { uint32_t written, code, state; } t[] = {
		{ 0x00, 0x00, NPU_DSU_STATE_HALTED },
		{ 0x42, 0x42, NPU_DSU_STATE_ERROR },
		{ 0x1FF, 0xFF, NPU_DSU_STATE_ERROR },
		{ NPU_LRT_HALT_BAD_BOOT_PARAMS, NPU_LRT_HALT_BAD_BOOT_PARAMS, NPU_DSU_STATE_ERROR },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mp P;
		const struct mh_trace_rec *r;
		uint64_t n;

		mp_init(&P, NULL);
		P.pc = MP_CODE_VA;
		mp_prologue(&P);
		mp_halt(&P, t[i].written);
		mh_trace_log(&P.h, true);
		mp_boot(&P);
		mp_run(&P, 10 * US);
		CU_ASSERT_EQUAL(mp_dsu_state(&P), t[i].state);
		CU_ASSERT_EQUAL(dsu_trap(&P),
				(uint32_t)NPU_FLD_PREP(NPU_DSU_TRAP_HALT_CODE, t[i].code) |
				(t[i].state == NPU_DSU_STATE_ERROR ? NPU_DSU_TRAP_ERROR_MODE : 0));
		r = NULL;
		for (size_t k = 0; k < P.h.tlog_len; k++)
			if (P.h.tlog[k].kind == NPUM_TRACE_LRT && !strcmp(P.h.tlog[k].s[0], "halt"))
				r = &P.h.tlog[k];
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(r->u[2], t[i].code);               /* cause: the halt code */
		CU_ASSERT_EQUAL(r->u[1], MP_CODE_VA + 24);         /* pc: the sw to HALT */
		/* stopped for good */
		n = insns(&P);
		mp_run(&P, 10 * MS);
		CU_ASSERT_EQUAL(insns(&P), n);
		CU_ASSERT_EQUAL(P.h.guest_errors, 0);
		mp_fini(&P);
	}
}

/* CONSOLE_TX: lines to the host's console hook and the trace; 200 bytes at
 * most per line; a partial line is lost at an IP reset. */
static void test_lrt_console(void)
{
	struct mp P;
	uint32_t loop;

	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	emit_console(&P, "hello\nworld\n");
	mp_li(&P, RV_A1, 250);
	mp_li(&P, RV_A0, 'x');
	loop = mp_emit(&P, RV_SW(RV_A0, RV_T0, NPU_LRT_CONSOLE_TX));
	mp_emit(&P, RV_ADDI(RV_A1, RV_A1, -1));
	mp_emit(&P, RV_BNE(RV_A1, RV_ZERO, (int32_t)mp_rel(P.pc, loop)));
	emit_console(&P, "\ntail");
	mp_halt(&P, 0);
	mh_trace_log(&P.h, true);
	mp_boot(&P);
	mp_run(&P, 1 * MS);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_HALTED);
	CU_ASSERT_EQUAL(P.h.console_lines, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(P.h.console);
	CU_ASSERT_EQUAL(strncmp(P.h.console, "hello\nworld\n", 12), 0);
	CU_ASSERT_EQUAL(strspn(P.h.console + 12, "x"), 200);
	CU_ASSERT_EQUAL(P.h.console[212], '\n');
	CU_ASSERT_EQUAL(strspn(P.h.console + 213, "x"), 50);
	CU_ASSERT_STRING_EQUAL(P.h.console + 263, "\n");
	CU_ASSERT_FALSE(mh_console_has(&P.h, "tail"));
	/* the same lines as trace records */
	CU_ASSERT_EQUAL(mh_trace_count(&P.h, NPUM_TRACE_FW_CONSOLE, NULL, NULL), 4);
	for (size_t i = 0, k = 0; i < P.h.tlog_len; i++) {
		const struct mh_trace_rec *r = &P.h.tlog[i];

		if (r->kind != NPUM_TRACE_FW_CONSOLE)
			continue;
		CU_ASSERT_PTR_NOT_NULL_FATAL(r->text);
		if (k == 0)
			CU_ASSERT_STRING_EQUAL(r->text, "hello");
		if (k == 1)
			CU_ASSERT_STRING_EQUAL(r->text, "world");
		if (k == 2)
			CU_ASSERT_EQUAL(strlen(r->text), 200);
		if (k == 3)
			CU_ASSERT_EQUAL(strlen(r->text), 50);
		k++;
	}
	/* the partial "tail" dies with an IP reset */
	mh_wr32(&P.h, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	mh_advance(&P.h, 20 * US);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_enable(&P.h), 0);
	mh_console_clear(&P.h);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	emit_console(&P, "new\n");
	mp_halt(&P, 0);
	mp_boot(&P);
	mp_run(&P, 100 * US);
	CU_ASSERT_STRING_EQUAL(P.h.console ? P.h.console : "", "new\n");
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

static void test_lrt_inbox_outbox(void)
{
	struct mp P;
	struct mh *h = &P.h;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), NPU_LRT_FIFO_STAT_EMPTY);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT), NPU_LRT_FIFO_STAT_EMPTY);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING), NPU_LRT_IRQ_OUTBOX_SPACE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_DATA), NPU_IPC_FIFO_EMPTY_VALUE);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x84900000);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x84900040);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), 2);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING),
			NPU_LRT_IRQ_OUTBOX_SPACE | NPU_LRT_IRQ_INBOX);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_DATA), 0x84900000);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_DATA), 0x84900040);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_DATA), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING), NPU_LRT_IRQ_OUTBOX_SPACE);
	mp_lrt_wr(&P, NPU_LRT_OUTBOX_DATA, 0x84A00000);
	mp_lrt_wr(&P, NPU_LRT_OUTBOX_DATA, 0x84A00040);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT), 2);
	CU_ASSERT_EQUAL(fifo_fill(h), 2);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x84A00000);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x84A00040);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT), NPU_LRT_FIFO_STAT_EMPTY);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* A full inbox: the host's push is dropped (guest error) and INBOX_STAT
 * shows the sticky overflow, write-1-to-clear (I6). */
static void test_lrt_inbox_overflow(void)
{
	const uint32_t full = NPU_LRT_FIFO_DEPTH | NPU_LRT_FIFO_STAT_FULL;
	struct mp P;
	struct mh *h = &P.h;
	unsigned g;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	g = h->guest_errors;
	for (uint32_t i = 0; i < NPU_LRT_FIFO_DEPTH; i++)
		mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x2000 + i);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), full);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0xBAD);
	CU_ASSERT_EQUAL(h->guest_errors - g, 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), full | NPU_LRT_FIFO_STAT_OVERFLOW);
	mp_lrt_wr(&P, NPU_LRT_INBOX_STAT, ~NPU_LRT_FIFO_STAT_OVERFLOW);   /* other bits: nothing */
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), full | NPU_LRT_FIFO_STAT_OVERFLOW);
	mp_lrt_wr(&P, NPU_LRT_INBOX_STAT, NPU_LRT_FIFO_STAT_OVERFLOW);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), full);
	for (uint32_t i = 0; i < NPU_LRT_FIFO_DEPTH; i++)
		CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_DATA), 0x2000 + i);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INBOX_STAT), NPU_LRT_FIFO_STAT_EMPTY);
	CU_ASSERT_EQUAL(h->guest_errors - g, 1);
	mp_fini(&P);
}

/* A full outbox: the firmware's push is dropped (no guest error, the
 * firmware can see it), OUTBOX_STAT overflow W1C, no "space" source. */
static void test_lrt_outbox_overflow(void)
{
	const uint32_t full = NPU_LRT_FIFO_DEPTH | NPU_LRT_FIFO_STAT_FULL;
	struct mp P;
	struct mh *h = &P.h;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	for (uint32_t i = 0; i < NPU_LRT_FIFO_DEPTH; i++)
		mp_lrt_wr(&P, NPU_LRT_OUTBOX_DATA, 0x3000 + i);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT), full);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_OUTBOX_SPACE, 0);
	mh_trace_log(h, true);
	mp_lrt_wr(&P, NPU_LRT_OUTBOX_DATA, 0xBAD);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_FIFO, "to-host", "drop"), 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT), full | NPU_LRT_FIFO_STAT_OVERFLOW);
	CU_ASSERT_EQUAL(fifo_fill(h), NPU_LRT_FIFO_DEPTH);
	for (uint32_t i = 0; i < NPU_LRT_FIFO_DEPTH; i++)
		CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x3000 + i);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT),
			NPU_LRT_FIFO_STAT_EMPTY | NPU_LRT_FIFO_STAT_OVERFLOW);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_OUTBOX_SPACE,
			NPU_LRT_IRQ_OUTBOX_SPACE);
	mp_lrt_wr(&P, NPU_LRT_OUTBOX_STAT, NPU_LRT_FIFO_STAT_OVERFLOW);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_OUTBOX_STAT), NPU_LRT_FIFO_STAT_EMPTY);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* Reset values and the read/write registers of the block. */
static void test_lrt_periph_regs(void)
{
	struct mp P;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_ENABLE), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_MTIMECMP_LO), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_MTIMECMP_HI), 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_WDT_LOAD), NPU_TIM_WATCHDOG_RESET_VALUE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_WDT_CTRL), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_DB_SUMMARY), 0);
	mp_lrt_wr(&P, NPU_LRT_INTC_ENABLE, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_INTC_ENABLE), NPU_LRT_IRQ_ALL);
	mp_lrt_wr(&P, NPU_LRT_INTC_ENABLE, 0);
	mp_lrt_wr(&P, NPU_LRT_MTIMECMP_LO, 0x89ABCDEF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_MTIMECMP_LO), 0x89ABCDEF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_MTIMECMP_HI), 0xFFFFFFFF);
	mp_lrt_wr(&P, NPU_LRT_MTIMECMP_HI, 0x01234567);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_MTIMECMP_HI), 0x01234567);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_MTIMECMP_LO), 0x89ABCDEF);
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

/* Undefined peripheral offsets and non-32-bit accesses: access fault and a
 * guest error. */
static void test_lrt_undefined_periph(void)
{
	static const uint32_t holes[] = { 0x00C, 0x018, 0x028, 0x038, 0x064, 0x088, 0x0B0, 0x0CC,
					  0x10C, 0xFFFC };
	struct mp P;
	uint32_t v, cause;
	unsigned g;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		g = P.h.guest_errors;
		CU_ASSERT_TRUE(mp_peek(&P, PERIPH + holes[i], &v, &cause));
		CU_ASSERT_EQUAL(cause, 5);                          /* load access fault */
		CU_ASSERT_EQUAL(mp_data(&P, MP_MON_TVAL), PERIPH + holes[i]);
		CU_ASSERT_TRUE(mp_poke(&P, PERIPH + holes[i], 1, &cause));
		CU_ASSERT_EQUAL(cause, 7);                          /* store access fault */
		CU_ASSERT_EQUAL(P.h.guest_errors - g, 2);
	}
	/* reads of write-only and writes of read-only registers */
	g = P.h.guest_errors;
	CU_ASSERT_TRUE(mp_peek(&P, PERIPH + NPU_LRT_CONSOLE_TX, &v, &cause));
	CU_ASSERT_EQUAL(cause, 5);
	CU_ASSERT_TRUE(mp_peek(&P, PERIPH + NPU_LRT_HALT, &v, &cause));
	CU_ASSERT_EQUAL(cause, 5);
	CU_ASSERT_TRUE(mp_peek(&P, PERIPH + NPU_LRT_OUTBOX_DATA, &v, &cause));
	CU_ASSERT_EQUAL(cause, 5);
	CU_ASSERT_TRUE(mp_poke(&P, PERIPH + NPU_LRT_ID, 0, &cause));
	CU_ASSERT_EQUAL(cause, 7);
	CU_ASSERT_TRUE(mp_poke(&P, PERIPH + NPU_LRT_INBOX_DATA, 0, &cause));
	CU_ASSERT_EQUAL(cause, 7);
	CU_ASSERT_TRUE(mp_poke(&P, PERIPH + NPU_LRT_MTIME_LO, 0, &cause));
	CU_ASSERT_EQUAL(cause, 7);
	/* a byte access to a defined register */
	CU_ASSERT_TRUE(mp_peek_byte(&P, PERIPH + NPU_LRT_ID, &v, &cause));
	CU_ASSERT_EQUAL(cause, 5);
	CU_ASSERT_EQUAL(P.h.guest_errors - g, 7);
	/* the core carries on */
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_ID), NPU_LRT_ID_VALUE);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RUNNING);
	mp_fini(&P);
}

/* The core's WDT_* and the host's TIM_WATCHDOG/TIM_WDOG_EN are one counter (I9). */
static void test_lrt_wdt_shared(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint32_t host, core;

	mp_init(&P, NULL);
	mp_monitor_boot(&P);
	mp_lrt_wr(&P, NPU_LRT_WDT_LOAD, 38400);              /* 1 ms */
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_WATCHDOG), 38400);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_WDOG_EN), 0);
	mp_lrt_wr(&P, NPU_LRT_WDT_CTRL, NPU_LRT_WDT_CTRL_EN);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_WDOG_EN), 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_WDT_CTRL), NPU_LRT_WDT_CTRL_EN);
	mh_advance(h, 300 * US);
	host = mh_rd32(h, V, NPU_CPU_SS_TIM_WATCHDOG);
	core = mp_lrt_rd(&P, NPU_LRT_WDT_COUNT);
	CU_ASSERT(host < 38400 - 11000 && host > 38400 - 13000);
	CU_ASSERT(core <= host && host - core < 1000);
	/* the host reloads through TIM_SAFE: the core sees the new load */
	mh_wr32(h, V, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	mh_wr32(h, V, NPU_CPU_SS_TIM_WATCHDOG, 3840);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_WDT_LOAD), 3840);
	/* nobody kicks: it expires (ICB CPU_INT_REDIRECT_0, DSU bit 8) */
	mp_run(&P, 200 * US);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_ICB_STATUS_0), NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_WDOG_EXPIRED,
			NPU_DSU_CTRL_WDOG_EXPIRED);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_WDT_COUNT), 0);
	/* the core's kick ends the expired state and counts again */
	mp_lrt_wr(&P, NPU_LRT_WDT_LOAD, 38400);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_WDOG_EXPIRED, 0);
	CU_ASSERT(mh_rd32(h, V, NPU_CPU_SS_TIM_WATCHDOG) > 30000);
	/* the core disables it: the host sees it disabled */
	mp_lrt_wr(&P, NPU_LRT_WDT_CTRL, 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_TIM_WDOG_EN), 0);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* ==== Interrupts and time ============================================================== */

/* MEIP from the interrupt controller wakes WFI; a source that is not
 * enabled does not. */
static void test_lrt_meip_wakes_wfi(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint32_t sleep, pop, b_empty;
	uint64_t n;

	/* the echo program: INTC_ENABLE = INBOX */
	mp_init(&P, NULL);
	mp_echo_boot(&P);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	n = insns(&P);
	mp_run(&P, 10 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x41);
	mp_run(&P, 100 * US);
	CU_ASSERT(insns(&P) > n);
	CU_ASSERT_EQUAL(mp_data(&P, MP_ECHO_COUNT), 1);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x42);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	/* doorbells are not enabled: no wake-up */
	n = insns(&P);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(3), 1);
	mp_run(&P, 1 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	mp_fini(&P);

	/* INTC_ENABLE = DOORBELL only: an inbox entry sleeps until a doorbell */
	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	mp_periph_wr(&P, NPU_LRT_INTC_ENABLE, NPU_LRT_IRQ_DOORBELL);
	mp_li(&P, RV_A0, RV_MIE_MEIE);
	mp_emit(&P, RV_CSRRS(0, RV_CSR_MIE, RV_A0));
	sleep = mp_emit(&P, RV_WFI);
	mp_li(&P, RV_A0, 0xFFFFFFFF);
	mp_emit(&P, RV_SW(RV_A0, RV_T0, (int32_t)NPU_LRT_DB_PENDING(0)));
	pop = mp_emit(&P, RV_LW(RV_A1, RV_T0, NPU_LRT_INBOX_DATA));
	mp_emit(&P, RV_ADDI(RV_A2, RV_ZERO, -1));
	b_empty = mp_emit(&P, 0);
	mp_patch(&P, b_empty, RV_BEQ(RV_A1, RV_A2, (int32_t)mp_rel(b_empty, sleep)));
	mp_emit(&P, RV_SW(RV_A1, RV_T0, NPU_LRT_OUTBOX_DATA));
	mp_emit(&P, RV_JAL(0, (int32_t)mp_rel(P.pc, pop)));
	mp_boot(&P);
	mp_run(&P, 100 * US);
	n = insns(&P);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x77);
	mp_run(&P, 1 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	CU_ASSERT_EQUAL(fifo_fill(h), 0);
	mh_wr32(h, V, NPU_CPU_SS_DOORBELL(0), 1);
	mp_run(&P, 100 * US);
	CU_ASSERT(insns(&P) > n);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x77);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DOORBELL(0)), 0);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* mtime (and the time CSR) is the perf counter the host reads at
 * TIM_PERF_FREE_CNT. */
static void test_lrt_mtime_equals_perf(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint64_t p0, p1, m0, m1, t1;

	mp_init(&P, NULL);
	ip_reset_at(&P, 2 * MS + 370);         /* an epoch other than the cold reset */
	mh_advance(h, 3 * MS);                 /* some distance from the epoch */
	P.pc = MP_CODE_VA;
	mp_prologue(&P);                       /* 4 instructions */
	emit_periph_to_data(&P, NPU_LRT_MTIME_LO, 0);
	emit_periph_to_data(&P, NPU_LRT_MTIME_HI, 1);
	mp_periph_wr(&P, NPU_LRT_INTC_ENABLE, NPU_LRT_IRQ_INBOX);
	mp_li(&P, RV_A0, RV_MIE_MEIE);
	mp_emit(&P, RV_CSRRS(0, RV_CSR_MIE, RV_A0));
	mp_emit(&P, RV_WFI);
	emit_periph_to_data(&P, NPU_LRT_MTIME_LO, 2);
	emit_periph_to_data(&P, NPU_LRT_MTIME_HI, 3);
	mp_emit(&P, RV_CSRR(RV_A0, RV_CSR_TIME));
	mp_emit(&P, RV_SW(RV_A0, RV_T1, 16));
	mp_emit(&P, RV_CSRR(RV_A0, RV_CSR_TIMEH));
	mp_emit(&P, RV_SW(RV_A0, RV_T1, 20));
	mp_halt(&P, 0);
	mp_boot(&P);
	p0 = perf(h);
	mp_run(&P, 10 * US);
	m0 = mp_data(&P, 0) | (uint64_t)mp_data(&P, 1) << 32;
	/* read 40 ns after the start: within a tick or two of the host's count */
	CU_ASSERT(m0 >= p0 && m0 <= p0 + 2);
	mh_advance(h, 5 * MS + 321);
	p1 = perf(h);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 1);
	mp_run(&P, 10 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_HALTED);
	m1 = mp_data(&P, 2) | (uint64_t)mp_data(&P, 3) << 32;
	t1 = mp_data(&P, 4) | (uint64_t)mp_data(&P, 5) << 32;
	CU_ASSERT(m1 >= p1 && m1 <= p1 + 2);
	CU_ASSERT(t1 >= m1 && t1 <= m1 + 2);
	if (m1 < p1 || m1 > p1 + 2)
		fprintf(stderr, "\n  mtime %llu, host perf counter %llu\n", (unsigned long long)m1,
			(unsigned long long)p1);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* A program that sets mtimecmp, sleeps with MTIE, and when woken stores
 * mtime in data word 0 and 1 in word 1, then halts. */
static void assemble_timer_wait(struct mp *P, uint64_t cmp)
{
	P->pc = MP_CODE_VA;
	mp_prologue(P);
	mp_periph_wr(P, NPU_LRT_MTIMECMP_HI, 0xFFFFFFFF);
	mp_periph_wr(P, NPU_LRT_MTIMECMP_LO, (uint32_t)cmp);
	mp_periph_wr(P, NPU_LRT_MTIMECMP_HI, (uint32_t)(cmp >> 32));
	mp_li(P, RV_A0, RV_MIE_MTIE);
	mp_emit(P, RV_CSRRS(0, RV_CSR_MIE, RV_A0));
	mp_emit(P, RV_WFI);
	emit_periph_to_data(P, NPU_LRT_MTIME_LO, 0);
	mp_li(P, RV_A0, 1);
	mp_emit(P, RV_SW(RV_A0, RV_T1, 4));
	mp_halt(P, 0);
	mp_set_data(P, 1, 0);
}

/* mtimecmp wakes a WFI at exactly the virtual time mtime reaches it. The
 * deadline is put on the core's instruction grid (10 ns at 100/µs from the
 * start); off the grid the model livelocks: see the known-bugs suite. */
static void test_lrt_mtimecmp_wakes_wfi(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint64_t cmp, wake_ns, epoch;

	mp_init(&P, NULL);
	epoch = ip_reset_at(&P, 2 * MS + 770);
	CU_ASSERT_EQUAL_FATAL(h->now_ns % 10, 0);           /* the start: on the 10 ns grid */
	cmp = (perf(h) / 48 + 1) * 48 + 38400;   /* ~1 ms ahead; 625 * cmp / 24 ns, even */
	wake_ns = epoch + cmp * 625 / 24;
	CU_ASSERT_EQUAL_FATAL(wake_ns % 10, 0);
	assemble_timer_wait(&P, cmp);
	mp_boot(&P);
	mp_run(&P, 10 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	/* asleep, the model wants its timer exactly then, and nothing sooner */
	CU_ASSERT_EQUAL(h->deadline_ns, wake_ns);
	mh_advance(h, wake_ns - 1 - h->now_ns);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	CU_ASSERT_EQUAL(mp_data(&P, 1), 0);
	mh_advance(h, 1);
	mp_run(&P, 1 * US);
	CU_ASSERT_EQUAL(mp_data(&P, 1), 1);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_HALTED);
	CU_ASSERT(mp_data(&P, 0) >= (uint32_t)cmp && mp_data(&P, 0) <= (uint32_t)cmp + 4);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);

	/* the same with no register access at all: the timer alone wakes it (the
	 * code after the WFI runs within one 20 µs time slice) */
	mp_init(&P, NULL);
	epoch = ip_reset_at(&P, 2 * MS + 770);
	cmp = (perf(h) / 48 + 1) * 48 + 38400;
	wake_ns = epoch + cmp * 625 / 24;
	CU_ASSERT_EQUAL_FATAL(wake_ns % 10, 0);
	assemble_timer_wait(&P, cmp);
	mp_boot(&P);
	mh_advance(h, wake_ns - 1 - h->now_ns);
	CU_ASSERT_EQUAL(mp_data(&P, 1), 0);
	mh_advance(h, 1 + 25 * US);
	CU_ASSERT_EQUAL(mp_data(&P, 1), 1);
	CU_ASSERT(mp_data(&P, 0) >= (uint32_t)cmp && mp_data(&P, 0) <= (uint32_t)cmp + 4);
	mp_fini(&P);
}

/* The core retires lrt_ipus instructions per virtual µs. */
static void check_ipus(uint32_t ipus, uint32_t lead_ns)
{
	struct npum_config cfg;
	struct mp P;
	uint64_t t0;

	config_with(&cfg, ipus, lead_ns);
	mp_init(&P, &cfg);
	mp_loop_boot(&P);
	t0 = P.h.now_ns;
	mh_advance(&P.h, 1 * MS);
	mp_run(&P, 0);
	CU_ASSERT_EQUAL(insns(&P), (P.h.now_ns - t0) * ipus / 1000);
	mp_run(&P, 9 * MS + 333);
	CU_ASSERT_EQUAL(insns(&P), (P.h.now_ns - t0) * ipus / 1000);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RUNNING);
	CU_ASSERT_EQUAL(npum_get_stats(P.h.npu)->lrt_throttled_ns, 0);
	mp_fini(&P);
}

static void test_lrt_timing_ipus(void)
{
	check_ipus(100, 200000);
	check_ipus(100, 0);
	check_ipus(250, 200000);
	check_ipus(1, 0);
	check_ipus(3, 1000);
}

/* A sleeping core executes nothing, however much time passes, and keeps no
 * host timer armed. */
static void test_lrt_sleeping_core_idle(void)
{
	struct mp P;
	uint64_t n;

	mp_init(&P, NULL);
	mp_sleep_boot(&P);
	mp_run(&P, 10 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	n = insns(&P);
	CU_ASSERT(n > 0 && n < 10);
	CU_ASSERT_EQUAL(P.h.deadline_ns, UINT64_MAX);
	mp_run(&P, 1000 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	for (unsigned i = 0; i < 1000; i++)
		mp_run(&P, 1 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	CU_ASSERT_EQUAL(P.h.deadline_ns, UINT64_MAX);
	mp_fini(&P);
}

/* lrt_lead_ns > 0: an interrupt is handled at once, before virtual time
 * moves; lrt_lead_ns = 0: only as time passes. */
static void test_lrt_eager_reaction(void)
{
	struct npum_config cfg;
	struct mp P;
	struct mh *h = &P.h;

	mp_init(&P, NULL);                               /* lead 200 µs */
	mp_echo_boot(&P);
	mp_run(&P, 100 * US);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x500);
	CU_ASSERT_EQUAL(fifo_fill(h), 1);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x501);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	mp_fini(&P);

	config_with(&cfg, 100, 0);
	mp_init(&P, &cfg);
	mp_echo_boot(&P);
	mp_run(&P, 100 * US);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x600);
	CU_ASSERT_EQUAL(fifo_fill(h), 0);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), NPU_IPC_FIFO_EMPTY_VALUE);
	mp_run(&P, 0);
	CU_ASSERT_EQUAL(fifo_fill(h), 0);
	mp_run(&P, 1 * US);
	CU_ASSERT_EQUAL(fifo_fill(h), 1);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM), 0x601);
	mp_fini(&P);

	/* how far ahead: a busy core started with lead L has run exactly L of
	 * instructions before virtual time moves */
	config_with(&cfg, 100, 50000);
	mp_init(&P, &cfg);
	mp_loop_boot(&P);
	CU_ASSERT_EQUAL(insns(&P), 50000 * 100 / 1000);
	mp_fini(&P);
	config_with(&cfg, 100, 0);
	mp_init(&P, &cfg);
	mp_loop_boot(&P);
	CU_ASSERT_EQUAL(insns(&P), 0);
	mp_fini(&P);

	/* without any register access, the time slice gets it done */
	mp_init(&P, &cfg);
	mp_echo_boot(&P);
	mp_run(&P, 100 * US);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x700);
	mh_advance(h, 100 * US);
	CU_ASSERT_EQUAL(h->npu->to_host.level, 1);
	mp_fini(&P);
}

/* A trap with mtvec == 0 puts the core in error mode: DSU_CTRL state 4,
 * DSU_TRAP cause/valid/error, PC at the trapping instruction. */
static void test_lrt_trap_error_mode(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint32_t at;
	uint64_t n;

	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_emit(&P, RV_NOP);
	mp_emit(&P, RV_NOP);
	at = mp_emit(&P, RV_ECALL);
	mp_emit(&P, RV_JAL(0, 0));
	mh_trace_log(h, true);
	mp_boot(&P);
	mp_run(&P, 10 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(dsu_trap(&P), (uint32_t)NPU_FLD_PREP(NPU_DSU_TRAP_CAUSE, 11) |
			NPU_DSU_TRAP_VALID | NPU_DSU_TRAP_ERROR_MODE);
	CU_ASSERT_EQUAL(mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG), at);
	CU_ASSERT_EQUAL(npum_get_stats(h->npu)->lrt_traps, 1);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_LRT, "trap", NULL), 1);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_LRT, "error-mode", NULL), 1);
	n = insns(&P);
	CU_ASSERT_EQUAL(n, 3);
	mp_run(&P, 10 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	mp_fini(&P);

	/* an interrupt with mtvec == 0: the same, with the interrupt bit */
	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	mp_periph_wr(&P, NPU_LRT_INTC_ENABLE, NPU_LRT_IRQ_INBOX);
	mp_li(&P, RV_A0, RV_MIE_MEIE);
	mp_emit(&P, RV_CSRRS(0, RV_CSR_MIE, RV_A0));
	mp_li(&P, RV_A0, 0x8);                           /* mstatus.MIE */
	mp_emit(&P, RV_CSRRS(0, RV_CSR_MSTATUS, RV_A0));
	mp_emit(&P, RV_JAL(0, 0));
	mp_boot(&P);
	mp_run(&P, 10 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RUNNING);
	mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 1);
	mp_run(&P, 300 * US);     /* the busy core ran lrt_lead_ns ahead at its start */
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(dsu_trap(&P), (uint32_t)NPU_FLD_PREP(NPU_DSU_TRAP_CAUSE, 11) |
			NPU_DSU_TRAP_INTERRUPT | NPU_DSU_TRAP_VALID | NPU_DSU_TRAP_ERROR_MODE);
	mp_fini(&P);
}

/* The context window: [0xC0000000, 4 GiB) uses CTX_SSID, so the firmware
 * reaches a job's own user range; a fault there (a user CD does not abort)
 * reads zero, is recorded by the MMU with that SSID and latches CTX_FAULT. */
static void test_lrt_ctx_window(void)
{
	const uint32_t va = 0xC0001000u;
	struct mp P;
	struct mh *h = &P.h;
	uint64_t pa;
	uint32_t v, cause, ev[8];

	mp_init(&P, NULL);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_ctx_create(h, 2), 0);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_ctx_create(h, 3), 0);
	pa = mh_alloc(h, 4096, 4096);
	mh_map(h, 2, va, pa, NPU_MMU_ENTRY_PAGE_IVPU);
	mh_w32(h, pa + 8, 0xfeedf00d);
	CU_ASSERT_EQUAL(mh_mmu_tlbi_asid(h, 2), 0);
	mp_monitor_boot(&P);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_CTX_SSID), 0);
	/* SSID 2 maps it: read and write through the window */
	mp_lrt_wr(&P, NPU_LRT_CTX_SSID, 2);
	CU_ASSERT_TRUE(mp_peek(&P, va + 8, &v, &cause));
	CU_ASSERT_EQUAL(cause, 0);
	CU_ASSERT_EQUAL(v, 0xfeedf00d);
	CU_ASSERT_TRUE(mp_poke(&P, va + 12, 0x12345678, &cause));
	CU_ASSERT_EQUAL(mh_r32(h, pa + 12), 0x12345678);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_CTX_FAULT), 0);
	/* SSID 3 does not: zero, an event naming SSID 3, CTX_FAULT latched */
	mp_lrt_wr(&P, NPU_LRT_CTX_SSID, 3);
	CU_ASSERT_TRUE(mp_peek(&P, va + 8, &v, &cause));
	CU_ASSERT_EQUAL(cause, 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_TRUE(mp_poke(&P, va + 16, 1, &cause));        /* dropped, address kept */
	CU_ASSERT_EQUAL(mh_r32(h, pa + 16), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_CTX_FAULT), NPU_LRT_CTX_FAULT_FAULTED);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_CTX_FAULT_ADDR), va + 8);
	CU_ASSERT_TRUE_FATAL(mh_mmu_pop_event(h, ev));
	CU_ASSERT_EQUAL(ev[0] & 0xFF, NPU_MMU_EVT_F_TRANSLATION);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_MMU_EVT_0_SSID, ev[0]), 3);
	mp_lrt_wr(&P, NPU_LRT_CTX_FAULT, NPU_LRT_CTX_FAULT_FAULTED);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, NPU_LRT_CTX_FAULT), 0);
	/* below the window the core stays in the global context (SSID 0) */
	CU_ASSERT_TRUE(mp_peek(&P, MP_DATA_VA, &v, &cause));
	CU_ASSERT_EQUAL(cause, 0);
	/* SSID 0 aborts (CD.A): the window with SSID 0 gives a load fault */
	mp_lrt_wr(&P, NPU_LRT_CTX_SSID, 0);
	CU_ASSERT_TRUE(mp_peek(&P, va + 8, &v, &cause));
	CU_ASSERT_EQUAL(cause, 5);                                   /* load access fault */
	mp_fini(&P);
}

/* A host that starts an image which is not RV32IM code (Intel's LeonRT
 * firmware: big-endian SPARC) gets one guest-error line naming the entry,
 * the cause and our firmware file; RV32 programs that trap later or by
 * ECALL do not. */
static void test_lrt_foreign_image(void)
{
	/* the first words of a SPARC start-up: wr %g0, 0xfe0, %psr; nop;
	 * sethi %hi(0x84800000), %g1 -- as bytes in memory */
	static const uint32_t sparc_be[] = { 0x81882fe0, 0x01000000, 0x03212000 };
	struct mp P;
	struct mh *h = &P.h;
	unsigned g;

	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	for (unsigned i = 0; i < 3; i++)
		mp_emit(&P, __builtin_bswap32(sparc_be[i]));
	g = h->guest_errors;
	mp_boot(&P);
	mp_run(&P, 20 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(h->guest_errors, g + 1);
	CU_ASSERT(strstr(h->last_guest_error, "control core trapped on instruction 1 from its "
			 "entry 0x") != NULL);
	CU_ASSERT(strstr(h->last_guest_error, "illegal instruction") != NULL);
	CU_ASSERT(strstr(h->last_guest_error, "not RV32IM code") != NULL);
	CU_ASSERT(strstr(h->last_guest_error, "LeonRT") != NULL);
	CU_ASSERT(strstr(h->last_guest_error, "build/firmware/") != NULL);
	CU_ASSERT(strchr(h->last_guest_error, '\n') == NULL);        /* one line */
	mp_fini(&P);

	/* an RV32 program that traps with ECALL: no such report */
	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_emit(&P, RV_NOP);
	mp_emit(&P, RV_ECALL);
	g = h->guest_errors;
	mp_boot(&P);
	mp_run(&P, 20 * US);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(h->guest_errors, g);
	mp_fini(&P);
}

/* An IP reset stops the core and clears its TCM (D6). */
static void test_lrt_ip_reset(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint32_t loop;
	uint64_t n;

	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	mp_li(&P, RV_A1, NPU_LRT_TCM_BASE + 0x100);
	mp_li(&P, RV_A0, 0x12345678);
	mp_emit(&P, RV_SW(RV_A0, RV_A1, 0));
	mp_li(&P, RV_A0, 0);
	mp_emit(&P, RV_LW(RV_A0, RV_A1, 0));
	mp_emit(&P, RV_SW(RV_A0, RV_T1, 0));
	loop = mp_emit(&P, RV_ADDI(RV_A2, RV_A2, 1));
	mp_emit(&P, RV_JAL(0, (int32_t)mp_rel(P.pc, loop)));
	mp_set_data(&P, 0, 0);
	mp_boot(&P);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_data(&P, 0), 0x12345678);            /* the TCM works */
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RUNNING);

	mh_trace_log(h, true);
	mh_wr32(h, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	CU_ASSERT_EQUAL(mh_trace_count(h, NPUM_TRACE_LRT, "reset", NULL), 1);
	n = insns(&P);
	mp_run(&P, 10 * MS);
	CU_ASSERT_EQUAL(insns(&P), n);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_RESET);
	CU_ASSERT_EQUAL(dsu_trap(&P), 0);
	CU_ASSERT_EQUAL(P.h.deadline_ns, UINT64_MAX);

	/* start again (MMU and start vector were reset too) with a program that
	 * reads the TCM word */
	CU_ASSERT_EQUAL_FATAL(mh_mmu_enable(h), 0);
	P.pc = MP_CODE_VA + 0x2000;
	mp_prologue(&P);
	mp_li(&P, RV_A1, NPU_LRT_TCM_BASE + 0x100);
	mp_emit(&P, RV_LW(RV_A0, RV_A1, 0));
	mp_emit(&P, RV_SW(RV_A0, RV_T1, 4));
	mp_li(&P, RV_A0, 0xB);
	mp_emit(&P, RV_SW(RV_A0, RV_T1, 8));
	mp_halt(&P, 0);
	mp_set_data(&P, 1, 0xFFFFFFFF);
	mh_boot_core(h, MP_CODE_VA + 0x2000);
	mp_run(&P, 100 * US);
	CU_ASSERT_EQUAL(mp_data(&P, 2), 0xB);
	CU_ASSERT_EQUAL(mp_data(&P, 1), 0);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_HALTED);
	CU_ASSERT_EQUAL(h->guest_errors, 0);
	mp_fini(&P);
}

/* ==== Determinism ======================================================================= */

struct det_result {
	struct mh_trace_rec *log;
	size_t len;
	struct npum_stats stats;
	uint8_t data[MP_DATA_SIZE];
	char console[4096];
	unsigned msis, guest_errors;
	uint64_t now_ns, perf;
	uint32_t popped[256];
	unsigned npopped;
};

/* Interrupt controller: inbox and doorbells; answers inbox entries with
 * v + 1, acknowledges doorbells, keeps a checksum of mtime, kicks the
 * watchdog, prints. */
static void det_program(struct mp *P)
{
	uint32_t sleep, pop, b_empty, db, b_nodb;

	P->pc = MP_CODE_VA;
	mp_prologue(P);
	mp_periph_wr(P, NPU_LRT_INTC_ENABLE, NPU_LRT_IRQ_INBOX | NPU_LRT_IRQ_DOORBELL);
	mp_li(P, RV_A0, RV_MIE_MEIE);
	mp_emit(P, RV_CSRRS(0, RV_CSR_MIE, RV_A0));
	mp_periph_wr(P, NPU_LRT_WDT_LOAD, 38400000);
	mp_periph_wr(P, NPU_LRT_WDT_CTRL, NPU_LRT_WDT_CTRL_EN);
	emit_console(P, "det: up\n");
	sleep = mp_emit(P, RV_WFI);
	pop = mp_emit(P, RV_LW(RV_A1, RV_T0, NPU_LRT_INBOX_DATA));
	mp_emit(P, RV_ADDI(RV_A2, RV_ZERO, -1));
	b_empty = mp_emit(P, 0);
	mp_emit(P, RV_ADDI(RV_A1, RV_A1, 1));
	mp_emit(P, RV_SW(RV_A1, RV_T0, NPU_LRT_OUTBOX_DATA));
	mp_periph_wr(P, NPU_LRT_CONSOLE_TX, 'i');
	mp_emit(P, RV_JAL(0, (int32_t)mp_rel(P->pc, pop)));
	db = mp_emit(P, RV_LW(RV_A3, RV_T0, NPU_LRT_DB_SUMMARY));
	mp_patch(P, b_empty, RV_BEQ(RV_A1, RV_A2, (int32_t)mp_rel(b_empty, db)));
	b_nodb = mp_emit(P, 0);
	mp_patch(P, b_nodb, RV_BEQ(RV_A3, RV_ZERO, (int32_t)mp_rel(b_nodb, sleep)));
	mp_emit(P, RV_SW(RV_A3, RV_T1, 4));
	for (unsigned w = 0; w < 8; w++) {
		mp_emit(P, RV_LW(RV_A4, RV_T0, (int32_t)NPU_LRT_DB_PENDING(w)));
		mp_emit(P, RV_SW(RV_A4, RV_T1, (int32_t)(32 + 4 * w)));
		mp_emit(P, RV_SW(RV_A4, RV_T0, (int32_t)NPU_LRT_DB_PENDING(w)));
	}
	mp_emit(P, RV_LW(RV_A5, RV_T0, NPU_LRT_MTIME_LO));
	mp_emit(P, RV_LW(RV_A4, RV_T1, 0));
	mp_emit(P, RV_ADD(RV_A4, RV_A4, RV_A5));
	mp_emit(P, RV_SW(RV_A4, RV_T1, 0));
	mp_periph_wr(P, NPU_LRT_WDT_LOAD, 38400000);
	emit_console(P, "d\n");
	mp_emit(P, RV_JAL(0, (int32_t)mp_rel(P->pc, sleep)));
}

static void det_run(struct det_result *r)
{
	struct mp P;
	struct mh *h = &P.h;
	uint32_t v;

	memset(r, 0, sizeof(*r));
	mp_init(&P, NULL);
	mh_trace_log(h, true);
	det_program(&P);
	mp_boot(&P);
	irqs_on_lrt(h);
	for (unsigned i = 0; i < 40; i++) {
		for (unsigned k = 0; k < i % 5; k++)
			mh_wr32(h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0x84900000 + 64 * (i * 8 + k));
		if (i % 3 == 0)
			mh_wr32(h, V, NPU_CPU_SS_DOORBELL((i * 37) % 256), 1);
		mh_advance(h, (uint64_t)(i * 7 + 3) * US + i * 13);
		if (i % 4 == 1) {
			while (fifo_fill(h) && r->npopped < 256)
				r->popped[r->npopped++] = mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM);
			mh_wr64(h, V, NPU_HOST_SS_ICB_CLEAR_0, 0x7C00001F0ull);
		}
		if (i == 20) {
			mh_wr32(h, V, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
			mh_wr32(h, V, NPU_CPU_SS_TIM_WATCHDOG, 3840);
		}
		(void)mh_rd32(h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG);
	}
	mp_run(&P, 1 * MS);
	while ((v = mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM)) != NPU_IPC_FIFO_EMPTY_VALUE &&
	       r->npopped < 256)
		r->popped[r->npopped++] = v;
	r->perf = perf(h);
	CU_ASSERT_EQUAL(mh_power_down(h, NULL), 0);
	r->log = h->tlog;
	r->len = h->tlog_len;
	h->tlog = NULL;
	h->tlog_len = h->tlog_cap = 0;
	r->stats = *npum_get_stats(h->npu);
	memcpy(r->data, mh_ram(h, P.data_pa, MP_DATA_SIZE), MP_DATA_SIZE);
	snprintf(r->console, sizeof(r->console), "%s", h->console ? h->console : "");
	r->msis = h->msis;
	r->guest_errors = h->guest_errors;
	r->now_ns = h->now_ns;
	mp_fini(&P);
}

static void det_free(struct det_result *r)
{
	for (size_t i = 0; i < r->len; i++)
		free(r->log[i].text);
	free(r->log);
}

/* Same event at the same virtual time with the same fields. */
static bool rec_equal(const struct mh_trace_rec *a, const struct mh_trace_rec *b)
{
	return a->kind == b->kind && a->time_ns == b->time_ns &&
	       !memcmp(a->u, b->u, sizeof(a->u)) && !memcmp(a->s, b->s, sizeof(a->s)) &&
	       (a->text ? b->text && !strcmp(a->text, b->text) : !b->text);
}

static void test_determinism(void)
{
	static struct det_result r1, r2;
	size_t diffs = 0;

	det_run(&r1);
	det_run(&r2);
	if (getenv("MB_VERBOSE"))
		fprintf(stderr, "\n  determinism: %zu records, %llu instructions, %u MSIs, %u popped, "
			"%u guest errors, console:\n%s\n", r1.len,
			(unsigned long long)r1.stats.lrt_instructions, r1.msis, r1.npopped,
			r1.guest_errors, r1.console);
	/* the script did exercise the model */
	CU_ASSERT(r1.len > 500);
	CU_ASSERT(r1.stats.lrt_instructions > 1000);
	CU_ASSERT(r1.msis > 0);
	CU_ASSERT(r1.npopped > 10);
	CU_ASSERT(strstr(r1.console, "det: up") != NULL);
	CU_ASSERT(strstr(r1.console, "d\n") != NULL);
	CU_ASSERT(r1.stats.mmu_walks > 0);
	/* ... identically */
	CU_ASSERT_EQUAL(r1.len, r2.len);
	for (size_t i = 0; i < r1.len && i < r2.len; i++) {
		if (rec_equal(&r1.log[i], &r2.log[i]))
			continue;
		if (diffs++ < 3)
			fprintf(stderr, "\n  trace record %zu differs: %s %s %llu ns vs %s %s %llu ns",
				i, npum_trace_describe(r1.log[i].kind)->name, r1.log[i].s[0],
				(unsigned long long)r1.log[i].time_ns,
				npum_trace_describe(r2.log[i].kind)->name, r2.log[i].s[0],
				(unsigned long long)r2.log[i].time_ns);
	}
	CU_ASSERT_EQUAL(diffs, 0);
	CU_ASSERT_EQUAL(memcmp(&r1.stats, &r2.stats, sizeof(r1.stats)), 0);
	CU_ASSERT_EQUAL(memcmp(r1.data, r2.data, sizeof(r1.data)), 0);
	CU_ASSERT_STRING_EQUAL(r1.console, r2.console);
	CU_ASSERT_EQUAL(r1.npopped, r2.npopped);
	CU_ASSERT_EQUAL(memcmp(r1.popped, r2.popped, sizeof(r1.popped)), 0);
	CU_ASSERT_EQUAL(r1.msis, r2.msis);
	CU_ASSERT_EQUAL(r1.guest_errors, r2.guest_errors);
	CU_ASSERT_EQUAL(r1.now_ns, r2.now_ns);
	CU_ASSERT_EQUAL(r1.perf, r2.perf);
	det_free(&r1);
	det_free(&r2);
}

/* ==== Regressions: model bugs found by this suite =========================================== */

/* Runs a scenario in a child process, so that a model that hangs (the
 * harness aborts a runaway npum_timer_expired) or crashes fails the test
 * instead of the runner. */
static bool isolated(bool (*scenario)(void))
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		alarm(120);
		_exit(scenario() ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* mtime must advance with the instructions the core retires (38.4 MHz of the
 * core's own virtual time, docs/lrt-core.md "Time"), also within one run of
 * the interpreter. */
static bool bug_mtime_within_run(void)
{
	struct mp P;
	uint32_t loop;
	uint64_t m0, m1;
	bool ok;

	mp_init(&P, NULL);
	P.pc = MP_CODE_VA;
	mp_prologue(&P);
	emit_periph_to_data(&P, NPU_LRT_MTIME_LO, 0);
	mp_li(&P, RV_A1, 1000);                              /* 2 + 2000 instructions */
	loop = mp_emit(&P, RV_ADDI(RV_A1, RV_A1, -1));
	mp_emit(&P, RV_BNE(RV_A1, RV_ZERO, (int32_t)mp_rel(P.pc, loop)));
	emit_periph_to_data(&P, NPU_LRT_MTIME_LO, 1);
	mp_halt(&P, 0);
	mp_boot(&P);
	mp_run(&P, 100 * US);
	m0 = mp_data(&P, 0);
	m1 = mp_data(&P, 1);
	/* 2004 instructions apart at 100/µs: 20.04 µs = 769.5 ticks */
	ok = mp_dsu_state(&P) == NPU_DSU_STATE_HALTED && m1 - m0 >= 767 && m1 - m0 <= 772;
	if (!ok)
		fprintf(stderr, "\n  mtime advanced %llu ticks over 2004 instructions, expected ~769\n",
			(unsigned long long)(m1 - m0));
	mp_fini(&P);
	return ok;
}

static void test_bug_mtime_within_run(void)
{
	CU_ASSERT_TRUE(isolated(bug_mtime_within_run));
}

/* A timer deadline off the core's 10 ns instruction grid must still wake
 * the core (instead of livelocking npum_timer_expired). */
static bool bug_mtimecmp_off_grid(void)
{
	struct mp P;
	struct mh *h = &P.h;
	uint64_t cmp, wake_ns;
	bool ok;

	mp_init(&P, NULL);
	cmp = (perf(h) / 48 + 1) * 48 + 38400 + 24 + 1;    /* ceil(625 cmp / 24) off the grid */
	wake_ns = h->power_on_ns + (cmp * 625 + 23) / 24;   /* the perf epoch is power-on */
	assemble_timer_wait(&P, cmp);
	mp_boot(&P);
	mp_run(&P, 10 * US);
	mh_advance(h, wake_ns + 1 * US - h->now_ns);
	mp_run(&P, 1 * US);
	ok = mp_data(&P, 1) == 1 && mp_data(&P, 0) >= (uint32_t)cmp &&
	     mp_data(&P, 0) <= (uint32_t)cmp + 80;
	mp_fini(&P);
	return ok;
}

static void test_bug_mtimecmp_off_grid(void)
{
	CU_ASSERT_TRUE(isolated(bug_mtimecmp_off_grid));
}

/* A far-future mtimecmp (here 2^64/625 + 1 ticks, whose conversion to ns
 * overflows 64 bits) must leave the core asleep, not hang the host. */
static bool bug_mtimecmp_overflow(void)
{
	struct mp P;
	bool ok;

	mp_init(&P, NULL);
	assemble_timer_wait(&P, UINT64_MAX / 625 + 1);
	mp_boot(&P);
	mp_run(&P, 10 * US);
	mp_run(&P, 10 * MS);
	ok = mp_dsu_state(&P) == NPU_DSU_STATE_WFI && mp_data(&P, 1) == 0;
	mp_fini(&P);
	return ok;
}

static void test_bug_mtimecmp_overflow(void)
{
	CU_ASSERT_TRUE(isolated(bug_mtimecmp_overflow));
}

/* lrt_throttled_ns is "virtual time the core could not keep up with"
 * (npu_model.h, docs/lrt-core.md): a core asleep in WFI is not behind. */
static void test_bug_throttled_while_asleep(void)
{
	struct mp P;

	mp_init(&P, NULL);
	mp_sleep_boot(&P);
	mp_run(&P, 10 * US);
	mp_run(&P, 1000 * MS);
	CU_ASSERT_EQUAL(mp_dsu_state(&P), NPU_DSU_STATE_WFI);
	if (npum_get_stats(P.h.npu)->lrt_throttled_ns)
		fprintf(stderr, "\n  a sleeping core counted %llu ns as throttled\n",
			(unsigned long long)npum_get_stats(P.h.npu)->lrt_throttled_ns);
	CU_ASSERT_EQUAL(npum_get_stats(P.h.npu)->lrt_throttled_ns, 0);
	mp_fini(&P);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("model_lrt", NULL, NULL);
	CU_add_test(s, "ID, IPUS, PCI_DEVICE", test_lrt_identity);
	CU_add_test(s, "HALT code in DSU_TRAP, state", test_lrt_halt_code);
	CU_add_test(s, "console lines to the hook and the trace", test_lrt_console);
	CU_add_test(s, "inbox and outbox", test_lrt_inbox_outbox);
	CU_add_test(s, "inbox overflow, INBOX_STAT W1C", test_lrt_inbox_overflow);
	CU_add_test(s, "outbox overflow flag", test_lrt_outbox_overflow);
	CU_add_test(s, "peripheral reset values, INTC_ENABLE, MTIMECMP", test_lrt_periph_regs);
	CU_add_test(s, "undefined peripheral offsets fault", test_lrt_undefined_periph);
	CU_add_test(s, "a non-RV32 image: one line at the entry trap", test_lrt_foreign_image);
	CU_add_test(s, "context window: CTX_SSID, faults latched", test_lrt_ctx_window);
	CU_add_test(s, "WDT_* shared with the host watchdog", test_lrt_wdt_shared);
	CU_add_test(s, "MEIP wakes WFI; disabled sources do not", test_lrt_meip_wakes_wfi);
	CU_add_test(s, "mtime equals the perf counter", test_lrt_mtime_equals_perf);
	CU_add_test(s, "mtimecmp wakes WFI at the right time", test_lrt_mtimecmp_wakes_wfi);
	CU_add_test(s, "lrt_ipus instructions per virtual us", test_lrt_timing_ipus);
	CU_add_test(s, "a sleeping core executes nothing", test_lrt_sleeping_core_idle);
	CU_add_test(s, "eager reaction within lrt_lead_ns", test_lrt_eager_reaction);
	CU_add_test(s, "trap with mtvec 0: error mode", test_lrt_trap_error_mode);
	CU_add_test(s, "IP reset stops the core, clears the TCM", test_lrt_ip_reset);
	s = CU_add_suite("model_determinism", NULL, NULL);
	CU_add_test(s, "same script, same trace, stats, memory", test_determinism);
	s = CU_add_suite("model_lrt_regressions", NULL, NULL);
	CU_add_test(s, "mtime advances within one interpreter run", test_bug_mtime_within_run);
	CU_add_test(s, "mtimecmp deadline off the instruction grid", test_bug_mtimecmp_off_grid);
	CU_add_test(s, "mtimecmp whose ns conversion overflows", test_bug_mtimecmp_overflow);
	CU_add_test(s, "no throttling counted while asleep", test_bug_throttled_while_asleep);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
