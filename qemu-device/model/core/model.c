/* SPDX-License-Identifier: MIT */
/*
 * Device model top level: creation, reset, register dispatch, the internal
 * event scheduler, and the services every block uses (guest errors, trace,
 * bus-master DMA).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"

/* Sorted by (bar, base): the dispatcher walks this list. */
static const struct npum_reg_block *const npum_blocks[] = {
	&npum_hostss_block,    /* BAR0 0x00000000 */
	&npum_icb_block,       /* BAR0 0x00010000 */
	&npum_ipc_block,       /* BAR0 0x00020000 */
	&npum_aon_block,       /* BAR0 0x00030000 */
	&npum_hostss_hi_block, /* BAR0 0x00041000 */
	&npum_mmu_block,       /* BAR0 0x00200000 */
	&npum_hostif_block,    /* BAR0 0x00360000 */
	&npum_dsu_block,       /* BAR0 0x04000000 */
	&npum_cpuss_block,     /* BAR0 0x06010000 */
	&npum_doorbell_block,  /* BAR0 0x06300000 */
	&npum_btrs_block,      /* BAR4 0x0 */
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
	if (!ops->dma_read || !ops->dma_write || !ops->msi_notify || !ops->clock_ns ||
	    !ops->timer_mod || !ops->guest_error) {
		*err = "host interface is missing a mandatory callback";
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
	if (npum_mmu_init(n) || npum_lrt_init(n)) {
		npum_destroy(n);
		*err = "out of memory";
		return NULL;
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
	npum_lrt_fini(n);
	npum_mmu_fini(n);
	free(n);
}

void npum_reset(struct npum *n)
{
	for (unsigned i = 0; i < NPUM_EV_COUNT; i++)
		n->event_deadline[i] = UINT64_MAX;
	npum_btrs_reset(n);
	npum_ip_reset(n);
	n->stats.ip_resets = 0;
}

void npum_ip_reset(struct npum *n)
{
	npum_event_cancel(n, NPUM_EV_PWR_ISLAND);
	npum_hostss_reset(n);
	npum_icb_reset(n);
	npum_fifo_reset(&n->to_fw);
	npum_fifo_reset(&n->to_host);
	npum_cpuss_reset(n);
	npum_mmu_reset(n);
	npum_lrt_reset(n);
	n->stats.ip_resets++;
	npum_trace(n, NPUM_TRACE_POWER, "npu", "ip-reset", n->stats.ip_resets, 0, 0, 0);
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

/* ---- Services -------------------------------------------------------------- */

uint64_t npum_now(struct npum *n)
{
	return n->host.clock_ns(n->opaque);
}

void npum_guest_error(struct npum *n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n->stats.guest_errors++;
	n->host.guest_error(n->opaque, msg);
}

void npum_trace(struct npum *n, enum npum_trace_kind kind, const char *block, const char *name,
	       uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	struct npum_trace ev = { kind, block, name, a, b, c, d, NULL };

	if (n->host.trace)
		n->host.trace(n->opaque, &ev);
}

void npum_trace_text(struct npum *n, enum npum_trace_kind kind, const char *name, const char *text)
{
	struct npum_trace ev = { kind, NULL, name, 0, 0, 0, 0, text };

	if (n->host.trace)
		n->host.trace(n->opaque, &ev);
}

/* UFI opcodes the model logs; the silicon encoding is not public
 * (docs/deviations.md). */
#define NPUM_UFI_OPCODE_READ  0x1
#define NPUM_UFI_OPCODE_WRITE 0x2

static int npum_dma_failed(struct npum *n, const char *what, uint64_t addr, uint64_t len,
			  uint32_t opcode)
{
	n->stats.dma_errors++;
	if (!n->bus_master)
		npum_guest_error(n, "DMA %s of %llu bytes at 0x%llx while bus mastering is disabled",
				what, (unsigned long long)len, (unsigned long long)addr);
	else
		npum_guest_error(n, "DMA %s of %llu bytes at 0x%llx failed (no memory there)",
				what, (unsigned long long)len, (unsigned long long)addr);
	npum_btrs_ufi_error(n, opcode);
	return -1;
}

int npum_dma_read(struct npum *n, uint64_t addr, void *buf, uint64_t len)
{
	if (!n->bus_master || n->host.dma_read(n->opaque, addr, buf, len))
		return npum_dma_failed(n, "read", addr, len, NPUM_UFI_OPCODE_READ);
	return 0;
}

int npum_dma_write(struct npum *n, uint64_t addr, const void *buf, uint64_t len)
{
	if (!n->bus_master || n->host.dma_write(n->opaque, addr, buf, len))
		return npum_dma_failed(n, "write", addr, len, NPUM_UFI_OPCODE_WRITE);
	return 0;
}

void npum_bus_master_changed(struct npum *n, bool enabled)
{
	n->bus_master = enabled;
}

/* ---- Events ------------------------------------------------------------------ */

static void npum_timer_rearm(struct npum *n)
{
	uint64_t next = UINT64_MAX;

	if (n->in_timer)
		return; /* npum_timer_expired re-arms once at the end */
	for (unsigned i = 0; i < NPUM_EV_COUNT; i++)
		if (n->event_deadline[i] < next)
			next = n->event_deadline[i];
	if (next != n->armed_deadline) {
		n->armed_deadline = next;
		n->host.timer_mod(n->opaque, next);
	}
}

void npum_event_arm(struct npum *n, enum npum_event ev, uint64_t deadline_ns)
{
	n->event_deadline[ev] = deadline_ns;
	npum_timer_rearm(n);
}

void npum_event_cancel(struct npum *n, enum npum_event ev)
{
	if (n->event_deadline[ev] == UINT64_MAX)
		return;
	n->event_deadline[ev] = UINT64_MAX;
	npum_timer_rearm(n);
}

static void npum_event_dispatch(struct npum *n, enum npum_event ev)
{
	switch (ev) {
	case NPUM_EV_BTRS_WP:
	case NPUM_EV_BTRS_D0I3:
	case NPUM_EV_BTRS_IP_RESET:
		npum_btrs_event(n, ev);
		break;
	case NPUM_EV_PWR_ISLAND:
		npum_hostss_event(n, ev);
		break;
	case NPUM_EV_LRT_SLICE:
	case NPUM_EV_LRT_TIMER:
		npum_lrt_event(n, ev);
		break;
	case NPUM_EV_WDT:
		npum_cpuss_event(n, ev);
		break;
	case NPUM_EV_COUNT:
		break;
	}
}

void npum_timer_expired(struct npum *n)
{
	n->armed_deadline = UINT64_MAX;
	n->in_timer = true;
	for (;;) {
		uint64_t now = npum_now(n), best = UINT64_MAX;
		int due = -1;

		for (int i = 0; i < NPUM_EV_COUNT; i++) {
			if (n->event_deadline[i] <= now && n->event_deadline[i] < best) {
				best = n->event_deadline[i];
				due = i;
			}
		}
		if (due < 0)
			break;
		n->event_deadline[due] = UINT64_MAX;
		npum_event_dispatch(n, (enum npum_event)due);
	}
	n->in_timer = false;
	npum_timer_rearm(n);
}

/* ---- Register dispatch ---------------------------------------------------- */

static const struct npum_reg_block *npum_find_block(unsigned bar, uint64_t off)
{
	for (size_t i = 0; i < sizeof(npum_blocks) / sizeof(npum_blocks[0]); i++) {
		const struct npum_reg_block *b = npum_blocks[i];

		if (b->bar == bar && off >= b->base && off - b->base < b->size)
			return b;
	}
	return NULL;
}

/* Finds the register containing [off, off + 4); *idx gets the array index. */
static const struct npum_reg *npum_find_reg(const struct npum_reg_block *b, uint64_t off,
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

const char *npum_reg_name(unsigned bar, uint64_t offset, const char **block)
{
	const struct npum_reg_block *b = npum_find_block(bar, offset);
	const struct npum_reg *r;
	unsigned idx;

	if (!b)
		return NULL;
	if (block)
		*block = b->name;
	r = npum_find_reg(b, offset, &idx);
	return r ? r->name : NULL;
}

static uint64_t npum_reg_read32(struct npum *n, const struct npum_reg_block *b, unsigned bar,
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
	npum_trace(n, NPUM_TRACE_REG_READ, b->name, r->name, bar, off, 4, v);
	return v;
}

static void npum_reg_write32(struct npum *n, const struct npum_reg_block *b, unsigned bar,
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
	npum_trace(n, NPUM_TRACE_REG_WRITE, b->name, r->name, bar, off, 4, val);
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
static const struct npum_reg_block *npum_access_check(struct npum *n, unsigned bar, uint64_t off,
						    unsigned size, const char *dir)
{
	const struct npum_reg_block *b;

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
	b = npum_find_block(bar, off);
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

static bool npum_reachable(struct npum *n, const struct npum_reg_block *b, uint64_t off,
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
	const struct npum_reg_block *b;
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
		npum_trace(n, NPUM_TRACE_REG_READ, b->name, r->name, bar, off, 8, v);
		return v;
	}
	v = npum_reg_read32(n, b, bar, off);
	if (size == 8)
		v |= npum_reg_read32(n, b, bar, off + 4) << 32;
	return v;
}

void npum_mmio_write(struct npum *n, unsigned bar, uint64_t off, uint64_t val, unsigned size)
{
	const struct npum_reg_block *b;
	const struct npum_reg *r;
	unsigned idx;

	n->stats.mmio_writes++;
	b = npum_access_check(n, bar, off, size, "write");
	if (!b || !npum_reachable(n, b, off, "write"))
		return;
	npum_lrt_sync(n);
	r = npum_find_reg(b, off, &idx);
	if (size == 8 && r && r->width == 8) {
		npum_trace(n, NPUM_TRACE_REG_WRITE, b->name, r->name, bar, off, 8, val);
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
