/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the NPU MMU model (qemu-device/model/mmu.c): registers,
 * the enable sequence ivpu performs, command and event queues, caches and
 * stage-1 translation, driven through the model's public API (MMIO) and
 * the internal npum_mmu_read/write a master of the NPU uses. hw-facts §2.3, §6.
 *
 * Environment: MH_VERBOSE=1 prints every guest error, MH_STATS=1 prints
 * what each hostile run exercised (walks, faults by event id, commands).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "model_harness.h"
#include "npum_internal.h"

#define V           NPU_BAR_REGV
#define VA_FW       UINT64_C(0x84800000)   /* ivpu's FW runtime VA (§6) */
#define VA_USER     UINT64_C(0xC0000000)   /* a user-context VA */
#define VA_HOLE     (VA_FW + 0x100000)     /* never mapped */
#define SID_LRT     NPU_MMU_SID_LRT
#define SID_DMA     NPU_MMU_SID_DMA
#define PAGE        UINT64_C(4096)
#define PTE_OK      NPU_MMU_ENTRY_PAGE_IVPU  /* VALID|PAGE|USER|AF|nG */
#define EVT_SSV     NPU_MMU_EVT_0_SSV
#define W3_RNW      NPU_MMU_EVT_3_RNW
#define W3_IND      NPU_MMU_EVT_3_IND
#define W3_PNU      NPU_MMU_EVT_3_PNU
#define W3_CLASS_IN ((uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_3_CLASS, NPU_MMU_EVT_CLASS_IN))
#define W3_CLASS_TT ((uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_3_CLASS, NPU_MMU_EVT_CLASS_TT))

static struct mh H;

/* ---- Helpers ---------------------------------------------------------------------- */

static uint32_t rd(uint32_t off)
{
	return mh_rd32(&H, V, off);
}

static void wr(uint32_t off, uint32_t v)
{
	mh_wr32(&H, V, off, v);
}

static void start_powered(void)
{
	mh_init(&H, MH_RAM_DEFAULT);
	CU_ASSERT_FATAL(mh_power_up(&H) == 0);
}

static void start_enabled(void)
{
	start_powered();
	mh_mmu_setup(&H);
	CU_ASSERT_FATAL(mh_mmu_enable(&H) == 0);
	CU_ASSERT_FATAL(H.guest_errors == 0);
}

static void finish(void)
{
	mh_fini(&H);
}

static int mmu_rd(unsigned sid, uint32_t ssid, uint64_t va, void *buf, uint64_t len,
		  bool *faulted)
{
	return npum_mmu_read(H.npu, sid, ssid, va, buf, len, NPUM_MMU_ACC_READ, faulted);
}

static int mmu_wr(unsigned sid, uint32_t ssid, uint64_t va, const void *buf, uint64_t len,
		  bool *faulted)
{
	return npum_mmu_write(H.npu, sid, ssid, va, buf, len, faulted);
}

static uint32_t mmu_rd32(unsigned sid, uint32_t ssid, uint64_t va, int *ret)
{
	uint8_t b[4];
	int r = mmu_rd(sid, ssid, va, b, 4, NULL);

	if (ret)
		*ret = r;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A fresh page of RAM whose 32-bit words hold tag + offset. */
static uint64_t pattern_page(uint32_t tag)
{
	uint64_t pa = mh_alloc(&H, PAGE, PAGE);

	for (uint64_t off = 0; off < PAGE; off += 4)
		mh_w32(&H, pa + off, tag + (uint32_t)off);
	return pa;
}

static uint32_t icb0(void)
{
	return rd(NPU_HOST_SS_ICB_STATUS_0);
}

static void icb_clear(void)
{
	wr(NPU_HOST_SS_ICB_CLEAR_0, UINT32_MAX);
}

static uint64_t cmd0(uint8_t opcode)
{
	return NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, opcode);
}

static void queue_cmd(uint64_t d0, uint64_t d1)
{
	CU_ASSERT_FATAL(mh_mmu_cmd(&H, d0, d1) == 0);
}

/* Queue one command and a SYNC; true if CONS reached PROD. */
static bool run_cmd(uint64_t d0, uint64_t d1)
{
	queue_cmd(d0, d1);
	return mh_mmu_sync(&H) == 0;
}

static uint32_t cmdq_cons_val(void)
{
	return rd(NPU_MMU_CMDQ_CONS) & NPU_GENMASK(23, 0);
}

static uint32_t cmdq_cons_err(void)
{
	return (uint32_t)NPU_FLD_GET(NPU_MMU_CMDQ_CONS_ERR, rd(NPU_MMU_CMDQ_CONS));
}

static uint32_t gerror_active(void)
{
	return rd(NPU_MMU_GERROR) ^ rd(NPU_MMU_GERRORN);
}

static void gerror_ack(void)
{
	wr(NPU_MMU_GERRORN, rd(NPU_MMU_GERROR));
}

static uint32_t evtq_prod(void)
{
	return rd(NPU_MMU_EVTQ_PROD_PAGE1);
}

/* Pop one event and compare all eight words. */
static void expect_event(const uint32_t want[8])
{
	uint32_t ev[8];

	CU_ASSERT_FATAL(mh_mmu_pop_event(&H, ev));
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(ev[i], want[i]);
		if (ev[i] != want[i])
			fprintf(stderr, "\n  event word %d: 0x%08x, want 0x%08x", i, ev[i], want[i]);
	}
}

/* Pop one event; check its id, StreamID and SSV/SSID word. */
static void expect_event_id(uint8_t id, uint32_t sid, bool ssv, uint32_t ssid)
{
	uint32_t ev[8];

	CU_ASSERT_FATAL(mh_mmu_pop_event(&H, ev));
	CU_ASSERT_EQUAL(ev[0], id | (ssv ? EVT_SSV | ssid << 12 : 0));
	CU_ASSERT_EQUAL(ev[1], sid);
}

static void expect_no_event(void)
{
	uint32_t ev[8];

	CU_ASSERT_FALSE(mh_mmu_pop_event(&H, ev));
}

static uint64_t ste_addr(unsigned sid)
{
	return H.strtab + sid * NPU_MMU_STE_SIZE;
}

/* Address of the level-`level` entry for va in the tables of ssid
 * (tables created as needed). */
static uint64_t entry_addr(uint32_t ssid, uint64_t va, unsigned level)
{
	static const uint64_t idx[4] = {
		NPU_MMU_PGD_INDEX, NPU_MMU_PUD_INDEX, NPU_MMU_PMD_INDEX, NPU_MMU_PTE_INDEX,
	};
	uint64_t table = H.pgd[ssid];

	mh_pte_addr(&H, ssid, va);
	for (unsigned l = 0; l < level; l++)
		table = mh_r64(&H, table + NPU_FLD_GET(idx[l], va) * 8) & NPU_MMU_ENTRY_ADDR;
	return table + NPU_FLD_GET(idx[level], va) * 8;
}

static void set_cr0(uint32_t v)
{
	wr(NPU_MMU_CR0, v);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR0ACK), v);
}

/* ---- Registers ---------------------------------------------------------------------- */

static void test_reset_values(void)
{
	static const uint32_t zero_regs[] = {
		NPU_MMU_IDR2, NPU_MMU_IDR4, NPU_MMU_IIDR, NPU_MMU_AIDR, NPU_MMU_CR0,
		NPU_MMU_CR0ACK, NPU_MMU_CR1, NPU_MMU_CR2, NPU_MMU_IRQ_CTRL, NPU_MMU_IRQ_CTRLACK,
		NPU_MMU_GERROR, NPU_MMU_GERRORN, NPU_MMU_STRTAB_BASE, NPU_MMU_STRTAB_BASE_HI,
		NPU_MMU_STRTAB_BASE_CFG, NPU_MMU_CMDQ_BASE, NPU_MMU_CMDQ_BASE_HI, NPU_MMU_CMDQ_PROD,
		NPU_MMU_CMDQ_CONS, NPU_MMU_EVTQ_BASE, NPU_MMU_EVTQ_BASE_HI, NPU_MMU_EVTQ_PROD,
		NPU_MMU_EVTQ_CONS, NPU_MMU_EVTQ_PROD_PAGE1, NPU_MMU_EVTQ_CONS_PAGE1,
	};
	unsigned ge;

	mh_init(&H, MH_RAM_DEFAULT);
	/* Unreachable until the buttress grants power (hw-facts §3.1) */
	ge = H.guest_errors;
	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR0), UINT32_MAX);
	CU_ASSERT(H.guest_errors > ge);
	CU_ASSERT_FATAL(mh_power_up(&H) == 0);
	ge = H.guest_errors;

	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR0), NPU_MMU_IDR0_VALUE);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR1), NPU_MMU_IDR1_VALUE);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR3), NPU_MMU_IDR3_VALUE);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR5), NPU_MMU_IDR5_VALUE);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_IDR0),
			(uint64_t)NPU_MMU_IDR1_VALUE << 32 | NPU_MMU_IDR0_VALUE);
	for (size_t i = 0; i < sizeof(zero_regs) / sizeof(zero_regs[0]); i++) {
		CU_ASSERT_EQUAL(rd(zero_regs[i]), 0);
		if (rd(zero_regs[i]))
			fprintf(stderr, "\n  0x%x reads 0x%x", zero_regs[i], rd(zero_regs[i]));
	}
	CU_ASSERT_EQUAL(H.guest_errors, ge);

	/* ID registers are read-only */
	wr(NPU_MMU_IDR0, 0);
	wr(NPU_MMU_IDR2, 1);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 2);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR0), NPU_MMU_IDR0_VALUE);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IDR2), 0);
	/* An offset the block does not define */
	rd(NPU_MMU_BASE + 0x30);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 3);
	finish();
}

/* ivpu_mmu_reset + ivpu_mmu_enable (hw-facts §6): every poll in the
 * sequence succeeds (mh_mmu_enable returns 0), CR0 ends at 0x1D. */
static void test_enable_sequence(void)
{
	start_enabled();
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR0), NPU_MMU_CR0_IVPU_FINAL);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR0ACK), NPU_MMU_CR0_IVPU_FINAL);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR1), NPU_MMU_CR1_IVPU_VALUE);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IRQ_CTRL), 0x5);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IRQ_CTRLACK), 0x5);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_STRTAB_BASE), NPU_MMU_STRTAB_BASE_RA | H.strtab);
	CU_ASSERT_EQUAL(rd(NPU_MMU_STRTAB_BASE_HI), NPU_MMU_STRTAB_BASE_RA >> 32);
	CU_ASSERT_EQUAL(rd(NPU_MMU_STRTAB_BASE_CFG), 2);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_CMDQ_BASE), NPU_MMU_Q_BASE_RWA | H.cmdq | 4);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_EVTQ_BASE), NPU_MMU_Q_BASE_RWA | H.evtq | 4);
	/* two CFGI_ALL + TLBI_NSNH_ALL + SYNC batches consumed */
	CU_ASSERT_EQUAL(H.cmdq_prod, 6);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_PROD), 6);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_CONS), 6);
	CU_ASSERT_EQUAL(gerror_active(), 0);
	CU_ASSERT_EQUAL(evtq_prod(), 0);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_events, 0);
	finish();
}

