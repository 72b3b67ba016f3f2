#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vdpa state apply with TAP-backed VDUSE NICs (the network server vdpa
# starts itself, as `dev add ... mgmtdev vduse tap IFNAME` does): created
# by apply with the MAC and MTU asked for, on a TAP it makes or one that
# exists; a second apply changes nothing; state show names them (tap,
# mac, mtu, queue_size) and its output applied back plans nothing; a
# killed server is restarted by apply and the new one takes the device
# over; another MAC recreates the NIC (the vduse management device cannot
# set one); prune deletes them with their servers and the TAP only when
# apply's server made it; bad values are refused where they are in the
# file, exit 1, nothing changed. Needs VDUSE net (Linux 6.10) and tun:
# the newest kernel's set runs it.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"
reset_state
[ -e /dev/net/tun ] || insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun 2>/dev/null
[ -e /dev/net/tun ] || { echo "1..0 # SKIP no tun module in this kernel"; exit 0; }
WORK=$(mktemp -d)
cleanup() {
  "$VDPA" dev del st0 >/dev/null 2>&1
  "$VDPA" dev del st1 >/dev/null 2>&1
  ip link del stap1 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

record() {  # DEVICE KEY: from its served record
  python3 -c 'import json, sys; print(json.load(open("/run/vdpa/served/" + sys.argv[1] + ".json"))[sys.argv[2]])' "$1" "$2" 2>/dev/null
}
is_net_server() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = vdpa-net-server ]; }
is_tap() { ip -d link show "$1" 2>/dev/null | grep -q "tun type tap"; }
shown_device() {  # FILE NAME: that device of a state show, as compact JSON
  python3 -c '
import json, sys
d = {x["name"]: x for x in json.load(open(sys.argv[1]))["devices"]}[sys.argv[2]]
print(json.dumps(d, sort_keys=True))' "$1" "$2"
}

# Created by apply -----------------------------------------------------------
cat >"$WORK/nic.json" <<'JSON'
{"devices": [{"name": "st0", "mgmtdev": "vduse", "tap": "stap0", "mac": "52:54:00:00:00:10",
              "mtu": 1400, "driver": "virtio_vdpa"}]}
JSON
expect_run "check: a TAP-backed NIC would be created" 0 \
  "create st0: mgmtdev vduse mac 52:54:00:00:00:10 mtu 1400 driver virtio_vdpa tap stap0
Check only: 1 action planned, nothing changed." "$VDPA" state apply "$WORK/nic.json" check
check "and nothing was made (no vDPA or VDUSE device, no TAP)" bash -c \
  '[ ! -e /sys/bus/vdpa/devices/st0 ] && [ ! -e /sys/class/vduse/st0 ] && [ ! -e /sys/class/net/stap0 ]'
expect_run "apply creates it" 0 \
  "create st0: mgmtdev vduse mac 52:54:00:00:00:10 mtu 1400 driver virtio_vdpa tap stap0: done" \
  "$VDPA" state apply "$WORK/nic.json"
st0_pid=$(record st0 server_pid)
check "a vdpa-net-server serves it ($st0_pid)" is_net_server "$st0_pid"
check "stap0 is a TAP, made by its server" is_tap stap0
nd=$(netdev_of st0)
check "its netdev ($nd) has the MAC and MTU of the file" bash -c \
  '[ "$(cat /sys/class/net/$0/address) $(cat /sys/class/net/$0/mtu)" = "52:54:00:00:00:10 1400" ]' "$nd"
expect_run "a second apply changes nothing" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/nic.json"
expect_eq "the same server still serves it" "$st0_pid" "$(record st0 server_pid)"

# An existing TAP, another queue size, a MAC of the server's choice.
ip tuntap add dev stap1 mode tap
cat >"$WORK/nics.json" <<'JSON'
{"devices": [{"name": "st0", "mgmtdev": "vduse", "tap": "stap0", "mac": "52:54:00:00:00:10",
              "mtu": 1400, "driver": "virtio_vdpa"},
             {"name": "st1", "mgmtdev": "vduse", "tap": "stap1", "queue_size": 128,
              "driver": "vhost_vdpa"}]}
JSON
expect_run "apply adds a NIC on an existing TAP, leaving the first alone" 0 \
  "create st1: mgmtdev vduse driver vhost_vdpa queue_size 128 tap stap1: done" \
  "$VDPA" state apply "$WORK/nics.json"
"$VDPA" state show >"$WORK/shown.json"
expect_eq "state show names st0 with its tap, mac, mtu and queue size" \
  '{"driver": "virtio_vdpa", "mac": "52:54:00:00:00:10", "mgmtdev": "vduse", "mtu": 1400, "name": "st0", "queue_size": 256, "tap": "stap0"}' \
  "$(shown_device "$WORK/shown.json" st0)"
check "and st1 with queue size 128 and the MAC its server chose" python3 -c '
import json, sys
d = {x["name"]: x for x in json.load(open(sys.argv[1]))["devices"]}["st1"]
assert (d["tap"], d["queue_size"], d["driver"]) == ("stap1", 128, "vhost_vdpa"), d
assert int(d["mac"].split(":")[0], 16) & 3 == 2, d  # locally administered unicast
assert "max_vqp" not in d and "device_features" not in d, d
' "$WORK/shown.json"
expect_run "state show | state apply - check: no change" 0 \
  "No change: the host matches the file." bash -c '"$0" state show | "$0" state apply - check' "$VDPA"
