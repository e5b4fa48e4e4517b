#include "data/TrainSampler.h"

#include "data/Batch.h"
#include "data/RandomDraws.h"
#include "data/Splits.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace dimerec {
namespace {

// Independent random streams derived from the seed.
constexpr uint64_t kOrderStream = 1;
constexpr uint64_t kBatchStream = 2;
// ComiRec draws the training cut from position 4 on (when the sequence is long enough).
constexpr int32_t kComiRecMinCut = 4;

}  // namespace

TrainSampler::TrainSampler(const Splits& splits, SamplerOptions options)
    : splits_(splits), options_(std::move(options)) {
    if (options_.batchSize <= 0) {
        throw std::invalid_argument("sampler: batch size must be > 0, got " +
                                    std::to_string(options_.batchSize));
    }
    if (options_.maxLength <= 0) {
        throw std::invalid_argument("sampler: max length must be > 0, got " +
                                    std::to_string(options_.maxLength));
    }
    if (options_.negatives < 0) {
        throw std::invalid_argument("sampler: negatives must be >= 0, got " +
                                    std::to_string(options_.negatives));
    }
    if (options_.shards < 1 || options_.shard < 0 || options_.shard >= options_.shards) {
        throw std::invalid_argument("sampler: shard " + std::to_string(options_.shard) +
                                    " is outside 0 … " + std::to_string(options_.shards - 1));
    }
    if (options_.batchSize % options_.shards != 0) {
        throw std::invalid_argument(
            "sampler: batch size " + std::to_string(options_.batchSize) +
            " is not a multiple of the world size " + std::to_string(options_.shards) +
            " (every rank takes batchSize / worldSize rows of each global batch)");
    }
    if (splits_.numItems <= 0) throw std::invalid_argument("sampler: the splits have no items");
    negatives_ = options_.negatives > 0 ? options_.negatives : 10LL * options_.batchSize;
    randomCut_ = splits_.protocol == Protocol::ComiRec && !options_.everyPosition;

    const int32_t window = options_.maxLength;
    for (size_t s = 0; s < splits_.trainSequences.size(); ++s) {
        const auto sequence = static_cast<int32_t>(s);
        const auto length = static_cast<int32_t>(splits_.trainSequences[s].size());
        if (options_.everyPosition) {
            for (int32_t last = length - 1; last >= 1; last -= window)
                samples_.push_back({sequence, last});
            targetsPerEpoch_ += std::max(length - 1, 0);
        } else if (randomCut_) {
            if (length >= 2) samples_.push_back({sequence, 0});
        } else {
            for (int32_t t = 1; t < length; ++t) samples_.push_back({sequence, t});
        }
    }
    if (!options_.everyPosition) targetsPerEpoch_ = static_cast<int64_t>(samples_.size());
    if (samples_.empty()) {
        throw std::invalid_argument("sampler: no training sequence has two or more items");
    }

    // Ranks by training popularity, most popular first; ties keep the lower item id first.
    itemsByPopularity_.resize(static_cast<size_t>(splits_.numItems));
    std::iota(itemsByPopularity_.begin(), itemsByPopularity_.end(), 0);
    std::stable_sort(itemsByPopularity_.begin(), itemsByPopularity_.end(),
                     [&](int32_t a, int32_t b) {
                         const auto countOf = [&](int32_t item) {
                             return static_cast<size_t>(item) < splits_.itemCounts.size()
                                        ? splits_.itemCounts[static_cast<size_t>(item)]
                                        : 0;
                         };
                         return countOf(a) > countOf(b);
                     });
    rankOfItem_.resize(itemsByPopularity_.size());
    for (size_t rank = 0; rank < itemsByPopularity_.size(); ++rank) {
        rankOfItem_[static_cast<size_t>(itemsByPopularity_[rank])] = static_cast<int32_t>(rank);
    }
    startEpoch(0);
}

void TrainSampler::startEpoch(int64_t epoch) {
    restore({epoch, 0});
}

void TrainSampler::restore(const SamplerState& state) {
    if (state.epoch < 0 || state.batchIndex < 0) {
        throw std::invalid_argument("sampler: cannot restore a negative epoch or batch index");
    }
    if (state.epoch != state_.epoch || order_.empty()) {
        order_.resize(samples_.size());
        std::iota(order_.begin(), order_.end(), 0);
        std::mt19937_64 engine(
            mixSeed(options_.seed, kOrderStream, static_cast<uint64_t>(state.epoch)));
        shuffleInPlace(order_, engine);
    }
    state_ = state;
}

