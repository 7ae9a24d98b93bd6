/* SPDX-License-Identifier: MIT */
/* Negative check: linked without crt0.S, so there is no `tohost`; iss-run
 * must refuse to load it (status 121). */
	.text
	.globl	_start
_start:
	j	_start
