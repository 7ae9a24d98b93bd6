/* SPDX-License-Identifier: MIT */
/*
 * Register accessors. Every BAR access of the driver goes through these
 * (ivpu_hw_reg_io.h's REGV_/REGB_ helpers), so one log level
 * (NPU_LOG_TRACE) shows every access with its register name.
 */
#include <stdio.h>

#include "drv.h"

static void trace_access(struct npu_device *dev, const char *op, unsigned bar, uint32_t off,
			 uint64_t val)
{
	char desc[256];

	npu_regs_describe(bar, off, val, desc, sizeof(desc));
	npu_log(dev, NPU_LOG_TRACE, "%s BAR%u+0x%08x %s", op, bar, off, desc);
}

uint32_t npu_rd32(struct npu_device *dev, unsigned bar, uint32_t off)
{
	uint32_t v = dev->os_ops->read32(dev->os, bar, off);

	if (npu_log_enabled(dev, NPU_LOG_TRACE))
		trace_access(dev, "rd32", bar, off, v);
	return v;
}

void npu_wr32(struct npu_device *dev, unsigned bar, uint32_t off, uint32_t val)
{
	if (npu_log_enabled(dev, NPU_LOG_TRACE))
		trace_access(dev, "wr32", bar, off, val);
	dev->os_ops->write32(dev->os, bar, off, val);
}

uint64_t npu_rd64(struct npu_device *dev, unsigned bar, uint32_t off)
{
	uint64_t v = dev->os_ops->read64(dev->os, bar, off);

	if (npu_log_enabled(dev, NPU_LOG_TRACE))
		trace_access(dev, "rd64", bar, off, v);
	return v;
}

void npu_wr64(struct npu_device *dev, unsigned bar, uint32_t off, uint64_t val)
{
	if (npu_log_enabled(dev, NPU_LOG_TRACE))
		trace_access(dev, "wr64", bar, off, val);
	dev->os_ops->write64(dev->os, bar, off, val);
}

/* read_poll_timeout() as REGV/REGB_POLL_FLD uses it: read, test, and when the
 * time is up read once more so a late change still counts. */
int npu_poll32(struct npu_device *dev, unsigned bar, uint32_t off, uint32_t mask, uint32_t want,
	       uint32_t timeout_us, uint32_t *last)
{
	uint64_t deadline = npu_now_ns(dev) + (uint64_t)timeout_us * 1000;
	uint32_t v;

	for (;;) {
		v = npu_rd32(dev, bar, off);
		if ((v & mask) == want)
			break;
		if (npu_now_ns(dev) >= deadline) {
			v = npu_rd32(dev, bar, off);
			break;
		}
		npu_sleep_us(dev, dev->t.poll_interval_us);
	}
	if (last)
		*last = v;
	return (v & mask) == want ? 0 : -ETIMEDOUT;
}

uint32_t npu_reg_read32(struct npu_device *dev, unsigned bar, uint32_t off)
{
	return npu_rd32(dev, bar, off);
}

void npu_reg_write32(struct npu_device *dev, unsigned bar, uint32_t off, uint32_t val)
{
	npu_wr32(dev, bar, off, val);
}
