#include "config/RunConfig.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "eval/Readouts.h"
#include "model/DimeRec.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace dimerec {
namespace {

constexpr int32_t kItems = 20;
constexpr int kLength = 6;

// A small seeded DimeRec (untrained: its rankings are arbitrary, but repeatable).
// The same parameters whatever the readout (seeded).
std::unique_ptr<Recommender> smallDimeRec(int samplesPerUser = 1,
                                          Readout readout = Readout::Diffusion) {
    torch::manual_seed(5);
    ModelConfig c;
    c.dim = 8;
    c.interests = 2;
    c.diffusionSteps = 10;
    c.samplesPerUser = samplesPerUser;
    c.readout = readout;
    return makeRecommender(c, kItems, kLength, {});
}

// Cases with seeded random histories of 1–6 items and one target each.
std::vector<EvalCase> randomCases(int users, uint32_t seed) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<int32_t> item(0, kItems - 1);
    std::uniform_int_distribution<int> length(1, kLength);
    std::vector<EvalCase> cases;
    for (int u = 0; u < users; ++u) {
        EvalCase c{u, {}, {item(random)}};
        for (int i = length(random); i > 0; --i) c.history.push_back(item(random));
        cases.push_back(c);
    }
    return cases;
}

Splits randomSplits() {
    Splits splits;
    splits.numItems = kItems;
    splits.valid = randomCases(40, 1);
    splits.test = randomCases(40, 2);
    return splits;
}

EvalConfig smallEval() {
    EvalConfig c;
    c.topK = {5, 10};
    c.batchUsers = 16;  // several batches, each with its own noise stream
    return c;
}

TEST(Readouts, FusedScoreIsTheHandComputedMaximum) {
    // Items e0 = (1, 0), e1 = (0, 1), e2 = (−1, 0); interests g1 = (0.5, 0), g2 = (0, −1);
    // x̂0 = (0.6, 0.8). max_k ⟨g_k, e_i⟩ = 0.5, 0, 0; ⟨x̂0, e_i⟩ = 0.6, 0.8, −0.6. With w = 2:
    // max(0.5, 1.2) = 1.2, max(0, 1.6) = 1.6, max(0, −1.2) = 0 (hand computation).
    const torch::Tensor items = torch::tensor({1.f, 0.f, 0.f, 1.f, -1.f, 0.f}).view({3, 2});
    const torch::Tensor interests = torch::tensor({0.5f, 0.f, 0.f, -1.f}).view({1, 2, 2});
    const torch::Tensor sample = torch::tensor({0.6f, 0.8f}).view({1, 1, 2});
    const torch::Tensor fused =
        fusedScores(bestScores(interests, items), bestScores(sample, items), 2.0);
    EXPECT_TRUE(torch::allclose(fused, torch::tensor({1.2f, 1.6f, 0.f}).view({1, 3})));
    // w = 0 leaves the interests' scores, floored at 0.
    EXPECT_TRUE(
        torch::allclose(fusedScores(bestScores(interests, items), bestScores(sample, items), 0.0),
                        torch::tensor({0.5f, 0.f, 0.f}).view({1, 3})));
}

TEST(Readouts, Algorithm2AndInterestsMatchTheModelsOwnEvaluation) {
    auto model = smallDimeRec();
    auto& dimeRec = dynamic_cast<DimeRecRecommender&>(*model);
    const Splits splits = randomSplits();
    const Evaluator evaluator(smallEval(), kLength, {}, 7);
    const ReadoutMetrics readouts = evaluateReadouts(dimeRec, evaluator, splits);
    // model.samplesPerUser = 1 is Algorithm 2, with the same noise streams.
    EXPECT_EQ(readouts.splits.at("test/algorithm2"), evaluator.evaluate(*model, splits.test));
    EXPECT_EQ(readouts.splits.at("valid/algorithm2"), evaluator.evaluate(*model, splits.valid));
    // Each readout's test keeps its per-user ranks, the model's own evaluation's for the same
    // readout (they are what paired per-user tests of a readout row use).
    TargetRanks ranks;
    evaluator.evaluate(*model, splits.test, &ranks);
    EXPECT_EQ(readouts.testRanks.at("test/algorithm2"), ranks);
    // model.readout = interests evaluates as the interests readout.
    const auto interestsModel = smallDimeRec(1, Readout::Interests);
    EXPECT_EQ(readouts.splits.at("test/interests"),
              evaluator.evaluate(*interestsModel, splits.test, &ranks));
    EXPECT_EQ(readouts.testRanks.at("test/interests"), ranks);
    EXPECT_EQ(readouts.testRanks.size(), readoutNames().size());
    for (const std::string& name : readoutNames()) {
        for (const char* split : {"valid/", "test/"}) {
            const auto& metrics = readouts.splits.at(split + name);
            EXPECT_GE(metrics.at("hr@10"), metrics.at("hr@5")) << split << name;
            EXPECT_LE(metrics.at("hr@10"), 1.0) << split << name;
        }
    }
}

