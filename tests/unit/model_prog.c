/* SPDX-License-Identifier: MIT */
/*
 * Control-core test programs: see model_prog.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "model_prog.h"
#include "intel-npu/lrt.h"
#include "intel-npu/pci.h"
#include "intel-npu/regs_btrs.h"
#include "intel-npu/regs_ip.h"
#include "intel-npu/regs_mmu.h"

#define MP_STEP_NS      1000u
#define MP_MON_WAIT_NS  10000000u

uint64_t mp_ram_size;

void mp_init(struct mp *p, const struct npum_config *cfg)
{
	struct npum_config def;
	int r;

	if (!cfg) {
		npum_config_default(&def);
		cfg = &def;
	}
	mh_init_cfg(&p->h, mp_ram_size ? mp_ram_size : MP_RAM_SIZE, cfg);
	r = mh_power_up_ip(&p->h);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	mh_mmu_setup(&p->h);
	r = mh_mmu_enable(&p->h);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	p->code_pa = mh_alloc(&p->h, MP_CODE_SIZE, 4096);
	p->data_pa = mh_alloc(&p->h, MP_DATA_SIZE, 4096);
	for (uint32_t off = 0; off < MP_CODE_SIZE; off += 4096)
		mh_map(&p->h, 0, MP_CODE_VA + off, p->code_pa + off, NPU_MMU_ENTRY_PAGE_IVPU);
	mh_map(&p->h, 0, MP_DATA_VA, p->data_pa, NPU_MMU_ENTRY_PAGE_IVPU);
	p->pc = MP_CODE_VA;
}

void mp_fini(struct mp *p)
{
	mh_fini(&p->h);
}

uint32_t mp_emit(struct mp *p, uint32_t insn)
{
	uint32_t at = p->pc;

	mp_patch(p, at, insn);
	p->pc += 4;
	return at;
}

void mp_patch(struct mp *p, uint32_t at, uint32_t insn)
{
	if (at < MP_CODE_VA || at - MP_CODE_VA > MP_CODE_SIZE - 4) {
		fprintf(stderr, "model_prog: code address 0x%x outside the code area\n", at);
		abort();
	}
	mh_w32(&p->h, p->code_pa + (at - MP_CODE_VA), insn);
}

void mp_li(struct mp *p, unsigned rd, uint32_t v)
{
	uint32_t hi = (v + 0x800u) & 0xfffff000u;

	mp_emit(p, RV_LUI(rd, hi));
	mp_emit(p, RV_ADDI(rd, rd, (int32_t)(v - hi)));
}

void mp_prologue(struct mp *p)
{
	mp_li(p, RV_T0, NPU_LRT_PERIPH_BASE);
	mp_li(p, RV_T1, MP_DATA_VA);
}

uint32_t mp_rel(uint32_t from, uint32_t to)
{
	return to - from;
}

void mp_periph_wr(struct mp *p, uint32_t off, uint32_t v)
{
	mp_li(p, RV_T2, v);
	mp_emit(p, RV_SW(RV_T2, RV_T0, (int32_t)off));
}

void mp_halt(struct mp *p, uint32_t code)
{
	uint32_t at;

	mp_periph_wr(p, NPU_LRT_HALT, code);
	at = mp_emit(p, 0);
	mp_patch(p, at, RV_JAL(0, 0));
}

void mp_boot(struct mp *p)
{
	mh_boot_core(&p->h, MP_CODE_VA);
}

void mp_run(struct mp *p, uint64_t ns)
{
	mh_advance(&p->h, ns);
	(void)mh_rd32(&p->h, NPU_BAR_REGB, NPU_BTRS_VPU_STATUS);
}

uint32_t mp_data(struct mp *p, unsigned idx)
{
	return mh_r32(&p->h, p->data_pa + 4u * idx);
}

void mp_set_data(struct mp *p, unsigned idx, uint32_t v)
{
	mh_w32(&p->h, p->data_pa + 4u * idx, v);
}

uint32_t mp_dsu_state(struct mp *p)
{
	return mh_rd32(&p->h, NPU_BAR_REGV, NPU_CPU_SS_DSU_LEON_RT_DSU_CTRL) & NPU_DSU_CTRL_STATE;
}

/* ---- Canned programs ------------------------------------------------------------ */

