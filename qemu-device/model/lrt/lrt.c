/* SPDX-License-Identifier: MIT */
/*
 * The LeonRT control-core subsystem: an RV32IM hart (rv_core.c) with its
 * private peripherals and RAM (include/intel-npu/lrt.h, docs/lrt-core.md),
 * and the NPU MMU between it and host memory.
 *
 * Time: the core retires a fixed number of instructions per virtual
 * microsecond (npum_config.lrt_ipus). It runs lazily: npum_lrt_sync() brings
 * it up to the present before any host register access, and a time-slice
 * event keeps it moving while it has work. In WFI it costs nothing: the
 * instruction budget of the idle time is simply skipped. The same calls and
 * clock readings therefore always produce the same execution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"
#include "rv_core.h"

/* Virtual time one slice covers while the core is busy. */
#define LRT_SLICE_NS         20000u
/* Most virtual time a single sync may execute; beyond it the core is
 * declared throttled and the debt dropped (only possible when a real-time
 * host cannot keep up; stepped hosts never get there). */
#define LRT_MAX_DEBT_NS      5000000u
#define LRT_CONSOLE_MAX      200

struct npum_lrt {
	struct npum *n;
	struct rv_core *core;
	bool started;            /* released from reset by LOADING_ADDRESS.DONE */
	bool in_sync;            /* guards against re-entry through DMA callbacks */
	uint64_t base_ns;        /* virtual time of the start */
	uint64_t slots;          /* instruction slots consumed since start (run + idle) */
	bool in_run;             /* inside rv_core_run: ... */
	uint64_t run_instret0;   /* ... which started at this instret */
	uint32_t intc_enable;
	uint32_t irq_levels;     /* sources driven by other blocks (npum_lrt_irq_set) */
	uint32_t ctx_ssid;       /* context window SubstreamID (lrt.h) */
	bool ctx_faulted;
	uint32_t ctx_fault_addr;
	uint64_t mtimecmp;
	uint32_t halt_code;
	uint32_t entry;          /* where the host started the core */
	bool entry_trap_told;    /* the guest error for an early trap was given */
	char console[LRT_CONSOLE_MAX + 1];
	unsigned console_len;
	struct npum_event ev_slice;   /* run the next time slice */
	struct npum_event ev_timer;   /* mtime reaches mtimecmp */
	uint8_t tcm[NPU_LRT_TCM_SIZE];
};

static struct npum_lrt *lrt(struct npum *n)
{
	return npum_priv(n, NPUM_BLOCK_lrt);
}

/* Virtual time the core has reached; inside a run of the interpreter this
 * includes the instructions retired so far in that run, so mtime, the time
 * CSR and the timer line advance instruction by instruction. */
static uint64_t lrt_local_ns(const struct npum_lrt *l)
{
	uint64_t slots = l->slots;

	if (l->in_run)
		slots += rv_core_instret(l->core) - l->run_instret0;
	return l->base_ns + slots * 1000 / l->n->cfg.lrt_ipus;
}

/* Virtual time at which mtime reaches mtimecmp; UINT64_MAX when that is
 * beyond 64-bit nanoseconds (never). */
static uint64_t lrt_timer_ns(const struct npum_lrt *l)
{
	uint64_t epoch = l->n->cpu.perf_epoch_ns, ns;

	if (l->mtimecmp > (UINT64_MAX - 23) / 625)
		return UINT64_MAX;
	ns = (l->mtimecmp * 625 + 23) / 24;
	return ns > UINT64_MAX - epoch ? UINT64_MAX : epoch + ns;
}

/* First instruction slot whose local time is at or after ns (rounded up,
 * unlike lrt_slots_at), so that mtime >= mtimecmp holds there. */
static uint64_t lrt_slot_reaching(const struct npum_lrt *l, uint64_t ns)
{
	uint64_t ipus = l->n->cfg.lrt_ipus, d, q;

	if (ns == UINT64_MAX)
		return UINT64_MAX;
	if (ns <= l->base_ns)
		return 0;
	d = ns - l->base_ns;
	q = d / 1000;
	if (q >= UINT64_MAX / ipus - 1)
		return UINT64_MAX;
	return q * ipus + ((d % 1000) * ipus + 999) / 1000;
}

