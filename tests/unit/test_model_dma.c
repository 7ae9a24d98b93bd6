/* SPDX-License-Identifier: MIT */
/*
 * The DMA engines and the CMX (qemu-device/model/engines/, lrt.h
 * NPU_LRT_DMA_*), driven through the control core's peripheral block by the
 * monitor program, with data in user contexts of the NPU MMU: copies
 * (descriptor arrays, linked descriptors, single copies), fills, the CMX,
 * the error codes, faults recorded with the job's SSID, batching of large
 * transfers, completion at the bandwidth model's virtual time, both host
 * paths (dma_map and dma_read/dma_write), IP reset.
 */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "model_prog.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/lrt.h"
#include "intel-npu/regs_mmu.h"

#define SSID_A      2u
#define SSID_B      3u
#define VA_DESC     0xC0000000ull       /* descriptors (SSID_A) */
#define VA_SRC      0xC0100000ull
#define VA_DST      0xC2000000ull
#define VA_UNMAPPED 0xCE000000ull
#define DMA0(off)   (NPU_LRT_DMA_BASE(0) + (off))
#define DMA1(off)   (NPU_LRT_DMA_BASE(1) + (off))

struct fix {
	struct mp P;
	uint64_t desc_pa, src_pa, dst_pa;
};

/* Map [va, va + size) of ssid onto fresh fake RAM; returns its bus address. */
static uint64_t map_range(struct mh *h, uint32_t ssid, uint64_t va, uint64_t size)
{
	uint64_t pa = mh_alloc(h, size, 4096);

	for (uint64_t off = 0; off < size; off += 4096)
		mh_map(h, ssid, va + off, pa + off, NPU_MMU_ENTRY_PAGE_IVPU);
	return pa;
}

static void fix_init(struct fix *f, uint64_t ram, uint64_t src_size, uint64_t dst_size)
{
	struct mh *h = &f->P.h;

	mp_ram_size = ram;
	mp_init(&f->P, NULL);
	mp_ram_size = 0;
	CU_ASSERT_EQUAL_FATAL(mh_mmu_ctx_create(h, SSID_A), 0);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_ctx_create(h, SSID_B), 0);
	f->desc_pa = map_range(h, SSID_A, VA_DESC, 0x10000);
	f->src_pa = map_range(h, SSID_A, VA_SRC, src_size);
	f->dst_pa = map_range(h, SSID_A, VA_DST, dst_size);
	for (uint64_t i = 0; i < src_size; i += 4)
		mh_w32(h, f->src_pa + i, (uint32_t)(i * 2654435761u) ^ 0x5A5A0000u);
	CU_ASSERT_EQUAL(mh_mmu_tlbi_asid(h, SSID_A), 0);
	mp_monitor_boot(&f->P);
}

static void put_desc(struct fix *f, unsigned i, uint64_t src, uint64_t dst, uint32_t size)
{
	struct npu_cmd_copy_descriptor_37xx d = { .src_address = src, .dst_address = dst,
						   .size = size };

	memcpy(mh_ram(&f->P.h, f->desc_pa + 64u * i, sizeof(d)), &d, sizeof(d));
}

static void wr64(struct fix *f, uint32_t lo, uint64_t v)
{
	mp_lrt_wr(&f->P, lo, (uint32_t)v);
	mp_lrt_wr(&f->P, lo + 4, (uint32_t)(v >> 32));
}

static void setup_ssids(struct fix *f, unsigned eng, uint32_t ssid)
{
	mp_lrt_wr(&f->P, NPU_LRT_DMA_BASE(eng) + NPU_LRT_DMA_SSID_DESC, ssid);
	mp_lrt_wr(&f->P, NPU_LRT_DMA_BASE(eng) + NPU_LRT_DMA_SSID_SRC, ssid);
	mp_lrt_wr(&f->P, NPU_LRT_DMA_BASE(eng) + NPU_LRT_DMA_SSID_DST, ssid);
}

