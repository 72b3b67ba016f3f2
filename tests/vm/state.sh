#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vdpa state show / vdpa state apply on the real kernel: create by apply,
# a second apply changes nothing (the vhost character device keeps its
# number), drift repaired (driver moved, device deleted, MAC changed by
# iproute2), check changes nothing, prune with and without, a held device
# neither recreated nor pruned unless -f, every bad file refused where it
# is with the kernel state unchanged, show piped to apply, a stop at the
# first failure, and a management device that appears (module inserted)
# while apply waits. Served VDUSE devices (a file vdpa serves itself):
# created, left alone, shown, their killed server restarted, recreated on
# another file unless held, pruned with their server, bad keys located.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"
reset_state
WORK=$(mktemp -d)

driver_of() {  # DEVICE: the bus driver sysfs links it to, or "none"
  local link=/sys/bus/vdpa/devices/$1/driver
  if [ -e "$link" ]; then basename "$(readlink "$link")"; else echo none; fi
}
config_value() {  # DEVICE KEY: from our -j dev config show
  "$VDPA" -j dev config show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"][sys.argv[1]].get(sys.argv[2]))' "$1" "$2"
}
chardev_of() {  # DEVICE: "vhost-vdpa-N major:minor"
  local d
  for d in /sys/bus/vdpa/devices/$1/vhost-vdpa-*; do
    [ -e "$d/dev" ] && echo "$(basename "$d") $(cat "$d/dev")"
  done
}

cat >"$WORK/host.json" <<'EOF'
{"devices": [
  {"name": "n1", "mgmtdev": "vdpasim_net", "mac": "02:00:00:00:00:01", "driver": "vhost_vdpa"},
  {"name": "n2", "mgmtdev": "vdpasim_net", "mac": "02:00:00:00:00:02", "mtu": 1400,
   "driver": "virtio_vdpa"},
  {"name": "b1", "mgmtdev": "vdpasim_blk", "driver": "vhost_vdpa"}
]}
EOF

# Check first, on an empty host -------------------------------------------
expect_run "check lists the three creations" 0 \
  "create n1: mgmtdev vdpasim_net mac 02:00:00:00:00:01 driver vhost_vdpa
create n2: mgmtdev vdpasim_net mac 02:00:00:00:00:02 mtu 1400 driver virtio_vdpa
create b1: mgmtdev vdpasim_blk driver vhost_vdpa
Check only: 3 actions planned, nothing changed." \
  "$VDPA" state apply "$WORK/host.json" check
expect_eq "and created nothing" "" "$(vdpa_devices)"

# Create by apply ---------------------------------------------------------
expect_run "apply creates them" 0 "create n1: *: done
create n2: *: done
create b1: *: done" "$VDPA" state apply "$WORK/host.json"
expect_eq "n1 on vhost_vdpa" vhost_vdpa "$(driver_of n1)"
expect_eq "n2 on virtio_vdpa" virtio_vdpa "$(driver_of n2)"
expect_eq "b1 on vhost_vdpa" vhost_vdpa "$(driver_of b1)"
expect_eq "n2 has its MAC" 02:00:00:00:00:02 "$(config_value n2 mac)"
expect_eq "n2 has its mtu" 1400 "$(config_value n2 mtu)"
n1_chardev=$(chardev_of n1)

# A second apply changes nothing, and says so ------------------------------
expect_run "a second apply changes nothing and says so" 0 \
  "No change: the host matches the file." "$VDPA" state apply "$WORK/host.json"
expect_run "-j: changed false, no actions" 0 '{"changed":false,"actions":[]}' \
  "$VDPA" -j state apply "$WORK/host.json"
expect_eq "n1 keeps its vhost character device and number" "$n1_chardev" "$(chardev_of n1)"

