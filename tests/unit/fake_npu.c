/* SPDX-License-Identifier: MIT */
/*
 * The scriptable fake NPU of the driver unit tests (fake_npu.h).
 *
 * It is deliberately not the device model: just enough behaviour for the
 * driver's sequences to succeed by default, with every handshake, read-back
 * and firmware reaction open to scripting, and every access recorded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_npu.h"
#include "intel-npu/bits.h"
#include "intel-npu/boot_params.h"
#include "intel-npu/fw_header.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"

#define BAR0_SLOTS 4096
#define FAKE_DMA_BASE 0x1000000000ull

enum { EV_WP_DONE, EV_D0I3_DONE, EV_IP_RESET_DONE, EV_FW_BOOT, EV_FW_REQ, EV_FW_JOBS };

struct npu_os {
	struct fake_npu *f;
};

static struct fake_npu *pending;
static char open_err[256];

/* The backend table of the unit tests: only the fake. */
const struct npu_os_ops *const npu_os_backends[] = { &npu_os_fake, NULL };

const struct npu_os_ops *npu_os_find(const char *name)
{
	return !strcmp(name, "fake") ? &npu_os_fake : NULL;
}

/* ---- Log capture ---------------------------------------------------------------- */

char fake_log_text[65536];
static size_t fake_log_len;

void fake_log_clear(void)
{
	fake_log_len = 0;
	fake_log_text[0] = '\0';
}

bool fake_log_has(const char *needle)
{
	return strstr(fake_log_text, needle) != NULL;
}

static void capture_log(void *user, enum npu_log_level level, const char *line)
{
	size_t n = strlen(line);

	if (getenv("FAKE_NPU_VERBOSE"))
		fprintf(stderr, "  [drv %d] %s\n", level, line);
	if (fake_log_len + n + 2 > sizeof(fake_log_text))
		fake_log_clear();
	memcpy(fake_log_text + fake_log_len, line, n);
	fake_log_len += n;
	fake_log_text[fake_log_len++] = '\n';
	fake_log_text[fake_log_len] = '\0';
}

/* ---- Registers --------------------------------------------------------------------- */

static uint32_t *bar0_slot(struct fake_npu *f, uint32_t off, bool create)
{
	uint32_t h = (off * 2654435761u) >> 20;

	for (unsigned i = 0; i < BAR0_SLOTS; i++) {
		unsigned s = (h + i) % BAR0_SLOTS;

		if (f->bar0[s].used && f->bar0[s].off == off)
			return &f->bar0[s].val;
		if (!f->bar0[s].used) {
			if (!create)
				return NULL;
			f->bar0[s].used = true;
			f->bar0[s].off = off;
			f->bar0[s].val = 0;
			return &f->bar0[s].val;
		}
	}
	abort();
}

uint32_t fake_reg(struct fake_npu *f, unsigned bar, uint32_t off)
{
	uint32_t *p;

	if (bar == NPU_BAR_REGB)
		return f->bar4[(off / 4) % 1024];
	p = bar0_slot(f, off, false);
	return p ? *p : 0;
}

void fake_set_reg(struct fake_npu *f, unsigned bar, uint32_t off, uint32_t val)
{
	if (bar == NPU_BAR_REGB)
		f->bar4[(off / 4) % 1024] = val;
	else
		*bar0_slot(f, off, true) = val;
}

void fake_force_read(struct fake_npu *f, unsigned bar, uint32_t off, uint32_t val)
{
	for (unsigned i = 0; i < f->n_force; i++) {
		if (f->force[i].bar == bar && f->force[i].off == off) {
			f->force[i].val = val;
			return;
		}
	}
	if (f->n_force < FAKE_FORCE_MAX) {
		f->force[f->n_force].bar = bar;
		f->force[f->n_force].off = off;
		f->force[f->n_force].val = val;
		f->n_force++;
	}
}

void fake_unforce(struct fake_npu *f, unsigned bar, uint32_t off)
{
	for (unsigned i = 0; i < f->n_force; i++) {
		if (f->force[i].bar == bar && f->force[i].off == off) {
			f->force[i] = f->force[--f->n_force];
			return;
		}
	}
}

static bool forced(struct fake_npu *f, unsigned bar, uint32_t off, uint32_t *val)
{
	for (unsigned i = 0; i < f->n_force; i++) {
		if (f->force[i].bar == bar && f->force[i].off == off) {
			*val = f->force[i].val;
			return true;
		}
	}
	return false;
}

static void record(struct fake_npu *f, enum fake_op op, unsigned bar, uint32_t off, uint64_t val)
{
	if (f->n_log < FAKE_LOG_MAX)
		f->log[f->n_log] = (struct fake_access){ op, bar, off, val, f->now_ns };
	f->n_log++;
}

static void problem(struct fake_npu *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->last_problem, sizeof(f->last_problem), fmt, ap);
	va_end(ap);
	if (getenv("FAKE_NPU_VERBOSE"))
		fprintf(stderr, "  [fake] %s\n", f->last_problem);
}

/* ---- Events --------------------------------------------------------------------------- */

static void schedule(struct fake_npu *f, uint64_t delay_ns, int kind, uint64_t arg)
{
	if (f->n_events == FAKE_EVENTS_MAX)
		abort();
	f->events[f->n_events++] = (struct fake_event){ f->now_ns + delay_ns, kind, arg };
}

static void cancel(struct fake_npu *f, int kind)
{
	for (unsigned i = 0; i < f->n_events;)
		if (f->events[i].kind == kind)
			f->events[i] = f->events[--f->n_events];
		else
			i++;
}

static uint32_t icb_status0(struct fake_npu *f)
{
	return f->icb_status[0] | (f->to_host_n || f->pop_errors ? NPU_ICB_0_HOST_IPC_FIFO : 0);
}

static bool irq_suppress;

