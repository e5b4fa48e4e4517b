#include "experiment/SweepRunner.h"

#include "experiment/RecordedRun.h"

#include "../store/StoreTestSupport.h"
#include "CancelAfter.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "store/RunStore.h"
#include "util/BuildInfo.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace dimerec {
namespace {

using nlohmann::json;

// 2 variants × 2 seeds on the embedded dataset.
std::vector<Trial> fourTrials() {
    return expandTrials(experimentFromJson(json::parse(R"({
        "study": "resume",
        "base": { "model": { "model": "most-pop" } },
        "variants": [ { "name": "a" }, { "name": "b", "set": { "eval.topK": [10] } } ],
        "seeds": [1, 2] })"),
                                           "resume.json"));
}

// A stored run of `trial` that ended with `status` after `seconds` of training.
// It trained on this machine's CPU, or on `cpu` where given.
int64_t storeRun(RunStore& store, const Trial& trial, const std::string& status, double seconds,
                 const std::string& lastCheckpoint = "", const std::string& cpu = "") {
    NewRun run;
    run.study = "resume";
    run.config = trial.config;
    run.datasetName = "fixture";
    run.provenance = currentProvenance("cpu", 1);
    if (!cpu.empty()) run.provenance.cpu = cpu;
    const int64_t id = store.createRun(run);
    if (status == "running") return id;
    RunResult result;
    result.status = status;
    result.elapsedSeconds = seconds;
    result.lastCheckpoint = lastCheckpoint;
    store.finishRun(id, result);
    return id;
}

// fourTrials of 3 epochs in batches of 64.
std::vector<Trial> threeEpochTrials() {
    std::vector<Trial> trials = fourTrials();
    for (Trial& trial : trials) {
        trial.config.train.epochs = 3;
        trial.config.train.batchSize = 64;
    }
    return trials;
}

// A finished run of `config` in the study "elsewhere": 40 steps over two epochs of 20 steps,
// 10 s of training.
void storeMeasuredRun(RunStore& store, const RunConfig& config) {
    NewRun measured;
    measured.study = "elsewhere";
    measured.config = config;
    const int64_t id = store.createRun(measured);
    std::vector<StepPoint> steps;
    for (int64_t step = 1; step <= 40; ++step)
        steps.push_back({step, (step - 1) / 20, {{"total", 1.0}}});
    store.appendSteps(id, steps);
    RunResult done;
    done.status = "finished";
    done.steps = 40;
    done.elapsedSeconds = 10.0;
    store.finishRun(id, done);
}

// The seeds' order is the file's, not their values': seeds [3, 1] run every seed 3 first.
TEST(SweepRunner, PendingTrialsRunSeedBySeedInTheFilesOrder) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const std::vector<Trial> trials = expandTrials(experimentFromJson(json::parse(R"({
        "study": "order",
        "base": { "model": { "model": "most-pop" } },
        "variants": [ { "name": "a" }, { "name": "b", "set": { "eval.topK": [10] } },
                      { "name": "c", "set": { "eval.topK": [10, 20] } } ],
        "seeds": [3, 1] })"),
                                                                      "order.json"));
    ASSERT_EQ(trials.size(), 6u);
    ASSERT_EQ(trials[1].seed, 1u);  // a seed 1: trial order is variant by variant
    EXPECT_EQ(sweepState(store, "order", trials).pending(), (std::vector<int>{0, 2, 4, 1, 3, 5}));
}

