/* SPDX-License-Identifier: MIT */
/*
 * qtest: a hostile guest (issue 3). Seeded and reproducible: the seed is
 * printed, and NPU_QTEST_SEED=<n> repeats a run exactly (QEMU's virtual
 * clock only moves when the test steps it, so the same seed gives the same
 * accesses at the same virtual times). NPU_QTEST_HOSTILE_OPS sets the
 * number of random accesses (default 10000).
 *
 * random_mmio: every defined register of both BARs, then thousands of
 *   random accesses (defined registers and arbitrary offsets, sizes 1/2/4/8,
 *   misaligned too, random values) interleaved with random clock steps.
 *   Bus mastering stays off in this phase: a random CMDQ/EVTQ/STRTAB base
 *   could otherwise make the device write anywhere in the guest's physical
 *   address space, including q35's MMCONFIG window and thus other devices'
 *   config space, which would test QEMU's chipset rather than this device.
 *   Afterwards QEMU must be alive, the device must power up the ivpu way and
 *   run the ivpu MMU enable sequence, and translate again.
 * garbage_mmu: with bus mastering on, garbage STEs, CDs, page-table
 *   entries at every level and command-queue garbage (random opcodes and
 *   fields, random PROD values). After each trial the good structures are
 *   restored and a translated load must work again.
 * Both run QEMU with -d guest_errors -D <log> and require that the device
 * reported guest errors there.
 */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intel-npu/bits.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "npu_test.h"

#define V 0
#define B 4
#define CODE_VA 0x84803000u
#define DATA_VA 0x84900000u

static uint64_t seed;
static uint64_t rng_state;

/* splitmix64: small, fast, and the same sequence on every host */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void reseed(unsigned salt)
{
	rng_state = seed ^ ((uint64_t)salt * UINT64_C(0x2545F4914F6CDD1D));
}

/* ---- the register map, both BARs (include/intel-npu/regs_*.h) ------------------------------ */

struct reg {
	unsigned bar;
	uint32_t off;
};