/* SMMUv3: base registers change only while their queue / the SMMU is off. */
static void test_write_protection(void)
{
	unsigned ge;

	start_enabled();
	ge = H.guest_errors;
	mh_wr64(&H, V, NPU_MMU_STRTAB_BASE, 0x123000);         /* 2 halves */
	wr(NPU_MMU_STRTAB_BASE_CFG, 3);
	mh_wr64(&H, V, NPU_MMU_CMDQ_BASE, 0x234000);           /* 2 halves */
	wr(NPU_MMU_CMDQ_CONS, 0);
	mh_wr64(&H, V, NPU_MMU_EVTQ_BASE, 0x345000);           /* 2 halves */
	wr(NPU_MMU_EVTQ_PROD_PAGE1, 5);
	wr(NPU_MMU_EVTQ_PROD, 5);
	wr(NPU_MMU_CR1, 0);
	wr(NPU_MMU_CR2, 1);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 12);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_STRTAB_BASE), NPU_MMU_STRTAB_BASE_RA | H.strtab);
	CU_ASSERT_EQUAL(rd(NPU_MMU_STRTAB_BASE_CFG), 2);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_CMDQ_BASE), NPU_MMU_Q_BASE_RWA | H.cmdq | 4);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_CONS), 6);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_EVTQ_BASE), NPU_MMU_Q_BASE_RWA | H.evtq | 4);
	CU_ASSERT_EQUAL(evtq_prod(), 0);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR1), NPU_MMU_CR1_IVPU_VALUE);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR2), 0);

	/* Once disabled, they take writes; reserved bits are dropped and reported */
	set_cr0(0);
	ge = H.guest_errors;
	mh_wr64(&H, V, NPU_MMU_STRTAB_BASE, NPU_MMU_STRTAB_BASE_RA | 0x5000);
	wr(NPU_MMU_CR2, 0x7);
	wr(NPU_MMU_EVTQ_PROD, 3);
	CU_ASSERT_EQUAL(H.guest_errors, ge);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_STRTAB_BASE), NPU_MMU_STRTAB_BASE_RA | 0x5000);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR2), 0x7);
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_PROD_PAGE1), 3);
	wr(NPU_MMU_STRTAB_BASE, 0x6000 | 0x3F);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	CU_ASSERT_EQUAL(rd(NPU_MMU_STRTAB_BASE), 0x6000);
	wr(NPU_MMU_CR0, 0x1D | 0x100);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 2);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR0ACK), 0x1D);
	finish();
}

/* ---- Command queue ---------------------------------------------------------------- */

static void test_commands(void)
{
	uint64_t cmds[][2] = {
		{ cmd0(NPU_MMU_CMD_PREFETCH_CFG) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 3), 0 },
		{ cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 3),
		  NPU_MMU_CMD_CFGI_1_LEAF },
		{ cmd0(NPU_MMU_CMD_CFGI_CD) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 0) |
		  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SSID, 5), 0 },
		{ cmd0(NPU_MMU_CMD_CFGI_CD_ALL) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 0), 0 },
		{ cmd0(NPU_MMU_CMD_TLBI_NH_ASID) | NPU_FLD_PREP(NPU_MMU_CMD_TLBI_0_ASID, 3), 0 },
		{ cmd0(NPU_MMU_CMD_TLBI_NH_VA), VA_FW | NPU_MMU_CMD_TLBI_1_LEAF },
		{ cmd0(NPU_MMU_CMD_TLBI_NH_VAA), VA_FW },
		{ cmd0(NPU_MMU_CMD_TLBI_NH_ALL), 0 },
		{ cmd0(NPU_MMU_CMD_TLBI_EL2_ALL), 0 },
		{ cmd0(NPU_MMU_CMD_TLBI_NSNH_ALL), 0 },
		{ cmd0(NPU_MMU_CMD_CFGI_ALL), NPU_FLD_PREP(NPU_MMU_CMD_CFGI_1_RANGE, 0x1f) },
	};
	uint64_t traces;

	start_enabled();
	icb_clear();
	traces = H.traces[NPUM_TRACE_MMU_CMD];
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		queue_cmd(cmds[i][0], cmds[i][1]);
	CU_ASSERT_EQUAL(cmdq_cons_val(), 6); /* nothing happens before PROD moves */
	wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_CONS), H.cmdq_prod);
	CU_ASSERT_EQUAL(H.traces[NPUM_TRACE_MMU_CMD] - traces, 11);
	CU_ASSERT_EQUAL(gerror_active(), 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);

	/* CMD_SYNC: CS=IRQ raises the sync interrupt in the ICB (§2.2 b6) */
	CU_ASSERT(mh_mmu_sync(&H) == 0);
	CU_ASSERT_EQUAL(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC, 0);
	CU_ASSERT(mh_mmu_sync_cs(&H, NPU_MMU_SYNC_CS_IRQ) == 0);
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC);
	icb_clear();
	CU_ASSERT(mh_mmu_sync_cs(&H, NPU_MMU_SYNC_CS_SEV) == 0);
	CU_ASSERT_EQUAL(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC, 0);

	/* Many round trips: the index wraps (wrap bit 4 toggles) */
	for (int i = 0; i < 40; i++)
		CU_ASSERT_FATAL(mh_mmu_sync(&H) == 0);
	CU_ASSERT_EQUAL(gerror_active(), 0);
	finish();
}

static void test_illegal_command(void)
{
	uint32_t bad;

	start_enabled();
	icb_clear();
	bad = H.cmdq_prod;
	queue_cmd(cmd0(0x7F), 0);
	queue_cmd(cmd0(NPU_MMU_CMD_SYNC) | NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, NPU_MMU_SYNC_CS_IRQ), 0);
	wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
	CU_ASSERT_EQUAL(cmdq_cons_val(), bad);
	CU_ASSERT_EQUAL(cmdq_cons_err(), NPU_MMU_CERROR_ILL);
	CU_ASSERT_EQUAL(gerror_active(), NPU_MMU_GERROR_CMDQ_ERR);
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_2_GERROR);
	CU_ASSERT_EQUAL(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC, 0); /* the SYNC did not run */
	CU_ASSERT_EQUAL(H.guest_errors, 1);

	/* Stuck until acknowledged, however often PROD is written */
	wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
	CU_ASSERT_EQUAL(cmdq_cons_val(), bad);

	/* The host fixes the command in place and acknowledges: resume at CONS */
	mh_w64(&H, H.cmdq + (bad & 15) * 16, cmd0(NPU_MMU_CMD_PREFETCH_CFG));
	gerror_ack();
	CU_ASSERT_EQUAL(gerror_active(), 0);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_CONS), H.cmdq_prod); /* ERR cleared too */
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC);

	/* Without IRQ_CTRL.GERROR_EN the error is flagged but not signalled */
	wr(NPU_MMU_IRQ_CTRL, NPU_MMU_IRQ_CTRL_EVTQ_EN);
	icb_clear();
	bad = H.cmdq_prod;
	queue_cmd(cmd0(0x00), 0);
	wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
	CU_ASSERT_EQUAL(gerror_active(), NPU_MMU_GERROR_CMDQ_ERR);
	CU_ASSERT_EQUAL(icb0() & NPU_ICB_0_MMU_IRQ_2_GERROR, 0);
	CU_ASSERT_EQUAL(cmdq_cons_val(), bad);
	finish();
}

/* SMMUv3: set RES0 fields make a command illegal (CERROR_ILL). */
static void test_reserved_fields_illegal(void)
{
	const uint64_t bad[][2] = {
		{ cmd0(NPU_MMU_CMD_CFGI_STE), 0x2 },                       /* dword1 bit 1 */
		{ cmd0(NPU_MMU_CMD_TLBI_NSNH_ALL) | NPU_BIT64(8), 0 },
		{ cmd0(NPU_MMU_CMD_TLBI_NH_ASID), 1 },
		{ cmd0(NPU_MMU_CMD_SYNC) | NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, 3), 0 },
		{ cmd0(NPU_MMU_CMD_CFGI_ALL), NPU_BIT64(5) },
	};

	start_enabled();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t at = H.cmdq_prod;

		queue_cmd(bad[i][0], bad[i][1]);
		wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
		CU_ASSERT_EQUAL(cmdq_cons_val(), at);
		CU_ASSERT_EQUAL(cmdq_cons_err(), NPU_MMU_CERROR_ILL);
		CU_ASSERT_EQUAL(gerror_active(), NPU_MMU_GERROR_CMDQ_ERR);
		mh_w64(&H, H.cmdq + (at & 15) * 16, cmd0(NPU_MMU_CMD_TLBI_NSNH_ALL));
		mh_w64(&H, H.cmdq + (at & 15) * 16 + 8, 0);
		gerror_ack();
		CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_CONS), H.cmdq_prod);
	}
	CU_ASSERT_EQUAL(H.guest_errors, 5);
	finish();
}

/* An external abort reading the queue: CERROR_ABT. */
static void test_cmdq_fetch_abort(void)
{
	uint32_t cons;

	start_enabled();
	set_cr0(NPU_MMU_CR0_IVPU_FINAL & ~NPU_MMU_CR0_CMDQEN);
	mh_wr64(&H, V, NPU_MMU_CMDQ_BASE, NPU_MMU_Q_BASE_RWA | (H.ram_size + 0x100000) | 4);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL);
	cons = cmdq_cons_val();
	wr(NPU_MMU_CMDQ_PROD, (cons + 1) & 0x1F);
	CU_ASSERT_EQUAL(cmdq_cons_val(), cons);
	CU_ASSERT_EQUAL(cmdq_cons_err(), NPU_MMU_CERROR_ABT);
	CU_ASSERT_EQUAL(gerror_active(), NPU_MMU_GERROR_CMDQ_ERR);
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_2_GERROR);
	finish();
}

