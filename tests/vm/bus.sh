#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Beyond iproute2, on the real kernel: driver binding, details (-d), the
# in-use guard, block devices, and names that must never reach sysfs.
set -u
. "$(dirname "$0")/lib.sh"
reset_state
WORK=$(mktemp -d)

# field DEVICE KEY: one value of `vdpa -j -d dev show DEVICE`.
field() {
  "$VDPA" -j -d dev show "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin)["dev"]; print(next(iter(d.values())).get(sys.argv[1]))' "$2"
}
# details DEVICE: the line -d adds to `vdpa -d dev show DEVICE`.
details() {
  "$VDPA" -d dev show "$1" | sed -n 2p
}
# config_mac DEVICE: the MAC `vdpa dev config show` reports.
config_mac() {
  "$VDPA" -j dev config show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"][sys.argv[1]]["mac"])' "$1"
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
# eventually DESCRIPTION COMMAND...: COMMAND succeeds within 10 s.
eventually() {
  local description=$1 tries; shift
  for tries in $(seq 100); do
    if "$@"; then tap_ok "$description"; return 0; fi
    sleep 0.1
  done
  tap_not_ok "$description"
  return 1
}

# Several net devices on one parent, so finding "the" virtio device by
# taking the first one would go wrong. The driver is named: which one
# the kernel's autoprobe picks depends on the order modules were loaded.
for i in 1 2 3; do
  "$VDPA" dev add name other$i mgmtdev vdpasim_net mac 02:00:00:00:01:0$i driver virtio_vdpa
done

check "add with driver vhost_vdpa" "$VDPA" dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 driver vhost_vdpa
node=$(field n0 chardev)
devnum=$(cat /sys/bus/vdpa/devices/n0/vhost-vdpa-*/dev)
expect_eq "it is bound to vhost_vdpa" vhost_vdpa "$(field n0 driver)"
check "its character device node exists when the command returns" test -c "$node"
expect_eq "the node is the one sysfs names" "/dev/$(basename /sys/bus/vdpa/devices/n0/vhost-vdpa-*)" "$node"
expect_eq "-d -j shows the node's number as sysfs has it" "$devnum" "$(field n0 chardev_devnum)"
expect_eq "no virtio device while on vhost_vdpa" None "$(field n0 virtio_device)"
expect_eq "-d text shows the driver, character device and number" \
  "  min_vq_size 1 driver vhost_vdpa driver_override vhost_vdpa chardev $node chardev_devnum $devnum" \
  "$(details n0)"

check "move it to virtio_vdpa" "$VDPA" dev set name n0 driver virtio_vdpa
netdev=$(field n0 netdev)
virtio=$(field n0 virtio_device)
expect_eq "bound to virtio_vdpa" virtio_vdpa "$(field n0 driver)"
check "its netdev exists" test -d "/sys/class/net/$netdev"
expect_eq "the virtio device is the one under n0" \
  "$(basename "$(ls -d /sys/bus/vdpa/devices/n0/virtio*)")" "$virtio"
expect_eq "-d text shows the virtio device and netdev" \
  "  min_vq_size 1 driver virtio_vdpa driver_override virtio_vdpa virtio_device $virtio netdev $netdev" \
  "$(details n0)"
for d in n0 other1 other2 other3; do
  expect_eq "$d: its netdev's MAC is the one config show reports" \
    "$(config_mac $d)" "$(cat "/sys/class/net/$(field $d netdev)/address" 2>&1)"
done
distinct=$(for d in n0 other1 other2 other3; do field $d netdev; done | sort -u | wc -l)
expect_eq "four devices on one parent have four different netdevs" 4 "$distinct"

check "move it to none" "$VDPA" dev set name n0 driver none
expect_eq "unbound" None "$(field n0 driver)"
expect_eq "pinned unbound by driver_override" none "$(cat /sys/bus/vdpa/devices/n0/driver_override)"
expect_eq "-d text says driver none" "  min_vq_size 1 driver none driver_override none" "$(details n0)"
check "a driver probe leaves it unbound" bash -c 'echo n0 > /sys/bus/vdpa/drivers_probe; ! test -e /sys/bus/vdpa/devices/n0/driver'
check "mac and driver in one command" "$VDPA" dev set name n0 mac 02:00:00:00:00:0a driver virtio_vdpa
expect_eq "the new MAC reached the netdev" 02:00:00:00:00:0a "$(cat "/sys/class/net/$(field n0 netdev)/address")"
check "setting the driver it already has is fine" "$VDPA" dev set name n0 driver virtio_vdpa

# Block devices: the disk appears.
check "add a block device with driver virtio_vdpa" "$VDPA" dev add name b0 mgmtdev vdpasim_blk driver virtio_vdpa
disk=$(field b0 disk)
check "its disk exists when the command returns" test -b "/dev/$disk"
# The kernel's autoprobe may have bound it already, leaving no override.
override=$(sed -e '/^(null)$/d' -e 's/^/ driver_override /' /sys/bus/vdpa/devices/b0/driver_override)
expect_eq "-d text shows the virtio device and disk" \
  "  min_vq_size 1 driver virtio_vdpa$override virtio_device $(field b0 virtio_device) disk $disk" \
  "$(details b0)"
check "move the block device to vhost_vdpa" "$VDPA" dev set name b0 driver vhost_vdpa
check "its node exists" test -c "$(field b0 chardev)"
check "and back" "$VDPA" dev set name b0 driver virtio_vdpa
check "the disk is back" test -b "/dev/$(field b0 disk)"
check "block config show -j names virtio-blk fields" bash -c \
  '"$0" -j dev config show b0 | python3 -c "import json,sys; c=json.load(sys.stdin)[\"config\"][\"b0\"]; assert c[\"capacity\"]==262144 and c[\"blk_size\"]==512 and c[\"flush\"] is True and \"WRITE_ZEROES\" in c[\"negotiated_features\"]"' "$VDPA"
check "config show -d text adds device_features" bash -c '"$0" -d dev config show b0 | grep -q "^  device_features .*FLUSH"' "$VDPA"
check "config show -d -j adds device_features, and only with -d" bash -c \
  '"$0" -j -d dev config show b0 | python3 -c "import json,sys; assert \"FLUSH\" in json.load(sys.stdin)[\"config\"][\"b0\"][\"device_features\"]" &&
   "$0" -j dev config show b0 | python3 -c "import json,sys; assert \"device_features\" not in json.load(sys.stdin)[\"config\"][\"b0\"]"' "$VDPA"
check "mgmtdev show -d -j counts devices; a simulator has no bus and no driver" bash -c \
  '"$0" -j -d mgmtdev show vdpasim_net | python3 -c "import json,sys; m=json.load(sys.stdin)[\"mgmtdev\"][\"vdpasim_net\"]; assert m[\"devices\"]==4 and m[\"bus\"] is None and m[\"driver\"] is None, m"' "$VDPA"
expect_eq "mgmtdev show -d text, the same" "  bus none driver none devices 1" \
  "$("$VDPA" -d mgmtdev show vdpasim_blk | tail -n 1)"

# The in-use guard: a process holding /dev/vhost-vdpa-N (a VM would).
# hold NODE: starts `sleep` with NODE open as descriptor 3, in $holder,
# and waits until it really runs with the node open.
hold() {
  sleep 600 3<>"$1" & holder=$!
  eventually "the holder runs with $1 open" \
    bash -c '[ "$(cat /proc/$0/comm)" = sleep ] && [ "$(readlink /proc/$0/fd/3)" = "$1" ]' "$holder" "$1"
}
"$VDPA" dev set name n0 driver vhost_vdpa
node=$(field n0 chardev)
hold "$node"
expect_fail "unbinding a held device is refused, naming the holder" \
  "Error: device \"n0\" is in use: $node is held open by pid $holder (sleep).*" \
  "$VDPA" dev set name n0 driver virtio_vdpa
expect_fail "mac and driver on a held device: refused before anything changes" "*pid $holder (sleep)*" \
  "$VDPA" dev set name n0 mac 02:00:00:00:00:0b driver virtio_vdpa
expect_eq "the MAC did not change" 02:00:00:00:00:0a "$(config_mac n0)"
expect_fail "deleting a held device is refused, naming the holder" "*pid $holder (sleep)*Use -f*" \
  "$VDPA" dev del n0
expect_eq "still bound to vhost_vdpa" vhost_vdpa "$(field n0 driver)"

# -f goes ahead: the kernel takes the node away, then waits for the holder.
("$VDPA" -f dev set name n0 driver virtio_vdpa; echo $? > "$WORK/forced.rc") &
forced=$!
eventually "-f set proceeds: the node is gone" bash -c '! test -e "$0"' "$node"
check "and the kernel waits for the holder" bash -c 'kill -0 $0 && ! test -e "$1"' "$forced" "$WORK/forced.rc"
kill $holder; wait $forced
expect_eq "once the holder exits, the forced move completes" 0 "$(cat "$WORK/forced.rc")"
expect_eq "and the device is on virtio_vdpa" virtio_vdpa "$(field n0 driver)"

"$VDPA" dev set name n0 driver vhost_vdpa
node=$(field n0 chardev)
hold "$node"
rm -f "$WORK/forced.rc"
("$VDPA" -f dev del n0; echo $? > "$WORK/forced.rc") &
forced=$!
# No netlink until the holder is gone: the kernel holds its lock meanwhile.
eventually "-f del proceeds: the node is gone" bash -c '! test -e "$0"' "$node"
check "and the kernel waits for the holder" bash -c 'kill -0 $0 && ! test -e "$1"' "$forced" "$WORK/forced.rc"
kill $holder; wait $forced
expect_eq "once the holder exits, the forced delete completes" 0 "$(cat "$WORK/forced.rc")"
check "and the device is gone" bash -c '! test -e /sys/bus/vdpa/devices/n0'

# Names that must never become sysfs paths, and nothing written. Some
# would name n0 itself if they were joined to /sys/bus/vdpa/devices/.
"$VDPA" dev add name n0 mgmtdev vdpasim_net driver virtio_vdpa
before=$(kernel_state)
for name in ../n0 n0/.. .. . '' "$(printf 'x%.0s' $(seq 256))" \
            ../devices/n0 ../../../devices/n0 ../drivers/virtio_vdpa/n0; do
  shown=$(printf %q "${name:0:24}")
  expect_fail "dev set refuses name $shown" "*device name*" "$VDPA" dev set name "$name" driver none
  expect_fail "dev add ... driver refuses name $shown" "*device name*" \
    "$VDPA" dev add name "$name" mgmtdev vdpasim_net driver none
  expect_fail "dev del refuses name $shown" "*device name*" "$VDPA" dev del "$name"
  expect_fail "-d dev show refuses name $shown" "*device name*" "$VDPA" -d dev show "$name"
done
# A control character is refused in a new name only: another tool may have
# made a device so named, and it is looked up as it is.
expect_fail "dev add ... driver refuses a new name with a newline" "*device name*control character*" \
  "$VDPA" dev add name $'n\n0' mgmtdev vdpasim_net driver none
expect_fail "dev set looks a name with a newline up as it is" \
  'Error: there is no vDPA device "n\\x0a0".' "$VDPA" dev set name $'n\n0' driver none
expect_fail "unknown device" 'Error: there is no vDPA device "nope".' "$VDPA" dev set name nope driver none
expect_fail "unknown driver" 'invalid driver "vfio"*' "$VDPA" dev set name n0 driver vfio
expect_eq "the kernel state did not change" "$before" "$(kernel_state)"

# Not in the initial network namespace: the family is invisible, and the
# message says so instead of blaming the module.
expect_fail "a non-initial network namespace is told apart from a missing module" \
  "Error: the vdpa bus exists but its generic netlink family is not visible*initial network namespace*" \
  unshare -n "$VDPA" mgmtdev show
reset_state
rm -rf "$WORK"
tap_done
