#!/bin/bash
# readme-commands.sh — run every ```sh block of README.md as written.
#
#   readme-commands.sh [--root DIR] [--readme FILE] [--timeout SEC] [--list]
#
# Each fenced block whose info string starts with "sh" is a block of
# commands a reader types at the top of the clone (DIR, default: the clone
# this script is in). The rest of the info string says how it is run:
#
#   ```sh              run from DIR with `sh -e`, stdin /dev/null, a timeout;
#                      it must exit 0
#   ```sh setup        the README's set-up commands (`make demo`, `make check`):
#                      not run, because they are what `make check` itself is
#                      running when it gets here; the block must hold exactly
#                      these two commands, so nothing else hides in it
#   ```sh interactive  a command that ends in the project's guest shell (`make
#                      run`): started with its input on a pipe; once the prompt
#                      (npu-guest:...# ) appears, every ```sh guest block is
#                      typed into it, then `exit`; it must then exit 0
#   ```sh guest        commands for inside the guest: typed into the shell of
#                      the interactive block (as a script run with `sh -e`),
#                      each must exit 0 (indent with spaces: a tab would be
#                      taken as completion by the guest's line editor)
#   ```sh no-run WHY   not run, WHY printed; a block without a reason fails
#
# Any other info string starting with sh, or a shell block marked bash,
# shell, console or zsh (which this test would not see), fails. A failing
# block is named by its README line and shown with its exit status and the
# tail of its output. Exit status: 0 if every block passed, 1 if not, 2 on
# usage errors. Knobs: --timeout (s per block, default 600: `make` may
# rebuild), --list (print the blocks and how each would be run).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd) README= TIMEOUT=600 LIST=0
PROMPT_RE='npu-guest:[^ ]*# '
while [ $# -gt 0 ]; do
	case $1 in
	--root) ROOT=$2; shift ;;
	--readme) README=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--list) LIST=1 ;;
	-h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "readme-commands.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
