// SPDX-License-Identifier: GPL-2.0-or-later
#include "blk_server.hpp"

#include <kernel-uapi/virtio.hpp>
#include <kernel-uapi/virtio_device.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vdpa::device {

namespace virtio = uapi::virtio;


BlkServer::~BlkServer()
{
    stop_queues();
    if (file_ >= 0)
        close(file_);
}

DeviceError BlkServer::start()
{
    const BlkOptions &o = options_.blk;
    file_ = open(o.path.c_str(), (o.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (file_ < 0)
        return errno_error("cannot open " + o.path);
    struct stat st {};
    if (fstat(file_, &st) != 0)
        return errno_error("cannot stat " + o.path);
    if (S_ISDIR(st.st_mode))
        return DeviceError{EISDIR, o.path + " is a directory"};
    std::uint64_t bytes = static_cast<std::uint64_t>(st.st_size);
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return DeviceError{EINVAL, o.path + " is neither a regular file nor a block device"};
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(file_, 0, SEEK_END);
        bytes = end < 0 ? 0 : static_cast<std::uint64_t>(end);
    }
    if (auto problem = check_blk_options(o, bytes); !problem.empty())
        return DeviceError{EINVAL, problem};
    disk_.bytes = bytes;
    disk_.readonly = o.readonly;
    disk_.serial = o.serial.empty() ? options_.name : o.serial;

    reconnected_ = vduse_exists(options_.name);
    if (!reconnected_) {
        VduseDeviceSpec spec;
        spec.name = options_.name;
        spec.device_id = virtio::id_block;
        spec.features = blk_features(o);
        spec.vq_num = o.queues;
        const auto config = blk_config(o, bytes);
        spec.config.resize(sizeof config);
        std::memcpy(spec.config.data(), &config, sizeof config);
        if (auto e = vduse_create(spec))
            return e;
        created_ = true;
    }
    if (auto e = device_.open(options_.name)) {
        if (created_)
            vduse_destroy(options_.name);
        return e;
    }
    std::string log_path = options_.inflight_path;
    if (log_path.empty()) {
        mkdir("/run/vdpa-blk-server", 0700);
        log_path = "/run/vdpa-blk-server/" + options_.name + ".inflight";
    }
    if (auto problem = inflight_.open(log_path, o.queues, o.queue_size, reconnected_);
        !problem.empty())
        return DeviceError{EIO, problem};
    if (!reconnected_) {
        // The kernel refuses `vdpa dev add` until every queue is set up.
        for (std::uint32_t i = 0; i < o.queues; ++i)
            if (auto e = device_.setup_queue(i, static_cast<std::uint16_t>(o.queue_size)))
                return e;
        return {};
    }
    // A previous server ran the device: if the driver had it running,
    // carry on where that server stopped.
    status_ = inflight_.header().status;
    if (inflight_.kept() && (status_ & virtio::status_driver_ok))
        return start_queues(true);
    return {};
}

void BlkServer::launch(Queue &q)
{
    q.thread = std::thread([this, &q] {
        if (!q.resubmit.empty()) {
            q.blk->resubmit(q.resubmit);
            q.resubmit.clear();
        }
        q.blk->run(q.kick_fd, q.stop_fd, [this, &q] { device_.inject_irq(q.index); });
    });
}

void BlkServer::halt(Queue &q)
{
    if (!q.thread.joinable())
        return;
    const std::uint64_t one = 1;
    if (write(q.stop_fd, &one, sizeof one) != sizeof one)
        return; // cannot happen on an eventfd below its maximum
    q.thread.join();
}

DeviceError BlkServer::start_queues(bool recovering)
{
    std::uint64_t features = 0;
    if (auto e = device_.get_features(features))
        return e;
    const bool indirect = features & (1ull << virtio::ring_f_indirect_desc);
    const bool event_idx = features & (1ull << virtio::ring_f_event_idx);
    for (std::uint32_t i = 0; i < options_.blk.queues; ++i) {
        uapi::vduse::VqInfo info;
        if (auto e = device_.queue_info(i, info))
            return e;
        if (!info.ready)
            continue;
        auto q = std::make_unique<Queue>();
        q->index = i;
        q->memory = std::make_unique<MemoryMap>(
            [this](std::uint64_t iova, MemoryRegion &r) { return device_.map_iotlb(iova, r); },
            &VduseDevice::unmap_iotlb);
        q->blk = std::make_unique<BlkQueue>(*q->memory, file_, disk_, blk_io_for(file_));
        if (auto problem = q->blk->init(info.num); !problem.empty())
            return DeviceError{EIO, problem};
        InflightQueueLog &log = inflight_.queue(i);
        if (!recovering || info.num > log.size) {
            std::memset(log.inflight(), 0, log.size);
            recovering = false;
        }
        VirtqueueAddresses addresses{info.num, info.desc_addr, info.driver_addr, info.device_addr};
        auto problem = q->blk->virtqueue().start(addresses, indirect, event_idx,
                                                 info.split.avail_index, &log);
        if (!problem.empty())
            return DeviceError{EINVAL, "queue " + std::to_string(i) + ": " + problem};
        if (recovering) {
            std::uint16_t resume = 0;
            q->resubmit = q->blk->virtqueue().recover(resume);
        } else {
            log.used_idx = q->blk->virtqueue().last_avail();
            log.last_head = 0;
        }
        q->kick_fd = eventfd(0, EFD_CLOEXEC);
        q->stop_fd = eventfd(0, EFD_CLOEXEC);
        if (q->kick_fd < 0 || q->stop_fd < 0)
            return errno_error("eventfd");
        if (auto e = device_.set_kick_fd(i, q->kick_fd))
            return e;
        launch(*q);
        queues_.push_back(std::move(q));
    }
    return {};
}

void BlkServer::stop_queues()
{
    for (auto &q : queues_) {
        halt(*q);
        if (device_.fd() >= 0)
            device_.set_kick_fd(q->index, uapi::vduse::eventfd_deassign);
        close(q->kick_fd);
        close(q->stop_fd);
    }
    queues_.clear();
}

bool BlkServer::set_status(std::uint8_t status)
{
    const bool was_running = (status_ & virtio::status_driver_ok) != 0;
    if ((status & virtio::status_driver_ok) && !was_running) {
        if (auto e = start_queues(false); e) {
            // The process's own log: the driver only sees the status fail.
            report_problem("vdpa-blk-server", options_.name + ": " + e.message);
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

std::uint16_t BlkServer::vq_avail_index(std::uint32_t index)
{
    for (auto &q : queues_)
        if (q->index == index)
            return q->blk->virtqueue().last_avail();
    uapi::vduse::VqInfo info;
    if (!device_.queue_info(index, info))
        return info.split.avail_index;
    return 0;
}

void BlkServer::iotlb_invalidated(std::uint64_t first, std::uint64_t last)
{
    // Each queue drains what it has in flight before its view of the
    // memory changes: no I/O may still target a mapping being dropped.
    for (auto &q : queues_) {
        halt(*q);
        q->memory->remove(first, last);
        q->blk->virtqueue().remap();
        launch(*q);
    }
}

void BlkServer::abandon()
{
    stop_queues();
    device_.close();
    if (created_)
        vduse_destroy(options_.name);
}

std::string BlkServer::shutdown()
{
    stop_queues();
    device_.close();
    auto e = vduse_destroy(options_.name);
    if (e.code == EBUSY)
        return "device " + options_.name +
               " stays: it is still on the vDPA bus (a new server can take it over)";
    if (e)
        return e.message;
    return {};
}

} // namespace vdpa::device
