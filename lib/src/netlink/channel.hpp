// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Request/reply exchanges over a transport: numbering, the end of a dump,
// acks, and the kernel's errors with their extended-ack explanations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

#include "netlink/request.hpp"
#include "netlink/transport.hpp"

struct nlmsghdr;

namespace vdpa::netlink {

// Receives each data message of a reply. An error stops decoding but the
// rest of the reply is still drained so the socket stays usable.
using MessageHandler = std::function<Result<void>(const nlmsghdr* message)>;

class Channel {
public:
    // 32 KiB is the most the kernel puts in one dump datagram
    // (netlink_dump caps its allocation there), so a larger buffer only
    // wastes memory and a smaller one costs system calls.
    static constexpr std::size_t receive_buffer_size = 32768;

    explicit Channel(std::unique_ptr<Transport> transport);

    // Sends `request` (with NLM_F_ACK) and feeds every data message of the
    // reply to `handler` until the kernel acknowledges, ends the dump, or
    // reports an error.
    Result<Ack> transact(Request& request, const MessageHandler& handler);

private:
    // The messages of one received datagram of `length` bytes: the
    // exchange's outcome once the kernel acknowledges, ends the dump or
    // reports an error; nullopt while more is to come. A handler's first
    // error is kept in `handler_error` and reported at the end.
    std::optional<Result<Ack>> read_datagram(std::size_t length, const Request& request,
                                             const MessageHandler& handler,
                                             std::optional<Error>& handler_error);

    std::unique_ptr<Transport> transport_;
    std::uint32_t sequence_ = 0;
    std::vector<std::byte> buffer_;
};

} // namespace vdpa::netlink
