/* SPDX-License-Identifier: MIT */
/*
 * The two DMA engines of 37xx (hw-facts §16.5), as the control core sees
 * them: a register window per engine in its peripheral block (lrt.h,
 * NPU_LRT_DMA_*). The firmware sets up a transfer and starts it; the engine
 * moves the data through the NPU MMU as StreamID NPU_MMU_SID_DMA with the
 * SubstreamIDs the firmware gave, or to and from the CMX, and raises
 * NPU_LRT_IRQ_DMA(n) when it is done or has stopped on an error.
 *
 * A transfer runs in batches of at most DMA_BATCH_BYTES. For each batch the
 * engine, on the model's thread, fetches the descriptors it needs, translates
 * every page and turns the result into a list of plain memory operations;
 * the list is then carried out off the model's thread (QEMU: a worker, so a
 * 16 MiB copy never stalls the main loop) and the batch completes at the
 * virtual time the bandwidth model gives (npum_config.dma_mbps,
 * docs/deviations.md). The first fault, malformed descriptor or bus error
 * ends the transfer: everything planned before it is carried out, nothing
 * after it. Batching bounds the memory a guest can make the model use and
 * lets a later descriptor see what an earlier one wrote.
 *
 * Barriers (engines/barriers.c): START latches WAIT and POST; with a WAIT
 * mask the engine is BUSY and WAITING until those barriers have no
 * producers left, and only then reads its registers and plans the first
 * batch. When the transfer ends, done or not, it counts itself off the
 * barriers; an underflow there is ERR_BARRIER unless the transfer had
 * already failed (the first error is the one reported).
 */
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"
#include "intel-npu/cmdbuf.h"

#define DMA_BATCH_BYTES   (16u << 20)
#define DMA_BATCH_OPS     8192u           /* one per page of a full batch, 2x */
#define DMA_BATCH_MAPS    (2u * DMA_BATCH_OPS) /* a source and a destination each */
#define DMA_LIST_MAX      4096u           /* descriptors one LIST transfer may follow */
#define DMA_PAGE          ((uint64_t)NPU_MMU_PAGE_SIZE)

/* One memory operation of a batch: a copy (src) or a fill (no src). Sides
 * are host pointers (mapped memory, CMX) or, for a host without dma_map,
 * bus addresses the model moves through dma_read/dma_write itself. */
struct dma_side {
	uint8_t *ptr;
	uint64_t bus;
};

struct dma_op {
	struct dma_side dst, src;
	uint32_t len;
	bool     fill;
	uint8_t  phase;               /* fill: pattern byte at dst[0] */
	uint32_t desc;                /* descriptor index, for bus errors */
};

struct dma_mapping {
	void *ptr;
	uint64_t len;
	bool write;
};

struct dma_engine {
	unsigned index;
	/* registers (lrt.h) */
	uint64_t desc, src, dst, len;
	uint32_t count, pattern, ssid_desc, ssid_src, ssid_dst;
	uint32_t status;
	uint32_t done_desc, err_index;
	uint64_t bytes, err_addr;
	uint64_t wait, post;          /* WAIT/POST registers */
	uint64_t run_wait, run_post;  /* latched by START */

	/* the transfer in progress */
	unsigned mode;
	uint32_t cur_index;           /* descriptor being planned */
	bool     cur_valid;           /* cur_* hold that descriptor */
	uint64_t cur_src, cur_dst, cur_len, cur_off;
	uint64_t next_link;           /* LIST: where the next descriptor is */
	bool     finished;            /* every descriptor planned */
	uint32_t err_code;            /* first error, ends the transfer */
	uint64_t batch_bytes;
	uint32_t batch_done_desc;     /* descriptors completed once the batch is */
	struct dma_op *ops;
	unsigned nops;
	struct dma_mapping *maps;
	unsigned nmaps;
	struct npum_work work;
	struct npum_barrier_waiter waiter;
	struct npum *n;
};

struct npum_dma {
	struct dma_engine eng[NPU_LRT_DMA_ENGINES];
};

static struct dma_engine *engine(struct npum *n, unsigned i)
{
	return &((struct npum_dma *)npum_priv(n, NPUM_BLOCK_dma))->eng[i];
}

static const char *const dma_mode_names[] = {
	[NPU_LRT_DMA_MODE_ARRAY] = "ARRAY",
	[NPU_LRT_DMA_MODE_LIST] = "LIST",
	[NPU_LRT_DMA_MODE_FILL] = "FILL",
	[NPU_LRT_DMA_MODE_COPY] = "COPY",
};

