/* SPDX-License-Identifier: MIT */
/*
 * Buffers (ivpu_gem.c's ivpu_bo_create): DMA memory from the backend, an NPU
 * VA range from the context's allocator, the pages mapped in its tables
 * (TLB invalidated), and freed in reverse order.
 */
#include <stdlib.h>
#include <string.h>

#include "drv.h"

int npu_bo_create(struct npu_device *dev, struct npu_ctx *ctx, const struct npu_range *range,
		  size_t size, uint32_t flags, const char *name, struct npu_buffer **out)
{
	struct npu_buffer *bo;
	uint64_t prot = 0;
	int ret;

	*out = NULL;
	if (!ctx || !ctx->active)
		return npu_fail(dev, -EINVAL, "buffer %s: no such MMU context", name);
	size = (size_t)NPU_ALIGN_UP(size, NPU_MMU_PAGE_SIZE);
	if (!size)
		return npu_fail(dev, -EINVAL, "buffer %s: size 0", name);
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return npu_fail(dev, -ENOMEM, "buffer %s: out of host memory", name);
	ret = dev->os_ops->dma_alloc(dev->os, size, &bo->dma);
	if (ret) {
		free(bo);
		return npu_fail(dev, ret, "buffer %s: cannot allocate %zu bytes of DMA memory: %s",
				name, size, dev->os_ops->last_error(dev->os));
	}
	/* No clearing here: every backend hands out zeroed memory, device view
	 * included (sim: calloc, qtest: qt_memset of guest RAM, linux: anonymous
	 * mmap), and touching a 64 MiB runtime region page by page would cost
	 * more than the whole boot. What ivpu clears explicitly, we clear too
	 * (ivpu_fw_load, ivpu_ipc_reset). */
	ret = npu_va_alloc(&ctx->va, range, size, &bo->va);
	if (ret) {
		dev->os_ops->dma_free(dev->os, &bo->dma);
		free(bo);
		return npu_fail(dev, ret, "buffer %s: no room for %zu bytes in NPU VA range "
				"0x%llx..0x%llx of context %u", name, size,
				(unsigned long long)(range ? range->start : ctx->va.start),
				(unsigned long long)(range ? range->end : ctx->va.end), ctx->ssid);
	}
	if (flags & NPU_BUF_CACHED)
		prot |= NPU_MMU_ENTRY_LLC_COHERENT;
	if (flags & NPU_BUF_READ_ONLY)
		prot |= NPU_MMU_ENTRY_RO;
	ret = npu_ctx_map(dev, ctx, bo->va, bo->dma.dma, size, prot);
	if (ret) {
		npu_ctx_unmap(dev, ctx, bo->va, size);
		npu_va_free(&ctx->va, bo->va);
		dev->os_ops->dma_free(dev->os, &bo->dma);
		free(bo);
		return ret;
	}
	bo->size = size;
	bo->ctx = ctx;
	bo->flags = flags;
	bo->name = name;
	bo->next = dev->buffers;
	dev->buffers = bo;
	ctx->buffers++;
	npu_dbg(dev, "buffer %s: ctx %u VA 0x%llx DMA 0x%llx size 0x%zx", name, ctx->ssid,
		(unsigned long long)bo->va, (unsigned long long)bo->dma.dma, size);
	*out = bo;
	return 0;
}

int npu_bo_create_global(struct npu_device *dev, size_t size, uint32_t flags, const char *name,
			 struct npu_buffer **out)
{
	return npu_bo_create(dev, &dev->gctx, &dev->ranges.global, size, flags, name, out);
}

void npu_bo_free(struct npu_device *dev, struct npu_buffer *bo)
{
	if (!bo)
		return;
	for (struct npu_buffer **p = &dev->buffers; *p; p = &(*p)->next) {
		if (*p == bo) {
			*p = bo->next;
			break;
		}
	}
	if (bo->ctx && bo->ctx->active) {
		npu_ctx_unmap(dev, bo->ctx, bo->va, bo->size);
		npu_va_free(&bo->ctx->va, bo->va);
		bo->ctx->buffers--;
	}
	dev->os_ops->dma_free(dev->os, &bo->dma);
	free(bo);
}

void *npu_bo_cpu_at(const struct npu_buffer *bo, uint64_t va, uint64_t size)
{
	if (!bo || va < bo->va || size > bo->size || va - bo->va > bo->size - size)
		return NULL;
	return (uint8_t *)bo->dma.cpu + (va - bo->va);
}

