/* SPDX-License-Identifier: MIT */
/*
 * End-to-end copies and fills: COPY jobs of 4 KiB, 64 KiB, 4 MiB,
 * 16 MiB - 1 and 20 MiB (three descriptors, hw-facts §12.2) and
 * MEMORY_FILL jobs, run by the simulated firmware with the model's DMA
 * engines (sim backend), each result compared by the CPU byte for byte,
 * the bytes after it untouched.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu/cmdbuf.h"
#include "npu/npu.h"
#include "sim_jobs.h"

#define GUARD 4096u

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void copy_once(uint64_t size, uint32_t src_flags, uint32_t dst_flags)
{
	struct npu_buffer *src, *dst, *cb;
	struct npu_cmdbuf b;
	uint64_t seed = 0x243F6A8885A308D3ull ^ size;
	uint8_t *s, *d;
	uint32_t job, status = 0;

	src = sim_jobs_buf(sim.ssid, (size_t)size, src_flags);
	dst = sim_jobs_buf(sim.ssid, (size_t)size + GUARD, dst_flags);
	s = npu_buffer_cpu(src);
	d = npu_buffer_cpu(dst);
	for (uint64_t i = 0; i < size; i++)
		s[i] = (uint8_t)xorshift(&seed);
	memset(d, 0xEE, (size_t)size + GUARD);
	npu_buffer_flush(sim.dev, src, 0, (size_t)size);
	npu_buffer_flush(sim.dev, dst, 0, (size_t)size + GUARD);
	cb = sim_jobs_cmdbuf(sim.ssid, &b);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&b, npu_buffer_va(dst), npu_buffer_va(src), size), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
	CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cb, 0, &job), 0);
	CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 30000, &status), 0);
	if (status)
		fprintf(stderr, "\n    copy of %llu bytes: %s\n", (unsigned long long)size,
			npu_last_error(sim.dev));
	npu_buffer_invalidate(sim.dev, dst, 0, (size_t)size + GUARD);
	CU_ASSERT_EQUAL(memcmp(s, d, (size_t)size), 0);
	CU_ASSERT_EQUAL(d[size], 0xEE);
	CU_ASSERT_EQUAL(d[size + GUARD - 1], 0xEE);
	npu_buffer_free(sim.dev, src);
	npu_buffer_free(sim.dev, dst);
	npu_buffer_free(sim.dev, cb);
}

static void test_copies(void)
{
	static const uint64_t sizes[] = { 4096, 65536, 4u << 20, (16u << 20) - 1, 20u << 20 };

	sim_jobs_open(NPU_SCHED_OS, 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		copy_once(sizes[i], NPU_BUF_DMA, NPU_BUF_DMA);
	/* every range: user to shave, shave to dma */
	copy_once(8192, 0, NPU_BUF_SHAVE);
	copy_once(8192, NPU_BUF_SHAVE, NPU_BUF_DMA);
	sim_jobs_close();
}

static void test_copies_hws(void)
{
	sim_jobs_open(NPU_SCHED_HW, 0);
	copy_once(65536, NPU_BUF_DMA, NPU_BUF_DMA);
	sim_jobs_close();
}

static void test_fill(void)
{
	static const uint64_t sizes[] = { 64, 4096, 1000, 3u << 20 };
	const uint32_t pattern = 0xDEADBEEFu;
	const uint8_t *pb = (const uint8_t *)&pattern;

	sim_jobs_open(NPU_SCHED_OS, 0);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t size = sizes[k];
		struct npu_buffer *dst = sim_jobs_buf(sim.ssid, (size_t)size + GUARD, NPU_BUF_DMA);
		struct npu_buffer *cb;
		struct npu_cmdbuf b;
		uint8_t *d = npu_buffer_cpu(dst);
		uint32_t job, status = 0;
		uint64_t bad = UINT64_MAX;

		memset(d, 0x11, (size_t)size + GUARD);
		npu_buffer_flush(sim.dev, dst, 0, (size_t)size + GUARD);
		cb = sim_jobs_cmdbuf(sim.ssid, &b);
		CU_ASSERT_EQUAL(npu_cmdbuf_fill(&b, npu_buffer_va(dst), size, pattern), 0);
		CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
		npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
		CU_ASSERT_EQUAL_FATAL(npu_job_submit(sim.dev, sim.db, cb, 0, &job), 0);
		CU_ASSERT_EQUAL(npu_job_wait(sim.dev, job, 30000, &status), 0);
		npu_buffer_invalidate(sim.dev, dst, 0, (size_t)size + GUARD);
		for (uint64_t i = 0; i < size + GUARD && bad == UINT64_MAX; i++)
			if (d[i] != (i < size ? pb[i % 4] : 0x11))
				bad = i;
		CU_ASSERT_EQUAL(bad, UINT64_MAX);
		if (bad != UINT64_MAX)
			fprintf(stderr, "\n    fill of %llu bytes: byte %llu is 0x%02x\n",
				(unsigned long long)size, (unsigned long long)bad, d[bad]);
		npu_buffer_free(sim.dev, dst);
		npu_buffer_free(sim.dev, cb);
	}
	sim_jobs_close();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_sim_dma", NULL, NULL);
	CU_add_test(s, "copies 4 KiB .. 20 MiB", test_copies);
	CU_add_test(s, "copy with HW scheduling", test_copies_hws);
	CU_add_test(s, "memory fills", test_fill);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
