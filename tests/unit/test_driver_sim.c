/* SPDX-License-Identifier: MIT */
/*
 * End-to-end: the driver on the sim backend, i.e. the device model with the
 * simulated firmware (sim-firmware/, $NPU_FIRMWARE or the build's
 * vpu_37xx_v1.bin) or with tiny RV32 images built here:
 *   - boot -> ready -> heartbeat -> REGISTER_DB/UNREGISTER_DB -> shutdown,
 *     with zero guest errors and nothing left allocated;
 *   - warm boot after D0i3 (the firmware leaves save_restore_ret_address);
 *   - a firmware that never sends the ready message: timeout with the
 *     decoded dump, no hang;
 *   - a firmware that boots and then never answers, and the real firmware
 *     made deaf by dropping its IPC pushes: JSM timeout -> heartbeat timeout
 *     -> recovery (IP reset, cold boot);
 *   - a start outside the image (step API): MMU fault and trap in the dump;
 *   - backend options, the DMA limit, determinism.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "npu/npu.h"
#include "npu/bringup.h"
#include "sim.h"
#include "intel-npu/fw_header.h"
#include "intel-npu/lrt.h"

#ifndef NPU_TEST_FIRMWARE
#define NPU_TEST_FIRMWARE "build/firmware/vpu_37xx_v1.bin"
#endif

static struct npu_device *dev;
static char logbuf[1 << 16];
static size_t loglen;

static void capture(void *user, enum npu_log_level level, const char *line)
{
	size_t n = strlen(line);

	if (getenv("NPU_TEST_VERBOSE"))
		fprintf(stderr, "  [%d] %s\n", level, line);
	if (loglen + n + 2 >= sizeof(logbuf))
		loglen = 0;
	memcpy(logbuf + loglen, line, n);
	loglen += n;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

static const char *firmware(void)
{
	const char *env = getenv("NPU_FIRMWARE");

	return env && *env ? env : NPU_TEST_FIRMWARE;
}

static int open_sim(const char *fw, const char *args)
{
	struct npu_open_params p;

	npu_open_params_init(&p);
	p.backend = "sim";
	p.backend_args = args ? args : "";
	p.firmware_path = fw;
	p.log = capture;
	p.log_level = NPU_LOG_INFO;
	loglen = 0;
	logbuf[0] = '\0';
	return npu_open(&p, &dev);
}

static struct npu_sim_stats stats(void)
{
	struct npu_sim_stats st;

	npu_sim_get_stats(npu_device_os(dev), &st);
	return st;
}

/* Close and check the sim instance was left clean. */
static void close_clean(void)
{
	uint64_t live = 0, gerr = 0;

	npu_close(dev);
	dev = NULL;
	npu_sim_last_close(&live, &gerr);
	CU_ASSERT_EQUAL(live, 0);
	CU_ASSERT_EQUAL(gerr, 0);
	if (gerr)
		fprintf(stderr, "\n    guest errors; log:\n%s", logbuf);
}

static bool real_firmware_present(void)
{
	struct stat st;

	if (stat(firmware(), &st) == 0)
		return true;
	fprintf(stderr, "\n    firmware %s not found: build it (make $(FIRMWARE_BIN)) or set "
		"NPU_FIRMWARE\n", firmware());
	CU_FAIL("simulated firmware missing");
	return false;
}

/* ---- Tiny RV32 images ------------------------------------------------------------- */

enum { X0 = 0, T0 = 5, T1 = 6, T2 = 7, T3 = 28, T4 = 29, T5 = 30 };

static uint32_t lui(unsigned rd, uint32_t imm20) { return imm20 << 12 | rd << 7 | 0x37; }
static uint32_t addi(unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xFFF) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
static uint32_t lw(unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xFFF) << 20 | rs1 << 15 | 2u << 12 | rd << 7 | 0x03;
}
static uint32_t sw(unsigned rs2, unsigned rs1, int32_t imm)
{
	uint32_t i = (uint32_t)imm & 0xFFF;

	return (i >> 5) << 25 | rs2 << 20 | rs1 << 15 | 2u << 12 | (i & 0x1F) << 7 | 0x23;
}
#define WFI      0x10500073u
#define J_SELF   0x0000006Fu   /* jal x0, 0 */
#define J_BACK4  0xFFDFF06Fu   /* jal x0, -4 */

