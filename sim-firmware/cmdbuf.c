/* SPDX-License-Identifier: MIT */
/*
 * One job's command buffer, JOB_CMD API 4.15 (hw-facts §11): a 48-byte
 * header at batch_buf_addr, then {u16 type, u16 size} commands from
 * header + cmd_offset up to header + cmd_buffer_size, run strictly in
 * order. Everything is read and written in the job's user context through
 * the context window (ctx.c, hw-facts §15.3); copies and fills go to a DMA
 * engine (dma.c), never through the core.
 *
 * Commands complete before the next one starts: a COPY or MEMORY_FILL
 * waits for its transfer, so a BARRIER has nothing left to wait for and
 * FENCE_SIGNAL comes after everything before it (hw-facts §11.6). A
 * FENCE_WAIT that is not met parks the job (FW_JOB_FENCE) and returns to
 * the scheduler, which re-polls it: one queue's wait never holds another.
 *
 * Anything wrong ends the job with a job_status of hw-facts §13.4, never
 * the firmware: a bad header, size, offset or alignment, an unknown or
 * deprecated type -> PARSING_ERR (§11.4); a fault of the job's context ->
 * USER_CTX_VIOL_ERR; a command this firmware does not implement (metric
 * queries) -> MVNCI_NOT_IMPLEMENTED (docs/deviations.md). INFERENCE_EXECUTE
 * runs in infer.c / infer_sched.c (docs/compute.md).
 */
#include "fw.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/jobq.h"

#define HDR_SIZE ((uint32_t)sizeof(struct npu_cmd_buffer_header))

const char *cmdbuf_status_name(uint32_t s)
{
	switch (s) {
	case NPU_JSM_STATUS_SUCCESS:           return "SUCCESS";
	case NPU_JSM_STATUS_PARSING_ERR:       return "PARSING_ERR";
	case NPU_JSM_STATUS_PROCESSING_ERR:    return "PROCESSING_ERR";
	case NPU_JSM_STATUS_ABORTED:           return "ABORTED";
	case NPU_JSM_STATUS_USER_CTX_VIOL_ERR: return "USER_CTX_VIOL_ERR";
	case NPU_JSM_STATUS_NOT_IMPLEMENTED:   return "NOT_IMPLEMENTED";
	case NPU_JSM_STATUS_MVNCI_WRONG_INPUT_FORMAT: return "MVNCI_WRONG_INPUT_FORMAT";
	case NPU_JSM_STATUS_MVNCI_UNSUPPORTED_NETWORK_ELEMENT:
		return "MVNCI_UNSUPPORTED_NETWORK_ELEMENT";
	case NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES: return "MVNCI_OUT_OF_RESOURCES";
	case NPU_JSM_STATUS_INTERNAL_ERROR:    return "INTERNAL_ERROR";
	default:                               return "?";
	}
}

/* Ends the job: logs why (once per job) and returns the status. */
static uint32_t fail(struct fw_job *j, uint32_t status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static uint32_t fail(struct fw_job *j, uint32_t status, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	fw_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	LOG_WARN("job: db %lu job 0x%lx ssid %lu: %s -> %s (%lu)", j->db, j->job_id, j->ssid,
		 why, cmdbuf_status_name(status), status);
	return status;
}

/* The status of a context access that did not succeed. */
static uint32_t ctx_fail(struct fw_job *j, int err, const char *what, uint64_t va)
{
	if (err == FW_CTX_OUTSIDE)
		return fail(j, NPU_JSM_STATUS_PARSING_ERR, "%s at 0x%llx is outside the user range "
			    "[0x%lx, 4 GiB) the firmware reaches", what, (unsigned long long)va,
			    (uint32_t)NPU_LRT_CTX_WINDOW_BASE);
	return fail(j, NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "%s at 0x%llx: context fault at 0x%lx",
		    what, (unsigned long long)va, ctx_fault_addr);
}

uint32_t cmdbuf_begin(struct fw_job *j, uint64_t batch_va)
{
	struct npu_cmd_buffer_header h;
	int err;

	j->batch = (uint32_t)batch_va;
	j->cmds = 0;
	if (batch_va & (NPU_CMD_BUFFER_ALIGN - 1))
		return fail(j, NPU_JSM_STATUS_PARSING_ERR, "command buffer 0x%llx is not 64-byte "
			    "aligned", (unsigned long long)batch_va);
	err = ctx_read(j->ssid, batch_va, &h, HDR_SIZE);
	if (err)
		return ctx_fail(j, err, "command buffer header", batch_va);
	if (h.reserved_0 || (h.api_version && (h.api_version >> 16) != NPU_JOB_CMD_API_MAJOR))
		return fail(j, NPU_JSM_STATUS_PARSING_ERR, "header api_version 0x%lx / reserved "
			    "0x%lx: not JOB_CMD %lu.x", h.api_version, h.reserved_0,
			    (uint32_t)NPU_JOB_CMD_API_MAJOR);
	if (h.cmd_offset < HDR_SIZE || (h.cmd_offset & (NPU_CMD_ALIGN - 1)) ||
	    h.cmd_buffer_size < h.cmd_offset || h.cmd_buffer_size > (1ull << 32) - batch_va)
		return fail(j, NPU_JSM_STATUS_PARSING_ERR, "header cmd_offset %lu cmd_buffer_size "
			    "%lu: not an 8-byte aligned command area after the %lu-byte header",
			    h.cmd_offset, h.cmd_buffer_size, HDR_SIZE);
	j->pos = h.cmd_offset;
	j->end = h.cmd_buffer_size;
	j->desc_heap = h.descriptor_heap_base_address;
	j->fence_heap = h.fence_heap_base_address;
	j->state = FW_JOB_RUN;
	return NPU_JSM_STATUS_SUCCESS;
}

/* ---- Commands ---------------------------------------------------------------- */

union cmd {
	struct npu_cmd_header hdr;
	struct npu_cmd_timestamp ts;
	struct npu_cmd_fence fence;
	struct npu_cmd_memory_fill fill;
	struct npu_cmd_copy_buffer copy;
	struct npu_cmd_inference_execute infer;
	uint8_t bytes[32];
};

/* Outcome of one command: END with j->status, NEXT, or WAIT (j->state set). */
#define CMD_NEXT  0
#define CMD_WAIT  1
#define CMD_END   2

static int end(struct fw_job *j, uint32_t status)
{
	j->status = status;
	j->state = FW_JOB_END;
	return CMD_END;
}

static int too_small(struct fw_job *j, const union cmd *c, uint32_t min)
{
	return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "command 0x%04x at +%lu: size %u, "
			   "at least %lu expected", c->hdr.type, j->pos, c->hdr.size, min));
}

