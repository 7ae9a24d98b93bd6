/* SPDX-License-Identifier: MIT */
/*
 * Driver core, firmware boot (boot.c): boot parameters field by field as
 * ivpu_fw_boot_params_setup fills them (hw-facts §4.4), the CPU start
 * registers (§3.3), the polled ready message and its failures with the
 * decoded dump (§3.4), and the interrupt enable that follows.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drv.h"
#include "fake_npu.h"

#define B0 NPU_BAR_REGV
#define B4 NPU_BAR_REGB

static struct fake_npu *f;
static struct npu_device *dev;

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	fake_npu_free(f);
	f = NULL;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void test_cold_boot_params(void)
{
	struct npu_boot_params bp;
	struct timespec now;
	uint64_t rx;

	f = fake_npu_new();
	fake_set_reg(f, B4, NPU_BTRS_VPU_TELEMETRY_OFFSET, 0x1000);
	fake_set_reg(f, B4, NPU_BTRS_VPU_TELEMETRY_SIZE, 0x2000);
	fake_set_reg(f, B4, NPU_BTRS_VPU_TELEMETRY_ENABLE, 1);
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(fake_va_read(f, 0, 0x84800000, &bp, sizeof(bp)), 0);
	rx = dev->ipc.rx->va;
	timespec_get(&now, TIME_UTC);

	CU_ASSERT_EQUAL(bp.magic, 0x10000);
	CU_ASSERT_EQUAL(bp.vpu_id, 0x3a);                 /* PCI bus of 0000:3a:0b.0 */
	CU_ASSERT_EQUAL(bp.vpu_count, 0);
	CU_ASSERT_EQUAL(bp.frequency, 0);                 /* ivpu 6.12 leaves it 0 */
	CU_ASSERT_EQUAL(bp.perf_clk_frequency, 38400000);
	CU_ASSERT_EQUAL(bp.ipc_header_area_start, rx);
	CU_ASSERT_EQUAL(bp.ipc_header_area_size, 0x2000);
	CU_ASSERT_EQUAL(bp.ipc_payload_area_start, rx + 0x2000);
	CU_ASSERT_EQUAL(bp.ipc_payload_area_size, 0x2000);
	CU_ASSERT_EQUAL(bp.shared_region_base, 0x84900000);
	CU_ASSERT_EQUAL(bp.shared_region_size, 0x10000000);
	CU_ASSERT_EQUAL(bp.global_aliased_pio_base, 0xC0000000);
	CU_ASSERT_EQUAL(bp.global_aliased_pio_size, 255u << 20);
	CU_ASSERT_EQUAL(bp.autoconfig, 1);
	CU_ASSERT_EQUAL(bp.cache_defaults[NPU_BOOT_L2_CACHE_CFG_UPA].use, 0);
	CU_ASSERT_EQUAL(bp.cache_defaults[NPU_BOOT_L2_CACHE_CFG_UPA].cfg, 0);
	CU_ASSERT_EQUAL(bp.cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN].use, 1);
	CU_ASSERT_EQUAL(bp.cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN].cfg, 3);   /* 0x180000000 >> 31 */
	CU_ASSERT_EQUAL(bp.global_memory_allocator_base, 0);
	CU_ASSERT_EQUAL(bp.global_memory_allocator_size, 0);
	CU_ASSERT_EQUAL(bp.shave_nn_fw_base, 0);          /* no SHAVE-NN in this image */
	CU_ASSERT_EQUAL(bp.save_restore_ret_address, 0);
	CU_ASSERT_EQUAL(bp.watchdog_irq_mss, 32);
	CU_ASSERT_EQUAL(bp.watchdog_irq_nce, 33);
	CU_ASSERT_TRUE(all_zero(&bp.host_to_vpu_irq, 10 * sizeof(uint32_t)));
	CU_ASSERT_EQUAL(bp.host_version_id, 0);
	CU_ASSERT_EQUAL(bp.si_stepping, 4);
	CU_ASSERT_EQUAL(bp.device_id, 0x7D1D);
	CU_ASSERT_EQUAL(bp.feature_exclusion, 0);
	CU_ASSERT_EQUAL(bp.sku, 0x3630);
	CU_ASSERT_EQUAL(bp.min_freq_pll_ratio, 9);
	CU_ASSERT_EQUAL(bp.max_freq_pll_ratio, 35);
	CU_ASSERT_EQUAL(bp.pn_freq_pll_ratio, 21);
	CU_ASSERT_EQUAL(bp.default_trace_level, NPU_LOG_LEVEL_ERROR);
	CU_ASSERT_EQUAL(bp.boot_type, NPU_BOOT_TYPE_COLD);
	CU_ASSERT_EQUAL(bp.punit_telemetry_sram_base, 0x1000);
	CU_ASSERT_EQUAL(bp.punit_telemetry_sram_size, 0x2000);
	CU_ASSERT_EQUAL(bp.vpu_telemetry_enable, 1);
	CU_ASSERT_EQUAL(bp.crit_tracing_buff_addr, dev->fw.log_crit->va);
	CU_ASSERT_EQUAL(bp.crit_tracing_buff_size, 0x80000);
	CU_ASSERT_EQUAL(bp.verbose_tracing_buff_addr, dev->fw.log_verb->va);
	CU_ASSERT_EQUAL(bp.verbose_tracing_buff_size, 0x100000);
	CU_ASSERT_EQUAL(bp.verbose_tracing_sw_component_mask, 0);
	CU_ASSERT_EQUAL(bp.trace_destination_mask, 0x2);
	CU_ASSERT_EQUAL(bp.trace_hw_component_mask, UINT64_MAX);
	CU_ASSERT_EQUAL(bp.tracing_buff_message_format_mask, 1);
	CU_ASSERT_EQUAL(bp.dvfs_mode, 0);
	CU_ASSERT_EQUAL(bp.d0i3_delayed_entry, 1);
	CU_ASSERT_EQUAL(bp.d0i3_residency_time_us, 0);
	CU_ASSERT_EQUAL(bp.d0i3_entry_vpu_ts, 0);
	CU_ASSERT_TRUE(bp.system_time_us / 1000000 + 60 > (uint64_t)now.tv_sec &&
		       bp.system_time_us / 1000000 <= (uint64_t)now.tv_sec);
	CU_ASSERT_EQUAL(bp.vpu_scheduling_mode, NPU_SCHEDULING_MODE_OS);
	CU_ASSERT_EQUAL(bp.vpu_focus_present_timer_ms, 0);
	CU_ASSERT_EQUAL(bp.warm_boot_sections_count, 0);
	CU_ASSERT_TRUE(all_zero(bp.pad6, sizeof(bp.pad6)));
	done();
}

