/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the RV32IM interpreter (qemu-device/model/rv_core.c).
 *
 * Programs are assembled into a flat test memory with the encoders below and
 * run through a test bus. A few addresses just below 4 GiB (reachable from
 * x0 with a 12-bit offset) act as MMIO that calls back into the core, which
 * also exercises the "callback re-enters the core" paths.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrt/rv_core.h"

/* ---- test machine --------------------------------------------------------- */

#define MEM_SIZE    0x80000u      /* 512 KiB at address 0 */
#define CODE        0x1000u
#define HANDLER     0x3000u
#define DATA        0x8000u
#define FAR_CODE    0x41000u      /* same decoded-page slot as CODE (64 slots) */
#define UNMAPPED    0x100000u     /* any access faults */

/* MMIO (store only), x0-relative offsets */
#define MMIO_HALT   (-16)         /* halt(value != 0) */
#define MMIO_IRQ    (-12)         /* set_irq_lines(value) */
#define MMIO_FLUSH  (-8)          /* flush_icache() */
#define MMIO_RESET  (-4)          /* reset(value) */

#define MIP_MSI     (1u << RV_IRQ_MSI)
#define MIP_MTI     (1u << RV_IRQ_MTI)
#define MIP_MEI     (1u << RV_IRQ_MEI)
#define INTR        0x80000000u

enum {
	CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
	CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
	CSR_MTVAL = 0x343, CSR_MIP = 0x344,
	CSR_MCYCLE = 0xB00, CSR_MINSTRET = 0xB02, CSR_MCYCLEH = 0xB80,
	CSR_MINSTRETH = 0xB82, CSR_CYCLE = 0xC00, CSR_TIME = 0xC01,
	CSR_INSTRET = 0xC02, CSR_CYCLEH = 0xC80, CSR_TIMEH = 0xC81,
	CSR_INSTRETH = 0xC82, CSR_MVENDORID = 0xF11, CSR_MARCHID = 0xF12,
	CSR_MIMPID = 0xF13, CSR_MHARTID = 0xF14,
	CSR_UNKNOWN = 0x7C0,
};
#define MSTATUS_MIE  (1u << 3)
#define MSTATUS_MPIE (1u << 7)

struct test_machine {
	uint8_t mem[MEM_SIZE];
	struct rv_core *core;
	uint64_t time;
	unsigned fetches, loads, stores;
	uint32_t pc_in_callback;
	uint64_t instret_in_callback;
	/* trap hook record */
	unsigned hook_calls;
	uint32_t hook_cause, hook_epc, hook_tval, hook_pc, hook_old_mcause;
};

static struct test_machine *M;
static uint32_t asm_pc;   /* where emit() writes next */

static int tm_load(void *opaque, uint32_t addr, unsigned size, uint32_t *val)
{
	struct test_machine *m = opaque;
	uint32_t v = 0;

	m->loads++;
	m->pc_in_callback = rv_core_pc(m->core);
	m->instret_in_callback = rv_core_instret(m->core);
	if (addr >= MEM_SIZE || MEM_SIZE - addr < size)
		return -1;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)m->mem[addr + i] << (8 * i);
	*val = v;
	return 0;
}

static int tm_store(void *opaque, uint32_t addr, unsigned size, uint32_t val)
{
	struct test_machine *m = opaque;

	m->stores++;
	m->pc_in_callback = rv_core_pc(m->core);
	m->instret_in_callback = rv_core_instret(m->core);
	switch (addr) {
	case (uint32_t)MMIO_HALT:  rv_core_halt(m->core, val != 0); return 0;
	case (uint32_t)MMIO_IRQ:   rv_core_set_irq_lines(m->core, val); return 0;
	case (uint32_t)MMIO_FLUSH: rv_core_flush_icache(m->core); return 0;
	case (uint32_t)MMIO_RESET: rv_core_reset(m->core, val); return 0;
	default: break;
	}
	if (addr >= MEM_SIZE || MEM_SIZE - addr < size)
		return -1;
	for (unsigned i = 0; i < size; i++)
		m->mem[addr + i] = (uint8_t)(val >> (8 * i));
	return 0;
}

static int tm_fetch_page(void *opaque, uint32_t page_addr, uint8_t buf[4096])
{
	struct test_machine *m = opaque;

	m->fetches++;
	if (page_addr >= MEM_SIZE)
		return -1;
	memcpy(buf, m->mem + page_addr, 4096);
	return 0;
}

static uint64_t tm_time(void *opaque)
{
	struct test_machine *m = opaque;

	return m->time;
}

static const struct rv_bus *test_bus(void)
{
	static struct rv_bus bus;

	bus = (struct rv_bus){
		.opaque = M, .load = tm_load, .store = tm_store,
		.fetch_page = tm_fetch_page, .time = tm_time,
	};
	return &bus;
}

/* Fresh machine: zeroed memory, core reset at CODE, assembler at CODE. */
static void machine_setup(void)
{
	if (!M)
		M = calloc(1, sizeof(*M));
	else {
		rv_core_free(M->core);
		memset(M, 0, sizeof(*M));
	}
	M->core = rv_core_new(test_bus());
	rv_core_reset(M->core, CODE);
	asm_pc = CODE;
}

static int suite_init(void)
{
	machine_setup();
	return M && M->core ? 0 : -1;
}

static int suite_cleanup(void)
{
	if (M)
		rv_core_free(M->core);
	free(M);
	M = NULL;
	return 0;
}

static void put32(uint32_t addr, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		M->mem[addr + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(uint32_t addr)
{
	return (uint32_t)M->mem[addr] | (uint32_t)M->mem[addr + 1] << 8 |
	       (uint32_t)M->mem[addr + 2] << 16 | (uint32_t)M->mem[addr + 3] << 24;
}

/* ---- assembler ------------------------------------------------------------ */

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
			unsigned opc)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm;

	return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (u & 0x1f) << 7 | 0x23;
}

static uint32_t enc_b(int32_t off, unsigned rs1, unsigned rs2, unsigned f3)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 |
	       ((u >> 11) & 1) << 7 | 0x63;
}

static uint32_t enc_j(int32_t off, unsigned rd)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
	       ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

#define LUI(rd, v)          (((uint32_t)(v) & 0xfffff000u) | (rd) << 7 | 0x37)
#define AUIPC(rd, v)        (((uint32_t)(v) & 0xfffff000u) | (rd) << 7 | 0x17)
#define JAL(rd, off)        enc_j(off, rd)
#define JALR(rd, rs1, off)  enc_i(off, rs1, 0, rd, 0x67)
#define BEQ(a, b, off)      enc_b(off, a, b, 0)
#define BNE(a, b, off)      enc_b(off, a, b, 1)
#define BLT(a, b, off)      enc_b(off, a, b, 4)
#define BGE(a, b, off)      enc_b(off, a, b, 5)
#define BLTU(a, b, off)     enc_b(off, a, b, 6)
#define BGEU(a, b, off)     enc_b(off, a, b, 7)
#define LB(rd, rs1, off)    enc_i(off, rs1, 0, rd, 0x03)
#define LH(rd, rs1, off)    enc_i(off, rs1, 1, rd, 0x03)
#define LW(rd, rs1, off)    enc_i(off, rs1, 2, rd, 0x03)
#define LBU(rd, rs1, off)   enc_i(off, rs1, 4, rd, 0x03)
#define LHU(rd, rs1, off)   enc_i(off, rs1, 5, rd, 0x03)
#define SB(rs2, rs1, off)   enc_s(off, rs2, rs1, 0)
#define SH(rs2, rs1, off)   enc_s(off, rs2, rs1, 1)
#define SW(rs2, rs1, off)   enc_s(off, rs2, rs1, 2)
#define ADDI(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x13)
#define SLTI(rd, rs1, imm)  enc_i(imm, rs1, 2, rd, 0x13)
#define SLTIU(rd, rs1, imm) enc_i(imm, rs1, 3, rd, 0x13)
#define XORI(rd, rs1, imm)  enc_i(imm, rs1, 4, rd, 0x13)
#define ORI(rd, rs1, imm)   enc_i(imm, rs1, 6, rd, 0x13)
#define ANDI(rd, rs1, imm)  enc_i(imm, rs1, 7, rd, 0x13)
#define SLLI(rd, rs1, sh)   enc_r(0x00, sh, rs1, 1, rd, 0x13)
#define SRLI(rd, rs1, sh)   enc_r(0x00, sh, rs1, 5, rd, 0x13)
#define SRAI(rd, rs1, sh)   enc_r(0x20, sh, rs1, 5, rd, 0x13)
#define ADD(rd, a, b)       enc_r(0x00, b, a, 0, rd, 0x33)
#define SUB(rd, a, b)       enc_r(0x20, b, a, 0, rd, 0x33)
#define SLL(rd, a, b)       enc_r(0x00, b, a, 1, rd, 0x33)
#define SLT(rd, a, b)       enc_r(0x00, b, a, 2, rd, 0x33)
#define SLTU(rd, a, b)      enc_r(0x00, b, a, 3, rd, 0x33)
#define XOR(rd, a, b)       enc_r(0x00, b, a, 4, rd, 0x33)
#define SRL(rd, a, b)       enc_r(0x00, b, a, 5, rd, 0x33)
#define SRA(rd, a, b)       enc_r(0x20, b, a, 5, rd, 0x33)
#define OR(rd, a, b)        enc_r(0x00, b, a, 6, rd, 0x33)
#define AND(rd, a, b)       enc_r(0x00, b, a, 7, rd, 0x33)
#define MUL(rd, a, b)       enc_r(0x01, b, a, 0, rd, 0x33)
#define MULH(rd, a, b)      enc_r(0x01, b, a, 1, rd, 0x33)
#define MULHSU(rd, a, b)    enc_r(0x01, b, a, 2, rd, 0x33)
#define MULHU(rd, a, b)     enc_r(0x01, b, a, 3, rd, 0x33)
#define DIV(rd, a, b)       enc_r(0x01, b, a, 4, rd, 0x33)
#define DIVU(rd, a, b)      enc_r(0x01, b, a, 5, rd, 0x33)
#define REM(rd, a, b)       enc_r(0x01, b, a, 6, rd, 0x33)
#define REMU(rd, a, b)      enc_r(0x01, b, a, 7, rd, 0x33)
#define FENCE               0x0ff0000fu  /* fence iorw, iorw */
#define FENCE_I             0x0000100fu
#define ECALL               0x00000073u
#define EBREAK              0x00100073u
#define MRET                0x30200073u
#define WFI                 0x10500073u
#define NOP                 ADDI(0, 0, 0)
#define CSRRW(rd, csr, rs1)  enc_i(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1)  enc_i(csr, rs1, 2, rd, 0x73)
#define CSRRC(rd, csr, rs1)  enc_i(csr, rs1, 3, rd, 0x73)
#define CSRRWI(rd, csr, u)   enc_i(csr, u, 5, rd, 0x73)
#define CSRRSI(rd, csr, u)   enc_i(csr, u, 6, rd, 0x73)
#define CSRRCI(rd, csr, u)   enc_i(csr, u, 7, rd, 0x73)
#define CSRR(rd, csr)        CSRRS(rd, csr, 0)
#define HALT                 SW(0, 0, MMIO_HALT)

