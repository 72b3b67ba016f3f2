// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The inside of a Client, visible to the library and its internal tests:
// a channel to the kernel and the resolved family.
#pragma once

#include <memory>
#include <string>

#include <vdpa/client.hpp>
#include <vdpa/paths.hpp>

#include "netlink/channel.hpp"
#include "netlink/request.hpp"

namespace vdpa {

struct Client::Impl {
    explicit Impl(std::unique_ptr<netlink::Transport> transport) : channel(std::move(transport)) {}

    netlink::Channel channel;
    FamilyInfo family;

    netlink::Request request(std::uint8_t command, std::uint16_t flags = 0) const;
};

// Builds a Client on any transport: the real socket, or a replay in tests.
// `paths` (sysfs, the module index) tell a missing family from one in
// another network namespace, and a module not loaded from none at all.
Result<Client> open_client(std::unique_ptr<netlink::Transport> transport,
                           const HostPaths& paths = {});

} // namespace vdpa
