// SPDX-License-Identifier: GPL-2.0-or-later
#include "virtqueue.hpp"

#include <cstring>

namespace vdpa::device {

namespace virtio = uapi::virtio;

namespace {

// Ring fields shared with the driver are read and written once each, with
// atomics, so the compiler neither tears nor repeats them.
std::uint16_t load16(const std::byte *p, int order = __ATOMIC_RELAXED)
{
    return __atomic_load_n(reinterpret_cast<const std::uint16_t *>(p), order);
}

void store16(std::byte *p, std::uint16_t value, int order = __ATOMIC_RELAXED)
{
    __atomic_store_n(reinterpret_cast<std::uint16_t *>(p), value, order);
}

void store32(std::byte *p, std::uint32_t value)
{
    __atomic_store_n(reinterpret_cast<std::uint32_t *>(p), value, __ATOMIC_RELAXED);
}

// The largest indirect table a chain may name: as many descriptors as a
// 16-bit next field can reach.
constexpr std::uint32_t indirect_table_max = 65536;

} // namespace

bool Virtqueue::fail(std::string reason)
{
    if (broken_reason_.empty())
        broken_reason_ = std::move(reason);
    return false;
}

std::string Virtqueue::start(const VirtqueueAddresses &addresses, bool indirect, bool event_idx,
                             std::uint16_t last_avail, InflightQueueLog *log)
{
    const std::uint32_t n = addresses.size;
    if (n == 0 || n > 32768 || (n & (n - 1)) != 0)
        return "queue size " + std::to_string(n) + " is not a power of two up to 32768";
    addresses_ = addresses;
    size_ = n;
    indirect_ = indirect;
    event_idx_ = event_idx;
    log_ = log;
    broken_reason_.clear();
    if (!remap())
        return broken_reason_;
    last_avail_ = last_avail;
    // The used index is the driver's to initialise (zero after a reset);
    // after a restart it is where the previous server stopped.
    used_idx_ = load16(used_ + 2);
    filled_idx_ = used_idx_;
    signalled_valid_ = false;
    return {};
}

bool Virtqueue::remap()
{
    desc_ = memory_.translate_contiguous(addresses_.desc, 16ull * size_, false);
    avail_ = memory_.translate_contiguous(addresses_.avail, virtio::avail_ring_bytes(size_), false);
    used_ = memory_.translate_contiguous(addresses_.used, virtio::used_ring_bytes(size_), true);
    if (desc_ == nullptr || avail_ == nullptr || used_ == nullptr)
        return fail("rings outside mapped memory");
    if ((addresses_.desc % 16) != 0 || (addresses_.avail % 2) != 0 || (addresses_.used % 4) != 0)
        return fail("rings misaligned");
    return true;
}

std::uint16_t Virtqueue::avail_idx_acquire() const
{
    // Acquire: the ring entries and descriptors the index covers are read
    // after it.
    return load16(avail_ + 2, __ATOMIC_ACQUIRE);
}

PopResult Virtqueue::pop(Chain &out)
{
    if (broken())
        return PopResult::broken;
    const std::uint16_t avail_idx = avail_idx_acquire();
    if (avail_idx == last_avail_)
        return PopResult::empty;
    if (static_cast<std::uint16_t>(avail_idx - last_avail_) > size_) {
        fail("avail index " + std::to_string(avail_idx) + " is more than the ring size ahead of " +
             std::to_string(last_avail_));
        return PopResult::broken;
    }
    const std::uint16_t head = load16(avail_ + 4 + 2 * (last_avail_ & (size_ - 1)));
    if (!walk(head, out))
        return PopResult::broken;
    if (log_ != nullptr)
        __atomic_store_n(&log_->inflight()[head], 1, __ATOMIC_RELEASE);
    ++last_avail_;
    return PopResult::chain;
}

bool Virtqueue::walk(std::uint16_t head, Chain &out)
{
    out.reset(head);
    if (head >= size_)
        return fail("head index " + std::to_string(head) + " out of range");
    const std::byte *table = desc_;
    std::uint32_t table_size = size_;
    std::uint32_t index = head;
    std::uint32_t budget = size_;
    bool in_indirect = false;
    std::uint64_t total = 0;
    for (;;) {
        if (budget-- == 0)
            return fail("descriptor chain loops or outgrows its table");
        virtio::RingDesc d;
        std::memcpy(&d, table + 16ull * index, sizeof d); // read once: the driver may change it
        if (d.flags & virtio::desc_f_indirect) {
            if (!indirect_)
                return fail("indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC");
            if (in_indirect)
                return fail("indirect descriptor inside an indirect table");
            if (d.flags & virtio::desc_f_next)
                return fail("indirect descriptor with NEXT set");
            if (d.len == 0 || d.len % 16 != 0 || d.len / 16 > indirect_table_max)
                return fail("indirect table length " + std::to_string(d.len) + " is invalid");
            table = memory_.translate_contiguous(d.addr, d.len, false);
            if (table == nullptr)
                return fail("indirect table outside mapped memory");
            table_size = d.len / 16;
            index = 0;
            budget = table_size;
            in_indirect = true;
            continue;
        }
        total += d.len;
        if (total > UINT32_MAX)
            return fail("chain longer than 4 GiB");
        const bool write = (d.flags & virtio::desc_f_write) != 0;
        if (!write && !out.writable.empty())
            return fail("readable descriptor after a writable one");
        auto &pieces = write ? out.writable : out.readable;
        if (!memory_.translate(d.addr, d.len, write, pieces))
            return fail("buffer outside mapped memory");
        (write ? out.writable_bytes : out.readable_bytes) += d.len;
        if (!(d.flags & virtio::desc_f_next))
            return true;
        index = d.next;
        if (index >= table_size)
            return fail("next index " + std::to_string(index) + " out of range");
    }
}

void Virtqueue::fill(std::uint16_t head, std::uint32_t written)
{
    std::byte *elem = used_ + 4 + 8 * (filled_idx_ & (size_ - 1));
    store32(elem, head);
    store32(elem + 4, written);
    ++filled_idx_;
}

void Virtqueue::publish()
{
    if (filled_idx_ == used_idx_)
        return;
    const std::uint16_t first = used_idx_;
    if (log_ != nullptr)
        __atomic_store_n(&log_->last_head, load16(used_ + 4 + 8 * (first & (size_ - 1))),
                         __ATOMIC_RELEASE);
    used_idx_ = filled_idx_;
    // Release: the elements are visible before the index that covers them.
    store16(used_ + 2, used_idx_, __ATOMIC_RELEASE);
    if (log_ != nullptr) {
        // Flags first, then the index: a crash between the two leaves the
        // logged index behind, and recover() clears the flags of the heads
        // the used ring holds between the two indexes.
        for (std::uint16_t position = first; position != used_idx_; ++position) {
            const std::uint16_t head = load16(used_ + 4 + 8 * (position & (size_ - 1)));
            if (head < size_)
                __atomic_store_n(&log_->inflight()[head], 0, __ATOMIC_RELEASE);
        }
        __atomic_store_n(&log_->used_idx, used_idx_, __ATOMIC_RELEASE);
    }
}

bool Virtqueue::should_interrupt()
{
    const std::uint16_t old = signalled_used_;
    const bool valid = signalled_valid_;
    if (valid && old == used_idx_)
        return false;
    signalled_used_ = used_idx_;
    signalled_valid_ = true;
    // Full barrier: the used index is stored before the driver's
    // suppression is read, or both sides could skip the interrupt.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (event_idx_) {
        const std::uint16_t used_event = load16(avail_ + 4 + 2 * size_);
        return !valid || virtio::need_event(used_event, used_idx_, old);
    }
    return !(load16(avail_) & virtio::avail_f_no_interrupt);
}

