/* SPDX-License-Identifier: MIT */
/*
 * Small control-core programs for the model's unit tests: a powered device
 * (model_harness: ivpu power-up and MMU) with a code area and a data page
 * mapped for SSID 0 in fake RAM, an assembler cursor into the code, and a
 * "monitor" program that lets a test load and store any core-side address
 * (the peripheral block of include/intel-npu/lrt.h, the TCM) from the host.
 *
 * Register conventions of the programs: t0 = peripheral base 0x10000000,
 * t1 = data page.
 */
#ifndef MODEL_PROG_H
#define MODEL_PROG_H

#include <stdbool.h>
#include <stdint.h>

#include "model_harness.h"
#include "rv_asm.h"

#define MP_CODE_VA     0x84800000u   /* where ivpu puts firmware, §4.3 */
#define MP_CODE_SIZE   0x8000u
#define MP_DATA_VA     0x84810000u
#define MP_DATA_SIZE   0x1000u
#define MP_RAM_SIZE    (4u << 20)

/* Monitor mailbox (data page word indexes) */
#define MP_MON_CMD     0      /* 1 lw, 2 sw, 4 lb, other: halt; the core writes 0 when done */
#define MP_MON_ADDR    1
#define MP_MON_VAL     2
#define MP_MON_CAUSE   3      /* mcause of a fault taken by the last command, else 0 */
#define MP_MON_TVAL    4
#define MP_MON_COUNT   5      /* commands completed */

struct mp {
	struct mh h;
	uint64_t code_pa, data_pa;
	uint32_t pc;              /* assembler cursor (core address) */
};

/* Fake RAM of the next mp_init (0: MP_RAM_SIZE). */
extern uint64_t mp_ram_size;
/* Device with cfg (NULL: defaults), powered up (buttress and IP side), MMU
 * enabled, code and data mapped; the core is not started. */
void mp_init(struct mp *p, const struct npum_config *cfg);
void mp_fini(struct mp *p);

/* ---- Assembling ----------------------------------------------------------------- */
uint32_t mp_emit(struct mp *p, uint32_t insn);      /* returns its address */
void mp_patch(struct mp *p, uint32_t at, uint32_t insn);
void mp_li(struct mp *p, unsigned rd, uint32_t v);  /* always lui + addi */
void mp_prologue(struct mp *p);                     /* t0, t1 as above */
/* Branch/jump from `from` to `to`, encoded for patching a forward label. */
uint32_t mp_rel(uint32_t from, uint32_t to);
/* sw of an immediate to a peripheral register (uses t2) */
void mp_periph_wr(struct mp *p, uint32_t off, uint32_t v);
/* The halt register with a code (uses t2), then a self-loop. */
void mp_halt(struct mp *p, uint32_t code);

/* ---- Running ---------------------------------------------------------------------- */
/* Start the core at the code area's start (ivpu's sequence, §3.3). */
void mp_boot(struct mp *p);
/* Advance virtual time by ns and make the core catch up (one register read). */
void mp_run(struct mp *p, uint64_t ns);
uint32_t mp_data(struct mp *p, unsigned idx);
void mp_set_data(struct mp *p, unsigned idx, uint32_t v);
uint32_t mp_dsu_state(struct mp *p);

/* ---- Canned programs (each assembled at the code area's start, then booted) ---- */
#define MP_ECHO_COUNT  8      /* data word: entries the echo program answered */
/* Sleeps in WFI with the inbox interrupt enabled (mie.MEIE, INTC_ENABLE =
 * INBOX, mstatus.MIE = 0); each inbox entry v is answered with v + 1 in the
 * outbox, until the inbox reads empty. */
void mp_echo_boot(struct mp *p);
/* Counts in a register forever: always busy. */
void mp_loop_boot(struct mp *p);
/* WFI forever with no interrupt enabled. */
void mp_sleep_boot(struct mp *p);

/* ---- The monitor -------------------------------------------------------------- */
/* Assemble and boot the monitor (at the code area's start). */
void mp_monitor_boot(struct mp *p);
/* One command; returns false when the core did not answer within 10 ms of
 * virtual time. A fault taken by the access is reported in *cause (0 none). */
bool mp_peek(struct mp *p, uint32_t addr, uint32_t *val, uint32_t *cause);
bool mp_poke(struct mp *p, uint32_t addr, uint32_t val, uint32_t *cause);
bool mp_peek_byte(struct mp *p, uint32_t addr, uint32_t *val, uint32_t *cause);
/* Peripheral register shortcuts (assert the command completed without fault). */
uint32_t mp_lrt_rd(struct mp *p, uint32_t off);
void mp_lrt_wr(struct mp *p, uint32_t off, uint32_t v);

#endif /* MODEL_PROG_H */
