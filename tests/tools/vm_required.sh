#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CI must not pass without the VM: a vm test that cannot start the VM is a
# skip on a developer's machine and a failure under VDPA_VM_REQUIRED=1
# (and .ci/totals.py --no-skip vm counts any skip of the vm suite as a
# failure: ci_totals.sh).
# Runs tests/vm/suite.sh beside a vmctl stand-in that cannot start the VM,
# then the real harness with a kernel whose packages cannot be fetched.
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


# The real harness, for a kernel whose packages cannot be fetched (a mirror
# nothing answers on): prepare.sh gives the reason, and the test fails with
# it under VDPA_VM_REQUIRED=1, or is skipped with it otherwise. Needs root
# (prepare.sh skips without), as CI runs.
if [ "$(id -u)" != 0 ]; then
  n=$((TAP_COUNT + 1)); TAP_COUNT=$n
  echo "ok $n # SKIP not root: prepare.sh stops before fetching anything"
else
  unfetchable() {  # REQUIRED: runs the newest kernel's boot test
    VDPA_VM_REQUIRED=$1 VDPA_VM_CACHE=$WORK/cache VDPA_VM_SESSION=$WORK/session \
      VDPA_VM_MIRROR=http://127.0.0.1:9/debian \
      bash "$ROOT/tests/vm/suite.sh" /bin/true -k newest "$ROOT/tests/vm/stock-boot.sh" newest \
      >"$WORK/out" 2>"$WORK/err"
  }
  reason="cannot fetch the newest kernel's packages (trixie-backports from http://127.0.0.1:9/debian): *Connection refused*"
  unfetchable 1
  status=$?
  check "with VDPA_VM_REQUIRED=1, a kernel that cannot be fetched fails its test (status $status)" test $status = 1
  check "with the reason" bash -c '
    [ "$(sed -n 1p "$0")" = "1..1" ] && [[ "$(sed -n 2p "$0")" == "not ok 1 - the VM is required (VDPA_VM_REQUIRED=1) but cannot run: "$1 ]] ||
      { cat "$0"; exit 1; }' "$WORK/out" "$reason"
  unfetchable 0
  status=$?
  check "without it, the test is skipped, with the reason (status $status)" bash -c '
    [ "$1" = 0 ] && [[ "$(cat "$0")" == "1..0 # SKIP "$2 ]] || { cat "$0"; exit 1; }' "$WORK/out" $status "$reason"
  check "and nothing was cached for that kernel" test ! -e "$WORK/cache/kernel-newest"
fi
tap_done
