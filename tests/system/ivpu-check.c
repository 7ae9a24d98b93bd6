/* SPDX-License-Identifier: MIT */
/*
 * ivpu-check — conformance check of -device intel-npu-mtl + our firmware
 * against Linux 6.12's own driver (intel_vpu), from inside the guest
 * (issue 7). Built static; uses only the kernel's uapi header
 * drm/ivpu_accel.h (+ drm.h) of that same kernel (from Debian's
 * linux-headers-<ver>-common, see images/linux/kernel.sh).
 *
 * Paths checked, each reported PASS/FAIL in a summary:
 *   open      /dev/accel/accel0 exists and opens (intel_vpu probed, which
 *             includes the firmware boot)
 *   param.*   DRM_IOCTL_IVPU_GET_PARAM: device id, revision, platform type,
 *             core clock, context count, context base address, context id,
 *             firmware API versions 0..15 (16 must be rejected), unique
 *             inference id, tile config, SKU, capabilities, unknown param
 *   heartbeat GET_PARAM(ENGINE_HEARTBEAT): ivpu sends VPU_JSM_MSG_QUERY_ENGINE_HB
 *             to the firmware (resuming the NPU if it is runtime-suspended)
 *   bo.*      DRM_IOCTL_IVPU_BO_CREATE + BO_INFO for several sizes and flags
 *             (cached/WC, mappable, SHAVE and DMA ranges): VPU addresses in
 *             the right range (ivpu_hw.c memory_ranges_init for 37xx), sizes,
 *             flags; mmap() + write/read of mappable BOs; invalid requests
 *   job.*     the job path: SUBMIT, BO_WAIT and every command kind the
 *             firmware runs, fences across contexts, a full queue, many
 *             threads, a bad command, an MMU fault, a job that never ends
 *             (ivpu-jobs.c has the list)
 *   rpm       >= 3 runtime-suspend/resume cycles: idle -> runtime_status
 *             "suspended" (autosuspend delay 10 ms on 37xx), a heartbeat
 *             resumes it; counted with power/runtime_{active,suspended}_time
 *             and the kernel log's "[PM] Runtime suspend/resume" lines
 *   jsm.engine_reset  debugfs reset_engine: VPU_JSM_MSG_ENGINE_RESET, then a heartbeat
 *   recovery  debugfs force_recovery: ivpu's recovery (state dump, IP reset,
 *             cold boot), then a heartbeat; its two deliberate error lines
 *             ("Recovery triggered by debugfs", "Recovering the NPU") are
 *             not counted by the kmsg check
 *   reload    delete_module("intel_vpu"), finit_module() again: the device
 *             reappears, probes (boots the firmware) and answers a heartbeat
 *   kmsg      the kernel log has no error or warning from intel_vpu (level
 *             <= 4: dev_err/dev_warn, WARN splats in ivpu code)
 *
 * At the end it prints the firmware log (debugfs fw_log) for the record.
 * Exit status: 0 when every path passed, 1 otherwise.
 * Options: --module "FILE PARAMS..." (default: the line in /etc/ivpu-module),
 *          --cycles N (runtime-PM cycles, default 3), --verbose.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <drm/ivpu_accel.h>

#include "ivpu-check.h"


/* 37xx VPU address ranges (Linux 6.12 ivpu_hw.c memory_ranges_init) */
#define RANGE_USER_START   0xc0000000ull
#define RANGE_USER_END     (0xc0000000ull + 255ull * 1024 * 1024)
#define RANGE_SHAVE_START  0x180000000ull
#define RANGE_SHAVE_END    (0x180000000ull + 2ull * 1024 * 1024 * 1024)
#define RANGE_DMA_START    0x200000000ull
#define RANGE_DMA_END      (0x200000000ull + 8ull * 1024 * 1024 * 1024)

static int n_pass, n_fail;
static char failed[64][96];
bool verbose;
int fd = -1;

