/* SPDX-License-Identifier: MIT */
/*
 * The LeonRT control core as this project models it: an RV32IM hart with
 * machine-mode CSRs (the silicon core is a SPARC LEON; docs/deviations.md),
 * and its private view of the NPU.
 *
 * None of this is host-visible and none of it is documented publicly for the
 * real chip: it is the model's own design, described in docs/lrt-core.md.
 * The host sees the core only through LEON_RT_VEC, LOADING_ADDRESS_LO, the
 * IPC FIFOs, the doorbells, the watchdog registers and the DSU registers.
 *
 * Core address map (32-bit addresses):
 *   0x10000000 - 0x1000FFFF  peripheral block below (not translated)
 *   0x20000000 - 0x2001FFFF  tightly coupled RAM (TCM), 128 KiB, not
 *                            translated, cleared by IP reset
 *   0xC0000000 - 0xFFFFFFFF  the context window: NPU virtual address,
 *                            translated as StreamID 0 with SubstreamID
 *                            NPU_LRT_CTX_SSID (below): the user range of the
 *                            context whose job the firmware is running
 *   anything else            NPU virtual address, translated by the NPU MMU
 *                            as StreamID 0 (TBU0), SubstreamID 0
 *
 * The DMA engines (NPU_LRT_DMA_*) move data between any two NPU virtual
 * addresses of any context, and the CMX, through the MMU as StreamID 3
 * (TBU2, hw-facts §6): the firmware never copies user data itself.
 */
#ifndef INTEL_NPU_LRT_H
#define INTEL_NPU_LRT_H

#include "bits.h"

#define NPU_LRT_PERIPH_BASE        0x10000000u
#define NPU_LRT_PERIPH_SIZE        0x00010000u
#define NPU_LRT_TCM_BASE           0x20000000u
#define NPU_LRT_TCM_SIZE           0x00020000u

/* The core's own registers occupy the first NPU_LRT_CORE_REGS_SIZE bytes of
 * the peripheral block; engines have their register windows above it. */
#define NPU_LRT_CORE_REGS_SIZE     0x1000u

/* Identification */
#define NPU_LRT_ID                 0x000u /* RO: NPU_LRT_ID_VALUE */
#define   NPU_LRT_ID_VALUE           0x4C525433u /* "3TRL": LeonRT model, 37xx */
#define NPU_LRT_IPUS               0x004u /* RO: instructions per virtual µs */
#define NPU_LRT_PCI_DEVICE         0x008u /* RO: [15:0] PCI device id, [23:16] revision */

/* Debug console: each byte written is appended to the console line. */
#define NPU_LRT_CONSOLE_TX         0x010u /* WO */
/* Halt: the core stops; code 0 is a clean halt, anything else error mode.
 * The code is reported in DSU_TRAP_REG.HALT_CODE (regs_ip.h). */
#define NPU_LRT_HALT               0x014u /* WO */
#define   NPU_LRT_HALT_CODE          NPU_GENMASK(7, 0)
/* Halt codes of this project's firmware (sim-firmware/README.md). The host
 * reads them back from DSU_TRAP_REG.HALT_CODE; a halted firmware leaves its
 * watchdog running, so a halt after boot also ends in the WDT interrupt. */
#define   NPU_LRT_HALT_CLEAN             0x00u /* orderly stop (unused today) */
#define   NPU_LRT_HALT_FATAL_TRAP        0x01u /* unexpected exception; see the log */
#define   NPU_LRT_HALT_DOUBLE_FAULT      0x02u /* trap while handling a fatal trap */
#define   NPU_LRT_HALT_BAD_BOOT_PARAMS   0x10u /* boot params magic != 0x10000 */
#define   NPU_LRT_HALT_BAD_IPC_AREAS     0x11u /* IPC header/payload areas unusable */
#define   NPU_LRT_HALT_BAD_WARM_BOOT     0x12u /* warm entry without a prior cold boot */

/* Host->firmware FIFO (filled by writes to CPU_SS_TIM_IPC_FIFO) */
#define NPU_LRT_INBOX_DATA         0x020u /* RO: pop; 0xFFFFFFFF when empty */
#define NPU_LRT_INBOX_STAT         0x024u /* RO, OVERFLOW is W1C */
/* Firmware->host FIFO (drained by reads of HOST_SS_TIM_IPC_FIFO_ATM) */
#define NPU_LRT_OUTBOX_DATA        0x030u /* WO: push; dropped if FULL */
#define NPU_LRT_OUTBOX_STAT        0x034u /* RO, OVERFLOW is W1C */
#define   NPU_LRT_FIFO_STAT_LEVEL    NPU_GENMASK(7, 0)
#define   NPU_LRT_FIFO_STAT_FULL     NPU_BIT(8)
#define   NPU_LRT_FIFO_STAT_EMPTY    NPU_BIT(9)
#define   NPU_LRT_FIFO_STAT_OVERFLOW NPU_BIT(31) /* an entry was dropped */
#define NPU_LRT_FIFO_DEPTH         64u

