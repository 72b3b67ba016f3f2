// SPDX-License-Identifier: GPL-2.0-or-later
//
// A VDUSE virtio-net device served by this process: one queue pair moved
// by one thread between the virtqueues and a TAP, the control requests on
// the device fd, and the link status in the configuration space following
// the TAP (administratively up, with carrier).
#pragma once

#include "net/net_config.hpp"
#include "net/net_queue.hpp"
#include "net/tap.hpp"
#include "server/lifecycle.hpp"
#include "server/server_options.hpp"
#include "vduse/device_channel.hpp"
#include "virtio/inflight_log.hpp"

#include <memory>
#include <string>
#include <thread>

namespace vdpa::device {

class NetServer final : public VduseRequestHandler, public ServedDevice {
public:
    explicit NetServer(NetServerOptions options) : options_(std::move(options)) {}
    ~NetServer() override;

    // Opens (or creates) the TAP, creates the VDUSE device (or, when it
    // exists, takes it over and resumes its queues).
    DeviceError start();
    bool reconnected() const { return reconnected_; }
    const MacBytes &mac() const { return mac_; }

    int device_fd() const override { return device_.fd(); }
    int serve_one() override { return serve_one_request(device_.fd(), *this); }
    // Stops the queues, closes and destroys the device when the kernel lets
    // us (not while it is on the vDPA bus), and removes the TAP if we
    // created it and the device is gone.
    std::string shutdown() override;
    // The link status follows the TAP: looked at twice a second.
    int housekeeping_interval_ms() const override { return 500; }
    void housekeeping() override { refresh_link(); }
    // After start() failed: undoes only what start() made.
    void abandon();

    bool set_status(std::uint8_t status) override;
    std::uint16_t vq_avail_index(std::uint32_t index) override;
    void iotlb_invalidated(std::uint64_t first, std::uint64_t last) override;

private:
    DeviceError start_queues(bool recovering);
    void stop_queues();
    void launch();
    void halt();
    void refresh_link();

    NetServerOptions options_;
    Tap tap_;
    MacBytes mac_{};
    VduseDevice device_;
    InflightFile inflight_;
    std::unique_ptr<MemoryMap> memory_;
    std::unique_ptr<NetQueuePair> pair_;
    int kick_fds_[net_queue_count] = {-1, -1};
    int stop_fd_ = -1;
    std::thread thread_;
    bool reconnected_ = false;
    bool created_ = false;
    bool link_up_ = false;
    // TAP offloads for the negotiated features, set by the queue thread.
    unsigned offloads_ = 0;
    bool offloads_pending_ = false;
    std::uint8_t status_ = 0;
};

} // namespace vdpa::device
