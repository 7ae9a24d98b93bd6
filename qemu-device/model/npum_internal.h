/* SPDX-License-Identifier: MIT */
/*
 * Internal state of the device model, shared by the per-block files
 * (buttress.c, hostss.c, icb.c, ipc_fifo.c, cpuss.c, mmu.c, lrt.c).
 * Nothing here is visible to hosts; they use npu_model.h.
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

/* ---- Register tables --------------------------------------------------------
 * Each block describes its registers in a table; npu.c dispatches accesses,
 * checks sizes and alignment, traces every access by block and register
 * name, and reports undefined offsets, wrong sizes and writes to read-only
 * registers as guest errors.
 */
#define NPUM_REG_RO      0x01u /* writes are a guest error */
#define NPUM_REG_WO      0x02u /* reads are a guest error (read as 0) */

struct npum_reg {
	uint32_t offset;         /* from the start of the BAR */
	uint8_t  width;          /* native width: 4 or 8 bytes */
	uint8_t  flags;          /* NPU_REG_* */
	uint16_t count;          /* >1: an array of count registers ... */
	uint32_t stride;         /* ... this many bytes apart */
	const char *name;
	uint64_t (*read)(struct npum *n, const struct npum_reg *r, unsigned idx);
	void (*write)(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t val);
};

/* Table-entry helpers for the blocks */
#define REG_RO(off, nm, rd)     { (off), 4, NPUM_REG_RO, 1, 0, (nm), (rd), NULL }
#define REG_RW(off, nm, rd, wr) { (off), 4, 0, 1, 0, (nm), (rd), (wr) }
#define REG_WO(off, nm, wr)     { (off), 4, NPUM_REG_WO, 1, 0, (nm), NULL, (wr) }
#define REG_BLOCK(nm, bar, base, size, powered, regs) \
	{ (nm), (bar), (base), (size), (powered), (regs), sizeof(regs) / sizeof((regs)[0]) }

struct npum_reg_block {
	const char *name;
	unsigned bar;
	uint32_t base, size;     /* BAR offset range [base, base + size) */
	bool needs_power;        /* unreachable while the NPU IP is powered down */
	const struct npum_reg *regs;
	unsigned nregs;          /* sorted by offset */
};

/* Every block of BAR0 and BAR4, sorted by (bar, base). */
extern const struct npum_reg_block npum_btrs_block;
extern const struct npum_reg_block npum_hostss_block;
extern const struct npum_reg_block npum_icb_block;
extern const struct npum_reg_block npum_ipc_block;
extern const struct npum_reg_block npum_aon_block;
extern const struct npum_reg_block npum_hostss_hi_block;
extern const struct npum_reg_block npum_mmu_block;
extern const struct npum_reg_block npum_hostif_block;
extern const struct npum_reg_block npum_dsu_block;
extern const struct npum_reg_block npum_cpuss_block;
extern const struct npum_reg_block npum_doorbell_block;

/* ---- Internal events ----------------------------------------------------------
 * The model's delayed effects share the host's single timer: each event has
 * a deadline in virtual ns (UINT64_MAX = not armed); npu.c re-arms the host
 * timer for the earliest one and runs due events in deadline order (ties in
 * enum order), which keeps the model deterministic.
 */
enum npum_event {
	NPUM_EV_BTRS_WP,        /* workpoint request accepted */
	NPUM_EV_BTRS_D0I3,      /* D0i3 transition complete */
	NPUM_EV_BTRS_IP_RESET,  /* IP reset complete */
	NPUM_EV_PWR_ISLAND,     /* power island status follows enable */
	NPUM_EV_LRT_SLICE,      /* control core: run the next time slice */
	NPUM_EV_LRT_TIMER,      /* control core: mtime reaches mtimecmp */
	NPUM_EV_WDT,            /* watchdog reaches zero */
	NPUM_EV_COUNT
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
};

struct npum_mmu;   /* mmu.c */
struct npum_lrt;   /* lrt.c */

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
	struct npum_mmu *mmu;
	struct npum_lrt *lrt;

	uint64_t event_deadline[NPUM_EV_COUNT];
	uint64_t armed_deadline;     /* what the host timer is set to */
	bool     in_timer;           /* inside npum_timer_expired */

	struct npum_stats stats;
};

