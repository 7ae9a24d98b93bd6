/* SPDX-License-Identifier: MIT */
/*
 * The hardware barriers (hw-facts §16.3, §16.5; lrt.h NPU_LRT_BARRIER_*):
 * 64 pairs of counts that order the tasks of a mapped inference. The
 * firmware programs a barrier's producer and consumer counts from its
 * VpuBarrierCountConfig; a task that waits on barriers starts once each of
 * them has no producers left, and at its end counts itself off: one
 * consumer of every barrier it waited on, one producer of every barrier it
 * posts. When a task's decrement leaves both counts of a barrier at 0 the
 * barrier is free: its FREED bit is set (W1C), which drives
 * NPU_LRT_IRQ_BARRIER, and the firmware may program its next use.
 *
 * Engines take part through npum_internal.h: a waiter with a WAIT mask is
 * released (ready()) at once when the mask is already satisfied, otherwise
 * from an event at the virtual time its last producer count reached 0. The
 * event keeps ready() out of npum_barriers_task_end() and out of register
 * writes, so an engine finishing its task never finds another engine
 * starting inside its own completion. Waiters are released in the order
 * they started waiting: the model stays deterministic.
 */
#include <string.h>

#include "npum_internal.h"

#define BARRIER_COUNT_MASK  0xFFFFu     /* PRODUCERS/CONSUMERS [15:0] */

struct npum_barriers {
	uint16_t producers[NPU_LRT_BARRIERS];
	uint16_t consumers[NPU_LRT_BARRIERS];
	uint64_t freed;                       /* FREED, W1C */
	struct npum_barrier_waiter *head;     /* waiting, in the order they came */
	struct npum_event ev_wake;            /* release the waiters now ready */
};

static struct npum_barriers *bars(struct npum *n)
{
	return npum_priv(n, NPUM_BLOCK_barriers);
}

static uint64_t ready_mask(const struct npum_barriers *b)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < NPU_LRT_BARRIERS; i++)
		if (!b->producers[i])
			m |= NPU_BIT64(i);
	return m;
}

static void barriers_irq_update(struct npum *n)
{
	npum_lrt_irq_set(n, NPU_LRT_IRQ_BARRIER, bars(n)->freed != 0);
}

/* A producer count reached 0: waiters are looked at from an event now. */
static void barriers_wake_soon(struct npum *n)
{
	struct npum_barriers *b = bars(n);

	if (b->head && !npum_event_armed(&b->ev_wake))
		npum_event_arm(n, &b->ev_wake, npum_now(n));
}

/* Release, one at a time and oldest first, every waiter whose mask holds.
 * The list is searched again after each ready(): that callback may wait
 * again or cancel another waiter. */
static void barriers_wake(struct npum *n, struct npum_event *ev)
{
	struct npum_barriers *b = bars(n);

	(void)ev;
	for (;;) {
		uint64_t ready = ready_mask(b);
		struct npum_barrier_waiter **pp = &b->head, *w;

		while (*pp && ((*pp)->mask & ready) != (*pp)->mask)
			pp = &(*pp)->next;
		w = *pp;
		if (!w)
			return;
		*pp = w->next;
		w->next = NULL;
		w->queued = false;
		npum_trace_barrier_wait(n, "ready", w->mask);
		w->ready(n, w);
	}
}

void npum_barriers_cancel(struct npum *n, struct npum_barrier_waiter *w)
{
	struct npum_barriers *b = bars(n);
	struct npum_barrier_waiter **pp = &b->head;

	if (!w->queued)
		return;
	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	w->next = NULL;
	w->queued = false;
	npum_trace_barrier_wait(n, "cancel", w->mask);
}

void npum_barriers_wait(struct npum *n, struct npum_barrier_waiter *w, uint64_t wait_mask)
{
	struct npum_barriers *b = bars(n);
	struct npum_barrier_waiter **pp = &b->head;

	npum_barriers_cancel(n, w);
	w->mask = wait_mask;
	if ((wait_mask & ready_mask(b)) == wait_mask) {
		npum_trace_barrier_wait(n, "ready", wait_mask);
		w->ready(n, w);
		return;
	}
	npum_trace_barrier_wait(n, "wait", wait_mask);
	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	w->queued = true;
	*pp = w;
}

/* One count of barrier i down; false (and a guest error) when it was 0. */
static bool count_down(struct npum *n, unsigned i, bool producer)
{
	struct npum_barriers *b = bars(n);
	uint16_t *c = producer ? &b->producers[i] : &b->consumers[i];

	if (!*c) {
		npum_guest_error(n, "barrier %u: a task ended with its %s count already 0", i,
				 producer ? "producer" : "consumer");
		npum_trace_barrier(n, producer ? "producer underflow" : "consumer underflow", i,
				   b->producers[i], b->consumers[i]);
		return false;
	}
	--*c;
	if (producer && !*c)
		npum_trace_barrier(n, "ready", i, b->producers[i], b->consumers[i]);
	if (!b->producers[i] && !b->consumers[i]) {
		b->freed |= NPU_BIT64(i);
		npum_trace_barrier(n, "freed", i, 0, 0);
	}
	return true;
}