/* Commands written while the queue is off run when CMDQEN becomes 1. */
static void test_cmdq_enable_runs_pending(void)
{
	uint32_t cons;

	start_enabled();
	icb_clear();
	set_cr0(NPU_MMU_CR0_IVPU_FINAL & ~NPU_MMU_CR0_CMDQEN);
	cons = cmdq_cons_val();
	queue_cmd(cmd0(NPU_MMU_CMD_SYNC) | NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, NPU_MMU_SYNC_CS_IRQ), 0);
	wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
	CU_ASSERT_EQUAL(cmdq_cons_val(), cons);
	CU_ASSERT_EQUAL(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC, 0);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL);
	CU_ASSERT_EQUAL(cmdq_cons_val(), H.cmdq_prod);
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_1_SYNC);
	finish();
}

/* A garbage PROD is reported, and processing stays inside the queue and
 * stops within one queue's worth of entries. */
static void test_cmdq_prod_garbage(void)
{
	uint64_t n, reads_before;
	uint32_t cons;
	unsigned ge;

	start_enabled();
	for (unsigned i = 0; i < 16; i++) { /* a queue full of legal commands */
		mh_w64(&H, H.cmdq + i * 16, cmd0(NPU_MMU_CMD_PREFETCH_CFG));
		mh_w64(&H, H.cmdq + i * 16 + 8, 0);
	}
	/* 17 entries ahead of CONS in a 16-entry queue: reported, 16 consumed */
	cons = cmdq_cons_val();
	ge = H.guest_errors;
	mh_dma_log_clear(&H);
	reads_before = H.dma_reads;
	wr(NPU_MMU_CMDQ_PROD, (cons + 17) & 0x1F);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	CU_ASSERT_EQUAL(H.dma_reads - reads_before, 16);
	CU_ASSERT_EQUAL(cmdq_cons_val(), (cons + 16) & 0x1F);
	n = H.dma_count < MH_DMA_LOG_SIZE ? H.dma_count : MH_DMA_LOG_SIZE;
	for (uint64_t i = 0; i < n; i++) {
		CU_ASSERT(H.dma_log[i].addr >= H.cmdq);
		CU_ASSERT(H.dma_log[i].addr + H.dma_log[i].len <= H.cmdq + 16 * 16);
	}

	/* Bits beyond the register and beyond the queue: two reports; only the
	 * index and wrap bits count */
	ge = H.guest_errors;
	wr(NPU_MMU_CMDQ_PROD, 0xFFFFFFFF);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 2);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_PROD), NPU_MMU_Q_PTR);
	CU_ASSERT_EQUAL(cmdq_cons_val(), 0x1F);
	CU_ASSERT_EQUAL(gerror_active(), 0);
	finish();
}

/* ---- Translation ---------------------------------------------------------------- */

static void test_translate(void)
{
	uint64_t pa0, pa1;
	uint8_t buf[16];
	bool faulted = true;
	uint32_t v = 0x11223344;
	uint64_t walks;

	start_enabled();
	pa0 = pattern_page(0xA0000000);
	pa1 = pattern_page(0xB0000000);
	mh_map(&H, 0, VA_FW, pa0, PTE_OK);
	mh_map(&H, 0, VA_FW + PAGE, pa1, PTE_OK);

	CU_ASSERT_EQUAL(mmu_rd(SID_LRT, 0, VA_FW + 0x10, buf, 16, &faulted), NPUM_MMU_OK);
	CU_ASSERT_FALSE(faulted);
	CU_ASSERT_EQUAL(memcmp(buf, mh_ram(&H, pa0 + 0x10, 16), 16), 0);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_walks, 1);
	CU_ASSERT_EQUAL(mmu_wr(SID_LRT, 0, VA_FW + PAGE + 0x20, &v, 4, &faulted), NPUM_MMU_OK);
	CU_ASSERT_FALSE(faulted);
	CU_ASSERT_EQUAL(mh_r32(&H, pa1 + 0x20), 0x11223344);

	/* SID 3 shares the CD table (§6) and so the ASID's TLB entries */
	walks = H.npu->stats.mmu_walks;
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 0, VA_FW + 8, NULL), 0xA0000008);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_walks, walks);
	CU_ASSERT(H.npu->stats.mmu_tlb_hits >= 1);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_faults, 0);
	CU_ASSERT_EQUAL(H.guest_errors, 0);

	/* Zero-length accesses do nothing */
	mh_dma_log_clear(&H);
	CU_ASSERT_EQUAL(mmu_rd(SID_LRT, 0, 0xDEAD0000, buf, 0, &faulted), NPUM_MMU_OK);
	CU_ASSERT_EQUAL(H.dma_count, 0);
	finish();
}

/* Same VA, same stream, different SSIDs: different address spaces. */
static void test_translate_per_ssid(void)
{
	uint64_t pa4, pa5;

	start_enabled();
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 4) == 0);
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 5) == 0);
	pa4 = pattern_page(0x04000000);
	pa5 = pattern_page(0x05000000);
	mh_map(&H, 4, VA_USER, pa4, PTE_OK);
	mh_map(&H, 5, VA_USER, pa5, PTE_OK);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER + 8, NULL), 0x04000008);
		CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER + 12, NULL), 0x0400000C);
		CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 5, VA_USER + 8, NULL), 0x05000008);
		CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 5, VA_USER + 12, NULL), 0x0500000C);
	}
	CU_ASSERT_EQUAL(H.npu->stats.mmu_walks, 2);
	finish();
}

/* Choice (docs/deviations.md): 512 entries, 128 sets by VA page, 4 ways,
 * round-robin replacement. A fifth page of a set evicts the first, whose
 * changed PTE is then seen without any TLBI. */
static void test_tlb_capacity(void)
{
	uint64_t pa, pa_new;
	uint64_t walks;

	start_enabled();
	pa = pattern_page(0x0C000000);
	pa_new = pattern_page(0x0D000000);
	for (int k = 0; k < 5; k++)
		mh_map(&H, 0, VA_FW + k * 128 * PAGE, pa, PTE_OK);
	for (int k = 0; k < 4; k++)
		CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + k * 128 * PAGE, NULL), 0x0C000000);
	mh_map(&H, 0, VA_FW, pa_new, PTE_OK);
	walks = H.npu->stats.mmu_walks;
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 4, NULL), 0x0C000004); /* still cached */
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 3 * 128 * PAGE, NULL), 0x0C000000);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_walks, walks);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 4 * 128 * PAGE, NULL), 0x0C000000);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 8, NULL), 0x0D000008); /* evicted */
	CU_ASSERT_EQUAL(H.npu->stats.mmu_walks, walks + 2);

	/* The same when another stream's accesses do the evicting (its STE
	 * and CD are cached first, so only TLB fills happen in between) */
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 0, VA_FW + 1 * 128 * PAGE, NULL), 0x0C000000);
	for (int k = 1; k <= 8; k++)
		mh_map(&H, 0, VA_FW + k * 128 * PAGE, pa_new, PTE_OK);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 12, NULL), 0x0C00000C);
	mh_map(&H, 0, VA_FW, pa_new, PTE_OK);
	for (int k = 1; k <= 8; k++) /* round robin: every way gets replaced */
		CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 0, VA_FW + k * 128 * PAGE, NULL), 0x0D000000);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 12, NULL), 0x0D00000C); /* evicted */
	finish();
}

/* Accesses crossing pages are split and each page translated on its own. */
static void test_translate_page_crossing(void)
{
	uint64_t pa[3];
	uint8_t buf[2 * PAGE + 64], wbuf[32];

	start_enabled();
	for (int i = 0; i < 3; i++)
		pa[i] = pattern_page(0x10000000u * (uint32_t)(i + 1));
	/* deliberately out of order */
	mh_map(&H, 0, VA_FW, pa[2], PTE_OK);
	mh_map(&H, 0, VA_FW + PAGE, pa[0], PTE_OK);
	mh_map(&H, 0, VA_FW + 2 * PAGE, pa[1], PTE_OK);

	CU_ASSERT_EQUAL(mmu_rd(SID_LRT, 0, VA_FW + PAGE - 16, buf, 32, NULL), NPUM_MMU_OK);
	CU_ASSERT_EQUAL(memcmp(buf, mh_ram(&H, pa[2] + PAGE - 16, 16), 16), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 16, mh_ram(&H, pa[0], 16), 16), 0);

	CU_ASSERT_EQUAL(mmu_rd(SID_LRT, 0, VA_FW + 32, buf, sizeof(buf), NULL), NPUM_MMU_OK);
	CU_ASSERT_EQUAL(memcmp(buf, mh_ram(&H, pa[2] + 32, PAGE - 32), PAGE - 32), 0);
	CU_ASSERT_EQUAL(memcmp(buf + PAGE - 32, mh_ram(&H, pa[0], PAGE), PAGE), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 2 * PAGE - 32, mh_ram(&H, pa[1], 96), 96), 0);

	memset(wbuf, 0x5A, sizeof(wbuf));
	CU_ASSERT_EQUAL(mmu_wr(SID_LRT, 0, VA_FW + 2 * PAGE - 8, wbuf, 32, NULL), NPUM_MMU_OK);
	CU_ASSERT_EQUAL(mh_r64(&H, pa[0] + PAGE - 8), 0x5A5A5A5A5A5A5A5Aull);
	CU_ASSERT_EQUAL(memcmp(mh_ram(&H, pa[1], 24), wbuf, 24), 0);
	CU_ASSERT_EQUAL(mh_r32(&H, pa[1] + 24), 0x20000018);

	/* The second page faults: the first half arrived, the rest aborts */
	mh_map(&H, 0, VA_FW + 3 * PAGE, 0, NPU_MMU_DUMMY_ADDRESS);
	memset(buf, 0xEE, 64);
	CU_ASSERT_EQUAL(mmu_rd(SID_LRT, 0, VA_FW + 4 * PAGE - 16 - PAGE, buf, 32, NULL),
			NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(memcmp(buf, mh_ram(&H, pa[1] + PAGE - 16, 16), 16), 0);
	CU_ASSERT_EQUAL(buf[16], 0);
	CU_ASSERT_EQUAL(buf[31], 0);
	finish();
}

