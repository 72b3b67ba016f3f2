// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON writer reproduces iproute2's bytes; these pin the layout rules
// (the VM suite compares whole documents with iproute2 itself).
#include <cstdio>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "captured_output.hpp"

#include "render/json_writer.hpp"

namespace vdpa::cli {
namespace {

using Buffer = vdpa::testing::CapturedOutput;

void write_sample(JsonWriter& json)
{
    json.begin_object();
    json.key("config");
    json.begin_object();
    json.key("n0");
    json.begin_object();
    json.field("mac", "00:11:22:33:44:55");
    json.field("link ", "up");
    json.field_bool("link_announce ", false);
    json.field("mtu", std::uint64_t{1400});
    json.key("negotiated_features");
    json.begin_array();
    json.string("MTU");
    json.uint(40);
    json.end_array();
    json.end_object();
    json.key("b0");
    json.begin_object();
    json.end_object();
    json.key("empty");
    json.begin_array();
    json.end_array();
    json.end_object();
    json.end_object();
    json.finish();
}

TEST(JsonWriter, CompactHasNoSpaces)
{
    Buffer buffer;
    JsonWriter json(buffer.out(), false);
    write_sample(json);
    EXPECT_EQ(buffer.text(),
              R"({"config":{"n0":{"mac":"00:11:22:33:44:55","link ":"up","link_announce ":)"
              R"(false,"mtu":1400,"negotiated_features":["MTU",40]},"b0":{},"empty":[]}})"
              "\n");
}

TEST(JsonWriter, PrettyKeepsArraysOnOneLine)
{
    Buffer buffer;
    JsonWriter json(buffer.out(), true);
    write_sample(json);
    EXPECT_EQ(buffer.text(), "{\n"
                             "    \"config\": {\n"
                             "        \"n0\": {\n"
                             "            \"mac\": \"00:11:22:33:44:55\",\n"
                             "            \"link \": \"up\",\n"
                             "            \"link_announce \": false,\n"
                             "            \"mtu\": 1400,\n"
                             "            \"negotiated_features\": [ \"MTU\",40 ]\n"
                             "        },\n"
                             "        \"b0\": {},\n"
                             "        \"empty\": [ ]\n"
                             "    }\n"
                             "}\n");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters)
{
    Buffer buffer;
    JsonWriter json(buffer.out(), false);
    json.string("a\"b\\c\nd\te\x01z");
    EXPECT_EQ(buffer.text(), R"("a\"b\\c\nd\te\u0001z")");
}

std::string json_string(std::string_view value)
{
    Buffer buffer;
    JsonWriter json(buffer.out(), false);
    json.string(value);
    return buffer.text();
}

TEST(JsonWriter, KeepsValidUtf8)
{
    // é, € (3 bytes), U+1F600 (4 bytes), and the ends of each range.
    EXPECT_EQ(json_string("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
              "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    EXPECT_EQ(json_string("\xc2\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf"),
              "\"\xc2\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"");
}

TEST(JsonWriter, ReplacesInvalidUtf8WithReplacementCharacter)
{
    // The kernel takes any bytes as a device name (iproute2 creates such
    // names); JSON must be UTF-8, so each maximal ill-formed part becomes
    // one U+FFFD.
    EXPECT_EQ(json_string(std::string("a\xff") + "b"), R"("a\ufffdb")");
    EXPECT_EQ(json_string("\x80"), R"("\ufffd")");                     // a lone continuation
    EXPECT_EQ(json_string("\xc0\xaf"), R"("\ufffd\ufffd")");           // overlong '/'
    EXPECT_EQ(json_string("\xe0\x80\xaf"), R"("\ufffd\ufffd\ufffd")"); // overlong, 3 bytes
    EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")"); // a surrogate
    EXPECT_EQ(json_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")"); // > U+10FFFF
    EXPECT_EQ(json_string("\xf5"), R"("\ufffd")");
    // A sequence cut short is one replacement, and what follows is kept.
    EXPECT_EQ(json_string("\xe2\x82x"), R"("\ufffdx")");
    EXPECT_EQ(json_string("\xf0\x9f\x98"), R"("\ufffd")");
    EXPECT_EQ(json_string("\xe2\x82\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
    EXPECT_EQ(json_string("\xc3"), R"("\ufffd")");
}

} // namespace
} // namespace vdpa::cli
