// SPDX-License-Identifier: GPL-2.0-or-later
#include "blk_request.hpp"

#include <algorithm>
#include <cstring>

namespace vdpa::device {

namespace blk = uapi::virtio::blk;

namespace {

// Walks LENGTH bytes of BUFFERS from OFFSET, handing each contiguous piece
// (its address, where it starts in the walk, its size) to COPY; returns how
// many bytes the buffers held, at most LENGTH.
template <typename Copy>
std::uint64_t for_each_piece(const std::vector<iovec> &buffers, std::uint64_t offset,
                             std::uint64_t length, Copy copy)
{
    std::uint64_t walked = 0;
    for (const auto &b : buffers) {
        if (walked == length)
            break;
        if (offset >= b.iov_len) {
            offset -= b.iov_len;
            continue;
        }
        const std::uint64_t n = std::min<std::uint64_t>(b.iov_len - offset, length - walked);
        copy(static_cast<std::byte *>(b.iov_base) + offset, walked, n);
        walked += n;
        offset = 0;
    }
    return walked;
}

} // namespace

std::uint64_t copy_from_buffers(const std::vector<iovec> &buffers, std::uint64_t offset,
                                void *to, std::uint64_t length)
{
    auto *dst = static_cast<std::byte *>(to);
    return for_each_piece(buffers, offset, length,
                          [dst](std::byte *piece, std::uint64_t at, std::uint64_t n) {
                              std::memcpy(dst + at, piece, n);
                          });
}

std::uint64_t copy_to_buffers(const std::vector<iovec> &buffers, std::uint64_t offset,
                              const void *from, std::uint64_t length)
{
    const auto *src = static_cast<const std::byte *>(from);
    return for_each_piece(buffers, offset, length,
                          [src](std::byte *piece, std::uint64_t at, std::uint64_t n) {
                              std::memcpy(piece, src + at, n);
                          });
}

void slice_buffers(const std::vector<iovec> &buffers, std::uint64_t offset, std::uint64_t length,
                   std::vector<iovec> &out)
{
    out.clear();
    for (const auto &b : buffers) {
        if (length == 0)
            break;
        if (offset >= b.iov_len) {
            offset -= b.iov_len;
            continue;
        }
        const std::uint64_t n = std::min<std::uint64_t>(b.iov_len - offset, length);
        out.push_back(iovec{static_cast<std::byte *>(b.iov_base) + offset, n});
        length -= n;
        offset = 0;
    }
}

namespace {

std::uint8_t *status_byte(const Chain &chain)
{
    // The last writable byte, wherever the driver split its buffers.
    const iovec &last = chain.writable.back();
    return static_cast<std::uint8_t *>(last.iov_base) + last.iov_len - 1;
}

bool in_disk(std::uint64_t offset, std::uint64_t length, const BlkDisk &disk)
{
    return offset <= disk.bytes && length <= disk.bytes - offset;
}

BlkRequest &finish(BlkRequest &r, std::uint8_t status, std::uint32_t written = 1)
{
    r.op = BlkOp::done;
    r.status_value = status;
    r.written_on_success = written;
    return r;
}

} // namespace

bool parse_blk_request(const Chain &chain, const BlkDisk &disk, BlkRequest &out)
{
    out = BlkRequest{};
    blk::OutHeader header;
    if (chain.writable_bytes < 1 ||
        copy_from_buffers(chain.readable, 0, &header, sizeof header) != sizeof header)
        return false;
    out.status = status_byte(chain);
    const std::uint64_t out_bytes = chain.readable_bytes - sizeof header;
    const std::uint64_t in_bytes = chain.writable_bytes - 1;
    constexpr std::uint64_t sector = 1u << blk::sector_shift;

    switch (header.type) {
    case blk::t_in:
    case blk::t_out: {
        const bool is_read = header.type == blk::t_in;
        const std::uint64_t length = is_read ? in_bytes : out_bytes;
        if (!is_read && disk.readonly)
            return finish(out, blk::s_ioerr), true;
        if (header.sector > (UINT64_MAX >> blk::sector_shift) || length % sector != 0 ||
            !in_disk(header.sector << blk::sector_shift, length, disk))
            return finish(out, blk::s_ioerr), true;
        out.op = is_read ? BlkOp::read : BlkOp::write;
        out.offset = header.sector << blk::sector_shift;
        out.length = length;
        if (is_read)
            slice_buffers(chain.writable, 0, length, out.data);
        else
            slice_buffers(chain.readable, sizeof header, length, out.data);
        out.written_on_success = static_cast<std::uint32_t>((is_read ? length : 0) + 1);
        return true;
    }
    case blk::t_flush:
        out.op = disk.readonly ? BlkOp::done : BlkOp::flush;
        return true;
    case blk::t_get_id: {
        char id[blk::id_bytes] = {};
        std::memcpy(id, disk.serial.data(), std::min<std::size_t>(disk.serial.size(), sizeof id));
        const auto n = copy_to_buffers(chain.writable, 0, id, std::min<std::uint64_t>(in_bytes, sizeof id));
        return finish(out, blk::s_ok, static_cast<std::uint32_t>(n + 1)), true;
    }
    case blk::t_discard:
    case blk::t_write_zeroes: {
        const bool discard = header.type == blk::t_discard;
        if (disk.readonly)
            return finish(out, blk::s_ioerr), true;
        blk::DiscardWriteZeroes range;
        // One range per request, as the configuration space says.
        if (out_bytes != sizeof range)
            return finish(out, blk::s_unsupp), true;
        copy_from_buffers(chain.readable, sizeof header, &range, sizeof range);
        const std::uint32_t allowed = discard ? 0 : blk::write_zeroes_flag_unmap;
        if ((range.flags & ~allowed) != 0)
            return finish(out, blk::s_unsupp), true;
        if (range.sector > (UINT64_MAX >> blk::sector_shift) ||
            !in_disk(range.sector << blk::sector_shift,
                     std::uint64_t{range.num_sectors} << blk::sector_shift, disk))
            return finish(out, blk::s_ioerr), true;
        out.op = discard ? BlkOp::discard : BlkOp::write_zeroes;
        out.offset = range.sector << blk::sector_shift;
        out.length = std::uint64_t{range.num_sectors} << blk::sector_shift;
        out.unmap = discard || (range.flags & blk::write_zeroes_flag_unmap) != 0;
        if (out.length == 0)
            finish(out, blk::s_ok);
        return true;
    }
    default:
        return finish(out, blk::s_unsupp), true;
    }
}

} // namespace vdpa::device
