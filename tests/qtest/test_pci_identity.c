/* SPDX-License-Identifier: MIT */
/*
 * qtest: PCI identity and host interface of -device intel-npu-mtl
 * (issue 2 acceptance).
 *
 * What the device must look like (hw-facts §1): Intel 8086:7D1D rev 4
 * (8086:AD1D with device-id=0xad1d), class 0x120000 processing accelerator,
 * BAR0 64-bit non-prefetchable 128 MiB ("RegV"), BAR4 64-bit 4 KiB ("RegB"),
 * nothing else; one MSI vector, 64-bit; no INTx (interrupt pin 0); a PCIe
 * root-complex integrated endpoint on q35's root bus; PM capability. The
 * capability offsets are the QEMU glue's own layout (intel-npu-mtl.c: PM
 * 0x40, MSI 0x50, PCIe 0x80, MSI-X 0xC0 with msix=on). Bus mastering gates
 * every DMA and the MSI (a PCI function without Bus Master Enable cannot
 * issue memory writes or reads).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "intel-npu/bits.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"
#include "npu_test.h"

/* PCI configuration header and capability IDs (PCI Local Bus 3.0, PCIe 4.0) */
#define CFG_VENDOR      0x00
#define CFG_DEVICE      0x02
#define CFG_COMMAND     0x04
#define CFG_STATUS      0x06
#define CFG_REVISION    0x08
#define CFG_CLASS_PROG  0x09
#define CFG_HEADER_TYPE 0x0E
#define CFG_BAR(i)      (0x10 + 4 * (i))
#define CFG_ROM         0x30
#define CFG_CAP_PTR     0x34
#define CFG_INT_PIN     0x3D
#define CMD_MEMORY      0x2
#define CMD_MASTER      0x4
#define STATUS_CAP_LIST 0x10
#define CAP_PM          0x01
#define CAP_MSI         0x05
#define CAP_PCIE        0x10
#define CAP_MSIX        0x11
#define PCIE_TYPE_RC_END 0x9   /* PCIe capabilities register bits 7:4 */

#define NPU_BDF QT_BDF(0, 3, 0)

static uint32_t cfg(struct qt *q, unsigned off, unsigned size)
{
	return qt_pci_cfg_read(q, NPU_BDF, off, size);
}

/* ---- identity ------------------------------------------------------------------ */

static void test_identity(void)
{
	struct qt *q = nt_start("-device intel-npu-mtl,addr=03.0");
	uint16_t id = 0;

	NT_EQ("qt_npu_find BDF (device placed at 00:03.0)", qt_npu_find(q, &id), NPU_BDF);
	NT_EQ("vendor ID", cfg(q, CFG_VENDOR, 2), NPU_PCI_VENDOR_INTEL);
	NT_EQ("device ID", cfg(q, CFG_DEVICE, 2), NPU_PCI_DEVICE_MTL);
	NT_EQ("revision", cfg(q, CFG_REVISION, 1), NPU_PCI_REVISION_MTL);
	/* class code 0x120000: base 0x12 (processing accelerator), sub 0, prog-if 0 */
	NT_EQ("class code (24 bits at 0x09)", cfg(q, CFG_REVISION, 4) >> 8, 0x120000);
	NT_EQ("header type (type 0, single function)", cfg(q, CFG_HEADER_TYPE, 1), 0x00);
	NT_EQ("interrupt pin (no INTx)", cfg(q, CFG_INT_PIN, 1), 0);
	NT_EQ("status.CAP_LIST", cfg(q, CFG_STATUS, 2) & STATUS_CAP_LIST, STATUS_CAP_LIST);
	/* nothing decodes until the host enables it */
	NT_EQ("command register after reset", cfg(q, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER), 0);
}

/* QEMU's own view through QMP query-pci agrees (and exercises the QMP
 * path of the client). */
