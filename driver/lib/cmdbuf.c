/* SPDX-License-Identifier: MIT */
/*
 * The command buffer builder (npu/cmdbuf.h): JOB_CMD 4.15 layouts from
 * intel-npu/cmdbuf.h, refusing what the 37xx firmware refuses (hw-facts
 * §11.4-§11.6, §12.1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "npu/cmdbuf.h"
#include "intel-npu/cmdbuf.h"

#define HDR_SIZE  sizeof(struct npu_cmd_buffer_header)

static int refuse(struct npu_cmdbuf *cb, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct npu_cmdbuf *cb, int err, const char *fmt, ...)
{
	va_list ap;

	if (cb->err)
		return cb->err;
	va_start(ap, fmt);
	vsnprintf(cb->error, sizeof(cb->error), fmt, ap);
	va_end(ap);
	cb->err = err;
	return err;
}

static size_t save_area_off(const struct npu_cmdbuf *cb)
{
	return (cb->size - NPU_CONTEXT_SAVE_AREA_SIZE) & ~(size_t)(NPU_CONTEXT_SAVE_AREA_SIZE - 1);
}

int npu_cmdbuf_init(struct npu_cmdbuf *cb, void *cpu, uint64_t va, size_t size)
{
	memset(cb, 0, sizeof(*cb));
	if (!cpu)
		return refuse(cb, -EINVAL, "command buffer: no memory given");
	cb->cpu = cpu;
	cb->va = va;
	cb->size = size;
	if (va % NPU_CMD_BUFFER_ALIGN)
		return refuse(cb, -EINVAL, "command buffer: VA 0x%llx is not %u-byte aligned "
			      "(hw-facts §11.1)", (unsigned long long)va, NPU_CMD_BUFFER_ALIGN);
	if (size < NPU_CMDBUF_MIN_SIZE || size > UINT32_MAX)
		return refuse(cb, -EINVAL, "command buffer: %zu bytes; it needs %u to 4 GiB",
			      size, NPU_CMDBUF_MIN_SIZE);
	memset(cpu, 0, size);
	cb->cmd_end = HDR_SIZE;
	cb->desc_low = save_area_off(cb);
	return 0;
}

/* Room for a command of size bytes at the end of the commands. */
static void *cmd_alloc(struct npu_cmdbuf *cb, uint16_t type, size_t size)
{
	struct npu_cmd_header *h;

	if (cb->err)
		return NULL;
	if (size > cb->desc_low - cb->cmd_end) {
		refuse(cb, -ENOSPC, "command buffer full: no room for a %zu-byte command 0x%04x "
		       "after %u commands and %u descriptors in %zu bytes", size, type, cb->n_cmds,
		       cb->n_descs, cb->size);
		return NULL;
	}
	h = (struct npu_cmd_header *)(cb->cpu + cb->cmd_end);
	memset(h, 0, size);
	h->type = type;
	h->size = (uint16_t)size;
	cb->cmd_end += size;
	cb->n_cmds++;
	return h;
}

/* 64-byte aligned room for n descriptors, below the ones before. */
static uint8_t *desc_alloc(struct npu_cmdbuf *cb, size_t n)
{
	size_t bytes = n * sizeof(struct npu_cmd_copy_descriptor_37xx);

	if (cb->err)
		return NULL;
	if (bytes > cb->desc_low || cb->desc_low - bytes < cb->cmd_end) {
		refuse(cb, -ENOSPC, "command buffer full: no room for %zu copy descriptors after "
		       "%u commands and %u descriptors in %zu bytes", n, cb->n_cmds, cb->n_descs,
		       cb->size);
		return NULL;
	}
	cb->desc_low -= bytes;
	cb->n_descs += (unsigned)n;
	return cb->cpu + cb->desc_low;
}

static int aligned(struct npu_cmdbuf *cb, const char *what, uint64_t va, uint32_t align)
{
	if (va % align)
		return refuse(cb, -EINVAL, "%s: address 0x%llx is not %u-byte aligned, which the "
			      "37xx firmware requires (hw-facts §11.6)", what,
			      (unsigned long long)va, align);
	return 0;
}

