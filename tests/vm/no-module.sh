#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A kernel without the vdpa module loaded (the VM boots with no vDPA
# module): commands that need it say what is missing and how to fix it;
# help and bad input still work without it.
set -u
. "$(dirname "$0")/lib.sh"

check "no vdpa module" bash -c '! grep -q "^vdpa " /proc/modules'
output=$("$VDPA" mgmtdev show 2>&1); status=$?
if [ $status = 1 ] && [ "$output" = 'Error: the kernel has no "vdpa" generic netlink family: load the vdpa module (modprobe vdpa) or use a kernel built with CONFIG_VDPA.' ]; then
  tap_ok "mgmtdev show names the missing family and the fix"
else
  tap_not_ok "mgmtdev show names the missing family and the fix"; echo "status $status: $output" | tap_diag
fi
output=$("$VDPA" -j dev show 2>/dev/null); status=$?
if [ $status = 1 ] && [ -z "$output" ]; then tap_ok "-j dev show prints no JSON"
else tap_not_ok "-j dev show prints no JSON"; echo "status $status: [$output]" | tap_diag; fi
check "help works without the module" "$VDPA" help
output=$("$VDPA" dev add name x mgmtdev vdpasim_net mtu abc 2>&1); status=$?
if [ $status = 1 ] && [[ "$output" == 'invalid mtu "abc"'* ]]; then tap_ok "bad input is reported as such"
else tap_not_ok "bad input is reported as such"; echo "status $status: $output" | tap_diag; fi
tap_done
