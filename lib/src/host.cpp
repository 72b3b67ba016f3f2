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

Result<Host> Host::open(const HostOptions& options)
{
    auto transport = netlink::open_generic_netlink(options.socket_receive_buffer);
    if (!transport)
        return std::move(transport).error();
    auto client = open_client(*std::move(transport), options.paths.sysfs);
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

} // namespace vdpa
