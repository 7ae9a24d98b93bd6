/* SPDX-License-Identifier: MIT */
/*
 * The ivpu-style host of the firmware tests: see fw_host.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "fw_host.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"

/* ---- Console: one line per firmware console line ------------------------------ */

char console[1 << 16];
size_t console_len;
bool echo_console;

void on_console(void *opaque, const char *line)
{
	size_t n = strlen(line);

	(void)opaque;
	if (echo_console)
		fprintf(stderr, "  fw| %s\n", line);
	if (console_len + n + 2 > sizeof(console))
		return;
	memcpy(console + console_len, line, n);
	console_len += n;
	console[console_len++] = '\n';
	console[console_len] = '\0';
}

bool console_has(const char *s)
{
	return strstr(console, s) != NULL;
}

const char *firmware_path(void)
{
	const char *p = getenv("NPU_FIRMWARE");

	return p && *p ? p : NPU_TEST_FIRMWARE_BIN;
}

struct bo *bo_of(struct host *H, uint64_t va, uint64_t len)
{
	struct bo *bos[] = { &H->runtime, &H->log_crit, &H->log_verb, &H->tx, &H->rx, &H->jobq };

	for (size_t i = 0; i < sizeof(bos) / sizeof(bos[0]); i++)
		if (bos[i]->size && va >= bos[i]->va && va + len <= bos[i]->va + bos[i]->size)
			return bos[i];
	for (unsigned i = 0; i < H->nextra; i++)
		if (va >= H->extra[i].va && va + len <= H->extra[i].va + H->extra[i].size)
			return &H->extra[i];
	return NULL;
}

/* CPU view of NPU VA (ivpu_to_cpu_addr); NULL outside every buffer. */
void *hp(struct host *H, uint64_t va, uint64_t len)
{
	struct bo *b = bo_of(H, va, len);

	return b ? mh_ram(&H->h, b->pa + (va - b->va), len) : NULL;
}

struct npu_boot_params *bp(struct host *H)
{
	return hp(H, H->fw.runtime_addr, sizeof(struct npu_boot_params));
}

/* SSID 0 mapping; pages of the firmware's read-only section are mapped
 * read-only as ivpu_mmu_context_set_pages_ro does. */
void map_bo(struct host *H, const struct bo *b)
{
	for (uint64_t off = 0; off < b->size; off += SZ_4K) {
		uint64_t va = b->va + off, flags = NPU_MMU_ENTRY_PAGE_IVPU;

		if (H->fw.ro_size && va >= H->fw.ro_addr && va < H->fw.ro_addr + H->fw.ro_size)
			flags |= NPU_MMU_ENTRY_RO;
		mh_map(&H->h, 0, va, b->pa + off, flags);
	}
}

/* ivpu_bo_create_global: a buffer in the global range (64 KiB aligned when
 * that large, ivpu_mmu_context_insert_node). */
void alloc_global(struct host *H, struct bo *b, uint64_t size)
{
	uint64_t align = size >= SZ_64K ? SZ_64K : SZ_4K;

	b->va = (H->global_next + align - 1) & ~(align - 1);
	b->size = size;
	b->pa = mh_alloc(&H->h, size, SZ_4K);
	H->global_next = b->va + size;
	CU_ASSERT_FATAL(H->global_next <= H->global_end);
	map_bo(H, b);
}

/* ivpu's power-up (§3.1), buttress and IP side: model_harness.c. */
int power_up(struct host *H)
{
	return mh_power_up_ip(&H->h);
}

/* ivpu_hw_power_down (§3.6): perf counter saved, IP reset, workpoint 0, D0i3. */
int power_down(struct host *H)
{
	H->d0i3_entry_ns = H->h.now_ns;
	return mh_power_down(&H->h, &H->d0i3_entry_vpu_ts);
}

/* ivpu_fw_load: zero the runtime region up to the image, copy the image. */
void fw_load(struct host *H)
{
	memset(mh_ram(&H->h, H->runtime.pa, H->fw.image_load_offset), 0, H->fw.image_load_offset);
	memcpy(mh_ram(&H->h, H->runtime.pa + H->fw.image_load_offset, H->fw.image_size),
	       H->fw.image, H->fw.image_size);
}

