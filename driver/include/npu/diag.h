/* SPDX-License-Identifier: MIT */
/*
 * intel-npu-mtl userspace driver: diagnostics for tools and tests. The
 * decoded register dump (hw-facts §2), the firmware's log rings (§8), the
 * MMU event history (§6) and raw register access through the traced
 * accessors. Client code needs only npu/npu.h.
 */
#ifndef NPU_DRIVER_DIAG_H
#define NPU_DRIVER_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu/npu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Diagnostics ---------------------------------------------------------- */
/* Every register of hw-facts §2 with decoded fields. Registers of BAR0 are
 * read only while the NPU IP is powered (buttress VPU_STATUS.READY). */
int npu_dump_registers(struct npu_device *dev, npu_print_fn print, void *user);
/* Firmware log buffers (critical, verbose), every ring in them (§8), one
 * line per call of print; each ring between a banner line and an end line
 * (or one "empty" line). only_new: what the host has not read yet;
 * mark_read: afterwards the host has read everything. Returns the number
 * of valid rings, -EAGAIN before the firmware was loaded. */
int npu_read_fw_log(struct npu_device *dev, bool only_new, bool mark_read,
		    npu_print_fn print, void *user);

struct npu_mmu_event {
	uint32_t id;            /* SMMUv3 event id (0x10 translation fault, ...) */
	const char *name;
	uint32_t ssid, sid;
	bool ssv;
	uint64_t input_addr, fetch_addr;
	uint32_t raw[8];
};
/* Reads new events from the MMU event queue, then copies up to max of the
 * most recent ones (newest last); returns how many were copied. */
int npu_mmu_events(struct npu_device *dev, struct npu_mmu_event *ev, size_t max);

/* ---- Register access for tools and tests (through the traced accessors) -- */
uint32_t npu_reg_read32(struct npu_device *dev, unsigned bar, uint32_t off);
void npu_reg_write32(struct npu_device *dev, unsigned bar, uint32_t off, uint32_t val);

#ifdef __cplusplus
}
#endif

#endif /* NPU_DRIVER_DIAG_H */
