/* SPDX-License-Identifier: MIT */
/*
 * The driver's OS interface. The portable driver core (driver/lib) does all
 * platform work through one of these backends, one file each in driver/os/:
 *
 *   sim    the device model and its firmware in this process; virtual time
 *   qtest  a real QEMU with -device intel-npu-mtl, driven over qtest
 *   linux  a Linux guest: sysfs + VFIO (type1 IOMMU) + MSI eventfd
 *   redox  a Redox guest: pcid channel + schemes
 *
 * Rules every backend follows:
 *  - BAR accessors are 32- and 64-bit only (the device's register width).
 *  - DMA memory has a CPU view (cpu) and a device (bus) address (dma). The
 *    driver brackets CPU accesses with sync calls, as with a non-coherent
 *    streaming DMA API: sync_for_device after the CPU wrote, sync_for_cpu
 *    before the CPU reads what the device may have written. Coherent
 *    backends implement them as no-ops; the qtest backend copies between its
 *    shadow buffer and guest RAM.
 *  - Time: now_ns() is the backend's clock (virtual time for sim/qtest);
 *    sleep_us() lets that much time pass (it advances the virtual clock and
 *    runs the device's timers on sim/qtest). Every wait in the driver is
 *    built on these two, so it behaves the same on every backend.
 *  - irq_wait() blocks until the device's interrupt fires or timeout_us of
 *    backend time passes: returns 1 if an interrupt was delivered since the
 *    last call, 0 on timeout, negative errno on failure.
 *  - dma_alloc returns memory that is zero in both views (CPU and device):
 *    the driver relies on it instead of clearing large regions itself.
 * Functions return 0 or a negative errno, and fill the backend's error
 * message (npu_os_ops.last_error) with the specific cause. When open()
 * fails there is no handle: last_error(NULL) then says why.
 */
#ifndef NPU_DRIVER_OS_H
#define NPU_DRIVER_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct npu_os;

struct npu_dma_buf {
	void *cpu;        /* CPU view (the shadow copy on qtest) */
	uint64_t dma;     /* device (bus) address */
	size_t size;      /* bytes, a multiple of 4 KiB */
	void *priv;       /* backend bookkeeping */
};

struct npu_pci_id {
	uint16_t vendor, device;
	uint8_t revision;
	uint32_t class_code;     /* 24-bit: class << 16 | subclass << 8 | prog-if */
	char location[64];       /* e.g. "0000:00:03.0" or "qtest:00:03.0" */
};

struct npu_os_ops {
	const char *name;
	/* args: backend-specific string (e.g. a PCI address, a QEMU binary,
	 * "" for defaults); documented by each backend. */
	int (*open)(struct npu_os **os, const char *args);
	void (*close)(struct npu_os *os);
	const char *(*last_error)(struct npu_os *os);

	int (*pci_id)(struct npu_os *os, struct npu_pci_id *id);
	int (*cfg_read)(struct npu_os *os, unsigned off, unsigned size, uint32_t *val);
	int (*cfg_write)(struct npu_os *os, unsigned off, unsigned size, uint32_t val);

	uint32_t (*read32)(struct npu_os *os, unsigned bar, uint64_t off);
	void (*write32)(struct npu_os *os, unsigned bar, uint64_t off, uint32_t val);
	uint64_t (*read64)(struct npu_os *os, unsigned bar, uint64_t off);
	void (*write64)(struct npu_os *os, unsigned bar, uint64_t off, uint64_t val);

	int (*dma_alloc)(struct npu_os *os, size_t size, struct npu_dma_buf *buf);
	void (*dma_free)(struct npu_os *os, struct npu_dma_buf *buf);
	void (*sync_for_device)(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len);
	void (*sync_for_cpu)(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len);

	/* Enable the single MSI vector (and bus mastering) */
	int (*irq_enable)(struct npu_os *os);
	int (*irq_wait)(struct npu_os *os, uint64_t timeout_us);

	uint64_t (*now_ns)(struct npu_os *os);
	void (*sleep_us)(struct npu_os *os, uint64_t us);
};

/* Backends compiled into this build, NULL-terminated; find one by name. */
extern const struct npu_os_ops *const npu_os_backends[];
const struct npu_os_ops *npu_os_find(const char *name);

/* The individual backends */
extern const struct npu_os_ops npu_os_sim;
extern const struct npu_os_ops npu_os_qtest;
extern const struct npu_os_ops npu_os_linux;

#endif /* NPU_DRIVER_OS_H */