/* ivpu_fw_boot_params_setup, cold boot (§4.4). */
void boot_params_cold(struct host *H)
{
	struct npu_boot_params *p = bp(H);
	uint32_t fmin = mh_rd32(&H->h, B, NPU_BTRS_FMIN_FUSE);
	uint32_t fmax = mh_rd32(&H->h, B, NPU_BTRS_FMAX_FUSE);

	p->magic = NPU_BOOT_PARAMS_MAGIC;
	p->vpu_id = 0;
	p->perf_clk_frequency = NPU_PERF_CLK_HZ;
	p->shared_region_base = H->global_start;
	p->shared_region_size = (uint32_t)(H->global_end - H->global_start);
	p->ipc_header_area_start = H->rx.va;
	p->ipc_header_area_size = (uint32_t)H->rx.size / 2;
	p->ipc_payload_area_start = H->rx.va + H->rx.size / 2;
	p->ipc_payload_area_size = (uint32_t)H->rx.size / 2;
	p->global_aliased_pio_base = NPU_VA_USER_START;
	p->global_aliased_pio_size = (uint32_t)NPU_VA_USER_SIZE;
	p->autoconfig = 1;
	p->cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN].use = 1;
	p->cache_defaults[NPU_BOOT_L2_CACHE_CFG_NN].cfg = (uint8_t)(NPU_VA_SHAVE_START >> 31);
	p->watchdog_irq_mss = NPU_WATCHDOG_IRQ_MSS;
	p->watchdog_irq_nce = NPU_WATCHDOG_IRQ_NCE;
	p->si_stepping = NPU_PCI_REVISION_MTL;
	p->device_id = NPU_PCI_DEVICE_MTL;
	p->feature_exclusion = 0;
	p->sku = NPU_MTL_SKU_BOTH_TILES;
	p->min_freq_pll_ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_MIN_RATIO, fmin);
	p->pn_freq_pll_ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin);
	p->max_freq_pll_ratio = (uint32_t)NPU_FLD_GET(NPU_BTRS_FMAX_FUSE_MAX_RATIO, fmax);
	p->default_trace_level = H->trace_level;
	p->tracing_buff_message_format_mask = 1ull << NPU_TRACING_FORMAT_STRING;
	p->trace_destination_mask = NPU_TRACE_DESTINATION_VERBOSE;
	p->trace_hw_component_mask = ~0ull;
	p->crit_tracing_buff_addr = H->log_crit.va;
	p->crit_tracing_buff_size = (uint32_t)H->log_crit.size;
	p->verbose_tracing_buff_addr = H->log_verb.va;
	p->verbose_tracing_buff_size = (uint32_t)H->log_verb.size;
	p->vpu_scheduling_mode = H->sched_mode;
	if (H->sched_mode == NPU_SCHEDULING_MODE_HW)
		p->vpu_focus_present_timer_ms = 1000;
	p->d0i3_delayed_entry = 1;
	p->d0i3_residency_time_us = 0;
	p->d0i3_entry_vpu_ts = 0;
	p->system_time_us = 1700000000000000ull;
}

/* ... and the warm-boot branch: only the time fields, and the return
 * address is consumed. */
void boot_params_warm(struct host *H)
{
	struct npu_boot_params *p = bp(H);

	p->d0i3_residency_time_us = (H->h.now_ns - H->d0i3_entry_ns) / 1000;
	p->d0i3_entry_vpu_ts = H->d0i3_entry_vpu_ts;
	p->system_time_us += p->d0i3_residency_time_us;
	p->save_restore_ret_address = 0;
}

/* Everything ivpu does before ivpu_boot; the firmware file must parse. */
/* The benchmark runs the core in lock-step with virtual time (lrt_lead_ns =
 * 0): otherwise it finishes its post-ready work before the host sees the
 * ready message, and the virtual boot time reads 0. */
bool lock_step;

