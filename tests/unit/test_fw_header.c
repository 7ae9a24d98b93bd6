/* SPDX-License-Identifier: MIT */
/*
 * The firmware-file parser and header serialiser of the format library
 * (format/fw_file.c): every error code with a minimally broken header, the
 * limits that must still pass, the header of the real Intel
 * vpu_37xx_v1.bin (hw-facts §4.3), our built firmware, header encode/decode
 * (every byte, little-endian, round trips), and the two tools built on the
 * library (fwinspect's exit codes, fw-pack's refusals).
 *
 * The built firmware is found at NPU_FIRMWARE (environment) or the path
 * mk/firmware.mk compiles in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "intel-npu/bits.h"
#include "npu-format/fw_file.h"

#ifndef NPU_TEST_FIRMWARE_BIN
#define NPU_TEST_FIRMWARE_BIN "build/firmware/vpu_37xx_v1.bin"
#endif
#ifndef NPU_TEST_FIRMWARE_ELF
#define NPU_TEST_FIRMWARE_ELF "build/firmware/sim-fw.elf"
#endif
#ifndef NPU_TEST_TOOLS_DIR
#define NPU_TEST_TOOLS_DIR "build/tools"
#endif
#ifndef NPU_TEST_SRCDIR
#define NPU_TEST_SRCDIR "."
#endif

#define RT       0x84800000ull
#define IMG      0x84802000ull
#define ENTRY    0x84803000ull
#define IMG_SIZE 0x3000u

static uint8_t *file;
static size_t file_size;
static struct npu_fw_info info;
static char why[512];

static void put32(size_t off, uint32_t v)
{
	npu_le32_put(file + off, v);
}

static void put64(size_t off, uint64_t v)
{
	npu_le64_put(file + off, v);
}

#define F(field) offsetof(struct npu_fw_header, field)

/* A valid file laid out like ours: header, version page, image. */
static void make_file(size_t image_size)
{
	free(file);
	file_size = NPU_FW_IMAGE_OFFSET + image_size;
	file = calloc(1, file_size);
	put32(F(header_version), 1);
	put32(F(image_format), NPU_FW_IMAGE_FORMAT_RV32);
	put64(F(image_load_address), IMG);
	put32(F(image_size), (uint32_t)image_size);
	put64(F(entry_point), ENTRY);
	memcpy(file + F(vpu_version), "0.1.0", 5);
	put64(F(firmware_version_load_address), RT + 0x1000);
	put32(F(firmware_version_size), 10);
	put64(F(boot_params_load_address), RT);
	put32(F(api_version) + 4 * NPU_FW_API_BOOT, NPU_API_VERSION(3, 26));
	put32(F(api_version) + 4 * NPU_FW_API_JSM, NPU_API_VERSION(3, 25));
	put32(F(runtime_size), 8u << 20);
	put32(F(preemption_buffer_1_size), 0x1000);
	put32(F(preemption_buffer_2_size), 0x1000);
	strcpy((char *)file + NPU_FW_VERSION_OFFSET, "test 1.0");
}

static int parse(void)
{
	return npu_fw_parse(file, file_size, &info, why, sizeof(why));
}

/* err is the code, and why names the given value */
static void expect(int err, const char *needle)
{
	int got = parse();

	if (got != err || !strstr(why, needle))
		fprintf(stderr, "\n  expected %s with \"%s\", got %s: %s\n", npu_fw_err_name(err),
			needle, npu_fw_err_name(got), why);
	CU_ASSERT_EQUAL(got, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, needle));
}

static void test_valid(void)
{
	make_file(IMG_SIZE);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT_EQUAL(info.runtime_addr, RT);
	CU_ASSERT_EQUAL(info.runtime_size, 8u << 20);
	CU_ASSERT_EQUAL(info.image_load_address, IMG);
	CU_ASSERT_EQUAL(info.image_load_offset, 0x2000);
	CU_ASSERT_EQUAL(info.image_size, IMG_SIZE);
	CU_ASSERT_PTR_EQUAL(info.image, file + 0x2000);
	CU_ASSERT_EQUAL(info.entry_point, ENTRY);
	CU_ASSERT_STRING_EQUAL(info.version, "test 1.0");
	CU_ASSERT_EQUAL(info.version_len, 8);
	CU_ASSERT_STRING_EQUAL(info.vpu_version, "0.1.0");
	CU_ASSERT_EQUAL(info.warnings, 0);
	CU_ASSERT(info.header_decoded);
	/* parsing does not need the why buffer */
	CU_ASSERT_EQUAL(npu_fw_parse(file, file_size, &info, NULL, 0), NPU_FW_OK);
}

