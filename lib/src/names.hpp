// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Names coming from users or other programs are untrusted: they end up in
// netlink requests and in sysfs and /dev paths.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <vdpa/client.hpp> // quoted()
#include <vdpa/result.hpp>

namespace vdpa {

// sysfs directory entries are limited to NAME_MAX bytes.
inline constexpr std::size_t max_name_length = 255;

// The rules of validate_device_name(), for any kind of name; `what` names
// the kind in the error ("device name", "management device name").
Result<void> validate_name(std::string_view what, std::string_view name);

// The rules for a name that already exists in the kernel, given to find
// it again: any bytes the kernel can hold (iproute2 and other tools create
// names with control characters or invalid UTF-8), but not empty, not
// longer than max_name_length, without '/' or NUL, which no kernel name
// contains, and not "." or "..", which no sysfs path can reach.
Result<void> validate_lookup_name(std::string_view what, std::string_view name);

// `text` with control characters, quotes, backslashes and invalid UTF-8
// escaped as \xNN, so an error message cannot carry terminal escapes.
std::string printable(std::string_view text);

// '0' to '9' only. std::isdigit on a plain char is undefined for the
// negative values of bytes above 0x7f, which file names can hold.
constexpr bool is_ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace vdpa
