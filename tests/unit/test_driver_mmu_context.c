/* SPDX-License-Identifier: MIT */
/*
 * Driver core, MMU contexts (mmu_context.c, bo.c): the VA allocator (ivpu's
 * drm_mm use), 4-level page tables built and torn down in DMA memory with
 * the PTE values of ivpu_mmu_context.c (hw-facts §6): DMA | 0xC43, RO bit 7,
 * LLC bit 2, CONT for aligned 64 KiB runs, 0xDEADB000 when unmapped.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

static struct fake_npu *f;
static struct npu_device *dev;

static void booted(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	CU_ASSERT_EQUAL(fake_live_allocs(f), 0);
	fake_npu_free(f);
	f = NULL;
}

static uint64_t entry(const struct npu_pt *pt, unsigned idx)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)pt->mem.cpu + idx * 8, 8);
	return v;
}

static void test_va_allocator(void)
{
	struct npu_va_space vs;
	struct npu_range r = { 0x10010000, 0x10020000 };
	uint64_t a, b, c, d;

	npu_va_init(&vs, 0x10000000, 0x20000000);
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, NULL, 0x1000, &a), 0);
	CU_ASSERT_EQUAL(a, 0x10000000);
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, NULL, 0x10000, &b), 0);
	CU_ASSERT_EQUAL(b, 0x10010000);                 /* 64 KiB aligned for >= 64 KiB */
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, NULL, 0x2000, &c), 0);
	CU_ASSERT_EQUAL(c, 0x10001000);                 /* first fit in the gap */
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, &r, 0x10000, &d), -ENOSPC);   /* range taken by b */
	CU_ASSERT_EQUAL(npu_va_free(&vs, b), 0);
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, &r, 0x10000, &d), 0);
	CU_ASSERT_EQUAL(d, 0x10010000);
	CU_ASSERT_EQUAL(npu_va_free(&vs, 0x12345000), -ENOENT);
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, NULL, 0x1800, &d), -EINVAL);  /* not a page multiple */
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, NULL, 0, &d), -EINVAL);
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, NULL, 0x20000000, &d), -ENOSPC);
	/* an unaligned range start is honoured for small nodes */
	r.start = 0x1F000000;
	r.end = 0x1F003000;
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, &r, 0x3000, &d), 0);
	CU_ASSERT_EQUAL(d, 0x1F000000);
	CU_ASSERT_EQUAL(npu_va_alloc(&vs, &r, 0x1000, &d), -ENOSPC);
	npu_va_fini(&vs);
}

