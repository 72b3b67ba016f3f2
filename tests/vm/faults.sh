#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Kernel faults on the real kernel: a receive buffer far too small for a
# dump, receives interrupted by signals (EINTR) and replies lost to an
# overflowing buffer (ENOBUFS), uevents dropped under a monitor, a device
# removed while a dump or a command is under way. Nothing may be lost
# silently or crash.
#   faults.sh FAULTS SHIM   (tests/tools: the faults binary, libfault-inject.so)
#
# The kernel answers a request before sendmsg returns and paces a dump by
# the reader's receives (net/netlink/af_netlink.c: netlink_recvmsg calls
# netlink_dump for the next part once the buffer is half empty), so on a
# request socket a receive never blocks, and so is never interrupted, and a
# dump never overruns even the smallest buffer. The shim makes those
# receives fail as they could (see tools/fault_inject.cpp), and logs each
# fault it injects so that a run that injected nothing fails.
#
# ENOBUFS during a dump is reported, not recovered: the records before it
# have been handed to the caller already, and on a request socket it can
# also mean a lost acknowledgement, for which waiting would hang. vdpa
# prints the records it got, says the reply is incomplete and exits 1.
set -u
. "$(dirname "$0")/lib.sh"
FAULTS=$1
SHIM=$2
N=300
WORK=$(mktemp -d)

# inject SPEC CMD...: runs CMD with the shim injecting SPEC (VDPA_FAULTS),
# its faults logged to $WORK/injected.
inject() {
  local spec=$1; shift
  : >"$WORK/injected"
  LD_PRELOAD=$SHIM VDPA_FAULTS=$spec VDPA_FAULTS_LOG=$WORK/injected "$@"
}
injected() { wc -l <"$WORK/injected"; }
reset_state
echo 0 > /sys/bus/vdpa/drivers_autoprobe
for i in $(seq 1 $N); do echo "dev add name f$i mgmtdev vdpasim_net"; done >"$WORK/add"
check "$N devices added" "$VDPA" -b "$WORK/add"

check "a dump through the smallest receive buffer has every device" "$FAULTS" small-buffer $N

# EINTR: one netlink send or receive in 2, then one in 3, is interrupted;
# the output must be the clean run's, byte for byte, and the clean run a
# success (a command failing the same way twice proves nothing).
for args in "dev show" "-j dev show" "dev config show" "-j dev config show" "mgmtdev show" \
            "-j -d dev show f7"; do
  "$VDPA" $args >"$WORK/clean.out" 2>"$WORK/clean.err"
  clean=$?
  if [ $clean = 0 ] && [ -s "$WORK/clean.out" ]; then
    tap_ok "vdpa $args, the clean run: exit 0 with output"
  else
    tap_not_ok "vdpa $args, the clean run: exit $clean"
    cut -c1-200 "$WORK/clean.err" | tap_diag
  fi
  for every in 2 3; do
    inject eintr=$every "$VDPA" $args >"$WORK/out" 2>"$WORK/err"
    status=$? faults=$(injected)
    if [ $status = $clean ] && [ "$faults" -gt 0 ] && cmp -s "$WORK/clean.out" "$WORK/out" &&
       cmp -s "$WORK/clean.err" "$WORK/err"; then
      tap_ok "vdpa $args, EINTR on one netlink call in $every ($faults injected): as a clean run"
    else
      tap_not_ok "vdpa $args, EINTR on one netlink call in $every ($faults injected): as a clean run"
      { echo "status $status, clean $clean"; diff "$WORK/clean.out" "$WORK/out" | head -5; cat "$WORK/err"; } | cut -c1-200 | tap_diag
    fi
  done
done
inject eintr=2 "$VDPA" dev add name eintr0 mgmtdev vdpasim_net mac 02:00:00:00:00:09 >"$WORK/out" 2>&1
status=$? faults=$(injected)
check "dev add under EINTR ($faults injected) exits 0 and adds the device" \
  sh -c "[ $status = 0 ] && '$VDPA' -j dev config show eintr0 | grep -q '\"mac\": *\"02:00:00:00:00:09\"'"
