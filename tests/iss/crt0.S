/* SPDX-License-Identifier: MIT */
/*
 * Minimal start-up code for bare-metal RV32 programs under tools/iss-run
 * (see iss.ld): sets gp and sp, zeroes .bss, calls main(), then reports
 * (main's return value << 1) | 1 through tohost, so returning 0 passes and
 * returning N fails "test case N". Interrupts and traps stay disabled
 * (mtvec = 0): a trap stops the core in error mode, which iss-run reports
 * with pc, mcause and mtval.
 *
 * Also defines the host-communication symbols: tohost (required by
 * iss-run), fromhost (unused, for riscv-tests compatibility) and
 * iss_console (a byte stored there is written to iss-run's stdout).
 */
	.section .text.init, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* gp-relative addressing (linker relaxation) needs gp before any
	 * relaxed access, and its own load must not be relaxed. */
	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop

	/* iss-run sets sp to the top of its memory; otherwise use the
	 * linker script's stack. */
	bnez	sp, 1f
	la	sp, __stack_top
1:	andi	sp, sp, -16

	/* zero .bss (both ends 16-byte aligned by iss.ld) */
	la	t0, __bss_start
	la	t1, __bss_end
2:	bgeu	t0, t1, 3f
	sw	zero, 0(t0)
	addi	t0, t0, 4
	j	2b

3:	li	a0, 0
	li	a1, 0
	call	main

	/* fall into iss_exit with main's return value */
	.globl	iss_exit
	.type	iss_exit, @function
iss_exit:
	slli	a0, a0, 1
	ori	a0, a0, 1
	la	t0, tohost
	sw	a0, 0(t0)
4:	j	4b
	.size	iss_exit, . - iss_exit
	.size	_start, . - _start

	.section .tohost, "aw", @progbits
	.balign	64
	.globl	tohost
	.type	tohost, @object
tohost:
	.dword	0
	.size	tohost, 8
	.globl	fromhost
	.type	fromhost, @object
fromhost:
	.dword	0
	.size	fromhost, 8
	.globl	iss_console
	.type	iss_console, @object
iss_console:
	.word	0
	.size	iss_console, 4
