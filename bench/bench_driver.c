/* SPDX-License-Identifier: MIT */
/*
 * Driver benchmark: boot-to-ready time and JSM round-trip latency
 * (QUERY_ENGINE_HB) through any backend compiled into the build.
 *
 *   bench_driver [--backend=sim|qtest|linux] [--backend-args=STR]
 *                [--firmware=PATH] [--boots=N] [--rtt=N]
 *
 * Times are host wall time (CLOCK_MONOTONIC) unless marked "backend": the
 * backend's own clock (virtual time on sim and qtest). Prints the machine
 * it ran on. A backend that is not compiled in or cannot open (no QEMU, no
 * device) is skipped with the reason, exit status 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "npu/npu.h"
#include "npu/os.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static void machine(void)
{
	char line[256], model[256] = "unknown CPU";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10)) {
			char *c = strchr(line, ':');

			if (c) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = '\0';
			}
			break;
		}
	}
	if (f)
		fclose(f);
	uname(&u);
	printf("machine: %s, %ld CPUs online, %s %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, u.machine);
}

static void quiet(void *user, enum npu_log_level level, const char *line)
{
	/* failures are reported through npu_last_error */
}

static int open_dev(const char *backend, const char *args, const char *fw, struct npu_device **dev)
{
	struct npu_open_params p;

	npu_open_params_init(&p);
	p.backend = backend;
	p.backend_args = args;
	p.firmware_path = fw;
	p.log = quiet;
	p.log_level = NPU_LOG_ERROR;
	return npu_open(&p, dev);
}

int main(int argc, char **argv)
{
	const char *backend = "sim", *args = "", *fw = NULL;
	int boots = 20, rtt = 1000, ret;
	struct npu_device *dev = NULL;
	struct npu_info info;
	double *bt, *bb, *rt, t0, back0;
	uint64_t hb;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--backend=", 10))
			backend = argv[i] + 10;
		else if (!strncmp(argv[i], "--backend-args=", 15))
			args = argv[i] + 15;
		else if (!strncmp(argv[i], "--firmware=", 11))
			fw = argv[i] + 11;
		else if (!strncmp(argv[i], "--boots=", 8))
			boots = atoi(argv[i] + 8);
		else if (!strncmp(argv[i], "--rtt=", 6))
			rtt = atoi(argv[i] + 6);
		else {
			fprintf(stderr, "usage: bench_driver [--backend=NAME] [--backend-args=STR] "
				"[--firmware=PATH] [--boots=N] [--rtt=N]\n");
			return 2;
		}
	}
	if (boots < 1)
		boots = 1;
	if (rtt < 1)
		rtt = 1;
	if (strcmp(backend, "sim") && rtt > 100)
		rtt = 100;   /* slower backends: keep the run short */

	printf("bench-driver: backend %s%s%s%s\n", backend, *args ? " (args \"" : "", args,
	       *args ? "\")" : "");
	if (!npu_os_find(backend)) {
		printf("bench-driver: skipped: backend \"%s\" is not compiled into this build\n", backend);
		return 0;
	}
	machine();
	bt = calloc((size_t)boots, sizeof(double));
	bb = calloc((size_t)boots, sizeof(double));
	rt = calloc((size_t)rtt, sizeof(double));

	/* boot-to-ready: npu_boot (file validation, power-up, MMU, load, boot,
	 * ready message, interrupts) on a freshly opened device each time */
	for (int i = 0; i < boots; i++) {
		ret = open_dev(backend, args, fw, &dev);
		if (ret) {
			printf("bench-driver: skipped: cannot open the %s backend: %s\n", backend,
			       npu_last_error(dev));
			npu_close(dev);
			return 0;
		}
		t0 = now_us();
		ret = npu_boot(dev);
		bt[i] = now_us() - t0;
		if (ret) {
			printf("bench-driver: FAILED: boot: %s\n", npu_last_error(dev));
			npu_close(dev);
			return 1;
		}
		npu_get_info(dev, &info);
		bb[i] = info.boot_time_ns / 1e3;
		if (i == 0)
			printf("firmware: %s (%s)\n", info.fw_path, info.fw_version);
		if (i + 1 < boots)
			npu_close(dev);
	}
	/* JSM round trips on the last device */
	for (int i = 0; i < rtt; i++) {
		t0 = now_us();
		ret = npu_heartbeat(dev, &hb);
		rt[i] = now_us() - t0;
		if (ret) {
			printf("bench-driver: FAILED: heartbeat: %s\n", npu_last_error(dev));
			npu_close(dev);
			return 1;
		}
	}
	npu_get_info(dev, &info);
	back0 = info.boot_time_ns / 1e3;
	{
		double med = pct(bt, boots, 0.5), lo = pct(bt, boots, 0.0), hi = pct(bt, boots, 1.0);
		double bmed = pct(bb, boots, 0.5);
		double rmed = pct(rt, rtt, 0.5), r99 = pct(rt, rtt, 0.99);

		printf("boot-to-ready: median %.3f ms host (min %.3f, max %.3f) over %d boots; "
		       "%.3f ms backend time\n", med / 1e3, lo / 1e3, hi / 1e3, boots, bmed / 1e3);
		printf("JSM round trip (QUERY_ENGINE_HB): median %.1f us host, p99 %.1f us, over %d; "
		       "%llu IRQs, %llu polling fallbacks\n", rmed, r99, rtt,
		       (unsigned long long)info.irqs, (unsigned long long)info.irq_poll_fallbacks);
		if (!strcmp(backend, "sim"))
			printf("target: sim boot <= 20 ms host time: %s\n", med <= 20000 ? "met" : "MISSED");
	}
	(void)back0;
	npu_close(dev);
	free(bt);
	free(bb);
	free(rt);
	return 0;
}
