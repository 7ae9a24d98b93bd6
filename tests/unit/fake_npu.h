/* SPDX-License-Identifier: MIT */
/*
 * A scriptable fake NPU for the driver's unit tests: an npu_os_ops backend
 * named "fake" whose registers, DMA memory, clock, interrupts and "firmware"
 * are plain C that tests can inspect and bend.
 *
 * By default it behaves like a healthy Meteor Lake NPU as far as the
 * driver can see (handshakes self-complete after short delays, Q-channels
 * accept, the MMU acknowledges and consumes commands, a fake firmware sends
 * the ready message and answers every JSM request). Tests then script:
 *   - register read-backs (fake_force_read), delays, stuck handshakes;
 *   - the firmware: no ready message, a wrong one, no answers, wrong type or
 *     result, garbage IPC (header/JSM outside RX, 0xFFFFFFFF pops),
 *     messages without interrupts, warm-boot addresses, per-request hooks;
 *   - MMU events, MMU command errors, buttress errors, DMA allocation failures;
 *   - jobs (fake_npu_jobs.c, f->jobs): queues learnt from the registrations,
 *     command buffers run in host memory through the driver's page tables,
 *     JOB_DONE sent; stalled or hung queues, forced statuses, JOB_DONE
 *     results, MMU faults on unmapped addresses.
 * Everything the driver did is recorded: every register access in order,
 * config accesses, DMA allocations, MMU commands, IPC requests.
 *
 * Usage:
 *   struct fake_npu *f = fake_npu_new();      // the next open("fake") uses it
 *   ...npu_open with backend "fake"...
 *   fake_npu_free(f);                         // after npu_close
 *
 * Time is virtual: it moves only in sleep_us and irq_wait.
 */
#ifndef FAKE_NPU_H
#define FAKE_NPU_H

#include <stdbool.h>
#include <stdint.h>

#include "npu/npu.h"
#include "npu/os.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jsm.h"

#define FAKE_LOG_MAX      (1u << 18)
#define FAKE_FORCE_MAX    32
#define FAKE_ALLOC_MAX    4096
#define FAKE_MMU_CMD_MAX  1024
#define FAKE_REQ_MAX      256
#define FAKE_EVENTS_MAX   64

enum fake_op { FAKE_RD32, FAKE_WR32, FAKE_RD64, FAKE_WR64 };

struct fake_access {
	enum fake_op op;
	unsigned bar;
	uint32_t off;
	uint64_t val;
	uint64_t time_ns;
};

struct fake_alloc {
	bool live;
	uint64_t dma;
	size_t size;
	uint8_t *cpu;
};

struct fake_mmu_cmd {
	uint64_t d0, d1;
};

/* Firmware behaviour */
enum fake_boot_mode {
	FAKE_BOOT_OK,           /* ready message after boot_delay_us */
	FAKE_BOOT_NEVER,        /* the core "runs" but never says anything */
	FAKE_BOOT_BAD_ADDR,     /* ready header with data_addr != "BOOT" */
};

/* What happens to the response of a request (fake_fw.respond or a hook) */
enum fake_reply {
	FAKE_REPLY_NORMAL,      /* type + 0x1100, result 0, echo id */
	FAKE_REPLY_NONE,        /* never answer */
	FAKE_REPLY_WRONG_TYPE,  /* answer with reply_type */
	FAKE_REPLY_RESULT,      /* answer with reply_result */
	FAKE_REPLY_HDR_OUTSIDE, /* push a header VA outside RX */
	FAKE_REPLY_JSM_OUTSIDE, /* header inside RX, data_addr outside */
	FAKE_REPLY_POP_ERROR,   /* FILL_LEVEL 1 but the pop reads 0xFFFFFFFF */
	FAKE_REPLY_NO_IRQ,      /* normal answer, but no interrupt is raised */
};

struct fake_npu;
/* Per-request hook: may edit *resp; returns how to reply. */
typedef enum fake_reply (*fake_req_hook)(struct fake_npu *f, const struct npu_jsm_msg *req,
					 uint32_t channel, struct npu_jsm_msg *resp);

struct fake_req {                 /* what the driver sent */
	uint32_t hdr_va, channel;
	struct npu_ipc_hdr hdr;
	struct npu_jsm_msg jsm;
	uint64_t time_ns;
};

struct fake_event {
	uint64_t at_ns;
	int kind;
	uint64_t arg;
};

/* The fake firmware's job scheduler (fake_npu_jobs.c) */
enum fake_jobs_mode {
	FAKE_JOBS_RUN,          /* take each job at its doorbell, run it, send JOB_DONE */
	FAKE_JOBS_STALL,        /* never take a job from the queues */
	FAKE_JOBS_HANG,         /* take jobs but never complete them */
};
#define FAKE_JOBS_PENDING_MAX 256

