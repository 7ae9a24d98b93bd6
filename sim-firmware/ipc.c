/* SPDX-License-Identifier: MIT */
/*
 * IPC with the host (hw-facts §5.1-§5.2, ivpu_ipc.c).
 *
 * Receive: the host writes {IPC header, JSM message} into its TX buffer and
 * pushes the header's VA into the host->firmware FIFO (our INBOX). We check
 * everything before trusting it -- a hostile host can push any value --
 * copy header and message into the TCM through fw_safe_copy, mark both
 * FREE (the host warns otherwise), dispatch, and answer on the request's
 * channel with its request_id.
 *
 * Send: a response needs a FREE 64-byte header slot in the RX header area
 * and a FREE 128-byte slot in the RX payload area (the boot message only a
 * header); "FREE" is the status word at offset 0x0C, which the host zeroes
 * when it has consumed a message. We fill the message, then set its status
 * ALLOCATED, then the header likewise, then push the header VA into the
 * firmware->host FIFO (our OUTBOX). If the FIFO is full or no slot is free
 * the response waits in a small queue (rt.defer) in order, retried on the
 * OUTBOX_SPACE interrupt or a 1 ms timer. An ALLOCATED slot is never reused.
 */
#include "fw.h"

#define HDR_STATUS_OFF   offsetof(struct npu_ipc_hdr, status)
#define JSM_STATUS_OFF   offsetof(struct npu_jsm_msg, status)
#define JSM_SIZE         ((uint32_t)sizeof(struct npu_jsm_msg))
#define HDR_SIZE         ((uint32_t)sizeof(struct npu_ipc_hdr))

_Static_assert(HDR_STATUS_OFF == 0x0C && JSM_STATUS_OFF == 0x0C,
	       "slot status words are both at offset 0x0C");

uint32_t ipc_find_free_slot(const struct fw_region *area, uint32_t slot_size,
			    uint32_t status_mask, uint32_t *cursor)
{
	uint32_t n = area->size / slot_size;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = (*cursor + i) % n;
		uint32_t va = area->base + idx * slot_size, st;

		if (safe_rd32(va + 0x0C, &st))
			return UINT32_MAX;
		if ((st & status_mask) == 0) {
			*cursor = (idx + 1) % n;
			return va;
		}
	}
	return 0;
}

static void set_intc(uint32_t enable)
{
	if (rt.intc_enable != enable) {
		rt.intc_enable = enable;
		plat_wr(NPU_LRT_INTC_ENABLE, enable);
	}
}