static uint32_t emit(uint32_t insn)
{
	uint32_t at = asm_pc;

	put32(at, insn);
	asm_pc += 4;
	return at;
}

static void org(uint32_t addr)
{
	asm_pc = addr;
}

/* li rd, v: lui + addi with the usual +0x800 rounding */
static void emit_li(unsigned rd, uint32_t v)
{
	uint32_t hi = (v + 0x800u) & 0xfffff000u;
	int32_t lo = (int32_t)(v - hi);

	emit(LUI(rd, hi));
	emit(ADDI(rd, rd, lo));
}

static void emit_csr_write(unsigned csr, uint32_t v)
{
	emit_li(31, v);
	emit(CSRRW(0, csr, 31));
}

/* ---- running -------------------------------------------------------------- */

static struct rv_core *core(void)
{
	return M->core;
}

static uint32_t reg(unsigned n)
{
	return rv_core_reg(M->core, n);
}

static uint32_t csr(uint32_t n)
{
	uint32_t v = 0xdeadbeef;

	CU_ASSERT_TRUE(rv_core_csr(M->core, n, &v));
	return v;
}

/* Run until the program halts through MMIO_HALT. */
static uint64_t run_to_halt(void)
{
	uint64_t n = rv_core_run(M->core, 1000000);

	CU_ASSERT_EQUAL(rv_core_state(M->core), RV_STATE_HALTED);
	return n;
}

/* Handler at HANDLER that halts: x20 = mcause, x21 = mepc, x22 = mtval. */
static void emit_halting_handler(void)
{
	uint32_t save = asm_pc;

	org(HANDLER);
	emit(CSRR(20, CSR_MCAUSE));
	emit(CSRR(21, CSR_MEPC));
	emit(CSRR(22, CSR_MTVAL));
	emit(HALT);
	org(save);
}

/* Program prologue: mtvec = HANDLER (halting handler). */
static void emit_trap_setup(void)
{
	emit_halting_handler();
	emit_csr_write(CSR_MTVEC, HANDLER);
}

struct trap_expect {
	uint32_t cause, epc, tval;
};

/* After a trap into the halting handler. */
static void check_trapped(struct trap_expect e)
{
	struct rv_trap_info t = rv_core_last_trap(core());

	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_HALTED);
	CU_ASSERT_TRUE(t.valid);
	CU_ASSERT_EQUAL(t.cause, e.cause);
	CU_ASSERT_EQUAL(t.epc, e.epc);
	CU_ASSERT_EQUAL(t.tval, e.tval);
	CU_ASSERT_EQUAL(reg(20), e.cause);
	CU_ASSERT_EQUAL(reg(21), e.epc);
	CU_ASSERT_EQUAL(reg(22), e.tval);
	if (t.cause != e.cause || t.epc != e.epc || t.tval != e.tval)
		printf("\n    trap: cause %#x epc %#x tval %#x, expected %#x %#x %#x\n",
		       t.cause, t.epc, t.tval, e.cause, e.epc, e.tval);
}

/* Execute one instruction at CODE with x1 = a, x2 = b; return x3. */
static uint32_t exec_one(uint32_t insn, uint32_t a, uint32_t b)
{
	machine_setup();
	emit(insn);
	rv_core_set_reg(core(), 1, a);
	rv_core_set_reg(core(), 2, b);
	CU_ASSERT_EQUAL(rv_core_run(core(), 1), 1);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_RUNNING);
	CU_ASSERT_EQUAL(rv_core_pc(core()), CODE + 4);
	CU_ASSERT_FALSE(rv_core_last_trap(core()).valid);
	return reg(3);
}

struct alu_case {
	const char *name;
	uint32_t insn;
	uint32_t a, b, expect;
};

static void run_alu_cases(const struct alu_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t got = exec_one(cases[i].insn, cases[i].a, cases[i].b);

		CU_ASSERT_EQUAL(got, cases[i].expect);
		if (got != cases[i].expect)
			printf("\n    %s(%#x, %#x) = %#x, expected %#x\n", cases[i].name,
			       cases[i].a, cases[i].b, got, cases[i].expect);
	}
}

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- RV32I: upper immediates, ALU ----------------------------------------- */

static void test_lui(void)
{
	const struct alu_case cases[] = {
		{ "lui", LUI(3, 0x12345000), 0, 0, 0x12345000 },
		{ "lui top", LUI(3, 0xfffff000), 0, 0, 0xfffff000 },
		{ "lui zero", LUI(3, 0), 0, 0, 0 },
	};
	run_alu_cases(cases, N_ELEMS(cases));
}

static void test_auipc(void)
{
	const struct alu_case cases[] = {
		{ "auipc +", AUIPC(3, 0x1000), 0, 0, CODE + 0x1000 },
		{ "auipc -", AUIPC(3, 0xfffff000), 0, 0, CODE - 0x1000 },
		{ "auipc 0", AUIPC(3, 0), 0, 0, CODE },
	};
	run_alu_cases(cases, N_ELEMS(cases));

	/* pc-relative in the middle of another page */
	machine_setup();
	org(0x2344);
	emit(AUIPC(3, 0x80000000));
	emit(HALT);
	rv_core_reset(core(), 0x2344);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(3), 0x80002344u);
}

static void test_alu_immediate(void)
{
	const struct alu_case cases[] = {
		{ "addi", ADDI(3, 1, 5), 10, 0, 15 },
		{ "addi neg", ADDI(3, 1, -1), 0, 0, 0xffffffff },
		{ "addi max", ADDI(3, 1, 2047), 1, 0, 2048 },
		{ "addi min", ADDI(3, 1, -2048), 0, 0, 0xfffff800 },
		{ "addi wrap", ADDI(3, 1, 1), 0xffffffff, 0, 0 },
		{ "slti lt", SLTI(3, 1, 0), 0xffffffff, 0, 1 },
		{ "slti ge", SLTI(3, 1, -1), 1, 0, 0 },
		{ "slti eq", SLTI(3, 1, -5), 0xfffffffb, 0, 0 },
		{ "slti min", SLTI(3, 1, 0), 0x80000000, 0, 1 },
		{ "sltiu sext", SLTIU(3, 1, -1), 1, 0, 1 },  /* imm = 0xffffffff */
		{ "sltiu lt", SLTIU(3, 1, 1), 0, 0, 1 },
		{ "sltiu eq", SLTIU(3, 1, 5), 5, 0, 0 },
		{ "sltiu big", SLTIU(3, 1, 1), 0x80000000, 0, 0 },
		{ "xori", XORI(3, 1, 0x0f0), 0x00ff00ff, 0, 0x00ff000f },
		{ "xori not", XORI(3, 1, -1), 0x12345678, 0, 0xedcba987 },
		{ "ori", ORI(3, 1, 0x00f), 0x12345670, 0, 0x1234567f },
		{ "ori overlap", ORI(3, 1, 0x0f0), 0xff, 0, 0xff },
		{ "ori sext", ORI(3, 1, -2048), 0, 0, 0xfffff800 },
		{ "andi", ANDI(3, 1, 0x7ff), 0xffffffff, 0, 0x7ff },
		{ "andi sext", ANDI(3, 1, -16), 0x12345678, 0, 0x12345670 },
		{ "slli", SLLI(3, 1, 4), 0x12345678, 0, 0x23456780 },
		{ "slli 31", SLLI(3, 1, 31), 3, 0, 0x80000000 },
		{ "slli 0", SLLI(3, 1, 0), 0xabcd, 0, 0xabcd },
		{ "srli", SRLI(3, 1, 4), 0x87654321, 0, 0x08765432 },
		{ "srli 31", SRLI(3, 1, 31), 0x80000000, 0, 1 },
		{ "srai neg", SRAI(3, 1, 4), 0x87654321, 0, 0xf8765432 },
		{ "srai pos", SRAI(3, 1, 4), 0x77654321, 0, 0x07765432 },
		{ "srai 31", SRAI(3, 1, 31), 0x80000000, 0, 0xffffffff },
		{ "srai 0", SRAI(3, 1, 0), 0x80000000, 0, 0x80000000 },
	};
	run_alu_cases(cases, N_ELEMS(cases));
}

