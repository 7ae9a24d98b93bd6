/* SPDX-License-Identifier: MIT */
/*
 * Firmware boot: boot parameters (the cold page and the warm-boot update,
 * hw-facts §4.4), CPU start (ivpu_hw_boot_fw: snoop/TBU setup and
 * soc_cpu_boot_37xx, §3.3), the ready message (ivpu_wait_for_ready, §3.4)
 * and the interrupt enable that follows it.
 */
#include <string.h>
#include <time.h>

#include "drv.h"

/* Values of hw-facts §4.4 that are constants rather than the device's */
#define BOOT_AUTOCONFIG              1u
#define BOOT_NN_L2_CACHE_USE         1u
#define BOOT_NN_L2_CACHE_CFG_SHIFT   31  /* cfg = SHAVE range start >> 31 */
#define BOOT_DVFS_MODE               0u
#define BOOT_HWS_FOCUS_TIMER_MS      1000u

static uint64_t wall_time_us(void)
{
	struct timespec ts;

	/* the host's wall clock (C11); 0 if it has none */
	if (timespec_get(&ts, TIME_UTC) != TIME_UTC)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The PCI bus number from a location such as "0000:00:0b.0" (vpu_id). */
static uint32_t pci_bus_number(const char *loc)
{
	const char *last = strrchr(loc, ':');
	const char *p;
	uint32_t bus = 0;

	if (!last || last == loc)
		return 0;
	for (p = last - 1; p > loc && p[-1] != ':'; p--)
		;
	for (; p < last; p++) {
		char c = *p;
		uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0') :
			     c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10) : 0;

		bus = bus * 16 + d;
	}
	return bus & 0xFF;
}

static uint32_t range_size32(const struct npu_range *r)
{
	return (uint32_t)(r->end - r->start);
}

/* The three fields every boot (re)writes, §4.4: how long the NPU spent in
 * D0i3 and the perf-counter value at its entry (both 0 on a cold boot), and
 * the host's wall clock. */
static void d0i3_times(struct npu_device *dev, struct npu_boot_params *bp, bool warm)
{
	bp->d0i3_residency_time_us = warm ? (npu_now_ns(dev) - dev->d0i3_entry_host_ns) / 1000u : 0;
	bp->d0i3_entry_vpu_ts = warm ? dev->d0i3_entry_vpu_ts : 0;
	bp->system_time_us = wall_time_us();
}

/* A cold boot's page, written whole in the field order of struct
 * npu_boot_params; the value of each field is the one hw-facts §4.4 gives,
 * and every field it leaves unset (vpu_count, frequency, the IRQ numbers
 * other than the watchdogs, ...) or the firmware owns stays zero. */
static void cold_page(struct npu_device *dev, struct npu_boot_params *bp)
{
	const struct npu_fw *fw = &dev->fw;
	const struct npu_buffer *rx = dev->ipc.rx;
	const uint32_t rx_half = (uint32_t)(rx->size / 2);   /* header area, then payload area */
	struct npu_boot_l2_cache_config *nn = &bp->cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN];

	memset(bp, 0, sizeof(*bp));
	bp->magic = NPU_BOOT_PARAMS_MAGIC;
	bp->vpu_id = pci_bus_number(dev->pci.location);
	bp->perf_clk_frequency = NPU_PERF_CLK_HZ;
	bp->ipc_header_area_start = rx->va;
	bp->ipc_header_area_size = rx_half;
	bp->shared_region_base = dev->ranges.global.start;
	bp->shared_region_size = range_size32(&dev->ranges.global);
	bp->ipc_payload_area_start = rx->va + rx_half;
	bp->ipc_payload_area_size = rx_half;
	bp->global_aliased_pio_base = dev->ranges.user.start;
	bp->global_aliased_pio_size = range_size32(&dev->ranges.user);
	bp->autoconfig = BOOT_AUTOCONFIG;
	nn->use = BOOT_NN_L2_CACHE_USE;
	nn->cfg = (uint8_t)(dev->ranges.shave.start >> BOOT_NN_L2_CACHE_CFG_SHIFT);
	bp->shave_nn_fw_base = fw->shave_nn ? fw->shave_nn->va : 0;
	bp->watchdog_irq_mss = NPU_WATCHDOG_IRQ_MSS;
	bp->watchdog_irq_nce = NPU_WATCHDOG_IRQ_NCE;
	bp->si_stepping = dev->pci.revision;
	bp->device_id = dev->pci.device;
	bp->feature_exclusion = dev->hw.tile_fuse;
	bp->sku = dev->hw.sku;
	bp->min_freq_pll_ratio = dev->hw.min_ratio;
	bp->max_freq_pll_ratio = dev->hw.max_ratio;
	bp->default_trace_level = fw->trace_level;
	bp->punit_telemetry_sram_base = npu_regb_rd32(dev, NPU_BTRS_VPU_TELEMETRY_OFFSET);
	bp->punit_telemetry_sram_size = npu_regb_rd32(dev, NPU_BTRS_VPU_TELEMETRY_SIZE);
	bp->vpu_telemetry_enable = npu_regb_rd32(dev, NPU_BTRS_VPU_TELEMETRY_ENABLE);
	bp->crit_tracing_buff_addr = fw->log_crit->va;
	bp->crit_tracing_buff_size = (uint32_t)fw->log_crit->size;
	bp->verbose_tracing_buff_addr = fw->log_verb->va;
	bp->verbose_tracing_buff_size = (uint32_t)fw->log_verb->size;
	bp->trace_destination_mask = fw->trace_dest_mask;
	bp->trace_hw_component_mask = fw->trace_hw_mask;
	bp->tracing_buff_message_format_mask = NPU_BIT64(NPU_TRACING_FORMAT_STRING);
	bp->pn_freq_pll_ratio = dev->hw.pn_ratio;
	bp->dvfs_mode = BOOT_DVFS_MODE;
	/* delayed D0i3 entry needs the PWR_D0I3_ENTER message (BOOT API >= 3.17) */
	bp->d0i3_delayed_entry = fw->disable_d0i3_msg ? 0 : 1;
	d0i3_times(dev, bp, false);
	bp->vpu_scheduling_mode = fw->sched_mode;
	bp->vpu_focus_present_timer_ms =
		fw->sched_mode == NPU_SCHEDULING_MODE_HW ? BOOT_HWS_FOCUS_TIMER_MS : 0;
}

