/* SPDX-License-Identifier: MIT */
/*
 * The firmware's log rings (hw-facts §8). Each of the two log buffers
 * (critical, verbose) holds a chain of rings laid end to end; a ring opens
 * with a 128-byte header whose second cache line the firmware owns (where
 * it writes, how often it wrapped, the ring's size and name) and whose
 * first cache line the host owns (where it has read up to). The text after
 * the header is a byte ring of NUL- or newline-terminated strings.
 */
#include <stdio.h>
#include <string.h>

#include "drv.h"

#define RING_HEADER_MIN    ((uint32_t)sizeof(struct npu_tracing_buffer_header))
#define RING_HEADER_MAX    1024u
#define RING_HOST_LINE     64u     /* the host-owned part of a header */

struct ring {
	struct npu_buffer *bo;
	const char *buffer;                  /* "critical" or "verbose" */
	size_t at;                           /* offset of the header in bo */
	struct npu_tracing_buffer_header *h;
	uint32_t text_len;                   /* size - header_size */
};

/* Does a valid header start at offset `at` of bo (§8: canary, 128 <=
 * header_size <= 1024, header_size <= size, the ring inside the buffer)?
 * A wrong canary is the normal end of the chain; the other faults are
 * worth a debug line. */
static bool ring_at(struct npu_device *dev, struct npu_buffer *bo, size_t at, struct ring *r)
{
	struct npu_tracing_buffer_header *h;
	uint32_t hsize, size;

	if (at > bo->size || bo->size - at < RING_HEADER_MIN)
		return false;
	npu_bo_sync_cpu(dev, bo, at, RING_HEADER_MIN);
	h = (struct npu_tracing_buffer_header *)((uint8_t *)bo->dma.cpu + at);
	if (h->vpu_canary_start != NPU_TRACING_BUFFER_CANARY)
		return false;
	hsize = h->header_size;
	size = h->size;
	if (hsize < RING_HEADER_MIN || hsize > RING_HEADER_MAX || size < hsize ||
	    size > bo->size - at) {
		npu_dbg(dev, "firmware log: ring at 0x%zx of the %s buffer rejected: header_size %u "
			"(128..1024), size %u (header_size..%zu)", at, r->buffer, hsize, size,
			bo->size - at);
		return false;
	}
	r->bo = bo;
	r->at = at;
	r->h = h;
	r->text_len = size - hsize;
	return true;
}

typedef void (*ring_fn)(struct npu_device *dev, struct ring *r, void *ctx);

/* Calls fn for every valid ring of both buffers, in order; returns how
 * many there were. */
static int for_each_ring(struct npu_device *dev, ring_fn fn, void *ctx)
{
	struct { struct npu_buffer *bo; const char *name; } bufs[] = {
		{ dev->fw.log_crit, "critical" }, { dev->fw.log_verb, "verbose" },
	};
	int rings = 0;

	for (size_t b = 0; b < NPU_ARRAY_SIZE(bufs); b++) {
		struct ring r = { .buffer = bufs[b].name };
		size_t at = 0;

		if (!bufs[b].bo)
			continue;
		while (ring_at(dev, bufs[b].bo, at, &r)) {
			at += r.h->size;          /* >= 128: the walk always advances */
			fn(dev, &r, ctx);
			rings++;
		}
	}
	return rings;
}

/* ---- Which bytes are unread ------------------------------------------------ */

struct span {
	uint32_t from, to;                   /* [from, to) of the ring's text */
};

/* The unread text of a ring of len bytes as at most two spans, oldest
 * first, from the reader's (rd, rd_laps) and the writer's (wr, wr_laps)
 * positions (§8):
 *   same lap count       [rd, wr), nothing if the reader caught up;
 *   writer one lap ahead from max(rd, wr) to the end, then [0, wr);
 *   anything else        the reader lost track: the whole ring, oldest
 *                        byte (at wr) first.
 * Positions beyond the text are the firmware's fault; we read a writer
 * past the end as having filled the text and start such a reader over. */
static unsigned unread_spans(uint32_t len, uint32_t rd, uint32_t rd_laps, uint32_t wr,
			     uint32_t wr_laps, struct span out[2])
{
	uint32_t oldest;

	if (wr > len)
		wr = len;
	if (rd >= len)
		rd = 0;
	switch (wr_laps - rd_laps) {
	case 0:
		if (rd >= wr)
			return 0;
		out[0] = (struct span){ rd, wr };
		return 1;
	case 1:
		oldest = rd > wr ? rd : wr;
		break;
	default:
		oldest = wr;
		break;
	}
	out[0] = (struct span){ oldest, len };
	out[1] = (struct span){ 0, wr };
	return 2;
}

