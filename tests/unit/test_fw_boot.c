/* SPDX-License-Identifier: MIT */
/*
 * The simulated firmware inside the device model, driven the way Linux
 * 6.12's ivpu drives a Meteor Lake NPU: power-up (hw-facts §3.1), MMU with
 * ivpu-style page tables for SSID 0 (§6, tests/unit/model_harness.c),
 * firmware parsed with the driver's parser and loaded like ivpu_fw_load,
 * boot params like ivpu_fw_boot_params_setup (§4.4), TCU/TBU setup and
 * LEON_RT_VEC + LOADING_ADDRESS (§3.3), ready message polled for 1 s (§3.4),
 * IPC like ivpu_ipc.c (§5.1), D0i3 and warm boot like ivpu_pm.c (§3.6).
 *
 * Then the failure boots, each of which must leave a diagnosable state:
 * DSU_CTRL/DSU_TRAP (regs_ip.h NPU_DSU_*), the halt code (lrt.h
 * NPU_LRT_HALT_*), the firmware's console and log buffers, the watchdog.
 *
 *   test_fw_boot            the CUnit suite
 *   test_fw_boot --bench    cold/warm boot figures for `make bench-firmware`
 *
 * The firmware file is NPU_FIRMWARE (environment) or the path mk/firmware.mk
 * compiles in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "model_harness.h"
#include "npu-format/fw_file.h"
#include "intel-npu/boot_params.h"
#include "intel-npu/ipc.h"
#include "intel-npu/jobq.h"
#include "intel-npu/jsm.h"
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "intel-npu/va_layout.h"

#ifndef NPU_TEST_FIRMWARE_BIN
#define NPU_TEST_FIRMWARE_BIN "build/firmware/vpu_37xx_v1.bin"
#endif

#define V                 NPU_BAR_REGV
#define B                 NPU_BAR_REGB
#define RAM_SIZE          (48u << 20)
#define STEP_NS           10000u                 /* host poll granularity: 10 µs */
#define MS                1000000ull
#define BOOT_TIMEOUT_MS   NPU_TIMEOUT_BOOT_MS    /* 1000 ms (§3.5) */
#define JSM_TIMEOUT_MS    NPU_TIMEOUT_JSM_MS     /* 500 ms */
#define SZ_4K             0x1000u
#define SZ_64K            0x10000u
#define TX_SLOT           192u                   /* ivpu_ipc_tx_buf: 64 + 128 */
/* ivpu_fw_log.h: critical 512 KiB; verbose 8 MiB when fw_log_level <= INFO */
#define LOG_CRIT_SIZE     0x80000u
#define LOG_VERB_SMALL    0x100000u
#define LOG_VERB_LARGE    0x800000u

/* ---- Console: one line per firmware console line ------------------------------ */

static char console[1 << 16];
static size_t console_len;
static bool echo_console;

static void on_console(void *opaque, const char *line)
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

static bool console_has(const char *s)
{
	return strstr(console, s) != NULL;
}

/* ---- The host, ivpu-style ---------------------------------------------------------- */

struct bo {
	uint64_t va, pa, size;
};

struct rx_msg {
	uint64_t hdr_va, jsm_va;    /* jsm_va 0: boot message */
};

struct host {
	struct mh h;
	uint8_t *file;
	size_t file_size;
	struct npu_fw_info fw;
	struct bo runtime, log_crit, log_verb, tx, rx, jobq;
	uint64_t global_start, global_next, global_end;
	uint32_t request_id, tx_slot;
	uint64_t entry;                  /* next start: cold or save_restore_ret_address */
	uint32_t trace_level, sched_mode;
	uint64_t d0i3_entry_vpu_ts, d0i3_entry_ns;
	struct rx_msg q[NPU_IPC_MAX_RX_MSG];
	unsigned nq;
	bool boot_seen;
	uint32_t boot_data_addr;
	uint64_t boot_ns, boot_insns;    /* virtual time and core instructions to BOOT */
};

