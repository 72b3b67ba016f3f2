#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""grammar_seeds.py DIR CASES...: the command lines of the test case files
as fuzz_grammar inputs (NUL-separated words; and the same line for the
batch splitter)."""
import os
import shlex
import sys

DIRECTIVES = ("same", "change", "help", "ourhelp", "fixed", "differ", "setup")
out, count = sys.argv[1], 0
os.makedirs(out, exist_ok=True)
for path in sys.argv[2:]:
    with open(path) as f:
        for line in f:
            line = line.strip()
            # "~ ERE" after a differ case is a pattern, not a command line.
            if not line or line.startswith(("#", "group", "~ ")):
                continue
            words = line.split(None, 1)
            if words[0] in DIRECTIVES:
                line = words[1] if len(words) > 1 else ""
            line = line.split(" | ", 1)[-1]
            try:
                argv = shlex.split(line)
            except ValueError:
                argv = line.split()
            for selector, body in ((b"\0", b"\0".join(a.encode(errors="surrogateescape")
                                                        for a in argv)),
                                   (b"\1", line.encode(errors="surrogateescape"))):
                with open(os.path.join(out, "seed-%d" % count), "wb") as seed:
                    seed.write(selector + body)
                count += 1
print("%d seeds" % count)
