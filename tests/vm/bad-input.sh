#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Malformed command lines on the real kernel: for each case in the case
# files (format in cases/bad-input.cases), ours must exit 1 with a message
# on stderr, print nothing on stdout, not crash, and leave the kernel state
# as it was; and the refusal must come from whom the case's group says:
# our own checks (no "kernel answers:" line: a parser that wrapped mtu
# 65536 to 0 would pass the rest, since the kernel refuses 0) or the
# kernel, with the message the group expects. Runs inside the VM; prints
# TAP.
#
#   bad-input.sh CASES...   (default: cases/bad-input.cases)
# Set SHOW_ERRORS=1 to log every case's stderr, not only failures'.
# With NO_SIMULATORS=1 (a stock kernel), b0 is a VDUSE disk served by
# qemu-storage-daemon, there is no n0, and the groups marked
# `needs simulators` are left out (each named in a TAP comment).
set -u
. "$(dirname "$0")/lib.sh"

WORK=$(mktemp -d)
[ $# -gt 0 ] || set -- "$(dirname "$0")/cases/bad-input.cases"

# Values too long to write in a case file.
LONG256=$(printf 'x%.0s' {1..256})
LONG256_UTF8=$(printf '\xc3\xa9%.0s' {1..128})
LONG4096=$(printf 'y%.0s' {1..4096})

printf 'dev foo\n' >"$WORK/unknown.batch"
printf 'dev add name "x mgmtdev vdpasim_net\n' >"$WORK/quote.batch"
printf 'dev add name n0 mgmtdev vdpasim_net\n' >"$WORK/exists.batch"
printf 'dev del ""\n' >"$WORK/badname.batch"

# Devices for the cases to aim at. The drivers may still be binding when
# the add returns, so the snapshot counts once two in a row agree.
setup() {
  reset_state
  if [ "${NO_SIMULATORS:-0}" = 1 ]; then
    { vduse_blk_export b0 && "$VDPA" dev add name b0 mgmtdev vduse; } 2>"$WORK/setup.err" ||
      { echo "Bail out! setup failed: $(<"$WORK/setup.err")"; exit 1; }
    settled_state
    return
  fi
  "$VDPA" dev add name n0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 2>"$WORK/setup.err" &&
    "$VDPA" dev add name b0 mgmtdev vdpasim_blk 2>>"$WORK/setup.err" ||
    { echo "Bail out! setup failed: $(<"$WORK/setup.err")"; exit 1; }
  settled_state
}

# Without forking: processes are slow under TCG.
slurp() { local slurped=; IFS= read -r -d '' slurped <"$1"; printf -v "$2" '%s' "$slurped"; }

# refused_by_problems ERR: whether ERR shows the refusal the group expects
# ($REFUSER, $REFUSAL: see cases/bad-input.cases). Empty when it does.
# In bash, without forking, like the rest of a case.
refused_by_problems() {
  local line kernel_line= matched=
  while IFS= read -r line; do
    [[ $line == 'kernel answers:'* ]] && kernel_line=yes
    [[ $line =~ $REFUSAL ]] && matched=yes
  done <<<"$1"
  if [ "$REFUSER" = vdpa ] && [ -n "$kernel_line" ]; then
    printf 'refused by the kernel, not by our own checks\n'
  elif [ "$REFUSER" = kernel ] && [ -z "$kernel_line" ]; then
    printf 'not refused by the kernel\n'
  fi
  [ -n "$matched" ] || printf 'stderr does not match: %s\n' "$REFUSAL"
}

run_case() {  # LINE
  local line=$1
  if ! eval "set -- $line" 2>"$WORK/eval.err"; then
    echo "Bail out! cannot expand case: $line: $(<"$WORK/eval.err")"; exit 1
  fi
  # A timeout turns a hang (say, monitor running by mistake) into a failure.
  timeout -k 5 60 "$VDPA" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
  local status=$? out err after problems=
  slurp "$WORK/out" out
  slurp "$WORK/err" err
  after=$(kernel_state)
  [ "$status" == 1 ] || problems+="exit status $status, expected 1"$'\n'
  [ -z "$out" ] || problems+="stdout not empty: ${out:0:300}"$'\n'
  [ -n "$err" ] || problems+="no error message on stderr"$'\n'
  # $(...) drops the last newline: put it back between the reports.
  local report
  for report in "$(refusal_problems "$err" "$after")" "$(refused_by_problems "$err")"; do
    [ -z "$report" ] || problems+=$report$'\n'
  done
  if [ -z "$problems" ]; then
    tap_ok "vdpa $line"
    [ "${SHOW_ERRORS:-0}" = 1 ] && printf '%s' "${err:0:600}" | tap_diag
  else
    tap_not_ok "vdpa $line"
    printf '%sstderr: %s' "$problems" "${err:0:600}" | tap_diag
  fi
  # Put back what the case changed, so later cases start from the same state.
  [ "$after" == "$BEFORE" ] || setup
}

setup
REFUSER=
LEAVE_OUT=
for cases in "$@"; do
  # On fd 3: nothing a case runs can read the case file.
  while IFS= read -r -u 3 line || [ -n "$line" ]; do
    case "$line" in
      ''|'#'*) continue ;;
      '== '*) echo "# group: ${line#== }"; REFUSER=; LEAVE_OUT=; continue ;;
      'needs simulators')
        [ "${NO_SIMULATORS:-0}" = 1 ] && { LEAVE_OUT=yes; echo "# left out: the group needs the simulators"; }
        continue ;;
      'refused-by '*)
        line=${line#refused-by }
        REFUSER=${line%% *} REFUSAL=${line#* }
        case "$REFUSER" in vdpa|kernel) ;; *) echo "Bail out! refused-by what? $line"; exit 1 ;; esac
        continue ;;
    esac
    [ -n "$REFUSER" ] || { echo "Bail out! a group without refused-by: $line"; exit 1; }
    [ -z "$LEAVE_OUT" ] || continue
    run_case "$line"
  done 3<"$cases"
done
reset_state
[ "${NO_SIMULATORS:-0}" = 1 ] && vduse_blk_stop b0
rm -rf "$WORK"
tap_done
