/* SPDX-License-Identifier: MIT */
/*
 * The format library's own message formatting (internal to format/).
 *
 * Parsers explain a refusal in one sentence naming the values at fault.
 * The library must build freestanding (the RV32 firmware is to link it for
 * the command-buffer formats), so it cannot rely on the C library's snprintf:
 * this is the small printf subset the messages use, with snprintf's
 * truncation rules (the result is always NUL-terminated when len > 0).
 *
 * Conversions: %s %c %d %u %x %% with an optional '0' flag, a field width
 * and the length modifiers l, ll and z.
 */
#ifndef NPU_FORMAT_MSG_H
#define NPU_FORMAT_MSG_H

#include <stdarg.h>
#include <stddef.h>

/* Writes the message to buf (nothing when buf is NULL or len is 0). */
void npf_vmsg(char *buf, size_t len, const char *fmt, va_list ap);
void npf_msg(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends to the NUL-terminated message already in buf. */
void npf_msg_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* strlen/memchr without the C library. */
size_t npf_strlen(const char *s);
size_t npf_strnlen(const char *s, size_t max);

#endif /* NPU_FORMAT_MSG_H */
