/* SPDX-License-Identifier: MIT */
/*
 * Internal header of the portable driver core (driver/lib). Not installed.
 *
 * The core is one file per concern, as Linux's ivpu:
 *   log.c          logging, the last-error string, the error history
 *   regs.c         register accessors (traced) and the poll helper
 *   regs_desc.c    names and fields of every register (hw-facts §2)
 *   pm.c           power-up / power-down / IP reset sequences (§3.1, §3.6)
 *   mmu.c          the SMMU: stream table, CDs, queues, enable, events (§6)
 *   mmu_context.c  page tables and VA ranges of the MMU contexts (§6)
 *   bo.c           buffers: DMA memory + VA + mapping
 *   fw.c           firmware search, validation (shared parser), load (§4)
 *   boot.c         boot params, CPU start, ready message, IRQ enable (§3.3-§3.4)
 *   irq.c          the host interrupt handler (§1.3)
 *   ipc.c          IPC buffers, send, receive, FIFO drain (§5.1-§5.2)
 *   jsm.c          JSM messages (§5.3-§5.5)
 *   diag.c         register dump, boot-failure diagnosis
 *   fw_log.c       firmware log buffers reader (ivpu_fw_log.c)
 *   device.c       open, steps, boot, suspend/resume, recovery, close, info
 *   job.c          user contexts and doorbells (ivpu_job.c)
 *   submit.c       jobs: submit, JOB_DONE, wait, context abort, TDR (ivpu_job.c)
 *   cmdbuf.c       the command buffer builder (pure code, npu/cmdbuf.h)
 *
 * No OS-specific code: all platform work goes through struct npu_os_ops.
 * Internal functions use the npu_ prefix but stay out of the device model's
 * namespaces (npu_mmu_*, npu_btrs_*, npu_reg_*...), since the sim backend
 * links both into one program.
 */
#ifndef NPU_DRIVER_DRV_H
#define NPU_DRIVER_DRV_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu/npu.h"
#include "npu/bringup.h"
#include "npu/diag.h"
#include "npu/os.h"
#include "intel-npu/bits.h"
#include "intel-npu/boot_params.h"
#include "intel-npu/fw_header.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jobq.h"
#include "intel-npu/jsm.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"

#define NPU_ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define NPU_ALIGN_UP(x, a)  (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define NPU_IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define NPU_SZ_4K           0x1000u
#define NPU_SZ_64K          0x10000u

/* PCI config space (only what the driver touches) */
#define NPU_PCI_COMMAND          0x04u
#define   NPU_PCI_COMMAND_MEMORY   NPU_BIT(1)
#define   NPU_PCI_COMMAND_MASTER   NPU_BIT(2)

/* ---- Address ranges and the VA allocator (mmu_context.c) ------------------ */
struct npu_range {
	uint64_t start, end;        /* [start, end) */
};

struct npu_va_node {
	uint64_t start, size;
};

/* Sorted list of allocated nodes inside [start, end) (ivpu's drm_mm). */
struct npu_va_space {
	uint64_t start, end;
	struct npu_va_node *nodes;
	size_t n, cap;
};

int npu_va_init(struct npu_va_space *vs, uint64_t start, uint64_t end);
void npu_va_fini(struct npu_va_space *vs);
/* ivpu_mmu_context_insert_node: 64 KiB alignment for sizes >= 64 KiB when
 * possible, else 4 KiB; first fit inside range. -ENOSPC when it does not fit. */
int npu_va_alloc(struct npu_va_space *vs, const struct npu_range *range, uint64_t size,
		 uint64_t *va);
int npu_va_free(struct npu_va_space *vs, uint64_t va);

/* ---- Page tables and contexts (mmu_context.c) ------------------------------- */
/* One 4 KiB table in DMA memory; levels 0-2 keep the host pointers of the
 * next level (ivpu's pud_ptrs/pmd_ptrs/pte_ptrs). */
struct npu_pt {
	struct npu_dma_buf mem;
	struct npu_pt **next;       /* NULL at level 3 (PTE tables) */
};

