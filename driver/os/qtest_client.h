/* SPDX-License-Identifier: MIT */
/*
 * A small client for QEMU's qtest protocol (written for this project; it
 * shares no code with QEMU's libqtest).
 *
 * One `struct qt` is one QEMU process started as
 *   <qemu> -machine q35 -accel qtest -qtest unix:<s1> -qtest-log /dev/null
 *          -qmp unix:<s2> -display none -nodefaults -m <mem> <args...>
 * with both sockets connected, its stdout+stderr captured to a file.
 *
 * Protocol facts this relies on (QEMU 7.2 softmmu/qtest.c, read for
 * the protocol): one request line, one reply line ("OK ...", "FAIL ...",
 * "ERR ..."); "IRQ raise N" / "IRQ lower N" lines may arrive before any
 * reply; QEMU does not exit when the qtest socket closes, so shutdown is a
 * QMP "quit" (and SIGKILL if that does not work).
 *
 * Errors are sticky: the first failure (reply timeout, QEMU died, FAIL
 * reply, bad argument) is recorded with a message naming the command and
 * the tail of QEMU's stderr, the handle becomes unusable (later calls return
 * all-ones and do nothing) and the fail handler, if one is set, runs when
 * the failing call returns. Tests install a handler that fails the test;
 * the driver's qtest backend checks qt_failed()/qt_error() instead.
 *
 * No QEMU is left behind: children get PR_SET_PDEATHSIG(SIGKILL), and an
 * atexit handler plus SIGINT/SIGTERM/SIGHUP/SIGABRT handlers kill whatever
 * is still running.
 *
 * Environment:
 *   QTEST_QEMU_BINARY  QEMU to run when the caller names none
 *   QTEST_QEMU_ARGS    extra arguments appended to every QEMU command line
 *                      (e.g. "-L /usr/share/seabios")
 *   QTEST_TIMEOUT      seconds to wait for any reply (default 60)
 *   QTEST_LOG          append every qtest/QMP exchange to this file
 *   QTEST_NO_B64=1     use the hex read/write commands instead of b64 (to
 *                      test the fallback for QEMUs without b64read/b64write)
 */
#ifndef QTEST_CLIENT_H
#define QTEST_CLIENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qt;

struct qt_opts {
	const char *qemu;        /* binary; NULL: $QTEST_QEMU_BINARY */
	const char *memory;      /* -m value; NULL: "512M" */
	const char *args;        /* extra arguments, split at blanks (no quoting) */
	unsigned timeout_ms;     /* per reply; 0: $QTEST_TIMEOUT s or 60 s */
};

/* Start QEMU and connect. On failure returns a negative errno, *out = NULL
 * and a specific message in err: binary not set / not found / not
 * executable, no qtest accelerator, QEMU exited during start-up (with its
 * stderr tail), timeout. */
int qt_start(struct qt **out, const struct qt_opts *o, char *err, size_t errlen);

/* Stop QEMU: QMP "quit", wait up to 5 s, then SIGKILL. Frees q (NULL ok). */
void qt_quit(struct qt *q);
/* SIGKILL and reap at once, then free (for a handle already failed). */
void qt_kill(struct qt *q);

typedef void (*qt_fail_fn)(struct qt *q, void *opaque);
void qt_set_fail_handler(struct qt *q, qt_fail_fn fn, void *opaque);
bool qt_failed(const struct qt *q);
const char *qt_error(const struct qt *q);      /* "" while no error */
int qt_pid(const struct qt *q);
/* True while the QEMU process exists (reaps it if it exited). */
bool qt_alive(struct qt *q);
/* Last `lines` lines of QEMU's stdout+stderr (malloc'd, never NULL). */
char *qt_stderr_tail(struct qt *q, unsigned lines);

/* ---- qtest commands ------------------------------------------------------ */
/* Send one raw request line (without "\n"); returns the reply text after
 * "OK" (leading blank removed; static buffer valid until the next call),
 * or NULL after an error. A FAIL/ERR reply is an error. */