/* Doorbells: one pending bit per doorbell, set by the host's write of 1 to
 * CPU_SS_DOORBELL(n); the firmware clears them by writing 1s. */
#define NPU_LRT_DB_PENDING(w)      (0x040u + 4u * (w)) /* w = 0..7, W1C */
#define NPU_LRT_DB_SUMMARY         0x060u /* RO: bit w set when DB_PENDING(w) != 0 */

/* Interrupt controller: level sources ANDed with ENABLE drive the core's
 * machine external interrupt (mip.MEIP). */
#define NPU_LRT_INTC_PENDING       0x080u /* RO: raw source levels */
#define NPU_LRT_INTC_ENABLE        0x084u /* RW */
#define   NPU_LRT_IRQ_INBOX          NPU_BIT(0) /* host->firmware FIFO not empty */
#define   NPU_LRT_IRQ_DOORBELL       NPU_BIT(1) /* a doorbell is pending */
#define   NPU_LRT_IRQ_OUTBOX_SPACE   NPU_BIT(2) /* firmware->host FIFO not full */
#define   NPU_LRT_IRQ_DMA(n)         NPU_BIT(3 + (n)) /* DMA engine n: DONE or ERROR */
#define   NPU_LRT_IRQ_DPU(n)         NPU_BIT(5 + (n)) /* DPU of tile n: DONE or ERROR */
#define   NPU_LRT_IRQ_ACT(n)         NPU_BIT(7 + (n)) /* activation engine n: DONE or ERROR */
#define   NPU_LRT_IRQ_BARRIER        NPU_BIT(11)      /* NPU_LRT_BARRIER_FREED != 0 */
#define   NPU_LRT_IRQ_ALL            NPU_GENMASK(11, 0)

/* Timer: mtime is the 64-bit perf counter (38.4 MHz, the same count the host
 * reads at CPU_SS_TIM_PERF_FREE_CNT); mtime >= mtimecmp raises mip.MTIP. */
#define NPU_LRT_MTIME_LO           0x0A0u /* RO */
#define NPU_LRT_MTIME_HI           0x0A4u /* RO */
#define NPU_LRT_MTIMECMP_LO        0x0A8u /* RW, reset all ones */
#define NPU_LRT_MTIMECMP_HI        0x0ACu /* RW, reset all ones */

/* Watchdog: the same counter the host programs through CPU_SS_TIM_WATCHDOG /
 * TIM_WDOG_EN (behind the TIM_SAFE key). Counts perf-clock ticks down while
 * enabled; at zero it raises ICB CPU_INT_REDIRECT_0 ("WDT MSS") to the host
 * and stops until reloaded. */
#define NPU_LRT_WDT_LOAD           0x0C0u /* RW: write reloads (kicks) the counter */
#define NPU_LRT_WDT_CTRL           0x0C4u /* RW */
#define   NPU_LRT_WDT_CTRL_EN        NPU_BIT(0)
#define NPU_LRT_WDT_COUNT          0x0C8u /* RO: ticks left */

/* Context window: core accesses to [NPU_LRT_CTX_WINDOW_BASE, 4 GiB) use
 * SubstreamID CTX_SSID, so the firmware reads a job's command buffer and
 * writes its fences and timestamps in the job's own context (the user range,
 * where Linux puts them: hw-facts §15.2, §15.4). A user context descriptor
 * does not abort on a fault (hw-facts §6): the access reads zero / is
 * dropped, the MMU records the event with the SSID, and CTX_FAULT latches it
 * so the firmware can end that job. */
#define NPU_LRT_CTX_WINDOW_BASE    0xC0000000u
#define NPU_LRT_CTX_SSID           0x100u /* RW: [15:0] SubstreamID, 0 after reset */
#define   NPU_LRT_CTX_SSID_MASK      NPU_GENMASK(15, 0)
#define NPU_LRT_CTX_FAULT          0x104u /* RO, FAULTED is W1C */
#define   NPU_LRT_CTX_FAULT_FAULTED  NPU_BIT(0)
#define NPU_LRT_CTX_FAULT_ADDR     0x108u /* RO: the first faulting address since the clear */

