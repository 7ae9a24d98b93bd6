/* SPDX-License-Identifier: MIT */
/*
 * Interrupt block (ICB) and the device's single MSI. hw-facts §1.3, §2.2,
 * §3.4.
 *
 * Sources latch into ICB_STATUS_0/1 and are cleared by writing ones to
 * ICB_CLEAR_0/1 (ivpu writes them as one 64-bit value or 32 bits at a
 * time), except HOST_IPC_FIFO_INT which is level-sensitive: it reads 1
 * while the firmware->host FIFO holds entries, so the host must drain the
 * FIFO to make it drop (§5.1, ivpu_ipc_irq_handler). The interrupt line is
 *   !GLOBAL_INT_MASK && (ICB status & enable || buttress stat & ~local mask)
 * and an MSI is sent on each rising edge: in particular when the host
 * unmasks globally while a source is still pending (§1.3).
 */
#include "npum_internal.h"

static void icb_ip_reset(struct npum *n)
{
	n->icb = (struct npum_icb){ 0 };
}

static uint32_t icb_status0(const struct npum *n)
{
	uint32_t v = n->icb.status[0] & ~NPU_ICB_0_HOST_IPC_FIFO;

	if (n->to_host.level)
		v |= NPU_ICB_0_HOST_IPC_FIFO;
	return v;
}

void npum_icb_raise(struct npum *n, unsigned word, uint32_t bits)
{
	n->icb.status[word & 1] |= bits;
	npum_irq_update(n);
}

void npum_irq_update(struct npum *n)
{
	uint64_t icb = ((uint64_t)(n->icb.status[1] & n->icb.enable[1]) << 32) |
		       (icb_status0(n) & n->icb.enable[0]);
	uint32_t btrs = npum_btrs_pending(n);
	bool masked = n->btrs.global_mask & NPU_BTRS_GLOBAL_INT_MASK_MASKED;
	bool line = !masked && (icb || btrs);

	if (line == n->icb.line)
		return;
	n->icb.line = line;
	npum_trace_irq(n, line ? "assert" : "deassert", icb, btrs, masked);
	if (line && n->bus_master) {
		/* MSI is a posted memory write: without bus mastering the
		 * function cannot send it. */
		n->stats.msis++;
		npum_trace_msi(n, n->stats.msis);
		n->host.msi_notify(n->opaque);
	}
}

static uint64_t rd_status(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return r->offset == NPU_HOST_SS_ICB_STATUS_0 ? icb_status0(n) : n->icb.status[1];
}

static void wr_clear(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	unsigned word = r->offset == NPU_HOST_SS_ICB_CLEAR_0 ? 0 : 1;

	n->icb.status[word] &= ~(uint32_t)v;
	npum_irq_update(n);
}

static uint64_t rd_enable(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return n->icb.enable[r->offset == NPU_HOST_SS_ICB_ENABLE_0 ? 0 : 1];
}

static void wr_enable(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	unsigned word = r->offset == NPU_HOST_SS_ICB_ENABLE_0 ? 0 : 1;
	uint32_t defined = word ? NPU_ICB_1_DEFINED : NPU_ICB_0_DEFINED;

	if (v & ~(uint64_t)defined)
		npum_guest_error(n, "%s: bits 0x%llx have no interrupt source", r->name,
				(unsigned long long)(v & ~(uint64_t)defined));
	n->icb.enable[word] = (uint32_t)v & defined;
	npum_irq_update(n);
}

static const struct npum_reg icb_regs[] = {
	REG_RO(HOST_SS_ICB_STATUS_0, rd_status),
	REG_RO(HOST_SS_ICB_STATUS_1, rd_status),
	REG_WO(HOST_SS_ICB_CLEAR_0, wr_clear),
	REG_WO(HOST_SS_ICB_CLEAR_1, wr_clear),
	REG_RW(HOST_SS_ICB_ENABLE_0, rd_enable, wr_enable),
	REG_RW(HOST_SS_ICB_ENABLE_1, rd_enable, wr_enable),
};

static const struct npum_window icb_windows[] = {
	NPUM_WINDOW("ICB", NPU_BAR_REGV, 0x00010000, 0x1000, true, icb_regs),
};

const struct npum_block npum_block_icb = {
	.name = "icb",
	.windows = NPUM_WINDOWS(icb_windows),
	.ip_reset = icb_ip_reset,
};
