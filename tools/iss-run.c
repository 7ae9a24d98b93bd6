/* SPDX-License-Identifier: MIT */
/*
 * iss-run: run a bare-metal RV32 ELF on the model's RV32IM core
 * (qemu-device/model/rv_core.c) over a flat memory.
 *
 * Protocol (riscv-tests convention): the program reports its result by
 * storing a non-zero value v to the symbol `tohost`: v == 1 is a pass,
 * anything else a failure of test case v >> 1. Bytes stored to the optional
 * symbol `iss_console` go to stdout. tests/iss/crt0.S and tests/iss/iss.ld
 * are a ready-made start-up and linker script for C programs.
 */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrt/rv_core.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

/* Exit status */
enum {
	EXIT_PASS = 0,
	EXIT_TEST_FAIL_MAX = 119,   /* test case N -> N, clamped to 1..119 */
	EXIT_USAGE = 120,
	EXIT_LOAD = 121,            /* cannot read or load the program */
	EXIT_CORE_ERROR = 122,      /* the core entered error mode */
	EXIT_INSN_LIMIT = 123,      /* --max-insns reached */
	EXIT_WFI_DEADLOCK = 124,    /* WFI with no interrupt source */
};

/* CSRs read for the error report */
enum { CSR_MEPC = 0x341, CSR_MCAUSE = 0x342, CSR_MTVAL = 0x343 };

#define DEFAULT_MAX_INSNS   1000000000ull
#define DEFAULT_EXTRA_MEM   (1u << 20)      /* stack and heap after the image */
#define DEFAULT_MAX_SPAN    (512u << 20)    /* refuse to guess larger memories */
#define PAGE                4096u
#define RUN_CHUNK           (1u << 20)

struct options {
	uint64_t max_insns;
	bool trace;
	bool mem_given;
	uint64_t mem_base, mem_size;
	const char *path;
};

struct segment {
	uint32_t vaddr, memsz, filesz, offset;
};

struct program {
	uint8_t *file;
	size_t file_size;
	uint32_t entry;
	struct segment *segs;
	unsigned nsegs;
	uint32_t tohost;
	bool has_console;
	uint32_t console;
};

struct machine {
	uint8_t *mem;
	uint64_t base, size;
	struct rv_core *core;
	const struct program *prog;
	uint32_t tohost_value;   /* non-zero once the program has finished */
	bool trace;
	struct rv_trap_info traced_trap;   /* --trace: taken by the last instruction */
};

static void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("iss-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* ---- ELF ------------------------------------------------------------------ */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

#define EHDR(p, field)    (sizeof(((Elf32_Ehdr *)0)->field) == 2 ? \
			   rd16((p) + offsetof(Elf32_Ehdr, field)) :  \
			   rd32((p) + offsetof(Elf32_Ehdr, field)))
#define PHDR(p, field)    rd32((p) + offsetof(Elf32_Phdr, field))
#define SHDR(p, field)    rd32((p) + offsetof(Elf32_Shdr, field))
#define SYM32(p, field)   rd32((p) + offsetof(Elf32_Sym, field))

/* Is [off, off + len) inside the file? */
static bool in_file(const struct program *p, uint64_t off, uint64_t len)
{
	return off <= p->file_size && len <= p->file_size - off;
}

