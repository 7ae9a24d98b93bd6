/* SPDX-License-Identifier: MIT */
/*
 * The NPU's SMMUv3-style MMU: registers at BAR0 0x200000, in-memory stream
 * table, context descriptors, command and event queues, stage-1 page tables.
 * hw-facts §2.3 and §6 (ivpu_mmu.c, ivpu_mmu_context.c); bit positions
 * follow the SMMUv3 architecture that the block implements.
 */
#ifndef INTEL_NPU_REGS_MMU_H
#define INTEL_NPU_REGS_MMU_H

#include "bits.h"

#define NPU_MMU_BASE                 0x00200000u
#define NPU_MMU_PAGE1                0x00010000u /* page-1 alias for queue pointers (§2.3) */
#define NPU_MMU_SIZE                 0x00020000u

#define NPU_MMU_IDR0                 0x00200000u
#define NPU_MMU_IDR1                 0x00200004u
#define NPU_MMU_IDR2                 0x00200008u /* the IDRs ivpu does not read: RO 0 */
#define NPU_MMU_IDR3                 0x0020000Cu
#define NPU_MMU_IDR4                 0x00200010u
#define NPU_MMU_IDR5                 0x00200014u
#define NPU_MMU_IIDR                 0x00200018u
#define NPU_MMU_AIDR                 0x0020001Cu /* 0 = SMMUv3.0 */
/* The values ivpu expects from silicon (§6; mismatches only logged). */
#define   NPU_MMU_IDR0_VALUE           0x080F3E0Fu
#define   NPU_MMU_IDR1_VALUE           0x0E739D18u
#define   NPU_MMU_IDR3_VALUE           0x0000003Cu
#define   NPU_MMU_IDR5_VALUE           0x00040070u
/* SMMU_IDR1 fields (SMMUv3 architecture): the limits the model enforces.
 * With the §6 value: 24-bit StreamIDs, 20-bit SubstreamIDs, queues of up
 * to 2^19 entries. */
