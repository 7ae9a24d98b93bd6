/* SPDX-License-Identifier: MIT */
/*
 * The "sim" OS backend: the device model (qemu-device/model) in this
 * process, with the backend as its host (struct npum_host_ops):
 *
 *  - DMA: bus addresses are handed out from 0x1_0000_0000 upward, 4 KiB
 *    aligned, with an unmapped 4 KiB gap after each allocation, below 2^38
 *    (the 37xx DMA mask, hw-facts §1.4). The model can reach only memory
 *    the driver allocated; anything else fails, and the model reports it.
 *  - Time: a virtual clock owned by the backend. sleep_us() advances it and
 *    fires the model's timer at every armed deadline on the way, in order.
 *    irq_wait() advances it until the model sends its MSI or the timeout
 *    passes, jumping from deadline to deadline (no busy stepping). Runs are
 *    deterministic: nothing depends on the host's clock.
 *  - PCI: a minimal config space (IDs, class, revision, command register;
 *    BARs fixed). Bus mastering changes are passed to the model; BAR
 *    accesses with memory space disabled are refused and counted.
 *  - Model guest errors go to the owning device's log at warning level and
 *    are counted (tests expect zero on clean runs).
 *
 * Args: see sim.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu/npu.h"
#include "npu/os.h"
#include "npu_model.h"
#include "sim.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_ip.h"

#define SIM_DMA_BASE       0x100000000ull           /* 4 GiB: above the 32-bit hole */
#define SIM_DMA_LIMIT      (1ull << NPU_DMA_BITS_37XX)
#define SIM_DMA_GUARD      0x1000u                  /* unmapped gap after each buffer */
#define SIM_PAGE           0x1000u
#define SIM_MEM_LIMIT_DEF  (1ull << 30)
#define SIM_CONSOLE_KEEP   4096u
#define SIM_LOCATION       "0000:00:0b.0"           /* where MTL laptops have it (§1.2) */

/* Config space offsets (PCI local bus spec) */
#define CFG_VENDOR         0x00u
#define CFG_DEVICE         0x02u
#define CFG_COMMAND        0x04u
#define   CFG_CMD_MEMORY     0x0002u
#define   CFG_CMD_MASTER     0x0004u
#define   CFG_CMD_WRITABLE   0x0546u  /* MEMORY, MASTER, PARITY, SERR, INTX_DISABLE */
#define CFG_REVISION       0x08u
#define CFG_CLASS          0x09u    /* 3 bytes: prog-if, subclass, class */
#define CFG_HEADER_TYPE    0x0Eu
#define CFG_BAR0           0x10u
#define CFG_BAR4           0x20u
#define   CFG_BAR_MEM64      0x4u
#define CFG_SUBSYS_VENDOR  0x2Cu
#define CFG_SIZE           256u
#define SIM_BAR0_ADDR      0x4000000000ull          /* fixed, 128 MiB aligned */
#define SIM_BAR4_ADDR      0x4008000000ull

struct sim_alloc {
	uint64_t dma;
	size_t size;
	uint8_t *cpu;
};

struct npu_os {
	struct npum *npu;
	struct npum_config cfg;
	struct npum_host_ops hops;
	char err[512];

	/* DMA */
	struct sim_alloc *allocs;    /* sorted by dma (handed out increasing) */
	size_t n_allocs, cap_allocs;
	uint64_t next_dma, mem_limit;
	bool fail_dma;

	/* time */
	uint64_t now_ns;
	uint64_t deadline;           /* model timer, UINT64_MAX = not armed */

	/* interrupts */
	bool msi_enabled, msi_pending;

	/* PCI */
	uint8_t cfg_space[CFG_SIZE];

	/* options, fault injection, counters */
	bool trace, console_stderr;
	unsigned drop_ipc_tx;
	struct npu_sim_stats st;
	char last_guest_error[512];
	char console[SIM_CONSOLE_KEEP];
	size_t console_len;
};