static const char *firmware_path(void)
{
	const char *p = getenv("NPU_FIRMWARE");

	return p && *p ? p : NPU_TEST_FIRMWARE_BIN;
}

static struct bo *bo_of(struct host *H, uint64_t va, uint64_t len)
{
	struct bo *bos[] = { &H->runtime, &H->log_crit, &H->log_verb, &H->tx, &H->rx, &H->jobq };

	for (size_t i = 0; i < sizeof(bos) / sizeof(bos[0]); i++)
		if (bos[i]->size && va >= bos[i]->va && va + len <= bos[i]->va + bos[i]->size)
			return bos[i];
	return NULL;
}

/* CPU view of NPU VA (ivpu_to_cpu_addr); NULL outside every buffer. */
static void *hp(struct host *H, uint64_t va, uint64_t len)
{
	struct bo *b = bo_of(H, va, len);

	return b ? mh_ram(&H->h, b->pa + (va - b->va), len) : NULL;
}

static struct npu_boot_params *bp(struct host *H)
{
	return hp(H, H->fw.runtime_addr, sizeof(struct npu_boot_params));
}

/* SSID 0 mapping; pages of the firmware's read-only section are mapped
 * read-only as ivpu_mmu_context_set_pages_ro does. */
static void map_bo(struct host *H, const struct bo *b)
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
static void alloc_global(struct host *H, struct bo *b, uint64_t size)
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
static int power_up(struct host *H)
{
	return mh_power_up_ip(&H->h);
}

/* ivpu_hw_power_down (§3.6): perf counter saved, IP reset, workpoint 0, D0i3. */
static int power_down(struct host *H)
{
	H->d0i3_entry_ns = H->h.now_ns;
	return mh_power_down(&H->h, &H->d0i3_entry_vpu_ts);
}

/* ivpu_fw_load: zero the runtime region up to the image, copy the image. */
static void fw_load(struct host *H)
{
	memset(mh_ram(&H->h, H->runtime.pa, H->fw.image_load_offset), 0, H->fw.image_load_offset);
	memcpy(mh_ram(&H->h, H->runtime.pa + H->fw.image_load_offset, H->fw.image_size),
	       H->fw.image, H->fw.image_size);
}

/* ivpu_fw_boot_params_setup, cold boot (§4.4). */
static void boot_params_cold(struct host *H)
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
static void boot_params_warm(struct host *H)
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
static bool lock_step;

static void host_init(struct host *H, const uint8_t *file, size_t size)
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

static void host_fini(struct host *H)
{
	mh_fini(&H->h);
	free(H->file);
}

/* ivpu_hw_boot_fw for 37xx (§3.3): snoop overrides, TBU SSIDs, start. */
static void start_core(struct host *H, uint64_t entry)
{
	mh_boot_core(&H->h, entry);
}

/* ivpu_ipc_irq_handler: drain the FIFO, locate header and JSM in mem_rx. */
static void ipc_drain(struct host *H)
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
static bool ipc_recv(struct host *H, uint32_t channel, uint32_t request_id,
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
			H->q[i] = H->q[--H->nq];
			return true;
		}
		if (H->h.now_ns >= end)
			return false;
		mh_advance(&H->h, STEP_NS);
	}
}

