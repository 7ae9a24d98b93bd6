#!/bin/bash
# run-guest.sh — boot the Linux guest with -device intel-npu-mtl and judge it.
#
#   run-guest.sh --qemu QEMU --kenv kernel.env --initrd FILE [--initrd FILE...]
#                [--name NAME] [--expect pass|fail] [--expect-text ERE]...
#                [--timeout SEC] [--log FILE] [--timestamps] [--quiet]
#                [--append ARGS] [--interactive] [--print-cmd] [--no-iommu]
#                [--seabios] [--device DEV] [-- QEMU-ARGS...]
#
# The machine: TCG, q35, intel-iommu with interrupt remapping (VFIO needs it),
# the NPU, isa-debug-exit at 0xf4 (the guest's /init writes its verdict rc
# there: QEMU then exits with rc*2+1), the kernel as an ELF vmlinux booted
# through PVH by qboot, several --initrd files concatenated (later files
# override).
#
# Verdict (non-interactive): the console must show "NAME: PASS" (or, with
# --expect fail, "NAME: FAIL rc=N" and every --expect-text) AND QEMU's exit
# status must be the isa-debug-exit code of that same rc. A timeout (hard:
# --timeout, default 120 s), a QEMU crash, a kernel panic or a guest that
# powers off without a verdict all fail, with QEMU's stderr (kept apart from
# the console) shown. Exit status: 0 when the verdict is as expected, 1 if
# not, 2 on usage errors.
#
# --interactive (make run): no timeout and no verdict; an SDL window showing
# the serial console when $DISPLAY or $WAYLAND_DISPLAY is set, the terminal
# (serial + QEMU monitor, Ctrl-A X quits) otherwise; user-mode networking
# with virtio-net.
set -u

DEVICE=intel-npu-mtl QEMU= KENV= NAME= EXPECT=pass TIMEOUT=120 LOG= TIMESTAMPS=0 QUIET=0 INTERACTIVE=0
APPEND_EXTRA= PRINT_CMD=0
INITRDS=() EXPECT_TEXT=() EXTRA=() IOMMU=(-device intel-iommu,intremap=on) BIOS=(-bios qboot.rom)
usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'run-guest.sh: error: %s\n' "$*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--qemu) QEMU=$2; shift ;;
	--device) DEVICE=$2; shift ;;   # for smoke tests of the image with another QEMU
	--no-iommu) IOMMU=() ;;         # to see the driver's error without an IOMMU
	--seabios) BIOS=() ;;           # QEMU's default firmware instead of qboot
	--kenv) KENV=$2; shift ;;
	--initrd) INITRDS+=("$2"); shift ;;
	--name) NAME=$2; shift ;;
	--expect) EXPECT=$2; shift ;;
	--expect-text) EXPECT_TEXT+=("$2"); shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--log) LOG=$2; shift ;;
	--timestamps) TIMESTAMPS=1 ;;
	--quiet) QUIET=1 ;;
	--append) APPEND_EXTRA="$APPEND_EXTRA $2"; shift ;;
	--interactive) INTERACTIVE=1 ;;
	--print-cmd) PRINT_CMD=1 ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) usage ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