/* ---- DMA engines (two, as on 37xx: hw-facts §16.5) --------------------------
 * Each engine runs one transfer at a time, set up in its registers and
 * started by writing CTRL with START. Modes:
 *   ARRAY  COUNT 37xx copy descriptors (hw-facts §12.1) at 64-byte stride
 *          from DESC; each descriptor is fetched as 80 bytes (§12.1)
 *   LIST   linked 80-byte hardware descriptors (§12.3) from DESC, following
 *          link_address until it is 0; 1D only
 *   FILL   LEN bytes of the 32-bit PATTERN (repeated, little-endian) at DST
 *   COPY   one copy of LEN bytes from SRC to DST
 * Descriptors are read with SSID_DESC, sources with SSID_SRC, destinations
 * with SSID_DST. Addresses in [NPU_CMX_BASE, +NPU_CMX_SIZE) are the on-chip
 * CMX (cmdbuf.h) and are not translated. A transfer stops at the first
 * descriptor that faults or is malformed: STATUS.ERROR with ERR_CODE,
 * ERR_INDEX and ERR_ADDR say where; what came before it was done. DONE or
 * ERROR drives NPU_LRT_IRQ_DMA(n) until cleared. The time a transfer takes
 * follows the model's bandwidth (docs/deviations.md). */
#define NPU_LRT_DMA_ENGINES        2u
#define NPU_LRT_DMA_BASE(n)        (0x1000u + 0x100u * (n))
#define NPU_LRT_DMA_CTRL           0x00u /* WO */
#define   NPU_LRT_DMA_CTRL_START     NPU_BIT(0)
#define   NPU_LRT_DMA_CTRL_MODE      NPU_GENMASK(3, 1)
#define     NPU_LRT_DMA_MODE_ARRAY     0u
#define     NPU_LRT_DMA_MODE_LIST      1u
#define     NPU_LRT_DMA_MODE_FILL      2u
#define     NPU_LRT_DMA_MODE_COPY      3u
#define NPU_LRT_DMA_STATUS         0x04u /* RO; DONE and ERROR are W1C */
#define   NPU_LRT_DMA_STATUS_BUSY    NPU_BIT(0)
#define   NPU_LRT_DMA_STATUS_DONE    NPU_BIT(1)
#define   NPU_LRT_DMA_STATUS_ERROR   NPU_BIT(2)
#define   NPU_LRT_DMA_STATUS_ERR_CODE NPU_GENMASK(15, 8)
#define     NPU_LRT_DMA_ERR_NONE       0u
#define     NPU_LRT_DMA_ERR_DESC_FAULT 1u /* fetching a descriptor faulted */
#define     NPU_LRT_DMA_ERR_SRC_FAULT  2u
#define     NPU_LRT_DMA_ERR_DST_FAULT  3u
#define     NPU_LRT_DMA_ERR_LENGTH     4u /* a descriptor longer than 16 MB */
#define     NPU_LRT_DMA_ERR_ALIGN      5u /* DESC not 64-byte aligned */
#define     NPU_LRT_DMA_ERR_BUS        6u /* host memory refused (bus mastering off, no RAM) */
#define     NPU_LRT_DMA_ERR_MODE       7u /* unknown mode, COUNT 0 or above 4096, 2D in LIST */
#define     NPU_LRT_DMA_ERR_BUSY       8u /* START while a transfer runs (it carries on) */
#define     NPU_LRT_DMA_ERR_BARRIER    9u /* at its end a WAIT/POST barrier count was already 0 */
#define NPU_LRT_DMA_DESC_LO        0x08u
#define NPU_LRT_DMA_DESC_HI        0x0Cu
#define NPU_LRT_DMA_COUNT          0x10u
#define NPU_LRT_DMA_SRC_LO         0x18u
#define NPU_LRT_DMA_SRC_HI         0x1Cu
#define NPU_LRT_DMA_DST_LO         0x20u
#define NPU_LRT_DMA_DST_HI         0x24u
#define NPU_LRT_DMA_LEN_LO         0x28u
#define NPU_LRT_DMA_LEN_HI         0x2Cu
#define NPU_LRT_DMA_PATTERN        0x30u
#define NPU_LRT_DMA_SSID_DESC      0x34u
#define NPU_LRT_DMA_SSID_SRC       0x38u
#define NPU_LRT_DMA_SSID_DST       0x3Cu
#define NPU_LRT_DMA_DONE_DESC      0x40u /* RO: descriptors completed */
#define NPU_LRT_DMA_BYTES_LO       0x44u /* RO: bytes moved by the last transfer */
#define NPU_LRT_DMA_BYTES_HI       0x48u
#define NPU_LRT_DMA_ERR_ADDR_LO    0x4Cu /* RO: the address that faulted */
#define NPU_LRT_DMA_ERR_ADDR_HI    0x50u
#define NPU_LRT_DMA_ERR_INDEX      0x54u /* RO: the descriptor that failed */
/* Hardware barriers of the transfer started next (NPU_LRT_BARRIER_* below):
 * it waits until every barrier in WAIT has no producers left, and when it
 * ends (done or error) it counts itself off as a consumer of each WAIT
 * barrier and as a producer of each POST barrier. 0: no barriers. */
