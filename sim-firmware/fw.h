/* SPDX-License-Identifier: MIT */
/*
 * intel-npu-mtl simulated firmware: state and interfaces shared by the
 * modules. Layout of the state (sim-firmware/README.md "Memory map"):
 *
 *   struct fw_state fw        .bss in the runtime region (DRAM): survives
 *                             D0i3, so a warm boot finds it intact
 *   struct fw_log fw_log      .bss, same reason (the write position of the
 *                             host-visible log rings must continue)
 *   doorbell/queue registry   .bss (db.c)
 *   struct fw_rt rt           TCM: per-boot state, set up at both entries
 *                             (an IP reset clears the TCM anyway)
 *
 * Conventions: NPU virtual addresses are uint32_t (the core is 32-bit; every
 * region the host hands over lies below 4 GiB, which boot.c checks). Memory
 * the host controls is only touched through fw_safe_copy(), whose faults
 * the trap handler turns into an error return (trap.S); the firmware's own
 * runtime region (boot params, .data, .bss) is accessed directly.
 * On ilp32 uint32_t is `unsigned long`: log formats use %lu/%lx for it.
 */
#ifndef FW_H
#define FW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel-npu/boot_params.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jsm.h"
#include "intel-npu/lrt.h"
#include "platform.h"

/* Per-boot state lives in the TCM (fast, untranslated, lost on IP reset).
 * Under the ISS test harness there is no TCM: plain .bss. */
#ifdef FW_FAKE_PLATFORM
#define FW_TCM
#else
#define FW_TCM __attribute__((section(".tcm.bss")))
#endif

/* ---- Tunables (README "Timing") --------------------------------------------- */
#define FW_TICK_US          500000u   /* periodic tick: kicks the watchdog */
#define FW_WDT_US           2000000u  /* watchdog period: 4 missed ticks */
#define FW_RETRY_US         1000u     /* retry of a response that found no free RX slot */
#define FW_DEFER_MAX        16u       /* responses waiting for an RX slot / FIFO space */
#define FW_STATE_MAGIC      0x46575354u /* "TSWF": fw_state initialised by a cold boot */
#define FW_LOG_LINE_MAX     256u      /* ivpu_fw_log.c prints lines of at most 255 chars */
#define FW_TRACE_DEST_SUPPORTED  NPU_TRACE_DESTINATION_VERBOSE
#define FW_TRACE_HW_LRT_BIT      1u   /* VPU_TRACE_PROC_BIT_LRT (vpu_boot_api.h) */
#define FW_TRACE_HW_SUPPORTED    (1ull << FW_TRACE_HW_LRT_BIT)
#define FW_FENCE_POLL_US    50u       /* re-read of fence words a job waits on */
#define FW_JOB_BUDGET       64u       /* commands per queue per scheduler pass */
#define FW_JOBDONE_RESERVE  4u        /* deferral slots JOB_DONE leaves to JSM responses */

#define FW_DB_COUNT    256u           /* ids 1..255 (va_layout.h NPU_DB_ID_*) */
#define FW_DB_WORDS    (FW_DB_COUNT / 32u)

/* ---- Regions ------------------------------------------------------------------ */
struct fw_region {
	uint32_t base;
	uint32_t size;
};

/* [va, va + len) lies inside r (no overflow for any input). */
static inline bool fw_region_has(const struct fw_region *r, uint64_t va, uint64_t len)
{
	return r->size && len <= r->size && va >= r->base && va - r->base <= r->size - len;
}

