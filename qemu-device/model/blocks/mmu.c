/* SPDX-License-Identifier: MIT */
/*
 * The NPU's MMU at BAR0 0x200000: an Arm SMMUv3-style translation unit with
 * a linear stream table, linear context-descriptor (CD) tables, a command
 * queue, an event queue and AArch64 stage-1 translation with a 4 KiB
 * granule (hw-facts §2.3, §6). Where hw-facts is silent, the SMMUv3
 * architecture decides. Every modelling choice is listed in
 * docs/deviations.md; the ones that matter to a guest are marked "Choice:".
 *
 * Caches behave like hardware: an STE cache, a CD cache and a TLB are filled
 * on first use and keep stale contents until the guest invalidates them with
 * CFGI_* / TLBI_* commands. Invalid structures (STE.V=0, CD.V=0, invalid
 * descriptors) are never cached, so fixing one takes effect at once.
 *
 * Every memory access this file makes is either a fetch of a structure the
 * guest pointed the MMU at (stream table, CD table, page table, queue) or
 * the translated access itself, and all go through npum_dma_read/write.
 *
 * Layout: state; little-endian and queue helpers; global errors; event
 * queue; STE/CD fetch and caches; TLB; table walk; translation and
 * npum_mmu_read/write; command queue; registers.
 */
#include <stdlib.h>
#include <string.h>

#include "npum_internal.h"

/* Limits advertised in SMMU_IDR1 (hw-facts §6 value, SMMUv3 field layout). */
#define MMU_SID_BITS     ((unsigned)NPU_FLD_GET(NPU_MMU_IDR1_SIDSIZE, NPU_MMU_IDR1_VALUE))
#define MMU_SSID_BITS    ((unsigned)NPU_FLD_GET(NPU_MMU_IDR1_SSIDSIZE, NPU_MMU_IDR1_VALUE))
#define MMU_CMDQ_LOG2MAX ((unsigned)NPU_FLD_GET(NPU_MMU_IDR1_CMDQS, NPU_MMU_IDR1_VALUE))
#define MMU_EVTQ_LOG2MAX ((unsigned)NPU_FLD_GET(NPU_MMU_IDR1_EVENTQS, NPU_MMU_IDR1_VALUE))

/* Cache geometry: ivpu uses 2 StreamIDs and up to 66 SSIDs per stream. */
#define MMU_STE_CACHE    16   /* direct-mapped by StreamID */
#define MMU_CD_CACHE     256  /* direct-mapped by (StreamID, SSID) */
#define MMU_TLB_SETS     128  /* x MMU_TLB_WAYS = 512 entries, indexed by VA page */
#define MMU_TLB_WAYS     4

#define MMU_PAGE_MASK    ((uint64_t)NPU_MMU_PAGE_SIZE - 1)
#define MMU_MIN_T0SZ     16   /* 48-bit VA, start level 0 (4 KiB granule) */
#define MMU_MAX_T0SZ     39   /* 25-bit VA, start level 2 */

/* A decoded valid STE. */
struct mmu_ste {
	bool     cached;
	uint32_t sid;
	uint8_t  config;      /* NPU_MMU_STE_CONFIG_* */
	uint8_t  s1cdmax;     /* log2(CDs); 0 = a single CD, no substreams */
	uint8_t  s1dss;
	uint8_t  privcfg, instcfg;
	uint64_t cdtab;       /* S1ContextPtr */
};

/* A decoded valid CD. `index` is the SSID, or 0 for a transaction that
 * uses CD 0 without carrying an SSID. */
struct mmu_cd {
	bool     cached;
	uint32_t sid, index;
	uint64_t ttb0;
	uint16_t asid;
	uint8_t  t0sz;
	uint8_t  oa_bits;     /* from CD.IPS */
	bool     epd0, tbi0, had0;
	bool     abort;       /* CD.A: faults abort (else RAZ/WI) */
	bool     record;      /* CD.R: record translation faults */
};

#define TLB_VALID   0x01u
#define TLB_GLOBAL  0x02u /* nG=0: matches every ASID */
#define TLB_RO      0x04u /* AP[2] or APTable[1] */
#define TLB_USER    0x08u /* AP[1] and not APTable[0] */
#define TLB_UXN     0x10u
#define TLB_PXN     0x20u

/* One 4 KiB page of a successful walk (block mappings are cached per page). */
struct mmu_tlb_entry {
	uint64_t vpn;         /* input address >> 12 (top byte dropped under TBI0) */
	uint64_t pa;          /* output address of the page */
	uint64_t desc_addr;   /* bus address of the leaf descriptor, for events */
	uint64_t block_vpns;  /* vpn bits naming the whole block, for TLBI by VA */
	uint16_t asid;
	uint8_t  flags;       /* TLB_* */
};

/*
 * The last successful translation per StreamID and access kind: a shortcut
 * past the STE, CD and TLB lookups for the control core's stream of small
 * accesses. It answers exactly as those lookups would: every register
 * write (commands only run inside one) and every cache fill bumps
 * npum_mmu.gen, which retires all shortcuts at once. IP reset clears them.
 */
struct mmu_shortcut {
	bool     valid;
	bool     ssv;
	uint32_t sid, ssid;
	uint64_t vpn, pa;     /* input page number, output page address */
	uint64_t gen;
};

#define MMU_SHORTCUT_KINDS 3 /* read, write, instruction fetch */
#define MMU_SHORTCUTS      (4 * MMU_SHORTCUT_KINDS)

struct mmu_queue {
	uint64_t base;        /* *Q_BASE register: RWA | ADDR | LOG2SIZE */
	uint32_t prod, cons;  /* index + wrap (NPU_MMU_Q_PTR) */
};

struct npum_mmu {
	/* registers */
	uint32_t cr0, cr1, cr2, irq_ctrl, gerror, gerrorn;
	uint64_t strtab_base;
	uint32_t strtab_cfg;
	struct mmu_queue cmdq, evtq;
	uint8_t  cmdq_err;          /* CMDQ_CONS.ERR */
	bool     evtq_ovflg;        /* EVTQ_PROD.OVFLG */
	bool     evtq_ovackflg;     /* EVTQ_CONS.OVACKFLG */
	bool     cmdq_running;      /* guards against re-entry from an IRQ callback */

	/* caches */
	struct mmu_ste ste[MMU_STE_CACHE];
	struct mmu_cd cd[MMU_CD_CACHE];
	struct mmu_tlb_entry tlb[MMU_TLB_SETS][MMU_TLB_WAYS];
	uint8_t tlb_victim[MMU_TLB_SETS];   /* round-robin replacement */

	uint64_t gen;                       /* see struct mmu_shortcut */
	struct mmu_shortcut shortcut[MMU_SHORTCUTS];
};

static struct npum_mmu *mmu_of(struct npum *n)
{
	return npum_priv(n, NPUM_BLOCK_mmu);
}

/* One transaction as the MMU sees it after the STE's attribute overrides. */
struct mmu_txn {
	uint32_t sid, ssid;
	bool     ssv;           /* carries a SubstreamID */
	bool     write, instr, priv;
	unsigned acc;           /* as requested (NPU_MMU_ACC_*), for traces */
};

/* Why a translation did not produce an address. event 0 = terminate without
 * recording anything (SMMU disabled, STE.Config = abort). */
struct mmu_fault {
	uint8_t  event;
	uint8_t  cls;           /* NPU_MMU_EVT_CLASS_* */
	bool     config;        /* configuration error: always recorded, always aborts */
	uint64_t fetch_addr;
};

/* ---- Little-endian helpers ------------------------------------------------ */

