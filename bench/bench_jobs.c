/* SPDX-License-Identifier: MIT */
/*
 * Job benchmark: empty-job throughput (one NOP per job, one queue kept
 * full) and the bandwidth of a 16 MiB COPY job, beside a host memcpy of
 * the same 16 MiB measured in the same run, through any backend compiled
 * into the build.
 *
 *   bench_jobs [--backend=sim|qtest|linux] [--backend-args=STR]
 *              [--firmware=PATH] [--jobs=N] [--copies=N]
 *
 * Times are host wall time (CLOCK_MONOTONIC). Prints the machine it ran
 * on. A backend that is not compiled in or cannot open is skipped with the
 * reason, exit status 0; a job that fails is reported, exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "npu/cmdbuf.h"
#include "npu/npu.h"
#include "npu/os.h"

#define COPY_SIZE   (16u << 20)
#define WINDOW      62u          /* jobs a queue holds */
#define WAIT_MS     60000u

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

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void machine(void)
{
	char line[256], model[256] = "unknown CPU";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

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
	printf("machine: %s, %ld CPUs online, %s %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, u.machine);
}

static void quiet(void *user, enum npu_log_level level, const char *line)
{
	(void)user, (void)level, (void)line;
}

static int fail(struct npu_device *dev, const char *what)
{
	printf("bench-jobs: FAILED: %s: %s\n", what, npu_last_error(dev));
	npu_close(dev);
	return 1;
}

static int cmdbuf(struct npu_device *dev, uint32_t ssid, size_t size, struct npu_buffer **cb,
		  struct npu_cmdbuf *b)
{
	int ret = npu_buffer_alloc(dev, ssid, size, NPU_BUF_CACHED, cb);

	return ret ? ret : npu_cmdbuf_init(b, npu_buffer_cpu(*cb), npu_buffer_va(*cb), size);
}

int main(int argc, char **argv)
{
	const char *backend = "sim", *args = "", *fw = NULL;
	int jobs = 5000, copies = 5, ret;
	struct npu_open_params p;
	struct npu_device *dev = NULL;
	struct npu_buffer *nop[WINDOW], *cp, *src, *dst;
	struct npu_cmdbuf b;
	uint32_t ssid, db, window[WINDOW], head = 0, n_out = 0, job;
	double t0, *dev_us, *host_us;
	int submitted = 0, completed = 0;
	uint8_t *hsrc, *hdst;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--backend=", 10))
			backend = argv[i] + 10;
		else if (!strncmp(argv[i], "--backend-args=", 15))
			args = argv[i] + 15;
		else if (!strncmp(argv[i], "--firmware=", 11))
			fw = argv[i] + 11;
		else if (!strncmp(argv[i], "--jobs=", 7))
			jobs = atoi(argv[i] + 7);
		else if (!strncmp(argv[i], "--copies=", 9))
			copies = atoi(argv[i] + 9);
		else {
			fprintf(stderr, "usage: bench_jobs [--backend=NAME] [--backend-args=STR] "
				"[--firmware=PATH] [--jobs=N] [--copies=N]\n");
			return 2;
		}
	}
	jobs = jobs < 1 ? 1 : jobs;
	copies = copies < 1 ? 1 : copies;
	printf("bench-jobs: backend %s%s%s%s\n", backend, *args ? " (args \"" : "", args,
	       *args ? "\")" : "");
	if (!npu_os_find(backend)) {
		printf("bench-jobs: skipped: backend \"%s\" is not compiled into this build\n",
		       backend);
		return 0;
	}
	machine();
	npu_open_params_init(&p);
	p.backend = backend;
	p.backend_args = args;
	p.firmware_path = fw;
	p.log = quiet;
	p.log_level = NPU_LOG_ERROR;
	if (npu_open(&p, &dev)) {
		printf("bench-jobs: skipped: cannot open the %s backend: %s\n", backend,
		       npu_last_error(dev));
		npu_close(dev);
		return 0;
	}
	if (npu_boot(dev))
		return fail(dev, "boot");
	if (npu_context_create(dev, &ssid) || npu_doorbell_register(dev, ssid, &db))
		return fail(dev, "context and doorbell");

	/* empty jobs, the queue kept full; one command buffer per slot, as a
	 * buffer in flight cannot be submitted again */
	for (unsigned i = 0; i < WINDOW; i++) {
		if (cmdbuf(dev, ssid, 4096, &nop[i], &b) || npu_cmdbuf_nop(&b, 8) ||
		    npu_cmdbuf_finish(&b))
			return fail(dev, "empty job");
		npu_buffer_flush(dev, nop[i], 0, 4096);
	}
	t0 = now_us();
	while (completed < jobs) {
		if (submitted < jobs && n_out < WINDOW) {
			uint32_t pos = (head + n_out) % WINDOW;

			ret = npu_job_submit(dev, db, nop[pos], 0, &job);
			if (!ret) {
				window[pos] = job;
				n_out++;
				submitted++;
				continue;
			}
			if (ret != -EBUSY || !n_out)
				return fail(dev, "submit");
		}
		if (npu_job_wait(dev, window[head], WAIT_MS, NULL))
			return fail(dev, "empty job");
		head = (head + 1) % WINDOW;
		n_out--;
		completed++;
	}
	t0 = now_us() - t0;
	printf("empty jobs: %d in %.1f ms host time: %.0f jobs/s (%.1f us per job)\n", jobs,
	       t0 / 1e3, jobs / t0 * 1e6, t0 / jobs);

	/* 16 MiB copies, each beside a host memcpy of the same size */
	if (npu_buffer_alloc(dev, ssid, COPY_SIZE, NPU_BUF_DMA, &src) ||
	    npu_buffer_alloc(dev, ssid, COPY_SIZE, NPU_BUF_DMA, &dst) ||
	    cmdbuf(dev, ssid, 4096, &cp, &b) ||
	    npu_cmdbuf_copy(&b, npu_buffer_va(dst), npu_buffer_va(src), COPY_SIZE) ||
	    npu_cmdbuf_finish(&b))
		return fail(dev, "copy job");
	npu_buffer_flush(dev, cp, 0, 4096);
	memset(npu_buffer_cpu(src), 0x5A, COPY_SIZE);
	npu_buffer_flush(dev, src, 0, COPY_SIZE);
	hsrc = malloc(COPY_SIZE);
	hdst = malloc(COPY_SIZE);
	dev_us = calloc((size_t)copies, sizeof(double));
	host_us = calloc((size_t)copies, sizeof(double));
	if (!hsrc || !hdst || !dev_us || !host_us) {
		printf("bench-jobs: FAILED: out of memory\n");
		npu_close(dev);
		return 1;
	}
	memset(hsrc, 0x5A, COPY_SIZE);
	memset(hdst, 0, COPY_SIZE);
	for (int i = 0; i < copies; i++) {
		t0 = now_us();
		if (npu_job_submit(dev, db, cp, 0, &job) || npu_job_wait(dev, job, WAIT_MS, NULL))
			return fail(dev, "16 MiB copy");
		dev_us[i] = now_us() - t0;
		t0 = now_us();
		memcpy(hdst, hsrc, COPY_SIZE);
		host_us[i] = now_us() - t0;
		hsrc[i] ^= hdst[COPY_SIZE - 1 - i];   /* keep the copy from being elided */
	}
	npu_buffer_invalidate(dev, dst, 0, COPY_SIZE);
	if (memcmp(npu_buffer_cpu(src), npu_buffer_cpu(dst), COPY_SIZE)) {
		printf("bench-jobs: FAILED: the 16 MiB copy's destination differs from its source\n");
		npu_close(dev);
		return 1;
	}
	{
		double d = median(dev_us, copies), h = median(host_us, copies);

		printf("16 MiB copy job: median %.2f ms host time, %.2f GB/s over %d; host memcpy "
		       "of 16 MiB: %.2f ms, %.2f GB/s; copy job / memcpy = %.3f\n", d / 1e3,
		       COPY_SIZE / d / 1e3, copies, h / 1e3, COPY_SIZE / h / 1e3, h / d);
	}
	free(hsrc);
	free(hdst);
	free(dev_us);
	free(host_us);
	npu_close(dev);
	return 0;
}
