#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The VDUSE part of the demonstration tests/demo.sh runs: a plain file
# becomes a virtio disk that vdpa serves itself. Needs only the stock
# modules vduse and virtio_vdpa (Debian's 6.12 and later have them), no
# simulator or vDPA hardware. Each command is shown, then run.
set -u
VDPA=$1
step() { echo; echo "\$ vdpa $*"; "$VDPA" "$@"; }
show() { echo; echo "\$ $*"; "$@"; }

for module in vduse virtio_vdpa; do
  modprobe -q "$module" 2>/dev/null || true
done
if [ ! -e /dev/vduse/control ]; then
  echo; echo "# No /dev/vduse/control here (kernel module vduse): no file-backed disk."
  exit 0
fi

work=$(mktemp -d)
trap '"$VDPA" dev del demo-disk >/dev/null 2>&1; rm -rf "$work"' EXIT
image=$work/disk.img
printf 'written into the file before the disk existed\n' > "$image"
truncate -s 64M "$image"

step dev add name demo-disk mgmtdev vduse file "$image" driver virtio_vdpa
step -d dev show demo-disk
disk=$(ls /sys/bus/vdpa/devices/demo-disk/virtio*/block 2>/dev/null)
if [ -z "$disk" ]; then
  echo "# No disk appeared for demo-disk." >&2
  exit 1
fi
show head -n 1 "/dev/$disk"
echo; echo "\$ echo 'written through /dev/$disk' | dd of=/dev/$disk bs=4k seek=256 conv=sync oflag=direct"
echo "written through /dev/$disk" |
  dd of="/dev/$disk" bs=4k seek=256 conv=sync oflag=direct status=none
show bash -c "dd if='$image' bs=4k skip=256 count=1 status=none | head -n 1"
step dev del demo-disk
step dev show
