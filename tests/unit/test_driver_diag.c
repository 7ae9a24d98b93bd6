/* SPDX-License-Identifier: MIT */
/*
 * Driver core, diagnostics (diag.c, fw_log.c): the decoded register dump
 * (every register of hw-facts §2, none with read side effects, BAR0 only
 * when powered), and the firmware log reader as Linux's ivpu_fw_log.c:
 * canary, header_size 128..1024, size checks, consecutive buffers, the three
 * wrap cases, '\n'/NUL line splitting, 255-character lines, mark-read.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "fake_npu.h"

static struct fake_npu *f;
static struct npu_device *dev;
static char out[65536];
static size_t out_len;
static unsigned out_lines;

static void collect(void *user, const char *line)
{
	size_t n = strlen(line);

	if (out_len + n + 2 < sizeof(out)) {
		memcpy(out + out_len, line, n);
		out_len += n;
		out[out_len++] = '\n';
		out[out_len] = '\0';
	}
	out_lines++;
}

static void reset_out(void)
{
	out_len = 0;
	out_lines = 0;
	out[0] = '\0';
}

static void booted(void)
{
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_boot(f, &dev), 0);
	reset_out();
}

static void done(void)
{
	npu_close(dev);
	dev = NULL;
	fake_npu_free(f);
	f = NULL;
}

static bool has(const char *s)
{
	if (!strstr(out, s))
		fprintf(stderr, "\n    output lacks \"%s\":\n%s", s, out);
	return strstr(out, s) != NULL;
}

static void test_register_dump(void)
{
	unsigned atm_reads;

	booted();
	atm_reads = fake_count(f, FAKE_RD32, NPU_BAR_REGV, NPU_HOST_SS_TIM_IPC_FIFO_ATM);
	CU_ASSERT_EQUAL(npu_dump_registers(dev, collect, NULL), 0);
	CU_ASSERT_TRUE(has("device 8086:7d1d rev 04 at 0000:3a:0b.0 (backend fake)"));
	CU_ASSERT_TRUE(has("PCI      COMMAND=0x0006 [MEMORY=1 MASTER=1]"));
	CU_ASSERT_TRUE(has("BTRS       BAR4+0x00000044 BTRS_VPU_STATUS=0x00000001 [READY=1 IDLE=0]"));
	CU_ASSERT_TRUE(has("MMU        BAR0+0x00200020 MMU_CR0=0x0000001d [SMMUEN=1 PRIQEN=0 EVTQEN=1 "
			   "CMDQEN=1 ATSCHK=1]"));
	CU_ASSERT_TRUE(has("HOST_IF    BAR0+0x00360004 HOST_IF_TBU_MMUSSIDV=0x00000033"));
	CU_ASSERT_TRUE(has("CPU_SS_DOORBELL CPU_SS_DOORBELL pending: none"));
	CU_ASSERT_TRUE(has("CPU_SS_TIM_PERF_FREE_CNT=0x"));
	CU_ASSERT_FALSE(strstr(out, "TIM_IPC_FIFO_ATM") != NULL);
	CU_ASSERT_FALSE(strstr(out, "ICB_CLEAR_0") != NULL);
	/* nothing with a side effect was read */
	CU_ASSERT_EQUAL(fake_count(f, FAKE_RD32, NPU_BAR_REGV, NPU_HOST_SS_TIM_IPC_FIFO_ATM), atm_reads);
	CU_ASSERT_EQUAL(fake_count(f, FAKE_RD32, NPU_BAR_REGV, NPU_HOST_SS_ICB_CLEAR_0), 0);
	CU_ASSERT_EQUAL(fake_count(f, FAKE_RD32, NPU_BAR_REGV, NPU_CPU_SS_TIM_IPC_FIFO), 0);
	CU_ASSERT_EQUAL(fake_count(f, FAKE_RD32, NPU_BAR_REGB, NPU_BTRS_UFI_ERR_CLEAR), 0);
	CU_ASSERT_TRUE(out_lines > 80);
	CU_ASSERT_STRING_EQUAL(f->last_problem, "");

	/* suspended: buttress only, not one BAR0 read */
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	reset_out();
	{
		uint64_t n = f->n_log;

		CU_ASSERT_EQUAL(npu_dump_registers(dev, collect, NULL), 0);
		for (uint64_t i = n; i < f->n_log; i++)
			CU_ASSERT_EQUAL(f->log[i].bar, NPU_BAR_REGB);
	}
	CU_ASSERT_TRUE(has("BAR0 registers not reachable: NPU IP powered down"));
	CU_ASSERT_TRUE(has("BTRS_VPU_D0I3_CONTROL=0x00000004 [INPROGRESS=0 I3=1]"));
	done();

	/* never enabled: config space only */
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	reset_out();
	CU_ASSERT_EQUAL(npu_dump_registers(dev, collect, NULL), 0);
	CU_ASSERT_TRUE(has("memory space disabled"));
	CU_ASSERT_EQUAL(f->mmio_reads, 0);
	done();
}

