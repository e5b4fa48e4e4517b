#pragma once

#include <cstdint>
#include <vector>

namespace dimerec {

// Beyond-accuracy metrics of recommendation lists. Inputs are plain values: `lists` holds one
// list per user of dense item ids, best first; `n` cuts each list to its top n (n ≤ 0: the
// whole list, e.g. for users' histories); `itemCategories` is Dataset::itemCategories (per
// item its category ids, the first being the primary one). An item id outside the catalogue
// throws std::out_of_range naming the list and position.

// ComiRec's Diversity@N: per list, the share of item pairs whose primary categories differ
// (an item without categories counts as category "unknown"), averaged over lists with at
// least two items; 0 when there are none.
double diversityAtN(const std::vector<std::vector<int32_t>>& lists, int n,
                    const std::vector<std::vector<int32_t>>& itemCategories);

// Mean over lists of the number of distinct categories (every category of every item) in
// the top n.
double distinctCategoriesAtN(const std::vector<std::vector<int32_t>>& lists, int n,
                             const std::vector<std::vector<int32_t>>& itemCategories);

// Intra-list distance: per list, the mean over item pairs of 1 − cos(e_i, e_j) on the given
// embeddings (items × dim, row-major); averaged over lists with at least two items. A zero
// embedding has no direction and counts as orthogonal (distance 1).
double intraListDistance(const std::vector<std::vector<int32_t>>& lists, int n,
                         const std::vector<float>& embeddings, int64_t dim);

// How often each of the numItems items appears in the top n of all lists.
std::vector<int64_t> recommendationCounts(const std::vector<std::vector<int32_t>>& lists, int n,
                                          int32_t numItems);

// Catalogue coverage: the share of the numItems items recommended to at least one list.
double catalogueCoverage(const std::vector<std::vector<int32_t>>& lists, int n, int32_t numItems);

// Gini index of the recommendation counts over the whole catalogue (items never recommended
// count 0): Σᵢ (2i − m − 1) c₍ᵢ₎ / (m Σ c) over the m counts in ascending order, as RecBole's
// GiniIndex. 0 = every item recommended equally often, (m − 1)/m = one item only.
double giniIndex(const std::vector<std::vector<int32_t>>& lists, int n, int32_t numItems);

// The category distribution of the top n of all lists: per category id, its share of all
// (item, category) labels counted; sums to 1 unless no item has a category (all zeros).
std::vector<double> categoryShares(const std::vector<std::vector<int32_t>>& lists, int n,
                                   const std::vector<std::vector<int32_t>>& itemCategories,
                                   int32_t numCategories);

}  // namespace dimerec
