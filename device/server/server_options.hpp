// SPDX-License-Identifier: GPL-2.0-or-later
//
// What a block or network server is asked to serve: shared by the servers
// and by the launcher that starts them (which must build without
// liburing, so nothing here may pull in a server).
#pragma once

#include "blk/blk_config.hpp"
#include "net/net_config.hpp"

#include <string>

namespace vdpa::device {

struct ServerOptions {
    std::string name;
    BlkOptions blk;
    std::string inflight_path; // empty: /run/vdpa-blk-server/NAME.inflight
};

struct NetServerOptions {
    std::string name;
    NetOptions net;
    std::string inflight_path; // empty: /run/vdpa-net-server/NAME.inflight
};

} // namespace vdpa::device
