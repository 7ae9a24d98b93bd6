/* SPDX-License-Identifier: MIT */
/*
 * Boot parameters (the first 4 KiB of the firmware runtime region) and the
 * firmware log ("tracing buffer") header. hw-facts §4.4, hw-facts §8;
 * layout of BOOT API 3.26 as used by Linux 6.12.
 */
#ifndef INTEL_NPU_BOOT_PARAMS_H
#define INTEL_NPU_BOOT_PARAMS_H

#include <stdint.h>
#include "bits.h"

#define NPU_BOOT_PARAMS_MAGIC        0x10000u
#define NPU_BOOT_TYPE_COLD           0u
#define NPU_BOOT_TYPE_WARM           1u
#define NPU_SCHEDULING_MODE_OS       0u
#define NPU_SCHEDULING_MODE_HW       1u
#define NPU_BOOT_L2_CACHE_CFG_UPA    0
#define NPU_BOOT_L2_CACHE_CFG_NN     1
#define NPU_BOOT_L2_CACHE_CFG_NUM    2
#define NPU_TRACE_DESTINATION_PIPEPRINT   0x1u
#define NPU_TRACE_DESTINATION_VERBOSE     0x2u /* what ivpu requests (§4.4) */
#define NPU_TRACE_DESTINATION_NORTH_PEAK  0x4u
#define NPU_TRACING_FORMAT_STRING    0
#define NPU_WATCHDOG_IRQ_MSS         32 /* -> ICB CPU_INT_REDIRECT_0 */
#define NPU_WATCHDOG_IRQ_NCE         33 /* -> ICB CPU_INT_REDIRECT_1 */

/* Two bytes: pack(4) in vpu_boot_api.h never raises alignment, so the
 * array cache_defaults[2] takes 4 bytes (0x134..0x137). */
struct __attribute__((packed)) npu_boot_l2_cache_config {
	uint8_t use;
	uint8_t cfg;
};

struct __attribute__((packed, aligned(4))) npu_boot_params {
	uint32_t magic;                       /* 0x000 */
	uint32_t vpu_id;
	uint32_t vpu_count;
	uint32_t pad0[5];
	uint32_t frequency;                   /* 0x020 */
	uint32_t pll[3][4];
	uint32_t perf_clk_frequency;          /* 0x054 */
	uint32_t pad1[42];
	uint64_t ipc_header_area_start;       /* 0x100 */
	uint32_t ipc_header_area_size;
	uint64_t shared_region_base;          /* 0x10C */
	uint32_t shared_region_size;
	uint64_t ipc_payload_area_start;      /* 0x118 */
	uint32_t ipc_payload_area_size;
	uint64_t global_aliased_pio_base;     /* 0x124 */
	uint32_t global_aliased_pio_size;
	uint32_t autoconfig;                  /* 0x130 */
	struct npu_boot_l2_cache_config cache_defaults[NPU_BOOT_L2_CACHE_CFG_NUM];
	uint64_t global_memory_allocator_base; /* 0x138 */
	uint32_t global_memory_allocator_size;
	uint64_t shave_nn_fw_base;            /* 0x144 */
	uint64_t save_restore_ret_address;    /* 0x14C: written by the firmware */
	uint32_t pad2[43];
	int32_t  watchdog_irq_mss;            /* 0x200 */
	int32_t  watchdog_irq_nce;
	uint32_t host_to_vpu_irq;
	uint32_t job_done_irq;
	uint32_t mmu_update_request_irq;
	uint32_t mmu_update_done_irq;
	uint32_t set_power_level_irq;
	uint32_t set_power_level_done_irq;
	uint32_t set_vpu_idle_update_irq;
	uint32_t metric_query_event_irq;
	uint32_t metric_query_event_done_irq;
	uint32_t preemption_done_irq;
	uint32_t pad3[52];
	uint32_t host_version_id;             /* 0x300 */
	uint32_t si_stepping;
	uint64_t device_id;
	uint64_t feature_exclusion;
	uint64_t sku;
	uint32_t min_freq_pll_ratio;          /* 0x320 */
	uint32_t max_freq_pll_ratio;
	uint32_t default_trace_level;
	uint32_t boot_type;
	uint64_t punit_telemetry_sram_base;   /* 0x330 */
	uint64_t punit_telemetry_sram_size;
	uint32_t vpu_telemetry_enable;        /* 0x340 */
	uint64_t crit_tracing_buff_addr;
	uint32_t crit_tracing_buff_size;
	uint64_t verbose_tracing_buff_addr;   /* 0x350 */
	uint32_t verbose_tracing_buff_size;
	uint64_t verbose_tracing_sw_component_mask;
	uint32_t trace_destination_mask;      /* 0x364 */
	uint64_t trace_hw_component_mask;
	uint64_t tracing_buff_message_format_mask; /* 0x370 */
	uint64_t trace_reserved_1[2];
	uint32_t temp_sensor_period_ms;       /* 0x388 */
	uint32_t pn_freq_pll_ratio;
	uint32_t dvfs_mode;                   /* 0x390 */
	uint64_t dvfs_param;
	uint32_t d0i3_delayed_entry;          /* 0x39C */
	uint64_t d0i3_residency_time_us;      /* 0x3A0 */
	uint64_t d0i3_entry_vpu_ts;
	uint64_t system_time_us;              /* 0x3B0 */
	uint32_t pad4[2];
	uint64_t device_time_delta_ticks;     /* 0x3C0 */
	uint32_t pad7[14];
	uint32_t warm_boot_sections_count;    /* 0x400 */
	uint32_t warm_boot_start_address_reference;
	uint32_t warm_boot_section_info_address_offset;
	uint32_t pad5[25];
	uint32_t vpu_scheduling_mode;         /* 0x470 */
	uint32_t vpu_focus_present_timer_ms;
	uint32_t vpu_uses_ecc_mca_signal;
	uint32_t power_profile;
	uint32_t dct_active_us;               /* 0x480 */
	uint32_t dct_inactive_us;
	uint32_t pad6[734];
};
NPU_ABI_CHECK_SIZE(struct npu_boot_params, 4096);
NPU_ABI_CHECK_OFF(struct npu_boot_params, perf_clk_frequency, 0x054);
NPU_ABI_CHECK_OFF(struct npu_boot_params, ipc_header_area_start, 0x100);
NPU_ABI_CHECK_OFF(struct npu_boot_params, shared_region_base, 0x10C);
NPU_ABI_CHECK_OFF(struct npu_boot_params, ipc_payload_area_start, 0x118);
NPU_ABI_CHECK_OFF(struct npu_boot_params, global_aliased_pio_base, 0x124);
NPU_ABI_CHECK_OFF(struct npu_boot_params, cache_defaults, 0x134);
NPU_ABI_CHECK_OFF(struct npu_boot_params, shave_nn_fw_base, 0x144);
NPU_ABI_CHECK_OFF(struct npu_boot_params, save_restore_ret_address, 0x14C);
NPU_ABI_CHECK_OFF(struct npu_boot_params, watchdog_irq_mss, 0x200);
NPU_ABI_CHECK_OFF(struct npu_boot_params, host_version_id, 0x300);
NPU_ABI_CHECK_OFF(struct npu_boot_params, sku, 0x318);
NPU_ABI_CHECK_OFF(struct npu_boot_params, boot_type, 0x32C);
NPU_ABI_CHECK_OFF(struct npu_boot_params, vpu_telemetry_enable, 0x340);
NPU_ABI_CHECK_OFF(struct npu_boot_params, crit_tracing_buff_addr, 0x344);
NPU_ABI_CHECK_OFF(struct npu_boot_params, verbose_tracing_buff_addr, 0x350);
NPU_ABI_CHECK_OFF(struct npu_boot_params, trace_destination_mask, 0x364);
NPU_ABI_CHECK_OFF(struct npu_boot_params, tracing_buff_message_format_mask, 0x370);
NPU_ABI_CHECK_OFF(struct npu_boot_params, pn_freq_pll_ratio, 0x38C);
NPU_ABI_CHECK_OFF(struct npu_boot_params, d0i3_delayed_entry, 0x39C);
NPU_ABI_CHECK_OFF(struct npu_boot_params, system_time_us, 0x3B0);
NPU_ABI_CHECK_OFF(struct npu_boot_params, device_time_delta_ticks, 0x3C0);
NPU_ABI_CHECK_OFF(struct npu_boot_params, warm_boot_sections_count, 0x400);
NPU_ABI_CHECK_OFF(struct npu_boot_params, vpu_scheduling_mode, 0x470);
NPU_ABI_CHECK_OFF(struct npu_boot_params, dct_inactive_us, 0x484);

