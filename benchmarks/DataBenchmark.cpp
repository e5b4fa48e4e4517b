#include "config/RunConfig.h"
#include "data/Batch.h"
#include "data/Dataset.h"
#include "data/DatasetCache.h"
#include "data/DatasetLoader.h"
#include "data/DefaultDataset.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "data/TrainSampler.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

namespace {

// ../shared/data/ml-1m, or $DIMEREC_DATA_DIR/ml-1m.
std::filesystem::path ml1mFolder() {
    const char* env = std::getenv("DIMEREC_DATA_DIR");
    const std::filesystem::path root =
        env != nullptr && *env != '\0'
            ? std::filesystem::path(env)
            : std::filesystem::path(DIMEREC_SOURCE_DIR) / ".." / "shared" / "data";
    return root / "ml-1m";
}

dimerec::DataConfig ml1mConfig() {
    dimerec::DataConfig config;
    config.dataset = ml1mFolder().string();
    return config;
}

std::filesystem::path benchmarkCacheDir() {
    return std::filesystem::temp_directory_path() / "dimerec-bench-cache";
}

}  // namespace

// Parse + preprocess of the embedded MovieLens latest-small (100,836 ratings).
static void BM_LoadDefaultDataset(benchmark::State& state) {
    for (auto _ : state) {
        const dimerec::Dataset data = dimerec::loadDefaultDataset();
        benchmark::DoNotOptimize(data.numInteractions());
    }
}
BENCHMARK(BM_LoadDefaultDataset)->Unit(benchmark::kMillisecond);

// The target: import ml-1m/sequences.txt with movies.dat genres (no cache) and build
// the leave-one-out, ComiRec and DreamRec splits; well under one second.
static void BM_Ml1mImportAndAllProtocols(benchmark::State& state) {
    if (!std::filesystem::exists(ml1mFolder())) {
        state.SkipWithError("ml-1m not found (set DIMEREC_DATA_DIR)");
        return;
    }
    dimerec::LoadOptions options;
    options.useCache = false;
    for (auto _ : state) {
        dimerec::DataConfig config = ml1mConfig();
        const dimerec::Dataset data = dimerec::loadDataset(config, options);
        for (const auto& protocol : dimerec::choices(dimerec::Protocol{})) {
            config.protocol = protocol.value;
            const dimerec::Splits splits = dimerec::makeSplits(data, config);
            benchmark::DoNotOptimize(splits.test.size());
        }
    }
}
BENCHMARK(BM_Ml1mImportAndAllProtocols)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// The parts of the above on their own.
static void BM_Ml1mImport(benchmark::State& state) {
    if (!std::filesystem::exists(ml1mFolder())) {
        state.SkipWithError("ml-1m not found (set DIMEREC_DATA_DIR)");
        return;
    }
    dimerec::LoadOptions options;
    options.useCache = false;
    for (auto _ : state) {
        const dimerec::Dataset data = dimerec::loadDataset(ml1mConfig(), options);
        benchmark::DoNotOptimize(data.numInteractions());
    }
}
BENCHMARK(BM_Ml1mImport)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

static void BM_Ml1mProtocol(benchmark::State& state, dimerec::Protocol protocol) {
    if (!std::filesystem::exists(ml1mFolder())) {
        state.SkipWithError("ml-1m not found (set DIMEREC_DATA_DIR)");
        return;
    }
    dimerec::LoadOptions options;
    options.useCache = false;
    dimerec::DataConfig config = ml1mConfig();
    config.protocol = protocol;
    const dimerec::Dataset data = dimerec::loadDataset(config, options);
    for (auto _ : state) {
        const dimerec::Splits splits = dimerec::makeSplits(data, config);
        benchmark::DoNotOptimize(splits.test.size());
    }
}
BENCHMARK_CAPTURE(BM_Ml1mProtocol, loo, dimerec::Protocol::Loo)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Ml1mProtocol, comirec, dimerec::Protocol::ComiRec)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Ml1mProtocol, dreamrec, dimerec::Protocol::DreamRec)
    ->Unit(benchmark::kMillisecond);

// Reopening ML-1M from the binary cache (fingerprinting the input bytes included); target
// well under 100 ms.
static void BM_Ml1mCacheReload(benchmark::State& state) {
    if (!std::filesystem::exists(ml1mFolder())) {
        state.SkipWithError("ml-1m not found (set DIMEREC_DATA_DIR)");
        return;
    }
    dimerec::LoadOptions options;
    options.cacheDir = benchmarkCacheDir().string();
    dimerec::loadDataset(ml1mConfig(), options);  // fills the cache
    for (auto _ : state) {
        const dimerec::Dataset data = dimerec::loadDataset(ml1mConfig(), options);
        benchmark::DoNotOptimize(data.numInteractions());
    }
    std::error_code ignored;
    std::filesystem::remove_all(benchmarkCacheDir(), ignored);
}
BENCHMARK(BM_Ml1mCacheReload)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// One training epoch of padded batches (ML-1M leave-one-out: 982,089 samples, batch 256,
// length 50, 2,560 uniform negatives per batch).
static void BM_Ml1mSamplerEpoch(benchmark::State& state) {
    if (!std::filesystem::exists(ml1mFolder())) {
        state.SkipWithError("ml-1m not found (set DIMEREC_DATA_DIR)");
        return;
    }
    dimerec::LoadOptions options;
    options.useCache = false;
    const dimerec::DataConfig config = ml1mConfig();
    const dimerec::Splits splits =
        dimerec::makeSplits(dimerec::loadDataset(config, options), config);
    dimerec::TrainSampler sampler(
        splits, dimerec::SamplerOptions{256, 50, 0, dimerec::NegativeSampler::Uniform, 42});
    int64_t epoch = 0;
    for (auto _ : state) {
        sampler.startEpoch(epoch++);
        dimerec::Batch batch;
        while (sampler.next(batch)) benchmark::DoNotOptimize(batch.history.data());
    }
    state.counters["samples/s"] = benchmark::Counter(static_cast<double>(sampler.samplesPerEpoch()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Ml1mSamplerEpoch)->Unit(benchmark::kMillisecond);