/* A short why buffer gets the start of the sentence, NUL-terminated. */
static void test_why_truncated(void)
{
	char small[17];

	make_file(IMG_SIZE);
	put32(F(header_version), 7);
	memset(small, 'x', sizeof(small));
	CU_ASSERT_EQUAL(npu_fw_parse(file, file_size, &info, small, sizeof(small)),
			NPU_FW_ERR_HEADER_VERSION);
	CU_ASSERT_STRING_EQUAL(small, "header_version i");
	CU_ASSERT_EQUAL(npu_fw_parse(file, file_size, &info, small, 1), NPU_FW_ERR_HEADER_VERSION);
	CU_ASSERT_EQUAL(small[0], '\0');
}

static void test_too_small(void)
{
	make_file(IMG_SIZE);
	file_size = NPU_FW_IMAGE_OFFSET;          /* exactly 8 KiB: no image */
	expect(NPU_FW_ERR_TOO_SMALL, "file is 8192 bytes");
	CU_ASSERT(info.header_decoded);           /* fields still shown by fwinspect */
	file_size = 100;                          /* shorter than the header */
	expect(NPU_FW_ERR_TOO_SMALL, "100 bytes");
	CU_ASSERT(!info.header_decoded);
	file_size = 0;
	expect(NPU_FW_ERR_TOO_SMALL, "0 bytes");
	CU_ASSERT_EQUAL(npu_fw_parse(NULL, 10000, &info, why, sizeof(why)), NPU_FW_ERR_ARG);
	CU_ASSERT_EQUAL(npu_fw_parse(file, 10000, NULL, why, sizeof(why)), NPU_FW_ERR_ARG);
}

static void test_header_version(void)
{
	make_file(IMG_SIZE);
	put32(F(header_version), 2);
	expect(NPU_FW_ERR_HEADER_VERSION, "header_version is 2");
	put32(F(header_version), 0);
	expect(NPU_FW_ERR_HEADER_VERSION, "header_version is 0");
}

static void test_runtime_addr(void)
{
	make_file(IMG_SIZE);
	put64(F(boot_params_load_address), 0x7FFFF000);
	expect(NPU_FW_ERR_RUNTIME_ADDR, "0x7ffff000 is outside [0x80000000, 0xb0000000]");
	put64(F(boot_params_load_address), 0xB0001000);
	expect(NPU_FW_ERR_RUNTIME_ADDR, "0xb0001000");
	/* both limits are allowed (ivpu: < MIN or > MAX fails) */
	put64(F(boot_params_load_address), 0xB0000000);
	put64(F(image_load_address), 0xB0002000);
	put64(F(entry_point), 0xB0003000);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	put64(F(boot_params_load_address), 0x80000000);
	put64(F(image_load_address), 0x80002000);
	put64(F(entry_point), 0x80003000);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
}

static void test_runtime_size(void)
{
	make_file(IMG_SIZE);
	put32(F(runtime_size), (uint32_t)file_size - 1);
	expect(NPU_FW_ERR_RUNTIME_SIZE, "smaller than the file itself (20480 bytes)");
	put32(F(runtime_size), (uint32_t)file_size);           /* equal is fine... */
	put64(F(image_load_address), RT);                       /* ...if the image fits */
	put64(F(entry_point), RT + 0x1000);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	make_file(IMG_SIZE);
	put32(F(runtime_size), (512u << 20) + 4096);
	expect(NPU_FW_ERR_RUNTIME_SIZE, "larger than the 512 MiB maximum");
	put32(F(runtime_size), 512u << 20);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
}

static void test_image_size(void)
{
	make_file(IMG_SIZE);
	put32(F(image_size), IMG_SIZE + 1);
	expect(NPU_FW_ERR_IMAGE_SIZE, "image_size 0x3001 from file offset 0x2000 ends at 0x5001, "
	       "beyond the end of the file (20480 bytes)");
	put32(F(image_size), 0xFFFFFFFFu);
	expect(NPU_FW_ERR_IMAGE_SIZE, "0xffffffff");
}