# state show ----------------------------------------------------------------
"$VDPA" state show >"$WORK/shown.json"
check "state show prints the devices as a spec, values the kernel reports" python3 -c '
import json, sys
d = {x["name"]: x for x in json.load(open(sys.argv[1]))["devices"]}
assert set(d) == {"n1", "n2", "b1"}, d
assert d["n1"]["mgmtdev"] == "vdpasim_net" and d["n1"]["mac"] == "02:00:00:00:00:01", d
assert d["n1"]["driver"] == "vhost_vdpa" and d["n2"]["driver"] == "virtio_vdpa", d
assert d["n2"]["mtu"] == 1400 and "max_vqp" not in d["n1"], d
assert "mac" not in d["b1"] and d["b1"]["mgmtdev"] == "vdpasim_blk", d
assert all(x["device_features"].startswith("0x") for x in d.values()), d
' "$WORK/shown.json"
expect_run "state show | state apply - check: no change" 0 \
  "No change: the host matches the file." \
  bash -c '"$0" state show | "$0" state apply - check' "$VDPA"
expect_run "state show | state apply - : no change" 0 \
  "No change: the host matches the file." \
  bash -c '"$0" state show | "$0" state apply -' "$VDPA"

# Drift repaired ----------------------------------------------------------
"$VDPA" dev set name n1 driver virtio_vdpa >/dev/null
"$REF" dev set name n2 mac 02:00:00:00:00:99
"$REF" dev del b1
unchanged "check reports the drift and changes nothing" \
  "$VDPA" state apply "$WORK/host.json" check
expect_run "check lists the repairs" 0 "create b1: *
rebind n1: driver virtio_vdpa -> vhost_vdpa
set_mac n2: mac 02:00:00:00:00:99 -> 02:00:00:00:00:02
Check only: 3 actions planned, nothing changed." \
  "$VDPA" state apply "$WORK/host.json" check
expect_run "-j check: changed false, each action planned" 0 \
  '{"changed":false,"actions":[{"action":"create","device":"b1",*"status":"planned"},{"action":"rebind","device":"n1","from":"virtio_vdpa","driver":"vhost_vdpa","status":"planned"},{"action":"set_mac","device":"n2","from":"02:00:00:00:00:99","mac":"02:00:00:00:00:02","status":"planned"}]}' \
  "$VDPA" -j state apply "$WORK/host.json" check
expect_run "-j apply: changed true, each action done" 0 \
  '{"changed":true,"actions":[{"action":"create","device":"b1",*"status":"done"},{"action":"rebind",*"status":"done"},{"action":"set_mac",*"status":"done"}]}' \
  "$VDPA" -j state apply "$WORK/host.json"
expect_eq "the driver moved by hand is back" vhost_vdpa "$(driver_of n1)"
expect_eq "the MAC changed by iproute2 is back" 02:00:00:00:00:02 "$(config_value n2 mac)"
expect_eq "the device deleted by iproute2 is back, on its driver" vhost_vdpa "$(driver_of b1)"
expect_run "then nothing more to do" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/host.json"

# A fixed attribute recreates; keys left out are kept ----------------------
sed 's/"mtu": 1400/"mtu": 1500/; s/"mac": "02:00:00:00:00:02", //' "$WORK/host.json" >"$WORK/mtu.json"
expect_run "another mtu recreates the device" 0 "recreate n2: mtu 1400 -> 1500: done" \
  "$VDPA" state apply "$WORK/mtu.json"
expect_eq "with the new mtu" 1500 "$(config_value n2 mtu)"
expect_eq "and the MAC the file left out kept" 02:00:00:00:00:02 "$(config_value n2 mac)"
expect_eq "and its driver" virtio_vdpa "$(driver_of n2)"
"$VDPA" state apply "$WORK/host.json" >/dev/null

# Prune -------------------------------------------------------------------
"$REF" dev add name extra mgmtdev vdpasim_net
expect_run "without prune an unnamed device stays" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/host.json"
check "it is still there" test -e /sys/bus/vdpa/devices/extra
expect_run "prune deletes it" 0 "delete extra: mgmtdev vdpasim_net*: done" \
  "$VDPA" state apply "$WORK/host.json" prune
check "it is gone" test ! -e /sys/bus/vdpa/devices/extra

