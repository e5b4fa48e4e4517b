#include "analysis/Significance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace dimerec {

namespace {

constexpr int kMaxFractionTerms = 500;        // continued fraction of I_x(a, b); converges in < 100
constexpr double kFractionTolerance = 1e-15;  // relative change that ends the continued fraction
constexpr double kTiny = 1e-300;              // keeps Lentz's method away from division by zero
constexpr int64_t kExactWilcoxonLimit = 50;   // R's wilcox.test: exact below 50 pairs

// Lentz's evaluation of the continued fraction for I_x(a, b) (Numerical Recipes §6.4).
double betaContinuedFraction(double a, double b, double x) {
    const double qab = a + b;
    const double qap = a + 1.0;
    const double qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (std::fabs(d) < kTiny) {
        d = kTiny;
    }
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= kMaxFractionTerms; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = std::fabs(d) < kTiny ? kTiny : d;
        c = 1.0 + aa / c;
        c = std::fabs(c) < kTiny ? kTiny : c;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = std::fabs(d) < kTiny ? kTiny : d;
        c = 1.0 + aa / c;
        c = std::fabs(c) < kTiny ? kTiny : c;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::fabs(delta - 1.0) < kFractionTolerance) {
            break;
        }
    }
    return h;
}

void requireFinite(const std::vector<double>& values, const char* test, const char* sample) {
    for (size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            throw std::invalid_argument(std::string(test) + ": value " + std::to_string(i) +
                                        " of sample " + sample + " is not a finite number");
        }
    }
}

std::vector<double> differences(const std::vector<double>& a, const std::vector<double>& b,
                                const char* test) {
    if (a.size() != b.size()) {
        throw std::invalid_argument(std::string(test) + ": the samples differ in size (" +
                                    std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                                    " values)");
    }
    requireFinite(a, test, "a");
    requireFinite(b, test, "b");
    std::vector<double> d(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        d[i] = a[i] - b[i];
    }
    return d;
}

double mean(const std::vector<double>& values) {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sampleVariance(const std::vector<double>& values, double center) {
    double squares = 0.0;
    for (double value : values) {
        squares += (value - center) * (value - center);
    }
    return squares / static_cast<double>(values.size() - 1);
}

// p-value of a t statistic; the two-sided one straight from I_x so that tiny p-values keep
// their digits instead of being 1 − (1 − p).
double tPValue(double t, double df, Alternative alternative) {
    switch (alternative) {
        case Alternative::Less:
            return studentTCdf(t, df);
        case Alternative::Greater:
            return studentTCdf(-t, df);
        case Alternative::TwoSided:
            break;
    }
    if (std::isinf(t)) {
        return 0.0;
    }
    return regularizedIncompleteBeta(df / 2.0, 0.5, df / (df + t * t));
}

// t and p of a test whose estimate `difference` has standard error `stdErr`; no spread
// means either no difference (p = 1) or an unmistakable one (p = 0 on its side).
void fillT(TestResult& result, double difference, double stdErr, Alternative alternative) {
    result.meanDifference = difference;
    if (stdErr > 0.0) {
        result.statistic = difference / stdErr;
    } else if (difference == 0.0) {
        result.statistic = 0.0;
        result.pValue = 1.0;
        return;
    } else {
        result.statistic = difference > 0.0 ? std::numeric_limits<double>::infinity()
                                            : -std::numeric_limits<double>::infinity();
    }
    result.pValue = tPValue(result.statistic, result.df, alternative);
}

// SplitMix64 (Steele, Lea & Flood 2014): a fully specified 64-bit generator, so bootstrap
// intervals are the same on every platform (std::uniform_int_distribution is not).
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

private:
    uint64_t state_;
};

// Uniform indices in 0..n−1 from 32-bit halves of the stream, by Lemire's multiply-shift with
// rejection (unbiased; n < 2^32).
class IndexDraws {
public:
    IndexDraws(uint64_t seed, uint32_t n)
        : random_(seed), n_(n), threshold_(static_cast<uint32_t>(-n_) % n_) {}
    uint32_t next() {
        for (;;) {
            const uint64_t product = uint64_t{nextHalf()} * n_;
            if (static_cast<uint32_t>(product) >= threshold_)
                return static_cast<uint32_t>(product >> 32);
        }
    }

private:
    uint32_t nextHalf() {
        if (spare_) {
            spare_ = false;
            return static_cast<uint32_t>(word_ >> 32);
        }
        word_ = random_.next();
        spare_ = true;
        return static_cast<uint32_t>(word_);
    }
    SplitMix64 random_;
    uint32_t n_;
    uint32_t threshold_;
    uint64_t word_ = 0;
    bool spare_ = false;
};

