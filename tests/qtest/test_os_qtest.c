/* SPDX-License-Identifier: MIT */
/*
 * qtest: the driver's qtest OS backend (driver/os/qtest.c) against the real
 * QEMU, through nothing but the npu_os_ops interface the driver core uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intel-npu/bits.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "npu/os.h"
#include "npu_test.h"

static const struct npu_os_ops *ops = &npu_os_qtest;

static struct npu_os *open_ok(const char *extra_args)
{
	struct npu_os *os = NULL;
	char args[512];
	int r;

	snprintf(args, sizeof(args), "qemu=%s%s", qt_qemu_binary(), extra_args ? extra_args : "");
	r = ops->open(&os, args);
	NT_CHECK_FATAL(r == 0 && os, "open(\"%s\") = %d: %s", args, r, ops->last_error(NULL));
	return os;
}

static void test_open_identity(void)
{
	struct npu_os *os = open_ok(NULL);
	struct npu_pci_id id;
	uint32_t v = 0;

	NT_EQ("pci_id", ops->pci_id(os, &id), 0);
	NT_EQ("vendor", id.vendor, NPU_PCI_VENDOR_INTEL);
	NT_EQ("device", id.device, NPU_PCI_DEVICE_MTL);
	NT_EQ("revision", id.revision, NPU_PCI_REVISION_MTL);
	NT_EQ("class code", id.class_code, 0x120000);
	NT_CHECK(strncmp(id.location, "qtest:00:", 9) == 0, "location '%s'", id.location);
	NT_EQ("cfg_read vendor/device", ops->cfg_read(os, 0, 4, &v), 0);
	NT_EQ("vendor/device dword", v, 0x7D1D8086);
	NT_EQ("cfg_read command", ops->cfg_read(os, 4, 2, &v), 0);
	NT_EQ("memory decode and bus mastering on after open", v & 0x6, 0x6);
	NT_EQ("cfg_read beyond 0xFF", ops->cfg_read(os, 0x100, 4, &v), -EINVAL);
	NT_CHECK(strstr(ops->last_error(os), "0x100") != NULL, "error: %s", ops->last_error(os));
	/* buttress is reachable at once; BAR0 is not while powered down */
	NT_CHECK(ops->read32(os, NPU_BAR_REGB, NPU_BTRS_FMIN_FUSE) != 0, "FMIN_FUSE reads 0");
	NT_EQ("BAR0 while powered down", ops->read32(os, NPU_BAR_REGV, NPU_HOST_SS_HW_VERSION),
	      UINT32_MAX);
	NT_EQ("read32 of BAR2 (does not exist)", ops->read32(os, 2, 0), UINT32_MAX);
	NT_CHECK(strstr(ops->last_error(os), "BAR2") != NULL, "error: %s", ops->last_error(os));
	ops->close(os);
}

static void test_open_arl(void)
{
	struct npu_os *os = open_ok(",device-id=0xad1d,mem=256M");
	struct npu_pci_id id;

	NT_EQ("pci_id", ops->pci_id(os, &id), 0);
	NT_EQ("device with device-id=0xad1d", id.device, NPU_PCI_DEVICE_ARL);
	ops->close(os);
}

static void expect_open_error(const char *args, int want, const char *needle)
{
	struct npu_os *os = (struct npu_os *)1;
	int r = ops->open(&os, args);

	NT_CHECK(r == want, "open(\"%s\") = %d, want %d (%s)", args, r, want, ops->last_error(NULL));
	NT_CHECK(os == NULL, "open(\"%s\") failed but returned a handle", args);
	NT_CHECK(strstr(ops->last_error(NULL), needle) != NULL,
		 "open(\"%s\") error does not mention '%s': %s", args, needle, ops->last_error(NULL));
}

/* The client's NPU set-up on a machine without the device: a specific
 * error instead of a crash (the backend reports this text). */
