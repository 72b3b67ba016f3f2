// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/features.hpp>

#include <array>

#include "virtio.hpp"

namespace vdpa {
namespace {

namespace virtio = uapi::virtio;
using NameTable = std::array<std::string_view, 64>;

constexpr NameTable make_transport_names()
{
    NameTable t{};
    t[virtio::ring_f_indirect_desc] = "RING_INDIRECT_DESC";
    t[virtio::ring_f_event_idx] = "RING_EVENT_IDX";
    t[virtio::f_version_1] = "VERSION_1";
    t[virtio::f_access_platform] = "ACCESS_PLATFORM";
    t[virtio::f_ring_packed] = "RING_PACKED";
    t[virtio::f_in_order] = "IN_ORDER";
    t[virtio::f_order_platform] = "ORDER_PLATFORM";
    t[virtio::f_sr_iov] = "SR_IOV";
    t[virtio::f_notification_data] = "NOTIFICATION_DATA";
    return t;
}

// The net names iproute2 knows; bits it leaves unnamed stay unnamed here so
// that "bit_N" output matches it.
constexpr NameTable make_net_names()
{
    namespace net = virtio::net;
    NameTable t{};
    t[net::f_csum] = "CSUM";
    t[net::f_guest_csum] = "GUEST_CSUM";
    t[net::f_ctrl_guest_offloads] = "CTRL_GUEST_OFFLOADS";
    t[net::f_mtu] = "MTU";
    t[net::f_mac] = "MAC";
    t[net::f_guest_tso4] = "GUEST_TSO4";
    t[net::f_guest_tso6] = "GUEST_TSO6";
    t[net::f_guest_ecn] = "GUEST_ECN";
    t[net::f_guest_ufo] = "GUEST_UFO";
    t[net::f_host_tso4] = "HOST_TSO4";
    t[net::f_host_tso6] = "HOST_TSO6";
    t[net::f_host_ecn] = "HOST_ECN";
    t[net::f_host_ufo] = "HOST_UFO";
    t[net::f_mrg_rxbuf] = "MRG_RXBUF";
    t[net::f_status] = "STATUS";
    t[net::f_ctrl_vq] = "CTRL_VQ";
    t[net::f_ctrl_rx] = "CTRL_RX";
    t[net::f_ctrl_vlan] = "CTRL_VLAN";
    t[net::f_ctrl_rx_extra] = "CTRL_RX_EXTRA";
    t[net::f_guest_announce] = "GUEST_ANNOUNCE";
    t[net::f_mq] = "MQ";
    t[net::f_ctrl_mac_addr] = "CTRL_MAC_ADDR";
    t[virtio::f_notify_on_empty] = "NOTIFY_ON_EMPTY";
    t[virtio::f_any_layout] = "ANY_LAYOUT";
    t[net::f_hash_report] = "HASH_REPORT";
    t[net::f_rss] = "RSS";
    t[net::f_rsc_ext] = "RSC_EXT";
    t[net::f_standby] = "STANDBY";
    t[net::f_speed_duplex] = "SPEED_DUPLEX";
    return t;
}

constexpr NameTable make_block_names()
{
    namespace blk = virtio::blk;
    NameTable t{};
    t[blk::f_barrier] = "BARRIER";
    t[blk::f_size_max] = "SIZE_MAX";
    t[blk::f_seg_max] = "SEG_MAX";
    t[blk::f_geometry] = "GEOMETRY";
    t[blk::f_ro] = "RO";
    t[blk::f_blk_size] = "BLK_SIZE";
    t[blk::f_scsi] = "SCSI";
    t[blk::f_flush] = "FLUSH";
    t[blk::f_topology] = "TOPOLOGY";
    t[blk::f_config_wce] = "CONFIG_WCE";
    t[blk::f_mq] = "MQ";
    t[blk::f_discard] = "DISCARD";
    t[blk::f_write_zeroes] = "WRITE_ZEROES";
    t[blk::f_lifetime] = "LIFETIME";
    t[blk::f_secure_erase] = "SECURE_ERASE";
    t[blk::f_zoned] = "ZONED";
    t[virtio::f_notify_on_empty] = "NOTIFY_ON_EMPTY";
    t[virtio::f_any_layout] = "ANY_LAYOUT";
    return t;
}

constexpr NameTable transport_names = make_transport_names();
constexpr NameTable net_names = make_net_names();
constexpr NameTable block_names = make_block_names();

} // namespace

std::string_view feature_name(std::uint32_t device_id, unsigned bit)
{
    if (bit >= 64)
        return {};
    if (bit >= virtio::transport_f_start && bit <= virtio::transport_f_end)
        return transport_names[bit];
    switch (device_id) {
    case virtio::id_net:
        return net_names[bit];
    case virtio::id_block:
        return block_names[bit];
    default:
        return {};
    }
}

} // namespace vdpa
