/* SPDX-License-Identifier: MIT */
/*
 * The host interrupt handler (hw-facts §1.3): with the buttress's global
 * mask set, the buttress sources first, then the NPU IP (ICB) sources;
 * clearing the mask at the end makes the MSI fire again for anything that
 * is still pending. Errors that need a reset only schedule a recovery
 * (hw-facts §14.x); it runs at the public API boundary (npu_api_exit),
 * since this library has no threads to run it on.
 */
#include <stdio.h>
#include <string.h>

#include "drv.h"

/* ivpu_hw_btrs_irq_handler_mtl */
static bool btrs_irq_handler(struct npu_device *dev)
{
	uint32_t status = npu_regb_rd32(dev, NPU_BTRS_INTERRUPT_STAT) & NPU_BTRS_IRQ_MASK_ENABLED;
	bool recover = false;
	char a[160];

	if (!status)
		return false;
	if (status & NPU_BTRS_INTERRUPT_STAT_ATS_ERR) {
		npu_err(dev, "buttress ATS error, log 0x%016llx",
			(unsigned long long)npu_regb_rd64(dev, NPU_BTRS_ATS_ERR_LOG_0));
		npu_regb_wr32(dev, NPU_BTRS_ATS_ERR_CLEAR, 0x1);
		recover = true;
	}
	if (status & NPU_BTRS_INTERRUPT_STAT_UFI_ERR) {
		uint32_t log = npu_regb_rd32(dev, NPU_BTRS_UFI_ERR_LOG);

		npu_err(dev, "buttress UFI error (an NPU DMA access failed): %s",
			npu_regs_describe(NPU_BAR_REGB, NPU_BTRS_UFI_ERR_LOG, log, a, sizeof(a)));
		npu_regb_wr32(dev, NPU_BTRS_UFI_ERR_CLEAR, 0x1);
		recover = true;
	}
	/* After the sources are cleared: W1C, or 0 on parts with the erratum */
	npu_regb_wr32(dev, NPU_BTRS_INTERRUPT_STAT, dev->hw.irq_clear_with_0 ? 0 : status);
	if (recover)
		npu_trigger_recovery(dev, "buttress error interrupt");
	return true;
}

/* ivpu_hw_ip_irq_handler_37xx */
static bool ip_irq_handler(struct npu_device *dev)
{
	uint32_t status = npu_regv_rd32(dev, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_IVPU_MASK;

	if (!status)
		return false;
	npu_regv_wr32(dev, NPU_HOST_SS_ICB_CLEAR_0, status);
	if (status & NPU_ICB_0_MMU_IRQ_0_EVTQ) {
		bool global = false;

		npu_smmu_read_events(dev, &global);
		if (global)
			npu_trigger_recovery(dev, "MMU fault in the global context");
	}
	if (status & NPU_ICB_0_HOST_IPC_FIFO)
		npu_ipc_drain(dev);
	if (status & NPU_ICB_0_MMU_IRQ_1_SYNC)
		npu_dbg(dev, "MMU: CMD_SYNC completion interrupt");
	if (status & NPU_ICB_0_MMU_IRQ_2_GERROR)
		npu_smmu_gerror(dev);
	if (status & NPU_ICB_0_CPU_INT_REDIRECT_0) {
		npu_pm_wdt_disable(dev);
		npu_trigger_recovery(dev, "control-core watchdog (MSS)");
	}
	if (status & NPU_ICB_0_CPU_INT_REDIRECT_1)
		npu_trigger_recovery(dev, "compute watchdog (NCE)");
	if (status & NPU_ICB_0_NOC_FIREWALL) {
		dev->firewall_irqs++;
		npu_dbg(dev, "NOC firewall interrupt #%llu",
			(unsigned long long)dev->firewall_irqs);
	}
	return true;
}

void npu_irq_handle(struct npu_device *dev)
{
	bool btrs, ip = false;

	dev->irqs++;
	npu_regb_wr32(dev, NPU_BTRS_GLOBAL_INT_MASK, NPU_BTRS_GLOBAL_INT_MASK_MASKED);
	btrs = btrs_irq_handler(dev);
	if (!npu_pm_is_idle(dev) || !btrs)
		ip = ip_irq_handler(dev);
	/* Clearing the global mask re-raises the MSI for a source still
	 * pending; not if a scheduled recovery turned interrupts off. */
	if (dev->irq_on)
		npu_regb_wr32(dev, NPU_BTRS_GLOBAL_INT_MASK, 0);
	if (!btrs && !ip)
		npu_dbg(dev, "spurious interrupt");
}

/* Only the first reason of a burst is kept; interrupts go off at once so
 * a source that keeps firing cannot flood the host before the reset. */
void npu_trigger_recovery(struct npu_device *dev, const char *reason)
{
	npu_err(dev, "NPU needs a recovery: %s%s", reason,
		dev->recovery_pending || dev->in_recovery ? " (one is already due)" : "");
	if (dev->recovery_pending || dev->in_recovery)
		return;
	dev->recovery_pending = true;
	snprintf(dev->recovery_reason, sizeof(dev->recovery_reason), "%s", reason);
	npu_diag_hw_failure(dev);
	npu_hw_irq_disable(dev);
}

int npu_run_pending_recovery(struct npu_device *dev)
{
	char reason[sizeof(dev->recovery_reason)];

	if (!dev->recovery_pending || dev->in_recovery)
		return 0;
	dev->recovery_pending = false;
	memcpy(reason, dev->recovery_reason, sizeof(reason));
	return npu_recover(dev, reason);
}
