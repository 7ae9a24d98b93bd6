/* SPDX-License-Identifier: MIT */
/*
 * Job submission and management (JSM) messages, JSM API 3.x layout:
 * hw-facts §5.3-§5.6. Every message is 128 bytes: a 32-byte header and a
 * 96-byte payload whose meaning depends on the type.
 */
#ifndef INTEL_NPU_JSM_H
#define INTEL_NPU_JSM_H

#include <stdint.h>
#include "bits.h"
#include "ipc.h"

/* Message status (separate from the IPC header's status) */
#define NPU_JSM_MSG_FREE           0u
#define NPU_JSM_MSG_ALLOCATED      1u

/* Result codes, VPU_JSM_STATUS_* (§5.3) */
#define NPU_JSM_STATUS_SUCCESS           0x0u
#define NPU_JSM_STATUS_PARSING_ERR       0x1u
#define NPU_JSM_STATUS_PROCESSING_ERR    0x2u
#define NPU_JSM_STATUS_PREEMPTED         0x3u
#define NPU_JSM_STATUS_ABORTED           0x4u
#define NPU_JSM_STATUS_USER_CTX_VIOL_ERR 0x5u
#define NPU_JSM_STATUS_GLOBAL_CTX_VIOL_ERR 0x6u
#define NPU_JSM_STATUS_MVNCI_WRONG_INPUT_FORMAT          0x7u
#define NPU_JSM_STATUS_MVNCI_UNSUPPORTED_NETWORK_ELEMENT 0x8u
#define NPU_JSM_STATUS_MVNCI_OUT_OF_RESOURCES            0xAu
#define NPU_JSM_STATUS_NOT_IMPLEMENTED   0xBu /* MVNCI_NOT_IMPLEMENTED */
#define NPU_JSM_STATUS_INTERNAL_ERROR    0xCu /* MVNCI_INTERNAL_ERROR */

#define NPU_ENGINE_COMPUTE         0u
#define NPU_ENGINE_COPY            1u
#define NPU_ENGINE_NB              2u
#define NPU_HWS_NUM_PRIORITY_BANDS 4u

/* Message types (§5.4). A response to request T of the ASYNC (0x11xx) or
 * GENERAL (0x12xx) family has type T + 0x1100. */
