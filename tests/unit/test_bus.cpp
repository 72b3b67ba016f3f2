// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceBus's reading of sysfs, on directory trees laid out as the kernel
// lays them out. The simulator layouts are also exercised for real in the
// vm suite; the hardware layout (virtio devices parented to a shared PCI
// function) exists only here, since the VM has no such hardware.
#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <vdpa/bus.hpp>

#include "fake_sysfs.hpp"

namespace vdpa {
namespace {

namespace fs = std::filesystem;
using testing::FakeKernel;
using testing::FakeRoot;

BindOptions quick(int milliseconds = 1000)
{
    BindOptions options;
    options.timeout = std::chrono::milliseconds(milliseconds);
    return options;
}

TEST(DeviceBus, SimulatorOnVirtio)
{
    FakeRoot root;
    root.vdpa_device("n0", "n0", "virtio_vdpa");
    root.virtio_device("virtio2", "n0/virtio2", "eth0");
    auto details = root.bus().details("n0");
    ASSERT_TRUE(details.ok()) << details.error().message;
    EXPECT_EQ(details->driver, "virtio_vdpa");
    EXPECT_FALSE(details->driver_override.has_value()); // "(null)" means unset
    EXPECT_EQ(details->virtio_device, "virtio2");
    EXPECT_EQ(details->netdev, "eth0");
    EXPECT_FALSE(details->vhost_device.has_value());
}

TEST(DeviceBus, VhostCharacterDeviceAndItsHolders)
{
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.file("sys/devices/v0/driver_override", "vhost_vdpa\n");
    // /dev/null is character device 1:3: pose it as the vhost node, and a
    // process whose descriptor points at it as the holder.
    root.vhost_device("v0", false);
    root.process(4242, "qemu-system-x86", {{7, "/dev/null"}});
    root.process(4243, "bash", {{1, "/etc/hostname"}});
    root.dir("proc/self");

    DeviceBus bus = root.bus();
    auto details = bus.details("v0");
    ASSERT_TRUE(details.ok());
    EXPECT_EQ(details->driver_override, "vhost_vdpa");
    EXPECT_EQ(details->vhost_device, "vhost-vdpa-3");
    EXPECT_EQ(details->vhost_path, root.path("dev/vhost-vdpa-3").string());
    EXPECT_EQ(details->vhost_number, (DeviceNumber{1, 3}));
    auto holders = bus.holders("v0");
    ASSERT_TRUE(holders.ok());
    ASSERT_EQ(holders->size(), 1u);
    EXPECT_EQ((*holders)[0].pid, 4242);
    EXPECT_EQ((*holders)[0].command, "qemu-system-x86");
    auto in_use = bus.check_not_in_use("v0");
    ASSERT_FALSE(in_use.ok());
    EXPECT_EQ(in_use.error().kind, ErrorKind::in_use);
    EXPECT_EQ(in_use.error().message,
              "device \"v0\" is in use: " + root.path("dev/vhost-vdpa-3").string() +
                  " is held open by pid 4242 (qemu-system-x86)");
}

TEST(DeviceBus, HardwareParentWithOneDeviceIsExact)
{
    FakeRoot root;
    std::string pf = "pci0000:00/0000:08:00.2";
    root.vdpa_device("vdpa0", pf + "/mlx5_core.sf.2/vdpa0", "virtio_vdpa");
    root.virtio_device("virtio7", pf + "/virtio7", "ens8f2");
    auto details = root.bus().details("vdpa0");
    ASSERT_TRUE(details.ok());
    EXPECT_EQ(details->virtio_device, "virtio7");
    EXPECT_EQ(details->netdev, "ens8f2");
}

TEST(DeviceBus, HardwareParentWithSeveralDevicesIsNotGuessed)
{
    FakeRoot root;
    std::string pf = "pci0000:00/0000:08:00.2";
    root.vdpa_device("vdpa0", pf + "/mlx5_core.sf.2/vdpa0", "virtio_vdpa");
    root.vdpa_device("vdpa1", pf + "/mlx5_core.sf.3/vdpa1", "virtio_vdpa");
    root.virtio_device("virtio7", pf + "/virtio7", "ens8f2");
    root.virtio_device("virtio8", pf + "/virtio8", "ens8f3");
    auto details = root.bus().details("vdpa0");
    ASSERT_TRUE(details.ok());
    EXPECT_EQ(details->driver, "virtio_vdpa");
    EXPECT_FALSE(details->virtio_device.has_value());
    EXPECT_FALSE(details->netdev.has_value());
}

TEST(DeviceBus, ManagementDeviceOnABus)
{
    FakeRoot root;
    root.dir("sys/devices/pci0000:00/0000:08:00.2");
    root.link("sys/bus/pci/devices/0000:08:00.2", root.path("sys/devices/pci0000:00/0000:08:00.2"));
    root.link("sys/devices/pci0000:00/0000:08:00.2/driver",
              root.path("sys/bus/pci/drivers/mlx5_core"));
    auto details = root.bus().mgmtdev_details({"pci", "0000:08:00.2"});
    ASSERT_TRUE(details.ok()) << details.error().message;
    EXPECT_EQ(details->driver, "mlx5_core");
    EXPECT_EQ(root.bus().mgmtdev_details({"pci", "0000:09:00.0"}).error().kind,
              ErrorKind::not_found);
    EXPECT_EQ(root.bus().mgmtdev_details({"../..", "x"}).error().kind, ErrorKind::invalid_argument);
}

TEST(DeviceBus, MissingDriverNamesItsModule)
{
    FakeRoot root;
    fs::remove_all(root.path("sys/bus/vdpa/drivers/vhost_vdpa"));
    DeviceBus bus = root.bus();
    EXPECT_TRUE(bus.require_driver(BusDriver::virtio_vdpa).ok());
    EXPECT_TRUE(bus.require_driver(BusDriver::none).ok());
    auto missing = bus.require_driver(BusDriver::vhost_vdpa);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message,
              "the vhost_vdpa driver is not loaded: load its module (modprobe vhost_vdpa)");
}

TEST(DeviceBus, UntrustedNamesNeverBecomePaths)
{
    FakeRoot root;
    root.vdpa_device("n0", "n0", "");
    DeviceBus bus = root.bus();
    for (const char* name : {"../n0", "n0/..", "..", ".", ""}) {
        EXPECT_EQ(bus.details(name).error().kind, ErrorKind::invalid_argument) << name;
        EXPECT_EQ(bus.bind(name, BusDriver::none, {}).error().kind, ErrorKind::invalid_argument);
    }
    // Names the kernel holds (made by other tools) are looked up as they are.
    EXPECT_EQ(bus.details("a\nb").error().kind, ErrorKind::not_found);
    // and escaped in messages, which a terminal shows.
    EXPECT_EQ(bus.details("a\x1b[2Jb").error().message, "there is no vDPA device \"a\\x1b[2Jb\"");
    EXPECT_EQ(bus.details("nope").error().kind, ErrorKind::not_found);
    EXPECT_EQ(bus.bind("nope", BusDriver::none, {}).error().kind, ErrorKind::not_found);
}

// The hardware layout: the vDPA devices of mlx5 sub-functions, their
// virtio devices side by side under the PCI function. vdpa1 and vdpa2 are
// on virtio_vdpa; vdpa0, unbound, is the one the tests move.
struct SharedParent {
    FakeRoot root;
    std::string pf = "pci0000:00/0000:08:00.2";

