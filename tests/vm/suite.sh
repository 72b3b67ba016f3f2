#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# How meson runs a vm test: a TAP script run inside the shared VM by vmctl.
#
#   suite.sh VDPA [-m MODS] SCRIPT [ARG]...
#
# When the VM cannot run here (no QEMU, not root), the test is reported as
# skipped, with the reason, instead of failing; unless VDPA_VM_REQUIRED=1
# (CI sets it): then it fails, with the same reason.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VDPA=$1; shift
mods=()
if [ "${1:-}" = -m ]; then mods=(-m "$2"); shift 2; fi
errors=$(mktemp)
"$HERE/vmctl" run "${mods[@]}" -e "VDPA=$VDPA" -- "$@" 2>"$errors"
rc=$?
cat "$errors" >&2
if [ $rc = 77 ]; then
  reason=$(grep -m1 '^vmctl:\|^prepare:' "$errors" | sed 's/^[a-z]*: //')
  if [ "${VDPA_VM_REQUIRED:-0}" = 1 ]; then
    printf '1..1\nnot ok 1 - the VM is required (VDPA_VM_REQUIRED=1) but cannot run: %s\n' "$reason"
    rc=1
  else
    echo "1..0 # SKIP $reason"
    rc=0
  fi
fi
rm -f "$errors"
exit $rc
