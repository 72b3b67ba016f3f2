// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The data of a DeviceBus, out of the installed header so that it can
// change without breaking the library's ABI.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <vdpa/bus.hpp>

#include "virtio_devices.hpp"

namespace vdpa {

// What the kernel does when the bus writes a sysfs attribute, called after
// each successful write with its path and text. The real kernel acts by
// itself; unit tests play its part with one (a driver binding the device
// on a write to drivers_probe), given to the bus they test.
using SysfsWriteHook = std::function<void(const std::string& path, const std::string& text)>;

struct DeviceBus::Impl {
    HostPaths paths;
    // device -> the virtio device its bind() saw appear
    std::map<std::string, virtio::Entry, std::less<>> bound_virtio;
    SysfsWriteHook after_write; // empty but in tests
};

// A bus on `paths` whose sysfs writes are followed by `after_write`.
DeviceBus make_bus(HostPaths paths, SysfsWriteHook after_write);

} // namespace vdpa