expect_run "the shown file applied: no change" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/shown.json"

# A killed server ------------------------------------------------------------
kill -9 "$st0_pid"
for _ in $(seq 20); do is_net_server "$st0_pid" || break; sleep 0.1; done
expect_run "check: the killed server is to be restarted" 0 \
  "restart_server st0: the server is gone; a new one takes over: mgmtdev vduse mac 52:54:00:00:00:10 mtu 1400 driver virtio_vdpa queue_size 256 tap stap0
Check only: 1 action planned, nothing changed." "$VDPA" state apply "$WORK/nics.json" check
expect_run "apply restarts it" 0 "restart_server st0: *: done" "$VDPA" state apply "$WORK/nics.json"
new_pid=$(record st0 server_pid)
check "a new server serves it ($st0_pid -> $new_pid)" bash -c \
  '[ "$0" != "$1" ] && [ "$(cat /proc/$1/comm)" = vdpa-net-server ]' "$st0_pid" "$new_pid"
expect_eq "on the same TAP" stap0 "$(record st0 target)"
expect_eq "the same netdev, with its MAC" "$nd 52:54:00:00:00:10" "$(netdev_of st0) $(cat /sys/class/net/"$nd"/address 2>&1)"
expect_run "then there is nothing to do" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/nics.json"

# Another MAC: recreated, since the vduse management device cannot set one.
sed 's/52:54:00:00:00:10/52:54:00:00:00:11/' "$WORK/nics.json" >"$WORK/mac.json"
expect_run "another MAC recreates the NIC" 0 \
  "recreate st0: mac 52:54:00:00:00:10 -> 52:54:00:00:00:11: done" "$VDPA" state apply "$WORK/mac.json"
nd=$(netdev_of st0)
expect_eq "its netdev has the new MAC, the MTU kept" "52:54:00:00:00:11 1400" \
  "$(cat /sys/class/net/"$nd"/address /sys/class/net/"$nd"/mtu 2>&1 | tr '\n' ' ' | sed 's/ $//')"
check "the server before stopped" bash -c '! kill -0 "$0" 2>/dev/null' "$new_pid"

# Prune ----------------------------------------------------------------------
pids="$(record st0 server_pid) $(record st1 server_pid)"
echo '{"devices": []}' >"$WORK/empty.json"
"$VDPA" state apply "$WORK/empty.json" prune >"$WORK/prune.out" 2>&1
pruned=$?
# In the host's order: the recreated st0 now comes after st1.
expect_eq "prune deletes both" "0 st0 st1" \
  "$pruned $(sed -n 's/^delete \(st[01]\): .*: done$/\1/p' "$WORK/prune.out" | sort | tr '\n' ' ' | sed 's/ $//')"
check "no vDPA or VDUSE device, server, record or settings is left" bash -c '
  for name in st0 st1; do
    [ ! -e /sys/bus/vdpa/devices/$name ] && [ ! -e /sys/class/vduse/$name ] &&
    [ ! -e /run/vdpa/served/$name.json ] && [ ! -e /run/vdpa/served/$name.conf ] || exit 1
  done
  for pid in $0; do ! kill -0 $pid 2>/dev/null || exit 1; done' "$pids"
check "the TAP its server made is removed" test ! -e /sys/class/net/stap0
check "the TAP that was there before stays" is_tap stap1
ip link del stap1

# Bad values: where they are, exit 1, nothing changed ---------------------------
NIC='{"name": "st9", "mgmtdev": "vduse", "tap": "stap9"'
bad_case "a multicast MAC" "devices[0].mac: invalid MAC address 01:00:5e:00:00:01: a multicast*" \
  "{\"devices\": [$NIC, \"mac\": \"01:00:5e:00:00:01\"}]}"
bad_case "an MTU below 68" "devices[0].mtu: invalid value 60*" \
  "{\"devices\": [$NIC, \"mtu\": 60}]}"
bad_case "a queue size that is not a power of two" "devices[0].queue_size: invalid value 100*" \
  "{\"devices\": [$NIC, \"queue_size\": 100}]}"
bad_case "an interface name too long" "devices[0].tap: invalid tap \"a-very-long-tap-name\"*" \
  '{"devices": [{"name": "st9", "mgmtdev": "vduse", "tap": "a-very-long-tap-name"}]}'
bad_case "max_vqp beside a TAP" "devices[0].max_vqp: does not apply to a TAP-backed device*" \
  "{\"devices\": [$NIC, \"max_vqp\": 2}]}"
bad_case "two NICs on one TAP" "devices[1].tap: the TAP interface \"stap9\" is used twice*" \
  "{\"devices\": [$NIC}, {\"name\": \"st8\", \"mgmtdev\": \"vduse\", \"tap\": \"stap9\"}]}"
bad_case "the second of two bad values is found too" "*devices[1].mtu: invalid value 10*" \
  "{\"devices\": [$NIC, \"mac\": \"ff:ff:ff:ff:ff:ff\"}, {\"name\": \"st8\", \"mgmtdev\": \"vduse\", \"tap\": \"stap8\", \"mtu\": 10}]}"
check "no TAP was made" bash -c '[ ! -e /sys/class/net/stap9 ] && [ ! -e /sys/class/net/stap8 ]'

reset_state
tap_done
