#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our VDUSE network server on the real kernel: `vdpa dev add ... mgmtdev
# vduse tap IFNAME` makes a TAP a vDPA NIC through virtio_vdpa (and
# vhost_vdpa). The netdev has the MAC and MTU asked for; with the
# TAP moved into a network namespace and IPv6 link-local addresses on both
# ends, ping works both ways and a TCP transfer of a known payload arrives
# intact both ways; the link status follows the TAP; a SIGKILLed server
# restarted takes the device over and the link keeps working (a TCP
# transfer running across the kill arrives intact); teardown
# leaves nothing (the TAP only when it existed before); bad input, to the
# command and to the server, is refused with a clear message, exit 1 and
# nothing left.
#
#   vduse-net.sh SERVER   (VDPA from the environment, as for every vm test)
set -u
. "$(dirname "$0")/lib.sh"
SERVER=${1:?the vdpa-net-server binary}
SERVER_COMM=vdpa-net-server  # for refused_add
reset_state
[ -e /dev/net/tun ] || insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun 2>/dev/null
[ -e /dev/net/tun ] || { echo "1..0 # SKIP no tun module in this kernel"; exit 0; }

work=$(mktemp -d)
NS=vdpa-net-test
cleanup() {
  local name
  for name in vn0 vn1 vn2 vbad; do
    "$VDPA" dev del "$name" >/dev/null 2>&1
    [ -f "$work/$name.pid" ] && kill -TERM "$(cat "$work/$name.pid")" 2>/dev/null
  done
  sleep 0.5
  ip netns del $NS 2>/dev/null
  ip link del vtap1 2>/dev/null
  ip link del vtap2 2>/dev/null
  ip link del vveth0 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { local try; for try in $(seq 100); do "$@" && return 0; sleep 0.1; done; "$@"; }
carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
in_ns() { ip netns exec $NS "$@"; }
# ping6 from the VM side, or from the namespace (a few tries: neighbour
# discovery and the link coming up take a moment under TCG).
ping_tap() { busybox ping6 -c 2 -w 10 -I "$1" fe80::1; }
ping_vdpa() { in_ns busybox ping6 -c 2 -w 10 -I vtap0 fe80::2; }

# tcp_transfer FROM_NS|FROM_VM: a 4 MiB random payload over TCP, checked
# byte for byte at the other end.
TCP_PY='
import socket, sys, time
mode = sys.argv[1]
if mode == "recv":
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[2], 5001, 0, socket.if_nametoindex(sys.argv[3])))
    s.listen(1)
    s.settimeout(60)
    c, _ = s.accept()
    c.settimeout(60)
    with open(sys.argv[4], "wb") as out:
        while True:
            data = c.recv(65536)
            if not data:
                break
            out.write(data)
else:
    s = socket.create_connection((sys.argv[2] + "%" + sys.argv[3], 5001), timeout=60)
    with open(sys.argv[4], "rb") as f:
        data = f.read()
    if mode == "send":
        s.sendall(data)
    else:
        # "paced": 64 KiB every 80 ms, so the transfer is still running
        # seconds later (while its server is killed and restarted).
        for start in range(0, len(data), 65536):
            s.sendall(data[start:start + 65536])
            time.sleep(0.08)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
