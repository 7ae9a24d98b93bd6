/* SPDX-License-Identifier: MIT */
/*
 * Unit-test host for the device model: see model_harness.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_harness.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"

#define MH_POLL_SLEEP_US   50    /* ivpu's REG_POLL_SLEEP_US */
#define MH_TIMER_RUNAWAY   1000000u
#define MH_CLOCK_RUNAWAY   10000000u   /* clock reads within one npum_timer_expired */

/* ivpu's MMU constants (hw-facts §6) */
#define MH_STRTAB_ENTRIES  4
#define MH_STRTAB_LOG2     2
#define MH_Q_LOG2          4
#define MH_Q_ENTRIES       (1u << MH_Q_LOG2)
#define MH_Q_WRAP_MASK     ((2u << MH_Q_LOG2) - 1)
#define MH_Q_IDX(v)        ((v) & (MH_Q_ENTRIES - 1))
#define MH_CMDQ_CONS_VAL   NPU_GENMASK(23, 0)
#define MH_REG_TIMEOUT_US  10000   /* IVPU_MMU_REG_TIMEOUT_US */
#define MH_QUEUE_TIMEOUT_US 100000 /* IVPU_MMU_QUEUE_TIMEOUT_US */
#define MH_SH_ISH          3
#define MH_CACHE_WB        1

/* ---- Host callbacks ------------------------------------------------------------ */

static bool ram_range_ok(const struct mh *h, uint64_t addr, uint64_t len)
{
	return addr <= h->ram_size && len <= h->ram_size - addr;
}

static void dma_log(struct mh *h, uint64_t addr, uint64_t len, bool write, bool ok)
{
	struct mh_dma_rec *r = &h->dma_log[h->dma_count % MH_DMA_LOG_SIZE];

	r->addr = addr;
	r->len = len;
	r->write = write;
	r->ok = ok;
	h->dma_count++;
	if (!ok) {
		h->dma_failures++;
		if (h->strict_dma) {
			fprintf(stderr, "model_harness: DMA %s of %llu bytes at 0x%llx is outside "
				"the fake RAM (strict mode)\n", write ? "write" : "read",
				(unsigned long long)len, (unsigned long long)addr);
			abort();
		}
	}
}

static int host_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct mh *h = opaque;
	bool ok = ram_range_ok(h, addr, len);

	h->dma_reads++;
	dma_log(h, addr, len, false, ok);
	if (!ok)
		return -1;
	memcpy(buf, h->ram + addr, len);
	return 0;
}

static int host_dma_write(void *opaque, uint64_t addr, const void *buf, uint64_t len)
{
	struct mh *h = opaque;
	bool ok = ram_range_ok(h, addr, len);

	h->dma_writes++;
	dma_log(h, addr, len, true, ok);
	if (!ok)
		return -1;
	memcpy(h->ram + addr, buf, len);
	return 0;
}

/* Direct access for the DMA engines, as QEMU's pci_dma_map gives it: the
 * fake RAM itself, counted and logged like dma_read/dma_write. */
static void *host_dma_map(void *opaque, uint64_t addr, uint64_t *len, bool write)
{
	struct mh *h = opaque;
	bool ok = ram_range_ok(h, addr, *len);

	dma_log(h, addr, *len, write, ok);
	if (!ok)
		return NULL;
	h->dma_maps++;
	return h->ram + addr;
}

static void host_dma_unmap(void *opaque, void *ptr, uint64_t len, bool write)
{
	struct mh *h = opaque;

	(void)ptr, (void)len, (void)write;
	h->dma_unmaps++;
}

static void host_msi(void *opaque)
{
	((struct mh *)opaque)->msis++;
}

static uint64_t host_clock(void *opaque)
{
	struct mh *h = opaque;

	/* A model that keeps finding due events at the same instant would
	 * hang the host: make that a loud failure instead. */
	if (h->in_timer && ++h->timer_clock_reads > MH_CLOCK_RUNAWAY) {
		fprintf(stderr, "model_harness: npum_timer_expired() does not return at %llu ns "
			"(an event keeps re-arming itself at the present)\n",
			(unsigned long long)h->now_ns);
		abort();
	}
	return h->now_ns;
}

static void host_timer_mod(void *opaque, uint64_t deadline)
{
	((struct mh *)opaque)->deadline_ns = deadline;
}