/* Virtual time at which the core reaches slot s (lrt_slots_at(t) >= s). */
static uint64_t lrt_slot_time(const struct npum_lrt *l, uint64_t s)
{
	uint64_t ipus = l->n->cfg.lrt_ipus, q = s / ipus;

	if (s == UINT64_MAX || q >= (UINT64_MAX - l->base_ns) / 1000 - 1)
		return UINT64_MAX;
	return l->base_ns + q * 1000 + ((s % ipus) * 1000 + ipus - 1) / ipus;
}

static uint64_t lrt_mtime(const struct npum_lrt *l)
{
	return (lrt_local_ns(l) - l->n->cpu.perf_epoch_ns) * 24 / 625;
}

static void lrt_react(struct npum_lrt *l);

/* ---- Interrupt lines --------------------------------------------------------- */

static uint32_t lrt_intc_sources(struct npum *n)
{
	uint32_t v = 0;

	if (n->to_fw.level)
		v |= NPU_LRT_IRQ_INBOX;
	if (npum_doorbell_any_pending(n))
		v |= NPU_LRT_IRQ_DOORBELL;
	if (n->to_host.level < NPU_LRT_FIFO_DEPTH)
		v |= NPU_LRT_IRQ_OUTBOX_SPACE;
	return v | lrt(n)->irq_levels;
}

static void lrt_update_lines(struct npum_lrt *l)
{
	uint32_t lines = 0;

	if (lrt_intc_sources(l->n) & l->intc_enable)
		lines |= 1u << RV_IRQ_MEI;
	if (lrt_mtime(l) >= l->mtimecmp)
		lines |= 1u << RV_IRQ_MTI;
	rv_core_set_irq_lines(l->core, lines);
}

/* Arms the slice while the core has something to execute, and the timer
 * event for a future mtimecmp while it sleeps. */
static void lrt_schedule(struct npum_lrt *l)
{
	struct npum *n = l->n;
	enum rv_state st = rv_core_state(l->core);
	uint64_t wake;
	bool runnable = l->started &&
			(st == RV_STATE_RUNNING || (st == RV_STATE_WFI && rv_core_irq_pending(l->core)));

	if (runnable) {
		uint64_t now = npum_now(n), local = lrt_local_ns(l);

		npum_event_arm(n, &l->ev_slice, (local > now ? local : now) + LRT_SLICE_NS);
	} else {
		npum_event_cancel(n, &l->ev_slice);
	}

	/* Wake at the first instruction slot where mtime >= mtimecmp holds:
	 * a deadline between two slots would otherwise fire one slot early and
	 * re-arm itself forever. */
	wake = l->started && st == RV_STATE_WFI && lrt_mtime(l) < l->mtimecmp ?
	       lrt_slot_time(l, lrt_slot_reaching(l, lrt_timer_ns(l))) : UINT64_MAX;
	if (wake != UINT64_MAX)
		npum_event_arm(n, &l->ev_timer, wake);
	else
		npum_event_cancel(n, &l->ev_timer);
}

void npum_lrt_irq_update(struct npum *n)
{
	struct npum_lrt *l = lrt(n);

	if (!l->started)
		return;
	lrt_update_lines(l);
	if (rv_core_state(l->core) == RV_STATE_WFI && rv_core_irq_pending(l->core))
		lrt_react(l);
	else
		lrt_schedule(l);
}

/* ---- Execution -------------------------------------------------------------------- */

static void lrt_trace_state(struct npum_lrt *l, const char *what)
{
	npum_trace_lrt(l->n, what, rv_core_pc(l->core), rv_core_state(l->core),
		       rv_core_instret(l->core), 0);
}

