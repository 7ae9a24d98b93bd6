/* SPDX-License-Identifier: MIT */
/*
 * A tiny RV32IM + Zicsr instruction encoder for unit tests that put small
 * programs in front of the modelled control core (docs/lrt-core.md). Header
 * only: every helper is static inline.
 *
 * Register numbers are plain integers; the RV_* names below follow the ABI.
 */
#ifndef RV_ASM_H
#define RV_ASM_H

#include <stdint.h>

enum {
	RV_ZERO = 0, RV_RA = 1, RV_SP = 2, RV_T0 = 5, RV_T1 = 6, RV_T2 = 7, RV_S0 = 8, RV_S1 = 9,
	RV_A0 = 10, RV_A1 = 11, RV_A2 = 12, RV_A3 = 13, RV_A4 = 14, RV_A5 = 15, RV_T3 = 28,
	RV_T4 = 29, RV_T5 = 30, RV_T6 = 31,
};

enum {
	RV_CSR_MSTATUS = 0x300, RV_CSR_MIE = 0x304, RV_CSR_MTVEC = 0x305, RV_CSR_MEPC = 0x341,
	RV_CSR_MCAUSE = 0x342, RV_CSR_MTVAL = 0x343, RV_CSR_MIP = 0x344, RV_CSR_TIME = 0xC01,
	RV_CSR_TIMEH = 0xC81, RV_CSR_MINSTRET = 0xB02,
};

#define RV_MIE_MTIE   (1u << 7)
#define RV_MIE_MEIE   (1u << 11)

static inline uint32_t rv_enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
				unsigned opc)
{
	return (uint32_t)f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static inline uint32_t rv_enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
	return ((uint32_t)imm & 0xfffu) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static inline uint32_t rv_enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm;

	return ((u >> 5) & 0x7fu) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1fu) << 7 | 0x23;
}

static inline uint32_t rv_enc_b(int32_t off, unsigned rs1, unsigned rs2, unsigned f3)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1u) << 31 | ((u >> 5) & 0x3fu) << 25 | rs2 << 20 | rs1 << 15 |
	       f3 << 12 | ((u >> 1) & 0xfu) << 8 | ((u >> 11) & 1u) << 7 | 0x63;
}

static inline uint32_t rv_enc_j(int32_t off, unsigned rd)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 20) & 1u) << 31 | ((u >> 1) & 0x3ffu) << 21 | ((u >> 11) & 1u) << 20 |
	       ((u >> 12) & 0xffu) << 12 | rd << 7 | 0x6f;
}

#define RV_LUI(rd, v)          (((uint32_t)(v) & 0xfffff000u) | (uint32_t)(rd) << 7 | 0x37)
#define RV_JAL(rd, off)        rv_enc_j(off, rd)
#define RV_JALR(rd, rs1, off)  rv_enc_i(off, rs1, 0, rd, 0x67)
#define RV_BEQ(a, b, off)      rv_enc_b(off, a, b, 0)
#define RV_BNE(a, b, off)      rv_enc_b(off, a, b, 1)
#define RV_BLTU(a, b, off)     rv_enc_b(off, a, b, 6)
#define RV_BGEU(a, b, off)     rv_enc_b(off, a, b, 7)
#define RV_LB(rd, rs1, off)    rv_enc_i(off, rs1, 0, rd, 0x03)
#define RV_LW(rd, rs1, off)    rv_enc_i(off, rs1, 2, rd, 0x03)
#define RV_SB(rs2, rs1, off)   rv_enc_s(off, rs2, rs1, 0)
#define RV_SW(rs2, rs1, off)   rv_enc_s(off, rs2, rs1, 2)
#define RV_ADDI(rd, rs1, imm)  rv_enc_i(imm, rs1, 0, rd, 0x13)
#define RV_ANDI(rd, rs1, imm)  rv_enc_i(imm, rs1, 7, rd, 0x13)
#define RV_ORI(rd, rs1, imm)   rv_enc_i(imm, rs1, 6, rd, 0x13)
#define RV_ADD(rd, a, b)       rv_enc_r(0x00, b, a, 0, rd, 0x33)
#define RV_SUB(rd, a, b)       rv_enc_r(0x20, b, a, 0, rd, 0x33)
#define RV_ECALL               0x00000073u
#define RV_MRET                0x30200073u
#define RV_WFI                 0x10500073u
#define RV_NOP                 RV_ADDI(0, 0, 0)
#define RV_CSRRW(rd, csr, rs1) rv_enc_i(csr, rs1, 1, rd, 0x73)
#define RV_CSRRS(rd, csr, rs1) rv_enc_i(csr, rs1, 2, rd, 0x73)
#define RV_CSRR(rd, csr)       RV_CSRRS(rd, csr, 0)

#endif /* RV_ASM_H */
