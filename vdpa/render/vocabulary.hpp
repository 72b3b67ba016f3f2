// SPDX-License-Identifier: GPL-2.0-or-later
//
// Words both renderers print for values: class and type names, queue
// types, and feature lists with iproute2's "bit_N" for unnamed bits.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <vdpa/model.hpp>
#include <vdpa/monitor.hpp>

namespace vdpa::cli {

// "network", "block" or "<unknown type>", as `dev show` prints a device id.
std::string_view device_type_name(std::uint32_t device_id);

// "net", "block" or "< unknown class >", as `mgmtdev show` prints a class bit.
std::string_view class_name(unsigned class_bit);

std::string_view queue_type_name(QueueType type);

// Monitor vocabulary: "dev", "chardev", "virtio", "netdev", "disk", "lost";
// "add", "del", "bind", "unbind"; and the JSON key for the event's name
// ("driver", "chardev", "virtio_device", "netdev", "disk").
std::string_view event_object_name(BusEvent::Object object);
std::string_view event_action_name(BusEvent::Action action);
std::string_view event_name_key(const BusEvent& event);

struct FeatureBit {
    unsigned bit;
    std::string_view name; // empty when unnamed: printed as bit_N (text) or N (JSON)
};

// The set bits of `features`, lowest first, named for `device_id`.
std::vector<FeatureBit> feature_bits(std::uint64_t features, std::uint32_t device_id);

// The device id whose names a management device's features get: iproute2
// names them as net features when the parent supports net, else not at all.
std::uint32_t mgmtdev_feature_naming(const MgmtDev& mgmtdev);

} // namespace vdpa::cli
