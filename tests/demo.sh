#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Quick start: build vdpa and watch it manage devices on a real kernel. On
# a host whose kernel has the vDPA net simulator (vdpa_sim_net) or vduse
# (loaded or loadable) it runs here: simulated devices where there are
# simulators, and a disk vdpa serves from a file where there is vduse;
# otherwise it boots the test VM (a Debian 6.12 kernel with the vDPA
# simulators and vduse) and runs both there. Run as root on Debian
# bookworm; it installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
VDPA=$PWD/build/vdpa/vdpa

# A kernel can have vdpa.ko without the simulators (Debian's stock 6.1
# does): the demonstration needs vdpasim_net to create devices.
simulator_available() {
  [ -d /sys/module/vdpa_sim_net ] || modprobe -n -q vdpa_sim_net 2>/dev/null
}

loaded_modules() { cut -d' ' -f1 /proc/modules | sort; }

# Unloads the modules loaded since BEFORE (the demo's simulators, the bus
# and what binding devices pulled in), leaving those that were there.
# rmmod, not modprobe -r, which would also take out unused dependencies
# that were loaded before; rounds, because a module goes only once
# nothing uses it.
unload_modules_since() {
  local before=$1 added round module progress
  added=$(comm -13 <(printf '%s\n' "$before") <(loaded_modules))
  for round in 1 2 3 4 5 6 7 8; do
    progress=0
    for module in $added; do
      grep -q "^$module " /proc/modules && rmmod "$module" 2>/dev/null && progress=1
    done
    [ $progress = 1 ] || break
  done
  local left
  left=$(comm -12 <(printf '%s\n' "$added") <(loaded_modules) | tr '\n' ' ')
  [ -z "$left" ] || echo "# Still loaded (in use): $left"
}

# Stock kernels from Debian's 6.12 on have vduse without any simulator:
# there the demonstration serves a file-backed disk, on this host.
vduse_available() {
  [ -e /dev/vduse/control ] || modprobe -n -q vduse 2>/dev/null
}

if simulator_available || vduse_available; then
  echo "# This host's kernel has vDPA (simulators or vduse): running here."
  BEFORE=$(loaded_modules)
  trap 'unload_modules_since "$BEFORE"' EXIT
  simulator_available && bash tests/demo-steps.sh "$VDPA"
  bash tests/demo-vduse-steps.sh "$VDPA"
else
  echo "# This host's kernel has no vDPA: running in the test VM (first run builds it, ~1 min)."
  bash tests/vm/prepare.sh
  tests/vm/vmctl run -- tests/demo-steps.sh "$VDPA"
  tests/vm/vmctl run -- tests/demo-vduse-steps.sh "$VDPA"
  tests/vm/vmctl stop
fi
