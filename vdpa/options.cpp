// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.hpp"

#include <algorithm>
#include <array>

#include <CLI/CLI.hpp>

#include "getopt_compat.hpp"

namespace vdpa::cli {
namespace {

constexpr std::array options{
    OptionSpec{"-V", "--Version", "", &GlobalOptions::version},
    OptionSpec{"-j", "--json", "", &GlobalOptions::json},
    OptionSpec{"-p", "--pretty", "", &GlobalOptions::pretty},
    OptionSpec{"-d", "--details", "", &GlobalOptions::details},
    OptionSpec{"-f", "--force", "-force", &GlobalOptions::force},
    OptionSpec{"-b", "--batch", "-batch", nullptr, &GlobalOptions::batch, "FILE"},
    OptionSpec{"-h", "--help", "", &GlobalOptions::help},
};

// Whether `words` (normalized: long options by their full names) may hold
// the option. Registering an option costs CLI11 about 16k instructions
// (all seven: a third of what `vdpa -V` executes), so it is told of those
// on the command line only; a false "yes" (a letter in -b's value, a word
// after "--") costs only time.
bool mentioned(const OptionSpec& spec, const std::vector<std::string>& words)
{
    char letter = spec.short_name[1];
    return std::any_of(words.begin(), words.end(), [&](const std::string& word) {
        if (word.size() < 2 || word[0] != '-')
            return false;
        if (word[1] == '-')
            return word == spec.long_name;
        return word.find(letter, 1) != std::string::npos;
    });
}

} // namespace

std::span<const OptionSpec> option_table()
{
    return options;
}

std::string option_forms(const OptionSpec& spec)
{
    std::string forms = std::string(spec.short_name) + " | " + std::string(spec.long_name);
    if (!spec.single_dash_name.empty())
        forms += " | " + std::string(spec.single_dash_name);
    if (spec.value)
        forms += " " + std::string(spec.value_name);
    return forms;
}

Result<GlobalOptions> parse_options(int argc, char** argv)
{
    GlobalOptions parsed;
    std::vector<std::string> args(argv, argv + argc);
    // Without anything that looks like an option there is nothing to
    // parse, and building CLI11's parser is a good part of a one-shot
    // command's start-up (README, performance).
    if (std::none_of(args.begin() + std::min(1, argc), args.end(),
                     [](const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; })) {
        if (argc > 1)
            parsed.words.assign(args.begin() + 1, args.end());
        return parsed;
    }
    // getopt's prefixes, refusals and early -V/-h first (getopt_compat.hpp).
    auto normalized = normalize_options(options, args);
    if (!normalized)
        return std::move(normalized).error();

    CLI::App app;
    app.set_help_flag(); // -h is ours: it prints iproute2-style help
    for (const OptionSpec& spec : options) {
        if (!mentioned(spec, *normalized))
            continue;
        std::string names = std::string(spec.short_name) + "," + std::string(spec.long_name);
        if (spec.flag)
            app.add_flag(names, parsed.*spec.flag);
        else // as getopt: the last -b counts
            app.add_option(names, parsed.*spec.value)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
    // The command words are CLI11's extras, as they were given: a
    // positional vector would split "[a,b]" into two words.
    app.allow_extras();
    std::reverse(normalized->begin(), normalized->end()); // CLI11 takes its vector backwards
    try {
        app.parse(*normalized);
    } catch (const CLI::ParseError& error) {
        // normalize_options lets through only what CLI11 reads.
        return Error::invalid(error.what());
    }
    parsed.words = app.remaining();
    // The first "--" in the extras is the one that ended the options
    // (one taken as -b's value is not there); later ones are words.
    if (auto mark = std::find(parsed.words.begin(), parsed.words.end(), "--");
        mark != parsed.words.end())
        parsed.words.erase(mark);
    return parsed;
}

} // namespace vdpa::cli