static void test_alu_register(void)
{
	const struct alu_case cases[] = {
		{ "add", ADD(3, 1, 2), 40, 2, 42 },
		{ "add wrap", ADD(3, 1, 2), 0xffffffff, 2, 1 },
		{ "add neg", ADD(3, 1, 2), 5, 0xfffffffe, 3 },
		{ "sub", SUB(3, 1, 2), 40, 2, 38 },
		{ "sub wrap", SUB(3, 1, 2), 0, 1, 0xffffffff },
		{ "sll", SLL(3, 1, 2), 1, 5, 32 },
		{ "sll low 5 bits", SLL(3, 1, 2), 1, 33, 2 },
		{ "sll 31", SLL(3, 1, 2), 1, 31, 0x80000000 },
		{ "sll 32 = 0", SLL(3, 1, 2), 7, 0xffffffe0, 7 },
		{ "slt", SLT(3, 1, 2), 0xffffffff, 1, 1 },
		{ "slt no", SLT(3, 1, 2), 1, 0xffffffff, 0 },
		{ "slt eq", SLT(3, 1, 2), 5, 5, 0 },
		{ "slt min", SLT(3, 1, 2), 0x80000000, 0x7fffffff, 1 },
		{ "sltu", SLTU(3, 1, 2), 1, 0xffffffff, 1 },
		{ "sltu no", SLTU(3, 1, 2), 0xffffffff, 1, 0 },
		{ "sltu snez", SLTU(3, 0, 2), 0, 7, 1 },
		{ "sltu eq", SLTU(3, 1, 2), 5, 5, 0 },
		{ "xor", XOR(3, 1, 2), 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0 },
		{ "srl", SRL(3, 1, 2), 0x80000000, 4, 0x08000000 },
		{ "srl 63 -> 31", SRL(3, 1, 2), 0x80000000, 63, 1 },
		{ "srl 32 -> 0", SRL(3, 1, 2), 0x80000000, 32, 0x80000000 },
		{ "sra", SRA(3, 1, 2), 0x80000000, 4, 0xf8000000 },
		{ "sra 36 -> 4", SRA(3, 1, 2), 0x80000000, 36, 0xf8000000 },
		{ "sra 31", SRA(3, 1, 2), 0x80000000, 31, 0xffffffff },
		{ "sra pos", SRA(3, 1, 2), 0x40000000, 30, 1 },
		{ "or", OR(3, 1, 2), 0xf0f00000, 0x00000f0f, 0xf0f00f0f },
		{ "or overlap", OR(3, 1, 2), 0xff00ff00, 0x0ff00ff0, 0xfff0fff0 },
		{ "and", AND(3, 1, 2), 0xff00ff00, 0x0ff00ff0, 0x0f000f00 },
	};
	run_alu_cases(cases, N_ELEMS(cases));
}

static void test_x0_hardwired(void)
{
	machine_setup();
	emit(ADDI(0, 0, 5));
	emit(LUI(0, 0x12345000));
	emit(AUIPC(0, 0x1000));
	emit(ADD(3, 0, 0));
	emit_li(1, DATA);
	emit(LW(0, 1, 0));           /* the load still happens */
	emit(JAL(0, 8));             /* jump, no link */
	emit(ADDI(4, 0, 1));         /* skipped */
	emit(CSRR(0, CSR_MISA));
	emit(ADDI(5, 0, 0));         /* x5 = x0 */
	emit(HALT);
	put32(DATA, 0xdeadbeef);
	rv_core_set_reg(core(), 0, 0x1234);   /* ignored by the API too */
	run_to_halt();
	CU_ASSERT_EQUAL(reg(0), 0);
	CU_ASSERT_EQUAL(reg(3), 0);
	CU_ASSERT_EQUAL(reg(4), 0);
	CU_ASSERT_EQUAL(reg(5), 0);
	CU_ASSERT_EQUAL(M->loads, 1);
}

/* ---- M extension ---------------------------------------------------------- */

static void test_multiply(void)
{
	const struct alu_case cases[] = {
		{ "mul", MUL(3, 1, 2), 6, 7, 42 },
		{ "mul neg", MUL(3, 1, 2), 0xffffffff, 0xffffffff, 1 },
		{ "mul low", MUL(3, 1, 2), 0x12345678, 0x9abcdef0, 0x242d2080 },
		{ "mulh", MULH(3, 1, 2), 0x12345678, 0x9abcdef0, 0xf8cc93d6 },
		{ "mulh -1*-1", MULH(3, 1, 2), 0xffffffff, 0xffffffff, 0 },
		{ "mulh min*min", MULH(3, 1, 2), 0x80000000, 0x80000000, 0x40000000 },
		{ "mulh -2*3", MULH(3, 1, 2), 0xfffffffe, 3, 0xffffffff },
		{ "mulhsu", MULHSU(3, 1, 2), 0x12345678, 0x9abcdef0, 0x0b00ea4e },
		{ "mulhsu -1*max", MULHSU(3, 1, 2), 0xffffffff, 0xffffffff, 0xffffffff },
		{ "mulhsu 2*max", MULHSU(3, 1, 2), 2, 0xffffffff, 1 },
		{ "mulhsu min*max", MULHSU(3, 1, 2), 0x80000000, 0xffffffff, 0x80000000 },
		{ "mulhu", MULHU(3, 1, 2), 0x12345678, 0x9abcdef0, 0x0b00ea4e },
		{ "mulhu max", MULHU(3, 1, 2), 0xffffffff, 0xffffffff, 0xfffffffe },
		{ "mulhu small", MULHU(3, 1, 2), 6, 7, 0 },
	};
	run_alu_cases(cases, N_ELEMS(cases));
}

static void test_divide(void)
{
	const struct alu_case cases[] = {
		{ "div", DIV(3, 1, 2), 42, 6, 7 },
		{ "div trunc", DIV(3, 1, 2), 7, 0xfffffffe, 0xfffffffd },   /* 7/-2 = -3 */
		{ "div trunc neg", DIV(3, 1, 2), 0xfffffff9, 2, 0xfffffffd }, /* -7/2 = -3 */
		{ "div by 0", DIV(3, 1, 2), 1234, 0, 0xffffffff },
		{ "div neg by 0", DIV(3, 1, 2), 0x80000000, 0, 0xffffffff },
		{ "div overflow", DIV(3, 1, 2), 0x80000000, 0xffffffff, 0x80000000 },
		{ "divu", DIVU(3, 1, 2), 0xffffffff, 2, 0x7fffffff },
		{ "divu by 0", DIVU(3, 1, 2), 1234, 0, 0xffffffff },
		{ "divu min/-1", DIVU(3, 1, 2), 0x80000000, 0xffffffff, 0 },
		{ "rem", REM(3, 1, 2), 0xfffffff9, 2, 0xffffffff },   /* -7%2 = -1 */
		{ "rem pos", REM(3, 1, 2), 7, 0xfffffffe, 1 },        /* 7%-2 = 1 */
		{ "rem by 0", REM(3, 1, 2), 0xfffffff9, 0, 0xfffffff9 },
		{ "rem overflow", REM(3, 1, 2), 0x80000000, 0xffffffff, 0 },
		{ "remu", REMU(3, 1, 2), 0xffffffff, 10, 5 },
		{ "remu by 0", REMU(3, 1, 2), 7, 0, 7 },
	};
	run_alu_cases(cases, N_ELEMS(cases));
}

/* ---- control transfer ----------------------------------------------------- */

struct branch_case {
	const char *name;
	unsigned f3;
	uint32_t a, b;
	bool taken;
};

static void test_branches(void)
{
	static const struct branch_case cases[] = {
		{ "beq eq", 0, 5, 5, true },
		{ "beq ne", 0, 5, 6, false },
		{ "bne ne", 1, 5, 6, true },
		{ "bne eq", 1, 5, 5, false },
		{ "blt signed", 4, 0xffffffff, 1, true },
		{ "blt no", 4, 1, 0xffffffff, false },
		{ "blt eq", 4, 3, 3, false },
		{ "bge eq", 5, 3, 3, true },
		{ "bge gt", 5, 1, 0x80000000, true },
		{ "bge lt", 5, 0x80000000, 1, false },
		{ "bltu", 6, 1, 0xffffffff, true },
		{ "bltu no", 6, 0xffffffff, 1, false },
		{ "bltu eq", 6, 4, 4, false },
		{ "bgeu", 7, 0xffffffff, 1, true },
		{ "bgeu eq", 7, 4, 4, true },
		{ "bgeu no", 7, 1, 0xffffffff, false },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		const struct branch_case *bc = &cases[i];
		uint32_t expect = bc->taken ? 2 : 1;

		machine_setup();
		emit(enc_b(12, 1, 2, bc->f3));     /* CODE+0 -> CODE+12 */
		emit(ADDI(3, 0, 1));
		emit(HALT);
		emit(ADDI(3, 0, 2));
		emit(HALT);
		rv_core_set_reg(core(), 1, bc->a);
		rv_core_set_reg(core(), 2, bc->b);
		run_to_halt();
		CU_ASSERT_EQUAL(reg(3), expect);
		if (reg(3) != expect)
			printf("\n    %s(%#x, %#x): taken=%d expected %d\n", bc->name,
			       bc->a, bc->b, reg(3) == 2, bc->taken);
	}
}

/* A backward branch loop: sum 1..100. */
static void test_loop(void)
{
	machine_setup();
	emit(ADDI(1, 0, 100));
	emit(ADDI(3, 0, 0));
	emit(ADD(3, 3, 1));          /* loop: */
	emit(ADDI(1, 1, -1));
	emit(BNE(1, 0, -8));
	emit(HALT);
	CU_ASSERT_EQUAL(run_to_halt(), 2 + 3 * 100 + 1);
	CU_ASSERT_EQUAL(reg(3), 5050);
	CU_ASSERT_EQUAL(M->fetches, 1);   /* one page, decoded once */
}

static void test_jal(void)
{
	machine_setup();
	emit(JAL(1, 12));                 /* CODE -> CODE+12, x1 = CODE+4 */
	emit(HALT);                       /* CODE+4 */
	emit(ADDI(3, 0, 99));             /* CODE+8: skipped */
	emit(ADDI(4, 0, 7));              /* CODE+12 */
	emit(JAL(5, -12));                /* CODE+16 -> CODE+4, x5 = CODE+20 */
	run_to_halt();
	CU_ASSERT_EQUAL(reg(1), CODE + 4);
	CU_ASSERT_EQUAL(reg(5), CODE + 20);
	CU_ASSERT_EQUAL(reg(3), 0);
	CU_ASSERT_EQUAL(reg(4), 7);
}

static void test_jalr(void)
{
	machine_setup();
	emit_li(1, CODE + 0x40 - 3);
	emit(JALR(5, 1, 4));              /* target CODE+0x41: bit 0 cleared */
	emit(HALT);
	org(CODE + 0x40);
	emit(ADDI(3, 0, 1));
	emit(ADDI(6, 0, 0x100));
	emit(ADDI(7, 0, 0x100));
	emit_li(8, CODE + 0x80);
	emit(JALR(8, 8, 0));              /* rd == rs1: uses the old value */
	org(CODE + 0x80);
	emit(JALR(0, 5, 0));              /* return to CODE+12 */
	run_to_halt();
	CU_ASSERT_EQUAL(reg(5), CODE + 12);
	CU_ASSERT_EQUAL(reg(3), 1);
	CU_ASSERT_EQUAL(reg(8), CODE + 0x40 + 20 + 4);
	CU_ASSERT_EQUAL(rv_core_pc(core()), CODE + 16);
}

