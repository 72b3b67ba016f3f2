// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Attribute policies and validated attribute views. A policy mirrors the
// kernel's: the type and size of every attribute we read. Parsing against
// it skips padding (type 0) and attributes we do not know (newer kernels),
// and turns a wrongly sized attribute into an error instead of a misread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <vdpa/result.hpp>

struct nlattr;
struct nlmsghdr;

namespace vdpa::netlink {

enum class AttrKind : std::uint8_t { unknown, u8, u16, u32, u64, string, binary, nested };

struct AttrSpec {
    AttrKind kind = AttrKind::unknown;
    std::uint16_t length = 0; // exact payload length for binary attributes
    std::string_view name;    // for error messages
};

// Attribute types are small in every family we speak; 64 slots cover them.
inline constexpr std::size_t max_attribute_slots = 64;

class AttrPolicy {
public:
    constexpr AttrPolicy() = default;

    constexpr AttrPolicy& add(std::uint16_t type, AttrKind kind, std::string_view name,
                              std::uint16_t length = 0)
    {
        specs_[type] = AttrSpec{kind, length, name};
        return *this;
    }

    const AttrSpec* find(std::uint16_t type) const
    {
        if (type == 0 || type >= specs_.size() || specs_[type].kind == AttrKind::unknown)
            return nullptr;
        return &specs_[type];
    }

private:
    std::array<AttrSpec, max_attribute_slots> specs_{};
};

// Calls `visit` for each attribute of `payload` that the policy knows, in
// message order, after checking its size. Errors on truncated attributes.
using AttributeVisitor = std::function<Result<void>(std::uint16_t type, const nlattr* attr)>;
Result<void> for_each_attribute(std::span<const std::byte> payload, const AttrPolicy& policy,
                                const AttributeVisitor& visit);

// The attributes of one message (or one nest), by type; a repeated
// attribute keeps its last occurrence.
class AttrSet {
public:
    static Result<AttrSet> parse(std::span<const std::byte> payload, const AttrPolicy& policy);
    static Result<AttrSet> parse_message(const nlmsghdr* message, std::size_t header_length,
                                         const AttrPolicy& policy);
    static Result<AttrSet> parse_nested(const nlattr* nest, const AttrPolicy& policy);

    bool has(std::uint16_t type) const { return get(type) != nullptr; }
    std::optional<std::uint8_t> u8(std::uint16_t type) const;
    std::optional<std::uint16_t> u16(std::uint16_t type) const;
    std::optional<std::uint32_t> u32(std::uint16_t type) const;
    std::optional<std::uint64_t> u64(std::uint16_t type) const;
    // Up to the first NUL; the kernel terminates its strings, but a
    // missing terminator must not make us read past the attribute.
    std::optional<std::string_view> string(std::uint16_t type) const;
    std::optional<std::span<const std::byte>> binary(std::uint16_t type) const;
    const nlattr* nested(std::uint16_t type) const;

    // The name the policy gives `type`, for error messages.
    std::string_view name(std::uint16_t type) const;

private:
    explicit AttrSet(const AttrPolicy& policy) : policy_(&policy) {}
    const nlattr* get(std::uint16_t type) const
    {
        return type < attrs_.size() ? attrs_[type] : nullptr;
    }
    const nlattr* typed(std::uint16_t type, AttrKind kind) const;

    const AttrPolicy* policy_;
    std::array<const nlattr*, max_attribute_slots> attrs_{};
};

// Helpers shared by decoders.
std::string_view attribute_string(const nlattr* attr);
std::span<const std::byte> message_payload(const nlmsghdr* message, std::size_t header_length);

} // namespace vdpa::netlink
