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
#include "server/net_server.hpp"
#include "server/server_main.hpp"

using namespace vdpa::device;

int main(int argc, char **argv)
{
    constexpr const char *program = "vdpa-net-server";
    NetServerOptions options;
    NetOptions &net = options.net;
    const ProcessOptions process = read_server_arguments(
        program, argc, argv, options.name, options.inflight_path,
        [&](std::string_view option, const OptionValue &value) {
            if (option == "--tap") {
                net.tap = value();
            } else if (option == "--mac") {
                const std::string text(value());
                net.mac = parse_mac(text);
                if (!net.mac)
                    exit_with_error(program, "\"" + text +
                                                 "\" is not a MAC address (six hex octets, ':' between)");
            } else if (option == "--mtu") {
                net.mtu = number_option(program, option, value());
            } else if (option == "--queue-size") {
                net.queue_size = number_option(program, option, value());
            } else {
                return false;
            }
            return true;
        });
    if (options.name.empty() || net.tap.empty())
        exit_with_error(program, "--name and --tap are required");
    // Checked before anything is made, so bad input leaves nothing behind.
    if (auto problem = check_net_options(net); !problem.empty())
        exit_with_error(program, problem);

    return run_server<NetServer>(
        program, options, process, {"tap", net.tap, 0},
        std::function<std::string(const NetServer &)>([&](const NetServer &server) {
            if (server.reconnected())
                return "serving " + net.tap + " as " + options.name + " (reconnected)";
            return "serving " + net.tap + " as " + options.name + ", MAC " +
                   format_mac(server.mac()) + ", MTU " + std::to_string(net.mtu);
        }));
}
