/* SPDX-License-Identifier: MIT */
/*
 * The NPU's SMMUv3-style MMU as Linux 6.12's ivpu_mmu.c programs it
 * (hw-facts §2.3, §6): a linear stream table of 4 entries whose StreamIDs 0
 * (LeonRT) and 3 (DMA/compute) both point at one table of 256 context
 * descriptors (SSID = NPU context), a 16-entry command queue and a 16-entry
 * event queue, all in DMA memory; the enable sequence ending in CR0 = 0x1D;
 * CFGI/TLBI/SYNC commands; event queue and global error readers.
 */
#include <stdio.h>
#include <string.h>

#include "drv.h"

/* Queue pointers: index in bits [3:0], wrap flag in bit 4 (ivpu's
 * IVPU_MMU_Q_IDX/IVPU_MMU_Q_WRP for 16 entries). */
#define Q_IDX_MASK      (NPU_SMMU_Q_COUNT - 1)
#define Q_WRAP_BIT      NPU_SMMU_Q_COUNT
#define Q_PTR_MASK      (Q_IDX_MASK | Q_WRAP_BIT)
/* CMDQ_CONS value field as ivpu polls it (IVPU_MMU_REG_CMDQ_CONS_VAL_MASK) */
#define CMDQ_CONS_VAL   NPU_GENMASK(23, 0)

/* CR1 and STE/CD attribute encodings (SMMUv3, as ivpu names them) */
#define SMMU_CACHE_NC   0u
#define SMMU_CACHE_WB   1u
#define SMMU_SH_NSH     0u
#define SMMU_SH_ISH     3u
#define SMMU_CFGI_ALL_RANGE 0x1Fu /* CFGI_ALL: every StreamID */

static bool q_full(const struct npu_smmu_queue *q)
{
	return (q->prod & Q_IDX_MASK) == (q->cons & Q_IDX_MASK) &&
	       (q->prod & Q_WRAP_BIT) != (q->cons & Q_WRAP_BIT);
}

static bool q_empty(uint32_t prod, uint32_t cons)
{
	return (prod & Q_PTR_MASK) == (cons & Q_PTR_MASK);
}

/* ---- Structures ------------------------------------------------------------- */

static int dma_alloc(struct npu_device *dev, size_t size, struct npu_dma_buf *buf,
		     const char *what)
{
	int ret = dev->os_ops->dma_alloc(dev->os, size, buf);

	if (ret)
		return npu_fail(dev, ret, "MMU: cannot allocate %zu bytes of DMA memory for the %s: %s",
				size, what, dev->os_ops->last_error(dev->os));
	memset(buf->cpu, 0, buf->size);
	dev->os_ops->sync_for_device(dev->os, buf, 0, buf->size);
	return 0;
}

static void dma_free(struct npu_device *dev, struct npu_dma_buf *buf)
{
	if (buf->cpu)
		dev->os_ops->dma_free(dev->os, buf);
	memset(buf, 0, sizeof(*buf));
}

/* ivpu_mmu_strtab_link_cd: STE for sid -> the CD table, stage-1 translate */
static void strtab_link_cd(struct npu_device *dev, uint32_t sid)
{
	struct npu_smmu *m = &dev->mmu;
	uint8_t *e = (uint8_t *)m->strtab.cpu + sid * NPU_MMU_STE_SIZE;
	uint64_t ste0, ste1;

	ste0 = NPU_FLD_PREP(NPU_MMU_STE_0_CONFIG, NPU_MMU_STE_CONFIG_S1_TRANS) |
	       NPU_FLD_PREP(NPU_MMU_STE_0_S1CDMAX, NPU_MMU_CDTAB_ENTRIES_LOG2) |
	       NPU_FLD_PREP(NPU_MMU_STE_0_S1FMT, NPU_MMU_STE_S1FMT_LINEAR) |
	       NPU_MMU_STE_0_V | (m->cdtab.dma & NPU_MMU_STE_0_S1CTXPTR);
	ste1 = NPU_FLD_PREP(NPU_MMU_STE_1_S1DSS, NPU_MMU_STE_S1DSS_TERMINATE) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_S1CIR, SMMU_CACHE_NC) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_S1COR, SMMU_CACHE_NC) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_S1CSH, SMMU_SH_NSH) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_PRIVCFG, NPU_MMU_PRIVCFG_UNPRIV) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_INSTCFG, NPU_MMU_INSTCFG_DATA) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_STRW, 0) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_CONT, NPU_SMMU_STRTAB_LOG2) |
	       NPU_MMU_STE_1_MEV | NPU_MMU_STE_1_S1STALLD;
	npu_le64_put(e + 8, ste1);     /* word 1 first, valid word last */
	npu_le64_put(e, ste0);
	dev->os_ops->sync_for_device(dev->os, &m->strtab, sid * NPU_MMU_STE_SIZE, NPU_MMU_STE_SIZE);
	npu_dbg(dev, "MMU STE %u: 0x%016llx 0x%016llx", sid, (unsigned long long)ste0,
		(unsigned long long)ste1);
}

