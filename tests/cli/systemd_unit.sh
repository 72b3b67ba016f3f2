#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vdpa-state.service as meson builds it passes `systemd-analyze verify`,
# with its man page found (Documentation=) and its ExecStart pointed at the
# built binary (the installed one is not there at build time); and the
# check is not blind: the same unit with a command that does not exist
# fails it. Skipped (77) where systemd-analyze is not installed.
#
#   systemd_unit.sh UNIT VDPA MAN_PAGE
set -u
UNIT=$1 VDPA=$(readlink -f "$2") MAN_PAGE=$3
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/man/man8" "$WORK/good" "$WORK/bad"
cp "$MAN_PAGE" "$WORK/man/man8/"
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
case $exec_start in
*/vdpa\ state\ apply\ /etc/vdpa/state.json\ wait\ *) ;;
*) echo "FAIL: ExecStart is not vdpa state apply /etc/vdpa/state.json wait N: $exec_start"; exit 1 ;;
esac
installed=${exec_start%% *}
sed "s#^ExecStart=$installed #ExecStart=$VDPA #" "$UNIT" > "$WORK/good/vdpa-state.service"
sed "s#^ExecStart=$installed #ExecStart=$WORK/missing/vdpa #" "$UNIT" > "$WORK/bad/vdpa-state.service"
export MANPATH=$WORK/man SYSTEMD_LOG_COLOR=0
said=$(cd "$WORK/good" && systemd-analyze verify ./vdpa-state.service 2>&1)
status=$?
if [ $status != 0 ] || [ -n "$said" ]; then
  echo "FAIL: systemd-analyze verify: status $status"
  printf '%s\n' "$said"
  exit 1
fi
if (cd "$WORK/bad" && systemd-analyze verify ./vdpa-state.service) >/dev/null 2>&1; then
  echo "FAIL: systemd-analyze verify passed a unit whose command does not exist"
  exit 1
fi
echo "systemd-analyze verify: vdpa-state.service passes"
