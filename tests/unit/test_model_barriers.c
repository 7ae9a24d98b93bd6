/* SPDX-License-Identifier: MIT */
/*
 * The hardware barriers (qemu-device/model/engines/barriers.c, lrt.h
 * NPU_LRT_BARRIER_*): registers through the control core's peripheral block
 * (the monitor program), the engines' side through the internal interface
 * (npum_internal.h: waiters, task ends), FREED and its interrupt, underflow,
 * IP reset; and the DMA engines waiting on and posting barriers.
 */
#include <CUnit/Basic.h>
#include <string.h>

#include "model_prog.h"
#include "npum_internal.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/lrt.h"

#define PROD(b)  NPU_LRT_BARRIER_PRODUCERS(b)
#define CONS(b)  NPU_LRT_BARRIER_CONSUMERS(b)

/* A waiter that records the order in which waiters were released. */
struct tw {
	struct npum_barrier_waiter w;
	int id;
	unsigned calls;
};

static int order[16];
static unsigned norder;

static void tw_ready(struct npum *n, struct npum_barrier_waiter *w)
{
	struct tw *t = (struct tw *)w;

	(void)n;
	t->calls++;
	if (norder < 16)
		order[norder++] = t->id;
}

static void tw_init(struct tw *t, int id)
{
	memset(t, 0, sizeof(*t));
	t->w.ready = tw_ready;
	t->id = id;
}

static void boot(struct mp *P)
{
	mp_init(P, NULL);
	mp_monitor_boot(P);
	norder = 0;
}

static uint64_t ready64(struct mp *P)
{
	return mp_lrt_rd(P, NPU_LRT_BARRIER_READY_LO) |
	       (uint64_t)mp_lrt_rd(P, NPU_LRT_BARRIER_READY_HI) << 32;
}

static uint64_t freed64(struct mp *P)
{
	return mp_lrt_rd(P, NPU_LRT_BARRIER_FREED_LO) |
	       (uint64_t)mp_lrt_rd(P, NPU_LRT_BARRIER_FREED_HI) << 32;
}

static void test_registers(void)
{
	struct mp P;

	boot(&P);
	CU_ASSERT_EQUAL(ready64(&P), UINT64_MAX);      /* all counts 0 after reset */
	CU_ASSERT_EQUAL(freed64(&P), 0);
	mp_lrt_wr(&P, PROD(5), 3);
	mp_lrt_wr(&P, CONS(5), 2);
	mp_lrt_wr(&P, PROD(40), 0x12345);               /* [15:0] only */
	mp_lrt_wr(&P, CONS(63), 0xFFFF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(5)), 3);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, CONS(5)), 2);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(40)), 0x2345);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, CONS(63)), 0xFFFF);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(63)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, CONS(40)), 0);
	CU_ASSERT_EQUAL(ready64(&P), UINT64_MAX & ~(NPU_BIT64(5) | NPU_BIT64(40)));
	/* consumers alone do not make a barrier not ready */
	CU_ASSERT_TRUE((ready64(&P) & NPU_BIT64(63)) != 0);
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

/* Released at once, or from an event when the last producer ends; oldest
 * first; never inside npum_barriers_task_end. */
static void test_waiters_order(void)
{
	struct mp P;
	struct npum *n;
	struct tw a, b, c, now;

	boot(&P);
	n = P.h.npu;
	tw_init(&a, 1);
	tw_init(&b, 2);
	tw_init(&c, 3);
	tw_init(&now, 4);
	mp_lrt_wr(&P, PROD(1), 2);
	mp_lrt_wr(&P, PROD(34), 1);
	npum_barriers_wait(n, &now.w, NPU_BIT64(2));    /* already satisfied */
	CU_ASSERT_EQUAL(now.calls, 1);
	CU_ASSERT_FALSE(now.w.queued);
	npum_barriers_wait(n, &a.w, NPU_BIT64(1));
	npum_barriers_wait(n, &b.w, NPU_BIT64(1) | NPU_BIT64(34));
	npum_barriers_wait(n, &c.w, NPU_BIT64(1));
	CU_ASSERT_TRUE(a.w.queued && b.w.queued && c.w.queued);
	mp_run(&P, 10000);
	CU_ASSERT_EQUAL(a.calls + b.calls + c.calls, 0);
	/* one of two producers: still waiting */
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(1)));
	mp_run(&P, 10000);
	CU_ASSERT_EQUAL(a.calls + b.calls + c.calls, 0);
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(1)));
	CU_ASSERT_EQUAL(a.calls + c.calls, 0);          /* not inside task_end */
	mh_advance(&P.h, 0);                             /* the event, at the same time */
	CU_ASSERT_EQUAL(a.calls, 1);
	CU_ASSERT_EQUAL(c.calls, 1);
	CU_ASSERT_EQUAL(b.calls, 0);
	CU_ASSERT_EQUAL(norder, 3);
	CU_ASSERT_EQUAL(order[1], 1);
	CU_ASSERT_EQUAL(order[2], 3);
	CU_ASSERT_TRUE(b.w.queued);
	/* a register write of 0 releases too */
	mp_lrt_wr(&P, PROD(34), 0);
	mp_run(&P, 1000);
	CU_ASSERT_EQUAL(b.calls, 1);
	CU_ASSERT_FALSE(b.w.queued);
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

