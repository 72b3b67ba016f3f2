// SPDX-License-Identifier: GPL-2.0-or-later
//
// Reading state files: every problem found, each with where it is, and
// the values `dev add` accepts read as it reads them.
#include <gtest/gtest.h>

#include <vdpa/state.hpp>

#include "blk/blk_config.hpp"
#include "net/net_config.hpp"

namespace vdpa {
namespace {

std::vector<std::string> locations(const SpecReading& reading)
{
    std::vector<std::string> found;
    for (const SpecProblem& problem : reading.problems)
        found.push_back(problem.location);
    return found;
}

// The message of the one problem at `location`, or "" if none is there.
std::string message_at(const SpecReading& reading, const std::string& location)
{
    for (const SpecProblem& problem : reading.problems)
        if (problem.location == location)
            return problem.message;
    return "";
}

TEST(StateSpec, ReadsEveryKey)
{
    auto reading = read_state_spec(R"({"devices": [
        {"name": "n1", "mgmtdev": "pci/0000:65:00.2", "mac": "02:00:00:00:00:01",
         "mtu": 9000, "max_vqp": 4, "device_features": "0x10020", "driver": "vhost_vdpa"},
        {"name": "vb0", "mgmtdev": "vduse", "file": "/var/lib/vdpa/vb0.img", "readonly": true,
         "queues": 2, "queue_size": 256, "blk_size": 4096, "driver": "virtio_vdpa"},
        {"name": "vn0", "mgmtdev": "vduse", "tap": "tap0", "driver": "none"}]})");
    ASSERT_TRUE(reading.ok()) << reading.problems.front().location << ": "
                              << reading.problems.front().message;
    ASSERT_EQ(reading.spec.devices.size(), 3u);
    const DeviceSpec& n1 = reading.spec.devices[0];
    EXPECT_EQ(n1.name, "n1");
    EXPECT_EQ(n1.mgmtdev, (MgmtDevHandle{"pci", "0000:65:00.2"}));
    EXPECT_EQ(n1.mac->to_string(), "02:00:00:00:00:01");
    EXPECT_EQ(*n1.mtu, 9000);
    EXPECT_EQ(*n1.max_vqp, 4);
    EXPECT_EQ(*n1.device_features, 0x10020u);
    EXPECT_EQ(*n1.driver, BusDriver::vhost_vdpa);
    EXPECT_TRUE(n1.backend.empty());
    const DeviceSpec& vb0 = reading.spec.devices[1];
    EXPECT_EQ(vb0.mgmtdev, (MgmtDevHandle{"", "vduse"}));
    EXPECT_EQ(*vb0.backend.file, "/var/lib/vdpa/vb0.img");
    EXPECT_TRUE(*vb0.backend.readonly);
    EXPECT_EQ(*vb0.backend.queues, 2);
    EXPECT_EQ(*vb0.backend.queue_size, 256);
    EXPECT_EQ(*vb0.backend.blk_size, 4096u);
    EXPECT_EQ(*reading.spec.devices[2].backend.tap, "tap0");
    EXPECT_EQ(*reading.spec.devices[2].driver, BusDriver::none);
}

TEST(StateSpec, KeysLeftOutStayUnset)
{
    auto reading = read_state_spec(R"({"devices": [{"name": "n1", "mgmtdev": "vdpasim_net"}]})");
    ASSERT_TRUE(reading.ok());
    const DeviceSpec& device = reading.spec.devices[0];
    EXPECT_FALSE(device.mac || device.mtu || device.max_vqp || device.device_features ||
                 device.driver);
}

TEST(StateSpec, AnEmptyListIsValid)
{
    auto reading = read_state_spec(R"({"devices": []})");
    EXPECT_TRUE(reading.ok());
    EXPECT_TRUE(reading.spec.devices.empty());
}

TEST(StateSpec, SyntaxErrorsSayLineAndColumn)
{
    auto reading = read_state_spec("{\"devices\": [\n  {\"name\": \"n1\",}\n]}");
    ASSERT_EQ(reading.problems.size(), 1u);
    EXPECT_EQ(reading.problems[0].location, "line 2, column 17");
    EXPECT_NE(reading.problems[0].message.find("not valid JSON"), std::string::npos);
}

