/* SPDX-License-Identifier: MIT */
/*
 * The mapped-inference runtime's state, shared by infer.c (INFERENCE_EXECUTE:
 * reading and validating the structures, hw-facts §16.1, §16.3) and
 * infer_sched.c (the CMX copy, barriers, feeding the engines; hw-facts
 * §16.5, §16.9). docs/compute.md describes the rules.
 *
 * One inference runs at a time: it owns the CMX, both DMA engines, the
 * DPUs, the activation engines and the 64 barriers until its JOB_DONE.
 * The state is .bss (not TCM: about 30 KB), tagged with the boot
 * generation like the jobs' state.
 */
#ifndef FW_INFER_H
#define FW_INFER_H

#include "fw.h"
#include "intel-npu/nnrt.h"

#define INF_MAX_BARRIER_CFGS 4096u      /* barrier_configs entries accepted */

/* The task lists, in the order they are copied to the CMX. */
enum inf_list {
	INF_L_DMA0, INF_L_DMA1, INF_L_INV, INF_L_VAR, INF_L_RANGE, INF_L_INVO, INF_L_BAR,
	INF_LISTS
};

/* Engine slots: the two DMA engines, the DPUs of tiles 0 and 1, the four
 * activation engines (two per tile). */
#define INF_E_DMA(n)   (n)
#define INF_E_DPU(t)   (2u + (t))
#define INF_E_ACT(n)   (4u + (n))
#define INF_ENGINES    8u
/* Dispatch queues: per DMA engine, per DPU tile, per activation tile (the
 * two engines of a tile share their tile's invocations in list order). */
#define INF_Q_DMA(n)   (n)
#define INF_Q_DPU(t)   (2u + (t))
#define INF_Q_ACT(t)   (4u + (t))
#define INF_QUEUES     6u

struct inf_dma {
	uint64_t src, dst;
	uint32_t len;
	uint64_t wait, post;
};

struct inf_dpu {
	uint64_t wait, post;
	uint32_t var_first, var_count;
	uint8_t  tile;
};

struct inf_act {
	uint64_t wait, post;
	uint32_t entry, args;
	uint8_t  tile;
};

struct inf_engine {
	bool     run;
	uint32_t task;                  /* index in its list */
	uint64_t wait, post;
};

enum inf_phase { INF_IDLE = 0, INF_COPY, INF_RUN };

struct fw_inf {
	uint32_t gen;                   /* boot generation; other: idle */
	uint8_t  phase;
	bool     hw_barriers;           /* the barrier block answers (probed per boot) */
	bool     hw_probed;
	bool     dpu_present, act_present, dpu_probed, act_probed;
	uint32_t db, ssid, job_id;
	uint64_t inference_id;
	uint32_t list_va[INF_LISTS], list_n[INF_LISTS];
	uint32_t copy_next;             /* INF_COPY: the next list to copy */
	bool     copy_running;
	uint32_t q_next[INF_QUEUES];    /* next task of each dispatch queue */
	uint32_t left;                  /* tasks not finished */
	struct inf_engine eng[INF_ENGINES];
	/* barriers: the use (barrier_configs index) each runs, its counts */
	uint32_t bar_cfg[NPU_NNRT_BARRIERS];
	uint32_t bar_first[NPU_NNRT_BARRIERS];
	uint32_t bar_next[NPU_NNRT_BARRIERS];    /* next_same_id_ of the use running */
	uint16_t prod[NPU_NNRT_BARRIERS], cons[NPU_NNRT_BARRIERS];
	uint64_t bar_used;              /* barriers some config programs */
	struct inf_dma dma[NPU_NNRT_DMA_ENGINES][NPU_NNRT_MAX_DMA_TASKS];
	struct inf_dpu dpu[NPU_NNRT_MAX_INVARIANTS];
	struct inf_act act[NPU_NNRT_MAX_INVOCATIONS];
};
extern struct fw_inf inf;

/* Ends the inference's job: logs why, returns the status. */
uint32_t inf_fail(uint32_t status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int inf_read(uint32_t va, void *dst, uint32_t len, const char *what, uint32_t *status);

/* infer_sched.c */
void inf_sched_start(void);         /* after validation: the CMX copy first */
void inf_release(void);             /* the engines go back; the inference is over */

#endif /* FW_INFER_H */
