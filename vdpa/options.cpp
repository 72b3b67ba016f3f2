// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.hpp"

#include <array>

#include <CLI/CLI.hpp>

namespace vdpa::cli {
namespace {

constexpr std::array options{
    OptionSpec{"-V", "--Version", "-V[ersion]", &GlobalOptions::version},
    OptionSpec{"-j", "--json", "-j[son]", &GlobalOptions::json},
    OptionSpec{"-p", "--pretty", "-p[retty]", &GlobalOptions::pretty},
    OptionSpec{"-d", "--details", "-d[etails]", &GlobalOptions::details},
    OptionSpec{"-f", "--force", "-f[orce]", &GlobalOptions::force},
    OptionSpec{"-h", "--help", "-h[elp]", &GlobalOptions::help},
};

} // namespace

std::span<const OptionSpec> option_table()
{
    return options;
}

Result<GlobalOptions> parse_options(int argc, char** argv)
{
    GlobalOptions parsed;
    CLI::App app;
    app.set_help_flag(); // -h is ours: it prints iproute2-style help
    for (const OptionSpec& spec : options)
        app.add_flag(std::string(spec.short_name) + "," + std::string(spec.long_name),
                     parsed.*spec.flag);
    app.add_option("words", parsed.words);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 lists what it did not expect; we name the option.
        std::string message = error.what();
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg == "--")
                break;
            if (arg.size() > 1 && arg[0] == '-') {
                bool known = false;
                for (const OptionSpec& spec : options)
                    known = known || arg == spec.short_name || arg == spec.long_name;
                if (!known) {
                    message = "Unknown option \"" + std::string(arg) + "\"";
                    break;
                }
            }
        }
        return Error::invalid(message);
    }
    return parsed;
}

} // namespace vdpa::cli
