#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// Which difference a test looks for; Less / Greater are about a − b (the first sample
// against the second).
enum class Alternative { TwoSided, Less, Greater };

// The outcome of one significance test, with the numbers R's t.test / wilcox.test print.
struct TestResult {
    std::string method;      // "paired t-test", "Welch t-test", "Wilcoxon signed-rank (exact)" …
    double statistic = 0.0;  // t, or V = sum of the ranks of positive differences (Wilcoxon)
    double df = 0.0;         // degrees of freedom of the t distribution; 0 for Wilcoxon
    double pValue = 1.0;
    int64_t n = 0;  // pairs (Wilcoxon: non-zero differences), or total sample size (Welch)
    double meanDifference = 0.0;  // mean of a − b (paired) or mean(a) − mean(b) (Welch)
};

// Paired t-test of a[i] against b[i] (e.g. a metric per user, or per seed with equal seeds):
// t = mean(d) / (sd(d)/√n) on d = a − b, n − 1 degrees of freedom. Needs equal sizes and
// n ≥ 2 (std::invalid_argument otherwise). Constant differences have no spread: equal
// samples give t = 0, p = 1; a constant non-zero shift gives t = ±∞, p = 0.
TestResult pairedTTest(const std::vector<double>& a, const std::vector<double>& b,
                       Alternative alternative = Alternative::TwoSided);

// Welch's unequal-variance t-test for two independent samples (e.g. two seed groups whose
// seeds do not correspond), with Welch–Satterthwaite degrees of freedom. Needs n ≥ 2 in each.
TestResult welchTTest(const std::vector<double>& a, const std::vector<double>& b,
                      Alternative alternative = Alternative::TwoSided);

// Wilcoxon signed-rank test on d = a − b. As R's wilcox.test(paired = TRUE): zero differences
// are dropped, tied |d| get average ranks; with fewer than 50 non-zero differences and no
// ties the p-value is exact (the null distribution of V enumerated), otherwise it uses the
// normal approximation with tie-corrected variance and continuity correction.
// All-zero differences give V = 0, p = 1.
TestResult wilcoxonSignedRank(const std::vector<double>& a, const std::vector<double>& b,
                              Alternative alternative = Alternative::TwoSided);

// Holm's step-down correction of a family of p-values (R's p.adjust(p, "holm")): the i-th
// smallest of m becomes max over j ≤ i of min(1, (m − j + 1)·p_(j)); returned in the input
// order. Controls the family-wise error rate without assuming independence.
std::vector<double> holmAdjust(const std::vector<double>& pValues);

// A percentile bootstrap interval of the mean of d = a − b over pairs.
struct BootstrapInterval {
    double low = 0.0;
    double high = 0.0;
    int resamples = 0;
    double level = 0.0;
};

constexpr int kBootstrapResamples = 10000;
constexpr uint64_t kBootstrapSeed = 20250207;  // fixed: the interval repeats run after run

// Paired bootstrap: `resamples` times n pairs drawn with replacement (indices from a SplitMix64
// stream seeded with `seed`, mapped to 0..n−1 by Lemire's unbiased multiply-shift), the mean
// difference of each; the interval is their (1 − level)/2 and (1 + level)/2 quantiles
// (linear interpolation between order statistics, R's type 7). Needs equal sizes and n ≥ 1.
BootstrapInterval pairedBootstrapInterval(const std::vector<double>& a,
                                          const std::vector<double>& b, double level = 0.95,
                                          int resamples = kBootstrapResamples,
                                          uint64_t seed = kBootstrapSeed);

// The distributions behind the tests, exposed for the views and for testing.
// Regularised incomplete beta I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
double regularizedIncompleteBeta(double a, double b, double x);
// P(T ≤ t) for Student's t with df > 0 degrees of freedom (df may be fractional).
double studentTCdf(double t, double df);
// P(Z ≤ z) for the standard normal.
double normalCdf(double z);

}  // namespace dimerec
