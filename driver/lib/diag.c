/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: the decoded dump a failed boot or timeout leaves behind
 * (ivpu_hw_diagnose_failure, ivpu_mmu_evtq_dump, the firmware log), the
 * state of the control core from the DSU registers, and the full register
 * dump of hw-facts §2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "intel-npu/lrt.h"

#define DIAG_FW_LOG_LINES 40

void npu_diag_reset(struct npu_device *dev)
{
	dev->diag_len = 0;
	if (dev->diag)
		dev->diag[0] = '\0';
}

void npu_diag_printf(struct npu_device *dev, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	npu_log_line(dev, NPU_LOG_ERROR, line);
	if (dev->diag && dev->diag_len < NPU_DIAG_SIZE - 1) {
		int w = snprintf(dev->diag + dev->diag_len, NPU_DIAG_SIZE - dev->diag_len, "%s\n",
				 line);

		if (w > 0)
			dev->diag_len += (size_t)w;
		if (dev->diag_len >= NPU_DIAG_SIZE)
			dev->diag_len = NPU_DIAG_SIZE - 1;
	}
}

static const char *dsu_state_name(uint32_t s)
{
	switch (s) {
	case NPU_DSU_STATE_RESET:   return "in reset";
	case NPU_DSU_STATE_RUNNING: return "running";
	case NPU_DSU_STATE_WFI:     return "waiting for an interrupt (WFI)";
	case NPU_DSU_STATE_HALTED:  return "halted by the firmware";
	case NPU_DSU_STATE_ERROR:   return "error mode (stopped by an unhandled trap or an error halt)";
	default:                    return "unknown state";
	}
}

/* mcause values of the RV32 control core (docs/lrt-core.md) */
static const char *trap_cause_name(uint32_t cause, bool interrupt)
{
	static const char *const exc[] = {
		"instruction address misaligned", "instruction access fault",
		"illegal instruction", "breakpoint", "load address misaligned",
		"load access fault", "store address misaligned", "store access fault",
		"ecall from U-mode", "ecall from S-mode", "reserved", "ecall from M-mode",
	};

	if (interrupt)
		return cause == 3 ? "machine software interrupt" :
		       cause == 7 ? "machine timer interrupt" :
		       cause == 11 ? "machine external interrupt" : "interrupt";
	return cause < NPU_ARRAY_SIZE(exc) ? exc[cause] : "exception";
}

/* Halt codes of the simulated firmware (lrt.h) */
static const char *halt_code_name(uint32_t code)
{
	switch (code) {
	case NPU_LRT_HALT_CLEAN:           return "clean halt";
	case NPU_LRT_HALT_FATAL_TRAP:      return "fatal trap: unexpected exception, see the log";
	case NPU_LRT_HALT_DOUBLE_FAULT:    return "double fault: trap while handling a fatal trap";
	case NPU_LRT_HALT_BAD_BOOT_PARAMS: return "bad boot params: magic is not 0x10000";
	case NPU_LRT_HALT_BAD_IPC_AREAS:   return "IPC header/payload areas unusable";
	case NPU_LRT_HALT_BAD_WARM_BOOT:   return "warm entry without a prior cold boot";
	default:                           return "unknown halt code";
	}
}

/* State of the control core as the DSU registers report it
 * (encoding: regs_ip.h NPU_DSU_*). */
void npu_diag_dsu(struct npu_device *dev)
{
	uint32_t ctrl, pc, npc, trap, state, halt;

	if (!npu_pm_ip_powered(dev)) {
		npu_diag_printf(dev, "  control core: unknown (NPU IP powered down)");
		return;
	}
	ctrl = npu_regv_rd32(dev, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL);
	pc = npu_regv_rd32(dev, NPU_CPU_SS_DSU_LEON_RT_PC_REG);
	npc = npu_regv_rd32(dev, NPU_CPU_SS_DSU_LEON_RT_NPC_REG);
	trap = npu_regv_rd32(dev, NPU_CPU_SS_DSU_LEON_RT_DSU_TRAP_REG);
	state = (uint32_t)NPU_FLD_GET(NPU_DSU_CTRL_STATE, ctrl);
	halt = (uint32_t)NPU_FLD_GET(NPU_DSU_TRAP_HALT_CODE, trap);
	npu_diag_printf(dev, "  control core: %s, PC 0x%08x, NPC 0x%08x%s", dsu_state_name(state),
			pc, npc, (ctrl & NPU_DSU_CTRL_WDOG_EXPIRED) ? ", watchdog expired" : "");
	if (trap & NPU_DSU_TRAP_VALID) {
		uint32_t cause = (uint32_t)NPU_FLD_GET(NPU_DSU_TRAP_CAUSE, trap);
		bool irq = trap & NPU_DSU_TRAP_INTERRUPT;

		npu_diag_printf(dev, "  last trap: %s %u (%s)%s", irq ? "interrupt" : "exception",
				cause, trap_cause_name(cause, irq),
				(trap & NPU_DSU_TRAP_ERROR_MODE) ? ", core in error mode" : "");
	} else {
		npu_diag_printf(dev, "  last trap: none");
	}
	/* A zero halt code only means something when the firmware halted:
	 * a core in error mode without one stopped on a trap. */
	if (halt || state == NPU_DSU_STATE_HALTED)
		npu_diag_printf(dev, "  firmware halt code: 0x%02x (%s)", halt, halt_code_name(halt));
	else if (state == NPU_DSU_STATE_ERROR)
		npu_diag_printf(dev, "  firmware halt code: none (the core stopped on a trap it could "
				"not handle)");
}