/* First byte where two pages differ, or -1. */
static long first_difference(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

/* The whole 4 KiB page of a cold boot against one built here from the
 * hw-facts §4.4 table (every field the table does not set is zero), then
 * the page of the warm boot that follows a D0i3 entry: only the D0i3 time
 * fields and save_restore_ret_address may differ from the cold page. */
static void test_boot_params_every_byte(void)
{
	struct npu_boot_params cold, want, warm;
	long at;

	f = fake_npu_new();
	fake_set_reg(f, B4, NPU_BTRS_VPU_TELEMETRY_OFFSET, 0x1000);
	fake_set_reg(f, B4, NPU_BTRS_VPU_TELEMETRY_SIZE, 0x2000);
	fake_set_reg(f, B4, NPU_BTRS_VPU_TELEMETRY_ENABLE, 1);
	f->fw.warm_entry = 0x84803000;
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(fake_va_read(f, 0, 0x84800000, &cold, sizeof(cold)), 0);

	memset(&want, 0, sizeof(want));
	want.magic = 0x10000;
	want.vpu_id = 0x3a;
	want.perf_clk_frequency = 38400000;
	want.ipc_header_area_start = dev->ipc.rx->va;
	want.ipc_header_area_size = 0x2000;
	want.shared_region_base = 0x84900000;
	want.shared_region_size = 0x10000000;
	want.ipc_payload_area_start = dev->ipc.rx->va + 0x2000;
	want.ipc_payload_area_size = 0x2000;
	want.global_aliased_pio_base = 0xC0000000;
	want.global_aliased_pio_size = 255u << 20;
	want.autoconfig = 1;
	want.cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN].use = 1;
	want.cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN].cfg = 3;
	want.watchdog_irq_mss = 32;
	want.watchdog_irq_nce = 33;
	want.si_stepping = 4;
	want.device_id = 0x7D1D;
	want.sku = 0x3630;
	want.min_freq_pll_ratio = 9;
	want.max_freq_pll_ratio = 35;
	want.default_trace_level = NPU_LOG_LEVEL_ERROR;
	want.punit_telemetry_sram_base = 0x1000;
	want.punit_telemetry_sram_size = 0x2000;
	want.vpu_telemetry_enable = 1;
	want.crit_tracing_buff_addr = dev->fw.log_crit->va;
	want.crit_tracing_buff_size = 0x80000;
	want.verbose_tracing_buff_addr = dev->fw.log_verb->va;
	want.verbose_tracing_buff_size = 0x100000;
	want.trace_destination_mask = 0x2;
	want.trace_hw_component_mask = UINT64_MAX;
	want.tracing_buff_message_format_mask = 1;
	want.pn_freq_pll_ratio = 21;
	want.d0i3_delayed_entry = 1;
	want.system_time_us = cold.system_time_us;    /* the wall clock: see the test above */
	at = first_difference(&cold, &want, sizeof(cold));
	if (at >= 0)
		fprintf(stderr, "\n    cold page differs at offset 0x%lx\n", at);
	CU_ASSERT_EQUAL(at, -1);

	CU_ASSERT_EQUAL_FATAL(npu_suspend(dev), 0);
	f->now_ns += 3000000;
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL_FATAL(fake_va_read(f, 0, 0x84800000, &warm, sizeof(warm)), 0);
	CU_ASSERT_EQUAL(warm.save_restore_ret_address, 0);
	CU_ASSERT_TRUE(warm.d0i3_residency_time_us >= 3000 && warm.d0i3_residency_time_us < 4000);
	CU_ASSERT_TRUE(warm.system_time_us >= cold.system_time_us);
	want.d0i3_residency_time_us = warm.d0i3_residency_time_us;
	want.d0i3_entry_vpu_ts = warm.d0i3_entry_vpu_ts;
	want.system_time_us = warm.system_time_us;
	at = first_difference(&warm, &want, sizeof(warm));
	if (at >= 0)
		fprintf(stderr, "\n    warm page differs at offset 0x%lx\n", at);
	CU_ASSERT_EQUAL(at, -1);
	done();
}

