/* SPDX-License-Identifier: MIT */
/*
 * fw-pack: turn the simulated firmware's RV32 ELF into a firmware file in
 * the layout the Linux driver loads (hw-facts §4.2, include/intel-npu/
 * fw_header.h):
 *
 *   0x0000  header (struct npu_fw_header), rest of the 4 KiB zero
 *   0x1000  version string, NUL-terminated, rest of the 4 KiB zero
 *   0x2000  image: the bytes of every loadable segment that has file
 *           contents, from the lowest address to the end of the last one
 *           (.data); .bss and the TCM are not part of it
 *
 * Addresses come from the link (sim-firmware/fw.ld): __fw_runtime_start and
 * __fw_runtime_size give the runtime region, __fw_ro_start/__fw_ro_end the
 * read-only section, e_entry the cold entry. The output depends on nothing
 * but the ELF's loadable bytes and the version string, so rebuilds are
 * byte-identical. The header is written by the format library's serialiser
 * (npu_fw_header_encode, format/fw_file.c), so its layout is defined once,
 * and the result is checked with the parser the driver uses (npu_fw_parse)
 * before it is written.
 *
 * Usage: fw-pack [--version VER | --version-file FILE] -o OUT.bin IN.elf
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel-npu/bits.h"
#include "intel-npu/cmdbuf.h"
#include "intel-npu/fw_header.h"
#include "intel-npu/lrt.h"
#include "intel-npu/nnrt.h"
#include "npu-format/fw_file.h"

/* What this firmware implements (sim-firmware/README.md). */
#define PACK_BOOT_API     NPU_API_VERSION(3, 26)   /* boot params layout of Linux 6.12 */
#define PACK_JSM_API      NPU_API_VERSION(3, 25)   /* vpu_jsm_api.h of Linux 6.12 */
/* The command-buffer format the firmware runs (hw-facts §10 index 3, §11):
 * user space reads it to choose NOP fillers (> 4.9) over padded BARRIERs. */
#define PACK_JOB_CMD_API  NPU_API_VERSION(NPU_JOB_CMD_API_MAJOR, NPU_JOB_CMD_API_MINOR)
/* The mapped-inference API the firmware runs (hw-facts §10 index 7, §16.3):
 * the UMD hands it to the ELF loader, which builds the HPI for it. */
#define PACK_NNRT_API     NPU_NNRT_API_VER
#define PACK_PREEMPT_SIZE 0x1000u                  /* see README: avoids a HWS failure */

static const char *prog = "fw-pack";

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory reading %s", path);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		die("cannot read %s: %s", path, strerror(errno));
	fclose(f);
	*size = n;
	return buf;
}

/* ---- ELF (RV32, little endian; fields decoded byte by byte) ------------------ */

struct elf {
	const char *path;
	const uint8_t *data;
	size_t size;
	uint32_t entry;
	uint32_t phoff, shoff;
	uint16_t phnum, shnum, phentsize, shentsize;
};

static const uint8_t *elf_at(const struct elf *e, uint64_t off, uint64_t len, const char *what)
{
	if (off > e->size || len > e->size - off)
		die("%s: %s at offset 0x%llx (+0x%llx) is beyond the end of the file (%zu bytes)",
		    e->path, what, (unsigned long long)off, (unsigned long long)len, e->size);
	return e->data + off;
}