static void test_tables_built_and_torn_down(void)
{
	struct npu_ctx *ctx;
	struct npu_pt *pud, *pmd;
	uint32_t ssid;
	unsigned allocs, tables;
	uint64_t pte, dma = 0;
	struct npu_buffer *bo;

	booted();
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	ctx = npu_ctx_by_ssid(dev, ssid);
	CU_ASSERT_EQUAL(npu_ctx_table_count(ctx), 1);        /* just the root */
	allocs = fake_live_allocs(f);
	/* three pages across a 2 MiB boundary: PGD, PUD, PMD and two PTE tables */
	CU_ASSERT_EQUAL_FATAL(npu_bo_create(dev, ctx, &(struct npu_range){ 0xC01FF000, 0xC0202000 },
					    0x3000, 0, "t", &bo), 0);
	CU_ASSERT_EQUAL(bo->va, 0xC01FF000);
	tables = npu_ctx_table_count(ctx);
	CU_ASSERT_EQUAL(tables, 5);
	CU_ASSERT_EQUAL(fake_live_allocs(f), allocs + 1 + 4);
	/* table descriptors: next table | VALID | TABLE */
	pud = ctx->pgd->next[0];
	CU_ASSERT_PTR_NOT_NULL_FATAL(pud);
	CU_ASSERT_EQUAL(entry(ctx->pgd, 0), pud->mem.dma | 0x3);
	pmd = pud->next[3];                                   /* VA bits 38:30 = 3 */
	CU_ASSERT_PTR_NOT_NULL_FATAL(pmd);
	CU_ASSERT_EQUAL(entry(pud, 3), pmd->mem.dma | 0x3);
	CU_ASSERT_EQUAL(entry(pmd, 0), pmd->next[0]->mem.dma | 0x3);
	CU_ASSERT_EQUAL(entry(pmd, 1), pmd->next[1]->mem.dma | 0x3);
	/* leaves: DMA | 0xC43, last page of the first table and two of the next */
	CU_ASSERT_EQUAL(entry(pmd->next[0], 511), bo->dma.dma | 0xC43);
	CU_ASSERT_EQUAL(entry(pmd->next[1], 0), (bo->dma.dma + 0x1000) | 0xC43);
	CU_ASSERT_EQUAL(entry(pmd->next[1], 1), (bo->dma.dma + 0x2000) | 0xC43);
	CU_ASSERT_EQUAL(entry(pmd->next[1], 2), 0);
	/* what the hardware walk finds agrees */
	CU_ASSERT_EQUAL(fake_pte(f, ssid, 0xC0200000, &pte), 0);
	CU_ASSERT_EQUAL(pte, (bo->dma.dma + 0x1000) | 0xC43);
	CU_ASSERT_EQUAL(npu_ctx_lookup(dev, ctx, 0xC0201000, &dma), 0);
	CU_ASSERT_EQUAL(dma, (bo->dma.dma + 0x2000) | 0xC43);
	CU_ASSERT_EQUAL(npu_ctx_lookup(dev, ctx, 0xD0000000, &dma), -ENOENT);
	/* unmap: the dummy address without VALID */
	npu_bo_free(dev, bo);
	CU_ASSERT_EQUAL(entry(pmd->next[0], 511), 0xDEADB000);
	CU_ASSERT_EQUAL(entry(pmd->next[1], 0), 0xDEADB000);
	CU_ASSERT_EQUAL(entry(pmd->next[1], 1), 0xDEADB000);
	CU_ASSERT_EQUAL(ctx->mapped_bytes, 0);
	/* tables stay until the context goes (as ivpu), then all are freed */
	CU_ASSERT_EQUAL(fake_live_allocs(f), allocs + 4);
	CU_ASSERT_EQUAL(npu_context_destroy(dev, ssid), 0);
	CU_ASSERT_EQUAL(fake_live_allocs(f), allocs - 1);
	done();
}

static void test_contiguous_hint(void)
{
	struct npu_ctx *ctx;
	struct npu_buffer *bo;
	uint32_t ssid;
	uint64_t pte;

	booted();
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	ctx = npu_ctx_by_ssid(dev, ssid);
	/* 96 KiB buffer: VA and DMA 64 KiB aligned -> first 16 pages CONT, last 8 not */
	CU_ASSERT_EQUAL_FATAL(npu_buffer_alloc(dev, ssid, 0x18000, 0, &bo), 0);
	CU_ASSERT_EQUAL(bo->va & 0xFFFF, 0);
	CU_ASSERT_EQUAL(bo->dma.dma & 0xFFFF, 0);
	for (unsigned i = 0; i < 24; i++) {
		CU_ASSERT_EQUAL(npu_ctx_lookup(dev, ctx, bo->va + i * 0x1000, &pte), 0);
		CU_ASSERT_EQUAL((pte & NPU_MMU_ENTRY_CONT) != 0, i < 16);
		CU_ASSERT_EQUAL(pte & ~NPU_MMU_ENTRY_CONT, (bo->dma.dma + i * 0x1000) | 0xC43);
	}
	npu_buffer_free(dev, bo);
	/* DMA address not 64 KiB aligned (VA is): no hint anywhere */
	CU_ASSERT_EQUAL(npu_ctx_map(dev, ctx, 0xC4000000, 0x123451000ull, 0x20000, 0), 0);
	for (unsigned i = 0; i < 32; i++) {
		CU_ASSERT_EQUAL(npu_ctx_lookup(dev, ctx, 0xC4000000 + i * 0x1000, &pte), 0);
		CU_ASSERT_EQUAL(pte & NPU_MMU_ENTRY_CONT, 0);
	}
	npu_ctx_unmap(dev, ctx, 0xC4000000, 0x20000);
	done();
}

