#include "config/RunConfig.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "eval/RankingMetrics.h"
#include "model/Recommender.h"
#include "util/TargetRanks.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dimerec {
namespace {

// Scores every item from a fixed table row chosen by the user's most recent item, so the
// rankings below can be written down by hand.
class TableModel : public Recommender {
public:
    // embeddings: the item table for ild@K and the probe (undefined = the model has none).
    explicit TableModel(torch::Tensor table, torch::Tensor embeddings = {})
        : Recommender("table", static_cast<int32_t>(table.size(1))), embeddings_(embeddings) {
        table_ = register_buffer("table", table);
    }
    LossTerms loss(const BatchTensors&) override { throw std::logic_error("not trained"); }
    torch::Tensor scoreAll(const torch::Tensor& history, const torch::Tensor&) override {
        return table_.index_select(0, history.select(1, history.size(1) - 1));
    }
    torch::Tensor userVectors(const torch::Tensor&, const torch::Tensor&) override { return {}; }
    torch::Tensor itemEmbeddings() override { return embeddings_; }

private:
    torch::Tensor table_;
    torch::Tensor embeddings_;
};

// 2-dim item embeddings: 0 (1, 0), 1 (0, 1), 2 (1, 1), 3 (−1, 0), 4 (0, 0), 5 (0, −1).
torch::Tensor handEmbeddings() {
    return torch::tensor({1.f, 0.f, 0.f, 1.f, 1.f, 1.f, -1.f, 0.f, 0.f, 0.f, 0.f, -1.f})
        .view({6, 2});
}

// Row 0 ranks items 1, 3, 2, 4, 0, 5; row 1 ranks 0, 1, 2, 3, 4, 5.
TableModel handModel(torch::Tensor embeddings = {}) {
    return TableModel(
        torch::tensor({0.1f, 0.9f, 0.3f, 0.8f, 0.2f, 0.0f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f})
            .view({2, 6}),
        embeddings);
}

std::vector<EvalCase> handCases() {
    return {EvalCase{0, {0}, {3}}, EvalCase{1, {1}, {2, 5}}, EvalCase{2, {0}, {}}};
}

EvalConfig cutoffs(std::vector<int> topK, int batchUsers = 1024) {
    EvalConfig c;
    c.topK = std::move(topK);
    c.batchUsers = batchUsers;
    // The hand rankings below include the users' history items; the mask (on by default) has
    // its own test, ExcludingHistoryMasksTheUsersOwnItems.
    c.excludeHistory = false;
    return c;
}

TEST(Evaluator, RankingMetricsMatchHandComputation) {
    TableModel model = handModel();
    const std::vector<std::vector<int32_t>> categories = {{0}, {0, 3}, {1}, {1}, {2}, {2}};
    const auto m = Evaluator(cutoffs({1, 3}), 4, categories).evaluate(model, handCases());
    // The case without targets is skipped. K = 1: neither top item is a target.
    EXPECT_DOUBLE_EQ(m.at("hr@1"), 0.0);
    EXPECT_DOUBLE_EQ(m.at("ndcg@1"), 0.0);
    // K = 3. User A: target 3 at position 2 → HR 1, recall 1, NDCG 1/log2(3), MRR 1/2.
    // User B: targets {2, 5}, hit 2 at position 3 → HR 1, recall 1/2,
    // NDCG (1/log2 4)/(1 + 1/log2 3) = 0.30657, MRR 1/3.
    EXPECT_DOUBLE_EQ(m.at("hr@3"), 1.0);
    EXPECT_DOUBLE_EQ(m.at("recall@3"), 0.75);
    const double ndcgA = 1.0 / std::log2(3.0);
    const double ndcgB = 0.5 / (1.0 + 1.0 / std::log2(3.0));
    EXPECT_NEAR(m.at("ndcg@3"), (ndcgA + ndcgB) / 2.0, 1e-12);
    EXPECT_NEAR(m.at("mrr@3"), (0.5 + 1.0 / 3.0) / 2.0, 1e-12);
    // Diversity@3: A's top 3 (1, 3, 2) have primary categories 0, 1, 1 → 2 of 3 pairs differ;
    // B's (0, 1, 2) have 0, 0, 1 → 2 of 3. Distinct labels: A {0, 3, 1} = 3, B {0, 3, 1} = 3.
    EXPECT_NEAR(m.at("diversity@3"), 2.0 / 3.0, 1e-12);
    EXPECT_DOUBLE_EQ(m.at("categories@3"), 3.0);
    // Items shown in the top 3: {0, 1, 2, 3} of 6; counts sorted 0,0,1,1,2,2 → Gini
    // Σ(2i−n−1)c_i/(n Σc) = 16/36.
    EXPECT_NEAR(m.at("coverage@3"), 4.0 / 6.0, 1e-12);
    EXPECT_NEAR(m.at("gini@3"), 16.0 / 36.0, 1e-12);
}

TEST(Evaluator, BatchingDoesNotChangeTheResult) {
    TableModel model = handModel();
    const auto whole = Evaluator(cutoffs({1, 2, 3}), 4).evaluate(model, handCases());
    const auto oneByOne = Evaluator(cutoffs({1, 2, 3}, 1), 4).evaluate(model, handCases());
    EXPECT_EQ(whole, oneByOne);
    EXPECT_EQ(whole.count("diversity@3"), 0u);  // no categories given
}

TEST(Evaluator, GenerativeResultsDoNotDependOnThreadsOrBatchOrder) {
    // DimeRec draws reverse-process noise; batches run concurrently, each from its own stream
    // (seed + batch index). The reference is the same evaluation on one thread: 2 threads must
    // give identical metrics, and a second run identical ones again.
    ModelConfig config;
    config.model = ModelKind::DimeRec;
    config.dim = 8;
    config.interests = 2;
    config.diffusionSteps = 10;
    torch::manual_seed(4);
    auto model = makeRecommender(config, 12, 4, std::vector<int64_t>(12, 1));
    std::vector<EvalCase> cases;
    for (int32_t u = 0; u < 40; ++u) cases.push_back(EvalCase{u, {u % 12, (u + 5) % 12}, {u % 7}});
    const Evaluator evaluator(cutoffs({1, 5}, 8), 4, {}, 9);
    const int threads = at::get_num_threads();
    at::set_num_threads(1);
    const auto serial = evaluator.evaluate(*model, cases);
    at::set_num_threads(2);
    const auto concurrent = evaluator.evaluate(*model, cases);
    const auto again = evaluator.evaluate(*model, cases);
    at::set_num_threads(threads);
    EXPECT_EQ(concurrent, serial);
    EXPECT_EQ(again, serial);
}

TEST(Evaluator, AFailingBatchReachesTheCallerWhileOtherThreadsWait) {
    // Batches of one user on 2 threads; the third user's batch throws. The error must reach
    // the caller (not hang the thread waiting for the other's batches), every time.
    class FailingModel : public TableModel {
    public:
        FailingModel() : TableModel(handModel()) {}
        torch::Tensor scoreAll(const torch::Tensor& history,
                               const torch::Tensor& lengths) override {
            if (history.size(0) == 1 && history[0][history.size(1) - 1].item<int64_t>() == 1)
                throw std::runtime_error("scores failed");
            return TableModel::scoreAll(history, lengths);
        }
    };
    FailingModel model;
    std::vector<EvalCase> cases;
    for (int32_t u = 0; u < 9; ++u) cases.push_back(EvalCase{u, {u == 2 ? 1 : 0}, {3}});
    const int threads = at::get_num_threads();
    at::set_num_threads(2);
    for (int round = 0; round < 20; ++round) {
        EXPECT_THROW(Evaluator(cutoffs({1, 2}, 1), 4).evaluate(model, cases), std::runtime_error);
    }
    at::set_num_threads(threads);
}

TEST(Evaluator, AFailedEvaluationGivesTheModelBackItsTrainingMode) {
    class FailingModel : public TableModel {
    public:
        FailingModel() : TableModel(handModel()) {}
        torch::Tensor scoreAll(const torch::Tensor&, const torch::Tensor&) override {
            throw std::runtime_error("scores failed");
        }
    };
    FailingModel model;
    model.train(true);  // as the trainer leaves it between steps
    EXPECT_THROW(Evaluator(cutoffs({1, 2}), 4).evaluate(model, handCases()), std::runtime_error);
    EXPECT_TRUE(model.is_training());
}

TEST(Evaluator, ExcludingHistoryMasksTheUsersOwnItems) {
    TableModel model = handModel();
    EvalConfig config = cutoffs({3});
    config.excludeHistory = true;
    // User B's history {1} is masked: ranking 0, 2, 3 → target 2 at position 2:
    // NDCG (1/log2 3)/(1 + 1/log2 3), recall 1/2.
    const auto m = Evaluator(config, 4).evaluate(model, {EvalCase{1, {1}, {2, 5}}});
    EXPECT_NEAR(m.at("ndcg@3"), (1.0 / std::log2(3.0)) / (1.0 + 1.0 / std::log2(3.0)), 1e-12);
    EXPECT_DOUBLE_EQ(m.at("recall@3"), 0.5);
}

TEST(Evaluator, PadsRightAlignedAndTruncatesToTheMostRecentItems) {
    const std::vector<EvalCase> cases = {EvalCase{0, {1, 2, 3, 4}, {5}}, EvalCase{1, {7}, {5}}};
    const HistoryBatch batch = padHistories(cases, 0, 2, 3, 9, torch::kCPU);
    EXPECT_TRUE(torch::equal(batch.history,
                             torch::tensor(std::vector<int64_t>{2, 3, 4, 9, 9, 7}).view({2, 3})));
    EXPECT_TRUE(torch::equal(batch.lengths, torch::tensor(std::vector<int64_t>{3, 1})));
}

TEST(Evaluator, IntraListDistanceMatchesHandComputation) {
    const double a = 1.0 / std::sqrt(2.0);
    const torch::Tensor ranked =
        torch::tensor(std::vector<int64_t>{0, 1, 2, 3, 2, 1, 4, 5}).view({2, 4});
    const torch::Tensor ild = intraListDistance(handEmbeddings(), ranked, {1, 2, 3, 4});
    ASSERT_EQ(ild.sizes(), (std::vector<int64_t>{2, 4}));
    // List 0 (0, 1, 2, 3): @1 no pair; @2 1 − cos((1,0),(0,1)) = 1; @3 adds 1 − a twice
    // (a = 1/√2) → (3 − √2)/3; @4 adds 2, 1, 1 + a (item 3 opposite item 0) → (7 − a)/6.
    EXPECT_DOUBLE_EQ(ild[0][0].item<double>(), 0.0);
    EXPECT_NEAR(ild[0][1].item<double>(), 1.0, 1e-6);
    EXPECT_NEAR(ild[0][2].item<double>(), (3.0 - std::sqrt(2.0)) / 3.0, 1e-6);
    EXPECT_NEAR(ild[0][3].item<double>(), (7.0 - a) / 6.0, 1e-6);
    // List 1 (2, 1, 4, 5): @3 1 − a, and 1 twice (item 4 is zero: no direction) → (3 − a)/3;
    // @4 adds 1 + a (2 vs 5), 2 (1 vs 5), 1 (4 vs 5) → (3 − a + 4 + a)/6 = 7/6.
    EXPECT_NEAR(ild[1][2].item<double>(), (3.0 - a) / 3.0, 1e-6);
    EXPECT_NEAR(ild[1][3].item<double>(), 7.0 / 6.0, 1e-6);
    EXPECT_THROW(intraListDistance(handEmbeddings(), ranked, {5}), std::invalid_argument);
}

TEST(Evaluator, IntraListDistanceMatchesTheMeanOverTheGramMatrix) {
    // Reference: the mean of 1 − cos over all pairs of the top k, from the Gram matrix of the
    // normalised rows in double precision. 70-dim rows (8-lane loops and a tail of 6), lists of
    // 50 with repeated items and a zero row.
    torch::manual_seed(6);
    torch::Tensor table = torch::randn({40, 70});
    table[7].zero_();
    const torch::Tensor ranked = torch::randint(0, 40, {5, 50});
    const torch::Tensor ild = intraListDistance(table, ranked, {2, 10, 50});
    const torch::Tensor unit = torch::nn::functional::normalize(
        table.to(torch::kDouble), torch::nn::functional::NormalizeFuncOptions().dim(1));
    for (int64_t list = 0; list < 5; ++list) {
        for (const auto& [column, k] :
             std::vector<std::pair<int64_t, int64_t>>{{0, 2}, {1, 10}, {2, 50}}) {
            const torch::Tensor rows = unit.index_select(0, ranked[list].slice(0, 0, k));
            const torch::Tensor cosines = rows.mm(rows.t());
            const double pairs = static_cast<double>(k * (k - 1)) / 2.0;
            const double expected =
                (pairs -
                 (cosines.sum().item<double>() - cosines.diagonal().sum().item<double>()) / 2.0) /
                pairs;
            EXPECT_NEAR(ild[list][column].item<double>(), expected, 1e-9) << list << " @" << k;
        }
    }
}

TEST(Evaluator, ReportsIntraListDistanceAndTheProbeForModelsWithAnItemTable) {
    TableModel model = handModel(handEmbeddings());
    const std::vector<std::vector<int32_t>> categories = {{0}, {0, 3}, {1}, {1}, {2}, {2}};
    const auto m = Evaluator(cutoffs({3}), 4, categories).evaluate(model, handCases());
    // A's top 3 (1, 3, 2): 1, 1 − a, 1 + a → mean 1; B's (0, 1, 2): (3 − √2)/3.
    EXPECT_NEAR(m.at("ild@3"), (1.0 + (3.0 - std::sqrt(2.0)) / 3.0) / 2.0, 1e-6);
    // 6 labelled items: the probe fits ⌊0.8 · 6⌋ = 4 and scores 2, so accuracies are k/2.
    for (const char* name : {"probe_accuracy", "probe_majority"}) {
        ASSERT_EQ(m.count(name), 1u) << name;
        EXPECT_DOUBLE_EQ(2.0 * m.at(name), std::round(2.0 * m.at(name))) << name;
    }
    // Without categories there is no probe; a model without an item table has no ild.
    EXPECT_EQ(Evaluator(cutoffs({3}), 4).evaluate(model, handCases()).count("probe_accuracy"), 0u);
    TableModel plain = handModel();
    EXPECT_EQ(Evaluator(cutoffs({3}), 4, categories).evaluate(plain, handCases()).count("ild@3"),
              0u);
}

TEST(Evaluator, ReportsEachTargetsRankAndTheMetricsDeriveFromThem) {
    TableModel model = handModel();
    TargetRanks ranks;
    const auto m = Evaluator(cutoffs({1, 3, 6}), 4).evaluate(model, handCases(), &ranks);
    // Row 0 ranks 1, 3, 2, 4, 0, 5: user 0's target 3 is 2nd. Row 1 ranks 0..5 in order: user
    // 1's targets 2 and 5 are 3rd and 6th. User 2 has no targets and no case.
    ASSERT_EQ(ranks.cases(), 2u);
    EXPECT_EQ(ranks.user(0), 0);
    EXPECT_EQ(std::vector<int32_t>(ranks.ranksBegin(0), ranks.ranksEnd(0)),
              std::vector<int32_t>{2});
    EXPECT_EQ(ranks.user(1), 1);
    EXPECT_EQ(std::vector<int32_t>(ranks.ranksBegin(1), ranks.ranksEnd(1)),
              (std::vector<int32_t>{3, 6}));
    // Every accuracy metric is the mean over the cases of caseAccuracy on those ranks.
    for (int k : {1, 3, 6}) {
        const std::string at = "@" + std::to_string(k);
        CaseAccuracy sum;
        for (size_t c = 0; c < ranks.cases(); ++c) {
            const CaseAccuracy one = caseAccuracy(ranks.ranksBegin(c), ranks.ranksEnd(c), k);
            sum.hr += one.hr / 2.0;
            sum.recall += one.recall / 2.0;
            sum.ndcg += one.ndcg / 2.0;
            sum.mrr += one.mrr / 2.0;
        }
        EXPECT_DOUBLE_EQ(m.at("hr" + at), sum.hr) << at;
        EXPECT_DOUBLE_EQ(m.at("recall" + at), sum.recall) << at;
        EXPECT_DOUBLE_EQ(m.at("ndcg" + at), sum.ndcg) << at;
        EXPECT_DOUBLE_EQ(m.at("mrr" + at), sum.mrr) << at;
    }
    // A repeated target counts once: user 1 with targets {2, 2, 5} is the case above.
    TargetRanks repeated;
    Evaluator(cutoffs({3}), 4).evaluate(model, {EvalCase{1, {1}, {2, 2, 5}}}, &repeated);
    EXPECT_EQ(std::vector<int32_t>(repeated.ranksBegin(0), repeated.ranksEnd(0)),
              (std::vector<int32_t>{3, 6}));
}

TEST(RankingMetrics, CaseAccuracyFromRanksMatchesHandComputation) {
    // Targets at ranks 2, 5 and 40, K = 10: 2 hits of 3; DCG 1/log2 3 + 1/log2 6 over IDCG
    // 1 + 1/log2 3 + 1/log2 4; first hit at rank 2.
    const int32_t ranks[] = {2, 5, 40};
    const CaseAccuracy a = caseAccuracy(ranks, ranks + 3, 10);
    EXPECT_DOUBLE_EQ(a.hr, 1.0);
    EXPECT_DOUBLE_EQ(a.recall, 2.0 / 3.0);
    EXPECT_NEAR(a.ndcg,
                (1.0 / std::log2(3.0) + 1.0 / std::log2(6.0)) / (1.0 + 1.0 / std::log2(3.0) + 0.5),
                1e-15);
    EXPECT_DOUBLE_EQ(a.mrr, 0.5);
    const CaseAccuracy miss = caseAccuracy(ranks, ranks + 3, 1);
    EXPECT_EQ(miss.hr + miss.recall + miss.ndcg + miss.mrr, 0.0);
}

TEST(RankingMetrics, SingleTargetNdcgIsOneOverLogOfRankPlusOne) {
    // DreamRec's form: target at rank r = 4 → 1/log2(5).
    RankingMetrics metrics({5}, 10);
    const int64_t ranked[] = {9, 8, 7, 6, 5};
    const int32_t targetRank[] = {4};  // item 6
    metrics.add(ranked, targetRank, targetRank + 1);
    EXPECT_NEAR(metrics.result().at("ndcg@5"), 1.0 / std::log2(5.0), 1e-12);
    EXPECT_DOUBLE_EQ(metrics.result().at("mrr@5"), 0.25);
}

}  // namespace
}  // namespace dimerec
