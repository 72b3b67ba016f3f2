# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by state.sh and state-tap.sh (after lib.sh): comparisons that
# print what differed, and a bad state file's refusal where it is, with
# the kernel state unchanged. WORK is the caller's scratch directory.

expect_eq() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then tap_ok "$1"; else tap_not_ok "$1"; echo "expected [$2], got [$3]" | tap_diag; fi
}
# A pattern in which only * is special: JSON and locations have [ ].
literal_except_star() {
  local text=$1 out= c i
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case "$c" in '['|']'|'?'|'\\') out+="\\$c" ;; *) out+=$c ;; esac
  done
  printf '%s' "$out"
}
# expect_run DESCRIPTION STATUS PATTERN COMMAND...: status and combined
# output; in PATTERN only * is special.
expect_run() {
  local description=$1 want=$2 pattern output status
  pattern=$(literal_except_star "$3"); shift 3
  output=$("$@" 2>&1); status=$?
  if [ "$status" = "$want" ] && [[ "$output" == $pattern ]]; then tap_ok "$description"
  else tap_not_ok "$description"; printf 'status %s:\n%s\n' "$status" "$output" | tap_diag; fi
}
# unchanged DESCRIPTION COMMAND...: the kernel state is the same after.
unchanged() {
  local description=$1 before after; shift
  before=$(kernel_state)
  "$@" >/dev/null 2>&1
  after=$(kernel_state)
  expect_eq "$description" "$before" "$after"
}

# bad_case DESCRIPTION LOCATION-PATTERN JSON: apply refuses the file with
# PATTERN after the file's name, exit 1, "Nothing was changed.", and the
# kernel state is the same after.
bad_case() {  # DESCRIPTION LOCATION-PATTERN JSON
  local description=$1 pattern before after output status
  pattern=$(literal_except_star "$2")
  printf '%s\n' "$3" >"$WORK/bad.json"
  before=$(kernel_state)
  output=$("$VDPA" state apply "$WORK/bad.json" 2>&1); status=$?
  after=$(kernel_state)
  if [ $status = 1 ] && [[ "$output" == *"$WORK/bad.json: "$pattern* ]] &&
     [[ "$output" == *"Nothing was changed." ]] && [ "$before" == "$after" ]; then
    tap_ok "bad file: $description"
  else
    tap_not_ok "bad file: $description"
    printf 'status %s:\n%s\n' "$status" "$output" | tap_diag
    [ "$before" == "$after" ] || echo "the kernel state changed" | tap_diag
  fi
}
