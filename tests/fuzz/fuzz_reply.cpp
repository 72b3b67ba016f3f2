// SPDX-License-Identifier: GPL-2.0-or-later
//
// Fuzzes everything libvdpa reads from the kernel: the family resolution,
// acks and errors with their extended-ack attributes, multipart dumps and
// every record decoder, through a real Client on a transport that answers
// with the fuzzer's bytes.
//
// Input: one byte choosing the call and how replies are addressed, then
// datagrams, each a little-endian u16 length and that many bytes. Unless
// the input asks otherwise, each message's sequence number and port id are
// set to those of the request, so that the fuzzer's effort goes into what
// follows the headers. Seeds: the replies recorded from the real kernel
// (fuzz-seeds writes them).
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include <linux/netlink.h>

#include "client_impl.hpp"
#include "fuzz_input.hpp"
#include "netlink/transport.hpp"

namespace {

using Bytes = std::vector<std::byte>;

class FuzzTransport final : public vdpa::netlink::Transport {
public:
    FuzzTransport(std::deque<Bytes> family_replies, std::deque<Bytes> call_replies,
                  bool address_replies)
        : family_(std::move(family_replies)), call_(std::move(call_replies)),
          address_(address_replies)
    {
    }

    vdpa::Result<void> send(std::span<const std::byte> message) override
    {
        if (message.size() >= sizeof(nlmsghdr))
            std::memcpy(&sequence_, message.data() + offsetof(nlmsghdr, nlmsg_seq), 4);
        queue_ = sends_++ == 0 ? &family_ : &call_;
        return {};
    }

    vdpa::Result<std::size_t> receive(std::span<std::byte> buffer) override
    {
        if (!queue_ || queue_->empty())
            return vdpa::Error::system(EAGAIN, "no more replies");
        Bytes datagram = std::move(queue_->front());
        queue_->pop_front();
        if (datagram.size() > buffer.size())
            return vdpa::Error::system(ENOBUFS, "datagram larger than the buffer");
        if (address_)
            address(datagram);
        if (!datagram.empty())
            std::memcpy(buffer.data(), datagram.data(), datagram.size());
        return datagram.size();
    }

    std::uint32_t port_id() const override { return 0x4242; }

private:
    // Headers as the kernel would address them to this request.
    void address(Bytes& datagram) const
    {
        std::size_t offset = 0;
        while (offset + sizeof(nlmsghdr) <= datagram.size()) {
            nlmsghdr header;
            std::memcpy(&header, datagram.data() + offset, sizeof header);
            header.nlmsg_seq = sequence_;
            header.nlmsg_pid = port_id();
            std::memcpy(datagram.data() + offset, &header, sizeof header);
            if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > datagram.size() - offset)
                break;
            offset += NLMSG_ALIGN(std::size_t{header.nlmsg_len});
        }
    }

    std::deque<Bytes> family_;
    std::deque<Bytes> call_;
    std::deque<Bytes>* queue_ = nullptr;
    bool address_;
    std::uint32_t sequence_ = 0;
    int sends_ = 0;
};

template <typename T>
void consume(const vdpa::Result<T>& result)
{
    // Reading the value or the error is what a caller does; the sanitizers
    // watch the reads.
    if (result)
        return;
    volatile std::size_t sink = result.error().message.size();
    (void)sink;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    vdpa::fuzz::ReplyInput input = vdpa::fuzz::split_reply_input(data, size);
    std::deque<Bytes> family;
    std::deque<Bytes> call;
    if (input.fuzz_family) {
        family.assign(input.datagrams.begin(), input.datagrams.end());
    } else {
        family.assign(vdpa::fuzz::family_replies().begin(), vdpa::fuzz::family_replies().end());
        call.assign(input.datagrams.begin(), input.datagrams.end());
    }
    auto client = vdpa::open_client(
        std::make_unique<FuzzTransport>(std::move(family), std::move(call), input.address));
    if (!client)
        return 0;
    switch (input.call) {
    case vdpa::fuzz::Call::mgmtdev_dump:
        consume(client->for_each_mgmtdev([](const vdpa::MgmtDev& m) { (void)m.handle.to_string(); }));
        break;
    case vdpa::fuzz::Call::mgmtdev_get:
        consume(client->get_mgmtdev(vdpa::MgmtDevHandle{"", "vdpasim_net"}));
        break;
    case vdpa::fuzz::Call::device_dump:
        consume(client->for_each_device([](const vdpa::Device&) {}));
        break;
    case vdpa::fuzz::Call::device_get:
        consume(client->get_device("n0"));
        break;
    case vdpa::fuzz::Call::config_dump:
        consume(client->for_each_device_config([](const vdpa::DeviceConfig&) {}));
        break;
    case vdpa::fuzz::Call::config_get:
        consume(client->get_device_config("n0"));
        break;
    case vdpa::fuzz::Call::queue_stats:
        consume(client->get_queue_stats("n0", 0));
        break;
    case vdpa::fuzz::Call::delete_device:
        consume(client->delete_device("n0"));
        break;
    }
    return 0;
}