static const char *const dma_err_names[] = {
	[NPU_LRT_DMA_ERR_NONE] = "done",
	[NPU_LRT_DMA_ERR_DESC_FAULT] = "descriptor fault",
	[NPU_LRT_DMA_ERR_SRC_FAULT] = "source fault",
	[NPU_LRT_DMA_ERR_DST_FAULT] = "destination fault",
	[NPU_LRT_DMA_ERR_LENGTH] = "descriptor too long",
	[NPU_LRT_DMA_ERR_ALIGN] = "misaligned descriptors",
	[NPU_LRT_DMA_ERR_BUS] = "bus error",
	[NPU_LRT_DMA_ERR_MODE] = "bad mode or count",
	[NPU_LRT_DMA_ERR_BUSY] = "started while busy",
	[NPU_LRT_DMA_ERR_BARRIER] = "barrier count below 0",
};

static void dma_irq_update(struct npum *n, struct dma_engine *e)
{
	npum_lrt_irq_set(n, NPU_LRT_IRQ_DMA(e->index),
			 e->status & (NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR));
}

static void dma_fail(struct dma_engine *e, uint32_t code, uint64_t addr)
{
	if (e->err_code)
		return;
	e->err_code = code;
	e->err_addr = addr;
	e->err_index = e->cur_index;
}

/* ---- Planning (model thread) ------------------------------------------------- */

/* Fetch descriptor cur_index into cur_*; false when the transfer is over
 * (finished, or an error recorded). */
static bool dma_fetch(struct npum *n, struct dma_engine *e)
{
	struct npu_dma_descriptor_37xx d;
	uint64_t at;
	bool faulted = false;

	switch (e->mode) {
	case NPU_LRT_DMA_MODE_FILL:
	case NPU_LRT_DMA_MODE_COPY:
		if (e->cur_index) {
			e->finished = true;
			return false;
		}
		e->cur_src = e->src;
		e->cur_dst = e->dst;
		e->cur_len = e->len;
		break;
	case NPU_LRT_DMA_MODE_ARRAY:
	case NPU_LRT_DMA_MODE_LIST:
		if (e->mode == NPU_LRT_DMA_MODE_ARRAY ? e->cur_index == e->count
		    : e->cur_index && !e->next_link) {
			e->finished = true;
			return false;
		}
		if (e->mode == NPU_LRT_DMA_MODE_LIST && e->cur_index == DMA_LIST_MAX) {
			dma_fail(e, NPU_LRT_DMA_ERR_MODE, e->next_link);
			return false;
		}
		/* A copy descriptor is fetched as 80 bytes, like a hardware
		 * descriptor: hw-facts §12.1. */
		at = e->mode == NPU_LRT_DMA_MODE_ARRAY
			? e->desc + (uint64_t)NPU_COPY_DESC_ALIGN * e->cur_index
			: (e->cur_index ? e->next_link : e->desc);
		if (npum_mmu_read(n, NPU_MMU_SID_DMA, e->ssid_desc, at, &d, sizeof(d),
				  NPUM_MMU_ACC_READ, &faulted) != NPUM_MMU_OK || faulted) {
			dma_fail(e, NPU_LRT_DMA_ERR_DESC_FAULT, at);
			return false;
		}
		e->cur_src = npu_le64_get(&d.src);
		e->cur_dst = npu_le64_get(&d.dst);
		e->cur_len = npu_le32_get(&d.length);
		if (e->mode == NPU_LRT_DMA_MODE_LIST) {
			uint64_t cfg = npu_le64_get(&d.config);

			/* 1D only (docs/deviations.md) */
			if (NPU_FLD_GET(NPU_DMA_CFG_TYPE, cfg) != NPU_DMA_TYPE_1D ||
			    NPU_FLD_GET(NPU_DMA_PLANES_NUM, npu_le32_get(&d.planes_task))) {
				dma_fail(e, NPU_LRT_DMA_ERR_MODE, at);
				return false;
			}
			e->next_link = npu_le64_get(&d.link) & NPU_DMA_LINK_ADDR;
		}
		if (e->cur_len > NPU_COPY_DESC_SIZE_MAX) {
			dma_fail(e, NPU_LRT_DMA_ERR_LENGTH, at);
			return false;
		}
		break;
	default:
		return false;
	}
	e->cur_off = 0;
	e->cur_valid = true;
	return true;
}

