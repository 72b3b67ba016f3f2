// SPDX-License-Identifier: LGPL-2.1-or-later
#include <optional>
#include <string>

#include <vdpa/client.hpp>

#include "names.hpp"

namespace vdpa {
namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 if it is invalid
// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    std::size_t length;
    std::uint32_t code;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        code = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        code = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        code = lead & 0x07;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
        code = (code << 6) | (byte(i + k) & 0x3f);
    }
    if ((length == 3 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
        (length == 4 && (code < 0x10000 || code > 0x10ffff)))
        return 0;
    return length;
}

Error refusal(std::string_view what, std::string_view name, std::string_view why)
{
    return Error::invalid(std::string(what) + " " + quoted(name) + " " + std::string(why));
}

// What neither rule lets through: names sysfs cannot hold, and "." and
// "..", which at the end of a path name another directory.
std::optional<Error> refuse_unnameable(std::string_view what, std::string_view name)
{
    if (name.empty())
        return Error::invalid(std::string(what) + " must not be empty");
    if (name.size() > max_name_length)
        return refusal(what, name,
                       "is longer than " + std::to_string(max_name_length) +
                           " bytes, which sysfs cannot hold");
    if (name == "." || name == "..")
        return refusal(what, name, "is not a valid name");
    return std::nullopt;
}

} // namespace

Result<void> validate_name(std::string_view what, std::string_view name)
{
    if (auto unnameable = refuse_unnameable(what, name))
        return std::move(*unnameable);
    for (std::size_t i = 0; i < name.size();) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        if (c == '/')
            return refusal(what, name, "contains '/'");
        if (c < 0x20 || c == 0x7f)
            return refusal(what, name, "contains a control character");
        std::size_t length = utf8_sequence_length(name, i);
        if (length == 0)
            return refusal(what, name, "is not valid UTF-8");
        i += length;
    }
    return {};
}

std::string printable(std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        std::size_t length = utf8_sequence_length(text, i);
        if (length == 0 || c < 0x20 || c == 0x7f || c == '\\' || c == '"') {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xf];
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    return out;
}

std::string quoted(std::string_view text)
{
    return "\"" + printable(text) + "\"";
}

Result<void> validate_lookup_name(std::string_view what, std::string_view name)
{
    if (auto unnameable = refuse_unnameable(what, name))
        return std::move(*unnameable);
    // The kernel stores a '/' in a device name as '!', so no device has
    // one; a NUL would end the name early on the wire.
    if (name.find('/') != std::string_view::npos)
        return refusal(what, name, "contains '/'");
    if (name.find('\0') != std::string_view::npos)
        return refusal(what, name, "contains a NUL byte");
    return {};
}

Result<void> validate_device_name(std::string_view name)
{
    return validate_name("device name", name);
}

Result<void> validate_existing_device_name(std::string_view name)
{
    return validate_lookup_name("device name", name);
}

Result<void> validate_mgmtdev_handle(const MgmtDevHandle& handle)
{
    if (!handle.bus.empty())
        if (auto valid = validate_name("management device bus", handle.bus); !valid)
            return valid;
    return validate_name("management device name", handle.name);
}

} // namespace vdpa
