#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints "N passed, N failed[, N skipped]" from Meson test logs (JSON lines).

    totals.py [--no-skip SUITE]... [--may-skip SUITE]... [--suites S1,S2,...] TESTLOG.json
              [[--suites ...] TESTLOG.json]...

Counts Meson tests; a TAP test counts once however many cases it has.
Before the totals, one line per kernel the vm suites ran on (suite vm, on
the simulators' kernel, and vm-NAME, on the stock kernel NAME):
"SUITE (Linux RELEASE): N passed, N failed[, N skipped] in N s", the
release read from a "# kernel: RELEASE" line one of its tests printed, the
time the sum of its tests' (booting the VM is part of the first test's).
Exits 0 only if every test passed and each of these holds, so that a run
that proved nothing cannot look green:

- every log holds at least one test, and every suite its --suites names
  (which applies to the log after it) at least one;
- a gtest binary ran at least one test ("[==========] Running 0 tests" is
  a failure, not a pass);
- a TAP test ran at least one case: a bare plan "1..0" is a failure; "1..0
  # SKIP why" (a test skipped whole, as Meson reads it) is allowed only in
  a suite named by --may-skip, and fails elsewhere;
- with --no-skip SUITE, nothing of SUITE was skipped: not the test, not
  one of its TAP cases, not one of its gtest tests.

Skips are read as Meson's TAP parser reads them (mesonbuild/mtest.py): a
directive is "#", spaces, then any word starting with SKIP in any case
("# skipped", "#SKIP"), on an "ok" line (a "not ok" with SKIP is a
failure) or a plan; the description of a case ends at its first "#".
"""
import json
import re
import sys

# As Meson's TAPParser: _RE_TEST and _RE_PLAN with their directive.
DIRECTIVE = r"(?:\s*#\s*([Ss][Kk][Ii][Pp]\S*|[Tt][Oo][Dd][Oo])\b\s*(.*))?"
TAP_TEST = re.compile(r"((?:not )?ok)\s*(?:([0-9]+)\s*)?([^#]*)" + DIRECTIVE)
TAP_PLAN = re.compile(r"1\.\.([0-9]+)" + DIRECTIVE)
GTEST_RUNNING = re.compile(r"^\[==========\] Running (\d+) tests?\b", re.MULTILINE)
GTEST_SKIPPED = re.compile(r"^\[  SKIPPED \] (\d+) tests?\b", re.MULTILINE)
KERNEL = re.compile(r"^# kernel: (\S+)$", re.MULTILINE)


def is_kernel_suite(suite):
    return suite == "vm" or suite.startswith("vm-")


def counts_line(passed, failed, skipped):
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    return line


def usage():
    sys.exit(__doc__)


def tap_summary(stdout):
    """(cases run, skipped cases with their reasons, plan) of a TAP
    output; plan is None, or (count, whether it has a SKIP directive,
    reason)."""
    cases, skips, plan = 0, [], None
    for line in stdout.splitlines():
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        match = TAP_TEST.match(line)
        if match:
            cases += 1
            directive = (match.group(4) or "").upper()
            if match.group(1) == "ok" and directive.startswith("SKIP"):
                skips.append((match.group(5) or "").strip() or "skipped")
            continue
        match = TAP_PLAN.match(line)
        if match and plan is None:
            directive = (match.group(2) or "").upper()
            plan = (int(match.group(1)), directive.startswith("SKIP"), (match.group(3) or "").strip())
    return cases, skips, plan


def problems_of(test, suite, no_skip, may_skip):
    """Why a test that Meson called OK, EXPECTEDFAIL or SKIP counts as a
    failure; and whether it counts as skipped."""
    stdout = test.get("stdout") or ""
    result = test["result"]
    problems, skipped = [], result == "SKIP"
    gtest = [int(n) for n in GTEST_RUNNING.findall(stdout)]
    if gtest:
        if sum(gtest) == 0:
            problems.append("the gtest binary ran no test")
        if suite in no_skip and GTEST_SKIPPED.search(stdout):
            problems.append("gtest tests were skipped, but the %s suite is required" % suite)
    cases, skips, plan = tap_summary(stdout)
    if plan is not None and cases == 0 and plan[0] == 0:
        if not plan[1]:
            problems.append('its TAP plan is "1..0": it ran nothing and said no reason')
        elif suite in no_skip:
            problems.append("skipped, but the %s suite is required: %s" % (suite, plan[2]))
        elif suite not in may_skip:
            problems.append("skipped whole, outside a suite that may skip: %s" % plan[2])
        skipped = True
    elif result == "SKIP" and suite in no_skip:
        problems.append("skipped, but the %s suite is required" % suite)
    elif result == "SKIP" and suite not in may_skip:
        problems.append("skipped whole, outside a suite that may skip")
    if skips and suite in no_skip:
        problems.append("skipped, but the %s suite is required: %s" % (suite, skips[0]))
    return problems, skipped


def main(args):
    no_skip, may_skip, logs, suites = set(), set(), [], set()
    while args:
        option = args.pop(0)
        if option in ("--no-skip", "--may-skip", "--suites"):
            if not args:
                usage()
            value = args.pop(0)
            if option == "--no-skip":
                no_skip.add(value)
            elif option == "--may-skip":
                may_skip.add(value)
            else:
                suites = set(filter(None, value.split(",")))
        elif option.startswith("-"):
            usage()
        else:
            logs.append((option, suites))
            suites = set()
    if not logs:
        usage()

    passed = failed = skipped = 0
    # Per kernel suite: [passed, failed, skipped, release, seconds].
    kernels = {}
    for path, required_suites in logs:
        seen = {}
        try:
            with open(path) as log:
                tests = [json.loads(line) for line in log if line.strip()]
        except (OSError, ValueError) as error:
            print("%s: cannot be read: %s" % (path, error))
            failed += 1
            continue
        for test in tests:
            # "project:suite / name"
            suite = test["name"].split(":", 1)[-1].split(" / ", 1)[0]
            seen[suite] = seen.get(suite, 0) + 1
            kernel = kernels.setdefault(suite, [0, 0, 0, None, 0.0]) if is_kernel_suite(suite) else [0, 0, 0, None, 0.0]
            kernel[4] += float(test.get("duration") or 0)
            release = KERNEL.search(test.get("stdout") or "")
            if release and kernel[3] is None:
                kernel[3] = release.group(1)
            if test["result"] not in ("OK", "EXPECTEDFAIL", "SKIP"):
                print("%s: %s" % (test["name"], test["result"]))
                failed += 1
                kernel[1] += 1
                continue
            problems, was_skipped = problems_of(test, suite, no_skip, may_skip)
            if problems:
                print("%s: %s" % (test["name"], "; ".join(problems)))
                failed += 1
                kernel[1] += 1
            elif was_skipped:
                skipped += 1
                kernel[2] += 1
            else:
                passed += 1
                kernel[0] += 1
        if not tests:
            print("%s: no test ran" % path)
            failed += 1
        for suite in sorted(required_suites - set(seen)):
            print("%s: the %s suite has no test" % (path, suite))
            failed += 1

    for suite in sorted(kernels):
        n_passed, n_failed, n_skipped, release, seconds = kernels[suite]
        print("%s (Linux %s): %s in %d s" % (suite, release or "unknown: no test printed it",
                                             counts_line(n_passed, n_failed, n_skipped), seconds))
    print(counts_line(passed, failed, skipped))
    return 0 if passed > 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