/* The error sources of the buttress and the ICB, decoded (hw-facts §2) */
void npu_diag_hw_failure(struct npu_device *dev)
{
	char a[256];
	uint32_t v, level;

	v = npu_regb_rd32(dev, NPU_BTRS_INTERRUPT_STAT);
	npu_diag_printf(dev, "  buttress: %s", npu_regs_describe(NPU_BAR_REGB,
				NPU_BTRS_INTERRUPT_STAT, v, a, sizeof(a)));
	npu_diag_printf(dev, "  buttress: %s", npu_regs_snapshot(dev, NPU_BAR_REGB,
				NPU_BTRS_VPU_STATUS, a, sizeof(a)));
	if (v & NPU_BTRS_INTERRUPT_STAT_ATS_ERR)
		npu_diag_printf(dev, "  buttress ATS error, log 0x%016llx",
				(unsigned long long)npu_regb_rd64(dev, NPU_BTRS_ATS_ERR_LOG_0));
	if (v & NPU_BTRS_INTERRUPT_STAT_UFI_ERR)
		npu_diag_printf(dev, "  buttress UFI error (an NPU DMA access failed): %s",
				npu_regs_snapshot(dev, NPU_BAR_REGB, NPU_BTRS_UFI_ERR_LOG, a,
						  sizeof(a)));
	if (!npu_pm_ip_powered(dev)) {
		npu_diag_printf(dev, "  NPU IP powered down: ICB and IPC FIFO not readable");
		return;
	}
	v = npu_regv_rd32(dev, NPU_HOST_SS_ICB_STATUS_0);
	npu_diag_printf(dev, "  %s", npu_regs_describe(NPU_BAR_REGV, NPU_HOST_SS_ICB_STATUS_0, v, a,
						       sizeof(a)));
	level = npu_ipc_fill_level(dev);
	if (level)
		npu_diag_printf(dev, "  %u message(s) left in the host IPC FIFO: its interrupt was "
				"missed or not serviced", level);
	if (v & NPU_ICB_0_CPU_INT_REDIRECT_0)
		npu_diag_printf(dev, "  the control core's watchdog (MSS) expired");
	if (v & NPU_ICB_0_CPU_INT_REDIRECT_1)
		npu_diag_printf(dev, "  the compute watchdog (NCE) expired");
	if (v & NPU_ICB_0_NOC_FIREWALL)
		npu_diag_printf(dev, "  the NOC firewall rejected an access");
}

static void diag_print_line(void *user, const char *line)
{
	struct npu_device *dev = user;

	npu_diag_printf(dev, "  | %s", line);
}

/* Failed boot (ivpu_boot): hardware state, MMU events, core, firmware log */
void npu_diag_boot_failure(struct npu_device *dev)
{
	npu_diag_printf(dev, "boot failure diagnosis: %s", dev->last_error);
	npu_diag_device_state(dev);
}

/* Hardware state, MMU events, core, firmware log: any firmware timeout */
void npu_diag_device_state(struct npu_device *dev)
{
	npu_diag_hw_failure(dev);
	npu_diag_fw_state(dev);
}

/* What npu_diag_hw_failure does not say: core registers, MMU events, the
 * control core, the firmware log */
