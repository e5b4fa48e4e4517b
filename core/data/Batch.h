#pragma once

#include <cstdint>
#include <vector>

namespace dimerec {

// A padded training batch in plain memory (the model turns it into tensors).
// Histories are right-aligned: the most recent item sits in the last column and the
// `maxLength - length` leading slots hold the padding id (= number of items).
struct Batch {
    int64_t size = 0;                // rows in this batch
    int64_t maxLength = 0;           // columns of history
    std::vector<int64_t> history;    // size × maxLength, row-major
    std::vector<int64_t> lengths;    // real items per row (1..maxLength)
    std::vector<int64_t> targets;    // next item per row
    std::vector<int64_t> negatives;  // shared sampled-softmax negatives for the whole batch
};

}  // namespace dimerec