// The q-quantile of sorted values, R's type 7: linear between order statistics.
double quantileType7(const std::vector<double>& sorted, double q) {
    const double h = (static_cast<double>(sorted.size()) - 1.0) * q;
    const auto below = static_cast<size_t>(std::floor(h));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// P(V ≤ v) for every v under H0 with n untied, non-zero differences: each rank enters V
// with probability ½, independently.
std::vector<double> signedRankCdf(int64_t n) {
    const int64_t maxSum = n * (n + 1) / 2;
    std::vector<double> counts(static_cast<size_t>(maxSum + 1), 0.0);
    counts[0] = 1.0;
    for (int64_t rank = 1; rank <= n; ++rank) {
        for (int64_t sum = rank * (rank + 1) / 2; sum >= rank; --sum) {
            counts[static_cast<size_t>(sum)] += counts[static_cast<size_t>(sum - rank)];
        }
    }
    const double total = std::ldexp(1.0, static_cast<int>(n));
    double running = 0.0;
    for (double& count : counts) {
        running += count;
        count = running / total;
    }
    return counts;
}

}  // namespace

std::vector<double> holmAdjust(const std::vector<double>& pValues) {
    for (double p : pValues) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw std::invalid_argument("holmAdjust: p-value " + std::to_string(p) +
                                        " is not in [0, 1]");
        }
    }
    const size_t m = pValues.size();
    std::vector<size_t> order(m);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&pValues](size_t i, size_t j) { return pValues[i] < pValues[j]; });
    std::vector<double> adjusted(m);
    double running = 0.0;
    for (size_t rank = 0; rank < m; ++rank) {
        running =
            std::max(running, std::min(1.0, static_cast<double>(m - rank) * pValues[order[rank]]));
        adjusted[order[rank]] = running;
    }
    return adjusted;
}

BootstrapInterval pairedBootstrapInterval(const std::vector<double>& a,
                                          const std::vector<double>& b, double level, int resamples,
                                          uint64_t seed) {
    const std::vector<double> d = differences(a, b, "pairedBootstrapInterval");
    if (d.empty() || d.size() > std::numeric_limits<uint32_t>::max()) {
        throw std::invalid_argument("pairedBootstrapInterval: needs 1 to 2^32 − 1 pairs, got " +
                                    std::to_string(d.size()));
    }
    if (resamples < 2 || !(level > 0.0 && level < 1.0)) {
        throw std::invalid_argument(
            "pairedBootstrapInterval: needs at least 2 resamples and a level in (0, 1)");
    }
    IndexDraws draws(seed, static_cast<uint32_t>(d.size()));
    std::vector<double> means(static_cast<size_t>(resamples));
    for (double& mean : means) {
        double sum = 0.0;
        for (size_t i = 0; i < d.size(); ++i) sum += d[draws.next()];
        mean = sum / static_cast<double>(d.size());
    }
    std::sort(means.begin(), means.end());
    BootstrapInterval interval;
    interval.low = quantileType7(means, (1.0 - level) / 2.0);
    interval.high = quantileType7(means, (1.0 + level) / 2.0);
    interval.resamples = resamples;
    interval.level = level;
    return interval;
}

double regularizedIncompleteBeta(double a, double b, double x) {
    if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0)) {
        throw std::invalid_argument(
            "regularizedIncompleteBeta: needs a > 0, b > 0 and 0 <= x <= 1");
    }
    if (x == 0.0 || x == 1.0) {
        return x;
    }
    const double logFront =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    const double front = std::exp(logFront);
    // The continued fraction converges fast only on this side of the mean; the symmetry
    // I_x(a, b) = 1 − I_{1−x}(b, a) covers the other.
    if (x < (a + 1.0) / (a + b + 2.0)) {
        return front * betaContinuedFraction(a, b, x) / a;
    }
    return 1.0 - front * betaContinuedFraction(b, a, 1.0 - x) / b;
}

double studentTCdf(double t, double df) {
    if (!(df > 0.0) || std::isnan(t)) {
        throw std::invalid_argument("studentTCdf: needs df > 0 and a number t");
    }
    if (std::isinf(t)) {
        return t > 0.0 ? 1.0 : 0.0;
    }
    const double tail = 0.5 * regularizedIncompleteBeta(df / 2.0, 0.5, df / (df + t * t));
    return t > 0.0 ? 1.0 - tail : tail;
}

