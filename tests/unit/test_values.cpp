// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "values.hpp"

namespace vdpa::cli {
namespace {

TEST(ParseMac, AcceptsSixOctetsOfOneOrTwoHexDigits)
{
    auto mac = parse_mac("00:11:22:aa:BB:c");
    ASSERT_TRUE(mac.ok());
    EXPECT_EQ(mac->to_string(), "00:11:22:aa:bb:0c");
}

TEST(ParseMac, RefusesWhatIproute2PadsTruncatesOrMisreads)
{
    for (const char* text : {"00:11:22:33:44", "00:11:22:33:44:55:66", "0011.2233.4455", "",
                             "00:11:22:33:44:", ":00:11:22:33:44", "000:11:22:33:44:55",
                             "zz:11:22:33:44:55", "00-11-22-33-44-55", "00:11:22:33:44:55 "}) {
        auto mac = parse_mac(text);
        ASSERT_FALSE(mac.ok()) << text;
        EXPECT_NE(mac.error().message.find("six colon-separated"), std::string::npos);
    }
}

TEST(ParseMac, QuotesTheTextEscaped)
{
    auto mac = parse_mac("00:11\x1b[2J");
    ASSERT_FALSE(mac.ok());
    EXPECT_EQ(mac.error().message.rfind("invalid MAC address \"00:11\\x1b[2J\": ", 0), 0u)
        << mac.error().message;
}

TEST(ParseDecimal, AcceptsDigitsUpToTheLimit)
{
    EXPECT_EQ(*parse_decimal("mtu", "0", 65535), 0u);
    EXPECT_EQ(*parse_decimal("mtu", "65535", 65535), 65535u);
    EXPECT_EQ(*parse_decimal("qidx", "4294967295", 4294967295u), 4294967295u);
}

TEST(ParseDecimal, RefusesSignsSpacesHexAndOverflow)
{
    for (const char* text :
         {"", "-1", "+1", " 1", "1 ", "0x100", "abc", "65536", "1e3", "99999999999999999999999"}) {
        auto value = parse_decimal("mtu", text, 65535);
        ASSERT_FALSE(value.ok()) << text;
        EXPECT_EQ(value.error().message, std::string("invalid mtu \"") + text +
                                             "\": expected a decimal number from 0 to 65535");
    }
}

TEST(ParseHex, AcceptsOptionalPrefixAndSixteenDigits)
{
    EXPECT_EQ(*parse_hex_u64("device_features", "10020"), 0x10020u);
    EXPECT_EQ(*parse_hex_u64("device_features", "0x10020"), 0x10020u);
    EXPECT_EQ(*parse_hex_u64("device_features", "0XFFFFFFFFFFFFFFFF"), ~0ull);
}

TEST(ParseHex, RefusesNonHexAndMoreThan64Bits)
{
    for (const char* text : {"", "0x", "zz", "0x10000000000000000", "-1", "0x 1"})
        EXPECT_FALSE(parse_hex_u64("device_features", text).ok()) << text;
}

TEST(ParseMgmtdevHandle, SplitsBusAndName)
{
    auto plain = parse_mgmtdev_handle("vdpasim_net");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->bus, "");
    EXPECT_EQ(plain->name, "vdpasim_net");
    auto pci = parse_mgmtdev_handle("pci/0000:08:00.2");
    ASSERT_TRUE(pci.ok());
    EXPECT_EQ(pci->bus, "pci");
    EXPECT_EQ(pci->name, "0000:08:00.2");
    EXPECT_EQ(pci->to_string(), "pci/0000:08:00.2");
}

TEST(ParseMgmtdevHandle, RefusesTwoSlashesWithIproute2sWords)
{
    auto handle = parse_mgmtdev_handle("a/b/c");
    ASSERT_FALSE(handle.ok());
    EXPECT_EQ(handle.error().message, "Wrong vdpa mgmtdev identification string format\n"
                                      "Expected \"mgmtdev_bus_name/mgmtdev_name\"\n"
                                      "Expected \"mgmtdev_name\"");
    EXPECT_FALSE(parse_mgmtdev_handle("/name").ok());
}

} // namespace
} // namespace vdpa::cli