static void test_image_range(void)
{
	make_file(IMG_SIZE);
	put64(F(image_load_address), RT - 0x1000);
	expect(NPU_FW_ERR_IMAGE_RANGE, "image [0x847ff000, 0x84802000) is not inside the runtime "
	       "region [0x84800000, 0x85000000)");
	put64(F(image_load_address), RT + (8u << 20) - 0x1000);   /* runs off the end */
	expect(NPU_FW_ERR_IMAGE_RANGE, "is not inside the runtime region");
	put64(F(image_load_address), 0xFFFFFFFFFFFFF000ull);     /* wraps around */
	expect(NPU_FW_ERR_IMAGE_RANGE, "0xfffffffffffff000");
}

static void test_shave_size(void)
{
	make_file(IMG_SIZE);
	put32(F(shave_nn_fw_size), (2u << 20) + 1);
	expect(NPU_FW_ERR_SHAVE_SIZE, "0x200001");
	put32(F(shave_nn_fw_size), 2u << 20);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
}

static void test_entry_range(void)
{
	make_file(IMG_SIZE);
	put64(F(entry_point), 0x84900000);
	expect(NPU_FW_ERR_ENTRY_RANGE,
	       "entry point 0x84900000 is outside the image [0x84802000, 0x84805000)");
	put64(F(entry_point), IMG + IMG_SIZE);                   /* end is exclusive */
	expect(NPU_FW_ERR_ENTRY_RANGE, "0x84805000");
	put64(F(entry_point), IMG - 0x1000);
	expect(NPU_FW_ERR_ENTRY_RANGE, "0x84801000");
	put64(F(entry_point), IMG);                              /* first byte is fine */
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
}

static void test_entry_align(void)
{
	make_file(IMG_SIZE);
	put64(F(entry_point), ENTRY + 0x100);
	expect(NPU_FW_ERR_ENTRY_ALIGN, "entry point 0x84803100 is not 4 KiB aligned");
	put64(F(entry_point), ENTRY + 4);
	expect(NPU_FW_ERR_ENTRY_ALIGN, "LOADING_ADDRESS");
}

static void test_version_string(void)
{
	make_file(IMG_SIZE);
	memset(file + NPU_FW_VERSION_OFFSET, 'A', NPU_FW_VERSION_HEADER_SIZE);
	expect(NPU_FW_ERR_VERSION_STRING, "no NUL terminator within its 4 KiB page");
	file[NPU_FW_VERSION_OFFSET + NPU_FW_VERSION_HEADER_SIZE - 1] = 0;   /* last byte */
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	CU_ASSERT_EQUAL(info.version_len, NPU_FW_VERSION_HEADER_SIZE - 1);
	file[NPU_FW_VERSION_OFFSET] = 0;                                    /* empty: a warning */
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	CU_ASSERT(info.warnings & NPU_FW_WARN_NO_VERSION);
}

static void test_api(void)
{
	make_file(IMG_SIZE);
	put32(F(api_version) + 4 * NPU_FW_API_BOOT, NPU_API_VERSION(2, 9));
	expect(NPU_FW_ERR_API_BOOT, "BOOT API version 2.9 (api_version[0] = 0x00020009) is "
	       "older than 3.0");
	make_file(IMG_SIZE);
	put32(F(api_version) + 4 * NPU_FW_API_JSM, NPU_API_VERSION(2, 10));
	expect(NPU_FW_ERR_API_JSM, "JSM API version 2.10");
	put32(F(api_version) + 4 * NPU_FW_API_JSM, NPU_API_VERSION(4, 0));   /* newer: warns */
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	CU_ASSERT(info.warnings & NPU_FW_WARN_API_MAJOR);
}

static void test_ro_section(void)
{
	make_file(IMG_SIZE);
	put64(F(ro_section_start_address), IMG);
	put32(F(ro_section_size), IMG_SIZE);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	CU_ASSERT_EQUAL(info.ro_addr, IMG);
	CU_ASSERT_EQUAL(info.ro_size, IMG_SIZE);
	put32(F(ro_section_size), IMG_SIZE + 0x1000);
	expect(NPU_FW_ERR_RO_SECTION, "read-only section [0x84802000, 0x84806000) is not inside "
	       "the image [0x84802000, 0x84805000)");
	put64(F(ro_section_start_address), IMG - 0x1000);
	put32(F(ro_section_size), 0x1000);
	expect(NPU_FW_ERR_RO_SECTION, "is not inside the image");
	put64(F(ro_section_start_address), IMG + 0x10);
	put32(F(ro_section_size), 0x1000);
	expect(NPU_FW_ERR_RO_SECTION, "not 4 KiB aligned");
	put64(F(ro_section_start_address), IMG);
	put32(F(ro_section_size), 0x800);
	expect(NPU_FW_ERR_RO_SECTION, "size 0x800 is not 4 KiB aligned");
	put64(F(ro_section_start_address), 0);
	put32(F(ro_section_size), 0x1000);
	expect(NPU_FW_ERR_RO_SECTION, "has size 0x1000 but no address");
}

