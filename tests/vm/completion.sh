#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bash-completion/vdpa offers the names that exist, asked from vdpa -j.
set -u
. "$(dirname "$0")/lib.sh"
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
reset_state
"$VDPA" dev add name n0 mgmtdev vdpasim_net || echo "Bail out! cannot add n0"
"$VDPA" dev add name n1 mgmtdev vdpasim_net || echo "Bail out! cannot add n1"
"$VDPA" dev add name b0 mgmtdev vdpasim_blk || echo "Bail out! cannot add b0"
python3 "$SOURCE/tests/completion/complete.py" "$SOURCE/bash-completion/vdpa" "$VDPA" \
  "$SOURCE/tests/completion/live.cases"
status=$?
reset_state
exit $status