#define   NPU_MMU_IDR1_SIDSIZE         NPU_GENMASK(5, 0)
#define   NPU_MMU_IDR1_SSIDSIZE        NPU_GENMASK(10, 6)
#define   NPU_MMU_IDR1_EVENTQS         NPU_GENMASK(20, 16)
#define   NPU_MMU_IDR1_CMDQS           NPU_GENMASK(25, 21)
#define NPU_MMU_CR0                  0x00200020u
#define NPU_MMU_CR0ACK               0x00200024u
#define   NPU_MMU_CR0_SMMUEN           NPU_BIT(0)
#define   NPU_MMU_CR0_PRIQEN           NPU_BIT(1)
#define   NPU_MMU_CR0_EVTQEN           NPU_BIT(2)
#define   NPU_MMU_CR0_CMDQEN           NPU_BIT(3)
#define   NPU_MMU_CR0_ATSCHK           NPU_BIT(4)
#define   NPU_MMU_CR0_DEFINED          NPU_GENMASK(4, 0)
#define   NPU_MMU_CR0_IVPU_FINAL       0x1Du /* CMDQEN|EVTQEN|ATSCHK|SMMUEN (§6) */
#define NPU_MMU_CR1                  0x00200028u
#define   NPU_MMU_CR1_QUEUE_IC         NPU_GENMASK(1, 0)
#define   NPU_MMU_CR1_QUEUE_OC         NPU_GENMASK(3, 2)
#define   NPU_MMU_CR1_QUEUE_SH         NPU_GENMASK(5, 4)
#define   NPU_MMU_CR1_TABLE_IC         NPU_GENMASK(7, 6)
#define   NPU_MMU_CR1_TABLE_OC         NPU_GENMASK(9, 8)
#define   NPU_MMU_CR1_TABLE_SH         NPU_GENMASK(11, 10)
#define   NPU_MMU_CR1_IVPU_VALUE       0xD75u
#define NPU_MMU_CR2                  0x0020002Cu
#define   NPU_MMU_CR2_DEFINED          NPU_GENMASK(2, 0) /* E2H, RECINVSID, PTM */
#define NPU_MMU_IRQ_CTRL             0x00200050u
#define NPU_MMU_IRQ_CTRLACK          0x00200054u
#define   NPU_MMU_IRQ_CTRL_GERROR_EN   NPU_BIT(0)
#define   NPU_MMU_IRQ_CTRL_PRIQ_EN     NPU_BIT(1)
#define   NPU_MMU_IRQ_CTRL_EVTQ_EN     NPU_BIT(2)
#define   NPU_MMU_IRQ_CTRL_DEFINED     NPU_GENMASK(2, 0)
#define NPU_MMU_GERROR               0x00200060u
#define NPU_MMU_GERRORN              0x00200064u
#define   NPU_MMU_GERROR_CMDQ_ERR      NPU_BIT(0)
#define   NPU_MMU_GERROR_EVTQ_ABT      NPU_BIT(2)
#define   NPU_MMU_GERROR_PRIQ_ABT      NPU_BIT(3)
#define   NPU_MMU_GERROR_MSI_CMDQ_ABT  NPU_BIT(4)
#define   NPU_MMU_GERROR_MSI_EVTQ_ABT  NPU_BIT(5)
#define   NPU_MMU_GERROR_MSI_PRIQ_ABT  NPU_BIT(6)
#define   NPU_MMU_GERROR_MSI_ABT       NPU_BIT(7)
#define   NPU_MMU_GERROR_DEFINED       (NPU_BIT(0) | NPU_GENMASK(7, 2))
#define NPU_MMU_STRTAB_BASE          0x00200080u /* 64-bit */
#define NPU_MMU_STRTAB_BASE_HI       0x00200084u /* its upper half, for 32-bit accesses */
#define   NPU_MMU_STRTAB_BASE_RA       NPU_BIT64(62)
#define   NPU_MMU_STRTAB_BASE_ADDR     NPU_GENMASK64(51, 6)
#define NPU_MMU_STRTAB_BASE_CFG      0x00200088u
#define   NPU_MMU_STRTAB_CFG_LOG2SIZE  NPU_GENMASK(5, 0)
#define   NPU_MMU_STRTAB_CFG_SPLIT     NPU_GENMASK(10, 6)
#define   NPU_MMU_STRTAB_CFG_FMT       NPU_GENMASK(17, 16) /* 0 = linear, the only format modelled */
#define     NPU_MMU_STRTAB_FMT_LINEAR    0x0
#define     NPU_MMU_STRTAB_FMT_2LVL      0x1
#define NPU_MMU_CMDQ_BASE            0x00200090u /* 64-bit */
#define NPU_MMU_CMDQ_BASE_HI         0x00200094u
#define NPU_MMU_CMDQ_PROD            0x00200098u
#define NPU_MMU_CMDQ_CONS            0x0020009Cu
#define   NPU_MMU_CMDQ_CONS_ERR        NPU_GENMASK(30, 24)
#define NPU_MMU_EVTQ_BASE            0x002000A0u /* 64-bit */
#define NPU_MMU_EVTQ_BASE_HI         0x002000A4u
#define NPU_MMU_EVTQ_PROD            0x002000A8u
#define NPU_MMU_EVTQ_CONS            0x002000ACu
#define NPU_MMU_EVTQ_PROD_PAGE1      (NPU_MMU_EVTQ_PROD + NPU_MMU_PAGE1) /* 0x2100A8, ivpu's _SEC */
#define NPU_MMU_EVTQ_CONS_PAGE1      (NPU_MMU_EVTQ_CONS + NPU_MMU_PAGE1) /* 0x2100AC */
/* Queue base registers (CMDQ_BASE, EVTQ_BASE) */
#define   NPU_MMU_Q_BASE_RWA           NPU_BIT64(62)
#define   NPU_MMU_Q_BASE_ADDR          NPU_GENMASK64(51, 5)
#define   NPU_MMU_Q_BASE_LOG2SIZE      NPU_GENMASK64(4, 0)
/* Queue index registers: index in the low LOG2SIZE bits, wrap flag above it. */
#define   NPU_MMU_Q_PTR                NPU_GENMASK(19, 0) /* index + wrap: queues of <= 2^19 (IDR1) */
#define   NPU_MMU_Q_OVFLG              NPU_BIT(31) /* EVTQ_PROD overflow / EVTQ_CONS OVACKFLG */