    SharedParent()
    {
        root.vdpa_device("vdpa1", pf + "/mlx5_core.sf.3/vdpa1", "virtio_vdpa");
        root.vdpa_device("vdpa2", pf + "/mlx5_core.sf.4/vdpa2", "virtio_vdpa");
        root.virtio_device("virtio7", pf + "/virtio7", "ens8f3");
        root.virtio_device("virtio8", pf + "/virtio8", "ens8f4");
        root.vdpa_device("vdpa0", pf + "/mlx5_core.sf.2/vdpa0", "");
    }
    std::string pf_path() const { return fs::canonical(root.path("sys/devices/" + pf)).string(); }
    // A probe binding vdpa0 to virtio_vdpa, which makes `made` (name, where
    // under devices/, netdev).
    std::function<void(const std::string&)>
    probe_making(std::vector<std::array<std::string, 3>> made)
    {
        return [this, made](const std::string& device) {
            root.bind_device(device, "virtio_vdpa");
            for (const auto& [name, where, netdev] : made)
                root.virtio_device(name, where, netdev);
        };
    }
};

TEST(Binding, OnASharedParentTheVirtioDeviceThatAppearedIsTheDevices)
{
    SharedParent hw;
    FakeKernel kernel(hw.root);
    // Another PCI function's device, bound at the same time, is not ours.
    kernel.on_probe = hw.probe_making({{"virtio9", hw.pf + "/virtio9", "ens8f2"},
                                       {"virtio10", "pci0000:00/0000:09:00.0/virtio10", "ens9"}});
    DeviceBus bus = hw.root.bus();
    auto bound = bus.bind("vdpa0", BusDriver::virtio_vdpa, quick());
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    EXPECT_EQ(bound->driver, "virtio_vdpa");
    EXPECT_EQ(bound->virtio_device, "virtio9");
    EXPECT_EQ(bound->netdev, "ens8f2");
    EXPECT_EQ(kernel.writes, (std::vector<std::string>{
                                 "bus/vdpa/devices/vdpa0/driver_override <- virtio_vdpa",
                                 "bus/vdpa/drivers_probe <- vdpa0",
                             }));
    // The bus that saw it appear still knows it; sysfs alone cannot tell.
    EXPECT_EQ(bus.details("vdpa0")->netdev, "ens8f2");
    EXPECT_FALSE(hw.root.bus().details("vdpa0")->virtio_device.has_value());
}

TEST(Binding, OnASharedParentTwoNewVirtioDevicesCannotBeToldApart)
{
    SharedParent hw;
    FakeKernel kernel(hw.root);
    // A concurrent bind of another device on the same function.
    kernel.on_probe = hw.probe_making(
        {{"virtio9", hw.pf + "/virtio9", "ens8f2"}, {"virtio10", hw.pf + "/virtio10", "ens8f5"}});
    auto bound = hw.root.bus().bind("vdpa0", BusDriver::virtio_vdpa, quick());
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.error().kind, ErrorKind::ambiguous);
    EXPECT_EQ(bound.error().message,
              "several virtio devices appeared on " + hw.pf_path() +
                  " at once (virtio10, virtio9): which is device \"vdpa0\"'s cannot be told "
                  "apart; the device stays bound to virtio_vdpa");
    EXPECT_EQ(hw.root.bus().details("vdpa0")->driver, "virtio_vdpa");
    EXPECT_EQ(kernel.writes.size(), 2u); // nothing restored
}

