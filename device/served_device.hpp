// SPDX-License-Identifier: GPL-2.0-or-later
//
// A vDPA device vdpa serves itself: `vdpa dev add ... mgmtdev vduse file
// PATH` (a disk, vdpa-blk-server) or `... tap IFNAME` (a NIC,
// vdpa-net-server), and its `dev del`, as one call each. This is where the
// device side (the server process) meets the management library
// (vdpa::Host); libvdpa itself knows nothing of it.
//
// Adding: the checks a user can act on first (the backend's options, root,
// for a NIC the kernel release and the tun module, the vduse module, the
// name free on the vDPA bus and in VDUSE), then the server (it creates the
// VDUSE device, for a NIC the TAP if missing, and answers the kernel),
// then the vDPA device and its driver. When a step fails, the steps before
// it are undone: no vDPA device, no VDUSE device, no process, no record,
// no TAP it created is left. SIGINT, SIGTERM and SIGHUP are held
// meanwhile (held_signals.hpp): one that arrives lets the step in progress
// finish, then what was made is undone and the add fails with EINTR,
// "interrupted by SIG...". The server runs in a process group of its own,
// so the terminal's signals reach only the command.
//
// Deleting, in the order the kernel needs (VDUSE.md): the vDPA device
// (Host's guarded delete), then the server (SIGTERM: it closes its fd,
// destroys the VDUSE device and removes a TAP it created), then the VDUSE
// device if it is still there.
#pragma once

#include "server/server_options.hpp"
#include "server_supervision.hpp"

#include <vdpa/host.hpp>

#include <optional>
#include <string>
#include <variant>

namespace vdpa::device {

// What is served: a file as a disk, or a TAP as a NIC. The options' name
// is the vDPA device's name too.
using ServedBackend = std::variant<ServerOptions, NetServerOptions>;

struct ServedDeviceRequest {
    ServedBackend backend;
    std::string server_exe; // the vdpa-blk-server or vdpa-net-server binary
    std::optional<BusDriver> driver;
    // systemd: the server runs as vdpa-blk-server@NAME.service or
    // vdpa-net-server@NAME.service (the caller decides, from /run/systemd/system, never from the
    // environment), started with `systemctl` (its path).
    Supervision supervision = Supervision::detached;
    std::string systemctl;
};

// The errors of the checks (ErrorKind::invalid_argument for bad options
// or a taken name, not_found for a missing module, unsupported for a
// kernel that cannot serve the device type, system EACCES without root),
// of the server (its own message: the file, the sizes, the TAP, the
// limits), and of Host::add_device.
Result<Ack> add_served_device(Host &host, const ServedDeviceRequest &request,
                              const BindOptions &options);

// A served device whose server is gone (killed): a new server, started as
// the first one was (request.supervision), takes the VDUSE device over and
// finishes its requests in flight (a NIC's TAP stays the one it had).
// Errors: ErrorKind::invalid_argument when there is no such VDUSE device
// to take over, or a server already serves it; for a NIC, those of the
// tun module check; the server's own, as for add_served_device.
Result<void> restart_served_server(const ServedDeviceRequest &request);

// Host::delete_device, then the server a live record names, then the VDUSE
// device. A device without a record (another program serves it) is only
// deleted, as iproute2 does. The errors of Host::delete_device (nothing
// changed), or a system error when the server does not stop.
DeviceDeletion delete_served_device(Host &host, const std::string &name,
                                    const DeleteOptions &options);

} // namespace vdpa::device
