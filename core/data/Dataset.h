#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// One imported dataset: every user's chronological item sequence over dense ids, with the
// original ids kept for display and the items' categories. Produced by the importers,
// consumed by protocols, samplers, statistics and the views.
struct Dataset {
    std::string name;                              // display name, e.g. "MovieLens latest-small"
    std::string source;                            // where it came from (path or "embedded:...")
    std::string fingerprint;                       // hash of input bytes + preprocessing options
    std::vector<std::string> userIds;              // original id of each dense user
    std::vector<std::string> itemIds;              // original id of each dense item
    std::vector<std::string> itemTitles;           // title per item ("" when unknown)
    std::vector<std::vector<int32_t>> sequences;   // per user, dense item ids, oldest first
    std::vector<std::vector<int64_t>> timestamps;  // per user, parallel to sequences; may be empty
    std::vector<std::string> categoryNames;        // dense category id -> name
    std::vector<std::vector<int32_t>> itemCategories;  // per item, dense category ids (multi-label)
    int64_t skippedLines = 0;                          // malformed input lines skipped on request
    std::string firstSkipped;  // the first skipped line's error ("" if none)

    int32_t numUsers() const { return static_cast<int32_t>(sequences.size()); }
    int32_t numItems() const { return static_cast<int32_t>(itemIds.size()); }
    int32_t numCategories() const { return static_cast<int32_t>(categoryNames.size()); }
    int64_t numInteractions() const;
    // The first listed category of an item, used for colouring; -1 when it has none.
    int32_t primaryCategory(int32_t item) const;
};

}  // namespace dimerec
