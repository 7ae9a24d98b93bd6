/* SPDX-License-Identifier: MIT */
/*
 * IPC with the firmware as Linux 6.12's ivpu_ipc.c does it (hw-facts §5.1,
 * §5.2): two 16 KiB buffers in the global range; host->firmware messages
 * are {IPC header, JSM message} carved from TX with a 64-byte granule
 * allocator and announced by pushing the header's NPU VA into
 * CPU_SS_TIM_IPC_FIFO; firmware->host messages are announced in the
 * HOST_SS_TIM_IPC_FIFO, drained while FILL_LEVEL > 0, checked to lie inside
 * RX, dispatched by channel and request id, and marked FREE when consumed.
 *
 * Waiting: interrupt-driven once the firmware is up (irq_wait, then the
 * host IRQ handler), with a polling fallback when an interrupt does not come
 * in time; pure polling before (boot).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drv.h"

#define TX_BUF_GRANULES   ((sizeof(struct npu_ipc_tx_buf) + NPU_IPC_ALIGNMENT - 1) / \
			   NPU_IPC_ALIGNMENT)
#define DRAIN_MAX_POPS    (4 * NPU_IPC_MAX_RX_MSG)  /* a stuck FILL_LEVEL cannot hang us */

_Static_assert(sizeof(struct npu_ipc_tx_buf) == 192, "IPC header + JSM message");

/* ---- Buffers ---------------------------------------------------------------- */

int npu_ipc_init(struct npu_device *dev)
{
	struct npu_ipc *ipc = &dev->ipc;
	int ret;

	if (ipc->ready)
		return 0;
	ret = npu_bo_create_global(dev, NPU_IPC_BUF_SIZE, 0, "ipc-tx", &ipc->tx);
	if (ret)
		return ret;
	ret = npu_bo_create_global(dev, NPU_IPC_BUF_SIZE, 0, "ipc-rx", &ipc->rx);
	if (ret) {
		npu_bo_free(dev, ipc->tx);
		ipc->tx = NULL;
		return ret;
	}
	ipc->ready = true;
	npu_ipc_reset(dev);
	return 0;
}

void npu_ipc_fini(struct npu_device *dev)
{
	struct npu_ipc *ipc = &dev->ipc;

	npu_ipc_disable(dev);
	for (unsigned i = 0; i < NPU_IPC_CONSUMERS; i++)
		if (ipc->cons[i].used)
			npu_ipc_consumer_del(dev, &ipc->cons[i]);
	npu_bo_free(dev, ipc->rx);
	npu_bo_free(dev, ipc->tx);
	ipc->rx = ipc->tx = NULL;
	ipc->ready = false;
}

/* ivpu_ipc_reset: both buffers zeroed, every TX granule free */
void npu_ipc_reset(struct npu_device *dev)
{
	struct npu_ipc *ipc = &dev->ipc;

	if (!ipc->ready)
		return;
	memset(ipc->tx->dma.cpu, 0, ipc->tx->size);
	memset(ipc->rx->dma.cpu, 0, ipc->rx->size);
	npu_bo_sync_dev(dev, ipc->tx, 0, ipc->tx->size);
	npu_bo_sync_dev(dev, ipc->rx, 0, ipc->rx->size);
	memset(ipc->tx_used, 0, sizeof(ipc->tx_used));
	ipc->rx_msg_count = 0;
	ipc->last_rx_problem[0] = '\0';
}

void npu_ipc_enable(struct npu_device *dev)
{
	dev->ipc.on = true;
}

static void rx_mark_free(struct npu_device *dev, uint32_t hdr_va, uint32_t jsm_va)
{
	struct npu_ipc *ipc = &dev->ipc;
	struct npu_ipc_hdr *hdr = npu_bo_cpu_at(ipc->rx, hdr_va, sizeof(*hdr));
	struct npu_jsm_msg *jsm = jsm_va ? npu_bo_cpu_at(ipc->rx, jsm_va, sizeof(*jsm)) : NULL;

	if (hdr) {
		hdr->status = NPU_IPC_HDR_FREE;
		npu_bo_sync_dev(dev, ipc->rx, (size_t)(hdr_va - ipc->rx->va), sizeof(*hdr));
	}
	if (jsm) {
		jsm->status = NPU_JSM_MSG_FREE;
		npu_bo_sync_dev(dev, ipc->rx, (size_t)(jsm_va - ipc->rx->va), sizeof(*jsm));
	}
}