/* CMDQ_CONS.ERR codes (SMMUv3; hw-facts §6) */
#define NPU_MMU_CERROR_NONE          0x0
#define NPU_MMU_CERROR_ILL           0x1 /* illegal command */
#define NPU_MMU_CERROR_ABT           0x2 /* abort reading the command queue */
#define NPU_MMU_CERROR_ATC_INV_SYNC  0x3

/* Every CMDQ_CONS.ERR code by its architecture mnemonic: the one list the
 * model and the driver both name errors from. */
#define NPU_MMU_CERRORS(X) \
	X(NONE) X(ILL) X(ABT) X(ATC_INV_SYNC)

/* ---- Stream table entry, 64 bytes (8 dwords) --------------------------------- */
#define NPU_MMU_STE_SIZE             64
#define NPU_MMU_STE_0_V              NPU_BIT64(0)
#define NPU_MMU_STE_0_CONFIG         NPU_GENMASK64(3, 1)
#define   NPU_MMU_STE_CONFIG_ABORT     0x0
#define   NPU_MMU_STE_CONFIG_BYPASS    0x4
#define   NPU_MMU_STE_CONFIG_S1_TRANS  0x5
#define NPU_MMU_STE_0_S1FMT          NPU_GENMASK64(5, 4)
#define   NPU_MMU_STE_S1FMT_LINEAR     0x0
#define NPU_MMU_STE_0_S1CTXPTR       NPU_GENMASK64(51, 6)
#define NPU_MMU_STE_0_S1CDMAX        NPU_GENMASK64(63, 59)
#define NPU_MMU_STE_1_S1DSS          NPU_GENMASK64(1, 0)
#define   NPU_MMU_STE_S1DSS_TERMINATE  0x0
#define   NPU_MMU_STE_S1DSS_BYPASS     0x1
#define   NPU_MMU_STE_S1DSS_SSID0      0x2
#define NPU_MMU_STE_1_S1CIR          NPU_GENMASK64(3, 2)
#define NPU_MMU_STE_1_S1COR          NPU_GENMASK64(5, 4)
#define NPU_MMU_STE_1_S1CSH          NPU_GENMASK64(7, 6)
#define NPU_MMU_STE_1_CONT           NPU_GENMASK64(16, 13)
#define NPU_MMU_STE_1_MEV            NPU_BIT64(19)
#define NPU_MMU_STE_1_S1STALLD       NPU_BIT64(27)
#define NPU_MMU_STE_1_STRW           NPU_GENMASK64(31, 30)
#define NPU_MMU_STE_1_PRIVCFG        NPU_GENMASK64(49, 48)
#define   NPU_MMU_PRIVCFG_UNPRIV       0x2
#define   NPU_MMU_PRIVCFG_PRIV         0x3
#define NPU_MMU_STE_1_INSTCFG        NPU_GENMASK64(51, 50)
#define   NPU_MMU_INSTCFG_DATA         0x2
#define   NPU_MMU_INSTCFG_INSTR        0x3