static const struct reg defined_regs[] = {
	/* buttress, BAR4 (§2.1) */
	{ B, NPU_BTRS_INTERRUPT_TYPE }, { B, NPU_BTRS_INTERRUPT_STAT }, { B, NPU_BTRS_WP_REQ_PAYLOAD0 },
	{ B, NPU_BTRS_WP_REQ_PAYLOAD1 }, { B, NPU_BTRS_WP_REQ_PAYLOAD2 }, { B, NPU_BTRS_WP_REQ_CMD },
	{ B, NPU_BTRS_WP_DOWNLOAD }, { B, NPU_BTRS_CURRENT_PLL }, { B, NPU_BTRS_PLL_ENABLE },
	{ B, NPU_BTRS_FMIN_FUSE }, { B, NPU_BTRS_FMAX_FUSE }, { B, NPU_BTRS_TILE_FUSE },
	{ B, NPU_BTRS_LOCAL_INT_MASK }, { B, NPU_BTRS_GLOBAL_INT_MASK }, { B, NPU_BTRS_PLL_STATUS },
	{ B, NPU_BTRS_VPU_STATUS }, { B, NPU_BTRS_VPU_IP_RESET }, { B, NPU_BTRS_VPU_D0I3_CONTROL },
	{ B, NPU_BTRS_VPU_TELEMETRY_OFFSET }, { B, NPU_BTRS_VPU_TELEMETRY_SIZE },
	{ B, NPU_BTRS_VPU_TELEMETRY_ENABLE }, { B, NPU_BTRS_ATS_ERR_LOG_0 }, { B, NPU_BTRS_ATS_ERR_LOG_1 },
	{ B, NPU_BTRS_ATS_ERR_CLEAR }, { B, NPU_BTRS_UFI_ERR_LOG }, { B, NPU_BTRS_UFI_ERR_CLEAR },
	/* host subsystem, ICB, IPC, AON, loading address (§2.2) */
	{ V, NPU_HOST_SS_CPR_CLK_SET }, { V, NPU_HOST_SS_CPR_RST_SET }, { V, NPU_HOST_SS_CPR_RST_CLR },
	{ V, NPU_HOST_SS_HW_VERSION }, { V, NPU_HOST_SS_GEN_CTRL }, { V, NPU_HOST_SS_NOC_QREQN },
	{ V, NPU_HOST_SS_NOC_QACCEPTN }, { V, NPU_HOST_SS_NOC_QDENY }, { V, NPU_TOP_NOC_QREQN },
	{ V, NPU_TOP_NOC_QACCEPTN }, { V, NPU_TOP_NOC_QDENY }, { V, NPU_HOST_SS_FW_SOC_IRQ_EN },
	{ V, NPU_HOST_SS_ICB_STATUS_0 }, { V, NPU_HOST_SS_ICB_STATUS_1 }, { V, NPU_HOST_SS_ICB_CLEAR_0 },
	{ V, NPU_HOST_SS_ICB_CLEAR_1 }, { V, NPU_HOST_SS_ICB_ENABLE_0 }, { V, NPU_HOST_SS_ICB_ENABLE_1 },
	{ V, NPU_HOST_SS_TIM_IPC_FIFO_ATM }, { V, NPU_HOST_SS_TIM_IPC_FIFO_STAT },
	{ V, NPU_HOST_SS_AON_PWR_ISO_EN0 }, { V, NPU_HOST_SS_AON_PWR_ISLAND_EN0 },
	{ V, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0 }, { V, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0 },
	{ V, NPU_HOST_SS_AON_VPU_IDLE_GEN }, { V, NPU_HOST_SS_AON_DPU_ACTIVE },
	{ V, NPU_HOST_SS_LOADING_ADDRESS_LO }, { V, NPU_HOST_SS_WORKPOINT_CONFIG_MIRROR },
	/* MMU (§2.3) */
	{ V, NPU_MMU_IDR0 }, { V, NPU_MMU_IDR1 }, { V, NPU_MMU_IDR2 }, { V, NPU_MMU_IDR3 },
	{ V, NPU_MMU_IDR4 }, { V, NPU_MMU_IDR5 }, { V, NPU_MMU_IIDR }, { V, NPU_MMU_AIDR },
	{ V, NPU_MMU_CR0 }, { V, NPU_MMU_CR0ACK }, { V, NPU_MMU_CR1 }, { V, NPU_MMU_CR2 },
	{ V, NPU_MMU_IRQ_CTRL }, { V, NPU_MMU_IRQ_CTRLACK }, { V, NPU_MMU_GERROR }, { V, NPU_MMU_GERRORN },
	{ V, NPU_MMU_STRTAB_BASE }, { V, NPU_MMU_STRTAB_BASE_HI }, { V, NPU_MMU_STRTAB_BASE_CFG },
	{ V, NPU_MMU_CMDQ_BASE }, { V, NPU_MMU_CMDQ_BASE_HI }, { V, NPU_MMU_CMDQ_PROD },
	{ V, NPU_MMU_CMDQ_CONS }, { V, NPU_MMU_EVTQ_BASE }, { V, NPU_MMU_EVTQ_BASE_HI },
	{ V, NPU_MMU_EVTQ_PROD }, { V, NPU_MMU_EVTQ_CONS }, { V, NPU_MMU_EVTQ_PROD_PAGE1 },
	{ V, NPU_MMU_EVTQ_CONS_PAGE1 },
	/* host interface, CPU subsystem (§2.2, §2.4) */
	{ V, NPU_HOST_IF_TCU_PTW_OVERRIDES }, { V, NPU_HOST_IF_TBU_MMUSSIDV },
	{ V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL }, { V, NPU_CPU_SS_DSU_LEON_RT_PC_REG },
	{ V, NPU_CPU_SS_DSU_LEON_RT_NPC_REG }, { V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG },
	{ V, NPU_CPU_SS_MSSCPU_CPR_CLK_SET }, { V, NPU_CPU_SS_MSSCPU_CPR_RST_CLR },
	{ V, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC }, { V, NPU_CPU_SS_TIM_WATCHDOG },
	{ V, NPU_CPU_SS_TIM_WDOG_EN }, { V, NPU_CPU_SS_TIM_SAFE }, { V, NPU_CPU_SS_TIM_IPC_FIFO },
	{ V, NPU_CPU_SS_TIM_GEN_CONFIG }, { V, NPU_CPU_SS_TIM_PERF_FREE_CNT },
	{ V, NPU_CPU_SS_TIM_PERF_FREE_CNT + 4 },
};
#define N_DEFINED (sizeof(defined_regs) / sizeof(defined_regs[0]))

static uint64_t rnd_value(void)
{
	switch (rnd_below(8)) {
	case 0: return 0;
	case 1: return UINT64_MAX;
	case 2: return 1;
	case 3: return NPU_TIM_SAFE_ENABLE_KEY;
	case 4: return rnd() & 0xFF;
	default: return rnd();
	}
}