static void test_cancel_and_rewait(void)
{
	struct mp P;
	struct npum *n;
	struct tw a, b;

	boot(&P);
	n = P.h.npu;
	tw_init(&a, 1);
	tw_init(&b, 2);
	mp_lrt_wr(&P, PROD(0), 1);
	mp_lrt_wr(&P, PROD(9), 1);
	npum_barriers_wait(n, &a.w, NPU_BIT64(0));
	npum_barriers_wait(n, &b.w, NPU_BIT64(0));
	npum_barriers_cancel(n, &a.w);
	CU_ASSERT_FALSE(a.w.queued);
	npum_barriers_cancel(n, &a.w);                  /* twice: harmless */
	/* a second wait replaces the first mask */
	npum_barriers_wait(n, &b.w, NPU_BIT64(9));
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(0)));
	mp_run(&P, 1000);
	CU_ASSERT_EQUAL(a.calls, 0);
	CU_ASSERT_EQUAL(b.calls, 0);
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(9)));
	mp_run(&P, 1000);
	CU_ASSERT_EQUAL(a.calls, 0);
	CU_ASSERT_EQUAL(b.calls, 1);
	mp_fini(&P);
}

static void test_freed_and_irq(void)
{
	struct mp P;
	struct npum *n;

	boot(&P);
	n = P.h.npu;
	mp_lrt_wr(&P, PROD(33), 1);
	mp_lrt_wr(&P, CONS(33), 2);
	mp_lrt_wr(&P, PROD(3), 1);
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(33)));
	CU_ASSERT_EQUAL(freed64(&P), 0);                /* consumers left */
	CU_ASSERT_TRUE((ready64(&P) & NPU_BIT64(33)) != 0);
	CU_ASSERT_TRUE(npum_barriers_task_end(n, NPU_BIT64(33), 0));
	CU_ASSERT_EQUAL(freed64(&P), 0);
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_BARRIER);
	CU_ASSERT_TRUE(npum_barriers_task_end(n, NPU_BIT64(33), 0));
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(33));
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_BARRIER);
	/* no consumers at all: free when the producer ends */
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(3)));
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(33) | NPU_BIT64(3));
	/* W1C per half: the interrupt stays while any bit is set */
	mp_lrt_wr(&P, NPU_LRT_BARRIER_FREED_HI, NPU_BIT(1));
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(3));
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_BARRIER);
	mp_lrt_wr(&P, NPU_LRT_BARRIER_FREED_LO, 0);     /* 0s clear nothing */
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(3));
	mp_lrt_wr(&P, NPU_LRT_BARRIER_FREED_LO, NPU_BIT(3));
	CU_ASSERT_EQUAL(freed64(&P), 0);
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_BARRIER);
	CU_ASSERT_EQUAL(P.h.guest_errors, 0);
	mp_fini(&P);
}

static void test_underflow(void)
{
	struct mp P;
	struct npum *n;

	boot(&P);
	n = P.h.npu;
	mp_lrt_wr(&P, CONS(10), 1);
	mp_lrt_wr(&P, PROD(11), 1);
	/* barrier 12 has nothing to count off: an error, the others still count */
	CU_ASSERT_FALSE(npum_barriers_task_end(n, NPU_BIT64(10) | NPU_BIT64(12),
					       NPU_BIT64(11) | NPU_BIT64(12)));
	CU_ASSERT_EQUAL(P.h.guest_errors, 2);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, CONS(10)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(11)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(12)), 0);   /* stays at 0 */
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, CONS(12)), 0);
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(10) | NPU_BIT64(11));
	CU_ASSERT_FALSE(npum_barriers_task_end(n, 0, NPU_BIT64(63)));
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, 0));
	mp_fini(&P);
}

static uint32_t lrt_rd(struct npum *n, uint32_t off)
{
	uint32_t v = 0xDEADBEEF;

	CU_ASSERT_EQUAL(npum_lrt_space_read(n, off, &v), 0);
	return v;
}

static void test_ip_reset(void)
{
	struct mp P;
	struct npum *n;
	struct tw a;

	boot(&P);
	n = P.h.npu;
	tw_init(&a, 1);
	mp_lrt_wr(&P, PROD(20), 1);
	mp_lrt_wr(&P, CONS(21), 1);
	npum_barriers_task_end(n, NPU_BIT64(21), 0);
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(21));
	npum_barriers_wait(n, &a.w, NPU_BIT64(20));
	CU_ASSERT_TRUE(a.w.queued);
	npum_ip_reset(n);
	CU_ASSERT_FALSE(a.w.queued);
	/* the core is in reset now: read its peripheral block directly */
	CU_ASSERT_EQUAL(lrt_rd(n, NPU_LRT_BARRIER_READY_LO), UINT32_MAX);
	CU_ASSERT_EQUAL(lrt_rd(n, NPU_LRT_BARRIER_READY_HI), UINT32_MAX);
	CU_ASSERT_EQUAL(lrt_rd(n, CONS(21)), 0);
	CU_ASSERT_EQUAL(lrt_rd(n, NPU_LRT_BARRIER_FREED_LO), 0);
	CU_ASSERT_FALSE(lrt_rd(n, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_BARRIER);
	CU_ASSERT_EQUAL(npum_lrt_space_write(n, PROD(20), 1), 0);
	CU_ASSERT_EQUAL(npum_lrt_space_write(n, PROD(20), 0), 0);
	mh_advance(&P.h, 1000);
	CU_ASSERT_EQUAL(a.calls, 0);                    /* forgotten */
	mp_fini(&P);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("model_barriers", NULL, NULL);
	CU_add_test(s, "registers: counts [15:0], READY", test_registers);
	CU_add_test(s, "waiters: at once, from an event, oldest first", test_waiters_order);
	CU_add_test(s, "waiters: cancel, a second wait replaces", test_cancel_and_rewait);
	CU_add_test(s, "FREED when both counts reach 0, W1C, IRQ", test_freed_and_irq);
	CU_add_test(s, "underflow: guest error, stays 0, the rest counts", test_underflow);
	CU_add_test(s, "IP reset: counts, FREED, waiters", test_ip_reset);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
