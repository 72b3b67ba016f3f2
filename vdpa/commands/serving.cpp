// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands/serving.hpp"

#include <climits>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace vdpa::cli {
namespace {

bool is_directory(const char* path)
{
    struct stat st {};
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool runs_from_build_tree()
{
    char self[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    const std::string build_root = VDPA_BUILD_ROOT "/";
    return length > 0 &&
           std::string(self, static_cast<std::size_t>(length)).rfind(build_root, 0) == 0;
}

// systemctl where Debian and others put it; none: not under systemd.
std::string systemctl_path()
{
    for (const char* path : {"/usr/bin/systemctl", "/bin/systemctl"})
        if (access(path, X_OK) == 0)
            return path;
    return {};
}

} // namespace

vdpa::device::ServingSetup serving_setup()
{
    vdpa::device::ServingSetup setup;
    const bool built = runs_from_build_tree();
    setup.blk_server_exe = built ? VDPA_BLK_SERVER_BUILT : VDPA_BLK_SERVER_INSTALLED;
    setup.net_server_exe = built ? VDPA_NET_SERVER_BUILT : VDPA_NET_SERVER_INSTALLED;
    if (!built && is_directory("/run/systemd/system")) {
        setup.systemctl = systemctl_path();
        if (!setup.systemctl.empty())
            setup.supervision = vdpa::device::Supervision::systemd;
    }
    return setup;
}

} // namespace vdpa::cli
