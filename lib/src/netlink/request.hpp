// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A generic netlink request under construction. Attributes are written with
// libmnl in the kernel's wire format; strings always go NUL-terminated,
// which the vdpa family's NLA_NUL_STRING attributes require.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vdpa/result.hpp>

struct nlmsghdr;

namespace vdpa::netlink {

class Request {
public:
    Request(std::uint16_t family_id, std::uint8_t command, std::uint8_t version,
            std::uint16_t flags);
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    void put_string(std::uint16_t type, std::string_view value);
    void put_u16(std::uint16_t type, std::uint16_t value);
    void put_u32(std::uint16_t type, std::uint32_t value);
    void put_u64(std::uint16_t type, std::uint64_t value);
    void put_binary(std::uint16_t type, std::span<const std::byte> value);

    // False once an attribute did not fit; such a request is never sent.
    bool complete() const { return !overflow_; }

    std::uint8_t command() const { return command_; }
    nlmsghdr* header() { return header_; }
    std::span<const std::byte> bytes() const;

    // The type of the attribute that starts `offset` bytes into the
    // message (as the kernel reports in an extended ack), or 0.
    std::uint16_t attribute_at(std::uint32_t offset) const;

private:
    alignas(8) std::array<std::byte, 4096> buffer_{};
    nlmsghdr* header_;
    std::uint8_t command_;
    bool overflow_ = false;
};

} // namespace vdpa::netlink
