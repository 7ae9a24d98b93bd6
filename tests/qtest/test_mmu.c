/* SPDX-License-Identifier: MIT */
/*
 * qtest: the NPU MMU (issue 3).
 *
 * The enable sequence is ivpu_mmu_reset as Linux 6.12 runs it (hw-facts §6;
 * npu_mmu_enable in npu_test.c). Translation is then checked through the
 * one NPU bus master the model has today, the control core: a small RV32
 * program (npu_test.c nt_load_service) runs from guest RAM mapped in the
 * global context (SSID 0, StreamID 0 = TBU0, include/intel-npu/lrt.h) and
 * answers "load the word at VA x" requests that the host sends through the
 * host->firmware IPC FIFO, pushing the result into the firmware->host FIFO
 * (HOST_SS_TIM_IPC_FIFO_ATM). What it sends back shows what the MMU
 * translated: fresh mappings, a stale TLB entry that survives a page-table
 * change until TLBI_NH_ASID + CMD_SYNC, and a recorded fault (SMMUv3 event
 * record in the EVTQ, EVTQ_PROD at the page-1 alias 0x2100A8, ICB
 * MMU_IRQ_0, and the core in error mode as the DSU registers show).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel-npu/bits.h"
#include "intel-npu/lrt.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "npu_test.h"

#define V 0
#define B 4

/* NPU virtual addresses of the test program and its data: the firmware's
 * usual entry (hw-facts §4.3) and a page well above it. */
#define CODE_VA   0x84803000u
#define DATA_VA   0x84900000u
#define UNMAPPED  0x84901000u  /* same leaf table as DATA_VA, PTE left 0 */
#define LOAD_TIMEOUT_US 2000

static uint32_t rv(struct qt_npu *n, uint32_t off) { return qt_npu_rd32(n, V, off); }

struct env {
	struct qt_npu n;
	struct npu_mmu_env m;
	uint64_t code_pa, page_a, page_b;
	uint32_t load_off;
};

static uint64_t page_with(struct qt *q, uint32_t first_word, uint32_t second_word)
{
	uint64_t pa = qt_guest_alloc(q, 4096, 4096);

	NT_CHECK_FATAL(pa != 0, "guest RAM exhausted");
	qt_memset(q, pa, 0, 4096);
	qt_writel(q, pa, first_word);
	qt_writel(q, pa + 4, second_word);
	return pa;
}

/* Power up, MMU on, code page and DATA_VA -> page A mapped, core started
 * with the load service. */
static void setup_env(struct env *e, bool trap_handler)
{
	static uint32_t code[1024];
	struct qt *q = nt_start_npu(&e->n, 0, NULL, NULL);

	NT_CHECK_FATAL(npu_power_up(&e->n), "power-up failed");
	npu_mmu_build(&e->n, &e->m);
	NT_CHECK_FATAL(npu_mmu_enable(&e->n, &e->m), "MMU enable sequence failed");

	e->load_off = nt_load_service(code, CODE_VA, trap_handler);
	e->code_pa = qt_guest_alloc(q, 4096, 4096);
	qt_memwrite(q, e->code_pa, code, sizeof(code));
	e->page_a = page_with(q, 0x11223344, 0x55667788);
	e->page_b = page_with(q, 0xA5A5F00D, 0x0BADCAFE);
	npu_pt_map(&e->n, &e->m, CODE_VA, e->code_pa, NPU_MMU_ENTRY_PAGE_IVPU);
	npu_pt_map(&e->n, &e->m, DATA_VA, e->page_a, NPU_MMU_ENTRY_PAGE_IVPU);
	nt_core_start(&e->n, CODE_VA);
}

static uint32_t load(struct env *e, uint32_t va, const char *what)
{
	bool ok = false;
	uint32_t v = nt_core_load(&e->n, va, LOAD_TIMEOUT_US, &ok);

	NT_CHECK(ok, "%s: the control core sent no answer for VA 0x%x within %u us (DSU_CTRL 0x%x, "
		 "DSU_PC 0x%x, DSU_TRAP 0x%x)", what, va, LOAD_TIMEOUT_US,
		 rv(&e->n, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL), rv(&e->n, NPU_CPU_SS_DSU_LEON_RT_PC_REG),
		 rv(&e->n, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG));
	return v;
}

