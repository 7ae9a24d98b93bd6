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

/* ---- DMA engines on barriers -------------------------------------------------- */

#define CMX_A  (NPU_CMX_BASE + 0x1000u)
#define CMX_B  (NPU_CMX_BASE + 0x3000u)
#define CMX_C  (NPU_CMX_BASE + NPU_CMX_SLICE_SIZE + 0x100u)
#define DMA(e, off) (NPU_LRT_DMA_BASE(e) + (off))

static uint8_t *cmx(struct mp *P, uint32_t addr)
{
	uint64_t len = 1;

	return npum_cmx_ptr(P->h.npu, addr, &len);
}

static void dma_copy(struct mp *P, unsigned e, uint32_t src, uint32_t dst, uint32_t len,
		     uint64_t wait, uint64_t post, unsigned mode)
{
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_SRC_LO), src);
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_DST_LO), dst);
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_LEN_LO), len);
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_WAIT_LO), (uint32_t)wait);
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_WAIT_HI), (uint32_t)(wait >> 32));
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_POST_LO), (uint32_t)post);
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_POST_HI), (uint32_t)(post >> 32));
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_CTRL),
		  NPU_LRT_DMA_CTRL_START | NPU_FLD_PREP(NPU_LRT_DMA_CTRL_MODE, mode));
}

static uint32_t dma_status(struct mp *P, unsigned e)
{
	return mp_lrt_rd(P, DMA(e, NPU_LRT_DMA_STATUS));
}

static void dma_clear(struct mp *P, unsigned e)
{
	mp_lrt_wr(P, DMA(e, NPU_LRT_DMA_STATUS), NPU_LRT_DMA_STATUS_DONE | NPU_LRT_DMA_STATUS_ERROR);
}

/* A -> B on engine 0 after barrier 1, B -> C on engine 1 after barrier 2,
 * which engine 0 posts; engine 1 posts barrier 35. */