static int misaligned(struct fw_job *j, const union cmd *c, const char *what, uint64_t va,
		      uint32_t align)
{
	return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "command 0x%04x at +%lu: %s 0x%llx is "
			   "not %lu-byte aligned", c->hdr.type, j->pos, what,
			   (unsigned long long)va, align));
}

/* TIMESTAMP (hw-facts §11.6, §13.2): RAW counts the 38.4 MHz perf clock.
 * It is the firmware's clock (fw_now), which is the perf counter since the
 * cold boot and carries on across D0i3 (the counter itself restarts at the
 * IP reset), so user space sees it only go forward between jobs with a
 * runtime suspend between them. SYSTIME and DELTA need a host delta this
 * firmware is not given: written as RAW and 0 (docs/deviations.md). */
static int do_timestamp(struct fw_job *j, const union cmd *c)
{
	uint64_t va = c->ts.timestamp_address, v;
	int err;

	if (c->hdr.size < sizeof(c->ts))
		return too_small(j, c, sizeof(c->ts));
	if (c->ts.type > NPU_TIME_DELTA)
		return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "TIMESTAMP at +%lu: type %lu "
				   "unknown", j->pos, c->ts.type));
	if (va & (NPU_TIMESTAMP_ALIGN_37XX - 1))
		return misaligned(j, c, "timestamp_address", va, NPU_TIMESTAMP_ALIGN_37XX);
	v = c->ts.type == NPU_TIME_DELTA ? 0 : fw_now();
	err = ctx_write(j->ssid, va, &v, NPU_TIMESTAMP_SIZE);
	if (err)
		return end(j, ctx_fail(j, err, "timestamp", va));
	return CMD_NEXT;
}

/* FENCE_WAIT is met when the word is >= value on 37xx (hw-facts §11.6). */
static int fence_check(struct fw_job *j)
{
	uint64_t cur;
	int err = ctx_read(j->ssid, j->wait_va, &cur, 8);

	if (err)
		return end(j, ctx_fail(j, err, "fence", j->wait_va));
	if (cur >= j->wait_value) {
		j->state = FW_JOB_RUN;
		return CMD_NEXT;
	}
	j->state = FW_JOB_FENCE;
	return CMD_WAIT;
}

static int do_fence(struct fw_job *j, const union cmd *c)
{
	uint64_t va;
	int err;

	if (c->hdr.size < sizeof(c->fence))
		return too_small(j, c, sizeof(c->fence));
	va = j->fence_heap + c->fence.offset;       /* 64-bit wrap: both conventions, §11.8 */
	if (va & (NPU_FENCE_ALIGN_37XX - 1))
		return misaligned(j, c, "fence address", va, NPU_FENCE_ALIGN_37XX);
	if (c->hdr.type == NPU_CMD_FENCE_SIGNAL) {
		err = ctx_write(j->ssid, va, &c->fence.value, 8);
		return err ? end(j, ctx_fail(j, err, "fence", va)) : CMD_NEXT;
	}
	j->wait_va = va;
	j->wait_value = c->fence.value;
	return fence_check(j);
}

