// SPDX-License-Identifier: GPL-2.0-or-later
#include "device_channel.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace vdpa::device {

namespace vduse = uapi::vduse;


int serve_one_request(int fd, VduseRequestHandler &handler)
{
    vduse::DevRequest request{};
    const ssize_t n = read(fd, &request, sizeof request);
    if (n < 0)
        return errno;
    if (n != sizeof request)
        return EIO;
    vduse::DevResponse response{};
    response.request_id = request.request_id;
    response.result = vduse::result_ok;
    switch (request.type) {
    case vduse::req_get_vq_state:
        response.vq_state.index = request.vq_state.index;
        response.vq_state.split.avail_index = handler.vq_avail_index(request.vq_state.index);
        break;
    case vduse::req_set_status:
        if (!handler.set_status(request.status))
            response.result = vduse::result_failed;
        break;
    case vduse::req_update_iotlb:
        handler.iotlb_invalidated(request.iova.start, request.iova.last);
        break;
    default:
        response.result = vduse::result_failed;
        break;
    }
    if (write(fd, &response, sizeof response) != sizeof response)
        return errno != 0 ? errno : EIO;
    return 0;
}

VduseDevice::~VduseDevice() { close(); }

void VduseDevice::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

DeviceError VduseDevice::open(const std::string &name)
{
    fd_ = ::open(vduse_device_path(name).c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0)
        return errno_error("cannot open " + vduse_device_path(name));
    return {};
}

DeviceError VduseDevice::setup_queue(std::uint32_t index, std::uint16_t max_size)
{
    vduse::VqConfig config{};
    config.index = index;
    config.max_size = max_size;
    if (ioctl(fd_, vduse::vq_setup, &config) != 0)
        return errno_error("VDUSE_VQ_SETUP " + std::to_string(index));
    return {};
}

DeviceError VduseDevice::get_features(std::uint64_t &features)
{
    if (ioctl(fd_, vduse::dev_get_features, &features) != 0)
        return errno_error("VDUSE_DEV_GET_FEATURES");
    return {};
}

DeviceError VduseDevice::queue_info(std::uint32_t index, vduse::VqInfo &info)
{
    info = {};
    info.index = index;
    if (ioctl(fd_, vduse::vq_get_info, &info) != 0)
        return errno_error("VDUSE_VQ_GET_INFO " + std::to_string(index));
    return {};
}

DeviceError VduseDevice::set_kick_fd(std::uint32_t index, int eventfd)
{
    vduse::VqEventfd e{index, eventfd};
    if (ioctl(fd_, vduse::vq_setup_kickfd, &e) != 0)
        return errno_error("VDUSE_VQ_SETUP_KICKFD " + std::to_string(index));
    return {};
}

DeviceError VduseDevice::inject_irq(std::uint32_t index)
{
    if (ioctl(fd_, vduse::vq_inject_irq, &index) != 0)
        return errno_error("VDUSE_VQ_INJECT_IRQ " + std::to_string(index));
    return {};
}

DeviceError VduseDevice::update_config(std::uint32_t offset, const void *bytes,
                                       std::uint32_t length, bool notify)
{
    std::vector<std::byte> buffer(sizeof(vduse::ConfigData) + length);
    const vduse::ConfigData header{offset, length};
    std::memcpy(buffer.data(), &header, sizeof header);
    std::memcpy(buffer.data() + sizeof header, bytes, length);
    if (ioctl(fd_, vduse::dev_set_config, buffer.data()) != 0)
        return errno_error("VDUSE_DEV_SET_CONFIG");
    if (notify && ioctl(fd_, vduse::dev_inject_config_irq) != 0)
        return errno_error("VDUSE_DEV_INJECT_CONFIG_IRQ");
    return {};
}

bool VduseDevice::map_iotlb(std::uint64_t iova, MemoryRegion &region)
{
    vduse::IotlbEntry entry{};
    entry.start = iova;
    entry.last = iova;
    const int fd = ioctl(fd_, vduse::iotlb_get_fd, &entry);
    if (fd < 0)
        return false;
    if (entry.start > iova || iova > entry.last || entry.perm == 0) {
        ::close(fd);
        return false;
    }
    const std::uint64_t length = entry.last - entry.start + 1;
    int prot = 0;
    if (entry.perm & vduse::access_ro)
        prot |= PROT_READ;
    if (entry.perm & vduse::access_wo)
        prot |= PROT_WRITE | PROT_READ;
    void *p = mmap(nullptr, length, prot, MAP_SHARED, fd, static_cast<off_t>(entry.offset));
    ::close(fd);
    if (p == MAP_FAILED)
        return false;
    region.iova_first = entry.start;
    region.iova_last = entry.last;
    region.host = static_cast<std::byte *>(p);
    region.readable = (entry.perm & vduse::access_ro) != 0;
    region.writable = (entry.perm & vduse::access_wo) != 0;
    return true;
}

void VduseDevice::unmap_iotlb(const MemoryRegion &region)
{
    munmap(region.host, region.iova_last - region.iova_first + 1);
}

} // namespace vdpa::device