enum mini { MINI_SILENT, MINI_DEAF, MINI_HALT };

static char mini_path[3][64];

static void mini_cleanup(void)
{
	for (int i = 0; i < 3; i++)
		if (mini_path[i][0])
			remove(mini_path[i]);
}

/* A firmware file whose image holds code for `kind` (written once). */
static const char *mini_firmware(enum mini kind)
{
	char (*path)[64] = mini_path;
	uint32_t code[32];
	unsigned n = 0;
	struct npu_fw_header *h;
	uint8_t *file;
	size_t size = NPU_FW_IMAGE_OFFSET + 0x1000;
	FILE *fp;
	int fd;

	switch (kind) {
	case MINI_SILENT:            /* never says anything */
		code[n++] = WFI;
		code[n++] = J_BACK4;
		break;
	case MINI_DEAF:              /* sends "BOOT", then ignores every request */
		code[n++] = lui(T0, 0x84800);               /* boot params */
		code[n++] = lw(T1, T0, 0x100);              /* ipc_header_area_start */
		code[n++] = lui(T2, 0x424F5);
		code[n++] = addi(T2, T2, -0xAC);            /* "BOOT" = 0x424F4F54 */
		code[n++] = sw(T2, T1, 0);                  /* data_addr */
		code[n++] = sw(X0, T1, 4);                  /* data_size */
		code[n++] = lui(T3, 0x10);
		code[n++] = addi(T3, T3, 0x3FF);            /* channel 0x3FF, src node 1 */
		code[n++] = sw(T3, T1, 8);
		code[n++] = addi(T4, X0, 1);
		code[n++] = sw(T4, T1, 12);                 /* status ALLOCATED */
		code[n++] = lui(T5, NPU_LRT_PERIPH_BASE >> 12);
		code[n++] = sw(T1, T5, NPU_LRT_OUTBOX_DATA); /* push the header VA */
		code[n++] = WFI;
		code[n++] = J_BACK4;
		break;
	case MINI_HALT:              /* stops with halt code 0x42 */
		code[n++] = lui(T5, NPU_LRT_PERIPH_BASE >> 12);
		code[n++] = addi(T4, X0, 0x42);
		code[n++] = sw(T4, T5, NPU_LRT_HALT);
		code[n++] = J_SELF;
		break;
	}
	if (path[kind][0])
		return path[kind];
	if (!path[0][0] && !path[1][0] && !path[2][0])
		atexit(mini_cleanup);
	file = calloc(1, size);
	h = (struct npu_fw_header *)file;
	h->header_version = NPU_FW_HEADER_VERSION;
	h->image_format = NPU_FW_IMAGE_FORMAT_RV32;
	h->image_load_address = 0x84802000;
	h->image_size = 0x1000;
	h->entry_point = 0x84802000;
	h->boot_params_load_address = 0x84800000;
	h->runtime_size = 1u << 20;
	h->api_version[NPU_FW_API_BOOT] = NPU_API_VERSION(3, 26);
	h->api_version[NPU_FW_API_JSM] = NPU_API_VERSION(3, 25);
	snprintf((char *)file + NPU_FW_VERSION_OFFSET, 64, "mini-%d", kind);
	memcpy(file + NPU_FW_IMAGE_OFFSET, code, n * 4);
	snprintf(path[kind], sizeof(path[kind]), "/tmp/npu-mini-fw-XXXXXX");
	fd = mkstemp(path[kind]);
	fp = fdopen(fd, "wb");
	fwrite(file, 1, size, fp);
	fclose(fp);
	free(file);
	return path[kind];
}

/* ---- Tests ---------------------------------------------------------------------------- */

