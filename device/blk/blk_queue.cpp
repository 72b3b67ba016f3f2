// SPDX-License-Identifier: GPL-2.0-or-later
#include "blk_queue.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>

namespace vdpa::device {

namespace blk = uapi::virtio::blk;

namespace {
// user_data of the two eventfd reads; requests use their head (< 2^16).
constexpr std::uint64_t tag_kick = 1ull << 32;
constexpr std::uint64_t tag_stop = 2ull << 32;
} // namespace

BlkIo blk_io_for(int file)
{
    struct stat st {};
    struct statfs fs {};
    // A block device node sits on devtmpfs: only regular files count.
    if (fstat(file, &st) != 0 || !S_ISREG(st.st_mode) || fstatfs(file, &fs) != 0)
        return BlkIo::ring;
    const auto type = static_cast<unsigned long>(fs.f_type);
    return type == TMPFS_MAGIC || type == RAMFS_MAGIC ? BlkIo::in_thread : BlkIo::ring;
}

BlkQueue::BlkQueue(MemoryMap &memory, int file, const BlkDisk &disk, BlkIo io)
    : queue_(memory), file_(file), disk_(disk), io_(io)
{
}

BlkQueue::~BlkQueue()
{
    if (ring_ready_)
        io_uring_queue_exit(&ring_);
}

std::string BlkQueue::init(std::uint32_t entries)
{
    slots_.resize(entries);
    // Room for every request of the queue plus the two eventfd reads.
    int rc = io_uring_queue_init(entries + 4, &ring_, 0);
    if (rc < 0)
        return std::string("io_uring_queue_init: ") + std::strerror(-rc);
    ring_ready_ = true;
    return {};
}

io_uring_sqe *BlkQueue::next_sqe()
{
    io_uring_sqe *sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
        // Full: push what is queued to the kernel and take a fresh entry.
        io_uring_submit(&ring_);
        sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
}

void BlkQueue::complete(std::uint16_t head, std::uint8_t status, std::uint32_t written)
{
    Slot &slot = slots_[head];
    __atomic_store_n(slot.request.status, status, __ATOMIC_RELAXED);
    // On error only the status byte counts as written.
    queue_.push(head, status == blk::s_ok ? written : 1);
    ++completed_;
}

void BlkQueue::transfer_in_thread(std::uint16_t head)
{
    const BlkRequest &r = slots_[head].request;
    const auto count = static_cast<int>(r.data.size());
    const auto offset = static_cast<off_t>(r.offset);
    const ssize_t n = r.op == BlkOp::read ? preadv(file_, r.data.data(), count, offset)
                                          : pwritev(file_, r.data.data(), count, offset);
    // As from the ring: a short transfer inside the file is an error underneath.
    const bool ok = n >= 0 && static_cast<std::uint64_t>(n) == r.length;
    complete(head, ok ? blk::s_ok : blk::s_ioerr, r.written_on_success);
}

void BlkQueue::start(std::uint16_t head)
{
    Slot &slot = slots_[head];
    if (!parse_blk_request(slot.chain, disk_, slot.request)) {
        queue_.push(head, 0); // nowhere to put a status
        ++completed_;
        return;
    }
    BlkRequest &r = slot.request;
    if (r.op == BlkOp::done) {
        complete(head, r.status_value, r.written_on_success);
        return;
    }
    if (io_ == BlkIo::in_thread && (r.op == BlkOp::read || r.op == BlkOp::write)) {
        transfer_in_thread(head);
        return;
    }
    io_uring_sqe *sqe = next_sqe();
    switch (r.op) {
    case BlkOp::read:
        io_uring_prep_readv(sqe, file_, r.data.data(), static_cast<unsigned>(r.data.size()),
                            r.offset);
        break;
    case BlkOp::write:
        io_uring_prep_writev(sqe, file_, r.data.data(), static_cast<unsigned>(r.data.size()),
                             r.offset);
        break;
    case BlkOp::flush:
        io_uring_prep_fsync(sqe, file_, 0);
        break;
    case BlkOp::discard:
    case BlkOp::write_zeroes: {
        const int mode = FALLOC_FL_KEEP_SIZE |
                         (r.unmap ? FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE);
        io_uring_prep_fallocate(sqe, file_, mode, r.offset, r.length);
        break;
    }
    case BlkOp::done:
        break;
    }
    io_uring_sqe_set_data64(sqe, head);
    ++in_flight_;
}

void BlkQueue::resubmit(const std::vector<std::uint16_t> &heads)
{
    for (auto head : heads) {
        if (!queue_.walk(head, slots_[head].chain))
            return;
        start(head);
    }
    io_uring_submit(&ring_);
}

void BlkQueue::process_available()
{
    for (;;) {
        for (;;) {
            const PopResult result = queue_.pop(scratch_);
            if (result != PopResult::chain)
                break;
            const std::uint16_t head = scratch_.head;
            std::swap(slots_[head].chain, scratch_);
            start(head);
        }
        if (!queue_.arm_kick())
            break;
    }
    if (in_flight_ > 0)
        io_uring_submit(&ring_);
}

bool BlkQueue::handle_cqe(io_uring_cqe *cqe, int kick_fd, bool &stopping)
{
    const std::uint64_t tag = io_uring_cqe_get_data64(cqe);
    if (tag == tag_kick) {
        // Read again for the next kick; the value itself does not matter.
        io_uring_sqe *sqe = next_sqe();
        io_uring_prep_read(sqe, kick_fd, &kick_count_, sizeof kick_count_, 0);
        io_uring_sqe_set_data64(sqe, tag_kick);
        return true;
    }
    if (tag == tag_stop) {
        stopping = true;
        return false;
    }
    const auto head = static_cast<std::uint16_t>(tag);
    const BlkRequest &r = slots_[head].request;
    // A short transfer inside the file cannot be retried meaningfully on a
    // regular file: it means an error underneath.
    const bool ok = r.op == BlkOp::read || r.op == BlkOp::write
                        ? cqe->res >= 0 && static_cast<std::uint64_t>(cqe->res) == r.length
                        : cqe->res >= 0;
    --in_flight_;
    complete(head, ok ? blk::s_ok : blk::s_ioerr, r.written_on_success);
    return false;
}

unsigned BlkQueue::reap(bool wait)
{
    const unsigned before = completed_;
    io_uring_cqe *cqe = nullptr;
    if (wait && in_flight_ > 0 && io_uring_wait_cqe(&ring_, &cqe) < 0)
        return 0;
    bool stopping = false;
    unsigned head_index;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring_, head_index, cqe)
    {
        handle_cqe(cqe, -1, stopping);
        ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    return completed_ - before;
}

void BlkQueue::run(int kick_fd, int stop_fd, const std::function<void()> &interrupt)
{
    io_uring_sqe *sqe;
    // A run resumed after a pause finds its kick read still queued.
    if (!kick_armed_) {
        sqe = next_sqe();
        io_uring_prep_read(sqe, kick_fd, &kick_count_, sizeof kick_count_, 0);
        io_uring_sqe_set_data64(sqe, tag_kick);
        kick_armed_ = true;
    }
    sqe = next_sqe();
    io_uring_prep_read(sqe, stop_fd, &stop_count_, sizeof stop_count_, 0);
    io_uring_sqe_set_data64(sqe, tag_stop);
    io_uring_submit(&ring_);

    bool stopping = false;
    process_available(); // what arrived before this thread started
    for (;;) {
        if (queue_.should_interrupt())
            interrupt();
        if (stopping && in_flight_ == 0)
            break;
        // Interrupted or refused for the moment: look at the ring anyway.
        io_uring_submit_and_wait(&ring_, 1);
        bool kicked = false;
        unsigned head_index;
        unsigned seen = 0;
        io_uring_cqe *cqe = nullptr;
        io_uring_for_each_cqe(&ring_, head_index, cqe)
        {
            kicked |= handle_cqe(cqe, kick_fd, stopping);
            ++seen;
        }
        io_uring_cq_advance(&ring_, seen);
        // Completions free slots; a kick brings chains. Either way the avail
        // ring is where the work is, until stopping.
        if (!stopping && (kicked || seen > 0))
            process_available();
    }
    // The kick read stays queued in the ring for the next run;
    // io_uring_queue_exit cancels it.
}

} // namespace vdpa::device
