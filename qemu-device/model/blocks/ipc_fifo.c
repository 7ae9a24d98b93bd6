/* SPDX-License-Identifier: MIT */
/*
 * The two hardware IPC FIFOs (hw-facts §2.5, §5.1). They carry 32-bit NPU
 * virtual addresses of IPC headers; the messages themselves live in shared
 * memory.
 *
 *   host -> firmware: the host writes CPU_SS_TIM_IPC_FIFO (cpuss.c), the
 *                     firmware pops LRT INBOX_DATA (lrt.c)
 *   firmware -> host: the firmware writes LRT OUTBOX_DATA, the host pops
 *                     HOST_SS_TIM_IPC_FIFO_ATM; TIM_IPC_FIFO_STAT shows the
 *                     read/write pointers and the fill level, and
 *                     ICB HOST_IPC_FIFO_INT is high while entries wait.
 *
 * Depth is 64 entries each, the number of 128-byte JSM messages that fit
 * the 8 KiB payload area the host publishes (§5.1). A push into a full FIFO
 * is dropped and sets a sticky overflow flag (docs/deviations.md).
 */
#include "npum_internal.h"

static void fifo_ip_reset(struct npum *n)
{
	n->to_fw = (struct npum_fifo){ 0 };
	n->to_host = (struct npum_fifo){ 0 };
}

bool npum_fifo_push(struct npum *n, struct npum_fifo *f, uint32_t v, const char *who)
{
	if (f->level == NPU_LRT_FIFO_DEPTH) {
		f->overflow = true;
		npum_trace_fifo(n, who, "drop", v, f->level);
		return false;
	}
	f->data[f->wr] = v;
	f->wr = (uint8_t)((f->wr + 1) % NPU_LRT_FIFO_DEPTH);
	f->level++;
	npum_trace_fifo(n, who, "push", v, f->level);
	return true;
}

bool npum_fifo_pop(struct npum *n, struct npum_fifo *f, uint32_t *v, const char *who)
{
	if (!f->level)
		return false;
	*v = f->data[f->rd];
	f->rd = (uint8_t)((f->rd + 1) % NPU_LRT_FIFO_DEPTH);
	f->level--;
	npum_trace_fifo(n, who, "pop", *v, f->level);
	return true;
}

/* Reading the FIFO pops it. An empty FIFO reads 0xFFFFFFFF, which ivpu
 * treats as an I/O error and never dispatches (§2.2). */
static uint64_t rd_fifo_atm(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	uint32_t v;

	if (!npum_fifo_pop(n, &n->to_host, &v, "to-host"))
		return NPU_IPC_FIFO_EMPTY_VALUE;
	npum_irq_update(n);          /* HOST_IPC_FIFO_INT drops with the last entry */
	npum_lrt_irq_update(n);      /* the firmware may be waiting for space */
	return v;
}

static uint64_t rd_fifo_stat(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	const struct npum_fifo *f = &n->to_host;

	return NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_READ_PTR, f->rd) |
	       NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_WRITE_PTR, f->wr) |
	       NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL, f->level);
}

static const struct npum_reg ipc_regs[] = {
	REG_RO(HOST_SS_TIM_IPC_FIFO_ATM, rd_fifo_atm),
	REG_RO(HOST_SS_TIM_IPC_FIFO_STAT, rd_fifo_stat),
};

static const struct npum_window fifo_windows[] = {
	NPUM_WINDOW("HOST_SS_IPC", NPU_BAR_REGV, 0x00020000, 0x1000, true, ipc_regs),
};

const struct npum_block npum_block_ipc_fifo = {
	.name = "ipc_fifo",
	.windows = NPUM_WINDOWS(fifo_windows),
	.ip_reset = fifo_ip_reset,
};
