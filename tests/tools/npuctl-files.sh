#!/bin/bash
# npuctl-files.sh BUILD — npuctl and the files it needs: where it finds the
# firmware and QEMU (relative to its own executable, driver/tools/tool_paths.h,
# after the options and environment variables), what it says when they are
# missing, and that it refuses Intel's LEON image before touching the device
# (exit 3, one line, no register access: sim trace and qtest exchange log).
#
# BUILD is an absolute build directory with npuctl, the firmware and QEMU
# built (mk/driver.mk runs this from check-qtest). Every check prints
# "ok" or "FAIL" with what it saw; the exit status is 0 only if all passed.
set -u
B=${1:?usage: npuctl-files.sh BUILD}
NPUCTL=$B/tools/npuctl FW=$B/firmware/vpu_37xx_v1.bin QEMU=$B/qemu/qemu-system-x86_64
for f in "$NPUCTL" "$FW" "$QEMU"; do
	[ -e "$f" ] || { echo "FAIL: $f is missing (make)"; exit 1; }
done
# The environment this test controls (check-qtest sets QTEST_QEMU_BINARY).
unset NPU_FIRMWARE_PATH QTEST_QEMU_BINARY NPU_FIRMWARE
T=$(mktemp -d "${TMPDIR:-/tmp}/npuctl-files.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fails=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# run NAME CMD...: runs CMD from / (so nothing is found relative to the
# current directory), output in $T/NAME.out/.err, status in $rc.
run() {
	local name=$1; shift
	(cd / && "$@") >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
expect_rc() {  # NAME WANT
	if [ "$rc" = "$2" ]; then ok "$1: exit $rc"; else
		fail "$1: exit $rc, expected $2"; sed 's/^/     | /' "$T/$1.out" "$T/$1.err"; fi
}
expect_text() {  # NAME FILE(out|err) FIXED-TEXT
	if grep -qF -- "$3" "$T/$1.$2"; then ok "$1: $2 has \"$3\""; else
		fail "$1: $2 lacks \"$3\""; sed 's/^/     | /' "$T/$1.$2"; fi
}
expect_no_text() {  # NAME FILE EXTENDED-REGEX WHAT
	if grep -qE -- "$3" "$T/$1.$2"; then
		fail "$1: $2 has $4:"; grep -E -- "$3" "$T/$1.$2" | head -5 | sed 's/^/     | /'
	else ok "$1: $2 has no $4"; fi
}
system_fw=
for d in /lib/firmware/updates /lib/firmware; do
	for n in intel/vpu/vpu_37xx_v1.bin vpu_37xx_v1.bin intel/vpu/vpu_37xx_v0.0.bin vpu_37xx_v0.0.bin; do
		[ -z "$system_fw" ] && [ -e "$d/$n" ] && system_fw=$d/$n
	done
done

# ---- the build tree: <build>/tools/npuctl uses <build>/firmware and <build>/qemu ----
run build-fw "$NPUCTL" --backend=sim info
expect_rc build-fw 0
expect_text build-fw out "firmware:    $(realpath "$FW")"
run build-qemu "$NPUCTL" --backend=qtest boot
expect_rc build-qemu 0
expect_text build-qemu out "shutdown:    clean"
# through a symbolic link, still the build's files
ln -s "$NPUCTL" "$T/npuctl-link"
run link "$T/npuctl-link" --backend=sim info
expect_rc link 0
expect_text link out "firmware:    $(realpath "$FW")"

# ---- an installation: <prefix>/bin/npuctl, <prefix>/share/intel-npu-mtl/firmware ----
P=$T/prefix
mkdir -p "$P/bin" "$P/share/intel-npu-mtl/firmware"
cp "$NPUCTL" "$P/bin/npuctl"
cp "$FW" "$P/share/intel-npu-mtl/firmware/vpu_37xx_v1.bin"
ln -s "$QEMU" "$P/bin/qemu-system-x86_64"
run inst-fw "$P/bin/npuctl" --backend=sim info
expect_rc inst-fw 0
expect_text inst-fw out "firmware:    $P/share/intel-npu-mtl/firmware/vpu_37xx_v1.bin"
run inst-qemu "$P/bin/npuctl" --backend=qtest boot
expect_rc inst-qemu 0

# ---- options and environment variables win, in the documented order -------------
mkdir -p "$T/env/intel/vpu" "$T/opt"
cp "$FW" "$T/env/intel/vpu/vpu_37xx_v1.bin"
cp "$FW" "$T/opt/vpu_37xx_v1.bin"
run env-fw env NPU_FIRMWARE_PATH="$T/env" "$P/bin/npuctl" --backend=sim info
expect_text env-fw out "firmware:    $T/env/intel/vpu/vpu_37xx_v1.bin"
run dir-fw env NPU_FIRMWARE_PATH="$T/env" "$P/bin/npuctl" --backend=sim --firmware-dir="$T/opt" info
expect_text dir-fw out "firmware:    $T/opt/vpu_37xx_v1.bin"
run file-fw env NPU_FIRMWARE_PATH="$T/env" "$P/bin/npuctl" --backend=sim --firmware-dir="$T/opt" \
	--firmware="$FW" info
expect_text file-fw out "firmware:    $FW"
run env-qemu env QTEST_QEMU_BINARY="$T/no/such-qemu" "$P/bin/npuctl" --backend=qtest boot
expect_rc env-qemu 5
expect_text env-qemu err "$T/no/such-qemu"
run arg-qemu env QTEST_QEMU_BINARY="$T/no/such-qemu" "$P/bin/npuctl" --backend=qtest \
	--backend-args="qemu=$T/no/arg-qemu" boot
expect_rc arg-qemu 5
expect_text arg-qemu err "$T/no/arg-qemu"

# ---- nothing there: the error names every place looked at ------------------------
E=$T/empty
mkdir -p "$E/bin"
cp "$NPUCTL" "$E/bin/npuctl"
run none-fw env NPU_FIRMWARE_PATH="$T/nothing-a:$T/nothing-b" "$E/bin/npuctl" --backend=sim boot
if [ -n "$system_fw" ]; then
	# this machine has an NPU firmware of its own: it is found after ours
	expect_text none-fw err "$system_fw"
else
	expect_rc none-fw 3
	expect_text none-fw err "firmware not found: looked for intel/vpu/vpu_37xx_v1.bin, intel/vpu/vpu_37xx_v0.0.bin and both without intel/vpu/ in $T/nothing-a, $T/nothing-b, $E/share/intel-npu-mtl/firmware, /lib/firmware/updates, /lib/firmware"
fi
run none-qemu "$E/bin/npuctl" --backend=qtest --firmware="$FW" boot
expect_rc none-qemu 5
expect_text none-qemu err "no qemu=PATH in --backend-args, \$QTEST_QEMU_BINARY is not set, and $E/bin/qemu-system-x86_64 (next to npuctl) does not exist"
run help "$NPUCTL" --help
expect_text help out "\$NPU_FIRMWARE_PATH"
expect_text help out "<prefix>/share/intel-npu-mtl/firmware"
expect_text help out "\$QTEST_QEMU_BINARY"

# ---- Intel's LEON image: exit 3 and one line, before any device access ----------
# A file with the real header values of intel/vpu/vpu_37xx_v1.bin (hw-facts §4.3).
LEON=$T/vpu_37xx_v1-leon.bin
put32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($2 & 255)) $(($2 >> 8 & 255)) \
	$(($2 >> 16 & 255)) $(($2 >> 24 & 255)))" | dd of="$LEON" bs=1 seek=$(($1)) conv=notrunc 2>/dev/null; }
