#include "data/DatasetStatistics.h"

#include "data/Dataset.h"

namespace dimerec {

DatasetStatistics summarize(const Dataset& data) {
    DatasetStatistics stats;
    stats.name = data.name;
    stats.users = data.numUsers();
    stats.items = data.numItems();
    stats.interactions = data.numInteractions();
    stats.categories = data.numCategories();
    const double cells = static_cast<double>(stats.users) * static_cast<double>(stats.items);
    stats.density = cells > 0.0 ? static_cast<double>(stats.interactions) / cells : 0.0;
    return stats;
}

}  // namespace dimerec
