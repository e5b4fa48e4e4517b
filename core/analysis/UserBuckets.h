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

// A per-user metric by groups of test users: where do models differ? Two groupings:
// - history length: the number of items before the user's test target (the whole prefix, not
//   the model's window of data.maxLength). Do the models differ more for users with long,
//   varied histories (where one denoised vector may lose what K interests keep)?
// - target popularity: how often the test target occurs in the training sequences. Does a
//   model lose on the long tail (cold and rare targets) or on the head?
enum class UserGrouping { HistoryLength, TargetPopularity };

struct UserBuckets {
    std::string title;                // what the buckets measure, the x axis of a figure
    std::vector<int64_t> lowest;      // each bucket's smallest value; the last is open
    std::vector<std::string> labels;  // "1-4", "5-9", "50+"
    std::vector<int64_t> users;       // test users per bucket
    std::map<int32_t, size_t> bucketOfUser;
};

// Where the buckets start unless told: history length 5, 10, 20, 50 (1-4, 5-9, 10-19, 20-49,
// 50+); target popularity 10, 100, 1000 (0-9, 10-99, 100-999, 1000+).
std::vector<int64_t> defaultEdges(UserGrouping grouping);

// The buckets of `test` by history length cut at `edges` (ascending, the first above 1),
// empty buckets left out. Needs one case per user (leave-one-out, ComiRec's split); throws
// std::invalid_argument for a split with several (DreamRec's: each position of a test sequence
// is a case, so a user has no one history length) or edges that do not ascend.
UserBuckets historyLengthBuckets(const std::vector<EvalCase>& test,
                                 const std::vector<int64_t>& edges);

// The buckets of `test` by how often its target occurs in training (`itemCounts`, per item),
// cut at `edges` (ascending, the first above 0; the first bucket starts at 0, never-seen
// targets). Needs one case per user with one target (leave-one-out); throws
// std::invalid_argument otherwise (ComiRec's split holds out several targets per user) or for
// edges that do not ascend.
UserBuckets targetPopularityBuckets(const std::vector<EvalCase>& test,
                                    const std::vector<int64_t>& itemCounts,
                                    const std::vector<int64_t>& edges);

// The mean of per-user values over each bucket's users that `values` has (a run's test users);
// std::nullopt for a bucket none of whose users it has.
std::vector<std::optional<double>> bucketMeans(const UserValues& values,
                                               const UserBuckets& buckets);

// A bucket's label with its users, as figures and tables head it: "1-4 (7162)".
std::string bucketLabel(const UserBuckets& buckets, size_t bucket);

// The buckets of the test users the runs were evaluated on (`edges` empty: defaultEdges): each
// run config's dataset loaded
// and split once per distinct data config (data.maxLength, e.g. SASRec+'s 200, changes neither
// the users, their histories nor the training counts, so such runs join the others). Throws
// std::invalid_argument when runs differ in their test users or buckets (another dataset or
// split: one dataset per figure), and as the bucket functions above do.
UserBuckets testUserBuckets(const RunStore& store, const std::vector<int64_t>& runs,
                            UserGrouping grouping, const std::vector<int64_t>& edges);

// `metric` (a per-user metric: hr, recall, ndcg or mrr @K) by bucket: x the buckets, labelled
// with their users ("1-4 (7162)") and titled by the buckets, one series per entry in order,
// labelled as the entry, each cell the mean ± std over the entry's runs of the bucket's mean
// over its users, from the runs' per-user test ranks (ComparisonEntry::ranks). An entry missing
// some run's ranks is left out, its label appended to `leftOut`. Throws std::invalid_argument
// for a metric that is not per user.
MetricGrid userBucketGrid(const std::vector<ComparisonEntry>& entries, const UserBuckets& buckets,
                          const std::string& metric, std::vector<std::string>* leftOut = nullptr);

// userBucketGrid's cells tested against the series of entry `baseline` (an index into
// `entries`), as `dimerec export table --by … --significance` tests them: in each bucket, every
// other series' bucketEntries paired over the bucket's users (buildComparisonTable), the
// p-values Holm-corrected across the series; y-major as MetricGrid::cells. std::nullopt for
// the baseline's cells and those that could not be tested; all of them when the baseline
// entry has no per-user ranks.
std::vector<std::optional<double>> userBucketPValues(const std::vector<ComparisonEntry>& entries,
                                                     const UserBuckets& buckets,
                                                     const std::string& metric, size_t baseline);
// The cells whose p-value there is below 0.05, as MetricGrid::marked: the daggers of `dimerec
// export plot --reference` and of the workbench's user-group tabs.
std::vector<bool> userBucketMarks(const std::vector<ComparisonEntry>& entries,
                                  const UserBuckets& buckets, const std::string& metric,
                                  size_t baseline);

// The entries as one bucket sees them, for a comparison table of it (analysis/RunTable.h): each
// run's test `metric` becomes its mean over the bucket's users and its per-user ranks only
// theirs, so that buildComparisonTable's means, deltas and per-user tests are the bucket's;
// other metrics, ranks and readouts are dropped. Throws std::invalid_argument for an entry
// without per-user test ranks (naming it) or a metric that is not per user.
std::vector<ComparisonEntry> bucketEntries(const std::vector<ComparisonEntry>& entries,
                                           const UserBuckets& buckets, size_t bucket,
                                           const std::string& metric);

}  // namespace dimerec