/* ---- Persistent state (.bss, survives warm boot) ------------------------------- */
struct fw_state {
	uint32_t magic;                 /* FW_STATE_MAGIC after the first cold boot */
	uint32_t bp_va;                 /* boot params: start of the runtime region */
	uint32_t cold_boots, warm_boots;
	struct fw_region shared;        /* boot params shared_region_base/size */
	struct fw_region ipc_hdr;       /* RX header area: 64-byte slots */
	struct fw_region ipc_payload;   /* RX payload area: 128-byte slots */
	uint32_t hdr_cursor, payload_cursor; /* round-robin slot search */
	uint32_t sched_mode;            /* NPU_SCHEDULING_MODE_* */
	uint64_t time_offset;           /* fw_now() = mtime + this: monotonic over D0i3 */
	uint64_t last_time;             /* fw_now() when D0i3 was entered */
	uint32_t dct_active_us, dct_inactive_us;
	bool     dct_enabled;
	struct npu_jsm_hws_priority_band_setup bands;
	struct {
		uint32_t engine_idx, host_ssid, enabled;
		uint32_t log_va;
	} sched_log;
	struct {                        /* STATE_DUMP material */
		uint32_t rx, tx, rx_rejected, unknown, doorbells, deferred, dropped;
		uint32_t jobs_ok, jobs_failed, jobs_aborted;
	} stats;
};
extern struct fw_state fw;

/* ---- Per-boot state (TCM) --------------------------------------------------------- */
struct fw_pending {
	struct npu_jsm_msg msg;         /* first: keeps its 64-byte alignment */
	uint32_t channel;
	bool has_msg;                   /* false: the boot message (no JSM) */
};

struct fw_rt {
	uint32_t intc_enable;           /* mirror of NPU_LRT_INTC_ENABLE */
	uint64_t tick_at;               /* next watchdog kick (mtime) */
	uint64_t timer_at;              /* what mtimecmp is set to */
	bool     timers_on;             /* false between D0I3_ENTER and the next boot */
	bool     d0i3_requested;        /* set by the D0I3_ENTER handler */
	bool     quiesce_requested;     /* set by the STATE_DUMP handler */
	bool     quiesced;              /* after STATE_DUMP: no polling until the host talks */
	bool     wait_outbox;           /* deferred sends wait for FIFO space */
	uint64_t job_poll_at;           /* next re-poll of waiting jobs (mtime); 0 = none */
	uint32_t job_active[FW_DB_WORDS]; /* queues that may have work (job.c) */
	uint32_t job_rr;                /* round-robin start among equal bands */
	uint32_t ctx_ssid;              /* mirror of NPU_LRT_CTX_SSID */
	bool     engine_paused;         /* HWS: between ENGINE_RESET and HWS_ENGINE_RESUME */
	bool     dma_probed, dma_present;
	uint16_t dma_owner[NPU_LRT_DMA_ENGINES]; /* doorbell whose job runs on it; 0 = none */
	bool     dma_busy[NPU_LRT_DMA_ENGINES];
	uint32_t defer_head, defer_count;
	/* last: start_common() clears only what comes before it */
	struct fw_pending defer[FW_DEFER_MAX];
};
extern struct fw_rt rt;

/* ---- util.c ----------------------------------------------------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t fw_strnlen(const char *s, size_t max);
int fw_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fw_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint64_t fw_now(void);                  /* monotonic perf-clock ticks */

/* ---- trap.S / trap.c ----------------------------------------------------------------- */
/* Copy len bytes; returns 0, or -1 when an access faulted (fw_safe_fault_addr
 * then holds the faulting address). Words when all of dst/src/len allow. */
int fw_safe_copy(void *dst, const void *src, uint32_t len);
extern uint32_t fw_safe_fault_addr;
void fw_trap_entry(void);
__attribute__((noreturn)) void fw_halt(uint32_t code);
__attribute__((noreturn)) void fw_trap_fatal(uint32_t mcause, uint32_t mepc, uint32_t mtval,
					     const uint32_t *regs);
__attribute__((noreturn)) void fw_double_fault(uint32_t mcause, uint32_t mepc);

static inline int safe_rd32(uint32_t va, uint32_t *v)
{
	return fw_safe_copy(v, (const void *)(uintptr_t)va, 4);
}

static inline int safe_wr32(uint32_t va, uint32_t v)
{
	return fw_safe_copy((void *)(uintptr_t)va, &v, 4);
}

