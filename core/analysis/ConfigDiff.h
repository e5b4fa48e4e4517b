#pragma once

#include <string>
#include <vector>

namespace dimerec {

// One config field whose value is not the same in every compared run.
struct ConfigDifference {
    std::string field;  // dotted path, e.g. "model.lambda"
    std::vector<std::string>
        values;  // per config, compact JSON ("1.0", "\"sa\"", "[10,20]"); "" where absent
};

// The fields that differ among run configs (RunDetails::configJson), sorted by path: what a
// comparison shows instead of the whole config. Objects are descended into; arrays and
// scalars are compared as whole values. A text that is not a JSON object throws
// std::invalid_argument naming its position.
std::vector<ConfigDifference> configDiff(const std::vector<std::string>& configJsons);

}  // namespace dimerec
