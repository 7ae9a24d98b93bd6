/* SPDX-License-Identifier: MIT */
/*
 * A job's own memory, read and written by the core through the context
 * window (lrt.h): core addresses [NPU_LRT_CTX_WINDOW_BASE, 4 GiB) are NPU
 * VAs of the SubstreamID in NPU_LRT_CTX_SSID. That is the user range of
 * the job's context, where Linux puts everything the firmware itself reads
 * or writes -- command buffers, fences, timestamps, descriptors (hw-facts
 * §15.1, §15.3, §15.4).
 *
 * A user context does not abort on a fault (hw-facts §6): the access reads
 * zero or is dropped and NPU_LRT_CTX_FAULT latches it, so every access
 * checks the latch; an abort (e.g. a context the host tore down) traps and
 * fw_safe_copy's fixup returns -1. Either ends the job, never the firmware.
 */
#include "fw.h"

uint32_t ctx_fault_addr;

static bool in_window(uint64_t va, uint32_t len)
{
	return va >= NPU_LRT_CTX_WINDOW_BASE && va < (1ull << 32) && len <= (1ull << 32) - va;
}

static void select_ssid(uint32_t ssid)
{
	if (rt.ctx_ssid != ssid) {
		plat_wr(NPU_LRT_CTX_SSID, ssid);
		rt.ctx_ssid = ssid;
	}
}

/* After an access: a latched fault is reported once and cleared. */
static int check_fault(int copy_err)
{
	if (plat_rd(NPU_LRT_CTX_FAULT) & NPU_LRT_CTX_FAULT_FAULTED) {
		ctx_fault_addr = plat_rd(NPU_LRT_CTX_FAULT_ADDR);
		plat_wr(NPU_LRT_CTX_FAULT, NPU_LRT_CTX_FAULT_FAULTED);
		return FW_CTX_FAULT;
	}
	if (copy_err) {
		ctx_fault_addr = fw_safe_fault_addr;
		return FW_CTX_FAULT;
	}
	return FW_CTX_OK;
}

int ctx_read(uint32_t ssid, uint64_t va, void *dst, uint32_t len)
{
	if (!in_window(va, len))
		return FW_CTX_OUTSIDE;
	select_ssid(ssid);
	return check_fault(fw_safe_copy(dst, (const void *)(uintptr_t)va, len));
}

int ctx_write(uint32_t ssid, uint64_t va, const void *src, uint32_t len)
{
	if (!in_window(va, len))
		return FW_CTX_OUTSIDE;
	select_ssid(ssid);
	return check_fault(fw_safe_copy((void *)(uintptr_t)va, src, len));
}