/* Slot count at which the core's local time reaches ns. */
static uint64_t lrt_slots_at(const struct npum_lrt *l, uint64_t ns)
{
	return ns > l->base_ns ? (ns - l->base_ns) * l->n->cfg.lrt_ipus / 1000 : 0;
}

/* Runs the core until it has consumed `target` instruction slots. With
 * stop_when_idle it returns as soon as the core sleeps with nothing
 * pending, instead of skipping the rest of the window. */
static void lrt_run(struct npum_lrt *l, uint64_t target, bool stop_when_idle)
{
	struct npum *n = l->n;

	while (l->slots < target) {
		enum rv_state st = rv_core_state(l->core);
		uint64_t ran;

		if (st == RV_STATE_HALTED || st == RV_STATE_ERROR) {
			l->slots = target;
			break;
		}
		lrt_update_lines(l);
		if (st == RV_STATE_WFI && !rv_core_irq_pending(l->core)) {
			/* Sleep until the timer would fire or the window ends;
			 * other wake-ups arrive through npum_lrt_irq_update. */
			uint64_t wake = target;

			if (stop_when_idle)
				break;
			if (l->mtimecmp != UINT64_MAX) {
				uint64_t at = lrt_slot_reaching(l, lrt_timer_ns(l));

				if (at > l->slots && at < wake)
					wake = at;
			}
			l->slots = wake > l->slots ? wake : l->slots + 1;
			continue;
		}
		l->in_run = true;
		l->run_instret0 = rv_core_instret(l->core);
		ran = rv_core_run(l->core, target - l->slots);
		l->in_run = false;
		l->slots += ran ? ran : 1;
		n->stats.lrt_instructions += ran;
		st = rv_core_state(l->core);
		if (st == RV_STATE_WFI)
			lrt_trace_state(l, "wfi");
		else if (st == RV_STATE_ERROR)
			lrt_trace_state(l, "error-mode");
	}
}

void npum_lrt_sync(struct npum *n)
{
	struct npum_lrt *l = lrt(n);
	uint64_t max_debt = (uint64_t)LRT_MAX_DEBT_NS * n->cfg.lrt_ipus / 1000;
	uint64_t target;

	if (!l->started || l->in_sync)
		return;
	target = lrt_slots_at(l, npum_now(n));
	if (target > l->slots + max_debt) {
		uint64_t drop = target - l->slots - max_debt;
		enum rv_state st = rv_core_state(l->core);

		/* only a core with work to do falls behind; a sleeping one skips */
		if (st == RV_STATE_RUNNING || (st == RV_STATE_WFI && rv_core_irq_pending(l->core)))
			n->stats.lrt_throttled_ns += drop * 1000 / n->cfg.lrt_ipus;
		l->slots += drop;
	}
	l->in_sync = true;
	lrt_run(l, target, false);
	l->in_sync = false;
	lrt_update_lines(l);
	lrt_schedule(l);
}

/*
 * An interrupt just woke the core: let it handle it now, running ahead of
 * virtual time by at most lrt_lead_ns, instead of waiting for the next time
 * slice. Silicon answers a JSM message within microseconds; waiting for a
 * host timer would let a busy host stretch that past the driver's budgets
 * (ivpu gives PWR_D0I3_ENTER 5 ms, hw-facts §3.5). The result depends only
 * on the inputs, so runs stay repeatable.
 */
static void lrt_react(struct npum_lrt *l)
{
	struct npum *n = l->n;

	if (n->cfg.lrt_lead_ns && !l->in_sync && l->started) {
		npum_lrt_sync(n);
		if (rv_core_state(l->core) == RV_STATE_RUNNING || rv_core_irq_pending(l->core)) {
			l->in_sync = true;
			lrt_run(l, lrt_slots_at(l, npum_now(n) + n->cfg.lrt_lead_ns), true);
			l->in_sync = false;
		}
	}
	lrt_update_lines(l);
	lrt_schedule(l);
}

static void lrt_event(struct npum *n, struct npum_event *ev)
{
	npum_lrt_sync(n);
}

