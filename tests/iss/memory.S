/* SPDX-License-Identifier: MIT */
/* Loads and stores: widths, sign/zero extension, offsets, .data and .bss. */
#include "asm.h"

	.data
	.balign	4
pattern:
	.byte	0x80, 0x7f, 0xff, 0xee
	.half	0x8001, 0x7ffe
	.word	0x89abcdef
scratch:
	.word	0x55555555, 0x55555555, 0x55555555

	.bss
	.balign	4
zeroed:
	.skip	256

	.text
	.globl	main
main:
	la	s0, pattern
	la	s1, scratch

	TEST 1				/* byte loads */
	lb	a0, 0(s0)
	EXPECT	a0, 0xffffff80
	lbu	a0, 0(s0)
	EXPECT	a0, 0x80
	lb	a0, 1(s0)
	EXPECT	a0, 0x7f
	lbu	a0, 3(s0)
	EXPECT	a0, 0xee

	TEST 2				/* halfword loads */
	lh	a0, 4(s0)
	EXPECT	a0, 0xffff8001
	lhu	a0, 4(s0)
	EXPECT	a0, 0x8001
	lh	a0, 6(s0)
	EXPECT	a0, 0x7ffe

	TEST 3				/* word loads, negative offset */
	lw	a0, 8(s0)
	EXPECT	a0, 0x89abcdef
	addi	t0, s0, 12
	lw	a0, -12(t0)
	EXPECT	a0, 0xeeff7f80

	TEST 4				/* stores of each width */
	li	a0, 0x89abcdef
	sb	a0, 1(s1)
	lw	a1, 0(s1)
	EXPECT	a1, 0x5555ef55
	sh	a0, 6(s1)
	lw	a1, 4(s1)
	EXPECT	a1, 0xcdef5555
	sw	a0, 8(s1)
	lw	a1, 8(s1)
	EXPECT	a1, 0x89abcdef

	TEST 5				/* .bss was zeroed by crt0 */
	la	t0, zeroed
	addi	t1, t0, 256
1:	lw	a0, 0(t0)
	bnez	a0, test_failed
	addi	t0, t0, 4
	bltu	t0, t1, 1b

	TEST 6				/* the stack works */
	addi	sp, sp, -16
	li	a0, 0x1234
	sw	a0, 12(sp)
	lw	a1, 12(sp)
	addi	sp, sp, 16
	EXPECT	a1, 0x1234

	TEST 7				/* memcpy-like loop */
	la	t0, pattern
	la	t1, zeroed
	li	t2, 12
1:	lbu	a0, 0(t0)
	sb	a0, 0(t1)
	addi	t0, t0, 1
	addi	t1, t1, 1
	addi	t2, t2, -1
	bnez	t2, 1b
	la	t1, zeroed
	lw	a0, 8(t1)
	EXPECT	a0, 0x89abcdef
	lhu	a0, 4(t1)
	EXPECT	a0, 0x8001

	PASS
	FAIL_HANDLER
