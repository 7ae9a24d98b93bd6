/* SPDX-License-Identifier: MIT */
/*
 * Device model top level: creation and destruction, the walk over the block
 * table (blocks.def) for init, cold reset and IP reset, and the dispatch of
 * every register access to the window and register that own it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"

static const struct npum_block *const npum_blocks[NPUM_BLOCK_COUNT] = {
#define NPUM_BLOCK(dir, name) [NPUM_BLOCK_##name] = &npum_block_##name,
#include "blocks.def"
#undef NPUM_BLOCK
};

void npum_config_default(struct npum_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->device_id = NPU_PCI_DEVICE_MTL;
	cfg->revision = NPU_PCI_REVISION_MTL;
	cfg->lrt_ipus = 100;
	cfg->lrt_lead_ns = 200000;
	/* 50 MHz × ratio × 2/3: min 300 MHz, efficient 700 MHz, max 1166 MHz,
	 * the clock observed on a Core Ultra 7 155H (hw-facts §9). */
	cfg->fuse_min_ratio = 9;
	cfg->fuse_pn_ratio = 21;
	cfg->fuse_max_ratio = 35;
	cfg->dma_mbps = 16000;
	cfg->dma_setup_ns = 500;
}

/* Windows sorted by (space, base), so lookups and overlap checks are simple
 * and the order does not depend on the block list. */
static const char *npum_add_windows(struct npum *n, const struct npum_block *b)
{
	for (unsigned i = 0; i < b->nwindows; i++) {
		const struct npum_window *w = &b->windows[i];
		unsigned at = n->nwindows;

		if (n->nwindows == NPUM_MAX_WINDOWS)
			return "too many register windows (NPUM_MAX_WINDOWS)";
		while (at > 0 && (n->windows[at - 1]->space > w->space ||
				  (n->windows[at - 1]->space == w->space &&
				   n->windows[at - 1]->base > w->base)))
			at--;
		if (at > 0 && n->windows[at - 1]->space == w->space &&
		    n->windows[at - 1]->base + n->windows[at - 1]->size > w->base)
			return "two register windows overlap";
		if (at < n->nwindows && n->windows[at]->space == w->space &&
		    w->base + w->size > n->windows[at]->base)
			return "two register windows overlap";
		memmove(&n->windows[at + 1], &n->windows[at],
			(n->nwindows - at) * sizeof(n->windows[0]));
		n->windows[at] = w;
		n->nwindows++;
	}
	return NULL;
}

struct npum *npum_create(const struct npum_config *cfg, const struct npum_host_ops *ops,
			 void *opaque, const char **err)
{
	struct npum *n;

	if (cfg->device_id != NPU_PCI_DEVICE_MTL && cfg->device_id != NPU_PCI_DEVICE_ARL) {
		*err = "device-id must be 0x7D1D (Meteor Lake) or 0xAD1D (Arrow Lake)";
		return NULL;
	}
	if (cfg->lrt_ipus < 1 || cfg->lrt_ipus > 10000) {
		*err = "control-core speed must be 1..10000 instructions per microsecond";
		return NULL;
	}
	if (cfg->lrt_lead_ns > 10000000) {
		*err = "control-core lead must be at most 10000 microseconds";
		return NULL;
	}
	if (!cfg->fuse_min_ratio || cfg->fuse_min_ratio > cfg->fuse_pn_ratio ||
	    cfg->fuse_pn_ratio > cfg->fuse_max_ratio) {
		*err = "PLL fuses must satisfy 0 < min <= pn <= max";
		return NULL;
	}
	if (cfg->dma_mbps < 1 || cfg->dma_mbps > 1000000 || cfg->dma_setup_ns > 1000000) {
		*err = "DMA bandwidth must be 1..1000000 MB/s and its setup time at most 1 ms";
		return NULL;
	}
	if (!ops->dma_read || !ops->dma_write || !ops->msi_notify || !ops->clock_ns ||
	    !ops->timer_mod || !ops->guest_error) {
		*err = "host interface is missing a mandatory callback";
		return NULL;
	}
	if (!ops->work_start != !ops->work_wait) {
		*err = "host interface has only one of work_start and work_wait";
		return NULL;
	}
	if (!ops->dma_map != !ops->dma_unmap) {
		*err = "host interface has only one of dma_map and dma_unmap";
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		*err = "out of memory";
		return NULL;
	}
	n->cfg = *cfg;
	n->host = *ops;
	n->opaque = opaque;
	n->armed_deadline = UINT64_MAX;
	for (unsigned i = 0; i < NPUM_BLOCK_COUNT; i++) {
		const struct npum_block *b = npum_blocks[i];
		const char *why = npum_add_windows(n, b);

		if (!why && b->priv_size && !(n->priv[i] = calloc(1, b->priv_size)))
			why = "out of memory";
		if (!why && b->init && b->init(n))
			why = "out of memory";
		if (why) {
			npum_destroy(n);
			*err = why;
			return NULL;
		}
		n->inited[i] = true;
	}
	npum_reset(n);
	return n;
}

