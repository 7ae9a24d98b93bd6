/* SPDX-License-Identifier: MIT */
/*
 * The device: open/close, the bring-up steps and the full bring-up
 * (ivpu_dev_init + ivpu_boot), suspend/resume with warm boot (ivpu_pm.c),
 * recovery (ivpu_pm_recovery_work), information. hw-facts §3-§6. Contexts
 * and doorbells are in job.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"

#define DIAG_ALLOC               NPU_DIAG_SIZE

/* Linux 6.12 timeouts for silicon (ivpu_hw.c timeouts_init, §3.5) */
void npu_timeouts_default(struct npu_timeouts *t)
{
	t->boot_ms = NPU_TIMEOUT_BOOT_MS;
	t->jsm_ms = NPU_TIMEOUT_JSM_MS;
	t->d0i3_msg_ms = NPU_TIMEOUT_D0I3_MSG_MS;
	t->state_dump_ms = 100;     /* timeouts_init: state_dump_msg for silicon */
	t->pll_us = NPU_TIMEOUT_PLL_US;
	t->btrs_us = NPU_TIMEOUT_BTRS_US;
	t->pwr_island_us = NPU_TIMEOUT_PWR_ISLAND_US;
	t->ip_bar_us = NPU_TIMEOUT_IP_BAR_US;
	t->idle_us = NPU_TIMEOUT_IDLE_US;
	t->mmu_reg_us = NPU_TIMEOUT_MMU_REG_US;
	t->mmu_queue_us = NPU_TIMEOUT_MMU_QUEUE_US;
	t->poll_interval_us = NPU_POLL_INTERVAL_US;
	t->irq_fallback_us = 10000;
	t->tdr_ms = NPU_TIMEOUT_TDR_MS;
}

void npu_open_params_init(struct npu_open_params *p)
{
	memset(p, 0, sizeof(*p));
	p->backend = "sim";
	p->backend_args = "";
	p->log_level = NPU_LOG_WARN;
	p->fw_log_level = NPU_LOG_LEVEL_ERROR;
	p->sched_mode = NPU_SCHED_OS;
	npu_timeouts_default(&p->timeouts);
}

/* memory_ranges_init for 37xx (ivpu_hw.c, va_layout.h) */
static void ranges_init(struct npu_device *dev)
{
	dev->ranges.global = (struct npu_range){ NPU_VA_GLOBAL_START,
						 NPU_VA_GLOBAL_START + NPU_VA_GLOBAL_SIZE };
	dev->ranges.user = (struct npu_range){ NPU_VA_USER_START,
					       NPU_VA_USER_START + NPU_VA_USER_SIZE };
	dev->ranges.shave = (struct npu_range){ NPU_VA_SHAVE_START,
						NPU_VA_SHAVE_START + NPU_VA_SHAVE_SIZE };
	dev->ranges.dma = (struct npu_range){ NPU_VA_DMA_START,
					      NPU_VA_DMA_START + NPU_VA_DMA_SIZE };
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A copy of a NULL-terminated list (at most NPU_FW_SEARCH_DIRS_MAX
 * entries); *ok is cleared when memory runs out. */
static char **dup_dirs(const char *const *dirs, bool *ok)
{
	char **copy;
	size_t n = 0;

	if (!dirs)
		return NULL;
	while (dirs[n] && n < NPU_FW_SEARCH_DIRS_MAX)
		n++;
	copy = calloc(n + 1, sizeof(char *));
	if (!copy) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0, j = 0; i < n; i++) {
		char *d = strdup(dirs[i]);

		if (d)
			copy[j++] = d;
		else
			*ok = false;
	}
	return copy;
}

static void free_dirs(char **dirs)
{
	if (dirs)
		for (char **d = dirs; *d; d++)
			free(*d);
	free(dirs);
}

static void backends_list(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct npu_os_ops *const *b = npu_os_backends; *b && n < len; b++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", (*b)->name);
}

