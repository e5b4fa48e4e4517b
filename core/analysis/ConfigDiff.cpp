#include "analysis/ConfigDiff.h"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>

namespace dimerec {

namespace {

using nlohmann::json;

// Leaves of `value` by dotted path; arrays count as leaves.
void collectLeaves(const json& value, const std::string& path,
                   std::map<std::string, json>& leaves) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, child] : value.items()) {
            collectLeaves(child, path.empty() ? key : path + "." + key, leaves);
        }
        return;
    }
    leaves[path] = value;
}

}  // namespace

std::vector<ConfigDifference> configDiff(const std::vector<std::string>& configJsons) {
    std::vector<std::map<std::string, json>> leaves(configJsons.size());
    std::map<std::string, bool> fields;  // every path seen, sorted
    for (size_t i = 0; i < configJsons.size(); ++i) {
        json config;
        try {
            config = json::parse(configJsons[i]);
        } catch (const json::parse_error& error) {
            throw std::invalid_argument("config " + std::to_string(i + 1) +
                                        " is not valid JSON: " + error.what());
        }
        if (!config.is_object()) {
            throw std::invalid_argument("config " + std::to_string(i + 1) +
                                        " is not a JSON object");
        }
        collectLeaves(config, "", leaves[i]);
        for (const auto& [path, value] : leaves[i]) {
            fields[path] = true;
        }
    }
    std::vector<ConfigDifference> differences;
    for (const auto& [path, seen] : fields) {
        ConfigDifference difference{path, {}};
        bool differs = false;
        for (size_t i = 0; i < leaves.size(); ++i) {
            const auto found = leaves[i].find(path);
            difference.values.push_back(found == leaves[i].end() ? "" : found->second.dump());
            differs = differs || difference.values[i] != difference.values[0];
        }
        if (differs) {
            differences.push_back(std::move(difference));
        }
    }
    return differences;
}

}  // namespace dimerec