static void update_irq(struct fake_npu *f)
{
	uint64_t icb = 0;
	uint32_t btrs = f->bar4[NPU_BTRS_INTERRUPT_STAT / 4] & ~f->bar4[NPU_BTRS_LOCAL_INT_MASK / 4];
	bool line;

	if (f->powered)
		icb = (icb_status0(f) & fake_reg(f, NPU_BAR_REGV, NPU_HOST_SS_ICB_ENABLE_0)) |
		      (f->icb_status[1] & fake_reg(f, NPU_BAR_REGV, NPU_HOST_SS_ICB_ENABLE_1));
	line = !(f->bar4[NPU_BTRS_GLOBAL_INT_MASK / 4] & NPU_BTRS_GLOBAL_INT_MASK_MASKED) &&
	       (icb || (btrs & NPU_BTRS_INTERRUPT_STAT_ALL));
	if (line && !f->line && !irq_suppress && (f->pci_command & 0x4)) {
		f->msis++;
		if (f->msi_enabled)
			f->msi_pending = true;
	}
	irq_suppress = false;
	f->line = line;
}

static void ip_reset(struct fake_npu *f)
{
	memset(f->bar0, 0, BAR0_SLOTS * sizeof(*f->bar0));
	f->icb_status[0] = f->icb_status[1] = 0;
	f->to_fw_n = f->to_host_n = 0;
	f->pop_errors = 0;
	f->fw_running = false;
	f->fw_idle = false;
	f->resume_pulsed = false;
	f->evtq_prod = 0;
	f->rx_hdr_slot = f->rx_msg_slot = 0;
	cancel(f, EV_FW_BOOT);
	cancel(f, EV_FW_REQ);
	cancel(f, EV_FW_JOBS);
	f->ip_resets++;
	update_irq(f);
}

static void power_update(struct fake_npu *f)
{
	bool was = f->powered;

	f->powered = f->current_ratio && !(f->bar4[NPU_BTRS_VPU_D0I3_CONTROL / 4] &
					   NPU_BTRS_VPU_D0I3_CONTROL_I3);
	if (was && !f->powered)
		ip_reset(f);
}

/* ---- DMA and the page-table walker ------------------------------------------------------ */

void *fake_dma_ptr(struct fake_npu *f, uint64_t dma, size_t len)
{
	for (unsigned i = 0; i < FAKE_ALLOC_MAX; i++) {
		struct fake_alloc *a = &f->allocs[i];

		if (a->live && dma >= a->dma && dma - a->dma < a->size && len <= a->size - (dma - a->dma))
			return a->cpu + (dma - a->dma);
	}
	return NULL;
}

static uint64_t reg64(struct fake_npu *f, uint32_t off)
{
	return fake_reg(f, NPU_BAR_REGV, off) | (uint64_t)fake_reg(f, NPU_BAR_REGV, off + 4) << 32;
}

int fake_pte(struct fake_npu *f, uint32_t ssid, uint64_t va, uint64_t *pte)
{
	uint64_t strtab = reg64(f, NPU_MMU_STRTAB_BASE) & NPU_MMU_STRTAB_BASE_ADDR;
	uint8_t *ste = fake_dma_ptr(f, strtab, 64), *cd;
	uint64_t table;

	if (!ste)
		return -1;
	cd = fake_dma_ptr(f, (npu_le64_get(ste) & NPU_MMU_STE_0_S1CTXPTR) + (uint64_t)ssid * 64, 64);
	if (!cd || !(npu_le64_get(cd) & NPU_MMU_CD_0_V))
		return -1;
	table = npu_le64_get(cd + 8) & NPU_MMU_CD_1_TTB0;
	for (int level = 0; level < 4; level++) {
		unsigned idx = (unsigned)((va >> (39 - 9 * level)) & 511);
		uint8_t *e = fake_dma_ptr(f, table + idx * 8, 8);
		uint64_t v;

		if (!e)
			return -1;
		v = npu_le64_get(e);
		if (level == 3) {
			*pte = v;
			return 0;
		}
		if (!(v & NPU_MMU_ENTRY_VALID))
			return -1;
		table = v & NPU_MMU_ENTRY_ADDR;
	}
	return -1;
}

static uint8_t *va_ptr(struct fake_npu *f, uint32_t ssid, uint64_t va)
{
	uint64_t pte;

	if (fake_pte(f, ssid, va, &pte) || !(pte & NPU_MMU_ENTRY_VALID))
		return NULL;
	return fake_dma_ptr(f, (pte & NPU_MMU_ENTRY_ADDR) | (va & 0xFFF), 1);
}

static int npu_va_copy(struct fake_npu *f, uint32_t ssid, uint64_t va, void *buf, size_t len,
		   bool write)
{
	uint8_t *b = buf;

	while (len) {
		size_t n = 0x1000 - (va & 0xFFF);
		uint8_t *p = va_ptr(f, ssid, va);

		if (!p)
			return -1;
		if (n > len)
			n = len;
		if (write)
			memcpy(p, b, n);
		else
			memcpy(b, p, n);
		b += n;
		va += n;
		len -= n;
	}
	return 0;
}

int fake_va_read(struct fake_npu *f, uint32_t ssid, uint64_t va, void *buf, size_t len)
{
	return npu_va_copy(f, ssid, va, buf, len, false);
}

int fake_va_write(struct fake_npu *f, uint32_t ssid, uint64_t va, const void *buf, size_t len)
{
	return npu_va_copy(f, ssid, va, (void *)buf, len, true);
}

/* ---- Fake firmware ---------------------------------------------------------------------------- */

struct rx_areas {
	uint64_t hdr, hdr_size, msg, msg_size;
};

static int rx_areas(struct fake_npu *f, struct rx_areas *a)
{
	struct npu_boot_params bp;

	if (fake_va_read(f, 0, f->fw.bp_va, &bp, sizeof(bp)))
		return -1;
	a->hdr = bp.ipc_header_area_start;
	a->hdr_size = bp.ipc_header_area_size;
	a->msg = bp.ipc_payload_area_start;
	a->msg_size = bp.ipc_payload_area_size;
	return a->hdr_size >= 64 && a->msg_size >= 128 ? 0 : -1;
}

void fake_fw_push(struct fake_npu *f, uint32_t va)
{
	if (f->to_host_n < 64)
		f->to_host[f->to_host_n++] = va;
	update_irq(f);
}

