#!/bin/sh
# kernel.sh — the guest kernel, from Debian's archive only, cached.
#
#   kernel.sh OUT_ENV
#
# Resolves $KERNEL_PKG (default: the meta-package linux-image-6.12-amd64 of
# Debian 12's security suite) to the current ABI package with apt-cache,
# downloads it (apt-get download, no install) and the matching
# linux-headers-*-common (for the uapi header drm/ivpu_accel.h), and unpacks
# into the cache directory
#
#   $CACHE_DIR/images/linux/kernel-<KVER>_<version>-<hash of this script>/
#     vmlinux                 ELF kernel with the PVH entry note, decompressed
#                             from the zstd payload of the package's vmlinuz
#     lib/modules/<KVER>/     only the modules the images use (and their
#                             dependencies), uncompressed, with modules.dep
#     modules-<set>.list      load order of each module set (paths relative
#                             to the directory above), from depmod + modprobe -D
#     include/drm/            drm.h and ivpu_accel.h of that kernel
#     kernel.env              KPKG KVERSION KVER KDIR VMLINUX (shell syntax)
#
# The .debs stay in $CACHE_DIR/downloads (older versions of the same packages
# are removed). Nothing is redone while the cache entry exists; OUT_ENV (a
# copy of kernel.env) is rewritten only when its content changes, so make
# rebuilds the images only when the kernel changes.
#
# Environment: CACHE_DIR (required), KERNEL_PKG, KERNEL_OFFLINE=1 (never run
# apt: use the newest cached kernel).
set -eu

OUT=${1:?usage: kernel.sh OUT_ENV}
: "${CACHE_DIR:?CACHE_DIR is not set (it comes from BUILD/config.mk)}"
KERNEL_PKG=${KERNEL_PKG:-linux-image-6.12-amd64}
SELF=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")

# Module sets (names as modprobe knows them). Each is completed with its
# dependencies (modinfo depends) and ordered by depmod/modprobe -D.
#  vfio: VFIO type1 behind the emulated intel-iommu (Linux 6.12: vfio_virqfd is
#        built into vfio; vfio_iommu_type1 is no dependency of vfio-pci and must
#        be loaded explicitly)
#  ivpu: the upstream NPU driver
#  net:  user-mode networking of `make run` (-nic user,model=virtio-net-pci;
#        virtio-pci itself is built in)
SET_vfio="irqbypass vfio vfio_iommu_type1 vfio-pci-core vfio-pci"
SET_ivpu="intel_vpu"
SET_net="virtio_net"
SETS="vfio ivpu net"

die()  { printf 'kernel.sh: error: %s\n' "$*" >&2; exit 1; }
say()  { printf '  KERNEL  %s\n' "$*"; }
warn() { printf 'kernel.sh: warning: %s\n' "$*" >&2; }
for t in apt-cache apt-get dpkg-deb zstd xz tar; do
	command -v $t >/dev/null 2>&1 || die "$t not found (packages apt dpkg zstd xz-utils tar)"
done
DEPMOD=$(PATH=/sbin:/usr/sbin:$PATH command -v depmod) || die "depmod not found (package kmod)"
MODPROBE=$(PATH=/sbin:/usr/sbin:$PATH command -v modprobe) || die "modprobe not found (package kmod)"
MODINFO=$(PATH=/sbin:/usr/sbin:$PATH command -v modinfo) || die "modinfo not found (package kmod)"

BASE=$CACHE_DIR/images/linux
DL=$CACHE_DIR/downloads
mkdir -p "$BASE" "$DL" 2>/dev/null && [ -w "$BASE" ] && [ -w "$DL" ] ||
	die "the cache directories $BASE and $DL must be writable (CACHE_DIR comes from ./configure --cache-dir)"
HASH=$(sha256sum "$SELF" | cut -c1-8)

write_out() { # KDIR: copy its kernel.env to OUT if different
	mkdir -p "$(dirname "$OUT")"
	touch "$OUT.checked" "$1/.complete"   # .complete's age: when this kernel was last used
	if ! cmp -s "$1/kernel.env" "$OUT" 2>/dev/null; then
		cp "$1/kernel.env" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
		. "$1/kernel.env"
		say "$KPKG $KVERSION -> $KDIR"
	fi
}

newest_cached() {
	ls -1dt "$BASE"/kernel-*-"$HASH" 2>/dev/null | while read -r d; do
		[ -f "$d/.complete" ] && { echo "$d"; break; }
	done
}

