#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CI must not pass without the VM: a vm test that cannot start the VM is a
# skip on a developer's machine and a failure under VDPA_VM_REQUIRED=1
# (and .ci/totals.py --no-skip vm counts any skip of the vm suite as a
# failure: ci_totals.sh).
# Runs tests/vm/suite.sh beside a vmctl stand-in that cannot start the VM.
#   vm_required.sh SOURCE_ROOT
set -u
ROOT=$1
. "$ROOT/tests/tap.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cp "$ROOT/tests/vm/suite.sh" "$WORK/suite.sh"
printf '#!/bin/sh\necho "vmctl: qemu-system-x86_64 is not installed" >&2\nexit 77\n' >"$WORK/vmctl"
chmod +x "$WORK/suite.sh" "$WORK/vmctl"

VDPA_VM_REQUIRED=0 bash "$WORK/suite.sh" /bin/true boot.sh >"$WORK/out" 2>/dev/null
status=$?
check "without VDPA_VM_REQUIRED, a VM that cannot run is a skip (status $status)" \
  test $status = 0 -a "$(cat "$WORK/out")" = "1..0 # SKIP qemu-system-x86_64 is not installed"

VDPA_VM_REQUIRED=1 bash "$WORK/suite.sh" /bin/true boot.sh >"$WORK/out" 2>/dev/null
status=$?
check "with VDPA_VM_REQUIRED=1, it fails with the reason (status $status)" \
  grep -q '^not ok 1 - .*required.*qemu-system-x86_64 is not installed' "$WORK/out"
check "and the status says so" test $status = 1

tap_done
