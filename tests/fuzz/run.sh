#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs a fuzz target for a while, from its seeds, in a scratch corpus.
#   run.sh TARGET SECONDS SEED_DIR... [-- LIBFUZZER_OPTION...]
# Crashes are written to tests/fuzz/regressions/<target>/ of the source
# tree, where the regression test replays them from then on. Prints TAP.
set -u
target=$1 seconds=$2; shift 2
seeds=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do seeds+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
name=$(basename "$target"); name=${name#fuzz-}
regressions=$(cd "$(dirname "$0")" && pwd)/regressions/$name
mkdir -p "$regressions"
corpus=$(mktemp -d)
log=$(mktemp)
SECONDS=0
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$regressions/" \
  "$@" "$corpus" "${seeds[@]}" >"$log" 2>&1
status=$?
elapsed=$SECONDS
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
if [ $status = 0 ]; then
  echo "ok 1 - $name: ${runs:-?} inputs in ${elapsed}s, no finding"
else
  echo "not ok 1 - $name: finding after ${runs:-?} inputs in ${elapsed}s (kept in $regressions)"
  tail -40 "$log" | sed 's/^/# /'
fi
echo "1..1"
rm -rf "$corpus" "$log"
exit $status
