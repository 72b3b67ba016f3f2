// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/client.hpp>

#include <optional>
#include <string>

#include <libmnl/libmnl.h>

#include "client_impl.hpp"
#include "decode.hpp"
#include "kernel_modules.hpp"
#include "names.hpp"
#include "netlink/genl_family.hpp"
#include "sysfs.hpp"
#include "vdpa_netlink.hpp"

namespace vdpa {
namespace {

// ENOENT from the controller has three causes users must tell apart: the
// kernel has no vdpa module at all, the module is not loaded, or the
// family (registered with netnsok = false) is invisible from a
// non-initial network namespace.
Error family_absent(const HostPaths& paths)
{
    if (sysfs::is_directory(paths.sysfs + "/bus/vdpa"))
        return Error::make(ErrorKind::wrong_namespace, ENOENT,
                           "the vdpa bus exists but its generic netlink family is not visible: "
                           "the kernel offers it only in the initial network namespace, and "
                           "this process runs in another one");
    // A kernel built without CONFIG_VDPA has no module to load: say so
    // rather than suggest modprobe.
    if (auto missing = kernel_without_vdpa(paths, running_kernel_release()))
        return *std::move(missing);
    return Error::make(ErrorKind::family_missing, ENOENT,
                       "the kernel has no \"vdpa\" generic netlink family: load the vdpa module "
                       "(modprobe vdpa) or use a kernel built with CONFIG_VDPA");
}

// Collects the single record of a doit request.
template <typename T>
struct Single {
    std::optional<T> record;

    netlink::MessageHandler handler(Result<T> (*decode)(const nlmsghdr*))
    {
        return [this, decode](const nlmsghdr* message) -> Result<void> {
            auto decoded = decode(message);
            if (!decoded)
                return std::move(decoded).error();
            record = *std::move(decoded);
            return {};
        };
    }

