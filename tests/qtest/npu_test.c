/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the device qtests; see npu_test.h.
 *
 * The power and MMU procedures replay Linux 6.12's ivpu for MTL step by
 * step (drivers/accel/ivpu/ivpu_hw.c ivpu_hw_power_up/power_down,
 * ivpu_hw_btrs.c wp_drive/d0i3_drive_mtl/ip_reset_mtl, ivpu_hw_ip.c
 * host_ss_configure/pwr_domain_enable/host_ss_axi_drive/top_noc_drive/
 * soc_cpu_boot_37xx, ivpu_mmu.c ivpu_mmu_reset), summarised in hw-facts
 * §3.1, §3.3, §3.6 and §6. Values are written the way ivpu writes them
 * (read-modify-write where ivpu does RMW) and every read-back ivpu acts on
 * is checked; where ivpu polls, the test polls with 50 µs virtual clock
 * steps (REG_POLL_SLEEP_US).
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intel-npu/bits.h"
#include "intel-npu/lrt.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "npu_test.h"

#define NT_MAX_QEMU 8

static struct qt *running[NT_MAX_QEMU];
static struct timespec t_start;

double nt_elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t_start.tv_sec) + (double)(now.tv_nsec - t_start.tv_nsec) / 1e9;
}

/* ---- Checks ------------------------------------------------------------------ */

bool nt_check_eq(const char *file, int line, const char *what, uint64_t got, uint64_t want,
		 bool fatal)
{
	char msg[512];

	if (got == want) {
		CU_assertImplementation(CU_TRUE, (unsigned)line, what, file, "", CU_FALSE);
		return true;
	}
	snprintf(msg, sizeof(msg), "%s: got 0x%" PRIx64 ", expected 0x%" PRIx64, what, got, want);
	fprintf(stderr, "    %s:%d: FAIL %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", fatal ? CU_TRUE : CU_FALSE);
	return false;
}

bool nt_check(const char *file, int line, bool ok, bool fatal, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (ok) {
		CU_assertImplementation(CU_TRUE, (unsigned)line, "check", file, "", CU_FALSE);
		return true;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "    %s:%d: FAIL %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", fatal ? CU_TRUE : CU_FALSE);
	return false;
}

/* ---- QEMU life cycle ------------------------------------------------------------ */

/* Any qtest error (QEMU died, timeout, rejected command) ends the test with
 * the client's message, which carries QEMU's stderr tail. */
static void on_qt_fail(struct qt *q, void *opaque)
{
	fprintf(stderr, "    qtest error: %s\n", qt_error(q));
	CU_assertImplementation(CU_FALSE, 0, qt_error(q), "qtest", "", CU_TRUE);
}

static void track(struct qt *q)
{
	for (int i = 0; i < NT_MAX_QEMU; i++) {
		if (!running[i]) {
			running[i] = q;
			return;
		}
	}
	fprintf(stderr, "too many QEMUs in one test\n");
	abort();
}

struct qt *nt_start(const char *fmt, ...)
{
	struct qt_opts o = { 0 };
	char *args = NULL, err[8192];
	struct qt *q = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&args, fmt, ap) < 0)
		args = NULL;
	va_end(ap);
	o.args = args;
	rc = qt_start(&q, &o, err, sizeof(err));
	free(args);
	if (rc) {
		fprintf(stderr, "    cannot start QEMU: %s\n", err);
		CU_assertImplementation(CU_FALSE, 0, err, "qtest", "", CU_TRUE);
		return NULL;
	}
	qt_set_fail_handler(q, on_qt_fail, NULL);
	track(q);
	return q;
}

struct qt *nt_start_npu(struct qt_npu *n, unsigned flags, const char *props, const char *extra)
{
	struct qt *q = nt_start("-device intel-npu-mtl,addr=03.0%s %s", props ? props : "",
				extra ? extra : "");

	if (q)
		qt_npu_setup(q, n, flags);
	return q;
}

void nt_stop(struct qt *q)
{
	for (int i = 0; i < NT_MAX_QEMU; i++)
		if (running[i] == q)
			running[i] = NULL;
	qt_quit(q);
}

static void teardown(void)
{
	for (int i = 0; i < NT_MAX_QEMU; i++) {
		if (running[i]) {
			qt_quit(running[i]);
			running[i] = NULL;
		}
	}
}