TEST(StateSpec, EveryBadValueIsReportedWhereItIs)
{
    auto reading = read_state_spec(R"({"devices": [
        {"name": "ok", "mgmtdev": "vdpasim_net"},
        {"name": "a", "mgmtdev": "vdpasim_net", "mac": "00:11:22:33:44"},
        {"name": "b", "mgmtdev": "vdpasim_net", "mtu": 70000, "max_vqp": -1},
        {"name": "c", "mgmtdev": "vdpasim_net", "mtu": "1500", "device_features": "zz"},
        {"name": "d/e", "mgmtdev": "a/b/c", "driver": "vfio"},
        {"name": "f", "mgmtdev": "vdpasim_net", "colour": "red", "mtu": 1.5}]})");
    std::vector<std::string> expected{
        "devices[1].mac",  "devices[2].max_vqp", "devices[2].mtu",    "devices[3].device_features",
        "devices[3].mtu",  "devices[4].driver",  "devices[4].mgmtdev", "devices[4].name",
        "devices[5].colour", "devices[5].mtu"};
    auto found = locations(reading);
    std::sort(found.begin(), found.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(found, expected);
    EXPECT_NE(message_at(reading, "devices[1].mac").find("six colon-separated"), std::string::npos);
    EXPECT_NE(message_at(reading, "devices[2].mtu").find("0 to 65535"), std::string::npos);
    EXPECT_NE(message_at(reading, "devices[2].max_vqp").find("negative"), std::string::npos);
    EXPECT_NE(message_at(reading, "devices[3].mtu").find("found a string"), std::string::npos);
    EXPECT_NE(message_at(reading, "devices[4].driver").find("virtio_vdpa, vhost_vdpa or none"),
              std::string::npos);
    EXPECT_NE(message_at(reading, "devices[5].colour").find("unknown key"), std::string::npos);
}

TEST(StateSpec, MissingNameAndMgmtdev)
{
    auto reading = read_state_spec(R"({"devices": [{"mac": "00:11:22:33:44:55"}]})");
    auto found = locations(reading);
    EXPECT_EQ(found, (std::vector<std::string>{"devices[0].name", "devices[0].mgmtdev"}));
}

TEST(StateSpec, TheTopLevel)
{
    EXPECT_EQ(locations(read_state_spec("[]")), std::vector<std::string>{"(top level)"});
    EXPECT_EQ(locations(read_state_spec("{}")), std::vector<std::string>{"devices"});
    EXPECT_EQ(locations(read_state_spec(R"({"devices": {}})")),
              std::vector<std::string>{"devices"});
    EXPECT_EQ(locations(read_state_spec(R"({"devices": [], "version": 1})")),
              std::vector<std::string>{"version"});
    EXPECT_EQ(locations(read_state_spec(R"({"devices": [7]})")),
              std::vector<std::string>{"devices[0]"});
}

TEST(StateSpec, DuplicateNamesAndBackingFiles)
{
    auto reading = read_state_spec(R"({"devices": [
        {"name": "a", "mgmtdev": "vduse", "file": "/srv/disk.img"},
        {"name": "a", "mgmtdev": "vdpasim_net"},
        {"name": "b", "mgmtdev": "vduse", "file": "/srv/./disk.img"},
        {"name": "c", "mgmtdev": "vduse", "tap": "tap0"},
        {"name": "d", "mgmtdev": "vduse", "tap": "tap0"}]})");
    EXPECT_EQ(locations(reading),
              (std::vector<std::string>{"devices[1].name", "devices[2].file", "devices[4].tap"}));
    EXPECT_NE(message_at(reading, "devices[1].name").find("devices[0]"), std::string::npos);
    EXPECT_NE(message_at(reading, "devices[2].file").find("devices[0]"), std::string::npos);
}

TEST(StateSpec, BackendKeysAreChecked)
{
    auto reading = read_state_spec(R"({"devices": [
        {"name": "a", "mgmtdev": "vdpasim_net", "tap": "tap0"},
        {"name": "b", "mgmtdev": "vduse", "file": "disk.img", "queue_size": 100, "blk_size": 256},
        {"name": "c", "mgmtdev": "vduse", "file": "/d", "tap": "t", "readonly": "yes"},
        {"name": "d", "mgmtdev": "vduse", "tap": "a very long interface", "readonly": true,
         "queues": 0}]})");
    EXPECT_EQ(locations(reading),
              (std::vector<std::string>{"devices[0].tap", "devices[1].file", "devices[1].queue_size",
                                        "devices[1].blk_size", "devices[2].readonly",
                                        "devices[2].tap", "devices[3].tap", "devices[3].queues",
                                        "devices[3].readonly", "devices[3].queues"}));
}

// The limits of `dev add ... file PATH`, which the block server checks
// (device/blk/blk_config.hpp): a state file gets the same answer before
// anything starts.
TEST(StateSpec, BackendLimitsAreTheServers)
{
    auto served = [](std::string keys) {
        return read_state_spec(R"({"devices": [{"name": "b", "mgmtdev": "vduse", "file": "/d", )" +
                               keys + "}]}");
    };
    using device::max_queue_size;
    using device::max_queues;
    EXPECT_TRUE(served(R"("queues": )" + std::to_string(max_queues)).ok());
    EXPECT_EQ(locations(served(R"("queues": )" + std::to_string(max_queues + 1))),
              std::vector<std::string>{"devices[0].queues"});
    EXPECT_TRUE(served(R"("queue_size": 2)").ok());
    EXPECT_TRUE(served(R"("queue_size": )" + std::to_string(max_queue_size)).ok());
    EXPECT_FALSE(served(R"("queue_size": 1)").ok());
    EXPECT_FALSE(served(R"("queue_size": )" + std::to_string(max_queue_size * 2)).ok());
    EXPECT_TRUE(served(R"("blk_size": 512)").ok());
    EXPECT_TRUE(served(R"("blk_size": 65536)").ok());
    EXPECT_FALSE(served(R"("blk_size": 131072)").ok());
    EXPECT_FALSE(served(R"("blk_size": 1000)").ok());
}

