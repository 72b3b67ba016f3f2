// SPDX-License-Identifier: GPL-2.0-or-later
//
// Where the tool finds its device servers, and whether the service manager
// keeps them: one answer for `dev add ... file PATH` and `state apply`.
#pragma once

#include "served_state.hpp"

namespace vdpa::cli {

// The server beside the tool in the build tree (tests run it from there),
// else the installed one. Under systemd (/run/systemd/system is a
// directory, as sd_booted() tells) an installed server runs as an
// instance of vdpa-blk-server@.service or vdpa-net-server@.service,
// restarted if it dies; a server of
// the build tree is always detached, as its unit is not installed.
vdpa::device::ServingSetup serving_setup();

} // namespace vdpa::cli