static void start(struct fix *f, unsigned eng, unsigned mode)
{
	mp_lrt_wr(&f->P, NPU_LRT_DMA_BASE(eng) + NPU_LRT_DMA_CTRL,
		  NPU_LRT_DMA_CTRL_START | NPU_FLD_PREP(NPU_LRT_DMA_CTRL_MODE, mode));
}

static void start_array(struct fix *f, uint64_t desc_va, uint32_t count)
{
	setup_ssids(f, 0, SSID_A);
	wr64(f, DMA0(NPU_LRT_DMA_DESC_LO), desc_va);
	mp_lrt_wr(&f->P, DMA0(NPU_LRT_DMA_COUNT), count);
	start(f, 0, NPU_LRT_DMA_MODE_ARRAY);
}

/* Run until the engine is no longer busy (bounded); returns STATUS. */
static uint32_t wait_idle(struct fix *f, unsigned eng)
{
	uint32_t st = 0;

	for (int i = 0; i < 2000; i++) {
		st = mp_lrt_rd(&f->P, NPU_LRT_DMA_BASE(eng) + NPU_LRT_DMA_STATUS);
		if (!(st & NPU_LRT_DMA_STATUS_BUSY))
			return st;
		mp_run(&f->P, 10000);
	}
	CU_FAIL("DMA engine still busy");
	return st;
}

static uint32_t err_code(uint32_t st)
{
	return NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, st);
}

static bool same(struct fix *f, uint64_t a, uint64_t b, uint64_t len)
{
	return !memcmp(mh_ram(&f->P.h, a, len), mh_ram(&f->P.h, b, len), len);
}

static void fini(struct fix *f)
{
	mp_fini(&f->P);
}

/* ---- Copies ------------------------------------------------------------------ */

static void copy_array_body(void)
{
	struct fix f;
	uint32_t st;

	fix_init(&f, 8u << 20, 0x10000, 0x10000);
	/* page-crossing, unaligned, and one of size 0 */
	put_desc(&f, 0, VA_SRC + 0x10, VA_DST + 0xff3, 0x2345);
	put_desc(&f, 1, VA_SRC + 0x5000, VA_DST + 0x8000, 4096);
	put_desc(&f, 2, VA_SRC, VA_DST + 0xA000, 0);
	start_array(&f, VA_DESC, 3);
	CU_ASSERT_TRUE(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS)) & NPU_LRT_DMA_STATUS_BUSY);
	st = wait_idle(&f, 0);
	CU_ASSERT_EQUAL(st, NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_TRUE(same(&f, f.src_pa + 0x10, f.dst_pa + 0xff3, 0x2345));
	CU_ASSERT_TRUE(same(&f, f.src_pa + 0x5000, f.dst_pa + 0x8000, 4096));
	CU_ASSERT_EQUAL(mh_r32(&f.P.h, f.dst_pa + 0xfef), 0);           /* before: untouched */
	CU_ASSERT_EQUAL(mh_r32(&f.P.h, f.dst_pa + 0xff3 + 0x2345), 0);  /* after */
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_DONE_DESC)), 3);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_BYTES_LO)), 0x2345 + 4096);
	CU_ASSERT_TRUE(mp_lrt_rd(&f.P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DMA(0));
	CU_ASSERT_FALSE(mp_lrt_rd(&f.P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DMA(1));
	/* W1C drops DONE and the interrupt */
	mp_lrt_wr(&f.P, DMA0(NPU_LRT_DMA_STATUS), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS)), 0);
	CU_ASSERT_FALSE(mp_lrt_rd(&f.P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DMA(0));
	CU_ASSERT_EQUAL(f.P.h.guest_errors, 0);
	fini(&f);
}

static void test_copy_array(void)
{
	copy_array_body();
	CU_ASSERT_TRUE(mh_direct_dma);
}

/* The same through dma_read/dma_write, for hosts that cannot map memory. */
static void test_copy_array_unmapped_host(void)
{
	mh_direct_dma = false;
	copy_array_body();
	mh_direct_dma = true;
}

