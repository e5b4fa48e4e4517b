#include "experiment/RunRecorder.h"

#include "../store/StoreTestSupport.h"
#include "store/RunStore.h"

#include <gtest/gtest.h>

#include <vector>

namespace dimerec {
namespace {

using test::makeRun;
using test::TempDir;

TEST(RunRecorderTest, BuffersStepsAndWritesThemAtEvaluationAndEnd) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    RunStore reader(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    RunRecorderOptions options;
    options.flushIntervalSeconds = 3600.0;  // only events flush in this test
    RunRecorder recorder(store, id, options);
    for (int64_t step = 1; step <= 5; ++step) {
        ProgressEvent progress;
        progress.step = step;
        progress.losses = {{"total", 1.0 / static_cast<double>(step)}};
        recorder.onProgress(progress);
    }
    EXPECT_TRUE(reader.series(id, "train", "total").empty());
    EvaluationEvent valid;
    valid.step = 5;
    valid.split = "valid";
    valid.metrics = {{"ndcg@10", 0.2}};
    recorder.onEvaluation(valid);
    EXPECT_EQ(reader.series(id, "train", "total").size(), 5u);
    EXPECT_EQ(reader.run(id).summary.steps, 5);
    recorder.onCheckpoint("/tmp/last.pt", false);
    EXPECT_EQ(reader.run(id).lastCheckpoint, "/tmp/last.pt");
    EXPECT_EQ(reader.run(id).checkpoints.at(0).step, 5);

    ProgressEvent progress;
    progress.step = 6;
    progress.losses = {{"total", 0.1}};
    recorder.onProgress(progress);
    TrainResult result;
    result.status = "finished";
    result.steps = 6;
    recorder.onFinished(result);
    EXPECT_EQ(reader.series(id, "train", "total").size(), 6u);
    EXPECT_EQ(reader.run(id).summary.status, "finished");
}

TEST(RunRecorderTest, FlushesByTime) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    RunRecorderOptions options;
    options.flushIntervalSeconds = 0.0;  // every step is "late": each one is written at once
    RunRecorder recorder(store, id, options);
    ProgressEvent progress;
    progress.step = 1;
    progress.losses = {{"total", 1.0}};
    recorder.onProgress(progress);
    EXPECT_EQ(store.series(id, "train", "total").size(), 1u);
}

TEST(RunRecorderTest, KeepsItemEmbeddingSnapshotsUpToItsLimit) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    RunRecorderOptions options;
    options.maxEmbeddingSnapshots = 2;
    RunRecorder recorder(store, id, options);
    for (int64_t epoch = 0; epoch < 3; ++epoch) {
        ItemEmbeddingsEvent event;
        event.step = 10 * (epoch + 1);
        event.epoch = epoch;
        event.rows = 2;
        event.dim = 3;
        event.data = {1, 2, 3, 4, 5, static_cast<float>(epoch)};
        recorder.onItemEmbeddings(event);
    }
    const std::vector<EmbeddingSnapshot> kept = store.run(id).embeddings;
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[1].step, 20);
    EXPECT_EQ(kept[1].label, "epoch 2, step 20");
    const EmbeddingSnapshot second = store.embeddingSnapshot(kept[1].id);
    EXPECT_EQ(second.rows, 2);
    EXPECT_EQ(second.dim, 3);
    EXPECT_EQ(second.data, (std::vector<float>{1, 2, 3, 4, 5, 1}));
}

// The store knows no "early-stopped": the recorder keeps such a run as finished, with the
// reason in its message.
TEST(RunRecorderTest, StoresAnEarlyStoppedRunAsFinishedWithTheReason) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    RunRecorder recorder(store, id);
    TrainResult result;
    result.status = "early-stopped";
    result.message = "no improvement in 10 evaluations";
    result.steps = 3;
    result.elapsedSeconds = 12.5;
    result.bestValid = {{"ndcg@10", 0.125}};
    result.test = {{"ndcg@10", 0.11}};
    result.bestCheckpoint = "/tmp/ckpt/best.pt";
    result.lastCheckpoint = "/tmp/ckpt/last.pt";
    recorder.onFinished(result);

    const RunDetails details = store.run(id);
    EXPECT_EQ(details.summary.status, "finished");
    EXPECT_EQ(details.summary.message, "early-stopped: no improvement in 10 evaluations");
    EXPECT_EQ(details.summary.steps, 3);
    EXPECT_DOUBLE_EQ(details.summary.elapsedSeconds, 12.5);
    EXPECT_DOUBLE_EQ(details.summary.validMetrics.at("ndcg@10"), 0.125);
    EXPECT_DOUBLE_EQ(details.summary.testMetrics.at("ndcg@10"), 0.11);
    EXPECT_EQ(details.bestCheckpoint, "/tmp/ckpt/best.pt");
    EXPECT_EQ(details.lastCheckpoint, "/tmp/ckpt/last.pt");

    result.message.clear();
    EXPECT_EQ(runResultOf(result).message, "early-stopped");
    result.status = "cancelled";
    EXPECT_EQ(runResultOf(result).status, "cancelled");
}

}  // namespace
}  // namespace dimerec
