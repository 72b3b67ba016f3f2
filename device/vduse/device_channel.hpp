// SPDX-License-Identifier: GPL-2.0-or-later
//
// /dev/vduse/NAME: the kernel's requests to the device (read, answered by
// a write carrying the same request_id), the virtqueue ioctls, and the
// IOTLB: driver memory reached through an fd per range and mmap.
#pragma once

#include "vduse/control.hpp"
#include "virtio/memory_map.hpp"

#include <kernel-uapi/vduse.hpp>

#include <cstdint>

namespace vdpa::device {

// What the device does for each kernel request.
class VduseRequestHandler {
public:
    virtual ~VduseRequestHandler() = default;
    // Driver status changed; false answers FAILED (the change fails).
    virtual bool set_status(std::uint8_t status) = 0;
    // Split ring: the avail index the queue resumes from.
    virtual std::uint16_t vq_avail_index(std::uint32_t index) = 0;
    // Mappings in [first, last] are gone; drop them before answering.
    virtual void iotlb_invalidated(std::uint64_t first, std::uint64_t last) = 0;
};

// Reads one request from fd, dispatches it and writes the answer. Returns
// 0, or an errno (EAGAIN when none was waiting on a non-blocking fd).
// A request of a type we do not know is answered FAILED.
int serve_one_request(int fd, VduseRequestHandler &handler);

class VduseDevice {
public:
    VduseDevice() = default;
    VduseDevice(const VduseDevice &) = delete;
    VduseDevice &operator=(const VduseDevice &) = delete;
    ~VduseDevice();

    // EBUSY when another process serves it.
    DeviceError open(const std::string &name);
    void close();
    int fd() const { return fd_; }

    DeviceError setup_queue(std::uint32_t index, std::uint16_t max_size);
    DeviceError get_features(std::uint64_t &features);
    DeviceError queue_info(std::uint32_t index, uapi::vduse::VqInfo &info);
    DeviceError set_kick_fd(std::uint32_t index, int eventfd);
    DeviceError inject_irq(std::uint32_t index);
    // Changes bytes of the configuration space; notify: tell the driver
    // (a config interrupt, which the kernel refuses before DRIVER_OK).
    DeviceError update_config(std::uint32_t offset, const void *bytes, std::uint32_t length,
                              bool notify);

    // A MemoryMap resolver: maps the IOTLB range holding iova.
    bool map_iotlb(std::uint64_t iova, MemoryRegion &region);
    static void unmap_iotlb(const MemoryRegion &region);

private:
    int fd_ = -1;
};

} // namespace vdpa::device