static void host_guest_error(void *opaque, const char *msg)
{
	struct mh *h = opaque;

	h->guest_errors++;
	snprintf(h->last_guest_error, sizeof(h->last_guest_error), "%s", msg);
	if (h->print_guest_errors)
		fprintf(stderr, "guest error: %s\n", msg);
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void trace_copy(struct mh_trace_rec *r, const struct npum_trace_rec *ev)
{
	const struct npum_trace_desc *d = npum_trace_describe(ev->id);

	memset(r, 0, sizeof(*r));
	r->kind = ev->id;
	r->time_ns = ev->time_ns;
	for (unsigned i = 0; d && i < d->nfields; i++) {
		if (d->fields[i].type == NPUM_TF_STR)
			copy_str(r->s[i], sizeof(r->s[i]), ev->f[i].s);
		else
			r->u[i] = ev->f[i].u;
	}
}

static void tlog_append(struct mh *h, const struct npum_trace_rec *ev)
{
	struct mh_trace_rec *r;

	if (h->tlog_len == h->tlog_cap) {
		size_t cap = h->tlog_cap ? 2 * h->tlog_cap : 1024;
		struct mh_trace_rec *p = realloc(h->tlog, cap * sizeof(*p));

		if (!p) {
			fprintf(stderr, "model_harness: no memory for the trace log\n");
			abort();
		}
		h->tlog = p;
		h->tlog_cap = cap;
	}
	r = &h->tlog[h->tlog_len++];
	trace_copy(r, ev);
	if (ev->id == NPUM_TRACE_FW_CONSOLE) {
		r->text = strdup(ev->f[0].s);
		if (!r->text)
			abort();
	}
}

static void host_trace(void *opaque, const struct npum_trace_rec *ev)
{
	struct mh *h = opaque;

	if ((unsigned)ev->id < MH_TRACE_KINDS)
		h->traces[ev->id]++;
	if (ev->id == NPUM_TRACE_MMU_FAULT) {
		/* fields: event, sid, ssid, va, id, acc */
		trace_copy(&h->last_fault, ev);
		h->faults_by_event[ev->f[4].u & 0xFF]++;
	}
	if (h->tlog_on)
		tlog_append(h, ev);
}

static void host_console(void *opaque, const char *line)
{
	struct mh *h = opaque;
	size_t n = strlen(line);

	h->console_lines++;
	if (h->console_len + n + 2 <= MH_CONSOLE_MAX) {
		if (h->console_len + n + 2 > h->console_cap) {
			size_t cap = h->console_cap ? h->console_cap : 4096;
			char *p;

			while (cap < h->console_len + n + 2)
				cap *= 2;
			p = realloc(h->console, cap);
			if (!p)
				abort();
			h->console = p;
			h->console_cap = cap;
		}
		memcpy(h->console + h->console_len, line, n);
		h->console_len += n;
		h->console[h->console_len++] = '\n';
		h->console[h->console_len] = '\0';
	}
	if (h->on_console)
		h->on_console(h->on_console_opaque, line);
}

static const struct npum_host_ops mh_ops = {
	.dma_read = host_dma_read,
	.dma_write = host_dma_write,
	.msi_notify = host_msi,
	.clock_ns = host_clock,
	.timer_mod = host_timer_mod,
	.guest_error = host_guest_error,
	.trace = host_trace,
	.console = host_console,
	.dma_map = host_dma_map,
	.dma_unmap = host_dma_unmap,
};

bool mh_direct_dma = true;

int mh_init(struct mh *h, uint64_t ram_size)
{
	struct npum_config cfg;

	npum_config_default(&cfg);
	return mh_init_cfg(h, ram_size, &cfg);
}

int mh_init_cfg(struct mh *h, uint64_t ram_size, const struct npum_config *cfg)
{
	const char *err = NULL;

	memset(h, 0, sizeof(*h));
	h->ram = calloc(1, ram_size);
	if (!h->ram) {
		fprintf(stderr, "model_harness: no memory for %llu bytes of RAM\n",
			(unsigned long long)ram_size);
		abort();
	}
	h->ram_size = ram_size;
	h->alloc_next = 0x1000; /* keep bus address 0 unused: 0 means "none" */
	h->deadline_ns = UINT64_MAX;
	h->print_guest_errors = getenv("MH_VERBOSE") != NULL;
	if (mh_direct_dma) {
		h->npu = npum_create(cfg, &mh_ops, h, &err);
	} else {
		struct npum_host_ops ops = mh_ops;

		ops.dma_map = NULL;
		ops.dma_unmap = NULL;
		h->npu = npum_create(cfg, &ops, h, &err);
	}
	if (!h->npu) {
		fprintf(stderr, "model_harness: npum_create: %s\n", err);
		abort();
	}
	npum_bus_master_changed(h->npu, true);
	return 0;
}

void mh_fini(struct mh *h)
{
	npum_destroy(h->npu);
	free(h->ram);
	mh_trace_clear(h);
	free(h->tlog);
	free(h->console);
	memset(h, 0, sizeof(*h));
}

/* ---- Trace log and console ------------------------------------------------------- */

void mh_trace_clear(struct mh *h)
{
	for (size_t i = 0; i < h->tlog_len; i++)
		free(h->tlog[i].text);
	h->tlog_len = 0;
}

void mh_trace_log(struct mh *h, bool on)
{
	if (on)
		mh_trace_clear(h);
	h->tlog_on = on;
}

const struct mh_trace_rec *mh_trace_last(const struct mh *h, enum npum_trace_id kind)
{
	for (size_t i = h->tlog_len; i-- > 0;)
		if (h->tlog[i].kind == kind)
			return &h->tlog[i];
	return NULL;
}

/* Index of the k-th string field of an event, or -1. */
static int str_field(enum npum_trace_id kind, unsigned k)
{
	const struct npum_trace_desc *d = npum_trace_describe(kind);

	for (unsigned i = 0; d && i < d->nfields; i++)
		if (d->fields[i].type == NPUM_TF_STR && k-- == 0)
			return (int)i;
	return -1;
}

size_t mh_trace_count(const struct mh *h, enum npum_trace_id kind, const char *s0,
		      const char *s1)
{
	int i0 = str_field(kind, 0), i1 = str_field(kind, 1);
	size_t n = 0;

	for (size_t i = 0; i < h->tlog_len; i++) {
		const struct mh_trace_rec *r = &h->tlog[i];

		if (r->kind == kind && (!s0 || (i0 >= 0 && !strcmp(r->s[i0], s0))) &&
		    (!s1 || (i1 >= 0 && !strcmp(r->s[i1], s1))))
			n++;
	}
	return n;
}

void mh_console_clear(struct mh *h)
{
	h->console_len = 0;
	h->console_lines = 0;
	if (h->console)
		h->console[0] = '\0';
}

bool mh_console_has(const struct mh *h, const char *s)
{
	return h->console && strstr(h->console, s) != NULL;
}

/* ---- Time ------------------------------------------------------------------------- */

void mh_advance(struct mh *h, uint64_t ns)
{
	uint64_t target = h->now_ns + ns;
	unsigned fired = 0;

	while (h->deadline_ns <= target) {
		if (h->deadline_ns > h->now_ns)
			h->now_ns = h->deadline_ns;
		h->deadline_ns = UINT64_MAX;
		h->in_timer = true;
		h->timer_clock_reads = 0;
		npum_timer_expired(h->npu);
		h->in_timer = false;
		if (++fired > MH_TIMER_RUNAWAY) {
			fprintf(stderr, "model_harness: the model re-arms its timer forever\n");
			abort();
		}
	}
	h->now_ns = target;
}

/* ---- Registers ------------------------------------------------------------------------ */

uint32_t mh_rd32(struct mh *h, unsigned bar, uint64_t off)
{
	return (uint32_t)npum_mmio_read(h->npu, bar, off, 4);
}

void mh_wr32(struct mh *h, unsigned bar, uint64_t off, uint32_t v)
{
	npum_mmio_write(h->npu, bar, off, v, 4);
}

uint64_t mh_rd64(struct mh *h, unsigned bar, uint64_t off)
{
	return npum_mmio_read(h->npu, bar, off, 8);
}

void mh_wr64(struct mh *h, unsigned bar, uint64_t off, uint64_t v)
{
	npum_mmio_write(h->npu, bar, off, v, 8);
}

bool mh_poll32(struct mh *h, unsigned bar, uint64_t off, uint32_t mask, uint32_t want,
	       uint64_t timeout_us)
{
	uint64_t waited = 0;

	for (;;) {
		if ((mh_rd32(h, bar, off) & mask) == want)
			return true;
		if (waited >= timeout_us)
			return false;
		mh_advance(h, MH_POLL_SLEEP_US * 1000ull);
		waited += MH_POLL_SLEEP_US;
	}
}

/* ---- Power ----------------------------------------------------------------------------- */

int mh_power_up(struct mh *h)
{
	const unsigned b = NPU_BAR_REGB;
	uint32_t fmin, fmax, d0i3;

	/* D0i3 exit (§3.1 step 2) */
	if (!mh_poll32(h, b, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0,
		       150000))
		return -1;
	d0i3 = mh_rd32(h, b, NPU_BTRS_VPU_D0I3_CONTROL);
	mh_wr32(h, b, NPU_BTRS_VPU_D0I3_CONTROL, d0i3 & ~NPU_BTRS_VPU_D0I3_CONTROL_I3);
	if (!mh_poll32(h, b, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0,
		       150000))
		return -1;

	/* Workpoint enable (§3.1 step 3): fused range, PN ratio, 2 tiles */
	fmin = mh_rd32(h, b, NPU_BTRS_FMIN_FUSE);
	fmax = mh_rd32(h, b, NPU_BTRS_FMAX_FUSE);
	if (!mh_poll32(h, b, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, 1500000))
		return -1;
	mh_wr32(h, b, NPU_BTRS_WP_REQ_PAYLOAD0,
		(uint32_t)(NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD0_MIN_RATIO,
					NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_MIN_RATIO, fmin)) |
			   NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD0_MAX_RATIO,
					NPU_FLD_GET(NPU_BTRS_FMAX_FUSE_MAX_RATIO, fmax))));
	mh_wr32(h, b, NPU_BTRS_WP_REQ_PAYLOAD1,
		(uint32_t)(NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD1_TARGET_RATIO,
					NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin)) |
			   NPU_FLD_PREP(NPU_BTRS_WP_REQ_PAYLOAD1_EPP, NPU_WP_EPP_DEFAULT)));
	mh_wr32(h, b, NPU_BTRS_WP_REQ_PAYLOAD2, NPU_WP_CONFIG_MTL_2_TILES_4_3);
	mh_wr32(h, b, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	if (!mh_poll32(h, b, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, 1500000) ||
	    !mh_poll32(h, b, NPU_BTRS_PLL_STATUS, NPU_BTRS_PLL_STATUS_LOCK,
		       NPU_BTRS_PLL_STATUS_LOCK, 1500000) ||
	    !mh_poll32(h, b, NPU_BTRS_VPU_STATUS, NPU_BTRS_VPU_STATUS_READY,
		       NPU_BTRS_VPU_STATUS_READY, 1500000))
		return -1;
	return 0;
}