static void read_file(struct program *p, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;

	if (!f)
		die(EXIT_LOAD, "%s: %s", path, strerror(errno));
	p->file = malloc(cap);
	for (;;) {
		size_t got;

		if (!p->file)
			die(EXIT_LOAD, "out of memory");
		got = fread(p->file + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		cap *= 2;
		p->file = realloc(p->file, cap);
	}
	if (ferror(f))
		die(EXIT_LOAD, "%s: read error", path);
	fclose(f);
	p->file_size = n;
}

static void check_header(const struct program *p, const char *path)
{
	const uint8_t *e = p->file;

	if (p->file_size < EI_NIDENT || memcmp(e, ELFMAG, SELFMAG) != 0)
		die(EXIT_LOAD, "%s: not an ELF file (bad magic)", path);
	if (e[EI_CLASS] != ELFCLASS32)
		die(EXIT_LOAD, "%s: not a 32-bit ELF (EI_CLASS %u); build with -march=rv32im -mabi=ilp32",
		    path, e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB)
		die(EXIT_LOAD, "%s: not a little-endian ELF (EI_DATA %u)", path, e[EI_DATA]);
	if (p->file_size < sizeof(Elf32_Ehdr))
		die(EXIT_LOAD, "%s: truncated ELF header", path);
	if (e[EI_VERSION] != EV_CURRENT || EHDR(e, e_version) != EV_CURRENT)
		die(EXIT_LOAD, "%s: unknown ELF version", path);
	if (EHDR(e, e_machine) != EM_RISCV)
		die(EXIT_LOAD, "%s: wrong machine %u (expected EM_RISCV, %u)", path,
		    (unsigned)EHDR(e, e_machine), EM_RISCV);
	if (EHDR(e, e_type) != ET_EXEC)
		die(EXIT_LOAD, "%s: not an executable (e_type %u)", path, (unsigned)EHDR(e, e_type));
}

static void load_segments(struct program *p, const char *path)
{
	const uint8_t *e = p->file;
	uint32_t phoff = EHDR(e, e_phoff);
	unsigned phnum = EHDR(e, e_phnum), phentsize = EHDR(e, e_phentsize);

	if (phnum == 0)
		die(EXIT_LOAD, "%s: no program headers", path);
	if (phentsize != sizeof(Elf32_Phdr))
		die(EXIT_LOAD, "%s: bad program header size %u", path, phentsize);
	if (!in_file(p, phoff, (uint64_t)phnum * phentsize))
		die(EXIT_LOAD, "%s: program headers outside the file", path);

	p->segs = calloc(phnum, sizeof(*p->segs));
	if (!p->segs)
		die(EXIT_LOAD, "out of memory");
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (size_t)i * phentsize;
		struct segment s = {
			.vaddr = PHDR(ph, p_vaddr), .memsz = PHDR(ph, p_memsz),
			.filesz = PHDR(ph, p_filesz), .offset = PHDR(ph, p_offset),
		};

		if (PHDR(ph, p_type) != PT_LOAD || s.memsz == 0)
			continue;
		if (s.filesz > s.memsz)
			die(EXIT_LOAD, "%s: segment %u: file size %#x > memory size %#x",
			    path, i, s.filesz, s.memsz);
		if (!in_file(p, s.offset, s.filesz))
			die(EXIT_LOAD, "%s: segment %u: data outside the file", path, i);
		if ((uint64_t)s.vaddr + s.memsz > UINT64_C(1) << 32)
			die(EXIT_LOAD, "%s: segment %u: wraps around the address space", path, i);
		p->segs[p->nsegs++] = s;
	}
	if (p->nsegs == 0)
		die(EXIT_LOAD, "%s: no loadable segment", path);
	p->entry = EHDR(e, e_entry);
}