struct npu_ctx {
	bool active;
	uint32_t ssid;
	struct npu_pt *pgd;
	struct npu_va_space va;
	uint32_t buffers;
	uint64_t mapped_bytes;
	bool faulted;               /* an MMU event named this SSID */
	bool aborted;               /* its queues were torn down after the fault */
	struct npu_job_rec *jobs;   /* NPU_JOBS_PER_CTX, allocated at the first submit */
	uint32_t next_job;          /* cyclic job index (hw-facts §14.2) */
	uint32_t jobs_outstanding;
};

struct npu_device;
int npu_ctx_init(struct npu_device *dev, struct npu_ctx *ctx, uint32_t ssid);
void npu_ctx_fini(struct npu_device *dev, struct npu_ctx *ctx);
/* Map [va, va + size) to [dma, dma + size): PTE = dma | 0xC43 | extra flags;
 * 64 KiB-aligned runs get CONT (ivpu_mmu_context_map_pages). */
int npu_ctx_map(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t dma,
		uint64_t size, uint64_t prot);
/* PTE = 0xDEADB000 without VALID (ivpu_mmu_context_unmap_page). */
void npu_ctx_unmap(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t size);
/* Set RO on mapped pages, splitting CONT runs at the edges. */
int npu_ctx_set_ro(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t size);
/* Walk the host copy of the tables: the leaf PTE for va, or -ENOENT. */
int npu_ctx_lookup(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va, uint64_t *pte);
unsigned npu_ctx_table_count(const struct npu_ctx *ctx);
struct npu_ctx *npu_ctx_by_ssid(struct npu_device *dev, uint32_t ssid);

/* ---- Buffers (bo.c) ------------------------------------------------------- */
struct npu_buffer {
	struct npu_dma_buf dma;
	uint64_t va;
	size_t size;
	struct npu_ctx *ctx;
	uint32_t flags;             /* NPU_BUF_* */
	const char *name;
	struct npu_buffer *next;    /* device list */
};

int npu_bo_create(struct npu_device *dev, struct npu_ctx *ctx, const struct npu_range *range,
		  size_t size, uint32_t flags, const char *name, struct npu_buffer **out);
int npu_bo_create_global(struct npu_device *dev, size_t size, uint32_t flags, const char *name,
			 struct npu_buffer **out);
void npu_bo_free(struct npu_device *dev, struct npu_buffer *bo);
/* CPU pointer for [va, va + size) if it lies inside bo, else NULL
 * (ivpu_to_cpu_addr). */
void *npu_bo_cpu_at(const struct npu_buffer *bo, uint64_t va, uint64_t size);
void npu_bo_sync_dev(struct npu_device *dev, struct npu_buffer *bo, size_t off, size_t len);
void npu_bo_sync_cpu(struct npu_device *dev, struct npu_buffer *bo, size_t off, size_t len);
struct npu_buffer *npu_bo_find_va(struct npu_device *dev, struct npu_ctx *ctx, uint64_t va);

/* ---- SMMU (mmu.c) ------------------------------------------------------------ */
#define NPU_SMMU_Q_LOG2          4               /* 16 entries (§6) */
#define NPU_SMMU_Q_COUNT         (1u << NPU_SMMU_Q_LOG2)
#define NPU_SMMU_STRTAB_LOG2     2               /* 4 STEs */
#define NPU_SMMU_CDTAB_ENTRIES   (1u << NPU_MMU_CDTAB_ENTRIES_LOG2)
#define NPU_SMMU_EVENT_HISTORY   16

struct npu_smmu_queue {
	struct npu_dma_buf mem;
	uint64_t base;              /* value of the *_BASE register */
	uint32_t prod, cons;        /* index + wrap bit */
};

struct npu_smmu {
	bool allocated, on;
	struct npu_dma_buf strtab, cdtab;
	uint64_t strtab_base;
	uint32_t strtab_cfg;
	struct npu_smmu_queue cmdq, evtq;
	struct npu_mmu_event events[NPU_SMMU_EVENT_HISTORY];
	uint64_t n_events;          /* total read; ring index = n % history */
	uint64_t gerrors;
};

int npu_smmu_alloc(struct npu_device *dev);
void npu_smmu_free(struct npu_device *dev);
/* ivpu_mmu_enable: ivpu_mmu_reset's register sequence + CFGI_ALL,
 * TLBI_NSNH_ALL, SYNC. Ends with CR0 = 0x1D. */
