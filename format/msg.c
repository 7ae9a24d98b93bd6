/* SPDX-License-Identifier: MIT */
/*
 * A printf subset for the format library's messages (msg.h). Freestanding:
 * only <stdarg.h>, <stddef.h> and <stdint.h>.
 */
#include <stdint.h>

#include "msg.h"

struct out {
	char *buf;
	size_t len, pos;    /* pos may pass len: the text is then truncated */
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_str(struct out *o, const char *s, size_t n, unsigned width, char pad)
{
	for (size_t i = n; i < width; i++)
		put(o, pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
}

static void put_num(struct out *o, uintmax_t v, unsigned base, int negative, unsigned width,
		    char pad)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[sizeof(digits) - 1 - n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative) {
		if (pad == '0') {
			put(o, '-');
			width = width ? width - 1 : 0;
		} else {
			digits[sizeof(digits) - 1 - n++] = '-';
		}
	}
	put_str(o, digits + sizeof(digits) - n, n, width, pad);
}

size_t npf_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t npf_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

void npf_vmsg(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = { buf, len, 0 };

	if (!buf || !len)
		return;
	for (const char *p = fmt; *p; p++) {
		unsigned width = 0, lng = 0;
		char pad = ' ';

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		if (*p == '0') {
			pad = '0';
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (unsigned)(*p++ - '0');
		for (; *p == 'l'; p++)
			lng++;
		if (*p == 'z') {
			lng = 3;
			p++;
		}
		switch (*p) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			put_str(&o, s, npf_strlen(s), width, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			intmax_t v = lng == 3 ? (intmax_t)va_arg(ap, ptrdiff_t) :
				     lng == 2 ? va_arg(ap, long long) :
				     lng == 1 ? va_arg(ap, long) : va_arg(ap, int);

			put_num(&o, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			uintmax_t v = lng == 3 ? va_arg(ap, size_t) :
				      lng == 2 ? va_arg(ap, unsigned long long) :
				      lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);

			put_num(&o, v, *p == 'x' ? 16 : 10, 0, width, pad);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* not a conversion this subset has: show it, never misread va_args */
			put(&o, '%');
			if (!*p)
				p--;
			else
				put(&o, *p);
			break;
		}
	}
	buf[o.pos < len ? o.pos : len - 1] = '\0';
}

void npf_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	npf_vmsg(buf, len, fmt, ap);
	va_end(ap);
}

void npf_msg_append(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!buf || !len)
		return;
	n = npf_strnlen(buf, len);
	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	npf_vmsg(buf + n, len - n, fmt, ap);
	va_end(ap);
}