/* ---- Context descriptor, 64 bytes ---------------------------------------------- */
#define NPU_MMU_CD_SIZE              64
#define NPU_MMU_CD_0_T0SZ            NPU_GENMASK64(5, 0)
#define NPU_MMU_CD_0_TG0             NPU_GENMASK64(7, 6)  /* 0 = 4 KiB, the only granule modelled */
#define NPU_MMU_CD_0_IRGN0           NPU_GENMASK64(9, 8)
#define NPU_MMU_CD_0_ORGN0           NPU_GENMASK64(11, 10)
#define NPU_MMU_CD_0_SH0             NPU_GENMASK64(13, 12)
#define NPU_MMU_CD_0_EPD0            NPU_BIT64(14)
#define NPU_MMU_CD_0_ENDI            NPU_BIT64(15)
#define NPU_MMU_CD_0_EPD1            NPU_BIT64(30)
#define NPU_MMU_CD_0_V               NPU_BIT64(31)
#define NPU_MMU_CD_0_IPS             NPU_GENMASK64(34, 32)
#define NPU_MMU_CD_0_TBI0            NPU_BIT64(38)
#define NPU_MMU_CD_0_AA64            NPU_BIT64(41)
#define NPU_MMU_CD_0_S               NPU_BIT64(44) /* stall: not modelled, faults terminate */
#define NPU_MMU_CD_0_R               NPU_BIT64(45) /* record faults as events */
#define NPU_MMU_CD_0_A               NPU_BIT64(46) /* 1: faults abort; 0: RAZ/WI */
#define NPU_MMU_CD_0_ASET            NPU_BIT64(47)
#define NPU_MMU_CD_0_ASID            NPU_GENMASK64(63, 48)
#define NPU_MMU_CD_1_HAD0            NPU_BIT64(1)  /* hierarchical attributes disabled (IDR3.HAD) */
#define NPU_MMU_CD_1_TTB0            NPU_GENMASK64(51, 4)
#define NPU_MMU_CD_3_MAIR_IVPU       0x7444u
#define NPU_MMU_T0SZ_48BIT           16
#define NPU_MMU_IPS_48BIT            5
#define NPU_MMU_CDTAB_ENTRIES_LOG2   8   /* 256 SSIDs (§6) */

/* ---- Commands, 16 bytes (opcode in dword 0 bits 7:0) --------------------------- */
#define NPU_MMU_CMD_SIZE             16
#define NPU_MMU_CMD_OPCODE           NPU_GENMASK64(7, 0)
#define   NPU_MMU_CMD_PREFETCH_CFG     0x01
#define   NPU_MMU_CMD_CFGI_STE         0x03
#define   NPU_MMU_CMD_CFGI_ALL         0x04
#define   NPU_MMU_CMD_CFGI_CD          0x05
#define   NPU_MMU_CMD_CFGI_CD_ALL      0x06
#define   NPU_MMU_CMD_TLBI_NH_ALL      0x10
#define   NPU_MMU_CMD_TLBI_NH_ASID     0x11
#define   NPU_MMU_CMD_TLBI_NH_VA       0x12
#define   NPU_MMU_CMD_TLBI_NH_VAA      0x13
#define   NPU_MMU_CMD_TLBI_EL2_ALL     0x20
#define   NPU_MMU_CMD_TLBI_NSNH_ALL    0x30
#define   NPU_MMU_CMD_SYNC             0x46
#define NPU_MMU_CMD_CFGI_0_SSV       NPU_BIT64(11)
#define NPU_MMU_CMD_CFGI_0_SSID      NPU_GENMASK64(31, 12)
#define NPU_MMU_CMD_CFGI_0_SID       NPU_GENMASK64(63, 32)
#define NPU_MMU_CMD_CFGI_1_RANGE     NPU_GENMASK64(4, 0)
#define NPU_MMU_CMD_CFGI_1_LEAF      NPU_BIT64(0)
#define NPU_MMU_CMD_TLBI_0_VMID      NPU_GENMASK64(47, 32)
#define NPU_MMU_CMD_TLBI_0_ASID      NPU_GENMASK64(63, 48)
#define NPU_MMU_CMD_TLBI_1_LEAF      NPU_BIT64(0)
#define NPU_MMU_CMD_TLBI_1_TTL       NPU_GENMASK64(9, 8)
#define NPU_MMU_CMD_TLBI_1_TG        NPU_GENMASK64(11, 10)
#define NPU_MMU_CMD_TLBI_1_ADDR      NPU_GENMASK64(63, 12)
#define NPU_MMU_CMD_SYNC_0_CS        NPU_GENMASK64(13, 12)
#define NPU_MMU_CMD_SYNC_0_MSH       NPU_GENMASK64(23, 22)
#define NPU_MMU_CMD_SYNC_0_MSIATTR   NPU_GENMASK64(27, 24)
#define NPU_MMU_CMD_SYNC_0_MSIDATA   NPU_GENMASK64(63, 32)
#define NPU_MMU_CMD_SYNC_1_MSIADDR   NPU_GENMASK64(51, 2)
#define   NPU_MMU_SYNC_CS_NONE         0x0
#define   NPU_MMU_SYNC_CS_IRQ          0x1
#define   NPU_MMU_SYNC_CS_SEV          0x2

