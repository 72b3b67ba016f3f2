// SPDX-License-Identifier: GPL-2.0-or-later
// The monitor's decoding, on uevents recorded from Linux 6.12 while a net
// device was added, moved from virtio_vdpa to vhost_vdpa and deleted, and a
// block device added and deleted (tests/data/uevents.rec).
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <vdpa/monitor.hpp>

#include "fake_sysfs.hpp"
#include "recording.hpp"
#include "replay_transport.hpp"

namespace vdpa::testing {
namespace {

std::vector<Bytes> recorded_uevents()
{
    std::ifstream in(data_path("uevents.rec"));
    std::vector<Bytes> datagrams;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#')
            datagrams.push_back(from_hex(line));
    return datagrams;
}

std::string describe(const BusEvent& event)
{
    static const char* objects[] = {"dev", "chardev", "virtio", "netdev", "disk", "lost"};
    static const char* actions[] = {"add", "remove", "bind", "unbind"};
    std::string text = std::string(objects[static_cast<int>(event.object)]) + " " +
                       actions[static_cast<int>(event.action)] + " " + event.device;
    return event.name.empty() ? text : text + " " + event.name;
}

TEST(Uevent, ParsesActionDevpathAndValues)
{
    auto datagrams = recorded_uevents();
    ASSERT_FALSE(datagrams.empty());
    auto first = parse_uevent(datagrams.front());
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->action, "add");
    EXPECT_EQ(first->devpath, "/devices/n0");
    EXPECT_EQ(first->value("SUBSYSTEM"), "vdpa");
    EXPECT_EQ(first->value("ABSENT"), "");
}

TEST(Uevent, RefusesWhatIsNotAKernelUevent)
{
    std::string udev = "libudev\0\xfe\xed\xca\xfe";
    EXPECT_FALSE(parse_uevent(std::as_bytes(std::span(udev))).has_value());
    EXPECT_FALSE(parse_uevent({}).has_value());
    std::string no_action = "@/devices/x";
    EXPECT_FALSE(parse_uevent(std::as_bytes(std::span(no_action))).has_value());
}

TEST(BusEventDecoder, TheRecordedLifeInOrder)
{
    FakeRoot root;
    // What sysfs shows while n0 is bound to vhost_vdpa.
    root.vdpa_device("n0", "n0", "vhost_vdpa");
    root.file("sys/devices/n0/vhost-vdpa-0/dev", "244:0\n");
    BusEventDecoder decoder(root.bus().paths());
    std::vector<std::string> events;
    for (const Bytes& datagram : recorded_uevents())
        if (auto uevent = parse_uevent(datagram))
            for (const BusEvent& event : decoder.decode(*uevent))
                events.push_back(describe(event));
    std::string chardev = root.path("dev/vhost-vdpa-0").string();
    EXPECT_EQ(events, (std::vector<std::string>{
                          "dev add n0",
                          "virtio add n0 virtio3",
                          "netdev add n0 eth0",
                          "dev bind n0 virtio_vdpa",
                          "netdev remove n0 eth0",
                          "virtio remove n0 virtio3",
                          "dev unbind n0 virtio_vdpa",
                          "dev bind n0 vhost_vdpa",
                          "chardev add n0 " + chardev,
                          "chardev remove n0 " + chardev,
                          "dev unbind n0 vhost_vdpa",
                          "dev remove n0",
                          "dev add b0",
                          "virtio add b0 virtio3",
                          "disk add b0 vda",
                          "dev bind b0 virtio_vdpa",
                          "disk remove b0 vda",
                          "virtio remove b0 virtio3",
                          "dev unbind b0 virtio_vdpa",
                          "dev remove b0",
                      }));
}

TEST(BusEventDecoder, VirtioDevicesOfOtherParentsAreNotOurs)
{
    FakeRoot root;
    BusEventDecoder decoder(root.bus().paths());
    Uevent native{"add", "/devices/pci0000:00/0000:00:02.0/virtio0", {{"SUBSYSTEM", "virtio"}}};
    EXPECT_TRUE(decoder.decode(native).empty());
    Uevent netdev{"add", "/devices/pci0000:00/0000:00:02.0/virtio0/net/eth0",
                  {{"SUBSYSTEM", "net"}, {"INTERFACE", "eth0"}}};
    EXPECT_TRUE(decoder.decode(netdev).empty());
}

TEST(BusEventDecoder, StartsFromWhatExists)
{
    FakeRoot root;
    root.vdpa_device("v0", "v0", "vhost_vdpa");
    root.file("sys/devices/v0/vhost-vdpa-5/dev", "244:5\n");
    BusEventDecoder decoder(root.bus().paths());
    decoder.scan();
    Uevent unbind{"unbind", "/devices/v0", {{"SUBSYSTEM", "vdpa"}}};
    auto events = decoder.decode(unbind);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(describe(events[0]), "chardev remove v0 " + root.path("dev/vhost-vdpa-5").string());
    EXPECT_EQ(describe(events[1]), "dev unbind v0 vhost_vdpa");
}

}  // namespace
}  // namespace vdpa::testing