int npu_smmu_alloc(struct npu_device *dev)
{
	struct npu_smmu *m = &dev->mmu;
	int ret;

	if (m->allocated)
		return 0;
	ret = dma_alloc(dev, NPU_SMMU_CDTAB_ENTRIES * NPU_MMU_CD_SIZE, &m->cdtab,
			"context descriptor table");
	if (!ret)
		ret = dma_alloc(dev, NPU_SZ_4K, &m->strtab, "stream table");
	if (!ret)
		ret = dma_alloc(dev, NPU_SZ_4K, &m->cmdq.mem, "command queue");
	if (!ret)
		ret = dma_alloc(dev, NPU_SZ_4K, &m->evtq.mem, "event queue");
	if (ret) {
		npu_smmu_free(dev);
		return ret;
	}
	m->strtab_base = NPU_MMU_STRTAB_BASE_RA | (m->strtab.dma & NPU_MMU_STRTAB_BASE_ADDR);
	m->strtab_cfg = (uint32_t)NPU_FLD_PREP(NPU_MMU_STRTAB_CFG_LOG2SIZE, NPU_SMMU_STRTAB_LOG2);
	m->cmdq.base = NPU_MMU_Q_BASE_RWA | (m->cmdq.mem.dma & NPU_MMU_Q_BASE_ADDR) |
		       NPU_FLD_PREP(NPU_MMU_Q_BASE_LOG2SIZE, NPU_SMMU_Q_LOG2);
	m->evtq.base = NPU_MMU_Q_BASE_RWA | (m->evtq.mem.dma & NPU_MMU_Q_BASE_ADDR) |
		       NPU_FLD_PREP(NPU_MMU_Q_BASE_LOG2SIZE, NPU_SMMU_Q_LOG2);
	strtab_link_cd(dev, NPU_MMU_SID_LRT);
	strtab_link_cd(dev, NPU_MMU_SID_DMA);
	m->allocated = true;
	return 0;
}

void npu_smmu_free(struct npu_device *dev)
{
	struct npu_smmu *m = &dev->mmu;

	dma_free(dev, &m->evtq.mem);
	dma_free(dev, &m->cmdq.mem);
	dma_free(dev, &m->strtab);
	dma_free(dev, &m->cdtab);
	m->allocated = false;
	m->on = false;
}

/* ---- Registers and commands ------------------------------------------------------ */

static int write_cr0(struct npu_device *dev, uint32_t val)
{
	uint32_t ack;
	char a[128];

	npu_regv_wr32(dev, NPU_MMU_CR0, val);
	if (npu_poll32(dev, NPU_BAR_REGV, NPU_MMU_CR0ACK, UINT32_MAX, val, dev->t.mmu_reg_us, &ack))
		return npu_fail(dev, -ETIMEDOUT, "MMU: CR0 = 0x%x not acknowledged within %u ms: %s",
				val, dev->t.mmu_reg_us / 1000,
				npu_regs_describe(NPU_BAR_REGV, NPU_MMU_CR0ACK, ack, a, sizeof(a)));
	return 0;
}

