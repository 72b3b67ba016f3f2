// SPDX-License-Identifier: GPL-2.0-or-later
//
// The signals that end a command from outside (SIGINT and SIGHUP from the
// terminal, SIGTERM from a service manager or kill), held back while a
// served device is being put together. `vdpa dev add ... file PATH` makes
// a VDUSE device, a server process, a vDPA device and a binding in turn;
// killed between two of them it would leave the first ones behind. Held,
// a signal waits until the step in progress ends; the caller asks
// arrived() between steps and undoes what it made.
#pragma once

#include <csignal>
#include <optional>
#include <string>

namespace vdpa::device {

class HeldSignals {
public:
    // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread.
    HeldSignals();
    // Restores the signal mask as it was: a held signal still pending is
    // delivered then (by default it ends the process; what was made is
    // complete by then).
    ~HeldSignals();
    HeldSignals(const HeldSignals &) = delete;
    HeldSignals &operator=(const HeldSignals &) = delete;

    // The first of the held signals that is pending, if any.
    std::optional<int> arrived() const;
    // Takes the pending held signals back: the caller answered them (it
    // undid its work and reports the interruption as its error).
    void answered();

private:
    sigset_t held_;
    sigset_t previous_;
};

// "SIGINT", "SIGTERM", "SIGHUP", else "signal N".
std::string signal_name(int signal);

// For a child process about to exec: no signal blocked (a mask survives
// exec), and out of the caller's process group, so that the terminal's
// SIGINT and SIGHUP, sent to the whole foreground group, reach only the
// command, which decides what to undo. Async-signal-safe.
void detach_child_from_signals();

} // namespace vdpa::device
