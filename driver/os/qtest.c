/* SPDX-License-Identifier: MIT */
/*
 * The driver's "qtest" OS backend (npu/os.h): the driver runs on the host
 * and drives a real QEMU with -device intel-npu-mtl over the qtest protocol
 * (qtest_client.h, next to this file), so every register access, DMA and
 * interrupt goes through QEMU's PCI, memory and MSI code exactly as for a
 * guest driver.
 *
 * Arguments: comma-separated key=value, all optional:
 *   qemu=PATH        QEMU binary (default: $QTEST_QEMU_BINARY)
 *   device-id=0xad1d, msix=on|off, lrt-ipus=N, chardev=ID
 *                    properties of -device intel-npu-mtl
 *   mem=SIZE         guest RAM, the DMA pool (default 512M)
 *   timeout=SECONDS  per qtest reply (default $QTEST_TIMEOUT or 60)
 *   extra=ARGS       more QEMU arguments, blank-separated; must come last,
 *                    it takes the rest of the string (commas included)
 * e.g. "qemu=build/qemu/qemu-system-x86_64,device-id=0xad1d,extra=-d guest_errors -D /tmp/g.log"
 *
 * How the OS services map onto qtest:
 *  - PCI: the NPU is found on bus 0 (8086:7D1D/AD1D), BAR0 and BAR4 are
 *    placed at fixed addresses in q35's 32-bit PCI hole, memory decode and
 *    bus mastering are enabled at open (ivpu_pci_init: pci_set_master).
 *    Config space is the 0xCF8/0xCFC mechanism, so offsets stop at 0xFF.
 *  - BARs: qtest readl/readq/writel/writeq.
 *  - DMA memory: carved from guest RAM from 16 MiB up, with a host shadow
 *    buffer (npu_dma_buf.cpu); sync_for_device writes the range into guest
 *    RAM, sync_for_cpu reads it back (b64write/b64read).
 *  - Interrupts: MSI is pointed at a guest-RAM word (QT_NPU_MSI_ADDR), so an
 *    MSI is a memory write the backend can see. irq_wait checks the word,
 *    then advances the virtual clock in steps that start at 10 µs and double
 *    up to 1 ms, checking after each, until it changes or the timeout has
 *    passed. The steps are fixed, so runs are deterministic; an interrupt is
 *    noticed at most one step late (<= 1 ms of virtual time, and well under
 *    that for interrupts that come soon after the wait starts).
 *  - Time: now_ns is QEMU's virtual clock as reported by the last
 *    clock_step; sleep_us is a clock_step. Nothing else moves the clock.
 *
 * Errors name the cause: QEMU binary unset / not found / not executable,
 * a QEMU without the qtest accelerator, a QEMU without the device, no NPU
 * on the bus, QEMU died (with its stderr tail), reply timeouts. After a
 * qtest failure the handle is dead: accessors return all-ones and every
 * later call fails with the same message. last_error(NULL) gives the reason
 * the last open() failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel-npu/pci.h"
#include "npu/os.h"
#include "qtest_client.h"

#define IRQ_STEP_MIN_US 10
#define IRQ_STEP_MAX_US 1000

struct npu_os {
	struct qt *q;
	struct qt_npu npu;
	bool irq_on;
	char err[8192];
};

static char open_error[8192];

static void set_error(struct npu_os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(struct npu_os *os, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(os ? os->err : open_error, os ? sizeof(os->err) : sizeof(open_error), fmt, ap);
	va_end(ap);
}

/* After every qtest interaction: a failed qtest handle makes the call fail
 * with the client's message (which carries QEMU's stderr tail). */
static int check(struct npu_os *os)
{
	if (!qt_failed(os->q))
		return 0;
	if (!strstr(os->err, qt_error(os->q)))
		set_error(os, "qtest: %s", qt_error(os->q));
	return -EIO;
}

/* ---- open / close --------------------------------------------------------------------- */

