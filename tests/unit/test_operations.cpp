// SPDX-License-Identifier: GPL-2.0-or-later
//
// The guarded operations of vdpa::Host, called as another program calls
// them: a replayed kernel (the lifecycle recording: add, MAC change and
// delete of t0) and a made-up sysfs. The outcomes are values a caller can
// act on, not only messages.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <vdpa/host.hpp>

#include "fake_sysfs.hpp"
#include "host_impl.hpp"
#include "replay_transport.hpp"

namespace vdpa::testing {
namespace {

const MacAddress new_mac{{0x00, 0x11, 0x22, 0x33, 0x44, 0x66}};

// t0 on vhost_vdpa, its node held open by pid 4242.
void held_device(FakeRoot& root)
{
    root.vdpa_device("t0", "t0", "vhost_vdpa");
    root.vhost_device("t0", true);
    root.process(4242, "qemu-system-x86", {{7, "/dev/null"}});
}

TEST(Operations, DeleteRefusesAHeldDeviceNamingItsHolders)
{
    FakeRoot root;
    held_device(root);
    Host host = make_host(replay_client("lifecycle.nlrec"), root.paths());
    DeviceDeletion deletion = host.delete_device("t0");
    ASSERT_FALSE(deletion.ok());
    EXPECT_EQ(deletion.deleted.error().kind, ErrorKind::in_use);
    ASSERT_EQ(deletion.holders.size(), 1u);
    EXPECT_EQ(deletion.holders[0].pid, 4242);
    EXPECT_EQ(deletion.holders[0].command, "qemu-system-x86");
    EXPECT_NE(deletion.deleted.error().message.find("pid 4242 (qemu-system-x86)"),
              std::string::npos);
}

TEST(Operations, ForcedDeleteOfAHeldDeviceIsSent)
{
    FakeRoot root;
    held_device(root);
    Host host = make_host(replay_client("lifecycle.nlrec"), root.paths());
    DeviceDeletion deletion = host.delete_device("t0", DeleteOptions{true});
    EXPECT_TRUE(deletion.ok()) << deletion.deleted.error().message;
    EXPECT_TRUE(deletion.holders.empty());
}

TEST(Operations, DeleteOfADeviceSysfsDoesNotKnowIsTheKernels)
{
    FakeRoot root; // no t0 in sysfs: the recorded kernel deletes it
    Host host = make_host(replay_client("lifecycle.nlrec"), root.paths());
    EXPECT_TRUE(host.delete_device("t0").ok());
}

TEST(Operations, ChangeChecksTheHoldersBeforeTheMac)
{
    FakeRoot root;
    held_device(root);
    Host host = make_host(replay_client("lifecycle.nlrec"), root.paths());
    DeviceChangeOutcome outcome =
        host.change_device({"t0", new_mac, BusDriver::virtio_vdpa});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failed_at, DeviceChangeOutcome::Step::checks);
    EXPECT_EQ(outcome.result.error().kind, ErrorKind::in_use);
    EXPECT_FALSE(outcome.mac_changed);
}

TEST(Operations, AFailedDriverChangeSaysTheMacWasChanged)
{
    FakeRoot root;
    root.vdpa_device("t0", "t0", "");
    FakeKernel sysfs(root); // the probe binds nothing
    Host host = make_host(replay_client("lifecycle.nlrec"), root.bus());
    BindOptions options;
    options.timeout = std::chrono::milliseconds(200);
    DeviceChangeOutcome outcome =
        host.change_device({"t0", new_mac, BusDriver::virtio_vdpa}, options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failed_at, DeviceChangeOutcome::Step::driver);
    EXPECT_TRUE(outcome.mac_changed);
    EXPECT_FALSE(outcome.bound.has_value());
}

TEST(Operations, AMacChangeAloneSucceeds)
{
    FakeRoot root;
    Host host = make_host(replay_client("lifecycle.nlrec"), root.paths());
    DeviceChangeOutcome outcome = host.change_device({"t0", new_mac, std::nullopt});
    EXPECT_TRUE(outcome.ok()) << outcome.result.error().message;
    EXPECT_EQ(outcome.failed_at, DeviceChangeOutcome::Step::done);
    EXPECT_TRUE(outcome.mac_changed);
}

TEST(Operations, ChangingNothingIsRefused)
{
    FakeRoot root;
    Host host = make_host(replay_client("lifecycle.nlrec"), root.paths());
    DeviceChangeOutcome outcome = host.change_device({"t0", std::nullopt, std::nullopt});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.result.error().kind, ErrorKind::invalid_argument);
    EXPECT_FALSE(outcome.mac_changed);
}

TEST(Operations, AddDeletesADeviceItCouldNotBind)
{
    FakeRoot root;
    root.vdpa_device("t0", "t0", "");
    FakeKernel sysfs(root);
    Host host = make_host(replay_client("lifecycle.nlrec"), root.bus());
    NewDevice request;
    request.name = "t0";
    request.mgmtdev.name = "vdpasim_net";
    request.mac = MacAddress{{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}};
    request.mtu = 1400;
    BindOptions options;
    options.timeout = std::chrono::milliseconds(200);
    DeviceAddition addition = host.add_device(request, BusDriver::virtio_vdpa, options);
    EXPECT_TRUE(addition.added.ok());
    ASSERT_TRUE(addition.bound.has_value());
    EXPECT_FALSE(addition.bound->ok());
    ASSERT_TRUE(addition.deleted.has_value());
    EXPECT_TRUE(addition.deleted->ok());
    EXPECT_FALSE(addition.ok());
}

} // namespace
} // namespace vdpa::testing
