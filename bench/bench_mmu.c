/* SPDX-License-Identifier: MIT */
/*
 * MMU model throughput (qemu-device/model/mmu.c): TLB-hit translations per
 * second, full stage-1 walks per second (TLB misses), and the cost of an
 * invalidate-and-walk round trip through the command queue. The control
 * core makes every data access through npum_mmu_read/write, so the hit path
 * bounds the speed of the simulated firmware.
 *
 * Compare figures from one run with each other; absolute numbers depend on
 * the machine, which is printed first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "model_harness.h"
#include "npum_internal.h"

#define VA_BASE        UINT64_C(0x84800000)
#define PAGE           UINT64_C(4096)
#define HOT_PAGES      64     /* fits the 512-entry TLB */
#define COLD_PAGES     4096   /* 32 pages per set of a 4-way TLB: every access misses */
#define PA_POOL        64     /* VAs share a few physical pages */
#define MIN_SECONDS    0.5

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_machine(void)
{
	char line[256], model[256] = "unknown";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *colon = strchr(line, ':');

			if (!strncmp(line, "model name", 10) && colon) {
				snprintf(model, sizeof(model), "%s", colon + 2);
				model[strcspn(model, "\n")] = 0;
				break;
			}
		}
		fclose(f);
	}
	uname(&u);
	printf("machine: %s; %ld CPUs online; %s %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, u.machine);
}

struct result {
	double seconds;
	uint64_t ops, walks, hits;
};

static void report(const char *what, const struct result *r)
{
	printf("%-44s %8.2f M/s  %7.1f ns/op  (%llu ops, %llu walks, %llu TLB hits)\n", what,
	       (double)r->ops / r->seconds / 1e6, r->seconds * 1e9 / (double)r->ops,
	       (unsigned long long)r->ops, (unsigned long long)r->walks,
	       (unsigned long long)r->hits);
}

/* 4-byte reads over `pages` pages, `per_page` consecutive words per page
 * before moving on, until MIN_SECONDS have passed. */
static struct result read_loop(struct mh *h, unsigned pages, unsigned per_page, bool tlbi)
{
	const struct npum_stats *st = npum_get_stats(h->npu);
	uint64_t walks0 = st->mmu_walks, hits0 = st->mmu_tlb_hits;
	struct result r = { 0 };
	double t0 = now_s();
	uint32_t v;

	do {
		for (unsigned i = 0; i < 4096; i++) {
			uint64_t va = VA_BASE + (r.ops / per_page % pages) * PAGE + (r.ops * 4) % PAGE;

			if (tlbi && mh_mmu_tlbi_asid(h, 0)) {
				fprintf(stderr, "bench_mmu: TLBI failed\n");
				exit(1);
			}
			if (npum_mmu_read(h->npu, NPU_MMU_SID_LRT, 0, va & ~UINT64_C(3), &v, 4,
					 NPUM_MMU_ACC_READ, NULL) != NPUM_MMU_OK) {
				fprintf(stderr, "bench_mmu: translation of 0x%llx failed\n",
					(unsigned long long)va);
				exit(1);
			}
			r.ops++;
		}
		r.seconds = now_s() - t0;
	} while (r.seconds < MIN_SECONDS);
	r.walks = st->mmu_walks - walks0;
	r.hits = st->mmu_tlb_hits - hits0;
	return r;
}

static struct result page_copy_loop(struct mh *h)
{
	static uint8_t buf[PAGE];
	const struct npum_stats *st = npum_get_stats(h->npu);
	uint64_t walks0 = st->mmu_walks, hits0 = st->mmu_tlb_hits;
	struct result r = { 0 };
	double t0 = now_s();

	do {
		for (unsigned i = 0; i < 1024; i++, r.ops++)
			if (npum_mmu_read(h->npu, NPU_MMU_SID_DMA, 0, VA_BASE + (r.ops % HOT_PAGES) * PAGE,
					 buf, PAGE, NPUM_MMU_ACC_READ, NULL) != NPUM_MMU_OK)
				exit(1);
		r.seconds = now_s() - t0;
	} while (r.seconds < MIN_SECONDS);
	r.walks = st->mmu_walks - walks0;
	r.hits = st->mmu_tlb_hits - hits0;
	return r;
}

int main(void)
{
	struct mh h;
	uint64_t pool[PA_POOL];
	struct result r;

	print_machine();
	mh_init(&h, 64u << 20);
	if (mh_power_up(&h)) {
		fprintf(stderr, "bench_mmu: power-up failed\n");
		return 1;
	}
	mh_mmu_setup(&h);
	if (mh_mmu_enable(&h)) {
		fprintf(stderr, "bench_mmu: MMU enable failed\n");
		return 1;
	}
	for (unsigned i = 0; i < PA_POOL; i++)
		pool[i] = mh_alloc(&h, PAGE, PAGE);
	for (unsigned i = 0; i < COLD_PAGES; i++)
		mh_map(&h, 0, VA_BASE + i * PAGE, pool[i % PA_POOL], NPU_MMU_ENTRY_PAGE_IVPU);

	r = read_loop(&h, HOT_PAGES, 1024, false);
	report("TLB hit, 4-byte reads walking through a page", &r);
	r = read_loop(&h, HOT_PAGES, 1, false);
	report("TLB hit, 4-byte reads, new page every time", &r);
	mh_mmu_tlbi_asid(&h, 0); /* start the miss loop with an empty TLB */
	r = read_loop(&h, COLD_PAGES, 1, false);
	report("TLB miss, 4-level walk + 4-byte read", &r);
	if (r.hits) {
		fprintf(stderr, "bench_mmu: expected no TLB hits in the miss loop\n");
		return 1;
	}
	r = read_loop(&h, HOT_PAGES, 1, true);
	report("TLBI_NH_ASID + SYNC, then walk + read", &r);
	r = page_copy_loop(&h);
	report("4 KiB read through the MMU (TLB hit)", &r);
	printf("%-44s %8.0f MiB/s\n", "  = bandwidth", (double)r.ops * PAGE / r.seconds / (1 << 20));
	mh_fini(&h);
	return 0;
}