static void elf_open(struct elf *e)
{
	const uint8_t *h = elf_at(e, 0, sizeof(Elf32_Ehdr), "ELF header");

	if (memcmp(h, ELFMAG, SELFMAG))
		die("%s is not an ELF file", e->path);
	if (h[EI_CLASS] != ELFCLASS32 || h[EI_DATA] != ELFDATA2LSB)
		die("%s is not a 32-bit little-endian ELF (the firmware is RV32)", e->path);
	if (npu_le16_get(h + offsetof(Elf32_Ehdr, e_machine)) != EM_RISCV)
		die("%s is not a RISC-V ELF (e_machine %u)", e->path,
		    npu_le16_get(h + offsetof(Elf32_Ehdr, e_machine)));
	if (npu_le16_get(h + offsetof(Elf32_Ehdr, e_type)) != ET_EXEC)
		die("%s is not a linked executable (e_type %u)", e->path,
		    npu_le16_get(h + offsetof(Elf32_Ehdr, e_type)));
	e->entry = npu_le32_get(h + offsetof(Elf32_Ehdr, e_entry));
	e->phoff = npu_le32_get(h + offsetof(Elf32_Ehdr, e_phoff));
	e->shoff = npu_le32_get(h + offsetof(Elf32_Ehdr, e_shoff));
	e->phnum = npu_le16_get(h + offsetof(Elf32_Ehdr, e_phnum));
	e->shnum = npu_le16_get(h + offsetof(Elf32_Ehdr, e_shnum));
	e->phentsize = npu_le16_get(h + offsetof(Elf32_Ehdr, e_phentsize));
	e->shentsize = npu_le16_get(h + offsetof(Elf32_Ehdr, e_shentsize));
	if (e->phentsize != sizeof(Elf32_Phdr) || (e->shnum && e->shentsize != sizeof(Elf32_Shdr)))
		die("%s: unexpected program/section header entry sizes", e->path);
}

/* Value of a symbol from .symtab; false if absent. */
static bool elf_sym(const struct elf *e, const char *name, uint32_t *val)
{
	for (unsigned i = 0; i < e->shnum; i++) {
		const uint8_t *sh = elf_at(e, e->shoff + (uint64_t)i * sizeof(Elf32_Shdr),
					   sizeof(Elf32_Shdr), "section header");
		const uint8_t *strsh, *syms, *strs;
		uint32_t off, size, link, str_off, str_size;

		if (npu_le32_get(sh + offsetof(Elf32_Shdr, sh_type)) != SHT_SYMTAB)
			continue;
		off = npu_le32_get(sh + offsetof(Elf32_Shdr, sh_offset));
		size = npu_le32_get(sh + offsetof(Elf32_Shdr, sh_size));
		link = npu_le32_get(sh + offsetof(Elf32_Shdr, sh_link));
		if (link >= e->shnum)
			die("%s: symbol table links to section %u of %u", e->path, link, e->shnum);
		strsh = elf_at(e, e->shoff + (uint64_t)link * sizeof(Elf32_Shdr),
			       sizeof(Elf32_Shdr), "section header");
		str_off = npu_le32_get(strsh + offsetof(Elf32_Shdr, sh_offset));
		str_size = npu_le32_get(strsh + offsetof(Elf32_Shdr, sh_size));
		syms = elf_at(e, off, size, "symbol table");
		strs = elf_at(e, str_off, str_size, "string table");
		for (uint32_t s = 0; s + sizeof(Elf32_Sym) <= size; s += sizeof(Elf32_Sym)) {
			uint32_t n = npu_le32_get(syms + s + offsetof(Elf32_Sym, st_name));

			if (n < str_size && memchr(strs + n, '\0', str_size - n) &&
			    !strcmp((const char *)strs + n, name)) {
				*val = npu_le32_get(syms + s + offsetof(Elf32_Sym, st_value));
				return true;
			}
		}
	}
	return false;
}

static uint32_t need_sym(const struct elf *e, const char *name)
{
	uint32_t v;

	if (!elf_sym(e, name, &v))
		die("%s: symbol %s missing (defined by sim-firmware/fw.ld)", e->path, name);
	return v;
}

/* ---- Output ---------------------------------------------------------------------- */

