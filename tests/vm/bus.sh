#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Beyond iproute2, on the real kernel: driver binding, details (-d), the
# in-use guard, block devices, and names that must never reach sysfs.
set -u
. "$(dirname "$0")/lib.sh"
reset_state

# field DEVICE KEY: one value of `vdpa -j -d dev show DEVICE`.
field() {
  "$VDPA" -j -d dev show "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin)["dev"]; print(next(iter(d.values())).get(sys.argv[1]))' "$2"
}
expect_eq() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then tap_ok "$1"; else tap_not_ok "$1"; echo "expected [$2], got [$3]" | tap_diag; fi
}
expect_fail() {  # DESCRIPTION MESSAGE-PATTERN COMMAND...
  local description=$1 pattern=$2 output status; shift 2
  output=$("$@" 2>&1); status=$?
  if [ $status = 1 ] && [[ "$output" == $pattern ]]; then tap_ok "$description"
  else tap_not_ok "$description"; echo "status $status: $output" | tap_diag; fi
}

# Several net devices on one parent, so finding "the" virtio device by
# taking the first one would go wrong.
for i in 1 2 3; do "$VDPA" dev add name other$i mgmtdev vdpasim_net mac 02:00:00:00:01:0$i; done

check "add with driver vhost_vdpa" "$VDPA" dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 driver vhost_vdpa
node=$(field n0 chardev)
expect_eq "it is bound to vhost_vdpa" vhost_vdpa "$(field n0 driver)"
check "its character device node exists when the command returns" test -c "$node"
expect_eq "-d shows the node's number as sysfs has it" \
  "$(cat /sys/bus/vdpa/devices/n0/vhost-vdpa-*/dev)" "$(field n0 chardev_devnum)"
expect_eq "no virtio device while on vhost_vdpa" None "$(field n0 virtio_device)"

check "move it to virtio_vdpa" "$VDPA" dev set name n0 driver virtio_vdpa
netdev=$(field n0 netdev)
expect_eq "bound to virtio_vdpa" virtio_vdpa "$(field n0 driver)"
check "its netdev exists" test -d "/sys/class/net/$netdev"
expect_eq "the netdev's MAC is the one config show reports" \
  "$("$VDPA" -j dev config show n0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["n0"]["mac"])')" \
  "$(cat "/sys/class/net/$netdev/address")"
expect_eq "the virtio device is the one under n0" \
  "$(basename "$(ls -d /sys/bus/vdpa/devices/n0/virtio*)")" "$(field n0 virtio_device)"
distinct=$(for d in n0 other1 other2 other3; do field $d netdev; done | sort -u | wc -l)
expect_eq "four devices on one parent have four different netdevs" 4 "$distinct"
check "-d text shows it" bash -c '"$0" -d dev show n0 | grep -q "driver virtio_vdpa driver_override virtio_vdpa virtio_device virtio[0-9]* netdev '"$netdev"'"' "$VDPA"

check "move it to none" "$VDPA" dev set name n0 driver none
expect_eq "unbound" None "$(field n0 driver)"
expect_eq "pinned unbound by driver_override" none "$(cat /sys/bus/vdpa/devices/n0/driver_override)"
check "a driver probe leaves it unbound" bash -c 'echo n0 > /sys/bus/vdpa/drivers_probe; ! test -e /sys/bus/vdpa/devices/n0/driver'
check "mac and driver in one command" "$VDPA" dev set name n0 mac 02:00:00:00:00:0a driver virtio_vdpa
expect_eq "the new MAC reached the netdev" 02:00:00:00:00:0a "$(cat "/sys/class/net/$(field n0 netdev)/address")"
check "setting the driver it already has is fine" "$VDPA" dev set name n0 driver virtio_vdpa

# Block devices: the disk appears.
check "add a block device with driver virtio_vdpa" "$VDPA" dev add name b0 mgmtdev vdpasim_blk driver virtio_vdpa
disk=$(field b0 disk)
check "its disk exists when the command returns" test -b "/dev/$disk"
check "move the block device to vhost_vdpa" "$VDPA" dev set name b0 driver vhost_vdpa
check "its node exists" test -c "$(field b0 chardev)"
check "and back" "$VDPA" dev set name b0 driver virtio_vdpa
check "the disk is back" test -b "/dev/$(field b0 disk)"
check "block config show -j names virtio-blk fields" bash -c \
  '"$0" -j dev config show b0 | python3 -c "import json,sys; c=json.load(sys.stdin)[\"config\"][\"b0\"]; assert c[\"capacity\"]==262144 and c[\"blk_size\"]==512 and c[\"flush\"] is True and \"WRITE_ZEROES\" in c[\"negotiated_features\"]"' "$VDPA"
check "config show -d adds device_features" bash -c '"$0" -d dev config show b0 | grep -q "^  device_features .*FLUSH"' "$VDPA"
check "mgmtdev show -d counts devices" bash -c \
  '"$0" -j -d mgmtdev show vdpasim_net | python3 -c "import json,sys; m=json.load(sys.stdin)[\"mgmtdev\"][\"vdpasim_net\"]; assert m[\"devices\"]==4 and m[\"bus\"] is None, m"' "$VDPA"

# The in-use guard: a process holding /dev/vhost-vdpa-N (a VM would).
"$VDPA" dev set name n0 driver vhost_vdpa
node=$(field n0 chardev)
sleep 600 3<>"$node" & holder=$!
sleep 0.5
expect_fail "unbinding a held device is refused, naming the holder" \
  "Error: device \"n0\" is in use: $node is held open by pid $holder (sleep).*" \
  "$VDPA" dev set name n0 driver virtio_vdpa
expect_fail "deleting a held device is refused, naming the holder" "*pid $holder (sleep)*Use -f*" \
  "$VDPA" dev del n0
expect_eq "still bound to vhost_vdpa" vhost_vdpa "$(field n0 driver)"
# The kernel makes a forced unbind wait for the holder to close.
("$VDPA" -f dev set name n0 driver virtio_vdpa; echo $? > /tmp/forced.rc) &
forced=$!
sleep 2
expect_eq "-f proceeds, and the kernel waits for the holder" "" "$(cat /tmp/forced.rc 2>/dev/null)"
kill $holder; wait $forced
expect_eq "once the holder exits, the forced move completes" 0 "$(cat /tmp/forced.rc)"
expect_eq "and the device is on virtio_vdpa" virtio_vdpa "$(field n0 driver)"
rm -f /tmp/forced.rc

# Names that must never become sysfs paths, and nothing written.
before=$(kernel_state)
for name in ../n0 n0/.. .. . '' "$(printf 'x%.0s' $(seq 256))" $'n\n0'; do
  expect_fail "refused name $(printf %q "${name:0:20}")" "*device name*" "$VDPA" dev set name "$name" driver none
done
expect_fail "unknown device" 'Error: there is no vDPA device "nope".' "$VDPA" dev set name nope driver none
expect_fail "unknown driver" 'invalid driver "vfio"*' "$VDPA" dev set name n0 driver vfio
expect_eq "the kernel state did not change" "$before" "$(kernel_state)"

# Not in the initial network namespace: the family is invisible, and the
# message says so instead of blaming the module.
expect_fail "a non-initial network namespace is told apart from a missing module" \
  "Error: the vdpa bus exists but its generic netlink family is not visible*initial network namespace*" \
  unshare -n "$VDPA" mgmtdev show
reset_state
tap_done
