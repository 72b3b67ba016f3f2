// SPDX-License-Identifier: LGPL-2.1-or-later
#include "netlink/request.hpp"

#include <string>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

namespace vdpa::netlink {

Request::Request(std::uint16_t family_id, std::uint8_t command, std::uint8_t version,
                 std::uint16_t flags)
    : header_(mnl_nlmsg_put_header(buffer_.data())), command_(command)
{
    header_->nlmsg_type = family_id;
    header_->nlmsg_flags = flags;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(header_, sizeof(genlmsghdr)));
    genl->cmd = command;
    genl->version = version;
}

void Request::put_string(std::uint16_t type, std::string_view value)
{
    // mnl_attr_put_strz wants a C string; names can hold any byte but NUL,
    // and callers validate that.
    std::string terminated(value);
    if (!mnl_attr_put_strz_check(header_, buffer_.size(), type, terminated.c_str()))
        overflow_ = true;
}

void Request::put_u16(std::uint16_t type, std::uint16_t value)
{
    if (!mnl_attr_put_u16_check(header_, buffer_.size(), type, value))
        overflow_ = true;
}

void Request::put_u32(std::uint16_t type, std::uint32_t value)
{
    if (!mnl_attr_put_u32_check(header_, buffer_.size(), type, value))
        overflow_ = true;
}

void Request::put_u64(std::uint16_t type, std::uint64_t value)
{
    if (!mnl_attr_put_u64_check(header_, buffer_.size(), type, value))
        overflow_ = true;
}

void Request::put_binary(std::uint16_t type, std::span<const std::byte> value)
{
    if (!mnl_attr_put_check(header_, buffer_.size(), type, value.size(), value.data()))
        overflow_ = true;
}

std::span<const std::byte> Request::bytes() const
{
    return {buffer_.data(), header_->nlmsg_len};
}

std::uint16_t Request::attribute_at(std::uint32_t offset) const
{
    if (offset < MNL_NLMSG_HDRLEN || offset + sizeof(nlattr) > header_->nlmsg_len)
        return 0;
    const auto* attr = reinterpret_cast<const nlattr*>(buffer_.data() + offset);
    return mnl_attr_get_type(attr);
}

} // namespace vdpa::netlink
