// SPDX-License-Identifier: GPL-2.0-or-later
//
// A VDUSE virtio-blk device served by this process: the control requests
// on the device fd, and one thread per virtqueue, each with its own
// io_uring and its own view of the IOTLB (no lock on the data path).
#pragma once

#include "blk/blk_config.hpp"
#include "blk/blk_queue.hpp"
#include "server/lifecycle.hpp"
#include "server/server_options.hpp"
#include "vduse/device_channel.hpp"
#include "virtio/inflight_log.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace vdpa::device {

class BlkServer final : public VduseRequestHandler, public ServedDevice {
public:
    explicit BlkServer(ServerOptions options) : options_(std::move(options)) {}
    ~BlkServer() override;

    // Opens the file, creates the VDUSE device (or, when it exists, takes
    // it over and resumes the queues a previous server left running).
    DeviceError start();
    bool reconnected() const { return reconnected_; }
    int device_fd() const override { return device_.fd(); }
    // Answers one waiting kernel request.
    int serve_one() override { return serve_one_request(device_.fd(), *this); }
    // Stops the queues, closes the device and destroys it when the kernel
    // lets us (not while it is on the vDPA bus: then a new server can
    // take it over). Returns a note for the log, empty when destroyed.
    std::string shutdown() override;
    // After start() failed: undoes only what start() made.
    void abandon();

    bool set_status(std::uint8_t status) override;
    std::uint16_t vq_avail_index(std::uint32_t index) override;
    void iotlb_invalidated(std::uint64_t first, std::uint64_t last) override;

private:
    struct Queue {
        std::uint32_t index = 0;
        std::unique_ptr<MemoryMap> memory;
        std::unique_ptr<BlkQueue> blk;
        int kick_fd = -1;
        int stop_fd = -1;
        std::thread thread;
        std::vector<std::uint16_t> resubmit;
    };
    DeviceError start_queues(bool recovering);
    void stop_queues();
    void launch(Queue &q);
    void halt(Queue &q);

    ServerOptions options_;
    BlkDisk disk_;
    int file_ = -1;
    VduseDevice device_;
    InflightFile inflight_;
    std::vector<std::unique_ptr<Queue>> queues_;
    bool reconnected_ = false;
    bool created_ = false;
    std::uint8_t status_ = 0;
};

} // namespace vdpa::device
