// SPDX-License-Identifier: GPL-2.0-or-later
//
// Planning: desired state and host state in, plan out; nothing read or
// changed.
#include <gtest/gtest.h>

#include <vdpa/state.hpp>

namespace vdpa {
namespace {

using Kind = PlannedAction::Kind;

MacAddress mac(std::uint8_t last)
{
    return MacAddress{{0x02, 0, 0, 0, 0, last}};
}

DeviceSpec wanted(std::string name, std::string mgmtdev = "vdpasim_net")
{
    DeviceSpec spec;
    spec.name = std::move(name);
    spec.mgmtdev.name = std::move(mgmtdev);
    return spec;
}

// A simulator net device as the kernel reports it.
HostDevice present(std::string name, BusDriver driver = BusDriver::vhost_vdpa)
{
    HostDevice device;
    device.spec = wanted(std::move(name));
    device.spec.mac = mac(1);
    device.spec.mtu = 1500;
    device.spec.device_features = 0x1'3003'0028ULL;
    device.spec.driver = driver;
    return device;
}

HostState host_with(std::vector<HostDevice> devices)
{
    HostState host;
    host.devices = std::move(devices);
    host.mgmtdevs = {{"", "vdpasim_net"}, {"", "vdpasim_blk"}, {"", "vduse"}};
    host.can_change_mac = true;
    return host;
}

std::vector<std::pair<Kind, std::string>> summary(const StatePlan& plan)
{
    std::vector<std::pair<Kind, std::string>> actions;
    for (const PlannedAction& action : plan.actions)
        actions.emplace_back(action.kind, action.device);
    return actions;
}

TEST(StatePlan, CreatesWhatIsMissing)
{
    DeviceSpec n1 = wanted("n1");
    n1.mac = mac(7);
    n1.driver = BusDriver::virtio_vdpa;
    auto plan = plan_state({{n1}}, host_with({}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::create, "n1"}}));
    EXPECT_EQ(plan.actions[0].target, n1);
    EXPECT_TRUE(plan.changes());
    EXPECT_FALSE(plan.refused());
}

TEST(StatePlan, WhatTheHostShowsPlansNothing)
{
    HostState host = host_with({present("n1"), present("n2", BusDriver::none)});
    auto plan = plan_state(state_spec_of(host), host, {true, false});
    EXPECT_TRUE(plan.actions.empty());
    EXPECT_FALSE(plan.changes());
}

TEST(StatePlan, KeysLeftOutAreLeftAsTheyAre)
{
    auto plan = plan_state({{wanted("n1")}}, host_with({present("n1", BusDriver::virtio_vdpa)}));
    EXPECT_TRUE(plan.actions.empty());
}

TEST(StatePlan, RebindsAndChangesTheMacInPlace)
{
    DeviceSpec n1 = wanted("n1");
    n1.mac = mac(9);
    n1.driver = BusDriver::none;
    auto plan = plan_state({{n1}}, host_with({present("n1", BusDriver::virtio_vdpa)}));
    ASSERT_EQ(summary(plan),
              (decltype(summary(plan)){{Kind::set_mac, "n1"}, {Kind::rebind, "n1"}}));
    EXPECT_EQ(*plan.actions[0].from_mac, mac(1));
    EXPECT_EQ(*plan.actions[0].target.mac, mac(9));
    EXPECT_EQ(*plan.actions[1].from_driver, BusDriver::virtio_vdpa);
    EXPECT_EQ(*plan.actions[1].target.driver, BusDriver::none);
}

TEST(StatePlan, AnotherMacRecreatesWhereTheKernelCannotChangeIt)
{
    HostState host = host_with({present("n1")});
    host.can_change_mac = false;
    DeviceSpec n1 = wanted("n1");
    n1.mac = mac(9);
    auto plan = plan_state({{n1}}, host);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::recreate, "n1"}}));
    EXPECT_EQ(plan.actions[0].differences,
              std::vector<std::string>{"mac 02:00:00:00:00:01 -> 02:00:00:00:00:09"});
}

TEST(StatePlan, FixedAttributesRecreateKeepingWhatTheFileLeavesOut)
{
    DeviceSpec n1 = wanted("n1");
    n1.mtu = 9000;
    auto plan = plan_state({{n1}}, host_with({present("n1")}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::recreate, "n1"}}));
    const PlannedAction& action = plan.actions[0];
    EXPECT_EQ(action.differences, std::vector<std::string>{"mtu 1500 -> 9000"});
    EXPECT_EQ(*action.target.mtu, 9000);
    EXPECT_EQ(*action.target.mac, mac(1));
    EXPECT_EQ(*action.target.driver, BusDriver::vhost_vdpa);
    EXPECT_EQ(*action.target.device_features, 0x1'3003'0028ULL);
}