/* ivpu_ipc_tx_prepare + send: returns the request id. */
static uint32_t ipc_send(struct host *H, uint32_t channel, uint32_t type,
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
static int jsm_call(struct host *H, uint32_t channel, uint32_t type,
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
static int boot(struct host *H, uint64_t timeout_ms, uint64_t step_ns)
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

static int cold_boot(struct host *H)
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
static size_t fw_log_text(struct host *H, const struct bo *b, char *out, size_t out_size)
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

static char logbuf[1 << 20];

static bool log_has(struct host *H, const struct bo *b, const char *s)
{
	fw_log_text(H, b, logbuf, sizeof(logbuf));
	return strstr(logbuf, s) != NULL;
}

static uint32_t dsu_state(struct host *H)
{
	return (uint32_t)NPU_FLD_GET(NPU_DSU_CTRL_STATE,
				     mh_rd32(&H->h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL));
}

static uint32_t dsu_trap(struct host *H)
{
	return mh_rd32(&H->h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG);
}

static uint8_t *fw_file;
static size_t fw_file_size;

static int suite_init(void)
{
	FILE *f = fopen(firmware_path(), "rb");
	long n;

	if (!f) {
		fprintf(stderr, "test_fw_boot: cannot open %s: %s\n", firmware_path(), strerror(errno));
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

static void fresh(struct host *H)
{
	host_init(H, fw_file, fw_file_size);
}

/* ---- Tests ------------------------------------------------------------------------------ */

static void test_cold_boot_and_ipc(void)
{
	struct host H;
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;
	uint64_t hb, i0;
	unsigned msis;

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	CU_ASSERT(H.boot_ns < BOOT_TIMEOUT_MS * MS);
	mh_advance(&H.h, 1 * MS);                 /* the line is logged after BOOT is sent */
	CU_ASSERT(console_has("boot: cold boot ready in "));
	CU_ASSERT(log_has(&H, &H.log_verb, "boot: cold boot ready in "));
	CU_ASSERT_EQUAL(fw_log_text(&H, &H.log_crit, logbuf, sizeof(logbuf)), 0); /* no errors */
	CU_ASSERT_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_crit.va, 128))
			->vpu_canary_start, NPU_TRACING_BUFFER_CANARY);
	CU_ASSERT_STRING_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))
			       ->name, "LRT");
	/* booted and idle: WFI, VPU_STATUS READY|IDLE */
	mh_advance(&H.h, 100000);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_WFI);
	CU_ASSERT_EQUAL(mh_rd32(&H.h, B, NPU_BTRS_VPU_STATUS),
			NPU_BTRS_VPU_STATUS_READY | NPU_BTRS_VPU_STATUS_IDLE);

	/* QUERY_ENGINE_HB: right type, id, FREE statuses, a heartbeat */
	memset(&p, 0, sizeof(p));
	msis = H.h.msis;
	CU_ASSERT_EQUAL(jsm_call(&H, NPU_IPC_CHAN_ASYNC_CMD, NPU_JSM_MSG_QUERY_ENGINE_HB, &p,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	hb = rsp.payload.query_engine_hb_done.heartbeat;
	CU_ASSERT(hb > 0);
	CU_ASSERT(H.h.msis > msis);                       /* HOST_IPC_FIFO_INT -> MSI */

	/* REGISTER_DB of a 4 KiB job queue, then a ring */
	memset(&p, 0, sizeof(p));
	p.register_db.db_idx = 1;
	p.register_db.jobq_base = H.jobq.va;
	p.register_db.jobq_size = (uint32_t)H.jobq.size;
	p.register_db.host_ssid = NPU_SSID_USER_MIN;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.db.db_idx, 1);
	memset(&p, 0, sizeof(p));
	p.trace_config.trace_level = NPU_LOG_LEVEL_DEBUG;
	p.trace_config.trace_destination_mask = NPU_TRACE_DESTINATION_VERBOSE;
	p.trace_config.trace_hw_component_mask = ~0ull;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_TRACE_SET_CONFIG, &p,
				 NPU_JSM_MSG_TRACE_SET_CONFIG_RSP, &rsp), 0);
	((struct npu_job_queue_header *)hp(&H, H.jobq.va, 64))->tail = 1;
	mh_wr32(&H.h, V, NPU_CPU_SS_DOORBELL(1), NPU_DOORBELL_SET);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(console_has("doorbell 1 rang: ssid 2"));
	CU_ASSERT(console_has("head 0 tail 1"));
	CU_ASSERT(log_has(&H, &H.log_verb, "doorbell 1 rang"));
	CU_ASSERT_EQUAL(mh_rd32(&H.h, V, NPU_CPU_SS_DOORBELL(1)), 0);   /* serviced */

	/* a request the firmware does not know is answered, not ignored */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, 0x11F0, NULL, 0x22F0, &rsp), -EBADMSG);
	CU_ASSERT_EQUAL(rsp.result, NPU_JSM_STATUS_PARSING_ERR);

	/* idle costs nothing: 5 s of virtual time, the watchdog never fires */
	i0 = npum_get_stats(H.h.npu)->lrt_instructions;
	mh_advance(&H.h, 5000 * MS);
	CU_ASSERT(npum_get_stats(H.h.npu)->lrt_instructions - i0 < 20000);
	CU_ASSERT_FALSE(mh_rd32(&H.h, V, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT_FALSE(mh_rd32(&H.h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) &
			NPU_DSU_CTRL_WDOG_EXPIRED);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	CU_ASSERT(rsp.payload.query_engine_hb_done.heartbeat > hb);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	CU_ASSERT_EQUAL(H.h.traces[NPUM_TRACE_MMU_FAULT], 0);
	if (H.h.guest_errors)
		fprintf(stderr, "\n  guest error: %s\n", H.h.last_guest_error);
	host_fini(&H);
}

/* ivpu_pm_runtime_suspend_cb + resume: D0I3_ENTER, idle, power off, warm boot. */
static int d0i3_cycle(struct host *H, uint64_t off_ms)
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

static void test_warm_boot(void)
{
	struct host H;
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;
	uint64_t hb1, warm;
	uint32_t wi;

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	memset(&p, 0, sizeof(p));
	p.register_db.db_idx = 7;
	p.register_db.jobq_base = H.jobq.va;
	p.register_db.jobq_size = (uint32_t)H.jobq.size;
	p.register_db.host_ssid = 3;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
	/* some uptime first, so a clock restarting at 0 would show */
	mh_advance(&H.h, 3000 * MS);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	hb1 = rsp.payload.query_engine_hb_done.heartbeat;
	CU_ASSERT(hb1 >= 3000ull * 38400);                 /* 38.4 MHz ticks */
	wi = ((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))->write_index;

	CU_ASSERT_EQUAL_FATAL(d0i3_cycle(&H, 20), 0);
	mh_advance(&H.h, 1 * MS);
	warm = H.entry;
	CU_ASSERT_EQUAL(warm & 0xFFF, 0);                          /* LOADING_ADDRESS-able */
	CU_ASSERT(warm >= H.fw.image_load_address &&
		  warm < H.fw.image_load_address + H.fw.image_size);
	CU_ASSERT_NOT_EQUAL(warm, H.fw.entry_point);
	CU_ASSERT_EQUAL(bp(&H)->save_restore_ret_address, 0);
	CU_ASSERT(console_has("jsm: D0i3 entry: warm entry"));
	CU_ASSERT(console_has("boot: warm boot #1 after 20"));
	CU_ASSERT(console_has("boot: warm boot ready in "));
	/* the log continued where it was: .bss survived */
	CU_ASSERT(((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))->write_index > wi);
	CU_ASSERT_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_verb.va, 128))
			->wrap_count, 0);

	/* the doorbell registry survived D0i3 */
	memset(&p, 0, sizeof(p));
	p.db.db_idx = 7;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), -EBADMSG);
	CU_ASSERT_EQUAL(rsp.result, NPU_JSM_STATUS_PROCESSING_ERR);
	/* heartbeats do not go backwards although mtime restarted at 0 */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	/* ... and they count the 20 ms spent powered off */
	CU_ASSERT(rsp.payload.query_engine_hb_done.heartbeat > hb1 + 20ull * 38400);
	/* and again: a second cycle works too */
	CU_ASSERT_EQUAL(d0i3_cycle(&H, 10), 0);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT_EQUAL(H.entry, warm);
	CU_ASSERT(console_has("boot: warm boot #2 after"));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	host_fini(&H);
}