static void test_hw_mode_and_old_boot_api(void)
{
	struct npu_open_params p;
	struct npu_boot_params bp;
	struct npu_fw_header *h;
	size_t size;
	uint8_t *file;

	f = fake_npu_new();
	fake_params(&p, fake_fw_file());
	p.sched_mode = NPU_SCHED_HW;
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL_FATAL(fake_va_read(f, 0, 0x84800000, &bp, sizeof(bp)), 0);
	CU_ASSERT_EQUAL(bp.vpu_scheduling_mode, NPU_SCHEDULING_MODE_HW);
	CU_ASSERT_EQUAL(bp.vpu_focus_present_timer_ms, 1000);
	done();

	/* BOOT API 3.16: no d0i3_delayed_entry and no D0I3_ENTER message */
	file = fake_fw_image(0x4000, &size, &h);
	h->api_version[NPU_FW_API_BOOT] = NPU_API_VERSION(3, 16);
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_write_file(file, size), &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL_FATAL(fake_va_read(f, 0, 0x84800000, &bp, sizeof(bp)), 0);
	CU_ASSERT_EQUAL(bp.d0i3_delayed_entry, 0);
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	CU_ASSERT_EQUAL(f->n_reqs, 0);
	done();
	free(file);
}

/* Steps up to a ready-to-start firmware */
static void prepared(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_fw_request(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_hw_info(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_power_up(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_mmu_init(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_fw_load(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_ipc_init(dev), 0);
	CU_ASSERT_EQUAL_FATAL(npu_step_boot_params(dev), 0);
}

static void test_cpu_start_registers(void)
{
	static const struct { uint32_t off, val; } want[] = {
		{ NPU_HOST_IF_TCU_PTW_OVERRIDES, 0x28 },      /* NOSNOOP_OVERRIDE_EN | AR_NOSNOOP */
		{ NPU_HOST_IF_TBU_MMUSSIDV, 0x33 },           /* TBU0 and TBU2, AW and AR */
		{ NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, 0x5 },   /* RSTRUN0, RSTVEC cleared, RSTRUN1 kept */
		{ NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, 0x7 },   /* + RESUME0 */
		{ NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, 0x5 },   /* - RESUME0 */
		{ NPU_HOST_SS_LOADING_ADDRESS_LO, 0x00424010 },   /* 0x84802000 >> 9 */
		{ NPU_HOST_SS_LOADING_ADDRESS_LO, 0x00424011 },   /* | DONE */
	};
	size_t k = 0;
	long from;

	prepared();
	fake_set_reg(f, B0, NPU_HOST_IF_TCU_PTW_OVERRIDES, NPU_TCU_PTW_AW_NOSNOOP_OVERRIDE);
	fake_set_reg(f, B0, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, 0xFFFF0 | NPU_LEON_RT_VEC_IRQI_RSTRUN1);
	from = (long)f->n_log;
	CU_ASSERT_EQUAL(npu_step_cpu_start(dev, npu_cold_entry(dev)), 0);
	for (uint64_t i = (uint64_t)from; i < f->n_log; i++) {
		if (f->log[i].op != FAKE_WR32)
			continue;
		CU_ASSERT_FATAL(k < NPU_ARRAY_SIZE(want));
		CU_ASSERT_EQUAL(f->log[i].off, want[k].off);
		CU_ASSERT_EQUAL(f->log[i].val, want[k].val);
		k++;
	}
	CU_ASSERT_EQUAL(k, NPU_ARRAY_SIZE(want));
	CU_ASSERT_EQUAL(f->boots, 1);
	CU_ASSERT_EQUAL(f->last_entry, 0x84802000);
	CU_ASSERT_STRING_EQUAL(f->last_problem, "");
	CU_ASSERT_EQUAL(npu_step_wait_ready(dev), 0);
	CU_ASSERT_EQUAL(f->irq_waits, 0);      /* polled: interrupts are still off */
	CU_ASSERT_EQUAL(npu_step_irq_enable(dev), 0);
	done();
}

static void test_cpu_start_bypasses_validation(void)
{
	prepared();
	/* an entry outside the image: no check, the registers say what we asked */
	CU_ASSERT_EQUAL(npu_step_cpu_start(dev, 0x12345000), 0);
	CU_ASSERT_EQUAL(fake_written(f, B0, NPU_HOST_SS_LOADING_ADDRESS_LO, 0), 0x12345000 >> 9);
	CU_ASSERT_EQUAL(f->last_entry, 0x12345000);
	done();
}

static void test_invalid_ready_message(void)
{
	f = fake_npu_new();
	f->fw.boot = FAKE_BOOT_BAD_ADDR;
	CU_ASSERT_EQUAL(fake_boot(f, &dev), -EIO);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "ready message is not \"BOOT\": data_addr 0x12345678 "
			       "on channel 0x3ff, expected 0x424f4f54 (\"BOOT\")");
	done();
}

static void diag_has(const char *s)
{
	if (!strstr(npu_last_diagnosis(dev), s))
		fprintf(stderr, "\n    diagnosis lacks \"%s\":\n%s", s, npu_last_diagnosis(dev));
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), s) != NULL);
}

