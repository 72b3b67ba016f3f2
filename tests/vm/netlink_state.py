#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The kernel's vDPA devices as its vdpa generic netlink family answers,
read without vdpa or iproute2: a third observer of the kernel state, for
what neither tool can show (iproute2 aborts on a device name of 64 bytes
or more, and a test must not trust the binary it tests to say what that
binary did).

  netlink_state.py

Prints one line per device for each dump, DEV_GET then DEV_CONFIG_GET, in
the kernel's order: every attribute but padding, by number, its payload in
hex (the name also as text). Nothing is decoded: nothing to get wrong.
Runs inside the test VM, as root.
"""
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_TYPE_MASK = 0x3FFF
# include/uapi/linux/vdpa.h
VDPA_CMD_DEV_GET, VDPA_CMD_DEV_CONFIG_GET = 5, 6
VDPA_ATTR_DEV_NAME = 4


def align(n):
    return (n + 3) & ~3


def attributes(data):
    """(type, payload) of each attribute in data."""
    offset = 0
    while offset + 4 <= len(data):
        length, kind = struct.unpack_from("=HH", data, offset)
        if length < 4 or offset + length > len(data):
            raise ValueError("malformed attribute at %d" % offset)
        yield kind & NLA_TYPE_MASK, data[offset + 4:offset + length]
        offset += align(length)


def attribute(kind, payload):
    return struct.pack("=HH", 4 + len(payload), kind) + payload + b"\0" * (align(len(payload)) - len(payload))


class Netlink:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, family, flags, command, attrs=b""):
        """The genetlink payloads of the replies, until the dump's end or
        the acknowledgement."""
        self.seq += 1
        body = struct.pack("=BBH", command, 1, 0) + attrs
        self.sock.send(struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | flags,
                                   self.seq, 0) + body)
        while True:
            data = self.sock.recv(1 << 20)
            offset = 0
            while offset + 16 <= len(data):
                length, kind, _, seq, _ = struct.unpack_from("=IHHII", data, offset)
                if length < 16 or offset + length > len(data):
                    raise ValueError("malformed netlink message")
                payload = data[offset + 16:offset + length]
                offset += align(length)
                if seq != self.seq:
                    continue
                if kind == NLMSG_DONE:
                    return
                if kind == NLMSG_ERROR:
                    error = struct.unpack_from("=i", payload)[0]
                    if error:
                        raise OSError(-error, os.strerror(-error))
                    return
                yield payload[4:]  # after the genetlink header

    def family(self, name):
        for reply in self.request(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY,
                                  attribute(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")):
            for kind, payload in attributes(reply):
                if kind == CTRL_ATTR_FAMILY_ID:
                    return struct.unpack("=H", payload[:2])[0]
        raise OSError("no %s family" % name)


def main():
    netlink = Netlink()
    vdpa = netlink.family("vdpa")
    for label, command in (("dev", VDPA_CMD_DEV_GET), ("config", VDPA_CMD_DEV_CONFIG_GET)):
        for reply in netlink.request(vdpa, NLM_F_DUMP, command):
            fields, name = [], b""
            for kind, payload in sorted(attributes(reply)):
                if kind == 0:  # padding before 64-bit values
                    continue
                if kind == VDPA_ATTR_DEV_NAME:
                    name = payload.rstrip(b"\0")
                fields.append("%d=%s" % (kind, payload.hex()))
            print("%s %r: %s" % (label, name, " ".join(fields)))


if __name__ == "__main__":
    try:
        main()
    except OSError as error:
        sys.exit("netlink_state: %s" % error)
