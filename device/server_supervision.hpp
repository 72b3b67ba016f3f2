// SPDX-License-Identifier: GPL-2.0-or-later
//
// How a served device's server is started, and who keeps it running.
//
// Detached (the default): vdpa starts the server itself (launcher.hpp);
// nothing restarts it if it dies, until `vdpa state apply` sees that.
// Under systemd: the server runs as vdpa-blk-server@NAME.service (a disk)
// or vdpa-net-server@NAME.service (a NIC), in its foreground mode with
// readiness notification, and the service manager restarts it when it
// dies (Restart=on-failure); the new process takes the VDUSE device over.
//
// Either way vdpa writes the server's settings first, to
// /run/vdpa/served/NAME.conf, in the EnvironmentFile format the unit reads
// (FILE=... or TAP=..., and OPTIONS=...): the unit starts the same server
// `dev add` asked for, and a restart (by systemd or by `state apply`)
// serves the device with the sizes it was created with (a reconnecting
// server needs the same queue sizes to resume the requests in flight).
// `vdpa state show` reads queue_size from them: the kernel does not say.
#pragma once

#include "server/server_options.hpp"
#include "vduse/control.hpp"

#include <optional>
#include <string>

namespace vdpa::device {

enum class Supervision { detached, systemd };

inline constexpr const char *launch_settings_dir = "/run/vdpa/served";

// `directory` is for tests.
std::string launch_settings_path(const std::string &name,
                                 const std::string &directory = launch_settings_dir);

// The settings file's text for a block server (path, readonly, sizes).
// Empty when the path cannot be written in it (a newline).
std::string launch_settings_text(const BlkOptions &options);
// For a network server: the TAP, the MTU, the queue size and the MAC when
// one was asked for (without, the server picks one once, at creation).
// Empty when the name cannot be written in it.
std::string launch_settings_text(const NetOptions &options);
// Written to a temporary file and renamed. Returns an error message,
// empty on success.
std::string write_launch_settings(const std::string &name, const BlkOptions &options,
                                  const std::string &directory = launch_settings_dir);
std::string write_launch_settings(const std::string &name, const NetOptions &options,
                                  const std::string &directory = launch_settings_dir);
void remove_launch_settings(const std::string &name,
                            const std::string &directory = launch_settings_dir);
// The settings a file of ours holds; nullopt when missing, not root's
// (or the reader's), writable by others, or not in the format written.
std::optional<BlkOptions> read_launch_settings(const std::string &name,
                                               const std::string &directory = launch_settings_dir);
// The text's settings (the parsing part of read_launch_settings).
std::optional<BlkOptions> parse_launch_settings(const std::string &text);
// The same for a network server's settings: nullopt for a block server's
// (and the other way round).
std::optional<NetOptions> read_net_launch_settings(
    const std::string &name, const std::string &directory = launch_settings_dir);
std::optional<NetOptions> parse_net_launch_settings(const std::string &text);

// "vdpa-blk-server@NAME.service", or empty when NAME cannot be a unit
// instance as it is (the unit passes its instance, %i, as the name):
// only letters, digits and ":_.-", not starting with '.'.
std::string blk_server_unit(const std::string &name);
// "vdpa-net-server@NAME.service", by the same rule.
std::string net_server_unit(const std::string &name);

// `systemctl start UNIT`, which returns once the server said READY=1 (or
// failed). On failure the unit is stopped (so that Restart= does not try
// a server that cannot start again and again) and the error says where
// its own message is.
DeviceError start_unit(const std::string &systemctl, const std::string &unit);
// `systemctl reset-failed UNIT` then start_unit: a unit whose restarts
// were given up (the start limit) can start again.
DeviceError restart_unit(const std::string &systemctl, const std::string &unit);

} // namespace vdpa::device