/* hw-facts §4.4: a warm boot (entry != the cold entry point) keeps the
 * page the cold boot wrote and the firmware's own fields, and changes only
 * the D0i3 time fields and the save/restore address it resumes from, which
 * the host zeroes; a cold boot writes the whole page. */
void npu_boot_params_setup(struct npu_device *dev, struct npu_boot_params *bp)
{
	struct npu_fw *fw = &dev->fw;

	dev->is_warmboot = fw->entry != fw->cold_entry;
	if (dev->is_warmboot) {
		bp->save_restore_ret_address = 0;
		d0i3_times(dev, bp, true);
	} else {
		cold_page(dev, bp);
	}
	npu_bo_sync_dev(dev, fw->mem, 0, sizeof(*bp));

	if (dev->is_warmboot) {
		npu_dbg(dev, "boot params (warm): %llu us in D0i3, entered at perf counter %llu",
			(unsigned long long)bp->d0i3_residency_time_us,
			(unsigned long long)bp->d0i3_entry_vpu_ts);
		return;
	}
	npu_dbg(dev, "boot params (cold) at 0x%llx: shared 0x%llx+0x%x, IPC hdr 0x%llx+0x%x "
		"payload 0x%llx+0x%x, pio 0x%llx+0x%x, logs 0x%llx/0x%llx, sched %u",
		(unsigned long long)fw->mem->va, (unsigned long long)bp->shared_region_base,
		bp->shared_region_size, (unsigned long long)bp->ipc_header_area_start,
		bp->ipc_header_area_size, (unsigned long long)bp->ipc_payload_area_start,
		bp->ipc_payload_area_size, (unsigned long long)bp->global_aliased_pio_base,
		bp->global_aliased_pio_size, (unsigned long long)bp->crit_tracing_buff_addr,
		(unsigned long long)bp->verbose_tracing_buff_addr, bp->vpu_scheduling_mode);
}

/* ivpu_hw_boot_fw for 37xx (§3.3 steps 2-5). No check of entry: callers
 * that validate do so before (npu_boot). */
int npu_boot_cpu_start(struct npu_device *dev, uint64_t entry)
{
	uint32_t v;

	/* ivpu_hw_ip_snoop_disable_37xx (force_snoop off) */
	v = npu_regv_rd32(dev, NPU_HOST_IF_TCU_PTW_OVERRIDES);
	v |= NPU_TCU_PTW_NOSNOOP_OVERRIDE_EN | NPU_TCU_PTW_AR_NOSNOOP_OVERRIDE;
	v &= ~NPU_TCU_PTW_AW_NOSNOOP_OVERRIDE;
	npu_regv_wr32(dev, NPU_HOST_IF_TCU_PTW_OVERRIDES, v);

	/* ivpu_hw_ip_tbu_mmu_enable_37xx: TBU0 (LeonRT) and TBU2 (DMA) carry SSIDs */
	v = npu_regv_rd32(dev, NPU_HOST_IF_TBU_MMUSSIDV);
	v |= NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_LRT) | NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_LRT) |
	     NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_DMA) | NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_DMA);
	npu_regv_wr32(dev, NPU_HOST_IF_TBU_MMUSSIDV, v);

	/* soc_cpu_boot_37xx: run, then a RESUME pulse */
	v = npu_regv_rd32(dev, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC);
	v |= NPU_LEON_RT_VEC_IRQI_RSTRUN0;
	v &= ~NPU_LEON_RT_VEC_IRQI_RSTVEC;
	npu_regv_wr32(dev, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);
	v |= NPU_LEON_RT_VEC_IRQI_RESUME0;
	npu_regv_wr32(dev, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);
	v &= ~NPU_LEON_RT_VEC_IRQI_RESUME0;
	npu_regv_wr32(dev, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, v);

	/* The entry's 4 KiB page lands in IMAGE_LOCATION; DONE starts the core */
	v = (uint32_t)(entry >> NPU_LOADING_ADDRESS_SHIFT);
	npu_regv_wr32(dev, NPU_HOST_SS_LOADING_ADDRESS_LO, v);
	npu_regv_wr32(dev, NPU_HOST_SS_LOADING_ADDRESS_LO, v | NPU_LOADING_ADDRESS_DONE);

	dev->last_entry = entry;
	npu_dbg(dev, "control core started at 0x%llx (%s)", (unsigned long long)entry,
		entry == dev->fw.cold_entry ? "cold entry" : "warm entry");
	return 0;
}

