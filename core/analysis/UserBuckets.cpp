#include "analysis/UserBuckets.h"

#include "analysis/Aggregate.h"
#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/Protocols.h"
#include "store/RunStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace dimerec {

namespace {

// Buckets of users by one value each (`valueOfUser`), cut at `edges` (ascending, the first
// above `floor`, the smallest value there can be); `what` names the value in errors.
UserBuckets bucketUsers(const std::map<int32_t, int64_t>& valueOfUser,
                        const std::vector<int64_t>& edges, int64_t floor, const std::string& what,
                        std::string title) {
    std::vector<int64_t> bounds{floor};
    for (int64_t edge : edges) {
        if (edge <= bounds.back()) {
            throw std::invalid_argument(what + " edges must ascend, the first above " +
                                        std::to_string(floor) + " (got " + std::to_string(edge) +
                                        " after " + std::to_string(bounds.back()) + ")");
        }
        bounds.push_back(edge);
    }
    std::vector<int64_t> counts(bounds.size(), 0);
    std::map<int32_t, size_t> bucketOfUser;
    for (const auto& [user, value] : valueOfUser) {
        size_t bucket = bounds.size() - 1;
        while (bucket > 0 && value < bounds[bucket]) --bucket;
        bucketOfUser.emplace(user, bucket);
        ++counts[bucket];
    }
    UserBuckets buckets;
    buckets.title = std::move(title);
    std::vector<size_t> kept(bounds.size(), 0);
    for (size_t b = 0; b < bounds.size(); ++b) {
        if (counts[b] == 0) continue;
        kept[b] = buckets.lowest.size();
        const int64_t low = bounds[b];
        buckets.lowest.push_back(low);
        const int64_t high = b + 1 == bounds.size() ? -1 : bounds[b + 1] - 1;
        buckets.labels.push_back(high < 0      ? std::to_string(low) + "+"
                                 : high == low ? std::to_string(low)
                                               : std::to_string(low) + "-" + std::to_string(high));
        buckets.users.push_back(counts[b]);
    }
    for (const auto& [user, bucket] : bucketOfUser)
        buckets.bucketOfUser.emplace(user, kept[bucket]);
    return buckets;
}

// Each test case's user once; a user with several cases has no one value.
void requireOneCasePerUser(const std::map<int32_t, int64_t>& valueOfUser, const EvalCase& c,
                           const std::string& what) {
    if (valueOfUser.count(c.user) > 0) {
        throw std::invalid_argument("user " + std::to_string(c.user) +
                                    " has several test cases (DreamRec's split makes one of every "
                                    "position), so users have no one " +
                                    what + "; use leave-one-out");
    }
}

void requirePerUserMetric(const std::string& metric) {
    if (!isPerUserMetric(metric)) {
        throw std::invalid_argument("metric " + metric +
                                    ": a figure or table by user groups needs a metric of the "
                                    "per-user ranks (hr@K, recall@K, ndcg@K or mrr@K)");
    }
}

// Whether every run of the entry has its per-user test ranks (what the bucket figures need).
bool hasRanks(const ComparisonEntry& entry) {
    return entry.ranks.size() == entry.runs.size() &&
           std::all_of(entry.ranks.begin(), entry.ranks.end(), [](const auto& r) { return r; });
}

}  // namespace

std::vector<int64_t> defaultEdges(UserGrouping grouping) {
    return grouping == UserGrouping::HistoryLength ? std::vector<int64_t>{5, 10, 20, 50}
                                                   : std::vector<int64_t>{10, 100, 1000};
}

UserBuckets historyLengthBuckets(const std::vector<EvalCase>& test,
                                 const std::vector<int64_t>& edges) {
    std::map<int32_t, int64_t> length;
    for (const EvalCase& c : test) {
        requireOneCasePerUser(length, c, "history length");
        length.emplace(c.user, static_cast<int64_t>(c.history.size()));
    }
    // The first bucket starts at 1, the shortest history under leave-one-out.
    return bucketUsers(length, edges, 1, "history-length", "items before the test target");
}