bool npum_lrt_idle(struct npum *n)
{
	struct npum_lrt *l = lrt(n);
	enum rv_state st;

	if (!l->started)
		return true;
	st = rv_core_state(l->core);
	if (st == RV_STATE_HALTED || st == RV_STATE_ERROR)
		return true;
	return st == RV_STATE_WFI && !rv_core_irq_pending(l->core);
}

void npum_lrt_start(struct npum *n, uint32_t entry)
{
	struct npum_lrt *l = lrt(n);

	if (l->started) {
		npum_guest_error(n, "control core start requested while it is running; "
				"an IP reset must come first");
		return;
	}
	rv_core_reset(l->core, entry);
	l->entry = entry;
	l->entry_trap_told = false;
	l->started = true;
	l->base_ns = npum_now(n);
	l->slots = 0;
	lrt_trace_state(l, "start");
	lrt_update_lines(l);
	lrt_react(l);
}

/* ---- Peripherals (lrt.h) ------------------------------------------------------------ */

static void lrt_console_putc(struct npum_lrt *l, char c)
{
	if (c != '\n' && l->console_len < LRT_CONSOLE_MAX) {
		l->console[l->console_len++] = c;
		return;
	}
	l->console[l->console_len] = '\0';
	npum_trace_fw_console(l->n, l->console);
	if (l->n->host.console)
		l->n->host.console(l->n->opaque, l->console);
	l->console_len = 0;
	if (c != '\n')
		l->console[l->console_len++] = c;
}

static uint32_t fifo_stat(const struct npum_fifo *f)
{
	return (uint32_t)NPU_FLD_PREP(NPU_LRT_FIFO_STAT_LEVEL, f->level) |
	       (f->level == NPU_LRT_FIFO_DEPTH ? NPU_LRT_FIFO_STAT_FULL : 0) |
	       (f->level == 0 ? NPU_LRT_FIFO_STAT_EMPTY : 0) |
	       (f->overflow ? NPU_LRT_FIFO_STAT_OVERFLOW : 0);
}

static void lrt_halt(struct npum_lrt *l, uint32_t code)
{
	l->halt_code = code & NPU_LRT_HALT_CODE;
	rv_core_halt(l->core, l->halt_code != 0);
	npum_trace_lrt(l->n, "halt", rv_core_pc(l->core), l->halt_code, rv_core_instret(l->core),
		       0);
}

/* The core's own registers (lrt.h): each handler serves one register or a
 * family that shares an encoding. */
static uint64_t rd_id(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	switch (r->offset) {
	case NPU_LRT_ID:         return NPU_LRT_ID_VALUE;
	case NPU_LRT_IPUS:       return n->cfg.lrt_ipus;
	default:                 return n->cfg.device_id | (uint32_t)n->cfg.revision << 16;
	}
}

static void wr_console(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	lrt_console_putc(lrt(n), (char)(v & 0xFF));
}

static void wr_halt(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	lrt_halt(lrt(n), (uint32_t)v);
}

static struct npum_fifo *fifo_of(struct npum *n, const struct npum_reg *r)
{
	return r->offset == NPU_LRT_INBOX_DATA || r->offset == NPU_LRT_INBOX_STAT ? &n->to_fw
										     : &n->to_host;
}

static uint64_t rd_inbox(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint32_t v;

	return npum_fifo_pop(n, &n->to_fw, &v, "to-fw") ? v : NPU_IPC_FIFO_EMPTY_VALUE;
}

static void wr_outbox(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	npum_fifo_push(n, &n->to_host, (uint32_t)v, "to-host");
	npum_irq_update(n);
}

static uint64_t rd_fifo_stat(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return fifo_stat(fifo_of(n, r));
}

static void wr_fifo_stat(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (v & NPU_LRT_FIFO_STAT_OVERFLOW)
		fifo_of(n, r)->overflow = false;
}

static uint64_t rd_db_pending(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->cpu.db_pending[idx];
}

