#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Concurrent use on the real kernel: 4 workers each add COUNT vdpasim_net
# devices (c<worker>_<i>) and delete them again while 2 readers dump
# `-j dev show` and `-j dev config show` in a loop. Every add and del must
# succeed, every dump must be valid JSON, and exactly the expected devices
# must be left. Four rounds: a process per command, then a batch file per
# worker, each once deleting everything and once keeping each worker's last
# 5 devices. Runs inside the VM; prints TAP.
#
# Dumps: the kernel holds its device lock while it fills each part of a
# dump, so none should fail; a dump that exits non-zero is still accepted
# when the kernel refused it ("kernel answers:" on stderr, and stdout empty
# or valid JSON), since what the kernel does with devices vanishing
# between dump parts is its business. A crash, a socket error or broken
# JSON always fails, and so does a reader none of whose dumps succeeded
# (then nothing was shown to work under concurrency at all). Accepted
# failures are counted in the diagnostics.
#
# CONC_COUNT (default 100) and CONC_TIMEOUT (seconds per round, 600)
# shorten or lengthen the run.
set -u
. "$(dirname "$0")/lib.sh"

WORKERS=4
COUNT=${CONC_COUNT:-100}
KEEP=5
LIMIT=${CONC_TIMEOUT:-600}
WORK=$(mktemp -d)

# The workers and readers run as `timeout bash -c` so that a hang ends as
# a failure; these functions are handed over with declare -f. They see
# VDPA (exported by vmctl), WORK (the round's directory) and COUNT.

# worker W MODE KEEP: adds c<W>_1..COUNT, then deletes all but the last
# KEEP, with a process per command (MODE oneshot) or one batch file for the
# adds and one for the deletes (MODE batch). Leaves "added deleted" in
# W.counts and one line per failed command in W.fail.
worker() {
  local w=$1 mode=$2 keep=$3 i added=0 deleted=0
  local last=$((COUNT - keep))
  : >"$WORK/$w.fail"
  if [ "$mode" = oneshot ]; then
    for ((i = 1; i <= COUNT; i++)); do
      if "$VDPA" dev add name "c${w}_$i" mgmtdev vdpasim_net >/dev/null 2>"$WORK/$w.err"
      then added=$((added + 1)); else failed "dev add name c${w}_$i mgmtdev vdpasim_net" $?; fi
    done
    for ((i = 1; i <= last; i++)); do
      if "$VDPA" dev del "c${w}_$i" >/dev/null 2>"$WORK/$w.err"
      then deleted=$((deleted + 1)); else failed "dev del c${w}_$i" $?; fi
    done
  else
    for ((i = 1; i <= COUNT; i++)); do echo "dev add name c${w}_$i mgmtdev vdpasim_net"; done >"$WORK/$w.add"
    for ((i = 1; i <= last; i++)); do echo "dev del c${w}_$i"; done >"$WORK/$w.del"
    if "$VDPA" -b "$WORK/$w.add" >/dev/null 2>"$WORK/$w.err"
    then added=$COUNT; else failed "-b $w.add" $?; added=$(lines_done); fi
    if "$VDPA" -b "$WORK/$w.del" >/dev/null 2>"$WORK/$w.err"
    then deleted=$last; else failed "-b $w.del" $?; deleted=$(lines_done); fi
  fi
  echo "$added $deleted" >"$WORK/$w.counts"
  return 0
}

# failed WHAT STATUS: records a failed command with its stderr.
failed() {
  local err=
  IFS= read -r -d '' err <"$WORK/$w.err"
  err=${err%$'\n'}
  printf '%s: exit %s: %s\n' "$1" "$2" "${err//$'\n'/ | }" >>"$WORK/$w.fail"
}

