// SPDX-License-Identifier: GPL-2.0-or-later
#include "net_server.hpp"

#include <kernel-uapi/virtio.hpp>
#include <kernel-uapi/virtio_device.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace vdpa::device {

namespace virtio = uapi::virtio;

namespace {

std::string kernel_release()
{
    utsname u{};
    uname(&u);
    return u.release;
}

// Linux 6.10 added virtio-net to what VDUSE accepts; before it, creating
// one fails with a bare EINVAL.
bool kernel_serves_vduse_net()
{
    unsigned major = 0, minor = 0;
    if (std::sscanf(kernel_release().c_str(), "%u.%u", &major, &minor) != 2)
        return true;
    return major > 6 || (major == 6 && minor >= 10);
}

} // namespace

NetServer::~NetServer()
{
    stop_queues();
}

DeviceError NetServer::start()
{
    const NetOptions &o = options_.net;
    if (auto problem = check_net_options(o); !problem.empty())
        return DeviceError{EINVAL, problem};
    if (auto e = tap_.open(o.tap, o.mtu))
        return e;
    mac_ = o.mac ? *o.mac : random_mac();
    link_up_ = tap_.link_up();

    reconnected_ = vduse_exists(options_.name);
    if (!reconnected_) {
        VduseDeviceSpec spec;
        spec.name = options_.name;
        spec.device_id = virtio::id_net;
        spec.features = net_features();
        spec.vq_num = net_queue_count;
        const auto config = net_config(mac_, o.mtu, link_up_);
        spec.config.resize(sizeof config);
        std::memcpy(spec.config.data(), &config, sizeof config);
        if (auto e = vduse_create(spec)) {
            if (e.code == EINVAL && !kernel_serves_vduse_net())
                return DeviceError{EINVAL, "VDUSE serves network devices from Linux 6.10 on; "
                                           "this kernel is " + kernel_release()};
            return e;
        }
        created_ = true;
    }
    if (auto e = device_.open(options_.name))
        return e;
    std::string log_path = options_.inflight_path;
    if (log_path.empty()) {
        mkdir("/run/vdpa-net-server", 0700);
        log_path = "/run/vdpa-net-server/" + options_.name + ".inflight";
    }
    if (auto problem = inflight_.open(log_path, net_queue_count, o.queue_size, reconnected_);
        !problem.empty())
        return DeviceError{EIO, problem};
    if (!reconnected_) {
        inflight_.header().backend_created = tap_.created();
        // The kernel refuses `vdpa dev add` until every queue is set up.
        for (std::uint32_t i = 0; i < net_queue_count; ++i)
            if (auto e = device_.setup_queue(i, static_cast<std::uint16_t>(o.queue_size)))
                return e;
        return {};
    }
    // A previous server ran the device: the TAP is the one it created (if
    // it did), and if the driver had the device running, carry on.
    if (inflight_.kept() && inflight_.header().backend_created)
        tap_.set_created(true);
    else
        inflight_.header().backend_created = tap_.created();
    status_ = inflight_.header().status;
    if (inflight_.kept() && (status_ & virtio::status_driver_ok)) {
        if (auto e = start_queues(true))
            return e;
    }
    // The link may have changed while nobody served the device.
    const auto status = static_cast<std::uint16_t>(link_up_ ? virtio::net::s_link_up : 0);
    device_.update_config(virtio::net::config_status_offset, &status, sizeof status,
                          (status_ & virtio::status_driver_ok) != 0);
    return {};
}

void NetServer::launch()
{
    thread_ = std::thread([this] {
        if (offloads_pending_) {
            // Here and not in set_status(): TUNSETOFFLOAD takes the RTNL lock,
            // which virtio-net's probe holds while it waits for our answer to
            // DRIVER_OK (Linux 7.3 at least). Asked from the request handler
            // it deadlocks until msg_timeout, and the kernel then marks the
            // device broken. This thread waits for the lock instead; until
            // then the TAP simply hands over frames without offloads.
            if (auto e = tap_.set_offloads(offloads_))
                report_problem("vdpa-net-server", options_.name + ": " + e.message);
            offloads_pending_ = false;
        }
        pair_->run(kick_fds_[rx_queue_index], kick_fds_[tx_queue_index], stop_fd_,
                   [this](std::uint32_t index) { device_.inject_irq(index); });
    });
}

void NetServer::halt()
{
    if (!thread_.joinable())
        return;
    const std::uint64_t one = 1;
    if (write(stop_fd_, &one, sizeof one) != sizeof one)
        return; // cannot happen on an eventfd below its maximum
    thread_.join();
}

