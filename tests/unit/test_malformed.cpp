// SPDX-License-Identifier: GPL-2.0-or-later
// Replies recorded from the real kernel, then broken on purpose: missing
// mandatory attributes, wrong attribute sizes, truncated datagrams, broken
// records inside dumps, broken acks and error messages, random corruption.
// Every one must come back as an error value, never a crash or a half-read
// record; and a broken explanation must not hide the error it explains.
#include <climits>
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

// The messages of a datagram, each with its padding stripped.
std::vector<Bytes> split_messages(const Bytes& datagram)
{
    std::vector<Bytes> messages;
    std::size_t at = 0;
    while (at + sizeof(nlmsghdr) <= datagram.size()) {
        nlmsghdr header;
        std::memcpy(&header, datagram.data() + at, sizeof(header));
        auto start = datagram.begin() + static_cast<std::ptrdiff_t>(at);
        messages.emplace_back(start, start + header.nlmsg_len);
        at += MNL_ALIGN(header.nlmsg_len);
    }
    return messages;
}

Bytes join_messages(const std::vector<Bytes>& messages)
{
    Bytes datagram;
    for (const Bytes& message : messages) {
        datagram.insert(datagram.end(), message.begin(), message.end());
        datagram.resize(MNL_ALIGN(datagram.size()));
    }
    return datagram;
}

// A dump step of sim.nlrec, its records in its first datagram (then DONE).
struct DumpStep {
    std::string step;
    std::function<Result<void>(Client&, int&)> dump; // counts the records seen
    std::vector<std::uint16_t> mandatory;
};

const std::vector<DumpStep>& dump_steps()
{
    static const std::vector<DumpStep> all = {
        {"mgmtdev-dump",
         [](Client& c, int& seen) { return c.for_each_mgmtdev([&](const MgmtDev&) { ++seen; }); },
         {uapi::attr_mgmtdev_dev_name}},
        {"config-dump",
         [](Client& c, int& seen) {
             return c.for_each_device_config([&](const DeviceConfig&) { ++seen; });
         },
         {uapi::attr_dev_name, uapi::attr_dev_id}},
    };
    return all;
}

// Dumps with record `index` of the first datagram replaced by `record`;
// returns the outcome and how many records the caller saw.
std::pair<Result<void>, int> dump_with_record(const DumpStep& step, std::size_t index,
                                              const Bytes& record)
{
    std::vector<Bytes> records = split_messages(replies_of(recording(), step.step).front());
    records.at(index) = record;
    Client client = replay_client(with_reply(step.step, join_messages(records)));
    int seen = 0;
    Result<void> result = step.dump(client, seen);
    return {std::move(result), seen};
}

TEST(MalformedDump, EveryRecordDecodesUnchanged)
{
    for (const DumpStep& step : dump_steps()) {
        std::vector<Bytes> records = split_messages(replies_of(recording(), step.step).front());
        ASSERT_EQ(records.size(), 3u) << step.step;
        for (std::size_t i = 0; i < records.size(); ++i) {
            auto [result, seen] = dump_with_record(step, i, records[i]);
            EXPECT_TRUE(result.ok()) << step.step;
            EXPECT_EQ(seen, 3) << step.step;
        }
    }
}

// A broken record stops the dump there: the records before it reach the
// caller, it and those after do not, and the dump fails.
void expect_broken_at(const DumpStep& step, std::size_t index, const Bytes& record,
                      const std::string& what)
{
    auto [result, seen] = dump_with_record(step, index, record);
    ASSERT_FALSE(result.ok()) << step.step << " record " << index << ": " << what;
    EXPECT_EQ(result.error().kind, ErrorKind::protocol) << step.step << ": " << what;
    EXPECT_EQ(seen, static_cast<int>(index)) << step.step << " record " << index << ": " << what;
}

TEST(MalformedDump, RecordWithoutMandatoryAttributeStopsTheDump)
{
    for (const DumpStep& step : dump_steps()) {
        std::vector<Bytes> records = split_messages(replies_of(recording(), step.step).front());
        for (std::size_t i = 0; i < records.size(); ++i)
            for (std::uint16_t mandatory : step.mandatory) {
                Message message = Message::parse(records[i]);
                std::erase_if(message.attributes,
                              [&](const auto& a) { return a.first == mandatory; });
                expect_broken_at(step, i, message.bytes(),
                                 "without attribute " + std::to_string(mandatory));
            }
    }
}