void npu_bo_sync_dev(struct npu_device *dev, struct npu_buffer *bo, size_t off, size_t len)
{
	dev->os_ops->sync_for_device(dev->os, &bo->dma, off, len);
}

void npu_bo_sync_cpu(struct npu_device *dev, struct npu_buffer *bo, size_t off, size_t len)
{
	dev->os_ops->sync_for_cpu(dev->os, &bo->dma, off, len);
}

struct npu_buffer *npu_bo_find_va(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va)
{
	for (struct npu_buffer *bo = dev->buffers; bo; bo = bo->next)
		if (bo->ctx == ctx && va >= bo->va && va - bo->va < bo->size)
			return bo;
	return NULL;
}

/* ---- Public buffer API -------------------------------------------------------- */

int npu_buffer_alloc(struct npu_device *dev, uint32_t ssid, size_t size, uint32_t flags,
		     struct npu_buffer **buf)
{
	struct npu_ctx *ctx = npu_ctx_by_ssid(dev, ssid);
	const struct npu_range *range = NULL;

	*buf = NULL;
	if (!ctx)
		return npu_fail(dev, -EINVAL, "buffer: SSID %u is not an active context", ssid);
	if (flags & ~(NPU_BUF_READ_ONLY | NPU_BUF_CACHED | NPU_BUF_SHAVE | NPU_BUF_DMA))
		return npu_fail(dev, -EINVAL, "buffer: unknown flags 0x%x", flags);
	/* Global buffers live in the shared range. User buffers: SHAVE wins
	 * over DMA, neither means the user range (hw-facts §15.1). */
	if (ssid == NPU_SSID_GLOBAL) {
		if (flags & (NPU_BUF_SHAVE | NPU_BUF_DMA))
			return npu_fail(dev, -EINVAL, "buffer: SHAVE/DMA ranges exist in user "
					"contexts only, not in the global context");
		range = &dev->ranges.global;
	} else if (flags & NPU_BUF_SHAVE) {
		range = &dev->ranges.shave;
	} else if (flags & NPU_BUF_DMA) {
		range = &dev->ranges.dma;
	} else {
		range = &dev->ranges.user;
	}
	return npu_bo_create(dev, ctx, range, size, flags,
			     flags & NPU_BUF_SHAVE ? "shave" : flags & NPU_BUF_DMA ? "dma" : "user",
			     buf);
}

void npu_buffer_free(struct npu_device *dev, struct npu_buffer *buf)
{
	npu_bo_free(dev, buf);
}

void *npu_buffer_cpu(const struct npu_buffer *buf)
{
	return buf ? buf->dma.cpu : NULL;
}

uint64_t npu_buffer_va(const struct npu_buffer *buf)
{
	return buf ? buf->va : 0;
}

size_t npu_buffer_size(const struct npu_buffer *buf)
{
	return buf ? buf->size : 0;
}

void npu_buffer_flush(struct npu_device *dev, struct npu_buffer *buf, size_t off, size_t len)
{
	npu_bo_sync_dev(dev, buf, off, len);
}

void npu_buffer_invalidate(struct npu_device *dev, struct npu_buffer *buf, size_t off, size_t len)
{
	npu_bo_sync_cpu(dev, buf, off, len);
}

static int global_access(struct npu_device *dev, uint64_t va, void *data, size_t len, bool write)
{
	uint8_t *p = data;

	while (len) {
		struct npu_buffer *bo = npu_bo_find_va(dev, &dev->gctx, va);
		size_t off, n;

		if (!bo)
			return npu_fail(dev, -EINVAL, "global VA 0x%llx is not inside any buffer",
					(unsigned long long)va);
		off = (size_t)(va - bo->va);
		n = bo->size - off < len ? bo->size - off : len;
		if (write) {
			memcpy((uint8_t *)bo->dma.cpu + off, p, n);
			npu_bo_sync_dev(dev, bo, off, n);
		} else {
			npu_bo_sync_cpu(dev, bo, off, n);
			memcpy(p, (uint8_t *)bo->dma.cpu + off, n);
		}
		p += n;
		va += n;
		len -= n;
	}
	return 0;
}

int npu_global_write(struct npu_device *dev, uint64_t va, const void *src, size_t len)
{
	return global_access(dev, va, (void *)src, len, true);
}

int npu_global_read(struct npu_device *dev, uint64_t va, void *dst, size_t len)
{
	return global_access(dev, va, dst, len, false);
}
