/* SPDX-License-Identifier: MIT */
/*
 * The firmware's scheduler: after boot (boot.c) everything happens here, in
 * one loop that sleeps in WFI and, when woken, serves each source in turn:
 * the host->firmware IPC inbox (ipc.c, jsm.c), the doorbells (db.c),
 * deferred responses waiting for FIFO or RX-slot space, the timer
 * (watchdog kicks, retries, re-polls of waiting jobs) and the job queues
 * (job.c), which get a bounded share of every pass. Nothing blocks: work that must wait arms a
 * timer or an interrupt source and returns to the loop, so one source never
 * holds up another.
 */
#include "fw.h"

/* ---- Timers ---------------------------------------------------------------------- */

/* mtimecmp = the earliest of the next watchdog tick and, while a response
 * waits for an RX slot, the retry time. */
void fw_timer_rearm(void)
{
	uint64_t at = rt.tick_at;

	if (!rt.timers_on) {
		at = UINT64_MAX;
		if (rt.defer_count && !rt.wait_outbox)
			at = plat_mtime() + PLAT_US_TO_TICKS(FW_RETRY_US);
	} else if (rt.defer_count && !rt.wait_outbox) {
		uint64_t retry = plat_mtime() + PLAT_US_TO_TICKS(FW_RETRY_US);

		if (retry < at)
			at = retry;
	}
	if (rt.job_poll_at && rt.job_poll_at < at)
		at = rt.job_poll_at;
	if (at != rt.timer_at) {
		rt.timer_at = at;
		plat_set_timer(at);
	}
}

void fw_timers_start(void)
{
	plat_wr(NPU_LRT_WDT_LOAD, (uint32_t)PLAT_US_TO_TICKS(FW_WDT_US));
	plat_wr(NPU_LRT_WDT_CTRL, NPU_LRT_WDT_CTRL_EN);
	rt.timers_on = true;
	rt.tick_at = plat_mtime() + PLAT_US_TO_TICKS(FW_TICK_US);
	rt.timer_at = 0;                 /* force the compare register write */
	fw_timer_rearm();
}

/* Between D0I3_ENTER and the power-off the core must look idle (VPU_STATUS
 * IDLE = WFI with nothing pending), so no tick may wake it. */
void fw_timers_stop(void)
{
	plat_wr(NPU_LRT_WDT_CTRL, 0);
	rt.timers_on = false;
	rt.tick_at = UINT64_MAX;
	fw_timer_rearm();
}

static void timer_service(uint64_t now)
{
	if (rt.timers_on && now >= rt.tick_at) {
		plat_wr(NPU_LRT_WDT_LOAD, (uint32_t)PLAT_US_TO_TICKS(FW_WDT_US));
		rt.tick_at = now + PLAT_US_TO_TICKS(FW_TICK_US);
	}
	if (rt.defer_count && !rt.wait_outbox)
		ipc_flush();
	fw_timer_rearm();
}

/* ---- The loop ------------------------------------------------------------------------ */

bool fw_poll_once(void)
{
	uint32_t pend = plat_rd(NPU_LRT_INTC_PENDING) & rt.intc_enable;
	bool more;

	if ((pend & (NPU_LRT_IRQ_INBOX | NPU_LRT_IRQ_DOORBELL)) && rt.quiesced) {
		/* the host carries on after a STATE_DUMP without a reset */
		rt.quiesced = false;
		LOG_INFO("sched: the host is back after STATE_DUMP; resuming timers and polls");
		fw_timers_start();
		job_kick_all();
	}
	if (pend & NPU_LRT_IRQ_INBOX) {
		if (!rt.timers_on && !rt.d0i3_requested) {
			/* D0i3 was announced but the host kept us powered: carry on */
			LOG_INFO("boot: still powered after D0I3_ENTER; resuming the watchdog");
			fw_timers_start();
		}
		ipc_drain_inbox();
	}
	if (pend & NPU_LRT_IRQ_DOORBELL)
		db_service();
	if ((pend & NPU_LRT_IRQ_OUTBOX_SPACE) && rt.defer_count)
		ipc_flush();
	if (rt.timer_at != UINT64_MAX && plat_mtime() >= rt.timer_at)
		timer_service(plat_mtime());
	/* DMA completions (NPU_LRT_IRQ_DMA) are picked up by the jobs that wait */
	more = job_run();
	if (rt.d0i3_requested) {
		rt.d0i3_requested = false;
		fw_timers_stop();
	}
	if (rt.quiesce_requested) {
		rt.quiesce_requested = false;
		rt.quiesced = true;
		rt.job_poll_at = 0;
		fw_timers_stop();
		return false;
	}
	return more;
}

__attribute__((noreturn)) void sched_run(void)
{
	for (;;)
		if (!fw_poll_once())
			plat_wfi();
}