/* ivpu_ipc_disable: IPC off, waiting consumers aborted, queued messages freed */
void npu_ipc_disable(struct npu_device *dev)
{
	struct npu_ipc *ipc = &dev->ipc;

	ipc->on = false;
	for (unsigned i = 0; i < NPU_IPC_CONSUMERS; i++) {
		struct npu_ipc_consumer *c = &ipc->cons[i];

		if (!c->used)
			continue;
		c->aborted = true;
		while (c->q_len) {
			struct npu_ipc_rx_ref *r = &c->q[c->q_head];

			if (ipc->ready)
				rx_mark_free(dev, r->hdr_va, r->jsm_va);
			c->q_head = (c->q_head + 1) % NPU_IPC_CONS_QUEUE;
			c->q_len--;
			ipc->rx_msg_count--;
		}
	}
}

/* ---- TX --------------------------------------------------------------------------- */

static int tx_alloc(struct npu_ipc *ipc, uint32_t *va)
{
	for (unsigned g = 0; g + TX_BUF_GRANULES <= NPU_IPC_GRANULES; g++) {
		unsigned k;

		for (k = 0; k < TX_BUF_GRANULES && !ipc->tx_used[g + k]; k++)
			;
		if (k == TX_BUF_GRANULES) {
			memset(&ipc->tx_used[g], 1, TX_BUF_GRANULES);
			*va = (uint32_t)(ipc->tx->va + (uint64_t)g * NPU_IPC_ALIGNMENT);
			return 0;
		}
		g += k;  /* skip past the used granule */
	}
	return -EBUSY;
}

static void tx_release(struct npu_ipc *ipc, uint32_t va)
{
	unsigned g;

	if (!va || !ipc->tx)
		return;
	g = (unsigned)((va - ipc->tx->va) / NPU_IPC_ALIGNMENT);
	if (g + TX_BUF_GRANULES <= NPU_IPC_GRANULES)
		memset(&ipc->tx_used[g], 0, TX_BUF_GRANULES);
}

struct npu_ipc_consumer *npu_ipc_consumer_add(struct npu_device *dev, uint32_t channel)
{
	for (unsigned i = 0; i < NPU_IPC_CONSUMERS; i++) {
		struct npu_ipc_consumer *c = &dev->ipc.cons[i];

		if (!c->used) {
			memset(c, 0, sizeof(*c));
			c->used = true;
			c->channel = channel;
			return c;
		}
	}
	return NULL;
}

void npu_ipc_consumer_del(struct npu_device *dev, struct npu_ipc_consumer *cons)
{
	struct npu_ipc *ipc = &dev->ipc;

	while (cons->q_len) {
		struct npu_ipc_rx_ref *r = &cons->q[cons->q_head];

		rx_mark_free(dev, r->hdr_va, r->jsm_va);
		cons->q_head = (cons->q_head + 1) % NPU_IPC_CONS_QUEUE;
		cons->q_len--;
		ipc->rx_msg_count--;
	}
	tx_release(ipc, cons->tx_va);
	memset(cons, 0, sizeof(*cons));
}

/* A host->firmware message as it goes into its TX slot at va (hw-facts
 * §5.2 header, §5.3 message), field by field in layout order: the header
 * points at the JSM message right behind it in the same slot, both carry
 * ALLOCATED until the firmware frees them. */
static void tx_compose(struct npu_ipc_tx_buf *slot, uint32_t va, uint32_t channel,
		       const struct npu_jsm_msg *req, uint32_t request_id)
{
	struct npu_ipc_hdr *hdr = &slot->ipc;
	struct npu_jsm_msg *msg = &slot->jsm;

	memset(slot, 0, sizeof(*slot));     /* reserved words and header padding */
	hdr->data_addr = va + (uint32_t)offsetof(struct npu_ipc_tx_buf, jsm);
	hdr->data_size = sizeof(*msg);
	hdr->channel = (uint16_t)channel;
	hdr->src_node = NPU_IPC_NODE_HOST;
	hdr->dst_node = NPU_IPC_NODE_FW;
	hdr->status = NPU_IPC_HDR_ALLOCATED;
	msg->type = req->type;
	msg->status = NPU_JSM_MSG_ALLOCATED;
	msg->request_id = request_id;
	msg->result = NPU_JSM_STATUS_SUCCESS;
	msg->payload = req->payload;
}

