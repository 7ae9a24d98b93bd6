/* SPDX-License-Identifier: MIT */
/* M extension, including the division corner cases (no traps). */
#include "asm.h"

	.text
	.globl	main
main:
	TEST 1				/* MUL */
	li	a0, 0x12345678
	li	a1, 0x9abcdef0
	mul	a2, a0, a1
	EXPECT	a2, 0x242d2080
	li	a0, -1
	mul	a2, a0, a0
	EXPECT	a2, 1

	TEST 2				/* MULH / MULHSU / MULHU */
	li	a0, 0x12345678
	li	a1, 0x9abcdef0
	mulh	a2, a0, a1
	EXPECT	a2, 0xf8cc93d6
	mulhsu	a2, a0, a1
	EXPECT	a2, 0x0b00ea4e
	mulhu	a2, a0, a1
	EXPECT	a2, 0x0b00ea4e
	li	a0, 0x80000000
	mulh	a2, a0, a0
	EXPECT	a2, 0x40000000
	li	a1, -1
	mulhsu	a2, a0, a1
	EXPECT	a2, 0x80000000
	mulhu	a2, a1, a1
	EXPECT	a2, 0xfffffffe

	TEST 3				/* DIV / REM round toward zero */
	li	a0, -7
	li	a1, 2
	div	a2, a0, a1
	EXPECT	a2, -3
	rem	a2, a0, a1
	EXPECT	a2, -1
	li	a0, 7
	li	a1, -2
	div	a2, a0, a1
	EXPECT	a2, -3
	rem	a2, a0, a1
	EXPECT	a2, 1

	TEST 4				/* division by zero */
	li	a0, 1234
	div	a2, a0, zero
	EXPECT	a2, -1
	divu	a2, a0, zero
	EXPECT	a2, 0xffffffff
	rem	a2, a0, zero
	EXPECT	a2, 1234
	remu	a2, a0, zero
	EXPECT	a2, 1234

	TEST 5				/* signed overflow */
	li	a0, 0x80000000
	li	a1, -1
	div	a2, a0, a1
	EXPECT	a2, 0x80000000
	rem	a2, a0, a1
	EXPECT	a2, 0

	TEST 6				/* DIVU / REMU */
	li	a0, -1
	li	a1, 10
	divu	a2, a0, a1
	EXPECT	a2, 429496729
	remu	a2, a0, a1
	EXPECT	a2, 5

	PASS
	FAIL_HANDLER