static uint64_t le64_get(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- Queues: index in the low log2 bits, wrap flag just above ------------- */

static unsigned q_log2(const struct mmu_queue *q, unsigned max)
{
	unsigned l = (unsigned)NPU_FLD_GET(NPU_MMU_Q_BASE_LOG2SIZE, q->base);

	return l < max ? l : max; /* SMMUv3: larger LOG2SIZE is treated as the maximum */
}

static uint32_t q_ptr_mask(unsigned log2)
{
	return (2u << log2) - 1;
}

static uint32_t q_index(uint32_t ptr, unsigned log2)
{
	return ptr & ((1u << log2) - 1);
}

static bool q_empty(uint32_t prod, uint32_t cons, unsigned log2)
{
	return ((prod ^ cons) & q_ptr_mask(log2)) == 0;
}

static bool q_full(uint32_t prod, uint32_t cons, unsigned log2)
{
	return ((prod ^ cons) & q_ptr_mask(log2)) == 1u << log2;
}

static uint32_t q_used(uint32_t prod, uint32_t cons, unsigned log2)
{
	return (prod - cons) & q_ptr_mask(log2);
}

static uint32_t q_next(uint32_t ptr, unsigned log2)
{
	return (ptr + 1) & q_ptr_mask(log2);
}

static uint64_t q_entry_addr(const struct mmu_queue *q, uint32_t ptr, unsigned log2,
			     unsigned entry_size)
{
	return (q->base & NPU_MMU_Q_BASE_ADDR) + (uint64_t)q_index(ptr, log2) * entry_size;
}

/* ---- Global errors (SMMU_GERROR / GERRORN) ---------------------------------
 * An error is active while GERROR and GERRORN differ in its bit. The MMU
 * toggles GERROR to signal an error that is not already active; the host
 * acknowledges by copying the bit into GERRORN.
 */

static bool gerror_active(const struct npum_mmu *m, uint32_t bit)
{
	return ((m->gerror ^ m->gerrorn) & bit) != 0;
}

static void gerror_raise(struct npum *n, uint32_t bit)
{
	struct npum_mmu *m = mmu_of(n);

	if (gerror_active(m, bit))
		return;
	m->gerror ^= bit;
	if (m->irq_ctrl & NPU_MMU_IRQ_CTRL_GERROR_EN)
		npum_icb_raise(n, 0, NPU_ICB_0_MMU_IRQ_2_GERROR);
}

/* ---- Event queue ---------------------------------------------------------- */

static const char *mmu_acc_name(unsigned acc)
{
	return acc == NPUM_MMU_ACC_WRITE ? "write" : acc == NPUM_MMU_ACC_INSTR ? "fetch" : "read";
}

/* Event 0 is the model's own: a transaction terminated without an event
 * record (SMMU disabled, CD.R clear). Everything else is an SMMUv3 event id,
 * named from the table the driver uses too (regs_mmu.h, hw-facts §6). */
static const char *mmu_event_name(uint8_t id)
{
	return id ? npu_mmu_event_mnemonic(id) : "ABORT";
}

/* The 32-byte SMMUv3 event record: word 0 id/SSV/SSID, word 1 StreamID,
 * word 3 access flags and class, words 4-5 input address, words 6-7 the
 * address of the structure or descriptor whose fetch or content faulted. */
static void evtq_encode(uint8_t rec[NPU_MMU_EVT_SIZE], const struct mmu_txn *t,
			const struct mmu_fault *f, uint64_t va)
{
	uint32_t w[8] = { 0 };

	w[0] = (uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_0_ID, f->event);
	if (t->ssv)
		w[0] |= NPU_MMU_EVT_0_SSV | (uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_0_SSID, t->ssid);
	w[1] = t->sid;
	if (!f->config) {
		w[3] = (t->priv ? NPU_MMU_EVT_3_PNU : 0) | (t->instr ? NPU_MMU_EVT_3_IND : 0) |
		       (t->write ? 0 : NPU_MMU_EVT_3_RNW) |
		       (uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_3_CLASS, f->cls);
	}
	w[4] = (uint32_t)va;
	w[5] = (uint32_t)(va >> 32);
	w[6] = (uint32_t)f->fetch_addr;
	w[7] = (uint32_t)(f->fetch_addr >> 32);
	for (int i = 0; i < 8; i++)
		le32_put(rec + 4 * i, w[i]);
}

static void evtq_record(struct npum *n, const struct mmu_txn *t, const struct mmu_fault *f,
			uint64_t va)
{
	struct npum_mmu *m = mmu_of(n);
	unsigned log2 = q_log2(&m->evtq, MMU_EVTQ_LOG2MAX);
	uint8_t rec[NPU_MMU_EVT_SIZE];

	/* Events are discarded while the queue is off, and while an earlier
	 * write abort is unacknowledged (the queue is then unusable). */
	if (!(m->cr0 & NPU_MMU_CR0_EVTQEN) || gerror_active(m, NPU_MMU_GERROR_EVTQ_ABT))
		return;
	if (q_full(m->evtq.prod, m->evtq.cons, log2)) {
		/* SMMUv3: a lost event toggles OVFLG unless an overflow is
		 * already pending (OVFLG != CONS.OVACKFLG). */
		if (m->evtq_ovflg == m->evtq_ovackflg)
			m->evtq_ovflg = !m->evtq_ovflg;
		return;
	}
	evtq_encode(rec, t, f, va);
	if (npum_dma_write(n, q_entry_addr(&m->evtq, m->evtq.prod, log2, NPU_MMU_EVT_SIZE), rec,
			  sizeof(rec))) {
		gerror_raise(n, NPU_MMU_GERROR_EVTQ_ABT);
		return;
	}
	m->evtq.prod = q_next(m->evtq.prod, log2);
	n->stats.mmu_events++;
	if (m->irq_ctrl & NPU_MMU_IRQ_CTRL_EVTQ_EN)
		npum_icb_raise(n, 0, NPU_ICB_0_MMU_IRQ_0_EVTQ);
}

/* Count, trace and (if allowed) record a fault. */
static void mmu_report_fault(struct npum *n, const struct mmu_txn *t, const struct mmu_fault *f,
			     uint64_t va, bool record)
{
	n->stats.mmu_faults++;
	npum_trace_mmu_fault(n, mmu_event_name(f->event), t->sid, t->ssid, va, f->event,
			     mmu_acc_name(t->acc));
	if (f->event && record)
		evtq_record(n, t, f, va);
}

static bool fault_set(struct mmu_fault *f, uint8_t event, uint8_t cls, bool config,
		      uint64_t fetch_addr)
{
	f->event = event;
	f->cls = cls;
	f->config = config;
	f->fetch_addr = fetch_addr;
	return false;
}

static void config_fault(struct mmu_fault *f, uint8_t event, uint64_t fetch_addr)
{
	fault_set(f, event, NPU_MMU_EVT_CLASS_CD, true, fetch_addr);
}

/* ---- Stream table entries ---------------------------------------------------- */

/* Decode an STE; false if the architecture calls it ILLEGAL (C_BAD_STE). */
static bool ste_decode(struct npum *n, const uint8_t raw[NPU_MMU_STE_SIZE], uint32_t sid,
		       struct mmu_ste *s)
{
	uint64_t d0 = le64_get(raw), d1 = le64_get(raw + 8);

	if (!(d0 & NPU_MMU_STE_0_V))
		return false;
	s->config = (uint8_t)NPU_FLD_GET(NPU_MMU_STE_0_CONFIG, d0);
	s->s1cdmax = (uint8_t)NPU_FLD_GET(NPU_MMU_STE_0_S1CDMAX, d0);
	s->s1dss = (uint8_t)NPU_FLD_GET(NPU_MMU_STE_1_S1DSS, d1);
	s->privcfg = (uint8_t)NPU_FLD_GET(NPU_MMU_STE_1_PRIVCFG, d1);
	s->instcfg = (uint8_t)NPU_FLD_GET(NPU_MMU_STE_1_INSTCFG, d1);
	s->cdtab = d0 & NPU_MMU_STE_0_S1CTXPTR;

	switch (s->config) {
	case NPU_MMU_STE_CONFIG_ABORT:
	case NPU_MMU_STE_CONFIG_BYPASS:
		return true;
	case NPU_MMU_STE_CONFIG_S1_TRANS:
		break;
	case 0x6: case 0x7:
		/* Choice: IDR0 advertises stage 2, but ivpu never uses it and
		 * the model does not implement it. */
		npum_guest_error(n, "MMU STE %u: stage-2 config 0x%x is not modelled", sid, s->config);
		return false;
	default:
		return false; /* reserved */
	}
	if (s->s1cdmax > MMU_SSID_BITS)
		return false;
	if (s->s1cdmax && NPU_FLD_GET(NPU_MMU_STE_0_S1FMT, d0) != NPU_MMU_STE_S1FMT_LINEAR) {
		npum_guest_error(n, "MMU STE %u: two-level CD tables (S1Fmt %llu) are not modelled",
				sid, (unsigned long long)NPU_FLD_GET(NPU_MMU_STE_0_S1FMT, d0));
		return false;
	}
	if (s->s1cdmax && s->s1dss == 0x3)
		return false; /* reserved S1DSS */
	if (NPU_FLD_GET(NPU_MMU_STE_1_STRW, d1) == 0x1)
		return false; /* reserved StreamWorld */
	return true;
}

static const struct mmu_ste *ste_get(struct npum *n, uint32_t sid, struct mmu_fault *f)
{
	struct npum_mmu *m = mmu_of(n);
	struct mmu_ste *slot = &m->ste[sid % MMU_STE_CACHE];
	unsigned log2 = (unsigned)NPU_FLD_GET(NPU_MMU_STRTAB_CFG_LOG2SIZE, m->strtab_cfg);
	uint8_t raw[NPU_MMU_STE_SIZE];
	uint64_t addr;

	/* Choice: only the linear format is modelled (ivpu's); a stream table in
	 * any other format reaches no STE. */
	if (log2 > MMU_SID_BITS)
		log2 = MMU_SID_BITS;
	if (NPU_FLD_GET(NPU_MMU_STRTAB_CFG_FMT, m->strtab_cfg) != NPU_MMU_STRTAB_FMT_LINEAR ||
	    (uint64_t)sid >> log2) {
		config_fault(f, NPU_MMU_EVT_C_BAD_STREAMID, 0);
		return NULL;
	}
	if (slot->cached && slot->sid == sid)
		return slot;

	addr = (m->strtab_base & NPU_MMU_STRTAB_BASE_ADDR) + (uint64_t)sid * NPU_MMU_STE_SIZE;
	if (npum_dma_read(n, addr, raw, sizeof(raw))) {
		config_fault(f, NPU_MMU_EVT_F_STE_FETCH, addr);
		return NULL;
	}
	if (!ste_decode(n, raw, sid, slot)) {
		slot->cached = false; /* invalid STEs are not cached */
		config_fault(f, NPU_MMU_EVT_C_BAD_STE, 0);
		return NULL;
	}
	slot->cached = true;
	slot->sid = sid;
	m->gen++;
	return slot;
}

/* ---- Context descriptors ----------------------------------------------------- */

static uint8_t ips_to_bits(unsigned ips)
{
	static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

	return bits[ips & 7]; /* 6, 7 (52-bit, reserved) are treated as 48 */
}

/* Decode a CD; false if it is ILLEGAL or uses what is not modelled (C_BAD_CD). */
static bool cd_decode(struct npum *n, const uint8_t raw[NPU_MMU_CD_SIZE], uint32_t sid,
		      uint32_t index, struct mmu_cd *c)
{
	uint64_t d0 = le64_get(raw), d1 = le64_get(raw + 8);

	if (!(d0 & NPU_MMU_CD_0_V))
		return false;
	/* Choice: only what ivpu programs is modelled: AArch64 tables,
	 * 4 KiB granule, little-endian (hw-facts §6). */
	if (!(d0 & NPU_MMU_CD_0_AA64) || NPU_FLD_GET(NPU_MMU_CD_0_TG0, d0) != 0 ||
	    (d0 & NPU_MMU_CD_0_ENDI)) {
		npum_guest_error(n, "MMU CD %u/%u: only AArch64, 4 KiB granule, little-endian "
				"tables are modelled (CD dword0 0x%016llx)", sid, index,
				(unsigned long long)d0);
		return false;
	}
	c->t0sz = (uint8_t)NPU_FLD_GET(NPU_MMU_CD_0_T0SZ, d0);
	if (c->t0sz < MMU_MIN_T0SZ || c->t0sz > MMU_MAX_T0SZ)
		return false;
	c->oa_bits = ips_to_bits((unsigned)NPU_FLD_GET(NPU_MMU_CD_0_IPS, d0));
	c->epd0 = d0 & NPU_MMU_CD_0_EPD0;
	c->tbi0 = d0 & NPU_MMU_CD_0_TBI0;
	c->abort = d0 & NPU_MMU_CD_0_A;
	c->record = d0 & NPU_MMU_CD_0_R;
	c->asid = (uint16_t)NPU_FLD_GET(NPU_MMU_CD_0_ASID, d0);
	c->had0 = d1 & NPU_MMU_CD_1_HAD0;
	c->ttb0 = d1 & NPU_MMU_CD_1_TTB0;
	return true;
}

static unsigned cd_slot(uint32_t sid, uint32_t index)
{
	return (index ^ sid * 97u) % MMU_CD_CACHE;
}

static const struct mmu_cd *cd_get(struct npum *n, const struct mmu_ste *s, uint32_t index,
				   struct mmu_fault *f)
{
	struct mmu_cd *slot = &mmu_of(n)->cd[cd_slot(s->sid, index)];
	uint8_t raw[NPU_MMU_CD_SIZE];
	uint64_t addr;

	if (slot->cached && slot->sid == s->sid && slot->index == index)
		return slot;
	addr = s->cdtab + (uint64_t)index * NPU_MMU_CD_SIZE;
	if (npum_dma_read(n, addr, raw, sizeof(raw))) {
		config_fault(f, NPU_MMU_EVT_F_CD_FETCH, addr);
		return NULL;
	}
	if (!cd_decode(n, raw, s->sid, index, slot)) {
		slot->cached = false; /* invalid CDs are not cached */
		config_fault(f, NPU_MMU_EVT_C_BAD_CD, 0);
		return NULL;
	}
	slot->cached = true;
	slot->sid = s->sid;
	slot->index = index;
	mmu_of(n)->gen++;
	return slot;
}

/* Drop cached STEs and their CDs for StreamIDs [first, first + count). */
static void cfg_invalidate_streams(struct npum_mmu *m, uint64_t first, uint64_t count)
{
	for (unsigned i = 0; i < MMU_STE_CACHE; i++)
		if (m->ste[i].sid - first < count)
			m->ste[i].cached = false;
	for (unsigned i = 0; i < MMU_CD_CACHE; i++)
		if (m->cd[i].sid - first < count)
			m->cd[i].cached = false;
}

static void cfg_invalidate_cd(struct npum_mmu *m, uint32_t sid, uint32_t index)
{
	struct mmu_cd *c = &m->cd[cd_slot(sid, index)];

	if (c->sid == sid && c->index == index)
		c->cached = false;
}

/* ---- TLB ------------------------------------------------------------------------ */

static const struct mmu_tlb_entry *tlb_lookup(const struct npum_mmu *m, uint16_t asid,
					      uint64_t vpn)
{
	const struct mmu_tlb_entry *set = m->tlb[vpn % MMU_TLB_SETS];

	for (unsigned w = 0; w < MMU_TLB_WAYS; w++) {
		const struct mmu_tlb_entry *e = &set[w];

		if ((e->flags & TLB_VALID) && e->vpn == vpn &&
		    ((e->flags & TLB_GLOBAL) || e->asid == asid))
			return e;
	}
	return NULL;
}

/* Fill an invalid way, else replace round-robin: deterministic. */
static const struct mmu_tlb_entry *tlb_insert(struct npum_mmu *m, const struct mmu_tlb_entry *e)
{
	unsigned set = (unsigned)(e->vpn % MMU_TLB_SETS), way;

	for (way = 0; way < MMU_TLB_WAYS; way++)
		if (!(m->tlb[set][way].flags & TLB_VALID))
			break;
	if (way == MMU_TLB_WAYS) {
		way = m->tlb_victim[set];
		m->tlb_victim[set] = (uint8_t)((way + 1) % MMU_TLB_WAYS);
	}
	m->tlb[set][way] = *e;
	m->gen++;
	return &m->tlb[set][way];
}

enum tlbi_scope {
	TLBI_ALL,        /* every entry */
	TLBI_ASID,       /* non-global entries of one ASID */
	TLBI_VA,         /* entries covering a VA: global ones and those of one ASID */
	TLBI_VAA,        /* entries covering a VA, any ASID */
};

static bool tlbi_matches(const struct mmu_tlb_entry *e, enum tlbi_scope scope, uint16_t asid,
			 uint64_t vpn)
{
	bool covers = ((e->vpn ^ vpn) & e->block_vpns) == 0;

	switch (scope) {
	case TLBI_ALL:  return true;
	case TLBI_ASID: return !(e->flags & TLB_GLOBAL) && e->asid == asid;
	case TLBI_VA:   return covers && ((e->flags & TLB_GLOBAL) || e->asid == asid);
	case TLBI_VAA:  return covers;
	}
	return true;
}

static void tlb_invalidate(struct npum_mmu *m, enum tlbi_scope scope, uint16_t asid, uint64_t vpn)
{
	for (unsigned s = 0; s < MMU_TLB_SETS; s++)
		for (unsigned w = 0; w < MMU_TLB_WAYS; w++)
			if (tlbi_matches(&m->tlb[s][w], scope, asid, vpn))
				m->tlb[s][w].flags = 0;
}

/* ---- Stage-1 table walk (AArch64 VMSA, 4 KiB granule) -------------------------- */

static unsigned level_shift(unsigned level)
{
	return NPU_MMU_PAGE_SHIFT + 9 * (3 - level);
}

/* Walk the tables of `cd` for input address `ia` (top byte already removed
 * under TBI0) and fill `e`; false with `f` set on a fault. Faults are
 * checked in the architecture's priority order: external abort, translation,
 * address size, access flag. Permissions are checked by the caller. */
static bool mmu_walk(struct npum *n, const struct mmu_cd *cd, uint64_t ia,
		     struct mmu_tlb_entry *e, struct mmu_fault *f)
{
	unsigned va_bits = 64 - cd->t0sz;
	unsigned level = 4 - (va_bits - NPU_MMU_PAGE_SHIFT + 8) / 9;
	uint64_t oa_limit = UINT64_C(1) << cd->oa_bits;
	uint64_t table = cd->ttb0;
	uint64_t table_attrs = 0; /* hierarchical APTable/XNTable bits collected so far */

	if (cd->epd0 || ia >> va_bits) /* no TTB1 range: EPD1 is ivpu's setting (§6) */
		return fault_set(f, NPU_MMU_EVT_F_TRANSLATION, NPU_MMU_EVT_CLASS_IN, false, 0);
	/* The start table is aligned to its size: lower TTB0 bits are ignored. */
	table &= ~((UINT64_C(8) << (va_bits - level_shift(level))) - 1);
	if (table >= oa_limit)
		return fault_set(f, NPU_MMU_EVT_F_ADDR_SIZE, NPU_MMU_EVT_CLASS_TT, false, 0);

	for (;; level++) {
		unsigned shift = level_shift(level);
		uint64_t daddr = table + ((ia >> shift) & (NPU_MMU_PGTABLE_ENTRIES - 1)) * 8;
		uint8_t raw[8];
		uint64_t desc, out, attrs;

		if (npum_dma_read(n, daddr, raw, sizeof(raw)))
			return fault_set(f, NPU_MMU_EVT_F_WALK_EABT, NPU_MMU_EVT_CLASS_TT, false, daddr);
		desc = le64_get(raw);
		if (!(desc & NPU_MMU_ENTRY_VALID))
			return fault_set(f, NPU_MMU_EVT_F_TRANSLATION, NPU_MMU_EVT_CLASS_IN, false, daddr);
		if (level < 3 && (desc & NPU_MMU_ENTRY_TABLE)) {
			table = desc & NPU_MMU_ENTRY_ADDR;
			if ((desc & NPU_MMU_ENTRY_ADDR_HI) || table >= oa_limit)
				return fault_set(f, NPU_MMU_EVT_F_ADDR_SIZE, NPU_MMU_EVT_CLASS_TT,
						 false, daddr);
			table_attrs |= desc;
			continue;
		}
		/* 4 KiB granule: blocks exist at levels 1 and 2 only; at level
		 * 3 the "table" bit marks a page and 0 is reserved. */
		if (level == 0 || (level == 3 && !(desc & NPU_MMU_ENTRY_TABLE)))
			return fault_set(f, NPU_MMU_EVT_F_TRANSLATION, NPU_MMU_EVT_CLASS_IN, false, daddr);
		out = desc & NPU_MMU_ENTRY_ADDR & ~((UINT64_C(1) << shift) - 1);
		if ((desc & NPU_MMU_ENTRY_ADDR_HI) || out >= oa_limit)
			return fault_set(f, NPU_MMU_EVT_F_ADDR_SIZE, NPU_MMU_EVT_CLASS_IN, false, daddr);
		if (!(desc & NPU_MMU_ENTRY_AF)) /* IDR0.HTTU = 0: no hardware AF update */
			return fault_set(f, NPU_MMU_EVT_F_ACCESS, NPU_MMU_EVT_CLASS_IN, false, daddr);

		attrs = cd->had0 ? 0 : table_attrs;
		e->vpn = ia >> NPU_MMU_PAGE_SHIFT;
		e->pa = out | (ia & ((UINT64_C(1) << shift) - 1) & ~MMU_PAGE_MASK);
		e->desc_addr = daddr;
		e->block_vpns = ~((UINT64_C(1) << (shift - NPU_MMU_PAGE_SHIFT)) - 1);
		e->asid = cd->asid;
		e->flags = TLB_VALID;
		if (!(desc & NPU_MMU_ENTRY_NG))
			e->flags |= TLB_GLOBAL;
		if ((desc & NPU_MMU_ENTRY_RO) || (attrs & NPU_MMU_TABLE_AP_RO))
			e->flags |= TLB_RO;
		if ((desc & NPU_MMU_ENTRY_USER) && !(attrs & NPU_MMU_TABLE_AP_NO_EL0))
			e->flags |= TLB_USER;
		if ((desc & NPU_MMU_ENTRY_UXN) || (attrs & NPU_MMU_TABLE_UXN))
			e->flags |= TLB_UXN;
		if ((desc & NPU_MMU_ENTRY_PXN) || (attrs & NPU_MMU_TABLE_PXN))
			e->flags |= TLB_PXN;
		return true;
	}
}

/* Stage-1 permission check (AArch64 EL1&0 regime). */
static bool perm_ok(const struct mmu_tlb_entry *e, const struct mmu_txn *t)
{
	bool user = e->flags & TLB_USER, ro = e->flags & TLB_RO;

	if (t->instr) {
		if (t->priv ? (e->flags & TLB_PXN) : (e->flags & TLB_UXN))
			return false;
		if (t->priv && user && !ro)
			return false; /* EL0-writable memory is never privileged-executable */
	}
	if (!t->priv && !user)
		return false;
	return !(t->write && ro);
}

/* ---- Translation ----------------------------------------------------------------- */

enum mmu_path {
	PATH_TRANSLATE,   /* stage 1 through *cd */
	PATH_BYPASS,      /* output address = input address */
	PATH_TERMINATE,   /* configuration fault or abort: the transaction aborts */
};

/* SID 0 is the control core behind TBU0, SID 3 the DMA engines behind TBU2
 * (regs_mmu.h); whether their transactions carry the SSID is set per TBU
 * and direction in HOST_IF_TBU_MMUSSIDV (hw-facts §2.2, §3.3). */
static bool tbu_carries_ssid(const struct npum *n, uint32_t sid, bool write)
{
	unsigned tbu;

	if (sid == NPU_MMU_SID_LRT)
		tbu = NPU_MMU_TBU_LRT;
	else if (sid == NPU_MMU_SID_DMA)
		tbu = NPU_MMU_TBU_DMA;
	else
		return false;
	return n->hs.tbu_mmussidv & (write ? NPU_TBU_AWMMUSSIDV(tbu) : NPU_TBU_ARMMUSSIDV(tbu));
}

/* STE.PRIVCFG / INSTCFG override the incoming attributes. Choice: the
 * NPU's masters issue unprivileged transactions. */
static void txn_apply_ste(struct mmu_txn *t, const struct mmu_ste *s)
{
	t->priv = s->privcfg == NPU_MMU_PRIVCFG_PRIV;
	if (s->instcfg == NPU_MMU_INSTCFG_DATA)
		t->instr = false;
	else if (s->instcfg == NPU_MMU_INSTCFG_INSTR)
		t->instr = !t->write;
}

static enum mmu_path terminate(struct mmu_fault *f, uint8_t event)
{
	config_fault(f, event, 0);
	return PATH_TERMINATE;
}

/* Find the STE and CD that govern the transaction (SMMUv3 configuration
 * lookup). */
static enum mmu_path mmu_resolve(struct npum *n, struct mmu_txn *t, const struct mmu_cd **cdp,
				 struct mmu_fault *f)
{
	const struct mmu_ste *s;
	uint32_t index = 0;

	/* Choice: with SMMUEN=0 transactions follow SMMU_GBPA, which the model
	 * fixes at ABORT=1: they abort and nothing is recorded. */
	if (!(mmu_of(n)->cr0 & NPU_MMU_CR0_SMMUEN))
		return terminate(f, 0);
	s = ste_get(n, t->sid, f);
	if (!s)
		return PATH_TERMINATE;
	txn_apply_ste(t, s);
	if (s->config == NPU_MMU_STE_CONFIG_ABORT)
		return terminate(f, 0);
	if (s->config == NPU_MMU_STE_CONFIG_BYPASS)
		return PATH_BYPASS;

	if (t->ssv) {
		if (!s->s1cdmax || (uint64_t)t->ssid >> s->s1cdmax ||
		    (s->s1dss == NPU_MMU_STE_S1DSS_SSID0 && t->ssid == 0))
			return terminate(f, NPU_MMU_EVT_C_BAD_SUBSTREAMID);
		index = t->ssid;
	} else if (s->s1cdmax) {
		if (s->s1dss == NPU_MMU_STE_S1DSS_TERMINATE)
			return terminate(f, NPU_MMU_EVT_F_STREAM_DISABLED);
		if (s->s1dss == NPU_MMU_STE_S1DSS_BYPASS)
			return PATH_BYPASS;
	}
	*cdp = cd_get(n, s, index, f);
	return *cdp ? PATH_TRANSLATE : PATH_TERMINATE;
}

/* Translate the page holding `va`: TLB first, else walk and fill. */
static bool mmu_translate_page(struct npum *n, const struct mmu_txn *t, const struct mmu_cd *cd,
			       uint64_t va, uint64_t *pa, struct mmu_fault *f)
{
	struct npum_mmu *m = mmu_of(n);
	uint64_t ia = cd->tbi0 ? va & NPU_GENMASK64(55, 0) : va;
	const struct mmu_tlb_entry *e = tlb_lookup(m, cd->asid, ia >> NPU_MMU_PAGE_SHIFT);
	struct mmu_tlb_entry fresh;

	if (e) {
		n->stats.mmu_tlb_hits++;
	} else {
		bool ok = mmu_walk(n, cd, ia, &fresh, f);

		n->stats.mmu_walks++;
		npum_trace_mmu_walk(n, t->sid, t->ssid, va,
				    ok ? fresh.pa | (va & MMU_PAGE_MASK) : UINT64_MAX,
				    mmu_acc_name(t->acc));
		if (!ok)
			return false;
		e = tlb_insert(m, &fresh);
	}
	if (!perm_ok(e, t))
		return fault_set(f, NPU_MMU_EVT_F_PERMISSION, NPU_MMU_EVT_CLASS_IN, false,
				 e->desc_addr);
	*pa = e->pa | (va & MMU_PAGE_MASK);
	return true;
}

/* Report a fault on one page and say whether it aborts the transaction.
 * Configuration errors always abort and are always recorded. Translation
 * faults are recorded only under CD.R and abort only under CD.A (else the
 * page reads as zero and ignores writes); F_WALK_EABT is an external abort
 * and is always recorded. */
static bool page_fault_aborts(struct npum *n, const struct mmu_txn *t, enum mmu_path path,
			      const struct mmu_cd *cd, const struct mmu_fault *f, uint64_t va)
{
	bool terminated = path == PATH_TERMINATE || f->config;

	mmu_report_fault(n, t, f, va,
			 terminated || f->event == NPU_MMU_EVT_F_WALK_EABT || cd->record);
	return terminated || cd->abort;
}

static struct mmu_shortcut *shortcut_slot(struct npum_mmu *m, const struct mmu_txn *t)
{
	unsigned kind = t->write ? 1 : (t->acc & NPUM_MMU_ACC_INSTR) ? 2 : 0;

	return &m->shortcut[(t->sid % 4) * MMU_SHORTCUT_KINDS + kind];
}

static const struct mmu_shortcut *shortcut_find(struct npum_mmu *m, const struct mmu_txn *t,
						uint64_t va, uint64_t len)
{
	const struct mmu_shortcut *sc = shortcut_slot(m, t);

	if (len > NPU_MMU_PAGE_SIZE - (va & MMU_PAGE_MASK))
		return NULL; /* crosses a page */
	if (sc->valid && sc->gen == m->gen && sc->vpn == va >> NPU_MMU_PAGE_SHIFT &&
	    sc->sid == t->sid && sc->ssv == t->ssv && sc->ssid == t->ssid)
		return sc;
	return NULL;
}

static void shortcut_store(struct npum_mmu *m, const struct mmu_txn *t, uint64_t va, uint64_t pa)
{
	struct mmu_shortcut *sc = shortcut_slot(m, t);

	sc->valid = true;
	sc->ssv = t->ssv;
	sc->sid = t->sid;
	sc->ssid = t->ssid;
	sc->vpn = va >> NPU_MMU_PAGE_SHIFT;
	sc->pa = pa & ~MMU_PAGE_MASK;
	sc->gen = m->gen;
}

/* The data phase at bus address pa; false on an external abort. */
static bool data_phase(struct npum *n, uint64_t pa, uint8_t *rbuf, const uint8_t *wbuf,
		       uint64_t len)
{
	return !(wbuf ? npum_dma_write(n, pa, wbuf, len) : npum_dma_read(n, pa, rbuf, len));
}

/* End a transaction with an abort; reads return zeros from here on. */
static int access_abort(uint8_t *rbuf, uint64_t done, uint64_t len, bool *faulted)
{
	if (faulted)
		*faulted = true;
	if (rbuf)
		memset(rbuf + done, 0, len - done);
	return NPUM_MMU_ABORT;
}

static int mmu_access(struct npum *n, uint32_t sid, uint32_t ssid, uint64_t va, uint8_t *rbuf,
		      const uint8_t *wbuf, uint64_t len, unsigned acc, bool *faulted)
{
	bool write = wbuf != NULL;
	struct mmu_txn t = {
		.sid = sid, .acc = acc, .write = write,
		.instr = !write && (acc & NPUM_MMU_ACC_INSTR),
	};
	const struct mmu_shortcut *sc;
	const struct mmu_cd *cd = NULL;
	struct mmu_fault f = { 0 };
	enum mmu_path path;
	uint64_t chunk;

	if (faulted)
		*faulted = false;
	if (!len)
		return NPUM_MMU_OK;
	t.ssv = tbu_carries_ssid(n, sid, write);
	t.ssid = t.ssv ? ssid : 0;

	sc = shortcut_find(mmu_of(n), &t, va, len);
	if (sc) {
		n->stats.mmu_tlb_hits++;
		if (!data_phase(n, sc->pa | (va & MMU_PAGE_MASK), rbuf, wbuf, len))
			return access_abort(rbuf, 0, len, faulted);
		return NPUM_MMU_OK;
	}

	/* The configuration cannot change within one access: look it up once,
	 * then translate each page on its own. */
	path = mmu_resolve(n, &t, &cd, &f);
	for (uint64_t done = 0; done < len; done += chunk) {
		uint64_t addr = va + done, pa = addr;

		chunk = NPU_MMU_PAGE_SIZE - (addr & MMU_PAGE_MASK);
		if (chunk > len - done)
			chunk = len - done;
		if (path == PATH_TERMINATE ||
		    (path == PATH_TRANSLATE && !mmu_translate_page(n, &t, cd, addr, &pa, &f))) {
			if (page_fault_aborts(n, &t, path, cd, &f, addr))
				return access_abort(rbuf, done, len, faulted);
			if (faulted)
				*faulted = true;
			if (rbuf)
				memset(rbuf + done, 0, chunk); /* read-as-zero, write-ignored */
			continue;
		}
		if (path == PATH_TRANSLATE)
			shortcut_store(mmu_of(n), &t, addr, pa);
		if (!data_phase(n, pa, rbuf ? rbuf + done : NULL, wbuf ? wbuf + done : NULL, chunk))
			return access_abort(rbuf, done, len, faulted);
	}
	return NPUM_MMU_OK;
}

int npum_mmu_read(struct npum *n, unsigned sid, uint32_t ssid, uint64_t va, void *buf,
		 uint64_t len, unsigned acc, bool *faulted)
{
	return mmu_access(n, sid, ssid, va, buf, NULL, len, acc & NPUM_MMU_ACC_INSTR, faulted);
}

int npum_mmu_write(struct npum *n, unsigned sid, uint32_t ssid, uint64_t va, const void *buf,
		  uint64_t len, bool *faulted)
{
	return mmu_access(n, sid, ssid, va, NULL, buf, len, NPUM_MMU_ACC_WRITE, faulted);
}

/* An engine's translation of the page holding va: the engines move data
 * themselves (engines/dma.c), off the model's thread, so they ask for bus
 * addresses once per page instead of going through mmu_access. Every fault
 * is final for the engine, whatever CD.A says (docs/deviations.md); it is
 * recorded exactly as an access would record it. */
int npum_mmu_translate(struct npum *n, unsigned sid, uint32_t ssid, uint64_t va, bool write,
		       uint64_t *pa)
{
	struct mmu_txn t = {
		.sid = sid, .write = write,
		.acc = write ? NPUM_MMU_ACC_WRITE : NPUM_MMU_ACC_READ,
	};
	const struct mmu_cd *cd = NULL;
	struct mmu_fault f = { 0 };
	enum mmu_path path;

	t.ssv = tbu_carries_ssid(n, sid, write);
	t.ssid = t.ssv ? ssid : 0;
	path = mmu_resolve(n, &t, &cd, &f);
	if (path == PATH_BYPASS) {
		*pa = va;
		return NPUM_MMU_OK;
	}
	if (path == PATH_TRANSLATE && mmu_translate_page(n, &t, cd, va, pa, &f))
		return NPUM_MMU_OK;
	if (page_fault_aborts(n, &t, path, cd, &f, va))
		return NPUM_MMU_ABORT;
	return NPUM_MMU_FAULT;
}

/* ---- Command queue ------------------------------------------------------------- */

static bool cmd_nop(struct npum *n, uint64_t d0, uint64_t d1)
{
	return true;
}

static bool cmd_cfgi_ste(struct npum *n, uint64_t d0, uint64_t d1)
{
	/* Choice: invalidating an STE also drops the CDs fetched through it,
	 * whatever Leaf says (over-invalidation is always permitted). */
	cfg_invalidate_streams(mmu_of(n), NPU_FLD_GET(NPU_MMU_CMD_CFGI_0_SID, d0), 1);
	return true;
}

/* CFGI_STE_RANGE; ivpu's "CFGI_ALL" is this command with Range = 31. */
static bool cmd_cfgi_ste_range(struct npum *n, uint64_t d0, uint64_t d1)
{
	unsigned range = (unsigned)NPU_FLD_GET(NPU_MMU_CMD_CFGI_1_RANGE, d1);
	uint64_t count = UINT64_C(2) << range;
	uint64_t first = NPU_FLD_GET(NPU_MMU_CMD_CFGI_0_SID, d0) & ~(count - 1);

	cfg_invalidate_streams(mmu_of(n), first, count);
	return true;
}

static bool cmd_cfgi_cd(struct npum *n, uint64_t d0, uint64_t d1)
{
	cfg_invalidate_cd(mmu_of(n), (uint32_t)NPU_FLD_GET(NPU_MMU_CMD_CFGI_0_SID, d0),
			  (uint32_t)NPU_FLD_GET(NPU_MMU_CMD_CFGI_0_SSID, d0));
	return true;
}

static bool cmd_cfgi_cd_all(struct npum *n, uint64_t d0, uint64_t d1)
{
	struct npum_mmu *m = mmu_of(n);
	uint32_t sid = (uint32_t)NPU_FLD_GET(NPU_MMU_CMD_CFGI_0_SID, d0);

	for (unsigned i = 0; i < MMU_CD_CACHE; i++)
		if (m->cd[i].sid == sid)
			m->cd[i].cached = false;
	return true;
}

/* TLBI_NH_ALL, TLBI_NSNH_ALL, and TLBI_EL2_ALL. The TLB only holds NS-EL1
 * entries; dropping them all on TLBI_EL2_ALL is over-invalidation, which
 * the architecture permits (and the brief asks for). */
static bool cmd_tlbi_all(struct npum *n, uint64_t d0, uint64_t d1)
{
	tlb_invalidate(mmu_of(n), TLBI_ALL, 0, 0);
	return true;
}

static bool cmd_tlbi_nh_asid(struct npum *n, uint64_t d0, uint64_t d1)
{
	tlb_invalidate(mmu_of(n), TLBI_ASID, (uint16_t)NPU_FLD_GET(NPU_MMU_CMD_TLBI_0_ASID, d0), 0);
	return true;
}

static bool cmd_tlbi_nh_va(struct npum *n, uint64_t d0, uint64_t d1)
{
	tlb_invalidate(mmu_of(n), TLBI_VA, (uint16_t)NPU_FLD_GET(NPU_MMU_CMD_TLBI_0_ASID, d0),
		       (d1 & NPU_MMU_CMD_TLBI_1_ADDR) >> NPU_MMU_PAGE_SHIFT);
	return true;
}

static bool cmd_tlbi_nh_vaa(struct npum *n, uint64_t d0, uint64_t d1)
{
	tlb_invalidate(mmu_of(n), TLBI_VAA, 0, (d1 & NPU_MMU_CMD_TLBI_1_ADDR) >> NPU_MMU_PAGE_SHIFT);
	return true;
}

/* CMD_SYNC: every earlier command has completed by the time this one is
 * consumed (processing is synchronous). CS=IRQ raises the sync interrupt
 * through the ICB (hw-facts §6). Choice: no MSI write is made (the NPU
 * wires its SMMU interrupts to the ICB) and CS=SEV has no visible effect. */
static bool cmd_sync(struct npum *n, uint64_t d0, uint64_t d1)
{
	uint64_t cs = NPU_FLD_GET(NPU_MMU_CMD_SYNC_0_CS, d0);

	if (cs == 0x3)
		return false; /* reserved */
	if (cs == NPU_MMU_SYNC_CS_IRQ)
		npum_icb_raise(n, 0, NPU_ICB_0_MMU_IRQ_1_SYNC);
	return true;
}

struct mmu_cmd_desc {
	uint8_t opcode;
	const char *name;
	uint64_t d0_fields, d1_fields;   /* bits that may be non-zero; the rest are RES0 */
	bool (*exec)(struct npum *n, uint64_t d0, uint64_t d1);
};

#define CMD_OP          NPU_MMU_CMD_OPCODE
#define CMD_SID         NPU_MMU_CMD_CFGI_0_SID
#define CMD_TLBI_D1     (NPU_MMU_CMD_TLBI_1_LEAF | NPU_MMU_CMD_TLBI_1_TTL | NPU_MMU_CMD_TLBI_1_TG | \
			 NPU_MMU_CMD_TLBI_1_ADDR)