double normalCdf(double z) {
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

TestResult pairedTTest(const std::vector<double>& a, const std::vector<double>& b,
                       Alternative alternative) {
    const std::vector<double> d = differences(a, b, "pairedTTest");
    if (d.size() < 2) {
        throw std::invalid_argument("pairedTTest: needs at least 2 pairs, got " +
                                    std::to_string(d.size()));
    }
    TestResult result;
    result.method = "paired t-test";
    result.n = static_cast<int64_t>(d.size());
    result.df = static_cast<double>(result.n - 1);
    const double meanD = mean(d);
    const double stdErr = std::sqrt(sampleVariance(d, meanD) / static_cast<double>(result.n));
    fillT(result, meanD, stdErr, alternative);
    return result;
}

TestResult welchTTest(const std::vector<double>& a, const std::vector<double>& b,
                      Alternative alternative) {
    if (a.size() < 2 || b.size() < 2) {
        throw std::invalid_argument("welchTTest: needs at least 2 values in each sample, got " +
                                    std::to_string(a.size()) + " and " + std::to_string(b.size()));
    }
    requireFinite(a, "welchTTest", "a");
    requireFinite(b, "welchTTest", "b");
    TestResult result;
    result.method = "Welch t-test";
    result.n = static_cast<int64_t>(a.size() + b.size());
    const double meanA = mean(a);
    const double meanB = mean(b);
    const double na = static_cast<double>(a.size());
    const double nb = static_cast<double>(b.size());
    const double termA = sampleVariance(a, meanA) / na;
    const double termB = sampleVariance(b, meanB) / nb;
    const double se2 = termA + termB;
    // Welch–Satterthwaite; with no spread at all the df does not matter, n − 2 is shown.
    result.df = se2 > 0.0 ? se2 * se2 / (termA * termA / (na - 1.0) + termB * termB / (nb - 1.0))
                          : na + nb - 2.0;
    fillT(result, meanA - meanB, std::sqrt(se2), alternative);
    return result;
}

TestResult wilcoxonSignedRank(const std::vector<double>& a, const std::vector<double>& b,
                              Alternative alternative) {
    const std::vector<double> all = differences(a, b, "wilcoxonSignedRank");
    TestResult result;
    result.method = "Wilcoxon signed-rank";
    result.meanDifference = all.empty() ? 0.0 : mean(all);
    std::vector<double> d;
    for (double value : all) {
        if (value != 0.0) {
            d.push_back(value);
        }
    }
    const int64_t n = static_cast<int64_t>(d.size());
    result.n = n;
    if (n == 0) {
        return result;
    }
    std::vector<size_t> order(d.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&d](size_t i, size_t j) { return std::fabs(d[i]) < std::fabs(d[j]); });
    double v = 0.0;
    double tieTerm = 0.0;  // Σ (t³ − t) over groups of tied |d|
    for (size_t start = 0; start < order.size();) {
        size_t end = start + 1;
        while (end < order.size() && std::fabs(d[order[end]]) == std::fabs(d[order[start]])) {
            ++end;
        }
        const double averageRank = 0.5 * static_cast<double>(start + 1 + end);
        for (size_t k = start; k < end; ++k) {
            if (d[order[k]] > 0.0) {
                v += averageRank;
            }
        }
        const double t = static_cast<double>(end - start);
        tieTerm += t * t * t - t;
        start = end;
    }
    result.statistic = v;
    const double nd = static_cast<double>(n);
    const double center = nd * (nd + 1.0) / 4.0;
    if (n < kExactWilcoxonLimit && tieTerm == 0.0) {
        result.method += " (exact)";
        const std::vector<double> cdf = signedRankCdf(n);
        const auto atMost = [&cdf](double value) {
            return value < 0.0 ? 0.0 : cdf[static_cast<size_t>(value)];
        };
        const double lower = atMost(v);              // P(V ≤ v)
        const double upper = 1.0 - atMost(v - 1.0);  // P(V ≥ v)
        switch (alternative) {
            case Alternative::Less:
                result.pValue = lower;
                break;
            case Alternative::Greater:
                result.pValue = upper;
                break;
            case Alternative::TwoSided:
                result.pValue = std::min(1.0, 2.0 * std::min(lower, upper));
                break;
        }
        return result;
    }
    result.method += " (normal approximation)";
    const double sigma = std::sqrt(nd * (nd + 1.0) * (2.0 * nd + 1.0) / 24.0 - tieTerm / 48.0);
    double z = v - center;
    switch (alternative) {
        case Alternative::Less:
            result.pValue = normalCdf((z + 0.5) / sigma);
            break;
        case Alternative::Greater:
            result.pValue = normalCdf(-(z - 0.5) / sigma);
            break;
        case Alternative::TwoSided:
            // Φ(−|z|) rather than 1 − Φ(|z|): thousands of users give p-values far below 1e-16.
            z = (z - (z > 0.0 ? 0.5 : z < 0.0 ? -0.5 : 0.0)) / sigma;
            result.pValue = std::min(1.0, 2.0 * normalCdf(-std::fabs(z)));
            break;
    }
    return result;
}

}  // namespace dimerec
