#!/bin/sh
# mk/qemu-build.sh — keep the shared QEMU tree in the cache pointed at this
# clone, and build it. Called by ./configure ("prepare") and by mk/qemu.mk
# ("build", on every `make`). Not meant to be run by hand, but harmless.
#
#   prepare  take the cache lock; apply qemu-device/qemu-7.2.patch to QEMU_SRC
#            if it is not applied yet (or replace an older version of it);
#            point QEMU_SRC/hw/misc/intel-npu-mtl at SRCDIR/qemu-device.
#   build    prepare, then `ninja QEMU_NINJA_TARGETS` in QEMU_BUILD, then copy
#            the binary to QEMU_BINARY (this clone's private copy) if it changed.
#   smoke    QEMU_BINARY finds its firmware without -L, and starts with
#            -M q35 -device intel-npu-mtl (make check-system-qemu).
#
# Inputs (environment): SRCDIR QEMU_SRC QEMU_BUILD QEMU_LOCK, and for build:
# QEMU_BINARY QEMU_NINJA_TARGETS CONFIG_STATUS (re-runs ./configure when the
# cache was deleted). NPU_QEMU_LOCKED=1 means the caller holds the lock.
#
# Why the copy: the cache's source tree and build dir are shared by every clone
# on the machine; hw/misc/intel-npu-mtl points at whichever clone built last.
# Each clone runs its own copy, so a test in one clone never runs another
# clone's device code. When the link moves to another clone, everything built
# from the old clone's files is deleted first: ninja compares mtimes, and the
# other clone's files may well be older than our objects.
set -eu

me=qemu-build.sh
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }
need() { eval "[ -n \"\${$1:-}\" ]" || die "$1 is not set (run from mk/qemu.mk or ./configure)"; }

# QEMU's configure/meson/ninja must see Debian's python3 and tools, not a
# pyenv/venv python3 earlier in the user's PATH.
QEMU_PATH=/usr/sbin:/usr/bin:/sbin:/bin

cmd=${1:-}
need SRCDIR; need QEMU_SRC; need QEMU_BUILD; need QEMU_LOCK
# One spelling of the clone's path (make's may go through a symlink,
# configure's does not), or the link would flip between the two.
SRCDIR=$(cd "$SRCDIR" && pwd -P) || die "source dir $SRCDIR is missing"

lock() {
	[ "${NPU_QEMU_LOCKED:-}" = 1 ] && return 0
	exec 9>>"$QEMU_LOCK" || die "cannot open the lock file $QEMU_LOCK (is the cache dir writable?)"
	if ! flock -n 9; then
		echo "  QEMU    waiting for $QEMU_LOCK (another configure/make is using this QEMU cache)"
		flock 9
	fi
	NPU_QEMU_LOCKED=1
	export NPU_QEMU_LOCKED
}

# Apply our patch once; replace an older version of it (another clone's, or
# before a `git pull`) by reverting the recorded copy first.
apply_patch() {
	patch_file=$SRCDIR/qemu-device/qemu-7.2.patch
	record=$QEMU_SRC/.intel-npu-mtl-applied.patch
	[ -f "$patch_file" ] || die "$patch_file is missing"
	if [ -f "$record" ] && cmp -s "$record" "$patch_file"; then
		return 0
	fi
	if [ -f "$record" ]; then
		echo "  QEMU    replacing the previously applied qemu-7.2.patch in $QEMU_SRC"
		patch -d "$QEMU_SRC" -p1 -R -s -f --no-backup-if-mismatch <"$record" >/dev/null ||
			die "could not revert the old patch $record in $QEMU_SRC; delete $QEMU_SRC and re-run ./configure"
		rm -f "$record"
	fi
	if patch -d "$QEMU_SRC" -p1 -R -s -f --dry-run <"$patch_file" >/dev/null 2>&1; then
		: # already applied (by hand, or a previous run was interrupted)
	elif out=$(patch -d "$QEMU_SRC" -p1 -s -f --dry-run <"$patch_file" 2>&1); then
		patch -d "$QEMU_SRC" -p1 -s -f --no-backup-if-mismatch <"$patch_file" >/dev/null
		echo "  QEMU    applied qemu-device/qemu-7.2.patch to $QEMU_SRC"
	else
		printf '%s\n' "$out" >&2
		die "qemu-device/qemu-7.2.patch does not apply to $QEMU_SRC (not QEMU 7.2, or modified by hand?)"
	fi
	cp "$patch_file" "$record"
}

# Delete everything built from files under hw/misc/intel-npu-mtl/ in every
# build dir of this source tree (QEMU_BUILD's siblings build-*: one per set of
# configure options), and make meson re-read our meson.build.
invalidate_device_outputs() { # OLD_QEMU_DEVICE_DIR
	# meson must re-read our meson.build/Kconfig only if they differ (~6 s).
	for f in meson.build Kconfig; do
		cmp -s "$1/$f" "$SRCDIR/qemu-device/$f" || touch "$QEMU_SRC/hw/misc/meson.build"
	done
	for b in "$(dirname "$QEMU_BUILD")"/build-*; do
		[ -f "$b/build.ninja" ] || continue
		rm -rf "$b/hw/misc/intel-npu-mtl"
		rm -f "$b"/trace/trace-hw_misc_intel_npu_mtl.* "$b/trace/trace-events-all"
		# Objects elsewhere whose recorded dependencies include one of our files.
		(cd "$b" && PATH=$QEMU_PATH ninja -t deps 2>/dev/null |
			awk '/^[^ \t]/ { t = $1; sub(/:$/, "", t) }
			     /^[ \t]/ && index($1, "hw/misc/intel-npu-mtl/") { print t }' |
			sort -u | while read -r f; do rm -f "$f"; done)
	done
}