static int write_irq_ctrl(struct npu_device *dev, uint32_t val)
{
	uint32_t ack;
	char a[128];

	npu_regv_wr32(dev, NPU_MMU_IRQ_CTRL, val);
	if (npu_poll32(dev, NPU_BAR_REGV, NPU_MMU_IRQ_CTRLACK, UINT32_MAX, val, dev->t.mmu_reg_us,
		       &ack))
		return npu_fail(dev, -ETIMEDOUT, "MMU: IRQ_CTRL = 0x%x not acknowledged within %u ms: "
				"%s", val, dev->t.mmu_reg_us / 1000,
				npu_regs_describe(NPU_BAR_REGV, NPU_MMU_IRQ_CTRLACK, ack, a, sizeof(a)));
	return 0;
}

static int cmdq_write(struct npu_device *dev, const char *name, uint64_t d0, uint64_t d1)
{
	struct npu_smmu_queue *q = &dev->mmu.cmdq;
	uint32_t idx = q->prod & Q_IDX_MASK;
	uint8_t *e = (uint8_t *)q->mem.cpu + idx * NPU_MMU_CMD_SIZE;

	if (q_full(q))
		return npu_fail(dev, -EBUSY, "MMU: command queue full, cannot queue %s (prod 0x%x "
				"cons 0x%x)", name, q->prod, q->cons);
	npu_le64_put(e, d0);
	npu_le64_put(e + 8, d1);
	dev->os_ops->sync_for_device(dev->os, &q->mem, idx * NPU_MMU_CMD_SIZE, NPU_MMU_CMD_SIZE);
	q->prod = (q->prod + 1) & Q_PTR_MASK;
	npu_dbg(dev, "MMU CMD %s: 0x%016llx 0x%016llx", name, (unsigned long long)d0,
		(unsigned long long)d1);
	return 0;
}

/* ivpu_mmu_cmdq_sync: queue SYNC, publish PROD, wait for CONS == PROD */
static int cmdq_sync(struct npu_device *dev)
{
	struct npu_smmu_queue *q = &dev->mmu.cmdq;
	uint32_t cons, err;
	char a[128], b[128];
	int ret;

	ret = cmdq_write(dev, "SYNC", NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_SYNC) |
			 NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, NPU_MMU_SYNC_CS_NONE), 0);
	if (ret)
		return ret;
	npu_regv_wr32(dev, NPU_MMU_CMDQ_PROD, q->prod);
	if (npu_poll32(dev, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS, CMDQ_CONS_VAL, q->prod,
		       dev->t.mmu_queue_us, &cons)) {
		err = (uint32_t)NPU_FLD_GET(NPU_MMU_CMDQ_CONS_ERR, cons);
		ret = npu_fail(dev, -ETIMEDOUT, "MMU: command queue not consumed within %u ms: "
			       "MMU_CMDQ_PROD=0x%x %s, error %u (%s), %s", dev->t.mmu_queue_us / 1000,
			       q->prod, npu_regs_describe(NPU_BAR_REGV, NPU_MMU_CMDQ_CONS, cons, a,
							  sizeof(a)),
			       err, npu_mmu_cerror_mnemonic(err),
			       npu_regs_snapshot(dev, NPU_BAR_REGV, NPU_MMU_GERROR, b, sizeof(b)));
		npu_diag_hw_failure(dev);
		return ret;
	}
	q->cons = q->prod;
	return 0;
}

static int cmdq_cfgi_all(struct npu_device *dev)
{
	return cmdq_write(dev, "CFGI_ALL", NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_CFGI_ALL),
			  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_1_RANGE, SMMU_CFGI_ALL_RANGE));
}

static int cmdq_tlbi_nsnh_all(struct npu_device *dev)
{
	return cmdq_write(dev, "TLBI_NSNH_ALL",
			  NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_TLBI_NSNH_ALL), 0);
}

/* ivpu_mmu_reset */
/* Every configuration and TLB entry, then wait: ivpu does this once inside
 * the reset sequence and once more after it (hw-facts §6). */
static int cmdq_invalidate_all(struct npu_device *dev)
{
	int ret = cmdq_cfgi_all(dev);

	if (!ret)
		ret = cmdq_tlbi_nsnh_all(dev);
	if (!ret)
		ret = cmdq_sync(dev);
	return ret;
}

