/* SPDX-License-Identifier: MIT */
/*
 * The only hardware the firmware touches directly: the LeonRT core's private
 * peripheral block (include/intel-npu/lrt.h) and its machine-mode CSRs.
 * Everything else is NPU virtual memory reached through the NPU MMU as
 * plain loads and stores (hw-facts §6: the firmware, boot params, IPC
 * buffers, log buffers and job queues all live at SSID-0 VAs).
 *
 * With FW_FAKE_PLATFORM defined (firmware unit tests under the ISS runner,
 * sim-firmware/tests/), plat_rd/plat_wr/plat_halt are supplied by the test,
 * which emulates the peripheral block; every other line of the firmware is
 * the same code that runs in the device model.
 */
#ifndef FW_PLATFORM_H
#define FW_PLATFORM_H

#include <stdint.h>

#include "intel-npu/lrt.h"

#ifdef FW_FAKE_PLATFORM
uint32_t plat_rd(uint32_t off);
void plat_wr(uint32_t off, uint32_t val);
__attribute__((noreturn)) void plat_halt(uint32_t code);
#else
static inline uint32_t plat_rd(uint32_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(NPU_LRT_PERIPH_BASE + off);
}

static inline void plat_wr(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)(NPU_LRT_PERIPH_BASE + off) = val;
}

/* The halt register stops the core at once; the loop only guards against a
 * model that would let it run on. */
static inline __attribute__((noreturn)) void plat_halt(uint32_t code)
{
	plat_wr(NPU_LRT_HALT, code);
	for (;;)
		__asm__ volatile("wfi");
}
#endif

/* ---- Machine-mode CSRs --------------------------------------------------- */
#define CSR_MSTATUS  0x300
#define CSR_MIE      0x304
#define CSR_MTVEC    0x305
#define CSR_MEPC     0x341
#define CSR_MCAUSE   0x342
#define CSR_MTVAL    0x343
#define MIE_MTIE     (1u << 7)
#define MIE_MEIE     (1u << 11)

#define csr_read(csr) ({ uint32_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" : : "r"((uint32_t)(v)))

static inline uint32_t plat_instret(void)
{
	return csr_read(minstret);
}

/* WFI wakes on (mip & mie) != 0 even with mstatus.MIE = 0, which is how the
 * firmware runs: interrupts are wake-up events, never asynchronous traps. */
static inline void plat_wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

/* ---- Timer: mtime is the 38.4 MHz perf counter (lrt.h) --------------------- */
#define PLAT_US_TO_TICKS(us) ((uint64_t)(us) * 384u / 10u)
#define PLAT_TICKS_TO_US(t)  ((uint64_t)(t) * 10u / 384u)

static inline uint64_t plat_mtime(void)
{
	uint32_t hi, lo;

	do {
		hi = plat_rd(NPU_LRT_MTIME_HI);
		lo = plat_rd(NPU_LRT_MTIME_LO);
	} while (hi != plat_rd(NPU_LRT_MTIME_HI));
	return (uint64_t)hi << 32 | lo;
}

/* Glitch-free 64-bit compare update: park HI at all ones first so no
 * intermediate value can match early. */
static inline void plat_set_timer(uint64_t when)
{
	plat_wr(NPU_LRT_MTIMECMP_HI, UINT32_MAX);
	plat_wr(NPU_LRT_MTIMECMP_LO, (uint32_t)when);
	plat_wr(NPU_LRT_MTIMECMP_HI, (uint32_t)(when >> 32));
}

#endif /* FW_PLATFORM_H */
