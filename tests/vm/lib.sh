# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the test scripts that run inside the VM: TAP output, the two
# vdpa binaries, and resetting the kernel to a known state.
#
#   VDPA   our binary (from the build directory)
#   REF    iproute2 6.15's vdpa, the reference peer

: "${VDPA:?VDPA must point at the vdpa binary under test}"
REF=${REF:-$VDPA_VM_IMAGE/iproute2/sbin/vdpa}
[ -x "$REF" ] || { echo "Bail out! no reference vdpa at $REF"; exit 1; }

. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

# Names of all vDPA devices, one per line, from sysfs (no vdpa binary).
vdpa_devices() {
  local d
  for d in /sys/bus/vdpa/devices/*; do [ -e "$d" ] && printf '%s\n' "${d##*/}"; done
}

# Back to a clean kernel: no devices, new devices bound automatically.
reset_state() {
  local d
  echo 1 > /sys/bus/vdpa/drivers_autoprobe 2>/dev/null
  # Dot names are refused by ours but not by iproute2: catch them too.
  for d in /sys/bus/vdpa/devices/* /sys/bus/vdpa/devices/.[!.]* /sys/bus/vdpa/devices/..?*; do
    [ -e "$d" ] && "$REF" dev del "${d##*/}" >/dev/null 2>&1
  done
  # A device named ".." hides from sysfs paths; only iproute2 creates one,
  # and a script that ran it on such input says so.
  if [ "${REF_MAY_LEAVE_DOTDOT:-0}" = 1 ]; then
    "$REF" dev del .. >/dev/null 2>&1
    REF_MAY_LEAVE_DOTDOT=0
  fi
  [ -z "$(vdpa_devices)" ] || { echo "Bail out! cannot delete devices: $(vdpa_devices)"; exit 1; }
}

# The kernel state a command could change: devices and their configuration
# as the reference tool reports them, and each device's driver binding from
# sysfs. iproute2's dumps abort on a name of 64 bytes or more, so while a
# device has one, the kernel's netlink answers are read raw instead
# (netlink_state.py): never by ours, which is what is under test. The same
# observer serves both sides of every comparison.
kernel_state() {
  local long= d name LC_ALL=C # ${#name} counts bytes
  for d in /sys/bus/vdpa/devices/*; do
    name=${d##*/}
    [ -e "$d" ] && [ "${#name}" -ge 64 ] && long=yes
  done
  if [ -n "$long" ]; then
    python3 "$(dirname "${BASH_SOURCE[0]}")/netlink_state.py" 2>&1
  else
    "$REF" -j dev show 2>&1
    "$REF" -j dev config show 2>&1
  fi
  # Without a process per device (slow under TCG): the driver is the one
  # whose directory links the device.
  local driver drivers override
  for d in /sys/bus/vdpa/devices/*; do
    [ -e "$d" ] || continue
    name=${d##*/} driver=
    for drivers in /sys/bus/vdpa/drivers/*; do
      [ -e "$drivers/$name" ] && driver=${drivers##*/}
    done
    override=
    read -r override 2>/dev/null <"$d/driver_override"
    printf '%s driver=%s override=%s\n' "$name" "$driver" "$override"
  done
}

# The kernel state once drivers have finished binding what was just added:
# two snapshots in a row agree. Sets BEFORE; bails out if it never settles.
settled_state() {
  local previous= tries
  BEFORE=$(kernel_state)
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    [ "$BEFORE" == "$previous" ] && return 0
    previous=$BEFORE
    sleep 0.2
    BEFORE=$(kernel_state)
  done
  echo "Bail out! the kernel state does not settle after setup"; exit 1
}

# What a crash leaves on stderr (abort, signal, sanitizer, C++ terminate).
CRASH_PATTERN='Aborted|Segmentation|terminate called|Sanitizer|runtime error'

# refusal_problems ERR AFTER: what is wrong with a refused command besides
# its status and output: a crash on stderr, or a kernel state AFTER that
# is not BEFORE (settled_state). Empty when nothing.
refusal_problems() {
  if printf '%s' "$1" | grep -qE "$CRASH_PATTERN"; then
    printf 'stderr shows a crash\n'
  fi
  if [ "$2" != "$BEFORE" ]; then
    printf 'kernel state changed:\n'
    diff -u --label before --label after <(printf '%s\n' "$BEFORE") <(printf '%s\n' "$2") | sed 1,2d
  fi
}

