#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# valgrind memcheck finds no memory error and no leak in representative
# commands on the real kernel: dumps, single gets, changes, details from
# sysfs, errors, batch mode and the monitor.
set -u
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind is not installed"; exit 0; }
WORK=$(mktemp -d)
reset_state
"$VDPA" dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 || echo "Bail out! cannot add n0"
"$VDPA" dev add name b0 mgmtdev vdpasim_blk driver vhost_vdpa || echo "Bail out! cannot add b0"
printf 'dev add name n1 mgmtdev vdpasim_net\ndev show n1\ndev del n1\n' >"$WORK/batch"

memcheck() {  # EXPECTED_STATUS ARGS...
  local expected=$1; shift
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
    --error-exitcode=99 --log-file="$WORK/log" "$VDPA" "$@" >/dev/null 2>"$WORK/err"
  local status=$?
  if [ $status = "$expected" ] && [ ! -s "$WORK/log" ]; then tap_ok "memcheck: vdpa $*"
  else tap_not_ok "memcheck: vdpa $* (status $status)"; cat "$WORK/log" "$WORK/err" | tap_diag; fi
}
memcheck 0 mgmtdev show
memcheck 0 -jp dev show
memcheck 0 -d dev show
memcheck 0 -j -d dev show b0
memcheck 0 dev config show
memcheck 0 dev vstats show n0 qidx 0
memcheck 0 dev set name n0 mac 02:00:00:00:00:02 driver vhost_vdpa
memcheck 0 -b "$WORK/batch"
memcheck 1 dev show missing
memcheck 1 dev add name x mgmtdev vdpasim_net mac 00:11
# Refused while a process holds b0's character device, done once it let go.
chardev=$(ls -d /sys/bus/vdpa/devices/b0/vhost-vdpa-* 2>/dev/null | head -1)
sleep 600 3<>"/dev/${chardev##*/}" &
holder=$!
sleep 1
memcheck 1 dev del b0
kill $holder; wait $holder 2>/dev/null
memcheck 0 dev del b0

# The monitor until SIGTERM. valgrind starts slowly under TCG: a device
# comes and goes until the monitor reports it.
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --error-exitcode=99 --log-file="$WORK/log" "$VDPA" monitor >"$WORK/events" 2>"$WORK/err" &
pid=$!
for try in $(seq 1 60); do
  "$VDPA" dev add name probe mgmtdev vdpasim_net driver none && "$VDPA" dev del probe
  sleep 2
  grep -q "dev del probe" "$WORK/events" && break
done
kill -TERM $pid
wait $pid
status=$?
if [ $status = 0 ] && [ ! -s "$WORK/log" ] && grep -q "dev del probe" "$WORK/events"; then
  tap_ok "memcheck: vdpa monitor, events, SIGTERM"
else
  tap_not_ok "memcheck: vdpa monitor, events, SIGTERM (status $status)"
  cat "$WORK/log" "$WORK/err" "$WORK/events" | tap_diag
fi
rm -rf "$WORK"
reset_state
tap_done