/* ---- Firmware log buffer header, 128 bytes (hw-facts §8) ---------------- */
#define NPU_TRACING_BUFFER_CANARY    0xCAFECAFEu
#define NPU_TRACING_HEADER_SIZE      128u
#define NPU_TRACING_HEADER_VERSION   1u
#define NPU_TRACING_FORMAT_NUL_STRINGS 0u
#define NPU_LOG_LEVEL_DEBUG          1u
#define NPU_LOG_LEVEL_INFO           2u
#define NPU_LOG_LEVEL_WARN           3u
#define NPU_LOG_LEVEL_ERROR          4u
#define NPU_LOG_LEVEL_FATAL          5u

struct __attribute__((packed, aligned(4))) npu_tracing_buffer_header {
	uint32_t host_canary_start;  /* host-owned cache line */
	uint32_t read_index;
	uint32_t read_wrap_count;
	uint32_t pad_to_cache_line_size_0[13];
	uint32_t vpu_canary_start;   /* firmware-owned cache line */
	uint32_t write_index;        /* bytes into the data area */
	uint32_t wrap_count;
	uint32_t reserved_0;
	uint32_t size;               /* header + data */
	uint16_t header_version;
	uint16_t header_size;
	uint32_t format;
	uint32_t alignment;
	char     name[16];
	uint32_t pad_to_cache_line_size_1[4];
};
NPU_ABI_CHECK_SIZE(struct npu_tracing_buffer_header, 128);
NPU_ABI_CHECK_OFF(struct npu_tracing_buffer_header, vpu_canary_start, 0x40);
NPU_ABI_CHECK_OFF(struct npu_tracing_buffer_header, size, 0x50);
NPU_ABI_CHECK_OFF(struct npu_tracing_buffer_header, header_size, 0x56);
NPU_ABI_CHECK_OFF(struct npu_tracing_buffer_header, name, 0x60);

#endif /* INTEL_NPU_BOOT_PARAMS_H */