/* hw-facts §4.3: the header of intel/linux-npu-driver firmware/bin/vpu_37xx_v1.bin */
static void test_real_intel_header(void)
{
	free(file);
	file_size = 2435480;
	file = calloc(1, file_size);
	put32(F(header_version), 1);
	put32(F(image_format), NPU_FW_IMAGE_FORMAT_LEON);
	put64(F(image_load_address), 0x84802000);
	put32(F(image_size), 0x250998);
	put64(F(entry_point), 0x84803000);
	memcpy(file + F(vpu_version), "0.0.0", 5);
	put32(F(compression_type), 1);
	put64(F(firmware_version_load_address), 0x84801000);
	put32(F(firmware_version_size), 139);
	put64(F(boot_params_load_address), 0x84800000);
	put32(F(api_version) + 0, 0x0003001F);
	put32(F(api_version) + 8, 0x00010000);
	put32(F(api_version) + 12, 0x0004000F);
	put32(F(api_version) + 16, 0x00030023);
	put32(F(api_version) + 24, 0x00010000);
	put32(F(api_version) + 28, 0x00070000);
	put32(F(runtime_size), 0x04000000);
	put32(F(shave_nn_fw_size), 0x16B8);
	put32(F(preemption_buffer_1_size), 0xD800);
	put32(F(preemption_buffer_2_size), 0x7FE000);
	put32(F(preemption_buffer_1_max_size), 0x13C00);
	put32(F(preemption_buffer_2_max_size), 0xBFD000);
	strcpy((char *)file + NPU_FW_VERSION_OFFSET,
	       "20260305*MTL_CLIENT_SILICON-NVR+NN-deployment*");
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	if (*why)
		fprintf(stderr, "\n  real header rejected: %s\n", why);
	CU_ASSERT_EQUAL(file_size, NPU_FW_IMAGE_OFFSET + 0x250998u);   /* §4.3 is consistent */
	CU_ASSERT_EQUAL(info.runtime_size, 64u << 20);
	CU_ASSERT_EQUAL(info.entry_point, 0x84803000);
	CU_ASSERT_EQUAL(info.ro_addr, 0);
	CU_ASSERT_EQUAL(info.warnings, NPU_FW_WARN_COMPRESSED);        /* nothing else odd */
	CU_ASSERT_STRING_EQUAL(npu_fw_image_format_name(info.hdr.image_format), "LEON (Intel)");
	CU_ASSERT_EQUAL(NPU_API_MINOR(info.hdr.api_version[NPU_FW_API_JSM]), 35);
}

/* ---- Header encode/decode (one layout table for both) -------------------------- */

static void test_header_encode_every_byte(void)
{
	struct npu_fw_header h;
	uint8_t out[NPU_FW_HEADER_STRUCT_SIZE];

	/* a struct of 0xA5 bytes encodes to 204 bytes of 0xA5: each byte written once */
	memset(&h, 0xA5, sizeof(h));
	memset(out, 0, sizeof(out));
	npu_fw_header_encode(&h, out);
	for (size_t i = 0; i < sizeof(out); i++)
		if (out[i] != 0xA5) {
			fprintf(stderr, "\n  header byte 0x%zx not written by encode\n", i);
			CU_FAIL("encode leaves a header byte out");
			break;
		}
	/* and every byte is read: 0x5A bytes decode to a struct of 0x5A bytes */
	memset(out, 0x5A, sizeof(out));
	memset(&h, 0, sizeof(h));
	npu_fw_header_decode(out, &h);
	for (size_t i = 0; i < sizeof(h); i++)
		if (((uint8_t *)&h)[i] != 0x5A) {
			fprintf(stderr, "\n  header byte 0x%zx not read by decode\n", i);
			CU_FAIL("decode leaves a header byte out");
			break;
		}
}