/* ivpu sends these on a cold boot in HW scheduling mode (ivpu_hw_sched_init,
 * ivpu_cmdq_init, ivpu_cmdq_fini). */
static void test_hws_mode(void)
{
	struct host H;
	struct npu_jsm_msg rsp;
	union npu_jsm_payload p;

	fresh(&H);
	H.sched_mode = NPU_SCHEDULING_MODE_HW;
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT(console_has("(HW scheduling"));
	memset(&p, 0, sizeof(p));
	p.hws_priority_band_setup.normal_band_percentage = 10;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP, &p,
				 NPU_JSM_MSG_SET_PRIORITY_BAND_SETUP_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_create_cmdq.process_id = 1234;
	p.hws_create_cmdq.host_ssid = 2;
	p.hws_create_cmdq.cmdq_group = 2;
	p.hws_create_cmdq.cmdq_id = 1;
	p.hws_create_cmdq.cmdq_base = H.jobq.va;
	p.hws_create_cmdq.cmdq_size = (uint32_t)H.jobq.size;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_CREATE_CMD_QUEUE, &p,
				 NPU_JSM_MSG_CREATE_CMD_QUEUE_RSP, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.payload.hws_create_cmdq_rsp.process_id, 1234);
	CU_ASSERT_EQUAL(rsp.payload.hws_create_cmdq_rsp.cmdq_id, 1);
	memset(&p, 0, sizeof(p));
	p.hws_set_context_sched_properties.host_ssid = 2;
	p.hws_set_context_sched_properties.cmdq_id = 1;
	p.hws_set_context_sched_properties.priority_band = 1;
	p.hws_set_context_sched_properties.context_quantum = 20000;
	p.hws_set_context_sched_properties.grace_period_same_priority = 10000;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES, &p,
				 NPU_JSM_MSG_SET_CONTEXT_SCHED_PROPERTIES_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_register_db.db_id = 4;
	p.hws_register_db.host_ssid = 2;
	p.hws_register_db.cmdq_id = 1;
	p.hws_register_db.cmdq_base = H.jobq.va;
	p.hws_register_db.cmdq_size = H.jobq.size;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_HWS_REGISTER_DB, &p,
				 NPU_JSM_MSG_REGISTER_DB_DONE, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.hws_cmdq.host_ssid = 2;
	p.hws_cmdq.cmdq_id = 1;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_DESTROY_CMD_QUEUE, &p,
				 NPU_JSM_MSG_DESTROY_CMD_QUEUE_RSP, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.db.db_idx = 4;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_UNREGISTER_DB, &p,
				 NPU_JSM_MSG_UNREGISTER_DB_DONE, &rsp), 0);
	memset(&p, 0, sizeof(p));
	p.ssid.host_ssid = 2;
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_SSID_RELEASE, &p,
				 NPU_JSM_MSG_SSID_RELEASE_DONE, &rsp), 0);
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	host_fini(&H);
}