static void random_access(struct qt_npu *n, unsigned bar, uint64_t off)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned size = sizes[rnd_below(4)];
	uint64_t limit = bar == V ? NPU_BAR0_SIZE : NPU_BAR4_SIZE;
	uint64_t addr;

	if (off + size > limit)
		off = limit - size;
	addr = qt_npu_bar(n, bar) + off;
	if (rnd_below(2))
		qt_read_sized(n->q, addr, size);
	else
		qt_write_sized(n->q, addr, size, rnd_value());
}

static const char *log_path(char *buf, size_t len, const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, len, "%s/npu-hostile-%s-%d.log", tmp && *tmp ? tmp : "/tmp", tag, (int)getpid());
	unlink(buf);
	return buf;
}

/* Count the device's lines in the guest-error log (and show a few). */
static unsigned count_guest_errors(const char *path, const char *must_contain, unsigned *matching)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned count = 0, shown = 0;

	*matching = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "intel-npu-mtl"))
			continue;
		count++;
		if (!must_contain || strstr(line, must_contain)) {
			(*matching)++;
			if (shown++ < 3)
				printf("      guest error: %s", line);
		}
	}
	fclose(f);
	return count;
}

/* Remove the guest-error log if the test passed so far; keep it for
 * diagnosis otherwise. (A fatal failure ends the test before this point
 * and also keeps it.) */
static void drop_log(const char *path, unsigned failures_before)
{
	if (CU_get_number_of_failures() == failures_before)
		unlink(path);
	else
		printf("      guest-error log kept: %s\n", path);
}

static void check_alive(struct qt_npu *n)
{
	char *r = qt_qmp(n->q, "{\"execute\": \"query-status\"}");

	NT_CHECK(qt_alive(n->q), "QEMU is not running");
	NT_CHECK(r && strstr(r, "\"running\""), "query-status: %s", r ? r : "(none)");
	free(r);
	NT_EQ("vendor/device ID still intact", qt_pci_cfg_read(n->q, n->bdf, 0, 4),
	      (uint32_t)n->device_id << 16 | NPU_PCI_VENDOR_INTEL);
}

/* Full recovery: ivpu power-up, ivpu MMU enable, the load service answers
 * a translated load. */
static void check_device_works(struct qt_npu *n, const char *when)
{
	static uint32_t code[1024];
	struct npu_mmu_env m;
	uint64_t code_pa, data_pa;
	bool ok = false;
	uint32_t v;

	NT_CHECK_FATAL(npu_power_up(n), "ivpu power-up %s failed", when);
	qt_npu_set_master(n, true);
	npu_mmu_build(n, &m);
	NT_CHECK_FATAL(npu_mmu_enable(n, &m), "ivpu MMU enable sequence %s failed", when);
	code_pa = qt_guest_alloc(n->q, 4096, 4096);
	data_pa = qt_guest_alloc(n->q, 4096, 4096);
	nt_load_service(code, CODE_VA, false);
	qt_memwrite(n->q, code_pa, code, sizeof(code));
	qt_writel(n->q, data_pa, 0x600DF00D);
	npu_pt_map(n, &m, CODE_VA, code_pa, NPU_MMU_ENTRY_PAGE_IVPU);
	npu_pt_map(n, &m, DATA_VA, data_pa, NPU_MMU_ENTRY_PAGE_IVPU);
	nt_core_start(n, CODE_VA);
	v = nt_core_load(n, DATA_VA, 2000, &ok);
	NT_CHECK(ok && v == 0x600DF00D, "translated load %s: ok=%d value 0x%x", when, ok, v);
}