int nt_main(const char *suite_name, const struct nt_case *cases, int argc, char **argv)
{
	const char *qemu = qt_qemu_binary();
	CU_pSuite suite;
	unsigned added = 0, failed;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t_start);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!qemu) {
		fprintf(stderr, "%s: QTEST_QEMU_BINARY is not set. Run `make check-qtest`, or set it "
			"to the project's QEMU (QEMU_BINARY in build/config.mk).\n", argv[0]);
		return 1;
	}
	if (access(qemu, X_OK) != 0) {
		fprintf(stderr, "%s: QTEST_QEMU_BINARY=%s is missing or not executable (%s); build "
			"it with `make qemu`.\n", argv[0], qemu, strerror(errno));
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite_with_setup_and_teardown(suite_name, NULL, NULL, NULL, teardown);
	for (const struct nt_case *c = cases; suite && c->name; c++) {
		bool wanted = argc < 2;

		for (int i = 1; i < argc; i++)
			wanted |= strcmp(argv[i], c->name) == 0;
		if (wanted && CU_add_test(suite, c->name, c->fn))
			added++;
	}
	if (!added) {
		fprintf(stderr, "%s: no test matches the names given\n", argv[0]);
		CU_cleanup_registry();
		return 1;
	}
	printf("%s: QEMU %s\n", suite_name, qemu);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_tests_failed();
	rc = failed || CU_get_number_of_suites_failed() ? 1 : 0;
	printf("%s: %u of %u tests passed (%.1f s)\n", suite_name, CU_get_number_of_tests_run() - failed,
	       CU_get_number_of_tests_run(), nt_elapsed());
	CU_cleanup_registry();
	return rc;
}

/* ---- Polling ------------------------------------------------------------------ */

int nt_poll32(struct qt_npu *n, unsigned bar, uint32_t off, uint32_t mask, uint32_t want,
	      uint64_t timeout_us)
{
	uint64_t waited = 0;
	int steps = 0;

	for (;;) {
		uint32_t v = qt_npu_rd32(n, bar, off);

		if ((v & mask) == want)
			return steps;
		if (waited >= timeout_us || qt_failed(n->q))
			return -1;
		qt_clock_step(n->q, NT_POLL_STEP_US * 1000u);
		waited += NT_POLL_STEP_US;
		steps++;
	}
}

/* ---- Power ---------------------------------------------------------------------- */

#define B 4 /* BAR4, buttress (RegB) */
#define V 0 /* BAR0, NPU IP (RegV) */

static uint32_t rb(struct qt_npu *n, uint32_t off) { return qt_npu_rd32(n, B, off); }
static void wb(struct qt_npu *n, uint32_t off, uint32_t v) { qt_npu_wr32(n, B, off, v); }
static uint32_t rv(struct qt_npu *n, uint32_t off) { return qt_npu_rd32(n, V, off); }
static void wv(struct qt_npu *n, uint32_t off, uint32_t v) { qt_npu_wr32(n, V, off, v); }

/* ivpu_hw_btrs_wp_drive() for MTL: sync, request (RMW of the three payload
 * registers and the command), sync, wait PLL lock and READY to follow. */
static bool wp_drive(struct qt_npu *n, bool enable)
{
	uint32_t fmin = rb(n, NPU_BTRS_FMIN_FUSE), fmax = rb(n, NPU_BTRS_FMAX_FUSE);
	uint32_t min = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_MIN_RATIO, fmin);
	uint32_t pn = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin);
	uint32_t max = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMAX_FUSE_MAX_RATIO, fmax);
	uint32_t target = enable ? pn : 0;   /* prepare_wp_request, MTL */
	uint32_t cfg = enable ? NPU_WP_CONFIG_MTL_2_TILES_4_3 : 0;
	bool ok = true;
	uint32_t v;

	ok &= NT_POLL(n, B, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, NPU_TIMEOUT_PLL_US,
		      "WP_REQ_CMD.SEND before the workpoint request");
	v = rb(n, NPU_BTRS_WP_REQ_PAYLOAD0);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO, v, min);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO, v, max);
	wb(n, NPU_BTRS_WP_REQ_PAYLOAD0, v);
	ok &= NT_EQ("WP_REQ_PAYLOAD0 read-back", rb(n, NPU_BTRS_WP_REQ_PAYLOAD0), v);
	v = rb(n, NPU_BTRS_WP_REQ_PAYLOAD1);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO, v, target);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD1_EPP, v, NPU_WP_EPP_DEFAULT);
	wb(n, NPU_BTRS_WP_REQ_PAYLOAD1, v);
	ok &= NT_EQ("WP_REQ_PAYLOAD1 read-back", rb(n, NPU_BTRS_WP_REQ_PAYLOAD1), v);
	v = rb(n, NPU_BTRS_WP_REQ_PAYLOAD2);
	v = (uint32_t)NPU_FLD_SET(NPU_BTRS_WP_REQ_PAYLOAD2_CONFIG, v, cfg);
	wb(n, NPU_BTRS_WP_REQ_PAYLOAD2, v);
	ok &= NT_EQ("WP_REQ_PAYLOAD2 read-back", rb(n, NPU_BTRS_WP_REQ_PAYLOAD2), v);
	v = rb(n, NPU_BTRS_WP_REQ_CMD) | NPU_BTRS_WP_REQ_CMD_SEND;
	wb(n, NPU_BTRS_WP_REQ_CMD, v);
	ok &= NT_POLL(n, B, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, NPU_TIMEOUT_PLL_US,
		      "WP_REQ_CMD.SEND after the workpoint request");
	ok &= NT_POLL(n, B, NPU_BTRS_PLL_STATUS, NPU_BTRS_PLL_STATUS_LOCK,
		      enable ? NPU_BTRS_PLL_STATUS_LOCK : 0, NPU_TIMEOUT_PLL_US, "PLL_STATUS.LOCK");
	ok &= NT_POLL(n, B, NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_STATUS_READY,
		      enable ? NPU_BTRS_VPU_STATUS_READY : 0, NPU_TIMEOUT_PLL_US, "VPU_STATUS.READY");
	if (enable)
		ok &= NT_EQ("CURRENT_PLL after the workpoint request", rb(n, NPU_BTRS_CURRENT_PLL), pn);
	return ok;
}

