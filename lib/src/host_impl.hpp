// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The inside of a Host, visible to the library and its internal tests,
// which assemble one from a replayed kernel and a made-up sysfs.
#pragma once

#include <vdpa/host.hpp>

namespace vdpa {

struct Host::Impl {
    Impl(Client netlink_client, HostPaths host_paths)
        : client(std::move(netlink_client)), bus(host_paths), paths(std::move(host_paths))
    {
    }
    Impl(Client netlink_client, DeviceBus device_bus)
        : client(std::move(netlink_client)), bus(std::move(device_bus)), paths(bus.paths())
    {
    }

    Client client;
    DeviceBus bus;
    HostPaths paths;
};

// A Host on a client opened elsewhere (a replay in tests) and `paths`.
Host make_host(Client client, HostPaths paths = {});
// The same on a bus made elsewhere (a test's, with its fake kernel).
Host make_host(Client client, DeviceBus bus);

} // namespace vdpa
