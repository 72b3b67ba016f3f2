// SPDX-License-Identifier: GPL-2.0-or-later
#include "net_queue.hpp"
#include "net_config.hpp"

#include <kernel-uapi/virtio_device.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

namespace vdpa::device {

namespace virtio = uapi::virtio;

namespace {

constexpr std::uint32_t header_bytes = sizeof(virtio::net::Header);
// Used entries are published at least this often inside a long batch, so
// the driver can refill (RX) or reuse (TX) buffers while we go on.
constexpr unsigned publish_every = 64;

void drain_eventfd(int fd)
{
    std::uint64_t count;
    [[maybe_unused]] auto n = read(fd, &count, sizeof count);
}

// Writes bytes at offset into the pieces of a chain's writable buffers.
void write_at(const std::vector<iovec> &pieces, std::size_t offset, const void *bytes,
              std::size_t length)
{
    const auto *from = static_cast<const std::byte *>(bytes);
    for (const iovec &piece : pieces) {
        if (length == 0)
            return;
        if (offset >= piece.iov_len) {
            offset -= piece.iov_len;
            continue;
        }
        const std::size_t n = std::min(length, piece.iov_len - offset);
        std::memcpy(static_cast<std::byte *>(piece.iov_base) + offset, from, n);
        from += n;
        length -= n;
        offset = 0;
    }
}

} // namespace

NetQueuePair::NetQueuePair(MemoryMap &memory, int tap) : tap_(tap), rx_(memory), tx_(memory) {}

void NetQueuePair::configure(bool mergeable, std::uint32_t frame_room)
{
    mergeable_ = mergeable;
    frame_room_ = frame_room;
}

void NetQueuePair::recover(const std::vector<std::uint16_t> &rx_heads,
                           const std::vector<std::uint16_t> &tx_heads)
{
    for (auto head : rx_heads) {
        Chain chain;
        if (!rx_.walk(head, chain))
            break;
        reserve_bytes_ += chain.writable_bytes;
        reserve_.push_back(std::move(chain));
    }
    for (auto head : tx_heads)
        tx_.fill(head, 0);
    tx_.publish();
}

void NetQueuePair::remap()
{
    rx_.remap();
    tx_.remap();
    reserve_bytes_ = 0;
    for (Chain &chain : reserve_) {
        if (!rx_.walk(chain.head, chain))
            break;
        reserve_bytes_ += chain.writable_bytes;
    }
}

unsigned NetQueuePair::transmit()
{
    unsigned frames = 0;
    for (;;) {
        while (tx_.pop(scratch_) == PopResult::chain) {
            // The header and the frame as the driver laid them out; the TAP
            // takes the header apart. A frame it refuses (too short, bad
            // GSO fields) is dropped, as a wire would.
            const bool sent =
                scratch_.writable.empty() && scratch_.readable_bytes >= header_bytes &&
                scratch_.readable.size() <= IOV_MAX &&
                writev(tap_, scratch_.readable.data(), static_cast<int>(scratch_.readable.size())) >= 0;
            if (!sent)
                ++dropped_;
            tx_.fill(scratch_.head, 0);
            if (++frames % publish_every == 0)
                tx_.publish();
        }
        if (!tx_.arm_kick())
            break;
    }
    tx_.publish();
    return frames;
}

bool NetQueuePair::fill_reserve()
{
    // Without MRG_RXBUF each frame takes one chain, sized by the driver
    // for the largest frame it expects.
    const std::uint64_t wanted = mergeable_ ? frame_room_ : 1;
    while (reserve_bytes_ < wanted || reserve_.empty()) {
        if (rx_.pop(scratch_) != PopResult::chain)
            return false;
        if (!scratch_.readable.empty() || scratch_.writable_bytes < header_bytes) {
            // Not a receive buffer: hand it back empty (the driver counts
            // a length error).
            rx_.fill(scratch_.head, 0);
            ++dropped_;
            continue;
        }
        reserve_bytes_ += scratch_.writable_bytes;
        reserve_.push_back(std::move(scratch_));
        scratch_ = Chain{};
    }
    return true;
}

void NetQueuePair::deliver(std::uint32_t length)
{
    std::uint16_t buffers = 0;
    std::uint32_t remaining = length;
    for (const Chain &chain : reserve_) {
        if (remaining == 0)
            break;
        remaining -= static_cast<std::uint32_t>(
            std::min<std::uint64_t>(remaining, chain.writable_bytes));
        ++buffers;
    }
    // The TAP leaves num_buffers alone (it writes the first 10 bytes of
    // the 12-byte header); it is the device's to fill.
    const std::uint16_t count = buffers;
    write_at(reserve_.front().writable, virtio::net::header_num_buffers_offset, &count,
             sizeof count);
    remaining = length;
    for (std::uint16_t i = 0; i < buffers; ++i) {
        Chain &chain = reserve_.front();
        const auto part =
            static_cast<std::uint32_t>(std::min<std::uint64_t>(remaining, chain.writable_bytes));
        rx_.fill(chain.head, part);
        remaining -= part;
        reserve_bytes_ -= chain.writable_bytes;
        reserve_.pop_front();
    }
}

unsigned NetQueuePair::receive()
{
    unsigned frames = 0;
    for (;;) {
        if (!fill_reserve()) {
            // Ask for a kick when buffers come; some may have come already.
            if (rx_.arm_kick())
                continue;
            waiting_for_buffers_ = true;
            break;
        }
        waiting_for_buffers_ = false;
        iov_.clear();
        for (const Chain &chain : reserve_) {
            iov_.insert(iov_.end(), chain.writable.begin(), chain.writable.end());
            if (iov_.size() >= IOV_MAX || !mergeable_)
                break;
        }
        iov_.resize(std::min<std::size_t>(iov_.size(), IOV_MAX));
        const ssize_t n = readv(tap_, iov_.data(), static_cast<int>(iov_.size()));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; // EAGAIN: no frame waiting; anything else: try on the next wake-up
        }
        if (static_cast<std::size_t>(n) < header_bytes) {
            ++dropped_; // nothing a driver could parse; the buffers stay ours
            continue;
        }
        deliver(static_cast<std::uint32_t>(n));
        if (++frames % publish_every == 0)
            rx_.publish();
    }
    rx_.publish();
    return frames;
}