/* A hostile or broken host: garbage in the FIFO never kills the firmware. */
static void test_hostile_requests(void)
{
	struct host H;
	struct npu_jsm_msg rsp;

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	/* not aligned; outside the shared region; aligned, inside, unmapped */
	mh_wr32(&H.h, V, NPU_CPU_SS_TIM_IPC_FIFO, 0xFFFFFFFF);
	mh_wr32(&H.h, V, NPU_CPU_SS_TIM_IPC_FIFO, (uint32_t)H.fw.runtime_addr);
	mh_wr32(&H.h, V, NPU_CPU_SS_TIM_IPC_FIFO, (uint32_t)(H.global_end - 0x10000));
	mh_advance(&H.h, 1 * MS);
	CU_ASSERT_NOT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_NOT_EQUAL(dsu_state(&H), NPU_DSU_STATE_HALTED);
	CU_ASSERT(log_has(&H, &H.log_crit, "is not a 64-byte aligned address inside the shared"));
	CU_ASSERT(log_has(&H, &H.log_crit, "unreadable (fault at 0x"));
	CU_ASSERT(H.h.traces[NPUM_TRACE_MMU_FAULT] > 0);   /* the MMU really aborted it */
	CU_ASSERT(npum_get_stats(H.h.npu)->lrt_traps > 0); /* ... and the fixup caught it */
	CU_ASSERT_EQUAL(jsm_call(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL,
				 NPU_JSM_MSG_QUERY_ENGINE_HB_DONE, &rsp), 0);
	host_fini(&H);
}

