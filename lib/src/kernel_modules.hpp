// SPDX-License-Identifier: LGPL-2.1-or-later
// Whether the running kernel has a given module at all, loaded or not, as
// its module index says (/lib/modules/RELEASE/modules.dep and
// modules.builtin): what tells "the vdpa module is not loaded" from "this
// kernel was built without CONFIG_VDPA".
#pragma once

#include <optional>
#include <string>

#include <vdpa/paths.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

enum class ModulePresence {
    unknown,  // no readable module index for the running kernel
    absent,   // the index lists no such module, built in or loadable
    present,
};

// The running kernel's release (uname -r), or "" if it cannot be read.
std::string running_kernel_release();

// Whether the module NAME (as in "vdpa" for vdpa.ko) exists for kernel
// RELEASE in the index under MODULES_ROOT.
ModulePresence kernel_module_presence(const std::string& modules_root, const std::string& release,
                                      const std::string& name);

// ErrorKind::family_missing saying that the running kernel (RELEASE) has
// no vDPA support at all, when its module index under PATHS.modules lists
// no vdpa module, built in or loadable, and sysfs has no vdpa bus; nullopt
// when it has one, or when the index cannot be read (the module may exist:
// nothing is claimed). Every command meets this first, the netlink ones
// and the monitor alike, so all say the same thing.
std::optional<Error> kernel_without_vdpa(const HostPaths& paths, const std::string& release);

} // namespace vdpa