static void test_random_mmio(void)
{
	char path[256];
	struct qt_npu n;
	const char *env = getenv("NPU_QTEST_HOSTILE_OPS");
	unsigned ops = env && atoi(env) > 0 ? (unsigned)atoi(env) : 10000, errors, matching;
	char extra[300];

	unsigned failures_before = CU_get_number_of_failures();

	reseed(1);
	snprintf(extra, sizeof(extra), "-d guest_errors -D %s", log_path(path, sizeof(path), "mmio"));
	nt_start_npu(&n, QT_NPU_NO_MASTER, NULL, extra);
	NT_CHECK_FATAL(npu_power_up(&n), "initial power-up failed");

	/* every defined register, with a random size and a random value */
	for (size_t i = 0; i < N_DEFINED; i++) {
		random_access(&n, defined_regs[i].bar, defined_regs[i].off);
		random_access(&n, defined_regs[i].bar, defined_regs[i].off);
	}
	for (unsigned d = 0; d < NPU_DOORBELL_COUNT; d++)
		random_access(&n, V, NPU_CPU_SS_DOORBELL(d));

	for (unsigned i = 0; i < ops; i++) {
		unsigned bar = rnd_below(10) < 7 ? V : B;
		uint64_t off;

		if (rnd_below(10) < 6) {
			const struct reg *r = &defined_regs[rnd_below(N_DEFINED)];

			bar = r->bar;
			off = r->off + (rnd_below(4) ? 0 : rnd_below(8)); /* misaligned sometimes */
		} else if (bar == V && rnd_below(4) == 0) {
			off = NPU_CPU_SS_DOORBELL(rnd_below(NPU_DOORBELL_COUNT)) + rnd_below(16);
		} else {
			off = rnd_below(bar == V ? NPU_BAR0_SIZE : NPU_BAR4_SIZE);
		}
		random_access(&n, bar, off);
		if (rnd_below(16) == 0)
			qt_clock_step(n.q, rnd_below(100000));
		else if (rnd_below(256) == 0)
			qt_clock_step_next(n.q);
	}
	printf("      %u random accesses done, virtual time %.3f ms\n", ops, qt_clock(n.q) / 1e6);
	check_alive(&n);
	check_device_works(&n, "after the random accesses");
	check_alive(&n);
	errors = count_guest_errors(path, NULL, &matching);
	NT_CHECK(errors > 0, "no guest errors logged in %s", path);
	printf("      %u guest errors logged\n", errors);
	drop_log(path, failures_before);
}

/* ---- garbage through the MMU ------------------------------------------------------------ */

struct gm {
	struct qt_npu n;
	struct npu_mmu_env m;
	uint64_t code_pa, data_pa;
	uint8_t good_ste[64], good_cd[64];
	unsigned answered, faulted, silent;
};

static void fill_random(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = rnd();

		memcpy(p + i, &v, len - i < 8 ? len - i : 8);
	}
}

static void mmu_cmd_sync(struct gm *g, uint64_t d0, uint64_t d1)
{
	npu_mmu_cmd(&g->n, &g->m, d0, d1);
	NT_CHECK(npu_mmu_sync(&g->n, &g->m), "command queue stuck after seed %" PRIu64, seed);
}

static void invalidate_all(struct gm *g)
{
	npu_mmu_cmd(&g->n, &g->m, NPU_MMU_CMD_CFGI_ALL, NPU_FLD_PREP(NPU_MMU_CMD_CFGI_1_RANGE, 0x1F));
	mmu_cmd_sync(g, NPU_MMU_CMD_TLBI_NSNH_ALL, 0);
}

/* One load through whatever the tables say now; any outcome is fine, QEMU
 * staying up is what counts. Events are consumed the way ivpu does. */
static void probe(struct gm *g, uint32_t va)
{
	bool ok = false;
	uint32_t v = nt_core_load(&g->n, va, 500, &ok);

	if (!ok)
		g->silent++;
	else if (v == NT_FAULT_MARK)
		g->faulted++;
	else
		g->answered++;
	qt_npu_wr32(&g->n, V, NPU_MMU_EVTQ_CONS_PAGE1, qt_npu_rd32(&g->n, V, NPU_MMU_EVTQ_PROD_PAGE1));
}

static void check_good_load(struct gm *g, const char *what)
{
	bool ok = false;
	uint32_t v = nt_core_load(&g->n, DATA_VA, 2000, &ok);

	NT_CHECK(ok && v == 0x600DF00D, "after restoring good tables (%s): ok=%d value 0x%x "
		 "(seed %" PRIu64 ")", what, ok, v, seed);
}

static void trial_ste(struct gm *g)
{
	uint8_t ste[64];

	fill_random(ste, sizeof(ste));
	if (rnd_below(2))
		ste[0] |= 1; /* V */
	if (rnd_below(2))
		ste[0] = (uint8_t)((ste[0] & ~0xEu) | (NPU_MMU_STE_CONFIG_S1_TRANS << 1));
	qt_memwrite(g->n.q, g->m.strtab, ste, sizeof(ste));
	mmu_cmd_sync(g, NPU_MMU_CMD_CFGI_STE, 0);
	probe(g, DATA_VA);
	qt_memwrite(g->n.q, g->m.strtab, g->good_ste, sizeof(g->good_ste));
	mmu_cmd_sync(g, NPU_MMU_CMD_CFGI_STE, 0);
	check_good_load(g, "STE");
}

