// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Opening a Host: the netlink channel once, and the bus on the same paths.
#include <vdpa/host.hpp>

#include "client_impl.hpp"
#include "host_impl.hpp"
#include "netlink/transport.hpp"

namespace vdpa {

Host make_host(Client client, HostPaths paths)
{
    return Host(std::make_unique<Host::Impl>(std::move(client), std::move(paths)));
}

Host make_host(Client client, DeviceBus bus)
{
    return Host(std::make_unique<Host::Impl>(std::move(client), std::move(bus)));
}

Result<Host> Host::open(const HostOptions& options)
{
    auto transport = netlink::open_generic_netlink(options.socket_receive_buffer);
    if (!transport)
        return std::move(transport).error();
    auto client = open_client(*std::move(transport), options.paths);
    if (!client)
        return std::move(client).error();
    return make_host(*std::move(client), options.paths);
}

Host::Host(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Host::Host(Host&&) noexcept = default;
Host& Host::operator=(Host&&) noexcept = default;
Host::~Host() = default;

const HostPaths& Host::paths() const
{
    return impl_->paths;
}

Client& Host::client()
{
    return impl_->client;
}

DeviceBus& Host::bus()
{
    return impl_->bus;
}

const DeviceBus& Host::bus() const
{
    return impl_->bus;
}

namespace {

std::optional<DeviceDetails> found(Result<DeviceDetails> details)
{
    return details ? std::optional<DeviceDetails>(*std::move(details)) : std::nullopt;
}

std::optional<MgmtDevDetails> found(Result<MgmtDevDetails> details)
{
    return details ? std::optional<MgmtDevDetails>(*std::move(details)) : std::nullopt;
}

} // namespace

Result<void> Host::for_each_detailed_device(const RecordSink<DetailedDevice>& sink)
{
    return impl_->client.for_each_device([&](const Device& device) {
        sink(DetailedDevice{device, found(impl_->bus.details(device.name))});
    });
}

Result<DetailedDevice> Host::get_detailed_device(std::string_view name)
{
    auto device = impl_->client.get_device(name);
    if (!device)
        return std::move(device).error();
    auto details = found(impl_->bus.details(device->name));
    return DetailedDevice{*std::move(device), std::move(details)};
}

Result<void> Host::for_each_detailed_mgmtdev(const DeviceCounts& counts,
                                             const RecordSink<DetailedMgmtDev>& sink)
{
    return impl_->client.for_each_mgmtdev([&](const MgmtDev& mgmtdev) {
        sink(DetailedMgmtDev{mgmtdev, found(impl_->bus.mgmtdev_details(mgmtdev.handle)),
                             counts.of(mgmtdev.handle)});
    });
}

Result<DetailedMgmtDev> Host::get_detailed_mgmtdev(const MgmtDevHandle& handle,
                                                   const DeviceCounts& counts)
{
    auto mgmtdev = impl_->client.get_mgmtdev(handle);
    if (!mgmtdev)
        return std::move(mgmtdev).error();
    auto details = found(impl_->bus.mgmtdev_details(mgmtdev->handle));
    std::size_t devices = counts.of(mgmtdev->handle);
    return DetailedMgmtDev{*std::move(mgmtdev), std::move(details), devices};
}

} // namespace vdpa
