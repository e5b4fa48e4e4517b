#include "data/DatasetStatistics.h"

#include "data/Dataset.h"
#include "data/Splits.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace dimerec {
namespace {

// Share of the total held by the first ⌈fraction·n⌉ entries of a descending list.
double topShare(const std::vector<int64_t>& descending, int64_t total, double fraction) {
    if (descending.empty() || total == 0) return 0.0;
    const auto count = std::max<size_t>(
        1, static_cast<size_t>(std::ceil(fraction * static_cast<double>(descending.size()))));
    const int64_t top = std::accumulate(
        descending.begin(),
        descending.begin() + static_cast<std::ptrdiff_t>(std::min(count, descending.size())),
        int64_t{0});
    return static_cast<double>(top) / static_cast<double>(total);
}

void summarizeLengths(const Dataset& data, DatasetStatistics& stats) {
    if (data.sequences.empty()) return;
    std::vector<int32_t> lengths;
    lengths.reserve(data.sequences.size());
    for (const auto& sequence : data.sequences)
        lengths.push_back(static_cast<int32_t>(sequence.size()));
    std::sort(lengths.begin(), lengths.end());
    stats.minLength = lengths.front();
    stats.maxLength = lengths.back();
    stats.meanLength =
        static_cast<double>(stats.interactions) / static_cast<double>(lengths.size());
    const size_t middle = lengths.size() / 2;
    stats.medianLength =
        lengths.size() % 2 == 1 ? lengths[middle] : (lengths[middle - 1] + lengths[middle]) / 2.0;
    stats.lengthHistogram.assign(static_cast<size_t>(stats.maxLength) + 1, 0);
    for (int32_t length : lengths) ++stats.lengthHistogram[static_cast<size_t>(length)];
}

}  // namespace

DatasetStatistics summarize(const Dataset& data) {
    DatasetStatistics stats;
    stats.name = data.name;
    stats.users = data.numUsers();
    stats.items = data.numItems();
    stats.interactions = data.numInteractions();
    stats.categories = data.numCategories();
    const double cells = static_cast<double>(stats.users) * static_cast<double>(stats.items);
    stats.density = cells > 0.0 ? static_cast<double>(stats.interactions) / cells : 0.0;
    summarizeLengths(data, stats);

    std::vector<int64_t> perItem(static_cast<size_t>(stats.items), 0);
    std::vector<char> seen(static_cast<size_t>(stats.items), 0);
    for (const auto& sequence : data.sequences) {
        for (int32_t item : sequence) {
            ++perItem[static_cast<size_t>(item)];
            if (seen[static_cast<size_t>(item)]) ++stats.repeatInteractions;
            seen[static_cast<size_t>(item)] = 1;
        }
        for (int32_t item : sequence) seen[static_cast<size_t>(item)] = 0;
    }

    stats.categoryNames = data.categoryNames;
    stats.categoryItems.assign(static_cast<size_t>(stats.categories), 0);
    stats.categoryInteractions.assign(static_cast<size_t>(stats.categories), 0);
    int64_t labels = 0;
    for (int32_t item = 0; item < stats.items; ++item) {
        static const std::vector<int32_t> kNone;
        const auto& categories = data.itemCategories.size() > static_cast<size_t>(item)
                                     ? data.itemCategories[static_cast<size_t>(item)]
                                     : kNone;
        if (categories.empty()) ++stats.itemsWithoutCategory;
        labels += static_cast<int64_t>(categories.size());
        for (int32_t category : categories) {
            ++stats.categoryItems[static_cast<size_t>(category)];
            stats.categoryInteractions[static_cast<size_t>(category)] +=
                perItem[static_cast<size_t>(item)];
        }
    }
    stats.meanCategoriesPerItem =
        stats.items > 0 ? static_cast<double>(labels) / static_cast<double>(stats.items) : 0.0;

    stats.singletonItems = static_cast<int32_t>(std::count(perItem.begin(), perItem.end(), 1));
    std::sort(perItem.begin(), perItem.end(), std::greater<>());
    stats.top1PercentShare = topShare(perItem, stats.interactions, 0.01);
    stats.top10PercentShare = topShare(perItem, stats.interactions, 0.10);
    stats.top20PercentShare = topShare(perItem, stats.interactions, 0.20);
    stats.itemPopularity = std::move(perItem);
    return stats;
}

TargetsInHistory testTargetsInHistory(const Splits& splits) {
    TargetsInHistory counts;
    for (const EvalCase& test : splits.test) {
        for (int32_t target : test.targets) {
            ++counts.targets;
            if (std::find(test.history.begin(), test.history.end(), target) != test.history.end())
                ++counts.inHistory;
        }
    }
    return counts;
}

}  // namespace dimerec
