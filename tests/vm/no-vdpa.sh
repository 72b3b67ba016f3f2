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
  out=$(timeout -k 5 30 "$VDPA" "$@" 2>"$WORK/err" </dev/null); status=$?
  err=$(<"$WORK/err")
  local problems=
  [ $status = 1 ] || problems+="exit status $status, expected 1"$'\n'
  [ -z "$out" ] || problems+="stdout: $out"$'\n'
  local line said=
  while IFS= read -r line; do [[ $line =~ $MISSING ]] && said=yes; done <<<"$err"
  [ -n "$said" ] || problems+="stderr does not say what is missing: $err"$'\n'
  if [ -z "$problems" ]; then tap_ok "vdpa $* says the kernel has no vDPA support"
  else tap_not_ok "vdpa $* says the kernel has no vDPA support"; printf '%s' "$problems" | tap_diag; fi
  printf 'iproute2: %s' "$("$REF" "$@" 2>&1 </dev/null; echo " (exit $?)")" | tap_diag
}

refused mgmtdev show
refused mgmtdev show vduse
refused -j mgmtdev show
refused dev show
refused -jp dev show
refused dev show n0
refused dev add name n0 mgmtdev vduse
refused dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 mtu 1400
refused dev del n0
refused dev set name n0 mac 02:00:00:00:00:02
refused dev config show
refused dev config show n0
refused dev vstats show n0 qidx 0
refused -b "$WORK/batch"
# The monitor reads uevents, not the vdpa family: it waits for a bus that
# may come (a module loaded later). What it does here is logged.
output=$(timeout -s TERM 3 "$VDPA" monitor 2>&1); status=$?
printf 'monitor for 3 s: status %s, output: %s' $status "$output" | tap_diag
check "no vdpa bus afterwards" test ! -e /sys/bus/vdpa
check "help works" "$VDPA" help
output=$("$VDPA" dev add name x mgmtdev vduse mtu abc 2>&1); status=$?
if [ $status = 1 ] && [[ "$output" == 'invalid mtu "abc"'* ]]; then tap_ok "bad input is reported as such"
else tap_not_ok "bad input is reported as such"; echo "status $status: $output" | tap_diag; fi
rm -rf "$WORK"
tap_done
