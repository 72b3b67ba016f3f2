// SPDX-License-Identifier: GPL-2.0-or-later
//
// One virtio-net queue pair and its TAP: TX chains (virtio-net header plus
// frame) are written to the TAP as they are, frames read from the TAP
// (header included) go straight into RX buffers. Each kick or readable
// TAP is handled as a batch: everything available is moved, then used
// entries are published and the driver interrupted once.
//
// RX with MRG_RXBUF: buffers are taken from the avail ring until they
// can hold the largest frame the TAP may hand over; a frame fills a prefix
// of them, num_buffers in its header says how many, and the rest wait for
// the next frame. Those taken-but-unused buffers are in the inflight log,
// so a restarted server takes them up again instead of losing them.
#pragma once

#include "virtio/virtqueue.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

namespace vdpa::device {

class NetQueuePair {
public:
    // tap: a non-blocking fd whose reads and writes carry a 12-byte
    // virtio-net header before each frame.
    NetQueuePair(MemoryMap &memory, int tap);
    NetQueuePair(const NetQueuePair &) = delete;
    NetQueuePair &operator=(const NetQueuePair &) = delete;

    Virtqueue &rx() { return rx_; }
    Virtqueue &tx() { return tx_; }
    // mergeable: MRG_RXBUF negotiated; frame_room: receive_frame_room().
    void configure(bool mergeable, std::uint32_t frame_room);

    // After a restart: the RX buffers the predecessor held are taken up
    // again; TX frames it took but may not have sent are dropped (as on a
    // wire) and their buffers returned.
    void recover(const std::vector<std::uint16_t> &rx_heads,
                 const std::vector<std::uint16_t> &tx_heads);
    // After the IOTLB changed: the rings and the held RX buffers are
    // translated again.
    void remap();

    // Writes every available TX frame to the TAP; returns how many.
    unsigned transmit();
    // Reads frames from the TAP while RX buffers last; returns how many.
    unsigned receive();
    // receive() stopped for want of buffers (not for want of frames).
    bool waiting_for_buffers() const { return waiting_for_buffers_; }
    std::uint64_t dropped() const { return dropped_; }

    // Runs until stop_fd is readable. interrupt(queue index) is called
    // when the driver is to be told of used buffers.
    void run(int rx_kick, int tx_kick, int stop_fd,
             const std::function<void(std::uint32_t)> &interrupt);

private:
    bool fill_reserve();
    void deliver(std::uint32_t length);
    void interrupt_if_wanted(const std::function<void(std::uint32_t)> &interrupt);

    int tap_;
    Virtqueue rx_;
    Virtqueue tx_;
    bool mergeable_ = false;
    std::uint32_t frame_room_ = 0;
    std::deque<Chain> reserve_; // RX buffers taken, not yet used
    std::uint64_t reserve_bytes_ = 0;
    bool waiting_for_buffers_ = false;
    bool tap_failed_ = false;
    std::uint64_t dropped_ = 0;
    Chain scratch_;
    std::vector<iovec> iov_;
};

} // namespace vdpa::device