void NetQueuePair::interrupt_if_wanted(const std::function<void(std::uint32_t)> &interrupt)
{
    if (rx_.should_interrupt())
        interrupt(rx_queue_index);
    if (tx_.should_interrupt())
        interrupt(tx_queue_index);
}

void NetQueuePair::run(int rx_kick, int tx_kick, int stop_fd,
                       const std::function<void(std::uint32_t)> &interrupt)
{
    transmit(); // what arrived before this thread started
    receive();
    interrupt_if_wanted(interrupt);
    for (;;) {
        pollfd fds[4] = {{stop_fd, POLLIN, 0},
                         {tx_kick, POLLIN, 0},
                         {rx_kick, POLLIN, 0},
                         // Frames wait in the TAP while there is nowhere to put them.
                         {tap_failed_ ? -1 : tap_,
                          static_cast<short>(waiting_for_buffers_ ? 0 : POLLIN), 0}};
        if (poll(fds, 4, -1) < 0)
            continue;
        if (fds[0].revents & POLLIN)
            break;
        if (fds[1].revents & POLLIN) {
            drain_eventfd(tx_kick);
            transmit();
        }
        if (fds[2].revents & POLLIN) {
            drain_eventfd(rx_kick);
            receive();
        } else if (fds[3].revents & POLLIN) {
            receive();
        }
        if (fds[3].revents & (POLLERR | POLLHUP | POLLNVAL))
            tap_failed_ = true; // detached underneath: nothing more to read
        interrupt_if_wanted(interrupt);
    }
    drain_eventfd(stop_fd);
}

} // namespace vdpa::device
