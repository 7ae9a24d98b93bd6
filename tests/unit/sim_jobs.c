/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the sim-backend job tests (sim_jobs.h).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_jobs.h"
#include "sim.h"

#ifndef NPU_TEST_FIRMWARE
#define NPU_TEST_FIRMWARE "build/firmware/vpu_37xx_v1.bin"
#endif

struct sim_jobs sim;
static char logbuf[1 << 16];
static size_t loglen;

static void capture(void *user, enum npu_log_level level, const char *line)
{
	size_t n = strlen(line);

	(void)user;
	if (getenv("NPU_TEST_VERBOSE"))
		fprintf(stderr, "  [%d] %s\n", level, line);
	if (loglen + n + 2 >= sizeof(logbuf))
		loglen = 0;
	memcpy(logbuf + loglen, line, n);
	loglen += n;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

void sim_jobs_open(enum npu_sched_mode mode, uint32_t tdr_ms)
{
	const char *env = getenv("NPU_FIRMWARE");
	struct npu_open_params p;
	struct npu_info info;

	memset(&sim, 0, sizeof(sim));
	npu_open_params_init(&p);
	p.backend = "sim";
	p.firmware_path = env && *env ? env : NPU_TEST_FIRMWARE;
	p.log = capture;
	p.log_level = NPU_LOG_INFO;
	p.sched_mode = mode;
	if (tdr_ms)
		p.timeouts.tdr_ms = tdr_ms;
	loglen = 0;
	logbuf[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(npu_open(&p, &sim.dev), 0);
	if (npu_boot(sim.dev))
		fprintf(stderr, "\n    boot: %s\n", npu_last_error(sim.dev));
	CU_ASSERT_EQUAL_FATAL(npu_get_info(sim.dev, &info), 0);
	CU_ASSERT_EQUAL_FATAL(info.power, NPU_POWER_READY);
	sim.recoveries_before = info.recoveries;
	CU_ASSERT_EQUAL_FATAL(npu_context_create(sim.dev, &sim.ssid), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(sim.dev, sim.ssid, &sim.db), 0);
}

void sim_jobs_close(void)
{
	uint64_t live = 0, gerr = 0;
	bool expect = sim.expect_guest_errors;

	npu_close(sim.dev);
	sim.dev = NULL;
	npu_sim_last_close(&live, &gerr);
	CU_ASSERT_EQUAL(live, 0);
	if (!expect)
		CU_ASSERT_EQUAL(gerr, 0);
	if (gerr && !expect)
		fprintf(stderr, "\n    guest errors; log:\n%s", logbuf);
}

struct npu_buffer *sim_jobs_buf(uint32_t ssid, size_t size, uint32_t flags)
{
	struct npu_buffer *b = NULL;

	CU_ASSERT_EQUAL_FATAL(npu_buffer_alloc(sim.dev, ssid, size, flags, &b), 0);
	return b;
}

struct npu_buffer *sim_jobs_cmdbuf(uint32_t ssid, struct npu_cmdbuf *b)
{
	struct npu_buffer *cb = sim_jobs_buf(ssid, 65536, NPU_BUF_CACHED);

	CU_ASSERT_EQUAL_FATAL(npu_cmdbuf_init(b, npu_buffer_cpu(cb), npu_buffer_va(cb),
					      npu_buffer_size(cb)), 0);
	return cb;
}

struct npu_buffer *sim_jobs_nop(uint32_t ssid)
{
	struct npu_cmdbuf b;
	struct npu_buffer *cb = sim_jobs_cmdbuf(ssid, &b);

	CU_ASSERT_EQUAL(npu_cmdbuf_nop(&b, 8), 0);
	CU_ASSERT_EQUAL(npu_cmdbuf_finish(&b), 0);
	npu_buffer_flush(sim.dev, cb, 0, npu_buffer_size(cb));
	return cb;
}

uint32_t sim_jobs_recoveries(void)
{
	struct npu_info info;

	npu_get_info(sim.dev, &info);
	return info.recoveries;
}