/* The stage-1 command set of SMMUv3 (the commands ivpu issues, plus the
 * other stage-1 TLB invalidations). */
static const struct mmu_cmd_desc mmu_cmds[] = {
	{ NPU_MMU_CMD_PREFETCH_CFG, "PREFETCH_CFG",
	  CMD_OP | NPU_MMU_CMD_CFGI_0_SSV | NPU_MMU_CMD_CFGI_0_SSID | CMD_SID, 0, cmd_nop },
	{ NPU_MMU_CMD_CFGI_STE, "CFGI_STE", CMD_OP | CMD_SID, NPU_MMU_CMD_CFGI_1_LEAF, cmd_cfgi_ste },
	{ NPU_MMU_CMD_CFGI_ALL, "CFGI_STE_RANGE", CMD_OP | CMD_SID, NPU_MMU_CMD_CFGI_1_RANGE,
	  cmd_cfgi_ste_range },
	{ NPU_MMU_CMD_CFGI_CD, "CFGI_CD", CMD_OP | NPU_MMU_CMD_CFGI_0_SSID | CMD_SID,
	  NPU_MMU_CMD_CFGI_1_LEAF, cmd_cfgi_cd },
	{ NPU_MMU_CMD_CFGI_CD_ALL, "CFGI_CD_ALL", CMD_OP | CMD_SID, 0, cmd_cfgi_cd_all },
	{ NPU_MMU_CMD_TLBI_NH_ALL, "TLBI_NH_ALL", CMD_OP | NPU_MMU_CMD_TLBI_0_VMID, 0, cmd_tlbi_all },
	{ NPU_MMU_CMD_TLBI_NH_ASID, "TLBI_NH_ASID",
	  CMD_OP | NPU_MMU_CMD_TLBI_0_VMID | NPU_MMU_CMD_TLBI_0_ASID, 0, cmd_tlbi_nh_asid },
	{ NPU_MMU_CMD_TLBI_NH_VA, "TLBI_NH_VA",
	  CMD_OP | NPU_MMU_CMD_TLBI_0_VMID | NPU_MMU_CMD_TLBI_0_ASID, CMD_TLBI_D1, cmd_tlbi_nh_va },
	{ NPU_MMU_CMD_TLBI_NH_VAA, "TLBI_NH_VAA", CMD_OP | NPU_MMU_CMD_TLBI_0_VMID, CMD_TLBI_D1,
	  cmd_tlbi_nh_vaa },
	{ NPU_MMU_CMD_TLBI_EL2_ALL, "TLBI_EL2_ALL", CMD_OP, 0, cmd_tlbi_all },
	{ NPU_MMU_CMD_TLBI_NSNH_ALL, "TLBI_NSNH_ALL", CMD_OP, 0, cmd_tlbi_all },
	{ NPU_MMU_CMD_SYNC, "CMD_SYNC",
	  CMD_OP | NPU_MMU_CMD_SYNC_0_CS | NPU_MMU_CMD_SYNC_0_MSH | NPU_MMU_CMD_SYNC_0_MSIATTR |
	  NPU_MMU_CMD_SYNC_0_MSIDATA, NPU_MMU_CMD_SYNC_1_MSIADDR, cmd_sync },
};

