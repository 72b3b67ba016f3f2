// SPDX-License-Identifier: GPL-2.0-or-later
//
// What a restarted server needs to finish the requests its predecessor
// took but never completed. VDUSE re-queues unanswered control messages
// to the next process that opens the device, but the virtqueues are the
// device's own: which chains were taken from the avail ring and not yet
// put in the used ring is known only to the server. The log lives in a
// MAP_SHARED file, so what was stored survives a SIGKILL (the page cache
// keeps it); only program order of the stores matters, not a flush.
//
// Invariant kept by Virtqueue: every chain taken is either in the used
// ring or flagged here, so a restart resumes at used->idx plus the number
// of flagged heads, and runs the flagged chains again. The one window,
// between publishing used->idx and clearing the flag, is closed by
// remembering the head and the used index we were publishing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vdpa::device {

struct InflightQueueLog {
    std::uint16_t used_idx;  // used->idx once the last publication finished
    std::uint16_t last_head; // head being published when used_idx was stored
    std::uint16_t size;
    std::uint16_t reserved;
    // Followed by one flag per descriptor head.
    std::uint8_t *inflight() { return reinterpret_cast<std::uint8_t *>(this + 1); }
};

struct InflightFileHeader {
    std::uint64_t magic;
    std::uint32_t queue_count;
    std::uint32_t queue_size;
    std::uint8_t status; // the device status last accepted from the driver
    std::uint8_t backend_created; // net: this device's server created its TAP
    std::uint8_t reserved[6];
};

inline constexpr std::uint64_t inflight_magic = 0x31676f6c2d626c76ull; // "vlb-log1"

// A log file mapped into memory, one InflightQueueLog per queue.
class InflightFile {
public:
    InflightFile() = default;
    InflightFile(const InflightFile &) = delete;
    InflightFile &operator=(const InflightFile &) = delete;
    ~InflightFile();

    // Opens or creates path for queue_count queues of queue_size entries.
    // keep: use what a previous server left when its geometry matches;
    // otherwise (or when it does not match) start empty. Returns an error
    // message, empty on success.
    std::string open(const std::string &path, std::uint32_t queue_count,
                     std::uint32_t queue_size, bool keep);
    bool kept() const { return kept_; }
    InflightFileHeader &header() { return *reinterpret_cast<InflightFileHeader *>(base_); }
    InflightQueueLog &queue(std::uint32_t index);

private:
    std::byte *base_ = nullptr;
    std::size_t length_ = 0;
    std::size_t stride_ = 0;
    bool kept_ = false;
};

// The size of one queue's log in bytes, rounded to 8.
std::size_t inflight_queue_log_bytes(std::uint32_t queue_size);

} // namespace vdpa::device