bool Virtqueue::arm_kick()
{
    if (broken())
        return false;
    if (event_idx_)
        store16(used_ + 4 + 8 * size_, last_avail_);
    // Full barrier: the request for a kick is visible before the avail
    // index is read again, or a buffer added in between goes unnoticed.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return avail_idx_acquire() != last_avail_;
}

std::vector<std::uint16_t> Virtqueue::recover(std::uint16_t &resume_avail)
{
    std::vector<std::uint16_t> heads;
    resume_avail = used_idx_;
    if (log_ == nullptr)
        return heads;
    if (log_->used_idx != used_idx_) {
        // Killed between publishing used->idx and recording it: the chains
        // being published are done. They are the used ring's entries
        // between the two indexes (last_head: the first of them, kept for
        // a log written before the ring was read).
        if (log_->last_head < size_)
            log_->inflight()[log_->last_head] = 0;
        const bool within_ring = static_cast<std::uint16_t>(used_idx_ - log_->used_idx) <= size_;
        for (std::uint16_t position = log_->used_idx; within_ring && position != used_idx_;
             ++position) {
            const std::uint16_t head = load16(used_ + 4 + 8 * (position & (size_ - 1)));
            if (head < size_)
                log_->inflight()[head] = 0;
        }
        log_->used_idx = used_idx_;
    }
    for (std::uint32_t head = 0; head < size_; ++head)
        if (log_->inflight()[head])
            heads.push_back(static_cast<std::uint16_t>(head));
    resume_avail = static_cast<std::uint16_t>(used_idx_ + heads.size());
    last_avail_ = resume_avail;
    return heads;
}

} // namespace vdpa::device