/* Find the symbols the protocol uses in the (first) symbol table. */
static void find_symbols(struct program *p, const char *path)
{
	const uint8_t *e = p->file;
	uint32_t shoff = EHDR(e, e_shoff);
	unsigned shnum = EHDR(e, e_shnum), shentsize = EHDR(e, e_shentsize);
	bool have_symtab = false, have_tohost = false;

	if (shnum == 0 || shoff == 0)
		die(EXIT_LOAD, "%s: no section headers, so no symbol table", path);
	if (shentsize != sizeof(Elf32_Shdr))
		die(EXIT_LOAD, "%s: bad section header size %u", path, shentsize);
	if (!in_file(p, shoff, (uint64_t)shnum * shentsize))
		die(EXIT_LOAD, "%s: section headers outside the file", path);

	for (unsigned i = 0; i < shnum && !have_symtab; i++) {
		const uint8_t *sh = e + shoff + (size_t)i * shentsize, *strsh;
		uint32_t off, size, link, stroff, strsize;

		if (SHDR(sh, sh_type) != SHT_SYMTAB)
			continue;
		have_symtab = true;
		off = SHDR(sh, sh_offset);
		size = SHDR(sh, sh_size);
		link = SHDR(sh, sh_link);
		if (SHDR(sh, sh_entsize) != sizeof(Elf32_Sym) || !in_file(p, off, size))
			die(EXIT_LOAD, "%s: malformed symbol table", path);
		if (link == 0 || link >= shnum)
			die(EXIT_LOAD, "%s: symbol table has no string table", path);
		strsh = e + shoff + (size_t)link * shentsize;
		stroff = SHDR(strsh, sh_offset);
		strsize = SHDR(strsh, sh_size);
		if (SHDR(strsh, sh_type) != SHT_STRTAB || !in_file(p, stroff, strsize))
			die(EXIT_LOAD, "%s: malformed symbol string table", path);

		for (uint32_t s = 0; s + sizeof(Elf32_Sym) <= size; s += sizeof(Elf32_Sym)) {
			const uint8_t *sym = e + off + s;
			uint32_t name = SYM32(sym, st_name), value = SYM32(sym, st_value);
			const char *str;

			if (name == 0 || name >= strsize)
				continue;
			str = (const char *)e + stroff + name;
			if (!memchr(str, '\0', strsize - name))
				die(EXIT_LOAD, "%s: unterminated symbol name", path);
			if (strcmp(str, "tohost") == 0) {
				p->tohost = value;
				have_tohost = true;
			} else if (strcmp(str, "iss_console") == 0) {
				p->console = value;
				p->has_console = true;
			}
		}
	}
	if (!have_symtab)
		die(EXIT_LOAD, "%s: no symbol table (stripped?); the symbol 'tohost' is required", path);
	if (!have_tohost)
		die(EXIT_LOAD, "%s: no symbol 'tohost': the program has no way to report its result "
		    "(link with tests/iss/crt0.S, or define tohost)", path);
	if (p->tohost & 3)
		die(EXIT_LOAD, "%s: 'tohost' (%#x) is not 4-byte aligned", path, p->tohost);
}

static void load_program(struct program *p, const char *path)
{
	read_file(p, path);
	check_header(p, path);
	load_segments(p, path);
	find_symbols(p, path);
}

/* ---- memory ---------------------------------------------------------------- */

static void default_memory(const struct program *p, uint64_t *base, uint64_t *size)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned i = 0; i < p->nsegs; i++) {
		if (p->segs[i].vaddr < lo)
			lo = p->segs[i].vaddr;
		if ((uint64_t)p->segs[i].vaddr + p->segs[i].memsz > hi)
			hi = (uint64_t)p->segs[i].vaddr + p->segs[i].memsz;
	}
	lo &= ~(uint64_t)(PAGE - 1);
	hi = (hi + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	if (hi - lo > DEFAULT_MAX_SPAN)
		die(EXIT_LOAD, "segments span %" PRIu64 " MiB; give --mem-base/--mem-size",
		    (hi - lo) >> 20);
	hi += DEFAULT_EXTRA_MEM;
	if (hi > UINT64_C(1) << 32)
		hi = UINT64_C(1) << 32;
	*base = lo;
	*size = hi - lo;
}

static bool in_memory(const struct machine *m, uint32_t addr, uint64_t len)
{
	return addr >= m->base && addr - m->base <= m->size &&
	       len <= m->size - (addr - m->base);
}

static void place_segments(struct machine *m, const struct program *p)
{
	for (unsigned i = 0; i < p->nsegs; i++) {
		const struct segment *s = &p->segs[i];

		if (!in_memory(m, s->vaddr, s->memsz))
			die(EXIT_LOAD, "segment at %#x (%#x bytes) is outside the simulated memory "
			    "[%#" PRIx64 ", %#" PRIx64 ")", s->vaddr, s->memsz, m->base, m->base + m->size);
		memcpy(m->mem + (s->vaddr - m->base), p->file + s->offset, s->filesz);
		/* the rest (bss) is already zero */
	}
	if (!in_memory(m, p->entry, 4))
		die(EXIT_LOAD, "entry point %#x is outside the simulated memory", p->entry);
}

