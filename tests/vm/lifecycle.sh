#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A device's life with our binary alone, end to end on the real kernel:
# add with MAC and MTU, show, configuration, queue statistics, change the
# MAC, delete.
set -u
. "$(dirname "$0")/lib.sh"
reset_state

expect_output() {  # DESCRIPTION EXPECTED COMMAND...
  local description=$1 expected=$2 output; shift 2
  output=$("$@" 2>&1)
  if [ "$output" == "$expected" ]; then tap_ok "$description"
  else tap_not_ok "$description"; diff <(echo "$expected") <(echo "$output") | tap_diag; fi
}

check "add a net device with MAC and MTU" \
  "$VDPA" dev add name life0 mgmtdev vdpasim_net mac 02:11:22:33:44:55 mtu 1400
expect_output "dev show lists it" \
  "life0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256" \
  "$VDPA" dev show life0
expect_output "config show reflects MAC and MTU" \
  "life0: mac 02:11:22:33:44:55 link up link_announce false mtu 1400 
  negotiated_features MTU MAC STATUS CTRL_VQ CTRL_MAC_ADDR VERSION_1 ACCESS_PLATFORM" \
  "$VDPA" dev config show life0
expect_output "vstats on queue 0 (rx)" \
  "life0: queue_type rx rx packets 0 rx bytes 0 rx errors 0 rx overruns 0 rx drops 0 " \
  "$VDPA" dev vstats show life0 qidx 0
expect_output "vstats on queue 1 (tx)" \
  "life0: queue_type tx tx packets 0 tx bytes 0 tx errors 0 tx drops 0 " \
  "$VDPA" dev vstats show life0 qidx 1
expect_output "vstats on queue 2 (the control queue)" \
  "life0: queue_type control_vq cvq requests 0 cvq successes 0 cvq errors 0 " \
  "$VDPA" dev vstats show life0 qidx 2
check "set the MAC" "$VDPA" dev set name life0 mac 02:aa:bb:cc:dd:ee
expect_output "config show has the new MAC" \
  '{"config":{"life0":{"mac":"02:aa:bb:cc:dd:ee","link ":"up","link_announce ":false,"mtu":1400,"negotiated_features":["MTU","MAC","STATUS","CTRL_VQ","CTRL_MAC_ADDR","VERSION_1","ACCESS_PLATFORM"]}}}' \
  "$VDPA" -j dev config show life0
check "delete it" "$VDPA" dev del life0
expect_output "it is gone" "Error: vdpa: device not found.
kernel answers: No such device" "$VDPA" dev show life0
check "sysfs agrees" test ! -e /sys/bus/vdpa/devices/life0
tap_done
