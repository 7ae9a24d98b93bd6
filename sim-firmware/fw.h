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
	bool     wait_outbox;           /* deferred sends wait for FIFO space */
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
#define FW_DB_COUNT    256u           /* ids 1..255 (va_layout.h NPU_DB_ID_*) */
#define FW_CMDQ_MAX    64u

struct fw_db {
	uint32_t jobq_va;
	uint32_t jobq_size;
	uint64_t cmdq_id;               /* HWS_REGISTER_DB only */
	uint16_t host_ssid;
	uint8_t  used;
	uint8_t  hws;
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
void fw_poll_once(void);                    /* one pass of the loop, no WFI */
__attribute__((noreturn)) void sched_run(void);   /* the loop; never returns */

#endif /* FW_H */
