/* SPDX-License-Identifier: MIT */
/*
 * Firmware log: the two host-visible tracing buffers of the boot params
 * (critical and verbose; hw-facts §4.4, hw-facts §8) plus an echo on
 * the LRT debug console.
 *
 * Buffer format, as the host reader ivpu_fw_log.c expects it: one
 * struct npu_tracing_buffer_header at offset 0 whose firmware cache line
 * (offset 64) we fill -- canary 0xCAFECAFE, size = the whole buffer,
 * header_size 128, format 0 (NUL/newline-terminated strings), alignment 0,
 * name "LRT" -- then text lines "...\n" appended at 128 + write_index,
 * NUL-padded to 4 bytes. A line that does not fit at the end is not split:
 * the tail is filled with NULs (the reader skips them) and writing restarts
 * at 0 with wrap_count + 1.
 * The host cache line (offset 0: host canary, read_index, read_wrap_count)
 * is never written.
 *
 * Routing (README "Log levels"): a line goes to the verbose buffer when its
 * level >= the trace level and the destination/component masks select the
 * verbose buffer and the LRT; ERROR and FATAL lines also go to the critical
 * buffer; the console gets everything at INFO and above, or at the trace
 * level if that is lower.
 */
#include "fw.h"

struct fw_log fw_log;

#define HDR_FW_LINE  offsetof(struct npu_tracing_buffer_header, vpu_canary_start)
#define HDR_WRITE    offsetof(struct npu_tracing_buffer_header, write_index)
#define HDR_WRAP     offsetof(struct npu_tracing_buffer_header, wrap_count)

void log_console_puts(const char *s)
{
	while (*s)
		plat_wr(NPU_LRT_CONSOLE_TX, (uint8_t)*s++);
}

static void console_line(const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		plat_wr(NPU_LRT_CONSOLE_TX, (uint8_t)s[i]);
}

/* Validates a buffer handed over in the boot params and writes its header.
 * Called before the log works, so complaints go to the console. */