void npu_diag_fw_state(struct npu_device *dev)
{
	struct npu_mmu_event ev[NPU_SMMU_EVENT_HISTORY];
	uint64_t before = dev->mmu.n_events;
	char a[256];
	int n;

	if (npu_pm_ip_powered(dev)) {
		npu_diag_printf(dev, "  %s", npu_regs_snapshot(dev, NPU_BAR_REGV,
					NPU_HOST_SS_LOADING_ADDRESS_LO, a, sizeof(a)));
		npu_diag_printf(dev, "  %s", npu_regs_snapshot(dev, NPU_BAR_REGV,
					NPU_CPU_SS_MSSCPU_CPR_LEON_RT_VEC, a, sizeof(a)));
		npu_diag_printf(dev, "  %s", npu_regs_snapshot(dev, NPU_BAR_REGV, NPU_MMU_CR0, a,
							       sizeof(a)));
		npu_smmu_read_events(dev, NULL);
	}
	n = dev->mmu.n_events > before ? (int)(dev->mmu.n_events - before) : 0;
	if (!n) {
		npu_diag_printf(dev, "  MMU event queue: empty");
	} else {
		n = npu_mmu_events(dev, ev, (size_t)n < NPU_ARRAY_SIZE(ev) ? (size_t)n
									   : NPU_ARRAY_SIZE(ev));
		for (int i = 0; i < n; i++)
			npu_diag_printf(dev, "  MMU event %s (0x%02x): SSID %u SID %u input address "
					"0x%llx fetch address 0x%llx", ev[i].name, ev[i].id,
					ev[i].ssid, ev[i].sid,
					(unsigned long long)ev[i].input_addr,
					(unsigned long long)ev[i].fetch_addr);
	}
	npu_diag_dsu(dev);
	if (dev->fw.log_crit) {
		npu_diag_printf(dev, "  firmware log:");
		if (npu_fw_log_print(dev, false, diag_print_line, dev) <= 0)
			npu_diag_printf(dev, "  | (no valid log buffer header: the firmware did "
					"not initialise its logs)");
	}
}

/* ---- Register dump --------------------------------------------------------------- */

int npu_dump_registers(struct npu_device *dev, npu_print_fn print, void *user)
{
	char line[512], desc[384];
	bool bar0 = dev->pci_enabled && npu_pm_ip_powered(dev), said = false;
	uint32_t cmd = 0;

	snprintf(line, sizeof(line), "device %04x:%04x rev %02x at %s (backend %s)",
		 dev->pci.vendor, dev->pci.device, dev->pci.revision, dev->pci.location,
		 dev->backend);
	print(user, line);
	if (!dev->os_ops->cfg_read(dev->os, NPU_PCI_COMMAND, 2, &cmd)) {
		snprintf(line, sizeof(line), "PCI      COMMAND=0x%04x [MEMORY=%u MASTER=%u]", cmd,
			 (unsigned)NPU_FLD_GET(NPU_PCI_COMMAND_MEMORY, cmd),
			 (unsigned)NPU_FLD_GET(NPU_PCI_COMMAND_MASTER, cmd));
		print(user, line);
	}
	if (!(cmd & NPU_PCI_COMMAND_MEMORY)) {
		print(user, "(memory space disabled: BARs not readable; boot the device first)");
		return 0;
	}
	for (size_t i = 0; i < npu_reg_table_len; i++) {
		const struct npu_reg_desc *d = &npu_reg_table[i];

		if (d->flags & NPU_REG_NOREAD)
			continue;
		if (d->bar == NPU_BAR_REGV && !bar0) {
			if (!said)
				print(user, "BAR0 registers not reachable: NPU IP powered down "
				      "(buttress VPU_STATUS.READY = 0 or D0i3)");
			said = true;
			continue;
		}
		if (d->count > 1) {
			size_t n = (size_t)snprintf(line, sizeof(line), "%-10s %s pending:",
						    d->block, d->name);
			unsigned pending = 0;

			for (unsigned k = 0; k < d->count; k++) {
				uint32_t v = npu_rd32(dev, d->bar, d->off + k * d->stride);

				if ((v & NPU_DOORBELL_SET) && n < sizeof(line)) {
					n += (size_t)snprintf(line + n, sizeof(line) - n, " %u", k);
					pending++;
				}
			}
			if (!pending)
				snprintf(line + n, sizeof(line) - n, " none");
			print(user, line);
			continue;
		}
		if (d->width == 8)
			npu_regs_describe(d->bar, d->off, npu_rd64(dev, d->bar, d->off), desc,
					  sizeof(desc));
		else
			npu_regs_describe(d->bar, d->off, npu_rd32(dev, d->bar, d->off), desc,
					  sizeof(desc));
		snprintf(line, sizeof(line), "%-10s BAR%u+0x%08x %s", d->block, d->bar, d->off, desc);
		print(user, line);
	}
	return 0;
}