static char open_error[512];
static uint64_t last_close_live, last_close_guest_errors;

static void set_err(struct npu_os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct npu_os *os, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(os ? os->err : open_error, os ? sizeof(os->err) : sizeof(open_error), fmt, ap);
	va_end(ap);
}

/* ---- DMA ------------------------------------------------------------------------- */

static struct sim_alloc *find_alloc(struct npu_os *os, uint64_t addr)
{
	size_t lo = 0, hi = os->n_allocs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct sim_alloc *a = &os->allocs[mid];

		if (addr < a->dma)
			hi = mid;
		else if (addr - a->dma >= a->size)
			lo = mid + 1;
		else
			return a;
	}
	return NULL;
}

/* The bytes [addr, addr + len) if they lie inside one allocation. */
static uint8_t *dma_ptr(struct npu_os *os, uint64_t addr, uint64_t len)
{
	struct sim_alloc *a = find_alloc(os, addr);

	if (!a || os->fail_dma || len > a->size - (addr - a->dma))
		return NULL;
	return a->cpu + (addr - a->dma);
}

static int host_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	uint8_t *p = dma_ptr(opaque, addr, len);

	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int host_dma_write(void *opaque, uint64_t addr, const void *buf, uint64_t len)
{
	uint8_t *p = dma_ptr(opaque, addr, len);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}

/* The DMA engines' direct view: up to the end of the allocation holding addr. */
static void *host_dma_map(void *opaque, uint64_t addr, uint64_t *len, bool write)
{
	struct npu_os *os = opaque;
	struct sim_alloc *a = find_alloc(os, addr);
	uint64_t left;

	(void)write;
	if (!a || os->fail_dma || !*len)
		return NULL;
	left = a->size - (addr - a->dma);
	if (*len > left)
		*len = left;
	return a->cpu + (addr - a->dma);
}

static void host_dma_unmap(void *opaque, void *ptr, uint64_t len, bool write)
{
	(void)opaque, (void)ptr, (void)len, (void)write;
}

static int sim_dma_alloc(struct npu_os *os, size_t size, struct npu_dma_buf *buf)
{
	size_t rounded = (size + SIM_PAGE - 1) & ~(size_t)(SIM_PAGE - 1);
	struct sim_alloc *a;
	void *cpu;

	if (!size) {
		set_err(os, "dma_alloc of 0 bytes");
		return -EINVAL;
	}
	if (os->st.dma_bytes + rounded > os->mem_limit) {
		set_err(os, "dma_alloc of %zu bytes: the sim's DMA memory limit of %llu bytes is "
			"reached (%llu in use; mem-limit= option)", size,
			(unsigned long long)os->mem_limit, (unsigned long long)os->st.dma_bytes);
		return -ENOMEM;
	}
	if (os->next_dma + rounded > SIM_DMA_LIMIT) {
		set_err(os, "dma_alloc of %zu bytes: bus addresses above 2^%u are beyond the 37xx "
			"DMA mask", size, NPU_DMA_BITS_37XX);
		return -ENOMEM;
	}
	if (os->n_allocs == os->cap_allocs) {
		size_t cap = os->cap_allocs ? 2 * os->cap_allocs : 64;
		struct sim_alloc *n = realloc(os->allocs, cap * sizeof(*n));

		if (!n) {
			set_err(os, "dma_alloc: out of host memory");
			return -ENOMEM;
		}
		os->allocs = n;
		os->cap_allocs = cap;
	}
	/* calloc: zeroed, and large buffers come untouched from mmap, so a big
	 * runtime region costs nothing until used. The bus address, not the
	 * CPU pointer, is what must be page aligned. */
	cpu = calloc(1, rounded);
	if (!cpu) {
		set_err(os, "dma_alloc of %zu bytes: out of host memory", size);
		return -ENOMEM;
	}
	a = &os->allocs[os->n_allocs++];
	a->dma = os->next_dma;
	a->size = rounded;
	a->cpu = cpu;
	os->next_dma += rounded + SIM_DMA_GUARD;
	os->st.dma_allocs++;
	os->st.dma_bytes += rounded;
	if (os->st.dma_bytes > os->st.dma_bytes_peak)
		os->st.dma_bytes_peak = os->st.dma_bytes;
	buf->cpu = cpu;
	buf->dma = a->dma;
	buf->size = rounded;
	buf->priv = NULL;
	return 0;
}

