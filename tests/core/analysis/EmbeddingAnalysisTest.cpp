#include "analysis/EmbeddingAnalysis.h"

#include "../store/StoreTestSupport.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

namespace dimerec {
namespace {

// Four steps of a small DimeRec on the embedded dataset, its best checkpoint in `folder`.
std::string tinyCheckpoint(const std::string& folder) {
    RunConfig config;
    config.model.dim = 8;
    config.model.interests = 2;
    config.model.diffusionSteps = 5;
    config.train.maxSteps = 4;
    config.train.batchSize = 32;
    config.train.threads = 1;
    config.train.device = "cpu";
    config.eval.topK = {10};
    auto dataset = std::make_shared<const Dataset>(loadDataset(config.data));
    Trainer trainer(config, dataset, TrainerOptions{folder, "", std::nullopt});
    TrainControl control;
    struct Quiet : TrainObserver {
        void onProgress(const ProgressEvent&) override {}
        void onEvaluation(const EvaluationEvent&) override {}
    } quiet;
    const TrainResult result = trainer.run(quiet, control);
    EXPECT_EQ(result.status, "finished") << result.message;
    return result.bestCheckpoint;
}

// Every row of a rows × 3 block has unit length (projectToSphere's contract).
void expectUnitRows(const std::vector<float>& points) {
    ASSERT_EQ(points.size() % 3, 0u);
    for (size_t row = 0; row < points.size(); row += 3) {
        const double norm = std::hypot(points[row], points[row + 1], points[row + 2]);
        EXPECT_NEAR(norm, 1.0, 1e-5) << "row " << row / 3;
    }
}

TEST(EmbeddingAnalysis, ProjectsACheckpointsItemsUserAndCategoryShares) {
    const test::TempDir dir;
    EmbeddingRequest request;
    request.checkpoint = tinyCheckpoint(dir.file("checkpoints"));
    ASSERT_FALSE(request.checkpoint.empty());
    request.user = 1'000'000;  // clamped to the last test case
    request.samples = 3;
    request.topN = 5;
    request.distributionUsers = 20;
    EmbeddingSnapshot wrongShape;
    wrongShape.label = "other model";
    wrongShape.rows = 2;
    wrongShape.dim = 8;
    wrongShape.data.assign(16, 0.5f);
    // A snapshot of the model's shape (9,724 items × 8) whose rows all point the same way with
    // norm 2: its shape has every bucket's norms at 2 and a mean pairwise cosine of 1.
    EmbeddingSnapshot collapsed;
    collapsed.label = "epoch 1";
    collapsed.step = 2;
    collapsed.rows = 9724;
    collapsed.dim = 8;
    for (int64_t row = 0; row < collapsed.rows; ++row)
        collapsed.data.insert(collapsed.data.end(), {2, 0, 0, 0, 0, 0, 0, 0});
    request.snapshots = {wrongShape, collapsed};

    const EmbeddingAnalysis analysis = analyseCheckpoint(request);
    const SphereScene& scene = analysis.scene;
    EXPECT_EQ(analysis.modelName, "dimerec");
    const size_t items = scene.itemTitles.size();
    ASSERT_EQ(items, 9724u);  // ml-latest-small: 9,724 items
    EXPECT_EQ(scene.items.size(), items * 3);
    expectUnitRows(scene.items);
    EXPECT_TRUE(scene.principalAxes);  // 8-dim embeddings: shown along their principal axes
    EXPECT_GT(analysis.testUsers, 0);
    EXPECT_EQ(analysis.user, analysis.testUsers - 1);
    EXPECT_EQ(scene.recommendations.size(), 5u);
    EXPECT_EQ(scene.samples.size(), 3u * 3u);  // three reverse-process samples, rows × 3
    expectUnitRows(scene.samples);
    EXPECT_FALSE(scene.historyItems.empty());
    // The 2-row snapshot is not this model's; the collapsed one is.
    ASSERT_EQ(analysis.snapshotLabels, std::vector<std::string>{"epoch 1"});
    EXPECT_EQ(analysis.snapshotSteps, std::vector<int64_t>{2});
    ASSERT_EQ(analysis.snapshotShapes.size(), 1u);
    EXPECT_NEAR(analysis.snapshotShapes[0].meanCosine, 1.0, 1e-9);
    int64_t bucketed = 0;
    for (const NormBucket& bucket : analysis.snapshotShapes[0].norms) {
        EXPECT_NEAR(bucket.meanNorm, 2.0, 1e-9);
        bucketed += bucket.items;
    }
    EXPECT_EQ(bucketed, static_cast<int64_t>(items));
    // The checkpoint's own table: every item in a bucket, a cosine of a spread-out table.
    bucketed = 0;
    for (const NormBucket& bucket : analysis.tableShape.norms) bucketed += bucket.items;
    EXPECT_EQ(bucketed, static_cast<int64_t>(items));
    EXPECT_LT(std::abs(analysis.tableShape.meanCosine), 0.5);

    // ml-latest-small has genres: both distributions are shares that sum to 1 (Diversity.h).
    EXPECT_EQ(analysis.distributionUsers, 20);
    ASSERT_EQ(analysis.historyShares.size(), scene.categoryNames.size());
    EXPECT_NEAR(std::accumulate(analysis.historyShares.begin(), analysis.historyShares.end(), 0.0),
                1.0, 1e-9);
    EXPECT_NEAR(std::accumulate(analysis.recommendationShares.begin(),
                                analysis.recommendationShares.end(), 0.0),
                1.0, 1e-9);
}

}  // namespace
}  // namespace dimerec
