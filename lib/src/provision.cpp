// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/provision.hpp>

namespace vdpa {

DeviceAddition add_device_with_driver(Client& client, DeviceBus& bus, const NewDevice& request,
                                      BusDriver driver, const BindOptions& options)
{
    if (auto loaded = bus.require_driver(driver); !loaded)
        return {std::move(loaded).error(), std::nullopt, std::nullopt};
    DeviceAddition addition{client.add_device(request), std::nullopt, std::nullopt};
    if (!addition.added)
        return addition;
    addition.bound = bus.bind(request.name, driver, options);
    if (!*addition.bound)
        addition.deleted = client.delete_device(request.name);
    return addition;
}

} // namespace vdpa
