#include "analysis/Diversity.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

// Six items: 0 {0}, 1 {0, 1}, 2 {1}, 3 {2}, 4 no category (primary "unknown"), 5 {2};
// item 5 is never recommended. Two users' lists, best first.
const std::vector<std::vector<int32_t>> kCategories = {{0}, {0, 1}, {1}, {2}, {}, {2}};
const std::vector<std::vector<int32_t>> kLists = {{0, 1, 2, 3}, {2, 1, 4}};

TEST(Diversity, CategoryShares) {
    // @3 labels: list 0 → 0; 0, 1; 1 — list 1 → 1; 0, 1; none. Category 0: 3, 1: 4, 2: 0.
    const std::vector<double> shares = categoryShares(kLists, 3, kCategories, 3);
    ASSERT_EQ(shares.size(), 3u);
    EXPECT_NEAR(shares[0], 3.0 / 7.0, 1e-15);
    EXPECT_NEAR(shares[1], 4.0 / 7.0, 1e-15);
    EXPECT_EQ(shares[2], 0.0);
    // Item 3 (in the top 4) has category 2, outside a 2-category catalogue.
    EXPECT_THROW(categoryShares(kLists, 4, kCategories, 2), std::out_of_range);
}

TEST(Diversity, RejectsItemsOutsideTheCatalogue) {
    EXPECT_THROW(categoryShares({{-1}}, 1, kCategories, 3), std::out_of_range);
    // Positions beyond the cut are not looked at.
    EXPECT_NO_THROW(categoryShares({{0, 9}}, 1, kCategories, 3));
}

}  // namespace
}  // namespace dimerec