void host_init(struct host *H, const uint8_t *file, size_t size)
{
	char why[256];
	int err;

	memset(H, 0, sizeof(*H));
	console_len = 0;
	console[0] = '\0';
	if (lock_step) {
		struct npum_config cfg;

		npum_config_default(&cfg);
		cfg.lrt_lead_ns = 0;
		mh_init_cfg(&H->h, RAM_SIZE, &cfg);
	} else {
		mh_init(&H->h, RAM_SIZE);
	}
	H->h.on_console = on_console;
	H->trace_level = NPU_LOG_LEVEL_INFO;   /* ivpu fw_log_level=2 */
	H->file = malloc(size);
	memcpy(H->file, file, size);
	H->file_size = size;
	err = npu_fw_parse(H->file, H->file_size, &H->fw, why, sizeof(why));
	if (err)
		fprintf(stderr, "\n  %s: %s\n", firmware_path(), why);
	CU_ASSERT_EQUAL_FATAL(err, NPU_FW_OK);
	CU_ASSERT_EQUAL_FATAL(power_up(H), 0);
	mh_mmu_setup(&H->h);
	CU_ASSERT_EQUAL_FATAL(mh_mmu_enable(&H->h), 0);

	/* firmware runtime memory, then the global range after it (§6) */
	H->runtime.va = H->fw.runtime_addr;
	H->runtime.size = H->fw.runtime_size;
	H->runtime.pa = mh_alloc(&H->h, H->runtime.size, SZ_4K);
	map_bo(H, &H->runtime);
	H->global_start = (H->fw.runtime_addr + H->fw.runtime_size + NPU_FW_SHARED_MEM_ALIGN - 1) &
			  ~(NPU_FW_SHARED_MEM_ALIGN - 1);
	H->global_end = H->global_start + NPU_FW_SHARED_MEM_SIZE;
	H->global_next = H->global_start;
	alloc_global(H, &H->log_crit, LOG_CRIT_SIZE);
	alloc_global(H, &H->log_verb, H->trace_level <= NPU_LOG_LEVEL_INFO ? LOG_VERB_LARGE :
				      LOG_VERB_SMALL);
	alloc_global(H, &H->tx, NPU_IPC_BUF_SIZE);
	alloc_global(H, &H->rx, NPU_IPC_BUF_SIZE);
	alloc_global(H, &H->jobq, SZ_4K);
	fw_load(H);
	H->entry = H->fw.entry_point;
}

void host_fini(struct host *H)
{
	mh_fini(&H->h);
	free(H->file);
}

/* ivpu_hw_boot_fw for 37xx (§3.3): snoop overrides, TBU SSIDs, start. */
void start_core(struct host *H, uint64_t entry)
{
	mh_boot_core(&H->h, entry);
}

/* ivpu_ipc_irq_handler: drain the FIFO, locate header and JSM in mem_rx. */
void ipc_drain(struct host *H)
{
	struct mh *h = &H->h;

	while (NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
			   mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT))) {
		uint32_t va = mh_rd32(h, V, NPU_HOST_SS_TIM_IPC_FIFO_ATM);
		struct npu_ipc_hdr *hdr;

		CU_ASSERT_NOT_EQUAL(va, NPU_IPC_FIFO_EMPTY_VALUE);
		hdr = bo_of(H, va, sizeof(*hdr)) == &H->rx ? hp(H, va, sizeof(*hdr)) : NULL;
		CU_ASSERT_PTR_NOT_NULL_FATAL(hdr);      /* "IPC msg out of range" */
		CU_ASSERT_EQUAL(hdr->status, NPU_IPC_HDR_ALLOCATED);
		CU_ASSERT_EQUAL(hdr->src_node, NPU_IPC_NODE_FW);
		CU_ASSERT_EQUAL(hdr->dst_node, NPU_IPC_NODE_HOST);
		if (hdr->channel == NPU_IPC_CHAN_BOOT_MSG) {
			H->boot_seen = true;
			H->boot_data_addr = hdr->data_addr;
			hdr->status = NPU_IPC_HDR_FREE;
			continue;
		}
		CU_ASSERT_FATAL(bo_of(H, hdr->data_addr, sizeof(struct npu_jsm_msg)) == &H->rx);
		CU_ASSERT_FATAL(H->nq < NPU_IPC_MAX_RX_MSG);
		H->q[H->nq].hdr_va = va;
		H->q[H->nq].jsm_va = hdr->data_addr;
		H->nq++;
	}
}

/* ivpu_ipc_receive: the message on `channel` with `request_id`, freed. */
bool ipc_recv(struct host *H, uint32_t channel, uint32_t request_id,
	      struct npu_jsm_msg *out, uint64_t timeout_ms)
{
	uint64_t end = H->h.now_ns + timeout_ms * MS;

	for (;;) {
		ipc_drain(H);
		for (unsigned i = 0; i < H->nq; i++) {
			struct npu_ipc_hdr *hdr = hp(H, H->q[i].hdr_va, sizeof(*hdr));
			struct npu_jsm_msg *jsm = hp(H, H->q[i].jsm_va, sizeof(*jsm));

			if (hdr->channel != channel || jsm->request_id != request_id)
				continue;
			CU_ASSERT_EQUAL(jsm->status, NPU_JSM_MSG_ALLOCATED);
			CU_ASSERT_EQUAL(hdr->data_size, sizeof(*jsm));
			*out = *jsm;
			hdr->status = NPU_IPC_HDR_FREE;          /* ivpu_ipc_rx_mark_free */
			jsm->status = NPU_JSM_MSG_FREE;
			/* in arrival order, as ivpu's rx list */
			memmove(&H->q[i], &H->q[i + 1], (--H->nq - i) * sizeof(H->q[0]));
			return true;
		}
		if (H->h.now_ns >= end)
			return false;
		mh_advance(&H->h, STEP_NS);
	}
}

