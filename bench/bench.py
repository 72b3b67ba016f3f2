#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""vdpa against iproute2's vdpa, side by side in one VM boot (bench/run.sh).

Prints wall time (median), user CPU (mean: see compare), instructions
executed (counted by callgrind, the same in every run) and peak RSS, and the
ratio vdpa / iproute2 for:
single commands; dumps of 100 and 1000 devices; adding then deleting 1000
devices one iproute2 process per command, with `vdpa -b`, and with a minimal
raw generic netlink loop (the kernel-bound limit). Runs alternate between
the tools so that the VM's noise hits both alike. Every process is started
the same way: by Popen for single commands and dumps, by runlist for the
adds and deletes. Then where some of vdpa's instructions go: registering
an option with CLI11, and <iostream>'s static initialization.

  bench.py VDPA REF BENCH_BUILD_DIR [--devices N] [--rounds R]

BENCH_BUILD_DIR holds nlloop, peakrss, runlist, startup-plain and
startup-iostream (bench/meson.build).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("vdpa")
parser.add_argument("ref")
parser.add_argument("bench_dir")
parser.add_argument("--devices", type=int, default=1000)
parser.add_argument("--rounds", type=int, default=15)
args = parser.parse_args()

# Both tools from tmpfs and stripped, as a distribution ships them: not
# read over 9p, and not one with debug sections the other lacks.
WORK = "/run/bench"
os.makedirs(WORK, exist_ok=True)
VDPA, REF = os.path.join(WORK, "vdpa"), os.path.join(WORK, "iproute2-vdpa")
HELPERS = ("nlloop", "peakrss", "runlist", "startup-plain", "startup-iostream")
NLLOOP, PEAKRSS, RUNLIST, STARTUP_PLAIN, STARTUP_IOSTREAM = (os.path.join(WORK, n) for n in HELPERS)
for source, target in ([(args.vdpa, VDPA), (args.ref, REF)]
                       + [(os.path.join(args.bench_dir, n), os.path.join(WORK, n)) for n in HELPERS]):
    shutil.copy(source, target)
    subprocess.run(["strip", target], check=True)


def run(argv):
    """Wall seconds, user CPU seconds, peak RSS KiB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s: %s" % (" ".join(argv), process.stderr.read().decode()))
    return wall, usage.ru_utime, 0


def peak_rss(argv):
    """Peak RSS in KiB, measured by the small peakrss parent."""
    result = subprocess.run([PEAKRSS] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, check=True)
    return int(result.stderr.split("peakrss ")[-1])


def instructions(argv):
    """Instructions one run executes, loader and libc start-up included:
    unlike timings in TCG, a count that does not move between runs."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
                            + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def compare(label, ours, theirs, rounds=args.rounds):
    """Alternating runs of two command lines; a table row of the median
    wall time and the mean user CPU time.

    User CPU is charged by timer tick (4 ms at Debian's HZ=250): one run
    of a short command gets 0 or a tick, so the median of such samples
    says little, while their mean over the rounds converges on the time
    really used."""
    results = {"ours": [], "theirs": []}
    for _ in range(rounds):
        results["ours"].append(run(ours))
        results["theirs"].append(run(theirs))
    med = {k: [statistics.median(r[0] for r in v), statistics.mean(r[1] for r in v)]
           for k, v in results.items()}
    med["ours"] += [peak_rss(ours), instructions(ours)]
    med["theirs"] += [peak_rss(theirs), instructions(theirs)]
    row(label, med["ours"], med["theirs"])
    return med


def row(label, ours, theirs):
    print("%-34s %9.1f %9.1f %6.2f   %7.2f %7.2f %6.2f   %7.2f %7.2f %6.2f   %6d %6d"
          % (label, ours[0] * 1e3, theirs[0] * 1e3, ours[0] / theirs[0],
             ours[1] * 1e3, theirs[1] * 1e3, (ours[1] / theirs[1]) if theirs[1] else float("nan"),
             ours[3] / 1e6, theirs[3] / 1e6, ours[3] / theirs[3],
             ours[2], theirs[2]), flush=True)


def header(title):
    print("\n" + title)
    print("%-34s %9s %9s %6s   %7s %7s %6s   %7s %7s %6s   %6s %6s"
          % ("", "vdpa ms", "ipr2 ms", "ratio", "vdpa u", "ipr2 u", "ratio",
             "vdpa Mi", "ipr2 Mi", "ratio", "vdpaKB", "iprKB"))


def clean():
    for name in os.listdir("/sys/bus/vdpa/devices"):
        subprocess.run([REF, "dev", "del", name], check=True)


def populate(count, prefix="d"):
    """Devices made by the raw loop, so that populating costs little."""
    subprocess.run([NLLOOP, "add", prefix, str(count), "vdpasim_net"], check=True)


