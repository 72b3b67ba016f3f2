// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The data of a DeviceBus, out of the installed header so that it can
// change without breaking the library's ABI.
#pragma once

#include <map>
#include <string>

#include <vdpa/bus.hpp>

#include "virtio_devices.hpp"

namespace vdpa {

struct DeviceBus::Impl {
    HostPaths paths;
    // device -> the virtio device its bind() saw appear
    std::map<std::string, virtio::Entry, std::less<>> bound_virtio;
};

} // namespace vdpa
