#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every example of the command man pages is a real run: run them again
# and compare (man_examples.py).
set -u
. "$(dirname "$0")/lib.sh"
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
reset_state
VDPA=$VDPA REF=$REF python3 "$(dirname "$0")/man_examples.py" check \
  "$SOURCE/man/vdpa-mgmtdev.8" "$SOURCE/man/vdpa-dev.8"
