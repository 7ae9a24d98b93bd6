/* SPDX-License-Identifier: MIT */
/*
 * intel-npu-mtl userspace driver: the public API.
 *
 * A small, userspace imitation of Linux 6.12's ivpu driver for the Meteor
 * Lake NPU (PCI 8086:7D1D, "VPU 37xx"). The same code runs on every platform
 * through an OS backend (npu/os.h): "sim" (device model in this process),
 * "qtest" (a real QEMU), "linux" (VFIO). Hardware facts are cited as
 * "hw-facts §N" (docs/hw-facts.md: each fact with its public source).
 *
 * Typical use:
 *
 *     struct npu_open_params p;
 *     struct npu_device *dev;
 *     npu_open_params_init(&p);
 *     p.backend = "sim";
 *     p.firmware_path = "build/firmware/vpu_37xx_v1.bin";
 *     if (npu_open(&p, &dev) == 0 && npu_boot(dev) == 0) {
 *             uint64_t hb;
 *             npu_heartbeat(dev, &hb);
 *     } else {
 *             fprintf(stderr, "%s\n", dev ? npu_last_error(dev) : "open failed");
 *     }
 *     npu_close(dev);               // leaves the device in reset
 *
 * This header is the client API. Diagnostics for tools (register dump,
 * firmware log, MMU events, raw register access) are in npu/diag.h; the
 * single bring-up steps for tests that boot broken images in npu/bringup.h.
 *
 * Conventions:
 *  - Functions return 0 or a negative errno value; npu_strerror() describes
 *    the class of error and npu_last_error() the specific cause of the last
 *    failure on that device (e.g. the decoded registers of a timed-out poll).
 *    The error codes used:
 *      -ENOENT    firmware file not found
 *      -ENOEXEC   firmware file invalid (header, sizes, addresses)
 *      -ETIMEDOUT a register poll, the boot or a firmware response timed out
 *      -EIO       the device answered wrongly (read-back mismatch, NOC deny,
 *                 invalid ready message, MMU command error, I/O error pop)
 *      -EBADMSG   firmware answered with a non-success JSM result
 *      -EBADE     firmware answered with an unexpected JSM message type
 *      -EAGAIN    the operation needs a booted firmware (IPC not enabled)
 *      -ENODEV    the backend is not compiled in or found no device
 *      -EBUSY     no free doorbell / context / IPC buffer space
 *      -ENOMEM    out of host or DMA memory
 *      -EINVAL    bad argument
 *      -EBADFD    the context was aborted after an MMU fault (jobs)
 *      -ECANCELED the job was aborted (status 256)
 *  - One device is used by one thread at a time; the library has no threads.
 *    What Linux does in work items for jobs runs inside npu_job_submit and
 *    npu_job_wait: the abort of a context after its MMU fault, and the TDR
 *    (a stuck job is noticed, and the NPU recovered, only while a caller
 *    submits or waits).
 *  - A recovery (reset and cold boot, e.g. after a request and the heartbeat
 *    query both timed out, a watchdog or a global MMU fault) runs when the
 *    call that ran into it returns; that call's result and npu_last_error()
 *    report it, and the device is READY or FAILED afterwards.
 *  - Nothing is left half-done: a failed bring-up frees what it allocated and
 *    leaves the device in reset (IP reset, workpoint 0, D0i3).
 */
#ifndef NPU_DRIVER_NPU_H
#define NPU_DRIVER_NPU_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct npu_device;
struct npu_os;

/* ---- Logging ------------------------------------------------------------- */
enum npu_log_level {
	NPU_LOG_ERROR = 0,
	NPU_LOG_WARN  = 1,
	NPU_LOG_INFO  = 2,
	NPU_LOG_DEBUG = 3,
	NPU_LOG_TRACE = 4, /* every register access (regs.c) */
};
/* One complete line, without trailing newline. */
typedef void (*npu_log_fn)(void *user, enum npu_log_level level, const char *line);
/* Multi-line outputs (register dump, firmware log) are delivered line by line. */
typedef void (*npu_print_fn)(void *user, const char *line);