TEST(SweepRunner, FinishedTrialsAreDoneOthersPendingOrResumed) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const std::vector<Trial> trials = fourTrials();
    ASSERT_EQ(trials.size(), 4u);

    SweepState state = sweepState(store, "resume", trials);
    EXPECT_EQ(state.finished(), 0);
    // Seeds first: a seed 1 (#0), b seed 1 (#2), then a seed 2 (#1), b seed 2 (#3).
    EXPECT_EQ(state.pending(), (std::vector<int>{0, 2, 1, 3}));
    // No finished run anywhere: nothing to estimate from.
    const SweepEstimate none = estimateSweep(store, "resume", trials, state);
    EXPECT_EQ(none.basis, SweepEstimate::Basis::Unknown);
    EXPECT_EQ(none.unknownModel, "most-pop");

    // Trial 0 finished (with more threads: threads do not change its identity); trial 1
    // failed; trial 2 was cancelled with a checkpoint to resume from; trial 3 runs now in
    // this (live) process.
    Trial moreThreads = trials[0];
    moreThreads.config.train.threads = 8;
    const int64_t finished = storeRun(store, moreThreads, "finished", 30.0);
    storeRun(store, trials[1], "failed", 1.0);
    const std::string checkpoint = dir.file("last.pt");
    std::ofstream(checkpoint) << "checkpoint";
    const int64_t cancelled = storeRun(store, trials[2], "cancelled", 5.0, checkpoint);
    const int64_t running = storeRun(store, trials[3], "running", 0.0);
    // A run of another study with the same config does not count.
    NewRun elsewhere;
    elsewhere.study = "other";
    elsewhere.config = trials[1].config;
    const int64_t other = store.createRun(elsewhere);
    RunResult done;
    done.status = "finished";
    store.finishRun(other, done);

    state = sweepState(store, "resume", trials);
    EXPECT_EQ(state.trials[0].finishedRun, finished);
    EXPECT_EQ(state.trials[0].elapsedSeconds, 30.0);
    EXPECT_EQ(state.trials[1].finishedRun, 0);
    EXPECT_EQ(state.trials[1].unfinishedRuns, 1);
    EXPECT_EQ(state.trials[1].resumeFrom, "");  // a failed run starts afresh
    EXPECT_EQ(state.trials[2].resumeFrom, checkpoint);
    EXPECT_EQ(state.trials[2].resumeRun, cancelled);  // continued in place
    EXPECT_EQ(state.trials[3].runningRun, running);
    EXPECT_EQ(state.finished(), 1);
    EXPECT_EQ(state.running(), 1);
    EXPECT_EQ(state.pending(), (std::vector<int>{2, 1}));  // b's first seed before a's second
    // Two pending trials of the only model with a finished run (30 s): 60 s.
    EXPECT_EQ(estimateSweep(store, "resume", trials, state).basis, SweepEstimate::Basis::Study);
    EXPECT_EQ(estimateSweep(store, "resume", trials, state).seconds, 60.0);

    // The retry of trial 1 finishes; the cancelled trial's checkpoint went away.
    storeRun(store, trials[1], "finished", 10.0);
    std::filesystem::remove(checkpoint);
    state = sweepState(store, "resume", trials);
    EXPECT_NE(state.trials[1].finishedRun, 0);
    EXPECT_EQ(state.trials[2].resumeFrom, "");
    EXPECT_EQ(state.trials[2].resumeRun, 0);  // starts afresh as a new run
    EXPECT_EQ(state.pending(), (std::vector<int>{2}));
    // Mean of the finished most-pop runs (30 s, 10 s) for the one pending trial.
    EXPECT_EQ(estimateSweep(store, "resume", trials, state).seconds, 20.0);

    // Once b has a finished seed, its other seed is estimated from it (50 s) rather than from
    // the model's mean (30 s): variants of one model can differ in time many-fold. a's from
    // its own two seeds (20 s).
    storeRun(store, trials[3], "finished", 50.0);
    const TrialTimes times(store, "resume");
    EXPECT_EQ(times.of(trials[2])->seconds, 50.0);
    EXPECT_EQ(times.of(trials[2])->basis, EstimateBasis::Study);
    EXPECT_EQ(times.of(trials[0])->seconds, 20.0);
}

// Runs timed on another CPU (another machine, or one that was busier) say less about this
// machine than runs timed here: where a trial's basis has runs of both, the estimate is the mean
// of this CPU's; where it has only others', theirs.
TEST(SweepRunner, RunsTimedOnThisCpuMakeTheEstimate) {
    if (buildInfo().cpu == "unknown") GTEST_SKIP() << "this machine does not name its CPU";
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const std::vector<Trial> trials = fourTrials();  // a seed 1, a seed 2, b seed 1, b seed 2
    storeRun(store, trials[0], "finished", 90.0, "", "Another CPU @ 2.0GHz");
    storeRun(store, trials[0], "finished", 30.0);  // a seed 1 again, on this CPU
    storeRun(store, trials[2], "finished", 60.0, "Another CPU @ 2.0GHz");
    const TrialTimes times(store, "resume");
    EXPECT_EQ(times.of(trials[1])->seconds, 30.0);  // not the mean of both, 60 s
    EXPECT_EQ(times.of(trials[3])->seconds, 60.0);  // only another CPU's run
}