static const struct mmu_cmd_desc *cmd_find(uint8_t opcode)
{
	for (size_t i = 0; i < sizeof(mmu_cmds) / sizeof(mmu_cmds[0]); i++)
		if (mmu_cmds[i].opcode == opcode)
			return &mmu_cmds[i];
	return NULL;
}

/* Stop at the failing command: CONS stays on it, CONS.ERR says why and
 * GERROR.CMDQ_ERR becomes active until the host acknowledges. */
static void cmdq_error(struct npum *n, uint8_t cerror)
{
	mmu_of(n)->cmdq_err = cerror;
	gerror_raise(n, NPU_MMU_GERROR_CMDQ_ERR);
}

/* Execute one command; false if it is illegal. */
static bool cmdq_execute(struct npum *n, uint64_t d0, uint64_t d1, uint32_t index)
{
	uint8_t opcode = (uint8_t)NPU_FLD_GET(NPU_MMU_CMD_OPCODE, d0);
	const struct mmu_cmd_desc *c = cmd_find(opcode);

	npum_trace_mmu_cmd(n, c ? c->name : "ILLEGAL", d0, d1, index);
	if (!c) {
		npum_guest_error(n, "MMU command queue entry %u: unknown opcode 0x%02x "
				"(0x%016llx 0x%016llx)", index, opcode, (unsigned long long)d0,
				(unsigned long long)d1);
		return false;
	}
	if ((d0 & ~c->d0_fields) || (d1 & ~c->d1_fields) || !c->exec(n, d0, d1)) {
		npum_guest_error(n, "MMU command queue entry %u: %s with reserved fields set "
				"(0x%016llx 0x%016llx)", index, c->name, (unsigned long long)d0,
				(unsigned long long)d1);
		return false;
	}
	return true;
}

