// SPDX-License-Identifier: GPL-2.0-or-later
// Replies recorded from the real kernel, then broken on purpose: missing
// mandatory attributes, wrong attribute sizes, truncated datagrams, random
// corruption. Every one must come back as an error value, never a crash or
// a half-read record.
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <vdpa/client.hpp>

#include "message_edit.hpp"
#include "replay_transport.hpp"
#include "vdpa_netlink.hpp"

namespace vdpa::testing {
namespace {

const std::vector<Exchange>& recording()
{
    static const std::vector<Exchange> exchanges = read_recording(data_path("sim.nlrec"));
    return exchanges;
}

// The recording with the data datagram of `step` replaced.
std::vector<Exchange> with_reply(const std::string& step, const Bytes& reply)
{
    std::vector<Exchange> exchanges = recording();
    for (Exchange& exchange : exchanges)
        if (exchange.step == step)
            exchange.replies.front() = reply;
    return exchanges;
}

using Call = std::function<Result<void>(Client&)>;

struct Step {
    std::string step;
    Call call;
    std::vector<std::uint16_t> mandatory;
};

template <typename T>
Result<void> discard(Result<T> result)
{
    if (!result)
        return std::move(result).error();
    return {};
}

const std::vector<Step>& steps()
{
    static const std::vector<Step> all = {
        {"mgmtdev-get:vdpasim_net",
         [](Client& c) {
             return discard(c.get_mgmtdev({"", "vdpasim_net"}));
         },
         {uapi::attr_mgmtdev_dev_name}},
        {"dev-get:n0",
         [](Client& c) { return discard(c.get_device("n0")); },
         {uapi::attr_dev_name, uapi::attr_mgmtdev_dev_name, uapi::attr_dev_id}},
        {"config-get:n0",
         [](Client& c) { return discard(c.get_device_config("n0")); },
         {uapi::attr_dev_name, uapi::attr_dev_id}},
        {"config-get:b0",
         [](Client& c) { return discard(c.get_device_config("b0")); },
         {uapi::attr_dev_name, uapi::attr_dev_id}},
        {"vstats:n0:1",
         [](Client& c) { return discard(c.get_queue_stats("n0", 1)); },
         {uapi::attr_dev_name, uapi::attr_dev_id, uapi::attr_dev_queue_index}},
    };
    return all;
}

Result<void> call_with(const Step& step, const Bytes& reply)
{
    Client client = replay_client(with_reply(step.step, reply));
    return step.call(client);
}

Bytes original_reply(const Step& step)
{
    return replies_of(recording(), step.step).front();
}

TEST(Malformed, UnchangedRepliesDecode)
{
    for (const Step& step : steps())
        EXPECT_TRUE(call_with(step, original_reply(step)).ok()) << step.step;
}

TEST(Malformed, MissingMandatoryAttributeIsAProtocolError)
{
    for (const Step& step : steps()) {
        Message message = Message::parse(original_reply(step));
        for (std::uint16_t mandatory : step.mandatory) {
            Message broken = message;
            std::erase_if(broken.attributes, [&](const auto& a) { return a.first == mandatory; });
            ASSERT_LT(broken.attributes.size(), message.attributes.size());
            auto result = call_with(step, broken.bytes());
            ASSERT_FALSE(result.ok()) << step.step << " without attribute " << mandatory;
            EXPECT_EQ(result.error().kind, ErrorKind::protocol);
        }
    }
}

TEST(Malformed, EveryOptionalAttributeMayBeAbsent)
{
    for (const Step& step : steps()) {
        Message message = Message::parse(original_reply(step));
        for (std::size_t i = 0; i < message.attributes.size(); ++i) {
            std::uint16_t type = message.attributes[i].first;
            bool mandatory = std::find(step.mandatory.begin(), step.mandatory.end(), type) !=
                             step.mandatory.end();
            // Vendor counters come in pairs: dropping half a pair is an error.
            bool paired =
                type == uapi::attr_dev_vendor_attr_name || type == uapi::attr_dev_vendor_attr_value;
            if (mandatory || paired || type == 0)
                continue;
            Message broken = message;
            broken.attributes.erase(broken.attributes.begin() + static_cast<std::ptrdiff_t>(i));
            EXPECT_TRUE(call_with(step, broken.bytes()).ok())
                << step.step << " without attribute " << type;
        }
    }
}

TEST(Malformed, WrongSizedAttributeIsAProtocolError)
{
    for (const Step& step : steps()) {
        Message message = Message::parse(original_reply(step));
        for (std::size_t i = 0; i < message.attributes.size(); ++i) {
            auto [type, payload] = message.attributes[i];
            bool is_string = type == uapi::attr_mgmtdev_bus_name ||
                             type == uapi::attr_mgmtdev_dev_name || type == uapi::attr_dev_name ||
                             type == uapi::attr_dev_vendor_attr_name;
            if (type == 0 || is_string)
                continue;
            for (int delta : {-1, +1, +4}) {
                if (payload.size() == 0 && delta < 0)
                    continue;
                Message broken = message;
                broken.attributes[i].second.resize(payload.size() + delta);
                auto result = call_with(step, broken.bytes());
                ASSERT_FALSE(result.ok())
                    << step.step << " attribute " << type << " resized by " << delta;
                EXPECT_EQ(result.error().kind, ErrorKind::protocol);
            }
        }
    }
}

TEST(Malformed, VendorCounterNameWithoutValueIsAProtocolError)
{
    const Step& vstats = steps().back();
    Message message = Message::parse(original_reply(vstats));
    ASSERT_EQ(message.attributes.back().first, uapi::attr_dev_vendor_attr_value);
    message.attributes.pop_back();
    auto result = call_with(vstats, message.bytes());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::protocol);
}

TEST(Malformed, TruncatedDatagramsAreErrors)
{
    for (const Step& step : steps()) {
        Bytes reply = original_reply(step);
        for (std::size_t length = 0; length < reply.size(); ++length) {
            Bytes truncated(reply.begin(), reply.begin() + static_cast<std::ptrdiff_t>(length));
            EXPECT_FALSE(call_with(step, truncated).ok()) << step.step << " cut at " << length;
        }
    }
}

TEST(Malformed, TruncatedDumpIsAnError)
{
    Bytes dump = replies_of(recording(), "dev-dump").front();
    for (std::size_t length : {dump.size() - 1, dump.size() / 2, std::size_t{20}}) {
        std::vector<Exchange> exchanges = recording();
        for (Exchange& exchange : exchanges)
            if (exchange.step == "dev-dump")
                exchange.replies.front().resize(length);
        Client client = replay_client(exchanges);
        int seen = 0;
        EXPECT_FALSE(client.for_each_device([&](const Device&) { ++seen; }).ok());
    }
}

TEST(Malformed, MissingReplyIsAnErrorNotAHang)
{
    std::vector<Exchange> exchanges = recording();
    for (Exchange& exchange : exchanges)
        if (exchange.step == "dev-get:n0")
            exchange.replies.clear();
    Client client = replay_client(exchanges);
    EXPECT_FALSE(client.get_device("n0").ok());
}

TEST(Malformed, RandomCorruptionNeverCrashes)
{
    std::mt19937 random(20261125);
    int errors = 0;
    int decoded = 0;
    for (const Step& step : steps()) {
        Bytes reply = original_reply(step);
        for (int round = 0; round < 400; ++round) {
            Bytes corrupt = reply;
            int flips = 1 + static_cast<int>(random() % 4);
            for (int f = 0; f < flips; ++f)
                corrupt[random() % corrupt.size()] = std::byte(random() & 0xff);
            (call_with(step, corrupt).ok() ? decoded : errors)++;
        }
    }
    // Most corruptions break the framing; some only change values.
    EXPECT_GT(errors, 0);
    EXPECT_GT(decoded, 0);
}

} // namespace
} // namespace vdpa::testing