int npu_smmu_enable(struct npu_device *dev);
void npu_smmu_disable(struct npu_device *dev);
/* ivpu_mmu_cd_add: write CD ssid (pgd_dma 0 clears it) + CFGI_ALL + SYNC. */
int npu_smmu_cd_set(struct npu_device *dev, uint32_t ssid, uint64_t pgd_dma);
/* TLBI_NH_ASID(ssid) + SYNC; a no-op while the MMU is off. */
int npu_smmu_invalidate_tlb(struct npu_device *dev, uint32_t ssid);
/* Read every new event record (EVTQ_PROD/CONS at the page-1 alias), log
 * and keep them; returns how many were read; *global_fault if SSID 0. */
int npu_smmu_read_events(struct npu_device *dev, bool *global_fault);
void npu_smmu_gerror(struct npu_device *dev);

/* ---- Firmware (fw.c) ------------------------------------------------------- */
struct npu_fw {
	bool loaded;                /* file read and validated */
	char path[512];
	uint8_t *file;
	size_t file_size;
	struct npu_fw_header hdr;
	char version[NPU_FW_VERSION_STR_MAX];
	uint64_t runtime_addr;
	uint32_t runtime_size;
	uint64_t image_load_offset;
	uint32_t image_size;
	uint64_t cold_entry, entry; /* entry == cold_entry: cold boot */
	uint32_t shave_nn_size;
	uint64_t ro_addr;
	uint32_t ro_size;
	uint32_t trace_level, trace_dest_mask;
	uint64_t trace_hw_mask;
	uint32_t sched_mode;
	bool disable_d0i3_msg;      /* BOOT API < 3.17 (ivpu_fw_init_wa) */
	struct npu_buffer *mem, *log_crit, *log_verb, *shave_nn;
};

int npu_fw_request(struct npu_device *dev);
void npu_fw_release(struct npu_device *dev);
int npu_fw_mem_init(struct npu_device *dev);
void npu_fw_mem_fini(struct npu_device *dev);
void npu_fw_copy_image(struct npu_device *dev);     /* ivpu_fw_load */
struct npu_boot_params *npu_fw_boot_params(struct npu_device *dev);

/* Log buffers (ivpu_fw_log.h) */
#define NPU_FW_LOG_CRIT_SIZE     0x80000u   /* 512 KiB */
#define NPU_FW_LOG_VERB_SIZE     0x100000u  /* 1 MiB */
#define NPU_FW_LOG_LINE_MAX      256u
void npu_fw_log_reset(struct npu_device *dev);

/* ---- IPC (ipc.c) ---------------------------------------------------------- */
#define NPU_IPC_GRANULES         (NPU_IPC_BUF_SIZE / NPU_IPC_ALIGNMENT)
#define NPU_IPC_CONSUMERS        8
#define NPU_IPC_CONS_QUEUE       16

struct npu_ipc_tx_buf {             /* ivpu_ipc_tx_buf: 64 + 128 bytes */
	struct npu_ipc_hdr ipc;
	struct npu_jsm_msg jsm;
};

struct npu_ipc_rx_ref {
	uint32_t hdr_va, jsm_va;    /* jsm_va 0: no JSM (boot message) */
};

struct npu_ipc_consumer {
	bool used, aborted;
	uint32_t channel, request_id;
	uint32_t tx_va;
	struct npu_ipc_rx_ref q[NPU_IPC_CONS_QUEUE];
	unsigned q_head, q_len;
};

struct npu_ipc {
	bool ready, on;
	struct npu_buffer *tx, *rx;
	uint8_t tx_used[NPU_IPC_GRANULES];  /* 1 = granule allocated */
	uint32_t request_id;
	struct npu_ipc_consumer cons[NPU_IPC_CONSUMERS];
	unsigned rx_msg_count;
	uint64_t tx_count, rx_count, rx_dropped, rx_malformed;
	char last_rx_problem[200];
};

