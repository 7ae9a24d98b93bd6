/* SPDX-License-Identifier: MIT */
/*
 * Macros for the self-checking assembly programs in tests/iss (included by
 * .S files, linked with crt0.S; each program provides `main`).
 *
 *   TEST n           start test case n (kept in s11)
 *   EXPECT reg, val  fail the current case unless reg == val (uses t6)
 *   PASS             end the program: pass
 *   FAIL_HANDLER     the shared failure exit (emit once, after PASS)
 *
 * A failure ends the run with tohost = (n << 1) | 1, so iss-run exits with
 * status n and prints "FAIL: test case n".
 */
#ifndef ISS_ASM_H
#define ISS_ASM_H

#define TESTNUM s11

.macro TEST n
	li	TESTNUM, \n
.endm

.macro EXPECT reg, val
	li	t6, \val
	bne	\reg, t6, test_failed
.endm

.macro PASS
	li	a0, 0
	j	iss_exit
.endm

.macro FAIL_HANDLER
test_failed:
	mv	a0, TESTNUM
	j	iss_exit
.endm

#endif