/* Takes an engine for a COPY or MEMORY_FILL, or parks the job on
 * FW_JOB_ENGINE (the command is run again when one is free). */
static int engine_for(struct fw_job *j, const union cmd *c, int *e)
{
	if (!dma_available())
		return end(j, fail(j, NPU_JSM_STATUS_NOT_IMPLEMENTED, "command 0x%04x at +%lu needs "
				   "a DMA engine", c->hdr.type, j->pos));
	*e = dma_claim(j->db);
	if (*e < 0) {
		j->state = FW_JOB_ENGINE;
		return CMD_WAIT;
	}
	j->dma = (uint8_t)*e;
	j->state = FW_JOB_DMA;
	return CMD_NEXT;
}

static int do_copy(struct fw_job *j, const union cmd *c)
{
	uint64_t desc;
	int e, r;

	if (c->hdr.size < sizeof(c->copy))
		return too_small(j, c, sizeof(c->copy));
	desc = j->desc_heap + c->copy.desc_start_offset;
	if (desc & (NPU_COPY_DESC_ALIGN - 1))
		return misaligned(j, c, "descriptors", desc, NPU_COPY_DESC_ALIGN);
	if (!c->copy.desc_count || c->copy.desc_count > NPU_CMD_COPY_DESC_COUNT_MAX)
		return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "COPY at +%lu: desc_count %lu, "
				   "1..%lu expected", j->pos, c->copy.desc_count,
				   (uint32_t)NPU_CMD_COPY_DESC_COUNT_MAX));
	if (j->null_sub)
		return CMD_NEXT;
	r = engine_for(j, c, &e);
	if (r != CMD_NEXT)
		return r;
	dma_start_array((unsigned)e, desc, c->copy.desc_count, j->ssid);
	return CMD_WAIT;
}

static int do_fill(struct fw_job *j, const union cmd *c)
{
	int e, r;

	if (c->hdr.size < sizeof(c->fill))
		return too_small(j, c, sizeof(c->fill));
	if (c->fill.start_address & (NPU_MEMORY_FILL_ALIGN_37XX - 1))
		return misaligned(j, c, "start_address", c->fill.start_address,
				  NPU_MEMORY_FILL_ALIGN_37XX);
	if (j->null_sub || !c->fill.size)
		return CMD_NEXT;
	r = engine_for(j, c, &e);
	if (r != CMD_NEXT)
		return r;
	dma_start_fill((unsigned)e, c->fill.start_address, c->fill.size, c->fill.fill_pattern,
		       j->ssid);
	return CMD_WAIT;
}

/* A transfer ended: map the engine's error to a job status. */
static int dma_check(struct fw_job *j)
{
	struct fw_dma_result r;

	switch (dma_poll(j->dma, &r)) {
	case FW_DMA_BUSY:
		return CMD_WAIT;
	case FW_DMA_DONE:
		j->state = FW_JOB_RUN;
		return CMD_NEXT;
	default:
		break;
	}
	switch (r.code) {
	case NPU_LRT_DMA_ERR_DESC_FAULT:
	case NPU_LRT_DMA_ERR_SRC_FAULT:
	case NPU_LRT_DMA_ERR_DST_FAULT:
		return end(j, fail(j, NPU_JSM_STATUS_USER_CTX_VIOL_ERR, "DMA descriptor %lu: "
				   "context fault at 0x%llx (engine error %lu)", r.index,
				   (unsigned long long)r.addr, r.code));
	case NPU_LRT_DMA_ERR_LENGTH:
	case NPU_LRT_DMA_ERR_ALIGN:
	case NPU_LRT_DMA_ERR_MODE:
		return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "DMA descriptor %lu refused by "
				   "the engine (error %lu)", r.index, r.code));
	default:
		return end(j, fail(j, NPU_JSM_STATUS_PROCESSING_ERR, "DMA descriptor %lu failed "
				   "(engine error %lu, address 0x%llx)", r.index, r.code,
				   (unsigned long long)r.addr));
	}
}

/* INFERENCE_EXECUTE (hw-facts §16.1): infer.c checks and starts it; it
 * waits for the CMX and the engines while another inference has them. */
static int do_infer(struct fw_job *j, const union cmd *c)
{
	uint32_t status;
	bool wait;

	if (c->hdr.size < sizeof(c->infer))
		return too_small(j, c, sizeof(c->infer));
	if (j->null_sub)
		return CMD_NEXT;
	if (!dma_available())
		return end(j, fail(j, NPU_JSM_STATUS_NOT_IMPLEMENTED, "INFERENCE_EXECUTE at +%lu "
				   "needs the DMA engines", j->pos));
	status = infer_begin(j, &c->infer, &wait);
	if (status)
		return end(j, status);      /* infer.c logged which field */
	if (wait) {
		j->state = FW_JOB_ENGINE;
		return CMD_WAIT;
	}
	j->state = FW_JOB_INFER;
	return CMD_WAIT;
}

