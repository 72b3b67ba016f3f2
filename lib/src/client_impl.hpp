// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The inside of a Client, visible to the library and its internal tests:
// a channel to the kernel and the resolved family.
#pragma once

#include <memory>

#include <vdpa/client.hpp>

#include "netlink/channel.hpp"
#include "netlink/request.hpp"

namespace vdpa {

struct Client::Impl {
    Impl(std::unique_ptr<netlink::Transport> transport, ClientOptions client_options)
        : channel(std::move(transport)), options(std::move(client_options))
    {
    }

    netlink::Channel channel;
    ClientOptions options;
    FamilyInfo family;

    netlink::Request request(std::uint8_t command, std::uint16_t flags = 0) const;
};

// Builds a Client on any transport: the real socket, or a replay in tests.
Result<Client> open_client(std::unique_ptr<netlink::Transport> transport, ClientOptions options);

} // namespace vdpa
