#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Our VDUSE network server on the real kernel: a TAP becomes a vDPA NIC
# through virtio_vdpa. The netdev has the MAC and MTU asked for; with the
# TAP moved into a network namespace and IPv6 link-local addresses on both
# ends, ping works both ways and a TCP transfer of a known payload arrives
# intact both ways; the link status follows the TAP; a SIGKILLed server
# restarted takes the device over and the link keeps working (a TCP
# transfer running across the kill arrives intact); teardown
# leaves nothing (the TAP only when it existed before); bad input is
# refused with a clear message, exit 1 and nothing left.
#
#   vduse-net.sh SERVER   (VDPA from the environment, as for every vm test)
set -u
. "$(dirname "$0")/lib.sh"
SERVER=${1:?the vdpa-net-server binary}
reset_state
[ -e /dev/net/tun ] || insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun 2>/dev/null
[ -e /dev/net/tun ] || { echo "1..0 # SKIP no tun module in this kernel"; exit 0; }

work=$(mktemp -d)
NS=vdpa-net-test
cleanup() {
  local name
  for name in vn0 vn1 vbad; do
    "$VDPA" dev del "$name" >/dev/null 2>&1
    [ -f "$work/$name.pid" ] && kill -TERM "$(cat "$work/$name.pid")" 2>/dev/null
  done
  sleep 0.5
  ip netns del $NS 2>/dev/null
  ip link del vtap1 2>/dev/null
  ip link del vveth0 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# start_server NAME TAP [ARG]...: detached; returns once it answers.
start_server() {
  local name=$1 tap=$2; shift 2
  "$SERVER" --name "$name" --tap "$tap" --inflight "$work/$name.inflight" \
    --detach --pidfile "$work/$name.pid" "$@"
}
stop_server() {  # NAME: SIGTERM, then wait for the process to be gone
  local pid tries
  pid=$(cat "$work/$1.pid") || return 1
  kill -TERM "$pid" || return 1
  for tries in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "process $pid still running"
  return 1
}
# The netdev virtio_vdpa made of device NAME, waiting briefly.
netdev_of() {
  local tries d
  for tries in $(seq 50); do
    for d in /sys/bus/vdpa/devices/"$1"/virtio*/net/*; do
      [ -e "$d" ] && { echo "${d##*/}"; return 0; }
    done
    sleep 0.1
  done
  return 1
}
gone() {  # NAME PID: no VDUSE device, no vDPA device, no process
  [ ! -e "/sys/class/vduse/$1" ] || { echo "/sys/class/vduse/$1 remains"; return 1; }
  [ ! -e "/dev/vduse/$1" ] || { echo "/dev/vduse/$1 remains"; return 1; }
  [ ! -e "/sys/bus/vdpa/devices/$1" ] || { echo "vDPA device $1 remains"; return 1; }
  ! kill -0 "$2" 2>/dev/null || { echo "process $2 remains"; return 1; }
}
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

# --- a TAP the server creates ------------------------------------------------
check "the server starts and creates TAP vtap0" \
  start_server vn0 vtap0 --mac 52:54:00:12:34:56 --mtu 1400
check "vtap0 exists, is a TAP" bash -c 'ip -d link show vtap0 | grep -q "tun type tap"'
check "vdpa dev add name vn0 mgmtdev vduse driver virtio_vdpa" \
  "$VDPA" dev add name vn0 mgmtdev vduse driver virtio_vdpa
nd=$(netdev_of vn0)
check "a netdev appears ($nd)" test -n "$nd" -a -e "/sys/class/net/$nd"
check "its MAC is 52:54:00:12:34:56" bash -c '[ "$(cat /sys/class/net/$0/address)" = 52:54:00:12:34:56 ]' "$nd"
check "its MTU is 1400" bash -c '[ "$(cat /sys/class/net/$0/mtu)" = 1400 ]' "$nd"
check "vdpa -d dev show vn0 names it" bash -c '"$VDPA" -d dev show vn0 | grep -qw "$0"' "$nd"
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
sleep 1
killed=$(cat "$work/vn0.pid")
check "a TCP transfer from the namespace is under way" paced_transfer_running
check "SIGKILL the server during the transfer" kill -KILL "$killed"
sleep 1
check "vtap0 survives its server (persistent)" in_ns ip link show vtap0
check "the server starts again in $NS and takes the device over" \
  in_ns "$SERVER" --name vn0 --tap vtap0 --inflight "$work/vn0.inflight" --detach --pidfile "$work/vn0.pid"
check "the restarted server is a new process" bash -c '[ "$(cat "$0")" != "$1" ]' "$work/vn0.pid" "$killed"
paced_transfer_wait
check "the TCP transfer across the restart arrives byte for byte" paced_transfer_arrived
check "ping6 after the restart" ping_tap "$nd"
check "ping6 from the namespace after the restart" ping_vdpa
check "TCP to the namespace after the restart" tcp_transfer to_ns "$nd"
check "TCP from the namespace after the restart" tcp_transfer from_ns "$nd"

pid0=$(cat "$work/vn0.pid")
check "vdpa dev del vn0" "$VDPA" dev del vn0
check "the netdev is gone" bash -c '! [ -e /sys/class/net/$0 ]' "$nd"
check "the server stops on SIGTERM" stop_server vn0
check "nothing is left of vn0" gone vn0 "$pid0"
check "the TAP it created is gone" bash -c '! ip netns exec '$NS' ip link show vtap0 2>/dev/null'

# --- an existing TAP ------------------------------------------------------------
check "ip tuntap add vtap1 mode tap" ip tuntap add dev vtap1 mode tap
check "a server attaches existing vtap1" start_server vn1 vtap1
check "add vn1" "$VDPA" dev add name vn1 mgmtdev vduse driver virtio_vdpa
nd1=$(netdev_of vn1)
check "a netdev appears ($nd1) with the default MTU 1500" \
  bash -c '[ "$(cat /sys/class/net/$0/mtu)" = 1500 ]' "$nd1"
pid1=$(cat "$work/vn1.pid")
check "del vn1" "$VDPA" dev del vn1
check "stop its server" stop_server vn1
check "nothing is left of vn1" gone vn1 "$pid1"
check "vtap1, which existed before, stays" ip link show vtap1
ip link del vtap1

# --- bad input -------------------------------------------------------------------
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
  insmod /lib/modules/tun.ko 2>/dev/null || modprobe tun
else
  tap_skip "the tun module missing" "tun is built in or in use"
fi
tap_done
