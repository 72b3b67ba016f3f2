// SPDX-License-Identifier: GPL-2.0-or-later
// Older kernels, derived from the family description Linux 6.12 sent: a
// command the kernel lacks fails naming what is missing, and an attribute
// it would silently ignore is refused before anything is sent.
#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>
#include <linux/genetlink.h>

#include <vdpa/client.hpp>

#include "message_edit.hpp"
#include "replay_transport.hpp"
#include "vdpa_netlink.hpp"

namespace vdpa::testing {
namespace {

// The "sim" recording as a kernel with `max_attribute` and without
// `missing_commands` would have described its vdpa family.
Client older_kernel(std::uint32_t max_attribute, std::vector<std::uint32_t> missing_commands)
{
    std::vector<Exchange> exchanges = read_recording(data_path("sim.nlrec"));
    Message family = Message::parse(exchanges.front().replies.front());
    for (auto& [type, payload] : family.attributes) {
        if (type == CTRL_ATTR_MAXATTR)
            std::memcpy(payload.data(), &max_attribute, sizeof(max_attribute));
        if (type == CTRL_ATTR_OPS) {
            AttributeList ops = parse_attributes(payload);
            std::erase_if(ops, [&](const auto& op) {
                for (const auto& [op_type, value] : parse_attributes(op.second)) {
                    std::uint32_t id;
                    std::memcpy(&id, value.data(), sizeof(id));
                    if (op_type == CTRL_ATTR_OP_ID &&
                        std::count(missing_commands.begin(), missing_commands.end(), id))
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

TEST(Capabilities, Linux6_11CannotSetAttributes)
{
    Client client = older_kernel(uapi::attr_count, {uapi::cmd_dev_attr_set});
    EXPECT_FALSE(client.family().has_command(uapi::cmd_dev_attr_set));
    auto changed = client.change_device({"n0", MacAddress{{2, 0, 0, 0, 0, 1}}});
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.error().kind, ErrorKind::unsupported);
    EXPECT_EQ(changed.error().message, "this kernel cannot change device attributes (vdpa dev set "
                                       "needs Linux 6.12 or later)");
}

TEST(Capabilities, OlderKernelsLackConfigAndVstats)
{
    Client client = older_kernel(
        14, {uapi::cmd_dev_config_get, uapi::cmd_dev_vstats_get, uapi::cmd_dev_attr_set});
    EXPECT_EQ(client.get_device_config("n0").error().kind, ErrorKind::unsupported);
    EXPECT_EQ(client.for_each_device_config([](const DeviceConfig&) {}).error().kind,
              ErrorKind::unsupported);
    auto stats = client.get_queue_stats("n0", 0);
    ASSERT_FALSE(stats.ok());
    EXPECT_EQ(
        stats.error().message,
        "this kernel cannot show queue statistics (vdpa dev vstats needs Linux 5.19 or later)");
    // What it has still works.
    EXPECT_TRUE(client.get_device("n0").ok());
}

TEST(Capabilities, AttributeAnOlderKernelWouldIgnoreIsRefused)
{
    // Before Linux 6.0 the family's last attribute was 19: a kernel that
    // old would create the device and drop device_features.
    Client client = older_kernel(19, {});
    NewDevice request;
    request.name = "x";
    request.mgmtdev.name = "vdpasim_net";
    request.device_features = 0x10020;
    auto added = client.add_device(request);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().kind, ErrorKind::unsupported);
    EXPECT_NE(added.error().message.find("nothing was created"), std::string::npos);
}

} // namespace
} // namespace vdpa::testing
