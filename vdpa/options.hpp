// SPDX-License-Identifier: GPL-2.0-or-later
//
// Global options, accepted before or after the command as iproute2's
// getopt_long accepts them. The table drives parsing (CLI11), help and
// completion.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/result.hpp>

namespace vdpa::cli {

struct GlobalOptions {
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
    std::string_view help_form;        // "-j[son]", as the usage line shows it
    bool GlobalOptions::*flag = nullptr;
    std::optional<std::string> GlobalOptions::*value = nullptr; // options taking a value
    std::string_view value_name = {};                           // "FILE"
};

std::span<const OptionSpec> option_table();

// Parses argv. A Result error carries the message for an unknown option.
Result<GlobalOptions> parse_options(int argc, char** argv);

} // namespace vdpa::cli
