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

// Hooks that serve every block device and no TAP one, recording nothing:
// planning only asks unservable.
DeviceServing serving_files()
{
    DeviceServing serving;
    serving.unservable = [](const DeviceSpec& device) -> std::string {
        return device.backend.tap ? "no TAP here" : "";
    };
    return serving;
}

DeviceSpec disk(std::string name, std::string file)
{
    DeviceSpec spec = wanted(std::move(name), "vduse");
    spec.backend.file = std::move(file);
    return spec;
}

// A file-backed device as describe() leaves it.
HostDevice served(std::string name, std::string file)
{
    HostDevice device;
    device.spec = disk(std::move(name), std::move(file));
    device.spec.device_features = 0x3'0000'6e76ULL;
    device.spec.driver = BusDriver::virtio_vdpa;
    device.spec.backend.readonly = false;
    device.spec.backend.queues = 1;
    device.spec.backend.queue_size = 256;
    device.spec.backend.blk_size = 512;
    return device;
}

TEST(StatePlan, ServedDevicesNeedServing)
{
    auto plan = plan_state({{disk("vb0", "/srv/vb0.img")}}, host_with({}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::unsupported, "vb0"}}));
    EXPECT_NE(plan.actions[0].reason.find("not available"), std::string::npos);
    EXPECT_TRUE(plan.refused());
}

TEST(StatePlan, ServedDevicesAreCreatedThroughServing)
{
    DeviceServing serving = serving_files();
    PlanOptions options;
    options.serving = &serving;
    DeviceSpec vb0 = disk("vb0", "/srv/vb0.img");
    vb0.driver = BusDriver::virtio_vdpa;
    DeviceSpec vt0 = wanted("vt0", "vduse");
    vt0.backend.tap = "tap0";
    DeviceSpec other = wanted("qd0", "vduse"); // another program's to serve
    auto plan = plan_state({{vb0, vt0, other}}, host_with({}), options);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::create, "vb0"},
                                                      {Kind::unsupported, "vt0"},
                                                      {Kind::unsupported, "qd0"}}));
    EXPECT_EQ(plan.actions[0].target, vb0);
    EXPECT_EQ(plan.actions[1].reason, "no TAP here");
    EXPECT_NE(plan.actions[2].reason.find("another program"), std::string::npos);
}

TEST(StatePlan, AServedDeviceAsShownPlansNothing)
{
    DeviceServing serving = serving_files();
    PlanOptions options;
    options.serving = &serving;
    HostState host = host_with({served("vb0", "/srv/vb0.img")});
    StateSpec shown = state_spec_of(host);
    // Shown with the keys `dev add` takes with a file: no device_features.
    EXPECT_FALSE(shown.devices[0].device_features);
    EXPECT_EQ(*shown.devices[0].backend.file, "/srv/vb0.img");
    EXPECT_TRUE(plan_state(shown, host, options).actions.empty());
    // Keys left out are left as they are.
    EXPECT_TRUE(plan_state({{disk("vb0", "/srv/vb0.img")}}, host, options).actions.empty());
}

TEST(StatePlan, AnotherFileRecreatesAServedDevice)
{
    DeviceServing serving = serving_files();
    PlanOptions options;
    options.serving = &serving;
    HostDevice have = served("vb0", "/srv/old.img");
    DeviceSpec want = disk("vb0", "/srv/new.img");
    auto plan = plan_state({{want}}, host_with({have}), options);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::recreate, "vb0"}}));
    const PlannedAction& action = plan.actions[0];
    EXPECT_EQ(action.differences, std::vector<std::string>{"file /srv/old.img -> /srv/new.img"});
    EXPECT_EQ(*action.target.backend.file, "/srv/new.img");
    EXPECT_EQ(*action.target.driver, BusDriver::virtio_vdpa);
    // The server chooses a served device's features; another file starts
    // from the sizes' defaults.
    EXPECT_FALSE(action.target.device_features);
    EXPECT_FALSE(action.target.backend.queue_size);

    // Another size on the same file too; the other sizes are kept.
    DeviceSpec bigger = disk("vb0", "/srv/old.img");
    bigger.backend.queues = 4;
    auto resized = plan_state({{bigger}}, host_with({have}), options);
    ASSERT_EQ(summary(resized), (decltype(summary(resized)){{Kind::recreate, "vb0"}}));
    EXPECT_EQ(resized.actions[0].differences, std::vector<std::string>{"queues 1 -> 4"});
    EXPECT_EQ(*resized.actions[0].target.backend.queue_size, 256);
}

TEST(StatePlan, AHeldServedDeviceIsNotRecreated)
{
    DeviceServing serving = serving_files();
    PlanOptions options;
    options.serving = &serving;
    HostDevice have = served("vb0", "/srv/old.img");
    have.spec.driver = BusDriver::vhost_vdpa;
    have.holders = {{99, "qemu"}};
    auto plan = plan_state({{disk("vb0", "/srv/new.img")}}, host_with({have}), options);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::refuse_in_use, "vb0"}}));
    EXPECT_EQ(*plan.actions[0].refused, Kind::recreate);
}

