#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The test bed itself: the VM runs the backports kernel with the vDPA bus,
# the simulators, VDUSE and both bus drivers, and the reference peer runs.
set -u
. "$(dirname "$0")/lib.sh"

echo "# kernel: $(uname -r)"
echo "# modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
echo "# reference: $("$REF" -V)"
echo "# ours: $("$VDPA" -V)"
check "kernel is 6.12" bash -c '[[ "$(uname -r)" == 6.12.* ]]'
# Every byte-for-byte comparison is against this version's behaviour.
check "the reference peer is iproute2 6.15" bash -c '
  version=$("$0" -V 2>&1)
  [[ "$version" == "vdpa utility, iproute2-6.15"* ]] ||
    { echo "$0 is \"$version\", not iproute2 6.15: run tests/vm/prepare.sh again"; exit 1; }' "$REF"
for module in vdpa vdpa_sim vdpa_sim_net vdpa_sim_blk vduse virtio_vdpa vhost_vdpa; do
  check "module $module is loaded" grep -q "^$module " /proc/modules
done
check "the vdpa bus exists" test -d /sys/bus/vdpa
for driver in virtio_vdpa vhost_vdpa; do
  check "bus driver $driver is registered" test -d /sys/bus/vdpa/drivers/$driver
done
check "iproute2 lists the simulators" bash -c '"$0" mgmtdev show | grep -q "^vdpasim_net: "' "$REF"
tap_done
