// SPDX-License-Identifier: GPL-2.0-or-later
#include "render/vocabulary.hpp"

#include <vdpa/features.hpp>

namespace vdpa::cli {

std::string_view device_type_name(std::uint32_t device_id)
{
    switch (static_cast<DeviceClass>(device_id)) {
    case DeviceClass::net:
        return "network";
    case DeviceClass::block:
        return "block";
    }
    return "<unknown type>";
}

std::string_view class_name(unsigned class_bit)
{
    switch (static_cast<DeviceClass>(class_bit)) {
    case DeviceClass::net:
        return "net";
    case DeviceClass::block:
        return "block";
    }
    return "< unknown class >";
}

std::string_view queue_type_name(QueueType type)
{
    switch (type) {
    case QueueType::rx:
        return "rx";
    case QueueType::tx:
        return "tx";
    case QueueType::control:
        return "control_vq";
    }
    return "rx";
}

std::string_view event_object_name(BusEvent::Object object)
{
    switch (object) {
    case BusEvent::Object::device:
        return "dev";
    case BusEvent::Object::chardev:
        return "chardev";
    case BusEvent::Object::virtio:
        return "virtio";
    case BusEvent::Object::netdev:
        return "netdev";
    case BusEvent::Object::disk:
        return "disk";
    case BusEvent::Object::lost:
        break;
    }
    return "lost";
}

std::string_view event_action_name(BusEvent::Action action)
{
    switch (action) {
    case BusEvent::Action::add:
        return "add";
    case BusEvent::Action::remove:
        return "del";
    case BusEvent::Action::bind:
        return "bind";
    case BusEvent::Action::unbind:
        break;
    }
    return "unbind";
}

std::string_view event_name_key(const BusEvent& event)
{
    switch (event.object) {
    case BusEvent::Object::device:
        return "driver";
    case BusEvent::Object::virtio:
        return "virtio_device";
    default:
        return event_object_name(event.object);
    }
}

std::vector<FeatureBit> feature_bits(std::uint64_t features, std::uint32_t device_id)
{
    std::vector<FeatureBit> bits;
    for (unsigned bit = 0; bit < 64; ++bit)
        if ((features >> bit) & 1)
            bits.push_back({bit, feature_name(device_id, bit)});
    return bits;
}

std::uint32_t mgmtdev_feature_naming(const MgmtDev& mgmtdev)
{
    return mgmtdev.supports(DeviceClass::net) ? static_cast<std::uint32_t>(DeviceClass::net) : 0;
}

} // namespace vdpa::cli
