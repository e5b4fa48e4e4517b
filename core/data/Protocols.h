#pragma once

namespace dimerec {

struct Dataset;
struct DataConfig;
struct Splits;

// Prepares a dataset under the evaluation protocol named in config.protocol
// (../shared/dimerec-spec.md §4.3, §4.4, §8), deterministically from config.splitSeed:
// - "loo": per user, last item = test target, second-to-last = validation target, the rest
//   trains; users with fewer than 3 items train on everything and get no evaluation case.
// - "comirec": users shuffled and split 8:1:1 (train = first ⌊0.8n⌋, valid = next up to
//   ⌊0.9n⌋); a held-out user's first k = ⌊0.8·len⌋ items are the history, the rest the targets
//   (users whose history would be empty get no case).
// - "dreamrec": sequences shuffled and split 8:1:1 the same way; every position t ≥ 1 of a
//   held-out sequence is one case (items before t → item t), its history cut to the last
//   config.maxLength items (Splits::historyLimit). Position 0, whose history is empty, is
//   left out (DreamRec's release pads it; no model can score an empty history).
// Other histories are full prefixes; models truncate to their maxLength. itemCounts counts
// the training sequences.
Splits makeSplits(const Dataset& data, const DataConfig& config);

}  // namespace dimerec
