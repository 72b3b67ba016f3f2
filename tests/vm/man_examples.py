#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The examples of the man pages are real runs, and stay so.

  man_examples.py check PAGE...      run every example command of each page
                                     (lines "# vdpa ..." in .EX blocks), in
                                     order, on a kernel without devices, and
                                     compare with the output the page shows
                                     and the exit status it documents; then
                                     again with iproute2's vdpa wherever it
                                     has the command
  man_examples.py update PAGE        run them the same way and print the
                                     page with what they print (the VM's
                                     root is read-only: the caller writes)

Runs inside the test VM with VDPA set to the binary under test (and REF to
iproute2's). Prints TAP. Trailing blanks are not compared: a man page
cannot show them.

The exit status a page documents: 1 for the examples of a block whose
caption (the paragraph before its .EX) says "exit status 1", else 0, as
vdpa(8) says under EXIT STATUS.

The outputs a page shows are what `update` made ours print, so they are
checked against iproute2 too: a second pass runs each example with
iproute2, except those it does not have (our own options and keywords,
the monitor) and those where ours deliberately differs (IPROUTE2_DIFFERS,
each a case of tests/vm/cases); ours runs those, to keep the state in step.

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


# Examples where iproute2 prints something else, and why (README,
# "Differences"; the differential cases named compare the two tools there).
IPROUTE2_DIFFERS = {
    "dev vstats show n0 qidx 0":
        "without multiqueue iproute2 calls queue 0 control_vq (dev.cases: fixed)",
    "dev vstats show n0 qidx 2":
        "without multiqueue iproute2 calls the control queue rx (dev.cases: fixed)",
    "dev config show b0": "iproute2 prints nothing for block devices (dev.cases: fixed)",
    "dev add name n1 mgmtdev vdpasim_net mac 00:11:22:33:44":
        "iproute2 pads a MAC of five octets with zeros (dev.cases: differ)",
}
OUR_OPTIONS = {"-d", "--details", "-f", "--force", "-force", "-b", "--batch", "-batch"}


def iproute2_has(command):
    """Whether iproute2's vdpa runs the example as the page shows it."""
    words = command.split()
    options = {w for w in words if w.startswith("-")}
    clusters = {w for w in options if not w.startswith("--") and set(w[1:]) & set("dfb")}
    return not (options & OUR_OPTIONS or clusters or "driver" in words or words[0] == "monitor"
                or command in IPROUTE2_DIFFERS)


def reset():
    for name in os.listdir("/sys/bus/vdpa/devices"):
        subprocess.run([REF, "dev", "del", name], check=True)
    with open("/sys/bus/vdpa/drivers_autoprobe", "w") as f:
        f.write("1")


def run(args, binary=None):
    """The output lines (stdout and stderr, as a terminal shows them) and
    the exit status of one example."""
    result = subprocess.run([binary or VDPA] + args.split(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return [line.rstrip() for line in result.stdout.splitlines()], result.returncode


def examples(lines):
    """(command, shown output lines, documented exit status) for each
    example of a page."""
    inside, current, caption = False, None, []
    for line in lines:
        if line.startswith(".EX"):
            inside = True
            status = 1 if "exit status 1" in " ".join(caption) else 0
        elif line.startswith(".EE"):
            inside, caption = False, []
        elif inside and line.startswith("# vdpa "):
            if current:
                yield current
            current = (unescape(line[len("# vdpa "):]), [], status)
        elif inside and current:
            current[1].append(unescape(line).rstrip())
        elif line.startswith((".PP", ".P ", ".LP", ".SH", ".SS")) or line == ".P":
            caption = []
        elif not inside:
            caption.append(unescape(line))
    if current:
        yield current


class Tap:
    def __init__(self):
        self.count = self.failed = 0

    def result(self, ok, description, diagnostics=()):
        self.count += 1
        self.failed += not ok
        print("%s %d - %s" % ("ok" if ok else "not ok", self.count, description))
        for line in diagnostics if not ok else ():
            print("# " + line)


def compare(tap, description, actual, status, shown, documented):
    same = [normalise(line) for line in actual] == [normalise(line) for line in join(shown)]
    diagnostics = ["exit status %d, the page documents %d" % (status, documented)]
    diagnostics += ["got: " + line for line in actual] + ["man: " + line for line in shown]
    tap.result(same and status == documented, description, diagnostics)


def check(pages):
    tap = Tap()
    for page in pages:
        name = os.path.basename(page)
        with open(page) as f:
            page_examples = list(examples(f.read().splitlines()))
        reset()
        for command, shown, documented in page_examples:
            actual, status = run(command)
            compare(tap, "%s: vdpa %s" % (name, command), actual, status, shown, documented)
        # The same sequence with iproute2 where it has the command.
        reset()
        for command, shown, documented in page_examples:
            if iproute2_has(command):
                actual, status = run(command, REF)
                compare(tap, "%s: iproute2 prints what the page shows: vdpa %s" % (name, command),
                        actual, status, shown, documented)
            else:
                run(command)
    reset()
    print("1..%d" % tap.count)
    return tap.failed == 0


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
            for text in run(unescape(line[len("# vdpa "):]))[0]:
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