/* Level-1 and level-2 block descriptors, and TLBI by VA of a block. */
static void test_block_mappings(void)
{
	const uint64_t va2m = UINT64_C(0x40000000), va1g = UINT64_C(0x80000000);
	uint64_t blk, pmd_entry, pud_entry, other;
	int ret;

	start_enabled();
	blk = mh_alloc(&H, 2u << 20, 2u << 20);
	mh_w32(&H, blk + 0x123450, 0xB10C0001);
	mh_w32(&H, blk + 0x1FF000, 0xB10C0002);

	/* level 2: a 2 MiB block (bit 1 clear) */
	pmd_entry = entry_addr(0, va2m, 2);
	mh_w64(&H, pmd_entry, blk | (PTE_OK & ~NPU_MMU_ENTRY_TABLE));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, va2m + 0x123450, NULL), 0xB10C0001);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, va2m + 0x1FF000, NULL), 0xB10C0002);

	/* level 1: a 1 GiB block at bus address 0 */
	pud_entry = entry_addr(0, va1g, 1);
	mh_w64(&H, pud_entry, 0 | (PTE_OK & ~NPU_MMU_ENTRY_TABLE));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, va1g + blk + 0x123450, NULL), 0xB10C0001);

	/* Both 4 KiB pieces of the 2 MiB block are cached; a TLBI by VA of one
	 * page of the block drops the whole block (AArch64 TLBI semantics). */
	other = mh_alloc(&H, 2u << 20, 2u << 20);
	mh_w32(&H, other + 0x123450, 0x07E40001);
	mh_w32(&H, other + 0x1FF000, 0x07E40002);
	mh_w64(&H, pmd_entry, other | (PTE_OK & ~NPU_MMU_ENTRY_TABLE));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, va2m + 0x1FF000, NULL), 0xB10C0002); /* stale */
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_TLBI_NH_VA), va2m + 0x123000));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, va2m + 0x1FF000, NULL), 0x07E40002);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, va2m + 0x123450, NULL), 0x07E40001);

	/* A block at level 0 does not exist with a 4 KiB granule */
	mh_w64(&H, H.pgd[0] + 1 * 8, 0 | (PTE_OK & ~NPU_MMU_ENTRY_TABLE));
	mmu_rd32(SID_LRT, 0, UINT64_C(1) << 39, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(H.last_fault.u[4], NPU_MMU_EVT_F_TRANSLATION);
	finish();
}

/* hw-facts §6: RO (bit 7) pages; the event record checked word by word. */
static void test_permission_ro_write(void)
{
	uint64_t pa, pte;
	uint32_t v = 0xFFFFFFFF;
	bool faulted = false;
	int ret;

	start_enabled();
	icb_clear();
	pa = pattern_page(0x50000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK | NPU_MMU_ENTRY_RO);
	pte = mh_pte_addr(&H, 0, VA_FW);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 8, &ret), 0x50000008);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);

	CU_ASSERT_EQUAL(mmu_wr(SID_LRT, 0, VA_FW + 8, &v, 4, &faulted), NPUM_MMU_ABORT);
	CU_ASSERT(faulted);
	CU_ASSERT_EQUAL(mh_r32(&H, pa + 8), 0x50000008);
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_0_EVTQ);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_events, 1);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_PERMISSION | EVT_SSV | 0 << 12, SID_LRT, 0,
			W3_CLASS_IN /* unprivileged data write */, (uint32_t)(VA_FW + 8),
			(uint32_t)((VA_FW + 8) >> 32), (uint32_t)pte, (uint32_t)(pte >> 32),
		};
		expect_event(want);
	}
	expect_no_event();
	finish();
}

/* PRIVCFG=unpriv (ivpu's STE): pages without USER (bit 6) fault. */
static void test_permission_unprivileged(void)
{
	uint64_t pa, pte;
	int ret;

	start_enabled();
	pa = pattern_page(0x60000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK & ~NPU_MMU_ENTRY_USER);
	pte = mh_pte_addr(&H, 0, VA_FW);
	mmu_rd32(SID_LRT, 0, VA_FW + 4, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_PERMISSION | EVT_SSV, SID_LRT, 0, W3_RNW | W3_CLASS_IN,
			(uint32_t)(VA_FW + 4), 0, (uint32_t)pte, (uint32_t)(pte >> 32),
		};
		expect_event(want);
	}

	/* A privileged stream (PRIVCFG=3) may read it once the STE is re-read */
	mh_w64(&H, ste_addr(SID_LRT) + 8,
	       NPU_FLD_SET(NPU_MMU_STE_1_PRIVCFG, mh_ste_dword1(), NPU_MMU_PRIVCFG_PRIV));
	mmu_rd32(SID_LRT, 0, VA_FW + 4, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT); /* STE still cached */
	expect_event_id(NPU_MMU_EVT_F_PERMISSION, SID_LRT, true, 0);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_LRT),
			  0));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 4, &ret), 0x60000004);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	finish();
}

static void test_access_flag(void)
{
	uint64_t pa, pte;
	int ret;

	start_enabled();
	pa = pattern_page(0x70000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK & ~NPU_MMU_ENTRY_AF);
	pte = mh_pte_addr(&H, 0, VA_FW);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_ACCESS | EVT_SSV, SID_LRT, 0, W3_RNW | W3_CLASS_IN,
			(uint32_t)VA_FW, 0, (uint32_t)pte, (uint32_t)(pte >> 32),
		};
		expect_event(want);
	}
	/* Not cached: setting AF takes effect without a TLBI */
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x70000000);
	finish();
}

/* SSID 0 has CD.A=1 (§6): translation faults abort. */
static void test_unmapped_global_aborts(void)
{
	uint64_t pte, pgd_entry;
	uint8_t buf[8];
	bool faulted = false;

	start_enabled();
	mh_map(&H, 0, VA_FW, NPU_MMU_DUMMY_ADDRESS, 0); /* ivpu's unmapped PTE */
	pte = mh_pte_addr(&H, 0, VA_FW);
	memset(buf, 0xAA, sizeof(buf));
	CU_ASSERT_EQUAL(mmu_rd(SID_LRT, 0, VA_FW + 0x40, buf, 8, &faulted), NPUM_MMU_ABORT);
	CU_ASSERT(faulted);
	CU_ASSERT_EQUAL(buf[0], 0);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_TRANSLATION | EVT_SSV, SID_LRT, 0, W3_RNW | W3_CLASS_IN,
			(uint32_t)(VA_FW + 0x40), 0, (uint32_t)pte, (uint32_t)(pte >> 32),
		};
		expect_event(want);
	}
	/* No level-0 entry at all: the fetch address is the PGD entry */
	pgd_entry = H.pgd[0] + NPU_FLD_GET(NPU_MMU_PGD_INDEX, UINT64_C(0x500000000000)) * 8;
	CU_ASSERT_EQUAL(mmu_wr(SID_DMA, 0, UINT64_C(0x500000000000), buf, 8, &faulted),
			NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_TRANSLATION | EVT_SSV, SID_DMA, 0, W3_CLASS_IN,
			0, 0x5000, (uint32_t)pgd_entry, 0,
		};
		expect_event(want);
	}
	finish();
}

/* User SSIDs have CD.A=0 (§6): faults read as zero and ignore writes. */
static void test_unmapped_user_raz_wi(void)
{
	uint64_t pa;
	uint8_t buf[32], wbuf[32];
	bool faulted = false;
	uint64_t writes;

	start_enabled();
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 5) == 0);
	pa = pattern_page(0x55000000);
	mh_map(&H, 5, VA_USER, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 5, VA_USER + 4, NULL), 0x55000004);

	memset(buf, 0xAA, sizeof(buf));
	CU_ASSERT_EQUAL(mmu_rd(SID_DMA, 5, VA_USER + PAGE, buf, 32, &faulted), NPUM_MMU_OK);
	CU_ASSERT(faulted);
	for (int i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(buf[i], 0);
	expect_event_id(NPU_MMU_EVT_F_TRANSLATION, SID_DMA, true, 5);

	/* A write spanning the mapped page and an unmapped one: the mapped
	 * part lands, the rest is dropped; both pages are separate transactions */
	memset(wbuf, 0x77, sizeof(wbuf));
	writes = H.dma_writes;
	CU_ASSERT_EQUAL(mmu_wr(SID_DMA, 5, VA_USER + PAGE - 16, wbuf, 32, &faulted), NPUM_MMU_OK);
	CU_ASSERT(faulted);
	CU_ASSERT_EQUAL(mh_r32(&H, pa + PAGE - 4), 0x77777777);
	CU_ASSERT_EQUAL(H.dma_writes - writes, 2); /* the mapped half + one event */
	expect_event_id(NPU_MMU_EVT_F_TRANSLATION, SID_DMA, true, 5);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_faults, 2);
	finish();
}

/* CD.R=0: faults are not recorded (ivpu clears R to silence a context). */
static void test_record_disabled(void)
{
	uint8_t buf[4];
	bool faulted = false;
	uint64_t cd;
	uint32_t prod;

	start_enabled();
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 6) == 0);
	cd = mh_cd_addr(&H, 6);
	mh_w64(&H, cd, mh_r64(&H, cd) & ~NPU_MMU_CD_0_R);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_CD) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA) |
			  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SSID, 6), 0));
	prod = evtq_prod();
	CU_ASSERT_EQUAL(mmu_rd(SID_DMA, 6, VA_USER, buf, 4, &faulted), NPUM_MMU_OK);
	CU_ASSERT(faulted);
	CU_ASSERT_EQUAL(evtq_prod(), prod);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_faults, 1);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_events, 0);

	/* A configuration error (here an invalid CD) is always recorded */
	mh_w64(&H, cd, 0);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_CD_ALL) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA),
			  0));
	CU_ASSERT_EQUAL(mmu_rd(SID_DMA, 6, VA_USER, buf, 4, &faulted), NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_C_BAD_CD, SID_DMA, true, 6);
	finish();
}

/* ---- Caches ---------------------------------------------------------------------- */

/* Stale translations stay until a TLBI covering them (SMMUv3). */
static void test_tlb_stale_until_tlbi(void)
{
	uint64_t pa1, pa2;
	int ret;

	start_enabled();
	pa1 = pattern_page(0x11000000);
	pa2 = pattern_page(0x22000000);
	mh_map(&H, 0, VA_FW, pa1, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x11000000);

	mh_map(&H, 0, VA_FW, pa2, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x11000000);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 7) == 0);         /* another ASID */
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x11000000);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);             /* config only */
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x11000000);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x22000000);

	mh_map(&H, 0, VA_FW, pa1, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x22000000);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_TLBI_NSNH_ALL), 0));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x11000000);

	mh_map(&H, 0, VA_FW, pa2, PTE_OK);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_TLBI_EL2_ALL), 0));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x22000000);

	/* Unmapping is invisible until invalidated, too */
	mh_map(&H, 0, VA_FW, NPU_MMU_DUMMY_ADDRESS, 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x22000000);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	finish();
}

/* TLBI_NH_VA drops one page; global (nG=0) entries match every ASID and
 * survive TLBI_NH_ASID; TLBI_NH_VAA drops them. */
