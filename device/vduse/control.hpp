// SPDX-License-Identifier: GPL-2.0-or-later
//
// /dev/vduse/control: creating and destroying VDUSE devices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vdpa::device {

struct DeviceError {
    int code = 0; // errno
    std::string message;
    explicit operator bool() const { return code != 0 || !message.empty(); }
};

// The error of the system call that just failed: errno, and WHAT with its
// strerror text. Call it before anything else can change errno.
DeviceError errno_error(std::string what);

struct VduseDeviceSpec {
    std::string name;
    std::uint32_t device_id = 0;
    std::uint32_t vendor_id = 0;
    std::uint64_t features = 0;
    std::uint32_t vq_num = 0;
    std::uint32_t vq_align = 4096;
    std::vector<std::byte> config;
};

inline constexpr const char *vduse_control_path = "/dev/vduse/control";

// Negotiates API version 0 and creates the device (/dev/vduse/NAME).
// EEXIST when the name is taken, ENOENT when the vduse module is absent.
DeviceError vduse_create(const VduseDeviceSpec &spec);
// EBUSY while the device is on the vDPA bus or its fd is open.
DeviceError vduse_destroy(const std::string &name);
bool vduse_exists(const std::string &name);
std::string vduse_device_path(const std::string &name);

} // namespace vdpa::device
