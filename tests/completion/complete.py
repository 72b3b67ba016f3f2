#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives bash-completion/vdpa as bash would, for tests.

  complete.py COMPLETION VDPA CASES    check each case of CASES, print TAP

A case is a line "COMMAND LINE|EXPECTED": the command line up to the
cursor (a trailing blank means a new word), a bar, and the candidates
bash should offer, in any order. "vdpa" at the start of the line stands for
VDPA, the binary completed (and asked for live names).

As a module: candidates(completion, lines) gives the candidates of each
line, from one bash process.
"""
import subprocess
import sys

MARK = "\x1f"  # separates the answers of the lines


def candidates(completion, lines):
    script = ["source %s" % quote(completion)]
    for line in lines:
        script.append("COMP_LINE=%s; COMP_POINT=${#COMP_LINE}; _vdpa" % quote(line))
        script.append('printf "%%s\\n" "${COMPREPLY[@]}"; printf "%s\\n"' % MARK)
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", "\n".join(script)],
                            stdout=subprocess.PIPE, text=True, check=True)
    answers = result.stdout.split(MARK + "\n")[:len(lines)]
    return [sorted(word for word in answer.split("\n") if word) for answer in answers]


def quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def main(completion, vdpa, cases_file):
    cases = []
    with open(cases_file) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            typed, expected = line.split("|", 1)
            if typed.startswith("vdpa"):
                typed = vdpa + typed[len("vdpa"):]
            cases.append((typed, sorted(expected.split())))
    answers = candidates(completion, [typed for typed, _ in cases])
    failed = 0
    for number, ((typed, expected), got) in enumerate(zip(answers and cases, answers), 1):
        shown = typed.replace(vdpa, "vdpa", 1)
        if got == expected:
            print("ok %d - %s|" % (number, shown))
        else:
            failed += 1
            print("not ok %d - %s|" % (number, shown))
            print("# expected: %s" % " ".join(expected))
            print("# got:      %s" % " ".join(got))
    print("1..%d" % len(cases))
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
