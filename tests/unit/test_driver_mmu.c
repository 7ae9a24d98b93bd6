/* SPDX-License-Identifier: MIT */
/*
 * Driver core, SMMU programming (mmu.c) against the fake NPU: the enable
 * sequence of ivpu_mmu_reset + ivpu_mmu_enable ending in CR0 = 0x1D, the
 * commands, STE and CD contents (hw-facts §6, values of ivpu_mmu.c), every
 * timeout and the command-queue error decoding, TLB invalidation, the event
 * queue reader at the page-1 alias, global errors.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

#define B0 NPU_BAR_REGV
#define B4 NPU_BAR_REGB

/* Expected values computed from ivpu_mmu.c's field definitions */
#define STE0_FLAGS    0x400000000000000Bull  /* V | CONFIG=S1_TRANS | S1CDMAX=8 */
#define STE1          0x000A000008084000ull  /* PRIVCFG unpriv, INSTCFG data, CONT 2, MEV, S1STALLD */
#define CD0_USER(ssid) (0x0000A205C0000010ull | ((uint64_t)(ssid) << 48))
#define CD0_GLOBAL    0x0000E205C0000010ull  /* + A: faults abort */

static struct fake_npu *f;
static struct npu_device *dev;

static void powered(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_hw_info(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_power_up(dev), 0);
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	fake_npu_free(f);
	f = NULL;
}

static uint64_t rd64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void test_enable_sequence(void)
{
	struct { uint32_t off; uint64_t val; bool is64; } want[] = {
		{ NPU_MMU_CR0, 0, false },
		{ NPU_MMU_CR1, 0xD75, false },
		{ NPU_MMU_STRTAB_BASE, 0, true },          /* checked below */
		{ NPU_MMU_STRTAB_BASE_CFG, 2, false },
		{ NPU_MMU_CMDQ_BASE, 0, true },
		{ NPU_MMU_CMDQ_PROD, 0, false },
		{ NPU_MMU_CMDQ_CONS, 0, false },
		{ NPU_MMU_CR0, 0x8, false },
		{ NPU_MMU_CMDQ_PROD, 3, false },           /* CFGI_ALL, TLBI_NSNH_ALL, SYNC */
		{ NPU_MMU_EVTQ_BASE, 0, true },
		{ NPU_MMU_EVTQ_PROD_PAGE1, 0, false },
		{ NPU_MMU_EVTQ_CONS_PAGE1, 0, false },
		{ NPU_MMU_CR0, 0xC, false },
		{ NPU_MMU_CR0, 0x1C, false },
		{ NPU_MMU_IRQ_CTRL, 0, false },
		{ NPU_MMU_IRQ_CTRL, 0x5, false },
		{ NPU_MMU_CR0, 0x1D, false },
		{ NPU_MMU_CMDQ_PROD, 6, false },           /* ivpu_mmu_enable: again */
		{ NPU_MMU_CMDQ_PROD, 8, false },           /* reserved context CD: CFGI_ALL, SYNC */
	};
	size_t k = 0;
	long from;

	powered();
	from = (long)f->n_log;
	CU_ASSERT_EQUAL_FATAL(npu_step_mmu_init(dev), 0);
	for (uint64_t i = (uint64_t)from; i < f->n_log && k < NPU_ARRAY_SIZE(want); i++) {
		const struct fake_access *a = &f->log[i];

		if (a->op != FAKE_WR32 && a->op != FAKE_WR64)
			continue;
		if (a->off < NPU_MMU_BASE || a->off >= NPU_MMU_BASE + NPU_MMU_SIZE)
			continue;
		if (a->off != want[k].off || (a->op == FAKE_WR64) != want[k].is64 ||
		    (!want[k].is64 && a->val != want[k].val)) {
			fprintf(stderr, "\n    MMU write %zu: 0x%x = 0x%llx (%s), expected 0x%x = 0x%llx\n",
				k, a->off, (unsigned long long)a->val, a->op == FAKE_WR64 ? "64" : "32",
				want[k].off, (unsigned long long)want[k].val);
			CU_FAIL("MMU enable sequence differs from ivpu");
			break;
		}
		k++;
	}
	CU_ASSERT_EQUAL(k, NPU_ARRAY_SIZE(want));
	CU_ASSERT_EQUAL(fake_reg(f, B0, NPU_MMU_CR0), NPU_MMU_CR0_IVPU_FINAL);
	/* base registers: RA/RWA, address, log2 size 4 */
	CU_ASSERT_EQUAL(fake_written(f, B0, NPU_MMU_STRTAB_BASE, 0),
			(int64_t)(NPU_BIT64(62) | dev->mmu.strtab.dma));
	CU_ASSERT_EQUAL(fake_written(f, B0, NPU_MMU_CMDQ_BASE, 0),
			(int64_t)(NPU_BIT64(62) | dev->mmu.cmdq.mem.dma | 4));
	CU_ASSERT_EQUAL(fake_written(f, B0, NPU_MMU_EVTQ_BASE, 0),
			(int64_t)(NPU_BIT64(62) | dev->mmu.evtq.mem.dma | 4));
	/* each CR0 write is followed by a CR0ACK poll */
	CU_ASSERT_TRUE(fake_find(f, fake_find(f, from, FAKE_WR32, B0, NPU_MMU_CR0), FAKE_RD32, B0,
				 NPU_MMU_CR0ACK) >= 0);
	/* the commands */
	CU_ASSERT_EQUAL_FATAL(f->n_mmu_cmds, 8);
	CU_ASSERT_EQUAL(f->mmu_cmds[0].d0, NPU_MMU_CMD_CFGI_ALL);
	CU_ASSERT_EQUAL(f->mmu_cmds[0].d1, 0x1F);
	CU_ASSERT_EQUAL(f->mmu_cmds[1].d0, NPU_MMU_CMD_TLBI_NSNH_ALL);
	CU_ASSERT_EQUAL(f->mmu_cmds[2].d0, NPU_MMU_CMD_SYNC);
	CU_ASSERT_EQUAL(f->mmu_cmds[3].d0, NPU_MMU_CMD_CFGI_ALL);
	CU_ASSERT_EQUAL(f->mmu_cmds[5].d0, NPU_MMU_CMD_SYNC);
	CU_ASSERT_EQUAL(f->mmu_cmds[6].d0, NPU_MMU_CMD_CFGI_ALL);
	CU_ASSERT_EQUAL(f->mmu_cmds[7].d0, NPU_MMU_CMD_SYNC);
	done();
}

