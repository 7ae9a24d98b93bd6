/* SPDX-License-Identifier: MIT */
/* The worked network as a driver job: net_job.h. */
#include "net_job.h"

#include <stdio.h>
#include <string.h>

#include "npu/cmdbuf.h"

#define CMDBUF_SIZE 4096u

int npu_net_run(struct npu_device *dev, uint32_t ssid, uint32_t db, enum npu_net_type t,
		uint32_t seed, uint32_t *job_status, char *why, size_t why_len)
{
	struct npu_buffer *inf = NULL, *data = NULL, *cb = NULL;
	struct npu_cmdbuf b;
	uint8_t expect[32], *d;
	size_t n = npu_net_out_size(t);
	uint64_t hpi;
	uint32_t job, status = 0;
	int ret = -1;

	*job_status = 0;
	why[0] = 0;
	/* user range BOs (flags 0): below 4 GiB, as the HPI and lists must be */
	if (npu_buffer_alloc(dev, ssid, NPU_NET_INF_SIZE, 0, &inf) ||
	    npu_buffer_alloc(dev, ssid, NPU_NET_DATA_SIZE, 0, &data) ||
	    npu_buffer_alloc(dev, ssid, CMDBUF_SIZE, 0, &cb)) {
		snprintf(why, why_len, "buffer: %s", npu_last_error(dev));
		goto out;
	}
	d = npu_buffer_cpu(data);
	hpi = npu_net_build(t, seed, npu_buffer_cpu(inf), npu_buffer_va(inf), d,
			    npu_buffer_va(data));
	if (!hpi) {
		snprintf(why, why_len, "the builder refused the network");
		goto out;
	}
	npu_net_reference(t, d, expect);
	npu_buffer_flush(dev, inf, 0, NPU_NET_INF_SIZE);
	npu_buffer_flush(dev, data, 0, NPU_NET_DATA_SIZE);
	if (npu_cmdbuf_init(&b, npu_buffer_cpu(cb), npu_buffer_va(cb), CMDBUF_SIZE) ||
	    npu_cmdbuf_inference(&b, 1, hpi, NPU_NET_INF_SIZE) || npu_cmdbuf_finish(&b)) {
		snprintf(why, why_len, "command buffer: %s", npu_cmdbuf_error(&b));
		goto out;
	}
	npu_buffer_flush(dev, cb, 0, CMDBUF_SIZE);
	if (npu_job_submit(dev, db, cb, 0, &job)) {
		snprintf(why, why_len, "submit: %s", npu_last_error(dev));
		goto out;
	}
	if (npu_job_wait(dev, job, 30000, &status)) {
		snprintf(why, why_len, "wait: %s", npu_last_error(dev));
		goto out;
	}
	*job_status = status;
	if (status) {
		snprintf(why, why_len, "job status 0x%x (%s): %s", status,
			 npu_job_status_name(status), npu_last_error(dev));
		goto out;
	}
	npu_buffer_invalidate(dev, data, 0, NPU_NET_DATA_SIZE);
	for (size_t i = 0; i < n; i++)
		if (d[NPU_NET_OUT_OFF + i] != expect[i]) {
			snprintf(why, why_len, "output byte %zu is 0x%02x, the reference 0x%02x",
				 i, d[NPU_NET_OUT_OFF + i], expect[i]);
			goto out;
		}
	ret = 0;
out:
	if (cb)
		npu_buffer_free(dev, cb);
	if (data)
		npu_buffer_free(dev, data);
	if (inf)
		npu_buffer_free(dev, inf);
	return ret;
}