static bool dma_track_mapping(struct dma_engine *e, void *ptr, uint64_t len, bool write)
{
	e->maps[e->nmaps++] = (struct dma_mapping){ ptr, len, write };
	return true;
}


/* Resolve one side of a piece at NPU address va: *len shrinks to what one
 * translation covers. Records the error and returns false on a fault. */
static bool dma_resolve(struct npum *n, struct dma_engine *e, uint64_t va, uint32_t ssid,
			bool write, uint64_t *len, struct dma_side *side)
{
	uint64_t pa, page_left;
	int r;

	if (npum_cmx_contains(va)) {
		side->ptr = npum_cmx_ptr(n, va, len);
		return true;
	}
	page_left = DMA_PAGE - (va & (DMA_PAGE - 1));
	if (*len > page_left)
		*len = page_left;
	r = npum_mmu_translate(n, NPU_MMU_SID_DMA, ssid, va, write, &pa);
	if (r != NPUM_MMU_OK) {
		n->stats.dma_faults++;
		dma_fail(e, write ? NPU_LRT_DMA_ERR_DST_FAULT : NPU_LRT_DMA_ERR_SRC_FAULT, va);
		return false;
	}
	if (!n->bus_master) {
		npum_guest_error(n, "DMA engine %u: transfer while bus mastering is disabled",
				 e->index);
		dma_fail(e, NPU_LRT_DMA_ERR_BUS, va);
		return false;
	}
	if (!n->host.dma_map) {
		side->ptr = NULL;
		side->bus = pa;
		return true;
	}
	side->ptr = n->host.dma_map(n->opaque, pa, len, write);
	if (!side->ptr || !*len) {
		npum_guest_error(n, "DMA engine %u: %s of bus address 0x%llx (NPU VA 0x%llx) "
				 "is not memory", e->index, write ? "write" : "read",
				 (unsigned long long)pa, (unsigned long long)va);
		n->stats.dma_errors++;
		dma_fail(e, NPU_LRT_DMA_ERR_BUS, va);
		return false;
	}
	return dma_track_mapping(e, side->ptr, *len, write);
}

static bool side_follows(const struct dma_side *prev, uint32_t prev_len, const struct dma_side *s)
{
	if (prev->ptr || s->ptr)
		return prev->ptr && s->ptr && prev->ptr + prev_len == s->ptr;
	return prev->bus + prev_len == s->bus;
}

static void dma_add_op(struct dma_engine *e, const struct dma_op *op)
{
	struct dma_op *last = e->nops ? &e->ops[e->nops - 1] : NULL;

	if (last && last->fill == op->fill && last->desc == op->desc &&
	    (uint64_t)last->len + op->len <= UINT32_MAX &&
	    side_follows(&last->dst, last->len, &op->dst) &&
	    (op->fill || side_follows(&last->src, last->len, &op->src))) {
		last->len += op->len;
		return;
	}
	e->ops[e->nops++] = *op;
}

/* Plan the next batch: ops and mappings for up to DMA_BATCH_BYTES. */
static void dma_plan(struct npum *n, struct dma_engine *e)
{
	bool fill = e->mode == NPU_LRT_DMA_MODE_FILL;

	e->nops = 0;
	e->nmaps = 0;
	e->batch_bytes = 0;
	e->batch_done_desc = e->done_desc;
	while (!e->err_code && !e->finished && e->batch_bytes < DMA_BATCH_BYTES &&
	       e->nops < DMA_BATCH_OPS && e->nmaps + 2 <= DMA_BATCH_MAPS) {
		struct dma_op op = { .fill = fill, .desc = e->cur_index };
		uint64_t piece, dlen, slen;

		if (!e->cur_valid && !dma_fetch(n, e))
			break;
		if (e->cur_off == e->cur_len) {
			e->cur_valid = false;
			e->cur_index++;
			e->batch_done_desc++;
			continue;
		}
		piece = e->cur_len - e->cur_off;
		if (piece > DMA_BATCH_BYTES - e->batch_bytes)
			piece = DMA_BATCH_BYTES - e->batch_bytes;
		dlen = slen = piece;
		if (!dma_resolve(n, e, e->cur_dst + e->cur_off, e->ssid_dst, true, &dlen, &op.dst))
			break;
		if (!fill && !dma_resolve(n, e, e->cur_src + e->cur_off, e->ssid_src, false, &slen,
					  &op.src))
			break;
		piece = dlen < slen ? dlen : slen;
		op.len = (uint32_t)piece;
		op.phase = (uint8_t)(e->cur_off & 3);
		dma_add_op(e, &op);
		e->cur_off += piece;
		e->batch_bytes += piece;
	}
}