static void test_ste_and_cd_contents(void)
{
	const uint8_t *st, *cd;
	uint32_t ssid;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	st = dev->mmu.strtab.cpu;
	cd = dev->mmu.cdtab.cpu;
	for (unsigned sid = 0; sid < 4; sid++) {
		bool used = sid == NPU_MMU_SID_LRT || sid == NPU_MMU_SID_DMA;

		CU_ASSERT_EQUAL(rd64(st + sid * 64), used ? STE0_FLAGS | dev->mmu.cdtab.dma : 0);
		CU_ASSERT_EQUAL(rd64(st + sid * 64 + 8), used ? STE1 : 0);
	}
	CU_ASSERT_EQUAL(rd64(cd), CD0_GLOBAL);
	CU_ASSERT_EQUAL(rd64(cd + 8), dev->gctx.pgd->mem.dma);
	CU_ASSERT_EQUAL(rd64(cd + 16), 0);
	CU_ASSERT_EQUAL(rd64(cd + 24), 0x7444);
	CU_ASSERT_EQUAL(rd64(cd + 64), CD0_USER(1));     /* reserved context */
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL(rd64(cd + 64 * ssid), CD0_USER(ssid));
	CU_ASSERT_EQUAL(rd64(cd + 64 * ssid + 8), npu_ctx_by_ssid(dev, ssid)->pgd->mem.dma);
	/* a CD change is followed by CFGI_ALL + SYNC */
	CU_ASSERT_EQUAL(f->mmu_cmds[f->n_mmu_cmds - 2].d0, NPU_MMU_CMD_CFGI_ALL);
	CU_ASSERT_EQUAL(f->mmu_cmds[f->n_mmu_cmds - 1].d0, NPU_MMU_CMD_SYNC);
	CU_ASSERT_EQUAL(npu_context_destroy(dev, ssid), 0);
	CU_ASSERT_EQUAL(rd64(cd + 64 * ssid), 0);      /* cleared */
	CU_ASSERT_EQUAL(rd64(cd + 64 * ssid + 8), 0);
	done();
}

