// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Virtio constants the tool speaks: device ids (virtio_ids.h), transport
// feature bits (virtio_config.h, virtio_ring.h), net and block feature and
// status bits (virtio_net.h, virtio_blk.h). Transcribed from Linux 6.12.
#pragma once

#include <cstdint>

namespace vdpa::uapi::virtio {

// virtio_ids.h
inline constexpr std::uint32_t id_net = 1;
inline constexpr std::uint32_t id_block = 2;

// virtio_config.h: the transport feature range. iproute2 names the bits in
// this range from the transport table and all others from the device table.
inline constexpr unsigned transport_f_start = 28;
inline constexpr unsigned transport_f_end = 41;

inline constexpr unsigned f_notify_on_empty = 24;
inline constexpr unsigned f_any_layout = 27;
inline constexpr unsigned ring_f_indirect_desc = 28;
inline constexpr unsigned ring_f_event_idx = 29;
inline constexpr unsigned f_version_1 = 32;
inline constexpr unsigned f_access_platform = 33;
inline constexpr unsigned f_ring_packed = 34;
inline constexpr unsigned f_in_order = 35;
inline constexpr unsigned f_order_platform = 36;
inline constexpr unsigned f_sr_iov = 37;
inline constexpr unsigned f_notification_data = 38;
inline constexpr unsigned f_notif_config_data = 39;
inline constexpr unsigned f_ring_reset = 40;
inline constexpr unsigned f_admin_vq = 41;

// virtio_config.h: device status bits
inline constexpr std::uint8_t status_features_ok = 8;

// virtio_net.h
namespace net {
inline constexpr unsigned f_csum = 0;
inline constexpr unsigned f_guest_csum = 1;
inline constexpr unsigned f_ctrl_guest_offloads = 2;
inline constexpr unsigned f_mtu = 3;
inline constexpr unsigned f_mac = 5;
inline constexpr unsigned f_gso = 6;
inline constexpr unsigned f_guest_tso4 = 7;
inline constexpr unsigned f_guest_tso6 = 8;
inline constexpr unsigned f_guest_ecn = 9;
inline constexpr unsigned f_guest_ufo = 10;
inline constexpr unsigned f_host_tso4 = 11;
inline constexpr unsigned f_host_tso6 = 12;
inline constexpr unsigned f_host_ecn = 13;
inline constexpr unsigned f_host_ufo = 14;
inline constexpr unsigned f_mrg_rxbuf = 15;
inline constexpr unsigned f_status = 16;
inline constexpr unsigned f_ctrl_vq = 17;
inline constexpr unsigned f_ctrl_rx = 18;
inline constexpr unsigned f_ctrl_vlan = 19;
inline constexpr unsigned f_ctrl_rx_extra = 20;
inline constexpr unsigned f_guest_announce = 21;
inline constexpr unsigned f_mq = 22;
inline constexpr unsigned f_ctrl_mac_addr = 23;
inline constexpr unsigned f_device_stats = 50;
inline constexpr unsigned f_vq_notf_coal = 52;
inline constexpr unsigned f_notf_coal = 53;
inline constexpr unsigned f_guest_uso4 = 54;
inline constexpr unsigned f_guest_uso6 = 55;
inline constexpr unsigned f_host_uso = 56;
inline constexpr unsigned f_hash_report = 57;
inline constexpr unsigned f_guest_hdrlen = 59;
inline constexpr unsigned f_rss = 60;
inline constexpr unsigned f_rsc_ext = 61;
inline constexpr unsigned f_standby = 62;
inline constexpr unsigned f_speed_duplex = 63;

inline constexpr std::uint16_t s_link_up = 1;
inline constexpr std::uint16_t s_announce = 2;
} // namespace net

// virtio_blk.h
namespace blk {
inline constexpr unsigned f_barrier = 0;
inline constexpr unsigned f_size_max = 1;
inline constexpr unsigned f_seg_max = 2;
inline constexpr unsigned f_geometry = 4;
inline constexpr unsigned f_ro = 5;
inline constexpr unsigned f_blk_size = 6;
inline constexpr unsigned f_scsi = 7;
inline constexpr unsigned f_flush = 9;
inline constexpr unsigned f_topology = 10;
inline constexpr unsigned f_config_wce = 11;
inline constexpr unsigned f_mq = 12;
inline constexpr unsigned f_discard = 13;
inline constexpr unsigned f_write_zeroes = 14;
inline constexpr unsigned f_lifetime = 15;
inline constexpr unsigned f_secure_erase = 16;
inline constexpr unsigned f_zoned = 17;
} // namespace blk

} // namespace vdpa::uapi::virtio
