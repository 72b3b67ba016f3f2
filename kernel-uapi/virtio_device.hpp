// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What a virtio device implementation reads and writes in guest memory:
// the split ring layout (virtio_ring.h), device status bits
// (virtio_config.h) and the block device's configuration space and
// request formats (virtio_blk.h). Transcribed from Linux 6.12. All fields
// are little-endian (VIRTIO_F_VERSION_1); this code assumes a
// little-endian host.
#pragma once

#include <cstdint>

namespace vdpa::uapi::virtio {

// virtio_config.h: device status bits
inline constexpr std::uint8_t status_acknowledge = 1;
inline constexpr std::uint8_t status_driver = 2;
inline constexpr std::uint8_t status_driver_ok = 4;
inline constexpr std::uint8_t status_needs_reset = 0x40;
inline constexpr std::uint8_t status_failed = 0x80;

// virtio_ring.h
inline constexpr std::uint16_t desc_f_next = 1;
inline constexpr std::uint16_t desc_f_write = 2;
inline constexpr std::uint16_t desc_f_indirect = 4;
inline constexpr std::uint16_t used_f_no_notify = 1;
inline constexpr std::uint16_t avail_f_no_interrupt = 1;

struct RingDesc {
    std::uint64_t addr;
    std::uint32_t len;
    std::uint16_t flags;
    std::uint16_t next;
};
static_assert(sizeof(RingDesc) == 16);

struct RingUsedElem {
    std::uint32_t id;
    std::uint32_t len;
};

// Avail ring: flags, idx, ring[num], used_event. Used ring: flags, idx,
// ring[num] of RingUsedElem, avail_event.
inline constexpr std::uint64_t avail_ring_bytes(std::uint32_t num) { return 4 + 2ull * num + 2; }
inline constexpr std::uint64_t used_ring_bytes(std::uint32_t num) { return 4 + 8ull * num + 2; }

// vring_need_event: should the side that waits at event_idx be told, now
// that the index moved from old to new_idx?
inline constexpr bool need_event(std::uint16_t event_idx, std::uint16_t new_idx,
                                 std::uint16_t old)
{
    return static_cast<std::uint16_t>(new_idx - event_idx - 1) <
           static_cast<std::uint16_t>(new_idx - old);
}

namespace blk {
// Request types
inline constexpr std::uint32_t t_in = 0;
inline constexpr std::uint32_t t_out = 1;
inline constexpr std::uint32_t t_flush = 4;
inline constexpr std::uint32_t t_get_id = 8;
inline constexpr std::uint32_t t_discard = 11;
inline constexpr std::uint32_t t_write_zeroes = 13;

// Status byte, the last byte the device writes
inline constexpr std::uint8_t s_ok = 0;
inline constexpr std::uint8_t s_ioerr = 1;
inline constexpr std::uint8_t s_unsupp = 2;

inline constexpr std::uint32_t id_bytes = 20;
inline constexpr std::uint32_t write_zeroes_flag_unmap = 1;
inline constexpr unsigned sector_shift = 9;

struct OutHeader {
    std::uint32_t type;
    std::uint32_t ioprio;
    std::uint64_t sector;
};
static_assert(sizeof(OutHeader) == 16);

struct DiscardWriteZeroes {
    std::uint64_t sector;
    std::uint32_t num_sectors;
    std::uint32_t flags;
};
static_assert(sizeof(DiscardWriteZeroes) == 16);

struct [[gnu::packed]] Config {
    std::uint64_t capacity;
    std::uint32_t size_max;
    std::uint32_t seg_max;
    std::uint16_t geometry_cylinders;
    std::uint8_t geometry_heads;
    std::uint8_t geometry_sectors;
    std::uint32_t blk_size;
    std::uint8_t physical_block_exp;
    std::uint8_t alignment_offset;
    std::uint16_t min_io_size;
    std::uint32_t opt_io_size;
    std::uint8_t wce;
    std::uint8_t unused;
    std::uint16_t num_queues;
    std::uint32_t max_discard_sectors;
    std::uint32_t max_discard_seg;
    std::uint32_t discard_sector_alignment;
    std::uint32_t max_write_zeroes_sectors;
    std::uint32_t max_write_zeroes_seg;
    std::uint8_t write_zeroes_may_unmap;
    std::uint8_t unused1[3];
    std::uint32_t max_secure_erase_sectors;
    std::uint32_t max_secure_erase_seg;
    std::uint32_t secure_erase_sector_alignment;
};
static_assert(sizeof(Config) == 72);
} // namespace blk

// virtio_net.h: the configuration space up to mtu, and the header before
// every frame (struct virtio_net_hdr_v1: with VERSION_1 always 12 bytes,
// num_buffers included, whether or not MRG_RXBUF was negotiated).
namespace net {
struct [[gnu::packed]] Config {
    std::uint8_t mac[6];
    std::uint16_t status;
    std::uint16_t max_virtqueue_pairs;
    std::uint16_t mtu;
};
static_assert(sizeof(Config) == 12);

struct Header {
    std::uint8_t flags;
    std::uint8_t gso_type;
    std::uint16_t hdr_len;
    std::uint16_t gso_size;
    std::uint16_t csum_start;
    std::uint16_t csum_offset;
    std::uint16_t num_buffers;
};
static_assert(sizeof(Header) == 12);
inline constexpr std::uint32_t config_status_offset = 6;
inline constexpr std::uint32_t header_num_buffers_offset = 10;
} // namespace net

} // namespace vdpa::uapi::virtio
