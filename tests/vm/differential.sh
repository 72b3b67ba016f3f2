#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Differential test: runs iproute2's vdpa ($REF) and ours ($VDPA) on the same
# kernel state and requires identical stdout, stderr, exit status and
# resulting kernel state. Runs inside the VM; prints TAP.
#
# Every case but `change` must leave the kernel state as the group's setup
# made it (read by iproute2 and sysfs, see kernel_state in lib.sh, after
# both tools ran).
#
# Case files, one directive per line (words are shell-quoted):
#   group TITLE           start a group from a clean kernel (no devices)
#   setup ARGS...         part of the group's state: `$REF ARGS`, must succeed
#   setup-sh COMMAND...   part of the group's state: a shell command
#   needs simulators      the group uses the simulators: with
#                         NO_SIMULATORS=1 (a stock kernel) its cases are
#                         left out, and a TAP comment says so
#   same ARGS...          a read-only command, run on the group's state
#   change ARGS...        a state-changing command: each binary starts from a
#                         fresh copy of the group's state, and the states
#                         afterwards must match too
#   help ARGS...          help text, which deliberately differs (ours lists
#                         every command and option that exists): same status
#                         and stdout, the same stderr up to the usage text
#                         (getopt's message and "Unknown option." for an
#                         unknown option), and ours has usage text
#   version ARGS...       -V in some form: both exit 0 with nothing on stderr
#                         and print "vdpa utility, NAME-VERSION", NAME being
#                         iproute2 for iproute2 and vdpa for ours
#   ourhelp ARGS...       ours prints help (status 0) where iproute2 does not
#   fixed WHY | ARGS...   a read-only command iproute2 gets wrong; ours must
#                         exit 0, print exactly the lines that follow, each
#                         written as "> LINE", and nothing on stderr
#   differ WHY | ARGS...  a deliberate difference (README, "Differences"):
#                         ours must exit 1, print nothing on stdout, and say
#                         what the lines that follow expect: each written
#                         as "~ ERE", an extended regular expression that a
#                         line of its stderr must match (one at least)
# `fixed` and `differ` cases run iproute2 too, on the same state: if it now
# behaves as ours (the same stdout, stderr and status, and the state left
# as it was), the documented difference is gone and the case fails. What
# iproute2 did is logged as a TAP comment.
set -u
. "$(dirname "$0")/lib.sh"

WORK=$(mktemp -d)
SETUP=()
STATE_BUILT=0
LEAVE_OUT=

# The group's state, built from a clean kernel; BEFORE is what kernel_state
# reads once the drivers have settled. A change case compares the states
# after each tool instead, and skips the wait: build_state nowait.
build_state() {
  reset_state
  local line
  for line in "${SETUP[@]}"; do
    eval "$line" >/dev/null 2>"$WORK/setup.err" ||
      { echo "Bail out! setup failed: $line: $(<"$WORK/setup.err")"; exit 1; }
  done
  [ "${1:-}" = nowait ] || settled_state
  STATE_BUILT=1
}

ensure_state() { [ "$STATE_BUILT" = 1 ] || build_state; }

# run TAG BINARY ARGS...: stdout, stderr and status of one run, in
# OUT[TAG], ERR[TAG], RC[TAG] (read without forking: processes are slow
# under TCG).
declare -A OUT ERR RC
slurp() { local slurped=; IFS= read -r -d '' slurped <"$1"; printf -v "$2" '%s' "$slurped"; }
run() {
  local tag=$1 binary=$2; shift 2
  # Both as found on PATH: getopt's messages name the program by argv[0].
  (exec -a vdpa "$binary" "$@") >"$WORK/out" 2>"$WORK/err"
  RC[$tag]=$?
  local text
  slurp "$WORK/out" text; OUT[$tag]=$text
  slurp "$WORK/err" text; ERR[$tag]=$text
}

diff_report() {  # LABEL EXPECTED ACTUAL
  printf -- '--- %s differs:\n' "$1"
  diff -u --label expected --label actual <(printf '%s' "$2") <(printf '%s' "$3") | sed 1,2d
}

report() {  # DESCRIPTION PROBLEMS
  if [ -z "$2" ]; then tap_ok "$1"; else tap_not_ok "$1"; printf '%s\n' "$2" | tap_diag; fi
}

# check_state WHO: sets CHANGED to what changed in the kernel state since
# the group's state was built (empty when nothing), blaming WHO; the next
# case then starts from a new copy.
check_state() {
  local after; after=$(kernel_state)
  CHANGED=
  [ "$after" == "$BEFORE" ] && return 0
  STATE_BUILT=0
  CHANGED=$(diff_report "kernel state, changed by $1 (before vs after)" "$BEFORE" "$after")$'\n'
}