offline_fallback() { # REASON
	d=$(newest_cached)
	[ -n "$d" ] || die "$1; and no kernel is cached in $BASE"
	warn "$1; using the cached kernel $d"
	write_out "$d"
	exit 0
}

# ---- 1. which package and version ------------------------------------------
[ "${KERNEL_OFFLINE:-0}" = 1 ] && offline_fallback "KERNEL_OFFLINE=1"
# Fast path: nothing can have changed if the last check (OUT.checked) is newer
# than this script and than apt's package lists (a new kernel can only appear
# through apt-get update).
if [ -f "$OUT" ] && [ -f "$OUT.checked" ] && [ "$OUT.checked" -nt "$SELF" ] &&
   grep -qxF "KERNEL_REQ='$KERNEL_PKG'" "$OUT"; then
	kd=$(sed -n "s/^KDIR='\(.*\)'$/\1/p" "$OUT")
	newer=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -newer "$OUT.checked" 2>/dev/null | head -n 1)
	[ -n "$kd" ] && [ -f "$kd/.complete" ] && [ -z "$newer" ] && exit 0
fi

# A meta-package depends on the ABI package (= version); an ABI package on none.
rec=$(apt-cache show --no-all-versions "$KERNEL_PKG" 2>/dev/null) ||
	offline_fallback "apt knows no package $KERNEL_PKG (Debian 12's security suite must be in apt's sources; run apt-get update)"
dep=$(printf '%s\n' "$rec" | sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/^ *//' |
	grep -E '^linux-image-[0-9]' | head -n 1)
