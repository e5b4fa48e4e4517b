#include "data/Dataset.h"
#include "data/DefaultDataset.h"

#include <benchmark/benchmark.h>

// Parse + preprocess of the embedded MovieLens latest-small (100,836 ratings).
static void BM_LoadDefaultDataset(benchmark::State& state) {
    for (auto _ : state) {
        const dimerec::Dataset data = dimerec::loadDefaultDataset();
        benchmark::DoNotOptimize(data.numInteractions());
    }
}
BENCHMARK(BM_LoadDefaultDataset)->Unit(benchmark::kMillisecond);
