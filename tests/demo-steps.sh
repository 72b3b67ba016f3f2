#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The demonstration tests/demo.sh runs on a kernel with vDPA: each command
# is shown, then run.
set -u
VDPA=$1
step() { echo; echo "\$ vdpa $*"; "$VDPA" "$@"; }

# Simulator modules, where there is modprobe (not in the test VM, which
# loads them at boot).
# One at a time: a missing vdpa_sim_blk must not keep the others out.
for module in vdpa_sim_net vdpa_sim_blk virtio_vdpa; do
  modprobe -q "$module" 2>/dev/null || true
done

step -V
step mgmtdev show
if ! "$VDPA" mgmtdev show vdpasim_net >/dev/null 2>&1; then
  echo; echo "# No vdpasim_net management device here: stopping before creating devices."
  exit 0
fi
step dev add name demo0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 mtu 1400
step dev show
step -jp dev config show demo0
step dev vstats show demo0 qidx 0
step dev set name demo0 mac 02:00:00:00:00:02
step dev config show demo0
step dev del demo0
step dev show
