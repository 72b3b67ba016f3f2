#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our VDUSE block server on the real kernel: a tmpfs file becomes a vDPA
# disk through virtio_vdpa; it reads back the file, fio writes and
# verifies, the file holds what was written, queues and read-only reach
# the block layer, a SIGKILLed server restarted finishes a fio verify run
# without error, and teardown leaves nothing.
#
#   vduse-blk.sh SERVER   (VDPA from the environment, as for every vm test)
set -u
. "$(dirname "$0")/lib.sh"
SERVER=${1:?the vdpa-blk-server binary}
FIO=${FIO:-/usr/bin/fio}
reset_state

work=$(mktemp -d)
mount -t tmpfs -o size=512M vduse-blk "$work" || { echo "Bail out! cannot mount tmpfs"; exit 1; }
cleanup() {
  local name
  for name in vb0 vb1 vb2; do
    "$VDPA" dev del "$name" >/dev/null 2>&1
    [ -f "$work/$name.pid" ] && kill -TERM "$(cat "$work/$name.pid")" 2>/dev/null
  done
  sleep 0.5
  umount "$work" 2>/dev/null
  rmdir "$work" 2>/dev/null
}
trap cleanup EXIT

# start_server NAME FILE [ARG]...: detached; returns once it answers.
start_server() {
  local name=$1 file=$2; shift 2
  "$SERVER" --name "$name" --file "$file" --inflight "$work/$name.inflight" \
    --detach --pidfile "$work/$name.pid" "$@"
}
# The disk virtio_vdpa made of device NAME (vda, vdb, ...), waiting briefly.
disk_of() {
  local tries d
  for tries in $(seq 50); do
    for d in /sys/bus/vdpa/devices/"$1"/virtio*/block/*; do
      [ -e "$d" ] && { echo "${d##*/}"; return 0; }
    done
    sleep 0.1
  done
  return 1
}
# server_ended PID: the server that published its record ended with dev del
# (vdpa stops the server of a device it finds a record for), at once.
server_ended() {
  ! kill -0 "$1" 2>/dev/null || { echo "process $1 still running after dev del"; return 1; }
}

# --- a disk with two queues --------------------------------------------------
head -c $((64 << 20)) /dev/urandom > "$work/disk0.img"
cp "$work/disk0.img" "$work/disk0.orig"
check "the server starts (detached, answers the kernel)" start_server vb0 "$work/disk0.img" --queues 2
check "the VDUSE device exists" test -e /sys/class/vduse/vb0
check "vdpa dev add name vb0 mgmtdev vduse driver virtio_vdpa" \
  "$VDPA" dev add name vb0 mgmtdev vduse driver virtio_vdpa
vd=$(disk_of vb0)
check "a virtio disk appears ($vd)" test -n "$vd" -a -b "/dev/$vd"
check "its size is the file's" bash -c '[ $(( $(cat /sys/block/$0/size) * 512 )) = $((64 << 20)) ]' "$vd"
check "it reads back the file's bytes" bash -c 'dd if=/dev/$0 bs=1M iflag=direct status=none | cmp - "$1"' \
  "$vd" "$work/disk0.orig"
check "two queues reach blk-mq (/sys/block/$vd/mq)" \
  bash -c '[ "$(ls /sys/block/$0/mq | wc -l)" = 2 ]' "$vd"
check "it is writable (/sys/block/$vd/ro is 0)" bash -c '[ "$(cat /sys/block/$0/ro)" = 0 ]' "$vd"
check "fio randwrite with verify=crc32c passes" fio_verify "/dev/$vd" 32M
check "the disk and the backing file agree byte for byte" \
  bash -c 'dd if=/dev/$0 bs=1M iflag=direct status=none | cmp - "$1"' "$vd" "$work/disk0.img"
check "the backing file holds what fio wrote (fio verify_only on the file)" \
  fio_verify "$work/disk0.img" 32M --verify_only --direct=0
check "beyond fio's range the file is unchanged" \
  cmp <(tail -c +$((32 << 20 + 1)) "$work/disk0.img") <(tail -c +$((32 << 20 + 1)) "$work/disk0.orig")
check "discard reaches the file (blkdiscard, 1 MiB)" blkdiscard -o $((40 << 20)) -l $((1 << 20)) "/dev/$vd"
check "the discarded range reads as zeroes in the file" \
  cmp <(dd if="$work/disk0.img" bs=1M skip=40 count=1 status=none) <(head -c $((1 << 20)) /dev/zero)
pid0=$(cat "$work/vb0.pid")
check "vdpa dev del vb0" "$VDPA" dev del vb0
check "dev del stopped the server" server_ended "$pid0"
check "nothing is left (no /sys/class/vduse/vb0, no process)" served_gone vb0 "$pid0"

# --- read-only ---------------------------------------------------------------
head -c $((16 << 20)) /dev/urandom > "$work/disk1.img"
cp "$work/disk1.img" "$work/disk1.orig"
chmod 0444 "$work/disk1.img"
check "a read-only server starts on a read-only file" start_server vb1 "$work/disk1.img" --readonly
check "add vb1" "$VDPA" dev add name vb1 mgmtdev vduse driver virtio_vdpa
vd=$(disk_of vb1)
check "/sys/block/$vd/ro is 1" bash -c '[ "$(cat /sys/block/$0/ro)" = 1 ]' "$vd"
check "one queue: /sys/block/$vd/mq has one entry" bash -c '[ "$(ls /sys/block/$0/mq | wc -l)" = 1 ]' "$vd"
check "writing to it fails" bash -c '! dd if=/dev/zero of=/dev/$0 bs=4k count=1 oflag=direct status=none' "$vd"
check "the file is unchanged" cmp "$work/disk1.img" "$work/disk1.orig"
pid1=$(cat "$work/vb1.pid")
check "del vb1" "$VDPA" dev del vb1
check "dev del stopped its server" server_ended "$pid1"
check "nothing is left of vb1" served_gone vb1 "$pid1"

# --- SIGKILL in the middle of a fio verify run --------------------------------
head -c $((64 << 20)) /dev/zero > "$work/disk2.img"
check "server for vb2 starts" start_server vb2 "$work/disk2.img" --queues 2
check "add vb2" "$VDPA" dev add name vb2 mgmtdev vduse driver virtio_vdpa
vd=$(disk_of vb2)
fio_verify "/dev/$vd" 64M --iodepth=32 > "$work/fio2.out" 2>&1 &
fio_pid=$!
sleep 2
killed=$(cat "$work/vb2.pid")
check "fio is still running when the server is killed" kill -0 $fio_pid
check "SIGKILL the server" kill -KILL "$killed"
sleep 1
check "the server starts again and takes the device over" start_server vb2 "$work/disk2.img" --queues 2
check "the restarted server is a new process" bash -c '[ "$(cat "$0")" != "$1" ]' "$work/vb2.pid" "$killed"
if wait $fio_pid; then tap_ok "fio completes and verifies after the restart"
else tap_not_ok "fio completes and verifies after the restart"; tap_diag < "$work/fio2.out"; fi
check "no I/O error in the kernel log for $vd" bash -c '! dmesg | grep -q "I/O error, dev $0"' "$vd"
check "the backing file holds what fio wrote" \
  fio_verify "$work/disk2.img" 64M --iodepth=32 --verify_only --direct=0
pid2=$(cat "$work/vb2.pid")
check "del vb2" "$VDPA" dev del vb2
check "dev del stopped the restarted server" server_ended "$pid2"
check "nothing is left of vb2" served_gone vb2 "$pid2"
tap_done
