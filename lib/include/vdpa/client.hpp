// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A connection to the kernel's vdpa generic netlink family, opened by a
// Host (host.hpp), which owns it. Every call returns a Result; none
// prints, exits or reads the environment. Dumps hand each record to a callback as it arrives, so
// memory does not grow with the number of devices.
//
// Errors common to every call that talks to the kernel:
//   ErrorKind::kernel    the kernel refused; errnum plus its own message
//                        (e.g. ENODEV "vdpa: device not found", EPERM
//                        without CAP_NET_ADMIN for admin commands)
//   ErrorKind::protocol  a reply was malformed (never a crash)
//   ErrorKind::system    the socket failed (errnum)
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <vdpa/export.hpp>
#include <vdpa/family.hpp>
#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

template <typename T>
using RecordSink = std::function<void(const T&)>;

class VDPA_EXPORT Client {
public:
    // Host::open() opens one; see its errors.
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    ~Client();

    const FamilyInfo& family() const;

    // The for_each_ calls stream a dump: `sink` sees each record as it
    // arrives. If replies are lost on the way (ENOBUFS, ErrorKind::system)
    // the call fails after the records it delivered, which are then an
    // incomplete list; it does not dump again.

    // Management devices. get_mgmtdev: ENODEV when there is no such parent.
    Result<void> for_each_mgmtdev(const RecordSink<MgmtDev>& sink);
    Result<MgmtDev> get_mgmtdev(const MgmtDevHandle& handle);

    // Devices. get_device: ENODEV "vdpa: device not found". Every call
    // that names an existing device (get_device, delete_device,
    // change_device, get_device_config, get_queue_stats) first refuses,
    // as ErrorKind::invalid_argument, what validate_existing_device_name()
    // refuses.
    Result<void> for_each_device(const RecordSink<Device>& sink);
    Result<Device> get_device(std::string_view name);
    // How many devices each management device has: one device dump.
    Result<DeviceCounts> count_devices();

    // Creates a device. Errors: ErrorKind::invalid_argument for a name
    // validate_device_name() refuses; ErrorKind::unsupported when the
    // kernel would silently ignore a requested attribute (mac and mtu
    // before Linux 5.16, max_vqp before 5.17, device_features before
    // 6.1), before anything is sent; kernel errors such as EOPNOTSUPP for
    // attributes the parent cannot apply.
    Result<Ack> add_device(const NewDevice& request);
    Result<Ack> delete_device(std::string_view name);
    // Deletes without looking for holders: Host::delete_device refuses a
    // device a process holds open.
    // Changes device attributes (Linux 6.12). ErrorKind::unsupported on
    // older kernels; ErrorKind::invalid_argument when nothing is to change.
    // Host::change_device also moves the device between drivers.
    Result<Ack> change_device(const DeviceChange& change);

    // Configuration space (Linux 5.16; ErrorKind::unsupported before).
    Result<void> for_each_device_config(const RecordSink<DeviceConfig>& sink);
    Result<DeviceConfig> get_device_config(std::string_view name);

    // Vendor statistics of one queue (Linux 5.19). EAGAIN "feature
    // negotiation not complete" until a driver negotiated features.
    Result<QueueStats> get_queue_stats(std::string_view name, std::uint32_t queue_index);

    struct Impl;
    explicit Client(std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> impl_;
};

// Names for a new device that the kernel and sysfs can hold and that are
// safe in a sysfs or /dev path and on a terminal: 1 to 255 bytes of UTF-8
// without '/', control characters, "." or "..".
// ErrorKind::invalid_argument says which rule a name breaks.
VDPA_EXPORT Result<void> validate_device_name(std::string_view name);

// The rules for naming a device that exists, whatever tool created it
// (show, del, config, vstats, set, and the sysfs look-ups of DeviceBus):
// 1 to 255 bytes without '/' or NUL, and not "." or "..", which no sysfs
// path can reach. Control characters and invalid UTF-8 are allowed: the
// kernel holds such names. ErrorKind::invalid_argument says which rule it breaks.
VDPA_EXPORT Result<void> validate_existing_device_name(std::string_view name);

// The rules of validate_device_name() for both parts of a management
// device handle.
VDPA_EXPORT Result<void> validate_mgmtdev_handle(const MgmtDevHandle& handle);

// `text` in double quotes, as names and words stand in messages, with
// control characters, quotes, backslashes and invalid UTF-8 escaped as
// \xNN: a name another tool created cannot carry terminal escapes into a
// message. The library's own messages quote this way; clients can too.
VDPA_EXPORT std::string quoted(std::string_view text);

} // namespace vdpa
