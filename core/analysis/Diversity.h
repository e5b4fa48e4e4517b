#pragma once

#include <cstdint>
#include <vector>

namespace dimerec {

// Beyond-accuracy analyses of recommendation lists that the evaluator does not compute
// (Diversity@N, distinct categories, intra-list distance, coverage and Gini are the Evaluator's
// and RankingMetrics' job). Inputs are plain
// values: `lists` holds one list per user of dense item ids, best first; `n` cuts each list to its
// top n (n ≤ 0: the whole list, e.g. for users' histories); `itemCategories` is
// Dataset::itemCategories (per item its category ids, the first being the primary one). An item id
// outside the catalogue throws std::out_of_range naming the list and position.

// The category distribution of the top n of all lists: per category id, its share of all
// (item, category) labels counted; sums to 1 unless no item has a category (all zeros).
std::vector<double> categoryShares(const std::vector<std::vector<int32_t>>& lists, int n,
                                   const std::vector<std::vector<int32_t>>& itemCategories,
                                   int32_t numCategories);

}  // namespace dimerec