static void sim_dma_free(struct npu_os *os, struct npu_dma_buf *buf)
{
	struct sim_alloc *a = buf->cpu ? find_alloc(os, buf->dma) : NULL;
	size_t i;

	if (!a || a->dma != buf->dma) {
		if (buf->cpu)
			npu_os_report(os, NPU_LOG_WARN, "sim: dma_free of unknown buffer at 0x%llx",
				      (unsigned long long)buf->dma);
		return;
	}
	i = (size_t)(a - os->allocs);
	os->st.dma_bytes -= a->size;
	os->st.dma_frees++;
	free(a->cpu);
	memmove(&os->allocs[i], &os->allocs[i + 1], (os->n_allocs - i - 1) * sizeof(*a));
	os->n_allocs--;
	memset(buf, 0, sizeof(*buf));
}

static void sim_sync(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len)
{
	/* coherent: the model reads and writes the same host memory */
}

/* ---- Model host callbacks ----------------------------------------------------------- */

static void host_msi_notify(void *opaque)
{
	struct npu_os *os = opaque;

	os->st.msis++;
	if (os->msi_enabled)
		os->msi_pending = true;
	else
		os->st.msis_dropped++;
}

static uint64_t host_clock_ns(void *opaque)
{
	return ((struct npu_os *)opaque)->now_ns;
}

static void host_timer_mod(void *opaque, uint64_t deadline_ns)
{
	((struct npu_os *)opaque)->deadline = deadline_ns;
}

static void host_guest_error(void *opaque, const char *msg)
{
	struct npu_os *os = opaque;

	os->st.guest_errors++;
	snprintf(os->last_guest_error, sizeof(os->last_guest_error), "%s", msg);
	npu_os_report(os, NPU_LOG_WARN, "sim: guest error: %s", msg);
}

/* Model events, decoded by name (npum_trace_format) and stamped with
 * virtual time: on stderr with the backend option trace=1, else into the
 * device's log at trace level (npuctl -vvv). */
static void host_trace(void *opaque, const struct npum_trace_rec *rec)
{
	struct npu_os *os = opaque;
	char line[384];

	if (!os->trace && !npu_os_log_enabled(os, NPU_LOG_TRACE))
		return;
	npum_trace_format(rec, line, sizeof(line));
	if (os->trace)
		fprintf(stderr, "[%6llu.%06llu] %s\n",
			(unsigned long long)(rec->time_ns / 1000000000u),
			(unsigned long long)(rec->time_ns / 1000u % 1000000u), line);
	else
		npu_os_report(os, NPU_LOG_TRACE, "model [%llu.%06llu] %s",
			      (unsigned long long)(rec->time_ns / 1000000000u),
			      (unsigned long long)(rec->time_ns / 1000u % 1000000u), line);
}

static void host_console(void *opaque, const char *line)
{
	struct npu_os *os = opaque;
	size_t len = strlen(line) + 1;

	if (len >= SIM_CONSOLE_KEEP)
		len = SIM_CONSOLE_KEEP - 1;
	if (os->console_len + len >= SIM_CONSOLE_KEEP) {
		/* keep the newest lines */
		size_t drop = os->console_len + len - (SIM_CONSOLE_KEEP - 1);

		memmove(os->console, os->console + drop, os->console_len - drop);
		os->console_len -= drop;
	}
	memcpy(os->console + os->console_len, line, len - 1);
	os->console[os->console_len + len - 1] = '\n';
	os->console_len += len;
	os->console[os->console_len] = '\0';
	if (os->console_stderr)
		fprintf(stderr, "fw: %s\n", line);
	npu_os_report(os, NPU_LOG_INFO, "fw console: %s", line);
}

