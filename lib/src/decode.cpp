// SPDX-License-Identifier: LGPL-2.1-or-later
#include "decode.hpp"

#include <cstring>
#include <string>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "netlink/attributes.hpp"
#include "vdpa_netlink.hpp"
#include "vdpa_policy.hpp"
#include "virtio.hpp"

namespace vdpa {
namespace {

using netlink::AttrSet;

Result<AttrSet> parse(const nlmsghdr* message)
{
    return AttrSet::parse_message(message, sizeof(genlmsghdr), vdpa_policy());
}

Error missing(std::string_view what, uapi::Attribute attribute)
{
    return Error::protocol("malformed netlink reply: " + std::string(what) + " without " +
                           std::string(vdpa_policy().find(attribute)->name));
}

MgmtDevHandle read_handle(const AttrSet& attrs)
{
    MgmtDevHandle handle;
    handle.bus = attrs.string(uapi::attr_mgmtdev_bus_name).value_or("");
    handle.name = attrs.string(uapi::attr_mgmtdev_dev_name).value_or("");
    return handle;
}

NetConfig read_net_config(const AttrSet& attrs)
{
    NetConfig net;
    if (auto mac = attrs.binary(uapi::attr_dev_net_cfg_macaddr)) {
        MacAddress address;
        std::memcpy(address.octets.data(), mac->data(), address.octets.size());
        net.mac = address;
    }
    net.status = attrs.u16(uapi::attr_dev_net_status);
    net.max_vq_pairs = attrs.u16(uapi::attr_dev_net_cfg_max_vqp);
    net.mtu = attrs.u16(uapi::attr_dev_net_cfg_mtu);
    return net;
}

std::optional<bool> flag(const AttrSet& attrs, std::uint16_t type)
{
    auto value = attrs.u8(type);
    return value ? std::optional<bool>(*value != 0) : std::nullopt;
}

Result<BlockConfig> read_block_config(const nlmsghdr* message)
{
    auto parsed = AttrSet::parse_message(message, sizeof(genlmsghdr), vdpa_block_policy());
    if (!parsed)
        return std::move(parsed).error();
    const AttrSet& attrs = *parsed;
    BlockConfig block;
    block.capacity = attrs.u64(uapi::attr_dev_blk_cfg_capacity);
    block.size_max = attrs.u32(uapi::attr_dev_blk_cfg_size_max);
    block.seg_max = attrs.u32(uapi::attr_dev_blk_cfg_seg_max);
    block.blk_size = attrs.u32(uapi::attr_dev_blk_cfg_blk_size);
    block.num_queues = attrs.u16(uapi::attr_dev_blk_cfg_num_queues);
    block.physical_block_exp = attrs.u8(uapi::attr_dev_blk_cfg_phy_blk_exp);
    block.alignment_offset = attrs.u8(uapi::attr_dev_blk_cfg_align_offset);
    block.min_io_size = attrs.u16(uapi::attr_dev_blk_cfg_min_io_size);
    block.opt_io_size = attrs.u32(uapi::attr_dev_blk_cfg_opt_io_size);
    block.max_discard_sectors = attrs.u32(uapi::attr_dev_blk_cfg_max_discard_sec);
    block.max_discard_seg = attrs.u32(uapi::attr_dev_blk_cfg_max_discard_seg);
    block.discard_sector_alignment = attrs.u32(uapi::attr_dev_blk_cfg_discard_sec_align);
    block.max_write_zeroes_sectors = attrs.u32(uapi::attr_dev_blk_cfg_max_write_zeroes_sec);
    block.max_write_zeroes_seg = attrs.u32(uapi::attr_dev_blk_cfg_max_write_zeroes_seg);
    block.read_only = flag(attrs, uapi::attr_dev_blk_read_only);
    block.flush = flag(attrs, uapi::attr_dev_blk_flush);
    return block;
}

} // namespace

Result<MgmtDev> decode_mgmtdev(const nlmsghdr* message)
{
    auto attrs = parse(message);
    if (!attrs)
        return std::move(attrs).error();
    if (!attrs->has(uapi::attr_mgmtdev_dev_name))
        return missing("management device", uapi::attr_mgmtdev_dev_name);
    MgmtDev mgmtdev;
    mgmtdev.handle = read_handle(*attrs);
    mgmtdev.supported_classes = attrs->u64(uapi::attr_mgmtdev_supported_classes);
    mgmtdev.max_supported_vqs = attrs->u32(uapi::attr_dev_mgmtdev_max_vqs);
    mgmtdev.supported_features = attrs->u64(uapi::attr_dev_supported_features);
    return mgmtdev;
}

Result<Device> decode_device(const nlmsghdr* message)
{
    auto attrs = parse(message);
    if (!attrs)
        return std::move(attrs).error();
    if (!attrs->has(uapi::attr_dev_name))
        return missing("device", uapi::attr_dev_name);
    if (!attrs->has(uapi::attr_mgmtdev_dev_name))
        return missing("device", uapi::attr_mgmtdev_dev_name);
    if (!attrs->has(uapi::attr_dev_id))
        return missing("device", uapi::attr_dev_id);
    Device device;
    device.name = *attrs->string(uapi::attr_dev_name);
    device.mgmtdev = read_handle(*attrs);
    device.device_id = *attrs->u32(uapi::attr_dev_id);
    device.vendor_id = attrs->u32(uapi::attr_dev_vendor_id);
    device.max_vqs = attrs->u32(uapi::attr_dev_max_vqs);
    device.max_vq_size = attrs->u16(uapi::attr_dev_max_vq_size);
    device.min_vq_size = attrs->u16(uapi::attr_dev_min_vq_size);
    return device;
}

Result<DeviceConfig> decode_device_config(const nlmsghdr* message)
{
    auto attrs = parse(message);
    if (!attrs)
        return std::move(attrs).error();
    if (!attrs->has(uapi::attr_dev_name))
        return missing("device configuration", uapi::attr_dev_name);
    if (!attrs->has(uapi::attr_dev_id))
        return missing("device configuration", uapi::attr_dev_id);
    DeviceConfig config;
    config.name = *attrs->string(uapi::attr_dev_name);
    config.device_id = *attrs->u32(uapi::attr_dev_id);
    config.negotiated_features = attrs->u64(uapi::attr_dev_negotiated_features);
    config.device_features = attrs->u64(uapi::attr_dev_features);
    if (config.device_id == uapi::virtio::id_net) {
        config.net = read_net_config(*attrs);
    } else if (config.device_id == uapi::virtio::id_block) {
        auto block = read_block_config(message);
        if (!block)
            return std::move(block).error();
        config.block = *std::move(block);
    }
    return config;
}

Result<QueueStats> decode_queue_stats(const nlmsghdr* message)
{
    auto attrs = parse(message);
    if (!attrs)
        return std::move(attrs).error();
    if (!attrs->has(uapi::attr_dev_name))
        return missing("queue statistics", uapi::attr_dev_name);
    if (!attrs->has(uapi::attr_dev_id))
        return missing("queue statistics", uapi::attr_dev_id);
    if (!attrs->has(uapi::attr_dev_queue_index))
        return missing("queue statistics", uapi::attr_dev_queue_index);
    QueueStats stats;
    stats.device = *attrs->string(uapi::attr_dev_name);
    stats.device_id = *attrs->u32(uapi::attr_dev_id);
    stats.negotiated_features = attrs->u64(uapi::attr_dev_negotiated_features);
    stats.max_vq_pairs = attrs->u16(uapi::attr_dev_net_cfg_max_vqp);
    stats.queue_index = *attrs->u32(uapi::attr_dev_queue_index);

    // Vendor counters repeat as name, value, name, value...: only the
    // message order ties a value to its name.
    std::optional<std::string> pending_name;
    auto walked = netlink::for_each_attribute(
        netlink::message_payload(message, sizeof(genlmsghdr)), vdpa_policy(),
        [&](std::uint16_t type, const nlattr* attr) -> Result<void> {
            if (type == uapi::attr_dev_vendor_attr_name) {
                if (pending_name)
                    return Error::protocol("malformed netlink reply: vendor counter \"" +
                                           *pending_name + "\" has no value");
                pending_name = std::string(netlink::attribute_string(attr));
            } else if (type == uapi::attr_dev_vendor_attr_value) {
                if (!pending_name)
                    return Error::protocol("malformed netlink reply: vendor counter value "
                                           "without a name");
                stats.counters.push_back({std::move(*pending_name), mnl_attr_get_u64(attr)});
                pending_name.reset();
            }
            return {};
        });
    if (!walked)
        return std::move(walked).error();
    if (pending_name)
        return Error::protocol("malformed netlink reply: vendor counter \"" + *pending_name +
                               "\" has no value");
    return stats;
}

} // namespace vdpa
