// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The changes a user can ask for, each one call with its safety rules:
// netlink does the kernel's part, the bus the driver's, and the order
// between them (and what to undo) is decided here, not by each caller.
#include <vdpa/host.hpp>

#include "holders.hpp"
#include "host_impl.hpp"

namespace vdpa {

DeviceAddition Host::add_device(const NewDevice& request, std::optional<BusDriver> driver,
                                const BindOptions& options)
{
    if (driver)
        if (auto loaded = impl_->bus.require_driver(*driver); !loaded)
            return {std::move(loaded).error(), std::nullopt, std::nullopt};
    DeviceAddition addition{impl_->client.add_device(request), std::nullopt, std::nullopt};
    if (!addition.added || !driver)
        return addition;
    addition.bound = impl_->bus.bind(request.name, *driver, options);
    // No half-made device is left behind.
    if (!*addition.bound)
        addition.deleted = impl_->client.delete_device(request.name);
    return addition;
}

DeviceDeletion Host::delete_device(std::string_view name, const DeleteOptions& options)
{
    // Deleting a device a process holds open pulls it from under that
    // process (a VM), and the kernel waits for it to close the device. A
    // device sysfs does not know is the kernel's to report.
    if (!options.force) {
        auto holders = impl_->bus.holders(name);
        if (!holders && holders.error().kind != ErrorKind::not_found)
            return {std::move(holders).error(), {}};
        if (holders && !holders->empty()) {
            auto details = impl_->bus.details(name);
            std::optional<std::string> node = details ? details->vhost_path : std::nullopt;
            return {in_use_error(name, node, *holders), *std::move(holders)};
        }
    }
    return {impl_->client.delete_device(name), {}};
}

DeviceChangeOutcome Host::change_device(const DeviceModification& change,
                                        const BindOptions& options)
{
    using Step = DeviceChangeOutcome::Step;
    DeviceChangeOutcome outcome;
    auto failed = [&outcome](Step step, Error error) {
        outcome.failed_at = step;
        outcome.result = std::move(error);
        return outcome;
    };
    // The kernel answers a bare "Operation not supported" to a request
    // that changes nothing.
    if (!change.mac && !change.driver)
        return failed(Step::checks,
                      Error::invalid("nothing to change: give a MAC address or a driver"));
    // Everything the driver change needs is checked before anything
    // changes, the holders too: a refused move must not leave a new MAC.
    if (change.driver)
        if (auto ready = impl_->bus.check_bind(change.name, *change.driver, options); !ready)
            return failed(Step::checks, std::move(ready).error());
    if (change.mac) {
        outcome.result = impl_->client.change_device({change.name, change.mac});
        if (!outcome.result) {
            outcome.failed_at = Step::mac;
            return outcome;
        }
        outcome.mac_changed = true;
    }
    if (change.driver) {
        auto moved = impl_->bus.bind(change.name, *change.driver, options);
        if (!moved)
            return failed(Step::driver, std::move(moved).error());
        outcome.bound = *std::move(moved);
    }
    return outcome;
}

} // namespace vdpa
