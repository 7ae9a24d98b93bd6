#!/bin/bash
# npuctl-jobs.sh BUILD [dma] [sim|qtest] — npuctl's job commands on the sim
# backend (the model and the simulated firmware in-process; the default) or
# on real QEMU over qtest (the QEMU next to npuctl): `jobs` runs empty jobs in
# both scheduling modes and reports jobs/s, as text and as JSON; bad
# --size/--pattern values are usage errors naming the value; --help lists
# the commands. With "dma" (mk/driver.mk passes it: the model's DMA engines
# run them) also `copy` and `fill` of several sizes, each verified by npuctl
# itself, and in JSON; and `infer` (the built-in network, int8 and fp16,
# verified against its reference).
#
# BUILD is an absolute build directory with npuctl and the firmware built
# (mk/driver.mk runs this from check-unit). Every check prints "ok" or
# "FAIL" with what it saw; the exit status is 0 only if all passed.
set -u
B=${1:?usage: npuctl-jobs.sh BUILD [dma] [sim|qtest]}
DMA=${2:-}
BACKEND=${3:-sim}
NPUCTL=$B/tools/npuctl FW=$B/firmware/vpu_37xx_v1.bin
for f in "$NPUCTL" "$FW"; do
	[ -e "$f" ] || { echo "FAIL: $f is missing (make)"; exit 1; }
done
unset NPU_FIRMWARE_PATH NPU_FIRMWARE
T=$(mktemp -d "${TMPDIR:-/tmp}/npuctl-jobs.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fails=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

run() {   # NAME ARGS...: npuctl on $BACKEND, output in $T/NAME.out/.err, status in $rc
	local name=$1; shift
	"$NPUCTL" --backend="$BACKEND" --firmware="$FW" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
expect_rc() {  # NAME WANT
	if [ "$rc" = "$2" ]; then ok "$1: exit $rc"; else
		fail "$1: exit $rc, expected $2"; sed 's/^/     | /' "$T/$1.out" "$T/$1.err"; fi
}
expect_text() {  # NAME out|err EXTENDED-REGEX
	if grep -qE -- "$3" "$T/$1.$2"; then ok "$1: $2 matches /$3/"; else
		fail "$1: $2 does not match /$3/"; sed 's/^/     | /' "$T/$1.$2"; fi
}
expect_json() {  # NAME PYTHON-EXPR over the object j
	if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
		"$T/$1.out" 2>"$T/$1.py"; then ok "$1: JSON has $2"; else
		fail "$1: JSON lacks $2"; sed 's/^/     | /' "$T/$1.out" "$T/$1.py"; fi
}

run jobs jobs --count=300
expect_rc jobs 0
expect_text jobs out '^jobs: +300 empty jobs in [0-9.]+ ms host time: [0-9]+ jobs/s$'
run jobs-hws --sched=hw jobs --count=100
expect_rc jobs-hws 0
expect_text jobs-hws out '100 empty jobs'
run jobs-json --json jobs --count=70
expect_rc jobs-json 0
expect_json jobs-json 'j["ok"] is True and j["command"] == "jobs" and j["jobs"] == 70 and j["jobs_per_s"] > 0 and j["exit_code"] == 0'

run bad-size --size=12Q copy
expect_rc bad-size 2
expect_text bad-size err 'size must be 1 .. 8G bytes.*not "12Q"'
run zero-size --size=0 fill
expect_rc zero-size 2
run bad-pattern --pattern=0x1ffffffff fill
expect_rc bad-pattern 2
expect_text bad-pattern err 'pattern must be a 32-bit number.*not "0x1ffffffff"'
run help --help
expect_rc help 0
for c in copy fill jobs infer; do expect_text help out "^  $c +boot, "; done

if [ "$DMA" = dma ]; then
	for s in 4096 64K 4M 16777215; do
		run "copy-$s" copy --size=$s
		expect_rc "copy-$s" 0
		expect_text "copy-$s" out '^verified: +destination equals source'
	done
	run copy-json --json --sched=hw copy --size=1M
	expect_rc copy-json 0
	expect_json copy-json 'j["verified"] is True and j["job_status"] == 0 and j["bytes"] == 1048576 and j["descriptors"] == 1'
	for s in 64 1000 3M; do
		run "fill-$s" fill --size=$s --pattern=0xdeadbeef
		expect_rc "fill-$s" 0
		expect_text "fill-$s" out '^verified: +[0-9]+ bytes hold the pattern'
	done
	# the built-in network: DMA, both DPUs and an activation engine
	run infer infer
	expect_rc infer 0
	expect_text infer out '^verified: +int8 output \(16 bytes\) equals the reference'
	expect_text infer out '^verified: +fp16 output \(32 bytes\) equals the reference'
	run infer-json --json --sched=hw infer
	expect_rc infer-json 0
	expect_json infer-json 'j["verified"] is True and j["job_status"] == 0 and j["command"] == "infer"'
else
	echo "skip copy/fill/infer: run with \"dma\" for them"
fi

[ "$fails" = 0 ] && echo "npuctl-jobs ($BACKEND): all checks passed" ||
	echo "npuctl-jobs ($BACKEND): $fails check(s) FAILED"
[ "$fails" = 0 ]