/* d0i3_drive_mtl(): sync on INPROGRESS, RMW of I3, sync again. */
static bool d0i3_drive(struct qt_npu *n, bool enable)
{
	bool ok = true;
	uint32_t v;

	ok &= NT_POLL(n, B, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0,
		      NPU_TIMEOUT_BTRS_US, "D0I3_CONTROL.INPROGRESS before the transition");
	v = rb(n, NPU_BTRS_VPU_D0I3_CONTROL);
	v = enable ? v | NPU_BTRS_VPU_D0I3_CONTROL_I3 : v & ~NPU_BTRS_VPU_D0I3_CONTROL_I3;
	wb(n, NPU_BTRS_VPU_D0I3_CONTROL, v);
	ok &= NT_POLL(n, B, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0,
		      NPU_TIMEOUT_BTRS_US, "D0I3_CONTROL.INPROGRESS after the transition");
	ok &= NT_EQ("D0I3_CONTROL.I3", rb(n, NPU_BTRS_VPU_D0I3_CONTROL) & NPU_BTRS_VPU_D0I3_CONTROL_I3,
		    enable ? NPU_BTRS_VPU_D0I3_CONTROL_I3 : 0);
	return ok;
}

static void rmw_v(struct qt_npu *n, uint32_t off, uint32_t set, uint32_t clr)
{
	wv(n, off, (rv(n, off) & ~clr) | set);
}

bool npu_power_up(struct qt_npu *n)
{
	bool ok = true;

	/* wa.wp0_during_power_up (37xx): "WP requests may fail when powering
	 * down, so issue WP 0 here"; a failure is only a warning in ivpu. */
	ok &= wp_drive(n, false);
	/* ivpu_hw_btrs_d0i3_disable */
	ok &= d0i3_drive(n, false);
	/* wp_enable: a failure aborts the power-up */
	if (!wp_drive(n, true))
		return false;
	/* ivpu_hw_ip_host_ss_configure (37xx): wait for the IP bar, release
	 * resets, and the host-SS NOC must be idle. */
	ok &= NT_POLL(n, V, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_AON, 0, NPU_TIMEOUT_IP_BAR_US,
		      "HOST_SS_CPR_RST_CLR.AON (NPU IP bar reachable)");
	wv(n, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_ALL);
	ok &= NT_EQ("HOST_SS_NOC_QREQN.TOP_SOCMMIO before AXI enable",
		    rv(n, NPU_HOST_SS_NOC_QREQN) & NPU_HOST_SS_NOC_TOP_SOCMMIO, 0);
	ok &= NT_EQ("HOST_SS_NOC_QACCEPTN.TOP_SOCMMIO before AXI enable",
		    rv(n, NPU_HOST_SS_NOC_QACCEPTN) & NPU_HOST_SS_NOC_TOP_SOCMMIO, 0);
	ok &= NT_EQ("HOST_SS_NOC_QDENY.TOP_SOCMMIO", rv(n, NPU_HOST_SS_NOC_QDENY) &
		    NPU_HOST_SS_NOC_TOP_SOCMMIO, 0);
	/* ivpu_hw_ip_idle_gen_disable: RMW clear EN */
	rmw_v(n, NPU_HOST_SS_AON_VPU_IDLE_GEN, 0, NPU_AON_VPU_IDLE_GEN_EN);
	ok &= NT_EQ("AON_VPU_IDLE_GEN after disable", rv(n, NPU_HOST_SS_AON_VPU_IDLE_GEN) &
		    NPU_AON_VPU_IDLE_GEN_EN, 0);
	/* ivpu_hw_ip_pwr_domain_enable: trickle, island, wait status */
	rmw_v(n, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU, 0);
	rmw_v(n, NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU, 0);
	ok &= NT_POLL(n, V, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, NPU_AON_PWR_MSS_CPU,
		      NPU_AON_PWR_MSS_CPU, NPU_TIMEOUT_PWR_ISLAND_US, "AON_PWR_ISLAND_STATUS0.MSS_CPU");
	ok &= NT_EQ("TOP_NOC_QREQN before TOP NOC enable", rv(n, NPU_TOP_NOC_QREQN) & NPU_TOP_NOC_ALL, 0);
	rmw_v(n, NPU_HOST_SS_CPR_CLK_SET, NPU_HOST_SS_CPR_ALL, 0);
	rmw_v(n, NPU_HOST_SS_AON_PWR_ISO_EN0, 0, NPU_AON_PWR_MSS_CPU);
	rmw_v(n, NPU_HOST_SS_CPR_RST_SET, NPU_HOST_SS_CPR_ALL, 0);
	rmw_v(n, NPU_HOST_SS_AON_DPU_ACTIVE, NPU_AON_DPU_ACTIVE, 0);
	/* ivpu_hw_ip_host_ss_axi_enable: immediate read-backs, no polling */
	rmw_v(n, NPU_HOST_SS_NOC_QREQN, NPU_HOST_SS_NOC_TOP_SOCMMIO, 0);
	ok &= NT_EQ("HOST_SS_NOC_QACCEPTN.TOP_SOCMMIO after AXI enable",
		    rv(n, NPU_HOST_SS_NOC_QACCEPTN) & NPU_HOST_SS_NOC_TOP_SOCMMIO,
		    NPU_HOST_SS_NOC_TOP_SOCMMIO);
	ok &= NT_EQ("HOST_SS_NOC_QDENY after AXI enable", rv(n, NPU_HOST_SS_NOC_QDENY) &
		    NPU_HOST_SS_NOC_TOP_SOCMMIO, 0);
	/* ivpu_hw_ip_top_noc_enable */
	rmw_v(n, NPU_TOP_NOC_QREQN, NPU_TOP_NOC_ALL, 0);
	ok &= NT_EQ("TOP_NOC_QACCEPTN after TOP NOC enable", rv(n, NPU_TOP_NOC_QACCEPTN) &
		    NPU_TOP_NOC_ALL, NPU_TOP_NOC_ALL);
	ok &= NT_EQ("TOP_NOC_QDENY after TOP NOC enable", rv(n, NPU_TOP_NOC_QDENY) & NPU_TOP_NOC_ALL, 0);
	return ok && !qt_failed(n->q);
}