/* Values land at the offsets of hw-facts §4.2, least significant byte first. */
static void test_header_encode_layout(void)
{
	static const uint8_t entry_le[8] = { 0x00, 0x30, 0x80, 0x84, 0x01, 0x00, 0x00, 0x00 };
	struct npu_fw_header h = { 0 }, back;
	uint8_t out[NPU_FW_HEADER_STRUCT_SIZE] = { 0 };

	h.header_version = 1;
	h.image_format = NPU_FW_IMAGE_FORMAT_RV32;
	h.entry_point = 0x184803000ull;
	memcpy(h.vpu_version, "0.1.0", 5);
	h.api_version[NPU_FW_API_JSM] = NPU_API_VERSION(3, 25);
	h.runtime_size = 0x04000000;
	h.ro_section_start_address = 0x84802000;
	h.reserved = 0xDEADBEEF;
	npu_fw_header_encode(&h, out);
	CU_ASSERT_EQUAL(memcmp(out + 0x00, "\x01\x00\x00\x00", 4), 0);
	CU_ASSERT_EQUAL(memcmp(out + 0x04, "RV32", 4), 0);               /* the ASCII marker */
	CU_ASSERT_EQUAL(memcmp(out + 0x14, entry_le, 8), 0);
	CU_ASSERT_EQUAL(memcmp(out + 0x1C, "0.1.0", 6), 0);
	CU_ASSERT_EQUAL(memcmp(out + 0x54 + 4 * NPU_FW_API_JSM, "\x19\x00\x03\x00", 4), 0);
	CU_ASSERT_EQUAL(memcmp(out + 0x94, "\x00\x00\x00\x04", 4), 0);
	CU_ASSERT_EQUAL(npu_le64_get(out + 0xBC), 0x84802000);
	CU_ASSERT_EQUAL(memcmp(out + 0xC8, "\xEF\xBE\xAD\xDE", 4), 0);
	npu_fw_header_decode(out, &back);
	CU_ASSERT_EQUAL(memcmp(&back, &h, sizeof(h)), 0);
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static const char *firmware_path(void)
{
	const char *p = getenv("NPU_FIRMWARE");

	return p && *p ? p : NPU_TEST_FIRMWARE_BIN;
}

static void test_built_firmware(void)
{
	free(file);
	file = read_all(firmware_path(), &file_size);
	if (!file)
		fprintf(stderr, "\n  cannot read %s (build it: make %s)\n", firmware_path(),
			NPU_TEST_FIRMWARE_BIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	CU_ASSERT_EQUAL(parse(), NPU_FW_OK);
	if (*why)
		fprintf(stderr, "\n  built firmware rejected: %s\n", why);
	CU_ASSERT_EQUAL(info.warnings, 0);
	CU_ASSERT_EQUAL(info.hdr.image_format, NPU_FW_IMAGE_FORMAT_RV32);
	CU_ASSERT_EQUAL(info.runtime_addr, 0x84800000);
	CU_ASSERT_EQUAL(info.runtime_size, 8u << 20);
	CU_ASSERT_EQUAL(info.image_load_address, 0x84802000);
	CU_ASSERT_EQUAL(info.entry_point, 0x84803000);
	CU_ASSERT_EQUAL(info.hdr.firmware_version_load_address, 0x84801000);
	CU_ASSERT_EQUAL(info.hdr.firmware_version_size, info.version_len + 1);
	CU_ASSERT_EQUAL(info.hdr.api_version[NPU_FW_API_BOOT], NPU_API_VERSION(3, 26));
	CU_ASSERT_EQUAL(info.hdr.api_version[NPU_FW_API_JSM], NPU_API_VERSION(3, 25));
	/* the command-buffer format the firmware runs (hw-facts §10) */
	CU_ASSERT_EQUAL(info.hdr.api_version[NPU_FW_API_JOB_CMD], NPU_API_VERSION(4, 15));
	/* the mapped-inference version INFERENCE_EXECUTE runs (hw-facts §10, §16.3) */
	CU_ASSERT_EQUAL(info.hdr.api_version[NPU_FW_API_NNRT_37XX], NPU_API_VERSION(7, 0));
	for (unsigned i = 0; i < NPU_FW_API_VER_NUM; i++)
		if (i != NPU_FW_API_BOOT && i != NPU_FW_API_JSM && i != NPU_FW_API_JOB_CMD &&
		    i != NPU_FW_API_NNRT_37XX)
			CU_ASSERT_EQUAL(info.hdr.api_version[i], 0);
	CU_ASSERT_EQUAL(info.hdr.shave_nn_fw_size, 0);
	CU_ASSERT_EQUAL(info.hdr.preemption_buffer_1_size, 4096);
	CU_ASSERT_EQUAL(info.hdr.preemption_buffer_2_size, 4096);
	CU_ASSERT_EQUAL(info.hdr.compression_type, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(info.version, "intel-npu-mtl sim-firmware "));
	CU_ASSERT_PTR_NOT_NULL(strstr(info.version, " RV32IM JSM 3.25 BOOT 3.26"));
	/* a real read-only section: the image's first pages, whole pages */
	CU_ASSERT_EQUAL(info.ro_addr, 0x84802000);
	CU_ASSERT(info.ro_size > 0 && info.ro_size % 4096 == 0);
	CU_ASSERT(info.ro_size <= info.image_size);
	/* the bytes at the entry point are code, not padding */
	CU_ASSERT(info.image[info.entry_point - info.image_load_address] != 0);
	/* nothing after the image: .bss is not in the file */
	CU_ASSERT_EQUAL(file_size, NPU_FW_IMAGE_OFFSET + info.image_size);
	/* the header fw-pack wrote is what the library encodes from its decoding */
	{
		uint8_t again[NPU_FW_HEADER_STRUCT_SIZE];

		npu_fw_header_encode(&info.hdr, again);
		CU_ASSERT_EQUAL(memcmp(again, file, sizeof(again)), 0);
	}
}

static void test_strings(void)
{
	static const int all[] = {
		NPU_FW_OK, NPU_FW_ERR_TOO_SMALL, NPU_FW_ERR_HEADER_VERSION, NPU_FW_ERR_RUNTIME_ADDR,
		NPU_FW_ERR_RUNTIME_SIZE, NPU_FW_ERR_IMAGE_SIZE, NPU_FW_ERR_IMAGE_RANGE,
		NPU_FW_ERR_SHAVE_SIZE, NPU_FW_ERR_ENTRY_RANGE, NPU_FW_ERR_ENTRY_ALIGN,
		NPU_FW_ERR_VERSION_STRING, NPU_FW_ERR_API_BOOT, NPU_FW_ERR_API_JSM,
		NPU_FW_ERR_RO_SECTION, NPU_FW_ERR_ARG,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(npu_fw_err_name(all[i]), "NPU_FW_ERR_UNKNOWN");
		CU_ASSERT_STRING_NOT_EQUAL(npu_fw_strerror(all[i]), "unknown firmware parser error");
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(npu_fw_err_name(all[i]), npu_fw_err_name(all[j]));
	}
	CU_ASSERT_STRING_EQUAL(npu_fw_err_name(-99), "NPU_FW_ERR_UNKNOWN");
	CU_ASSERT_STRING_EQUAL(npu_fw_err_name(NPU_FW_ERR_ENTRY_ALIGN), "NPU_FW_ERR_ENTRY_ALIGN");
	CU_ASSERT_STRING_EQUAL(npu_fw_image_format_name(NPU_FW_IMAGE_FORMAT_RV32),
			       "RV32 (intel-npu-mtl)");
	CU_ASSERT_STRING_EQUAL(npu_fw_image_format_name(7), "unknown");
	CU_ASSERT_PTR_NOT_NULL(npu_fw_api_name(NPU_FW_API_JSM));
	CU_ASSERT_PTR_NULL(npu_fw_api_name(5));
	for (unsigned b = NPU_FW_WARN_API_MAJOR; b <= NPU_FW_WARN_IMAGE_FORMAT; b <<= 1)
		CU_ASSERT_STRING_NOT_EQUAL(npu_fw_warning_str(b), "unknown warning");
}

/* ---- The tools ------------------------------------------------------------------ */

/* Runs a shell command (printf-style); returns its exit status. */
__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, n, f), n);
	fclose(f);
}