int npu_cmdbuf_nop(struct npu_cmdbuf *cb, uint32_t size)
{
	if (size < sizeof(struct npu_cmd_nop) || size % NPU_CMD_ALIGN || size > UINT16_MAX)
		return refuse(cb, -EINVAL, "NOP: size %u; a command is at least 8 bytes, a "
			      "multiple of 8 and below 64 KiB (hw-facts §11.4)", size);
	return cmd_alloc(cb, NPU_CMD_NOP, size) ? 0 : cb->err;
}

int npu_cmdbuf_barrier(struct npu_cmdbuf *cb)
{
	return cmd_alloc(cb, NPU_CMD_BARRIER, sizeof(struct npu_cmd_barrier)) ? 0 : cb->err;
}

int npu_cmdbuf_timestamp(struct npu_cmdbuf *cb, uint32_t type, uint64_t va)
{
	struct npu_cmd_timestamp *c;

	if (type > NPU_TIME_DELTA)
		return refuse(cb, -EINVAL, "TIMESTAMP: type %u is none of RAW (0), SYSTIME (1), "
			      "DELTA (2) (hw-facts §11.6)", type);
	if (aligned(cb, "TIMESTAMP", va, NPU_TIMESTAMP_ALIGN_37XX))
		return cb->err;
	c = cmd_alloc(cb, NPU_CMD_TIMESTAMP, sizeof(*c));
	if (!c)
		return cb->err;
	c->type = type;
	c->timestamp_address = va;
	return 0;
}

static int fence(struct npu_cmdbuf *cb, uint16_t type, uint64_t va, uint64_t value)
{
	struct npu_cmd_fence *c;

	if (aligned(cb, type == NPU_CMD_FENCE_WAIT ? "FENCE_WAIT" : "FENCE_SIGNAL", va,
		    NPU_FENCE_ALIGN_37XX))
		return cb->err;
	c = cmd_alloc(cb, type, sizeof(*c));
	if (!c)
		return cb->err;
	c->offset = va;          /* fence heap base 0: an absolute VA (§11.8) */
	c->value = value;
	return 0;
}

int npu_cmdbuf_fence_wait(struct npu_cmdbuf *cb, uint64_t va, uint64_t value)
{
	return fence(cb, NPU_CMD_FENCE_WAIT, va, value);
}

int npu_cmdbuf_fence_signal(struct npu_cmdbuf *cb, uint64_t va, uint64_t value)
{
	return fence(cb, NPU_CMD_FENCE_SIGNAL, va, value);
}

int npu_cmdbuf_copy(struct npu_cmdbuf *cb, uint64_t dst, uint64_t src, uint64_t size)
{
	uint64_t descs;

	if (cb->err)
		return cb->err;
	if (!size)
		return refuse(cb, -EINVAL, "COPY: size 0");
	if (src + size < src || dst + size < dst)
		return refuse(cb, -EINVAL, "COPY: 0x%llx bytes from 0x%llx to 0x%llx wrap around "
			      "the address space", (unsigned long long)size,
			      (unsigned long long)src, (unsigned long long)dst);
	descs = (size + NPU_CMDBUF_COPY_CHUNK - 1) / NPU_CMDBUF_COPY_CHUNK;
	while (descs) {
		uint32_t n = descs > NPU_CMD_COPY_DESC_COUNT_MAX ? NPU_CMD_COPY_DESC_COUNT_MAX
							       : (uint32_t)descs;
		struct npu_cmd_copy_buffer *c = cmd_alloc(cb, NPU_CMD_COPY, sizeof(*c));
		struct npu_cmd_copy_descriptor_37xx *d;

		if (!c)
			return cb->err;
		d = (struct npu_cmd_copy_descriptor_37xx *)desc_alloc(cb, n);
		if (!d)
			return cb->err;
		memset(d, 0, n * sizeof(*d));
		c->desc_start_offset = cb->va + (uint64_t)((uint8_t *)d - cb->cpu);
		c->desc_count = n;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t chunk = size > NPU_CMDBUF_COPY_CHUNK ? NPU_CMDBUF_COPY_CHUNK
								     : (uint32_t)size;

			d[i].src_address = src;
			d[i].dst_address = dst;
			d[i].size = chunk;
			src += chunk;
			dst += chunk;
			size -= chunk;
		}
		descs -= n;
	}
	return 0;
}

