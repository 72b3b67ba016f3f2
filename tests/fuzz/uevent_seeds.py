#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""uevent_seeds.py DIR RECORDING: the uevents recorded from the kernel
(tests/data/uevents.rec, hex lines) as fuzz_uevent inputs: the whole
recorded life in one input, and each uevent alone."""
import os
import struct
import sys

out, recording = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(recording) as f:
    datagrams = [bytes.fromhex(line.strip()) for line in f
                 if line.strip() and not line.startswith("#")]
inputs = [datagrams] + [[d] for d in datagrams]
for count, group in enumerate(inputs):
    with open(os.path.join(out, "seed-%d" % count), "wb") as seed:
        for datagram in group:
            seed.write(struct.pack("<H", len(datagram)) + datagram)
print("%d seeds" % len(inputs))
