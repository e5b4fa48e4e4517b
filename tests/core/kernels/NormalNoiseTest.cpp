#include "kernels/NormalNoise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace dimerec {
namespace {

std::vector<float> draw(int64_t count, uint64_t key) {
    std::vector<float> values(static_cast<size_t>(count), std::nanf(""));
    fillStandardNormal(values.data(), count, key);
    return values;
}

TEST(NormalNoise, MomentsAndDistributionAreThoseOfAStandardNormal) {
    // 2^20 draws. Standard errors: mean 1/√n ≈ 0.001, variance √(2/n) ≈ 0.0014, skewness
    // √(6/n) ≈ 0.0024, kurtosis √(24/n) ≈ 0.0048; the bounds are about 5 of them.
    const std::vector<float> x = draw(1 << 20, 2026);
    const double n = static_cast<double>(x.size());
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (float v : x) m1 += v;
    m1 /= n;
    for (float v : x) {
        const double d = v - m1;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    EXPECT_NEAR(m1, 0.0, 0.005);
    EXPECT_NEAR(m2, 1.0, 0.007);
    EXPECT_NEAR(m3 / std::pow(m2, 1.5), 0.0, 0.012);
    EXPECT_NEAR(m4 / (m2 * m2), 3.0, 0.025);
    // Kolmogorov–Smirnov distance to Φ(x) = erfc(−x/√2)/2: below 1.63/√n, the 1 % critical
    // value of the Kolmogorov distribution.
    std::vector<float> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    double distance = 0;
    for (size_t i = 0; i < sorted.size(); ++i) {
        const double cdf = 0.5 * std::erfc(-sorted[i] / std::sqrt(2.0));
        distance = std::max({distance, std::abs(cdf - i / n), std::abs(cdf - (i + 1) / n)});
    }
    EXPECT_LT(distance, 1.63 / std::sqrt(n));
    // The tails: P(|X| > 3) = 0.0026998 (tables), 2,831 of 2^20; sd √(n·p) ≈ 53.
    const auto beyond = std::count_if(x.begin(), x.end(), [](float v) { return std::abs(v) > 3; });
    EXPECT_NEAR(static_cast<double>(beyond), 0.0026998 * n, 270.0);
}

TEST(NormalNoise, TheTwoValuesOfAPairAreUncorrelated) {
    // Box–Muller gives each uniform pair's cosine to value j and its sine to value 64 + j of
    // each block of 128; their correlation over 4,096 blocks: sd 1/√(2^18) ≈ 0.002.
    const std::vector<float> x = draw(128 * 4096, 7);
    double product = 0;
    for (size_t block = 0; block < 4096; ++block) {
        for (size_t j = 0; j < 64; ++j) product += x[block * 128 + j] * x[block * 128 + 64 + j];
    }
    EXPECT_NEAR(product / (4096.0 * 64.0), 0.0, 0.01);
}

TEST(NormalNoise, AKeyFixesTheDrawsAndAShorterFillIsAPrefix) {
    const std::vector<float> a = draw(1000, 11);
    EXPECT_EQ(a, draw(1000, 11));
    EXPECT_NE(a, draw(1000, 12));
    for (int64_t count : {1, 7, 64, 65, 127, 129}) {
        const std::vector<float> b = draw(count, 11);
        EXPECT_TRUE(std::equal(b.begin(), b.end(), a.begin())) << count;
        EXPECT_TRUE(std::all_of(b.begin(), b.end(), [](float v) { return std::isfinite(v); }));
    }
}

// The dropout mask (applied to ones): every value 0 or 1/keep; the share kept within 4
// binomial standard deviations of keep over 2^20 values (keep 0.8: sd = sqrt(0.8·0.2/2^20) =
// 3.9e-4); the same key gives the same mask, another key a different one.
TEST(DropoutMask, KeepsTheRequestedShareScaledByItsInverse) {
    constexpr int64_t kCount = 1 << 20;
    constexpr float kKeep = 0.8f;
    const std::vector<float> ones(kCount, 1.0f);
    std::vector<float> mask(kCount);
    applyDropoutMask(ones.data(), nullptr, kCount, 17, 0, kKeep, mask.data());
    int64_t kept = 0;
    for (float value : mask) {
        ASSERT_TRUE(value == 0.0f || value == 1.0f / kKeep) << value;
        kept += value > 0.0f ? 1 : 0;
    }
    EXPECT_NEAR(static_cast<double>(kept) / kCount, kKeep, 4 * std::sqrt(0.8 * 0.2 / kCount));
    std::vector<float> again(kCount);
    applyDropoutMask(ones.data(), nullptr, kCount, 17, 0, kKeep, again.data());
    EXPECT_EQ(mask, again);
    applyDropoutMask(ones.data(), nullptr, kCount, 18, 0, kKeep, again.data());
    EXPECT_NE(mask, again);
}

// The mask is a function of the entry's index: applied in chunks (first = the chunk's start),
// with a base added, it gives exactly base + in · mask of the whole array.
TEST(DropoutMask, ChunksWithABaseMatchTheWholeMask) {
    constexpr int64_t kCount = 1000;
    constexpr float kKeep = 0.7f;
    std::vector<float> in(kCount);
    std::vector<float> base(kCount);
    for (int64_t i = 0; i < kCount; ++i) {
        in[i] = static_cast<float>(i % 13) - 6.0f;
        base[i] = 0.25f * static_cast<float>(i % 7);
    }
    const std::vector<float> ones(kCount, 1.0f);
    std::vector<float> mask(kCount);
    applyDropoutMask(ones.data(), nullptr, kCount, 5, 0, kKeep, mask.data());
    std::vector<float> chunked(kCount);
    for (int64_t first = 0; first < kCount; first += 300) {
        const int64_t count = std::min<int64_t>(300, kCount - first);
        applyDropoutMask(in.data() + first, base.data() + first, count, 5, first, kKeep,
                         chunked.data() + first);
    }
    for (int64_t i = 0; i < kCount; ++i) ASSERT_EQ(chunked[i], base[i] + in[i] * mask[i]) << i;
}

}  // namespace
}  // namespace dimerec