static void test_tlbi_va_and_global(void)
{
	uint64_t pa1, pa2, pa3;
	int ret;

	start_enabled();
	pa1 = pattern_page(0x31000000);
	pa2 = pattern_page(0x32000000);
	pa3 = pattern_page(0x33000000);
	mh_map(&H, 0, VA_FW, pa1, PTE_OK);
	mh_map(&H, 0, VA_FW + PAGE, pa2, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x31000000);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + PAGE, NULL), 0x32000000);
	mh_map(&H, 0, VA_FW, pa3, PTE_OK);
	mh_map(&H, 0, VA_FW + PAGE, pa3, PTE_OK);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_TLBI_NH_VA) | NPU_FLD_PREP(NPU_MMU_CMD_TLBI_0_ASID, 0),
			  VA_FW));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x33000000);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + PAGE, NULL), 0x32000000);

	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 6) == 0);
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 7) == 0);
	mh_map(&H, 6, VA_USER, pa1, PTE_OK & ~NPU_MMU_ENTRY_NG);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 6, VA_USER, NULL), 0x31000000);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 7, VA_USER, &ret), 0x31000000); /* global hit */
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 6) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 7, VA_USER, &ret), 0x31000000);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_TLBI_NH_VAA), VA_USER));
	mmu_rd32(SID_DMA, 7, VA_USER, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK); /* A=0: RAZ */
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 7, VA_USER, NULL), 0);
	expect_event_id(NPU_MMU_EVT_F_TRANSLATION, SID_DMA, true, 7);
	finish();
}

/* STEs stay cached until CFGI_STE / CFGI_ALL; invalid ones are not cached. */
static void test_ste_cache_stale_until_cfgi(void)
{
	uint64_t pa;
	int ret;

	start_enabled();
	pa = pattern_page(0x44000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x44000000);

	mh_w64(&H, ste_addr(SID_LRT), 0); /* V=0 */
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x44000000);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA),
			  0)); /* another stream */
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x44000000);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_LRT),
			  0));
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = { NPU_MMU_EVT_C_BAD_STE | EVT_SSV, SID_LRT, 0, 0, (uint32_t)VA_FW,
					   0, 0, 0 };
		expect_event(want);
	}
	/* Fixing the STE works at once: the invalid one was never cached */
	mh_w64(&H, ste_addr(SID_LRT), mh_ste_dword0(H.cdtab));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x44000000);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);

	/* CFGI_ALL (ivpu's) invalidates it as well */
	mh_w64(&H, ste_addr(SID_LRT), 0);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_C_BAD_STE, SID_LRT, true, 0);
	finish();
}

/* CDs stay cached per (StreamID, SSID) until CFGI_CD / CFGI_CD_ALL /
 * CFGI_STE / CFGI_ALL. */
static void test_cd_cache_stale_until_cfgi(void)
{
	uint64_t pa1, pa2, pgd_a, pgd_b, cd;

	start_enabled();
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 4) == 0);
	pa1 = pattern_page(0x0A000000);
	pa2 = pattern_page(0x0B000000);
	mh_map(&H, 4, VA_USER, pa1, PTE_OK);
	pgd_a = H.pgd[4];
	pgd_b = H.pgd[4] = mh_alloc(&H, PAGE, PAGE);
	mh_map(&H, 4, VA_USER, pa2, PTE_OK);
	H.pgd[4] = pgd_a;
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER, NULL), 0x0A000000);

	cd = mh_cd_addr(&H, 4);
	mh_w64(&H, cd + 8, pgd_b);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 4) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER, NULL), 0x0A000000); /* old TTB0 */
	/* CFGI_CD of other (StreamID, SSID) pairs leaves it */
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_CD) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_LRT) |
			  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SSID, 4), 0));
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_CD) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA) |
			  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SSID, 5), 0));
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 4) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER, NULL), 0x0A000000);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_CD) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA) |
			  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SSID, 4), 0));
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 4) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER, NULL), 0x0B000000);

	/* CFGI_CD_ALL and CFGI_STE (which drops the stream's CDs) */
	mh_w64(&H, cd + 8, pgd_a);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_CD_ALL) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA),
			  0));
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 4) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER, NULL), 0x0A000000);
	mh_w64(&H, cd + 8, pgd_b);
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, SID_DMA),
			  0));
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 4) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 4, VA_USER, NULL), 0x0B000000);
	finish();
}

/* HOST_IF_TBU_MMUSSIDV (§2.2): without the SSID-valid bit the transaction
 * has no SSID, and ivpu's STE (S1DSS=terminate) disables it. */
static void test_tbu_ssidv(void)
{
	uint64_t pa;
	uint32_t v = 1;
	int ret;

	start_enabled();
	pa = pattern_page(0x12000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x12000000);

	wr(NPU_HOST_IF_TBU_MMUSSIDV, 0);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = { NPU_MMU_EVT_F_STREAM_DISABLED, SID_LRT, 0, 0,
					   (uint32_t)VA_FW, 0, 0, 0 };
		expect_event(want);
	}
	/* Reads only (AR) */
	wr(NPU_HOST_IF_TBU_MMUSSIDV, NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_LRT));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x12000000);
	CU_ASSERT_EQUAL(mmu_wr(SID_LRT, 0, VA_FW, &v, 4, NULL), NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_F_STREAM_DISABLED, SID_LRT, false, 0);
	/* TBU2 carries SID 3 */
	mmu_rd32(SID_DMA, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_F_STREAM_DISABLED, SID_DMA, false, 0);
	wr(NPU_HOST_IF_TBU_MMUSSIDV, NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_DMA) |
	   NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_DMA));
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 0, VA_FW, &ret), 0x12000000);
	CU_ASSERT_EQUAL(mmu_wr(SID_DMA, 0, VA_FW, &v, 4, NULL), NPUM_MMU_OK);
	finish();
}

/* C_BAD_STREAMID, C_BAD_STE, C_BAD_SUBSTREAMID, C_BAD_CD; STE abort and
 * bypass; the unsupported two-level stream table. */
static void test_config_errors(void)
{
	uint64_t pa, cd;
	unsigned ge;
	int ret;

	start_enabled();
	pa = pattern_page(0x13000000);
	mmu_rd32(5, 0, VA_FW, &ret);                   /* 5 >= 2^LOG2SIZE */
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = { NPU_MMU_EVT_C_BAD_STREAMID, 5, 0, 0, (uint32_t)VA_FW, 0, 0, 0 };
		expect_event(want);
	}
	mmu_rd32(1, 0, VA_FW, &ret);                   /* STE 1 left empty by ivpu */
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_C_BAD_STE, 1, false, 0);
	mmu_rd32(SID_DMA, 300, VA_USER, &ret);         /* >= 2^S1CDMAX */
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_C_BAD_SUBSTREAMID, SID_DMA, true, 300);
	mmu_rd32(SID_DMA, 9, VA_USER, &ret);           /* CD 9 invalid; config errors abort */
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_C_BAD_CD, SID_DMA, true, 9);

	/* CDs the model does not support: 16 KiB granule, T0SZ out of range */
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 9) == 0);
	mmu_rd32(SID_DMA, 9, VA_USER, &ret);           /* caches the valid CD 9 */
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	cd = mh_cd_addr(&H, 9);
	ge = H.guest_errors;
	mh_w64(&H, cd, NPU_FLD_SET(NPU_MMU_CD_0_TG0, mh_cd_dword0(9), 2));
	mmu_rd32(SID_DMA, 9, VA_USER, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK); /* still the cached valid CD */
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	mmu_rd32(SID_DMA, 9, VA_USER, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	mh_w64(&H, cd, NPU_FLD_SET(NPU_MMU_CD_0_T0SZ, mh_cd_dword0(9), 12));
	mmu_rd32(SID_DMA, 9, VA_USER, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	while (mh_mmu_pop_event(&H, (uint32_t[8]){ 0 }))
		;

	/* SID 2: abort (silently), bypass, stage 2 (not modelled) */
	mh_w64(&H, ste_addr(2), NPU_MMU_STE_0_V |
	       NPU_FLD_PREP(NPU_MMU_STE_0_CONFIG, NPU_MMU_STE_CONFIG_ABORT));
	mmu_rd32(2, 0, pa, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_no_event();
	mh_w64(&H, ste_addr(2), NPU_MMU_STE_0_V |
	       NPU_FLD_PREP(NPU_MMU_STE_0_CONFIG, NPU_MMU_STE_CONFIG_BYPASS));
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 2), 0));
	CU_ASSERT_EQUAL(mmu_rd32(2, 0, pa + 12, &ret), 0x1300000C);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	mh_w64(&H, ste_addr(2), NPU_MMU_STE_0_V | NPU_FLD_PREP(NPU_MMU_STE_0_CONFIG, 0x6));
	CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 2), 0));
	ge = H.guest_errors;
	mmu_rd32(2, 0, pa, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	expect_event_id(NPU_MMU_EVT_C_BAD_STE, 2, false, 0);

	/* SID 2 with a single CD (S1CDMAX=0, no substreams): the CD fetch
	 * fails (F_CD_FETCH names the CD's address), then works */
	{
		uint64_t bad_cd = H.ram_size + 0x40000;
		uint64_t ste0 = NPU_FLD_SET(NPU_MMU_STE_0_S1CDMAX, mh_ste_dword0(0), 0);

		mh_w64(&H, ste_addr(2) + 8, mh_ste_dword1());
		mh_w64(&H, ste_addr(2), ste0 | bad_cd);
		CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 2),
				  0));
		mmu_rd32(2, 0, VA_FW, &ret);
		CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
		{
			const uint32_t want[8] = { NPU_MMU_EVT_F_CD_FETCH, 2, 0, 0, (uint32_t)VA_FW, 0,
						   (uint32_t)bad_cd, 0 };
			expect_event(want);
		}
		mh_w64(&H, ste_addr(2), ste0 | H.cdtab); /* CD 0: the global context */
		CU_ASSERT(run_cmd(cmd0(NPU_MMU_CMD_CFGI_STE) | NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, 2),
				  0));
		mh_map(&H, 0, VA_FW, pa, PTE_OK);
		CU_ASSERT_EQUAL(mmu_rd32(2, 0, VA_FW + 16, &ret), 0x13000010);
		CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	}

	/* Two-level stream tables are not modelled: every StreamID is bad */
	set_cr0(NPU_MMU_CR0_IVPU_FINAL & ~NPU_MMU_CR0_SMMUEN);
	ge = H.guest_errors;
	wr(NPU_MMU_STRTAB_BASE_CFG, (uint32_t)NPU_FLD_PREP(NPU_MMU_STRTAB_CFG_FMT, 1) | 2);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_C_BAD_STREAMID, SID_LRT, true, 0);
	finish();
}

