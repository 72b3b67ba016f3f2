// SPDX-License-Identifier: GPL-2.0-or-later
#include "served_state.hpp"

#include "served_device.hpp"
#include "net/net_config.hpp"
#include "served_record.hpp"

#include <kernel-uapi/virtio.hpp>

#include <unistd.h>

namespace vdpa::device {

namespace {

bool is_vduse(const MgmtDevHandle &handle)
{
    return handle.bus.empty() && handle.name == "vduse";
}

bool has_feature(std::optional<std::uint64_t> features, unsigned bit)
{
    return features && (*features >> bit) & 1;
}

// A state file's keys as the block server takes them; what the file
// leaves out is the server's default, as with `dev add`.
ServedDeviceRequest blk_request(const ServingSetup &setup, const DeviceSpec &device)
{
    ServerOptions server;
    server.name = device.name;
    const VduseBackend &backend = device.backend;
    server.blk.path = *backend.file;
    server.blk.readonly = backend.readonly.value_or(false);
    if (backend.queues)
        server.blk.queues = *backend.queues;
    if (backend.queue_size)
        server.blk.queue_size = *backend.queue_size;
    if (backend.blk_size)
        server.blk.blk_size = *backend.blk_size;
    ServedDeviceRequest request;
    request.backend = std::move(server);
    request.server_exe = setup.blk_server_exe;
    request.driver = device.driver;
    request.supervision = setup.supervision;
    request.systemctl = setup.systemctl;
    return request;
}

// The same for a network server: its TAP, and the MAC, MTU and queue size
// the file gives (a MAC left out is the server's choice, once, at
// creation; a restarted server keeps the one the device has).
ServedDeviceRequest net_request(const ServingSetup &setup, const DeviceSpec &device)
{
    NetServerOptions server;
    server.name = device.name;
    server.net.tap = *device.backend.tap;
    if (device.mac)
        server.net.mac = device.mac->octets;
    if (device.mtu)
        server.net.mtu = *device.mtu;
    if (device.backend.queue_size)
        server.net.queue_size = *device.backend.queue_size;
    ServedDeviceRequest request;
    request.backend = std::move(server);
    request.server_exe = setup.net_server_exe;
    request.driver = device.driver;
    request.supervision = setup.supervision;
    request.systemctl = setup.systemctl;
    return request;
}

ServedDeviceRequest served_request(const ServingSetup &setup, const DeviceSpec &device)
{
    return device.backend.tap ? net_request(setup, device) : blk_request(setup, device);
}

void describe(HostState &host)
{
    for (HostDevice &device : host.devices) {
        if (!is_vduse(device.spec.mgmtdev))
            continue;
        // No record: another program serves it (or nothing we can tell).
        auto record = read_served_record(device.spec.name);
        if (!record)
            continue;
        if (record->backend == "file") {
            auto settings = read_launch_settings(device.spec.name);
            if (settings && settings->path != record->target)
                settings.reset(); // another device's, once: not this one's
            device.spec.backend = known_blk_backend(record->target, device.block,
                                                    device.spec.device_features,
                                                    settings ? &*settings : nullptr);
        } else if (record->backend == "tap") {
            // mac and mtu are the kernel's (the device's configuration);
            // the queue size only its server's settings tell.
            device.spec.backend.tap = record->target;
            auto settings = read_net_launch_settings(device.spec.name);
            if (settings && settings->tap == record->target)
                device.spec.backend.queue_size = static_cast<std::uint16_t>(settings->queue_size);
        } else {
            continue;
        }
        device.server_stopped = !serves_device(record->server_pid, device.spec.name);
    }
}

std::string unservable(const ServingSetup &setup, const DeviceSpec &device)
{
    if (device.backend.tap) {
        if (access(setup.net_server_exe.c_str(), X_OK) != 0)
            return "the network server " + setup.net_server_exe +
                   " is not there (vdpa was built without liburing)";
        // Refused in the plan, so that nothing changes; the tun module is
        // checked when the server starts (opening it may load it).
        return vduse_net_kernel_problem(kernel_release());
    }
    if (access(setup.blk_server_exe.c_str(), X_OK) != 0)
        return "the block server " + setup.blk_server_exe +
               " is not there (vdpa was built without liburing)";
    return {};
}

} // namespace

VduseBackend known_blk_backend(const std::string &file, const std::optional<BlockConfig> &block,
                               std::optional<std::uint64_t> device_features,
                               const BlkOptions *settings)
{
    namespace blk = uapi::virtio::blk;
    VduseBackend backend;
    backend.file = file;
    if (block && block->read_only)
        backend.readonly = *block->read_only;
    else if (device_features)
        backend.readonly = has_feature(device_features, blk::f_ro);
    // The kernel reports num_queues only when the device offers MQ; our
    // server offers it only for more than one queue.
    if (block && block->num_queues)
        backend.queues = *block->num_queues;
    else if (device_features && !has_feature(device_features, blk::f_mq))
        backend.queues = 1;
    if (block && block->blk_size)
        backend.blk_size = *block->blk_size;
    if (settings)
        backend.queue_size = static_cast<std::uint16_t>(settings->queue_size);
    return backend;
}

DeviceServing served_device_hooks(const ServingSetup &setup)
{
    DeviceServing hooks;
    hooks.describe = [](HostState &host) { describe(host); };
    hooks.unservable = [setup](const DeviceSpec &device) { return unservable(setup, device); };
    hooks.create = [setup](Host &host, const DeviceSpec &device,
                           const BindOptions &options) -> Result<void> {
        auto added = add_served_device(host, served_request(setup, device), options);
        if (!added)
            return std::move(added).error();
        return {};
    };
    hooks.remove = [](Host &host, const std::string &name,
                      const DeleteOptions &options) -> Result<void> {
        DeviceDeletion deletion = delete_served_device(host, name, options);
        if (!deletion.deleted)
            return std::move(deletion.deleted).error();
        return {};
    };
    hooks.restart = [setup](Host &, const DeviceSpec &device) -> Result<void> {
        return restart_served_server(served_request(setup, device));
    };
    return hooks;
}

} // namespace vdpa::device