if [ -n "$dep" ]; then
	KPKG=${dep%% *}
	KVERSION=$(printf '%s\n' "$dep" | sed -n 's/.*(= *\([^)]*\)).*/\1/p')
	[ -n "$KVERSION" ] || KVERSION=$(apt-cache show --no-all-versions "$KPKG" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
else
	KPKG=$KERNEL_PKG
	KVERSION=$(printf '%s\n' "$rec" | sed -n 's/^Version: //p' | head -n 1)
fi
[ -n "$KVERSION" ] || offline_fallback "apt has no candidate version of $KPKG (run apt-get update)"
KVER=${KPKG#linux-image-}; KVER=${KVER%-unsigned}
# linux-headers-<KVER>-amd64 depends on this one (same version); it carries
# include/uapi (11 MB, against 150 MB for linux-source-6.12).
HPKG=linux-headers-${KVER%-amd64}-common
KDIR=$BASE/kernel-${KVER}_$(printf '%s' "${KVERSION#*:}" | tr '~:' '-.')-$HASH

if [ -f "$KDIR/.complete" ]; then
	write_out "$KDIR"
	exit 0
fi

# One extraction at a time per cache (several clones may share it).
exec 9>>"$BASE/lock"
flock 9
if [ -f "$KDIR/.complete" ]; then write_out "$KDIR"; exit 0; fi

# ---- 2. download -------------------------------------------------------------
fetch() { # PKG VERSION -> path of the .deb in $DL
	_p=$1 _v=$2
	for f in "$DL/${_p}"_*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Version 2>/dev/null)" = "$_v" ]; then echo "$f"; return 0; fi
		rm -f "$f"                        # an older version of the same package
	done
	say "apt-get download $_p=$_v" >&2
	_t=$(mktemp -d "$DL/.dl.XXXXXX")
	_opt=
	[ "$(id -u)" = 0 ] && _opt="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	if ! (cd "$_t" && apt-get download $_opt "$_p=$_v" >"$_t/log" 2>&1); then
		sed 's/^/    /' "$_t/log" >&2
		rm -rf "$_t"
		die "apt-get download $_p=$_v failed (above). If apt's lists are stale (a newer kernel replaced it in the security suite), run apt-get update"
	fi
	for f in "$_t/${_p}"_*.deb; do mv "$f" "$DL/"; echo "$DL/$(basename "$f")"; done
	rm -rf "$_t"
}
KDEB=$(fetch "$KPKG" "$KVERSION")
HDEB=$(fetch "$HPKG" "$KVERSION")
[ -f "$KDEB" ] && [ -f "$HDEB" ] || die "download of $KPKG / $HPKG produced no .deb"

# ---- 3. unpack ------------------------------------------------------------------
say "unpacking $(basename "$KDEB")"
TMP=$BASE/.tmp-$$
rm -rf "$TMP"; mkdir -p "$TMP/full" "$TMP/out"
trap 'rm -rf "$TMP"' EXIT INT TERM
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$TMP/full" ./boot "./lib/modules/$KVER" ||
	die "cannot unpack $KDEB (no ./boot or ./lib/modules/$KVER in it?)"
VMLINUZ=$TMP/full/boot/vmlinuz-$KVER
[ -f "$VMLINUZ" ] || die "$KDEB has no boot/vmlinuz-$KVER"

# vmlinux: the bzImage's payload is a zstd frame (CONFIG_KERNEL_ZSTD) followed
# by the 4-byte decompressed size. Find the frame magic 28 b5 2f fd; the setup
# header's payload_length (0x24c) bounds it exactly when it agrees.
u8()  { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
off=$(LC_ALL=C grep -abo "$(printf '\050\265\057\375')" "$VMLINUZ" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || die "no zstd frame (magic 28 b5 2f fd) in $VMLINUZ: is this kernel still CONFIG_KERNEL_ZSTD?"
setup_sects=$(u8 "$VMLINUZ" $((0x1f1)))
pl_off=$(u32 "$VMLINUZ" $((0x248)))
pl_len=$(u32 "$VMLINUZ" $((0x24c)))
if [ $(( (setup_sects + 1) * 512 + pl_off )) = "$off" ] && [ "$pl_len" -gt 4 ]; then
	size=$(tail -c +$((off + pl_len - 3)) "$VMLINUZ" | head -c 4 | od -An -tu4 | tr -d ' ')
	tail -c +$((off + 1)) "$VMLINUZ" | head -c $((pl_len - 4)) | zstd -dcq >"$TMP/out/vmlinux" ||
		die "zstd could not decompress the payload of $VMLINUZ"
	[ "$(stat -c %s "$TMP/out/vmlinux")" = "$size" ] ||
		die "vmlinux is $(stat -c %s "$TMP/out/vmlinux") bytes, the bzImage says $size"
else
	# no usable header: decompress the first frame; zstd complains about the
	# trailing size word, so judge by the result
	tail -c +$((off + 1)) "$VMLINUZ" | zstd -dcq >"$TMP/out/vmlinux" 2>/dev/null || true
fi
[ "$(head -c 4 "$TMP/out/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] ||
	die "the zstd payload of $VMLINUZ is not an ELF vmlinux"
# PVH entry: ELF note "Xen", type 18 (XEN_ELFNOTE_PHYS32_ENTRY)
if command -v readelf >/dev/null 2>&1; then
	readelf -n "$TMP/out/vmlinux" | grep -q 'Unknown note type: (0x00000012)' ||
		die "$KVER's vmlinux has no PVH entry note (CONFIG_PVH); QEMU cannot boot it with -kernel"
fi
cp "$TMP/full/boot/config-$KVER" "$TMP/out/config"

# Modules: name -> path from modules.order, closure over `modinfo -F depends`.
MROOT=$TMP/full/lib/modules/$KVER
[ -f "$MROOT/modules.order" ] || die "$KDEB has no lib/modules/$KVER/modules.order"
norm() { echo "$1" | tr - _; }
path_of() { # module name -> path relative to MROOT (.ko or .ko.xz), or nothing
	_n=$(norm "$1")
	awk -v n="$_n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b); if (b == n) { print; exit } }' "$MROOT/modules.order"
}
builtin() { # module name -> 0 if built into the kernel
	_n=$(norm "$1")
	awk -v n="$_n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b); if (b == n) f = 1 } END { exit !f }' "$MROOT/modules.builtin"
}
SMALL=$TMP/out/lib/modules/$KVER
mkdir -p "$SMALL"
cp "$MROOT/modules.order" "$MROOT/modules.builtin" "$SMALL/"
[ -f "$MROOT/modules.builtin.modinfo" ] && cp "$MROOT/modules.builtin.modinfo" "$SMALL/"
done_list=" "
add_module() { # NAME: copy it and (recursively) its dependencies, uncompressed
	case $done_list in *" $(norm "$1") "*) return 0 ;; esac
	done_list="$done_list$(norm "$1") "
	if builtin "$1"; then return 0; fi
	rel=$(path_of "$1")
	[ -n "$rel" ] || die "module $1 is neither in modules.order nor built in ($KVER)"
	src=$MROOT/$rel
	[ -f "$src" ] || src=$MROOT/$rel.xz
	[ -f "$src" ] || src=$MROOT/$rel.zst
	[ -f "$src" ] || die "module file $MROOT/$rel(.xz|.zst) missing from $KDEB"
	mkdir -p "$SMALL/$(dirname "$rel")"
	case $src in
	*.xz)  xz -dc "$src" >"$SMALL/$rel" ;;
	*.zst) zstd -dcq "$src" >"$SMALL/$rel" ;;
	*)     cp "$src" "$SMALL/$rel" ;;
	esac
	deps=$("$MODINFO" -F depends "$SMALL/$rel" | tr , ' ')
	for d in $deps; do add_module "$d"; done
}
for s in $SETS; do
	eval "mods=\$SET_$s"
	for m in $mods; do add_module "$m"; done
