/* SPDX-License-Identifier: MIT */
/*
 * The device model's inside: what blocks are, the services the core gives
 * them (events, off-thread work, guest errors, trace, DMA), the state the
 * blocks share, and the calls they make to each other. Nothing here is
 * visible to hosts; they use npu_model.h. Layout: core/ (model.c: creation,
 * the block walk, register dispatch; services.c; trace.c), blocks/ (one file
 * per register block), lrt/ (the control core), engines/; blocks.def lists
 * them.
 */
#ifndef NPUM_INTERNAL_H
#define NPUM_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "npu_model.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/lrt.h"

struct npum;

/* ---- Register windows ---------------------------------------------------------
 * A block describes its registers as windows: a range of one address space
 * with a table of registers sorted by offset. The core (core/model.c)
 * dispatches every access: it checks size and alignment, traces the access
 * by block and register name, and reports undefined offsets, wrong sizes and
 * writes to read-only registers as guest errors. Spaces are the host's BAR0
 * (NPU_BAR_REGV) and BAR4 (NPU_BAR_REGB), and the control core's private
 * peripheral block (NPUM_SPACE_LRT, offsets from NPU_LRT_PERIPH_BASE).
 */
#define NPUM_SPACE_LRT   0x10u

#define NPUM_REG_RO      0x01u /* writes are a guest error */
#define NPUM_REG_WO      0x02u /* reads are a guest error (read as 0) */
#define NPUM_REG_QUIET   0x04u /* no reg_* trace record (a byte stream with its own event) */

struct npum_reg {
	uint32_t offset;         /* from the start of the space */
	uint8_t  width;          /* native width: 4 or 8 bytes */
	uint8_t  flags;          /* NPUM_REG_* */
	uint16_t count;          /* >1: an array of count registers ... */
	uint32_t stride;         /* ... this many bytes apart */
	const char *name;
	uint64_t (*read)(struct npum *n, const struct npum_reg *r, unsigned idx);
	void (*write)(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t val);
};

/* Table-entry helpers for the blocks. A register is named by its ABI
 * identifier without NPU_ (REG_RW(BTRS_WP_REQ_CMD, ...) is the register at
 * NPU_BTRS_WP_REQ_CMD, called "BTRS_WP_REQ_CMD"): the offset and the name
 * have one definition, include/intel-npu/, which the driver's register
 * descriptions (driver/lib/regs_desc.c) derive their names from too. */
#define REG_RO(id, rd)          { NPU_##id, 4, NPUM_REG_RO, 1, 0, #id, (rd), NULL }
#define REG_RW(id, rd, wr)      { NPU_##id, 4, 0, 1, 0, #id, (rd), (wr) }
#define REG_WO(id, wr)          { NPU_##id, 4, NPUM_REG_WO, 1, 0, #id, NULL, (wr) }
#define NPUM_WINDOW(nm, space, base, size, powered, regs) \
	{ (nm), (space), (base), (size), (powered), (regs), sizeof(regs) / sizeof((regs)[0]) }

struct npum_window {
	const char *name;
	unsigned space;          /* NPU_BAR_REGV, NPU_BAR_REGB or NPUM_SPACE_LRT */
	uint32_t base, size;     /* offset range [base, base + size) */
	bool needs_power;        /* unreachable while the NPU IP is powered down */
	const struct npum_reg *regs;
	unsigned nregs;          /* sorted by offset */
};

/* ---- Blocks -----------------------------------------------------------------
 * Every part of the model is a block: a descriptor in its own file, listed
 * once in blocks.def. The core walks that list to create the blocks, to
 * register their windows, and for the cold reset and the IP reset. A block
 * that needs private state asks for priv_size bytes (zeroed, freed by the
 * core) and reaches them with npum_priv(n, NPUM_BLOCK_<name>).
 */
struct npum_block {
	const char *name;
	const struct npum_window *windows;
	unsigned nwindows;
	size_t priv_size;
	/* After the private state exists: register events and work, allocate. */
	int  (*init)(struct npum *n);
	void (*fini)(struct npum *n);
	/* Cold reset (power-on, PCI reset) of what survives an IP reset. */
	void (*reset)(struct npum *n);
	/* Reset of the NPU IP: the buttress's IP reset, a power loss, and the
	 * tail of every cold reset. */
	void (*ip_reset)(struct npum *n);
};
#define NPUM_WINDOWS(w) (w), (unsigned)(sizeof(w) / sizeof((w)[0]))

enum npum_block_id {
#define NPUM_BLOCK(dir, name) NPUM_BLOCK_##name,
#include "blocks.def"
#undef NPUM_BLOCK
	NPUM_BLOCK_COUNT
};
#define NPUM_BLOCK(dir, name) extern const struct npum_block npum_block_##name;
#include "blocks.def"
#undef NPUM_BLOCK