/* The host stops draining: 64 responses fill the FIFO and every payload
 * slot; the rest must wait in order, the core must stay idle (no spinning
 * on OUTBOX_SPACE), and everything arrives once the host drains again. */
static void test_host_not_draining(void)
{
	enum { N = 70 };
	struct host H;
	struct npu_jsm_msg rsp;
	uint32_t ids[N];

	fresh(&H);
	CU_ASSERT_EQUAL_FATAL(cold_boot(&H), 0);
	for (unsigned i = 0; i < N; i++) {
		ids[i] = ipc_send(&H, 0, NPU_JSM_MSG_QUERY_ENGINE_HB, NULL, NULL);
		if (i % 32 == 31)                      /* the request FIFO holds 64 */
			mh_advance(&H.h, 2 * MS);
	}
	mh_advance(&H.h, 20 * MS);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_TIM_IPC_FIFO_STAT_FILL_LEVEL,
				    mh_rd32(&H.h, V, NPU_HOST_SS_TIM_IPC_FIFO_STAT)), 64);
	CU_ASSERT(mh_rd32(&H.h, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT(console_has("deferred"));
	for (unsigned i = 0; i < N; i++) {
		CU_ASSERT_FATAL(ipc_recv(&H, 0, ids[i], &rsp, JSM_TIMEOUT_MS));
		CU_ASSERT_EQUAL(rsp.type, NPU_JSM_MSG_QUERY_ENGINE_HB_DONE);
	}
	mh_advance(&H.h, 5 * MS);
	CU_ASSERT_EQUAL(H.nq, 0);
	CU_ASSERT(mh_rd32(&H.h, B, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_IDLE);
	CU_ASSERT_FALSE(console_has("dropped"));
	CU_ASSERT_EQUAL(H.h.guest_errors, 0);
	host_fini(&H);
}

static void expect_no_boot(struct host *H)
{
	CU_ASSERT_EQUAL(boot(H, BOOT_TIMEOUT_MS, 100 * 1000), -ETIMEDOUT);
	CU_ASSERT_FALSE(H->boot_seen);
}

static void test_bad_magic(void)
{
	struct host H;

	fresh(&H);
	boot_params_cold(&H);
	bp(&H)->magic = 0x12345;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);           /* halt code != 0 */
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, dsu_trap(&H)),
			NPU_LRT_HALT_BAD_BOOT_PARAMS);
	CU_ASSERT(console_has("FATAL: boot params at 0x84800000: magic 0x12345, expected 0x10000"));
	/* the log buffers were not trusted */
	CU_ASSERT_EQUAL(((struct npu_tracing_buffer_header *)hp(&H, H.log_crit.va, 128))
			->vpu_canary_start, 0);
	host_fini(&H);
}

static void test_corrupt_entry(void)
{
	struct host H;
	uint32_t t;

	fresh(&H);
	/* the first instruction: a trap before mtvec is set = error mode */
	mh_w32(&H.h, H.runtime.pa + (H.fw.entry_point - H.fw.runtime_addr), 0);
	boot_params_cold(&H);
	expect_no_boot(&H);
	t = dsu_trap(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT(t & NPU_DSU_TRAP_VALID);
	CU_ASSERT(t & NPU_DSU_TRAP_ERROR_MODE);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, t), 2);      /* illegal instruction */
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, t), 0);
	CU_ASSERT_EQUAL(mh_rd32(&H.h, V, NPU_CPU_SS_DSU_LEON_RT_PC_REG), H.fw.entry_point);
	CU_ASSERT_EQUAL(console_len, 0);
	host_fini(&H);
}