#define NPU_JSM_MSG_RESPONSE_OFFSET             0x1100u
#define NPU_JSM_MSG_ENGINE_RESET                0x1100u
#define NPU_JSM_MSG_ENGINE_PREEMPT              0x1101u
#define NPU_JSM_MSG_REGISTER_DB                 0x1102u
#define NPU_JSM_MSG_UNREGISTER_DB               0x1103u
#define NPU_JSM_MSG_QUERY_ENGINE_HB             0x1104u
#define NPU_JSM_MSG_GET_POWER_LEVEL_COUNT       0x1105u
#define NPU_JSM_MSG_GET_POWER_LEVEL             0x1106u
#define NPU_JSM_MSG_SET_POWER_LEVEL             0x1107u
#define NPU_JSM_MSG_METRIC_STREAMER_OPEN        0x1108u
#define NPU_JSM_MSG_METRIC_STREAMER_CLOSE       0x1109u
#define NPU_JSM_MSG_TRACE_SET_CONFIG            0x110Au
#define NPU_JSM_MSG_TRACE_GET_CONFIG            0x110Bu
#define NPU_JSM_MSG_TRACE_GET_CAPABILITY        0x110Cu
#define NPU_JSM_MSG_TRACE_GET_NAME              0x110Du
#define NPU_JSM_MSG_SSID_RELEASE                0x110Eu
#define NPU_JSM_MSG_METRIC_STREAMER_START       0x110Fu
#define NPU_JSM_MSG_METRIC_STREAMER_STOP        0x1110u
#define NPU_JSM_MSG_METRIC_STREAMER_UPDATE      0x1111u
#define NPU_JSM_MSG_METRIC_STREAMER_INFO        0x1112u
#define NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP     0x1113u
#define NPU_JSM_MSG_CREATE_CMD_QUEUE            0x1114u
#define NPU_JSM_MSG_DESTROY_CMD_QUEUE           0x1115u
#define NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES 0x1116u
#define NPU_JSM_MSG_HWS_REGISTER_DB             0x1117u
#define NPU_JSM_MSG_HWS_SET_SCHEDULING_LOG      0x1118u
#define NPU_JSM_MSG_HWS_SUSPEND_CMDQ            0x1119u
#define NPU_JSM_MSG_HWS_RESUME_CMDQ             0x111Au
#define NPU_JSM_MSG_HWS_ENGINE_RESUME           0x111Bu
#define NPU_JSM_MSG_DCT_ENABLE                  0x111Cu
#define NPU_JSM_MSG_DCT_DISABLE                 0x111Du
#define NPU_JSM_MSG_STATE_DUMP                  0x11FFu
#define NPU_JSM_MSG_BLOB_DEINIT                 0x1200u
#define NPU_JSM_MSG_DYNDBG_CONTROL              0x1201u
#define NPU_JSM_MSG_PWR_D0I3_ENTER              0x1202u
#define NPU_JSM_MSG_JOB_DONE                    0x2100u
#define NPU_JSM_MSG_NATIVE_FENCE_SIGNALLED      0x2101u
#define NPU_JSM_MSG_ENGINE_RESET_DONE           0x2200u
#define NPU_JSM_MSG_ENGINE_PREEMPT_DONE         0x2201u
#define NPU_JSM_MSG_REGISTER_DB_DONE            0x2202u
#define NPU_JSM_MSG_UNREGISTER_DB_DONE          0x2203u
#define NPU_JSM_MSG_QUERY_ENGINE_HB_DONE        0x2204u
#define NPU_JSM_MSG_GET_POWER_LEVEL_COUNT_DONE  0x2205u
#define NPU_JSM_MSG_GET_POWER_LEVEL_DONE        0x2206u
#define NPU_JSM_MSG_SET_POWER_LEVEL_DONE        0x2207u
#define NPU_JSM_MSG_METRIC_STREAMER_OPEN_DONE   0x2208u
#define NPU_JSM_MSG_METRIC_STREAMER_CLOSE_DONE  0x2209u
#define NPU_JSM_MSG_TRACE_SET_CONFIG_RSP        0x220Au
#define NPU_JSM_MSG_TRACE_GET_CONFIG_RSP        0x220Bu
#define NPU_JSM_MSG_TRACE_GET_CAPABILITY_RSP    0x220Cu
#define NPU_JSM_MSG_TRACE_GET_NAME_RSP          0x220Du
#define NPU_JSM_MSG_SSID_RELEASE_DONE           0x220Eu
#define NPU_JSM_MSG_METRIC_STREAMER_START_DONE  0x220Fu
#define NPU_JSM_MSG_METRIC_STREAMER_STOP_DONE   0x2210u
#define NPU_JSM_MSG_METRIC_STREAMER_UPDATE_DONE 0x2211u
#define NPU_JSM_MSG_METRIC_STREAMER_INFO_DONE   0x2212u
#define NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP 0x2214u
#define NPU_JSM_MSG_CREATE_CMD_QUEUE_RSP        0x2215u
#define NPU_JSM_MSG_DESTROY_CMD_QUEUE_RSP       0x2216u
#define NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES_RSP 0x2217u
#define NPU_JSM_MSG_HWS_SET_SCHEDULING_LOG_RSP  0x2218u
#define NPU_JSM_MSG_HWS_SUSPEND_CMDQ_DONE       0x221Au
#define NPU_JSM_MSG_HWS_RESUME_CMDQ_RSP         0x221Bu
#define NPU_JSM_MSG_HWS_RESUME_ENGINE_DONE      0x221Cu
#define NPU_JSM_MSG_DCT_ENABLE_DONE             0x221Du
#define NPU_JSM_MSG_DCT_DISABLE_DONE            0x221Eu
#define NPU_JSM_MSG_STATE_DUMP_RSP              0x22FFu
#define NPU_JSM_MSG_BLOB_DEINIT_DONE            0x2300u
#define NPU_JSM_MSG_DYNDBG_CONTROL_RSP          0x2301u
#define NPU_JSM_MSG_PWR_D0I3_ENTER_DONE         0x2302u
#define NPU_JSM_MSG_NONE                        0x0u    /* "no such type": not a message */

