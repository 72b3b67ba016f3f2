#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The block of bash-completion/vdpa between "# BEGIN GRAMMAR" and
"# END GRAMMAR" is what `vdpa-grammar bash` prints.

  grammar_block.py check  VDPA_GRAMMAR SCRIPT   exit 1 (and say so) if not
  grammar_block.py update VDPA_GRAMMAR SCRIPT   make it so
"""
import subprocess
import sys

BEGIN, END = "# BEGIN GRAMMAR\n", "# END GRAMMAR\n"

mode, tool, script = sys.argv[1:4]
generated = subprocess.run([tool, "bash"], stdout=subprocess.PIPE, text=True, check=True).stdout
with open(script) as f:
    text = f.read()
head, _, rest = text.partition(BEGIN)
block, _, tail = rest.partition(END)
if BEGIN not in text or END not in rest:
    sys.exit("%s: no %s... %s block" % (script, BEGIN.strip(), END.strip()))
if mode == "check":
    if block != generated:
        print("1..1\nnot ok 1 - %s follows the grammar table" % script)
        print("# run: meson compile -C build update-completion")
        sys.exit(1)
    print("1..1\nok 1 - %s follows the grammar table" % script)
else:
    with open(script, "w") as f:
        f.write(head + BEGIN + generated + END + tail)