README=${README:-$ROOT/README.md}
[ -f "$README" ] || { echo "readme-commands.sh: no $README" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/readme-commands.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# ---- extract: $T/N.sh (text), $T/N.kind, $T/N.info, $T/N.line ------------------
awk -v dir="$T" '
	/^```/ {
		if (inblock) { inblock = 0; close(f); next }
		info = substr($0, 4); sub(/^[ \t]+/, "", info); sub(/[ \t]+$/, "", info)
		split(info, w, /[ \t]+/)
		if (w[1] == "sh" || w[1] == "bash" || w[1] == "shell" || w[1] == "console" ||
		    w[1] == "zsh") {
			n++; inblock = 1; f = dir "/" n ".sh"
			printf "" > f
			print info > (dir "/" n ".info"); close(dir "/" n ".info")
			print NR + 1 > (dir "/" n ".line"); close(dir "/" n ".line")
		} else {
			other = 1; inblock = 1; f = "/dev/null"
		}
		next
	}
	inblock { print > f }
	END { print n + 0 > (dir "/count") }
' "$README"
N=$(cat "$T/count")
for i in $(seq 1 "$N"); do
	info=$(cat "$T/$i.info")
	set -- $info
	case "$1 ${2:-}" in
	"sh ")              kind=host ;;
	"sh setup")         kind=setup ;;
	"sh interactive")   kind=interactive ;;
	"sh guest")         kind=guest ;;
	"sh no-run")        kind=no-run ;;
	*)                  kind=bad ;;
	esac
	[ "$1" = sh ] || kind=bad-lang
	[ "$kind" = no-run ] && [ $# -lt 3 ] && kind=no-run-without-reason
	echo "$kind" >"$T/$i.kind"
done
where() { echo "${README##*/}:$(cat "$T/$1.line")"; }
first() { commands "$1" | head -n 1; }
# the commands of a block: comment lines, blank lines and trailing comments out
commands() { sed -e 's/[[:space:]]#.*$//' -e 's/[[:space:]]*$//' "$T/$1.sh" | grep -v '^[[:space:]]*\(#.*\)\?$'; }
show() {  # FILE: its tail, indented
	tail -n 40 "$1" | tr -d '\r' | awk '{ print "     | " $0 }'
}

if [ "$LIST" = 1 ]; then
	for i in $(seq 1 "$N"); do printf '%-12s %s  %s\n' "$(cat "$T/$i.kind")" "$(where "$i")" "$(first "$i")"; done
	exit 0
fi

# A new user's shell: no build-system or test variables from the make that runs us.
CLEAN_ENV=(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u QTEST_QEMU_BINARY
	-u NPU_FIRMWARE -u NPU_FIRMWARE_PATH -u DISPLAY -u WAYLAND_DISPLAY)

# ---- check the marks, run the host blocks ---------------------------------------
interactive=() guests=()
for i in $(seq 1 "$N"); do
	kind=$(cat "$T/$i.kind")
	case $kind in
	bad-lang)
		fail "$(where "$i"): a \`\`\`$(cat "$T/$i.info") block: mark shell commands \`\`\`sh so this test runs them" ;;
	bad)
		fail "$(where "$i"): unknown mark \`\`\`$(cat "$T/$i.info") (sh, sh setup, sh interactive, sh guest, sh no-run WHY)" ;;
	no-run-without-reason)
		fail "$(where "$i"): \`\`\`sh no-run needs a reason after it" ;;
	no-run)
		echo "not run  $(where "$i"): $(first "$i")  — $(cut -d' ' -f3- "$T/$i.info")" ;;
	setup)
		if [ "$(commands "$i" | tr '\n' ';')" = "make demo;make check;" ]; then
			echo "set-up   $(where "$i"): make demo, make check (not run: make check is running them now)"
		else
			fail "$(where "$i"): a \`\`\`sh setup block must hold exactly \"make demo\" and \"make check\"; it has:"
			commands "$i" | sed 's/^/     | /'
		fi ;;
	interactive) interactive+=("$i") ;;
	guest) guests+=("$i") ;;
	host)
		start=$SECONDS
		(cd "$ROOT" && "${CLEAN_ENV[@]}" timeout --kill-after=10 "$TIMEOUT" sh -e "$T/$i.sh") \
			</dev/null >"$T/$i.out" 2>&1
		rc=$?
		if [ "$rc" = 0 ]; then
			echo "ok       $(where "$i"): $(first "$i")  ($((SECONDS - start)) s)"
		else
			[ "$rc" = 124 ] && rc="124 (timed out after $TIMEOUT s)"
			fail "$(where "$i"): exit status $rc of:"
			sed 's/^/     $ /' "$T/$i.sh"
			echo "     output (last 40 lines):"
			show "$T/$i.out"
		fi ;;
	esac
done

# ---- the guest: the interactive block, the guest blocks typed into it -----------
if [ ${#interactive[@]} -gt 1 ]; then
	fail "more than one \`\`\`sh interactive block ($(for i in "${interactive[@]}"; do where "$i"; done | tr '\n' ' '))"
elif [ ${#guests[@]} -gt 0 ] && [ ${#interactive[@]} = 0 ]; then
	fail "\`\`\`sh guest blocks ($(where "${guests[0]}") ...) but no \`\`\`sh interactive block (make run) to type them into"
elif [ ${#interactive[@]} = 1 ]; then
	i=${interactive[0]}
	LOG=$T/guest.log
	mkfifo "$T/guest.in"
	: >"$LOG"
	(cd "$ROOT" && exec "${CLEAN_ENV[@]}" timeout --kill-after=10 "$TIMEOUT" sh -e "$T/$i.sh") \
		<"$T/guest.in" >"$LOG" 2>&1 &
	pid=$!
	exec 7>"$T/guest.in"
	# wait_for ERE SECONDS: until the console log matches (0) or the time is up /
	# the command ended (1)
	wait_for() {
		local end=$((SECONDS + $2))
		while [ $SECONDS -lt $end ]; do
			tr -d '\r' <"$LOG" | grep -qE -- "$1" && return 0
			kill -0 "$pid" 2>/dev/null || { tr -d '\r' <"$LOG" | grep -qE -- "$1"; return; }
			sleep 0.5
		done
		return 1
	}
	if ! wait_for "$PROMPT_RE" "$TIMEOUT"; then
		fail "$(where "$i"): $(first "$i") did not reach the guest shell (no prompt matching /$PROMPT_RE/); console:"
		show "$LOG"
	else
		echo "ok       $(where "$i"): $(first "$i") reached the guest shell"
		n=0
		for g in "${guests[@]}"; do
			n=$((n + 1))
			from=$(wc -c <"$LOG")
			# the block as a file in the guest, run with sh -e; then a marker with its status
			{ printf "cat >/tmp/readme-%d.sh <<'README_BLOCK_END'\n" "$n"
			  cat "$T/$g.sh"
			  printf "README_BLOCK_END\n"
			  printf 'sh -e /tmp/readme-%d.sh; echo "@@README-BLOCK-%d=$?@@"\n' "$n" "$n"; } >&7
			if ! wait_for "@@README-BLOCK-$n=[0-9]+@@" "$TIMEOUT"; then
				fail "$(where "$g") (in the guest): no end marker within $TIMEOUT s; console:"
				tail -c +"$((from + 1))" "$LOG" >"$T/g$n.out"; show "$T/g$n.out"
				break
			fi
			tail -c +"$((from + 1))" "$LOG" | tr -d '\r' >"$T/g$n.out"
			grc=$(sed -n "s/.*@@README-BLOCK-$n=\([0-9][0-9]*\)@@.*/\1/p" "$T/g$n.out" | head -n 1)
			if [ "$grc" = 0 ]; then
				echo "ok       $(where "$g") (in the guest): $(first "$g")"
			else
				fail "$(where "$g") (in the guest): exit status $grc of:"
				sed 's/^/     $ /' "$T/$g.sh"
				echo "     console (last 40 lines):"
				show "$T/g$n.out"
			fi
		done
		printf 'exit\n' >&7
	fi
	exec 7>&-
	wait "$pid"
	rc=$?
	if [ "$rc" != 0 ]; then
		[ "$rc" = 124 ] && rc="124 (timed out after $TIMEOUT s)"
		fail "$(where "$i"): exit status $rc of $(first "$i"); console:"
		show "$LOG"
	else
		echo "ok       $(where "$i"): $(first "$i") exited 0 after \`exit\`"
	fi
fi

echo "readme-commands: $N blocks in ${README##*/}, $fails failure(s)"
[ "$fails" = 0 ]
