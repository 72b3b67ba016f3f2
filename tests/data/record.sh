#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Records the unit tests' data from the real kernel. Run in the test VM with
# this directory writable (see README.md in this directory):
#
#   tests/vm/vmctl run -w tests/data -- tests/data/record.sh build/tests/nlrecord
#
# For each scenario it sets up kernel state with iproute2's vdpa, records
# libvdpa's netlink exchanges with nlrecord, and captures what iproute2
# prints for a list of commands on the same state (*.golden).
set -eu
NLRECORD=$(realpath "$1")
DATA=$(cd "$(dirname "$0")" && pwd)
REF=$VDPA_VM_IMAGE/iproute2/sbin/vdpa
cd "$DATA"

reset() {
  echo 1 > /sys/bus/vdpa/drivers_autoprobe
  local d
  for d in /sys/bus/vdpa/devices/*; do [ -e "$d" ] && "$REF" dev del "${d##*/}"; done
  return 0
}

# golden FILE ARGS-LINE...: iproute2's stdout, stderr and status for each
# command line, as length-prefixed blocks that keep every byte.
golden() {
  local file=$1; shift
  : > "$file"
  local line
  for line in "$@"; do
    eval "set -- $line"
    "$REF" "$@" > /tmp/golden.out 2> /tmp/golden.err && rc=0 || rc=$?
    { echo "@@ args: $line"; echo "@@ rc: $rc"
      echo "@@ stdout $(stat -c %s /tmp/golden.out)"; cat /tmp/golden.out
      echo "@@ stderr $(stat -c %s /tmp/golden.err)"; cat /tmp/golden.err; } >> "$file"
  done
}

# Scenario "sim": two net devices (one with MAC and MTU), a block device,
# all bound to virtio_vdpa so features are negotiated.
reset
"$REF" dev add name n0 mgmtdev vdpasim_net mac 00:11:22:33:44:55 mtu 1400
"$REF" dev add name n1 mgmtdev vdpasim_net
"$REF" dev add name b0 mgmtdev vdpasim_blk
sleep 1
"$NLRECORD" sim.nlrec \
  mgmtdev-dump mgmtdev-get:vdpasim_net mgmtdev-get:vdpasim_blk mgmtdev-get:nonexistent \
  dev-dump dev-get:n0 dev-get:b0 dev-get:missing \
  config-dump config-get:n0 config-get:n1 config-get:b0 config-get:missing \
  vstats:n0:0 vstats:n0:1 vstats:n0:2 vstats:n0:3 vstats:n0:32769 vstats:b0:0 vstats:missing:0 \
  set-mac:b0:00-11-22-33-44-66 set-mac:missing:00-11-22-33-44-66 \
  add:n0:vdpasim_net add:x:vdpasim_blk:mac=00-11-22-33-44-55 add:x:vdpasim_net:mtu=10 \
  add:x:vdpasim_net:max_vqp=0 add:x:nonexistent del:missing
golden sim.golden \
  "mgmtdev show" "-j mgmtdev show" "-jp mgmtdev show" "mgmtdev show vdpasim_net" \
  "-jp mgmtdev show vdpasim_blk" "mgmtdev show nonexistent" "-j mgmtdev show nonexistent" \
  "dev show" "-j dev show" "-jp dev show" "dev show n0" "-j dev show b0" "dev show missing" \
  "-j dev show missing" \
  "dev config show n0" "dev config show n1" "-j dev config show n0" "-jp dev config show n1" \
  "dev config show missing" "-jp dev config show missing" \
  "dev vstats show n0 qidx 1" "-jp dev vstats show n0 qidx 1" "dev vstats show n0 qidx 3" \
  "dev vstats show n0 qidx 32769" "dev vstats show b0 qidx 0" "dev vstats show missing qidx 0" \
  "dev set name b0 mac 00:11:22:33:44:66" "dev set name missing mac 00:11:22:33:44:66" \
  "dev add name n0 mgmtdev vdpasim_net" "dev add name x mgmtdev vdpasim_blk mac 00:11:22:33:44:55" \
  "dev add name x mgmtdev vdpasim_net mtu 10" "dev add name x mgmtdev vdpasim_net max_vqp 0" \
  "dev add name x mgmtdev nonexistent" "dev del missing"

# Scenario "unbound": a net device no driver negotiated features with.
reset
echo 0 > /sys/bus/vdpa/drivers_autoprobe
"$REF" dev add name u0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
"$NLRECORD" unbound.nlrec config-get:u0 config-dump vstats:u0:0
golden unbound.golden "dev config show u0" "-jp dev config show" "dev vstats show u0 qidx 0"

# Scenario "lifecycle": add, change and delete a device.
reset
"$NLRECORD" lifecycle.nlrec \
  add:t0:vdpasim_net:mac=00-11-22-33-44-55:mtu=1400 dev-get:t0 config-get:t0 \
  set-mac:t0:00-11-22-33-44-66 config-get:t0 del:t0 dev-get:t0
# Scenario "uevents": what the kernel announces during a device's life.
reset
python3 "$DATA/record_uevents.py" "$REF" uevents.rec
reset
echo "recorded on Linux $(uname -r) with $("$REF" -V)"