/* ivpu_ipc_tx_prepare + send: returns the request id. */
uint32_t ipc_send(struct host *H, uint32_t channel, uint32_t type,
		  const union npu_jsm_payload *payload, uint64_t *slot_va)
{
	uint64_t va = H->tx.va + (uint64_t)(H->tx_slot++ % (NPU_IPC_BUF_SIZE / TX_SLOT)) * TX_SLOT;
	struct npu_ipc_hdr *hdr = hp(H, va, TX_SLOT);
	struct npu_jsm_msg *jsm = (void *)((uint8_t *)hdr + sizeof(*hdr));

	/* the firmware freed this slot when it consumed the last message (§5.1) */
	CU_ASSERT_EQUAL(hdr->status, NPU_IPC_HDR_FREE);
	CU_ASSERT_EQUAL(jsm->status, NPU_JSM_MSG_FREE);
	memset(hdr, 0, TX_SLOT);
	hdr->data_addr = (uint32_t)(va + sizeof(*hdr));
	hdr->data_size = sizeof(*jsm);
	hdr->channel = (uint16_t)channel;
	hdr->src_node = NPU_IPC_NODE_HOST;
	hdr->dst_node = NPU_IPC_NODE_FW;
	hdr->status = NPU_IPC_HDR_ALLOCATED;
	jsm->type = type;
	jsm->status = NPU_JSM_MSG_ALLOCATED;
	if (payload)
		jsm->payload = *payload;
	jsm->request_id = ++H->request_id;
	mh_wr32(&H->h, V, NPU_CPU_SS_TIM_IPC_FIFO, (uint32_t)va);
	if (slot_va)
		*slot_va = va;
	return jsm->request_id;
}

/* ivpu_ipc_send_receive: 0, -ETIMEDOUT, -EBADE (type), -EBADMSG (result). */
int jsm_call(struct host *H, uint32_t channel, uint32_t type,
	     const union npu_jsm_payload *payload, uint32_t rsp_type, struct npu_jsm_msg *rsp)
{
	uint64_t slot;
	uint32_t id = ipc_send(H, channel, type, payload, &slot);
	struct npu_ipc_hdr *hdr;
	struct npu_jsm_msg *jsm;

	if (!ipc_recv(H, channel, id, rsp, JSM_TIMEOUT_MS))
		return -ETIMEDOUT;
	/* the firmware released the request */
	hdr = hp(H, slot, TX_SLOT);
	jsm = (void *)((uint8_t *)hdr + sizeof(*hdr));
	CU_ASSERT_EQUAL(hdr->status, NPU_IPC_HDR_FREE);
	CU_ASSERT_EQUAL(jsm->status, NPU_JSM_MSG_FREE);
	CU_ASSERT_EQUAL(rsp->request_id, id);
	if (rsp->type != rsp_type)
		return -EBADE;
	return rsp->result == NPU_JSM_STATUS_SUCCESS ? 0 : -EBADMSG;
}