bool check(bool ok, const char *name, const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	printf("ivpu-check: %-4s %-28s %s\n", ok ? "PASS" : "FAIL", name, detail);
	fflush(stdout);
	if (ok) {
		n_pass++;
	} else {
		if (n_fail < 64)
			snprintf(failed[n_fail], sizeof(failed[0]), "%s", name);
		n_fail++;
	}
	return ok;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void msleep(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int read_sys(const char *rel, char *buf, size_t len)
{
	char path[256];
	int f;
	ssize_t n;

	snprintf(path, sizeof(path), ACCEL_SYS "/%s", rel);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, len - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static long long read_sys_num(const char *rel)
{
	char buf[64];

	return read_sys(rel, buf, sizeof(buf)) < 0 ? -1 : atoll(buf);
}

static void runtime_status(char *buf, size_t len)
{
	if (read_sys("power/runtime_status", buf, len) < 0)
		snprintf(buf, len, "(unreadable)");
}

/* ---- kernel log (/dev/kmsg) -------------------------------------------------- */
/* Error lines that a check provokes on purpose (e.g. "Recovery triggered by
 * debugfs"): allowed when their sequence number is inside [lo, hi]. */
struct kmsg_allow {
	unsigned long long lo, hi;
	const char *text;
};
static struct kmsg_allow allowed[32];
static int n_allowed;

int kmsg_allow_open(const char *text)
{
	struct kmsg_stats k;

	kmsg_scan(&k, false);
	if (n_allowed == (int)(sizeof(allowed) / sizeof(allowed[0])))
		return n_allowed;
	allowed[n_allowed] = (struct kmsg_allow){ k.last_seq + 1, ~0ull, text };
	return n_allowed++;
}

void kmsg_allow_close(int from)
{
	struct kmsg_stats k;

	kmsg_scan(&k, false);
	for (int i = from; i < n_allowed; i++)
		if (allowed[i].hi == ~0ull)
			allowed[i].hi = k.last_seq;
}

static bool is_ivpu_line(const char *msg)
{
	return !strncmp(msg, "intel_vpu ", 10) || !strncmp(msg, "accel accel", 11) ||
	       (strstr(msg, "WARNING:") && strstr(msg, "ivpu"));
}

/* Reads the whole log; prints the issue lines when print_issues. */
void kmsg_scan(struct kmsg_stats *st, bool print_issues)
{
	int k = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char rec[8192], pending[48] = "";
	unsigned long long pending_ts = 0;

	memset(st, 0, sizeof(*st));
	if (k < 0) {
		printf("ivpu-check: /dev/kmsg: %s\n", strerror(errno));
		return;
	}
	for (;;) {
		ssize_t n = read(k, rec, sizeof(rec) - 1);
		char *semi, *msg, *nl, *comma;
		unsigned long long seq = 0, ts_us;
		bool ok = false;
		int level;

		if (n < 0) {
			if (errno == EPIPE)   /* overwritten records: continue */
				continue;
			break;                /* EAGAIN: end of the log */
		}
		rec[n] = 0;
		semi = strchr(rec, ';');
		if (!semi)
			continue;
		level = atoi(rec) & 7;
		comma = strchr(rec, ',');
		if (comma)
			seq = strtoull(comma + 1, NULL, 10);
		st->last_seq = seq;
		msg = semi + 1;
		{
			/* pri,seq,timestamp_us,flags;message */
			char *c2 = comma ? strchr(comma + 1, ',') : NULL;
			ts_us = c2 ? strtoull(c2 + 1, NULL, 10) : 0;
		}
		nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		if (!is_ivpu_line(msg))
			continue;
		st->total++;
		if (strstr(msg, "[PM] Runtime suspend done"))
			st->rpm_suspend++;
		if (strstr(msg, "[PM] Runtime resume done"))
			st->rpm_resume++;
		if (strstr(msg, "[JSM] TX:") && strstr(msg, "type:VPU_JSM_MSG_")) {
			const char *t = strstr(msg, "type:VPU_JSM_MSG_") + 17;
			snprintf(pending, sizeof(pending), "%.*s", (int)strcspn(t, ", )"), t);
			pending_ts = ts_us;
		} else if (strstr(msg, "[JSM] RX:") && pending[0]) {
			double ms = (double)(ts_us - pending_ts) / 1000.0;
			int i;

			for (i = 0; i < st->n_jsm && strcmp(st->jsm[i].type, pending); i++)
				;
			if (i < JSM_TYPES) {
				if (i == st->n_jsm) {
					snprintf(st->jsm[i].type, sizeof(st->jsm[i].type), "%s", pending);
					st->n_jsm++;
				}
				st->jsm[i].n++;
				st->jsm[i].sum_ms += ms;
				if (ms > st->jsm[i].max_ms)
					st->jsm[i].max_ms = ms;
			}
			pending[0] = 0;
		}
		if (level > 4)
			continue;
		for (int i = 0; i < n_allowed; i++)
			if (seq >= allowed[i].lo && seq <= allowed[i].hi && strstr(msg, allowed[i].text))
				ok = true;
		if (ok) {
			st->expected++;
			continue;
		}
		st->issues++;
		if (print_issues)
			printf("ivpu-check:   kernel log <%d>: %s\n", level, msg);
	}
	close(k);
}

/* ---- ioctls -------------------------------------------------------------------- */
int get_param(uint32_t param, uint32_t index, uint64_t *value)
{
	struct drm_ivpu_param p = { .param = param, .index = index };

	if (ioctl(fd, DRM_IOCTL_IVPU_GET_PARAM, &p) < 0)
		return -errno;
	*value = p.value;
	return 0;
}

int heartbeat(uint64_t *hb)
{
	return get_param(DRM_IVPU_PARAM_ENGINE_HEARTBEAT, DRM_IVPU_ENGINE_COMPUTE, hb);
}

static bool open_dev(unsigned wait_ms)
{
	double until = now_s() + wait_ms / 1000.0;

	do {
		fd = open(ACCEL_DEV, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			return true;
		if (errno != ENOENT)
			break;
		msleep(20);
	} while (now_s() < until);
	return false;
}

static void check_params(void)
{
	struct {
		uint32_t param;
		const char *name;
	} ro[] = {
		{ DRM_IVPU_PARAM_DEVICE_ID, "param.device_id" },
		{ DRM_IVPU_PARAM_DEVICE_REVISION, "param.revision" },
		{ DRM_IVPU_PARAM_PLATFORM_TYPE, "param.platform_type" },
		{ DRM_IVPU_PARAM_CORE_CLOCK_RATE, "param.core_clock_rate" },
		{ DRM_IVPU_PARAM_NUM_CONTEXTS, "param.num_contexts" },
		{ DRM_IVPU_PARAM_CONTEXT_BASE_ADDRESS, "param.context_base_address" },
		{ DRM_IVPU_PARAM_CONTEXT_ID, "param.context_id" },
		{ DRM_IVPU_PARAM_TILE_CONFIG, "param.tile_config" },
		{ DRM_IVPU_PARAM_SKU, "param.sku" },
	};
	uint64_t v, v2;
	int r;

	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		r = get_param(ro[i].param, 0, &v);
		if (r < 0) {
			check(false, ro[i].name, "GET_PARAM(%u): %s", ro[i].param, strerror(-r));
			continue;
		}
		switch (ro[i].param) {
		case DRM_IVPU_PARAM_DEVICE_ID:
			check(v == 0x7d1d || v == 0xad1d, ro[i].name, "0x%llx (expected 0x7d1d)", (unsigned long long)v);
			break;
		case DRM_IVPU_PARAM_PLATFORM_TYPE:
			check(v == DRM_IVPU_PLATFORM_TYPE_SILICON, ro[i].name,
			      "%llu (0 = silicon; 2 simics, 3 fpga make ivpu change its timeouts)", (unsigned long long)v);
			break;
		case DRM_IVPU_PARAM_CORE_CLOCK_RATE:
			check(v > 0, ro[i].name, "%llu Hz", (unsigned long long)v);
			break;
		case DRM_IVPU_PARAM_NUM_CONTEXTS:
			check(v > 0, ro[i].name, "%llu", (unsigned long long)v);
			break;
		case DRM_IVPU_PARAM_CONTEXT_BASE_ADDRESS:
			check(v == RANGE_USER_START, ro[i].name, "0x%llx (37xx user range starts at 0xc0000000)",
			      (unsigned long long)v);
			break;
		case DRM_IVPU_PARAM_CONTEXT_ID:
			check(v > 0, ro[i].name, "%llu", (unsigned long long)v);
			break;
		default:
			check(true, ro[i].name, "0x%llx", (unsigned long long)v);
			break;
		}
	}

	/* firmware API versions: header api_version[0..15], (major << 16) | minor */
	{
		char list[16 * 12] = "";
		bool ok = true;

		for (uint32_t i = 0; i < 16; i++) {
			r = get_param(DRM_IVPU_PARAM_FW_API_VERSION, i, &v);
			if (r < 0) {
				ok = false;
				snprintf(list + strlen(list), sizeof(list) - strlen(list), " [%u]:%s", i, strerror(-r));
			} else if (v) {
				snprintf(list + strlen(list), sizeof(list) - strlen(list), " %u:%llu.%llu", i,
					 (unsigned long long)(v >> 16), (unsigned long long)(v & 0xffff));
			}
		}
		check(ok, "param.fw_api_version[0..15]", "%s", list[0] ? list : " all zero");
		r = get_param(DRM_IVPU_PARAM_FW_API_VERSION, 16, &v);
		check(r == -EINVAL, "param.fw_api_version[16]", "%s (expected EINVAL)", r ? strerror(-r) : "accepted");
	}

	r = get_param(DRM_IVPU_PARAM_UNIQUE_INFERENCE_ID, 0, &v);
	if (r == 0)
		r = get_param(DRM_IVPU_PARAM_UNIQUE_INFERENCE_ID, 0, &v2);
	if (r)
		check(false, "param.unique_inference_id", "%s", strerror(-r));
	else
		check(v2 == v + 1, "param.unique_inference_id", "%llu then %llu",
		      (unsigned long long)v, (unsigned long long)v2);

	for (uint32_t cap = DRM_IVPU_CAP_METRIC_STREAMER; cap <= DRM_IVPU_CAP_DMA_MEMORY_RANGE; cap++) {
		char name[40];

		snprintf(name, sizeof(name), "param.capabilities[%u]", cap);
		r = get_param(DRM_IVPU_PARAM_CAPABILITIES, cap, &v);
		if (r)
			check(false, name, "%s", strerror(-r));
		else
			check(true, name, "%llu", (unsigned long long)v);
	}
	r = get_param(0xffff, 0, &v);
	check(r == -EINVAL, "param.unknown", "%s (expected EINVAL)", r ? strerror(-r) : "accepted");
}

static void check_heartbeat(void)
{
	uint64_t hb1 = 0, hb2 = 0, junk;
	double t0 = now_s(), t1;
	int r1, r2, r3;

	r1 = heartbeat(&hb1);
	t1 = now_s();
	r2 = heartbeat(&hb2);
	if (r1 || r2)
		check(false, "heartbeat", "QUERY_ENGINE_HB: %s", strerror(r1 ? -r1 : -r2));
	else
		check(true, "heartbeat", "QUERY_ENGINE_HB: %llu then %llu (first round trip %.1f ms)",
		      (unsigned long long)hb1, (unsigned long long)hb2, (t1 - t0) * 1000);
	r3 = get_param(DRM_IVPU_PARAM_ENGINE_HEARTBEAT, DRM_IVPU_ENGINE_COPY, &junk);
	check(r3 == -EINVAL, "heartbeat.copy_engine", "%s (expected EINVAL: 37xx has one engine)",
	      r3 ? strerror(-r3) : "accepted");
}

static void check_bos(void)
{
	struct {
		const char *name;
		uint64_t size;
		uint32_t flags;
		uint64_t lo, hi;
		bool map;
	} t[] = {
		{ "bo.4k_cached_mappable", 4096, DRM_IVPU_BO_MAPPABLE | DRM_IVPU_BO_CACHED, RANGE_USER_START, RANGE_USER_END, true },
		{ "bo.5000_wc_mappable", 5000, DRM_IVPU_BO_MAPPABLE | DRM_IVPU_BO_WC, RANGE_USER_START, RANGE_USER_END, true },
		{ "bo.1m_wc", 1 << 20, DRM_IVPU_BO_WC, RANGE_USER_START, RANGE_USER_END, false },
		{ "bo.64k_shave_mappable", 64 << 10, DRM_IVPU_BO_SHAVE_MEM | DRM_IVPU_BO_MAPPABLE, RANGE_SHAVE_START, RANGE_SHAVE_END, true },
		{ "bo.2m_dma_mappable", 2 << 20, DRM_IVPU_BO_DMA_MEM | DRM_IVPU_BO_MAPPABLE | DRM_IVPU_BO_WC, RANGE_DMA_START, RANGE_DMA_END, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct drm_ivpu_bo_create c = { .size = t[i].size, .flags = t[i].flags };
		struct drm_ivpu_bo_info info = { 0 };
		uint64_t want = (t[i].size + 4095) & ~4095ull;
		char why[256] = "";
		bool ok = true;

		if (ioctl(fd, DRM_IOCTL_IVPU_BO_CREATE, &c) < 0) {
			check(false, t[i].name, "BO_CREATE(size %llu flags 0x%x): %s",
			      (unsigned long long)t[i].size, t[i].flags, strerror(errno));
			continue;
		}
		info.handle = c.handle;
		if (ioctl(fd, DRM_IOCTL_IVPU_BO_INFO, &info) < 0) {
			check(false, t[i].name, "BO_INFO: %s", strerror(errno));
			continue;
		}
		if (c.vpu_addr < t[i].lo || c.vpu_addr + want > t[i].hi) {
			ok = false;
			snprintf(why, sizeof(why), "; vpu_addr outside [0x%llx, 0x%llx)",
				 (unsigned long long)t[i].lo, (unsigned long long)t[i].hi);
		}
		if (info.vpu_addr != c.vpu_addr || info.size != want || info.flags != t[i].flags) {
			ok = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why), "; BO_INFO disagrees");
		}
		if (t[i].map) {
			void *m = info.mmap_offset ? mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
							  (off_t)info.mmap_offset) : MAP_FAILED;
			if (m == MAP_FAILED) {
				ok = false;
				snprintf(why + strlen(why), sizeof(why) - strlen(why), "; mmap: %s",
					 info.mmap_offset ? strerror(errno) : "no mmap offset");
			} else {
				volatile uint32_t *w = m;
				size_t n = info.size / 4;
				bool data_ok = true;

				for (size_t j = 0; j < n; j += 257)
					w[j] = (uint32_t)(0x5a5a0000u ^ j);
				w[n - 1] = 0xc0ffee;
				for (size_t j = 0; j < n; j += 257)
					data_ok &= w[j] == (uint32_t)(0x5a5a0000u ^ j);
				data_ok &= w[n - 1] == 0xc0ffee;
				if (!data_ok) {
					ok = false;
					snprintf(why + strlen(why), sizeof(why) - strlen(why), "; mmap data mismatch");
				}
				munmap(m, info.size);
			}
		}
		check(ok, t[i].name, "handle %u vpu_addr 0x%llx size %llu flags 0x%x mmap_offset 0x%llx%s",
		      c.handle, (unsigned long long)c.vpu_addr, (unsigned long long)info.size, info.flags,
		      (unsigned long long)info.mmap_offset, why);
	}

	{
		struct drm_ivpu_bo_create c0 = { .size = 0, .flags = DRM_IVPU_BO_MAPPABLE };
		struct drm_ivpu_bo_create cb = { .size = 4096, .flags = 0x80000000u };
		struct drm_ivpu_bo_info bi = { .handle = 0xdead };
		int r0 = ioctl(fd, DRM_IOCTL_IVPU_BO_CREATE, &c0) < 0 ? errno : 0;
		int rb = ioctl(fd, DRM_IOCTL_IVPU_BO_CREATE, &cb) < 0 ? errno : 0;
		int ri = ioctl(fd, DRM_IOCTL_IVPU_BO_INFO, &bi) < 0 ? errno : 0;

		check(r0 == EINVAL && rb == EINVAL && ri == ENOENT, "bo.invalid",
		      "size 0: %s, unknown flag: %s, unknown handle: %s (expected EINVAL, EINVAL, ENOENT)",
		      r0 ? strerror(r0) : "accepted", rb ? strerror(rb) : "accepted", ri ? strerror(ri) : "accepted");
	}
}

/* Wait until power/runtime_status reads want (or the time is up). */
static bool wait_status(const char *want, unsigned ms, double *took)
{
	char st[32];
	double t0 = now_s();

	do {
		runtime_status(st, sizeof(st));
		if (!strcmp(st, want)) {
			*took = now_s() - t0;
			return true;
		}
		msleep(5);
	} while (now_s() - t0 < ms / 1000.0);
	*took = now_s() - t0;
	return false;
}

static void check_rpm(int cycles)
{
	char st[32], ctl[32] = "?";
	int ok_cycles = 0;
	struct kmsg_stats k0, k1;
	double took;

	read_sys("power/control", ctl, sizeof(ctl));
	runtime_status(st, sizeof(st));
	printf("ivpu-check: runtime PM: control=%s status=%s autosuspend_delay_ms=%lld\n", ctl, st,
	       read_sys_num("power/autosuspend_delay_ms"));
	kmsg_scan(&k0, false);
	for (int c = 1; c <= cycles; c++) {
		long long act0, sus0, act1, sus1;
		uint64_t hb = 0;
		bool suspended, resumed;
		int r;

		suspended = wait_status("suspended", 5000, &took);
		sus0 = read_sys_num("power/runtime_suspended_time");
		act0 = read_sys_num("power/runtime_active_time");
		if (!suspended) {
			runtime_status(st, sizeof(st));
			check(false, "rpm.cycle", "cycle %d: not runtime-suspended after %.1f s idle (status %s)", c, took, st);
			continue;
		}
		r = heartbeat(&hb);                 /* resumes the NPU (ivpu_rpm_get) */
		act1 = read_sys_num("power/runtime_active_time");
		resumed = r == 0 && wait_status("suspended", 5000, &took);
		sus1 = read_sys_num("power/runtime_suspended_time");
		act1 = read_sys_num("power/runtime_active_time");
		if (r == 0 && resumed && act1 > act0 && sus1 >= sus0) {
			ok_cycles++;
			printf("ivpu-check: rpm cycle %d: suspended -> heartbeat %llu (resumed) -> suspended again after %.0f ms; active_time %lld -> %lld ms\n",
			       c, (unsigned long long)hb, took * 1000, act0, act1);
		} else {
			check(false, "rpm.cycle", "cycle %d: heartbeat %s, suspended again: %s, active_time %lld -> %lld ms",
			      c, r ? strerror(-r) : "ok", resumed ? "yes" : "no", act0, act1);
		}
	}
	kmsg_scan(&k1, false);
	check(ok_cycles == cycles, "rpm", "%d/%d suspend/resume cycles; kernel log: %d runtime resumes, %d runtime suspends%s",
	      ok_cycles, cycles, k1.rpm_resume - k0.rpm_resume, k1.rpm_suspend - k0.rpm_suspend,
	      k1.rpm_resume == 0 && k1.rpm_suspend == 0 ? " (no [PM] lines: load intel_vpu with dbg_mask bit 6 and dyndbg=+p)" : "");
}

/* ---- debugfs: engine reset, forced recovery, the firmware log ------------------- */
static char dbgdir[256];

bool find_debugfs(void)
{
	DIR *d;
	struct dirent *de;

	if (dbgdir[0])
		return true;
	mkdir("/sys/kernel/debug", 0755);
	if (syscall(SYS_mount, "debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) < 0 && errno != EBUSY) {
		printf("ivpu-check: mount debugfs: %s\n", strerror(errno));
		return false;
	}
	d = opendir("/sys/kernel/debug/accel");
	while (d && (de = readdir(d))) {
		char path[300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/fw_log", de->d_name);
		if (access(path, F_OK) == 0) {
			snprintf(dbgdir, sizeof(dbgdir), "/sys/kernel/debug/accel/%.64s", de->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
	return dbgdir[0] != 0;
}

int debugfs_write(const char *file, const char *val)
{
	char path[400];
	int f, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dbgdir, file);
	f = open(path, O_WRONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	if (write(f, val, strlen(val)) < 0)
		r = -errno;
	close(f);
	return r;
}

static void check_engine_reset(void)
{
	uint64_t hb = 0;
	int r;

	if (!find_debugfs()) {
		check(false, "jsm.engine_reset", "no intel_vpu directory in debugfs");
		return;
	}
	r = debugfs_write("reset_engine", "0");   /* VPU_JSM_MSG_ENGINE_RESET, engine 0 */
	if (r) {
		check(false, "jsm.engine_reset", "debugfs reset_engine: %s (ENGINE_RESET failed, see the kernel log)",
		      strerror(-r));
		return;
	}
	r = heartbeat(&hb);
	if (r)
		check(false, "jsm.engine_reset", "ENGINE_RESET done, then heartbeat: %s", strerror(-r));
	else
		check(true, "jsm.engine_reset", "ENGINE_RESET(compute) done, heartbeat %llu afterwards",
		      (unsigned long long)hb);
}

static void check_recovery(void)
{
	struct kmsg_stats k0, k1;
	uint64_t hb = 0;
	double t0;
	int r;

	if (!find_debugfs()) {
		check(false, "recovery", "no intel_vpu directory in debugfs");
		return;
	}
	kmsg_scan(&k0, false);
	/* ivpu reports a forced recovery at error level, on purpose */
	allowed[n_allowed++] = (struct kmsg_allow){ k0.last_seq + 1, ~0ull, "Recovery triggered by debugfs" };
	allowed[n_allowed++] = (struct kmsg_allow){ k0.last_seq + 1, ~0ull, "Recovering the NPU (reset #" };
	t0 = now_s();
	r = debugfs_write("force_recovery", "1");   /* state dump, IP reset, cold boot */
	kmsg_scan(&k1, false);
	allowed[n_allowed - 1].hi = allowed[n_allowed - 2].hi = k1.last_seq;
	if (r) {
		check(false, "recovery", "debugfs force_recovery: %s", strerror(-r));
		return;
	}
	r = heartbeat(&hb);
	if (r)
		check(false, "recovery", "recovered in %.0f ms, then heartbeat: %s", (now_s() - t0) * 1000, strerror(-r));
	else
		check(k1.expected - k0.expected >= 2, "recovery",
		      "forced recovery (state dump, reset, cold boot) in %.0f ms, heartbeat %llu afterwards%s",
		      (now_s() - t0) * 1000, (unsigned long long)hb,
		      k1.expected - k0.expected >= 2 ? "" : "; the kernel log does not show the recovery");
}

/* The firmware's log buffers as ivpu reads them (debugfs fw_log). */
static void print_fw_log(void)
{
	char path[400], line[1024];
	FILE *f;
	int n = 0;

	if (!find_debugfs())
		return;
	snprintf(path, sizeof(path), "%s/fw_log", dbgdir);
	f = fopen(path, "r");
	if (!f) {
		printf("ivpu-check: %s: %s\n", path, strerror(errno));
		return;
	}
	printf("ivpu-check: ---- firmware log (%s) ----\n", path);
	while (fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		n++;
	}
	fclose(f);
	printf("ivpu-check: ---- end of firmware log (%d lines) ----\n", n);
}

/* The first 8086:7d1d/ad1d function in sysfs, "" if none. */
static void find_npu(char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;

	bdf[0] = 0;
	while (d && (de = readdir(d))) {
		char path[300], v[16] = "", dv[16] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		if ((f = fopen(path, "r"))) { if (!fgets(v, sizeof(v), f)) v[0] = 0; fclose(f); }
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", de->d_name);
		if ((f = fopen(path, "r"))) { if (!fgets(dv, sizeof(dv), f)) dv[0] = 0; fclose(f); }
		if (!strncmp(v, "0x8086", 6) && (!strncmp(dv, "0x7d1d", 6) || !strncmp(dv, "0xad1d", 6))) {
			snprintf(bdf, len, "%.31s", de->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

static int read_module_line(char *file, size_t flen, char *params, size_t plen)
{
	char line[1024];
	FILE *f = fopen("/etc/ivpu-module", "r");
	char *sp;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	sp = strchr(line, ' ');
	if (sp)
		*sp++ = 0;
	snprintf(file, flen, "%.511s", line);
	snprintf(params, plen, "%s", sp ? sp : "");
	return 0;
}

static void check_reload(const char *module_line)
{
	char file[512], params[512];
	double t0;
	uint64_t id, hb = 0;
	int mfd, r;

	if (module_line) {
		const char *sp = strchr(module_line, ' ');
		snprintf(file, sizeof(file), "%.*s", sp ? (int)(sp - module_line) : (int)strlen(module_line), module_line);
		snprintf(params, sizeof(params), "%s", sp ? sp + 1 : "");
	} else if ((r = read_module_line(file, sizeof(file), params, sizeof(params))) < 0) {
		check(false, "reload", "/etc/ivpu-module: %s (or pass --module)", strerror(-r));
		return;
	}
	if (fd >= 0) {
		close(fd);
		fd = -1;
	}
	t0 = now_s();
	if (syscall(SYS_delete_module, "intel_vpu", O_NONBLOCK) < 0) {
		check(false, "reload.remove", "delete_module(intel_vpu): %s", strerror(errno));
		return;
	}
	check(access(ACCEL_DEV, F_OK) < 0, "reload.remove", "module removed in %.0f ms, %s gone",
	      (now_s() - t0) * 1000, ACCEL_DEV);
	mfd = open(file, O_RDONLY | O_CLOEXEC);
	if (mfd < 0) {
		check(false, "reload.insert", "%s: %s", file, strerror(errno));
		return;
	}
	t0 = now_s();
	r = (int)syscall(SYS_finit_module, mfd, params, 0);
	close(mfd);
	if (r < 0) {
		check(false, "reload.insert", "finit_module(%s, \"%s\"): %s", file, params, strerror(errno));
		return;
	}
	if (!open_dev(5000)) {
		check(false, "reload.insert", "%s did not come back after finit_module: %s (probe failed? see the kernel log)",
		      ACCEL_DEV, strerror(errno));
		return;
	}
	r = get_param(DRM_IVPU_PARAM_DEVICE_ID, 0, &id);
	if (r == 0)
		r = heartbeat(&hb);
	if (r)
		check(false, "reload.insert", "after re-insert: %s", strerror(-r));
	else
		check(true, "reload.insert", "probed again in %.0f ms, heartbeat %llu",
		      (now_s() - t0) * 1000, (unsigned long long)hb);
}

int main(int argc, char **argv)
{
	const char *module_line = NULL;
	int cycles = 3;
	struct kmsg_stats ks;
	char bdf[128] = "?", st[32];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--module") && i + 1 < argc)
			module_line = argv[++i];
		else if (!strcmp(argv[i], "--cycles") && i + 1 < argc)
			cycles = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--verbose"))
			verbose = true;
		else {
			fprintf(stderr, "usage: ivpu-check [--module \"FILE PARAMS\"] [--cycles N] [--verbose]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	find_npu(bdf, sizeof(bdf));
	open_dev(2000);
	if (!check(fd >= 0, "open", "%s: %s", ACCEL_DEV,
		   fd >= 0 ? "ok" : !bdf[0] ? "no NPU (8086:7d1d) on the PCI bus (QEMU: -device intel-npu-mtl)" :
		   access("/sys/module/intel_vpu", F_OK) < 0 ? "intel_vpu is not loaded" :
		   "intel_vpu is loaded but did not create the device: its probe failed (kernel log below)")) {
		goto summary;
	}
	{
		char link[256];
		ssize_t n = readlink(ACCEL_SYS, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			snprintf(bdf, sizeof(bdf), "%.127s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
		}
		runtime_status(st, sizeof(st));
		printf("ivpu-check: %s is PCI %s, runtime_status %s\n", ACCEL_DEV, bdf, st);
	}
	check_params();
	check_heartbeat();
	check_bos();
	check_jobs();
	check_engine_reset();
	check_recovery();
	/* idle: close the file so nothing holds the device, then cycle */
	close(fd);
	fd = -1;
	if (!open_dev(1000)) {
		check(false, "rpm", "reopen %s: %s", ACCEL_DEV, strerror(errno));
	} else {
		check_rpm(cycles);
	}
	check_reload(module_line);
	if (fd >= 0) {
		close(fd);
		fd = -1;
	}

	print_fw_log();

summary:
	kmsg_scan(&ks, true);
	if (ks.n_jsm) {
		printf("ivpu-check: JSM round trips (kernel log TX -> RX; ivpu waits 500 ms, PWR_D0I3_ENTER 5 ms):\n");
		for (int i = 0; i < ks.n_jsm; i++)
			printf("ivpu-check:   %-26s n=%-3d mean %.3f ms  max %.3f ms\n", ks.jsm[i].type,
			       ks.jsm[i].n, ks.jsm[i].sum_ms / ks.jsm[i].n, ks.jsm[i].max_ms);
	}
	check(ks.issues == 0, "kmsg", "%d intel_vpu error/warning line(s) among %d intel_vpu lines%s%s",
	      ks.issues, ks.total, ks.issues ? " (listed above)" : "",
	      ks.expected ? " (not counting the recovery's own error lines)" : "");
	printf("ivpu-check: SUMMARY: %d passed, %d failed", n_pass, n_fail);
	for (int i = 0; i < n_fail && i < 64; i++)
		printf("%s%s", i ? ", " : " (", failed[i]);
	printf("%s\n", n_fail ? ")" : "");
	return n_fail ? 1 : 0;
}
