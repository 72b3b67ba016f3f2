// SPDX-License-Identifier: GPL-2.0-or-later
// The whole CLI (options, grammar, commands, renderers, error reports) on
// netlink replies recorded from Linux 6.12, compared byte for byte with
// what iproute2 6.15 printed for the same commands on the same kernel
// state (tests/data/*.golden, recorded together with the replies).
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "replay_transport.hpp"
#include "run_cli.hpp"

namespace vdpa::testing {
namespace {

struct GoldenCase {
    std::string args;
    int status = 0;
    std::string out;
    std::string err;
};

std::vector<GoldenCase> read_golden(const std::string& file)
{
    std::ifstream in(data_path(file), std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + file);
    auto header = [&](const std::string& prefix) {
        std::string line;
        if (!std::getline(in, line) || line.rfind(prefix, 0) != 0)
            throw std::runtime_error(file + ": expected \"" + prefix + "\", got \"" + line + "\"");
        return line.substr(prefix.size());
    };
    auto block = [&](const std::string& prefix) {
        std::size_t length = std::stoul(header(prefix));
        std::string bytes(length, '\0');
        in.read(bytes.data(), static_cast<std::streamsize>(length));
        return bytes;
    };
    std::vector<GoldenCase> cases;
    while (in.peek() != EOF) {
        GoldenCase golden;
        golden.args = header("@@ args: ");
        golden.status = std::stoi(header("@@ rc: "));
        golden.out = block("@@ stdout ");
        golden.err = block("@@ stderr ");
        cases.push_back(std::move(golden));
    }
    return cases;
}

void expect_like_iproute2(const std::string& golden_file, const std::string& recording)
{
    auto cases = read_golden(golden_file);
    ASSERT_FALSE(cases.empty());
    for (const GoldenCase& golden : cases) {
        SCOPED_TRACE("vdpa " + golden.args);
        CliRun run = run_cli(golden.args, replay_client(recording));
        EXPECT_EQ(run.out, golden.out);
        EXPECT_EQ(run.err, golden.err);
        EXPECT_EQ(run.status, golden.status);
    }
}

TEST(Golden, SimulatorDevicesPrintLikeIproute2)
{
    expect_like_iproute2("sim.golden", "sim.nlrec");
}

TEST(Golden, UnboundDevicePrintsLikeIproute2)
{
    expect_like_iproute2("unbound.golden", "unbound.nlrec");
}

} // namespace
} // namespace vdpa::testing
