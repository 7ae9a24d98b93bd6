/* SPDX-License-Identifier: MIT */
/*
 * The command buffer builder (driver/lib/cmdbuf.c): JOB_CMD 4.15 header and
 * command layouts (hw-facts §11.2, §11.6), copy descriptors and their split
 * (§12.1, §12.2), and the refusals the 37xx firmware would make.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "npu/cmdbuf.h"
#include "intel-npu/cmdbuf.h"

#define VA 0xC0010000ull

static uint8_t mem[1 << 16] __attribute__((aligned(64)));
static struct npu_cmdbuf cb;

static const struct npu_cmd_buffer_header *hdr(void)
{
	return (const struct npu_cmd_buffer_header *)mem;
}

/* The command at offset off (from the header) */
static const void *cmd_at(size_t off)
{
	return mem + off;
}

static const struct npu_cmd_header *ch(size_t off)
{
	return (const struct npu_cmd_header *)cmd_at(off);
}

static void test_header_and_simple_commands(void)
{
	const struct npu_cmd_timestamp *ts;
	const struct npu_cmd_fence *fe;
	const struct npu_cmd_memory_fill *fi;

	memset(mem, 0xAA, sizeof(mem));
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(mem[100], 0);                      /* zeroed */
	CU_ASSERT_EQUAL(mem[4096], 0xAA);                  /* and no further */
	CU_ASSERT_EQUAL(npu_cmdbuf_nop(&cb, 8), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_nop(&cb, 24), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_barrier(&cb), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&cb, NPU_TIME_RAW, VA + 0x800), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&cb, VA + 0x840, 2), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_signal(&cb, VA + 0x880, 3), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fill(&cb, VA + 0x1000, 256, 0xDEADBEEF), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), 0);
	CU_ASSERT_STRING_EQUAL(npu_cmdbuf_error(&cb), "");

	CU_ASSERT_EQUAL(hdr()->cmd_offset, 48);
	CU_ASSERT_EQUAL(hdr()->cmd_buffer_size, 48 + 8 + 24 + 8 + 16 + 24 + 24 + 32);
	CU_ASSERT_EQUAL(hdr()->api_version, (4u << 16) | 15u);
	CU_ASSERT_EQUAL(hdr()->reserved_0, 0);
	CU_ASSERT_EQUAL(hdr()->descriptor_heap_base_address, 0);
	CU_ASSERT_EQUAL(hdr()->fence_heap_base_address, 0);
	CU_ASSERT_EQUAL(hdr()->context_save_area_address, VA + 4096 - 64);

	CU_ASSERT_EQUAL(ch(48)->type, NPU_CMD_NOP);
	CU_ASSERT_EQUAL(ch(48)->size, 8);
	CU_ASSERT_EQUAL(ch(56)->type, NPU_CMD_NOP);
	CU_ASSERT_EQUAL(ch(56)->size, 24);
	CU_ASSERT_EQUAL(ch(80)->type, NPU_CMD_BARRIER);
	CU_ASSERT_EQUAL(ch(80)->size, 8);
	ts = cmd_at(88);
	CU_ASSERT_EQUAL(ts->header.type, NPU_CMD_TIMESTAMP);
	CU_ASSERT_EQUAL(ts->header.size, 16);
	CU_ASSERT_EQUAL(ts->type, NPU_TIME_RAW);
	CU_ASSERT_EQUAL(ts->timestamp_address, VA + 0x800);
	fe = cmd_at(104);
	CU_ASSERT_EQUAL(fe->header.type, NPU_CMD_FENCE_WAIT);
	CU_ASSERT_EQUAL(fe->header.size, 24);
	CU_ASSERT_EQUAL(fe->offset, VA + 0x840);
	CU_ASSERT_EQUAL(fe->value, 2);
	fe = cmd_at(128);
	CU_ASSERT_EQUAL(fe->header.type, NPU_CMD_FENCE_SIGNAL);
	CU_ASSERT_EQUAL(fe->value, 3);
	fi = cmd_at(152);
	CU_ASSERT_EQUAL(fi->header.type, NPU_CMD_MEMORY_FILL);
	CU_ASSERT_EQUAL(fi->header.size, 32);
	CU_ASSERT_EQUAL(fi->start_address, VA + 0x1000);
	CU_ASSERT_EQUAL(fi->size, 256);
	CU_ASSERT_EQUAL(fi->fill_pattern, 0xDEADBEEF);
}