static void test_boot_heartbeat_doorbell_shutdown(void)
{
	struct npu_info info;
	struct npu_sim_stats st;
	uint64_t hb1 = 0, hb2 = 0;
	uint32_t ssid, db;

	if (!real_firmware_present())
		return;
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), NULL), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	CU_ASSERT_TRUE(info.boot_time_ns > 0 && info.boot_time_ns < 1000000000ull);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb1), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb2), 0);
	CU_ASSERT_TRUE(hb2 > hb1);
	CU_ASSERT_EQUAL_FATAL(npu_context_create(dev, &ssid), 0);
	CU_ASSERT_EQUAL_FATAL(npu_doorbell_register(dev, ssid, &db), 0);
	CU_ASSERT_EQUAL(npu_doorbell_ring(dev, db), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb1), 0);
	CU_ASSERT_EQUAL(npu_doorbell_unregister(dev, db), 0);
	CU_ASSERT_EQUAL(npu_context_destroy(dev, ssid), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_TRUE(info.irqs > 0);
	CU_ASSERT_EQUAL(info.irq_poll_fallbacks, 0);
	CU_ASSERT_EQUAL(info.ipc_rx_malformed, 0);
	CU_ASSERT_EQUAL(info.n_errors, 0);
	st = stats();
	CU_ASSERT_EQUAL(st.guest_errors, 0);
	CU_ASSERT_EQUAL(st.bar_errors, 0);
	CU_ASSERT_EQUAL(st.model_dma_errors, 0);
	CU_ASSERT_EQUAL(st.model_mmu_faults, 0);
	CU_ASSERT_TRUE(st.msis > 0);
	CU_ASSERT_TRUE(st.lrt_instructions > 0);
	close_clean();
}

static void test_warm_boot(void)
{
	struct npu_info info;
	uint64_t hb;

	if (!real_firmware_present())
		return;
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), NULL), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(npu_suspend(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_SUSPENDED);
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_TRUE(info.warm_boot);
	CU_ASSERT_EQUAL(info.warm_boots, 1);
	CU_ASSERT_NOT_EQUAL(info.last_entry, info.fw_entry);    /* resumed at the saved address */
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(stats().guest_errors, 0);
	close_clean();
}

static void test_firmware_never_ready(void)
{
	struct npu_info info;

	CU_ASSERT_EQUAL_FATAL(open_sim(mini_firmware(MINI_SILENT), NULL), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "did not send the ready message within 1000 ms") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev),
			      "control core: waiting for an interrupt (WFI), PC 0x8480200") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "MMU event queue: empty") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "no valid log buffer header") != NULL);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_FAILED);
	CU_ASSERT_TRUE(stats().virtual_ns < 2000000000ull);     /* bounded: no hang */
	CU_ASSERT_EQUAL(stats().dma_bytes, 0);                   /* all freed again */
	close_clean();
}

static void test_firmware_halts(void)
{
	CU_ASSERT_EQUAL_FATAL(open_sim(mini_firmware(MINI_HALT), NULL), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "control core: error mode (stopped by an unhandled trap or an error halt)") != NULL ||
		       strstr(npu_last_diagnosis(dev), "control core: halted by the firmware") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "firmware halt code: 0x42 (unknown halt code)") != NULL);
	close_clean();
}

static void test_deaf_firmware_recovers(void)
{
	struct npu_info info;
	struct npu_sim_stats before, after;
	uint64_t hb;

	CU_ASSERT_EQUAL_FATAL(open_sim(mini_firmware(MINI_DEAF), NULL), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	before = stats();
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), -ETIMEDOUT);
	after = stats();
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "heartbeat query also timed out") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "recovered (reset #1): firmware ready again") != NULL);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_EQUAL(info.boots, 2);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	CU_ASSERT_TRUE(after.model_ip_resets > before.model_ip_resets);
	/* 500 ms request + 500 ms heartbeat + 100 ms state dump + the cold boot */
	CU_ASSERT_TRUE(after.virtual_ns - before.virtual_ns >= 1100000000ull);
	close_clean();
}

static void test_real_firmware_made_deaf_recovers(void)
{
	struct npu_info info;
	uint64_t hb;

	if (!real_firmware_present())
		return;
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), NULL), 0);
	CU_ASSERT_EQUAL_FATAL(npu_boot(dev), 0);
	npu_sim_drop_ipc_tx(npu_device_os(dev), 2);   /* the request and the heartbeat query */
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), -ETIMEDOUT);
	CU_ASSERT_EQUAL(stats().ipc_tx_dropped, 2);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.recoveries, 1);
	CU_ASSERT_EQUAL(info.power, NPU_POWER_READY);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb), 0);
	CU_ASSERT_EQUAL(stats().guest_errors, 0);
	close_clean();
}

