// SPDX-License-Identifier: GPL-2.0-or-later
//
// The process around a served VDUSE device, the same for every device
// type: stop signals through a signalfd, --detach (the caller waits until
// the server is ready or has failed), readiness (pidfile, NOTIFY_SOCKET,
// the detaching parent exiting 0), the served record (served_record.hpp)
// while serving, and the loop answering the kernel until SIGTERM or SIGINT.
#pragma once

#include "served_record.hpp"

#include <string>
#include <sys/types.h>

namespace vdpa::device {

class ServedDevice {
public:
    virtual ~ServedDevice() = default;
    virtual int device_fd() const = 0;
    // Answers one waiting kernel request: 0 or an errno.
    virtual int serve_one() = 0;
    // Stops serving; a note for the log, empty when all went away.
    virtual std::string shutdown() = 0;
    // housekeeping() runs about this often while serving (negative: never).
    virtual int housekeeping_interval_ms() const { return -1; }
    virtual void housekeeping() {}
};

// "PROGRAM: MESSAGE" on stderr and, once detached (stderr is /dev/null
// then), to syslog, which the journal collects.
void report_problem(const char *program, const std::string &message);
// report_problem(), exit 1.
[[noreturn]] void exit_with_error(const char *program, const std::string &message);
// Blocks SIGTERM and SIGINT (before any thread starts, so every thread
// inherits the mask) and returns a signalfd for them.
int block_stop_signals();
// Forks: the parent waits for report_ready() or the child's failure and
// exits 0 or 1; the child carries on in a new session.
void detach_from_caller(const char *program);
// Writes the served record of device `name` (before readiness: once `vdpa
// dev add` returns, `dev show -d` finds it) and the pidfile, notifies the
// service manager and, when detached, releases the waiting parent and lets
// go of the caller's terminal.
void report_ready(const char *program, const std::string &name, const ServedRecord &record,
                  const std::string &pidfile);
// Serves until a stop signal or a broken device; then shuts the device
// down and removes the served record and the pidfile. Returns the exit
// status.
int serve_until_stopped(const char *program, const std::string &name, ServedDevice &device,
                        int signal_fd, const std::string &pidfile);

} // namespace vdpa::device
