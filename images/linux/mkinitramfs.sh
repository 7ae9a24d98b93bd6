#!/bin/sh
# mkinitramfs.sh — the initramfs images of the Linux guest (newc cpio, no root
# needed: cpio -R 0:0).
#
#   mkinitramfs.sh FLAVOUR OUT.cpio
#
# FLAVOUR   contents
#   vfio      /init, the VFIO modules, /bin/npuctl (static), our firmware at
#             /lib/firmware/intel/vpu/vpu_37xx_v1.bin; conf/demo.conf
#   shell     an overlay for the vfio image (concatenate: vfio.cpio shell.cpio):
#             busybox, the virtio-net modules, conf/shell.conf, /etc/rc.shell
#   bench     an overlay for the vfio image: /bin/bench_jobs (static),
#             conf/bench.conf (our driver's job benchmark in the guest)
#   broken-fw an overlay for the vfio image: a broken firmware file in place
#             of ours (BROKEN_FW=truncated|entry|hang|garbage, see below)
#   ivpu      /init, drm + intel_vpu modules, our firmware, /bin/ivpu-check;
#             conf/ivpu.conf
#
# The kernel unpacks concatenated archives in order and a later file replaces
# an earlier one, which is what the overlays rely on.
#
# Environment: KENV (kernel.env of kernel.sh), INIT, NPUCTL, FIRMWARE,
# IVPU_CHECK, BUSYBOX, BENCH_JOBS, IVPU_PARAMS (intel_vpu module parameters),
# BROKEN_FW.
set -eu

FLAVOUR=${1:?usage: mkinitramfs.sh FLAVOUR OUT.cpio}
OUT=${2:?usage: mkinitramfs.sh FLAVOUR OUT.cpio}
HERE=$(cd "$(dirname "$0")" && pwd -P)
die() { printf 'mkinitramfs.sh: error: %s\n' "$*" >&2; exit 1; }
need() { # VAR: the file it names must exist
	eval "_f=\${$1:-}"
	[ -n "$_f" ] || die "$1 is not set"
	[ -f "$_f" ] || die "$1=$_f does not exist"
}
command -v cpio >/dev/null 2>&1 || die "cpio not found (package cpio)"

