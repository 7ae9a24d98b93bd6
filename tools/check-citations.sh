#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-citations.sh [SRCDIR]: every citation of the fact sheet must name a
# section that docs/hw-facts.md has, and nothing may cite the research notes
# the fact sheet was written from (they are not in the repository).
#
# What counts as a citation of docs/hw-facts.md:
#   * "hw-facts §N.M" (or "hw-facts.md §N", or "hw-facts N.M") in any file,
#     with the "§…" that follow it in a list or range on the same line
#     ("hw-facts §2.2, §2.4", "hw-facts §3.3-§3.4", "§4.1–§4.3");
#   * every bare "§N" in source and build files (*.c *.h *.S *.ld *.sh *.mk,
#     Makefile, configure) and in the project's documentation (docs/*.md,
#     README.md files): there, § always means a hw-facts section. Refer to a
#     section of another document as "section N", never with §;
#   * bare "§N" inside docs/hw-facts.md itself: its cross-references.
# A range is checked at both ends. Section numbers come from the headings of
# docs/hw-facts.md ("## §N Title", "### §N.M Title").
#
# A research-note citation is any mention of npu-jobs-facts, jobs-6.12,
# compute-facts, ../shared or shared/research, except in §0 of
# docs/hw-facts.md (its own list of sources) and in this script.
#
# Prints one line per bad citation and exits 1, or a one-line summary and
# exits 0. Needs only sh, find/git, grep, sed and awk.

set -eu
LC_ALL=C
export LC_ALL

SRCDIR=${1:-$(dirname "$0")/..}
cd "$SRCDIR"
FACTS=docs/hw-facts.md
if [ ! -f "$FACTS" ]; then
	echo "check-citations: $FACTS does not exist" >&2
	exit 1
fi

# The files to look at: what git tracks or would add (when this is a git
# checkout), else everything outside .git and build directories.
list_files() {
	if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard
	else
		find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||'
	fi
}

# One line per file: "B path" (bare § are citations), "F path" (the fact
# sheet itself), "E path" (only explicit hw-facts citations), "S path" (this
# script: not checked). Binary files are skipped.
list_files | sort -u | while IFS= read -r f; do
	[ -f "$f" ] || continue
	case "$f" in
	tools/check-citations.sh) continue ;;
	"$FACTS") echo "F $f"; continue ;;
	esac
	grep -Iq . "$f" 2>/dev/null || continue
	case "$f" in
	*.c|*.h|*.S|*.ld|*.sh|*.mk|Makefile|*/Makefile|configure|*/configure) echo "B $f" ;;
	docs/*.md|README.md|*/README.md) echo "B $f" ;;
	*) echo "E $f" ;;
	esac
done | awk -v facts="$FACTS" '
# "§" is the two bytes 0xC2 0xA7; the locale is C, so awk sees bytes.
function num_at(s,    m) {
	# the section number at the start of s (after "§" and blanks), or ""
	if (match(s, /^ *[0-9]+(\.[0-9]+)*/)) {
		m = substr(s, 1, RLENGTH)
		gsub(/ /, "", m)
		return m
	}
	return ""
}
function cite(file, line, n) {
	if (file == facts)
		ninternal++
	else {
		ncites++
		files[file] = 1
	}
	if (!(n in have)) {
		printf "%s:%d: cites hw-facts \302\247%s, which %s does not have\n", file, line, n, facts
		bad++
	}
}
# Every "§N" of the line is a citation.
function bare(file, lineno, s,    n, i) {
	while ((i = index(s, "\302\247")) > 0) {
		s = substr(s, i + 2)
		n = num_at(s)
		if (n != "")
			cite(file, lineno, n)
	}
}
# Only "hw-facts §N", "hw-facts N" and the "§N" chained after them.
function explicit(file, lineno, s,    n, rest) {
	while (match(s, /hw-facts(\.md)?`? +(\302\247 *)?[0-9]/)) {
		s = substr(s, RSTART + RLENGTH - 1)
		for (;;) {
			n = num_at(s)
			cite(file, lineno, n)
			s = substr(s, RLENGTH + 1)
			# a list or range continues with a separator and another §
			if (match(s, /^ *(,|;|\/|-|\342\200\223|\342\200\224|and|or|to) *\302\247 */) == 0)
				break
			s = substr(s, RLENGTH + 1)
			if (num_at(s) == "")
				break
		}
	}
}
function research(file, lineno, s) {
	if (match(s, /npu-jobs-facts|jobs-6\.12|compute-facts|\.\.\/shared|shared\/research/)) {
		printf "%s:%d: cites the research note \"%s\"; cite %s instead (the research notes are not part of the repository)\n", \
			file, lineno, substr(s, RSTART, RLENGTH), facts
		bad++
		nresearch++
	}
}
BEGIN {
	# The sections docs/hw-facts.md has: its numbered headings.
	while ((getline l < facts) > 0) {
		if (l ~ /^#+ *(\302\247 *)?[0-9]/) {
			sub(/^#+ */, "", l)
			sub(/^\302\247 */, "", l)
			if (match(l, /^[0-9]+(\.[0-9]+)*([ .:]|$)/)) {
				n = substr(l, 1, RLENGTH)
				sub(/[ .:]$/, "", n)
				have[n] = 1
				nsections++
			}
		}
	}
	close(facts)
}
{
	mode = substr($0, 1, 1)
	file = substr($0, 3)
	lineno = 0
	insrc = 0
	while ((getline l < file) > 0) {
		lineno++
		if (mode == "F") {
			# §0 of the fact sheet lists its sources, the notes included
			if (l ~ /^## /)
				insrc = (l ~ /^## *\302\247 *0([ .:]|$)/)
			bare(file, lineno, l)
			if (!insrc)
				research(file, lineno, l)
		} else {
			if (mode == "B")
				bare(file, lineno, l)
			else
				explicit(file, lineno, l)
			research(file, lineno, l)
		}
	}
	close(file)
}
END {
	if (bad) {
		printf "check-citations: %d bad citation(s)\n", bad
		exit 1
	}
	nf = 0
	for (f in files)
		nf++
	printf "check-citations: %d citations of %s in %d files (and its own %d cross-references) resolve against its %d sections; no research-note citations\n", \
		ncites, facts, nf, ninternal, nsections
}'
