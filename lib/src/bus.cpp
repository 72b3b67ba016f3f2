// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/bus.hpp>

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>

#include <vdpa/client.hpp>

#include "sysfs.hpp"

namespace vdpa {
namespace {

bool starts_with(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

std::string parent_of(const std::string& path)
{
    return path.substr(0, path.rfind('/'));
}

std::optional<DeviceNumber> parse_device_number(const std::string& text)
{
    unsigned major = 0, minor = 0;
    char extra;
    if (std::sscanf(text.c_str(), "%u:%u%c", &major, &minor, &extra) != 2)
        return std::nullopt;
    return DeviceNumber{major, minor};
}

Error not_found(std::string message)
{
    return Error::make(ErrorKind::not_found, ENOENT, std::move(message));
}

// The first entry of a class directory ("net/eth0", "block/vda").
std::optional<std::string> only_entry(const std::string& directory)
{
    auto names = sysfs::list(directory);
    if (names.empty())
        return std::nullopt;
    return names.front();
}

} // namespace

std::string_view bus_driver_name(BusDriver driver)
{
    switch (driver) {
    case BusDriver::virtio_vdpa:
        return "virtio_vdpa";
    case BusDriver::vhost_vdpa:
        return "vhost_vdpa";
    case BusDriver::none:
        break;
    }
    return "none";
}

std::optional<BusDriver> parse_bus_driver(std::string_view name)
{
    for (BusDriver driver : {BusDriver::none, BusDriver::virtio_vdpa, BusDriver::vhost_vdpa})
        if (bus_driver_name(driver) == name)
            return driver;
    return std::nullopt;
}

std::string DeviceNumber::to_string() const
{
    return std::to_string(major) + ":" + std::to_string(minor);
}

DeviceBus::DeviceBus(BusPaths paths) : paths_(std::move(paths)) {}

std::string DeviceBus::device_dir(std::string_view device) const
{
    return paths_.sysfs + "/bus/vdpa/devices/" + std::string(device);
}

namespace {

// The virtio device virtio_vdpa made of a vDPA device. virtio_vdpa parents
// it to the device's DMA device: the vDPA device itself for the simulators
// and VDUSE (exact), the PCI function for hardware. There it may sit
// beside the virtio devices of other vDPA devices on the same parent, and
// nothing in sysfs says which is whose; it is named only when the parent
// holds exactly one virtio device and exactly one vDPA device bound to
// virtio_vdpa. Never a guess.
std::optional<std::string> find_virtio_device(const BusPaths& paths, const std::string& real_dir)
{
    for (const std::string& name : sysfs::list(real_dir))
        if (starts_with(name, "virtio") && sysfs::exists(real_dir + "/" + name + "/subsystem"))
            return name;

    std::vector<std::pair<std::string, std::string>> virtio; // name, parent directory
    for (const std::string& name : sysfs::list(paths.sysfs + "/bus/virtio/devices"))
        if (auto real = sysfs::real_path(paths.sysfs + "/bus/virtio/devices/" + name))
            virtio.push_back({name, parent_of(*real)});
    std::string devices_root = paths.sysfs + "/devices";
    for (std::string ancestor = parent_of(real_dir);
         ancestor.size() > devices_root.size() && starts_with(ancestor, devices_root);
         ancestor = parent_of(ancestor)) {
        std::vector<std::string> here;
        for (const auto& [name, parent] : virtio)
            if (parent == ancestor)
                here.push_back(name);
        if (here.empty())
            continue;
        int vdpa_on_virtio = 0;
        std::string drivers = paths.sysfs + "/bus/vdpa/drivers/virtio_vdpa";
        for (const std::string& name : sysfs::list(drivers))
            if (auto real = sysfs::real_path(drivers + "/" + name);
                real && starts_with(*real, ancestor + "/"))
                ++vdpa_on_virtio;
        if (here.size() == 1 && vdpa_on_virtio == 1)
            return here.front();
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

Result<DeviceDetails> DeviceBus::details(std::string_view device) const
{
    if (auto valid = validate_device_name(device); !valid)
        return std::move(valid).error();
    std::string dir = device_dir(device);
    auto real = sysfs::real_path(dir);
    if (!real)
        return not_found("there is no vDPA device \"" + std::string(device) + "\"");

    DeviceDetails details;
    details.driver = sysfs::link_name(dir + "/driver");
    if (auto override = sysfs::read(dir + "/driver_override");
        override && !override->empty() && *override != "(null)")
        details.driver_override = *override;
    for (const std::string& name : sysfs::list(*real)) {
        if (!starts_with(name, "vhost-vdpa-"))
            continue;
        details.vhost_device = name;
        details.vhost_path = paths_.dev + "/" + name;
        if (auto number = sysfs::read(*real + "/" + name + "/dev"))
            details.vhost_number = parse_device_number(*number);
    }
    if (details.driver == "virtio_vdpa") {
        details.virtio_device = find_virtio_device(paths_, *real);
        if (details.virtio_device) {
            std::string virtio = paths_.sysfs + "/bus/virtio/devices/" + *details.virtio_device;
            details.netdev = only_entry(virtio + "/net");
            details.disk = only_entry(virtio + "/block");
        }
    }
    return details;
}

Result<MgmtDevDetails> DeviceBus::mgmtdev_details(const MgmtDevHandle& handle) const
{
    if (auto valid = validate_mgmtdev_handle(handle); !valid)
        return std::move(valid).error();
    // Bus-less parents (the simulators) are top-level devices.
    std::string dir = handle.bus.empty()
                          ? paths_.sysfs + "/devices/" + handle.name
                          : paths_.sysfs + "/bus/" + handle.bus + "/devices/" + handle.name;
    auto real = sysfs::real_path(dir);
    if (!real)
        return not_found("there is no management device \"" + handle.to_string() + "\" in sysfs");
    return MgmtDevDetails{sysfs::link_name(dir + "/driver"), *real};
}

Result<std::vector<Holder>> DeviceBus::holders(std::string_view device) const
{
    auto details = this->details(device);
    if (!details)
        return std::move(details).error();
    std::vector<Holder> holders;
    if (!details->vhost_number)
        return holders;
    dev_t wanted = makedev(details->vhost_number->major, details->vhost_number->minor);
    for (const std::string& pid : sysfs::list(paths_.proc)) {
        if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit))
            continue;
        std::string fds = paths_.proc + "/" + pid + "/fd";
        for (const std::string& fd : sysfs::list(fds)) {
            struct stat st;
            if (::stat((fds + "/" + fd).c_str(), &st) == 0 && S_ISCHR(st.st_mode) &&
                st.st_rdev == wanted) {
                holders.push_back(
                    {std::stoi(pid), sysfs::read(paths_.proc + "/" + pid + "/comm").value_or("?")});
                break;
            }
        }
    }
    return holders;
}

Result<void> DeviceBus::check_not_in_use(std::string_view device) const
{
    auto holders = this->holders(device);
    if (!holders)
        return std::move(holders).error();
    if (holders->empty())
        return {};
    std::string who;
    for (const Holder& holder : *holders)
        who += (who.empty() ? "" : ", ") + std::string("pid ") + std::to_string(holder.pid) + " (" +
               holder.command + ")";
    auto details = this->details(device);
    std::string node = details && details->vhost_path ? *details->vhost_path : "its vhost device";
    return Error::make(ErrorKind::in_use, EBUSY,
                       "device \"" + std::string(device) + "\" is in use: " + node +
                           " is held open by " + who);
}

Result<void> DeviceBus::require_driver(BusDriver driver) const
{
    if (driver == BusDriver::none)
        return {};
    std::string name(bus_driver_name(driver));
    if (sysfs::is_directory(paths_.sysfs + "/bus/vdpa/drivers/" + name))
        return {};
    return not_found("the " + name + " driver is not loaded: load its module (modprobe " + name +
                     ")");
}

Result<void> DeviceBus::wait_ready(std::string_view device, BusDriver driver,
                                   std::chrono::milliseconds timeout) const
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string waiting_for;
    for (;;) {
        auto details = this->details(device);
        if (!details)
            return std::move(details).error();
        switch (driver) {
        case BusDriver::none:
            return {};
        case BusDriver::vhost_vdpa:
            if (details->vhost_path && sysfs::exists(*details->vhost_path))
                return {};
            waiting_for = "its /dev/vhost-vdpa-N node";
            break;
        case BusDriver::virtio_vdpa:
            if (details->virtio_device) {
                std::string virtio =
                    paths_.sysfs + "/bus/virtio/devices/" + *details->virtio_device;
                // The virtio device id says whether a netdev or a disk is due.
                auto id = sysfs::read(virtio + "/device").value_or("");
                bool net = id == "0x0001", block = id == "0x0002";
                if ((!net || details->netdev) && (!block || details->disk))
                    return {};
                waiting_for = net ? "its network interface" : "its disk";
            } else {
                waiting_for = "its virtio device";
            }
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return Error::make(ErrorKind::timeout, ETIMEDOUT,
                               "device \"" + std::string(device) + "\" is bound to " +
                                   std::string(bus_driver_name(driver)) + " but " + waiting_for +
                                   " did not appear within " + std::to_string(timeout.count()) +
                                   " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

Result<void> DeviceBus::bind(std::string_view device, BusDriver driver,
                             const BindOptions& options) const
{
    auto details = this->details(device);
    if (!details)
        return std::move(details).error();
    if (auto loaded = require_driver(driver); !loaded)
        return loaded;

    std::string name(device);
    std::string dir = device_dir(device);
    std::string target(bus_driver_name(driver));
    std::optional<std::string> current = details->driver;
    if (current.value_or("none") == target)
        return wait_ready(device, driver, options.timeout);

    // Unbinding from vhost_vdpa waits until every holder closes the node.
    if (current == "vhost_vdpa" && !options.force)
        if (auto free = check_not_in_use(device); !free)
            return free;

    std::string vdpa = paths_.sysfs + "/bus/vdpa";
    auto restore = [&](Error error) -> Error {
        // Put back what was there, so a failed move leaves no trace. The
        // error worth reporting is the first one, not these.
        static_cast<void>(
            sysfs::write(dir + "/driver_override", details->driver_override.value_or("\n")));
        if (current && !sysfs::link_name(dir + "/driver"))
            static_cast<void>(sysfs::write(vdpa + "/drivers/" + *current + "/bind", name));
        return error;
    };

    if (current)
        if (auto unbound = sysfs::write(vdpa + "/drivers/" + *current + "/unbind", name); !unbound)
            return std::move(unbound).error();
    // The override decides what the probe binds; "none" names no driver,
    // so it keeps the device unbound even if drivers are probed later.
    if (auto written = sysfs::write(dir + "/driver_override", target); !written)
        return restore(std::move(written).error());
    if (driver == BusDriver::none)
        return {};
    if (auto probed = sysfs::write(vdpa + "/drivers_probe", name); !probed)
        return restore(std::move(probed).error());
    if (sysfs::link_name(dir + "/driver") != target)
        return restore(
            Error::make(ErrorKind::system, ENODEV,
                        "the " + target + " driver did not bind device \"" + name + "\""));
    return wait_ready(device, driver, options.timeout);
}

} // namespace vdpa
