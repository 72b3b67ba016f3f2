# SPDX-License-Identifier: GPL-2.0-or-later
#
# TAP output for the shell tests, on the host and in the VM.

TAP_COUNT=0
TAP_FAILED=0

tap_ok() { TAP_COUNT=$((TAP_COUNT + 1)); echo "ok $TAP_COUNT - $*"; }
tap_not_ok() { TAP_COUNT=$((TAP_COUNT + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_COUNT - $*"; }
# Every line, the last one too, ends with a newline: a TAP line must not
# be glued to the next.
tap_diag() { awk '{ print "# " $0 }'; }
tap_done() { echo "1..$TAP_COUNT"; [ "$TAP_FAILED" = 0 ]; }

# check DESCRIPTION COMMAND...: one TAP line for a command's success.
check() {
  local description=$1; shift
  local output
  if output=$("$@" 2>&1); then tap_ok "$description"
  else tap_not_ok "$description"; printf '%s\n' "$output" | tap_diag; fi
}
# tap_skip DESCRIPTION REASON
tap_skip() { TAP_COUNT=$((TAP_COUNT + 1)); echo "ok $TAP_COUNT - $1 # SKIP $2"; }