static void test_setup_without_device(void)
{
	struct qt_opts o = { 0 };
	struct qt_npu n;
	struct qt *q = NULL;
	char err[4096];

	NT_CHECK_FATAL(qt_start(&q, &o, err, sizeof(err)) == 0, "qt_start: %s", err);
	NT_EQ("qt_npu_setup without the device", qt_npu_setup(q, &n, 0), -ENODEV);
	NT_CHECK(strstr(qt_error(q), "no Intel NPU") != NULL, "error: %s", qt_error(q));
	qt_quit(q);
}

/* A QEMU that stops answering: the reply timeout names the command and
 * QEMU is killed, not left behind. */
static void test_client_timeout(void)
{
	struct qt_opts o = { .timeout_ms = 1500 };
	struct qt *q = NULL;
	char err[4096];
	int pid;

	NT_CHECK_FATAL(qt_start(&q, &o, err, sizeof(err)) == 0, "qt_start: %s", err);
	pid = qt_pid(q);
	kill(pid, SIGSTOP);
	NT_EQ("readl from a stopped QEMU", qt_readl(q, 0x1000), UINT32_MAX);
	NT_CHECK(qt_failed(q), "no error after a timeout");
	NT_CHECK(strstr(qt_error(q), "no reply within 1 s") && strstr(qt_error(q), "readl 0x1000"),
		 "timeout message: %s", qt_error(q));
	NT_CHECK(!qt_alive(q), "the stopped QEMU was not killed");
	NT_CHECK(kill(pid, 0) != 0, "QEMU pid %d still exists", pid);
	/* a failed handle stays failed and cheap */
	NT_EQ("readl after the failure", qt_readl(q, 0x1000), UINT32_MAX);
	qt_quit(q);
}

/* A QEMU that dies: the next call reports how, with QEMU's stderr tail. */
static void test_client_qemu_dies(void)
{
	struct qt_opts o = { 0 };
	struct qt *q = NULL;
	char err[4096];

	NT_CHECK_FATAL(qt_start(&q, &o, err, sizeof(err)) == 0, "qt_start: %s", err);
	kill(qt_pid(q), SIGKILL);
	qt_clock_step(q, 1000);
	NT_CHECK(strstr(qt_error(q), "killed by signal 9") && strstr(qt_error(q), "clock_step 1000"),
		 "death message: %s", qt_error(q));
	qt_quit(q);
	/* stderr is part of the message */
	o.args = "-device intel-npu-mtl,lrt-ipus=0";
	NT_CHECK(qt_start(&q, &o, err, sizeof(err)) != 0, "lrt-ipus=0 accepted");
	NT_CHECK(strstr(err, "exited with status 1") && strstr(err, "QEMU stdout/stderr") &&
		 strstr(err, "1..10000"), "start-up failure message: %s", err);
}

/* Bulk guest memory through the hex read/write fallback, odd sizes and
 * chunk boundaries included. */
static void test_client_hex_fallback(void)
{
	static const size_t sizes[] = { 1, 3, 4095, 32 * 1024 + 7, 100000 };
	struct qt_opts o = { 0 };
	struct qt *q = NULL;
	char err[4096];

	for (int mode = 0; mode < 2; mode++) {
		setenv("QTEST_NO_B64", mode ? "1" : "0", 1);
		NT_CHECK_FATAL(qt_start(&q, &o, err, sizeof(err)) == 0, "qt_start: %s", err);
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			size_t len = sizes[k];
			uint8_t *a = malloc(len), *b = malloc(len);

			for (size_t i = 0; i < len; i++)
				a[i] = (uint8_t)(i * 37 + k + mode);
			qt_memwrite(q, QT_ALLOC_BASE + 3 + k * 0x40000, a, len);
			qt_memread(q, QT_ALLOC_BASE + 3 + k * 0x40000, b, len);
			NT_CHECK(memcmp(a, b, len) == 0, "%s round trip of %zu bytes differs",
				 mode ? "hex" : "b64", len);
			free(a);
			free(b);
		}
		qt_memset(q, QT_ALLOC_BASE, 0xA5, 10);
		NT_EQ("memset", qt_readq(q, QT_ALLOC_BASE + 2), UINT64_C(0xA5A5A5A5A5A5A5A5));
		NT_CHECK(!qt_failed(q), "%s", qt_error(q));
		qt_quit(q);
	}
	unsetenv("QTEST_NO_B64");
}

