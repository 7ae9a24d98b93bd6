/* SPDX-License-Identifier: MIT */
/*
 * A host for the device model in unit tests and benchmarks: fake RAM at bus
 * address 0, a virtual clock stepped by hand, counters for MSIs, guest
 * errors, DMA and traces, and helpers that drive the device the way ivpu
 * does (buttress power-up, hw-facts §3.1; MMU tables and enable sequence,
 * hw-facts §6).
 *
 * Usage:
 *   struct mh h;
 *   mh_init(&h, MH_RAM_DEFAULT);       // creates the device, bus mastering on
 *   mh_power_up(&h);                   // BAR0 reachable (mh_power_up_ip: and the
 *                                      // IP side, MSS_CPU island and NOCs)
 *   mh_mmu_setup(&h);                  // stream table, CD 0, queues, like ivpu
 *   mh_mmu_enable(&h);                 // ivpu_mmu_reset + enable: CR0 = 0x1D
 *   mh_map(&h, 0, va, pa, NPU_MMU_ENTRY_PAGE_IVPU);
 *   mh_boot_core(&h, entry);           // start the control core, like ivpu
 *   ...
 *   mh_power_down(&h, NULL);           // IP reset, workpoint 0, D0i3
 *   mh_fini(&h);
 *
 * Trace records can be logged (mh_trace_log) and firmware console lines are
 * collected in h.console. Everything is deterministic: no wall clock, no
 * threads.
 */
#ifndef MODEL_HARNESS_H
#define MODEL_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "npu_model.h"

#define MH_RAM_DEFAULT     (16u << 20)
#define MH_DMA_LOG_SIZE    256   /* most recent DMA accesses kept */
#define MH_MAX_SSID        256   /* CD table entries, as ivpu (§6) */
#define MH_TRACE_KINDS     NPUM_TRACE_COUNT
#define MH_CONSOLE_MAX     (4u << 20)

struct mh_dma_rec {
	uint64_t addr, len;
	bool write, ok;
};

/* A copy of one trace record (mh_trace_log), field by field in the event's
 * order (trace.list): numbers in u[], strings copied into s[] (truncated to
 * fit; "" for NULL) with u[] 0, the firmware console line duplicated into
 * text (NULL for other events). */
#define MH_TRACE_STR 48
struct mh_trace_rec {
	enum npum_trace_id kind;
	uint64_t time_ns;
	uint64_t u[NPUM_TRACE_MAX_FIELDS];
	char s[NPUM_TRACE_MAX_FIELDS][MH_TRACE_STR];
	char *text;
};

struct mh {
	struct npum *npu;

	/* Bus memory: [0, ram_size). Anything else fails like an unclaimed
	 * bus address. */
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t alloc_next;         /* bump allocator for mh_alloc */
	bool strict_dma;             /* abort() on a DMA outside RAM */

	/* Virtual time */
	uint64_t now_ns;
	uint64_t deadline_ns;        /* host timer armed by the model; UINT64_MAX = off */
	bool in_timer;               /* inside npum_timer_expired (runaway guard) */
	uint64_t timer_clock_reads;  /* clock reads during this npum_timer_expired */

	/* Counters */
	unsigned msis;
	unsigned guest_errors;
	bool print_guest_errors;     /* echo each one to stderr */
	char last_guest_error[512];
	uint64_t dma_reads, dma_writes, dma_failures;
	uint64_t dma_maps, dma_unmaps;  /* engine mappings (mh_direct_dma) */
	struct mh_dma_rec dma_log[MH_DMA_LOG_SIZE];
	uint64_t dma_count;          /* total accesses; dma_log holds the last ones */
	uint64_t traces[MH_TRACE_KINDS];
	struct mh_trace_rec last_fault; /* last NPUM_TRACE_MMU_FAULT (text NULL) */
	uint64_t faults_by_event[256]; /* NPUM_TRACE_MMU_FAULT by event id (0 = abort) */

	/* Trace log: every record while mh_trace_log(h, true) is in force */
	struct mh_trace_rec *tlog;
	size_t tlog_len, tlog_cap;
	bool tlog_on;

