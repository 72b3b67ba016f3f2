// SPDX-License-Identifier: GPL-2.0-or-later
#include "control.hpp"

#include <kernel-uapi/vduse.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace vdpa::device {

namespace vduse = uapi::vduse;

DeviceError errno_error(std::string what)
{
    int code = errno;
    return DeviceError{code, what + ": " + std::strerror(code)};
}

namespace {

struct ControlFd {
    int fd = -1;
    ~ControlFd()
    {
        if (fd >= 0)
            close(fd);
    }
};

DeviceError open_control(ControlFd &control)
{
    control.fd = open(vduse_control_path, O_RDWR | O_CLOEXEC);
    if (control.fd < 0) {
        if (errno == ENOENT)
            return DeviceError{ENOENT, std::string(vduse_control_path) +
                                           " does not exist: is the vduse module loaded?"};
        return errno_error(std::string("cannot open ") + vduse_control_path);
    }
    std::uint64_t version = vduse::api_version;
    // The kernel answers with the version it speaks; 0 is what we know.
    if (ioctl(control.fd, vduse::set_api_version, &version) != 0)
        return errno_error("VDUSE_SET_API_VERSION 0");
    return {};
}

} // namespace

std::string vduse_device_path(const std::string &name) { return "/dev/vduse/" + name; }

bool vduse_exists(const std::string &name)
{
    return access(vduse_device_path(name).c_str(), F_OK) == 0;
}

DeviceError vduse_create(const VduseDeviceSpec &spec)
{
    if (spec.name.empty() || spec.name.size() >= vduse::name_max)
        return DeviceError{EINVAL, "a VDUSE device name has 1 to 255 bytes"};
    ControlFd control;
    if (auto e = open_control(control))
        return e;
    std::vector<std::byte> buffer(sizeof(vduse::DevConfig) + spec.config.size());
    vduse::DevConfig config{};
    std::memcpy(config.name, spec.name.data(), spec.name.size());
    config.device_id = spec.device_id;
    config.vendor_id = spec.vendor_id;
    config.features = spec.features;
    config.vq_num = spec.vq_num;
    config.vq_align = spec.vq_align;
    config.config_size = static_cast<std::uint32_t>(spec.config.size());
    std::memcpy(buffer.data(), &config, sizeof config);
    std::memcpy(buffer.data() + sizeof config, spec.config.data(), spec.config.size());
    if (ioctl(control.fd, vduse::create_dev, buffer.data()) != 0)
        return errno_error("VDUSE_CREATE_DEV " + spec.name);
    return {};
}

DeviceError vduse_destroy(const std::string &name)
{
    if (name.empty() || name.size() >= vduse::name_max)
        return DeviceError{EINVAL, "a VDUSE device name has 1 to 255 bytes"};
    ControlFd control;
    if (auto e = open_control(control))
        return e;
    char buffer[vduse::name_max] = {};
    std::memcpy(buffer, name.data(), name.size());
    if (ioctl(control.fd, vduse::destroy_dev, buffer) != 0)
        return errno_error("VDUSE_DESTROY_DEV " + name);
    return {};
}

} // namespace vdpa::device
