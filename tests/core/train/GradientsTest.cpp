#include "config/RunConfig.h"
#include "data/Batch.h"
#include "model/Recommender.h"
#include "train/Gradients.h"

#include <gtest/gtest.h>

#include <random>

namespace dimerec {
namespace {

constexpr int32_t kItems = 30;
constexpr int kLength = 6;

BatchTensors randomBatch(int64_t rows, uint64_t seed) {
    std::mt19937_64 random(seed);
    Batch batch;
    batch.size = rows;
    batch.maxLength = kLength;
    for (int64_t r = 0; r < rows; ++r) {
        const int length = 1 + static_cast<int>(random() % kLength);
        for (int c = 0; c < kLength; ++c)
            batch.history.push_back(c < kLength - length ? kItems : random() % kItems);
        batch.lengths.push_back(length);
        batch.targets.push_back(static_cast<int64_t>(random() % kItems));
    }
    for (int i = 0; i < 20; ++i) batch.negatives.push_back(static_cast<int64_t>(random() % kItems));
    return toTensors(batch, torch::kCPU);
}

std::unique_ptr<Recommender> smallModel(const std::string& name, double lambda = 1.0,
                                        double mu = 1.0) {
    ModelConfig c;
    c.model = choiceNamed<ModelKind>("model.model", name);
    c.dim = 8;
    c.interests = 2;
    c.diffusionSteps = 10;
    c.lambda = lambda;
    c.mu = mu;
    c.layers = 1;
    torch::manual_seed(3);
    return makeRecommender(c, kItems, kLength, std::vector<int64_t>(kItems, 1));
}

// The gradients computeGradients leaves in the model, one tensor per parameter.
std::vector<torch::Tensor> gradientsOf(Recommender& model, const BatchTensors& batch, int shards,
                                       LossTerms* losses = nullptr) {
    for (auto& p : model.parameters()) p.mutable_grad() = torch::Tensor();
    const LossTerms terms = computeGradients(model, batch, shards);
    if (losses != nullptr) *losses = terms;
    std::vector<torch::Tensor> result;
    for (const auto& p : model.parameters())
        result.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    return result;
}

void expectClose(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)
        EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6)) << "parameter " << i;
}

TEST(Gradients, RowShardsAddUpToTheGradientOfTheWholeBatch) {
    // Reference: one shard, i.e. LibTorch's autograd of the mean loss over all 50 rows. Three
    // shards of 16, 17 and 17 rows, each weighted by its share, must give the same gradient and
    // the same loss (up to float summation order).
    for (const char* name : {"comirec-sa", "comirec-dr", "mean-pool"}) {
        auto model = smallModel(name);
        const BatchTensors batch = randomBatch(50, 7);
        LossTerms whole;
        LossTerms sharded;
        const auto reference = gradientsOf(*model, batch, 1, &whole);
        const auto shards = gradientsOf(*model, batch, 3, &sharded);
        expectClose(shards, reference);
        EXPECT_NEAR(sharded.total.item<double>(), whole.total.item<double>(), 1e-6) << name;
        EXPECT_NEAR(sharded.terms.at("ce").item<double>(), whole.terms.at("ce").item<double>(),
                    1e-6)
            << name;
    }
}

// Every-position batches (SASRec, GRU4Rec): rows of 1 … 6 targets, so the shards' shares of
// the targets differ from their shares of the rows; weighted by targets, three shards must give
// the gradient of the mean over all the batch's targets (reference: one shard).
TEST(Gradients, EveryPositionShardsAreWeightedByTheirTargets) {
    std::mt19937_64 random(4);
    Batch batch;
    batch.size = 50;
    batch.maxLength = kLength;
    for (int64_t r = 0; r < batch.size; ++r) {
        const int length = 1 + static_cast<int>(random() % kLength);
        for (int c = 0; c < kLength; ++c) {
            const bool real = c >= kLength - length;
            batch.history.push_back(real ? static_cast<int64_t>(random() % kItems) : kItems);
            batch.positionTargets.push_back(real ? static_cast<int64_t>(random() % kItems)
                                                 : kItems);
        }
        batch.lengths.push_back(length);
    }
    for (int i = 0; i < 20; ++i) batch.negatives.push_back(static_cast<int64_t>(random() % kItems));
    const BatchTensors tensors = toTensors(batch, torch::kCPU);
    for (const char* name : {"sasrec", "gru4rec"}) {
        auto model = smallModel(name);
        model->eval();  // no dropout: the shards must match one pass
        LossTerms whole;
        LossTerms sharded;
        const auto reference = gradientsOf(*model, tensors, 1, &whole);
        expectClose(gradientsOf(*model, tensors, 3, &sharded), reference);
        EXPECT_NEAR(sharded.total.item<double>(), whole.total.item<double>(), 1e-6) << name;
    }
}

