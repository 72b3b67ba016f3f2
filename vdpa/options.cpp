// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.hpp"

#include <algorithm>
#include <array>

#include <getopt.h>

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

// iproute2 6.15 gives getopt an 's' that its switch does not handle: `-s`
// is refused with "Unknown option." and nothing from getopt, and `-json`
// is -j then -s. Ours refuses them the same way.
constexpr char refused_letter = 's';

char letter(const OptionSpec& spec)
{
    return spec.short_name[1];
}

const OptionSpec* find_letter(int c)
{
    for (const OptionSpec& spec : options)
        if (letter(spec) == c)
            return &spec;
    return nullptr;
}

// Whether getopt takes the word after `arg` as the value of an option:
// "-b", "-jb", "--batch", "--ba".
bool takes_next_word(std::string_view arg)
{
    if (arg.starts_with("--")) {
        std::string_view name = arg.substr(2);
        if (name.empty() || name.find('=') != std::string_view::npos)
            return false;
        return std::any_of(options.begin(), options.end(), [&](const OptionSpec& spec) {
            return spec.value && spec.long_name.substr(2).starts_with(name);
        });
    }
    // In a cluster, the first option that takes a value takes the rest of
    // the word, or the next word when nothing is left.
    for (std::size_t i = 1; i < arg.size(); ++i)
        if (const OptionSpec* spec = find_letter(arg[i]); spec && spec->value)
            return i + 1 == arg.size();
    return false;
}

// getopt knows no single-dash long options (it reads -force as -f -o ...):
// spell those with two dashes where getopt would read an option.
void respell_single_dash_names(std::vector<std::string>& args)
{
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--")
            return;
        for (const OptionSpec& spec : options)
            if (!spec.single_dash_name.empty() && args[i] == spec.single_dash_name)
                args[i] = std::string(spec.long_name);
        if (takes_next_word(args[i]))
            ++i;
    }
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
    // Without anything that looks like an option there is nothing for
    // getopt to do; a one-shot command's start-up is the cost that
    // matters (README, performance).
    if (std::none_of(args.begin() + std::min<std::ptrdiff_t>(1, argc), args.end(),
                     [](const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; })) {
        if (argc > 1)
            parsed.words.assign(args.begin() + 1, args.end());
        return parsed;
    }
    respell_single_dash_names(args);

    std::string short_options(1, refused_letter);
    std::vector<option> long_options;
    for (const OptionSpec& spec : options) {
        short_options += letter(spec);
        if (spec.value)
            short_options += ':';
        long_options.push_back({spec.long_name.data() + 2,
                                spec.value ? required_argument : no_argument, nullptr,
                                letter(spec)});
    }
    long_options.push_back({nullptr, 0, nullptr, 0});

    std::vector<char*> pointers;
    for (std::string& arg : args)
        pointers.push_back(arg.data());
    pointers.push_back(nullptr);

    // getopt keeps its state in globals: 0 starts it afresh (batch mode
    // parses every line that has options).
    optind = 0;
    opterr = 1;
    for (;;) {
        int c =
            getopt_long(argc, pointers.data(), short_options.c_str(), long_options.data(), nullptr);
        if (c == -1)
            break;
        const OptionSpec* spec = find_letter(c);
        if (c == '?' || !spec) {
            // getopt has named what is wrong; a missing FILE is not an
            // unknown option.
            const OptionSpec* missing = c == '?' ? find_letter(optopt) : nullptr;
            return Error::invalid(missing && missing->value ? "" : "Unknown option.");
        }
        if (spec->value) {
            parsed.*spec->value = optarg;
            continue;
        }
        parsed.*spec->flag = true;
        if (parsed.version || parsed.help)
            return parsed;
    }
    parsed.words.assign(pointers.begin() + optind, pointers.begin() + argc);
    return parsed;
}

} // namespace vdpa::cli
