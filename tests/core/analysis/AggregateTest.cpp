#include "analysis/Aggregate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace dimerec {
namespace {

TEST(Aggregate, ThreeSeeds) {
    // Hand computation: mean 0.09; deviations ±0.01 and 0 give variance 0.0002 / 2 = 0.0001,
    // sd 0.01, standard error 0.01 / √3.
    const MetricStats stats = aggregate({0.08, 0.10, 0.09});
    EXPECT_EQ(stats.n, 3);
    EXPECT_NEAR(stats.mean, 0.09, 1e-15);
    EXPECT_NEAR(stats.stdDev, 0.01, 1e-15);
    EXPECT_NEAR(stats.stdErr, 0.01 / std::sqrt(3.0), 1e-15);
    EXPECT_DOUBLE_EQ(stats.min, 0.08);
    EXPECT_DOUBLE_EQ(stats.max, 0.10);
    EXPECT_EQ(formatMeanStd(stats), "0.0900 ± 0.0100");
    EXPECT_EQ(formatMeanStd(stats, 2), "0.09 ± 0.01");
}

TEST(Aggregate, SleepDataGroupOne) {
    // Cushny & Peebles sleep data (R's `sleep`, group 1): R gives mean(x) = 0.75 and
    // sd(x) = 1.789010.
    const MetricStats stats = aggregate({0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0});
    EXPECT_EQ(stats.n, 10);
    EXPECT_NEAR(stats.mean, 0.75, 1e-12);
    EXPECT_NEAR(stats.stdDev, 1.789010, 1e-6);
    EXPECT_DOUBLE_EQ(stats.min, -1.6);
    EXPECT_DOUBLE_EQ(stats.max, 3.7);
}

TEST(Aggregate, OneValueHasNoSpread) {
    const MetricStats stats = aggregate({0.0823});
    EXPECT_EQ(stats.n, 1);
    EXPECT_DOUBLE_EQ(stats.mean, 0.0823);
    EXPECT_EQ(stats.stdDev, 0.0);
    EXPECT_EQ(stats.stdErr, 0.0);
    EXPECT_EQ(formatMeanStd(stats), "0.0823");
}

TEST(Aggregate, EmptyAndNonFinite) {
    EXPECT_EQ(aggregate({}).n, 0);
    EXPECT_THROW(aggregate({0.1, std::numeric_limits<double>::quiet_NaN()}), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
