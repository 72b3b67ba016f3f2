// SPDX-License-Identifier: GPL-2.0-or-later
//
// The input format of fuzz_reply, shared by the target and by fuzz-seeds,
// which writes the recorded kernel replies in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vdpa::fuzz {

using Bytes = std::vector<std::byte>;

enum class Call : std::uint8_t {
    mgmtdev_dump,
    mgmtdev_get,
    device_dump,
    device_get,
    config_dump,
    config_get,
    queue_stats,
    delete_device, // an ack or an error
};

struct ReplyInput {
    Call call = Call::mgmtdev_dump;
    bool address = true;      // give each message the request's seq and port
    bool fuzz_family = false; // the datagrams answer the family resolution
    std::vector<Bytes> datagrams;
};

ReplyInput split_reply_input(const std::uint8_t* data, std::size_t size);
Bytes join_reply_input(const ReplyInput& input);

// The family resolution as the real kernel answered it (tests/data).
const std::vector<Bytes>& family_replies();

// The call a recorded step makes ("dev-get:n0" -> device_get).
bool call_of_step(const std::string& step, Call& call);

} // namespace vdpa::fuzz