struct fake_jobq {
	bool registered;
	uint32_t ssid;
	uint64_t base, cmdq_id;
	uint32_t size;
};

struct fake_job_pending {               /* taken, not completed (hang, fault, fence) */
	uint32_t job_id, ssid, db_id;
};

struct fake_npu {
	/* ---- configuration (tests may change before open) ---- */
	uint16_t device_id;
	uint8_t revision;
	uint8_t fuse_min, fuse_pn, fuse_max;
	uint32_t wp_delay_us, d0i3_delay_us, ip_reset_delay_us;
	bool btrs_clear_with_0;          /* INTERRUPT_STAT erratum */
	bool irq_enable_fails;
	int dma_alloc_fail_after;        /* <0: never; n: the (n+1)th alloc fails */

	struct {
		enum fake_boot_mode boot;
		uint32_t boot_delay_us;
		uint32_t resp_delay_us;
		enum fake_reply reply;   /* default for every request */
		uint32_t reply_type;     /* FAKE_REPLY_WRONG_TYPE */
		uint32_t reply_result;   /* FAKE_REPLY_RESULT */
		fake_req_hook hook;      /* overrides reply when set */
		uint64_t bp_va;          /* boot params (runtime start), 0x84800000 */
		uint64_t warm_entry;     /* written to save_restore_ret_address on D0I3_ENTER */
		bool idle_when_running;  /* VPU_STATUS.IDLE while the firmware runs */
		bool warm_boot_never;    /* started at warm_entry: never send BOOT */
		uint64_t heartbeat;
	} fw;

	struct {
		enum fake_jobs_mode mode;
		int forced_status;       /* >= 0: every job ends with this job_status */
		uint32_t done_result;    /* JSM result of JOB_DONE (0) */
		bool keep_on_release;    /* SSID_RELEASE leaves the jobs of the SSID be
					  * (default: JOB_DONE ABORTED for each) */
		/* state and record */
		struct fake_jobq q[256]; /* by doorbell id */
		struct fake_job_pending pending[FAKE_JOBS_PENDING_MAX];
		unsigned n_pending;
		uint64_t taken, done_sent, faults;
		uint32_t last_status, last_job_id;
	} jobs;

	/* ---- recorded ---- */
	struct fake_access *log;
	uint64_t n_log;                  /* total; log holds the first FAKE_LOG_MAX */
	uint64_t mmio_reads, mmio_writes, cfg_reads, cfg_writes;
	uint64_t dma_allocs, dma_frees, dma_bytes;
	struct fake_alloc allocs[FAKE_ALLOC_MAX];
	struct fake_mmu_cmd mmu_cmds[FAKE_MMU_CMD_MAX];
	unsigned n_mmu_cmds;
	struct fake_req reqs[FAKE_REQ_MAX];
	unsigned n_reqs;
	unsigned boots;                  /* firmware starts */
	uint64_t last_entry;
	uint64_t boot_params_seen_ret;   /* save_restore_ret_address at the last start */
	unsigned ip_resets, doorbell_rings[256];
	unsigned msis, irq_waits;
	char last_problem[256];          /* firmware-side complaints (bad sequences) */

	/* ---- device state ---- */
	uint64_t now_ns;
	uint16_t pci_command;
	bool msi_enabled, msi_pending, line;
	uint32_t bar4[1024];
	struct { uint32_t off, val; bool used; } *bar0;   /* open-addressed map */
	struct { unsigned bar; uint32_t off, val; } force[FAKE_FORCE_MAX];
	unsigned n_force;
	bool powered, pll_lock, wp_send, d0i3_inprogress, ip_reset_trigger;
	uint32_t current_ratio;
	uint32_t to_fw[64], to_host[64];
	unsigned to_fw_n, to_host_n;
	unsigned pop_errors;             /* pending 0xFFFFFFFF pops */
	bool fw_running, fw_idle, resume_pulsed;
	uint32_t rx_hdr_slot, rx_msg_slot;
	uint32_t evtq_prod;
	uint32_t icb_status[2];
	bool mmu_cmdq_stall;             /* CONS never advances */
	uint32_t mmu_cmdq_error;         /* ERR code to report at the next command */
	struct fake_event events[FAKE_EVENTS_MAX];
	unsigned n_events;
	uint64_t next_dma;
};

extern const struct npu_os_ops npu_os_fake;

/* Create the fake with healthy defaults; the next open("fake") adopts it. */
struct fake_npu *fake_npu_new(void);
void fake_npu_free(struct fake_npu *f);

/* Open a device on the fake with test-friendly parameters; firmware is the
 * file to use (or NULL). Returns npu_open's result; *dev as npu_open. */
