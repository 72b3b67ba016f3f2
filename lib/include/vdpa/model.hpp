// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The typed values libvdpa hands out: what the kernel said, decoded, with
// nothing about how it will be printed. Optional members are attributes the
// kernel may leave out (older kernels, features the device lacks).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vdpa/export.hpp>

namespace vdpa {

// Virtio device ids the vDPA bus knows how to configure.
enum class DeviceClass : std::uint32_t {
    net = 1,
    block = 2,
};

// "[BUS/]NAME" of a management device (the parent that creates vDPA devices).
// Simulators have no bus; PCI and auxiliary parents do.
struct VDPA_EXPORT MgmtDevHandle {
    std::string bus; // empty when the parent sits on no bus
    std::string name;

    std::string to_string() const; // "bus/name" or "name"
    bool operator==(const MgmtDevHandle&) const = default;
};

// How many vDPA devices each management device has.
struct VDPA_EXPORT DeviceCounts {
    std::vector<std::pair<MgmtDevHandle, std::size_t>> counts;

    void add(const MgmtDevHandle& handle);
    std::size_t of(const MgmtDevHandle& handle) const; // 0 for one with none
};

struct VDPA_EXPORT MacAddress {
    std::array<std::uint8_t, 6> octets{};

    std::string to_string() const; // "00:11:22:33:44:55"
    bool operator==(const MacAddress&) const = default;
};

struct VDPA_EXPORT MgmtDev {
    MgmtDevHandle handle;
    std::optional<std::uint64_t> supported_classes; // bit N = virtio device id N
    std::optional<std::uint32_t> max_supported_vqs;
    std::optional<std::uint64_t> supported_features;

    bool supports(DeviceClass device_class) const;
};

struct VDPA_EXPORT Device {
    std::string name;
    MgmtDevHandle mgmtdev;
    std::uint32_t device_id = 0; // virtio device id, see DeviceClass
    std::optional<std::uint32_t> vendor_id;
    std::optional<std::uint32_t> max_vqs;
    std::optional<std::uint16_t> max_vq_size;
    std::optional<std::uint16_t> min_vq_size;
};

struct VDPA_EXPORT NetConfig {
    std::optional<MacAddress> mac;
    std::optional<std::uint16_t> status; // VIRTIO_NET_S_* bits
    std::optional<std::uint16_t> max_vq_pairs;
    std::optional<std::uint16_t> mtu;

    bool link_up() const;
    bool announce() const;
};

// Named after the fields of struct virtio_blk_config.
struct VDPA_EXPORT BlockConfig {
    std::optional<std::uint64_t> capacity; // in 512-byte sectors
    std::optional<std::uint32_t> size_max;
    std::optional<std::uint32_t> seg_max;
    std::optional<std::uint32_t> blk_size;
    std::optional<std::uint16_t> num_queues;
    std::optional<std::uint8_t> physical_block_exp;
    std::optional<std::uint8_t> alignment_offset;
    std::optional<std::uint16_t> min_io_size;
    std::optional<std::uint32_t> opt_io_size;
    std::optional<std::uint32_t> max_discard_sectors;
    std::optional<std::uint32_t> max_discard_seg;
    std::optional<std::uint32_t> discard_sector_alignment;
    std::optional<std::uint32_t> max_write_zeroes_sectors;
    std::optional<std::uint32_t> max_write_zeroes_seg;
    std::optional<bool> read_only;
    std::optional<bool> flush;
};

struct VDPA_EXPORT DeviceConfig {
    std::string name;
    std::uint32_t device_id = 0;
    // Present only once a driver completed feature negotiation.
    std::optional<std::uint64_t> negotiated_features;
    // Features the device offers (VDPA_ATTR_DEV_FEATURES).
    std::optional<std::uint64_t> device_features;
    std::optional<NetConfig> net;     // set for net devices
    std::optional<BlockConfig> block; // set for block devices
};

enum class QueueType { rx, tx, control };

struct VDPA_EXPORT VendorCounter {
    std::string name; // driver-defined; may contain spaces
    std::uint64_t value = 0;
};

struct VDPA_EXPORT QueueStats {
    std::string device;
    std::uint32_t device_id = 0;
    std::optional<std::uint64_t> negotiated_features;
    // Sent by the kernel only when the device negotiated MQ or RSS.
    std::optional<std::uint16_t> max_vq_pairs;
    std::uint32_t queue_index = 0;
    std::vector<VendorCounter> counters; // in the order the driver sent them

    // Net queue layout: rx/tx pairs first, then the control queue at index
    // 2 * max_vq_pairs (a device without multiqueue has one pair).
    QueueType queue_type() const;
};

// What `dev add` asks the kernel for.
struct VDPA_EXPORT NewDevice {
    std::string name;
    MgmtDevHandle mgmtdev;
    std::optional<std::uint64_t> device_features;
    std::optional<MacAddress> mac;
    std::optional<std::uint16_t> mtu;
    std::optional<std::uint16_t> max_vq_pairs;
};

// What `dev set` asks the kernel to change.
struct VDPA_EXPORT DeviceChange {
    std::string name;
    std::optional<MacAddress> mac;
};

// The outcome of a request that changes kernel state: it succeeded, and the
// kernel may have added a warning (an extended ack on a successful reply).
struct VDPA_EXPORT Ack {
    std::string warning;
};

} // namespace vdpa