head -c 2435480 /dev/zero >"$LEON"
put32 0x00 1;          put32 0x04 1                  # header_version, image_format LEON
put32 0x08 0x84802000; put32 0x10 0x250998           # image_load_address, image_size
put32 0x14 0x84803000                                # entry_point
printf '0.0.0' | dd of="$LEON" bs=1 seek=$((0x1C)) conv=notrunc 2>/dev/null
put32 0x3C 1                                         # compression_type
put32 0x40 0x84801000; put32 0x48 139                # firmware_version_load_address, _size
put32 0x4C 0x84800000                                # boot_params_load_address
put32 0x54 0x0003001F; put32 0x5C 0x00010000; put32 0x60 0x0004000F
put32 0x64 0x00030023; put32 0x6C 0x00010000; put32 0x70 0x00070000   # api_version[]
put32 0x94 0x04000000; put32 0x98 0x16B8             # runtime_size, shave_nn_fw_size
put32 0x9C 0xD800;     put32 0xA0 0x7FE000; put32 0xA4 0x13C00; put32 0xA8 0xBFD000
printf '20260305*MTL_CLIENT_SILICON-NVR+NN-deployment*' |
	dd of="$LEON" bs=1 seek=$((0x1000)) conv=notrunc 2>/dev/null

why="LEON image (image_format 1), Intel's firmware for the real LeonRT core, which this simulator does not run"
run leon "$NPUCTL" --backend=sim --firmware="$LEON" boot
expect_rc leon 3
expect_text leon err "npuctl: firmware failed: firmware $LEON: $why"
expect_text leon err "build/firmware/vpu_37xx_v1.bin"
expect_text leon err "share/intel-npu-mtl/firmware/vpu_37xx_v1.bin"
if [ "$(wc -l <"$T/leon.err")" = 1 ]; then ok "leon: one line on stderr"; else
	fail "leon: $(wc -l <"$T/leon.err") lines on stderr"; sed 's/^/     | /' "$T/leon.err"; fi
expect_no_text leon out . "output on stdout"
# the driver's trace shows every register access (-vvv): none for LEON ...
run leon-trace "$NPUCTL" -vvv --backend=sim --firmware="$LEON" boot
expect_rc leon-trace 3
expect_no_text leon-trace err '^npu: trace: (rd|wr)[0-9]+ BAR' "register access"
# ... while our image's boot is full of them (the check can see them)
run good-trace "$NPUCTL" -vvv --backend=sim boot
expect_text good-trace err "npu: trace: rd32 BAR4+0x"
# and in real QEMU the qtest exchange has no MMIO to either BAR (0xe0000000-0xe8000fff)
run leon-qtest env QTEST_LOG="$T/leon-qtest.log" "$NPUCTL" --backend=qtest --firmware="$LEON" boot
expect_rc leon-qtest 3
expect_text leon-qtest err "$why"
cp "$T/leon-qtest.log" "$T/leon-qtest.qlog" 2>/dev/null || : >"$T/leon-qtest.qlog"
expect_no_text leon-qtest qlog '> (read|write)[bwlq] 0xe[0-8][0-9a-f]{6} ' "BAR access"
run good-qtest env QTEST_LOG="$T/good-qtest.log" "$NPUCTL" --backend=qtest boot
cp "$T/good-qtest.log" "$T/good-qtest.qlog" 2>/dev/null || : >"$T/good-qtest.qlog"
expect_text good-qtest qlog "> writel 0xe8"

echo "npuctl-files: $fails failure(s)"
[ "$fails" = 0 ]
