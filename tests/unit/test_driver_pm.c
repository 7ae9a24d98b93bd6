/* SPDX-License-Identifier: MIT */
/*
 * Driver core, power sequences (pm.c) against the fake NPU: the exact
 * register writes of Linux 6.12's MTL power-up (hw-facts §3.1) and
 * power-down (§3.6), every timeout and wrong read-back with its diagnosis,
 * the 50 us poll interval, buttress fuses and the clear-with-0 erratum.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

static struct fake_npu *f;
static struct npu_device *dev;

#define B4 NPU_BAR_REGB
#define B0 NPU_BAR_REGV

static void open_dev(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_hw_info(dev), 0);
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	fake_npu_free(f);
	f = NULL;
}

struct wr {
	unsigned bar;
	uint32_t off, val;
};

/* The writes logged from index `from` on must be exactly `want`. */
static void expect_writes(long from, const struct wr *want, size_t n)
{
	size_t k = 0;

	for (uint64_t i = (uint64_t)from; i < f->n_log && k <= n; i++) {
		const struct fake_access *a = &f->log[i];

		if (a->op != FAKE_WR32 && a->op != FAKE_WR64)
			continue;
		if (k == n) {
			fprintf(stderr, "\n    extra write BAR%u+0x%x = 0x%llx\n", a->bar, a->off,
				(unsigned long long)a->val);
			CU_FAIL("more writes than expected");
			return;
		}
		if (a->bar != want[k].bar || a->off != want[k].off || a->val != want[k].val) {
			fprintf(stderr, "\n    write %zu: BAR%u+0x%x = 0x%llx, expected BAR%u+0x%x = 0x%x\n",
				k, a->bar, a->off, (unsigned long long)a->val, want[k].bar, want[k].off,
				want[k].val);
			CU_FAIL("write sequence differs from ivpu");
			return;
		}
		k++;
	}
	CU_ASSERT_EQUAL(k, n);
}

static void test_power_up_sequence(void)
{
	static const struct wr want[] = {
		/* 1. workpoint 0 (min/max from fuses, target 0, EPP 0x80, config 0) */
		{ B4, NPU_BTRS_WP_REQ_PAYLOAD0, 0x00230009 },
		{ B4, NPU_BTRS_WP_REQ_PAYLOAD1, 0x00800000 },
		{ B4, NPU_BTRS_WP_REQ_PAYLOAD2, 0x00000000 },
		{ B4, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND },
		/* 2. D0i3 exit */
		{ B4, NPU_BTRS_VPU_D0I3_CONTROL, 0 },
		/* 3. workpoint: target = PN ratio 21, config 0x0202 */
		{ B4, NPU_BTRS_WP_REQ_PAYLOAD0, 0x00230009 },
		{ B4, NPU_BTRS_WP_REQ_PAYLOAD1, 0x00800015 },
		{ B4, NPU_BTRS_WP_REQ_PAYLOAD2, 0x00000202 },
		{ B4, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND },
		/* 5. host SS: TOP_NOC | DSS_MAS | MSS_MAS out of reset */
		{ B0, NPU_HOST_SS_CPR_RST_CLR, 0xC02 },
		/* 6. idle generator off */
		{ B0, NPU_HOST_SS_AON_VPU_IDLE_GEN, 0 },
		/* 7. power island: trickle, enable; clocks, isolation off, resets, DPU active */
		{ B0, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0, NPU_AON_PWR_MSS_CPU },
		{ B0, NPU_HOST_SS_AON_PWR_ISLAND_EN0, NPU_AON_PWR_MSS_CPU },
		{ B0, NPU_HOST_SS_CPR_CLK_SET, 0xC02 },
		{ B0, NPU_HOST_SS_AON_PWR_ISO_EN0, 0 },
		{ B0, NPU_HOST_SS_CPR_RST_SET, 0xC02 },
		{ B0, NPU_HOST_SS_AON_DPU_ACTIVE, NPU_AON_DPU_ACTIVE },
		/* 8. AXI, 9. TOP NOC */
		{ B0, NPU_HOST_SS_NOC_QREQN, NPU_HOST_SS_NOC_TOP_SOCMMIO },
		{ B0, NPU_TOP_NOC_QREQN, NPU_TOP_NOC_ALL },
	};
	long from;

	open_dev();
	from = (long)f->n_log;
	CU_ASSERT_EQUAL(npu_step_power_up(dev), 0);
	expect_writes(from, want, NPU_ARRAY_SIZE(want));
	CU_ASSERT_TRUE(f->powered);
	/* the IP-bar poll precedes the first BAR0 write; the checks read back */
	CU_ASSERT_TRUE(fake_find(f, from, FAKE_RD32, B0, NPU_HOST_SS_CPR_RST_CLR) <
		       fake_find(f, from, FAKE_WR32, B0, NPU_HOST_SS_CPR_RST_CLR));
	CU_ASSERT_TRUE(fake_find(f, from, FAKE_RD32, B0, NPU_TOP_NOC_QDENY) > 0);
	CU_ASSERT_TRUE(fake_find(f, from, FAKE_RD32, B0, NPU_HOST_SS_NOC_QDENY) > 0);
	CU_ASSERT_STRING_EQUAL(f->last_problem, "");
	done();
}

