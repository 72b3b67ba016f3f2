// SPDX-License-Identifier: GPL-2.0-or-later
// The grammar: iproute2's abbreviations, its words for its own errors, and
// our refusals of what it mishandles. Nothing here reaches a kernel.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parser.hpp"

namespace vdpa::cli {
namespace {

Invocation parse(std::vector<std::string> words)
{
    return parse_words(words);
}

std::string command_of(std::vector<std::string> words)
{
    Invocation invocation = parse(std::move(words));
    if (invocation.action != Invocation::Action::run)
        return "(" + invocation.message + ")";
    return std::string(invocation.command->path);
}

TEST(Parser, AcceptsIproute2Abbreviations)
{
    EXPECT_EQ(command_of({"d", "s"}), "dev show");
    EXPECT_EQ(command_of({"d", "l"}), "dev show");
    EXPECT_EQ(command_of({"m", "s"}), "mgmtdev show");
    EXPECT_EQ(command_of({"dev", "sh"}), "dev show");
    EXPECT_EQ(command_of({"de", "conf", "sh"}), "dev config show");
    EXPECT_EQ(command_of({"d", "a", "n", "x", "m", "vdpasim_net"}), "dev add");
    EXPECT_EQ(command_of({"d", "d", "x"}), "dev del");
    EXPECT_EQ(command_of({"dev"}), "dev show");
    EXPECT_EQ(command_of({"dev", "config"}), "dev config show");
}

TEST(Parser, SetAndVstatsOnlyInFull)
{
    EXPECT_EQ(command_of({"dev", "set", "name", "x", "mac", "00:11:22:33:44:55"}), "dev set");
    EXPECT_EQ(command_of({"dev", "vstats", "show", "x", "qidx", "0"}), "dev vstats show");
    EXPECT_EQ(command_of({"dev", "se"}), "(Command \"se\" not found)");
    EXPECT_EQ(command_of({"dev", "vs"}), "(Command \"vs\" not found)");
    EXPECT_EQ(command_of({"dev", "vstats", "sh", "x"}), "(Command \"sh\" not found)");
}

TEST(Parser, UnknownObjectsAndCommandsInIproute2Words)
{
    EXPECT_EQ(command_of({"foo"}), "(Object \"foo\" not found)");
    EXPECT_EQ(command_of({""}), "(Object \"\" not found)");
    EXPECT_EQ(command_of({"mgmtdev", "foo"}), "(Command \"foo\" not found)");
}

TEST(Parser, HelpAtEveryLevel)
{
    for (auto words : std::vector<std::vector<std::string>>{{},
                                                            {"help"},
                                                            {"h"},
                                                            {"mgmtdev"},
                                                            {"dev", "help"},
                                                            {"dev", "config", "h"},
                                                            {"dev", "vstats", "help"},
                                                            {"dev", "set", "help"},
                                                            {"dev", "add", "help"}})
        EXPECT_EQ(parse(words).action, Invocation::Action::help);
    // iproute2 takes only the full word under vstats, and bare vstats is an error.
    EXPECT_EQ(parse({"dev", "vstats", "h"}).message, "Command \"h\" not found");
    EXPECT_EQ(parse({"dev", "vstats"}).action, Invocation::Action::usage_error);
}

TEST(Parser, KeywordsMatchInIproute2Order)
{
    Invocation add = parse({"dev", "add", "n", "x", "m", "vdpasim_net", "ma", "2"});
    ASSERT_EQ(add.action, Invocation::Action::run);
    EXPECT_EQ(*add.arguments.device, "x");
    EXPECT_EQ(add.arguments.mgmtdev->name, "vdpasim_net");
    EXPECT_EQ(*add.arguments.max_vqp, 2);
    // mac and mtu only in full.
    EXPECT_EQ(parse({"dev", "add", "name", "x", "mgmtdev", "y", "mt", "1"}).message,
              "Unknown option \"mt\"");
}

TEST(Parser, TypedValues)
{
    Invocation add = parse({"dev", "add", "name", "x", "mgmtdev", "pci/0000:01:00.1", "mac",
                            "00:11:22:33:44:55", "mtu", "9000", "device_features", "0x10020"});
    ASSERT_EQ(add.action, Invocation::Action::run) << add.message;
    EXPECT_EQ(add.arguments.mgmtdev->bus, "pci");
    EXPECT_EQ(add.arguments.mac->to_string(), "00:11:22:33:44:55");
    EXPECT_EQ(*add.arguments.mtu, 9000);
    EXPECT_EQ(*add.arguments.device_features, 0x10020u);
    Invocation stats = parse({"dev", "vstats", "show", "n0", "qidx", "4294967295"});
    ASSERT_EQ(stats.action, Invocation::Action::run);
    EXPECT_EQ(*stats.arguments.qidx, 4294967295u);
}

TEST(Parser, RequiredKeywordsInIproute2Words)
{
    EXPECT_EQ(parse({"dev", "add"}).message, "management device handle not set.");
    EXPECT_EQ(parse({"dev", "add", "name", "x"}).message, "management device handle not set.");
    EXPECT_EQ(parse({"dev", "add", "mgmtdev", "y"}).message, "device name is not set.");
    EXPECT_EQ(parse({"dev", "set"}).message, "device name is not set.");
    EXPECT_EQ(parse({"dev", "del"}).message, "String parameter expected");
}

TEST(Parser, RefusesWhatIproute2IgnoresOrTakesTwice)
{
    EXPECT_EQ(parse({"dev", "add", "name", "a", "name", "b", "mgmtdev", "y"}).message,
              "Keyword \"name\" is given more than once.");
    EXPECT_EQ(parse({"dev", "add", "name", "a", "mgmtdev", "y", "mtu"}).message,
              "Keyword \"mtu\" needs a value (MTU).");
    EXPECT_EQ(parse({"dev", "show", "n0", "extra"}).message, "Unknown option \"extra\"");
    EXPECT_EQ(parse({"dev", "vstats", "show", "n0"}).message,
              "queue index is not set (qidx QUEUE_INDEX).");
    EXPECT_EQ(parse({"mgmtdev", "show", "vdpasim_net", "extra"}).message,
              "Unknown option \"extra\"");
}

// A word is shown escaped, as the library shows names: what a terminal
// would act on (escape sequences) or a reader could misread (quotes).
TEST(Parser, QuotesWordsEscaped)
{
    EXPECT_EQ(parse({"dev", "show", "n0", "a\x1b[2Jb"}).message, "Unknown option \"a\\x1b[2Jb\"");
    EXPECT_EQ(parse({"dev", "sh\"ow"}).message, "Command \"sh\\x22ow\" not found");
    EXPECT_EQ(parse({"d\tev"}).message, "Object \"d\\x09ev\" not found");
}

TEST(Parser, RefusesBadNamesBeforeTheKernelSeesThem)
{
    EXPECT_EQ(parse({"dev", "show", ""}).message, "device name must not be empty");
    EXPECT_EQ(parse({"dev", "del", "a/b"}).message, "device name \"a/b\" contains '/'");
    EXPECT_EQ(parse({"dev", "add", "name", "..", "mgmtdev", "y"}).message,
              "device name \"..\" is not a valid name");
    EXPECT_EQ(parse({"dev", "add", "name", "a\tb", "mgmtdev", "y"}).message,
              "device name \"a\\x09b\" contains a control character");
    EXPECT_EQ(parse({"dev", "add", "name", "\xff", "mgmtdev", "y"}).message,
              "device name \"\\xff\" is not valid UTF-8");
    EXPECT_EQ(parse({"dev", "show", std::string(256, 'x')}).message,
              "device name \"" + std::string(256, 'x') +
                  "\" is longer than 255 bytes, which sysfs cannot hold");
    EXPECT_EQ(parse({"dev", "show", std::string(255, 'x')}).action, Invocation::Action::run);
    EXPECT_EQ(parse({"dev", "show", "sp ace"}).action, Invocation::Action::run);
    EXPECT_EQ(parse({"dev", "show", "\xc3\xa9t\xc3\xa9"}).action, Invocation::Action::run);
}

// Another tool may have created a device whose name breaks the rules for
// new names: it can still be shown, deleted, configured and changed.
TEST(Parser, TakesNamesOfExistingDevicesTheKernelCanHold)
{
    for (const std::string name : {"a\tb", "\xff\xfe", "a\x1b[31m"}) {
        EXPECT_EQ(parse({"dev", "show", name}).action, Invocation::Action::run) << name;
        EXPECT_EQ(parse({"dev", "del", name}).action, Invocation::Action::run) << name;
        EXPECT_EQ(parse({"dev", "config", "show", name}).action, Invocation::Action::run) << name;
        EXPECT_EQ(parse({"dev", "vstats", "show", name, "qidx", "0"}).action,
                  Invocation::Action::run)
            << name;
        EXPECT_EQ(parse({"dev", "set", "name", name, "mac", "00:11:22:33:44:55"}).action,
                  Invocation::Action::run)
            << name;
        EXPECT_EQ(parse({"dev", "add", "name", name, "mgmtdev", "y"}).action,
                  Invocation::Action::usage_error)
            << name;
    }
    EXPECT_EQ(parse({"dev", "del", std::string("a\0b", 3)}).message,
              "device name \"a\\x00b\" contains a NUL byte");
    EXPECT_EQ(parse({"dev", "set", "name", "a/b", "mac", "00:11:22:33:44:55"}).message,
              "device name \"a/b\" contains '/'");
    // No sysfs path reaches them, so nothing could be said of their driver.
    EXPECT_EQ(parse({"dev", "show", ".."}).message, "device name \"..\" is not a valid name");
    EXPECT_EQ(parse({"dev", "del", "."}).message, "device name \".\" is not a valid name");
    EXPECT_EQ(parse({"dev", "config", "show", std::string(256, 'x')}).action,
              Invocation::Action::usage_error);
}

} // namespace
} // namespace vdpa::cli
