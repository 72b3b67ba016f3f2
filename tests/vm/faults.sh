#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Kernel faults on the real kernel: a receive buffer far too small for a
# dump, signals interrupting every receive, a device removed while a dump
# or a command is under way. Nothing may be lost silently or crash.
#   faults.sh FAULTS   (the tests/tools/faults binary)
set -u
. "$(dirname "$0")/lib.sh"
FAULTS=$1
N=300
WORK=$(mktemp -d)
reset_state
echo 0 > /sys/bus/vdpa/drivers_autoprobe
for i in $(seq 1 $N); do echo "dev add name f$i mgmtdev vdpasim_net"; done >"$WORK/add"
check "$N devices added" "$VDPA" -b "$WORK/add"

check "a dump through the smallest receive buffer has every device" "$FAULTS" small-buffer $N
check "dumps interrupted by signals every 50 us have every device" "$FAULTS" eintr $N 20
check "a device deleted during a dump: the dump ends well, the device is gone (ENODEV)" \
  "$FAULTS" removed f1 f$N

# The command line, with a device coming and going under it.
(for i in $(seq 1 40); do
   "$VDPA" dev add name race mgmtdev vdpasim_net driver virtio_vdpa 2>/dev/null
   "$VDPA" dev del race 2>/dev/null
 done) &
churn=$!
problems=0 runs=0 refused=0
while kill -0 $churn 2>/dev/null; do
  for args in "-d dev show" "-j -d dev show" "dev config show" "-d dev show race" "dev vstats show race qidx 0"; do
    "$VDPA" $args >"$WORK/out" 2>"$WORK/err"
    status=$? runs=$((runs + 1))
    if grep -qE "$CRASH_PATTERN" "$WORK/err" || [ $status -gt 1 ]; then
      problems=$((problems + 1)); { echo "vdpa $args: status $status"; cat "$WORK/err"; } | tap_diag
    elif [ $status = 1 ]; then
      refused=$((refused + 1))
      [ -s "$WORK/err" ] || { problems=$((problems + 1)); echo "vdpa $args: exit 1 without a word" | tap_diag; }
    fi
  done
done
wait $churn
if [ $problems = 0 ]; then tap_ok "$runs commands while a device came and went: no crash, every failure said why ($refused refused)"
else tap_not_ok "$runs commands while a device came and went: $problems bad"; fi

rm -rf "$WORK"
reset_state
tap_done
