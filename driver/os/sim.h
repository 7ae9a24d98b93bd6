/* SPDX-License-Identifier: MIT */
/*
 * Extras of the "sim" OS backend (driver/os/sim.c) for tests, tools and
 * benchmarks: counters, the virtual clock, fault injection. The backend
 * itself is used through struct npu_os_ops (npu/os.h) like any other.
 *
 * Backend args (comma-separated key=value, all optional):
 *   device-id=0x7d1d|0xad1d   PCI device (Meteor Lake default, Arrow Lake)
 *   revision=N                PCI revision (default 4)
 *   ipus=N                    control-core speed, instructions per virtual us (default 100)
 *   fuse-min=N,fuse-pn=N,fuse-max=N   buttress PLL fuses (ratios of 50 MHz)
 *   mem-limit=N[K|M|G]        most DMA memory the driver may allocate (default 1 GiB)
 *   trace=0|1                 print every model trace record to stderr
 *   console=0|1               print firmware console lines to stderr (default 0;
 *                             they always go to the driver log at info level)
 * e.g. "device-id=0xad1d,ipus=200,trace=1".
 */
#ifndef NPU_DRIVER_OS_SIM_H
#define NPU_DRIVER_OS_SIM_H

#include <stdbool.h>
#include <stdint.h>

struct npu_os;
struct npum;

struct npu_sim_stats {
	uint64_t guest_errors;      /* model-reported guest errors (0 on a clean run) */
	uint64_t bar_errors;        /* BAR accesses the backend refused */
	uint64_t msis, msis_dropped;/* MSIs sent; sent while the vector was disabled */
	uint64_t dma_allocs, dma_frees, dma_bytes, dma_bytes_peak;
	uint64_t virtual_ns;        /* the backend's clock */
	uint64_t timer_fires;
	uint64_t ipc_tx_dropped;    /* pushes discarded by npu_sim_drop_ipc_tx */
	/* from the model's own counters */
	uint64_t model_dma_errors, model_ip_resets, model_mmu_faults, lrt_instructions;
};

void npu_sim_get_stats(struct npu_os *os, struct npu_sim_stats *st);
const char *npu_sim_last_guest_error(struct npu_os *os);
/* The last firmware console lines, newline-separated (up to ~4 KiB). */
const char *npu_sim_console(struct npu_os *os);
/* The device model instance, for white-box tests (npu_model.h). */
struct npum *npu_sim_model(struct npu_os *os);

/* What the last closed sim instance left behind: DMA buffers still
 * allocated and guest errors over its whole life (close included). */
void npu_sim_last_close(uint64_t *live_dma_buffers, uint64_t *guest_errors);

/* Fault injection: discard the next n host->firmware IPC FIFO pushes, as if
 * the firmware never saw them (a deaf firmware for recovery tests). */
void npu_sim_drop_ipc_tx(struct npu_os *os, unsigned n);
/* Fault injection: every device DMA fails while set (the model reports a
 * UFI error and the access aborts). */
void npu_sim_fail_dma(struct npu_os *os, bool fail);

#endif /* NPU_DRIVER_OS_SIM_H */
