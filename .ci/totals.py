#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints "N passed, N failed[, N skipped]" from Meson test logs (JSON lines).

    totals.py [--no-skip SUITE]... TESTLOG.json...

Counts Meson tests; a TAP test counts once however many cases it has (its
case count is in the log). Fails when a log holds no test at all, so a run
that executed nothing cannot look green. With --no-skip SUITE, a test of
SUITE that was skipped, or that skipped any of its TAP cases, counts as
failed and is named: CI must not pass without the suite having run.
"""
import json
import re
import sys

args = sys.argv[1:]
required = set()
while len(args) >= 2 and args[0] == "--no-skip":
    required.add(args[1])
    args = args[2:]

# A TAP case or plan that was skipped: "ok 3 - x # SKIP why", "1..0 # SKIP why".
TAP_SKIP = re.compile(r"^(ok\b.*|1\.\.\d+\s*)#\s*SKIP\b(.*)$", re.MULTILINE | re.IGNORECASE)

passed = failed = skipped = 0
for path in args:
    with open(path) as log:
        for line in log:
            if not line.strip():
                continue
            test = json.loads(line)
            result = test["result"]
            # "project:suite / name"
            suite = test["name"].split(":", 1)[-1].split(" / ", 1)[0]
            if suite in required:
                skips = TAP_SKIP.findall(test.get("stdout") or "")
                if result == "SKIP" or skips:
                    reason = skips[0][1].strip() if skips else "skipped"
                    print(f"{test['name']}: skipped, but the {suite} suite is required: {reason}")
                    failed += 1
                    continue
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