TEST(MalformedDump, RecordWithWrongSizedAttributeStopsTheDump)
{
    for (const DumpStep& step : dump_steps()) {
        std::vector<Bytes> records = split_messages(replies_of(recording(), step.step).front());
        for (std::size_t i = 0; i < records.size(); ++i) {
            Message message = Message::parse(records[i]);
            for (std::size_t a = 0; a < message.attributes.size(); ++a) {
                auto [type, payload] = message.attributes[a];
                bool is_string = type == uapi::attr_mgmtdev_bus_name ||
                                 type == uapi::attr_mgmtdev_dev_name || type == uapi::attr_dev_name;
                if (type == 0 || is_string)
                    continue;
                Message broken = message;
                broken.attributes[a].second.push_back(std::byte{0});
                expect_broken_at(step, i, broken.bytes(),
                                 "attribute " + std::to_string(type) + " one byte longer");
            }
        }
    }
}

TEST(MalformedDump, RecordWithBrokenAttributeFramingStopsTheDump)
{
    constexpr std::size_t first_attribute = sizeof(nlmsghdr) + sizeof(genlmsghdr);
    for (const DumpStep& step : dump_steps()) {
        std::vector<Bytes> records = split_messages(replies_of(recording(), step.step).front());
        for (std::size_t i = 0; i < records.size(); ++i) {
            // An attribute longer than its message, and one shorter than
            // its own header.
            for (std::uint16_t length : {std::uint16_t{0xfff0}, std::uint16_t{2}}) {
                Bytes broken = records[i];
                std::memcpy(broken.data() + first_attribute, &length, sizeof(length));
                expect_broken_at(step, i, broken, "first attribute length " + std::to_string(length));
            }
        }
    }
}

// Attribute 21 is the block capacity only for block devices (older kernels
// used the number for something else): on a net device's configuration it
// is skipped whatever its size; on a block device's it must be a u64.
TEST(MalformedDump, Attribute21IsOnlyReadForBlockDevices)
{
    const DumpStep& config = dump_steps().back();
    std::vector<Bytes> records = split_messages(replies_of(recording(), config.step).front());
    for (std::size_t size : {0u, 1u, 2u, 4u, 12u}) {
        for (std::size_t i = 0; i < records.size(); ++i) {
            Message message = Message::parse(records[i]);
            std::erase_if(message.attributes,
                          [](const auto& a) { return a.first == uapi::attr_dev_blk_cfg_capacity; });
            message.attributes.push_back({uapi::attr_dev_blk_cfg_capacity, Bytes(size)});
            auto [result, seen] = dump_with_record(config, i, message.bytes());
            bool block = i == 2;
            ASSERT_EQ(result.ok(), !block) << "record " << i << ", attribute 21 of " << size;
            EXPECT_EQ(seen, block ? 2 : 3);
        }
    }

    // And the net configuration read is the one without it.
    Message net = Message::parse(original_reply(steps()[2]));
    net.attributes.push_back({uapi::attr_dev_blk_cfg_capacity, Bytes(4, std::byte{0xff})});
    Client plain = replay_client(recording());
    Client extra = replay_client(with_reply("config-get:n0", net.bytes()));
    auto expected = plain.get_device_config("n0");
    auto got = extra.get_device_config("n0");
    ASSERT_TRUE(expected.ok());
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->block.has_value());
    ASSERT_TRUE(got->net.has_value());
    EXPECT_EQ(got->net->mac, expected->net->mac);
    EXPECT_EQ(got->net->mtu, expected->net->mtu);
    EXPECT_EQ(got->net->status, expected->net->status);
    EXPECT_EQ(got->net->max_vq_pairs, expected->net->max_vq_pairs);
}

