#include "analysis/Diversity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

// Six items: 0 {0}, 1 {0, 1}, 2 {1}, 3 {2}, 4 no category (primary "unknown"), 5 {2};
// item 5 is never recommended. Two users' lists, best first.
const std::vector<std::vector<int32_t>> kCategories = {{0}, {0, 1}, {1}, {2}, {}, {2}};
const std::vector<std::vector<int32_t>> kLists = {{0, 1, 2, 3}, {2, 1, 4}};
// 2-dim embeddings: 0 (1, 0), 1 (0, 1), 2 (1, 1), 3 (−1, 0), 4 (0, 0), 5 (0, −1).
const std::vector<float> kEmbeddings = {1, 0, 0, 1, 1, 1, -1, 0, 0, 0, 0, -1};

TEST(Diversity, IntraListDistance) {
    // List 0 top-3 (0, 1, 2): 1 − cos = 1, 1 − 1/√2, 1 − 1/√2 → mean (3 − √2)/3.
    // List 1 (2, 1, 4): 1 − 1/√2, and 1 twice (item 4 has no direction) → (3 − 1/√2)/3.
    const double expected =
        ((3.0 - std::sqrt(2.0)) / 3.0 + (3.0 - 1.0 / std::sqrt(2.0)) / 3.0) / 2.0;
    EXPECT_NEAR(intraListDistance(kLists, 3, kEmbeddings, 2), expected, 1e-12);
    // Opposite items are 2 apart.
    EXPECT_NEAR(intraListDistance({{0, 3}}, 2, kEmbeddings, 2), 2.0, 1e-12);
    EXPECT_THROW(intraListDistance(kLists, 3, {1, 0, 0}, 2), std::invalid_argument);
}

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
    EXPECT_THROW(intraListDistance({{0, 9}}, 2, kEmbeddings, 2), std::out_of_range);
    EXPECT_THROW(categoryShares({{-1}}, 1, kCategories, 3), std::out_of_range);
    // Positions beyond the cut are not looked at.
    EXPECT_NO_THROW(categoryShares({{0, 9}}, 1, kCategories, 3));
}

}  // namespace
}  // namespace dimerec
