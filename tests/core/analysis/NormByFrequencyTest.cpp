#include "analysis/NormByFrequency.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

// Seven items in two dimensions, rows chosen so that the norms are whole numbers:
// (3,4) → 5, (0,2) → 2, (6,8) → 10, (1,0) → 1, (0,3) → 3, (0.6,0.8) → 1, (0,0.2) → 0.2.
const std::vector<float> kRows = {3, 4, 0, 2, 6, 8, 1, 0, 0, 3, 0.6f, 0.8f, 0, 0.2f};
// Training counts: 0; 5, 9 (1–9); nothing in 10–99; 100, 999 (100–999); 1000, 2500 (1000+).
const std::vector<int64_t> kCounts = {0, 5, 9, 100, 999, 1000, 2500};

TEST(NormByFrequency, HandComputedTable) {
    const std::vector<NormBucket> table = normByFrequency(kRows, 2, kCounts);
    // bucket   items  norms      mean   median
    // 0        1      5          5      5
    // 1–9      2      2, 10      6      6
    // 10–99    (empty: left out)
    // 100–999  2      1, 3       2      2
    // 1000+    2      1, 0.2     0.6    0.6
    ASSERT_EQ(table.size(), 4u);
    const std::vector<std::string> labels = {"0", "1-9", "100-999", "1000+"};
    const std::vector<int64_t> items = {1, 2, 2, 2};
    const std::vector<double> means = {5, 6, 2, 0.6};
    for (size_t b = 0; b < table.size(); ++b) {
        EXPECT_EQ(bucketLabel(table[b]), labels[b]);
        EXPECT_EQ(table[b].items, items[b]);
        EXPECT_NEAR(table[b].meanNorm, means[b], 1e-6);
        EXPECT_NEAR(table[b].medianNorm, means[b], 1e-6);  // two values: median = mean
    }
    EXPECT_EQ(table[3].lowest, 1000);
    EXPECT_EQ(table[3].highest, -1);
}

TEST(NormByFrequency, MedianOfAnOddBucketIsItsMiddleNorm) {
    // Counts 1, 2, 3 share the bucket 1–9; norms 10, 1, 2 → mean 13/3, median 2.
    const std::vector<NormBucket> table = normByFrequency({6, 8, 1, 0, 0, 2}, 2, {1, 2, 3});
    ASSERT_EQ(table.size(), 1u);
    EXPECT_EQ(bucketLabel(table[0]), "1+");  // the top bucket is open
    EXPECT_NEAR(table[0].meanNorm, 13.0 / 3.0, 1e-6);
    EXPECT_NEAR(table[0].medianNorm, 2.0, 1e-6);
}

TEST(NormByFrequency, RejectsMismatchedShapes) {
    EXPECT_THROW(normByFrequency(kRows, 3, kCounts), std::invalid_argument);  // 14 values
    EXPECT_THROW(normByFrequency(kRows, 2, {1, 2}), std::invalid_argument);
    EXPECT_THROW(normByFrequency(kRows, 0, kCounts), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