/* ---- Time ------------------------------------------------------------------------------ */

/* Advance to target, firing the model timer at each deadline on the way. */
static void run_until(struct npu_os *os, uint64_t target)
{
	while (os->deadline <= target) {
		if (os->deadline > os->now_ns)
			os->now_ns = os->deadline;
		os->deadline = UINT64_MAX;
		os->st.timer_fires++;
		npum_timer_expired(os->npu);
	}
	if (target > os->now_ns)
		os->now_ns = target;
	os->st.virtual_ns = os->now_ns;
}

static uint64_t sim_now_ns(struct npu_os *os)
{
	return os->now_ns;
}

static void sim_sleep_us(struct npu_os *os, uint64_t us)
{
	run_until(os, os->now_ns + us * 1000u);
}

static int sim_irq_enable(struct npu_os *os)
{
	uint32_t cmd = (uint32_t)os->cfg_space[CFG_COMMAND] |
		       (uint32_t)os->cfg_space[CFG_COMMAND + 1] << 8;

	/* os.h: enabling the vector also enables bus mastering (MSI is a write) */
	if (!(cmd & CFG_CMD_MASTER)) {
		cmd |= CFG_CMD_MASTER;
		os->cfg_space[CFG_COMMAND] = (uint8_t)cmd;
		npum_bus_master_changed(os->npu, true);
	}
	os->msi_enabled = true;
	return 0;
}

static int sim_irq_wait(struct npu_os *os, uint64_t timeout_us)
{
	uint64_t end = os->now_ns + timeout_us * 1000u;

	if (!os->msi_enabled) {
		set_err(os, "irq_wait before irq_enable: the MSI vector is disabled");
		return -EINVAL;
	}
	for (;;) {
		if (os->msi_pending) {
			os->msi_pending = false;
			return 1;
		}
		if (os->now_ns >= end)
			return 0;
		/* next event: the model's deadline, or the end of the wait */
		run_until(os, os->deadline < end ? os->deadline : end);
	}
}

/* ---- PCI config space ------------------------------------------------------------------- */

static void cfg_put(struct npu_os *os, unsigned off, unsigned size, uint32_t v)
{
	for (unsigned i = 0; i < size; i++)
		os->cfg_space[off + i] = (uint8_t)(v >> (8 * i));
}

static void cfg_init(struct npu_os *os)
{
	memset(os->cfg_space, 0, sizeof(os->cfg_space));
	cfg_put(os, CFG_VENDOR, 2, NPU_PCI_VENDOR_INTEL);
	cfg_put(os, CFG_DEVICE, 2, os->cfg.device_id);
	cfg_put(os, CFG_REVISION, 1, os->cfg.revision);
	cfg_put(os, CFG_CLASS, 3, (uint32_t)NPU_PCI_CLASS_ACCEL << 8 | NPU_PCI_CLASS_PROG_IF);
	cfg_put(os, CFG_HEADER_TYPE, 1, 0);
	cfg_put(os, CFG_BAR0, 4, (uint32_t)SIM_BAR0_ADDR | CFG_BAR_MEM64);
	cfg_put(os, CFG_BAR0 + 4, 4, (uint32_t)(SIM_BAR0_ADDR >> 32));
	cfg_put(os, CFG_BAR4, 4, (uint32_t)SIM_BAR4_ADDR | CFG_BAR_MEM64);
	cfg_put(os, CFG_BAR4 + 4, 4, (uint32_t)(SIM_BAR4_ADDR >> 32));
	cfg_put(os, CFG_SUBSYS_VENDOR, 2, NPU_PCI_VENDOR_INTEL);
	cfg_put(os, CFG_SUBSYS_VENDOR + 2, 2, os->cfg.device_id);
}

