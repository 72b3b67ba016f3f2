// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/bus.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <thread>

#include <vdpa/client.hpp>

#include "bus_errors.hpp"
#include "bus_impl.hpp"
#include "names.hpp"
#include "sysfs.hpp"
#include "virtio_devices.hpp"

namespace vdpa {
namespace {

std::optional<DeviceNumber> parse_device_number(const std::string& text)
{
    unsigned major = 0, minor = 0;
    char extra;
    if (std::sscanf(text.c_str(), "%u:%u%c", &major, &minor, &extra) != 2)
        return std::nullopt;
    return DeviceNumber{major, minor};
}

// The first entry of a class directory ("net/eth0", "block/vda").
std::optional<std::string> only_entry(const std::string& directory)
{
    auto names = sysfs::list(directory);
    if (names.empty())
        return std::nullopt;
    return names.front();
}

// What sysfs says a virtio device is: its virtio device id ("0x0001").
std::optional<DeviceClass> virtio_device_class(const std::string& virtio_dir)
{
    auto text = sysfs::read(virtio_dir + "/device");
    unsigned id = 0;
    char extra;
    if (!text || std::sscanf(text->c_str(), "%x%c", &id, &extra) != 1)
        return std::nullopt;
    return static_cast<DeviceClass>(id);
}

// Every sysfs write of the bus, followed by what a test's kernel does.
Result<void> write_attribute(const DeviceBus::Impl& impl, const std::string& path,
                             const std::string& text)
{
    auto written = sysfs::write(path, text);
    if (written && impl.after_write)
        impl.after_write(path, text);
    return written;
}

// After a probe to virtio_vdpa: the virtio device that appeared since
// `before` under the vDPA device `name` (at `real`) or one of its
// ancestors is the device's, even on a shared parent; `impl` remembers it.
// Ambiguous when several appeared on a shared parent at once.
Result<void> claim_new_virtio_device(DeviceBus::Impl& impl, const std::string& name,
                                     const std::vector<virtio::Entry>& before,
                                     const std::string& real)
{
    if (impl.bound_virtio.count(name))
        return {};
    auto found =
        virtio::appeared(before, virtio::list_devices(impl.paths.sysfs), impl.paths.sysfs, real);
    // One under the device itself is its own, whatever else appeared.
    if (auto own = std::find_if(found.begin(), found.end(),
                                [&](const virtio::Entry& entry) { return entry.parent() == real; });
        own != found.end())
        found = {*own};
    if (found.size() == 1)
        impl.bound_virtio[name] = found[0];
    if (found.size() <= 1)
        return {};
    std::string names;
    for (const virtio::Entry& entry : found)
        names += (names.empty() ? "" : ", ") + entry.name;
    return bus_errors::ambiguous("several virtio devices appeared on " + found[0].parent() +
                                 " at once (" + names + "): which is device " + quoted(name) +
                                 "'s cannot be told apart");
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

DeviceBus::DeviceBus(HostPaths paths)
    : impl_(std::make_unique<Impl>(Impl{std::move(paths), {}, {}}))
{
}

DeviceBus make_bus(HostPaths paths, SysfsWriteHook after_write)
{
    DeviceBus bus(std::move(paths));
    bus.impl_->after_write = std::move(after_write);
    return bus;
}
DeviceBus::DeviceBus(const DeviceBus& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
DeviceBus& DeviceBus::operator=(const DeviceBus& other)
{
    if (this != &other)
        impl_ = std::make_unique<Impl>(*other.impl_);
    return *this;
}
DeviceBus::DeviceBus(DeviceBus&&) noexcept = default;
DeviceBus& DeviceBus::operator=(DeviceBus&&) noexcept = default;
DeviceBus::~DeviceBus() = default;

const HostPaths& DeviceBus::paths() const
{
    return impl_->paths;
}

std::string DeviceBus::device_dir(std::string_view device) const
{
    return impl_->paths.sysfs + "/bus/vdpa/devices/" + std::string(device);
}

std::optional<std::string> DeviceBus::recorded_virtio(std::string_view device) const
{
    auto recorded = impl_->bound_virtio.find(device);
    if (recorded == impl_->bound_virtio.end())
        return std::nullopt;
    if (!virtio::still_there(impl_->paths.sysfs, recorded->second))
        return std::nullopt;
    return recorded->second.name;
}

Result<DeviceDetails> DeviceBus::details(std::string_view device) const
{
    return look(device, nullptr);
}

Result<std::string> DeviceBus::real_dir(std::string_view device) const
{
    if (auto valid = validate_existing_device_name(device); !valid)
        return std::move(valid).error();
    auto real = sysfs::real_path(device_dir(device));
    if (!real)
        return bus_errors::no_such_device(device);
    return *real;
}

void DeviceBus::find_vhost_node(const std::string& real_dir, DeviceDetails& details) const
{
    for (const std::string& name : sysfs::list(real_dir)) {
        if (name.rfind("vhost-vdpa-", 0) != 0)
            continue;
        details.vhost_device = name;
        details.vhost_path = impl_->paths.dev + "/" + name;
        if (auto number = sysfs::read(real_dir + "/" + name + "/dev"))
            details.vhost_number = parse_device_number(*number);
    }
}

Result<DeviceDetails> DeviceBus::vhost_details(std::string_view device) const
{
    auto real = real_dir(device);
    if (!real)
        return std::move(real).error();
    DeviceDetails details;
    find_vhost_node(*real, details);
    return details;
}

Result<DeviceDetails> DeviceBus::look(std::string_view device,
                                      std::optional<std::string>* shared_parent) const
{
    auto real = real_dir(device);
    if (!real)
        return std::move(real).error();
    std::string dir = device_dir(device);

    DeviceDetails details;
    details.driver = sysfs::link_name(dir + "/driver");
    if (auto override = sysfs::read(dir + "/driver_override");
        override && !override->empty() && *override != "(null)")
        details.driver_override = *override;
    find_vhost_node(*real, details);
    if (details.driver == bus_driver_name(BusDriver::virtio_vdpa)) {
        virtio::Lookup lookup = virtio::find(impl_->paths.sysfs, *real);
        details.virtio_device = lookup.name;
        if (!details.virtio_device)
            details.virtio_device = recorded_virtio(device);
        if (!details.virtio_device && shared_parent)
            *shared_parent = lookup.shared_parent;
        if (details.virtio_device) {
            std::string virtio = impl_->paths.sysfs + "/bus/virtio/devices/" + *details.virtio_device;
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
                          ? impl_->paths.sysfs + "/devices/" + handle.name
                          : impl_->paths.sysfs + "/bus/" + handle.bus + "/devices/" + handle.name;
    if (!sysfs::real_path(dir))
        return bus_errors::not_found("there is no management device " +
                                     quoted(handle.to_string()) + " in sysfs");
    return MgmtDevDetails{sysfs::link_name(dir + "/driver")};
}

Result<void> DeviceBus::require_driver(BusDriver driver) const
{
    if (driver == BusDriver::none)
        return {};
    std::string name(bus_driver_name(driver));
    if (sysfs::is_directory(impl_->paths.sysfs + "/bus/vdpa/drivers/" + name))
        return {};
    return bus_errors::not_found("the " + name + " driver is not loaded: load its module (modprobe " +
                                 name + ")");
}

Result<DeviceDetails> DeviceBus::checked_details(std::string_view device, BusDriver driver,
                                                 const BindOptions& options) const
{
    auto details = this->details(device);
    if (!details)
        return details;
    if (auto loaded = require_driver(driver); !loaded)
        return std::move(loaded).error();
    // Unbinding from vhost_vdpa waits until every holder closes the node.
    if (details->driver == bus_driver_name(BusDriver::vhost_vdpa) && driver != BusDriver::vhost_vdpa &&
        !options.force)
        if (auto free = check_not_in_use(device); !free)
            return std::move(free).error();
    return details;
}

Result<void> DeviceBus::check_bind(std::string_view device, BusDriver driver,
                                   const BindOptions& options) const
{
    auto checked = checked_details(device, driver, options);
    if (!checked)
        return std::move(checked).error();
    return {};
}

Result<DeviceDetails> DeviceBus::wait_ready(std::string_view device, BusDriver driver,
                                            std::chrono::milliseconds timeout) const
{
    return wait(device, driver, timeout, Unnamed::ambiguous, nullptr);
}

Result<DeviceDetails> DeviceBus::wait(std::string_view device, BusDriver driver,
                                      std::chrono::milliseconds timeout, Unnamed unnamed,
                                      const std::function<Result<void>()>& before_each) const
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string waiting_for;
    for (;;) {
        if (before_each)
            if (auto looked = before_each(); !looked)
                return std::move(looked).error();
        std::optional<std::string> shared_parent;
        auto details = look(device, &shared_parent);
        if (!details)
            return details;
        switch (driver) {
        case BusDriver::none:
            return details;
        case BusDriver::vhost_vdpa:
            if (details->vhost_path && sysfs::exists(*details->vhost_path))
                return details;
            waiting_for = "its /dev/vhost-vdpa-N node";
            break;
        case BusDriver::virtio_vdpa:
            if (details->virtio_device) {
                std::string virtio =
                    impl_->paths.sysfs + "/bus/virtio/devices/" + *details->virtio_device;
                // The virtio device id says whether a netdev or a disk is due.
                auto id = virtio_device_class(virtio);
                bool net = id == DeviceClass::net, block = id == DeviceClass::block;
                if ((!net || details->netdev) && (!block || details->disk))
                    return details;
                waiting_for = net ? "its network interface" : "its disk";
            } else if (shared_parent && unnamed == Unnamed::ready) {
                return details;
            } else if (shared_parent && unnamed == Unnamed::ambiguous) {
                return bus_errors::ambiguous(
                    "the virtio device of device " + quoted(device) +
                    " cannot be told apart from the other devices' on " + *shared_parent +
                    ": sysfs does not link them, so there is nothing to wait for");
            } else {
                waiting_for = "its virtio device";
            }
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return bus_errors::timeout("device " + quoted(device) + " is bound to " +
                                       std::string(bus_driver_name(driver)) + ", but " +
                                       waiting_for + " did not appear within " +
                                       std::to_string(timeout.count()) + " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

Result<DeviceDetails> DeviceBus::bind(std::string_view device, BusDriver driver,
                                      const BindOptions& options)
{
    auto details = checked_details(device, driver, options);
    if (!details)
        return details;

    std::string name(device);
    std::string dir = device_dir(device);
    std::string target(bus_driver_name(driver));
    std::optional<std::string> current = details->driver;
    // Unbound is not yet pinned unbound: that takes the "none" override.
    if (current.value_or("none") == target &&
        (driver != BusDriver::none || details->driver_override == target))
        return wait(device, driver, options.timeout, Unnamed::ready, nullptr);
    impl_->bound_virtio.erase(name);

    std::string vdpa = impl_->paths.sysfs + "/bus/vdpa";
    auto restore = [&](Error error) -> Error {
        // Put back what was there, so a failed move leaves no trace. The
        // error worth reporting is the first one, not these. The override
        // goes first: it decides which driver may bind.
        static_cast<void>(write_attribute(*impl_, dir + "/driver_override",
                                          details->driver_override.value_or("\n")));
        if (current && sysfs::link_name(dir + "/driver") != current)
            static_cast<void>(
                write_attribute(*impl_, vdpa + "/drivers/" + *current + "/bind", name));
        return error;
    };

    if (current)
        if (auto unbound = write_attribute(*impl_, vdpa + "/drivers/" + *current + "/unbind", name);
            !unbound)
            return std::move(unbound).error();
    // The override decides what the probe binds; "none" names no driver,
    // so it keeps the device unbound even if drivers are probed later.
    if (auto written = write_attribute(*impl_, dir + "/driver_override", target); !written)
        return restore(std::move(written).error());
    if (driver == BusDriver::none)
        return this->details(device);

    // The virtio devices before the probe: the one that appears under
    // the device or an ancestor is the device's, even on a shared parent.
    std::vector<virtio::Entry> before;
    if (driver == BusDriver::virtio_vdpa)
        before = virtio::list_devices(impl_->paths.sysfs);
    auto real = sysfs::real_path(dir).value_or(dir);

    if (auto probed = write_attribute(*impl_, vdpa + "/drivers_probe", name); !probed)
        return restore(std::move(probed).error());
    if (sysfs::link_name(dir + "/driver") != target)
        return restore(Error::system(ENODEV, "the " + target +
                                                      " driver did not bind device " + quoted(name)));

    // From here on the device is bound; errors say it stays so.
    std::function<Result<void>()> identify;
    if (driver == BusDriver::virtio_vdpa)
        identify = [&] { return claim_new_virtio_device(*impl_, name, before, real); };
    auto ready = wait(device, driver, options.timeout, Unnamed::wait, identify);
    if (!ready && (ready.error().kind == ErrorKind::timeout ||
                   ready.error().kind == ErrorKind::ambiguous)) {
        Error error = std::move(ready).error();
        error.message += "; the device stays bound to " + target;
        return error;
    }
    return ready;
}

} // namespace vdpa