TEST(StatePlan, AValueTheKernelDoesNotReportIsNotCompared)
{
    DeviceSpec n1 = wanted("n1");
    n1.max_vqp = 1; // the simulator reports no max_vqp without multiqueue
    EXPECT_TRUE(plan_state({{n1}}, host_with({present("n1")})).actions.empty());
}

TEST(StatePlan, AnotherManagementDeviceRecreates)
{
    DeviceSpec n1 = wanted("n1", "vdpasim_blk");
    auto plan = plan_state({{n1}}, host_with({present("n1")}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::recreate, "n1"}}));
    EXPECT_EQ(plan.actions[0].differences,
              std::vector<std::string>{"mgmtdev vdpasim_net -> vdpasim_blk"});
}

TEST(StatePlan, ADeviceInUseIsNotRecreatedUnlessForced)
{
    HostDevice held = present("n1");
    held.holders = {{4242, "qemu-system-x86"}};
    DeviceSpec n1 = wanted("n1");
    n1.mtu = 9000;
    auto plan = plan_state({{n1}}, host_with({held}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::refuse_in_use, "n1"}}));
    EXPECT_EQ(*plan.actions[0].refused, Kind::recreate);
    EXPECT_EQ(plan.actions[0].holders[0].pid, 4242);
    EXPECT_TRUE(plan.refused());

    auto forced = plan_state({{n1}}, host_with({held}), {false, true});
    EXPECT_EQ(summary(forced), (decltype(summary(forced)){{Kind::recreate, "n1"}}));
    EXPECT_FALSE(forced.refused());
}

TEST(StatePlan, HoldersThatCannotBeReadRefuseToo)
{
    HostDevice unknown = present("n1");
    unknown.holders_unknown = Error::system(13, "cannot read /proc/1/fd");
    DeviceSpec n1 = wanted("n1");
    n1.driver = BusDriver::virtio_vdpa;
    auto plan = plan_state({{n1}}, host_with({unknown}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::refuse_in_use, "n1"}}));
    EXPECT_EQ(*plan.actions[0].refused, Kind::rebind);
    EXPECT_NE(plan.actions[0].reason.find("cannot be told"), std::string::npos);
}

TEST(StatePlan, MovingToVhostIsNotGuarded)
{
    HostDevice device = present("n1", BusDriver::virtio_vdpa);
    device.holders_unknown = Error::system(13, "cannot read");
    DeviceSpec n1 = wanted("n1");
    n1.driver = BusDriver::vhost_vdpa;
    auto plan = plan_state({{n1}}, host_with({device}));
    EXPECT_EQ(summary(plan), (decltype(summary(plan)){{Kind::rebind, "n1"}}));
}

TEST(StatePlan, PruneDeletesUnnamedDevicesExceptThoseInUse)
{
    HostDevice held = present("held");
    held.holders = {{7, "qemu"}};
    HostState host = host_with({present("keep"), present("extra"), held});
    auto kept = plan_state({{wanted("keep")}}, host);
    EXPECT_TRUE(kept.actions.empty());
    auto pruned = plan_state({{wanted("keep")}}, host, {true, false});
    EXPECT_EQ(summary(pruned), (decltype(summary(pruned)){{Kind::remove, "extra"},
                                                          {Kind::refuse_in_use, "held"}}));
    EXPECT_EQ(*pruned.actions[1].refused, Kind::remove);
}

TEST(StatePlan, OrderIsDeletionsRecreationsCreationsChanges)
{
    DeviceSpec changed = wanted("b");
    changed.driver = BusDriver::virtio_vdpa;
    DeviceSpec recreated = wanted("c");
    recreated.mtu = 1400;
    auto plan = plan_state({{wanted("a"), changed, recreated}},
                           host_with({present("b"), present("c"), present("z")}), {true, false});
    EXPECT_EQ(summary(plan),
              (decltype(summary(plan)){{Kind::remove, "z"},
                                       {Kind::recreate, "c"},
                                       {Kind::create, "a"},
                                       {Kind::rebind, "b"}}));
}

TEST(StatePlan, VduseDevicesAreNotCreatedYet)
{
    DeviceSpec disk = wanted("vb0", "vduse");
    disk.backend.file = "/srv/vb0.img";
    auto plan = plan_state({{disk}}, host_with({}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::unsupported, "vb0"}}));
    EXPECT_NE(plan.actions[0].reason.find("not supported yet"), std::string::npos);
    EXPECT_TRUE(plan.refused());
}

TEST(StatePlan, AMissingManagementDeviceIsARefusal)
{
    auto plan = plan_state({{wanted("p0", "pci/0000:65:00.2")}}, host_with({}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::missing_mgmtdev, "p0"}}));
    EXPECT_TRUE(plan.refused());
}

} // namespace
} // namespace vdpa