static char *read_version_file(const char *path)
{
	size_t n;
	char *s = (char *)read_file(path, &n);

	s = realloc(s, n + 1);
	if (!s)
		die("out of memory");
	s[n] = '\0';
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: %s [--version VER | --version-file FILE] -o OUT.bin IN.elf\n"
		"Packs the RV32 firmware ELF into the vpu_37xx_v1.bin file layout.\n", prog);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *in = NULL;
	char *version = NULL, vstr[NPU_FW_VERSION_HEADER_SIZE], why[512], tmp[4096];
	struct elf e = { 0 };
	uint32_t runtime, runtime_size, ro_start = 0, ro_end = 0;
	uint64_t img_lo = UINT64_MAX, img_hi = 0;
	struct npu_fw_header hdr = { 0 };
	uint8_t *file;
	size_t file_size;
	struct npu_fw_info info;
	FILE *f;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--version") && i + 1 < argc)
			version = strdup(argv[++i]);
		else if (!strcmp(argv[i], "--version-file") && i + 1 < argc)
			version = read_version_file(argv[++i]);
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || in) {
			usage(stderr);
			return 2;
		} else
			in = argv[i];
	}
	if (!in || !out || !version) {
		usage(stderr);
		return 2;
	}
	if (!*version || strlen(version) >= sizeof(((struct npu_fw_header *)0)->vpu_version))
		die("version \"%s\" must be 1..31 characters (it also goes into vpu_version[32])",
		    version);

	e.path = in;
	e.data = read_file(in, &e.size);
	elf_open(&e);
	runtime = need_sym(&e, "__fw_runtime_start");
	runtime_size = need_sym(&e, "__fw_runtime_size");
	if (elf_sym(&e, "__fw_ro_start", &ro_start) != elf_sym(&e, "__fw_ro_end", &ro_end))
		die("%s: only one of __fw_ro_start/__fw_ro_end is defined", in);

	/* The image: file-backed parts of the loadable segments. Memory-only
	 * parts (.bss, TCM) must fit the runtime region or the TCM. */
	for (unsigned i = 0; i < e.phnum; i++) {
		const uint8_t *ph = elf_at(&e, e.phoff + (uint64_t)i * sizeof(Elf32_Phdr),
					   sizeof(Elf32_Phdr), "program header");
		uint32_t va = npu_le32_get(ph + offsetof(Elf32_Phdr, p_vaddr));
		uint32_t filesz = npu_le32_get(ph + offsetof(Elf32_Phdr, p_filesz));
		uint32_t memsz = npu_le32_get(ph + offsetof(Elf32_Phdr, p_memsz));
		bool in_runtime = va >= runtime && (uint64_t)va + memsz <= (uint64_t)runtime + runtime_size;
		bool in_tcm = va >= NPU_LRT_TCM_BASE &&
			      (uint64_t)va + memsz <= (uint64_t)NPU_LRT_TCM_BASE + NPU_LRT_TCM_SIZE;

		if (npu_le32_get(ph + offsetof(Elf32_Phdr, p_type)) != PT_LOAD || !memsz)
			continue;
		if (!in_runtime && !(in_tcm && !filesz))
			die("%s: segment [0x%x, 0x%x) is neither inside the runtime region "
			    "[0x%x, 0x%llx) nor uninitialised data in the TCM", in, va, va + memsz,
			    runtime, (unsigned long long)runtime + runtime_size);
		if (!filesz)
			continue;
		if (va < runtime + NPU_FW_IMAGE_OFFSET)
			die("%s: segment at 0x%x overlaps the boot params / version page "
			    "[0x%x, 0x%x)", in, va, runtime, runtime + NPU_FW_IMAGE_OFFSET);
		if (va < img_lo)
			img_lo = va;
		if ((uint64_t)va + filesz > img_hi)
			img_hi = (uint64_t)va + filesz;
	}
	if (img_lo == UINT64_MAX)
		die("%s: no loadable contents", in);
	if (img_lo & 0xFFF)
		die("%s: the image starts at 0x%llx, not on a 4 KiB page", in,
		    (unsigned long long)img_lo);
	/* The read-only section is mapped in whole pages: its padding belongs to
	 * the image even when no initialised data follows it. */
	if (ro_end > img_hi)
		img_hi = ro_end;

	file_size = NPU_FW_IMAGE_OFFSET + (size_t)(img_hi - img_lo);
	file = calloc(1, file_size);
	if (!file)
		die("out of memory");
	for (unsigned i = 0; i < e.phnum; i++) {
		const uint8_t *ph = e.data + e.phoff + (uint64_t)i * sizeof(Elf32_Phdr);
		uint32_t va = npu_le32_get(ph + offsetof(Elf32_Phdr, p_vaddr));
		uint32_t filesz = npu_le32_get(ph + offsetof(Elf32_Phdr, p_filesz));

		if (npu_le32_get(ph + offsetof(Elf32_Phdr, p_type)) != PT_LOAD || !filesz)
			continue;
		memcpy(file + NPU_FW_IMAGE_OFFSET + (va - img_lo),
		       elf_at(&e, npu_le32_get(ph + offsetof(Elf32_Phdr, p_offset)), filesz, "segment"),
		       filesz);
	}

	snprintf(vstr, sizeof(vstr), "intel-npu-mtl sim-firmware %s RV32IM JSM %u.%u BOOT %u.%u",
		 version, NPU_API_MAJOR(PACK_JSM_API), NPU_API_MINOR(PACK_JSM_API),
		 NPU_API_MAJOR(PACK_BOOT_API), NPU_API_MINOR(PACK_BOOT_API));
	memcpy(file + NPU_FW_VERSION_OFFSET, vstr, strlen(vstr) + 1);

	hdr.header_version = NPU_FW_HEADER_VERSION;
	hdr.image_format = NPU_FW_IMAGE_FORMAT_RV32;
	hdr.image_load_address = img_lo;
	hdr.image_size = (uint32_t)(img_hi - img_lo);
	hdr.entry_point = e.entry;
	memcpy(hdr.vpu_version, version, strlen(version));
	hdr.compression_type = 0;
	hdr.firmware_version_load_address = (uint64_t)runtime + NPU_FW_BOOT_PARAMS_SIZE;
	hdr.firmware_version_size = (uint32_t)strlen(vstr) + 1;
	hdr.boot_params_load_address = runtime;
	hdr.api_version[NPU_FW_API_BOOT] = PACK_BOOT_API;
	hdr.api_version[NPU_FW_API_JOB_CMD] = PACK_JOB_CMD_API;
	hdr.api_version[NPU_FW_API_JSM] = PACK_JSM_API;
	hdr.api_version[NPU_FW_API_NNRT_37XX] = PACK_NNRT_API;
	hdr.runtime_size = runtime_size;
	hdr.shave_nn_fw_size = 0;
	hdr.preemption_buffer_1_size = PACK_PREEMPT_SIZE;
	hdr.preemption_buffer_2_size = PACK_PREEMPT_SIZE;
	if (ro_end > ro_start) {
		hdr.ro_section_start_address = ro_start;
		hdr.ro_section_size = ro_end - ro_start;
	}
	npu_fw_header_encode(&hdr, file);

	/* Self-check with the parser the driver uses. */
	err = npu_fw_parse(file, file_size, &info, why, sizeof(why));
	if (err)
		die("the packed file does not validate: %s (%s)", why, npu_fw_err_name(err));
	if (info.warnings & ~(unsigned)NPU_FW_WARN_NO_PREEMPT)
		die("the packed file validates with warnings 0x%x", info.warnings);

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "wb");
	if (!f)
		die("cannot create %s: %s", tmp, strerror(errno));
	if (fwrite(file, 1, file_size, f) != file_size || fclose(f))
		die("cannot write %s: %s", tmp, strerror(errno));
	if (rename(tmp, out))
		die("cannot rename %s to %s: %s", tmp, out, strerror(errno));
	printf("%s: %s: %zu bytes, image 0x%llx+0x%x, entry 0x%llx, runtime 0x%x+0x%x, "
	       "read-only 0x%llx+0x%x\n", prog, out, file_size,
	       (unsigned long long)info.image_load_address, info.image_size,
	       (unsigned long long)info.entry_point, runtime, runtime_size,
	       (unsigned long long)info.ro_addr, info.ro_size);
	free(file);
	free((void *)e.data);
	free(version);
	return 0;
}
