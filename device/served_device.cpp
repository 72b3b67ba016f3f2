// SPDX-License-Identifier: GPL-2.0-or-later
#include "served_device.hpp"

#include "held_signals.hpp"
#include "launcher.hpp"
#include "net/net_config.hpp"
#include "served_record.hpp"
#include "vduse/control.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <variant>

namespace vdpa::device {

namespace {

using namespace std::chrono_literals;

bool process_exists(pid_t pid)
{
    return kill(pid, 0) == 0 || errno == EPERM;
}

bool wait_until_gone(pid_t pid, std::chrono::milliseconds limit)
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (process_exists(pid)) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// The server destroys the VDUSE device itself when it stops (it is off
// the vDPA bus by then); one killed instead leaves it, and closing its fd
// was the last thing the kernel waited for.
Result<void> stop_server(pid_t pid, const std::string &name)
{
    if (pid > 0 && serves_device(pid, name)) {
        kill(pid, SIGTERM);
        if (!wait_until_gone(pid, 10s)) {
            kill(pid, SIGKILL);
            if (!wait_until_gone(pid, 5s))
                return Error::system(ETIMEDOUT, "the server of " + quoted(name) + " (pid " +
                                                    std::to_string(pid) + ") does not stop");
        }
    }
    remove_served_record(name);
    remove_launch_settings(name);
    if (vduse_exists(name))
        if (auto e = vduse_destroy(name))
            return Error::system(e.code ? e.code : EIO,
                                 "cannot destroy the VDUSE device " + quoted(name));
    return {};
}

constexpr const char *tun_path = "/dev/net/tun";

// Opening /dev/net/tun loads the tun module when it is missing; a node
// without a module behind it fails with ENODEV (or ENXIO).
Result<void> check_tun()
{
    const int fd = open(tun_path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        return {};
    }
    const int code = errno;
    if (code == ENOENT || code == ENODEV || code == ENXIO)
        return Error::make(ErrorKind::not_found, code,
                           std::string(tun_path) +
                               " is not available: the kernel module tun is not loaded "
                               "(modprobe tun)");
    return Error::system(code, std::string("cannot open ") + tun_path);
}

// What only a network device needs, before anything starts: its options,
// a kernel that serves it, the tun module.
Result<void> check_net_backend(const NetOptions &net)
{
    if (auto problem = check_net_options(net); !problem.empty())
        return Error::invalid(problem);
    return {};
}

Result<void> check_net_host()
{
    if (auto problem = vduse_net_kernel_problem(kernel_release()); !problem.empty())
        return Error::make(ErrorKind::unsupported, EOPNOTSUPP, problem);
    return check_tun();
}

Result<void> check_before_serving(Host &host, const ServedBackend &backend,
                                  const std::string &name)
{
    const auto *net = std::get_if<NetServerOptions>(&backend);
    // Bad input first: it is wrong whoever runs the command.
    if (net)
        if (auto checked = check_net_backend(net->net); !checked)
            return checked;
    // /dev/vduse/control is root's (0600): say so before anything starts.
    if (geteuid() != 0)
        return Error::system(EACCES, "serving a VDUSE device needs root: cannot open " +
                                         std::string(vduse_control_path));
    // Before the vduse module: on an older kernel, loading it would not help.
    if (net)
        if (auto checked = check_net_host(); !checked)
            return checked;
    if (access(vduse_control_path, F_OK) != 0)
        return Error::make(ErrorKind::not_found, ENOENT,
                           std::string(vduse_control_path) +
                               " does not exist: the kernel module vduse is not loaded "
                               "(modprobe vduse)");
    if (host.client().get_device(name))
        return Error::invalid("a vDPA device named " + quoted(name) + " already exists");
    // Another program's VDUSE device: starting a server for it would take
    // it over as if we had made it.
    if (vduse_exists(name))
        return Error::invalid("a VDUSE device named " + quoted(name) +
                              " already exists (another program serves it)");
    return {};
}

// The server's own message, without its program name: vdpa says it.
std::string server_message(std::string message)
{
    for (std::string_view prefix : {"vdpa-blk-server: ", "vdpa-net-server: "})
        if (message.rfind(prefix, 0) == 0)
            return message.erase(0, prefix.size());
    return message;
}

const std::string &device_name(const ServedBackend &backend)
{
    return std::visit([](const auto &options) -> const std::string & { return options.name; },
                      backend);
}

// What differs between the two servers: their settings, unit and launcher.
std::string write_settings(const ServedBackend &backend)
{
    return std::visit(
        [](const auto &options) {
            if constexpr (std::is_same_v<std::decay_t<decltype(options)>, ServerOptions>)
                return write_launch_settings(options.name, options.blk);
            else
                return write_launch_settings(options.name, options.net);
        },
        backend);
}

std::string server_unit(const ServedBackend &backend)
{
    if (const auto *blk = std::get_if<ServerOptions>(&backend))
        return blk_server_unit(blk->name);
    return net_server_unit(std::get<NetServerOptions>(backend).name);
}

DeviceError launch(const ServedDeviceRequest &request, pid_t &pid)
{
    if (const auto *blk = std::get_if<ServerOptions>(&request.backend))
        return launch_blk_server(request.server_exe, *blk, pid);
    return launch_net_server(request.server_exe, std::get<NetServerOptions>(request.backend),
                             pid);
}

Error not_an_instance(const std::string &name)
{
    return Error::invalid("the device name " + quoted(name) +
                          " cannot be a systemd unit instance: under systemd, served "
                          "devices are named with letters, digits and \":_.-\"");
}

// Starts the server as `request` says and returns its pid. Its settings
// are written first: its unit reads them, a restart needs them, and
// `state show` reads queue_size from them.
Result<pid_t> start_server(const ServedDeviceRequest &request)
{
    const std::string &name = device_name(request.backend);
    pid_t pid = 0;
    const std::string problem = write_settings(request.backend);
    if (request.supervision == Supervision::systemd) {
        const std::string unit = server_unit(request.backend);
        if (!problem.empty())
            return Error::system(EIO, problem);
        if (unit.empty())
            return not_an_instance(name);
        if (auto e = start_unit(request.systemctl, unit)) {
            remove_launch_settings(name);
            return Error::system(e.code ? e.code : EIO, e.message);
        }
        // The server wrote its record before it said READY=1.
        if (auto record = live_served_record(name))
            pid = record->server_pid;
        return pid;
    }
    // Detached, a path the settings cannot hold is still served; only a
    // restart after the server is killed then starts from the defaults.
    if (auto e = launch(request, pid)) {
        remove_launch_settings(name);
        return Error::invalid(server_message(e.message));
    }
    return pid;
}

// What a held signal ended, once what was made is undone.
Error interrupted(HeldSignals &held, int signal, const std::string &name, std::string undone)
{
    held.answered();
    return Error::system(EINTR, "dev add of " + quoted(name) + " interrupted by " +
                                    signal_name(signal) + ": " + undone);
}

} // namespace

Result<Ack> add_served_device(Host &host, const ServedDeviceRequest &request,
                              const BindOptions &options)
{
    const std::string &name = device_name(request.backend);
    // From here to the end a signal only marks the add interrupted: each
    // step runs to its end, and what was made is undone at the next check.
    HeldSignals held;
    if (auto checked = check_before_serving(host, request.backend, name); !checked)
        return std::move(checked).error();
    if (auto signal = held.arrived())
        return interrupted(held, *signal, name, "nothing was made yet");

    auto started = start_server(request);
    if (!started)
        return std::move(started).error();
    const pid_t pid = *started;
    if (auto signal = held.arrived()) {
        if (auto stopped = stop_server(pid, name); !stopped)
            return interrupted(held, *signal, name,
                               "stopping its server failed: " + stopped.error().message);
        return interrupted(held, *signal, name, "its server stopped again: nothing is left");
    }

    NewDevice device;
    device.name = name;
    device.mgmtdev = MgmtDevHandle{"", "vduse"};
    DeviceAddition addition = host.add_device(device, request.driver, options);
    if (addition.ok()) {
        const std::optional<int> signal = held.arrived();
        if (!signal)
            return addition.added;
        // Complete, but not wanted any more: taken apart like dev del (not
        // forced: a process that opened it already keeps it).
        DeviceDeletion deletion = host.delete_device(name);
        if (!deletion.ok())
            return interrupted(held, *signal, name,
                               "deleting it again failed (" + deletion.deleted.error().message +
                                   "), so it is left complete, with its server");
        if (auto stopped = stop_server(pid, name); !stopped)
            return interrupted(held, *signal, name,
                               "its vDPA device deleted again, but: " + stopped.error().message);
        return interrupted(held, *signal, name, "the device deleted again: nothing is left");
    }

    Error error = !addition.added ? addition.added.error() : addition.bound->error();
    if (addition.deleted && !*addition.deleted) {
        // The vDPA device is still there: the server must keep serving it.
        error.message += "; deleting the device again failed, so " + quoted(name) +
                         " and its server are left behind";
        return error;
    }
    if (auto stopped = stop_server(pid, name); !stopped)
        error.message += "; then: " + stopped.error().message;
    return error;
}

Result<void> restart_served_server(const ServedDeviceRequest &request)
{
    const std::string &name = device_name(request.backend);
    if (geteuid() != 0)
        return Error::system(EACCES, "serving a VDUSE device needs root: cannot open " +
                                         std::string(vduse_control_path));
    if (!vduse_exists(name))
        return Error::invalid("there is no VDUSE device " + quoted(name) + " to take over");
    if (live_served_record(name))
        return Error::invalid("a server already serves " + quoted(name));
    if (std::holds_alternative<NetServerOptions>(request.backend))
        if (auto checked = check_net_host(); !checked)
            return checked;
    if (request.supervision == Supervision::systemd) {
        // The unit may have given up restarting it (its start limit).
        const std::string unit = server_unit(request.backend);
        if (unit.empty())
            return not_an_instance(name);
        if (auto problem = write_settings(request.backend); !problem.empty())
            return Error::system(EIO, problem);
        if (auto e = restart_unit(request.systemctl, unit))
            return Error::system(e.code ? e.code : EIO, e.message);
        return {};
    }
    auto started = start_server(request);
    if (!started)
        return std::move(started).error();
    return {};
}

DeviceDeletion delete_served_device(Host &host, const std::string &name,
                                    const DeleteOptions &options)
{
    // Read before deleting: the record names the process to stop.
    const std::optional<ServedRecord> record = read_served_record(name);
    DeviceDeletion deletion = host.delete_device(name, options);
    if (!deletion.ok() || !record)
        return deletion;
    if (auto stopped = stop_server(record->server_pid, name); !stopped)
        deletion.deleted = std::move(stopped).error();
    return deletion;
}

} // namespace vdpa::device