bool mh_wp_request(struct mh *h, uint32_t p0, uint32_t p1, uint32_t p2)
{
	const unsigned b = NPU_BAR_REGB;

	if (!mh_poll32(h, b, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, NPU_TIMEOUT_PLL_US))
		return false;
	mh_wr32(h, b, NPU_BTRS_WP_REQ_PAYLOAD0, p0);
	mh_wr32(h, b, NPU_BTRS_WP_REQ_PAYLOAD1, p1);
	mh_wr32(h, b, NPU_BTRS_WP_REQ_PAYLOAD2, p2);
	mh_wr32(h, b, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	return mh_poll32(h, b, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND, 0, NPU_TIMEOUT_PLL_US);
}

/* §3.1 steps 4-9 (ivpu_hw_ip.c host_ss_configure, idle_gen_disable,
 * pwr_domain_enable, host_ss_axi_enable, top_noc_enable). */
int mh_power_up_ip(struct mh *h)
{
	const unsigned v = NPU_BAR_REGV;

	if (mh_power_up(h))
		return -1;
	if (!mh_poll32(h, v, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_AON, 0, NPU_TIMEOUT_IP_BAR_US))
		return -2;
	mh_wr32(h, v, NPU_HOST_SS_CPR_RST_CLR, NPU_HOST_SS_CPR_ALL);
	if (mh_rd32(h, v, NPU_HOST_SS_NOC_QREQN) & NPU_HOST_SS_NOC_TOP_SOCMMIO)
		return -3;
	mh_wr32(h, v, NPU_HOST_SS_AON_VPU_IDLE_GEN, 0);
	mh_wr32(h, v, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0,
		mh_rd32(h, v, NPU_HOST_SS_AON_PWR_ISLAND_TRICKLE_EN0) | NPU_AON_PWR_MSS_CPU);
	mh_wr32(h, v, NPU_HOST_SS_AON_PWR_ISLAND_EN0,
		mh_rd32(h, v, NPU_HOST_SS_AON_PWR_ISLAND_EN0) | NPU_AON_PWR_MSS_CPU);
	if (!mh_poll32(h, v, NPU_HOST_SS_AON_PWR_ISLAND_STATUS0, NPU_AON_PWR_MSS_CPU,
		       NPU_AON_PWR_MSS_CPU, NPU_TIMEOUT_PWR_ISLAND_US))
		return -4;
	if (mh_rd32(h, v, NPU_TOP_NOC_QREQN) & NPU_TOP_NOC_ALL)
		return -5;
	mh_wr32(h, v, NPU_HOST_SS_CPR_CLK_SET, mh_rd32(h, v, NPU_HOST_SS_CPR_CLK_SET) |
		NPU_HOST_SS_CPR_ALL);
	mh_wr32(h, v, NPU_HOST_SS_AON_PWR_ISO_EN0,
		mh_rd32(h, v, NPU_HOST_SS_AON_PWR_ISO_EN0) & ~NPU_AON_PWR_MSS_CPU);
	mh_wr32(h, v, NPU_HOST_SS_CPR_RST_SET, mh_rd32(h, v, NPU_HOST_SS_CPR_RST_SET) |
		NPU_HOST_SS_CPR_ALL);
	mh_wr32(h, v, NPU_HOST_SS_AON_DPU_ACTIVE, NPU_AON_DPU_ACTIVE);
	mh_wr32(h, v, NPU_HOST_SS_NOC_QREQN, NPU_HOST_SS_NOC_TOP_SOCMMIO);
	if (!(mh_rd32(h, v, NPU_HOST_SS_NOC_QACCEPTN) & NPU_HOST_SS_NOC_TOP_SOCMMIO) ||
	    mh_rd32(h, v, NPU_HOST_SS_NOC_QDENY))
		return -6;
	mh_wr32(h, v, NPU_TOP_NOC_QREQN, NPU_TOP_NOC_ALL);
	if ((mh_rd32(h, v, NPU_TOP_NOC_QACCEPTN) & NPU_TOP_NOC_ALL) != NPU_TOP_NOC_ALL ||
	    mh_rd32(h, v, NPU_TOP_NOC_QDENY))
		return -7;
	return 0;
}

int mh_power_down(struct mh *h, uint64_t *perf_cnt)
{
	const unsigned b = NPU_BAR_REGB, v = NPU_BAR_REGV;
	uint64_t cnt = mh_rd64(h, v, NPU_CPU_SS_TIM_PERF_FREE_CNT);

	if (perf_cnt)
		*perf_cnt = cnt;
	if (!mh_poll32(h, b, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER, 0,
		       NPU_TIMEOUT_BTRS_US))
		return -1;
	mh_wr32(h, b, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER);
	if (!mh_poll32(h, b, NPU_BTRS_VPU_IP_RESET, NPU_BTRS_VPU_IP_RESET_TRIGGER, 0,
		       NPU_TIMEOUT_BTRS_US))
		return -2;
	if (!mh_wp_request(h, 0, 0, 0))
		return -3;
	if (!mh_poll32(h, b, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0,
		       NPU_TIMEOUT_BTRS_US))
		return -4;
	mh_wr32(h, b, NPU_BTRS_VPU_D0I3_CONTROL,
		mh_rd32(h, b, NPU_BTRS_VPU_D0I3_CONTROL) | NPU_BTRS_VPU_D0I3_CONTROL_I3);
	if (!mh_poll32(h, b, NPU_BTRS_VPU_D0I3_CONTROL, NPU_BTRS_VPU_D0I3_CONTROL_INPROGRESS, 0,
		       NPU_TIMEOUT_BTRS_US))
		return -5;
	mh_advance(h, 5000);
	return 0;
}

void mh_boot_core(struct mh *h, uint64_t entry)
{
	const unsigned v = NPU_BAR_REGV;
	uint32_t r = mh_rd32(h, v, NPU_HOST_IF_TCU_PTW_OVERRIDES);

	r |= NPU_TCU_PTW_NOSNOOP_OVERRIDE_EN;
	r &= ~NPU_TCU_PTW_AW_NOSNOOP_OVERRIDE;
	r |= NPU_TCU_PTW_AR_NOSNOOP_OVERRIDE;
	mh_wr32(h, v, NPU_HOST_IF_TCU_PTW_OVERRIDES, r);
	mh_wr32(h, v, NPU_HOST_IF_TBU_MMUSSIDV, mh_rd32(h, v, NPU_HOST_IF_TBU_MMUSSIDV) |
		NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_LRT) | NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_LRT) |
		NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_DMA) | NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_DMA));
	r = mh_rd32(h, v, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC);
	r |= NPU_LEON_RT_VEC_IRQI_RSTRUN0;
	r &= ~NPU_LEON_RT_VEC_IRQI_RSTVEC;
	mh_wr32(h, v, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, r);
	mh_wr32(h, v, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, r | NPU_LEON_RT_VEC_IRQI_RESUME0);
	mh_wr32(h, v, NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, r);
	r = (uint32_t)(entry >> NPU_LOADING_ADDRESS_SHIFT);
	mh_wr32(h, v, NPU_HOST_SS_LOADING_ADDRESS_LO, r);
	mh_wr32(h, v, NPU_HOST_SS_LOADING_ADDRESS_LO, r | NPU_LOADING_ADDRESS_DONE);
}

