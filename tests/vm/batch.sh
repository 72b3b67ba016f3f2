#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Batch mode on the real kernel: many commands, one process, one socket.
set -u
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d)

expect() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then tap_ok "$1"; else tap_not_ok "$1"; diff <(echo "$2") <(echo "$3") | tap_diag; fi
}
devices() { vdpa_devices | sort | tr '\n' ' '; }

reset_state
# Read as `ip -batch` reads it: '#' cuts anywhere, a continuation joins
# lines as they are, and a failure names the command's last line.
cat >"$WORK/ok.batch" <<'B'
# A comment line, and a blank one

dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01   # a trailing comment
dev add name "sp ace" mgmtdev vdpasim_net
dev add name 'qu"ote' mgmtdev vdpasim_net
dev add name b0 \
        mgmtdev vdpasim_blk
dev add name c0 mgmtdev vdpasim_net#mid-word
dev add name j\
0 mgmtdev vdpa\
sim_net
dev set name n0 \
  mtu 1400 mac 02:00:00:00:00:02
dev add name after mgmtdev vdpasim_net
B
# (the second command from the end is wrong on purpose: dev set has no mtu)
output=$("$VDPA" -b "$WORK/ok.batch" 2>&1); status=$?
expect "lines before the failing one took effect" "b0 c0 j0 n0 qu\"ote sp ace " "$(devices)"
expect "the failure names the file and the command's last line" "Unknown option \"mtu\"
Command failed $WORK/ok.batch:13" "$output"
expect "and the status is 1" 1 "$status"

reset_state
printf 'dev add name a mgmtdev vdpasim_net\ndev del nonexistent\ndev add name b mgmtdev vdpasim_net\n' >"$WORK/middle.batch"
output=$("$VDPA" -b "$WORK/middle.batch" 2>&1); status=$?
expect "without -force, it stops at the failing middle line" "a " "$(devices)"
expect "naming the kernel's error and the line" "Error: vdpa: device not found.
kernel answers: No such device
Command failed $WORK/middle.batch:2" "$output"
expect "status 1" 1 "$status"

reset_state
output=$("$VDPA" -batch "$WORK/middle.batch" -force 2>&1); status=$?
expect "with -force, it goes on past it" "a b " "$(devices)"
expect "still reporting it" "Error: vdpa: device not found.
kernel answers: No such device
Command failed $WORK/middle.batch:2" "$output"
expect "and exits 1" 1 "$status"

reset_state
output=$(printf 'dev add name s0 mgmtdev vdpasim_net\ndev show s0\n' | "$VDPA" -b - 2>&1); status=$?
expect "stdin with -b -" "s0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256" "$output"
expect "status 0" 0 "$status"

output=$(printf 'dev show s0\ndev add name s1 mgmtdev vdpasim_net\nmgmtdev show vdpasim_blk\ndev config show s1\n' | "$VDPA" -j -b - 2>&1)
expect "-j prints one JSON document per command that has output" \
'{"dev":{"s0":{"type":"network","mgmtdev":"vdpasim_net","vendor_id":0,"max_vqs":3,"max_vq_size":256}}}
{"mgmtdev":{"vdpasim_blk":{"supported_classes":["block"],"max_supported_vqs":0,"dev_features":[]}}}
{"config":{"s1":{"mac":"00:00:00:00:00:00","link ":"up","link_announce ":false,"mtu":1500,"negotiated_features":["MTU","MAC","STATUS","CTRL_VQ","CTRL_MAC_ADDR","VERSION_1","ACCESS_PLATFORM"]}}}' "$output"

# Every kind of command works in a batch, -d and driver binding included.
reset_state
cat >"$WORK/all.batch" <<'B'
mgmtdev show vdpasim_net
dev add name n0 mgmtdev vdpasim_net driver vhost_vdpa
dev set name n0 driver virtio_vdpa mac 02:00:00:00:00:09
dev config show n0
dev vstats show n0 qidx 1
dev show
dev del n0
help
dev help
B
output=$("$VDPA" -d -b "$WORK/all.batch" 2>/dev/null); status=$?
expect "a batch of every command succeeds" 0 "$status"
check "with their output" bash -c '[[ "$0" == *"bus none driver none devices 0"*"mac 02:00:00:00:00:09"*"queue_type tx"* ]]' "$output"
expect "and the state it leaves" "" "$(devices)"

