#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The test bed on a stock Debian kernel, nothing built out of tree:
#   stock-boot.sh newest     trixie-backports' newest kernel: the vDPA bus,
#                            VDUSE and both bus drivers as Debian's modules,
#                            no simulator; qemu-storage-daemon serves disks
#   stock-boot.sh bookworm   bookworm's 6.1, built without CONFIG_VDPA: no
#                            vDPA module exists for it at all
# The kernel is the one the image was prepared for (its stamp), and the
# reference peer is iproute2 6.15 on every kernel.
set -u
. "$(dirname "$0")/lib.sh"
KIND=$1

echo "# kernel: $(uname -r)"
echo "# image: $(cat "$VDPA_VM_IMAGE/stamp")"
echo "# modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
echo "# reference: $("$REF" -V)"
echo "# ours: $("$VDPA" -V)"
read -r _ _ kernel _ <"$VDPA_VM_IMAGE/stamp"
check "the kernel is the image's, $kernel" test "$(uname -r)" = "$kernel"
check "the reference peer is iproute2 6.15" bash -c '
  version=$("$0" -V 2>&1)
  [[ "$version" == "vdpa utility, iproute2-6.15"* ]] || { echo "$0 is \"$version\""; exit 1; }' "$REF"
INDEX=/lib/modules/$(uname -r)/modules.dep
check "the kernel's module index is in place" test -s "$INDEX"
# A module exists for this kernel when its index lists it.
module_exists() { grep -qE "(^|/)$1\.ko(\.[a-z]+)?:" "$INDEX"; }

case "$KIND" in
  newest)
    check "the kernel is newer than the simulators' 6.12" bash -c '
      [ "$(printf "%s\n" 6.12.999 "$(uname -r)" | sort -V | tail -n 1)" = "$(uname -r)" ]'
    for module in vdpa vduse virtio_vdpa vhost_vdpa; do
      check "module $module is loaded" grep -q "^$module " /proc/modules
    done
    for module in vdpa_sim vdpa_sim_net vdpa_sim_blk; do
      check "stock: no $module module for this kernel" bash -c '! grep -qE "(^|/)$0\.ko" "$1"' "$module" "$INDEX"
    done
    check "the vdpa bus exists" test -d /sys/bus/vdpa
    for driver in virtio_vdpa vhost_vdpa; do
      check "bus driver $driver is registered" test -d /sys/bus/vdpa/drivers/$driver
    done
    check "iproute2 lists vduse as the only management device" \
      bash -c '[ "$("$0" mgmtdev show | grep -c "^[^ ]*:")" = 1 ] && "$0" mgmtdev show | grep -q "^vduse: "' "$REF"
    check "VDUSE's control device exists" test -c /dev/vduse/control
    check "qemu-storage-daemon is there to serve disks" command -v qemu-storage-daemon ;;
  bookworm)
    check "the kernel is 6.1" bash -c '[[ "$(uname -r)" == 6.1.* ]]'
    for module in vdpa vduse virtio_vdpa vhost_vdpa; do
      check "no $module module exists for this kernel" bash -c '! grep -qE "(^|/)$0\.ko" "$1" "${1%.dep}.builtin"' "$module" "$INDEX"
    done
    check "but its index lists other modules (tun)" module_exists tun
    check "no vdpa bus" test ! -e /sys/bus/vdpa ;;
  *) echo "Bail out! stock-boot.sh newest|bookworm, not $KIND"; exit 1 ;;
esac
tap_done