/* ---- enable ------------------------------------------------------------------------ */

static void test_enable_sequence(void)
{
	struct qt_npu n;
	struct npu_mmu_env m;
	uint64_t base;

	nt_start_npu(&n, 0, NULL, NULL);
	NT_CHECK_FATAL(npu_power_up(&n), "power-up failed");
	NT_EQ("MMU CR0 after power-up", rv(&n, NPU_MMU_CR0), 0);
	npu_mmu_build(&n, &m);
	NT_CHECK(npu_mmu_enable(&n, &m), "ivpu MMU enable sequence");
	NT_EQ("final CR0", rv(&n, NPU_MMU_CR0), 0x1D);
	NT_EQ("final CR0ACK", rv(&n, NPU_MMU_CR0ACK), 0x1D);
	NT_EQ("IRQ_CTRLACK", rv(&n, NPU_MMU_IRQ_CTRLACK),
	      NPU_MMU_IRQ_CTRL_EVTQ_EN | NPU_MMU_IRQ_CTRL_GERROR_EN);
	NT_EQ("CMDQ_PROD after the enable sequence (3 commands)", rv(&n, NPU_MMU_CMDQ_PROD), 3);
	NT_EQ("CMDQ_CONS after the enable sequence", rv(&n, NPU_MMU_CMDQ_CONS), 3);
	/* SMMUv3: the table base is read-only while SMMUEN=1 */
	base = qt_npu_rd64(&n, V, NPU_MMU_STRTAB_BASE);
	qt_npu_wr64(&n, V, NPU_MMU_STRTAB_BASE, 0x12345000);
	NT_EQ("STRTAB_BASE written while SMMUEN=1 (ignored)", qt_npu_rd64(&n, V, NPU_MMU_STRTAB_BASE), base);
	/* a second CFGI_ALL + SYNC round (ivpu_mmu_cd_add does this for every
	 * new context) */
	npu_mmu_cmd(&n, &m, NPU_MMU_CMD_CFGI_ALL, NPU_FLD_PREP(NPU_MMU_CMD_CFGI_1_RANGE, 0x1F));
	NT_CHECK(npu_mmu_sync(&n, &m), "CFGI_ALL + SYNC after enable");
	NT_EQ("CMDQ_CONS after 5 commands", rv(&n, NPU_MMU_CMDQ_CONS), 5);
	/* IP reset returns the MMU to its reset state */
	qt_npu_wr32(&n, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	qt_clock_step(n.q, NT_POLL_STEP_US * 1000);
	NT_EQ("CR0 after IP reset", rv(&n, NPU_MMU_CR0), 0);
	NT_EQ("CMDQ_BASE after IP reset", qt_npu_rd64(&n, V, NPU_MMU_CMDQ_BASE), 0);
}

/* ---- translation -------------------------------------------------------------------- */

static void test_translation(void)
{
	struct env e;
	uint64_t page_c;

	setup_env(&e, false);
	NT_EQ("word at DATA_VA through the MMU", load(&e, DATA_VA, "first load"), 0x11223344);
	NT_EQ("word at DATA_VA + 4", load(&e, DATA_VA + 4, "second load"), 0x55667788);
	/* DATA_VA (2.1 GiB) is not guest RAM (512 MiB): only translation can
	 * have produced those values. A second mapping elsewhere: */
	page_c = page_with(e.n.q, 0xC0FFEE00, 0);
	npu_pt_map(&e.n, &e.m, 0xC0000000u, page_c, NPU_MMU_ENTRY_PAGE_IVPU);
	NT_EQ("word at VA 0xC0000000 (new L1/L2/L3 tables)", load(&e, 0xC0000000u, "third load"),
	      0xC0FFEE00);
	/* the core is alive and waiting for the next request */
	NT_EQ("DSU_CTRL state (WFI)", rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_STATE,
	      NPU_DSU_STATE_WFI);
	NT_EQ("DSU_TRAP (no trap taken)", rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG), 0);
	NT_EQ("EVTQ_PROD (no event)", rv(&e.n, NPU_MMU_EVTQ_PROD_PAGE1), 0);
	NT_EQ("VPU_STATUS (READY and IDLE while the core sleeps in WFI)",
	      qt_npu_rd32(&e.n, B, NPU_BTRS_VPU_STATUS), NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
}

/* ---- TLB ----------------------------------------------------------------------------- */

static uint64_t tlbi_nh_asid(uint16_t asid)
{
	return NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_TLBI_NH_ASID) |
	       NPU_FLD_PREP(NPU_MMU_CMD_TLBI_0_ASID, asid);
}

