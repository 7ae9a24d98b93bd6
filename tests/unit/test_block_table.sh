#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Adding a register block to the model is one new file and one line in
# qemu-device/model/blocks.def. This test does exactly that in a scratch
# copy of the model: it writes blocks/scratch.c (a throw-away block with one
# read/write register at an unused BAR0 offset), appends one NPUM_BLOCK line,
# checks that nothing else differs from the tree, builds the model from the
# same source list make and meson use, and drives the new register through
# the public interface: read-back, the trace record's block and register
# names, npum_reg_name(), and a guest error for a write to its read-only
# neighbour.
#
# Usage: test_block_table.sh SRCDIR CC   (make check-unit runs it)
set -eu
src=${1:?usage: $0 SRCDIR CC}
cc=${2:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cp -R "$src/qemu-device/model" "$tmp/model"
cp -R "$src/include" "$tmp/include"

cat > "$tmp/model/blocks/scratch.c" <<'C'
/* A throw-away block: one scratch register and one read-only ID. */
#include "npum_internal.h"

#define NPU_SCRATCH_BASE  0x00500000u   /* BAR0: nothing lives there */
#define NPU_SCRATCH_VALUE (NPU_SCRATCH_BASE + 0x0)
#define NPU_SCRATCH_ID    (NPU_SCRATCH_BASE + 0x4)

struct scratch { uint32_t value; };

static struct scratch *sc(struct npum *n)
{
	return npum_priv(n, NPUM_BLOCK_scratch);
}

static uint64_t rd_value(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return sc(n)->value;
}

static void wr_value(struct npum *n, const struct npum_reg *r, unsigned idx, uint64_t v)
{
	sc(n)->value = (uint32_t)v;
}

static uint64_t rd_id(struct npum *n, const struct npum_reg *r, unsigned idx)
{
	return 0x5C5C5C5Cu;
}

static void scratch_ip_reset(struct npum *n)
{
	sc(n)->value = 0;
}

static const struct npum_reg scratch_regs[] = {
	REG_RW(SCRATCH_VALUE, rd_value, wr_value),
	REG_RO(SCRATCH_ID, rd_id),
};

static const struct npum_window scratch_windows[] = {
	NPUM_WINDOW("SCRATCH", NPU_BAR_REGV, NPU_SCRATCH_BASE, 0x1000, false, scratch_regs),
};

const struct npum_block npum_block_scratch = {
	.name = "scratch",
	.windows = NPUM_WINDOWS(scratch_windows),
	.priv_size = sizeof(struct scratch),
	.ip_reset = scratch_ip_reset,
};
C
echo 'NPUM_BLOCK(blocks, scratch)' >> "$tmp/model/blocks.def"

# The change is one new file and one line, nothing else.
changes=$(diff -r "$src/qemu-device/model" "$tmp/model" | grep -c '^[<>]\|^Only in' || true)
only=$(diff -r "$src/qemu-device/model" "$tmp/model" | grep -c '^Only in .*blocks: scratch.c' || true)
if [ "$changes" != 2 ] || [ "$only" != 1 ]; then
	echo "FAIL: expected one new file and one added line, diff says:"
	diff -r "$src/qemu-device/model" "$tmp/model" || true
	exit 1
fi

cat > "$tmp/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "npu_model.h"
#include "intel-npu/pci.h"

static uint64_t now;
static unsigned errors;
static char reg_seen[64];
static int dma_r(void *o, uint64_t a, void *b, uint64_t l) { return -1; }
static int dma_w(void *o, uint64_t a, const void *b, uint64_t l) { return -1; }
static void msi(void *o) { }
static uint64_t clk(void *o) { return now; }
static void tmod(void *o, uint64_t d) { }
static void gerr(void *o, const char *m) { errors++; printf("guest error: %s\n", m); }
static void trace(void *o, const struct npum_trace_rec *r)
{
	char line[200];

	npum_trace_format(r, line, sizeof(line));
	if (r->id == NPUM_TRACE_REG_WRITE && !strcmp(r->f[0].s, "SCRATCH"))
		snprintf(reg_seen, sizeof(reg_seen), "%s.%s", r->f[0].s, r->f[1].s);
}

int main(void)
{
	struct npum_host_ops ops = {
		.dma_read = dma_r, .dma_write = dma_w, .msi_notify = msi, .clock_ns = clk,
		.timer_mod = tmod, .guest_error = gerr, .trace = trace,
	};
	struct npum_config cfg;
	const char *err = NULL, *blk = NULL, *name;
	struct npum *n;
	int fail = 0;

	npum_config_default(&cfg);
	n = npum_create(&cfg, &ops, NULL, &err);
	if (!n) { printf("FAIL: npum_create: %s\n", err); return 1; }
	npum_mmio_write(n, NPU_BAR_REGV, 0x00500000, 0x1234abcd, 4);
	if (npum_mmio_read(n, NPU_BAR_REGV, 0x00500000, 4) != 0x1234abcd) { puts("FAIL: read-back"); fail = 1; }
	if (npum_mmio_read(n, NPU_BAR_REGV, 0x00500004, 4) != 0x5C5C5C5C) { puts("FAIL: ID"); fail = 1; }
	if (strcmp(reg_seen, "SCRATCH.SCRATCH_VALUE")) { printf("FAIL: trace names '%s'\n", reg_seen); fail = 1; }
	name = npum_reg_name(NPU_BAR_REGV, 0x00500004, &blk);
	if (!name || strcmp(name, "SCRATCH_ID") || strcmp(blk, "SCRATCH")) { puts("FAIL: npum_reg_name"); fail = 1; }
	npum_mmio_write(n, NPU_BAR_REGV, 0x00500004, 1, 4);
	if (errors != 1) { printf("FAIL: %u guest errors, expected 1\n", errors); fail = 1; }
	npum_reset(n);
	if (npum_mmio_read(n, NPU_BAR_REGV, 0x00500000, 4) != 0) { puts("FAIL: IP reset"); fail = 1; }
	npum_destroy(n);
	if (!fail) puts("ok: a block added with one file and one blocks.def line works");
	return fail;
}
C

# The source list of mk/model.mk and qemu-device/meson.build: core/, the
# interpreter, the libraries blocks use (MODEL_LIB_SRCS), and every block
# blocks.def names.
srcs="$tmp/model/core/*.c $tmp/model/lrt/rv_core.c $tmp/model/engines/dpu_ops.c"
for f in $(sed -n 's/^NPUM_BLOCK(\([a-z_]*\), *\([a-z0-9_]*\)).*/\1\/\2.c/p' "$tmp/model/blocks.def"); do
	srcs="$srcs $tmp/model/$f"
done
# shellcheck disable=SC2086
$cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-I"$tmp/include" -I"$tmp/model" -o "$tmp/t" "$tmp/main.c" $srcs -lm
"$tmp/t"