void npum_destroy(struct npum *n)
{
	if (!n)
		return;
	if (n->armed_deadline != UINT64_MAX)
		n->host.timer_mod(n->opaque, UINT64_MAX);
	/* Every fini runs before any state goes: an engine's fini waits for
	 * its off-thread work, which may still be using another block's
	 * memory (the CMX). */
	for (unsigned i = NPUM_BLOCK_COUNT; i-- > 0;)
		if (n->inited[i] && npum_blocks[i]->fini)
			npum_blocks[i]->fini(n);
	for (unsigned i = 0; i < NPUM_BLOCK_COUNT; i++)
		free(n->priv[i]);
	free(n);
}

void npum_reset(struct npum *n)
{
	for (unsigned i = 0; i < n->nevents; i++)
		npum_event_cancel(n, n->events[i]);
	for (unsigned i = 0; i < NPUM_BLOCK_COUNT; i++)
		if (npum_blocks[i]->reset)
			npum_blocks[i]->reset(n);
	npum_ip_reset(n);
	n->stats.ip_resets = 0;
}

void npum_ip_reset(struct npum *n)
{
	for (unsigned i = 0; i < NPUM_BLOCK_COUNT; i++)
		if (npum_blocks[i]->ip_reset)
			npum_blocks[i]->ip_reset(n);
	n->stats.ip_resets++;
	npum_trace_power(n, "npu", "ip-reset", n->stats.ip_resets, 0);
	npum_irq_update(n);
}

bool npum_ip_powered(const struct npum *n)
{
	return n->btrs.current_ratio != 0 && !(n->btrs.d0i3 & NPU_BTRS_VPU_D0I3_CONTROL_I3);
}

const struct npum_stats *npum_get_stats(const struct npum *n)
{
	return &n->stats;
}

void npum_bus_master_changed(struct npum *n, bool enabled)
{
	n->bus_master = enabled;
}

/* ---- Register dispatch ---------------------------------------------------- */

static bool npum_window_has(const struct npum_window *w, unsigned space, uint64_t off)
{
	return w->space == space && off >= w->base && off - w->base < w->size;
}