static int smmu_reset(struct npu_device *dev)
{
	struct npu_smmu *m = &dev->mmu;
	uint32_t cr0, cr1;
	int ret;

	memset(m->cmdq.mem.cpu, 0, m->cmdq.mem.size);
	dev->os_ops->sync_for_device(dev->os, &m->cmdq.mem, 0, m->cmdq.mem.size);
	m->cmdq.prod = m->cmdq.cons = 0;
	memset(m->evtq.mem.cpu, 0, m->evtq.mem.size);
	dev->os_ops->sync_for_device(dev->os, &m->evtq.mem, 0, m->evtq.mem.size);
	m->evtq.prod = m->evtq.cons = 0;

	ret = write_cr0(dev, 0);
	if (ret)
		return ret;
	cr1 = (uint32_t)(NPU_FLD_PREP(NPU_MMU_CR1_TABLE_SH, SMMU_SH_ISH) |
			 NPU_FLD_PREP(NPU_MMU_CR1_TABLE_OC, SMMU_CACHE_WB) |
			 NPU_FLD_PREP(NPU_MMU_CR1_TABLE_IC, SMMU_CACHE_WB) |
			 NPU_FLD_PREP(NPU_MMU_CR1_QUEUE_SH, SMMU_SH_ISH) |
			 NPU_FLD_PREP(NPU_MMU_CR1_QUEUE_OC, SMMU_CACHE_WB) |
			 NPU_FLD_PREP(NPU_MMU_CR1_QUEUE_IC, SMMU_CACHE_WB));
	npu_regv_wr32(dev, NPU_MMU_CR1, cr1);
	npu_regv_wr64(dev, NPU_MMU_STRTAB_BASE, m->strtab_base);
	npu_regv_wr32(dev, NPU_MMU_STRTAB_BASE_CFG, m->strtab_cfg);
	npu_regv_wr64(dev, NPU_MMU_CMDQ_BASE, m->cmdq.base);
	npu_regv_wr32(dev, NPU_MMU_CMDQ_PROD, 0);
	npu_regv_wr32(dev, NPU_MMU_CMDQ_CONS, 0);

	cr0 = NPU_MMU_CR0_CMDQEN;
	ret = write_cr0(dev, cr0);
	if (!ret)
		ret = cmdq_invalidate_all(dev);
	if (ret)
		return ret;

	npu_regv_wr64(dev, NPU_MMU_EVTQ_BASE, m->evtq.base);
	npu_regv_wr32(dev, NPU_MMU_EVTQ_PROD_PAGE1, 0);
	npu_regv_wr32(dev, NPU_MMU_EVTQ_CONS_PAGE1, 0);

	cr0 |= NPU_MMU_CR0_EVTQEN;
	ret = write_cr0(dev, cr0);
	if (ret)
		return ret;
	cr0 |= NPU_MMU_CR0_ATSCHK;
	ret = write_cr0(dev, cr0);
	if (ret)
		return ret;
	ret = write_irq_ctrl(dev, 0);
	if (!ret)
		ret = write_irq_ctrl(dev, NPU_MMU_IRQ_CTRL_EVTQ_EN | NPU_MMU_IRQ_CTRL_GERROR_EN);
	if (ret)
		return ret;
	cr0 |= NPU_MMU_CR0_SMMUEN;
	return write_cr0(dev, cr0);
}

int npu_smmu_enable(struct npu_device *dev)
{
	struct npu_smmu *m = &dev->mmu;
	int ret;

	if (!m->allocated)
		return npu_fail(dev, -EINVAL, "MMU: enable before its structures were allocated");
	m->on = true;
	ret = smmu_reset(dev);
	if (!ret)
		ret = cmdq_invalidate_all(dev);
	if (ret)
		m->on = false;
	return ret;
}

void npu_smmu_disable(struct npu_device *dev)
{
	dev->mmu.on = false;
}