/* ip_reset_mtl(): wait TRIGGER==0, RMW set it, wait for the self-clear. */
static bool ip_reset(struct qt_npu *n)
{
	bool ok = true;

	ok &= NT_POLL(n, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER, 0,
		      NPU_TIMEOUT_BTRS_US, "VPU_IP_RESET.TRIGGER before reset");
	wb(n, NPU_BTRS_VPU_IP_RESET, rb(n, NPU_BTRS_VPU_IP_RESET) | NPU_BTRS_VPU_IP_RESET_TRIGGER);
	ok &= NT_POLL(n, B, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER, 0,
		      NPU_TIMEOUT_BTRS_US, "VPU_IP_RESET.TRIGGER self-clear");
	return ok;
}

bool npu_power_down(struct qt_npu *n)
{
	bool ok = true;
	uint32_t st;

	/* save_d0i3_entry_timestamp: a 64-bit read of the perf counter */
	qt_npu_rd64(n, V, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	/* ivpu_hw_is_idle: READY && IDLE (only a warning in ivpu) */
	st = rb(n, NPU_BTRS_VPU_STATUS);
	ok &= NT_EQ("VPU_STATUS READY|IDLE before power-down",
		    st & (NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE),
		    NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);
	/* ivpu_hw_reset: IP reset, then workpoint 0 */
	ok &= ip_reset(n);
	ok &= wp_drive(n, false);
	/* ivpu_hw_btrs_d0i3_enable, then udelay(5) */
	ok &= d0i3_drive(n, true);
	qt_clock_step(n->q, 5000);
	return ok && !qt_failed(n->q);
}

/* ---- MMU ----------------------------------------------------------------------- */

static uint64_t alloc_zeroed(struct qt *q, uint64_t size)
{
	uint64_t a = qt_guest_alloc(q, size, 4096);

	NT_CHECK_FATAL(a != 0, "guest RAM allocator exhausted (%" PRIu64 " bytes)", size);
	qt_memset(q, a, 0, size);
	return a;
}

void npu_mmu_build(struct qt_npu *n, struct npu_mmu_env *m)
{
	struct qt *q = n->q;
	uint8_t ste[16], cd[32];
	uint64_t d0, d1;

	memset(m, 0, sizeof(*m));
	/* ivpu allocates each with dma_alloc_coherent: page aligned. */
	m->strtab = alloc_zeroed(q, NPU_MMU_STREAMS * NPU_MMU_STE_SIZE);
	m->cdtab = alloc_zeroed(q, (1u << NPU_MMU_CDTAB_ENTRIES_LOG2) * NPU_MMU_CD_SIZE);
	m->cmdq = alloc_zeroed(q, (1u << NPU_MMU_Q_LOG2) * NPU_MMU_CMD_SIZE);
	m->evtq = alloc_zeroed(q, (1u << NPU_MMU_Q_LOG2) * NPU_MMU_EVT_SIZE);
	m->pgd = alloc_zeroed(q, NPU_MMU_PAGE_SIZE);

	/* ivpu_mmu_strtab_link_cd for StreamIDs 0 and 3 */
	d0 = NPU_FLD_PREP(NPU_MMU_STE_0_CONFIG, NPU_MMU_STE_CONFIG_S1_TRANS) |
	     NPU_FLD_PREP(NPU_MMU_STE_0_S1CDMAX, NPU_MMU_CDTAB_ENTRIES_LOG2) |
	     NPU_FLD_PREP(NPU_MMU_STE_0_S1FMT, NPU_MMU_STE_S1FMT_LINEAR) | NPU_MMU_STE_0_V |
	     (m->cdtab & NPU_MMU_STE_0_S1CTXPTR);
	d1 = NPU_FLD_PREP(NPU_MMU_STE_1_S1DSS, NPU_MMU_STE_S1DSS_TERMINATE) |
	     NPU_FLD_PREP(NPU_MMU_STE_1_PRIVCFG, NPU_MMU_PRIVCFG_UNPRIV) |
	     NPU_FLD_PREP(NPU_MMU_STE_1_INSTCFG, NPU_MMU_INSTCFG_DATA) |
	     NPU_FLD_PREP(NPU_MMU_STE_1_CONT, 2) | NPU_MMU_STE_1_MEV | NPU_MMU_STE_1_S1STALLD;
	npu_le64_put(ste, d0);
	npu_le64_put(ste + 8, d1);
	qt_memwrite(q, m->strtab + NPU_MMU_SID_LRT * NPU_MMU_STE_SIZE, ste, sizeof(ste));
	qt_memwrite(q, m->strtab + NPU_MMU_SID_DMA * NPU_MMU_STE_SIZE, ste, sizeof(ste));

	/* ivpu_mmu_cd_add for SSID 0: the global context aborts on faults (A). */
	d0 = NPU_FLD_PREP(NPU_MMU_CD_0_T0SZ, NPU_MMU_T0SZ_48BIT) |
	     NPU_FLD_PREP(NPU_MMU_CD_0_IPS, NPU_MMU_IPS_48BIT) | NPU_FLD_PREP(NPU_MMU_CD_0_ASID, 0) |
	     NPU_MMU_CD_0_EPD1 | NPU_MMU_CD_0_AA64 | NPU_MMU_CD_0_R | NPU_MMU_CD_0_ASET |
	     NPU_MMU_CD_0_V | NPU_MMU_CD_0_A;
	npu_le64_put(cd, d0);
	npu_le64_put(cd + 8, m->pgd & NPU_MMU_CD_1_TTB0);
	npu_le64_put(cd + 16, 0);
	npu_le64_put(cd + 24, NPU_MMU_CD_3_MAIR_IVPU);
	qt_memwrite(q, m->cdtab, cd, sizeof(cd));
}

/* ivpu_mmu_reg_write_cr0: write, then poll CR0ACK == value (10 ms). */
static bool cr0_write(struct qt_npu *n, uint32_t v)
{
	wv(n, NPU_MMU_CR0, v);
	return NT_POLL(n, V, NPU_MMU_CR0ACK, UINT32_MAX, v, NPU_TIMEOUT_MMU_REG_US, "MMU CR0ACK");
}

static bool irq_ctrl_write(struct qt_npu *n, uint32_t v)
{
	wv(n, NPU_MMU_IRQ_CTRL, v);
	return NT_POLL(n, V, NPU_MMU_IRQ_CTRLACK, UINT32_MAX, v, NPU_TIMEOUT_MMU_REG_US,
		       "MMU IRQ_CTRLACK");
}

void npu_mmu_cmd(struct qt_npu *n, struct npu_mmu_env *m, uint64_t d0, uint64_t d1)
{
	uint8_t cmd[NPU_MMU_CMD_SIZE];
	uint32_t idx = m->cmdq_prod & ((1u << NPU_MMU_Q_LOG2) - 1);

	npu_le64_put(cmd, d0);
	npu_le64_put(cmd + 8, d1);
	qt_memwrite(n->q, m->cmdq + idx * NPU_MMU_CMD_SIZE, cmd, sizeof(cmd));
	/* IVPU_MMU_Q_WRAP_MASK: index plus wrap bit */
	m->cmdq_prod = (m->cmdq_prod + 1) & ((2u << NPU_MMU_Q_LOG2) - 1);
}

bool npu_mmu_sync(struct qt_npu *n, struct npu_mmu_env *m)
{
	npu_mmu_cmd(n, m, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_SYNC), 0);
	wv(n, NPU_MMU_CMDQ_PROD, m->cmdq_prod);
	/* ivpu_mmu_cmdq_wait_for_cons: CONS.VAL (bits 23:0) == PROD, 100 ms */
	return NT_POLL(n, V, NPU_MMU_CMDQ_CONS, NPU_GENMASK(23, 0), m->cmdq_prod,
		       NPU_TIMEOUT_MMU_QUEUE_US, "MMU CMDQ_CONS == PROD");
}