/* Consume commands from CONS up to PROD. At most one queue's worth per
 * call, so no PROD value can make this loop forever. */
static void cmdq_process(struct npum *n)
{
	struct npum_mmu *m = mmu_of(n);
	unsigned log2 = q_log2(&m->cmdq, MMU_CMDQ_LOG2MAX);

	if (!(m->cr0 & NPU_MMU_CR0_CMDQEN) || gerror_active(m, NPU_MMU_GERROR_CMDQ_ERR) ||
	    m->cmdq_running)
		return;
	m->cmdq_running = true;
	for (uint32_t budget = 1u << log2; budget && !q_empty(m->cmdq.prod, m->cmdq.cons, log2);
	     budget--) {
		uint64_t addr = q_entry_addr(&m->cmdq, m->cmdq.cons, log2, NPU_MMU_CMD_SIZE);
		uint8_t raw[NPU_MMU_CMD_SIZE];

		if (npum_dma_read(n, addr, raw, sizeof(raw))) {
			cmdq_error(n, NPU_MMU_CERROR_ABT);
			break;
		}
		if (!cmdq_execute(n, le64_get(raw), le64_get(raw + 8), q_index(m->cmdq.cons, log2))) {
			cmdq_error(n, NPU_MMU_CERROR_ILL);
			break;
		}
		m->cmdq.cons = q_next(m->cmdq.cons, log2);
		/* A command may have changed the state (an IRQ callback may
		 * even have disabled the queue). */
		if (!(m->cr0 & NPU_MMU_CR0_CMDQEN))
			break;
	}
	m->cmdq_running = false;
}

