// SPDX-License-Identifier: GPL-2.0-or-later
// Options: the getopt compatibility pass ahead of CLI11, and the whole
// parse checked against glibc's own getopt_long driven as iproute2 drives
// it, so that ours stays a drop-in for scripts written for iproute2.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <getopt.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "getopt_compat.hpp"
#include "options.hpp"

namespace vdpa::cli {
namespace {

using Words = std::vector<std::string>;

// What normalize_options hands CLI11, or "error: MESSAGE".
Words normalized(Words argv)
{
    auto result = normalize_options(option_table(), argv);
    if (!result)
        return {"error: " + result.error().message};
    return *result;
}

Result<GlobalOptions> parse(Words argv)
{
    std::vector<char*> pointers;
    for (std::string& word : argv)
        pointers.push_back(word.data());
    return parse_options(static_cast<int>(argv.size()), pointers.data());
}

std::string error_of(Words argv)
{
    auto result = parse(std::move(argv));
    return result ? "(accepted)" : result.error().message;
}

TEST(NormalizeOptions, SpellsLongOptionsInFull)
{
    EXPECT_EQ(normalized({"vdpa", "--js", "dev", "--pre", "show"}),
              (Words{"--json", "dev", "--pretty", "show"}));
    EXPECT_EQ(normalized({"vdpa", "--de", "--fo", "--j"}),
              (Words{"--details", "--force", "--json"}));
    EXPECT_EQ(normalized({"vdpa", "-force", "dev", "del", "n0"}),
              (Words{"--force", "dev", "del", "n0"}));
}

TEST(NormalizeOptions, GivesValuesAsTheirOwnWord)
{
    EXPECT_EQ(normalized({"vdpa", "--ba=f"}), (Words{"--batch", "f"}));
    EXPECT_EQ(normalized({"vdpa", "--batch="}), (Words{"--batch", ""}));
    EXPECT_EQ(normalized({"vdpa", "--batch", "-x"}), (Words{"--batch", "-x"}));
    EXPECT_EQ(normalized({"vdpa", "-batch", "--"}), (Words{"--batch", "--"}));
    // Short ones stay in their cluster, which CLI11 splits.
    EXPECT_EQ(normalized({"vdpa", "-jb", "-x"}), (Words{"-jb", "-x"}));
    EXPECT_EQ(normalized({"vdpa", "-jbf", "dev"}), (Words{"-jbf", "dev"}));
}

TEST(NormalizeOptions, EndsAtVersionOrHelp)
{
    EXPECT_EQ(normalized({"vdpa", "-Vx"}), (Words{"-V"}));
    EXPECT_EQ(normalized({"vdpa", "-jVson", "--bogus"}), (Words{"-jV"}));
    EXPECT_EQ(normalized({"vdpa", "dev", "--he", "-s"}), (Words{"dev", "--help"}));
    EXPECT_EQ(normalized({"vdpa", "-help"}), (Words{"-h"}));
}

TEST(NormalizeOptions, LeavesWordsAndDoubleDashInPlace)
{
    EXPECT_EQ(normalized({"vdpa", "dev", "-", "", "-j", "--", "-x", "--"}),
              (Words{"dev", "-", "", "-j", "--", "-x", "--"}));
}

TEST(NormalizeOptions, RefusesInGetoptsWords)
{
    EXPECT_EQ(normalized({"vdpa", "dev", "-jx"}),
              Words{"error: vdpa: invalid option -- 'x'\nUnknown option."});
    EXPECT_EQ(normalized({"vdpa", "--jsonx"}),
              Words{"error: vdpa: unrecognized option '--jsonx'\nUnknown option."});
    EXPECT_EQ(normalized({"vdpa", "--version"}),
              Words{"error: vdpa: unrecognized option '--version'\nUnknown option."});
    EXPECT_EQ(normalized({"vdpa", "---j"}),
              Words{"error: vdpa: unrecognized option '---j'\nUnknown option."});
    EXPECT_EQ(normalized({"vdpa", "--=x"}),
              Words{"error: vdpa: option '--=x' is ambiguous; possibilities: '--Version' "
                    "'--json' '--pretty' '--details' '--force' '--batch' '--help'\n"
                    "Unknown option."});
    EXPECT_EQ(normalized({"vdpa", "--js=1"}),
              Words{"error: vdpa: option '--json' doesn't allow an argument\nUnknown option."});
    // getopt names the program as argv[0] has it, path and all.
    EXPECT_EQ(normalized({"/sbin/vdpa", "-1"}),
              Words{"error: /sbin/vdpa: invalid option -- '1'\nUnknown option."});
}

TEST(NormalizeOptions, MissingValueIsNotAnUnknownOption)
{
    EXPECT_EQ(normalized({"vdpa", "-jb"}),
              Words{"error: vdpa: option requires an argument -- 'b'"});
    EXPECT_EQ(normalized({"vdpa", "dev", "--ba"}),
              Words{"error: vdpa: option '--batch' requires an argument"});
    EXPECT_EQ(normalized({"vdpa", "-batch"}),
              Words{"error: vdpa: option '--batch' requires an argument"});
}

TEST(NormalizeOptions, RefusesTheLetterIproute2DoesNotHandle)
{
    EXPECT_EQ(normalized({"vdpa", "-json"}), Words{"error: Unknown option."});
    EXPECT_EQ(normalized({"vdpa", "dev", "-s"}), Words{"error: Unknown option."});
}

TEST(ParseOptions, ReadsWhatCli11IsGiven)
{
    auto parsed = parse({"vdpa", "mgmtdev", "-jp", "show", "--de", "x", "-f"});
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_TRUE(parsed->json && parsed->pretty && parsed->details && parsed->force);
    EXPECT_FALSE(parsed->version || parsed->help || parsed->batch);
    EXPECT_EQ(parsed->words, (Words{"mgmtdev", "show", "x"}));

    auto batch = parse({"vdpa", "-jbone", "-b", "two", "-batch", "-x"});
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    EXPECT_EQ(batch->batch, "-x"); // the last one, as getopt's optarg
    EXPECT_TRUE(batch->words.empty());
}

TEST(ParseOptions, KeepsCommandWordsAsGiven)
{
    // CLI11 would split "[a,b]" for a vector, and "--" ends the options
    // once: only the first one goes.
    auto parsed = parse({"vdpa", "-j", "dev", "show", "[a,b]", "", "-", "--", "-p", "--", "%%"});
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_FALSE(parsed->pretty);
    EXPECT_EQ(parsed->words, (Words{"dev", "show", "[a,b]", "", "-", "-p", "--", "%%"}));

    auto value = parse({"vdpa", "-b", "--", "--", "x"});
    ASSERT_TRUE(value.ok()) << value.error().message;
    EXPECT_EQ(value->batch, "--");
    EXPECT_EQ(value->words, Words{"x"});
}

TEST(ParseOptions, WithoutOptionsEveryWordIsACommandWord)
{
    auto parsed = parse({"vdpa", "dev", "show", "-", ""});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->words, (Words{"dev", "show", "-", ""}));
    auto none = parse({"vdpa"});
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->words.empty());
}

