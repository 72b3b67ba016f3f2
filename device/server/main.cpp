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
#include "server/lifecycle.hpp"

#include <charconv>
#include <cstdlib>
#include <cstdio>
#include <string_view>
#include <unistd.h>

using namespace vdpa::device;

namespace {

constexpr const char *program = "vdpa-blk-server";

[[noreturn]] void usage_error(const std::string &message) { exit_with_error(program, message); }

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

} // namespace

int main(int argc, char **argv)
{
    Arguments args = parse(argc, argv);
    if (args.detach)
        detach_from_caller(program);
    const int signal_fd = block_stop_signals();

    BlkServer server(args.server);
    if (auto e = server.start()) {
        std::fprintf(stderr, "%s: %s\n", program, e.message.c_str());
        server.abandon();
        return 1;
    }
    std::fprintf(stderr, "%s: serving %s as %s%s\n", program, args.server.blk.path.c_str(),
                 args.server.name.c_str(), server.reconnected() ? " (reconnected)" : "");
    report_ready(program, args.server.name, {"file", args.server.blk.path, getpid()},
                 args.pidfile);
    return serve_until_stopped(program, args.server.name, server, signal_fd, args.pidfile);
}
