/* SPDX-License-Identifier: MIT */
/*
 * intel-npu-mtl userspace driver: the bring-up steps of npu_boot, one
 * call each, for tests that boot deliberately broken images or stop
 * halfway (hw-facts §3, §4, §6). Client code uses npu_boot (npu/npu.h).
 */
#ifndef NPU_DRIVER_BRINGUP_H
#define NPU_DRIVER_BRINGUP_H

#include <stdint.h>

#include "npu/npu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Bring-up steps (for qtests booting deliberately broken images) ------ */
/* npu_boot() is these, in order; each may be called on its own. */
int npu_step_fw_request(struct npu_device *dev);   /* find, read, validate the file */
int npu_step_pci_enable(struct npu_device *dev);   /* memory space + bus mastering */
int npu_step_hw_info(struct npu_device *dev);      /* buttress fuses, IRQ clear erratum */
int npu_step_power_up(struct npu_device *dev);     /* hw-facts §3.1 */
int npu_step_mmu_init(struct npu_device *dev);     /* contexts, tables, queues, enable (§6) */
int npu_step_mmu_enable(struct npu_device *dev);   /* re-run the enable sequence only */
int npu_step_fw_load(struct npu_device *dev);      /* runtime/log buffers + image copy (§4) */
int npu_step_ipc_init(struct npu_device *dev);     /* TX/RX buffers (§5.1) */
int npu_step_boot_params(struct npu_device *dev);  /* cold or warm per the entry point (§4.4) */
int npu_step_cpu_start(struct npu_device *dev, uint64_t entry); /* §3.3, no validation */
uint64_t npu_cold_entry(const struct npu_device *dev);
int npu_step_wait_ready(struct npu_device *dev);   /* poll for the ready message (§3.4) */
int npu_step_irq_enable(struct npu_device *dev);   /* ICB clear, MSI, sources, IPC on */
int npu_step_power_down(struct npu_device *dev);   /* §3.6: IP reset, WP0, D0i3 */

#ifdef __cplusplus
}
#endif

#endif /* NPU_DRIVER_BRINGUP_H */
