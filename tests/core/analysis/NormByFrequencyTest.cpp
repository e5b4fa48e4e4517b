#include "analysis/NormByFrequency.h"

#include <gtest/gtest.h>

#include <cmath>
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

TEST(MeanPairwiseCosine, HandComputedOverNonZeroRows) {
    // Rows (1,0), (0,1), (2,0), (0,0): the zero row has no direction and is left out; the unit
    // rows (1,0), (0,1), (1,0) give the pair cosines 0, 1, 0, mean 1/3.
    EXPECT_NEAR(meanPairwiseCosine({1, 0, 0, 1, 2, 0, 0, 0}, 2), 1.0 / 3.0, 1e-12);
    // Opposite directions: -1; every row the same direction, whatever its norm: 1.
    EXPECT_NEAR(meanPairwiseCosine({3, 0, -0.5f, 0}, 2), -1.0, 1e-12);
    EXPECT_NEAR(meanPairwiseCosine({1, 1, 2, 2, 5, 5}, 2), 1.0, 1e-12);
    // Equals the mean over the pairs computed one by one (kRows: 21 pairs).
    double sum = 0.0;
    int pairs = 0;
    for (size_t a = 0; a < 7; ++a) {
        for (size_t b = a + 1; b < 7; ++b) {
            const double dot = kRows[2 * a] * kRows[2 * b] + kRows[2 * a + 1] * kRows[2 * b + 1];
            const double na = std::hypot(kRows[2 * a], kRows[2 * a + 1]);
            const double nb = std::hypot(kRows[2 * b], kRows[2 * b + 1]);
            sum += dot / (na * nb);
            ++pairs;
        }
    }
    EXPECT_NEAR(meanPairwiseCosine(kRows, 2), sum / pairs, 1e-6);
}

TEST(MeanPairwiseCosine, UndefinedBelowTwoDirectionsAndRejectsBadShapes) {
    EXPECT_TRUE(std::isnan(meanPairwiseCosine({1, 0, 0, 0}, 2)));
    EXPECT_THROW(meanPairwiseCosine({1, 0, 0}, 2), std::invalid_argument);
    EXPECT_THROW(meanPairwiseCosine({1, 0}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