# A device in use ---------------------------------------------------------
hold_n1() {  # a process holds n1's vhost character device open: $holder
  local node
  node=/dev/$(chardev_of n1 | cut -d' ' -f1)
  sleep 600 3<>"$node" & holder=$!
  for _ in $(seq 100); do [ "$(readlink /proc/$holder/fd/3 2>/dev/null)" = "$node" ] && break; sleep 0.1; done
}
# forced DESCRIPTION PATTERN ARGS...: vdpa -f ARGS while $holder holds n1:
# it must not refuse. The kernel's removal of a vhost-vdpa device waits
# until the holder closes it, so the holder is ended 2 s into the run;
# then status 0 and the output PATTERN (only * special).
forced() {
  local description=$1 pattern output status run
  pattern=$(literal_except_star "$2"); shift 2
  "$VDPA" -f "$@" >"$WORK/forced.out" 2>&1 &
  run=$!
  sleep 2
  kill -0 $run 2>/dev/null &&
    echo "after 2 s vdpa -f $* still runs: the kernel waits for the holder" | tap_diag
  kill $holder; wait $holder 2>/dev/null
  for _ in $(seq 300); do kill -0 $run 2>/dev/null || break; sleep 0.1; done
  kill $run 2>/dev/null
  wait $run; status=$?
  output=$(<"$WORK/forced.out")
  if [ "$status" = 0 ] && [[ "$output" == $pattern ]]; then tap_ok "$description"
  else tap_not_ok "$description"; printf 'status %s:\n%s\n' "$status" "$output" | tap_diag; fi
}
hold_n1
sed 's/"mac": "02:00:00:00:00:01", "driver"/"mac": "02:00:00:00:00:01", "mtu": 1400, "driver"/' \
  "$WORK/host.json" >"$WORK/held.json"
expect_run "a held device is not recreated: refused naming the holder" 1 \
  "refused: recreate n1: in use by sleep (pid $holder) (-f to go ahead)
Error: the plan cannot be carried out*nothing was changed." \
  "$VDPA" state apply "$WORK/held.json"
unchanged "and nothing changed" "$VDPA" state apply "$WORK/held.json"
python3 -c '
import json, sys
spec = json.load(open(sys.argv[1]))
spec["devices"] = [d for d in spec["devices"] if d["name"] != "n1"]
json.dump(spec, open(sys.argv[2], "w"))' "$WORK/host.json" "$WORK/without-n1.json"
expect_run "prune does not delete a held device" 1 "refused: delete n1: in use by sleep (pid $holder)*" \
  "$VDPA" state apply "$WORK/without-n1.json" prune
check "it is still there" test -e /sys/bus/vdpa/devices/n1
expect_run "-j: the refusal with its holder" 1 \
  "*\"action\":\"refuse_in_use\",\"device\":\"n1\",\"refused\":\"delete\"*\"holders\":[{\"pid\":$holder,\"command\":\"sleep\"}]*\"status\":\"failed\"*" \
  "$VDPA" -j state apply "$WORK/without-n1.json" prune
# With -f both go ahead.
forced "-f recreates a held device" "recreate n1: *1400: done" state apply "$WORK/held.json"
expect_eq "with the new mtu" 1400 "$(config_value n1 mtu)"
expect_eq "on its driver" vhost_vdpa "$(driver_of n1)"
hold_n1
forced "prune with -f deletes a held device" "delete n1: mgmtdev vdpasim_net*: done" \
  state apply "$WORK/without-n1.json" prune
check "it is gone" test ! -e /sys/bus/vdpa/devices/n1
expect_run "and the file brings it back" 0 "create n1: *: done" \
  "$VDPA" state apply "$WORK/host.json"

# Every bad file: where the problem is, exit 1, nothing changed ------------
# Each file also names a device the apply would create, had it started.
NEW='{"name": "new", "mgmtdev": "vdpasim_net"}'
bad_case "not JSON" "line 2, column *" "{\"devices\": [$NEW,
  ]"
