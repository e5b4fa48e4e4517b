#pragma once

#include <cstdint>
#include <string>

namespace dimerec {

struct Dataset;

// Summary numbers of a dataset, shown in the views and printed by `dimerec data stats`.
struct DatasetStatistics {
    std::string name;          // dataset display name
    int32_t users = 0;         // users with at least one interaction
    int32_t items = 0;         // items with at least one interaction
    int64_t interactions = 0;  // total interactions
    int32_t categories = 0;    // distinct item categories
    double density = 0.0;      // interactions / (users × items)
};

DatasetStatistics summarize(const Dataset& data);

}  // namespace dimerec