reset_state
output=$(printf 'dev add name "x mgmtdev vdpasim_net\ndev add name y mgmtdev vdpasim_net\n' |
  "$VDPA" -force -b - 2>&1); status=$?
expect "an unterminated quote ends the batch, even with -force" \
  "Unterminated quoted string"$'\n'"Command failed -:1" "$output"
expect "with status 1" 1 "$status"
expect "and nothing was created" "" "$(devices)"
output=$(printf 'dev add name "x#y" mgmtdev vdpasim_net\n' | "$VDPA" -b - 2>&1)
expect "a '#' inside quotes cuts the line too" "Unterminated quoted string"$'\n'"Command failed -:1" "$output"

output=$(printf 'dev add name m0 mgmtdev vdpasim_net\ndev add name m1 \\\n' | "$VDPA" -b - 2>&1); status=$?
expect "a continuation at the end of the file is missing its line" \
  "Missing continuation line"$'\n'"Command failed -:2" "$output"
expect "status 1" 1 "$status"
expect "the lines before it took effect" "m0 " "$(devices)"

# With -b, -f keeps going and nothing more: a device a process holds open
# is forced only by its own line's -f.
reset_state
"$VDPA" dev add name h0 mgmtdev vdpasim_net driver vhost_vdpa
node=$(printf '/dev/%s' "$(cd /sys/bus/vdpa/devices/h0 && ls -d vhost-vdpa-*)")
sleep 600 3<>"$node" & holder=$!
sleep 0.5
printf 'dev set name h0 driver virtio_vdpa\ndev del h0\ndev add name z0 mgmtdev vdpasim_net\n' >"$WORK/held.batch"
output=$("$VDPA" -force -b "$WORK/held.batch" 2>&1); status=$?
check "-force goes past the lines that would pull h0 from under its holder" \
  bash -c '[[ "$0" == *"is held open by pid"*"Put -f on the line"*"Command failed $1:1"*"is held open by pid"*"Command failed $1:2" ]]' \
  "$output" "$WORK/held.batch"
expect "exits 1" 1 "$status"
expect "and h0 is still there, z0 added" "h0 z0 " "$(devices)"
expect "h0 still on vhost_vdpa" vhost_vdpa "$(basename "$(readlink /sys/bus/vdpa/devices/h0/driver)")"
# The kernel makes a forced delete wait for the holder to close.
(printf 'dev del h0 -f\n' | "$VDPA" -b -; echo $? >"$WORK/forced.rc") &
forced=$!
sleep 2
expect "a line's -f goes ahead, and the kernel waits for the holder" "" "$(cat "$WORK/forced.rc" 2>/dev/null)"
kill $holder; wait $forced
expect "once the holder exits, the forced delete completes" 0 "$(cat "$WORK/forced.rc")"
expect "and h0 is gone" "z0 " "$(devices)"
output=$(printf -- '-j dev show\n' | "$VDPA" -b - 2>&1); status=$?
expect "other options are refused on a line" "Only -f can be given on a batch line: the other options apply to the whole batch (vdpa [ OPTIONS ] -b FILE).
Command failed -:1" "$output"

# Output nobody can read is an error, and ends the batch.
output=$(printf 'dev show\ndev add name w0 mgmtdev vdpasim_net\n' | "$VDPA" -j -b - 2>&1 >/dev/full); status=$?
expect "a batch writing to a full disk says so" "Error: cannot write the output: No space left on device." "$output"
expect "exits 1" 1 "$status"
expect "and stops there" "z0 " "$(devices)"

rm -rf "$WORK"
reset_state
tap_done
