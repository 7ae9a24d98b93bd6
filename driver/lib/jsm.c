/* SPDX-License-Identifier: MIT */
/*
 * JSM messages (hw-facts §5.3-§5.5) as Linux 6.12's ivpu_jsm_msg.c sends
 * them: channel, expected response and timeout per message.
 */
#include <string.h>

#include "drv.h"

/* HW-scheduling defaults of ivpu (ivpu_hw.c priority_bands_init,
 * ivpu_jsm_hws_set_context_sched_properties), in microseconds. */
enum { BAND_IDLE, BAND_NORMAL, BAND_FOCUS, BAND_REALTIME };
static const uint32_t hws_grace_period[NPU_HWS_NUM_PRIORITY_BANDS] = { 0, 50000, 50000, 0 };
static const uint32_t hws_process_grace[NPU_HWS_NUM_PRIORITY_BANDS] = { 50000, 50000, 50000,
									   50000 };
static const uint32_t hws_process_quantum[NPU_HWS_NUM_PRIORITY_BANDS] = { 160000, 300000,
									     200000, 200000 };
#define HWS_NORMAL_BAND_PERCENTAGE 10u
#define HWS_CONTEXT_QUANTUM        20000u
#define HWS_GRACE_SAME_PRIORITY    10000u

/* Names of every type jsm.h lists: requests, their responses and the
 * firmware's notifications (a response shared by two requests appears
 * twice, under one name). */
static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
#define REQUEST_NAMES(req, rsp, chan) { NPU_JSM_MSG_##req, #req }, { NPU_JSM_MSG_##rsp, #rsp },
	NPU_JSM_REQUESTS(REQUEST_NAMES)
#undef REQUEST_NAMES
#define NOTIFICATION_NAME(type, chan) { NPU_JSM_MSG_##type, #type },
	NPU_JSM_NOTIFICATIONS(NOTIFICATION_NAME)
#undef NOTIFICATION_NAME
};

const char *npu_jsm_type_name(uint32_t type)
{
	for (size_t i = 0; i < NPU_ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "type not listed in jsm.h";
}

const char *npu_jsm_status_name(uint32_t status)
{
	switch (status) {
	case NPU_JSM_STATUS_SUCCESS:             return "SUCCESS";
	case NPU_JSM_STATUS_PARSING_ERR:         return "PARSING_ERR";
	case NPU_JSM_STATUS_PROCESSING_ERR:      return "PROCESSING_ERR";
	case NPU_JSM_STATUS_PREEMPTED:           return "PREEMPTED";
	case NPU_JSM_STATUS_ABORTED:             return "ABORTED";
	case NPU_JSM_STATUS_USER_CTX_VIOL_ERR:   return "USER_CTX_VIOL_ERR";
	case NPU_JSM_STATUS_GLOBAL_CTX_VIOL_ERR: return "GLOBAL_CTX_VIOL_ERR";
	case 0x7: case 0x8: case 0x9: case 0xA:  return "MVNCI error";
	case NPU_JSM_STATUS_NOT_IMPLEMENTED:     return "MVNCI_NOT_IMPLEMENTED";
	case NPU_JSM_STATUS_INTERNAL_ERROR:      return "MVNCI_INTERNAL_ERROR";
	case 0xD:                                return "PREEMPTED_MID_INFERENCE";
	default:
		return status >= 0xE && status <= 0x1F ? "engine reset required" : "unknown status";
	}
}

int npu_jsm_heartbeat(struct npu_device *dev, uint32_t engine, uint64_t *hb)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_QUERY_ENGINE_HB }, resp;
	int ret;

	if (engine != NPU_ENGINE_COMPUTE)
		return npu_fail(dev, -EINVAL, "heartbeat: engine %u is not the compute engine (0)",
				engine);
	req.payload.engine.engine_idx = engine;
	ret = npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
	if (!ret)
		*hb = resp.payload.query_engine_hb_done.heartbeat;
	return ret;
}

int npu_jsm_register_db(struct npu_device *dev, uint32_t ssid, uint32_t db_id,
			uint64_t jobq_base, uint32_t jobq_size)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_REGISTER_DB }, resp;

	req.payload.register_db.db_idx = db_id;
	req.payload.register_db.jobq_base = jobq_base;
	req.payload.register_db.jobq_size = jobq_size;
	req.payload.register_db.host_ssid = ssid;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

int npu_jsm_unregister_db(struct npu_device *dev, uint32_t db_id)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_UNREGISTER_DB }, resp;

	req.payload.db.db_idx = db_id;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

int npu_jsm_engine_reset(struct npu_device *dev, uint32_t engine)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_ENGINE_RESET }, resp;
	int ret;

	if (engine != NPU_ENGINE_COMPUTE)
		return npu_fail(dev, -EINVAL, "engine reset: engine %u is not the compute engine (0)",
				engine);
	req.payload.engine.engine_idx = engine;
	ret = npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
	if (ret && !dev->in_recovery) {
		/* an engine the firmware cannot reset leaves only a full reset
		 * (hw-facts §14.x); it runs when the public call returns */
		char why[sizeof(dev->last_error)];

		memcpy(why, dev->last_error, sizeof(why));
		npu_trigger_recovery(dev, "the firmware could not reset an engine");
		npu_fail(dev, ret, "%.480s; recovery scheduled", why);
	}
	return ret;
}

