/* SPDX-License-Identifier: MIT */
/* Machine-mode traps with a handler, CSRs and counters. The handler
 * records mcause/mepc/mtval in s2/s3/s4 and resumes after the trapping
 * instruction. */
#include "asm.h"

	.text
	.globl	main
main:
	la	t0, handler
	csrw	mtvec, t0

	TEST 1				/* ECALL */
1:	ecall
	EXPECT	s2, 11
	la	t0, 1b
	bne	s3, t0, test_failed
	EXPECT	s4, 0

	TEST 2				/* EBREAK */
	ebreak
	EXPECT	s2, 3

	TEST 3				/* illegal instruction: mtval = the word */
	.word	0xffffffff
	EXPECT	s2, 2
	EXPECT	s4, 0xffffffff
	csrr	a0, 0x7c0		/* unimplemented CSR */
	EXPECT	s2, 2
	.word	0xf1151073		/* csrw mvendorid, a0: read-only CSR */
	EXPECT	s2, 2

	TEST 4				/* misaligned load / store */
	la	t0, data
	addi	t0, t0, 1
	lw	a0, 0(t0)
	EXPECT	s2, 4
	bne	s4, t0, test_failed
	sh	a0, 0(t0)
	EXPECT	s2, 6

	TEST 5				/* access fault outside memory */
	li	t0, 0x10
	lw	a0, 0(t0)
	EXPECT	s2, 5
	EXPECT	s4, 0x10
	sw	a0, 0(t0)
	EXPECT	s2, 7

	TEST 6				/* trap entry state: MIE -> MPIE */
	csrsi	mstatus, 8		/* MIE (no interrupt sources here) */
	ecall
	EXPECT	s5, 0x1880		/* mstatus seen by the handler: MPP|MPIE */
	csrr	a0, mstatus
	EXPECT	a0, 0x1888		/* after MRET: MIE restored, MPIE = 1 */
	csrci	mstatus, 8

	TEST 7				/* CSR instructions on mscratch */
	li	a0, 0xf0
	csrrw	a1, mscratch, a0
	csrrsi	a1, mscratch, 0xf
	EXPECT	a1, 0xf0
	csrrci	a1, mscratch, 0x3
	EXPECT	a1, 0xff
	csrr	a1, mscratch
	EXPECT	a1, 0xfc
	csrr	a1, misa
	EXPECT	a1, 0x40001100
	csrr	a1, mhartid
	EXPECT	a1, 0

	TEST 8				/* counters advance; time = instret */
	rdinstret a0
	rdinstret a1
	sub	a2, a1, a0
	EXPECT	a2, 1
	rdcycle	a0
	rdtime	a1
	bltu	a1, a0, test_failed
	csrw	minstret, zero
	csrr	a0, minstret
	EXPECT	a0, 0

	TEST 9				/* FENCE.I makes patched code visible */
	la	t0, patch_me
	li	t1, 0x00a00513		/* li a0, 10 */
	sw	t1, 0(t0)
	fence.i
	call	patch_me
	EXPECT	a0, 10

	PASS
	FAIL_HANDLER

patch_me:
	li	a0, 1
	ret

	.balign	4
handler:
	csrr	s2, mcause
	csrr	s3, mepc
	csrr	s4, mtval
	csrr	s5, mstatus
	addi	s3, s3, 4
	csrw	mepc, s3
	addi	s3, s3, -4
	mret

	.data
	.balign	4
data:
	.word	0, 0
