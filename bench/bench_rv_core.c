/* SPDX-License-Identifier: MIT */
/*
 * Throughput of the RV32IM interpreter (qemu-device/model/rv_core.c).
 *
 * Prints the machine it ran on, then millions of instructions per second
 * for: (1) a register-only compute loop, (2) the same loop run in slices of
 * 10000 instructions (how the device model drives the core), (3) a loop of
 * loads and stores through the bus callbacks over a flat array. Each figure
 * is the best of a few runs. Benchmarks print figures; they do not assert.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "lrt/rv_core.h"

#define MEM_SIZE   0x40000u
#define CODE       0x1000u
#define ARRAY      0x10000u
#define ARRAY_SIZE 0x10000u      /* 64 KiB of words walked by benchmark 3 */
#define HALT_ADDR  0xFFFFFFF0u
#define REPEATS    5

struct bench_machine {
	uint8_t mem[MEM_SIZE];
	struct rv_core *core;
	uint32_t asm_pc;
};

/* ---- bus ------------------------------------------------------------------ */

static int bm_load(void *opaque, uint32_t addr, unsigned size, uint32_t *val)
{
	struct bench_machine *m = opaque;
	uint32_t v = 0;

	if (addr >= MEM_SIZE || MEM_SIZE - addr < size)
		return -1;
	memcpy(&v, m->mem + addr, size);   /* little-endian host */
	*val = v;
	return 0;
}

static int bm_store(void *opaque, uint32_t addr, unsigned size, uint32_t val)
{
	struct bench_machine *m = opaque;

	if (addr == HALT_ADDR) {
		rv_core_halt(m->core, false);
		return 0;
	}
	if (addr >= MEM_SIZE || MEM_SIZE - addr < size)
		return -1;
	memcpy(m->mem + addr, &val, size);
	return 0;
}

static int bm_fetch_page(void *opaque, uint32_t page_addr, uint8_t buf[4096])
{
	struct bench_machine *m = opaque;

	if (page_addr >= MEM_SIZE)
		return -1;
	memcpy(buf, m->mem + page_addr, 4096);
	return 0;
}

/* ---- a few encoders ------------------------------------------------------- */

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x33;
}

static uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1)
{
	uint32_t u = (uint32_t)imm;

	return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | 2u << 12 |
	       (u & 0x1f) << 7 | 0x23;
}

static uint32_t enc_bne(int32_t off, unsigned rs1, unsigned rs2)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | 1u << 12 | ((u >> 1) & 0xf) << 8 |
	       ((u >> 11) & 1) << 7 | 0x63;
}

#define ADD(rd, a, b)      enc_r(0x00, b, a, 0, rd)
#define SUB(rd, a, b)      enc_r(0x20, b, a, 0, rd)
#define XOR(rd, a, b)      enc_r(0x00, b, a, 4, rd)
#define OR(rd, a, b)       enc_r(0x00, b, a, 6, rd)
#define ADDI(rd, rs1, imm) enc_i(imm, rs1, 0, rd, 0x13)
#define ANDI(rd, rs1, imm) enc_i(imm, rs1, 7, rd, 0x13)
#define SLLI(rd, rs1, sh)  enc_i(sh, rs1, 1, rd, 0x13)
#define LW(rd, rs1, off)   enc_i(off, rs1, 2, rd, 0x03)
#define SW(rs2, rs1, off)  enc_s(off, rs2, rs1)
#define AND(rd, a, b)      enc_r(0x00, b, a, 7, rd)
#define HALT               SW(0, 0, -16)

static void emit(struct bench_machine *m, uint32_t insn)
{
	memcpy(m->mem + m->asm_pc, &insn, 4);
	m->asm_pc += 4;
}

static void emit_li(struct bench_machine *m, unsigned rd, uint32_t v)
{
	uint32_t hi = (v + 0x800u) & 0xfffff000u;

	emit(m, hi | rd << 7 | 0x37);
	emit(m, ADDI(rd, rd, (int32_t)(v - hi)));
}

/* ---- programs ------------------------------------------------------------- */

