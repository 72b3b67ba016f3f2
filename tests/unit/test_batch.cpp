// SPDX-License-Identifier: GPL-2.0-or-later
// Reading batch files exactly as `ip -batch` does (iproute2's getcmdline
// and makeargs), and what a batch line's options mean.
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "captured_output.hpp"
#include "fake_sysfs.hpp"
#include "host_impl.hpp"
#include "replay_transport.hpp"

#include "batch.hpp"

namespace vdpa::cli {
namespace {

using Words = std::vector<std::string>;

TEST(SplitBatchLine, SplitsOnBlanks)
{
    EXPECT_EQ(*split_batch_line("dev add name n0 mgmtdev vdpasim_net"),
              (Words{"dev", "add", "name", "n0", "mgmtdev", "vdpasim_net"}));
    EXPECT_EQ(*split_batch_line("  dev\tshow  \r\n"), (Words{"dev", "show"}));
    EXPECT_EQ(*split_batch_line(""), Words{});
    EXPECT_EQ(*split_batch_line(" \t\r\n"), Words{});
}

TEST(SplitBatchLine, QuotesAsMakeargs)
{
    EXPECT_EQ(*split_batch_line("dev show \"sp ace\" 'a\"b'"),
              (Words{"dev", "show", "sp ace", "a\"b"}));
    EXPECT_EQ(*split_batch_line("dev show '' x"), (Words{"dev", "show", "", "x"}));
    // The next word starts right after a closing quote.
    EXPECT_EQ(*split_batch_line("\"a\"b"), (Words{"a", "b"}));
    EXPECT_EQ(*split_batch_line("'a'\"b c\""), (Words{"a", "b c"}));
    // A quote inside a word is an ordinary character.
    EXPECT_EQ(*split_batch_line("a\"b c\""), (Words{"a\"b", "c\""}));
    // There are no escapes: a backslash is an ordinary character.
    EXPECT_EQ(*split_batch_line("a\\ b \"c\\\"d"), (Words{"a\\", "b", "c\\", "d"}));
    // '#' is the reader's business, not the splitter's.
    EXPECT_EQ(*split_batch_line("a#b"), Words{"a#b"});
}

TEST(SplitBatchLine, UnterminatedQuote)
{
    auto words = split_batch_line("dev show \"open");
    ASSERT_FALSE(words.ok());
    EXPECT_EQ(words.error().message, "Unterminated quoted string");
    EXPECT_FALSE(split_batch_line("\"a\"\"").ok());
}

TEST(SplitBatchLine, NulEndsTheLine)
{
    static constexpr char line[] = "dev show\0 x";
    EXPECT_EQ(*split_batch_line(std::string(line, sizeof(line) - 1)), (Words{"dev", "show"}));
}

// Every command of `text`, with the line number each is reported under,
// then "end" or the error that stopped the reading.
struct Read {
    std::vector<std::pair<int, Words>> lines;
    std::string end;
};

Read read_all(std::string text)
{
    std::FILE* in = fmemopen(text.data(), text.size(), "r");
    BatchReader reader(in);
    Read read;
    for (;;) {
        auto line = reader.next();
        if (!line) {
            read.end = line.error().message;
            break;
        }
        if (!*line) {
            read.end = "end";
            break;
        }
        read.lines.emplace_back((*line)->number, (*line)->words);
    }
    std::fclose(in);
    return read;
}

TEST(BatchReader, HashCutsTheLineAnywhere)
{
    Read read = read_all("# header\n\ndev show # the rest\ndev show a#b\ndev show 'a#b'\nlast\n");
    ASSERT_EQ(read.lines.size(), 2u);
    EXPECT_EQ(read.lines[0], (std::pair<int, Words>{3, {"dev", "show"}}));
    // Mid-word too.
    EXPECT_EQ(read.lines[1], (std::pair<int, Words>{4, {"dev", "show", "a"}}));
    // And inside quotes, which leaves the quote open: that ends the batch.
    EXPECT_EQ(read.end, "Unterminated quoted string");
}

TEST(BatchReader, ContinuationJoinsWithoutBlank)
{
    Read read = read_all("dev sh\\\now n0\ndev \\\n  show\\\n n1\n");
    ASSERT_EQ(read.lines.size(), 2u);
    // Reported under the last physical line of the command.
    EXPECT_EQ(read.lines[0], (std::pair<int, Words>{2, {"dev", "show", "n0"}}));
    EXPECT_EQ(read.lines[1], (std::pair<int, Words>{5, {"dev", "show", "n1"}}));
    EXPECT_EQ(read.end, "end");
}

TEST(BatchReader, WhatDoesNotContinue)
{
    // A comment takes the newline with it; a backslash before \r\n or at
    // the end of a file without a newline is an ordinary character.
    Read read = read_all("dev show x\\# comment\\\nnext\ndev show\\\r\nlast\\");
    ASSERT_EQ(read.lines.size(), 4u);
    EXPECT_EQ(read.lines[0].second, (Words{"dev", "show", "x\\"}));
    EXPECT_EQ(read.lines[1], (std::pair<int, Words>{2, {"next"}}));
    EXPECT_EQ(read.lines[2], (std::pair<int, Words>{3, {"dev", "show\\"}}));
    EXPECT_EQ(read.lines[3], (std::pair<int, Words>{4, {"last\\"}}));
}

TEST(BatchReader, JoinedLinesCanContinueAgain)
{
    // As getcmdline searches the joined line: "a\\" + an empty line makes a
    // new backslash-newline, and the command goes on.
    Read read = read_all("a\\\\\n\nb\n");
    ASSERT_EQ(read.lines.size(), 1u);
    EXPECT_EQ(read.lines[0], (std::pair<int, Words>{3, {"ab"}}));
}

TEST(BatchReader, MissingContinuationLine)
{
    Read read = read_all("dev show\ndev del \\\n");
    ASSERT_EQ(read.lines.size(), 1u);
    EXPECT_EQ(read.end, "Missing continuation line");
}

TEST(BatchReader, NulByteEndsItsLine)
{
    static constexpr char text[] = "dev show\0 # \\\nnext\n";
    Read read = read_all(std::string(text, sizeof(text) - 1));
    ASSERT_EQ(read.lines.size(), 2u);
    EXPECT_EQ(read.lines[0].second, (Words{"dev", "show"}));
    EXPECT_EQ(read.lines[1], (std::pair<int, Words>{2, {"next"}}));
}

TEST(LineOptions, OnlyForce)
{
    auto plain = parse_line_options({"dev", "del", "n0"});
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->force);
    EXPECT_EQ(plain->words, (Words{"dev", "del", "n0"}));
    for (const Words& words :
         {Words{"-f", "dev", "del", "n0"}, Words{"dev", "del", "n0", "-force"},
          Words{"dev", "--force", "del", "n0"}, Words{"--fo", "dev", "del", "n0"}}) {
        auto forced = parse_line_options(words);
        ASSERT_TRUE(forced.ok());
        EXPECT_TRUE(forced->force);
        EXPECT_EQ(forced->words, (Words{"dev", "del", "n0"}));
    }
    auto ended = parse_line_options({"dev", "show", "--", "-f"});
    ASSERT_TRUE(ended.ok());
    EXPECT_FALSE(ended->force);
    EXPECT_EQ(ended->words, (Words{"dev", "show", "-f"}));
    for (const Words& words :
         {Words{"-j", "dev", "show"}, Words{"dev", "show", "-d"}, Words{"-V"}, Words{"-b", "x"}}) {
        auto refused = parse_line_options(words);
        ASSERT_FALSE(refused.ok());
        EXPECT_NE(refused.error().message.find("Only -f"), std::string::npos);
    }
    auto unknown = parse_line_options({"-x", "dev", "show"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message, "vdpa: invalid option -- 'x'\nUnknown option.");
}

struct Batch {
    int status;
    std::string out;
    std::string err;
};

Batch run(Session& session, testing::CapturedOutput& out, testing::CapturedOutput& err,
          std::string text, bool keep_going)
{
    std::FILE* in = fmemopen(text.data(), text.size(), "r");
    int status = run_batch(session, "cmds", in, keep_going);
    std::fclose(in);
    return {status, out.text(), err.text()};
}

Batch run(std::string text, bool keep_going)
{
    testing::CapturedOutput out, err;
    Session session(RenderOptions{}, out.out(), err.out());
    return run(session, out, err, std::move(text), keep_going);
}

TEST(RunBatch, StopsAtTheFirstFailureAndNamesItsLastLine)
{
    Batch batch = run("mgmtdev help\ndev \\\nfoo\nmgmtdev help\n", false);
    EXPECT_EQ(batch.status, 1);
    EXPECT_EQ(batch.err, "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]\n"
                         "Command \"foo\" not found\nCommand failed cmds:3\n");
}

TEST(RunBatch, KeepsGoingWhenAsked)
{
    Batch batch = run("dev foo\nmgmtdev help\n", true);
    EXPECT_EQ(batch.status, 1);
    EXPECT_EQ(batch.err, "Command \"foo\" not found\nCommand failed cmds:1\n"
                         "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]\n");
}

TEST(RunBatch, ReadingErrorsStopEvenWhenKeepingGoing)
{
    // Nothing after them runs; the report names the line, as for any
    // failing line.
    Batch quote = run("mgmtdev help\ndev show \"x\nmgmtdev help\n", true);
    EXPECT_EQ(quote.status, 1);
    EXPECT_EQ(quote.err, "Usage: vdpa mgmtdev { show | list } [ [BUS/]MGMTDEV ]\n"
                         "Unterminated quoted string\nCommand failed cmds:2\n");
    Batch continuation = run("mgmtdev help \\\n", true);
    EXPECT_EQ(continuation.status, 1);
    EXPECT_EQ(continuation.err, "Missing continuation line\nCommand failed cmds:1\n");
}

TEST(RunBatch, RefusedLineOptions)
{
    Batch batch = run("-j mgmtdev help\n", false);
    EXPECT_EQ(batch.status, 1);
    EXPECT_EQ(batch.err.rfind("Only -f can be given on a batch line", 0), 0u) << batch.err;
    EXPECT_NE(batch.err.find("\nCommand failed cmds:1\n"), std::string::npos);
}

// Keeping going (the command line's -f) never forces an in-use device; a
// line's own -f does, for that line only.
TEST(RunBatch, ForceIsPerLine)
{
    testing::FakeRoot root;
    root.vdpa_device("t0", "t0", "vhost_vdpa");
    // /dev/null (1:3) poses as the vhost node, held by process 4242.
    root.file("sys/devices/t0/vhost-vdpa-0/dev", "1:3\n");
    root.file("proc/4242/comm", "qemu\n");
    root.dir("proc/4242/fd");
    std::filesystem::create_symlink("/dev/null", root.path("proc/4242/fd/7"));

    testing::CapturedOutput out, err;
    Session session(RenderOptions{}, out.out(), err.out());
    // The recording deletes t0 once, as the kernel answered.
    session.use_host(make_host(testing::replay_client("lifecycle.nlrec"), root.paths()));
    Batch batch = run(session, out, err, "dev del t0\ndev del t0 -f\ndev del t0\n", true);
    EXPECT_EQ(batch.status, 1);
    std::string refused =
        "Error: device \"t0\" is in use: " + root.path("dev/vhost-vdpa-0").string() +
        " is held open by pid 4242 (qemu).\n"
        "Put -f on the line to proceed anyway; the kernel then waits until "
        "it is closed.\n";
    EXPECT_EQ(batch.err, refused + "Command failed cmds:1\n" + refused + "Command failed cmds:3\n");
}

} // namespace
} // namespace vdpa::cli