TEST(Binding, AVirtioDeviceUnderTheDeviceItselfIsItsOwn)
{
    SharedParent hw;
    FakeKernel kernel(hw.root);
    // As VDUSE and the simulators parent it, while another appears on the
    // function: the one under vdpa0 is exact.
    kernel.on_probe = hw.probe_making({{"virtio9", hw.pf + "/mlx5_core.sf.2/vdpa0/virtio9", "eth9"},
                                       {"virtio10", hw.pf + "/virtio10", "ens8f5"}});
    auto bound = hw.root.bus().bind("vdpa0", BusDriver::virtio_vdpa, quick());
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    EXPECT_EQ(bound->netdev, "eth9");
}

TEST(Binding, OnASharedParentTheWaitIsForTheNewDevicesNetdev)
{
    SharedParent hw;
    FakeKernel kernel(hw.root);
    kernel.on_probe = hw.probe_making({{"virtio9", hw.pf + "/virtio9", ""}});
    auto bound = hw.root.bus().bind("vdpa0", BusDriver::virtio_vdpa, quick(50));
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.error().kind, ErrorKind::timeout);
    EXPECT_EQ(bound.error().message,
              "device \"vdpa0\" is bound to virtio_vdpa, but its network interface did not "
              "appear within 50 ms; the device stays bound to virtio_vdpa");
}

