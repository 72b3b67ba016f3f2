// SPDX-License-Identifier: GPL-2.0-or-later
#include "run.hpp"

#include "help.hpp"
#include "parser.hpp"

namespace vdpa::cli {

int run_words(Session& session, std::span<const std::string> words)
{
    Invocation invocation = parse_words(words);
    switch (invocation.action) {
    case Invocation::Action::help:
        // Help goes to stderr with status 0, as in iproute2.
        session.err().write(help_text(*invocation.help_node, invocation.help_path));
        return 0;
    case Invocation::Action::usage_error:
        if (!invocation.message.empty())
            session.usage_error(invocation.message);
        if (invocation.help_node)
            session.err().write(help_text(*invocation.help_node, invocation.help_path));
        return 1;
    case Invocation::Action::run:
        break;
    }
    session.set_command(invocation.help_node, invocation.help_path);
    session.reset_renderer();
    return invocation.command->handler(session, invocation.arguments);
}

int run_command_line(Session& session, std::span<const std::string> words)
{
    int status = run_words(session, words);
    // iproute2 ends every JSON run with a newline once it reached the
    // kernel, even when the command printed no document.
    if (session.render_options().json && !session.connection_failed() &&
        !session.lines_complete())
        session.out().put('\n');
    session.out().flush();
    return status;
}

} // namespace vdpa::cli
