#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `vdpa dev add ... mgmtdev vduse file PATH` on the real kernel: one command
# serves a file as a vDPA disk (virtio_vdpa and vhost_vdpa), `dev show -d`
# names the file and the server, `dev del` leaves nothing; every bad input
# is refused with its message, exit 1 and nothing left; a device another
# program serves (qemu-storage-daemon) is still attached without a backend.
#
#   vduse-blk-cli.sh VHOST_VDPA_BLK   (VDPA from the environment, as for
#   every vm test; VHOST_VDPA_BLK: the tests' userspace vhost-vdpa driver)
set -u
. "$(dirname "$0")/lib.sh"
DRIVER=${1:?the vhost-vdpa-blk test driver}
FIO=${FIO:-/usr/bin/fio}
SERVER_COMM=vdpa-blk-server  # for refused_add
reset_state

work=$(mktemp -d)
mount -t tmpfs -o size=256M vduse-cli "$work" || { echo "Bail out! cannot mount tmpfs"; exit 1; }
cleanup() {
  local name
  for name in vc0 vc1 vc2 vt0 qd0; do "$VDPA" dev del "$name" >/dev/null 2>&1; done
  vduse_blk_stop qd0 >/dev/null 2>&1
  sleep 0.5
  umount "$work" 2>/dev/null
  rmdir "$work" 2>/dev/null
}
trap cleanup EXIT

# The disk virtio_vdpa made of device NAME, right away: dev add returned
# only once it existed.
disk_now() {
  local d
  for d in /sys/bus/vdpa/devices/"$1"/virtio*/block/*; do
    [ -e "$d" ] && { echo "${d##*/}"; return 0; }
  done
  return 1
}

# --- virtio_vdpa: two queues, one command -----------------------------------
head -c $((32 << 20)) /dev/urandom > "$work/disk0.img"
cp "$work/disk0.img" "$work/disk0.orig"
check "dev add name vc0 mgmtdev vduse file F queues 2 driver virtio_vdpa" \
  "$VDPA" dev add name vc0 mgmtdev vduse file "$work/disk0.img" queues 2 driver virtio_vdpa
vd=$(disk_now vc0)
check "the disk exists when dev add returns ($vd)" test -n "$vd" -a -b "/dev/$vd"
check "it reads back the file's bytes" \
  bash -c 'dd if=/dev/$0 bs=1M iflag=direct status=none | cmp - "$1"' "$vd" "$work/disk0.orig"
check "two queues reach blk-mq" bash -c '[ "$(ls /sys/block/$0/mq | wc -l)" = 2 ]' "$vd"
check "it is writable (/sys/block/$vd/ro is 0)" bash -c '[ "$(cat /sys/block/$0/ro)" = 0 ]' "$vd"
pid0=$(served_pid vc0)
check "dev show -d (JSON) names the file and a live vdpa-blk-server ($pid0)" \
  bash -c '"$VDPA" -j -d dev show vc0 | python3 -c "