int npu_ipc_init(struct npu_device *dev);
void npu_ipc_fini(struct npu_device *dev);
void npu_ipc_reset(struct npu_device *dev);         /* zero buffers, TX allocator */
void npu_ipc_enable(struct npu_device *dev);
void npu_ipc_disable(struct npu_device *dev);
struct npu_ipc_consumer *npu_ipc_consumer_add(struct npu_device *dev, uint32_t channel);
void npu_ipc_consumer_del(struct npu_device *dev, struct npu_ipc_consumer *cons);
int npu_ipc_send(struct npu_device *dev, struct npu_ipc_consumer *cons, struct npu_jsm_msg *req);
/* Drain the firmware->host FIFO (ivpu_ipc_irq_handler). */
int npu_ipc_drain(struct npu_device *dev);
/* Wait up to timeout_ms (IRQ-driven with polling fallback, or polling while
 * interrupts are off) for a message for cons; copies header and JSM. */
int npu_ipc_receive(struct npu_device *dev, struct npu_ipc_consumer *cons,
		    struct npu_ipc_hdr *hdr, struct npu_jsm_msg *jsm, uint32_t timeout_ms);
/* Send + receive + type/result checks, no heartbeat follow-up. The channel
 * and the expected response type are the request's in NPU_JSM_REQUESTS
 * (jsm.h); a type that is not a request there is refused (-EINVAL). */
int npu_ipc_send_receive_internal(struct npu_device *dev, struct npu_jsm_msg *req,
				  struct npu_jsm_msg *resp, uint32_t timeout_ms);
/* As above; on -ETIMEDOUT query the heartbeat and recover if that times out too. */
int npu_ipc_send_receive(struct npu_device *dev, struct npu_jsm_msg *req,
			 struct npu_jsm_msg *resp, uint32_t timeout_ms);
/* Send and sleep timeout_ms without waiting for a response (STATE_DUMP). */
int npu_ipc_send_and_wait(struct npu_device *dev, struct npu_jsm_msg *req, uint32_t timeout_ms);
uint32_t npu_ipc_fill_level(struct npu_device *dev);

/* ---- JSM (jsm.c) ------------------------------------------------------------- */
const char *npu_jsm_type_name(uint32_t type);
const char *npu_jsm_status_name(uint32_t status);
int npu_jsm_heartbeat(struct npu_device *dev, uint32_t engine, uint64_t *hb);
int npu_jsm_register_db(struct npu_device *dev, uint32_t ssid, uint32_t db_id,
			uint64_t jobq_base, uint32_t jobq_size);
int npu_jsm_unregister_db(struct npu_device *dev, uint32_t db_id);
int npu_jsm_engine_reset(struct npu_device *dev, uint32_t engine);
int npu_jsm_ssid_release(struct npu_device *dev, uint32_t ssid);
int npu_jsm_pwr_d0i3_enter(struct npu_device *dev);
int npu_jsm_state_dump(struct npu_device *dev);
int npu_jsm_hws_setup_priority_bands(struct npu_device *dev);
int npu_jsm_hws_create_cmdq(struct npu_device *dev, uint32_t ssid, uint32_t cmdq_id,
			    uint64_t base, uint32_t size);
int npu_jsm_hws_set_context_sched_properties(struct npu_device *dev, uint32_t ssid,
					     uint32_t cmdq_id, uint32_t priority);
int npu_jsm_hws_register_db(struct npu_device *dev, uint32_t ssid, uint32_t cmdq_id,
			    uint32_t db_id, uint64_t base, uint32_t size);
int npu_jsm_hws_destroy_cmdq(struct npu_device *dev, uint32_t ssid, uint32_t cmdq_id);
int npu_jsm_hws_engine_resume(struct npu_device *dev, uint32_t engine);