/* ---- Firmware log ---------------------------------------------------------------- */

static void put_log(uint64_t va, uint32_t size, uint32_t header_size, uint32_t canary,
		    const char *name, uint32_t write_index, uint32_t wrap, uint32_t read_index,
		    uint32_t read_wrap, const void *data, size_t data_len)
{
	struct npu_tracing_buffer_header h = { 0 };

	h.host_canary_start = NPU_TRACING_BUFFER_CANARY;
	h.read_index = read_index;
	h.read_wrap_count = read_wrap;
	h.vpu_canary_start = canary;
	h.write_index = write_index;
	h.wrap_count = wrap;
	h.size = size;
	h.header_version = 1;
	h.header_size = (uint16_t)header_size;
	snprintf(h.name, sizeof(h.name), "%s", name);
	CU_ASSERT_EQUAL(npu_global_write(dev, va, &h, sizeof(h)), 0);
	if (data_len)
		CU_ASSERT_EQUAL(npu_global_write(dev, va + header_size, data, data_len), 0);
}

static void test_log_buffers_walk(void)
{
	uint64_t crit, verb;

	booted();
	crit = dev->fw.log_crit->va;
	verb = dev->fw.log_verb->va;
	/* two consecutive buffers in the critical BO, one in the verbose BO */
	put_log(crit, 0x1000, 128, NPU_TRACING_BUFFER_CANARY, "LRT", 6, 0, 0, 0, "a\nbc\n", 6);
	put_log(crit + 0x1000, 0x800, 256, NPU_TRACING_BUFFER_CANARY, "SHV0", 3, 0, 0, 0, "xyz", 3);
	put_log(verb, 0x1000, 128, NPU_TRACING_BUFFER_CANARY, "LRT", 0, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_read_fw_log(dev, false, false, collect, NULL), 3);
	CU_ASSERT_STRING_EQUAL(out,
		"--- firmware log \"LRT\" (critical) ---\na\nbc\n"
		"--- end of firmware log \"LRT\" (critical) ---\n"
		"--- firmware log \"SHV0\" (critical) ---\nxyz\n"
		"--- end of firmware log \"SHV0\" (critical) ---\n"
		"--- firmware log \"LRT\" (verbose): empty ---\n");
	/* broken headers stop the walk: canary, header size, size */
	reset_out();
	put_log(crit + 0x1000, 0x800, 256, 0xCAFECAFF, "SHV0", 3, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_read_fw_log(dev, false, false, collect, NULL), 2);
	put_log(crit, 0x1000, 127, NPU_TRACING_BUFFER_CANARY, "LRT", 6, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_fw_log_print(dev, false, collect, NULL), 1);
	put_log(crit, 0x1000, 1028, NPU_TRACING_BUFFER_CANARY, "LRT", 6, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_fw_log_print(dev, false, collect, NULL), 1);
	put_log(crit, 0x80001, 128, NPU_TRACING_BUFFER_CANARY, "LRT", 6, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_fw_log_print(dev, false, collect, NULL), 1);     /* beyond the BO */
	put_log(crit, 100, 128, NPU_TRACING_BUFFER_CANARY, "LRT", 6, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_fw_log_print(dev, false, collect, NULL), 1);     /* size < header */
	put_log(crit, 1024, 1024, NPU_TRACING_BUFFER_CANARY, "BIG", 0, 0, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(npu_fw_log_print(dev, false, collect, NULL), 2);     /* 1024 accepted */
	done();
}

static void test_log_wrap_cases(void)
{
	char ring[64];
	uint64_t crit;

	booted();
	crit = dev->fw.log_crit->va;
	/* data area 64 bytes: [0, 10) newest, [46, 64) older; a line spans the wrap */
	memset(ring, 0, sizeof(ring));
	memcpy(ring, "tail\nNEW1\n", 10);
	memcpy(ring + 46, "OLD1\nOLD2\nwrapped-", 18);

	/* no wrap: [read_index, write_index) */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 5, 5, 5, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\nNEW1\n--- end of"));
	/* nothing new */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 5, 10, 5, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("--- firmware log \"R\" (critical): empty ---"));
	/* wrapped once: from max(read, write) to the end, then 0..write */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 6, 46, 5, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\nOLD1\nOLD2\nwrapped-tail\nNEW1\n--- end of"));
	/* wrapped once past the reader: what it had not read is partly
	 * overwritten, the oldest surviving byte is at write_index */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 6, 5, 5, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\nOLD1\nOLD2\nwrapped-tail\nNEW1\n--- end of"));
	/* wrapped more than once: the whole ring from write_index */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 9, 50, 5, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\nOLD1\nOLD2\nwrapped-tail\nNEW1\n--- end of"));
	/* mark read: read_index = write_index, read_wrap_count = wrap_count */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 6, 46, 5, ring, 64);
	npu_read_fw_log(dev, true, true, collect, NULL);
	reset_out();
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("\"R\" (critical): empty"));
	{
		struct npu_tracing_buffer_header h;

		CU_ASSERT_EQUAL(npu_global_read(dev, crit, &h, sizeof(h)), 0);
		CU_ASSERT_EQUAL(h.read_index, 10);
		CU_ASSERT_EQUAL(h.read_wrap_count, 6);
		/* a cold boot (recovery) resets the reader */
		CU_ASSERT_EQUAL(npu_recover(dev, "test"), 0);
		CU_ASSERT_EQUAL(npu_global_read(dev, crit, &h, sizeof(h)), 0);
		CU_ASSERT_EQUAL(h.read_index, 0);
		CU_ASSERT_EQUAL(h.read_wrap_count, 0);
	}
	/* indices beyond the data area are clamped (write) or restarted (read) */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 999, 5, 999, 5, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\ntail\nNEW1\nOLD1\nOLD2\nwrapped-\n--- end of"));
	done();
}

