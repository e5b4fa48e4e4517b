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

TEST(DiffusionSchedules, LinearLeavesAThirdOfTheSignalAtTHundredTheOthersReachZero) {
    // ᾱ_T = Π (1 − β_s), β linear 1e-4 → 0.02 (issue 19: 0.364; 0.3635632 in double-precision
    // Python).
    const auto alphaBarAtEnd = [](BetaSchedule kind, int steps) {
        return DiffusionSchedule::make(kind, steps, 1e-4, 0.02).alphaBars[steps - 1].item<double>();
    };
    EXPECT_NEAR(alphaBarAtEnd(BetaSchedule::Linear, 100), 0.3635632, 1e-6);
    // Linear-scaled at T = 100: β from 1e-3 to 0.2, ᾱ_T = 2.0390e-5; cosine: 2.4286e-7 (Python).
    const DiffusionSchedule scaled =
        DiffusionSchedule::make(BetaSchedule::LinearScaled, 100, 1e-4, 0.02);
    EXPECT_NEAR(scaled.betas[0].item<double>(), 1e-3, 1e-15);
    EXPECT_NEAR(scaled.betas[99].item<double>(), 0.2, 1e-15);
    EXPECT_NEAR(alphaBarAtEnd(BetaSchedule::LinearScaled, 100), 2.0390090e-5, 1e-11);
    EXPECT_NEAR(alphaBarAtEnd(BetaSchedule::Cosine, 100), 2.4285723e-7, 1e-13);
    // At T = 1000 it is the plain linear schedule.
    EXPECT_TRUE(
        torch::allclose(DiffusionSchedule::make(BetaSchedule::LinearScaled, 1000, 1e-4, 0.02).betas,
                        DiffusionSchedule::make(BetaSchedule::Linear, 1000, 1e-4, 0.02).betas));
    // Below T = 20 its last β would reach 1: capped at 0.999 as cosine's are. At T = 10 the ends
    // are 0.01 and 2, the step (2 − 0.01)/9 = 0.2211: β_5 = 0.01 + 4·0.2211 = 0.8944, and
    // β_6 … β_10 (1.1156 … 2 uncapped) are 0.999 (hand computation).
    const torch::Tensor small =
        DiffusionSchedule::make(BetaSchedule::LinearScaled, 10, 1e-4, 0.02).betas;
    EXPECT_NEAR(small[0].item<double>(), 0.01, 1e-15);
    EXPECT_NEAR(small[4].item<double>(), 0.01 + 4.0 * 1.99 / 9.0, 1e-12);
    for (int t = 5; t < 10; ++t) EXPECT_DOUBLE_EQ(small[t].item<double>(), 0.999) << t;
    EXPECT_THROW(DiffusionSchedule::make(BetaSchedule::Linear, 10, 0.0, 0.02),
                 std::invalid_argument);
}

TEST(ReverseNoise, EachChoiceScalesThePosteriorVarianceAsNamed) {
    // Linear β 0.1, 0.2, 0.3: β̃_2 = 0.2·0.1/0.28 = 0.0714286 (hand computation).
    DiffusionProcess::Options o;
    o.steps = 3;
    o.betaStart = 0.1;
    o.betaEnd = 0.3;
    const double variance = 0.2 * 0.1 / 0.28;
    const std::vector<std::pair<ReverseNoise, double>> expected = {
        {ReverseNoise::None, 0.0},
        {ReverseNoise::Literal, variance},
        {ReverseNoise::Sqrt, std::sqrt(variance)},
        {ReverseNoise::SqrtOverD, std::sqrt(variance / 4.0)}};
    for (const auto& [choice, sigma] : expected) {
        o.reverseNoise = choice;
        EXPECT_NEAR(DiffusionProcess(o).reverseNoiseScale(2, 4), sigma, 1e-12) << nameOf(choice);
        // β̃_1 = 0: no choice adds noise to the last step.
        EXPECT_EQ(DiffusionProcess(o).reverseNoiseScale(1, 4), 0.0);
    }
    // In a Euclidean step, with d = 2: 0.31943828·x_t + 0.67763093·x̂0 + sqrt(0.0714286/2)·ε.
    o.process = ForwardProcess::Euclidean;
    o.reverseNoise = ReverseNoise::SqrtOverD;
    expectNear(DiffusionProcess(o).reverseStep(row({1, 0}), row({0, 1}), 2, row({1, 1})),
               {0.31943828 + 0.18898224, 0.67763093 + 0.18898224}, 1e-6);
}

