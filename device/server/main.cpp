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
#include "server/server_main.hpp"

using namespace vdpa::device;

int main(int argc, char **argv)
{
    constexpr const char *program = "vdpa-blk-server";
    ServerOptions options;
    BlkOptions &blk = options.blk;
    const ProcessOptions process = read_server_arguments(
        program, argc, argv, options.name, options.inflight_path,
        [&](std::string_view option, const OptionValue &value) {
            if (option == "--file")
                blk.path = value();
            else if (option == "--readonly")
                blk.readonly = true;
            else if (option == "--queues")
                blk.queues = number_option(program, option, value());
            else if (option == "--queue-size")
                blk.queue_size = number_option(program, option, value());
            else if (option == "--blk-size")
                blk.blk_size = number_option(program, option, value());
            else if (option == "--serial")
                blk.serial = value();
            else
                return false;
            return true;
        });
    if (options.name.empty() || blk.path.empty())
        exit_with_error(program, "--name and --file are required");

    return run_server<BlkServer>(
        program, options, process, {"file", blk.path, 0},
        std::function<std::string(const BlkServer &)>([&](const BlkServer &server) {
            return "serving " + blk.path + " as " + options.name +
                   (server.reconnected() ? " (reconnected)" : "");
        }));
}