/* 8 instructions per iteration, registers only. */
static uint64_t build_compute_loop(struct bench_machine *m, uint32_t iterations)
{
	m->asm_pc = CODE;
	emit_li(m, 1, iterations);
	emit(m, ADD(2, 2, 1));          /* loop: */
	emit(m, XOR(3, 3, 2));
	emit(m, SLLI(4, 2, 3));
	emit(m, SUB(5, 4, 3));
	emit(m, OR(6, 6, 5));
	emit(m, ANDI(7, 6, 0xff));
	emit(m, ADDI(1, 1, -1));
	emit(m, enc_bne(-28, 1, 0));
	emit(m, HALT);
	return 2 + 8ull * iterations + 1;
}

/* 8 instructions per iteration, 2 of them bus accesses: walk the array
 * incrementing every word. */
static uint64_t build_memory_loop(struct bench_machine *m, uint32_t iterations)
{
	m->asm_pc = CODE;
	emit_li(m, 1, iterations);
	emit_li(m, 10, ARRAY);
	emit_li(m, 11, ARRAY_SIZE - 4);
	emit(m, ADDI(12, 0, 0));        /* offset */
	emit(m, ADD(13, 10, 12));       /* loop: */
	emit(m, LW(5, 13, 0));
	emit(m, ADDI(5, 5, 1));
	emit(m, SW(5, 13, 0));
	emit(m, ADDI(12, 12, 4));
	emit(m, AND(12, 12, 11));
	emit(m, ADDI(1, 1, -1));
	emit(m, enc_bne(-28, 1, 0));
	emit(m, HALT);
	return 7 + 8ull * iterations + 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best MIPS over REPEATS runs of the program in memory, in slices of
 * `slice` instructions. */
static double measure(struct bench_machine *m, uint64_t expected, uint64_t slice)
{
	double best = 0;

	for (int r = 0; r < REPEATS; r++) {
		uint64_t n = 0;
		double t0, dt;

		rv_core_reset(m->core, CODE);
		t0 = now_seconds();
		while (rv_core_state(m->core) == RV_STATE_RUNNING)
			n += rv_core_run(m->core, slice);
		dt = now_seconds() - t0;
		if (rv_core_state(m->core) != RV_STATE_HALTED || n != expected) {
			fprintf(stderr, "bench: program did not finish as expected "
				"(state %d, %llu of %llu instructions)\n",
				(int)rv_core_state(m->core), (unsigned long long)n,
				(unsigned long long)expected);
			exit(1);
		}
		if (n / dt / 1e6 > best)
			best = n / dt / 1e6;
	}
	return best;
}

/* ---- machine description -------------------------------------------------- */

static void print_machine(void)
{
	char line[512], model[256] = "unknown";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) == 0 && colon) {
				snprintf(model, sizeof(model), "%s", colon + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	printf("machine: cpu \"%s\", %ld online cpus", model, sysconf(_SC_NPROCESSORS_ONLN));
	if (uname(&u) == 0)
		printf(", %s %s %s", u.sysname, u.release, u.machine);
	printf("\n");
}

int main(void)
{
	struct bench_machine *m = calloc(1, sizeof(*m));
	struct rv_bus bus = {
		.load = bm_load, .store = bm_store, .fetch_page = bm_fetch_page,
	};
	uint64_t n;

	if (!m)
		return 1;
	bus.opaque = m;
	m->core = rv_core_new(&bus);
	if (!m->core)
		return 1;

	print_machine();

	n = build_compute_loop(m, 5000000);
	printf("rv_core: register-only loop:          %8.1f MIPS (%llu instructions, best of %d)\n",
	       measure(m, n, UINT64_MAX), (unsigned long long)n, REPEATS);
	printf("rv_core: register-only loop, 10k slices:%7.1f MIPS\n",
	       measure(m, n, 10000));

	n = build_memory_loop(m, 2000000);
	printf("rv_core: load/store loop via the bus: %8.1f MIPS (%llu instructions, 25%% bus accesses)\n",
	       measure(m, n, UINT64_MAX), (unsigned long long)n);

	rv_core_free(m->core);
	free(m);
	return 0;
}