/* ---- Moving the data ---------------------------------------------------------- */

/* The 32-bit pattern repeats little-endian from the transfer's first byte;
 * dst[0] is pattern byte `phase`. */
static void fill_bytes(uint8_t *dst, uint32_t len, uint32_t pattern, unsigned phase)
{
	uint8_t block[64];

	for (unsigned i = 0; i < sizeof(block); i++)
		block[i] = (uint8_t)(pattern >> (8 * ((phase + i) & 3)));
	while (len >= sizeof(block)) {
		memcpy(dst, block, sizeof(block));
		dst += sizeof(block);
		len -= (uint32_t)sizeof(block);
	}
	memcpy(dst, block, len);
}

/* Off the model's thread: only the planned pointers are touched. */
static void dma_run(struct npum_work *w)
{
	struct dma_engine *e = (struct dma_engine *)((char *)w - offsetof(struct dma_engine, work));

	if (!e->n->host.dma_map)
		return; /* every op is moved by dma_move_unmapped, in order */
	for (unsigned i = 0; i < e->nops; i++) {
		const struct dma_op *op = &e->ops[i];

		if (op->fill)
			fill_bytes(op->dst.ptr, op->len, e->pattern, op->phase);
		else
			memmove(op->dst.ptr, op->src.ptr, op->len);
	}
}

/* For hosts without dma_map: every op, in order, on the model's thread; on
 * a bus error the transfer ends at that op's descriptor. */
static void dma_move_unmapped(struct npum *n, struct dma_engine *e)
{
	uint8_t buf[NPU_MMU_PAGE_SIZE];

	for (unsigned i = 0; i < e->nops; i++) {
		const struct dma_op *op = &e->ops[i];

		for (uint32_t done = 0; done < op->len;) {
			uint32_t chunk = op->len - done > sizeof(buf) ? (uint32_t)sizeof(buf)
								     : op->len - done;
			int bad = 0;

			if (op->fill)
				fill_bytes(buf, chunk, e->pattern, (op->phase + done) & 3);
			else if (op->src.ptr)
				memcpy(buf, op->src.ptr + done, chunk);
			else
				bad = npum_dma_read(n, op->src.bus + done, buf, chunk);
			if (!bad && op->dst.ptr)
				memcpy(op->dst.ptr + done, buf, chunk);
			else if (!bad)
				bad = npum_dma_write(n, op->dst.bus + done, buf, chunk);
			if (bad) {
				e->cur_index = op->desc;
				dma_fail(e, NPU_LRT_DMA_ERR_BUS, op->src.ptr || op->fill
					 ? op->dst.bus + done : op->src.bus + done);
				e->batch_done_desc = op->desc;
				return;
			}
			done += chunk;
			e->bytes += chunk;
		}
	}
}

static void dma_unmap_all(struct npum *n, struct dma_engine *e)
{
	for (unsigned i = 0; i < e->nmaps; i++)
		n->host.dma_unmap(n->opaque, e->maps[i].ptr, e->maps[i].len, e->maps[i].write);
	e->nmaps = 0;
}

static uint64_t dma_batch_ns(const struct npum *n, uint64_t bytes)
{
	return bytes * 1000u / n->cfg.dma_mbps;
}

static void dma_finish(struct npum *n, struct dma_engine *e)
{
	if (!npum_barriers_task_end(n, e->run_wait, e->run_post) && !e->err_code) {
		npum_guest_error(n, "DMA engine %u: a barrier of its WAIT/POST masks was already "
				 "at 0", e->index);
		e->err_code = NPU_LRT_DMA_ERR_BARRIER;
	}
	e->status &= ~NPU_LRT_DMA_STATUS_BUSY;
	if (e->err_code) {
		e->status |= NPU_LRT_DMA_STATUS_ERROR;
		e->status = (e->status & ~NPU_LRT_DMA_STATUS_ERR_CODE) |
			    NPU_FLD_PREP(NPU_LRT_DMA_STATUS_ERR_CODE, e->err_code);
	} else {
		e->status |= NPU_LRT_DMA_STATUS_DONE;
	}
	n->stats.dma_transfers++;
	npum_trace_dma_done(n, e->index, dma_err_names[e->err_code], e->bytes, e->done_desc,
			    e->err_code ? e->err_addr : 0);
	dma_irq_update(n, e);
}

