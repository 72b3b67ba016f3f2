// SPDX-License-Identifier: GPL-2.0-or-later
//
// The order and wording follow glibc's getopt_long (posix/getopt.c) as
// iproute2 calls it: options are read left to right, words that are not
// options are skipped over (getopt permutes them to the end), "--" ends
// the options, and the first refusal ends everything.
#include "getopt_compat.hpp"

#include <optional>
#include <string_view>

namespace vdpa::cli {
namespace {

// iproute2 6.15 gives getopt an 's' that its switch does not handle: `-s`
// is refused with "Unknown option." and nothing from getopt, and `-json`
// is -j then -s. Ours refuses them the same way.
constexpr char refused_letter = 's';
// What iproute2 prints after getopt's refusal of an unknown option.
constexpr char unknown_option[] = "Unknown option.";

char letter(const OptionSpec& spec)
{
    return spec.short_name[1];
}

// -V and -h end the parse where they stand (iproute2 prints and exits).
bool acts_at_once(const OptionSpec& spec)
{
    return letter(spec) == 'V' || letter(spec) == 'h';
}

std::string_view long_name(const OptionSpec& spec)
{
    return spec.long_name.substr(2);
}

class Normalizer {
public:
    Normalizer(std::span<const OptionSpec> table, std::span<const std::string> argv)
        : table_(table), argv_(argv)
    {
    }

    Result<std::vector<std::string>> run();

private:
    // Each reads the option word at argv_[at_] (and its value), appends
    // what CLI11 is to read and advances at_; false when the parse ends.
    bool long_option(std::string_view body);
    bool cluster(const std::string& word);

    bool refuse(std::string message)
    {
        refusal_ = std::move(message);
        return false;
    }
    std::string program() const { return argv_.empty() ? std::string() : argv_[0]; }
    const OptionSpec* find_letter(char c) const;

    std::span<const OptionSpec> table_;
    std::span<const std::string> argv_;
    std::size_t at_ = 1;
    std::vector<std::string> out_;
    std::optional<std::string> refusal_;
};

const OptionSpec* Normalizer::find_letter(char c) const
{
    for (const OptionSpec& spec : table_)
        if (letter(spec) == c)
            return &spec;
    return nullptr;
}

Result<std::vector<std::string>> Normalizer::run()
{
    while (at_ < argv_.size()) {
        const std::string& word = argv_[at_];
        if (word == "--") {
            // The rest are words, even those that look like options.
            out_.insert(out_.end(), argv_.begin() + static_cast<std::ptrdiff_t>(at_), argv_.end());
            break;
        }
        if (word.size() < 2 || word[0] != '-') {
            // Not an option ("-" alone neither): a command word.
            out_.push_back(word);
            ++at_;
            continue;
        }
        const OptionSpec* single_dash = nullptr;
        for (const OptionSpec& spec : table_)
            if (!spec.single_dash_name.empty() && word == spec.single_dash_name)
                single_dash = &spec;
        // `ip -batch` spells some long options with one dash, and so do
        // we: such a word is that option, where getopt alone would read a
        // cluster (-f -o ...).
        bool go_on = single_dash              ? long_option(long_name(*single_dash))
                     : word.starts_with("--") ? long_option(std::string_view(word).substr(2))
                                              : cluster(word);
        if (!go_on)
            break;
    }
    if (refusal_)
        return Error::invalid(*std::move(refusal_));
    return std::move(out_);
}

// getopt's process_long_option: an exact name, else the one name the body
// starts; "=VALUE" only for an option that takes one.
bool Normalizer::long_option(std::string_view body)
{
    std::string_view name = body.substr(0, body.find('='));
    bool has_value = name.size() < body.size();
    std::string shown = "'--" + std::string(body) + "'";

    const OptionSpec* found = nullptr;
    for (const OptionSpec& spec : table_)
        if (long_name(spec) == name)
            found = &spec;
    if (!found) {
        // Every option here differs from the others in what getopt
        // returns, so two names that start the same way are ambiguous.
        std::vector<const OptionSpec*> matches;
        for (const OptionSpec& spec : table_)
            if (long_name(spec).starts_with(name))
                matches.push_back(&spec);
        if (matches.empty())
            return refuse(program() + ": unrecognized option " + shown + "\n" + unknown_option);
        if (matches.size() > 1) {
            std::string message = program() + ": option " + shown + " is ambiguous; possibilities:";
            for (const OptionSpec* match : matches)
                message += " '" + std::string(match->long_name) + "'";
            return refuse(message + "\n" + unknown_option);
        }
        found = matches.front();
    }
    ++at_;
    std::string full = std::string(found->long_name);
    if (!found->value) {
        if (has_value)
            return refuse(program() + ": option '" + full + "' doesn't allow an argument\n" +
                          unknown_option);
        out_.push_back(full);
        return !acts_at_once(*found);
    }
    std::string value;
    if (has_value) {
        value = std::string(body.substr(name.size() + 1));
    } else if (at_ < argv_.size()) {
        value = argv_[at_++];
    } else {
        return refuse(program() + ": option '" + full + "' requires an argument");
    }
    // As two words: CLI11 reads "--batch=" as wanting the next word.
    out_.push_back(full);
    out_.push_back(std::move(value));
    return true;
}

// getopt's short options: letters in one word, the first that takes a
// value taking the rest of the word or else the next word.
bool Normalizer::cluster(const std::string& word)
{
    ++at_;
    for (std::size_t i = 1; i < word.size(); ++i) {
        char c = word[i];
        if (c == refused_letter)
            return refuse(unknown_option);
        const OptionSpec* spec = find_letter(c);
        if (!spec)
            return refuse(program() + ": invalid option -- '" + c + "'\n" + unknown_option);
        if (spec->value) {
            out_.push_back(word);
            if (i + 1 < word.size())
                return true; // -bFILE
            if (at_ == argv_.size())
                return refuse(program() + ": option requires an argument -- '" + c + "'");
            out_.push_back(argv_[at_++]);
            return true;
        }
        if (acts_at_once(*spec)) {
            out_.push_back(word.substr(0, i + 1));
            return false;
        }
    }
    out_.push_back(word);
    return true;
}

} // namespace

Result<std::vector<std::string>> normalize_options(std::span<const OptionSpec> table,
                                                   std::span<const std::string> argv)
{
    return Normalizer(table, argv).run();
}

} // namespace vdpa::cli
