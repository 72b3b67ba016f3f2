// SPDX-License-Identifier: GPL-2.0-or-later
//
// Global options, accepted as iproute2 6.15's vdpa accepts them with
// getopt_long: before or after the command, clusters (-jp), unambiguous
// prefixes of long options (--js), and the same messages for what it
// rejects. CLI11 parses them, after a pass that brings getopt's ways to it
// (getopt_compat.hpp). The table drives parsing, help and completion.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/result.hpp>

namespace vdpa::cli {

struct GlobalOptions {
    // -V and -h act at once, as in iproute2: what follows them is not
    // looked at (`-Vx` prints the version).
    bool version = false;
    bool help = false;
    bool json = false;
    bool pretty = false;
    bool details = false;
    bool force = false;
    std::optional<std::string> batch; // -b FILE, "-" for stdin
    std::vector<std::string> words;   // everything that is not an option
};

struct OptionSpec {
    std::string_view short_name; // "-j"
    std::string_view long_name;  // "--json"
    // `ip -batch` spells some long options with one dash; so do we.
    std::string_view single_dash_name; // "-batch", or empty
    bool GlobalOptions::*flag = nullptr;
    std::optional<std::string> GlobalOptions::*value = nullptr; // options taking a value
    std::string_view value_name = {};                           // "FILE"
};

std::span<const OptionSpec> option_table();

// "-j | --json", "-b | --batch | -batch FILE": how help lists an option.
std::string option_forms(const OptionSpec& spec);

// Parses argv (argv[0] names the program in getopt's messages). The
// error's message is what iproute2 prints before its usage text: getopt's
// message, then "Unknown option." unless a value was missing.
Result<GlobalOptions> parse_options(int argc, char** argv);

} // namespace vdpa::cli
