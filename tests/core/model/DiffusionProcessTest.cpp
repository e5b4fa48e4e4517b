// The forward processes, their reverse steps, schedules and reverse-noise choices of issue 19,
// against values computed independently of core/model/Diffusion.cpp: hand computation, the
// issue's table, quadrature over the χ distribution, and Monte Carlo in double precision with
// <random>'s generators.
#include "model/Diffusion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

namespace dimerec {
namespace {

constexpr int64_t kDim = 64;
constexpr int64_t kDraws = 20000;
// Two-sample Kolmogorov–Smirnov at α = 0.01: reject when D > c(α)·sqrt((n + m)/(n·m)), with
// c(α) = sqrt(−ln(α/2)/2) = 1.6276.
const double kKsCoefficient = std::sqrt(-std::log(0.005) / 2.0);
// Means are compared within 4 standard errors: a false alarm once in about 16,000 comparisons.
constexpr double kErrors = 4.0;

torch::Tensor row(std::vector<float> values) {
    return torch::tensor(values).unsqueeze(0);
}

void expectNear(const torch::Tensor& actual, std::vector<double> expected, double tolerance) {
    const torch::Tensor flat = actual.flatten().to(torch::kFloat64);
    ASSERT_EQ(flat.numel(), static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_NEAR(flat[i].item<double>(), expected[i], tolerance) << i;
}

// E[cos(a·R)] for R ~ χ_k (the norm of a k-dimensional standard normal), by Simpson's rule over
// R's density r^{k−1} e^{−r²/2} / (2^{k/2−1} Γ(k/2)) on [0, sqrt(k) + 12] in double precision.
double chiMeanCos(double a, int k) {
    const int intervals = 4000;
    const double high = std::sqrt(static_cast<double>(k)) + 12.0;
    const double h = high / intervals;
    const double logScale = (k / 2.0 - 1.0) * std::log(2.0) + std::lgamma(k / 2.0);
    double sum = 0.0;
    for (int i = 1; i <= intervals; ++i) {
        const double r = i * h;
        const double f = std::exp((k - 1) * std::log(r) - r * r / 2.0 - logScale) * std::cos(a * r);
        sum += (i == intervals ? 1.0 : i % 2 == 1 ? 4.0 : 2.0) * f;
    }
    return sum * h / 3.0;
}

struct Summary {
    double mean = 0.0;
    double sd = 0.0;
    double error() const { return sd / std::sqrt(static_cast<double>(kDraws)); }
};

Summary summarize(const std::vector<double>& values) {
    Summary s;
    for (const double v : values) s.mean += v;
    s.mean /= values.size();
    for (const double v : values) s.sd += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(s.sd / (values.size() - 1));
    return s;
}

std::vector<double> toVector(const torch::Tensor& values) {
    const torch::Tensor flat = values.to(torch::kFloat64).contiguous();
    return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

// The training side: x0 and x_t at step t for kDraws random targets in kDim, in chunks (the
// small-step walk's noise has T draws per row).
struct Pairs {
    torch::Tensor x0;
    torch::Tensor xt;
};

Pairs forwardPairs(const DiffusionProcess& process, int t, uint64_t seed) {
    torch::manual_seed(seed);
    std::vector<torch::Tensor> x0;
    std::vector<torch::Tensor> xt;
    const int64_t chunk = 5000;
    for (int64_t done = 0; done < kDraws; done += chunk) {
        const torch::Tensor target = torch::randn({chunk, kDim}) * 2.0;
        const auto noised =
            process.diffuse(target, torch::full({chunk}, t, torch::kInt64),
                            process.drawNoise(chunk, kDim, c10::nullopt, torch::kFloat32));
        x0.push_back(noised.x0);
        xt.push_back(noised.xt);
    }
    return {torch::cat(x0), torch::cat(xt)};
}

torch::Tensor cosines(const torch::Tensor& a, const torch::Tensor& b) {
    return (l2Normalize(a) * l2Normalize(b)).sum(1);
}

Summary meanCos(const DiffusionProcess& process, int t, uint64_t seed) {
    const Pairs pairs = forwardPairs(process, t, seed);
    return summarize(toVector(cosines(pairs.xt, pairs.x0)));
}

// sup |F_a − F_b| of the two samples' empirical distribution functions.
double ksDistance(std::vector<double> a, std::vector<double> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    size_t i = 0;
    size_t j = 0;
    double largest = 0.0;
    while (i < a.size() && j < b.size()) {
        const double next = std::min(a[i], b[j]);
        while (i < a.size() && a[i] == next) ++i;
        while (j < b.size() && b[j] == next) ++j;
        largest = std::max(largest, std::abs(static_cast<double>(i) / a.size() -
                                             static_cast<double>(j) / b.size()));
    }
    return largest;
}

double ksCritical(size_t n, size_t m) {
    return kKsCoefficient * std::sqrt(static_cast<double>(n + m) / (static_cast<double>(n) * m));
}

constexpr ForwardProcess kProcesses[] = {
    ForwardProcess::Literal,       ForwardProcess::PerDim,        ForwardProcess::Monotone,
    ForwardProcess::SmallStepWalk, ForwardProcess::ProjectedDdpm, ForwardProcess::Euclidean};

std::string processName(ForwardProcess process) {
    switch (process) {
        case ForwardProcess::Literal:
            return "literal";
        case ForwardProcess::PerDim:
            return "per-dim";
        case ForwardProcess::Monotone:
            return "monotone";
        case ForwardProcess::SmallStepWalk:
            return "small-step-walk";
        case ForwardProcess::ProjectedDdpm:
            return "projected-ddpm";
        case ForwardProcess::Euclidean:
            return "euclidean";
    }
    return "?";
}

DiffusionProcess::Options processOf(ForwardProcess kind,
                                    BetaSchedule schedule = BetaSchedule::Linear) {
    DiffusionProcess::Options o;
    o.process = kind;
    o.schedule = schedule;
    return o;
}

// cos(x_T, x0) for the sampler's x_T (independent of x0) beside the training's x_T.
struct Endpoints {
    std::vector<double> training;
    std::vector<double> sampler;
};

Endpoints endpointCosines(const DiffusionProcess& process, uint64_t seed) {
    const Pairs pairs = forwardPairs(process, process.steps(), seed);
    at::Generator generator = at::detail::createCPUGenerator(seed + 1);
    const torch::Tensor start = process.prior(kDraws, kDim, generator);
    return {toVector(cosines(pairs.xt, pairs.x0)), toVector(cosines(start, pairs.x0))};
}

TEST(DiffusionNames, TheConfigsChoicesMapOntoTheProcessesTheyMean) {
    EXPECT_EQ(forwardProcessOf(NoiseGeometry::Geodesic, NoiseScale::Literal),
              ForwardProcess::Literal);
    EXPECT_EQ(forwardProcessOf(NoiseGeometry::Geodesic, NoiseScale::PerDim),
              ForwardProcess::PerDim);
    EXPECT_EQ(forwardProcessOf(NoiseGeometry::Geodesic, NoiseScale::Monotone),
              ForwardProcess::Monotone);
    EXPECT_EQ(forwardProcessOf(NoiseGeometry::Geodesic, NoiseScale::SmallStepWalk),
              ForwardProcess::SmallStepWalk);
    EXPECT_EQ(forwardProcessOf(NoiseGeometry::Geodesic, NoiseScale::ProjectedDdpm),
              ForwardProcess::ProjectedDdpm);
    EXPECT_EQ(forwardProcessOf(NoiseGeometry::Euclidean, NoiseScale::Literal),
              ForwardProcess::Euclidean);
    EXPECT_EQ(choiceNamed<BetaSchedule>("model.schedule", "linear-scaled"),
              BetaSchedule::LinearScaled);
    EXPECT_EQ(choiceNamed<ReverseNoise>("model.reverseNoise", "sqrt-over-d"),
              ReverseNoise::SqrtOverD);
    // The defaults are the paper's letter as this program has always run it.
    const DiffusionProcess::Options defaults;
    EXPECT_EQ(defaults.process, ForwardProcess::Literal);
    EXPECT_EQ(defaults.schedule, BetaSchedule::Linear);
    EXPECT_EQ(defaults.reverseNoise, ReverseNoise::Sqrt);
}

TEST(DiffusionProcess, EveryProcessAndNoiseSamplesFiniteSeededVectors) {
    // Algorithm 2 with a fixed toy denoiser for every forward process and reverse noise: finite,
    // on the sphere except for the Euclidean process, and the same for the same seed.
    auto denoise = [](const torch::Tensor& xt, int) { return xt * 0.5 + 0.2; };
    for (const ForwardProcess process : kProcesses) {
        for (const Choice<ReverseNoise>& noise : choices(ReverseNoise{})) {
            DiffusionProcess::Options o = processOf(process);
            o.steps = 20;
            o.reverseNoise = noise.value;
            const DiffusionProcess diffusion(o);
            auto draw = [&] {
                at::Generator generator = at::detail::createCPUGenerator(3);
                return diffusion.sample(denoise, 6, 16, generator, torch::kCPU);
            };
            const torch::Tensor first = draw();
            const std::string name = processName(process) + " / " + noise.name;
            EXPECT_TRUE(torch::isfinite(first).all().item<bool>()) << name;
            EXPECT_TRUE(torch::equal(first, draw())) << name;
            if (process != ForwardProcess::Euclidean) {
                EXPECT_TRUE(torch::allclose(first.norm(2, 1), torch::ones({6}), 1e-5, 1e-5))
                    << name;
            }
        }
    }
}

}  // namespace
}  // namespace dimerec