bool npu_mmu_enable(struct qt_npu *n, struct npu_mmu_env *m)
{
	const uint64_t strtab_q = NPU_MMU_STRTAB_BASE_RA | m->strtab;
	const uint64_t cmdq_q = NPU_MMU_Q_BASE_RWA | m->cmdq | NPU_MMU_Q_LOG2;
	const uint64_t evtq_q = NPU_MMU_Q_BASE_RWA | m->evtq | NPU_MMU_Q_LOG2;
	uint32_t cr0;
	bool ok = true;

	/* ivpu reads the IDRs only to log a mismatch; the model reports the
	 * silicon values (§6). */
	ok &= NT_EQ("MMU IDR0", rv(n, NPU_MMU_IDR0), NPU_MMU_IDR0_VALUE);
	ok &= NT_EQ("MMU IDR1", rv(n, NPU_MMU_IDR1), NPU_MMU_IDR1_VALUE);
	ok &= NT_EQ("MMU IDR3", rv(n, NPU_MMU_IDR3), NPU_MMU_IDR3_VALUE);
	ok &= NT_EQ("MMU IDR5", rv(n, NPU_MMU_IDR5), NPU_MMU_IDR5_VALUE);

	/* zero both queues, host copies of PROD/CONS = 0 */
	qt_memset(n->q, m->cmdq, 0, (1u << NPU_MMU_Q_LOG2) * NPU_MMU_CMD_SIZE);
	qt_memset(n->q, m->evtq, 0, (1u << NPU_MMU_Q_LOG2) * NPU_MMU_EVT_SIZE);
	m->cmdq_prod = 0;

	ok &= cr0_write(n, 0);
	wv(n, NPU_MMU_CR1, NPU_MMU_CR1_IVPU_VALUE);
	ok &= NT_EQ("MMU CR1", rv(n, NPU_MMU_CR1), NPU_MMU_CR1_IVPU_VALUE);

	qt_npu_wr64(n, V, NPU_MMU_STRTAB_BASE, strtab_q);
	wv(n, NPU_MMU_STRTAB_BASE_CFG, 2); /* IVPU_MMU_STRTAB_CFG_LOG2SIZE: 4 STEs */
	ok &= NT_EQ("MMU STRTAB_BASE", qt_npu_rd64(n, V, NPU_MMU_STRTAB_BASE), strtab_q);
	ok &= NT_EQ("MMU STRTAB_BASE_CFG", rv(n, NPU_MMU_STRTAB_BASE_CFG), 2);

	qt_npu_wr64(n, V, NPU_MMU_CMDQ_BASE, cmdq_q);
	wv(n, NPU_MMU_CMDQ_PROD, 0);
	wv(n, NPU_MMU_CMDQ_CONS, 0);
	ok &= NT_EQ("MMU CMDQ_BASE", qt_npu_rd64(n, V, NPU_MMU_CMDQ_BASE), cmdq_q);

	cr0 = NPU_MMU_CR0_CMDQEN;
	ok &= cr0_write(n, cr0);
	/* CFGI_ALL = CFGI_STE_RANGE with Range 31; TLBI_NSNH_ALL; SYNC */
	npu_mmu_cmd(n, m, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_CFGI_ALL),
		    NPU_FLD_PREP(NPU_MMU_CMD_CFGI_1_RANGE, 0x1F));
	npu_mmu_cmd(n, m, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_TLBI_NSNH_ALL), 0);
	ok &= npu_mmu_sync(n, m);
	ok &= NT_EQ("MMU CMDQ_CONS.ERR", NPU_FLD_GET(NPU_MMU_CMDQ_CONS_ERR, rv(n, NPU_MMU_CMDQ_CONS)), 0);

	qt_npu_wr64(n, V, NPU_MMU_EVTQ_BASE, evtq_q);
	ok &= NT_EQ("MMU EVTQ_BASE", qt_npu_rd64(n, V, NPU_MMU_EVTQ_BASE), evtq_q);
	/* ivpu writes the queue pointers through the page-1 alias ("_SEC") */
	wv(n, NPU_MMU_EVTQ_PROD_PAGE1, 0);
	wv(n, NPU_MMU_EVTQ_CONS_PAGE1, 0);

	cr0 |= NPU_MMU_CR0_EVTQEN;
	ok &= cr0_write(n, cr0);
	cr0 |= NPU_MMU_CR0_ATSCHK;
	ok &= cr0_write(n, cr0);
	/* ivpu_mmu_irqs_setup: 0, then EVTQ | GERROR */
	ok &= irq_ctrl_write(n, 0);
	ok &= irq_ctrl_write(n, NPU_MMU_IRQ_CTRL_EVTQ_EN | NPU_MMU_IRQ_CTRL_GERROR_EN);
	cr0 |= NPU_MMU_CR0_SMMUEN;
	ok &= cr0_write(n, cr0);

	ok &= NT_EQ("MMU CR0 after enable", rv(n, NPU_MMU_CR0), NPU_MMU_CR0_IVPU_FINAL);
	ok &= NT_EQ("MMU GERROR ^ GERRORN (no global error)",
		    rv(n, NPU_MMU_GERROR) ^ rv(n, NPU_MMU_GERRORN), 0);
	ok &= NT_EQ("MMU EVTQ_PROD (page 1)", rv(n, NPU_MMU_EVTQ_PROD_PAGE1), 0);
	return ok && !qt_failed(n->q);
}

