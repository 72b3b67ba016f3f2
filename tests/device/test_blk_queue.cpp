// SPDX-License-Identifier: GPL-2.0-or-later
//
// virtio-blk requests through BlkQueue and its io_uring against a
// temporary file: every request type, the checks on driver-supplied
// sectors and lengths, and read-only; reads and writes also in the queue's
// thread (BlkIo::in_thread), and which files get that.
#include "blk/blk_config.hpp"
#include "blk/blk_queue.hpp"

#include "fake_driver.hpp"

#include <kernel-uapi/virtio.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace vdpa::device;
using vdpa::device::test::FakeDriver;
namespace virtio = vdpa::uapi::virtio;
namespace blk = vdpa::uapi::virtio::blk;

namespace {

constexpr std::uint64_t disk_bytes = 64 * 1024;

class TempFile {
public:
    TempFile()
    {
        char name[] = "/tmp/test_blk_queue.XXXXXX";
        fd_ = mkstemp(name);
        path_ = name;
        std::vector<std::uint8_t> pattern(disk_bytes);
        for (std::size_t i = 0; i < pattern.size(); ++i)
            pattern[i] = static_cast<std::uint8_t>(i * 7 + 3);
        EXPECT_EQ(pwrite(fd_, pattern.data(), pattern.size(), 0), ssize_t(disk_bytes));
    }
    ~TempFile()
    {
        close(fd_);
        unlink(path_.c_str());
    }
    int fd() const { return fd_; }
    std::uint8_t byte(std::uint64_t offset) const
    {
        std::uint8_t b = 0;
        EXPECT_EQ(pread(fd_, &b, 1, static_cast<off_t>(offset)), 1);
        return b;
    }
    static std::uint8_t pattern(std::uint64_t offset)
    {
        return static_cast<std::uint8_t>(offset * 7 + 3);
    }
    std::uint64_t allocated_bytes() const
    {
        struct stat st {};
        fstat(fd_, &st);
        return static_cast<std::uint64_t>(st.st_blocks) * 512;
    }

private:
    int fd_ = -1;
    std::string path_;
};

struct Bench {
    TempFile file;
    FakeDriver driver{16};
    BlkDisk disk{disk_bytes, false, "serial-0123456789abcdef"};
    std::unique_ptr<BlkQueue> queue;
    std::uint16_t next_desc = 0;

    explicit Bench(bool readonly = false, BlkIo io = BlkIo::ring)
    {
        disk.readonly = readonly;
        queue = std::make_unique<BlkQueue>(driver.map(), file.fd(), disk, io);
        EXPECT_EQ(queue->init(16), "");
        EXPECT_EQ(queue->virtqueue().start(driver.addresses(), true, true, 0, nullptr), "");
    }

    // Builds header / data / status; returns the status byte's IOVA.
    std::uint64_t request(std::uint32_t type, std::uint64_t sector, std::uint64_t data_iova,
                          std::uint32_t data_len, bool data_written_by_device)
    {
        auto header = driver.alloc(16);
        driver.at<blk::OutHeader>(header) = blk::OutHeader{type, 0, sector};
        auto status = driver.alloc(1, 0xee);
        const std::uint16_t head = next_desc;
        std::uint16_t d = next_desc;
        driver.set_desc(d, header, 16, virtio::desc_f_next, d + 1);
        ++d;
        if (data_len > 0) {
            driver.set_desc(d, data_iova, data_len,
                            virtio::desc_f_next | (data_written_by_device ? virtio::desc_f_write : 0),
                            d + 1);
            ++d;
        }
        driver.set_desc(d, status, 1, virtio::desc_f_write);
        next_desc = d + 1;
        driver.make_available(head);
        return status;
    }

    // Runs every available request to completion.
    void run()
    {
        queue->process_available();
        while (queue->in_flight() > 0)
            queue->reap(true);
    }
    std::uint8_t status(std::uint64_t iova) { return driver.at<std::uint8_t>(iova); }
};

} // namespace

