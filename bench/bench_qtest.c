/* SPDX-License-Identifier: MIT */
/*
 * bench-qtest: how fast a host program can drive -device intel-npu-mtl
 * through qtest (driver/os/qtest_client.c). Every MMIO access is one
 * request/reply round trip over a Unix socket plus QEMU's dispatch into the
 * device model, so this bounds the driver's qtest backend.
 *
 * Prints the machine (CPU model, online CPUs, kernel), then:
 *   QEMU start + QMP quit         wall time per QEMU instance
 *   readl  BAR4 FMIN_FUSE         round trips/s (a buttress register)
 *   readl  BAR0 HW_VERSION        round trips/s (an IP register, powered)
 *   writel BAR4 PLL_ENABLE        round trips/s
 *   clock_step 1 us               round trips/s
 *   b64write / b64read 16 MiB     MB/s of guest memory
 * Environment: QTEST_QEMU_BINARY (required), NPU_BENCH_ITERS (default 20000).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "qtest_client.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_machine(const char *qemu)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], model[256] = "unknown", *out = NULL;
	struct utsname u;
	int status;

	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			snprintf(model, sizeof(model), "%s", c + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
	uname(&u);
	printf("bench-qtest: machine: %s, %ld CPUs online, %s %s %s\n", model,
	       sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release, u.machine);
	if (qt_run_once(qemu, "--version", 10000, &status, &out) == 0 && out) {
		out[strcspn(out, "\n")] = '\0';
		printf("bench-qtest: %s (%s)\n", out, qemu);
	}
	free(out);
}

static void report(const char *what, unsigned n, double secs)
{
	printf("bench-qtest: %-28s %8u round trips in %6.3f s = %8.0f round trips/s (%.1f us each)\n",
	       what, n, secs, n / secs, secs * 1e6 / n);
}

static struct qt *start(const char *qemu)
{
	struct qt_opts o = { .qemu = qemu, .args = "-device intel-npu-mtl,addr=03.0" };
	char err[8192];
	struct qt *q;

	if (qt_start(&q, &o, err, sizeof(err))) {
		fprintf(stderr, "bench-qtest: %s\n", err);
		exit(1);
	}
	return q;
}

/* Minimal power-up (hw-facts §3.1): D0i3 exit and a workpoint, so BAR0
 * answers. */
static void power_up(struct qt_npu *n)
{
	qt_npu_wr32(n, 4, NPU_BTRS_VPU_D0I3_CONTROL, 0);
	qt_npu_wr32(n, 4, NPU_BTRS_WP_REQ_PAYLOAD0, 0x00230009);
	qt_npu_wr32(n, 4, NPU_BTRS_WP_REQ_PAYLOAD1, 0x00800015);
	qt_npu_wr32(n, 4, NPU_BTRS_WP_REQ_PAYLOAD2, NPU_WP_CONFIG_MTL_2_TILES_4_3);
	qt_npu_wr32(n, 4, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	qt_clock_step(n->q, 100000);
}

int main(void)
{
	const char *qemu = qt_qemu_binary(), *env = getenv("NPU_BENCH_ITERS");
	unsigned iters = env && atoi(env) > 0 ? (unsigned)atoi(env) : 20000;
	const size_t bulk = 16u << 20;
	struct qt_npu n;
	struct qt *q;
	double t0, t1;
	uint8_t *buf;
	uint32_t sink = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!qemu) {
		fprintf(stderr, "bench-qtest: set QTEST_QEMU_BINARY (make bench-qtest does)\n");
		return 1;
	}
	print_machine(qemu);

	t0 = now_s();
	for (int i = 0; i < 5; i++)
		qt_quit(start(qemu));
	t1 = now_s();
	printf("bench-qtest: %-28s %8.1f ms per QEMU (average of 5)\n", "QEMU start + QMP quit",
	       (t1 - t0) * 1000 / 5);

	q = start(qemu);
	if (qt_npu_setup(q, &n, 0)) {
		fprintf(stderr, "bench-qtest: %s\n", qt_error(q));
		qt_kill(q);
		return 1;
	}
	power_up(&n);

	t0 = now_s();
	for (unsigned i = 0; i < iters; i++)
		sink += qt_npu_rd32(&n, 4, NPU_BTRS_FMIN_FUSE);
	report("readl BAR4 FMIN_FUSE", iters, now_s() - t0);

	t0 = now_s();
	for (unsigned i = 0; i < iters; i++)
		sink += qt_npu_rd32(&n, 0, NPU_HOST_SS_HW_VERSION);
	report("readl BAR0 HW_VERSION", iters, now_s() - t0);

	t0 = now_s();
	for (unsigned i = 0; i < iters; i++)
		qt_npu_wr32(&n, 4, NPU_BTRS_PLL_ENABLE, i);
	report("writel BAR4 PLL_ENABLE", iters, now_s() - t0);

	t0 = now_s();
	for (unsigned i = 0; i < iters / 4; i++)
		qt_clock_step(q, 1000);
	report("clock_step 1 us", iters / 4, now_s() - t0);

	buf = malloc(bulk);
	if (buf) {
		for (size_t i = 0; i < bulk; i++)
			buf[i] = (uint8_t)(i * 7);
		t0 = now_s();
		qt_memwrite(q, QT_ALLOC_BASE, buf, bulk);
		t1 = now_s();
		printf("bench-qtest: %-28s %8.1f MB/s\n", "b64write 16 MiB", bulk / 1e6 / (t1 - t0));
		t0 = now_s();
		qt_memread(q, QT_ALLOC_BASE, buf, bulk);
		t1 = now_s();
		printf("bench-qtest: %-28s %8.1f MB/s\n", "b64read 16 MiB", bulk / 1e6 / (t1 - t0));
		for (size_t i = 0; i < bulk; i++) {
			if (buf[i] != (uint8_t)(i * 7)) {
				fprintf(stderr, "bench-qtest: guest memory mismatch at %zu\n", i);
				qt_kill(q);
				return 1;
			}
		}
		free(buf);
	}
	if (qt_failed(q) || sink == 0) {
		fprintf(stderr, "bench-qtest: %s\n", qt_failed(q) ? qt_error(q) : "reads returned 0");
		qt_kill(q);
		return 1;
	}
	qt_quit(q);
	return 0;
}
