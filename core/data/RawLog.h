#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace dimerec {

// One interaction as read from a file, before filtering and re-indexing.
struct RawInteraction {
    int32_t user = 0;       // index into RawLog::userIds
    int32_t item = 0;       // index into RawLog::itemIds
    int64_t timestamp = 0;  // seconds (or the file's order when there is no time column)
    float rating = 0.0f;    // explicit rating; 0 when the file has none
};

// Side information about one original item id.
struct RawItemInfo {
    std::string title;                    // display title ("" when unknown)
    std::vector<std::string> categories;  // category names, first one is the primary
};

// Everything an importer read from its files; turned into a Dataset by preprocess().
struct RawLog {
    std::string name;                                    // display name of the dataset
    std::string source;                                  // file path(s) or "embedded:..."
    std::vector<std::string> userIds;                    // original user ids, first seen first
    std::vector<std::string> itemIds;                    // original item ids, first seen first
    std::vector<RawInteraction> rows;                    // in file order
    std::unordered_map<std::string, RawItemInfo> items;  // keyed by original item id
    bool hasTimestamps = false;                          // rows carry real times
    bool hasRatings = false;                             // rows carry real ratings
    int64_t skippedLines = 0;                            // malformed lines skipped on request
    std::string firstSkipped;                            // the first skipped line's error
};

}  // namespace dimerec