/* Code that crosses a page boundary straight-line and by a jump to a page
 * in the same cache slot. */
static void test_cross_page(void)
{
	machine_setup();
	org(0x1ff8);
	emit(ADDI(3, 0, 1));
	emit(ADDI(3, 3, 1));
	emit(ADDI(3, 3, 1));              /* 0x2000: next page */
	emit(ADDI(4, 0, 3));              /* round trips */
	emit_li(1, FAR_CODE);
	emit(JALR(5, 1, 0));              /* 0x2010: call FAR_CODE */
	emit(ADDI(4, 4, -1));
	emit(BNE(4, 0, -8));
	emit(HALT);
	org(FAR_CODE);
	emit(ADDI(3, 3, 10));
	emit(JALR(0, 5, 0));
	rv_core_reset(core(), 0x1ff8);
	CU_ASSERT_EQUAL(run_to_halt(), 3 + 1 + 2 + 3 * 5 + 1);
	CU_ASSERT_EQUAL(reg(3), 33);
	CU_ASSERT_TRUE(M->fetches >= 3);
	CU_ASSERT_EQUAL(rv_core_pc(core()), 0x2020);
}

static void test_misaligned_jumps(void)
{
	/* JAL to CODE+6 */
	machine_setup();
	emit_trap_setup();
	uint32_t at = emit(JAL(1, 6));
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_INSN_MISALIGNED, at, at + 6 });
	CU_ASSERT_EQUAL(reg(1), 0);        /* rd not written */

	/* JALR: bit 0 is cleared, bit 1 is not */
	machine_setup();
	emit_trap_setup();
	emit_li(2, DATA + 3);
	at = emit(JALR(1, 2, 0));
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_INSN_MISALIGNED, at, DATA + 2 });
	CU_ASSERT_EQUAL(reg(1), 0);

	/* taken branch traps, not-taken does not */
	machine_setup();
	emit_trap_setup();
	emit(BEQ(0, 1, 6));                /* x1 != 0: not taken */
	emit(ADDI(3, 0, 1));
	at = emit(BEQ(0, 0, 6));
	rv_core_set_reg(core(), 1, 1);
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_INSN_MISALIGNED, at, at + 6 });
	CU_ASSERT_EQUAL(reg(3), 1);
}

/* ---- loads and stores ----------------------------------------------------- */

static void test_loads(void)
{
	const struct alu_case cases[] = {
		{ "lb neg", LB(3, 1, 0), DATA, 0, 0xffffff80 },
		{ "lb pos", LB(3, 1, 1), DATA, 0, 0x7f },
		{ "lbu", LBU(3, 1, 0), DATA, 0, 0x80 },
		{ "lbu ff", LBU(3, 1, 2), DATA, 0, 0xff },
		{ "lh neg", LH(3, 1, 4), DATA, 0, 0xffff8001 },
		{ "lh pos", LH(3, 1, 6), DATA, 0, 0x7ffe },
		{ "lhu", LHU(3, 1, 4), DATA, 0, 0x8001 },
		{ "lw", LW(3, 1, 8), DATA, 0, 0x89abcdef },
		{ "lw neg off", LW(3, 1, -4), DATA + 12, 0, 0x89abcdef },
		{ "lb odd", LB(3, 1, 3), DATA, 0, 0xffffffee },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		uint32_t got;

		machine_setup();
		M->mem[DATA + 0] = 0x80;
		M->mem[DATA + 1] = 0x7f;
		M->mem[DATA + 2] = 0xff;
		M->mem[DATA + 3] = 0xee;
		put32(DATA + 4, 0x7ffe8001);
		put32(DATA + 8, 0x89abcdef);
		emit(cases[i].insn);
		rv_core_set_reg(core(), 1, cases[i].a);
		CU_ASSERT_EQUAL(rv_core_run(core(), 1), 1);
		got = reg(3);
		CU_ASSERT_EQUAL(got, cases[i].expect);
		if (got != cases[i].expect)
			printf("\n    %s = %#x, expected %#x\n", cases[i].name, got, cases[i].expect);
	}
}

static void test_stores(void)
{
	machine_setup();
	memset(M->mem + DATA, 0x55, 16);
	emit_li(1, DATA);
	emit_li(2, 0x89abcdef);
	emit(SB(2, 1, 1));
	emit(SH(2, 1, 6));
	emit(SW(2, 1, 8));
	emit(SW(2, 1, 0x7fc));            /* largest offset */
	emit_li(3, DATA + 0x100);
	emit(SB(2, 3, -1));               /* negative offset */
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(get32(DATA), 0x5555ef55);
	CU_ASSERT_EQUAL(get32(DATA + 4), 0xcdef5555);
	CU_ASSERT_EQUAL(get32(DATA + 8), 0x89abcdef);
	CU_ASSERT_EQUAL(get32(DATA + 12), 0x55555555);
	CU_ASSERT_EQUAL(get32(DATA + 0x7fc), 0x89abcdef);
	CU_ASSERT_EQUAL(M->mem[DATA + 0xff], 0xef);
	CU_ASSERT_EQUAL(M->mem[DATA + 0x100], 0);
}

struct mem_fault_case {
	const char *name;
	uint32_t insn;      /* base register x1, value x2 */
	uint32_t addr;      /* x1 */
	uint32_t cause;
};

static void test_memory_exceptions(void)
{
	const struct mem_fault_case cases[] = {
		{ "lh odd", LH(3, 1, 0), DATA + 1, RV_EXC_LOAD_MISALIGNED },
		{ "lhu odd", LHU(3, 1, 0), DATA + 3, RV_EXC_LOAD_MISALIGNED },
		{ "lw +2", LW(3, 1, 0), DATA + 2, RV_EXC_LOAD_MISALIGNED },
		{ "lw +1", LW(3, 1, 0), DATA + 1, RV_EXC_LOAD_MISALIGNED },
		{ "sh odd", SH(2, 1, 0), DATA + 1, RV_EXC_STORE_MISALIGNED },
		{ "sw +2", SW(2, 1, 0), DATA + 2, RV_EXC_STORE_MISALIGNED },
		{ "lb fault", LB(3, 1, 0), UNMAPPED + 1, RV_EXC_LOAD_ACCESS },
		{ "lw fault", LW(3, 1, 0), UNMAPPED, RV_EXC_LOAD_ACCESS },
		{ "lhu fault", LHU(3, 1, 0), UNMAPPED, RV_EXC_LOAD_ACCESS },
		{ "sb fault", SB(2, 1, 0), UNMAPPED + 3, RV_EXC_STORE_ACCESS },
		{ "sw fault", SW(2, 1, 0), UNMAPPED, RV_EXC_STORE_ACCESS },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		uint32_t at;

		machine_setup();
		emit_trap_setup();
		emit_li(1, cases[i].addr);
		emit_li(2, 0x12345678);
		emit_li(3, 0xcafe);
		at = emit(cases[i].insn);
		emit(HALT);
		run_to_halt();
		check_trapped((struct trap_expect){ cases[i].cause, at, cases[i].addr });
		CU_ASSERT_EQUAL(reg(3), 0xcafe);   /* rd untouched */
		CU_ASSERT_EQUAL(get32(DATA), 0);   /* nothing stored */
		if (rv_core_last_trap(core()).cause != cases[i].cause)
			printf("\n    case %s\n", cases[i].name);
	}
	/* byte accesses are never misaligned */
	CU_ASSERT_EQUAL(exec_one(LBU(3, 1, 0), DATA + 3, 0), 0);
}

static void test_fetch_fault(void)
{
	uint32_t at;

	machine_setup();
	emit_trap_setup();
	emit_li(1, UNMAPPED + 0x10);
	at = emit(JALR(5, 1, 0));
	run_to_halt();
	/* the fault is reported at the target, after the jump completed */
	check_trapped((struct trap_expect){ RV_EXC_INSN_ACCESS, UNMAPPED + 0x10, UNMAPPED + 0x10 });
	CU_ASSERT_EQUAL(reg(5), at + 4);

	/* falling off the end of memory into an unmapped page */
	machine_setup();
	emit_trap_setup();
	emit_li(1, MEM_SIZE - 8);
	emit(JALR(0, 1, 0));
	org(MEM_SIZE - 8);
	emit(NOP);
	emit(NOP);
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_INSN_ACCESS, MEM_SIZE, MEM_SIZE });
}

/* ---- system instructions -------------------------------------------------- */

static void test_fence(void)
{
	CU_ASSERT_EQUAL(exec_one(FENCE, 0, 0), 0);
	CU_ASSERT_EQUAL(exec_one(0x8330000f, 0, 0), 0);   /* fence.tso */
	/* reserved fields of FENCE.I are ignored */
	CU_ASSERT_EQUAL(exec_one(FENCE_I | 0x123u << 20 | 5u << 15 | 5u << 7, 0, 0), 0);
}

/* Self-modifying code is visible only after FENCE.I (or a flush). */
static void self_modifying_program(uint32_t sync_insn)
{
	machine_setup();
	emit_li(1, CODE + 0x100);
	emit_li(2, ADDI(3, 3, 100));
	emit(SW(2, 1, 0));                /* patch the subroutine */
	emit(JALR(7, 1, 0));              /* stale: x3 += 1 */
	emit(sync_insn);
	emit(JALR(7, 1, 0));              /* x3 += 100 if synchronised */
	emit(HALT);
	org(CODE + 0x100);
	emit(ADDI(3, 3, 1));
	emit(JALR(0, 7, 0));
	run_to_halt();
}

static void test_fence_i(void)
{
	self_modifying_program(NOP);
	CU_ASSERT_EQUAL(reg(3), 2);
	CU_ASSERT_EQUAL(M->fetches, 1);

	self_modifying_program(FENCE_I);
	CU_ASSERT_EQUAL(reg(3), 101);
	CU_ASSERT_EQUAL(M->fetches, 2);

	/* the owner flushing from inside a store callback */
	self_modifying_program(SW(0, 0, MMIO_FLUSH));
	CU_ASSERT_EQUAL(reg(3), 101);
}

