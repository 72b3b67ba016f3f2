// SPDX-License-Identifier: GPL-2.0-or-later
//
// A vDPA device vdpa serves itself: `vdpa dev add ... mgmtdev vduse file
// PATH` and its `dev del`, as one call each. This is where the device side
// (the server process) meets the management library (vdpa::Host); libvdpa
// itself knows nothing of it.
//
// Adding: the checks a user can act on first (root, the vduse module, the
// name free on the vDPA bus and in VDUSE), then the server (it creates the
// VDUSE device and answers the kernel), then the vDPA device and its
// driver. When a step fails, the steps before it are undone: no vDPA
// device, no VDUSE device, no process is left. SIGINT, SIGTERM and SIGHUP
// are held meanwhile (held_signals.hpp): one that arrives lets the step in
// progress finish, then what was made is undone and the add fails with
// EINTR, "interrupted by SIG...". The server runs in a process group of
// its own, so the terminal's signals reach only the command.
//
// Deleting, in the order the kernel needs (VDUSE.md): the vDPA device
// (Host's guarded delete), then the server (SIGTERM: it closes its fd and
// destroys the VDUSE device), then the VDUSE device if it is still there.
#pragma once

#include "server/server_options.hpp"

#include <vdpa/host.hpp>

#include <optional>
#include <string>

namespace vdpa::device {

struct ServedBlkRequest {
    ServerOptions server;    // server.name is the vDPA device's name too
    std::string server_exe;  // the vdpa-blk-server binary
    std::optional<BusDriver> driver;
};

// The errors of the checks (ErrorKind::invalid_argument for a taken name,
// not_found for a missing module, system EACCES without root), of the
// server (its own message: the file, the sizes, the limits), and of
// Host::add_device.
Result<Ack> add_served_blk_device(Host &host, const ServedBlkRequest &request,
                                  const BindOptions &options);

// Host::delete_device, then the server a live record names, then the VDUSE
// device. A device without a record (another program serves it) is only
// deleted, as iproute2 does. The errors of Host::delete_device (nothing
// changed), or a system error when the server does not stop.
DeviceDeletion delete_served_device(Host &host, const std::string &name,
                                    const DeleteOptions &options);

} // namespace vdpa::device
