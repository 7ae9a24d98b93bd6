/* SPDX-License-Identifier: MIT */
/*
 * The fake firmware's job scheduler: it learns each queue from REGISTER_DB
 * or HWS_REGISTER_DB, takes the jobs of a queue when its doorbell rings
 * (head advances, hw-facts §14.4), runs NOP, BARRIER, TIMESTAMP,
 * FENCE_WAIT/SIGNAL, COPY and MEMORY_FILL in host memory through the
 * page tables the driver built for the queue's SSID (hw-facts §15.3), and
 * sends JOB_DONE on the job channel (hw-facts §14.7). An unmapped address
 * raises an MMU event for that SSID and leaves the job hanging, as a
 * stalled DMA would; SSID_RELEASE then completes its jobs with ABORTED.
 * Tests bend it through f->jobs (mode, forced status, JOB_DONE result).
 */
#include <stdlib.h>
#include <string.h>

#include "fake_npu.h"
#include "intel-npu/bits.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/jobq.h"
#include "intel-npu/regs_mmu.h"

enum outcome { JOB_DONE, JOB_HANG, JOB_FAULT };

void fake_jobs_reset(struct fake_npu *f)
{
	memset(f->jobs.q, 0, sizeof(f->jobs.q));
	f->jobs.n_pending = 0;
}

void fake_jobs_on_request(struct fake_npu *f, const struct npu_jsm_msg *req)
{
	struct fake_jobq *q;

	switch (req->type) {
	case NPU_JSM_MSG_REGISTER_DB:
		if (req->payload.register_db.db_idx < 256) {
			q = &f->jobs.q[req->payload.register_db.db_idx];
			q->registered = true;
			q->ssid = req->payload.register_db.host_ssid;
			q->base = req->payload.register_db.jobq_base;
			q->size = req->payload.register_db.jobq_size;
		}
		break;
	case NPU_JSM_MSG_HWS_REGISTER_DB:
		if (req->payload.hws_register_db.db_id < 256) {
			q = &f->jobs.q[req->payload.hws_register_db.db_id];
			q->registered = true;
			q->ssid = req->payload.hws_register_db.host_ssid;
			q->base = req->payload.hws_register_db.cmdq_base;
			q->size = (uint32_t)req->payload.hws_register_db.cmdq_size;
			q->cmdq_id = req->payload.hws_register_db.cmdq_id;
		}
		break;
	case NPU_JSM_MSG_UNREGISTER_DB:
		if (req->payload.db.db_idx < 256)
			f->jobs.q[req->payload.db.db_idx].registered = false;
		break;
	case NPU_JSM_MSG_ENGINE_RESET:
		f->jobs.n_pending = 0;        /* the driver completes them (HWS) */
		break;
	case NPU_JSM_MSG_SSID_RELEASE:
		/* abort every job of the SSID (hw-facts §14.11) */
		for (unsigned i = 0; i < f->jobs.n_pending;) {
			struct fake_job_pending p = f->jobs.pending[i];
			struct npu_jsm_msg m = { .type = NPU_JSM_MSG_JOB_DONE };

			if (p.ssid != req->payload.ssid.host_ssid || f->jobs.keep_on_release) {
				i++;
				continue;
			}
			f->jobs.pending[i] = f->jobs.pending[--f->jobs.n_pending];
			m.payload.job_done.job_id = p.job_id;
			m.payload.job_done.db_idx = p.db_id;
			m.payload.job_done.host_ssid = p.ssid;
			m.payload.job_done.job_status = NPU_JSM_STATUS_ABORTED;
			fake_fw_send(f, NPU_IPC_CHAN_JOB_RET, &m, FAKE_REPLY_NORMAL);
			f->jobs.done_sent++;
		}
		break;
	default:
		break;
	}
}

void fake_jobs_doorbell(struct fake_npu *f, unsigned db_id)
{
	(void)db_id;
	fake_jobs_schedule(f, (uint64_t)f->fw.resp_delay_us * 1000);
}

static enum outcome fault(struct fake_npu *f, uint32_t ssid, uint64_t va)
{
	uint32_t rec[8] = { 0 };

	rec[0] = NPU_MMU_EVT_F_TRANSLATION | NPU_MMU_EVT_0_SSV |
		 (uint32_t)NPU_FLD_PREP(NPU_MMU_EVT_0_SSID, ssid);
	rec[1] = NPU_MMU_SID_DMA;
	rec[3] = NPU_MMU_EVT_3_RNW;
	rec[4] = (uint32_t)va;
	rec[5] = (uint32_t)(va >> 32);
	fake_mmu_event(f, rec);
	f->jobs.faults++;
	return JOB_FAULT;
}

