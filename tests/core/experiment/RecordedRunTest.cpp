#include "experiment/RecordedRun.h"

#include "../store/StoreTestSupport.h"
#include "analysis/UserComparison.h"
#include "CancelAfter.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "store/RunStore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>

namespace dimerec {
namespace {

namespace fs = std::filesystem;

// Four steps of a small DimeRec on the embedded dataset, validated at steps 2 and 4.
RecordedRunSpec tinyRun() {
    RecordedRunSpec spec;
    spec.config.model.dim = 8;
    spec.config.model.interests = 2;
    spec.config.model.diffusionSteps = 5;
    spec.config.train.maxSteps = 4;
    spec.config.train.evalEvery = 2;
    spec.config.train.batchSize = 32;
    spec.config.train.threads = 1;
    spec.config.train.device = "cpu";
    spec.config.train.seed = 11;
    spec.config.eval.topK = {10};
    static const auto dataset = std::make_shared<const Dataset>(loadDataset(spec.config.data));
    spec.dataset = dataset;
    spec.study = "recorded";
    return spec;
}

// What the caller's observer hears; at each evaluation it also looks into the store, which
// must hold that evaluation already.
class Listener : public TrainObserver {
public:
    Listener(const RunStore& store, int64_t run) : store_(store), run_(run) {}
    void onProgress(const ProgressEvent&) override { ++progress; }
    void onEvaluation(const EvaluationEvent& event) override {
        ++evaluations;
        if (event.split == "valid") {
            storedValidations = store_.series(run_, "valid", "ndcg@10").size();
        }
    }
    void onCheckpoint(const std::string& path, bool) override { checkpoints.push_back(path); }
    void onFinished(const TrainResult& result) override {
        finished = result.status;
        const RunSummary stored = store_.run(run_).summary;
        statusAtFinish = stored.status;
        readoutsAtFinish = stored.readoutMetrics.size();
    }

    int progress = 0;
    int evaluations = 0;
    size_t storedValidations = 0;
    std::vector<std::string> checkpoints;
    std::string finished;
    std::string statusAtFinish;   // the run's status in the store when onFinished came
    size_t readoutsAtFinish = 0;  // readout splits stored by then

private:
    const RunStore& store_;
    int64_t run_;
};

TEST(RecordedRun, CreatesRecordsAndTeesARunWithCheckpointsInItsOwnFolder) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    RecordedRun run(&store, tinyRun());
    ASSERT_NE(run.id(), 0);
    const RunDetails created = store.run(run.id());
    EXPECT_EQ(created.summary.status, "running");
    EXPECT_EQ(created.summary.study, "recorded");
    EXPECT_EQ(created.summary.seed, 11u);
    EXPECT_EQ(created.datasetFingerprint, tinyRun().dataset->fingerprint);
    EXPECT_EQ(created.provenance.device, "cpu");
    EXPECT_EQ(created.provenance.threads, 1);
    // The documented convention: <folder of the database>/checkpoints/<run uuid>.
    const fs::path folder = fs::path(dir.file("checkpoints")) / created.summary.uuid;
    EXPECT_EQ(fs::path(run.checkpointDir()), folder);
    EXPECT_EQ(run.checkpointDir(), store.checkpointDir(created.summary.uuid));

    Listener listener(store, run.id());
    TrainControl control;
    const TrainResult result = run.train({&listener}, control);
    ASSERT_EQ(result.status, "finished") << result.message;

    // Teed: every event reached the caller, each evaluation after the store had it.
    EXPECT_EQ(listener.progress, 4);
    EXPECT_EQ(listener.evaluations, 3);  // valid at steps 2 and 4, then the test
    EXPECT_EQ(listener.storedValidations, 2u);
    EXPECT_FALSE(listener.checkpoints.empty());
    EXPECT_EQ(listener.finished, "finished");
    // The end came once the run was complete in the store: finished, with its readouts (a
    // bundle exported as soon as the run shows finished carries them).
    EXPECT_EQ(listener.statusAtFinish, "finished");
    EXPECT_EQ(listener.readoutsAtFinish, 8u);  // test/ and valid/ of four readouts