void fake_fw_send(struct fake_npu *f, uint32_t channel, const struct npu_jsm_msg *msg,
		  enum fake_reply how)
{
	struct rx_areas a;
	struct npu_ipc_hdr hdr = { 0 };
	uint64_t hva, mva;

	if (how == FAKE_REPLY_NONE)
		return;
	if (how == FAKE_REPLY_POP_ERROR) {
		f->pop_errors++;
		update_irq(f);
		return;
	}
	if (rx_areas(f, &a)) {
		problem(f, "firmware cannot read boot params at 0x%llx",
			(unsigned long long)f->fw.bp_va);
		return;
	}
	hva = a.hdr + (uint64_t)(f->rx_hdr_slot++ % (a.hdr_size / 64)) * 64;
	if (how == FAKE_REPLY_HDR_OUTSIDE) {
		fake_fw_push(f, (uint32_t)(a.hdr - 0x1000));
		return;
	}
	mva = a.msg + (uint64_t)(f->rx_msg_slot++ % (a.msg_size / 128)) * 128;
	hdr.data_addr = (uint32_t)mva;
	hdr.data_size = sizeof(*msg);
	hdr.channel = (uint16_t)channel;
	hdr.src_node = NPU_IPC_NODE_FW;
	hdr.dst_node = NPU_IPC_NODE_HOST;
	hdr.status = NPU_IPC_HDR_ALLOCATED;
	if (how == FAKE_REPLY_JSM_OUTSIDE)
		hdr.data_addr = (uint32_t)(a.msg + a.msg_size + 0x10000);
	if (msg) {
		struct npu_jsm_msg m = *msg;

		m.status = NPU_JSM_MSG_ALLOCATED;
		fake_va_write(f, 0, mva, &m, sizeof(m));
	}
	fake_va_write(f, 0, hva, &hdr, sizeof(hdr));
	if (how == FAKE_REPLY_NO_IRQ)
		irq_suppress = true;
	fake_fw_push(f, (uint32_t)hva);
}

bool fake_fw_can_send(struct fake_npu *f)
{
	struct rx_areas a;
	struct npu_ipc_hdr hdr;
	struct npu_jsm_msg m;

	if (f->to_host_n >= 64 || rx_areas(f, &a))
		return false;
	if (fake_va_read(f, 0, a.hdr + (uint64_t)(f->rx_hdr_slot % (a.hdr_size / 64)) * 64, &hdr,
			 sizeof(hdr)) ||
	    fake_va_read(f, 0, a.msg + (uint64_t)(f->rx_msg_slot % (a.msg_size / 128)) * 128, &m,
			 sizeof(m)))
		return false;
	return hdr.status != NPU_IPC_HDR_ALLOCATED && m.status != NPU_JSM_MSG_ALLOCATED;
}

void fake_jobs_schedule(struct fake_npu *f, uint64_t delay_ns)
{
	cancel(f, EV_FW_JOBS);
	schedule(f, delay_ns, EV_FW_JOBS, 0);
}

static void fw_boot(struct fake_npu *f)
{
	struct npu_ipc_hdr hdr = { 0 };
	struct npu_boot_params bp;
	struct rx_areas a;
	uint64_t hva;

	if (fake_va_read(f, 0, f->fw.bp_va, &bp, sizeof(bp)) || bp.magic != NPU_BOOT_PARAMS_MAGIC) {
		problem(f, "firmware start: no boot params at 0x%llx", (unsigned long long)f->fw.bp_va);
		return;
	}
	f->boot_params_seen_ret = bp.save_restore_ret_address;
	if (f->fw.boot == FAKE_BOOT_NEVER ||
	    (f->fw.warm_boot_never && f->last_entry == f->fw.warm_entry && f->fw.warm_entry))
		return;
	if (rx_areas(f, &a))
		return;
	hva = a.hdr + (uint64_t)(f->rx_hdr_slot++ % (a.hdr_size / 64)) * 64;
	hdr.data_addr = f->fw.boot == FAKE_BOOT_BAD_ADDR ? 0x12345678u : NPU_IPC_BOOT_MSG_DATA_ADDR;
	hdr.channel = NPU_IPC_CHAN_BOOT_MSG;
	hdr.src_node = NPU_IPC_NODE_FW;
	hdr.status = NPU_IPC_HDR_ALLOCATED;
	fake_va_write(f, 0, hva, &hdr, sizeof(hdr));
	fake_fw_push(f, (uint32_t)hva);
}