/* ivpu_mmu_cd_add */
int npu_smmu_cd_set(struct npu_device *dev, uint32_t ssid, uint64_t pgd_dma)
{
	struct npu_smmu *m = &dev->mmu;
	uint8_t *e;
	uint64_t cd[4] = { 0 };
	int ret;

	if (ssid >= NPU_SMMU_CDTAB_ENTRIES)
		return npu_fail(dev, -EINVAL, "MMU: SSID %u beyond the %u-entry CD table", ssid,
				NPU_SMMU_CDTAB_ENTRIES);
	e = (uint8_t *)m->cdtab.cpu + ssid * NPU_MMU_CD_SIZE;
	if (pgd_dma) {
		cd[0] = NPU_FLD_PREP(NPU_MMU_CD_0_T0SZ, NPU_MMU_T0SZ_48BIT) |
			NPU_FLD_PREP(NPU_MMU_CD_0_TG0, 0) |
			NPU_FLD_PREP(NPU_MMU_CD_0_IRGN0, 0) |
			NPU_FLD_PREP(NPU_MMU_CD_0_ORGN0, 0) |
			NPU_FLD_PREP(NPU_MMU_CD_0_SH0, 0) |
			NPU_FLD_PREP(NPU_MMU_CD_0_IPS, NPU_MMU_IPS_48BIT) |
			NPU_FLD_PREP(NPU_MMU_CD_0_ASID, ssid) |
			NPU_MMU_CD_0_EPD1 | NPU_MMU_CD_0_AA64 | NPU_MMU_CD_0_R |
			NPU_MMU_CD_0_ASET | NPU_MMU_CD_0_V;
		cd[1] = pgd_dma & NPU_MMU_CD_1_TTB0;
		cd[3] = NPU_MMU_CD_3_MAIR_IVPU;
		/* The global context aborts on faults so the firmware sees them. */
		if (ssid == NPU_SSID_GLOBAL)
			cd[0] |= NPU_MMU_CD_0_A;
	}
	npu_le64_put(e + 8, cd[1]);
	npu_le64_put(e + 16, cd[2]);
	npu_le64_put(e + 24, cd[3]);
	npu_le64_put(e, cd[0]);   /* the word with V last */
	dev->os_ops->sync_for_device(dev->os, &m->cdtab, ssid * NPU_MMU_CD_SIZE, NPU_MMU_CD_SIZE);
	npu_dbg(dev, "MMU CD %u %s: 0x%016llx 0x%016llx 0x%016llx 0x%016llx", ssid,
		pgd_dma ? "write" : "clear", (unsigned long long)cd[0], (unsigned long long)cd[1],
		(unsigned long long)cd[2], (unsigned long long)cd[3]);
	if (!m->on)
		return 0;
	ret = cmdq_cfgi_all(dev);
	if (!ret)
		ret = cmdq_sync(dev);
	return ret;
}

int npu_smmu_invalidate_tlb(struct npu_device *dev, uint32_t ssid)
{
	int ret;

	if (!dev->mmu.on)
		return 0;
	ret = cmdq_write(dev, "TLBI_NH_ASID",
			 NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_TLBI_NH_ASID) |
			 NPU_FLD_PREP(NPU_MMU_CMD_TLBI_0_ASID, ssid), 0);
	if (!ret)
		ret = cmdq_sync(dev);
	return ret;
}

/* ---- Event queue (ivpu_mmu_get_event / dump_event) ------------------------------ */

static void decode_event(const uint32_t w[8], struct npu_mmu_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	memcpy(ev->raw, w, sizeof(ev->raw));
	ev->id = (uint32_t)NPU_FLD_GET(NPU_MMU_EVT_0_ID, w[0]);
	ev->name = npu_mmu_event_mnemonic(ev->id);
	ev->ssv = w[0] & NPU_MMU_EVT_0_SSV;
	ev->ssid = (uint32_t)NPU_FLD_GET(NPU_MMU_EVT_0_SSID, w[0]);
	ev->sid = w[1];
	ev->input_addr = (uint64_t)w[5] << 32 | w[4];
	ev->fetch_addr = (uint64_t)w[7] << 32 | w[6];
}