/* Asynchronous "IRQ raise/lower" lines arrive between replies: intercept
 * the IOAPIC's inputs and let the PIT (programmed for ~1 ms, mode 2) tick. */
static void test_client_irq_intercept(void)
{
	struct qt_opts o = { 0 };
	struct qt *q = NULL;
	char err[4096];
	unsigned raises = 0;

	NT_CHECK_FATAL(qt_start(&q, &o, err, sizeof(err)) == 0, "qt_start: %s", err);
	qt_irq_intercept_in(q, "ioapic");
	qt_outb(q, 0x43, 0x34);      /* channel 0, lo/hi byte, mode 2 (rate generator) */
	qt_outb(q, 0x40, 0xA9);      /* 1193 ticks of 1.193182 MHz = 1 ms */
	qt_outb(q, 0x40, 0x04);
	qt_clock_step(q, 10000000);  /* 10 ms */
	for (unsigned i = 0; i < 24; i++)
		raises += qt_irq_raises(q, i);
	NT_CHECK(raises >= 5, "only %u IRQ raises seen in 10 ms of PIT ticks", raises);
	NT_CHECK(!qt_failed(q), "%s", qt_error(q));
	qt_quit(q);
}

static void test_open_errors(void)
{
	char args[512];

	expect_open_error("qemu=/nonexistent/qemu-system-x86_64", -ENOENT, "not found");
	{
		char path[] = "/tmp/npu-qtest-fakeqemu-XXXXXX";
		int fd = mkstemp(path);

		NT_CHECK_FATAL(fd >= 0, "mkstemp");
		NT_CHECK(write(fd, "garbage\n", 8) == 8, "write");
		close(fd);
		snprintf(args, sizeof(args), "qemu=%s", path);
		chmod(path, 0644);
		expect_open_error(args, -EACCES, "not an executable");
		chmod(path, 0755);
		expect_open_error(args, -ENOEXEC, "cannot execute");
		unlink(path);
	}
	snprintf(args, sizeof(args), "qemu=%s,bogus=1", qt_qemu_binary());
	expect_open_error(args, -EINVAL, "unknown qtest backend option 'bogus'");
	snprintf(args, sizeof(args), "qemu=%s,device-id=0x1234", qt_qemu_binary());
	expect_open_error(args, -EIO, "valid values are 0x7d1d");
	/* QEMU's own complaint reaches the caller */
	snprintf(args, sizeof(args), "qemu=%s,extra=-no-such-option", qt_qemu_binary());
	expect_open_error(args, -EIO, "invalid option");
	if (access("/usr/bin/qemu-system-x86_64", X_OK) == 0) {
		/* Debian's packaged QEMU lacks the qtest accelerator */
		expect_open_error("qemu=/usr/bin/qemu-system-x86_64", -EIO, "qtest accelerator");
	}
}

/* Power the NPU up through the backend (the workpoint and D0i3 handshakes
 * of hw-facts §3.1, polling with sleep_us as the driver core does). */
static bool power_up(struct npu_os *os)
{
	uint32_t fmin = ops->read32(os, NPU_BAR_REGB, NPU_BTRS_FMIN_FUSE);
	uint64_t t0 = ops->now_ns(os);

	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_VPU_D0I3_CONTROL, 0);
	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_WP_REQ_PAYLOAD0, 0x00230009);
	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_WP_REQ_PAYLOAD1,
		     (uint32_t)NPU_FLD_GET(NPU_BTRS_FMIN_FUSE_PN_RATIO, fmin) | 0x800000);
	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_WP_REQ_PAYLOAD2, NPU_WP_CONFIG_MTL_2_TILES_4_3);
	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_WP_REQ_CMD, NPU_BTRS_WP_REQ_CMD_SEND);
	for (int i = 0; i < 100; i++) {
		if (ops->read32(os, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) & NPU_BTRS_VPU_STATUS_READY)
			break;
		ops->sleep_us(os, 50);
	}
	NT_EQ("now_ns advanced in 50 us steps", (ops->now_ns(os) - t0) % 50000, 0);
	return NT_EQ("VPU_STATUS.READY", ops->read32(os, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS) &
		     NPU_BTRS_VPU_STATUS_READY, NPU_BTRS_VPU_STATUS_READY);
}

