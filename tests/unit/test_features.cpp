// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <vdpa/features.hpp>

namespace vdpa {
namespace {

TEST(FeatureName, NamesTransportBitsForEveryDevice)
{
    for (std::uint32_t id : {0u, 1u, 2u, 99u}) {
        EXPECT_EQ(feature_name(id, 32), "VERSION_1");
        EXPECT_EQ(feature_name(id, 33), "ACCESS_PLATFORM");
        EXPECT_EQ(feature_name(id, 38), "NOTIFICATION_DATA");
        EXPECT_EQ(feature_name(id, 39), ""); // iproute2 prints bit_39
    }
}

TEST(FeatureName, NamesNetBitsExactlyAsIproute2)
{
    EXPECT_EQ(feature_name(1, 3), "MTU");
    EXPECT_EQ(feature_name(1, 5), "MAC");
    EXPECT_EQ(feature_name(1, 23), "CTRL_MAC_ADDR");
    EXPECT_EQ(feature_name(1, 27), "ANY_LAYOUT");
    EXPECT_EQ(feature_name(1, 63), "SPEED_DUPLEX");
    // Bits iproute2 leaves unnamed stay unnamed, so "bit_N" output matches.
    EXPECT_EQ(feature_name(1, 6), "");  // GSO
    EXPECT_EQ(feature_name(1, 54), ""); // GUEST_USO4
    EXPECT_EQ(feature_name(1, 64), "");
}

TEST(FeatureName, NamesBlockBitsFromTheVirtioSpec)
{
    EXPECT_EQ(feature_name(2, 1), "SIZE_MAX");
    EXPECT_EQ(feature_name(2, 9), "FLUSH");
    EXPECT_EQ(feature_name(2, 14), "WRITE_ZEROES");
    EXPECT_EQ(feature_name(2, 3), "");
}

TEST(FeatureName, DeviceBitsOfOtherClassesAreUnnamed)
{
    EXPECT_EQ(feature_name(0, 3), "");
    EXPECT_EQ(feature_name(3, 5), "");
}

} // namespace
} // namespace vdpa