bool npum_barriers_task_end(struct npum *n, uint64_t wait_mask, uint64_t post_mask)
{
	struct npum_barriers *b = bars(n);
	uint64_t ready_before = ready_mask(b);
	bool ok = true;

	for (unsigned i = 0; i < NPU_LRT_BARRIERS; i++)
		if (wait_mask & NPU_BIT64(i))
			ok &= count_down(n, i, false);
	for (unsigned i = 0; i < NPU_LRT_BARRIERS; i++)
		if (post_mask & NPU_BIT64(i))
			ok &= count_down(n, i, true);
	barriers_irq_update(n);
	if (ready_mask(b) & ~ready_before)
		barriers_wake_soon(n);
	return ok;
}

/* ---- Registers ------------------------------------------------------------------- */

static uint64_t rd_producers(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	(void)r;
	return bars(n)->producers[idx];
}

static void wr_producers(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	(void)r;
	bars(n)->producers[idx] = (uint16_t)(v & BARRIER_COUNT_MASK);
	if (!bars(n)->producers[idx])
		barriers_wake_soon(n);
}

static uint64_t rd_consumers(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	(void)r;
	return bars(n)->consumers[idx];
}

static void wr_consumers(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	(void)r;
	bars(n)->consumers[idx] = (uint16_t)(v & BARRIER_COUNT_MASK);
}

static uint64_t rd_ready(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint64_t m = ready_mask(bars(n));

	(void)idx;
	return r->offset == NPU_LRT_BARRIER_READY_LO ? (uint32_t)m : m >> 32;
}

static uint64_t rd_freed(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint64_t m = bars(n)->freed;

	(void)idx;
	return r->offset == NPU_LRT_BARRIER_FREED_LO ? (uint32_t)m : m >> 32;
}

static void wr_freed(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	unsigned shift = r->offset == NPU_LRT_BARRIER_FREED_LO ? 0 : 32;

	(void)idx;
	bars(n)->freed &= ~((v & UINT32_MAX) << shift);
	barriers_irq_update(n);
}

static const struct npum_reg barrier_regs[] = {
	{ NPU_LRT_BARRIER_PRODUCERS(0), 4, 0, NPU_LRT_BARRIERS, 8, "LRT_BARRIER_PRODUCERS",
	  rd_producers, wr_producers },
	{ NPU_LRT_BARRIER_CONSUMERS(0), 4, 0, NPU_LRT_BARRIERS, 8, "LRT_BARRIER_CONSUMERS",
	  rd_consumers, wr_consumers },
	REG_RO(LRT_BARRIER_READY_LO, rd_ready),
	REG_RO(LRT_BARRIER_READY_HI, rd_ready),
	REG_RW(LRT_BARRIER_FREED_LO, rd_freed, wr_freed),
	REG_RW(LRT_BARRIER_FREED_HI, rd_freed, wr_freed),
};

static const struct npum_window barrier_windows[] = {
	NPUM_WINDOW("LRT_BARRIER", NPUM_SPACE_LRT, NPU_LRT_BARRIER_BASE, NPU_LRT_BARRIER_REGS_SIZE,
		    false, barrier_regs),
};

/* ---- Block ------------------------------------------------------------------------ */

static int barriers_init(struct npum *n)
{
	npum_event_init(n, &bars(n)->ev_wake, "barriers", barriers_wake);
	return 0;
}

/* Counts 0, nothing freed, nobody waiting. The engines cancel their own
 * waiters in their IP reset too; forgetting them here keeps the list
 * consistent whatever the order. */
static void barriers_ip_reset(struct npum *n)
{
	struct npum_barriers *b = bars(n);

	while (b->head) {
		struct npum_barrier_waiter *w = b->head;

		b->head = w->next;
		w->next = NULL;
		w->queued = false;
	}
	npum_event_cancel(n, &b->ev_wake);
	memset(b->producers, 0, sizeof(b->producers));
	memset(b->consumers, 0, sizeof(b->consumers));
	b->freed = 0;
	barriers_irq_update(n);
}

const struct npum_block npum_block_barriers = {
	.name = "barriers",
	.windows = NPUM_WINDOWS(barrier_windows),
	.priv_size = sizeof(struct npum_barriers),
	.init = barriers_init,
	.ip_reset = barriers_ip_reset,
};