static void test_power_down_sequence(void)
{
	long from, perf, trig, wp, d0i3;

	open_dev();
	CU_ASSERT_EQUAL_FATAL(npu_step_power_up(dev), 0);
	from = (long)f->n_log;
	CU_ASSERT_EQUAL(npu_step_power_down(dev), 0);
	perf = fake_find(f, from, FAKE_RD64, B0, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	trig = fake_find(f, from, FAKE_WR32, B4, NPU_BTRS_VPU_IP_RESET);
	wp = fake_find(f, from, FAKE_WR32, B4, NPU_BTRS_WP_REQ_CMD);
	d0i3 = fake_find(f, from, FAKE_WR32, B4, NPU_BTRS_VPU_D0I3_CONTROL);
	CU_ASSERT_TRUE(perf >= 0 && perf < trig);
	CU_ASSERT_TRUE(trig >= 0 && trig < wp);
	CU_ASSERT_TRUE(wp >= 0 && wp < d0i3);
	CU_ASSERT_EQUAL(f->log[trig].val, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	CU_ASSERT_EQUAL(f->log[d0i3].val, NPU_BTRS_VPU_D0I3_CONTROL_I3);
	/* workpoint 0: target ratio 0 */
	CU_ASSERT_EQUAL(fake_written(f, B4, NPU_BTRS_WP_REQ_PAYLOAD1, 2), 0x00800000);
	CU_ASSERT_FALSE(f->powered);
	CU_ASSERT_EQUAL(f->current_ratio, 0);
	done();
}

/* Power-up fails with err, and the message has every piece in `parts`. */
static void expect_power_up_failure(int err, const char *const *parts)
{
	int ret = npu_step_power_up(dev);

	CU_ASSERT_EQUAL(ret, err);
	for (; *parts; parts++) {
		if (!strstr(npu_last_error(dev), *parts))
			fprintf(stderr, "\n    last error: %s\n    missing: %s\n", npu_last_error(dev),
				*parts);
		CU_ASSERT_TRUE(strstr(npu_last_error(dev), *parts) != NULL);
	}
}

static void test_workpoint_not_accepted(void)
{
	static const char *const msg[] = { "workpoint request not accepted within 1500 ms",
		"BTRS_WP_REQ_CMD=0x00000001 [SEND=1]", "BTRS_PLL_STATUS=0x00000000 [LOCK=0]",
		"BTRS_VPU_STATUS=0x00000002 [READY=0 IDLE=1]", NULL };

	open_dev();
	f->wp_delay_us = 2000000;  /* the punit takes 2 s per request */
	expect_power_up_failure(-ETIMEDOUT, msg);
	CU_ASSERT_TRUE(fake_log_has("power-up: workpoint 0 failed (continuing)"));
	done();
}

static void test_workpoint_stuck_before_request(void)
{
	static const char *const msg[] = { "previous workpoint request still pending",
		"BTRS_WP_REQ_CMD=0x00000001 [SEND=1]", NULL };

	open_dev();
	fake_force_read(f, B4, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	expect_power_up_failure(-ETIMEDOUT, msg);
	done();
}

static void test_pll_no_lock(void)
{
	static const char *const msg[] = { "PLL did not lock (PLL_STATUS.LOCK) within 1500 ms",
		"BTRS_PLL_STATUS=0x00000000 [LOCK=0]", NULL };

	open_dev();
	fake_force_read(f, B4, NPU_BTRS_PLL_STATUS, 0);
	expect_power_up_failure(-ETIMEDOUT, msg);
	done();
}

static void test_not_ready(void)
{
	static const char *const msg[] = { "NPU not ready (VPU_STATUS.READY) within 1500 ms",
		"BTRS_VPU_STATUS=0x00000000 [READY=0 IDLE=0]", "BTRS_PLL_STATUS=0x00000002 [LOCK=1]", NULL };

	open_dev();
	fake_force_read(f, B4, NPU_BTRS_VPU_STATUS, 0);
	expect_power_up_failure(-ETIMEDOUT, msg);
	done();
}

static void test_d0i3_stuck_only_warns(void)
{
	open_dev();
	f->d0i3_delay_us = 200000;   /* 200 ms > the 150 ms poll */
	CU_ASSERT_EQUAL(npu_step_power_up(dev), 0);
	CU_ASSERT_TRUE(fake_log_has("D0i3 exit failed (continuing): D0i3 exit not completed within "
				    "150 ms: BTRS_VPU_D0I3_CONTROL=0x00000001 [INPROGRESS=1 I3=0]"));
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "");
	done();
}

static void test_ip_bar_timeout(void)
{
	static const char *const msg[] = { "NPU IP BAR not reachable within 100 us",
		"HOST_SS_CPR_RST_CLR=0x00000001 [AON=1", NULL };

	open_dev();
	fake_force_read(f, B0, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_AON);
	expect_power_up_failure(-ETIMEDOUT, msg);
	done();
}

static void test_noc_read_backs(void)
{
	static const struct {
		unsigned bar;
		uint32_t off, val;
		const char *msg;
	} cases[] = {
		{ B0, NPU_HOST_SS_NOC_QREQN, 1, "host SS configure: NOC_QREQN.TOP_SOCMMIO not idle: "
		  "expected 0x0 in mask 0x1, read HOST_SS_NOC_QREQN=0x00000001 [TOP_SOCMMIO=1]" },
		{ B0, NPU_HOST_SS_NOC_QDENY, 1, "host SS configure: NOC_QDENY.TOP_SOCMMIO set" },
		{ B0, NPU_HOST_SS_NOC_QACCEPTN, 0, "AXI enable: NOC_QACCEPTN.TOP_SOCMMIO not accepted: "
		  "expected 0x1 in mask 0x1, read HOST_SS_NOC_QACCEPTN=0x00000000" },
		{ B0, NPU_TOP_NOC_QREQN, 3, "power domain: TOP_NOC_QREQN not idle" },
		{ B0, NPU_TOP_NOC_QACCEPTN, 1, "TOP NOC enable: TOP_NOC_QACCEPTN not accepted: expected "
		  "0x3 in mask 0x3, read TOP_NOC_QACCEPTN=0x00000001 [CPU_CTRL=1 HOSTIF_L2CACHE=0]" },
		{ B0, NPU_TOP_NOC_QDENY, 2, "TOP NOC enable: TOP_NOC_QDENY denied" },
	};

	for (size_t i = 0; i < NPU_ARRAY_SIZE(cases); i++) {
		const char *msg[] = { cases[i].msg, NULL };

		open_dev();
		fake_force_read(f, cases[i].bar, cases[i].off, cases[i].val);
		expect_power_up_failure(-EIO, msg);
		done();
	}
}

static void test_power_island_timeout(void)
{
	static const char *const msg[] = { "MSS_CPU power island not up within 5 ms",
		"HOST_SS_AON_PWR_ISLAND_STATUS0=0x00000000 [MSS_CPU=0]", "HOST_SS_AON_PWR_ISLAND_EN0=0x00000008 [MSS_CPU=1]",
		NULL };

	open_dev();
	fake_force_read(f, B0, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, 0);
	expect_power_up_failure(-ETIMEDOUT, msg);
	done();
}

static void test_poll_interval_and_timeout(void)
{
	uint64_t t0 = 0, last = 0;
	unsigned reads = 0;
	long from;

	open_dev();
	fake_force_read(f, B0, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, 0);
	from = (long)f->n_log;
	CU_ASSERT_EQUAL(npu_step_power_up(dev), -ETIMEDOUT);
	for (uint64_t i = (uint64_t)from; i < f->n_log; i++) {
		const struct fake_access *a = &f->log[i];

		if (a->op != FAKE_RD32 || a->off != NPU_HOST_SS_AON_PWR_ISLAND_STATUS0)
			continue;
		if (!reads)
			t0 = a->time_ns;
		else if (reads < 100)   /* the last two reads are back to back */
			CU_ASSERT_TRUE(a->time_ns - last == 50000 || a->time_ns == last);
		last = a->time_ns;
		reads++;
	}
	/* 5 ms at 50 us: 101 polls and one final read after the deadline */
	CU_ASSERT_EQUAL(reads, 102);
	CU_ASSERT_EQUAL(last - t0, 5000000);
	done();
}

static void test_ip_reset_timeout(void)
{
	open_dev();
	CU_ASSERT_EQUAL_FATAL(npu_step_power_up(dev), 0);
	fake_force_read(f, B4, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	CU_ASSERT_EQUAL(npu_step_power_down(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "IP reset: previous reset still in progress after "
			      "150 ms: BTRS_VPU_IP_RESET=0x00000001 [TRIGGER=1]") != NULL);
	/* power-down carried on: workpoint 0 and D0i3 were still requested */
	CU_ASSERT_EQUAL(f->current_ratio, 0);
	CU_ASSERT_TRUE((fake_reg(f, B4, NPU_BTRS_VPU_D0I3_CONTROL) & NPU_BTRS_VPU_D0I3_CONTROL_I3) != 0);
	fake_unforce(f, B4, NPU_BTRS_VPU_IP_RESET);
	done();
}

static void test_fuses_and_erratum(void)
{
	struct npu_info info;

	f = fake_npu_new();
	f->fuse_min = 5;
	f->fuse_pn = 40;     /* above max: clamped */
	f->fuse_max = 30;
	f->btrs_clear_with_0 = true;
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL(npu_step_hw_info(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.pll_min_ratio, 5);
	CU_ASSERT_EQUAL(info.pll_pn_ratio, 30);
	CU_ASSERT_EQUAL(info.pll_max_ratio, 30);
	/* probe: write all sources, read back 7 -> erratum -> clear by writing 0 */
	CU_ASSERT_EQUAL(fake_written(f, B4, NPU_BTRS_INTERRUPT_STAT, 0), NPU_BTRS_INTERRUPT_STAT_ALL);
	CU_ASSERT_EQUAL(fake_written(f, B4, NPU_BTRS_INTERRUPT_STAT, 1), 0);
	CU_ASSERT_EQUAL(fake_reg(f, B4, NPU_BTRS_INTERRUPT_STAT), 0);
	CU_ASSERT_TRUE(dev->hw.irq_clear_with_0);
	done();

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL(npu_step_hw_info(dev), 0);
	CU_ASSERT_FALSE(dev->hw.irq_clear_with_0);   /* W1C parts: one probe write only */
	CU_ASSERT_EQUAL(fake_written(f, B4, NPU_BTRS_INTERRUPT_STAT, 1), -1);
	done();

	f = fake_npu_new();
	fake_force_read(f, B4, NPU_BTRS_FMIN_FUSE, UINT32_MAX);
	fake_force_read(f, B4, NPU_BTRS_FMAX_FUSE, UINT32_MAX);
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -EIO);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "buttress not responding") != NULL);
	done();
}

static void test_boot_power_failure_resets(void)
{
	f = fake_npu_new();
	fake_force_read(f, B0, NPU_TOP_NOC_QDENY, 3);
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -EIO);
	CU_ASSERT_FALSE(f->powered);
	CU_ASSERT_TRUE((f->bar4[NPU_BTRS_VPU_D0I3_CONTROL / 4] & NPU_BTRS_VPU_D0I3_CONTROL_I3) != 0);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "TOP_NOC_QDENY") != NULL);  /* not overwritten */
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_pm", NULL, NULL);
	CU_add_test(s, "power-up writes as ivpu 6.12 (MTL)", test_power_up_sequence);
	CU_add_test(s, "power-down: IP reset, WP0, D0i3", test_power_down_sequence);
	CU_add_test(s, "workpoint not accepted", test_workpoint_not_accepted);
	CU_add_test(s, "workpoint SEND stuck", test_workpoint_stuck_before_request);
	CU_add_test(s, "PLL does not lock", test_pll_no_lock);
	CU_add_test(s, "VPU_STATUS.READY never", test_not_ready);
	CU_add_test(s, "D0i3 exit stuck only warns", test_d0i3_stuck_only_warns);
	CU_add_test(s, "IP BAR not reachable", test_ip_bar_timeout);
	CU_add_test(s, "NOC read-backs", test_noc_read_backs);
	CU_add_test(s, "power island timeout", test_power_island_timeout);
	CU_add_test(s, "poll interval 50 us and final read", test_poll_interval_and_timeout);
	CU_add_test(s, "IP reset timeout", test_ip_reset_timeout);
	CU_add_test(s, "fuses and the clear-with-0 erratum", test_fuses_and_erratum);
	CU_add_test(s, "failed power-up leaves reset", test_boot_power_failure_resets);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
