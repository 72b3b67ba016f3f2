#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vdpa-blk-server@.service or vdpa-net-server@.service as meson builds it:
# an instance passes `systemd-analyze verify` with its ExecStart pointed at
# the built server (the installed one is not there at build time) and
# fails it with a server that does not exist; it is the server's
# foreground mode with readiness notification (Type=notify), restarted
# when it dies (Restart=on-failure), reading the settings vdpa writes for
# the device (/run/vdpa/served/NAME.conf), passing the backend they name
# (BACKEND: "--file ${FILE}" or "--tap ${TAP}"). Skipped (77) without
# systemd-analyze.
#
#   systemd_server_unit.sh UNIT SERVER MAN_PAGE BACKEND
set -u
UNIT=$1 SERVER=$(readlink -f "$2") MAN_PAGE=$3 BACKEND=$4
NAME=$(basename "$UNIT")      # vdpa-blk-server@.service
PROGRAM=${NAME%@.service}     # vdpa-blk-server
INSTANCE=$PROGRAM@vd0.service
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/man/man8" "$WORK/good" "$WORK/bad"
cp "$MAN_PAGE" "$WORK/man/man8/"
fail() { echo "FAIL: $*"; exit 1; }
grep -qx 'Type=notify' "$UNIT" || fail "not Type=notify"
grep -qx 'Restart=on-failure' "$UNIT" || fail "no Restart=on-failure"
grep -qx 'EnvironmentFile=-/run/vdpa/served/%i.conf' "$UNIT" ||
  fail "does not read /run/vdpa/served/%i.conf"
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
case $exec_start in
*/"$PROGRAM --name %i $BACKEND \$OPTIONS") ;;
*) fail "ExecStart is not $PROGRAM --name %i $BACKEND \$OPTIONS: $exec_start" ;;
esac
# No --detach: the service manager watches the process it started.
case $exec_start in *--detach*) fail "ExecStart detaches" ;; esac
installed=${exec_start%% *}
sed "s#^ExecStart=$installed #ExecStart=$SERVER #" "$UNIT" > "$WORK/good/$NAME"
sed "s#^ExecStart=$installed #ExecStart=$WORK/missing/$PROGRAM #" "$UNIT" > "$WORK/bad/$NAME"
export MANPATH=$WORK/man SYSTEMD_LOG_COLOR=0
said=$(cd "$WORK/good" && systemd-analyze verify "./$INSTANCE" 2>&1)
status=$?
if [ $status != 0 ] || [ -n "$said" ]; then
  echo "FAIL: systemd-analyze verify $INSTANCE: status $status"
  printf '%s\n' "$said"
  exit 1
fi
if (cd "$WORK/bad" && systemd-analyze verify "./$INSTANCE") >/dev/null 2>&1; then
  fail "systemd-analyze verify passed a unit whose server does not exist"
fi
echo "systemd-analyze verify: $INSTANCE passes"