static void test_flush_icache_api(void)
{
	uint32_t body;

	machine_setup();
	emit_csr_write(CSR_MIE, MIP_MEI);
	body = emit(ADDI(3, 3, 1));
	emit(WFI);
	emit(JAL(0, -8));
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_WFI);
	CU_ASSERT_EQUAL(reg(3), 1);
	put32(body, ADDI(3, 3, 50));              /* the owner rewrites code */
	rv_core_set_irq_lines(core(), MIP_MEI);   /* wake; MIE = 0: no trap */
	CU_ASSERT_EQUAL(rv_core_run(core(), 3), 3); /* jal, stale addi, wfi (no-op) */
	CU_ASSERT_EQUAL(reg(3), 2);
	rv_core_flush_icache(core());
	CU_ASSERT_EQUAL(rv_core_run(core(), 2), 2); /* jal, new addi */
	CU_ASSERT_EQUAL(reg(3), 52);
}

static void test_ecall_ebreak(void)
{
	uint32_t at;

	machine_setup();
	emit_trap_setup();
	at = emit(ECALL);
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_ECALL_M, at, 0 });

	machine_setup();
	emit_trap_setup();
	at = emit(EBREAK);
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_BREAKPOINT, at, 0 });
}

static void test_illegal_instructions(void)
{
	static const uint32_t words[] = {
		0x00000000,                     /* all zeros */
		0xffffffff,                     /* all ones */
		0x00000001,                     /* compressed encoding */
		0x10200073,                     /* sret */
		0x00200073,                     /* uret */
		0x12000073,                     /* sfence.vma */
		0x00004073,                     /* SYSTEM funct3 = 4 */
		0x34004073,                     /* ... even with a valid CSR */
		0x00100074 | 0x3,               /* ebreak with bad opcode bits: 0x77 */
		0x00001067,                     /* jalr funct3 = 1 */
		0x00002063,                     /* branch funct3 = 2 */
		0x00003063,                     /* branch funct3 = 3 */
		0x00003003,                     /* ld */
		0x00006003,                     /* lwu */
		0x00007003,                     /* load funct3 = 7 */
		0x00003023,                     /* sd */
		0x00004023,                     /* store funct3 = 4 */
		0x02001013,                     /* slli shamt[5] = 1 (RV64 only) */
		0x42001013,                     /* slli funct7 = 0x20 */
		0x02005013,                     /* srli shamt[5] = 1 */
		0x42005013 | 1u << 25,          /* srai shamt[5] = 1 */
		0x40001033,                     /* sll funct7 = 0x20 */
		0x40002033,                     /* slt funct7 = 0x20 */
		0x04000033,                     /* add funct7 = 2 */
		0x0000002f,                     /* AMO (no A extension) */
		0x00000007,                     /* FLW (no F) */
		0x0000001b,                     /* OP-IMM-32 (RV64) */
		0x0000200f,                     /* MISC-MEM funct3 = 2 */
		0x30500073 | 0x00200000,        /* wfi-like with a different rs2 */
	};

	for (size_t i = 0; i < N_ELEMS(words); i++) {
		uint32_t at;

		machine_setup();
		emit_trap_setup();
		at = emit(words[i]);
		run_to_halt();
		check_trapped((struct trap_expect){ RV_EXC_ILLEGAL_INSN, at, words[i] });
		if (rv_core_last_trap(core()).cause != RV_EXC_ILLEGAL_INSN)
			printf("\n    word %#x not illegal\n", words[i]);
	}
}

static void test_mret(void)
{
	machine_setup();
	emit_csr_write(CSR_MEPC, CODE + 0x40 + 2);      /* bits 1:0 read as 0 */
	emit_csr_write(CSR_MSTATUS, MSTATUS_MPIE);
	emit(MRET);
	emit(HALT);
	org(CODE + 0x40);
	emit(CSRR(3, CSR_MSTATUS));
	emit(ADDI(4, 0, 1));
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(4), 1);
	/* MIE = MPIE (1), MPIE = 1, MPP reads M */
	CU_ASSERT_EQUAL(reg(3), MSTATUS_MIE | MSTATUS_MPIE | 3u << 11);

	/* MPIE = 0: MIE ends 0, MPIE still set to 1 */
	machine_setup();
	emit_csr_write(CSR_MEPC, CODE + 0x40);
	emit_csr_write(CSR_MSTATUS, MSTATUS_MIE);
	emit(MRET);
	org(CODE + 0x40);
	emit(CSRR(3, CSR_MSTATUS));
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(3), MSTATUS_MPIE | 3u << 11);
}

/* ---- CSRs ----------------------------------------------------------------- */

static void test_csr_instructions(void)
{
	machine_setup();
	emit_li(1, 0xf0f0f0f0);
	emit_li(2, 0x0000ffff);
	emit(CSRRW(3, CSR_MSCRATCH, 1));   /* x3 = 0, mscratch = f0f0f0f0 */
	emit(CSRRS(4, CSR_MSCRATCH, 2));   /* x4 = f0f0f0f0, |= ffff */
	emit(CSRRC(5, CSR_MSCRATCH, 1));   /* x5 = f0f0ffff, &= ~f0f0f0f0 */
	emit(CSRRWI(6, CSR_MSCRATCH, 0x15)); /* x6 = 0f0f, = 0x15 */
	emit(CSRRSI(7, CSR_MSCRATCH, 0x0a)); /* x7 = 0x15, |= 0xa */
	emit(CSRRCI(8, CSR_MSCRATCH, 0x03)); /* x8 = 0x1f, &= ~3 */
	emit(CSRR(9, CSR_MSCRATCH));       /* x9 = 0x1c */
	emit(CSRRW(1, CSR_MSCRATCH, 1));   /* rd == rs1: swap */
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(3), 0);
	CU_ASSERT_EQUAL(reg(4), 0xf0f0f0f0);
	CU_ASSERT_EQUAL(reg(5), 0xf0f0ffff);
	CU_ASSERT_EQUAL(reg(6), 0x00000f0f);
	CU_ASSERT_EQUAL(reg(7), 0x15);
	CU_ASSERT_EQUAL(reg(8), 0x1f);
	CU_ASSERT_EQUAL(reg(9), 0x1c);
	CU_ASSERT_EQUAL(reg(1), 0x1c);
	CU_ASSERT_EQUAL(csr(CSR_MSCRATCH), 0xf0f0f0f0);
}

static void test_csr_values(void)
{
	machine_setup();
	emit(CSRR(3, CSR_MISA));
	emit(CSRR(4, CSR_MVENDORID));
	emit(CSRR(5, CSR_MARCHID));
	emit(CSRR(6, CSR_MIMPID));
	emit(CSRR(7, CSR_MHARTID));
	emit(CSRR(8, CSR_MSTATUS));
	emit_li(1, 0xffffffff);
	emit(CSRRW(0, CSR_MISA, 1));       /* ignored, no trap */
	emit(CSRRW(0, CSR_MSTATUS, 1));    /* only MIE/MPIE stick */
	emit(CSRRW(0, CSR_MIE, 1));        /* only MSIE/MTIE/MEIE */
	emit(CSRRW(0, CSR_MEPC, 1));       /* bits 1:0 zero */
	emit(CSRRW(0, CSR_MIP, 1));        /* line bits ignored */
	emit(CSRRW(0, CSR_MCAUSE, 1));
	emit(CSRRW(0, CSR_MTVAL, 1));
	emit(CSRRW(0, CSR_MTVEC, 1));      /* mode 3 -> bit 1 dropped */
	emit(CSRRW(0, CSR_MSTATUS, 0));    /* MIE off again (mie has bits set) */
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(3), 0x40001100);
	CU_ASSERT_EQUAL(reg(4), 0);
	CU_ASSERT_EQUAL(reg(5), 0);
	CU_ASSERT_EQUAL(reg(6), 0);
	CU_ASSERT_EQUAL(reg(7), 0);
	CU_ASSERT_EQUAL(reg(8), 3u << 11);
	CU_ASSERT_EQUAL(csr(CSR_MISA), 0x40001100);
	CU_ASSERT_EQUAL(csr(CSR_MSTATUS), 3u << 11);
	CU_ASSERT_EQUAL(csr(CSR_MIE), MIP_MSI | MIP_MTI | MIP_MEI);
	CU_ASSERT_EQUAL(csr(CSR_MEPC), 0xfffffffc);
	CU_ASSERT_EQUAL(csr(CSR_MIP), 0);
	CU_ASSERT_EQUAL(csr(CSR_MCAUSE), 0xffffffff);
	CU_ASSERT_EQUAL(csr(CSR_MTVAL), 0xffffffff);
	CU_ASSERT_EQUAL(csr(CSR_MTVEC), 0xfffffffd);

	/* mip shows the lines, and ignores software */
	rv_core_set_irq_lines(core(), MIP_MEI | MIP_MTI | (1u << 9) | 1u);
	CU_ASSERT_EQUAL(csr(CSR_MIP), MIP_MEI | MIP_MTI);
	CU_ASSERT_TRUE(rv_core_irq_pending(core()));
	CU_ASSERT_FALSE(rv_core_csr(core(), CSR_UNKNOWN, NULL));
	CU_ASSERT_FALSE(rv_core_csr(core(), 0x1300, NULL));
}

struct csr_fault_case {
	const char *name;
	uint32_t insn;
};