static void wr_db_pending(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	n->cpu.db_pending[idx] &= ~(uint32_t)v;
}

static uint64_t rd_db_summary(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint32_t v = 0;

	for (unsigned w = 0; w < NPU_DOORBELL_COUNT / 32; w++)
		if (n->cpu.db_pending[w])
			v |= 1u << w;
	return v;
}

static uint64_t rd_intc_pending(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return lrt_intc_sources(n);
}

static uint64_t rd_intc_enable(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return lrt(n)->intc_enable;
}

static void wr_intc_enable(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	lrt(n)->intc_enable = (uint32_t)v & NPU_LRT_IRQ_ALL;
}

static uint64_t rd_mtime(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint64_t t = lrt_mtime(lrt(n));

	return r->offset == NPU_LRT_MTIME_LO ? (uint32_t)t : (uint32_t)(t >> 32);
}

static uint64_t rd_mtimecmp(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint64_t t = lrt(n)->mtimecmp;

	return r->offset == NPU_LRT_MTIMECMP_LO ? (uint32_t)t : (uint32_t)(t >> 32);
}

static void wr_mtimecmp(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	struct npum_lrt *l = lrt(n);

	if (r->offset == NPU_LRT_MTIMECMP_LO)
		l->mtimecmp = (l->mtimecmp & ~(uint64_t)UINT32_MAX) | (uint32_t)v;
	else
		l->mtimecmp = (l->mtimecmp & UINT32_MAX) | v << 32;
}

static uint64_t rd_wdt(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	switch (r->offset) {
	case NPU_LRT_WDT_LOAD:   return n->cpu.wdt_load;
	case NPU_LRT_WDT_CTRL:   return n->cpu.wdt_en ? NPU_LRT_WDT_CTRL_EN : 0;
	default:                 return npum_wdt_remaining(n);
	}
}

static void wr_wdt(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	if (r->offset == NPU_LRT_WDT_LOAD)
		npum_wdt_reload(n, (uint32_t)v);
	else
		npum_wdt_enable(n, v & NPU_LRT_WDT_CTRL_EN);
}

static uint64_t rd_ctx(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	struct npum_lrt *l = lrt(n);

	switch (r->offset) {
	case NPU_LRT_CTX_SSID:   return l->ctx_ssid;
	case NPU_LRT_CTX_FAULT:  return l->ctx_faulted ? NPU_LRT_CTX_FAULT_FAULTED : 0;
	default:                 return l->ctx_fault_addr;
	}
}

static void wr_ctx(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	struct npum_lrt *l = lrt(n);

	if (r->offset == NPU_LRT_CTX_SSID)
		l->ctx_ssid = (uint32_t)v & NPU_LRT_CTX_SSID_MASK;
	else if (v & NPU_LRT_CTX_FAULT_FAULTED)
		l->ctx_faulted = false;
}

static const struct npum_reg lrt_regs[] = {
	REG_RO(LRT_ID, rd_id),
	REG_RO(LRT_IPUS, rd_id),
	REG_RO(LRT_PCI_DEVICE, rd_id),
	/* each byte: the fw_console event traces whole lines */
	{ NPU_LRT_CONSOLE_TX, 4, NPUM_REG_WO | NPUM_REG_QUIET, 1, 0, "LRT_CONSOLE_TX", NULL, wr_console },
	REG_WO(LRT_HALT, wr_halt),
	REG_RO(LRT_INBOX_DATA, rd_inbox),
	REG_RW(LRT_INBOX_STAT, rd_fifo_stat, wr_fifo_stat),
	REG_WO(LRT_OUTBOX_DATA, wr_outbox),
	REG_RW(LRT_OUTBOX_STAT, rd_fifo_stat, wr_fifo_stat),
	{ NPU_LRT_DB_PENDING(0), 4, 0, NPU_DOORBELL_COUNT / 32, 4, "LRT_DB_PENDING", rd_db_pending,
	  wr_db_pending },
	REG_RO(LRT_DB_SUMMARY, rd_db_summary),
	REG_RO(LRT_INTC_PENDING, rd_intc_pending),
	REG_RW(LRT_INTC_ENABLE, rd_intc_enable, wr_intc_enable),
	REG_RO(LRT_MTIME_LO, rd_mtime),
	REG_RO(LRT_MTIME_HI, rd_mtime),
	REG_RW(LRT_MTIMECMP_LO, rd_mtimecmp, wr_mtimecmp),
	REG_RW(LRT_MTIMECMP_HI, rd_mtimecmp, wr_mtimecmp),
	REG_RW(LRT_WDT_LOAD, rd_wdt, wr_wdt),
	REG_RW(LRT_WDT_CTRL, rd_wdt, wr_wdt),
	REG_RO(LRT_WDT_COUNT, rd_wdt),
	REG_RW(LRT_CTX_SSID, rd_ctx, wr_ctx),
	REG_RW(LRT_CTX_FAULT, rd_ctx, wr_ctx),
	REG_RO(LRT_CTX_FAULT_ADDR, rd_ctx),
};

