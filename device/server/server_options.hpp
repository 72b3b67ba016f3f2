// SPDX-License-Identifier: GPL-2.0-or-later
//
// What a block server is asked to serve: shared by the server and by the
// launcher that starts it (which must build without liburing).
#pragma once

#include "blk/blk_config.hpp"

#include <string>

namespace vdpa::device {

struct ServerOptions {
    std::string name;
    BlkOptions blk;
    std::string inflight_path; // empty: /run/vdpa-blk-server/NAME.inflight
};

} // namespace vdpa::device
