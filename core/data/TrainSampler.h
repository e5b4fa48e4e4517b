#pragma once

#include "config/RunConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

struct Batch;
struct Splits;

// How training batches are drawn.
struct SamplerOptions {
    int batchSize = 256;  // rows per batch (the last batch may be smaller)
    int maxLength = 50;   // history columns N
    int negatives = 0;    // shared negatives per batch (0 = 10 × batchSize)
    // uniform, or log-uniform by training popularity
    NegativeSampler negativeSampler = NegativeSampler::Uniform;
    uint64_t seed = 42;  // everything drawn is a function of it
    int shard = 0;       // this process's slice of every batch (data-parallel rank)
    int shards = 1;      // slices per batch (world size); batchSize must be a multiple of it
    // Every-position batches (SASRec, GRU4Rec, as their authors train them): each row is a
    // window of up to maxLength consecutive targets of one sequence, trained in one causal pass.
    bool everyPosition = false;
};

// Turns training sequences into padded batches with shared sampled-softmax negatives.
// Samples per epoch: for loo and dreamrec, every position t ≥ 1 of every training sequence
// (items before t → item t); for comirec, one sample per training user with at least two
// items, cut at k ~ Uniform{min(4, len−1) … len−1} (ComiRec's random-cut training).
// Histories are right-aligned, truncated to the most recent maxLength items, padded with
// numItems.
//
// Every-position batches (options.everyPosition, Batch::positionTargets): a sample is a window
// of a training sequence: targets at positions a … b (b − a < maxLength), history the items at
// a − 1 … b − 1, each position's target the next item. The windows tile each sequence from its
// end (b = len − 1, then b = a − 1, … down to position 1), so an epoch still trains every
// position t ≥ 1 of every training sequence exactly once, as many targets as the per-position
// epoch of loo and dreamrec (for comirec, every position of the training users' sequences
// instead of one random cut each); a target then sees the items of its own window only (at
// most maxLength, fewer near a window's start). Rows are windows: batchSize windows per batch,
// about maxLength times the targets of a per-position batch. The epoch's order is a function of
// (seed, epoch), each batch's cuts and negatives of (seed, epoch, batch index), so restore()
// reproduces batches bit for bit.
//
// Sharded (shards > 1, one sampler per data-parallel rank): every rank walks the same global
// batches (batchSize rows) and keeps rows [n·shard/shards, n·(shard+1)/shards) of each batch of
// n rows, so full batches give batchSize/shards rows per rank. Random cuts are still drawn for
// every row of the global batch and the shared negatives are the global batch's own, so the
// union of the slices is exactly the single-process batch (docs/cluster.md).
class TrainSampler {
public:
    struct SamplerState {
        int64_t epoch = 0;       // epoch in progress
        int64_t batchIndex = 0;  // index of the next batch next() returns
    };

    // The sampler reads splits on every batch: they must outlive it. Throws
    // std::invalid_argument for a non-positive batch size or length, negative negatives,
    // an unknown negative sampler, a shard outside 0 … shards − 1, a batch size that is not a
    // multiple of shards, or splits without any training sample.
    TrainSampler(const Splits& splits, SamplerOptions options);

    // Positions the sampler at the first batch of the given epoch (0-based).
    void startEpoch(int64_t epoch);
    // Fills the next batch; false (batch untouched) when the epoch is exhausted.
    bool next(Batch& batch);

    int64_t batchesPerEpoch() const;
    int64_t samplesPerEpoch() const;  // rows per epoch (windows in an every-position epoch)
    int64_t targetsPerEpoch() const { return targetsPerEpoch_; }
    int64_t negativesPerBatch() const { return negatives_; }
    // Targets of the global batch the last next() took its slice from (= batch.targetCount()
    // unsharded): the weight of a rank's gradient is its share of them.
    int64_t globalBatchTargets() const { return globalTargets_; }
    // Probability that one negative draw yields the item (for logQ corrections).
    double negativeProbability(int32_t item) const;

    SamplerState state() const { return state_; }
    void restore(const SamplerState& state);

private:
    struct Sample {
        int32_t sequence;  // index into the training sequences
        // Target position (every position: the window's last); for comirec's random cut
        // unused (the cut is drawn per batch).
        int32_t position;
    };

    const Splits& splits_;
    SamplerOptions options_;
    bool randomCut_ = false;
    int64_t negatives_ = 0;
    int64_t globalTargets_ = 0;
    int64_t targetsPerEpoch_ = 0;
    std::vector<Sample> samples_;             // the epoch's samples before shuffling
    std::vector<int32_t> order_;              // the epoch's permutation of samples_
    std::vector<int32_t> itemsByPopularity_;  // log-uniform rank -> item
    std::vector<int32_t> rankOfItem_;         // item -> log-uniform rank
    SamplerState state_;
};

}  // namespace dimerec
