// SPDX-License-Identifier: GPL-2.0-or-later
//
// Netlink exchanges recorded from a real kernel, as text files a reviewer
// can read: "> HEX" is a request we sent, "< HEX" a datagram the kernel
// answered with, "#" lines are comments (what was recorded, when, where).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vdpa::testing {

using Bytes = std::vector<std::byte>;

struct Exchange {
    std::string step; // the "# step:" comment before it
    Bytes request;
    std::vector<Bytes> replies;
};

std::string to_hex(const Bytes& bytes);
Bytes from_hex(const std::string& hex);

// Reads a recording; throws std::runtime_error on a malformed file.
std::vector<Exchange> read_recording(const std::string& path);

} // namespace vdpa::testing
