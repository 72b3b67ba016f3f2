// SPDX-License-Identifier: GPL-2.0-or-later
//
// What every server's main() does, whatever the device type: read the
// options all servers share (--name, --inflight, --detach, --pidfile) and
// hand the rest to the device type; then detach, block the stop signals,
// start the device, report readiness and serve until stopped (the order
// lifecycle.hpp needs: signals blocked before any thread starts, the
// served record written before readiness).
#pragma once

#include "server/lifecycle.hpp"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <unistd.h>

namespace vdpa::device {

struct ProcessOptions {
    bool detach = false;
    std::string pidfile;
};

// The next argument, as the value of the option just read.
using OptionValue = std::function<std::string_view()>;
// Reads one option of the device type's own: false when it is not one.
using DeviceOption = std::function<bool(std::string_view option, const OptionValue &value)>;

// Reads argv into `name`, `inflight_path` and the returned process
// options, and every other option through `device_option`; an unknown
// option, or one without its value, ends the process with a usage error.
ProcessOptions read_server_arguments(const char *program, int argc, char **argv,
                                     std::string &name, std::string &inflight_path,
                                     const DeviceOption &device_option);

// `text` as the number option `option` needs, or a usage error.
std::uint32_t number_option(const char *program, std::string_view option, std::string_view text);

// Detaches if asked, then starts `Server` (constructed from `options`)
// and serves it until stopped; `started(server)` is the line for the
// log once it serves, `record` what `dev show -d` will say (the pid is
// filled in here, after detaching). Returns the exit status.
template <class Server, class Options>
int run_server(const char *program, const Options &options, const ProcessOptions &process,
               ServedRecord record, const std::function<std::string(const Server &)> &started)
{
    if (process.detach)
        detach_from_caller(program);
    const int signal_fd = block_stop_signals();

    Server server(options);
    if (auto e = server.start()) {
        std::fprintf(stderr, "%s: %s\n", program, e.message.c_str());
        server.abandon();
        return 1;
    }
    std::fprintf(stderr, "%s: %s\n", program, started(server).c_str());
    record.server_pid = getpid();
    report_ready(program, options.name, record, process.pidfile);
    return serve_until_stopped(program, options.name, server, signal_fd, process.pidfile);
}

} // namespace vdpa::device