TEST(Binding, OnASharedParentAnExistingBindingIsNotWaitedFor)
{
    SharedParent hw;
    FakeKernel kernel(hw.root);
    DeviceBus bus = hw.root.bus();
    // Already there: nothing to do, and its virtio device cannot be named.
    auto bound = bus.bind("vdpa1", BusDriver::virtio_vdpa, quick(5000));
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    EXPECT_FALSE(bound->virtio_device.has_value());
    EXPECT_TRUE(kernel.writes.empty());
    // A plain wait has nothing to wait for, and says so at once.
    auto waited = bus.wait_ready("vdpa1", BusDriver::virtio_vdpa, std::chrono::milliseconds(5000));
    ASSERT_FALSE(waited.ok());
    EXPECT_EQ(waited.error().kind, ErrorKind::ambiguous);
    EXPECT_EQ(waited.error().message,
              "the virtio device of device \"vdpa1\" cannot be told apart from the other "
              "devices' on " +
                  hw.pf_path() + ": sysfs does not link them, so there is nothing to wait for");
}

TEST(Binding, ToVhostWaitsForTheNode)
{
    FakeRoot root;
    root.vdpa_device("u0", "u0", "");
    FakeKernel kernel(root);
    kernel.on_probe = [&](const std::string& device) {
        root.bind_device(device, "vhost_vdpa");
        root.vhost_device(device, true);
    };
    auto bound = root.bus().bind("u0", BusDriver::vhost_vdpa, quick());
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    EXPECT_EQ(bound->vhost_path, root.path("dev/vhost-vdpa-3").string());
    EXPECT_EQ(bound->driver_override, "vhost_vdpa");
}

TEST(Binding, ATimeoutAfterTheBindLeavesTheDeviceBound)
{
    FakeRoot root;
    root.vdpa_device("u0", "u0", "");
    FakeKernel kernel(root);
    // Bound, but its /dev node never appears.
    kernel.on_probe = [&](const std::string& device) {
        root.bind_device(device, "vhost_vdpa");
        root.vhost_device(device, false);
    };
    auto bound = root.bus().bind("u0", BusDriver::vhost_vdpa, quick(50));
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.error().kind, ErrorKind::timeout);
    EXPECT_EQ(bound.error().message,
              "device \"u0\" is bound to vhost_vdpa, but its /dev/vhost-vdpa-N node did not "
              "appear within 50 ms; the device stays bound to vhost_vdpa");
    EXPECT_EQ(root.bus().details("u0")->driver, "vhost_vdpa");
    EXPECT_EQ(kernel.writes, (std::vector<std::string>{
                                 "bus/vdpa/devices/u0/driver_override <- vhost_vdpa",
                                 "bus/vdpa/drivers_probe <- u0",
                             }));
}

TEST(Binding, ADriverThatDoesNotBindGetsTheOldDriverAndOverrideBack)
{
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.file("sys/devices/v0/driver_override", "vhost_vdpa\n");
    FakeKernel kernel(root); // its probe binds nothing
    auto bound = root.bus().bind("v0", BusDriver::virtio_vdpa, quick());
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.error().kind, ErrorKind::system);
    EXPECT_EQ(bound.error().errnum, ENODEV);
    EXPECT_EQ(bound.error().message, "the virtio_vdpa driver did not bind device \"v0\"");
    EXPECT_EQ(kernel.writes, (std::vector<std::string>{
                                 "bus/vdpa/drivers/vhost_vdpa/unbind <- v0",
                                 "bus/vdpa/devices/v0/driver_override <- virtio_vdpa",
                                 "bus/vdpa/drivers_probe <- v0",
                                 "bus/vdpa/devices/v0/driver_override <- vhost_vdpa",
                                 "bus/vdpa/drivers/vhost_vdpa/bind <- v0",
                             }));
    EXPECT_EQ(root.read("sys/devices/v0/driver_override"), "vhost_vdpa\n");
    EXPECT_EQ(root.bus().details("v0")->driver, "vhost_vdpa");
}