static void test_stale_tlb(void)
{
	struct env e;
	uint64_t pte;

	setup_env(&e, false);
	NT_EQ("DATA_VA -> page A", load(&e, DATA_VA, "load before remap"), 0x11223344);

	/* Remap DATA_VA to page B in memory only: the TLB still holds A. */
	pte = npu_pt_leaf(&e.n, &e.m, DATA_VA);
	NT_CHECK_FATAL(pte != 0, "no leaf table for DATA_VA");
	qt_writeq(e.n.q, pte, e.page_b | NPU_MMU_ENTRY_PAGE_IVPU);
	NT_EQ("DATA_VA after the PTE change, before TLBI (stale TLB entry)",
	      load(&e, DATA_VA, "stale load"), 0x11223344);

	/* An invalidation of another ASID leaves it (the PTE is nG; the
	 * global context's ASID is its SSID, 0). */
	npu_mmu_cmd(&e.n, &e.m, tlbi_nh_asid(5), 0);
	NT_CHECK(npu_mmu_sync(&e.n, &e.m), "TLBI_NH_ASID(5) + SYNC");
	NT_EQ("DATA_VA after TLBI_NH_ASID of another ASID", load(&e, DATA_VA, "load after TLBI(5)"),
	      0x11223344);

	/* ivpu_mmu_invalidate_tlb: TLBI_NH_ASID(ssid) + CMD_SYNC */
	npu_mmu_cmd(&e.n, &e.m, tlbi_nh_asid(0), 0);
	NT_CHECK(npu_mmu_sync(&e.n, &e.m), "TLBI_NH_ASID(0) + SYNC");
	NT_EQ("DATA_VA after TLBI_NH_ASID(0) + SYNC", load(&e, DATA_VA, "load after TLBI(0)"),
	      0xA5A5F00D);
	NT_EQ("DATA_VA + 4 after TLBI", load(&e, DATA_VA + 4, "second load after TLBI"), 0x0BADCAFE);
	NT_EQ("EVTQ_PROD (no event)", rv(&e.n, NPU_MMU_EVTQ_PROD_PAGE1), 0);
}

/* ---- faults ------------------------------------------------------------------------- */

/* The SMMUv3 F_TRANSLATION record the model must have written for an
 * unprivileged data read of `va` by StreamID 0 carrying SSID 0 (TBU0's
 * SSID-valid bits are set by the boot sequence). */
