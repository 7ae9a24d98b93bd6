/* SPDX-License-Identifier: MIT */
/*
 * ivpu-check's job path: what Linux 6.12's intel_vpu does with a SUBMIT and
 * a BO_WAIT (hw-facts §14), run against -device intel-npu-mtl and our
 * firmware. Command buffers are built the way Intel's kmd-test builds them
 * (hw-facts §11.9-§11.10): the header at the start of the command BO,
 * commands right after it, copy descriptors after the commands, the
 * context save area last; all in the one BO, with heap bases 0 and
 * absolute addresses (§11.8).
 *
 * Checks (each PASS/FAIL):
 *   job.copy.{4k,64k,4m,16m-1}  COPY, destination compared
 *   job.fill                    MEMORY_FILL, compared
 *   job.timestamp               TIMESTAMP: monotonic, 38.4 MHz
 *   job.dependent_copies        A->B, B->C, C->D in one job
 *   job.fence_two_contexts      a job in a second context waits on a fence a
 *                               job in the first context signals (the fence
 *                               BO shared through PRIME)
 *   job.queue_62                62 jobs outstanding on one queue; the 63rd
 *                               submit is refused with EBUSY
 *   job.threads                 8 threads, each its own context, at once
 *   job.unknown_command         job_status 1 (PARSING_ERR), the next job runs
 *   job.mmu_fault               a copy from a VA never mapped: the context is
 *                               aborted as 6.12 does it (status 256, EBADFD
 *                               afterwards), another context keeps working
 *   job.never_ends              a FENCE_WAIT never satisfied: the TDR
 *                               recovers the device, which works afterwards
 *   job.rpm                     runtime suspend and resume between two jobs
 *   job.infer.{int8,fp16}       INFERENCE_EXECUTE of the hand-built network
 *                               (npu-format/inference_net.h: conv 3x3 -> relu
 *                               -> max pool -> FC on the DPUs, an activation
 *                               engine and barriers), the output compared
 *                               with its plain-C reference
 * and prints (not checks) two figures: the median round trip of an empty
 * job, and 16 MiB copy bandwidth beside memcpy() in this guest.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <drm/drm.h>
#include <drm/ivpu_accel.h>

#include "intel-npu/cmdbuf.h"
#include "intel-npu/jsm.h"
#include "npu-format/inference_net.h"
#include "ivpu-check.h"

#define MiB (1024u * 1024u)
#define FENCE_WAIT_VALUE    3u   /* kmd-test's values (hw-facts §11.6) */
#define FENCE_SIGNAL_VALUE  4u
#define JOB_STATUS_ABORTED  256u /* DRM_IVPU_JOB_STATUS_ABORTED (hw-facts §13.4) */
#define COPY_CHUNK          (8u * MiB)   /* what the UMD puts in one descriptor (§12.2) */

/* ---- Buffers ------------------------------------------------------------------ */

struct bo {
	int fd;
	uint32_t handle;
	uint64_t va, size;
	uint8_t *map;
};

static int bo_new(int dfd, struct bo *b, uint64_t size, uint32_t flags)
{
	struct drm_ivpu_bo_create c = { .size = size, .flags = flags | DRM_IVPU_BO_MAPPABLE };
	struct drm_ivpu_bo_info info = { 0 };

	memset(b, 0, sizeof(*b));
	b->fd = dfd;
	if (ioctl(dfd, DRM_IOCTL_IVPU_BO_CREATE, &c) < 0)
		return -errno;
	info.handle = c.handle;
	if (ioctl(dfd, DRM_IOCTL_IVPU_BO_INFO, &info) < 0)
		return -errno;
	b->handle = c.handle;
	b->va = c.vpu_addr;
	b->size = info.size;
	b->map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, dfd,
		      (off_t)info.mmap_offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	return 0;
}

static void bo_free(struct bo *b)
{
	struct drm_gem_close cl = { .handle = b->handle };

	if (b->map)
		munmap(b->map, b->size);
	if (b->handle)
		ioctl(b->fd, DRM_IOCTL_GEM_CLOSE, &cl);
	memset(b, 0, sizeof(*b));
}