// NLMSG_DONE carries 0 or -errno (a positive value is ignored, as libmnl
// does); below -4095 it is no errno at all.
TEST(MalformedDump, DoneWithAnImpossibleErrorCodeIsAProtocolError)
{
    for (const DumpStep& step : dump_steps()) {
        for (int code : {INT_MIN, -4096}) {
            std::vector<Exchange> exchanges = recording();
            for (Exchange& exchange : exchanges)
                if (exchange.step == step.step) {
                    Bytes& done = exchange.replies.back();
                    std::memcpy(done.data() + sizeof(nlmsghdr), &code, sizeof(code));
                }
            Client client = replay_client(exchanges);
            int seen = 0;
            auto result = step.dump(client, seen);
            ASSERT_FALSE(result.ok()) << step.step << " done with " << code;
            EXPECT_EQ(result.error().kind, ErrorKind::protocol) << step.step << " " << code;
        }
    }
}

// Acks and errors of the requests that change things, recorded in
// sim.nlrec (the kernel's refusals, with extended acks) and
// lifecycle.nlrec (plain acks).
struct AckStep {
    std::string recording;
    std::string step;
    std::function<Result<Ack>(Client&)> call;
    int errnum; // what the kernel answered; 0 for an ack
};

MacAddress mac(std::uint8_t last)
{
    return MacAddress{{0x00, 0x11, 0x22, 0x33, 0x44, last}};
}

const std::vector<AckStep>& ack_steps()
{
    static const std::vector<AckStep> all = {
        {"sim.nlrec", "del:missing", [](Client& c) { return c.delete_device("missing"); }, ENODEV},
        {"sim.nlrec", "add:x:vdpasim_blk:mac=00-11-22-33-44-55",
         [](Client& c) {
             NewDevice device{"x", {"", "vdpasim_blk"}, {}, mac(0x55), {}, {}};
             return c.add_device(device);
         },
         EOPNOTSUPP},
        {"sim.nlrec", "set-mac:missing:00-11-22-33-44-66",
         [](Client& c) { return c.change_device(DeviceChange{"missing", mac(0x66)}); }, ENODEV},
        {"lifecycle.nlrec", "add:t0:vdpasim_net:mac=00-11-22-33-44-55:mtu=1400",
         [](Client& c) {
             NewDevice device{"t0", {"", "vdpasim_net"}, {}, mac(0x55), 1400, {}};
             return c.add_device(device);
         },
         0},
        {"lifecycle.nlrec", "set-mac:t0:00-11-22-33-44-66",
         [](Client& c) { return c.change_device(DeviceChange{"t0", mac(0x66)}); }, 0},
        {"lifecycle.nlrec", "del:t0", [](Client& c) { return c.delete_device("t0"); }, 0},
    };
    return all;
}

Bytes ack_reply(const AckStep& step)
{
    return replies_of(read_recording(data_path(step.recording)), step.step).front();
}

Result<Ack> ack_with(const AckStep& step, const Bytes& reply)
{
    std::vector<Exchange> exchanges = read_recording(data_path(step.recording));
    for (Exchange& exchange : exchanges)
        if (exchange.step == step.step)
            exchange.replies = {reply};
    Client client = replay_client(exchanges);
    return step.call(client);
}

// The error message's fields: where the TLVs start (after nlmsgerr; the
// kernel caps the echoed request, NLM_F_CAPPED) and the header's length.
constexpr std::size_t error_field = sizeof(nlmsghdr);
constexpr std::size_t tlv_start = sizeof(nlmsghdr) + sizeof(nlmsgerr);

void set_length(Bytes& message)
{
    auto length = static_cast<std::uint32_t>(message.size());
    std::memcpy(message.data(), &length, sizeof(length));
}

TEST(MalformedAck, RecordedAcksAndErrorsDecode)
{
    for (const AckStep& step : ack_steps()) {
        Bytes reply = ack_reply(step);
        nlmsghdr header;
        std::memcpy(&header, reply.data(), sizeof(header));
        ASSERT_EQ(header.nlmsg_type, NLMSG_ERROR) << step.step;
        ASSERT_TRUE(header.nlmsg_flags & NLM_F_CAPPED) << step.step;
        auto result = ack_with(step, reply);
        if (step.errnum == 0) {
            EXPECT_TRUE(result.ok()) << step.step;
        } else {
            ASSERT_FALSE(result.ok()) << step.step;
            EXPECT_EQ(result.error().kind, ErrorKind::kernel);
            EXPECT_EQ(result.error().errnum, step.errnum);
        }
    }
}

