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

    Client client;
    DeviceBus bus;
    HostPaths paths;
};

// A Host on a client opened elsewhere (a replay in tests) and `paths`.
Host make_host(Client client, HostPaths paths = {});

} // namespace vdpa
