// SPDX-License-Identifier: GPL-2.0-or-later
//
// Taking a recorded netlink message apart and putting it back changed:
// how the unit tests derive broken or older-kernel replies from real ones.
#pragma once

#include <cstring>
#include <utility>
#include <vector>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "recording.hpp"

namespace vdpa::testing {

using AttributeList = std::vector<std::pair<std::uint16_t, Bytes>>;

// The attributes of a payload (a message's after its headers, or a nest's).
inline AttributeList parse_attributes(const std::byte* data, std::size_t length)
{
    AttributeList list;
    std::size_t at = 0;
    while (at + sizeof(nlattr) <= length) {
        nlattr attr;
        std::memcpy(&attr, data + at, sizeof(attr));
        const std::byte* payload = data + at + sizeof(nlattr);
        list.push_back({attr.nla_type, Bytes(payload, payload + attr.nla_len - sizeof(nlattr))});
        at += MNL_ALIGN(attr.nla_len);
    }
    return list;
}

inline AttributeList parse_attributes(const Bytes& payload)
{
    return parse_attributes(payload.data(), payload.size());
}

inline Bytes serialize_attributes(const AttributeList& attributes)
{
    Bytes out;
    for (const auto& [type, payload] : attributes) {
        nlattr attr{static_cast<std::uint16_t>(sizeof(nlattr) + payload.size()), type};
        auto* p = reinterpret_cast<const std::byte*>(&attr);
        out.insert(out.end(), p, p + sizeof(attr));
        out.insert(out.end(), payload.begin(), payload.end());
        out.resize(MNL_ALIGN(out.size()));
    }
    return out;
}

// One generic netlink message taken apart into its attributes, and put back.
struct Message {
    nlmsghdr header;
    genlmsghdr genl;
    AttributeList attributes;

    static Message parse(const Bytes& datagram)
    {
        Message m;
        std::memcpy(&m.header, datagram.data(), sizeof(nlmsghdr));
        std::memcpy(&m.genl, datagram.data() + sizeof(nlmsghdr), sizeof(genlmsghdr));
        std::size_t start = sizeof(nlmsghdr) + sizeof(genlmsghdr);
        m.attributes = parse_attributes(datagram.data() + start, m.header.nlmsg_len - start);
        return m;
    }

    Bytes bytes() const
    {
        Bytes out(sizeof(nlmsghdr) + sizeof(genlmsghdr));
        std::memcpy(out.data() + sizeof(nlmsghdr), &genl, sizeof(genl));
        Bytes body = serialize_attributes(attributes);
        out.insert(out.end(), body.begin(), body.end());
        nlmsghdr h = header;
        h.nlmsg_len = static_cast<std::uint32_t>(out.size());
        std::memcpy(out.data(), &h, sizeof(h));
        return out;
    }
};

} // namespace vdpa::testing
