// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/family.hpp>
#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "virtio.hpp"

namespace vdpa {

// One spelling of the virtio ids in the API, the kernel's numbers.
static_assert(static_cast<std::uint32_t>(DeviceClass::net) == uapi::virtio::id_net);
static_assert(static_cast<std::uint32_t>(DeviceClass::block) == uapi::virtio::id_block);

Error Error::make(ErrorKind kind, int errnum, std::string message)
{
    Error error;
    error.kind = kind;
    error.errnum = errnum;
    error.message = std::move(message);
    return error;
}

Error Error::unsupported(Capability missing, std::string message)
{
    Error error = make(ErrorKind::unsupported, EOPNOTSUPP, std::move(message));
    error.missing = missing;
    return error;
}

const char* minimum_linux(Capability capability)
{
    switch (capability) {
    case Capability::change_attributes:
        return "6.12";
    case Capability::device_config:
    case Capability::provision_mac:
    case Capability::provision_mtu:
        return "5.16";
    case Capability::queue_stats:
        return "5.19";
    case Capability::provision_max_vqp:
        return "5.17";
    case Capability::provision_features:
        return "6.1";
    case Capability::none:
        break;
    }
    return "";
}

Error Error::kernel(int errnum, std::string message, std::uint16_t attribute)
{
    Error error = make(ErrorKind::kernel, errnum, std::move(message));
    error.attribute = attribute;
    return error;
}

Error Error::system(int errnum, std::string message)
{
    return make(ErrorKind::system, errnum, std::move(message));
}

Error Error::protocol(std::string message)
{
    return make(ErrorKind::protocol, EPROTO, std::move(message));
}

Error Error::invalid(std::string message)
{
    return make(ErrorKind::invalid_argument, EINVAL, std::move(message));
}

std::string MgmtDevHandle::to_string() const
{
    return bus.empty() ? name : bus + "/" + name;
}

void DeviceCounts::add(const MgmtDevHandle& handle)
{
    for (auto& [counted, count] : counts)
        if (counted == handle) {
            ++count;
            return;
        }
    counts.push_back({handle, 1});
}

std::size_t DeviceCounts::of(const MgmtDevHandle& handle) const
{
    for (const auto& [counted, count] : counts)
        if (counted == handle)
            return count;
    return 0;
}

std::string MacAddress::to_string() const
{
    char text[18];
    std::snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", octets[0], octets[1],
                  octets[2], octets[3], octets[4], octets[5]);
    return text;
}

bool MgmtDev::supports(DeviceClass device_class) const
{
    auto bit = static_cast<std::uint32_t>(device_class);
    return supported_classes && bit < 64 && (*supported_classes >> bit) & 1;
}

bool NetConfig::link_up() const
{
    return status && (*status & uapi::virtio::net::s_link_up);
}

bool NetConfig::announce() const
{
    return status && (*status & uapi::virtio::net::s_announce);
}

QueueType QueueStats::queue_type() const
{
    std::uint64_t features = negotiated_features.value_or(0);
    bool has_control_queue = (features >> uapi::virtio::net::f_ctrl_vq) & 1;
    // Without MQ or RSS the kernel sends no max_vqp: the device has one pair.
    std::uint32_t pairs = max_vq_pairs.value_or(1);
    if (has_control_queue && queue_index == 2 * pairs)
        return QueueType::control;
    return queue_index % 2 ? QueueType::tx : QueueType::rx;
}

bool FamilyInfo::has_command(std::uint32_t command) const
{
    return std::any_of(operations.begin(), operations.end(),
                       [command](const FamilyOperation& op) { return op.command == command; });
}

} // namespace vdpa