'
tcp_transfer() {
  local direction=$1 nd=$2 receiver
  rm -f "$work/received"
  if [ "$direction" = to_ns ]; then
    in_ns python3 -c "$TCP_PY" recv fe80::1 vtap0 "$work/received" & receiver=$!
    sleep 1
    python3 -c "$TCP_PY" send fe80::1 "$nd" "$work/payload" || return 1
  else
    python3 -c "$TCP_PY" recv fe80::2 "$nd" "$work/received" & receiver=$!
    sleep 1
    in_ns python3 -c "$TCP_PY" send fe80::2 vtap0 "$work/payload" || return 1
  fi
  wait $receiver || return 1
  cmp "$work/payload" "$work/received"
}
# paced_transfer_start ND: a paced TCP transfer from the namespace to the
# VM (about 5 s), left running. paced_transfer_wait waits for it, in this
# shell (check runs its command in a subshell, which cannot wait for our
# children); paced_transfer_arrived then says whether all of it arrived.
paced_transfer_start() {
  rm -f "$work/received-paced"
  python3 -c "$TCP_PY" recv fe80::2 "$1" "$work/received-paced" 2>"$work/paced-recv.err" &
  paced_receiver=$!
  sleep 1
  in_ns python3 -c "$TCP_PY" paced fe80::2 vtap0 "$work/payload" 2>"$work/paced-send.err" &
  paced_sender=$!
}
paced_transfer_running() {  # sent some of the payload, not all
  local got
  got=$(stat -c %s "$work/received-paced" 2>/dev/null || echo 0)
  kill -0 "$paced_sender" 2>/dev/null && [ "$got" -gt 0 ] && [ "$got" -lt $((4 << 20)) ] ||
    { echo "sender running: $(kill -0 "$paced_sender" 2>/dev/null && echo yes || echo no); received $got bytes"; return 1; }
}
paced_transfer_wait() {
  wait "$paced_sender"; paced_sender_status=$?
  wait "$paced_receiver"; paced_receiver_status=$?
}
paced_transfer_arrived() {
  [ "$paced_sender_status" = 0 ] ||
    { echo "the sender failed ($paced_sender_status):"; cat "$work/paced-send.err"; return 1; }
  [ "$paced_receiver_status" = 0 ] ||
    { echo "the receiver failed ($paced_receiver_status):"; cat "$work/paced-recv.err"; return 1; }
  cmp "$work/payload" "$work/received-paced"
}
head -c $((4 << 20)) /dev/urandom > "$work/payload"

# --- a TAP vdpa creates ------------------------------------------------------
check "dev add name vn0 mgmtdev vduse tap vtap0 mac 52:54:00:12:34:56 mtu 1400 driver virtio_vdpa" \
  "$VDPA" dev add name vn0 mgmtdev vduse tap vtap0 mac 52:54:00:12:34:56 mtu 1400 driver virtio_vdpa
nd=$(netdev_of vn0)
check "the netdev exists when dev add returns ($nd)" test -n "$nd" -a -e "/sys/class/net/$nd"
check "vtap0 exists, is a TAP" bash -c 'ip -d link show vtap0 | grep -q "tun type tap"'
check "its MAC is 52:54:00:12:34:56" bash -c '[ "$(cat /sys/class/net/$0/address)" = 52:54:00:12:34:56 ]' "$nd"
check "its MTU is 1400" bash -c '[ "$(cat /sys/class/net/$0/mtu)" = 1400 ]' "$nd"
pid0=$(served_pid vn0)
echo "$pid0" > "$work/vn0.pid"
check "dev show -d (JSON) names the netdev, the TAP and a live vdpa-net-server ($pid0)" \
  bash -c '"$VDPA" -j -d dev show vn0 | python3 -c "