/* F_WALK_EABT, F_ADDR_SIZE and F_TRANSLATION from the walk itself. */
static void test_walk_errors(void)
{
	uint64_t pa, pmd, pte, cd, outside = UINT64_C(0x7F000000);
	int ret;

	start_enabled();
	pa = pattern_page(0x14000000);

	/* A table pointer outside memory: external abort on the walk */
	pmd = entry_addr(0, VA_FW, 2);
	mh_w64(&H, pmd, outside | NPU_MMU_ENTRY_VALID | NPU_MMU_ENTRY_TABLE);
	mmu_rd32(SID_LRT, 0, VA_FW + 0x3000, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		uint64_t fetch = outside + NPU_FLD_GET(NPU_MMU_PTE_INDEX, VA_FW + 0x3000) * 8;
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_WALK_EABT | EVT_SSV, SID_LRT, 0, W3_RNW | W3_CLASS_TT,
			(uint32_t)(VA_FW + 0x3000), 0, (uint32_t)fetch, 0,
		};
		expect_event(want);
	}
	mh_w64(&H, pmd, 0);

	/* Output address beyond 48 bits */
	mh_map(&H, 0, VA_FW, pa, PTE_OK | NPU_BIT64(48));
	pte = mh_pte_addr(&H, 0, VA_FW);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_ADDR_SIZE | EVT_SSV, SID_LRT, 0, W3_RNW | W3_CLASS_IN,
			(uint32_t)VA_FW, 0, (uint32_t)pte, 0,
		};
		expect_event(want);
	}

	/* A context with IPS = 32 bits mapping a page above 4 GiB */
	CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, 8) == 0);
	cd = mh_cd_addr(&H, 8);
	mh_w64(&H, cd, NPU_FLD_SET(NPU_MMU_CD_0_IPS, mh_cd_dword0(8), 0));
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	mh_map(&H, 8, VA_USER, UINT64_C(0x100000000), PTE_OK);
	mh_map(&H, 8, VA_USER + PAGE, pa, PTE_OK);
	mmu_rd32(SID_DMA, 8, VA_USER, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK); /* A=0: RAZ */
	expect_event_id(NPU_MMU_EVT_F_ADDR_SIZE, SID_DMA, true, 8);
	CU_ASSERT_EQUAL(mmu_rd32(SID_DMA, 8, VA_USER + PAGE, &ret), 0x14000000);

	/* VA beyond the 48 bits T0SZ=16 allows */
	mmu_rd32(SID_LRT, 0, UINT64_C(1) << 48, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		const uint32_t want[8] = {
			NPU_MMU_EVT_F_TRANSLATION | EVT_SSV, SID_LRT, 0, W3_RNW | W3_CLASS_IN,
			0, 0x10000, 0, 0,
		};
		expect_event(want);
	}

	/* A level-3 descriptor with bit 1 clear is reserved */
	mh_map(&H, 0, VA_FW + PAGE, pa, PTE_OK & ~NPU_MMU_ENTRY_TABLE);
	mmu_rd32(SID_LRT, 0, VA_FW + PAGE, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_F_TRANSLATION, SID_LRT, true, 0);
	finish();
}

/* ---- Event queue ------------------------------------------------------------------ */

static void fault_once(void)
{
	int ret;

	mmu_rd32(SID_LRT, 0, VA_HOLE, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
}

/* A full queue drops events and toggles EVTQ_PROD.OVFLG once per overflow
 * (SMMUv3); the host acknowledges with EVTQ_CONS.OVACKFLG. */
static void test_evtq_overflow(void)
{
	uint32_t ev[8];

	start_enabled();
	for (int i = 0; i < 16; i++)
		fault_once();
	CU_ASSERT_EQUAL(evtq_prod(), 0x10); /* full: index 0, wrap 1 */
	CU_ASSERT_EQUAL(H.npu->stats.mmu_events, 16);
	mh_dma_log_clear(&H);
	fault_once();
	CU_ASSERT_EQUAL(mh_dma_touched(&H, H.evtq, 16 * 32), 0);
	CU_ASSERT_EQUAL(evtq_prod(), NPU_MMU_Q_OVFLG | 0x10);
	fault_once();
	CU_ASSERT_EQUAL(evtq_prod(), NPU_MMU_Q_OVFLG | 0x10); /* no second toggle */
	CU_ASSERT_EQUAL(H.npu->stats.mmu_events, 16);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_faults, 18);

	for (int i = 0; i < 16; i++)
		CU_ASSERT(mh_mmu_pop_event(&H, ev));
	CU_ASSERT_FALSE(mh_mmu_pop_event(&H, ev));
	wr(NPU_MMU_EVTQ_CONS_PAGE1, NPU_MMU_Q_OVFLG | H.evtq_cons); /* acknowledge */
	fault_once();
	CU_ASSERT_EQUAL(evtq_prod(), NPU_MMU_Q_OVFLG | 0x11);
	for (int i = 0; i < 15; i++)
		fault_once();
	CU_ASSERT_EQUAL(evtq_prod(), NPU_MMU_Q_OVFLG | 0x00); /* full again */
	fault_once();
	CU_ASSERT_EQUAL(evtq_prod(), 0x00); /* overflow #2: toggled back */
	finish();
}

/* EVTQ_PROD/CONS at 0x2000A8/AC and at the page-1 alias 0x2100A8/AC. */
static void test_evtq_page1_alias(void)
{
	start_enabled();
	fault_once();
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_PROD), 1);
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_PROD_PAGE1), 1);
	wr(NPU_MMU_EVTQ_CONS, 1);
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_CONS_PAGE1), 1);
	fault_once();
	wr(NPU_MMU_EVTQ_CONS_PAGE1, 2);
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_CONS), 2);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_EVTQ_PROD_PAGE1), (uint64_t)2 << 32 | 2);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL & ~NPU_MMU_CR0_EVTQEN);
	wr(NPU_MMU_EVTQ_PROD, 7);
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_PROD_PAGE1), 7);
	/* With EVTQEN=0 faults are not recorded */
	fault_once();
	CU_ASSERT_EQUAL(rd(NPU_MMU_EVTQ_PROD_PAGE1), 7);
	CU_ASSERT_EQUAL(H.guest_errors, 0);
	finish();
}

/* Choice (docs/deviations.md): SMMUEN=0 means GBPA.ABORT: everything
 * aborts, nothing is recorded, nothing is fetched; caches survive. */
static void test_smmu_disabled_aborts(void)
{
	uint64_t pa;
	int ret;

	start_enabled();
	pa = pattern_page(0x15000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x15000000);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL & ~NPU_MMU_CR0_SMMUEN);
	mh_dma_log_clear(&H);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(H.dma_count, 0);
	CU_ASSERT_EQUAL(evtq_prod(), 0);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x15000000);
	CU_ASSERT_EQUAL(H.dma_count, 1); /* TLB hit: only the data read */
	finish();
}

/* Bus mastering off: the STE fetch fails (F_STE_FETCH) and so does the
 * event write (GERROR.EVTQ_ABT); after acknowledging, events flow again. */
static void test_bus_master_off(void)
{
	uint64_t pa, bad_strtab;
	int ret;

	start_enabled();
	icb_clear();
	pa = pattern_page(0x16000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	npum_bus_master_changed(H.npu, false);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_STRING_EQUAL(H.last_fault.s[0], "F_STE_FETCH");
	CU_ASSERT_EQUAL(gerror_active(), NPU_MMU_GERROR_EVTQ_ABT);
	CU_ASSERT(icb0() & NPU_ICB_0_MMU_IRQ_2_GERROR);
	CU_ASSERT_EQUAL(evtq_prod(), 0);

	npum_bus_master_changed(H.npu, true);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x16000000);
	mmu_rd32(SID_LRT, 0, VA_FW + PAGE, &ret);      /* unmapped, but EVTQ_ABT active */
	CU_ASSERT_EQUAL(evtq_prod(), 0);
	gerror_ack();
	mmu_rd32(SID_LRT, 0, VA_FW + PAGE, &ret);
	CU_ASSERT_EQUAL(evtq_prod(), 1);
	expect_event_id(NPU_MMU_EVT_F_TRANSLATION, SID_LRT, true, 0);

	/* The F_STE_FETCH record names the STE's address */
	bad_strtab = H.ram_size + 0x10000;
	set_cr0(0);
	mh_wr64(&H, V, NPU_MMU_STRTAB_BASE, bad_strtab);
	set_cr0(NPU_MMU_CR0_IVPU_FINAL);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	mmu_rd32(SID_DMA, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		uint64_t ste = bad_strtab + 3 * 64;
		const uint32_t want[8] = { NPU_MMU_EVT_F_STE_FETCH | EVT_SSV, SID_DMA, 0, 0,
					   (uint32_t)VA_FW, 0, (uint32_t)ste, 0 };
		expect_event(want);
	}
	finish();
}

/* GERRORN only acknowledges active errors. */
static void test_gerrorn_ack_rules(void)
{
	unsigned ge;

	start_enabled();
	ge = H.guest_errors;
	wr(NPU_MMU_GERRORN, NPU_MMU_GERROR_CMDQ_ERR);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	CU_ASSERT_EQUAL(rd(NPU_MMU_GERRORN), 0);
	CU_ASSERT_EQUAL(gerror_active(), 0);
	CU_ASSERT(mh_mmu_sync(&H) == 0); /* the queue still runs */
	finish();
}

