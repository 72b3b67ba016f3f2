#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The built vdpa binary on the build host, whose kernel need not have vDPA:
# options, help, and every usage error, none of which may need the kernel.
# (If the parser contacted the kernel first, these would all fail with
# "no vdpa family" here.) Prints TAP.
#
#   cli.sh VDPA VERSION
set -u
VDPA=$1
VERSION=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0 failed=0

# expect STATUS STDOUT STDERR-PATTERN ARGS...: STDOUT is exact ("" for
# none); in STDERR-PATTERN only * is special (any text).
literal_except_star() {
  local text=$1 out= c i
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    case "$c" in '['|']'|'?'|'\\') out+="\\$c" ;; *) out+=$c ;; esac
  done
  printf '%s' "$out"
}

expect() {
  local status=$1 out=$2 err=$3; shift 3
  local got_out got_err got_status
  # As found on PATH: getopt's messages name the program by argv[0].
  (exec -a vdpa "$VDPA" "$@") >"$TMP/out" 2>"$TMP/err"
  got_status=$?
  got_out=$(cat "$TMP/out"; echo x)
  got_out=${got_out%x}
  got_err=$(cat "$TMP/err")
  n=$((n + 1))
  local problems=
  [ "$got_status" = "$status" ] || problems+="status $got_status, expected $status; "
  [ "$got_out" = "$out" ] || problems+="stdout [$got_out], expected [$out]; "
  local pattern; pattern=$(literal_except_star "$err")
  # shellcheck disable=SC2053
  [[ "$got_err" == $pattern ]] || problems+="stderr [$got_err] does not match [$err]"
  if [ -z "$problems" ]; then echo "ok $n - vdpa $*"
  else echo "not ok $n - vdpa $*"; echo "# $problems"; failed=$((failed + 1)); fi
}

nl=$'\n'
expect 0 "vdpa utility, vdpa-$VERSION$nl" "" -V
expect 0 "vdpa utility, vdpa-$VERSION$nl" "" --Version
# Options as iproute2 6.15's getopt_long takes them (the differential
# cases in tests/vm/cases/options.cases compare these with iproute2).
for version in -Version --V --Vers -jV -Vh -Vx "--js --pre -V" "dev show -V"; do
  # shellcheck disable=SC2086
  expect 0 "vdpa utility, vdpa-$VERSION$nl" "" $version
done
for help in -help --he -hV "mgmtdev show -h" "-j --h"; do
  # shellcheck disable=SC2086
  expect 0 "" "Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }*" $help
done
# -json is -j then -s, which iproute2 refuses without a word from getopt.
expect 1 "" "Unknown option.${nl}Usage: vdpa*" -json
expect 1 "" "Unknown option.${nl}Usage: vdpa*" dev show -s
expect 1 "" "vdpa: invalid option -- 'r'${nl}Unknown option.${nl}Usage: vdpa*" -pretty
expect 1 "" "vdpa: invalid option -- 'e'${nl}Unknown option.${nl}Usage: vdpa*" -details
expect 1 "" "vdpa: option '--json' doesn't allow an argument${nl}Unknown option.${nl}Usage: vdpa*" --json=1
expect 1 "" "vdpa: unrecognized option '--jsonx'${nl}Unknown option.${nl}Usage: vdpa*" --jsonx
expect 1 "" "vdpa: option '--=x' is ambiguous; possibilities:*${nl}Unknown option.${nl}Usage: vdpa*" --=x
expect 1 "" "vdpa: option requires an argument -- 'b'${nl}Usage: vdpa*" -b
expect 1 "" "vdpa: option '--batch' requires an argument${nl}Usage: vdpa*" --batch
expect 1 "" "A command cannot be given with -b: put it in the file." -jb - dev show
expect 0 "" "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]" --ba=<(printf 'mgmtdev help\n') -fj
expect 0 "" "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]" -b<(printf 'mgmtdev help\n')
expect 0 "" "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]" -batch <(printf 'mgmtdev help\n') -force
expect 1 "" "Object \"-j\" not found" -- -j

