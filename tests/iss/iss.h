/* SPDX-License-Identifier: MIT */
/*
 * Helpers for freestanding RV32 C programs run by tools/iss-run with
 * tests/iss/crt0.S: console output and explicit exit. No libc needed;
 * compile with -ffreestanding (see iss.ld for the whole command line).
 */
#ifndef ISS_H
#define ISS_H

#include <stdint.h>

extern volatile uint32_t tohost;        /* crt0.S: 8 bytes, low word used */
extern volatile uint8_t iss_console;    /* crt0.S */

/* End the run now: status 0 passes, N fails "test case N" (crt0.S). */
void iss_exit(int status) __attribute__((noreturn));

static inline void iss_putc(char c)
{
	iss_console = (uint8_t)c;
}

static inline void iss_puts(const char *s)
{
	while (*s)
		iss_putc(*s++);
}

static inline void iss_put_hex(uint32_t v)
{
	iss_puts("0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		iss_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static inline void iss_put_dec(uint32_t v)
{
	char buf[11];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		iss_putc(buf[--n]);
}

/* Fail with test case `n` (and say why on the console) unless cond holds. */
#define ISS_CHECK(n, cond) do {                                         \
		if (!(cond)) {                                          \
			iss_puts(__FILE__ ": check " #n " failed: " #cond "\n"); \
			iss_exit(n);                                    \
		}                                                       \
	} while (0)

#endif /* ISS_H */
