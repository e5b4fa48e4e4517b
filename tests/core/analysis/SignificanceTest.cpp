#include "analysis/Significance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

// Cushny & Peebles' sleep data, R's `sleep` data set (extra hours of sleep, two drugs, the
// same ten patients). Its results are printed in R's documentation and countless textbooks.
const std::vector<double> kSleepDrug1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kSleepDrug2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

// Hollander & Wolfe (1973, p. 29), the example of R's ?wilcox.test: depression scale at the
// first (x) and second (y) visit of nine patients.
const std::vector<double> kDepressionX = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
const std::vector<double> kDepressionY = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};

TEST(Distributions, IncompleteBetaClosedForms) {
    // I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b, I_½(a, a) = ½.
    EXPECT_NEAR(regularizedIncompleteBeta(1.0, 1.0, 0.3), 0.3, 1e-14);
    EXPECT_NEAR(regularizedIncompleteBeta(2.5, 1.0, 0.6), std::pow(0.6, 2.5), 1e-14);
    EXPECT_NEAR(regularizedIncompleteBeta(1.0, 3.0, 0.2), 1.0 - std::pow(0.8, 3.0), 1e-14);
    EXPECT_NEAR(regularizedIncompleteBeta(7.3, 7.3, 0.5), 0.5, 1e-13);
    EXPECT_EQ(regularizedIncompleteBeta(2.0, 3.0, 0.0), 0.0);
    EXPECT_EQ(regularizedIncompleteBeta(2.0, 3.0, 1.0), 1.0);
    EXPECT_THROW(regularizedIncompleteBeta(0.0, 1.0, 0.5), std::invalid_argument);
}

TEST(Distributions, StudentT) {
    // df = 1 is the Cauchy distribution: F(t) = ½ + atan(t)/π. df = 2 has the closed form
    // F(t) = ½ + t / (2√(2 + t²)).
    EXPECT_NEAR(studentTCdf(1.0, 1.0), 0.75, 1e-14);
    EXPECT_NEAR(studentTCdf(-3.0, 1.0), 0.5 + std::atan(-3.0) / M_PI, 1e-14);
    EXPECT_NEAR(studentTCdf(1.5, 2.0), 0.5 + 1.5 / (2.0 * std::sqrt(2.0 + 2.25)), 1e-14);
    EXPECT_NEAR(studentTCdf(0.0, 7.0), 0.5, 1e-15);
    // Textbook quantiles (e.g. NIST/SEMATECH e-Handbook, Table 1.3.6.7.2):
    // t(0.975; 9) = 2.262, t(0.95; 1) = 6.314, t(0.995; 30) = 2.750.
    EXPECT_NEAR(studentTCdf(2.262157, 9.0), 0.975, 1e-6);
    EXPECT_NEAR(studentTCdf(6.313752, 1.0), 0.95, 1e-6);
    EXPECT_NEAR(studentTCdf(2.749996, 30.0), 0.995, 1e-6);
    // Far tails keep relative precision: F(−40; 3) = 1.7e-5 (to 2 digits, from the df = 3 closed
    // form ½ + (θ + sinθ cosθ)/π with θ = atan(t/√3)).
    const double theta = std::atan(-40.0 / std::sqrt(3.0));
    EXPECT_NEAR(
        studentTCdf(-40.0, 3.0) / (0.5 + (theta + std::sin(theta) * std::cos(theta)) / M_PI), 1.0,
        1e-6);
}

TEST(Distributions, Normal) {
    EXPECT_NEAR(normalCdf(0.0), 0.5, 1e-15);
    EXPECT_NEAR(normalCdf(1.959964), 0.975, 1e-7);
    EXPECT_NEAR(normalCdf(-2.575829), 0.005, 1e-8);
}

