#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A VDUSE disk's life with our binary on a stock kernel (no simulator):
# qemu-storage-daemon serves it, `vdpa dev add ... mgmtdev vduse` puts it
# on the bus, virtio_vdpa makes it /dev/vdX (data written there lands in
# the daemon's file), vhost_vdpa makes it /dev/vhost-vdpa-N, then unbound,
# deleted, added straight to vhost_vdpa, deleted. Runs inside the VM.
set -u
. "$(dirname "$0")/lib.sh"
reset_state
WORK=$(mktemp -d)
NAME=qd0
MIB=16

# expect DESCRIPTION ERE COMMAND...: the command succeeds and its whole
# output (stdout and stderr) matches ERE.
expect() {
  local description=$1 pattern=$2 output; shift 2
  output=$("$@" 2>&1)
  local status=$?
  if [ $status = 0 ] && [[ $output =~ $pattern ]]; then tap_ok "$description"
  else tap_not_ok "$description"; printf 'status %s; output: %s\nexpected: %s\n' $status "$output" "$pattern" | tap_diag; fi
}

# The driver sysfs links the device to, or "none".
bound_to() {
  local driver
  for driver in /sys/bus/vdpa/drivers/*; do
    [ -e "$driver/$1" ] && { echo "${driver##*/}"; return; }
  done
  echo none
}

# wait_for TEST...: up to 10 s for a test to hold.
wait_for() { local try; for try in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; }

check "qemu-storage-daemon serves $NAME (VDUSE)" vduse_blk_export $NAME $MIB
check "dev add puts it on the vDPA bus" "$VDPA" dev add name $NAME mgmtdev vduse
expect "dev show lists it as a block device of vduse" \
  "^$NAME: type block mgmtdev vduse vendor_id [0-9]+ max_vqs [0-9]+ max_vq_size [0-9]+$" \
  "$VDPA" dev show $NAME
check "virtio_vdpa took it (the first bus driver loaded)" wait_for test "$(bound_to $NAME)" = virtio_vdpa
expect "-d dev show names the virtio device and its disk" \
  " driver virtio_vdpa virtio_device virtio[0-9]+ disk vd[a-z]+$" "$VDPA" -d dev show $NAME
disk=$("$VDPA" -d dev show $NAME | sed -n 's/.* disk \(vd[a-z]*\)$/\1/p')
check "/dev/$disk is a block device" wait_for test -b "/dev/${disk:-none}"
expect "config show: the capacity is the file's, $MIB MiB in 512-byte sectors" \
  "^$NAME: capacity $((MIB * 2048)) " "$VDPA" dev config show $NAME
# The data path: a block written through the disk is in the served file.
head -c 4096 /dev/urandom >"$WORK/block"
check "a 4 KiB block written at 1 MiB through /dev/$disk" \
  dd if="$WORK/block" of="/dev/${disk:-none}" bs=4096 seek=256 oflag=direct conv=notrunc status=none
check "lands in qemu-storage-daemon's file" \
  cmp "$WORK/block" <(dd if="$VDUSE_BLK_DIR/$NAME.img" bs=4096 skip=256 count=1 status=none)

check "dev set ... driver vhost_vdpa rebinds it" "$VDPA" dev set name $NAME driver vhost_vdpa
check "bound to vhost_vdpa" test "$(bound_to $NAME)" = vhost_vdpa
expect "-d dev show names its character device" \
  " driver vhost_vdpa driver_override vhost_vdpa chardev /dev/vhost-vdpa-[0-9]+ chardev_devnum [0-9]+:[0-9]+$" \
  "$VDPA" -d dev show $NAME
chardev=$("$VDPA" -d dev show $NAME | sed -n 's/.* chardev \(\/dev\/vhost-vdpa-[0-9]*\) .*/\1/p')
check "$chardev is a character device" test -c "${chardev:-/none}"
check "and /dev/$disk is gone" test ! -e "/dev/$disk"

check "dev set ... driver none unbinds it" "$VDPA" dev set name $NAME driver none
check "bound to nothing" test "$(bound_to $NAME)" = none
check "and $chardev is gone" test ! -e "$chardev"
check "dev del" "$VDPA" dev del $NAME
check "it is off the bus" test ! -e /sys/bus/vdpa/devices/$NAME
check "the VDUSE device stays, for the next add" test -c /dev/vduse/$NAME

check "dev add ... driver vhost_vdpa binds on creation" "$VDPA" dev add name $NAME mgmtdev vduse driver vhost_vdpa
check "bound to vhost_vdpa" test "$(bound_to $NAME)" = vhost_vdpa
expect "with a character device" " chardev /dev/vhost-vdpa-[0-9]+ " "$VDPA" -d dev show $NAME
check "dev del" "$VDPA" dev del $NAME

# VDUSE takes no provisioning attribute: the configuration is the server's.
output=$("$VDPA" dev add name $NAME mgmtdev vduse mac 02:00:00:00:00:01 2>&1); status=$?
if [ $status = 1 ] && [[ $output == *"kernel answers: Operation not supported"* ]] && [ ! -e /sys/bus/vdpa/devices/$NAME ]; then
  tap_ok "dev add with a MAC on vduse: the kernel refuses, nothing created"
else
  tap_not_ok "dev add with a MAC on vduse: the kernel refuses, nothing created"; echo "status $status: $output" | tap_diag
fi
vduse_blk_stop $NAME
check "the server stopped, its VDUSE device is gone" wait_for test ! -e /dev/vduse/$NAME
rm -rf "$WORK"
reset_state
tap_done