static enum outcome copy(struct fake_npu *f, uint32_t ssid, const struct npu_cmd_copy_buffer *c,
			 uint32_t *status)
{
	uint64_t at = c->desc_start_offset;

	if (!c->desc_count || c->desc_count > NPU_CMD_COPY_DESC_COUNT_MAX ||
	    at % NPU_COPY_DESC_ALIGN) {
		*status = NPU_JSM_STATUS_PARSING_ERR;
		return JOB_DONE;
	}
	for (uint32_t i = 0; i < c->desc_count; i++, at += sizeof(struct npu_cmd_copy_descriptor_37xx)) {
		struct npu_cmd_copy_descriptor_37xx d;
		uint8_t *tmp;

		if (fake_va_read(f, ssid, at, &d, sizeof(d)))
			return fault(f, ssid, at);
		if (d.size > NPU_COPY_DESC_SIZE_MAX) {
			*status = NPU_JSM_STATUS_PARSING_ERR;
			return JOB_DONE;
		}
		tmp = malloc(d.size ? d.size : 1);
		if (!tmp) {
			*status = NPU_JSM_STATUS_INTERNAL_ERROR;
			return JOB_DONE;
		}
		if (fake_va_read(f, ssid, d.src_address, tmp, d.size)) {
			free(tmp);
			return fault(f, ssid, d.src_address);
		}
		if (fake_va_write(f, ssid, d.dst_address, tmp, d.size)) {
			free(tmp);
			return fault(f, ssid, d.dst_address);
		}
		free(tmp);
	}
	return JOB_DONE;
}

static enum outcome fill(struct fake_npu *f, uint32_t ssid, const struct npu_cmd_memory_fill *c)
{
	uint8_t chunk[4096];

	for (size_t i = 0; i < sizeof(chunk); i += 4)
		memcpy(chunk + i, &c->fill_pattern, 4);
	for (uint64_t done = 0; done < c->size;) {
		size_t n = c->size - done < sizeof(chunk) ? (size_t)(c->size - done) : sizeof(chunk);

		if (fake_va_write(f, ssid, c->start_address + done, chunk, n))
			return fault(f, ssid, c->start_address + done);
		done += n;
	}
	return JOB_DONE;
}

/* Run one command buffer in context ssid; *status for JOB_DONE. */
static enum outcome run(struct fake_npu *f, uint32_t ssid, uint64_t batch, uint32_t *status)
{
	struct npu_cmd_buffer_header h;
	uint64_t off;

	*status = NPU_JSM_STATUS_SUCCESS;
	if (fake_va_read(f, ssid, batch, &h, sizeof(h)))
		return fault(f, ssid, batch);
	if (batch % NPU_CMD_BUFFER_ALIGN || h.cmd_offset < sizeof(h) ||
	    h.cmd_buffer_size < h.cmd_offset) {
		*status = NPU_JSM_STATUS_PARSING_ERR;
		return JOB_DONE;
	}
	for (off = h.cmd_offset; off < h.cmd_buffer_size;) {
		union {
			struct npu_cmd_header hdr;
			struct npu_cmd_timestamp ts;
			struct npu_cmd_fence fence;
			struct npu_cmd_memory_fill fill;
			struct npu_cmd_copy_buffer copy;
		} c;
		uint64_t word, va;
		enum outcome o = JOB_DONE;

		memset(&c, 0, sizeof(c));
		if (fake_va_read(f, ssid, batch + off, &c.hdr, sizeof(c.hdr)))
			return fault(f, ssid, batch + off);
		if (c.hdr.size < 8 || c.hdr.size % NPU_CMD_ALIGN ||
		    off + c.hdr.size > h.cmd_buffer_size) {
			*status = NPU_JSM_STATUS_PARSING_ERR;
			return JOB_DONE;
		}
		if (fake_va_read(f, ssid, batch + off, &c,
				 c.hdr.size < sizeof(c) ? c.hdr.size : sizeof(c)))
			return fault(f, ssid, batch + off);
		switch (c.hdr.type) {
		case NPU_CMD_NOP:
		case NPU_CMD_BARRIER:
			break;
		case NPU_CMD_TIMESTAMP:
			if (c.ts.timestamp_address % NPU_TIMESTAMP_ALIGN_37XX) {
				*status = NPU_JSM_STATUS_PARSING_ERR;
				return JOB_DONE;
			}
			word = f->now_ns * 384 / 10000;   /* 38.4 MHz ticks (hw-facts §13.2) */
			if (fake_va_write(f, ssid, c.ts.timestamp_address, &word, sizeof(word)))
				o = fault(f, ssid, c.ts.timestamp_address);
			break;
		case NPU_CMD_FENCE_WAIT:
		case NPU_CMD_FENCE_SIGNAL:
			va = h.fence_heap_base_address + c.fence.offset;
			if (va % NPU_FENCE_ALIGN_37XX) {
				*status = NPU_JSM_STATUS_PARSING_ERR;
				return JOB_DONE;
			}
			if (c.hdr.type == NPU_CMD_FENCE_SIGNAL) {
				if (fake_va_write(f, ssid, va, &c.fence.value, sizeof(word)))
					o = fault(f, ssid, va);
			} else if (fake_va_read(f, ssid, va, &word, sizeof(word))) {
				o = fault(f, ssid, va);
			} else if (word < c.fence.value) {
				o = JOB_HANG;   /* nobody signals it in this fake */
			}
			break;
		case NPU_CMD_COPY:
			c.copy.desc_start_offset += h.descriptor_heap_base_address;
			o = copy(f, ssid, &c.copy, status);
			break;
		case NPU_CMD_MEMORY_FILL:
			if (c.fill.start_address % NPU_MEMORY_FILL_ALIGN_37XX) {
				*status = NPU_JSM_STATUS_PARSING_ERR;
				return JOB_DONE;
			}
			o = fill(f, ssid, &c.fill);
			break;
		default:
			*status = NPU_JSM_STATUS_PARSING_ERR;
			return JOB_DONE;
		}
		if (o != JOB_DONE || *status)
			return o;
		off += c.hdr.size;
	}
	return JOB_DONE;
}

