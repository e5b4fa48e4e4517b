#include "util/TargetRanks.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace dimerec {
namespace {

TEST(TargetRanks, KeepsCasesInOrderWithAscendingRanks) {
    TargetRanks ranks;
    ranks.addCase(7, {3});
    ranks.addCase(2, {40, 1, 5});
    ASSERT_EQ(ranks.cases(), 2u);
    EXPECT_EQ(ranks.user(1), 2);
    EXPECT_EQ(ranks.targets(1), 3u);
    EXPECT_EQ(std::vector<int32_t>(ranks.ranksBegin(1), ranks.ranksEnd(1)),
              (std::vector<int32_t>{1, 5, 40}));
    EXPECT_EQ(ranks.targetCounts(), (std::vector<int32_t>{1, 3}));
    EXPECT_THROW(ranks.addCase(1, {}), std::invalid_argument);
    EXPECT_THROW(ranks.addCase(1, {0}), std::invalid_argument);
}

TEST(TargetRanks, OneTargetPerCaseStoresNoCounts) {
    TargetRanks ranks;
    ranks.addCase(0, {12});
    ranks.addCase(1, {1});
    EXPECT_TRUE(ranks.targetCounts().empty());
    EXPECT_EQ(TargetRanks::fromColumns(ranks.users(), {}, ranks.ranks(), "test"), ranks);
}

TEST(TargetRanks, ColumnsRoundTripThroughLittleEndianBytes) {
    TargetRanks ranks;
    ranks.addCase(6039, {2, 3706});
    ranks.addCase(0, {70000});
    const std::string users = packInt32(ranks.users());
    // 6039 = 0x1797: little-endian bytes 97 17 00 00.
    ASSERT_EQ(users.size(), 8u);
    EXPECT_EQ(static_cast<unsigned char>(users[0]), 0x97);
    EXPECT_EQ(static_cast<unsigned char>(users[1]), 0x17);
    const auto unpack = [](const std::string& bytes) {
        return unpackInt32(bytes.data(), bytes.size(), "test");
    };
    EXPECT_EQ(TargetRanks::fromColumns(unpack(users), unpack(packInt32(ranks.targetCounts())),
                                       unpack(packInt32(ranks.ranks())), "test"),
              ranks);
    EXPECT_EQ(unpack(packInt32({-1})), std::vector<int32_t>{-1});
    EXPECT_THROW(unpackInt32("abc", 3, "test"), std::invalid_argument);
}

TEST(TargetRanks, ColumnsThatDoNotFitAreRejectedByName) {
    try {
        TargetRanks::fromColumns({1, 2}, {}, {1}, "run 3's ranks");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "run 3's ranks: 1 ranks for 2 targets");
    }
    EXPECT_THROW(TargetRanks::fromColumns({1, 2}, {1}, {1, 2}, "x"), std::invalid_argument);
    EXPECT_THROW(TargetRanks::fromColumns({1}, {2}, {5, 3}, "x"), std::invalid_argument);
    EXPECT_THROW(TargetRanks::fromColumns({1}, {}, {0}, "x"), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
