/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the model's core: the block table (windows sorted, no
 * overlap, names), events (deadline order, ties in registration order),
 * off-thread work (inline and on a real worker thread: due time, late
 * finish, cancel) and the trace decoder.
 *
 * The host here is minimal and its own: a stepped clock, the single timer,
 * and optionally a pthread worker for npum_work.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "npum_internal.h"

/* ---- A small host ---------------------------------------------------------------- */

struct th {
	struct npum *npu;
	uint64_t now, deadline;
	unsigned guest_errors;
	/* worker */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct npum_work *queued, *running, *finished;
	bool quit;
	unsigned starts, waits;
};

static struct th T;

static int h_dma_read(void *o, uint64_t a, void *b, uint64_t l) { memset(b, 0, l); return 0; }
static int h_dma_write(void *o, uint64_t a, const void *b, uint64_t l) { return 0; }
static void h_msi(void *o) { }
static uint64_t h_clock(void *o) { return T.now; }
static void h_timer(void *o, uint64_t d) { T.deadline = d; }
static void h_guest_error(void *o, const char *m) { T.guest_errors++; }

static void *worker(void *arg)
{
	pthread_mutex_lock(&T.lock);
	while (!T.quit) {
		struct npum_work *w = T.queued;

		if (!w) {
			pthread_cond_wait(&T.cond, &T.lock);
			continue;
		}
		T.queued = NULL;
		T.running = w;
		pthread_mutex_unlock(&T.lock);
		npum_work_run(w);
		pthread_mutex_lock(&T.lock);
		T.running = NULL;
		T.finished = w;
		pthread_cond_broadcast(&T.cond);
	}
	pthread_mutex_unlock(&T.lock);
	return NULL;
}

static void h_work_start(void *o, struct npum_work *w)
{
	pthread_mutex_lock(&T.lock);
	T.starts++;
	T.queued = w;
	pthread_cond_broadcast(&T.cond);
	pthread_mutex_unlock(&T.lock);
}

static void h_work_wait(void *o, struct npum_work *w)
{
	pthread_mutex_lock(&T.lock);
	T.waits++;
	if (T.queued == w)
		T.queued = NULL;
	while (T.running == w)
		pthread_cond_wait(&T.cond, &T.lock);
	if (T.finished == w)
		T.finished = NULL;
	pthread_mutex_unlock(&T.lock);
}

/* The host's side of "run returned": deliver it on the model's thread. */
static bool deliver_finished(bool block)
{
	struct npum_work *w;

	pthread_mutex_lock(&T.lock);
	while (block && !T.finished)
		pthread_cond_wait(&T.cond, &T.lock);
	w = T.finished;
	T.finished = NULL;
	pthread_mutex_unlock(&T.lock);
	if (w)
		npum_work_finished(T.npu, w);
	return w != NULL;
}

static void advance_to(uint64_t t)
{
	while (T.deadline <= t) {
		if (T.deadline > T.now)
			T.now = T.deadline;
		T.deadline = UINT64_MAX;
		npum_timer_expired(T.npu);
	}
	T.now = t;
}

