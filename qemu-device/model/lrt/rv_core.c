/* SPDX-License-Identifier: MIT */
/*
 * RV32IM + Zicsr machine-mode interpreter (the LeonRT model's core).
 *
 * Spec references are to "The RISC-V Instruction Set Manual", Volume I
 * (Unprivileged, 20191213: RV32I ch. 2, M ch. 7, Zicsr ch. 9, Zifencei
 * ch. 3) and Volume II (Privileged, 20211203: machine level ch. 3).
 *
 * Structure
 *   - Every 4 KiB code page obtained through bus->fetch_page is decoded once
 *     into 1024 struct rv_insn entries plus a PAGE_END sentinel, kept in a
 *     direct-mapped cache of RV_DPAGE_SLOTS pages. Decoding resolves what is
 *     static: AUIPC/LUI become "load constant", branch and JAL targets become
 *     absolute addresses, and rd = x0 becomes the sink register x[32] so no
 *     handler has to special-case x0.
 *   - execute() runs decoded entries until something needs the outer loop
 *     (a trap, a jump to a page not in the cache, WFI, the budget, or an
 *     "event" raised by a bus callback or a CSR write). rv_core_run() takes
 *     interrupts between calls to execute().
 *
 * Choices the spec leaves open: misaligned loads/stores always trap;
 * EBREAK/ECALL write mtval = 0; mtvec MODE (WARL) holds only direct or
 * vectored; CSRs that must exist but may do nothing (mhpmcounter*,
 * mhpmevent*, mcountinhibit, mstatush, mconfigptr) read as zero and ignore
 * writes. One deviation: a trapping instruction counts in minstret as well
 * as mcycle (the model's clock is "one instruction = one cycle", and
 * mcycle == minstret until software writes one of them).
 * rv_core_instret() is that raw count, unaffected by software writes to
 * minstret.
 *
 * Bus callbacks may call back into the core (rv_core_halt, _set_irq_lines,
 * _flush_icache, _reset, _pc, _instret): during a load/store callback
 * rv_core_pc() is the accessing instruction and rv_core_instret() counts the
 * instructions before it; changes made by the callback take effect before
 * the next instruction.
 */
#include "rv_core.h"

#include <stdlib.h>
#include <string.h>

#define RV_PAGE_SIZE     4096u
#define RV_PAGE_MASK     (~(RV_PAGE_SIZE - 1u))
#define RV_PAGE_INSNS    (RV_PAGE_SIZE / 4u)
#define RV_DPAGE_SLOTS   64u            /* power of two */
#define RV_TAG_VALID     1u             /* tags are page addresses | valid */
#define RV_X_SINK        32u            /* decoded destination for rd = x0 */

#define RV_MCAUSE_INTERRUPT 0x80000000u

/* mstatus fields (priv 3.1.6). Only MIE and MPIE are stored; MPP reads as
 * M because M is the only privilege mode. */
#define MSTATUS_MIE      (1u << 3)
#define MSTATUS_MPIE     (1u << 7)
#define MSTATUS_MPP_M    (3u << 11)

#define MIP_LINES ((1u << RV_IRQ_MSI) | (1u << RV_IRQ_MTI) | (1u << RV_IRQ_MEI))

/* misa: MXL = 1 (32-bit), extensions I (bit 8) and M (bit 12). */
#define MISA_RV32IM      0x40001100u

/* Events: reasons for execute() to return to rv_core_run() after a bus
 * callback or a CSR write. EV_IRQ is level-sensitive (recomputed from
 * mstatus/mie/mip), the others are sticky until rv_core_run() sees them. */
#define EV_IRQ           (1u << 0)  /* an enabled interrupt can be taken */
#define EV_STOP          (1u << 1)  /* rv_core_halt() */
#define EV_FLUSH         (1u << 2)  /* rv_core_flush_icache() */
#define EV_RESET         (1u << 3)  /* rv_core_reset(): drop the run */

/* CSR numbers (priv table 2.2-2.5) */
enum {
	CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MIE = 0x304,
	CSR_MTVEC = 0x305, CSR_MSTATUSH = 0x310, CSR_MCOUNTINHIBIT = 0x320,
	CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33F,
	CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
	CSR_MTVAL = 0x343, CSR_MIP = 0x344,
	CSR_MCYCLE = 0xB00, CSR_MINSTRET = 0xB02,
	CSR_MHPMCOUNTER3 = 0xB03, CSR_MHPMCOUNTER31 = 0xB1F,
	CSR_MCYCLEH = 0xB80, CSR_MINSTRETH = 0xB82,
	CSR_MHPMCOUNTER3H = 0xB83, CSR_MHPMCOUNTER31H = 0xB9F,
	CSR_CYCLE = 0xC00, CSR_TIME = 0xC01, CSR_INSTRET = 0xC02,
	CSR_HPMCOUNTER3 = 0xC03, CSR_HPMCOUNTER31 = 0xC1F,
	CSR_CYCLEH = 0xC80, CSR_TIMEH = 0xC81, CSR_INSTRETH = 0xC82,
	CSR_HPMCOUNTER3H = 0xC83, CSR_HPMCOUNTER31H = 0xC9F,
	CSR_MVENDORID = 0xF11, CSR_MARCHID = 0xF12, CSR_MIMPID = 0xF13,
	CSR_MHARTID = 0xF14, CSR_MCONFIGPTR = 0xF15,
};

/* Decoded operations. The order is free; the list generates the enum and,
 * with computed goto, the dispatch table (a missing handler is a compile
 * error: undefined label). */
