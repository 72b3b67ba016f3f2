// SPDX-License-Identifier: GPL-2.0-or-later
#include "values.hpp"

#include <algorithm>
#include <charconv>

#include <vdpa/client.hpp>

namespace vdpa::cli {
namespace {

bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

Result<MacAddress> parse_mac(std::string_view text)
{
    auto invalid = [&] {
        return Error::invalid("invalid MAC address " + vdpa::quoted(text) +
                              ": expected six colon-separated hexadecimal octets, such as "
                              "00:11:22:33:44:55");
    };
    MacAddress mac;
    std::size_t octet = 0;
    std::size_t start = 0;
    for (;;) {
        std::size_t end = text.find(':', start);
        std::string_view part =
            text.substr(start, end == std::string_view::npos ? end : end - start);
        if (octet == mac.octets.size() || part.empty() || part.size() > 2 ||
            !std::all_of(part.begin(), part.end(), is_hex_digit))
            return invalid();
        unsigned value = 0;
        std::from_chars(part.data(), part.data() + part.size(), value, 16);
        mac.octets[octet++] = static_cast<std::uint8_t>(value);
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    if (octet != mac.octets.size())
        return invalid();
    return mac;
}

Result<std::uint64_t> parse_decimal(std::string_view keyword, std::string_view text,
                                    std::uint64_t max)
{
    std::uint64_t value = 0;
    bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (!digits_only || error != std::errc() || end != text.data() + text.size() || value > max)
        return Error::invalid("invalid " + std::string(keyword) + " " + vdpa::quoted(text) +
                              ": expected a decimal number from 0 to " + std::to_string(max));
    return value;
}

Result<std::uint64_t> parse_hex_u64(std::string_view keyword, std::string_view text)
{
    std::string_view digits = text;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        digits.remove_prefix(2);
    std::uint64_t value = 0;
    bool hex_only = !digits.empty() && std::all_of(digits.begin(), digits.end(), is_hex_digit);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
    if (!hex_only || error != std::errc() || end != digits.data() + digits.size())
        return Error::invalid("invalid " + std::string(keyword) + " " + vdpa::quoted(text) +
                              ": expected a hexadecimal number of at most 64 bits, such as "
                              "0x10020");
    return value;
}

Result<MgmtDevHandle> parse_mgmtdev_handle(std::string_view text)
{
    std::size_t slashes = std::count(text.begin(), text.end(), '/');
    if (slashes > 1)
        return Error::invalid("Wrong vdpa mgmtdev identification string format\n"
                              "Expected \"mgmtdev_bus_name/mgmtdev_name\"\n"
                              "Expected \"mgmtdev_name\"");
    MgmtDevHandle handle;
    if (slashes == 0) {
        handle.name = std::string(text);
    } else {
        std::size_t slash = text.find('/');
        handle.bus = std::string(text.substr(0, slash));
        handle.name = std::string(text.substr(slash + 1));
        if (handle.bus.empty())
            return Error::invalid("invalid management device " + vdpa::quoted(text) +
                                  ": the bus name before '/' is empty");
    }
    return handle;
}

} // namespace vdpa::cli