static void fw_request(struct fake_npu *f)
{
	struct npu_ipc_hdr hdr;
	struct npu_jsm_msg req, resp;
	struct fake_req *r;
	enum fake_reply how;
	uint32_t va;
	uint8_t free_status = 0;

	if (!f->to_fw_n || !f->fw_running)
		return;
	va = f->to_fw[0];
	memmove(f->to_fw, f->to_fw + 1, --f->to_fw_n * sizeof(uint32_t));
	if (fake_va_read(f, 0, va, &hdr, sizeof(hdr)) ||
	    fake_va_read(f, 0, hdr.data_addr, &req, sizeof(req))) {
		problem(f, "firmware: request header 0x%x or its message is not mapped", va);
		return;
	}
	if (hdr.status != NPU_IPC_HDR_ALLOCATED || req.status != NPU_JSM_MSG_ALLOCATED)
		problem(f, "firmware: request 0x%x not ALLOCATED (hdr %u jsm %u)", va, hdr.status,
			req.status);
	/* both statuses back to FREE, as the firmware must */
	fake_va_write(f, 0, va + offsetof(struct npu_ipc_hdr, status), &free_status, 1);
	fake_va_write(f, 0, hdr.data_addr + offsetof(struct npu_jsm_msg, status), &free_status, 1);
	if (f->n_reqs < FAKE_REQ_MAX) {
		r = &f->reqs[f->n_reqs++];
		r->hdr_va = va;
		r->channel = hdr.channel;
		r->hdr = hdr;
		r->jsm = req;
		r->time_ns = f->now_ns;
	}

	fake_jobs_on_request(f, &req);
	memset(&resp, 0, sizeof(resp));
	resp.type = req.type + NPU_JSM_MSG_RESPONSE_OFFSET;
	resp.request_id = req.request_id;
	resp.result = NPU_JSM_STATUS_SUCCESS;
	switch (req.type) {
	case NPU_JSM_MSG_QUERY_ENGINE_HB:
		resp.payload.query_engine_hb_done.engine_idx = req.payload.engine.engine_idx;
		resp.payload.query_engine_hb_done.heartbeat = ++f->fw.heartbeat;
		break;
	case NPU_JSM_MSG_REGISTER_DB:
	case NPU_JSM_MSG_UNREGISTER_DB:
		resp.payload.db.db_idx = req.payload.db.db_idx;
		break;
	case NPU_JSM_MSG_HWS_REGISTER_DB:
		resp.type = NPU_JSM_MSG_REGISTER_DB_DONE;
		break;
	case NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP:
		resp.type = NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP;
		break;
	case NPU_JSM_MSG_PWR_D0I3_ENTER:
		if (f->fw.warm_entry) {
			uint64_t ret = f->fw.warm_entry;

			fake_va_write(f, 0, f->fw.bp_va +
				      offsetof(struct npu_boot_params, save_restore_ret_address),
				      &ret, sizeof(ret));
		}
		f->fw_idle = true;
		break;
	default:
		if ((req.type >= NPU_JSM_MSG_CREATE_CMD_QUEUE &&
		     req.type <= NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES) ||
		    req.type == NPU_JSM_MSG_HWS_ENGINE_RESUME)
			resp.type = req.type + NPU_JSM_MSG_RESPONSE_OFFSET + 1;
		break;
	}
	how = f->fw.reply;
	if (f->fw.hook)
		how = f->fw.hook(f, &req, hdr.channel, &resp);
	if (how == FAKE_REPLY_WRONG_TYPE)
		resp.type = f->fw.reply_type;
	if (how == FAKE_REPLY_RESULT)
		resp.result = f->fw.reply_result;
	if (req.type == NPU_JSM_MSG_STATE_DUMP)
		how = FAKE_REPLY_NONE;    /* ivpu never waits for it */
	fake_fw_send(f, hdr.channel, &resp, how);
	if (f->to_fw_n)
		schedule(f, (uint64_t)f->fw.resp_delay_us * 1000, EV_FW_REQ, 0);
}

static void run_event(struct fake_npu *f, const struct fake_event *e)
{
	switch (e->kind) {
	case EV_WP_DONE: {
		uint32_t target = (uint32_t)NPU_FLD_GET(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO,
						       f->bar4[NPU_BTRS_WP_REQ_PAYLOAD1 / 4]);

		f->wp_send = false;
		f->current_ratio = target;
		f->pll_lock = target != 0;
		power_update(f);
		break;
	}
	case EV_D0I3_DONE:
		f->d0i3_inprogress = false;
		break;
	case EV_IP_RESET_DONE:
		f->ip_reset_trigger = false;
		break;
	case EV_FW_BOOT:
		if (f->fw_running)
			fw_boot(f);
		break;
	case EV_FW_REQ:
		fw_request(f);
		break;
	case EV_FW_JOBS:
		if (f->fw_running)
			fake_jobs_run(f);
		break;
	}
}

/* Run every event due at or before now, in time order. */
static void run_due(struct fake_npu *f)
{
	for (;;) {
		int best = -1;

		for (unsigned i = 0; i < f->n_events; i++)
			if (f->events[i].at_ns <= f->now_ns &&
			    (best < 0 || f->events[i].at_ns < f->events[best].at_ns))
				best = (int)i;
		if (best < 0)
			return;
		struct fake_event e = f->events[best];

		f->events[best] = f->events[--f->n_events];
		run_event(f, &e);
	}
}

static uint64_t next_event(const struct fake_npu *f)
{
	uint64_t t = UINT64_MAX;

	for (unsigned i = 0; i < f->n_events; i++)
		if (f->events[i].at_ns < t)
			t = f->events[i].at_ns;
	return t;
}

static void advance_to(struct fake_npu *f, uint64_t target)
{
	for (;;) {
		uint64_t t = next_event(f);

		if (t > target)
			break;
		if (t > f->now_ns)
			f->now_ns = t;
		run_due(f);
	}
	if (target > f->now_ns)
		f->now_ns = target;
}

/* ---- MMIO ------------------------------------------------------------------------------------ */

static void mmu_cmdq(struct fake_npu *f, uint32_t prod)
{
	uint64_t base = reg64(f, NPU_MMU_CMDQ_BASE);
	unsigned log2 = (unsigned)NPU_FLD_GET(NPU_MMU_Q_BASE_LOG2SIZE, base);
	uint32_t mask = (2u << log2) - 1, idx_mask = (1u << log2) - 1;
	uint32_t cons = fake_reg(f, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS) & mask;

	if (f->mmu_cmdq_stall)
		return;
	while ((cons & mask) != (prod & mask)) {
		uint8_t *c = fake_dma_ptr(f, (base & NPU_MMU_Q_BASE_ADDR) + (cons & idx_mask) * 16, 16);

		if (!c) {
			fake_set_reg(f, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS,
				     cons | (uint32_t)NPU_FLD_PREP(NPU_MMU_CMDQ_CONS_ERR, NPU_MMU_CERROR_ABT));
			return;
		}
		if (f->mmu_cmdq_error) {
			fake_set_reg(f, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS,
				     cons | (uint32_t)NPU_FLD_PREP(NPU_MMU_CMDQ_CONS_ERR, f->mmu_cmdq_error));
			f->mmu_cmdq_error = 0;
			return;
		}
		if (f->n_mmu_cmds < FAKE_MMU_CMD_MAX)
			f->mmu_cmds[f->n_mmu_cmds++] =
				(struct fake_mmu_cmd){ npu_le64_get(c), npu_le64_get(c + 8) };
		cons = (cons + 1) & mask;
	}
	fake_set_reg(f, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS, cons);
}

