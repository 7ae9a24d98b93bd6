/* SPDX-License-Identifier: MIT */
/*
 * A fake LeonRT peripheral block for firmware unit tests under tools/iss-run
 * (the firmware is built with FW_FAKE_PLATFORM; platform.h). It behaves like
 * the model's lrt.c as far as the firmware can tell: FIFOs with FULL/EMPTY,
 * W1C doorbell bits, the interrupt sources, a settable mtime, the console.
 * A halt longjmps back into the test that expected it.
 */
#ifndef FAKE_LRT_H
#define FAKE_LRT_H

#include <stdbool.h>
#include <stdint.h>

#include "intel-npu/lrt.h"

struct fake_lrt {
	uint32_t inbox[NPU_LRT_FIFO_DEPTH];
	unsigned in_rd, in_n;
	bool inbox_overflow;
	uint32_t outbox[256];
	unsigned out_n;             /* pushed so far (the test pops by index) */
	unsigned out_rd;
	bool outbox_full;           /* force FULL (host not draining) */
	uint32_t db_pending[8];
	uint32_t intc_enable;
	uint64_t mtime, mtimecmp;
	uint32_t wdt_load, wdt_ctrl, wdt_loads;
	uint32_t ctx_ssid;
	char console[16384];
	unsigned console_len;
	bool halted;
	uint32_t halt_code;
	unsigned bad_accesses;      /* firmware touched an undefined register */
};

extern struct fake_lrt lrt;

/* setjmp/longjmp for halts (jmp.S) */
typedef uint32_t test_jmp_buf[14];
int test_setjmp(test_jmp_buf buf);
__attribute__((noreturn)) void test_longjmp(test_jmp_buf buf, int val);
extern test_jmp_buf *fake_halt_jmp;   /* where plat_halt() goes; NULL = test failure */
extern bool fake_echo_console;        /* copy console bytes to iss-run stdout */

void fake_lrt_reset(void);
void fake_inbox_push(uint32_t va);
bool fake_outbox_pop(uint32_t *va);
bool fake_console_has(const char *needle);
void fake_console_clear(void);

#endif /* FAKE_LRT_H */
