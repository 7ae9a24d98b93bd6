/* SPDX-License-Identifier: MIT */
/*
 * CMX: the NPU's on-chip scratch memory, 2 MB per tile and two tiles on 37xx
 * (hw-facts §16.5), at NPU_CMX_BASE in every engine's address space
 * (cmdbuf.h). It is not behind the MMU: the engines reach it directly and
 * the host never sees it. Its content does not survive an IP reset; the
 * model clears it then, so every boot starts from the same state. The block
 * comes after the engines in blocks.def, so their IP reset has stopped any
 * transfer into it before it is cleared.
 */
#include <string.h>

#include "npum_internal.h"
#include "intel-npu/cmdbuf.h"

struct npum_cmx {
	uint8_t mem[NPU_CMX_SIZE];
};

bool npum_cmx_contains(uint64_t addr)
{
	return addr >= NPU_CMX_BASE && addr - NPU_CMX_BASE < NPU_CMX_SIZE;
}

uint8_t *npum_cmx_ptr(struct npum *n, uint64_t addr, uint64_t *len)
{
	struct npum_cmx *c = npum_priv(n, NPUM_BLOCK_cmx);
	uint64_t left;

	if (!npum_cmx_contains(addr))
		return NULL;
	left = NPU_CMX_SIZE - (addr - NPU_CMX_BASE);
	if (*len > left)
		*len = left;
	return c->mem + (addr - NPU_CMX_BASE);
}

static void cmx_ip_reset(struct npum *n)
{
	struct npum_cmx *c = npum_priv(n, NPUM_BLOCK_cmx);

	memset(c->mem, 0, sizeof(c->mem));
}

const struct npum_block npum_block_cmx = {
	.name = "cmx",
	.priv_size = sizeof(struct npum_cmx),
	.ip_reset = cmx_ip_reset,
};
