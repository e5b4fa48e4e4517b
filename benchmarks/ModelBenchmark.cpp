// Training throughput and full-ranking time at ML-1M scale (3,706 items, 6,040 users,
// history 50, d 64, K 4, 10 × batch shared negatives), on synthetic ids: the cost of a step
// does not depend on which items it sees.
//
// Every model benchmark reports, besides its time, the model's FLOPs per iteration counted
// analytically (the functions below), the FLOP rate that makes, the machine's single-precision
// matrix product rate measured in the same process on the same threads just before and just
// after the benchmark (torch::mm of 1024², the mean of the two),
// the ratio of the two ("of GEMM") and the peak resident memory so far. Run one benchmark per
// process (--benchmark_filter) for a meaningful peak. docs/performance.md has the figures.
#include "config/RunConfig.h"
#include "data/Batch.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "model/Recommender.h"
#include "train/FusedAdam.h"
#include "train/Gradients.h"
#include "train/MemoryTuning.h"
#include "util/Device.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <random>
#include <string>

namespace {

constexpr int32_t kItems = 3706;
constexpr int32_t kUsers = 6040;
constexpr int kLength = 50;
constexpr int kGemmSize = 1024;          // the reference matrix product: 1024² × 1024²
constexpr double kGemmSeconds = 0.5;     // how long the reference rate is measured, each time
constexpr int kRankingBatch = 1024;      // EvalConfig::batchUsers
constexpr int kRankingCutoff = 50;       // the largest default cut-off (top-50)
constexpr double kBackwardFactor = 2.0;  // backward of a matmul: one product per operand

const dimerec::ModelKind kModels[] = {dimerec::ModelKind::DimeRec, dimerec::ModelKind::ComiRecSa};

// LibTorch threads: $DIMEREC_BENCH_THREADS, default every core. With 1 the CPU column is the
// whole cost of an iteration, which stays meaningful on a busy machine.
void setUp() {
    const char* threads = std::getenv("DIMEREC_BENCH_THREADS");
    dimerec::configureThreads(threads != nullptr ? std::atoi(threads) : 0);
    dimerec::retainLargeAllocations();
}

// CPU seconds used by every thread of this process so far.
double processCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

struct GemmRate {
    double wall = 0.0;  // FLOPs per second of wall time
    double cpu = 0.0;   // FLOPs per CPU second of the process
};

// The rate of torch::mm on 1024² float matrices over about a second, on the benchmarks' threads
// (call after setUp).
GemmRate measureGemm() {
    const torch::Tensor a = torch::randn({kGemmSize, kGemmSize});
    const torch::Tensor b = torch::randn({kGemmSize, kGemmSize});
    benchmark::DoNotOptimize(a.mm(b));  // warm-up: BLAS buffers, thread pool
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = processCpuSeconds();
    int64_t products = 0;
    double elapsed = 0.0;
    while (elapsed < kGemmSeconds) {
        benchmark::DoNotOptimize(a.mm(b));
        ++products;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    const double flops = 2.0 * kGemmSize * kGemmSize * kGemmSize * static_cast<double>(products);
    return GemmRate{flops / elapsed, flops / (processCpuSeconds() - cpuStart)};
}

// The reference for a benchmark: the mean of the GEMM rate measured just before and just after
// it. The speed of this shared virtual machine drifts by ±20 % over minutes; measuring on both
// sides keeps the ratio to the benchmark's own conditions.
GemmRate meanGemm(const GemmRate& before, const GemmRate& after) {
    return GemmRate{(before.wall + after.wall) / 2, (before.cpu + after.cpu) / 2};
}

double peakRssMegabytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Shapes of one training step: B users, history N, d, K interests, M shared negatives, the
// SA guidance's hidden width 4d and the DAM denoiser's hidden width h = 2d.
struct StepShape {
    double b = 0;  // rows of the batch (users when ranking)
    double n = kLength;
    double d = 64;
    double k = 4;
    double m = 0;  // sampled negatives (10 × b in the benchmark)
    double h = 128;
};

// Forward FLOPs of ComiRec-SA's guidance (spec §1.2): the hidden layer d → 4d over all B·N
// history positions (2·B·N·d·4d) with its tanh (B·N·4d), the heads 4d → K (2·B·N·4d·K), the
// softmax over positions (~5·B·N·K) and the weighted sum of the history (2·B·K·N·d).
double guidanceForward(const StepShape& s) {
    return 2 * s.b * s.n * s.d * 4 * s.d + s.b * s.n * 4 * s.d + 2 * s.b * s.n * 4 * s.d * s.k +
           5 * s.b * s.n * s.k + 2 * s.b * s.k * s.n * s.d;
}

// Forward FLOPs of one sampled softmax: the argmax interest readout or the denoised vector
// against the M shared negatives (2·B·M·d), the positive logit (2·B·d) and the logsumexp
// (~3·B·M).
double sampledSoftmaxForward(const StepShape& s) {
    return 2 * s.b * s.m * s.d + 2 * s.b * s.d + 3 * s.b * s.m;
}

// One ComiRec-SA training step: guidance, readout (2·B·K·d) and L_gem, forward + backward.
// Backward of a matrix product costs two products (the gradient of each operand), so the step
// is (1 + kBackwardFactor) × forward; elementwise work is counted the same way, which slightly
// overstates it. Adam's update (~10 FLOPs per parameter, ~0.3 M parameters) is left out (< 0.3 %).
double comiRecStepFlops(const StepShape& s) {
    const double forward = guidanceForward(s) + 2 * s.b * s.k * s.d + sampledSoftmaxForward(s);
    return (1 + kBackwardFactor) * forward;
}

// One DimeRec training step: ComiRec-SA's step plus the DAM denoiser over x_t (d → h), the step
// embedding (d → h), the flattened guidance (K·d → h) and the output layer (h → d), each
// 2·B·in·out; the GELU (~8·B·h); the geodesic forward noising (~20·B·d: norms, exponential map);
// L_recon (3·B·d) and the second sampled softmax L_ssm.
double dimeRecStepFlops(const StepShape& s) {
    const double denoiser = 2 * s.b * (s.d * s.h + s.d * s.h + s.k * s.d * s.h + s.h * s.d) +
                            8 * s.b * s.h + 20 * s.b * s.d + 3 * s.b * s.d;
    return comiRecStepFlops(s) + (1 + kBackwardFactor) * (denoiser + sampledSoftmaxForward(s));
}

// Full ranking of all users (forward only, no backward), per kRankingBatch users: the guidance
// (as in training, B = users), the scores against every item, the top-50, and the evaluator's
// intra-list distance of the top 50 (normalising, running sums and squared norms of the 50
// vectors, ~8·50·d per user).
//   ComiRec-SA: all K interests score every item (2·U·K·I·d) and the max over them (U·K·I).
//   DimeRec:    the guidance projection (2·U·K·d·h) once, then T = 100 reverse steps of the
//               denoiser's x_t and output layers (2·U·(d·h + h·d) each, plus ~30·U·d of
//               posterior arithmetic and re-normalisation), then one vector scores every item
//               (2·U·I·d).
// The top-k selection is a comparison per score (U·I) and counted as such.
double rankingFlops(dimerec::ModelKind model) {
    StepShape users;
    users.b = kUsers;
    const double u = kUsers;
    const double common = guidanceForward(users) + u * kItems + 8.0 * u * kRankingCutoff * users.d;
    if (model == dimerec::ModelKind::ComiRecSa) {
        return common + 2 * u * users.k * kItems * users.d + u * users.k * kItems;
    }
    constexpr double kReverseSteps = 100;
    const double reverse =
        kReverseSteps * (2 * u * (users.d * users.h + users.h * users.d) + 30 * u * users.d);
    return common + 2 * u * users.k * users.d * users.h + reverse + 2 * u * kItems * users.d;
}

// cpuSeconds: the process CPU time the benchmark loop took; gemm: the reference rate.
void reportRates(benchmark::State& state, double flopsPerIteration, double cpuSeconds,
                 const GemmRate& gemm) {
    const double flops = flopsPerIteration * static_cast<double>(state.iterations());
    state.counters["GFLOP/iter"] = flopsPerIteration / 1e9;
    state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
    // Seconds of GEMM-rate work per second: achieved rate / GEMM rate.
    state.counters["of GEMM"] = benchmark::Counter(flops / gemm.wall, benchmark::Counter::kIsRate);
    state.counters["GEMM FLOP/s"] = gemm.wall;
    state.counters["cpu FLOP/s"] = flops / cpuSeconds;
    state.counters["cpu of GEMM"] = flops / cpuSeconds / gemm.cpu;
    state.counters["peak RSS MB"] = peakRssMegabytes();
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

// One optimiser step (forward, backward, Adam) per iteration, as the Trainer takes it (row shards
// on all threads, computeGradients); items/s = training samples/s.
void BM_TrainStep(benchmark::State& state) {
    setUp();
    torch::manual_seed(1);
    const dimerec::ModelConfig config = modelConfig(static_cast<int>(state.range(0)));
    auto model = dimerec::makeRecommender(config, kItems, kLength, std::vector<int64_t>(kItems, 1));
    dimerec::FusedAdam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    std::mt19937_64 random(2);
    std::vector<dimerec::BatchTensors> batches;
    for (int i = 0; i < 8; ++i)
        batches.push_back(dimerec::toTensors(randomBatch(state.range(1), random), torch::kCPU));
    size_t next = 0;
    const int shards = dimerec::gradientShards(*model, torch::kCPU, state.range(1));
    const GemmRate before = measureGemm();
    const double cpuStart = processCpuSeconds();
    for (auto _ : state) {
        dimerec::computeGradients(*model, batches[next++ % batches.size()], shards);
        optimizer.step();
    }
    const double cpuSeconds = processCpuSeconds() - cpuStart;
    const GemmRate after = measureGemm();
    StepShape shape;
    shape.b = static_cast<double>(state.range(1));
    shape.m = 10.0 * shape.b;
    state.SetLabel(dimerec::nameOf(config.model));
    state.counters["shards"] = shards;
    state.SetItemsProcessed(state.iterations() * state.range(1));
    reportRates(state,
                config.model == dimerec::ModelKind::DimeRec ? dimeRecStepFlops(shape)
                                                            : comiRecStepFlops(shape),
                cpuSeconds, meanGemm(before, after));
}
BENCHMARK(BM_TrainStep)
    ->ArgsProduct({{0, 1}, {128, 256}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// An every-position batch like pmixer/SASRec.pytorch's timing harness draws them
// (/work/shared/peers/time_sasrec_pmixer.py): each row holds min(length, U{20 … 399}) real
// items (ML-1M users have at least 20 ratings; most fill the window), every real position a
// target; `negatives` shared negatives (0: 10 × rows, the project's default).
dimerec::Batch everyPositionBatch(int64_t size, int64_t length, int64_t negatives,
                                  std::mt19937_64& random) {
    std::uniform_int_distribution<int64_t> item(0, kItems - 1);
    std::uniform_int_distribution<int64_t> real(20, 399);
    dimerec::Batch batch;
    batch.size = size;
    batch.maxLength = length;
    batch.history.assign(static_cast<size_t>(size * length), kItems);
    batch.positionTargets = batch.history;
    for (int64_t r = 0; r < size; ++r) {
        const int64_t n = std::min(length, real(random));
        for (int64_t c = length - n; c < length; ++c) {
            batch.history[static_cast<size_t>(r * length + c)] = item(random);
            batch.positionTargets[static_cast<size_t>(r * length + c)] = item(random);
        }
        batch.lengths.push_back(n);
    }
    for (int64_t i = 0; i < (negatives > 0 ? negatives : 10 * size); ++i)
        batch.negatives.push_back(item(random));
    return batch;
}

// SASRec (model 0) or GRU4Rec (1) trained on every position at once, as the Trainer takes a
// step: BM_SequenceTrainStep/<model>/<batch>/<history>/<negatives (0 = 10 × batch)>. Spec
// defaults otherwise: d 64, 2 blocks or layers, 1 head, dropout 0.2 (pmixer's settings).
// items/s = targets/s (real positions); compare with time_sasrec_pmixer.py B L 64 threads.
void BM_SequenceTrainStep(benchmark::State& state) {
    setUp();
    torch::manual_seed(1);
    dimerec::ModelConfig config;
    config.model = state.range(0) == 0 ? dimerec::ModelKind::SasRec : dimerec::ModelKind::Gru4Rec;
    const int64_t rows = state.range(1);
    const int64_t length = state.range(2);
    auto model = dimerec::makeRecommender(config, kItems, static_cast<int>(length),
                                          std::vector<int64_t>(kItems, 1));
    dimerec::FusedAdam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    std::mt19937_64 random(2);
    std::vector<dimerec::BatchTensors> batches;
    int64_t targets = 0;
    for (int i = 0; i < 8; ++i) {
        const dimerec::Batch batch = everyPositionBatch(rows, length, state.range(3), random);
        targets += batch.targetCount();
        batches.push_back(dimerec::toTensors(batch, torch::kCPU));
    }
    size_t next = 0;
    const int shards = dimerec::gradientShards(*model, torch::kCPU, rows);
    const double cpuStart = processCpuSeconds();
    for (auto _ : state) {
        dimerec::computeGradients(*model, batches[next++ % batches.size()], shards);
        optimizer.step();
    }
    const double cpuSeconds = processCpuSeconds() - cpuStart;
    const double perStep = static_cast<double>(targets) / static_cast<double>(batches.size());
    state.SetLabel(dimerec::nameOf(config.model));
    state.counters["shards"] = shards;
    state.counters["peak RSS MB"] = peakRssMegabytes();
    // Targets per CPU second of the whole process (every thread): on a shared machine the wall
    // rate depends on the other load, this one much less.
    state.counters["targets/cpu s"] =
        perStep * static_cast<double>(state.iterations()) / cpuSeconds;
    state.SetItemsProcessed(
        static_cast<int64_t>(perStep * static_cast<double>(state.iterations())));
}
BENCHMARK(BM_SequenceTrainStep)
    ->ArgsProduct({{0, 1}, {128}, {50, 200}, {0, 1}})
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
    const GemmRate before = measureGemm();
    const double cpuStart = processCpuSeconds();
    for (auto _ : state) benchmark::DoNotOptimize(evaluator.evaluate(*model, cases));
    const double cpuSeconds = processCpuSeconds() - cpuStart;
    const GemmRate after = measureGemm();
    state.SetLabel(dimerec::nameOf(config.model));
    state.SetItemsProcessed(state.iterations() * kUsers);
    reportRates(state, rankingFlops(config.model), cpuSeconds, meanGemm(before, after));
}
BENCHMARK(BM_FullRanking)->DenseRange(0, 1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The reference rate on its own, and a product of the training step's largest shape (the SA
// guidance's hidden layer: [B·N, d] × [d, 4d] at B = 256), for scale.
void BM_Gemm(benchmark::State& state) {
    setUp();
    const int64_t rows = state.range(0);
    const int64_t inner = state.range(1);
    const int64_t columns = state.range(2);
    const torch::Tensor a = torch::randn({rows, inner});
    const torch::Tensor b = torch::randn({inner, columns});
    for (auto _ : state) benchmark::DoNotOptimize(a.mm(b));
    state.counters["FLOP/s"] = benchmark::Counter(
        2.0 * static_cast<double>(rows * inner * columns) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Gemm)
    ->Args({kGemmSize, kGemmSize, kGemmSize})
    ->Args({256 * kLength, 64, 256})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
