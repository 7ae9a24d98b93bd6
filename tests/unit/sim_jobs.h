/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the sim-backend job tests (test_driver_sim_jobs,
 * test_driver_sim_dma): a booted device with the real simulated firmware,
 * one user context and doorbell, buffers and command buffers in it.
 */
#ifndef SIM_JOBS_H
#define SIM_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "npu/cmdbuf.h"
#include "npu/npu.h"

struct sim_jobs {
	struct npu_device *dev;
	uint32_t ssid, db;
	uint32_t recoveries_before;
	bool expect_guest_errors;
};
extern struct sim_jobs sim;

/* Open and boot (CU fatal on failure); tdr_ms 0: the default 2000 ms */
void sim_jobs_open(enum npu_sched_mode mode, uint32_t tdr_ms);
/* Close; no DMA buffer left, no guest error unless expect_guest_errors */
void sim_jobs_close(void);
struct npu_buffer *sim_jobs_buf(uint32_t ssid, size_t size, uint32_t flags);
/* A 64 KiB command buffer in ssid, initialised into *b */
struct npu_buffer *sim_jobs_cmdbuf(uint32_t ssid, struct npu_cmdbuf *b);
/* A finished, flushed one-NOP job in ssid */
struct npu_buffer *sim_jobs_nop(uint32_t ssid);
uint32_t sim_jobs_recoveries(void);

#endif /* SIM_JOBS_H */