static int append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return r < 0 || (size_t)r >= len - n ? -1 : 0;
}

static int qtest_open(struct npu_os **out, const char *args)
{
	char *copy = strdup(args ? args : ""), *p, err[8192];
	char qemu_args[4096] = "-device intel-npu-mtl";
	struct qt_opts o = { 0 };
	struct npu_os *os;
	const char *extra = NULL;
	int r;

	*out = NULL;
	open_error[0] = '\0';
	if (!copy) {
		set_error(NULL, "out of memory");
		return -ENOMEM;
	}
	for (p = copy; p && *p;) {
		char *key = p, *val, *next;

		if (strncmp(key, "extra=", 6) == 0) {
			extra = key + 6;
			break;
		}
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		p = next;
		val = strchr(key, '=');
		if (!val) {
			set_error(NULL, "qtest backend option '%s' has no value (key=value)", key);
			free(copy);
			return -EINVAL;
		}
		*val++ = '\0';
		if (!strcmp(key, "qemu")) {
			o.qemu = val;
		} else if (!strcmp(key, "mem")) {
			o.memory = val;
		} else if (!strcmp(key, "timeout")) {
			o.timeout_ms = (unsigned)strtoul(val, NULL, 0) * 1000u;
		} else if (!strcmp(key, "device-id") || !strcmp(key, "msix") ||
			   !strcmp(key, "lrt-ipus") || !strcmp(key, "chardev")) {
			append(qemu_args, sizeof(qemu_args), ",%s=%s", key, val);
		} else {
			set_error(NULL, "unknown qtest backend option '%s' (known: qemu, device-id, msix, "
				  "lrt-ipus, chardev, mem, timeout, extra)", key);
			free(copy);
			return -EINVAL;
		}
	}
	if (extra && append(qemu_args, sizeof(qemu_args), " %s", extra)) {
		set_error(NULL, "qtest backend: extra QEMU arguments are too long");
		free(copy);
		return -EINVAL;
	}
	o.args = qemu_args;

	os = calloc(1, sizeof(*os));
	if (!os) {
		free(copy);
		set_error(NULL, "out of memory");
		return -ENOMEM;
	}
	r = qt_start(&os->q, &o, err, sizeof(err));
	free(copy);
	if (r) {
		set_error(NULL, "%s", err);
		free(os);
		return r;
	}
	/* MSI stays off until irq_enable; memory decode and bus mastering on */
	r = qt_npu_setup(os->q, &os->npu, QT_NPU_NO_MSI);
	if (r) {
		set_error(NULL, "%s", qt_error(os->q));
		qt_quit(os->q);
		free(os);
		return r;
	}
	*out = os;
	return 0;
}

static void qtest_close(struct npu_os *os)
{
	if (!os)
		return;
	qt_quit(os->q);
	free(os);
}

static const char *qtest_last_error(struct npu_os *os)
{
	return os ? os->err : open_error;
}

/* ---- PCI -------------------------------------------------------------------------------- */

static int qtest_pci_id(struct npu_os *os, struct npu_pci_id *id)
{
	uint32_t rev_class;

	memset(id, 0, sizeof(*id));
	id->vendor = (uint16_t)qt_pci_cfg_read(os->q, os->npu.bdf, 0x00, 2);
	id->device = (uint16_t)qt_pci_cfg_read(os->q, os->npu.bdf, 0x02, 2);
	rev_class = qt_pci_cfg_read(os->q, os->npu.bdf, 0x08, 4);
	id->revision = (uint8_t)rev_class;
	id->class_code = rev_class >> 8;
	snprintf(id->location, sizeof(id->location), "qtest:%02x:%02x.%x", os->npu.bdf >> 8,
		 (os->npu.bdf >> 3) & 0x1F, os->npu.bdf & 7);
	return check(os);
}

