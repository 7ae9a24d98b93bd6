/* SPDX-License-Identifier: MIT */
/* Branches, jumps, calls and loops. */
#include "asm.h"

	.text
	.globl	main
main:
	TEST 1				/* BEQ / BNE */
	li	a0, 5
	li	a1, 5
	bne	a0, a1, test_failed
	beq	a0, a1, 1f
	j	test_failed
1:	li	a1, 6
	beq	a0, a1, test_failed
	bne	a0, a1, 2f
	j	test_failed
2:
	TEST 2				/* BLT / BGE signed */
	li	a0, -1
	li	a1, 1
	bge	a0, a1, test_failed
	blt	a0, a1, 1f
	j	test_failed
1:	blt	a1, a0, test_failed
	bge	a1, a0, 2f
	j	test_failed
2:	bge	a0, a0, 3f		/* equal */
	j	test_failed
3:
	TEST 3				/* BLTU / BGEU unsigned */
	li	a0, -1			/* 0xffffffff */
	li	a1, 1
	bltu	a0, a1, test_failed
	bgeu	a0, a1, 1f
	j	test_failed
1:	bgeu	a1, a0, test_failed
	bltu	a1, a0, 2f
	j	test_failed
2:	bltu	a0, a0, test_failed	/* equal */
	bgeu	a0, a0, 3f
	j	test_failed
3:	blt	a0, a0, test_failed
	bne	a0, a0, test_failed
	TEST 4				/* backward loop: sum 1..100 */
	li	a0, 100
	li	a1, 0
1:	add	a1, a1, a0
	addi	a0, a0, -1
	bnez	a0, 1b
	EXPECT	a1, 5050

	TEST 5				/* JAL / JALR calls, link values */
	jal	ra, square_plus_one
	li	a0, 7
	call	square_plus_one
	EXPECT	a0, 50
	la	t0, square_plus_one
	li	a0, 3
	jalr	ra, 0(t0)
	EXPECT	a0, 10
	la	t0, 1f
	jalr	t1, 1(t0)		/* bit 0 of the target is cleared */
1:	la	t2, 1b			/* link = the address after the jalr */
	bne	t1, t2, test_failed

	TEST 6				/* recursion with a stack: fib(15) */
	li	a0, 15
	call	fib
	EXPECT	a0, 610

	TEST 7				/* a far jump across pages */
	call	far_function
	EXPECT	a0, 0x600d

	PASS
	FAIL_HANDLER

square_plus_one:
	mul	a0, a0, a0
	addi	a0, a0, 1
	ret

fib:					/* naive recursive Fibonacci */
	li	t0, 2
	blt	a0, t0, 1f
	addi	sp, sp, -16
	sw	ra, 12(sp)
	sw	s0, 8(sp)
	sw	s1, 4(sp)
	mv	s0, a0
	addi	a0, a0, -1
	call	fib
	mv	s1, a0
	addi	a0, s0, -2
	call	fib
	add	a0, a0, s1
	lw	ra, 12(sp)
	lw	s0, 8(sp)
	lw	s1, 4(sp)
	addi	sp, sp, 16
1:	ret

	.balign	4096
	.skip	8192
far_function:
	li	a0, 0x600d
	ret
