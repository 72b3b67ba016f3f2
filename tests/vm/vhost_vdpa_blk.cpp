// SPDX-License-Identifier: GPL-2.0-or-later
//
// vhost-vdpa-blk: a small userspace virtio-blk driver over
// /dev/vhost-vdpa-N, for the VM tests. It plays the part a VM plays:
// negotiates features, shares its memory (a memfd, MAP_SHARED: vhost-vdpa
// forwards only file-backed mappings to VDUSE) through IOTLB update
// messages, sets up one split virtqueue, and reads and writes sectors.
//
//   vhost-vdpa-blk CHARDEV read SECTOR COUNT      sectors to stdout
//   vhost-vdpa-blk CHARDEV write SECTOR COUNT     sectors from stdin
//
// Exit status 0 when every request completed with VIRTIO_BLK_S_OK; a
// message on stderr and 1 otherwise.
// virtio_ring.h's legacy helpers (vring_init) are C that C++ refuses.
#define VIRTIO_RING_NO_LEGACY
#include <linux/vhost.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

namespace {

[[noreturn]] void fail(const std::string &what)
{
    std::fprintf(stderr, "vhost-vdpa-blk: %s%s%s\n", what.c_str(), errno ? ": " : "",
                 errno ? std::strerror(errno) : "");
    std::exit(1);
}

template <typename T>
void control(int fd, unsigned long request, T *argument, const char *name)
{
    errno = 0;
    if (ioctl(fd, request, argument) != 0)
        fail(name);
}

constexpr unsigned queue_size = 16;
constexpr std::size_t sector_bytes = 512;
constexpr std::size_t max_sectors = 128; // 64 KiB per request
// The shared memory, and where each part sits in it.
constexpr std::size_t memory_bytes = 1 << 20;
constexpr std::size_t desc_offset = 0x0000;
constexpr std::size_t avail_offset = 0x1000;
constexpr std::size_t used_offset = 0x2000;
constexpr std::size_t header_offset = 0x3000;
constexpr std::size_t status_offset = 0x3100;
constexpr std::size_t data_offset = 0x10000;
// Device addresses (IOVA) differ from ours on purpose: a device that used
// our addresses would fail.
constexpr std::uint64_t iova_base = 0x40000000;

class Driver {
public:
    explicit Driver(const char *chardev)
    {
        fd_ = open(chardev, O_RDWR | O_CLOEXEC);
        if (fd_ < 0)
            fail(std::string("cannot open ") + chardev);
        control(fd_, VHOST_SET_OWNER, static_cast<void *>(nullptr), "VHOST_SET_OWNER");
        std::uint32_t device_id = 0;
        control(fd_, VHOST_VDPA_GET_DEVICE_ID, &device_id, "VHOST_VDPA_GET_DEVICE_ID");
        if (device_id != VIRTIO_ID_BLOCK_VALUE) {
            errno = 0;
            fail("not a block device (device id " + std::to_string(device_id) + ")");
        }
        std::uint64_t backend = 0;
        control(fd_, VHOST_GET_BACKEND_FEATURES, &backend, "VHOST_GET_BACKEND_FEATURES");
        backend &= 1ull << VHOST_BACKEND_F_IOTLB_MSG_V2;
        control(fd_, VHOST_SET_BACKEND_FEATURES, &backend, "VHOST_SET_BACKEND_FEATURES");

        set_status(0);
        set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
        std::uint64_t offered = 0;
        control(fd_, VHOST_GET_FEATURES, &offered, "VHOST_GET_FEATURES");
        const std::uint64_t needed = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_ACCESS_PLATFORM);
        if ((offered & needed) != needed) {
            errno = 0;
            fail("the device lacks VERSION_1 or ACCESS_PLATFORM");
        }
        // Plain split ring: no indirect descriptors, no event index.
        std::uint64_t features = needed | (offered & (1ull << VIRTIO_BLK_F_RO));
        readonly_ = offered & (1ull << VIRTIO_BLK_F_RO);
        control(fd_, VHOST_SET_FEATURES, &features, "VHOST_SET_FEATURES");
        status_ |= VIRTIO_CONFIG_S_FEATURES_OK;
        set_status(status_);
        std::uint8_t status = 0;
        control(fd_, VHOST_VDPA_GET_STATUS, &status, "VHOST_VDPA_GET_STATUS");
        if (!(status & VIRTIO_CONFIG_S_FEATURES_OK)) {
            errno = 0;
            fail("the device refused the features");
        }

        share_memory();
        setup_queue();
        status_ |= VIRTIO_CONFIG_S_DRIVER_OK;
        set_status(status_);
    }

    ~Driver()
    {
        set_status(0);
        close(fd_);
    }

    // One request: header, data (for IN/OUT), status.
    std::uint8_t request(std::uint32_t type, std::uint64_t sector, std::size_t bytes)
    {
        auto *header = reinterpret_cast<virtio_blk_outhdr *>(memory_ + header_offset);
        header->type = type;
        header->ioprio = 0;
        header->sector = sector;
        memory_[status_offset] = 0xff;
        auto *desc = reinterpret_cast<vring_desc *>(memory_ + desc_offset);
        desc[0] = {iova(header_offset), sizeof *header, VRING_DESC_F_NEXT, 1};
        const std::uint16_t data_flags =
            VRING_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0);
        desc[1] = {iova(data_offset), static_cast<std::uint32_t>(bytes), data_flags, 2};
        desc[2] = {iova(status_offset), 1, VRING_DESC_F_WRITE, 0};

