/* SPDX-License-Identifier: MIT */
/*
 * Driver of the two DMA engines of the control core's block (lrt.h
 * NPU_LRT_DMA_*). Jobs never copy user data with the core: COPY hands the
 * job's 37xx copy descriptors (hw-facts §12.1) to an engine in ARRAY mode,
 * MEMORY_FILL uses FILL mode, each with the SubstreamIDs of the job's
 * context (hw-facts §15.3).
 *
 * An engine runs one transfer at a time and belongs to one job while it
 * does; DONE or ERROR raise NPU_LRT_IRQ_DMA(n), which wakes the core. The
 * engines are probed once per boot through fw_safe_copy, so a model
 * without them makes copies fail cleanly instead of trapping.
 */
#include "fw.h"

static uint32_t dma_rd(unsigned e, uint32_t reg)
{
	return plat_rd(NPU_LRT_DMA_BASE(e) + reg);
}

static void dma_wr(unsigned e, uint32_t reg, uint32_t v)
{
	plat_wr(NPU_LRT_DMA_BASE(e) + reg, v);
}

static void dma_wr64(unsigned e, uint32_t reg_lo, uint64_t v)
{
	dma_wr(e, reg_lo, (uint32_t)v);
	dma_wr(e, reg_lo + 4, (uint32_t)(v >> 32));
}

bool dma_available(void)
{
	uint32_t st;

	if (!rt.dma_probed) {
		rt.dma_probed = true;
		rt.dma_present = fw_safe_copy(&st, (const void *)(uintptr_t)(NPU_LRT_PERIPH_BASE +
					      NPU_LRT_DMA_BASE(0) + NPU_LRT_DMA_STATUS), 4) == 0;
		if (rt.dma_present) {
			rt.intc_enable |= dma_irq_mask();
			plat_wr(NPU_LRT_INTC_ENABLE, rt.intc_enable);
		} else {
			LOG_ERR("dma: the control core has no DMA engines; copies and fills fail");
		}
	}
	return rt.dma_present;
}

uint32_t dma_irq_mask(void)
{
	uint32_t m = 0;

	for (unsigned e = 0; e < NPU_LRT_DMA_ENGINES; e++)
		m |= NPU_LRT_IRQ_DMA(e);
	return m;
}

int dma_claim(uint32_t db)
{
	for (unsigned e = 0; e < NPU_LRT_DMA_ENGINES; e++)
		if (!rt.dma_busy[e]) {
			rt.dma_busy[e] = true;
			rt.dma_owner[e] = (uint16_t)db;
			return (int)e;
		}
	return -1;
}

static void set_ssids(unsigned e, uint32_t ssid)
{
	dma_wr(e, NPU_LRT_DMA_SSID_DESC, ssid);
	dma_wr(e, NPU_LRT_DMA_SSID_SRC, ssid);
	dma_wr(e, NPU_LRT_DMA_SSID_DST, ssid);
}

static void start(unsigned e, uint32_t mode)
{
	/* a stale DONE/ERROR of the previous transfer must not be taken for this one */
	dma_wr(e, NPU_LRT_DMA_STATUS, NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR);
	dma_wr(e, NPU_LRT_DMA_CTRL, NPU_LRT_DMA_CTRL_START |
	       (uint32_t)NPU_FLD_PREP(NPU_LRT_DMA_CTRL_MODE, mode));
}

void dma_start_array(unsigned e, uint64_t desc, uint32_t count, uint32_t ssid)
{
	set_ssids(e, ssid);
	dma_wr64(e, NPU_LRT_DMA_DESC_LO, desc);
	dma_wr(e, NPU_LRT_DMA_COUNT, count);
	start(e, NPU_LRT_DMA_MODE_ARRAY);
}

void dma_start_copy(unsigned e, uint64_t src, uint64_t dst, uint64_t len, uint32_t ssid)
{
	set_ssids(e, ssid);
	dma_wr64(e, NPU_LRT_DMA_SRC_LO, src);
	dma_wr64(e, NPU_LRT_DMA_DST_LO, dst);
	dma_wr64(e, NPU_LRT_DMA_LEN_LO, len);
	start(e, NPU_LRT_DMA_MODE_COPY);
}

void dma_start_fill(unsigned e, uint64_t dst, uint64_t len, uint32_t pattern, uint32_t ssid)
{
	set_ssids(e, ssid);
	dma_wr64(e, NPU_LRT_DMA_DST_LO, dst);
	dma_wr64(e, NPU_LRT_DMA_LEN_LO, len);
	dma_wr(e, NPU_LRT_DMA_PATTERN, pattern);
	start(e, NPU_LRT_DMA_MODE_FILL);
}

int dma_poll(unsigned e, struct fw_dma_result *r)
{
	uint32_t st = dma_rd(e, NPU_LRT_DMA_STATUS);

	if (st & NPU_LRT_DMA_STATUS_BUSY)
		return FW_DMA_BUSY;
	if (!(st & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR)))
		return FW_DMA_BUSY;     /* not started yet as far as we can see */
	dma_wr(e, NPU_LRT_DMA_STATUS, st & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR));
	rt.dma_busy[e] = false;
	rt.dma_owner[e] = 0;
	if (!(st & NPU_LRT_DMA_STATUS_ERROR))
		return FW_DMA_DONE;
	r->code = (uint32_t)NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, st);
	r->index = dma_rd(e, NPU_LRT_DMA_ERR_INDEX);
	r->addr = dma_rd(e, NPU_LRT_DMA_ERR_ADDR_LO) |
		  (uint64_t)dma_rd(e, NPU_LRT_DMA_ERR_ADDR_HI) << 32;
	return FW_DMA_ERROR;
}

void dma_abandon(unsigned e)
{
	rt.dma_owner[e] = 0;
}

/* Engines whose job went away (aborted, unregistered, engine reset) are
 * free again once their transfer has finished. */
void dma_reap(void)
{
	struct fw_dma_result r;

	for (unsigned e = 0; e < NPU_LRT_DMA_ENGINES; e++)
		if (rt.dma_busy[e] && !rt.dma_owner[e] && dma_poll(e, &r) != FW_DMA_BUSY)
			LOG_DBG("dma: engine %u free again (its job had gone)", e);
}
