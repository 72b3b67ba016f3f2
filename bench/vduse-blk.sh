#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our VDUSE block server against qemu-storage-daemon's vduse-blk export,
# in one VM boot, alternating rounds, on identical tmpfs-backed files:
# fio (libaio, direct) 4k random read and write at depth 32, 128k
# sequential read at depth 8. Prints IOPS, bandwidth, the serving
# process's CPU time per I/O, and the ratios ours/qsd. For context, the
# same jobs on vdpa_sim_blk (in-kernel, no serving process: no CPU figure)
# and on the backing file itself (tmpfs has no direct I/O: buffered).
# Run by a person, never by meson test:
#
#   bench/vduse-blk.sh BUILD_DIR [ROUNDS] [SECONDS]
#
# Inside the VM (vmctl) it runs itself again with --in-vm.
set -u
if [ "${1:-}" != --in-vm ]; then
  build=$(cd "${1:?build directory}" && pwd)
  here=$(cd "$(dirname "$0")" && pwd)
  VDPA_VM_SESSION=$build/tests/vm-session exec heavy "$here/../tests/vm/vmctl" run -- \
    "$here/vduse-blk.sh" --in-vm "$build/vdpa/vdpa" "$build/device/vdpa-blk-server" \
    "${2:-3}" "${3:-10}"
fi
VDPA=$2 SERVER=$3 ROUNDS=$4 SECONDS_PER_JOB=$5
FIO=${FIO:-/usr/bin/fio}
QSD=${QSD:-$(command -v qemu-storage-daemon)}
work=$(mktemp -d)
mount -t tmpfs -o size=1G bench "$work" || exit 1
trap 'umount "$work"; rmdir "$work"' EXIT
head -c $((256 << 20)) /dev/urandom > "$work/seed.img"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
disk_of() {
  local tries d
  for tries in $(seq 100); do
    for d in /sys/bus/vdpa/devices/"$1"/virtio*/block/*; do
      [ -e "$d" ] && { echo "${d##*/}"; return 0; }
    done
    sleep 0.1
  done
  return 1
}
start_ours() {  # NAME FILE -> PID
  "$SERVER" --name "$1" --file "$2" --inflight "$work/$1.inflight" --detach \
    --pidfile "$work/$1.pid" || return 1
  cat "$work/$1.pid"
}
start_qsd() {
  "$QSD" --blockdev driver=file,node-name=disk,filename="$2",cache.direct=off \
    --export type=vduse-blk,id=export,node-name=disk,name="$1",writable=on,num-queues=1,queue-size=256 \
    >"$work/qsd.log" 2>&1 &
  local pid=$! tries
  for tries in $(seq 100); do
    [ -e "/sys/class/vduse/$1" ] && break
    sleep 0.1
  done
  sleep 0.5
  echo "$pid"
}
start_sim() {  # the simulator serves itself: no process to measure
  "$VDPA" dev add name "$1" mgmtdev vdpasim_blk driver virtio_vdpa || return 1
  echo 0
}
stop() {  # PID (ours leaves with its vDPA device: it may be gone already)
  [ "$1" = 0 ] && return 0
  kill -TERM "$1" 2>/dev/null
  while kill -0 "$1" 2>/dev/null; do sleep 0.1; done
}

results=$work/results.txt
jobs="randread:4k:32 randwrite:4k:32 read:128k:8"
for round in $(seq "$ROUNDS"); do
  order="ours qsd sim file"
  [ $((round % 2)) = 0 ] && order="qsd ours file sim"
  for who in $order; do
    name=bench$who target= direct=1 size=256M pid=0
    [ "$who" = sim ] || cp "$work/seed.img" "$work/$who.img"
    case $who in
      file) target=$work/$who.img direct=0 ;;
      sim)
        # vdpa_sim_blk's disk is 128 MiB.
        size=128M
        pid=$(start_sim "$name") || { echo "cannot add vdpa_sim_blk"; exit 1; } ;;
      *)
        pid=$("start_$who" "$name" "$work/$who.img") || { echo "cannot start $who"; exit 1; }
        "$VDPA" dev add name "$name" mgmtdev vduse driver virtio_vdpa || exit 1 ;;
    esac
    if [ -z "$target" ]; then
      vd=$(disk_of "$name") || { echo "no disk for $name"; exit 1; }
      target=/dev/$vd
    fi
    for job in $jobs; do
      IFS=: read -r rw bs depth <<<"$job"
      before=0 after=0
      [ "$pid" = 0 ] || before=$(cpu_ticks "$pid")
      json=$("$FIO" --name=b --filename="$target" --rw="$rw" --bs="$bs" --iodepth="$depth" \
        --ioengine=libaio --direct="$direct" --runtime="$SECONDS_PER_JOB" --time_based --size="$size" \
        --output-format=json)
      [ "$pid" = 0 ] || after=$(cpu_ticks "$pid")
      python3 -c '
import json, sys
j = json.loads(sys.argv[1])["jobs"][0]
side = j["read"] if j["read"]["io_bytes"] else j["write"]
ios = side["total_ios"]
ticks = int(sys.argv[5]) - int(sys.argv[4])
cpu_us = ticks * 1e6 / 100 / max(ios, 1) if sys.argv[2] in ("ours", "qsd") else -1
print(sys.argv[2], sys.argv[3], round(side["iops"]), round(side["bw_bytes"] / 1e6, 1), round(cpu_us, 2))
' "$json" "$who" "$rw-$bs-qd$depth" "$before" "$after" >> "$results"
      tail -1 "$results"
    done
    [ "$who" = file ] || "$VDPA" dev del "$name"
    stop "$pid"
    rm -f "$work/$who.img"
  done
done
echo "# per contender and job: median over rounds of IOPS, MB/s, CPU us per I/O"
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
data = {}
for who, job, iops, bw, cpu in rows:
    data.setdefault((who, job), []).append((float(iops), float(bw), float(cpu)))
jobs = sorted({job for _, job in data})
print(f"{'job':22} {'who':5} {'IOPS':>9} {'MB/s':>8} {'CPU us/IO':>10}")
med = {}
for job in jobs:
    for who in ("ours", "qsd", "sim", "file"):
        v = data.get((who, job), [])
        if not v:
            continue
        m = tuple(statistics.median(x[i] for x in v) for i in range(3))
        med[(who, job)] = m
        cpu = f"{m[2]:10.2f}" if m[2] >= 0 else f"{'-':>10}"
        print(f"{job:22} {who:5} {m[0]:9.0f} {m[1]:8.1f} {cpu}")
print("# ratios ours/qsd")
for job in jobs:
    if ("ours", job) in med and ("qsd", job) in med:
        o, q = med[("ours", job)], med[("qsd", job)]
        print(f"{job:22} IOPS x{o[0]/q[0]:.2f}  bandwidth x{o[1]/q[1]:.2f}  CPU/IO x{o[2]/max(q[2],1e-9):.2f}")
PY
