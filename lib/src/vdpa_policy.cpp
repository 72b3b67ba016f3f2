// SPDX-License-Identifier: LGPL-2.1-or-later
#include "vdpa_policy.hpp"

#include "vdpa_netlink.hpp"

namespace vdpa {

using netlink::AttrKind;
using netlink::AttrPolicy;

const AttrPolicy& vdpa_policy()
{
    static const AttrPolicy policy =
        AttrPolicy()
            .add(uapi::attr_mgmtdev_bus_name, AttrKind::string, "VDPA_ATTR_MGMTDEV_BUS_NAME")
            .add(uapi::attr_mgmtdev_dev_name, AttrKind::string, "VDPA_ATTR_MGMTDEV_DEV_NAME")
            .add(uapi::attr_mgmtdev_supported_classes, AttrKind::u64,
                 "VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES")
            .add(uapi::attr_dev_name, AttrKind::string, "VDPA_ATTR_DEV_NAME")
            .add(uapi::attr_dev_id, AttrKind::u32, "VDPA_ATTR_DEV_ID")
            .add(uapi::attr_dev_vendor_id, AttrKind::u32, "VDPA_ATTR_DEV_VENDOR_ID")
            .add(uapi::attr_dev_max_vqs, AttrKind::u32, "VDPA_ATTR_DEV_MAX_VQS")
            .add(uapi::attr_dev_max_vq_size, AttrKind::u16, "VDPA_ATTR_DEV_MAX_VQ_SIZE")
            .add(uapi::attr_dev_min_vq_size, AttrKind::u16, "VDPA_ATTR_DEV_MIN_VQ_SIZE")
            .add(uapi::attr_dev_net_cfg_macaddr, AttrKind::binary, "VDPA_ATTR_DEV_NET_CFG_MACADDR",
                 6)
            .add(uapi::attr_dev_net_status, AttrKind::u16, "VDPA_ATTR_DEV_NET_STATUS")
            .add(uapi::attr_dev_net_cfg_max_vqp, AttrKind::u16, "VDPA_ATTR_DEV_NET_CFG_MAX_VQP")
            .add(uapi::attr_dev_net_cfg_mtu, AttrKind::u16, "VDPA_ATTR_DEV_NET_CFG_MTU")
            .add(uapi::attr_dev_negotiated_features, AttrKind::u64,
                 "VDPA_ATTR_DEV_NEGOTIATED_FEATURES")
            .add(uapi::attr_dev_mgmtdev_max_vqs, AttrKind::u32, "VDPA_ATTR_DEV_MGMTDEV_MAX_VQS")
            .add(uapi::attr_dev_supported_features, AttrKind::u64,
                 "VDPA_ATTR_DEV_SUPPORTED_FEATURES")
            .add(uapi::attr_dev_queue_index, AttrKind::u32, "VDPA_ATTR_DEV_QUEUE_INDEX")
            .add(uapi::attr_dev_vendor_attr_name, AttrKind::string,
                 "VDPA_ATTR_DEV_VENDOR_ATTR_NAME")
            .add(uapi::attr_dev_vendor_attr_value, AttrKind::u64, "VDPA_ATTR_DEV_VENDOR_ATTR_VALUE")
            .add(uapi::attr_dev_features, AttrKind::u64, "VDPA_ATTR_DEV_FEATURES");
    return policy;
}

const AttrPolicy& vdpa_block_policy()
{
    static const AttrPolicy policy =
        AttrPolicy()
            .add(uapi::attr_dev_blk_cfg_capacity, AttrKind::u64, "VDPA_ATTR_DEV_BLK_CFG_CAPACITY")
            .add(uapi::attr_dev_blk_cfg_size_max, AttrKind::u32, "VDPA_ATTR_DEV_BLK_CFG_SIZE_MAX")
            .add(uapi::attr_dev_blk_cfg_blk_size, AttrKind::u32, "VDPA_ATTR_DEV_BLK_CFG_BLK_SIZE")
            .add(uapi::attr_dev_blk_cfg_seg_max, AttrKind::u32, "VDPA_ATTR_DEV_BLK_CFG_SEG_MAX")
            .add(uapi::attr_dev_blk_cfg_num_queues, AttrKind::u16,
                 "VDPA_ATTR_DEV_BLK_CFG_NUM_QUEUES")
            .add(uapi::attr_dev_blk_cfg_phy_blk_exp, AttrKind::u8,
                 "VDPA_ATTR_DEV_BLK_CFG_PHY_BLK_EXP")
            .add(uapi::attr_dev_blk_cfg_align_offset, AttrKind::u8,
                 "VDPA_ATTR_DEV_BLK_CFG_ALIGN_OFFSET")
            .add(uapi::attr_dev_blk_cfg_min_io_size, AttrKind::u16,
                 "VDPA_ATTR_DEV_BLK_CFG_MIN_IO_SIZE")
            .add(uapi::attr_dev_blk_cfg_opt_io_size, AttrKind::u32,
                 "VDPA_ATTR_DEV_BLK_CFG_OPT_IO_SIZE")
            .add(uapi::attr_dev_blk_cfg_max_discard_sec, AttrKind::u32,
                 "VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEC")
            .add(uapi::attr_dev_blk_cfg_max_discard_seg, AttrKind::u32,
                 "VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEG")
            .add(uapi::attr_dev_blk_cfg_discard_sec_align, AttrKind::u32,
                 "VDPA_ATTR_DEV_BLK_CFG_DISCARD_SEC_ALIGN")
            .add(uapi::attr_dev_blk_cfg_max_write_zeroes_sec, AttrKind::u32,
                 "VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEC")
            .add(uapi::attr_dev_blk_cfg_max_write_zeroes_seg, AttrKind::u32,
                 "VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEG")
            .add(uapi::attr_dev_blk_read_only, AttrKind::u8, "VDPA_ATTR_DEV_BLK_READ_ONLY")
            .add(uapi::attr_dev_blk_flush, AttrKind::u8, "VDPA_ATTR_DEV_BLK_FLUSH");
    return policy;
}

} // namespace vdpa