TEST(Binding, ADeviceThatStayedOnItsDriverGetsItsOverrideBack)
{
    FakeRoot root;
    root.vdpa_device("n0", "n0", "virtio_vdpa");
    FakeKernel kernel(root);
    kernel.unbind_works = false;
    auto bound = root.bus().bind("n0", BusDriver::vhost_vdpa, quick());
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.error().message, "the vhost_vdpa driver did not bind device \"n0\"");
    // An override that was unset is cleared again; the device never left
    // virtio_vdpa, so nothing is rebound.
    EXPECT_EQ(kernel.writes, (std::vector<std::string>{
                                 "bus/vdpa/drivers/virtio_vdpa/unbind <- n0",
                                 "bus/vdpa/devices/n0/driver_override <- vhost_vdpa",
                                 "bus/vdpa/drivers_probe <- n0",
                                 "bus/vdpa/devices/n0/driver_override <- \n",
                             }));
    EXPECT_EQ(root.read("sys/devices/n0/driver_override"), "(null)\n");
}

TEST(Binding, NoneUnbindsAndPinsTheDeviceUnbound)
{
    FakeRoot root;
    root.vdpa_device("n0", "n0", "virtio_vdpa");
    root.vdpa_device("u0", "u0", "");
    FakeKernel kernel(root);
    DeviceBus bus = root.bus();
    auto bound = bus.bind("n0", BusDriver::none, quick());
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    EXPECT_FALSE(bound->driver.has_value());
    EXPECT_EQ(bound->driver_override, "none");
    // Unbound but not pinned: only the pinning is written.
    ASSERT_TRUE(bus.bind("u0", BusDriver::none, quick()).ok());
    // Pinned already: nothing.
    ASSERT_TRUE(bus.bind("u0", BusDriver::none, quick()).ok());
    EXPECT_EQ(kernel.writes, (std::vector<std::string>{
                                 "bus/vdpa/drivers/virtio_vdpa/unbind <- n0",
                                 "bus/vdpa/devices/n0/driver_override <- none",
                                 "bus/vdpa/devices/u0/driver_override <- none",
                             }));
}

TEST(Binding, AHeldDeviceIsCheckedBeforeAnythingIsWritten)
{
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.vhost_device("v0", true);
    root.process(4242, "qemu-system-x86", {{7, "/dev/null"}});
    FakeKernel kernel(root);
    DeviceBus bus = root.bus();
    EXPECT_EQ(bus.check_bind("v0", BusDriver::virtio_vdpa, {}).error().kind, ErrorKind::in_use);
    EXPECT_EQ(bus.bind("v0", BusDriver::virtio_vdpa, quick()).error().kind, ErrorKind::in_use);
    EXPECT_TRUE(kernel.writes.empty());
    // Staying on vhost_vdpa, or -f, needs no look.
    EXPECT_TRUE(bus.check_bind("v0", BusDriver::vhost_vdpa, {}).ok());
    BindOptions force;
    force.force = true;
    EXPECT_TRUE(bus.check_bind("v0", BusDriver::none, force).ok());
}

