/* SPDX-License-Identifier: MIT */
/*
 * JSM request handlers: every message Linux 6.12's ivpu_jsm_msg.c can send
 * (hw-facts §5.4, jsm.h for the payloads). A handler validates its payload,
 * acts, fills the response payload and returns a VPU_JSM_STATUS_* result
 * (the host treats anything but SUCCESS as -EBADMSG) or JSM_NO_RESPONSE.
 *
 * Known requests we do not implement (power levels, metric streamer, blob
 * deinit) get their documented response type with NOT_IMPLEMENTED. An
 * unknown type in the request ranges 0x1100-0x12FF gets type + 0x1100 and
 * PARSING_ERR; anything else is logged and dropped (it is not a request).
 */
#include "fw.h"
#include "intel-npu/jobq.h"

typedef uint32_t (*jsm_fn)(const union npu_jsm_payload *in, union npu_jsm_payload *out);

struct jsm_op {
	uint16_t type, rsp_type;
	jsm_fn fn;               /* NULL: known, not implemented */
	const char *name;
};

/* ---- Validation helpers ------------------------------------------------------- */

static bool engine_ok(uint32_t e, const char *what)
{
	if (e < NPU_ENGINE_NB)
		return true;
	LOG_WARN("jsm: %s: engine %lu does not exist (0 compute, 1 copy)", what, e);
	return false;
}

static bool ssid_ok(uint32_t ssid, const char *what)
{
	if (fw_ssid_valid(ssid))
		return true;
	LOG_WARN("jsm: %s: host_ssid %lu is not a user context (2..65)", what, ssid);
	return false;
}

/* A job/command queue: 64-byte aligned, header + at least one slot, all of
 * it inside the shared region (where the host allocates queues). */
static bool queue_ok(uint64_t base, uint64_t size, const char *what)
{
	if (!(base & 63) && size >= 2 * sizeof(struct npu_job_queue_entry) &&
	    fw_region_has(&fw.shared, base, size))
		return true;
	LOG_WARN("jsm: %s: queue 0x%llx size 0x%llx is not a 64-byte aligned queue of at least "
		 "128 bytes inside the shared region [0x%lx, 0x%lx)", what,
		 (unsigned long long)base, (unsigned long long)size, fw.shared.base,
		 fw.shared.base + fw.shared.size);
	return false;
}

/* ---- Engine ------------------------------------------------------------------------ */

