/* SPDX-License-Identifier: MIT */
/*
 * intel-npu-mtl device model: the public interface of the QEMU-independent
 * core. The core is plain C11 with no QEMU headers; everything it needs
 * from its host (QEMU, the driver's in-process "sim" backend, unit tests,
 * fuzzers) goes through struct npum_host_ops.
 *
 * Threading: the model is single-threaded; the host serialises every call
 * (QEMU holds the BQL). Determinism: given the same calls and the same
 * virtual clock readings, the model produces the same results.
 */
#ifndef NPUM_MODEL_H
#define NPUM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct npum;

/* What the model reports through the host's trace hook. Strings are static
 * or live until the hook returns. */
enum npum_trace_kind {
	NPUM_TRACE_REG_READ,    /* block, name, a=bar, b=offset, c=size, d=value */
	NPUM_TRACE_REG_WRITE,   /* as REG_READ */
	NPUM_TRACE_MMU_WALK,    /* a=sid<<32|ssid, b=va, c=pa, d=access (NPU_MMU_ACC_*) */
	NPUM_TRACE_MMU_FAULT,   /* name=event name, a=sid<<32|ssid, b=va, c=event id, d=access */
	NPUM_TRACE_MMU_CMD,     /* name=command, a=dword0, b=dword1, c=index */
	NPUM_TRACE_FIFO,        /* block="to-fw"/"to-host", name="push"/"pop"/"drop",
				  a=value, b=fill level after */
	NPUM_TRACE_IRQ,         /* a=ICB status&enable (64-bit), b=buttress stat&~mask,
				  c=global mask, d=line level */
	NPUM_TRACE_MSI,         /* a=number of MSIs so far */
	NPUM_TRACE_DOORBELL,    /* a=doorbell index */
	NPUM_TRACE_POWER,       /* name=event ("workpoint", "d0i3", "ip-reset", ...), a, b */
	NPUM_TRACE_LRT,         /* name=event ("start", "wfi", "trap", "halt", ...),
				  a=pc, b=cause/state, c=instructions retired */
	NPUM_TRACE_FW_CONSOLE,  /* text = one line written by the firmware */
};

struct npum_trace {
	enum npum_trace_kind kind;
	const char *block;
	const char *name;
	uint64_t a, b, c, d;
	const char *text;
};

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
	/* Optional: structured trace records. */
	void (*trace)(void *opaque, const struct npum_trace *ev);
	/* Optional: one complete line of the firmware's debug console. */
	void (*console)(void *opaque, const char *line);
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
};
const struct npum_stats *npum_get_stats(const struct npum *npu);

/* Decoded name of a register, or NULL when the offset is undefined. */
const char *npum_reg_name(unsigned bar, uint64_t offset, const char **block);

#endif /* NPUM_MODEL_H */
