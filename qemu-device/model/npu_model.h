/* SPDX-License-Identifier: MIT */
/*
 * intel-npu-mtl device model: the public interface of the QEMU-independent
 * core. The core is plain C11 with no QEMU headers; everything it needs
 * from its host (QEMU, the driver's in-process "sim" backend, unit tests,
 * fuzzers) goes through struct npum_host_ops.
 *
 * Threading: the model's state belongs to one thread at a time; the host
 * serialises every call (QEMU holds the BQL). The only code that runs
 * elsewhere is off-thread work (npum_work_run), which touches no model
 * state. Determinism: given the same calls and the same virtual clock
 * readings, the model produces the same results (with off-thread work, the
 * same provided each work finishes before it is due, as it always does on
 * a host that runs work inline).
 */
#ifndef NPUM_MODEL_H
#define NPUM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct npum;

/* ---- Trace records ---------------------------------------------------------
 * Every event the device reports (register accesses by name, MMU walks and
 * faults, FIFO traffic, interrupts, power, the control core, off-thread
 * work) is one typed record. The list of events is trace.list; trace_ids.h
 * (generated from it) names them. npum_trace_describe() gives an event's
 * name, fields and format, npum_trace_format() renders a record as text:
 * together they are a decoder for any host.
 */
#include "trace_ids.h"

enum npum_trace_type {
	NPUM_TF_STR,     /* f[i].s: static, or valid until the trace hook returns */
	NPUM_TF_U32,
	NPUM_TF_U64,
	NPUM_TF_X32,     /* printed in hexadecimal */
	NPUM_TF_X64,
};

union npum_trace_val {
	uint64_t u;
	const char *s;
};

struct npum_trace_rec {
	enum npum_trace_id id;
	uint64_t time_ns;                              /* virtual time */
	union npum_trace_val f[NPUM_TRACE_MAX_FIELDS]; /* in the event's field order */
};

struct npum_trace_field {
	const char *name;
	enum npum_trace_type type;
};

struct npum_trace_desc {
	const char *name;        /* e.g. "reg_write" (QEMU: intel_npu_reg_write) */
	const char *format;      /* "{block}.{reg} ...": {field} or {field:08} */
	unsigned nfields;
	struct npum_trace_field fields[NPUM_TRACE_MAX_FIELDS];
};

/* NULL when id is not an event. */
const struct npum_trace_desc *npum_trace_describe(unsigned id);
/* The event called name, or -1. */
int npum_trace_lookup(const char *name);
/* Index of a field by name, or -1. */
int npum_trace_field_index(const struct npum_trace_desc *d, const char *field);
/* "name: formatted text" into buf (always NUL-terminated); returns the
 * length the whole text needs, like snprintf. */
size_t npum_trace_format(const struct npum_trace_rec *r, char *buf, size_t size);

/* ---- Off-thread work ---------------------------------------------------------
 * Hosts that have worker threads run long device work off the thread that
 * owns the model: the model calls work_start(); the host calls
 * npum_work_run(w) on a worker and, once that returned, npum_work_finished()
 * on the model's thread. work_wait() blocks until a started w's run
 * returned; the host then forgets it (no npum_work_finished for that start).
 */
struct npum_work;
void npum_work_run(struct npum_work *w);
void npum_work_finished(struct npum *n, struct npum_work *w);