/* ---- log.c ------------------------------------------------------------------------------ */
struct fw_log_buf {
	uint32_t va;                    /* tracing buffer header; 0 = not in use */
	uint32_t data_size;             /* bytes after the 128-byte header */
	uint32_t write_index;
	uint32_t wrap_count;
};

struct fw_log {
	uint32_t level;                 /* NPU_LOG_LEVEL_*: verbose threshold */
	uint32_t dest_mask;             /* effective trace_destination_mask */
	uint64_t hw_mask;               /* effective trace_hw_component_mask */
	struct fw_log_buf crit, verbose;
};
extern struct fw_log fw_log;

/* OR'ed into a level: a state dump line, written to the verbose buffer and
 * the console whatever the threshold, never to the critical buffer. */
#define FW_LOG_DUMP 0x100u

void log_console_puts(const char *s);
int  log_buf_init(struct fw_log_buf *b, uint32_t va, uint32_t size, const char *what);
void log_buf_append(struct fw_log_buf *b, const char *text, uint32_t len);
void log_set_config(uint32_t level, uint32_t dest_mask, uint64_t hw_mask);
bool fw_log_wants(uint32_t level);
void fw_logf(uint32_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_AT(lvl, ...) do { if (fw_log_wants(lvl)) fw_logf((lvl), __VA_ARGS__); } while (0)
#define LOG_DBG(...)   LOG_AT(NPU_LOG_LEVEL_DEBUG, __VA_ARGS__)
#define LOG_INFO(...)  LOG_AT(NPU_LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_WARN(...)  LOG_AT(NPU_LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_ERR(...)   fw_logf(NPU_LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_DUMP(...)  fw_logf(FW_LOG_DUMP | NPU_LOG_LEVEL_INFO, __VA_ARGS__)

/* ---- ipc.c --------------------------------------------------------------------------- */
#define IPC_SENT         0
#define IPC_DEFERRED     1
#define IPC_AGAIN_OUTBOX 2   /* internal: FIFO full */
#define IPC_AGAIN_SLOTS  3   /* internal: no free RX slot */
#define IPC_FAILED      (-1) /* RX area unreachable, or the deferral queue is full */

/* Round-robin search for a slot whose status word (at offset 0x0C in both
 * headers and JSM messages) is FREE; returns its VA, 0 if none is free, or
 * UINT32_MAX if reading a slot faulted. */
uint32_t ipc_find_free_slot(const struct fw_region *area, uint32_t slot_size,
			    uint32_t status_mask, uint32_t *cursor);
int  ipc_send(uint32_t channel, const struct npu_jsm_msg *msg); /* msg NULL: boot message */
void ipc_flush(void);
void ipc_rx(uint32_t hdr_va);
void ipc_drain_inbox(void);

/* ---- jsm.c ----------------------------------------------------------------------------- */
#define JSM_NO_RESPONSE 0xFFFFFFFFu
/* Handles a validated request; returns true and fills rsp (type, result,
 * payload; the caller sets request_id) when a response must be sent. */
bool jsm_dispatch(const struct npu_jsm_msg *req, uint32_t channel, struct npu_jsm_msg *rsp);
const char *jsm_type_name(uint32_t type);

/* ---- db.c --------------------------------------------------------------------------------- */
#define FW_CMDQ_MAX    64u

struct fw_db {
	uint32_t jobq_va;
	uint32_t jobq_size;
	uint64_t cmdq_id;               /* HWS_REGISTER_DB only */
	uint16_t host_ssid;
	uint8_t  used;
	uint8_t  hws;
	uint8_t  orphan;                /* unregistered with jobs left: kept for SSID_RELEASE */
	uint8_t  abort;                 /* SSID_RELEASE: end every job left with ABORTED */
	uint8_t  faulted;               /* a job of it hit a context fault (ENGINE_RESET report) */
	uint8_t  bad;                   /* its header is unusable: not polled until a ring */
};

struct fw_cmdq {
	uint64_t cmdq_id;
	uint64_t process_id;
	uint64_t cmdq_group;
	uint32_t base, size;
	uint16_t host_ssid;
	uint8_t  used, engine_idx;
	uint8_t  suspended, priority_band, realtime_level, pad;
	uint32_t in_process_priority;
	uint64_t context_quantum, grace_same, grace_lower;
};

extern struct fw_db fw_dbs[FW_DB_COUNT];
extern struct fw_cmdq fw_cmdqs[FW_CMDQ_MAX];

bool fw_ssid_valid(uint32_t ssid);
bool fw_db_id_valid(uint32_t db);
int  db_register(uint32_t db, uint32_t ssid, uint32_t jobq_va, uint32_t jobq_size,
		 bool hws, uint64_t cmdq_id);          /* 0 new, 1 replaced */
int  db_unregister(uint32_t db);                   /* 0, or -1 when not registered */
struct fw_cmdq *cmdq_find(uint32_t ssid, uint64_t cmdq_id);
struct fw_cmdq *cmdq_alloc(uint32_t ssid, uint64_t cmdq_id, bool *replaced);
void db_release_ssid(uint32_t ssid, uint32_t *dbs, uint32_t *cmdqs);
void db_ring(uint32_t db);
void db_service(void);
void db_dump(void);

/* ---- job.c: the queue scheduler ------------------------------------------------------- */
void job_kick(uint32_t db);                 /* a doorbell rang, or registration */
void job_kick_all(void);                    /* warm boot, engine resume: look at every queue */
bool job_run(void);                         /* one pass; true: work is ready, do not WFI */
void job_unregister(uint32_t db);           /* UNREGISTER_DB: before the entry goes away */
void job_abort(uint32_t db);                /* SSID_RELEASE: end every job left, ABORTED */
void job_drop(uint32_t db);                 /* forget the job in progress (head stays) */
uint32_t job_engine_reset(struct npu_jsm_engine_reset_done *out);
void job_engine_resume(void);
void job_dump(void);

/* ---- cmdbuf.c: one job's command buffer (hw-facts §11-§13) ------------------------------ */
enum fw_job_state {
	FW_JOB_NONE = 0,                /* nothing started at the queue's head */
	FW_JOB_RUN,                     /* the command at pos is next */
	FW_JOB_FENCE,                   /* a FENCE_WAIT is not met yet */
	FW_JOB_DMA,                     /* a transfer of this job runs on engine dma */
	FW_JOB_ENGINE,                  /* the command at pos waits for a free DMA engine */
	FW_JOB_END,                     /* finished with status; JOB_DONE not sent yet */
	FW_JOB_INFER,                   /* its INFERENCE_EXECUTE runs (infer.c) */
};

struct fw_job {
	uint32_t gen;                   /* boot generation this state belongs to */
	uint8_t  state, dma, null_sub, pad;
	uint32_t db;
	uint32_t slot;                  /* its queue slot (head when it started) */
	uint32_t job_id;
	uint32_t ssid;
	uint32_t batch;                 /* VA of the command buffer header (context window) */
	uint32_t pos, end;              /* next command, end of commands: offsets from batch */
	uint32_t status;                /* FW_JOB_END: the job_status */
	uint32_t cmds;                  /* commands done */
	uint64_t desc_heap, fence_heap;
	uint64_t wait_va, wait_value;   /* FW_JOB_FENCE */
};

#define FW_STEP_IDLE     0          /* nothing to do */
#define FW_STEP_BLOCKED  1          /* waits for a fence, DMA, an engine or the host */
#define FW_STEP_MORE     2          /* ran out of budget with work left */
uint32_t cmdbuf_begin(struct fw_job *j, uint64_t batch_va);   /* 0 or a job status */
int  cmdbuf_run(struct fw_job *j, uint32_t *budget);
const char *cmdbuf_status_name(uint32_t status);

/* ---- ctx.c: a job's user context through the context window ------------------------------ */
#define FW_CTX_OK        0
#define FW_CTX_OUTSIDE (-1)         /* not in [NPU_LRT_CTX_WINDOW_BASE, 4 GiB) */
#define FW_CTX_FAULT   (-2)         /* the MMU faulted (CTX_FAULT or an abort) */
int ctx_read(uint32_t ssid, uint64_t va, void *dst, uint32_t len);
int ctx_write(uint32_t ssid, uint64_t va, const void *src, uint32_t len);
extern uint32_t ctx_fault_addr;     /* the address of the last FW_CTX_FAULT */

/* ---- dma.c: the DMA engines (lrt.h NPU_LRT_DMA_*) ------------------------------------------- */
struct fw_dma_result {
	uint32_t code, index;           /* NPU_LRT_DMA_ERR_*, failing descriptor */
	uint64_t addr;                  /* faulting address */
};
#define FW_DMA_BUSY   0
#define FW_DMA_DONE   1
#define FW_DMA_ERROR  2
bool dma_available(void);           /* the engines exist (probed once per boot) */
int  dma_claim(uint32_t db);        /* a free engine for db's job, or -1 */
void dma_start_array(unsigned e, uint64_t desc, uint32_t count, uint32_t ssid);
void dma_start_copy(unsigned e, uint64_t src, uint64_t dst, uint64_t len, uint32_t ssid);
void dma_start_fill(unsigned e, uint64_t dst, uint64_t len, uint32_t pattern, uint32_t ssid);
int  dma_poll(unsigned e, struct fw_dma_result *r);   /* DONE/ERROR free the engine */
void dma_abandon(unsigned e);       /* the owner is gone: free it once it finishes */
void dma_reap(void);
uint32_t dma_irq_mask(void);

/* ---- infer.c, infer_sched.c: the mapped-inference runtime (hw-facts §16) ------------------ */
struct npu_cmd_inference_execute;
#define FW_INF_BUSY   0             /* runs on; look again */
#define FW_INF_DONE   1             /* over, with *status */
/* Starts c for j: 0 (started, or *wait: the CMX and engines are taken,
 * try again later), or the job status that ends the job. */
uint32_t infer_begin(struct fw_job *j, const struct npu_cmd_inference_execute *c, bool *wait);
int  infer_step(struct fw_job *j, uint32_t *status);
bool infer_busy(void);
void infer_drop(uint32_t db);       /* the job of db went away */

/* ---- boot.c --------------------------------------------------------------------------------- */
#define BP_OFF(field) ((uint32_t)offsetof(struct npu_boot_params, field))
static inline uint32_t bp_rd32(uint32_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(fw.bp_va + off);
}
static inline uint64_t bp_rd64(uint32_t off)
{
	return bp_rd32(off) | (uint64_t)bp_rd32(off + 4) << 32;
}
static inline void bp_wr64(uint32_t off, uint64_t v)
{
	*(volatile uint32_t *)(uintptr_t)(fw.bp_va + off) = (uint32_t)v;
	*(volatile uint32_t *)(uintptr_t)(fw.bp_va + off + 4) = (uint32_t)(v >> 32);
}

int  boot_read_regions(void);               /* shared + IPC areas; -1 = unusable */
void boot_read_log_config(void);
void fw_warm_entry(void);                   /* start.S: the warm-boot entry point */
__attribute__((noreturn)) void fw_cold_main(void);   /* called by start.S */
__attribute__((noreturn)) void fw_warm_main(void);

/* ---- sched.c ------------------------------------------------------------------------------ */
void fw_timers_start(void);
void fw_timers_stop(void);
void fw_timer_rearm(void);
bool fw_poll_once(void);                    /* one pass of the loop, no WFI; true: more work */
__attribute__((noreturn)) void sched_run(void);   /* the loop; never returns */

#endif /* FW_H */