static void test_cr0_ack_timeout(void)
{
	powered();
	fake_force_read(f, B0, NPU_MMU_CR0ACK, 0);
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), -ETIMEDOUT);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "MMU: CR0 = 0x8 not acknowledged within 10 ms: "
			       "MMU_CR0ACK=0x00000000 [SMMUEN=0 PRIQEN=0 EVTQEN=0 CMDQEN=0 ATSCHK=0]");
	CU_ASSERT_FALSE(dev->mmu.on);
	done();
}

static void test_irq_ctrl_ack_timeout(void)
{
	powered();
	fake_force_read(f, B0, NPU_MMU_IRQ_CTRLACK, 0);
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "IRQ_CTRL = 0x5 not acknowledged within 10 ms: "
			      "MMU_IRQ_CTRLACK=0x00000000") != NULL);
	done();
}

static void test_cmdq_stall(void)
{
	powered();
	f->mmu_cmdq_stall = true;
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "MMU: command queue not consumed within 100 ms: "
			      "MMU_CMDQ_PROD=0x3 MMU_CMDQ_CONS=0x00000000 [PTR=0 ERR=0], error 0 (CERROR_NONE)") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "buttress") != NULL);  /* hw diagnosis */
	done();
}

static void test_cmdq_error_decoded(void)
{
	powered();
	f->mmu_cmdq_error = NPU_MMU_CERROR_ILL;
	fake_set_reg(f, B0, NPU_MMU_GERROR, NPU_MMU_GERROR_CMDQ_ERR);
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "ERR=1], error 1 (CERROR_ILL)") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "MMU_GERROR=0x00000001 [CMDQ_ERR=1") != NULL);
	done();

	powered();
	f->mmu_cmdq_error = NPU_MMU_CERROR_ABT;
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "error 2 (CERROR_ABT)") != NULL);
	done();
}

static void test_tlb_invalidation_on_map_and_unmap(void)
{
	struct npu_buffer *buf;
	unsigned before;
	uint32_t ssid;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	before = f->n_mmu_cmds;
	CU_ASSERT_EQUAL_FATAL(npu_buffer_alloc(dev, ssid, 8192, 0, &buf), 0);
	CU_ASSERT_EQUAL(f->n_mmu_cmds, before + 2);
	CU_ASSERT_EQUAL(f->mmu_cmds[before].d0, NPU_MMU_CMD_TLBI_NH_ASID | ((uint64_t)ssid << 48));
	CU_ASSERT_EQUAL(f->mmu_cmds[before + 1].d0, NPU_MMU_CMD_SYNC);
	npu_buffer_free(dev, buf);
	CU_ASSERT_EQUAL(f->n_mmu_cmds, before + 4);
	CU_ASSERT_EQUAL(f->mmu_cmds[before + 2].d0, NPU_MMU_CMD_TLBI_NH_ASID | ((uint64_t)ssid << 48));
	CU_ASSERT_EQUAL(f->mmu_cmds[before + 3].d0, NPU_MMU_CMD_SYNC);
	done();
}

