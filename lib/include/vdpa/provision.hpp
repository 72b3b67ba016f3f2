// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Creating a device and binding it to a bus driver in one call: what
// `vdpa dev add ... driver DRIVER` does. Netlink creates the device, sysfs
// binds it; if the binding fails, the device is deleted again so that no
// half-made device is left behind.
#pragma once

#include <optional>

#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>
#include <vdpa/export.hpp>
#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

// What add_device_with_driver did, step by step.
struct VDPA_EXPORT DeviceAddition {
    // The add: the kernel's answer, or what stopped it before anything was
    // created (the driver not loaded, an attribute the kernel would ignore).
    Result<Ack> added;
    // The binding and the wait (DeviceBus::bind()), once the device exists.
    std::optional<Result<DeviceDetails>> bound;
    // Deleting the device again, when the binding failed. If this failed
    // too, the device is still there.
    std::optional<Result<Ack>> deleted;

    bool ok() const { return added.ok() && bound && bound->ok(); }
};

// Creates `request` and binds it to `driver`, returning once it is ready
// (see DeviceBus::bind()). A driver that is not loaded is found before
// anything is created. When the binding fails, the device is deleted again.
VDPA_EXPORT DeviceAddition add_device_with_driver(Client& client, DeviceBus& bus,
                                                  const NewDevice& request, BusDriver driver,
                                                  const BindOptions& options = {});

} // namespace vdpa