// The network server's own rules (device/net/net_config.hpp), as
// `dev add ... tap` applies them: a unicast, non-zero MAC; its MTU range;
// its queue sizes.
TEST(StateSpec, TapLimitsAreTheServers)
{
    auto tap = [](std::string keys) {
        return read_state_spec(R"({"devices": [{"name": "t", "mgmtdev": "vduse", "tap": "t0", )" +
                               keys + "}]}");
    };
    EXPECT_TRUE(tap(R"("mac": "52:54:00:12:34:56")").ok());
    EXPECT_EQ(locations(tap(R"("mac": "01:00:5e:00:00:01")")),
              std::vector<std::string>{"devices[0].mac"});
    EXPECT_NE(message_at(tap(R"("mac": "01:00:5e:00:00:01")"), "devices[0].mac").find("multicast"),
              std::string::npos);
    EXPECT_EQ(locations(tap(R"("mac": "00:00:00:00:00:00")")),
              std::vector<std::string>{"devices[0].mac"});
    EXPECT_TRUE(tap(R"("mtu": )" + std::to_string(device::net_min_mtu)).ok());
    EXPECT_EQ(locations(tap(R"("mtu": )" + std::to_string(device::net_min_mtu - 1))),
              std::vector<std::string>{"devices[0].mtu"});
    EXPECT_TRUE(tap(R"("mtu": )" + std::to_string(device::net_max_mtu)).ok());
    EXPECT_TRUE(tap(R"("queue_size": )" + std::to_string(device::net_max_queue_size)).ok());
    EXPECT_EQ(locations(tap(R"("queue_size": )" + std::to_string(device::net_max_queue_size * 2))),
              std::vector<std::string>{"devices[0].queue_size"});
    // A simulator's device may have them all the same.
    EXPECT_TRUE(read_state_spec(R"({"devices": [{"name": "n", "mgmtdev": "vdpasim_net",
        "mac": "01:00:5e:00:00:01", "mtu": 60}]})")
                    .ok());
}

// As `dev add` refuses them beside a backend.
TEST(StateSpec, NetKeysBesideABackend)
{
    auto reading = read_state_spec(R"({"devices": [
        {"name": "b", "mgmtdev": "vduse", "file": "/d", "mac": "02:00:00:00:00:01", "mtu": 1500,
         "max_vqp": 1, "device_features": "0x1"},
        {"name": "t", "mgmtdev": "vduse", "tap": "tap0", "mac": "02:00:00:00:00:02", "mtu": 1500,
         "max_vqp": 1, "device_features": "0x1"}]})");
    EXPECT_EQ(locations(reading),
              (std::vector<std::string>{"devices[0].mac", "devices[0].mtu", "devices[0].max_vqp",
                                        "devices[0].device_features", "devices[1].max_vqp",
                                        "devices[1].device_features"}));
}

TEST(StateSpec, KeysGivenTwiceInAnObject)
{
    auto reading = read_state_spec(
        R"({"devices": [{"name": "a", "mgmtdev": "vdpasim_net", "mtu": 1500, "mtu": 9000}]})");
    ASSERT_EQ(reading.problems.size(), 1u);
    EXPECT_EQ(reading.problems[0].location, "devices[0].mtu");
    EXPECT_NE(reading.problems[0].message.find("\"mtu\" is given twice"), std::string::npos);
    auto later = read_state_spec(R"({"devices": [{"name": "a", "mgmtdev": "m"}, 5,
        {"name": "b", "mgmtdev": "m", "x": [1, {"y": 1, "y": 2}]}]})");
    ASSERT_EQ(later.problems.size(), 1u);
    EXPECT_EQ(later.problems[0].location, "devices[2].x[1].y");
}

TEST(StateSpec, NamesFollowDevAddRules)
{
    for (const char* name : {"", ".", "..", "a\tb"}) {
        std::string text = std::string(R"({"devices": [{"name": ")") +
                           (std::string(name) == "a\tb" ? "a\\tb" : name) +
                           R"(", "mgmtdev": "vdpasim_net"}]})";
        EXPECT_EQ(locations(read_state_spec(text)), std::vector<std::string>{"devices[0].name"})
            << text;
    }
}

} // namespace
} // namespace vdpa