static void test_query_pci(void)
{
	struct qt *q = nt_start("-device intel-npu-mtl,addr=03.0,id=npu0");
	char *r = qt_qmp(q, "{\"execute\": \"query-pci\"}");
	const char *devs = qt_json_find(r, NULL, "devices"), *dev = NULL, *e;
	int64_t v;

	for (unsigned i = 0; (e = qt_json_elem(devs, i)) != NULL; i++) {
		const char *end = qt_json_skip(e);

		if (qt_json_int(qt_json_find(e, end, "slot"), &v) && v == 3) {
			dev = e;
			break;
		}
	}
	if (NT_CHECK(dev != NULL, "query-pci lists no device in slot 3: %.300s", r)) {
		const char *end = qt_json_skip(dev);

		NT_CHECK(qt_json_int(qt_json_find(dev, end, "vendor"), &v) && v == 0x8086,
			 "query-pci vendor is not 0x8086");
		NT_CHECK(qt_json_int(qt_json_find(dev, end, "device"), &v) && v == 0x7D1D,
			 "query-pci device is not 0x7D1D");
		NT_CHECK(qt_json_int(qt_json_find(dev, end, "class"), &v) && v == 0x1200,
			 "query-pci class is not 0x1200");
		NT_CHECK(qt_json_int(qt_json_find(dev, end, "irq_pin"), &v) && v == 0,
			 "query-pci irq_pin is not 0");
		NT_CHECK(qt_json_streq(qt_json_find(dev, end, "qdev_id"), "npu0"),
			 "query-pci qdev_id is not npu0");
		/* regions: BAR0 128 MiB 64-bit, BAR4 4 KiB 64-bit, non-prefetchable */
		{
			const char *regs = qt_json_find(dev, end, "regions");
			unsigned nregs = 0;

			for (unsigned i = 0; (e = qt_json_elem(regs, i)) != NULL; i++) {
				const char *re = qt_json_skip(e);
				int64_t bar = -1, size = -1;

				nregs++;
				qt_json_int(qt_json_find(e, re, "bar"), &bar);
				qt_json_int(qt_json_find(e, re, "size"), &size);
				NT_CHECK((bar == 0 && size == NPU_BAR0_SIZE) ||
					 (bar == 4 && size == NPU_BAR4_SIZE),
					 "unexpected region BAR%" PRId64 " size %" PRId64, bar, size);
				NT_CHECK(!strncmp(qt_json_find(e, re, "mem_type_64"), "true", 4),
					 "BAR%" PRId64 " is not 64-bit in query-pci", bar);
				NT_CHECK(!strncmp(qt_json_find(e, re, "prefetch"), "false", 5),
					 "BAR%" PRId64 " is prefetchable in query-pci", bar);
			}
			NT_EQ("number of regions in query-pci", nregs, 2);
		}
	}
	free(r);
}

/* ---- BARs ------------------------------------------------------------------------ */

/* Standard sizing: decode off, write all-ones, read the mask back, restore. */
static uint32_t size_probe(struct qt *q, unsigned off)
{
	uint32_t old = cfg(q, off, 4), v;

	qt_pci_cfg_write(q, NPU_BDF, off, 4, UINT32_MAX);
	v = cfg(q, off, 4);
	qt_pci_cfg_write(q, NPU_BDF, off, 4, old);
	return v;
}

