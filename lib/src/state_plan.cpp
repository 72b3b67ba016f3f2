// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What the host has, and the plan that makes it match a state file. The
// planning is pure (desired and actual in, plan out) so that it is tested
// without a kernel; only read_host_state asks the kernel and sysfs.
#include <algorithm>
#include <cstdio>
#include <map>

#include <vdpa/state.hpp>

#include "vdpa_netlink.hpp"

namespace vdpa {
namespace {

using Kind = PlannedAction::Kind;

// The fixed attributes the kernel sets only when a device is created. A
// value the file leaves out, or the kernel does not report, is not compared.
std::vector<std::string> fixed_differences(const DeviceSpec& want, const DeviceSpec& have,
                                           bool can_change_mac)
{
    std::vector<std::string> differences;
    if (want.mgmtdev != have.mgmtdev)
        differences.push_back("mgmtdev " + have.mgmtdev.to_string() + " -> " +
                              want.mgmtdev.to_string());
    auto compare = [&](std::string_view key, const auto& wanted, const auto& had) {
        if (wanted && had && *wanted != *had)
            differences.push_back(std::string(key) + " " + std::to_string(*had) + " -> " +
                                  std::to_string(*wanted));
    };
    compare("mtu", want.mtu, have.mtu);
    compare("max_vqp", want.max_vqp, have.max_vqp);
    if (want.device_features && have.device_features &&
        *want.device_features != *have.device_features) {
        char text[64];
        std::snprintf(text, sizeof text, "device_features 0x%llx -> 0x%llx",
                      static_cast<unsigned long long>(*have.device_features),
                      static_cast<unsigned long long>(*want.device_features));
        differences.emplace_back(text);
    }
    if (!can_change_mac && want.mac && have.mac && *want.mac != *have.mac)
        differences.push_back("mac " + have.mac->to_string() + " -> " + want.mac->to_string());
    // A server serves what it was started with: another backend is
    // another server, hence another device.
    auto compare_text = [&](std::string_view key, const auto& wanted, const auto& had) {
        if (wanted && had && *wanted != *had)
            differences.push_back(std::string(key) + " " + *had + " -> " + *wanted);
    };
    compare_text("file", want.backend.file, have.backend.file);
    compare_text("tap", want.backend.tap, have.backend.tap);
    if (want.backend.readonly && have.backend.readonly &&
        *want.backend.readonly != *have.backend.readonly)
        differences.push_back(std::string("readonly ") +
                              (*have.backend.readonly ? "true" : "false") + " -> " +
                              (*want.backend.readonly ? "true" : "false"));
    compare("queues", want.backend.queues, have.backend.queues);
    compare("queue_size", want.backend.queue_size, have.backend.queue_size);
    compare("blk_size", want.backend.blk_size, have.backend.blk_size);
    return differences;
}

// What a recreated device gets: the file's values, and the device's own
// for the keys the file leaves out ("leave it as it is").
DeviceSpec merged(const DeviceSpec& want, const DeviceSpec& have)
{
    DeviceSpec result = want;
    VduseBackend& backend = result.backend;
    const VduseBackend& had = have.backend;
    if (!backend.file && !backend.tap) {
        backend.file = had.file;
        backend.tap = had.tap;
    }
    // The sizes of a device on the same file are kept; another file or
    // interface starts from the defaults.
    if (backend.file == had.file && backend.tap == had.tap) {
        if (!backend.readonly)
            backend.readonly = had.readonly;
        if (!backend.queues)
            backend.queues = had.queues;
        if (!backend.queue_size)
            backend.queue_size = had.queue_size;
        if (!backend.blk_size)
            backend.blk_size = had.blk_size;
    }
    // A served device's features are its server's; a block device has no
    // net keys.
    bool served = backend.file || backend.tap;
    if (!backend.file) {
        if (!result.mac)
            result.mac = have.mac;
        if (!result.mtu)
            result.mtu = have.mtu;
        if (!result.max_vqp && !served)
            result.max_vqp = have.max_vqp;
    }
    if (!result.device_features && !served)
        result.device_features = have.device_features;
    if (!result.driver)
        result.driver = have.driver;
    return result;
}

bool is_vduse(const DeviceSpec& device)
{
    return !device.backend.empty() || (device.mgmtdev.bus.empty() && device.mgmtdev.name == "vduse");
}

bool is_served(const DeviceSpec& device)
{
    return device.backend.file || device.backend.tap;
}

// A device with the keys a state file gives it: a served device's
// features are its server's choice, a TAP-backed one has one queue pair
// (the kernel reports max_vqp 1), and a block device has no net keys.
DeviceSpec as_shown(DeviceSpec device)
{
    if (is_served(device))
        device.device_features.reset();
    if (device.backend.tap)
        device.max_vqp.reset();
    if (device.backend.file) {
        device.mac.reset();
        device.mtu.reset();
        device.max_vqp.reset();
    }
    return device;
}

// Why a VDUSE device cannot be made here; empty when it can. Only a
// served device (a file or a TAP interface) can: another program's
// VDUSE device is that program's to create.
std::string why_not_creatable(const DeviceSpec& device, const PlanOptions& options)
{
    if (!is_served(device))
        return "a VDUSE device without file or tap is served by another program: "
               "vdpa cannot create it";
    if (!options.serving || !options.serving->unservable)
        return "serving VDUSE devices is not available to this caller";
    return options.serving->unservable(device);
}

// `action` itself, or its refusal when a process holds the device (or
// whether one does cannot be told) and the caller did not force it.
PlannedAction guarded(PlannedAction action, const HostDevice& device, const PlanOptions& options)
{
    if (options.force || (device.holders.empty() && !device.holders_unknown))
        return action;
    PlannedAction refusal;
    refusal.kind = Kind::refuse_in_use;
    refusal.device = action.device;
    refusal.refused = action.kind;
    refusal.holders = device.holders;
    refusal.differences = action.differences;
    refusal.target = action.target;
    if (device.holders_unknown)
        refusal.reason = "whether a process holds it cannot be told: " +
                         device.holders_unknown->message;
    return refusal;
}

// Rebinding leaves vhost_vdpa, where holders are, only when the driver
// changes away from it.
bool leaves_vhost(const HostDevice& device, BusDriver target)
{
    return device.spec.driver == BusDriver::vhost_vdpa && target != BusDriver::vhost_vdpa;
}

} // namespace

std::string_view action_kind_name(Kind kind)
{
    switch (kind) {
    case Kind::create:
        return "create";
    case Kind::rebind:
        return "rebind";
    case Kind::set_mac:
        return "set_mac";
    case Kind::recreate:
        return "recreate";
    case Kind::remove:
        return "delete";
    case Kind::refuse_in_use:
        return "refuse_in_use";
    case Kind::unsupported:
        return "unsupported";
    case Kind::missing_mgmtdev:
        return "missing_mgmtdev";
    case Kind::restart_server:
        return "restart_server";
    }
    return "unknown";
}

bool StatePlan::changes() const
{
    return !actions.empty();
}

bool StatePlan::refused() const
{
    return std::any_of(actions.begin(), actions.end(), [](const PlannedAction& action) {
        return action.kind == Kind::refuse_in_use || action.kind == Kind::unsupported ||
               action.kind == Kind::missing_mgmtdev;
    });
}

Result<HostState> read_host_state(Client& client, const DeviceBus& bus)
{
    HostState host;
    host.can_change_mac = client.family().has_command(uapi::cmd_dev_attr_set);
    if (auto listed = client.for_each_mgmtdev(
            [&](const MgmtDev& mgmtdev) { host.mgmtdevs.push_back(mgmtdev.handle); });
        !listed)
        return std::move(listed).error();
    if (auto listed = client.for_each_device([&](const Device& device) {
            HostDevice entry;
            entry.spec.name = device.name;
            entry.spec.mgmtdev = device.mgmtdev;
            host.devices.push_back(std::move(entry));
        });
        !listed)
        return std::move(listed).error();
    std::map<std::string, HostDevice*, std::less<>> by_name;
    for (HostDevice& device : host.devices)
        by_name[device.spec.name] = &device;
    // Configuration space since Linux 5.16; before, only names and parents.
    if (client.family().has_command(uapi::cmd_dev_config_get)) {
        auto configured = client.for_each_device_config([&](const DeviceConfig& config) {
            auto found = by_name.find(config.name);
            if (found == by_name.end())
                return; // created since the device dump
            DeviceSpec& spec = found->second->spec;
            spec.device_features = config.device_features;
            found->second->block = config.block;
            if (config.net) {
                spec.mac = config.net->mac;
                spec.mtu = config.net->mtu;
                spec.max_vqp = config.net->max_vq_pairs;
            }
        });
        if (!configured)
            return std::move(configured).error();
    }
    for (HostDevice& device : host.devices) {
        auto details = bus.details(device.spec.name);
        if (!details)
            continue; // deleted meanwhile, or sysfs unreadable: driver not known
        device.spec.driver =
            details->driver ? parse_bus_driver(*details->driver) : std::optional(BusDriver::none);
        device.chardev = details->vhost_path;
        if (device.spec.driver == BusDriver::vhost_vdpa) {
            auto holders = bus.holders(device.spec.name);
            if (holders)
                device.holders = *std::move(holders);
            else if (holders.error().kind != ErrorKind::not_found)
                device.holders_unknown = std::move(holders).error();
        }
    }
    return host;
}

Result<HostState> read_host_state(Host& host)
{
    return read_host_state(host.client(), host.bus());
}

StateSpec state_spec_of(const HostState& host)
{
    StateSpec spec;
    for (const HostDevice& device : host.devices)
        spec.devices.push_back(as_shown(device.spec));
    return spec;
}

StatePlan plan_state(const StateSpec& desired, const HostState& host, const PlanOptions& options)
{
    std::map<std::string_view, const HostDevice*> actual;
    for (const HostDevice& device : host.devices)
        actual[device.spec.name] = &device;
    auto mgmtdev_exists = [&](const MgmtDevHandle& handle) {
        return std::find(host.mgmtdevs.begin(), host.mgmtdevs.end(), handle) !=
               host.mgmtdevs.end();
    };

    std::vector<PlannedAction> removals, restarts, recreations, creations, changes;
    for (const DeviceSpec& want : desired.devices) {
        auto found = actual.find(want.name);
        if (found == actual.end()) {
            PlannedAction action;
            action.device = want.name;
            action.target = want;
            if (is_vduse(want)) {
                action.reason = why_not_creatable(want, options);
                if (!action.reason.empty())
                    action.kind = Kind::unsupported;
            } else if (!mgmtdev_exists(want.mgmtdev)) {
                action.kind = Kind::missing_mgmtdev;
                action.reason = "no management device " + want.mgmtdev.to_string();
            }
            creations.push_back(std::move(action));
            continue;
        }
        const HostDevice& have = *found->second;
        // Its server was killed: the device waits (its requests too) for a
        // new one, which does not disturb who holds it. First, so that
        // whatever follows (a delete, a rebind) finds a server answering.
        if (have.server_stopped && is_served(have.spec)) {
            PlannedAction action;
            action.kind = Kind::restart_server;
            action.device = want.name;
            // What the VDUSE device was made with, whatever the file says:
            // a recreation, if one is due, follows.
            action.target = as_shown(have.spec);
            if (!options.serving || !options.serving->unservable)
                action.reason = "serving VDUSE devices is not available to this caller";
            else
                action.reason = options.serving->unservable(action.target);
            if (!action.reason.empty()) {
                action.kind = Kind::unsupported;
                action.refused = Kind::restart_server;
            }
            restarts.push_back(std::move(action));
        }
        // The vduse management device has no attribute-set operation: a
        // served NIC's MAC is in the configuration its server created it
        // with, so another MAC is another device.
        auto differences = fixed_differences(want, have.spec,
                                             host.can_change_mac && !is_vduse(have.spec));
        if (!differences.empty()) {
            PlannedAction action;
            action.kind = Kind::recreate;
            action.device = want.name;
            action.target = merged(want, have.spec);
            action.differences = std::move(differences);
            if (is_vduse(action.target)) {
                action.reason = why_not_creatable(action.target, options);
                if (!action.reason.empty()) {
                    action.kind = Kind::unsupported;
                    action.refused = Kind::recreate;
                }
            } else if (!mgmtdev_exists(want.mgmtdev)) {
                action.kind = Kind::missing_mgmtdev;
                action.reason = "no management device " + want.mgmtdev.to_string();
            }
            recreations.push_back(guarded(std::move(action), have, options));
            continue;
        }
        if (want.mac && have.spec.mac && *want.mac != *have.spec.mac) {
            PlannedAction action;
            action.kind = Kind::set_mac;
            action.device = want.name;
            action.target.name = want.name;
            action.target.mac = want.mac;
            action.from_mac = have.spec.mac;
            changes.push_back(std::move(action));
        }
        if (want.driver && want.driver != have.spec.driver) {
            PlannedAction action;
            action.kind = Kind::rebind;
            action.device = want.name;
            action.target.name = want.name;
            action.target.driver = want.driver;
            action.from_driver = have.spec.driver;
            changes.push_back(leaves_vhost(have, *want.driver)
                                  ? guarded(std::move(action), have, options)
                                  : std::move(action));
        }
    }
    if (options.prune) {
        for (const HostDevice& have : host.devices) {
            bool named = std::any_of(desired.devices.begin(), desired.devices.end(),
                                     [&](const DeviceSpec& want) {
                                         return want.name == have.spec.name;
                                     });
            if (named)
                continue;
            PlannedAction action;
            action.kind = Kind::remove;
            action.device = have.spec.name;
            action.target = as_shown(have.spec);
            removals.push_back(guarded(std::move(action), have, options));
        }
    }

    StatePlan plan;
    for (auto* group : {&removals, &restarts, &recreations, &creations, &changes})
        for (PlannedAction& action : *group)
            plan.actions.push_back(std::move(action));
    return plan;
}

} // namespace vdpa