// A trial that continues a stopped run needs only the rest of its estimate: a seed 1 took 100 s,
// so a seed 2 is estimated at 100 s; its cancelled run trained 70 s of it, 30 s to go, which
// fits a budget of 40 s that a fresh start does not (and a run that trained longer than the
// estimate needs nothing, not less than nothing).
TEST(SweepRunner, AResumedTrialNeedsOnlyWhatItsRunHasNotTrained) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const std::vector<Trial> trials = fourTrials();
    storeRun(store, trials[0], "finished", 100.0);
    const int64_t stopped = storeRun(store, trials[1], "cancelled", 70.0);
    const int64_t overrun = storeRun(store, trials[1], "cancelled", 130.0);
    const TrialTimes times(store, "resume");
    EXPECT_DOUBLE_EQ(*times.toGo(trials[1]), 100.0);
    EXPECT_DOUBLE_EQ(*times.toGo(trials[1], stopped), 30.0);
    EXPECT_DOUBLE_EQ(*times.toGo(trials[1], overrun), 0.0);
    EXPECT_TRUE(times.fits(trials[1], stopped, 40.0));
    EXPECT_FALSE(times.fits(trials[1], 0, 40.0));
    EXPECT_TRUE(times.fits(trials[1], 0, 100.0));
}

// A study without finished runs is estimated from a finished run of the same model on the same
// dataset in another study: 40 steps of 64 samples in 10 s (256 samples/s), epochs of 20 steps
// (its points span two epochs). Trained with other early stopping (patience 0 here, the
// trials' 10), it gives only its throughput: a trial of 3 epochs of 20 × 64 samples then takes
// at most 3,840 / 256 = 15 s, the four trials 60 s; with train.maxSteps = 10 a trial is 640
// samples, 2.5 s.
TEST(SweepRunner, WithoutFinishedRunsTheEstimateUsesAnotherStudysThroughput) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    std::vector<Trial> trials = threeEpochTrials();
    Trial other = trials[0];
    other.config.train.patience = 0;
    storeMeasuredRun(store, other.config);

    SweepState state = sweepState(store, "resume", trials);
    SweepEstimate estimate = estimateSweep(store, "resume", trials, state);
    EXPECT_EQ(estimate.basis, SweepEstimate::Basis::Throughput);
    EXPECT_DOUBLE_EQ(estimate.seconds, 60.0);
    for (Trial& trial : trials) trial.config.train.maxSteps = 10;
    EXPECT_DOUBLE_EQ(estimateSweep(store, "resume", trials, state).seconds, 10.0);
}

// A run of another study that trained as long as a trial would is its estimate as it is: the
// same run (10 s, early-stopped after 2 of its 100 epochs) stands for trials capped at 3
// epochs, which would have stopped where it did (four trials: 40 s), not for trials capped at
// 1 epoch, which it would have outlasted (its throughput then: 20 × 64 / 256 = 5 s a trial).
TEST(SweepRunner, ARunOfTheSameLengthElsewhereIsTheEstimate) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    std::vector<Trial> trials = threeEpochTrials();
    Trial stoppedEarly = trials[0];
    stoppedEarly.config.train.epochs = 100;
    storeMeasuredRun(store, stoppedEarly.config);

    const SweepState state = sweepState(store, "resume", trials);
    SweepEstimate estimate = estimateSweep(store, "resume", trials, state);
    EXPECT_EQ(estimate.basis, SweepEstimate::Basis::Similar);
    EXPECT_DOUBLE_EQ(estimate.seconds, 40.0);
    for (Trial& trial : trials) trial.config.train.epochs = 1;
    estimate = estimateSweep(store, "resume", trials, state);
    EXPECT_EQ(estimate.basis, SweepEstimate::Basis::Throughput);
    EXPECT_DOUBLE_EQ(estimate.seconds, 20.0);
}

// The study "resume": one trial, 4 steps of a tiny DimeRec with seed 3.
std::vector<Trial> resumeTrials() {
    return expandTrials(experimentFromJson(json::parse(R"({
        "study": "resume",
        "base": { "model": { "dim": 8, "diffusionSteps": 5, "interests": 2 },
                  "train": { "maxSteps": 4, "batchSize": 32, "threads": 1, "device": "cpu" },
                  "eval": { "topK": [10] } },
        "seeds": [3] })"),
                                           "resume.json"));
}

