// SPDX-License-Identifier: GPL-2.0-or-later
//
// A virtio-blk request read from a chain: a 16-byte header the driver
// wrote, data buffers, and a status byte the device writes last. Sizes,
// sectors and ranges come from the driver and are checked against the disk
// here, so the backend only ever sees I/O inside the file.
#pragma once

#include "virtio/virtqueue.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vdpa::device {

struct BlkDisk {
    std::uint64_t bytes = 0;
    bool readonly = false;
    std::string serial;
};

enum class BlkOp { read, write, flush, discard, write_zeroes, done };

struct BlkRequest {
    BlkOp op = BlkOp::done;
    std::uint64_t offset = 0; // bytes into the file
    std::uint64_t length = 0; // bytes
    std::vector<iovec> data;  // read: where to put; write: what to write
    bool unmap = false;       // write_zeroes may deallocate
    std::uint8_t *status = nullptr;
    // For op == done: the status to report now, nothing to submit.
    std::uint8_t status_value = uapi::virtio::blk::s_ok;
    // Bytes the device writes into the chain on success (data + status).
    std::uint32_t written_on_success = 1;
};

// Fills out from chain. Returns false when the chain cannot even carry a
// status byte or a header: the caller returns it unanswered (used length 0).
bool parse_blk_request(const Chain &chain, const BlkDisk &disk, BlkRequest &out);

// Copies up to length bytes starting offset bytes into the buffers; returns
// what was copied.
std::uint64_t copy_from_buffers(const std::vector<iovec> &buffers, std::uint64_t offset,
                                void *to, std::uint64_t length);
std::uint64_t copy_to_buffers(const std::vector<iovec> &buffers, std::uint64_t offset,
                              const void *from, std::uint64_t length);
// The buffers' bytes from offset for length bytes, as a new list.
void slice_buffers(const std::vector<iovec> &buffers, std::uint64_t offset, std::uint64_t length,
                   std::vector<iovec> &out);

} // namespace vdpa::device