static void test_dma_chain(void)
{
	struct mp P;
	struct npum *n;
	const uint32_t busy_waiting = NPU_LRT_DMA_STATUS_BUSY | NPU_LRT_ENGINE_STATUS_WAITING;

	boot(&P);
	n = P.h.npu;
	for (unsigned i = 0; i < 0x800; i++)
		cmx(&P, CMX_A)[i] = (uint8_t)(i * 7 + 1);
	mp_lrt_wr(&P, PROD(1), 1);
	mp_lrt_wr(&P, CONS(1), 1);
	mp_lrt_wr(&P, PROD(2), 1);
	mp_lrt_wr(&P, CONS(2), 1);
	mp_lrt_wr(&P, PROD(35), 1);
	dma_copy(&P, 1, CMX_B, CMX_C, 0x800, NPU_BIT64(2), NPU_BIT64(35), NPU_LRT_DMA_MODE_COPY);
	dma_copy(&P, 0, CMX_A, CMX_B, 0x800, NPU_BIT64(1), NPU_BIT64(2), NPU_LRT_DMA_MODE_COPY);
	CU_ASSERT_EQUAL(dma_status(&P, 0), busy_waiting);
	CU_ASSERT_EQUAL(dma_status(&P, 1), busy_waiting);
	/* a second START while waiting: BUSY, and it goes on waiting */
	mp_lrt_wr(&P, DMA(0, NPU_LRT_DMA_CTRL), NPU_LRT_DMA_CTRL_START |
		  NPU_FLD_PREP(NPU_LRT_DMA_CTRL_MODE, NPU_LRT_DMA_MODE_COPY));
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, dma_status(&P, 0)),
			NPU_LRT_DMA_ERR_BUSY);
	CU_ASSERT_TRUE(dma_status(&P, 0) & NPU_LRT_ENGINE_STATUS_WAITING);
	mp_lrt_wr(&P, DMA(0, NPU_LRT_DMA_STATUS), NPU_LRT_DMA_STATUS_ERROR);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(dma_status(&P, 0), busy_waiting);
	CU_ASSERT_EQUAL(dma_status(&P, 1), busy_waiting);
	CU_ASSERT_EQUAL(cmx(&P, CMX_B)[5], 0);
	CU_ASSERT_FALSE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_DMA(0));
	/* barrier 1's producer (some other task) ends */
	CU_ASSERT_TRUE(npum_barriers_task_end(n, 0, NPU_BIT64(1)));
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(dma_status(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(dma_status(&P, 1), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(memcmp(cmx(&P, CMX_A), cmx(&P, CMX_C), 0x800), 0);
	CU_ASSERT_EQUAL(freed64(&P), NPU_BIT64(1) | NPU_BIT64(2) | NPU_BIT64(35));
	CU_ASSERT_TRUE(mp_lrt_rd(&P, NPU_LRT_INTC_PENDING) & NPU_LRT_IRQ_BARRIER);
	CU_ASSERT_EQUAL(P.h.guest_errors, 1);            /* the BUSY start */
	mp_fini(&P);
}

static void test_dma_barrier_errors(void)
{
	struct mp P;
	struct npum *n;
	uint32_t st;

	boot(&P);
	n = P.h.npu;
	cmx(&P, CMX_A)[0] = 0x5A;
	/* posting a barrier with no producers: the copy is done, then ERR_BARRIER */
	dma_copy(&P, 0, CMX_A, CMX_B, 16, 0, NPU_BIT64(7), NPU_LRT_DMA_MODE_COPY);
	mp_run(&P, 100000);
	st = dma_status(&P, 0);
	CU_ASSERT_EQUAL(st & ~NPU_LRT_DMA_STATUS_ERR_CODE, NPU_LRT_DMA_STATUS_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, st), NPU_LRT_DMA_ERR_BARRIER);
	CU_ASSERT_EQUAL(cmx(&P, CMX_B)[0], 0x5A);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(7)), 0);
	CU_ASSERT_TRUE(P.h.guest_errors >= 1);
	/* a failed transfer still counts itself off; its own error is reported */
	dma_clear(&P, 0);
	mp_lrt_wr(&P, CONS(8), 1);
	mp_lrt_wr(&P, PROD(9), 1);
	dma_copy(&P, 0, CMX_A, CMX_B, 16, NPU_BIT64(8), NPU_BIT64(9) | NPU_BIT64(7), 6);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_LRT_DMA_STATUS_ERR_CODE, dma_status(&P, 0)),
			NPU_LRT_DMA_ERR_MODE);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, CONS(8)), 0);
	CU_ASSERT_EQUAL(mp_lrt_rd(&P, PROD(9)), 0);
	/* no barriers: as before */
	dma_clear(&P, 0);
	dma_copy(&P, 0, CMX_A, CMX_C, 16, 0, 0, NPU_LRT_DMA_MODE_COPY);
	mp_run(&P, 100000);
	CU_ASSERT_EQUAL(dma_status(&P, 0), NPU_LRT_DMA_STATUS_DONE);
	CU_ASSERT_EQUAL(cmx(&P, CMX_C)[0], 0x5A);
	/* IP reset while waiting: the transfer never runs */
	dma_clear(&P, 0);
	mp_lrt_wr(&P, PROD(4), 1);
	dma_copy(&P, 0, CMX_A, CMX_C + 64, 16, NPU_BIT64(4), 0, NPU_LRT_DMA_MODE_COPY);
	npum_ip_reset(n);
	CU_ASSERT_EQUAL(npum_lrt_space_write(n, PROD(4), 0), 0);
	mh_advance(&P.h, 1000000);
	CU_ASSERT_EQUAL(lrt_rd(n, DMA(0, NPU_LRT_DMA_STATUS)), 0);
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
	CU_add_test(s, "DMA: WAITING until ready, chained through a barrier", test_dma_chain);
	CU_add_test(s, "DMA: ERR_BARRIER, first error wins, IP reset", test_dma_barrier_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
