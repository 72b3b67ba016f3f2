#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints "N passed, N failed[, N skipped]" from Meson test logs (JSON lines).

Counts Meson tests; a TAP test counts once however many cases it has (its
case count is in the log). Fails when a log holds no test at all, so a run
that executed nothing cannot look green.
"""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as log:
        for line in log:
            if not line.strip():
                continue
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(0 if passed + failed > 0 and failed == 0 else 1)