done
"$DEPMOD" -b "$TMP/out" "$KVER" || die "depmod -b failed"
for s in $SETS; do
	eval "mods=\$SET_$s"
	: >"$TMP/out/modules-$s.list"
	for m in $mods; do
		builtin "$m" && continue
		# modprobe -D prints the insmod lines in load order (deps first,
		# softdeps included); keep only modules we copied, once each.
		"$MODPROBE" -d "$TMP/out" -S "$KVER" -D "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }' | while read -r p; do
				rel=${p#"$TMP/out/lib/modules/$KVER/"}
				[ -f "$SMALL/$rel" ] || continue
				grep -qxF "$rel" "$TMP/out/modules-$s.list" || echo "$rel" >>"$TMP/out/modules-$s.list"
			done
	done
	for m in $mods; do
		builtin "$m" || grep -qxF "$(path_of "$m")" "$TMP/out/modules-$s.list" ||
			die "modprobe -D did not list module $m of set $s"
	done
done

# uapi headers for tests/system/ivpu-check.c: the raw include/uapi files,
# cleaned as the kernel's scripts/headers_install.sh does (no __user etc.).
UAPI_DRM="drm.h drm_mode.h ivpu_accel.h"
mkdir -p "$TMP/hdr" "$TMP/out/include/drm"
dpkg-deb --fsys-tarfile "$HDEB" | tar -x -C "$TMP/hdr" --wildcards \
	$(for h in $UAPI_DRM; do printf "*/include/uapi/drm/%s " "$h"; done) ||
	die "$HDEB has no include/uapi/drm/{$(echo $UAPI_DRM | tr ' ' ,)}"
for h in $UAPI_DRM; do
	f=$(find "$TMP/hdr" -path "*/include/uapi/drm/$h" | head -n 1)
	[ -n "$f" ] || die "$h not found in $HDEB"
	sed -E -e 's/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g' \
		-e 's/__attribute_const__([[:space:]]|$)/\1/g' \
		-e 's@^#include <linux/compiler(|_types).h>@@' \
		-e 's/(^|[^a-zA-Z0-9])__packed([^a-zA-Z0-9_]|$)/\1__attribute__((packed))\2/g' \
		-e 's/(^|[[:space:](])(inline|asm|volatile)([[:space:](]|$)/\1__\2__\3/g' \
		-e 's@#(ifndef|define|endif[[:space:]]*/[*])[[:space:]]*_UAPI@#\1 @' \
		"$f" >"$TMP/out/include/drm/$h"
done

cat >"$TMP/out/kernel.env" <<EOF
# Written by images/linux/kernel.sh
KERNEL_REQ='$KERNEL_PKG'
KPKG='$KPKG'
KVERSION='$KVERSION'
KVER='$KVER'
KDIR='$KDIR'
VMLINUX='$KDIR/vmlinux'
HEADERS_PKG='$HPKG'
EOF
touch "$TMP/out/.complete"
rm -rf "$KDIR"
mv "$TMP/out" "$KDIR"
# Older extractions made by this same script version are superseded; those
# of other versions of this script (other clones may still use them) go
# after a week unused.
for d in "$BASE"/kernel-*-"$HASH"; do
	[ "$d" = "$KDIR" ] || rm -rf "$d"
done
for d in "$BASE"/kernel-*; do
	case $d in *-"$HASH") continue ;; esac
	[ -d "$d" ] || continue
	if [ ! -f "$d/.complete" ] || [ -n "$(find "$d/.complete" -mtime +7 2>/dev/null)" ]; then
		rm -rf "$d"
	fi
done
say "$(for s in $SETS; do printf '%s: %s modules  ' "$s" "$(wc -l <"$KDIR/modules-$s.list")"; done)"
write_out "$KDIR"