/* ---- Registers (regs.c, regs_desc.c) ----------------------------------------- */
uint32_t npu_rd32(struct npu_device *dev, unsigned bar, uint32_t off);
void npu_wr32(struct npu_device *dev, unsigned bar, uint32_t off, uint32_t val);
uint64_t npu_rd64(struct npu_device *dev, unsigned bar, uint32_t off);
void npu_wr64(struct npu_device *dev, unsigned bar, uint32_t off, uint64_t val);
#define npu_regv_rd32(d, off)     npu_rd32((d), NPU_BAR_REGV, (off))
#define npu_regv_wr32(d, off, v)  npu_wr32((d), NPU_BAR_REGV, (off), (v))
#define npu_regv_rd64(d, off)     npu_rd64((d), NPU_BAR_REGV, (off))
#define npu_regv_wr64(d, off, v)  npu_wr64((d), NPU_BAR_REGV, (off), (v))
#define npu_regb_rd32(d, off)     npu_rd32((d), NPU_BAR_REGB, (off))
#define npu_regb_wr32(d, off, v)  npu_wr32((d), NPU_BAR_REGB, (off), (v))
#define npu_regb_rd64(d, off)     npu_rd64((d), NPU_BAR_REGB, (off))
/* ivpu's REG_POLL_FLD: read until (val & mask) == want (want given as the
 * field value already shifted into mask), sleeping poll_interval_us between
 * reads, for timeout_us of backend time. 0 or -ETIMEDOUT; *last gets the
 * final value. */
int npu_poll32(struct npu_device *dev, unsigned bar, uint32_t off, uint32_t mask, uint32_t want,
	       uint32_t timeout_us, uint32_t *last);

#define NPU_REG_NOREAD  0x1u   /* reading has a side effect or is not allowed */
#define NPU_REG_BAR0    0x2u   /* needs NPU IP power */
struct npu_field_desc {
	uint32_t mask;
	const char *name;
};
struct npu_reg_desc {
	unsigned bar;
	uint32_t off;
	uint8_t width;              /* 4 or 8 */
	uint8_t flags;
	uint16_t count;             /* >1: array of count registers ... */
	uint32_t stride;            /* ... stride bytes apart */
	const char *block, *name;
	const struct npu_field_desc *fields;  /* NULL-name-terminated, or NULL */
};
extern const struct npu_reg_desc npu_reg_table[];
extern const size_t npu_reg_table_len;
const struct npu_reg_desc *npu_regs_find(unsigned bar, uint32_t off, unsigned *idx);
/* "NAME=0x00000001 [SEND=1]" */
char *npu_regs_describe(unsigned bar, uint32_t off, uint64_t val, char *buf, size_t len);
/* Read and describe (BAR0 only when powered) */
char *npu_regs_snapshot(struct npu_device *dev, unsigned bar, uint32_t off, char *buf,
			size_t len);

/* ---- Power (pm.c) -------------------------------------------------------------- */
int npu_pm_hw_info(struct npu_device *dev);
int npu_pm_power_up(struct npu_device *dev);
int npu_pm_power_down(struct npu_device *dev);
int npu_pm_ip_reset(struct npu_device *dev);
int npu_pm_wp_drive(struct npu_device *dev, bool enable);
int npu_pm_d0i3_drive(struct npu_device *dev, bool enable);
bool npu_pm_is_idle(struct npu_device *dev);
int npu_pm_wait_for_idle(struct npu_device *dev);
bool npu_pm_ip_powered(struct npu_device *dev);  /* VPU_STATUS.READY, BAR0 reachable */
void npu_pm_wdt_disable(struct npu_device *dev);

/* ---- Boot (boot.c) ---------------------------------------------------------------- */
void npu_boot_params_setup(struct npu_device *dev, struct npu_boot_params *bp);
int npu_boot_cpu_start(struct npu_device *dev, uint64_t entry);
int npu_boot_wait_ready(struct npu_device *dev);
void npu_boot_irq_enable(struct npu_device *dev);   /* ICB clear, OS MSI, sources */
void npu_hw_irq_enable(struct npu_device *dev);
void npu_hw_irq_disable(struct npu_device *dev);

/* ---- Interrupts (irq.c) ------------------------------------------------------------- */
/* The host interrupt handler: global mask, buttress, ICB sources, unmask. */
void npu_irq_handle(struct npu_device *dev);
/* Schedule a recovery; nothing is reset here. It runs when the public call
 * in progress returns through npu_api_exit (npu_run_pending_recovery). */
void npu_trigger_recovery(struct npu_device *dev, const char *reason);
int npu_run_pending_recovery(struct npu_device *dev);