TEST(ParseOptions, VersionAndHelpActAtOnce)
{
    auto version = parse({"vdpa", "dev", "-Vx", "--bogus"});
    ASSERT_TRUE(version.ok());
    EXPECT_TRUE(version->version);
    EXPECT_FALSE(version->help);
    auto help = parse({"vdpa", "-j", "--h", "-V"});
    ASSERT_TRUE(help.ok());
    EXPECT_TRUE(help->help);
    EXPECT_FALSE(help->version);
    EXPECT_EQ(error_of({"vdpa", "-x", "-V"}), "vdpa: invalid option -- 'x'\nUnknown option.");
}

// --- The same parse by glibc's getopt_long, as iproute2 calls it --------

// A parse's outcome in words: the refusal, or the options and the
// command words (just -V or -h when one of them ended the parse).
std::string describe(const std::string& error, const GlobalOptions& o)
{
    if (!error.empty())
        return "refused: " + error;
    if (o.version || o.help)
        return o.version ? "version" : "help";
    std::string text = std::string("j") + "01"[o.json] + " p" + "01"[o.pretty] + " d" +
                       "01"[o.details] + " f" + "01"[o.force] + " b[" + o.batch.value_or("(none)") +
                       "] words:";
    for (const std::string& word : o.words)
        text += " [" + word + "]";
    return text;
}

// What getopt writes to stderr while `call` runs.
template <typename Call>
std::string stderr_of(Call call)
{
    std::fflush(stderr);
    std::FILE* capture = std::tmpfile();
    int saved = dup(2);
    dup2(fileno(capture), 2);
    call();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::string text;
    std::rewind(capture);
    for (int c; (c = std::fgetc(capture)) != EOF;)
        text.push_back(static_cast<char>(c));
    std::fclose(capture);
    return text;
}

