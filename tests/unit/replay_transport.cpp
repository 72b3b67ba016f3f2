// SPDX-License-Identifier: GPL-2.0-or-later
#include "replay_transport.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <linux/netlink.h>

#include "client_impl.hpp"

namespace vdpa::testing {
namespace {

constexpr std::size_t seq_offset = offsetof(nlmsghdr, nlmsg_seq);
constexpr std::size_t pid_offset = offsetof(nlmsghdr, nlmsg_pid);

// Equal but for sequence number and port id.
bool same_request(const Bytes& recorded, std::span<const std::byte> sent)
{
    if (recorded.size() != sent.size() || sent.size() < sizeof(nlmsghdr))
        return false;
    return std::equal(recorded.begin(), recorded.begin() + seq_offset, sent.begin()) &&
           std::equal(recorded.begin() + sizeof(nlmsghdr), recorded.end(),
                      sent.begin() + sizeof(nlmsghdr));
}

} // namespace

ReplayTransport::ReplayTransport(std::vector<Exchange> exchanges)
    : exchanges_(std::move(exchanges)), used_(exchanges_.size(), false)
{
}

Result<void> ReplayTransport::send(std::span<const std::byte> message)
{
    for (std::size_t i = 0; i < exchanges_.size(); ++i) {
        if (used_[i] || !same_request(exchanges_[i].request, message))
            continue;
        used_[i] = true;
        std::uint32_t seq;
        std::memcpy(&seq, message.data() + seq_offset, sizeof(seq));
        std::uint32_t pid = port_id();
        for (Bytes reply : exchanges_[i].replies) {
            // Readdress every message of the datagram to this request.
            for (std::size_t at = 0; at + sizeof(nlmsghdr) <= reply.size();) {
                std::memcpy(reply.data() + at + seq_offset, &seq, sizeof(seq));
                std::memcpy(reply.data() + at + pid_offset, &pid, sizeof(pid));
                std::uint32_t length;
                std::memcpy(&length, reply.data() + at, sizeof(length));
                if (length < sizeof(nlmsghdr))
                    break;
                at += NLMSG_ALIGN(length);
            }
            pending_.push_back(std::move(reply));
        }
        return {};
    }
    unmatched_.emplace_back(message.begin(), message.end());
    return Error::system(EIO,
                         "no recorded exchange matches the request " + to_hex(unmatched_.back()));
}

Result<std::size_t> ReplayTransport::receive(std::span<std::byte> buffer)
{
    if (pending_.empty())
        return Error::system(EAGAIN, "the recording has no further reply");
    Bytes datagram = std::move(pending_.front());
    pending_.pop_front();
    if (datagram.size() > buffer.size())
        return Error::system(EMSGSIZE, "a recorded reply is larger than the receive buffer");
    std::copy(datagram.begin(), datagram.end(), buffer.begin());
    return datagram.size();
}

std::string data_path(const std::string& file)
{
    return std::string(VDPA_TEST_DATA_DIR) + "/" + file;
}

Client replay_client(std::vector<Exchange> exchanges)
{
    auto client = open_client(std::make_unique<ReplayTransport>(std::move(exchanges)));
    if (!client)
        throw std::runtime_error("replayed family resolution failed: " + client.error().message);
    return *std::move(client);
}

Client replay_client(const std::string& file)
{
    return replay_client(read_recording(data_path(file)));
}

std::vector<Bytes> replies_of(const std::vector<Exchange>& exchanges, const std::string& step)
{
    for (const Exchange& exchange : exchanges)
        if (exchange.step == step)
            return exchange.replies;
    throw std::runtime_error("no recorded step " + step);
}

} // namespace vdpa::testing
