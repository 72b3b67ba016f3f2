// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.hpp"

#include <algorithm>
#include <array>

#include <CLI/CLI.hpp>

namespace vdpa::cli {
namespace {

constexpr std::array options{
    OptionSpec{"-V", "--Version", "", "-V[ersion]", &GlobalOptions::version},
    OptionSpec{"-j", "--json", "", "-j[son]", &GlobalOptions::json},
    OptionSpec{"-p", "--pretty", "", "-p[retty]", &GlobalOptions::pretty},
    OptionSpec{"-d", "--details", "", "-d[etails]", &GlobalOptions::details},
    OptionSpec{"-f", "--force", "-force", "-f[orce]", &GlobalOptions::force},
    OptionSpec{"-b", "--batch", "-batch", "-b[atch] FILE", nullptr, &GlobalOptions::batch, "FILE"},
    OptionSpec{"-h", "--help", "", "-h[elp]", &GlobalOptions::help},
};

bool is_known(std::string_view arg)
{
    for (const OptionSpec& spec : options)
        if (arg == spec.short_name || arg == spec.long_name)
            return true;
    // Flags given together: "-jp".
    if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-') {
        for (char c : arg.substr(1)) {
            bool flag = false;
            for (const OptionSpec& spec : options)
                flag = flag || (spec.flag && spec.short_name[1] == c);
            if (!flag)
                return false;
        }
        return true;
    }
    return false;
}

} // namespace

std::span<const OptionSpec> option_table()
{
    return options;
}

Result<GlobalOptions> parse_options(int argc, char** argv)
{
    // CLI11 knows no single-dash long options: spell them with two.
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::string& arg : args) {
        if (arg == "--")
            break;
        for (const OptionSpec& spec : options)
            if (!spec.single_dash_name.empty() && arg == spec.single_dash_name)
                arg = std::string(spec.long_name);
    }
    std::reverse(args.begin(), args.end()); // CLI11 takes its vector backwards

    GlobalOptions parsed;
    // Without anything that looks like an option there is nothing for
    // CLI11 to do, and building its parser is a good part of a one-shot
    // command's start-up (README, performance).
    if (std::none_of(args.begin(), args.end(),
                     [](const std::string& arg) { return !arg.empty() && arg[0] == '-'; })) {
        parsed.words.assign(args.rbegin(), args.rend());
        return parsed;
    }
    CLI::App app;
    app.set_help_flag(); // -h is ours: it prints iproute2-style help
    for (const OptionSpec& spec : options) {
        std::string names = std::string(spec.short_name) + "," + std::string(spec.long_name);
        if (spec.flag)
            app.add_flag(names, parsed.*spec.flag);
        else
            app.add_option(names, parsed.*spec.value);
    }
    app.add_option("words", parsed.words);
    try {
        app.parse(args);
    } catch (const CLI::ParseError& error) {
        std::string message = error.what();
        for (auto arg = args.rbegin(); arg != args.rend(); ++arg) {
            if (*arg == "--")
                break;
            if (arg->size() > 1 && (*arg)[0] == '-' && !is_known(*arg)) {
                message = "Unknown option \"" + *arg + "\"";
                break;
            }
        }
        return Error::invalid(message);
    }
    return parsed;
}

} // namespace vdpa::cli