TEST(Readouts, SamplesReadoutScoresItsBestSample) {
    // The samples readout of S = 3: each item's best over the three samples drawn after the
    // Algorithm 2 vector in the batch's stream; a model with model.samplesPerUser = 3 draws
    // the same three when its stream has first given one vector.
    auto model = smallDimeRec(3);
    auto& dimeRec = dynamic_cast<DimeRecRecommender&>(*model);
    const Splits splits = randomSplits();
    const Evaluator evaluator(smallEval(), kLength, {}, 7);
    ReadoutOptions options;
    options.samples = 3;
    const ReadoutMetrics readouts = evaluateReadouts(dimeRec, evaluator, splits, options);
    const auto expected = evaluator.evaluateScores(
        *model, splits.test, 1, [&](const torch::Tensor& history, const torch::Tensor& lengths) {
            dimeRec.sampleUserVectors(history, lengths, 1);
            return std::vector<torch::Tensor>{model->scoreAll(history, lengths)};
        });
    EXPECT_EQ(readouts.splits.at("test/samples"), expected.front());
}

TEST(Readouts, FusedWeightMaximisesValidationNdcgOnTheGrid) {
    auto model = smallDimeRec();
    auto& dimeRec = dynamic_cast<DimeRecRecommender&>(*model);
    const Splits splits = randomSplits();
    const Evaluator evaluator(smallEval(), kLength, {}, 7);
    ReadoutOptions options;
    options.fusedWeights = {0.0, 0.5, 1.0, 2.0, 4.0};
    const ReadoutMetrics readouts = evaluateReadouts(dimeRec, evaluator, splits, options);
    // Each weight evaluated on its own: max(interests, w·Algorithm 2 vector).
    double best = -1.0;
    double bestWeight = -1.0;
    std::set<double> values;
    for (double weight : options.fusedWeights) {
        const auto metrics = evaluator.evaluateScores(
            *model, splits.valid, 1,
            [&](const torch::Tensor& history, const torch::Tensor& lengths) {
                const torch::Tensor items = dimeRec.itemEmbeddings();
                const torch::Tensor sample =
                    bestScores(dimeRec.sampleUserVectors(history, lengths, 1), items);
                const torch::Tensor interests = bestScores(dimeRec.guidanceOf(history), items);
                return std::vector<torch::Tensor>{torch::maximum(interests, weight * sample)};
            });
        values.insert(metrics.front().at("ndcg@10"));
        if (metrics.front().at("ndcg@10") > best) {
            best = metrics.front().at("ndcg@10");
            bestWeight = weight;
        }
    }
    ASSERT_GT(values.size(), 1u) << "the grid's weights must rank differently for a real choice";
    EXPECT_EQ(readouts.fusedWeight, bestWeight);
    EXPECT_EQ(readouts.splits.at("valid/fused").at("fused_w"), bestWeight);
    EXPECT_DOUBLE_EQ(readouts.splits.at("valid/fused").at("ndcg@10"), best);
}

TEST(Readouts, RefusesAnEmptyOrNegativeGridAndAnUnknownMetric) {
    auto model = smallDimeRec();
    auto& dimeRec = dynamic_cast<DimeRecRecommender&>(*model);
    const Splits splits = randomSplits();
    const Evaluator evaluator(smallEval(), kLength, {}, 7);
    ReadoutOptions empty;
    empty.fusedWeights = {};
    EXPECT_THROW(evaluateReadouts(dimeRec, evaluator, splits, empty), std::invalid_argument);
    ReadoutOptions negative;
    negative.fusedWeights = {1.0, -1.0};
    EXPECT_THROW(evaluateReadouts(dimeRec, evaluator, splits, negative), std::invalid_argument);
    ReadoutOptions unknown;
    unknown.selectBy = "ndcg@50";
    EXPECT_THROW(evaluateReadouts(dimeRec, evaluator, splits, unknown), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