/* ---- Timeouts (hw-facts §3.5; Linux 6.12 silicon values by default) ----- */
struct npu_timeouts {
	uint32_t boot_ms;            /* firmware ready message: 1000 */
	uint32_t jsm_ms;             /* JSM response: 500 */
	uint32_t d0i3_msg_ms;        /* PWR_D0I3_ENTER response: 5 */
	uint32_t state_dump_ms;      /* STATE_DUMP (no response awaited): 10 */
	uint32_t pll_us;             /* workpoint / PLL / VPU_STATUS.READY: 1.5 s */
	uint32_t btrs_us;            /* D0i3 and IP-reset handshakes: 150 ms */
	uint32_t pwr_island_us;      /* power-island status: 5 ms */
	uint32_t ip_bar_us;          /* CPR_RST_CLR.AON == 0: 100 us */
	uint32_t idle_us;            /* VPU_STATUS.IDLE: 5 ms */
	uint32_t mmu_reg_us;         /* CR0ACK / IRQ_CTRLACK: 10 ms */
	uint32_t mmu_queue_us;       /* CMDQ consumption: 100 ms */
	uint32_t poll_interval_us;   /* register poll interval: 50 us */
	uint32_t irq_fallback_us;    /* wait this long for an IRQ before polling the IPC FIFO */
	uint32_t tdr_ms;             /* a job must complete within this (TDR): 2000 (§14.12) */
};
void npu_timeouts_default(struct npu_timeouts *t);

/* ---- Opening a device ------------------------------------------------------ */
enum npu_sched_mode {
	NPU_SCHED_OS = 0,  /* OS scheduling: REGISTER_DB with a driver job queue (default) */
	NPU_SCHED_HW = 1,  /* HW scheduling: CREATE_CMD_QUEUE + HWS_REGISTER_DB */
};

#define NPU_FW_SEARCH_DIRS_MAX 8

struct npu_open_params {
	const char *backend;          /* "sim" (default), "qtest", "linux" */
	const char *backend_args;     /* backend-specific, "" for defaults */
	/* Firmware: an explicit file overrides the search. Otherwise, name by
	 * name (intel/vpu/vpu_37xx_v1.bin, then intel/vpu/vpu_37xx_v0.0.bin;
	 * hw-facts §4.1), each directory is tried with and without the
	 * intel/vpu/ prefix: the directories of search_dirs (NULL-terminated),
	 * or when search_dirs is NULL those of $NPU_FIRMWARE_PATH
	 * (colon-separated), then app_firmware_dirs, then /lib/firmware/updates
	 * and /lib/firmware. */
	const char *firmware_path;
	const char *const *search_dirs;
	/* Where the application keeps its own firmware, e.g. found relative to
	 * its executable (npuctl: <build>/firmware, or
	 * $PREFIX/share/intel-npu-mtl/firmware when installed); NULL-terminated,
	 * or NULL. The driver itself knows no install location. */
	const char *const *app_firmware_dirs;
	npu_log_fn log;               /* NULL: lines at or below log_level go to stderr */
	void *log_user;
	enum npu_log_level log_level; /* default NPU_LOG_WARN */
	uint32_t fw_log_level;        /* boot params default_trace_level: 1 debug .. 5 fatal; default 4 (error) */
	enum npu_sched_mode sched_mode;
	struct npu_timeouts timeouts; /* filled with the defaults by npu_open_params_init */
};
void npu_open_params_init(struct npu_open_params *p);

/* Open the backend and the device. Touches nothing on the device: no config
 * space, register or DMA access happens before npu_boot (or a step function).
 * On failure *dev may still be returned (non-NULL) so npu_last_error() can
 * say why; npu_close() it. */