static uint32_t bar4_read(struct fake_npu *f, uint32_t off)
{
	uint32_t *r = &f->bar4[(off / 4) % 1024];

	switch (off) {
	case NPU_BTRS_WP_REQ_CMD:       return f->wp_send ? NPU_BTRS_WP_REQ_CMD_SEND : 0;
	case NPU_BTRS_CURRENT_PLL:
	case NPU_BTRS_WP_DOWNLOAD:      return f->current_ratio;
	case NPU_BTRS_FMIN_FUSE:        return f->fuse_min | (uint32_t)f->fuse_pn << 8;
	case NPU_BTRS_FMAX_FUSE:        return f->fuse_max;
	case NPU_BTRS_TILE_FUSE:        return NPU_BTRS_TILE_FUSE_VALID;
	case NPU_BTRS_PLL_STATUS:       return f->pll_lock ? NPU_BTRS_PLL_STATUS_LOCK : 0;
	case NPU_BTRS_VPU_STATUS:
		return (f->powered ? NPU_BTRS_VPU_STATUS_READY : 0) |
		       (!f->fw_running || f->fw_idle || f->fw.idle_when_running ?
			NPU_BTRS_VPU_STATUS_IDLE : 0);
	case NPU_BTRS_VPU_IP_RESET:     return f->ip_reset_trigger ? NPU_BTRS_VPU_IP_RESET_TRIGGER : 0;
	case NPU_BTRS_VPU_D0I3_CONTROL:
		return *r | (f->d0i3_inprogress ? NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS : 0);
	default:                        return *r;
	}
}

static void bar4_write(struct fake_npu *f, uint32_t off, uint32_t v)
{
	uint32_t *r = &f->bar4[(off / 4) % 1024];

	switch (off) {
	case NPU_BTRS_INTERRUPT_STAT:
		if (f->btrs_clear_with_0)   /* erratum: 1s raise the sources, 0 clears */
			*r = v ? (*r | (v & NPU_BTRS_INTERRUPT_STAT_ALL)) : 0;
		else
			*r &= ~v;
		break;
	case NPU_BTRS_WP_REQ_CMD:
		if (v & NPU_BTRS_WP_REQ_CMD_SEND) {
			if (f->wp_send)
				problem(f, "workpoint request while one is pending");
			f->wp_send = true;
			schedule(f, (uint64_t)f->wp_delay_us * 1000, EV_WP_DONE, 0);
		}
		break;
	case NPU_BTRS_VPU_IP_RESET:
		if (v & NPU_BTRS_VPU_IP_RESET_TRIGGER) {
			f->ip_reset_trigger = true;
			ip_reset(f);
			schedule(f, (uint64_t)f->ip_reset_delay_us * 1000, EV_IP_RESET_DONE, 0);
		}
		break;
	case NPU_BTRS_VPU_D0I3_CONTROL:
		if ((v ^ *r) & NPU_BTRS_VPU_D0I3_CONTROL_I3) {
			f->d0i3_inprogress = true;
			schedule(f, (uint64_t)f->d0i3_delay_us * 1000, EV_D0I3_DONE, 0);
		}
		*r = v & NPU_BTRS_VPU_D0I3_CONTROL_I3;
		power_update(f);
		break;
	default:
		*r = v;
		break;
	}
	update_irq(f);
}

static uint32_t bar0_read(struct fake_npu *f, uint32_t off)
{
	uint32_t v;

	if (!f->powered) {
		problem(f, "BAR0 read at 0x%x while the NPU IP is powered down", off);
		return UINT32_MAX;
	}
	switch (off) {
	case NPU_HOST_SS_CPR_RST_CLR:
		return fake_reg(f, NPU_BAR_REGV, off) & ~NPU_HOST_SS_CPR_AON;
	case NPU_HOST_SS_NOC_QACCEPTN:
		return fake_reg(f, NPU_BAR_REGV, NPU_HOST_SS_NOC_QREQN) & NPU_HOST_SS_NOC_TOP_SOCMMIO;
	case NPU_HOST_SS_NOC_QDENY:
	case NPU_TOP_NOC_QDENY:
		return 0;
	case NPU_TOP_NOC_QACCEPTN:
		return fake_reg(f, NPU_BAR_REGV, NPU_TOP_NOC_QREQN) & NPU_TOP_NOC_ALL;
	case NPU_HOST_SS_AON_PWR_ISLAND_STATUS0:
		return fake_reg(f, NPU_BAR_REGV, NPU_HOST_SS_AON_PWR_ISLAND_EN0) &
		       fake_reg(f, NPU_BAR_REGV, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0);
	case NPU_HOST_SS_ICB_STATUS_0:
		return icb_status0(f);
	case NPU_HOST_SS_ICB_STATUS_1:
		return f->icb_status[1];
	case NPU_HOST_SS_TIM_IPC_FIFO_ATM:
		if (f->pop_errors) {
			f->pop_errors--;
			update_irq(f);
			return UINT32_MAX;
		}
		if (!f->to_host_n)
			return NPU_IPC_FIFO_EMPTY_VALUE;
		v = f->to_host[0];
		memmove(f->to_host, f->to_host + 1, --f->to_host_n * sizeof(uint32_t));
		update_irq(f);
		return v;
	case NPU_HOST_SS_TIM_IPC_FIFO_STAT:
		return (uint32_t)NPU_FLD_PREP(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
					      f->to_host_n + f->pop_errors);
	case NPU_MMU_CR0ACK:
		return fake_reg(f, NPU_BAR_REGV, NPU_MMU_CR0);
	case NPU_MMU_IRQ_CTRLACK:
		return fake_reg(f, NPU_BAR_REGV, NPU_MMU_IRQ_CTRL);
	case NPU_MMU_EVTQ_PROD_PAGE1:
		return f->evtq_prod;
	case NPU_MMU_IDR0:
		return NPU_MMU_IDR0_VALUE;
	case NPU_CPU_SS_TIM_PERF_FREE_CNT:
		return (uint32_t)(f->now_ns * 24 / 625);
	case NPU_CPU_SS_TIM_PERF_FREE_CNT + 4:
		return (uint32_t)((f->now_ns * 24 / 625) >> 32);
	default:
		return fake_reg(f, NPU_BAR_REGV, off);
	}
}

