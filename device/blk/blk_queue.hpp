// SPDX-License-Identifier: GPL-2.0-or-later
//
// One virtio-blk queue served through its own io_uring: every chain the
// driver made available is parsed and submitted in one batch per kick,
// completions are reaped in bulk, and the driver is interrupted once per
// batch when it asks to be. The event loop waits on the ring alone: the
// kick eventfd and the stop eventfd are reads on the same ring. Reads and
// writes of a file held in memory (tmpfs) are done in the queue's thread
// instead (BlkIo::in_thread).
#pragma once

#include "blk/blk_request.hpp"
#include "virtio/virtqueue.hpp"

#include <liburing.h>

#include <functional>
#include <string>
#include <vector>

namespace vdpa::device {

// How reads and writes reach the backing file. Flush, discard and write
// zeroes always go through the io_uring.
enum class BlkIo {
    ring,      // io_uring: the kernel completes them while the queue goes on
    in_thread, // preadv/pwritev in the queue's thread, completed at once
};

// in_thread for a regular file on tmpfs or ramfs, else ring. Their page
// cache is the whole file, so a read or write is a copy that never waits
// for a device; but io_uring cannot try them without blocking (shmem sets
// no FMODE_NOWAIT up to Linux 6.12 at least) and hands every one to an
// io-wq worker thread: two thread switches per request. In the thread, CPU
// per I/O fell by about a third at 4k and a sixth at 128k, while the
// copies of one batch no longer overlap (128k bandwidth x1.22 -> x1.05 of
// qsd; bench/results/vduse-blk-2026-12-03-inline.txt).
BlkIo blk_io_for(int file);

class BlkQueue {
public:
    // file: the backing file, opened read-write or read-only as disk says.
    BlkQueue(MemoryMap &memory, int file, const BlkDisk &disk, BlkIo io = BlkIo::ring);
    BlkQueue(const BlkQueue &) = delete;
    BlkQueue &operator=(const BlkQueue &) = delete;
    ~BlkQueue();

    // Sets up the io_uring for entries requests; error message or empty.
    std::string init(std::uint32_t entries);
    Virtqueue &virtqueue() { return queue_; }

    // Submits again the chains a previous server left in flight.
    void resubmit(const std::vector<std::uint16_t> &heads);
    // Takes every available chain and submits its I/O in one batch.
    void process_available();
    // Reaps completions (waiting for one when wait); returns how many
    // requests completed.
    unsigned reap(bool wait);
    unsigned in_flight() const { return in_flight_; }

    // Runs until stop_fd is readable and nothing is in flight. interrupt
    // is called when the driver is to be told of used buffers.
    void run(int kick_fd, int stop_fd, const std::function<void()> &interrupt);

private:
    struct Slot {
        Chain chain;
        BlkRequest request;
    };
    void start(std::uint16_t head);
    void complete(std::uint16_t head, std::uint8_t status, std::uint32_t written);
    void transfer_in_thread(std::uint16_t head);
    io_uring_sqe *next_sqe();
    bool handle_cqe(io_uring_cqe *cqe, int kick_fd, bool &stopping);

    Virtqueue queue_;
    int file_;
    BlkDisk disk_;
    BlkIo io_;
    io_uring ring_{};
    bool ring_ready_ = false;
    std::vector<Slot> slots_;
    Chain scratch_;
    unsigned in_flight_ = 0;
    unsigned completed_ = 0;
    std::uint64_t kick_count_ = 0;
    std::uint64_t stop_count_ = 0;
    bool kick_armed_ = false; // a read of the kick eventfd is queued
};

} // namespace vdpa::device
