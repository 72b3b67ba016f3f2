#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmarks vdpa against iproute2's vdpa on the real kernel, in one boot of
# the test VM, and prints the ratios. On a fresh Debian bookworm machine, as
# root: installs, builds, prepares the VM, runs (about 10 minutes).
#
#   bash bench/run.sh [--devices N] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
bash tests/vm/prepare.sh
# 1000 simulated net devices need about 1 GiB; leave the rest some room.
VM_MEM=${VM_MEM:-2048} VM_JOB_TIMEOUT=3600 VDPA_VM_SESSION=$PWD/build/bench-session \
  tests/vm/vmctl run -- python3 bench/bench.py "$PWD/build/vdpa/vdpa" \
  "$(readlink -f "${VDPA_VM_CACHE:-$HOME/.cache/vdpa-vm}/current")/iproute2/sbin/vdpa" \
  "$PWD/build/bench/nlloop" "$PWD/build/bench/peakrss" "$@"
VDPA_VM_SESSION=$PWD/build/bench-session tests/vm/vmctl stop