/* STE.INSTCFG / PRIVCFG override the transaction's attributes. */
static void test_instcfg_privcfg(void)
{
	uint64_t pa;
	uint8_t buf[4];
	uint32_t v = 0;
	int ret;

	start_enabled();
	pa = pattern_page(0x17000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK | NPU_MMU_ENTRY_UXN);
	/* ivpu: INSTCFG=data, so fetches are data reads and XN does not apply */
	ret = npum_mmu_read(H.npu, SID_LRT, 0, VA_FW, buf, 4, NPUM_MMU_ACC_INSTR, NULL);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);

	/* INSTCFG=instr: reads are fetches, and the page is UXN */
	mh_w64(&H, ste_addr(SID_LRT) + 8,
	       NPU_FLD_SET(NPU_MMU_STE_1_INSTCFG, mh_ste_dword1(), NPU_MMU_INSTCFG_INSTR));
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	ret = npum_mmu_read(H.npu, SID_LRT, 0, VA_FW, buf, 4, NPUM_MMU_ACC_READ, NULL);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	{
		uint64_t pte = mh_pte_addr(&H, 0, VA_FW);
		const uint32_t want[8] = { NPU_MMU_EVT_F_PERMISSION | EVT_SSV, SID_LRT, 0,
					   W3_IND | W3_RNW | W3_CLASS_IN, (uint32_t)VA_FW, 0,
					   (uint32_t)pte, 0 };
		expect_event(want);
	}

	/* PRIVCFG=priv: PnU set in the record of a write to a read-only page */
	mh_w64(&H, ste_addr(SID_LRT) + 8,
	       NPU_FLD_SET(NPU_MMU_STE_1_PRIVCFG, mh_ste_dword1(), NPU_MMU_PRIVCFG_PRIV));
	mh_map(&H, 0, VA_FW + PAGE, pa, (PTE_OK | NPU_MMU_ENTRY_RO) & ~NPU_MMU_ENTRY_USER);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + PAGE, &ret), 0x17000000);
	CU_ASSERT_EQUAL(mmu_wr(SID_LRT, 0, VA_FW + PAGE, &v, 4, NULL), NPUM_MMU_ABORT);
	{
		uint64_t pte = mh_pte_addr(&H, 0, VA_FW + PAGE);
		const uint32_t want[8] = { NPU_MMU_EVT_F_PERMISSION | EVT_SSV, SID_LRT, 0,
					   W3_PNU | W3_CLASS_IN, (uint32_t)(VA_FW + PAGE), 0,
					   (uint32_t)pte, 0 };
		expect_event(want);
	}
	finish();
}

/* Table descriptors' APTable bits restrict what lies below (unless
 * CD.HAD0); CD.EPD0 disables walks; CD.TBI0 ignores the top byte; two-level
 * CD tables are not modelled. */
static void test_cd_fields_and_hierarchy(void)
{
	uint64_t pa, pmd, cd;
	uint32_t v = 0xABCD;
	unsigned ge;
	int ret;

	start_enabled();
	pa = pattern_page(0x1A000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	pmd = entry_addr(0, VA_FW, 2);
	mh_w64(&H, pmd, mh_r64(&H, pmd) | NPU_MMU_TABLE_AP_RO);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x1A000000);
	CU_ASSERT_EQUAL(mmu_wr(SID_LRT, 0, VA_FW, &v, 4, NULL), NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_F_PERMISSION, SID_LRT, true, 0);
	mh_w64(&H, pmd, mh_r64(&H, pmd) ^ NPU_MMU_TABLE_AP_RO ^ NPU_MMU_TABLE_AP_NO_EL0);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	expect_event_id(NPU_MMU_EVT_F_PERMISSION, SID_LRT, true, 0);
	/* HAD0: the hierarchical bits no longer count */
	cd = mh_cd_addr(&H, 0);
	mh_w64(&H, cd + 8, mh_r64(&H, cd + 8) | NPU_MMU_CD_1_HAD0);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x1A000000);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);

	/* TBI0: the top byte of the VA is ignored */
	mh_w64(&H, cd, mh_r64(&H, cd) | NPU_MMU_CD_0_TBI0);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW | UINT64_C(0xAB) << 56, &ret), 0x1A000000);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	/* EPD0: no walks through TTB0 at all */
	mh_w64(&H, cd, mh_r64(&H, cd) | NPU_MMU_CD_0_EPD0);
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	mh_dma_log_clear(&H);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(mh_dma_touched(&H, H.pgd[0], PAGE), 0);
	{
		const uint32_t want[8] = { NPU_MMU_EVT_F_TRANSLATION | EVT_SSV, SID_LRT, 0,
					   W3_RNW | W3_CLASS_IN, (uint32_t)VA_FW, 0, 0, 0 };
		expect_event(want);
	}

	/* Two-level CD tables (S1Fmt != linear) */
	mh_w64(&H, ste_addr(SID_DMA), NPU_FLD_SET(NPU_MMU_STE_0_S1FMT, mh_ste_dword0(H.cdtab), 1));
	CU_ASSERT(mh_mmu_cfgi_all(&H) == 0);
	ge = H.guest_errors;
	mmu_rd32(SID_DMA, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_EQUAL(H.guest_errors, ge + 1);
	expect_event_id(NPU_MMU_EVT_C_BAD_STE, SID_DMA, true, 0);
	finish();
}

/* An IP reset (buttress VPU_IP_RESET) returns the MMU to reset state and
 * empties its caches; ivpu's sequence brings it back. */
static void test_ip_reset(void)
{
	uint64_t pa;
	int ret;

	start_enabled();
	pa = pattern_page(0x18000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x18000000);
	/* Cached now: an invalid STE and a new PTE stay invisible... */
	mh_w64(&H, ste_addr(SID_LRT), 0);
	mh_map(&H, 0, VA_FW, pattern_page(0x19000000), PTE_OK);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, NULL), 0x18000000);
	mh_wr32(&H, NPU_BAR_REGB, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	CU_ASSERT(mh_poll32(&H, NPU_BAR_REGB, NPU_BTRS_VPU_IP_RESET, 1, 0, 150000));
	CU_ASSERT_EQUAL(rd(NPU_MMU_CR0), 0);
	CU_ASSERT_EQUAL(rd(NPU_MMU_IRQ_CTRL), 0);
	CU_ASSERT_EQUAL(mh_rd64(&H, V, NPU_MMU_STRTAB_BASE), 0);
	CU_ASSERT_EQUAL(rd(NPU_MMU_CMDQ_CONS), 0);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);

	/* ...until the reset empties the caches: enable with no CFGI/TLBI */
	mh_wr64(&H, V, NPU_MMU_STRTAB_BASE, H.strtab);
	wr(NPU_MMU_STRTAB_BASE_CFG, 2);
	wr(NPU_HOST_IF_TBU_MMUSSIDV, 0x33);
	set_cr0(NPU_MMU_CR0_SMMUEN);
	mmu_rd32(SID_LRT, 0, VA_FW, &ret);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_ABORT);
	CU_ASSERT_STRING_EQUAL(H.last_fault.s[0], "C_BAD_STE");
	mh_w64(&H, ste_addr(SID_LRT), mh_ste_dword0(H.cdtab));
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x19000000);

	/* and ivpu's sequence brings everything back */
	CU_ASSERT_FATAL(mh_mmu_enable(&H) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW, &ret), 0x19000000);
	finish();
}

/* Walks, faults and commands are traced; TLB hits are not. */
static void test_traces(void)
{
	uint64_t walks, faults, cmds;

	start_enabled();
	mh_map(&H, 0, VA_FW, pattern_page(0), PTE_OK);
	walks = H.traces[NPUM_TRACE_MMU_WALK];
	faults = H.traces[NPUM_TRACE_MMU_FAULT];
	cmds = H.traces[NPUM_TRACE_MMU_CMD];
	mmu_rd32(SID_LRT, 0, VA_FW, NULL);
	mmu_rd32(SID_LRT, 0, VA_FW + 4, NULL);
	CU_ASSERT_EQUAL(H.traces[NPUM_TRACE_MMU_WALK] - walks, 1);
	fault_once();
	fault_once(); /* faults are not cached: each one walks */
	CU_ASSERT_EQUAL(H.traces[NPUM_TRACE_MMU_WALK] - walks, 3);
	CU_ASSERT_EQUAL(H.traces[NPUM_TRACE_MMU_FAULT] - faults, 2);
	CU_ASSERT_STRING_EQUAL(H.last_fault.s[0], "F_TRANSLATION");
	CU_ASSERT_EQUAL(H.last_fault.u[1], SID_LRT);
	CU_ASSERT_EQUAL(H.last_fault.u[2], 0);
	CU_ASSERT_EQUAL(H.last_fault.u[3], VA_HOLE);
	CU_ASSERT_EQUAL(H.last_fault.u[4], NPU_MMU_EVT_F_TRANSLATION);
	CU_ASSERT(mh_mmu_sync(&H) == 0);
	CU_ASSERT_EQUAL(H.traces[NPUM_TRACE_MMU_CMD] - cmds, 1);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_walks, 3);
	CU_ASSERT_EQUAL(H.npu->stats.mmu_tlb_hits, 1);
	finish();
}

/* ---- Hostile guest ------------------------------------------------------------------ */

static uint64_t rng_state;

/* Mapped for the hostile test; below 16 MiB so that even a bypass STE
 * keeps accesses inside RAM. */
#define HOSTILE_VA  UINT64_C(0x400000)

