/* SPDX-License-Identifier: MIT */
/* Negative check: WFI with nothing that could wake the core (status 124). */
	.text
	.globl	main
main:
	csrsi	mie, 8
	wfi
	ret
