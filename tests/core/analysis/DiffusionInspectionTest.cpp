#include "analysis/DiffusionInspection.h"

#include "data/Splits.h"
#include "model/DimeRec.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dimerec {
namespace {

TEST(DiffusionInspection, LiteralProfileMatchesIssue19sTable) {
    // Issue 19's table (20,000 draws per t, linear β 1e-4 → 0.02, T = 100, d = 64): mean
    // cos(x_t, x0) = cos(sqrt(1 − ᾱ_t)·‖ε‖) with ‖ε‖ ≈ 7.9 passes −1 near t = 40 and comes back.
    ModelConfig model;
    model.noiseScale = NoiseScale::Literal;
    model.schedule = BetaSchedule::Linear;
    model.diffusionSteps = 100;
    model.dim = 64;
    const ForwardProfile profile = forwardProcessProfile(model, 20000, 3);
    ASSERT_EQ(profile.mean.size(), 100u);
    ASSERT_EQ(profile.sd.size(), 100u);
    const std::vector<std::pair<int, double>> table = {{5, 0.92},   {10, 0.70}, {20, 0.00},
                                                       {40, -0.96}, {70, 0.21}, {100, 0.86}};
    for (const auto& [t, mean] : table)
        EXPECT_NEAR(profile.mean[static_cast<size_t>(t - 1)], mean, 0.02) << "t = " << t;
    // The sampler starts uniform on the sphere: mean cos 0, sd 1/sqrt(d) = 0.125.
    EXPECT_NEAR(profile.startMean, 0.0, 0.01);
    EXPECT_NEAR(profile.startSd, 0.125, 0.005);
    EXPECT_EQ(profile.draws, 20000);
    EXPECT_NE(profile.process.find("literal"), std::string::npos) << profile.process;
    EXPECT_NE(profile.process.find("T = 100"), std::string::npos) << profile.process;
}

TEST(DiffusionInspection, RefusesModelsWithoutADiffusionProcess) {
    ModelConfig sasrec;
    sasrec.model = ModelKind::SasRec;
    EXPECT_THROW(forwardProcessProfile(sasrec), std::invalid_argument);
    ModelConfig gemOnly;
    gemOnly.useDiffusion = false;
    EXPECT_THROW(forwardProcessProfile(gemOnly), std::invalid_argument);
    EXPECT_THROW(forwardProcessProfile(ModelConfig{}, 1), std::invalid_argument);
}

TEST(DiffusionInspection, ReverseChainEndsAtTheSampleAndScoresTheNextItem) {
    torch::manual_seed(2);
    ModelConfig c;
    c.dim = 8;
    c.interests = 2;
    c.diffusionSteps = 6;
    auto model = makeRecommender(c, 20, 5, {});
    auto& dimeRec = dynamic_cast<DimeRecRecommender&>(*model);
    const EvalCase user{3, {4, 7, 1}, {9}};
    model->setInferenceSeed(5);
    const ReverseChain chain = reverseChainOf(dimeRec, user, 5);
    ASSERT_EQ(chain.steps, (std::vector<int>{6, 5, 4, 3, 2, 1, 0}));
    ASSERT_EQ(chain.toFinal.size(), 7u);
    ASSERT_EQ(chain.toTarget.size(), 7u);
    EXPECT_NEAR(chain.toFinal.back(), 1.0, 1e-6);
    // The chain's output is the single sample that the same stream gives Algorithm 2.
    model->setInferenceSeed(5);
    torch::NoGradGuard noGrad;
    model->eval();
    const torch::Tensor history = torch::tensor({20, 20, 4, 7, 1}, torch::kInt64).view({1, 5});
    const torch::Tensor x0 = dimeRec.sampleUserVectors(history, {}, 1).view({-1});
    const torch::Tensor target = dimeRec.itemEmbeddings()[9];
    EXPECT_NEAR(chain.toTarget.back(),
                torch::dot(x0, target).item<double>() / target.norm().item<double>(), 1e-5);
    const torch::Tensor scores = dimeRec.itemEmbeddings().matmul(x0);
    EXPECT_EQ(chain.targetRank, 1 + (scores > scores[9]).sum().item<int64_t>());
    for (double value : chain.toTarget) EXPECT_LE(std::abs(value), 1.0 + 1e-6);
    // Every one of the samples is counted at its nearest of the K = 2 interests.
    ASSERT_EQ(chain.samplesByInterest.size(), 2u);
    EXPECT_EQ(chain.samplesByInterest[0] + chain.samplesByInterest[1], kSpreadSamples);
    EXPECT_THROW(reverseChainOf(dimeRec, EvalCase{1, {2}, {}}, 5), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
