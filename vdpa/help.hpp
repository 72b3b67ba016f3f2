// SPDX-License-Identifier: GPL-2.0-or-later
//
// Help text, generated from the grammar and option tables so it lists
// exactly what the parser accepts.
#pragma once

#include <string>
#include <string_view>

#include "grammar.hpp"

namespace vdpa::cli {

// "vdpa", "vdpa dev", "vdpa dev config show"... `path` are the words
// leading to `node` ("dev config"), empty for the root.
std::string help_text(const Node& node, std::string_view path);

// One command's synopsis without "Usage:": "vdpa dev del DEV".
std::string command_synopsis(const CommandSpec& command, std::string_view words);

} // namespace vdpa::cli