#define NPUM_MAX_WINDOWS  32

/* ---- Events -----------------------------------------------------------------
 * Delayed effects share the host's single timer. An event has a deadline in
 * virtual ns (UINT64_MAX: not armed); the core arms the host timer for the
 * earliest and fires due events in deadline order, ties in the order the
 * events were registered (block order, then within the block), which keeps
 * the model deterministic. Events live in block state and are registered
 * once, from the block's init.
 */
struct npum_event {
	uint64_t deadline;
	void (*fire)(struct npum *n, struct npum_event *ev);
	const char *name;
	unsigned order;          /* registration order */
};
#define NPUM_MAX_EVENTS   64

/* ---- Off-thread work --------------------------------------------------------
 * Long work (a big DMA copy, a compute task) must not run on the caller's
 * thread: in QEMU that is the main loop. A block hands it to the core with a
 * virtual time at which it is due: run() executes on a host worker thread
 * (or inline when the host has none: the sim backend, unit tests), touching
 * only memory the block prepared for it; done() then runs on the model's
 * thread at the due time, or when run() returns if that is later. Only
 * done() may touch model state.
 */
struct npum_work {
	const char *name;
	void (*run)(struct npum_work *w);
	void (*done)(struct npum *n, struct npum_work *w);
	/* core-private */
	struct npum *n;
	struct npum_event due;
	unsigned state;          /* NPUM_WORK_* in core/services.c */
	uint64_t due_ns;
};

/* Delays of the self-completing handshakes, in virtual ns (docs/deviations.md). */
#define NPUM_DELAY_WP_NS          10000u  /* workpoint request -> SEND clear, PLL lock */
#define NPUM_DELAY_D0I3_NS        5000u   /* D0i3 INPROGRESS */
#define NPUM_DELAY_IP_RESET_NS    10000u  /* IP reset TRIGGER self-clear */
#define NPUM_DELAY_PWR_ISLAND_NS  1000u   /* island status follows enable */

/* ---- Block state ----------------------------------------------------------- */
struct npum_btrs {
	uint32_t int_stat;
	uint32_t local_mask, global_mask;
	uint32_t wp_payload[3];
	bool     wp_send;            /* request in flight */
	uint32_t current_ratio;      /* granted PLL ratio, 0 = off */
	uint32_t current_config;     /* granted workpoint config */
	bool     pll_lock;
	uint32_t pll_enable;
	uint32_t d0i3;               /* I3 bit as written */
	bool     d0i3_inprogress;
	bool     ip_reset_trigger;
	uint32_t telemetry[3];
	uint64_t ats_err_log;
	uint32_t ufi_err_log;
	struct npum_event ev_wp, ev_d0i3, ev_ip_reset; /* the handshakes completing */
};

struct npum_hostss {
	uint32_t cpr_clk_set, cpr_rst_set, cpr_rst_clr;
	uint32_t gen_ctrl;
	uint32_t noc_qreqn, top_noc_qreqn;
	uint32_t fw_soc_irq_en;
	uint32_t aon_iso_en, aon_island_en, aon_trickle_en, aon_island_status;
	uint32_t aon_idle_gen, aon_dpu_active;
	uint32_t loading_address;
	uint32_t tcu_ptw_overrides, tbu_mmussidv;
	struct npum_event ev_island;     /* island status follows its enable */
};

struct npum_icb {
	uint32_t status[2];          /* latched sources (bit 4 of [0] is level, see icb.c) */
	uint32_t enable[2];
	bool     line;               /* last computed interrupt line level */
};

struct npum_fifo {
	uint32_t data[NPU_LRT_FIFO_DEPTH];
	uint8_t  rd, wr, level;      /* rd/wr wrap at the depth */
	bool     overflow;           /* sticky: an entry was dropped */
};

struct npum_cpuss {
	uint32_t leon_rt_vec;
	uint32_t msscpu_clk_set, msscpu_rst_clr;
	bool     resume_pulsed;      /* IRQI_RESUME0 went 1 -> 0 since reset */
	bool     tim_safe_unlocked;  /* key written; consumed by the next WDT write */
	uint32_t tim_gen_config;
	uint64_t perf_epoch_ns;      /* TIM_PERF_FREE_CNT counts from here */
	uint32_t db_pending[NPU_DOORBELL_COUNT / 32];
	/* watchdog, shared by TIM_WATCHDOG/TIM_WDOG_EN and the core's WDT_* */
	bool     wdt_en;
	uint32_t wdt_load;           /* perf ticks */
	uint64_t wdt_start_ns;       /* when the count was (re)loaded */
	bool     wdt_expired;
	struct npum_event ev_wdt;        /* the watchdog reaches zero */
};