# Output that cannot be written is an error (iproute2 exits 0 there).
full() {  # STATUS STDERR ARGS...: stdout goes to /dev/full
  local status=$1 err=$2; shift 2
  (exec -a vdpa "$VDPA" "$@") >/dev/full 2>"$TMP/err"
  local got=$?
  n=$((n + 1))
  if [ "$got" = "$status" ] && [ "$(cat "$TMP/err")" = "$err" ]; then echo "ok $n - vdpa $* >/dev/full"
  else echo "not ok $n - vdpa $* >/dev/full"; echo "# status $got, stderr [$(cat "$TMP/err")]"; failed=$((failed + 1)); fi
}
full 1 "Error: cannot write the output: No space left on device." -V
# Help goes to stderr: losing it is the same error, status 1 exactly (a
# crash is not "non-zero, so fine").
n=$((n + 1))
(exec -a vdpa "$VDPA" help) 2>/dev/full
got=$?
if [ "$got" = 1 ]; then echo "ok $n - vdpa help 2>/dev/full exits 1"
else echo "not ok $n - vdpa help 2>/dev/full exits 1"; echo "# status $got"; failed=$((failed + 1)); fi
for help in "" help h -h --help; do
  # shellcheck disable=SC2086
  expect 0 "" "Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }*" $help
done
ROOT_HELP="Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }
       vdpa [ OPTIONS ] { -b | --batch | -batch } FILE
where  OBJECT := { mgmtdev | dev | monitor | state }
       OPTIONS := { -V | --Version | -j | --json | -p | --pretty
                    | -d | --details | -f | --force | -force | -h | --help }"
expect 0 "" "$ROOT_HELP" help
expect 0 "" "Usage: vdpa monitor" monitor help
expect 1 "" "Unknown option \"foo\"" monitor foo
# state: help and usage; a state file is checked whole, before the kernel
# is asked anything (this host has no vDPA), each problem where it is.
STATE_HELP="Usage: vdpa state show
       vdpa state apply FILE [ prune ] [ check ] [ wait SECONDS ]"
expect 0 "" "$STATE_HELP" state help
expect 0 "" "$STATE_HELP" state
expect 0 "" "Usage: vdpa state show" state show help
expect 1 "" "Command \"sh\" not found*" state sh
expect 1 "" "A file name is expected (\"-\" for standard input).*" state apply
expect 1 "" "Keyword \"prune\" is given more than once." state apply f prune check prune
expect 1 "" "invalid wait \"1s\": expected a decimal number from 0 to 86400" state apply f wait 1s
expect 1 "" "Keyword \"wait\" needs a value (SECONDS)." state apply f wait
expect 1 "" "Error: cannot open the state file \"$TMP/none\": No such file or directory." state apply "$TMP/none"
printf '{"devices": [{"name": "a", "mgmtdev": "vdpasim_net", "mac": "00:11"},\n {"name": "a", "mgmtdev": "x", "mtu": 1.5, "size": 1}]}' >"$TMP/bad.json"
expect 1 "" "Error: $TMP/bad.json: devices[0].mac: invalid MAC address \"00:11\": expected six colon-separated hexadecimal octets, such as 00:11:22:33:44:55
Error: $TMP/bad.json: devices[1].mtu: expected a whole number from 0 to 65535, found a fraction
Error: $TMP/bad.json: devices[1].size: unknown key: *
Error: $TMP/bad.json: devices[1].name: the name \"a\" is given twice: devices[0] has it too
Nothing was changed." state apply "$TMP/bad.json"
expect 1 "" "Error: (standard input): line 1, column 2: not valid JSON: *${nl}Nothing was changed." \
  state apply - check <<<"{,"
