// SPDX-License-Identifier: GPL-2.0-or-later
#include "held_signals.hpp"

#include <ctime>
#include <pthread.h>
#include <unistd.h>

namespace vdpa::device {

namespace {

constexpr int held_signals[] = {SIGINT, SIGTERM, SIGHUP};

} // namespace

HeldSignals::HeldSignals()
{
    sigemptyset(&held_);
    for (int signal : held_signals)
        sigaddset(&held_, signal);
    pthread_sigmask(SIG_BLOCK, &held_, &previous_);
}

HeldSignals::~HeldSignals()
{
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void HeldSignals::answered()
{
    // Only the ones held here: a signal that was blocked before stays
    // pending for whoever blocked it.
    const timespec now{0, 0};
    while (const std::optional<int> signal = arrived()) {
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, *signal);
        if (sigtimedwait(&one, nullptr, &now) < 0)
            break;
    }
}

std::optional<int> HeldSignals::arrived() const
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return std::nullopt;
    for (int signal : held_signals)
        if (!sigismember(&previous_, signal) && sigismember(&pending, signal))
            return signal;
    return std::nullopt;
}

std::string signal_name(int signal)
{
    switch (signal) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "signal " + std::to_string(signal);
    }
}

void detach_child_from_signals()
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    setpgid(0, 0);
}

} // namespace vdpa::device
