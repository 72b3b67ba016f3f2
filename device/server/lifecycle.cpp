// SPDX-License-Identifier: GPL-2.0-or-later
#include "lifecycle.hpp"
#include "notify.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

namespace vdpa::device {

namespace {
// --detach: the caller waits on a pipe until the server is ready (a byte
// '1') or failed (its message), then exits 0 or 1.
int ready_pipe[2] = {-1, -1};
// Detached and ready: stderr goes nowhere, problems go to syslog.
bool logging_to_syslog = false;
} // namespace

void report_problem(const char *program, const std::string &message)
{
    std::fprintf(stderr, "%s: %s\n", program, message.c_str());
    if (logging_to_syslog)
        syslog(LOG_ERR, "%s", message.c_str());
}

void exit_with_error(const char *program, const std::string &message)
{
    report_problem(program, message);
    std::exit(1);
}

int block_stop_signals()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signalfd(-1, &signals, SFD_CLOEXEC);
}

void detach_from_caller(const char *program)
{
    if (pipe2(ready_pipe, O_CLOEXEC) != 0)
        exit_with_error(program, std::string("pipe: ") + std::strerror(errno));
    const pid_t child = fork();
    if (child < 0)
        exit_with_error(program, std::string("fork: ") + std::strerror(errno));
    if (child > 0) {
        close(ready_pipe[1]);
        char byte = 0;
        const bool ready = read(ready_pipe[0], &byte, 1) == 1 && byte == '1';
        std::exit(ready ? 0 : 1);
    }
    close(ready_pipe[0]);
    setsid();
}

void report_ready(const char *program, const std::string &name, const ServedRecord &record,
                  const std::string &pidfile)
{
    if (auto problem = write_served_record(name, record); !problem.empty())
        report_problem(program, problem);
    const pid_t pid = record.server_pid;
    if (!pidfile.empty()) {
        FILE *f = std::fopen(pidfile.c_str(), "w");
        if (f != nullptr) {
            std::fprintf(f, "%d\n", static_cast<int>(pid));
            std::fclose(f);
        }
    }
    notify_service_manager("READY=1\nMAINPID=" + std::to_string(pid) + "\n");
    if (ready_pipe[1] >= 0) {
        // Detached: nothing of ours on the caller's terminal from now on;
        // what would have gone to stderr goes to syslog.
        openlog(program, LOG_PID, LOG_DAEMON);
        logging_to_syslog = true;
        const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            close(null);
        }
        [[maybe_unused]] auto n = write(ready_pipe[1], "1", 1);
        close(ready_pipe[1]);
        ready_pipe[1] = -1;
    }
}

int serve_until_stopped(const char *program, const std::string &name, ServedDevice &device,
                        int signal_fd, const std::string &pidfile)
{
    pollfd fds[2] = {{device.device_fd(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
    int status = 0;
    for (;;) {
        const int ready = poll(fds, 2, device.housekeeping_interval_ms());
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            status = 1;
            break;
        }
        if (ready == 0) {
            device.housekeeping();
            continue;
        }
        if (fds[1].revents & POLLIN)
            break;
        if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            report_problem(program, "the kernel marked device " + name +
                                        " broken (a request went unanswered)");
            status = 1;
            break;
        }
        if (fds[0].revents & POLLIN) {
            int rc = device.serve_one();
            if (rc != 0 && rc != EAGAIN && rc != EINTR) {
                report_problem(program, "device " + name + ": " + std::strerror(rc));
                status = 1;
                break;
            }
        }
    }
    auto note = device.shutdown();
    remove_served_record(name);
    if (!note.empty())
        report_problem(program, note);
    if (!pidfile.empty())
        unlink(pidfile.c_str());
    return status;
}

} // namespace vdpa::device