expect 1 "" "A command cannot be given with -b: put it in the file." -b - dev show
expect 1 "" "Error: cannot open /nonexistent/batch: No such file or directory." -b /nonexistent/batch
# Batch files are read as `ip -batch` reads them: an open quote or a
# continuation at the end ends the batch at once, even with -force.
expect 1 "" "Usage: vdpa*${nl}Unterminated quoted string${nl}Command failed /dev/fd/*:2" -force -b <(printf 'help\ndev show "x\nhelp\n')
expect 1 "" "Missing continuation line${nl}Command failed /dev/fd/*:1" -b <(printf 'dev \\\n')
expect 1 "" "Command \"foo\" not found${nl}Command failed /dev/fd/*:3" -b <(printf '# dev foo\ndev \\\nfoo\n')
expect 1 "" "Command \"mgmtdev\" not found${nl}Command failed /dev/fd/*:1" -b <(printf 'dev mgmtdev#help\n')
expect 0 "" "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]" -b <(printf 'mgmt\\\ndev help\n')
expect 1 "" "Only -f can be given on a batch line*${nl}Command failed /dev/fd/*:1" -b <(printf -- '-j dev show\n')
expect 1 "" "vdpa: invalid option -- 'x'${nl}Unknown option.${nl}Command failed /dev/fd/*:1" -b <(printf -- 'dev show -x\n')
expect 1 "" "Command \"foo\" not found${nl}Command failed /dev/fd/*:1${nl}Command \"bar\" not found${nl}Command failed /dev/fd/*:2" -force -b <(printf 'dev foo\ndev bar\n')
expect 0 "" "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]" mgmtdev help
expect 0 "" "Usage: vdpa dev { show | list } [ DEV ]*vdpa dev add name NAME mgmtdev [BUS/]MGMTDEV*vdpa dev del DEV*vdpa dev config show [ DEV ]*vdpa dev vstats show DEV qidx QUEUE_INDEX*vdpa dev set name NAME [ mac MACADDR ] [ driver DRIVER ]${nl}where  DRIVER := { virtio_vdpa | vhost_vdpa | none }" dev help
expect 0 "" "Usage: vdpa dev set name NAME [ mac MACADDR ] [ driver DRIVER ]${nl}where  DRIVER := { virtio_vdpa | vhost_vdpa | none }" dev set help
expect 0 "" "Usage: vdpa dev add name NAME*" dev add help
expect 0 "" "Usage: vdpa dev config show [ DEV ]" dev config help
expect 0 "" "Usage: vdpa dev vstats show DEV qidx QUEUE_INDEX" dev vstats help
expect 1 "" "Usage: vdpa dev vstats show DEV qidx QUEUE_INDEX" dev vstats
# With -j, iproute2 prints its closing newline even for usage errors.
expect 1 "$nl" "Object \"foo\" not found" -j foo