static void test_copy_list(void)
{
	struct fix f;
	struct npu_dma_descriptor_37xx d[2] = { 0 };

	fix_init(&f, 8u << 20, 0x4000, 0x4000);
	d[0].link = VA_DESC + 0x200;
	d[0].src = VA_SRC;
	d[0].dst = VA_DST + 0x100;
	d[0].length = 100;
	d[1].src = VA_SRC + 0x1000;
	d[1].dst = VA_DST + 0x2000;
	d[1].length = 0x1800;
	memcpy(mh_ram(&f.P.h, f.desc_pa, sizeof(d[0])), &d[0], sizeof(d[0]));
	memcpy(mh_ram(&f.P.h, f.desc_pa + 0x200, sizeof(d[1])), &d[1], sizeof(d[1]));
	setup_ssids(&f, 0, SSID_A);
	wr64(&f, DMA0(NPU_LRT_DMA_DESC_LO), VA_DESC);
	start(&f, 0, NPU_LRT_DMA_MODE_LIST);
	CU_ASSERT_EQUAL(wait_idle(&f, 0), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_TRUE(same(&f, f.src_pa, f.dst_pa + 0x100, 100));
	CU_ASSERT_TRUE(same(&f, f.src_pa + 0x1000, f.dst_pa + 0x2000, 0x1800));
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_DONE_DESC)), 2);
	/* a 2D descriptor is not supported: MODE at that descriptor */
	d[1].config = NPU_FLD_PREP(NPU_DMA_CFG_TYPE, NPU_DMA_TYPE_2D);
	memcpy(mh_ram(&f.P.h, f.desc_pa + 0x200, sizeof(d[1])), &d[1], sizeof(d[1]));
	start(&f, 0, NPU_LRT_DMA_MODE_LIST);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_MODE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_ERR_INDEX)), 1);
	/* a loop is cut off after the engine's limit, as MODE */
	d[0].link = VA_DESC;
	memcpy(mh_ram(&f.P.h, f.desc_pa, sizeof(d[0])), &d[0], sizeof(d[0]));
	start(&f, 0, NPU_LRT_DMA_MODE_LIST);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_MODE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_ERR_INDEX)), 4096);
	fini(&f);
}