TEST(BlkQueue, ReadReturnsFileBytes)
{
    Bench b;
    auto data = b.driver.alloc(4096);
    auto status = b.request(blk::t_in, 8, data, 4096, true);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ok);
    for (std::uint64_t i = 0; i < 4096; i += 511)
        EXPECT_EQ(b.driver.at<std::uint8_t>(data + i), TempFile::pattern(8 * 512 + i));
    EXPECT_EQ(b.driver.used_idx(), 1);
    EXPECT_EQ(b.driver.used_elem(0).len, 4097u);
}

TEST(BlkQueue, WriteReachesFile)
{
    Bench b;
    auto data = b.driver.alloc(1024, 0x5a);
    auto status = b.request(blk::t_out, 2, data, 1024, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ok);
    EXPECT_EQ(b.file.byte(1024), 0x5a);
    EXPECT_EQ(b.file.byte(2047), 0x5a);
    EXPECT_EQ(b.file.byte(2048), TempFile::pattern(2048));
    EXPECT_EQ(b.driver.used_elem(0).len, 1u);
}

TEST(BlkQueue, BatchOfRequestsAllComplete)
{
    Bench b;
    std::vector<std::uint64_t> statuses;
    for (int i = 0; i < 5; ++i) {
        auto data = b.driver.alloc(512, static_cast<std::uint8_t>(0x10 + i));
        statuses.push_back(b.request(blk::t_out, static_cast<std::uint64_t>(i), data, 512, false));
    }
    b.run();
    for (auto s : statuses)
        EXPECT_EQ(b.status(s), blk::s_ok);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(b.file.byte(512ull * i + 100), 0x10 + i);
    EXPECT_EQ(b.driver.used_idx(), 5);
}

TEST(BlkQueue, ReadBeyondEndIsIoError)
{
    Bench b;
    auto data = b.driver.alloc(1024);
    auto status = b.request(blk::t_in, disk_bytes / 512 - 1, data, 1024, true);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ioerr);
    EXPECT_EQ(b.driver.used_elem(0).len, 1u);
}

TEST(BlkQueue, HugeSectorIsIoError)
{
    Bench b;
    auto data = b.driver.alloc(512);
    auto status = b.request(blk::t_in, UINT64_MAX / 256, data, 512, true);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ioerr);
}

TEST(BlkQueue, LengthNotSectorMultipleIsIoError)
{
    Bench b;
    auto data = b.driver.alloc(100);
    auto status = b.request(blk::t_in, 0, data, 100, true);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ioerr);
}

TEST(BlkQueue, ReadOnlyRefusesWrites)
{
    Bench b(true);
    auto data = b.driver.alloc(512, 0x77);
    auto status = b.request(blk::t_out, 0, data, 512, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ioerr);
    EXPECT_EQ(b.file.byte(0), TempFile::pattern(0));
}

TEST(BlkQueue, FlushSucceeds)
{
    Bench b;
    auto status = b.request(blk::t_flush, 0, 0, 0, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ok);
}

TEST(BlkQueue, GetIdWritesSerial)
{
    Bench b;
    auto data = b.driver.alloc(20);
    auto status = b.request(blk::t_get_id, 0, data, 20, true);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ok);
    EXPECT_EQ(std::string(reinterpret_cast<char *>(b.driver.host(data)), 20),
              "serial-0123456789abc");
    EXPECT_EQ(b.driver.used_elem(0).len, 21u);
}

TEST(BlkQueue, UnknownTypeIsUnsupported)
{
    Bench b;
    auto status = b.request(42, 0, 0, 0, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_unsupp);
}

TEST(BlkQueue, WriteZeroesZeroes)
{
    Bench b;
    auto range = b.driver.alloc(16);
    b.driver.at<blk::DiscardWriteZeroes>(range) = {4, 2, 0};
    auto status = b.request(blk::t_write_zeroes, 0, range, 16, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ok);
    EXPECT_EQ(b.file.byte(2048), 0);
    EXPECT_EQ(b.file.byte(3071), 0);
    EXPECT_EQ(b.file.byte(3072), TempFile::pattern(3072));
}