# Devices vdpa serves itself (vdpa-blk-server, vdpa-net-server).
#
# processes_named COMM: the pids of the processes called COMM, one per
# line (from /proc: no pgrep needed).
processes_named() {
  local comm
  for comm in /proc/[0-9]*/comm; do
    [ "$(cat "$comm" 2>/dev/null)" = "$1" ] && { comm=${comm%/comm}; echo "${comm#/proc/}"; }
  done
}
# served_pid NAME: the server_pid `vdpa -j -d dev show NAME` reports.
served_pid() {
  "$VDPA" -j -d dev show "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)["dev"][sys.argv[1]]["server_pid"])' "$1"
}
# netdev_of NAME: the netdev virtio_vdpa made of device NAME, right away
# (dev add and apply return only once it exists).
netdev_of() {
  local d
  for d in /sys/bus/vdpa/devices/"$1"/virtio*/net/*; do
    [ -e "$d" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}
# served_gone NAME PID: no vDPA device, no VDUSE device, no process PID,
# no served record.
served_gone() {
  [ ! -e "/sys/bus/vdpa/devices/$1" ] || { echo "vDPA device $1 remains"; return 1; }
  [ ! -e "/sys/class/vduse/$1" ] || { echo "/sys/class/vduse/$1 remains"; return 1; }
  [ ! -e "/dev/vduse/$1" ] || { echo "/dev/vduse/$1 remains"; return 1; }
  ! kill -0 "$2" 2>/dev/null || { echo "process $2 remains"; return 1; }
  [ ! -e "/run/vdpa/served/$1.json" ] || { echo "its record remains"; return 1; }
}
# refused_add DESCRIPTION ERE COMMAND...: one TAP line for a refused add:
# exit 1, stderr matches ERE, and nothing changed: `dev show` is still
# $before_show, /sys/class/vduse has only control, the processes called
# $SERVER_COMM are still $before_servers, no served record; and, when the
# script defines refused_add_leftovers, that prints nothing.
refused_add() {
  local description=$1 pattern=$2; shift 2
  local err rc problems=
  err=$("$@" 2>&1 >/dev/null); rc=$?
  [ "$rc" = 1 ] || problems+="exit status $rc"$'\n'
  printf '%s' "$err" | grep -qE -- "$pattern" || problems+="message does not match /$pattern/"$'\n'
  [ "$("$VDPA" -j dev show)" == "$before_show" ] || problems+="dev show changed"$'\n'
  [ -z "$(ls -A /sys/class/vduse | grep -vx control)" ] ||
    problems+="/sys/class/vduse: $(ls -A /sys/class/vduse | tr '\n' ' ')"$'\n'
  [ "$(processes_named "$SERVER_COMM")" == "$before_servers" ] ||
    problems+="servers now: $(processes_named "$SERVER_COMM" | tr '\n' ' ')"$'\n'
  [ -z "$(ls -A /run/vdpa/served 2>/dev/null)" ] || problems+="a record is left"$'\n'
  local leftovers=
  declare -F refused_add_leftovers >/dev/null && leftovers=$(refused_add_leftovers)
  [ -z "$leftovers" ] || problems+="$leftovers"$'\n'
  if [ -z "$problems" ]; then tap_ok "$description"
  else tap_not_ok "$description"; { printf '%s' "$problems"; printf 'stderr: %s\n' "$err"; } | tap_diag; fi
}

# VDUSE block devices served by qemu-storage-daemon: the vDPA devices a
# stock kernel (no simulators) can have.
#
# vduse_blk_export NAME [MIB]: a VDUSE block device NAME backed by a file
# of MIB MiB (default 16) under /run (tmpfs), unless it is served already.
# It is not on the vDPA bus yet: `dev add name NAME mgmtdev vduse` puts it
# there. The backing file is $VDUSE_BLK_DIR/NAME.img.
VDUSE_BLK_DIR=/run/vduse-blk
vduse_blk_export() {
  local name=$1 mib=${2:-16} try
  [ -e "/dev/vduse/$name" ] && return 0
  mkdir -p "$VDUSE_BLK_DIR"
  truncate -s "${mib}M" "$VDUSE_BLK_DIR/$name.img" || return 1
  # --daemonize returns once the export exists; its descriptors must not
  # keep a caller's pipes open.
  qemu-storage-daemon --daemonize --pidfile "$VDUSE_BLK_DIR/$name.pid" \
    --blockdev "driver=file,node-name=file-$name,filename=$VDUSE_BLK_DIR/$name.img,cache.direct=off" \
    --export "type=vduse-blk,id=export-$name,node-name=file-$name,name=$name,writable=on" \
    </dev/null >"$VDUSE_BLK_DIR/$name.log" 2>&1 ||
    { echo "qemu-storage-daemon failed: $(cat "$VDUSE_BLK_DIR/$name.log")" >&2; return 1; }
  for try in $(seq 50); do [ -e "/dev/vduse/$name" ] && return 0; sleep 0.1; done
  echo "qemu-storage-daemon made no /dev/vduse/$name" >&2
  return 1
}

# vduse_blk_stop_all: stops every disk vduse_blk_export started. A
# script's groups may share one, but none may outlive the script: while
# one is served the vduse module stays in use for the next script.
vduse_blk_stop_all() {
  local pidfile
  for pidfile in "$VDUSE_BLK_DIR"/*.pid; do
    [ -e "$pidfile" ] && vduse_blk_stop "$(basename "$pidfile" .pid)"
  done
  return 0
}

# vduse_blk_stop NAME: off the vDPA bus, then the server stops (the
# teardown order the kernel needs: the device first, then its server).
vduse_blk_stop() {
  local name=$1 pid try
  [ -e "/sys/bus/vdpa/devices/$name" ] && "$REF" dev del "$name" >/dev/null 2>&1
  pid=$(cat "$VDUSE_BLK_DIR/$name.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null
  for try in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$VDUSE_BLK_DIR/$name".{img,pid,log}
}

# VDUSE NICs served by our vdpa-net-server (beside $VDPA in the build
# tree), each with a TAP of its own (t-NAME, created up): the network
# counterpart of vduse_blk_export, for the kernels without simulators.
#
# vduse_net_serve NAME MAC [MTU]: unless served already; not on the vDPA
# bus yet (`dev add name NAME mgmtdev vduse` puts it there).
VDUSE_NET_DIR=/run/vduse-net
vduse_net_serve() {
  local name=$1 mac=$2 mtu=${3:-1500}
  local server=${VDUSE_NET_SERVER:-$(dirname "$VDPA")/../device/vdpa-net-server}
  [ -e "/dev/vduse/$name" ] && return 0
  [ -e /dev/net/tun ] || insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun 2>/dev/null
  mkdir -p "$VDUSE_NET_DIR"
  "$server" --name "$name" --tap "t-$name" --mac "$mac" --mtu "$mtu" \
    --inflight "$VDUSE_NET_DIR/$name.inflight" --detach --pidfile "$VDUSE_NET_DIR/$name.pid" \
    </dev/null
}

# vduse_net_stop_all: off the vDPA bus, then each server vduse_net_serve
# started stops (it destroys its VDUSE device and removes its TAP).
vduse_net_stop_all() {
  local pidfile name pid try
  for pidfile in "$VDUSE_NET_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    [ -e "/sys/bus/vdpa/devices/$name" ] && "$REF" dev del "$name" >/dev/null 2>&1
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for try in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pidfile" "$VDUSE_NET_DIR/$name.inflight"
  done
  return 0
}

# fio_verify FILE SIZE [ARG]...: 4k random writes over FILE's first SIZE,
# each read back and checked by crc32c (FIO: the fio binary).
fio_verify() {
  local file=$1 size=$2; shift 2
  "${FIO:-/usr/bin/fio}" --name=verify --filename="$file" --rw=randwrite --bs=4k --size="$size" \
    --ioengine=libaio --direct=1 --iodepth=16 --verify=crc32c --verify_fatal=1 \
    --randrepeat=1 --output-format=terse "$@"
}
