#pragma once

#include "config/RunConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// One evaluation case: a history and the item(s) the model should rank highly.
struct EvalCase {
    int32_t user = 0;              // dense user id
    std::vector<int32_t> history;  // oldest first; full prefix unless Splits::historyLimit
    std::vector<int32_t> targets;  // one item (loo, dreamrec) or the held-out rest (comirec)
};

// A dataset prepared under one evaluation protocol (../shared/dimerec-spec.md §4, §8).
struct Splits {
    Protocol protocol = Protocol::Loo;
    int32_t numItems = 0;  // items are 0..numItems-1; numItems is the padding id
    // Training sequences: loo = each user's sequence without its last two items;
    // comirec = whole sequences of the training users; dreamrec = training sequences.
    std::vector<std::vector<int32_t>> trainSequences;
    std::vector<int32_t> trainUsers;  // dense user id of each training sequence (parallel)
    std::vector<EvalCase> valid;
    std::vector<EvalCase> test;
    std::vector<int64_t> itemCounts;  // interactions per item in the training sequences
    // 0: every EvalCase history is the full prefix (models truncate to maxLength). dreamrec
    // makes a case of every position, so full prefixes would grow with the square of the
    // sequence length (ML-1M: ~40 M ids); there each history keeps only its most recent
    // historyLimit (= DataConfig::maxLength) items, which is all a model reads.
    int32_t historyLimit = 0;
};

}  // namespace dimerec