/* ---- Registers ------------------------------------------------------------------ */

static bool reg_writable(struct npum *n, const struct npum_reg *r, uint32_t cr0_bits,
			 const char *what)
{
	if (!(mmu_of(n)->cr0 & cr0_bits))
		return true;
	/* SMMUv3: the register is only writable while `what` is disabled. */
	npum_guest_error(n, "MMU %s written while %s is enabled: ignored", r->name, what);
	return false;
}

static uint32_t reg_defined(struct npum *n, const struct npum_reg *r, uint64_t v, uint64_t defined)
{
	if (v & ~defined)
		npum_guest_error(n, "MMU %s: reserved bits 0x%llx written", r->name,
				(unsigned long long)(v & ~defined));
	return (uint32_t)(v & defined);
}

/* Replace the low or high half of a 64-bit base register (the dispatcher
 * splits 64-bit accesses, low half first). */
static void base_write_half(uint64_t *base, const struct npum_reg *r, uint32_t lo_offset,
			    uint32_t v)
{
	if (r->offset == lo_offset)
		*base = (*base & ~(uint64_t)UINT32_MAX) | v;
	else
		*base = (*base & UINT32_MAX) | (uint64_t)v << 32;
}

static uint64_t base_half(uint64_t base, const struct npum_reg *r, uint32_t lo_offset)
{
	return r->offset == lo_offset ? (uint32_t)base : base >> 32;
}