static void test_log_lines(void)
{
	char data[700];
	uint64_t crit;

	booted();
	crit = dev->fw.log_crit->va;
	memset(data, 'x', sizeof(data));
	memcpy(data, "one\0\0two\r\n\nthree\n", 17);      /* NULs and blank lines skipped, \r dropped */
	data[699] = '\n';                                 /* then 682 x's: 255 + 255 + 172 */
	put_log(crit, 128 + 1024, 128, NPU_TRACING_BUFFER_CANARY, "L", 700, 0, 0, 0, data, 700);
	npu_read_fw_log(dev, false, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\none\ntwo\nthree\n"));
	{
		char *p = strstr(out, "three\n") + 6;
		size_t l1 = strcspn(p, "\n");
		size_t l2 = strcspn(p + l1 + 1, "\n");
		size_t l3 = strcspn(p + l1 + l2 + 2, "\n");

		CU_ASSERT_EQUAL(l1, 255);
		CU_ASSERT_EQUAL(l2, 255);
		CU_ASSERT_EQUAL(l3, 172);
	}
	done();

	/* no log buffers yet */
	f = fake_npu_new();
	CU_ASSERT_EQUAL_FATAL(fake_open(f, fake_fw_file(), &dev), 0);
	CU_ASSERT_EQUAL(npu_read_fw_log(dev, false, false, collect, NULL), -EAGAIN);
	done();
}

/* Reading everything ignores where the reader is: a ring that wrapped
 * comes out whole, oldest byte first, even right after a mark-read; and
 * only printable ASCII and tabs of the text reach the reader. */
static void test_log_everything_and_filtering(void)
{
	char ring[64];
	uint64_t crit;

	booted();
	crit = dev->fw.log_crit->va;
	memset(ring, 0, sizeof(ring));
	memcpy(ring, "tail\nNEW1\n", 10);
	memcpy(ring + 46, "OLD1\nOLD2\nwrapped-", 18);
	/* reader up to date (read == write, same lap) */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 3, 10, 3, ring, 64);
	npu_read_fw_log(dev, true, false, collect, NULL);
	CU_ASSERT_TRUE(has("\"R\" (critical): empty"));
	reset_out();
	npu_read_fw_log(dev, false, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\nOLD1\nOLD2\nwrapped-tail\nNEW1\n--- end of"));
	/* never wrapped: [0, write_index) */
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "R", 10, 0, 10, 0, ring, 64);
	npu_read_fw_log(dev, false, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\ntail\nNEW1\n--- end of"));

	/* ESC sequences, '\r', bytes >= 0x80 dropped; tabs kept */
	memset(ring, 0, sizeof(ring));
	memcpy(ring, "a\tb\x1b[31mred\x1b[0m\r\xc3\xa9!\n", 20);
	reset_out();
	put_log(crit, 128 + 64, 128, NPU_TRACING_BUFFER_CANARY, "F", 20, 0, 0, 0, ring, 64);
	npu_read_fw_log(dev, false, false, collect, NULL);
	CU_ASSERT_TRUE(has("(critical) ---\na\tb[31mred[0m!\n--- end of"));
	done();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_diag", NULL, NULL);
	CU_add_test(s, "decoded register dump", test_register_dump);
	CU_add_test(s, "log buffers: walk and header checks", test_log_buffers_walk);
	CU_add_test(s, "log wrap cases, mark read, reset", test_log_wrap_cases);
	CU_add_test(s, "log line splitting", test_log_lines);
	CU_add_test(s, "log read in full, text filtering", test_log_everything_and_filtering);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
