/* SPDX-License-Identifier: MIT */
/*
 * CPU subsystem of the NPU IP (BAR0): control-core start vector, the timer
 * block (watchdog behind the TIM_SAFE key, host->firmware IPC FIFO, free
 * running perf counter), the debug-support unit registers and the 256
 * doorbells. hw-facts §2.4, §3.3, §5.5.
 */
#include <stddef.h>
#include <string.h>

#include "npum_internal.h"

static void cpuss_ip_reset(struct npum *n)
{
	npum_event_cancel(n, &n->cpu.ev_wdt);
	memset(&n->cpu, 0, offsetof(struct npum_cpuss, ev_wdt));
	n->cpu.perf_epoch_ns = npum_now(n);
	n->cpu.wdt_load = NPU_TIM_WATCHDOG_RESET_VALUE;
}

/* ---- Perf counter: 38.4 MHz of virtual time since the IP last came up --------- */

/* Power-on (and IP reset) start the count at 0: the host gives the firmware
 * the count at D0i3 entry and the time it spent unpowered (hw-facts §4.4),
 * which only makes sense if the counter stood still meanwhile. */
void npum_perf_restart(struct npum *n)
{
	n->cpu.perf_epoch_ns = npum_now(n);
}

uint64_t npum_perf_counter(struct npum *n)
{
	/* 38.4 MHz = 24 ticks per 625 ns */
	return (npum_now(n) - n->cpu.perf_epoch_ns) * 24 / 625;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (ticks * 625 + 23) / 24;
}

/* ---- Watchdog ----------------------------------------------------------------- */

static void wdt_rearm(struct npum *n)
{
	struct npum_cpuss *c = &n->cpu;

	if (c->wdt_en && !c->wdt_expired)
		npum_event_arm(n, &c->ev_wdt, c->wdt_start_ns + ticks_to_ns(c->wdt_load));
	else
		npum_event_cancel(n, &c->ev_wdt);
}

void npum_wdt_reload(struct npum *n, uint32_t ticks)
{
	n->cpu.wdt_load = ticks;
	n->cpu.wdt_start_ns = npum_now(n);
	n->cpu.wdt_expired = false;
	wdt_rearm(n);
}

void npum_wdt_enable(struct npum *n, bool en)
{
	if (en && !n->cpu.wdt_en)
		n->cpu.wdt_start_ns = npum_now(n);
	n->cpu.wdt_en = en;
	wdt_rearm(n);
}

uint32_t npum_wdt_remaining(struct npum *n)
{
	const struct npum_cpuss *c = &n->cpu;
	uint64_t elapsed;

	if (c->wdt_expired)
		return 0;
	if (!c->wdt_en)
		return c->wdt_load;
	elapsed = (npum_now(n) - c->wdt_start_ns) * 24 / 625;
	return elapsed >= c->wdt_load ? 0 : (uint32_t)(c->wdt_load - elapsed);
}

/* The watchdog fires as the "MSS" watchdog, which the boot parameters route
 * to ICB CPU_INT_REDIRECT_0 (hw-facts §4.4 watchdog_irq_mss = 32). */
static void cpuss_watchdog_expired(struct npum *n, struct npum_event *ev)
{
	n->cpu.wdt_expired = true;
	npum_trace_lrt(n, "watchdog-expired", 0, 0, 0, n->cpu.wdt_load);
	npum_icb_raise(n, 0, NPU_ICB_0_CPU_INT_REDIRECT_0);
}

/* Every write to a watchdog register must directly follow the unlock key
 * written to TIM_SAFE (§2.4, ivpu wdt_disable_37xx). */
static bool tim_safe_consume(struct npum *n, const struct npum_reg *r, uint64_t v)
{
	if (!n->cpu.tim_safe_unlocked) {
		npum_guest_error(n, "write of 0x%llx to %s without the TIM_SAFE unlock key; ignored",
				(unsigned long long)v, r->name);
		return false;
	}
	n->cpu.tim_safe_unlocked = false;
	return true;
}

static uint64_t rd_watchdog(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return npum_wdt_remaining(n);
}

static void wr_watchdog(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (tim_safe_consume(n, r, v))
		npum_wdt_reload(n, (uint32_t)v);
}

static uint64_t rd_wdog_en(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->cpu.wdt_en;
}

static void wr_wdog_en(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (tim_safe_consume(n, r, v))
		npum_wdt_enable(n, v & 1);
}

static uint64_t rd_tim_safe(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->cpu.tim_safe_unlocked;
}

static void wr_tim_safe(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	n->cpu.tim_safe_unlocked = v == NPU_TIM_SAFE_ENABLE_KEY;
	if (!n->cpu.tim_safe_unlocked)
		npum_guest_error(n, "TIM_SAFE written with 0x%llx, not the unlock key",
				(unsigned long long)v);
}

static uint64_t rd_gen_config(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->cpu.tim_gen_config;
}

/* ivpu clears WDOG_TO_INT_CLR with a read-modify-write after disabling the
 * watchdog (§2.4); the model treats a write with the bit at 0 as clearing
 * the expired condition (docs/deviations.md). */
static void wr_gen_config(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	n->cpu.tim_gen_config = (uint32_t)v;
	if (!(v & NPU_TIM_GEN_CONFIG_WDOG_TO_INT_CLR))
		n->cpu.wdt_expired = false;
	wdt_rearm(n);
}

static void wr_ipc_fifo(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (!npum_fifo_push(n, &n->to_fw, (uint32_t)v, "to-fw"))
		npum_guest_error(n, "host->firmware IPC FIFO full (%u entries); 0x%llx dropped",
				NPU_LRT_FIFO_DEPTH, (unsigned long long)v);
	npum_lrt_irq_update(n);
}

