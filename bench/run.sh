#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmarks vdpa against iproute2's vdpa on the real kernel, in one boot of
# the test VM, and prints the ratios. On a fresh Debian bookworm machine, as
# root: installs, builds, prepares the VM, runs (about 15 minutes).
#
#   bash bench/run.sh [--devices N] [--rounds R]
#
# What it prints is also kept in bench/results/DATE.txt (RESULTS=FILE to
# choose another): the README quotes such a file, committed.
#
# Builds in its own directory, build-bench, configured as the project's
# default (debugoptimized, -O2 as distributions build) without sanitizers
# or tests, whatever `build` holds. The VM image comes from the same cache
# as tests/vm/prepare.sh and vmctl use: $VDPA_VM_CACHE, else
# $XDG_CACHE_HOME/vdpa-vm, else ~/.cache/vdpa-vm.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
BUILD=build-bench
CONFIG=(--buildtype=debugoptimized -Db_sanitize=none -Db_coverage=false -Dtests=disabled)
if [ -d "$BUILD" ]; then
  meson configure "$BUILD" "${CONFIG[@]}" >/dev/null
else
  meson setup "$BUILD" "${CONFIG[@]}" >/dev/null
fi
meson compile -C "$BUILD" >/dev/null
bash tests/vm/prepare.sh
CACHE=${VDPA_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdpa-vm}
SESSION=$PWD/$BUILD/vm-session
RESULTS=${RESULTS:-bench/results/$(date +%F).txt}
mkdir -p "$(dirname "$RESULTS")"
# 1000 simulated net devices need about 1 GiB; leave the rest some room.
VM_MEM=${VM_MEM:-2048} VM_JOB_TIMEOUT=3600 VDPA_VM_SESSION=$SESSION \
  tests/vm/vmctl run -- python3 bench/bench.py "$PWD/$BUILD/vdpa/vdpa" \
  "$(readlink -f "$CACHE/kernel-sim")/iproute2/sbin/vdpa" "$PWD/$BUILD/bench" "$@" | tee "$RESULTS"
VDPA_VM_SESSION=$SESSION tests/vm/vmctl stop
