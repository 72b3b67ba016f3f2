// SPDX-License-Identifier: GPL-2.0-or-later
//
// Parsers for the values typed on the command line. Each refuses anything
// but the documented form, with a message saying what was expected;
// iproute2's parsers pad short MACs with zeros and fail numbers silently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

namespace vdpa::cli {

// Exactly six colon-separated octets of one or two hex digits.
Result<MacAddress> parse_mac(std::string_view text);

// Decimal digits only (no sign, no spaces, no 0x), at most `max`.
Result<std::uint64_t> parse_decimal(std::string_view keyword, std::string_view text,
                                    std::uint64_t max);

// Hexadecimal, with or without a 0x prefix, at most 64 bits.
Result<std::uint64_t> parse_hex_u64(std::string_view keyword, std::string_view text);

// "[BUS/]NAME". More than one '/' is refused with iproute2's own words.
Result<MgmtDevHandle> parse_mgmtdev_handle(std::string_view text);

} // namespace vdpa::cli
