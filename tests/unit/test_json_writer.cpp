// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON writer reproduces iproute2's bytes; these pin the layout rules
// (the VM suite compares whole documents with iproute2 itself).
#include <cstdio>
#include <string>

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

} // namespace
} // namespace vdpa::cli