void npum_lrt_irq_set(struct npum *n, uint32_t source, bool level)
{
	struct npum_lrt *l = lrt(n);
	uint32_t old = l->irq_levels;

	l->irq_levels = level ? old | source : old & ~source;
	if (l->irq_levels != old)
		npum_lrt_irq_update(n);
}

/* ---- The core's bus -------------------------------------------------------------- */

static bool in_periph(uint32_t addr, unsigned size)
{
	return addr >= NPU_LRT_PERIPH_BASE && addr - NPU_LRT_PERIPH_BASE < NPU_LRT_PERIPH_SIZE &&
	       size == 4;
}

static bool in_tcm(uint32_t addr, unsigned size)
{
	return addr >= NPU_LRT_TCM_BASE && addr - NPU_LRT_TCM_BASE <= NPU_LRT_TCM_SIZE - size;
}

/* Data accesses in the context window carry the firmware's current job
 * context; a fault there (which a user context does not abort, hw-facts
 * §6) is latched for the firmware. */
static uint32_t lrt_data_ssid(const struct npum_lrt *l, uint32_t addr)
{
	return addr >= NPU_LRT_CTX_WINDOW_BASE ? l->ctx_ssid : 0;
}

static void lrt_ctx_fault(struct npum_lrt *l, uint32_t addr, bool faulted)
{
	if (!faulted || l->ctx_faulted)
		return;
	l->ctx_faulted = true;
	l->ctx_fault_addr = addr;
}

static int lrt_bus_load(void *opaque, uint32_t addr, unsigned size, uint32_t *val)
{
	struct npum_lrt *l = opaque;
	uint8_t buf[4] = { 0 };

	if (in_tcm(addr, size)) {
		memcpy(buf, &l->tcm[addr - NPU_LRT_TCM_BASE], size);
	} else if (addr >= NPU_LRT_PERIPH_BASE && addr - NPU_LRT_PERIPH_BASE < NPU_LRT_PERIPH_SIZE) {
		if (in_periph(addr, size) &&
		    !npum_lrt_space_read(l->n, addr - NPU_LRT_PERIPH_BASE, val)) {
			lrt_update_lines(l);
			return 0;
		}
		npum_guest_error(l->n, "firmware read of undefined LRT register 0x%08x (size %u)",
				addr, size);
		return -1;
	} else {
		bool faulted = false;

		if (npum_mmu_read(l->n, NPU_MMU_SID_LRT, lrt_data_ssid(l, addr), addr, buf, size,
				  NPUM_MMU_ACC_READ, &faulted) != NPUM_MMU_OK)
			return -1;
		lrt_ctx_fault(l, addr, faulted);
	}
	*val = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 |
	       (uint32_t)buf[3] << 24;
	return 0;
}

