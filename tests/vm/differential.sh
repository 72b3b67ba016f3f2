#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Differential test: runs iproute2's vdpa ($REF) and ours ($VDPA) on the same
# kernel state and requires identical stdout, stderr, exit status and
# resulting kernel state. Runs inside the VM; prints TAP.
#
# Case files, one directive per line (words are shell-quoted):
#   group TITLE           start a group from a clean kernel (no devices)
#   setup ARGS...         part of the group's state: `$REF ARGS`, must succeed
#   setup-sh COMMAND...   part of the group's state: a shell command
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
#                         exit 0 and print exactly the lines that follow,
#                         each written as "> LINE"
#   differ WHY | ARGS...  a deliberate difference (README, "Differences"):
#                         ours must exit 1 with a message and leave the
#                         kernel state untouched
# Set SHOW_REFERENCE=1 to log iproute2's behaviour for fixed and differ cases.
set -u
. "$(dirname "$0")/lib.sh"

WORK=$(mktemp -d)
SETUP=()
STATE_BUILT=0

build_state() {
  reset_state
  local line
  for line in "${SETUP[@]}"; do
    eval "$line" >/dev/null 2>"$WORK/setup.err" ||
      { echo "Bail out! setup failed: $line: $(<"$WORK/setup.err")"; exit 1; }
  done
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

reference_log() {
  [ "${SHOW_REFERENCE:-0}" = 1 ] || return 0
  run ref "$REF" "$@"
  printf 'iproute2: rc %s\n%s%s' "${RC[ref]}" "${OUT[ref]:0:600}" "${ERR[ref]:0:300}" | tap_diag
  STATE_BUILT=0
}

compare_runs() {  # prints what differs between the ref and ours runs
  local part
  [ "${OUT[ref]}" == "${OUT[ours]}" ] || diff_report "stdout (iproute2 vs ours)" "${OUT[ref]}" "${OUT[ours]}"
  [ "${ERR[ref]}" == "${ERR[ours]}" ] || diff_report "stderr (iproute2 vs ours)" "${ERR[ref]}" "${ERR[ours]}"
  [ "${RC[ref]}" == "${RC[ours]}" ] || echo "exit status: iproute2 ${RC[ref]}, ours ${RC[ours]}"
}

case_same() {
  ensure_state
  run ref "$REF" "$@"
  run ours "$VDPA" "$@"
  report "same: vdpa $*" "$(compare_runs)"
}

case_change() {
  build_state; run ref "$REF" "$@"; local ref_state; ref_state=$(kernel_state)
  build_state; run ours "$VDPA" "$@"; local our_state; our_state=$(kernel_state)
  STATE_BUILT=0
  local problems; problems=$(compare_runs
    [ "$ref_state" == "$our_state" ] || diff_report "kernel state afterwards (iproute2 vs ours)" "$ref_state" "$our_state")
  report "change: vdpa $*" "$problems"
}

case_help() {
  run ref "$REF" "$@"
  run ours "$VDPA" "$@"
  local problems=
  [ "${OUT[ref]}" == "${OUT[ours]}" ] || problems+="stdout differs"$'\n'
  [ "${RC[ref]}" == "${RC[ours]}" ] || problems+="exit status ${RC[ours]}, iproute2 ${RC[ref]}"$'\n'
  [[ "${ERR[ours]}" == *"Usage: vdpa"* ]] || problems+="no usage text: ${ERR[ours]}"$'\n'
  local ref_lead=${ERR[ref]%%Usage: vdpa*} our_lead=${ERR[ours]%%Usage: vdpa*}
  [ "$ref_lead" == "$our_lead" ] ||
    problems+=$(diff_report "stderr before the usage text (iproute2 vs ours)" "$ref_lead" "$our_lead")
  report "help: vdpa $*" "$problems"
}

case_version() {
  run ref "$REF" "$@"
  run ours "$VDPA" "$@"
  local problems=
  [[ "${OUT[ref]}" == "vdpa utility, iproute2-"*$'\n' ]] || problems+="iproute2 printed: ${OUT[ref]}"$'\n'
  [[ "${OUT[ours]}" == "vdpa utility, vdpa-"*$'\n' ]] || problems+="ours printed: ${OUT[ours]}"$'\n'
  [ "${RC[ref]}${RC[ours]}" == 00 ] || problems+="exit status ${RC[ours]}, iproute2 ${RC[ref]}"$'\n'
  [ -z "${ERR[ref]}${ERR[ours]}" ] || problems+="stderr: ${ERR[ref]}${ERR[ours]}"
  report "version: vdpa $*" "$problems"
}

# Runs ours and checks the state is as before; $1 is the expected status.
# Leaves what went wrong in PROBLEMS.
run_ours_unchanged() {
  ensure_state
  local before; before=$(kernel_state)
  run ours "$VDPA" "${@:2}"
  local after; after=$(kernel_state)
  PROBLEMS=
  [ "${RC[ours]}" == "$1" ] || PROBLEMS+="exit status ${RC[ours]}, expected $1"$'\n'
  if [ "$before" != "$after" ]; then
    STATE_BUILT=0
    PROBLEMS+=$(diff_report "kernel state (before vs after)" "$before" "$after")$'\n'
  fi
}

case_ourhelp() {
  run_ours_unchanged 0 "$@"
  [[ "${ERR[ours]}" == "Usage: vdpa"* ]] || PROBLEMS+="no usage text: ${ERR[ours]}"
  report "ourhelp: vdpa $*" "$PROBLEMS"
}

case_differ() {
  local why=$1; shift
  run_ours_unchanged 1 "$@"
  [ -n "${ERR[ours]}" ] || PROBLEMS+="no error message"
  report "differ ($why): vdpa $*" "$PROBLEMS"
  printf 'ours: %s' "${ERR[ours]:0:300}" | tap_diag
  reference_log "$@"
}

case_fixed() {
  local why=$1; shift
  ensure_state
  run ours "$VDPA" "$@"
  local problems=
  [ "${RC[ours]}" == 0 ] || problems+="exit status ${RC[ours]}: ${ERR[ours]}"$'\n'
  [ "${OUT[ours]}" == "$EXPECTED" ] || problems+=$(diff_report "stdout (expected vs ours)" "$EXPECTED" "${OUT[ours]}")
  report "fixed ($why): vdpa $*" "$problems"
  reference_log "$@"
}

PENDING_FIXED=
EXPECTED=
flush_fixed() {
  [ -n "$PENDING_FIXED" ] || return 0
  local why=${PENDING_FIXED%% | *} args=${PENDING_FIXED#* | }
  PENDING_FIXED=
  eval "set -- $args"; case_fixed "$why" "$@"
  EXPECTED=
}

for cases in "$@"; do
  while IFS= read -r line || [ -n "$line" ]; do
    if [ -n "$PENDING_FIXED" ]; then
      case "$line" in
        '>') EXPECTED+=$'\n'; continue ;;
        '> '*) EXPECTED+="${line#> }"$'\n'; continue ;;
        *) flush_fixed ;;
      esac
    fi
    case "$line" in ''|'#'*) continue ;; esac
    directive=${line%% *}
    rest=${line#"$directive"}; rest=${rest# }
    case "$directive" in
      group) SETUP=(); STATE_BUILT=0; echo "# group: $rest" ;;
      setup) SETUP+=("\"\$REF\" $rest"); STATE_BUILT=0 ;;
      setup-sh) SETUP+=("$rest"); STATE_BUILT=0 ;;
      same) eval "set -- $rest"; case_same "$@" ;;
      change) eval "set -- $rest"; case_change "$@" ;;
      help) eval "set -- $rest"; case_help "$@" ;;
      version) eval "set -- $rest"; case_version "$@" ;;
      ourhelp) eval "set -- $rest"; case_ourhelp "$@" ;;
      fixed) PENDING_FIXED=$rest; EXPECTED= ;;
      differ)
        why=${rest%% | *}; args=${rest#* | }
        eval "set -- $args"; case_differ "$why" "$@" ;;
      *) echo "Bail out! $cases: unknown directive: $line"; exit 1 ;;
    esac
  done <"$cases"
  flush_fixed
done
reset_state
rm -rf "$WORK"
tap_done
