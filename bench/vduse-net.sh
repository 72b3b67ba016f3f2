#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our VDUSE network server against the in-kernel ceiling, in one VM boot
# (the stock kernel: it has tun and veth): TCP throughput (iperf3, IPv6
# link-local) between the vDPA netdev and its TAP's namespace, beside a
# veth pair between two namespaces; then 64-byte UDP packets per second
# on both. Prints each figure and the ratios ours/veth. Run by a person,
# never by meson test:
#
#   bench/vduse-net.sh BUILD_DIR [SECONDS]
#
# Inside the VM (vmctl) it runs itself again with --in-vm.
set -u
if [ "${1:-}" != --in-vm ]; then
  build=$(cd "${1:?build directory}" && pwd)
  here=$(cd "$(dirname "$0")" && pwd)
  VDPA_VM_SESSION=$build/tests/vm-session exec heavy "$here/../tests/vm/vmctl" -k newest run -- \
    "$here/vduse-net.sh" --in-vm "$build/vdpa/vdpa" "$build/device/vdpa-net-server" "${2:-10}"
fi
VDPA=$2 SERVER=$3 SECONDS_PER_JOB=$4
IPERF=${IPERF:-$(command -v iperf3)}
[ -n "$IPERF" ] || { echo "no iperf3"; exit 1; }
[ -e /dev/net/tun ] || insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun
work=$(mktemp -d)
cleanup() {
  "$VDPA" dev del bn0 2>/dev/null
  for ns in bench-tap bench-va bench-vb; do ip netns del $ns 2>/dev/null; done
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT

# --- the pairs -------------------------------------------------------------
# The product's path: vdpa starts its server (SERVER is the one beside it
# in the build tree) and returns once the netdev exists.
"$VDPA" dev add name bn0 mgmtdev vduse tap btap0 driver virtio_vdpa || exit 1
for try in $(seq 50); do
  for d in /sys/bus/vdpa/devices/bn0/virtio*/net/*; do [ -e "$d" ] && nd=${d##*/}; done
  [ -n "${nd:-}" ] && break
  sleep 0.1
done
ip netns add bench-tap
ip link set btap0 netns bench-tap
ip -n bench-tap link set btap0 up
ip -n bench-tap addr add fe80::1/64 dev btap0 nodad
ip link set "$nd" up
ip addr add fe80::2/64 dev "$nd" nodad

ip netns add bench-va
ip netns add bench-vb
ip link add bveth0 netns bench-va type veth peer name bveth1 netns bench-vb
ip -n bench-va link set bveth0 up
ip -n bench-vb link set bveth1 up
ip -n bench-va addr add fe80::1/64 dev bveth0 nodad
ip -n bench-vb addr add fe80::2/64 dev bveth1 nodad
sleep 2

# measure LABEL SERVER_NS CLIENT_NS CLIENT_IF [IPERF_ARGS]...: prints bits/s
# (TCP) or packets/s (UDP) as the receiver counted them.
measure() {
  local server_ns=$1 client_ns=$2 client_if=$3; shift 3
  local run_server=(ip netns exec "$server_ns") run_client=(ip netns exec "$client_ns")
  [ "$server_ns" = - ] && run_server=()
  [ "$client_ns" = - ] && run_client=()
  "${run_server[@]}" "$IPERF" -s -1 -J > "$work/server.json" 2>/dev/null &
  local server=$!
  sleep 1
  "${run_client[@]}" "$IPERF" -c "fe80::1%$client_if" -t "$SECONDS_PER_JOB" "$@" -J \
    > "$work/client.json" 2>/dev/null
  wait $server
  python3 - "$work/server.json" "$@" <<'PY'
import json, sys
end = json.load(open(sys.argv[1]))["end"]
if "-u" in sys.argv[2:]:
    s = end["sum"]
    print(f'{s["packets"] - s["lost_packets"]} {(s["packets"] - s["lost_packets"]) / s["seconds"]:.0f}')
else:
    s = end["sum_received"]
    print(f'{s["bytes"]} {s["bits_per_second"]:.0f}')
PY
}
# The vDPA netdev is the client, the TAP's namespace the server. Rounds
# alternate (ours, veth) so that drift in a noisy machine hits both.
for round in $(seq "${ROUNDS:-2}"); do
  ours_tcp=$(measure bench-tap - "$nd" | cut -d' ' -f2)
  veth_tcp=$(measure bench-va bench-vb bveth1 | cut -d' ' -f2)
  ours_pps=$(measure bench-tap - "$nd" -u -l 64 -b 0 | cut -d' ' -f2)
  veth_pps=$(measure bench-va bench-vb bveth1 -u -l 64 -b 0 | cut -d' ' -f2)
  python3 - "$round" "$ours_tcp" "$veth_tcp" "$ours_pps" "$veth_pps" <<'PY'
import sys
r = sys.argv[1]
o_tcp, v_tcp, o_pps, v_pps = (float(x or 0) for x in sys.argv[2:])
print(f"round {r} TCP   ours {o_tcp / 1e9:.3f} Gbit/s   veth {v_tcp / 1e9:.3f} Gbit/s   ratio {o_tcp / v_tcp if v_tcp else 0:.2f}")
print(f"round {r} UDP64 ours {o_pps:,.0f} pps   veth {v_pps:,.0f} pps   ratio {o_pps / v_pps if v_pps else 0:.2f}")
PY
done