static void test_corrupt_code(void)
{
	struct host H;
	uint32_t *code, csrw_mtvec_t0 = 0x30529073u, at = 0;
	uint64_t entry_pa;

	fresh(&H);
	/* break the instruction right after the cold entry sets mtvec: now
	 * the firmware's own trap handler must report it */
	entry_pa = H.runtime.pa + (H.fw.entry_point - H.fw.runtime_addr);
	code = mh_ram(&H.h, entry_pa, 64);
	for (unsigned i = 0; i < 16; i++)
		if (code[i] == csrw_mtvec_t0) {
			at = i + 1;
			break;
		}
	CU_ASSERT_FATAL(at != 0);
	code[at] = 0;
	boot_params_cold(&H);
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, dsu_trap(&H)), NPU_LRT_HALT_FATAL_TRAP);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, dsu_trap(&H)), 2);
	{
		char want[128];

		snprintf(want, sizeof(want), "FATAL: mcause=0x2 (illegal instruction) mepc=0x%llx",
			 (unsigned long long)H.fw.entry_point + 4 * at);
		CU_ASSERT(console_has(want));
		if (!console_has(want))
			fprintf(stderr, "\n  wanted \"%s\" in:\n%s", want, console);
	}
	host_fini(&H);
}

/* The core is started somewhere that is not the firmware's entry (the
 * parser would refuse such a header, so bypass it like a broken host). */
static void test_entry_outside_image(void)
{
	struct host H;

	/* inside the runtime region (mapped, zeroed): illegal instruction */
	fresh(&H);
	boot_params_cold(&H);
	H.entry = H.fw.image_load_address + 0x100000;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, dsu_trap(&H)), 2);
	host_fini(&H);

	/* not mapped at all: instruction access fault, and an MMU event */
	fresh(&H);
	boot_params_cold(&H);
	H.entry = H.global_end - 0x10000;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(dsu_state(&H), NPU_DSU_STATE_ERROR);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, dsu_trap(&H)), 1);
	CU_ASSERT(H.h.traces[NPUM_TRACE_MMU_FAULT] > 0);
	CU_ASSERT_EQUAL(console_len, 0);
	host_fini(&H);
}

/* The IPC areas are unusable: the firmware says why in its log, halts,
 * and the watchdog it started reports the dead core to the host. */
