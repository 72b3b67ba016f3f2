// SPDX-License-Identifier: GPL-2.0-or-later
// Splitting and reading batch files the way `ip -batch` does.
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "batch.hpp"

namespace vdpa::cli {
namespace {

using Words = std::vector<std::string>;

TEST(SplitBatchLine, WordsQuotesAndComments)
{
    EXPECT_EQ(*split_batch_line("dev add name n0 mgmtdev vdpasim_net"),
              (Words{"dev", "add", "name", "n0", "mgmtdev", "vdpasim_net"}));
    EXPECT_EQ(*split_batch_line("  dev\tshow  \r"), (Words{"dev", "show"}));
    EXPECT_EQ(*split_batch_line("dev show \"sp ace\" 'a\"b'"),
              (Words{"dev", "show", "sp ace", "a\"b"}));
    EXPECT_EQ(*split_batch_line("dev show '' x"), (Words{"dev", "show", "", "x"}));
    EXPECT_EQ(*split_batch_line("# only a comment"), Words{});
    EXPECT_EQ(*split_batch_line("dev show # the rest"), (Words{"dev", "show"}));
    // '#' inside a word is part of it.
    EXPECT_EQ(*split_batch_line("dev show a#b"), (Words{"dev", "show", "a#b"}));
    EXPECT_EQ(*split_batch_line(""), Words{});
    EXPECT_FALSE(split_batch_line("dev show \"open").ok());
}

TEST(BatchReader, CountsLinesAndJoinsContinuations)
{
    std::string text = "# header\n\ndev add \\\n  name x\ndev show\nlast";
    std::FILE* in = fmemopen(text.data(), text.size(), "r");
    BatchReader reader(in);
    auto first = reader.next();
    ASSERT_TRUE(first.ok() && *first);
    EXPECT_EQ((*first)->number, 3);
    EXPECT_EQ((*first)->words, (Words{"dev", "add", "name", "x"}));
    auto second = reader.next();
    EXPECT_EQ((*second)->number, 5);
    auto third = reader.next();
    EXPECT_EQ((*third)->number, 6);
    EXPECT_EQ((*third)->words, Words{"last"});
    auto end = reader.next();
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end->has_value());
    std::fclose(in);
}

}  // namespace
}  // namespace vdpa::cli