static int cfg_check(struct npu_os *os, unsigned off, unsigned size, const char *what)
{
	if ((size != 1 && size != 2 && size != 4) || off % size || off + size > CFG_SIZE) {
		set_err(os, "config %s of %u bytes at 0x%x: size must be 1, 2 or 4, naturally "
			"aligned, inside the 256-byte space", what, size, off);
		return -EINVAL;
	}
	return 0;
}

static int sim_cfg_read(struct npu_os *os, unsigned off, unsigned size, uint32_t *val)
{
	uint32_t v = 0;
	int ret = cfg_check(os, off, size, "read");

	if (ret)
		return ret;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)os->cfg_space[off + i] << (8 * i);
	*val = v;
	return 0;
}

static int sim_cfg_write(struct npu_os *os, unsigned off, unsigned size, uint32_t val)
{
	uint32_t old, cmd;
	int ret = cfg_check(os, off, size, "write");

	if (ret)
		return ret;
	/* Only the command register is writable here (bytes 0x04-0x05). */
	if (off > CFG_COMMAND + 1 || off + size <= CFG_COMMAND)
		return 0;
	old = (uint32_t)os->cfg_space[CFG_COMMAND] | (uint32_t)os->cfg_space[CFG_COMMAND + 1] << 8;
	cmd = old;
	for (unsigned i = 0; i < size; i++) {
		unsigned b = off + i;

		if (b == CFG_COMMAND || b == CFG_COMMAND + 1) {
			unsigned shift = 8 * (b - CFG_COMMAND);

			cmd = (cmd & ~(0xFFu << shift)) | (((val >> (8 * i)) & 0xFFu) << shift);
		}
	}
	cmd &= CFG_CMD_WRITABLE;
	cfg_put(os, CFG_COMMAND, 2, cmd);
	if ((old ^ cmd) & CFG_CMD_MASTER)
		npum_bus_master_changed(os->npu, cmd & CFG_CMD_MASTER);
	return 0;
}

static int sim_pci_id(struct npu_os *os, struct npu_pci_id *id)
{
	memset(id, 0, sizeof(*id));
	id->vendor = NPU_PCI_VENDOR_INTEL;
	id->device = os->cfg.device_id;
	id->revision = os->cfg.revision;
	id->class_code = (uint32_t)NPU_PCI_CLASS_ACCEL << 8 | NPU_PCI_CLASS_PROG_IF;
	snprintf(id->location, sizeof(id->location), "%s", SIM_LOCATION);
	return 0;
}

/* ---- BARs ------------------------------------------------------------------------------- */

static bool bar_ok(struct npu_os *os, unsigned bar, uint64_t off, unsigned size, const char *op)
{
	uint64_t bar_size = bar == NPU_BAR_REGV ? NPU_BAR0_SIZE : NPU_BAR4_SIZE;
	uint16_t cmd = (uint16_t)(os->cfg_space[CFG_COMMAND] |
				  os->cfg_space[CFG_COMMAND + 1] << 8);

	if (bar != NPU_BAR_REGV && bar != NPU_BAR_REGB) {
		os->st.bar_errors++;
		npu_os_report(os, NPU_LOG_WARN, "sim: %s of BAR%u: the device has only BAR0 and BAR4",
			      op, bar);
		return false;
	}
	if (off + size > bar_size || off + size < off) {
		os->st.bar_errors++;
		npu_os_report(os, NPU_LOG_WARN, "sim: %s at BAR%u+0x%llx beyond the BAR's 0x%llx bytes",
			      op, bar, (unsigned long long)off, (unsigned long long)bar_size);
		return false;
	}
	if (!(cmd & CFG_CMD_MEMORY)) {
		os->st.bar_errors++;
		npu_os_report(os, NPU_LOG_WARN, "sim: %s at BAR%u+0x%llx with PCI memory space "
			      "disabled (COMMAND=0x%04x)", op, bar, (unsigned long long)off, cmd);
		return false;
	}
	return true;
}

