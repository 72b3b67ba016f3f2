// SPDX-License-Identifier: GPL-2.0-or-later
//
// A served device's launch settings (/run/vdpa/served/NAME.conf): what
// vdpa-blk-server@.service and vdpa-net-server@.service read as their
// EnvironmentFile, and what a
// restart and `vdpa state show` read back. Untrusted input like the
// record; a path with the characters systemd's double quotes treat
// specially comes back as it went in.
#include "served_state.hpp"
#include "server_supervision.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace vdpa::device;

namespace {

class LaunchSettingsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/launch-settings.XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override
    {
        [[maybe_unused]] int rc = std::system(("rm -rf '" + dir_ + "'").c_str());
    }
    std::string dir_;
};

TEST_F(LaunchSettingsTest, RoundTrip)
{
    BlkOptions options;
    options.path = "/srv/a \"quoted\" $HOME `x` \\ disk.img";
    options.readonly = true;
    options.queues = 2;
    options.queue_size = 128;
    options.blk_size = 4096;
    ASSERT_EQ(write_launch_settings("vb0", options, dir_), "");
    auto read = read_launch_settings("vb0", dir_);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->path, options.path);
    EXPECT_TRUE(read->readonly);
    EXPECT_EQ(read->queues, 2u);
    EXPECT_EQ(read->queue_size, 128u);
    EXPECT_EQ(read->blk_size, 4096u);
    remove_launch_settings("vb0", dir_);
    EXPECT_FALSE(read_launch_settings("vb0", dir_));
}

// What systemd reads: FILE in double quotes with \ " ` $ escaped, and the
// options as words for $OPTIONS.
TEST_F(LaunchSettingsTest, TheUnitsFormat)
{
    BlkOptions options;
    options.path = "/srv/$d\"";
    EXPECT_EQ(launch_settings_text(options),
              "# Written by vdpa: the settings of this device's vdpa-blk-server\n"
              "FILE=\"/srv/\\$d\\\"\"\n"
              "OPTIONS=\"--queues 1 --queue-size 256 --blk-size 512\"\n");
    options.path = "/srv/new\nline";
    EXPECT_EQ(launch_settings_text(options), "");
    EXPECT_NE(write_launch_settings("vb0", options, dir_), "");
}

TEST_F(LaunchSettingsTest, OnlyOurFormatIsRead)
{
    for (const char *text : {"FILE=\"/d\"\n", "OPTIONS=\"--queues 1\"\n",
                             "FILE=/d\nOPTIONS=\"\"\n", "FILE=\"/d\"\nOPTIONS=\"--queues x\"\n",
                             "FILE=\"/d\"\nOPTIONS=\"--serial a\"\n",
                             "FILE=\"/d\"\nOPTIONS=\"\"\nEXTRA=1\n", "FILE=\"/d\"x\"\nOPTIONS=\"\"\n"})
        EXPECT_FALSE(parse_launch_settings(text)) << text;
    EXPECT_TRUE(parse_launch_settings("# c\nFILE=\"/d\"\nOPTIONS=\"\"\n"));
}

TEST_F(LaunchSettingsTest, WritableByOthersIsNotRead)
{
    ASSERT_EQ(write_launch_settings("vb0", BlkOptions{"/d"}, dir_), "");
    chmod(launch_settings_path("vb0", dir_).c_str(), 0666);
    EXPECT_FALSE(read_launch_settings("vb0", dir_));
}

TEST(BlkServerUnit, NamesThatAreInstances)
{
    EXPECT_EQ(blk_server_unit("vb0"), "vdpa-blk-server@vb0.service");
    EXPECT_EQ(blk_server_unit("disk-1.a:b_c"), "vdpa-blk-server@disk-1.a:b_c.service");
    EXPECT_EQ(net_server_unit("vt0"), "vdpa-net-server@vt0.service");
    for (const char *name : {"", ".hidden", "a b", "a@b", "a\\x2d", "ä"}) {
        EXPECT_EQ(blk_server_unit(name), "") << name;
        EXPECT_EQ(net_server_unit(name), "") << name;
    }
}

