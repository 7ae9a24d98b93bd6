/* SPDX-License-Identifier: MIT */
/*
 * Driver core, register access (regs.c, regs_desc.c): the register table of
 * hw-facts §2 (sorted, fields inside the register, write-only and
 * side-effect registers never read), field decoding, trace lines, the poll
 * helper's semantics (read_poll_timeout).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

static struct fake_npu *f;
static struct npu_device *dev;

static void test_table_sane(void)
{
	for (size_t i = 0; i < npu_reg_table_len; i++) {
		const struct npu_reg_desc *d = &npu_reg_table[i];
		uint64_t seen = 0;

		CU_ASSERT_TRUE(d->width == 4 || d->width == 8);
		CU_ASSERT_EQUAL(d->off % d->width, 0);
		if (i) {
			const struct npu_reg_desc *p = &npu_reg_table[i - 1];

			CU_ASSERT_TRUE(p->bar > d->bar || (p->bar == d->bar && p->off < d->off) ||
				       p->bar < d->bar);
			if (p->bar == d->bar)
				CU_ASSERT_TRUE(p->off + p->width <= d->off);
		}
		for (const struct npu_field_desc *fl = d->fields; fl && fl->name; fl++) {
			CU_ASSERT_NOT_EQUAL(fl->mask, 0);
			CU_ASSERT_EQUAL(seen & fl->mask, 0);        /* fields do not overlap */
			seen |= fl->mask;
		}
		CU_ASSERT_EQUAL(npu_regs_find(d->bar, d->off, NULL), d);
	}
	/* registers with read side effects are never read by the driver's dumps */
	CU_ASSERT_TRUE(npu_regs_find(NPU_BAR_REGV, NPU_HOST_SS_TIM_IPC_FIFO_ATM, NULL)->flags &
		       NPU_REG_NOREAD);
	CU_ASSERT_TRUE(npu_regs_find(NPU_BAR_REGV, NPU_CPU_SS_TIM_IPC_FIFO, NULL)->flags &
		       NPU_REG_NOREAD);
	CU_ASSERT_TRUE(npu_regs_find(NPU_BAR_REGV, NPU_HOST_SS_ICB_CLEAR_0, NULL)->flags &
		       NPU_REG_NOREAD);
	CU_ASSERT_PTR_NULL(npu_regs_find(NPU_BAR_REGV, 0x12340000, NULL));
}

static void test_describe(void)
{
	char b[256];

	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_VPU_STATUS, 3, b, sizeof(b)),
			       "BTRS_VPU_STATUS=0x00000003 [READY=1 IDLE=1]");
	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_WP_REQ_PAYLOAD0, 0x00230009,
						 b, sizeof(b)),
			       "BTRS_WP_REQ_PAYLOAD0=0x00230009 [MIN_RATIO=9 MAX_RATIO=35]");
	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGV, NPU_MMU_STRTAB_BASE,
						 0x4000000100007000ull, b, sizeof(b)),
			       "MMU_STRTAB_BASE=0x4000000100007000");
	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGV, NPU_MMU_STRTAB_BASE_HI, 0x40000001,
						 b, sizeof(b)), "MMU_STRTAB_BASE.HI=0x40000001");
	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGV, NPU_CPU_SS_DOORBELL(5), 1, b, sizeof(b)),
			       "CPU_SS_DOORBELL[5]=0x00000001 [SET=1]");
	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGV, 0x1234, 7, b, sizeof(b)),
			       "BAR0+0x1234=0x00000007");
	CU_ASSERT_STRING_EQUAL(npu_regs_describe(NPU_BAR_REGV, NPU_HOST_SS_LOADING_ADDRESS_LO,
						 0x00424011, b, sizeof(b)),
			       "HOST_SS_LOADING_ADDRESS_LO=0x00424011 [DONE=1 IOSF_RS_ID=0 IMAGE_LOCATION=542722]");
	/* truncation is safe */
	npu_regs_describe(NPU_BAR_REGV, NPU_HOST_SS_ICB_STATUS_0, 0xFFFFFFFF, b, 20);
	CU_ASSERT_EQUAL(strlen(b), 19);
}

static void test_trace_and_snapshot(void)
{
	struct npu_open_params p;
	char b[128];
	uint64_t reads;

	f = fake_npu_new();
	fake_params(&p, fake_fw_file());
	p.log_level = NPU_LOG_TRACE;
	fake_log_clear();
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL(npu_reg_read32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL), 4);
	CU_ASSERT_TRUE(fake_log_has("rd32 BAR4+0x00000060 BTRS_VPU_D0I3_CONTROL=0x00000004 "
				    "[INPROGRESS=0 I3=1]"));
	npu_reg_write32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_TELEMETRY_SIZE, 0x10);
	CU_ASSERT_TRUE(fake_log_has("wr32 BAR4+0x00000084 BTRS_VPU_TELEMETRY_SIZE=0x00000010"));
	/* BAR0 is not read while the IP is powered down */
	reads = f->mmio_reads;
	npu_regs_snapshot(dev, NPU_BAR_REGV, NPU_HOST_SS_ICB_STATUS_0, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "HOST_SS_ICB_STATUS_0=(unreachable: NPU IP powered down)");
	CU_ASSERT_EQUAL(f->mmio_reads, reads + 2);   /* VPU_STATUS and D0I3_CONTROL only */
	npu_close(dev);
	dev = NULL;
	fake_npu_free(f);
}

static void test_poll(void)
{
	uint32_t last = 0;
	uint64_t t0;
	unsigned n;

	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_step_pci_enable(dev), 0);
	/* already true: one read, no time passes */
	t0 = f->now_ns;
	n = (unsigned)f->mmio_reads;
	CU_ASSERT_EQUAL(npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL,
				   NPU_BTRS_VPU_D0I3_CONTROL_I3, NPU_BTRS_VPU_D0I3_CONTROL_I3, 1000,
				   &last), 0);
	CU_ASSERT_EQUAL(f->mmio_reads, n + 1);
	CU_ASSERT_EQUAL(f->now_ns, t0);
	CU_ASSERT_EQUAL(last, 4);
	/* never true: timeout after the final read */
	CU_ASSERT_EQUAL(npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL,
				   NPU_BTRS_VPU_D0I3_CONTROL_I3, 0, 1000, &last), -ETIMEDOUT);
	CU_ASSERT_EQUAL(f->now_ns - t0, 1000000);
	CU_ASSERT_EQUAL(f->mmio_reads, n + 1 + 21 + 1);   /* t = 0, 50, ... 1000 us, final */
	/* becomes true during the wait: the D0i3 transition completes after 5 us */
	npu_reg_write32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL, 0);
	CU_ASSERT_EQUAL(npu_poll32(dev, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL,
				   NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0, 1000, &last), 0);
	CU_ASSERT_EQUAL(f->now_ns - t0, 1050000);
	npu_close(dev);
	dev = NULL;
	fake_npu_free(f);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_regs", NULL, NULL);
	CU_add_test(s, "register table", test_table_sane);
	CU_add_test(s, "field decoding", test_describe);
	CU_add_test(s, "trace lines and powered-down snapshots", test_trace_and_snapshot);
	CU_add_test(s, "poll semantics", test_poll);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