static void bar0_write(struct fake_npu *f, uint32_t off, uint32_t v)
{
	uint32_t old;

	if (!f->powered) {
		problem(f, "BAR0 write of 0x%x at 0x%x while the NPU IP is powered down", v, off);
		return;
	}
	old = fake_reg(f, NPU_BAR_REGV, off);
	switch (off) {
	case NPU_HOST_SS_ICB_CLEAR_0:
		f->icb_status[0] &= ~v;
		break;
	case NPU_HOST_SS_ICB_CLEAR_1:
		f->icb_status[1] &= ~v;
		break;
	case NPU_CPU_SS_TIM_IPC_FIFO:
		if (f->to_fw_n < 64)
			f->to_fw[f->to_fw_n++] = v;
		if (f->fw_running)
			schedule(f, (uint64_t)f->fw.resp_delay_us * 1000, EV_FW_REQ, 0);
		break;
	case NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC:
		if (!(v & NPU_LEON_RT_VEC_IRQI_RSTRUN0))
			f->resume_pulsed = false;
		else if ((old & NPU_LEON_RT_VEC_IRQI_RESUME0) && !(v & NPU_LEON_RT_VEC_IRQI_RESUME0))
			f->resume_pulsed = true;
		fake_set_reg(f, NPU_BAR_REGV, off, v);
		break;
	case NPU_HOST_SS_LOADING_ADDRESS_LO:
		fake_set_reg(f, NPU_BAR_REGV, off, v);
		if ((v & NPU_LOADING_ADDRESS_DONE) && !(old & NPU_LOADING_ADDRESS_DONE)) {
			if (!f->resume_pulsed) {
				problem(f, "LOADING_ADDRESS.DONE without the LEON_RT_VEC run/resume sequence");
				break;
			}
			f->last_entry = (uint64_t)(v & NPU_LOADING_ADDRESS_IMAGE_LOCATION) <<
					NPU_LOADING_ADDRESS_SHIFT;
			f->fw_running = true;
			f->fw_idle = false;
			f->boots++;
			/* a warm boot resumes with the queues the firmware knew
			 * (hw-facts §14.10); a cold one starts without */
			if (!f->fw.warm_entry || f->last_entry != f->fw.warm_entry)
				fake_jobs_reset(f);
			schedule(f, (uint64_t)f->fw.boot_delay_us * 1000, EV_FW_BOOT, 0);
		}
		break;
	case NPU_MMU_CMDQ_PROD:
		fake_set_reg(f, NPU_BAR_REGV, off, v);
		mmu_cmdq(f, v);
		break;
	default:
		if (off >= NPU_CPU_SS_DOORBELL_0 &&
		    off < NPU_CPU_SS_DOORBELL_0 + 256 * NPU_CPU_SS_DOORBELL_STRIDE) {
			if (v & NPU_DOORBELL_SET) {
				unsigned id = (off - NPU_CPU_SS_DOORBELL_0) / NPU_CPU_SS_DOORBELL_STRIDE;

				f->doorbell_rings[id]++;
				fake_jobs_doorbell(f, id);
			}
			break;
		}
		fake_set_reg(f, NPU_BAR_REGV, off, v);
		break;
	}
	update_irq(f);
}

static uint32_t rd(struct fake_npu *f, unsigned bar, uint32_t off)
{
	uint32_t v;

	run_due(f);
	f->mmio_reads++;
	if (!(f->pci_command & 0x2))
		problem(f, "BAR%u read with memory space disabled", bar);
	if (forced(f, bar, off, &v))
		return v;
	return bar == NPU_BAR_REGB ? bar4_read(f, off) : bar0_read(f, off);
}

static void wr(struct fake_npu *f, unsigned bar, uint32_t off, uint32_t v)
{
	run_due(f);
	f->mmio_writes++;
	if (!(f->pci_command & 0x2))
		problem(f, "BAR%u write with memory space disabled", bar);
	if (bar == NPU_BAR_REGB)
		bar4_write(f, off, v);
	else
		bar0_write(f, off, v);
}

/* ---- os ops ----------------------------------------------------------------------------------- */

static uint32_t op_read32(struct npu_os *os, unsigned bar, uint64_t off)
{
	uint32_t v = rd(os->f, bar, (uint32_t)off);

	record(os->f, FAKE_RD32, bar, (uint32_t)off, v);
	return v;
}

static void op_write32(struct npu_os *os, unsigned bar, uint64_t off, uint32_t val)
{
	record(os->f, FAKE_WR32, bar, (uint32_t)off, val);
	wr(os->f, bar, (uint32_t)off, val);
}

static uint64_t op_read64(struct npu_os *os, unsigned bar, uint64_t off)
{
	uint64_t v = rd(os->f, bar, (uint32_t)off) | (uint64_t)rd(os->f, bar, (uint32_t)off + 4) << 32;

	record(os->f, FAKE_RD64, bar, (uint32_t)off, v);
	return v;
}

static void op_write64(struct npu_os *os, unsigned bar, uint64_t off, uint64_t val)
{
	record(os->f, FAKE_WR64, bar, (uint32_t)off, val);
	wr(os->f, bar, (uint32_t)off, (uint32_t)val);
	wr(os->f, bar, (uint32_t)off + 4, (uint32_t)(val >> 32));
}

static int op_open(struct npu_os **out, const char *args)
{
	struct npu_os *os;

	if (!pending) {
		snprintf(open_err, sizeof(open_err), "no fake device prepared (fake_npu_new)");
		return -ENODEV;
	}
	os = calloc(1, sizeof(*os));
	os->f = pending;
	*out = os;
	return 0;
}

static void op_close(struct npu_os *os)
{
	free(os);
}

static const char *op_last_error(struct npu_os *os)
{
	return os ? "fake device error" : open_err;
}

static int op_pci_id(struct npu_os *os, struct npu_pci_id *id)
{
	memset(id, 0, sizeof(*id));
	id->vendor = NPU_PCI_VENDOR_INTEL;
	id->device = os->f->device_id;
	id->revision = os->f->revision;
	id->class_code = 0x120000;
	snprintf(id->location, sizeof(id->location), "0000:3a:0b.0");
	return 0;
}