static uint64_t rd_perf_cnt(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return npum_perf_counter(n);
}

/* ---- Start vector --------------------------------------------------------- */

static uint64_t rd_leon_rt_vec(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->cpu.leon_rt_vec;
}

/* ivpu writes 0x1, 0x3, 0x1 (§3.3): run, then a RESUME pulse; the core
 * actually starts on LOADING_ADDRESS_LO.DONE (hostss.c). The reset vector
 * field is latched but the model starts at the loading address. */
static void wr_leon_rt_vec(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	uint32_t old = n->cpu.leon_rt_vec;

	n->cpu.leon_rt_vec = (uint32_t)v;
	if (!(v & NPU_LEON_RT_VEC_IRQI_RSTRUN0))
		n->cpu.resume_pulsed = false;
	else if ((old & NPU_LEON_RT_VEC_IRQI_RESUME0) && !(v & NPU_LEON_RT_VEC_IRQI_RESUME0))
		n->cpu.resume_pulsed = true;
}

static uint64_t rd_msscpu(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return r->offset == NPU_CPU_SS_MSSCPU_CPR_CLK_SET ? n->cpu.msscpu_clk_set
							  : n->cpu.msscpu_rst_clr;
}

static void wr_msscpu(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (r->offset == NPU_CPU_SS_MSSCPU_CPR_CLK_SET)
		n->cpu.msscpu_clk_set = (uint32_t)v;
	else
		n->cpu.msscpu_rst_clr = (uint32_t)v;
}

/* ---- Debug-support unit: read-only window on the core (encoding in regs_ip.h) */

static uint64_t rd_dsu(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return npum_lrt_dsu_read(n, r->offset);
}

/* ---- Doorbells --------------------------------------------------------------- */

bool npum_doorbell_any_pending(const struct npum *n)
{
	for (unsigned w = 0; w < NPU_DOORBELL_COUNT / 32; w++)
		if (n->cpu.db_pending[w])
			return true;
	return false;
}

static uint64_t rd_doorbell(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return (n->cpu.db_pending[idx / 32] >> (idx % 32)) & 1;
}

/* Ring by writing SET (bit 0): the pending bit is what the firmware sees
 * (§5.5 step 4). Writing 0 has no effect. */
static void wr_doorbell(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (!(v & NPU_DOORBELL_SET))
		return;
	n->cpu.db_pending[idx / 32] |= 1u << (idx % 32);
	npum_trace_doorbell(n, idx);
	npum_lrt_irq_update(n);
}

static const struct npum_reg cpuss_regs[] = {
	REG_RW(CPU_SS_MSSCPU_CPR_CLK_SET, rd_msscpu, wr_msscpu),
	REG_RW(CPU_SS_MSSCPU_CPR_RST_CLR, rd_msscpu, wr_msscpu),
	REG_RW(CPU_SS_MSSCPU_CPR_LEON_RT_VEC, rd_leon_rt_vec,
	       wr_leon_rt_vec),
	REG_RW(CPU_SS_TIM_WATCHDOG, rd_watchdog, wr_watchdog),
	REG_RW(CPU_SS_TIM_WDOG_EN, rd_wdog_en, wr_wdog_en),
	REG_RW(CPU_SS_TIM_SAFE, rd_tim_safe, wr_tim_safe),
	REG_WO(CPU_SS_TIM_IPC_FIFO, wr_ipc_fifo),
	REG_RW(CPU_SS_TIM_GEN_CONFIG, rd_gen_config, wr_gen_config),
	{ NPU_CPU_SS_TIM_PERF_FREE_CNT, 8, NPUM_REG_RO, 1, 0, "CPU_SS_TIM_PERF_FREE_CNT", rd_perf_cnt, NULL },
};

static const struct npum_reg dsu_regs[] = {
	REG_RO(CPU_SS_DSU_LEON_RT_DSU_CTRL, rd_dsu),
	REG_RO(CPU_SS_DSU_LEON_RT_PC_REG, rd_dsu),
	REG_RO(CPU_SS_DSU_LEON_RT_NPC_REG, rd_dsu),
	REG_RO(CPU_SS_DSU_LEON_RT_DSU_TRAP_REG, rd_dsu),
};

static const struct npum_reg doorbell_regs[] = {
	{ NPU_CPU_SS_DOORBELL_0, 4, 0, NPU_DOORBELL_COUNT, NPU_CPU_SS_DOORBELL_STRIDE, "CPU_SS_DOORBELL",
	  rd_doorbell, wr_doorbell },
};

static const struct npum_window cpuss_windows[] = {
	NPUM_WINDOW("CPU_SS_DSU", NPU_BAR_REGV, 0x04000000, 0x401000, true, dsu_regs),
	NPUM_WINDOW("CPU_SS", NPU_BAR_REGV, 0x06010000, 0x1A000, true, cpuss_regs),
	NPUM_WINDOW("CPU_SS_DOORBELL", NPU_BAR_REGV, NPU_CPU_SS_DOORBELL_0,
		    NPU_DOORBELL_COUNT * NPU_CPU_SS_DOORBELL_STRIDE, true, doorbell_regs),
};

static int cpuss_init(struct npum *n)
{
	npum_event_init(n, &n->cpu.ev_wdt, "watchdog", cpuss_watchdog_expired);
	return 0;
}

const struct npum_block npum_block_cpuss = {
	.name = "cpuss",
	.windows = NPUM_WINDOWS(cpuss_windows),
	.init = cpuss_init,
	.ip_reset = cpuss_ip_reset,
};