/*
 * Every host->firmware request, the type that answers it and the IPC
 * channel it travels on (hw-facts §5.2 channels, §5.4 types):
 * X(request, response, channel) names NPU_JSM_MSG_<request>,
 * NPU_JSM_MSG_<response> and NPU_IPC_CHAN_<channel>. The one statement of
 * the pairs: the driver derives its expected responses and names from it,
 * the simulated firmware its dispatch table. HWS_REGISTER_DB is answered
 * like REGISTER_DB; PWR_D0I3_ENTER is the one request on the general
 * channel; BLOB_DEINIT (never sent by Linux 6.12) is placed on ASYNC_CMD
 * with the rest.
 */
#define NPU_JSM_REQUESTS(X) \
	X(ENGINE_RESET,                 ENGINE_RESET_DONE,                 ASYNC_CMD) \
	X(ENGINE_PREEMPT,               ENGINE_PREEMPT_DONE,               ASYNC_CMD) \
	X(REGISTER_DB,                  REGISTER_DB_DONE,                  ASYNC_CMD) \
	X(UNREGISTER_DB,                UNREGISTER_DB_DONE,                ASYNC_CMD) \
	X(QUERY_ENGINE_HB,              QUERY_ENGINE_HB_DONE,              ASYNC_CMD) \
	X(GET_POWER_LEVEL_COUNT,        GET_POWER_LEVEL_COUNT_DONE,        ASYNC_CMD) \
	X(GET_POWER_LEVEL,              GET_POWER_LEVEL_DONE,              ASYNC_CMD) \
	X(SET_POWER_LEVEL,              SET_POWER_LEVEL_DONE,              ASYNC_CMD) \
	X(METRIC_STREAMER_OPEN,         METRIC_STREAMER_OPEN_DONE,         ASYNC_CMD) \
	X(METRIC_STREAMER_CLOSE,        METRIC_STREAMER_CLOSE_DONE,        ASYNC_CMD) \
	X(TRACE_SET_CONFIG,             TRACE_SET_CONFIG_RSP,              ASYNC_CMD) \
	X(TRACE_GET_CONFIG,             TRACE_GET_CONFIG_RSP,              ASYNC_CMD) \
	X(TRACE_GET_CAPABILITY,         TRACE_GET_CAPABILITY_RSP,          ASYNC_CMD) \
	X(TRACE_GET_NAME,               TRACE_GET_NAME_RSP,                ASYNC_CMD) \
	X(SSID_RELEASE,                 SSID_RELEASE_DONE,                 ASYNC_CMD) \
	X(METRIC_STREAMER_START,        METRIC_STREAMER_START_DONE,        ASYNC_CMD) \
	X(METRIC_STREAMER_STOP,         METRIC_STREAMER_STOP_DONE,         ASYNC_CMD) \
	X(METRIC_STREAMER_UPDATE,       METRIC_STREAMER_UPDATE_DONE,       ASYNC_CMD) \
	X(METRIC_STREAMER_INFO,         METRIC_STREAMER_INFO_DONE,         ASYNC_CMD) \
	X(SET_PRIORITY_BAND_SETUP,      SET_PRIORITY_BAND_SETUP_RSP,       ASYNC_CMD) \
	X(CREATE_CMD_QUEUE,             CREATE_CMD_QUEUE_RSP,              ASYNC_CMD) \
	X(DESTROY_CMD_QUEUE,            DESTROY_CMD_QUEUE_RSP,             ASYNC_CMD) \
	X(SET_CONTEXT_SCHED_PROPERTIES, SET_CONTEXT_SCHED_PROPERTIES_RSP,  ASYNC_CMD) \
	X(HWS_REGISTER_DB,              REGISTER_DB_DONE,                  ASYNC_CMD) \
	X(HWS_SET_SCHEDULING_LOG,       HWS_SET_SCHEDULING_LOG_RSP,        ASYNC_CMD) \
	X(HWS_SUSPEND_CMDQ,             HWS_SUSPEND_CMDQ_DONE,             ASYNC_CMD) \
	X(HWS_RESUME_CMDQ,              HWS_RESUME_CMDQ_RSP,               ASYNC_CMD) \
	X(HWS_ENGINE_RESUME,            HWS_RESUME_ENGINE_DONE,            ASYNC_CMD) \
	X(DCT_ENABLE,                   DCT_ENABLE_DONE,                   ASYNC_CMD) \
	X(DCT_DISABLE,                  DCT_DISABLE_DONE,                  ASYNC_CMD) \
	X(STATE_DUMP,                   STATE_DUMP_RSP,                    ASYNC_CMD) \
	X(BLOB_DEINIT,                  BLOB_DEINIT_DONE,                  ASYNC_CMD) \
	X(DYNDBG_CONTROL,               DYNDBG_CONTROL_RSP,                ASYNC_CMD) \
	X(PWR_D0I3_ENTER,               PWR_D0I3_ENTER_DONE,               GEN_CMD)

