#!/bin/bash
# readme-commands-selftest.sh — the README checker (readme-commands.sh) must
# be able to fail: synthetic READMEs, each with one fault, must each fail and
# name the faulty block; a clean one must pass. The interactive block is a
# plain `sh -i` with the guest's prompt, so no guest boots (~8 s).
set -u
CHECK=$(cd "$(dirname "$0")" && pwd)/readme-commands.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/readme-selftest.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
fence='```'

# scenario NAME WANT-STATUS WANT-TEXT README-BODY
scenario() {
	local name=$1 want=$2 text=$3
	printf '%s\n' "$4" >"$T/$name.md"
	bash "$CHECK" --root "$T" --readme "$T/$name.md" --timeout 5 >"$T/$name.out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$text" "$T/$name.out"; then
		echo "ok   $name: exit $rc, \"$text\""
	else
		echo "FAIL $name: exit $rc (want $want), looking for \"$text\" in:"
		sed 's/^/     | /' "$T/$name.out"
		fails=$((fails + 1))
	fi
}

setup="${fence}sh setup
make demo     # comment
make check
${fence}"
shell="${fence}sh interactive
PS1='npu-guest:/# ' sh -i
${fence}"

scenario clean 0 "4 blocks in clean.md, 0 failure(s)" "# Title
$setup
${fence}
plain text block, not shell
${fence}
${fence}sh
echo host ok
test -d .
${fence}
$shell
${fence}sh guest
echo guest ok
${fence}"
scenario host-fails 1 "host-fails.md:7: exit status 3 of:" "$setup

${fence}sh
echo before
exit 3
${fence}"
scenario host-not-found 1 "not-there-at-all" "${fence}sh
not-there-at-all --flag
${fence}"
scenario setup-extra 1 "must hold exactly \"make demo\" and \"make check\"" "${fence}sh setup
make demo
rm -rf /
make check
${fence}"
scenario bash-block 1 "mark shell commands \`\`\`sh" "${fence}bash
echo hidden
${fence}"
scenario unknown-mark 1 "unknown mark \`\`\`sh sometimes" "${fence}sh sometimes
echo x
${fence}"
scenario no-reason 1 "no-run needs a reason" "${fence}sh no-run
echo x
${fence}"
scenario guest-fails 1 "guest-fails.md:5 (in the guest): exit status 1 of:" "$shell
${fence}sh guest
echo one
false
echo never
${fence}"
scenario guest-without-shell 1 "but no \`\`\`sh interactive block" "${fence}sh guest
echo x
${fence}"
scenario no-prompt 1 "did not reach the guest shell" "${fence}sh interactive
echo no shell here
${fence}"
scenario timeout 1 "timed out after 5 s" "${fence}sh
sleep 60
${fence}"

echo "readme-commands-selftest: $fails failure(s)"
[ "$fails" = 0 ]