#define RV_OPS(X) \
	X(LI) X(JAL) X(JALR) \
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU) \
	X(LB) X(LH) X(LW) X(LBU) X(LHU) X(SB) X(SH) X(SW) \
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) \
	X(SLLI) X(SRLI) X(SRAI) \
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND) \
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU) \
	X(NOP) X(FENCE_I) X(ECALL) X(EBREAK) X(MRET) X(WFI) X(CSR) \
	X(ILLEGAL) X(PAGE_END)

#define RV_OP_ENUM(name) OP_##name,
enum rv_op { RV_OPS(RV_OP_ENUM) OP_COUNT };
#undef RV_OP_ENUM

/*
 * One decoded instruction. imm holds, per op: the constant (LI), the
 * absolute target (JAL, branches), the offset (JALR, loads, stores, ALU
 * immediates; the shift amount for SLLI/SRLI/SRAI), or the raw instruction
 * word (CSR: its fields are read at run time; ILLEGAL: it becomes mtval).
 */
struct rv_insn {
	uint8_t op;
	uint8_t rd;    /* 1..31, or RV_X_SINK for x0 */
	uint8_t rs1;
	uint8_t rs2;
	uint32_t imm;
};

struct rv_dpage {
	uint32_t tag;  /* page address | RV_TAG_VALID, 0 when empty */
	struct rv_insn insn[RV_PAGE_INSNS + 1];  /* + PAGE_END sentinel */
};

struct rv_core {
	uint32_t x[33];          /* x0..x31, x[32] = sink for writes to x0 */
	uint32_t pc;
	enum rv_state state;
	uint32_t events;         /* EV_* */
	uint64_t retired;        /* instructions executed since reset */

	/* machine-mode CSRs */
	uint32_t mstatus;        /* MIE | MPIE only */
	uint32_t mie, mip;
	uint32_t mtvec, mepc, mcause, mtval, mscratch;
	uint64_t mcycle_offset;  /* mcycle = retired + offset */
	uint64_t minstret_offset;

	struct rv_trap_info last_trap;
	rv_trap_hook trap_hook;
	void *trap_hook_opaque;

	struct rv_bus bus;
	uint8_t fetch_buf[RV_PAGE_SIZE];
	struct rv_dpage pages[RV_DPAGE_SLOTS];
};

#ifdef __GNUC__
#define RV_LIKELY(x)   __builtin_expect(!!(x), 1)
#define RV_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RV_LIKELY(x)   (x)
#define RV_UNLIKELY(x) (x)
#endif

/* Computed goto dispatches measurably faster than the switch with gcc and
 * clang (one indirect jump per handler instead of a shared one); define
 * RV_CORE_NO_COMPUTED_GOTO to build the portable switch. */
#if defined(__GNUC__) && !defined(RV_CORE_NO_COMPUTED_GOTO)
#define RV_COMPUTED_GOTO 1
#else
#define RV_COMPUTED_GOTO 0
#endif

/* ---- small helpers -------------------------------------------------------- */

/* Sign-extend the low `bits` bits of v, in unsigned arithmetic (no
 * implementation-defined conversions, no undefined shifts). */
static inline uint32_t sign_extend(uint32_t v, unsigned bits)
{
	uint32_t sign = 1u << (bits - 1);
	uint32_t mask = bits >= 32 ? UINT32_MAX : (sign << 1) - 1u;

	return ((v & mask) ^ sign) - sign;
}

static inline bool is_negative(uint32_t v)
{
	return (v >> 31) != 0;
}

/* Signed compare without converting out-of-range values to int32_t. */
static inline bool signed_less(uint32_t a, uint32_t b)
{
	return (a ^ 0x80000000u) < (b ^ 0x80000000u);
}

