// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Who holds a vhost-vdpa character device open, found in /proc: never by
// opening the node, since opening it resets the device.
#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "bus_errors.hpp"
#include "holders.hpp"
#include "names.hpp"
#include "sysfs.hpp"

namespace vdpa {
namespace {

// The character device as descriptors and mappings show it.
struct Node {
    dev_t number = 0; // its major:minor
    // The node file in our /dev (filesystem, inode), when it is there.
    std::optional<std::pair<dev_t, ino_t>> file;
};

// Only what the holder sees as a device node is looked at: following a
// descriptor of a file on a dead NFS or FUSE mount can hang a stat().
bool is_device_path(const std::string& path)
{
    return path.rfind("/dev/", 0) == 0;
}

// The process exited while we looked.
bool gone(const Error& error)
{
    return error.errnum == ENOENT || error.errnum == ESRCH;
}

bool is_node(const std::string& path, dev_t number)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == number;
}

// Whether the process at `process` (its /proc directory) has a descriptor
// of the node.
Result<bool> holds_open(const std::string& process, const Node& node)
{
    auto fds = sysfs::read_directory(process + "/fd");
    if (!fds)
        return gone(fds.error()) ? Result<bool>(false) : Result<bool>(std::move(fds).error());
    for (const std::string& fd : *fds) {
        std::string link = process + "/fd/" + fd;
        auto target = sysfs::link_target(link);
        if (target && is_device_path(*target) && is_node(link, node.number))
            return true;
    }
    return false;
}

// Whether the process maps the node: a mapping keeps the file open after
// its descriptor is closed (QEMU maps the doorbells). A line of maps is
// "START-END PERMS OFFSET MAJOR:MINOR INODE PATH".
Result<bool> holds_mapped(const std::string& process, const Node& node)
{
    auto maps = sysfs::read(process + "/maps");
    if (!maps)
        return gone(maps.error()) ? Result<bool>(false) : Result<bool>(std::move(maps).error());
    std::istringstream lines(*maps);
    for (std::string line; std::getline(lines, line);) {
        char range[64];
        unsigned major = 0, minor = 0;
        unsigned long long inode = 0;
        int path_at = 0;
        if (std::sscanf(line.c_str(), "%63s %*s %*s %x:%x %llu %n", range, &major, &minor, &inode,
                        &path_at) != 4 ||
            path_at == 0 || !is_device_path(line.substr(static_cast<std::size_t>(path_at))))
            continue;
        if (node.file && node.file->first == makedev(major, minor) && node.file->second == inode)
            return true;
        // A node of its own (another /dev, in a container): the mapped file.
        if (is_node(process + "/map_files/" + range, node.number))
            return true;
    }
    return false;
}

} // namespace

Result<std::vector<Holder>> DeviceBus::holders(std::string_view device) const
{
    // Only vhost_vdpa makes a node to hold; asking the driver link first
    // keeps the common case (`dev del` of a device on another driver or
    // none) to two system calls, which batch mode pays once a line.
    if (auto valid = validate_existing_device_name(device); !valid)
        return std::move(valid).error();
    std::string dir = device_dir(device);
    if (!sysfs::link_target(dir))
        return bus_errors::no_such_device(device);
    std::vector<Holder> holders;
    if (sysfs::link_name(dir + "/driver") != bus_driver_name(BusDriver::vhost_vdpa))
        return holders;
    auto details = vhost_details(device);
    if (!details)
        return std::move(details).error();
    if (!details->vhost_number)
        return holders;
    Node node;
    node.number = makedev(details->vhost_number->major, details->vhost_number->minor);
    struct stat st;
    if (details->vhost_path && ::stat(details->vhost_path->c_str(), &st) == 0)
        node.file = {st.st_dev, st.st_ino};
    std::string node_path = details->vhost_path.value_or("its vhost device");

    auto pids = sysfs::read_directory(paths().proc);
    if (!pids)
        return Error::system(pids.error().errnum, "cannot tell whether a process holds " +
                                                           node_path + " open: cannot list " +
                                                           paths().proc);
    for (const std::string& pid : *pids) {
        if (pid.empty() || pid.size() > 9 || !std::all_of(pid.begin(), pid.end(), is_ascii_digit))
            continue;
        std::string process = paths().proc + "/" + pid;
        auto held = holds_open(process, node);
        if (held && !*held)
            held = holds_mapped(process, node);
        auto command = [&] { return sysfs::read(process + "/comm").value_or("?"); };
        // Not being allowed to look is not the same as nobody holding it.
        if (!held)
            return Error::system(held.error().errnum,
                                      "cannot tell whether a process holds " + node_path +
                                          " open: the open files of pid " + pid + " (" +
                                          printable(command()) + ") are not readable");
        if (*held)
            holders.push_back({std::stoi(pid), command()});
    }
    return holders;
}

Error in_use_error(std::string_view device, const std::optional<std::string>& node,
                   const std::vector<Holder>& holders)
{
    std::string who;
    for (const Holder& holder : holders)
        who += (who.empty() ? "" : ", ") + std::string("pid ") + std::to_string(holder.pid) + " (" +
               printable(holder.command) + ")";
    return Error::make(ErrorKind::in_use, EBUSY,
                       "device " + quoted(device) + " is in use: " +
                           node.value_or("its vhost device") + " is held open by " + who);
}

Result<void> DeviceBus::check_not_in_use(std::string_view device) const
{
    auto holders = this->holders(device);
    if (!holders)
        return std::move(holders).error();
    if (holders->empty())
        return {};
    auto details = vhost_details(device);
    return in_use_error(device, details ? details->vhost_path : std::nullopt, *holders);
}

} // namespace vdpa
