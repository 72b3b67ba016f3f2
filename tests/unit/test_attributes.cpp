// SPDX-License-Identifier: GPL-2.0-or-later
// Attribute parsing against a policy, on hand-built attribute streams.
#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>

#include "netlink/attributes.hpp"

namespace vdpa::netlink {
namespace {

class Stream {
public:
    Stream& attr(std::uint16_t type, const void* data, std::uint16_t length)
    {
        nlattr header{static_cast<std::uint16_t>(sizeof(nlattr) + length), type};
        append(&header, sizeof(header));
        append(data, length);
        bytes_.resize(MNL_ALIGN(bytes_.size()));
        return *this;
    }
    Stream& u16(std::uint16_t type, std::uint16_t value) { return attr(type, &value, 2); }
    Stream& u32(std::uint16_t type, std::uint32_t value) { return attr(type, &value, 4); }
    Stream& u64(std::uint16_t type, std::uint64_t value) { return attr(type, &value, 8); }
    Stream& str(std::uint16_t type, const char* text)
    {
        return attr(type, text, static_cast<std::uint16_t>(std::strlen(text) + 1));
    }
    std::span<const std::byte> bytes() const { return bytes_; }
    std::vector<std::byte>& raw() { return bytes_; }

private:
    void append(const void* data, std::size_t length)
    {
        auto* p = static_cast<const std::byte*>(data);
        bytes_.insert(bytes_.end(), p, p + length);
    }
    std::vector<std::byte> bytes_;
};

const AttrPolicy policy = AttrPolicy()
                              .add(1, AttrKind::string, "NAME")
                              .add(2, AttrKind::u32, "ID")
                              .add(3, AttrKind::u64, "FEATURES")
                              .add(4, AttrKind::binary, "MAC", 6)
                              .add(5, AttrKind::u16, "STATUS");

TEST(Attributes, ReadsKnownSkipsPaddingAndUnknown)
{
    Stream s;
    s.str(1, "n0").u32(2, 1).attr(0, "\0\0\0", 4).u64(3, 0x1234).u32(40, 7).u16(5, 1);
    auto attrs = AttrSet::parse(s.bytes(), policy);
    ASSERT_TRUE(attrs.ok()) << attrs.error().message;
    EXPECT_EQ(*attrs->string(1), "n0");
    EXPECT_EQ(*attrs->u32(2), 1u);
    EXPECT_EQ(*attrs->u64(3), 0x1234u);
    EXPECT_EQ(*attrs->u16(5), 1u);
    EXPECT_FALSE(attrs->has(4));
    EXPECT_FALSE(attrs->has(40));
}

TEST(Attributes, WrongSizeIsAnError)
{
    Stream s;
    s.u16(2, 1); // ID is a u32
    auto attrs = AttrSet::parse(s.bytes(), policy);
    ASSERT_FALSE(attrs.ok());
    EXPECT_EQ(attrs.error().kind, ErrorKind::protocol);
    EXPECT_EQ(attrs.error().message,
              "malformed netlink reply: attribute ID (2) is 2 bytes long, expected 4");
    Stream mac;
    mac.attr(4, "\1\2\3\4\5", 5);
    EXPECT_FALSE(AttrSet::parse(mac.bytes(), policy).ok());
}

TEST(Attributes, TruncatedAttributeIsAnError)
{
    Stream s;
    s.u64(3, 1);
    s.raw().resize(s.raw().size() - 2);
    EXPECT_FALSE(AttrSet::parse(s.bytes(), policy).ok());
    Stream header_only;
    header_only.u32(2, 1);
    header_only.raw().resize(3);
    EXPECT_FALSE(AttrSet::parse(header_only.bytes(), policy).ok());
    Stream zero_length;
    zero_length.u32(2, 1);
    zero_length.raw()[0] = std::byte{0};
    zero_length.raw()[1] = std::byte{0};
    EXPECT_FALSE(AttrSet::parse(zero_length.bytes(), policy).ok());
}

TEST(Attributes, StringWithoutTerminatorStopsAtTheAttribute)
{
    Stream s;
    s.attr(1, "abcdef", 3).u32(2, 9);
    auto attrs = AttrSet::parse(s.bytes(), policy);
    ASSERT_TRUE(attrs.ok());
    EXPECT_EQ(*attrs->string(1), "abc");
}

TEST(Attributes, ReadingAsTheWrongTypeGivesNothing)
{
    Stream s;
    s.u32(2, 1);
    auto attrs = AttrSet::parse(s.bytes(), policy);
    ASSERT_TRUE(attrs.ok());
    EXPECT_FALSE(attrs->u64(2).has_value());
    EXPECT_FALSE(attrs->string(2).has_value());
}

TEST(Attributes, ForEachKeepsMessageOrderOfRepeats)
{
    Stream s;
    s.str(1, "a").u32(2, 1).str(1, "b").u32(2, 2);
    std::vector<std::string> seen;
    auto walked = for_each_attribute(s.bytes(), policy, [&](std::uint16_t type, const nlattr* a) {
        seen.push_back(type == 1 ? std::string(attribute_string(a))
                                 : std::to_string(mnl_attr_get_u32(a)));
        return Result<void>();
    });
    ASSERT_TRUE(walked.ok());
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "1", "b", "2"}));
    auto attrs = AttrSet::parse(s.bytes(), policy);
    EXPECT_EQ(*attrs->string(1), "b");
}

} // namespace
} // namespace vdpa::netlink