int npu_cmdbuf_fill(struct npu_cmdbuf *cb, uint64_t va, uint64_t size, uint32_t pattern)
{
	struct npu_cmd_memory_fill *c;

	if (!size)
		return refuse(cb, -EINVAL, "MEMORY_FILL: size 0");
	if (aligned(cb, "MEMORY_FILL", va, NPU_MEMORY_FILL_ALIGN_37XX))
		return cb->err;
	c = cmd_alloc(cb, NPU_CMD_MEMORY_FILL, sizeof(*c));
	if (!c)
		return cb->err;
	c->start_address = va;
	c->size = size;
	c->fill_pattern = pattern;
	return 0;
}

int npu_cmdbuf_inference(struct npu_cmdbuf *cb, uint64_t inference_id, uint64_t hpi_va,
			 uint32_t hpi_size)
{
	struct npu_cmd_inference_execute *c;

	if (hpi_size < NPU_CMDBUF_HPI_SIZE)
		return refuse(cb, -EINVAL, "INFERENCE_EXECUTE: %u bytes of host-parsed inference; "
			      "it is %u (hw-facts §16.3)", hpi_size, NPU_CMDBUF_HPI_SIZE);
	if (aligned(cb, "INFERENCE_EXECUTE", hpi_va, NPU_CMDBUF_HPI_ALIGN))
		return cb->err;
	c = cmd_alloc(cb, NPU_CMD_INFERENCE_EXECUTE, sizeof(*c));
	if (!c)
		return cb->err;
	c->inference_id = inference_id;
	c->host_mapped_inference.address = hpi_va;
	c->host_mapped_inference.width = hpi_size;
	return 0;
}

int npu_cmdbuf_raw(struct npu_cmdbuf *cb, uint16_t type, const void *body, size_t body_size)
{
	size_t size = (sizeof(struct npu_cmd_header) + body_size + NPU_CMD_ALIGN - 1) &
		      ~(size_t)(NPU_CMD_ALIGN - 1);
	uint8_t *c;

	if (size < sizeof(struct npu_cmd_nop) || size > UINT16_MAX)
		return refuse(cb, -EINVAL, "raw command 0x%04x: %zu bytes; 8 bytes to 64 KiB "
			      "(hw-facts §11.4)", type, size);
	c = cmd_alloc(cb, type, size);
	if (!c)
		return cb->err;
	if (body && body_size)     /* no body: zeros */
		memcpy(c + sizeof(struct npu_cmd_header), body, body_size);
	return 0;
}

int npu_cmdbuf_finish(struct npu_cmdbuf *cb)
{
	struct npu_cmd_buffer_header *h;

	if (cb->err)
		return cb->err;
	if (!cb->n_cmds)
		return refuse(cb, -EINVAL, "command buffer without commands");
	h = (struct npu_cmd_buffer_header *)cb->cpu;
	h->cmd_offset = HDR_SIZE;
	h->cmd_buffer_size = (uint32_t)cb->cmd_end;
	h->api_version = NPU_JOB_CMD_API_MAJOR << 16 | NPU_JOB_CMD_API_MINOR;
	h->descriptor_heap_base_address = 0;
	h->fence_heap_base_address = 0;
	h->context_save_area_address = cb->va + save_area_off(cb);
	return 0;
}

const char *npu_cmdbuf_error(const struct npu_cmdbuf *cb)
{
	return cb->error;
}
