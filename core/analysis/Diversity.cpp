#include "analysis/Diversity.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dimerec {

namespace {

// The top n of one list (n ≤ 0: all of it), every id checked against the catalogue size.
std::vector<int32_t> topItems(const std::vector<std::vector<int32_t>>& lists, size_t list, int n,
                              size_t numItems, const char* metric) {
    const std::vector<int32_t>& items = lists[list];
    const size_t count = n <= 0 ? items.size() : std::min(items.size(), static_cast<size_t>(n));
    for (size_t k = 0; k < count; ++k) {
        if (items[k] < 0 || static_cast<size_t>(items[k]) >= numItems) {
            throw std::out_of_range(std::string(metric) + ": list " + std::to_string(list) +
                                    ", position " + std::to_string(k) + ": item " +
                                    std::to_string(items[k]) + " is outside the catalogue of " +
                                    std::to_string(numItems) + " items");
        }
    }
    return std::vector<int32_t>(items.begin(), items.begin() + static_cast<ptrdiff_t>(count));
}

}  // namespace

std::vector<double> categoryShares(const std::vector<std::vector<int32_t>>& lists, int n,
                                   const std::vector<std::vector<int32_t>>& itemCategories,
                                   int32_t numCategories) {
    std::vector<double> shares(static_cast<size_t>(std::max(numCategories, 0)), 0.0);
    double total = 0.0;
    for (size_t l = 0; l < lists.size(); ++l) {
        for (int32_t item : topItems(lists, l, n, itemCategories.size(), "categoryShares")) {
            for (int32_t category : itemCategories[static_cast<size_t>(item)]) {
                if (category < 0 || category >= numCategories) {
                    throw std::out_of_range("categoryShares: item " + std::to_string(item) +
                                            " has category " + std::to_string(category) +
                                            ", outside the " + std::to_string(numCategories) +
                                            " categories");
                }
                shares[static_cast<size_t>(category)] += 1.0;
                total += 1.0;
            }
        }
    }
    if (total > 0.0) {
        for (double& share : shares) {
            share /= total;
        }
    }
    return shares;
}

}  // namespace dimerec
