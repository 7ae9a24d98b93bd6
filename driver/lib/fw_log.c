/* SPDX-License-Identifier: MIT */
/*
 * Firmware log reader, as Linux 6.12's ivpu_fw_log.c (hw-facts §8):
 * each log buffer holds consecutive tracing buffers, each with a 128-byte
 * header (canary 0xCAFECAFE, header_size 128..1024, size >= header_size and
 * inside the buffer); data is [header_size, size), written as a ring at
 * write_index with wrap_count; the host keeps read_index/read_wrap_count.
 * Text is split into lines at '\n' or NUL, at most 255 characters each.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"

#define LOG_HEADER_MAX   1024u

struct log_desc {
	struct npu_tracing_buffer_header *log;
	uint32_t header_size, size;
	size_t off;                         /* of the header inside the buffer */
};

/* fw_log_from_bo */
static int log_from_bo(struct npu_device *dev, struct npu_buffer *bo, size_t *offset,
		       struct log_desc *d)
{
	struct npu_tracing_buffer_header *log;
	uint32_t header_size, size;

	if (*offset + sizeof(*log) > bo->size)
		return -EINVAL;
	npu_bo_sync_cpu(dev, bo, *offset, sizeof(*log));
	log = (struct npu_tracing_buffer_header *)((uint8_t *)bo->dma.cpu + *offset);
	if (log->vpu_canary_start != NPU_TRACING_BUFFER_CANARY)
		return -EINVAL;
	header_size = log->header_size;
	size = log->size;
	if (header_size < sizeof(*log) || header_size > LOG_HEADER_MAX) {
		npu_dbg(dev, "FW log: invalid header size 0x%x", header_size);
		return -EINVAL;
	}
	if (size > bo->size - *offset) {
		npu_dbg(dev, "FW log: invalid log size 0x%x", size);
		return -EINVAL;
	}
	if (size < header_size) {
		npu_dbg(dev, "FW log: size 0x%x < header size 0x%x", size, header_size);
		return -EINVAL;
	}
	d->log = log;
	d->header_size = header_size;
	d->size = size;
	d->off = *offset;
	*offset += size;
	return 0;
}

struct line_buf {
	char line[NPU_FW_LOG_LINE_MAX];
	unsigned len;
	npu_print_fn print;
	void *user;
	unsigned lines;
};

static void line_flush(struct line_buf *lb)
{
	lb->line[lb->len] = '\0';
	if (lb->len) {
		lb->print(lb->user, lb->line);
		lb->lines++;
	}
	lb->len = 0;
}

/* fw_log_print_lines */
static void print_lines(struct line_buf *lb, const char *buf, uint32_t size)
{
	while (size--) {
		char c = *buf++;

		if (c == '\n' || c == '\0') {
			line_flush(lb);
			continue;
		}
		if (lb->len == NPU_FW_LOG_LINE_MAX - 1)
			line_flush(lb);
		if (c != '\r' && (isprint((unsigned char)c) || iscntrl((unsigned char)c)))
			lb->line[lb->len++] = c;
	}
}

/* fw_log_print_buffer */
static void print_buffer(struct npu_device *dev, struct npu_buffer *bo, struct log_desc *d,
			 const char *prefix, bool only_new, struct line_buf *lb)
{
	struct npu_tracing_buffer_header *log = d->log;
	uint32_t data_size = d->size - d->header_size;
	uint32_t start = only_new ? log->read_index : 0, end = log->write_index;
	const char *data;
	char hdr[128];

	npu_bo_sync_cpu(dev, bo, d->off, d->size);
	data = (const char *)log + d->header_size;
	if (start >= data_size)
		start = 0;
	if (end > data_size)
		end = data_size;
	if (log->wrap_count == log->read_wrap_count) {
		if (end <= start) {
			snprintf(hdr, sizeof(hdr), "==== %s \"%.*s\" log empty ====", prefix,
				 (int)sizeof(log->name), log->name);
			lb->print(lb->user, hdr);
			return;
		}
	} else if (log->wrap_count == log->read_wrap_count + 1) {
		if (end > start)
			start = end;
	} else {
		start = end;
	}
	snprintf(hdr, sizeof(hdr), "==== %s \"%.*s\" log start ====", prefix,
		 (int)sizeof(log->name), log->name);
	lb->print(lb->user, hdr);
	if (end > start) {
		print_lines(lb, data + start, end - start);
	} else {
		print_lines(lb, data + start, data_size - start);
		print_lines(lb, data, end);
	}
	line_flush(lb);
	snprintf(hdr, sizeof(hdr), "==== %s \"%.*s\" log end   ====", prefix,
		 (int)sizeof(log->name), log->name);
	lb->print(lb->user, hdr);
}

/* Returns the number of valid tracing buffers found. */
int npu_fw_log_print(struct npu_device *dev, bool only_new, npu_print_fn print, void *user)
{
	struct npu_buffer *bos[2] = { dev->fw.log_crit, dev->fw.log_verb };
	static const char *const names[2] = { "NPU critical", "NPU verbose" };
	struct line_buf lb = { .print = print, .user = user };
	int found = 0;

	for (unsigned i = 0; i < 2; i++) {
		struct log_desc d;
		size_t next = 0;

		if (!bos[i])
			continue;
		while (log_from_bo(dev, bos[i], &next, &d) == 0) {
			print_buffer(dev, bos[i], &d, names[i], only_new, &lb);
			found++;
		}
	}
	return found;
}

static void for_each_log(struct npu_device *dev, bool reset)
{
	struct npu_buffer *bos[2] = { dev->fw.log_crit, dev->fw.log_verb };

	for (unsigned i = 0; i < 2; i++) {
		struct log_desc d;
		size_t next = 0;

		if (!bos[i])
			continue;
		while (log_from_bo(dev, bos[i], &next, &d) == 0) {
			d.log->read_index = reset ? 0 : d.log->write_index;
			d.log->read_wrap_count = reset ? 0 : d.log->wrap_count;
			/* the host-owned cache line only */
			npu_bo_sync_dev(dev, bos[i], d.off, 64);
		}
	}
}

/* ivpu_fw_log_mark_read */
void npu_fw_log_mark_read(struct npu_device *dev)
{
	for_each_log(dev, false);
}

/* ivpu_fw_log_reset */
void npu_fw_log_reset(struct npu_device *dev)
{
	for_each_log(dev, true);
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