static void test_csr_illegal(void)
{
	const struct csr_fault_case cases[] = {
		{ "read unknown", CSRR(3, CSR_UNKNOWN) },
		{ "write unknown", CSRRW(0, CSR_UNKNOWN, 1) },
		{ "sstatus", CSRR(3, 0x100) },
		{ "satp", CSRR(3, 0x180) },
		{ "mcounteren", CSRR(3, 0x306) },
		{ "write mvendorid", CSRRW(0, CSR_MVENDORID, 1) },
		{ "write mhartid x0", CSRRW(0, CSR_MHARTID, 0) },
		{ "set mimpid, reg = 0", CSRRS(3, CSR_MIMPID, 5) },   /* x5 = 0 */
		{ "set cycle", CSRRS(3, CSR_CYCLE, 1) },
		{ "clear instret", CSRRC(3, CSR_INSTRET, 1) },
		{ "wi time", CSRRWI(3, CSR_TIME, 0) },
		{ "si instreth", CSRRSI(3, CSR_INSTRETH, 1) },
		{ "ci cycleh", CSRRCI(3, CSR_CYCLEH, 2) },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		uint32_t at;

		machine_setup();
		emit_trap_setup();
		emit(ADDI(1, 0, 1));
		emit(ADDI(3, 0, 77));
		at = emit(cases[i].insn);
		emit(HALT);
		run_to_halt();
		check_trapped((struct trap_expect){ RV_EXC_ILLEGAL_INSN, at, cases[i].insn });
		CU_ASSERT_EQUAL(reg(3), 77);
		if (rv_core_last_trap(core()).cause != RV_EXC_ILLEGAL_INSN)
			printf("\n    case %s\n", cases[i].name);
	}

	/* Read-only CSRs may be read by the set/clear forms with x0 / uimm 0. */
	machine_setup();
	emit_trap_setup();
	emit(CSRRS(3, CSR_MVENDORID, 0));
	emit(CSRRC(4, CSR_INSTRET, 0));
	emit(CSRRSI(5, CSR_MHARTID, 0));
	emit(CSRRCI(6, CSR_CYCLE, 0));
	emit(HALT);
	run_to_halt();
	CU_ASSERT_FALSE(rv_core_last_trap(core()).valid);
	CU_ASSERT_EQUAL(reg(4), 4);    /* li (2) + csrrw + csrrs before it */
	CU_ASSERT_EQUAL(reg(6), 6);
}

static void test_counters(void)
{
	machine_setup();
	emit(NOP);
	emit(NOP);
	emit(NOP);
	emit(CSRR(3, CSR_MINSTRET));       /* 3 before it */
	emit(CSRR(4, CSR_MCYCLE));         /* 4 */
	emit(CSRR(5, CSR_INSTRET));        /* 5 */
	emit(CSRR(6, CSR_CYCLE));          /* 6 */
	emit(CSRR(7, CSR_MINSTRETH));
	emit(CSRR(8, CSR_CYCLEH));
	emit_li(1, 1000);
	emit(CSRRW(9, CSR_MINSTRET, 1));   /* x9 = 11, next reads 1000 */
	emit(CSRR(10, CSR_MINSTRET));      /* 1000 */
	emit(CSRR(11, CSR_MINSTRET));      /* 1001 */
	emit(CSRR(12, CSR_MCYCLE));        /* unaffected: 14 */
	emit(ADDI(1, 0, 5));
	emit(CSRRW(0, CSR_MCYCLEH, 1));
	emit(CSRR(13, CSR_MCYCLEH));       /* 5 */
	emit(CSRR(14, CSR_MINSTRETH));     /* 0 */
	emit_li(1, 0xffffffff);
	emit(CSRRW(0, CSR_MINSTRET, 1));
	emit(NOP);                          /* carries into the high half */
	emit(CSRR(15, CSR_MINSTRETH));     /* 1 */
	emit(CSRR(16, CSR_MINSTRET));      /* 1 */
	emit(ADDI(1, 0, 7));
	emit(CSRRW(0, CSR_MINSTRETH, 1));
	emit(CSRR(17, CSR_MINSTRETH));     /* 7 */
	emit(CSRR(18, CSR_MCYCLEH));       /* 5: independent */
	/* A write suppresses the writing instruction's own increment of the
	 * whole 64-bit counter (Spike, Sail): no carry between the halves. */
	emit(ADDI(1, 0, -1));               /* 0xffffffff */
	emit(ADDI(2, 0, 7));
	emit(ADDI(21, 0, 5));
	emit(CSRRW(0, CSR_MINSTRETH, 0));
	emit(CSRRW(0, CSR_MINSTRET, 1));   /* the next one sees 0x0_ffffffff */
	emit(CSRRW(0, CSR_MINSTRETH, 2));  /* -> 0x7_ffffffff, low untouched */
	emit(CSRR(19, CSR_MINSTRETH));     /* 7 */
	emit(CSRR(20, CSR_MINSTRET));      /* 0: the CSRR before carried */
	emit(CSRRW(0, CSR_MINSTRETH, 0));
	emit(CSRRW(0, CSR_MINSTRET, 1));   /* 0x0_ffffffff again */
	emit(CSRRW(0, CSR_MINSTRET, 21));  /* -> 0x0_00000005, no carry */
	emit(CSRR(22, CSR_MINSTRETH));     /* 0 */
	emit(CSRR(23, CSR_MINSTRET));      /* 6 */
	emit(CSRRW(0, CSR_MCYCLEH, 0));
	emit(CSRRW(0, CSR_MCYCLE, 1));
	emit(CSRRW(0, CSR_MCYCLEH, 2));    /* the same for mcycle */
	emit(CSRR(24, CSR_MCYCLEH));       /* 7 */
	emit(CSRR(25, CSR_MCYCLE));        /* 0 */
	emit(HALT);
	uint64_t n = run_to_halt();
	CU_ASSERT_EQUAL(reg(3), 3);
	CU_ASSERT_EQUAL(reg(4), 4);
	CU_ASSERT_EQUAL(reg(5), 5);
	CU_ASSERT_EQUAL(reg(6), 6);
	CU_ASSERT_EQUAL(reg(7), 0);
	CU_ASSERT_EQUAL(reg(8), 0);
	CU_ASSERT_EQUAL(reg(9), 11);
	CU_ASSERT_EQUAL(reg(10), 1000);
	CU_ASSERT_EQUAL(reg(11), 1001);
	CU_ASSERT_EQUAL(reg(12), 14);
	CU_ASSERT_EQUAL(reg(13), 5);
	CU_ASSERT_EQUAL(reg(14), 0);
	CU_ASSERT_EQUAL(reg(15), 1);
	CU_ASSERT_EQUAL(reg(16), 1);
	CU_ASSERT_EQUAL(reg(17), 7);
	CU_ASSERT_EQUAL(reg(18), 5);
	CU_ASSERT_EQUAL(reg(19), 7);
	CU_ASSERT_EQUAL(reg(20), 0);
	CU_ASSERT_EQUAL(reg(22), 0);
	CU_ASSERT_EQUAL(reg(23), 6);
	CU_ASSERT_EQUAL(reg(24), 7);
	CU_ASSERT_EQUAL(reg(25), 0);
	CU_ASSERT_EQUAL(rv_core_instret(core()), n);
	CU_ASSERT_EQUAL(n, 48);
}

static void test_time_csr(void)
{
	struct rv_bus no_time = *test_bus();
	struct rv_core *c2;
	uint32_t v = 1;

	machine_setup();
	M->time = 0x123456789abull;
	emit(CSRR(3, CSR_TIME));
	emit(CSRR(4, CSR_TIMEH));
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(3), 0x456789ab);
	CU_ASSERT_EQUAL(reg(4), 0x123);

	no_time.time = NULL;
	c2 = rv_core_new(&no_time);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_TRUE(rv_core_csr(c2, CSR_TIME, &v));
	CU_ASSERT_EQUAL(v, 0);
	rv_core_free(c2);
}

/* ---- interrupts ----------------------------------------------------------- */

/* Handler at HANDLER (and HANDLER + 4 * n for vectored mode tests) that
 * counts in x22, records mcause/mepc in x20/x21, lowers the lines and
 * returns. */
static void emit_irq_handler_at(uint32_t addr)
{
	uint32_t save = asm_pc;

	org(addr);
	emit(CSRR(20, CSR_MCAUSE));
	emit(CSRR(21, CSR_MEPC));
	emit(ADDI(22, 22, 1));
	emit(SW(0, 0, MMIO_IRQ));
	emit(MRET);
	org(save);
}

/* Program: enable `mie_bits` and mstatus.MIE, then count in x3 forever. */
static uint32_t emit_irq_program(uint32_t mie_bits, bool global_enable)
{
	emit_irq_handler_at(HANDLER);
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MIE, mie_bits);
	if (global_enable)
		emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	uint32_t loop = emit(ADDI(3, 3, 1));
	emit(JAL(0, -4));
	return loop;
}

static void test_interrupt_entry(void)
{
	uint32_t loop, mepc;

	machine_setup();
	loop = emit_irq_program(MIP_MEI, true);
	rv_core_run(core(), 50);
	CU_ASSERT_EQUAL(reg(22), 0);
	mepc = rv_core_pc(core());
	rv_core_set_irq_lines(core(), MIP_MEI);
	CU_ASSERT_EQUAL(rv_core_run(core(), 2), 2);   /* 0 for the entry + 2 */
	CU_ASSERT_EQUAL(rv_core_pc(core()), HANDLER + 8);
	CU_ASSERT_EQUAL(csr(CSR_MEPC), mepc);
	CU_ASSERT_EQUAL(csr(CSR_MCAUSE), INTR | RV_IRQ_MEI);
	CU_ASSERT_EQUAL(csr(CSR_MTVAL), 0);
	CU_ASSERT_EQUAL(csr(CSR_MSTATUS) & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MPIE);
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(reg(22), 1);
	CU_ASSERT_EQUAL(reg(20), INTR | RV_IRQ_MEI);
	CU_ASSERT_EQUAL(reg(21), mepc);
	CU_ASSERT_TRUE(mepc == loop || mepc == loop + 4);
	/* MRET restored MIE */
	CU_ASSERT_EQUAL(csr(CSR_MSTATUS) & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MIE | MSTATUS_MPIE);
	CU_ASSERT_FALSE(rv_core_irq_pending(core()));
}

static void check_first_interrupt(uint32_t lines, uint32_t expect_irq)
{
	machine_setup();
	emit_irq_program(MIP_MEI | MIP_MSI | MIP_MTI, true);
	rv_core_run(core(), 30);
	rv_core_set_irq_lines(core(), lines);
	rv_core_run(core(), 1);
	CU_ASSERT_EQUAL(csr(CSR_MCAUSE), INTR | expect_irq);
}

static void test_interrupt_priority(void)
{
	check_first_interrupt(MIP_MEI | MIP_MSI | MIP_MTI, RV_IRQ_MEI);
	check_first_interrupt(MIP_MSI | MIP_MTI, RV_IRQ_MSI);
	check_first_interrupt(MIP_MTI, RV_IRQ_MTI);
	check_first_interrupt(MIP_MSI, RV_IRQ_MSI);
	check_first_interrupt(MIP_MEI | MIP_MTI, RV_IRQ_MEI);
}

