#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Ours run as an unprivileged user (uid/gid 65534, no capabilities) on the
# real kernel. Reading works and prints exactly what root sees. Every change
# is refused, by the kernel (EPERM: the vdpa family marks add, del, set and
# vstats GENL_ADMIN_PERM), by sysfs (EACCES), or because /proc does not
# show who holds a device, with exit 1, nothing on stdout, a message that
# says which privileges are missing, and no change to the kernel state.
# Runs inside the VM as root; prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

WORK=$(mktemp -d)

# setpriv copies the new uid to the saved uid too, so the capabilities go.
if command -v setpriv >/dev/null; then
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
  as_nobody() { runuser -u nobody -- "$@"; }
fi

slurp() { local slurped=; IFS= read -r -d '' slurped <"$1"; printf -v "$2" '%s' "$slurped"; }
# run TAG COMMAND...: stdout, stderr and status in OUT_TAG, ERR_TAG, RC_TAG.
run() {
  local tag=$1; shift
  "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
  printf -v "RC_$tag" '%s' $?
  slurp "$WORK/out" "OUT_$tag"
  slurp "$WORK/err" "ERR_$tag"
}

report() {  # DESCRIPTION PROBLEMS
  if [ -z "$2" ]; then tap_ok "$1"; else tap_not_ok "$1"; printf '%s\n' "$2" | tap_diag; fi
}

setup() {
  reset_state
  # n0 on virtio_vdpa, v0 on vhost_vdpa: named, as the kernel's autoprobe
  # picks by module load order.
  { "$VDPA" dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 driver virtio_vdpa &&
    "$VDPA" dev add name v0 mgmtdev vdpasim_net mac 02:00:00:00:00:02 driver vhost_vdpa; } \
    2>"$WORK/setup.err" || { echo "Bail out! setup failed: $(<"$WORK/setup.err")"; exit 1; }
  # virtio_net binds n0's virtio device on its own: wait until the state
  # stops moving.
  settled_state
}

# The user really is unprivileged and can run the binary at all (it sits
# in the build directory, which uid 65534 must be able to reach).
run id as_nobody cat /proc/self/status
problems=
[[ "$OUT_id" == *$'\nUid:\t65534\t65534\t65534\t65534\n'* ]] || problems+="not uid 65534"$'\n'
[[ "$OUT_id" == *$'\nCapEff:\t0000000000000000\n'* ]] || problems+="effective capabilities left"$'\n'
[[ "$OUT_id" == *$'\nCapPrm:\t0000000000000000\n'* ]] || problems+="permitted capabilities left"$'\n'
[ -z "$problems" ] || problems+=$(printf '%s' "$OUT_id$ERR_id" | grep -E '^(Uid|Gid|Cap)|setpriv|runuser')
report "the unprivileged runner drops uid 0 and every capability" "$problems"
run version as_nobody "$VDPA" -V
[ "$RC_version" = 0 ] || { echo "Bail out! uid 65534 cannot run $VDPA: $ERR_version"; exit 1; }

setup

# Reading needs no privilege, and the answer is the same as root's.
same_as_root() {
  run root "$VDPA" "$@"
  run user as_nobody "$VDPA" "$@"
  local problems=
  [ "$RC_root" = 0 ] || problems+="as root: exit $RC_root: $ERR_root"$'\n'
  [ "$RC_user" = "$RC_root" ] || problems+="exit status $RC_user, root's $RC_root: $ERR_user"$'\n'
  [ "$OUT_user" == "$OUT_root" ] ||
    problems+=$(diff -u --label root --label unprivileged <(printf '%s' "$OUT_root") \
                  <(printf '%s' "$OUT_user") | sed 1,2d)$'\n'
  [ "$ERR_user" == "$ERR_root" ] || problems+="stderr differs: root [$ERR_root], unprivileged [$ERR_user]"
  report "unprivileged, same as root: vdpa $*" "$problems"
}

same_as_root mgmtdev show
same_as_root -j mgmtdev show
same_as_root mgmtdev show vdpasim_net
same_as_root dev show
same_as_root dev show n0
same_as_root -d dev show v0
same_as_root -j -d dev show
same_as_root -d mgmtdev show
same_as_root -j dev show
same_as_root dev config show
same_as_root dev config show n0
same_as_root -j dev config show

# So that the refusal below is about privileges, not about the device.
run root "$VDPA" dev vstats show n0 qidx 0
report "as root, vdpa dev vstats show n0 qidx 0 works" \
  "$([ "$RC_root" = 0 ] || echo "exit $RC_root: $ERR_root")"

# The kernel says only "Operation not permitted" (EPERM), sysfs
# "Permission denied" (EACCES), and /proc hides other users' open files;
# the tool must say that privileges are needed, in the same words each
# time: CAP_NET_ADMIN for netlink, root for sysfs and /proc.
netlink_hint="vdpa: this command needs the CAP_NET_ADMIN privilege: run it as root."
root_hint="vdpa: this command needs root privileges: run it as root."
by_kernel="*kernel answers: Operation not permitted"$'\n'"$netlink_hint"$'\n'
by_sysfs="Error: cannot open /sys/bus/vdpa/*: Permission denied."$'\n'"$root_hint"$'\n'
# Whether a process holds v0's node open cannot be told: refused, not
# taken for "nobody".
by_proc="Error: cannot tell whether a process holds /dev/vhost-vdpa-* open: the open files of pid * are not readable: Permission denied."$'\n'"$root_hint"$'\n'

# refused STDERR-PATTERN ARGS...: `vdpa ARGS` as uid 65534 fails with
# exit 1, nothing on stdout, stderr matching the pattern, and no change.
refused() {
  local pattern=$1; shift
  run user as_nobody "$VDPA" "$@"
  local after problems=
  after=$(kernel_state)
  [ "$RC_user" = 1 ] || problems+="exit status $RC_user, expected 1"$'\n'
  [ -z "$OUT_user" ] || problems+="stdout not empty: ${OUT_user:0:300}"$'\n'
  # shellcheck disable=SC2053 # the pattern is a glob on purpose
  [[ "$ERR_user" == $pattern ]] || problems+="stderr does not match [$pattern]"$'\n'
  problems+=$(refusal_problems "$ERR_user" "$after")
  if [ -z "$problems" ]; then tap_ok "unprivileged, refused: vdpa $*"
  else
    tap_not_ok "unprivileged, refused: vdpa $*"
    printf '%sstderr: %s' "$problems" "${ERR_user:0:600}" | tap_diag
  fi
  [ "$after" == "$BEFORE" ] || setup
}

refused "$by_kernel" dev add name u0 mgmtdev vdpasim_net
refused "$by_kernel" dev add name u0 mgmtdev vdpasim_net driver vhost_vdpa
refused "$by_kernel" dev del n0
refused "$by_kernel" dev set name n0 mac 02:00:00:00:00:03
refused "$by_kernel" dev vstats show n0 qidx 0
# Binding goes through sysfs, which answers EACCES.
refused "$by_sysfs" dev set name n0 driver vhost_vdpa
refused "$by_sysfs" dev set name n0 driver none
# Leaving vhost_vdpa, and deleting, look for holders first.
refused "$by_proc" dev set name v0 driver virtio_vdpa
refused "$by_proc" dev del v0
refused "$by_proc" dev set name v0 mac 02:00:00:00:00:03 driver none
# -f skips that look; the change itself is refused then.
refused "$by_sysfs" -f dev set name v0 driver virtio_vdpa
refused "$by_kernel" -f dev del v0

reset_state
rm -rf "$WORK"
tap_done