/* ivpu_boot: start, poll for the ready message (§3.4), enable interrupts. */
int boot(struct host *H, uint64_t timeout_ms, uint64_t step_ns)
{
	struct mh *h = &H->h;
	uint64_t t0 = h->now_ns, i0 = npum_get_stats(h->npu)->lrt_instructions;

	H->boot_seen = false;
	start_core(H, H->entry);
	for (;;) {
		ipc_drain(H);
		if (H->boot_seen)
			break;
		if (h->now_ns - t0 >= timeout_ms * MS)
			return -ETIMEDOUT;
		mh_advance(h, step_ns);
	}
	H->boot_ns = h->now_ns - t0;
	H->boot_insns = npum_get_stats(h->npu)->lrt_instructions - i0;
	if (H->boot_data_addr != NPU_IPC_BOOT_MSG_DATA_ADDR)
		return -EIO;                               /* a ready message that is not "BOOT" */
	mh_wr64(h, V, NPU_HOST_SS_ICB_CLEAR_0,
		NPU_ICB_0_IVPU_MASK | (uint64_t)NPU_ICB_1_IVPU_MASK << 32);
	mh_wr32(h, V, NPU_HOST_SS_FW_SOC_IRQ_EN, NPU_HOST_SS_FW_SOC_IRQ_EN_ALL);
	mh_wr64(h, V, NPU_HOST_SS_ICB_ENABLE_0,
		NPU_ICB_0_IVPU_MASK | (uint64_t)NPU_ICB_1_IVPU_MASK << 32);
	mh_wr32(h, B, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	mh_wr32(h, B, NPU_BTRS_GLOBAL_INT_MASK, 0);
	return 0;
}

int cold_boot(struct host *H)
{
	boot_params_cold(H);
	return boot(H, BOOT_TIMEOUT_MS, STEP_NS);
}

/* ---- Firmware log, read the way ivpu_fw_log.c reads it -------------------------- */

static size_t append(char *out, size_t n, size_t size, const char *src, uint32_t len)
{
	for (uint32_t i = 0; i < len && n + 1 < size; i++)
		out[n++] = src[i] ? src[i] : '\n';      /* NUL ends a line too */
	return n;
}

/* The text of the (single) tracing buffer in b, selected exactly as
 * ivpu_fw_log.c fw_log_print_buffer() selects it. */
size_t fw_log_text(struct host *H, const struct bo *b, char *out, size_t out_size)
{
	const struct npu_tracing_buffer_header *l = hp(H, b->va, sizeof(*l));
	const char *data;
	uint32_t data_size, start, end;
	size_t n = 0;

	out[0] = '\0';
	if (l->vpu_canary_start != NPU_TRACING_BUFFER_CANARY || l->header_size < sizeof(*l) ||
	    l->header_size > 1024 || l->size > b->size || l->size < l->header_size)
		return 0;
	data = hp(H, b->va + l->header_size, l->size - l->header_size);
	data_size = l->size - l->header_size;
	start = l->read_index < data_size ? l->read_index : 0;
	end = l->write_index <= data_size ? l->write_index : data_size;
	if (l->wrap_count == l->read_wrap_count) {
		if (end <= start)
			return 0;
	} else if (l->wrap_count == l->read_wrap_count + 1) {
		if (end > start)
			start = end;
	} else {
		start = end;
	}
	if (end > start) {
		n = append(out, n, out_size, data + start, end - start);
	} else {
		n = append(out, n, out_size, data + start, data_size - start);
		n = append(out, n, out_size, data, end);
	}
	out[n] = '\0';
	return n;
}

char logbuf[1 << 20];

bool log_has(struct host *H, const struct bo *b, const char *s)
{
	fw_log_text(H, b, logbuf, sizeof(logbuf));
	return strstr(logbuf, s) != NULL;
}

uint32_t dsu_state(struct host *H)
{
	return (uint32_t)NPU_FLD_GET(NPU_DSU_CTRL_STATE,
				     mh_rd32(&H->h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL));
}

uint32_t dsu_trap(struct host *H)
{
	return mh_rd32(&H->h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG);
}

uint8_t *fw_file;
size_t fw_file_size;

int suite_init(void)
{
	FILE *f = fopen(firmware_path(), "rb");
	long n;

	if (!f) {
		fprintf(stderr, "firmware tests: cannot open %s: %s\n", firmware_path(), strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	fw_file = malloc((size_t)n);
	fw_file_size = fread(fw_file, 1, (size_t)n, f);
	fclose(f);
	return fw_file_size == (size_t)n ? 0 : -1;
}

void fresh(struct host *H)
{
	host_init(H, fw_file, fw_file_size);
}

/* ivpu_pm_runtime_suspend_cb + resume: D0I3_ENTER, idle, power off, warm boot. */
int d0i3_cycle(struct host *H, uint64_t off_ms)
{
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;
	int r;

	memset(&p, 0, sizeof(p));
	p.pwr_d0i3_enter.send_response = 1;
	r = jsm_call(H, NPU_IPC_CHAN_GEN_CMD, NPU_JSM_MSG_PWR_D0I3_ENTER, &p,
		     NPU_JSM_MSG_PWR_D0I3_ENTER_DONE, &rsp);
	if (r)
		return r;
	/* ivpu_hw_wait_for_idle: READY and IDLE within 5 ms */
	if (!mh_poll32(&H->h, B, NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_STATUS_IDLE,
		       NPU_BTRS_VPU_STATUS_IDLE, NPU_TIMEOUT_IDLE_US))
		return -EBUSY;
	if (power_down(H))
		return -EIO;
	/* ivpu_pm_prepare_warm_boot */
	H->entry = bp(H)->save_restore_ret_address;
	if (!H->entry)
		return -ENOENT;
	mh_advance(&H->h, off_ms * MS);
	if (power_up(H) || mh_mmu_enable(&H->h))
		return -EIO;
	boot_params_warm(H);
	return boot(H, BOOT_TIMEOUT_MS, STEP_NS);
}