static void test_bars(void)
{
	struct qt *q = nt_start("-device intel-npu-mtl,addr=03.0");
	uint32_t lo, hi, fuse;
	uint64_t mask;
	struct qt_npu n;

	qt_pci_cfg_write(q, NPU_BDF, CFG_COMMAND, 2, 0);
	/* BAR0: memory (b0=0), 64-bit (b2:1=10), non-prefetchable (b3=0) */
	lo = size_probe(q, CFG_BAR(0));
	hi = size_probe(q, CFG_BAR(1));
	NT_EQ("BAR0 type bits", lo & 0xF, 0x4);
	mask = ((uint64_t)hi << 32) | (lo & ~0xFu);
	NT_EQ("BAR0 size (64-bit)", ~mask + 1, NPU_BAR0_SIZE);
	/* no BAR2/BAR3: they read 0 whatever is written */
	NT_EQ("BAR2 after all-ones (no BAR)", size_probe(q, CFG_BAR(2)), 0);
	NT_EQ("BAR3 after all-ones (no BAR)", size_probe(q, CFG_BAR(3)), 0);
	/* BAR4: 64-bit non-prefetchable 4 KiB */
	lo = size_probe(q, CFG_BAR(4));
	hi = size_probe(q, CFG_BAR(5));
	NT_EQ("BAR4 type bits", lo & 0xF, 0x4);
	mask = ((uint64_t)hi << 32) | (lo & ~0xFu);
	NT_EQ("BAR4 size (64-bit)", ~mask + 1, NPU_BAR4_SIZE);
	NT_EQ("expansion ROM BAR (none)", size_probe(q, CFG_ROM), 0);

	/* Programmed at the fixed addresses, both decode: the buttress is
	 * always reachable (its fuse register is non-zero), the IP registers
	 * answer all-ones while the IP is powered down (hw-facts §3.1: BAR0
	 * becomes reachable once the buttress grants a workpoint). */
	qt_npu_setup(q, &n, QT_NPU_NO_MASTER);
	NT_EQ("BAR0 register value", cfg(q, CFG_BAR(0), 4), QT_NPU_BAR0_ADDR | 0x4);
	NT_EQ("BAR4 register value", cfg(q, CFG_BAR(4), 4), QT_NPU_BAR4_ADDR | 0x4);
	fuse = qt_npu_rd32(&n, 4, NPU_BTRS_FMIN_FUSE);
	NT_CHECK(fuse != 0 && fuse != UINT32_MAX, "buttress FMIN_FUSE through BAR4 reads 0x%x", fuse);
	NT_EQ("BAR0 HW_VERSION while the IP is powered down",
	      qt_npu_rd32(&n, 0, NPU_HOST_SS_HW_VERSION), UINT32_MAX);
	/* with memory decode off nothing answers at the BAR any more */
	qt_pci_cfg_write(q, NPU_BDF, CFG_COMMAND, 2, 0);
	NT_CHECK(qt_readl(q, QT_NPU_BAR4_ADDR + NPU_BTRS_FMIN_FUSE) != fuse,
		 "BAR4 still decodes with memory space disabled");
}

/*
 * The fixed BAR addresses and the MSI/DMA scratch in guest RAM collide with
 * nothing: QEMU's flattened view of the system address space ("info mtree
 * -f") must show only the NPU's regions in 0xC0000000-0xFEBFFFFF, exactly
 * covering BAR0 and BAR4, and plain RAM under the MSI word and the DMA
 * allocator's range.
 */
