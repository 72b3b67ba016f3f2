// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Events on the vdpa bus, as the kernel announces them in uevents (the
// vdpa netlink family has no notifications): devices added and removed,
// bound to and unbound from a bus driver, and what the bus drivers make of
// them. Nothing is polled.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <vdpa/bus.hpp>
#include <vdpa/export.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

struct VDPA_EXPORT BusEvent {
    enum class Object {
        device,  // a vDPA device
        chardev, // its /dev/vhost-vdpa-N (vhost_vdpa)
        virtio,  // its virtio device (virtio_vdpa)
        netdev,  // the network interface of that virtio device
        disk,    // the disk of that virtio device
        lost,    // the kernel dropped events: the socket's buffer overflowed
    };
    enum class Action { add, remove, bind, unbind };

    Object object = Object::device;
    Action action = Action::add;
    std::string device; // the vDPA device
    // What was added or removed: "/dev/vhost-vdpa-0", "virtio2", "eth0",
    // "vda"; for bind and unbind, the bus driver.
    std::string name;
};

// One kernel uevent: "ACTION@DEVPATH" and its KEY=VALUE pairs.
struct VDPA_EXPORT Uevent {
    std::string action;
    std::string devpath;
    std::map<std::string, std::string, std::less<>> values;

    std::string_view value(std::string_view key) const;
};

// Parses a kernel uevent datagram; nullopt if it is not one.
VDPA_EXPORT std::optional<Uevent> parse_uevent(std::span<const std::byte> datagram);

// Turns uevents into BusEvents, remembering what it needs across them
// (which driver a device was bound to, its character device). Virtio
// devices, netdevs and disks are reported when the virtio device sits
// under its vDPA device (simulators, VDUSE); under a hardware parent
// nothing in the uevent says which vDPA device it belongs to.
class VDPA_EXPORT BusEventDecoder {
public:
    explicit BusEventDecoder(HostPaths paths = {});
    BusEventDecoder(const BusEventDecoder& other);
    BusEventDecoder& operator=(const BusEventDecoder& other);
    BusEventDecoder(BusEventDecoder&&) noexcept;
    BusEventDecoder& operator=(BusEventDecoder&&) noexcept;
    ~BusEventDecoder();

    // Learns (again) the devices and drivers that exist now.
    void scan();

    // The events `uevent` means (often none, sometimes two).
    std::vector<BusEvent> decode(const Uevent& uevent);

    struct Impl;

private:
    // The paths, and what it remembers of devices, drivers, nodes.
    std::unique_ptr<Impl> impl_;
};

struct VDPA_EXPORT MonitorOptions {
    // The uevent socket's receive buffer (SO_RCVBUF) in bytes; 0 asks for
    // 8 MiB, enough for the burst of adding a thousand devices. When it
    // overflows the kernel drops uevents, and next() reports
    // BusEvent::Object::lost.
    int socket_receive_buffer = 0;
};

class VDPA_EXPORT BusMonitor {
public:
    // Subscribes to the kernel's uevents. Errors: ErrorKind::family_missing
    // when the running kernel has no vdpa module at all, built in or
    // loadable (built without CONFIG_VDPA: no bus can ever appear; a
    // module not yet loaded is waited for), ErrorKind::system.
    static Result<BusMonitor> open(HostPaths paths = {});
    static Result<BusMonitor> open(HostPaths paths, const MonitorOptions& options);

    BusMonitor(BusMonitor&&) noexcept;
    BusMonitor& operator=(BusMonitor&&) noexcept;
    ~BusMonitor();

    // The next event, waiting up to `timeout` (forever if negative);
    // nullopt when the time ran out or a signal interrupted the wait. An
    // event of Object::lost says the kernel dropped events since the last
    // one; what the monitor remembers (drivers, character devices) is then
    // read again from sysfs.
    Result<std::optional<BusEvent>> next(std::chrono::milliseconds timeout);

    // For callers with their own poll loop: readable when events wait.
    int fd() const;

    struct Impl;

private:
    BusMonitor(int fd, HostPaths paths);
    // The socket, the decoder, the events decoded but not yet returned.
    std::unique_ptr<Impl> impl_;
};

} // namespace vdpa