// A process that mapped the node and closed its descriptor still holds
// it; one whose descriptor leads elsewhere than /dev is not followed.
TEST(Holders, MappingsHoldTheNodeAndOnlyDevicePathsAreFollowed)
{
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.vhost_device("v0", true);
    struct stat node;
    ASSERT_EQ(::stat(root.path("dev/vhost-vdpa-3").c_str(), &node), 0);
    char dev[32];
    std::snprintf(dev, sizeof(dev), "%02x:%02x", major(node.st_dev), minor(node.st_dev));
    root.process(5000, "qemu-kvm", {});
    root.file("proc/5000/maps",
              "55d0c0000000-55d0c0100000 r-xp 00000000 08:01 1234              /usr/bin/qemu-kvm\n"
              "7f0000000000-7f0000001000 rw-s 00000000 " +
                  std::string(dev) + " " + std::to_string(node.st_ino) +
                  "                 /dev/vhost-vdpa-3\n"
                  "7f0000002000-7f0000003000 rw-p 00000000 00:00 0 \n");
    // A node of its own (a container's /dev): told by the mapped file.
    root.process(5001, "qemu-ct", {});
    root.file("proc/5001/maps", "7f0000004000-7f0000005000 rw-s 00000000 00:2a 17   "
                                "                   /dev/vhost-vdpa-0\n");
    root.dir("proc/5001/map_files");
    fs::create_symlink("/dev/null", root.path("proc/5001/map_files/7f0000004000-7f0000005000"));
    // The same character device, reached through a path outside /dev.
    fs::create_symlink("/dev/null", root.path("elsewhere"));
    root.process(5002, "stuck", {{5, root.path("elsewhere").string()}});

    auto holders = root.bus().holders("v0");
    ASSERT_TRUE(holders.ok()) << holders.error().message;
    ASSERT_EQ(holders->size(), 2u);
    EXPECT_EQ((*holders)[0].pid, 5000);
    EXPECT_EQ((*holders)[0].command, "qemu-kvm");
    EXPECT_EQ((*holders)[1].pid, 5001);
}

TEST(Holders, AProcessThatCannotBeReadIsNotTakenForNone)
{
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.vhost_device("v0", true);
    root.process(4243, "bash", {{1, "/etc/hostname"}});
    // A process that exited while we looked is fine.
    root.file("proc/4244/comm", "gone\n");
    // One whose descriptors cannot be listed (EACCES without root).
    root.file("proc/4245/comm", "ps\n");
    root.file("proc/4245/fd", "");
    DeviceBus bus = root.bus();
    auto holders = bus.holders("v0");
    ASSERT_FALSE(holders.ok());
    EXPECT_EQ(holders.error().kind, ErrorKind::system);
    EXPECT_EQ(holders.error().errnum, ENOTDIR);
    EXPECT_EQ(holders.error().message, "cannot tell whether a process holds " +
                                           root.path("dev/vhost-vdpa-3").string() +
                                           " open: the open files of pid 4245 (ps) are not readable");
    EXPECT_EQ(bus.check_not_in_use("v0").error().message, holders.error().message);
    fs::remove(root.path("proc/4245/fd"));
    EXPECT_TRUE(bus.check_not_in_use("v0").ok());
}

TEST(Holders, AnUnreadableProcessIsNamedEscaped)
{
    // Any process may set its own command name, terminal escapes included.
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.vhost_device("v0", true);
    root.file("proc/4245/comm", "x\x1b[2J\n");
    root.file("proc/4245/fd", "");
    auto holders = root.bus().holders("v0");
    ASSERT_FALSE(holders.ok());
    EXPECT_NE(holders.error().message.find("pid 4245 (x\\x1b[2J) are not readable"),
              std::string::npos)
        << holders.error().message;
}

TEST(BusDriver, NamesRoundTrip)
{
    for (BusDriver driver : {BusDriver::none, BusDriver::virtio_vdpa, BusDriver::vhost_vdpa})
        EXPECT_EQ(parse_bus_driver(bus_driver_name(driver)), driver);
    EXPECT_FALSE(parse_bus_driver("vfio").has_value());
}

} // namespace
} // namespace vdpa