/* Firmware->host messages that answer no request: X(type, channel). */
#define NPU_JSM_NOTIFICATIONS(X) \
	X(JOB_DONE,                     JOB_RET) \
	X(NATIVE_FENCE_SIGNALLED,       JOB_RET)

/* The type that answers request `type`; NPU_JSM_MSG_NONE if `type` is
 * not a request of the list. */
static inline uint32_t npu_jsm_response_type(uint32_t type)
{
	switch (type) {
#define NPU_JSM_RESPONSE_CASE(req, rsp, chan) case NPU_JSM_MSG_##req: return NPU_JSM_MSG_##rsp;
	NPU_JSM_REQUESTS(NPU_JSM_RESPONSE_CASE)
#undef NPU_JSM_RESPONSE_CASE
	default: return NPU_JSM_MSG_NONE;
	}
}

/* The channel request `type` is sent on; only meaningful for a request
 * (npu_jsm_response_type() != NPU_JSM_MSG_NONE). */
static inline uint32_t npu_jsm_request_channel(uint32_t type)
{
	switch (type) {
#define NPU_JSM_CHANNEL_CASE(req, rsp, chan) case NPU_JSM_MSG_##req: return NPU_IPC_CHAN_##chan;
	NPU_JSM_REQUESTS(NPU_JSM_CHANNEL_CASE)
#undef NPU_JSM_CHANNEL_CASE
	default: return NPU_IPC_CHAN_ASYNC_CMD;
	}
}