static uint32_t h_engine_reset(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	uint32_t e = in->engine.engine_idx;

	out->engine_reset_done.engine_idx = e;
	if (!engine_ok(e, "ENGINE_RESET"))
		return NPU_JSM_STATUS_PARSING_ERR;
	LOG_INFO("jsm: engine %lu reset: %lu contexts had jobs in progress%s", e,
		 job_engine_reset(&out->engine_reset_done),
		 fw.sched_mode == NPU_SCHEDULING_MODE_HW ? "; stopped until HWS_ENGINE_RESUME" : "");
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_engine_preempt(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	out->engine_preempt = in->engine_preempt;
	if (!engine_ok(in->engine_preempt.engine_idx, "ENGINE_PREEMPT"))
		return NPU_JSM_STATUS_PARSING_ERR;
	LOG_INFO("jsm: engine %lu preempted (id %lu; nothing was running)",
		 in->engine_preempt.engine_idx, in->engine_preempt.preempt_id);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_query_engine_hb(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	uint32_t e = in->engine.engine_idx;

	out->query_engine_hb_done.engine_idx = e;
	if (!engine_ok(e, "QUERY_ENGINE_HB"))
		return NPU_JSM_STATUS_PARSING_ERR;
	out->query_engine_hb_done.heartbeat = fw_now();
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_hws_engine_resume(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	out->engine = in->engine;
	if (!engine_ok(in->engine.engine_idx, "HWS_ENGINE_RESUME"))
		return NPU_JSM_STATUS_PARSING_ERR;
	job_engine_resume();
	LOG_INFO("jsm: engine %lu resumed", in->engine.engine_idx);
	return NPU_JSM_STATUS_SUCCESS;
}

/* ---- Doorbells (OS scheduling) ----------------------------------------------------------- */

static uint32_t h_register_db(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_register_db *r = &in->register_db;
	uint32_t db = r->db_idx;

	out->db.db_idx = db;
	if (!fw_db_id_valid(db)) {
		LOG_WARN("jsm: REGISTER_DB: doorbell %lu out of range 1..255", db);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	if (!ssid_ok(r->host_ssid, "REGISTER_DB") ||
	    !queue_ok(r->jobq_base, r->jobq_size, "REGISTER_DB"))
		return NPU_JSM_STATUS_PARSING_ERR;
	if (db_register(db, r->host_ssid, (uint32_t)r->jobq_base, r->jobq_size, false, 0))
		LOG_WARN("jsm: REGISTER_DB: doorbell %lu was registered; replaced", db);
	LOG_INFO("jsm: doorbell %lu -> ssid %lu job queue 0x%lx (%lu slots)", db, r->host_ssid,
		 (uint32_t)r->jobq_base, (uint32_t)NPU_JOBQ_SLOTS(r->jobq_size));
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_unregister_db(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	uint32_t db = in->db.db_idx;

	out->db.db_idx = db;
	if (!fw_db_id_valid(db)) {
		LOG_WARN("jsm: UNREGISTER_DB: doorbell %lu out of range 1..255", db);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	if (db_unregister(db)) {
		LOG_WARN("jsm: UNREGISTER_DB: doorbell %lu is not registered", db);
		return NPU_JSM_STATUS_PROCESSING_ERR;
	}
	LOG_INFO("jsm: doorbell %lu unregistered", db);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_ssid_release(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	uint32_t ssid = in->ssid.host_ssid, dbs, cmdqs;

	out->ssid.host_ssid = ssid;
	if (!ssid_ok(ssid, "SSID_RELEASE"))
		return NPU_JSM_STATUS_PARSING_ERR;
	db_release_ssid(ssid, &dbs, &cmdqs);
	LOG_INFO("jsm: ssid %lu released: %lu doorbells, %lu command queues dropped; jobs left "
		 "end ABORTED",
		 ssid, dbs, cmdqs);
	return NPU_JSM_STATUS_SUCCESS;
}

/* ---- HW scheduling: queues, bands, suspension (job.c runs them) ---------------------------- */

static uint32_t h_band_setup(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_hws_priority_band_setup *b = &in->hws_priority_band_setup;

	if (b->normal_band_percentage > 100) {
		LOG_WARN("jsm: SET_PRIORITY_BAND_SETUP: normal band %lu%% is over 100%%",
			 b->normal_band_percentage);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	fw.bands = *b;
	LOG_INFO("jsm: priority bands set (normal band %lu%%)", b->normal_band_percentage);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_create_cmdq(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_hws_create_cmdq *c = &in->hws_create_cmdq;
	struct fw_cmdq *q;
	bool replaced;

	out->hws_create_cmdq_rsp.process_id = c->process_id;
	out->hws_create_cmdq_rsp.host_ssid = c->host_ssid;
	out->hws_create_cmdq_rsp.engine_idx = c->engine_idx;
	out->hws_create_cmdq_rsp.cmdq_group = c->cmdq_group;
	out->hws_create_cmdq_rsp.cmdq_id = c->cmdq_id;
	if (!ssid_ok(c->host_ssid, "CREATE_CMD_QUEUE") ||
	    !engine_ok(c->engine_idx, "CREATE_CMD_QUEUE") ||
	    !queue_ok(c->cmdq_base, c->cmdq_size, "CREATE_CMD_QUEUE"))
		return NPU_JSM_STATUS_PARSING_ERR;
	q = cmdq_alloc(c->host_ssid, c->cmdq_id, &replaced);
	if (!q) {
		LOG_ERR("jsm: CREATE_CMD_QUEUE: all %lu command queue entries in use",
			(uint32_t)FW_CMDQ_MAX);
		return NPU_JSM_STATUS_PROCESSING_ERR;
	}
	if (replaced)
		LOG_WARN("jsm: CREATE_CMD_QUEUE: ssid %lu cmdq %llu existed; replaced",
			 c->host_ssid, (unsigned long long)c->cmdq_id);
	memset(q, 0, sizeof(*q));
	q->cmdq_id = c->cmdq_id;
	q->process_id = c->process_id;
	q->cmdq_group = c->cmdq_group;
	q->base = (uint32_t)c->cmdq_base;
	q->size = c->cmdq_size;
	q->host_ssid = (uint16_t)c->host_ssid;
	q->engine_idx = (uint8_t)c->engine_idx;
	q->priority_band = 1;   /* NORMAL until SET_CONTEXT_SCHED_PROPERTIES */
	q->used = 1;
	LOG_INFO("jsm: cmdq %llu created: ssid %lu engine %lu queue 0x%lx size 0x%lx",
		 (unsigned long long)c->cmdq_id, c->host_ssid, c->engine_idx, q->base, q->size);
	return NPU_JSM_STATUS_SUCCESS;
}

static struct fw_cmdq *find_cmdq(uint32_t ssid, uint64_t id, const char *what)
{
	struct fw_cmdq *q = cmdq_find(ssid, id);

	if (!q)
		LOG_WARN("jsm: %s: ssid %lu has no command queue %llu", what, ssid,
			 (unsigned long long)id);
	return q;
}

static uint32_t h_destroy_cmdq(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_hws_cmdq *c = &in->hws_cmdq;
	struct fw_cmdq *q;

	out->hws_cmdq = *c;
	if (!ssid_ok(c->host_ssid, "DESTROY_CMD_QUEUE"))
		return NPU_JSM_STATUS_PARSING_ERR;
	q = find_cmdq(c->host_ssid, c->cmdq_id, "DESTROY_CMD_QUEUE");
	if (!q)
		return NPU_JSM_STATUS_PROCESSING_ERR;
	/* Its doorbell stays registered: ivpu sends UNREGISTER_DB next. */
	q->used = 0;
	LOG_INFO("jsm: cmdq %llu of ssid %lu destroyed", (unsigned long long)c->cmdq_id,
		 c->host_ssid);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_sched_props(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_hws_set_context_sched_properties *p =
		&in->hws_set_context_sched_properties;
	struct fw_cmdq *q;

	out->hws_set_context_sched_properties = *p;
	if (!ssid_ok(p->host_ssid, "SET_CONTEXT_SCHED_PROPERTIES"))
		return NPU_JSM_STATUS_PARSING_ERR;
	if (p->priority_band >= NPU_HWS_NUM_PRIORITY_BANDS) {
		LOG_WARN("jsm: SET_CONTEXT_SCHED_PROPERTIES: band %lu out of range 0..3",
			 p->priority_band);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	q = find_cmdq(p->host_ssid, p->cmdq_id, "SET_CONTEXT_SCHED_PROPERTIES");
	if (!q)
		return NPU_JSM_STATUS_PROCESSING_ERR;
	q->priority_band = (uint8_t)p->priority_band;
	q->realtime_level = (uint8_t)p->realtime_priority_level;
	q->in_process_priority = p->in_process_priority;
	q->context_quantum = p->context_quantum;
	q->grace_same = p->grace_period_same_priority;
	q->grace_lower = p->grace_period_lower_priority;
	LOG_INFO("jsm: cmdq %llu of ssid %lu: band %lu", (unsigned long long)p->cmdq_id,
		 p->host_ssid, p->priority_band);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_hws_register_db(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_hws_register_db *r = &in->hws_register_db;

	out->db.db_idx = r->db_id;
	if (!fw_db_id_valid(r->db_id)) {
		LOG_WARN("jsm: HWS_REGISTER_DB: doorbell %lu out of range 1..255", r->db_id);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	if (!ssid_ok(r->host_ssid, "HWS_REGISTER_DB") ||
	    !queue_ok(r->cmdq_base, r->cmdq_size, "HWS_REGISTER_DB"))
		return NPU_JSM_STATUS_PARSING_ERR;
	if (!find_cmdq(r->host_ssid, r->cmdq_id, "HWS_REGISTER_DB"))
		return NPU_JSM_STATUS_PROCESSING_ERR;
	if (db_register(r->db_id, r->host_ssid, (uint32_t)r->cmdq_base, (uint32_t)r->cmdq_size,
			true, r->cmdq_id))
		LOG_WARN("jsm: HWS_REGISTER_DB: doorbell %lu was registered; replaced", r->db_id);
	LOG_INFO("jsm: doorbell %lu -> ssid %lu cmdq %llu", r->db_id, r->host_ssid,
		 (unsigned long long)r->cmdq_id);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_sched_log(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_hws_set_scheduling_log *l = &in->hws_set_scheduling_log;

	out->hws_set_scheduling_log = *l;
	if (!engine_ok(l->engine_idx, "HWS_SET_SCHEDULING_LOG"))
		return NPU_JSM_STATUS_PARSING_ERR;
	if (l->vpu_log_buffer_va && ((l->vpu_log_buffer_va & 63) ||
				     !fw_region_has(&fw.shared, l->vpu_log_buffer_va, 64))) {
		LOG_WARN("jsm: HWS_SET_SCHEDULING_LOG: buffer 0x%llx is not inside the shared region",
			 (unsigned long long)l->vpu_log_buffer_va);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	fw.sched_log.engine_idx = l->engine_idx;
	fw.sched_log.host_ssid = l->host_ssid;
	fw.sched_log.log_va = (uint32_t)l->vpu_log_buffer_va;
	fw.sched_log.enabled = l->vpu_log_buffer_va != 0;
	LOG_INFO("jsm: scheduling log for engine %lu %s (no events are produced yet)",
		 l->engine_idx, fw.sched_log.enabled ? "set" : "cleared");
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t cmdq_suspend(const union npu_jsm_payload *in, bool suspend, const char *what)
{
	const struct npu_jsm_hws_cmdq *c = &in->hws_cmdq;
	struct fw_cmdq *q;

	if (!ssid_ok(c->host_ssid, what))
		return NPU_JSM_STATUS_PARSING_ERR;
	q = find_cmdq(c->host_ssid, c->cmdq_id, what);
	if (!q)
		return NPU_JSM_STATUS_PROCESSING_ERR;
	q->suspended = suspend;
	if (!suspend)
		job_kick_all();
	LOG_INFO("jsm: cmdq %llu of ssid %lu %s", (unsigned long long)c->cmdq_id, c->host_ssid,
		 suspend ? "suspended" : "resumed");
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_suspend_cmdq(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	out->hws_suspend_cmdq = in->hws_suspend_cmdq;  /* echoes the suspend fence value */
	return cmdq_suspend(in, true, "HWS_SUSPEND_CMDQ");
}

static uint32_t h_resume_cmdq(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	out->hws_cmdq = in->hws_cmdq;
	return cmdq_suspend(in, false, "HWS_RESUME_CMDQ");
}

/* ---- Tracing ---------------------------------------------------------------------------- */

static void trace_config_out(union npu_jsm_payload *out)
{
	out->trace_config.trace_level = fw_log.level;
	out->trace_config.trace_destination_mask = fw_log.dest_mask;
	out->trace_config.trace_hw_component_mask = fw_log.hw_mask;
}

static uint32_t h_trace_set_config(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_trace_config *c = &in->trace_config;

	if (c->trace_level > NPU_LOG_LEVEL_FATAL) {
		LOG_WARN("jsm: TRACE_SET_CONFIG: level %lu out of range 0..5", c->trace_level);
		trace_config_out(out);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	log_set_config(c->trace_level, c->trace_destination_mask, c->trace_hw_component_mask);
	/* The response reports what is in effect; the host compares. */
	trace_config_out(out);
	LOG_INFO("jsm: trace level %lu destinations 0x%lx components 0x%llx", fw_log.level,
		 fw_log.dest_mask, (unsigned long long)fw_log.hw_mask);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_trace_get_config(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	trace_config_out(out);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_trace_get_capability(const union npu_jsm_payload *in,
				       union npu_jsm_payload *out)
{
	out->trace_capability.trace_destination_mask = FW_TRACE_DEST_SUPPORTED;
	out->trace_capability.trace_hw_component_mask = FW_TRACE_HW_SUPPORTED;
	return NPU_JSM_STATUS_SUCCESS;
}

/* Entity types of vpu_jsm_api.h: 1 destination (id = its mask bit),
 * 2 hardware component (id = its bit number). */
static uint32_t h_trace_get_name(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_trace_get_name *q = &in->trace_get_name;
	const char *name = NULL;

	out->trace_get_name_rsp.entity_type = q->entity_type;
	out->trace_get_name_rsp.entity_id = q->entity_id;
	if (q->entity_type == 1 && q->entity_id == NPU_TRACE_DESTINATION_VERBOSE)
		name = "VERBOSE_TRACING";
	else if (q->entity_type == 2 && q->entity_id == FW_TRACE_HW_LRT_BIT)
		name = "LRT";
	if (!name) {
		LOG_WARN("jsm: TRACE_GET_NAME: no entity type %lu id %llu", q->entity_type,
			 (unsigned long long)q->entity_id);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	memcpy(out->trace_get_name_rsp.entity_name, name, fw_strnlen(name, 31) + 1);
	return NPU_JSM_STATUS_SUCCESS;
}

/* ---- Power, debug -------------------------------------------------------------------------- */

static uint32_t h_dct_enable(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	const struct npu_jsm_dct_control *d = &in->dct_control;

	out->dct_control = *d;
	if (!d->dct_active_us || (uint64_t)d->dct_active_us + d->dct_inactive_us > UINT32_MAX) {
		LOG_WARN("jsm: DCT_ENABLE: active %lu us / inactive %lu us is not a duty cycle",
			 d->dct_active_us, d->dct_inactive_us);
		return NPU_JSM_STATUS_PARSING_ERR;
	}
	fw.dct_enabled = true;
	fw.dct_active_us = d->dct_active_us;
	fw.dct_inactive_us = d->dct_inactive_us;
	LOG_INFO("jsm: duty cycle %lu us active / %lu us inactive (%lu%%); recorded, the "
		 "simulated NPU does not throttle", d->dct_active_us, d->dct_inactive_us,
		 (uint32_t)((uint64_t)d->dct_active_us * 100 / (d->dct_active_us + d->dct_inactive_us)));
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_dct_disable(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	fw.dct_enabled = false;
	LOG_INFO("jsm: duty cycle off");
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_dyndbg(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	char cmd[NPU_DYNDBG_CMD_MAX_LEN + 1];
	uint32_t n = fw_strnlen(in->dyndbg_control.dyndbg_cmd, NPU_DYNDBG_CMD_MAX_LEN);

	memcpy(cmd, in->dyndbg_control.dyndbg_cmd, n);
	cmd[n] = '\0';
	for (uint32_t i = 0; i < n; i++)       /* keep the log line printable */
		if ((uint8_t)cmd[i] < 0x20 || (uint8_t)cmd[i] > 0x7E)
			cmd[i] = '?';
	LOG_INFO("jsm: dyndbg \"%s\" (logged; this firmware has no dynamic debug points)", cmd);
	return NPU_JSM_STATUS_SUCCESS;
}

static uint32_t h_state_dump(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	LOG_DUMP("dump: boots cold %lu warm %lu, sched mode %s, time %llu ticks",
		 fw.cold_boots, fw.warm_boots, fw.sched_mode ? "HW" : "OS",
		 (unsigned long long)fw_now());
	LOG_DUMP("dump: ipc rx %lu (rejected %lu, unknown %lu) tx %lu deferred %lu dropped %lu "
		 "pending %lu", fw.stats.rx, fw.stats.rx_rejected, fw.stats.unknown, fw.stats.tx,
		 fw.stats.deferred, fw.stats.dropped, rt.defer_count);
	LOG_DUMP("dump: doorbell rings %lu, dct %s, trace level %lu", fw.stats.doorbells,
		 fw.dct_enabled ? "on" : "off", fw_log.level);
	db_dump();
	job_dump();
	/* Linux sends STATE_DUMP on its way to a recovery and reads
	 * VPU_STATUS.IDLE once when it powers the NPU down (hw-facts §14.12):
	 * stop the timers and the fence polls so the core sleeps until the host
	 * talks to it again (sched.c). */
	rt.quiesce_requested = true;
	return NPU_JSM_STATUS_SUCCESS;
}

/* D0i3 entry (ivpu_pm.c): the host will IP-reset and power the NPU off once
 * VPU_STATUS.IDLE shows (core in WFI, nothing pending). The TCM and the LRT
 * peripherals are lost; DRAM survives, so we leave the warm entry in the
 * boot params and the host restarts us there. */
static uint32_t h_d0i3_enter(const union npu_jsm_payload *in, union npu_jsm_payload *out)
{
	bp_wr64(BP_OFF(save_restore_ret_address), (uint32_t)(uintptr_t)&fw_warm_entry);
	fw.last_time = fw_now();
	rt.d0i3_requested = true;
	LOG_INFO("jsm: D0i3 entry: warm entry 0x%lx saved, going idle",
		 (uint32_t)(uintptr_t)&fw_warm_entry);
	return in->pwr_d0i3_enter.send_response ? NPU_JSM_STATUS_SUCCESS : JSM_NO_RESPONSE;
}

/* ---- Table ----------------------------------------------------------------------------------- */

/* The handler of each request of NPU_JSM_REQUESTS (jsm.h), which also
 * gives its response type and name; NULL: known, not implemented. Every
 * request of the list must have an entry here or the build fails. */
#define HANDLER_ENGINE_RESET                 h_engine_reset
#define HANDLER_ENGINE_PREEMPT               h_engine_preempt
#define HANDLER_REGISTER_DB                  h_register_db
#define HANDLER_UNREGISTER_DB                h_unregister_db
#define HANDLER_QUERY_ENGINE_HB              h_query_engine_hb
#define HANDLER_GET_POWER_LEVEL_COUNT        NULL
#define HANDLER_GET_POWER_LEVEL              NULL
#define HANDLER_SET_POWER_LEVEL              NULL
#define HANDLER_METRIC_STREAMER_OPEN         NULL
#define HANDLER_METRIC_STREAMER_CLOSE        NULL
#define HANDLER_TRACE_SET_CONFIG             h_trace_set_config
#define HANDLER_TRACE_GET_CONFIG             h_trace_get_config
#define HANDLER_TRACE_GET_CAPABILITY         h_trace_get_capability
#define HANDLER_TRACE_GET_NAME               h_trace_get_name
#define HANDLER_SSID_RELEASE                 h_ssid_release
#define HANDLER_METRIC_STREAMER_START        NULL
#define HANDLER_METRIC_STREAMER_STOP         NULL
#define HANDLER_METRIC_STREAMER_UPDATE       NULL
#define HANDLER_METRIC_STREAMER_INFO         NULL
#define HANDLER_SET_PRIORITY_BAND_SETUP      h_band_setup
#define HANDLER_CREATE_CMD_QUEUE             h_create_cmdq
#define HANDLER_DESTROY_CMD_QUEUE            h_destroy_cmdq
#define HANDLER_SET_CONTEXT_SCHED_PROPERTIES h_sched_props
#define HANDLER_HWS_REGISTER_DB              h_hws_register_db
#define HANDLER_HWS_SET_SCHEDULING_LOG       h_sched_log
#define HANDLER_HWS_SUSPEND_CMDQ             h_suspend_cmdq
#define HANDLER_HWS_RESUME_CMDQ              h_resume_cmdq
#define HANDLER_HWS_ENGINE_RESUME            h_hws_engine_resume
#define HANDLER_DCT_ENABLE                   h_dct_enable
#define HANDLER_DCT_DISABLE                  h_dct_disable
#define HANDLER_STATE_DUMP                   h_state_dump
#define HANDLER_BLOB_DEINIT                  NULL
#define HANDLER_DYNDBG_CONTROL               h_dyndbg
#define HANDLER_PWR_D0I3_ENTER               h_d0i3_enter

static const struct jsm_op ops[] = {
#define JSM_OP(req, rsp, chan) { NPU_JSM_MSG_##req, NPU_JSM_MSG_##rsp, HANDLER_##req, #req },
	NPU_JSM_REQUESTS(JSM_OP)
#undef JSM_OP
};

static const struct jsm_op *find_op(uint32_t type)
{
	for (uint32_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].type == type)
			return &ops[i];
	return NULL;
}

const char *jsm_type_name(uint32_t type)
{
	const struct jsm_op *op = find_op(type);

	return op ? op->name : "unknown";
}

static bool is_hws(uint32_t type)
{
	return type >= NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP && type <= NPU_JSM_MSG_HWS_ENGINE_RESUME;
}

bool jsm_dispatch(const struct npu_jsm_msg *req, uint32_t channel, struct npu_jsm_msg *rsp)
{
	const struct jsm_op *op = find_op(req->type);
	uint32_t result;

	if (!op) {
		fw.stats.unknown++;
		if (req->type >= NPU_JSM_MSG_ENGINE_RESET && req->type <= 0x12FFu) {
			LOG_WARN("jsm: unknown request type 0x%lx (id %lu); answered PARSING_ERR",
				 req->type, req->request_id);
			rsp->type = req->type + NPU_JSM_MSG_RESPONSE_OFFSET;
			rsp->result = NPU_JSM_STATUS_PARSING_ERR;
			return true;
		}
		LOG_ERR("jsm: type 0x%lx (id %lu) on channel %lu is not a request; dropped",
			req->type, req->request_id, channel);
		return false;
	}
	rsp->type = op->rsp_type;
	if (!op->fn) {
		LOG_INFO("jsm: %s is not implemented; answered NOT_IMPLEMENTED", op->name);
		rsp->result = NPU_JSM_STATUS_NOT_IMPLEMENTED;
		return true;
	}
	if (is_hws(req->type) && fw.sched_mode != NPU_SCHEDULING_MODE_HW)
		LOG_WARN("jsm: %s in OS scheduling mode (boot params vpu_scheduling_mode 0)",
			 op->name);
	result = op->fn(&req->payload, &rsp->payload);
	if (result == JSM_NO_RESPONSE)
		return false;
	rsp->result = result;
	if (result != NPU_JSM_STATUS_SUCCESS)
		LOG_WARN("jsm: %s id %lu failed with status %lu", op->name, req->request_id, result);
	return true;
}