/* Carve a slot, compose the message, announce its header VA in the
 * firmware's FIFO (hw-facts §5.1). No doorbell: the FIFO write is it. */
int npu_ipc_send(struct npu_device *dev, struct npu_ipc_consumer *cons, struct npu_jsm_msg *req)
{
	struct npu_ipc *ipc = &dev->ipc;
	struct npu_ipc_tx_buf *slot;
	uint32_t va;
	size_t off;

	if (!ipc->on)
		return npu_fail(dev, -EAGAIN, "IPC: cannot send %s: IPC is off (NPU %s, firmware "
				"not running)", npu_jsm_type_name(req->type),
				npu_power_state_name(dev->power));
	/* Once a recovery is due the firmware is not trusted with more work;
	 * the recovery itself (in_recovery) still talks to it. */
	if (dev->recovery_pending && !dev->in_recovery)
		return npu_fail(dev, -ECANCELED, "IPC: %s not sent: the NPU is due for recovery (%s)",
				npu_jsm_type_name(req->type), dev->recovery_reason);
	if (tx_alloc(ipc, &va))
		return npu_fail(dev, -EBUSY, "IPC: TX buffer full, cannot send %s",
				npu_jsm_type_name(req->type));
	off = (size_t)(va - ipc->tx->va);
	slot = (struct npu_ipc_tx_buf *)((uint8_t *)ipc->tx->dma.cpu + off);
	npu_bo_sync_cpu(dev, ipc->tx, off, sizeof(*slot));
	/* The firmware frees both parts of a message it consumed; a slot that
	 * still says ALLOCATED is overwritten anyway (the host owns TX). */
	if (slot->ipc.status != NPU_IPC_HDR_FREE || slot->jsm.status != NPU_JSM_MSG_FREE)
		npu_warn(dev, "IPC TX: slot 0x%x still held from an earlier message (header status "
			 "%u, JSM status %u); reusing it for %s", va, slot->ipc.status,
			 slot->jsm.status, npu_jsm_type_name(req->type));

	req->request_id = ++ipc->request_id;
	tx_compose(slot, va, cons->channel, req, req->request_id);
	cons->request_id = req->request_id;
	cons->tx_va = va;
	npu_bo_sync_dev(dev, ipc->tx, off, sizeof(*slot));

	npu_dbg(dev, "IPC TX: slot 0x%x channel %u %s id %u payload 0x%x 0x%x 0x%x 0x%x", va,
		cons->channel, npu_jsm_type_name(req->type), req->request_id,
		req->payload.words[0], req->payload.words[1], req->payload.words[2],
		req->payload.words[3]);
	npu_regv_wr32(dev, NPU_CPU_SS_TIM_IPC_FIFO, va);
	ipc->tx_count++;
	return 0;
}

/* ---- RX ------------------------------------------------------------------------------ */

uint32_t npu_ipc_fill_level(struct npu_device *dev)
{
	return (uint32_t)NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				     npu_regv_rd32(dev, NPU_HOST_SS_TIM_IPC_FIFO_STAT));
}

static void rx_problem(struct npu_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rx_problem(struct npu_device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->ipc.last_rx_problem, sizeof(dev->ipc.last_rx_problem), fmt, ap);
	va_end(ap);
	dev->ipc.rx_malformed++;
	npu_warn(dev, "IPC RX: %s", dev->ipc.last_rx_problem);
}

static bool dispatch(struct npu_device *dev, uint32_t hdr_va, const struct npu_ipc_hdr *hdr,
		     uint32_t jsm_va, const struct npu_jsm_msg *jsm)
{
	struct npu_ipc *ipc = &dev->ipc;

	/* JOB_DONE is consumed as it arrives, as ivpu's job-done callback does
	 * (hw-facts §14.7): no queue of a waiter can overflow with them. */
	if (jsm && hdr->channel == NPU_IPC_CHAN_JOB_RET && jsm->request_id == 0) {
		npu_job_done_msg(dev, jsm);
		rx_mark_free(dev, hdr_va, jsm_va);
		return true;
	}
	for (unsigned i = 0; i < NPU_IPC_CONSUMERS; i++) {
		struct npu_ipc_consumer *c = &ipc->cons[i];
		struct npu_ipc_rx_ref *r;

		if (!c->used || c->channel != hdr->channel)
			continue;
		if (jsm && jsm->request_id != c->request_id)
			continue;
		if (c->q_len == NPU_IPC_CONS_QUEUE)
			return false;
		r = &c->q[(c->q_head + c->q_len) % NPU_IPC_CONS_QUEUE];
		r->hdr_va = hdr_va;
		r->jsm_va = jsm_va;
		c->q_len++;
		ipc->rx_msg_count++;
		return true;
	}
	return false;
}