static int lrt_bus_store(void *opaque, uint32_t addr, unsigned size, uint32_t val)
{
	struct npum_lrt *l = opaque;
	uint8_t buf[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16),
			   (uint8_t)(val >> 24) };

	if (in_tcm(addr, size)) {
		memcpy(&l->tcm[addr - NPU_LRT_TCM_BASE], buf, size);
		return 0;
	}
	if (addr >= NPU_LRT_PERIPH_BASE && addr - NPU_LRT_PERIPH_BASE < NPU_LRT_PERIPH_SIZE) {
		if (in_periph(addr, size) &&
		    !npum_lrt_space_write(l->n, addr - NPU_LRT_PERIPH_BASE, val)) {
			lrt_update_lines(l);
			return 0;
		}
		npum_guest_error(l->n, "firmware write of 0x%x to undefined LRT register 0x%08x "
				"(size %u)", val, addr, size);
		return -1;
	}
	{
		bool faulted = false;

		if (npum_mmu_write(l->n, NPU_MMU_SID_LRT, lrt_data_ssid(l, addr), addr, buf, size,
				   &faulted) != NPUM_MMU_OK)
			return -1;
		lrt_ctx_fault(l, addr, faulted);
		return 0;
	}
}

static int lrt_bus_fetch_page(void *opaque, uint32_t page, uint8_t buf[4096])
{
	struct npum_lrt *l = opaque;

	if (in_tcm(page, 4096)) {
		memcpy(buf, &l->tcm[page - NPU_LRT_TCM_BASE], 4096);
		return 0;
	}
	if (page >= NPU_LRT_PERIPH_BASE && page - NPU_LRT_PERIPH_BASE < NPU_LRT_PERIPH_SIZE)
		return -1;
	return npum_mmu_read(l->n, NPU_MMU_SID_LRT, 0, page, buf, 4096, NPUM_MMU_ACC_INSTR,
			    NULL) == NPUM_MMU_OK ? 0 : -1;
}

static uint64_t lrt_bus_time(void *opaque)
{
	return lrt_mtime(opaque);
}

/* A firmware this core can run sets up its trap vector within its first few
 * instructions; a trap before that means the host started something that is
 * not RV32IM code, most often Intel's own vpu_37xx_v1.bin, whose image is
 * LeonRT (SPARC) code (hw-facts §4.3, docs/deviations.md). */
#define LRT_ENTRY_TRAP_WINDOW 16u

static const char *lrt_exception_name(uint32_t cause)
{
	switch (cause) {
	case RV_EXC_INSN_MISALIGNED: return "misaligned instruction fetch";
	case RV_EXC_INSN_ACCESS:     return "instruction fetch fault (entry not mapped?)";
	case RV_EXC_ILLEGAL_INSN:    return "illegal instruction";
	default:                     return "exception";
	}
}

static void lrt_trap_hook(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval)
{
	struct npum_lrt *l = opaque;
	uint64_t ran = rv_core_instret(l->core);

	l->n->stats.lrt_traps++;
	npum_trace_lrt(l->n, "trap", epc, cause, ran, tval);
	if (l->entry_trap_told || ran >= LRT_ENTRY_TRAP_WINDOW ||
	    (cause != RV_EXC_ILLEGAL_INSN && cause != RV_EXC_INSN_MISALIGNED &&
	     cause != RV_EXC_INSN_ACCESS))
		return;
	l->entry_trap_told = true;
	npum_guest_error(l->n, "control core trapped on instruction %llu from its entry 0x%08x "
			 "(%s at 0x%08x, mtval 0x%08x): not RV32IM code; Intel's "
			 "vpu_37xx_v1.bin is LeonRT (SPARC) code, which this simulator does not "
			 "run: boot intel-npu-mtl's vpu_37xx_v1.bin (build/firmware/, "
			 "share/intel-npu-mtl/firmware/)", (unsigned long long)ran, l->entry,
			 lrt_exception_name(cause), epc, tval);
}

/* ---- Debug-support unit view (encoding: regs_ip.h NPU_DSU_*) ------------------ */

