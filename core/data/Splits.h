#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// One evaluation case: a history and the item(s) the model should rank highly.
struct EvalCase {
    int32_t user = 0;                // dense user id
    std::vector<int32_t> history;    // oldest first, full prefix (models truncate to maxLength)
    std::vector<int32_t> targets;    // one item (loo, dreamrec) or the held-out rest (comirec)
};

// A dataset prepared under one evaluation protocol (../shared/dimerec-spec.md §4, §8).
struct Splits {
    std::string protocol;            // loo | comirec | dreamrec
    int32_t numItems = 0;            // items are 0..numItems-1; numItems is the padding id
    // Training sequences: loo = each user's sequence without its last two items;
    // comirec = whole sequences of the training users; dreamrec = training sequences.
    std::vector<std::vector<int32_t>> trainSequences;
    std::vector<int32_t> trainUsers; // dense user id of each training sequence (parallel)
    std::vector<EvalCase> valid;
    std::vector<EvalCase> test;
    std::vector<int64_t> itemCounts; // interactions per item in the training sequences
};

}  // namespace dimerec
