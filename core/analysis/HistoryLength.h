#pragma once

#include "analysis/Comparison.h"
#include "analysis/StudyGrid.h"
#include "analysis/UserComparison.h"
#include "data/Splits.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;

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

// The buckets of the test users the runs were evaluated on: each run config's dataset loaded
// and split once per distinct data config (data.maxLength, e.g. SASRec+'s 200, does not change
// the users or their histories, so such runs join the others). Throws std::invalid_argument
// when runs differ in their test users or histories (another dataset or split: one dataset
// per figure), and as historyLengthBuckets does.
HistoryLengthBuckets testHistoryBuckets(const RunStore& store, const std::vector<int64_t>& runs,
                                        const std::vector<int64_t>& edges);

// `metric` (a per-user metric: hr, recall, ndcg or mrr @K) by history length: x the buckets,
// labelled with their users ("1-4 (7162)"), one series per entry in order, labelled as the
// entry, each cell the mean ± std over the entry's runs of the bucket's mean over its users,
// from the runs' per-user test ranks (ComparisonEntry::ranks). An entry missing some run's
// ranks is left out, its label appended to `leftOut`. Throws std::invalid_argument for a
// metric that is not per user.
MetricGrid historyLengthGrid(const std::vector<ComparisonEntry>& entries,
                             const HistoryLengthBuckets& buckets, const std::string& metric,
                             std::vector<std::string>* leftOut = nullptr);

}  // namespace dimerec