expect 1 "" "vdpa: invalid option -- 'x'${nl}Unknown option.${nl}$ROOT_HELP" -x
expect 1 "" "vdpa: unrecognized option '--bogus'${nl}Unknown option.${nl}Usage: vdpa*" --bogus dev show
expect 1 "" "Object \"foo\" not found" foo
expect 1 "" "Command \"foo\" not found" dev foo
expect 1 "" "Command \"se\" not found" dev se
expect 1 "" "Command \"foo\" not found" mgmtdev foo
expect 1 "" "String parameter expected" dev del
# iproute2's usage line, not "String parameter expected".
expect 1 "" "Usage: vdpa dev vstats show DEV [qidx QUEUE_INDEX]" dev vstats show
expect 1 "" "management device handle not set." dev add name x
expect 1 "" "device name is not set." dev add mgmtdev vdpasim_net
expect 1 "" "device name is not set." dev set
expect 1 "" "Unknown option \"extra\"" dev show n0 extra
expect 1 "" "Unknown option \"foo\"" dev add name x mgmtdev y foo bar
expect 1 "" "Keyword \"name\" is given more than once." dev add name a name b mgmtdev y
expect 1 "" "Keyword \"mtu\" needs a value (MTU)." dev add name x mgmtdev y mtu
expect 1 "" "queue index is not set (qidx QUEUE_INDEX)." dev vstats show n0
expect 1 "" "invalid qidx \"abc\": expected a decimal number from 0 to 4294967295" dev vstats show n0 qidx abc
expect 1 "" "invalid mtu \"70000\": expected a decimal number from 0 to 65535" dev add name x mgmtdev y mtu 70000
expect 1 "" "invalid mtu \"0x100\": expected a decimal number from 0 to 65535" dev add name x mgmtdev y mtu 0x100
# A word starting with '-' is an option to getopt, as in iproute2.
expect 1 "" "vdpa: invalid option -- '1'${nl}Unknown option.${nl}Usage: vdpa*" dev add name x mgmtdev y max_vqp -1
expect 1 "" "invalid device_features \"zz\": expected a hexadecimal number*" dev add name x mgmtdev y device_features zz
expect 1 "" "invalid MAC address \"00:11:22:33:44\": expected six colon-separated hexadecimal octets*" dev add name x mgmtdev y mac 00:11:22:33:44
expect 1 "" "invalid MAC address \"0011.2233.4455\"*" dev set name x mac 0011.2233.4455
expect 1 "" "device name must not be empty" dev add name "" mgmtdev y
expect 1 "" "device name \"a/b\" contains '/'" dev del a/b
expect 1 "" "device name \"..\" is not a valid name" dev add name .. mgmtdev y
expect 1 "" "*is longer than 255 bytes, which sysfs cannot hold" dev show "$(printf 'x%.0s' $(seq 256))"
expect 1 "" "device name \"a\\\\x1bb\" contains a control character" dev add name $'a\eb' mgmtdev y
expect 1 "" "management device name must not be empty" dev add name x mgmtdev ""
expect 1 "" "Wrong vdpa mgmtdev identification string format*" mgmtdev show a/b/c
expect 1 "" "Nothing to set: give an attribute to change.${nl}Usage: vdpa dev set name NAME [ mac MACADDR ] [ driver DRIVER ]${nl}where  DRIVER := { virtio_vdpa | vhost_vdpa | none }" dev set name n0
expect 1 "" "invalid driver \"vfio\": expected virtio_vdpa, vhost_vdpa or none" dev set name n0 driver vfio
expect 1 "" "Keyword \"driver\" needs a value (DRIVER)." dev add name x mgmtdev y driver
# Backends (vdpa serves the device itself): refused before the kernel is asked.
expect 1 "" "The backend keywords (file, tap, readonly, queues, queue_size, blk_size) need mgmtdev vduse: vdpa serves only VDUSE devices itself, not \"vdpasim_blk\"." dev add name x mgmtdev vdpasim_blk file /tmp/x
expect 1 "" "The backend keywords*not \"pci/0000:00:01.0\"." dev add name x mgmtdev pci/0000:00:01.0 queues 2
expect 1 "" "The backend keywords*not \"y/vduse\"." dev add name x mgmtdev y/vduse file /tmp/x
expect 1 "" "readonly, queues, queue_size and blk_size configure a backend: give one (file PATH or tap IFNAME)." dev add name x mgmtdev vduse readonly
expect 1 "" "readonly, queues, queue_size and blk_size configure a backend: give one (file PATH or tap IFNAME)." dev add name x mgmtdev vduse blk_size 4096
expect 1 "" "A file backend is a block device: mac, mtu, max_vqp and device_features do not apply." dev add name x mgmtdev vduse file /tmp/x mtu 1500
expect 1 "" "Keyword \"file\" needs a value (PATH)." dev add name x mgmtdev vduse file
expect 1 "" "Keyword \"file\" is given more than once." dev add name x mgmtdev vduse file a file b
expect 1 "" "The backend needs a non-empty value" dev add name x mgmtdev vduse file ""
expect 1 "" "Keyword \"readonly\" is given more than once." dev add name x mgmtdev vduse file a readonly readonly
expect 1 "" "invalid queues \"x\": expected a decimal number from 0 to 65535" dev add name x mgmtdev vduse file a queues x
expect 1 "" "invalid queue_size \"1.5\"*" dev add name x mgmtdev vduse file a queue_size 1.5
expect 1 "" "Unknown option \"fi\"" dev add name x mgmtdev vduse fi a
# tap IFNAME: a NIC; mac and mtu are its configuration, checked here.
expect 1 "" "The backend keywords*not \"vdpasim_net\"." dev add name x mgmtdev vdpasim_net tap t0
expect 1 "" "A device has one backend: give only one of file and tap" dev add name x mgmtdev vduse file a tap t0
expect 1 "" "A device has one backend: give only one of file and tap" dev add name x mgmtdev vduse tap t0 file a
for extra in readonly "queues 2" "blk_size 4096" "max_vqp 2" "device_features 1"; do
  expect 1 "" "A tap backend is a network device of one queue pair: readonly, queues, blk_size, max_vqp and device_features do not apply." dev add name x mgmtdev vduse tap t0 $extra
done
expect 1 "" "Keyword \"tap\" needs a value (IFNAME)." dev add name x mgmtdev vduse tap
expect 1 "" "The backend needs a non-empty value" dev add name x mgmtdev vduse tap ""
expect 1 "" "Error: MAC address 01:00:5e:00:00:01 is a multicast address." dev add name x mgmtdev vduse tap t0 mac 01:00:5e:00:00:01
expect 1 "" "invalid MAC address \"52:54:00:12:34\"*" dev add name x mgmtdev vduse tap t0 mac 52:54:00:12:34
expect 1 "" "Error: mtu must be between 68 and 65535." dev add name x mgmtdev vduse tap t0 mtu 67
expect 1 "" "invalid mtu \"65536\": expected a decimal number from 0 to 65535" dev add name x mgmtdev vduse tap t0 mtu 65536
expect 1 "" "Error: queue_size must be a power of two between 2 and 1024." dev add name x mgmtdev vduse tap t0 queue_size 100
expect 1 "" "Error: interface name \"a/b\" contains '/', ':' or whitespace." dev add name x mgmtdev vduse tap a/b
expect 1 "" "Error: interface name \"sixteen-bytes-xx\" must have 1 to 15 bytes." dev add name x mgmtdev vduse tap sixteen-bytes-xx
expect 1 "" "Error: interface name contains a control character." dev add name x mgmtdev vduse tap $'t\e[2J'

