// SPDX-License-Identifier: GPL-2.0-or-later
//
// A transport that answers from a recording of the real kernel. A request
// must match a recorded one byte for byte (sequence number and port id
// aside), which also pins down how requests are encoded.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <vdpa/client.hpp>

#include "netlink/transport.hpp"
#include "recording.hpp"

namespace vdpa::testing {

class ReplayTransport final : public netlink::Transport {
public:
    explicit ReplayTransport(std::vector<Exchange> exchanges);

    Result<void> send(std::span<const std::byte> message) override;
    Result<std::size_t> receive(std::span<std::byte> buffer) override;
    std::uint32_t port_id() const override { return 0x4242; }

    // Requests sent that no recorded exchange answered.
    const std::vector<Bytes>& unmatched() const { return unmatched_; }

private:
    std::vector<Exchange> exchanges_;
    std::vector<bool> used_;
    std::deque<Bytes> pending_;
    std::vector<Bytes> unmatched_;
};

// The data directory of the unit tests (tests/data in the source tree).
std::string data_path(const std::string& file);

// A client whose kernel is the recording in tests/data/`file`.
Client replay_client(const std::string& file);
Client replay_client(std::vector<Exchange> exchanges);

// Every reply datagram of the exchanges recorded for `step`.
std::vector<Bytes> replies_of(const std::vector<Exchange>& exchanges, const std::string& step);

} // namespace vdpa::testing