TEST(LiteralProcess, MeanCosineWrapsAroundAsTheIssueMeasured) {
    // Issue 19's table (20,000 draws per t, two decimals): a difference is allowed rounding
    // (0.005) and 4 standard errors of the two estimates together. The exact expectation,
    // E[cos(sqrt(1−ᾱ_t)·χ_63)], by quadrature, within 4 standard errors of ours.
    const DiffusionProcess process(processOf(ForwardProcess::Literal));
    const std::vector<std::pair<int, double>> table = {
        {5, 0.92},   {10, 0.70},  {15, 0.38}, {20, 0.00}, {30, -0.67}, {40, -0.96},
        {50, -0.79}, {60, -0.32}, {70, 0.21}, {80, 0.60}, {90, 0.81},  {100, 0.86}};
    for (const auto& [t, issue] : table) {
        const Summary measured = meanCos(process, t, 100 + t);
        EXPECT_NEAR(measured.mean, issue, 0.005 + kErrors * std::sqrt(2.0) * measured.error())
            << "t = " << t;
        const double alphaBar = process.schedule().alphaBars[t - 1].item<double>();
        EXPECT_NEAR(measured.mean, chiMeanCos(std::sqrt(1.0 - alphaBar), kDim - 1),
                    kErrors * measured.error())
            << "t = " << t;
    }
}

TEST(PerDimProcess, MeanCosineIsTheQuadratureOfItsScaledAngle) {
    // Angle sqrt(1−ᾱ_t)·χ_63/sqrt(63): E[cos] by quadrature, within 4 standard errors.
    for (const BetaSchedule schedule : {BetaSchedule::Linear, BetaSchedule::Cosine}) {
        const DiffusionProcess process(processOf(ForwardProcess::PerDim, schedule));
        for (const int t : {10, 50, 100}) {
            const Summary measured = meanCos(process, t, 200 + t);
            const double alphaBar = process.schedule().alphaBars[t - 1].item<double>();
            EXPECT_NEAR(measured.mean,
                        chiMeanCos(std::sqrt(1.0 - alphaBar) / std::sqrt(kDim - 1.0), kDim - 1),
                        kErrors * measured.error())
                << "t = " << t;
        }
    }
}

TEST(MonotoneProcess, EveryDrawIsAtAngleThetaTAndTheAngleOnlyGrows) {
    DiffusionProcess::Options o = processOf(ForwardProcess::Monotone);
    o.steps = 3;
    o.betaStart = 0.1;
    o.betaEnd = 0.3;
    // θ_t = (π/2)·sqrt((1−ᾱ_t)/(1−ᾱ_3)) with ᾱ = 0.9, 0.72, 0.504: 0.7053084, 1.1802066, π/2.
    expectNear(torch::tensor(DiffusionProcess(o).angles()), {0.0, 0.7053084, 1.1802066, M_PI / 2},
               1e-7);
    o.thetaMax = 0.0;
    EXPECT_THROW(DiffusionProcess{o}, std::invalid_argument);
    o.thetaMax = 3.5;
    EXPECT_THROW(DiffusionProcess{o}, std::invalid_argument);

    for (const double thetaMax : {M_PI / 2, 2.0}) {
        DiffusionProcess::Options full = processOf(ForwardProcess::Monotone);
        full.thetaMax = thetaMax;
        const DiffusionProcess process(full);
        double previous = 1.0;
        for (const int t : {1, 5, 10, 20, 40, 60, 80, 100}) {
            // By construction cos(x_t, x0) = cos θ_t for every draw (to float rounding), and
            // θ_T = θ_max.
            const Pairs pairs = forwardPairs(process, t, 300 + t);
            const torch::Tensor c = cosines(pairs.xt, pairs.x0);
            const double expected = std::cos(process.angles()[t]);
            EXPECT_LT((c.to(torch::kFloat64) - expected).abs().max().item<double>(), 2e-6)
                << "t = " << t;
            EXPECT_LE(expected, previous);
            previous = expected;
            EXPECT_TRUE(torch::allclose(pairs.xt.norm(2, 1), torch::ones({kDraws}), 1e-5, 1e-5));
        }
        EXPECT_NEAR(process.angles()[100], thetaMax, 1e-12);
    }
}