#define NPU_LRT_DMA_WAIT_LO        0x58u
#define NPU_LRT_DMA_WAIT_HI        0x5Cu
#define NPU_LRT_DMA_POST_LO        0x60u
#define NPU_LRT_DMA_POST_HI        0x64u
#define NPU_LRT_DMA_REGS_SIZE      0x100u
/* STATUS bit shared by every engine: started, still waiting for barriers */
#define   NPU_LRT_ENGINE_STATUS_WAITING NPU_BIT(3)

/* ---- Hardware barriers (hw-facts §16.3, §16.5) --------------------------------
 * 64 barriers (two groups of 32). Each has a producer count and a consumer
 * count, set by the firmware from a VpuBarrierCountConfig. A task (DMA, DPU,
 * activation) that waits on a barrier starts once its producer count is 0;
 * at its end it decrements the consumer count of every barrier it waited on
 * and the producer count of every barrier it posts. A barrier whose counts
 * both reach 0 is free again: its bit in FREED is set (W1C, drives
 * NPU_LRT_IRQ_BARRIER), and the firmware may program its next use
 * (next_same_id). Decrementing a count that is already 0 is an error the
 * engine reports (ERR_BARRIER) and the barrier stays at 0. */
#define NPU_LRT_BARRIERS           64u
#define NPU_LRT_BARRIER_BASE       0x2000u
#define NPU_LRT_BARRIER_PRODUCERS(b) (NPU_LRT_BARRIER_BASE + 8u * (b))      /* RW, [15:0] */
#define NPU_LRT_BARRIER_CONSUMERS(b) (NPU_LRT_BARRIER_BASE + 8u * (b) + 4u) /* RW, [15:0] */
#define NPU_LRT_BARRIER_READY_LO   0x2200u /* RO: bit b = producers(b) == 0 */
#define NPU_LRT_BARRIER_READY_HI   0x2204u
#define NPU_LRT_BARRIER_FREED_LO   0x2208u /* W1C: bit b = b's counts reached 0 */
#define NPU_LRT_BARRIER_FREED_HI   0x220Cu
#define NPU_LRT_BARRIER_REGS_SIZE  0x300u

/* ---- Compute engines: one DPU per tile, two activation engines per tile ---------
 * (hw-facts §16.5). Common register layout at each engine's base: CTRL
 * (START), STATUS (BUSY, DONE, ERROR W1C, WAITING, ERR_CODE), WAIT/POST
 * barrier masks as for the DMA engines, and the task's addresses. Tasks read
 * and write the CMX only (NPU_CMX_BASE, cmdbuf.h); docs/compute.md says
 * what each computes. */
#define NPU_LRT_ENGINE_CTRL        0x00u /* WO: START */
#define NPU_LRT_ENGINE_STATUS      0x04u /* BUSY DONE ERROR as NPU_LRT_DMA_STATUS_*, WAITING, ERR_CODE */
#define NPU_LRT_ENGINE_WAIT_LO     0x08u
#define NPU_LRT_ENGINE_WAIT_HI     0x0Cu
#define NPU_LRT_ENGINE_POST_LO     0x10u
#define NPU_LRT_ENGINE_POST_HI     0x14u
#define   NPU_LRT_ENGINE_ERR_NONE     0u
#define   NPU_LRT_ENGINE_ERR_DESC     1u /* a register image or argument block it does not support */
#define   NPU_LRT_ENGINE_ERR_ADDR     2u /* an address outside the CMX */
#define   NPU_LRT_ENGINE_ERR_BARRIER  3u /* a barrier count below 0 */
#define   NPU_LRT_ENGINE_ERR_BUSY     4u /* START while a task runs (it carries on) */
#define NPU_LRT_DPUS               2u
#define NPU_LRT_DPU_BASE(n)        (0x1400u + 0x100u * (n))
#define NPU_LRT_DPU_INVARIANT      0x20u /* CMX address of a VpuDPUInvariant (304 B) */
#define NPU_LRT_DPU_VARIANTS       0x24u /* CMX address of its first VpuDPUVariant (64 B each) */
#define NPU_LRT_DPU_VARIANT_COUNT  0x28u
#define NPU_LRT_ACTS               4u
#define NPU_LRT_ACT_BASE(n)        (0x1600u + 0x100u * (n))
#define NPU_LRT_ACT_KERNEL         0x20u /* the kernel: a range's kernel_entry (docs/compute.md) */
#define NPU_LRT_ACT_ARGS           0x24u /* CMX address of the invocation's kernel_args */
#define NPU_LRT_ENGINE_REGS_SIZE   0x100u

/* Machine-mode CSRs the core implements beyond the base set. */
#define NPU_LRT_MCAUSE_INTERRUPT   0x80000000u

#endif /* INTEL_NPU_LRT_H */