int npu_open(const struct npu_open_params *params, struct npu_device **dev);
/* Clean shutdown: unregister doorbells, release contexts, then IP reset,
 * workpoint 0 and D0i3; frees everything. NULL is accepted. */
void npu_close(struct npu_device *dev);

/* ---- Life cycle ---------------------------------------------------------- */
/* Full bring-up as Linux 6.12 ivpu_dev_init + ivpu_boot does for MTL:
 * firmware search and validation (before any device access), PCI enable,
 * buttress info, power-up (hw-facts §3.1), MMU (§6), firmware load (§4),
 * IPC buffers, boot parameters, CPU start (§3.3), ready message (§3.4),
 * interrupts. From NPU_POWER_SUSPENDED it resumes (warm boot when the
 * firmware left a save/restore address, cold boot otherwise). */
int npu_boot(struct npu_device *dev);
/* PWR_D0I3_ENTER, wait for idle, power down (§3.6); the next npu_boot is a
 * warm boot if the firmware left save_restore_ret_address. -EBUSY while
 * jobs are outstanding (§14.10). */
int npu_suspend(struct npu_device *dev);
/* Recovery as ivpu_pm_recovery_work: state dump, power down (IP reset,
 * workpoint 0, D0i3), cold boot with the firmware reloaded and IPC buffers
 * reset. Doorbells are marked unregistered (nothing is re-registered). */
int npu_recover(struct npu_device *dev, const char *reason);

/* ---- Firmware messages (JSM, hw-facts §5) --------------------------------- */
/* QUERY_ENGINE_HB on the compute engine. A timed-out request is followed by
 * a heartbeat query; if that also times out the device is recovered. */
int npu_heartbeat(struct npu_device *dev, uint64_t *heartbeat);
int npu_engine_reset(struct npu_device *dev, uint32_t engine);
int npu_state_dump(struct npu_device *dev);

/* ---- Contexts and doorbells ----------------------------------------------- */
/* A user MMU context (SSID 2..65) with its own page tables. */
int npu_context_create(struct npu_device *dev, uint32_t *ssid);
/* Unregisters its doorbells, SSID_RELEASE, frees its buffers and tables. */
int npu_context_destroy(struct npu_device *dev, uint32_t ssid);
/* Allocate a doorbell (1..255) and a 4 KiB job queue in the global range,
 * init its header (engine 0, head = tail = 0) and register it for ssid. */
int npu_doorbell_register(struct npu_device *dev, uint32_t ssid, uint32_t *db_id);
int npu_doorbell_unregister(struct npu_device *dev, uint32_t db_id);
/* Write SET to the doorbell register (hw-facts §5.5 step 4). */
int npu_doorbell_ring(struct npu_device *dev, uint32_t db_id);
/* The job queue's NPU VA and CPU view (NULL/0 if db_id is not allocated). */
void *npu_doorbell_jobq(struct npu_device *dev, uint32_t db_id, uint64_t *va, size_t *size);

/* ---- Buffers mapped into an NPU context ------------------------------------ */
struct npu_buffer;
#define NPU_BUF_READ_ONLY  0x1u  /* PTE RO (bit 7) */
#define NPU_BUF_CACHED     0x2u  /* PTE LLC_COHERENT (bit 2) */
/* The VA range of a user-context buffer, as ivpu picks it from the BO flags
 * (hw-facts §15.1, §15.2): SHAVE (even with DMA) the shave range
 * 0x1_8000_0000 + 2 GiB, DMA the dma range 0x2_0000_0000 + 8 GiB, neither
 * the user range 0xC000_0000 + 255 MiB (command buffers, fences,
 * timestamps: what the firmware itself reads, hw-facts §15.4). */
#define NPU_BUF_SHAVE      0x4u
#define NPU_BUF_DMA        0x8u
int npu_buffer_alloc(struct npu_device *dev, uint32_t ssid, size_t size, uint32_t flags,
		     struct npu_buffer **buf);
