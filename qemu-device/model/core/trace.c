/* SPDX-License-Identifier: MIT */
/*
 * Trace records: stamping and emitting them, and the decoder every host can
 * use (event names, fields and formats come from trace.list, through the
 * generated trace_table.inc).
 */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"
#include "core/trace_table.inc"

void npum_trace_emit(struct npum *n, struct npum_trace_rec *r)
{
	r->time_ns = npum_now(n);
	n->host.trace(n->opaque, r);
}

const struct npum_trace_desc *npum_trace_describe(unsigned id)
{
	return id < NPUM_TRACE_COUNT ? &npum_trace_table[id] : NULL;
}

int npum_trace_lookup(const char *name)
{
	for (unsigned i = 0; i < NPUM_TRACE_COUNT; i++)
		if (!strcmp(npum_trace_table[i].name, name))
			return (int)i;
	return -1;
}

int npum_trace_field_index(const struct npum_trace_desc *d, const char *field)
{
	for (unsigned i = 0; i < d->nfields; i++)
		if (!strcmp(d->fields[i].name, field))
			return (int)i;
	return -1;
}

/* Appends to buf like snprintf does, tracking the length needed. */
struct npum_tbuf {
	char *buf;
	size_t size, len;
};

static void tb_put(struct npum_tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tb_put(struct npum_tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(b->len < b->size ? b->buf + b->len : NULL,
		      b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		b->len += (size_t)k;
}

static void tb_field(struct npum_tbuf *b, const struct npum_trace_field *f,
		     union npum_trace_val v, int width)
{
	switch (f->type) {
	case NPUM_TF_STR:
		tb_put(b, "%s", v.s ? v.s : "(null)");
		break;
	case NPUM_TF_U32:
	case NPUM_TF_U64:
		tb_put(b, "%0*llu", width, (unsigned long long)v.u);
		break;
	case NPUM_TF_X32:
	case NPUM_TF_X64:
		tb_put(b, "0x%0*llx", width, (unsigned long long)v.u);
		break;
	}
}

size_t npum_trace_format(const struct npum_trace_rec *r, char *buf, size_t size)
{
	const struct npum_trace_desc *d = npum_trace_describe(r->id);
	struct npum_tbuf b = { buf, size, 0 };
	const char *p;

	if (size)
		buf[0] = '\0';
	if (!d) {
		tb_put(&b, "event %u (unknown)", (unsigned)r->id);
		return b.len;
	}
	tb_put(&b, "%s: ", d->name);
	for (p = d->format; *p;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		char name[32];
		size_t k;
		int width = 0, i;

		if (!end) {
			tb_put(&b, "%c", *p++);
			continue;
		}
		k = (size_t)(end - p - 1);
		if (k >= sizeof(name))
			k = sizeof(name) - 1;
		memcpy(name, p + 1, k);
		name[k] = '\0';
		if (strchr(name, ':')) {
			width = (int)strtol(strchr(name, ':') + 1, NULL, 10);
			*strchr(name, ':') = '\0';
		}
		i = npum_trace_field_index(d, name);
		if (i >= 0)
			tb_field(&b, &d->fields[i], r->f[i], width);
		p = end + 1;
	}
	return b.len;
}
