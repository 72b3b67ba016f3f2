// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The vdpa bus as sysfs shows it: which bus driver a device is bound to,
// what that driver made of it (a /dev/vhost-vdpa-N character device, or a
// virtio device with its network interface or disk), who holds it open,
// and moving it between drivers. Netlink knows none of this.
//
// Every name given here is validated before it becomes part of a path
// (validate_device_name); the only files ever written are the vdpa bus's
// own binding files: drivers/*/bind, drivers/*/unbind, drivers_probe and
// devices/*/driver_override under /sys/bus/vdpa.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/export.hpp>
#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

// The vdpa bus drivers a device can be bound to, or none.
enum class BusDriver { none, virtio_vdpa, vhost_vdpa };

VDPA_EXPORT std::string_view bus_driver_name(BusDriver driver);
VDPA_EXPORT std::optional<BusDriver> parse_bus_driver(std::string_view name);

struct VDPA_EXPORT DeviceNumber {
    unsigned major = 0;
    unsigned minor = 0;
    std::string to_string() const; // "511:0"
    bool operator==(const DeviceNumber&) const = default;
};

struct VDPA_EXPORT DeviceDetails {
    std::optional<std::string> driver;          // the bound bus driver, if any
    std::optional<std::string> driver_override; // if set
    // vhost_vdpa: the character device ("vhost-vdpa-0"), its node and number.
    std::optional<std::string> vhost_device;
    std::optional<std::string> vhost_path;
    std::optional<DeviceNumber> vhost_number;
    // virtio_vdpa: the virtio device ("virtio2") and what its driver made.
    std::optional<std::string> virtio_device;
    std::optional<std::string> netdev; // network interface, for net devices
    std::optional<std::string> disk;   // block disk, for block devices
};

struct VDPA_EXPORT MgmtDevDetails {
    std::optional<std::string> driver; // the parent device's own driver
    std::string sysfs_path;            // where the parent device lives in sysfs
};

// A process holding a vhost-vdpa character device open.
struct VDPA_EXPORT Holder {
    int pid = 0;
    std::string command; // from /proc/PID/comm
};

struct VDPA_EXPORT BusPaths {
    std::string sysfs = "/sys";
    std::string dev = "/dev";
    std::string proc = "/proc";
};

struct VDPA_EXPORT BindOptions {
    // Unbind from vhost_vdpa even when a process holds the device open.
    // The kernel then waits for that process to close it.
    bool force = false;
    // How long to wait for the bound driver's device to appear.
    std::chrono::milliseconds timeout{10000};
};

class VDPA_EXPORT DeviceBus {
public:
    explicit DeviceBus(BusPaths paths = {});

    const BusPaths& paths() const { return paths_; }

    // What sysfs shows about a device. ErrorKind::not_found when there is
    // no such vDPA device; ErrorKind::invalid_argument for a bad name.
    Result<DeviceDetails> details(std::string_view device) const;

    // Where the management device lives and its driver. not_found when
    // sysfs has no such device.
    Result<MgmtDevDetails> mgmtdev_details(const MgmtDevHandle& handle) const;

    // Processes holding the device's /dev/vhost-vdpa-N open (none unless
    // it is bound to vhost_vdpa). Found by scanning /proc/*/fd; the device
    // node itself is never opened, because opening it resets the device.
    Result<std::vector<Holder>> holders(std::string_view device) const;

    // Fails with ErrorKind::in_use, naming the holders, if any.
    Result<void> check_not_in_use(std::string_view device) const;

    // ErrorKind::not_found naming the module when the driver is not loaded.
    Result<void> require_driver(BusDriver driver) const;

    // Moves the device to `driver`: unbind from the current one, set
    // driver_override, probe, verify the driver link, wait until the
    // driver's device exists. On failure the previous override is put back
    // and the previous driver rebound. BusDriver::none unbinds and pins
    // the device unbound (driver_override "none"). Errors: not_found
    // (device, driver), in_use (unless options.force), timeout, system.
    Result<void> bind(std::string_view device, BusDriver driver, const BindOptions& options) const;

    // Waits until what `driver` makes of the device exists: the vhost node
    // in /dev, or the virtio device with its netdev or disk.
    Result<void> wait_ready(std::string_view device, BusDriver driver,
                            std::chrono::milliseconds timeout) const;

private:
    std::string device_dir(std::string_view device) const;
    BusPaths paths_;
};

} // namespace vdpa