static void test_copy_descriptors(void)
{
	const struct npu_cmd_copy_buffer *c;
	const struct npu_cmd_copy_descriptor_37xx *d;
	uint64_t size = (16u << 20) + 5;   /* 8 MB + 8 MB + 5 */
	size_t off;

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, 0x200000000ull, 0x200800000ull, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, 0x210000000ull, 0x220000000ull, size), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), 0);
	CU_ASSERT_EQUAL(hdr()->cmd_buffer_size, 48 + 24 + 24);

	c = cmd_at(48);
	CU_ASSERT_EQUAL(c->header.type, NPU_CMD_COPY);
	CU_ASSERT_EQUAL(c->header.size, 24);
	CU_ASSERT_EQUAL(c->desc_count, 1);
	CU_ASSERT_EQUAL(c->desc_start_offset % 64, 0);
	off = (size_t)(c->desc_start_offset - VA);
	/* below the save area, with its 64 readable bytes after the descriptor */
	CU_ASSERT_EQUAL(off, 4096 - 64 - 64);
	d = (const void *)(mem + off);
	CU_ASSERT_EQUAL(d->src_address, 0x200800000ull);
	CU_ASSERT_EQUAL(d->dst_address, 0x200000000ull);
	CU_ASSERT_EQUAL(d->size, 4096);
	CU_ASSERT_EQUAL(d->reserved_0[0] | d->reserved_0[1], 0);

	c = cmd_at(72);
	CU_ASSERT_EQUAL(c->desc_count, 3);
	off = (size_t)(c->desc_start_offset - VA);
	CU_ASSERT_EQUAL(off, 4096 - 64 - 64 - 3 * 64);
	d = (const void *)(mem + off);
	CU_ASSERT_EQUAL(d[0].src_address, 0x220000000ull);
	CU_ASSERT_EQUAL(d[0].size, NPU_CMDBUF_COPY_CHUNK);
	CU_ASSERT_EQUAL(d[1].src_address, 0x220000000ull + NPU_CMDBUF_COPY_CHUNK);
	CU_ASSERT_EQUAL(d[1].dst_address, 0x210000000ull + NPU_CMDBUF_COPY_CHUNK);
	CU_ASSERT_EQUAL(d[1].size, NPU_CMDBUF_COPY_CHUNK);
	CU_ASSERT_EQUAL(d[2].src_address, 0x220000000ull + 2ull * NPU_CMDBUF_COPY_CHUNK);
	CU_ASSERT_EQUAL(d[2].size, 5);
	CU_ASSERT_TRUE(d[0].size <= NPU_COPY_DESC_SIZE_MAX);
}

static void test_copy_many_descriptors(void)
{
	static uint8_t big[4096 * 64 + 4096] __attribute__((aligned(64)));
	const struct npu_cmd_copy_buffer *c0, *c1;
	uint64_t size = (uint64_t)(NPU_CMD_COPY_DESC_COUNT_MAX + 1) * NPU_CMDBUF_COPY_CHUNK;

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, big, VA, sizeof(big)), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, 0x300000000ull, 0x240000000ull, size), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), 0);
	c0 = (const void *)(big + 48);
	c1 = (const void *)(big + 72);
	CU_ASSERT_EQUAL(c0->desc_count, NPU_CMD_COPY_DESC_COUNT_MAX);
	CU_ASSERT_EQUAL(c1->header.type, NPU_CMD_COPY);
	CU_ASSERT_EQUAL(c1->desc_count, 1);
	CU_ASSERT_EQUAL(((const struct npu_cmd_copy_descriptor_37xx *)
			 (big + (c1->desc_start_offset - VA)))->src_address,
			0x240000000ull + (uint64_t)NPU_CMD_COPY_DESC_COUNT_MAX * NPU_CMDBUF_COPY_CHUNK);
}

