#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The man pages lint clean, with mandoc and with groff's warnings.
#   lint.sh PAGE...
n=0 failed=0
for page in "$@"; do
  for linter in "mandoc -Tlint" "groff -ww -z -man"; do
    n=$((n + 1))
    said=$($linter "$page" 2>&1)
    if [ $? = 0 ] && [ -z "$said" ]; then
      echo "ok $n - ${linter%% *}: $(basename "$page")"
    else
      failed=1
      echo "not ok $n - ${linter%% *}: $(basename "$page")"
      printf '%s\n' "$said" | sed 's/^/# /'
    fi
  done
done
echo "1..$n"
exit $failed