static uint64_t pt_index(uint64_t va, unsigned level)
{
	static const uint64_t masks[4] = { NPU_MMU_PGD_INDEX, NPU_MMU_PUD_INDEX, NPU_MMU_PMD_INDEX,
					   NPU_MMU_PTE_INDEX };

	return NPU_FLD_GET(masks[level], va);
}

void npu_pt_map(struct qt_npu *n, struct npu_mmu_env *m, uint64_t va, uint64_t pa,
		uint64_t pte_flags)
{
	uint64_t table = m->pgd;

	for (unsigned level = 0; level < 3; level++) {
		uint64_t slot = table + pt_index(va, level) * 8;
		uint64_t e = qt_readq(n->q, slot);

		if (!(e & NPU_MMU_ENTRY_VALID)) {
			/* ivpu: next-table address | VALID | TABLE (0x3) */
			e = alloc_zeroed(n->q, NPU_MMU_PAGE_SIZE) | NPU_MMU_ENTRY_VALID | NPU_MMU_ENTRY_TABLE;
			qt_writeq(n->q, slot, e);
		}
		table = e & NPU_MMU_ENTRY_ADDR;
	}
	qt_writeq(n->q, table + pt_index(va, 3) * 8, (pa & NPU_MMU_ENTRY_ADDR) | pte_flags);
}

