/* SPDX-License-Identifier: MIT */
/*
 * RV32IM hart with machine-mode CSRs: the instruction-set core of the
 * modelled LeonRT control processor (docs/lrt-core.md). It knows nothing
 * about the NPU: memory, interrupts and time come from struct rv_bus, so
 * the same core runs in the device model, in the ISS runner (tools/iss-run)
 * and in unit tests.
 *
 * Speed: instructions are pre-decoded one 4 KiB page at a time; decoded
 * pages are cached until rv_core_flush_icache() (called by FENCE.I, reset,
 * and by the owner when code memory may have changed).
 */
#ifndef RV_CORE_H
#define RV_CORE_H

#include <stdbool.h>
#include <stdint.h>

/* Bus callbacks. Return 0 on success, non-zero for an access fault. */
struct rv_bus {
	void *opaque;
	int (*load)(void *opaque, uint32_t addr, unsigned size, uint32_t *val);
	int (*store)(void *opaque, uint32_t addr, unsigned size, uint32_t val);
	/* Copy the 4 KiB page at page_addr (4 KiB aligned) into buf. */
	int (*fetch_page)(void *opaque, uint32_t page_addr, uint8_t buf[4096]);
	/* Value for the time/timeh CSRs (64-bit timer), optional. */
	uint64_t (*time)(void *opaque);
};

enum rv_state {
	RV_STATE_RUNNING,
	RV_STATE_WFI,     /* stopped in WFI until (mip & mie) != 0 */
	RV_STATE_HALTED,  /* stopped by rv_core_halt() (clean or error) */
	RV_STATE_ERROR,   /* unrecoverable: trap with mtvec == 0, or the trap
			     handler itself cannot be fetched */
};

/* mcause exception codes */
#define RV_EXC_INSN_MISALIGNED   0
#define RV_EXC_INSN_ACCESS       1
#define RV_EXC_ILLEGAL_INSN      2
#define RV_EXC_BREAKPOINT        3
#define RV_EXC_LOAD_MISALIGNED   4
#define RV_EXC_LOAD_ACCESS       5
#define RV_EXC_STORE_MISALIGNED  6
#define RV_EXC_STORE_ACCESS      7
#define RV_EXC_ECALL_M           11
/* interrupt numbers (mip/mie bit positions; mcause = bit31 | n) */
#define RV_IRQ_MSI               3
#define RV_IRQ_MTI               7
#define RV_IRQ_MEI               11

struct rv_core;

struct rv_core *rv_core_new(const struct rv_bus *bus);
void rv_core_free(struct rv_core *c);

/* Reset: pc = reset_pc, x0..x31 = 0, mstatus.MIE = 0, mie = 0, mtvec = 0,
 * counters 0, state RUNNING, decoded-page cache flushed. */
void rv_core_reset(struct rv_core *c, uint32_t reset_pc);

/* Execute at most max_insns instructions; returns how many retired (a trap
 * counts as the instruction that caused it). Returns early when the core
 * enters WFI, halts or enters error mode. A core in WFI with a pending
 * enabled interrupt resumes. */
uint64_t rv_core_run(struct rv_core *c, uint64_t max_insns);

/* Level of the external interrupt inputs: a mask of (1 << RV_IRQ_*). */
void rv_core_set_irq_lines(struct rv_core *c, uint32_t lines);

enum rv_state rv_core_state(const struct rv_core *c);
/* True when the core would leave WFI now: (mip & mie) != 0. */
bool rv_core_irq_pending(const struct rv_core *c);
/* Stop the core (used for the firmware's halt register and IP reset). */
void rv_core_halt(struct rv_core *c, bool error);
void rv_core_flush_icache(struct rv_core *c);

uint32_t rv_core_pc(const struct rv_core *c);
uint32_t rv_core_reg(const struct rv_core *c, unsigned n);
void rv_core_set_reg(struct rv_core *c, unsigned n, uint32_t v);
uint64_t rv_core_instret(const struct rv_core *c);
/* Last trap taken: valid=false if none since reset. */
struct rv_trap_info {
	bool valid;
	uint32_t cause;   /* mcause value */
	uint32_t epc;
	uint32_t tval;
};
struct rv_trap_info rv_core_last_trap(const struct rv_core *c);
/* Read a CSR for diagnostics (returns false for an unimplemented CSR). */
bool rv_core_csr(const struct rv_core *c, uint32_t csr, uint32_t *val);

/* Optional hook, called for every trap before the core vectors. */
typedef void (*rv_trap_hook)(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval);
void rv_core_set_trap_hook(struct rv_core *c, rv_trap_hook hook, void *opaque);

#endif /* RV_CORE_H */
