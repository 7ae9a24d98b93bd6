#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Licence hygiene: fail when a tracked file carries wording of Linux's ivpu
# driver (GPL-2.0-only; this project is MIT). The phrases below are ivpu's
# own log strings and comments that the driver once repeated; the project
# states the facts behind them in its own words (docs/hw-facts.md). One
# line per hit: file:line: the phrase. Exit 1 on any hit, 0 otherwise.
#
# Usage: tools/check-license.sh [SRCDIR]   (default: the current directory)
#
# The list is matched as fixed strings, case-insensitively. This file is
# the one place the phrases may appear.

set -u -f
cd "${1:-.}" || exit 2
self=tools/check-license.sh

phrases=$(cat <<'LIST'
Fetch of STE caused external abort
Transaction marks non-substream disabled
Transaction StreamID out of range
Address Request disallowed for a StreamID
MMU bypass is disallowed for this StreamID
Fetch of CD caused external abort
Fetch of VMS caused external abort
Output address caused address size fault
external abort occurred fetching a TLB
Permission fault occurred on page access
Page request hint from a client device
Unsupported Upstream Transaction
Used STE invalid
Fetched CD invalid
Sync failed to complete ATS invalidation
External abort on command queue read
Timed out waiting for MMU consumer
MMU EVTQ: 0x
For global context generate memory fault
not released by firmware
IPC RX msg dropped
dropped (no consumer
Failed to read IPC rx addr
IPC msg 0x%x out of range
JSM msg 0x%x out of range
Invalid JSM response type
Unknown JSM message type
missed IPC IRQ
purge IPC FIFO to 0
log start ====
log end   ====
log empty ====
WDT MSS timeout detected
WDT NCE timeout detected
NOC Firewall irq detected
NOC Firewall interrupt detected
ATS_ERR irq
UFI_ERR irq
MMU sync complete
re-trigger MSI for pending interrupts
NPU not idle during power down
NPU is not idle before
Failed to prepare for d0i3
Save/restore entry point
Recovering the NPU (reset
Recovery triggered by
Disable IRQ early to protect from IRQ storm
Buttress IRQ
WDT MSS IRQ
WDT NCE IRQ
Engine reset failed
VPU requires 5 us to complete the transition
Invalid NPU ready message
Invalid VPU ready message
ready message received successfully
Booting firmware, mode
LIST
)

# Files that must match what the Linux driver itself prints: the guest
# system test recognises ivpu's kernel log lines, and the image notes quote
# one, and the fact sheet quotes the lines a negative case makes the kernel
# print (hw-facts §14). Quoting a program's output to recognise it is not
# taking its text.
matches_linux_output='
tests/system/ivpu-check.c
tests/system/ivpu-jobs.c
images/linux/README.md
docs/hw-facts.md
'

# Known hits in files other branches own, to be reworded there; listed as
# file<TAB>phrase, reported as notes until they are gone. Remove an entry
# once its fix is merged: a stale entry is reported too.
pending='
'

git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "check-license: not a git work tree: $(pwd)" >&2; exit 2; }
tab=$(printf '\t')
hits=0
old_ifs=$IFS
IFS='
'
for p in $phrases; do
	for hit in $(git grep -n -I -i -F -e "$p" -- . ":(exclude)$self" | cut -d: -f1,2); do
		file=${hit%%:*}
		if printf '%s' "$matches_linux_output" | grep -q -x -F "$file"; then
			continue
		fi
		if printf '%s' "$pending" | grep -q -x -F "$file$tab$p"; then
			printf '%s: note: ivpu wording "%s" (known; reworded on its owner'"'"'s branch)\n' \
				"$hit" "$p" >&2
			continue
		fi
		printf '%s: ivpu wording "%s"\n' "$hit" "$p"
		hits=$((hits + 1))
	done
done
for entry in $pending; do
	file=${entry%%"$tab"*}
	p=${entry#*"$tab"}
	git grep -q -I -i -F -e "$p" -- "$file" 2>/dev/null ||
		printf 'check-license: note: pending entry "%s" in %s no longer matches; remove it\n' \
			"$p" "$file" >&2
done
IFS=$old_ifs
if [ "$hits" -gt 0 ]; then
	echo "check-license: $hits line(s) repeat Linux ivpu's wording (GPL-2.0-only); say it in our own words" >&2
	exit 1
fi
exit 0
