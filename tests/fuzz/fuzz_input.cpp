// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz_input.hpp"

#include <cstring>
#include <utility>

#include "recording.hpp"

namespace vdpa::fuzz {
namespace {

constexpr std::uint8_t call_mask = 0x07;
constexpr std::uint8_t raw_addresses = 0x08;
constexpr std::uint8_t family_flag = 0x10;

} // namespace

ReplyInput split_reply_input(const std::uint8_t* data, std::size_t size)
{
    ReplyInput input;
    if (size == 0)
        return input;
    input.call = static_cast<Call>(data[0] & call_mask);
    input.address = (data[0] & raw_addresses) == 0;
    input.fuzz_family = (data[0] & family_flag) != 0;
    std::size_t offset = 1;
    while (offset < size) {
        std::size_t length = data[offset];
        if (offset + 1 < size)
            length |= std::size_t{data[offset + 1]} << 8;
        offset += 2;
        length = std::min(length, size > offset ? size - offset : 0);
        const auto* begin = reinterpret_cast<const std::byte*>(data + offset);
        input.datagrams.emplace_back(begin, begin + length);
        offset += length;
    }
    return input;
}

Bytes join_reply_input(const ReplyInput& input)
{
    Bytes out;
    auto selector = static_cast<std::uint8_t>(static_cast<std::uint8_t>(input.call) |
                                              (input.address ? 0 : raw_addresses) |
                                              (input.fuzz_family ? family_flag : 0));
    out.push_back(std::byte{selector});
    for (const Bytes& datagram : input.datagrams) {
        out.push_back(std::byte(datagram.size() & 0xff));
        out.push_back(std::byte(datagram.size() >> 8));
        out.insert(out.end(), datagram.begin(), datagram.end());
    }
    return out;
}

const std::vector<Bytes>& family_replies()
{
    static const std::vector<Bytes> replies = [] {
        for (const testing::Exchange& exchange :
             testing::read_recording(VDPA_TEST_DATA_DIR "/sim.nlrec"))
            if (exchange.step.rfind("open", 0) == 0)
                return exchange.replies;
        return std::vector<Bytes>{};
    }();
    return replies;
}

bool call_of_step(const std::string& step, Call& call)
{
    static const std::pair<const char*, Call> prefixes[] = {
        {"mgmtdev-dump", Call::mgmtdev_dump}, {"mgmtdev-get", Call::mgmtdev_get},
        {"dev-dump", Call::device_dump},      {"dev-get", Call::device_get},
        {"config-dump", Call::config_dump},   {"config-get", Call::config_get},
        {"vstats", Call::queue_stats},        {"del", Call::delete_device},
        {"add", Call::delete_device},         {"set-mac", Call::delete_device},
    };
    for (const auto& [prefix, value] : prefixes) {
        if (step.rfind(prefix, 0) == 0) {
            call = value;
            return true;
        }
    }
    return false;
}

} // namespace vdpa::fuzz