/* ---- bus -------------------------------------------------------------------- */

static int bus_load(void *opaque, uint32_t addr, unsigned size, uint32_t *val)
{
	struct machine *m = opaque;
	const uint8_t *src;
	uint32_t v = 0;

	if (!in_memory(m, addr, size))
		return -1;
	src = m->mem + (addr - m->base);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)src[i] << (8 * i);
	*val = v;
	return 0;
}

static int bus_store(void *opaque, uint32_t addr, unsigned size, uint32_t val)
{
	struct machine *m = opaque;
	uint8_t *dst;

	if (m->prog->has_console && addr == m->prog->console) {
		putchar((int)(val & 0xff));
		return 0;
	}
	if (!in_memory(m, addr, size))
		return -1;
	dst = m->mem + (addr - m->base);
	for (unsigned i = 0; i < size; i++)
		dst[i] = (uint8_t)(val >> (8 * i));
	if (addr == m->prog->tohost && val != 0) {
		m->tohost_value = val;
		rv_core_halt(m->core, false);
	}
	return 0;
}

/* Pages partly outside memory read as zeros (illegal instructions). */
static int bus_fetch_page(void *opaque, uint32_t page_addr, uint8_t buf[4096])
{
	struct machine *m = opaque;
	uint64_t lo = page_addr, hi = (uint64_t)page_addr + PAGE;
	uint64_t mlo = m->base, mhi = m->base + m->size;

	if (hi <= mlo || lo >= mhi)
		return -1;
	memset(buf, 0, PAGE);
	if (lo < mlo)
		lo = mlo;
	if (hi > mhi)
		hi = mhi;
	memcpy(buf + (lo - page_addr), m->mem + (lo - m->base), hi - lo);
	return 0;
}

/* time/timeh: instructions retired, so runs are reproducible */
static uint64_t bus_time(void *opaque)
{
	struct machine *m = opaque;

	return rv_core_instret(m->core);
}

static void trace_trap(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval)
{
	struct machine *m = opaque;

	m->traced_trap = (struct rv_trap_info){
		.valid = true, .cause = cause, .epc = epc, .tval = tval,
	};
}

/* ---- running ---------------------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One instruction at a time: pc, instruction word, changed registers. */
static uint64_t run_traced(struct machine *m, uint64_t limit)
{
	uint64_t total = 0;

	while (rv_core_state(m->core) == RV_STATE_RUNNING && total < limit) {
		uint32_t before[32], pc = rv_core_pc(m->core), word = 0;

		for (unsigned r = 0; r < 32; r++)
			before[r] = rv_core_reg(m->core, r);
		if (bus_load(m, pc, 4, &word) == 0)
			fprintf(stderr, "%10" PRIu64 "  %08x:  %08x", total, pc, word);
		else
			fprintf(stderr, "%10" PRIu64 "  %08x:  ????????", total, pc);
		m->traced_trap.valid = false;
		total += rv_core_run(m->core, 1);
		for (unsigned r = 1; r < 32; r++)
			if (rv_core_reg(m->core, r) != before[r])
				fprintf(stderr, "  x%u=0x%x", r, rv_core_reg(m->core, r));
		fputc('\n', stderr);
		if (m->traced_trap.valid)
			fprintf(stderr, "            trap: mcause 0x%08x mepc 0x%08x mtval 0x%08x\n",
				m->traced_trap.cause, m->traced_trap.epc, m->traced_trap.tval);
	}
	return total;
}