struct npum {
	struct npum_config cfg;
	struct npum_host_ops host;
	void *opaque;
	bool bus_master;

	struct npum_btrs btrs;
	struct npum_hostss hs;
	struct npum_icb icb;
	struct npum_fifo to_fw, to_host;
	struct npum_cpuss cpu;

	/* blocks.def, in order, and what the core keeps for them */
	void *priv[NPUM_BLOCK_COUNT];
	bool inited[NPUM_BLOCK_COUNT];
	const struct npum_window *windows[NPUM_MAX_WINDOWS]; /* sorted by (space, base) */
	unsigned nwindows;

	struct npum_event *events[NPUM_MAX_EVENTS];           /* in registration order */
	unsigned nevents;
	uint64_t armed_deadline;     /* what the host timer is set to */
	bool     in_timer;           /* inside npum_timer_expired */

	struct npum_stats stats;
};

static inline void *npum_priv(struct npum *n, enum npum_block_id id)
{
	return n->priv[id];
}

/* ---- core/services.c: what every block uses -------------------------------------- */
uint64_t npum_now(struct npum *n);
void npum_event_init(struct npum *n, struct npum_event *ev, const char *name,
		     void (*fire)(struct npum *n, struct npum_event *ev));
void npum_event_arm(struct npum *n, struct npum_event *ev, uint64_t deadline_ns);
void npum_event_cancel(struct npum *n, struct npum_event *ev);
static inline bool npum_event_armed(const struct npum_event *ev)
{
	return ev->deadline != UINT64_MAX;
}

void npum_work_init(struct npum *n, struct npum_work *w, const char *name,
		    void (*run)(struct npum_work *w),
		    void (*done)(struct npum *n, struct npum_work *w));
/* Start w (which must be idle); done() follows at due_ns or later. */
void npum_work_submit(struct npum *n, struct npum_work *w, uint64_t due_ns);
bool npum_work_busy(const struct npum_work *w);
/* Forget w: wait until a running run() has returned; done() is not called. */
void npum_work_cancel(struct npum *n, struct npum_work *w);

