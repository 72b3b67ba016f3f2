#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `meson install --destdir` lays down exactly the expected files; the
# example of libvdpa(3), compiled against the installed headers and
# library with pkg-config, lists the management devices in the VM as
# `vdpa -j mgmtdev show` names them; and ops.cpp, built the same way,
# adds, rebinds, changes and deletes a device through the library alone,
# refused while a process holds it open (ops-vm.sh).
#
#   install.sh BUILD_ROOT VDPA VERSION prefix=... sbindir=... libdir=...
#              includedir=... mandir=... completionsdir=...
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tap.sh"
BUILD=$1 VDPA=$2 VERSION=$3
shift 3
declare -A dirs
for assignment in "$@"; do dirs[${assignment%%=*}]=${assignment#*=}; done
WORK=$BUILD/tests/install-test
DEST=$WORK/destdir
rm -rf "$WORK"
mkdir -p "$WORK"

check "meson install --destdir" meson install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet

expected=$(grep -v '^#' "$HERE/expected-files" | sed "s/0\.1\.0/$VERSION/" |
  while read -r line; do
    for key in "${!dirs[@]}"; do line=${line//@$key@/${dirs[$key]}}; done
    echo "$line"
  done | sort)
installed=$(cd "$DEST" && find . -type f -o -type l | sed 's/^\.//' | sort)
if [ "$expected" = "$installed" ]; then
  tap_ok "the installed files are exactly the expected ones"
else
  tap_not_ok "the installed files are exactly the expected ones"
  diff <(echo "$expected") <(echo "$installed") | sed 's/^/# /'
fi

# The example of the man page, as a reader would copy it out.
sed -n '/^\.SH EXAMPLE/,/^\.EE/p' "$DEST${dirs[mandir]}/man3/libvdpa.3" |
  sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
  sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e 's/\\&//g' >"$WORK/list.cpp"
export PKG_CONFIG_SYSROOT_DIR=$DEST PKG_CONFIG_PATH=$DEST${dirs[libdir]}/pkgconfig
flags=$(pkg-config --cflags --libs libvdpa)
check "pkg-config --cflags --libs libvdpa" test -n "$flags"
check "the example of libvdpa(3) compiles against what was installed" \
  c++ -std=c++20 -Wall -Werror "$WORK/list.cpp" -o "$WORK/list-mgmtdevs" $flags
check "it links the installed shared library" \
  sh -c "LD_LIBRARY_PATH='$DEST${dirs[libdir]}' ldd '$WORK/list-mgmtdevs' | grep -q '$DEST.*libvdpa.so.0'"
check "a program of its own (ops.cpp) compiles against what was installed" \
  c++ -std=c++20 -Wall -Wextra -Werror "$HERE/ops.cpp" -o "$WORK/ops" $flags

# Inside the VM, against the real kernel.
cat >"$WORK/in-vm.sh" <<VM
#!/bin/bash
export LD_LIBRARY_PATH='$DEST${dirs[libdir]}'
if diff <('$WORK/list-mgmtdevs' | sort) \
     <('$VDPA' -j mgmtdev show | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["mgmtdev"]))' | sort)
then echo "PASS: it lists the management devices vdpa shows"
else echo "FAIL: it lists the management devices vdpa shows"; fi
'$HERE/ops-vm.sh' '$WORK/ops' '$VDPA'
VM
chmod +x "$WORK/in-vm.sh"
"$HERE/../vm/vmctl" run -- "$WORK/in-vm.sh" >"$WORK/vm.out" 2>&1
status=$?
# One TAP line per check the VM reported; its details follow a failure.
if [ "$status" = 77 ]; then
  tap_skip "in the VM, the installed library at work" "$(grep -m1 '^vmctl:\|^prepare:' "$WORK/vm.out")"
elif ! grep -q '^PASS: \|^FAIL: ' "$WORK/vm.out"; then
  tap_not_ok "in the VM, the installed library at work (exit $status)"; sed 's/^/# /' "$WORK/vm.out"
else
  reported=0
  while IFS= read -r line; do
    case $line in
    "PASS: "*) tap_ok "in the VM, ${line#PASS: }"; reported=$((reported + 1)) ;;
    "FAIL: "*) tap_not_ok "in the VM, ${line#FAIL: }"; reported=$((reported + 1)) ;;
    "  "*) echo "# ${line#  }" ;;
    esac
  done <"$WORK/vm.out"
  # Every check ran: the listing and the seven steps of ops-vm.sh.
  if [ "$reported" = 8 ]; then tap_ok "in the VM, every check reported"
  else tap_not_ok "in the VM, every check reported ($reported of 8)"; sed 's/^/# /' "$WORK/vm.out"; fi
fi
tap_done