struct npum_host_ops {
	/* Bus-master DMA at PCI bus addresses. Return 0 on success, non-zero
	 * when the access cannot complete (bus mastering off, no memory there).
	 * On failure a read leaves buf undefined. */
	int (*dma_read)(void *opaque, uint64_t addr, void *buf, uint64_t len);
	int (*dma_write)(void *opaque, uint64_t addr, const void *buf, uint64_t len);
	/* Send the device's single message-signalled interrupt. */
	void (*msi_notify)(void *opaque);
	/* Virtual clock in nanoseconds; monotonic. */
	uint64_t (*clock_ns)(void *opaque);
	/* Arm the model's single host timer to call npum_timer_expired() at the
	 * given virtual time; UINT64_MAX cancels it. */
	void (*timer_mod)(void *opaque, uint64_t deadline_ns);
	/* A guest did something the hardware would not accept (QEMU:
	 * LOG_GUEST_ERROR). The message has no trailing newline. */
	void (*guest_error)(void *opaque, const char *msg);
	/* Optional: trace records (above), each valid until the call returns. */
	void (*trace)(void *opaque, const struct npum_trace_rec *rec);
	/* Optional: one complete line of the firmware's debug console. */
	void (*console)(void *opaque, const char *line);
	/* Optional, together: off-thread work (above). Without them the model
	 * runs such work inline and completes it at its due virtual time.
	 * The model may call work_start() from any of its entry points. */
	void (*work_start)(void *opaque, struct npum_work *w);
	void (*work_wait)(void *opaque, struct npum_work *w);
	/* Optional, together: direct access to bus memory, for engines whose
	 * data movement runs off the model's thread. dma_map returns a host
	 * pointer to [addr, addr + *len), shrinking *len to what is contiguous,
	 * or NULL when the range is not plain memory; the model releases every
	 * mapping with dma_unmap (on its own thread) once the data has moved.
	 * Without them the engines move data with dma_read/dma_write on the
	 * model's thread. */
	void *(*dma_map)(void *opaque, uint64_t addr, uint64_t *len, bool write);
	void (*dma_unmap)(void *opaque, void *ptr, uint64_t len, bool write);
};

struct npum_config {
	uint16_t device_id;     /* NPU_PCI_DEVICE_MTL or NPU_PCI_DEVICE_ARL */
	uint8_t  revision;
	uint32_t lrt_ipus;      /* control core: instructions per virtual µs */
	/* How far the core may run ahead of virtual time to handle an interrupt
	 * at once (0: only ever run in step with virtual time). */
	uint32_t lrt_lead_ns;
	/* Buttress fuses (ratios of the 50 MHz PLL reference) */
	uint8_t  fuse_min_ratio;
	uint8_t  fuse_pn_ratio;
	uint8_t  fuse_max_ratio;
	/* DMA engines: sustained bandwidth of each engine, MB/s (10^6 bytes),
	 * and the fixed cost of starting a transfer (docs/deviations.md). */
	uint32_t dma_mbps;
	uint32_t dma_setup_ns;
};

/* Defaults: MTL rev 4, 100 instructions/µs, fuses of a 155H (hw-facts §2.1,
 * hw-facts §9: ratio 35 gives the observed 1166 MHz). */
void npum_config_default(struct npum_config *cfg);
/* Returns NULL with *err set to a static message when cfg is invalid. */
struct npum *npum_create(const struct npum_config *cfg, const struct npum_host_ops *ops,
		       void *opaque, const char **err);
void npum_destroy(struct npum *npu);

/* Cold reset of the whole function (PCI reset, power-on). */
void npum_reset(struct npum *npu);

/* Register access on BAR0 (RegV) or BAR4 (RegB); size 1, 2, 4 or 8. */
uint64_t npum_mmio_read(struct npum *npu, unsigned bar, uint64_t offset, unsigned size);
void npum_mmio_write(struct npum *npu, unsigned bar, uint64_t offset, uint64_t value,
		    unsigned size);

/* The host timer armed through timer_mod() has expired. */
void npum_timer_expired(struct npum *npu);

/* The host's PCI command register changed (bus mastering gates DMA and MSI). */
void npum_bus_master_changed(struct npum *npu, bool enabled);

/* Counters for tests, benchmarks and diagnostics. */
struct npum_stats {
	uint64_t guest_errors;
	uint64_t msis;
	uint64_t mmio_reads, mmio_writes;
	uint64_t mmu_walks, mmu_tlb_hits, mmu_faults, mmu_events;
	uint64_t lrt_instructions;
	uint64_t lrt_traps;
	uint64_t lrt_throttled_ns;   /* virtual time the core could not keep up with */
	uint64_t ip_resets;
	uint64_t dma_errors;
	uint64_t dma_transfers, dma_bytes, dma_faults;
};
const struct npum_stats *npum_get_stats(const struct npum *npu);

/* Decoded name of a register, or NULL when the offset is undefined. */
const char *npum_reg_name(unsigned bar, uint64_t offset, const char **block);

#endif /* NPUM_MODEL_H */