/* ---- Device life cycle (device.c) --------------------------------------------------- */
/* ivpu_pm_prepare_cold_boot: doorbells unregistered, IPC and log reset,
 * image reloaded, cold entry. */
void npu_prepare_cold_boot(struct npu_device *dev);
/* Entry checks of the public calls: an open device / a booted firmware.
 * npu_clear_error forgets the previous failure (a call that succeeds leaves
 * npu_last_error() empty). */
int npu_need_open(struct npu_device *dev);
int npu_need_ready(struct npu_device *dev, const char *what);
void npu_clear_error(struct npu_device *dev);
/* Every public entry point that can wait on the firmware returns through
 * this: it runs a recovery scheduled during the call. Returns the call's
 * result ret (its message extended by the recovery's outcome), or the
 * recovery's error when ret was 0. Internal code calls the internal
 * variants (npu_context_release, ...) so a recovery never runs mid-call. */
int npu_api_exit(struct npu_device *dev, int ret);
/* npu_boot without the boundary: a submit resumes a suspended NPU (submit.c). */
int npu_boot_internal(struct npu_device *dev);
/* npu_context_destroy without the boundary (job.c), for npu_close. */
int npu_context_release(struct npu_device *dev, uint32_t ssid);

/* ---- Jobs (submit.c) ---------------------------------------------------------------------- */
#define NPU_JOBS_PER_CTX         256u   /* job ids (ssid - 1) * 256 + 0..255 (hw-facts §14.2) */

enum npu_job_state { NPU_JOB_FREE = 0, NPU_JOB_RUNNING, NPU_JOB_DONE };
enum npu_job_abort { NPU_JOB_NOT_ABORTED = 0, NPU_JOB_ABORT_MMU, NPU_JOB_ABORT_RECOVERY };

struct npu_job_rec {
	uint8_t state;              /* enum npu_job_state */
	uint8_t abort;              /* enum npu_job_abort, for status 256 */
	uint32_t db_id;
	uint32_t status;            /* job_status of JOB_DONE, or NPU_JOB_STATUS_ABORTED */
	uint64_t cb_va;             /* its command buffer, busy until it completes */
};

/* A JOB_DONE on the job channel (hw-facts §14.7), handled as it is drained. */
void npu_job_done_msg(struct npu_device *dev, const struct npu_jsm_msg *msg);
/* Recovery: every outstanding job ends with status 256 (hw-facts §14.12). */
void npu_jobs_abort_all(struct npu_device *dev);
/* Register a doorbell's queue (again) with the firmware: header reset,
 * REGISTER_DB or the HWS sequence (job.c). */
int npu_doorbell_send_register(struct npu_device *dev, uint32_t db_id);

