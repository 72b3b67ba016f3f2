// SPDX-License-Identifier: LGPL-2.1-or-later
#include "virtio_devices.hpp"

#include <algorithm>
#include <sys/stat.h>

#include "sysfs.hpp"

namespace vdpa::virtio {
namespace {

bool starts_with(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

std::string parent_of(const std::string& path)
{
    return path.substr(0, path.rfind('/'));
}

std::optional<Entry> entry(const std::string& sysfs, const std::string& name)
{
    std::string link = sysfs + "/bus/virtio/devices/" + name;
    auto real = sysfs::real_path(link);
    struct stat st;
    if (!real || ::stat(real->c_str(), &st) != 0)
        return std::nullopt;
    return Entry{name, *real, static_cast<std::uint64_t>(st.st_ino)};
}

// Where devices live, canonical, as the real paths are.
std::string devices_root(const std::string& sysfs)
{
    return sysfs::real_path(sysfs + "/devices").value_or(sysfs + "/devices");
}

// Whether `parent` is `vdpa_dir` or one of its ancestors below the root.
bool holds(const std::string& root, const std::string& parent, const std::string& vdpa_dir)
{
    return parent.size() > root.size() && starts_with(parent, root + "/") &&
           (parent == vdpa_dir || starts_with(vdpa_dir, parent + "/"));
}

} // namespace

std::string Entry::parent() const
{
    return parent_of(real_path);
}

std::vector<Entry> list_devices(const std::string& sysfs)
{
    std::vector<Entry> entries;
    for (const std::string& name : sysfs::list(sysfs + "/bus/virtio/devices"))
        if (auto found = entry(sysfs, name))
            entries.push_back(std::move(*found));
    return entries;
}

bool still_there(const std::string& sysfs, const Entry& known)
{
    return entry(sysfs, known.name) == known;
}

Lookup find(const std::string& sysfs, const std::string& vdpa_dir)
{
    // Parented to the vDPA device itself: exact.
    for (const std::string& name : sysfs::list(vdpa_dir))
        if (starts_with(name, "virtio") && sysfs::exists(vdpa_dir + "/" + name + "/subsystem"))
            return {name, std::nullopt};

    // Parented to an ancestor: exact only when that ancestor holds one
    // virtio device and one vDPA device bound to virtio_vdpa.
    std::vector<Entry> virtio = list_devices(sysfs);
    std::string root = devices_root(sysfs);
    for (std::string ancestor = parent_of(vdpa_dir); holds(root, ancestor, vdpa_dir);
         ancestor = parent_of(ancestor)) {
        std::vector<std::string> here;
        for (const Entry& device : virtio)
            if (device.parent() == ancestor)
                here.push_back(device.name);
        if (here.empty())
            continue;
        int vdpa_on_virtio = 0;
        std::string drivers = sysfs + "/bus/vdpa/drivers/virtio_vdpa";
        for (const std::string& name : sysfs::list(drivers))
            if (auto real = sysfs::real_path(drivers + "/" + name);
                real && starts_with(*real, ancestor + "/"))
                ++vdpa_on_virtio;
        if (here.size() == 1 && vdpa_on_virtio == 1)
            return {here.front(), std::nullopt};
        return {std::nullopt, ancestor};
    }
    return {};
}

std::vector<Entry> appeared(const std::vector<Entry>& before, const std::vector<Entry>& after,
                            const std::string& sysfs, const std::string& vdpa_dir)
{
    std::string root = devices_root(sysfs);
    std::vector<Entry> found;
    for (const Entry& device : after)
        if (std::find(before.begin(), before.end(), device) == before.end() &&
            holds(root, device.parent(), vdpa_dir))
            found.push_back(device);
    return found;
}

} // namespace vdpa::virtio