static void test_address_map(void)
{
	struct qt_npu n;
	struct qt *q = nt_start_npu(&n, 0, ",msix=on", NULL);
	char *r = qt_qmp(q, "{\"execute\": \"human-monitor-command\", \"arguments\": "
			 "{\"command-line\": \"info mtree -f\"}}");
	char *text = qt_json_strdup(qt_json_find(r, NULL, "return")), *sec, *end, *line;
	uint64_t npu_bytes = 0;
	bool msi_in_ram = false, dma_in_ram = false;

	NT_CHECK_FATAL(text != NULL, "no text from info mtree: %.200s", r);
	sec = strstr(text, "AS \"memory\"");
	NT_CHECK_FATAL(sec != NULL, "no flat view of AS \"memory\" in info mtree -f");
	end = strstr(sec, "FlatView #");
	if (end)
		*end = '\0';
	for (line = strtok(sec, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long lo, hi;
		char name[128] = "";
		const char *colon = strstr(line, "): ");

		if (sscanf(line, " %llx-%llx", &lo, &hi) != 2 || !colon)
			continue;
		snprintf(name, sizeof(name), "%s", colon + 3);
		if (lo <= QT_NPU_MSI_ADDR && QT_NPU_MSI_ADDR + 4 <= hi + 1)
			msi_in_ram = strncmp(name, "pc.ram", 6) == 0;
		if (lo <= QT_ALLOC_BASE && qt_ram_size(q) <= hi + 1)
			dma_in_ram = strncmp(name, "pc.ram", 6) == 0;
		if (hi < 0xC0000000ull || lo > 0xFEBFFFFFull)
			continue;
		NT_CHECK(strstr(name, "intel-npu-mtl") || strstr(name, "msix-"),
			 "region %llx-%llx '%s' in the PCI hole besides the NPU", lo, hi, name);
		NT_CHECK((lo >= QT_NPU_BAR0_ADDR && hi < QT_NPU_BAR0_ADDR + NPU_BAR0_SIZE) ||
			 (lo >= QT_NPU_BAR4_ADDR && hi < QT_NPU_BAR4_ADDR + NPU_BAR4_SIZE),
			 "NPU region %llx-%llx '%s' outside the programmed BARs", lo, hi, name);
		npu_bytes += hi - lo + 1;
	}
	NT_EQ("bytes mapped for the NPU in the PCI hole (BAR0 + BAR4)", npu_bytes,
	      (uint64_t)NPU_BAR0_SIZE + NPU_BAR4_SIZE);
	NT_CHECK(msi_in_ram, "the MSI word 0x%x is not in pc.ram", QT_NPU_MSI_ADDR);
	NT_CHECK(dma_in_ram, "the DMA pool 0x%x-0x%" PRIx64 " is not one pc.ram region", QT_ALLOC_BASE,
		 qt_ram_size(q));
	free(text);
	free(r);
}

/* ---- capabilities ------------------------------------------------------------------ */

static void check_caps(struct qt *q, bool msix)
{
	unsigned seen = 0, ptr = cfg(q, CFG_CAP_PTR, 1) & 0xFC;

	for (int guard = 0; ptr && guard < 16; guard++) {
		unsigned id = cfg(q, ptr, 1);

		switch (id) {
		case CAP_PM:
			NT_EQ("PM capability offset", ptr, 0x40);
			/* PMC version field: PCI PM 1.2 */
			NT_EQ("PM capability version", cfg(q, ptr + 2, 2) & 0x7, 0x3);
			break;
		case CAP_MSI: {
			uint32_t ctrl = cfg(q, ptr + 2, 2);

			NT_EQ("MSI capability offset", ptr, 0x50);
			NT_EQ("MSI Multiple Message Capable (1 vector)", (ctrl >> 1) & 0x7, 0);
			NT_EQ("MSI 64-bit address capable", (ctrl >> 7) & 1, 1);
			NT_EQ("MSI enabled after reset", ctrl & 1, 0);
			break;
		}
		case CAP_PCIE: {
			uint32_t flags = cfg(q, ptr + 2, 2);

			NT_EQ("PCIe capability offset", ptr, 0x80);
			/* hw-facts §1.2: "PCIe Root Complex Integrated Endpoint" */
			NT_EQ("PCIe device/port type (RC integrated endpoint)", (flags >> 4) & 0xF,
			      PCIE_TYPE_RC_END);
			break;
		}
		case CAP_MSIX: {
			uint32_t ctrl = cfg(q, ptr + 2, 2), table = cfg(q, ptr + 4, 4),
				 pba = cfg(q, ptr + 8, 4);

			NT_EQ("MSI-X capability offset", ptr, 0xC0);
			NT_EQ("MSI-X table size field (N-1: one vector)", ctrl & 0x7FF, 0);
			NT_EQ("MSI-X table BIR", table & 7, 0);
			NT_EQ("MSI-X table offset (top of BAR0)", table & ~7u, NPU_BAR0_SIZE - 0x2000);
			NT_EQ("MSI-X PBA BIR", pba & 7, 0);
			NT_EQ("MSI-X PBA offset", pba & ~7u, NPU_BAR0_SIZE - 0x1000);
			break;
		}
		default:
			NT_CHECK(false, "unexpected capability 0x%02x at 0x%02x", id, ptr);
			break;
		}
		seen |= 1u << (id & 31);
		ptr = cfg(q, ptr + 1, 1) & 0xFC;
	}
	NT_EQ("capabilities present (bit per ID: PM, MSI, PCIe[, MSI-X])", seen,
	      (1u << CAP_PM) | (1u << CAP_MSI) | (1u << CAP_PCIE) | (msix ? 1u << CAP_MSIX : 0));
}

static void test_capabilities(void)
{
	check_caps(nt_start("-device intel-npu-mtl,addr=03.0"), false);
}

static void test_msix(void)
{
	struct qt *q = nt_start("-device intel-npu-mtl,addr=03.0,msix=on");
	struct qt_npu n;

	check_caps(q, true);
	qt_npu_setup(q, &n, QT_NPU_NO_MASTER);
	/* The table overlays the top of BAR0 and is reachable even while the
	 * IP registers are powered down: entry 0's vector control has the
	 * mask bit set out of reset (PCI 3.0 section 6.8.2.9). */
	NT_EQ("MSI-X entry 0 vector control (masked)",
	      qt_readl(q, QT_NPU_BAR0_ADDR + NPU_BAR0_SIZE - 0x2000 + 12) & 1, 1);
}

/* ---- device-id property ------------------------------------------------------------- */

static void test_device_id_arl(void)
{
	struct qt *q = nt_start("-device intel-npu-mtl,addr=03.0,device-id=0xad1d");
	uint16_t id = 0;

	NT_EQ("qt_npu_find finds the Arrow Lake NPU", qt_npu_find(q, &id), NPU_BDF);
	NT_EQ("device ID with device-id=0xad1d", cfg(q, CFG_DEVICE, 2), NPU_PCI_DEVICE_ARL);
	NT_EQ("vendor ID", cfg(q, CFG_VENDOR, 2), NPU_PCI_VENDOR_INTEL);
	NT_EQ("class code", cfg(q, CFG_REVISION, 4) >> 8, 0x120000);
}

/* An unsupported ID must stop QEMU at start-up with a message naming the
 * valid values. Run QEMU directly: no qtest connection is involved. */
static void test_device_id_invalid(void)
{
	int status = 0;
	char *out = NULL;
	int rc = qt_run_once(qt_qemu_binary(),
			     "-machine q35 -accel qtest -display none -nodefaults -S "
			     "-device intel-npu-mtl,device-id=0x1234", 20000, &status, &out);

	if (!NT_EQ("qt_run_once", rc, 0))
		return;
	NT_CHECK(status != -1, "QEMU kept running with device-id=0x1234 (killed after 20 s)");
	NT_CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) != 0,
		 "QEMU exit status 0x%x with device-id=0x1234, want a non-zero exit", status);
	NT_CHECK(out && strstr(out, "0x1234"), "stderr does not name the bad value: %s", out);
	NT_CHECK(out && strcasestr(out, "0x7d1d") && strcasestr(out, "0xad1d"),
		 "stderr does not name the valid values 0x7d1d and 0xad1d: %s", out);
	free(out);
}