int npu_smmu_read_events(struct npu_device *dev, bool *global_fault)
{
	struct npu_smmu *m = &dev->mmu;
	struct npu_smmu_queue *q = &m->evtq;
	int n = 0;

	if (global_fault)
		*global_fault = false;
	if (!m->allocated)
		return 0;
	for (;;) {
		uint32_t prod = npu_regv_rd32(dev, NPU_MMU_EVTQ_PROD_PAGE1);
		uint32_t idx = q->cons & Q_IDX_MASK, w[8];
		struct npu_mmu_event *ev;
		const uint8_t *rec;

		if (prod == UINT32_MAX) {
			npu_warn(dev, "MMU: EVTQ_PROD reads 0xffffffff; event queue not read");
			break;
		}
		if (prod & NPU_MMU_Q_OVFLG)
			npu_warn(dev, "MMU: event queue overflowed, events were lost");
		q->prod = prod;
		if (q_empty(prod, q->cons) || n >= (int)NPU_SMMU_Q_COUNT)
			break;
		dev->os_ops->sync_for_cpu(dev->os, &q->mem, idx * NPU_MMU_EVT_SIZE, NPU_MMU_EVT_SIZE);
		rec = (const uint8_t *)q->mem.cpu + idx * NPU_MMU_EVT_SIZE;
		for (int i = 0; i < 8; i++)
			w[i] = npu_le32_get(rec + 4 * i);
		q->cons = (q->cons + 1) & Q_PTR_MASK;
		ev = &m->events[m->n_events % NPU_SMMU_EVENT_HISTORY];
		decode_event(w, ev);
		m->n_events++;
		n++;
		npu_err(dev, "MMU event %s (0x%02x) from StreamID %u, SSID %u%s: %s%s of 0x%llx, "
			"table fetch at 0x%llx [record words 2-3: 0x%08x 0x%08x]", ev->name, ev->id,
			ev->sid, ev->ssid, ev->ssv ? "" : " (not valid)",
			(w[3] & NPU_MMU_EVT_3_IND) ? "instruction " : "",
			(w[3] & NPU_MMU_EVT_3_RNW) ? "read" : "write",
			(unsigned long long)ev->input_addr, (unsigned long long)ev->fetch_addr, w[2],
			w[3]);
		if (ev->ssid == NPU_SSID_GLOBAL) {
			if (global_fault)
				*global_fault = true;
		} else {
			struct npu_ctx *ctx = npu_ctx_by_ssid(dev, ev->ssid);

			if (ctx)
				ctx->faulted = true;
		}
		/* Acknowledge, and an overflow with it (SMMUv3 OVACKFLG). */
		npu_regv_wr32(dev, NPU_MMU_EVTQ_CONS_PAGE1, q->cons | (prod & NPU_MMU_Q_OVFLG));
	}
	return n;
}

/* ivpu_mmu_irq_gerr_handler */
void npu_smmu_gerror(struct npu_device *dev)
{
	uint32_t gerror = npu_regv_rd32(dev, NPU_MMU_GERROR);
	uint32_t gerrorn = npu_regv_rd32(dev, NPU_MMU_GERRORN);
	uint32_t active = (gerror ^ gerrorn) & NPU_MMU_GERROR_DEFINED;
	char a[256];

	if (!active)
		return;
	dev->mmu.gerrors++;
	npu_err(dev, "MMU global error: %s", npu_regs_describe(NPU_BAR_REGV, NPU_MMU_GERROR, active,
							    a, sizeof(a)));
	npu_regv_wr32(dev, NPU_MMU_GERRORN, gerror);
}

int npu_mmu_events(struct npu_device *dev, struct npu_mmu_event *ev, size_t max)
{
	struct npu_smmu *m = &dev->mmu;
	uint64_t have, first;
	size_t n = 0;

	if (m->on && dev->powered)
		npu_smmu_read_events(dev, NULL);
	have = m->n_events < NPU_SMMU_EVENT_HISTORY ? m->n_events : NPU_SMMU_EVENT_HISTORY;
	if (have > max)
		have = max;
	first = m->n_events - have;
	for (uint64_t i = first; i < m->n_events; i++)
		ev[n++] = m->events[i % NPU_SMMU_EVENT_HISTORY];
	return (int)n;
}
