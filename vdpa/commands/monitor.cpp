// SPDX-License-Identifier: GPL-2.0-or-later
#include <csignal>

#include <vdpa/monitor.hpp>

#include "commands/commands.hpp"
#include "session.hpp"

namespace vdpa::cli {
namespace {

volatile std::sig_atomic_t interrupted = 0;

void stop(int)
{
    interrupted = 1;
}

} // namespace

int monitor(Session& session, const Arguments&)
{
    auto opened = BusMonitor::open(session.bus().paths());
    if (!opened)
        return session.fail(opened.error());
    // Until interrupted; SIGINT and SIGTERM end it with status 0. Without
    // SA_RESTART the wait returns, and the flag is seen.
    struct sigaction action = {};
    action.sa_handler = stop;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    session.set_lines_complete();
    Renderer& renderer = session.renderer();
    while (!interrupted) {
        auto event = opened->next(std::chrono::milliseconds(-1));
        if (!event)
            return session.fail(event.error());
        if (*event) {
            renderer.event(**event);
            // Whoever reads the other end of a pipe wants each event now.
            session.out().flush();
        }
    }
    return 0;
}

} // namespace vdpa::cli
