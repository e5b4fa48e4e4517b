// Training throughput and full-ranking time at ML-1M scale (3,706 items, 6,040 users,
// history 50, d 64, K 4, 10 × batch shared negatives), on synthetic ids: the cost of a step
// does not depend on which items it sees.
#include "data/Batch.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "experiment/RunConfig.h"
#include "model/Recommender.h"
#include "train/MemoryTuning.h"
#include "util/Device.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

namespace {

constexpr int32_t kItems = 3706;
constexpr int32_t kUsers = 6040;
constexpr int kLength = 50;

const char* const kModels[] = {"dimerec", "comirec-sa"};

// LibTorch threads: $DIMEREC_BENCH_THREADS, default every core. With 1 the CPU column is the
// whole cost of an iteration, which stays meaningful on a busy machine.
void setUp() {
    const char* threads = std::getenv("DIMEREC_BENCH_THREADS");
    dimerec::configureThreads(threads != nullptr ? std::atoi(threads) : 0);
    dimerec::retainLargeAllocations();
}

dimerec::Batch randomBatch(int64_t size, std::mt19937_64& random) {
    std::uniform_int_distribution<int64_t> item(0, kItems - 1);
    dimerec::Batch batch;
    batch.size = size;
    batch.maxLength = kLength;
    for (int64_t i = 0; i < size * kLength; ++i) batch.history.push_back(item(random));
    batch.lengths.assign(size, kLength);
    for (int64_t i = 0; i < size; ++i) batch.targets.push_back(item(random));
    for (int64_t i = 0; i < 10 * size; ++i) batch.negatives.push_back(item(random));
    return batch;
}

dimerec::ModelConfig modelConfig(int index) {
    dimerec::ModelConfig config;
    config.model = kModels[index];
    return config;
}

// One optimiser step (forward, backward, Adam) per iteration; items/s = training samples/s.
void BM_TrainStep(benchmark::State& state) {
    setUp();
    torch::manual_seed(1);
    const dimerec::ModelConfig config = modelConfig(static_cast<int>(state.range(0)));
    auto model = dimerec::makeRecommender(config, kItems, kLength, std::vector<int64_t>(kItems, 1));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    std::mt19937_64 random(2);
    std::vector<dimerec::BatchTensors> batches;
    for (int i = 0; i < 8; ++i)
        batches.push_back(dimerec::toTensors(randomBatch(state.range(1), random), torch::kCPU));
    size_t next = 0;
    for (auto _ : state) {
        optimizer.zero_grad();
        model->loss(batches[next++ % batches.size()]).total.backward();
        optimizer.step();
    }
    state.SetLabel(config.model);
    state.SetItemsProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_TrainStep)
    ->ArgsProduct({{0, 1}, {128, 256}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Scores of all 6,040 users over all 3,706 items and their top 50, in batches of 1,024 users
// (the Evaluator's path, metrics included).
void BM_FullRanking(benchmark::State& state) {
    setUp();
    torch::manual_seed(1);
    const dimerec::ModelConfig config = modelConfig(static_cast<int>(state.range(0)));
    auto model = dimerec::makeRecommender(config, kItems, kLength, std::vector<int64_t>(kItems, 1));
    std::mt19937_64 random(3);
    std::uniform_int_distribution<int32_t> item(0, kItems - 1);
    std::vector<dimerec::EvalCase> cases(kUsers);
    for (auto& c : cases) {
        for (int i = 0; i < kLength; ++i) c.history.push_back(item(random));
        c.targets.push_back(item(random));
    }
    const dimerec::Evaluator evaluator(dimerec::EvalConfig{}, kLength);
    for (auto _ : state) benchmark::DoNotOptimize(evaluator.evaluate(*model, cases));
    state.SetLabel(config.model);
    state.SetItemsProcessed(state.iterations() * kUsers);
}
BENCHMARK(BM_FullRanking)->DenseRange(0, 1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The machine's single-precision matrix product rate, for scale (FLOP/s counter).
void BM_Gemm(benchmark::State& state) {
    setUp();
    const int64_t n = state.range(0);
    const torch::Tensor a = torch::randn({n, n});
    const torch::Tensor b = torch::randn({n, n});
    for (auto _ : state) benchmark::DoNotOptimize(a.mm(b));
    state.counters["FLOP/s"] = benchmark::Counter(
        2.0 * n * n * n * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Gemm)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
