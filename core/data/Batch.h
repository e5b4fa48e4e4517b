#pragma once

#include <cstdint>
#include <numeric>
#include <vector>

namespace dimerec {

// A padded training batch in plain memory (the model turns it into tensors).
// Histories are right-aligned: the most recent item sits in the last column and the
// `maxLength - length` leading slots hold the padding id (= number of items).
//
// Two layouts of targets: one per row (`targets`, the item after the row's history), or, in an
// every-position batch (SASRec, GRU4Rec: TrainSampler's SamplerOptions::everyPosition),
// one per history position (`positionTargets`, the item after each position's item: every real
// position of a row is a target of one causal pass, and `targets` is empty).
struct Batch {
    int64_t size = 0;              // rows in this batch
    int64_t maxLength = 0;         // columns of history
    std::vector<int64_t> history;  // size × maxLength, row-major
    std::vector<int64_t> lengths;  // real items per row (1..maxLength)
    std::vector<int64_t> targets;  // next item per row (empty in an every-position batch)
    // Every-position batches: size × maxLength, aligned with history, the padding id where
    // history is padding; empty otherwise.
    std::vector<int64_t> positionTargets;
    std::vector<int64_t> negatives;  // shared sampled-softmax negatives for the whole batch

    bool everyPosition() const { return !positionTargets.empty(); }
    // Training targets in the batch: one per row, or one per real history position.
    int64_t targetCount() const {
        return everyPosition() ? std::accumulate(lengths.begin(), lengths.end(), int64_t{0}) : size;
    }
};

}  // namespace dimerec
