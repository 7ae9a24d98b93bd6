/* SPDX-License-Identifier: MIT */
/* Negative check: never finishes; iss-run --max-insns must stop it
 * (status 123). */
	.text
	.globl	main
main:
1:	addi	a0, a0, 1
	j	1b
