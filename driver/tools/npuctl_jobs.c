/* SPDX-License-Identifier: MIT */
/*
 * npuctl's job commands: copy and fill (one job each, the result checked
 * by the CPU), jobs (empty-job throughput) and infer (the built-in network). Each runs in a fresh user
 * context with its own doorbell; the buffers are where the Level Zero UMD
 * puts them on 37xx (hw-facts §15.4): the command buffer in the user range,
 * the data in the dma range.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npuctl.h"
#include "npu/cmdbuf.h"
#include "npu-format/inference_net.h"

#define WAIT_MS        60000u   /* the TDR ends a stuck job long before */
#define JOBS_WINDOW    62u      /* a queue holds 62 jobs (hw-facts §13.5) */

struct session {
	uint32_t ssid, db;
	bool ctx;
};

static int session_open(struct run *r, struct session *s)
{
	memset(s, 0, sizeof(*s));
	if (step(r, "context create", npu_context_create(r->dev, &s->ssid)))
		return r->err;
	s->ctx = true;
	if (step(r, "doorbell register", npu_doorbell_register(r->dev, s->ssid, &s->db)))
		return r->err;
	say("context:     SSID %u, doorbell %u", s->ssid, s->db);
	return 0;
}

/* Destroying the context frees its buffers and unregisters its doorbell. */
static void session_close(struct run *r, struct session *s)
{
	if (s->ctx)
		step(r, "context destroy", npu_context_destroy(r->dev, s->ssid));
}

static struct npu_buffer *alloc(struct run *r, struct session *s, uint64_t size, uint32_t flags,
				const char *what)
{
	struct npu_buffer *b = NULL;

	if (size > SIZE_MAX) {
		step(r, what, -EINVAL);
		return NULL;
	}
	step(r, what, npu_buffer_alloc(r->dev, s->ssid, (size_t)size, flags, &b));
	return b;
}

/* A command buffer with room for the commands and descriptors of nbytes of copy */
static struct npu_buffer *cmdbuf_alloc(struct run *r, struct session *s, uint64_t copy_bytes,
				       struct npu_cmdbuf *b)
{
	uint64_t descs = (copy_bytes + NPU_CMDBUF_COPY_CHUNK - 1) / NPU_CMDBUF_COPY_CHUNK;
	uint64_t size = 4096 + descs * 64 + (descs / 4096 + 1) * 24;
	struct npu_buffer *cb = alloc(r, s, size, NPU_BUF_CACHED, "command buffer");

	if (!cb)
		return NULL;
	if (npu_cmdbuf_init(b, npu_buffer_cpu(cb), npu_buffer_va(cb), npu_buffer_size(cb))) {
		fprintf(stderr, "npuctl: %s\n", npu_cmdbuf_error(b));
		step(r, "command buffer", -EINVAL);
		return NULL;
	}
	return cb;
}

static int builder(struct run *r, struct npu_cmdbuf *b, int ret)
{
	if (ret) {
		fprintf(stderr, "npuctl: command buffer: %s\n", npu_cmdbuf_error(b));
		return step(r, "command buffer", ret);
	}
	return 0;
}