// The walk's exact mean cos (see Diffusion.cpp): Π_{s≤t} E[cos(σ_s·χ_63/sqrt(63))].
std::vector<double> exactWalkMeanCos(const DiffusionProcess& process) {
    std::vector<double> mean = {1.0};
    for (const double sigma : process.walkSteps())
        mean.push_back(mean.back() * chiMeanCos(sigma / std::sqrt(kDim - 1.0), kDim - 1));
    return mean;
}

TEST(SmallStepWalk, CalibrationDerivationAndSimulationAgree) {
    const DiffusionProcess process(processOf(ForwardProcess::SmallStepWalk));
    // σ_s² = c·β_s with c = 2·ln(1000)/Σβ_s = 13.7467767 (Σβ = 1.005 for linear 1e-4 → 0.02).
    const auto betas = process.schedule().betas.accessor<double, 1>();
    for (const int s : {1, 50, 100})
        EXPECT_NEAR(process.walkSteps()[s - 1] * process.walkSteps()[s - 1] / betas[s - 1],
                    13.7467767, 1e-6);
    const std::vector<double> exact = exactWalkMeanCos(process);
    // The derivation's target: mean cos(x_T, x0) = exp(−Σσ²/2) = 0.001, lowered by O(σ⁴) terms
    // to 0.0008 (Python: 0.00080).
    EXPECT_NEAR(exact[100], 0.0008, 0.00005);
    // One simulation of 20,000 walks, read at every step (profile), and diffuse at t = 30.
    at::Generator generator = at::detail::createCPUGenerator(400);
    const DiffusionProcess::Profile walks = process.profile(kDim, kDraws, generator);
    const Summary at30 = meanCos(process, 30, 401);
    EXPECT_NEAR(at30.mean, exact[30], kErrors * at30.error());
    double previous = 1.0;
    for (int t = 1; t <= process.steps(); ++t) {
        const double error = walks.sd[t - 1] / std::sqrt(static_cast<double>(kDraws));
        // The simulation has the exact mean (4 standard errors at each of 100 steps: a false
        // alarm in about one seed of 160; this seed passes).
        EXPECT_NEAR(walks.mean[t - 1], exact[t], kErrors * error) << "t = " << t;
        // The reverse step's θ_t (the large-d limit) is within 2e-4 of it.
        EXPECT_NEAR(std::cos(process.angles()[t]), exact[t], 2e-4) << "t = " << t;
        // Non-increasing in expectation.
        EXPECT_LE(exact[t], previous);
        previous = exact[t];
    }
}

