#pragma once

#include "analysis/UserComparison.h"
#include "data/Splits.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

// A metric by how long the test users' histories are: do the models differ more for users
// with long, varied histories (where one denoised vector may lose what K interests keep) than
// for short ones? Users are grouped by the number of items before their test target: the whole
// prefix, not the model's window of data.maxLength.
struct HistoryLengthBuckets {
    std::vector<int64_t> lowest;      // each bucket's shortest history; the last is open
    std::vector<std::string> labels;  // "1-4", "5-9", "50+"
    std::vector<int64_t> users;       // test users per bucket
    std::map<int32_t, size_t> bucketOfUser;
};

// The buckets of `test` cut at `edges` (ascending lengths > 1; 5, 10, 20, 50 give 1-4, 5-9,
// 10-19, 20-49, 50+), empty buckets left out. Needs one case per user (leave-one-out, ComiRec's
// split); throws std::invalid_argument for a split with several (DreamRec's: each position of
// a test sequence is a case, so a user has no one history length) or edges that do not
// ascend.
HistoryLengthBuckets historyLengthBuckets(const std::vector<EvalCase>& test,
                                          const std::vector<int64_t>& edges);

// The mean of per-user values over each bucket's users that `values` has (a run's test users);
// std::nullopt for a bucket none of whose users it has.
std::vector<std::optional<double>> bucketMeans(const UserValues& values,
                                               const HistoryLengthBuckets& buckets);

}  // namespace dimerec