static inline uint32_t shift_right_arith(uint32_t v, unsigned sh)
{
	uint32_t fill = is_negative(v) ? ~(UINT32_MAX >> sh) : 0;

	return (v >> sh) | fill;
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- M extension (spec vol. I ch. 7) ------------------------------------- */

static uint32_t mulh_signed(uint32_t a, uint32_t b)
{
	int64_t p = (int64_t)(int32_t)a * (int64_t)(int32_t)b;

	return (uint32_t)((uint64_t)p >> 32);
}

static uint32_t mulh_signed_unsigned(uint32_t a, uint32_t b)
{
	/* |a| <= 2^31 and b < 2^32, so the product fits in int64_t. */
	int64_t p = (int64_t)(int32_t)a * (int64_t)b;

	return (uint32_t)((uint64_t)p >> 32);
}

static uint32_t mulh_unsigned(uint32_t a, uint32_t b)
{
	return (uint32_t)(((uint64_t)a * b) >> 32);
}

/* Division by zero and signed overflow do not trap (vol. I 7.2, table 7.1):
 * x/0 = -1 (all ones), x%0 = x; INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0. */
static uint32_t div_signed(uint32_t a, uint32_t b)
{
	if (b == 0)
		return UINT32_MAX;
	if (a == 0x80000000u && b == UINT32_MAX)
		return a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static uint32_t div_unsigned(uint32_t a, uint32_t b)
{
	return b == 0 ? UINT32_MAX : a / b;
}

static uint32_t rem_signed(uint32_t a, uint32_t b)
{
	if (b == 0)
		return a;
	if (a == 0x80000000u && b == UINT32_MAX)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

static uint32_t rem_unsigned(uint32_t a, uint32_t b)
{
	return b == 0 ? a : a % b;
}

/* ---- decoder (vol. I 2.2-2.3: instruction formats and immediates) --------- */

static uint32_t imm_i(uint32_t w)
{
	return sign_extend(w >> 20, 12);
}

static uint32_t imm_s(uint32_t w)
{
	return sign_extend((w >> 25) << 5 | ((w >> 7) & 0x1f), 12);
}

static uint32_t imm_b(uint32_t w)
{
	return sign_extend((w >> 31) << 12 | ((w >> 7) & 1) << 11 |
			   ((w >> 25) & 0x3f) << 5 | ((w >> 8) & 0xf) << 1, 13);
}

static uint32_t imm_u(uint32_t w)
{
	return w & 0xfffff000u;
}

static uint32_t imm_j(uint32_t w)
{
	return sign_extend((w >> 31) << 20 | ((w >> 12) & 0xff) << 12 |
			   ((w >> 20) & 1) << 11 | ((w >> 21) & 0x3ff) << 1, 21);
}

static enum rv_op decode_branch(unsigned funct3)
{
	static const uint8_t ops[8] = {
		OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
		OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
	};
	return (enum rv_op)ops[funct3];
}

static enum rv_op decode_load(unsigned funct3)
{
	static const uint8_t ops[8] = {
		OP_LB, OP_LH, OP_LW, OP_ILLEGAL,
		OP_LBU, OP_LHU, OP_ILLEGAL, OP_ILLEGAL,
	};
	return (enum rv_op)ops[funct3];
}

static enum rv_op decode_store(unsigned funct3)
{
	static const uint8_t ops[8] = {
		OP_SB, OP_SH, OP_SW, OP_ILLEGAL,
		OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
	};
	return (enum rv_op)ops[funct3];
}

/* OP-IMM. On RV32 a shift amount with bit 5 set (imm[5] = bit 25) is
 * reserved (vol. I 2.4), which the funct7 checks below reject. */
static enum rv_op decode_op_imm(unsigned funct3, unsigned funct7)
{
	switch (funct3) {
	case 0: return OP_ADDI;
	case 1: return funct7 == 0x00 ? OP_SLLI : OP_ILLEGAL;
	case 2: return OP_SLTI;
	case 3: return OP_SLTIU;
	case 4: return OP_XORI;
	case 5:
		if (funct7 == 0x00)
			return OP_SRLI;
		return funct7 == 0x20 ? OP_SRAI : OP_ILLEGAL;
	case 6: return OP_ORI;
	default: return OP_ANDI;
	}
}

static enum rv_op decode_op(unsigned funct3, unsigned funct7)
{
	static const uint8_t base[8] = {
		OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND,
	};
	static const uint8_t muldiv[8] = {
		OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
		OP_DIV, OP_DIVU, OP_REM, OP_REMU,
	};

	switch (funct7) {
	case 0x00: return (enum rv_op)base[funct3];
	case 0x01: return (enum rv_op)muldiv[funct3];
	case 0x20:
		if (funct3 == 0)
			return OP_SUB;
		return funct3 == 5 ? OP_SRA : OP_ILLEGAL;
	default: return OP_ILLEGAL;
	}
}

/* SYSTEM with funct3 = 0 is matched on the whole word: the encodings of
 * ECALL, EBREAK, MRET and WFI have no free fields. SRET, URET, SFENCE.VMA
 * and friends are illegal: there is no S or U mode. funct3 = 4 is reserved. */
static enum rv_op decode_system(uint32_t w, unsigned funct3)
{
	if (funct3 == 4)
		return OP_ILLEGAL;
	if (funct3 != 0)
		return OP_CSR;
	switch (w) {
	case 0x00000073u: return OP_ECALL;
	case 0x00100073u: return OP_EBREAK;
	case 0x30200073u: return OP_MRET;
	case 0x10500073u: return OP_WFI;
	default: return OP_ILLEGAL;
	}
}

static struct rv_insn decode(uint32_t w, uint32_t pc)
{
	unsigned rd = (w >> 7) & 31, funct3 = (w >> 12) & 7, funct7 = w >> 25;
	struct rv_insn d = {
		.op = OP_ILLEGAL,
		.rd = (uint8_t)(rd ? rd : RV_X_SINK),
		.rs1 = (uint8_t)((w >> 15) & 31),
		.rs2 = (uint8_t)((w >> 20) & 31),
		.imm = w,
	};

	/* Low bits != 11 are compressed encodings, absent here (no C). */
	switch (w & 0x7f) {
	case 0x37: /* LUI */
		d.op = OP_LI;
		d.imm = imm_u(w);
		break;
	case 0x17: /* AUIPC: pc is known at decode time */
		d.op = OP_LI;
		d.imm = pc + imm_u(w);
		break;
	case 0x6f:
		d.op = OP_JAL;
		d.imm = pc + imm_j(w);
		break;
	case 0x67:
		d.op = funct3 == 0 ? OP_JALR : OP_ILLEGAL;
		d.imm = imm_i(w);
		break;
	case 0x63:
		d.op = decode_branch(funct3);
		d.imm = pc + imm_b(w);
		break;
	case 0x03:
		d.op = decode_load(funct3);
		d.imm = imm_i(w);
		break;
	case 0x23:
		d.op = decode_store(funct3);
		d.imm = imm_s(w);
		break;
	case 0x13:
		d.op = decode_op_imm(funct3, funct7);
		d.imm = (funct3 == 1 || funct3 == 5) ? (w >> 20) & 31 : imm_i(w);
		break;
	case 0x33:
		d.op = decode_op(funct3, funct7);
		break;
	case 0x0f:
		/* FENCE is a no-op for a single in-order hart; its unused fields
		 * (and FENCE.I's) must be ignored (vol. I 2.7, 3.1). */
		if (funct3 == 0)
			d.op = OP_NOP;
		else if (funct3 == 1)
			d.op = OP_FENCE_I;
		break;
	case 0x73:
		d.op = decode_system(w, funct3);
		break;
	default:
		break;
	}
	if (d.op == OP_ILLEGAL || d.op == OP_CSR)
		d.imm = w;
	return d;
}

static void decode_page(struct rv_dpage *pg, uint32_t page_addr, const uint8_t *bytes)
{
	for (unsigned i = 0; i < RV_PAGE_INSNS; i++)
		pg->insn[i] = decode(le32(bytes + 4 * i), page_addr + 4 * i);
	pg->insn[RV_PAGE_INSNS] = (struct rv_insn){ .op = OP_PAGE_END };
	pg->tag = page_addr | RV_TAG_VALID;
}

/* ---- decoded-page cache --------------------------------------------------- */

static inline struct rv_dpage *page_slot(struct rv_core *c, uint32_t addr)
{
	return &c->pages[(addr / RV_PAGE_SIZE) & (RV_DPAGE_SLOTS - 1)];
}

static inline bool page_holds(const struct rv_dpage *pg, uint32_t addr)
{
	return pg->tag == ((addr & RV_PAGE_MASK) | RV_TAG_VALID);
}

/* The decoded page holding addr, fetching it on a miss; NULL when the fetch
 * faults (the slot keeps whatever it held). */
static struct rv_dpage *page_lookup(struct rv_core *c, uint32_t addr)
{
	struct rv_dpage *pg = page_slot(c, addr);
	uint32_t page_addr = addr & RV_PAGE_MASK;

	if (page_holds(pg, addr))
		return pg;
	if (c->bus.fetch_page(c->bus.opaque, page_addr, c->fetch_buf) != 0)
		return NULL;
	decode_page(pg, page_addr, c->fetch_buf);
	return pg;
}

static void invalidate_pages(struct rv_core *c)
{
	for (unsigned i = 0; i < RV_DPAGE_SLOTS; i++)
		c->pages[i].tag = 0;
}

/* ---- interrupts and traps (priv 3.1.6, 3.1.7, 3.1.9, 3.3.1) --------------- */

static void update_irq_event(struct rv_core *c)
{
	bool ready = (c->mstatus & MSTATUS_MIE) && (c->mip & c->mie);

	c->events = (c->events & ~EV_IRQ) | (ready ? EV_IRQ : 0);
}

/* Vector to the handler. The trap hook sees every trap before the core
 * vectors; error mode keeps pc at the trapping instruction (mtvec == 0) or
 * at the handler that could not be fetched. */
static void take_trap(struct rv_core *c, uint32_t cause, uint32_t epc, uint32_t tval)
{
	uint32_t target = c->mtvec & ~3u;

	c->pc = epc;
	c->last_trap = (struct rv_trap_info){
		.valid = true, .cause = cause, .epc = epc, .tval = tval,
	};
	if (c->trap_hook) {
		c->trap_hook(c->trap_hook_opaque, cause, epc, tval);
		if (c->events & EV_RESET)
			return;   /* the hook reset the core: nothing to vector */
	}

	c->mepc = epc & ~3u;
	c->mcause = cause;
	c->mtval = tval;
	c->mstatus = (c->mstatus & MSTATUS_MIE) ? MSTATUS_MPIE : 0;
	update_irq_event(c);

	if (c->mtvec == 0) {
		c->state = RV_STATE_ERROR;
		return;
	}
	/* Vectored mode applies to interrupts only (priv 3.1.7). */
	if ((c->mtvec & 1) && (cause & RV_MCAUSE_INTERRUPT))
		target += 4 * (cause & ~RV_MCAUSE_INTERRUPT);
	c->pc = target;
	if (!page_lookup(c, target))
		c->state = RV_STATE_ERROR;
}

/* Priority among simultaneous machine interrupts: MEI > MSI > MTI
 * (priv 3.1.9). */
static void take_interrupt(struct rv_core *c)
{
	uint32_t pending = c->mip & c->mie;
	unsigned irq;

	if (pending & (1u << RV_IRQ_MEI))
		irq = RV_IRQ_MEI;
	else if (pending & (1u << RV_IRQ_MSI))
		irq = RV_IRQ_MSI;
	else
		irq = RV_IRQ_MTI;
	take_trap(c, RV_MCAUSE_INTERRUPT | irq, c->pc, 0);
}

static void do_mret(struct rv_core *c)
{
	c->mstatus = MSTATUS_MPIE | ((c->mstatus & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
	update_irq_event(c);
}

/* ---- CSRs (Zicsr, vol. I ch. 9; priv ch. 2-3) ------------------------------ */

static bool csr_in(unsigned csr, unsigned lo, unsigned hi)
{
	return csr >= lo && csr <= hi;
}

static uint64_t time_now(const struct rv_core *c)
{
	return c->bus.time ? c->bus.time(c->bus.opaque) : 0;
}

/* Counters as the current instruction sees them: c->retired instructions
 * have completed before it. */
static uint64_t mcycle_value(const struct rv_core *c)
{
	return c->retired + c->mcycle_offset;
}

static uint64_t minstret_value(const struct rv_core *c)
{
	return c->retired + c->minstret_offset;
}

static bool csr_read(const struct rv_core *c, unsigned csr, uint32_t *val)
{
	switch (csr) {
	case CSR_MSTATUS:   *val = c->mstatus | MSTATUS_MPP_M; return true;
	case CSR_MISA:      *val = MISA_RV32IM; return true;
	case CSR_MIE:       *val = c->mie; return true;
	case CSR_MTVEC:     *val = c->mtvec; return true;
	case CSR_MSCRATCH:  *val = c->mscratch; return true;
	case CSR_MEPC:      *val = c->mepc; return true;
	case CSR_MCAUSE:    *val = c->mcause; return true;
	case CSR_MTVAL:     *val = c->mtval; return true;
	case CSR_MIP:       *val = c->mip; return true;
	case CSR_MCYCLE:
	case CSR_CYCLE:     *val = (uint32_t)mcycle_value(c); return true;
	case CSR_MCYCLEH:
	case CSR_CYCLEH:    *val = (uint32_t)(mcycle_value(c) >> 32); return true;
	case CSR_MINSTRET:
	case CSR_INSTRET:   *val = (uint32_t)minstret_value(c); return true;
	case CSR_MINSTRETH:
	case CSR_INSTRETH:  *val = (uint32_t)(minstret_value(c) >> 32); return true;
	case CSR_TIME:      *val = (uint32_t)time_now(c); return true;
	case CSR_TIMEH:     *val = (uint32_t)(time_now(c) >> 32); return true;
	/* Present but hardwired to zero: ID registers, mstatush (little-endian
	 * only), mconfigptr, mcountinhibit (counters cannot be inhibited) and
	 * the optional performance counters/events (priv ch. 3, "Hardware
	 * Performance Monitor", "Machine Counter-Inhibit CSR"). */
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MHARTID:
	case CSR_MCONFIGPTR:
	case CSR_MSTATUSH:
	case CSR_MCOUNTINHIBIT:
		*val = 0;
		return true;
	default:
		break;
	}
	if (csr_in(csr, CSR_MHPMEVENT3, CSR_MHPMEVENT31) ||
	    csr_in(csr, CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31) ||
	    csr_in(csr, CSR_MHPMCOUNTER3H, CSR_MHPMCOUNTER31H) ||
	    csr_in(csr, CSR_HPMCOUNTER3, CSR_HPMCOUNTER31) ||
	    csr_in(csr, CSR_HPMCOUNTER3H, CSR_HPMCOUNTER31H)) {
		*val = 0;
		return true;
	}
	return false;
}

/* "Any CSR write takes effect after the writing instruction has otherwise
 * completed" (priv ch. 3, "Hardware Performance Monitor"): the next
 * instruction reads exactly the value written, i.e. the writing instruction
 * itself is not counted on top. */
static uint64_t counter_offset_for(const struct rv_core *c, uint64_t value_next)
{
	return value_next - (c->retired + 1);
}

/* A write to either half suppresses the writing instruction's own increment
 * of the whole 64-bit counter (as Spike and the Sail model do): the other
 * half keeps the value it had before the instruction, so writing the low
 * half never carries into the high half and writing the high half leaves
 * the low half as it was. */
static void write_counter_half(const struct rv_core *c, uint64_t *offset,
			       bool high, uint32_t val)
{
	uint64_t now = c->retired + *offset;    /* before this instruction */

	if (high)
		now = (now & 0xffffffffu) | (uint64_t)val << 32;
	else
		now = (now & ~(uint64_t)0xffffffffu) | val;
	*offset = counter_offset_for(c, now);
}

/* Write a CSR already known to exist and to be writable (read/write
 * address). Fields that are read-only or WARL-hardwired ignore the write. */
static void csr_write(struct rv_core *c, unsigned csr, uint32_t val)
{
	switch (csr) {
	case CSR_MSTATUS:
		c->mstatus = val & (MSTATUS_MIE | MSTATUS_MPIE);
		update_irq_event(c);
		break;
	case CSR_MIE:
		c->mie = val & MIP_LINES;
		update_irq_event(c);
		break;
	case CSR_MTVEC:
		/* WARL MODE: only direct (0) and vectored (1) exist, so bit 1
		 * is hardwired to 0 (priv 3.1.7). */
		c->mtvec = val & ~2u;
		break;
	case CSR_MSCRATCH: c->mscratch = val; break;
	case CSR_MEPC:     c->mepc = val & ~3u; break; /* IALIGN = 32 */
	case CSR_MCAUSE:   c->mcause = val; break;
	case CSR_MTVAL:    c->mtval = val; break;
	case CSR_MCYCLE:    write_counter_half(c, &c->mcycle_offset, false, val); break;
	case CSR_MCYCLEH:   write_counter_half(c, &c->mcycle_offset, true, val); break;
	case CSR_MINSTRET:  write_counter_half(c, &c->minstret_offset, false, val); break;
	case CSR_MINSTRETH: write_counter_half(c, &c->minstret_offset, true, val); break;
	default:
		/* misa, mip (MEIP/MTIP/MSIP follow the lines), zero CSRs */
		break;
	}
}

/* Execute a CSR instruction; false means illegal instruction. The word is
 * in in->imm. Whether it writes depends on the encoding, not on values
 * (vol. I 9.1, table 9.1); writing a read-only CSR (address bits 11:10 =
 * 3, priv 2.1) is illegal. */
static bool csr_execute(struct rv_core *c, const struct rv_insn *in)
{
	uint32_t w = in->imm;
	unsigned csr = w >> 20, funct3 = (w >> 12) & 7, rs1 = in->rs1;
	uint32_t operand = (funct3 & 4) ? rs1 : c->x[rs1];
	bool is_write_op = (funct3 & 3) == 1;   /* CSRRW, CSRRWI */
	bool writes = is_write_op || rs1 != 0;
	uint32_t old;

	if (!csr_read(c, csr, &old))
		return false;
	if (writes) {
		if ((csr >> 10) == 3)
			return false;
		if (is_write_op)
			csr_write(c, csr, operand);
		else if ((funct3 & 3) == 2)
			csr_write(c, csr, old | operand);
		else
			csr_write(c, csr, old & ~operand);
	}
	c->x[in->rd] = old;
	return true;
}

/* ---- the interpreter loop ------------------------------------------------- */

/*
 * Run from c->pc for at most budget instructions (budget > 0). Returns the
 * number executed, a trapping instruction included. On return c->pc,
 * c->retired and c->state are up to date unless a callback reset the core.
 * Precondition: state RUNNING and no interrupt to take.
 */
static uint64_t execute(struct rv_core *c, uint64_t budget)
{
	uint32_t *const x = c->x;
	void *const opaque = c->bus.opaque;
	int (*const bus_load)(void *, uint32_t, unsigned, uint32_t *) = c->bus.load;
	int (*const bus_store)(void *, uint32_t, unsigned, uint32_t) = c->bus.store;
	const uint64_t start = c->retired;
	uint64_t left = budget;
	const struct rv_insn *base, *ip, *in;
	struct rv_dpage *pg;
	uint32_t page_pc, t, v, cause, tval;

#if RV_COMPUTED_GOTO
#define RV_OP_LABEL(name) [OP_##name] = &&L_##name,
	static const void *const dispatch[OP_COUNT] = { RV_OPS(RV_OP_LABEL) };
#undef RV_OP_LABEL
#define OP(name) L_##name:
#define NEXT() do {                                             \
		if (RV_UNLIKELY(left == 0))                     \
			goto out_budget;                        \
		left--;                                         \
		in = ip++;                                      \
		goto *dispatch[in->op];                         \
	} while (0)
#else
#define OP(name) case OP_##name:
#define NEXT() goto next_insn
#endif
/* pc of a decoded entry of the current page */
#define PC_OF(p) (page_pc + (uint32_t)((p) - base) * 4u)
#define ENTER(pg_, addr) do {                                   \
		base = (pg_)->insn;                             \
		page_pc = (addr) & RV_PAGE_MASK;                \
		ip = base + (((addr) & ~RV_PAGE_MASK) / 4u);    \
	} while (0)
/* Make the core's view current before a callback that may look at it. */
#define SYNC_FOR_CALLBACK() do {                                \
		c->pc = PC_OF(in);                              \
		c->retired = start + (budget - left) - 1;       \
	} while (0)

	if (RV_UNLIKELY(c->pc & 3)) {
		/* only reachable through a misaligned reset pc */
		c->retired = start + 1;
		take_trap(c, RV_EXC_INSN_MISALIGNED, c->pc, c->pc);
		return 1;
	}
	pg = page_lookup(c, c->pc);
	if (RV_UNLIKELY(!pg)) {
		c->retired = start + 1;
		take_trap(c, RV_EXC_INSN_ACCESS, c->pc, c->pc);
		return 1;
	}
	if (RV_UNLIKELY(c->state != RV_STATE_RUNNING || (c->events & EV_RESET)))
		return 0;
	ENTER(pg, c->pc);

#if RV_COMPUTED_GOTO
	NEXT();
#else
next_insn:
	if (RV_UNLIKELY(left == 0))
		goto out_budget;
	left--;
	in = ip++;
	switch (in->op) {
#endif

	OP(LI)     x[in->rd] = in->imm; NEXT();
	OP(ADDI)   x[in->rd] = x[in->rs1] + in->imm; NEXT();
	OP(SLTI)   x[in->rd] = signed_less(x[in->rs1], in->imm); NEXT();
	OP(SLTIU)  x[in->rd] = x[in->rs1] < in->imm; NEXT();
	OP(XORI)   x[in->rd] = x[in->rs1] ^ in->imm; NEXT();
	OP(ORI)    x[in->rd] = x[in->rs1] | in->imm; NEXT();
	OP(ANDI)   x[in->rd] = x[in->rs1] & in->imm; NEXT();
	OP(SLLI)   x[in->rd] = x[in->rs1] << in->imm; NEXT();
	OP(SRLI)   x[in->rd] = x[in->rs1] >> in->imm; NEXT();
	OP(SRAI)   x[in->rd] = shift_right_arith(x[in->rs1], in->imm); NEXT();

	/* Register shifts use the low 5 bits of rs2 (vol. I 2.4.2). */
	OP(ADD)    x[in->rd] = x[in->rs1] + x[in->rs2]; NEXT();
	OP(SUB)    x[in->rd] = x[in->rs1] - x[in->rs2]; NEXT();
	OP(SLL)    x[in->rd] = x[in->rs1] << (x[in->rs2] & 31); NEXT();
	OP(SLT)    x[in->rd] = signed_less(x[in->rs1], x[in->rs2]); NEXT();
	OP(SLTU)   x[in->rd] = x[in->rs1] < x[in->rs2]; NEXT();
	OP(XOR)    x[in->rd] = x[in->rs1] ^ x[in->rs2]; NEXT();
	OP(SRL)    x[in->rd] = x[in->rs1] >> (x[in->rs2] & 31); NEXT();
	OP(SRA)    x[in->rd] = shift_right_arith(x[in->rs1], x[in->rs2] & 31); NEXT();
	OP(OR)     x[in->rd] = x[in->rs1] | x[in->rs2]; NEXT();
	OP(AND)    x[in->rd] = x[in->rs1] & x[in->rs2]; NEXT();

	OP(MUL)    x[in->rd] = x[in->rs1] * x[in->rs2]; NEXT();
	OP(MULH)   x[in->rd] = mulh_signed(x[in->rs1], x[in->rs2]); NEXT();
	OP(MULHSU) x[in->rd] = mulh_signed_unsigned(x[in->rs1], x[in->rs2]); NEXT();
	OP(MULHU)  x[in->rd] = mulh_unsigned(x[in->rs1], x[in->rs2]); NEXT();
	OP(DIV)    x[in->rd] = div_signed(x[in->rs1], x[in->rs2]); NEXT();
	OP(DIVU)   x[in->rd] = div_unsigned(x[in->rs1], x[in->rs2]); NEXT();
	OP(REM)    x[in->rd] = rem_signed(x[in->rs1], x[in->rs2]); NEXT();
	OP(REMU)   x[in->rd] = rem_unsigned(x[in->rs1], x[in->rs2]); NEXT();

	/* Branches: taken with a target not 4-byte aligned raise the
	 * exception on the branch itself (vol. I 2.5). */
#define BRANCH_IF(cond) do {                                    \
		if (cond) {                                     \
			t = in->imm;                            \
			goto jump;                              \
		}                                               \
		NEXT();                                         \
	} while (0)
	OP(BEQ)    BRANCH_IF(x[in->rs1] == x[in->rs2]);
	OP(BNE)    BRANCH_IF(x[in->rs1] != x[in->rs2]);
	OP(BLT)    BRANCH_IF(signed_less(x[in->rs1], x[in->rs2]));
	OP(BGE)    BRANCH_IF(!signed_less(x[in->rs1], x[in->rs2]));
	OP(BLTU)   BRANCH_IF(x[in->rs1] < x[in->rs2]);
	OP(BGEU)   BRANCH_IF(x[in->rs1] >= x[in->rs2]);
#undef BRANCH_IF

	/* Jumps check alignment before writing rd: a trapping instruction
	 * has no architectural effect. */
	OP(JAL)
		t = in->imm;
		if (RV_UNLIKELY(t & 3))
			goto misaligned_target;
		x[in->rd] = PC_OF(ip);
		goto jump;
	OP(JALR)
		t = (x[in->rs1] + in->imm) & ~1u;
		if (RV_UNLIKELY(t & 3))
			goto misaligned_target;
		x[in->rd] = PC_OF(ip);
		goto jump;

#define LOAD(size, extend) do {                                         \
		t = x[in->rs1] + in->imm;                               \
		if (RV_UNLIKELY(t & ((size) - 1))) {                    \
			cause = RV_EXC_LOAD_MISALIGNED;                 \
			goto exception_at_address;                      \
		}                                                       \
		SYNC_FOR_CALLBACK();                                    \
		if (RV_UNLIKELY(bus_load(opaque, t, (size), &v))) {     \
			cause = RV_EXC_LOAD_ACCESS;                     \
			goto exception_at_address;                      \
		}                                                       \
		x[in->rd] = (extend);                                   \
		if (RV_UNLIKELY(c->events))                             \
			goto event;                                     \
		NEXT();                                                 \
	} while (0)
	OP(LB)     LOAD(1, sign_extend(v, 8));
	OP(LH)     LOAD(2, sign_extend(v, 16));
	OP(LW)     LOAD(4, v);
	OP(LBU)    LOAD(1, v & 0xffu);
	OP(LHU)    LOAD(2, v & 0xffffu);
#undef LOAD

#define STORE(size, mask) do {                                          \
		t = x[in->rs1] + in->imm;                               \
		if (RV_UNLIKELY(t & ((size) - 1))) {                    \
			cause = RV_EXC_STORE_MISALIGNED;                \
			goto exception_at_address;                      \
		}                                                       \
		SYNC_FOR_CALLBACK();                                    \
		if (RV_UNLIKELY(bus_store(opaque, t, (size), x[in->rs2] & (mask)))) { \
			cause = RV_EXC_STORE_ACCESS;                    \
			goto exception_at_address;                      \
		}                                                       \
		if (RV_UNLIKELY(c->events))                             \
			goto event;                                     \
		NEXT();                                                 \
	} while (0)
	OP(SB)     STORE(1, 0xffu);
	OP(SH)     STORE(2, 0xffffu);
	OP(SW)     STORE(4, UINT32_MAX);
#undef STORE

	OP(NOP)    NEXT();

	OP(FENCE_I)
		/* Later fetches see earlier stores (vol. I 3.1): re-decode. */
		invalidate_pages(c);
		c->pc = PC_OF(ip);
		goto out;

	OP(ECALL)
		cause = RV_EXC_ECALL_M;
		tval = 0;
		goto exception;
	OP(EBREAK)
		cause = RV_EXC_BREAKPOINT;
		tval = 0;
		goto exception;
	OP(ILLEGAL)
		cause = RV_EXC_ILLEGAL_INSN;
		tval = in->imm;
		goto exception;

	OP(MRET)
		do_mret(c);
		t = c->mepc;
		if (RV_UNLIKELY(c->events)) {
			c->pc = t;
			goto out;
		}
		goto jump;

	OP(WFI)
		/* WFI completes at once when an enabled interrupt is pending,
		 * whatever mstatus.MIE says (priv 3.3.3). */
		if (c->mip & c->mie)
			NEXT();
		c->state = RV_STATE_WFI;
		c->pc = PC_OF(ip);
		goto out;

	OP(CSR)
		SYNC_FOR_CALLBACK();
		if (RV_UNLIKELY(!csr_execute(c, in))) {
			cause = RV_EXC_ILLEGAL_INSN;
			tval = in->imm;
			goto exception;
		}
		if (RV_UNLIKELY(c->events))
			goto event;
		NEXT();

	OP(PAGE_END)
		/* the sentinel is not an instruction */
		left++;
		t = page_pc + RV_PAGE_SIZE;
		goto jump_other_page;

#if !RV_COMPUTED_GOTO
	default:
		goto out_budget; /* unreachable: every op has a case */
	}