int fake_open(struct fake_npu *f, const char *firmware, struct npu_device **dev);
/* The same with a parameter block to edit first */
void fake_params(struct npu_open_params *p, const char *firmware);

/* ---- Scripting --------------------------------------------------------------- */
void fake_force_read(struct fake_npu *f, unsigned bar, uint32_t off, uint32_t val);
void fake_unforce(struct fake_npu *f, unsigned bar, uint32_t off);
uint32_t fake_reg(struct fake_npu *f, unsigned bar, uint32_t off);   /* latched value */
void fake_set_reg(struct fake_npu *f, unsigned bar, uint32_t off, uint32_t val);
/* Put an event record into the MMU event queue and raise MMU_IRQ_0. */
void fake_mmu_event(struct fake_npu *f, const uint32_t rec[8]);
/* Set buttress INTERRUPT_STAT bits (and the interrupt if unmasked). */
void fake_btrs_irq(struct fake_npu *f, uint32_t bits);
/* Raise an ICB_STATUS_0 source (e.g. a watchdog). */
void fake_icb_irq(struct fake_npu *f, uint32_t bits);
/* Firmware->host: put a message into RX and push it (as the firmware would). */
void fake_fw_send(struct fake_npu *f, uint32_t channel, const struct npu_jsm_msg *msg,
		  enum fake_reply how);
/* Push a raw value into the firmware->host FIFO. */
void fake_fw_push(struct fake_npu *f, uint32_t va);

/* ---- Jobs (fake_npu_jobs.c) ------------------------------------------------------ */
/* Take and run the jobs of every registered queue now (a doorbell does it
 * too), e.g. after switching mode from STALL to RUN. */
void fake_jobs_run(struct fake_npu *f);
/* Internal, between fake_npu.c and fake_npu_jobs.c */
void fake_jobs_on_request(struct fake_npu *f, const struct npu_jsm_msg *req);
void fake_jobs_doorbell(struct fake_npu *f, unsigned db_id);
void fake_jobs_reset(struct fake_npu *f);
bool fake_fw_can_send(struct fake_npu *f);
void fake_jobs_schedule(struct fake_npu *f, uint64_t delay_ns);

/* ---- Inspection ------------------------------------------------------------------- */
/* Read/write NPU virtual memory through the page tables the driver built
 * (SID 0, the given SSID). 0 or -1 if unmapped. */
int fake_va_read(struct fake_npu *f, uint32_t ssid, uint64_t va, void *buf, size_t len);
int fake_va_write(struct fake_npu *f, uint32_t ssid, uint64_t va, const void *buf, size_t len);
/* Host pointer for a bus address range inside one allocation, or NULL. */
void *fake_dma_ptr(struct fake_npu *f, uint64_t dma, size_t len);
/* Leaf PTE for va in ssid (walks like the hardware); -1 if a table is missing. */
int fake_pte(struct fake_npu *f, uint32_t ssid, uint64_t va, uint64_t *pte);
unsigned fake_live_allocs(const struct fake_npu *f);
uint64_t fake_device_accesses(const struct fake_npu *f);   /* cfg + MMIO + DMA allocs */
/* Index of the first logged access matching (op, bar, off) at or after
 * `from`, or -1. */
long fake_find(const struct fake_npu *f, long from, enum fake_op op, unsigned bar, uint32_t off);
/* Value written by the n-th (0-based) write to (bar, off), or -1 (as int64). */
int64_t fake_written(const struct fake_npu *f, unsigned bar, uint32_t off, unsigned n);
unsigned fake_count(const struct fake_npu *f, enum fake_op op, unsigned bar, uint32_t off);

/* ---- Test firmware images ---------------------------------------------------------- */
/* A valid firmware file (header version 1, runtime 0x84800000 + 1 MiB,
 * image at +0x2000, entry at the image start) of image_size bytes; the
 * caller edits the header and writes it with fake_write_file. */
struct npu_fw_header;
uint8_t *fake_fw_image(size_t image_size, size_t *file_size, struct npu_fw_header **hdr);
/* Writes data to a temp file; returns its path (static buffer per call index). */
const char *fake_write_file(const void *data, size_t size);
/* The default test firmware file (fake_fw_image with a 16 KiB image), written once. */
const char *fake_fw_file(void);
/* fake_open with the default firmware, then npu_boot; returns npu_boot's result. */
int fake_boot(struct fake_npu *f, struct npu_device **dev);

/* Log lines captured from the driver (fake_params installs the hook). */
extern char fake_log_text[65536];
void fake_log_clear(void);
bool fake_log_has(const char *needle);

#endif /* FAKE_NPU_H */