static int check_timeouts(struct npu_device *dev, const struct npu_timeouts *in)
{
	struct npu_timeouts d;

	npu_timeouts_default(&d);
	dev->t = *in;
	/* a zero field means "default" */
#define DEF(f) if (!dev->t.f) dev->t.f = d.f
	DEF(boot_ms); DEF(jsm_ms); DEF(d0i3_msg_ms); DEF(state_dump_ms); DEF(pll_us);
	DEF(btrs_us); DEF(pwr_island_us); DEF(ip_bar_us); DEF(idle_us); DEF(mmu_reg_us);
	DEF(mmu_queue_us); DEF(poll_interval_us); DEF(irq_fallback_us);
#undef DEF
	return 0;
}

int npu_open(const struct npu_open_params *params, struct npu_device **out)
{
	struct npu_open_params defaults;
	struct npu_device *dev;
	const struct npu_os_ops *ops;
	char list[128];
	bool dirs_ok = true;
	int ret;

	*out = NULL;
	if (!params) {
		npu_open_params_init(&defaults);
		params = &defaults;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->diag = calloc(1, DIAG_ALLOC);
	snprintf(dev->backend, sizeof(dev->backend), "%s", params->backend ? params->backend : "sim");
	dev->backend_args = strdup(params->backend_args ? params->backend_args : "");
	dev->firmware_path = dup_or_null(params->firmware_path);
	dev->search_dirs = dup_dirs(params->search_dirs, &dirs_ok);
	dev->app_firmware_dirs = dup_dirs(params->app_firmware_dirs, &dirs_ok);
	dev->log_fn = params->log;
	dev->log_user = params->log_user;
	dev->log_level = params->log_level;
	dev->fw_log_level = params->fw_log_level ? params->fw_log_level : NPU_LOG_LEVEL_ERROR;
	dev->sched_mode = params->sched_mode;
	check_timeouts(dev, &params->timeouts);
	dev->power = NPU_POWER_OFF;
	ranges_init(dev);
	*out = dev;
	if (!dev->diag || !dev->backend_args || (params->firmware_path && !dev->firmware_path) ||
	    !dirs_ok)
		return npu_fail(dev, -ENOMEM, "open: out of memory");
	if (params->sched_mode != NPU_SCHED_OS && params->sched_mode != NPU_SCHED_HW)
		return npu_fail(dev, -EINVAL, "open: unknown scheduling mode %d", params->sched_mode);

	ops = npu_os_find(dev->backend);
	if (!ops) {
		backends_list(list, sizeof(list));
		return npu_fail(dev, -ENODEV, "backend \"%s\" is not compiled into this build "
				"(available: %s)", dev->backend, list);
	}
	ret = ops->open(&dev->os, dev->backend_args);
	if (ret || !dev->os) {
		dev->os = NULL;
		return npu_fail(dev, ret < 0 ? ret : -ENODEV, "backend %s (args \"%s\"): %s",
				ops->name, dev->backend_args, ops->last_error(NULL));
	}
	dev->os_ops = ops;
	npu_device_register(dev);
	ret = ops->pci_id(dev->os, &dev->pci);
	if (ret)
		return npu_fail(dev, ret, "backend %s: cannot read the PCI identity: %s", ops->name,
				ops->last_error(dev->os));
	if (dev->pci.vendor != NPU_PCI_VENDOR_INTEL ||
	    (dev->pci.device != NPU_PCI_DEVICE_MTL && dev->pci.device != NPU_PCI_DEVICE_ARL))
		return npu_fail(dev, -ENODEV, "device %04x:%04x at %s is not a Meteor Lake (8086:7d1d) "
				"or Arrow Lake (8086:ad1d) NPU", dev->pci.vendor, dev->pci.device,
				dev->pci.location);
	npu_info(dev, "opened %04x:%04x rev %02x at %s through the %s backend", dev->pci.vendor,
		 dev->pci.device, dev->pci.revision, dev->pci.location, ops->name);
	return 0;
}

int npu_need_open(struct npu_device *dev)
{
	if (!dev)
		return -EINVAL;
	if (!dev->os) {
		char why[sizeof(dev->last_error)];

		/* the open failure is the reason; keep it, do not nest it */
		snprintf(why, sizeof(why), "%s", dev->last_error[0] ? dev->last_error : "no backend");
		if (strncmp(why, "device not open: ", 17))
			return npu_fail(dev, -ENODEV, "device not open: %.480s", why);
		return npu_fail(dev, -ENODEV, "%s", why);
	}
	return 0;
}

void npu_clear_error(struct npu_device *dev)
{
	dev->last_err = 0;
	dev->last_error[0] = '\0';
}

/* ---- Steps --------------------------------------------------------------------- */

int npu_step_fw_request(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	return ret ? ret : npu_fw_request(dev);
}

int npu_step_pci_enable(struct npu_device *dev)
{
	uint32_t cmd = 0, want;
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	ret = dev->os_ops->cfg_read(dev->os, NPU_PCI_COMMAND, 2, &cmd);
	if (ret)
		return npu_fail(dev, ret, "PCI: cannot read the command register: %s",
				dev->os_ops->last_error(dev->os));
	want = cmd | NPU_PCI_COMMAND_MEMORY | NPU_PCI_COMMAND_MASTER;
	ret = dev->os_ops->cfg_write(dev->os, NPU_PCI_COMMAND, 2, want);
	if (ret)
		return npu_fail(dev, ret, "PCI: cannot write the command register: %s",
				dev->os_ops->last_error(dev->os));
	ret = dev->os_ops->cfg_read(dev->os, NPU_PCI_COMMAND, 2, &cmd);
	if (ret || (cmd & want) != want)
		return npu_fail(dev, -EIO, "PCI: command register reads 0x%04x after writing 0x%04x "
				"(memory space and bus mastering must stick)", cmd, want);
	dev->pci_enabled = true;
	return 0;
}

int npu_step_hw_info(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	ranges_init(dev);
	return npu_pm_hw_info(dev);
}

int npu_step_power_up(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (!dev->hw.read) {
		ret = npu_pm_hw_info(dev);
		if (ret)
			return ret;
	}
	ret = npu_pm_power_up(dev);
	if (!ret)
		dev->power = NPU_POWER_ON;
	return ret;
}

/* ivpu_mmu_global_context_init + ivpu_mmu_init + reserved context */
int npu_step_mmu_init(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	/* ivpu_mmu_config_check: mismatches are only worth a debug line */
	if (npu_log_enabled(dev, NPU_LOG_DEBUG)) {
		static const struct { uint32_t off, want; } idr[] = {
			{ NPU_MMU_IDR0, NPU_MMU_IDR0_VALUE }, { NPU_MMU_IDR1, NPU_MMU_IDR1_VALUE },
			{ NPU_MMU_IDR3, NPU_MMU_IDR3_VALUE }, { NPU_MMU_IDR5, NPU_MMU_IDR5_VALUE },
		};

		for (size_t i = 0; i < NPU_ARRAY_SIZE(idr); i++) {
			uint32_t v = npu_regv_rd32(dev, idr[i].off);

			if (v != idr[i].want)
				npu_dbg(dev, "MMU IDR at 0x%x: 0x%x, silicon has 0x%x", idr[i].off, v,
					idr[i].want);
		}
	}
	if (!dev->gctx.active) {
		ret = npu_ctx_init(dev, &dev->gctx, NPU_SSID_GLOBAL);
		if (ret)
			return ret;
	}
	ret = npu_smmu_alloc(dev);
	if (!ret)
		ret = npu_smmu_cd_set(dev, NPU_SSID_GLOBAL, dev->gctx.pgd->mem.dma);
	if (!ret)
		ret = npu_smmu_enable(dev);
	if (!ret && !dev->rctx.active) {
		ret = npu_ctx_init(dev, &dev->rctx, NPU_SSID_RESERVED);
		if (!ret) {
			ret = npu_smmu_cd_set(dev, NPU_SSID_RESERVED, dev->rctx.pgd->mem.dma);
			if (ret)
				npu_ctx_fini(dev, &dev->rctx);
		}
	}
	return ret;
}

int npu_step_mmu_enable(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	return ret ? ret : npu_smmu_enable(dev);
}

int npu_step_fw_load(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (!dev->fw.loaded || !dev->gctx.active)
		return npu_fail(dev, -EINVAL, "firmware load needs the file (npu_step_fw_request) and "
				"the MMU (npu_step_mmu_init) first");
	ret = npu_fw_mem_init(dev);
	if (!ret)
		npu_fw_copy_image(dev);
	return ret;
}

int npu_step_ipc_init(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (!dev->gctx.active || !dev->fw.mem)
		return npu_fail(dev, -EINVAL, "IPC buffers need the MMU and the firmware memory first");
	return npu_ipc_init(dev);
}

int npu_step_boot_params(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (!dev->fw.mem || !dev->ipc.ready)
		return npu_fail(dev, -EINVAL, "boot params need the firmware memory and IPC buffers");
	npu_boot_params_setup(dev, npu_fw_boot_params(dev));
	return 0;
}

int npu_step_cpu_start(struct npu_device *dev, uint64_t entry)
{
	int ret = npu_need_open(dev);

	return ret ? ret : npu_boot_cpu_start(dev, entry);
}

uint64_t npu_cold_entry(const struct npu_device *dev)
{
	return dev->fw.cold_entry;
}

int npu_step_wait_ready(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (!dev->ipc.ready)
		return npu_fail(dev, -EINVAL, "waiting for the firmware needs the IPC buffers");
	return npu_boot_wait_ready(dev);
}

int npu_step_irq_enable(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_boot_irq_enable(dev);
	dev->power = NPU_POWER_READY;
	dev->booted = true;
	return 0;
}

/* ivpu_prepare_for_reset: interrupts, IPC and MMU off */
static void prepare_for_reset(struct npu_device *dev)
{
	npu_hw_irq_disable(dev);
	npu_ipc_disable(dev);
	npu_smmu_disable(dev);
}

int npu_step_power_down(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	prepare_for_reset(dev);
	ret = npu_pm_power_down(dev);
	dev->power = NPU_POWER_OFF;
	dev->booted = false;
	return ret;
}

/* ---- Boot ------------------------------------------------------------------------ */

/* ivpu_boot: boot params, CPU start, ready message, interrupts, and on a
 * cold boot in HW scheduling mode the priority bands. */
static int boot_firmware(struct npu_device *dev)
{
	bool cold = dev->fw.entry == dev->fw.cold_entry;
	int ret;

	npu_boot_params_setup(dev, npu_fw_boot_params(dev));
	ret = npu_boot_cpu_start(dev, dev->fw.entry);
	if (!ret)
		ret = npu_boot_wait_ready(dev);
	if (ret)
		return ret;
	npu_boot_irq_enable(dev);
	dev->booted = true;
	dev->power = NPU_POWER_READY;
	if (cold && dev->fw.sched_mode == NPU_SCHEDULING_MODE_HW) {
		ret = npu_jsm_hws_setup_priority_bands(dev);
		if (ret)
			return ret;
	}
	return 0;
}

/* Free everything and leave the device in reset. Keeps the error that
 * led here. */
static void teardown(struct npu_device *dev)
{
	char saved[sizeof(dev->last_error)];
	int saved_err = dev->last_err;

	memcpy(saved, dev->last_error, sizeof(saved));
	dev->soft_fail++;
	if (dev->os && dev->pci_enabled && dev->powered) {
		prepare_for_reset(dev);
		npu_pm_power_down(dev);
	}
	for (unsigned id = NPU_DB_ID_MIN; id <= NPU_DB_ID_MAX; id++) {
		npu_bo_free(dev, dev->db[id].jobq);
		memset(&dev->db[id], 0, sizeof(dev->db[id]));
	}
	npu_ipc_fini(dev);
	npu_fw_mem_fini(dev);
	while (dev->buffers)
		npu_bo_free(dev, dev->buffers);
	for (unsigned i = 0; i < NPU_USER_CTX_COUNT; i++) {
		if (dev->uctx[i]) {
			npu_ctx_fini(dev, dev->uctx[i]);
			free(dev->uctx[i]);
			dev->uctx[i] = NULL;
		}
	}
	npu_ctx_fini(dev, &dev->rctx);
	npu_ctx_fini(dev, &dev->gctx);
	if (dev->os)
		npu_smmu_free(dev);
	dev->booted = false;
	dev->irq_on = false;
	dev->recovery_pending = false;   /* in reset: the next boot starts afresh */
	dev->soft_fail--;
	memcpy(dev->last_error, saved, sizeof(saved));
	dev->last_err = saved_err;
}

void npu_prepare_cold_boot(struct npu_device *dev)
{
	for (unsigned id = NPU_DB_ID_MIN; id <= NPU_DB_ID_MAX; id++)
		dev->db[id].registered = false;
	npu_ipc_reset(dev);
	npu_fw_log_reset(dev);
	npu_fw_copy_image(dev);
}

/* ivpu_pm_prepare_warm_boot */
static void prepare_warm_boot(struct npu_device *dev)
{
	struct npu_boot_params *bp = npu_fw_boot_params(dev);

	npu_bo_sync_cpu(dev, dev->fw.mem, 0, sizeof(*bp));
	if (!bp->save_restore_ret_address) {
		npu_prepare_cold_boot(dev);
		return;
	}
	npu_dbg(dev, "the next boot is warm: firmware resumes at 0x%llx",
		(unsigned long long)bp->save_restore_ret_address);
	dev->fw.entry = bp->save_restore_ret_address;
}

/* ivpu_resume: power up, MMU, boot; a failed warm boot is retried cold */
static int resume(struct npu_device *dev)
{
	uint64_t t0 = npu_now_ns(dev);
	int ret;

	for (;;) {
		bool warm = dev->fw.entry != dev->fw.cold_entry;

		npu_diag_reset(dev);
		ret = npu_pm_power_up(dev);
		if (!ret)
			ret = npu_smmu_enable(dev);
		if (!ret)
			ret = boot_firmware(dev);
		if (!ret) {
			dev->boots++;
			if (warm)
				dev->warm_boots++;
			dev->boot_time_ns = npu_now_ns(dev) - t0;
			npu_info(dev, "NPU %s boot done in %llu us (backend time)", warm ? "warm" : "cold",
				 (unsigned long long)(dev->boot_time_ns / 1000));
			return 0;
		}
		{
			char saved[sizeof(dev->last_error)];

			memcpy(saved, dev->last_error, sizeof(saved));
			dev->soft_fail++;
			prepare_for_reset(dev);
			npu_pm_power_down(dev);
			dev->soft_fail--;
			memcpy(dev->last_error, saved, sizeof(saved));
		}
		dev->last_err = ret;
		dev->booted = false;
		dev->power = NPU_POWER_FAILED;
		dev->recovery_pending = false;   /* in reset already */
		if (!warm)
			return ret;
		npu_warn(dev, "warm boot at 0x%llx failed (%s); retrying as a cold boot",
			 (unsigned long long)dev->fw.entry, dev->last_error);
		npu_prepare_cold_boot(dev);
	}
}

static int boot(struct npu_device *dev)
{
	uint64_t t0;
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_clear_error(dev);
	if (dev->power == NPU_POWER_READY)
		return 0;
	if (dev->power == NPU_POWER_SUSPENDED)
		return resume(dev);
	if (dev->fw.mem && dev->ipc.ready && dev->mmu.allocated) {
		/* set up before (failed recovery, or a power-down step): cold boot */
		npu_prepare_cold_boot(dev);
		return resume(dev);
	}

	npu_diag_reset(dev);
	/* The file is found and validated before the device is touched. */
	ret = npu_fw_request(dev);
	if (ret)
		return ret;
	t0 = npu_now_ns(dev);
	ret = npu_step_pci_enable(dev);
	if (!ret)
		ret = npu_step_hw_info(dev);
	if (!ret)
		ret = npu_step_power_up(dev);
	if (!ret)
		ret = npu_step_mmu_init(dev);
	if (!ret)
		ret = npu_step_fw_load(dev);
	if (!ret)
		ret = npu_ipc_init(dev);
	if (!ret)
		ret = boot_firmware(dev);
	if (ret) {
		teardown(dev);
		dev->power = NPU_POWER_FAILED;
		return ret;
	}
	dev->boots++;
	dev->boot_time_ns = npu_now_ns(dev) - t0;
	npu_info(dev, "NPU booted in %llu us (backend time)",
		 (unsigned long long)(dev->boot_time_ns / 1000));
	return 0;
}

int npu_boot(struct npu_device *dev)
{
	return npu_api_exit(dev, boot(dev));
}

int npu_boot_internal(struct npu_device *dev)
{
	return boot(dev);
}

/* D0i3 message, power down, warm boot prepared (hw-facts §3.6) */
static int suspend(struct npu_device *dev)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_clear_error(dev);
	if (dev->power == NPU_POWER_SUSPENDED)
		return 0;
	if (dev->power != NPU_POWER_READY)
		return npu_fail(dev, -EAGAIN, "suspend: NPU is %s, not ready",
				npu_power_state_name(dev->power));
	/* each outstanding job holds the device awake (hw-facts §14.10) */
	if (dev->jobs_outstanding)
		return npu_fail(dev, -EBUSY, "suspend: %u job(s) outstanding; wait for them first",
				dev->jobs_outstanding);
	npu_smmu_disable(dev);
	if (!npu_pm_is_idle(dev))
		npu_err(dev, "suspend: the NPU is busy (VPU_STATUS.IDLE is 0)");
	ret = npu_jsm_pwr_d0i3_enter(dev);
	if (ret)
		npu_err(dev, "suspend: no D0i3 handshake with the firmware, powering down anyway: %s",
			dev->last_error);
	prepare_for_reset(dev);
	ret = npu_pm_power_down(dev);
	dev->booted = false;
	/* a recovery scheduled meanwhile is moot: the NPU is in reset now and
	 * the next boot starts it afresh */
	dev->recovery_pending = false;
	prepare_warm_boot(dev);
	dev->power = NPU_POWER_SUSPENDED;
	return ret;
}