static uint64_t run(struct machine *m, uint64_t limit)
{
	uint64_t total = 0;

	if (m->trace)
		return run_traced(m, limit);
	while (rv_core_state(m->core) == RV_STATE_RUNNING && total < limit) {
		uint64_t chunk = limit - total < RUN_CHUNK ? limit - total : RUN_CHUNK;

		total += rv_core_run(m->core, chunk);
	}
	return total;
}

static int report(const struct machine *m, uint64_t insns, double seconds, uint64_t limit)
{
	struct rv_trap_info t = rv_core_last_trap(m->core);
	uint32_t mcause = 0, mtval = 0, mepc = 0;

	fflush(stdout);
	fprintf(stderr, "iss-run: %" PRIu64 " instructions, %.3f s, %.1f MIPS\n",
		insns, seconds, seconds > 0 ? (double)insns / seconds / 1e6 : 0.0);

	switch (rv_core_state(m->core)) {
	case RV_STATE_HALTED:
		if (m->tohost_value == 1) {
			fprintf(stderr, "PASS\n");
			return EXIT_PASS;
		}
		fprintf(stderr, "FAIL: test case %u (tohost = %#x)\n",
			m->tohost_value >> 1, m->tohost_value);
		if ((m->tohost_value >> 1) == 0 || (m->tohost_value >> 1) > EXIT_TEST_FAIL_MAX)
			return EXIT_TEST_FAIL_MAX;
		return (int)(m->tohost_value >> 1);
	case RV_STATE_ERROR:
		rv_core_csr(m->core, CSR_MCAUSE, &mcause);
		rv_core_csr(m->core, CSR_MEPC, &mepc);
		rv_core_csr(m->core, CSR_MTVAL, &mtval);
		fprintf(stderr, "iss-run: core error mode: pc 0x%08x mcause 0x%08x mepc 0x%08x "
			"mtval 0x%08x%s\n", rv_core_pc(m->core), mcause, mepc, mtval,
			t.valid ? "" : " (no trap taken)");
		fprintf(stderr, "iss-run: (a trap with mtvec = 0, or a trap handler that cannot be fetched)\n");
		return EXIT_CORE_ERROR;
	case RV_STATE_WFI:
		fprintf(stderr, "iss-run: WFI at pc 0x%08x and no interrupt source exists\n",
			rv_core_pc(m->core));
		return EXIT_WFI_DEADLOCK;
	case RV_STATE_RUNNING:
	default:
		fprintf(stderr, "iss-run: instruction limit (%" PRIu64 ") reached at pc 0x%08x\n",
			limit, rv_core_pc(m->core));
		return EXIT_INSN_LIMIT;
	}
}

/* ---- command line ----------------------------------------------------------- */

static void usage(FILE *to)
{
	fprintf(to,
"usage: iss-run [options] program.elf\n"
"\n"
"Runs a bare-metal RV32IM ELF (ELF32, EM_RISCV, PT_LOAD segments) on the\n"
"model's RV32IM core over a flat memory, from e_entry, with sp (x2) = the top\n"
"of memory and every other register 0, machine mode, mtvec = 0.\n"
"\n"
"The program ends by storing a non-zero value v to the symbol 'tohost'\n"
"(required): v == 1 passes, otherwise test case v >> 1 failed. Bytes stored\n"
"to the symbol 'iss_console' (optional) are written to stdout. The time CSR\n"
"counts retired instructions. tests/iss/crt0.S + tests/iss/iss.ld provide the\n"
"start-up code (stack, .bss, main, tohost = (main() << 1) | 1).\n"
"\n"
"options:\n"
"  --max-insns N         give up after N instructions (default %llu; 0 = no limit)\n"
"  --trace               print each instruction and the registers it changed (stderr)\n"
"  --mem-base ADDR       simulated memory base (with --mem-size; default: the\n"
"  --mem-size SIZE       pages covering all PT_LOAD segments plus 1 MiB)\n"
"                        numbers take 0x and K/M/G suffixes\n"
"  -h, --help            this text\n"
"\n"
"exit status:\n"
"  0        pass (tohost = 1)\n"
"  1-119    FAIL: test case N (N = tohost >> 1; larger N reported as 119)\n"
"  120      usage error\n"
"  121      cannot load the program (I/O error, malformed ELF, no 'tohost')\n"
"  122      the core entered error mode (trap with mtvec = 0, handler unfetchable)\n"
"  123      instruction limit reached\n"
"  124      WFI with no interrupt source (the program can never continue)\n"
"Statistics (instructions, wall time, MIPS) go to stderr.\n",
	(unsigned long long)DEFAULT_MAX_INSNS);
}