/* Pop until FILL_LEVEL reads 0: the FIFO raises its interrupt again only
 * once it was emptied (hw-facts §5.1). */
int npu_ipc_drain(struct npu_device *dev)
{
	struct npu_ipc *ipc = &dev->ipc;
	unsigned pops = 0;
	uint32_t level;

	if (!ipc->ready)
		return 0;
	while ((level = npu_ipc_fill_level(dev)) > 0) {
		struct npu_ipc_hdr *hdr;
		struct npu_jsm_msg *jsm = NULL;
		uint32_t va, jsm_va = 0;

		if (++pops > DRAIN_MAX_POPS) {
			rx_problem(dev, "TIM_IPC_FIFO_STAT.FILL_LEVEL stays at %u after %u pops",
				   level, DRAIN_MAX_POPS);
			return -EIO;
		}
		va = npu_regv_rd32(dev, NPU_HOST_SS_TIM_IPC_FIFO_ATM);
		if (va == NPU_IPC_FIFO_EMPTY_VALUE) {
			rx_problem(dev, "TIM_IPC_FIFO_ATM popped 0xffffffff, a read error, while "
				   "FILL_LEVEL was %u", level);
			return -EIO;
		}
		hdr = npu_bo_cpu_at(ipc->rx, va, sizeof(*hdr));
		if (!hdr) {
			rx_problem(dev, "header at 0x%08x lies outside the RX buffer [0x%llx, "
				   "0x%llx)", va, (unsigned long long)ipc->rx->va,
				   (unsigned long long)(ipc->rx->va + ipc->rx->size));
			continue;
		}
		npu_bo_sync_cpu(dev, ipc->rx, (size_t)(va - ipc->rx->va), sizeof(*hdr));
		if (hdr->channel != NPU_IPC_CHAN_BOOT_MSG) {
			jsm_va = hdr->data_addr;
			jsm = npu_bo_cpu_at(ipc->rx, jsm_va, sizeof(*jsm));
			if (!jsm) {
				rx_problem(dev, "JSM message at 0x%08x (header 0x%08x, channel %u) lies "
					   "outside the RX buffer [0x%llx, 0x%llx)", jsm_va,
					   va, hdr->channel, (unsigned long long)ipc->rx->va,
					   (unsigned long long)(ipc->rx->va + ipc->rx->size));
				rx_mark_free(dev, va, 0);
				continue;
			}
			npu_bo_sync_cpu(dev, ipc->rx, (size_t)(jsm_va - ipc->rx->va), sizeof(*jsm));
		}
		npu_dbg(dev, "IPC RX: header 0x%x channel 0x%x data_addr 0x%x%s%s id %u result 0x%x",
			va, hdr->channel, hdr->data_addr, jsm ? " " : "",
			jsm ? npu_jsm_type_name(jsm->type) : "", jsm ? jsm->request_id : 0,
			jsm ? jsm->result : 0);
		ipc->rx_count++;
		if (ipc->rx_msg_count > NPU_IPC_MAX_RX_MSG) {
			npu_warn(dev, "IPC RX: %u messages already wait for their consumers; message "
				 "0x%x freed unread", NPU_IPC_MAX_RX_MSG, va);
			ipc->rx_dropped++;
			rx_mark_free(dev, va, jsm_va);
			continue;
		}
		if (!dispatch(dev, va, hdr, jsm ? jsm_va : 0, jsm)) {
			npu_dbg(dev, "IPC RX: nobody waits for message 0x%x (channel %u, request id "
				"%u); freed", va, hdr->channel, jsm ? jsm->request_id : 0);
			ipc->rx_dropped++;
			rx_mark_free(dev, va, jsm_va);
		}
	}
	return 0;
}