DeviceError NetServer::start_queues(bool recovering)
{
    std::uint64_t features = 0;
    if (auto e = device_.get_features(features))
        return e;
    offloads_ = tap_offloads(features);
    offloads_pending_ = true;
    const bool indirect = features & (1ull << virtio::ring_f_indirect_desc);
    const bool event_idx = features & (1ull << virtio::ring_f_event_idx);
    memory_ = std::make_unique<MemoryMap>(
        [this](std::uint64_t iova, MemoryRegion &r) { return device_.map_iotlb(iova, r); },
        &VduseDevice::unmap_iotlb);
    pair_ = std::make_unique<NetQueuePair>(*memory_, tap_.fd());
    pair_->configure(features & (1ull << virtio::net::f_mrg_rxbuf),
                     receive_frame_room(features, options_.net.mtu));
    std::vector<std::uint16_t> heads[net_queue_count];
    for (std::uint32_t i = 0; i < net_queue_count; ++i) {
        uapi::vduse::VqInfo info;
        if (auto e = device_.queue_info(i, info))
            return e;
        if (!info.ready)
            return DeviceError{EINVAL, "queue " + std::to_string(i) + " is not ready"};
        InflightQueueLog &log = inflight_.queue(i);
        const bool recover = recovering && info.num <= log.size;
        if (!recover)
            std::memset(log.inflight(), 0, log.size);
        Virtqueue &queue = i == rx_queue_index ? pair_->rx() : pair_->tx();
        VirtqueueAddresses addresses{info.num, info.desc_addr, info.driver_addr, info.device_addr};
        auto problem = queue.start(addresses, indirect, event_idx, info.split.avail_index, &log);
        if (!problem.empty())
            return DeviceError{EINVAL, "queue " + std::to_string(i) + ": " + problem};
        if (recover) {
            std::uint16_t resume = 0;
            heads[i] = queue.recover(resume);
        } else {
            log.used_idx = queue.last_avail();
            log.last_head = 0;
        }
        kick_fds_[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (kick_fds_[i] < 0)
            return errno_error("eventfd");
        if (auto e = device_.set_kick_fd(i, kick_fds_[i]))
            return e;
    }
    pair_->recover(heads[rx_queue_index], heads[tx_queue_index]);
    stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0)
        return errno_error("eventfd");
    launch();
    return {};
}

void NetServer::stop_queues()
{
    halt();
    for (std::uint32_t i = 0; i < net_queue_count; ++i) {
        if (kick_fds_[i] < 0)
            continue;
        if (device_.fd() >= 0)
            device_.set_kick_fd(i, uapi::vduse::eventfd_deassign);
        close(kick_fds_[i]);
        kick_fds_[i] = -1;
    }
    if (stop_fd_ >= 0)
        close(stop_fd_);
    stop_fd_ = -1;
    pair_.reset();
    memory_.reset();
}

bool NetServer::set_status(std::uint8_t status)
{
    const bool was_running = (status_ & virtio::status_driver_ok) != 0;
    if ((status & virtio::status_driver_ok) && !was_running) {
        if (auto e = start_queues(false); e) {
            // The process's own log: the driver only sees the status fail.
            report_problem("vdpa-net-server", options_.name + ": " + e.message);
            stop_queues();
            return false;
        }
    } else if (status == 0) {
        stop_queues();
    }
    status_ = status;
    inflight_.header().status = status;
    return true;
}

std::uint16_t NetServer::vq_avail_index(std::uint32_t index)
{
    if (pair_ && index < net_queue_count)
        return (index == rx_queue_index ? pair_->rx() : pair_->tx()).last_avail();
    uapi::vduse::VqInfo info;
    if (!device_.queue_info(index, info))
        return info.split.avail_index;
    return 0;
}

void NetServer::iotlb_invalidated(std::uint64_t first, std::uint64_t last)
{
    if (!pair_)
        return;
    // The queue thread holds pointers into the mappings: it stops first.
    halt();
    memory_->remove(first, last);
    pair_->remap();
    launch();
}

void NetServer::refresh_link()
{
    const bool up = tap_.link_up();
    if (up == link_up_ || device_.fd() < 0)
        return;
    const auto status = static_cast<std::uint16_t>(up ? virtio::net::s_link_up : 0);
    if (device_.update_config(virtio::net::config_status_offset, &status, sizeof status,
                              (status_ & virtio::status_driver_ok) != 0))
        return; // tried again on the next round
    link_up_ = up;
}

void NetServer::abandon()
{
    stop_queues();
    device_.close();
    if (created_)
        vduse_destroy(options_.name);
    tap_.close(true);
}

std::string NetServer::shutdown()
{
    stop_queues();
    device_.close();
    auto e = vduse_destroy(options_.name);
    if (e.code == EBUSY) {
        tap_.close(false);
        return "device " + options_.name +
               " stays: it is still on the vDPA bus (a new server can take it over)";
    }
    tap_.close(true);
    if (e)
        return e.message;
    return {};
}

} // namespace vdpa::device
