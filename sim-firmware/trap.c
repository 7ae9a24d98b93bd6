/* SPDX-License-Identifier: MIT */
/*
 * Fatal traps and halting (the vector itself is in trap.S). The halt codes
 * are part of the ABI (lrt.h NPU_LRT_HALT_*): the host reads them from
 * DSU_TRAP_REG.HALT_CODE to tell why the firmware stopped.
 */
#include "fw.h"

__attribute__((noreturn)) void fw_halt(uint32_t code)
{
	plat_halt(code);
}

static const char *cause_name(uint32_t mcause)
{
	static const char *const names[] = {
		"instruction address misaligned", "instruction access fault",
		"illegal instruction", "breakpoint", "load address misaligned",
		"load access fault", "store address misaligned", "store access fault",
		"ecall from U-mode", "ecall from S-mode", "reserved", "ecall from M-mode",
	};

	if (mcause & NPU_LRT_MCAUSE_INTERRUPT)
		return "interrupt (mstatus.MIE should be off)";
	return mcause < sizeof(names) / sizeof(names[0]) ? names[mcause] : "unknown";
}

/* Called from trap.S on a private TCM stack; regs[n] = xn at the trap. */
__attribute__((noreturn)) void fw_trap_fatal(uint32_t mcause, uint32_t mepc, uint32_t mtval,
					     const uint32_t *regs)
{
	fw_logf(NPU_LOG_LEVEL_FATAL, "FATAL: mcause=0x%lx (%s) mepc=0x%lx mtval=0x%lx "
		"ra=0x%lx sp=0x%lx; halting (code 0x%lx)", mcause, cause_name(mcause), mepc, mtval,
		regs[1], regs[2], (uint32_t)NPU_LRT_HALT_FATAL_TRAP);
	fw_halt(NPU_LRT_HALT_FATAL_TRAP);
}

/* The fatal path itself trapped: say the least that can be said, using
 * nothing but the console register. */
__attribute__((noreturn)) void fw_double_fault(uint32_t mcause, uint32_t mepc)
{
	char hex[9];

	log_console_puts("FATAL: double fault mcause=0x");
	for (int i = 0; i < 2; i++) {
		uint32_t v = i ? mepc : mcause;

		for (int d = 0; d < 8; d++)
			hex[d] = "0123456789abcdef"[(v >> (28 - 4 * d)) & 15];
		hex[8] = '\0';
		log_console_puts(hex);
		log_console_puts(i ? "; halting\n" : " mepc=0x");
	}
	fw_halt(NPU_LRT_HALT_DOUBLE_FAULT);
}
