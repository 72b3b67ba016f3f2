// SPDX-License-Identifier: GPL-2.0-or-later
//
// Fuzzes what the monitor makes of kernel uevents: parse_uevent on each
// datagram, then BusEventDecoder, which remembers devices, drivers and
// character devices across uevents and reads sysfs for some of them (a
// fake tree here, with n0 bound to vhost_vdpa, as in test_monitor).
//
// Input: datagrams, each a little-endian u16 length and that many bytes
// (the last one takes what is left), decoded in order by one decoder.
// Seeds: the uevents recorded from the real kernel (uevent_seeds.py).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <vdpa/monitor.hpp>

#include "fake_sysfs.hpp"

namespace {

const vdpa::HostPaths& fake_paths()
{
    static vdpa::testing::FakeRoot root;
    static const vdpa::HostPaths paths = [] {
        root.vdpa_device("n0", "n0", "vhost_vdpa");
        root.file("sys/devices/n0/vhost-vdpa-0/dev", "244:0\n");
        root.vdpa_device("b0", "b0", "virtio_vdpa");
        return root.bus().paths();
    }();
    return paths;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Scanned once: reading the tree for every input would cost most of
    // the time; a copy starts each input from the same state.
    static const vdpa::BusEventDecoder scanned = [] {
        vdpa::BusEventDecoder made(fake_paths());
        made.scan();
        return made;
    }();
    vdpa::BusEventDecoder decoder = scanned;
    std::size_t at = 0;
    while (at < size) {
        std::size_t length = size - at;
        if (length >= 2) {
            length = std::min<std::size_t>(data[at] | (data[at + 1] << 8), size - at - 2);
            at += 2;
        }
        auto datagram = std::as_bytes(std::span(data + at, length));
        at += length;
        auto uevent = vdpa::parse_uevent(datagram);
        if (!uevent)
            continue;
        (void)uevent->value("SUBSYSTEM");
        for (const vdpa::BusEvent& event : decoder.decode(*uevent)) {
            // Reading what was decoded is what a caller does; the sanitizers
            // watch the reads.
            volatile std::size_t sink = event.device.size() + event.name.size();
            (void)sink;
        }
    }
    return 0;
}