/* ---- Memory -------------------------------------------------------------------------- */

uint64_t mh_alloc(struct mh *h, uint64_t size, uint64_t align)
{
	uint64_t addr = (h->alloc_next + align - 1) & ~(align - 1);

	if (!ram_range_ok(h, addr, size)) {
		fprintf(stderr, "model_harness: fake RAM exhausted\n");
		abort();
	}
	h->alloc_next = addr + size;
	memset(h->ram + addr, 0, size);
	return addr;
}

void *mh_ram(struct mh *h, uint64_t addr, uint64_t len)
{
	if (!ram_range_ok(h, addr, len)) {
		fprintf(stderr, "model_harness: test touches 0x%llx+%llu outside the fake RAM\n",
			(unsigned long long)addr, (unsigned long long)len);
		abort();
	}
	return h->ram + addr;
}

uint64_t mh_r64(struct mh *h, uint64_t addr)
{
	const uint8_t *p = mh_ram(h, addr, 8);
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void mh_w64(struct mh *h, uint64_t addr, uint64_t v)
{
	uint8_t *p = mh_ram(h, addr, 8);

	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t mh_r32(struct mh *h, uint64_t addr)
{
	const uint8_t *p = mh_ram(h, addr, 4);

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void mh_w32(struct mh *h, uint64_t addr, uint32_t v)
{
	uint8_t *p = mh_ram(h, addr, 4);

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void mh_dma_log_clear(struct mh *h)
{
	h->dma_count = 0;
}

unsigned mh_dma_touched(const struct mh *h, uint64_t addr, uint64_t len)
{
	uint64_t n = h->dma_count < MH_DMA_LOG_SIZE ? h->dma_count : MH_DMA_LOG_SIZE;
	unsigned hits = 0;

	for (uint64_t i = 0; i < n; i++) {
		const struct mh_dma_rec *r = &h->dma_log[i];

		if (r->addr < addr + len && addr < r->addr + r->len)
			hits++;
	}
	return hits;
}

/* ---- MMU the ivpu way ------------------------------------------------------------------ */

uint64_t mh_ste_dword0(uint64_t cdtab)
{
	return NPU_FLD_PREP(NPU_MMU_STE_0_CONFIG, NPU_MMU_STE_CONFIG_S1_TRANS) |
	       NPU_FLD_PREP(NPU_MMU_STE_0_S1CDMAX, NPU_MMU_CDTAB_ENTRIES_LOG2) |
	       NPU_FLD_PREP(NPU_MMU_STE_0_S1FMT, NPU_MMU_STE_S1FMT_LINEAR) |
	       NPU_MMU_STE_0_V | (cdtab & NPU_MMU_STE_0_S1CTXPTR);
}

uint64_t mh_ste_dword1(void)
{
	return NPU_FLD_PREP(NPU_MMU_STE_1_S1DSS, NPU_MMU_STE_S1DSS_TERMINATE) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_PRIVCFG, NPU_MMU_PRIVCFG_UNPRIV) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_INSTCFG, NPU_MMU_INSTCFG_DATA) |
	       NPU_FLD_PREP(NPU_MMU_STE_1_CONT, MH_STRTAB_LOG2) |
	       NPU_MMU_STE_1_MEV | NPU_MMU_STE_1_S1STALLD;
}

uint64_t mh_cd_dword0(uint32_t ssid)
{
	uint64_t d0 = NPU_FLD_PREP(NPU_MMU_CD_0_T0SZ, NPU_MMU_T0SZ_48BIT) |
		      NPU_FLD_PREP(NPU_MMU_CD_0_IPS, NPU_MMU_IPS_48BIT) |
		      NPU_FLD_PREP(NPU_MMU_CD_0_ASID, ssid) |
		      NPU_MMU_CD_0_EPD1 | NPU_MMU_CD_0_AA64 | NPU_MMU_CD_0_R |
		      NPU_MMU_CD_0_ASET | NPU_MMU_CD_0_V;

	if (ssid == 0)
		d0 |= NPU_MMU_CD_0_A; /* the global context aborts on faults */
	return d0;
}

uint64_t mh_cd_addr(const struct mh *h, uint32_t ssid)
{
	return h->cdtab + (uint64_t)ssid * NPU_MMU_CD_SIZE;
}

/* Write the CD (dword 0 last, as ivpu) without telling the MMU. */
static void write_cd(struct mh *h, uint32_t ssid)
{
	uint64_t cd = mh_cd_addr(h, ssid);

	mh_w64(h, cd + 8, h->pgd[ssid] & NPU_MMU_CD_1_TTB0);
	mh_w64(h, cd + 16, 0);
	mh_w64(h, cd + 24, NPU_MMU_CD_3_MAIR_IVPU);
	mh_w64(h, cd, mh_cd_dword0(ssid));
}

void mh_mmu_setup(struct mh *h)
{
	h->cdtab = mh_alloc(h, MH_MAX_SSID * NPU_MMU_CD_SIZE, 4096);
	h->strtab = mh_alloc(h, MH_STRTAB_ENTRIES * NPU_MMU_STE_SIZE, 4096);
	h->cmdq = mh_alloc(h, MH_Q_ENTRIES * NPU_MMU_CMD_SIZE, 4096);
	h->evtq = mh_alloc(h, MH_Q_ENTRIES * NPU_MMU_EVT_SIZE, 4096);
	for (unsigned sid = 0; sid < MH_STRTAB_ENTRIES; sid++) {
		uint64_t ste = h->strtab + sid * NPU_MMU_STE_SIZE;

		if (sid != NPU_MMU_SID_LRT && sid != NPU_MMU_SID_DMA)
			continue;
		mh_w64(h, ste + 8, mh_ste_dword1());
		mh_w64(h, ste, mh_ste_dword0(h->cdtab));
	}
	h->pgd[0] = mh_alloc(h, 4096, 4096);
	write_cd(h, 0);
}

static bool write_cr0(struct mh *h, uint32_t v)
{
	mh_wr32(h, NPU_BAR_REGV, NPU_MMU_CR0, v);
	return mh_poll32(h, NPU_BAR_REGV, NPU_MMU_CR0ACK, UINT32_MAX, v, MH_REG_TIMEOUT_US);
}

static bool write_irq_ctrl(struct mh *h, uint32_t v)
{
	mh_wr32(h, NPU_BAR_REGV, NPU_MMU_IRQ_CTRL, v);
	return mh_poll32(h, NPU_BAR_REGV, NPU_MMU_IRQ_CTRLACK, UINT32_MAX, v, MH_REG_TIMEOUT_US);
}

int mh_mmu_cmd(struct mh *h, uint64_t d0, uint64_t d1)
{
	uint32_t cons = mh_rd32(h, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS) & MH_Q_WRAP_MASK;
	uint64_t slot = h->cmdq + MH_Q_IDX(h->cmdq_prod) * NPU_MMU_CMD_SIZE;

	if (MH_Q_IDX(h->cmdq_prod) == MH_Q_IDX(cons) &&
	    (h->cmdq_prod & MH_Q_ENTRIES) != (cons & MH_Q_ENTRIES))
		return -1;
	mh_w64(h, slot, d0);
	mh_w64(h, slot + 8, d1);
	h->cmdq_prod = (h->cmdq_prod + 1) & MH_Q_WRAP_MASK;
	return 0;
}

int mh_mmu_sync_cs(struct mh *h, unsigned cs)
{
	if (mh_mmu_cmd(h, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_SYNC) |
		       NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, cs), 0))
		return -1;
	mh_wr32(h, NPU_BAR_REGV, NPU_MMU_CMDQ_PROD, h->cmdq_prod);
	return mh_poll32(h, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS, MH_CMDQ_CONS_VAL, h->cmdq_prod,
			 MH_QUEUE_TIMEOUT_US) ? 0 : -1;
}