static void dma_batch_done(struct npum *n, struct npum_work *w)
{
	struct dma_engine *e = (struct dma_engine *)((char *)w - offsetof(struct dma_engine, work));
	uint64_t before = e->bytes;

	if (!n->host.dma_map) {
		dma_move_unmapped(n, e);
	} else {
		dma_unmap_all(n, e);
		e->bytes += e->batch_bytes;
	}
	n->stats.dma_bytes += e->bytes - before;
	e->done_desc = e->batch_done_desc;
	if (!e->err_code && !e->finished) {
		dma_plan(n, e);
		if (e->nops) {
			npum_work_submit(n, &e->work, npum_now(n) + dma_batch_ns(n, e->batch_bytes));
			return;
		}
		if (n->host.dma_unmap)
			dma_unmap_all(n, e);
		e->done_desc = e->batch_done_desc;
	}
	dma_finish(n, e);
}

/* ---- Registers ------------------------------------------------------------------- */

/* The transfer's barriers hold (at once, or later from barriers.c): run it. */
static void dma_ready(struct npum *n, struct npum_barrier_waiter *w)
{
	struct dma_engine *e = (struct dma_engine *)((char *)w -
						    offsetof(struct dma_engine, waiter));
	unsigned mode = e->mode;
	uint64_t what = mode == NPU_LRT_DMA_MODE_ARRAY || mode == NPU_LRT_DMA_MODE_LIST ? e->desc
											: e->dst;

	e->status &= ~NPU_LRT_ENGINE_STATUS_WAITING;
	if (mode > NPU_LRT_DMA_MODE_COPY ||
	    (mode == NPU_LRT_DMA_MODE_ARRAY && (!e->count || e->count > NPU_CMD_COPY_DESC_COUNT_MAX)))
		dma_fail(e, NPU_LRT_DMA_ERR_MODE, what);
	else if ((mode == NPU_LRT_DMA_MODE_ARRAY || mode == NPU_LRT_DMA_MODE_LIST) &&
		 (e->desc & (NPU_COPY_DESC_ALIGN - 1)))
		dma_fail(e, NPU_LRT_DMA_ERR_ALIGN, e->desc);
	else
		dma_plan(n, e);
	npum_work_submit(n, &e->work,
			 npum_now(n) + n->cfg.dma_setup_ns + dma_batch_ns(n, e->batch_bytes));
}

static void dma_start(struct npum *n, struct dma_engine *e, unsigned mode)
{
	uint64_t what = mode == NPU_LRT_DMA_MODE_ARRAY || mode == NPU_LRT_DMA_MODE_LIST ? e->desc
											: e->dst;
	uint64_t size = mode == NPU_LRT_DMA_MODE_ARRAY ? e->count : e->len;

	if (e->status & NPU_LRT_DMA_STATUS_BUSY) {
		npum_guest_error(n, "DMA engine %u started while a transfer runs; it carries on",
				 e->index);
		e->status = (e->status & ~NPU_LRT_DMA_STATUS_ERR_CODE) | NPU_LRT_DMA_STATUS_ERROR |
			    NPU_FLD_PREP(NPU_LRT_DMA_STATUS_ERR_CODE, NPU_LRT_DMA_ERR_BUSY);
		dma_irq_update(n, e);
		return;
	}
	e->mode = mode;
	e->status = NPU_LRT_DMA_STATUS_BUSY | (e->wait ? NPU_LRT_ENGINE_STATUS_WAITING : 0);
	e->run_wait = e->wait;
	e->run_post = e->post;
	e->done_desc = e->err_index = 0;
	e->bytes = e->err_addr = 0;
	e->cur_index = 0;
	e->cur_valid = e->finished = false;
	e->next_link = 0;
	e->err_code = 0;
	e->nops = e->nmaps = 0;
	e->batch_bytes = 0;
	e->batch_done_desc = 0;
	dma_irq_update(n, e);
	npum_trace_dma_start(n, e->index, mode < 4 ? dma_mode_names[mode] : "?", what, size,
			     mode == NPU_LRT_DMA_MODE_FILL ? e->ssid_dst : e->ssid_src);
	npum_barriers_wait(n, &e->waiter, e->run_wait);
}

