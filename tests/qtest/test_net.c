/* SPDX-License-Identifier: MIT */
/*
 * qtest: the worked network (npu-format/inference_net.h: conv -> relu ->
 * pool -> FC) in a real QEMU with -device intel-npu-mtl, through the
 * userspace driver's qtest backend: boot, a user context and doorbell,
 * the BOs written by the builder at their VAs, INFERENCE_EXECUTE
 * (hw-facts §16.1), the output compared with the reference byte for byte.
 *
 *   QTEST_QEMU_BINARY=build/qemu/qemu-system-x86_64 \
 *   NPU_FIRMWARE=build/firmware/vpu_37xx_v1.bin build/tests/qtest/test_net
 */
#include <stdio.h>
#include <stdlib.h>

#include "net_job.h"
#include "npu/npu.h"
#include "npu_test.h"

#ifndef NPU_TEST_FIRMWARE
#define NPU_TEST_FIRMWARE "build/firmware/vpu_37xx_v1.bin"
#endif

static const char *fw_path(void)
{
	const char *p = getenv("NPU_FIRMWARE");

	return p && *p ? p : NPU_TEST_FIRMWARE;
}

static void run_both(enum npu_sched_mode mode)
{
	struct npu_open_params p;
	struct npu_device *dev = NULL;
	char args[1024], why[256];
	uint32_t ssid, db, st;
	int r;

	snprintf(args, sizeof(args), "qemu=%s", qt_qemu_binary());
	npu_open_params_init(&p);
	p.backend = "qtest";
	p.backend_args = args;
	p.firmware_path = fw_path();
	p.sched_mode = mode;
	r = npu_open(&p, &dev);
	NT_CHECK_FATAL(r == 0, "npu_open(qtest) = %d: %s", r, dev ? npu_last_error(dev) : "no device");
	r = npu_boot(dev);
	NT_CHECK(r == 0, "npu_boot = %d: %s", r, npu_last_error(dev));
	if (r)
		goto out;
	r = npu_context_create(dev, &ssid);
	NT_CHECK(r == 0, "npu_context_create = %d: %s", r, npu_last_error(dev));
	if (r)
		goto out;
	r = npu_doorbell_register(dev, ssid, &db);
	NT_CHECK(r == 0, "npu_doorbell_register = %d: %s", r, npu_last_error(dev));
	if (r)
		goto out;
	r = npu_net_run(dev, ssid, db, NPU_NET_INT8, 1, &st, why, sizeof(why));
	NT_CHECK(r == 0, "int8 network: %s", why);
	r = npu_net_run(dev, ssid, db, NPU_NET_FP16, 1, &st, why, sizeof(why));
	NT_CHECK(r == 0, "fp16 network: %s", why);
	r = npu_net_run(dev, ssid, db, NPU_NET_INT8, 2, &st, why, sizeof(why));
	NT_CHECK(r == 0, "int8 network, seed 2: %s", why);
out:
	npu_close(dev);
}

static void test_net_os(void) { run_both(NPU_SCHED_OS); }
static void test_net_hws(void) { run_both(NPU_SCHED_HW); }

static const struct nt_case cases[] = {
	{ "network int8 and fp16, OS scheduling, exact", test_net_os },
	{ "network int8 and fp16, HW scheduling, exact", test_net_hws },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return nt_main("net", cases, argc, argv);
}