static void test_start_outside_image(void)
{
	if (!real_firmware_present())
		return;
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), NULL), 0);
	CU_ASSERT_EQUAL(npu_step_fw_request(dev), 0);
	CU_ASSERT_EQUAL(npu_step_pci_enable(dev), 0);
	CU_ASSERT_EQUAL(npu_step_hw_info(dev), 0);
	CU_ASSERT_EQUAL(npu_step_power_up(dev), 0);
	CU_ASSERT_EQUAL(npu_step_mmu_init(dev), 0);
	CU_ASSERT_EQUAL(npu_step_fw_load(dev), 0);
	CU_ASSERT_EQUAL(npu_step_ipc_init(dev), 0);
	CU_ASSERT_EQUAL(npu_step_boot_params(dev), 0);
	CU_ASSERT_EQUAL(npu_step_cpu_start(dev, 0x90000000), 0);   /* not mapped */
	CU_ASSERT_EQUAL(npu_step_wait_ready(dev), -ETIMEDOUT);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "MMU event F_TRANSLATION (0x10): SSID 0 "
			      "SID 0 input address 0x90000000") != NULL);
	CU_ASSERT_TRUE(strstr(npu_last_diagnosis(dev), "last trap: exception 1 (instruction access "
			      "fault)") != NULL);
	if (!strstr(npu_last_diagnosis(dev), "instruction access fault"))
		fprintf(stderr, "\n%s", npu_last_diagnosis(dev));
	CU_ASSERT_EQUAL(npu_step_power_down(dev), 0);
	npu_close(dev);
	dev = NULL;
}

static void test_backend_options(void)
{
	struct npu_info info;

	CU_ASSERT_EQUAL(open_sim(mini_firmware(MINI_SILENT), "bogus=1"), -EINVAL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "unknown option \"bogus\"") != NULL);
	npu_close(dev);
	CU_ASSERT_EQUAL(open_sim(mini_firmware(MINI_SILENT), "ipus=fast"), -EINVAL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "bad option \"ipus=fast\"") != NULL);
	npu_close(dev);
	CU_ASSERT_EQUAL(open_sim(mini_firmware(MINI_SILENT), "device-id=0x1234"), -EINVAL);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "device-id must be 0x7D1D") != NULL);
	npu_close(dev);
	dev = NULL;
	if (!real_firmware_present())
		return;
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), "device-id=0xad1d,ipus=50"), 0);
	npu_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.device, 0xAD1D);
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	close_clean();
	/* not enough DMA memory for the runtime region: specific error, device in reset */
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), "mem-limit=256K"), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), -ENOMEM);
	CU_ASSERT_TRUE(strstr(npu_last_error(dev), "mem-limit") != NULL);
	CU_ASSERT_EQUAL(stats().dma_bytes, 0);
	close_clean();
}

static void test_deterministic(void)
{
	struct npu_info a, b;
	uint64_t hb_a, hb_b;

	if (!real_firmware_present())
		return;
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), NULL), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb_a), 0);
	npu_get_info(dev, &a);
	close_clean();
	CU_ASSERT_EQUAL_FATAL(open_sim(firmware(), NULL), 0);
	CU_ASSERT_EQUAL(npu_boot(dev), 0);
	CU_ASSERT_EQUAL(npu_heartbeat(dev, &hb_b), 0);
	npu_get_info(dev, &b);
	close_clean();
	CU_ASSERT_EQUAL(a.boot_time_ns, b.boot_time_ns);
	CU_ASSERT_EQUAL(hb_a, hb_b);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("driver_sim", NULL, NULL);
	CU_add_test(s, "boot, heartbeat, doorbell, shutdown", test_boot_heartbeat_doorbell_shutdown);
	CU_add_test(s, "warm boot after D0i3", test_warm_boot);
	CU_add_test(s, "firmware never ready: timeout and dump", test_firmware_never_ready);
	CU_add_test(s, "firmware halts with a code", test_firmware_halts);
	CU_add_test(s, "deaf firmware: JSM timeout -> recovery", test_deaf_firmware_recovers);
	CU_add_test(s, "dropped IPC: recovery of the real firmware", test_real_firmware_made_deaf_recovers);
	CU_add_test(s, "start outside the image (step API)", test_start_outside_image);
	CU_add_test(s, "backend options and DMA limit", test_backend_options);
	CU_add_test(s, "deterministic", test_deterministic);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