/* ---- npu.c: services for the blocks ---------------------------------------- */
uint64_t npum_now(struct npum *n);
void npum_event_arm(struct npum *n, enum npum_event ev, uint64_t deadline_ns);
void npum_event_cancel(struct npum *n, enum npum_event ev);
void npum_guest_error(struct npum *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void npum_trace(struct npum *n, enum npum_trace_kind kind, const char *block, const char *name,
	       uint64_t a, uint64_t b, uint64_t c, uint64_t d);
void npum_trace_text(struct npum *n, enum npum_trace_kind kind, const char *name, const char *text);
/* Bus-master DMA; a failure is counted and reported as a buttress UFI error. */
int npum_dma_read(struct npum *n, uint64_t addr, void *buf, uint64_t len);
int npum_dma_write(struct npum *n, uint64_t addr, const void *buf, uint64_t len);
/* True once the buttress grants power (VPU_STATUS.READY). */
bool npum_ip_powered(const struct npum *n);
/* Reset of the NPU IP (everything in BAR0), as the buttress IP reset does. */
void npum_ip_reset(struct npum *n);

/* ---- buttress.c ----------------------------------------------------------- */
void npum_btrs_reset(struct npum *n);          /* cold reset only */
void npum_btrs_event(struct npum *n, enum npum_event ev);
uint32_t npum_btrs_pending(const struct npum *n); /* INTERRUPT_STAT & ~LOCAL_INT_MASK */
void npum_btrs_raise(struct npum *n, uint32_t stat_bits);
void npum_btrs_ufi_error(struct npum *n, uint32_t opcode);

/* ---- hostss.c ------------------------------------------------------------- */
void npum_hostss_reset(struct npum *n);
void npum_hostss_event(struct npum *n, enum npum_event ev);

/* ---- icb.c ---------------------------------------------------------------- */
void npum_icb_reset(struct npum *n);
void npum_icb_raise(struct npum *n, unsigned word, uint32_t bits); /* latch and update */
void npum_irq_update(struct npum *n);          /* recompute the line, MSI on a rising edge */

/* ---- ipc_fifo.c ------------------------------------------------------------- */
void npum_fifo_reset(struct npum_fifo *f);
bool npum_fifo_push(struct npum *n, struct npum_fifo *f, uint32_t v, const char *who);
bool npum_fifo_pop(struct npum *n, struct npum_fifo *f, uint32_t *v, const char *who);

/* ---- cpuss.c ---------------------------------------------------------------- */
void npum_cpuss_reset(struct npum *n);
void npum_cpuss_event(struct npum *n, enum npum_event ev);
uint64_t npum_perf_counter(struct npum *n);     /* TIM_PERF_FREE_CNT, 38.4 MHz */
bool npum_doorbell_any_pending(const struct npum *n);
void npum_wdt_reload(struct npum *n, uint32_t ticks);
void npum_wdt_enable(struct npum *n, bool en);
uint32_t npum_wdt_remaining(struct npum *n);

/* ---- mmu.c -------------------------------------------------------------- */
/* Access kinds for translation and tracing */
#define NPUM_MMU_ACC_READ   0x0u
#define NPUM_MMU_ACC_WRITE  0x1u
#define NPUM_MMU_ACC_INSTR  0x2u  /* instruction fetch (reported in events) */

int  npum_mmu_init(struct npum *n);
void npum_mmu_fini(struct npum *n);
void npum_mmu_reset(struct npum *n);
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

/* ---- lrt.c: the control core subsystem ------------------------------------ */
int  npum_lrt_init(struct npum *n);
void npum_lrt_fini(struct npum *n);
void npum_lrt_reset(struct npum *n);            /* stop the core, clear TCM and peripherals */
void npum_lrt_event(struct npum *n, enum npum_event ev);
void npum_lrt_sync(struct npum *n);             /* run the core up to now */
void npum_lrt_start(struct npum *n, uint32_t entry);
void npum_lrt_irq_update(struct npum *n);       /* a peripheral source changed */
uint32_t npum_lrt_dsu_read(struct npum *n, uint32_t offset);
bool npum_lrt_idle(struct npum *n);             /* in reset, halted, or WFI */

#endif /* NPUM_INTERNAL_H */