static void check_event(struct env *e, unsigned idx, uint32_t va)
{
	uint8_t rec[NPU_MMU_EVT_SIZE];
	uint64_t leaf = npu_pt_leaf(&e->n, &e->m, va);
	uint32_t w3;

	qt_memread(e->n.q, e->m.evtq + idx * NPU_MMU_EVT_SIZE, rec, sizeof(rec));
	NT_EQ("event id (F_TRANSLATION)", NPU_FLD_GET(NPU_MMU_EVT_0_ID, npu_le32_get(rec)),
	      NPU_MMU_EVT_F_TRANSLATION);
	NT_EQ("event SSV", npu_le32_get(rec) & NPU_MMU_EVT_0_SSV, NPU_MMU_EVT_0_SSV);
	NT_EQ("event SSID", NPU_FLD_GET(NPU_MMU_EVT_0_SSID, npu_le32_get(rec)), 0);
	NT_EQ("event StreamID (the control core, TBU0)", npu_le32_get(rec + 4), NPU_MMU_SID_LRT);
	w3 = npu_le32_get(rec + 12);
	NT_EQ("event RnW (a read)", w3 & NPU_MMU_EVT_3_RNW, NPU_MMU_EVT_3_RNW);
	NT_EQ("event PnU (STE PRIVCFG=unprivileged)", w3 & NPU_MMU_EVT_3_PNU, 0);
	NT_EQ("event InD (STE INSTCFG=data)", w3 & NPU_MMU_EVT_3_IND, 0);
	NT_EQ("event class (input address)", NPU_FLD_GET(NPU_MMU_EVT_3_CLASS, w3), NPU_MMU_EVT_CLASS_IN);
	NT_EQ("event input address", (uint64_t)npu_le32_get(rec + 20) << 32 | npu_le32_get(rec + 16), va);
	NT_EQ("event fetch address (the invalid leaf descriptor)",
	      (uint64_t)npu_le32_get(rec + 28) << 32 | npu_le32_get(rec + 24), leaf);
}

static void test_fault_record(void)
{
	struct env e;
	bool ok = true;
	uint32_t trap;

	setup_env(&e, false);
	/* interrupts on as after boot, to see the event interrupt as an MSI */
	qt_npu_wr64(&e.n, V, NPU_HOST_SS_ICB_ENABLE_0,
		    (uint64_t)NPU_ICB_1_IVPU_MASK << 32 | NPU_ICB_0_IVPU_MASK);
	qt_npu_wr32(&e.n, B, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	qt_npu_wr32(&e.n, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_EQ("a mapped load first", load(&e, DATA_VA, "load"), 0x11223344);
	/* the answer in the firmware->host FIFO raised ICB HOST_IPC_FIFO_INT,
	 * a level that drops once the host drained the FIFO (§5.1) */
	NT_CHECK(qt_npu_msi_fired(&e.n), "no MSI for the answer in the firmware->host IPC FIFO");
	NT_EQ("ICB_STATUS_0 after draining the FIFO", rv(&e.n, NPU_HOST_SS_ICB_STATUS_0), 0);

	/* the unmapped load: CD 0 has A=1 (ivpu: global context faults
	 * abort) and R=1, so the fault is recorded and the load aborts; with
	 * mtvec = 0 the core enters error mode (rv_core.h) */
	nt_core_load(&e.n, UNMAPPED, LOAD_TIMEOUT_US, &ok);
	NT_CHECK(!ok, "the control core answered a load from an unmapped VA");
	NT_EQ("EVTQ_PROD (page-1 alias 0x2100A8)", rv(&e.n, NPU_MMU_EVTQ_PROD_PAGE1), 1);
	NT_EQ("EVTQ_PROD (page-0 offset)", rv(&e.n, NPU_MMU_EVTQ_PROD), 1);
	check_event(&e, 0, UNMAPPED);
	NT_EQ("ICB_STATUS_0.MMU_IRQ_0 (event queue)", rv(&e.n, NPU_HOST_SS_ICB_STATUS_0) &
	      NPU_ICB_0_MMU_IRQ_0_EVTQ, NPU_ICB_0_MMU_IRQ_0_EVTQ);
	NT_CHECK(qt_npu_msi_fired(&e.n), "no MSI for the event-queue interrupt");
	NT_EQ("GERROR ^ GERRORN (a fault is no global error)",
	      rv(&e.n, NPU_MMU_GERROR) ^ rv(&e.n, NPU_MMU_GERRORN), 0);

	/* the core: error mode, stopped at the load, load access fault */
	NT_EQ("DSU_CTRL state (error mode)", rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_STATE,
	      NPU_DSU_STATE_ERROR);
	NT_EQ("DSU_PC (the faulting load)", rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_PC_REG), CODE_VA + e.load_off);
	trap = rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG);
	NT_EQ("DSU_TRAP.VALID", trap & NPU_DSU_TRAP_VALID, NPU_DSU_TRAP_VALID);
	NT_EQ("DSU_TRAP.CAUSE (load access fault, mcause 5)", NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, trap), 5);
	NT_EQ("DSU_TRAP.INTERRUPT", trap & NPU_DSU_TRAP_INTERRUPT, 0);
	NT_EQ("DSU_TRAP.ERROR_MODE", trap & NPU_DSU_TRAP_ERROR_MODE, NPU_DSU_TRAP_ERROR_MODE);
	/* a dead core is idle as far as the buttress is concerned */
	NT_EQ("VPU_STATUS.IDLE with the core in error mode",
	      qt_npu_rd32(&e.n, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE, NPU_BTRS_VPU_STATUS_IDLE);
	/* and it stays dead: no answer to a valid request either */
	nt_core_load(&e.n, DATA_VA, LOAD_TIMEOUT_US, &ok);
	NT_CHECK(!ok, "a core in error mode answered");
}