bad_case "unknown top-level key" "version: unknown key*" "{\"devices\": [$NEW], \"version\": 1}"
bad_case "no devices" "devices: is missing*" '{}'
bad_case "unknown device key" "devices[1].colour: unknown key*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"colour\": \"red\"}]}"
bad_case "wrong type" "devices[1].mtu: expected a whole number from 0 to 65535, found a string*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"mtu\": \"1500\"}]}"
bad_case "bad MAC" "devices[1].mac: invalid MAC address*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"mac\": \"00:11:22:33:44\"}]}"
bad_case "mtu out of range" "devices[1].mtu: invalid value 70000*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"mtu\": 70000}]}"
bad_case "bad device_features" "devices[1].device_features: invalid device_features*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"device_features\": \"zz\"}]}"
bad_case "bad driver" "devices[1].driver: invalid driver \"vfio\"*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"driver\": \"vfio\"}]}"
bad_case "bad name" "devices[1].name: *" \
  "{\"devices\": [$NEW, {\"name\": \"a/b\", \"mgmtdev\": \"vdpasim_net\"}]}"
bad_case "bad mgmtdev" "devices[1].mgmtdev: *" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"a/b/c\"}]}"
bad_case "missing mgmtdev" "devices[1].mgmtdev: is missing*" \
  "{\"devices\": [$NEW, {\"name\": \"x\"}]}"
bad_case "duplicate names" "devices[2].name: the name \"x\" is given twice: devices[1] has it too*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\"}, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_blk\"}]}"
bad_case "two devices on one backing file" "devices[2].file: the backing file*devices[1] has it too*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\"}, {\"name\": \"v2\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\"}]}"
bad_case "backend key on a non-VDUSE device" "devices[1].file: only for devices of the VDUSE*" \
  "{\"devices\": [$NEW, {\"name\": \"x\", \"mgmtdev\": \"vdpasim_blk\", \"file\": \"/srv/d.img\"}]}"
bad_case "a key twice in one object" "devices[0].mtu: the key \"mtu\" is given twice*" \
  "{\"devices\": [{\"name\": \"x\", \"mgmtdev\": \"vdpasim_net\", \"mtu\": 1, \"mtu\": 2}]}"
printf '%s\n' "{\"devices\": [$NEW, {\"name\": \"x\", \"mtu\": -1, \"mac\": 5}]}" >"$WORK/many.json"
expect_run "every problem of a file is reported, not only the first" 1 \
  "*devices[1].mtu*devices[1].mac*devices[1].mgmtdev*" "$VDPA" state apply "$WORK/many.json"
expect_run "a file that cannot be read" 1 "Error: cannot open the state file*No such file*" \
  "$VDPA" state apply "$WORK/none.json"

bad_case "queues beyond the server's limit" "devices[1].queues: invalid value 65: expected 1 to 64*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\", \"queues\": 65}]}"
bad_case "queue_size not a power of two" "devices[1].queue_size: invalid value 100: expected a power of two*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\", \"queue_size\": 100}]}"
bad_case "blk_size not a power of two" "devices[1].blk_size: invalid value 1000*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\", \"blk_size\": 1000}]}"
bad_case "a relative file" "devices[1].file: invalid file \"d.img\": expected an absolute path*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"d.img\"}]}"
bad_case "readonly not a boolean" "devices[1].readonly: expected true or false, found a string*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\", \"readonly\": \"yes\"}]}"
bad_case "a net key beside a file" "devices[1].mac: a device with a backing file is a block device*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"file\": \"/srv/d.img\", \"mac\": \"02:00:00:00:00:09\"}]}"
bad_case "queues beside a TAP interface" "devices[1].queues: only for a device with a backing file*" \
  "{\"devices\": [$NEW, {\"name\": \"v1\", \"mgmtdev\": \"vduse\", \"tap\": \"tap0\", \"queues\": 2}]}"