int npu_suspend(struct npu_device *dev)
{
	return suspend(dev);   /* it drops any pending recovery: nothing to run */
}

/* ivpu_pm_recovery_work: state dump, suspend, cold boot */
int npu_recover(struct npu_device *dev, const char *reason)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	if (dev->in_recovery)
		return npu_fail(dev, -EBUSY, "recovery already in progress");
	dev->in_recovery = true;
	dev->recovery_pending = false;
	dev->recoveries++;
	npu_err(dev, "NPU recovery #%u (reset and cold boot): %s", dev->recoveries,
		reason ? reason : "requested");
	if (!dev->fw.mem || !dev->ipc.ready || !dev->mmu.allocated) {
		/* never got far enough to restart: a fresh bring-up */
		dev->in_recovery = false;
		teardown(dev);
		dev->power = NPU_POWER_OFF;
		return boot(dev);
	}
	if (dev->power == NPU_POWER_READY) {
		if (npu_jsm_state_dump(dev))
			npu_warn(dev, "state dump before recovery failed: %s", dev->last_error);
	}
	if (dev->powered) {
		prepare_for_reset(dev);
		dev->soft_fail++;
		npu_pm_power_down(dev);
		dev->soft_fail--;
	}
	dev->booted = false;
	npu_prepare_cold_boot(dev);
	npu_jobs_abort_all(dev);
	ret = resume(dev);
	dev->in_recovery = false;
	if (ret)
		npu_err(dev, "recovery failed: %s", dev->last_error);
	return ret;
}