int mh_mmu_sync(struct mh *h)
{
	return mh_mmu_sync_cs(h, NPU_MMU_SYNC_CS_NONE);
}

static int queue_cfgi_all(struct mh *h)
{
	return mh_mmu_cmd(h, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_CFGI_ALL),
			  NPU_FLD_PREP(NPU_MMU_CMD_CFGI_1_RANGE, 0x1f));
}

static int queue_tlbi_nsnh_all(struct mh *h)
{
	return mh_mmu_cmd(h, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_TLBI_NSNH_ALL), 0);
}

int mh_mmu_cfgi_all(struct mh *h)
{
	return queue_cfgi_all(h) || mh_mmu_sync(h) ? -1 : 0;
}

int mh_mmu_tlbi_asid(struct mh *h, uint16_t asid)
{
	if (mh_mmu_cmd(h, NPU_FLD_PREP(NPU_MMU_CMD_OPCODE, NPU_MMU_CMD_TLBI_NH_ASID) |
		       NPU_FLD_PREP(NPU_MMU_CMD_TLBI_0_ASID, asid), 0))
		return -1;
	return mh_mmu_sync(h);
}

int mh_mmu_enable(struct mh *h)
{
	const unsigned v = NPU_BAR_REGV;
	uint32_t cr0;

	/* ivpu_mmu_reset */
	memset(mh_ram(h, h->cmdq, MH_Q_ENTRIES * NPU_MMU_CMD_SIZE), 0,
	       MH_Q_ENTRIES * NPU_MMU_CMD_SIZE);
	memset(mh_ram(h, h->evtq, MH_Q_ENTRIES * NPU_MMU_EVT_SIZE), 0,
	       MH_Q_ENTRIES * NPU_MMU_EVT_SIZE);
	h->cmdq_prod = 0;
	h->evtq_cons = 0;
	if (!write_cr0(h, 0))
		return -1;
	mh_wr32(h, v, NPU_MMU_CR1,
		(uint32_t)(NPU_FLD_PREP(NPU_MMU_CR1_TABLE_SH, MH_SH_ISH) |
			   NPU_FLD_PREP(NPU_MMU_CR1_TABLE_OC, MH_CACHE_WB) |
			   NPU_FLD_PREP(NPU_MMU_CR1_TABLE_IC, MH_CACHE_WB) |
			   NPU_FLD_PREP(NPU_MMU_CR1_QUEUE_SH, MH_SH_ISH) |
			   NPU_FLD_PREP(NPU_MMU_CR1_QUEUE_OC, MH_CACHE_WB) |
			   NPU_FLD_PREP(NPU_MMU_CR1_QUEUE_IC, MH_CACHE_WB)));
	mh_wr64(h, v, NPU_MMU_STRTAB_BASE,
		NPU_MMU_STRTAB_BASE_RA | (h->strtab & NPU_MMU_STRTAB_BASE_ADDR));
	mh_wr32(h, v, NPU_MMU_STRTAB_BASE_CFG, MH_STRTAB_LOG2);
	mh_wr64(h, v, NPU_MMU_CMDQ_BASE,
		NPU_MMU_Q_BASE_RWA | (h->cmdq & NPU_MMU_Q_BASE_ADDR) | MH_Q_LOG2);
	mh_wr32(h, v, NPU_MMU_CMDQ_PROD, 0);
	mh_wr32(h, v, NPU_MMU_CMDQ_CONS, 0);
	cr0 = NPU_MMU_CR0_CMDQEN;
	if (!write_cr0(h, cr0))
		return -2;
	if (queue_cfgi_all(h) || queue_tlbi_nsnh_all(h) || mh_mmu_sync(h))
		return -3;
	mh_wr64(h, v, NPU_MMU_EVTQ_BASE,
		NPU_MMU_Q_BASE_RWA | (h->evtq & NPU_MMU_Q_BASE_ADDR) | MH_Q_LOG2);
	mh_wr32(h, v, NPU_MMU_EVTQ_PROD_PAGE1, 0);
	mh_wr32(h, v, NPU_MMU_EVTQ_CONS_PAGE1, 0);
	cr0 |= NPU_MMU_CR0_EVTQEN;
	if (!write_cr0(h, cr0))
		return -4;
	cr0 |= NPU_MMU_CR0_ATSCHK;
	if (!write_cr0(h, cr0))
		return -5;
	if (!write_irq_ctrl(h, 0) ||
	    !write_irq_ctrl(h, NPU_MMU_IRQ_CTRL_EVTQ_EN | NPU_MMU_IRQ_CTRL_GERROR_EN))
		return -6;
	cr0 |= NPU_MMU_CR0_SMMUEN;
	if (!write_cr0(h, cr0))
		return -7;

	/* ivpu_mmu_enable, after the reset */
	if (queue_cfgi_all(h) || queue_tlbi_nsnh_all(h) || mh_mmu_sync(h))
		return -8;

	/* Before boot: the TBUs of SID 0 and SID 3 carry SSIDs (§3.3) */
	mh_wr32(h, v, NPU_HOST_IF_TBU_MMUSSIDV,
		mh_rd32(h, v, NPU_HOST_IF_TBU_MMUSSIDV) |
		NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_LRT) | NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_LRT) |
		NPU_TBU_AWMMUSSIDV(NPU_MMU_TBU_DMA) | NPU_TBU_ARMMUSSIDV(NPU_MMU_TBU_DMA));
	return 0;
}