#define FWINSPECT NPU_TEST_TOOLS_DIR "/fwinspect"
#define FWPACK    NPU_TEST_TOOLS_DIR "/fw-pack"

static void test_fwinspect(void)
{
	const char *fw = firmware_path();
	char bad[] = "/tmp/npu-fwhdr-XXXXXX";
	int fd = mkstemp(bad);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	make_file(IMG_SIZE);
	put64(F(entry_point), 0x84900000);
	write_file(bad, file, file_size);
	/* 0 valid, 1 invalid, 2 usage or I/O error (which wins) */
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s >/dev/null", fw), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " --json %s | grep -q '\"valid\": true'", fw), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s | grep -q '^  entry_point  *0x84900000$'", bad), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s | grep -q 'INVALID: entry point 0x84900000 is outside "
			   "the image .* (NPU_FW_ERR_ENTRY_RANGE)'", bad), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s >/dev/null", bad), 1);
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s %s >/dev/null", fw, bad), 1);
	CU_ASSERT_EQUAL(sh(FWINSPECT " --json %s | grep -q NPU_FW_ERR_ENTRY_RANGE", bad), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s.missing 2>&1 | grep -q 'cannot open'", bad), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " %s %s.missing >/dev/null 2>&1", bad, bad), 2);
	CU_ASSERT_EQUAL(sh(FWINSPECT " /tmp 2>&1 | grep -q 'not a regular file'"), 0);
	CU_ASSERT_EQUAL(sh(FWINSPECT " >/dev/null 2>&1"), 2);
	CU_ASSERT_EQUAL(sh(FWINSPECT " --bogus %s >/dev/null 2>&1", bad), 2);
	unlink(bad);
}

