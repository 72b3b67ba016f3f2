#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# In the VM: the program built against the installed libvdpa (ops.cpp)
# adds, rebinds, changes and deletes a vdpasim_net device, and is refused,
# the holder named, while a process holds its /dev/vhost-vdpa-N open.
# One line per check, "PASS: what" or "FAIL: what" with indented details;
# exit 1 if any failed.
#
#   ops-vm.sh OPS VDPA
set -u
OPS=$1 VDPA=$2
NAME=libops0
failures=0
holder=

# result STATUS DESCRIPTION [DETAIL...]
result() {
  local status=$1 description=$2; shift 2
  if [ "$status" = 0 ]; then echo "PASS: $description"
  else
    echo "FAIL: $description"
    printf '%s\n' "$@" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  "$VDPA" dev del "$NAME" -f 2>/dev/null
}
trap cleanup EXIT
bound_to() { [ "$(basename "$(readlink "/sys/bus/vdpa/devices/$NAME/driver")")" = "$1" ]; }

out=$("$OPS" add "$NAME" vdpasim_net vhost_vdpa 2>&1)
node=$(sed -n 's/^vhost //p' <<<"$out")
[ -n "$node" ] && [ -c "$node" ] && bound_to vhost_vdpa && "$VDPA" dev show "$NAME" >/dev/null
result $? "add with driver vhost_vdpa: the device exists, bound, with its node ($node)" "$out"

out=$("$OPS" bind "$NAME" virtio_vdpa 2>&1)
grep -qx 'driver virtio_vdpa' <<<"$out" && grep -q '^virtio virtio' <<<"$out" && bound_to virtio_vdpa
result $? "rebind to virtio_vdpa: bound, its virtio device named" "$out"

out=$("$OPS" bind "$NAME" vhost_vdpa 2>&1)
node=$(sed -n 's/^vhost //p' <<<"$out")
[ -n "$node" ] && [ -c "$node" ] && bound_to vhost_vdpa
result $? "rebind to vhost_vdpa: bound, its node back ($node)" "$out"

out=$("$OPS" mac "$NAME" 00:11:22:33:44:66 2>&1)
shown=$("$OPS" show "$NAME" 2>&1)
grep -qx 'mac changed: yes' <<<"$out" && grep -qx 'mac 00:11:22:33:44:66' <<<"$shown" &&
  "$VDPA" dev config show "$NAME" | grep -q 'mac 00:11:22:33:44:66'
result $? "change the MAC address" "$out" "$shown"

# A process holding the node open, as QEMU would.
sleep 600 <>"$node" &
holder=$!
for _ in $(seq 50); do
  [ "$(readlink "/proc/$holder/fd/0")" = "$node" ] && break
  sleep 0.1
done

out=$("$OPS" del "$NAME" 2>&1)
status=$?
[ "$status" = 3 ] && grep -q "^refused: in_use: .*$node is held open by pid $holder (sleep)" <<<"$out" &&
  grep -qx "holder $holder sleep" <<<"$out" && "$VDPA" dev show "$NAME" >/dev/null
result $? "delete of the held device refused, the holder named, the device still there" \
  "status $status" "$out"

out=$("$OPS" bind "$NAME" virtio_vdpa 2>&1)
status=$?
[ "$status" = 3 ] && grep -q "^refused: in_use: .*is held open by pid $holder (sleep)" <<<"$out" &&
  bound_to vhost_vdpa
result $? "unbind of the held device refused, the holder named, still on vhost_vdpa" \
  "status $status" "$out"

kill "$holder"
wait "$holder" 2>/dev/null
holder=

out=$("$OPS" del "$NAME" 2>&1)
status=$?
[ "$status" = 0 ] && ! "$VDPA" dev show "$NAME" >/dev/null 2>&1
result $? "delete once nobody holds it" "status $status" "$out"

[ "$failures" = 0 ]