int64_t TrainSampler::samplesPerEpoch() const {
    return static_cast<int64_t>(samples_.size());
}

int64_t TrainSampler::batchesPerEpoch() const {
    return (samplesPerEpoch() + options_.batchSize - 1) / options_.batchSize;
}

double TrainSampler::negativeProbability(int32_t item) const {
    if (item < 0 || item >= splits_.numItems) return 0.0;
    const double n = splits_.numItems;
    if (options_.negativeSampler == NegativeSampler::Uniform) return 1.0 / n;
    const double rank = rankOfItem_[static_cast<size_t>(item)];
    return (std::log(rank + 2.0) - std::log(rank + 1.0)) / std::log(n + 1.0);
}

bool TrainSampler::next(Batch& batch) {
    if (state_.batchIndex >= batchesPerEpoch()) return false;
    const int64_t begin = state_.batchIndex * options_.batchSize;
    const int64_t end = std::min<int64_t>(begin + options_.batchSize, samplesPerEpoch());
    std::mt19937_64 engine(mixSeed(options_.seed, kBatchStream, static_cast<uint64_t>(state_.epoch),
                                   static_cast<uint64_t>(state_.batchIndex)));
    const int64_t width = options_.maxLength;
    const int64_t padding = splits_.numItems;

    const int64_t rows = end - begin;
    const int64_t first = rows * options_.shard / options_.shards;
    const int64_t last = rows * (options_.shard + 1) / options_.shards;
    batch.size = last - first;
    batch.maxLength = width;
    batch.history.assign(static_cast<size_t>(batch.size * width), padding);
    batch.lengths.resize(static_cast<size_t>(batch.size));
    if (options_.everyPosition) {
        batch.targets.clear();
        batch.positionTargets.assign(batch.history.size(), padding);
    } else {
        batch.targets.resize(static_cast<size_t>(batch.size));
        batch.positionTargets.clear();
    }
    globalTargets_ = 0;
    for (int64_t row = 0; row < rows; ++row) {
        const Sample& sample =
            samples_[static_cast<size_t>(order_[static_cast<size_t>(begin + row)])];
        const std::vector<int32_t>& sequence =
            splits_.trainSequences[static_cast<size_t>(sample.sequence)];
        int32_t position = sample.position;
        if (randomCut_) {
            const auto lastCut = static_cast<int32_t>(sequence.size()) - 1;
            const int32_t firstCut = std::min(kComiRecMinCut, lastCut);
            position = firstCut + static_cast<int32_t>(uniformBelow(
                                      engine, static_cast<uint64_t>(lastCut - firstCut + 1)));
        }
        // Every position: the window's targets are positions position − length + 1 … position.
        const int64_t length = std::min<int64_t>(position, width);
        globalTargets_ += options_.everyPosition ? length : 1;
        // Rows of other shards still draw their cut: the stream stays the global batch's.
        if (row < first || row >= last) continue;
        const int64_t local = row - first;
        const int64_t offset = local * width + (width - length);
        const auto item = [&](int64_t at) { return sequence[static_cast<size_t>(at)]; };
        for (int64_t i = 0; i < length; ++i)
            batch.history[static_cast<size_t>(offset + i)] = item(position - length + i);
        batch.lengths[static_cast<size_t>(local)] = length;
        if (options_.everyPosition) {
            for (int64_t i = 0; i < length; ++i)
                batch.positionTargets[static_cast<size_t>(offset + i)] =
                    item(position - length + 1 + i);
        } else {
            batch.targets[static_cast<size_t>(local)] = item(position);
        }
    }

    batch.negatives.resize(static_cast<size_t>(negatives_));
    const auto itemCount = static_cast<uint64_t>(splits_.numItems);
    const double logRange = std::log(static_cast<double>(itemCount) + 1.0);
    for (int64_t& negative : batch.negatives) {
        if (options_.negativeSampler == NegativeSampler::Uniform) {
            negative = static_cast<int64_t>(uniformBelow(engine, itemCount));
        } else {
            // TensorFlow's log-uniform sampler: rank = ⌊exp(u·ln(N+1))⌋ − 1.
            const auto rank = std::min<uint64_t>(
                static_cast<uint64_t>(std::exp(uniformUnit(engine) * logRange)) - 1, itemCount - 1);
            negative = itemsByPopularity_[static_cast<size_t>(rank)];
        }
    }
    ++state_.batchIndex;
    return true;
}

}  // namespace dimerec