int mh_mmu_ctx_create(struct mh *h, uint32_t ssid)
{
	if (ssid >= MH_MAX_SSID)
		return -1;
	if (!h->pgd[ssid])
		h->pgd[ssid] = mh_alloc(h, 4096, 4096);
	write_cd(h, ssid);
	return mh_mmu_cfgi_all(h);
}

uint64_t mh_pte_addr(struct mh *h, uint32_t ssid, uint64_t va)
{
	static const uint64_t index_masks[3] = {
		NPU_MMU_PGD_INDEX, NPU_MMU_PUD_INDEX, NPU_MMU_PMD_INDEX,
	};
	uint64_t table;

	if (ssid >= MH_MAX_SSID || !h->pgd[ssid]) {
		fprintf(stderr, "model_harness: SSID %u has no page tables\n", ssid);
		abort();
	}
	table = h->pgd[ssid];
	for (unsigned level = 0; level < 3; level++) {
		uint64_t entry = table + NPU_FLD_GET(index_masks[level], va) * 8;
		uint64_t desc = mh_r64(h, entry);

		if (!(desc & NPU_MMU_ENTRY_VALID)) {
			desc = mh_alloc(h, 4096, 4096) | NPU_MMU_ENTRY_VALID | NPU_MMU_ENTRY_TABLE;
			mh_w64(h, entry, desc);
		}
		table = desc & NPU_MMU_ENTRY_ADDR;
	}
	return table + NPU_FLD_GET(NPU_MMU_PTE_INDEX, va) * 8;
}