/* ---- bus mastering --------------------------------------------------------------- */

/*
 * Bus mastering gates DMA and MSI. With the IP powered (hw-facts §3.1), an
 * SMMU command queue in guest RAM holds a CMD_SYNC at index 0; publishing
 * PROD=1 makes the MMU fetch it by DMA. With Bus Master Enable off the
 * fetch cannot happen: CONS stays 0 and the buttress logs a UFI error
 * (INTERRUPT_STAT bit 2, UFI_ERR_LOG), while no MSI is sent although the
 * UFI interrupt is enabled and pending. With BME on (and the command-queue
 * error acknowledged, SMMUv3 GERRORN) CONS reaches 1, and a CMD_SYNC with
 * CS=IRQ raises ICB MMU_IRQ_1 whose MSI now arrives.
 */
static void test_bus_master_gates_dma(void)
{
	struct qt_npu n;
	struct qt *q = nt_start_npu(&n, QT_NPU_NO_MASTER, NULL, NULL);
	uint64_t cmdq = qt_guest_alloc(q, 4096, 4096);
	uint8_t cmd[16] = { 0 };
	uint32_t cons, gerror;

	NT_CHECK_FATAL(npu_power_up(&n), "power-up failed");
	/* interrupts as ivpu enables them after boot (§3.4) */
	qt_npu_wr64(&n, 0, NPU_HOST_SS_ICB_ENABLE_0,
		    (uint64_t)NPU_ICB_1_IVPU_MASK << 32 | NPU_ICB_0_IVPU_MASK);
	qt_npu_wr32(&n, 4, NPU_BTRS_LOCAL_INT_MASK, ~NPU_BTRS_IRQ_MASK_ENABLED);
	/* the workpoint change latched FREQ_CHANGE; start from a clean state */
	qt_npu_wr32(&n, 4, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_ALL);
	qt_npu_wr32(&n, 4, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI with nothing pending");

	/* command queue: 16 entries, CMD_SYNC (CS=NONE) at index 0 */
	qt_memset(q, cmdq, 0, 4096);
	cmd[0] = NPU_MMU_CMD_SYNC;
	qt_memwrite(q, cmdq, cmd, sizeof(cmd));
	qt_npu_wr64(&n, 0, NPU_MMU_CMDQ_BASE, NPU_MMU_Q_BASE_RWA | cmdq | NPU_MMU_Q_LOG2);
	qt_npu_wr32(&n, 0, NPU_MMU_CMDQ_PROD, 0);
	qt_npu_wr32(&n, 0, NPU_MMU_CMDQ_CONS, 0);
	qt_npu_wr32(&n, 0, NPU_MMU_CR0, NPU_MMU_CR0_CMDQEN);
	NT_EQ("CR0ACK", qt_npu_rd32(&n, 0, NPU_MMU_CR0ACK), NPU_MMU_CR0_CMDQEN);

	/* bus mastering off */
	qt_npu_wr32(&n, 0, NPU_MMU_CMDQ_PROD, 1);
	qt_clock_step(q, 1000000);
	cons = qt_npu_rd32(&n, 0, NPU_MMU_CMDQ_CONS);
	NT_EQ("CMDQ_CONS index with bus mastering off", cons & NPU_GENMASK(23, 0), 0);
	NT_EQ("CMDQ_CONS.ERR (CERROR_ABT: the fetch aborted)", NPU_FLD_GET(NPU_MMU_CMDQ_CONS_ERR, cons),
	      NPU_MMU_CERROR_ABT);
	gerror = qt_npu_rd32(&n, 0, NPU_MMU_GERROR);
	NT_EQ("GERROR.CMDQ_ERR active", (gerror ^ qt_npu_rd32(&n, 0, NPU_MMU_GERRORN)) &
	      NPU_MMU_GERROR_CMDQ_ERR, NPU_MMU_GERROR_CMDQ_ERR);
	NT_EQ("buttress INTERRUPT_STAT.UFI_ERR", qt_npu_rd32(&n, 4, NPU_BTRS_INTERRUPT_STAT) &
	      NPU_BTRS_INTERRUPT_STAT_UFI_ERR, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	NT_CHECK(NPU_FLD_GET(NPU_BTRS_UFI_ERR_LOG_OPCODE, qt_npu_rd32(&n, 4, NPU_BTRS_UFI_ERR_LOG)) != 0,
		 "UFI_ERR_LOG has no opcode: 0x%x", qt_npu_rd32(&n, 4, NPU_BTRS_UFI_ERR_LOG));
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI delivered with bus mastering off");
	/* a fresh edge (global mask 1 -> 0 with UFI pending, §1.3) cannot be
	 * delivered either */
	qt_npu_wr32(&n, 4, NPU_BTRS_GLOBAL_INT_MASK, 1);
	qt_npu_wr32(&n, 4, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI delivered with bus mastering off after unmask");

	/* clear the UFI error, then bus mastering on */
	qt_npu_wr32(&n, 4, NPU_BTRS_UFI_ERR_CLEAR, 1);
	qt_npu_wr32(&n, 4, NPU_BTRS_INTERRUPT_STAT, NPU_BTRS_INTERRUPT_STAT_UFI_ERR);
	NT_EQ("UFI_ERR_LOG after UFI_ERR_CLEAR", qt_npu_rd32(&n, 4, NPU_BTRS_UFI_ERR_LOG), 0);
	qt_npu_set_master(&n, true);
	/* acknowledging CMDQ_ERR restarts the queue at CONS (SMMUv3) */
	qt_npu_wr32(&n, 0, NPU_MMU_GERRORN, gerror);
	cons = qt_npu_rd32(&n, 0, NPU_MMU_CMDQ_CONS);
	NT_EQ("CMDQ_CONS with bus mastering on", cons, 1);
	NT_EQ("INTERRUPT_STAT.UFI_ERR after a good fetch", qt_npu_rd32(&n, 4, NPU_BTRS_INTERRUPT_STAT) &
	      NPU_BTRS_INTERRUPT_STAT_UFI_ERR, 0);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI without an interrupt source");

	/* CMD_SYNC with CS=IRQ at index 1: ICB MMU_IRQ_1 -> MSI */
	cmd[1] = (uint8_t)(NPU_FLD_PREP(NPU_MMU_CMD_SYNC_0_CS, NPU_MMU_SYNC_CS_IRQ) >> 8);
	qt_memwrite(q, cmdq + 16, cmd, sizeof(cmd));
	qt_npu_wr32(&n, 0, NPU_MMU_CMDQ_PROD, 2);
	NT_EQ("CMDQ_CONS after CMD_SYNC CS=IRQ", qt_npu_rd32(&n, 0, NPU_MMU_CMDQ_CONS), 2);
	NT_EQ("ICB_STATUS_0.MMU_IRQ_1", qt_npu_rd32(&n, 0, NPU_HOST_SS_ICB_STATUS_0) &
	      NPU_ICB_0_MMU_IRQ_1_SYNC, NPU_ICB_0_MMU_IRQ_1_SYNC);
	NT_CHECK(qt_npu_msi_fired(&n), "no MSI with bus mastering on");
	NT_EQ("MSI data word cleared by the check", qt_readl(q, QT_NPU_MSI_ADDR), 0);

	/* and off again: the next edge is lost */
	qt_npu_set_master(&n, false);
	qt_npu_wr32(&n, 4, NPU_BTRS_GLOBAL_INT_MASK, 1);
	qt_npu_wr32(&n, 4, NPU_BTRS_GLOBAL_INT_MASK, 0);
	NT_CHECK(!qt_npu_msi_fired(&n), "MSI delivered after bus mastering was turned off again");
}

static const struct nt_case cases[] = {
	{ "identity", test_identity },
	{ "query_pci", test_query_pci },
	{ "bars", test_bars },
	{ "address_map", test_address_map },
	{ "capabilities", test_capabilities },
	{ "msix", test_msix },
	{ "device_id_arl", test_device_id_arl },
	{ "device_id_invalid", test_device_id_invalid },
	{ "bus_master_gates_dma", test_bus_master_gates_dma },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return nt_main("pci_identity", cases, argc, argv);
}