int log_buf_init(struct fw_log_buf *b, uint32_t va, uint32_t size, const char *what)
{
	struct npu_tracing_buffer_header h;
	char msg[160];

	b->va = 0;
	if (!va && !size)
		return -1;                  /* not provided: silently unused */
	if (size < NPU_TRACING_HEADER_SIZE + 64 || (va & 63) ||
	    !fw_region_has(&fw.shared, va, size)) {
		fw_snprintf(msg, sizeof(msg), "log: %s buffer 0x%lx size 0x%lx unusable "
			    "(need 64-byte alignment, >= 192 bytes, inside the shared region)\n",
			    what, va, size);
		log_console_puts(msg);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.vpu_canary_start = NPU_TRACING_BUFFER_CANARY;
	h.size = size;
	h.header_version = NPU_TRACING_HEADER_VERSION;
	h.header_size = NPU_TRACING_HEADER_SIZE;
	h.format = NPU_TRACING_FORMAT_NUL_STRINGS;
	memcpy(h.name, "LRT", 4);
	if (fw_safe_copy((void *)(uintptr_t)(va + HDR_FW_LINE), (const uint8_t *)&h + HDR_FW_LINE,
			 sizeof(h) - HDR_FW_LINE)) {
		fw_snprintf(msg, sizeof(msg), "log: %s buffer 0x%lx: write fault at 0x%lx; unused\n",
			    what, va, fw_safe_fault_addr);
		log_console_puts(msg);
		return -1;
	}
	b->va = va;
	/* whole words: keeps records aligned (the last 0-3 bytes stay NUL) */
	b->data_size = (size - NPU_TRACING_HEADER_SIZE) & ~3u;
	b->write_index = 0;
	b->wrap_count = 0;
	return 0;
}

void log_buf_append(struct fw_log_buf *b, const char *text, uint32_t len)
{
	static const uint8_t zeros[64];
	uint32_t data = b->va + NPU_TRACING_HEADER_SIZE;

	if (!b->va)
		return;
	if (len > b->data_size)
		len = b->data_size;
	if (b->write_index > b->data_size)   /* never written by us; be safe */
		b->write_index = b->data_size;
	if (b->write_index + len > b->data_size) {
		for (uint32_t i = b->write_index; i < b->data_size; ) {
			uint32_t n = b->data_size - i < sizeof(zeros) ? b->data_size - i : sizeof(zeros);

			if (fw_safe_copy((void *)(uintptr_t)(data + i), zeros, n))
				goto fault;
			i += n;
		}
		b->write_index = 0;
		b->wrap_count++;
	}
	if (fw_safe_copy((void *)(uintptr_t)(data + b->write_index), text, len))
		goto fault;
	b->write_index += len;
	/* the index last: a reader never sees text that is not there yet */
	if (safe_wr32(b->va + HDR_WRAP, b->wrap_count) ||
	    safe_wr32(b->va + HDR_WRITE, b->write_index))
		goto fault;
	return;
fault:
	/* The host took the buffer away: stop using it, say so on the console. */
	b->va = 0;
	log_console_puts("log: buffer write faulted; buffer disabled\n");
}

void log_set_config(uint32_t level, uint32_t dest_mask, uint64_t hw_mask)
{
	/* 0 is the host's "firmware default" (IVPU_FW_LOG_DEFAULT): ours is INFO */
	if (level == 0)
		level = NPU_LOG_LEVEL_INFO;
	if (level > NPU_LOG_LEVEL_FATAL)
		level = NPU_LOG_LEVEL_FATAL;
	fw_log.level = level;
	fw_log.dest_mask = dest_mask & FW_TRACE_DEST_SUPPORTED;
	fw_log.hw_mask = hw_mask & FW_TRACE_HW_SUPPORTED;
}

static bool to_verbose(uint32_t level)
{
	return (level >= fw_log.level || (level & FW_LOG_DUMP)) &&
	       (fw_log.dest_mask & NPU_TRACE_DESTINATION_VERBOSE) &&
	       (fw_log.hw_mask & FW_TRACE_HW_SUPPORTED);
}

/* Cheap test callers make before formatting anything. */
bool fw_log_wants(uint32_t level)
{
	return level >= NPU_LOG_LEVEL_INFO || level >= fw_log.level;
}

static const char level_char[] = "?DIWEF";

void fw_logf(uint32_t level, const char *fmt, ...)
{
	char line[FW_LOG_LINE_MAX] __attribute__((aligned(4)));
	uint32_t lvl = level & 0xFF, n, pre, padded;
	uint64_t us = PLAT_TICKS_TO_US(fw_now());
	va_list ap;

	/* "[sssss.uuuuuu] L text": the time is the monotonic firmware clock */
	pre = (uint32_t)fw_snprintf(line, sizeof(line), "[%5lu.%06lu] %c ",
				    (unsigned long)(us / 1000000u), (unsigned long)(us % 1000000u),
				    level_char[lvl <= NPU_LOG_LEVEL_FATAL ? lvl : 0]);
	va_start(ap, fmt);
	n = pre + (uint32_t)fw_vsnprintf(line + pre, sizeof(line) - pre - 1, fmt, ap);
	va_end(ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;      /* truncated: keep room for the newline */
	line[n++] = '\n';
	/* Records start on 4-byte boundaries so they are copied to host memory
	 * a word (one MMU transaction) at a time; the NUL padding is an empty
	 * line to the reader, which skips it. */
	for (padded = n; padded & 3; padded++)
		line[padded] = '\0';

	if (fw_log_wants(lvl) || (level & FW_LOG_DUMP))
		console_line(line, n);
	if (to_verbose(level))
		log_buf_append(&fw_log.verbose, line, padded);
	if (lvl >= NPU_LOG_LEVEL_ERROR && !(level & FW_LOG_DUMP))
		log_buf_append(&fw_log.crit, line, padded);
}
