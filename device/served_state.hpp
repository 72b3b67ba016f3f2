// SPDX-License-Identifier: GPL-2.0-or-later
//
// Served devices in declarative state: the vdpa::DeviceServing hooks that
// let libvdpa's planner and executor (vdpa/state.hpp) describe, create,
// delete and restart the devices vdpa serves itself, through the same
// calls `vdpa dev add ... file PATH` and `vdpa dev del` make
// (served_device.hpp). libvdpa keeps no knowledge of servers: it plans
// values and calls these hooks to carry out what concerns them.
#pragma once

#include "server_supervision.hpp"

#include <vdpa/state.hpp>

#include <string>

namespace vdpa::device {

struct ServingSetup {
    std::string blk_server_exe; // the vdpa-blk-server binary
    std::string net_server_exe; // the vdpa-net-server binary
    Supervision supervision = Supervision::detached;
    std::string systemctl; // with Supervision::systemd
};

// What a served block device is, as far as it is known: the file from its
// server's record; readonly, queues and blk_size from the kernel's block
// configuration (`block`, with the offered `device_features` where the
// kernel leaves an attribute out); queue_size from the settings its
// server was started with (nullptr: not known).
VduseBackend known_blk_backend(const std::string &file, const std::optional<BlockConfig> &block,
                               std::optional<std::uint64_t> device_features,
                               const BlkOptions *settings);

DeviceServing served_device_hooks(const ServingSetup &setup);

} // namespace vdpa::device