static void test_fill(void)
{
	struct fix f;
	const uint8_t *p;

	fix_init(&f, 8u << 20, 0x1000, 0x4000);
	mp_lrt_wr(&f.P, DMA1(NPU_LRT_DMA_SSID_DST), SSID_A);
	wr64(&f, DMA1(NPU_LRT_DMA_DST_LO), VA_DST + 3);
	wr64(&f, DMA1(NPU_LRT_DMA_LEN_LO), 4099);
	mp_lrt_wr(&f.P, DMA1(NPU_LRT_DMA_PATTERN), 0x44332211);
	start(&f, 1, NPU_LRT_DMA_MODE_FILL);
	CU_ASSERT_EQUAL(wait_idle(&f, 1), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_TRUE(mp_lrt_rd(&f.P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DMA(1));
	p = mh_ram(&f.P.h, f.dst_pa, 0x2000);
	CU_ASSERT_EQUAL(p[2], 0);
	CU_ASSERT_EQUAL(p[3], 0x11);          /* the pattern starts at the first byte */
	CU_ASSERT_EQUAL(p[4], 0x22);
	CU_ASSERT_EQUAL(p[6], 0x44);
	CU_ASSERT_EQUAL(p[7], 0x11);
	CU_ASSERT_EQUAL(p[3 + 4096], 0x11);   /* across the page */
	CU_ASSERT_EQUAL(p[3 + 4098], 0x33);
	CU_ASSERT_EQUAL(p[3 + 4099], 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA1(NPU_LRT_DMA_BYTES_LO)), 4099);
	/* two pages far apart in bus memory: the pattern carries on */
	{
		uint64_t a = mh_alloc(&f.P.h, 4096, 4096), gap = mh_alloc(&f.P.h, 4096, 4096);
		uint64_t b = mh_alloc(&f.P.h, 4096, 4096);

		(void)gap;
		mh_map(&f.P.h, SSID_A, VA_DST + 0x10000, b, NPU_MMU_ENTRY_PAGE_IVPU);
		mh_map(&f.P.h, SSID_A, VA_DST + 0x11000, a, NPU_MMU_ENTRY_PAGE_IVPU);
		wr64(&f, DMA1(NPU_LRT_DMA_DST_LO), VA_DST + 0x10001);
		wr64(&f, DMA1(NPU_LRT_DMA_LEN_LO), 4096);
		start(&f, 1, NPU_LRT_DMA_MODE_FILL);
		CU_ASSERT_EQUAL(wait_idle(&f, 1), NPU_LRT_DMA_STATUS_DONE);
		/* b[4092..4095] are transfer bytes 4091..4094; a[0] is the last */
		CU_ASSERT_EQUAL(mh_r32(&f.P.h, b + 0xffc), 0x33221144);
		CU_ASSERT_EQUAL(mh_r32(&f.P.h, a), 0x44);
		CU_ASSERT_EQUAL(mh_r32(&f.P.h, b) & 0xFF, 0);
	}
	fini(&f);
}

/* System -> CMX -> system, with single copies (COPY mode). */
static void test_cmx_round_trip(void)
{
	struct fix f;

	fix_init(&f, 8u << 20, 0x3000, 0x3000);
	setup_ssids(&f, 0, SSID_A);
	wr64(&f, DMA0(NPU_LRT_DMA_SRC_LO), VA_SRC);
	wr64(&f, DMA0(NPU_LRT_DMA_DST_LO), NPU_CMX_BASE + NPU_CMX_SLICE_SIZE - 0x1000);
	wr64(&f, DMA0(NPU_LRT_DMA_LEN_LO), 0x3000);   /* across the two tiles */
	start(&f, 0, NPU_LRT_DMA_MODE_COPY);
	CU_ASSERT_EQUAL(wait_idle(&f, 0), NPU_LRT_DMA_STATUS_DONE);
	mp_lrt_wr(&f.P, DMA0(NPU_LRT_DMA_STATUS), NPU_LRT_DMA_STATUS_DONE);
	wr64(&f, DMA0(NPU_LRT_DMA_SRC_LO), NPU_CMX_BASE + NPU_CMX_SLICE_SIZE - 0x1000);
	wr64(&f, DMA0(NPU_LRT_DMA_DST_LO), VA_DST);
	start(&f, 0, NPU_LRT_DMA_MODE_COPY);
	CU_ASSERT_EQUAL(wait_idle(&f, 0), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_TRUE(same(&f, f.src_pa, f.dst_pa, 0x3000));
	/* the CMX ends where it ends: beyond it the MMU translates (and faults) */
	wr64(&f, DMA0(NPU_LRT_DMA_SRC_LO), NPU_CMX_BASE + NPU_CMX_SIZE - 0x10);
	wr64(&f, DMA0(NPU_LRT_DMA_LEN_LO), 0x20);
	start(&f, 0, NPU_LRT_DMA_MODE_COPY);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_SRC_FAULT);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_ERR_ADDR_LO)), NPU_CMX_BASE + NPU_CMX_SIZE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_BYTES_LO)), 0x10);
	fini(&f);
}

/* ---- Faults and malformed transfers ----------------------------------------------- */

