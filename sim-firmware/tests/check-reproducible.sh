# Body of $(BUILD)/tests/firmware/check-reproducible (mk/firmware.mk puts
# SRCDIR, CONFIG, REF and MAKE in front of it).
#
# Builds the firmware file twice from scratch, in two fresh build
# directories whose paths differ in length, and requires both results and
# the main build's file to be byte-identical: no timestamps, no paths, no
# dependence on the order files happen to be found in.
set -eu

tmp=$(mktemp -d "${TMPDIR:-/tmp}/npu-fw-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# a private sub-build: do not join a parent make's jobserver or flags
unset MAKEFLAGS MFLAGS MAKELEVEL || true

one="$tmp/a"
two="$tmp/a-much-longer-build-directory-name/nested"
for dir in "$one" "$two"; do
	mkdir -p "$dir"
	# the real build's toolchain choices; a fresh copy is newer than
	# configure, so make does not re-run it
	cp "$CONFIG" "$dir/config.mk"
	if ! "$MAKE" --no-print-directory -C "$SRCDIR" BUILD="$dir" \
		"$dir/firmware/vpu_37xx_v1.bin" >"$dir.log" 2>&1; then
		echo "check-reproducible: FAIL: building the firmware in $dir failed:"
		cat "$dir.log"
		exit 1
	fi
done

fail=0
for f in "$two/firmware/vpu_37xx_v1.bin" "$REF"; do
	if ! cmp "$one/firmware/vpu_37xx_v1.bin" "$f"; then
		echo "check-reproducible: FAIL: $one/firmware/vpu_37xx_v1.bin and $f differ"
		fail=1
	fi
done
[ "$fail" = 0 ] || exit 1
echo "check-reproducible: PASS: 3 builds, identical ($(sha256sum "$REF" | cut -c1-16)...," \
     "$(wc -c <"$REF") bytes)"