void mh_map(struct mh *h, uint32_t ssid, uint64_t va, uint64_t pa, uint64_t flags)
{
	mh_w64(h, mh_pte_addr(h, ssid, va), (pa & NPU_MMU_ENTRY_ADDR) | flags);
}

bool mh_mmu_pop_event(struct mh *h, uint32_t ev[8])
{
	uint32_t prod = mh_rd32(h, NPU_BAR_REGV, NPU_MMU_EVTQ_PROD_PAGE1) & MH_Q_WRAP_MASK;
	uint64_t rec = h->evtq + MH_Q_IDX(h->evtq_cons) * NPU_MMU_EVT_SIZE;

	if (prod == h->evtq_cons)
		return false;
	for (unsigned i = 0; i < 8; i++)
		ev[i] = mh_r32(h, rec + 4 * i);
	h->evtq_cons = (h->evtq_cons + 1) & MH_Q_WRAP_MASK;
	/* Keep OVACKFLG as it is: only acknowledging an overflow changes it. */
	mh_wr32(h, NPU_BAR_REGV, NPU_MMU_EVTQ_CONS_PAGE1,
		h->evtq_cons | (mh_rd32(h, NPU_BAR_REGV, NPU_MMU_EVTQ_CONS_PAGE1) & NPU_MMU_Q_OVFLG));
	return true;
}
