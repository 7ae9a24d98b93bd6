/* SPDX-License-Identifier: MIT */
/*
 * NPU MMU contexts as Linux 6.12's ivpu_mmu_context.c builds them
 * (hw-facts §6): AArch64 stage-1, 4 levels, 4 KiB granule, each table one
 * 4 KiB page of DMA memory; table entries = next table | VALID | TABLE,
 * leaf PTEs = DMA address | 0xC43 (+RO, +LLC_COHERENT, +CONT for 64 KiB
 * runs); unmapped PTEs = 0xDEADB000 without VALID. Also the per-context
 * VA allocator (drm_mm in ivpu).
 */
#include <stdlib.h>
#include <string.h>

#include "drv.h"

#define PT_ENTRIES        NPU_MMU_PGTABLE_ENTRIES
#define TABLE_DESC_FLAGS  (NPU_MMU_ENTRY_TABLE | NPU_MMU_ENTRY_VALID) /* ivpu's ENTRY_VALID */
#define CONT_PAGES_SIZE   (16u * NPU_MMU_PAGE_SIZE)                   /* 64 KiB */
#define VA_MASK           NPU_GENMASK64(47, 12)

/* ---- VA allocator ------------------------------------------------------------ */

int npu_va_init(struct npu_va_space *vs, uint64_t start, uint64_t end)
{
	memset(vs, 0, sizeof(*vs));
	vs->start = start;
	vs->end = end;
	return 0;
}

void npu_va_fini(struct npu_va_space *vs)
{
	free(vs->nodes);
	memset(vs, 0, sizeof(*vs));
}

static int va_insert_at(struct npu_va_space *vs, size_t pos, uint64_t start, uint64_t size)
{
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 16;
		struct npu_va_node *n = realloc(vs->nodes, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		vs->nodes = n;
		vs->cap = cap;
	}
	memmove(&vs->nodes[pos + 1], &vs->nodes[pos], (vs->n - pos) * sizeof(*vs->nodes));
	vs->nodes[pos].start = start;
	vs->nodes[pos].size = size;
	vs->n++;
	return 0;
}

/* First fit of size bytes aligned to align inside [lo, hi). */
static int va_find(struct npu_va_space *vs, uint64_t lo, uint64_t hi, uint64_t size,
		   uint64_t align, uint64_t *va, size_t *pos)
{
	uint64_t cur = NPU_ALIGN_UP(lo, align);
	size_t i = 0;

	/* skip nodes entirely below the range */
	while (i < vs->n && vs->nodes[i].start + vs->nodes[i].size <= cur)
		i++;
	for (;; i++) {
		uint64_t gap_end = i < vs->n ? vs->nodes[i].start : hi;

		if (gap_end > hi)
			gap_end = hi;
		if (cur + size <= gap_end && cur + size > cur) {
			*va = cur;
			*pos = i;
			return 0;
		}
		if (i >= vs->n || vs->nodes[i].start >= hi)
			return -ENOSPC;
		cur = NPU_ALIGN_UP(vs->nodes[i].start + vs->nodes[i].size, align);
		if (cur < lo)
			cur = NPU_ALIGN_UP(lo, align);
	}
}

int npu_va_alloc(struct npu_va_space *vs, const struct npu_range *range, uint64_t size,
		 uint64_t *va)
{
	uint64_t lo = range ? range->start : vs->start;
	uint64_t hi = range ? range->end : vs->end;
	size_t pos;

	if (!size || !NPU_IS_ALIGNED(size, NPU_MMU_PAGE_SIZE))
		return -EINVAL;
	if (lo < vs->start)
		lo = vs->start;
	if (hi > vs->end)
		hi = vs->end;
	/* ivpu_mmu_context_insert_node: try 64 KiB alignment for big buffers so
	 * they can use contiguous-hint PTEs, then fall back to 4 KiB. */
	if (size >= CONT_PAGES_SIZE && !va_find(vs, lo, hi, size, CONT_PAGES_SIZE, va, &pos))
		return va_insert_at(vs, pos, *va, size);
	if (!va_find(vs, lo, hi, size, NPU_MMU_PAGE_SIZE, va, &pos))
		return va_insert_at(vs, pos, *va, size);
	return -ENOSPC;
}