# Served VDUSE devices: a file vdpa serves itself ---------------------------
# As `dev add ... mgmtdev vduse file PATH` makes them (the build tree's
# server, detached: no systemd in the VM). Created, left alone by a second
# apply, shown with what is known, its killed server restarted (the new one
# takes the device over), recreated on another file unless held, pruned.
DISKS=$(mktemp -d)
mount -t tmpfs -o size=64M state-disks "$DISKS" || echo "could not mount a tmpfs on $DISKS" | tap_diag
head -c $((8 << 20)) /dev/urandom >"$DISKS/sb0.img"
cp "$DISKS/sb0.img" "$DISKS/sb0.orig"
head -c $((4 << 20)) /dev/urandom >"$DISKS/other.img"
holder=
served_cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  "$VDPA" -f dev del sb0 >/dev/null 2>&1
  "$VDPA" dev del sb9 >/dev/null 2>&1
  umount "$DISKS" 2>/dev/null
  rmdir "$DISKS" 2>/dev/null
}
trap served_cleanup EXIT
record_pid() {  # DEVICE: the server_pid of its record
  python3 -c 'import json, sys; print(json.load(open("/run/vdpa/served/" + sys.argv[1] + ".json"))["server_pid"])' "$1" 2>/dev/null
}
record_file() {  # DEVICE: the target of its record
  python3 -c 'import json, sys; print(json.load(open("/run/vdpa/served/" + sys.argv[1] + ".json"))["target"])' "$1" 2>/dev/null
}
is_server() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = vdpa-blk-server ]; }
disk_of() {  # DEVICE: the disk virtio_vdpa made of it
  local d
  for d in /sys/bus/vdpa/devices/"$1"/virtio*/block/*; do
    [ -e "$d" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}
reads_back() {  # DEVICE FILE: the device's disk has the file's bytes
  local disk
  disk=$(disk_of "$1") || return 1
  dd if="/dev/$disk" bs=1M iflag=direct status=none | cmp - "$2"
}

printf '{"devices": [{"name": "sb0", "mgmtdev": "vduse", "file": "%s", "queues": 2, "driver": "virtio_vdpa"}]}\n' \
  "$DISKS/sb0.img" >"$WORK/served.json"
expect_run "check: a file-backed device would be created" 0 \
  "create sb0: mgmtdev vduse driver virtio_vdpa file $DISKS/sb0.img queues 2
Check only: 1 action planned, nothing changed." "$VDPA" state apply "$WORK/served.json" check
check "and nothing was made" test ! -e /sys/bus/vdpa/devices/sb0 -a ! -e /sys/class/vduse/sb0
expect_run "apply creates it, with its server" 0 \
  "create sb0: mgmtdev vduse driver virtio_vdpa file $DISKS/sb0.img queues 2: done" \
  "$VDPA" state apply "$WORK/served.json"
sb0_pid=$(record_pid sb0)
check "its server runs ($sb0_pid)" is_server "$sb0_pid"
check "its disk reads back the file" reads_back sb0 "$DISKS/sb0.orig"
check "with two queues" bash -c '[ "$(ls /sys/block/$0/mq | wc -l)" = 2 ]' "$(disk_of sb0)"
expect_run "a second apply changes nothing" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/served.json"
expect_eq "the same server still serves it" "$sb0_pid" "$(record_pid sb0)"
"$VDPA" state show >"$WORK/shown-served.json"
check "state show names its backend, with only what is known" python3 -c '
import json, sys
d = {x["name"]: x for x in json.load(open(sys.argv[1]))["devices"]}["sb0"]
want = {"name": "sb0", "mgmtdev": "vduse", "driver": "virtio_vdpa", "file": sys.argv[2],
        "readonly": False, "queues": 2, "queue_size": 256, "blk_size": 512}
assert d == want, d
' "$WORK/shown-served.json" "$DISKS/sb0.img"
expect_run "state show | state apply - check: no change with a served device" 0 \
  "No change: the host matches the file." bash -c '"$0" state show | "$0" state apply - check' "$VDPA"

# Its server killed: apply starts a new one, which takes the device over.
kill -9 "$sb0_pid"
for _ in 1 2 3 4 5 6 7 8 9 10; do is_server "$sb0_pid" || break; sleep 0.2; done
expect_run "check: the killed server is to be restarted" 0 \
  "restart_server sb0: the server is gone; a new one takes over: mgmtdev vduse driver virtio_vdpa file $DISKS/sb0.img readonly false queues 2 queue_size 256 blk_size 512
Check only: 1 action planned, nothing changed." "$VDPA" state apply "$WORK/served.json" check
expect_run "apply restarts it" 0 "restart_server sb0: *: done" "$VDPA" state apply "$WORK/served.json"
new_pid=$(record_pid sb0)
check "a new server serves it ($sb0_pid -> $new_pid)" bash -c '[ "$0" != "$1" ] && [ "$(cat /proc/$1/comm)" = vdpa-blk-server ]' "$sb0_pid" "$new_pid"
check "the disk it took over reads back the file" reads_back sb0 "$DISKS/sb0.orig"
expect_run "then there is nothing to do" 0 "No change: the host matches the file." \
  "$VDPA" state apply "$WORK/served.json"

# As vdpa-blk-server@sb0.service would start it (the VM has no systemd):
# the built unit's ExecStart with its EnvironmentFile (the settings vdpa
# wrote; bash reads their double quotes as systemd does), in the
# foreground, telling its readiness on NOTIFY_SOCKET. The new server takes
# the device over, as after a Restart=on-failure.
BUILD=$(cd "$(dirname "$VDPA")/.." && pwd)
UNIT=$BUILD/device/vdpa-blk-server@.service
SERVER=$BUILD/device/vdpa-blk-server
if [ -f "$UNIT" ] && [ -x "$SERVER" ]; then
  old_pid=$(record_pid sb0)
  kill -9 "$old_pid"
  for _ in 1 2 3 4 5 6 7 8 9 10; do is_server "$old_pid" || break; sleep 0.2; done
  exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
  exec_start="$SERVER ${exec_start#* }"
  exec_start=${exec_start//%i/sb0}
  exec_start=${exec_start//'${FILE}'/'"${FILE}"'}
  env_file=$(sed -n 's/^EnvironmentFile=-//p' "$UNIT" | tail -1)
  env_file=${env_file//%i/sb0}
  told=$(python3 - "$WORK/notify.sock" "$WORK/unit.out" \
      bash -c "set -a; . '$env_file'; set +a; exec $exec_start" <<'PY'
import os, socket, subprocess, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(60)
server = subprocess.Popen(sys.argv[3:], env=dict(os.environ, NOTIFY_SOCKET=path),
                          stdin=subprocess.DEVNULL, stdout=open(out, "w"),
                          stderr=subprocess.STDOUT, start_new_session=True)
message = s.recv(4096).decode()
print(server.pid, " ".join(message.split()))
PY
  )
  unit_pid=${told%% *}
  expect_eq "the unit's command line tells READY=1 with its own pid" \
    "$unit_pid READY=1 MAINPID=$unit_pid" "$told"
  check "it took the device over ($(cat "$WORK/unit.out"))" grep -q "as sb0 (reconnected)" "$WORK/unit.out"
  expect_eq "its record names it" "$unit_pid" "$(record_pid sb0)"
  check "the disk reads back the file through it" reads_back sb0 "$DISKS/sb0.orig"
  expect_run "apply then has nothing to do" 0 "No change: the host matches the file." \
    "$VDPA" state apply "$WORK/served.json"
else
  tap_not_ok "the built unit and server ($UNIT, $SERVER)"
fi

# Another file: recreated, unless a process holds it.
sed "s#$DISKS/sb0.img#$DISKS/other.img#" "$WORK/served.json" >"$WORK/other.json"
expect_run "another file recreates the device" 0 \
  "recreate sb0: file $DISKS/sb0.img -> $DISKS/other.img: done" "$VDPA" state apply "$WORK/other.json"
expect_eq "it serves the other file" "$DISKS/other.img" "$(record_file sb0)"
check "the first server stopped" bash -c '! kill -0 "$0" 2>/dev/null' "$new_pid"
check "its disk reads back the other file" reads_back sb0 "$DISKS/other.img"
sed 's/"virtio_vdpa"/"vhost_vdpa"/' "$WORK/other.json" >"$WORK/other-vhost.json"
expect_run "moved to vhost_vdpa" 0 "rebind sb0: driver virtio_vdpa -> vhost_vdpa: done" \
  "$VDPA" state apply "$WORK/other-vhost.json"
node=$(chardev_of sb0); node=${node%% *}
sed 's/"virtio_vdpa"/"vhost_vdpa"/' "$WORK/served.json" >"$WORK/served-vhost.json"
if [ -n "$node" ] && [ -c "/dev/$node" ]; then
  sleep 600 3<>"/dev/$node" &
  holder=$!
  sleep 0.5
  unchanged "held: another file changes nothing" "$VDPA" state apply "$WORK/served-vhost.json"
  expect_run "held: the recreation is refused, naming the holder" 1 \
    "refused: recreate sb0: in use by sleep (pid $holder)*nothing was changed." \
    "$VDPA" state apply "$WORK/served-vhost.json"
  expect_eq "the same file is served" "$DISKS/other.img" "$(record_file sb0)"
  kill "$holder"; wait "$holder" 2>/dev/null; holder=
else
  tap_not_ok "sb0 on vhost_vdpa has a character device ($node)"
fi

# Prune deletes it, and its server with it.
expect_run "prune check names the served device" 0 "*delete sb0: mgmtdev vduse driver vhost_vdpa file $DISKS/other.img*Check only:*" \
  "$VDPA" state apply "$WORK/host.json" prune check
check "and it is still there" test -e /sys/bus/vdpa/devices/sb0
pid=$(record_pid sb0)
expect_run "prune deletes it" 0 "*delete sb0: *: done*" "$VDPA" state apply "$WORK/host.json" prune
check "no vDPA device, no VDUSE device, no server, no record, no settings" bash -c '
  [ ! -e /sys/bus/vdpa/devices/sb0 ] && [ ! -e /sys/class/vduse/sb0 ] && ! kill -0 "$0" 2>/dev/null &&
  [ ! -e /run/vdpa/served/sb0.json ] && [ ! -e /run/vdpa/served/sb0.conf ]' "$pid"

# What cannot be served: said before anything changes, or undone.
printf '{"devices": [{"name": "sb9", "mgmtdev": "vduse", "file": "%s/missing.img"}]}\n' "$DISKS" >"$WORK/missing.json"
expect_run "a file that is not there: the server's message" 1 \
  "create sb9: mgmtdev vduse file $DISKS/missing.img: FAILED: cannot open $DISKS/missing.img*" \
  "$VDPA" state apply "$WORK/missing.json"
check "nothing left of it" bash -c '[ ! -e /sys/bus/vdpa/devices/sb9 ] && [ ! -e /sys/class/vduse/sb9 ] && [ ! -e /run/vdpa/served/sb9.conf ]'
# TAP-backed NICs are created by apply (state-tap.sh, on the newest
# kernel): this kernel's image has no tun module, which apply says.
if [ ! -e /dev/net/tun ]; then
  printf '%s\n' '{"devices": [{"name": "vt0", "mgmtdev": "vduse", "tap": "tap0"}]}' >"$WORK/tap.json"
  expect_run "a TAP-backed device without the tun module: the reason, exit 1" 1 \
    "create vt0: mgmtdev vduse tap tap0: FAILED: /dev/net/tun is not available: the kernel module tun is not loaded (modprobe tun)*" \
    "$VDPA" state apply "$WORK/tap.json"
  check "nothing left of it" bash -c '[ ! -e /sys/bus/vdpa/devices/vt0 ] && [ ! -e /sys/class/vduse/vt0 ] && [ ! -e /run/vdpa/served/vt0.conf ]'
else
  tap_skip "a TAP-backed device without the tun module" "this kernel has tun"
fi
printf '%s\n' "{\"devices\": [$NEW, {\"name\": \"q0\", \"mgmtdev\": \"vduse\"}]}" >"$WORK/vduse.json"
unchanged "a VDUSE device without a backend: nothing changed" "$VDPA" state apply "$WORK/vduse.json"
expect_run "it is another program's to create" 1 \
  "create new: *: not done
refused: create q0: a VDUSE device without file or tap is served by another program*nothing was changed." \
  "$VDPA" state apply "$WORK/vduse.json"
served_cleanup
trap - EXIT

# Stopping at the first failure --------------------------------------------
# The net simulator refuses max_vqp (EOPNOTSUPP): c1 fails, c2 is not tried.
printf '%s\n' '{"devices": [{"name": "c0", "mgmtdev": "vdpasim_net"}, {"name": "c1", "mgmtdev": "vdpasim_net", "max_vqp": 2}, {"name": "c2", "mgmtdev": "vdpasim_net"}]}' >"$WORK/fails.json"
expect_run "apply stops at the first failure, saying what was done and what not" 1 \
  "create c0: mgmtdev vdpasim_net: done
create c1: mgmtdev vdpasim_net max_vqp 2: FAILED: *
create c2: mgmtdev vdpasim_net: not done
Error: applying stopped at the first failure*" \
  "$VDPA" state apply "$WORK/fails.json"
check "c0 was created" test -e /sys/bus/vdpa/devices/c0
check "c2 was not" test ! -e /sys/bus/vdpa/devices/c2
sed 's/, "max_vqp": 2//' "$WORK/fails.json" >"$WORK/fixed.json"
expect_run "the fixed file converges from there" 0 "create c1: *: done
create c2: *: done" "$VDPA" state apply "$WORK/fixed.json"
"$VDPA" state apply "$WORK/host.json" prune >/dev/null

# A management device that is not there --------------------------------------
printf '%s\n' '{"devices": [{"name": "p0", "mgmtdev": "pci/0000:00:1f.7"}]}' >"$WORK/pci.json"
expect_run "a missing management device: refused, nothing changed" 1 \
  "refused: create p0: no management device pci/0000:00:1f.7*nothing was changed." \
  "$VDPA" state apply "$WORK/pci.json"
start=$(date +%s)
expect_run "wait 2 gives up after two seconds" 1 "refused: create p0: no management device*" \
  "$VDPA" state apply "$WORK/pci.json" wait 2
elapsed=$(($(date +%s) - start))
check "in about two seconds ($elapsed)" test "$elapsed" -ge 2 -a "$elapsed" -le 5

# A management device that appears while apply waits ---------------------------
# vdpa_sim_blk is unloaded, apply starts waiting for vdpasim_blk, and the
# module (the test bed's own build, in the VM image) is inserted 2 s later.
"$VDPA" state apply <(echo '{"devices": []}') prune >/dev/null
SIM_BLK_MODULE=$VDPA_VM_IMAGE/modules/vdpa_sim_blk.ko
if [ ! -f "$SIM_BLK_MODULE" ]; then
  tap_not_ok "vdpa_sim_blk.ko in the VM image ($SIM_BLK_MODULE)"
elif ! rmmod vdpa_sim_blk; then
  tap_not_ok "rmmod vdpa_sim_blk"
else
  printf '%s\n' '{"devices": [{"name": "late", "mgmtdev": "vdpasim_blk", "driver": "vhost_vdpa"}]}' >"$WORK/late.json"
  start=$(date +%s%N)
  "$VDPA" state apply "$WORK/late.json" wait 30 >"$WORK/late.out" 2>&1 &
  waiter=$!
  sleep 2
  check "apply is still waiting after 2 s" kill -0 $waiter
  check "without creating anything" test ! -e /sys/bus/vdpa/devices/late
  insmod "$SIM_BLK_MODULE"
  wait $waiter; status=$?
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  expect_eq "once the module is inserted, apply creates the device" "0 create late: mgmtdev vdpasim_blk driver vhost_vdpa: done" \
    "$status $(cat "$WORK/late.out")"
  check "woken by the uevent, long before the 30 s were up (${elapsed_ms} ms)" test "$elapsed_ms" -lt 10000
  expect_eq "on its driver" vhost_vdpa "$(driver_of late)"
fi
grep -q '^vdpa_sim_blk ' /proc/modules || insmod "$SIM_BLK_MODULE"
check "vdpa_sim_blk is loaded again for the tests after this one" grep -q '^vdpa_sim_blk ' /proc/modules

# Usage ---------------------------------------------------------------------
expect_run "state apply without a file" 1 "A file name is expected*" "$VDPA" state apply
expect_run "wait needs a number" 1 "*invalid wait \"soon\"*" "$VDPA" state apply x wait soon
expect_run "no abbreviation of state" 1 "Object \"st\" not found*" "$VDPA" st show

reset_state
rm -rf "$WORK"
tap_done
