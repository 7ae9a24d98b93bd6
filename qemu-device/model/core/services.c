/* SPDX-License-Identifier: MIT */
/*
 * The services every block uses: the virtual clock, events on the host's
 * single timer, off-thread work, guest-error reports and bus-master DMA.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"

uint64_t npum_now(struct npum *n)
{
	return n->host.clock_ns(n->opaque);
}

/* ---- Guest errors ------------------------------------------------------------ */

void npum_guest_error(struct npum *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n->stats.guest_errors++;
	n->host.guest_error(n->opaque, msg);
}

/* ---- Bus-master DMA ------------------------------------------------------------- */

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

/* ---- Events ----------------------------------------------------------------------- */

static void npum_timer_rearm(struct npum *n)
{
	uint64_t next = UINT64_MAX;

	if (n->in_timer)
		return; /* npum_timer_expired re-arms once at the end */
	for (unsigned i = 0; i < n->nevents; i++)
		if (n->events[i]->deadline < next)
			next = n->events[i]->deadline;
	if (next != n->armed_deadline) {
		n->armed_deadline = next;
		n->host.timer_mod(n->opaque, next);
	}
}

void npum_event_init(struct npum *n, struct npum_event *ev, const char *name,
		     void (*fire)(struct npum *n, struct npum_event *ev))
{
	/* NPUM_MAX_EVENTS is sized for the block table; running out is a bug
	 * in the model, not something a guest can cause. */
	if (n->nevents == NPUM_MAX_EVENTS) {
		fprintf(stderr, "intel-npu-mtl model: more than %u events registered\n",
			NPUM_MAX_EVENTS);
		abort();
	}
	ev->deadline = UINT64_MAX;
	ev->fire = fire;
	ev->name = name;
	ev->order = n->nevents;
	n->events[n->nevents++] = ev;
}

void npum_event_arm(struct npum *n, struct npum_event *ev, uint64_t deadline_ns)
{
	ev->deadline = deadline_ns;
	npum_timer_rearm(n);
}

void npum_event_cancel(struct npum *n, struct npum_event *ev)
{
	if (ev->deadline == UINT64_MAX)
		return;
	ev->deadline = UINT64_MAX;
	npum_timer_rearm(n);
}

void npum_timer_expired(struct npum *n)
{
	n->armed_deadline = UINT64_MAX;
	n->in_timer = true;
	for (;;) {
		uint64_t now = npum_now(n), best = UINT64_MAX;
		struct npum_event *due = NULL;

		/* earliest deadline; registration order breaks ties */
		for (unsigned i = 0; i < n->nevents; i++) {
			struct npum_event *ev = n->events[i];

			if (ev->deadline <= now && ev->deadline < best) {
				best = ev->deadline;
				due = ev;
			}
		}
		if (!due)
			break;
		due->deadline = UINT64_MAX;
		due->fire(n, due);
	}
	n->in_timer = false;
	npum_timer_rearm(n);
}

/* ---- Off-thread work --------------------------------------------------------------- */

enum {
	NPUM_WORK_IDLE,
	NPUM_WORK_RUNNING,   /* run() started on a worker, not returned, not yet due */
	NPUM_WORK_RAN,       /* run() returned, waiting for the due time */
	NPUM_WORK_OVERDUE,   /* due, waiting for run() to return */
};

static void npum_work_complete(struct npum *n, struct npum_work *w)
{
	w->state = NPUM_WORK_IDLE;
	npum_trace_work(n, w->name, "done", w->due_ns);
	w->done(n, w);
}

static void npum_work_due(struct npum *n, struct npum_event *ev)
{
	struct npum_work *w = (struct npum_work *)((char *)ev - offsetof(struct npum_work, due));

	if (w->state == NPUM_WORK_RAN) {
		npum_work_complete(n, w);
	} else if (w->state == NPUM_WORK_RUNNING) {
		/* The host is slower than the model's timing: complete as soon
		 * as run() returns (docs/deviations.md, timing). */
		w->state = NPUM_WORK_OVERDUE;
		npum_trace_work(n, w->name, "overdue", w->due_ns);
	}
}

void npum_work_init(struct npum *n, struct npum_work *w, const char *name,
		    void (*run)(struct npum_work *w),
		    void (*done)(struct npum *n, struct npum_work *w))
{
	w->name = name;
	w->run = run;
	w->done = done;
	w->n = n;
	w->state = NPUM_WORK_IDLE;
	npum_event_init(n, &w->due, name, npum_work_due);
}

bool npum_work_busy(const struct npum_work *w)
{
	return w->state != NPUM_WORK_IDLE;
}

void npum_work_submit(struct npum *n, struct npum_work *w, uint64_t due_ns)
{
	w->due_ns = due_ns;
	npum_trace_work(n, w->name, "start", due_ns);
	if (n->host.work_start) {
		w->state = NPUM_WORK_RUNNING;
		n->host.work_start(n->opaque, w);
	} else {
		w->run(w);
		w->state = NPUM_WORK_RAN;
	}
	npum_event_arm(n, &w->due, due_ns);
}

void npum_work_run(struct npum_work *w)
{
	w->run(w);
}

void npum_work_finished(struct npum *n, struct npum_work *w)
{
	if (w->state == NPUM_WORK_RUNNING)
		w->state = NPUM_WORK_RAN;
	else if (w->state == NPUM_WORK_OVERDUE)
		npum_work_complete(n, w);
}

void npum_work_cancel(struct npum *n, struct npum_work *w)
{
	if (w->state == NPUM_WORK_IDLE)
		return;
	if (w->state == NPUM_WORK_RUNNING || w->state == NPUM_WORK_OVERDUE)
		n->host.work_wait(n->opaque, w);
	npum_event_cancel(n, &w->due);
	npum_trace_work(n, w->name, "cancelled", w->due_ns);
	w->state = NPUM_WORK_IDLE;
}
