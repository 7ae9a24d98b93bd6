/* SPDX-License-Identifier: MIT */
/*
 * Boot, cold and warm. Once the ready message is out, the scheduler
 * (sched.c) runs the firmware for the rest of the boot.
 *
 * Cold boot (hw-facts §3.3-§3.4, §4.4): the host has zeroed the runtime
 * region up to the image, copied the image, written the boot params at the
 * start of the runtime region, enabled the MMU and written LOADING_ADDRESS
 * with our entry. start.S set sp (TCM), mtvec and zeroed .bss. We check the
 * boot params, start the watchdog, set up the logs, check the IPC areas and
 * send the ready message: an RX header on channel 0x3FF with data_addr
 * "BOOT". ivpu polls for it for 1 s (boot timeout).
 *
 * Warm boot (ivpu_pm.c): after D0I3_ENTER we left our warm entry in
 * save_restore_ret_address; the host powered the NPU off (TCM and LRT state
 * gone, DRAM kept), zeroed save_restore_ret_address, updated the D0i3 time
 * fields and started us there. .bss is intact: doorbells, logs and queues
 * carry on. We re-initialise the core-side hardware and send BOOT again.
 */
#include "fw.h"

struct fw_state fw;
struct fw_rt rt FW_TCM;

extern struct npu_boot_params __fw_boot_params;   /* fw.ld: runtime region start */

/* ---- Boot parameters -------------------------------------------------------------------- */

static bool boot_params_ok(void)
{
	uint32_t magic = bp_rd32(BP_OFF(magic));
	char msg[128];

	if (magic == NPU_BOOT_PARAMS_MAGIC)
		return true;
	/* The log buffers come from the same page: don't trust them. */
	fw_snprintf(msg, sizeof(msg), "FATAL: boot params at 0x%lx: magic 0x%lx, expected 0x%lx; "
		    "halting (code 0x%lx)\n", fw.bp_va, magic, (uint32_t)NPU_BOOT_PARAMS_MAGIC,
		    (uint32_t)NPU_LRT_HALT_BAD_BOOT_PARAMS);
	log_console_puts(msg);
	return false;
}

static int area(struct fw_region *r, uint32_t start_off, uint32_t size_off, uint32_t slot,
		const char *what)
{
	uint64_t start = bp_rd64(start_off);
	uint32_t size = bp_rd32(size_off);

	r->base = (uint32_t)start;
	r->size = size;
	if (size >= slot && !(start & 63) && !(size & 63) && fw_region_has(&fw.shared, start, size))
		return 0;
	LOG_ERR("boot: IPC %s area 0x%llx size 0x%lx is unusable: it must be 64-byte aligned, "
		"hold at least one %lu-byte slot and lie inside the shared region [0x%lx, 0x%lx)",
		what, (unsigned long long)start, size, slot, fw.shared.base,
		fw.shared.base + fw.shared.size);
	return -1;
}

/* The shared region (§4.4): every host address we accept later must lie in
 * it. The core is 32-bit, so it must also lie below 4 GiB. */
static int read_shared(void)
{
	uint64_t base = bp_rd64(BP_OFF(shared_region_base));
	uint32_t size = bp_rd32(BP_OFF(shared_region_size));

	fw.shared.base = (uint32_t)base;
	fw.shared.size = size;
	if (size && base <= UINT32_MAX && base + size <= (1ull << 32))
		return 0;
	fw.shared.size = 0;
	LOG_ERR("boot: shared region 0x%llx size 0x%lx is empty or not inside the core's 4 GiB "
		"address space", (unsigned long long)base, size);
	return -1;
}

/* The two RX areas the host reads our messages from. */
static int read_ipc_areas(void)
{
	if (area(&fw.ipc_hdr, BP_OFF(ipc_header_area_start), BP_OFF(ipc_header_area_size),
		 sizeof(struct npu_ipc_hdr), "header") ||
	    area(&fw.ipc_payload, BP_OFF(ipc_payload_area_start), BP_OFF(ipc_payload_area_size),
		 sizeof(struct npu_jsm_msg), "payload"))
		return -1;
	if (fw.ipc_hdr.base < fw.ipc_payload.base + fw.ipc_payload.size &&
	    fw.ipc_payload.base < fw.ipc_hdr.base + fw.ipc_hdr.size) {
		LOG_ERR("boot: IPC header area [0x%lx, +0x%lx) overlaps the payload area "
			"[0x%lx, +0x%lx)", fw.ipc_hdr.base, fw.ipc_hdr.size, fw.ipc_payload.base,
			fw.ipc_payload.size);
		return -1;
	}
	return 0;
}

int boot_read_regions(void)
{
	return read_shared() || read_ipc_areas() ? -1 : 0;
}

void boot_read_log_config(void)
{
	log_set_config(bp_rd32(BP_OFF(default_trace_level)),
		       bp_rd32(BP_OFF(trace_destination_mask)),
		       bp_rd64(BP_OFF(trace_hw_component_mask)));
	log_buf_init(&fw_log.crit, (uint32_t)bp_rd64(BP_OFF(crit_tracing_buff_addr)),
		     bp_rd32(BP_OFF(crit_tracing_buff_size)), "critical");
	log_buf_init(&fw_log.verbose, (uint32_t)bp_rd64(BP_OFF(verbose_tracing_buff_addr)),
		     bp_rd32(BP_OFF(verbose_tracing_buff_size)), "verbose");
}