void npum_guest_error(struct npum *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bus-master DMA; a failure is counted and reported as a buttress UFI error. */
int npum_dma_read(struct npum *n, uint64_t addr, void *buf, uint64_t len);
int npum_dma_write(struct npum *n, uint64_t addr, const void *buf, uint64_t len);

/* ---- core/trace.c -------------------------------------------------------------------- */
static inline bool npum_tracing(const struct npum *n)
{
	return n->host.trace != NULL;
}
/* Stamps the record with virtual time and hands it to the host. */
void npum_trace_emit(struct npum *n, struct npum_trace_rec *r);
#include "trace_emit.h"

/* ---- core/model.c ------------------------------------------------------------------- */
/* True once the buttress grants power (VPU_STATUS.READY). */
bool npum_ip_powered(const struct npum *n);
/* Reset of the NPU IP (everything in BAR0), as the buttress IP reset does. */
void npum_ip_reset(struct npum *n);
/* Access to the control core's peripheral block (NPUM_SPACE_LRT) through the
 * windows: 0, or -1 when no register is there (the caller reports it). */
int npum_lrt_space_read(struct npum *n, uint32_t off, uint32_t *val);
int npum_lrt_space_write(struct npum *n, uint32_t off, uint32_t val);

/* ---- buttress.c ----------------------------------------------------------- */
uint32_t npum_btrs_pending(const struct npum *n); /* INTERRUPT_STAT & ~LOCAL_INT_MASK */
void npum_btrs_raise(struct npum *n, uint32_t stat_bits);
void npum_btrs_ufi_error(struct npum *n, uint32_t opcode);

/* ---- hostss.c ------------------------------------------------------------- */

/* ---- icb.c ---------------------------------------------------------------- */
void npum_icb_raise(struct npum *n, unsigned word, uint32_t bits); /* latch and update */
void npum_irq_update(struct npum *n);          /* recompute the line, MSI on a rising edge */

/* ---- ipc_fifo.c ------------------------------------------------------------- */
bool npum_fifo_push(struct npum *n, struct npum_fifo *f, uint32_t v, const char *who);
bool npum_fifo_pop(struct npum *n, struct npum_fifo *f, uint32_t *v, const char *who);

/* ---- cpuss.c ---------------------------------------------------------------- */
uint64_t npum_perf_counter(struct npum *n);     /* TIM_PERF_FREE_CNT, 38.4 MHz */
void npum_perf_restart(struct npum *n);         /* count from 0 again (power-on) */
bool npum_doorbell_any_pending(const struct npum *n);
void npum_wdt_reload(struct npum *n, uint32_t ticks);
void npum_wdt_enable(struct npum *n, bool en);
uint32_t npum_wdt_remaining(struct npum *n);

/* ---- mmu.c -------------------------------------------------------------- */
/* Access kinds for translation and tracing */
#define NPUM_MMU_ACC_READ   0x0u
#define NPUM_MMU_ACC_WRITE  0x1u
#define NPUM_MMU_ACC_INSTR  0x2u  /* instruction fetch (reported in events) */

/*
 * Read or write NPU virtual memory as the master behind StreamID `sid`
 * (NPU_MMU_SID_LRT / NPU_MMU_SID_DMA), substream `ssid`. The transaction
 * carries the SSID only if the TBU's SSID-valid bit for that direction is
 * set in HOST_IF_TBU_MMUSSIDV. Accesses may cross pages.
 *
 * Returns NPUM_MMU_OK, or NPUM_MMU_ABORT when the transaction was terminated
 * with an abort (the master sees a bus error). A fault under a context
 * descriptor with A=0 completes as read-as-zero / write-ignored and returns
 * NPUM_MMU_OK with *faulted set (if faulted != NULL). Faults are recorded in
 * the event queue when the CD's R bit allows.
 */
#define NPUM_MMU_OK     0
#define NPUM_MMU_ABORT  1
int npum_mmu_read(struct npum *n, unsigned sid, uint32_t ssid, uint64_t va, void *buf,
		 uint64_t len, unsigned acc, bool *faulted);
int npum_mmu_write(struct npum *n, unsigned sid, uint32_t ssid, uint64_t va, const void *buf,
		  uint64_t len, bool *faulted);
/* Bus address of va for a master that moves the data itself (the DMA
 * engines): NPUM_MMU_OK with *pa, else NPUM_MMU_ABORT (the CD aborts) or
 * NPUM_MMU_FAULT (it would read as zero); the fault is recorded as an
 * access records it. Valid for the page holding va only. */
#define NPUM_MMU_FAULT  2
int npum_mmu_translate(struct npum *n, unsigned sid, uint32_t ssid, uint64_t va, bool write,
		       uint64_t *pa);

/* ---- engines/dma.c ------------------------------------------------------------ */
bool npum_dma_busy(struct npum *n);            /* a transfer is running or waiting */

/* ---- engines/act.c ------------------------------------------------------------ */
bool npum_act_busy(struct npum *n);            /* a task is running or waiting */
bool npum_dpu_busy(struct npum *n);            /* a DPU task is running or waiting */

/* ---- engines/barriers.c: hardware barriers (lrt.h NPU_LRT_BARRIER_*) ----------
 * How an engine takes part in barriers: at START it registers a waiter with
 * the task's WAIT mask; ready() runs (on the model's thread, at once if the
 * mask is already satisfied, else when the last producer count of the mask
 * reaches 0) and the engine starts its work; when the task ends it calls
 * npum_barriers_task_end() with both masks. A waiter is cancelled by the
 * engine's IP reset or by a second wait. */
struct npum_barrier_waiter {
	void (*ready)(struct npum *n, struct npum_barrier_waiter *w);
	uint64_t mask;
	bool     queued;          /* barriers.c */
	struct npum_barrier_waiter *next;
};
void npum_barriers_wait(struct npum *n, struct npum_barrier_waiter *w, uint64_t wait_mask);
void npum_barriers_cancel(struct npum *n, struct npum_barrier_waiter *w);
/* Consumer counts of wait_mask and producer counts of post_mask down by one;
 * false when one was already 0 (the engine reports NPU_LRT_ENGINE_ERR_BARRIER). */
bool npum_barriers_task_end(struct npum *n, uint64_t wait_mask, uint64_t post_mask);

/* ---- engines/cmx.c ------------------------------------------------------------ */
bool npum_cmx_contains(uint64_t addr);
/* Host pointer to CMX address addr, *len clamped to the CMX's end; NULL when
 * addr is not in the CMX. */
uint8_t *npum_cmx_ptr(struct npum *n, uint64_t addr, uint64_t *len);

/* ---- lrt.c: the control core subsystem ------------------------------------ */
void npum_lrt_sync(struct npum *n);             /* run the core up to now */
void npum_lrt_start(struct npum *n, uint32_t entry);
void npum_lrt_irq_update(struct npum *n);       /* a peripheral source changed */
/* Level of an interrupt source of the core's controller that a block other
 * than the FIFOs and doorbells drives (NPU_LRT_IRQ_*, lrt.h). */
void npum_lrt_irq_set(struct npum *n, uint32_t source, bool level);
uint32_t npum_lrt_dsu_read(struct npum *n, uint32_t offset);
bool npum_lrt_idle(struct npum *n);             /* in reset, halted, or WFI */

#endif /* NPUM_INTERNAL_H */
