// SPDX-License-Identifier: GPL-2.0-or-later
//
// Readiness: the service manager's notification protocol (sd_notify(3):
// one datagram of "KEY=VALUE" lines to the unix socket named by
// NOTIFY_SOCKET; a leading '@' names an abstract socket), without
// libsystemd.
#pragma once

#include <string>

namespace vdpa::device {

// Sends message when NOTIFY_SOCKET is set; true when sent or not asked for.
bool notify_service_manager(const std::string &message);

} // namespace vdpa::device
