// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The vdpa bus as sysfs shows it: which bus driver a device is bound to,
// what that driver made of it (a /dev/vhost-vdpa-N character device, or a
// virtio device with its network interface or disk), who holds it open,
// and moving it between drivers. Netlink knows none of this.
//
// Every name given here is validated before it becomes part of a path
// (validate_existing_device_name); the only files ever written are the vdpa bus's
// own binding files: drivers/*/bind, drivers/*/unbind, drivers_probe and
// devices/*/driver_override under /sys/bus/vdpa.
//
// A DeviceBus is a value that remembers the virtio devices its own bind()
// calls saw appear (see details()); use one per thread. A Host (host.hpp)
// holds one on its paths.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/export.hpp>
#include <vdpa/model.hpp>
#include <vdpa/paths.hpp>
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
    // Only when it is known exactly; see DeviceBus::details().
    std::optional<std::string> virtio_device;
    std::optional<std::string> netdev; // network interface, for net devices
    std::optional<std::string> disk;   // block disk, for block devices
};

struct VDPA_EXPORT MgmtDevDetails {
    std::optional<std::string> driver; // the parent device's own driver, if bound
};

// A process holding a vhost-vdpa character device open.
struct VDPA_EXPORT Holder {
    int pid = 0;
    std::string command; // from /proc/PID/comm
};

struct VDPA_EXPORT BindOptions {
    // Unbind from vhost_vdpa without looking for holders. If a process
    // holds the device open, the kernel waits for it to close it.
    bool force = false;
    // How long to wait for the bound driver's device to appear.
    std::chrono::milliseconds timeout{10000};
};

class VDPA_EXPORT DeviceBus {
public:
    explicit DeviceBus(HostPaths paths = {});
    DeviceBus(const DeviceBus& other);
    DeviceBus& operator=(const DeviceBus& other);
    DeviceBus(DeviceBus&&) noexcept;
    DeviceBus& operator=(DeviceBus&&) noexcept;
    ~DeviceBus();

    const HostPaths& paths() const;

    // What sysfs shows about a device. ErrorKind::not_found when there is
    // no such vDPA device; ErrorKind::invalid_argument for a bad name.
    //
    // virtio_vdpa parents the virtio device to the vDPA device's DMA
    // device: the vDPA device itself for the simulators and VDUSE, where
    // the virtio device is found exactly; the PCI function for hardware,
    // which all its vDPA devices share (every mlx5 sub-function's virtio
    // device sits under the PF). Sysfs has no link from a vDPA device to
    // its virtio device, so on a shared parent virtio_device (and netdev,
    // disk) are named only when the parent holds exactly one virtio device
    // and one vDPA device bound to virtio_vdpa, or when this DeviceBus's
    // own bind() saw that virtio device appear and it still exists.
    // Otherwise they are left out: never a guess.
    Result<DeviceDetails> details(std::string_view device) const;

    // The management device's driver. not_found when sysfs has no such
    // device.
    Result<MgmtDevDetails> mgmtdev_details(const MgmtDevHandle& handle) const;

    // Processes holding the device's /dev/vhost-vdpa-N open (none unless
    // it is bound to vhost_vdpa): by a descriptor (/proc/PID/fd), or by a
    // mapping that outlives its descriptor (/proc/PID/maps). Only device
    // nodes under /dev are looked at (a stat() of a dead network file
    // system's file can hang). The node itself is never opened, because
    // opening it resets the device. Errors: those of details();
    // ErrorKind::system (EACCES, EPERM) when a process's descriptors or
    // mappings cannot be read, as for other users' processes without root
    // privileges: whether the device is in use cannot be told then.
    Result<std::vector<Holder>> holders(std::string_view device) const;

    // Fails with ErrorKind::in_use, naming the holders, if any; otherwise
    // the errors of holders().
    Result<void> check_not_in_use(std::string_view device) const;

    // ErrorKind::not_found naming the module when the driver is not loaded.
    Result<void> require_driver(BusDriver driver) const;

    // The checks bind() makes before it changes anything: the device
    // exists, the driver is loaded, and, when the device would leave
    // vhost_vdpa, nobody holds it (unless options.force). Lets a caller
    // check before other changes of its own (dev set's MAC address).
    Result<void> check_bind(std::string_view device, BusDriver driver,
                            const BindOptions& options) const;

    // Moves the device to `driver`: unbind from the current one, set
    // driver_override, probe, verify the driver link, wait until the
    // driver's device exists, and return what sysfs then shows.
    // BusDriver::none unbinds and pins the device unbound
    // (driver_override "none").
    //
    // Moving to virtio_vdpa, the virtio device that appears under the
    // device or one of its ancestors during the probe is the device's,
    // even on a shared parent; it is in the returned details and
    // remembered for details().
    //
    // check_bind()'s errors come before anything changes. A failed sysfs
    // write or the driver not binding put the previous driver_override
    // back and rebind the previous driver. Errors once the driver link is
    // verified leave the device bound to `driver`, and their message says
    // so:
    //   ErrorKind::timeout    what the driver makes did not appear within
    //                         options.timeout
    //   ErrorKind::ambiguous  several virtio devices appeared on the shared
    //                         parent at once (another bind ran meanwhile),
    //                         and which is this device's cannot be told
    // Other errors: not_found (device, driver), in_use, system.
    //
    // When the device is already bound to `driver`, only the wait is done;
    // on a shared parent its virtio device cannot be named then, and bind()
    // returns without waiting for it.
    Result<DeviceDetails> bind(std::string_view device, BusDriver driver,
                               const BindOptions& options);

    // Waits until what `driver` makes of the device exists: the vhost node
    // in /dev, or the virtio device with its netdev or disk, and returns
    // what sysfs then shows. ErrorKind::timeout when the time runs out;
    // ErrorKind::ambiguous at once when the device's virtio device cannot
    // be named (a shared parent, see details()).
    Result<DeviceDetails> wait_ready(std::string_view device, BusDriver driver,
                                     std::chrono::milliseconds timeout) const;

    struct Impl;

private:
    // The library's own access to the data (lib/src/bus_impl.hpp).
    friend DeviceBus make_bus(HostPaths paths,
                              std::function<void(const std::string&, const std::string&)> hook);

    // What a wait does when the virtio device cannot be named because
    // its parent is shared: fail at once, take the device as ready, or
    // keep waiting (bind() names it as it appears).
    enum class Unnamed { ambiguous, ready, wait };

    std::string device_dir(std::string_view device) const;
    // The device's own sysfs directory, its name validated first.
    Result<std::string> real_dir(std::string_view device) const;
    // Fills in the vhost fields of `details` from that directory.
    void find_vhost_node(const std::string& real_dir, DeviceDetails& details) const;
    // Only those fields: all the holder check needs, once per `dev del`.
    Result<DeviceDetails> vhost_details(std::string_view device) const;
    // details(), and the shared parent when that keeps the virtio device unnamed.
    Result<DeviceDetails> look(std::string_view device,
                               std::optional<std::string>* shared_parent) const;
    Result<DeviceDetails> checked_details(std::string_view device, BusDriver driver,
                                          const BindOptions& options) const;
    std::optional<std::string> recorded_virtio(std::string_view device) const;
    Result<DeviceDetails> wait(std::string_view device, BusDriver driver,
                               std::chrono::milliseconds timeout, Unnamed unnamed,
                               const std::function<Result<void>()>& before_each) const;

    // The paths, and the virtio devices bind() saw appear.
    std::unique_ptr<Impl> impl_;
};

} // namespace vdpa