/* ---- Payloads (offsets: hw-facts §5.4, §14.5 and the JSM 3.25 header) ------- */
struct npu_jsm_engine {           /* ENGINE_RESET, QUERY_ENGINE_HB, HWS_ENGINE_RESUME */
	uint32_t engine_idx;
	uint32_t reserved_0;
};
struct npu_jsm_engine_preempt {   /* ENGINE_PREEMPT and its DONE */
	uint32_t engine_idx;
	uint32_t preempt_id;
};
struct __attribute__((packed, aligned(4))) npu_jsm_register_db {
	uint32_t db_idx;
	uint32_t reserved_0;
	uint64_t jobq_base;           /* NPU VA of the job queue */
	uint32_t jobq_size;
	uint32_t host_ssid;
};
struct npu_jsm_db {               /* UNREGISTER_DB, REGISTER_DB_DONE, UNREGISTER_DB_DONE */
	uint32_t db_idx;
	uint32_t reserved_0;
};
struct __attribute__((packed, aligned(4))) npu_jsm_query_engine_hb_done {
	uint32_t engine_idx;
	uint32_t reserved_0;
	uint64_t heartbeat;
};
struct npu_jsm_ssid {             /* SSID_RELEASE and its DONE */
	uint32_t host_ssid;
	uint32_t reserved_0;
};
struct __attribute__((packed, aligned(4))) npu_jsm_engine_reset_context {
	uint32_t host_ssid;
	uint32_t reserved_0;
	uint64_t cmdq_id;
	uint64_t flags;
};
struct __attribute__((packed, aligned(4))) npu_jsm_engine_reset_done {
	uint32_t engine_idx;
	uint32_t num_impacted_contexts;
	struct npu_jsm_engine_reset_context impacted_contexts[3];
};
struct __attribute__((packed, aligned(4))) npu_jsm_job_done {
	uint32_t engine_idx;
	uint32_t db_idx;
	uint32_t job_id;
	uint32_t job_status;
	uint32_t host_ssid;
	uint32_t reserved_0;
	uint64_t cmdq_id;
};
struct npu_jsm_pwr_d0i3_enter {
	uint32_t send_response;
	uint32_t reserved_0;
};
struct npu_jsm_dct_control {
	uint32_t dct_active_us;
	uint32_t dct_inactive_us;
};
struct __attribute__((packed, aligned(4))) npu_jsm_trace_config {
	uint32_t trace_level;
	uint32_t trace_destination_mask;
	uint64_t trace_hw_component_mask;
	uint64_t reserved_0;
};
struct __attribute__((packed, aligned(4))) npu_jsm_trace_capability_rsp {
	uint32_t trace_destination_mask;
	uint32_t reserved_0;
	uint64_t trace_hw_component_mask;
	uint64_t reserved_1;
};
struct __attribute__((packed, aligned(4))) npu_jsm_trace_get_name {
	uint32_t entity_type;
	uint32_t reserved_0;
	uint64_t entity_id;
};
#define NPU_TRACE_ENTITY_NAME_MAX_LEN 32
struct __attribute__((packed, aligned(4))) npu_jsm_trace_get_name_rsp {
	uint32_t entity_type;
	uint32_t reserved_0;
	uint64_t entity_id;
	uint64_t reserved_1;
	char     entity_name[NPU_TRACE_ENTITY_NAME_MAX_LEN];
};
#define NPU_DYNDBG_CMD_MAX_LEN 96
struct npu_jsm_dyndbg_control {
	char dyndbg_cmd[NPU_DYNDBG_CMD_MAX_LEN];
};
struct npu_jsm_hws_priority_band_setup {
	uint32_t grace_period[NPU_HWS_NUM_PRIORITY_BANDS];
	uint32_t process_quantum[NPU_HWS_NUM_PRIORITY_BANDS];
	uint32_t process_grace_period[NPU_HWS_NUM_PRIORITY_BANDS];
	uint32_t normal_band_percentage;
	uint32_t reserved_0;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_create_cmdq {
	uint64_t process_id;
	uint32_t host_ssid;
	uint32_t engine_idx;
	uint64_t cmdq_group;
	uint64_t cmdq_id;
	uint64_t cmdq_base;
	uint32_t cmdq_size;
	uint32_t reserved_0;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_create_cmdq_rsp {
	uint64_t process_id;
	uint32_t host_ssid;
	uint32_t engine_idx;
	uint64_t cmdq_group;
	uint64_t cmdq_id;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_cmdq {  /* DESTROY_CMD_QUEUE, RESUME_CMDQ */
	uint32_t host_ssid;
	uint32_t reserved_0;
	uint64_t cmdq_id;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_suspend_cmdq {
	uint32_t host_ssid;
	uint32_t reserved_0;
	uint64_t cmdq_id;
	uint64_t suspend_fence_value;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_set_context_sched_properties {
	uint32_t host_ssid;
	uint32_t reserved_0;
	uint64_t cmdq_id;
	uint32_t priority_band;
	uint32_t realtime_priority_level;
	uint32_t in_process_priority;
	uint32_t reserved_1;
	uint64_t context_quantum;
	uint64_t grace_period_same_priority;
	uint64_t grace_period_lower_priority;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_register_db {
	uint32_t db_id;
	uint32_t host_ssid;
	uint64_t cmdq_id;
	uint64_t cmdq_base;
	uint64_t cmdq_size;
};
struct __attribute__((packed, aligned(4))) npu_jsm_hws_set_scheduling_log {
	uint32_t engine_idx;
	uint32_t host_ssid;
	uint64_t vpu_log_buffer_va;
	uint64_t notify_index;
	uint32_t enable_extra_events;
	uint32_t reserved_0;
};

#define NPU_JSM_PAYLOAD_SIZE 96
union npu_jsm_payload {
	struct npu_jsm_engine engine;
	struct npu_jsm_engine_preempt engine_preempt;
	struct npu_jsm_register_db register_db;
	struct npu_jsm_db db;
	struct npu_jsm_query_engine_hb_done query_engine_hb_done;
	struct npu_jsm_ssid ssid;
	struct npu_jsm_engine_reset_done engine_reset_done;
	struct npu_jsm_job_done job_done;
	struct npu_jsm_pwr_d0i3_enter pwr_d0i3_enter;
	struct npu_jsm_dct_control dct_control;
	struct npu_jsm_trace_config trace_config;
	struct npu_jsm_trace_capability_rsp trace_capability;
	struct npu_jsm_trace_get_name trace_get_name;
	struct npu_jsm_trace_get_name_rsp trace_get_name_rsp;
	struct npu_jsm_dyndbg_control dyndbg_control;
	struct npu_jsm_hws_priority_band_setup hws_priority_band_setup;
	struct npu_jsm_hws_create_cmdq hws_create_cmdq;
	struct npu_jsm_hws_create_cmdq_rsp hws_create_cmdq_rsp;
	struct npu_jsm_hws_cmdq hws_cmdq;
	struct npu_jsm_hws_suspend_cmdq hws_suspend_cmdq;
	struct npu_jsm_hws_set_context_sched_properties hws_set_context_sched_properties;
	struct npu_jsm_hws_register_db hws_register_db;
	struct npu_jsm_hws_set_scheduling_log hws_set_scheduling_log;
	uint32_t words[NPU_JSM_PAYLOAD_SIZE / 4];
};

struct __attribute__((packed, aligned(64))) npu_jsm_msg {
	uint64_t reserved_0;
	uint32_t type;
	uint32_t status;        /* NPU_JSM_MSG_FREE / _ALLOCATED */
	uint32_t request_id;
	uint32_t result;        /* NPU_JSM_STATUS_* */
	uint64_t reserved_1;
	union npu_jsm_payload payload;
};
NPU_ABI_CHECK_SIZE(struct npu_jsm_msg, 128);
NPU_ABI_CHECK_OFF(struct npu_jsm_msg, type, 0x08);
NPU_ABI_CHECK_OFF(struct npu_jsm_msg, request_id, 0x10);
NPU_ABI_CHECK_OFF(struct npu_jsm_msg, result, 0x14);
NPU_ABI_CHECK_OFF(struct npu_jsm_msg, payload, 0x20);
NPU_ABI_CHECK_SIZE(struct npu_jsm_register_db, 24);
NPU_ABI_CHECK_OFF(struct npu_jsm_register_db, jobq_base, 0x08);
NPU_ABI_CHECK_OFF(struct npu_jsm_register_db, host_ssid, 0x14);
NPU_ABI_CHECK_SIZE(struct npu_jsm_engine_reset_done, 80);
NPU_ABI_CHECK_SIZE(struct npu_jsm_job_done, 32);
NPU_ABI_CHECK_OFF(struct npu_jsm_job_done, cmdq_id, 0x18);
NPU_ABI_CHECK_SIZE(struct npu_jsm_hws_create_cmdq, 48);
NPU_ABI_CHECK_OFF(struct npu_jsm_hws_create_cmdq, cmdq_base, 0x20);
NPU_ABI_CHECK_SIZE(struct npu_jsm_hws_set_context_sched_properties, 56);
NPU_ABI_CHECK_SIZE(struct npu_jsm_hws_priority_band_setup, 56);
NPU_ABI_CHECK_SIZE(struct npu_jsm_hws_register_db, 32);
NPU_ABI_CHECK_SIZE(struct npu_jsm_trace_get_name_rsp, 56);
NPU_ABI_CHECK_SIZE(union npu_jsm_payload, 96);

#endif /* INTEL_NPU_JSM_H */
