// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Replies of the vdpa family, decoded into model values. Each decoder
// checks the attributes the kernel always sends and fails with a protocol
// error, never a crash, when one is missing or malformed.
#pragma once

#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

struct nlmsghdr;

namespace vdpa {

Result<MgmtDev> decode_mgmtdev(const nlmsghdr* message);
Result<Device> decode_device(const nlmsghdr* message);
Result<DeviceConfig> decode_device_config(const nlmsghdr* message);
Result<QueueStats> decode_queue_stats(const nlmsghdr* message);

} // namespace vdpa
