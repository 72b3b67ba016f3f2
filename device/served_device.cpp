// SPDX-License-Identifier: GPL-2.0-or-later
#include "served_device.hpp"

#include "held_signals.hpp"
#include "launcher.hpp"
#include "served_record.hpp"
#include "vduse/control.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>
#include <unistd.h>

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
    if (vduse_exists(name))
        if (auto e = vduse_destroy(name))
            return Error::system(e.code ? e.code : EIO,
                                 "cannot destroy the VDUSE device " + quoted(name));
    return {};
}

Result<void> check_before_serving(Host &host, const std::string &name)
{
    // /dev/vduse/control is root's (0600): say so before anything starts.
    if (geteuid() != 0)
        return Error::system(EACCES, "serving a VDUSE device needs root: cannot open " +
                                         std::string(vduse_control_path));
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

std::string server_message(std::string message)
{
    constexpr std::string_view prefix = "vdpa-blk-server: ";
    if (message.rfind(prefix, 0) == 0)
        message.erase(0, prefix.size());
    return message;
}

} // namespace

// What a held signal ended, once what was made is undone.
Error interrupted(HeldSignals &held, int signal, const std::string &name, std::string undone)
{
    held.answered();
    return Error::system(EINTR, "dev add of " + quoted(name) + " interrupted by " +
                                    signal_name(signal) + ": " + undone);
}

Result<Ack> add_served_blk_device(Host &host, const ServedBlkRequest &request,
                                  const BindOptions &options)
{
    const std::string &name = request.server.name;
    // From here to the end a signal only marks the add interrupted: each
    // step runs to its end, and what was made is undone at the next check.
    HeldSignals held;
    if (auto checked = check_before_serving(host, name); !checked)
        return std::move(checked).error();
    if (auto signal = held.arrived())
        return interrupted(held, *signal, name, "nothing was made yet");

    pid_t pid = 0;
    if (auto e = launch_blk_server(request.server_exe, request.server, pid))
        return Error::invalid(server_message(e.message));
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
