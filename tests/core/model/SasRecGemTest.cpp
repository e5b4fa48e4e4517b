// DimeRec's SASRec GEM (model.gem = sasrec, issue 19 item 6): SASRec's encoder over the
// history, its last K hidden states the K interests.
#include "config/RunConfig.h"
#include "data/Batch.h"
#include "data/Dataset.h"
#include "data/DefaultDataset.h"
#include "model/DimeRec.h"
#include "model/Guidance.h"
#include "model/Recommender.h"
#include "model/SasRecEncoder.h"
#include "train/Checkpoint.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <vector>

namespace dimerec {
namespace {

constexpr int32_t kItems = 20;
constexpr int kLength = 6;
constexpr int kInterests = 3;
constexpr int kDim = 8;

ModelConfig sasrecGem() {
    ModelConfig c;
    c.gem = GemKind::SasRec;
    c.dim = kDim;
    c.interests = kInterests;
    c.layers = 2;
    c.heads = 2;
    c.dropout = 0.0;
    c.diffusionSteps = 10;
    c.noiseScale = NoiseScale::PerDim;
    return c;
}

// Right-aligned histories of 6, 3, 2, 1 and 0 real items (padding id kItems).
torch::Tensor histories() {
    const std::vector<std::vector<int64_t>> rows = {
        {3, 7, 1, 12, 5, 9}, {2, 8, 11}, {19, 4}, {6}, {}};
    torch::Tensor ids =
        torch::full({static_cast<int64_t>(rows.size()), kLength}, kItems, torch::kInt64);
    for (size_t r = 0; r < rows.size(); ++r) {
        for (size_t i = 0; i < rows[r].size(); ++i)
            ids[r][kLength - static_cast<int64_t>(rows[r].size() - i)] = rows[r][i];
    }
    return ids;
}

// A random item table with a zero padding row (as the models' tables).
torch::Tensor itemTable() {
    torch::Tensor table = torch::randn({kItems + 1, kDim});
    table[kItems].zero_();
    return table;
}

// The embeddings [B, N, d] of ids [B, N].
torch::Tensor embed(const torch::Tensor& table, const torch::Tensor& ids) {
    return table.index_select(0, ids.flatten()).view({ids.size(0), ids.size(1), -1});
}

// Copies every parameter of `from` into the parameter of `to` with the same name (all of
// to's parameters must be found in from).
void copyParameters(const torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard noGrad;
    const auto source = from.named_parameters();
    for (auto& parameter : to.named_parameters()) {
        ASSERT_TRUE(source.contains(parameter.key())) << parameter.key();
        parameter.value().copy_(source[parameter.key()]);
    }
}

TEST(SasRecGem, GivesKInterestsForLongShortAndEmptyHistories) {
    torch::manual_seed(1);
    const auto gem = makeGuidance(GemKind::SasRec, sasrecGem(), kLength);
    const torch::Tensor ids = histories();
    const torch::Tensor table = itemTable();
    const torch::Tensor g = gem->forward(embed(table, ids), ids != kItems, {});
    EXPECT_EQ(g.sizes(), (std::vector<int64_t>{5, kInterests, kDim}));
    EXPECT_TRUE(torch::isfinite(g).all().item<bool>());
    // A window narrower than K (2 columns) still gives K interests.
    const torch::Tensor narrow = ids.slice(1, kLength - 2, kLength);
    const torch::Tensor h = gem->forward(embed(table, narrow), narrow != kItems, {});
    EXPECT_EQ(h.sizes(), (std::vector<int64_t>{5, kInterests, kDim}));
    EXPECT_TRUE(torch::isfinite(h).all().item<bool>());
}

// The K interests are the encoder's final-normed states after the K most recent items
// (columns 3, 4, 5 of 6); a history of m < K items repeats the state after its first item in
// the K − m slots before its own states; an empty one repeats the last column's. Reference:
// an encoder built on its own, given the GEM's parameters, and the columns listed by hand.
TEST(SasRecGem, InterestsAreTheEncodersLastKHiddenStates) {
    torch::manual_seed(2);
    const ModelConfig config = sasrecGem();
    const auto gem = makeGuidance(GemKind::SasRec, config, kLength);
    torch::nn::Module holder;
    SasRecEncoder encoder(holder, config.dim, kLength, config.layers, config.heads, config.dropout);
    copyParameters(*gem, holder);
    EXPECT_EQ(holder.named_parameters().size(), gem->named_parameters().size());

    const torch::Tensor ids = histories();
    const torch::Tensor mask = ids != kItems;
    const torch::Tensor history = embed(itemTable(), ids);
    torch::NoGradGuard noGrad;
    const torch::Tensor states = encoder.finish(encoder.states(history, mask, {}));
    const std::vector<std::vector<int64_t>> columns = {
        {3, 4, 5},  // 6 items: the last three
        {3, 4, 5},  // 3 items: all three
        {4, 4, 5},  // 2 items (columns 4, 5): the first one's state repeated once
        {5, 5, 5},  // 1 item
        {5, 5, 5},  // empty: the last column, as SASRec's user vector
    };
    const torch::Tensor g = gem->forward(history, mask, {});
    for (size_t r = 0; r < columns.size(); ++r) {
        for (int k = 0; k < kInterests; ++k) {
            EXPECT_TRUE(torch::allclose(g[r][k], states[r][columns[r][k]], 1e-5, 1e-6))
                << "row " << r << " interest " << k;
        }
    }
}

// The GEM is SASRec's encoder, not a copy: given the SASRec baseline's parameters (the same
// names), its last interest is SASRec's user vector for the same history.
TEST(SasRecGem, ItsLastInterestIsTheSasRecBaselinesUserVector) {
    torch::manual_seed(3);
    ModelConfig config = sasrecGem();
    config.model = ModelKind::SasRec;
    auto sasrec = makeRecommender(config, kItems, kLength, {});
    const auto gem = makeGuidance(GemKind::SasRec, config, kLength);
    copyParameters(*sasrec, *gem);
    // SASRec's parameter names are those of its checkpoints from before the encoder was shared.
    const auto names = sasrec->named_parameters();
    for (const char* name : {"items.weight", "positions", "blocks.0.query.weight",
                             "blocks.1.keyValue.weight", "finalNorm.weight"})
        EXPECT_TRUE(names.contains(name)) << name;

    torch::NoGradGuard noGrad;
    sasrec->eval();
    const torch::Tensor ids = histories();
    const torch::Tensor g = gem->forward(embed(names["items.weight"], ids), ids != kItems, {});
    const torch::Tensor users = sasrec->userVectors(ids, (ids != kItems).sum(1));
    EXPECT_TRUE(torch::allclose(g.select(1, kInterests - 1), users.squeeze(1), 1e-5, 1e-6));
}

// Batch of 16 right-aligned histories of 1..6 items with targets and shared negatives.
BatchTensors smallBatch() {
    Batch batch;
    batch.size = 16;
    batch.maxLength = kLength;
    for (int64_t r = 0; r < batch.size; ++r) {
        const int64_t length = 1 + r % kLength;
        for (int64_t c = 0; c < kLength; ++c)
            batch.history.push_back(c < kLength - length ? kItems : (r + 3 * c) % kItems);
        batch.lengths.push_back(length);
        batch.targets.push_back((r * 7 + 1) % kItems);
    }
    batch.negatives = {0, 2, 5, 9, 13, 17};
    return toTensors(batch, torch::kCPU);
}

// L_gem (the sampled softmax of the best-matching interest, as for SA and DR) trains every
// parameter of the encoder.
TEST(SasRecGem, LGemGivesEveryEncoderParameterAGradient) {
    torch::manual_seed(4);
    auto model = makeRecommender(sasrecGem(), kItems, kLength, {});
    model->loss(smallBatch()).terms.at("gem").backward();
    int count = 0;
    for (const auto& parameter : model->named_parameters()) {
        if (parameter.key().rfind("gem.", 0) != 0) continue;
        ++count;
        ASSERT_TRUE(parameter.value().grad().defined()) << parameter.key();
        EXPECT_GT(parameter.value().grad().abs().sum().item<double>(), 0.0) << parameter.key();
    }
    // positions, 2 blocks × 14 tensors (2 norms, 4 linear maps with biases), the final norm.
    EXPECT_EQ(count, 1 + 2 * 14 + 2);
}

class Collector : public TrainObserver {
public:
    std::vector<ProgressEvent> progress;
    void onProgress(const ProgressEvent& event) override { progress.push_back(event); }
    void onEvaluation(const EvaluationEvent&) override {}
};

double meanOf(const std::vector<ProgressEvent>& events, size_t begin, size_t end,
              const std::string& term) {
    double sum = 0.0;
    for (size_t i = begin; i < end; ++i) sum += events[i].losses.at(term);
    return sum / static_cast<double>(end - begin);
}

// A short seeded DimeRec run with the SASRec GEM on the embedded MovieLens latest-small, with
// dropout in the GEM: the losses fall, and the run is evaluated.
TEST(SasRecGem, AShortDimeRecRunOnTheDefaultDatasetLearns) {
    RunConfig config;
    config.model = sasrecGem();
    config.model.dim = 16;
    config.model.dropout = 0.1;
    config.data.maxLength = 20;
    config.train.batchSize = 64;
    config.train.learningRate = 0.01;
    config.train.maxSteps = 60;
    config.train.evalEvery = 60;
    config.train.threads = 2;
    config.train.device = "cpu";
    config.eval.topK = {10};
    config.train.earlyStopMetric = "hr@10";
    Trainer trainer(config, std::make_shared<const Dataset>(loadDefaultDataset()));
    Collector collector;
    TrainControl control;
    const TrainResult result = trainer.run(collector, control);
    ASSERT_EQ(result.status, "finished") << result.message;
    ASSERT_EQ(collector.progress.size(), 60u);
    for (const char* term : {"total", "gem"}) {
        EXPECT_LT(meanOf(collector.progress, 50, 60, term), meanOf(collector.progress, 0, 10, term))
            << term;
    }
    EXPECT_GE(result.test.at("hr@10"), 0.0);
    EXPECT_LE(result.test.at("hr@10"), 1.0);
}

// A checkpoint of a trained DimeRec with the SASRec GEM loads into a freshly built model
// (other initial values) and gives back every parameter and the same interests.
TEST(SasRecGem, CheckpointRoundTrips) {
    RunConfig config;
    config.model = sasrecGem();
    torch::manual_seed(5);
    auto trained = makeRecommender(config.model, kItems, kLength, {});
    torch::optim::Adam optimizer(trained->parameters(), torch::optim::AdamOptions(0.05));
    const BatchTensors batch = smallBatch();
    for (int step = 0; step < 5; ++step) {
        optimizer.zero_grad();
        trained->loss(batch).total.backward();
        optimizer.step();
    }
    const auto path = std::filesystem::temp_directory_path() /
                      ("dimerec-sasrec-gem-" + std::to_string(::getpid()) + ".pt");
    TrainingState state;
    state.step = 5;
    saveCheckpoint(path.string(), config, *trained, &optimizer, state, {});
    EXPECT_EQ(readCheckpointConfig(path.string()).model.gem, GemKind::SasRec);

    torch::manual_seed(6);
    auto loaded = makeRecommender(config.model, kItems, kLength, {});
    const CheckpointContents contents = loadCheckpoint(path.string(), *loaded, nullptr);
    std::filesystem::remove(path);
    EXPECT_EQ(contents.state.step, 5);
    const auto expected = trained->named_parameters();
    const auto actual = loaded->named_parameters();
    ASSERT_EQ(actual.size(), expected.size());
    for (const auto& parameter : expected)
        EXPECT_TRUE(torch::equal(actual[parameter.key()], parameter.value())) << parameter.key();
    torch::NoGradGuard noGrad;
    auto& a = dynamic_cast<DimeRecRecommender&>(*trained);
    auto& b = dynamic_cast<DimeRecRecommender&>(*loaded);
    EXPECT_TRUE(torch::equal(a.guidanceOf(batch.history), b.guidanceOf(batch.history)));
}

TEST(SasRecGem, FactoryRefusesHeadsThatDoNotDivideTheEmbedding) {
    ModelConfig config = sasrecGem();
    config.heads = 3;
    EXPECT_THROW(makeRecommender(config, kItems, kLength, {}), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