need KENV
case $KENV in /*) ;; *) KENV=$(pwd)/$KENV ;; esac
# shellcheck disable=SC1090
. "$KENV"
[ -f "$KDIR/.complete" ] || die "kernel directory $KDIR is incomplete (re-run images/linux/kernel.sh)"
FWDIR=lib/firmware/intel/vpu
FWNAME=vpu_37xx_v1.bin

STAGE=$OUT.stage
rm -rf "$STAGE"
mkdir -p "$STAGE/etc" "$STAGE/bin" "$STAGE/proc" "$STAGE/sys" "$STAGE/dev" "$STAGE/tmp"

add_modules() { # SET [PARAMS for the last module...]: copy, append insmod lines
	_set=$1; shift
	_list=$KDIR/modules-$_set.list
	[ -f "$_list" ] || die "$_list missing"
	_last=$(tail -n 1 "$_list")
	while read -r rel; do
		mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$rel")"
		cp "$KDIR/lib/modules/$KVER/$rel" "$STAGE/lib/modules/$KVER/$rel"
		if [ "$rel" = "$_last" ] && [ $# -gt 0 ]; then
			echo "insmod /lib/modules/$KVER/$rel $*"
		else
			echo "insmod /lib/modules/$KVER/$rel"
		fi
	done <"$_list" >>"$STAGE/etc/npu-init.conf"
}
add_firmware() { # FILE
	mkdir -p "$STAGE/$FWDIR"
	cp "$1" "$STAGE/$FWDIR/$FWNAME"
}
add_conf() { # NAME
	{ echo "# ---- images/linux/conf/$1.conf"; cat "$HERE/conf/$1.conf"; } >>"$STAGE/etc/npu-init.conf"
}
add_exe() { # FILE NAME: a static executable into /bin
	if command -v file >/dev/null 2>&1; then
		file -L "$1" | grep -Eq 'statically linked|static-pie linked' ||
			die "$1 is not statically linked (the guest has no libc)"
	fi
	cp "$1" "$STAGE/bin/$2"
	chmod 755 "$STAGE/bin/$2"
}

case $FLAVOUR in
vfio)
	need INIT; need NPUCTL; need FIRMWARE
	cp "$INIT" "$STAGE/init"; chmod 755 "$STAGE/init"
	echo "# /etc/npu-init.conf: written by images/linux/mkinitramfs.sh ($FLAVOUR)" >"$STAGE/etc/npu-init.conf"
	add_modules vfio
	add_conf demo
	add_exe "$NPUCTL" npuctl
	add_firmware "$FIRMWARE"
	;;
bench)
	need BENCH_JOBS
	echo "# /etc/npu-init.conf: written by images/linux/mkinitramfs.sh ($FLAVOUR)" >"$STAGE/etc/npu-init.conf"
	add_modules vfio
	add_conf bench
	add_exe "$BENCH_JOBS" bench_jobs
	;;
shell)
	need BUSYBOX
	echo "# /etc/npu-init.conf: written by images/linux/mkinitramfs.sh ($FLAVOUR)" >"$STAGE/etc/npu-init.conf"
	add_modules vfio
	add_modules net
	add_conf shell
	add_exe "$BUSYBOX" busybox
	ln -s busybox "$STAGE/bin/sh"
	cp "$HERE/conf/rc.shell" "$STAGE/etc/rc.shell"
	cp "$HERE/conf/profile" "$STAGE/etc/profile"
	;;
broken-fw)
	need FIRMWARE
	mkdir -p "$STAGE/$FWDIR"
	f=$STAGE/$FWDIR/$FWNAME
	case ${BROKEN_FW:-truncated} in
	truncated)
		# header + version + the first 4 KiB of the image: image_size in the
		# header now points past the end of the file
		head -c $((0x3000)) "$FIRMWARE" >"$f" ;;
	entry)
		# entry_point (header offset 0x14, 64-bit) far outside the image
		cp "$FIRMWARE" "$f"
		printf '\000\000\000\000\000\000\000\000' | dd of="$f" bs=1 seek=$((0x14)) conv=notrunc status=none ;;
	hang|garbage)
		# header and version intact (the driver accepts the file), the image
		# replaced: "hang" = every word `jal x0, 0` (the core spins at its
		# entry point), "garbage" = zeros (illegal instructions). The
		# firmware never sends its ready message.
		cp "$FIRMWARE" "$f"
		size=$(od -An -tu4 -j $((0x10)) -N4 "$FIRMWARE" | tr -d ' ')
		if [ "$BROKEN_FW" = hang ]; then printf '\157\000\000\000'; else printf '\000\000\000\000'; fi >"$f.word"
		while [ "$(stat -c %s "$f.word")" -lt "$size" ]; do cat "$f.word" "$f.word" >"$f.tmp"; mv "$f.tmp" "$f.word"; done
		head -c "$size" "$f.word" | dd of="$f" bs=4096 seek=2 conv=notrunc status=none
		rm -f "$f.word" ;;
	*) die "BROKEN_FW=${BROKEN_FW} (expected truncated, entry, hang or garbage)" ;;
	esac
	;;
ivpu)
	need INIT; need IVPU_CHECK; need FIRMWARE
	cp "$INIT" "$STAGE/init"; chmod 755 "$STAGE/init"
	echo "# /etc/npu-init.conf: written by images/linux/mkinitramfs.sh ($FLAVOUR)" >"$STAGE/etc/npu-init.conf"
	# shellcheck disable=SC2086
	add_modules ivpu ${IVPU_PARAMS:-}
	# for ivpu-check's remove/re-insert cycle: the module file and parameters
	grep "^insmod .*/intel_vpu\.ko" "$STAGE/etc/npu-init.conf" | sed 's/^insmod //' >"$STAGE/etc/ivpu-module"
	add_conf ivpu
	add_exe "$IVPU_CHECK" ivpu-check
	add_firmware "$FIRMWARE"
	;;
*)
	die "unknown flavour '$FLAVOUR' (vfio, shell, broken-fw, ivpu)"
	;;
esac

(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$OUT.tmp" ||
	die "cpio failed"
mv -f "$OUT.tmp" "$OUT"
rm -rf "$STAGE"
printf '  CPIO    %s (%s KiB)\n' "$(basename "$OUT")" $(( $(stat -c %s "$OUT") / 1024 ))