#endif

jump:
	/* t = target; same page and aligned: one test */
	if (RV_LIKELY(((t ^ page_pc) & (RV_PAGE_MASK | 3u)) == 0)) {
		ip = base + ((t & ~RV_PAGE_MASK) / 4u);
		NEXT();
	}
	if (RV_UNLIKELY(t & 3))
		goto misaligned_target;
jump_other_page:
	pg = page_slot(c, t);
	if (RV_LIKELY(page_holds(pg, t))) {
		ENTER(pg, t);
		NEXT();
	}
	c->pc = t;      /* the outer loop fetches the page */
	goto out;

misaligned_target:
	cause = RV_EXC_INSN_MISALIGNED;
	tval = t;
	goto exception;

exception_at_address:
	tval = t;
exception:
	if (RV_UNLIKELY(c->events & EV_RESET))
		return budget - left;
	c->retired = start + (budget - left);
	take_trap(c, cause, PC_OF(in), tval);
	return budget - left;

event:
	/* The instruction completed; a callback or CSR write wants the outer
	 * loop (halt, reset, flush, an interrupt to take). */
	if (c->events & EV_RESET)
		return budget - left;
	c->pc = PC_OF(ip);
	goto out;

out_budget:
	c->pc = PC_OF(ip);
out:
	c->retired = start + (budget - left);
	return budget - left;