// iproute2's loop (vdpa.c) with our letters: -V and -h end it, 's' and
// '?' are unknown options, except a missing value, which getopt has said
// all about. The single-dash names are not given to it: plain getopt
// reads -force as a cluster.
std::string by_getopt(Words argv)
{
    static const option long_options[] = {
        {"Version", no_argument, nullptr, 'V'}, {"json", no_argument, nullptr, 'j'},
        {"pretty", no_argument, nullptr, 'p'},  {"details", no_argument, nullptr, 'd'},
        {"force", no_argument, nullptr, 'f'},   {"batch", required_argument, nullptr, 'b'},
        {"help", no_argument, nullptr, 'h'},    {nullptr, 0, nullptr, 0},
    };
    std::vector<char*> pointers;
    for (std::string& word : argv)
        pointers.push_back(word.data());
    pointers.push_back(nullptr);
    int argc = static_cast<int>(argv.size());

    GlobalOptions options;
    std::string refusal;
    bool done = false;
    std::string message = stderr_of([&] {
        optind = 0;
        opterr = 1;
        while (!done) {
            int c = getopt_long(argc, pointers.data(), "sVjpdfb:h", long_options, nullptr);
            switch (c) {
            case -1:
                options.words.assign(pointers.begin() + optind, pointers.begin() + argc);
                return;
            case 'V':
                options.version = done = true;
                break;
            case 'h':
                options.help = done = true;
                break;
            case 'j':
                options.json = true;
                break;
            case 'p':
                options.pretty = true;
                break;
            case 'd':
                options.details = true;
                break;
            case 'f':
                options.force = true;
                break;
            case 'b':
                options.batch = optarg;
                break;
            default:
                refusal = c == '?' && optopt == 'b' ? "" : "Unknown option.";
                return;
            }
        }
    });
    // getopt ends its message with a newline; ours is without the last.
    std::string error = message + refusal;
    if (error.ends_with('\n'))
        error.pop_back();
    return describe(error, options);
}

std::string by_ours(Words argv)
{
    auto parsed = parse(std::move(argv));
    return parsed ? describe("", *parsed) : describe(parsed.error().message, {});
}

// Words of every kind getopt tells apart: options, clusters, prefixes,
// values, refusals, and words that only look like options.
const Words pool = {
    "-j",     "-p",   "-d",   "-f",      "-V",    "-h",      "-s",        "-x",
    "-jp",    "-pjd", "-jV",  "-Vx",     "-jb",   "-b",      "-bF",       "-jbF",
    "-b-",    "-j-",  "-:",   "-1",      "-json", "-help",   "-Version",  "-pretty",
    "--json", "--js", "--j",  "--pre",   "--p",   "--V",     "--Vers",    "--h",
    "--help", "--de", "--f",  "--batch", "--ba",  "--b=F",   "--batch=",  "--json=1",
    "--h=1",  "--=x", "--",   "---x",    "--x",   "--jsonx", "--version", "-",
    "",       "dev",  "show", "[a,b]",
};

TEST(ParseOptions, AsGetoptLongForPairsOfWords)
{
    unsetenv("POSIXLY_CORRECT"); // getopt would stop at the first word
    for (const std::string& first : pool)
        for (const std::string& second : pool) {
            Words argv{"vdpa", first, second};
            SCOPED_TRACE("[" + first + "] [" + second + "]");
            ASSERT_EQ(by_ours(argv), by_getopt(argv));
        }
}

TEST(ParseOptions, AsGetoptLongForLongerLines)
{
    unsetenv("POSIXLY_CORRECT");
    // A fixed sequence (a linear congruential generator), so a failure
    // comes back on every run.
    std::uint32_t state = 12345;
    auto next = [&state](std::size_t bound) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % bound;
    };
    for (int round = 0; round < 5000; ++round) {
        // A path as argv[0]: getopt names the program with it unchanged.
        Words argv{round % 2 ? "vdpa" : "/usr/sbin/vdpa"};
        std::size_t length = 3 + next(4);
        for (std::size_t i = 0; i < length; ++i)
            argv.push_back(pool[next(pool.size())]);
        std::string shown;
        for (const std::string& word : argv)
            shown += "[" + word + "] ";
        SCOPED_TRACE(shown);
        ASSERT_EQ(by_ours(argv), by_getopt(argv));
    }
}

} // namespace
} // namespace vdpa::cli