# The monitor and signals. Uevents are generic: the socket works on a host
# without vDPA, so the monitor runs here and waits.
monitor_check() {  # DESCRIPTION PYTHON: PYTHON exits 0 when it holds
  local description=$1
  n=$((n + 1))
  if python3 - "$VDPA" <<<"$2" >"$TMP/py" 2>&1; then echo "ok $n - $description"
  else echo "not ok $n - $description"; sed 's/^/# /' "$TMP/py"; failed=$((failed + 1)); fi
}
MONITOR_PY='
import os, select, signal, subprocess, sys, time
VDPA = sys.argv[1]
def spawn(args, block=(), **kw):
    def prepare():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, set(block))
    return subprocess.Popen([VDPA] + args, preexec_fn=prepare, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)
def ended(proc, seconds=5):
    try:
        proc.wait(seconds)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False
'
monitor_check "SIGTERM right after the monitor starts ends it within 5 s" "$MONITOR_PY
for attempt in range(20):
    proc = spawn(['monitor'])
    time.sleep(attempt * 0.005)
    proc.send_signal(signal.SIGTERM)
    # Before its handler exists the signal kills it (-15); after, status 0.
    if not ended(proc) or proc.returncode not in (0, -signal.SIGTERM):
        sys.exit('attempt %d: status %s' % (attempt, proc.returncode))
"
monitor_check "a SIGTERM pending when the monitor starts waiting ends it (status 0)" "$MONITOR_PY
# Blocked from the start, SIGTERM stays pending until the monitor waits:
# the wait must take it, as it takes one that arrives just before it.
proc = spawn(['monitor'], block=[signal.SIGTERM])
time.sleep(0.3)
proc.send_signal(signal.SIGTERM)
if not ended(proc) or proc.returncode != 0:
    sys.exit('status %s' % proc.returncode)
"
monitor_check "monitor lines in a batch: each ends on SIGTERM, then Ctrl-C stops the batch" "$MONITOR_PY
proc = spawn(['-b', '-'], stdin=subprocess.PIPE)
proc.stdin.write(b'mgmtdev help\\nmonitor\\nmgmtdev help\\nmonitor\\nmgmtdev help\\n')
proc.stdin.flush()  # and kept open: the batch then waits for more lines
err = b''
def helps(count, seconds=5):
    global err
    deadline = time.time() + seconds
    while err.count(b'Usage:') < count and time.time() < deadline:
        if select.select([proc.stderr], [], [], max(0, deadline - time.time()))[0]:
            err += os.read(proc.stderr.fileno(), 4096)
    return err.count(b'Usage:') >= count
for count in (1, 2):
    if not helps(count):
        sys.exit('no help before monitor %d: %r' % (count, err))
    time.sleep(0.5)
    # The monitor runs: nothing after it yet (the second one would not if
    # the first left its flag set).
    if helps(count + 1, 0.5):
        sys.exit('monitor %d did not wait' % count)
    proc.send_signal(signal.SIGTERM)
if not helps(3):
    sys.exit('the line after the second monitor did not run: %r' % err)
# The handlers are the previous ones again: SIGINT ends the process.
proc.send_signal(signal.SIGINT)
if not ended(proc) or proc.returncode != -signal.SIGINT:
    sys.exit('after the monitors, SIGINT gave status %s' % proc.returncode)
"

# Only a command that needs the kernel touches it; without vDPA support
# here, the message says what is missing and how to fix it.
if [ ! -d /sys/bus/vdpa ]; then
  expect 1 "" "Error: the kernel has no \"vdpa\" generic netlink family: load the vdpa module (modprobe vdpa) or use a kernel built with CONFIG_VDPA." mgmtdev show
  expect 1 "" "Error: the kernel has no \"vdpa\" generic netlink family*" -j dev show
else
  n=$((n + 1)); echo "ok $n # SKIP this host has a vDPA bus; the vm suite covers the missing module"
fi
echo "1..$n"
[ $failed = 0 ]
