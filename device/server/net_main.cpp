// SPDX-License-Identifier: GPL-2.0-or-later
//
// vdpa-net-server: serves a VDUSE virtio-net device whose other end is a
// TAP.
//
//   vdpa-net-server --name NAME --tap IFNAME [--mac MACADDR] [--mtu MTU]
//       [--queue-size N] [--inflight PATH] [--detach] [--pidfile PATH]
//
// The TAP is created when no interface has that name (and removed again
// when the device goes away), an existing one is attached. Readiness,
// --detach, SIGTERM and taking over a device a killed server left are as
// for vdpa-blk-server (server/lifecycle.hpp).
#include "server/lifecycle.hpp"
#include "server/net_server.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>
#include <unistd.h>

using namespace vdpa::device;

namespace {

constexpr const char *program = "vdpa-net-server";

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
    NetServerOptions server;
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
        if (arg == "--name") {
            a.server.name = value();
        } else if (arg == "--tap") {
            a.server.net.tap = value();
        } else if (arg == "--mac") {
            const std::string text(value());
            a.server.net.mac = parse_mac(text);
            if (!a.server.net.mac)
                usage_error("\"" + text + "\" is not a MAC address (six hex octets, ':' between)");
        } else if (arg == "--mtu") {
            a.server.net.mtu = parse_number(arg, value());
        } else if (arg == "--queue-size") {
            a.server.net.queue_size = parse_number(arg, value());
        } else if (arg == "--inflight") {
            a.server.inflight_path = value();
        } else if (arg == "--detach") {
            a.detach = true;
        } else if (arg == "--pidfile") {
            a.pidfile = value();
        } else {
            usage_error("unknown argument \"" + std::string(arg) + "\"");
        }
    }
    if (a.server.name.empty() || a.server.net.tap.empty())
        usage_error("--name and --tap are required");
    // Checked before anything is made, so bad input leaves nothing behind.
    if (auto problem = check_net_options(a.server.net); !problem.empty())
        usage_error(problem);
    return a;
}

} // namespace

int main(int argc, char **argv)
{
    Arguments args = parse(argc, argv);
    if (args.detach)
        detach_from_caller(program);
    const int signal_fd = block_stop_signals();

    NetServer server(args.server);
    if (auto e = server.start()) {
        std::fprintf(stderr, "%s: %s\n", program, e.message.c_str());
        server.abandon();
        return 1;
    }
    if (server.reconnected())
        std::fprintf(stderr, "%s: serving %s as %s (reconnected)\n", program,
                     args.server.net.tap.c_str(), args.server.name.c_str());
    else
        std::fprintf(stderr, "%s: serving %s as %s, MAC %s, MTU %u\n", program,
                     args.server.net.tap.c_str(), args.server.name.c_str(),
                     format_mac(server.mac()).c_str(), args.server.net.mtu);
    report_ready(program, args.server.name, {"tap", args.server.net.tap, getpid()},
                 args.pidfile);
    return serve_until_stopped(program, args.server.name, server, signal_fd, args.pidfile);
}
