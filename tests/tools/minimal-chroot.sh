#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs CI on a fresh machine: a minimal Debian bookworm (debootstrap
# --variant=minbase, what the debian:bookworm container image holds) in a
# chroot, with a fresh clone of this checkout's HEAD, so that a program a
# test calls and .ci/install-deps (or the test bed's prepare.sh) does not
# install fails here instead of passing on a machine that happens to have
# it. As root, on a Debian host:
#
#   minimal-chroot.sh DIR [COMMAND...]
#
# DIR is made by debootstrap the first time and reused after (delete it for
# a new one); the clone is made again every time, in DIR/root/vdpa.
# COMMAND runs there (default: bash .ci/run) with /proc, /sys and /dev of
# the host; VDPA_VM_REQUIRED and MESON_TESTTHREADS are passed on. Only
# what is committed is tested.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR [COMMAND...]" >&2; exit 2; }
ROOT=$(realpath -m "$1"); shift
[ $# -gt 0 ] || set -- bash .ci/run
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "minimal-chroot: needs root (debootstrap, mount, chroot)" >&2; exit 1; }

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
if [ ! -e "$ROOT/etc/debian_version" ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  echo "minimal-chroot: debootstrap --variant=minbase bookworm $ROOT ($mirror)" >&2
  debootstrap --variant=minbase bookworm "$ROOT" "$mirror" >"$ROOT.debootstrap.log" 2>&1 ||
    { tail -n 20 "$ROOT.debootstrap.log" >&2; exit 1; }
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for fs in proc sys dev dev/pts; do
  mkdir -p "$ROOT/$fs"
  mount --bind "/$fs" "$ROOT/$fs"
  mounted+=("$ROOT/$fs")
done

rm -rf "$ROOT/root/vdpa"
git clone -q "$SOURCE" "$ROOT/root/vdpa"
echo "minimal-chroot: $(git -C "$ROOT/root/vdpa" log --oneline -1) in $ROOT; running: $*" >&2

env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
     TERM="${TERM:-dumb}")
for name in VDPA_VM_REQUIRED MESON_TESTTHREADS; do
  [ -z "${!name+x}" ] || env+=("$name=${!name}")
done
set +e
chroot "$ROOT" /usr/bin/env -i "${env[@]}" /bin/bash -c 'cd /root/vdpa && exec "$@"' chroot "$@"
status=$?
echo "minimal-chroot: exit status $status" >&2
exit $status