import json, sys
d = json.load(sys.stdin)[\"dev\"][\"vc0\"]
assert d[\"file\"] == sys.argv[1], d
assert d[\"disk\"] == sys.argv[2], d
" "$0" "$1" && [ "$(cat /proc/$2/comm)" = vdpa-blk-server ]' "$work/disk0.img" "$vd" "$pid0"
check "dev show -d (text) ends with: file PATH server_pid PID" \
  bash -c '"$VDPA" -d dev show vc0 | grep -qx ".* disk $0 file $1 server_pid $2"' "$vd" "$work/disk0.img" "$pid0"
check "dev show without -d is iproute2's (no file, no server_pid)" \
  bash -c 'diff <("$0" -j dev show vc0) <("$1" -j dev show vc0)' "$VDPA" "$REF"
check "fio randwrite with verify=crc32c passes" fio_verify "/dev/$vd" 16M
check "the backing file holds exactly what the disk holds" \
  bash -c 'dd if=/dev/$0 bs=1M iflag=direct status=none | cmp - "$1"' "$vd" "$work/disk0.img"
check "the backing file verifies (fio verify_only on the file)" \
  fio_verify "$work/disk0.img" 16M --verify_only --direct=0
check "beyond fio's range the file is unchanged" \
  cmp <(tail -c +$((16 << 20 + 1)) "$work/disk0.img") <(tail -c +$((16 << 20 + 1)) "$work/disk0.orig")
check "dev del vc0" "$VDPA" dev del vc0
check "nothing is left of vc0 (vDPA, VDUSE, process, record)" served_gone vc0 "$pid0"

# --- read-only, queue_size, blk_size -----------------------------------------
head -c $((8 << 20)) /dev/urandom > "$work/disk1.img"
cp "$work/disk1.img" "$work/disk1.orig"
chmod 0444 "$work/disk1.img"
check "dev add vc1 file F readonly queue_size 128 blk_size 4096 driver virtio_vdpa" \
  "$VDPA" dev add name vc1 mgmtdev vduse file "$work/disk1.img" readonly queue_size 128 \
  blk_size 4096 driver virtio_vdpa
vd=$(disk_now vc1)
check "/sys/block/$vd/ro is 1" bash -c '[ "$(cat /sys/block/$0/ro)" = 1 ]' "$vd"
check "one queue by default" bash -c '[ "$(ls /sys/block/$0/mq | wc -l)" = 1 ]' "$vd"
check "logical_block_size is 4096" \
  bash -c '[ "$(cat /sys/block/$0/queue/logical_block_size)" = 4096 ]' "$vd"
check "max_vq_size is 128" bash -c '"$VDPA" dev show vc1 | grep -q "max_vq_size 128"'
check "writing to it fails" bash -c '! dd if=/dev/zero of=/dev/$0 bs=4k count=1 oflag=direct status=none' "$vd"
check "the file is unchanged" cmp "$work/disk1.img" "$work/disk1.orig"
pid1=$(served_pid vc1)
check "dev del vc1" "$VDPA" dev del vc1
check "nothing is left of vc1" served_gone vc1 "$pid1"

# --- vhost_vdpa ----------------------------------------------------------------
head -c $((4 << 20)) /dev/urandom > "$work/disk2.img"
check "dev add vc2 file F driver vhost_vdpa" \
  "$VDPA" dev add name vc2 mgmtdev vduse file "$work/disk2.img" driver vhost_vdpa
check "its /dev/vhost-vdpa-N exists when dev add returns" \
  bash -c 'for c in /sys/bus/vdpa/devices/vc2/vhost-vdpa-*; do [ -c /dev/${c##*/} ] && exit 0; done; exit 1'
check "dev show -d names the chardev, the file and the server" \
  bash -c '"$VDPA" -d dev show vc2 | grep -q "driver vhost_vdpa .*chardev /dev/vhost-vdpa-[0-9]* .*file $0 server_pid [0-9]"' \
  "$work/disk2.img"
cp "$work/disk2.img" "$work/disk2.orig"
chardev=
for c in /sys/bus/vdpa/devices/vc2/vhost-vdpa-*; do chardev=/dev/${c##*/}; done
check "a userspace driver reads the first 64 KiB through $chardev: the file's bytes" \
  bash -c '"$0" "$1" read 0 128 | cmp - <(head -c 65536 "$2")' "$DRIVER" "$chardev" "$work/disk2.orig"
head -c $((96 * 512)) /dev/urandom > "$work/written"
check "it writes 96 sectors at sector 1000" \
  bash -c '"$0" "$1" write 1000 96 < "$2"' "$DRIVER" "$chardev" "$work/written"
check "it reads them back" \
  bash -c '"$0" "$1" read 1000 96 | cmp - "$2"' "$DRIVER" "$chardev" "$work/written"
check "the backing file holds them at byte 512000" \
  bash -c 'cmp <(dd if="$0" bs=512 skip=1000 count=96 status=none) "$1"' "$work/disk2.img" "$work/written"
check "and nothing else changed in the file" \
  bash -c 'cmp <(head -c 512000 "$0") <(head -c 512000 "$1") &&
           cmp <(tail -c +$((1096 * 512 + 1)) "$0") <(tail -c +$((1096 * 512 + 1)) "$1")' \
  "$work/disk2.img" "$work/disk2.orig"
pid2=$(served_pid vc2)
check "dev del vc2" "$VDPA" dev del vc2
check "nothing is left of vc2" served_gone vc2 "$pid2"

# --- bad input: message, exit 1, nothing left ------------------------------------
head -c $((1 << 20)) /dev/zero > "$work/good.img"
head -c 1000 /dev/zero > "$work/odd.img"
head -c 4096 /dev/zero > "$work/locked.img"
chmod 0000 "$work/locked.img"
mkdir "$work/dir"
before_show=$("$VDPA" -j dev show)
before_servers=$(processes_named "$SERVER_COMM")
add() { "$VDPA" dev add name vbad mgmtdev vduse "$@"; }
refused_add "a missing file" "^Error: cannot open $work/none.img: No such file or directory" \
  add file "$work/none.img"
refused_add "an unreadable file (root without CAP_DAC_OVERRIDE)" \
  "^Error: cannot open $work/locked.img: Permission denied" \
  setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search \
  -- "$VDPA" dev add name vbad mgmtdev vduse file "$work/locked.img"
refused_add "a directory" "^Error: .*$work/dir.*(directory|Is a directory)" add file "$work/dir"
refused_add "a size that is not a multiple of the block size" \
  "^Error: the backing file's size 1000 is not a multiple of the block size 512" add file "$work/odd.img"
refused_add "queues 0" "^Error: queues must be between 1 and 64" add file "$work/good.img" queues 0
refused_add "queues 65 (above the limit)" "^Error: queues must be between 1 and 64" add file "$work/good.img" queues 65
refused_add "queue_size 100 (not a power of two)" "^Error: queue_size must be a power of two between 2 and 1024" \
  add file "$work/good.img" queue_size 100
refused_add "queue_size 2048 (over the limit)" "^Error: queue_size must be a power of two between 2 and 1024" \
  add file "$work/good.img" queue_size 2048
refused_add "blk_size 1000" "^Error: blk_size must be a power of two" add file "$work/good.img" blk_size 1000
refused_add "backend keywords with mgmtdev vdpasim_blk" "need mgmtdev vduse.*not \"vdpasim_blk\"" \
  "$VDPA" dev add name vbad mgmtdev vdpasim_blk file "$work/good.img"
refused_add "tuning keywords without a backend" "configure a backend: give one \(file PATH or tap IFNAME\)" \
  add queues 2
refused_add "mac with a file backend" "mac, mtu, max_vqp and device_features do not apply" \
  add file "$work/good.img" mac 02:00:00:00:00:01
refused_add "file given twice" "given more than once" add file "$work/good.img" file "$work/good.img"
refused_add "file without a value" "needs a value \(PATH\)" add file
refused_add "not root (uid 65534)" "needs root" \
  setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VDPA" dev add name vbad mgmtdev vduse file "$work/good.img"

# A name already taken: by one of ours, and by a VDUSE device another program serves.
check "dev add vt0 (for the taken-name cases)" \
  "$VDPA" dev add name vt0 mgmtdev vduse file "$work/good.img" driver none
before_show=$("$VDPA" -j dev show)
before_servers=$(processes_named "$SERVER_COMM")
vt0_pid=$(served_pid vt0)
taken() {  # like refused_add, but vt0 and its server stay
  local err rc
  err=$("$VDPA" dev add name vt0 mgmtdev vduse file "$work/good.img" 2>&1); rc=$?
  [ "$rc" = 1 ] && printf '%s' "$err" | grep -q 'a vDPA device named "vt0" already exists' &&
    [ "$("$VDPA" -j dev show)" == "$before_show" ] && [ "$(processes_named "$SERVER_COMM")" == "$before_servers" ] &&
    [ "$(ls /sys/class/vduse | grep -vx control)" = vt0 ] && kill -0 "$vt0_pid" ||
    { echo "rc $rc: $err"; return 1; }
}
check "a name already taken on the vDPA bus: refused, the device and its server untouched" taken
check "dev del vt0" "$VDPA" dev del vt0
check "nothing is left of vt0" served_gone vt0 "$vt0_pid"
if command -v qemu-storage-daemon >/dev/null && vduse_blk_export qd0 4; then
  before_show=$("$VDPA" -j dev show)
  before_servers=$(processes_named "$SERVER_COMM")
  err=$("$VDPA" dev add name qd0 mgmtdev vduse file "$work/good.img" 2>&1); rc=$?
  if [ "$rc" = 1 ] && printf '%s' "$err" | grep -q 'a VDUSE device named "qd0" already exists' &&
     [ "$(processes_named "$SERVER_COMM")" == "$before_servers" ] && [ "$("$VDPA" -j dev show)" == "$before_show" ]; then
    tap_ok "a name a VDUSE device of another program has: refused, not taken over"
  else tap_not_ok "a name a VDUSE device of another program has"; echo "rc $rc: $err" | tap_diag; fi

  # --- compatibility: without a backend keyword, iproute2's dev add ---------
  check "plain dev add name qd0 mgmtdev vduse attaches qemu-storage-daemon's device" \
    "$VDPA" dev add name qd0 mgmtdev vduse driver virtio_vdpa
  check "its disk exists" bash -c 'd=$(ls /sys/bus/vdpa/devices/qd0/virtio*/block/); [ -b /dev/$d ]'
  check "dev show -d names no file nor server_pid for it" \
    bash -c '! "$VDPA" -j -d dev show qd0 | grep -qE "\"(file|server_pid)\""'
  check "dev del qd0 deletes it and leaves qemu-storage-daemon serving" \
    bash -c '"$VDPA" dev del qd0 && [ -e /dev/vduse/qd0 ] && kill -0 "$(cat $0/qd0.pid)"' "$VDUSE_BLK_DIR"
  vduse_blk_stop qd0
else
  tap_skip "a VDUSE device of another program; compatibility" "no qemu-storage-daemon"
fi

# --- interrupted: a signal in the middle of dev add ----------------------------
# `dev add ... file PATH` makes a VDUSE device (the server), a vDPA device
# and a binding in turn. A SIGTERM to it, or the terminal's SIGINT or
# SIGHUP to its whole process group, while it works must leave either
# nothing (exit 1, "interrupted by SIG...") or, when it came too late to
# matter, a complete device that dev del removes. vdpa runs in a session
# of its own (setsid), as a foreground job has its own process group.
before_servers=$(processes_named "$SERVER_COMM")
# interrupted_add DESCRIPTION SIGNAL TARGET TRIGGER: SIGNAL goes to vdpa
# (TARGET pid) or to its whole group (TARGET group) once TRIGGER exists.
interrupted_add() {
  local description=$1 signal=$2 target=$3 trigger=$4 pid rc err try problems= outcome
  setsid "$VDPA" dev add name vi0 mgmtdev vduse file "$work/good.img" driver virtio_vdpa \
    >/dev/null 2>"$work/vi0.err" &
  pid=$!
  for try in $(seq 400); do [ -e "$trigger" ] && break; sleep 0.01; done
  if [ "$target" = group ]; then kill "-$signal" -- "-$pid"; else kill "-$signal" "$pid"; fi
  wait "$pid"; rc=$?
  err=$(cat "$work/vi0.err")
  if [ -e /sys/bus/vdpa/devices/vi0 ]; then
    outcome="the add had completed (exit $rc): a complete device"
    [ -n "$(disk_now vi0)" ] || problems+="vi0 exists but has no disk"$'\n'
    local pid_vi0; pid_vi0=$(served_pid vi0 2>/dev/null)
    [ -n "$pid_vi0" ] && kill -0 "$pid_vi0" 2>/dev/null || problems+="vi0 has no live server"$'\n'
    "$VDPA" dev del vi0 || problems+="dev del vi0 failed"$'\n'
    problems+=$(served_gone vi0 "$pid_vi0")
  else
    outcome="interrupted (exit $rc): $err"
    [ "$rc" = 1 ] || problems+="exit status $rc, not 1"$'\n'
    printf '%s' "$err" | grep -q "interrupted by SIG$signal" ||
      problems+="stderr does not say it was interrupted"$'\n'
    problems+=$(served_gone vi0 "")  # no pid: the processes below
  fi
  sleep 0.2  # a server stopping on its own would be gone by now
  [ "$(processes_named "$SERVER_COMM")" == "$before_servers" ] || problems+="servers now: $(processes_named "$SERVER_COMM" | tr '\n' ' ')"$'\n'
  if [ -z "$problems" ]; then tap_ok "$description"; echo "$outcome" | tap_diag
  else
    tap_not_ok "$description"; { printf '%s' "$problems"; echo "$outcome"; } | tap_diag
    # Clean up for the cases after this one.
    "$VDPA" dev del vi0 >/dev/null 2>&1
    for pid in $(processes_named "$SERVER_COMM"); do printf '%s\n' $before_servers | grep -qx "$pid" || kill "$pid"; done
    sleep 1
    # VDUSE_DESTROY_DEV: _IOW(0x81, 3, char[256]).
    [ -e /sys/class/vduse/vi0 ] && python3 -c '
import fcntl, sys
fcntl.ioctl(open("/dev/vduse/control", "rb"), 0x41008103, sys.argv[1].encode().ljust(256, b"\0"))' vi0 2>/dev/null
    rm -f /run/vdpa/served/vi0.json
  fi
}
interrupted_add "SIGTERM to dev add while its server starts: nothing left, or a complete device" \
  TERM pid /dev/vduse/vi0
interrupted_add "the terminal's SIGINT to dev add's group while its server starts" \
  INT group /dev/vduse/vi0
interrupted_add "the terminal's SIGHUP to dev add's group while its server starts" \
  HUP group /dev/vduse/vi0
interrupted_add "SIGTERM to dev add while its vDPA device binds" \
  TERM pid /sys/bus/vdpa/devices/vi0

# No vduse module: say which module. Put back from the VM image's copy.
# The module can be unloaded only while nothing holds it. Linux 7.3.4
# (trixie-backports' stock kernel) leaks a reference each time a VDUSE
# device that was on the vDPA bus before is added again: measured here,
# /sys/module/vduse/refcnt, a qemu-storage-daemon disk added and deleted
# three times, then stopped, no VDUSE device left: 0 before, 2 after; one
# add and delete: 0 after; a refused add (no such VDUSE device, name
# taken, mac): nothing. The vm-newest scripts before this one re-add
# their disks, so vduse stays in use until the VM reboots, with no device,
# no server and no open /dev/vduse file. Inferred cause (from the patch,
# not from Debian's source): in "vduse: add vq group asid support" (Eugenio
# Perez, v8 posted 2025-10-30) vdpa_dev_add() creates the IOVA domain of
# every address space on each add, where 6.12 reuses dev->domain, and
# overwrites the previous one without destroying it; a domain holds an
# anonymous-inode file whose file_operations belong to the vduse module.
# 6.12 does not leak (vduse-blk-cli passes its rmmod case in suite vm). Where the module is held, its absence is shown through
# what vdpa looks at, /dev/vduse/control, hidden in a mount namespace of
# its own: the same check, the same message, nothing else differs.
VDUSE_MODULE=$VDPA_VM_IMAGE/modules/vduse.ko
vduse_refcnt=$(cat /sys/module/vduse/refcnt)
if [ "$vduse_refcnt" != 0 ]; then
  echo "vduse is held (refcnt $vduse_refcnt) with VDUSE devices [$(ls /sys/class/vduse | grep -vx control | tr '\n' ' ')]: /dev/vduse/control hidden instead of rmmod" | tap_diag
  before_show=$("$VDPA" -j dev show)
  before_servers=$(processes_named "$SERVER_COMM")
  refused_add "no vduse module (held by the kernel: /dev/vduse/control hidden): the message names it" \
    "/dev/vduse/control does not exist: the kernel module vduse is not loaded \(modprobe vduse\)" \
    unshare -m bash -c 'mount -t tmpfs none /dev/vduse && exec "$0" dev add name vbad mgmtdev vduse file "$1"' \
    "$VDPA" "$work/good.img"
  check "outside that namespace /dev/vduse/control is still there" test -c /dev/vduse/control
elif [ ! -f "$VDUSE_MODULE" ]; then
  tap_not_ok "vduse.ko in the VM image ($VDUSE_MODULE)"
elif rmmod vduse; then
  before_show=$("$VDPA" -j dev show)
  before_servers=$(processes_named "$SERVER_COMM")
  refused_add "no vduse module: the message names it" \
    "/dev/vduse/control does not exist: the kernel module vduse is not loaded \(modprobe vduse\)" \
    add file "$work/good.img"
  insmod "$VDUSE_MODULE"
  check "the vduse module is back" test -e /dev/vduse/control
else
  tap_not_ok "rmmod vduse (to test its absence; refcnt was 0)"
fi
tap_done
