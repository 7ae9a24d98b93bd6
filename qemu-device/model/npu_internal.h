/* SPDX-License-Identifier: MIT */
/*
 * Internal state of the device model, shared by the per-block files
 * (buttress.c, hostss.c, icb.c, ipc_fifo.c, cpuss.c, mmu.c, lrt.c).
 * Nothing here is visible to hosts; they use npu_model.h.
 */
#ifndef NPU_INTERNAL_H
#define NPU_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "npu_model.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/lrt.h"

struct npu;

/* ---- Register tables --------------------------------------------------------
 * Each block describes its registers in a table; npu.c dispatches accesses,
 * checks sizes and alignment, traces every access by block and register
 * name, and reports undefined offsets, wrong sizes and writes to read-only
 * registers as guest errors.
 */
#define NPU_REG_RO      0x01u /* writes are a guest error */
#define NPU_REG_WO      0x02u /* reads are a guest error (read as 0) */

struct npu_reg {
	uint32_t offset;         /* from the start of the BAR */
	uint8_t  width;          /* native width: 4 or 8 bytes */
	uint8_t  flags;          /* NPU_REG_* */
	uint16_t count;          /* >1: an array of count registers ... */
	uint32_t stride;         /* ... this many bytes apart */
	const char *name;
	uint64_t (*read)(struct npu *n, const struct npu_reg *r, unsigned idx);
	void (*write)(struct npu *n, const struct npu_reg *r, unsigned idx, uint64_t val);
};

/* Table-entry helpers for the blocks */
#define REG_RO(off, nm, rd)     { (off), 4, NPU_REG_RO, 1, 0, (nm), (rd), NULL }
#define REG_RW(off, nm, rd, wr) { (off), 4, 0, 1, 0, (nm), (rd), (wr) }
#define REG_WO(off, nm, wr)     { (off), 4, NPU_REG_WO, 1, 0, (nm), NULL, (wr) }
#define REG_BLOCK(nm, bar, base, size, powered, regs) \
	{ (nm), (bar), (base), (size), (powered), (regs), sizeof(regs) / sizeof((regs)[0]) }

struct npu_reg_block {
	const char *name;
	unsigned bar;
	uint32_t base, size;     /* BAR offset range [base, base + size) */
	bool needs_power;        /* unreachable while the NPU IP is powered down */
	const struct npu_reg *regs;
	unsigned nregs;          /* sorted by offset */
};

/* Every block of BAR0 and BAR4, sorted by (bar, base). */
extern const struct npu_reg_block npu_btrs_block;
extern const struct npu_reg_block npu_hostss_block;
extern const struct npu_reg_block npu_icb_block;
extern const struct npu_reg_block npu_ipc_block;
extern const struct npu_reg_block npu_aon_block;
extern const struct npu_reg_block npu_hostss_hi_block;
extern const struct npu_reg_block npu_mmu_block;
extern const struct npu_reg_block npu_hostif_block;
extern const struct npu_reg_block npu_dsu_block;
extern const struct npu_reg_block npu_cpuss_block;
extern const struct npu_reg_block npu_doorbell_block;

/* ---- Internal events ----------------------------------------------------------
 * The model's delayed effects share the host's single timer: each event has
 * a deadline in virtual ns (UINT64_MAX = not armed); npu.c re-arms the host
 * timer for the earliest one and runs due events in deadline order (ties in
 * enum order), which keeps the model deterministic.
 */
enum npu_event {
	NPU_EV_BTRS_WP,        /* workpoint request accepted */
	NPU_EV_BTRS_D0I3,      /* D0i3 transition complete */
	NPU_EV_BTRS_IP_RESET,  /* IP reset complete */
	NPU_EV_PWR_ISLAND,     /* power island status follows enable */
	NPU_EV_LRT_SLICE,      /* control core: run the next time slice */
	NPU_EV_LRT_TIMER,      /* control core: mtime reaches mtimecmp */
	NPU_EV_WDT,            /* watchdog reaches zero */
	NPU_EV_COUNT
};