static void test_event_queue_reader(void)
{
	struct npu_mmu_event ev[16];
	uint32_t rec[8] = { 0 };
	uint32_t ssid;
	int n;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL(npu_mmu_events(dev, ev, 16), 0);
	rec[0] = NPU_MMU_EVT_F_TRANSLATION | NPU_MMU_EVT_0_SSV |
		 (uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_0_SSID, ssid);
	rec[1] = NPU_MMU_SID_DMA;
	rec[3] = NPU_MMU_EVT_3_RNW;
	rec[4] = 0xC0012345;
	rec[5] = 0x1;
	rec[6] = 0xABCD000;
	rec[7] = 0x2;
	fake_mmu_event(f, rec);
	rec[0] = NPU_MMU_EVT_F_PERMISSION | NPU_MMU_EVT_0_SSV |
		 (uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_0_SSID, ssid);
	rec[3] = 0;
	fake_mmu_event(f, rec);
	n = npu_mmu_events(dev, ev, 16);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(ev[0].id, 0x10);
	CU_ASSERT_STRING_EQUAL(ev[0].name, "F_TRANSLATION");
	CU_ASSERT_EQUAL(ev[0].ssid, ssid);
	CU_ASSERT_TRUE(ev[0].ssv);
	CU_ASSERT_EQUAL(ev[0].sid, 3);
	CU_ASSERT_EQUAL(ev[0].input_addr, 0x1C0012345ull);
	CU_ASSERT_EQUAL(ev[0].fetch_addr, 0x20ABCD000ull);
	CU_ASSERT_EQUAL(ev[1].id, 0x13);
	CU_ASSERT_STRING_EQUAL(ev[1].name, "F_PERMISSION");
	/* consumed through the page-1 alias */
	CU_ASSERT_EQUAL(fake_reg(f, B0, NPU_MMU_EVTQ_CONS_PAGE1), 2);
	CU_ASSERT_EQUAL(fake_count(f, FAKE_RD32, B0, NPU_MMU_EVTQ_PROD), 0);
	CU_ASSERT_TRUE(fake_log_has("MMU event F_TRANSLATION (0x10) from StreamID 3, SSID 2: read of "
				    "0x1c0012345, table fetch at 0x20abcd000"));
	CU_ASSERT_TRUE(fake_log_has("MMU event F_PERMISSION (0x13) from StreamID 3, SSID 2: write of"));
	CU_ASSERT_TRUE(npu_ctx_by_ssid(dev, ssid)->faulted);
	/* history keeps the most recent ones */
	CU_ASSERT_EQUAL(npu_mmu_events(dev, ev, 1), 1);
	CU_ASSERT_EQUAL(ev[0].id, 0x13);
	done();
}

/* The names come from the one table in regs_mmu.h: every SMMUv3 id the
 * header defines has its architecture mnemonic, anything else is UNKNOWN. */