static void setup(bool threaded)
{
	struct npum_host_ops ops = {
		.dma_read = h_dma_read, .dma_write = h_dma_write, .msi_notify = h_msi,
		.clock_ns = h_clock, .timer_mod = h_timer, .guest_error = h_guest_error,
	};
	struct npum_config cfg;
	const char *err = NULL;

	memset(&T, 0, sizeof(T));
	T.deadline = UINT64_MAX;
	T.threaded = threaded;
	if (threaded) {
		ops.work_start = h_work_start;
		ops.work_wait = h_work_wait;
		pthread_mutex_init(&T.lock, NULL);
		pthread_cond_init(&T.cond, NULL);
		CU_ASSERT_FATAL(pthread_create(&T.thread, NULL, worker, NULL) == 0);
	}
	npum_config_default(&cfg);
	T.npu = npum_create(&cfg, &ops, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(T.npu);
}

static void teardown(void)
{
	npum_destroy(T.npu);
	if (T.threaded) {
		pthread_mutex_lock(&T.lock);
		T.quit = true;
		pthread_cond_broadcast(&T.cond);
		pthread_mutex_unlock(&T.lock);
		pthread_join(T.thread, NULL);
		pthread_cond_destroy(&T.cond);
		pthread_mutex_destroy(&T.lock);
	}
}

/* ---- The block table ----------------------------------------------------------------- */

static void test_block_table(void)
{
	setup(false);
	CU_ASSERT(T.npu->nwindows > 10);
	for (unsigned i = 1; i < T.npu->nwindows; i++) {
		const struct npum_window *a = T.npu->windows[i - 1], *b = T.npu->windows[i];

		/* sorted by (space, base), never overlapping */
		CU_ASSERT(a->space < b->space || (a->space == b->space && a->base + a->size <= b->base));
	}
	for (unsigned i = 0; i < T.npu->nwindows; i++) {
		const struct npum_window *w = T.npu->windows[i];

		CU_ASSERT_PTR_NOT_NULL(w->name);
		for (unsigned r = 1; r < w->nregs; r++)   /* registers sorted, inside */
			CU_ASSERT(w->regs[r - 1].offset < w->regs[r].offset);
		for (unsigned r = 0; r < w->nregs; r++)
			CU_ASSERT(w->regs[r].offset >= w->base &&
				  w->regs[r].offset - w->base < w->size);
	}
	/* every block got its private state */
	CU_ASSERT_PTR_NOT_NULL(npum_priv(T.npu, NPUM_BLOCK_mmu));
	CU_ASSERT_PTR_NOT_NULL(npum_priv(T.npu, NPUM_BLOCK_lrt));
	teardown();
}

static void test_create_checks_work_ops(void)
{
	struct npum_host_ops ops = {
		.dma_read = h_dma_read, .dma_write = h_dma_write, .msi_notify = h_msi,
		.clock_ns = h_clock, .timer_mod = h_timer, .guest_error = h_guest_error,
		.work_start = h_work_start,   /* without work_wait */
	};
	struct npum_config cfg;
	const char *err = NULL;

	npum_config_default(&cfg);
	CU_ASSERT_PTR_NULL(npum_create(&cfg, &ops, NULL, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	CU_ASSERT(err && strstr(err, "work_wait") != NULL);
}

/* ---- Events ------------------------------------------------------------------------------ */

static char fired[16];
static unsigned nfired;

static void fire_a(struct npum *n, struct npum_event *ev) { fired[nfired++] = 'a'; }
static void fire_b(struct npum *n, struct npum_event *ev) { fired[nfired++] = 'b'; }
static void fire_c(struct npum *n, struct npum_event *ev) { fired[nfired++] = 'c'; }

static void test_event_order(void)
{
	static struct npum_event a, b, c;

	setup(false);
	nfired = 0;
	npum_event_init(T.npu, &a, "a", fire_a);
	npum_event_init(T.npu, &b, "b", fire_b);
	npum_event_init(T.npu, &c, "c", fire_c);
	/* b and c tie; c earlier; a last; arming order reversed on purpose */
	npum_event_arm(T.npu, &a, 3000);
	npum_event_arm(T.npu, &c, 2000);
	npum_event_arm(T.npu, &b, 2000);
	CU_ASSERT_EQUAL(T.deadline, 2000);
	advance_to(1999);
	CU_ASSERT_EQUAL(nfired, 0);
	advance_to(5000);
	CU_ASSERT_EQUAL(nfired, 3);
	CU_ASSERT_NSTRING_EQUAL(fired, "bca", 3);      /* ties in registration order */
	CU_ASSERT_FALSE(npum_event_armed(&a));
	/* cancel */
	npum_event_arm(T.npu, &a, 6000);
	npum_event_cancel(T.npu, &a);
	CU_ASSERT_EQUAL(T.deadline, UINT64_MAX);
	advance_to(7000);
	CU_ASSERT_EQUAL(nfired, 3);
	teardown();
}

/* ---- Off-thread work ---------------------------------------------------------------------- */

struct tw {
	struct npum_work w;
	atomic_int runs;
	pthread_t run_thread;
	unsigned dones;
	uint64_t done_at;
	/* a gate the run() body waits at (threaded tests) */
	atomic_bool hold;
	atomic_bool in_run;
};

static struct tw W;

static void tw_run(struct npum_work *w)
{
	struct tw *t = (struct tw *)w;

	t->in_run = true;
	t->run_thread = pthread_self();
	while (t->hold)
		sched_yield();
	t->runs++;
	t->in_run = false;
}

static void tw_done(struct npum *n, struct npum_work *w)
{
	struct tw *t = (struct tw *)w;

	t->dones++;
	t->done_at = T.now;
}

static void work_setup(bool threaded)
{
	setup(threaded);
	memset(&W, 0, sizeof(W));
	npum_work_init(T.npu, &W.w, "test work", tw_run, tw_done);
}

static void test_work_inline(void)
{
	work_setup(false);
	npum_work_submit(T.npu, &W.w, 10000);
	/* no worker: the body ran right away, on this thread ... */
	CU_ASSERT_EQUAL(W.runs, 1);
	CU_ASSERT(pthread_equal(W.run_thread, pthread_self()));
	CU_ASSERT_TRUE(npum_work_busy(&W.w));
	/* ... and completes at its due time, not before */
	advance_to(9999);
	CU_ASSERT_EQUAL(W.dones, 0);
	advance_to(10000);
	CU_ASSERT_EQUAL(W.dones, 1);
	CU_ASSERT_EQUAL(W.done_at, 10000);
	CU_ASSERT_FALSE(npum_work_busy(&W.w));
	/* resubmit after completion */
	npum_work_submit(T.npu, &W.w, 20000);
	advance_to(30000);
	CU_ASSERT_EQUAL(W.dones, 2);
	CU_ASSERT_EQUAL(W.done_at, 20000);
	teardown();
}

static void test_work_thread_early(void)
{
	work_setup(true);
	npum_work_submit(T.npu, &W.w, 50000);
	CU_ASSERT_EQUAL(T.starts, 1);
	/* the worker finishes long before the due time ... */
	CU_ASSERT_TRUE(deliver_finished(true));
	CU_ASSERT_EQUAL(W.runs, 1);
	CU_ASSERT_FALSE(pthread_equal(W.run_thread, pthread_self()));
	CU_ASSERT_EQUAL(W.dones, 0);            /* ... but done() waits for it */
	advance_to(49999);
	CU_ASSERT_EQUAL(W.dones, 0);
	advance_to(50000);
	CU_ASSERT_EQUAL(W.dones, 1);
	CU_ASSERT_EQUAL(W.done_at, 50000);
	teardown();
}

static void test_work_thread_late(void)
{
	work_setup(true);
	W.hold = true;
	npum_work_submit(T.npu, &W.w, 1000);
	while (!W.in_run)
		sched_yield();
	/* due, but run() has not returned: no completion yet */
	advance_to(5000);
	CU_ASSERT_EQUAL(W.dones, 0);
	CU_ASSERT_TRUE(npum_work_busy(&W.w));
	W.hold = false;
	CU_ASSERT_TRUE(deliver_finished(true));
	/* completes as soon as the host reports it finished */
	CU_ASSERT_EQUAL(W.dones, 1);
	CU_ASSERT_EQUAL(W.done_at, 5000);
	CU_ASSERT_FALSE(npum_work_busy(&W.w));
	teardown();
}

static void test_work_cancel(void)
{
	work_setup(true);
	W.hold = true;
	npum_work_submit(T.npu, &W.w, 1000);
	while (!W.in_run)
		sched_yield();
	/* the body is still running: cancel waits for it, then forgets it */
	W.hold = false;
	npum_work_cancel(T.npu, &W.w);
	CU_ASSERT_EQUAL(T.waits, 1);
	CU_ASSERT_EQUAL(W.runs, 1);
	CU_ASSERT_FALSE(W.in_run);
	CU_ASSERT_FALSE(npum_work_busy(&W.w));
	CU_ASSERT_FALSE(deliver_finished(false));     /* the host dropped its report */
	advance_to(10000);
	CU_ASSERT_EQUAL(W.dones, 0);
	/* a cancelled work can be submitted again */
	npum_work_submit(T.npu, &W.w, 20000);
	CU_ASSERT_TRUE(deliver_finished(true));
	advance_to(20000);
	CU_ASSERT_EQUAL(W.dones, 1);
	teardown();
}

/* ---- Trace decoder ------------------------------------------------------------------------ */

static void test_trace_decoder(void)
{
	struct npum_trace_rec r = { .id = NPUM_TRACE_REG_WRITE };
	const struct npum_trace_desc *d = npum_trace_describe(NPUM_TRACE_REG_WRITE);
	char buf[160];
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->name, "reg_write");
	CU_ASSERT_EQUAL(d->nfields, 6);
	CU_ASSERT_EQUAL(npum_trace_lookup("reg_write"), NPUM_TRACE_REG_WRITE);
	CU_ASSERT_EQUAL(npum_trace_lookup("no_such_event"), -1);
	CU_ASSERT_EQUAL(npum_trace_field_index(d, "val"), 5);
	CU_ASSERT_PTR_NULL(npum_trace_describe(NPUM_TRACE_COUNT));
	r.f[0].s = "BUTTRESS";
	r.f[1].s = "WP_REQ_CMD";
	r.f[2].u = 4;
	r.f[3].u = 0x14;
	r.f[4].u = 4;
	r.f[5].u = 1;
	len = npum_trace_format(&r, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "reg_write: BUTTRESS.WP_REQ_CMD BAR4+0x14 size 4 <- 0x1");
	CU_ASSERT_EQUAL(len, strlen(buf));
	/* padding and truncation like snprintf */
	r = (struct npum_trace_rec){ .id = NPUM_TRACE_FIFO };
	r.f[0].s = "to-host";
	r.f[1].s = "push";
	r.f[2].u = 0x85880000;
	r.f[3].u = 1;
	npum_trace_format(&r, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "fifo: to-host push 0x85880000 level 1");
	len = npum_trace_format(&r, buf, 8);
	CU_ASSERT_STRING_EQUAL(buf, "fifo: t");
	CU_ASSERT_EQUAL(len, strlen("fifo: to-host push 0x85880000 level 1"));
	/* every event has a format naming all its fields */
	for (unsigned i = 0; i < NPUM_TRACE_COUNT; i++) {
		d = npum_trace_describe(i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		for (unsigned f = 0; f < d->nfields; f++) {
			char pat[40];

			snprintf(pat, sizeof(pat), "{%s", d->fields[f].name);
			CU_ASSERT(strstr(d->format, pat) != NULL);
		}
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("model_core", NULL, NULL);
	CU_add_test(s, "block table: windows sorted, disjoint, named", test_block_table);
	CU_add_test(s, "work_start without work_wait refused", test_create_checks_work_ops);
	CU_add_test(s, "events: deadline order, ties by registration", test_event_order);
	CU_add_test(s, "work inline: runs at once, done at due time", test_work_inline);
	CU_add_test(s, "work on a thread, finished early: done at due", test_work_thread_early);
	CU_add_test(s, "work on a thread, finished late: done then", test_work_thread_late);
	CU_add_test(s, "work cancel waits for run, no done", test_work_cancel);
	CU_add_test(s, "trace decoder", test_trace_decoder);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
