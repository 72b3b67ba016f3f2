// SPDX-License-Identifier: GPL-2.0-or-later
#include "launcher.hpp"

#include "held_signals.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vdpa::device {

std::vector<std::string> blk_server_arguments(const ServerOptions &o)
{
    std::vector<std::string> args = {"--name", o.name, "--file", o.blk.path,
                                     "--queues", std::to_string(o.blk.queues),
                                     "--queue-size", std::to_string(o.blk.queue_size),
                                     "--blk-size", std::to_string(o.blk.blk_size)};
    if (o.blk.readonly)
        args.push_back("--readonly");
    if (!o.blk.serial.empty())
        args.insert(args.end(), {"--serial", o.blk.serial});
    if (!o.inflight_path.empty())
        args.insert(args.end(), {"--inflight", o.inflight_path});
    return args;
}

std::vector<std::string> net_server_arguments(const NetServerOptions &o)
{
    std::vector<std::string> args = {"--name", o.name, "--tap", o.net.tap,
                                     "--mtu", std::to_string(o.net.mtu),
                                     "--queue-size", std::to_string(o.net.queue_size)};
    if (o.net.mac)
        args.insert(args.end(), {"--mac", format_mac(*o.net.mac)});
    if (!o.inflight_path.empty())
        args.insert(args.end(), {"--inflight", o.inflight_path});
    return args;
}

namespace {

// Runs server_exe with args, detached, and waits for its readiness or its
// error message.
DeviceError launch_server(const std::string &server_exe, std::vector<std::string> args,
                          const char *what, pid_t &pid)
{
    char pidfile[] = "/tmp/vdpa-server.XXXXXX";
    const int pidfd = mkstemp(pidfile);
    if (pidfd < 0)
        return DeviceError{errno, std::string("mkstemp: ") + std::strerror(errno)};
    close(pidfd);
    int errors[2];
    if (pipe2(errors, O_CLOEXEC) != 0)
        return DeviceError{errno, std::string("pipe: ") + std::strerror(errno)};

    args.insert(args.begin(), server_exe);
    args.insert(args.end(), {"--detach", "--pidfile", pidfile});
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t child = fork();
    if (child < 0)
        return DeviceError{errno, std::string("fork: ") + std::strerror(errno)};
    if (child == 0) {
        detach_child_from_signals();
        dup2(errors[1], 2);
        execv(server_exe.c_str(), argv.data());
        std::fprintf(stderr, "cannot run %s: %s", server_exe.c_str(), std::strerror(errno));
        _exit(127);
    }
    close(errors[1]);
    // The detached server closes its stderr once ready, so this read ends
    // either with its error message or at readiness.
    std::string message;
    char buffer[512];
    ssize_t n;
    while ((n = read(errors[0], buffer, sizeof buffer)) > 0 ||
           (n < 0 && errno == EINTR))
        if (n > 0)
            message.append(buffer, static_cast<std::size_t>(n));
    close(errors[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    DeviceError result;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        while (!message.empty() && message.back() == '\n')
            message.pop_back();
        result = DeviceError{EIO, message.empty() ? std::string(what) + " failed" : message};
    } else {
        FILE *f = std::fopen(pidfile, "r");
        int value = 0;
        if (f != nullptr) {
            if (std::fscanf(f, "%d", &value) != 1)
                value = 0;
            std::fclose(f);
        }
        pid = value;
    }
    unlink(pidfile);
    return result;
}

} // namespace

DeviceError launch_blk_server(const std::string &server_exe, const ServerOptions &options,
                              pid_t &pid)
{
    return launch_server(server_exe, blk_server_arguments(options), "the block server", pid);
}

DeviceError launch_net_server(const std::string &server_exe, const NetServerOptions &options,
                              pid_t &pid)
{
    return launch_server(server_exe, net_server_arguments(options), "the network server", pid);
}

} // namespace vdpa::device