/* CD.A = 0 (ivpu's user contexts): a fault is recorded and the access
 * completes as read-as-zero; the core carries on. */
static void test_fault_without_abort(void)
{
	struct env e;
	uint8_t cd0[8];
	uint64_t d0;

	setup_env(&e, false);
	NT_EQ("mapped load", load(&e, DATA_VA, "load"), 0x11223344);
	qt_memread(e.n.q, e.m.cdtab, cd0, sizeof(cd0));
	memcpy(&d0, cd0, sizeof(d0)); /* little-endian host and guest */
	d0 &= ~NPU_MMU_CD_0_A;
	qt_writeq(e.n.q, e.m.cdtab, d0);
	/* the CD is cached: invalidate it (CFGI_CD for SID 0, SSID 0) */
	npu_mmu_cmd(&e.n, &e.m, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_CFGI_CD) |
		    NPU_FLD_PREP(NPU_MMU_CMD_CFGI_0_SID, NPU_MMU_SID_LRT), NPU_MMU_CMD_CFGI_1_LEAF);
	NT_CHECK(npu_mmu_sync(&e.n, &e.m), "CFGI_CD + SYNC");
	NT_EQ("load from an unmapped VA with CD.A=0 (read as zero)",
	      load(&e, UNMAPPED, "unmapped load"), 0);
	NT_EQ("EVTQ_PROD after the RAZ fault", rv(&e.n, NPU_MMU_EVTQ_PROD_PAGE1), 1);
	check_event(&e, 0, UNMAPPED);
	NT_EQ("mapped load after the fault (core still running)", load(&e, DATA_VA + 4, "load"),
	      0x55667788);
	NT_EQ("DSU_TRAP (no trap taken)", rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG), 0);
}

/* With a trap handler the program survives an aborting fault and reports
 * a marker instead: the abort reaches the core as a load access fault. */
static void test_fault_trap_handler(void)
{
	struct env e;

	setup_env(&e, true);
	NT_EQ("mapped load", load(&e, DATA_VA, "load"), 0x11223344);
	NT_EQ("unmapped load (the handler skipped it)", load(&e, UNMAPPED, "unmapped load"),
	      NT_FAULT_MARK);
	NT_EQ("DSU_TRAP.CAUSE", NPU_FLD_GET(NPU_DSU_TRAP_CAUSE,
	      rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG)), 5);
	NT_EQ("DSU_CTRL state (back in WFI)", rv(&e.n, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) &
	      NPU_DSU_CTRL_STATE, NPU_DSU_STATE_WFI);
	NT_EQ("mapped load after the fault", load(&e, DATA_VA + 4, "load"), 0x55667788);
	NT_EQ("EVTQ_PROD", rv(&e.n, NPU_MMU_EVTQ_PROD_PAGE1), 1);
}

static const struct nt_case cases[] = {
	{ "enable_sequence", test_enable_sequence },
	{ "translation", test_translation },
	{ "stale_tlb", test_stale_tlb },
	{ "fault_record", test_fault_record },
	{ "fault_without_abort", test_fault_without_abort },
	{ "fault_trap_handler", test_fault_trap_handler },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return nt_main("mmu", cases, argc, argv);
}