void npu_buffer_free(struct npu_device *dev, struct npu_buffer *buf);
void *npu_buffer_cpu(const struct npu_buffer *buf);
uint64_t npu_buffer_va(const struct npu_buffer *buf);
size_t npu_buffer_size(const struct npu_buffer *buf);
/* Make CPU writes visible to the device / device writes visible to the CPU. */
void npu_buffer_flush(struct npu_device *dev, struct npu_buffer *buf, size_t off, size_t len);
void npu_buffer_invalidate(struct npu_device *dev, struct npu_buffer *buf, size_t off, size_t len);
/* Copy to/from global-context memory (SSID 0) by NPU VA: the firmware
 * runtime, boot params, log and IPC buffers. For tests and tools. */
int npu_global_write(struct npu_device *dev, uint64_t va, const void *src, size_t len);
int npu_global_read(struct npu_device *dev, uint64_t va, void *dst, size_t len);

/* ---- Jobs (hw-facts §11-§14) ------------------------------------------------ */
/* job_status values (hw-facts §13.4): below 256 the firmware's, as sent;
 * 256 is made up by the driver for a job of an aborted context or one
 * that a recovery ended. */
#define NPU_JOB_STATUS_SUCCESS  0u
#define NPU_JOB_STATUS_ABORTED  256u
/* "SUCCESS", "PARSING_ERR", ..., "ABORTED by the driver" */
const char *npu_job_status_name(uint32_t status);

/* Submit the command buffer whose header is at cmdbuf + offset (built
 * with npu/cmdbuf.h; 64-byte aligned) to the job queue of db_id, as
 * Linux 6.12's SUBMIT does (hw-facts §14.3): the slot is written, the tail
 * advanced, the doorbell rung, the TDR armed. A queue unregistered by a
 * recovery is registered again first; a suspended NPU is resumed first
 * (warm boot: its queues stay registered). *job_id: for npu_job_wait.
 *   -EBUSY   the queue holds 62 jobs (hw-facts §13.5), or cmdbuf is still
 *            in use by an outstanding job (§14.3); wait for one
 *   -EBADFD  the context had an MMU fault and was aborted (hw-facts §14.11);
 *            only destroying it helps
 *   -EINVAL  db_id not registered, cmdbuf of another context, bad offset */
int npu_job_submit(struct npu_device *dev, uint32_t db_id, struct npu_buffer *cmdbuf,
		   size_t offset, uint32_t *job_id);
/* Wait up to timeout_ms for the job's JOB_DONE; *job_status gets its
 * job_status (may be NULL). A job is waited for once.
 *   0          completed with SUCCESS
 *   -EIO       completed with another firmware status (decoded in
 *              npu_last_error)
 *   -ECANCELED status 256: its context had an MMU fault, or no job completed
 *              within timeouts.tdr_ms and the NPU was recovered (the
 *              decoded registers and the firmware log are in
 *              npu_last_diagnosis)
 *   -ETIMEDOUT still running after timeout_ms (wait again)
 *   -ENOENT    no such job outstanding */
int npu_job_wait(struct npu_device *dev, uint32_t job_id, uint32_t timeout_ms,
		 uint32_t *job_status);
/* Jobs submitted and not yet completed, device-wide. */
uint32_t npu_jobs_outstanding(const struct npu_device *dev);

/* ---- Information --------------------------------------------------------- */
enum npu_power_state {
	NPU_POWER_OFF = 0,     /* in reset (D0i3), nothing set up */
	NPU_POWER_ON,          /* powered up, firmware not running */
	NPU_POWER_READY,       /* firmware booted, IPC and interrupts on */
	NPU_POWER_SUSPENDED,   /* D0i3 after PWR_D0I3_ENTER; boot resumes */
	NPU_POWER_FAILED,      /* bring-up or recovery failed; in reset */
};
const char *npu_power_state_name(enum npu_power_state s);