TEST(MalformedAck, TruncatedErrorMessageIsAProtocolError)
{
    for (const AckStep& step : ack_steps()) {
        Bytes reply = ack_reply(step);
        // Well framed, but too short to hold the error code and the echo.
        for (std::size_t length = sizeof(nlmsghdr); length < tlv_start; ++length) {
            Bytes truncated(reply.begin(), reply.begin() + static_cast<std::ptrdiff_t>(length));
            set_length(truncated);
            auto result = ack_with(step, truncated);
            ASSERT_FALSE(result.ok()) << step.step << " cut at " << length;
            EXPECT_EQ(result.error().kind, ErrorKind::protocol) << step.step << " cut at " << length;
        }
    }
}

TEST(MalformedAck, ImpossibleErrorCodeIsAProtocolError)
{
    // error-code-int-min (tests/fuzz/regressions/reply): negating INT_MIN
    // was undefined; only UBSan saw it. The decoded kind shows it anywhere.
    for (const AckStep& step : ack_steps()) {
        for (int code : {INT_MIN, -4096, 4096, INT_MAX}) {
            Bytes reply = ack_reply(step);
            std::memcpy(reply.data() + error_field, &code, sizeof(code));
            auto result = ack_with(step, reply);
            ASSERT_FALSE(result.ok()) << step.step << " error " << code;
            EXPECT_EQ(result.error().kind, ErrorKind::protocol) << step.step << " error " << code;
        }
    }
}

// The extended-ack TLVs, broken in each way a kernel (or anything posing
// as one) could: the error they explain still comes through, with its
// errno, and an ack is still an ack.
TEST(MalformedAck, BrokenExtendedAckDoesNotHideTheOutcome)
{
    auto tlv = [](std::uint16_t length, std::uint16_t type, const std::string& payload) {
        Bytes bytes(sizeof(nlattr));
        nlattr attr{length, type};
        std::memcpy(bytes.data(), &attr, sizeof(attr));
        for (char c : payload)
            bytes.push_back(std::byte(c));
        return bytes;
    };
    const std::vector<std::pair<std::string, Bytes>> broken_tlvs = {
        {"a message longer than the reply", tlv(200, NLMSGERR_ATTR_MSG, "vdpa: x")},
        {"a message without its NUL", tlv(11, NLMSGERR_ATTR_MSG, "vdpa: x")},
        {"an attribute shorter than its header", tlv(2, NLMSGERR_ATTR_MSG, "")},
        {"an offset of two bytes", tlv(6, NLMSGERR_ATTR_OFFS, std::string("\x10\x00", 2))},
        {"a missing-type of one byte", tlv(5, NLMSGERR_ATTR_MISS_TYPE, "\x01")},
        {"three stray bytes", Bytes(3, std::byte{0x7f})},
    };
    for (const AckStep& step : ack_steps()) {
        Bytes reply = ack_reply(step);
        for (const auto& [what, tlvs] : broken_tlvs) {
            Bytes broken(reply.begin(), reply.begin() + static_cast<std::ptrdiff_t>(tlv_start));
            broken.insert(broken.end(), tlvs.begin(), tlvs.end());
            set_length(broken);
            nlmsghdr header;
            std::memcpy(&header, broken.data(), sizeof(header));
            header.nlmsg_flags |= NLM_F_ACK_TLVS;
            std::memcpy(broken.data(), &header, sizeof(header));
            auto result = ack_with(step, broken);
            if (step.errnum == 0) {
                EXPECT_TRUE(result.ok()) << step.step << ": " << what;
                continue;
            }
            ASSERT_FALSE(result.ok()) << step.step << ": " << what;
            EXPECT_EQ(result.error().kind, ErrorKind::kernel) << step.step << ": " << what;
            EXPECT_EQ(result.error().errnum, step.errnum) << step.step << ": " << what;
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