static void test_fault_stops_at_descriptor(void)
{
	struct fix f;
	uint32_t st, ev[8];

	fix_init(&f, 8u << 20, 0x4000, 0x4000);
	put_desc(&f, 0, VA_SRC, VA_DST, 0x1000);
	put_desc(&f, 1, VA_SRC + 0x1000, VA_UNMAPPED + 0x40, 0x100);
	put_desc(&f, 2, VA_SRC + 0x2000, VA_DST + 0x2000, 0x1000);
	start_array(&f, VA_DESC, 3);
	st = wait_idle(&f, 0);
	CU_ASSERT_TRUE(st & NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_FALSE(st & NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(err_code(st), NPU_LRT_DMA_ERR_DST_FAULT);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_ERR_INDEX)), 1);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_ERR_ADDR_LO)), (uint32_t)VA_UNMAPPED + 0x40);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_DONE_DESC)), 1);
	CU_ASSERT_TRUE(same(&f, f.src_pa, f.dst_pa, 0x1000));            /* before: done */
	CU_ASSERT_EQUAL(mh_r32(&f.P.h, f.dst_pa + 0x2000), 0);           /* after: not */
	CU_ASSERT_TRUE(mp_lrt_rd(&f.P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DMA(0));
	/* the MMU recorded it for the DMA stream with the job's SSID */
	CU_ASSERT_TRUE_FATAL(mh_mmu_pop_event(&f.P.h, ev));
	CU_ASSERT_EQUAL(ev[0] & 0xFF, NPU_MMU_EVT_F_TRANSLATION);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_MMU_EVT_0_SSID, ev[0]), SSID_A);
	CU_ASSERT_EQUAL(ev[1], NPU_MMU_SID_DMA);
	/* the other context cannot read SSID_A's data: a source fault */
	mp_lrt_wr(&f.P, DMA0(NPU_LRT_DMA_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS)), 0);
	put_desc(&f, 1, VA_SRC, VA_DST, 0x100);
	mp_lrt_wr(&f.P, DMA0(NPU_LRT_DMA_SSID_SRC), SSID_B);
	wr64(&f, DMA0(NPU_LRT_DMA_DESC_LO), VA_DESC + 64);
	mp_lrt_wr(&f.P, DMA0(NPU_LRT_DMA_COUNT), 1);
	start(&f, 0, NPU_LRT_DMA_MODE_ARRAY);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_SRC_FAULT);
	CU_ASSERT_TRUE_FATAL(mh_mmu_pop_event(&f.P.h, ev));
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_MMU_EVT_0_SSID, ev[0]), SSID_B);
	/* descriptors the engine cannot fetch */
	wr64(&f, DMA0(NPU_LRT_DMA_DESC_LO), VA_UNMAPPED);
	start(&f, 0, NPU_LRT_DMA_MODE_ARRAY);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_DESC_FAULT);
	fini(&f);
}

static void test_malformed(void)
{
	struct fix f;

	fix_init(&f, 16u << 20, 4u << 20, 4u << 20);
	put_desc(&f, 0, VA_SRC, VA_DST, NPU_COPY_DESC_SIZE_MAX + 1);
	start_array(&f, VA_DESC, 1);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_LENGTH);
	CU_ASSERT_EQUAL(mh_r32(&f.P.h, f.dst_pa), 0);
	start_array(&f, VA_DESC + 8, 1);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_ALIGN);
	start_array(&f, VA_DESC, 0);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_MODE);
	start_array(&f, VA_DESC, NPU_CMD_COPY_DESC_COUNT_MAX + 1);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_MODE);
	start(&f, 0, 5);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_MODE);
	/* START while busy: flagged, the running transfer completes */
	put_desc(&f, 0, VA_SRC, VA_DST, 4u << 20);
	start_array(&f, VA_DESC, 1);
	start(&f, 0, NPU_LRT_DMA_MODE_ARRAY);
	CU_ASSERT_EQUAL(err_code(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS))), NPU_LRT_DMA_ERR_BUSY);
	CU_ASSERT_TRUE(wait_idle(&f, 0) & NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_TRUE(same(&f, f.src_pa, f.dst_pa, 4u << 20));
	CU_ASSERT_TRUE(f.P.h.guest_errors >= 1);
	fini(&f);
}

