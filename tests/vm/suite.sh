#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# How meson runs a vm test: a TAP script run inside the shared VM by vmctl.
#
#   suite.sh VDPA [-k KERNEL] [-m MODS] [-e NAME=VALUE]... SCRIPT [ARG]...
#
# KERNEL is vmctl's (sim, the default, newest, bookworm). When the VM
# cannot run here (no QEMU, not root, or the kernel's packages cannot be
# fetched), the test is reported as skipped, with the reason, instead of
# failing; unless VDPA_VM_REQUIRED=1 (CI sets it): then it fails, with the
# same reason.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VDPA=$1; shift
options=()
while [ $# -gt 0 ]; do
  case "$1" in
    -k|-m|-e) options+=("$1" "$2"); shift 2 ;;
    *) break ;;
  esac
done
kernel=()
for ((i = 0; i < ${#options[@]}; i += 2)); do
  [ "${options[i]}" = -k ] && kernel=(-k "${options[i + 1]}")
done
run_options=()
for ((i = 0; i < ${#options[@]}; i += 2)); do
  [ "${options[i]}" = -k ] || run_options+=("${options[i]}" "${options[i + 1]}")
done
errors=$(mktemp)
"$HERE/vmctl" "${kernel[@]}" run "${run_options[@]}" -e "VDPA=$VDPA" -- "$@" 2>"$errors"
rc=$?
cat "$errors" >&2
if [ $rc = 77 ]; then
  # The reason is the last line vmctl or prepare.sh gave (not a progress
  # line of prepare.sh, which carries its time in brackets).
  reason=$(grep '^vmctl: \|^prepare: ' "$errors" | grep -v '^prepare: \[' | tail -n 1 | sed 's/^[a-z]*: //')
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
