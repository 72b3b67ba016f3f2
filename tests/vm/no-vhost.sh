#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A kernel with the vdpa bus but without vhost_vdpa loaded: asking for it
# names the missing module, and nothing is created or changed.
set -u
. "$(dirname "$0")/lib.sh"
reset_state

check "vhost_vdpa is not loaded" bash -c '! grep -q "^vhost_vdpa " /proc/modules'
"$VDPA" dev add name n0 mgmtdev vdpasim_net
before=$(kernel_state)
for command in "dev add name n1 mgmtdev vdpasim_net driver vhost_vdpa" "dev set name n0 driver vhost_vdpa"; do
  # shellcheck disable=SC2086
  output=$("$VDPA" $command 2>&1); status=$?
  if [ $status = 1 ] && [ "$output" = "Error: the vhost_vdpa driver is not loaded: load its module (modprobe vhost_vdpa)." ]; then
    tap_ok "vdpa $command names the module"
  else
    tap_not_ok "vdpa $command names the module"; echo "status $status: $output" | tap_diag
  fi
done
if [ "$before" == "$(kernel_state)" ]; then tap_ok "nothing was created or changed"
else tap_not_ok "nothing was created or changed"; fi
reset_state
tap_done