TEST(SmallStepWalk, RowsWalkTheirOwnNumberOfStepsAndTooUnevenSchedulesAreRefused) {
    DiffusionProcess::Options o = processOf(ForwardProcess::SmallStepWalk);
    o.steps = 20;
    const DiffusionProcess process(o);
    // Direction (4), then g_s (20), then Q_s (20).
    const torch::Tensor drawn = process.drawNoise(5, 4, c10::nullopt, torch::kFloat64);
    EXPECT_EQ(drawn.sizes(), (std::vector<int64_t>{5, 44}));
    EXPECT_GT(drawn.slice(1, 24).min().item<double>(), 0.0);
    // Σβ = 20·(1e-4 + 0.02)/2 = 0.201, c = 2·ln(1000)/0.201 = 68.733883, σ_1 = sqrt(1e-4·c) =
    // 0.0829059. A row at t = 1 takes the first step only: its angle is that step's norm,
    // σ_1·sqrt(g_1² + Q_1)/sqrt(3) (S^3's tangent space has 3 dimensions), along the direction
    // of the first four draws' tangent part.
    EXPECT_NEAR(process.walkSteps()[0], 0.0829059, 1e-7);
    torch::manual_seed(9);
    const torch::Tensor target = torch::randn({2, 4}, torch::kFloat64);
    const torch::Tensor noise =
        torch::cat({torch::randn({2, 24}, torch::kFloat64),
                    torch::randn({2, 20, 2}, torch::kFloat64).pow(2).sum(2)},
                   1);
    const torch::Tensor t = torch::tensor({int64_t{1}, int64_t{20}});
    const auto noised = process.diffuse(target, t, noise);
    const torch::Tensor x0 = l2Normalize(target[0].unsqueeze(0));
    const double g = noise[0][4].item<double>();
    const double q = noise[0][24].item<double>();
    const double angle = 0.0829059 * std::sqrt(g * g + q) / std::sqrt(3.0);
    const torch::Tensor oneStep = sphereExp(
        x0, l2Normalize(projectToTangent(noise[0].slice(0, 0, 4).unsqueeze(0), x0)) * angle);
    EXPECT_TRUE(torch::allclose(noised.xt[0].unsqueeze(0), oneStep, 1e-6, 1e-6));
    EXPECT_FALSE(torch::allclose(noised.xt[1], noised.x0[1], 1e-2, 1e-2));
    // Draws of another shape: refused.
    EXPECT_THROW(process.diffuse(target, t, noise.slice(1, 0, 43)), std::invalid_argument);
    // The cosine schedule at T = 10 ends with β = 0.999: a step of 1.95 rad.
    o.schedule = BetaSchedule::Cosine;
    o.steps = 10;
    try {
        DiffusionProcess{o};
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("small-step walk"), std::string::npos) << e.what();
    }
}

TEST(SmallStepWalk, HasTheLawOfTheWalkSimulatedInTheAmbientSpace) {
    // The process draws the walk's angle by a chain of scalars (Diffusion.cpp); here the walk,
    // x_s = exp_{x_{s−1}}(σ_s·proj(ε_s)/sqrt(d−1)) in R^64, double precision, 4,000 walks.
    // cos(x_t, x0) of the two, by Kolmogorov–Smirnov at α = 0.01, at t = 10, 30 and T.
    const DiffusionProcess process(processOf(ForwardProcess::SmallStepWalk));
    torch::manual_seed(450);
    const int64_t walks = 4000;
    const torch::Tensor x0 = l2Normalize(torch::randn({walks, kDim}, torch::kFloat64));
    torch::Tensor x = x0;
    std::map<int, std::vector<double>> ambient;
    for (int s = 1; s <= process.steps(); ++s) {
        const torch::Tensor draw = torch::randn({walks, kDim}, torch::kFloat64);
        x = l2Normalize(sphereExp(
            x, projectToTangent(draw, x) * (process.walkSteps()[s - 1] / std::sqrt(kDim - 1.0))));
        if (s == 10 || s == 30 || s == 100) ambient[s] = toVector((x * x0).sum(1));
    }
    for (const auto& [t, cosine] : ambient) {
        const Pairs pairs = forwardPairs(process, t, 451 + t);
        EXPECT_LT(ksDistance(toVector(cosines(pairs.xt, pairs.x0)), cosine),
                  ksCritical(kDraws, walks))
            << "t = " << t;
    }
}

