// SPDX-License-Identifier: GPL-2.0-or-later
//
// vdpa-blk-server: serves a file as a VDUSE virtio-blk device.
//
//   vdpa-blk-server --name NAME --file PATH [--readonly] [--queues N]
//       [--queue-size N] [--blk-size N] [--serial ID] [--inflight PATH]
//       [--detach] [--pidfile PATH]
//
// Creates the VDUSE device (or takes over one a previous server left,
// resuming its requests), answers the kernel, and tells it is ready: to
// the service manager (NOTIFY_SOCKET), or, with --detach, by the
// launching process exiting 0 once the detached server answers. SIGTERM
// or SIGINT stops it; the device is destroyed unless it is still on the
// vDPA bus.
#include "server/blk_server.hpp"
#include "server/notify.hpp"
#include "served_record.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string_view>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace vdpa::device;

namespace {

[[noreturn]] void usage_error(const std::string &message)
{
    std::fprintf(stderr, "vdpa-blk-server: %s\n", message.c_str());
    std::exit(1);
}

std::uint32_t parse_number(std::string_view option, std::string_view text)
{
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        usage_error(std::string(option) + " needs a number, not \"" + std::string(text) + "\"");
    return value;
}

struct Arguments {
    ServerOptions server;
    bool detach = false;
    std::string pidfile;
};

Arguments parse(int argc, char **argv)
{
    Arguments a;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc)
                usage_error(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--name")
            a.server.name = value();
        else if (arg == "--file")
            a.server.blk.path = value();
        else if (arg == "--readonly")
            a.server.blk.readonly = true;
        else if (arg == "--queues")
            a.server.blk.queues = parse_number(arg, value());
        else if (arg == "--queue-size")
            a.server.blk.queue_size = parse_number(arg, value());
        else if (arg == "--blk-size")
            a.server.blk.blk_size = parse_number(arg, value());
        else if (arg == "--serial")
            a.server.blk.serial = value();
        else if (arg == "--inflight")
            a.server.inflight_path = value();
        else if (arg == "--detach")
            a.detach = true;
        else if (arg == "--pidfile")
            a.pidfile = value();
        else
            usage_error("unknown argument \"" + std::string(arg) + "\"");
    }
    if (a.server.name.empty() || a.server.blk.path.empty())
        usage_error("--name and --file are required");
    return a;
}

// --detach: the caller waits on a pipe until the server is ready (a byte
// '1') or failed (its message), then exits 0 or 1.
int ready_pipe[2] = {-1, -1};

void detach()
{
    if (pipe2(ready_pipe, O_CLOEXEC) != 0)
        usage_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t child = fork();
    if (child < 0)
        usage_error(std::string("fork: ") + std::strerror(errno));
    if (child > 0) {
        close(ready_pipe[1]);
        char byte = 0;
        const bool ready = read(ready_pipe[0], &byte, 1) == 1 && byte == '1';
        std::exit(ready ? 0 : 1);
    }
    close(ready_pipe[0]);
    setsid();
}

void report_ready(pid_t pid, const std::string &pidfile)
{
    if (!pidfile.empty()) {
        FILE *f = std::fopen(pidfile.c_str(), "w");
        if (f != nullptr) {
            std::fprintf(f, "%d\n", static_cast<int>(pid));
            std::fclose(f);
        }
    }
    notify_service_manager("READY=1\nMAINPID=" + std::to_string(pid) + "\n");
    if (ready_pipe[1] >= 0) {
        // Detached: nothing of ours on the caller's terminal from now on.
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

} // namespace

int main(int argc, char **argv)
{
    Arguments args = parse(argc, argv);
    if (args.detach)
        detach();

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    // Blocked before any thread starts, so every thread inherits the mask
    // and the signals arrive only through the signalfd.
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);

    BlkServer server(args.server);
    if (auto e = server.start()) {
        std::fprintf(stderr, "vdpa-blk-server: %s\n", e.message.c_str());
        server.abandon();
        return 1;
    }
    std::fprintf(stderr, "vdpa-blk-server: serving %s as %s%s\n", args.server.blk.path.c_str(),
                 args.server.name.c_str(), server.reconnected() ? " (reconnected)" : "");
    // Before readiness: once `vdpa dev add` returns, `dev show -d` finds it.
    if (auto problem = write_served_record(args.server.name,
                                           {"file", args.server.blk.path, getpid()});
        !problem.empty())
        std::fprintf(stderr, "vdpa-blk-server: %s\n", problem.c_str());
    report_ready(getpid(), args.pidfile);

    pollfd fds[2] = {{server.device_fd(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
    int status = 0;
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            status = 1;
            break;
        }
        if (fds[1].revents & POLLIN)
            break;
        if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            std::fprintf(stderr, "vdpa-blk-server: the kernel marked device %s broken\n",
                         args.server.name.c_str());
            status = 1;
            break;
        }
        if (fds[0].revents & POLLIN) {
            int rc = server.serve_one();
            if (rc != 0 && rc != EAGAIN && rc != EINTR) {
                std::fprintf(stderr, "vdpa-blk-server: device %s: %s\n", args.server.name.c_str(),
                             std::strerror(rc));
                status = 1;
                break;
            }
        }
    }
    auto note = server.shutdown();
    remove_served_record(args.server.name);
    if (!note.empty())
        std::fprintf(stderr, "vdpa-blk-server: %s\n", note.c_str());
    if (!args.pidfile.empty())
        unlink(args.pidfile.c_str());
    return status;
}
