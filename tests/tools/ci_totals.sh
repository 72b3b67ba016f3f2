#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# .ci/totals.py, which decides whether CI is green, on crafted Meson test
# logs: each way a run can prove nothing and still exit 0 must count as a
# failure (see its docstring). Prints TAP.
#   ci_totals.sh SOURCE_ROOT
set -u
ROOT=$1
. "$ROOT/tests/tap.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A log of JSON lines from "SUITE / NAME|RESULT|STDOUT" lines (STDOUT with
# \n for newlines), as Meson writes testlog.json.
log() {  # FILE, lines on stdin
  python3 -c '
import json, sys
with open(sys.argv[1], "w") as out:
    for line in sys.stdin:
        name, result, stdout = line.rstrip("\n").split("|", 2)
        out.write(json.dumps({"name": "vdpa:" + name, "result": result,
                              "stdout": stdout.replace("\\n", "\n")}) + "\n")
' "$1"
}
GTEST='Running main()\n[==========] Running 3 tests from 1 test suite.\n[  PASSED  ] 3 tests.\n'
TAP='ok 1 - a\nok 2 - b\n1..2\n'
log "$WORK/good.json" <<EOF
unit / values|OK|$GTEST
cli / cli|OK|$TAP
fuzz / fuzz-reply|OK|$TAP
EOF

# expect STATUS LAST-LINE DESCRIPTION ARGS...: totals.py's status and last
# line, and with a third check, a line naming the problem (PROBLEM).
PROBLEM=
expect() {
  local status=$1 last=$2 description=$3; shift 3
  python3 "$ROOT/.ci/totals.py" "$@" >"$WORK/out" 2>&1
  local got=$? problems=
  [ "$got" = "$status" ] || problems+="status $got, expected $status"$'\n'
  [ "$(tail -n 1 "$WORK/out")" = "$last" ] || problems+="last line is not: $last"$'\n'
  if [ -n "$PROBLEM" ] && ! grep -qF -- "$PROBLEM" "$WORK/out"; then
    problems+="no line says: $PROBLEM"$'\n'
  fi
  PROBLEM=
  if [ -z "$problems" ]; then tap_ok "$description"
  else tap_not_ok "$description"; { printf '%s' "$problems"; cat "$WORK/out"; } | tap_diag; fi
}

expect 0 "3 passed, 0 failed" "a log of passing tests is green" "$WORK/good.json"
expect 0 "6 passed, 0 failed" "two logs add up" --suites unit,cli "$WORK/good.json" "$WORK/good.json"
log "$WORK/failed.json" <<EOF
unit / values|FAIL|$GTEST
cli / cli|TIMEOUT|$TAP
EOF
PROBLEM="vdpa:cli / cli: TIMEOUT"
expect 1 "0 passed, 2 failed" "failed and timed-out tests fail, named" "$WORK/failed.json"

# Logs that say nothing ran.
: >"$WORK/empty.json"
PROBLEM="no test ran"
expect 1 "3 passed, 1 failed" "an empty log fails" "$WORK/good.json" "$WORK/empty.json"
PROBLEM="cannot be read"
expect 1 "3 passed, 1 failed" "a missing log fails" "$WORK/good.json" "$WORK/missing.json"
PROBLEM="the vm suite has no test"
expect 1 "3 passed, 1 failed" "a suite --suites names and the log lacks fails" \
  --suites unit,cli,vm "$WORK/good.json"
expect 0 "6 passed, 0 failed" "--suites applies to the log after it only" \
  --suites unit,cli "$WORK/good.json" --suites fuzz "$WORK/good.json"

# Tests that ran nothing.
log "$WORK/gtest0.json" <<'EOF'
unit / values|OK|Running main()\n[==========] Running 0 tests from 0 test suites.\n[  PASSED  ] 0 tests.\n
EOF
PROBLEM="the gtest binary ran no test"
expect 1 "0 passed, 1 failed" "a gtest binary that ran no test fails" "$WORK/gtest0.json"
log "$WORK/plan0.json" <<'EOF'
cli / cli|SKIP|1..0\n
EOF
PROBLEM='its TAP plan is "1..0"'
expect 1 "0 passed, 1 failed" 'a bare TAP plan "1..0" fails' "$WORK/plan0.json"
PROBLEM='its TAP plan is "1..0"'
expect 1 "0 passed, 1 failed" 'even in a suite that may skip' --may-skip cli "$WORK/plan0.json"
log "$WORK/skipped-cli.json" <<'EOF'
cli / man-lint|SKIP|1..0 # SKIP groff is not installed\n
unit / values|SKIP|
EOF
PROBLEM="skipped whole, outside a suite that may skip: groff is not installed"
expect 1 "0 passed, 2 failed" 'a test skipped whole (a SKIP plan, exit 77) outside vm fails' \
  "$WORK/skipped-cli.json"