TEST(PairedTTest, SleepData) {
    // R: t.test(extra ~ group, data = sleep, paired = TRUE) →
    // t = -4.0621, df = 9, p-value = 0.002833, mean difference -1.58.
    const TestResult result = pairedTTest(kSleepDrug1, kSleepDrug2);
    EXPECT_EQ(result.n, 10);
    EXPECT_DOUBLE_EQ(result.df, 9.0);
    EXPECT_NEAR(result.statistic, -4.0621, 5e-5);
    EXPECT_NEAR(result.pValue, 0.002833, 5e-7);
    EXPECT_NEAR(result.meanDifference, -1.58, 1e-12);
    // One-sided halves it on the side of the effect.
    EXPECT_NEAR(pairedTTest(kSleepDrug1, kSleepDrug2, Alternative::Less).pValue, 0.002833 / 2,
                5e-7);
    EXPECT_NEAR(pairedTTest(kSleepDrug1, kSleepDrug2, Alternative::Greater).pValue,
                1.0 - 0.002833 / 2, 5e-7);
}

TEST(PairedTTest, SmallHandComputed) {
    // d = (1, 2, 3): mean 2, sd 1, t = 2 / (1/√3) = 2√3 with 2 df; the df = 2 closed form
    // gives the two-sided p = 1 − t/√(2 + t²) = 1 − √12/√14.
    const TestResult result = pairedTTest({2.0, 4.0, 6.0}, {1.0, 2.0, 3.0});
    EXPECT_NEAR(result.statistic, 2.0 * std::sqrt(3.0), 1e-12);
    EXPECT_NEAR(result.pValue, 1.0 - std::sqrt(12.0 / 14.0), 1e-12);
}

TEST(PairedTTest, DegenerateAndInvalid) {
    const TestResult same = pairedTTest({0.1, 0.2, 0.3}, {0.1, 0.2, 0.3});
    EXPECT_EQ(same.statistic, 0.0);
    EXPECT_EQ(same.pValue, 1.0);
    const TestResult shifted = pairedTTest({1.5, 2.5, 3.5}, {1.0, 2.0, 3.0});
    EXPECT_TRUE(std::isinf(shifted.statistic) && shifted.statistic > 0.0);
    EXPECT_EQ(shifted.pValue, 0.0);
    EXPECT_THROW(pairedTTest({1.0, 2.0}, {1.0}), std::invalid_argument);
    EXPECT_THROW(pairedTTest({1.0}, {2.0}), std::invalid_argument);
    EXPECT_THROW(pairedTTest({1.0, NAN}, {2.0, 3.0}), std::invalid_argument);
}

TEST(WelchTTest, SleepData) {
    // R: t.test(extra ~ group, data = sleep) (Welch by default) →
    // t = -1.8608, df = 17.776, p-value = 0.07939; means 0.75 and 2.33.
    const TestResult result = welchTTest(kSleepDrug1, kSleepDrug2);
    EXPECT_NEAR(result.statistic, -1.8608, 5e-5);
    EXPECT_NEAR(result.df, 17.776, 5e-4);
    EXPECT_NEAR(result.pValue, 0.07939, 5e-6);
    EXPECT_NEAR(result.meanDifference, 0.75 - 2.33, 1e-12);
    EXPECT_EQ(result.n, 20);
}