    // Recorded: steps, loss series, final metrics, status and checkpoints.
    const RunDetails stored = store.run(run.id());
    EXPECT_EQ(stored.summary.status, "finished");
    EXPECT_EQ(stored.summary.steps, 4);
    EXPECT_EQ(store.series(run.id(), "train", "total").size(), 4u);
    EXPECT_EQ(stored.summary.testMetrics, result.test);
    EXPECT_EQ(stored.summary.validMetrics, result.bestValid);
    EXPECT_TRUE(stored.summary.testMetrics.count("ndcg@10"));
    EXPECT_EQ(fs::path(stored.lastCheckpoint), folder / "last.pt");
    EXPECT_EQ(fs::path(stored.bestCheckpoint), folder / "best.pt");
    EXPECT_TRUE(fs::is_regular_file(folder / "last.pt"));
    EXPECT_TRUE(fs::is_regular_file(folder / "best.pt"));
    EXPECT_FALSE(stored.embeddings.empty());  // item-embedding snapshots of the validations
    // Per-user data: one leave-one-out case per test user, whose per-user NDCG@10 averages to
    // the stored metric.
    const std::optional<TargetRanks> ranks = store.targetRanks(run.id());
    ASSERT_TRUE(ranks.has_value());
    EXPECT_GT(ranks->cases(), 100u);
    EXPECT_TRUE(ranks->targetCounts().empty());
    const UserValues ndcg = *userValues(*ranks, "ndcg@10");
    EXPECT_EQ(ndcg.users.size(), ranks->cases());
    EXPECT_NEAR(std::accumulate(ndcg.values.begin(), ndcg.values.end(), 0.0) /
                    static_cast<double>(ndcg.values.size()),
                stored.summary.testMetrics.at("ndcg@10"), 1e-12);

    // DimeRec's readouts of the best checkpoint, stored beside the run's own metrics: with
    // model.samplesPerUser = 1 the run's own readout is Algorithm 2, on the same noise.
    const auto& readouts = stored.summary.readoutMetrics;
    for (const char* readout : {"algorithm2", "samples", "interests", "fused"}) {
        EXPECT_TRUE(readouts.count(std::string("test/") + readout)) << readout;
        EXPECT_TRUE(readouts.count(std::string("valid/") + readout)) << readout;
    }
    EXPECT_EQ(readouts.at("test/algorithm2"), result.test);
    EXPECT_EQ(readouts.at("valid/algorithm2"), result.bestValid);
    EXPECT_GE(readouts.at("valid/fused").at("fused_w"), 0.0);
    // MovieLens: no test target is an item of its own history, so no other history setting.
    EXPECT_FALSE(readouts.count(otherHistorySplit(false)));
    EXPECT_FALSE(store.targetRanks(run.id(), otherHistorySplit(false)).has_value());
}

// Where test targets repeat history items (as on Yelp), a recorded run also stores its test
// under the other eval.excludeHistory setting, with per-user ranks (issue 19, item 8).
TEST(RecordedRun, StoresTheTestUnderTheOtherHistorySettingWhereTargetsRepeatHistory) {
    const test::TempDir dir;
    // 80 users over 25 items; every even user's last (test) item is its third item again.
    const std::string file = dir.file("repeats.txt");
    {
        std::ofstream out(file);
        for (int user = 1; user <= 80; ++user) {
            std::vector<int> items;
            for (int j = 0; j < 7; ++j) items.push_back((user * 7 + 3 * j) % 25 + 1);
            items.push_back(user % 2 == 0 ? items[2] : (user * 11) % 25 + 1);
            out << user;
            for (int item : items) out << ' ' << item;
            out << '\n';
        }
    }
    RecordedRunSpec spec = tinyRun();
    spec.config.data.dataset = file;
    spec.dataset = std::make_shared<const Dataset>(loadDataset(spec.config.data));
    RunStore store(dir.file("runs.sqlite"));
    RecordedRun run(&store, spec);
    TrainControl control;
    const TrainResult result = run.train({}, control);
    ASSERT_EQ(result.status, "finished") << result.message;

    // Configured with history excluded (the default), so the other setting keeps it.
    const RunSummary stored = store.run(run.id()).summary;
    EXPECT_EQ(stored.testMetrics, result.test);
    ASSERT_TRUE(stored.readoutMetrics.count(otherHistorySplit(false)));
    EXPECT_FALSE(stored.readoutMetrics.count(otherHistorySplit(true)));
    const std::map<std::string, double>& kept = stored.readoutMetrics.at(otherHistorySplit(false));
    const std::optional<TargetRanks> own = store.targetRanks(run.id());
    const std::optional<TargetRanks> other = store.targetRanks(run.id(), otherHistorySplit(false));
    ASSERT_TRUE(own.has_value());
    ASSERT_TRUE(other.has_value());
    ASSERT_EQ(own->users(), other->users());
    // The same scores (the same seed draws the same inference noise), only the mask differs:
    // keeping history items can only put them before a target, so a target ranks better with
    // history kept only if it is itself a history item — masked when excluded, so ranked after
    // the at least 25 − 7 = 18 items outside a history. Some of the 40 repeated targets do.
    int betterWhenKept = 0;
    for (size_t c = 0; c < own->cases(); ++c) {
        const int32_t excludedRank = *own->ranksBegin(c);
        if (*other->ranksBegin(c) >= excludedRank) continue;
        ++betterWhenKept;
        EXPECT_GT(excludedRank, 18) << "case " << c;
    }
    EXPECT_GT(betterWhenKept, 0);
    // The stored metrics are those of the ranks stored with them.
    const UserValues hits = *userValues(*other, "hr@10");
    EXPECT_NEAR(std::accumulate(hits.values.begin(), hits.values.end(), 0.0) /
                    static_cast<double>(hits.values.size()),
                kept.at("hr@10"), 1e-12);
    EXPECT_NE(kept, stored.testMetrics);
}

// The workbench's "resume": the stored run itself goes on, from its last checkpoint and in
// that checkpoint's folder — also when an older convention put it elsewhere (the workbench
// used checkpoints/run-<id> before).
TEST(RecordedRun, ContinuesAStoredRunInPlaceBesideItsCheckpoint) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    RecordedRun first(&store, tinyRun());
    TrainControl stop;
    test::CancelAfter twoSteps(stop, 2);
    ASSERT_EQ(first.train({&twoSteps}, stop).status, "cancelled");
    const RunDetails cancelled = store.run(first.id());
    EXPECT_EQ(cancelled.summary.status, "cancelled");
    ASSERT_FALSE(cancelled.lastCheckpoint.empty());