static uint64_t rng(void)
{
	/* xorshift64*: deterministic for a given seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(0x2545F4914F6CDD1D);
}

static const uint32_t hostile_regs[] = {
	NPU_MMU_CR0, NPU_MMU_CR0, NPU_MMU_CR0, NPU_MMU_CR1, NPU_MMU_CR2, NPU_MMU_IRQ_CTRL,
	NPU_MMU_GERRORN, NPU_MMU_GERRORN, NPU_MMU_STRTAB_BASE, NPU_MMU_STRTAB_BASE_HI,
	NPU_MMU_STRTAB_BASE_CFG, NPU_MMU_CMDQ_BASE, NPU_MMU_CMDQ_BASE_HI, NPU_MMU_CMDQ_PROD,
	NPU_MMU_CMDQ_PROD, NPU_MMU_CMDQ_PROD, NPU_MMU_CMDQ_CONS, NPU_MMU_EVTQ_BASE,
	NPU_MMU_EVTQ_BASE_HI, NPU_MMU_EVTQ_PROD, NPU_MMU_EVTQ_CONS, NPU_MMU_EVTQ_PROD_PAGE1,
	NPU_MMU_EVTQ_CONS_PAGE1, NPU_MMU_IDR0, NPU_MMU_BASE + 0x40, NPU_HOST_IF_TBU_MMUSSIDV,
};

/* Random bits; with `tame`, every field that can hold a bus address stays
 * below 16 MiB, so a correct model never leaves the 64 MiB of RAM
 * (largest offsets: a 2^19-entry queue, a 1 GiB block, CD 4095). */
static uint64_t hostile_value(bool tame, bool high_half)
{
	uint64_t v = rng();

	if (!tame)
		return v;
	return high_half ? v & ~(uint64_t)0xFFFFF : v & ~NPU_GENMASK64(51, 24);
}

/* A word inside what the harness allocated: stream table, CD table,
 * queues, page tables and data pages. */
static uint64_t hostile_structure_word(void)
{
	return 0x1000 + (rng() % ((H.alloc_next - 0x1000) / 8)) * 8;
}

/* Flip one bit of a structure word; tame keeps address bits 51:24 clear. */
static void hostile_bit_flip(bool tame)
{
	uint64_t at = hostile_structure_word();
	unsigned bit = (unsigned)(rng() % 64);

	if (tame && bit >= 24 && bit <= 51)
		bit %= 24;
	mh_w64(&H, at, mh_r64(&H, at) ^ NPU_BIT64(bit));
}

static void hostile_register(bool tame, uint64_t r)
{
	uint32_t off = hostile_regs[(r >> 8) % (sizeof(hostile_regs) / sizeof(hostile_regs[0]))];
	bool hi = off == NPU_MMU_STRTAB_BASE_HI || off == NPU_MMU_CMDQ_BASE_HI ||
		  off == NPU_MMU_EVTQ_BASE_HI;

	if ((r >> 20) % 2)
		wr(off, (uint32_t)hostile_value(tame, hi));
	else
		rd(off);
}

static void hostile_command(bool tame, uint64_t r)
{
	static const uint8_t ops[] = { 0x01, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12,
				       0x13, 0x20, 0x30, 0x46, 0x46, 0x02, 0xFF };
	uint64_t d0 = (hostile_value(tame, false) & ~NPU_MMU_CMD_OPCODE) | ops[(r >> 8) % sizeof(ops)];

	if ((r >> 16) % 2) /* mostly well-formed */
		d0 &= NPU_MMU_CMD_OPCODE | NPU_MMU_CMD_CFGI_0_SID | NPU_MMU_CMD_TLBI_0_ASID;
	mh_mmu_cmd(&H, d0, (r >> 24) % 2 ? 0 : hostile_value(tame, false));
	wr(NPU_MMU_CMDQ_PROD, H.cmdq_prod);
}

static void hostile_access(bool tame, uint64_t r)
{
	static uint8_t buf[9000] = { 0x5A };
	static const unsigned sids[] = { SID_LRT, SID_LRT, SID_LRT, SID_DMA, SID_DMA, SID_DMA, 1, 5 };
	unsigned sid = sids[(r >> 8) % 8];
	uint32_t ssid = (r >> 12) % 4 ? (uint32_t)(r >> 14) % 8 : (uint32_t)(r >> 14) % 4096;
	uint64_t va, len = (r >> 28) % 4 ? 1 + (r >> 30) % 16 : 1 + rng() % sizeof(buf);
	bool faulted;

	if ((r >> 40) % 4)
		va = HOSTILE_VA + rng() % (64 * PAGE);
	else
		va = tame ? rng() % (16u << 20) : rng();
	if ((r >> 32) % 2)
		mmu_wr(sid, ssid, va, buf, len, &faulted);
	else
		npum_mmu_read(H.npu, sid, ssid, va, buf, len, (unsigned)(r >> 36) % 4, &faulted);
}

/* What a driver does after an error: queues off, acknowledge, enable again
 * (tables are left as the hostile guest made them). */
static void hostile_repair(void)
{
	set_cr0(0);
	gerror_ack();
	mh_mmu_enable(&H);
}

static void hostile_step(bool tame)
{
	uint64_t r = rng();

	switch (r % 32) {
	case 0:
		hostile_register(tame, r);
		break;
	case 1:
		if ((r >> 8) % 4 == 0)
			hostile_register(tame, r);
		else
			hostile_repair();
		break;
	case 2: case 3: case 4: case 5:
		hostile_bit_flip(tame);
		break;
	case 6:
		mh_w64(&H, hostile_structure_word(), hostile_value(tame, false));
		break;
	case 7: { /* garbage anywhere in the first 16 MiB */
		uint64_t at = (rng() % (MH_RAM_DEFAULT / 8)) * 8;

		for (unsigned i = 0; i < 1 + (r >> 8) % 64 && at + 8 * i < MH_RAM_DEFAULT; i++)
			mh_w64(&H, at + 8 * i, hostile_value(tame, false));
		break;
	}
	case 8: case 9:
		hostile_command(tame, r);
		break;
	case 10:
		if ((r >> 8) % 8 == 0)
			npum_bus_master_changed(H.npu, (r >> 12) % 2);
		else
			npum_bus_master_changed(H.npu, true);
		break;
	case 11:
		if ((r >> 8) % 4 == 0)
			hostile_repair();
		break;
	default:
		hostile_access(tame, r);
		break;
	}
}

/* Recovery as a driver would do it: acknowledge errors, rebuild the
 * tables, run the enable sequence, translate. */
static void hostile_recover_and_check(void)
{
	uint64_t pa;
	int ret;

	H.strict_dma = false;
	npum_bus_master_changed(H.npu, true);
	/* Queues off first: acknowledging CMDQ_ERR with the queue on would
	 * resume at the same garbage command and fail again. */
	set_cr0(0);
	gerror_ack();
	CU_ASSERT_EQUAL(gerror_active(), 0);
	memset(H.ram, 0, H.ram_size);
	memset(H.pgd, 0, sizeof(H.pgd));
	H.alloc_next = 0x1000;
	mh_mmu_setup(&H);
	CU_ASSERT_FATAL(mh_mmu_enable(&H) == 0);
	pa = pattern_page(0x1E000000);
	mh_map(&H, 0, VA_FW, pa, PTE_OK);
	CU_ASSERT(mh_mmu_tlbi_asid(&H, 0) == 0);
	CU_ASSERT_EQUAL(mmu_rd32(SID_LRT, 0, VA_FW + 0x44, &ret), 0x1E000044);
	CU_ASSERT_EQUAL(ret, NPUM_MMU_OK);
	CU_ASSERT_EQUAL(gerror_active(), 0);
}

static void hostile_run(uint64_t seed, bool tame, unsigned steps)
{
	mh_init(&H, tame ? 4 * MH_RAM_DEFAULT : MH_RAM_DEFAULT);
	CU_ASSERT_FATAL(mh_power_up(&H) == 0);
	mh_mmu_setup(&H);
	CU_ASSERT_FATAL(mh_mmu_enable(&H) == 0);
	/* Give the walks something to chew on: SSIDs 0-7 map the same pages */
	for (uint32_t ssid = 1; ssid < 8; ssid++)
		CU_ASSERT_FATAL(mh_mmu_ctx_create(&H, ssid) == 0);
	for (int i = 0; i < 64; i++) {
		uint64_t pa = pattern_page((uint32_t)i << 24);

		for (uint32_t ssid = 0; ssid < 8; ssid++)
			mh_map(&H, ssid, HOSTILE_VA + i * PAGE, pa, PTE_OK);
	}
	rng_state = seed;
	H.strict_dma = tame; /* the harness aborts on any DMA outside RAM */
	for (unsigned i = 0; i < steps; i++)
		hostile_step(tame);
	if (getenv("MH_STATS"))
		fprintf(stderr, "\n  seed %llx tame %d: walks %llu hits %llu faults %llu events %llu "
			"cmds %llu dma %llu (failed %llu) guest errors %u",
			(unsigned long long)seed, tame, (unsigned long long)H.npu->stats.mmu_walks,
			(unsigned long long)H.npu->stats.mmu_tlb_hits,
			(unsigned long long)H.npu->stats.mmu_faults,
			(unsigned long long)H.npu->stats.mmu_events,
			(unsigned long long)H.traces[NPUM_TRACE_MMU_CMD],
			(unsigned long long)H.dma_count, (unsigned long long)H.dma_failures,
			H.guest_errors);
	if (getenv("MH_STATS"))
		for (int e = 0; e < 256; e++)
			if (H.faults_by_event[e])
				fprintf(stderr, " [%02x]=%llu", e, (unsigned long long)H.faults_by_event[e]);
	CU_ASSERT(H.guest_errors > 0);
	hostile_recover_and_check();
	finish();
}

static void test_hostile_random(void)
{
	static const uint64_t seeds[] = { 0x1234567887654321ull, 0xC0FFEE, 0xDEADBEEF5EED };

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		hostile_run(seeds[i], true, 10000);
		hostile_run(seeds[i] ^ 0xFFFF, false, 5000);
	}
}

/* ---- Runner ------------------------------------------------------------------------ */

int main(void)
{
	static const struct { const char *name; CU_TestFunc fn; } tests[] = {
		{ "reset values and IDRs", test_reset_values },
		{ "ivpu enable sequence reaches CR0=0x1D", test_enable_sequence },
		{ "base registers locked while enabled", test_write_protection },
		{ "commands advance CONS; SYNC irq", test_commands },
		{ "illegal command: ERR, GERROR, ICB, resume after ack", test_illegal_command },
		{ "reserved command fields are illegal", test_reserved_fields_illegal },
		{ "command fetch abort: CERROR_ABT", test_cmdq_fetch_abort },
		{ "CMDQEN 0->1 runs pending commands", test_cmdq_enable_runs_pending },
		{ "garbage CMDQ_PROD stays bounded", test_cmdq_prod_garbage },
		{ "translate mapped pages", test_translate },
		{ "same VA in two SSIDs", test_translate_per_ssid },
		{ "TLB capacity and replacement", test_tlb_capacity },
		{ "page-crossing accesses", test_translate_page_crossing },
		{ "block mappings and TLBI of a block", test_block_mappings },
		{ "RO write: F_PERMISSION record", test_permission_ro_write },
		{ "unprivileged access to non-USER page", test_permission_unprivileged },
		{ "AF=0: F_ACCESS", test_access_flag },
		{ "unmapped VA, SSID 0: abort + event", test_unmapped_global_aborts },
		{ "unmapped VA, user SSID: RAZ/WI + event", test_unmapped_user_raz_wi },
		{ "CD.R=0: no event", test_record_disabled },
		{ "TLB stale until TLBI", test_tlb_stale_until_tlbi },
		{ "TLBI_NH_VA, global entries, TLBI_NH_VAA", test_tlbi_va_and_global },
		{ "STE cache stale until CFGI", test_ste_cache_stale_until_cfgi },
		{ "CD cache stale until CFGI", test_cd_cache_stale_until_cfgi },
		{ "TBU SSID-valid bits", test_tbu_ssidv },
		{ "configuration errors", test_config_errors },
		{ "walk errors", test_walk_errors },
		{ "event queue overflow", test_evtq_overflow },
		{ "event queue page-1 alias", test_evtq_page1_alias },
		{ "SMMUEN=0 aborts", test_smmu_disabled_aborts },
		{ "bus mastering off", test_bus_master_off },
		{ "GERRORN acknowledges only active errors", test_gerrorn_ack_rules },
		{ "INSTCFG/PRIVCFG overrides", test_instcfg_privcfg },
		{ "APTable/HAD0, TBI0, EPD0, two-level CD", test_cd_fields_and_hierarchy },
		{ "IP reset clears the MMU", test_ip_reset },
		{ "traces and statistics", test_traces },
		{ "hostile guest (randomized)", test_hostile_random },
	};
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("mmu", NULL, NULL);
	if (!suite)
		return 2;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