/* ---- Event records, 32 bytes (eight 32-bit words) ------------------------------ */
#define NPU_MMU_EVT_SIZE             32
#define NPU_MMU_EVT_0_ID             NPU_GENMASK(7, 0)
#define NPU_MMU_EVT_0_SSV            NPU_BIT(11)
#define NPU_MMU_EVT_0_SSID           NPU_GENMASK(31, 12)
/* word 1: StreamID; word 3: access flags; words 4-5: input address;
 * words 6-7: fetch address (of the table entry that faulted) */
#define NPU_MMU_EVT_3_PNU            NPU_BIT(1)  /* 1 = privileged access */
#define NPU_MMU_EVT_3_IND            NPU_BIT(2)  /* 1 = instruction fetch */
#define NPU_MMU_EVT_3_RNW            NPU_BIT(3)  /* 1 = read */
#define NPU_MMU_EVT_3_CLASS          NPU_GENMASK(9, 8) /* 0 CD fetch, 1 TT fetch, 2 input */
#define   NPU_MMU_EVT_CLASS_CD         0x0
#define   NPU_MMU_EVT_CLASS_TT         0x1
#define   NPU_MMU_EVT_CLASS_IN         0x2
/* Event record ids (word 0 bits 7:0), SMMUv3 numbering (hw-facts §6) */
#define   NPU_MMU_EVT_F_UUT            0x01
#define   NPU_MMU_EVT_C_BAD_STREAMID   0x02
#define   NPU_MMU_EVT_F_STE_FETCH      0x03
#define   NPU_MMU_EVT_C_BAD_STE        0x04
#define   NPU_MMU_EVT_F_BAD_ATS_TREQ   0x05
#define   NPU_MMU_EVT_F_STREAM_DISABLED 0x06
#define   NPU_MMU_EVT_F_TRANSL_FORBIDDEN 0x07
#define   NPU_MMU_EVT_C_BAD_SUBSTREAMID 0x08
#define   NPU_MMU_EVT_F_CD_FETCH       0x09
#define   NPU_MMU_EVT_C_BAD_CD         0x0A
#define   NPU_MMU_EVT_F_WALK_EABT      0x0B
#define   NPU_MMU_EVT_F_TRANSLATION    0x10
#define   NPU_MMU_EVT_F_ADDR_SIZE      0x11
#define   NPU_MMU_EVT_F_ACCESS         0x12
#define   NPU_MMU_EVT_F_PERMISSION     0x13
#define   NPU_MMU_EVT_F_TLB_CONFLICT   0x20
#define   NPU_MMU_EVT_F_CFG_CONFLICT   0x21
#define   NPU_MMU_EVT_E_PAGE_REQUEST   0x24
#define   NPU_MMU_EVT_F_VMS_FETCH      0x25

/* Every event id by its architecture mnemonic (F_ fault, C_ configuration
 * error, E_ event): the one list the model's trace and the driver's log
 * both name events from. X(name) pairs with NPU_MMU_EVT_<name>. */
#define NPU_MMU_EVENTS(X) \
	X(F_UUT) X(C_BAD_STREAMID) X(F_STE_FETCH) X(C_BAD_STE) X(F_BAD_ATS_TREQ) \
	X(F_STREAM_DISABLED) X(F_TRANSL_FORBIDDEN) X(C_BAD_SUBSTREAMID) X(F_CD_FETCH) \
	X(C_BAD_CD) X(F_WALK_EABT) X(F_TRANSLATION) X(F_ADDR_SIZE) X(F_ACCESS) \
	X(F_PERMISSION) X(F_TLB_CONFLICT) X(F_CFG_CONFLICT) X(E_PAGE_REQUEST) \
	X(F_VMS_FETCH)

#define NPU_MMU_MNEMONIC_UNKNOWN     "UNKNOWN"

/* "F_TRANSLATION" for NPU_MMU_EVT_F_TRANSLATION; "UNKNOWN" for an id the
 * architecture does not define. */
