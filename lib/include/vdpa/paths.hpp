// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Where a host's vDPA subsystem shows itself in the file system. One set
// for everything libvdpa reads or writes there (the bus in sysfs, the
// vhost nodes in /dev, the holders in /proc, the kernel's module index
// in /lib/modules); tests point it at a recorded or made-up tree.
#pragma once

#include <string>

#include <vdpa/export.hpp>

namespace vdpa {

struct VDPA_EXPORT HostPaths {
    std::string sysfs = "/sys";
    std::string dev = "/dev";
    std::string proc = "/proc";
    // RELEASE/modules.dep and modules.builtin: whether the running kernel
    // has a vdpa module at all, which tells "not loaded" from "built
    // without CONFIG_VDPA".
    std::string modules = "/lib/modules";
};

} // namespace vdpa