/* Take the oldest message of cons: copy, mark FREE. */
static int take(struct npu_device *dev, struct npu_ipc_consumer *cons, struct npu_ipc_hdr *hdr_out,
		struct npu_jsm_msg *jsm_out)
{
	struct npu_ipc *ipc = &dev->ipc;
	struct npu_ipc_rx_ref r = cons->q[cons->q_head];
	const struct npu_ipc_hdr *hdr = npu_bo_cpu_at(ipc->rx, r.hdr_va, sizeof(*hdr));
	const struct npu_jsm_msg *jsm = r.jsm_va ? npu_bo_cpu_at(ipc->rx, r.jsm_va, sizeof(*jsm))
						 : NULL;
	int ret = 0;

	cons->q_head = (cons->q_head + 1) % NPU_IPC_CONS_QUEUE;
	cons->q_len--;
	ipc->rx_msg_count--;
	if (hdr_out)
		*hdr_out = *hdr;
	if (jsm) {
		size_t size = hdr->data_size < sizeof(*jsm) ? hdr->data_size : sizeof(*jsm);

		if (jsm->result != NPU_JSM_STATUS_SUCCESS)
			ret = -EBADMSG;
		if (jsm_out) {
			memset(jsm_out, 0, sizeof(*jsm_out));
			memcpy(jsm_out, jsm, size);
		}
	}
	rx_mark_free(dev, r.hdr_va, r.jsm_va);
	return ret;
}

int npu_ipc_receive(struct npu_device *dev, struct npu_ipc_consumer *cons,
		    struct npu_ipc_hdr *hdr, struct npu_jsm_msg *jsm, uint32_t timeout_ms)
{
	uint64_t deadline = npu_now_ns(dev) + (uint64_t)timeout_ms * 1000000u;

	for (;;) {
		uint64_t now, left_us;

		if (cons->q_len)
			return take(dev, cons, hdr, jsm);
		if (cons->aborted)
			return -ECANCELED;
		now = npu_now_ns(dev);
		if (now >= deadline)
			return -ETIMEDOUT;
		left_us = (deadline - now + 999) / 1000;

		if (dev->irq_on) {
			uint64_t slice = left_us < dev->t.irq_fallback_us ? left_us
									 : dev->t.irq_fallback_us;
			int r = dev->os_ops->irq_wait(dev->os, slice);
			uint32_t level;

			if (r < 0)
				return npu_fail(dev, -EIO, "IPC: waiting for the interrupt failed: %s",
						dev->os_ops->last_error(dev->os));
			if (r > 0) {
				npu_irq_handle(dev);
				continue;
			}
			level = dev->irq_on ? npu_ipc_fill_level(dev) : 0;
			if (level) {
				/* The FIFO holds messages but no interrupt came: level
				 * sensitive HOST_IPC_FIFO_INT should have fired. */
				dev->irq_poll_fallbacks++;
				npu_warn(dev, "IPC: %u message(s) waiting but no interrupt within %llu "
					 "us; reading the FIFO without one", level,
					 (unsigned long long)slice);
				npu_ipc_drain(dev);
			}
		} else {
			npu_ipc_drain(dev);
			if (cons->q_len)
				continue;
			npu_sleep_us(dev, left_us < dev->t.poll_interval_us ? left_us
									    : dev->t.poll_interval_us);
		}
	}
}

/* ---- Request / response ------------------------------------------------------------ */

/* Requests travel on the channel jsm.h assigns them and are answered by
 * the type it pairs them with (hw-facts §5.4); anything else is refused
 * before it reaches the firmware. */
static int request_route(struct npu_device *dev, const struct npu_jsm_msg *req,
			 uint32_t *expected_type, uint32_t *channel)
{
	*expected_type = npu_jsm_response_type(req->type);
	*channel = npu_jsm_request_channel(req->type);
	if (*expected_type == NPU_JSM_MSG_NONE)
		return npu_fail(dev, -EINVAL, "IPC: type 0x%x (%s) is not a JSM request", req->type,
				npu_jsm_type_name(req->type));
	return 0;
}

int npu_ipc_send_receive_internal(struct npu_device *dev, struct npu_jsm_msg *req,
				  struct npu_jsm_msg *resp, uint32_t timeout_ms)
{
	struct npu_ipc_consumer *cons;
	uint32_t expected_type, channel;
	int ret = request_route(dev, req, &expected_type, &channel);

