#include "data/Batch.h"
#include "data/Splits.h"
#include "data/TrainSampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

namespace dimerec {
namespace {

using Items = std::vector<int32_t>;
using Row = std::tuple<std::vector<int64_t>, int64_t, int64_t>;  // history, length, target

Splits splitsOf(const std::string& protocol, std::vector<Items> sequences, int32_t numItems) {
    Splits splits;
    splits.protocol = choiceNamed<Protocol>("protocol", protocol);
    splits.numItems = numItems;
    splits.trainSequences = std::move(sequences);
    splits.itemCounts.assign(static_cast<size_t>(numItems), 0);
    for (const Items& sequence : splits.trainSequences) {
        splits.trainUsers.push_back(static_cast<int32_t>(splits.trainUsers.size()));
        for (int32_t item : sequence) ++splits.itemCounts[static_cast<size_t>(item)];
    }
    return splits;
}

SamplerOptions options(int batchSize, int maxLength, uint64_t seed = 5) {
    SamplerOptions result;
    result.batchSize = batchSize;
    result.maxLength = maxLength;
    result.negatives = 4;
    result.seed = seed;
    return result;
}

std::vector<Row> rowsOf(const Batch& batch) {
    std::vector<Row> rows;
    for (int64_t r = 0; r < batch.size; ++r) {
        const auto begin = batch.history.begin() + r * batch.maxLength;
        rows.emplace_back(std::vector<int64_t>(begin, begin + batch.maxLength),
                          batch.lengths[static_cast<size_t>(r)],
                          batch.targets[static_cast<size_t>(r)]);
    }
    return rows;
}

std::vector<Batch> epochOf(TrainSampler& sampler, int64_t epoch) {
    sampler.startEpoch(epoch);
    std::vector<Batch> batches;
    Batch batch;
    while (sampler.next(batch)) batches.push_back(batch);
    return batches;
}

bool sameBatch(const Batch& a, const Batch& b) {
    return a.size == b.size && a.maxLength == b.maxLength && a.history == b.history &&
           a.lengths == b.lengths && a.targets == b.targets && a.negatives == b.negatives;
}

TEST(TrainSampler, EveryPositionIsOneRightAlignedPaddedSample) {
    const Splits splits = splitsOf("loo", {{0, 1, 2, 3}, {4, 5}}, 6);
    TrainSampler sampler(splits, options(3, 2));
    // Positions 1..3 of the first sequence and position 1 of the second: 4 samples, batches
    // of 3 and 1.
    EXPECT_EQ(sampler.samplesPerEpoch(), 4);
    EXPECT_EQ(sampler.batchesPerEpoch(), 2);
    const std::vector<Batch> batches = epochOf(sampler, 0);
    ASSERT_EQ(batches.size(), 2u);
    EXPECT_EQ(batches[0].size, 3);
    EXPECT_EQ(batches[1].size, 1);
    std::vector<Row> rows;
    for (const Batch& batch : batches) {
        EXPECT_EQ(batch.maxLength, 2);
        EXPECT_EQ(batch.negatives.size(), 4u);
        for (int64_t negative : batch.negatives) {
            EXPECT_GE(negative, 0);
            EXPECT_LT(negative, 6);
        }
        for (const Row& row : rowsOf(batch)) rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    // By hand, padding id 6 in the leading slot, the most recent item last, truncated to 2.
    std::vector<Row> expected = {{{6, 0}, 1, 1}, {{0, 1}, 2, 2}, {{1, 2}, 2, 3}, {{6, 4}, 1, 5}};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(rows, expected);
}

// Every-position batches: windows tile each sequence from its end, so each position t ≥ 1 is
// a target exactly once per epoch, with history item t − 1 in the same column. By hand, for
// maxLength 3: {0 … 6} gives the windows of targets 4–6 and 1–3, {10, 11} the window of target
// 1, {20} none; the per-position epoch has the same 7 targets.
TEST(TrainSampler, EveryPositionWindowsTileEachSequenceFromItsEnd) {
    for (const char* protocol : {"loo", "comirec"}) {
        const Splits splits = splitsOf(protocol, {{0, 1, 2, 3, 4, 5, 6}, {10, 11}, {20}}, 30);
        SamplerOptions opts = options(2, 3);
        opts.everyPosition = true;
        TrainSampler sampler(splits, opts);
        EXPECT_EQ(sampler.samplesPerEpoch(), 3) << protocol;
        EXPECT_EQ(sampler.targetsPerEpoch(), 7) << protocol;
        EXPECT_EQ(sampler.batchesPerEpoch(), 2) << protocol;
        using Window = std::pair<std::vector<int64_t>, std::vector<int64_t>>;  // history, targets
        std::vector<Window> windows;
        int64_t targets = 0;
        sampler.startEpoch(0);
        Batch batch;
        while (sampler.next(batch)) {
            EXPECT_TRUE(batch.targets.empty());
            ASSERT_EQ(batch.positionTargets.size(), batch.history.size());
            EXPECT_EQ(sampler.globalBatchTargets(), batch.targetCount());
            targets += batch.targetCount();
            for (int64_t r = 0; r < batch.size; ++r) {
                const auto begin = static_cast<size_t>(r * batch.maxLength);
                const auto end = begin + static_cast<size_t>(batch.maxLength);
                windows.emplace_back(std::vector<int64_t>(batch.history.begin() + begin,
                                                          batch.history.begin() + end),
                                     std::vector<int64_t>(batch.positionTargets.begin() + begin,
                                                          batch.positionTargets.begin() + end));
            }
        }
        EXPECT_EQ(targets, 7);
        std::sort(windows.begin(), windows.end());
        std::vector<Window> expected = {
            {{0, 1, 2}, {1, 2, 3}}, {{3, 4, 5}, {4, 5, 6}}, {{30, 30, 10}, {30, 30, 11}}};
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(windows, expected) << protocol;
    }
}

TEST(TrainSampler, DefaultNegativesAreTenPerRow) {
    const Splits splits = splitsOf("dreamrec", {{0, 1, 2, 3}, {4, 5}}, 6);
    SamplerOptions opts = options(3, 2);
    opts.negatives = 0;
    TrainSampler sampler(splits, opts);
    Batch batch;
    ASSERT_TRUE(sampler.next(batch));
    EXPECT_EQ(batch.negatives.size(), 30u);
    EXPECT_EQ(sampler.negativesPerBatch(), 30);
}

Splits longerSplits(const std::string& protocol) {
    std::vector<Items> sequences;
    for (int32_t s = 0; s < 20; ++s) {
        Items items;
        for (int32_t i = 0; i < 3 + s % 9; ++i) items.push_back((s * 7 + i * 3) % 50);
        sequences.push_back(items);
    }
    return splitsOf(protocol, sequences, 50);
}

TEST(TrainSampler, SameSeedGivesIdenticalEpochsAndEpochsDiffer) {
    for (const char* protocol : {"loo", "comirec"}) {
        const Splits splits = longerSplits(protocol);
        TrainSampler a(splits, options(8, 5));
        TrainSampler b(splits, options(8, 5));
        const auto first = epochOf(a, 3);
        const auto second = epochOf(b, 3);
        ASSERT_EQ(first.size(), second.size());
        for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(sameBatch(first[i], second[i]));
        const auto other = epochOf(a, 4);
        EXPECT_FALSE(sameBatch(first[0], other[0])) << protocol;
        TrainSampler c(splits, options(8, 5, 6));
        EXPECT_FALSE(sameBatch(first[0], epochOf(c, 3)[0])) << protocol;
    }
}

TEST(TrainSampler, RestoreReproducesTheRemainingBatchesBitForBit) {
    for (const char* protocol : {"dreamrec", "comirec"}) {
        const Splits splits = longerSplits(protocol);
        SamplerOptions opts = options(4, 3);
        opts.negativeSampler = NegativeSampler::LogUniform;
        TrainSampler original(splits, opts);
        original.startEpoch(2);
        Batch batch;
        ASSERT_TRUE(original.next(batch));
        ASSERT_TRUE(original.next(batch));
        const TrainSampler::SamplerState saved = original.state();
        EXPECT_EQ(saved.epoch, 2);
        EXPECT_EQ(saved.batchIndex, 2);
        std::vector<Batch> rest;
        while (original.next(batch)) rest.push_back(batch);

        TrainSampler resumed(splits, opts);
        epochOf(resumed, 0);  // a different epoch in between must not matter
        resumed.restore(saved);
        for (const Batch& expected : rest) {
            ASSERT_TRUE(resumed.next(batch));
            EXPECT_TRUE(sameBatch(batch, expected)) << protocol;
        }
        EXPECT_FALSE(resumed.next(batch));
    }
}

TEST(TrainSampler, ComiRecDrawsOneRandomCutPerUserAndEpoch) {
    // A 10-item user is cut at k ∈ {4..9}; a 3-item user only at k = min(4, 2) = 2; a 1-item
    // user gives no sample.
    const Splits splits =
        splitsOf("comirec", {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11, 12}, {13}}, 14);
    TrainSampler sampler(splits, options(2, 3));
    EXPECT_EQ(sampler.samplesPerEpoch(), 2);
    std::set<int64_t> cuts;
    for (int64_t epoch = 0; epoch < 60; ++epoch) {
        for (const Batch& batch : epochOf(sampler, epoch)) {
            for (const auto& [history, length, target] : rowsOf(batch)) {
                if (target >= 10) {
                    EXPECT_EQ(target, 12);
                    EXPECT_EQ(history, (std::vector<int64_t>{14, 10, 11}));
                    EXPECT_EQ(length, 2);
                } else {
                    cuts.insert(target);  // target item id equals its position here
                    EXPECT_EQ(length, 3);
                    EXPECT_EQ(history, (std::vector<int64_t>{target - 3, target - 2, target - 1}));
                }
            }
        }
    }
    EXPECT_EQ(cuts, (std::set<int64_t>{4, 5, 6, 7, 8, 9}));
}

TEST(TrainSampler, LogUniformNegativesFavourPopularItems) {
    // Item 3 is the most frequent (4 times), item 0 appears once: ranks 0 and later.
    const Splits splits = splitsOf("loo", {{3, 3, 3, 3, 1, 1, 2, 0}}, 5);
    SamplerOptions opts = options(7, 4);
    opts.negativeSampler = NegativeSampler::LogUniform;
    opts.negatives = 20000;
    TrainSampler sampler(splits, opts);
    double total = 0.0;
    for (int32_t item = 0; item < 5; ++item) total += sampler.negativeProbability(item);
    EXPECT_NEAR(total, 1.0, 1e-12);
    // P(rank 0) = ln 2 / ln 6 ≈ 0.3869 (TensorFlow's log-uniform formula).
    EXPECT_NEAR(sampler.negativeProbability(3), std::log(2.0) / std::log(6.0), 1e-12);
    Batch batch;
    ASSERT_TRUE(sampler.next(batch));
    std::map<int64_t, int> counts;
    for (int64_t negative : batch.negatives) ++counts[negative];
    for (int32_t item = 0; item < 5; ++item) {
        // 20,000 draws: the binomial standard deviation is below 0.0035.
        EXPECT_NEAR(counts[item] / 20000.0, sampler.negativeProbability(item), 0.02) << item;
    }
}

TEST(TrainSampler, RejectsBadOptions) {
    const Splits splits = splitsOf("loo", {{0, 1}}, 2);
    SamplerOptions bad = options(0, 2);
    EXPECT_THROW(TrainSampler(splits, bad), std::invalid_argument);
    const Splits empty = splitsOf("loo", {{0}}, 2);
    EXPECT_THROW(TrainSampler(empty, options(2, 2)), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