/* The inference ended: its status is the job's unless it succeeded. */
static int infer_check(struct fw_job *j)
{
	uint32_t status;

	if (infer_step(j, &status) == FW_INF_BUSY)
		return CMD_WAIT;
	if (status)
		return end(j, status);
	j->state = FW_JOB_RUN;
	return CMD_NEXT;
}

static int do_command(struct fw_job *j, const union cmd *c)
{
	switch (c->hdr.type) {
	case NPU_CMD_NOP:
	case NPU_CMD_BARRIER:           /* every earlier command has completed already */
		return CMD_NEXT;
	case NPU_CMD_TIMESTAMP:
		return do_timestamp(j, c);
	case NPU_CMD_FENCE_WAIT:
	case NPU_CMD_FENCE_SIGNAL:
		return do_fence(j, c);
	case NPU_CMD_COPY:
		return do_copy(j, c);
	case NPU_CMD_MEMORY_FILL:
		return do_fill(j, c);
	case NPU_CMD_INFERENCE_EXECUTE:
		return do_infer(j, c);
	case NPU_CMD_METRIC_QUERY_BEGIN:
	case NPU_CMD_METRIC_QUERY_END:
		if (j->null_sub)        /* a null submission skips all but fences and timestamps */
			return CMD_NEXT;
		return end(j, fail(j, NPU_JSM_STATUS_NOT_IMPLEMENTED, "command 0x%04x at +%lu is "
				   "not implemented by this firmware", c->hdr.type, j->pos));
	default:
		return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "command 0x%04x at +%lu is %s",
				   c->hdr.type, j->pos, c->hdr.type == NPU_CMD_UNKNOWN ? "UNKNOWN (0)" :
				   "deprecated or unknown in JOB_CMD 4.15"));
	}
}

/* The command at pos: its header checked, its body (up to 32 bytes) read. */
static int fetch(struct fw_job *j, union cmd *c)
{
	uint32_t left = j->end - j->pos, n;
	int err;

	if (left < 8)
		return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "%lu bytes at +%lu are not a "
				   "command", left, j->pos));
	err = ctx_read(j->ssid, (uint64_t)j->batch + j->pos, &c->hdr, sizeof(c->hdr));
	if (err)
		return end(j, ctx_fail(j, err, "command", (uint64_t)j->batch + j->pos));
	if (c->hdr.size < 8 || (c->hdr.size & (NPU_CMD_ALIGN - 1)) || c->hdr.size > left)
		return end(j, fail(j, NPU_JSM_STATUS_PARSING_ERR, "command 0x%04x at +%lu: size %u "
				   "is not a multiple of 8 from 8 up to the %lu bytes left",
				   c->hdr.type, j->pos, c->hdr.size, left));
	n = c->hdr.size < sizeof(*c) ? c->hdr.size : sizeof(*c);
	err = ctx_read(j->ssid, (uint64_t)j->batch + j->pos, c, n);
	if (err)
		return end(j, ctx_fail(j, err, "command", (uint64_t)j->batch + j->pos));
	return CMD_NEXT;
}

int cmdbuf_run(struct fw_job *j, uint32_t *budget)
{
	union cmd c;
	int r = CMD_NEXT;

	/* finish what the job was waiting for */
	if (j->state == FW_JOB_FENCE)
		r = fence_check(j);
	else if (j->state == FW_JOB_DMA)
		r = dma_check(j);
	else if (j->state == FW_JOB_INFER)
		r = infer_check(j);
	else if (j->state == FW_JOB_ENGINE)
		j->state = FW_JOB_RUN;          /* run the command again */
	if (r == CMD_WAIT)
		return FW_STEP_BLOCKED;
	if (r == CMD_END)
		return FW_STEP_IDLE;

	while (j->state == FW_JOB_RUN) {
		if (j->pos >= j->end) {
			j->status = NPU_JSM_STATUS_SUCCESS;
			j->state = FW_JOB_END;
			break;
		}
		if (!*budget)
			return FW_STEP_MORE;
		(*budget)--;
		memset(&c, 0, sizeof(c));
		if (fetch(j, &c) != CMD_NEXT)
			break;
		r = do_command(j, &c);
		if (r == CMD_END)
			break;
		if (j->state == FW_JOB_ENGINE)
			return FW_STEP_BLOCKED;     /* pos stays: the command runs again */
		j->pos += c.hdr.size;
		j->cmds++;
		if (r == CMD_WAIT)
			return FW_STEP_BLOCKED;
	}
	return FW_STEP_IDLE;
}