static void trial_cd(struct gm *g)
{
	uint8_t cd[64];

	fill_random(cd, sizeof(cd));
	if (rnd_below(2))
		cd[3] |= 0x80; /* V (bit 31) */
	qt_memwrite(g->n.q, g->m.cdtab, cd, sizeof(cd));
	mmu_cmd_sync(g, NPU_MMU_CMD_CFGI_CD, 0);
	probe(g, DATA_VA);
	qt_memwrite(g->n.q, g->m.cdtab, g->good_cd, sizeof(g->good_cd));
	mmu_cmd_sync(g, NPU_MMU_CMD_CFGI_CD, 0);
	check_good_load(g, "CD");
}

/* Garbage in one descriptor on DATA_VA's walk: level 0..3. */
static void trial_pte(struct gm *g)
{
	static const uint64_t idx_mask[4] = { NPU_MMU_PGD_INDEX, NPU_MMU_PUD_INDEX, NPU_MMU_PMD_INDEX,
					      NPU_MMU_PTE_INDEX };
	unsigned level = (unsigned)rnd_below(4);
	uint64_t table = g->m.pgd, slot = 0, good, bad;

	for (unsigned l = 0; l <= level; l++) {
		slot = table + NPU_FLD_GET(idx_mask[l], DATA_VA) * 8;
		if (l < level)
			table = qt_readq(g->n.q, slot) & NPU_MMU_ENTRY_ADDR;
	}
	good = qt_readq(g->n.q, slot);
	bad = rnd();
	if (rnd_below(2))
		bad |= NPU_MMU_ENTRY_VALID;
	if (rnd_below(2)) /* a plausible address inside guest RAM */
		bad = (bad & ~NPU_MMU_ENTRY_ADDR) | (rnd_below(qt_ram_size(g->n.q)) & NPU_MMU_ENTRY_ADDR);
	qt_writeq(g->n.q, slot, bad);
	invalidate_all(g);
	probe(g, DATA_VA);
	qt_writeq(g->n.q, slot, good);
	invalidate_all(g);
	check_good_load(g, "page table");
}

static const uint8_t opcodes[] = {
	NPU_MMU_CMD_PREFETCH_CFG, NPU_MMU_CMD_CFGI_STE, NPU_MMU_CMD_CFGI_ALL, NPU_MMU_CMD_CFGI_CD,
	NPU_MMU_CMD_CFGI_CD_ALL, NPU_MMU_CMD_TLBI_NH_ALL, NPU_MMU_CMD_TLBI_NH_ASID,
	NPU_MMU_CMD_TLBI_NH_VA, NPU_MMU_CMD_TLBI_NH_VAA, NPU_MMU_CMD_TLBI_EL2_ALL,
	NPU_MMU_CMD_TLBI_NSNH_ALL, NPU_MMU_CMD_SYNC,
};

/* Garbage commands and PROD values; then recover the queue the way a
 * driver must (SMMUv3): disable it, reset the pointers, acknowledge the
 * error, re-enable. */
