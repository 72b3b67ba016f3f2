// SPDX-License-Identifier: GPL-2.0-or-later
//
// The entry points for `vdpa dev add ... mgmtdev vduse file PATH` and
// `... tap IFNAME`: start a detached block or network server for the
// device and return once it answers the kernel, so `vdpa dev add` can
// follow. The server creates the VDUSE
// device itself; on failure nothing is left (the server undoes what it
// made before it exits).
#pragma once

#include "server/server_options.hpp"
#include "vduse/control.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace vdpa::device {

// server_exe: the vdpa-blk-server binary. On success pid is the serving
// process. The error carries the server's own message (its stderr).
DeviceError launch_blk_server(const std::string &server_exe, const ServerOptions &options,
                              pid_t &pid);

// The arguments launch_blk_server passes (without --detach/--pidfile).
std::vector<std::string> blk_server_arguments(const ServerOptions &options);

// server_exe: the vdpa-net-server binary; as launch_blk_server.
DeviceError launch_net_server(const std::string &server_exe, const NetServerOptions &options,
                              pid_t &pid);
std::vector<std::string> net_server_arguments(const NetServerOptions &options);

} // namespace vdpa::device