uint32_t npum_lrt_dsu_read(struct npum *n, uint32_t offset)
{
	struct npum_lrt *l = lrt(n);
	struct rv_trap_info t = rv_core_last_trap(l->core);
	uint32_t state, v;

	if (!l->started)
		state = NPU_DSU_STATE_RESET;
	else switch (rv_core_state(l->core)) {
	case RV_STATE_RUNNING: state = NPU_DSU_STATE_RUNNING; break;
	case RV_STATE_WFI:     state = NPU_DSU_STATE_WFI; break;
	case RV_STATE_HALTED:  state = NPU_DSU_STATE_HALTED; break;
	default:               state = NPU_DSU_STATE_ERROR; break;
	}
	switch (offset) {
	case NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL:
		return state | (n->cpu.wdt_expired ? NPU_DSU_CTRL_WDOG_EXPIRED : 0);
	case NPU_CPU_SS_DSU_LEON_RT_PC_REG:
		return l->started ? rv_core_pc(l->core) : 0;
	case NPU_CPU_SS_DSU_LEON_RT_NPC_REG:
		return l->started ? rv_core_pc(l->core) + 4 : 0;
	default:
		v = (uint32_t)NPU_FLD_PREP(NPU_DSU_TRAP_HALT_CODE, l->halt_code);
		if (t.valid)
			v |= (uint32_t)NPU_FLD_PREP(NPU_DSU_TRAP_CAUSE, t.cause & 0xFF) |
			     NPU_DSU_TRAP_VALID |
			     ((t.cause & NPU_LRT_MCAUSE_INTERRUPT) ? NPU_DSU_TRAP_INTERRUPT : 0);
		if (state == NPU_DSU_STATE_ERROR)
			v |= NPU_DSU_TRAP_ERROR_MODE;
		return v;
	}
}

/* ---- Life cycle ------------------------------------------------------------------- */

static int lrt_init(struct npum *n)
{
	struct npum_lrt *l = lrt(n);
	struct rv_bus bus = {
		.load = lrt_bus_load,
		.store = lrt_bus_store,
		.fetch_page = lrt_bus_fetch_page,
		.time = lrt_bus_time,
	};

	l->n = n;
	bus.opaque = l;
	l->core = rv_core_new(&bus);
	if (!l->core)
		return -1;
	rv_core_set_trap_hook(l->core, lrt_trap_hook, l);
	npum_event_init(n, &l->ev_slice, "lrt slice", lrt_event);
	npum_event_init(n, &l->ev_timer, "lrt timer", lrt_event);
	return 0;
}

static void lrt_fini(struct npum *n)
{
	rv_core_free(lrt(n)->core);
}

/* IP reset: the core goes back into reset and its private state is lost. */
static void lrt_ip_reset(struct npum *n)
{
	struct npum_lrt *l = lrt(n);

	if (l->started)
		lrt_trace_state(l, "reset");
	l->started = false;
	l->in_run = false;
	rv_core_reset(l->core, 0);
	rv_core_halt(l->core, false);
	l->intc_enable = 0;
	l->irq_levels = 0;
	l->ctx_ssid = 0;
	l->ctx_faulted = false;
	l->ctx_fault_addr = 0;
	l->mtimecmp = UINT64_MAX;
	l->halt_code = 0;
	l->console_len = 0;
	l->slots = 0;
	memset(l->tcm, 0, sizeof(l->tcm));
	npum_event_cancel(n, &l->ev_slice);
	npum_event_cancel(n, &l->ev_timer);
}

static const struct npum_window lrt_windows[] = {
	NPUM_WINDOW("LRT", NPUM_SPACE_LRT, 0, NPU_LRT_CORE_REGS_SIZE, false, lrt_regs),
};

const struct npum_block npum_block_lrt = {
	.name = "lrt",
	.windows = NPUM_WINDOWS(lrt_windows),
	.priv_size = sizeof(struct npum_lrt),
	.init = lrt_init,
	.fini = lrt_fini,
	.ip_reset = lrt_ip_reset,
};
