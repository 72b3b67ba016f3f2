// SPDX-License-Identifier: GPL-2.0-or-later
//
// What the block device offers: its virtio features and configuration
// space, from the backing file and the user's choices.
#pragma once

#include <kernel-uapi/virtio_device.hpp>

#include <cstdint>
#include <string>

namespace vdpa::device {

struct BlkOptions {
    std::string path;
    bool readonly = false;
    std::uint32_t queues = 1;
    std::uint32_t queue_size = 256;
    std::uint32_t blk_size = 512;
    std::string serial; // GET_ID answer; at most 20 bytes are sent
};

// Limits the kernel or the protocol sets on the options.
inline constexpr std::uint32_t max_queues = 64;
inline constexpr std::uint32_t max_queue_size = 1024; // QEMU's libvduse uses the same
inline constexpr std::uint32_t seg_max = 126;         // segments per request
inline constexpr std::uint32_t size_max = 1u << 20;   // bytes per segment

// Checks the options against the limits and the file size; returns an
// error message, empty when valid.
std::string check_blk_options(const BlkOptions &options, std::uint64_t file_bytes);

std::uint64_t blk_features(const BlkOptions &options);
uapi::virtio::blk::Config blk_config(const BlkOptions &options, std::uint64_t file_bytes);

} // namespace vdpa::device