def set_autoprobe(on):
    with open("/sys/bus/vdpa/drivers_autoprobe", "w") as f:
        f.write("1" if on else "0")


print("Linux %s; vdpa %s; %s" % (os.uname().release,
      subprocess.run([VDPA, "-V"], capture_output=True, text=True).stdout.strip(),
      subprocess.run([REF, "-V"], capture_output=True, text=True).stdout.strip()))
print("%d alternating runs; ms = median wall time, u = mean user CPU ms,\n"
      "Mi = millions of instructions executed (callgrind), KB = peak RSS" % args.rounds)
clean()
set_autoprobe(False)

header("Single commands")
compare("-V", [VDPA, "-V"], [REF, "-V"])
compare("mgmtdev show", [VDPA, "mgmtdev", "show"], [REF, "mgmtdev", "show"])
compare("-j mgmtdev show vdpasim_net", [VDPA, "-j", "mgmtdev", "show", "vdpasim_net"],
        [REF, "-j", "mgmtdev", "show", "vdpasim_net"])
populate(1, "one")
compare("dev show one0", [VDPA, "dev", "show", "one0"], [REF, "dev", "show", "one0"])
compare("dev config show one0", [VDPA, "dev", "config", "show", "one0"],
        [REF, "dev", "config", "show", "one0"])
clean()

rss = {}
for count in (100, args.devices):
    clean()
    populate(count)
    header("Dumps of %d devices" % count)
    compare("dev show", [VDPA, "dev", "show"], [REF, "dev", "show"])
    result = compare("-j dev show", [VDPA, "-j", "dev", "show"], [REF, "-j", "dev", "show"])
    rss[count] = result["ours"][2]
    compare("dev config show", [VDPA, "dev", "config", "show"], [REF, "dev", "config", "show"])
clean()
print("\nPeak RSS of vdpa -j dev show: %d KB at 100 devices, %d KB at %d: %+d KB"
      % (rss[100], rss[args.devices], args.devices, rss[args.devices] - rss[100]))

n = args.devices
print("\nAdd then delete %d devices (drivers_autoprobe off)" % n)


def timed(label, steps):
    times = []
    for step in steps:
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    elapsed = sum(times)
    print("  %-44s %8.2f s (adds %.2f s, deletes %.2f s)" % (label, elapsed, *times), flush=True)
    clean()
    return elapsed


def write(name, lines):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


def listed(name, lines):
    """A step that starts the command lines through runlist."""
    path = write(name, lines)
    return lambda: run([RUNLIST, path])


adds = write("adds.batch", ["dev add name b%d mgmtdev vdpasim_net" % i for i in range(n)])
dels = write("dels.batch", ["dev del b%d" % i for i in range(n)])
batch = timed("vdpa -b (one process for adds, one for deletes)",
              [listed("vdpa-adds.list", ["%s -b %s" % (VDPA, adds)]),
               listed("vdpa-dels.list", ["%s -b %s" % (VDPA, dels)])])
raw = timed("raw generic netlink loop (nlloop)",
            [listed("nlloop-adds.list", ["%s add b %d vdpasim_net" % (NLLOOP, n)]),
             listed("nlloop-dels.list", ["%s del b %d" % (NLLOOP, n)])])
one_each = timed("iproute2, one process per command",
                 [listed("iproute2-adds.list",
                         ["%s dev add name b%d mgmtdev vdpasim_net" % (REF, i) for i in range(n)]),
                  listed("iproute2-dels.list", ["%s dev del b%d" % (REF, i) for i in range(n)])])
print("  vdpa -b is %.0fx faster than iproute2 one process per command (target >= 50x)"
      % (one_each / batch))
print("  vdpa -b takes %.2fx the raw loop's time (target <= 1.5x)" % (batch / raw))
set_autoprobe(True)

# Where some of vdpa's instructions go, for the README's explanations.
print("\nWhere instructions go (callgrind; vdpa mgmtdev show vdpasim_net)")
plain = instructions([VDPA, "mgmtdev", "show", "vdpasim_net"])
# -p without -j and -f on a show change nothing but the options CLI11 is
# told of (vdpa/options.cpp registers only those on the command line).
one = instructions([VDPA, "-p", "mgmtdev", "show", "vdpasim_net"])
two = instructions([VDPA, "-p", "-f", "mgmtdev", "show", "vdpasim_net"])
print("  no option %d; -p %d (%+d); -p -f %d (%+d for the second option)"
      % (plain, one, one - plain, two, two - one))
bare, with_iostream = instructions([STARTUP_PLAIN]), instructions([STARTUP_IOSTREAM])
print("  an empty C++ main linked as vdpa is: %d; with <iostream> included: %d (%+d: its static"
      " initialization)" % (bare, with_iostream, with_iostream - bare))
