// SPDX-License-Identifier: GPL-2.0-or-later
//
// The driver side of a split virtqueue in plain memory, for the device
// tests: one buffer stands for the driver's memory at a fixed IOVA, and
// tests build chains (good or malformed) in it.
#pragma once

#include "virtio/memory_map.hpp"
#include "virtio/virtqueue.hpp"

#include <cstring>
#include <vector>

namespace vdpa::device::test {

namespace virtio = uapi::virtio;

class FakeDriver {
public:
    static constexpr std::uint64_t iova_base = 0x100000;
    static constexpr std::size_t memory_bytes = 1 << 20;

    // base: where this driver's memory sits in IOVA space (two drivers
    // with different bases can share one MemoryMap: a queue pair).
    explicit FakeDriver(std::uint32_t size = 8, std::uint64_t base = iova_base)
        : size_(size), base_(base), memory_(memory_bytes)
    {
        map_.add(region());
        addresses_.size = size;
        addresses_.desc = base;
        addresses_.avail = base + 16 * size;
        addresses_.used = (addresses_.avail + virtio::avail_ring_bytes(size) + 3) & ~3ull;
        next_data_ = (addresses_.used + virtio::used_ring_bytes(size) + 4095) & ~4095ull;
    }

    MemoryMap &map() { return map_; }
    const VirtqueueAddresses &addresses() const { return addresses_; }
    std::uint32_t size() const { return size_; }

    MemoryRegion region() { return MemoryRegion{base_, base_ + memory_bytes - 1, memory_.data(), true, true}; }
    std::byte *host(std::uint64_t iova) { return memory_.data() + (iova - base_); }
    template <typename T> T &at(std::uint64_t iova) { return *reinterpret_cast<T *>(host(iova)); }

    // A buffer of len bytes in driver memory; returns its IOVA.
    std::uint64_t alloc(std::uint32_t len, std::uint8_t fill = 0)
    {
        const std::uint64_t iova = next_data_;
        next_data_ = (next_data_ + len + 15) & ~15ull;
        std::memset(host(iova), fill, len);
        return iova;
    }

    virtio::RingDesc &desc(std::uint16_t index)
    {
        return at<virtio::RingDesc>(addresses_.desc + 16ull * index);
    }
    void set_desc(std::uint16_t index, std::uint64_t addr, std::uint32_t len, std::uint16_t flags,
                  std::uint16_t next = 0)
    {
        desc(index) = virtio::RingDesc{addr, len, flags, next};
    }

    // Publishes head in the avail ring.
    void make_available(std::uint16_t head)
    {
        const std::uint16_t idx = avail_idx();
        at<std::uint16_t>(addresses_.avail + 4 + 2 * (idx % size_)) = head;
        at<std::uint16_t>(addresses_.avail + 2) = static_cast<std::uint16_t>(idx + 1);
    }
    std::uint16_t avail_idx() { return at<std::uint16_t>(addresses_.avail + 2); }
    void set_avail_idx(std::uint16_t v) { at<std::uint16_t>(addresses_.avail + 2) = v; }
    std::uint16_t &used_event() { return at<std::uint16_t>(addresses_.avail + 4 + 2 * size_); }
    std::uint16_t &avail_flags() { return at<std::uint16_t>(addresses_.avail); }

    std::uint16_t used_idx() { return at<std::uint16_t>(addresses_.used + 2); }
    virtio::RingUsedElem used_elem(std::uint16_t position)
    {
        return at<virtio::RingUsedElem>(addresses_.used + 4 + 8 * (position % size_));
    }
    std::uint16_t avail_event() { return at<std::uint16_t>(addresses_.used + 4 + 8 * size_); }

private:
    std::uint32_t size_;
    std::uint64_t base_;
    std::vector<std::byte> memory_;
    MemoryMap map_;
    VirtqueueAddresses addresses_;
    std::uint64_t next_data_ = 0;
};

} // namespace vdpa::device::test
