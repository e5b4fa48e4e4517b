#include "analysis/HistoryLength.h"

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

HistoryLengthBuckets historyLengthBuckets(const std::vector<EvalCase>& test,
                                          const std::vector<int64_t>& edges) {
    std::vector<int64_t> bounds{0};
    for (int64_t edge : edges) {
        const int64_t floor = bounds.size() == 1 ? 1 : bounds.back();
        if (edge <= floor) {
            throw std::invalid_argument(
                "history-length edges must ascend, the first above 1 (got " + std::to_string(edge) +
                " after " + std::to_string(floor) + ")");
        }
        bounds.push_back(edge);
    }
    std::vector<int64_t> counts(bounds.size(), 0);
    std::map<int32_t, size_t> bucketOfUser;
    for (const EvalCase& c : test) {
        const int64_t length = static_cast<int64_t>(c.history.size());
        size_t bucket = bounds.size() - 1;
        while (bucket > 0 && length < bounds[bucket]) --bucket;
        if (!bucketOfUser.emplace(c.user, bucket).second) {
            throw std::invalid_argument(
                "user " + std::to_string(c.user) +
                " has several test cases (DreamRec's split makes one of every position), so "
                "users have no one history length; use leave-one-out or ComiRec's split");
        }
        ++counts[bucket];
    }
    // The first bucket starts at the shortest history there is (1 under leave-one-out).
    HistoryLengthBuckets buckets;
    std::vector<size_t> kept(bounds.size(), 0);
    for (size_t b = 0; b < bounds.size(); ++b) {
        if (counts[b] == 0) continue;
        kept[b] = buckets.lowest.size();
        const int64_t low = b == 0 ? 1 : bounds[b];
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

std::vector<std::optional<double>> bucketMeans(const UserValues& values,
                                               const HistoryLengthBuckets& buckets) {
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

HistoryLengthBuckets testHistoryBuckets(const RunStore& store, const std::vector<int64_t>& runs,
                                        const std::vector<int64_t>& edges) {
    if (runs.empty()) throw std::invalid_argument("history length: no runs");
    std::map<std::string, HistoryLengthBuckets> bucketsOf;  // data config → its buckets
    std::optional<HistoryLengthBuckets> buckets;
    for (const int64_t run : runs) {
        const RunConfig config =
            runConfigFromJson(nlohmann::json::parse(store.run(run).configJson));
        const std::string key = toJson(config).at("data").dump();
        auto cached = bucketsOf.find(key);
        if (cached == bucketsOf.end()) {
            const Splits splits = makeSplits(loadDataset(config.data), config.data);
            cached = bucketsOf.emplace(key, historyLengthBuckets(splits.test, edges)).first;
        }
        if (!buckets) buckets = cached->second;
        if (cached->second.bucketOfUser != buckets->bucketOfUser) {
            throw std::invalid_argument("run " + std::to_string(run) + " has other test users " +
                                        "or histories than run " + std::to_string(runs.front()) +
                                        " (another dataset or split): one dataset per figure");
        }
    }
    return *buckets;
}

MetricGrid historyLengthGrid(const std::vector<ComparisonEntry>& entries,
                             const HistoryLengthBuckets& buckets, const std::string& metric,
                             std::vector<std::string>* leftOut) {
    if (!isPerUserMetric(metric)) {
        throw std::invalid_argument("metric " + metric +
                                    ": a history-length figure needs a metric of the per-user "
                                    "ranks (hr@K, recall@K, ndcg@K or mrr@K)");
    }
    MetricGrid grid;
    grid.x.field = "items before the test target";
    for (size_t b = 0; b < buckets.labels.size(); ++b) {
        grid.x.values.push_back(FieldValue::category(buckets.labels[b] + " (" +
                                                     std::to_string(buckets.users[b]) + ")"));
    }
    grid.y.field = "run";
    for (const ComparisonEntry& entry : entries) {
        const bool ranked =
            entry.ranks.size() == entry.runs.size() &&
            std::all_of(entry.ranks.begin(), entry.ranks.end(), [](const auto& r) { return r; });
        if (!ranked) {
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

}  // namespace dimerec