static void test_refusals(void)
{
	CU_ASSERT_EQUAL(npu_cmdbuf_init(&cb, mem, VA + 8, 4096), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "not 64-byte aligned"));
	CU_ASSERT_EQUAL(npu_cmdbuf_init(&cb, mem, VA, 64), -EINVAL);

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), -EINVAL);             /* empty */

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&cb, NPU_TIME_RAW, VA + 8), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "TIMESTAMP: address 0xc0010008 is "
				      "not 64-byte aligned"));
	/* sticky: the next good command and finish report the first refusal */
	CU_ASSERT_EQUAL(npu_cmdbuf_barrier(&cb), -EINVAL);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "TIMESTAMP"));

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_timestamp(&cb, 3, VA), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_wait(&cb, VA + 0x20, 1), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "FENCE_WAIT"));
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fence_signal(&cb, VA + 0x20, 1), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fill(&cb, VA + 4, 64, 0), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "MEMORY_FILL"));
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_fill(&cb, VA, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, VA, VA + 64, 0), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, UINT64_MAX - 10, VA, 64), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_nop(&cb, 4), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_nop(&cb, 12), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "multiple of 8"));
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_inference(&cb, 1, VA + 0x804, 384), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "INFERENCE_EXECUTE"));
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_inference(&cb, 1, VA + 0x800, 383), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "384"));
}

/* INFERENCE_EXECUTE: 32 bytes, the id, the HPI's address and size (§16.1) */
static void test_inference(void)
{
	const struct npu_cmd_inference_execute *c;

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_inference(&cb, 7, VA + 0x808, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), 0);
	c = cmd_at(hdr()->cmd_offset);
	CU_ASSERT_EQUAL(c->header.type, NPU_CMD_INFERENCE_EXECUTE);
	CU_ASSERT_EQUAL(c->header.size, 32);
	CU_ASSERT_EQUAL(c->inference_id, 7);
	CU_ASSERT_EQUAL(c->host_mapped_inference.address, VA + 0x808);
	CU_ASSERT_EQUAL(c->host_mapped_inference.width, 4096);
	CU_ASSERT_EQUAL(hdr()->cmd_buffer_size, hdr()->cmd_offset + 32);
}

static void test_full(void)
{
	int ret = 0, n = 0;

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 256), 0);
	/* 256 - 48 header - 64 save area = 144 bytes: 18 barriers */
	while (!(ret = npu_cmdbuf_barrier(&cb)))
		n++;
	CU_ASSERT_EQUAL(n, 18);
	CU_ASSERT_EQUAL(ret, -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(npu_cmdbuf_error(&cb), "command buffer full"));

	/* a copy needs its command and a descriptor */
	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 256), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, VA, VA + 64, 64), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_copy(&cb, VA, VA + 64, 64), -ENOSPC);
}

static void test_raw(void)
{
	uint32_t body = 0x12345678;

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(&cb, mem, VA, 4096), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_raw(&cb, 0x0777, &body, sizeof(body)), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&cb), 0);
	CU_ASSERT_EQUAL(ch(48)->type, 0x0777);
	CU_ASSERT_EQUAL(ch(48)->size, 8);
	CU_ASSERT_EQUAL(memcmp(mem + 52, &body, 4), 0);
	CU_ASSERT_EQUAL(hdr()->cmd_buffer_size, 56);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_cmdbuf", NULL, NULL);
	CU_add_test(s, "header and simple commands", test_header_and_simple_commands);
	CU_add_test(s, "copy descriptors and 8 MB split", test_copy_descriptors);
	CU_add_test(s, "copy beyond 4096 descriptors", test_copy_many_descriptors);
	CU_add_test(s, "refusals", test_refusals);
	CU_add_test(s, "full buffer", test_full);
	CU_add_test(s, "raw command", test_raw);
	CU_add_test(s, "INFERENCE_EXECUTE", test_inference);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