/* Delays of the self-completing handshakes, in virtual ns (docs/deviations.md). */
#define NPU_DELAY_WP_NS          10000u  /* workpoint request -> SEND clear, PLL lock */
#define NPU_DELAY_D0I3_NS        5000u   /* D0i3 INPROGRESS */
#define NPU_DELAY_IP_RESET_NS    10000u  /* IP reset TRIGGER self-clear */
#define NPU_DELAY_PWR_ISLAND_NS  1000u   /* island status follows enable */

/* ---- Block state ----------------------------------------------------------- */
struct npu_btrs {
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

struct npu_hostss {
	uint32_t cpr_clk_set, cpr_rst_set, cpr_rst_clr;
	uint32_t gen_ctrl;
	uint32_t noc_qreqn, top_noc_qreqn;
	uint32_t fw_soc_irq_en;
	uint32_t aon_iso_en, aon_island_en, aon_trickle_en, aon_island_status;
	uint32_t aon_idle_gen, aon_dpu_active;
	uint32_t loading_address;
	uint32_t tcu_ptw_overrides, tbu_mmussidv;
};

struct npu_icb {
	uint32_t status[2];          /* latched sources (bit 4 of [0] is level, see icb.c) */
	uint32_t enable[2];
	bool     line;               /* last computed interrupt line level */
};

struct npu_fifo {
	uint32_t data[NPU_LRT_FIFO_DEPTH];
	uint8_t  rd, wr, level;      /* rd/wr wrap at the depth */
	bool     overflow;           /* sticky: an entry was dropped */
};

struct npu_cpuss {
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

struct npu_mmu;   /* mmu.c */
struct npu_lrt;   /* lrt.c */

struct npu {
	struct npu_config cfg;
	struct npu_host_ops host;
	void *opaque;
	bool bus_master;

	struct npu_btrs btrs;
	struct npu_hostss hs;
	struct npu_icb icb;
	struct npu_fifo to_fw, to_host;
	struct npu_cpuss cpu;
	struct npu_mmu *mmu;
	struct npu_lrt *lrt;

	uint64_t event_deadline[NPU_EV_COUNT];
	uint64_t armed_deadline;     /* what the host timer is set to */
	bool     in_timer;           /* inside npu_timer_expired */

