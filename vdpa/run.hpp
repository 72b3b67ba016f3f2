// SPDX-License-Identifier: GPL-2.0-or-later
//
// Runs one command line (the words after the options) in a session.
#pragma once

#include <span>
#include <string>

#include "session.hpp"

namespace vdpa::cli {

// Parses and runs `words`; returns the exit status.
int run_words(Session& session, std::span<const std::string> words);

// run_words for a whole process: also ends JSON output as iproute2 does.
int run_command_line(Session& session, std::span<const std::string> words);

} // namespace vdpa::cli
