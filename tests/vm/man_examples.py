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

An output line too wide for a terminal is shown split: every part but the
last ends with a backslash, and the next part is indented; the check joins
them again. Numbers the kernel hands out in order (virtio2, eth0,
/dev/vhost-vdpa-0, its major:minor, vda) depend on what ran in the VM
before, so they are compared as patterns, as tests/vm/monitor.sh does.
"""
import os
import re
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


# Where .EX text starts (the section's indent) in an 80-column terminal,
# what remains for a line with its backslash.
WIDTH = 72
CONTINUATION = "    "

# What the kernel numbers in order, as patterns.
NUMBERED = [
    (re.compile(r"\bvirtio[0-9]+\b"), "virtioN"),
    (re.compile(r"\beth[0-9]+\b"), "ethN"),
    (re.compile(r"/dev/vhost-vdpa-[0-9]+\b"), "/dev/vhost-vdpa-N"),
    (re.compile(r"(chardev_devnum\W+)[0-9]+:[0-9]+"), r"\1N:N"),
    (re.compile(r"(disk\W+)vd[a-z]+\b"), r"\1vdX"),
]


def normalise(line):
    for pattern, replacement in NUMBERED:
        line = pattern.sub(replacement, line)
    return line


def breaks(line):
    """Where a line may be split: after a space or a comma, but between the
    key-value pairs of a record ("b0: capacity 262144 size_max 4096 ...")
    and of its indented detail lines ("  min_vq_size 1 driver ...")."""
    pairs_after = 1 if re.match(r"\S+: ", line) else 0 if re.match(r"  [a-z_]+ ", line) else None
    allowed, words = [], 0
    for i, c in enumerate(line):
        if c == "," and pairs_after is None:
            allowed.append(i)
        elif c == " " and i > 0 and line[i - 1] != " ":
            words += 1
            if pairs_after is None or words % 2 == pairs_after:
                allowed.append(i)
    return allowed


def wrap(line):
    """A line as the page shows it, split to fit a terminal."""
    allowed, parts, start, prefix = breaks(line), [], 0, ""
    while len(prefix) + len(line) - start > WIDTH:
        fitting = [i for i in allowed if start < i < start + WIDTH - 1 - len(prefix)]
        if not fitting:
            break
        parts.append(prefix + line[start:fitting[-1] + 1] + "\\")
        start, prefix = fitting[-1] + 1, CONTINUATION
    return parts + [prefix + line[start:]]


def join(lines):
    """The output lines a page's (wrapped) lines show."""
    joined, pending = [], None
    for line in lines:
        if pending is not None:
            line = pending + line.lstrip()
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        pending = None
        joined.append(line)
    if pending is not None:
        joined.append(pending)
    return joined


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
                if [normalise(line) for line in actual] == [normalise(line) for line in
                                                             join(shown)]:
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
            for text in run(unescape(line[len("# vdpa "):])):
                out.extend(escape(part) for part in wrap(text))
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
