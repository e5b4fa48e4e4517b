#include "eval/RankingMetrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

namespace dimerec {

CaseAccuracy caseAccuracy(const int32_t* ranksBegin, const int32_t* ranksEnd, int k) {
    CaseAccuracy result;
    const auto targets = ranksEnd - ranksBegin;
    if (targets <= 0) return result;
    int hits = 0;
    double dcg = 0.0;
    int smallest = *ranksBegin;
    for (const int32_t* rank = ranksBegin; rank != ranksEnd; ++rank) {
        smallest = std::min(smallest, *rank);
        if (*rank > k) continue;
        ++hits;
        dcg += 1.0 / std::log2(*rank + 1.0);
    }
    double idcg = 0.0;
    const auto ideal = std::min<std::ptrdiff_t>(targets, k);
    for (std::ptrdiff_t p = 1; p <= ideal; ++p) idcg += 1.0 / std::log2(p + 1.0);
    result.hr = hits > 0 ? 1.0 : 0.0;
    result.recall = static_cast<double>(hits) / static_cast<double>(targets);
    result.ndcg = idcg > 0.0 ? dcg / idcg : 0.0;
    result.mrr = smallest <= k ? 1.0 / smallest : 0.0;
    return result;
}

RankingMetrics::RankingMetrics(std::vector<int> topK, int32_t numItems,
                               const std::vector<std::vector<int32_t>>& itemCategories)
    : topK_(std::move(topK)), numItems_(numItems), itemCategories_(itemCategories) {
    if (topK_.empty()) throw std::invalid_argument("eval.topK: needs at least one cut-off");
    if (numItems_ < 1) throw std::invalid_argument("evaluation: the catalogue is empty");
    std::sort(topK_.begin(), topK_.end());
    maxK_ = std::min(topK_.back(), numItems_);
    exposure_.assign(topK_.size(), std::vector<int64_t>(numItems_, 0));
}

void RankingMetrics::add(const int64_t* ranked, const int32_t* targetRanksBegin,
                         const int32_t* targetRanksEnd, const double* intraListDistances) {
    const bool withCategories = !itemCategories_.empty();
    ++users_;
    for (size_t k = 0; k < topK_.size(); ++k) {
        const int cut = std::min(topK_[k], maxK_);
        const std::string at = "@" + std::to_string(topK_[k]);
        for (int p = 0; p < cut; ++p) ++exposure_[k][ranked[p]];
        const CaseAccuracy accuracy = caseAccuracy(targetRanksBegin, targetRanksEnd, cut);
        sums_["hr" + at] += accuracy.hr;
        sums_["recall" + at] += accuracy.recall;
        sums_["ndcg" + at] += accuracy.ndcg;
        sums_["mrr" + at] += accuracy.mrr;
        if (intraListDistances != nullptr) sums_["ild" + at] += intraListDistances[k];
        if (!withCategories) continue;
        auto primary = [&](int64_t item) {
            const auto& labels = itemCategories_[item];
            return labels.empty() ? -1 : labels.front();
        };
        int64_t differing = 0;
        for (int i = 0; i < cut; ++i) {
            for (int j = i + 1; j < cut; ++j) differing += primary(ranked[i]) != primary(ranked[j]);
        }
        const double pairs = cut * (cut - 1) / 2.0;
        sums_["diversity" + at] += pairs > 0 ? differing / pairs : 0.0;
        std::set<int32_t> seen;
        for (int p = 0; p < cut; ++p)
            seen.insert(itemCategories_[ranked[p]].begin(), itemCategories_[ranked[p]].end());
        sums_["categories" + at] += static_cast<double>(seen.size());
    }
}

std::map<std::string, double> RankingMetrics::result() const {
    std::map<std::string, double> out;
    if (users_ == 0) return out;
    for (const auto& [name, sum] : sums_) out[name] = sum / static_cast<double>(users_);
    for (size_t k = 0; k < topK_.size(); ++k) {
        std::vector<int64_t> counts = exposure_[k];
        std::sort(counts.begin(), counts.end());
        const double total =
            static_cast<double>(std::accumulate(counts.begin(), counts.end(), int64_t{0}));
        const int64_t covered =
            std::count_if(counts.begin(), counts.end(), [](int64_t c) { return c > 0; });
        // Gini of sorted counts: Σ (2i − n − 1) c_i / (n Σ c_i), i = 1..n.
        double weighted = 0.0;
        const double n = static_cast<double>(counts.size());
        for (size_t i = 0; i < counts.size(); ++i)
            weighted += (2.0 * (i + 1) - n - 1.0) * counts[i];
        const std::string at = "@" + std::to_string(topK_[k]);
        out["coverage" + at] = covered / n;
        out["gini" + at] = total > 0 ? weighted / (n * total) : 0.0;
    }
    return out;
}

}  // namespace dimerec