static uint32_t sim_read32(struct npu_os *os, unsigned bar, uint64_t off)
{
	if (!bar_ok(os, bar, off, 4, "32-bit read"))
		return UINT32_MAX;
	return (uint32_t)npum_mmio_read(os->npu, bar, off, 4);
}

static void sim_write32(struct npu_os *os, unsigned bar, uint64_t off, uint32_t val)
{
	if (!bar_ok(os, bar, off, 4, "32-bit write"))
		return;
	if (bar == NPU_BAR_REGV && off == NPU_CPU_SS_TIM_IPC_FIFO && os->drop_ipc_tx) {
		os->drop_ipc_tx--;
		os->st.ipc_tx_dropped++;
		npu_os_report(os, NPU_LOG_INFO, "sim: fault injection: IPC push 0x%x dropped", val);
		return;
	}
	npum_mmio_write(os->npu, bar, off, val, 4);
}

static uint64_t sim_read64(struct npu_os *os, unsigned bar, uint64_t off)
{
	if (!bar_ok(os, bar, off, 8, "64-bit read"))
		return UINT64_MAX;
	return npum_mmio_read(os->npu, bar, off, 8);
}

static void sim_write64(struct npu_os *os, unsigned bar, uint64_t off, uint64_t val)
{
	if (!bar_ok(os, bar, off, 8, "64-bit write"))
		return;
	npum_mmio_write(os->npu, bar, off, val, 8);
}

