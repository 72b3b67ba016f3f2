#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Records the kernel uevents of a device's life, for the monitor's unit
tests. Run in the test VM by record.sh: record_uevents.py VDPA OUTPUT."""
import os
import socket
import subprocess
import sys
import threading
import time

vdpa, output = sys.argv[1], sys.argv[2]
for device in os.listdir("/sys/bus/vdpa/devices"):
    subprocess.run([vdpa, "dev", "del", device], check=True)
time.sleep(0.5)
NETLINK_KOBJECT_UEVENT = 15
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_KOBJECT_UEVENT)
sock.bind((0, 1))
# iproute2's vdpa for the netlink part, sysfs for moving n0 to vhost_vdpa.
steps = [vdpa + " dev add name n0 mgmtdev vdpasim_net",
         "echo n0 > /sys/bus/vdpa/drivers/virtio_vdpa/unbind",
         "echo vhost_vdpa > /sys/bus/vdpa/devices/n0/driver_override",
         "echo n0 > /sys/bus/vdpa/drivers_probe",
         vdpa + " dev del n0",
         vdpa + " dev add name b0 mgmtdev vdpasim_blk",
         vdpa + " dev del b0"]


def life():
    time.sleep(0.5)
    for step in steps:
        subprocess.run(step, shell=True, check=True)


threading.Thread(target=life).start()
sock.settimeout(3)
with open(output, "w") as out:
    out.write("# kernel uevents (hex), recorded by record_uevents.py on Linux %s\n" % os.uname().release)
    out.write("# during: %s\n" % "; ".join(step.replace(vdpa, "vdpa") for step in steps))
    try:
        while True:
            data, (pid, _) = sock.recvfrom(65536)
            if pid == 0:
                out.write(data.hex() + "\n")
    except socket.timeout:
        pass