// A network server's settings: the TAP, MTU, queue size, and the MAC only
// when one was asked for.
TEST_F(LaunchSettingsTest, NetRoundTrip)
{
    NetOptions options;
    options.tap = "tap-0";
    options.mtu = 9000;
    options.queue_size = 512;
    EXPECT_EQ(launch_settings_text(options),
              "# Written by vdpa: the settings of this device's vdpa-net-server\n"
              "TAP=\"tap-0\"\n"
              "OPTIONS=\"--mtu 9000 --queue-size 512\"\n");
    ASSERT_EQ(write_launch_settings("vt0", options, dir_), "");
    auto read = read_net_launch_settings("vt0", dir_);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->tap, "tap-0");
    EXPECT_EQ(read->mtu, 9000u);
    EXPECT_EQ(read->queue_size, 512u);
    EXPECT_FALSE(read->mac);
    // Not a block server's.
    EXPECT_FALSE(read_launch_settings("vt0", dir_));

    options.mac = MacBytes{0x52, 0x54, 0, 0x12, 0x34, 0x56};
    ASSERT_EQ(write_launch_settings("vt0", options, dir_), "");
    read = read_net_launch_settings("vt0", dir_);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->mac, options.mac);

    ASSERT_EQ(write_launch_settings("vb0", BlkOptions{"/d"}, dir_), "");
    EXPECT_FALSE(read_net_launch_settings("vb0", dir_));
}

TEST_F(LaunchSettingsTest, OnlyOurNetFormatIsRead)
{
    for (const char *text :
         {"TAP=\"t\"\n", "OPTIONS=\"--mtu 1500\"\n", "TAP=t\nOPTIONS=\"\"\n",
          "TAP=\"t\"\nOPTIONS=\"--mtu x\"\n", "TAP=\"t\"\nOPTIONS=\"--mac zz\"\n",
          "TAP=\"t\"\nOPTIONS=\"--mtu\"\n", "TAP=\"t\"\nOPTIONS=\"--queues 1\"\n",
          "TAP=\"t\"\nOPTIONS=\"\"\nFILE=\"/d\"\n"})
        EXPECT_FALSE(parse_net_launch_settings(text)) << text;
    EXPECT_TRUE(parse_net_launch_settings("# c\nTAP=\"t\"\nOPTIONS=\"\"\n"));
}

// Only what is known: the kernel's block attributes first, the offered
// features where the kernel leaves one out, queue_size from the settings.
TEST(KnownBlkBackend, OnlyWhatIsKnown)
{
    vdpa::BlockConfig block;
    block.read_only = true;
    block.num_queues = 4;
    block.blk_size = 4096;
    BlkOptions settings;
    settings.queue_size = 64;
    auto full = known_blk_backend("/d", block, std::nullopt, &settings);
    EXPECT_EQ(*full.file, "/d");
    EXPECT_EQ(*full.readonly, true);
    EXPECT_EQ(*full.queues, 4);
    EXPECT_EQ(*full.blk_size, 4096u);
    EXPECT_EQ(*full.queue_size, 64);

    auto bare = known_blk_backend("/d", std::nullopt, std::nullopt, nullptr);
    EXPECT_EQ(bare, vdpa::VduseBackend{.file = "/d"});

    // No MQ offered: one queue; RO (bit 5) offered: read-only.
    auto from_features = known_blk_backend("/d", vdpa::BlockConfig{}, 1ULL << 5, nullptr);
    EXPECT_EQ(*from_features.readonly, true);
    EXPECT_EQ(*from_features.queues, 1);
    EXPECT_FALSE(from_features.blk_size);
    EXPECT_FALSE(from_features.queue_size);
}

} // namespace