/* One attempt; nothing is written unless everything needed is available. */
static int try_send(uint32_t channel, const struct npu_jsm_msg *msg)
{
	struct npu_ipc_hdr hdr;
	uint32_t hdr_va, msg_va = 0;
	const uint32_t allocated = NPU_IPC_HDR_ALLOCATED;

	if (plat_rd(NPU_LRT_OUTBOX_STAT) & NPU_LRT_FIFO_STAT_FULL)
		return IPC_AGAIN_OUTBOX;
	hdr_va = ipc_find_free_slot(&fw.ipc_hdr, HDR_SIZE, 0xFF, &fw.hdr_cursor);
	if (hdr_va == UINT32_MAX)
		goto fault;
	if (hdr_va == 0)
		return IPC_AGAIN_SLOTS;
	if (msg) {
		msg_va = ipc_find_free_slot(&fw.ipc_payload, JSM_SIZE, UINT32_MAX,
					    &fw.payload_cursor);
		if (msg_va == UINT32_MAX)
			goto fault;
		if (msg_va == 0)
			return IPC_AGAIN_SLOTS;
	}

	if (msg) {
		struct npu_jsm_msg m = *msg;

		m.status = NPU_JSM_MSG_FREE;
		if (fw_safe_copy((void *)(uintptr_t)msg_va, &m, JSM_SIZE) ||
		    safe_wr32(msg_va + JSM_STATUS_OFF, NPU_JSM_MSG_ALLOCATED))
			goto fault;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.data_addr = msg ? msg_va : NPU_IPC_BOOT_MSG_DATA_ADDR;
	hdr.data_size = msg ? JSM_SIZE : 0;
	hdr.channel = (uint16_t)channel;
	hdr.src_node = NPU_IPC_NODE_FW;
	hdr.dst_node = NPU_IPC_NODE_HOST;
	hdr.status = NPU_IPC_HDR_FREE;
	if (fw_safe_copy((void *)(uintptr_t)hdr_va, &hdr, HDR_SIZE) ||
	    fw_safe_copy((void *)(uintptr_t)(hdr_va + HDR_STATUS_OFF), &allocated, 1))
		goto fault;
	plat_wr(NPU_LRT_OUTBOX_DATA, hdr_va);
	fw.stats.tx++;
	LOG_DBG("ipc: tx type 0x%lx ch %lu id %lu result %lu hdr 0x%lx msg 0x%lx",
		msg ? msg->type : 0ul, channel, msg ? msg->request_id : 0ul,
		msg ? msg->result : 0ul, hdr_va, msg_va);
	return IPC_SENT;
fault:
	LOG_ERR("ipc: RX area unreachable (fault at 0x%lx); message type 0x%lx on channel %lu "
		"dropped", fw_safe_fault_addr, msg ? msg->type : 0ul, channel);
	fw.stats.dropped++;
	return IPC_FAILED;
}

static void wait_for(int why)
{
	rt.wait_outbox = why == IPC_AGAIN_OUTBOX;
	/* OUTBOX_SPACE is a level that is high almost always: enable it only
	 * while we wait for it, or the core would never look idle (VPU_STATUS). */
	set_intc(rt.wait_outbox ? (rt.intc_enable | NPU_LRT_IRQ_OUTBOX_SPACE) :
				  (rt.intc_enable & ~NPU_LRT_IRQ_OUTBOX_SPACE));
	fw_timer_rearm();
}

void ipc_flush(void)
{
	while (rt.defer_count) {
		struct fw_pending *p = &rt.defer[rt.defer_head];
		int r = try_send(p->channel, p->has_msg ? &p->msg : NULL);

		if (r == IPC_AGAIN_OUTBOX || r == IPC_AGAIN_SLOTS) {
			wait_for(r);
			return;
		}
		rt.defer_head = (rt.defer_head + 1) % FW_DEFER_MAX;
		rt.defer_count--;
	}
	wait_for(IPC_SENT);
}

int ipc_send(uint32_t channel, const struct npu_jsm_msg *msg)
{
	struct fw_pending *p;
	int r;

	if (rt.defer_count == 0) {
		r = try_send(channel, msg);
		if (r == IPC_SENT || r == IPC_FAILED)
			return r;
		LOG_WARN("ipc: %s; message type 0x%lx on channel %lu deferred",
			 r == IPC_AGAIN_OUTBOX ? "firmware->host FIFO full" : "no free RX slot",
			 msg ? msg->type : 0ul, channel);
	}
	if (rt.defer_count == FW_DEFER_MAX) {
		LOG_ERR("ipc: %lu messages already wait for the host; message type 0x%lx on "
			"channel %lu dropped", (uint32_t)FW_DEFER_MAX, msg ? msg->type : 0ul, channel);
		fw.stats.dropped++;
		return IPC_FAILED;
	}
	p = &rt.defer[(rt.defer_head + rt.defer_count) % FW_DEFER_MAX];
	p->channel = channel;
	p->has_msg = msg != NULL;
	if (msg)
		p->msg = *msg;
	rt.defer_count++;
	fw.stats.deferred++;
	ipc_flush();
	return IPC_DEFERRED;
}

/* ---- Receive ------------------------------------------------------------------ */

static void rx_free(uint32_t hdr_va, uint32_t msg_va)
{
	const uint8_t free8 = NPU_IPC_HDR_FREE;

	/* Best effort: these addresses were readable a moment ago. */
	if (msg_va)
		safe_wr32(msg_va + JSM_STATUS_OFF, NPU_JSM_MSG_FREE);
	fw_safe_copy((void *)(uintptr_t)(hdr_va + HDR_STATUS_OFF), &free8, 1);
}

void ipc_rx(uint32_t hdr_va)
{
	struct npu_ipc_hdr hdr;
	struct npu_jsm_msg req, rsp;
	uint32_t msg_va;

	fw.stats.rx++;
	if ((hdr_va & (NPU_IPC_ALIGNMENT - 1)) || !fw_region_has(&fw.shared, hdr_va, HDR_SIZE)) {
		LOG_ERR("ipc: rx header VA 0x%lx is not a 64-byte aligned address inside the "
			"shared region [0x%lx, 0x%lx); ignored", hdr_va, fw.shared.base,
			fw.shared.base + fw.shared.size);
		goto rejected;
	}
	if (fw_safe_copy(&hdr, (const void *)(uintptr_t)hdr_va, HDR_SIZE)) {
		LOG_ERR("ipc: rx header 0x%lx unreadable (fault at 0x%lx); ignored",
			hdr_va, fw_safe_fault_addr);
		goto rejected;
	}
	if (hdr.status != NPU_IPC_HDR_ALLOCATED) {
		LOG_ERR("ipc: rx header 0x%lx has status %u, not ALLOCATED; ignored",
			hdr_va, hdr.status);
		goto rejected;
	}
	msg_va = hdr.data_addr;
	if (hdr.channel != NPU_IPC_CHAN_ASYNC_CMD && hdr.channel != NPU_IPC_CHAN_GEN_CMD) {
		LOG_ERR("ipc: rx header 0x%lx on channel %u: the host sends only on channels "
			"0 (ASYNC_CMD) and 10 (GEN_CMD); freed, no response", hdr_va, hdr.channel);
		goto free_hdr;
	}
	if ((msg_va & (NPU_IPC_ALIGNMENT - 1)) || !fw_region_has(&fw.shared, msg_va, JSM_SIZE) ||
	    hdr.data_size < JSM_SIZE) {
		LOG_ERR("ipc: rx header 0x%lx: message 0x%lx size %lu is not a 64-byte aligned "
			"%lu-byte JSM message inside the shared region; freed, no response",
			hdr_va, msg_va, hdr.data_size, JSM_SIZE);
		goto free_hdr;
	}
	if (fw_safe_copy(&req, (const void *)(uintptr_t)msg_va, JSM_SIZE)) {
		LOG_ERR("ipc: rx message 0x%lx unreadable (fault at 0x%lx); freed, no response",
			msg_va, fw_safe_fault_addr);
		goto free_hdr;
	}
	if (req.status != NPU_JSM_MSG_ALLOCATED) {
		LOG_ERR("ipc: rx message 0x%lx (type 0x%lx) has status %lu, not ALLOCATED; "
			"freed, no response", msg_va, req.type, req.status);
		goto free_hdr;
	}
	rx_free(hdr_va, msg_va);
	LOG_DBG("ipc: rx %s ch %u id %lu hdr 0x%lx msg 0x%lx", jsm_type_name(req.type),
		hdr.channel, req.request_id, hdr_va, msg_va);

	memset(&rsp, 0, sizeof(rsp));
	if (!jsm_dispatch(&req, hdr.channel, &rsp))
		return;
	rsp.request_id = req.request_id;
	rsp.status = NPU_JSM_MSG_ALLOCATED;
	ipc_send(hdr.channel, &rsp);
	return;

free_hdr:
	rx_free(hdr_va, 0);
rejected:
	fw.stats.rx_rejected++;
}

void ipc_drain_inbox(void)
{
	if (plat_rd(NPU_LRT_INBOX_STAT) & NPU_LRT_FIFO_STAT_OVERFLOW) {
		/* the host pushed more than the FIFO holds: those requests are lost */
		plat_wr(NPU_LRT_INBOX_STAT, NPU_LRT_FIFO_STAT_OVERFLOW);
		LOG_ERR("ipc: host->firmware FIFO overflowed (more than %lu requests queued); "
			"requests were lost", (uint32_t)NPU_LRT_FIFO_DEPTH);
	}
	while (!(plat_rd(NPU_LRT_INBOX_STAT) & NPU_LRT_FIFO_STAT_EMPTY)) {
		uint32_t va = plat_rd(NPU_LRT_INBOX_DATA);

		ipc_rx(va);
	}
}
