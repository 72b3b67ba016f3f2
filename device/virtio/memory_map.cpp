// SPDX-License-Identifier: GPL-2.0-or-later
#include "memory_map.hpp"

#include <algorithm>

namespace vdpa::device {

void MemoryMap::add(const MemoryRegion &region)
{
    remove(region.iova_first, region.iova_last);
    regions_.push_back(region);
    last_hit_ = regions_.size() - 1;
}

void MemoryMap::remove(std::uint64_t first, std::uint64_t last)
{
    auto overlaps = [&](const MemoryRegion &r) {
        return r.iova_first <= last && first <= r.iova_last;
    };
    for (const auto &r : regions_)
        if (overlaps(r) && releaser_)
            releaser_(r);
    std::erase_if(regions_, overlaps);
    last_hit_ = 0;
}

const MemoryRegion *MemoryMap::find(std::uint64_t iova)
{
    // Most lookups hit the region of the previous one (one bounce area).
    if (last_hit_ < regions_.size()) {
        const auto &r = regions_[last_hit_];
        if (r.iova_first <= iova && iova <= r.iova_last)
            return &r;
    }
    for (std::size_t i = 0; i < regions_.size(); ++i) {
        const auto &r = regions_[i];
        if (r.iova_first <= iova && iova <= r.iova_last) {
            last_hit_ = i;
            return &r;
        }
    }
    if (!resolver_)
        return nullptr;
    MemoryRegion fresh;
    if (!resolver_(iova, fresh) || fresh.host == nullptr || fresh.iova_first > iova ||
        iova > fresh.iova_last)
        return nullptr;
    add(fresh);
    return &regions_.back();
}

bool MemoryMap::translate(std::uint64_t iova, std::uint64_t length, bool for_write,
                          std::vector<iovec> &out)
{
    if (length == 0)
        return true;
    if (iova + (length - 1) < iova) // wraps past the end of the IOVA space
        return false;
    const std::size_t mark = out.size();
    std::uint64_t left = length;
    while (left > 0) {
        const MemoryRegion *r = find(iova);
        if (r == nullptr || !(for_write ? r->writable : r->readable)) {
            out.resize(mark);
            return false;
        }
        const std::uint64_t room = r->iova_last - iova + 1; // 0 means all 2^64
        const std::uint64_t piece = room == 0 ? left : std::min(left, room);
        out.push_back(iovec{r->host + (iova - r->iova_first), static_cast<std::size_t>(piece)});
        left -= piece;
        iova += piece;
    }
    return true;
}

std::byte *MemoryMap::translate_contiguous(std::uint64_t iova, std::uint64_t length,
                                           bool for_write)
{
    if (length == 0 || iova + (length - 1) < iova)
        return nullptr;
    const MemoryRegion *r = find(iova);
    if (r == nullptr || !(for_write ? r->writable : r->readable))
        return nullptr;
    if (length - 1 > r->iova_last - iova)
        return nullptr;
    return r->host + (iova - r->iova_first);
}

} // namespace vdpa::device