static void test_time(void)
{
	struct npu_os *os = open_ok(NULL);
	uint64_t t0 = ops->now_ns(os), c0, c1;

	ops->sleep_us(os, 5);
	NT_EQ("now_ns after sleep_us(5)", ops->now_ns(os) - t0, 5000);
	NT_CHECK(power_up(os), "power-up through the backend");
	/* the device sees the same clock: 38.4 MHz perf counter */
	c0 = ops->read64(os, NPU_BAR_REGV, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	t0 = ops->now_ns(os);
	ops->sleep_us(os, 1000000);
	c1 = ops->read64(os, NPU_BAR_REGV, NPU_CPU_SS_TIM_PERF_FREE_CNT);
	NT_EQ("now_ns after sleep_us(1 s)", ops->now_ns(os) - t0, 1000000000);
	NT_CHECK(c1 - c0 + 1 >= NPU_PERF_CLK_HZ && c1 - c0 <= NPU_PERF_CLK_HZ + 1,
		 "perf counter advanced by %" PRIu64, c1 - c0);
	/* irq_wait with nothing pending: times out after exactly its timeout */
	t0 = ops->now_ns(os);
	NT_EQ("irq_wait before irq_enable", ops->irq_wait(os, 300), 0);
	NT_EQ("virtual time spent in irq_wait(300 us)", ops->now_ns(os) - t0, 300000);
	NT_EQ("irq_enable", ops->irq_enable(os), 0);
	t0 = ops->now_ns(os);
	NT_EQ("irq_wait with nothing pending", ops->irq_wait(os, 2500), 0);
	NT_EQ("virtual time spent in irq_wait(2500 us)", ops->now_ns(os) - t0, 2500000);
	NT_EQ("irq_wait(0)", ops->irq_wait(os, 0), 0);
	ops->close(os);
}

/*
 * DMA and interrupts end to end: the device fetches a command queue from a
 * DMA buffer (so sync_for_device reached guest RAM), the CMD_SYNC with
 * CS=IRQ raises ICB MMU_IRQ_1, the MSI lands and irq_wait reports it.
 */
static void test_dma_and_irq(void)
{
	struct npu_os *os = open_ok(NULL);
	struct npu_dma_buf q, big;
	uint64_t *cmd;
	uint8_t *p;
	uint64_t t0;
	bool same = true;

	NT_CHECK_FATAL(power_up(os), "power-up through the backend");
	NT_EQ("dma_alloc", ops->dma_alloc(os, 100, &q), 0);
	NT_EQ("DMA buffer size rounded to 4 KiB", q.size, 4096);
	NT_EQ("DMA address 4 KiB aligned", q.dma & 0xFFF, 0);
	NT_CHECK(q.dma >= QT_ALLOC_BASE && q.dma + q.size <= (UINT64_C(1) << NPU_DMA_BITS_37XX),
		 "DMA address 0x%" PRIx64 " outside guest RAM / the 38-bit DMA mask", q.dma);
	cmd = q.cpu;
	cmd[0] = NPU_MMU_CMD_SYNC | NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, NPU_MMU_SYNC_CS_IRQ);
	cmd[1] = 0;
	ops->sync_for_device(os, &q, 0, 16);

	ops->write64(os, NPU_BAR_REGV, NPU_HOST_SS_ICB_ENABLE_0,
		     (uint64_t)NPU_ICB_1_IVPU_MASK << 32 | NPU_ICB_0_IVPU_MASK);
	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	ops->write32(os, NPU_BAR_REGB, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_EQ("irq_enable", ops->irq_enable(os), 0);
	NT_EQ("no interrupt yet", ops->irq_wait(os, 100), 0);

	ops->write64(os, NPU_BAR_REGV, NPU_MMU_CMDQ_BASE, NPU_MMU_Q_BASE_RWA | q.dma | NPU_MMU_Q_LOG2);
	ops->write32(os, NPU_BAR_REGV, NPU_MMU_CMDQ_PROD, 0);
	ops->write32(os, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS, 0);
	ops->write32(os, NPU_BAR_REGV, NPU_MMU_CR0, NPU_MMU_CR0_CMDQEN);
	ops->write32(os, NPU_BAR_REGV, NPU_MMU_CMDQ_PROD, 1);
	NT_EQ("CMDQ_CONS: the device read the command from the DMA buffer",
	      ops->read32(os, NPU_BAR_REGV, NPU_MMU_CMDQ_CONS), 1);
	t0 = ops->now_ns(os);
	NT_EQ("irq_wait reports the MSI", ops->irq_wait(os, 1000), 1);
	NT_EQ("the MSI was already there: no time spent", ops->now_ns(os) - t0, 0);
	NT_EQ("irq_wait again: nothing new", ops->irq_wait(os, 50), 0);
	/* a second interrupt while waiting: the watchdog fires ~104 us later */
	ops->write64(os, NPU_BAR_REGV, NPU_HOST_SS_ICB_CLEAR_0, (uint64_t)NPU_ICB_0_IVPU_MASK);
	ops->write32(os, NPU_BAR_REGV, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	ops->write32(os, NPU_BAR_REGV, NPU_CPU_SS_TIM_WATCHDOG, 4000);
	ops->write32(os, NPU_BAR_REGV, NPU_CPU_SS_TIM_SAFE, NPU_TIM_SAFE_ENABLE_KEY);
	ops->write32(os, NPU_BAR_REGV, NPU_CPU_SS_TIM_WDOG_EN, 1);
	t0 = ops->now_ns(os);
	NT_EQ("irq_wait for the watchdog interrupt", ops->irq_wait(os, 100000), 1);
	NT_CHECK(ops->now_ns(os) - t0 >= 104000 && ops->now_ns(os) - t0 <= 104000 + 1000000,
		 "irq_wait returned after %" PRIu64 " ns, want 104 us .. +1 ms step",
		 ops->now_ns(os) - t0);

	/* shadow <-> guest RAM round trip on a multi-chunk buffer */
	NT_EQ("dma_alloc 1 MiB", ops->dma_alloc(os, 1 << 20, &big), 0);
	NT_CHECK(big.dma >= q.dma + q.size || big.dma + big.size <= q.dma, "DMA buffers overlap");
	p = big.cpu;
	for (size_t i = 0; i < big.size; i++)
		p[i] = (uint8_t)(i * 131 + 7);
	ops->sync_for_device(os, &big, 0, big.size);
	memset(p, 0, big.size);
	ops->sync_for_cpu(os, &big, 4096, big.size - 8192);
	for (size_t i = 0; i < big.size; i++) {
		uint8_t want = i < 4096 || i >= big.size - 4096 ? 0 : (uint8_t)(i * 131 + 7);

		if (p[i] != want) {
			same = false;
			NT_CHECK(false, "byte %zu after sync_for_cpu: 0x%02x, want 0x%02x", i, p[i], want);
			break;
		}
	}
	NT_CHECK(same, "sync round trip");
	ops->sync_for_cpu(os, &big, big.size - 10, 20); /* out of range: refused */
	NT_CHECK(strstr(ops->last_error(os), "outside") != NULL, "error: %s", ops->last_error(os));
	ops->dma_free(os, &big);
	ops->dma_free(os, &q);
	NT_EQ("dma_free clears the descriptor", q.size, 0);
	ops->close(os);
}

static const struct nt_case cases[] = {
	{ "open_identity", test_open_identity },
	{ "open_arl", test_open_arl },
	{ "open_errors", test_open_errors },
	{ "setup_without_device", test_setup_without_device },
	{ "client_timeout", test_client_timeout },
	{ "client_hex_fallback", test_client_hex_fallback },
	{ "client_irq_intercept", test_client_irq_intercept },
	{ "client_qemu_dies", test_client_qemu_dies },
	{ "time", test_time },
	{ "dma_and_irq", test_dma_and_irq },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return nt_main("os_qtest", cases, argc, argv);
}
