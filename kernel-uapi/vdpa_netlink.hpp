// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The kernel's "vdpa" generic netlink family: our own transcription of
// include/uapi/linux/vdpa.h (Linux 6.12) and of the behaviour of
// drivers/vdpa/vdpa.c that the numbers alone do not tell.
#pragma once

#include <cstdint>

namespace vdpa::uapi {

inline constexpr const char* family_name = "vdpa";
inline constexpr std::uint8_t family_version = 1;

// enum vdpa_command
enum Command : std::uint8_t {
    cmd_unspec = 0,
    cmd_mgmtdev_new = 1,    // the kernel's reply command for MGMTDEV_GET
    cmd_mgmtdev_get = 2,    // doit and dumpit
    cmd_dev_new = 3,        // doit (admin); also the reply command for DEV_GET
    cmd_dev_del = 4,        // doit (admin)
    cmd_dev_get = 5,        // doit and dumpit
    cmd_dev_config_get = 6, // doit and dumpit (Linux 5.16)
    cmd_dev_vstats_get = 7, // doit (admin, Linux 5.19)
    cmd_dev_attr_set = 8,   // doit (admin, Linux 6.12)
};

// enum vdpa_attr
enum Attribute : std::uint16_t {
    // Padding before 64-bit values (nla_put_u64_64bit); never carries data.
    attr_pad = 0,

    attr_mgmtdev_bus_name = 1,          // string; absent for bus-less parents (simulators)
    attr_mgmtdev_dev_name = 2,          // string
    attr_mgmtdev_supported_classes = 3, // u64, bit N = virtio device id N

    attr_dev_name = 4,        // string
    attr_dev_id = 5,          // u32, virtio device id
    attr_dev_vendor_id = 6,   // u32
    attr_dev_max_vqs = 7,     // u32
    attr_dev_max_vq_size = 8, // u16
    attr_dev_min_vq_size = 9, // u16

    attr_dev_net_cfg_macaddr = 10, // binary, 6 bytes
    // The header says u8, but drivers/vdpa/vdpa.c sends it with nla_put_u16.
    attr_dev_net_status = 11,      // u16 on the wire
    attr_dev_net_cfg_max_vqp = 12, // u16
    attr_dev_net_cfg_mtu = 13,     // u16, the kernel's policy requires >= 68

    attr_dev_negotiated_features = 14, // u64
    attr_dev_mgmtdev_max_vqs = 15,     // u32
    attr_dev_supported_features = 16,  // u64

    attr_dev_queue_index = 17,       // u32
    attr_dev_vendor_attr_name = 18,  // string, repeated: pairs with the next value
    attr_dev_vendor_attr_value = 19, // u64, repeated

    // u64, features provisioned to the device (Linux 6.1). 6.1 also sent
    // a net device's features as attribute 21
    // (VDPA_ATTR_VDPA_DEV_SUPPORTED_FEATURES, in `dev config show`); 6.2
    // folded that into this one and left 21 unused until 6.9.
    attr_dev_features = 20,

    // Block device configuration (Linux 6.9; 6.2 to 6.8 know no attribute
    // above 20). Attribute 21 meant a net device's features in 6.1, so
    // these are only read as block configuration when the device is a
    // block device (6.1 sends 21 only for net devices).
    attr_dev_blk_cfg_capacity = 21,             // u64
    attr_dev_blk_cfg_size_max = 22,             // u32
    attr_dev_blk_cfg_blk_size = 23,             // u32
    attr_dev_blk_cfg_seg_max = 24,              // u32
    attr_dev_blk_cfg_num_queues = 25,           // u16
    attr_dev_blk_cfg_phy_blk_exp = 26,          // u8
    attr_dev_blk_cfg_align_offset = 27,         // u8
    attr_dev_blk_cfg_min_io_size = 28,          // u16
    attr_dev_blk_cfg_opt_io_size = 29,          // u32
    attr_dev_blk_cfg_max_discard_sec = 30,      // u32
    attr_dev_blk_cfg_max_discard_seg = 31,      // u32
    attr_dev_blk_cfg_discard_sec_align = 32,    // u32
    attr_dev_blk_cfg_max_write_zeroes_sec = 33, // u32
    attr_dev_blk_cfg_max_write_zeroes_seg = 34, // u32
    attr_dev_blk_read_only = 35,                // u8
    attr_dev_blk_flush = 36,                    // u8

    // VDPA_ATTR_MAX in the header is one past the last attribute; the
    // family's maxattr as reported by the controller equals it.
    attr_count = 37,
};

// Kernel limit on the queue index of a net device's vstats request
// (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX).
inline constexpr std::uint32_t net_max_queue_index = 0x8000;

} // namespace vdpa::uapi
