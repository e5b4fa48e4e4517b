#include "model/Diffusion.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dimerec {
namespace {

torch::Tensor row(std::vector<float> values) {
    return torch::tensor(values).unsqueeze(0);
}

void expectNear(const torch::Tensor& actual, std::vector<float> expected, double tolerance = 1e-6) {
    const torch::Tensor flat = actual.flatten().to(torch::kFloat64);
    ASSERT_EQ(flat.numel(), static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_NEAR(flat[i].item<double>(), expected[i], tolerance) << i;
}

TEST(SphereGeometry, ExpMapMatchesClosedForm) {
    // base e1, tangent (0, 0.3, 0.4), ‖v‖ = 0.5: (cos 0.5, sin 0.5·0.6, sin 0.5·0.8), by hand.
    expectNear(sphereExp(row({1, 0, 0}), row({0, 0.3f, 0.4f})),
               {0.8775826f, 0.2876553f, 0.3835404f});
    // A quarter turn moves e1 onto e2.
    expectNear(sphereExp(row({1, 0, 0}), row({0, static_cast<float>(M_PI / 2), 0})), {0, 1, 0});
    // A zero tangent leaves the point where it is (the sin(r)/r → 1 branch).
    expectNear(sphereExp(row({0, 0.6f, 0.8f}), row({0, 0, 0})), {0, 0.6f, 0.8f});
}

TEST(SphereGeometry, ExpMapKeepsUnitNormAndTravelsTheTangentLength) {
    torch::manual_seed(3);
    const torch::Tensor base = l2Normalize(torch::randn({64, 16}));
    const torch::Tensor tangent = projectToTangent(torch::randn({64, 16}), base) * 0.3;
    const torch::Tensor moved = sphereExp(base, tangent);
    EXPECT_TRUE(torch::allclose(moved.norm(2, 1), torch::ones({64}), 1e-5, 1e-5));
    // Geodesic distance arccos⟨x, exp_x(v)⟩ equals ‖v‖ while ‖v‖ < π.
    const torch::Tensor angle = torch::acos((base * moved).sum(1).clamp(-1, 1));
    EXPECT_TRUE(torch::allclose(angle, tangent.norm(2, 1), 1e-3, 1e-3));
}

TEST(SphereGeometry, TangentProjectionRemovesTheNormalComponent) {
    expectNear(projectToTangent(row({1, 2, 3}), row({0, 0, 1})), {1, 2, 0});  // by hand
    torch::manual_seed(4);
    const torch::Tensor base = l2Normalize(torch::randn({32, 64}));
    const torch::Tensor noise = projectToTangent(torch::randn({32, 64}), base);
    EXPECT_LT((noise * base).sum(1).abs().max().item<float>(), 1e-5f);
}

TEST(DiffusionSchedule, LinearScheduleAndPosteriorCoefficients) {
    // β = 0.1, 0.2, 0.3 → ᾱ = 0.9, 0.72, 0.504 (hand computation).
    const DiffusionSchedule s = DiffusionSchedule::make(BetaSchedule::Linear, 3, 0.1, 0.3);
    expectNear(s.betas, {0.1f, 0.2f, 0.3f});
    expectNear(s.alphaBars, {0.9f, 0.72f, 0.504f});
    // t = 2: sqrt(0.9)·0.2/0.28, sqrt(0.8)·0.1/0.28, 0.2·0.1/0.28; t = 1: 1, 0, 0 (β̃_1 = 0).
    EXPECT_NEAR(s.posteriorCoefX0[1].item<double>(), 0.6776309271789385, 1e-12);
    EXPECT_NEAR(s.posteriorCoefXt[1].item<double>(), 0.3194382824999699, 1e-12);
    EXPECT_NEAR(s.posteriorVariance[1].item<double>(), 0.07142857142857142, 1e-12);
    EXPECT_DOUBLE_EQ(s.posteriorCoefX0[0].item<double>(), 1.0);
    EXPECT_DOUBLE_EQ(s.posteriorCoefXt[0].item<double>(), 0.0);
    EXPECT_DOUBLE_EQ(s.posteriorVariance[0].item<double>(), 0.0);
}

TEST(DiffusionSchedule, ExpAndCosineSchedules) {
    // Geometric from 0.01 to 0.04 in three steps: 0.01, 0.02, 0.04.
    expectNear(DiffusionSchedule::make(BetaSchedule::Exp, 3, 0.01, 0.04).betas,
               {0.01f, 0.02f, 0.04f});
    // Cosine, T = 2: β_1 = 1 − f(1)/f(0) with f(t) = cos²((t/2 + 0.008)/1.008 · π/2) = 0.50615641
    // (evaluated in double precision by hand-written Python); β_2 clips at 0.999.
    const DiffusionSchedule cosine = DiffusionSchedule::make(BetaSchedule::Cosine, 2, 1e-4, 0.02);
    EXPECT_NEAR(cosine.betas[0].item<double>(), 0.5061564095593623, 1e-12);
    EXPECT_NEAR(cosine.betas[1].item<double>(), 0.999, 1e-12);
}

DiffusionProcess::Options smallProcess(bool geodesic) {
    DiffusionProcess::Options o;
    o.steps = 3;
    o.betaStart = 0.1;
    o.betaEnd = 0.3;
    o.process = geodesic ? ForwardProcess::Literal : ForwardProcess::Euclidean;
    return o;
}

TEST(DiffusionProcess, LastReverseStepReturnsTheNormalisedPrediction) {
    const DiffusionProcess process(smallProcess(true));
    // β̃_1 = 0 and μ̃_1 = x̂_0, so x_0 = x̂_0/‖x̂_0‖ whatever x_1 and the noise are.
    expectNear(process.reverseStep(row({0, 0, 1}), row({3, 4, 0}), 1, row({5, 5, 5})),
               {0.6f, 0.8f, 0});
}

TEST(DiffusionProcess, ReverseStepIsThePosteriorMeanPlusScaledNoise) {
    // t = 2 with the linear schedule above; Euclidean, so no re-normalisation:
    // 0.67763093·x̂0 + 0.31943828·x_t + sqrt(0.07142857)·ε.
    const DiffusionProcess process(smallProcess(false));
    const torch::Tensor next = process.reverseStep(row({1, 0}), row({0, 1}), 2, row({1, 1}));
    const float sigma = std::sqrt(0.07142857f);
    expectNear(next, {0.31943828f + sigma, 0.67763093f + sigma}, 1e-5);
    DiffusionProcess::Options literal = smallProcess(false);
    literal.reverseNoise = ReverseNoise::Literal;
    expectNear(DiffusionProcess(literal).reverseStep(row({1, 0}), row({0, 1}), 2, row({1, 1})),
               {0.31943828f + 0.07142857f, 0.67763093f + 0.07142857f}, 1e-5);
    DiffusionProcess::Options none = smallProcess(false);
    none.reverseNoise = ReverseNoise::None;
    expectNear(DiffusionProcess(none).reverseStep(row({1, 0}), row({0, 1}), 2, row({1, 1})),
               {0.31943828f, 0.67763093f}, 1e-5);
}

TEST(DiffusionProcess, TheFusedFloatStepMatchesLibTorchsOperatorsInDoublePrecision) {
    // CPU floats take posteriorStep (one pass per row); doubles take LibTorch's operators, the
    // path of other devices. 70 rows of 64 (16-lane loops, no tail) and of 19 (a tail), one row
    // all zero, on the sphere and off it.
    torch::manual_seed(8);
    for (const bool geodesic : {true, false}) {
        const DiffusionProcess process(smallProcess(geodesic));
        for (const int64_t dim : {64, 19}) {
            torch::Tensor xt = torch::randn({70, dim});
            torch::Tensor x0Hat = torch::randn({70, dim});
            const torch::Tensor noise = torch::randn({70, dim});
            xt[3].zero_();
            x0Hat[3].zero_();
            for (const int t : {1, 2, 3}) {
                const torch::Tensor fused = process.reverseStep(xt, x0Hat, t, noise);
                const torch::Tensor reference =
                    process.reverseStep(xt.to(torch::kFloat64), x0Hat.to(torch::kFloat64), t,
                                        noise.to(torch::kFloat64));
                EXPECT_TRUE(torch::allclose(fused.to(torch::kFloat64), reference, 1e-5, 1e-6))
                    << "geodesic " << geodesic << " dim " << dim << " t " << t;
                // Without noise (t = 1) the zero row stays zero, not NaN.
                if (t == 1) {
                    EXPECT_TRUE(torch::equal(fused[3], torch::zeros({dim})));
                }
            }
        }
    }
}

TEST(DiffusionProcess, GeodesicForwardJumpStaysOnTheSphereAtTheExpectedDistance) {
    const DiffusionProcess process(smallProcess(true));
    torch::manual_seed(5);
    const torch::Tensor target = torch::randn({8, 6}) * 3.0;
    const torch::Tensor noise = torch::randn({8, 6}) * 0.5;
    const torch::Tensor t = torch::full({8}, 2, torch::kInt64);
    const auto noised = process.diffuse(target, t, noise);
    EXPECT_TRUE(torch::allclose(noised.x0, l2Normalize(target)));
    EXPECT_TRUE(torch::allclose(noised.xt.norm(2, 1), torch::ones({8}), 1e-5, 1e-5));
    // Angle = sqrt(1 − ᾱ_2)·‖proj(noise)‖ = sqrt(0.28)·‖proj(noise)‖ (below π here).
    const torch::Tensor expected = std::sqrt(0.28) * projectToTangent(noise, noised.x0).norm(2, 1);
    const torch::Tensor angle = torch::acos((noised.x0 * noised.xt).sum(1).clamp(-1, 1));
    EXPECT_TRUE(torch::allclose(angle, expected, 1e-3, 1e-3));
}

TEST(DiffusionProcess, EuclideanForwardJumpIsDdpm) {
    const DiffusionProcess process(smallProcess(false));
    const auto noised =
        process.diffuse(row({2, 0}), torch::full({1}, 1, torch::kInt64), row({0, 1}));
    // ᾱ_1 = 0.9: sqrt(0.9)·(2, 0) + sqrt(0.1)·(0, 1).
    expectNear(noised.xt, {2.0f * std::sqrt(0.9f), std::sqrt(0.1f)}, 1e-6);
}

TEST(DiffusionProcess, SamplingIsSeededAndEndsOnTheSphere) {
    const DiffusionProcess process(smallProcess(true));
    auto denoise = [](const torch::Tensor& xt, int) { return xt * 2.0 + 0.1; };
    auto draw = [&](uint64_t seed) {
        at::Generator generator = at::detail::createCPUGenerator(seed);
        return process.sample(denoise, 4, 5, generator, torch::kCPU);
    };
    const torch::Tensor first = draw(7);
    EXPECT_TRUE(torch::equal(first, draw(7)));
    EXPECT_FALSE(torch::equal(first, draw(8)));
    EXPECT_TRUE(torch::allclose(first.norm(2, 1), torch::ones({4}), 1e-5, 1e-5));
}

}  // namespace
}  // namespace dimerec
