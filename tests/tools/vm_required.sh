#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CI must not pass without the VM: a vm test that cannot start the VM is a
# skip on a developer's machine and a failure under VDPA_VM_REQUIRED=1, and
# .ci/totals.py --no-skip vm counts any skip of the vm suite as a failure.
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

# totals.py on a log where the vm suite skipped, whole or in part.
cat >"$WORK/testlog.json" <<'LOG'
{"name": "vdpa:unit / values", "result": "OK", "stdout": "ok"}
{"name": "vdpa:vm / boot", "result": "SKIP", "stdout": "1..0 # SKIP vmctl: not root\n"}
{"name": "vdpa:vm / install", "result": "OK", "stdout": "ok 1 - built\nok 2 - in the VM # SKIP no qemu\n1..2\n"}
LOG
totals() { python3 "$ROOT/.ci/totals.py" "$@" "$WORK/testlog.json"; }
check "totals.py alone counts vm skips as skips" \
  test "$(totals | tail -1)" = "2 passed, 0 failed, 1 skipped"
check "totals.py --no-skip vm counts them as failures, named" \
  test "$(totals --no-skip vm | grep -c 'skipped, but the vm suite is required')" = 2
totals --no-skip vm >/dev/null
check "and fails" test $? = 1
tap_done