static void trial_cmdq(struct gm *g)
{
	unsigned count = 1 + (unsigned)rnd_below(20);
	uint32_t prod, cr0 = qt_npu_rd32(&g->n, V, NPU_MMU_CR0);

	for (unsigned i = 0; i < count; i++) {
		uint64_t d0 = rnd(), d1 = rnd();

		if (rnd_below(2)) /* a known opcode with random fields */
			d0 = (d0 & ~(uint64_t)0xFF) | opcodes[rnd_below(sizeof(opcodes))];
		if (rnd_below(4) == 0) /* a clean, valid command */
			d0 &= 0xFF, d1 = 0;
		npu_mmu_cmd(&g->n, &g->m, d0, d1);
	}
	switch (rnd_below(3)) {
	case 0: prod = g->m.cmdq_prod; break;
	case 1: prod = (uint32_t)rnd_below(32); break;
	default: prod = (uint32_t)rnd(); break;
	}
	qt_npu_wr32(&g->n, V, NPU_MMU_CMDQ_PROD, prod);
	qt_clock_step(g->n.q, 100000);

	/* recovery */
	qt_npu_wr32(&g->n, V, NPU_MMU_CR0, cr0 & ~NPU_MMU_CR0_CMDQEN);
	NT_EQ("CR0ACK with the command queue off", qt_npu_rd32(&g->n, V, NPU_MMU_CR0ACK),
	      cr0 & ~NPU_MMU_CR0_CMDQEN);
	qt_memset(g->n.q, g->m.cmdq, 0, 16 * NPU_MMU_CMD_SIZE);
	qt_npu_wr32(&g->n, V, NPU_MMU_CMDQ_PROD, 0);
	qt_npu_wr32(&g->n, V, NPU_MMU_CMDQ_CONS, 0);
	qt_npu_wr32(&g->n, V, NPU_MMU_GERRORN, qt_npu_rd32(&g->n, V, NPU_MMU_GERROR));
	g->m.cmdq_prod = 0;
	qt_npu_wr32(&g->n, V, NPU_MMU_CR0, cr0);
	NT_EQ("CMDQ_CONS after recovery", qt_npu_rd32(&g->n, V, NPU_MMU_CMDQ_CONS), 0);
	invalidate_all(g);
	NT_EQ("GERROR ^ GERRORN after recovery",
	      qt_npu_rd32(&g->n, V, NPU_MMU_GERROR) ^ qt_npu_rd32(&g->n, V, NPU_MMU_GERRORN), 0);
	check_good_load(g, "command queue");
}

static void test_garbage_mmu(void)
{
	static uint32_t code[1024];
	static struct gm g;
	char path[256], extra[300];
	unsigned errors, matching, trials = 64;

	unsigned failures_before = CU_get_number_of_failures();

	memset(&g, 0, sizeof(g));
	reseed(2);
	snprintf(extra, sizeof(extra), "-d guest_errors -D %s", log_path(path, sizeof(path), "mmu"));
	nt_start_npu(&g.n, 0, NULL, extra);
	NT_CHECK_FATAL(npu_power_up(&g.n), "power-up failed");
	npu_mmu_build(&g.n, &g.m);
	NT_CHECK_FATAL(npu_mmu_enable(&g.n, &g.m), "MMU enable failed");
	qt_memread(g.n.q, g.m.strtab, g.good_ste, sizeof(g.good_ste));
	qt_memread(g.n.q, g.m.cdtab, g.good_cd, sizeof(g.good_cd));
	/* the service survives aborts through its trap handler */
	nt_load_service(code, CODE_VA, true);
	g.code_pa = qt_guest_alloc(g.n.q, 4096, 4096);
	g.data_pa = qt_guest_alloc(g.n.q, 4096, 4096);
	qt_memwrite(g.n.q, g.code_pa, code, sizeof(code));
	qt_writel(g.n.q, g.data_pa, 0x600DF00D);
	npu_pt_map(&g.n, &g.m, CODE_VA, g.code_pa, NPU_MMU_ENTRY_PAGE_IVPU);
	npu_pt_map(&g.n, &g.m, DATA_VA, g.data_pa, NPU_MMU_ENTRY_PAGE_IVPU);
	nt_core_start(&g.n, CODE_VA);
	check_good_load(&g, "initial");

	for (unsigned t = 0; t < trials; t++) {
		switch (t % 4) {
		case 0: trial_ste(&g); break;
		case 1: trial_cd(&g); break;
		case 2: trial_pte(&g); break;
		default: trial_cmdq(&g); break;
		}
	}
	printf("      %u garbage trials: %u loads answered, %u faulted, %u unanswered\n", trials,
	       g.answered, g.faulted, g.silent);
	check_alive(&g.n);
	/* power-cycle and start over from a clean device */
	NT_CHECK(npu_power_down(&g.n), "power-down after the garbage");
	check_device_works(&g.n, "after the MMU garbage");
	errors = count_guest_errors(path, "MMU", &matching);
	NT_CHECK(matching > 0, "no MMU guest errors logged in %s (%u others)", path, errors);
	printf("      %u guest errors logged, %u about the MMU\n", errors, matching);
	drop_log(path, failures_before);
}

static const struct nt_case cases[] = {
	{ "random_mmio", test_random_mmio },
	{ "garbage_mmu", test_garbage_mmu },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	const char *env = getenv("NPU_QTEST_SEED");

	if (env && *env)
		seed = strtoull(env, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	printf("hostile: seed %" PRIu64 " (repeat with NPU_QTEST_SEED=%" PRIu64 ")\n", seed, seed);
	return nt_main("hostile", cases, argc, argv);
}