	/* Firmware console: every complete line the model reports, each ended
	 * by '\n', the whole NUL-terminated (up to MH_CONSOLE_MAX bytes; lines
	 * beyond are counted, not stored). on_console, when set, sees each
	 * line too. */
	char *console;
	size_t console_len, console_cap;
	unsigned console_lines;
	void (*on_console)(void *opaque, const char *line);
	void *on_console_opaque;

	/* The MMU structures mh_mmu_setup builds, as ivpu lays them out (§6) */
	uint64_t strtab, cdtab, cmdq, evtq;
	uint32_t cmdq_prod;          /* host copies of the queue pointers */
	uint32_t evtq_cons;
	uint64_t pgd[MH_MAX_SSID];   /* 0 = no page tables for this SSID yet */
};

/* Whether the next mh_init* gives the model dma_map/dma_unmap (default
 * true, as QEMU and the sim backend do); false tests the model's own
 * dma_read/dma_write path for engines. */
extern bool mh_direct_dma;

/* Create the device over fresh zeroed RAM; bus mastering enabled. Returns 0. */
int  mh_init(struct mh *h, uint64_t ram_size);
/* The same with a configuration of the test's choosing (aborts if invalid). */
int  mh_init_cfg(struct mh *h, uint64_t ram_size, const struct npum_config *cfg);
void mh_fini(struct mh *h);

/* ---- Trace log and console ---------------------------------------------------- */
/* Start (on: the log is emptied first) or stop recording every trace record. */
void mh_trace_log(struct mh *h, bool on);
void mh_trace_clear(struct mh *h);
/* The most recent logged record of a kind, or NULL. */
const struct mh_trace_rec *mh_trace_last(const struct mh *h, enum npum_trace_id kind);
/* Number of logged records of a kind whose first and second string fields
 * are s0 and s1 (NULL: any). E.g. (NPUM_TRACE_POWER, "buttress", "workpoint"),
 * (NPUM_TRACE_IRQ, "assert", NULL). */
size_t mh_trace_count(const struct mh *h, enum npum_trace_id kind, const char *s0,
		      const char *s1);
void mh_console_clear(struct mh *h);
bool mh_console_has(const struct mh *h, const char *s);

/* ---- Time -------------------------------------------------------------------- */
/* Advance the clock by ns, firing the model's timer at every deadline passed. */
void mh_advance(struct mh *h, uint64_t ns);

/* ---- Registers ------------------------------------------------------------------ */
uint32_t mh_rd32(struct mh *h, unsigned bar, uint64_t off);
void     mh_wr32(struct mh *h, unsigned bar, uint64_t off, uint32_t v);
uint64_t mh_rd64(struct mh *h, unsigned bar, uint64_t off);
void     mh_wr64(struct mh *h, unsigned bar, uint64_t off, uint64_t v);
/* ivpu's REGV/REGB_POLL_FLD: read, then sleep 50 µs of virtual time between
 * reads until (reg & mask) == want or timeout_us passes. */
bool mh_poll32(struct mh *h, unsigned bar, uint64_t off, uint32_t mask, uint32_t want,
	       uint64_t timeout_us);

/* ---- Power ----------------------------------------------------------------------- */
/* D0i3 exit and workpoint request as ivpu (§3.1 steps 2-3): 0 when
 * VPU_STATUS.READY, -1 otherwise. */
int mh_power_up(struct mh *h);
/* One workpoint request (§3.1 steps 1/3: wait SEND == 0, payloads, SEND, wait
 * SEND == 0); false on a timeout. */
bool mh_wp_request(struct mh *h, uint32_t p0, uint32_t p1, uint32_t p2);
/* The whole of ivpu's power-up: mh_power_up, then the IP side (§3.1 steps
 * 4-9: IP BAR, host-SS configure, idle generator off, MSS_CPU power island,
 * AXI, TOP NOC). 0, or the negative number of the part that failed: -1
 * buttress, -2 IP BAR, -3 NOC_QREQN, -4 island, -5 TOP_NOC_QREQN, -6 AXI,
 * -7 TOP NOC. */
