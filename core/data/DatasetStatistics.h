#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

struct Dataset;
struct Splits;

// Summary numbers and distributions of a dataset, shown in the views and printed by
// `dimerec data stats`. The vectors are plain values ready for plotting.
struct DatasetStatistics {
    std::string name;          // dataset display name
    int32_t users = 0;         // users with at least one interaction
    int32_t items = 0;         // items with at least one interaction
    int64_t interactions = 0;  // total interactions
    int32_t categories = 0;    // distinct item categories
    double density = 0.0;      // interactions / (users × items)

    int32_t minLength = 0;      // shortest user sequence
    int32_t maxLength = 0;      // longest user sequence
    double meanLength = 0.0;    // mean sequence length
    double medianLength = 0.0;  // median sequence length (mean of the middle two if even)
    // lengthHistogram[L] = users whose sequence has exactly L items (L = 0..maxLength).
    std::vector<int64_t> lengthHistogram;
    int64_t repeatInteractions = 0;  // interactions with an item the user had already met

    // Interactions per item, most popular first (the long-tail curve).
    std::vector<int64_t> itemPopularity;
    // Share of all interactions that fall on the most popular 1 %, 10 % and 20 % of items.
    double top1PercentShare = 0.0;
    double top10PercentShare = 0.0;
    double top20PercentShare = 0.0;
    int32_t singletonItems = 0;  // items met exactly once

    // Per category, in the dataset's category id order (names in categoryNames).
    std::vector<std::string> categoryNames;
    std::vector<int64_t> categoryItems;         // items listing the category
    std::vector<int64_t> categoryInteractions;  // interactions with those items
    int32_t itemsWithoutCategory = 0;           // items with no category at all
    double meanCategoriesPerItem = 0.0;         // labels per item, over all items
};

DatasetStatistics summarize(const Dataset& data);

// Test targets that occur in their own case's history: with eval.excludeHistory (the default)
// the ranking masks the history, so these targets cannot be hit (issue 19; Yelp leave-one-out:
// about 6.6 %, ML-1M: none).
struct TargetsInHistory {
    int64_t targets = 0;    // test targets (one per case, or the held-out rest under comirec)
    int64_t inHistory = 0;  // of them, items of the case's history
    double share() const {
        return targets > 0 ? static_cast<double>(inHistory) / static_cast<double>(targets) : 0.0;
    }
};

TargetsInHistory testTargetsInHistory(const Splits& splits);

}  // namespace dimerec