static uint64_t parse_number(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		goto bad;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end == '\0')
		return v;
bad:
	fprintf(stderr, "iss-run: %s: bad number '%s'\n", opt, s);
	exit(EXIT_USAGE);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_MAX = 256, OPT_TRACE, OPT_BASE, OPT_SIZE };
	static const struct option longopts[] = {
		{ "max-insns", required_argument, NULL, OPT_MAX },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "mem-base", required_argument, NULL, OPT_BASE },
		{ "mem-size", required_argument, NULL, OPT_SIZE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool base = false, size = false;
	int c;

	*o = (struct options){ .max_insns = DEFAULT_MAX_INSNS };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MAX:   o->max_insns = parse_number("--max-insns", optarg); break;
		case OPT_TRACE: o->trace = true; break;
		case OPT_BASE:  o->mem_base = parse_number("--mem-base", optarg); base = true; break;
		case OPT_SIZE:  o->mem_size = parse_number("--mem-size", optarg); size = true; break;
		case 'h':       usage(stdout); exit(0);
		default:        usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		exit(EXIT_USAGE);
	}
	if (base != size) {
		fprintf(stderr, "iss-run: --mem-base and --mem-size go together\n");
		exit(EXIT_USAGE);
	}
	if (size && (o->mem_size == 0 || o->mem_base >= UINT64_C(1) << 32 ||
		     o->mem_size > (UINT64_C(1) << 32) - o->mem_base)) {
		fprintf(stderr, "iss-run: memory [%#" PRIx64 ", +%#" PRIx64 ") must be non-empty "
			"and inside the 32-bit address space\n", o->mem_base, o->mem_size);
		exit(EXIT_USAGE);
	}
	o->mem_given = size;
	o->path = argv[optind];
}

int main(int argc, char **argv)
{
	struct options opt;
	struct program prog = { 0 };
	struct machine m = { 0 };
	struct rv_bus bus = {
		.opaque = &m, .load = bus_load, .store = bus_store,
		.fetch_page = bus_fetch_page, .time = bus_time,
	};
	uint64_t limit, insns;
	double t0, seconds;
	int status;

	parse_options(argc, argv, &opt);
	load_program(&prog, opt.path);
	if (opt.mem_given) {
		m.base = opt.mem_base;
		m.size = opt.mem_size;
	} else {
		default_memory(&prog, &m.base, &m.size);
	}
	m.mem = calloc(1, m.size);
	if (!m.mem)
		die(EXIT_LOAD, "cannot allocate %" PRIu64 " bytes of simulated memory", m.size);
	m.prog = &prog;
	m.trace = opt.trace;
	place_segments(&m, &prog);

	m.core = rv_core_new(&bus);
	if (!m.core)
		die(EXIT_LOAD, "cannot create the core");
	rv_core_reset(m.core, prog.entry);
	rv_core_set_reg(m.core, 2, (uint32_t)(m.base + m.size));   /* sp: top of memory */
	if (opt.trace)
		rv_core_set_trap_hook(m.core, trace_trap, &m);

	limit = opt.max_insns ? opt.max_insns : UINT64_MAX;
	t0 = now_seconds();
	insns = run(&m, limit);
	seconds = now_seconds() - t0;
	status = report(&m, insns, seconds, limit);

	rv_core_free(m.core);
	free(m.mem);
	free(prog.segs);
	free(prog.file);
	return status;
}