static int op_cfg_read(struct npu_os *os, unsigned off, unsigned size, uint32_t *val)
{
	os->f->cfg_reads++;
	*val = off == 0x04 ? os->f->pci_command : 0;
	return 0;
}

static int op_cfg_write(struct npu_os *os, unsigned off, unsigned size, uint32_t val)
{
	os->f->cfg_writes++;
	if (off == 0x04)
		os->f->pci_command = (uint16_t)val;
	return 0;
}

static int op_dma_alloc(struct npu_os *os, size_t size, struct npu_dma_buf *buf)
{
	struct fake_npu *f = os->f;

	f->dma_allocs++;
	if (f->dma_alloc_fail_after == 0)
		return -ENOMEM;
	if (f->dma_alloc_fail_after > 0)
		f->dma_alloc_fail_after--;
	for (unsigned i = 0; i < FAKE_ALLOC_MAX; i++) {
		struct fake_alloc *a = &f->allocs[i];

		if (a->live)
			continue;
		a->cpu = calloc(1, size);
		if (!a->cpu)
			return -ENOMEM;
		/* big buffers 64 KiB aligned, like an IOMMU-backed allocation,
		 * so the driver's contiguous-hint PTEs get exercised */
		if (size >= 0x10000)
			f->next_dma = (f->next_dma + 0xFFFF) & ~(uint64_t)0xFFFF;
		a->live = true;
		a->dma = f->next_dma;
		a->size = size;
		f->next_dma += (size + 0x1FFF) & ~(uint64_t)0xFFF;
		f->dma_bytes += size;
		buf->cpu = a->cpu;
		buf->dma = a->dma;
		buf->size = size;
		buf->priv = a;
		return 0;
	}
	return -ENOMEM;
}

static void op_dma_free(struct npu_os *os, struct npu_dma_buf *buf)
{
	struct fake_alloc *a = buf->priv;

	if (!a || !a->live)
		return;
	os->f->dma_frees++;
	os->f->dma_bytes -= a->size;
	free(a->cpu);
	a->live = false;
	a->cpu = NULL;
	memset(buf, 0, sizeof(*buf));
}

static void op_sync(struct npu_os *os, struct npu_dma_buf *buf, size_t off, size_t len)
{
}

static int op_irq_enable(struct npu_os *os)
{
	if (os->f->irq_enable_fails)
		return -EIO;
	os->f->msi_enabled = true;
	return 0;
}

static int op_irq_wait(struct npu_os *os, uint64_t timeout_us)
{
	struct fake_npu *f = os->f;
	uint64_t end = f->now_ns + timeout_us * 1000;

	f->irq_waits++;
	for (;;) {
		uint64_t t;

		run_due(f);
		if (f->msi_pending) {
			f->msi_pending = false;
			return 1;
		}
		if (f->now_ns >= end)
			return 0;
		t = next_event(f);
		advance_to(f, t < end ? t : end);
	}
}

static uint64_t op_now_ns(struct npu_os *os)
{
	return os->f->now_ns;
}

static void op_sleep_us(struct npu_os *os, uint64_t us)
{
	advance_to(os->f, os->f->now_ns + us * 1000);
}

const struct npu_os_ops npu_os_fake = {
	.name = "fake",
	.open = op_open,
	.close = op_close,
	.last_error = op_last_error,
	.pci_id = op_pci_id,
	.cfg_read = op_cfg_read,
	.cfg_write = op_cfg_write,
	.read32 = op_read32,
	.write32 = op_write32,
	.read64 = op_read64,
	.write64 = op_write64,
	.dma_alloc = op_dma_alloc,
	.dma_free = op_dma_free,
	.sync_for_device = op_sync,
	.sync_for_cpu = op_sync,
	.irq_enable = op_irq_enable,
	.irq_wait = op_irq_wait,
	.now_ns = op_now_ns,
	.sleep_us = op_sleep_us,
};

/* ---- Life cycle --------------------------------------------------------------------------------- */

struct fake_npu *fake_npu_new(void)
{
	struct fake_npu *f = calloc(1, sizeof(*f));

	f->log = calloc(FAKE_LOG_MAX, sizeof(*f->log));
	f->bar0 = calloc(BAR0_SLOTS, sizeof(*f->bar0));
	f->device_id = NPU_PCI_DEVICE_MTL;
	f->revision = NPU_PCI_REVISION_MTL;
	f->fuse_min = 9;
	f->fuse_pn = 21;
	f->fuse_max = 35;
	f->wp_delay_us = 10;
	f->d0i3_delay_us = 5;
	f->ip_reset_delay_us = 10;
	f->dma_alloc_fail_after = -1;
	f->fw.boot = FAKE_BOOT_OK;
	f->fw.boot_delay_us = 200;
	f->fw.resp_delay_us = 20;
	f->jobs.forced_status = -1;
	f->fw.bp_va = 0x84800000;
	f->next_dma = FAKE_DMA_BASE;
	/* cold reset state of the buttress: D0i3, everything masked */
	f->bar4[NPU_BTRS_VPU_D0I3_CONTROL / 4] = NPU_BTRS_VPU_D0I3_CONTROL_I3;
	f->bar4[NPU_BTRS_LOCAL_INT_MASK / 4] = UINT32_MAX;
	f->bar4[NPU_BTRS_GLOBAL_INT_MASK / 4] = NPU_BTRS_GLOBAL_INT_MASK_MASKED;
	pending = f;
	return f;
}

void fake_npu_free(struct fake_npu *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < FAKE_ALLOC_MAX; i++)
		free(f->allocs[i].cpu);
	if (pending == f)
		pending = NULL;
	free(f->log);
	free(f->bar0);
	free(f);
}

void fake_params(struct npu_open_params *p, const char *firmware)
{
	npu_open_params_init(p);
	p->backend = "fake";
	p->firmware_path = firmware;
	p->log = capture_log;
	p->log_level = NPU_LOG_DEBUG;
}

int fake_open(struct fake_npu *f, const char *firmware, struct npu_device **dev)
{
	struct npu_open_params p;

	pending = f;
	fake_params(&p, firmware);
	fake_log_clear();
	return npu_open(&p, dev);
}