TEST(WelchTTest, UnequalSizesHandComputed) {
    // a = (1, 2, 3): mean 2, var 1; b = (2, 4, 6, 8): mean 5, var 20/3.
    // se² = 1/3 + 5/3 = 2, t = −3/√2; df = 4 / ((1/3)²/2 + (5/3)²/3) = 4 / (1/18 + 25/27)
    // = 216/53.
    const TestResult result = welchTTest({1.0, 2.0, 3.0}, {2.0, 4.0, 6.0, 8.0});
    EXPECT_NEAR(result.statistic, -3.0 / std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(result.df, 216.0 / 53.0, 1e-12);
    EXPECT_THROW(welchTTest({1.0}, {1.0, 2.0}), std::invalid_argument);
}

TEST(Wilcoxon, ExactHollanderWolfe) {
    // R: wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p-value = 0.01953.
    // By hand: n = 9, no ties; P(V ≥ 40) = P(V ≤ 5) = 10 subsets of {1..9} / 2⁹ = 10/512;
    // P(V ≤ 40) = 1 − P(V ≤ 4) = 1 − 7/512.
    const TestResult greater = wilcoxonSignedRank(kDepressionX, kDepressionY, Alternative::Greater);
    EXPECT_EQ(greater.method, "Wilcoxon signed-rank (exact)");
    EXPECT_EQ(greater.n, 9);
    EXPECT_DOUBLE_EQ(greater.statistic, 40.0);
    EXPECT_DOUBLE_EQ(greater.pValue, 10.0 / 512.0);
    EXPECT_DOUBLE_EQ(wilcoxonSignedRank(kDepressionX, kDepressionY).pValue, 20.0 / 512.0);
    EXPECT_DOUBLE_EQ(wilcoxonSignedRank(kDepressionX, kDepressionY, Alternative::Less).pValue,
                     1.0 - 7.0 / 512.0);
    // Swapping the samples mirrors V to n(n+1)/2 − V = 5.
    EXPECT_DOUBLE_EQ(wilcoxonSignedRank(kDepressionY, kDepressionX).statistic, 5.0);
    EXPECT_DOUBLE_EQ(wilcoxonSignedRank(kDepressionY, kDepressionX).pValue, 20.0 / 512.0);
}

TEST(Wilcoxon, NormalApproximationWithTiesAndZero) {
    // R: wilcox.test(extra ~ group, data = sleep, paired = TRUE) → V = 0, p-value = 0.009091
    // ("cannot compute exact p-value with ties / zeroes"). By hand: one zero dropped, n = 9,
    // one pair of tied |d| = 1.3: σ² = 9·10·19/24 − (2³ − 2)/48 = 71.125,
    // z = (0 − 22.5 + 0.5)/√71.125 = −2.6086, p = 2Φ(z).
    const TestResult result = wilcoxonSignedRank(kSleepDrug1, kSleepDrug2);
    EXPECT_EQ(result.method, "Wilcoxon signed-rank (normal approximation)");
    EXPECT_EQ(result.n, 9);
    EXPECT_DOUBLE_EQ(result.statistic, 0.0);
    EXPECT_NEAR(result.pValue, 2.0 * normalCdf(-22.0 / std::sqrt(71.125)), 1e-15);
    EXPECT_NEAR(result.pValue, 0.009091, 5e-7);
}

TEST(Wilcoxon, TiedRanksAreAveraged) {
    // d = (1, −1, 2, 3): |d| ranks 1.5, 1.5, 3, 4 → V = 1.5 + 3 + 4 = 8.5.
    const TestResult result = wilcoxonSignedRank({1.0, 0.0, 2.0, 3.0}, {0.0, 1.0, 0.0, 0.0});
    EXPECT_DOUBLE_EQ(result.statistic, 8.5);
    EXPECT_EQ(result.method, "Wilcoxon signed-rank (normal approximation)");
}

TEST(Wilcoxon, AllZeroDifferences) {
    const TestResult result = wilcoxonSignedRank({0.3, 0.4}, {0.3, 0.4});
    EXPECT_EQ(result.n, 0);
    EXPECT_EQ(result.pValue, 1.0);
}

// Per-user samples as the comparisons pair them, generated by formula so that SciPy sees the
// same numbers (script in the comment of each test). HR-like: 0/1 per user, mostly zero
// differences; NDCG-like: 1/log2(1 + rank) for ranks ≤ 10, else 0 (many ties).
std::vector<double> hrLike(int n, int step, int modulo, int below) {
    std::vector<double> values;
    for (int i = 0; i < n; ++i) values.push_back((i * step) % modulo < below ? 1.0 : 0.0);
    return values;
}

std::vector<double> ndcgLike(int n, int step, int modulo) {
    std::vector<double> values;
    for (int i = 0; i < n; ++i) {
        const int rank = 1 + (i * step) % modulo;
        values.push_back(rank <= 10 ? 1.0 / std::log2(1.0 + rank) : 0.0);
    }
    return values;
}

// SciPy 1.10.1 (Debian 12's python3-scipy) on the same samples:
//   x = [1.0 if (i*7)%10<3 else 0.0 for i in range(500)]
//   y = [1.0 if (i*13)%17<3 else 0.0 for i in range(500)]
//   stats.ttest_rel(x, y)                      → t 4.573250424839313, p 6.06446007472411e-06
//   stats.wilcoxon(x, y, zero_method='wilcox', correction=True, method='approx')
//                                              → p 7.325025889329516e-06 (185 non-zero, V 11439)
//   stats.bootstrap((x, y), lambda a, b: np.mean(a - b), paired=True, vectorized=False,
//                   n_resamples=100000, method='percentile', random_state=1)
//                                              → (0.07, 0.174); mean 0.122, se 0.0266769
TEST(PerUserTests, HitRatesWithMostlyZeroDifferencesMatchScipy) {
    const std::vector<double> x = hrLike(500, 7, 10, 3);
    const std::vector<double> y = hrLike(500, 13, 17, 3);
    const TestResult t = pairedTTest(x, y);
    EXPECT_NEAR(t.statistic, 4.573250424839313, 1e-12);
    EXPECT_NEAR(t.pValue / 6.06446007472411e-06, 1.0, 1e-9);
    const TestResult w = wilcoxonSignedRank(x, y);
    EXPECT_EQ(w.method, "Wilcoxon signed-rank (normal approximation)");
    EXPECT_EQ(w.n, 185);
    EXPECT_DOUBLE_EQ(w.statistic, 11439.0);
    EXPECT_NEAR(w.pValue / 7.325025889329516e-06, 1.0, 1e-9);
    // Different random streams: the percentile ends agree to the Monte-Carlo error of 10,000
    // resamples (about 0.03 standard errors of the mean; allowed: 0.15).
    const BootstrapInterval ci = pairedBootstrapInterval(x, y);
    EXPECT_EQ(ci.resamples, 10000);
    EXPECT_NEAR(ci.low, 0.07, 0.15 * 0.0266769);
    EXPECT_NEAR(ci.high, 0.174, 0.15 * 0.0266769);
}

// SciPy 1.10.1, as above on
//   v = lambda r: 1/math.log2(1+r) if r <= 10 else 0.0
//   x = [v(1+(i*17)%23) for i in range(300)];  y = [v(1+(i*29)%19) for i in range(300)]
//   ttest_rel → t −1.8587548508690994, p 0.06404432940264276
//   wilcoxon(zero_method='wilcox', correction=True, method='approx')
//            → p 0.06554350098649482 (216 non-zero, V 10025)
//   bootstrap(percentile, 100,000 resamples) → (−0.08235319494415684, 0.0019940248934958117);
//   se of the mean 0.021592560895722458
TEST(PerUserTests, TiedNdcgValuesMatchScipy) {
    const std::vector<double> x = ndcgLike(300, 17, 23);
    const std::vector<double> y = ndcgLike(300, 29, 19);
    const TestResult t = pairedTTest(x, y);
    EXPECT_NEAR(t.statistic, -1.8587548508690994, 1e-12);
    EXPECT_NEAR(t.pValue, 0.06404432940264276, 1e-13);
    const TestResult w = wilcoxonSignedRank(x, y);
    EXPECT_EQ(w.n, 216);
    EXPECT_DOUBLE_EQ(w.statistic, 10025.0);
    EXPECT_NEAR(w.pValue, 0.06554350098649482, 1e-13);
    const BootstrapInterval ci = pairedBootstrapInterval(x, y);
    EXPECT_NEAR(ci.low, -0.08235319494415684, 0.15 * 0.021592560895722458);
    EXPECT_NEAR(ci.high, 0.0019940248934958117, 0.15 * 0.021592560895722458);
}

// ML-1M's 6,040 users and a clear difference: p-values far below 1e-16 keep their digits.
// SciPy 1.10.1: x = [1.0 if (i*7)%10<4 else 0.0 ...], y = [1.0 if (i*13)%17<3 else 0.0 ...]
// for i in range(6040): ttest_rel → t 27.922396922758026, p 1.7840290131490475e-161;
// wilcoxon(zero_method='wilcox', correction=True, method='approx') → p 3.267439536105869e-152.
TEST(PerUserTests, TinyPValuesOfThousandsOfUsersMatchScipy) {
    const std::vector<double> x = hrLike(6040, 7, 10, 4);
    const std::vector<double> y = hrLike(6040, 13, 17, 3);
    const TestResult t = pairedTTest(x, y);
    EXPECT_NEAR(t.statistic, 27.922396922758026, 1e-10);
    EXPECT_NEAR(t.pValue / 1.7840290131490475e-161, 1.0, 1e-8);
    EXPECT_NEAR(wilcoxonSignedRank(x, y).pValue / 3.267439536105869e-152, 1.0, 1e-8);
}

TEST(PerUserTests, BootstrapIsSeededAndExactWhereTheAnswerIsKnown) {
    const std::vector<double> x = ndcgLike(300, 17, 23);
    const std::vector<double> y = ndcgLike(300, 29, 19);
    const BootstrapInterval first = pairedBootstrapInterval(x, y);
    const BootstrapInterval again = pairedBootstrapInterval(x, y);
    EXPECT_EQ(first.low, again.low);
    EXPECT_EQ(first.high, again.high);
    EXPECT_NE(pairedBootstrapInterval(x, y, 0.95, 10000, 7).low, first.low);
    // A constant difference has no spread: every resample's mean is it.
    const BootstrapInterval constant = pairedBootstrapInterval({1.0, 2.0, 3.0}, {0.5, 1.5, 2.5});
    EXPECT_DOUBLE_EQ(constant.low, 0.5);
    EXPECT_DOUBLE_EQ(constant.high, 0.5);
    // Two pairs with d = 0 and 1: a resample's mean is 0, ½ or 1 with probabilities ¼, ½, ¼,
    // so the 2.5 % and 97.5 % quantiles of 10,000 of them are 0 and 1.
    const BootstrapInterval two = pairedBootstrapInterval({0.0, 1.0}, {0.0, 0.0});
    EXPECT_EQ(two.low, 0.0);
    EXPECT_EQ(two.high, 1.0);
    EXPECT_THROW(pairedBootstrapInterval({}, {}), std::invalid_argument);
    EXPECT_THROW(pairedBootstrapInterval({1.0}, {1.0, 2.0}), std::invalid_argument);
}

TEST(PerUserTests, HolmAdjustmentMatchesHandComputation) {
    // Sorted 0.005, 0.01, 0.03, 0.04 of m = 4: ×4, ×3, ×2, ×1 → 0.02, 0.03, 0.06, 0.04, then
    // the running maximum → 0.02, 0.03, 0.06, 0.06; returned in the input order.
    const std::vector<double> adjusted = holmAdjust({0.01, 0.04, 0.03, 0.005});
    ASSERT_EQ(adjusted.size(), 4u);
    EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
    EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
    EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
    EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
    // Capped at 1; one test stays as it is; none gives none.
    EXPECT_EQ(holmAdjust({0.6, 0.7}), (std::vector<double>{1.0, 1.0}));
    EXPECT_EQ(holmAdjust({0.3}), std::vector<double>{0.3});
    EXPECT_TRUE(holmAdjust({}).empty());
    EXPECT_THROW(holmAdjust({1.5}), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