static void test_flags_and_bad_mappings(void)
{
	struct npu_ctx *ctx;
	struct npu_buffer *ro, *cached;
	uint32_t ssid;
	uint64_t pte;

	booted();
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	ctx = npu_ctx_by_ssid(dev, ssid);
	CU_ASSERT_EQUAL_FATAL(npu_buffer_alloc(dev, ssid, 4096, NPU_BUF_READ_ONLY, &ro), 0);
	CU_ASSERT_EQUAL_FATAL(npu_buffer_alloc(dev, ssid, 4096, NPU_BUF_CACHED, &cached), 0);
	CU_ASSERT_EQUAL(npu_ctx_lookup(dev, ctx, ro->va, &pte), 0);
	CU_ASSERT_EQUAL(pte, ro->dma.dma | 0xC43 | NPU_MMU_ENTRY_RO);
	CU_ASSERT_EQUAL(npu_ctx_lookup(dev, ctx, cached->va, &pte), 0);
	CU_ASSERT_EQUAL(pte, cached->dma.dma | 0xC43 | NPU_MMU_ENTRY_LLC_COHERENT);
	/* user buffers land in the user range */
	CU_ASSERT_TRUE(ro->va >= 0xC0000000 && ro->va < 0xC0000000 + (255u << 20));
	CU_ASSERT_EQUAL(npu_buffer_alloc(dev, ssid, 4096, 0x80, &ro), -EINVAL);
	CU_ASSERT_EQUAL(npu_buffer_alloc(dev, 40, 4096, 0, &ro), -EINVAL);
	CU_ASSERT_EQUAL(npu_buffer_alloc(dev, ssid, 256u << 20, 0, &ro), -ENOSPC);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "NPU VA range 0xc0000000..0xcff00000") != NULL);
	CU_ASSERT_EQUAL(npu_ctx_map(dev, ctx, 0x1000000000000ull, 0x1000, 0x1000, 0), -EINVAL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "beyond 48 bits") != NULL);
	CU_ASSERT_EQUAL(npu_ctx_map(dev, ctx, 0xC8000800, 0x1000, 0x1000, 0), -EINVAL);
	done();
}

static void test_global_context_ranges(void)
{
	struct npu_buffer *g;

	booted();
	/* global buffers: after the runtime in the 256 MiB shared range */
	CU_ASSERT_EQUAL_FATAL(npu_buffer_alloc(dev, 0, 4096, 0, &g), 0);
	CU_ASSERT_TRUE(g->va >= dev->ranges.global.start && g->va < dev->ranges.global.end);
	CU_ASSERT_EQUAL(dev->ranges.global.start, 0x84900000);
	CU_ASSERT_EQUAL(dev->ranges.global.end, 0x84900000 + 0x10000000);
	CU_ASSERT_EQUAL(dev->gctx.va.start, 0x80000000);       /* global..shave end */
	CU_ASSERT_EQUAL(dev->gctx.va.end, 0x200000000ull);
	CU_ASSERT_EQUAL(dev->rctx.va.start, 0xC0000000);       /* user..dma end */
	CU_ASSERT_EQUAL(dev->rctx.va.end, 0x400000000ull);
	npu_buffer_free(dev, g);
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_mmu_context", NULL, NULL);
	CU_add_test(s, "VA allocator", test_va_allocator);
	CU_add_test(s, "page tables built, unmapped, torn down", test_tables_built_and_torn_down);
	CU_add_test(s, "64 KiB contiguous hint", test_contiguous_hint);
	CU_add_test(s, "RO / LLC flags, bad mappings", test_flags_and_bad_mappings);
	CU_add_test(s, "global and user VA ranges", test_global_context_ranges);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
