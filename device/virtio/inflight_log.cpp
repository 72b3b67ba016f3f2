// SPDX-License-Identifier: GPL-2.0-or-later
#include "inflight_log.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vdpa::device {

std::size_t inflight_queue_log_bytes(std::uint32_t queue_size)
{
    return (sizeof(InflightQueueLog) + queue_size + 7) & ~std::size_t{7};
}

InflightFile::~InflightFile()
{
    if (base_ != nullptr)
        munmap(base_, length_);
}

std::string InflightFile::open(const std::string &path, std::uint32_t queue_count,
                               std::uint32_t queue_size, bool keep)
{
    stride_ = inflight_queue_log_bytes(queue_size);
    length_ = sizeof(InflightFileHeader) + stride_ * queue_count;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return "cannot open inflight log " + path + ": " + std::strerror(errno);
    struct stat st {};
    fstat(fd, &st);
    const bool sized = static_cast<std::size_t>(st.st_size) == length_;
    if (!sized && ftruncate(fd, static_cast<off_t>(length_)) != 0) {
        int saved = errno;
        close(fd);
        return "cannot size inflight log " + path + ": " + std::strerror(saved);
    }
    void *p = mmap(nullptr, length_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return "cannot map inflight log " + path + ": " + std::strerror(errno);
    base_ = static_cast<std::byte *>(p);
    auto &h = header();
    kept_ = keep && sized && h.magic == inflight_magic && h.queue_count == queue_count &&
            h.queue_size == queue_size;
    if (!kept_) {
        std::memset(base_, 0, length_);
        h.magic = inflight_magic;
        h.queue_count = queue_count;
        h.queue_size = queue_size;
        for (std::uint32_t i = 0; i < queue_count; ++i)
            queue(i).size = static_cast<std::uint16_t>(queue_size);
    }
    return {};
}

InflightQueueLog &InflightFile::queue(std::uint32_t index)
{
    return *reinterpret_cast<InflightQueueLog *>(base_ + sizeof(InflightFileHeader) +
                                                 stride_ * index);
}

} // namespace vdpa::device
