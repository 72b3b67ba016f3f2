// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceBus's reading of sysfs, on directory trees laid out as the kernel
// lays them out. The simulator layouts are also exercised for real in the
// vm suite; the hardware layout (virtio devices parented to a shared PCI
// function) exists only here, since the VM has no such hardware.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include <vdpa/bus.hpp>

#include "fake_sysfs.hpp"

namespace vdpa {
namespace {

namespace fs = std::filesystem;
using testing::FakeRoot;

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
    root.file("sys/devices/v0/vhost-vdpa-3/dev", "1:3\n");
    root.file("proc/4242/comm", "qemu-system-x86\n");
    root.dir("proc/4242/fd");
    fs::create_symlink("/dev/null", root.path("proc/4242/fd/7"));
    root.file("proc/4243/comm", "bash\n");
    root.dir("proc/4243/fd");
    fs::create_symlink("/etc/hostname", root.path("proc/4243/fd/1"));
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
    fs::remove(root.path("sys/bus/vdpa/drivers/vhost_vdpa"));
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
    for (const char* name : {"../n0", "n0/..", "..", ".", "", "a\nb"}) {
        EXPECT_EQ(bus.details(name).error().kind, ErrorKind::invalid_argument) << name;
        EXPECT_EQ(bus.bind(name, BusDriver::none, {}).error().kind, ErrorKind::invalid_argument);
    }
    EXPECT_EQ(bus.details("nope").error().kind, ErrorKind::not_found);
    EXPECT_EQ(bus.bind("nope", BusDriver::none, {}).error().kind, ErrorKind::not_found);
}

TEST(BusDriver, NamesRoundTrip)
{
    for (BusDriver driver : {BusDriver::none, BusDriver::virtio_vdpa, BusDriver::vhost_vdpa})
        EXPECT_EQ(parse_bus_driver(bus_driver_name(driver)), driver);
    EXPECT_FALSE(parse_bus_driver("vfio").has_value());
}

} // namespace
} // namespace vdpa