static const struct npum_window *npum_find_window(const struct npum *n, unsigned space,
						  uint64_t off)
{
	unsigned lo = 0, hi = n->nwindows;

	while (lo < hi) {   /* first window beyond (space, off) */
		unsigned mid = (lo + hi) / 2;
		const struct npum_window *w = n->windows[mid];

		if (w->space < space || (w->space == space && w->base <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && npum_window_has(n->windows[lo - 1], space, off) ? n->windows[lo - 1] : NULL;
}

/* Finds the register containing [off, off + 4); *idx gets the array index. */
static const struct npum_reg *npum_find_reg(const struct npum_window *b, uint64_t off,
					  unsigned *idx)
{
	for (unsigned i = 0; i < b->nregs; i++) {
		const struct npum_reg *r = &b->regs[i];
		unsigned count = r->count ? r->count : 1;

		if (off < r->offset)
			continue;
		if (count > 1) {
			uint64_t rel = off - r->offset;

			if (rel / r->stride < count && rel % r->stride < r->width) {
				*idx = (unsigned)(rel / r->stride);
				return r;
			}
		} else if (off - r->offset < r->width) {
			*idx = 0;
			return r;
		}
	}
	return NULL;
}

/* Needs no instance: the windows are the blocks' static tables. */
const char *npum_reg_name(unsigned bar, uint64_t offset, const char **block)
{
	for (unsigned i = 0; i < NPUM_BLOCK_COUNT; i++) {
		for (unsigned j = 0; j < npum_blocks[i]->nwindows; j++) {
			const struct npum_window *w = &npum_blocks[i]->windows[j];
			const struct npum_reg *r;
			unsigned idx;

			if (w->space == NPUM_SPACE_LRT || !npum_window_has(w, bar, offset))
				continue;
			if (block)
				*block = w->name;
			r = npum_find_reg(w, offset, &idx);
			return r ? r->name : NULL;
		}
	}
	return NULL;
}

static uint64_t npum_reg_read32(struct npum *n, const struct npum_window *b, unsigned bar,
			       uint64_t off)
{
	const struct npum_reg *r;
	unsigned idx;
	uint64_t v;

	r = npum_find_reg(b, off, &idx);
	if (!r) {
		npum_guest_error(n, "read of undefined register %s+0x%llx (BAR%u 0x%llx)", b->name,
				(unsigned long long)(off - b->base), bar, (unsigned long long)off);
		return 0;
	}
	if (r->flags & NPUM_REG_WO) {
		npum_guest_error(n, "read of write-only register %s.%s", b->name, r->name);
		v = 0;
	} else {
		v = r->read(n, r, idx);
		/* A 32-bit access to the upper half of a 64-bit register */
		if (r->width == 8 && ((off - r->offset) % (r->count > 1 ? r->stride : 8)) == 4)
			v >>= 32;
		v &= UINT32_MAX;
	}
	npum_trace_reg_read(n, b->name, r->name, bar, off, 4, v);
	return v;
}

static void npum_reg_write32(struct npum *n, const struct npum_window *b, unsigned bar,
			    uint64_t off, uint64_t val)
{
	const struct npum_reg *r;
	unsigned idx;

	r = npum_find_reg(b, off, &idx);
	if (!r) {
		npum_guest_error(n, "write of 0x%llx to undefined register %s+0x%llx (BAR%u 0x%llx)",
				(unsigned long long)val, b->name, (unsigned long long)(off - b->base),
				bar, (unsigned long long)off);
		return;
	}
	npum_trace_reg_write(n, b->name, r->name, bar, off, 4, val);
	if (r->flags & NPUM_REG_RO) {
		npum_guest_error(n, "write of 0x%llx to read-only register %s.%s",
				(unsigned long long)val, b->name, r->name);
		return;
	}
	if (r->width == 8) {
		npum_guest_error(n, "32-bit write to 64-bit register %s.%s ignored", b->name, r->name);
		return;
	}
	r->write(n, r, idx, val & UINT32_MAX);
}

/* Checks shared by reads and writes; returns the block or NULL after
 * reporting the problem. */
static const struct npum_window *npum_access_check(struct npum *n, unsigned bar, uint64_t off,
						    unsigned size, const char *dir)
{
	const struct npum_window *b;

	if (bar != NPU_BAR_REGV && bar != NPU_BAR_REGB) {
		npum_guest_error(n, "%s of BAR%u, which the device does not have", dir, bar);
		return NULL;
	}
	if (size != 4 && size != 8) {
		npum_guest_error(n, "%u-byte %s at BAR%u 0x%llx: registers take 32- or 64-bit accesses",
				size, dir, bar, (unsigned long long)off);
		return NULL;
	}
	if (off & (size - 1)) {
		npum_guest_error(n, "misaligned %u-byte %s at BAR%u 0x%llx", size, dir, bar,
				(unsigned long long)off);
		return NULL;
	}
	b = npum_find_window(n, bar, off);
	if (!b) {
		npum_guest_error(n, "%s of unmapped offset BAR%u 0x%llx", dir, bar,
				(unsigned long long)off);
		return NULL;
	}
	if (size == 8 && off + 8 > (uint64_t)b->base + b->size) {
		npum_guest_error(n, "64-bit %s at BAR%u 0x%llx crosses the end of block %s", dir, bar,
				(unsigned long long)off, b->name);
		return NULL;
	}
	return b;
}

static bool npum_reachable(struct npum *n, const struct npum_window *b, uint64_t off,
			  const char *dir)
{
	if (!b->needs_power || npum_ip_powered(n))
		return true;
	/* hw-facts §3.1: the IP BAR becomes reachable only after the buttress
	 * grants a workpoint; the model answers all-ones like an unclaimed
	 * read (docs/deviations.md). */
	npum_guest_error(n, "%s of %s at BAR0 0x%llx while the NPU IP is powered down "
			"(buttress VPU_STATUS.READY=0)", dir, b->name, (unsigned long long)off);
	return false;
}

uint64_t npum_mmio_read(struct npum *n, unsigned bar, uint64_t off, unsigned size)
{
	const struct npum_window *b;
	const struct npum_reg *r;
	unsigned idx;
	uint64_t v;

	n->stats.mmio_reads++;
	b = npum_access_check(n, bar, off, size, "read");
	/* An unpowered IP answers nothing in BAR0, defined register or not. */
	if (!b)
		return bar == NPU_BAR_REGV && !npum_ip_powered(n) && (size == 4 || size == 8) ?
		       (size == 8 ? UINT64_MAX : UINT32_MAX) : 0;
	if (!npum_reachable(n, b, off, "read"))
		return size == 8 ? UINT64_MAX : UINT32_MAX;
	/* The core runs lazily: bring it up to the present before the host
	 * observes anything it may have changed. */
	npum_lrt_sync(n);
	r = npum_find_reg(b, off, &idx);
	if (size == 8 && r && r->width == 8 && !(r->flags & NPUM_REG_WO) &&
	    (off - r->offset) % (r->count > 1 ? r->stride : 8) == 0) {
		v = r->read(n, r, idx);
		npum_trace_reg_read(n, b->name, r->name, bar, off, 8, v);
		return v;
	}
	v = npum_reg_read32(n, b, bar, off);
	if (size == 8)
		v |= npum_reg_read32(n, b, bar, off + 4) << 32;
	return v;
}

void npum_mmio_write(struct npum *n, unsigned bar, uint64_t off, uint64_t val, unsigned size)
{
	const struct npum_window *b;
	const struct npum_reg *r;
	unsigned idx;

	n->stats.mmio_writes++;
	b = npum_access_check(n, bar, off, size, "write");
	if (!b || !npum_reachable(n, b, off, "write"))
		return;
	npum_lrt_sync(n);
	r = npum_find_reg(b, off, &idx);
	if (size == 8 && r && r->width == 8) {
		npum_trace_reg_write(n, b->name, r->name, bar, off, 8, val);
		if (r->flags & NPUM_REG_RO)
			npum_guest_error(n, "write of 0x%llx to read-only register %s.%s",
					(unsigned long long)val, b->name, r->name);
		else
			r->write(n, r, idx, val);
		return;
	}
	if (size == 4) {
		npum_reg_write32(n, b, bar, off, val);
		return;
	}
	/* 64-bit write to a pair of 32-bit registers: low half first, as the
	 * hardware's split of an 8-byte transaction (hw-facts §1.2). */
	npum_reg_write32(n, b, bar, off, val & UINT32_MAX);
	npum_reg_write32(n, b, bar, off + 4, val >> 32);
}

/* ---- The control core's peripheral block ------------------------------------------ */

/* 32-bit registers only: the core's bus does 4-byte accesses to this block
 * (lrt.c refuses the others). */
int npum_lrt_space_read(struct npum *n, uint32_t off, uint32_t *val)
{
	const struct npum_window *w = npum_find_window(n, NPUM_SPACE_LRT, off);
	const struct npum_reg *r;
	unsigned idx;

	if (!w || !(r = npum_find_reg(w, off, &idx)) || (r->flags & NPUM_REG_WO) ||
	    off - r->offset - (r->count > 1 ? idx * r->stride : 0) != 0)
		return -1;
	*val = (uint32_t)r->read(n, r, idx);
	npum_trace_lrt_reg_read(n, w->name, r->name, off, *val);
	return 0;
}

int npum_lrt_space_write(struct npum *n, uint32_t off, uint32_t val)
{
	const struct npum_window *w = npum_find_window(n, NPUM_SPACE_LRT, off);
	const struct npum_reg *r;
	unsigned idx;

	if (!w || !(r = npum_find_reg(w, off, &idx)) || (r->flags & NPUM_REG_RO) ||
	    off - r->offset - (r->count > 1 ? idx * r->stride : 0) != 0)
		return -1;
	if (!(r->flags & NPUM_REG_QUIET))
		npum_trace_lrt_reg_write(n, w->name, r->name, off, val);
	r->write(n, r, idx, val);
	return 0;
}
