// SPDX-License-Identifier: GPL-2.0-or-later
//
// The device's view of driver memory: IOVA ranges mapped into this
// process. Every address and length the driver hands over goes through
// translate(), which refuses anything not wholly inside mapped ranges with
// the right permission; nothing else turns an IOVA into a pointer.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace vdpa::device {

struct MemoryRegion {
    std::uint64_t iova_first = 0;
    std::uint64_t iova_last = 0; // inclusive, as the kernel's IOTLB
    std::byte *host = nullptr;   // where iova_first is mapped
    bool readable = true;
    bool writable = true;
};

class MemoryMap {
public:
    // Called on a miss with the IOVA looked for; fills a region covering it
    // (VDUSE: VDUSE_IOTLB_GET_FD plus mmap) or returns false.
    using Resolver = std::function<bool(std::uint64_t iova, MemoryRegion &region)>;
    // Called for each region dropped (munmap).
    using Releaser = std::function<void(const MemoryRegion &region)>;

    MemoryMap() = default;
    MemoryMap(Resolver resolver, Releaser releaser)
        : resolver_(std::move(resolver)), releaser_(std::move(releaser))
    {
    }
    MemoryMap(const MemoryMap &) = delete;
    MemoryMap &operator=(const MemoryMap &) = delete;
    ~MemoryMap() { clear(); }

    void add(const MemoryRegion &region);
    // Drops (and releases) every region overlapping [first, last].
    void remove(std::uint64_t first, std::uint64_t last);
    void clear() { remove(0, UINT64_MAX); }

    // Appends the host pieces of [iova, iova + length) to out; false, with
    // out unchanged, when any byte is unmapped, lacks the permission, or the
    // range wraps around. A zero length translates to nothing.
    bool translate(std::uint64_t iova, std::uint64_t length, bool for_write,
                   std::vector<iovec> &out);
    // One contiguous host pointer for the range (rings, headers), or nullptr.
    std::byte *translate_contiguous(std::uint64_t iova, std::uint64_t length, bool for_write);

    std::size_t region_count() const { return regions_.size(); }

private:
    const MemoryRegion *find(std::uint64_t iova);

    std::vector<MemoryRegion> regions_;
    std::size_t last_hit_ = 0;
    Resolver resolver_;
    Releaser releaser_;
};

} // namespace vdpa::device
