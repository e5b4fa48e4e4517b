// Run store speed (issue 5): listing a page out of 10,000 runs filtered and sorted, inserting
// 1,000,000 loss points, loading the series of 10 runs with 100,000 points each, and what
// RunRecorder costs a training loop. Databases live in the system temp directory.
#include "experiment/RunRecorder.h"
#include "store/RunStore.h"
#include "train/TrainObserver.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace dimerec {
namespace {

constexpr int kRuns = 10000;
constexpr int64_t kPointsPerSeries = 100000;
constexpr int kSeriesRuns = 10;
const ModelKind kModels[] = {ModelKind::DimeRec, ModelKind::SasRec, ModelKind::Gru4Rec,
                             ModelKind::ComiRecSa, ModelKind::MeanPool};
const char* const kDatasets[] = {"ml-1m", "beauty", "toys", "yelp"};

std::string scratchPath(const std::string& name) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("dimerec-bench-" + std::to_string(getpid()) + "-" + name);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
}

NewRun benchRun(int i) {
    NewRun run;
    run.study = "study " + std::to_string(i % 20);
    run.config.name = "run " + std::to_string(i);
    run.config.model.model = kModels[i % 5];
    run.config.model.lambda = (i / 5) % 7;
    run.config.train.seed = static_cast<uint64_t>(i % 3);
    run.datasetName = kDatasets[i % 4];
    run.provenance = currentProvenance("cpu", 2);
    return run;
}

// 10,000 finished runs with four test metrics each and a tag on every tenth.
RunStore& tenThousandRuns() {
    static std::unique_ptr<RunStore> store = [] {
        auto created = std::make_unique<RunStore>(scratchPath("10k.sqlite"));
        for (int i = 0; i < kRuns; ++i) {
            const int64_t id = created->createRun(benchRun(i));
            RunResult result;
            result.status = i % 13 == 0 ? "failed" : "finished";
            const double quality = static_cast<double>((i * 7919) % kRuns) / kRuns;
            result.test = {{"ndcg@10", 0.3 * quality},
                           {"hr@10", 0.6 * quality},
                           {"recall@20", 0.7 * quality},
                           {"diversity@20", 1.0 - quality}};
            result.bestValid = result.test;
            created->finishRun(id, result);
            if (i % 10 == 0) created->addTags(id, {"paper"});
        }
        return created;
    }();
    return *store;
}

void BM_ListPageOf10kRuns(benchmark::State& state) {
    RunStore& store = tenThousandRuns();
    RunQuery query;
    query.limit = 50;
    query.offset = 200;
    switch (state.range(0)) {
        case 0:
            state.SetLabel("newest first, no filter");
            break;
        case 1:
            state.SetLabel("model+dataset+status filter, sorted by test:ndcg@10");
            query.model = "dimerec";
            query.dataset = "ml-1m";
            query.statuses = {"finished"};
            query.sortBy = "test:ndcg@10";
            query.offset = 50;
            break;
        default:
            state.SetLabel("text filter 'run 1', sorted by name");
            query.text = "run 1";
            query.sortBy = "name";
            break;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(store.listRuns(query));
        benchmark::DoNotOptimize(store.countRuns(query));
    }
}
BENCHMARK(BM_ListPageOf10kRuns)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// 1,000,000 points as RunRecorder writes them: 250,000 steps × 4 loss terms, 500 steps per
// transaction.
void BM_Insert1MPoints(benchmark::State& state) {
    for (auto _ : state) {
        state.PauseTiming();
        RunStore store(scratchPath("1m.sqlite"));
        const int64_t run = store.createRun(benchRun(0));
        state.ResumeTiming();
        std::vector<StepPoint> batch;
        for (int64_t step = 1; step <= 250000; ++step) {
            batch.push_back({step,
                             step / 1000,
                             {{"total", 1.0}, {"gem", 0.5}, {"recon", 0.25}, {"ssm", 0.25}}});
            if (batch.size() == 500) {
                store.appendSteps(run, batch);
                batch.clear();
            }
        }
    }
    state.counters["points/s"] = benchmark::Counter(1e6 * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Insert1MPoints)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LoadSeriesOf10RunsWith100kPoints(benchmark::State& state) {
    RunStore store(scratchPath("series.sqlite"));
    std::vector<int64_t> runs;
    for (int r = 0; r < kSeriesRuns; ++r) {
        runs.push_back(store.createRun(benchRun(r)));
        std::vector<StepPoint> points;
        for (int64_t step = 1; step <= kPointsPerSeries; ++step) {
            points.push_back({step, step / 1000, {{"total", 1.0 / static_cast<double>(step)}}});
        }
        store.appendSteps(runs.back(), points);
    }
    for (auto _ : state) {
        for (int64_t run : runs) benchmark::DoNotOptimize(store.series(run, "train", "total"));
    }
}
BENCHMARK(BM_LoadSeriesOf10RunsWith100kPoints)->Unit(benchmark::kMillisecond);

// A training loop whose steps take state.range(0) microseconds of busy work, reporting four
// loss terms per step to a RunRecorder (flushing every 0.5 s); "overhead_%" is the share of
// wall time spent inside the recorder.
void BM_RecorderOverhead(benchmark::State& state) {
    using Clock = std::chrono::steady_clock;
    const auto stepTime = std::chrono::microseconds(state.range(0));
    RunStore store(scratchPath("recorder.sqlite"));
    const int64_t run = store.createRun(benchRun(0));
    double inRecorder = 0.0;
    double total = 0.0;
    int64_t step = 0;
    for (auto _ : state) {
        RunRecorder recorder(store, run);
        const auto start = Clock::now();
        const auto end = start + std::chrono::seconds(3);
        while (Clock::now() < end) {
            const auto busyUntil = Clock::now() + stepTime;
            while (Clock::now() < busyUntil) {
            }
            ProgressEvent progress;
            progress.step = ++step;
            progress.losses = {{"total", 1.0}, {"gem", 0.5}, {"recon", 0.25}, {"ssm", 0.25}};
            const auto before = Clock::now();
            recorder.onProgress(progress);
            inRecorder += std::chrono::duration<double>(Clock::now() - before).count();
        }
        const auto before = Clock::now();
        recorder.flush();
        inRecorder += std::chrono::duration<double>(Clock::now() - before).count();
        total += std::chrono::duration<double>(Clock::now() - start).count();
    }
    state.counters["overhead_%"] = 100.0 * inRecorder / total;
    state.counters["steps"] = static_cast<double>(step);
}
BENCHMARK(BM_RecorderOverhead)->Arg(1000)->Arg(30000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dimerec
