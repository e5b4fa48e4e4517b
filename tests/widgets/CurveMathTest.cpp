#include "DebiasedEma.h"
#include "MinMaxDecimation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dimerec {
namespace {

// Expected values by hand from last = w·last + (1−w)·y, shown = last / (1 − w^n):
// w = 0.5, y = 1, 2, 3 → 0.5/0.5 = 1, 1.25/0.75 = 5/3, 2.125/0.875 = 17/7.
TEST(DebiasedEma, MatchesHandComputedValues) {
    const std::vector<double> smoothed = DebiasedEma::smooth({1.0, 2.0, 3.0}, 0.5);
    ASSERT_EQ(smoothed.size(), 3u);
    EXPECT_DOUBLE_EQ(smoothed[0], 1.0);
    EXPECT_DOUBLE_EQ(smoothed[1], 5.0 / 3.0);
    EXPECT_DOUBLE_EQ(smoothed[2], 17.0 / 7.0);
}

TEST(DebiasedEma, FirstValueIsNeverPulledTowardsZero) {
    // A plain EMA with w = 0.9 would start at 0.1·y; the debiased one starts at y.
    EXPECT_DOUBLE_EQ(DebiasedEma::smooth({7.0}, 0.9).front(), 7.0);
}

TEST(DebiasedEma, ZeroWeightIsTheIdentity) {
    EXPECT_EQ(DebiasedEma::smooth({3.0, -1.0, 4.0}, 0.0), (std::vector<double>{3.0, -1.0, 4.0}));
}

TEST(DebiasedEma, NonFiniteValuesPassThroughWithoutEnteringTheAverage) {
    // As TensorBoard: NaN is shown as is; the next point sees n = 2:
    // last = 0.5·0.5 + 0.5·3 = 1.75, shown 1.75 / (1 − 0.25) = 7/3.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> smoothed = DebiasedEma::smooth({1.0, nan, 3.0}, 0.5);
    EXPECT_DOUBLE_EQ(smoothed[0], 1.0);
    EXPECT_TRUE(std::isnan(smoothed[1]));
    EXPECT_DOUBLE_EQ(smoothed[2], 7.0 / 3.0);
}

TEST(DebiasedEma, PointByPointEqualsWholeSeries) {
    const std::vector<double> values = {0.3, 2.5, -1.0, 4.0, 4.0, 0.1};
    DebiasedEma ema(0.8);
    const std::vector<double> whole = DebiasedEma::smooth(values, 0.8);
    for (size_t i = 0; i < values.size(); ++i) EXPECT_DOUBLE_EQ(ema.push(values[i]), whole[i]);
}

TEST(MinMaxDecimation, KeepsEachBucketsExtremesInOrder) {
    // Two buckets over x ∈ [0, 9] (width 4.5): x 0–4 → min at x0 (0), max at x1 (5);
    // x 5–9 → min at x5 (−3), max at x9 (2).
    const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<double> y = {0, 5, 1, 1, 1, -3, 1, 1, 1, 2};
    const DecimatedSeries out = decimateMinMax(x, y, 0.0, 9.0, 2);
    EXPECT_EQ(out.x, (QVector<double>{0, 1, 5, 9}));
    EXPECT_EQ(out.y, (QVector<double>{0, 5, -3, 2}));
}

TEST(MinMaxDecimation, FewPointsPassUnchangedWithOneNeighbourEachSide) {
    const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<double> y = {0, 5, 1, 1, 1, -3, 1, 1, 1, 2};
    const DecimatedSeries out = decimateMinMax(x, y, 2.5, 6.5, 100);
    EXPECT_EQ(out.x, (QVector<double>{2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(out.y, (QVector<double>{1, 1, 1, -3, 1, 1}));
}

TEST(MinMaxDecimation, AMillionPointsShrinkToTwoPerBucketAndKeepTheirSpikes) {
    constexpr int kPoints = 1'000'000;
    constexpr int kBuckets = 500;
    std::vector<double> x(kPoints);
    std::vector<double> y(kPoints);
    for (int i = 0; i < kPoints; ++i) {
        x[i] = i;
        y[i] = std::sin(i * 0.001);
    }
    y[123'457] = 100.0;
    y[876'543] = -100.0;
    const DecimatedSeries out = decimateMinMax(x, y, 0.0, kPoints - 1.0, kBuckets);
    EXPECT_LE(out.x.size(), 2 * kBuckets);
    EXPECT_TRUE(std::is_sorted(out.x.begin(), out.x.end()));
    EXPECT_EQ(*std::max_element(out.y.begin(), out.y.end()), 100.0);
    EXPECT_EQ(*std::min_element(out.y.begin(), out.y.end()), -100.0);
    EXPECT_EQ(out.x.front(), 0.0);
    EXPECT_EQ(out.x.back(), kPoints - 1.0);
    EXPECT_EQ(y.size(), static_cast<size_t>(kPoints));  // the stored series is untouched
}

}  // namespace
}  // namespace dimerec
