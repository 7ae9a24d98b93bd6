/* SPDX-License-Identifier: MIT */
/*
 * Firmware files ("vpu_37xx_v1.bin"; layout in include/intel-npu/fw_header.h,
 * hw-facts §4.1-§4.3): the one parser, validator and header serialiser of
 * the project. Used by the driver (driver/lib/fw.c), the packer
 * (tools/fw-pack: it writes the header with npu_fw_header_encode and checks
 * its output with npu_fw_parse), the inspector (tools/fwinspect) and the
 * firmware tests.
 *
 * npu_fw_parse makes exactly the checks of Linux 6.12's ivpu_fw_parse(),
 * in the same order, plus three a real device needs as well:
 *   - the entry point must be 4 KiB aligned: the host starts the core by
 *     writing entry >> 9 to LOADING_ADDRESS, whose low 3 bits are not
 *     address bits (hw-facts §3.3);
 *   - the version string must be NUL-terminated inside its 4 KiB page;
 *   - a read-only section must be page aligned (Linux rejects it later, in
 *     ivpu_mmu_context_set_pages_ro) and have an address if it has a size.
 * It does not judge image_format: a LEON image is a valid file (Linux
 * loads it); whether a core can run it is the loader's business.
 *
 * Freestanding C11 (format/README.md): no OS or C library calls, no
 * allocation; callers pass the file's bytes; fields are decoded
 * little-endian byte by byte, so it works on any host.
 */
#ifndef NPU_FORMAT_FW_FILE_H
#define NPU_FORMAT_FW_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel-npu/fw_header.h"

enum npu_fw_err {
	NPU_FW_OK                 = 0,
	NPU_FW_ERR_TOO_SMALL      = -1,  /* file <= 8 KiB: no room for an image */
	NPU_FW_ERR_HEADER_VERSION = -2,  /* header_version != 1 */
	NPU_FW_ERR_RUNTIME_ADDR   = -3,  /* runtime not in [2 GiB, 3 GiB - 256 MiB] */
	NPU_FW_ERR_RUNTIME_SIZE   = -4,  /* runtime_size < file size or > 512 MiB */
	NPU_FW_ERR_IMAGE_SIZE     = -5,  /* image runs past the end of the file */
	NPU_FW_ERR_IMAGE_RANGE    = -6,  /* image outside the runtime region */
	NPU_FW_ERR_SHAVE_SIZE     = -7,  /* shave_nn_fw_size > 2 MiB */
	NPU_FW_ERR_ENTRY_RANGE    = -8,  /* entry point outside the image */
	NPU_FW_ERR_ENTRY_ALIGN    = -9,  /* entry point not 4 KiB aligned */
	NPU_FW_ERR_VERSION_STRING = -10, /* no NUL inside the version page */
	NPU_FW_ERR_API_BOOT       = -11, /* BOOT API major < 3 */
	NPU_FW_ERR_API_JSM        = -12, /* JSM API major < 3 */
	NPU_FW_ERR_RO_SECTION     = -13, /* read-only section outside the image / unaligned */
	NPU_FW_ERR_ARG            = -14, /* NULL file or info */
};

/* Not errors: things Linux 6.12 accepts but warns about, or we find odd. */
#define NPU_FW_WARN_API_MAJOR     0x01u  /* BOOT or JSM major is not 3 */
#define NPU_FW_WARN_NO_VERSION    0x02u  /* empty version string */
#define NPU_FW_WARN_COMPRESSED    0x04u  /* compression_type != 0 (ignored by Linux) */
#define NPU_FW_WARN_NO_PREEMPT    0x08u  /* a preemption buffer size is 0 (HWS mode fails) */
#define NPU_FW_WARN_IMAGE_FORMAT  0x10u  /* neither the LEON nor the RV32 format */

/* Minimum API majors (ivpu_fw_parse) and the majors Linux 6.12 was built for. */
#define NPU_FW_MIN_API_MAJOR      3u
#define NPU_FW_EXPECTED_API_MAJOR 3u

struct npu_fw_info {
	size_t   file_size;
	bool     header_decoded;     /* hdr holds the file's header (file >= 204 bytes) */
	struct npu_fw_header hdr;    /* every field, decoded to host byte order */
	char     vpu_version[sizeof(((struct npu_fw_header *)0)->vpu_version) + 1];
	/* Valid once parsing got past the corresponding check: */
	uint64_t runtime_addr, runtime_size;   /* runtime region [addr, addr + size) */
	uint64_t image_load_address;           /* image: file offset 0x2000 -> here */
	uint64_t image_load_offset;            /* image_load_address - runtime_addr */
	uint32_t image_size;
	const uint8_t *image;                  /* points into the file */
	uint64_t entry_point;
	const char *version;                   /* the version string, in the file */
	size_t   version_len;
	uint64_t ro_addr;
	uint32_t ro_size;
	unsigned warnings;                     /* NPU_FW_WARN_* */
};

/*
 * Parse and validate a firmware file held in memory. Returns NPU_FW_OK or a
 * negative enum npu_fw_err; on error `why` (if not NULL) holds one sentence
 * naming the values at fault, e.g. "entry point 0x84900000 is outside the
 * image [0x84802000, 0x84805000)". info is filled as far as parsing got.
 */
int npu_fw_parse(const void *file, size_t size, struct npu_fw_info *info,
		 char *why, size_t why_len);

/* "NPU_FW_ERR_ENTRY_RANGE: entry point outside the image" style name+summary. */
const char *npu_fw_strerror(int err);
/* Symbolic name only, e.g. "NPU_FW_ERR_ENTRY_RANGE". */
const char *npu_fw_err_name(int err);
/* One sentence per NPU_FW_WARN_* bit. */
const char *npu_fw_warning_str(unsigned bit);

/*
 * The 204 header bytes at file offset 0 <-> struct npu_fw_header in host
 * byte order. Both walk one table of the header's fields, so the layout
 * (include/intel-npu/fw_header.h) is spelled out once; encode writes every
 * byte of the NPU_FW_HEADER_STRUCT_SIZE it covers, decode reads them all.
 */
#define NPU_FW_HEADER_STRUCT_SIZE sizeof(struct npu_fw_header)
void npu_fw_header_decode(const void *bytes, struct npu_fw_header *h);
void npu_fw_header_encode(const struct npu_fw_header *h, void *bytes);

/* "RV32 (intel-npu-mtl)", "LEON (Intel)" or "unknown". */
const char *npu_fw_image_format_name(uint32_t image_format);
/* What api_version[idx] means: "BOOT API", "JSM API", ... or NULL. */
const char *npu_fw_api_name(unsigned idx);

#endif /* NPU_FORMAT_FW_FILE_H */