static void test_event_and_error_mnemonics(void)
{
	static const struct { uint32_t id; const char *name; } evt[] = {
		{ 0x01, "F_UUT" }, { 0x02, "C_BAD_STREAMID" }, { 0x03, "F_STE_FETCH" },
		{ 0x04, "C_BAD_STE" }, { 0x05, "F_BAD_ATS_TREQ" }, { 0x06, "F_STREAM_DISABLED" },
		{ 0x07, "F_TRANSL_FORBIDDEN" }, { 0x08, "C_BAD_SUBSTREAMID" },
		{ 0x09, "F_CD_FETCH" }, { 0x0A, "C_BAD_CD" }, { 0x0B, "F_WALK_EABT" },
		{ 0x10, "F_TRANSLATION" }, { 0x11, "F_ADDR_SIZE" }, { 0x12, "F_ACCESS" },
		{ 0x13, "F_PERMISSION" }, { 0x20, "F_TLB_CONFLICT" }, { 0x21, "F_CFG_CONFLICT" },
		{ 0x24, "E_PAGE_REQUEST" }, { 0x25, "F_VMS_FETCH" },
	};
	unsigned named = 0;

	for (size_t i = 0; i < NPU_ARRAY_SIZE(evt); i++)
		CU_ASSERT_STRING_EQUAL(npu_mmu_event_mnemonic(evt[i].id), evt[i].name);
	for (uint32_t id = 0; id < 0x100; id++)
		named += strcmp(npu_mmu_event_mnemonic(id), "UNKNOWN") != 0;
	CU_ASSERT_EQUAL(named, NPU_ARRAY_SIZE(evt));
	CU_ASSERT_STRING_EQUAL(npu_mmu_event_mnemonic(0), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(npu_mmu_event_mnemonic(0x1FFFF), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(npu_mmu_cerror_mnemonic(0), "CERROR_NONE");
	CU_ASSERT_STRING_EQUAL(npu_mmu_cerror_mnemonic(1), "CERROR_ILL");
	CU_ASSERT_STRING_EQUAL(npu_mmu_cerror_mnemonic(2), "CERROR_ABT");
	CU_ASSERT_STRING_EQUAL(npu_mmu_cerror_mnemonic(3), "CERROR_ATC_INV_SYNC");
	CU_ASSERT_STRING_EQUAL(npu_mmu_cerror_mnemonic(4), "UNKNOWN");
}

static void test_event_queue_wrap_and_overflow(void)
{
	struct npu_mmu_event ev[16];
	uint32_t rec[8] = { NPU_MMU_EVT_F_ACCESS | NPU_MMU_EVT_0_SSV | (5u << 12), 0 };
	int total = 0;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	for (int batch = 0; batch < 3; batch++) {
		for (int i = 0; i < 10; i++) {
			rec[4] = (uint32_t)(batch * 100 + i);
			fake_mmu_event(f, rec);
		}
		total += npu_mmu_events(dev, ev, 16) > 0 ? 10 : 0;
	}
	CU_ASSERT_EQUAL(dev->mmu.n_events, 30);
	CU_ASSERT_EQUAL(total, 30);
	CU_ASSERT_EQUAL(dev->mmu.evtq.cons, 30 & 0x1F);    /* wrapped: index + wrap bit */
	CU_ASSERT_EQUAL(npu_mmu_events(dev, ev, 16), 16);
	CU_ASSERT_EQUAL(ev[15].input_addr, 209);
	/* overflow flag: warned and acknowledged (OVACKFLG) */
	fake_mmu_event(f, rec);
	f->evtq_prod |= NPU_MMU_Q_OVFLG;
	npu_mmu_events(dev, ev, 16);
	CU_ASSERT_TRUE(fake_log_has("event queue overflowed"));
	CU_ASSERT_TRUE((fake_reg(f, B0, NPU_MMU_EVTQ_CONS_PAGE1) & NPU_MMU_Q_OVFLG) != 0);
	done();
}

static void test_global_error_irq(void)
{
	uint64_t hb;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	fake_set_reg(f, B0, NPU_MMU_GERROR, NPU_MMU_GERROR_EVTQ_ABT | NPU_MMU_GERROR_CMDQ_ERR);
	fake_icb_irq(f, NPU_ICB_0_MMU_IRQ_2_GERROR);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_TRUE(fake_log_has("MMU global error: MMU_GERROR=0x00000005 [CMDQ_ERR=1 EVTQ_ABT=1"));
	CU_ASSERT_EQUAL(fake_reg(f, B0, NPU_MMU_GERRORN), 0x5);   /* acknowledged */
	CU_ASSERT_EQUAL(dev->mmu.gerrors, 1);
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_mmu", NULL, NULL);
	CU_add_test(s, "enable sequence ends in CR0 = 0x1D", test_enable_sequence);
	CU_add_test(s, "STE and CD contents", test_ste_and_cd_contents);
	CU_add_test(s, "CR0ACK timeout", test_cr0_ack_timeout);
	CU_add_test(s, "IRQ_CTRLACK timeout", test_irq_ctrl_ack_timeout);
	CU_add_test(s, "command queue not consumed", test_cmdq_stall);
	CU_add_test(s, "CMDQ_CONS.ERR decoded", test_cmdq_error_decoded);
	CU_add_test(s, "TLBI_NH_ASID + SYNC on map and unmap", test_tlb_invalidation_on_map_and_unmap);
	CU_add_test(s, "event queue reader", test_event_queue_reader);
	CU_add_test(s, "event and command-error mnemonics", test_event_and_error_mnemonics);
	CU_add_test(s, "event queue wrap and overflow", test_event_queue_wrap_and_overflow);
	CU_add_test(s, "global error interrupt", test_global_error_irq);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