int npu_jsm_ssid_release(struct npu_device *dev, uint32_t ssid)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_SSID_RELEASE }, resp;

	req.payload.ssid.host_ssid = ssid;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

/* ivpu_jsm_pwr_d0i3_enter: general channel, short timeout, no heartbeat
 * follow-up, then wait until the NPU reports idle. */
int npu_jsm_pwr_d0i3_enter(struct npu_device *dev)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_PWR_D0I3_ENTER }, resp;
	int ret;

	if (dev->fw.disable_d0i3_msg)
		return 0;
	req.payload.pwr_d0i3_enter.send_response = 1;
	ret = npu_ipc_send_receive_internal(dev, &req, &resp, dev->t.d0i3_msg_ms);
	if (ret)
		return ret;
	return npu_pm_wait_for_idle(dev);
}

/* ivpu_jsm_state_dump: sent, then a fixed wait; no response is awaited. */
int npu_jsm_state_dump(struct npu_device *dev)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_STATE_DUMP };

	return npu_ipc_send_and_wait(dev, &req, dev->t.state_dump_ms);
}

int npu_jsm_hws_setup_priority_bands(struct npu_device *dev)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP }, resp;
	struct npu_jsm_hws_priority_band_setup *s = &req.payload.hws_priority_band_setup;

	for (unsigned band = BAND_IDLE; band < NPU_HWS_NUM_PRIORITY_BANDS; band++) {
		s->grace_period[band] = hws_grace_period[band];
		s->process_grace_period[band] = hws_process_grace[band];
		s->process_quantum[band] = hws_process_quantum[band];
	}
	s->normal_band_percentage = HWS_NORMAL_BAND_PERCENTAGE;
	return npu_ipc_send_receive_internal(dev, &req, &resp, dev->t.jsm_ms);
}

int npu_jsm_hws_create_cmdq(struct npu_device *dev, uint32_t ssid, uint32_t cmdq_id,
			    uint64_t base, uint32_t size)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_CREATE_CMD_QUEUE }, resp;

	req.payload.hws_create_cmdq.host_ssid = ssid;
	req.payload.hws_create_cmdq.process_id = 0;  /* no host process ids in userspace */
	req.payload.hws_create_cmdq.engine_idx = NPU_ENGINE_COMPUTE;
	req.payload.hws_create_cmdq.cmdq_group = ssid;
	req.payload.hws_create_cmdq.cmdq_id = cmdq_id;
	req.payload.hws_create_cmdq.cmdq_base = base;
	req.payload.hws_create_cmdq.cmdq_size = size;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

int npu_jsm_hws_set_context_sched_properties(struct npu_device *dev, uint32_t ssid,
					     uint32_t cmdq_id, uint32_t priority)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES }, resp;
	struct npu_jsm_hws_set_context_sched_properties *p =
		&req.payload.hws_set_context_sched_properties;

	p->host_ssid = ssid;
	p->cmdq_id = cmdq_id;
	p->priority_band = priority;
	p->realtime_priority_level = 0;
	p->in_process_priority = 0;
	p->context_quantum = HWS_CONTEXT_QUANTUM;
	p->grace_period_same_priority = HWS_GRACE_SAME_PRIORITY;
	p->grace_period_lower_priority = 0;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

int npu_jsm_hws_register_db(struct npu_device *dev, uint32_t ssid, uint32_t cmdq_id,
			    uint32_t db_id, uint64_t base, uint32_t size)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_HWS_REGISTER_DB }, resp;

	req.payload.hws_register_db.db_id = db_id;
	req.payload.hws_register_db.host_ssid = ssid;
	req.payload.hws_register_db.cmdq_id = cmdq_id;
	req.payload.hws_register_db.cmdq_base = base;
	req.payload.hws_register_db.cmdq_size = size;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

int npu_jsm_hws_destroy_cmdq(struct npu_device *dev, uint32_t ssid, uint32_t cmdq_id)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_DESTROY_CMD_QUEUE }, resp;

	req.payload.hws_cmdq.host_ssid = ssid;
	req.payload.hws_cmdq.cmdq_id = cmdq_id;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}

/* HWS abort path: the engine runs again after ENGINE_RESET (hw-facts §14.11) */
int npu_jsm_hws_engine_resume(struct npu_device *dev, uint32_t engine)
{
	struct npu_jsm_msg req = { .type = NPU_JSM_MSG_HWS_ENGINE_RESUME }, resp;

	req.payload.engine.engine_idx = engine;
	return npu_ipc_send_receive(dev, &req, &resp, dev->t.jsm_ms);
}
