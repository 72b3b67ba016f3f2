// SPDX-License-Identifier: GPL-2.0-or-later
//
// The handlers the grammar table points at. Each takes parsed, typed
// arguments, calls libvdpa and hands the results to a renderer; each
// returns the process exit status.
#pragma once

#include "grammar.hpp"

namespace vdpa::cli {

int mgmtdev_show(Session& session, const Arguments& arguments);

int dev_show(Session& session, const Arguments& arguments);
int dev_add(Session& session, const Arguments& arguments);
int dev_del(Session& session, const Arguments& arguments);
int dev_set(Session& session, const Arguments& arguments);
int dev_config_show(Session& session, const Arguments& arguments);
int dev_vstats_show(Session& session, const Arguments& arguments);

int monitor(Session& session, const Arguments& arguments);

int state_show(Session& session, const Arguments& arguments);
int state_apply(Session& session, const Arguments& arguments);

} // namespace vdpa::cli
