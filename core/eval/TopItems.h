#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace dimerec {

// The k best items of each user, best first, as [B, k] int64 item ids on the CPU.
// scores: [B, I] float on any device.
// excluded: one entry per user, the items that user may not be recommended (its history), or
// nullptr; they rank below every other item, as if scored −∞, and so does a NaN score. Equal
// scores rank the lower item id first. Requires 1 ≤ k ≤ I.
//
// Per user: a floor under the k-th best score (floorOfLargest: the k-th largest of the maxima of
// 2k groups of items, so at least k items reach it), the items that reach it (about 1.3·k for
// scores in random order), and a linear-time selection among those. 5.8 ms for 1,024 users ×
// 3,706 items and k = 50 on one thread here (9.9 ms with the k runs of the earlier floor, 17 ms
// for torch::topk without the exclusion; docs/performance.md).
// Blocks of 64 users are spread over the threads (runSharedBlocks).
//
// With `targetRanks`, targets holds one entry per user (distinct items, or nullptr for none)
// and (*targetRanks)[user] receives each target's 1-based rank in the user's full ranking in
// the same order (the place it would take in a top list of all I items; an excluded target
// ranks below every other item): one pass over the user's scores per target, or a binary
// search per item when a user has several (ComiRec's split). Throws std::invalid_argument for
// a target outside 0..I-1.
torch::Tensor topItems(const torch::Tensor& scores,
                       const std::vector<const std::vector<int32_t>*>& excluded, int k,
                       const std::vector<const std::vector<int32_t>*>& targets = {},
                       std::vector<std::vector<int32_t>>* targetRanks = nullptr);

}  // namespace dimerec