TEST(ProjectedDdpm, MeanCosineMatchesAnIndependentDoublePrecisionSimulation) {
    // cos(normalise(a·x0 + b·ε/sqrt(d)), x0) with a = sqrt(ᾱ), b = sqrt(1−ᾱ) depends only on
    // ε's component z along x0 and Q = ‖ε‖² − z² ~ χ²_{d−1}: (a + b·z/sqrt(d)) / sqrt((a +
    // b·z/sqrt(d))² + b²·Q/d). 10^6 draws of (z, Q) from <random>, in double precision.
    for (const BetaSchedule schedule : {BetaSchedule::Cosine, BetaSchedule::LinearScaled}) {
        const DiffusionProcess process(processOf(ForwardProcess::ProjectedDdpm, schedule));
        for (const int t : {5, 20, 50, 80, 100}) {
            const double alphaBar = process.schedule().alphaBars[t - 1].item<double>();
            const double a = std::sqrt(alphaBar);
            const double b = std::sqrt(1.0 - alphaBar);
            std::mt19937_64 random(500 + t);
            std::normal_distribution<double> normal;
            std::chi_squared_distribution<double> rest(kDim - 1.0);
            const int references = 1000000;
            double sum = 0.0;
            for (int i = 0; i < references; ++i) {
                const double along = a + b * normal(random) / std::sqrt(kDim * 1.0);
                sum += along / std::sqrt(along * along + b * b * rest(random) / kDim);
            }
            const Summary measured = meanCos(process, t, 600 + t);
            // Their standard errors: ours and about a fourteenth of it (10^6 draws).
            EXPECT_NEAR(measured.mean, sum / references,
                        kErrors * measured.error() * std::sqrt(1.0 + 0.02))
                << nameOf(schedule) << " t = " << t;
        }
    }
}

TEST(SamplerStart, KolmogorovSmirnovAcceptsItWhereTheProcessReachesUniformAndRejectsTheLiteral) {
    // The walk (mean cos at T 0.0008) and the projected DDPM with the cosine schedule (ᾱ_T =
    // 2.4e-7) claim to end uniform on the sphere, where the sampler starts.
    for (const auto& options : {processOf(ForwardProcess::SmallStepWalk),
                                processOf(ForwardProcess::ProjectedDdpm, BetaSchedule::Cosine)}) {
        const Endpoints ends = endpointCosines(DiffusionProcess(options), 700);
        EXPECT_LT(ksDistance(ends.training, ends.sampler), ksCritical(kDraws, kDraws))
            << processName(options.process);
    }
    // The literal process ends at mean cos 0.85 with linear β: far from the sampler's start.
    const Endpoints literal =
        endpointCosines(DiffusionProcess(processOf(ForwardProcess::Literal)), 701);
    EXPECT_GT(ksDistance(literal.training, literal.sampler), ksCritical(kDraws, kDraws));
}

TEST(SamplerStart, TheMonotoneProcessMatchesOnlyTheDirectionOfItsStart) {
    // The monotone process ends at exactly θ_max from x0, which a sampler that does not know x0
    // cannot reproduce: its start is uniform on the sphere, at π/2 ± 1/sqrt(d) from any x0, and
    // the test on cos(x_T, x0) rejects it even for θ_max = π/2. What the geodesic reverse step
    // takes from x_T is its direction from x̂_0 (the great circle), and there the two agree: the
    // tangent direction of x_T at x0, read along a fixed tangent vector w per row, has the same
    // law in training and at the sampler's start.
    const DiffusionProcess process(processOf(ForwardProcess::Monotone));
    const Pairs pairs = forwardPairs(process, process.steps(), 800);
    at::Generator generator = at::detail::createCPUGenerator(801);
    const torch::Tensor start = process.prior(kDraws, kDim, generator);
    EXPECT_GT(ksDistance(toVector(cosines(pairs.xt, pairs.x0)), toVector(cosines(start, pairs.x0))),
              ksCritical(kDraws, kDraws));
    const torch::Tensor w = l2Normalize(projectToTangent(torch::randn({kDraws, kDim}), pairs.x0));
    const auto along = [&](const torch::Tensor& x) {
        return toVector((l2Normalize(projectToTangent(x, pairs.x0)) * w).sum(1));
    };
    EXPECT_LT(ksDistance(along(pairs.xt), along(start)), ksCritical(kDraws, kDraws));
}

