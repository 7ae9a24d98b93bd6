/* SPDX-License-Identifier: MIT */
/*
 * The host side of the firmware tests: the simulated firmware inside the
 * device model, driven the way Linux 6.12's ivpu drives a Meteor Lake NPU
 * (power-up hw-facts §3.1, MMU §6, firmware load and boot params §4.4,
 * boot §3.3-§3.4, IPC §5.1, D0i3 and warm boot §3.6). Used by
 * test_fw_boot.c and test_fw_jobs.c.
 */
#ifndef FW_HOST_H
#define FW_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model_harness.h"
#include "npu-format/fw_file.h"
#include "intel-npu/boot_params.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jsm.h"
#include "intel-npu/pci.h"

#ifndef NPU_TEST_FIRMWARE_BIN
#define NPU_TEST_FIRMWARE_BIN "build/firmware/vpu_37xx_v1.bin"
#endif

#define V                 NPU_BAR_REGV
#define B                 NPU_BAR_REGB
#define RAM_SIZE          (48u << 20)
#define STEP_NS           10000u                 /* host poll granularity: 10 µs */
#define MS                1000000ull
#define BOOT_TIMEOUT_MS   NPU_TIMEOUT_BOOT_MS    /* 1000 ms (§3.5) */
#define JSM_TIMEOUT_MS    NPU_TIMEOUT_JSM_MS     /* 500 ms */
#define SZ_4K             0x1000u
#define SZ_64K            0x10000u
#define TX_SLOT           192u                   /* ivpu_ipc_tx_buf: 64 + 128 */
/* ivpu_fw_log.h: critical 512 KiB; verbose 8 MiB when fw_log_level <= INFO */
#define LOG_CRIT_SIZE     0x80000u
#define LOG_VERB_SMALL    0x100000u
#define LOG_VERB_LARGE    0x800000u

#define FH_EXTRA_BOS      16

/* ---- The host, ivpu-style ---------------------------------------------------------- */

struct bo {
	uint64_t va, pa, size;
};

struct rx_msg {
	uint64_t hdr_va, jsm_va;    /* jsm_va 0: boot message */
};

struct host {
	struct mh h;
	uint8_t *file;
	size_t file_size;
	struct npu_fw_info fw;
	struct bo runtime, log_crit, log_verb, tx, rx, jobq;
	struct bo extra[FH_EXTRA_BOS];   /* more global buffers a test allocates */
	unsigned nextra;
	uint64_t global_start, global_next, global_end;
	uint32_t request_id, tx_slot;
	uint64_t entry;                  /* next start: cold or save_restore_ret_address */
	uint32_t trace_level, sched_mode;
	uint64_t d0i3_entry_vpu_ts, d0i3_entry_ns;
	struct rx_msg q[NPU_IPC_MAX_RX_MSG];
	unsigned nq;
	bool boot_seen;
	uint32_t boot_data_addr;
	uint64_t boot_ns, boot_insns;    /* virtual time and core instructions to BOOT */
};

extern char console[1 << 16];
extern size_t console_len;
extern bool echo_console;
extern bool lock_step;
extern char logbuf[1 << 20];
extern uint8_t *fw_file;
extern size_t fw_file_size;

void on_console(void *opaque, const char *line);
bool console_has(const char *s);
const char *firmware_path(void);
struct bo *bo_of(struct host *H, uint64_t va, uint64_t len);
void *hp(struct host *H, uint64_t va, uint64_t len);
struct npu_boot_params *bp(struct host *H);
void map_bo(struct host *H, const struct bo *b);
void alloc_global(struct host *H, struct bo *b, uint64_t size);
int power_up(struct host *H);
int power_down(struct host *H);
void fw_load(struct host *H);
void boot_params_cold(struct host *H);
void boot_params_warm(struct host *H);
void host_init(struct host *H, const uint8_t *file, size_t size);
void host_fini(struct host *H);
void start_core(struct host *H, uint64_t entry);
void ipc_drain(struct host *H);
bool ipc_recv(struct host *H, uint32_t channel, uint32_t request_id,
	      struct npu_jsm_msg *out, uint64_t timeout_ms);
uint32_t ipc_send(struct host *H, uint32_t channel, uint32_t type,
		  const union npu_jsm_payload *payload, uint64_t *slot_va);
int jsm_call(struct host *H, uint32_t channel, uint32_t type,
	     const union npu_jsm_payload *payload, uint32_t rsp_type, struct npu_jsm_msg *rsp);
int boot(struct host *H, uint64_t timeout_ms, uint64_t step_ns);
int cold_boot(struct host *H);
size_t fw_log_text(struct host *H, const struct bo *b, char *out, size_t out_size);
bool log_has(struct host *H, const struct bo *b, const char *s);
uint32_t dsu_state(struct host *H);
uint32_t dsu_trap(struct host *H);
int suite_init(void);
void fresh(struct host *H);
int d0i3_cycle(struct host *H, uint64_t off_ms);
bool ipc_recv(struct host *H, uint32_t channel, uint32_t request_id,
	      struct npu_jsm_msg *out, uint64_t timeout_ms);
uint32_t ipc_send(struct host *H, uint32_t channel, uint32_t type,
		  const union npu_jsm_payload *payload, uint64_t *slot_va);
int jsm_call(struct host *H, uint32_t channel, uint32_t type,
	     const union npu_jsm_payload *payload, uint32_t rsp_type, struct npu_jsm_msg *rsp);

#endif /* FW_HOST_H */