#undef OP
#undef NEXT
#undef PC_OF
#undef ENTER
#undef SYNC_FOR_CALLBACK
}

/* ---- public API ------------------------------------------------------------ */

struct rv_core *rv_core_new(const struct rv_bus *bus)
{
	struct rv_core *c;

	if (!bus || !bus->load || !bus->store || !bus->fetch_page)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->bus = *bus;
	rv_core_reset(c, 0);
	return c;
}

void rv_core_free(struct rv_core *c)
{
	free(c);
}

void rv_core_reset(struct rv_core *c, uint32_t reset_pc)
{
	memset(c->x, 0, sizeof(c->x));
	c->pc = reset_pc;
	c->state = RV_STATE_RUNNING;
	c->retired = 0;
	c->mstatus = 0;
	c->mie = 0;          /* mip follows the external lines: kept */
	c->mtvec = 0;
	c->mepc = 0;
	c->mcause = 0;
	c->mtval = 0;
	c->mscratch = 0;
	c->mcycle_offset = 0;
	c->minstret_offset = 0;
	c->last_trap = (struct rv_trap_info){ .valid = false };
	invalidate_pages(c);
	c->events = EV_RESET;
	update_irq_event(c);
}

uint64_t rv_core_run(struct rv_core *c, uint64_t max_insns)
{
	uint64_t done = 0;

	if (max_insns == 0)
		return 0;
	if (c->state == RV_STATE_WFI) {
		if (!rv_core_irq_pending(c))
			return 0;
		c->state = RV_STATE_RUNNING;
	}
	c->events &= EV_IRQ;   /* sticky events from before this run are moot */
	while (c->state == RV_STATE_RUNNING && done < max_insns) {
		if (c->events & EV_IRQ) {
			take_interrupt(c);
			continue;
		}
		done += execute(c, max_insns - done);
		if (c->events & EV_RESET)
			break;
		c->events &= EV_IRQ;
	}
	return done;
}