int npu_va_free(struct npu_va_space *vs, uint64_t va)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (vs->nodes[i].start == va) {
			memmove(&vs->nodes[i], &vs->nodes[i + 1], (vs->n - i - 1) * sizeof(*vs->nodes));
			vs->n--;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- Page tables --------------------------------------------------------------- */

static struct npu_pt *pt_alloc(struct npu_device *dev, bool leaf)
{
	struct npu_pt *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	if (!leaf) {
		pt->next = calloc(PT_ENTRIES, sizeof(*pt->next));
		if (!pt->next) {
			free(pt);
			return NULL;
		}
	}
	if (dev->os_ops->dma_alloc(dev->os, NPU_MMU_PAGE_SIZE, &pt->mem)) {
		free(pt->next);
		free(pt);
		return NULL;
	}
	memset(pt->mem.cpu, 0, NPU_MMU_PAGE_SIZE);
	dev->os_ops->sync_for_device(dev->os, &pt->mem, 0, NPU_MMU_PAGE_SIZE);
	return pt;
}

static void pt_free(struct npu_device *dev, struct npu_pt *pt)
{
	if (!pt)
		return;
	if (pt->next) {
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			pt_free(dev, pt->next[i]);
		free(pt->next);
	}
	dev->os_ops->dma_free(dev->os, &pt->mem);
	free(pt);
}

static unsigned pt_count(const struct npu_pt *pt)
{
	unsigned n = 1;

	if (pt->next)
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if (pt->next[i])
				n += pt_count(pt->next[i]);
	return n;
}

unsigned npu_ctx_table_count(const struct npu_ctx *ctx)
{
	return ctx->pgd ? pt_count(ctx->pgd) : 0;
}

static void pt_write(struct npu_device *dev, struct npu_pt *pt, unsigned idx, uint64_t v)
{
	npu_le64_put((uint64_t *)pt->mem.cpu + idx, v);
}

static void pt_sync(struct npu_device *dev, struct npu_pt *pt, unsigned first, unsigned last)
{
	dev->os_ops->sync_for_device(dev->os, &pt->mem, first * 8, (size_t)(last - first + 1) * 8);
}

/* ivpu_mmu_ensure_pud/pmd/pte: next-level table for idx, allocated on demand */
static struct npu_pt *pt_ensure(struct npu_device *dev, struct npu_pt *pt, unsigned idx,
				bool leaf)
{
	struct npu_pt *n = pt->next[idx];

	if (n)
		return n;
	n = pt_alloc(dev, leaf);
	if (!n)
		return NULL;
	pt->next[idx] = n;
	pt_write(dev, pt, idx, n->mem.dma | TABLE_DESC_FLAGS);
	pt_sync(dev, pt, idx, idx);
	return n;
}

static unsigned idx_of(uint64_t va, uint64_t mask)
{
	return (unsigned)NPU_FLD_GET(mask, va);
}

/* The level-3 table holding va's PTE, created if asked. */
static struct npu_pt *pte_table(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va,
				bool create)
{
	struct npu_pt *pud, *pmd;

	if (!ctx->pgd)
		return NULL;
	pud = create ? pt_ensure(dev, ctx->pgd, idx_of(va, NPU_MMU_PGD_INDEX), false)
		     : ctx->pgd->next[idx_of(va, NPU_MMU_PGD_INDEX)];
	if (!pud)
		return NULL;
	pmd = create ? pt_ensure(dev, pud, idx_of(va, NPU_MMU_PUD_INDEX), false)
		     : pud->next[idx_of(va, NPU_MMU_PUD_INDEX)];
	if (!pmd)
		return NULL;
	return create ? pt_ensure(dev, pmd, idx_of(va, NPU_MMU_PMD_INDEX), true)
		      : pmd->next[idx_of(va, NPU_MMU_PMD_INDEX)];
}

/* Apply fn to every PTE of [va, va + size), syncing each table's touched
 * run once. */
typedef int (*pte_fn)(uint64_t *pte, uint64_t va, void *arg);

static int for_each_pte(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t size,
			bool create, pte_fn fn, void *arg)
{
	uint64_t end = va + size;

	while (va < end) {
		struct npu_pt *pte = pte_table(dev, ctx, va, create);
		unsigned first = idx_of(va, NPU_MMU_PTE_INDEX), i = first;
		int ret = 0;

		if (!pte)
			return create ? -ENOMEM : -ENOENT;
		for (; i < PT_ENTRIES && va < end; i++, va += NPU_MMU_PAGE_SIZE) {
			uint64_t *e = (uint64_t *)pte->mem.cpu + i;
			uint64_t v = npu_le64_get(e);

			ret = fn(&v, va, arg);
			npu_le64_put(e, v);
			if (ret)
				break;
		}
		pt_sync(dev, pte, first, i > first ? i - 1 : first);
		if (ret)
			return ret;
	}
	return 0;
}

struct map_arg {
	uint64_t va0, dma0, prot, size;
};

static int map_one(uint64_t *pte, uint64_t va, void *arg)
{
	const struct map_arg *m = arg;
	uint64_t dma = m->dma0 + (va - m->va0), prot = m->prot;
	uint64_t run = va & ~(uint64_t)(CONT_PAGES_SIZE - 1);   /* its 64 KiB block */

	/* ivpu_mmu_context_map_pages walks page by page and maps a 64 KiB
	 * block with the contiguous hint whenever VA and DMA address are both
	 * 64 KiB aligned and the whole block remains to be mapped. */
	if (run >= m->va0 && NPU_IS_ALIGNED(m->dma0 + (run - m->va0), CONT_PAGES_SIZE) &&
	    run + CONT_PAGES_SIZE <= m->va0 + m->size)
		prot |= NPU_MMU_ENTRY_CONT;
	*pte = (dma & NPU_MMU_ENTRY_ADDR) | prot;
	return 0;
}

int npu_ctx_map(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t dma,
		uint64_t size, uint64_t prot)
{
	struct map_arg m = { va, dma, prot | NPU_MMU_ENTRY_PAGE_IVPU, size };
	int ret;

	if (!NPU_IS_ALIGNED(va | dma | size, NPU_MMU_PAGE_SIZE) || !size ||
	    (va & ~VA_MASK) || ((va + size - 1) & ~(VA_MASK | (NPU_MMU_PAGE_SIZE - 1))))
		return npu_fail(dev, -EINVAL, "MMU: cannot map 0x%llx bytes at NPU VA 0x%llx "
				"(DMA 0x%llx): not 4 KiB aligned or beyond 48 bits",
				(unsigned long long)size, (unsigned long long)va,
				(unsigned long long)dma);
	ret = for_each_pte(dev, ctx, va, size, true, map_one, &m);
	if (ret)
		return npu_fail(dev, ret, "MMU: out of memory for page tables of context %u",
				ctx->ssid);
	ret = npu_smmu_invalidate_tlb(dev, ctx->ssid);
	if (!ret) {
		ctx->mapped_bytes += size;
		npu_dbg(dev, "MMU ctx %u: mapped 0x%llx..0x%llx -> DMA 0x%llx", ctx->ssid,
			(unsigned long long)va, (unsigned long long)(va + size),
			(unsigned long long)dma);
	}
	return ret;
}

static int unmap_one(uint64_t *pte, uint64_t va, void *arg)
{
	*pte = NPU_MMU_DUMMY_ADDRESS;
	return 0;
}

void npu_ctx_unmap(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t size)
{
	if (for_each_pte(dev, ctx, va, size, false, unmap_one, NULL))
		npu_warn(dev, "MMU ctx %u: unmap of 0x%llx+0x%llx found no page table", ctx->ssid,
			 (unsigned long long)va, (unsigned long long)size);
	if (npu_smmu_invalidate_tlb(dev, ctx->ssid))
		npu_warn(dev, "MMU ctx %u: TLB invalidation after unmap failed: %s", ctx->ssid,
			 dev->last_error);
	ctx->mapped_bytes -= size <= ctx->mapped_bytes ? size : ctx->mapped_bytes;
}

static int clear_cont(uint64_t *pte, uint64_t va, void *arg)
{
	*pte &= ~NPU_MMU_ENTRY_CONT;
	return 0;
}

static int set_ro(uint64_t *pte, uint64_t va, void *arg)
{
	*pte |= NPU_MMU_ENTRY_RO;
	return 0;
}

/* ivpu_mmu_context_set_pages_ro: split 64 KiB runs cut by the range's ends,
 * then set RO on every page of it. */
int npu_ctx_set_ro(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t size)
{
	uint64_t end = va + size;
	int ret;

	if (!size)
		return 0;
	if (!NPU_IS_ALIGNED(va | size, NPU_MMU_PAGE_SIZE))
		return npu_fail(dev, -EINVAL, "MMU: read-only range 0x%llx+0x%llx not 4 KiB aligned",
				(unsigned long long)va, (unsigned long long)size);
	if (!NPU_IS_ALIGNED(va, CONT_PAGES_SIZE))
		for_each_pte(dev, ctx, va & ~(uint64_t)(CONT_PAGES_SIZE - 1), CONT_PAGES_SIZE, false,
			     clear_cont, NULL);
	if (!NPU_IS_ALIGNED(end, CONT_PAGES_SIZE))
		for_each_pte(dev, ctx, end & ~(uint64_t)(CONT_PAGES_SIZE - 1), CONT_PAGES_SIZE, false,
			     clear_cont, NULL);
	ret = for_each_pte(dev, ctx, va, size, false, set_ro, NULL);
	if (ret)
		return npu_fail(dev, ret, "MMU: read-only range 0x%llx+0x%llx is not mapped",
				(unsigned long long)va, (unsigned long long)size);
	return npu_smmu_invalidate_tlb(dev, ctx->ssid);
}

int npu_ctx_lookup(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t *pte)
{
	struct npu_pt *t = pte_table(dev, ctx, va, false);

	if (!t)
		return -ENOENT;
	*pte = npu_le64_get((uint64_t *)t->mem.cpu + idx_of(va, NPU_MMU_PTE_INDEX));
	return 0;
}

/* ---- Contexts (ivpu_mmu_context_init / _fini, user context init) ---------------- */

int npu_ctx_init(struct npu_device *dev, struct npu_ctx *ctx, uint32_t ssid)
{
	uint64_t start, end;

	memset(ctx, 0, sizeof(*ctx));
	ctx->pgd = pt_alloc(dev, false);
	if (!ctx->pgd)
		return npu_fail(dev, -ENOMEM, "MMU: cannot allocate the page table root of "
				"context %u: %s", ssid, dev->os_ops->last_error(dev->os));
	/* The global context spans global..shave, user contexts user..dma */
	if (ssid == NPU_SSID_GLOBAL) {
		start = dev->ranges.global.start;
		end = dev->ranges.shave.end;
	} else {
		start = dev->ranges.user.start;
		end = dev->ranges.dma.end;
	}
	npu_va_init(&ctx->va, start, end);
	ctx->ssid = ssid;
	ctx->active = true;
	return 0;
}

void npu_ctx_fini(struct npu_device *dev, struct npu_ctx *ctx)
{
	if (!ctx->active)
		return;
	pt_free(dev, ctx->pgd);
	npu_va_fini(&ctx->va);
	memset(ctx, 0, sizeof(*ctx));
}

struct npu_ctx *npu_ctx_by_ssid(struct npu_device *dev, uint32_t ssid)
{
	if (ssid == NPU_SSID_GLOBAL)
		return dev->gctx.active ? &dev->gctx : NULL;
	if (ssid == NPU_SSID_RESERVED)
		return dev->rctx.active ? &dev->rctx : NULL;
	if (ssid >= NPU_SSID_USER_MIN && ssid <= NPU_SSID_USER_MAX)
		return dev->uctx[ssid - NPU_SSID_USER_MIN];
	return NULL;
}
