#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The examples of the man pages are real runs, and stay so.

  man_examples.py check PAGE...      run every example command of each page
                                     (lines "# vdpa ..." in .EX blocks), in
                                     order, on a kernel without devices, and
                                     compare with the output the page shows
  man_examples.py update PAGE        run them the same way and print the
                                     page with what they print (the VM's
                                     root is read-only: the caller writes)

Runs inside the test VM with VDPA set to the binary under test. Prints TAP.
Trailing blanks are not compared: a man page cannot show them.
"""
import os
import subprocess
import sys

VDPA = os.environ["VDPA"]
REF = os.environ.get("REF") or os.path.join(os.environ.get("VDPA_VM_IMAGE", ""),
                                           "iproute2/sbin/vdpa")


def unescape(text):
    return text.replace("\\&", "").replace("\\-", "-").replace("\\e", "\\")


def escape(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def reset():
    for name in os.listdir("/sys/bus/vdpa/devices"):
        subprocess.run([REF, "dev", "del", name], check=True)
    with open("/sys/bus/vdpa/drivers_autoprobe", "w") as f:
        f.write("1")


def run(args):
    result = subprocess.run([VDPA] + args.split(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    return [line.rstrip() for line in result.stdout.splitlines()]


def examples(lines):
    """(command, shown output lines) for each example of a page."""
    inside, current = False, None
    for line in lines:
        if line.startswith(".EX"):
            inside = True
        elif line.startswith(".EE"):
            inside = False
        elif inside and line.startswith("# vdpa "):
            if current:
                yield current
            current = (unescape(line[len("# vdpa "):]), [])
        elif inside and current:
            current[1].append(unescape(line).rstrip())
    if current:
        yield current


def check(pages):
    count = failed = 0
    for page in pages:
        reset()
        with open(page) as f:
            for command, shown in examples(f.read().splitlines()):
                count += 1
                actual = run(command)
                if actual == shown:
                    print("ok %d - %s: vdpa %s" % (count, os.path.basename(page), command))
                else:
                    failed += 1
                    print("not ok %d - %s: vdpa %s" % (count, os.path.basename(page), command))
                    for line in actual:
                        print("# got: " + line)
                    for line in shown:
                        print("# man: " + line)
    reset()
    print("1..%d" % count)
    return failed == 0


def update(page):
    reset()
    with open(page) as f:
        lines = f.read().splitlines()
    out, inside, replacing = [], False, False
    for line in lines:
        if line.startswith(".EX"):
            inside = True
        elif line.startswith(".EE"):
            inside = replacing = False
        elif inside and line.startswith("# vdpa "):
            out.append(line)
            out.extend(escape(text) for text in run(unescape(line[len("# vdpa "):])))
            replacing = True
            continue
        if not replacing:
            out.append(line)
    sys.stdout.write("\n".join(out) + "\n")
    reset()


if __name__ == "__main__":
    if sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2:]) else 1)
    update(sys.argv[2])
