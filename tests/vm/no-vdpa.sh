#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A kernel built without CONFIG_VDPA (bookworm's 6.1): there is no vdpa
# module to load, and every command that needs the kernel says so (not
# "load the module", which cannot work), exits 1, prints nothing on stdout
# and leaves the kernel as it was; help and bad input still work. What
# iproute2 prints on the same kernel is logged.
set -u
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d)

check "no vdpa bus" test ! -e /sys/bus/vdpa
MISSING="^Error: the kernel has no vDPA support: Linux $(uname -r | sed 's/[.+]/\\&/g') has no vdpa module, built in or loadable \(it was built without CONFIG_VDPA\): use a kernel built with CONFIG_VDPA\.$"
printf 'dev show\n' >"$WORK/batch"

# refused ARGS...: ours exits 1, says the kernel has no vDPA support in
# a line of its stderr, and prints nothing on stdout.
refused() {
  local out err status
  out=$(timeout -k 5 30 "$VDPA" "$@" 2>"$WORK/err" <"${STDIN:-/dev/null}"); status=$?
  err=$(<"$WORK/err")
  local problems=
  [ $status = 1 ] || problems+="exit status $status, expected 1"$'\n'
  [ -z "$out" ] || problems+="stdout: $out"$'\n'
  local line said=
  while IFS= read -r line; do [[ $line =~ $MISSING ]] && said=yes; done <<<"$err"
  [ -n "$said" ] || problems+="stderr does not say what is missing: $err"$'\n'
  if [ -z "$problems" ]; then tap_ok "vdpa $* says the kernel has no vDPA support"
  else tap_not_ok "vdpa $* says the kernel has no vDPA support"; printf '%s' "$problems" | tap_diag; fi
  case $* in
  *state*|*monitor*|*-b*|*driver*|*-d*|*-f*) ;; # not iproute2's
  *) printf 'iproute2: %s' "$("$REF" "$@" 2>&1 </dev/null; echo " (exit $?)")" | tap_diag ;;
  esac
}

# Every command of the grammar that asks the kernel, in its forms.
refused mgmtdev show
refused mgmtdev show vduse
refused mgmtdev show pci/0000:00:04.0
refused -j mgmtdev show
refused m s
refused dev
refused dev show
refused -jp dev show
refused -d dev show
refused dev show n0
refused dev add name n0 mgmtdev vduse
refused dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 mtu 1400
refused dev add name n0 mgmtdev vdpasim_net driver vhost_vdpa
refused dev add name n0 mgmtdev vdpasim_net device_features 0x300000000
refused dev del n0
refused -f dev del n0
refused dev set name n0 mac 02:00:00:00:00:02
refused dev set name n0 driver vhost_vdpa
refused dev set name n0 driver none
refused dev config show
refused dev config show n0
refused -j dev config show n0
refused dev vstats show n0 qidx 0
# The monitor would otherwise wait for a bus no module of this kernel can
# bring (timeout's 124 after 30 s fails it).
refused monitor
refused -j monitor
refused state show
refused -j state show
printf '{"devices": [{"name": "n0", "mgmtdev": "vdpasim_net", "driver": "vhost_vdpa"}]}\n' \
  >"$WORK/state.json"
printf '{"devices": []}\n' >"$WORK/empty.json"
refused state apply "$WORK/state.json"
refused state apply "$WORK/state.json" check
refused -j state apply "$WORK/state.json"
refused state apply "$WORK/empty.json" prune
refused state apply "$WORK/state.json" wait 5
STDIN=$WORK/state.json refused state apply -
refused -b "$WORK/batch"
printf 'monitor\n' >"$WORK/batch-monitor"
refused -b "$WORK/batch-monitor"
printf 'state show\n' >"$WORK/batch-state"
refused -b "$WORK/batch-state"
printf 'mgmtdev show\ndev show\n' >"$WORK/batch-two"
refused -f -b "$WORK/batch-two"
STDIN=$WORK/batch refused -b -
check "no vdpa bus afterwards" test ! -e /sys/bus/vdpa
check "help works" "$VDPA" help
# `mgmtdev` alone is its help, as in iproute2 (which fails sooner, on
# connecting): it needs no kernel.
output=$("$VDPA" mgmtdev 2>&1); status=$?
if [ $status = 0 ] && [[ "$output" == 'Usage: vdpa mgmtdev '* ]]; then tap_ok "mgmtdev alone prints its help"
else tap_not_ok "mgmtdev alone prints its help"; echo "status $status: $output" | tap_diag; fi
output=$("$VDPA" dev add name x mgmtdev vduse mtu abc 2>&1); status=$?
if [ $status = 1 ] && [[ "$output" == 'invalid mtu "abc"'* ]]; then tap_ok "bad input is reported as such"
else tap_not_ok "bad input is reported as such"; echo "status $status: $output" | tap_diag; fi
rm -rf "$WORK"
tap_done