TEST(ForwardProfile, MeanAndSpreadOfTheCosinePerStepAndAtTheSamplersStart) {
    at::Generator generator = at::detail::createCPUGenerator(900);
    // Monotone: every draw at exactly θ_t.
    const DiffusionProcess monotone(processOf(ForwardProcess::Monotone));
    const DiffusionProcess::Profile m = monotone.profile(kDim, 2000, generator);
    ASSERT_EQ(m.mean.size(), 100u);
    for (int t = 1; t <= 100; ++t) {
        EXPECT_NEAR(m.mean[t - 1], std::cos(monotone.angles()[t]), 2e-6) << t;
        EXPECT_LT(m.sd[t - 1], 2e-6) << t;
    }
    // Literal: the quadrature at t = 40 (−0.96); the sampler's start is uniform on the sphere,
    // where cos(x_T, x0) has mean 0 and standard deviation 1/sqrt(d) = 0.125.
    const DiffusionProcess literal(processOf(ForwardProcess::Literal));
    const int64_t draws = 5000;
    const DiffusionProcess::Profile l = literal.profile(kDim, draws, generator);
    const double alphaBar = literal.schedule().alphaBars[39].item<double>();
    EXPECT_NEAR(l.mean[39], chiMeanCos(std::sqrt(1.0 - alphaBar), kDim - 1),
                kErrors * l.sd[39] / std::sqrt(draws * 1.0));
    EXPECT_NEAR(l.startMean, 0.0, kErrors * 0.125 / std::sqrt(draws * 1.0));
    // A sample sd of n near-normal values has standard error ≈ sd/sqrt(2n) = 0.00125.
    EXPECT_NEAR(l.startSd, 1.0 / std::sqrt(kDim * 1.0), kErrors * 0.00125);
}

DiffusionProcess smallMonotone() {
    DiffusionProcess::Options o = processOf(ForwardProcess::Monotone);
    o.steps = 3;
    o.betaStart = 0.1;
    o.betaEnd = 0.3;
    o.reverseNoise = ReverseNoise::None;
    return DiffusionProcess(o);
}

TEST(GeodesicReverseStep, HandComputedCasesInThreeDimensions) {
    // θ_1 = 0.7053084, θ_2 = 1.1802066 (MonotoneProcess above).
    const DiffusionProcess process = smallMonotone();
    const torch::Tensor none = torch::zeros({1, 3});
    // x̂0 along e1, x_t = e2: the great circle is the e1–e2 plane; t = 3 lands at θ_2 from e1:
    // (cos θ_2, sin θ_2, 0) = (0.3807338, 0.9246847, 0).
    expectNear(process.reverseStep(row({0, 1, 0}), row({2, 0, 0}), 3, none),
               {0.3807338, 0.9246847, 0}, 1e-6);
    // x̂0 = 5·e3, x_t = (0.6, 0, 0.8): direction e1 from e3; t = 2 lands at θ_1:
    // (sin θ_1, 0, cos θ_1) = (0.6482687, 0, 0.7614117). x_t was at acos(0.8) = 0.6435 from
    // x̂0, nearer than θ_1: only its direction counts, not its angle.
    expectNear(process.reverseStep(row({0.6f, 0, 0.8f}), row({0, 0, 5}), 2, none),
               {0.6482687, 0, 0.7614117}, 1e-6);
    // t = 1: θ_0 = 0, the normalised prediction.
    expectNear(process.reverseStep(row({0, 0, 1}), row({3, 4, 0}), 1, none), {0.6, 0.8, 0}, 1e-6);
    // x_t on x̂0's line spans no great circle: the step goes to x̂0.
    expectNear(process.reverseStep(row({0, 0, 1}), row({0, 0, 2}), 3, none), {0, 0, 1}, 1e-6);
}