[ -n "$QEMU" ] || die "--qemu is required"
[ -x "$QEMU" ] || die "QEMU binary $QEMU does not exist (make qemu)"
case $KENV in /*|"") ;; *) KENV=$(pwd)/$KENV ;; esac
[ -n "$KENV" ] && [ -f "$KENV" ] || die "--kenv: kernel.env '$KENV' missing (images/linux/kernel.sh makes it)"
# shellcheck disable=SC1090
. "$KENV"
[ -f "$VMLINUX" ] || die "$VMLINUX missing (delete $KENV and rebuild)"
[ ${#INITRDS[@]} -gt 0 ] || die "--initrd is required"
for f in "${INITRDS[@]}"; do [ -f "$f" ] || die "initrd $f missing"; done
case $EXPECT in pass|fail) ;; *) die "--expect pass|fail" ;; esac
[ "$INTERACTIVE" = 1 ] || [ -n "$NAME" ] || die "--name NAME is required (the guest prints NAME: PASS/FAIL)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/npu-guest.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
if [ ${#INITRDS[@]} -eq 1 ]; then
	INITRD=${INITRDS[0]}
else
	INITRD=$TMP/initrd.cpio
	cat "${INITRDS[@]}" >"$INITRD"
fi

# Boot speed (TCG): qboot instead of SeaBIOS, PVH vmlinux instead of the
# compressed bzImage, no crypto self-tests, and three initcalls a test guest
# does not need (the jitter-entropy RNG's self-test, ftrace's eval maps, the
# KDF108 self-test): together about 1 s of a ~4 s boot on a loaded 2-core host.
APPEND="console=ttyS0 quiet panic=-1 cryptomgr.notests intel_iommu=on"
APPEND="$APPEND initcall_blacklist=jent_mod_init,trace_eval_init,crypto_kdf108_init$APPEND_EXTRA"
CMD=("$QEMU" -accel tcg -M q35 -m 1G -nodefaults -no-reboot "${BIOS[@]}"
	"${IOMMU[@]}"
	-device "$DEVICE"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-kernel "$VMLINUX" -initrd "$INITRD" -append "$APPEND")

if [ "$INTERACTIVE" = 1 ]; then
	CMD+=(-nic user,model=virtio-net-pci)
	if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
		# the serial console first, so that it is console 0 (shown), the monitor 2nd
		CMD+=(-display sdl -chardev vc,id=con0 -serial chardev:con0 -monitor vc)
		echo "run-guest.sh: the guest's console is in the QEMU window (Ctrl-Alt-2: QEMU monitor)"
	else
		CMD+=(-display none -serial mon:stdio)
		echo "run-guest.sh: serial console on this terminal; Ctrl-A X quits QEMU, Ctrl-A C the monitor"
	fi
	CMD+=("${EXTRA[@]}")
	[ "$PRINT_CMD" = 1 ] && printf '%q ' "${CMD[@]}" && echo
	"${CMD[@]}"
	rc=$?
	# isa-debug-exit: (rc << 1) | 1
	[ $((rc & 1)) = 1 ] && exit $((rc >> 1))
	exit $rc
fi

CMD+=(-display none -serial stdio "${EXTRA[@]}")
[ "$PRINT_CMD" = 1 ] && { printf '%q ' "${CMD[@]}"; echo; }
[ -n "$LOG" ] || LOG=$TMP/console.log
ERR=${LOG%.log}.stderr
[ "$ERR" != "$LOG" ] || ERR=$LOG.stderr
: >"$LOG"; : >"$ERR"

start=$EPOCHREALTIME
{
	timeout --kill-after=5 "$TIMEOUT" "${CMD[@]}" </dev/null 2>"$ERR"
	echo $? >"$TMP/status"
} | while IFS= read -r line || [ -n "$line" ]; do
	line=${line%$'\r'}
	if [ "$TIMESTAMPS" = 1 ]; then
		# seconds since QEMU was started, in bash arithmetic (no fork per line)
		now=${EPOCHREALTIME/./}; t0=${start/./}
		d=$(( now - t0 ))
		printf -v line '%4d.%03d %s' $(( d / 1000000 )) $(( d % 1000000 / 1000 )) "$line"
	fi
	printf '%s\n' "$line" >>"$LOG"
	[ "$QUIET" = 1 ] || printf '%s\n' "$line"
done
end=$EPOCHREALTIME
status=$(cat "$TMP/status" 2>/dev/null || echo 255)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

# ---- the verdict -------------------------------------------------------------
why=()
console_rc=
if grep -q "^\(.* \)\?$NAME: PASS\$" "$LOG"; then
	console_rc=0
elif l=$(grep -o "$NAME: FAIL rc=[0-9]*" "$LOG" | tail -n 1) && [ -n "$l" ]; then
	console_rc=${l##*rc=}
fi
# QEMU's exit status: isa-debug-exit gives rc*2+1 (rc <= 127 as the guest
# writes it), `timeout` gives 124 (137 after SIGKILL), a signal 128+sig. Odd
# values above 128 are ambiguous (rc 64..127 or an odd signal such as SIGSEGV):
# they count as isa-debug-exit only when the console's verdict says the same.
exit_rc=
console_exit=
[ -n "$console_rc" ] && console_exit=$(( (console_rc > 127 ? 127 : console_rc) * 2 + 1 ))
case $status in
124|137) why+=("no result within ${TIMEOUT} s: the guest hung (timeout killed QEMU)") ;;
0)   why+=("QEMU exited with status 0: the guest powered off or rebooted without writing its verdict to isa-debug-exit") ;;
*)   if [ $((status & 1)) = 1 ] && { [ "$status" -lt 128 ] || [ "$status" = "$console_exit" ]; }; then
		exit_rc=$((status >> 1))
	else
		why+=("QEMU died with status $status$( [ "$status" -gt 128 ] && echo " (signal $((status - 128))?)")")
	fi ;;
esac
if grep -q "Kernel panic" "$LOG"; then
	why+=("the guest kernel panicked: $(grep -m1 'Kernel panic' "$LOG")")
fi
if [ -z "$console_rc" ]; then
	why+=("no '$NAME: PASS' or '$NAME: FAIL rc=N' line on the console")
elif [ -n "$exit_rc" ] && [ "$exit_rc" != "$console_rc" ] && ! { [ "$exit_rc" = 127 ] && [ "$console_rc" -gt 127 ]; }; then
	why+=("the console says rc=$console_rc but isa-debug-exit says rc=$exit_rc (QEMU status $status)")
fi
if [ "$EXPECT" = pass ]; then
	[ "$console_rc" = 0 ] || [ -z "$console_rc" ] || why+=("the guest's verdict is FAIL rc=$console_rc")
else
	[ "$console_rc" = 0 ] && why+=("the guest passed, but this run must fail")
	for t in "${EXPECT_TEXT[@]}"; do
		grep -Eq -- "$t" "$LOG" || why+=("expected text not on the console: /$t/")
	done
fi
if [ ${#why[@]} -eq 0 ]; then
	printf '== %s: %s as expected (QEMU status %s, %s s)\n' "$NAME" \
		"$( [ "$EXPECT" = pass ] && echo PASS || echo "FAIL rc=$console_rc")" "$status" "$secs"
	exit 0
fi
printf '== %s: FAILED (%s s)\n' "$NAME" "$secs"
for w in "${why[@]}"; do printf '   - %s\n' "$w"; done
if [ -s "$ERR" ]; then
	echo "   QEMU stderr ($ERR):"
	sed 's/^/   | /' "$ERR" | tail -n 40
fi
if [ "$QUIET" = 1 ]; then
	echo "   last console lines ($LOG):"
	tail -n 30 "$LOG" | sed 's/^/   | /'
fi
printf '   command: '; printf '%q ' "${CMD[@]}"; echo
[ ${#INITRDS[@]} -gt 1 ] && printf '   (initrd = the concatenation of %s)\n' "${INITRDS[*]}"
exit 1
