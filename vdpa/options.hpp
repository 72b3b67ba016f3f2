// SPDX-License-Identifier: GPL-2.0-or-later
//
// Global options, accepted before or after the command as iproute2's
// getopt_long accepts them. The table drives parsing (CLI11), help and
// completion.
#pragma once

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
    std::vector<std::string> words; // everything that is not an option
};

struct OptionSpec {
    std::string_view short_name; // "-j"
    std::string_view long_name;  // "--json"
    std::string_view help_form;  // "-j[son]", as the usage line shows it
    bool GlobalOptions::*flag;
};

std::span<const OptionSpec> option_table();

// Parses argv. A Result error carries the message for an unknown option.
Result<GlobalOptions> parse_options(int argc, char** argv);

} // namespace vdpa::cli
