/* SPDX-License-Identifier: MIT */
/*
 * Entry points. The host starts the core by writing LOADING_ADDRESS with
 * entry >> 9, so each entry must be 4 KiB aligned (hw-facts §3.3); fw.ld
 * places them at page starts:
 *
 *   _start          0x84803000  cold boot: the header's entry_point
 *   fw_warm_entry   next page   warm boot: left in save_restore_ret_address
 *
 * Both run with the core fresh out of reset (x* = 0, mtvec = 0, so a trap
 * before mtvec is set would put the core in error mode -- keep this short).
 * Of the TCM only fw_trap_nesting must start at 0; the rest is written
 * before it is read (struct fw_rt by boot.c start_common()).
 */
	.section .fw.cold_entry, "ax"
	.globl _start
_start:
	la	sp, __fw_stack_top
	la	t0, fw_trap_entry
	csrw	mtvec, t0
	csrw	mie, zero
	la	t0, fw_trap_nesting
	sw	zero, 0(t0)
	/* .bss: a cold boot starts with empty doorbell tables and logs (the host
	 * zeroes the runtime region only up to the image, hw-facts §4.2). Eight
	 * stores per turn: fw.ld aligns both ends to 32 bytes. */
	la	a0, __bss_start
	la	a1, __bss_end
1:	bgeu	a0, a1, 2f
	sw	zero, 0(a0)
	sw	zero, 4(a0)
	sw	zero, 8(a0)
	sw	zero, 12(a0)
	sw	zero, 16(a0)
	sw	zero, 20(a0)
	sw	zero, 24(a0)
	sw	zero, 28(a0)
	addi	a0, a0, 32
	j	1b
2:	tail	fw_cold_main

	.section .fw.warm_entry, "ax"
	.globl fw_warm_entry
fw_warm_entry:
	/* .bss is kept: it is the state we resume. The TCM was cleared by the
	 * IP reset; boot.c initialises what it needs (struct fw_rt). */
	la	sp, __fw_stack_top
	la	t0, fw_trap_entry
	csrw	mtvec, t0
	csrw	mie, zero
	la	t0, fw_trap_nesting
	sw	zero, 0(t0)
	tail	fw_warm_main