/* ---- Firmware messages ------------------------------------------------------------- */

int npu_need_ready(struct npu_device *dev, const char *what)
{
	int ret = npu_need_open(dev);

	if (ret)
		return ret;
	npu_clear_error(dev);
	if (dev->power != NPU_POWER_READY)
		return npu_fail(dev, -EAGAIN, "%s: NPU is %s; boot it first", what,
				npu_power_state_name(dev->power));
	return 0;
}

int npu_heartbeat(struct npu_device *dev, uint64_t *heartbeat)
{
	uint64_t hb = 0;
	int ret = npu_need_ready(dev, "heartbeat");

	if (ret)
		return ret;
	ret = npu_jsm_heartbeat(dev, NPU_ENGINE_COMPUTE, &hb);
	if (!ret) {
		dev->last_heartbeat = hb;
		if (heartbeat)
			*heartbeat = hb;
	}
	return npu_api_exit(dev, ret);
}

int npu_engine_reset(struct npu_device *dev, uint32_t engine)
{
	int ret = npu_need_ready(dev, "engine reset");

	return ret ? ret : npu_api_exit(dev, npu_jsm_engine_reset(dev, engine));
}

int npu_state_dump(struct npu_device *dev)
{
	int ret = npu_need_ready(dev, "state dump");

	return ret ? ret : npu_api_exit(dev, npu_jsm_state_dump(dev));
}

