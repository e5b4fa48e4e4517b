#include "data/Dataset.h"

namespace dimerec {

int64_t Dataset::numInteractions() const {
    int64_t total = 0;
    for (const auto& sequence : sequences) total += static_cast<int64_t>(sequence.size());
    return total;
}

int32_t Dataset::primaryCategory(int32_t item) const {
    if (item < 0 || static_cast<size_t>(item) >= itemCategories.size()) return -1;
    const auto& categories = itemCategories[static_cast<size_t>(item)];
    return categories.empty() ? -1 : categories.front();
}

}  // namespace dimerec