const char *qt_cmd(struct qt *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

uint8_t  qt_inb(struct qt *q, uint16_t port);
uint16_t qt_inw(struct qt *q, uint16_t port);
uint32_t qt_inl(struct qt *q, uint16_t port);
void qt_outb(struct qt *q, uint16_t port, uint8_t v);
void qt_outw(struct qt *q, uint16_t port, uint16_t v);
void qt_outl(struct qt *q, uint16_t port, uint32_t v);

uint8_t  qt_readb(struct qt *q, uint64_t addr);
uint16_t qt_readw(struct qt *q, uint64_t addr);
uint32_t qt_readl(struct qt *q, uint64_t addr);
uint64_t qt_readq(struct qt *q, uint64_t addr);
void qt_writeb(struct qt *q, uint64_t addr, uint8_t v);
void qt_writew(struct qt *q, uint64_t addr, uint16_t v);
void qt_writel(struct qt *q, uint64_t addr, uint32_t v);
void qt_writeq(struct qt *q, uint64_t addr, uint64_t v);
/* Access of `size` 1, 2, 4 or 8 bytes (readb..readq / writeb..writeq). */
uint64_t qt_read_sized(struct qt *q, uint64_t addr, unsigned size);
void qt_write_sized(struct qt *q, uint64_t addr, unsigned size, uint64_t v);

/* Guest memory, any length: b64read/b64write in chunks (read/write hex as
 * a fallback when QEMU does not know the b64 commands). */
void qt_memread(struct qt *q, uint64_t addr, void *buf, size_t len);
void qt_memwrite(struct qt *q, uint64_t addr, const void *buf, size_t len);
void qt_memset(struct qt *q, uint64_t addr, uint8_t v, size_t len);

/* Virtual clock (QEMU_CLOCK_VIRTUAL, ns). Each returns the new time. */
uint64_t qt_clock_step(struct qt *q, uint64_t ns);
uint64_t qt_clock_step_next(struct qt *q);       /* to the next timer deadline */
uint64_t qt_clock_set(struct qt *q, uint64_t ns);
uint64_t qt_clock(const struct qt *q);           /* last value QEMU reported */

/* Interrupt interception ("irq_intercept_in/out QOM-PATH"); the IRQ lines
 * that arrive with any reply are recorded. */
void qt_irq_intercept_in(struct qt *q, const char *qom_path);
void qt_irq_intercept_out(struct qt *q, const char *qom_path);
bool qt_irq_level(const struct qt *q, unsigned num);
unsigned qt_irq_raises(const struct qt *q, unsigned num); /* count since start */

/* ---- QMP ------------------------------------------------------------------ */
/* Execute one QMP command (a JSON object; printf-style). Returns the reply
 * line (the {"return": ...} or {"error": ...} object) malloc'd, events
 * skipped; NULL after an error. */
char *qt_qmp(struct qt *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tiny JSON helpers on reply text. Values are pointers into the text. */
/* First value of `key` at any depth in [json, end) (end NULL: to NUL). */
const char *qt_json_find(const char *json, const char *end, const char *key);
/* Pointer just past the value starting at v (NULL if malformed). */
const char *qt_json_skip(const char *v);
/* idx-th element of the array starting at v, or NULL. */
const char *qt_json_elem(const char *v, unsigned idx);
bool qt_json_int(const char *v, int64_t *out);
bool qt_json_streq(const char *v, const char *s);
/* The string value at v, unescaped (malloc'd), or NULL. */
char *qt_json_strdup(const char *v);

/* ---- PCI configuration space (0xCF8/0xCFC) -------------------------------- */
#define QT_BDF(bus, dev, fn) ((unsigned)(((bus) << 8) | ((dev) << 3) | (fn)))
uint32_t qt_pci_cfg_read(struct qt *q, unsigned bdf, unsigned off, unsigned size);
void qt_pci_cfg_write(struct qt *q, unsigned bdf, unsigned off, unsigned size, uint32_t v);
/* Offset of the first capability with this ID, 0 if none. */
unsigned qt_pci_find_cap(struct qt *q, unsigned bdf, uint8_t cap_id);

/* ---- Guest RAM allocator ---------------------------------------------------- */
/* From 16 MiB up to the end of RAM (the -m size); nothing below 16 MiB is
 * handed out, so fixed scratch words there are safe. Returns 0 when full. */
#define QT_ALLOC_BASE 0x01000000u
uint64_t qt_guest_alloc(struct qt *q, uint64_t size, uint64_t align);
void qt_guest_free(struct qt *q, uint64_t addr);
uint64_t qt_ram_size(const struct qt *q);

/* ---- One-shot QEMU run (no qtest) ----------------------------------------- */
/* Run `qemu args...` (args split at blanks), kill it after timeout_ms.
 * *status gets the wait status (or -1 if it had to be killed); *output the
 * combined stdout+stderr (malloc'd). Returns 0 or a negative errno. */
int qt_run_once(const char *qemu, const char *args, unsigned timeout_ms, int *status,
		char **output);
/* The QEMU binary from the environment, or NULL. */
const char *qt_qemu_binary(void);

/* ---- The NPU on PCI ------------------------------------------------------- */
/*
 * Fixed addresses in q35's 32-bit PCI hole. q35 puts RAM below
 * min(RAM, 2816 MiB) (512 MiB here), MMCONFIG at 0xB0000000 (256 MiB), the
 * IOAPIC at 0xFEC00000, HPET 0xFED00000, LAPIC 0xFEE00000 and the BIOS in
 * the top 256 KiB; nothing else is mapped in 0xC0000000-0xFEBFFFFF while no
 * firmware assigns BARs (qtest never runs the BIOS). BAR0 is 128 MiB and
 * must be 128 MiB aligned.
 */
#define QT_NPU_BAR0_ADDR  0xE0000000u  /* 0xE0000000-0xE7FFFFFF */
#define QT_NPU_BAR4_ADDR  0xE8000000u  /* 0xE8000000-0xE8000FFF */
/* MSI target: a guest-RAM word below the allocator, so an MSI is a plain
 * memory write the test can observe (no APIC involved). */
#define QT_NPU_MSI_ADDR   0x00F00000u
#define QT_NPU_MSI_DATA   0x4E50u      /* "NP"; any non-zero 16-bit value */

#define QT_NPU_NO_MASTER  0x1u  /* leave bus mastering off */
#define QT_NPU_NO_MSI     0x2u  /* leave MSI disabled */

struct qt_npu {
	struct qt *q;
	unsigned bdf;
	uint16_t device_id;
	uint64_t bar0, bar4;
	unsigned msi_cap;        /* config offset of the MSI capability */
};

/* Scan bus 0 for 8086:7D1D / 8086:AD1D; returns the BDF or -1. */
int qt_npu_find(struct qt *q, uint16_t *device_id);
/* Find the NPU, program BAR0/BAR4, enable memory decode (and bus mastering),
 * point MSI at QT_NPU_MSI_ADDR and enable it (unless flags say otherwise),
 * clear the MSI word. Returns 0, or -ENODEV with the handle's error set. */
int qt_npu_setup(struct qt *q, struct qt_npu *npu, unsigned flags);
void qt_npu_set_master(struct qt_npu *npu, bool on);
/* Program and enable (or disable) MSI to the scratch word. */
void qt_npu_msi_enable(struct qt_npu *npu, bool on);
/* True if an MSI was written since the last call; clears the word. */
bool qt_npu_msi_fired(struct qt_npu *npu);

static inline uint64_t qt_npu_bar(const struct qt_npu *n, unsigned bar)
{
	return bar == 4 ? n->bar4 : n->bar0;
}
static inline uint32_t qt_npu_rd32(struct qt_npu *n, unsigned bar, uint64_t off)
{
	return qt_readl(n->q, qt_npu_bar(n, bar) + off);
}
static inline uint64_t qt_npu_rd64(struct qt_npu *n, unsigned bar, uint64_t off)
{
	return qt_readq(n->q, qt_npu_bar(n, bar) + off);
}
static inline void qt_npu_wr32(struct qt_npu *n, unsigned bar, uint64_t off, uint32_t v)
{
	qt_writel(n->q, qt_npu_bar(n, bar) + off, v);
}
static inline void qt_npu_wr64(struct qt_npu *n, unsigned bar, uint64_t off, uint64_t v)
{
	qt_writeq(n->q, qt_npu_bar(n, bar) + off, v);
}

#endif /* QTEST_CLIENT_H */