static uint64_t base_defined_half(const struct npum_reg *r, uint32_t lo_offset, uint64_t defined)
{
	return r->offset == lo_offset ? (uint32_t)defined : defined >> 32;
}

/* Queue pointers beyond the queue are reported; the SMMU only looks at the
 * index and wrap bits of the current size. */
static uint32_t queue_ptr_write(struct npum *n, const struct npum_reg *r, uint64_t v,
				uint64_t extra_bits, unsigned log2)
{
	uint32_t ptr = reg_defined(n, r, v, NPU_MMU_Q_PTR | extra_bits);

	if (ptr & NPU_MMU_Q_PTR & ~q_ptr_mask(log2))
		npum_guest_error(n, "MMU %s = 0x%x points beyond a queue of 2^%u entries", r->name,
				ptr, log2);
	return ptr;
}

static void cmdq_prod_write(struct npum *n, const struct npum_reg *r, uint64_t v)
{
	struct npum_mmu *m = mmu_of(n);
	unsigned log2 = q_log2(&m->cmdq, MMU_CMDQ_LOG2MAX);

	m->cmdq.prod = queue_ptr_write(n, r, v, 0, log2);
	if (q_used(m->cmdq.prod, m->cmdq.cons, log2) > 1u << log2)
		npum_guest_error(n, "MMU CMDQ_PROD 0x%x is more than a queue ahead of CONS 0x%x",
				m->cmdq.prod, m->cmdq.cons);
	cmdq_process(n);
}

static void cr0_write(struct npum *n, const struct npum_reg *r, uint64_t v)
{
	struct npum_mmu *m = mmu_of(n);
	uint32_t old = m->cr0;

	/* CR0ACK follows at once (ivpu polls it, hw-facts §6). Choice: SMMUEN
	 * 1->0 keeps the caches, as hardware may; PRIQEN is acknowledged but
	 * there is no PRI queue. */
	m->cr0 = reg_defined(n, r, v, NPU_MMU_CR0_DEFINED);
	if ((m->cr0 & NPU_MMU_CR0_CMDQEN) && !(old & NPU_MMU_CR0_CMDQEN))
		cmdq_process(n);
}

static void gerrorn_write(struct npum *n, const struct npum_reg *r, uint64_t v)
{
	struct npum_mmu *m = mmu_of(n);
	uint32_t changed = (reg_defined(n, r, v, NPU_MMU_GERROR_DEFINED) ^ m->gerrorn);
	uint32_t acks = changed & (m->gerror ^ m->gerrorn);
	bool cmdq_acked = acks & NPU_MMU_GERROR_CMDQ_ERR;

	if (changed & ~acks)
		npum_guest_error(n, "MMU GERRORN: bits 0x%x toggled with no active error: ignored",
				changed & ~acks);
	m->gerrorn ^= acks;
	if (cmdq_acked) {
		/* Processing resumes at CONS: the host may have fixed the command. */
		m->cmdq_err = NPU_MMU_CERROR_NONE;
		cmdq_process(n);
	}
}

static uint64_t mmu_reg_read(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	struct npum_mmu *m = mmu_of(n);

	switch (r->offset) {
	case NPU_MMU_IDR0:            return NPU_MMU_IDR0_VALUE;
	case NPU_MMU_IDR1:            return NPU_MMU_IDR1_VALUE;
	case NPU_MMU_IDR3:            return NPU_MMU_IDR3_VALUE;
	case NPU_MMU_IDR5:            return NPU_MMU_IDR5_VALUE;
	case NPU_MMU_CR0:
	case NPU_MMU_CR0ACK:          return m->cr0;
	case NPU_MMU_CR1:             return m->cr1;
	case NPU_MMU_CR2:             return m->cr2;
	case NPU_MMU_IRQ_CTRL:
	case NPU_MMU_IRQ_CTRLACK:     return m->irq_ctrl;
	case NPU_MMU_GERROR:          return m->gerror;
	case NPU_MMU_GERRORN:         return m->gerrorn;
	case NPU_MMU_STRTAB_BASE:
	case NPU_MMU_STRTAB_BASE_HI:  return base_half(m->strtab_base, r, NPU_MMU_STRTAB_BASE);
	case NPU_MMU_STRTAB_BASE_CFG: return m->strtab_cfg;
	case NPU_MMU_CMDQ_BASE:
	case NPU_MMU_CMDQ_BASE_HI:    return base_half(m->cmdq.base, r, NPU_MMU_CMDQ_BASE);
	case NPU_MMU_CMDQ_PROD:       return m->cmdq.prod;
	case NPU_MMU_CMDQ_CONS:
		return m->cmdq.cons | NPU_FLD_PREP(NPU_MMU_CMDQ_CONS_ERR, m->cmdq_err);
	case NPU_MMU_EVTQ_BASE:
	case NPU_MMU_EVTQ_BASE_HI:    return base_half(m->evtq.base, r, NPU_MMU_EVTQ_BASE);
	case NPU_MMU_EVTQ_PROD:
	case NPU_MMU_EVTQ_PROD_PAGE1:
		return m->evtq.prod | (m->evtq_ovflg ? NPU_MMU_Q_OVFLG : 0);
	case NPU_MMU_EVTQ_CONS:
	case NPU_MMU_EVTQ_CONS_PAGE1:
		return m->evtq.cons | (m->evtq_ovackflg ? NPU_MMU_Q_OVFLG : 0);
	default:                      return 0; /* IDR2, IDR4, IIDR, AIDR */
	}
}

