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
  "$VDPA" "$@" >"$TMP/out" 2>"$TMP/err"
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
for help in "" help h -h --help; do
  # shellcheck disable=SC2086
  expect 0 "" "Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }*" $help
done
expect 0 "" "Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }${nl}       vdpa [ OPTIONS ] -b[atch] FILE${nl}where  OBJECT := { mgmtdev | dev | monitor }${nl}       OPTIONS := { -V[ersion] | -j[son] | -p[retty] | -d[etails] | -f[orce] | -b[atch] FILE | -h[elp] }" help
expect 0 "" "Usage: vdpa monitor" monitor help
expect 1 "" "Unknown option \"foo\"" monitor foo
expect 1 "" "A command cannot be given with -b: put it in the file." -b - dev show
expect 1 "" "Error: cannot open /nonexistent/batch: No such file or directory." -b /nonexistent/batch
expect 1 "" "Usage: vdpa*${nl}unterminated quoted string${nl}Command failed /dev/fd/*:2" -b <(printf 'help\ndev show "x\n')
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

expect 1 "" "Unknown option \"-x\"${nl}Usage: vdpa*" -x
expect 1 "" "Unknown option \"--bogus\"*" --bogus dev show
expect 1 "" "Object \"foo\" not found" foo
expect 1 "" "Command \"foo\" not found" dev foo
expect 1 "" "Command \"se\" not found" dev se
expect 1 "" "Command \"foo\" not found" mgmtdev foo
expect 1 "" "String parameter expected" dev del
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
expect 1 "" "invalid max_vqp \"-1\": expected a decimal number from 0 to 65535" dev add name x mgmtdev y max_vqp -1
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