static void test_interrupt_masking(void)
{
	uint32_t csrw;

	/* mstatus.MIE = 0 */
	machine_setup();
	emit_irq_program(MIP_MEI, false);
	rv_core_run(core(), 30);
	rv_core_set_irq_lines(core(), MIP_MEI);
	CU_ASSERT_TRUE(rv_core_irq_pending(core()));
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(reg(22), 0);
	CU_ASSERT_FALSE(rv_core_last_trap(core()).valid);

	/* mie.MEIE = 0, other interrupt enabled */
	machine_setup();
	emit_irq_program(MIP_MTI, true);
	rv_core_run(core(), 30);
	rv_core_set_irq_lines(core(), MIP_MEI | MIP_MSI);
	CU_ASSERT_FALSE(rv_core_irq_pending(core()));
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(reg(22), 0);

	/* enabling MIE with an interrupt pending: taken after the CSR write */
	machine_setup();
	emit_irq_handler_at(HANDLER);
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MIE, MIP_MTI);
	csrw = emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	emit(ADDI(3, 0, 1));
	emit(HALT);
	rv_core_set_irq_lines(core(), MIP_MTI);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(22), 1);
	CU_ASSERT_EQUAL(reg(21), csrw + 4);
	CU_ASSERT_EQUAL(reg(3), 1);
}

static void test_interrupt_from_callback(void)
{
	uint32_t store;

	/* A store to the device raises an interrupt: taken before the next
	 * instruction, mepc = the instruction after the store. */
	machine_setup();
	emit_irq_handler_at(HANDLER);
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MIE, MIP_MEI);
	emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	emit_li(1, MIP_MEI);
	store = emit(SW(1, 0, MMIO_IRQ));
	emit(ADDI(3, 0, 1));
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(22), 1);
	CU_ASSERT_EQUAL(reg(21), store + 4);
	CU_ASSERT_EQUAL(reg(3), 1);
}

static void test_vectored_mtvec(void)
{
	uint32_t at;

	machine_setup();
	emit_irq_handler_at(HANDLER + 4 * RV_IRQ_MTI);
	emit_irq_handler_at(HANDLER + 0x100);   /* far enough from the others */
	org(HANDLER);
	emit(JAL(0, 0x100));                    /* exceptions: base */
	org(CODE);
	emit_csr_write(CSR_MTVEC, HANDLER | 1);
	emit_csr_write(CSR_MIE, MIP_MTI);
	emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	emit(ADDI(3, 3, 1));
	emit(JAL(0, -4));
	rv_core_run(core(), 30);
	rv_core_set_irq_lines(core(), MIP_MTI);
	rv_core_run(core(), 1);
	CU_ASSERT_EQUAL(rv_core_pc(core()), HANDLER + 4 * RV_IRQ_MTI + 4);
	rv_core_run(core(), 20);
	CU_ASSERT_EQUAL(reg(22), 1);

	/* exceptions go to the base even in vectored mode */
	machine_setup();
	emit_halting_handler();
	org(CODE);
	emit_csr_write(CSR_MTVEC, HANDLER | 1);
	at = emit(ECALL);
	run_to_halt();
	check_trapped((struct trap_expect){ RV_EXC_ECALL_M, at, 0 });
}

static void test_mret_enables_pending_interrupt(void)
{
	uint32_t target;

	machine_setup();
	emit_irq_handler_at(HANDLER);
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MIE, MIP_MSI);
	emit_csr_write(CSR_MSTATUS, MSTATUS_MPIE);     /* MIE = 0 */
	emit_csr_write(CSR_MEPC, CODE + 0x200);
	emit_li(1, MIP_MSI);
	emit(SW(1, 0, MMIO_IRQ));                      /* pending, masked */
	emit(ADDI(4, 0, 1));
	emit(MRET);
	org(CODE + 0x200);
	target = emit(ADDI(3, 0, 1));
	emit(HALT);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(4), 1);
	CU_ASSERT_EQUAL(reg(22), 1);
	CU_ASSERT_EQUAL(reg(21), target);
	CU_ASSERT_EQUAL(reg(3), 1);
}

/* ---- WFI ------------------------------------------------------------------ */

static void test_wfi_sleep_and_wake(void)
{
	uint32_t wfi;

	/* MIE = 0: wakes and continues after WFI without a trap */
	machine_setup();
	emit_csr_write(CSR_MIE, MIP_MEI);
	wfi = emit(WFI);
	emit(ADDI(3, 0, 1));
	emit(HALT);
	rv_core_set_irq_lines(core(), MIP_MSI);        /* pending, not enabled */
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 4);  /* li(2) + csrw + wfi */
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_WFI);
	CU_ASSERT_EQUAL(rv_core_pc(core()), wfi + 4);
	CU_ASSERT_EQUAL(rv_core_instret(core()), 4);
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 0);
	rv_core_set_irq_lines(core(), MIP_MTI);        /* not enabled */
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 0);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_WFI);
	rv_core_set_irq_lines(core(), MIP_MEI);
	CU_ASSERT_TRUE(rv_core_irq_pending(core()));
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 2);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_HALTED);
	CU_ASSERT_EQUAL(reg(3), 1);
	CU_ASSERT_FALSE(rv_core_last_trap(core()).valid);

	/* MIE = 1: wakes into the handler, mepc = after WFI */
	machine_setup();
	emit_irq_handler_at(HANDLER);
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MIE, MIP_MTI);
	emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	wfi = emit(WFI);
	emit(ADDI(3, 0, 1));
	emit(HALT);
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_WFI);
	rv_core_set_irq_lines(core(), MIP_MTI);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(22), 1);
	CU_ASSERT_EQUAL(reg(21), wfi + 4);
	CU_ASSERT_EQUAL(reg(20), INTR | RV_IRQ_MTI);
	CU_ASSERT_EQUAL(reg(3), 1);
}

static void test_wfi_noop_when_pending(void)
{
	machine_setup();
	emit_csr_write(CSR_MIE, MIP_MSI);
	emit(WFI);
	emit(ADDI(3, 0, 1));
	emit(HALT);
	rv_core_set_irq_lines(core(), MIP_MSI);   /* pending + enabled, MIE = 0 */
	CU_ASSERT_EQUAL(run_to_halt(), 6);
	CU_ASSERT_EQUAL(reg(3), 1);
}

/* ---- error mode, halt, reset ---------------------------------------------- */

static void test_error_mode(void)
{
	uint32_t at;

	/* trap with mtvec == 0 */
	machine_setup();
	emit(NOP);
	at = emit(ECALL);
	emit(ADDI(3, 0, 1));
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 2);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(rv_core_pc(core()), at);
	CU_ASSERT_EQUAL(rv_core_last_trap(core()).cause, RV_EXC_ECALL_M);
	CU_ASSERT_EQUAL(csr(CSR_MCAUSE), RV_EXC_ECALL_M);
	CU_ASSERT_EQUAL(csr(CSR_MEPC), at);
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 0);
	CU_ASSERT_EQUAL(reg(3), 0);

	/* interrupt with mtvec == 0 */
	machine_setup();
	emit_csr_write(CSR_MIE, MIP_MEI);
	emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	emit(JAL(0, 0));
	rv_core_run(core(), 10);
	rv_core_set_irq_lines(core(), MIP_MEI);
	rv_core_run(core(), 10);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(rv_core_last_trap(core()).cause, INTR | RV_IRQ_MEI);

	/* handler cannot be fetched */
	machine_setup();
	emit_csr_write(CSR_MTVEC, UNMAPPED);
	at = emit(EBREAK);
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(rv_core_last_trap(core()).cause, RV_EXC_BREAKPOINT);
	CU_ASSERT_EQUAL(rv_core_last_trap(core()).epc, at);
	CU_ASSERT_EQUAL(rv_core_pc(core()), UNMAPPED);

	/* reset leaves error mode */
	rv_core_reset(core(), CODE);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_RUNNING);
}

static void test_misaligned_reset_pc(void)
{
	machine_setup();
	rv_core_reset(core(), CODE + 2);
	CU_ASSERT_EQUAL(rv_core_run(core(), 10), 1);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(rv_core_last_trap(core()).cause, RV_EXC_INSN_MISALIGNED);
	CU_ASSERT_EQUAL(rv_core_last_trap(core()).tval, CODE + 2);
}

static void test_halt(void)
{
	uint32_t store;

	machine_setup();
	emit(ADDI(3, 3, 1));
	emit(JAL(0, -4));
	rv_core_run(core(), 10);
	rv_core_halt(core(), false);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_HALTED);
	CU_ASSERT_EQUAL(rv_core_run(core(), 10), 0);
	CU_ASSERT_EQUAL(reg(3), 5);
	rv_core_halt(core(), true);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(rv_core_run(core(), 10), 0);
	rv_core_reset(core(), CODE);
	CU_ASSERT_EQUAL(rv_core_run(core(), 10), 10);

	/* halting from a store callback stops right after the store; during
	 * the callback the core reports the store's pc and the count before */
	machine_setup();
	emit(ADDI(1, 0, 1));
	emit(NOP);
	store = emit(SW(1, 0, MMIO_HALT));
	emit(ADDI(3, 0, 1));
	CU_ASSERT_EQUAL(rv_core_run(core(), 100), 3);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(rv_core_pc(core()), store + 4);
	CU_ASSERT_EQUAL(M->pc_in_callback, store);
	CU_ASSERT_EQUAL(M->instret_in_callback, 2);
	CU_ASSERT_EQUAL(rv_core_instret(core()), 3);
	CU_ASSERT_EQUAL(reg(3), 0);
}