static void mmu_reg_write(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	struct npum_mmu *m = mmu_of(n);
	const uint32_t queues_and_smmu = NPU_MMU_CR0_SMMUEN | NPU_MMU_CR0_PRIQEN |
					 NPU_MMU_CR0_EVTQEN | NPU_MMU_CR0_CMDQEN;
	const uint64_t strtab_defined = NPU_MMU_STRTAB_BASE_RA | NPU_MMU_STRTAB_BASE_ADDR;
	const uint64_t q_defined = NPU_MMU_Q_BASE_RWA | NPU_MMU_Q_BASE_ADDR | NPU_MMU_Q_BASE_LOG2SIZE;

	switch (r->offset) {
	case NPU_MMU_CR0:
		cr0_write(n, r, v);
		break;
	case NPU_MMU_CR1:
		if (reg_writable(n, r, queues_and_smmu, "the SMMU or a queue"))
			m->cr1 = reg_defined(n, r, v, NPU_GENMASK(11, 0));
		break;
	case NPU_MMU_CR2:
		if (reg_writable(n, r, NPU_MMU_CR0_SMMUEN, "the SMMU"))
			m->cr2 = reg_defined(n, r, v, NPU_MMU_CR2_DEFINED);
		break;
	case NPU_MMU_IRQ_CTRL:
		m->irq_ctrl = reg_defined(n, r, v, NPU_MMU_IRQ_CTRL_DEFINED);
		break;
	case NPU_MMU_GERRORN:
		gerrorn_write(n, r, v);
		break;
	case NPU_MMU_STRTAB_BASE:
	case NPU_MMU_STRTAB_BASE_HI:
		if (reg_writable(n, r, NPU_MMU_CR0_SMMUEN, "the SMMU"))
			base_write_half(&m->strtab_base, r, NPU_MMU_STRTAB_BASE,
					reg_defined(n, r, v, base_defined_half(r, NPU_MMU_STRTAB_BASE,
									       strtab_defined)));
		break;
	case NPU_MMU_STRTAB_BASE_CFG:
		if (!reg_writable(n, r, NPU_MMU_CR0_SMMUEN, "the SMMU"))
			break;
		m->strtab_cfg = reg_defined(n, r, v, NPU_MMU_STRTAB_CFG_LOG2SIZE |
					    NPU_MMU_STRTAB_CFG_SPLIT | NPU_MMU_STRTAB_CFG_FMT);
		if (NPU_FLD_GET(NPU_MMU_STRTAB_CFG_FMT, m->strtab_cfg) != NPU_MMU_STRTAB_FMT_LINEAR)
			npum_guest_error(n, "MMU STRTAB_BASE_CFG: only the linear stream table format "
					"is modelled (FMT %llu): every StreamID will be rejected",
					(unsigned long long)NPU_FLD_GET(NPU_MMU_STRTAB_CFG_FMT,
									 m->strtab_cfg));
		break;
	case NPU_MMU_CMDQ_BASE:
	case NPU_MMU_CMDQ_BASE_HI:
		if (reg_writable(n, r, NPU_MMU_CR0_CMDQEN, "the command queue"))
			base_write_half(&m->cmdq.base, r, NPU_MMU_CMDQ_BASE,
					reg_defined(n, r, v, base_defined_half(r, NPU_MMU_CMDQ_BASE,
									       q_defined)));
		break;
	case NPU_MMU_CMDQ_PROD:
		cmdq_prod_write(n, r, v);
		break;
	case NPU_MMU_CMDQ_CONS:
		if (reg_writable(n, r, NPU_MMU_CR0_CMDQEN, "the command queue"))
			m->cmdq.cons = queue_ptr_write(n, r, v & ~(uint64_t)NPU_MMU_CMDQ_CONS_ERR, 0,
						       q_log2(&m->cmdq, MMU_CMDQ_LOG2MAX));
		break;
	case NPU_MMU_EVTQ_BASE:
	case NPU_MMU_EVTQ_BASE_HI:
		if (reg_writable(n, r, NPU_MMU_CR0_EVTQEN, "the event queue"))
			base_write_half(&m->evtq.base, r, NPU_MMU_EVTQ_BASE,
					reg_defined(n, r, v, base_defined_half(r, NPU_MMU_EVTQ_BASE,
									       q_defined)));
		break;
	case NPU_MMU_EVTQ_PROD:
	case NPU_MMU_EVTQ_PROD_PAGE1:
		if (reg_writable(n, r, NPU_MMU_CR0_EVTQEN, "the event queue")) {
			uint32_t p = queue_ptr_write(n, r, v, NPU_MMU_Q_OVFLG,
						     q_log2(&m->evtq, MMU_EVTQ_LOG2MAX));

			m->evtq.prod = p & NPU_MMU_Q_PTR;
			m->evtq_ovflg = p & NPU_MMU_Q_OVFLG;
		}
		break;
	case NPU_MMU_EVTQ_CONS:
	case NPU_MMU_EVTQ_CONS_PAGE1: {
		uint32_t c = queue_ptr_write(n, r, v, NPU_MMU_Q_OVFLG,
					     q_log2(&m->evtq, MMU_EVTQ_LOG2MAX));

		m->evtq.cons = c & NPU_MMU_Q_PTR;
		m->evtq_ovackflg = c & NPU_MMU_Q_OVFLG;
		break;
	}
	default:
		break; /* only read-only registers are left, and the dispatcher stops those */
	}
	/* Retire every translation shortcut. Commands only run from here
	 * (CMDQ_PROD, CR0, GERRORN), so this covers their invalidations too. */
	m->gen++;
}

#define MMU_RO(id) REG_RO(id, mmu_reg_read)
#define MMU_RW(id) REG_RW(id, mmu_reg_read, mmu_reg_write)

/* Sorted by offset. The 64-bit base registers are two 32-bit halves; the
 * dispatcher splits ivpu's 64-bit writes low half first (hw-facts §1.2). */
static const struct npum_reg mmu_regs[] = {
	MMU_RO(MMU_IDR0),
	MMU_RO(MMU_IDR1),
	MMU_RO(MMU_IDR2),
	MMU_RO(MMU_IDR3),
	MMU_RO(MMU_IDR4),
	MMU_RO(MMU_IDR5),
	MMU_RO(MMU_IIDR),
	MMU_RO(MMU_AIDR),
	MMU_RW(MMU_CR0),
	MMU_RO(MMU_CR0ACK),
	MMU_RW(MMU_CR1),
	MMU_RW(MMU_CR2),
	MMU_RW(MMU_IRQ_CTRL),
	MMU_RO(MMU_IRQ_CTRLACK),
	MMU_RO(MMU_GERROR),
	MMU_RW(MMU_GERRORN),
	MMU_RW(MMU_STRTAB_BASE),
	MMU_RW(MMU_STRTAB_BASE_HI),
	MMU_RW(MMU_STRTAB_BASE_CFG),
	MMU_RW(MMU_CMDQ_BASE),
	MMU_RW(MMU_CMDQ_BASE_HI),
	MMU_RW(MMU_CMDQ_PROD),
	MMU_RW(MMU_CMDQ_CONS),
	MMU_RW(MMU_EVTQ_BASE),
	MMU_RW(MMU_EVTQ_BASE_HI),
	MMU_RW(MMU_EVTQ_PROD),
	MMU_RW(MMU_EVTQ_CONS),
	MMU_RW(MMU_EVTQ_PROD_PAGE1),
	MMU_RW(MMU_EVTQ_CONS_PAGE1),
};

static const struct npum_window mmu_windows[] = {
	NPUM_WINDOW("MMU", NPU_BAR_REGV, NPU_MMU_BASE, NPU_MMU_SIZE, true, mmu_regs),
};

/* IP reset: registers to their reset values and every cache emptied. */
static void mmu_ip_reset(struct npum *n)
{
	memset(mmu_of(n), 0, sizeof(struct npum_mmu));
}

const struct npum_block npum_block_mmu = {
	.name = "mmu",
	.windows = NPUM_WINDOWS(mmu_windows),
	.priv_size = sizeof(struct npum_mmu),
	.ip_reset = mmu_ip_reset,
};