/* ivpu_wait_for_ready: poll (interrupts are still off) for the header on
 * channel 0x3FF; its data_addr must be "BOOT". */
int npu_boot_wait_ready(struct npu_device *dev)
{
	struct npu_ipc_consumer *cons;
	struct npu_ipc_hdr hdr;
	int ret;

	cons = npu_ipc_consumer_add(dev, NPU_IPC_CHAN_BOOT_MSG);
	if (!cons)
		return npu_fail(dev, -EBUSY, "boot: no free IPC consumer slot");
	ret = npu_ipc_receive(dev, cons, &hdr, NULL, dev->t.boot_ms);
	npu_ipc_consumer_del(dev, cons);
	if (ret == -ETIMEDOUT) {
		ret = npu_fail(dev, -ETIMEDOUT, "firmware did not send the ready message within "
			       "%u ms (entry 0x%llx)%s%s", dev->t.boot_ms,
			       (unsigned long long)dev->last_entry,
			       dev->ipc.last_rx_problem[0] ? "; last IPC problem: " : "",
			       dev->ipc.last_rx_problem);
		npu_diag_boot_failure(dev);
		return ret;
	}
	if (ret)
		return ret;
	if (hdr.data_addr != NPU_IPC_BOOT_MSG_DATA_ADDR)
		return npu_fail(dev, -EIO, "ready message is not \"BOOT\": data_addr 0x%08x on channel "
				"0x%x, expected 0x%08x (\"BOOT\")", hdr.data_addr, hdr.channel,
				NPU_IPC_BOOT_MSG_DATA_ADDR);
	npu_dbg(dev, "firmware up: \"BOOT\" on channel 0x%x", hdr.channel);
	return 0;
}

/* The ICB sources ivpu enables and clears as one 64-bit value (§3.4) */
#define ICB_IVPU_MASK64 (((uint64_t)NPU_ICB_1_IVPU_MASK << 32) | NPU_ICB_0_IVPU_MASK)

void npu_hw_irq_enable(struct npu_device *dev)
{
	npu_regv_wr32(dev, NPU_HOST_SS_FW_SOC_IRQ_EN, NPU_HOST_SS_FW_SOC_IRQ_EN_ALL);
	npu_regv_wr64(dev, NPU_HOST_SS_ICB_ENABLE_0, ICB_IVPU_MASK64);
	npu_regb_wr32(dev, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	npu_regb_wr32(dev, NPU_BTRS_GLOBAL_INT_MASK, 0);
}

void npu_hw_irq_disable(struct npu_device *dev)
{
	npu_regb_wr32(dev, NPU_BTRS_GLOBAL_INT_MASK, NPU_BTRS_GLOBAL_INT_MASK_MASKED);
	npu_regb_wr32(dev, NPU_BTRS_LOCAL_INT_MASK, UINT32_MAX);
	if (npu_pm_ip_powered(dev)) {
		npu_regv_wr64(dev, NPU_HOST_SS_ICB_ENABLE_0, 0);
		npu_regv_wr32(dev, NPU_HOST_SS_FW_SOC_IRQ_EN, 0);
	}
	dev->irq_on = false;
}

/* ivpu_boot after the ready message: clear, enable the MSI, the sources
 * and IPC. */
void npu_boot_irq_enable(struct npu_device *dev)
{
	int ret;

	npu_regv_wr64(dev, NPU_HOST_SS_ICB_CLEAR_0, ICB_IVPU_MASK64);
	ret = dev->os_ops->irq_enable(dev->os);
	if (ret)
		npu_warn(dev, "cannot enable the MSI (%s): falling back to polling the IPC FIFO",
			 dev->os_ops->last_error(dev->os));
	npu_hw_irq_enable(dev);
	dev->irq_on = ret == 0;
	npu_ipc_enable(dev);
}
