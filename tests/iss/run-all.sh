#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The ISS suite: runs tools/iss-run on the programs built from tests/iss.
# Every self-checking program must pass; the negative programs and inputs
# must fail exactly as iss-run documents (exit status and message).
#
# usage: run-all.sh ISS_RUN ELF_DIR SRC_DIR      (make check-unit runs it)
set -u

ISS_RUN=$1
ELFDIR=$2
SRCDIR=$3

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0
count=0

# check STATUS STDERR-PATTERN iss-run-arguments...
check() {
	want=$1
	pattern=$2
	shift 2
	count=$((count + 1))
	"$ISS_RUN" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: iss-run $*: exit status $got, expected $want"
	elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err"; then
		echo "FAIL: iss-run $*: stderr lacks \"$pattern\""
	else
		# one line of evidence: the statistics or the diagnostic
		echo "ok   iss-run $*: $(grep -v '^iss-run: [0-9]* instructions' "$tmp/err" | head -n 1)"
		return 0
	fi
	sed 's/^/    | /' "$tmp/err" | tail -n 20
	failures=$((failures + 1))
	return 1
}

# self-checking programs
for p in arith branches memory muldiv traps console; do
	check 0 "PASS" "$ELFDIR/$p.elf"
	if [ -f "$SRCDIR/$p.expected" ] && ! cmp -s "$tmp/out" "$SRCDIR/$p.expected"; then
		echo "FAIL: $p: console output differs from $p.expected:"
		diff "$SRCDIR/$p.expected" "$tmp/out" | sed 's/^/    | /'
		failures=$((failures + 1))
	fi
done

# the exit protocol and the error reports
check 3   "FAIL: test case 3"          "$ELFDIR/fail_case3.elf"
check 122 "mcause 0x0000000b"          "$ELFDIR/err_ecall.elf"
check 123 "instruction limit (100000)" --max-insns 100000 "$ELFDIR/err_loop.elf"
check 124 "WFI"                        "$ELFDIR/err_wfi.elf"
check 121 "no symbol 'tohost'"         "$ELFDIR/bad_no_tohost.elf"
check 0   "trap: mcause 0x0000000b"    --trace "$ELFDIR/traps.elf"
check 0   "PASS"                       --mem-base 0x80000000 --mem-size 2M "$ELFDIR/branches.elf"
check 121 "outside the simulated memory" --mem-base 0x80000000 --mem-size 4K "$ELFDIR/branches.elf"

# malformed inputs
check 121 "not an ELF file"            /dev/null
check 121 "not a 32-bit ELF"           "$ISS_RUN"
head -c 100 "$ELFDIR/arith.elf" >"$tmp/truncated.elf"
check 121 "outside the file"           "$tmp/truncated.elf"
cp "$ELFDIR/arith.elf" "$tmp/machine.elf"
printf '\076\000' | dd of="$tmp/machine.elf" bs=1 seek=18 conv=notrunc 2>/dev/null
check 121 "wrong machine 62"           "$tmp/machine.elf"
check 121 "No such file"               "$tmp/does-not-exist.elf"

# command line
check 0   ""                           --help
check 120 ""                           --no-such-option "$ELFDIR/arith.elf"
check 120 "go together"                --mem-base 0x1000 "$ELFDIR/arith.elf"
check 120 "bad number"                 --max-insns lots "$ELFDIR/arith.elf"

if [ "$failures" -ne 0 ]; then
	echo "iss suite: $failures of $count checks FAILED"
	exit 1
fi
echo "iss suite: all $count checks passed"