repoint() {
	link=$QEMU_SRC/hw/misc/intel-npu-mtl
	want=$SRCDIR/qemu-device
	[ -d "$want" ] || die "$want is missing"
	cur=$(readlink "$link" 2>/dev/null || true)
	[ "$cur" = "$want" ] && return 0
	if [ -e "$link" ] && [ ! -L "$link" ]; then
		die "$link exists and is not a symlink; remove it (it should be a symlink to a clone's qemu-device/)"
	fi
	[ -n "$cur" ] && invalidate_device_outputs "$cur"
	ln -sfn "$want" "$link"
	echo "  QEMU    hw/misc/intel-npu-mtl -> $want${cur:+ (was $cur)}"
}

# A model file that exists but is not listed in meson.build would be built
# into the host library (mk/model.mk uses a wildcard) but not into QEMU, and
# the link would fail with an obscure undefined reference. Say it plainly.
check_lists() {
	for f in "$SRCDIR"/qemu-device/model/*.c "$SRCDIR"/qemu-device/qemu/*.c; do
		[ -f "$f" ] || continue
		b=${f##*/}
		grep -q "^[[:space:]]*'$b'," "$SRCDIR/qemu-device/meson.build" ||
			die "qemu-device/${f#"$SRCDIR"/qemu-device/} is not listed in qemu-device/meson.build (npu_model_sources / npu_glue_sources); add it there"
	done
}

case $cmd in
prepare)
	[ -d "$QEMU_SRC" ] || die "QEMU source tree $QEMU_SRC is missing: run ./configure"
	lock
	apply_patch
	repoint
	;;
build)
	need QEMU_BINARY
	if [ ! -f "$QEMU_BUILD/build.ninja" ] || [ ! -d "$QEMU_SRC" ]; then
		[ -n "${CONFIG_STATUS:-}" ] && [ -x "$CONFIG_STATUS" ] ||
			die "the QEMU build dir $QEMU_BUILD is missing: run ./configure"
		echo "  QEMU    $QEMU_BUILD is missing (cache deleted?): re-running configure"
		"$CONFIG_STATUS" >&2 || die "configure failed"
	fi
	check_lists
	lock
	apply_patch
	repoint
	targets=${QEMU_NINJA_TARGETS:-qemu-system-x86_64}
	built=$QEMU_BUILD/qemu-system-x86_64
	# Always run ninja (about 0.4 s when nothing changed; qemu-version.h is
	# regenerated every time, which changes nothing else). Its routine
	# chatter is filtered out, so an up-to-date QEMU prints nothing, and paths
	# of our files are shown as this clone's (qemu-device/...), not the cache's.
	st=$(mktemp)
	{ PATH=$QEMU_PATH ninja -C "$QEMU_BUILD" $targets 2>&1; echo $? >"$st"; } |
		sed -u -e '/^ninja: Entering directory/d' -e '/^ninja: no work to do/d' \
			-e '/^\[[0-9]*\/[0-9]*\] Generating qemu-version.h with a custom command/d' \
			-e "s#\(\.\./\)\{1,\}\([^ :]*/\)\{0,1\}hw/misc/intel-npu-mtl/#$SRCDIR/qemu-device/#g" || true
	rc=$(cat "$st"); rm -f "$st"
	[ "$rc" = 0 ] || die "building QEMU failed (ninja exit status $rc; errors above; build dir $QEMU_BUILD)"
	[ -x "$built" ] || die "$built was not produced"
	if [ ! -f "$QEMU_BINARY" ] || [ "$built" -nt "$QEMU_BINARY" ] || [ "$built" -ot "$QEMU_BINARY" ]; then
		mkdir -p "$(dirname "$QEMU_BINARY")"
		cp -p "$built" "$QEMU_BINARY.tmp.$$"
		mv -f "$QEMU_BINARY.tmp.$$" "$QEMU_BINARY"
		echo "  QEMU    $QEMU_BINARY"
	fi
	;;
smoke)
	# The binary finds its firmware without -L, and -device intel-npu-mtl
	# shows up on a q35 PCI bus (8086:7d1d = 32902:32029).
	need QEMU_BINARY
	[ -x "$QEMU_BINARY" ] || die "$QEMU_BINARY is missing: run make"
	dirs=$("$QEMU_BINARY" -L help) || die "$QEMU_BINARY -L help failed"
	for f in bios-256k.bin kvmvapic.bin linuxboot_dma.bin pvh.bin qboot.rom efi-e1000e.rom vgabios-stdvga.bin; do
		ok=
		for d in $dirs; do [ -f "$d/$f" ] && ok=$d/$f && break; done
		[ -n "$ok" ] || die "$QEMU_BINARY would not find $f (searches: $(echo $dirs))"
		echo "  found   $ok"
	done
	out=$(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-pci"}' '{"execute":"quit"}' |
		timeout 60 "$QEMU_BINARY" -M q35 -device intel-npu-mtl,id=npu0 -display none -S -qmp stdio 2>&1) ||
		{ printf '%s\n' "$out" >&2; die "$QEMU_BINARY -M q35 -device intel-npu-mtl did not start and quit cleanly"; }
	printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line).get("return")
    if isinstance(r, list):
        ids = [d["id"] for bus in r for d in bus["devices"] if d.get("qdev_id") == "npu0"]
        sys.exit(0 if ids and (ids[0]["vendor"], ids[0]["device"]) == (0x8086, 0x7d1d) else 1)
sys.exit(1)' || { printf '%s\n' "$out" >&2; die "query-pci does not show npu0 as 8086:7d1d"; }
	echo "  ok      $QEMU_BINARY -M q35 -device intel-npu-mtl: 8086:7d1d on the PCI bus"
	;;
*)
	die "usage: $me prepare|build|smoke (see the comment at the top)"
	;;
esac
