// SPDX-License-Identifier: GPL-2.0-or-later
// libvdpa against netlink replies recorded from Linux 6.12 (tests/data).
#include <vector>

#include <gtest/gtest.h>

#include <vdpa/client.hpp>

#include "replay_transport.hpp"
#include "vdpa_netlink.hpp"

namespace vdpa::testing {
namespace {

TEST(Replay, ResolvesTheFamilyOnce)
{
    Client client = replay_client("sim.nlrec");
    const FamilyInfo& family = client.family();
    EXPECT_NE(family.id, 0);
    EXPECT_EQ(family.version, 1u);
    EXPECT_EQ(family.max_attribute, uapi::attr_count);
    for (std::uint32_t command = uapi::cmd_mgmtdev_get; command <= uapi::cmd_dev_attr_set;
         ++command)
        EXPECT_TRUE(family.has_command(command)) << command;
    EXPECT_FALSE(family.has_command(uapi::cmd_mgmtdev_new));
}

TEST(Replay, DumpsManagementDevices)
{
    Client client = replay_client("sim.nlrec");
    std::vector<MgmtDev> mgmtdevs;
    ASSERT_TRUE(client.for_each_mgmtdev([&](const MgmtDev& m) { mgmtdevs.push_back(m); }).ok());
    ASSERT_EQ(mgmtdevs.size(), 3u);
    EXPECT_EQ(mgmtdevs[0].handle.to_string(), "vdpasim_net");
    EXPECT_TRUE(mgmtdevs[0].supports(DeviceClass::net));
    EXPECT_FALSE(mgmtdevs[0].supports(DeviceClass::block));
    EXPECT_EQ(*mgmtdevs[0].max_supported_vqs, 3u);
    EXPECT_EQ(*mgmtdevs[0].supported_features, 0x308830028ull);
    EXPECT_EQ(mgmtdevs[1].handle.name, "vdpasim_blk");
    EXPECT_EQ(mgmtdevs[2].handle.name, "vduse");
    EXPECT_TRUE(mgmtdevs[2].supports(DeviceClass::net));
    EXPECT_TRUE(mgmtdevs[2].supports(DeviceClass::block));
}

TEST(Replay, GetsOneManagementDeviceOrTheKernelsError)
{
    Client client = replay_client("sim.nlrec");
    auto blk = client.get_mgmtdev({"", "vdpasim_blk"});
    ASSERT_TRUE(blk.ok());
    EXPECT_EQ(*blk->max_supported_vqs, 0u);
    auto missing = client.get_mgmtdev({"", "nonexistent"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::kernel);
    EXPECT_EQ(missing.error().errnum, ENODEV);
    EXPECT_EQ(missing.error().message, "vdpa: Fail to find the specified mgmt device");
}

TEST(Replay, DecodesDevices)
{
    Client client = replay_client("sim.nlrec");
    std::vector<Device> devices;
    ASSERT_TRUE(client.for_each_device([&](const Device& d) { devices.push_back(d); }).ok());
    ASSERT_EQ(devices.size(), 3u);
    EXPECT_EQ(devices[0].name, "n0");
    EXPECT_EQ(devices[0].mgmtdev.name, "vdpasim_net");
    EXPECT_EQ(devices[0].device_id, 1u);
    EXPECT_EQ(*devices[0].max_vqs, 3u);
    EXPECT_EQ(*devices[0].max_vq_size, 256u);
    EXPECT_EQ(*devices[0].min_vq_size, 1u);
    EXPECT_EQ(devices[2].name, "b0");
    EXPECT_EQ(devices[2].device_id, 2u);
    auto n0 = client.get_device("n0");
    ASSERT_TRUE(n0.ok());
    EXPECT_EQ(*n0->vendor_id, 0u);
}

TEST(Replay, DecodesNetConfiguration)
{
    Client client = replay_client("sim.nlrec");
    auto config = client.get_device_config("n0");
    ASSERT_TRUE(config.ok());
    ASSERT_TRUE(config->net.has_value());
    EXPECT_FALSE(config->block.has_value());
    EXPECT_EQ(config->net->mac->to_string(), "00:11:22:33:44:55");
    EXPECT_EQ(*config->net->mtu, 1400);
    EXPECT_TRUE(config->net->link_up());
    EXPECT_FALSE(config->net->announce());
    // NET_STATUS travels as a u16 although the header says u8.
    EXPECT_EQ(*config->net->status, 1);
    EXPECT_FALSE(config->net->max_vq_pairs.has_value()); // no MQ
    EXPECT_EQ(*config->negotiated_features, 0x300830028ull);
    EXPECT_EQ(*config->device_features, 0x308830028ull);
}

TEST(Replay, DecodesBlockConfigurationOnlyForBlockDevices)
{
    Client client = replay_client("sim.nlrec");
    auto config = client.get_device_config("b0");
    ASSERT_TRUE(config.ok());
    ASSERT_TRUE(config->block.has_value());
    EXPECT_FALSE(config->net.has_value());
    const BlockConfig& block = *config->block;
    EXPECT_EQ(*block.capacity, 262144u);
    EXPECT_EQ(*block.size_max, 4096u);
    EXPECT_EQ(*block.seg_max, 32u);
    EXPECT_EQ(*block.blk_size, 512u);
    EXPECT_EQ(*block.num_queues, 1u);
    EXPECT_EQ(*block.max_discard_sectors, 4294967295u);
    EXPECT_EQ(*block.discard_sector_alignment, 512u);
    EXPECT_FALSE(*block.read_only);
    EXPECT_TRUE(*block.flush);
}

TEST(Replay, UnboundDeviceHasNoNegotiatedFeatures)
{
    Client client = replay_client("unbound.nlrec");
    auto config = client.get_device_config("u0");
    ASSERT_TRUE(config.ok());
    EXPECT_FALSE(config->negotiated_features.has_value());
    EXPECT_EQ(config->net->mac->to_string(), "02:00:00:00:00:01");
    auto stats = client.get_queue_stats("u0", 0);
    ASSERT_FALSE(stats.ok());
    EXPECT_EQ(stats.error().errnum, EAGAIN);
    EXPECT_EQ(stats.error().message, "vdpa: feature negotiation not complete");
}

TEST(Replay, VendorCountersInOrderAndQueueTypes)
{
    Client client = replay_client("sim.nlrec");
    auto rx = client.get_queue_stats("n0", 0);
    ASSERT_TRUE(rx.ok());
    EXPECT_EQ(rx->queue_index, 0u);
    EXPECT_FALSE(rx->max_vq_pairs.has_value());
    // Without MQ the kernel sends no max_vqp; queue 0 is still rx.
    EXPECT_EQ(rx->queue_type(), QueueType::rx);
    ASSERT_EQ(rx->counters.size(), 5u);
    EXPECT_EQ(rx->counters[0].name, "rx packets");
    EXPECT_EQ(rx->counters[4].name, "rx drops");
    auto tx = client.get_queue_stats("n0", 1);
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ(tx->queue_type(), QueueType::tx);
    auto control = client.get_queue_stats("n0", 2);
    ASSERT_TRUE(control.ok());
    EXPECT_EQ(control->queue_type(), QueueType::control);
    EXPECT_EQ(control->counters[0].name, "cvq requests");
}

TEST(Replay, KernelErrorsKeepTheOffendingAttribute)
{
    Client client = replay_client("sim.nlrec");
    NewDevice request;
    request.name = "x";
    request.mgmtdev.name = "vdpasim_net";
    request.mtu = 10;
    auto added = client.add_device(request);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().errnum, ERANGE);
    EXPECT_EQ(added.error().message, "integer out of range");
    EXPECT_EQ(added.error().attribute, uapi::attr_dev_net_cfg_mtu);
}

TEST(Replay, KernelWarningOnSuccess)
{
    Client client = replay_client("sim.nlrec");
    auto changed = client.change_device({"b0", MacAddress{{0x00, 0x11, 0x22, 0x33, 0x44, 0x66}}});
    ASSERT_TRUE(changed.ok());
    EXPECT_EQ(changed->warning, "vdpa: b0 device not supported");
}

TEST(Replay, Lifecycle)
{
    Client client = replay_client("lifecycle.nlrec");
    NewDevice request;
    request.name = "t0";
    request.mgmtdev.name = "vdpasim_net";
    request.mac = MacAddress{{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}};
    request.mtu = 1400;
    ASSERT_TRUE(client.add_device(request).ok());
    ASSERT_TRUE(client.get_device("t0").ok());
    EXPECT_EQ(client.get_device_config("t0")->net->mac->to_string(), "00:11:22:33:44:55");
    ASSERT_TRUE(client.change_device({"t0", MacAddress{{0, 0x11, 0x22, 0x33, 0x44, 0x66}}}).ok());
    EXPECT_EQ(client.get_device_config("t0")->net->mac->to_string(), "00:11:22:33:44:66");
    ASSERT_TRUE(client.delete_device("t0").ok());
    EXPECT_EQ(client.get_device("t0").error().errnum, ENODEV);
}

TEST(Replay, RefusesBadNamesWithoutAsking)
{
    Client client = replay_client("sim.nlrec");
    auto invalid = client.get_device("a/b");
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(client.delete_device("").error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(client.change_device({"n0", std::nullopt}).error().kind, ErrorKind::invalid_argument);
}

} // namespace
} // namespace vdpa::testing
