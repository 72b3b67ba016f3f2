#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vdpa monitor, started in the background, reports what happens to a net
# and a block device in order: add, bind, what the driver makes of it,
# unbind, delete. In text and as JSON lines.
set -u
. "$(dirname "$0")/lib.sh"
reset_state
WORK=$(mktemp -d)

# The same life for both runs; each step waits for the command to return.
life() {
  "$VDPA" dev add name n0 mgmtdev vdpasim_net
  "$VDPA" dev set name n0 driver vhost_vdpa
  "$VDPA" dev set name n0 driver none
  "$VDPA" dev del n0
  "$VDPA" dev add name b0 mgmtdev vdpasim_blk driver virtio_vdpa
  "$VDPA" dev set name b0 driver vhost_vdpa
  "$VDPA" dev del b0
}

# watch OUTPUT [OPTIONS]: the monitor's output over one life.
watch() {
  local output=$1; shift
  "$VDPA" "$@" monitor >"$output" 2>"$output.err" &
  local pid=$!
  sleep 1  # subscribed well before the first event
  life
  sleep 1
  kill -TERM $pid
  wait $pid
  echo $? >"$output.rc"
}

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
if python3 - "$WORK/text" "$expected" <<'PY'
import re, sys
got = open(sys.argv[1]).read().splitlines()
want = sys.argv[2].splitlines()
ok = len(got) == len(want) and all(re.fullmatch(w, g) for w, g in zip(want, got))
if not ok:
    print("\n".join(f"got: {g}" for g in got))
sys.exit(0 if ok else 1)
PY
then tap_ok "text events in order"; else tap_not_ok "text events in order"; fi
check "the monitor exits 0 on SIGTERM" test "$(cat "$WORK/text.rc")" = 0
check "and printed no errors" test ! -s "$WORK/text.err"

watch "$WORK/json" -j
if python3 - "$WORK/json" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
summary = [(e["object"], e["action"], e["dev"]) for e in events]
assert summary[0] == ("dev", "add", "n0"), summary
assert {"object": "dev", "action": "bind", "dev": "n0", "driver": "vhost_vdpa"} in events
assert any(e["object"] == "chardev" and e["chardev"].startswith("/dev/vhost-vdpa-") for e in events)
assert any(e["object"] == "netdev" and e["action"] == "add" and e["netdev"].startswith("eth") for e in events)
assert any(e["object"] == "disk" and e["action"] == "del" and e["disk"].startswith("vd") for e in events)
assert any(e["object"] == "virtio" and "virtio_device" in e for e in events)
assert summary[-1] == ("dev", "del", "b0"), summary
assert len(events) == 24, len(events)
PY
then tap_ok "JSON lines, one event each"; else tap_not_ok "JSON lines, one event each"; cat "$WORK/json" | tap_diag; fi

# The examples of vdpa-monitor(8) are the net device's part of these runs
# (the page shows one boot's numbers: eth0, virtio2, vhost-vdpa-0).
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
