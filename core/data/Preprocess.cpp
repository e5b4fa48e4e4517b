#include "data/Preprocess.h"

#include "config/ConfigFields.h"
#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/RawLog.h"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace dimerec {
namespace {

// Marks rows to keep under the rating threshold and the iterative k-core rule.
std::vector<char> selectRows(const RawLog& log, const DataConfig& config) {
    std::vector<char> keep(log.rows.size(), 1);
    if (config.minRating > 0.0f) {
        for (size_t i = 0; i < log.rows.size(); ++i) {
            keep[i] = log.rows[i].rating >= config.minRating;
        }
    }
    if (config.userCore <= 0 && config.itemCore <= 0) return keep;
    std::vector<int64_t> userCount(log.userIds.size()), itemCount(log.itemIds.size());
    bool changed = true;
    while (changed) {
        changed = false;
        std::fill(userCount.begin(), userCount.end(), 0);
        std::fill(itemCount.begin(), itemCount.end(), 0);
        for (size_t i = 0; i < log.rows.size(); ++i) {
            if (!keep[i]) continue;
            ++userCount[static_cast<size_t>(log.rows[i].user)];
            ++itemCount[static_cast<size_t>(log.rows[i].item)];
        }
        for (size_t i = 0; i < log.rows.size(); ++i) {
            if (!keep[i]) continue;
            if (userCount[static_cast<size_t>(log.rows[i].user)] < config.userCore ||
                itemCount[static_cast<size_t>(log.rows[i].item)] < config.itemCore) {
                keep[i] = 0;
                changed = true;
            }
        }
    }
    return keep;
}

}  // namespace

Dataset preprocess(const RawLog& log, const DataConfig& config) {
    if (config.userCore < 0 || config.itemCore < 0) {
        throw std::invalid_argument("preprocess: k-core values must be >= 0");
    }
    const std::vector<char> keep = selectRows(log, config);

    Dataset data;
    data.name = log.name;
    data.source = log.source;
    data.skippedLines = log.skippedLines;
    data.firstSkipped = log.firstSkipped;
    // Raw index -> dense index (-1 until the first kept row), so that dense ids follow the
    // order of first appearance among the kept rows.
    std::vector<int32_t> userIndex(log.userIds.size(), -1), itemIndex(log.itemIds.size(), -1);
    std::vector<std::vector<size_t>> rowsOfUser;
    for (size_t i = 0; i < log.rows.size(); ++i) {
        if (!keep[i]) continue;
        const RawInteraction& row = log.rows[i];
        int32_t& user = userIndex[static_cast<size_t>(row.user)];
        if (user < 0) {
            user = data.numUsers();
            data.userIds.push_back(log.userIds[static_cast<size_t>(row.user)]);
            data.sequences.emplace_back();
            rowsOfUser.emplace_back();
        }
        rowsOfUser[static_cast<size_t>(user)].push_back(i);
        int32_t& item = itemIndex[static_cast<size_t>(row.item)];
        if (item < 0) {
            item = data.numItems();
            data.itemIds.push_back(log.itemIds[static_cast<size_t>(row.item)]);
        }
    }
    if (data.userIds.empty()) {
        throw std::runtime_error("dataset '" + log.name + "': no interactions left after " +
                                 preprocessingKey(config));
    }

    data.timestamps.resize(log.hasTimestamps ? data.sequences.size() : 0);
    for (size_t user = 0; user < rowsOfUser.size(); ++user) {
        auto& rows = rowsOfUser[user];
        std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
            return log.rows[a].timestamp < log.rows[b].timestamp;
        });
        data.sequences[user].reserve(rows.size());
        for (size_t row : rows) {
            data.sequences[user].push_back(itemIndex[static_cast<size_t>(log.rows[row].item)]);
            if (log.hasTimestamps) data.timestamps[user].push_back(log.rows[row].timestamp);
        }
    }

    std::unordered_map<std::string, int32_t> categoryIndex;
    data.itemTitles.resize(data.itemIds.size());
    data.itemCategories.resize(data.itemIds.size());
    for (size_t item = 0; item < data.itemIds.size(); ++item) {
        auto info = log.items.find(data.itemIds[item]);
        if (info == log.items.end()) continue;
        data.itemTitles[item] = info->second.title;
        for (const std::string& name : info->second.categories) {
            auto [it, added] = categoryIndex.try_emplace(name, data.numCategories());
            if (added) data.categoryNames.push_back(name);
            data.itemCategories[item].push_back(it->second);
        }
    }
    return data;
}

std::string preprocessingKey(const DataConfig& config) {
    RunConfig run;
    run.data = config;
    std::ostringstream out;
    const char* separator = "";
    for (const FieldDescriptor& field : runConfigFields()) {
        if (!field.has(kPreprocessing)) continue;
        const nlohmann::json value = field.get(run);
        if (field.has(kAddedAfterHashV1) && value == field.hashNeutral) continue;
        out << separator << field.key.substr(field.key.find('.') + 1) << '=';
        if (value.is_number_float()) {
            out << value.get<double>();
        } else if (value.is_number_unsigned()) {
            out << value.get<uint64_t>();
        } else if (value.is_number_integer()) {
            out << value.get<int64_t>();
        } else if (value.is_string()) {
            out << value.get<std::string>();
        } else {
            out << value.dump();
        }
        separator = ";";
    }
    return out.str();
}

}  // namespace dimerec
