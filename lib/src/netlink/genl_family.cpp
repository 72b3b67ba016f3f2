// SPDX-License-Identifier: LGPL-2.1-or-later
#include "netlink/genl_family.hpp"

#include <algorithm>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "netlink/attributes.hpp"

namespace vdpa::netlink {
namespace {

const AttrPolicy family_policy =
    AttrPolicy()
        .add(CTRL_ATTR_FAMILY_ID, AttrKind::u16, "CTRL_ATTR_FAMILY_ID")
        .add(CTRL_ATTR_FAMILY_NAME, AttrKind::string, "CTRL_ATTR_FAMILY_NAME")
        .add(CTRL_ATTR_VERSION, AttrKind::u32, "CTRL_ATTR_VERSION")
        .add(CTRL_ATTR_MAXATTR, AttrKind::u32, "CTRL_ATTR_MAXATTR")
        .add(CTRL_ATTR_OPS, AttrKind::nested, "CTRL_ATTR_OPS");

const AttrPolicy operation_policy =
    AttrPolicy()
        .add(CTRL_ATTR_OP_ID, AttrKind::u32, "CTRL_ATTR_OP_ID")
        .add(CTRL_ATTR_OP_FLAGS, AttrKind::u32, "CTRL_ATTR_OP_FLAGS");

// CTRL_ATTR_OPS is an array: nests numbered 1..n, each one operation.
const AttrPolicy operation_array_policy = [] {
    AttrPolicy policy;
    for (std::uint16_t i = 1; i < max_attribute_slots; ++i)
        policy.add(i, AttrKind::nested, "CTRL_ATTR_OPS entry");
    return policy;
}();

Result<void> read_operations(const nlattr* ops, FamilyInfo& family)
{
    auto* data = static_cast<const std::byte*>(mnl_attr_get_payload(ops));
    return for_each_attribute(
        {data, mnl_attr_get_payload_len(ops)}, operation_array_policy,
        [&family](std::uint16_t, const nlattr* entry) -> Result<void> {
            auto op = AttrSet::parse_nested(entry, operation_policy);
            if (!op)
                return std::move(op).error();
            if (auto id = op->u32(CTRL_ATTR_OP_ID))
                family.operations.push_back({*id, op->u32(CTRL_ATTR_OP_FLAGS).value_or(0)});
            return {};
        });
}

} // namespace

Result<FamilyInfo> resolve_family(Channel& channel, std::string_view name)
{
    Request request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
    request.put_string(CTRL_ATTR_FAMILY_NAME, name);

    std::optional<FamilyInfo> found;
    auto ack = channel.transact(request, [&](const nlmsghdr* message) -> Result<void> {
        auto attrs = AttrSet::parse_message(message, sizeof(genlmsghdr), family_policy);
        if (!attrs)
            return std::move(attrs).error();
        auto id = attrs->u16(CTRL_ATTR_FAMILY_ID);
        if (!id)
            return Error::protocol("the generic netlink controller sent no family id");
        FamilyInfo family;
        family.id = *id;
        family.version = attrs->u32(CTRL_ATTR_VERSION).value_or(0);
        family.max_attribute = attrs->u32(CTRL_ATTR_MAXATTR).value_or(0);
        if (const nlattr* ops = attrs->nested(CTRL_ATTR_OPS)) {
            if (auto read = read_operations(ops, family); !read)
                return read;
        }
        found = std::move(family);
        return {};
    });
    if (!ack)
        return std::move(ack).error();
    if (!found)
        return Error::protocol("the generic netlink controller did not describe the family");
    return *std::move(found);
}

} // namespace vdpa::netlink
