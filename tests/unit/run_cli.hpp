// SPDX-License-Identifier: GPL-2.0-or-later
//
// The whole CLI run in-process on a given kernel (a replay client) and,
// optionally, a given vdpa bus (a fake sysfs), as main() runs it.
#pragma once

#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>

#include "host_impl.hpp"

#include "captured_output.hpp"
#include "options.hpp"
#include "run.hpp"
#include "session.hpp"

namespace vdpa::testing {

struct CliRun {
    int status;
    std::string out;
    std::string err;
};

// `args` split at spaces, as after "vdpa" on a command line.
inline CliRun run_cli(const std::string& args, Client client,
                      std::optional<DeviceBus> bus = std::nullopt)
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
    CapturedOutput out, err;
    cli::Session session(cli::RenderOptions{options->json, options->pretty, options->details},
                         out.out(), err.out());
    session.set_force(options->force);
    session.use_host(make_host(std::move(client), bus ? std::move(*bus) : DeviceBus()));
    int status = cli::run_command_line(session, options->words);
    err.out().flush();
    return {status, out.text(), err.text()};
}

} // namespace vdpa::testing
