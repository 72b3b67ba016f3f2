// SPDX-License-Identifier: GPL-2.0-or-later
// Older kernels, derived from the family description Linux 6.12 sent: a
// command the kernel lacks fails naming what is missing, and an attribute
// it would silently ignore is refused before anything is sent.
//
// Each kernel is described as it really describes itself: maxattr is its
// VDPA_ATTR_MAX, one past its last attribute (see check_provisioning in
// lib/src/client.cpp for the history).
#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>
#include <linux/genetlink.h>

#include <vdpa/client.hpp>

#include "message_edit.hpp"
#include "report.hpp"
#include "replay_transport.hpp"
#include "vdpa_netlink.hpp"

namespace vdpa::testing {
namespace {

struct OlderKernel {
    std::uint32_t max_attribute;
    std::vector<std::uint32_t> missing_commands;
};

const OlderKernel linux_5_15{
    9, {uapi::cmd_dev_config_get, uapi::cmd_dev_vstats_get, uapi::cmd_dev_attr_set}};
const OlderKernel linux_5_16{14, {uapi::cmd_dev_vstats_get, uapi::cmd_dev_attr_set}};
const OlderKernel linux_5_17{17, {uapi::cmd_dev_vstats_get, uapi::cmd_dev_attr_set}};
const OlderKernel linux_6_0{20, {uapi::cmd_dev_attr_set}};
const OlderKernel linux_6_1{22, {uapi::cmd_dev_attr_set}};
const OlderKernel linux_6_11{uapi::attr_count, {uapi::cmd_dev_attr_set}};

// The "sim" recording as `kernel` would have described its vdpa family.
Client older_kernel(const OlderKernel& kernel)
{
    std::vector<Exchange> exchanges = read_recording(data_path("sim.nlrec"));
    Message family = Message::parse(exchanges.front().replies.front());
    for (auto& [type, payload] : family.attributes) {
        if (type == CTRL_ATTR_MAXATTR)
            std::memcpy(payload.data(), &kernel.max_attribute, sizeof(kernel.max_attribute));
        if (type == CTRL_ATTR_OPS) {
            AttributeList ops = parse_attributes(payload);
            std::erase_if(ops, [&](const auto& op) {
                for (const auto& [op_type, value] : parse_attributes(op.second)) {
                    std::uint32_t id;
                    std::memcpy(&id, value.data(), sizeof(id));
                    if (op_type == CTRL_ATTR_OP_ID && std::count(kernel.missing_commands.begin(),
                                                                 kernel.missing_commands.end(), id))
                        return true;
                }
                return false;
            });
            payload = serialize_attributes(ops);
        }
    }
    exchanges.front().replies.front() = family.bytes();
    return replay_client(exchanges);
}

NewDevice new_device(const char* mgmtdev)
{
    NewDevice request;
    request.name = "x";
    request.mgmtdev.name = mgmtdev;
    return request;
}

// Refused before anything was sent, with a message naming the keyword and
// the release that honours it.
void expect_refused(Client& client, const NewDevice& request, const std::string& keyword,
                    const std::string& release)
{
    auto added = client.add_device(request);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().kind, ErrorKind::unsupported);
    // The CLI's words name the keyword; the library's the release.
    EXPECT_NE(added.error().message.find("needs Linux " + release + " or later"),
              std::string::npos)
        << added.error().message;
    const std::string message = cli::cli_message(added.error());
    EXPECT_NE(message.find("(" + keyword + " needs Linux " + release + " or later)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("nothing was created"), std::string::npos) << message;
}

// Sent: the recorded kernel's own answer came back.
void expect_sent(Client& client, const NewDevice& request)
{
    auto added = client.add_device(request);
    ASSERT_FALSE(added.ok()); // every recorded add of "x" was refused by the kernel
    EXPECT_EQ(added.error().kind, ErrorKind::kernel) << added.error().message;
}

TEST(Capabilities, MaxattrIsOnePastTheLastAttribute)
{
    FamilyInfo linux_6_0_family;
    linux_6_0_family.max_attribute = 20; // its last attribute is 19
    EXPECT_TRUE(linux_6_0_family.has_attribute(uapi::attr_dev_vendor_attr_value));
    EXPECT_FALSE(linux_6_0_family.has_attribute(uapi::attr_dev_features));
}

TEST(Capabilities, Linux6_11CannotSetAttributes)
{
    Client client = older_kernel(linux_6_11);
    EXPECT_FALSE(client.family().has_command(uapi::cmd_dev_attr_set));
    auto changed = client.change_device({"n0", MacAddress{{2, 0, 0, 0, 0, 1}}});
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.error().kind, ErrorKind::unsupported);
    EXPECT_EQ(changed.error().missing, Capability::change_attributes);
    EXPECT_EQ(changed.error().message, "changing device attributes needs Linux 6.12 or later");
    EXPECT_EQ(cli::cli_message(changed.error()), "this kernel cannot change device attributes (vdpa dev set "
                                       "needs Linux 6.12 or later)");
}

TEST(Capabilities, Linux5_15LacksConfigAndVstats)
{
    Client client = older_kernel(linux_5_15);
    EXPECT_EQ(client.get_device_config("n0").error().kind, ErrorKind::unsupported);
    EXPECT_EQ(client.for_each_device_config([](const DeviceConfig&) {}).error().kind,
              ErrorKind::unsupported);
    auto stats = client.get_queue_stats("n0", 0);
    ASSERT_FALSE(stats.ok());
    EXPECT_EQ(stats.error().message, "reading queue statistics needs Linux 5.19 or later");
    EXPECT_EQ(
        cli::cli_message(stats.error()),
        "this kernel cannot show queue statistics (vdpa dev vstats needs Linux 5.19 or later)");
    // What it has still works.
    EXPECT_TRUE(client.get_device("n0").ok());
}

TEST(Capabilities, Linux5_16HasConfigButNotVstats)
{
    Client client = older_kernel(linux_5_16);
    EXPECT_TRUE(client.get_device_config("n0").ok());
    EXPECT_EQ(client.get_queue_stats("n0", 0).error().kind, ErrorKind::unsupported);
}

TEST(Capabilities, PlainAddWorksOnTheOldestKernel)
{
    Client client = older_kernel(linux_5_15);
    NewDevice request = new_device("vdpasim_net");
    request.name = "n0";
    auto added = client.add_device(request);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().errnum, EEXIST); // the recorded kernel's answer
}

TEST(Capabilities, MacBeforeLinux5_16IsRefused)
{
    NewDevice request = new_device("vdpasim_blk");
    request.mac = MacAddress{{0, 0x11, 0x22, 0x33, 0x44, 0x55}};
    Client old = older_kernel(linux_5_15);
    expect_refused(old, request, "mac", "5.16");
    Client capable = older_kernel(linux_5_16);
    expect_sent(capable, request);
}

TEST(Capabilities, MtuBeforeLinux5_16IsRefused)
{
    NewDevice request = new_device("vdpasim_net");
    request.mtu = 10;
    Client old = older_kernel(linux_5_15);
    expect_refused(old, request, "mtu", "5.16");
    Client capable = older_kernel(linux_5_16);
    expect_sent(capable, request);
}

TEST(Capabilities, MaxVqpBeforeLinux5_17IsRefused)
{
    NewDevice request = new_device("vdpasim_net");
    request.max_vq_pairs = 0;
    // 5.16 knows attribute 12 (it reports max_vqp in config replies) but
    // dev add does not read it: maxattr alone would let it through.
    Client linux_5_16_client = older_kernel(linux_5_16);
    EXPECT_TRUE(linux_5_16_client.family().has_attribute(uapi::attr_dev_net_cfg_max_vqp));
    expect_refused(linux_5_16_client, request, "max_vqp", "5.17");
    Client capable = older_kernel(linux_5_17);
    expect_sent(capable, request);
}

TEST(Capabilities, DeviceFeaturesBeforeLinux6_1AreRefused)
{
    NewDevice request = new_device("vdpasim_net");
    request.device_features = 0x10020;
    // 6.0's last attribute is 19 and its maxattr 20.
    Client old = older_kernel(linux_6_0);
    expect_refused(old, request, "device_features", "6.1");
    // 6.1 takes it: the request goes out (the recording has no answer to
    // this one, so the replay transport fails it, past every check).
    Client capable = older_kernel(linux_6_1);
    auto added = capable.add_device(request);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().kind, ErrorKind::system);
    EXPECT_NE(added.error().message.find("no recorded exchange matches"), std::string::npos);
}

} // namespace
} // namespace vdpa::testing
