// SPDX-License-Identifier: LGPL-2.1-or-later
//
// libvdpa's entry point: one host's vDPA subsystem. A Host owns the
// netlink channel to the kernel's vdpa family (client()), opened once,
// and the paths of sysfs, /dev and /proc, through which the bus side
// (bus()) reads and drives the vdpa bus.
//
// The changes a user can ask for are single calls here that carry their
// own safety rules, so that every program gets them, not only vdpa(8):
//   add_device     create, optionally bind to a driver; deleted again if
//                  the binding fails
//   delete_device  refuses a device a process holds open, naming it
//   change_device  MAC address and/or driver: everything checked first,
//                  then the MAC, then the driver
// Each returns an outcome that says what was done when a later step
// failed. None prints, exits or reads the environment.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>
#include <vdpa/export.hpp>
#include <vdpa/model.hpp>
#include <vdpa/paths.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

struct VDPA_EXPORT HostOptions {
    HostPaths paths;
    // The netlink socket's receive buffer (SO_RCVBUF) in bytes; 0 keeps
    // the system's default. Dumps work with any size, in more system
    // calls when it is small.
    int socket_receive_buffer = 0;
};

// What add_device did, step by step.
struct VDPA_EXPORT DeviceAddition {
    // The add: the kernel's answer, or what stopped it before anything was
    // created (the driver not loaded, an attribute the kernel would ignore).
    Result<Ack> added;
    // The binding and the wait (DeviceBus::bind()), when a driver was
    // asked for and the device exists.
    std::optional<Result<DeviceDetails>> bound;
    // Deleting the device again, when the binding failed. If this failed
    // too, the device is still there.
    std::optional<Result<Ack>> deleted;

    bool ok() const { return added.ok() && (!bound || bound->ok()); }
};

struct VDPA_EXPORT DeleteOptions {
    // Delete although a process holds the device open; the kernel then
    // waits until it closes it.
    bool force = false;
};

// What delete_device did.
struct VDPA_EXPORT DeviceDeletion {
    // The kernel's answer, or why nothing was sent: ErrorKind::in_use
    // (its message names the node and the holders), or the errors of
    // DeviceBus::holders() other than not_found.
    Result<Ack> deleted;
    // The processes that hold the device, when in_use refused it.
    std::vector<Holder> holders;

    bool ok() const { return deleted.ok(); }
};

// A change of an existing device: at least one of mac and driver.
struct VDPA_EXPORT DeviceModification {
    std::string name;
    std::optional<MacAddress> mac;
    std::optional<BusDriver> driver;
};

// What change_device did.
struct VDPA_EXPORT DeviceChangeOutcome {
    // The step that failed, or done.
    enum class Step { checks, mac, driver, done };
    Step failed_at = Step::done;
    // The first error, or the MAC change's acknowledgement (which may
    // carry the kernel's warning; an empty Ack when the MAC was not asked).
    Result<Ack> result = Ack{};
    // Whether the MAC address was changed: also true when the driver
    // change after it failed.
    bool mac_changed = false;
    // What sysfs showed once the driver was bound.
    std::optional<DeviceDetails> bound;

    bool ok() const { return result.ok(); }
};

// A device as `vdpa dev show -d` shows it: what netlink says, and what
// sysfs adds; bus is unset when sysfs could not tell (the device was
// deleted since the dump, sysfs is unreadable).
struct VDPA_EXPORT DetailedDevice {
    Device device;
    std::optional<DeviceDetails> bus;
};

// A management device with its parent's driver (unset when sysfs could
// not tell) and the number of devices it created.
struct VDPA_EXPORT DetailedMgmtDev {
    MgmtDev mgmtdev;
    std::optional<MgmtDevDetails> bus;
    std::size_t devices = 0;
};

class VDPA_EXPORT Host {
public:
    // Opens the netlink channel and resolves the vdpa family once.
    // Errors: ErrorKind::family_missing (vdpa module not loaded, or a
    // kernel without CONFIG_VDPA), ErrorKind::wrong_namespace (the bus
    // exists in sysfs but the family only in the initial network
    // namespace), ErrorKind::system.
    static Result<Host> open(const HostOptions& options = {});

    Host(Host&&) noexcept;
    Host& operator=(Host&&) noexcept;
    ~Host();

    const HostPaths& paths() const;
    // The kernel's vdpa netlink family: queries and the raw changes.
    Client& client();
    // The vdpa bus in sysfs. One per Host: it remembers the virtio devices
    // its own bind() calls saw appear.
    DeviceBus& bus();
    const DeviceBus& bus() const;

    // Records with what sysfs adds to netlink's, streamed as the kernel
    // sends them; the errors of the Client calls they make.
    Result<void> for_each_detailed_device(const RecordSink<DetailedDevice>& sink);
    Result<DetailedDevice> get_detailed_device(std::string_view name);
    // `counts` from Client::count_devices(), taken first so that the
    // management devices still stream.
    Result<void> for_each_detailed_mgmtdev(const DeviceCounts& counts,
                                           const RecordSink<DetailedMgmtDev>& sink);
    Result<DetailedMgmtDev> get_detailed_mgmtdev(const MgmtDevHandle& handle,
                                                 const DeviceCounts& counts);

    // Creates a device and, with a driver, binds it and returns once it is
    // ready (DeviceBus::bind()). A driver that is not loaded is found
    // before anything is created; when the binding fails, the device is
    // deleted again. The errors of Client::add_device and DeviceBus::bind.
    DeviceAddition add_device(const NewDevice& request,
                              std::optional<BusDriver> driver = std::nullopt,
                              const BindOptions& options = {});

    // Deletes a device, unless a process holds its /dev/vhost-vdpa-N open
    // (ErrorKind::in_use naming the holders) and options.force is not set.
    // Deleting a held device pulls it from under that process, and the
    // kernel blocks until the process closes it. A device sysfs does not
    // know is the kernel's to report (ENODEV "vdpa: device not found").
    DeviceDeletion delete_device(std::string_view name, const DeleteOptions& options = {});

    // Changes the MAC address and/or the driver. Everything is checked
    // before anything changes (the device, the driver loaded, the holders
    // when the device would leave vhost_vdpa, unless options.force); then
    // the MAC is changed (Linux 6.12, ErrorKind::unsupported before), then
    // the driver. ErrorKind::invalid_argument when neither is given.
    DeviceChangeOutcome change_device(const DeviceModification& change,
                                      const BindOptions& options = {});

    struct Impl;
    explicit Host(std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace vdpa