static void test_reset(void)
{
	machine_setup();
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MIE, MIP_MEI);
	emit_csr_write(CSR_MSCRATCH, 5);
	emit(CSRRSI(0, CSR_MSTATUS, MSTATUS_MIE));
	emit(ECALL);
	org(HANDLER);
	emit(ADDI(7, 0, 7));
	emit(JAL(0, 0));
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(reg(7), 7);
	CU_ASSERT_TRUE(rv_core_last_trap(core()).valid);

	rv_core_reset(core(), 0x2000);
	CU_ASSERT_EQUAL(rv_core_pc(core()), 0x2000);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_RUNNING);
	for (unsigned i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(reg(i), 0);
	CU_ASSERT_EQUAL(csr(CSR_MSTATUS) & MSTATUS_MIE, 0);
	CU_ASSERT_EQUAL(csr(CSR_MIE), 0);
	CU_ASSERT_EQUAL(csr(CSR_MTVEC), 0);
	CU_ASSERT_EQUAL(csr(CSR_MSCRATCH), 0);
	CU_ASSERT_EQUAL(csr(CSR_MCYCLE), 0);
	CU_ASSERT_EQUAL(csr(CSR_MINSTRET), 0);
	CU_ASSERT_EQUAL(rv_core_instret(core()), 0);
	CU_ASSERT_FALSE(rv_core_last_trap(core()).valid);

	/* reset from inside a callback: the run ends, the reset state stands */
	machine_setup();
	emit_li(1, 0x2000);
	emit(SW(1, 0, MMIO_RESET));
	emit(ADDI(3, 0, 1));
	rv_core_run(core(), 100);
	CU_ASSERT_EQUAL(rv_core_pc(core()), 0x2000);
	CU_ASSERT_EQUAL(reg(1), 0);
	CU_ASSERT_EQUAL(reg(3), 0);
	CU_ASSERT_EQUAL(rv_core_instret(core()), 0);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_RUNNING);
}

/* ---- trap hook ------------------------------------------------------------ */

static void record_trap(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval)
{
	struct test_machine *m = opaque;

	m->hook_calls++;
	m->hook_cause = cause;
	m->hook_epc = epc;
	m->hook_tval = tval;
	m->hook_pc = rv_core_pc(m->core);
	rv_core_csr(m->core, CSR_MCAUSE, &m->hook_old_mcause);
}

static void reset_from_hook(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval)
{
	struct test_machine *m = opaque;

	m->hook_calls++;
	rv_core_reset(m->core, 0x2000);
}

static void test_trap_hook_calls(void)
{
	uint32_t at;

	machine_setup();
	rv_core_set_trap_hook(core(), record_trap, M);
	emit_halting_handler();
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit_csr_write(CSR_MCAUSE, 0x55);
	emit_li(1, UNMAPPED);
	at = emit(LW(2, 1, 0));
	run_to_halt();
	CU_ASSERT_EQUAL(M->hook_calls, 1);
	CU_ASSERT_EQUAL(M->hook_cause, RV_EXC_LOAD_ACCESS);
	CU_ASSERT_EQUAL(M->hook_epc, at);
	CU_ASSERT_EQUAL(M->hook_tval, UNMAPPED);
	CU_ASSERT_EQUAL(M->hook_pc, at);
	CU_ASSERT_EQUAL(M->hook_old_mcause, 0x55);   /* called before vectoring */

	/* interrupts too, and traps into error mode */
	machine_setup();
	rv_core_set_trap_hook(core(), record_trap, M);
	emit_irq_program(MIP_MTI, true);
	rv_core_run(core(), 30);
	rv_core_set_irq_lines(core(), MIP_MTI);
	rv_core_run(core(), 1);
	CU_ASSERT_EQUAL(M->hook_calls, 1);
	CU_ASSERT_EQUAL(M->hook_cause, INTR | RV_IRQ_MTI);

	machine_setup();
	rv_core_set_trap_hook(core(), record_trap, M);
	emit(EBREAK);
	rv_core_run(core(), 10);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_ERROR);
	CU_ASSERT_EQUAL(M->hook_calls, 1);
	CU_ASSERT_EQUAL(M->hook_cause, RV_EXC_BREAKPOINT);

	/* a hook that resets the core: the reset state stands */
	machine_setup();
	rv_core_set_trap_hook(core(), reset_from_hook, M);
	emit_csr_write(CSR_MTVEC, HANDLER);
	emit(ECALL);
	CU_ASSERT_EQUAL(rv_core_run(core(), 10), 4);
	CU_ASSERT_EQUAL(M->hook_calls, 1);
	CU_ASSERT_EQUAL(rv_core_pc(core()), 0x2000);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_RUNNING);
	CU_ASSERT_EQUAL(csr(CSR_MCAUSE), 0);
	CU_ASSERT_EQUAL(csr(CSR_MTVEC), 0);
	CU_ASSERT_EQUAL(rv_core_instret(core()), 0);

	/* removing the hook */
	machine_setup();
	rv_core_set_trap_hook(core(), record_trap, M);
	rv_core_set_trap_hook(core(), NULL, NULL);
	emit(EBREAK);
	rv_core_run(core(), 10);
	CU_ASSERT_EQUAL(M->hook_calls, 0);
}

/* ---- run budget and API ---------------------------------------------------- */

static void build_budget_program(void)
{
	machine_setup();
	emit(ADDI(1, 0, 200));
	emit(ADD(3, 3, 1));
	emit(XOR(4, 4, 3));
	emit(ADDI(1, 1, -1));
	emit(BNE(1, 0, -12));
	emit(HALT);
}

static void test_run_budget(void)
{
	uint64_t total = 0, n;
	uint32_t r3, r4;

	build_budget_program();
	CU_ASSERT_EQUAL(rv_core_run(core(), 0), 0);
	CU_ASSERT_EQUAL(rv_core_run(core(), 3), 3);
	CU_ASSERT_EQUAL(rv_core_pc(core()), CODE + 12);
	CU_ASSERT_EQUAL(rv_core_instret(core()), 3);
	total = run_to_halt() + 3;
	r3 = reg(3);
	r4 = reg(4);
	CU_ASSERT_EQUAL(total, 1 + 4 * 200 + 1);

	/* the same program in slices of 7 ends identically */
	build_budget_program();
	total = 0;
	while (rv_core_state(core()) == RV_STATE_RUNNING) {
		n = rv_core_run(core(), 7);
		CU_ASSERT_TRUE(n <= 7);
		total += n;
	}
	CU_ASSERT_EQUAL(total, 1 + 4 * 200 + 1);
	CU_ASSERT_EQUAL(reg(3), r3);
	CU_ASSERT_EQUAL(reg(4), r4);
	CU_ASSERT_EQUAL(rv_core_instret(core()), total);
}

static void test_api_misc(void)
{
	struct rv_bus bad = *test_bus();

	machine_setup();
	rv_core_set_reg(core(), 5, 0x1234);
	CU_ASSERT_EQUAL(reg(5), 0x1234);
	rv_core_set_reg(core(), 32, 1);
	CU_ASSERT_EQUAL(reg(32), 0);
	CU_ASSERT_FALSE(rv_core_last_trap(core()).valid);
	CU_ASSERT_EQUAL(rv_core_state(core()), RV_STATE_RUNNING);

	bad.fetch_page = NULL;
	CU_ASSERT_PTR_NULL(rv_core_new(&bad));
	CU_ASSERT_PTR_NULL(rv_core_new(NULL));
}

/* Two cores over separate machines do not share state. */
static void test_two_cores(void)
{
	struct rv_core *other;

	machine_setup();
	emit(ADDI(3, 0, 11));
	emit(HALT);
	other = rv_core_new(test_bus());
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	rv_core_reset(other, CODE);
	rv_core_set_reg(other, 3, 99);
	run_to_halt();
	CU_ASSERT_EQUAL(reg(3), 11);
	CU_ASSERT_EQUAL(rv_core_reg(other, 3), 99);
	CU_ASSERT_EQUAL(rv_core_instret(other), 0);
	rv_core_free(other);
}

/* ---- registration --------------------------------------------------------- */

struct test_entry {
	const char *name;
	CU_TestFunc fn;
};

static const struct test_entry tests[] = {
	{ "LUI", test_lui },
	{ "AUIPC", test_auipc },
	{ "ALU immediate (ADDI..SRAI)", test_alu_immediate },
	{ "ALU register (ADD..AND)", test_alu_register },
	{ "x0 hard-wired", test_x0_hardwired },
	{ "MUL/MULH/MULHSU/MULHU", test_multiply },
	{ "DIV/DIVU/REM/REMU", test_divide },
	{ "branches", test_branches },
	{ "backward loop", test_loop },
	{ "JAL", test_jal },
	{ "JALR", test_jalr },
	{ "cross-page code", test_cross_page },
	{ "misaligned jump targets", test_misaligned_jumps },
	{ "loads", test_loads },
	{ "stores", test_stores },
	{ "load/store exceptions", test_memory_exceptions },
	{ "fetch access fault", test_fetch_fault },
	{ "FENCE", test_fence },
	{ "FENCE.I and self-modifying code", test_fence_i },
	{ "rv_core_flush_icache", test_flush_icache_api },
	{ "ECALL/EBREAK", test_ecall_ebreak },
	{ "illegal instructions", test_illegal_instructions },
	{ "MRET", test_mret },
	{ "CSR instructions", test_csr_instructions },
	{ "CSR values and WARL fields", test_csr_values },
	{ "CSR illegal accesses", test_csr_illegal },
	{ "counters", test_counters },
	{ "time CSR", test_time_csr },
	{ "interrupt entry and MRET", test_interrupt_entry },
	{ "interrupt priority", test_interrupt_priority },
	{ "interrupt masking", test_interrupt_masking },
	{ "interrupt raised by a bus callback", test_interrupt_from_callback },
	{ "vectored mtvec", test_vectored_mtvec },
	{ "MRET enables a pending interrupt", test_mret_enables_pending_interrupt },
	{ "WFI sleep and wake", test_wfi_sleep_and_wake },
	{ "WFI no-op when pending", test_wfi_noop_when_pending },
	{ "error mode", test_error_mode },
	{ "misaligned reset pc", test_misaligned_reset_pc },
	{ "halt", test_halt },
	{ "reset", test_reset },
	{ "trap hook", test_trap_hook_calls },
	{ "run budget and slices", test_run_budget },
	{ "API misc", test_api_misc },
	{ "two cores", test_two_cores },
};

int main(void)
{
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("rv_core", suite_init, suite_cleanup);
	if (!suite)
		return 2;
	for (size_t i = 0; i < N_ELEMS(tests); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_suites_failed())
		failures++;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