TEST(BlkQueue, DiscardPunchesHole)
{
    Bench b;
    const auto before = b.file.allocated_bytes();
    auto range = b.driver.alloc(16);
    b.driver.at<blk::DiscardWriteZeroes>(range) = {0, 64, 0}; // 32 KiB
    auto status = b.request(blk::t_discard, 0, range, 16, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ok);
    EXPECT_EQ(b.file.byte(0), 0);
    EXPECT_LT(b.file.allocated_bytes(), before);
}

TEST(BlkQueue, DiscardWithFlagsIsUnsupported)
{
    Bench b;
    auto range = b.driver.alloc(16);
    b.driver.at<blk::DiscardWriteZeroes>(range) = {0, 1, blk::write_zeroes_flag_unmap};
    auto status = b.request(blk::t_discard, 0, range, 16, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_unsupp);
}

TEST(BlkQueue, DiscardBeyondEndIsIoError)
{
    Bench b;
    auto range = b.driver.alloc(16);
    b.driver.at<blk::DiscardWriteZeroes>(range) = {disk_bytes / 512, 1, 0};
    auto status = b.request(blk::t_discard, 0, range, 16, false);
    b.run();
    EXPECT_EQ(b.status(status), blk::s_ioerr);
}

TEST(BlkQueue, ChainWithoutStatusReturnedEmpty)
{
    Bench b;
    auto header = b.driver.alloc(16);
    b.driver.set_desc(0, header, 16, 0); // nothing writable
    b.driver.make_available(0);
    b.run();
    EXPECT_EQ(b.driver.used_idx(), 1);
    EXPECT_EQ(b.driver.used_elem(0).len, 0u);
}

TEST(BlkQueue, ResubmitRunsLoggedChainsAgain)
{
    Bench b;
    auto data = b.driver.alloc(512, 0x42);
    auto status = b.request(blk::t_out, 3, data, 512, false);
    b.queue->resubmit({0}); // head 0, as a restarted server would
    while (b.queue->in_flight() > 0)
        b.queue->reap(true);
    EXPECT_EQ(b.status(status), blk::s_ok);
    EXPECT_EQ(b.file.byte(3 * 512), 0x42);
}

TEST(BlkQueue, InThreadReadReturnsFileBytesAtOnce)
{
    Bench b(false, BlkIo::in_thread);
    auto data = b.driver.alloc(8192);
    auto status = b.request(blk::t_in, 3, data, 8192, true);
    b.queue->process_available();
    EXPECT_EQ(b.queue->in_flight(), 0u); // nothing left for the ring
    EXPECT_EQ(b.status(status), blk::s_ok);
    for (std::uint64_t i = 0; i < 8192; i += 511)
        EXPECT_EQ(b.driver.at<std::uint8_t>(data + i), TempFile::pattern(3 * 512 + i));
    EXPECT_EQ(b.driver.used_idx(), 1);
    EXPECT_EQ(b.driver.used_elem(0).len, 8193u);
}

TEST(BlkQueue, InThreadWritesAndFlushAllComplete)
{
    Bench b(false, BlkIo::in_thread);
    std::vector<std::uint64_t> statuses;
    for (int i = 0; i < 4; ++i) { // 3 descriptors each, of 16
        auto data = b.driver.alloc(512, static_cast<std::uint8_t>(0x20 + i));
        statuses.push_back(b.request(blk::t_out, static_cast<std::uint64_t>(i), data, 512, false));
    }
    statuses.push_back(b.request(blk::t_flush, 0, 0, 0, false)); // still through the ring
    b.run();
    for (auto s : statuses)
        EXPECT_EQ(b.status(s), blk::s_ok);
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(b.file.byte(512ull * i + 100), 0x20 + i);
    EXPECT_EQ(b.driver.used_idx(), 5);
}

