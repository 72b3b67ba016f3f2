// SPDX-License-Identifier: GPL-2.0-or-later
//
// Walks the grammar table over the words of a command line and produces
// what to do: run a command with typed arguments, show help, or refuse.
// Nothing here touches the kernel, so bad input never reaches it.
#pragma once

#include <span>
#include <string>

#include "grammar.hpp"

namespace vdpa::cli {

struct Invocation {
    enum class Action { run, help, usage_error };

    Action action = Action::help;
    // The group or command whose help to show (help, and some usage errors).
    const Node* help_node = nullptr;
    std::string help_path; // words leading to help_node: "dev config"
    const CommandSpec* command = nullptr;
    Arguments arguments;
    std::string message; // the usage error, printed before any help
};

Invocation parse_words(std::span<const std::string> words);

} // namespace vdpa::cli