static void fill_pattern(uint8_t *p, uint64_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (uint64_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

/* ---- Command buffers -------------------------------------------------------------- */

struct cmdbuf {
	struct bo bo;
	uint32_t len;          /* end of the commands, from the header */
	uint32_t ndesc;        /* copy descriptors placed so far */
	uint32_t desc_off;     /* where they go: 64-aligned after the commands */
};

/* Commands after the header; descriptors from desc_off (kept clear of the
 * commands: the caller sizes the BO). */
static int cb_new(int dfd, struct cmdbuf *cb, uint64_t size)
{
	memset(cb, 0, sizeof(*cb));
	if (bo_new(dfd, &cb->bo, size, DRM_IVPU_BO_CACHED))
		return -1;
	memset(cb->bo.map, 0, cb->bo.size);
	cb->len = sizeof(struct npu_cmd_buffer_header);
	cb->desc_off = (uint32_t)(size / 2);
	return 0;
}

static void *cb_put(struct cmdbuf *cb, uint16_t type, uint16_t size)
{
	struct npu_cmd_header *h = (void *)(cb->bo.map + cb->len);

	h->type = type;
	h->size = size;
	cb->len += size;
	return h;
}

static void cb_copy(struct cmdbuf *cb, uint64_t src, uint64_t dst, uint64_t n)
{
	struct npu_cmd_copy_buffer *c = cb_put(cb, NPU_CMD_COPY, sizeof(*c));
	struct npu_cmd_copy_descriptor_37xx *d;
	uint32_t first = cb->ndesc;

	c->desc_start_offset = cb->bo.va + cb->desc_off + first * sizeof(*d);
	for (uint64_t done = 0; done < n; done += COPY_CHUNK) {
		d = (void *)(cb->bo.map + cb->desc_off + cb->ndesc * sizeof(*d));
		d->src_address = src + done;
		d->dst_address = dst + done;
		d->size = (uint32_t)(n - done < COPY_CHUNK ? n - done : COPY_CHUNK);
		cb->ndesc++;
	}
	c->desc_count = cb->ndesc - first;
}

static void cb_fill(struct cmdbuf *cb, uint64_t va, uint64_t n, uint32_t pattern)
{
	struct npu_cmd_memory_fill *f = cb_put(cb, NPU_CMD_MEMORY_FILL, sizeof(*f));

	f->start_address = va;
	f->size = n;
	f->fill_pattern = pattern;
}

static void cb_fence(struct cmdbuf *cb, uint16_t type, uint64_t va, uint64_t value)
{
	struct npu_cmd_fence *f = cb_put(cb, type, sizeof(*f));

	f->offset = va;
	f->value = value;
}

static void cb_timestamp(struct cmdbuf *cb, uint64_t va)
{
	struct npu_cmd_timestamp *t = cb_put(cb, NPU_CMD_TIMESTAMP, sizeof(*t));

	t->type = NPU_TIME_RAW;
	t->timestamp_address = va;
}

/* INFERENCE_EXECUTE (hw-facts §16.1): the HPI's address and its BO's size */
static void cb_inference(struct cmdbuf *cb, uint64_t id, uint64_t hpi, uint32_t size)
{
	struct npu_cmd_inference_execute *c = cb_put(cb, NPU_CMD_INFERENCE_EXECUTE, sizeof(*c));

	c->inference_id = id;
	c->host_mapped_inference.address = hpi;
	c->host_mapped_inference.width = size;
}

static void cb_end(struct cmdbuf *cb)
{
	struct npu_cmd_buffer_header *h = (void *)cb->bo.map;
	uint64_t save = (cb->bo.size - NPU_CONTEXT_SAVE_AREA_SIZE) & ~63ull;

	h->cmd_buffer_size = cb->len;
	h->cmd_offset = sizeof(*h);
	h->context_save_area_address = cb->bo.va + save;
}

/* SUBMIT with the command BO first; EBUSY (queue full) is retried like the
 * UMD does for up to 2 s unless no_retry. */
static int submit_ex(struct cmdbuf *cb, const uint32_t *extra, unsigned nextra, bool no_retry)
{
	uint32_t handles[16];
	struct drm_ivpu_submit s = { 0 };
	double until = now_s() + 2.0;

	handles[0] = cb->bo.handle;
	for (unsigned i = 0; i < nextra && i < 15; i++)
		handles[1 + i] = extra[i];
	s.buffers_ptr = (uintptr_t)handles;
	s.buffer_count = 1 + nextra;
	s.engine = DRM_IVPU_ENGINE_COMPUTE;
	s.commands_offset = 0;
	for (;;) {
		if (ioctl(cb->bo.fd, DRM_IOCTL_IVPU_SUBMIT, &s) == 0)
			return 0;
		if (errno != EBUSY || no_retry || now_s() > until)
			return -errno;
		usleep(100);
	}
}

static int submit(struct cmdbuf *cb, const uint32_t *extra, unsigned nextra)
{
	return submit_ex(cb, extra, nextra, false);
}

/* BO_WAIT on the command BO; 0 and *status, or -ETIMEDOUT / -errno. */
static int wait_job(struct cmdbuf *cb, unsigned timeout_ms, uint32_t *status)
{
	struct timespec ts;
	struct drm_ivpu_bo_wait w = { .handle = cb->bo.handle };

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.timeout_ns = (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec +
		       (int64_t)timeout_ms * 1000000ll;
	w.job_status = UINT32_MAX;
	if (ioctl(cb->bo.fd, DRM_IOCTL_IVPU_BO_WAIT, &w) < 0)
		return -errno;
	*status = w.job_status;
	return 0;
}

/* A whole job: submit, wait (5 s), status. */
static int run_job(struct cmdbuf *cb, const uint32_t *extra, unsigned nextra, uint32_t *status)
{
	int r = submit(cb, extra, nextra);

	return r ? r : wait_job(cb, 5000, status);
}

static const char *err_or_status(int r, uint32_t status, char *buf, size_t len)
{
	if (r)
		snprintf(buf, len, "%s", strerror(-r));
	else
		snprintf(buf, len, "job_status %u", status);
	return buf;
}

/* ---- Copies and fills --------------------------------------------------------------------- */

static void check_copy(const char *name, uint64_t size, uint32_t flags)
{
	struct bo src, dst;
	struct cmdbuf cb;
	uint32_t extra[2], status = 0;
	char why[96];
	int r;

	if (bo_new(fd, &src, size, flags) || bo_new(fd, &dst, size, flags) ||
	    cb_new(fd, &cb, 8192)) {
		check(false, name, "cannot allocate buffers: %s", strerror(errno));
		return;
	}
	fill_pattern(src.map, size, (uint32_t)size);
	memset(dst.map, 0xEE, size);
	cb_copy(&cb, src.va, dst.va, size);
	cb_end(&cb);
	extra[0] = src.handle;
	extra[1] = dst.handle;
	r = run_job(&cb, extra, 2, &status);
	if (r || status)
		check(false, name, "%s", err_or_status(r, status, why, sizeof(why)));
	else
		check(!memcmp(src.map, dst.map, size), name, "%llu bytes 0x%llx -> 0x%llx%s",
		      (unsigned long long)size, (unsigned long long)src.va,
		      (unsigned long long)dst.va, memcmp(src.map, dst.map, size) ?
		      ": destination differs" : ", destination equal");
	bo_free(&cb.bo);
	bo_free(&src);
	bo_free(&dst);
}

static void check_fill(void)
{
	const uint64_t size = 1 * MiB + 4096;
	const uint32_t pattern = 0xA5C3F00Du;
	struct bo b;
	struct cmdbuf cb;
	uint32_t status = 0;
	char why[96];
	bool ok = true;
	int r;

	if (bo_new(fd, &b, size + 4096, DRM_IVPU_BO_DMA_MEM) || cb_new(fd, &cb, 4096)) {
		check(false, "job.fill", "cannot allocate buffers: %s", strerror(errno));
		return;
	}
	memset(b.map, 0x11, b.size);
	cb_fill(&cb, b.va + 64, size, pattern);
	cb_end(&cb);
	r = run_job(&cb, &b.handle, 1, &status);
	for (uint64_t i = 0; !r && !status && i < size; i += 4)
		if (*(uint32_t *)(b.map + 64 + i) != pattern)
			ok = false;
	ok = ok && b.map[63] == 0x11 && b.map[64 + size] == 0x11;   /* nothing outside */
	check(!r && !status && ok, "job.fill", "%s%s", err_or_status(r, status, why, sizeof(why)),
	      ok ? ", 1 MiB + 4 KiB of the pattern, nothing outside" : ", contents wrong");
	bo_free(&cb.bo);
	bo_free(&b);
}

static void check_timestamp(void)
{
	struct bo ts;
	struct cmdbuf cb[2];
	uint32_t status[2] = { 1, 1 };
	uint64_t t[2];
	double w[2], hz;
	int r = 0;

	if (bo_new(fd, &ts, 4096, DRM_IVPU_BO_CACHED) || cb_new(fd, &cb[0], 4096) ||
	    cb_new(fd, &cb[1], 4096)) {
		check(false, "job.timestamp", "cannot allocate buffers: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < 2 && !r; i++) {
		cb_timestamp(&cb[i], ts.va + 64 * (uint64_t)i);
		cb_end(&cb[i]);
		w[i] = now_s();
		r = run_job(&cb[i], &ts.handle, 1, &status[i]);
		if (!i)
			msleep(200);
	}
	t[0] = *(volatile uint64_t *)ts.map;
	t[1] = *(volatile uint64_t *)(ts.map + 64);
	hz = (double)(t[1] - t[0]) / (w[1] - w[0]);
	/* a behaviour, not a timing: the counter runs at 38.4 MHz of the
	 * device's time, which under QEMU follows the guest's clock, and the
	 * 200 ms include a runtime suspend: the firmware continues its clock
	 * from what the host passes at the warm boot (hw-facts §4.4) */
	check(!r && !status[0] && !status[1] && t[1] > t[0] && hz > 38.4e6 * 0.9 && hz < 38.4e6 * 1.1,
	      "job.timestamp", "%s; 0x%llx then 0x%llx: %.1f MHz over %.0f ms (38.4 expected)",
	      r ? strerror(-r) : "ok", (unsigned long long)t[0], (unsigned long long)t[1],
	      hz / 1e6, (w[1] - w[0]) * 1000);
	bo_free(&cb[0].bo);
	bo_free(&cb[1].bo);
	bo_free(&ts);
}

static void check_dependent_copies(void)
{
	const uint64_t size = 256 * 1024;
	struct bo b[4];
	struct cmdbuf cb;
	uint32_t extra[4], status = 0;
	char why[96];
	int r;

	for (int i = 0; i < 4; i++)
		if (bo_new(fd, &b[i], size, DRM_IVPU_BO_CACHED)) {
			check(false, "job.dependent_copies", "cannot allocate: %s", strerror(errno));
			return;
		}
	if (cb_new(fd, &cb, 8192))
		return;
	fill_pattern(b[0].map, size, 77);
	for (int i = 1; i < 4; i++)
		memset(b[i].map, i, size);
	for (int i = 0; i < 3; i++) {
		cb_copy(&cb, b[i].va, b[i + 1].va, size);   /* each reads the one before */
		extra[i] = b[i].handle;
	}
	extra[3] = b[3].handle;
	cb_end(&cb);
	r = run_job(&cb, extra, 4, &status);
	check(!r && !status && !memcmp(b[0].map, b[3].map, size), "job.dependent_copies",
	      "%s; A->B, B->C, C->D in one job: D %s A", err_or_status(r, status, why, sizeof(why)),
	      memcmp(b[0].map, b[3].map, size) ? "differs from" : "equals");
	bo_free(&cb.bo);
	for (int i = 0; i < 4; i++)
		bo_free(&b[i]);
}

/* ---- Fences -------------------------------------------------------------------------------- */

static void check_fence_two_contexts(void)
{
	struct drm_prime_handle exp = { 0 }, imp = { 0 };
	struct drm_ivpu_bo_info info = { 0 };
	struct bo fence, src, dst;
	struct cmdbuf wcb, scb;
	uint32_t st_w = 1, st_s = 1, extra[3];
	int fd2 = open(ACCEL_DEV, O_RDWR | O_CLOEXEC);
	const uint64_t size = 64 * 1024;
	int r, early;

	if (fd2 < 0) {
		check(false, "job.fence_two_contexts", "second open: %s", strerror(errno));
		return;
	}
	if (bo_new(fd, &fence, 4096, DRM_IVPU_BO_CACHED) || cb_new(fd, &scb, 4096) ||
	    bo_new(fd2, &src, size, DRM_IVPU_BO_CACHED) ||
	    bo_new(fd2, &dst, size, DRM_IVPU_BO_CACHED) || cb_new(fd2, &wcb, 8192)) {
		check(false, "job.fence_two_contexts", "cannot allocate: %s", strerror(errno));
		close(fd2);
		return;
	}
	memset(fence.map, 0, 4096);
	/* the fence page in both contexts: exported from the first, imported
	 * into the second (its own BO there, the same pages) */
	exp.handle = fence.handle;
	exp.flags = DRM_CLOEXEC | DRM_RDWR;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp) < 0 ||
	    (imp.fd = exp.fd, ioctl(fd2, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp) < 0) ||
	    (info.handle = imp.handle, ioctl(fd2, DRM_IOCTL_IVPU_BO_INFO, &info) < 0)) {
		check(false, "job.fence_two_contexts", "sharing the fence BO through PRIME: %s",
		      strerror(errno));
		goto out;
	}
	close(exp.fd);
	fill_pattern(src.map, size, 5);
	memset(dst.map, 0, size);
	/* second context: wait for the fence, then copy */
	cb_fence(&wcb, NPU_CMD_FENCE_WAIT, info.vpu_addr, FENCE_WAIT_VALUE);
	cb_copy(&wcb, src.va, dst.va, size);
	cb_end(&wcb);
	extra[0] = imp.handle;
	extra[1] = src.handle;
	extra[2] = dst.handle;
	r = submit(&wcb, extra, 3);
	early = r ? r : wait_job(&wcb, 300, &st_w);
	/* first context: signal it */
	cb_fence(&scb, NPU_CMD_FENCE_SIGNAL, fence.va, FENCE_SIGNAL_VALUE);
	cb_end(&scb);
	if (!r)
		r = run_job(&scb, &fence.handle, 1, &st_s);
	if (!r)
		r = wait_job(&wcb, 5000, &st_w);
	check(!r && early == -ETIMEDOUT && !st_s && !st_w && !memcmp(src.map, dst.map, size),
	      "job.fence_two_contexts",
	      "waiter (context 2) %s before the signal, %s after; signaller (context 1) status %u; "
	      "fence 0x%llx/0x%llx; copy %s", early == -ETIMEDOUT ? "still waiting" : "NOT waiting",
	      r ? strerror(-r) : "done", st_s, (unsigned long long)fence.va,
	      (unsigned long long)info.vpu_addr, memcmp(src.map, dst.map, size) ? "wrong" : "right");
out:
	bo_free(&wcb.bo);
	bo_free(&scb.bo);
	bo_free(&src);
	bo_free(&dst);
	bo_free(&fence);
	close(fd2);
}

/* 62 outstanding jobs in one queue (63 slots, hw-facts §13.5): the first
 * waits on a fence the CPU sets at the end. */
static void check_queue_62(void)
{
	enum { N = 62 };
	static struct cmdbuf cb[N + 1];
	struct bo fence, buf;
	uint32_t extra[2], status;
	int r = 0, refused, bad = 0, n = 0;

	if (bo_new(fd, &fence, 4096, DRM_IVPU_BO_CACHED) || bo_new(fd, &buf, 64 * 1024, DRM_IVPU_BO_CACHED)) {
		check(false, "job.queue_62", "cannot allocate: %s", strerror(errno));
		return;
	}
	memset(fence.map, 0, 4096);
	fill_pattern(buf.map, 4096, 9);
	for (int i = 0; i <= N && !r; i++) {
		if (cb_new(fd, &cb[i], 4096)) {
			r = -errno;
			break;
		}
		if (i == 0)
			cb_fence(&cb[i], NPU_CMD_FENCE_WAIT, fence.va, FENCE_WAIT_VALUE);
		else   /* each copies the first 4 KiB to its own 1 KiB-shifted place */
			cb_copy(&cb[i], buf.va, buf.va + 4096 + (uint64_t)(i % 60) * 1024, 1024);
		cb_end(&cb[i]);
	}
	extra[0] = fence.handle;
	extra[1] = buf.handle;
	for (int i = 0; i < N && !r; i++, n++)
		r = submit_ex(&cb[i], extra, 2, true);
	refused = r ? 0 : submit_ex(&cb[N], extra, 2, true);
	*(volatile uint64_t *)fence.map = FENCE_SIGNAL_VALUE + 1;   /* the host signals */
	__sync_synchronize();
	for (int i = 0; i < n; i++)
		if (wait_job(&cb[i], 5000, &status) || status)
			bad++;
	check(!r && n == N && refused == -EBUSY && !bad, "job.queue_62",
	      "%d submitted%s%s; the 63rd: %s (EBUSY expected); %d of them failed after the fence",
	      n, r ? ", then: " : "", r ? strerror(-r) : "", refused ? strerror(-refused) : "accepted",
	      bad);
	for (int i = 0; i <= N; i++)
		bo_free(&cb[i].bo);
	bo_free(&fence);
	bo_free(&buf);
}

/* ---- Many threads ----------------------------------------------------------------------------- */

struct thr {
	pthread_t t;
	int id, jobs_ok, err;
};

static void *thread_jobs(void *arg)
{
	struct thr *t = arg;
	int tfd = open(ACCEL_DEV, O_RDWR | O_CLOEXEC);
	struct bo src, dst;
	struct cmdbuf cb;
	const uint64_t size = 128 * 1024;

	if (tfd < 0 || bo_new(tfd, &src, size, DRM_IVPU_BO_CACHED) ||
	    bo_new(tfd, &dst, size, DRM_IVPU_BO_CACHED)) {
		t->err = errno;
		if (tfd >= 0)
			close(tfd);
		return NULL;
	}
	for (int j = 0; j < 20; j++) {
		uint32_t extra[2] = { src.handle, dst.handle }, status = 1;

		if (cb_new(tfd, &cb, 4096)) {
			t->err = errno;
			break;
		}
		fill_pattern(src.map, size, (uint32_t)(t->id * 100 + j));
		cb_copy(&cb, src.va, dst.va, size);
		cb_end(&cb);
		if (!run_job(&cb, extra, 2, &status) && !status && !memcmp(src.map, dst.map, size))
			t->jobs_ok++;
		bo_free(&cb.bo);
	}
	bo_free(&src);
	bo_free(&dst);
	close(tfd);
	return NULL;
}

static void check_threads(void)
{
	struct thr t[8];
	int ok = 0;

	for (int i = 0; i < 8; i++) {
		t[i] = (struct thr){ .id = i };
		pthread_create(&t[i].t, NULL, thread_jobs, &t[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i].t, NULL);
		ok += t[i].jobs_ok;
	}
	check(ok == 8 * 20, "job.threads", "8 threads, each its own context, 20 copies each: %d of "
	      "160 right", ok);
}

/* ---- Errors ------------------------------------------------------------------------------------ */

static void check_unknown_command(void)
{
	struct cmdbuf bad, good;
	struct bo src, dst;
	uint32_t st_bad = 0, st_good = 1, extra[2];
	int r1, r2;

	if (cb_new(fd, &bad, 4096) || cb_new(fd, &good, 4096) ||
	    bo_new(fd, &src, 4096, DRM_IVPU_BO_CACHED) || bo_new(fd, &dst, 4096, DRM_IVPU_BO_CACHED))
		return;
	cb_put(&bad, 0x0999, 8);               /* no such command */
	cb_end(&bad);
	fill_pattern(src.map, 4096, 3);
	cb_copy(&good, src.va, dst.va, 4096);
	cb_end(&good);
	extra[0] = src.handle;
	extra[1] = dst.handle;
	r1 = run_job(&bad, NULL, 0, &st_bad);
	r2 = run_job(&good, extra, 2, &st_good);
	check(!r1 && st_bad == 1 && !r2 && !st_good && !memcmp(src.map, dst.map, 4096),
	      "job.unknown_command", "unknown type 0x0999: job_status %u (1 = PARSING_ERR "
	      "expected); the next job: status %u, copy %s", st_bad, st_good,
	      memcmp(src.map, dst.map, 4096) ? "wrong" : "right");
	bo_free(&bad.bo);
	bo_free(&good.bo);
	bo_free(&src);
	bo_free(&dst);
}

static void check_mmu_fault(void)
{
	int fd2 = open(ACCEL_DEV, O_RDWR | O_CLOEXEC), allow, r, r_after;
	struct bo never, dst, src, dst1;
	struct cmdbuf cb, cb2, other;
	uint32_t st = 0, st_other = 1, extra[2];

	if (fd2 < 0 || cb_new(fd2, &cb, 4096) || cb_new(fd2, &cb2, 4096) ||
	    bo_new(fd2, &never, 64 * 1024, DRM_IVPU_BO_CACHED) ||
	    bo_new(fd2, &dst, 64 * 1024, DRM_IVPU_BO_CACHED) || cb_new(fd, &other, 4096) ||
	    bo_new(fd, &src, 4096, DRM_IVPU_BO_CACHED) || bo_new(fd, &dst1, 4096, DRM_IVPU_BO_CACHED)) {
		check(false, "job.mmu_fault", "cannot allocate: %s", strerror(errno));
		return;
	}
	/* `never` is not listed in the submit, so 6.12 never maps it (§14.3) */
	cb_copy(&cb, never.va, dst.va, 64 * 1024);
	cb_end(&cb);
	allow = kmsg_allow_open("MMU EVTQ");
	r = run_job(&cb, &dst.handle, 1, &st);
	msleep(100);                          /* the abort work runs */
	cb_end(&cb2);
	r_after = submit(&cb2, NULL, 0);
	kmsg_allow_close(allow);
	/* the other context goes on */
	fill_pattern(src.map, 4096, 11);
	cb_copy(&other, src.va, dst1.va, 4096);
	cb_end(&other);
	extra[0] = src.handle;
	extra[1] = dst1.handle;
	run_job(&other, extra, 2, &st_other);
	/* 256 when the MMU event reached the kernel first (the usual order), the
	 * firmware's own USER_CTX_VIOL_ERR (5) when its JOB_DONE did */
	check(!r && (st == JOB_STATUS_ABORTED || st == NPU_JSM_STATUS_USER_CTX_VIOL_ERR) &&
	      r_after == -EBADFD && !st_other &&
	      !memcmp(src.map, dst1.map, 4096), "job.mmu_fault",
	      "faulting job: %s status %u (256, or 5 if JOB_DONE came first); next submit in that context: %s (EBADFD "
	      "expected); other context: status %u, copy %s", r ? strerror(-r) : "done", st,
	      r_after ? strerror(-r_after) : "accepted", st_other,
	      memcmp(src.map, dst1.map, 4096) ? "wrong" : "right");
	bo_free(&cb.bo);
	bo_free(&cb2.bo);
	bo_free(&never);
	bo_free(&dst);
	bo_free(&other.bo);
	bo_free(&src);
	bo_free(&dst1);
	close(fd2);
}

static void check_never_ends(void)
{
	int fd2 = open(ACCEL_DEV, O_RDWR | O_CLOEXEC), allow, r;
	struct bo fence;
	struct cmdbuf cb;
	uint32_t st = 0;
	uint64_t hb = 0;
	double t0;

	if (fd2 < 0 || bo_new(fd2, &fence, 4096, DRM_IVPU_BO_CACHED) || cb_new(fd2, &cb, 4096)) {
		check(false, "job.never_ends", "cannot allocate: %s", strerror(errno));
		return;
	}
	memset(fence.map, 0, 4096);
	cb_fence(&cb, NPU_CMD_FENCE_WAIT, fence.va, FENCE_WAIT_VALUE);   /* nobody signals */
	cb_end(&cb);
	allow = kmsg_allow_open("Recovery triggered by");
	kmsg_allow_open("Recovering the NPU");
	t0 = now_s();
	r = submit(&cb, &fence.handle, 1);
	if (!r)
		r = wait_job(&cb, 8000, &st);
	kmsg_allow_close(allow);
	check(!r && st == JOB_STATUS_ABORTED && !heartbeat(&hb), "job.never_ends",
	      "%s after %.1f s, job_status %u (256: aborted by the recovery); heartbeat %llu "
	      "afterwards", r ? strerror(-r) : "completed", now_s() - t0, st, (unsigned long long)hb);
	bo_free(&cb.bo);
	bo_free(&fence);
	close(fd2);
	/* the device takes jobs again */
	check_copy("job.after_recovery", 64 * 1024, DRM_IVPU_BO_CACHED);
}

static bool wait_suspended(unsigned ms)
{
	char st[32];
	double until = now_s() + ms / 1000.0;

	do {
		if (read_sys("power/runtime_status", st, sizeof(st)) == 0 && !strcmp(st, "suspended"))
			return true;
		msleep(5);
	} while (now_s() < until);
	return false;
}

static void check_rpm_jobs(void)
{
	bool suspended;

	check_copy("job.rpm.before", 4096, DRM_IVPU_BO_CACHED);
	suspended = wait_suspended(2000);
	check(suspended, "job.rpm.suspended", "runtime status between the jobs: %s",
	      suspended ? "suspended" : "never suspended");
	check_copy("job.rpm.after", 4096, DRM_IVPU_BO_CACHED);
}

/* ---- Figures (printed, not checked) --------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench_jobs(void)
{
	enum { N = 200 };
	static double rt[N];
	struct cmdbuf cb;
	struct bo src, dst;
	uint32_t status, extra[2];
	const uint64_t big = 16 * MiB;
	double t0, dev_s = 0, cpu_s;
	int done = 0;

	if (cb_new(fd, &cb, 4096))
		return;
	cb_end(&cb);                          /* an empty job: the header only */
	for (int i = 0; i < N; i++) {
		t0 = now_s();
		if (run_job(&cb, NULL, 0, &status) || status)
			break;
		rt[done++] = now_s() - t0;
	}
	bo_free(&cb.bo);
	if (done) {
		qsort(rt, (size_t)done, sizeof(rt[0]), cmp_double);
		printf("ivpu-check: BENCH empty_job_round_trip_median_ms %.3f (n=%d, min %.3f, max %.3f)\n",
		       rt[done / 2] * 1000, done, rt[0] * 1000, rt[done - 1] * 1000);
	}
	if (bo_new(fd, &src, big, DRM_IVPU_BO_DMA_MEM | DRM_IVPU_BO_CACHED) ||
	    bo_new(fd, &dst, big, DRM_IVPU_BO_DMA_MEM | DRM_IVPU_BO_CACHED) || cb_new(fd, &cb, 8192))
		return;
	fill_pattern(src.map, big, 1);
	cb_copy(&cb, src.va, dst.va, big);
	cb_end(&cb);
	extra[0] = src.handle;
	extra[1] = dst.handle;
	run_job(&cb, extra, 2, &status);      /* first: binds the pages (not measured) */
	for (int i = 0; i < 5; i++) {
		t0 = now_s();
		if (run_job(&cb, extra, 2, &status) || status)
			break;
		dev_s += now_s() - t0;
	}
	t0 = now_s();
	for (int i = 0; i < 5; i++)
		memcpy(dst.map, src.map, big);
	cpu_s = now_s() - t0;
	printf("ivpu-check: BENCH copy_16MiB_GBps %.2f memcpy_16MiB_GBps %.2f ratio %.2f\n",
	       5 * big / dev_s / 1e9, 5 * big / cpu_s / 1e9, cpu_s / dev_s);
	bo_free(&cb.bo);
	bo_free(&src);
	bo_free(&dst);
}

/* ---- Inference -------------------------------------------------------------------- */

/* The network the firmware, sim and qtest tests run, here through
 * intel_vpu's SUBMIT: its structures and data in two user-range BOs (the
 * HPI and task lists must lie below 4 GiB, hw-facts §16.3), both named in
 * the submit (§16.1). */
static void check_inference(const char *name, enum npu_net_type t, uint64_t id)
{
	struct bo inf, data;
	struct cmdbuf cb;
	uint32_t extra[2], status = 0;
	uint8_t expect[32];
	size_t n = npu_net_out_size(t);
	uint64_t hpi;
	char why[96];
	bool same;
	int r;

	if (bo_new(fd, &inf, NPU_NET_INF_SIZE, DRM_IVPU_BO_CACHED) ||
	    bo_new(fd, &data, NPU_NET_DATA_SIZE, DRM_IVPU_BO_CACHED) || cb_new(fd, &cb, 4096)) {
		check(false, name, "cannot allocate buffers: %s", strerror(errno));
		return;
	}
	hpi = npu_net_build(t, 7, inf.map, inf.va, data.map, data.va);
	if (!hpi) {
		check(false, name, "the builder refused the network at 0x%llx / 0x%llx",
		      (unsigned long long)inf.va, (unsigned long long)data.va);
		goto out;
	}
	npu_net_reference(t, data.map, expect);
	cb_inference(&cb, id, hpi, NPU_NET_INF_SIZE);
	cb_end(&cb);
	extra[0] = inf.handle;
	extra[1] = data.handle;
	r = run_job(&cb, extra, 2, &status);
	same = !r && !status && !memcmp(data.map + NPU_NET_OUT_OFF, expect, n);
	check(same, name, "%s; conv 3x3 -> relu -> max pool 2x2 -> FC 256x16, HPI 0x%llx: "
	      "output %s the reference", err_or_status(r, status, why, sizeof(why)),
	      (unsigned long long)hpi, same ? "equals" : "differs from");
out:
	bo_free(&cb.bo);
	bo_free(&data);
	bo_free(&inf);
}

void check_jobs(void)
{
	check_copy("job.copy.4k", 4096, DRM_IVPU_BO_CACHED);
	check_copy("job.copy.64k", 64 * 1024, DRM_IVPU_BO_CACHED);
	check_copy("job.copy.4m", 4 * MiB, DRM_IVPU_BO_DMA_MEM | DRM_IVPU_BO_CACHED);
	check_copy("job.copy.16m-1", 16 * MiB - 1, DRM_IVPU_BO_DMA_MEM | DRM_IVPU_BO_WC);
	check_fill();
	check_timestamp();
	check_dependent_copies();
	check_fence_two_contexts();
	check_queue_62();
	check_threads();
	check_unknown_command();
	check_mmu_fault();
	check_rpm_jobs();
	check_inference("job.infer.int8", NPU_NET_INT8, 1);
	check_inference("job.infer.fp16", NPU_NET_FP16, 2);
	bench_jobs();
	check_never_ends();
}