uint64_t npu_pt_leaf(struct qt_npu *n, struct npu_mmu_env *m, uint64_t va)
{
	uint64_t table = m->pgd;

	for (unsigned level = 0; level < 3; level++) {
		uint64_t e = qt_readq(n->q, table + pt_index(va, level) * 8);

		if (!(e & NPU_MMU_ENTRY_VALID))
			return 0;
		table = e & NPU_MMU_ENTRY_ADDR;
	}
	return table + pt_index(va, 3) * 8;
}

/* ---- RV32 encoders (RISC-V unprivileged ISA, base formats) ----------------------- */

static uint32_t i_type(uint32_t op, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return ((u >> 5) & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1F) << 7 | 0x23;
}

static uint32_t b_type(unsigned f3, unsigned rs1, unsigned rs2, int32_t off)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((u >> 1) & 0xF) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

uint32_t rv_lui(unsigned rd, uint32_t upper20)
{
	return (upper20 & 0xFFFFF) << 12 | rd << 7 | 0x37;
}

uint32_t rv_addi(unsigned rd, unsigned rs1, int32_t imm)
{
	return i_type(0x13, 0, rd, rs1, imm);
}

uint32_t rv_lw(unsigned rd, unsigned rs1, int32_t off)
{
	return i_type(0x03, 2, rd, rs1, off);
}

uint32_t rv_sw(unsigned rs2, unsigned rs1, int32_t off)
{
	return s_type(2, rs1, rs2, off);
}

uint32_t rv_beq(unsigned rs1, unsigned rs2, int32_t off)
{
	return b_type(0, rs1, rs2, off);
}

uint32_t rv_bne(unsigned rs1, unsigned rs2, int32_t off)
{
	return b_type(1, rs1, rs2, off);
}

uint32_t rv_jal(unsigned rd, int32_t off)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3FF) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xFF) << 12 | rd << 7 | 0x6F;
}

uint32_t rv_csrrw(unsigned rd, unsigned csr, unsigned rs1)
{
	return i_type(0x73, 1, rd, rs1, (int32_t)csr);
}

uint32_t rv_csrrs(unsigned rd, unsigned csr, unsigned rs1)
{
	return i_type(0x73, 2, rd, rs1, (int32_t)csr);
}

uint32_t rv_wfi(void)
{
	return 0x10500073u;
}

uint32_t rv_mret(void)
{
	return 0x30200073u;
}

unsigned rv_li(uint32_t *p, unsigned rd, uint32_t value)
{
	/* addi sign-extends its 12 bits: round the upper part accordingly */
	uint32_t hi = (value + 0x800u) >> 12;
	int32_t lo = (int32_t)(value - (hi << 12));

	if (hi == 0 || hi == 0x100000u) {
		p[0] = rv_addi(rd, RV_ZERO, lo);
		return 1;
	}
	p[0] = rv_lui(rd, hi);
	if (!lo)
		return 1;
	p[1] = rv_addi(rd, rd, lo);
	return 2;
}

/* ---- The load service -------------------------------------------------------------- */

#define LS_HANDLER_WORD 64 /* trap handler at code + 0x100 */