inject eintr=3 "$VDPA" dev del eintr0 >"$WORK/out" 2>&1
status=$? faults=$(injected)
check "dev del under EINTR ($faults injected) exits 0 and deletes it" \
  test $status = 0 -a ! -e /sys/bus/vdpa/devices/eintr0

# ENOBUFS: the datagram after the first part of a dump is lost. The dump
# is incomplete: never exit 0, always say so, and print the records of the
# first part (the README's promise: nothing received is dropped).
for args in "dev show" "-j dev show" "dev config show" "-j dev config show"; do
  "$VDPA" $args >"$WORK/clean.out" 2>/dev/null
  inject enobufs=dump "$VDPA" $args >"$WORK/out" 2>"$WORK/err"
  status=$? faults=$(injected)
  problems=
  [ "$faults" = 1 ] || problems+="$faults faults injected, expected 1; "
  [ $status = 1 ] || problems+="exit status $status; "
  grep -q '^Error: .*incomplete.*No buffer space available\.$' "$WORK/err" ||
    problems+="no message saying the reply is incomplete; "
  # What it printed is what the kernel sent before the loss: in text, the
  # clean run's first lines; in JSON, a document with some of its records.
  if [ "${args#-j}" = "$args" ]; then
    lines=$(wc -l <"$WORK/out")
    [ "$lines" -gt 0 ] || problems+="no record printed; "
    head -n "$lines" "$WORK/clean.out" | cmp -s - "$WORK/out" ||
      problems+="stdout is not the start of the clean output; "
  else
    python3 -c '
import json, sys
part, full = (json.load(open(f)) for f in sys.argv[1:])
(section, records), = part.items()
assert records, "no record printed"
assert set(records) <= set(full[section]), "records that the clean run does not have"
' "$WORK/out" "$WORK/clean.out" 2>>"$WORK/err" || problems+="stdout is not some of the clean output's records; "
  fi
  if [ -z "$problems" ]; then
    tap_ok "vdpa $args, a reply lost mid-dump (ENOBUFS): exit 1, reported as incomplete"
  else
    tap_not_ok "vdpa $args, a reply lost mid-dump (ENOBUFS): $problems"
    tap_diag <"$WORK/err"
  fi
done

# Uevents dropped for real: a monitor with the smallest buffer, unread
# while a hundred devices come.
if output=$("$FAULTS" lost-events vdpasim_net 100 2>&1); then
  tap_ok "a monitor whose uevent buffer overflowed reports the loss and decodes on"
else
  tap_not_ok "a monitor whose uevent buffer overflowed reports the loss and decodes on"
fi
printf '%s\n' "$output" | tap_diag
# And vdpa monitor says so: its first receive loses an event with ENOBUFS.
: >"$WORK/injected"
LD_PRELOAD=$SHIM VDPA_FAULTS=enobufs=1 VDPA_FAULTS_LOG=$WORK/injected \
  "$VDPA" monitor >"$WORK/monitor" 2>"$WORK/monitor.err" &
monitor=$!
sleep 1
"$VDPA" dev add name lost0 mgmtdev vdpasim_net && "$VDPA" dev del lost0
sleep 1
kill -TERM $monitor
wait $monitor
status=$?
if [ $status = 0 ] && [ "$(injected)" = 1 ] &&
   [ "$(head -1 "$WORK/monitor")" = "lost events: the kernel dropped some before they were read" ] &&
   grep -qx 'dev del lost0' "$WORK/monitor"; then
  tap_ok "vdpa monitor prints the loss, then the events after it"
else
  tap_not_ok "vdpa monitor prints the loss, then the events after it"
  { echo "status $status"; cat "$WORK/monitor" "$WORK/monitor.err"; } | tap_diag
fi
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