/* ---- Scripted sources ---------------------------------------------------------------------------- */

void fake_mmu_event(struct fake_npu *f, const uint32_t rec[8])
{
	uint64_t base = reg64(f, NPU_MMU_EVTQ_BASE);
	unsigned log2 = (unsigned)NPU_FLD_GET(NPU_MMU_Q_BASE_LOG2SIZE, base);
	uint8_t *slot = fake_dma_ptr(f, (base & NPU_MMU_Q_BASE_ADDR) +
				     (f->evtq_prod & ((1u << log2) - 1)) * 32, 32);

	if (!slot) {
		problem(f, "MMU event: no event queue");
		return;
	}
	for (int i = 0; i < 8; i++)
		for (int b = 0; b < 4; b++)
			slot[4 * i + b] = (uint8_t)(rec[i] >> (8 * b));
	f->evtq_prod = (f->evtq_prod + 1) & ((2u << log2) - 1);
	f->icb_status[0] |= NPU_ICB_0_MMU_IRQ_0_EVTQ;
	update_irq(f);
}

void fake_btrs_irq(struct fake_npu *f, uint32_t bits)
{
	f->bar4[NPU_BTRS_INTERRUPT_STAT / 4] |= bits;
	update_irq(f);
}

void fake_icb_irq(struct fake_npu *f, uint32_t bits)
{
	f->icb_status[0] |= bits;
	update_irq(f);
}

/* ---- Inspection ------------------------------------------------------------------------------ */

unsigned fake_live_allocs(const struct fake_npu *f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < FAKE_ALLOC_MAX; i++)
		n += f->allocs[i].live;
	return n;
}

uint64_t fake_device_accesses(const struct fake_npu *f)
{
	return f->cfg_reads + f->cfg_writes + f->mmio_reads + f->mmio_writes + f->dma_allocs;
}

long fake_find(const struct fake_npu *f, long from, enum fake_op op, unsigned bar, uint32_t off)
{
	uint64_t n = f->n_log < FAKE_LOG_MAX ? f->n_log : FAKE_LOG_MAX;

	for (uint64_t i = from < 0 ? 0 : (uint64_t)from; i < n; i++)
		if (f->log[i].op == op && f->log[i].bar == bar && f->log[i].off == off)
			return (long)i;
	return -1;
}

int64_t fake_written(const struct fake_npu *f, unsigned bar, uint32_t off, unsigned nth)
{
	uint64_t n = f->n_log < FAKE_LOG_MAX ? f->n_log : FAKE_LOG_MAX;

	for (uint64_t i = 0; i < n; i++) {
		const struct fake_access *a = &f->log[i];

		if ((a->op == FAKE_WR32 || a->op == FAKE_WR64) && a->bar == bar && a->off == off &&
		    nth-- == 0)
			return (int64_t)a->val;
	}
	return -1;
}

unsigned fake_count(const struct fake_npu *f, enum fake_op op, unsigned bar, uint32_t off)
{
	uint64_t n = f->n_log < FAKE_LOG_MAX ? f->n_log : FAKE_LOG_MAX;
	unsigned c = 0;

	for (uint64_t i = 0; i < n; i++)
		c += f->log[i].op == op && f->log[i].bar == bar && f->log[i].off == off;
	return c;
}

/* ---- Firmware files ------------------------------------------------------------------------------ */

uint8_t *fake_fw_image(size_t image_size, size_t *file_size, struct npu_fw_header **hdr)
{
	size_t size = NPU_FW_IMAGE_OFFSET + image_size;
	uint8_t *file = calloc(1, size);
	struct npu_fw_header *h = (struct npu_fw_header *)file;

	h->header_version = NPU_FW_HEADER_VERSION;
	h->image_format = NPU_FW_IMAGE_FORMAT_RV32;
	h->image_load_address = 0x84802000;
	h->image_size = (uint32_t)image_size;
	h->entry_point = 0x84802000;
	h->boot_params_load_address = 0x84800000;
	h->api_version[NPU_FW_API_BOOT] = NPU_API_VERSION(3, 26);
	h->api_version[NPU_FW_API_JSM] = NPU_API_VERSION(3, 25);
	h->runtime_size = 1u << 20;
	snprintf((char *)file + NPU_FW_VERSION_OFFSET, 64, "fake-fw 1.0");
	for (size_t i = 0; i < image_size; i++)
		file[NPU_FW_IMAGE_OFFSET + i] = (uint8_t)(i * 7 + 1);
	*file_size = size;
	if (hdr)
		*hdr = h;
	return file;
}

static char tmp_paths[16][64];
static unsigned n_tmp;

static void cleanup_files(void)
{
	for (unsigned i = 0; i < n_tmp && i < 16; i++)
		unlink(tmp_paths[i]);
}

const char *fake_write_file(const void *data, size_t size)
{
	char *path = tmp_paths[n_tmp % 16];
	FILE *fp;
	int fd;

	if (n_tmp == 0)
		atexit(cleanup_files);
	if (n_tmp >= 16)
		unlink(path);
	snprintf(path, 64, "/tmp/npu-fake-fw-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	fp = fdopen(fd, "wb");
	if (size && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	n_tmp++;
	return path;
}

static char default_fw_path[64];

static void cleanup_default_fw(void)
{
	unlink(default_fw_path);
}

const char *fake_fw_file(void)
{
	if (!default_fw_path[0]) {
		size_t size;
		uint8_t *file = fake_fw_image(0x4000, &size, NULL);
		FILE *fp;
		int fd;

		snprintf(default_fw_path, sizeof(default_fw_path), "/tmp/npu-fake-default-XXXXXX");
		fd = mkstemp(default_fw_path);
		if (fd < 0 || !(fp = fdopen(fd, "wb")) || fwrite(file, 1, size, fp) != size)
			abort();
		fclose(fp);
		free(file);
		atexit(cleanup_default_fw);
	}
	return default_fw_path;
}

int fake_boot(struct fake_npu *f, struct npu_device **dev)
{
	int ret = fake_open(f, fake_fw_file(), dev);

	return ret ? ret : npu_boot(*dev);
}