/* The one place a scheduled recovery runs (hw-facts §14.x): when a public
 * call is about to return, after its own work is unwound, never from
 * inside an IPC wait or halfway through a call. The call's failure stays
 * its result and its message says how the recovery went; a call that
 * succeeded returns the recovery's error if that failed. Afterwards the
 * NPU is READY again or FAILED (in reset). */
int npu_api_exit(struct npu_device *dev, int ret)
{
	char cause[sizeof(dev->last_error)], why[sizeof(dev->last_error)];
	unsigned reset;
	int rec;

	if (!dev || !dev->recovery_pending || dev->in_recovery)
		return ret;
	memcpy(cause, dev->last_error, sizeof(cause));
	rec = npu_run_pending_recovery(dev);
	reset = dev->recoveries;
	memcpy(why, dev->last_error, sizeof(why));
	if (ret && rec)
		npu_fail(dev, ret, "%.240s; recovery (reset #%u) FAILED, the NPU is in reset: %.200s",
			 cause, reset, why);
	else if (ret)
		npu_fail(dev, ret, "%.400s; NPU recovered (reset #%u): firmware ready again", cause,
			 reset);
	return ret ? ret : rec;
}

/* ---- Close ---------------------------------------------------------------------------- */

void npu_close(struct npu_device *dev)
{
	if (!dev)
		return;
	if (dev->os) {
		if (dev->power == NPU_POWER_READY) {
			/* ivpu file close: command queues, then contexts */
			for (uint32_t s = NPU_SSID_USER_MIN; s <= NPU_SSID_USER_MAX; s++)
				if (dev->uctx[s - NPU_SSID_USER_MIN])
					npu_context_release(dev, s);
			/* then what runtime PM does to an unused NPU: D0i3 message and
			 * power-down (ivpu_pm_runtime_suspend_cb), so the firmware is
			 * idle when the NPU goes into reset */
			suspend(dev);
		}
		teardown(dev);
		dev->power = NPU_POWER_OFF;
		npu_device_unregister(dev);
		dev->os_ops->close(dev->os);
		dev->os = NULL;
	}
	npu_fw_release(dev);
	free_dirs(dev->search_dirs);
	free_dirs(dev->app_firmware_dirs);
	free(dev->firmware_path);
	free(dev->backend_args);
	free(dev->diag);
	free(dev);
}