compare_runs() {  # prints what differs between the ref and ours runs
  [ "${OUT[ref]}" == "${OUT[ours]}" ] || diff_report "stdout (iproute2 vs ours)" "${OUT[ref]}" "${OUT[ours]}"
  [ "${ERR[ref]}" == "${ERR[ours]}" ] || diff_report "stderr (iproute2 vs ours)" "${ERR[ref]}" "${ERR[ours]}"
  [ "${RC[ref]}" == "${RC[ours]}" ] || echo "exit status: iproute2 ${RC[ref]}, ours ${RC[ours]}"
}

case_same() {
  ensure_state
  run ref "$REF" "$@"
  run ours "$VDPA" "$@"
  check_state "iproute2 or ours"
  report "same: vdpa $*" "$(compare_runs)$CHANGED"
}

case_change() {
  build_state nowait; run ref "$REF" "$@"; local ref_state; ref_state=$(kernel_state)
  build_state nowait; run ours "$VDPA" "$@"; local our_state; our_state=$(kernel_state)
  STATE_BUILT=0
  local problems; problems=$(compare_runs
    [ "$ref_state" == "$our_state" ] || diff_report "kernel state afterwards (iproute2 vs ours)" "$ref_state" "$our_state")
  report "change: vdpa $*" "$problems"
}

case_help() {
  ensure_state
  run ref "$REF" "$@"
  run ours "$VDPA" "$@"
  local problems=
  [ "${OUT[ref]}" == "${OUT[ours]}" ] || problems+="stdout differs"$'\n'
  [ "${RC[ref]}" == "${RC[ours]}" ] || problems+="exit status ${RC[ours]}, iproute2 ${RC[ref]}"$'\n'
  [[ "${ERR[ours]}" == *"Usage: vdpa"* ]] || problems+="no usage text: ${ERR[ours]}"$'\n'
  local ref_lead=${ERR[ref]%%Usage: vdpa*} our_lead=${ERR[ours]%%Usage: vdpa*}
  [ "$ref_lead" == "$our_lead" ] ||
    problems+=$(diff_report "stderr before the usage text (iproute2 vs ours)" "$ref_lead" "$our_lead")$'\n'
  check_state "iproute2 or ours"
  report "help: vdpa $*" "$problems$CHANGED"
}

case_version() {
  ensure_state
  run ref "$REF" "$@"
  run ours "$VDPA" "$@"
  local problems=
  [[ "${OUT[ref]}" == "vdpa utility, iproute2-"*$'\n' ]] || problems+="iproute2 printed: ${OUT[ref]}"$'\n'
  [[ "${OUT[ours]}" == "vdpa utility, vdpa-"*$'\n' ]] || problems+="ours printed: ${OUT[ours]}"$'\n'
  [ "${RC[ref]}${RC[ours]}" == 00 ] || problems+="exit status ${RC[ours]}, iproute2 ${RC[ref]}"$'\n'
  [ -z "${ERR[ref]}${ERR[ours]}" ] || problems+="stderr: ${ERR[ref]}${ERR[ours]}"$'\n'
  check_state "iproute2 or ours"
  report "version: vdpa $*" "$problems$CHANGED"
}

# Runs ours on the group's state and checks it is left as it was; $1 is
# the expected status. Leaves what went wrong in PROBLEMS.
run_ours_unchanged() {
  ensure_state
  run ours "$VDPA" "${@:2}"
  PROBLEMS=
  [ "${RC[ours]}" == "$1" ] || PROBLEMS+="exit status ${RC[ours]}, expected $1"$'\n'
  check_state ours
  PROBLEMS+=$CHANGED
}

# Runs iproute2 on the group's state after ours ran: adds to PROBLEMS if it
# behaved exactly as ours (the documented difference is gone), and logs
# what it did.
reference_differs() {
  ensure_state
  run ref "$REF" "$@"
  REF_MAY_LEAVE_DOTDOT=1
  check_state iproute2
  if [ -z "$CHANGED" ] && [ -z "$(compare_runs)" ]; then
    PROBLEMS+="iproute2 now does exactly what ours does: the difference is gone (README, \"Differences\")"$'\n'
  elif [ -z "$CHANGED" ] && [ "${OUT[ref]}${RC[ref]}" == "${OUT[ours]}${RC[ours]}" ] &&
       [[ "${ERR[ref]}" == *"Usage: vdpa"* && "${ERR[ours]}" == *"Usage: vdpa"* ]] &&
       [ "${ERR[ref]%%Usage: vdpa*}" == "${ERR[ours]%%Usage: vdpa*}" ]; then
    PROBLEMS+="iproute2 does what ours does but for the help text: a help case, not a difference"$'\n'
  fi
  printf 'iproute2: exit %s; stdout: %s; stderr: %s%s' "${RC[ref]}" "${OUT[ref]:0:200}" \
    "${ERR[ref]:0:200}" "${CHANGED:+; it changed the kernel state}" | tap_diag
}