import json, sys
d = json.load(sys.stdin)[\"dev\"][\"vn0\"]
assert d[\"netdev\"] == sys.argv[1] and d[\"tap\"] == \"vtap0\", d
" "$0" && [ "$(cat /proc/$1/comm)" = vdpa-net-server ]' "$nd" "$pid0"
check "dev show -d (text) ends with: netdev ND tap vtap0 server_pid PID" \
  bash -c '"$VDPA" -d dev show vn0 | grep -qx ".* netdev $0 tap vtap0 server_pid $1"' "$nd" "$pid0"
check "dev show without -d is iproute2's (no tap, no server_pid)" \
  bash -c 'diff <("$0" -j dev show vn0) <("$1" -j dev show vn0)' "$VDPA" "$REF"
check "dev config show: mac, link up, mtu" \
  bash -c '"$VDPA" dev config show vn0 | grep -q "mac 52:54:00:12:34:56 link up .*mtu 1400"'
check "offloads negotiated: rx and tx checksum, TSO, mergeable RX buffers" \
  bash -c 'f=$(cat /sys/bus/vdpa/devices/vn0/virtio*/features); [ "${f:0:2}" = 11 ] && [ "${f:7:2}" = 11 ] && [ "${f:11:2}" = 11 ] && [ "${f:15:1}" = 1 ]'

ip netns add $NS
check "vtap0 moves into namespace $NS" ip link set vtap0 netns $NS
in_ns ip link set lo up
check "vtap0 up with fe80::1 in $NS" \
  bash -c 'ip netns exec '$NS' ip link set vtap0 up && ip netns exec '$NS' ip addr add fe80::1/64 dev vtap0 nodad'
check "$nd up with fe80::2" bash -c 'ip link set $0 up && ip addr add fe80::2/64 dev $0 nodad' "$nd"
check "the link is up on $nd (carrier 1)" wait_for carrier_is "$nd" 1
check "ping6 from the VM to the namespace" ping_tap "$nd"
check "ping6 from the namespace to the VM" ping_vdpa
check "TCP: 4 MiB to the namespace, byte for byte" tcp_transfer to_ns "$nd"
check "TCP: 4 MiB from the namespace, byte for byte" tcp_transfer from_ns "$nd"

check "vtap0 down: $nd loses carrier" bash -c 'ip netns exec '$NS' ip link set vtap0 down'
check "carrier 0 on $nd" wait_for carrier_is "$nd" 0
check "dev config show says link down" bash -c '"$VDPA" dev config show vn0 | grep -q "link down"'
check "vtap0 up again: carrier 1" bash -c 'ip netns exec '$NS' ip link set vtap0 up'
check "carrier 1 on $nd" wait_for carrier_is "$nd" 1
# Setting an interface down drops its IPv6 addresses (link-local ones even
# with keep_addr_on_down): vtap0 needs fe80::1 again.
check "fe80::1 on vtap0 again" in_ns ip addr add fe80::1/64 dev vtap0 nodad
check "ping6 from the VM after the link came back" ping_tap "$nd"

# --- SIGKILL and restart -------------------------------------------------------
# Killed in the middle of a TCP transfer: frames in flight are lost, TCP
# sends them again once the restarted server carries traffic.
paced_transfer_start "$nd"
# The sender is a Python started in the namespace: under TCG its first
# bytes can take more than a second. Kill only once some have arrived.
for try in $(seq 100); do
  [ "$(stat -c %s "$work/received-paced" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.1
done
killed=$(cat "$work/vn0.pid")
check "a TCP transfer from the namespace is under way" paced_transfer_running
check "SIGKILL the server during the transfer" kill -KILL "$killed"
sleep 1
check "vtap0 survives its server (persistent)" in_ns ip link show vtap0
check "the server starts again in $NS and takes the device over" \
  in_ns "$SERVER" --name vn0 --tap vtap0 --detach --pidfile "$work/vn0.pid"
check "the restarted server is a new process" bash -c '[ "$(cat "$0")" != "$1" ]' "$work/vn0.pid" "$killed"
check "dev show -d names the restarted server" test "$(served_pid vn0)" = "$(cat "$work/vn0.pid")"
paced_transfer_wait
check "the TCP transfer across the restart arrives byte for byte" paced_transfer_arrived
check "ping6 after the restart" ping_tap "$nd"
check "ping6 from the namespace after the restart" ping_vdpa
check "TCP to the namespace after the restart" tcp_transfer to_ns "$nd"
check "TCP from the namespace after the restart" tcp_transfer from_ns "$nd"

pid0=$(cat "$work/vn0.pid")
check "vdpa dev del vn0" "$VDPA" dev del vn0
check "the netdev is gone" bash -c '! [ -e /sys/class/net/$0 ]' "$nd"
check "nothing is left of vn0 (vDPA, VDUSE, process, record)" served_gone vn0 "$pid0"
check "the TAP it created is gone" bash -c '! ip netns exec '$NS' ip link show vtap0 2>/dev/null'

# --- an existing TAP ------------------------------------------------------------
check "ip tuntap add vtap1 mode tap" ip tuntap add dev vtap1 mode tap
check "dev add vn1 tap vtap1 driver virtio_vdpa attaches the existing TAP" \
  "$VDPA" dev add name vn1 mgmtdev vduse tap vtap1 driver virtio_vdpa
nd1=$(netdev_of vn1)
check "its netdev ($nd1) has the default MTU 1500 and a locally administered MAC" \
  bash -c '[ "$(cat /sys/class/net/$0/mtu)" = 1500 ] && [ $(( 0x$(cut -c1-2 /sys/class/net/$0/address) & 3 )) = 2 ]' "$nd1"
pid1=$(served_pid vn1)
before_show=$("$VDPA" -j dev show)
before_servers=$(processes_named "$SERVER_COMM")
err=$("$VDPA" dev add name vn2 mgmtdev vduse tap vtap1 2>&1); rc=$?
if [ "$rc" = 1 ] && printf '%s' "$err" | grep -q "^Error: TAP vtap1 is in use by another process" &&
   [ "$("$VDPA" -j dev show)" == "$before_show" ] && [ "$(processes_named "$SERVER_COMM")" == "$before_servers" ] &&
   [ ! -e /sys/class/vduse/vn2 ] && [ ! -e /run/vdpa/served/vn2.json ] && kill -0 "$pid1"; then
  tap_ok "a TAP another device serves: refused, nothing left, vn1 untouched"
else tap_not_ok "a TAP another device serves"; echo "rc $rc: $err" | tap_diag; fi
check "del vn1" "$VDPA" dev del vn1
check "nothing is left of vn1" served_gone vn1 "$pid1"
check "vtap1, which existed before, stays" ip link show vtap1
ip link del vtap1

# --- vhost_vdpa --------------------------------------------------------------------
check "dev add vn2 tap vtap2 driver vhost_vdpa" \
  "$VDPA" dev add name vn2 mgmtdev vduse tap vtap2 driver vhost_vdpa
check "its /dev/vhost-vdpa-N exists when dev add returns" \
  bash -c 'for c in /sys/bus/vdpa/devices/vn2/vhost-vdpa-*; do [ -c /dev/${c##*/} ] && exit 0; done; exit 1'
check "dev show -d names the chardev, the TAP and the server" \
  bash -c '"$VDPA" -d dev show vn2 | grep -q "driver vhost_vdpa .*chardev /dev/vhost-vdpa-[0-9]* .*tap vtap2 server_pid [0-9]"'
check "dev config show: the MAC and MTU it serves" \
  bash -c '"$VDPA" dev config show vn2 | grep -q "mac [0-9a-f:]* link .*mtu 1500"'
pid2=$(served_pid vn2)
check "del vn2" "$VDPA" dev del vn2
check "nothing is left of vn2" served_gone vn2 "$pid2"
check "the TAP it created is gone" bash -c '! ip link show vtap2 2>/dev/null'

# --- bad input to the command: message, exit 1, nothing left ----------------------
before_show=$("$VDPA" -j dev show)
before_servers=$(processes_named "$SERVER_COMM")
# refused_add (lib.sh) checks, besides, that no interface vbadtap is left.
refused_add_leftovers() { ! ip link show vbadtap >/dev/null 2>&1 || echo "interface vbadtap is left"; }
add() { "$VDPA" dev add name vbad mgmtdev vduse "$@"; }
refused_add "dev add: a malformed MAC" "invalid MAC address \"52:54:00:12:34\"" add tap vbadtap mac 52:54:00:12:34
refused_add "dev add: a multicast MAC" "^Error: MAC address 01:00:5e:00:00:01 is a multicast address" \
  add tap vbadtap mac 01:00:5e:00:00:01
refused_add "dev add: MTU 67" "^Error: mtu must be between 68 and 65535" add tap vbadtap mtu 67
refused_add "dev add: MTU 65536" "invalid mtu \"65536\"" add tap vbadtap mtu 65536
refused_add "dev add: queue_size 100" "^Error: queue_size must be a power of two" add tap vbadtap queue_size 100
refused_add "dev add: a TAP name with /" "contains '/'" add tap a/b
refused_add "dev add: a TAP name of 16 bytes" "must have 1 to 15 bytes" add tap sixteen-bytes-xx
refused_add "dev add: lo, not a TAP" "^Error: interface lo exists and is not a TAP" add tap lo
if ip link add vveth0 type veth peer name vveth1 2>/dev/null; then
  refused_add "dev add: a veth, not a TAP" "^Error: interface vveth0 exists and is not a TAP" add tap vveth0
  ip link del vveth0
else
  tap_skip "dev add: a veth, not a TAP" "no veth module"
fi
refused_add "dev add: file and tap together" "A device has one backend" add file /dev/null tap vbadtap
for extra in readonly "queues 2" "blk_size 4096"; do
  refused_add "dev add: tap with $extra" "A tap backend is a network device.*do not apply" add tap vbadtap $extra
done
refused_add "dev add: tap with mgmtdev vdpasim_net" "need mgmtdev vduse" \
  "$VDPA" dev add name vbad mgmtdev vdpasim_net tap vbadtap
refused_add "dev add: not root (uid 65534)" "needs root" \
  setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VDPA" dev add name vbad mgmtdev vduse tap vbadtap
if setarch "$(uname -m)" --uname-2.6 true 2>/dev/null; then
  refused_add "dev add: a kernel before 6.10 (uname says 2.6)" \
    "^Error: VDUSE serves network devices from Linux 6.10 on; this kernel is 2\.6\." \
    setarch "$(uname -m)" --uname-2.6 "$VDPA" dev add name vbad mgmtdev vduse tap vbadtap
else
  tap_skip "dev add: a kernel before 6.10" "no setarch --uname-2.6"
fi

# --- bad input to the server ---------------------------------------------------------
# refused DESCRIPTION ERE TAPNAME [ARG]...: exit 1, the message matches,
# no VDUSE device, no TAP of that name, no pidfile.
refused() {
  local description=$1 pattern=$2 tap=$3 output status; shift 3
  output=$("$SERVER" --name vbad --tap "$tap" --detach --pidfile "$work/vbad.pid" "$@" 2>&1)
  status=$?
  local left=
  [ -e /dev/vduse/vbad ] && left="/dev/vduse/vbad"
  [ "$tap" != lo ] && [ "$tap" != vveth0 ] && ip link show "$tap" >/dev/null 2>&1 && left="$left TAP $tap"
  [ -e "$work/vbad.pid" ] && left="$left pidfile"
  if [ $status = 1 ] && [[ $output =~ $pattern ]] && [ -z "$left" ]; then tap_ok "$description"
  else tap_not_ok "$description"; printf 'status %s; output: %s; left: %s\nexpected: %s\n' $status "$output" "$left" "$pattern" | tap_diag; fi
}
refused "a malformed MAC" "not a MAC address" vbadtap --mac 52:54:00:12:34
refused "a multicast MAC" "multicast" vbadtap --mac 01:00:5e:00:00:01
refused "MTU 67" "mtu must be between 68 and 65535" vbadtap --mtu 67
refused "MTU 65536" "mtu must be between 68 and 65535" vbadtap --mtu 65536
refused "a TAP name with /" "contains '/'" "a/b"
refused "a TAP name of 16 bytes" "1 to 15 bytes" sixteen-bytes-xx
refused "lo, not a TAP" "lo exists and is not a TAP" lo
if ip link add vveth0 type veth peer name vveth1 2>/dev/null; then
  refused "a veth, not a TAP" "vveth0 exists and is not a TAP" vveth0
  ip link del vveth0
else
  tap_skip "a veth, not a TAP" "no veth module"
fi
output=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$SERVER" --name vbad --tap vbadtap \
  --inflight /tmp/vbad.inflight 2>&1)
status=$?
if [ $status = 1 ] && [[ $output =~ "not permitted to create TAP vbadtap" ]] && ! ip link show vbadtap >/dev/null 2>&1 \
   && [ ! -e /dev/vduse/vbad ]; then tap_ok "an unprivileged user is refused, nothing left"
else tap_not_ok "an unprivileged user is refused, nothing left"; printf 'status %s: %s\n' $status "$output" | tap_diag; fi
if rmmod tun 2>/dev/null; then
  refused "the tun module missing" "tun module" vbadtap
  refused_add "dev add: the tun module missing" \
    "^Error: /dev/net/tun is not available: the kernel module tun is not loaded \(modprobe tun\)" \
    add tap vbadtap
  insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun
else
  tap_skip "the tun module missing" "tun is built in or in use"
  tap_skip "dev add: the tun module missing" "tun is built in or in use"
fi
tap_done