TEST(BlkQueue, InThreadReadOnlyAndBeyondEndStillRefused)
{
    Bench ro(true, BlkIo::in_thread);
    auto data = ro.driver.alloc(512, 0x99);
    auto status = ro.request(blk::t_out, 0, data, 512, false);
    ro.run();
    EXPECT_EQ(ro.status(status), blk::s_ioerr);
    EXPECT_EQ(ro.file.byte(0), TempFile::pattern(0));

    Bench b(false, BlkIo::in_thread);
    auto far = b.driver.alloc(1024);
    auto far_status = b.request(blk::t_in, disk_bytes / 512 - 1, far, 1024, true);
    b.run();
    EXPECT_EQ(b.status(far_status), blk::s_ioerr);
}

TEST(BlkQueue, InThreadFailedTransferIsIoError)
{
    // A backing fd that refuses the transfer: a pipe's read end, which
    // pwritev cannot write (EBADF or ESPIPE).
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    Bench broken(false, BlkIo::in_thread);
    broken.queue = std::make_unique<BlkQueue>(broken.driver.map(), fds[0], broken.disk,
                                              BlkIo::in_thread);
    ASSERT_EQ(broken.queue->init(16), "");
    ASSERT_EQ(broken.queue->virtqueue().start(broken.driver.addresses(), true, true, 0, nullptr),
              "");
    auto data = broken.driver.alloc(512, 0x11);
    auto status = broken.request(blk::t_out, 0, data, 512, false);
    broken.run();
    EXPECT_EQ(broken.status(status), blk::s_ioerr);
    EXPECT_EQ(broken.driver.used_elem(0).len, 1u);
    close(fds[0]);
    close(fds[1]);
}

TEST(BlkQueue, InThreadForMemoryFilesOnly)
{
    const int memory = memfd_create("test_blk_queue", MFD_CLOEXEC); // shmem: tmpfs
    ASSERT_GE(memory, 0);
    EXPECT_EQ(blk_io_for(memory), BlkIo::in_thread);
    close(memory);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    EXPECT_EQ(blk_io_for(fds[0]), BlkIo::ring); // not a regular file
    close(fds[0]);
    close(fds[1]);
    EXPECT_EQ(blk_io_for(-1), BlkIo::ring);
}

TEST(BlkConfig, OptionsChecked)
{
    BlkOptions o;
    EXPECT_EQ(check_blk_options(o, 4096), "");
    o.queues = 0;
    EXPECT_NE(check_blk_options(o, 4096), "");
    o.queues = 1;
    o.queue_size = 100;
    EXPECT_NE(check_blk_options(o, 4096), "");
    o.queue_size = 256;
    o.blk_size = 4096;
    EXPECT_NE(check_blk_options(o, 4096 + 512).find("not a multiple"), std::string::npos);
    EXPECT_NE(check_blk_options(o, 0), "");
}

TEST(BlkConfig, FeaturesFollowOptions)
{
    BlkOptions o;
    auto bit = [](unsigned n) { return std::uint64_t{1} << n; };
    auto f = blk_features(o);
    EXPECT_TRUE(f & bit(virtio::f_access_platform));
    EXPECT_TRUE(f & bit(virtio::blk::f_discard));
    EXPECT_FALSE(f & bit(virtio::blk::f_ro));
    EXPECT_FALSE(f & bit(virtio::blk::f_mq));
    o.readonly = true;
    o.queues = 4;
    f = blk_features(o);
    EXPECT_TRUE(f & bit(virtio::blk::f_ro));
    EXPECT_TRUE(f & bit(virtio::blk::f_mq));
    EXPECT_FALSE(f & bit(virtio::blk::f_write_zeroes));
    EXPECT_EQ(blk_config(o, 1 << 20).capacity, 2048u);
    EXPECT_EQ(blk_config(o, 1 << 20).num_queues, 4);
}