void rv_core_set_irq_lines(struct rv_core *c, uint32_t lines)
{
	c->mip = lines & MIP_LINES;
	update_irq_event(c);
}

enum rv_state rv_core_state(const struct rv_core *c)
{
	return c->state;
}

bool rv_core_irq_pending(const struct rv_core *c)
{
	return (c->mip & c->mie) != 0;
}

void rv_core_halt(struct rv_core *c, bool error)
{
	c->state = error ? RV_STATE_ERROR : RV_STATE_HALTED;
	c->events |= EV_STOP;
}

void rv_core_flush_icache(struct rv_core *c)
{
	invalidate_pages(c);
	c->events |= EV_FLUSH;
}

uint32_t rv_core_pc(const struct rv_core *c)
{
	return c->pc;
}

uint32_t rv_core_reg(const struct rv_core *c, unsigned n)
{
	return n < 32 ? c->x[n] : 0;
}

void rv_core_set_reg(struct rv_core *c, unsigned n, uint32_t v)
{
	if (n > 0 && n < 32)
		c->x[n] = v;
}

uint64_t rv_core_instret(const struct rv_core *c)
{
	return c->retired;
}

struct rv_trap_info rv_core_last_trap(const struct rv_core *c)
{
	return c->last_trap;
}

bool rv_core_csr(const struct rv_core *c, uint32_t csr, uint32_t *val)
{
	uint32_t tmp;

	if (csr > 0xfff)
		return false;
	if (!val)
		val = &tmp;
	return csr_read(c, csr, val);
}

void rv_core_set_trap_hook(struct rv_core *c, rv_trap_hook hook, void *opaque)
{
	c->trap_hook = hook;
	c->trap_hook_opaque = opaque;
}