UserBuckets targetPopularityBuckets(const std::vector<EvalCase>& test,
                                    const std::vector<int64_t>& itemCounts,
                                    const std::vector<int64_t>& edges) {
    std::map<int32_t, int64_t> popularity;
    for (const EvalCase& c : test) {
        requireOneCasePerUser(popularity, c, "test target");
        if (c.targets.size() != 1) {
            throw std::invalid_argument(
                "user " + std::to_string(c.user) + " has " + std::to_string(c.targets.size()) +
                " test targets (ComiRec's split holds out the rest of a sequence), so no one "
                "target popularity; use leave-one-out");
        }
        const int32_t item = c.targets.front();
        popularity.emplace(c.user, item >= 0 && static_cast<size_t>(item) < itemCounts.size()
                                       ? itemCounts[static_cast<size_t>(item)]
                                       : 0);
    }
    return bucketUsers(popularity, edges, 0, "target-popularity",
                       "training interactions of the test target");
}

std::vector<std::optional<double>> bucketMeans(const UserValues& values,
                                               const UserBuckets& buckets) {
    std::vector<double> sums(buckets.lowest.size(), 0.0);
    std::vector<int64_t> counts(buckets.lowest.size(), 0);
    for (size_t i = 0; i < values.users.size(); ++i) {
        const auto found = buckets.bucketOfUser.find(values.users[i]);
        if (found == buckets.bucketOfUser.end()) continue;
        sums[found->second] += values.values[i];
        ++counts[found->second];
    }
    std::vector<std::optional<double>> means(sums.size());
    for (size_t b = 0; b < sums.size(); ++b) {
        if (counts[b] > 0) means[b] = sums[b] / static_cast<double>(counts[b]);
    }
    return means;
}

std::string bucketLabel(const UserBuckets& buckets, size_t bucket) {
    return buckets.labels.at(bucket) + " (" + std::to_string(buckets.users.at(bucket)) + ")";
}

UserBuckets testUserBuckets(const RunStore& store, const std::vector<int64_t>& runs,
                            UserGrouping grouping, const std::vector<int64_t>& edges) {
    if (runs.empty()) throw std::invalid_argument("user groups: no runs");
    const std::vector<int64_t>& cuts = edges.empty() ? defaultEdges(grouping) : edges;
    std::map<std::string, UserBuckets> bucketsOf;  // data config → its buckets
    std::optional<UserBuckets> buckets;
    for (const int64_t run : runs) {
        const RunConfig config =
            runConfigFromJson(nlohmann::json::parse(store.run(run).configJson));
        const std::string key = toJson(config).at("data").dump();
        auto cached = bucketsOf.find(key);
        if (cached == bucketsOf.end()) {
            const Splits splits = makeSplits(loadDataset(config.data), config.data);
            cached = bucketsOf
                         .emplace(key, grouping == UserGrouping::HistoryLength
                                           ? historyLengthBuckets(splits.test, cuts)
                                           : targetPopularityBuckets(splits.test, splits.itemCounts,
                                                                     cuts))
                         .first;
        }
        if (!buckets) buckets = cached->second;
        if (cached->second.bucketOfUser != buckets->bucketOfUser) {
            throw std::invalid_argument("run " + std::to_string(run) + " has other test users " +
                                        "or buckets than run " + std::to_string(runs.front()) +
                                        " (another dataset or split): one dataset per figure");
        }
    }
    if (buckets->labels.empty()) {
        throw std::invalid_argument("run " + std::to_string(runs.front()) +
                                    " was evaluated on no test users: no groups to draw");
    }
    return *buckets;
}

