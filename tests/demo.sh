#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Quick start: build vdpa and watch it manage devices on a real kernel. On
# a host whose kernel has vDPA it runs here; otherwise it boots the test VM
# (a Debian 6.12 kernel with the vDPA simulators) and runs there. Run as
# root on Debian bookworm; it installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
VDPA=$PWD/build/vdpa/vdpa

if [ -d /sys/bus/vdpa ] || modprobe -q vdpa 2>/dev/null; then
  echo "# This host's kernel has vDPA: running here."
  bash tests/demo-steps.sh "$VDPA"
else
  echo "# This host's kernel has no vDPA: running in the test VM (first run builds it, ~1 min)."
  bash tests/vm/prepare.sh
  tests/vm/vmctl run -- tests/demo-steps.sh "$VDPA"
  tests/vm/vmctl stop
fi