    const fs::path old = fs::path(dir.file("checkpoints")) / ("run-" + std::to_string(first.id()));
    fs::create_directories(old);
    fs::copy_file(cancelled.lastCheckpoint, old / "last.pt");

    RecordedRunSpec spec = tinyRun();
    spec.continueRun = first.id();
    spec.resumeFrom = (old / "last.pt").string();
    RecordedRun again(&store, std::move(spec));
    EXPECT_EQ(again.id(), first.id());
    EXPECT_EQ(store.run(first.id()).summary.status, "running");
    EXPECT_EQ(fs::path(again.checkpointDir()), old);
    TrainControl go;
    const TrainResult result = again.train({}, go);
    ASSERT_EQ(result.status, "finished") << result.message;

    RunQuery all;
    all.includeArchived = true;
    EXPECT_EQ(store.countRuns(all), 1);
    const RunDetails finished = store.run(first.id());
    EXPECT_EQ(finished.summary.status, "finished");
    EXPECT_EQ(finished.summary.steps, 4);
    EXPECT_EQ(fs::path(finished.lastCheckpoint), old / "last.pt");
}

// `dimerec train --no-store`: no run, checkpoints only where asked for.
TEST(RecordedRun, TrainsUnrecordedWithoutAStore) {
    const test::TempDir dir;
    RecordedRunSpec spec = tinyRun();
    spec.config.train.maxSteps = 2;
    RecordedRun quiet(nullptr, spec);
    EXPECT_EQ(quiet.id(), 0);
    EXPECT_EQ(quiet.checkpointDir(), "");
    TrainControl control;
    EXPECT_EQ(quiet.train({}, control).status, "finished");

    spec.checkpointDir = dir.file("here");
    RecordedRun written(nullptr, spec);
    const TrainResult result = written.train({}, control);
    EXPECT_EQ(fs::path(result.bestCheckpoint), fs::path(dir.file("here")) / "best.pt");
    EXPECT_TRUE(fs::is_regular_file(result.bestCheckpoint));
}

TEST(RecordedRun, AnUnknownDeviceFailsBeforeARunIsStored) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    RecordedRunSpec spec = tinyRun();
    spec.config.train.device = "tpu";
    EXPECT_THROW(RecordedRun(&store, spec), std::invalid_argument);
    RunQuery all;
    all.includeArchived = true;
    EXPECT_EQ(store.countRuns(all), 0);
}

}  // namespace
}  // namespace dimerec