TEST(StatePlan, AStoppedServerIsRestartedFirst)
{
    DeviceServing serving = serving_files();
    PlanOptions options;
    options.serving = &serving;
    HostDevice have = served("vb0", "/srv/vb0.img");
    have.server_stopped = true;
    have.holders = {{99, "qemu"}}; // a restart does not disturb them
    DeviceSpec want = disk("vb0", "/srv/vb0.img");
    want.driver = BusDriver::vhost_vdpa;
    auto plan = plan_state({{want}}, host_with({have}), options);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::restart_server, "vb0"},
                                                      {Kind::rebind, "vb0"}}));
    // Restarted with what the device was made with.
    EXPECT_EQ(plan.actions[0].target.backend, have.spec.backend);
    EXPECT_FALSE(plan.refused());
    // Without serving it cannot be restarted: a refusal.
    auto without = plan_state({{want}}, host_with({have}));
    EXPECT_EQ(summary(without)[0], std::make_pair(Kind::unsupported, std::string("vb0")));
    EXPECT_EQ(*without.actions[0].refused, Kind::restart_server);
}

// A TAP-backed device as describe() leaves it: the kernel's mac, mtu and
// max_vqp (1: no MQ), the record's TAP, the settings' queue size.
HostDevice served_nic(std::string name, std::string tap)
{
    HostDevice device;
    device.spec = wanted(std::move(name), "vduse");
    device.spec.mac = mac(7);
    device.spec.mtu = 1400;
    device.spec.max_vqp = 1;
    device.spec.device_features = 0x3'0001'0028ULL;
    device.spec.driver = BusDriver::virtio_vdpa;
    device.spec.backend.tap = std::move(tap);
    device.spec.backend.queue_size = 256;
    return device;
}

DeviceServing serving_all()
{
    DeviceServing serving;
    serving.unservable = [](const DeviceSpec&) { return std::string(); };
    return serving;
}

TEST(StatePlan, ATapDeviceAsShownPlansNothing)
{
    DeviceServing serving = serving_all();
    PlanOptions options;
    options.serving = &serving;
    HostState host = host_with({served_nic("vt0", "tap0")});
    StateSpec shown = state_spec_of(host);
    // The keys `dev add ... tap` takes: no device_features, no max_vqp.
    const DeviceSpec& vt0 = shown.devices[0];
    EXPECT_FALSE(vt0.device_features);
    EXPECT_FALSE(vt0.max_vqp);
    EXPECT_EQ(*vt0.backend.tap, "tap0");
    EXPECT_EQ(*vt0.mac, mac(7));
    EXPECT_EQ(*vt0.mtu, 1400);
    EXPECT_EQ(*vt0.backend.queue_size, 256);
    EXPECT_TRUE(plan_state(shown, host, options).actions.empty());
    DeviceSpec bare = wanted("vt0", "vduse");
    bare.backend.tap = "tap0";
    EXPECT_TRUE(plan_state({{bare}}, host, options).actions.empty());
}

// The vduse management device cannot set attributes: another MAC is a new
// device, even on a kernel that changes other devices' MACs in place.
TEST(StatePlan, AnotherMacRecreatesATapDevice)
{
    DeviceServing serving = serving_all();
    PlanOptions options;
    options.serving = &serving;
    HostState host = host_with({served_nic("vt0", "tap0")});
    ASSERT_TRUE(host.can_change_mac);
    DeviceSpec want = wanted("vt0", "vduse");
    want.backend.tap = "tap0";
    want.mac = mac(8);
    auto plan = plan_state({{want}}, host, options);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::recreate, "vt0"}}));
    const PlannedAction& action = plan.actions[0];
    EXPECT_EQ(action.differences,
              std::vector<std::string>{"mac 02:00:00:00:00:07 -> 02:00:00:00:00:08"});
    // What the file leaves out is kept: the MTU, the queue size, the driver.
    EXPECT_EQ(*action.target.mtu, 1400);
    EXPECT_EQ(*action.target.backend.queue_size, 256);
    EXPECT_EQ(*action.target.driver, BusDriver::virtio_vdpa);
    EXPECT_FALSE(action.target.max_vqp);
    EXPECT_FALSE(action.target.device_features);
}

TEST(StatePlan, AStoppedNetServerIsRestartedWithWhatTheDeviceHas)
{
    DeviceServing serving = serving_all();
    PlanOptions options;
    options.serving = &serving;
    HostDevice have = served_nic("vt0", "tap0");
    have.server_stopped = true;
    DeviceSpec want = wanted("vt0", "vduse");
    want.backend.tap = "tap0";
    auto plan = plan_state({{want}}, host_with({have}), options);
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::restart_server, "vt0"}}));
    EXPECT_EQ(*plan.actions[0].target.mac, mac(7));
    EXPECT_EQ(*plan.actions[0].target.mtu, 1400);
    EXPECT_EQ(plan.actions[0].target.backend, have.spec.backend);
}

TEST(StatePlan, AMissingManagementDeviceIsARefusal)
{
    auto plan = plan_state({{wanted("p0", "pci/0000:65:00.2")}}, host_with({}));
    ASSERT_EQ(summary(plan), (decltype(summary(plan)){{Kind::missing_mgmtdev, "p0"}}));
    EXPECT_TRUE(plan.refused());
}

} // namespace
} // namespace vdpa
