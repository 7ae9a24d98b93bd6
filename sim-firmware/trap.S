/* SPDX-License-Identifier: MIT */
/*
 * Trap vector and the fault-tolerant copy routine.
 *
 * The firmware runs with mstatus.MIE = 0 (interrupts only end WFI), so a
 * trap is always an exception. Two kinds:
 *
 *  1. An access fault (mcause 5/7; 4/6 for completeness) whose mepc lies in
 *     [fw_safe_start, fw_safe_end): a host address was unmapped. Like a
 *     kernel exception table entry, we record mtval and resume at
 *     fw_safe_fixup, which returns -1 from fw_safe_copy. No stack is used,
 *     so this works whatever state the firmware is in.
 *  2. Anything else is fatal: the register file is saved into a TCM trap
 *     frame, the C handler logs "FATAL: mcause=... mepc=... mtval=..." and
 *     halts with NPU_LRT_HALT_FATAL_TRAP. A second fatal trap while the
 *     first is handled halts at once with NPU_LRT_HALT_DOUBLE_FAULT.
 *
 * Scratch words, the nesting flag, the frame and a private stack live in
 * the TCM (section .tcm.bss; plain .bss under the ISS test harness).
 */
#ifdef FW_FAKE_PLATFORM
#define TCM_SECTION .bss
#else
#define TCM_SECTION .section .tcm.bss, "aw", @nobits
#endif

	TCM_SECTION
	.balign 16
	.globl fw_safe_fault_addr, fw_trap_nesting, fw_trap_frame
fw_trap_scratch:     .space 4        /* t1 while the vector decides */
fw_safe_fault_addr:  .space 4        /* mtval of the last fixed-up fault */
fw_trap_nesting:     .space 4        /* 1 while a fatal trap is handled */
	.balign 16
fw_trap_frame:       .space 32 * 4   /* x0..x31 at the fatal trap (x0 slot unused) */
	.balign 16
fw_trap_stack:       .space 1024
fw_trap_stack_top:

	.text
	.section .fw.trap, "ax"
	.balign 4
	.globl fw_trap_entry
fw_trap_entry:
	csrw	mscratch, t0
	la	t0, fw_trap_scratch
	sw	t1, 0(t0)
	csrr	t1, mcause
	addi	t1, t1, -4
	sltiu	t1, t1, 4                 /* mcause 4..7: misaligned or access fault */
	beqz	t1, .Lfatal
	csrr	t1, mepc
	la	t0, fw_safe_start
	bltu	t1, t0, .Lfatal
	la	t0, fw_safe_end
	bgeu	t1, t0, .Lfatal
	/* fixup: resume in fw_safe_fixup with every register as it was */
	csrr	t1, mtval
	la	t0, fw_safe_fault_addr
	sw	t1, 0(t0)
	la	t1, fw_safe_fixup
	csrw	mepc, t1
	la	t0, fw_trap_scratch
	lw	t1, 0(t0)
	csrr	t0, mscratch
	mret

.Lfatal:
	la	t0, fw_trap_nesting
	lw	t1, 0(t0)
	bnez	t1, .Ldouble
	li	t1, 1
	sw	t1, 0(t0)
	la	t0, fw_trap_frame
	sw	x1, 1*4(t0)
	sw	x2, 2*4(t0)
	sw	x3, 3*4(t0)
	sw	x4, 4*4(t0)
	csrr	t1, mscratch
	sw	t1, 5*4(t0)               /* t0 */
	la	t1, fw_trap_scratch
	lw	t1, 0(t1)
	sw	t1, 6*4(t0)               /* t1 */
	sw	x7, 7*4(t0)
	sw	x8, 8*4(t0)
	sw	x9, 9*4(t0)
	sw	x10, 10*4(t0)
	sw	x11, 11*4(t0)
	sw	x12, 12*4(t0)
	sw	x13, 13*4(t0)
	sw	x14, 14*4(t0)
	sw	x15, 15*4(t0)
	sw	x16, 16*4(t0)
	sw	x17, 17*4(t0)
	sw	x18, 18*4(t0)
	sw	x19, 19*4(t0)
	sw	x20, 20*4(t0)
	sw	x21, 21*4(t0)
	sw	x22, 22*4(t0)
	sw	x23, 23*4(t0)
	sw	x24, 24*4(t0)
	sw	x25, 25*4(t0)
	sw	x26, 26*4(t0)
	sw	x27, 27*4(t0)
	sw	x28, 28*4(t0)
	sw	x29, 29*4(t0)
	sw	x30, 30*4(t0)
	sw	x31, 31*4(t0)
	/* a stack of our own: sp may be what went wrong */
	la	sp, fw_trap_stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	mv	a3, t0
	call	fw_trap_fatal             /* does not return */
	j	.

.Ldouble:
	la	sp, fw_trap_stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	call	fw_double_fault           /* does not return */
	j	.

/*
 * int fw_safe_copy(void *dst, const void *src, uint32_t len)
 * A leaf routine without stack: a fault anywhere between fw_safe_start and
 * fw_safe_end resumes at fw_safe_fixup with ra intact.
 */
	.section .fw.safe, "ax"
	.balign 4
	.globl fw_safe_copy
fw_safe_start:
fw_safe_copy:
	or	t0, a0, a1
	or	t0, t0, a2
	andi	t0, t0, 3
	add	a2, a0, a2                /* a2 = end of dst */
	bnez	t0, 2f
1:	beq	a0, a2, 3f                /* words */
	lw	t1, 0(a1)
	sw	t1, 0(a0)
	addi	a0, a0, 4
	addi	a1, a1, 4
	j	1b
2:	beq	a0, a2, 3f                /* bytes */
	lbu	t1, 0(a1)
	sb	t1, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	j	2b
3:	li	a0, 0
	ret
fw_safe_end:
fw_safe_fixup:
	li	a0, -1
	ret