# The vm suite skipped, whole or in part (what VDPA_VM_REQUIRED decides).
log "$WORK/vm.json" <<EOF
unit / values|OK|$GTEST
vm / boot|SKIP|1..0 # SKIP vmctl: not root\n
vm / install|OK|ok 1 - built\nok 2 - in the VM # SKIP no qemu\n1..2\n
EOF
expect 0 "2 passed, 0 failed, 1 skipped" "--may-skip vm counts vm skips as skips" \
  --may-skip vm "$WORK/vm.json"
log "$WORK/vm-only.json" <<'LOG'
vm / boot|SKIP|1..0 # SKIP vmctl: not root\n
LOG
expect 1 "0 passed, 0 failed, 1 skipped" "a run where nothing passed fails, even when skips are allowed" \
  --may-skip vm "$WORK/vm-only.json"
PROBLEM="vdpa:vm / boot: skipped whole, outside a suite that may skip"
expect 1 "2 passed, 1 failed" "without --may-skip vm, a vm test skipped whole fails" "$WORK/vm.json"
expect 1 "1 passed, 2 failed" "--no-skip vm counts them as failures" --no-skip vm "$WORK/vm.json"
check "named, with the reason" \
  grep -qx 'vdpa:vm / install: skipped, but the vm suite is required: no qemu' "$WORK/out"

# Every way of writing a skipped case that Meson's TAP parser accepts. (In
# this test's own output "#" is spelt out: Meson would read a skip there.)
n=0
for line in 'ok 1 - x # SKIP why' 'ok 1 - x # skip why' 'ok 1 - x # SKIPPED why' 'ok 1 - x #SKIP why' \
            'ok 1 # Skip why' 'ok - x # SKIP why' 'ok1 # SKIP why' 'ok 1 - x	#	SKIP why'; do
  n=$((n + 1))
  printf 'vm / v%s|OK|%s\\n1..1\\n\n' "$n" "$line" | log "$WORK/variant.json"
  PROBLEM="skipped, but the vm suite is required"
  expect 1 "0 passed, 1 failed" "--no-skip vm fails on: ${line//#/<hash>}" --no-skip vm "$WORK/variant.json"
done
log "$WORK/gtest-skip.json" <<'EOF'
vm / g|OK|[==========] Running 2 tests from 1 test suite.\n[  PASSED  ] 1 test.\n[  SKIPPED ] 1 test, listed below:\n
EOF
PROBLEM="gtest tests were skipped, but the vm suite is required"
expect 1 "0 passed, 1 failed" "--no-skip vm fails on a skipped gtest test" --no-skip vm "$WORK/gtest-skip.json"
# What Meson does not read as a skip is not one: a "#" in the description
# ends it, and SKIP must follow the first "#".
log "$WORK/not-skip.json" <<'EOF'
vm / a|OK|ok 1 - a # b # SKIP c\nok 2 - the word SKIP\n1..2\n
EOF
expect 0 "1 passed, 0 failed" "--no-skip vm passes cases Meson does not call skipped" \
  --no-skip vm "$WORK/not-skip.json"

# One line per kernel: each vm suite's counts, with the release its tests
# printed.
log "$WORK/kernels.json" <<'EOF'
unit / values|OK|[==========] Running 1 test from 1 test suite.\n[  PASSED  ] 1 test.\n
vm / boot|OK|# kernel: 6.12.95+deb12-amd64\nok 1 - a\n1..1\n
vm / lifecycle|FAIL|not ok 1 - a\n1..1\n
vm-newest / newest-boot|OK|# kernel: 7.3.4+deb13-amd64\nok 1 - a\n1..1\n
vm-6.1 / 6.1-boot|SKIP|1..0 # SKIP no mirror\n
EOF
expect 1 "3 passed, 1 failed, 1 skipped" "kernel suites counted apart" --may-skip vm-6.1 "$WORK/kernels.json"
check "the simulators' kernel, by its release" grep -qx 'vm (Linux 6.12.95+deb12-amd64): 1 passed, 1 failed in 0 s' "$WORK/out"
check "the newest, by its release" grep -qx 'vm-newest (Linux 7.3.4+deb13-amd64): 1 passed, 0 failed in 0 s' "$WORK/out"
check "a kernel none of whose tests ran says so" \
  grep -qx 'vm-6.1 (Linux unknown: no test printed it): 0 passed, 0 failed, 1 skipped in 0 s' "$WORK/out"
check "and no line for the unit suite" bash -c '! grep -q "^unit " "$0"' "$WORK/out"
tap_done