static inline const char *npu_mmu_event_mnemonic(uint32_t id)
{
	switch (id) {
#define NPU_MMU_EVENT_CASE(name) case NPU_MMU_EVT_##name: return #name;
	NPU_MMU_EVENTS(NPU_MMU_EVENT_CASE)
#undef NPU_MMU_EVENT_CASE
	default: return NPU_MMU_MNEMONIC_UNKNOWN;
	}
}

/* "CERROR_ILL" for NPU_MMU_CERROR_ILL; "UNKNOWN" otherwise. */
static inline const char *npu_mmu_cerror_mnemonic(uint32_t err)
{
	switch (err) {
#define NPU_MMU_CERROR_CASE(name) case NPU_MMU_CERROR_##name: return "CERROR_" #name;
	NPU_MMU_CERRORS(NPU_MMU_CERROR_CASE)
#undef NPU_MMU_CERROR_CASE
	default: return NPU_MMU_MNEMONIC_UNKNOWN;
	}
}

/* ---- Stage-1 page tables: AArch64, 4 levels, 4 KiB granule (§6) ---------------- */
#define NPU_MMU_PAGE_SHIFT           12
#define NPU_MMU_PAGE_SIZE            (1u << NPU_MMU_PAGE_SHIFT)
#define NPU_MMU_PGTABLE_ENTRIES      512
#define NPU_MMU_PGD_INDEX            NPU_GENMASK64(47, 39)
#define NPU_MMU_PUD_INDEX            NPU_GENMASK64(38, 30)
#define NPU_MMU_PMD_INDEX            NPU_GENMASK64(29, 21)
#define NPU_MMU_PTE_INDEX            NPU_GENMASK64(20, 12)
#define NPU_MMU_ENTRY_VALID          NPU_BIT64(0)
#define NPU_MMU_ENTRY_TABLE          NPU_BIT64(1)  /* table (levels 0-2) or page (level 3) */
#define NPU_MMU_ENTRY_LLC_COHERENT   NPU_BIT64(2)
#define NPU_MMU_ENTRY_USER           NPU_BIT64(6)  /* AP[1]: unprivileged access allowed */
#define NPU_MMU_ENTRY_RO             NPU_BIT64(7)  /* AP[2]: read-only */
#define NPU_MMU_ENTRY_AF             NPU_BIT64(10)
#define NPU_MMU_ENTRY_NG             NPU_BIT64(11)
#define NPU_MMU_ENTRY_CONT           NPU_BIT64(52)
#define NPU_MMU_ENTRY_PXN            NPU_BIT64(53) /* privileged execute-never */
#define NPU_MMU_ENTRY_UXN            NPU_BIT64(54) /* unprivileged execute-never */
#define NPU_MMU_ENTRY_ADDR           NPU_GENMASK64(47, 12)
#define NPU_MMU_ENTRY_ADDR_HI        NPU_GENMASK64(51, 48) /* OA[51:48]: beyond a 48-bit IPS */
/* Hierarchical attributes in table descriptors (AArch64 VMSA; ivpu leaves them 0) */
#define NPU_MMU_TABLE_PXN            NPU_BIT64(59)
#define NPU_MMU_TABLE_UXN            NPU_BIT64(60)
#define NPU_MMU_TABLE_AP_NO_EL0      NPU_BIT64(61) /* APTable[0]: no unprivileged access below */
#define NPU_MMU_TABLE_AP_RO          NPU_BIT64(62) /* APTable[1]: no writes below */
#define NPU_MMU_ENTRY_PAGE_IVPU      0xC43u /* VALID|PAGE|USER|AF|nG: a mapped page (§6) */
#define NPU_MMU_DUMMY_ADDRESS        0xDEADB000u /* what ivpu puts in unmapped PTEs */

/* StreamIDs ivpu populates (§6) and the model's routing of NPU masters to them. */
#define NPU_MMU_STREAMS              4
#define NPU_MMU_SID_LRT              0 /* LeonRT control core, behind TBU0 */
#define NPU_MMU_SID_DMA              3 /* DMA/compute engines, behind TBU2 */
#define NPU_MMU_TBU_LRT              0
#define NPU_MMU_TBU_DMA              2

#endif /* INTEL_NPU_REGS_MMU_H */