case_ourhelp() {
  run_ours_unchanged 0 "$@"
  [[ "${ERR[ours]}" == "Usage: vdpa"* ]] || PROBLEMS+="no usage text: ${ERR[ours]}"
  report "ourhelp: vdpa $*" "$PROBLEMS"
}

case_differ() {  # WHY ARGS..., with EXPECTED_ERRORS
  local why=$1; shift
  run_ours_unchanged 1 "$@"
  [ -z "${OUT[ours]}" ] || PROBLEMS+="stdout: ${OUT[ours]:0:300}"$'\n'
  local pattern line matched
  [ ${#EXPECTED_ERRORS[@]} -gt 0 ] || PROBLEMS+="the case says nothing about the message (~ ERE)"$'\n'
  for pattern in "${EXPECTED_ERRORS[@]}"; do
    matched=
    while IFS= read -r line; do
      [[ $line =~ $pattern ]] && { matched=yes; break; }
    done <<<"${ERR[ours]}"
    [ -n "$matched" ] || PROBLEMS+="no line of stderr matches: $pattern"$'\n'
  done
  local ours_err=${ERR[ours]}
  reference_differs "$@" >"$WORK/reference"
  report "differ ($why): vdpa $*" "$PROBLEMS"
  printf 'ours: %s' "${ours_err:0:300}" | tap_diag
  cat "$WORK/reference"
}

case_fixed() {  # WHY ARGS..., with EXPECTED
  local why=$1; shift
  run_ours_unchanged 0 "$@"
  [ "${OUT[ours]}" == "$EXPECTED" ] || PROBLEMS+=$(diff_report "stdout (expected vs ours)" "$EXPECTED" "${OUT[ours]}")$'\n'
  [ -z "${ERR[ours]}" ] || PROBLEMS+="stderr: ${ERR[ours]:0:300}"$'\n'
  reference_differs "$@" >"$WORK/reference"
  report "fixed ($why): vdpa $*" "$PROBLEMS"
  cat "$WORK/reference"
}

# fixed and differ take the lines after them: "> LINE" and "~ ERE".
PENDING=
EXPECTED=
EXPECTED_ERRORS=()
flush_pending() {
  [ -n "$PENDING" ] || return 0
  local directive=${PENDING%% *} rest=${PENDING#* }
  local why=${rest%% | *} args=${rest#* | }
  PENDING=
  eval "set -- $args"
  case "$directive" in
    fixed) case_fixed "$why" "$@" ;;
    differ) case_differ "$why" "$@" ;;
  esac
  EXPECTED=
  EXPECTED_ERRORS=()
}

for cases in "$@"; do
  while IFS= read -r line || [ -n "$line" ]; do
    if [ -n "$PENDING" ]; then
      case "${PENDING%% *}:$line" in
        'fixed:>') EXPECTED+=$'\n'; continue ;;
        'fixed:> '*) EXPECTED+="${line#> }"$'\n'; continue ;;
        'differ:~ '*) EXPECTED_ERRORS+=("${line#\~ }"); continue ;;
        *) flush_pending ;;
      esac
    fi
    case "$line" in ''|'#'*) continue ;; esac
    directive=${line%% *}
    rest=${line#"$directive"}; rest=${rest# }
    [ -z "$LEAVE_OUT" ] || [ "$directive" = group ] || continue
    case "$directive" in
      group) SETUP=(); STATE_BUILT=0; LEAVE_OUT=; echo "# group: $rest" ;;
      needs)
        [ "$rest" = simulators ] || { echo "Bail out! $cases: needs what? $line"; exit 1; }
        [ "${NO_SIMULATORS:-0}" = 1 ] && { LEAVE_OUT=yes; echo "# left out: the group needs the simulators"; } ;;
      setup) SETUP+=("\"\$REF\" $rest"); STATE_BUILT=0 ;;
      setup-sh) SETUP+=("$rest"); STATE_BUILT=0 ;;
      same) eval "set -- $rest"; case_same "$@" ;;
      change) eval "set -- $rest"; case_change "$@" ;;
      help) eval "set -- $rest"; case_help "$@" ;;
      version) eval "set -- $rest"; case_version "$@" ;;
      ourhelp) eval "set -- $rest"; case_ourhelp "$@" ;;
      fixed|differ)
        [[ "$rest" == *' | '* ]] || { echo "Bail out! $cases: $directive WHY | ARGS: $line"; exit 1; }
        PENDING=$line; EXPECTED=; EXPECTED_ERRORS=() ;;
      '>'|'~') echo "Bail out! $cases: a continuation line outside fixed or differ: $line"; exit 1 ;;
      *) echo "Bail out! $cases: unknown directive: $line"; exit 1 ;;
    esac
  done <"$cases"
  flush_pending
done
reset_state
vduse_blk_stop_all
vduse_net_stop_all
rm -rf "$WORK"
tap_done