/* ---- Diagnostics (diag.c, fw_log.c) -------------------------------------------------- */
void npu_diag_reset(struct npu_device *dev);
void npu_diag_printf(struct npu_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ivpu_hw_diagnose_failure + evtq dump + DSU state + FW log: into the
 * diagnosis buffer (and the log at error level). */
void npu_diag_boot_failure(struct npu_device *dev);
void npu_diag_hw_failure(struct npu_device *dev);
void npu_diag_device_state(struct npu_device *dev);  /* boot failure's dump without its title */
void npu_diag_fw_state(struct npu_device *dev);      /* ... without npu_diag_hw_failure */
void npu_diag_dsu(struct npu_device *dev);
int npu_fw_log_print(struct npu_device *dev, bool only_new, npu_print_fn print, void *user);
void npu_fw_log_mark_read(struct npu_device *dev);

/* ---- Logging and errors (log.c) ------------------------------------------------------- */
void npu_log(struct npu_device *dev, enum npu_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define npu_err(d, ...)   npu_log((d), NPU_LOG_ERROR, __VA_ARGS__)
#define npu_warn(d, ...)  npu_log((d), NPU_LOG_WARN, __VA_ARGS__)
#define npu_info(d, ...)  npu_log((d), NPU_LOG_INFO, __VA_ARGS__)
#define npu_dbg(d, ...)   npu_log((d), NPU_LOG_DEBUG, __VA_ARGS__)
bool npu_log_enabled(const struct npu_device *dev, enum npu_log_level level);
/* Record the specific cause of a failure: last error, history, error log.
 * Returns err so callers can `return npu_fail(dev, -EIO, "...")`. */
int npu_fail(struct npu_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void npu_device_register(struct npu_device *dev);
void npu_device_unregister(struct npu_device *dev);

/* ---- The device ------------------------------------------------------------------------ */
#define NPU_DIAG_SIZE            16384
#define NPU_USER_CTX_COUNT       (NPU_SSID_USER_MAX - NPU_SSID_USER_MIN + 1)
#define NPU_JOBQ_SIZE            NPU_SZ_4K

struct npu_doorbell {
	bool allocated, registered;
	uint32_t ssid;
	uint32_t cmdq_id;           /* HW scheduling */
	struct npu_buffer *jobq;
	/* HW scheduling: the queue's preemption buffers in its user context
	 * (hw-facts §14.5); NULL when the header gives no size or allocation
	 * failed (jobs go without, as in 6.12) */
	struct npu_buffer *preempt_primary, *preempt_secondary;
};

struct npu_hw_info {
	uint32_t min_ratio, max_ratio, pn_ratio;
	uint32_t tile_fuse;
	uint64_t sku;
	uint32_t config;            /* workpoint config 0x0202 */
	bool irq_clear_with_0;      /* buttress erratum probe (ivpu wa_init) */
	bool read;
};

struct npu_device {
	struct npu_device *next_open;     /* registry for npu_os_report */
	const struct npu_os_ops *os_ops;
	struct npu_os *os;
	struct npu_pci_id pci;

	/* parameters */
	char backend[32];
	char *backend_args;
	char *firmware_path;
	char **search_dirs;               /* NULL-terminated, or NULL for defaults */
	char **app_firmware_dirs;         /* NULL-terminated, or NULL */
	npu_log_fn log_fn;
	void *log_user;
	enum npu_log_level log_level;
	uint32_t fw_log_level;
	enum npu_sched_mode sched_mode;
	struct npu_timeouts t;

	/* errors */
	int last_err;
	char last_error[512];
	char errors[NPU_INFO_ERRORS][NPU_INFO_STR];
	unsigned n_errors;                /* total recorded; ring index n % NPU_INFO_ERRORS */
	unsigned soft_fail;               /* >0: failures are tolerated (warnings) */
	char *diag;                       /* NPU_DIAG_SIZE */
	size_t diag_len;

	/* hardware */
	struct npu_hw_info hw;
	struct {
		struct npu_range global, user, shave, dma;
	} ranges;

	/* bring-up state */
	bool pci_enabled;
	bool powered;                     /* power-up attempted, no power-down since */
	bool booted;
	bool irq_on;
	enum npu_power_state power;
	struct npu_smmu mmu;
	struct npu_ctx gctx, rctx;
	struct npu_ctx *uctx[NPU_USER_CTX_COUNT];
	struct npu_fw fw;
	struct npu_ipc ipc;
	struct npu_doorbell db[NPU_DB_ID_MAX + 1];
	uint32_t cmdq_next_id;
	struct npu_buffer *buffers;       /* every live buffer */

	/* power management */
	uint64_t d0i3_entry_host_ns, d0i3_entry_vpu_ts;
	bool is_warmboot;

	/* recovery */
	bool in_recovery, recovery_pending;
	char recovery_reason[160];

	/* statistics */
	uint32_t boots, warm_boots, recoveries;
	uint64_t boot_time_ns, last_heartbeat, last_entry;
	uint64_t irqs, irq_poll_fallbacks, firewall_irqs;

	/* jobs */
	uint64_t tdr_deadline_ns;         /* 0: the TDR is not armed (hw-facts §14.12) */
	uint32_t jobs_outstanding;
	uint64_t jobs_submitted, jobs_completed;
};

static inline uint64_t npu_now_ns(struct npu_device *dev)
{
	return dev->os_ops->now_ns(dev->os);
}

static inline void npu_sleep_us(struct npu_device *dev, uint64_t us)
{
	dev->os_ops->sleep_us(dev->os, us);
}

#endif /* NPU_DRIVER_DRV_H */