        auto *avail = reinterpret_cast<vring_avail *>(memory_ + avail_offset);
        avail->ring[avail_index_ % queue_size] = 0;
        __atomic_store_n(&avail->idx, ++avail_index_, __ATOMIC_RELEASE);
        const std::uint64_t one = 1;
        if (write(kick_, &one, sizeof one) != sizeof one)
            fail("kick");

        auto *used = reinterpret_cast<vring_used *>(memory_ + used_offset);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (__atomic_load_n(&used->idx, __ATOMIC_ACQUIRE) != avail_index_) {
            if (std::chrono::steady_clock::now() > deadline) {
                errno = 0;
                fail("no answer from the device in 20 s (sector " + std::to_string(sector) + ")");
            }
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        return memory_[status_offset];
    }

    std::uint8_t *data() { return memory_ + data_offset; }
    bool readonly() const { return readonly_; }

private:
    static std::uint64_t iova(std::size_t offset) { return iova_base + offset; }

    void set_status(std::uint8_t status)
    {
        status_ = status;
        control(fd_, VHOST_VDPA_SET_STATUS, &status, "VHOST_VDPA_SET_STATUS");
    }

    void share_memory()
    {
        const int memfd = memfd_create("vhost-vdpa-blk", MFD_CLOEXEC);
        if (memfd < 0 || ftruncate(memfd, memory_bytes) != 0)
            fail("memfd");
        void *mapped = mmap(nullptr, memory_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
        if (mapped == MAP_FAILED)
            fail("mmap");
        close(memfd);
        memory_ = static_cast<std::uint8_t *>(mapped);
        vhost_msg_v2 message{};
        message.type = VHOST_IOTLB_MSG_V2;
        message.iotlb.iova = iova_base;
        message.iotlb.size = memory_bytes;
        message.iotlb.uaddr = reinterpret_cast<std::uint64_t>(memory_);
        message.iotlb.perm = VHOST_ACCESS_RW;
        message.iotlb.type = VHOST_IOTLB_UPDATE;
        errno = 0;
        if (write(fd_, &message, sizeof message) != sizeof message)
            fail("VHOST_IOTLB_UPDATE");
    }

    void setup_queue()
    {
        vhost_vring_state ring_size{0, queue_size};
        control(fd_, VHOST_SET_VRING_NUM, &ring_size, "VHOST_SET_VRING_NUM");
        vhost_vring_state base{0, 0};
        control(fd_, VHOST_SET_VRING_BASE, &base, "VHOST_SET_VRING_BASE");
        vhost_vring_addr address{};
        address.index = 0;
        address.desc_user_addr = iova(desc_offset);
        address.avail_user_addr = iova(avail_offset);
        address.used_user_addr = iova(used_offset);
        control(fd_, VHOST_SET_VRING_ADDR, &address, "VHOST_SET_VRING_ADDR");
        kick_ = eventfd(0, EFD_CLOEXEC);
        call_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        vhost_vring_file kick{0, kick_};
        control(fd_, VHOST_SET_VRING_KICK, &kick, "VHOST_SET_VRING_KICK");
        vhost_vring_file call{0, call_};
        control(fd_, VHOST_SET_VRING_CALL, &call, "VHOST_SET_VRING_CALL");
        vhost_vring_state enable{0, 1};
        control(fd_, VHOST_VDPA_SET_VRING_ENABLE, &enable, "VHOST_VDPA_SET_VRING_ENABLE");
    }

    // VIRTIO_ID_BLOCK is in linux/virtio_ids.h; 2 since virtio 0.9.
    static constexpr std::uint32_t VIRTIO_ID_BLOCK_VALUE = 2;

    int fd_ = -1;
    int kick_ = -1;
    int call_ = -1;
    std::uint8_t *memory_ = nullptr;
    std::uint8_t status_ = 0;
    std::uint16_t avail_index_ = 0;
    bool readonly_ = false;
};

std::uint64_t number(const char *text, const char *what)
{
    char *end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (errno || end == text || *end) {
        errno = 0;
        fail(std::string("bad ") + what + " \"" + text + "\"");
    }
    return value;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: vhost-vdpa-blk CHARDEV read|write SECTOR COUNT\n");
        return 2;
    }
    const std::string operation = argv[2];
    std::uint64_t sector = number(argv[3], "sector");
    std::uint64_t count = number(argv[4], "count");
    if (operation != "read" && operation != "write") {
        errno = 0;
        fail("operation is read or write");
    }
    Driver driver(argv[1]);
    while (count > 0) {
        const std::size_t sectors = count < max_sectors ? count : max_sectors;
        const std::size_t bytes = sectors * sector_bytes;
        if (operation == "write") {
            std::size_t got = 0;
            while (got < bytes) {
                const ssize_t n = read(0, driver.data() + got, bytes - got);
                if (n <= 0)
                    fail("short input");
                got += static_cast<std::size_t>(n);
            }
        }
        const std::uint32_t type = operation == "read" ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
        const std::uint8_t status = driver.request(type, sector, bytes);
        if (status != VIRTIO_BLK_S_OK) {
            errno = 0;
            fail("sector " + std::to_string(sector) + ": the device answered status " +
                 std::to_string(status));
        }
        if (operation == "read" && write(1, driver.data(), bytes) != static_cast<ssize_t>(bytes))
            fail("write to stdout");
        sector += sectors;
        count -= sectors;
    }
    return 0;
}