static void pend(struct fake_npu *f, uint32_t job_id, uint32_t ssid, uint32_t db_id)
{
	if (f->jobs.n_pending < FAKE_JOBS_PENDING_MAX)
		f->jobs.pending[f->jobs.n_pending++] = (struct fake_job_pending){ job_id, ssid, db_id };
}

void fake_jobs_run(struct fake_npu *f)
{
	if (f->jobs.mode == FAKE_JOBS_STALL || !f->fw_running)
		return;
	for (unsigned id = 1; id < 256; id++) {
		struct fake_jobq *q = &f->jobs.q[id];
		struct npu_job_queue_header h;
		uint32_t slots;

		if (!q->registered)
			continue;
		slots = (uint32_t)NPU_JOBQ_SLOTS(q->size);
		if (fake_va_read(f, 0, q->base, &h, sizeof(h)))
			continue;
		while (h.head != h.tail && h.head < slots && h.tail < slots) {
			struct npu_job_queue_entry e;
			struct npu_jsm_msg m = { .type = NPU_JSM_MSG_JOB_DONE };
			uint32_t status = 0;
			enum outcome o;

			if (!fake_fw_can_send(f)) {
				/* RX full: come back once the host has read some */
				fake_jobs_schedule(f, 10000);
				return;
			}
			if (fake_va_read(f, 0, q->base + sizeof(h) + (uint64_t)h.head * sizeof(e), &e,
					 sizeof(e)))
				break;
			h.head = (h.head + 1) % slots;
			fake_va_write(f, 0, q->base + offsetof(struct npu_job_queue_header, head),
				      &h.head, sizeof(h.head));
			f->jobs.taken++;
			f->jobs.last_job_id = e.job_id;
			o = f->jobs.mode == FAKE_JOBS_HANG ? JOB_HANG
							   : run(f, q->ssid, e.batch_buf_addr, &status);
			if (o != JOB_DONE) {
				pend(f, e.job_id, q->ssid, id);
				continue;
			}
			if (f->jobs.forced_status >= 0)
				status = (uint32_t)f->jobs.forced_status;
			m.result = f->jobs.done_result;
			m.payload.job_done.engine_idx = 0;
			m.payload.job_done.db_idx = id;
			m.payload.job_done.job_id = e.job_id;
			m.payload.job_done.job_status = status;
			m.payload.job_done.host_ssid = q->ssid;
			m.payload.job_done.cmdq_id = q->cmdq_id;
			f->jobs.last_status = status;
			fake_fw_send(f, NPU_IPC_CHAN_JOB_RET, &m, FAKE_REPLY_NORMAL);
			f->jobs.done_sent++;
		}
	}
}