static uint32_t reg_off(const struct npum_reg *r)
{
	return r->offset - NPU_LRT_DMA_BASE(0);
}

/* The 64-bit register whose low half is at lo, or NULL. */
static uint64_t *dma_u64(struct dma_engine *e, uint32_t lo)
{
	switch (lo) {
	case NPU_LRT_DMA_DESC_LO:     return &e->desc;
	case NPU_LRT_DMA_SRC_LO:      return &e->src;
	case NPU_LRT_DMA_DST_LO:      return &e->dst;
	case NPU_LRT_DMA_LEN_LO:      return &e->len;
	case NPU_LRT_DMA_BYTES_LO:    return &e->bytes;
	case NPU_LRT_DMA_ERR_ADDR_LO: return &e->err_addr;
	case NPU_LRT_DMA_WAIT_LO:     return &e->wait;
	case NPU_LRT_DMA_POST_LO:     return &e->post;
	default:                      return NULL;
	}
}

static uint32_t *dma_u32(struct dma_engine *e, uint32_t off)
{
	switch (off) {
	case NPU_LRT_DMA_STATUS:    return &e->status;
	case NPU_LRT_DMA_COUNT:     return &e->count;
	case NPU_LRT_DMA_PATTERN:   return &e->pattern;
	case NPU_LRT_DMA_SSID_DESC: return &e->ssid_desc;
	case NPU_LRT_DMA_SSID_SRC:  return &e->ssid_src;
	case NPU_LRT_DMA_SSID_DST:  return &e->ssid_dst;
	case NPU_LRT_DMA_DONE_DESC: return &e->done_desc;
	case NPU_LRT_DMA_ERR_INDEX: return &e->err_index;
	default:                    return NULL;
	}
}

static uint64_t rd_dma(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	struct dma_engine *e = engine(n, idx);
	uint32_t off = reg_off(r), *p32 = dma_u32(e, off);
	uint64_t *lo = dma_u64(e, off), *hi = dma_u64(e, off - 4);

	if (p32)
		return *p32;
	if (lo)
		return (uint32_t)*lo;
	return hi ? *hi >> 32 : 0;
}

static void wr_dma(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t val)
{
	struct dma_engine *e = engine(n, idx);
	uint32_t off = reg_off(r), v = (uint32_t)val;
	uint64_t *lo = dma_u64(e, off), *hi = dma_u64(e, off - 4);

	switch (off) {
	case NPU_LRT_DMA_CTRL:
		if (v & NPU_LRT_DMA_CTRL_START)
			dma_start(n, e, NPU_FLD_GET(NPU_LRT_DMA_CTRL_MODE, v));
		return;
	case NPU_LRT_DMA_STATUS:
		if (v & NPU_LRT_DMA_STATUS_ERROR)
			e->status &= ~(NPU_LRT_DMA_STATUS_ERROR | NPU_LRT_DMA_STATUS_ERR_CODE);
		if (v & NPU_LRT_DMA_STATUS_DONE)
			e->status &= ~NPU_LRT_DMA_STATUS_DONE;
		dma_irq_update(n, e);
		return;
	case NPU_LRT_DMA_COUNT:
	case NPU_LRT_DMA_PATTERN:
		*dma_u32(e, off) = v;
		return;
	case NPU_LRT_DMA_SSID_DESC:
	case NPU_LRT_DMA_SSID_SRC:
	case NPU_LRT_DMA_SSID_DST:
		*dma_u32(e, off) = v & NPU_LRT_CTX_SSID_MASK;
		return;
	}
	if (lo)
		*lo = (*lo & ~(uint64_t)UINT32_MAX) | v;
	else if (hi)
		*hi = (*hi & UINT32_MAX) | (uint64_t)v << 32;
}

