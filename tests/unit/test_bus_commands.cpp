// SPDX-License-Identifier: GPL-2.0-or-later
// The binding commands end to end, in-process: the CLI on a fake sysfs
// and a replayed kernel, for the orders of events and failures the vm
// suite cannot provoke (a delete failing after a failed bind).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_sysfs.hpp"
#include "replay_transport.hpp"
#include "run_cli.hpp"

namespace vdpa::testing {
namespace {

const std::string did_not_bind =
    "Error: the virtio_vdpa driver did not bind device \"t0\": No such device.\n";

// The lifecycle recording (add, MAC change and delete of t0) changed by `edit`.
template <typename Edit>
Client lifecycle_kernel(Edit edit)
{
    std::vector<Exchange> exchanges = read_recording(data_path("lifecycle.nlrec"));
    edit(exchanges);
    return replay_client(std::move(exchanges));
}

TEST(BusCommands, SetChecksTheHoldersBeforeChangingTheMac)
{
    FakeRoot root;
    root.vdpa_device("t0", "t0", "vhost_vdpa");
    root.vhost_device("t0", true);
    root.process(4242, "qemu-system-x86", {{7, "/dev/null"}});
    // A kernel that cannot change the MAC: sending the change fails the test.
    Client kernel = lifecycle_kernel([](std::vector<Exchange>& exchanges) {
        std::erase_if(exchanges, [](const Exchange& exchange) {
            return exchange.step.rfind("set-mac:", 0) == 0;
        });
    });
    CliRun run =
        run_cli("dev set name t0 mac 00:11:22:33:44:66 driver virtio_vdpa", std::move(kernel),
                root.bus());
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.err, "Error: device \"t0\" is in use: " + root.path("dev/vhost-vdpa-3").string() +
                           " is held open by pid 4242 (qemu-system-x86).\n"
                           "Use -f to proceed anyway; the kernel then waits until it is closed.\n");
}

TEST(BusCommands, AFailedMoveAfterTheMacChangeSaysTheMacChanged)
{
    FakeRoot root;
    root.vdpa_device("t0", "t0", "");
    FakeKernel sysfs(root); // the probe binds nothing
    CliRun run = run_cli("dev set name t0 mac 00:11:22:33:44:66 driver virtio_vdpa",
                         replay_client("lifecycle.nlrec"), root.bus());
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.err,
              did_not_bind + "The MAC address of \"t0\" was already changed to 00:11:22:33:44:66.\n");
}

TEST(BusCommands, AddDeletesADeviceItCouldNotBind)
{
    FakeRoot root;
    root.vdpa_device("t0", "t0", "");
    FakeKernel sysfs(root);
    CliRun run =
        run_cli("dev add name t0 mgmtdev vdpasim_net mac 00:11:22:33:44:55 mtu 1400 driver "
                "virtio_vdpa",
                replay_client("lifecycle.nlrec"), root.bus());
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.err, did_not_bind + "The device \"t0\" was deleted again.\n");
}

TEST(BusCommands, AddSaysWhenTheDeviceCouldNotBeDeletedAgain)
{
    FakeRoot root;
    root.vdpa_device("t0", "t0", "");
    FakeKernel sysfs(root);
    // The delete answered as the kernel answers for a missing device.
    Client kernel = lifecycle_kernel([](std::vector<Exchange>& exchanges) {
        auto refused = replies_of(read_recording(data_path("sim.nlrec")), "del:missing");
        for (Exchange& exchange : exchanges)
            if (exchange.step == "del:t0")
                exchange.replies = refused;
    });
    CliRun run =
        run_cli("dev add name t0 mgmtdev vdpasim_net mac 00:11:22:33:44:55 mtu 1400 driver "
                "virtio_vdpa",
                std::move(kernel), root.bus());
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.err, did_not_bind +
                           "The device \"t0\" is left behind: deleting it again failed:\n"
                           "Error: vdpa: device not found.\n"
                           "kernel answers: No such device\n");
}

} // namespace
} // namespace vdpa::testing