/* Submit and wait; reports the job's id and status. */
static int run_job(struct run *r, struct session *s, struct npu_buffer *cb, double *ms)
{
	uint32_t job = 0, status = UINT32_MAX;
	double t0 = wall_ms();
	int ret;

	npu_buffer_flush(r->dev, cb, 0, npu_buffer_size(cb));
	ret = step(r, "job submit", npu_job_submit(r->dev, s->db, cb, 0, &job));
	if (ret)
		return ret;
	ret = npu_job_wait(r->dev, job, WAIT_MS, &status);
	*ms = wall_ms() - t0;
	if (json_mode) {
		j_u("job_id", job);
		if (status != UINT32_MAX) {
			j_u("job_status", status);
			j_s("job_status_name", npu_job_status_name(status));
		}
	}
	say("job:         0x%x, job_status %u (%s), %.3f ms host time", job, status,
	    status == UINT32_MAX ? "none" : npu_job_status_name(status), *ms);
	return step(r, "job wait", ret);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

int cmd_copy(struct run *r)
{
	uint64_t size = r->o->size ? r->o->size : 4096, seed = 0x9E3779B97F4A7C15ull;
	struct npu_buffer *src, *dst, *cb;
	struct npu_cmdbuf b;
	struct session s;
	uint8_t *sp, *dp;
	double ms = 0;

	if (session_open(r, &s))
		goto out;
	src = alloc(r, &s, size, NPU_BUF_DMA, "source buffer");
	dst = src ? alloc(r, &s, size, NPU_BUF_DMA, "destination buffer") : NULL;
	cb = dst ? cmdbuf_alloc(r, &s, size, &b) : NULL;
	if (!cb)
		goto out;
	sp = npu_buffer_cpu(src);
	dp = npu_buffer_cpu(dst);
	for (uint64_t i = 0; i < size; i += 8) {
		uint64_t v = xorshift(&seed);

		memcpy(sp + i, &v, size - i < 8 ? (size_t)(size - i) : 8);
	}
	memset(dp, 0, (size_t)size);
	npu_buffer_flush(r->dev, src, 0, (size_t)size);
	npu_buffer_flush(r->dev, dst, 0, (size_t)size);
	if (builder(r, &b, npu_cmdbuf_copy(&b, npu_buffer_va(dst), npu_buffer_va(src), size)) ||
	    builder(r, &b, npu_cmdbuf_finish(&b)))
		goto out;
	say("copy:        %llu bytes, 0x%llx -> 0x%llx, %u descriptor(s)",
	    (unsigned long long)size, (unsigned long long)npu_buffer_va(src),
	    (unsigned long long)npu_buffer_va(dst), b.n_descs);
	if (json_mode) {
		j_u("bytes", size);
		j_u("descriptors", b.n_descs);
	}
	if (run_job(r, &s, cb, &ms))
		goto out;
	npu_buffer_invalidate(r->dev, dst, 0, (size_t)size);
	for (uint64_t i = 0; i < size; i++) {
		if (sp[i] != dp[i]) {
			fprintf(stderr, "npuctl: copy: the destination differs from the source at "
				"byte %llu (0x%02x instead of 0x%02x)\n", (unsigned long long)i,
				dp[i], sp[i]);
			step(r, "copy verify", -EIO);
			goto out;
		}
	}
	say("verified:    destination equals source (%.3f GB/s host time)", size / ms / 1e6);
	if (json_mode)
		j_b("verified", true);
out:
	session_close(r, &s);
	return r->err;
}

int cmd_fill(struct run *r)
{
	uint64_t size = r->o->size ? r->o->size : 4096;
	uint32_t pattern = r->o->pattern;
	const uint8_t *pb = (const uint8_t *)&pattern;
	struct npu_buffer *dst, *cb;
	struct npu_cmdbuf b;
	struct session s;
	uint8_t *dp;
	size_t bo;
	double ms = 0;

	if (session_open(r, &s))
		goto out;
	dst = alloc(r, &s, size, NPU_BUF_DMA, "destination buffer");
	cb = dst ? cmdbuf_alloc(r, &s, 0, &b) : NULL;
	if (!cb)
		goto out;
	dp = npu_buffer_cpu(dst);
	bo = npu_buffer_size(dst);
	memset(dp, (uint8_t)~pb[0], bo);   /* anything but the pattern */
	npu_buffer_flush(r->dev, dst, 0, bo);
	if (builder(r, &b, npu_cmdbuf_fill(&b, npu_buffer_va(dst), size, pattern)) ||
	    builder(r, &b, npu_cmdbuf_finish(&b)))
		goto out;
	say("fill:        %llu bytes at 0x%llx with 0x%08x", (unsigned long long)size,
	    (unsigned long long)npu_buffer_va(dst), pattern);
	if (json_mode) {
		j_u("bytes", size);
		j_u("pattern", pattern);
	}
	if (run_job(r, &s, cb, &ms))
		goto out;
	npu_buffer_invalidate(r->dev, dst, 0, bo);
	for (uint64_t i = 0; i < bo; i++) {
		uint8_t want = i < size ? pb[i % 4] : (uint8_t)~pb[0];

		if (dp[i] != want) {
			fprintf(stderr, "npuctl: fill: byte %llu is 0x%02x, not 0x%02x%s\n",
				(unsigned long long)i, dp[i], want,
				i < size ? "" : " (beyond the fill: it must stay untouched)");
			step(r, "fill verify", -EIO);
			goto out;
		}
	}
	say("verified:    %llu bytes hold the pattern, the rest of the buffer is untouched",
	    (unsigned long long)size);
	if (json_mode)
		j_b("verified", true);
out:
	session_close(r, &s);
	return r->err;
}

int cmd_jobs(struct run *r)
{
	uint32_t window[JOBS_WINDOW], head = 0, n_out = 0, status = 0;
	unsigned count = r->o->count, submitted = 0, completed = 0;
	struct npu_buffer *cbs[JOBS_WINDOW];
	struct npu_cmdbuf b;
	struct session s;
	double t0, ms;
	int ret;

	if (session_open(r, &s))
		goto out;
	/* one command buffer per queue slot: a buffer in flight cannot be
	 * submitted again (hw-facts §14.3) */
	for (unsigned i = 0; i < JOBS_WINDOW; i++) {
		cbs[i] = cmdbuf_alloc(r, &s, 0, &b);
		if (!cbs[i] || builder(r, &b, npu_cmdbuf_nop(&b, 8)) ||
		    builder(r, &b, npu_cmdbuf_finish(&b)))
			goto out;
		npu_buffer_flush(r->dev, cbs[i], 0, npu_buffer_size(cbs[i]));
	}
	t0 = wall_ms();
	/* keep the queue full: submit until it is, then wait for the oldest */
	while (completed < count) {
		if (submitted < count && n_out < JOBS_WINDOW) {
			uint32_t job, pos = (head + n_out) % JOBS_WINDOW;

			ret = npu_job_submit(r->dev, s.db, cbs[pos], 0, &job);
			if (!ret) {
				window[pos] = job;
				n_out++;
				submitted++;
				continue;
			}
			if (ret != -EBUSY || !n_out) {
				step(r, "job submit", ret);
				goto out;
			}
		}
		ret = npu_job_wait(r->dev, window[head], WAIT_MS, &status);
		if (step(r, "job wait", ret))
			goto out;
		head = (head + 1) % JOBS_WINDOW;
		n_out--;
		completed++;
	}
	ms = wall_ms() - t0;
	say("jobs:        %u empty jobs in %.3f ms host time: %.0f jobs/s", count, ms,
	    count / ms * 1e3);
	if (json_mode) {
		j_u("jobs", count);
		j_u("host_us", (unsigned long long)(ms * 1000));
		j_u("jobs_per_s", (unsigned long long)(count / ms * 1e3));
	}
out:
	session_close(r, &s);
	return r->err;
}

/* infer: the built-in worked network (npu-format/inference_net.h: conv ->
 * relu -> pool -> FC), int8 then fp16, each one INFERENCE_EXECUTE job
 * (hw-facts §16.1) on BOs of the user range (the HPI and lists must lie
 * below 4 GiB), the output compared with the reference computed here. */
static int infer_one(struct run *r, struct session *s, enum npu_net_type t, const char *name)
{
	struct npu_buffer *inf, *data, *cb;
	struct npu_cmdbuf b;
	uint8_t expect[32], *d;
	size_t n = npu_net_out_size(t);
	uint64_t hpi;
	double ms = 0;

	inf = alloc(r, s, NPU_NET_INF_SIZE, 0, "inference buffer");
	data = inf ? alloc(r, s, NPU_NET_DATA_SIZE, 0, "data buffer") : NULL;
	cb = data ? cmdbuf_alloc(r, s, 0, &b) : NULL;
	if (!cb)
		return r->err;
	d = npu_buffer_cpu(data);
	hpi = npu_net_build(t, 1, npu_buffer_cpu(inf), npu_buffer_va(inf), d, npu_buffer_va(data));
	if (!hpi) {
		fprintf(stderr, "npuctl: infer: the builder refused the %s network\n", name);
		return step(r, "infer build", -EINVAL);
	}
	npu_net_reference(t, d, expect);
	npu_buffer_flush(r->dev, inf, 0, NPU_NET_INF_SIZE);
	npu_buffer_flush(r->dev, data, 0, NPU_NET_DATA_SIZE);
	if (builder(r, &b, npu_cmdbuf_inference(&b, 1, hpi, NPU_NET_INF_SIZE)) ||
	    builder(r, &b, npu_cmdbuf_finish(&b)))
		return r->err;
	say("infer:       %s network conv 3x3 -> relu -> max pool 2x2 -> FC 256x16, "
	    "HPI at 0x%llx", name, (unsigned long long)hpi);
	if (run_job(r, s, cb, &ms))
		return r->err;
	npu_buffer_invalidate(r->dev, data, 0, NPU_NET_DATA_SIZE);
	for (size_t i = 0; i < n; i++)
		if (d[NPU_NET_OUT_OFF + i] != expect[i]) {
			fprintf(stderr, "npuctl: infer: %s output byte %zu is 0x%02x, the "
				"reference 0x%02x\n", name, i, d[NPU_NET_OUT_OFF + i], expect[i]);
			return step(r, "infer verify", -EIO);
		}
	say("verified:    %s output (%zu bytes) equals the reference", name, n);
	return 0;
}

int cmd_infer(struct run *r)
{
	struct session s;
	bool ok = false;

	if (session_open(r, &s))
		goto out;
	if (infer_one(r, &s, NPU_NET_INT8, "int8") || infer_one(r, &s, NPU_NET_FP16, "fp16"))
		goto out;
	ok = true;
out:
	if (json_mode)
		j_b("verified", ok);
	session_close(r, &s);
	return r->err;
}