void mp_echo_boot(struct mp *p)
{
	uint32_t sleep, pop, b_empty;

	p->pc = MP_CODE_VA;
	mp_prologue(p);
	mp_periph_wr(p, NPU_LRT_INTC_ENABLE, NPU_LRT_IRQ_INBOX);
	mp_li(p, RV_A0, RV_MIE_MEIE);
	mp_emit(p, RV_CSRRS(0, RV_CSR_MIE, RV_A0));
	sleep = mp_emit(p, RV_WFI);
	pop = mp_emit(p, RV_LW(RV_A1, RV_T0, NPU_LRT_INBOX_DATA));
	mp_emit(p, RV_ADDI(RV_A2, RV_ZERO, -1));
	b_empty = mp_emit(p, 0);
	mp_patch(p, b_empty, RV_BEQ(RV_A1, RV_A2, (int32_t)mp_rel(b_empty, sleep)));
	mp_emit(p, RV_ADDI(RV_A1, RV_A1, 1));
	mp_emit(p, RV_SW(RV_A1, RV_T0, NPU_LRT_OUTBOX_DATA));
	mp_emit(p, RV_LW(RV_A3, RV_T1, 4 * MP_ECHO_COUNT));
	mp_emit(p, RV_ADDI(RV_A3, RV_A3, 1));
	mp_emit(p, RV_SW(RV_A3, RV_T1, 4 * MP_ECHO_COUNT));
	mp_emit(p, RV_JAL(0, (int32_t)mp_rel(p->pc, pop)));
	mp_set_data(p, MP_ECHO_COUNT, 0);
	mp_boot(p);
}

void mp_loop_boot(struct mp *p)
{
	p->pc = MP_CODE_VA;
	mp_emit(p, RV_ADDI(RV_A0, RV_A0, 1));
	mp_emit(p, RV_JAL(0, -4));
	mp_boot(p);
}

void mp_sleep_boot(struct mp *p)
{
	p->pc = MP_CODE_VA;
	mp_emit(p, RV_WFI);
	mp_emit(p, RV_JAL(0, -4));
	mp_boot(p);
}

/* ---- The monitor ----------------------------------------------------------------- */

