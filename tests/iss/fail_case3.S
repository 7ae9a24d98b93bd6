/* SPDX-License-Identifier: MIT */
/* Negative check of the exit protocol: cases 1 and 2 pass, case 3 fails,
 * so iss-run must exit with status 3 and print "FAIL: test case 3". */
#include "asm.h"

	.text
	.globl	main
main:
	TEST 1
	li	a0, 1
	EXPECT	a0, 1
	TEST 2
	li	a0, 2
	EXPECT	a0, 2
	TEST 3
	li	a0, 3
	EXPECT	a0, 4			/* wrong on purpose */
	PASS
	FAIL_HANDLER
