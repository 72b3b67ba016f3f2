// SPDX-License-Identifier: GPL-2.0-or-later
#include <cerrno>
#include <csignal>

#include <poll.h>

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

// SIGINT and SIGTERM end the monitor with status 0, for as long as it runs.
// They are blocked except inside ppoll, which unblocks them atomically
// with the wait: one that arrives between the check of the flag and the
// wait is delivered when the wait starts, and ends it. Afterwards the
// previous handlers and mask are back, so that in a batch the lines after
// `monitor` run, and Ctrl-C stops them as it would have before.
class StopSignals {
public:
    StopSignals()
    {
        interrupted = 0;
        struct sigaction action = {};
        action.sa_handler = stop;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &previous_int_);
        sigaction(SIGTERM, &action, &previous_term_);
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        sigprocmask(SIG_BLOCK, &stop_signals, &previous_mask_);
        wait_mask_ = previous_mask_;
        sigdelset(&wait_mask_, SIGINT);
        sigdelset(&wait_mask_, SIGTERM);
    }
    ~StopSignals()
    {
        // A signal still pending reaches our handler, not the previous
        // one: it was meant for the monitor.
        sigprocmask(SIG_SETMASK, &previous_mask_, nullptr);
        sigaction(SIGINT, &previous_int_, nullptr);
        sigaction(SIGTERM, &previous_term_, nullptr);
        interrupted = 0;
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Waits until `fd` is readable or a stop signal came; false for the
    // signal.
    Result<bool> wait_readable(int fd) const
    {
        pollfd poll_fd{fd, POLLIN, 0};
        while (!interrupted) {
            if (::ppoll(&poll_fd, 1, nullptr, &wait_mask_) > 0)
                return true;
            if (errno != EINTR)
                return Error::system(errno, "cannot wait for uevents");
        }
        return false;
    }

private:
    struct sigaction previous_int_ = {};
    struct sigaction previous_term_ = {};
    sigset_t previous_mask_ = {};
    sigset_t wait_mask_ = {};
};

} // namespace

int monitor(Session& session, const Arguments&)
{
    auto opened = BusMonitor::open(session.paths());
    if (!opened)
        return session.fail(opened.error());
    StopSignals signals;
    session.set_lines_complete();
    Renderer& renderer = session.renderer();
    for (;;) {
        auto readable = signals.wait_readable(opened->fd());
        if (!readable)
            return session.fail(readable.error());
        if (!*readable)
            return 0;
        // What waits now, without blocking; a bounded number, so that a
        // stop signal is seen at the next wait even in a flood of events.
        for (int count = 0; count < 256; ++count) {
            auto event = opened->next(std::chrono::milliseconds(0));
            if (!event)
                return session.fail(event.error());
            if (!*event)
                break;
            renderer.event(**event);
        }
        // Whoever reads the other end of a pipe wants each event now.
        session.out().flush();
        if (session.out().failed())
            return 1; // main reports it
    }
}

} // namespace vdpa::cli
