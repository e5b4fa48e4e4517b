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

TEST(Diversity, ComiRecDiversity) {
    // @3: list 0 primaries (0, 0, 1) → 2 of 3 pairs differ; list 1 primaries (1, 0, unknown)
    // → 3 of 3. Mean (2/3 + 1)/2 = 5/6.
    EXPECT_NEAR(diversityAtN(kLists, 3, kCategories), 5.0 / 6.0, 1e-15);
    // @4: list 0 primaries (0, 0, 1, 2) → 5 of 6 pairs; list 1 still 1. Mean 11/12.
    EXPECT_NEAR(diversityAtN(kLists, 4, kCategories), 11.0 / 12.0, 1e-15);
    // @1 has no pairs at all.
    EXPECT_EQ(diversityAtN(kLists, 1, kCategories), 0.0);
}

TEST(Diversity, DistinctCategories) {
    // @3: list 0 {0} ∪ {0, 1} ∪ {1} = 2 categories; list 1 {1} ∪ {0, 1} ∪ {} = 2. Mean 2.
    EXPECT_DOUBLE_EQ(distinctCategoriesAtN(kLists, 3, kCategories), 2.0);
    // @4: list 0 gains category 2 → 3; mean (3 + 2)/2.
    EXPECT_DOUBLE_EQ(distinctCategoriesAtN(kLists, 4, kCategories), 2.5);
    // n ≤ 0 takes whole lists.
    EXPECT_DOUBLE_EQ(distinctCategoriesAtN(kLists, 0, kCategories), 2.5);
}

TEST(Diversity, IntraListDistance) {
    // List 0 top-3 (0, 1, 2): 1 − cos = 1, 1 − 1/√2, 1 − 1/√2 → mean (3 − √2)/3.
    // List 1 (2, 1, 4): 1 − 1/√2, and 1 twice (item 4 has no direction) → (3 − 1/√2)/3.
    const double expected = ((3.0 - std::sqrt(2.0)) / 3.0 + (3.0 - 1.0 / std::sqrt(2.0)) / 3.0) / 2.0;
    EXPECT_NEAR(intraListDistance(kLists, 3, kEmbeddings, 2), expected, 1e-12);
    // Opposite items are 2 apart.
    EXPECT_NEAR(intraListDistance({{0, 3}}, 2, kEmbeddings, 2), 2.0, 1e-12);
    EXPECT_THROW(intraListDistance(kLists, 3, {1, 0, 0}, 2), std::invalid_argument);
}

TEST(Diversity, CoverageAndCounts) {
    // @3 recommends {0, 1, 2} ∪ {2, 1, 4} = 4 of 6 items; @1 recommends {0, 2}.
    EXPECT_EQ(recommendationCounts(kLists, 3, 6), (std::vector<int64_t>{1, 2, 2, 0, 1, 0}));
    EXPECT_NEAR(catalogueCoverage(kLists, 3, 6), 4.0 / 6.0, 1e-15);
    EXPECT_NEAR(catalogueCoverage(kLists, 1, 6), 2.0 / 6.0, 1e-15);
}

TEST(Diversity, Gini) {
    // @3 counts sorted (0, 0, 1, 1, 2, 2), m = 6, Σc = 6: Σ (2i − 7) c_i = −1 + 1 + 6 + 10 = 16
    // → 16 / 36 = 4/9.
    EXPECT_NEAR(giniIndex(kLists, 3, 6), 4.0 / 9.0, 1e-15);
    // Equal counts → 0; everything on one item of m = 4 → (m − 1)/m = 3/4.
    EXPECT_NEAR(giniIndex({{0, 1}, {2, 3}}, 2, 4), 0.0, 1e-15);
    EXPECT_NEAR(giniIndex({{0}, {0}, {0}}, 1, 4), 0.75, 1e-15);
    EXPECT_EQ(giniIndex({}, 3, 4), 0.0);
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
    EXPECT_THROW(diversityAtN({{0, 9}}, 2, kCategories), std::out_of_range);
    EXPECT_THROW(catalogueCoverage({{-1}}, 1, 6), std::out_of_range);
    // Positions beyond the cut are not looked at.
    EXPECT_NO_THROW(catalogueCoverage({{0, 9}}, 1, 6));
}

}  // namespace
}  // namespace dimerec