	if (ret)
		return ret;
	cons = npu_ipc_consumer_add(dev, channel);
	if (!cons)
		return npu_fail(dev, -EBUSY, "IPC: no free consumer slot for %s",
				npu_jsm_type_name(req->type));
	dev->ipc.last_rx_problem[0] = '\0';
	ret = npu_ipc_send(dev, cons, req);
	if (ret)
		goto out;
	ret = npu_ipc_receive(dev, cons, NULL, resp, timeout_ms);
	switch (ret) {
	case 0:
		if (resp->type != expected_type)
			ret = npu_fail(dev, -EBADE, "%s (request %u): answered with %s (0x%x) "
				       "instead of %s (0x%x)", npu_jsm_type_name(req->type),
				       req->request_id, npu_jsm_type_name(resp->type), resp->type,
				       npu_jsm_type_name(expected_type), expected_type);
		break;
	case -EBADMSG:
		ret = npu_fail(dev, -EBADMSG, "%s (request %u): firmware returned result 0x%x (%s) "
			       "in %s", npu_jsm_type_name(req->type), req->request_id, resp->result,
			       npu_jsm_status_name(resp->result), npu_jsm_type_name(resp->type));
		break;
	case -ETIMEDOUT:
		ret = npu_fail(dev, -ETIMEDOUT, "%s (request %u, channel %u): no response within "
			       "%u ms%s%s", npu_jsm_type_name(req->type), req->request_id, channel,
			       timeout_ms, dev->ipc.last_rx_problem[0] ? "; last IPC problem: " : "",
			       dev->ipc.last_rx_problem);
		break;
	case -ECANCELED:
		ret = npu_fail(dev, -ECANCELED, "%s (request %u): aborted, IPC was disabled by a "
			       "reset", npu_jsm_type_name(req->type), req->request_id);
		break;
	default:
		break;
	}
out:
	npu_ipc_consumer_del(dev, cons);
	return ret;
}

/* A timeout is followed by a heartbeat query; if that times out too the
 * NPU needs a recovery (hw-facts §5.1, §14.x). It is only scheduled here:
 * it runs when the public call that is waiting returns (npu_api_exit),
 * never from inside this wait. */
int npu_ipc_send_receive(struct npu_device *dev, struct npu_jsm_msg *req,
			 struct npu_jsm_msg *resp, uint32_t timeout_ms)
{
	struct npu_jsm_msg hb_req = { .type = NPU_JSM_MSG_QUERY_ENGINE_HB };
	struct npu_jsm_msg hb_resp;
	char first[512];
	int ret, hb_ret;

	ret = npu_ipc_send_receive_internal(dev, req, resp, timeout_ms);
	if (ret != -ETIMEDOUT || dev->in_recovery || dev->recovery_pending)
		return ret;
	snprintf(first, sizeof(first), "%s", dev->last_error);
	hb_req.payload.engine.engine_idx = NPU_ENGINE_COMPUTE;
	hb_ret = npu_ipc_send_receive_internal(dev, &hb_req, &hb_resp, dev->t.jsm_ms);
	if (hb_ret == -ETIMEDOUT) {
		npu_trigger_recovery(dev, "no JSM response, no heartbeat");
		npu_fail(dev, ret, "%s; the heartbeat query also timed out: recovery scheduled", first);
	} else {
		npu_fail(dev, ret, "%s; the heartbeat still answers (%s)", first,
			 hb_ret ? "with an error" : "firmware alive");
	}
	return ret;
}

int npu_ipc_send_and_wait(struct npu_device *dev, struct npu_jsm_msg *req, uint32_t timeout_ms)
{
	struct npu_ipc_consumer *cons;
	uint32_t expected_type, channel;
	int ret = request_route(dev, req, &expected_type, &channel);

	if (ret)
		return ret;
	cons = npu_ipc_consumer_add(dev, channel);
	if (!cons)
		return npu_fail(dev, -EBUSY, "IPC: no free consumer slot for %s",
				npu_jsm_type_name(req->type));
	ret = npu_ipc_send(dev, cons, req);
	if (!ret)
		npu_sleep_us(dev, (uint64_t)timeout_ms * 1000u);
	npu_ipc_consumer_del(dev, cons);
	return ret;
}