/* ---- Information ---------------------------------------------------------------------- */

int npu_get_info(struct npu_device *dev, struct npu_info *info)
{
	memset(info, 0, sizeof(*info));
	if (!dev)
		return -EINVAL;
	snprintf(info->backend, sizeof(info->backend), "%s", dev->backend);
	snprintf(info->location, sizeof(info->location), "%s", dev->pci.location);
	info->vendor = dev->pci.vendor;
	info->device = dev->pci.device;
	info->revision = dev->pci.revision;
	info->class_code = dev->pci.class_code;
	info->fw_loaded = dev->fw.loaded;
	if (dev->fw.loaded) {
		snprintf(info->fw_path, sizeof(info->fw_path), "%s", dev->fw.path);
		snprintf(info->fw_version, sizeof(info->fw_version), "%s", dev->fw.version);
		memcpy(info->fw_api, dev->fw.hdr.api_version, sizeof(info->fw_api));
		info->fw_image_format = dev->fw.hdr.image_format;
		info->fw_entry = dev->fw.cold_entry;
		info->fw_runtime_addr = dev->fw.runtime_addr;
		info->fw_runtime_size = dev->fw.runtime_size;
		info->fw_image_size = dev->fw.image_size;
	}
	info->sched_mode = dev->sched_mode;
	info->pll_min_ratio = dev->hw.min_ratio;
	info->pll_pn_ratio = dev->hw.pn_ratio;
	info->pll_max_ratio = dev->hw.max_ratio;
	info->power = dev->power;
	info->warm_boot = dev->is_warmboot;
	info->last_entry = dev->last_entry;
	info->boots = dev->boots;
	info->warm_boots = dev->warm_boots;
	info->recoveries = dev->recoveries;
	info->boot_time_ns = dev->boot_time_ns;
	info->last_heartbeat = dev->last_heartbeat;
	info->ipc_tx = dev->ipc.tx_count;
	info->ipc_rx = dev->ipc.rx_count;
	info->ipc_rx_dropped = dev->ipc.rx_dropped;
	info->ipc_rx_malformed = dev->ipc.rx_malformed;
	info->irqs = dev->irqs;
	info->irq_poll_fallbacks = dev->irq_poll_fallbacks;
	info->mmu_events = dev->mmu.n_events;
	info->jobs_submitted = dev->jobs_submitted;
	info->jobs_completed = dev->jobs_completed;
	info->jobs_outstanding = dev->jobs_outstanding;
	for (uint32_t s = NPU_SSID_GLOBAL; s <= NPU_SSID_USER_MAX; s++) {
		struct npu_ctx *ctx = npu_ctx_by_ssid(dev, s);
		struct npu_context_info *c;

		if (!ctx || info->n_contexts >= NPU_INFO_MAX_CONTEXTS)
			continue;
		c = &info->contexts[info->n_contexts++];
		c->ssid = s;
		c->pgd_dma = ctx->pgd ? ctx->pgd->mem.dma : 0;
		c->buffers = ctx->buffers;
		c->mapped_bytes = ctx->mapped_bytes;
		c->mmu_faulted = ctx->faulted;
		c->aborted = ctx->aborted;
		c->jobs_outstanding = ctx->jobs_outstanding;
	}
	for (uint32_t id = NPU_DB_ID_MIN; id <= NPU_DB_ID_MAX; id++) {
		struct npu_doorbell_info *d;

		if (!dev->db[id].allocated)
			continue;
		d = &info->doorbells[info->n_doorbells++];
		d->db_id = id;
		d->ssid = dev->db[id].ssid;
		d->jobq_va = dev->db[id].jobq ? dev->db[id].jobq->va : 0;
		d->jobq_size = dev->db[id].jobq ? (uint32_t)dev->db[id].jobq->size : 0;
		d->registered = dev->db[id].registered;
	}
	{
		unsigned n = dev->n_errors < NPU_INFO_ERRORS ? dev->n_errors : NPU_INFO_ERRORS;

		for (unsigned i = 0; i < n; i++)
			snprintf(info->errors[i], NPU_INFO_STR, "%s",
				 dev->errors[(dev->n_errors - n + i) % NPU_INFO_ERRORS]);
		info->n_errors = n;
	}
	return 0;
}

struct npu_os *npu_device_os(struct npu_device *dev)
{
	return dev ? dev->os : NULL;
}