	struct npu_stats stats;
};

/* ---- npu.c: services for the blocks ---------------------------------------- */
uint64_t npu_now(struct npu *n);
void npu_event_arm(struct npu *n, enum npu_event ev, uint64_t deadline_ns);
void npu_event_cancel(struct npu *n, enum npu_event ev);
void npu_guest_error(struct npu *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void npu_trace(struct npu *n, enum npu_trace_kind kind, const char *block, const char *name,
	       uint64_t a, uint64_t b, uint64_t c, uint64_t d);
void npu_trace_text(struct npu *n, enum npu_trace_kind kind, const char *name, const char *text);
/* Bus-master DMA; a failure is counted and reported as a buttress UFI error. */
int npu_dma_read(struct npu *n, uint64_t addr, void *buf, uint64_t len);
int npu_dma_write(struct npu *n, uint64_t addr, const void *buf, uint64_t len);
/* True once the buttress grants power (VPU_STATUS.READY). */
bool npu_ip_powered(const struct npu *n);
/* Reset of the NPU IP (everything in BAR0), as the buttress IP reset does. */
void npu_ip_reset(struct npu *n);

/* ---- buttress.c ----------------------------------------------------------- */
void npu_btrs_reset(struct npu *n);          /* cold reset only */
void npu_btrs_event(struct npu *n, enum npu_event ev);
uint32_t npu_btrs_pending(const struct npu *n); /* INTERRUPT_STAT & ~LOCAL_INT_MASK */
void npu_btrs_raise(struct npu *n, uint32_t stat_bits);
void npu_btrs_ufi_error(struct npu *n, uint32_t opcode);

/* ---- hostss.c ------------------------------------------------------------- */
void npu_hostss_reset(struct npu *n);
void npu_hostss_event(struct npu *n, enum npu_event ev);

/* ---- icb.c ---------------------------------------------------------------- */
void npu_icb_reset(struct npu *n);
void npu_icb_raise(struct npu *n, unsigned word, uint32_t bits); /* latch and update */
void npu_irq_update(struct npu *n);          /* recompute the line, MSI on a rising edge */

/* ---- ipc_fifo.c ------------------------------------------------------------- */
void npu_fifo_reset(struct npu_fifo *f);
bool npu_fifo_push(struct npu *n, struct npu_fifo *f, uint32_t v, const char *who);
bool npu_fifo_pop(struct npu *n, struct npu_fifo *f, uint32_t *v, const char *who);

/* ---- cpuss.c ---------------------------------------------------------------- */
void npu_cpuss_reset(struct npu *n);
void npu_cpuss_event(struct npu *n, enum npu_event ev);
uint64_t npu_perf_counter(struct npu *n);     /* TIM_PERF_FREE_CNT, 38.4 MHz */
bool npu_doorbell_any_pending(const struct npu *n);
void npu_wdt_reload(struct npu *n, uint32_t ticks);
void npu_wdt_enable(struct npu *n, bool en);
uint32_t npu_wdt_remaining(struct npu *n);

/* ---- mmu.c -------------------------------------------------------------- */
/* Access kinds for translation and tracing */
#define NPU_MMU_ACC_READ   0x0u
#define NPU_MMU_ACC_WRITE  0x1u
#define NPU_MMU_ACC_INSTR  0x2u  /* instruction fetch (reported in events) */

int  npu_mmu_init(struct npu *n);
void npu_mmu_fini(struct npu *n);
void npu_mmu_reset(struct npu *n);
/*
 * Read or write NPU virtual memory as the master behind StreamID `sid`
 * (NPU_MMU_SID_LRT / NPU_MMU_SID_DMA), substream `ssid`. The transaction
 * carries the SSID only if the TBU's SSID-valid bit for that direction is
 * set in HOST_IF_TBU_MMUSSIDV. Accesses may cross pages.
 *
 * Returns NPU_MMU_OK, or NPU_MMU_ABORT when the transaction was terminated
 * with an abort (the master sees a bus error). A fault under a context
 * descriptor with A=0 completes as read-as-zero / write-ignored and returns
 * NPU_MMU_OK with *faulted set (if faulted != NULL). Faults are recorded in
 * the event queue when the CD's R bit allows.
 */
#define NPU_MMU_OK     0
#define NPU_MMU_ABORT  1
int npu_mmu_read(struct npu *n, unsigned sid, uint32_t ssid, uint64_t va, void *buf,
		 uint64_t len, unsigned acc, bool *faulted);
int npu_mmu_write(struct npu *n, unsigned sid, uint32_t ssid, uint64_t va, const void *buf,
		  uint64_t len, bool *faulted);

/* ---- lrt.c: the control core subsystem ------------------------------------ */
int  npu_lrt_init(struct npu *n);
void npu_lrt_fini(struct npu *n);
void npu_lrt_reset(struct npu *n);            /* stop the core, clear TCM and peripherals */
void npu_lrt_event(struct npu *n, enum npu_event ev);
void npu_lrt_sync(struct npu *n);             /* run the core up to now */
void npu_lrt_start(struct npu *n, uint32_t entry);
void npu_lrt_irq_update(struct npu *n);       /* a peripheral source changed */
uint32_t npu_lrt_dsu_read(struct npu *n, uint32_t offset);
bool npu_lrt_idle(struct npu *n);             /* in reset, halted, or WFI */

#endif /* NPU_INTERNAL_H */