void mp_monitor_boot(struct mp *p)
{
	uint32_t loop, done, handler, b_idle, b_not_load, b_not_store, b_not_lb, j_load, j_store;
	uint32_t j_lb, at;

	p->pc = MP_CODE_VA;
	mp_prologue(p);
	/* mtvec = handler (patched below) */
	at = p->pc;
	mp_li(p, RV_A0, 0);
	mp_emit(p, RV_CSRRW(0, RV_CSR_MTVEC, RV_A0));
	loop = mp_emit(p, RV_LW(RV_A0, RV_T1, 4 * MP_MON_CMD));
	b_idle = mp_emit(p, 0);                                  /* beq a0, zero, loop */
	mp_emit(p, RV_SW(RV_ZERO, RV_T1, 4 * MP_MON_CAUSE));
	mp_emit(p, RV_LW(RV_A1, RV_T1, 4 * MP_MON_ADDR));
	mp_emit(p, RV_ADDI(RV_A2, RV_ZERO, 1));
	b_not_load = mp_emit(p, 0);                              /* bne a0, a2, not_load */
	mp_emit(p, RV_LW(RV_A3, RV_A1, 0));
	mp_emit(p, RV_SW(RV_A3, RV_T1, 4 * MP_MON_VAL));
	j_load = mp_emit(p, 0);                                  /* j done */
	mp_patch(p, b_not_load, RV_BNE(RV_A0, RV_A2, (int32_t)mp_rel(b_not_load, p->pc)));
	mp_emit(p, RV_ADDI(RV_A2, RV_ZERO, 2));
	b_not_store = mp_emit(p, 0);                             /* bne a0, a2, halt */
	mp_emit(p, RV_LW(RV_A3, RV_T1, 4 * MP_MON_VAL));
	mp_emit(p, RV_SW(RV_A3, RV_A1, 0));
	j_store = mp_emit(p, 0);                                 /* j done */
	mp_patch(p, b_not_store, RV_BNE(RV_A0, RV_A2, (int32_t)mp_rel(b_not_store, p->pc)));
	mp_emit(p, RV_ADDI(RV_A2, RV_ZERO, 4));
	b_not_lb = mp_emit(p, 0);                                /* bne a0, a2, halt */
	mp_emit(p, RV_LB(RV_A3, RV_A1, 0));
	mp_emit(p, RV_SW(RV_A3, RV_T1, 4 * MP_MON_VAL));
	j_lb = mp_emit(p, 0);                                    /* j done */
	mp_patch(p, b_not_lb, RV_BNE(RV_A0, RV_A2, (int32_t)mp_rel(b_not_lb, p->pc)));
	mp_emit(p, RV_SW(RV_ZERO, RV_T1, 4 * MP_MON_CMD));
	mp_halt(p, 0);
	done = mp_emit(p, RV_LW(RV_A4, RV_T1, 4 * MP_MON_COUNT));
	mp_emit(p, RV_ADDI(RV_A4, RV_A4, 1));
	mp_emit(p, RV_SW(RV_A4, RV_T1, 4 * MP_MON_COUNT));
	mp_emit(p, RV_SW(RV_ZERO, RV_T1, 4 * MP_MON_CMD));
	mp_emit(p, RV_JAL(0, (int32_t)mp_rel(p->pc, loop)));
	mp_patch(p, b_idle, RV_BEQ(RV_A0, RV_ZERO, (int32_t)mp_rel(b_idle, loop)));
	mp_patch(p, j_load, RV_JAL(0, (int32_t)mp_rel(j_load, done)));
	mp_patch(p, j_store, RV_JAL(0, (int32_t)mp_rel(j_store, done)));
	mp_patch(p, j_lb, RV_JAL(0, (int32_t)mp_rel(j_lb, done)));
	/* Trap handler: record mcause/mtval, resume at done. */
	handler = p->pc;
	mp_emit(p, RV_CSRR(RV_A5, RV_CSR_MCAUSE));
	mp_emit(p, RV_SW(RV_A5, RV_T1, 4 * MP_MON_CAUSE));
	mp_emit(p, RV_CSRR(RV_A5, RV_CSR_MTVAL));
	mp_emit(p, RV_SW(RV_A5, RV_T1, 4 * MP_MON_TVAL));
	mp_li(p, RV_A5, done);
	mp_emit(p, RV_CSRRW(0, RV_CSR_MEPC, RV_A5));
	mp_emit(p, RV_MRET);
	/* patch the mtvec load */
	{
		uint32_t save = p->pc;

		p->pc = at;
		mp_li(p, RV_A0, handler);
		p->pc = save;
	}
	for (unsigned i = 0; i < 8; i++)
		mp_set_data(p, i, 0);
	mp_boot(p);
	mp_run(p, MP_STEP_NS);
}

static bool mp_command(struct mp *p, uint32_t cmd, uint32_t addr, uint32_t val, uint32_t *out,
		       uint32_t *cause)
{
	uint64_t waited = 0;

	mp_set_data(p, MP_MON_ADDR, addr);
	mp_set_data(p, MP_MON_VAL, val);
	mp_set_data(p, MP_MON_CMD, cmd);
	while (mp_data(p, MP_MON_CMD) != 0) {
		if (waited >= MP_MON_WAIT_NS)
			return false;
		mp_run(p, MP_STEP_NS);
		waited += MP_STEP_NS;
	}
	if (out)
		*out = mp_data(p, MP_MON_VAL);
	if (cause)
		*cause = mp_data(p, MP_MON_CAUSE);
	return true;
}

bool mp_peek(struct mp *p, uint32_t addr, uint32_t *val, uint32_t *cause)
{
	return mp_command(p, 1, addr, 0, val, cause);
}

bool mp_poke(struct mp *p, uint32_t addr, uint32_t val, uint32_t *cause)
{
	return mp_command(p, 2, addr, val, NULL, cause);
}

bool mp_peek_byte(struct mp *p, uint32_t addr, uint32_t *val, uint32_t *cause)
{
	return mp_command(p, 4, addr, 0, val, cause);
}

uint32_t mp_lrt_rd(struct mp *p, uint32_t off)
{
	uint32_t v = 0xDEADBEEF, cause = 0;

	CU_ASSERT_TRUE(mp_peek(p, NPU_LRT_PERIPH_BASE + off, &v, &cause));
	CU_ASSERT_EQUAL(cause, 0);
	return v;
}

void mp_lrt_wr(struct mp *p, uint32_t off, uint32_t v)
{
	uint32_t cause = 0;

	CU_ASSERT_TRUE(mp_poke(p, NPU_LRT_PERIPH_BASE + off, v, &cause));
	CU_ASSERT_EQUAL(cause, 0);
}