TEST(Gradients, DimeRecShardsDrawTheirNoiseReproducibly) {
    const BatchTensors batch = randomBatch(40, 8);
    auto model = smallModel("dimerec");
    torch::manual_seed(21);
    const auto first = gradientsOf(*model, batch, 2);
    torch::manual_seed(21);
    const auto second = gradientsOf(*model, batch, 2);
    for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(torch::equal(first[i], second[i])) << i;

    // With λ = μ = 0 the noise does not reach the total, so shards must match one pass exactly
    // up to summation order (reference: the unsharded gradient of L_gem).
    auto gemOnly = smallModel("dimerec", 0.0, 0.0);
    expectClose(gradientsOf(*gemOnly, batch, 2), gradientsOf(*gemOnly, batch, 1));
}

TEST(Gradients, SharedBlocksLeaveTheGradientsIndependentOfTheThreads) {
    // Two shards of 150 rows on two threads: each shard's attention logits are 900 history
    // rows, 4 blocks of 256, which the thread done first takes over from the other
    // (util/SharedBlocks.h); which thread runs a block changes with timing. Every block keeps
    // its own weight gradients, added in block order, so ten runs must agree bit for bit, and
    // with one shard (LibTorch's autograd of the whole batch) up to summation order.
    const int threads = at::get_num_threads();
    at::set_num_threads(2);
    auto model = smallModel("comirec-sa");
    const BatchTensors batch = randomBatch(300, 9);
    const auto first = gradientsOf(*model, batch, 2);
    for (int run = 0; run < 10; ++run) {
        const auto again = gradientsOf(*model, batch, 2);
        for (size_t i = 0; i < first.size(); ++i)
            ASSERT_TRUE(torch::equal(first[i], again[i])) << "run " << run << ", parameter " << i;
    }
    expectClose(first, gradientsOf(*model, batch, 1));
    at::set_num_threads(threads);
}

TEST(Gradients, ShardCountFollowsThreadsRowsAndTheModel) {
    const int threads = at::get_num_threads();
    at::set_num_threads(2);
    auto comirec = smallModel("comirec-sa");
    EXPECT_EQ(gradientShards(*comirec, torch::kCPU, 256), 2);
    EXPECT_EQ(gradientShards(*comirec, torch::kCPU, 40), 1);  // fewer than 2 × 32 rows
    EXPECT_EQ(gradientShards(*comirec, torch::Device(torch::kCUDA), 256), 1);
    // GRU4Rec's dropout between layers (inside LibTorch's GRU) draws from LibTorch's global
    // generator: one shard keeps it reproducible. SASRec's dropout draws from the shard's own.
    ModelConfig gru;
    gru.model = ModelKind::Gru4Rec;
    gru.dim = 8;
    gru.layers = 2;
    gru.dropout = 0.2;
    auto withDropout = makeRecommender(gru, kItems, kLength, std::vector<int64_t>(kItems, 1));
    EXPECT_EQ(gradientShards(*withDropout, torch::kCPU, 256), 1);
    gru.dropout = 0.0;
    auto withoutDropout = makeRecommender(gru, kItems, kLength, std::vector<int64_t>(kItems, 1));
    EXPECT_EQ(gradientShards(*withoutDropout, torch::kCPU, 256), 2);
    ModelConfig sasrec = gru;
    sasrec.model = ModelKind::SasRec;
    sasrec.dropout = 0.2;
    auto sasrecWithDropout =
        makeRecommender(sasrec, kItems, kLength, std::vector<int64_t>(kItems, 1));
    EXPECT_EQ(gradientShards(*sasrecWithDropout, torch::kCPU, 256), 2);
    at::set_num_threads(threads);
}

}  // namespace
}  // namespace dimerec
