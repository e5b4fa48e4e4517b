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
    request.snapshots = {wrongShape};

    const EmbeddingAnalysis analysis = analyseCheckpoint(request);
    const SphereScene& scene = analysis.scene;
    EXPECT_EQ(analysis.modelName, "dimerec");
    const size_t items = scene.itemTitles.size();
    ASSERT_GT(items, 0u);
    EXPECT_EQ(scene.items.size(), items * 3);
    expectUnitRows(scene.items);
    EXPECT_TRUE(scene.principalAxes);  // 8-dim embeddings: shown along their principal axes
    EXPECT_GT(analysis.testUsers, 0);
    EXPECT_EQ(analysis.user, analysis.testUsers - 1);
    EXPECT_EQ(scene.recommendations.size(), 5u);
    EXPECT_EQ(scene.samples.size(), 3u * 3u);  // three reverse-process samples, rows × 3
    expectUnitRows(scene.samples);
    EXPECT_FALSE(scene.historyItems.empty());
    EXPECT_TRUE(analysis.snapshotLabels.empty());  // the 2-row snapshot is not this model's

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
