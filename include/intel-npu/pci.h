/* SPDX-License-Identifier: MIT */
/*
 * PCI identity of the Meteor Lake NPU (hw-facts §1).
 */
#ifndef INTEL_NPU_PCI_H
#define INTEL_NPU_PCI_H

#define NPU_PCI_VENDOR_INTEL   0x8086
#define NPU_PCI_DEVICE_MTL     0x7D1D /* Meteor Lake, IP 37xx, buttress MTL (§1.1) */
#define NPU_PCI_DEVICE_ARL     0xAD1D /* Arrow Lake, same 37xx IP and buttress (§1.1) */
#define NPU_PCI_REVISION_MTL   0x04   /* "Meteor Lake NPU (rev 04)" (§1.2, obs) */
#define NPU_PCI_CLASS_ACCEL    0x1200 /* processing accelerator, prog-if 0 (§1.2) */
#define NPU_PCI_CLASS_PROG_IF  0x00

#define NPU_BAR_REGV           0               /* NPU IP registers ("RegV") (§1.2) */
#define NPU_BAR_REGB           4               /* buttress ("RegB") (§1.2) */
#define NPU_BAR0_SIZE          (128u << 20)    /* 64-bit, 128 MiB (§1.2, obs) */
#define NPU_BAR4_SIZE          (4u << 10)      /* 64-bit, 4 KiB (§1.2, obs) */

#define NPU_DMA_BITS_37XX      38              /* dma_set_mask for 37xx (§1.4) */

#endif /* INTEL_NPU_PCI_H */