uint32_t nt_load_service(uint32_t code[1024], uint32_t code_va, bool trap_handler)
{
	unsigned i = 0, loop, br, load;

	memset(code, 0, 4096); /* 0x00000000 is an illegal instruction */
	code[i++] = rv_lui(RV_T0, NPU_LRT_PERIPH_BASE >> 12);
	code[i++] = rv_addi(RV_T1, RV_ZERO, NPU_LRT_IRQ_INBOX);
	code[i++] = rv_sw(RV_T1, RV_T0, NPU_LRT_INTC_ENABLE);
	i += rv_li(&code[i], RV_T1, 1u << 11);            /* mie.MEIE */
	code[i++] = rv_csrrs(RV_ZERO, RV_CSR_MIE, RV_T1);
	if (trap_handler) {
		i += rv_li(&code[i], RV_T1, code_va + LS_HANDLER_WORD * 4);
		code[i++] = rv_csrrw(RV_ZERO, RV_CSR_MTVEC, RV_T1);
	}
	loop = i;
	code[i++] = rv_lw(RV_A1, RV_T0, NPU_LRT_INBOX_DATA);  /* pop; ~0 when empty */
	code[i++] = rv_addi(RV_T2, RV_ZERO, -1);
	br = i++;                                             /* bne a1, t2, got */
	/* WFI completes when mip & mie != 0 even with mstatus.MIE = 0, so the
	 * inbox interrupt wakes the core without taking a trap. */
	code[i++] = rv_wfi();
	code[i] = rv_jal(RV_ZERO, ((int32_t)loop - (int32_t)i) * 4);
	i++;
	code[br] = rv_bne(RV_A1, RV_T2, ((int32_t)i - (int32_t)br) * 4);
	i += rv_li(&code[i], RV_A0, NT_FAULT_MARK);
	load = i;
	code[i++] = rv_lw(RV_A0, RV_A1, 0);                  /* the translated access */
	code[i++] = rv_sw(RV_A0, RV_T0, NPU_LRT_OUTBOX_DATA); /* push to the host */
	code[i] = rv_jal(RV_ZERO, ((int32_t)loop - (int32_t)i) * 4);
	i++;
	/* handler: skip the faulting instruction (mepc += 4), return */
	i = LS_HANDLER_WORD;
	code[i++] = rv_csrrs(RV_T3, RV_CSR_MEPC, RV_ZERO);
	code[i++] = rv_addi(RV_T3, RV_T3, 4);
	code[i++] = rv_csrrw(RV_ZERO, RV_CSR_MEPC, RV_T3);
	code[i++] = rv_mret();
	return load * 4;
}

void nt_core_start(struct qt_npu *n, uint32_t entry)
{
	uint32_t v;

	/* ivpu_hw_boot_fw: snoop_disable (37xx): NOSNOOP_OVERRIDE_EN set,
	 * AW_NOSNOOP clear, AR_NOSNOOP set (no force_snoop) */
	v = rv(n, NPU_HOST_IF_TCU_PTW_OVERRIDES);
	v |= NPU_TCU_PTW_NOSNOOP_OVERRIDE_EN | NPU_TCU_PTW_AR_NOSNOOP_OVERRIDE;
	v &= ~NPU_TCU_PTW_AW_NOSNOOP_OVERRIDE;
	wv(n, NPU_HOST_IF_TCU_PTW_OVERRIDES, v);
	/* tbu_mmu_enable (37xx): TBU0 and TBU2 AW/AR SSID valid */
	wv(n, NPU_HOST_IF_TBU_MMUSSIDV, rv(n, NPU_HOST_IF_TBU_MMUSSIDV) |
	   NPU_TBU_AWMMUSSIDV(0) | NPU_TBU_ARMMUSSIDV(0) | NPU_TBU_AWMMUSSIDV(2) | NPU_TBU_ARMMUSSIDV(2));
	/* soc_cpu_boot_37xx */
	v = rv(n, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC);
	v |= NPU_LEON_RT_VEC_IRQI_RSTRUN0;
	v &= ~NPU_LEON_RT_VEC_IRQI_RSTVEC;
	wv(n, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);
	v |= NPU_LEON_RT_VEC_IRQI_RESUME0;
	wv(n, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);
	v &= ~NPU_LEON_RT_VEC_IRQI_RESUME0;
	wv(n, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);
	v = entry >> NPU_LOADING_ADDRESS_SHIFT;
	wv(n, NPU_HOST_SS_LOADING_ADDRESS_LO, v);
	wv(n, NPU_HOST_SS_LOADING_ADDRESS_LO, v | NPU_LOADING_ADDRESS_DONE);
}

uint32_t nt_core_load(struct qt_npu *n, uint32_t va, uint64_t timeout_us, bool *ok)
{
	uint64_t waited = 0;

	wv(n, NPU_CPU_SS_TIM_IPC_FIFO, va);
	for (;;) {
		uint32_t st = rv(n, NPU_HOST_SS_TIM_IPC_FIFO_STAT);

		if (NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL, st)) {
			*ok = true;
			return rv(n, NPU_HOST_SS_TIM_IPC_FIFO_ATM);
		}
		if (waited >= timeout_us || qt_failed(n->q)) {
			*ok = false;
			return 0;
		}
		qt_clock_step(n->q, 10000);
		waited += 10;
	}
}