static void test_bad_ipc_areas_and_watchdog(void)
{
	struct host H;

	fresh(&H);
	boot_params_cold(&H);
	bp(&H)->ipc_header_area_start += 32;
	expect_no_boot(&H);
	CU_ASSERT_EQUAL(NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, dsu_trap(&H)),
			NPU_LRT_HALT_BAD_IPC_AREAS);
	CU_ASSERT(log_has(&H, &H.log_crit, "IPC header area"));
	CU_ASSERT(log_has(&H, &H.log_crit, "FATAL: boot: no usable IPC areas"));
	CU_ASSERT(console_has("must be 64-byte aligned"));
	CU_ASSERT_FALSE(mh_rd32(&H.h, V, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0);
	mh_advance(&H.h, 1100 * MS);                 /* 2 s after the start in total */
	CU_ASSERT(mh_rd32(&H.h, V, NPU_HOST_SS_ICB_STATUS_0) & NPU_ICB_0_CPU_INT_REDIRECT_0);
	CU_ASSERT(mh_rd32(&H.h, V, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_WDOG_EXPIRED);
	host_fini(&H);
}

/* ---- Benchmark ------------------------------------------------------------------------ */

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void machine(void)
{
	char line[256], model[256] = "unknown";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	printf("machine: %s, %ld CPUs online, %s %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, u.machine);
}

static int bench(void);
static int bench_result;

static void bench_test(void)
{
	bench_result = bench();
}

static int bench(void)
{
	enum { RUNS = 20 };
	struct host H;
	double t, cold_wall = 0, warm_wall = 0, idle_wall;
	uint64_t cold_ns = 0, cold_insns = 0, warm_ns = 0, warm_insns = 0, i0;
	unsigned long fw_us = 0, fw_insns = 0;
	const char *line;

	lock_step = true;
	if (suite_init())
		return 1;
	machine();
	printf("firmware: %s (%zu bytes)\n", firmware_path(), fw_file_size);
	for (int i = 0; i < RUNS; i++) {
		fresh(&H);
		boot_params_cold(&H);
		t = wall();
		if (boot(&H, BOOT_TIMEOUT_MS, 1000)) {         /* 1 µs polling */
			fprintf(stderr, "bench-firmware: cold boot failed\n%s", console);
			return 1;
		}
		cold_wall += wall() - t;
		cold_ns = H.boot_ns;
		cold_insns = H.boot_insns;
		mh_advance(&H.h, 1 * MS);
		line = strstr(console, "cold boot ready in ");
		if (!line || sscanf(line, "cold boot ready in %lu us, %lu instructions",
				    &fw_us, &fw_insns) != 2) {
			fprintf(stderr, "bench-firmware: no ready line on the console\n%s", console);
			return 1;
		}
		t = wall();
		if (d0i3_cycle(&H, 10)) {
			fprintf(stderr, "bench-firmware: warm boot failed\n%s", console);
			return 1;
		}
		warm_wall += wall() - t;
		warm_ns = H.boot_ns;
		warm_insns = H.boot_insns;
		if (i < RUNS - 1)
			host_fini(&H);
	}
	mh_advance(&H.h, 10 * MS);                   /* the post-boot log lines */
	i0 = npum_get_stats(H.h.npu)->lrt_instructions;
	t = wall();
	mh_advance(&H.h, 60000 * MS);
	idle_wall = wall() - t;
	printf("cold boot: %llu core instructions, %.1f us virtual from LOADING_ADDRESS.DONE to "
	       "the ready message (model stats, lock-step core, 1 us polling); %lu of them in fw_cold_main "
	       "(firmware's own count); %.2f ms host time per boot (mean of %d)\n",
	       (unsigned long long)cold_insns, cold_ns / 1000.0, fw_insns, cold_wall * 1000 / RUNS,
	       RUNS);
	printf("warm boot: %llu core instructions, %.1f us virtual to the ready message; "
	       "D0I3_ENTER..ready cycle %.2f ms host time\n", (unsigned long long)warm_insns,
	       warm_ns / 1000.0, warm_wall * 1000 / RUNS);
	printf("idle: %llu core instructions in 60 s virtual (watchdog ticks), %.2f ms host time\n",
	       (unsigned long long)(npum_get_stats(H.h.npu)->lrt_instructions - i0),
	       idle_wall * 1000);
	host_fini(&H);
	free(fw_file);
	return 0;
}

int main(int argc, char **argv)
{
	CU_pSuite s;
	unsigned failed;

	echo_console = getenv("FW_CONSOLE") != NULL;
	if (argc > 1 && !strcmp(argv[1], "--bench")) {
		/* the host helpers assert through CUnit: run the bench as a test */
		if (CU_initialize_registry() != CUE_SUCCESS)
			return 2;
		CU_add_test(CU_add_suite("bench", NULL, NULL), "bench", bench_test);
		CU_run_all_tests();                    /* no summary: just the figures */
		failed = CU_get_number_of_failures();
		CU_cleanup_registry();
		return failed || bench_result ? 1 : 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--bench]\n", argv[0]);
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("fw_boot", suite_init, NULL);
	CU_add_test(s, "cold boot, heartbeat, REGISTER_DB, doorbell, idle", test_cold_boot_and_ipc);
	CU_add_test(s, "D0i3 and warm boot, registry survives", test_warm_boot);
	CU_add_test(s, "HW scheduling messages", test_hws_mode);
	CU_add_test(s, "hostile FIFO entries", test_hostile_requests);
	CU_add_test(s, "host not draining: deferred responses", test_host_not_draining);
	CU_add_test(s, "bad boot params magic", test_bad_magic);
	CU_add_test(s, "corrupted entry instruction", test_corrupt_entry);
	CU_add_test(s, "corrupted code after mtvec", test_corrupt_code);
	CU_add_test(s, "entry outside the image", test_entry_outside_image);
	CU_add_test(s, "bad IPC areas, watchdog", test_bad_ipc_areas_and_watchdog);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(fw_file);
	return failed ? 1 : 0;
}