/* ---- Open / close --------------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': x <<= 10; end++; break;
	case 'm': case 'M': x <<= 20; end++; break;
	case 'g': case 'G': x <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*v = x;
	return 0;
}

static int parse_args(struct npu_os *os, const char *args)
{
	char *copy = strdup(args ? args : ""), *tok;
	int ret = 0;

	if (!copy) {
		set_err(NULL, "out of memory");
		return -ENOMEM;
	}
	for (tok = copy; tok && *tok;) {
		char *comma = strchr(tok, ','), *eq;
		uint64_t v;

		if (comma)
			*comma = '\0';
		eq = strchr(tok, '=');
		if (!eq || parse_u64(eq + 1, &v)) {
			set_err(NULL, "sim backend: bad option \"%s\": expected key=number", tok);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		if (!strcmp(tok, "device-id")) {
			os->cfg.device_id = (uint16_t)v;
		} else if (!strcmp(tok, "revision")) {
			os->cfg.revision = (uint8_t)v;
		} else if (!strcmp(tok, "ipus")) {
			os->cfg.lrt_ipus = (uint32_t)v;
		} else if (!strcmp(tok, "fuse-min")) {
			os->cfg.fuse_min_ratio = (uint8_t)v;
		} else if (!strcmp(tok, "fuse-pn")) {
			os->cfg.fuse_pn_ratio = (uint8_t)v;
		} else if (!strcmp(tok, "fuse-max")) {
			os->cfg.fuse_max_ratio = (uint8_t)v;
		} else if (!strcmp(tok, "dma-mbps")) {
			os->cfg.dma_mbps = (uint32_t)v;
		} else if (!strcmp(tok, "mem-limit")) {
			os->mem_limit = v;
		} else if (!strcmp(tok, "trace")) {
			os->trace = v != 0;
		} else if (!strcmp(tok, "console")) {
			os->console_stderr = v != 0;
		} else {
			set_err(NULL, "sim backend: unknown option \"%s\" (known: device-id, revision, "
				"ipus, fuse-min, fuse-pn, fuse-max, dma-mbps, mem-limit, trace, console)", tok);
			ret = -EINVAL;
			break;
		}
		tok = comma ? comma + 1 : NULL;
	}
	free(copy);
	return ret;
}

static void sim_close(struct npu_os *os)
{
	if (!os)
		return;
	last_close_live = os->n_allocs;
	last_close_guest_errors = os->st.guest_errors;
	if (os->n_allocs)
		npu_os_report(os, NPU_LOG_WARN, "sim: %zu DMA buffer(s), %llu bytes, still allocated "
			      "at close", os->n_allocs, (unsigned long long)os->st.dma_bytes);
	npum_destroy(os->npu);
	for (size_t i = 0; i < os->n_allocs; i++)
		free(os->allocs[i].cpu);
	free(os->allocs);
	free(os);
}

static int sim_open(struct npu_os **out, const char *args)
{
	struct npu_os *os = calloc(1, sizeof(*os));
	const char *why = NULL;
	int ret;

	*out = NULL;
	if (!os) {
		set_err(NULL, "out of memory");
		return -ENOMEM;
	}
	npum_config_default(&os->cfg);
	os->mem_limit = SIM_MEM_LIMIT_DEF;
	os->next_dma = SIM_DMA_BASE;
	os->deadline = UINT64_MAX;
	ret = parse_args(os, args);
	if (ret) {
		free(os);
		return ret;
	}
	os->hops = (struct npum_host_ops){
		.dma_read = host_dma_read,
		.dma_write = host_dma_write,
		.msi_notify = host_msi_notify,
		.clock_ns = host_clock_ns,
		.timer_mod = host_timer_mod,
		.guest_error = host_guest_error,
		.trace = host_trace,
		.console = host_console,
		.dma_map = host_dma_map,
		.dma_unmap = host_dma_unmap,
	};
	os->npu = npum_create(&os->cfg, &os->hops, os, &why);
	if (!os->npu) {
		set_err(NULL, "sim backend: device model: %s", why ? why : "creation failed");
		free(os);
		return -EINVAL;
	}
	cfg_init(os);
	npum_bus_master_changed(os->npu, false);
	*out = os;
	return 0;
}

static const char *sim_last_error(struct npu_os *os)
{
	return os ? os->err : open_error;
}

const struct npu_os_ops npu_os_sim = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.last_error = sim_last_error,
	.pci_id = sim_pci_id,
	.cfg_read = sim_cfg_read,
	.cfg_write = sim_cfg_write,
	.read32 = sim_read32,
	.write32 = sim_write32,
	.read64 = sim_read64,
	.write64 = sim_write64,
	.dma_alloc = sim_dma_alloc,
	.dma_free = sim_dma_free,
	.sync_for_device = sim_sync,
	.sync_for_cpu = sim_sync,
	.irq_enable = sim_irq_enable,
	.irq_wait = sim_irq_wait,
	.now_ns = sim_now_ns,
	.sleep_us = sim_sleep_us,
};

/* ---- Extras (sim.h) ------------------------------------------------------------------ */

void npu_sim_get_stats(struct npu_os *os, struct npu_sim_stats *st)
{
	const struct npum_stats *m = npum_get_stats(os->npu);

	*st = os->st;
	st->virtual_ns = os->now_ns;
	st->model_dma_errors = m->dma_errors;
	st->model_ip_resets = m->ip_resets;
	st->model_mmu_faults = m->mmu_faults;
	st->lrt_instructions = m->lrt_instructions;
}

const char *npu_sim_last_guest_error(struct npu_os *os)
{
	return os->last_guest_error;
}

const char *npu_sim_console(struct npu_os *os)
{
	return os->console;
}

struct npum *npu_sim_model(struct npu_os *os)
{
	return os->npu;
}

void npu_sim_last_close(uint64_t *live_dma_buffers, uint64_t *guest_errors)
{
	*live_dma_buffers = last_close_live;
	*guest_errors = last_close_guest_errors;
}

void npu_sim_drop_ipc_tx(struct npu_os *os, unsigned n)
{
	os->drop_ipc_tx = n;
}

void npu_sim_fail_dma(struct npu_os *os, bool fail)
{
	os->fail_dma = fail;
}
