// SPDX-License-Identifier: LGPL-2.1-or-later
#include "netlink/attributes.hpp"

#include <cstring>
#include <string>

#include <libmnl/libmnl.h>

namespace vdpa::netlink {
namespace {

std::size_t expected_length(const AttrSpec& spec)
{
    switch (spec.kind) {
    case AttrKind::u8:
        return 1;
    case AttrKind::u16:
        return 2;
    case AttrKind::u32:
        return 4;
    case AttrKind::u64:
        return 8;
    case AttrKind::binary:
        return spec.length;
    default:
        return 0; // strings and nests: any length
    }
}

Error wrong_size(const AttrSpec& spec, std::uint16_t type, std::size_t length)
{
    return Error::protocol("malformed netlink reply: attribute " + std::string(spec.name) + " (" +
                           std::to_string(type) + ") is " + std::to_string(length) +
                           " bytes long, expected " + std::to_string(expected_length(spec)));
}

} // namespace

Result<void> for_each_attribute(std::span<const std::byte> payload, const AttrPolicy& policy,
                                const AttributeVisitor& visit)
{
    std::size_t offset = 0;
    while (offset < payload.size()) {
        std::size_t remaining = payload.size() - offset;
        if (remaining < sizeof(nlattr))
            return Error::protocol("malformed netlink reply: truncated attribute header");
        const auto* attr = reinterpret_cast<const nlattr*>(payload.data() + offset);
        if (attr->nla_len < sizeof(nlattr) || attr->nla_len > remaining)
            return Error::protocol("malformed netlink reply: attribute length " +
                                   std::to_string(attr->nla_len) + " exceeds the message");
        std::uint16_t type = mnl_attr_get_type(attr);
        if (const AttrSpec* spec = policy.find(type)) {
            std::size_t length = mnl_attr_get_payload_len(attr);
            std::size_t expected = expected_length(*spec);
            if (expected != 0 && length != expected)
                return wrong_size(*spec, type, length);
            if (auto result = visit(type, attr); !result)
                return result;
        }
        offset += MNL_ALIGN(attr->nla_len);
    }
    return {};
}

Result<AttrSet> AttrSet::parse(std::span<const std::byte> payload, const AttrPolicy& policy)
{
    AttrSet set(policy);
    auto result =
        for_each_attribute(payload, policy, [&set](std::uint16_t type, const nlattr* attr) {
            if (type < set.attrs_.size())
                set.attrs_[type] = attr;
            return Result<void>();
        });
    if (!result)
        return std::move(result).error();
    return set;
}

Result<AttrSet> AttrSet::parse_message(const nlmsghdr* message, std::size_t header_length,
                                       const AttrPolicy& policy)
{
    if (message->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(header_length))
        return Error::protocol("malformed netlink reply: message shorter than its header");
    return parse(message_payload(message, header_length), policy);
}

Result<AttrSet> AttrSet::parse_nested(const nlattr* nest, const AttrPolicy& policy)
{
    auto* data = static_cast<const std::byte*>(mnl_attr_get_payload(nest));
    return parse({data, mnl_attr_get_payload_len(nest)}, policy);
}

const nlattr* AttrSet::typed(std::uint16_t type, AttrKind kind) const
{
    const AttrSpec* spec = policy_->find(type);
    // Reading an attribute as another type than its policy says is a bug
    // in the decoder, not in the message: treat the attribute as absent.
    if (!spec || spec->kind != kind)
        return nullptr;
    return get(type);
}

std::optional<std::uint8_t> AttrSet::u8(std::uint16_t type) const
{
    const nlattr* attr = typed(type, AttrKind::u8);
    return attr ? std::optional(mnl_attr_get_u8(attr)) : std::nullopt;
}

std::optional<std::uint16_t> AttrSet::u16(std::uint16_t type) const
{
    const nlattr* attr = typed(type, AttrKind::u16);
    return attr ? std::optional(mnl_attr_get_u16(attr)) : std::nullopt;
}

std::optional<std::uint32_t> AttrSet::u32(std::uint16_t type) const
{
    const nlattr* attr = typed(type, AttrKind::u32);
    return attr ? std::optional(mnl_attr_get_u32(attr)) : std::nullopt;
}

std::optional<std::uint64_t> AttrSet::u64(std::uint16_t type) const
{
    const nlattr* attr = typed(type, AttrKind::u64);
    // mnl_attr_get_u64 copies: 64-bit attributes are only 4-byte aligned.
    return attr ? std::optional(mnl_attr_get_u64(attr)) : std::nullopt;
}

std::optional<std::string_view> AttrSet::string(std::uint16_t type) const
{
    const nlattr* attr = typed(type, AttrKind::string);
    return attr ? std::optional(attribute_string(attr)) : std::nullopt;
}

std::optional<std::span<const std::byte>> AttrSet::binary(std::uint16_t type) const
{
    const nlattr* attr = typed(type, AttrKind::binary);
    if (!attr)
        return std::nullopt;
    auto* data = static_cast<const std::byte*>(mnl_attr_get_payload(attr));
    return std::span<const std::byte>(data, mnl_attr_get_payload_len(attr));
}

const nlattr* AttrSet::nested(std::uint16_t type) const
{
    return typed(type, AttrKind::nested);
}

std::string_view AttrSet::name(std::uint16_t type) const
{
    const AttrSpec* spec = policy_->find(type);
    return spec ? spec->name : std::string_view("unknown");
}

std::string_view attribute_string(const nlattr* attr)
{
    const auto* data = static_cast<const char*>(mnl_attr_get_payload(attr));
    std::size_t length = mnl_attr_get_payload_len(attr);
    const void* nul = std::memchr(data, '\0', length);
    return {data, nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - data) : length};
}

std::span<const std::byte> message_payload(const nlmsghdr* message, std::size_t header_length)
{
    auto* start = reinterpret_cast<const std::byte*>(message);
    std::size_t offset = MNL_NLMSG_HDRLEN + MNL_ALIGN(header_length);
    if (message->nlmsg_len <= offset)
        return {};
    return {start + offset, message->nlmsg_len - offset};
}

} // namespace vdpa::netlink
