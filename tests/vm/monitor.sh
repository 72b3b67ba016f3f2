#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vdpa monitor, started in the background, reports what happens to a net
# and a block device in order: add, bind, what the driver makes of it,
# unbind, delete. In text and as JSON lines.
#
# With MONITOR_BED=vduse (a stock kernel, no simulator), the life is a
# VDUSE disk's, served by qemu-storage-daemon, and so is the probe's.
set -u
. "$(dirname "$0")/lib.sh"
reset_state
WORK=$(mktemp -d)
BED=${MONITOR_BED:-simulators}

# The same life for both runs; each step waits for the command to return.
life() {
  if [ "$BED" = vduse ]; then
    "$VDPA" dev add name b0 mgmtdev vduse driver virtio_vdpa
    "$VDPA" dev set name b0 driver vhost_vdpa
    "$VDPA" dev del b0
    return
  fi
  "$VDPA" dev add name n0 mgmtdev vdpasim_net
  "$VDPA" dev set name n0 driver vhost_vdpa
  "$VDPA" dev set name n0 driver none
  "$VDPA" dev del n0
  "$VDPA" dev add name b0 mgmtdev vdpasim_blk driver virtio_vdpa
  "$VDPA" dev set name b0 driver vhost_vdpa
  "$VDPA" dev del b0
}

# seen FILE LINE: wait (up to 20 s) until the monitor wrote LINE to FILE.
seen() {
  local try
  for try in $(seq 1 100); do
    grep -qxF -e "$2" "$1" && return 0
    sleep 0.2
  done
  return 1
}

# watch OUTPUT [OPTIONS]: the monitor's output over one life, in OUTPUT;
# OUTPUT.raw also has the probe device's events.
watch() {
  local output=$1; shift
  "$VDPA" "$@" monitor >"$output.raw" 2>"$output.err" &
  local pid=$!
  # It listens once it reports something: a probe device comes and goes
  # until it does. Its events are all in before the life starts (the
  # kernel queues a uevent before the command that caused it returns).
  local try probe='dev del probe' last='dev del b0'
  if [ "${1:-}" = -j ]; then
    probe='{"object":"dev","action":"del","dev":"probe"}'
    last='{"object":"dev","action":"del","dev":"b0"}'
  fi
  for try in $(seq 1 50); do
    "$VDPA" dev add name probe mgmtdev "$PROBE_MGMTDEV" driver none && "$VDPA" dev del probe
    grep -qxF -e "$probe" "$output.raw" && break
    sleep 0.2
  done
  life
  seen "$output.raw" "$last"
  kill -TERM $pid
  wait $pid
  echo $? >"$output.rc"
  grep -v -e '^[a-z]* [a-z]* probe\( \|$\)' -e '"dev":"probe"[,}]' "$output.raw" >"$output"
}

PROBE_MGMTDEV=vdpasim_net
if [ "$BED" = vduse ]; then
  PROBE_MGMTDEV=vduse
  vduse_blk_export probe 1 && vduse_blk_export b0 ||
    { echo "Bail out! qemu-storage-daemon cannot serve the disks"; exit 1; }
fi

watch "$WORK/text"
expected='dev add n0
virtio add n0 virtio[0-9]+
netdev add n0 eth[0-9]+
dev bind n0 driver virtio_vdpa
netdev del n0 eth[0-9]+
virtio del n0 virtio[0-9]+
dev unbind n0 driver virtio_vdpa
dev bind n0 driver vhost_vdpa
chardev add n0 /dev/vhost-vdpa-[0-9]+
chardev del n0 /dev/vhost-vdpa-[0-9]+
dev unbind n0 driver vhost_vdpa
dev del n0
dev add b0
virtio add b0 virtio[0-9]+
disk add b0 vd[a-z]+
dev bind b0 driver virtio_vdpa
disk del b0 vd[a-z]+
virtio del b0 virtio[0-9]+
dev unbind b0 driver virtio_vdpa
dev bind b0 driver vhost_vdpa
chardev add b0 /dev/vhost-vdpa-[0-9]+
chardev del b0 /dev/vhost-vdpa-[0-9]+
dev unbind b0 driver vhost_vdpa
dev del b0'
[ "$BED" = vduse ] && expected=${expected#*dev del n0$'\n'}
# in_order FILE text|json: the events of FILE are the expected ones, in
# order. A JSON event is read as the line text would print for it, and
# must have exactly the keys that event has.
in_order() {
  python3 - "$1" "$2" "$expected" <<'PY'
import json, re, sys
path, form, expected = sys.argv[1:4]
NAME_KEY = {"chardev": "chardev", "virtio": "virtio_device", "netdev": "netdev", "disk": "disk"}
def as_text(line):
    event = json.loads(line)
    words = [event.pop("object"), event.pop("action"), event.pop("dev")]
    if words[0] != "dev":
        words.append(event.pop(NAME_KEY[words[0]]))
    elif "driver" in event:
        words += ["driver", event.pop("driver")]
    if event:
        raise ValueError("unexpected keys %s in %s" % (sorted(event), line))
    return " ".join(words)
lines = open(path).read().splitlines()
try:
    got = [as_text(line) for line in lines] if form == "json" else lines
except (ValueError, KeyError) as error:
    print("# %s" % error)
    sys.exit(1)
want = expected.splitlines()
ok = len(got) == len(want) and all(re.fullmatch(w, g) for w, g in zip(want, got))
if not ok:
    print("\n".join("# got: %s" % g for g in got))
sys.exit(0 if ok else 1)
PY
}

if in_order "$WORK/text" text; then tap_ok "text events in order"; else tap_not_ok "text events in order"; fi
check "the monitor exits 0 on SIGTERM" test "$(cat "$WORK/text.rc")" = 0
check "and printed no errors" test ! -s "$WORK/text.err"

watch "$WORK/json" -j
if in_order "$WORK/json" json; then tap_ok "JSON lines: the same events in the same order"
else tap_not_ok "JSON lines: the same events in the same order"; cat "$WORK/json" | tap_diag; fi
check "the JSON monitor exits 0 on SIGTERM" test "$(cat "$WORK/json.rc")" = 0

# The examples of vdpa-monitor(8) are the net device's part of these runs
# (the page shows one boot's numbers: eth0, virtio2, vhost-vdpa-0).
if [ "$BED" = vduse ]; then
  vduse_blk_stop b0; vduse_blk_stop probe
  rm -rf "$WORK"; reset_state; tap_done; exit
fi
if python3 - "$(dirname "$0")/../../man/vdpa-monitor.8" "$WORK/text" "$WORK/json" <<'PY'
import re, sys
page = open(sys.argv[1]).read().replace("\\-", "-")
blocks = [block.strip().splitlines() for block in re.findall(r"^\.EX\n(.*?)^\.EE", page, re.M | re.S)]
runs = [open(path).read().splitlines() for path in sys.argv[2:4]]
number = lambda lines: [re.sub(r"(eth|virtio|vhost-vdpa-)[0-9]+", r"\1N", l) for l in lines]
ok = True
for shown, run in zip(blocks, runs):
    if number(shown) != number(run[:len(shown)]):
        ok = False
        print("\n".join(["man: " + l for l in shown] + ["run: " + l for l in run[:len(shown)]]))
sys.exit(0 if ok and len(blocks) == 2 else 1)
PY
then tap_ok "the examples of vdpa-monitor(8) are what it prints"
else tap_not_ok "the examples of vdpa-monitor(8) are what it prints"; fi
rm -rf "$WORK"
reset_state
tap_done