MetricGrid userBucketGrid(const std::vector<ComparisonEntry>& entries, const UserBuckets& buckets,
                          const std::string& metric, std::vector<std::string>* leftOut) {
    requirePerUserMetric(metric);
    MetricGrid grid;
    grid.x.field = buckets.title;
    for (size_t b = 0; b < buckets.labels.size(); ++b) {
        grid.x.values.push_back(FieldValue::category(bucketLabel(buckets, b)));
    }
    grid.y.field = "run";
    for (const ComparisonEntry& entry : entries) {
        if (!hasRanks(entry)) {
            if (leftOut != nullptr) leftOut->push_back(entry.label);
            continue;
        }
        std::vector<std::vector<double>> perBucket(buckets.labels.size());
        for (const auto& ranks : entry.ranks) {
            const std::vector<std::optional<double>> means =
                bucketMeans(*userValues(*ranks, metric), buckets);
            for (size_t b = 0; b < means.size(); ++b)
                if (means[b]) perBucket[b].push_back(*means[b]);
        }
        grid.y.values.push_back(FieldValue::category(entry.label));
        for (const std::vector<double>& values : perBucket) grid.cells.push_back(aggregate(values));
    }
    return grid;
}

std::vector<std::optional<double>> userBucketPValues(const std::vector<ComparisonEntry>& entries,
                                                     const UserBuckets& buckets,
                                                     const std::string& metric, size_t baseline) {
    std::vector<ComparisonEntry> ranked;
    std::optional<size_t> baselineRow;
    for (size_t e = 0; e < entries.size(); ++e) {
        if (!hasRanks(entries[e])) continue;
        if (e == baseline) baselineRow = ranked.size();
        ranked.push_back(entries[e]);
    }
    const size_t columns = buckets.labels.size();
    std::vector<std::optional<double>> pValues(ranked.size() * columns);
    if (!baselineRow) return pValues;
    ComparisonRequest request;
    request.metrics = {metric};
    request.baseline = baselineRow;
    for (size_t b = 0; b < columns; ++b) {
        const ResultTable table =
            buildComparisonTable(bucketEntries(ranked, buckets, b, metric), request);
        for (size_t row = 0; row < ranked.size(); ++row)
            pValues[row * columns + b] = table.cell(row, 0).pValue;
    }
    return pValues;
}

std::vector<bool> userBucketMarks(const std::vector<ComparisonEntry>& entries,
                                  const UserBuckets& buckets, const std::string& metric,
                                  size_t baseline) {
    std::vector<bool> marks;
    for (const std::optional<double>& p : userBucketPValues(entries, buckets, metric, baseline))
        marks.push_back(p && *p < 0.05);
    return marks;
}

std::vector<ComparisonEntry> bucketEntries(const std::vector<ComparisonEntry>& entries,
                                           const UserBuckets& buckets, size_t bucket,
                                           const std::string& metric) {
    requirePerUserMetric(metric);
    std::vector<ComparisonEntry> out;
    for (const ComparisonEntry& entry : entries) {
        ComparisonEntry view{entry.label, {}, entry.excludeHistory};
        view.datasetFingerprint = entry.datasetFingerprint;
        for (size_t r = 0; r < entry.runs.size(); ++r) {
            const std::shared_ptr<const TargetRanks> ranks =
                r < entry.ranks.size() ? entry.ranks[r] : nullptr;
            if (!ranks) {
                throw std::invalid_argument("'" + entry.label + "': run " +
                                            std::to_string(entry.runs[r].id) +
                                            " has no per-user test ranks (stored before they "
                                            "were kept, or not evaluated yet)");
            }
            auto mine = std::make_shared<TargetRanks>();
            for (size_t c = 0; c < ranks->cases(); ++c) {
                const auto found = buckets.bucketOfUser.find(ranks->user(c));
                if (found != buckets.bucketOfUser.end() && found->second == bucket)
                    mine->addCase(ranks->user(c), {ranks->ranksBegin(c), ranks->ranksEnd(c)});
            }
            RunSummary run = entry.runs[r];
            run.testMetrics.clear();
            run.validMetrics.clear();
            run.readoutMetrics.clear();
            const std::optional<double> mean =
                bucketMeans(*userValues(*ranks, metric), buckets).at(bucket);
            if (mean) run.testMetrics[metric] = *mean;
            view.runs.push_back(std::move(run));
            view.ranks.push_back(std::move(mine));
        }
        out.push_back(std::move(view));
    }
    return out;
}

}  // namespace dimerec