/* ---- Text to lines ---------------------------------------------------------- */

/* Lines end at '\n' or NUL; one longer than NPU_FW_LOG_LINE_MAX - 1 kept
 * characters is cut into pieces of that length. Only printable ASCII and
 * tabs are kept: '\r', terminal escapes and other bytes from the firmware
 * do not reach the reader's terminal. A line may run across the wrap. */
struct line_out {
	npu_print_fn print;
	void *user;
	char text[NPU_FW_LOG_LINE_MAX];
	unsigned used;
};

static void line_close(struct line_out *o)
{
	if (!o->used)
		return;
	o->text[o->used] = '\0';
	o->print(o->user, o->text);
	o->used = 0;
}

static void line_feed(struct line_out *o, const char *p, uint32_t n)
{
	for (const char *end = p + n; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n' || c == '\0') {
			line_close(o);
			continue;
		}
		if (c != '\t' && (c < 0x20 || c > 0x7E))
			continue;
		o->text[o->used++] = (char)c;
		if (o->used == NPU_FW_LOG_LINE_MAX - 1)
			line_close(o);
	}
}

/* ---- Printing --------------------------------------------------------------- */

struct print_ctx {
	bool only_new;
	struct line_out out;
};

static void banner(struct line_out *o, const struct ring *r, const char *fmt)
{
	char name[sizeof(r->h->name) + 1], line[96];

	memcpy(name, r->h->name, sizeof(r->h->name));
	name[sizeof(r->h->name)] = '\0';
	snprintf(line, sizeof(line), fmt, name, r->buffer);
	o->print(o->user, line);
}

static void print_ring(struct npu_device *dev, struct ring *r, void *ctx)
{
	struct print_ctx *pc = ctx;
	const struct npu_tracing_buffer_header *h = r->h;
	const char *text;
	struct span s[2];
	unsigned n;

	npu_bo_sync_cpu(dev, r->bo, r->at, h->size);
	text = (const char *)h + h->header_size;
	/* everything = what a reader that has read nothing would get */
	n = pc->only_new ? unread_spans(r->text_len, h->read_index, h->read_wrap_count,
					h->write_index, h->wrap_count, s)
			 : unread_spans(r->text_len, 0, 0, h->write_index, h->wrap_count, s);
	if (!n) {
		banner(&pc->out, r, "--- firmware log \"%s\" (%s): empty ---");
		return;
	}
	banner(&pc->out, r, "--- firmware log \"%s\" (%s) ---");
	for (unsigned i = 0; i < n; i++)
		line_feed(&pc->out, text + s[i].from, s[i].to - s[i].from);
	line_close(&pc->out);
	banner(&pc->out, r, "--- end of firmware log \"%s\" (%s) ---");
}

/* Returns the number of valid rings found. */
int npu_fw_log_print(struct npu_device *dev, bool only_new, npu_print_fn print, void *user)
{
	struct print_ctx pc = { .only_new = only_new, .out = { .print = print, .user = user } };

	return for_each_ring(dev, print_ring, &pc);
}

/* ---- The reader's position ------------------------------------------------------ */

/* Only the host's cache line of the header is written back (§8). */
static void reader_to_writer(struct npu_device *dev, struct ring *r, void *ctx)
{
	r->h->read_index = r->h->write_index;
	r->h->read_wrap_count = r->h->wrap_count;
	npu_bo_sync_dev(dev, r->bo, r->at, RING_HOST_LINE);
}

static void reader_to_start(struct npu_device *dev, struct ring *r, void *ctx)
{
	r->h->read_index = 0;
	r->h->read_wrap_count = 0;
	npu_bo_sync_dev(dev, r->bo, r->at, RING_HOST_LINE);
}

void npu_fw_log_mark_read(struct npu_device *dev)
{
	for_each_ring(dev, reader_to_writer, NULL);
}

void npu_fw_log_reset(struct npu_device *dev)
{
	for_each_ring(dev, reader_to_start, NULL);
}

int npu_read_fw_log(struct npu_device *dev, bool only_new, bool mark_read, npu_print_fn print,
		    void *user)
{
	int n;

	if (!dev->fw.log_crit)
		return npu_fail(dev, -EAGAIN, "firmware log: no log buffers (firmware not loaded)");
	n = npu_fw_log_print(dev, only_new, print, user);
	if (mark_read)
		npu_fw_log_mark_read(dev);
	return n;
}