/* Everything after the checks common to both boots: interrupts, timers, the
 * ready message. Interrupts stay off in mstatus: they only end WFI. */
static __attribute__((noreturn)) void boot_finish(bool warm, uint64_t t0, uint32_t i0,
						  uint64_t residency_us)
{
	uint32_t us, insns;

	rt.intc_enable = NPU_LRT_IRQ_INBOX | NPU_LRT_IRQ_DOORBELL;
	plat_wr(NPU_LRT_INTC_ENABLE, rt.intc_enable);
	csr_write(mie, MIE_MEIE | MIE_MTIE);
	fw_timers_start();
	ipc_send(NPU_IPC_CHAN_BOOT_MSG, NULL);
	/* logging costs ~3000 instructions a line: only once the host has BOOT */
	us = (uint32_t)PLAT_TICKS_TO_US(plat_mtime() - t0);
	insns = plat_instret() - i0;
	LOG_INFO("boot: %s boot ready in %lu us, %lu instructions (%s scheduling, trace level %lu)",
		 warm ? "warm" : "cold", us, insns,
		 fw.sched_mode == NPU_SCHEDULING_MODE_HW ? "HW" : "OS", fw_log.level);
	if (warm) {
		LOG_INFO("boot: warm boot #%lu after %llu us in D0i3", fw.warm_boots,
			 (unsigned long long)residency_us);
		job_kick_all();                    /* queues kept their positions (§14.10) */
	}
	sched_run();
}

static __attribute__((noreturn)) void halt_bad_ipc(void)
{
	fw_logf(NPU_LOG_LEVEL_FATAL, "FATAL: boot: no usable IPC areas in the boot params; "
		"halting (code 0x%lx)", (uint32_t)NPU_LRT_HALT_BAD_IPC_AREAS);
	fw_halt(NPU_LRT_HALT_BAD_IPC_AREAS);
}

static void start_common(void)
{
	/* TCM state is per boot. The deferred-send slots are only read after
	 * being written, so 3 KiB of them need no clearing. */
	memset(&rt, 0, offsetof(struct fw_rt, defer));
	rt.timer_at = UINT64_MAX;
	plat_wr(NPU_LRT_CTX_SSID, 0);          /* mirrored in rt.ctx_ssid (ctx.c) */
	fw.bp_va = (uint32_t)(uintptr_t)&__fw_boot_params;
	if (!boot_params_ok())
		fw_halt(NPU_LRT_HALT_BAD_BOOT_PARAMS);
	/* From here a hang or a halt ends in the watchdog interrupt (README). */
	fw_timers_start();
}

__attribute__((noreturn)) void fw_cold_main(void)
{
	uint64_t t0 = plat_mtime();
	uint32_t i0 = plat_instret();
	uint32_t mode;

	start_common();
	fw.magic = FW_STATE_MAGIC;
	fw.cold_boots++;
	fw.time_offset = 0;
	/* The log buffers must lie in the shared region; once they work, the
	 * reason for any halt below reaches the host's fw_log too. */
	if (read_shared() == 0)
		boot_read_log_config();
	if (!fw.shared.size || read_ipc_areas())
		halt_bad_ipc();
	mode = bp_rd32(BP_OFF(vpu_scheduling_mode));
	if (mode > NPU_SCHEDULING_MODE_HW) {
		LOG_WARN("boot: vpu_scheduling_mode %lu unknown; using OS scheduling", mode);
		mode = NPU_SCHEDULING_MODE_OS;
	}
	fw.sched_mode = mode;
	boot_finish(false, t0, i0, 0);
}

__attribute__((noreturn)) void fw_warm_main(void)
{
	uint64_t t0 = plat_mtime();
	uint32_t i0 = plat_instret();
	uint64_t entry_ts, residency_us, base;

	if (fw.magic != FW_STATE_MAGIC) {
		/* .bss was never set up (or the image was reloaded): nothing to resume */
		log_console_puts("FATAL: warm entry without state from a cold boot; halting\n");
		fw_halt(NPU_LRT_HALT_BAD_WARM_BOOT);
	}
	start_common();
	fw.warm_boots++;
	/* mtime restarted at 0 with the IP reset. Continue the clock from where
	 * the host saw it at D0i3 entry plus the time spent powered off, never
	 * below what we reported before (heartbeats must not go backwards). */
	entry_ts = bp_rd64(BP_OFF(d0i3_entry_vpu_ts));
	residency_us = bp_rd64(BP_OFF(d0i3_residency_time_us));
	base = fw.time_offset + entry_ts + PLAT_US_TO_TICKS(residency_us);
	fw.time_offset = base > fw.last_time ? base : fw.last_time;
	if (boot_read_regions())
		halt_bad_ipc();
	boot_finish(true, t0, i0, residency_us);
}
