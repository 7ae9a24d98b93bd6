/* SPDX-License-Identifier: MIT */
/* Negative check: a trap with mtvec = 0 puts the core in error mode;
 * iss-run must report it (status 122, mcause 11). */
	.text
	.globl	main
main:
	ecall
	ret
