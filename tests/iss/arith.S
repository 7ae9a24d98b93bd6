/* SPDX-License-Identifier: MIT */
/* RV32I integer computation: upper immediates, register-immediate and
 * register-register operations, x0. */
#include "asm.h"

	.text
	.globl	main
main:
	TEST 1				/* LUI / AUIPC */
	lui	a0, 0x12345
	EXPECT	a0, 0x12345000
	lui	a0, 0xfffff
	EXPECT	a0, 0xfffff000
1:	auipc	a1, 0
	la	a2, 1b
	bne	a1, a2, test_failed
2:	auipc	a1, 1
	la	a2, 2b
	sub	a1, a1, a2
	EXPECT	a1, 0x1000

	TEST 2				/* ADDI, sign-extended immediates */
	li	a0, 10
	addi	a0, a0, -11
	EXPECT	a0, -1
	addi	a0, zero, 2047
	EXPECT	a0, 2047
	addi	a0, zero, -2048
	EXPECT	a0, 0xfffff800

	TEST 3				/* SLTI / SLTIU */
	li	a0, -1
	slti	a1, a0, 0
	EXPECT	a1, 1
	sltiu	a1, a0, 0
	EXPECT	a1, 0
	li	a0, 1
	sltiu	a1, a0, -1		/* immediate is 0xffffffff unsigned */
	EXPECT	a1, 1
	seqz	a1, zero
	EXPECT	a1, 1

	TEST 4				/* XORI / ORI / ANDI */
	li	a0, 0x12345678
	xori	a1, a0, -1
	EXPECT	a1, 0xedcba987
	ori	a1, a0, 0x0f
	EXPECT	a1, 0x1234567f
	andi	a1, a0, -16
	EXPECT	a1, 0x12345670
	andi	a1, a0, 0x7ff
	EXPECT	a1, 0x678

	TEST 5				/* immediate shifts */
	li	a0, 0x80000001
	slli	a1, a0, 1
	EXPECT	a1, 2
	srli	a1, a0, 31
	EXPECT	a1, 1
	srai	a1, a0, 31
	EXPECT	a1, -1
	srai	a1, a0, 4
	EXPECT	a1, 0xf8000000

	TEST 6				/* ADD / SUB wrap */
	li	a0, 0x7fffffff
	li	a1, 1
	add	a2, a0, a1
	EXPECT	a2, 0x80000000
	sub	a2, zero, a1
	EXPECT	a2, -1

	TEST 7				/* register shifts use rs2[4:0] */
	li	a0, 0x80000000
	li	a1, 33
	sll	a2, a1, a1		/* 33 << 1 */
	EXPECT	a2, 66
	srl	a2, a0, a1
	EXPECT	a2, 0x40000000
	sra	a2, a0, a1
	EXPECT	a2, 0xc0000000
	li	a1, 32
	srl	a2, a0, a1
	EXPECT	a2, 0x80000000

	TEST 8				/* SLT / SLTU / logic */
	li	a0, -5
	li	a1, 3
	slt	a2, a0, a1
	EXPECT	a2, 1
	sltu	a2, a0, a1
	EXPECT	a2, 0
	li	a0, 0xff00ff00
	li	a1, 0x0ff00ff0
	xor	a2, a0, a1
	EXPECT	a2, 0xf0f0f0f0
	or	a2, a0, a1
	EXPECT	a2, 0xfff0fff0
	and	a2, a0, a1
	EXPECT	a2, 0x0f000f00

	TEST 9				/* x0 is hard-wired */
	addi	zero, zero, 1
	lui	zero, 1
	add	a0, zero, zero
	EXPECT	a0, 0

	TEST 10				/* FENCE is harmless */
	fence
	fence	rw, rw

	PASS
	FAIL_HANDLER
