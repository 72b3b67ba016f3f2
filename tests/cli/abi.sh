#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# libvdpa's ABI as a program linking it sees it: the dynamic symbols are
# the vdpa:: namespace only, each with the version of lib/libvdpa.sym;
# the umbrella header includes every installed header, and nothing else.
#
#   abi.sh LIBVDPA_SO UMBRELLA_HEADER HEADER...
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tap.sh"
LIBRARY=$1 UMBRELLA=$2
shift 2

# "ADDRESS TYPE NAME@@VERSION", demangled. The version nodes themselves
# are absolute symbols named after the node (LIBVDPA_0.1): the linker
# defines one per node, they are not functions or data.
symbols=$(nm -D --defined-only --with-symbol-versions -C "$LIBRARY" 2>&1)
listed=$(printf '%s\n' "$symbols" | grep -c .)
node_symbol='^LIBVDPA_[0-9.]+(@@LIBVDPA_[0-9.]+)?$'
nodes=$(printf '%s\n' "$symbols" | awk -v node="$node_symbol" '$2 == "A" && $3 ~ node')
others=$(printf '%s\n' "$symbols" | awk -v node="$node_symbol" '!($2 == "A" && $3 ~ node)' |
  cut -d' ' -f3-)
unversioned=$(printf '%s\n' "$others" | grep -v '@@\?LIBVDPA_[0-9.]*$')
foreign=$(printf '%s\n' "$others" | grep -v '^vdpa::')
if [ "$listed" -gt 10 ] && [ -n "$nodes" ]; then
  tap_ok "nm -D lists libvdpa's symbols and its version node ($listed lines)"
else
  tap_not_ok "nm -D lists libvdpa's symbols and its version node"
  printf '%s\n' "$symbols" | head -20 | tap_diag
fi
if [ -z "$foreign" ]; then tap_ok "every exported symbol is in the vdpa:: namespace"
else
  tap_not_ok "every exported symbol is in the vdpa:: namespace"
  printf '%s\n' "$foreign" | head -20 | tap_diag
fi
if [ -z "$unversioned" ]; then tap_ok "every exported symbol has a LIBVDPA_ version"
else
  tap_not_ok "every exported symbol has a LIBVDPA_ version"
  printf '%s\n' "$unversioned" | head -20 | tap_diag
fi
# A symbol that must be there, found through its demangled name.
if printf '%s\n' "$others" | grep -q '^vdpa::Host::open(vdpa::HostOptions const&)@@LIBVDPA_'; then
  tap_ok "vdpa::Host::open is exported with its version"
else
  tap_not_ok "vdpa::Host::open is exported with its version"
fi

# The umbrella header against the list meson installs.
expected=$(for header in "$@"; do
  name=$(basename "$header")
  [ "$name" = "$(basename "$UMBRELLA")" ] || echo "$name"
done | sort)
included=$(sed -n 's|^#include <vdpa/\(.*\)>$|\1|p' "$UMBRELLA" | sort)
if [ "$expected" = "$included" ]; then
  tap_ok "vdpa/vdpa.hpp includes exactly the installed headers"
else
  tap_not_ok "vdpa/vdpa.hpp includes exactly the installed headers"
  diff <(echo "$expected") <(echo "$included") | tap_diag
fi
tap_done