/* A page the MMU maps to a bus address with no memory behind it. */
static void bus_error_body(void)
{
	struct fix f;
	unsigned errors;

	fix_init(&f, 8u << 20, 0x1000, 0x1000);
	mh_map(&f.P.h, SSID_A, VA_DST + 0x10000, 0x40000000ull, NPU_MMU_ENTRY_PAGE_IVPU);
	put_desc(&f, 0, VA_SRC, VA_DST, 0x100);
	put_desc(&f, 1, VA_SRC, VA_DST + 0x10000, 0x100);
	errors = f.P.h.guest_errors;
	start_array(&f, VA_DESC, 2);
	CU_ASSERT_EQUAL(err_code(wait_idle(&f, 0)), NPU_LRT_DMA_ERR_BUS);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_ERR_INDEX)), 1);
	CU_ASSERT_TRUE(same(&f, f.src_pa, f.dst_pa, 0x100));
	CU_ASSERT_TRUE(f.P.h.guest_errors > errors);
	fini(&f);
}

static void test_bus_error(void)
{
	bus_error_body();
	mh_direct_dma = false;
	bus_error_body();
	mh_direct_dma = true;
}

/* ---- Large transfers, timing, reset ------------------------------------------------- */

static void test_large_copy_batches_and_time(void)
{
	const uint64_t size = 20u << 20;
	struct fix f;
	struct npum_config cfg;
	uint64_t due, maps;

	npum_config_default(&cfg);
	fix_init(&f, 64u << 20, size, size);
	put_desc(&f, 0, VA_SRC, VA_DST, 10u << 20);
	put_desc(&f, 1, VA_SRC + (10u << 20), VA_DST + (10u << 20), 10u << 20);
	maps = f.P.h.dma_maps;
	start_array(&f, VA_DESC, 2);
	/* setup + 20 MiB at the default bandwidth: not done a little before */
	due = cfg.dma_setup_ns + size * 1000u / cfg.dma_mbps;
	mp_run(&f.P, due - due / 20);
	CU_ASSERT_TRUE(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS)) & NPU_LRT_DMA_STATUS_BUSY);
	mp_run(&f.P, due / 10);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS)), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_TRUE(same(&f, f.src_pa, f.dst_pa, size));
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_BYTES_LO)), (uint32_t)size);
	CU_ASSERT_EQUAL(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_DONE_DESC)), 2);
	/* every page mapped once per side, every mapping released */
	CU_ASSERT_EQUAL(f.P.h.dma_maps - maps, 2 * size / 4096);
	CU_ASSERT_EQUAL(f.P.h.dma_maps, f.P.h.dma_unmaps);
	fini(&f);
}

static void test_ip_reset_stops_transfer(void)
{
	struct fix f;

	fix_init(&f, 16u << 20, 4u << 20, 4u << 20);
	put_desc(&f, 0, VA_SRC, VA_DST, 4u << 20);
	start_array(&f, VA_DESC, 1);
	CU_ASSERT_TRUE(mp_lrt_rd(&f.P, DMA0(NPU_LRT_DMA_STATUS)) & NPU_LRT_DMA_STATUS_BUSY);
	npum_reset(f.P.h.npu);
	CU_ASSERT_EQUAL(f.P.h.dma_maps, f.P.h.dma_unmaps);
	mh_advance(&f.P.h, 10000000);
	CU_ASSERT_EQUAL(npum_get_stats(f.P.h.npu)->dma_transfers, 0);
	fini(&f);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("model_dma", NULL, NULL);
	CU_add_test(s, "ARRAY copies: pages, offsets, DONE, IRQ, W1C", test_copy_array);
	CU_add_test(s, "ARRAY copies through dma_read/dma_write", test_copy_array_unmapped_host);
	CU_add_test(s, "LIST: linked descriptors, 2D refused, loops cut", test_copy_list);
	CU_add_test(s, "FILL: pattern phase, across pages", test_fill);
	CU_add_test(s, "CMX round trip, CMX end", test_cmx_round_trip);
	CU_add_test(s, "fault: stops at the descriptor, event with SSID", test_fault_stops_at_descriptor);
	CU_add_test(s, "malformed: LENGTH, ALIGN, MODE, BUSY", test_malformed);
	CU_add_test(s, "no memory behind a page: bus error (both host paths)", test_bus_error);
	CU_add_test(s, "20 MiB: batches, virtual time, mappings", test_large_copy_batches_and_time);
	CU_add_test(s, "IP reset stops a transfer", test_ip_reset_stops_transfer);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
