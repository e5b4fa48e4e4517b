#include "data/Preprocess.h"

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
std::vector<char> selectRows(const RawLog& log, const PreprocessOptions& options) {
    std::vector<char> keep(log.rows.size(), 1);
    if (options.minRating > 0.0f) {
        for (size_t i = 0; i < log.rows.size(); ++i) {
            keep[i] = log.rows[i].rating >= options.minRating;
        }
    }
    if (options.userCore <= 0 && options.itemCore <= 0) return keep;
    bool changed = true;
    while (changed) {
        changed = false;
        std::unordered_map<std::string_view, int> userCount, itemCount;
        for (size_t i = 0; i < log.rows.size(); ++i) {
            if (!keep[i]) continue;
            ++userCount[log.rows[i].user];
            ++itemCount[log.rows[i].item];
        }
        for (size_t i = 0; i < log.rows.size(); ++i) {
            if (!keep[i]) continue;
            if (userCount[log.rows[i].user] < options.userCore ||
                itemCount[log.rows[i].item] < options.itemCore) {
                keep[i] = 0;
                changed = true;
            }
        }
    }
    return keep;
}

}  // namespace

Dataset preprocess(const RawLog& log, const PreprocessOptions& options) {
    if (options.userCore < 0 || options.itemCore < 0) {
        throw std::invalid_argument("preprocess: k-core values must be >= 0");
    }
    const std::vector<char> keep = selectRows(log, options);

    Dataset data;
    data.name = log.name;
    data.source = log.source;
    data.skippedLines = log.skippedLines;
    data.firstSkipped = log.firstSkipped;
    std::unordered_map<std::string_view, int32_t> userIndex, itemIndex;
    std::vector<std::vector<size_t>> rowsOfUser;
    std::vector<int32_t> itemOfRow(log.rows.size(), -1);
    for (size_t i = 0; i < log.rows.size(); ++i) {
        if (!keep[i]) continue;
        const RawInteraction& row = log.rows[i];
        auto [userIt, newUser] = userIndex.try_emplace(row.user, data.numUsers());
        if (newUser) {
            data.userIds.push_back(row.user);
            data.sequences.emplace_back();
            rowsOfUser.emplace_back();
        }
        rowsOfUser[static_cast<size_t>(userIt->second)].push_back(i);
        auto [itemIt, newItem] = itemIndex.try_emplace(row.item, data.numItems());
        if (newItem) data.itemIds.push_back(row.item);
        itemOfRow[i] = itemIt->second;
    }
    if (data.userIds.empty()) {
        throw std::runtime_error("dataset '" + log.name + "': no interactions left after " +
                                 describe(options));
    }

    data.timestamps.resize(log.hasTimestamps ? data.sequences.size() : 0);
    for (size_t user = 0; user < rowsOfUser.size(); ++user) {
        auto& rows = rowsOfUser[user];
        std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
            return log.rows[a].timestamp < log.rows[b].timestamp;
        });
        data.sequences[user].reserve(rows.size());
        for (size_t row : rows) {
            data.sequences[user].push_back(itemOfRow[row]);
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

std::string describe(const PreprocessOptions& options) {
    std::ostringstream out;
    out << "minRating=" << options.minRating << ";userCore=" << options.userCore
        << ";itemCore=" << options.itemCore;
    return out.str();
}

}  // namespace dimerec
