// SPDX-License-Identifier: LGPL-2.1-or-later
#include "kernel_modules.hpp"

#include <cerrno>

#include <fstream>
#include <string_view>
#include <sys/utsname.h>

#include "sysfs.hpp"

namespace vdpa {
namespace {

// Whether PATH (a module's path in the index, "kernel/drivers/vdpa/vdpa.ko.xz")
// is module NAME's file, compressed or not.
bool names_module(std::string_view path, const std::string& name)
{
    auto slash = path.rfind('/');
    std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
    std::string plain = name + ".ko";
    return file == plain || (file.size() > plain.size() && file.substr(0, plain.size()) == plain &&
                             file[plain.size()] == '.');
}

// modules.dep: "PATH: DEPENDENCIES"; modules.builtin: "PATH". Unreadable
// when the file cannot be read.
enum class Listed { unreadable, no, yes };
Listed lists_module(const std::string& index, const std::string& name)
{
    std::ifstream in(index);
    if (!in)
        return Listed::unreadable;
    std::string line;
    while (std::getline(in, line)) {
        std::string_view path(line);
        path = path.substr(0, path.find(':'));
        if (names_module(path, name))
            return Listed::yes;
    }
    return Listed::no;
}

} // namespace

std::string running_kernel_release()
{
    struct utsname names;
    if (::uname(&names) != 0)
        return {};
    return names.release;
}

ModulePresence kernel_module_presence(const std::string& modules_root, const std::string& release,
                                      const std::string& name)
{
    if (release.empty())
        return ModulePresence::unknown;
    std::string directory = modules_root + "/" + release + "/";
    Listed loadable = lists_module(directory + "modules.dep", name);
    Listed builtin = lists_module(directory + "modules.builtin", name);
    if (loadable == Listed::yes || builtin == Listed::yes)
        return ModulePresence::present;
    // Both files are written together (depmod, the kernel's install); one
    // missing is an index that cannot be trusted.
    if (loadable == Listed::unreadable || builtin == Listed::unreadable)
        return ModulePresence::unknown;
    return ModulePresence::absent;
}

std::optional<Error> kernel_without_vdpa(const HostPaths& paths, const std::string& release)
{
    // A bus means the module is there, whatever the index says (a kernel
    // booted without its /lib/modules).
    if (sysfs::is_directory(paths.sysfs + "/bus/vdpa"))
        return std::nullopt;
    if (kernel_module_presence(paths.modules, release, "vdpa") != ModulePresence::absent)
        return std::nullopt;
    return Error::make(ErrorKind::family_missing, ENOENT,
                       "the kernel has no vDPA support: Linux " + release +
                           " has no vdpa module, built in or loadable (it was built without "
                           "CONFIG_VDPA): use a kernel built with CONFIG_VDPA");
}

} // namespace vdpa