static int cfg_args_ok(struct npu_os *os, unsigned off, unsigned size)
{
	if ((size != 1 && size != 2 && size != 4) || off % size || off + size > 256) {
		set_error(os, "config access of %u bytes at 0x%x: sizes 1/2/4, naturally aligned, "
			  "below 0x100 (the 0xCF8/0xCFC mechanism)", size, off);
		return -EINVAL;
	}
	return 0;
}

static int qtest_cfg_read(struct npu_os *os, unsigned off, unsigned size, uint32_t *val)
{
	int r = cfg_args_ok(os, off, size);

	if (r)
		return r;
	*val = qt_pci_cfg_read(os->q, os->npu.bdf, off, size);
	return check(os);
}

static int qtest_cfg_write(struct npu_os *os, unsigned off, unsigned size, uint32_t val)
{
	int r = cfg_args_ok(os, off, size);

	if (r)
		return r;
	qt_pci_cfg_write(os->q, os->npu.bdf, off, size, val);
	return check(os);
}

/* ---- BARs --------------------------------------------------------------------------------- */

/* Guest address of a BAR access, or 0 (with the error set) if invalid. */
static uint64_t bar_addr(struct npu_os *os, unsigned bar, uint64_t off, unsigned size)
{
	uint64_t bar_size = bar == NPU_BAR_REGV ? NPU_BAR0_SIZE : NPU_BAR4_SIZE;

	if (bar != NPU_BAR_REGV && bar != NPU_BAR_REGB) {
		set_error(os, "BAR%u does not exist (the NPU has BAR0 and BAR4)", bar);
		return 0;
	}
	if (off % size || off + size > bar_size) {
		set_error(os, "%u-byte access at BAR%u+0x%" PRIx64 " is misaligned or outside the BAR",
			  size, bar, off);
		return 0;
	}
	if (qt_failed(os->q)) {
		check(os);
		return 0;
	}
	return qt_npu_bar(&os->npu, bar) + off;
}

static uint32_t qtest_read32(struct npu_os *os, unsigned bar, uint64_t off)
{
	uint64_t a = bar_addr(os, bar, off, 4);
	uint32_t v;

	if (!a)
		return UINT32_MAX;
	v = qt_readl(os->q, a);
	return check(os) ? UINT32_MAX : v;
}

static void qtest_write32(struct npu_os *os, unsigned bar, uint64_t off, uint32_t val)
{
	uint64_t a = bar_addr(os, bar, off, 4);

	if (a) {
		qt_writel(os->q, a, val);
		check(os);
	}
}

static uint64_t qtest_read64(struct npu_os *os, unsigned bar, uint64_t off)
{
	uint64_t a = bar_addr(os, bar, off, 8);
	uint64_t v;

	if (!a)
		return UINT64_MAX;
	v = qt_readq(os->q, a);
	return check(os) ? UINT64_MAX : v;
}

static void qtest_write64(struct npu_os *os, unsigned bar, uint64_t off, uint64_t val)
{
	uint64_t a = bar_addr(os, bar, off, 8);

	if (a) {
		qt_writeq(os->q, a, val);
		check(os);
	}
}

/* ---- DMA memory -------------------------------------------------------------------------- */

static int qtest_dma_alloc(struct npu_os *os, size_t size, struct npu_dma_buf *buf)
{
	size_t rounded = (size + 4095) & ~(size_t)4095;
	uint64_t gpa;
	void *shadow;

	memset(buf, 0, sizeof(*buf));
	if (!size || rounded < size) {
		set_error(os, "DMA allocation of %zu bytes", size);
		return -EINVAL;
	}
	if (check(os))
		return -EIO;
	gpa = qt_guest_alloc(os->q, rounded, 4096);
	if (!gpa) {
		set_error(os, "guest RAM exhausted: no room for %zu bytes of DMA memory in %" PRIu64
			  " MiB (raise it with mem=)", rounded, qt_ram_size(os->q) >> 20);
		return -ENOMEM;
	}
	shadow = aligned_alloc(4096, rounded);
	if (!shadow) {
		qt_guest_free(os->q, gpa);
		set_error(os, "out of host memory for a %zu-byte DMA shadow", rounded);
		return -ENOMEM;
	}
	memset(shadow, 0, rounded);
	/* guest RAM starts out equal to the shadow */
	qt_memset(os->q, gpa, 0, rounded);
	if (check(os)) {
		free(shadow);
		qt_guest_free(os->q, gpa);
		return -EIO;
	}
	buf->cpu = shadow;
	buf->dma = gpa;
	buf->size = rounded;
	return 0;
}

