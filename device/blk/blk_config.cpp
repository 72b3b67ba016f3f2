// SPDX-License-Identifier: GPL-2.0-or-later
#include "blk_config.hpp"

#include <kernel-uapi/virtio.hpp>

#include <bit>

namespace vdpa::device {

namespace virtio = uapi::virtio;

std::string check_blk_options(const BlkOptions &o, std::uint64_t file_bytes)
{
    if (o.queues == 0 || o.queues > max_queues)
        return "queues must be between 1 and " + std::to_string(max_queues);
    if (o.queue_size < 2 || o.queue_size > max_queue_size || !std::has_single_bit(o.queue_size))
        return "queue_size must be a power of two between 2 and " +
               std::to_string(max_queue_size);
    if (o.blk_size < 512 || o.blk_size > 65536 || !std::has_single_bit(o.blk_size))
        return "blk_size must be a power of two between 512 and 65536";
    if (file_bytes == 0)
        return "the backing file is empty";
    if (file_bytes % o.blk_size != 0)
        return "the backing file's size " + std::to_string(file_bytes) +
               " is not a multiple of the block size " + std::to_string(o.blk_size);
    return {};
}

std::uint64_t blk_features(const BlkOptions &o)
{
    auto bit = [](unsigned n) { return std::uint64_t{1} << n; };
    std::uint64_t f = bit(virtio::f_version_1) | bit(virtio::f_access_platform) |
                      bit(virtio::ring_f_indirect_desc) | bit(virtio::ring_f_event_idx) |
                      bit(virtio::blk::f_size_max) | bit(virtio::blk::f_seg_max) |
                      bit(virtio::blk::f_blk_size) | bit(virtio::blk::f_topology) |
                      bit(virtio::blk::f_flush);
    if (o.readonly)
        f |= bit(virtio::blk::f_ro);
    else
        f |= bit(virtio::blk::f_discard) | bit(virtio::blk::f_write_zeroes);
    if (o.queues > 1)
        f |= bit(virtio::blk::f_mq);
    return f;
}

virtio::blk::Config blk_config(const BlkOptions &o, std::uint64_t file_bytes)
{
    virtio::blk::Config c{};
    const std::uint32_t sectors_per_block = o.blk_size >> virtio::blk::sector_shift;
    c.capacity = file_bytes >> virtio::blk::sector_shift;
    c.size_max = size_max;
    c.seg_max = seg_max;
    c.blk_size = o.blk_size;
    c.physical_block_exp = 0;
    c.alignment_offset = 0;
    c.min_io_size = 1;
    c.opt_io_size = 1;
    c.num_queues = static_cast<std::uint16_t>(o.queues);
    // One range per request: each is one fallocate on the io_uring.
    c.max_discard_sectors = 1u << 22;
    c.max_discard_seg = 1;
    c.discard_sector_alignment = sectors_per_block;
    c.max_write_zeroes_sectors = 1u << 22;
    c.max_write_zeroes_seg = 1;
    c.write_zeroes_may_unmap = 1;
    return c;
}

} // namespace vdpa::device
