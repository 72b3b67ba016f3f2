// SPDX-License-Identifier: GPL-2.0-or-later
//
// The served-device record (/run/vdpa/served/NAME.json) is untrusted
// input to `vdpa dev show -d` and `vdpa dev del`: only a well-formed
// record, owned by root or us and writable by no one else, counts.
#include "served_record.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <csignal>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace vdpa::device;

namespace {

class ServedRecordTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/served-record.XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override
    {
        [[maybe_unused]] int rc = std::system(("rm -rf '" + dir_ + "'").c_str());
    }
    void put(const std::string &name, const std::string &text, mode_t mode = 0644)
    {
        const std::string path = served_record_path(name, dir_);
        std::ofstream(path) << text;
        chmod(path.c_str(), mode);
    }
    std::string dir_;
};

TEST_F(ServedRecordTest, WrittenRecordReadsBack)
{
    ASSERT_EQ(write_served_record("d0", {"file", "/srv/disk 1.img", 1234}, dir_), "");
    auto record = read_served_record("d0", dir_);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->backend, "file");
    EXPECT_EQ(record->target, "/srv/disk 1.img");
    EXPECT_EQ(record->server_pid, 1234);
    remove_served_record("d0", dir_);
    EXPECT_FALSE(read_served_record("d0", dir_));
}

TEST_F(ServedRecordTest, PathWithInvalidUtf8IsWrittenReadably)
{
    ASSERT_EQ(write_served_record("d0", {"file", "/srv/\xff.img", 7}, dir_), "");
    auto record = read_served_record("d0", dir_);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->server_pid, 7);
}

TEST_F(ServedRecordTest, MissingRecordIsNone)
{
    EXPECT_FALSE(read_served_record("absent", dir_));
}

TEST_F(ServedRecordTest, MalformedRecordsAreNone)
{
    const char *bad[] = {
        "",
        "not json",
        "[1, 2]",
        R"({"backend": "file", "target": "/x"})",
        R"({"backend": "file", "target": "/x", "server_pid": "12"})",
        R"({"backend": "file", "target": "/x", "server_pid": -5})",
        R"({"backend": "file", "target": "/x", "server_pid": 0})",
        R"({"backend": "file", "target": "/x", "server_pid": 99999999})",
        R"({"backend": "file", "target": "/x", "server_pid": 1.5})",
        R"({"backend": 3, "target": "/x", "server_pid": 12})",
        R"({"backend": "file", "target": null, "server_pid": 12})",
        R"({"backend": "", "target": "/x", "server_pid": 12})",
        R"({"backend": "driver\"", "target": "/x", "server_pid": 12})",
        R"({"backend": "FILE", "target": "/x", "server_pid": 12})",
        R"({"backend": "file", "target": "/x", "server_pid": 12)",
    };
    for (const char *text : bad) {
        put("d0", text);
        EXPECT_FALSE(read_served_record("d0", dir_)) << text;
    }
}

TEST_F(ServedRecordTest, RecordOthersCanWriteIsNone)
{
    put("d0", R"({"backend": "file", "target": "/x", "server_pid": 12})", 0666);
    EXPECT_FALSE(read_served_record("d0", dir_));
    put("d1", R"({"backend": "file", "target": "/x", "server_pid": 12})", 0644);
    EXPECT_TRUE(read_served_record("d1", dir_));
}

TEST_F(ServedRecordTest, OversizedRecordIsNone)
{
    put("d0", R"({"backend": "file", "target": ")" + std::string(20000, 'a') +
                  R"(", "server_pid": 12})");
    EXPECT_FALSE(read_served_record("d0", dir_));
}

TEST_F(ServedRecordTest, SymlinkIsNone)
{
    put("real", R"({"backend": "file", "target": "/x", "server_pid": 12})");
    ASSERT_EQ(symlink(served_record_path("real", dir_).c_str(),
                      served_record_path("d0", dir_).c_str()),
              0);
    EXPECT_FALSE(read_served_record("d0", dir_));
}

// A stale record's pid may belong to anything by now: only a device server
// given `--name NAME` counts.
TEST(ServesDevice, OnlyADeviceServerForThatName)
{
    EXPECT_FALSE(serves_device(getpid(), "d0")); // this test is no vdpa-*-server
    EXPECT_FALSE(serves_device(1, "d0"));
    EXPECT_FALSE(serves_device(4194304, "d0"));
}

TEST_F(ServedRecordTest, DeviceServerGivenTheNameServesIt)
{
    // A shell under a device server's name, with `--name d0` among its
    // arguments: what /proc shows of a real server.
    const std::string fake = dir_ + "/vdpa-fake-server";
    ASSERT_EQ(symlink("/bin/sh", fake.c_str()), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        execl(fake.c_str(), fake.c_str(), "-c", "sleep 5; :", "--name", "d0", nullptr);
        _exit(127);
    }
    usleep(200000); // until the exec is done
    EXPECT_TRUE(serves_device(child, "d0"));
    EXPECT_FALSE(serves_device(child, "d"));
    EXPECT_FALSE(serves_device(child, "d00"));
    EXPECT_FALSE(serves_device(child, "--name"));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    EXPECT_FALSE(serves_device(child, "d0"));
}

} // namespace