    Result<T> result(Result<Ack> ack, const char* what)
    {
        if (!ack)
            return std::move(ack).error();
        if (!record)
            return Error::protocol(std::string("the kernel acknowledged the request but sent no ") +
                                   what);
        return *std::move(record);
    }
};

template <typename T>
netlink::MessageHandler streaming(Result<T> (*decode)(const nlmsghdr*), const RecordSink<T>& sink)
{
    return [decode, &sink](const nlmsghdr* message) -> Result<void> {
        auto decoded = decode(message);
        if (!decoded)
            return std::move(decoded).error();
        sink(*decoded);
        return {};
    };
}

Result<void> drop_ack(Result<Ack> ack)
{
    if (!ack)
        return std::move(ack).error();
    return {};
}

// In the library's words; the capability lets a caller use its own.
Error unsupported(Capability missing, const std::string& doing)
{
    return Error::unsupported(missing,
                              doing + " needs Linux " + minimum_linux(missing) + " or later");
}

// What each `dev add` attribute needs of the running kernel to be honoured
// rather than dropped. vdpa's operations parse attributes leniently, so a
// kernel ignores an attribute above its maxattr without a word; and some
// kernels know an attribute's number (they report it) before `dev add`
// reads it. The family description tells these kernels apart only through
// maxattr (VDPA_ATTR_MAX, one past the last attribute) and the op list:
//
//   Linux       maxattr  ops added       dev add honours
//   5.12-5.15       9    mgmtdev_get, dev_new, dev_del, dev_get
//   5.16           14    dev_config_get  mac (10), mtu (13)
//   5.17-5.18      17                    max_vqp (12, known since 5.16)
//   5.19-6.0       20    dev_vstats_get
//   6.1            22                    device_features (20)
//   6.2 onwards    21    (6.1's attribute 21 folded into 20)
//   later          37                    (21..36: block configuration, read only)
//   6.12           37    dev_attr_set
//
// So max_vqp is trusted only when attribute 16, new in 5.17 with it, is
// known. What cannot be told apart: a distribution kernel that backports
// the attribute numbers without the code that reads them, or the other way
// round; and a parent driver that accepts an attribute but does not apply
// it (since 5.16 the core refuses, EOPNOTSUPP, attributes a parent does
// not declare, so that is the driver's bug, not a silent kernel).
struct Provisioning {
    const char* what;      // "a MAC address"
    std::uint16_t witness; // known only by kernels whose dev add honours it
    Capability capability;
};

constexpr Provisioning provision_mac{"a MAC address", uapi::attr_dev_net_cfg_macaddr,
                                     Capability::provision_mac};
constexpr Provisioning provision_mtu{"an MTU", uapi::attr_dev_net_cfg_mtu,
                                     Capability::provision_mtu};
constexpr Provisioning provision_max_vqp{"the number of queue pairs",
                                         uapi::attr_dev_supported_features,
                                         Capability::provision_max_vqp};
constexpr Provisioning provision_features{"device features", uapi::attr_dev_features,
                                          Capability::provision_features};

// Refuses, before anything is sent, what this kernel would create the
// device without.
Result<void> check_provisioning(const FamilyInfo& family, const NewDevice& spec)
{
    std::pair<bool, const Provisioning*> requested[] = {
        {spec.mac.has_value(), &provision_mac},
        {spec.mtu.has_value(), &provision_mtu},
        {spec.max_vq_pairs.has_value(), &provision_max_vqp},
        {spec.device_features.has_value(), &provision_features},
    };
    for (const auto& [asked, need] : requested)
        if (asked && !family.has_attribute(need->witness))
            return Error::unsupported(need->capability,
                                      std::string("giving a new device ") + need->what +
                                          " needs Linux " + minimum_linux(need->capability) +
                                          " or later; nothing was created");
    return {};
}

void put_handle(netlink::Request& request, const MgmtDevHandle& handle)
{
    if (!handle.bus.empty())
        request.put_string(uapi::attr_mgmtdev_bus_name, handle.bus);
    request.put_string(uapi::attr_mgmtdev_dev_name, handle.name);
}

} // namespace

netlink::Request Client::Impl::request(std::uint8_t command, std::uint16_t flags) const
{
    return netlink::Request(family.id, command, uapi::family_version, flags);
}

Result<Client> open_client(std::unique_ptr<netlink::Transport> transport, const HostPaths& paths)
{
    auto impl = std::make_unique<Client::Impl>(std::move(transport));
    auto family = netlink::resolve_family(impl->channel, uapi::family_name);
    if (!family) {
        const Error& error = family.error();
        if (error.kind == ErrorKind::kernel && error.errnum == ENOENT)
            return family_absent(paths);
        return std::move(family).error();
    }
    impl->family = *std::move(family);
    return Client(std::move(impl));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

const FamilyInfo& Client::family() const
{
    return impl_->family;
}

Result<void> Client::for_each_mgmtdev(const RecordSink<MgmtDev>& sink)
{
    auto request = impl_->request(uapi::cmd_mgmtdev_get, NLM_F_DUMP);
    return drop_ack(impl_->channel.transact(request, streaming(decode_mgmtdev, sink)));
}

Result<MgmtDev> Client::get_mgmtdev(const MgmtDevHandle& handle)
{
    if (auto valid = validate_mgmtdev_handle(handle); !valid)
        return std::move(valid).error();
    auto request = impl_->request(uapi::cmd_mgmtdev_get);
    put_handle(request, handle);
    Single<MgmtDev> single;
    return single.result(impl_->channel.transact(request, single.handler(decode_mgmtdev)),
                         "management device");
}

Result<void> Client::for_each_device(const RecordSink<Device>& sink)
{
    auto request = impl_->request(uapi::cmd_dev_get, NLM_F_DUMP);
    return drop_ack(impl_->channel.transact(request, streaming(decode_device, sink)));
}

Result<DeviceCounts> Client::count_devices()
{
    DeviceCounts counts;
    auto counted = for_each_device([&](const Device& device) { counts.add(device.mgmtdev); });
    if (!counted)
        return std::move(counted).error();
    return counts;
}

Result<Device> Client::get_device(std::string_view name)
{
    if (auto valid = validate_existing_device_name(name); !valid)
        return std::move(valid).error();
    auto request = impl_->request(uapi::cmd_dev_get);
    request.put_string(uapi::attr_dev_name, name);
    Single<Device> single;
    return single.result(impl_->channel.transact(request, single.handler(decode_device)), "device");
}

Result<Ack> Client::add_device(const NewDevice& spec)
{
    if (auto valid = validate_device_name(spec.name); !valid)
        return std::move(valid).error();
    if (auto valid = validate_mgmtdev_handle(spec.mgmtdev); !valid)
        return std::move(valid).error();
    // A kernel older than an attribute ignores it instead of refusing it:
    // refuse here rather than create a device without what was asked.
    if (auto capable = check_provisioning(impl_->family, spec); !capable)
        return std::move(capable).error();
    auto request = impl_->request(uapi::cmd_dev_new);
    put_handle(request, spec.mgmtdev);
    request.put_string(uapi::attr_dev_name, spec.name);
    if (spec.mac)
        request.put_binary(uapi::attr_dev_net_cfg_macaddr,
                           std::as_bytes(std::span(spec.mac->octets)));
    if (spec.mtu)
        request.put_u16(uapi::attr_dev_net_cfg_mtu, *spec.mtu);
    if (spec.max_vq_pairs)
        request.put_u16(uapi::attr_dev_net_cfg_max_vqp, *spec.max_vq_pairs);
    if (spec.device_features)
        request.put_u64(uapi::attr_dev_features, *spec.device_features);
    return impl_->channel.transact(request, nullptr);
}

Result<Ack> Client::delete_device(std::string_view name)
{
    if (auto valid = validate_existing_device_name(name); !valid)
        return std::move(valid).error();
    auto request = impl_->request(uapi::cmd_dev_del);
    request.put_string(uapi::attr_dev_name, name);
    return impl_->channel.transact(request, nullptr);
}

Result<Ack> Client::change_device(const DeviceChange& change)
{
    if (auto valid = validate_existing_device_name(change.name); !valid)
        return std::move(valid).error();
    if (!change.mac)
        return Error::invalid("nothing to change: give at least one attribute to set");
    if (!impl_->family.has_command(uapi::cmd_dev_attr_set))
        return unsupported(Capability::change_attributes, "changing device attributes");
    auto request = impl_->request(uapi::cmd_dev_attr_set);
    request.put_string(uapi::attr_dev_name, change.name);
    request.put_binary(uapi::attr_dev_net_cfg_macaddr,
                       std::as_bytes(std::span(change.mac->octets)));
    return impl_->channel.transact(request, nullptr);
}

Result<void> Client::for_each_device_config(const RecordSink<DeviceConfig>& sink)
{
    if (!impl_->family.has_command(uapi::cmd_dev_config_get))
        return unsupported(Capability::device_config, "reading device configuration");
    auto request = impl_->request(uapi::cmd_dev_config_get, NLM_F_DUMP);
    return drop_ack(impl_->channel.transact(request, streaming(decode_device_config, sink)));
}

Result<DeviceConfig> Client::get_device_config(std::string_view name)
{
    if (auto valid = validate_existing_device_name(name); !valid)
        return std::move(valid).error();
    if (!impl_->family.has_command(uapi::cmd_dev_config_get))
        return unsupported(Capability::device_config, "reading device configuration");
    auto request = impl_->request(uapi::cmd_dev_config_get);
    request.put_string(uapi::attr_dev_name, name);
    Single<DeviceConfig> single;
    return single.result(impl_->channel.transact(request, single.handler(decode_device_config)),
                         "device configuration");
}

Result<QueueStats> Client::get_queue_stats(std::string_view name, std::uint32_t queue_index)
{
    if (auto valid = validate_existing_device_name(name); !valid)
        return std::move(valid).error();
    if (!impl_->family.has_command(uapi::cmd_dev_vstats_get))
        return unsupported(Capability::queue_stats, "reading queue statistics");
    auto request = impl_->request(uapi::cmd_dev_vstats_get);
    request.put_string(uapi::attr_dev_name, name);
    request.put_u32(uapi::attr_dev_queue_index, queue_index);
    Single<QueueStats> single;
    return single.result(impl_->channel.transact(request, single.handler(decode_queue_stats)),
                         "queue statistics");
}

} // namespace vdpa
