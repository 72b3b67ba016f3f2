// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Where netlink datagrams go and come from. Production uses a libmnl
// socket; unit tests replay datagrams recorded from a real kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <vdpa/result.hpp>

namespace vdpa::netlink {

class Transport {
public:
    virtual ~Transport() = default;

    // Sends one complete netlink message.
    virtual Result<void> send(std::span<const std::byte> message) = 0;

    // Receives one datagram (one or more netlink messages) into `buffer`
    // and returns its length. A datagram larger than the buffer is an
    // error, never a silent truncation.
    virtual Result<std::size_t> receive(std::span<std::byte> buffer) = 0;

    // The port id the kernel addresses replies to.
    virtual std::uint32_t port_id() const = 0;
};

// A NETLINK_GENERIC socket with extended acks enabled, and the given
// receive buffer size unless 0.
Result<std::unique_ptr<Transport>> open_generic_netlink(int receive_buffer = 0);

} // namespace vdpa::netlink
