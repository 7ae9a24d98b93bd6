#!/bin/bash
# run-guest-selftest.sh — proves that the guest-boot judge (images/linux/
# run-guest.sh) can fail: a fake QEMU plays each way a guest boot can go
# wrong, and the judge must reject it (and accept the two good runs).
#
#   run-guest-selftest.sh PATH/TO/run-guest.sh
set -u
JUDGE=${1:?usage: run-guest-selftest.sh run-guest.sh}
T=$(mktemp -d "${TMPDIR:-/tmp}/rg-selftest.XXXXXX")
trap 'rm -rf "$T"' EXIT
: >"$T/vmlinux"; : >"$T/initrd.cpio"
printf "VMLINUX='%s'\nKDIR='%s'\n" "$T/vmlinux" "$T" >"$T/kernel.env"

pass=0 fail=0
# case NAME WANT(0|1) REASON-SUBSTRING JUDGE-OPTS -- SCRIPT-BODY
scenario() {
	local name=$1 want=$2 reason=$3 body=$4; shift 4
	printf '#!/bin/bash\n%s\n' "$body" >"$T/qemu-$name"
	chmod +x "$T/qemu-$name"
	"$JUDGE" --qemu "$T/qemu-$name" --kenv "$T/kernel.env" --initrd "$T/initrd.cpio" \
		--name NPU-DEMO --timeout 1 --quiet --log "$T/$name.log" "$@" >"$T/$name.out" 2>&1
	local got=$?
	if [ "$got" = "$want" ] && grep -q -- "$reason" "$T/$name.out"; then
		printf 'selftest: ok   %-26s judge exit %s (%s)\n' "$name" "$got" "$reason"
		pass=$((pass + 1))
	else
		printf 'selftest: FAIL %-26s judge exit %s, wanted %s with "%s"; judge said:\n' "$name" "$got" "$want" "$reason"
		sed 's/^/    | /' "$T/$name.out"
		fail=$((fail + 1))
	fi
}

ok='echo "NPU-DEMO: PASS"'
scenario good            0 "PASS as expected"        "$ok; exit 1"
scenario hang            1 "the guest hung"          "echo booting; sleep 30"
scenario crash           1 "QEMU died with status 134" "$ok; kill -ABRT \$\$"
scenario crash-segv      1 "QEMU died with status 139" "$ok; kill -SEGV \$\$"
scenario lie-exit        1 "isa-debug-exit says rc=3" "$ok; exit 7"
scenario high-rc         0 "FAIL rc=103 as expected" 'echo "NPU-DEMO: FAIL rc=103"; exit 207' --expect fail
scenario no-verdict      1 "no 'NPU-DEMO: PASS'"     "echo nothing to see; exit 1"
scenario console-fail    1 "verdict is FAIL rc=2"    'echo "NPU-DEMO: FAIL rc=2"; exit 5'
scenario no-debug-exit   1 "without writing its verdict" "$ok; exit 0"
scenario panic           1 "panicked"                'echo "Kernel panic - not syncing: Attempted to kill init!"; exit 0'
scenario qemu-error      1 "no 'NPU-DEMO: PASS'"     'echo "qemu-system-x86_64: -device intel-npu-mtl: not found" >&2; exit 1'
scenario expected-fail   0 "FAIL rc=5 as expected"   'echo "npuctl: firmware x: entry point 0x0 is outside the image [NPU_FW_ERR_ENTRY_RANGE]"; echo "NPU-DEMO: FAIL rc=5"; exit 11' \
	--expect fail --expect-text NPU_FW_ERR_ENTRY_RANGE
scenario fail-wrong-text 1 "expected text not on the console" 'echo "npuctl: something else"; echo "NPU-DEMO: FAIL rc=5"; exit 11' \
	--expect fail --expect-text NPU_FW_ERR_ENTRY_RANGE
scenario fail-but-hang   1 "the guest hung"          'echo "NPU_FW_ERR_ENTRY_RANGE"; sleep 30' \
	--expect fail --expect-text NPU_FW_ERR_ENTRY_RANGE
scenario fail-but-crash  1 "QEMU died"               'echo "NPU_FW_ERR_ENTRY_RANGE"; echo "NPU-DEMO: FAIL rc=5"; kill -SEGV $$' \
	--expect fail --expect-text NPU_FW_ERR_ENTRY_RANGE
scenario fail-but-passed 1 "this run must fail"      "echo NPU_FW_ERR_ENTRY_RANGE; $ok; exit 1" \
	--expect fail --expect-text NPU_FW_ERR_ENTRY_RANGE

echo "selftest: $pass ok, $fail failed"
[ "$fail" = 0 ]