# How many lines of a failed batch ran: those before "Command failed FILE:N".
lines_done() {
  local err= n
  IFS= read -r -d '' err <"$WORK/$w.err"
  err=${err%$'\n'}
  err=${err##*$'\n'}
  n=${err##*:}
  if [[ "$err" == "Command failed "* && "$n" =~ ^[0-9]+$ ]]; then echo $((n - 1)); else echo 0; fi
}

# reader NAME ARGS...: runs `vdpa ARGS` until WORK/stop exists, at least
# once, keeping each run's output, stderr and status. They are checked
# afterwards: a python per dump would slow everything down under TCG.
reader() {
  local name=$1 n=0
  shift
  while :; do
    n=$((n + 1))
    "$VDPA" "$@" >"$WORK/dumps/$name.$n.out" 2>"$WORK/dumps/$name.$n.err"
    echo $? >"$WORK/dumps/$name.$n.rc"
    [ -e "$WORK/stop" ] && break
  done
  return 0
}

# Checks every dump of a round; prints "show=N config=N kernel_errors=N
# bad=N", then a line per bad dump, and one per reader without a dump that
# succeeded (exit 0, valid JSON), counted as bad.
check_dumps() {
  python3 - "$1" "$CRASH_PATTERN" <<'PY'
import json, os, re, sys
d = sys.argv[1]
crash = re.compile(sys.argv[2])
counts = {"show": 0, "config": 0}
succeeded = {"show": 0, "config": 0}
kernel_errors = 0
bad = []
for rc_file in sorted(os.listdir(d)):
    if not rc_file.endswith(".rc"):
        continue
    base = rc_file[:-3]
    kind = base.rsplit(".", 1)[0]
    counts[kind] = counts.get(kind, 0) + 1
    with open(os.path.join(d, rc_file)) as f:
        rc = int(f.read().strip() or "-1")
    with open(os.path.join(d, base + ".out"), "rb") as f:
        out = f.read()
    with open(os.path.join(d, base + ".err"), "rb") as f:
        err = f.read().decode("utf-8", "replace")
    problem = None
    if crash.search(err):
        problem = "crashed"
    elif rc != 0 and "kernel answers:" not in err:
        problem = "exit %d without a kernel error" % rc
    elif rc == 0 or out.strip():
        try:
            json.loads(out)
        except ValueError as e:
            problem = "invalid JSON (%s): %r" % (e, out[:200])
    if problem:
        bad.append("%s: %s; stderr: %s" % (base, problem, err.strip()[:300].replace("\n", " | ")))
    elif rc != 0:
        kernel_errors += 1
    else:
        succeeded[kind] = succeeded.get(kind, 0) + 1
for kind in sorted(counts):
    if succeeded.get(kind, 0) == 0:
        bad.append("%s: none of its %d dumps succeeded" % (kind, counts[kind]))
print("show=%d config=%d kernel_errors=%d bad=%d"
      % (counts["show"], counts["config"], kernel_errors, len(bad)))
for line in bad:
    print(line)
PY
}

report() {  # DESCRIPTION PROBLEMS
  if [ -z "$2" ]; then tap_ok "$1"; else tap_not_ok "$1"; printf '%s\n' "$2" | tap_diag; fi
}

round() {  # TITLE MODE KEEP
  local title=$1 mode=$2 keep=$3 w pid status
  local dir=$WORK/$mode-$keep
  mkdir -p "$dir/dumps"
  reset_state
  # Unbound devices: no virtio_net probe per add, many times faster.
  echo 0 >/sys/bus/vdpa/drivers_autoprobe

  local readers=() workers=() script
  script="$(declare -f reader); reader \"\$@\""
  WORK=$dir timeout -k 10 $((LIMIT + 60)) bash -c "$script" reader show -j dev show &
  readers+=($!)
  WORK=$dir timeout -k 10 $((LIMIT + 60)) bash -c "$script" reader config -j dev config show &
  readers+=($!)
  script="$(declare -f worker failed lines_done); worker \"\$@\""
  for ((w = 1; w <= WORKERS; w++)); do
    WORK=$dir COUNT=$COUNT timeout -k 10 "$LIMIT" bash -c "$script" worker "$w" "$mode" "$keep" &
    workers+=($!)
  done

  local hung=
  for pid in "${workers[@]}"; do
    wait "$pid"; status=$?
    [ "$status" = 0 ] || hung+="a worker ended with status $status (124: timed out)"$'\n'
  done
  : >"$dir/stop"
  for pid in "${readers[@]}"; do
    wait "$pid"; status=$?
    [ "$status" = 0 ] || hung+="a reader ended with status $status (124: timed out)"$'\n'
  done
  report "$title: workers and readers finished within ${LIMIT}s" "$hung"

  local failures= added=0 deleted=0 a d
  failures=$(cat "$dir"/*.fail 2>/dev/null)
  for ((w = 1; w <= WORKERS; w++)); do
    { read -r a d <"$dir/$w.counts"; } 2>/dev/null || { a=0; d=0; }
    added=$((added + a)); deleted=$((deleted + d))
  done
  if [ -n "$failures" ]; then
    failures="$(printf '%s\n' "$failures" | wc -l) failed commands:"$'\n'$(printf '%s\n' "$failures" | head -n 20)
  fi
  report "$title: every add and del exited 0" "$failures"

  local summary dumps
  summary=$(check_dumps "$dir/dumps")
  dumps=${summary%%$'\n'*}
  local bad=
  [[ "$dumps" == *" bad=0" ]] || bad=$(printf '%s\n' "$summary" | head -n 21)
  report "$title: every dump was valid JSON (or a kernel error), and some succeeded" "$bad"
  printf 'devices created %s, deleted %s; dumps: %s\n' "$added" "$deleted" "$dumps" | tap_diag

  local expected actual what="no device remains"
  [ "$keep" = 0 ] || what="exactly the $((WORKERS * keep)) kept devices remain"
  expected=$(for ((w = 1; w <= WORKERS; w++)); do
               for ((i = COUNT - keep + 1; i <= COUNT; i++)); do echo "c${w}_$i"; done
             done | sort)
  actual=$(vdpa_devices | sort)
  if [ "$expected" == "$actual" ]; then
    tap_ok "$title: $what"
  else
    tap_not_ok "$title: $what"
    diff -u --label expected --label actual <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") |
      sed 1,2d | head -n 40 | tap_diag
  fi

  if [ "$keep" -gt 0 ]; then
    local name problems=
    for name in $expected; do
      "$VDPA" dev del "$name" 2>"$dir/del.err" ||
        problems+="dev del $name: exit $?: $(<"$dir/del.err")"$'\n'
    done
    [ -z "$(vdpa_devices)" ] || problems+="still there: $(vdpa_devices | tr '\n' ' ')"
    report "$title: the kept devices are deleted afterwards" "$problems"
  fi

  rm -rf "$dir" # the dumps fill the VM's memory otherwise
  if [ -n "$hung" ]; then
    reset_state
    echo "Bail out! a round did not finish within ${LIMIT}s"
    exit 1
  fi
}

round "a process per command" oneshot 0
round "a batch file per worker" batch 0
round "a process per command, keeping $KEEP each" oneshot "$KEEP"
round "a batch file per worker, keeping $KEEP each" batch "$KEEP"

reset_state
rm -rf "$WORK"
tap_done