// A trial stopped by the user is recorded as cancelled with a resumable checkpoint beside the
// database; the next attempt continues that run in place from it and finishes the trial, so
// the one run holds every step's losses (the cancelled steps 1-2, the resumed 3-4).
TEST(SweepRunner, CancelledTrialResumesFromItsCheckpointAndFinishes) {
    const test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const std::vector<Trial> trials = resumeTrials();
    const auto dataset = std::make_shared<const Dataset>(loadDataset(trials[0].config.data));

    const TrialOutcome cancelled = test::cancelledTrial(store, "resume", trials[0], dataset, 2);
    EXPECT_EQ(cancelled.result.status, "cancelled");
    EXPECT_EQ(cancelled.result.steps, 2);
    const RunDetails first = store.run(cancelled.run);
    EXPECT_EQ(first.summary.name, "seed 3");
    EXPECT_EQ(first.summary.study, "resume");
    EXPECT_EQ(std::filesystem::path(first.lastCheckpoint).parent_path(),
              std::filesystem::path(store.checkpointDir(first.summary.uuid)));

    SweepState state = sweepState(store, "resume", trials);
    ASSERT_EQ(state.pending(), (std::vector<int>{0}));
    EXPECT_EQ(state.trials[0].resumeFrom, first.lastCheckpoint);
    EXPECT_EQ(state.trials[0].resumeRun, cancelled.run);

    TrainControl go;
    const TrialOutcome finished =
        runTrial(store, "resume", trials[0], state.trials[0], dataset, nullptr, go);
    EXPECT_EQ(finished.result.status, "finished") << finished.result.message;
    EXPECT_EQ(finished.run, cancelled.run);
    const RunDetails second = store.run(finished.run);
    EXPECT_EQ(second.summary.steps, 4);
    EXPECT_EQ(store.series(finished.run, "train", "total").size(), 4u);
    EXPECT_FALSE(second.bestCheckpoint.empty());
    EXPECT_TRUE(std::filesystem::exists(second.bestCheckpoint));
    EXPECT_EQ(std::filesystem::path(second.bestCheckpoint).parent_path(),
              std::filesystem::path(store.checkpointDir(second.summary.uuid)));
    EXPECT_TRUE(second.summary.testMetrics.count("ndcg@10"));
    state = sweepState(store, "resume", trials);
    EXPECT_EQ(state.trials[0].finishedRun, finished.run);
    EXPECT_TRUE(state.pending().empty());
}

// Results that survive the machine, for a run cut short too: cancelled in one database, carried
// with its last checkpoint in a bundle (`runs export --resumable`) to a database on a machine
// that never saw its folder, the trial continues there in place and trains exactly the steps
// of a run that never stopped (resuming is bit-identical, TrainerTest).
TEST(SweepRunner, ACarriedCheckpointContinuesTheTrialInAnotherDatabase) {
    const test::TempDir dir;
    const std::vector<Trial> trials = resumeTrials();
    const auto dataset = std::make_shared<const Dataset>(loadDataset(trials[0].config.data));
    const std::string bundle = dir.file("carried.json.gz");
    {
        RunStore first(dir.file("first/runs.sqlite"));
        const TrialOutcome cancelled = test::cancelledTrial(first, "resume", trials[0], dataset, 2);
        ASSERT_EQ(cancelled.result.status, "cancelled");
        first.exportBundle(cancelled.run, bundle, RunStore::Snapshots::None, 0, true);
    }
    std::filesystem::remove_all(dir.file("first"));  // the machine is gone

    RunStore second(dir.file("second/runs.sqlite"));
    const int64_t imported = second.importBundle(bundle);
    const SweepState state = sweepState(second, "resume", trials);
    ASSERT_EQ(state.trials[0].resumeRun, imported);
    EXPECT_EQ(std::filesystem::path(state.trials[0].resumeFrom).parent_path(),
              std::filesystem::path(second.checkpointDir(second.run(imported).summary.uuid)));
    TrainControl go;
    const TrialOutcome finished =
        runTrial(second, "resume", trials[0], state.trials[0], dataset, nullptr, go);
    EXPECT_EQ(finished.result.status, "finished") << finished.result.message;
    EXPECT_EQ(finished.run, imported);

    RunStore whole(dir.file("whole/runs.sqlite"));
    TrainControl once;
    const TrialOutcome uninterrupted =
        runTrial(whole, "resume", trials[0], TrialState{}, dataset, nullptr, once);
    const auto losses = [](const RunStore& store, int64_t run) {
        std::vector<double> values;
        for (const SeriesPoint& point : store.series(run, "train", "total"))
            values.push_back(point.value);
        return values;
    };
    EXPECT_EQ(losses(second, finished.run).size(), 4u);
    EXPECT_EQ(losses(second, finished.run), losses(whole, uninterrupted.run));
    EXPECT_EQ(second.run(finished.run).summary.testMetrics,
              whole.run(uninterrupted.run).summary.testMetrics);
}

}  // namespace
}  // namespace dimerec
