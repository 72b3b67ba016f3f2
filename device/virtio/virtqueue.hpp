// SPDX-License-Identifier: GPL-2.0-or-later
//
// The device side of a split virtqueue. The driver writes the descriptor
// table and the avail ring; everything read from them (indexes, lengths,
// addresses, flags) is untrusted: a malformed chain breaks the queue (as
// QEMU's virtio_error does) instead of being guessed at, and no walk visits
// more descriptors than the table holds, so a cycle cannot hang the device.
#pragma once

#include "inflight_log.hpp"
#include "memory_map.hpp"

#include <kernel-uapi/virtio_device.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vdpa::device {

struct VirtqueueAddresses {
    std::uint32_t size = 0; // entries, a power of two up to 32768
    std::uint64_t desc = 0;
    std::uint64_t avail = 0; // "driver area"
    std::uint64_t used = 0;  // "device area"
};

// One request: the buffers it reads, then the buffers it writes.
struct Chain {
    std::uint16_t head = 0;
    std::vector<iovec> readable;
    std::vector<iovec> writable;
    std::uint64_t readable_bytes = 0;
    std::uint64_t writable_bytes = 0;
    void reset(std::uint16_t h)
    {
        head = h;
        readable.clear();
        writable.clear();
        readable_bytes = writable_bytes = 0;
    }
};

enum class PopResult { chain, empty, broken };

class Virtqueue {
public:
    explicit Virtqueue(MemoryMap &memory) : memory_(memory) {}

    // Starts processing at last_avail (the index the driver set, or where a
    // previous server stopped). log may be null (no restart support).
    // Returns an error message, empty on success.
    std::string start(const VirtqueueAddresses &addresses, bool indirect, bool event_idx,
                      std::uint16_t last_avail, InflightQueueLog *log);
    // Translates the rings again (after the IOTLB changed); false breaks the queue.
    bool remap();

    // Takes the next available chain into out.
    PopResult pop(Chain &out);
    // Reads the chain at head again without taking anything (a restart
    // running what its predecessor left in flight).
    bool walk(std::uint16_t head, Chain &out);
    // Returns a chain to the driver with written bytes in its buffers.
    void push(std::uint16_t head, std::uint32_t written)
    {
        fill(head, written);
        publish();
    }
    // push() in two steps, for chains the driver must see together (the
    // buffers of one merged network frame): fill() writes used elements
    // the driver cannot see yet, publish() moves used->idx over all of them.
    void fill(std::uint16_t head, std::uint32_t written);
    void publish();
    // After a batch of pushes: does the driver want an interrupt?
    bool should_interrupt();
    // Before sleeping: asks the driver to kick for anything after what was
    // taken, then returns true when more arrived meanwhile (no kick will
    // come for it, so process it now).
    bool arm_kick();

    // A restart: from the log, where to resume and which heads were in
    // flight. Call after start() with the log of the previous server.
    std::vector<std::uint16_t> recover(std::uint16_t &resume_avail);

    std::uint16_t last_avail() const { return last_avail_; }
    std::uint16_t size() const { return static_cast<std::uint16_t>(size_); }
    bool broken() const { return !broken_reason_.empty(); }
    const std::string &broken_reason() const { return broken_reason_; }

private:
    bool fail(std::string reason);
    std::uint16_t avail_idx_acquire() const;

    MemoryMap &memory_;
    VirtqueueAddresses addresses_;
    std::uint32_t size_ = 0;
    bool indirect_ = false;
    bool event_idx_ = false;
    const std::byte *desc_ = nullptr;
    std::byte *avail_ = nullptr;
    std::byte *used_ = nullptr;
    std::uint16_t last_avail_ = 0;
    std::uint16_t used_idx_ = 0;       // published to the driver
    std::uint16_t filled_idx_ = 0;     // used elements written
    std::uint16_t signalled_used_ = 0;
    bool signalled_valid_ = false;
    InflightQueueLog *log_ = nullptr;
    std::string broken_reason_;
};

} // namespace vdpa::device
