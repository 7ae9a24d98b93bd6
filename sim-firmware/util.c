/* SPDX-License-Identifier: MIT */
/*
 * Freestanding helpers: the mem* functions the compiler may call for struct
 * copies, and a small vsnprintf for the log (%s %c %d %u %x %X %p %%, flags
 * '0' and '-', a width, length modifiers l and ll; enough for every message
 * of the firmware, no floating point).
 */
#include "fw.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
		for (; n; n -= 4, d += 4, s += 4)
			*(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	if ((((uintptr_t)d | n) & 3) == 0) {
		uint32_t w = (uint8_t)c * 0x01010101u;

		for (; n; n -= 4, d += 4)
			*(uint32_t *)(void *)d = w;
		return dst;
	}
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t fw_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* ---- vsnprintf ---------------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len;  /* len counts every character, stored or not */
};

static inline __attribute__((always_inline)) void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* A run of n characters: the loop the log spends its time in. */
static void put_str(struct out *o, const char *s, size_t n)
{
	size_t room = o->len + 1 < o->size ? o->size - 1 - o->len : 0;
	char *d = o->buf + o->len;

	for (size_t i = 0, k = n < room ? n : room; i < k; i++)
		d[i] = s[i];
	o->len += n;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg,
		    unsigned width, char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0, len;

	/* 64-bit division is a libgcc call of hundreds of instructions per
	 * digit; most numbers fit 32 bits and the M extension divides those. */
	for (; v > UINT32_MAX; v /= base)
		tmp[n++] = digits[v % base];
	for (uint32_t w = (uint32_t)v; n == 0 || w; w /= base)
		tmp[n++] = digits[w % base];
	len = n + (neg ? 1u : 0u);
	if (left)
		pad = ' ';
	if (neg && pad == '0')         /* "-0042": the sign goes before the zeros */
		put(o, '-');
	for (unsigned w = len; !left && w < width; w++)
		put(o, pad);
	if (neg && pad != '0')
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	for (unsigned w = len; left && w < width; w++)
		put(o, ' ');
}

int fw_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		unsigned width = 0, lng = 0;
		char pad = ' ';
		bool left = false;
		uint64_t v;
		const char *s;

		if (*fmt != '%') {          /* the common case: plain text */
			const char *end = fmt;

			while (*end && *end != '%')
				end++;
			put_str(&o, fmt, (size_t)(end - fmt));
			fmt = end - 1;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		if (*fmt == 'z')       /* size_t is 32-bit here */
			fmt++;
		switch (*fmt) {
		case 'd': {
			int64_t sv = lng >= 2 ? va_arg(ap, long long) :
				     lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(&o, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, 10, false, sv < 0,
				width, pad, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, pad, left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, 8, '0', false);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			size_t n;

			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			n = fw_strnlen(s, SIZE_MAX);
			for (size_t w = n; !left && w < width; w++)
				put(&o, ' ');
			put_str(&o, s, n);
			for (size_t w = n; left && w < width; w++)
				put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:               /* unknown conversion: show it, don't guess */
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
			break;
		}
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fw_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Perf-clock ticks since the first cold boot, continued across D0i3 (the IP
 * reset of a power-off restarts mtime at 0; boot.c moves time_offset on). */
uint64_t fw_now(void)
{
	return plat_mtime() + fw.time_offset;
}