static void test_fw_pack(void)
{
	char out[] = "/tmp/npu-fwpack-XXXXXX";
	int fd = mkstemp(out);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	/* refusals, each with its reason */
	CU_ASSERT_EQUAL(sh(FWPACK " --version 1 -o %s %s 2>&1 | grep -q 'is not an ELF file'",
			   out, firmware_path()), 0);
	CU_ASSERT_EQUAL(sh(FWPACK " --version 1 -o %s %s >/dev/null 2>&1", out, firmware_path()), 1);
	CU_ASSERT_EQUAL(sh(FWPACK " --version 1 -o %s %s.none >/dev/null 2>&1", out, out), 1);
	CU_ASSERT_EQUAL(sh(FWPACK " --version 01234567890123456789012345678901 -o %s "
			   NPU_TEST_FIRMWARE_ELF " 2>&1 | grep -q 'must be 1..31 characters'", out), 0);
	CU_ASSERT_EQUAL(sh(FWPACK " >/dev/null 2>&1"), 2);
	/* and the real thing reproduces the firmware file byte for byte */
	if (!getenv("NPU_FIRMWARE"))
		CU_ASSERT_EQUAL(sh(FWPACK " --version-file " NPU_TEST_SRCDIR "/sim-firmware/VERSION "
				   "-o %s " NPU_TEST_FIRMWARE_ELF " >/dev/null && cmp %s "
				   NPU_TEST_FIRMWARE_BIN, out, out), 0);
	unlink(out);
}

int main(int argc, char **argv)
{
	CU_pSuite s;
	unsigned failed;

	(void)argc;
	(void)argv;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("fw_header", NULL, NULL);
	CU_add_test(s, "valid file", test_valid);
	CU_add_test(s, "reason truncated to the buffer", test_why_truncated);
	CU_add_test(s, "TOO_SMALL", test_too_small);
	CU_add_test(s, "HEADER_VERSION", test_header_version);
	CU_add_test(s, "RUNTIME_ADDR", test_runtime_addr);
	CU_add_test(s, "RUNTIME_SIZE", test_runtime_size);
	CU_add_test(s, "IMAGE_SIZE", test_image_size);
	CU_add_test(s, "IMAGE_RANGE", test_image_range);
	CU_add_test(s, "SHAVE_SIZE", test_shave_size);
	CU_add_test(s, "ENTRY_RANGE", test_entry_range);
	CU_add_test(s, "ENTRY_ALIGN", test_entry_align);
	CU_add_test(s, "VERSION_STRING", test_version_string);
	CU_add_test(s, "API_BOOT/API_JSM", test_api);
	CU_add_test(s, "RO_SECTION", test_ro_section);
	CU_add_test(s, "real Intel header (hw-facts 4.3)", test_real_intel_header);
	CU_add_test(s, "built firmware", test_built_firmware);
	CU_add_test(s, "header encode/decode cover every byte", test_header_encode_every_byte);
	CU_add_test(s, "header encode layout and round trip", test_header_encode_layout);
	CU_add_test(s, "error and field names", test_strings);
	CU_add_test(s, "fwinspect exit codes", test_fwinspect);
	CU_add_test(s, "fw-pack refusals and reproduction", test_fw_pack);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(file);
	return failed ? 1 : 0;
}
