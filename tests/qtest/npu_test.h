/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the device qtests: CUnit glue (one QEMU per test, torn
 * down after it; a dead QEMU fails the test with its stderr tail), checks
 * that print both values, and NPU procedures every suite needs: the Linux
 * 6.12 ivpu power-up/power-down replay, the ivpu MMU bring-up, a page-table
 * builder, and a tiny RV32 assembler for programs run on the control core.
 */
#ifndef NPU_TEST_H
#define NPU_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "qtest_client.h"

/* ---- CUnit glue --------------------------------------------------------------- */

struct nt_case {
	const char *name;
	void (*fn)(void);
};

/* Runs the cases (all, or those named on the command line) as one CUnit
 * suite; QEMUs started with nt_start are stopped after each case. Returns
 * the process exit code. Fails at once, with a clear message, when
 * QTEST_QEMU_BINARY is unset or not executable. */
int nt_main(const char *suite, const struct nt_case *cases, int argc, char **argv);

/* Start QEMU (512 MiB, extra args printf-style); a start failure or any
 * later qtest error fails the running test. */
struct qt *nt_start(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Start QEMU with "-device intel-npu-mtl,addr=03.0<props>" plus extra args
 * and set the NPU up on PCI (qt_npu_setup flags). */
struct qt *nt_start_npu(struct qt_npu *n, unsigned flags, const char *props, const char *extra);
/* Stop one QEMU early (otherwise done after the test). */
void nt_stop(struct qt *q);

/* Checks: record a CUnit failure that shows both values, and print it at
 * once so a log shows where things went wrong. *_FATAL ends the test. */
bool nt_check_eq(const char *file, int line, const char *what, uint64_t got, uint64_t want,
		 bool fatal);
bool nt_check(const char *file, int line, bool ok, bool fatal, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define NT_EQ(what, got, want) \
	nt_check_eq(__FILE__, __LINE__, (what), (uint64_t)(got), (uint64_t)(want), false)
#define NT_EQ_FATAL(what, got, want) \
	nt_check_eq(__FILE__, __LINE__, (what), (uint64_t)(got), (uint64_t)(want), true)
#define NT_CHECK(ok, ...) nt_check(__FILE__, __LINE__, (ok), false, __VA_ARGS__)
#define NT_CHECK_FATAL(ok, ...) nt_check(__FILE__, __LINE__, (ok), true, __VA_ARGS__)

/* Seconds of wall time since the process started (for progress notes). */
double nt_elapsed(void);

/* ---- Register polling the way ivpu does it ------------------------------------ */
/* ivpu's REG*_POLL_FLD: read, compare, sleep REG_POLL_SLEEP_US = 50 µs
 * (ivpu_hw_reg_io.h), until timeout_us. Here the sleep is a virtual clock
 * step. Returns the number of steps taken, or -1 on timeout. */
#define NT_POLL_STEP_US 50
int nt_poll32(struct qt_npu *n, unsigned bar, uint32_t off, uint32_t mask, uint32_t want,
	      uint64_t timeout_us);
/* Assert that a poll succeeds. */
#define NT_POLL(n, bar, off, mask, want, timeout_us, what) \
	NT_CHECK(nt_poll32((n), (bar), (off), (mask), (want), (timeout_us)) >= 0, \
		 "%s: 0x%x & 0x%x never became 0x%x within %u us", (what), (unsigned)(off), \
		 (unsigned)(mask), (unsigned)(want), (unsigned)(timeout_us))

/* ---- Power (hw-facts §3.1, §3.6; Linux 6.12 ivpu_hw.c / _btrs.c / _ip.c) ------- */
/* The full MTL power-up as ivpu 6.12 performs it, with every read-back the
 * driver depends on checked. Returns true if every step passed. */
bool npu_power_up(struct qt_npu *n);
/* ivpu_hw_power_down: save the perf counter, idle check, IP reset
 * handshake, workpoint 0, D0i3 entry. */
bool npu_power_down(struct qt_npu *n);

/* ---- MMU (hw-facts §6; ivpu_mmu.c) --------------------------------------------- */
struct npu_mmu_env {
	uint64_t strtab;   /* 4 STEs x 64 B */
	uint64_t cdtab;    /* 256 CDs x 64 B */
	uint64_t cmdq;     /* 16 x 16 B */
	uint64_t evtq;     /* 16 x 32 B */
	uint64_t pgd;      /* SSID 0 level-0 table */
	uint32_t cmdq_prod;
};
#define NPU_MMU_Q_LOG2 4   /* ivpu: IVPU_MMU_Q_COUNT_LOG2, 16 entries */

/* Allocate and fill the stream table (STEs 0 and 3), CD 0 (global context,
 * A=1) and an empty level-0 table, exactly as ivpu lays them out. */
void npu_mmu_build(struct qt_npu *n, struct npu_mmu_env *m);
/* ivpu_mmu_reset with every CR0ACK/IRQ_CTRLACK/CONS read-back checked;
 * final CR0 = 0x1D. Returns true if every step passed. */
bool npu_mmu_enable(struct qt_npu *n, struct npu_mmu_env *m);
/* Append one command at PROD (does not publish it). */
void npu_mmu_cmd(struct qt_npu *n, struct npu_mmu_env *m, uint64_t d0, uint64_t d1);
/* Append CMD_SYNC, publish PROD and poll CONS == PROD as ivpu does;
 * returns false on timeout. */
bool npu_mmu_sync(struct qt_npu *n, struct npu_mmu_env *m);
/* Map one 4 KiB page in the SSID-0 tables (allocating intermediate tables);
 * pte_flags are ORed into the leaf (NPU_MMU_ENTRY_PAGE_IVPU for ivpu's). */
void npu_pt_map(struct qt_npu *n, struct npu_mmu_env *m, uint64_t va, uint64_t pa,
		uint64_t pte_flags);
/* Guest address of the leaf PTE for va (0 if an intermediate table is
 * missing). */
uint64_t npu_pt_leaf(struct qt_npu *n, struct npu_mmu_env *m, uint64_t va);

/* ---- RV32 assembler for control-core programs ----------------------------------- */
enum {
	RV_ZERO = 0, RV_RA = 1, RV_T0 = 5, RV_T1 = 6, RV_T2 = 7,
	RV_A0 = 10, RV_A1 = 11, RV_A2 = 12, RV_T3 = 28, RV_T4 = 29,
};
#define RV_CSR_MIE   0x304
#define RV_CSR_MTVEC 0x305
#define RV_CSR_MEPC  0x341
uint32_t rv_lui(unsigned rd, uint32_t upper20);
uint32_t rv_addi(unsigned rd, unsigned rs1, int32_t imm);
uint32_t rv_lw(unsigned rd, unsigned rs1, int32_t off);
uint32_t rv_sw(unsigned rs2, unsigned rs1, int32_t off);
uint32_t rv_beq(unsigned rs1, unsigned rs2, int32_t off);
uint32_t rv_bne(unsigned rs1, unsigned rs2, int32_t off);
uint32_t rv_jal(unsigned rd, int32_t off);
uint32_t rv_csrrw(unsigned rd, unsigned csr, unsigned rs1);
uint32_t rv_csrrs(unsigned rd, unsigned csr, unsigned rs1);
uint32_t rv_wfi(void);
uint32_t rv_mret(void);
/* Load a 32-bit constant (lui+addi, or one addi); returns the words used. */
unsigned rv_li(uint32_t *p, unsigned rd, uint32_t value);

/*
 * The "load service" program: forever { wait (WFI) for an address in the
 * host->firmware FIFO; load the word there through the MMU; push it into
 * the firmware->host FIFO }. The host feeds addresses through
 * CPU_SS_TIM_IPC_FIFO and reads results at HOST_SS_TIM_IPC_FIFO_ATM. With
 * `trap_handler` a faulting load is skipped and NT_FAULT_MARK is sent
 * instead; without one (mtvec = 0) a fault puts the core in error mode.
 * Fills code[] (one 4 KiB page) and returns the byte offset of the load
 * instruction.
 */
#define NT_FAULT_MARK 0xFA017ED0u
uint32_t nt_load_service(uint32_t code[1024], uint32_t code_va, bool trap_handler);
/* Release the control core at entry (ivpu's soc_cpu_boot_37xx): LEON_RT_VEC
 * 0x1, 0x3, 0x1, LOADING_ADDRESS = entry >> 9, then | DONE. */
void nt_core_start(struct qt_npu *n, uint32_t entry);
/* Ask the load service for the word at va; returns it, or sets *ok false
 * when no answer comes within timeout_us of virtual time. */
uint32_t nt_core_load(struct qt_npu *n, uint32_t va, uint64_t timeout_us, bool *ok);

#endif /* NPU_TEST_H */
