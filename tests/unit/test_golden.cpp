// SPDX-License-Identifier: GPL-2.0-or-later
// The whole CLI (options, grammar, commands, renderers, error reports) on
// netlink replies recorded from Linux 6.12, compared byte for byte with
// what iproute2 6.15 printed for the same commands on the same kernel
// state (tests/data/*.golden, recorded together with the replies).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "captured_output.hpp"

#include "options.hpp"
#include "replay_transport.hpp"
#include "run.hpp"
#include "session.hpp"

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

using Capture = vdpa::testing::CapturedOutput;

struct Run {
    int status;
    std::string out;
    std::string err;
};

Run run_cli(const std::string& args, const std::string& recording)
{
    std::vector<std::string> words{"vdpa"};
    std::istringstream split(args);
    for (std::string word; split >> word;)
        words.push_back(word);
    std::vector<char*> argv;
    for (std::string& word : words)
        argv.push_back(word.data());
    auto options = cli::parse_options(static_cast<int>(argv.size()), argv.data());
    if (!options)
        throw std::runtime_error("options: " + options.error().message);
    Capture out, err;
    cli::Session session(cli::RenderOptions{options->json, options->pretty}, out.out(), err.out());
    session.use_client(replay_client(recording));
    int status = cli::run_command_line(session, options->words);
    err.out().flush();
    return {status, out.text(), err.text()};
}

void expect_like_iproute2(const std::string& golden_file, const std::string& recording)
{
    auto cases = read_golden(golden_file);
    ASSERT_FALSE(cases.empty());
    for (const GoldenCase& golden : cases) {
        SCOPED_TRACE("vdpa " + golden.args);
        Run run = run_cli(golden.args, recording);
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