#define NPU_INFO_MAX_CONTEXTS   64
#define NPU_INFO_MAX_DOORBELLS  255
#define NPU_INFO_ERRORS         8
#define NPU_INFO_STR            512

struct npu_context_info {
	uint32_t ssid;
	uint64_t pgd_dma;        /* bus address of the level-0 table */
	uint32_t buffers;        /* mapped buffers */
	uint64_t mapped_bytes;
	bool mmu_faulted;        /* an MMU event named this SSID */
	bool aborted;            /* and its queues were torn down: submits fail */
	uint32_t jobs_outstanding;
};
struct npu_doorbell_info {
	uint32_t db_id, ssid;
	uint64_t jobq_va;
	uint32_t jobq_size;
	bool registered;
};
struct npu_info {
	/* identity */
	char backend[32];
	char location[64];
	uint16_t vendor, device;
	uint8_t revision;
	uint32_t class_code;
	/* firmware (valid once the file was read: fw_loaded) */
	bool fw_loaded;
	char fw_path[NPU_INFO_STR];
	char fw_version[NPU_INFO_STR];
	uint32_t fw_api[16];          /* header api_version[]: (major << 16) | minor */
	uint32_t fw_image_format;
	uint64_t fw_entry, fw_runtime_addr;
	uint32_t fw_runtime_size, fw_image_size;
	enum npu_sched_mode sched_mode;
	/* buttress fuses (ratios of 50 MHz) */
	uint32_t pll_min_ratio, pll_pn_ratio, pll_max_ratio;
	/* state */
	enum npu_power_state power;
	bool warm_boot;               /* last boot was a warm boot */
	uint64_t last_entry;          /* entry point of the last boot */
	uint32_t boots, warm_boots, recoveries;
	uint64_t boot_time_ns;        /* power-up start to ready, backend clock */
	uint64_t last_heartbeat;
	/* traffic */
	uint64_t ipc_tx, ipc_rx, ipc_rx_dropped, ipc_rx_malformed;
	uint64_t irqs, irq_poll_fallbacks, mmu_events;
	uint64_t jobs_submitted, jobs_completed;
	uint32_t jobs_outstanding;
	/* tables */
	uint32_t n_contexts;
	struct npu_context_info contexts[NPU_INFO_MAX_CONTEXTS];
	uint32_t n_doorbells;
	struct npu_doorbell_info doorbells[NPU_INFO_MAX_DOORBELLS];
	/* most recent errors, oldest first */
	uint32_t n_errors;
	char errors[NPU_INFO_ERRORS][NPU_INFO_STR];
};
/* Fills *info. Does not touch the device. */
int npu_get_info(struct npu_device *dev, struct npu_info *info);

/* Specific cause of the last failure ("" if none). */
const char *npu_last_error(const struct npu_device *dev);
/* Multi-line decoded dump recorded by the last boot/timeout failure ("" if none). */
const char *npu_last_diagnosis(const struct npu_device *dev);
/* Generic description of an error code returned by this API. */
const char *npu_strerror(int err);

/* ---- Backends --------------------------------------------------------------- */
/* The backend instance of an open device (for backend-specific test hooks). */
struct npu_os *npu_device_os(struct npu_device *dev);
/* For backends: put a line into the log of the device that owns os (or
 * stderr when no device does yet), e.g. the sim backend's guest errors. */
/* Whether npu_os_report would keep a line of this level (saves formatting). */
bool npu_os_log_enabled(struct npu_os *os, enum npu_log_level level);
void npu_os_report(struct npu_os *os, enum npu_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log a line into the device's log (tools annotate their runs). */
void npu_log_line(struct npu_device *dev, enum npu_log_level level, const char *line);

#ifdef __cplusplus
}
#endif

#endif /* NPU_DRIVER_NPU_H */