static void test_boot_timeout_dump(void)
{
	uint32_t ev[8] = { NPU_MMU_EVT_F_TRANSLATION, 0, 0, NPU_MMU_EVT_3_IND, 0x84900000, 0, 0, 0 };
	static const char text[] = "fw: starting\nfw: waiting for \0godot\n";
	struct npu_tracing_buffer_header h = { 0 };
	uint64_t t0;

	prepared();
	f->fw.boot = FAKE_BOOT_NEVER;
	/* the control core reports "halted" with a halt code and a trap */
	fake_set_reg(f, B0, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL, NPU_DSU_STATE_HALTED);
	fake_set_reg(f, B0, NPU_CPU_SS_DSU_LEON_RT_PC_REG, 0x84802040);
	fake_set_reg(f, B0, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG, NPU_DSU_TRAP_VALID | 2 |
		     (uint32_t)NPU_FLD_PREP(NPU_DSU_TRAP_HALT_CODE, 0x10));
	/* a firmware log with two lines */
	h.vpu_canary_start = NPU_TRACING_BUFFER_CANARY;
	h.header_size = 128;
	h.size = 4096;
	h.write_index = sizeof(text) - 1;
	memcpy(h.name, "LRT", 4);
	CU_ASSERT_EQUAL(npu_global_write(dev, dev->fw.log_crit->va, &h, sizeof(h)), 0);
	CU_ASSERT_EQUAL(npu_global_write(dev, dev->fw.log_crit->va + 128, text, sizeof(text) - 1), 0);
	CU_ASSERT_EQUAL(npu_step_cpu_start(dev, npu_cold_entry(dev)), 0);
	fake_mmu_event(f, ev);
	t0 = f->now_ns;
	CU_ASSERT_EQUAL(npu_step_wait_ready(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(f->now_ns - t0 >= 1000000000ull && f->now_ns - t0 < 1001000000ull);
	CU_ASSERT_STRING_EQUAL(npu_last_error(dev), "firmware did not send the ready message within "
			       "1000 ms (entry 0x84802000)");
	diag_has("boot failure diagnosis");
	diag_has("buttress: BTRS_INTERRUPT_STAT=0x00000000");
	diag_has("buttress: BTRS_VPU_STATUS=0x00000001 [READY=1 IDLE=0]");
	diag_has("HOST_SS_ICB_STATUS_0=0x00000020");                       /* MMU_IRQ_0 pending */
	diag_has("HOST_SS_LOADING_ADDRESS_LO=0x00424011 [DONE=1");
	diag_has("CPU_SS_MSSCPU_CPR_LEON_RT_VEC=0x00000001");
	diag_has("MMU_CR0=0x0000001d");
	diag_has("MMU event F_TRANSLATION (0x10): SSID 0 SID 0 input address 0x84900000");
	diag_has("control core: halted by the firmware, PC 0x84802040");
	diag_has("last trap: exception 2 (illegal instruction)");
	diag_has("firmware halt code: 0x10 (bad boot params: magic is not 0x10000)");
	diag_has("| --- firmware log \"LRT\" (critical) ---");
	diag_has("| fw: starting\n");
	diag_has("| fw: waiting for \n");
	diag_has("| godot\n");
	done();
}

static void test_boot_timeout_fifo_garbage(void)
{
	prepared();
	f->fw.boot = FAKE_BOOT_NEVER;
	fake_force_read(f, B0, NPU_HOST_SS_TIM_IPC_FIFO_STAT,
			(uint32_t)NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL, 1));
	fake_force_read(f, B0, NPU_HOST_SS_TIM_IPC_FIFO_ATM, UINT32_MAX);
	CU_ASSERT_EQUAL(npu_step_cpu_start(dev, npu_cold_entry(dev)), 0);
	CU_ASSERT_EQUAL(npu_step_wait_ready(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "last IPC problem: TIM_IPC_FIFO_ATM popped "
			      "0xffffffff, a read error, while FILL_LEVEL was 1") != NULL);
	diag_has("1 message(s) left in the host IPC FIFO: its interrupt was missed or not serviced");
	diag_has("control core: in reset");
	diag_has("no valid log buffer header");
	done();
}

static void test_irq_enable_after_ready(void)
{
	long from, clr, soc, en, lmask, gmask;

	prepared();
	CU_ASSERT_EQUAL(npu_step_cpu_start(dev, npu_cold_entry(dev)), 0);
	CU_ASSERT_EQUAL(npu_step_wait_ready(dev), 0);
	from = (long)f->n_log;
	CU_ASSERT_EQUAL(npu_step_irq_enable(dev), 0);
	clr = fake_find(f, from, FAKE_WR64, B0, NPU_HOST_SS_ICB_CLEAR_0);
	soc = fake_find(f, from, FAKE_WR32, B0, NPU_HOST_SS_FW_SOC_IRQ_EN);
	en = fake_find(f, from, FAKE_WR64, B0, NPU_HOST_SS_ICB_ENABLE_0);
	lmask = fake_find(f, from, FAKE_WR32, B4, NPU_BTRS_LOCAL_INT_MASK);
	gmask = fake_find(f, from, FAKE_WR32, B4, NPU_BTRS_GLOBAL_INT_MASK);
	CU_ASSERT_TRUE(clr >= 0 && clr < soc && soc < en && en < lmask && lmask < gmask);
	CU_ASSERT_EQUAL(f->log[clr].val, 0x7C00001F0ull);
	CU_ASSERT_EQUAL(f->log[soc].val, 0x7F);
	CU_ASSERT_EQUAL(f->log[en].val, 0x7C00001F0ull);
	CU_ASSERT_EQUAL(f->log[lmask].val, 0xFFFFFFF9u);
	CU_ASSERT_EQUAL(f->log[gmask].val, 0);
	CU_ASSERT_TRUE(f->msi_enabled);
	CU_ASSERT_TRUE(dev->irq_on);
	CU_ASSERT_TRUE(dev->ipc.on);
	done();
}

static void test_irq_enable_failure_polls(void)
{
	uint64_t hb;

	f = fake_npu_new();
	f->irq_enable_fails = true;
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	CU_ASSERT_TRUE(fake_log_has("cannot enable the MSI"));
	CU_ASSERT_FALSE(dev->irq_on);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(f->irq_waits, 0);
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_boot", NULL, NULL);
	CU_add_test(s, "cold boot params field by field", test_cold_boot_params);
	CU_add_test(s, "cold and warm boot params, every byte", test_boot_params_every_byte);
	CU_add_test(s, "HW mode and BOOT API < 3.17", test_hw_mode_and_old_boot_api);
	CU_add_test(s, "CPU start registers", test_cpu_start_registers);
	CU_add_test(s, "cpu_start bypasses validation", test_cpu_start_bypasses_validation);
	CU_add_test(s, "invalid ready message", test_invalid_ready_message);
	CU_add_test(s, "boot timeout: decoded dump", test_boot_timeout_dump);
	CU_add_test(s, "boot timeout: FIFO garbage, missed IRQ", test_boot_timeout_fifo_garbage);
	CU_add_test(s, "interrupt enable after ready", test_irq_enable_after_ready);
	CU_add_test(s, "MSI unavailable: polling", test_irq_enable_failure_polls);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