static void qtest_dma_free(struct npu_os *os, struct npu_dma_buf *buf)
{
	if (!buf->cpu)
		return;
	qt_guest_free(os->q, buf->dma);
	free(buf->cpu);
	memset(buf, 0, sizeof(*buf));
}

static bool range_ok(struct npu_os *os, const struct npu_dma_buf *buf, size_t off, size_t len,
		     const char *what)
{
	if (off > buf->size || len > buf->size - off) {
		set_error(os, "%s of [0x%zx, +0x%zx) outside a %zu-byte DMA buffer", what, off, len,
			  buf->size);
		return false;
	}
	return !qt_failed(os->q);
}

static void qtest_sync_for_device(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len)
{
	if (range_ok(os, buf, off, len, "sync_for_device") && len)
		qt_memwrite(os->q, buf->dma + off, (uint8_t *)buf->cpu + off, len);
	check(os);
}

static void qtest_sync_for_cpu(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len)
{
	if (range_ok(os, buf, off, len, "sync_for_cpu") && len)
		qt_memread(os->q, buf->dma + off, (uint8_t *)buf->cpu + off, len);
	check(os);
}

/* ---- Interrupts and time ---------------------------------------------------------------- */

static int qtest_irq_enable(struct npu_os *os)
{
	qt_npu_set_master(&os->npu, true);
	qt_npu_msi_enable(&os->npu, true);
	qt_writel(os->q, QT_NPU_MSI_ADDR, 0);
	if (check(os))
		return -EIO;
	os->irq_on = true;
	return 0;
}

static int qtest_irq_wait(struct npu_os *os, uint64_t timeout_us)
{
	uint64_t waited = 0, step = IRQ_STEP_MIN_US;

	if (check(os))
		return -EIO;
	for (;;) {
		if (os->irq_on && qt_npu_msi_fired(&os->npu))
			return 1;
		if (check(os))
			return -EIO;
		if (waited >= timeout_us)
			return 0;
		if (step > timeout_us - waited)
			step = timeout_us - waited;
		qt_clock_step(os->q, step * 1000u);
		waited += step;
		step = step * 2 > IRQ_STEP_MAX_US ? IRQ_STEP_MAX_US : step * 2;
	}
}

static uint64_t qtest_now_ns(struct npu_os *os)
{
	return qt_clock(os->q);
}

static void qtest_sleep_us(struct npu_os *os, uint64_t us)
{
	if (!qt_failed(os->q))
		qt_clock_step(os->q, us * 1000u);
	check(os);
}

const struct npu_os_ops npu_os_qtest = {
	.name = "qtest",
	.open = qtest_open,
	.close = qtest_close,
	.last_error = qtest_last_error,
	.pci_id = qtest_pci_id,
	.cfg_read = qtest_cfg_read,
	.cfg_write = qtest_cfg_write,
	.read32 = qtest_read32,
	.write32 = qtest_write32,
	.read64 = qtest_read64,
	.write64 = qtest_write64,
	.dma_alloc = qtest_dma_alloc,
	.dma_free = qtest_dma_free,
	.sync_for_device = qtest_sync_for_device,
	.sync_for_cpu = qtest_sync_for_cpu,
	.irq_enable = qtest_irq_enable,
	.irq_wait = qtest_irq_wait,
	.now_ns = qtest_now_ns,
	.sleep_us = qtest_sleep_us,
};