int mh_power_up_ip(struct mh *h);
/* ivpu_hw_power_down (§3.6): read TIM_PERF_FREE_CNT into *perf_cnt (may be
 * NULL), IP reset, workpoint 0, D0i3 entry, 5 µs. 0, or -1..-5 for the step
 * that timed out. */
int mh_power_down(struct mh *h, uint64_t *perf_cnt);
/* ivpu_hw_boot_fw for 37xx (§3.3 steps 2-5): snoop overrides, TBU0/TBU2
 * SSID-valid bits, LEON_RT_VEC 0x1/0x3/0x1, LOADING_ADDRESS_LO entry >> 9
 * then with DONE. */
void mh_boot_core(struct mh *h, uint64_t entry);

/* ---- Memory ----------------------------------------------------------------------- */
/* Zeroed RAM, aligned (power of two); aborts when RAM is exhausted. */
uint64_t mh_alloc(struct mh *h, uint64_t size, uint64_t align);
void    *mh_ram(struct mh *h, uint64_t addr, uint64_t len);   /* aborts if out of RAM */
uint64_t mh_r64(struct mh *h, uint64_t addr);
void     mh_w64(struct mh *h, uint64_t addr, uint64_t v);
uint32_t mh_r32(struct mh *h, uint64_t addr);
void     mh_w32(struct mh *h, uint64_t addr, uint32_t v);
/* Forget logged DMA (the counters keep counting). */
void mh_dma_log_clear(struct mh *h);
/* Number of logged DMA accesses touching [addr, addr + len). */
unsigned mh_dma_touched(const struct mh *h, uint64_t addr, uint64_t len);

/* ---- MMU, the ivpu way (hw-facts §6) ------------------------------------------ */
/* STE/CD values ivpu writes (ivpu_mmu_strtab_link_cd, ivpu_mmu_cd_add). */
uint64_t mh_ste_dword0(uint64_t cdtab);
uint64_t mh_ste_dword1(void);
uint64_t mh_cd_dword0(uint32_t ssid);
/* Allocate the stream table (SIDs 0 and 3 populated), CD table with the
 * global context (SSID 0) and its empty page tables, and both queues. */
void mh_mmu_setup(struct mh *h);
/* ivpu_mmu_enable: ivpu_mmu_reset's register sequence, each CR0/IRQ_CTRL
 * write polled on its ACK, then CFGI_ALL + TLBI_NSNH_ALL + SYNC. Returns 0,
 * or the negative step number that failed. Also sets the TBU SSID-valid
 * bits as ivpu does before boot (§3.3). */
int  mh_mmu_enable(struct mh *h);
/* Queue one command (no PROD write); -1 if the queue is full. */
int  mh_mmu_cmd(struct mh *h, uint64_t dword0, uint64_t dword1);
/* Queue CMD_SYNC (CS = cs), write PROD and poll CONS == PROD (100 ms). */
int  mh_mmu_sync_cs(struct mh *h, unsigned cs);
int  mh_mmu_sync(struct mh *h);
/* The commands ivpu issues, each followed by a SYNC. */
int  mh_mmu_cfgi_all(struct mh *h);
int  mh_mmu_tlbi_asid(struct mh *h, uint16_t asid);
/* Give SSID its own page tables and CD (ivpu_mmu_cd_add: CFGI_ALL + SYNC). */
int  mh_mmu_ctx_create(struct mh *h, uint32_t ssid);
/* Bus address of the CD / of the level-3 PTE for va (tables created). */
uint64_t mh_cd_addr(const struct mh *h, uint32_t ssid);
uint64_t mh_pte_addr(struct mh *h, uint32_t ssid, uint64_t va);
/* Write the leaf PTE for va: pa | flags (e.g. NPU_MMU_ENTRY_PAGE_IVPU). */
void mh_map(struct mh *h, uint32_t ssid, uint64_t va, uint64_t pa, uint64_t flags);
/* Pop the next event record (reads EVTQ_PROD and writes EVTQ_CONS at the
 * page-1 alias, as ivpu). false when the queue is empty. */
bool mh_mmu_pop_event(struct mh *h, uint32_t ev[8]);

#endif /* MODEL_HARNESS_H */