#define DMA_REG(id, fl, rd, wr) \
	{ NPU_LRT_DMA_BASE(0) + NPU_LRT_DMA_##id, 4, (fl), NPU_LRT_DMA_ENGINES, \
	  NPU_LRT_DMA_REGS_SIZE, "LRT_DMA_" #id, (rd), (wr) }

static const struct npum_reg dma_regs[] = {
	DMA_REG(CTRL, NPUM_REG_WO, NULL, wr_dma),
	DMA_REG(STATUS, 0, rd_dma, wr_dma),
	DMA_REG(DESC_LO, 0, rd_dma, wr_dma),
	DMA_REG(DESC_HI, 0, rd_dma, wr_dma),
	DMA_REG(COUNT, 0, rd_dma, wr_dma),
	DMA_REG(SRC_LO, 0, rd_dma, wr_dma),
	DMA_REG(SRC_HI, 0, rd_dma, wr_dma),
	DMA_REG(DST_LO, 0, rd_dma, wr_dma),
	DMA_REG(DST_HI, 0, rd_dma, wr_dma),
	DMA_REG(LEN_LO, 0, rd_dma, wr_dma),
	DMA_REG(LEN_HI, 0, rd_dma, wr_dma),
	DMA_REG(PATTERN, 0, rd_dma, wr_dma),
	DMA_REG(SSID_DESC, 0, rd_dma, wr_dma),
	DMA_REG(SSID_SRC, 0, rd_dma, wr_dma),
	DMA_REG(SSID_DST, 0, rd_dma, wr_dma),
	DMA_REG(DONE_DESC, NPUM_REG_RO, rd_dma, NULL),
	DMA_REG(BYTES_LO, NPUM_REG_RO, rd_dma, NULL),
	DMA_REG(BYTES_HI, NPUM_REG_RO, rd_dma, NULL),
	DMA_REG(ERR_ADDR_LO, NPUM_REG_RO, rd_dma, NULL),
	DMA_REG(ERR_ADDR_HI, NPUM_REG_RO, rd_dma, NULL),
	DMA_REG(ERR_INDEX, NPUM_REG_RO, rd_dma, NULL),
	DMA_REG(WAIT_LO, 0, rd_dma, wr_dma),
	DMA_REG(WAIT_HI, 0, rd_dma, wr_dma),
	DMA_REG(POST_LO, 0, rd_dma, wr_dma),
	DMA_REG(POST_HI, 0, rd_dma, wr_dma),
};

static const struct npum_window dma_windows[] = {
	NPUM_WINDOW("LRT_DMA", NPUM_SPACE_LRT, NPU_LRT_DMA_BASE(0),
		    NPU_LRT_DMA_ENGINES * NPU_LRT_DMA_REGS_SIZE, false, dma_regs),
};

bool npum_dma_busy(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_DMA_ENGINES; i++)
		if (engine(n, i)->status & NPU_LRT_DMA_STATUS_BUSY)
			return true;
	return false;
}

/* ---- Block ------------------------------------------------------------------------ */

static int dma_init(struct npum *n)
{
	static const char *const names[NPU_LRT_DMA_ENGINES] = { "dma0", "dma1" };

	for (unsigned i = 0; i < NPU_LRT_DMA_ENGINES; i++) {
		struct dma_engine *e = engine(n, i);

		e->index = i;
		e->n = n;
		e->ops = calloc(DMA_BATCH_OPS, sizeof(*e->ops));
		e->maps = calloc(DMA_BATCH_MAPS, sizeof(*e->maps));
		if (!e->ops || !e->maps)
			return -1;
		npum_work_init(n, &e->work, names[i], dma_run, dma_batch_done);
		e->waiter.ready = dma_ready;
	}
	return 0;
}

static void dma_stop(struct npum *n, struct dma_engine *e)
{
	npum_work_cancel(n, &e->work);
	if (n->host.dma_unmap)
		dma_unmap_all(n, e);
	e->nops = e->nmaps = 0;
}

static void dma_fini(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_DMA_ENGINES; i++) {
		struct dma_engine *e = engine(n, i);

		if (e->ops)
			dma_stop(n, e);
		free(e->ops);
		free(e->maps);
	}
}

static void dma_ip_reset(struct npum *n)
{
	for (unsigned i = 0; i < NPU_LRT_DMA_ENGINES; i++) {
		struct dma_engine *e = engine(n, i);
		struct dma_op *ops = e->ops;
		struct dma_mapping *maps = e->maps;

		dma_stop(n, e);
		npum_barriers_cancel(n, &e->waiter);
		memset((char *)e + offsetof(struct dma_engine, desc), 0,
		       offsetof(struct dma_engine, ops) - offsetof(struct dma_engine, desc));
		e->ops = ops;
		e->maps = maps;
		dma_irq_update(n, e);
	}
}

const struct npum_block npum_block_dma = {
	.name = "dma",
	.windows = NPUM_WINDOWS(dma_windows),
	.priv_size = sizeof(struct npum_dma),
	.init = dma_init,
	.fini = dma_fini,
	.ip_reset = dma_ip_reset,
};