TEST(GeodesicReverseStep, LandsOnTheGreatCircleAtThetaAndNoiseMovesItBySigma) {
    const DiffusionProcess process = smallMonotone();
    torch::manual_seed(10);
    const torch::Tensor xt = l2Normalize(torch::randn({50, 16}, torch::kFloat64));
    const torch::Tensor x0Hat = torch::randn({50, 16}, torch::kFloat64) * 3.0;
    const torch::Tensor toward = l2Normalize(x0Hat);
    for (const int t : {2, 3}) {
        const torch::Tensor next = process.reverseStep(xt, x0Hat, t, torch::zeros_like(xt));
        EXPECT_TRUE(torch::allclose(next.norm(2, 1), torch::ones({50}, torch::kFloat64)));
        // At θ_{t−1} from x̂0/‖x̂0‖.
        const torch::Tensor angle = torch::acos((next * toward).sum(1));
        EXPECT_TRUE(
            torch::allclose(angle, torch::full({50}, process.angles()[t - 1], torch::kFloat64)));
        // In the plane of x̂0 and x_t (nothing left after removing both directions), on x_t's
        // side of x̂0.
        const torch::Tensor away = l2Normalize(projectToTangent(xt, toward));
        const torch::Tensor rest = projectToTangent(projectToTangent(next, toward), away);
        EXPECT_LT(rest.abs().max().item<double>(), 1e-12);
        EXPECT_GT((next * away).sum(1).min().item<double>(), 0.0);
    }
    // With noise: exp at the noise-free point of σ_t·(noise's tangent part), σ_3 = sqrt(β̃_3)
    // (Sqrt), so the noise moves it by σ_3·‖tangent part‖ while that is below π.
    DiffusionProcess::Options o = process.options();
    o.reverseNoise = ReverseNoise::Sqrt;
    const DiffusionProcess noisy(o);
    const torch::Tensor noise = torch::randn({50, 16}, torch::kFloat64) * 0.1;
    const torch::Tensor quiet = process.reverseStep(xt, x0Hat, 3, noise);
    const torch::Tensor moved = noisy.reverseStep(xt, x0Hat, 3, noise);
    const double sigma = noisy.reverseNoiseScale(3, 16);
    EXPECT_NEAR(sigma, std::sqrt(0.3 * 0.28 / 0.496), 1e-12);  // β̃_3 = β_3(1−ᾱ_2)/(1−ᾱ_3)
    const torch::Tensor distance = torch::acos((quiet * moved).sum(1).clamp(-1, 1));
    EXPECT_TRUE(
        torch::allclose(distance, sigma * projectToTangent(noise, quiet).norm(2, 1), 1e-6, 1e-6));
}

TEST(GeodesicReverseStep, ANoiseFreeChainFromTheTrueX0RetracesTheForwardAngles) {
    // With x̂0 = x0 (a perfect denoiser) and no noise, each step puts x_{t−1} at θ_{t−1} from x0
    // on x_T's great circle: the chain ends at x0.
    const DiffusionProcess process = [] {
        DiffusionProcess::Options o = processOf(ForwardProcess::SmallStepWalk);
        o.reverseNoise = ReverseNoise::None;
        return DiffusionProcess(o);
    }();
    torch::manual_seed(11);
    const torch::Tensor x0 = l2Normalize(torch::randn({20, 8}, torch::kFloat64));
    at::Generator generator = at::detail::createCPUGenerator(12);
    int calls = 0;
    auto perfect = [&](const torch::Tensor& xt, int t) {
        EXPECT_EQ(t, process.steps() - calls);
        if (calls++ > 0) {  // after the first step x_t sits at θ_t from x0
            const torch::Tensor angle = torch::acos((xt.to(torch::kFloat64) * x0).sum(1));
            EXPECT_TRUE(torch::allclose(
                angle, torch::full({20}, process.angles()[t], torch::kFloat64), 1e-4, 1e-4));
        }
        return x0.to(torch::kFloat32);
    };
    const torch::Tensor end =
        process.sample(perfect, 20, 8, generator, torch::kCPU).to(torch::kFloat64);
    EXPECT_TRUE(torch::allclose(end, x0, 1e-6, 1e-6));
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
