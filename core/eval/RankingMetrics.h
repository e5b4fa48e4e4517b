#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

// The accuracy metrics of one evaluation case at one cut-off, from the 1-based ranks of its
// distinct targets (TargetRanks): what RankingMetrics averages and what the per-user tests pair.
struct CaseAccuracy {
    double hr = 0.0;      // 1 if any rank ≤ K
    double recall = 0.0;  // share of the targets with rank ≤ K
    double ndcg = 0.0;    // Σ_{rank ≤ K} 1/log2(rank+1) / Σ_{p=1..min(targets, K)} 1/log2(p+1)
    double mrr = 0.0;     // 1/(smallest rank) if it is ≤ K, else 0
};
CaseAccuracy caseAccuracy(const int32_t* ranksBegin, const int32_t* ranksEnd, int k);

// Accumulates ranking and diversity metrics over users, one ranked top list at a time
// (spec §5). For every K in topK:
//   hr@K      1 if any target is in the top K                     (DreamRec / ComiRec HR)
//   recall@K  |top K ∩ targets| / |targets|, averaged per user    (ComiRec)
//   ndcg@K    DCG / IDCG, DCG = Σ_hits 1/log2(p+2) (0-based p), IDCG over min(|targets|, K)
//             positions (ComiRec's paper-branch form; 1/log2(r+1) for one target)
//   mrr@K     1/rank of the first hit in the top K, else 0
//   coverage@K  distinct recommended items / catalogue size
//   gini@K    Gini coefficient of how often each item is recommended (0 = even)
//   ild@K     intra-list distance, when add() is given it (computed by the Evaluator)
// and, when item categories are given:
//   diversity@K   ComiRec's share of pairs in the top K whose primary categories differ
//   categories@K  distinct categories (all labels) among the top K items
class RankingMetrics {
public:
    // itemCategories: per item its category ids (first = primary); empty = no categories.
    RankingMetrics(std::vector<int> topK, int32_t numItems,
                   const std::vector<std::vector<int32_t>>& itemCategories = {});

    // The largest cut-off: how long each ranked list passed to add() must be (or the
    // catalogue size, if smaller).
    int maxCutoff() const { return maxK_; }

    // The cut-offs, ascending (the order of add()'s intraListDistances).
    const std::vector<int>& cutoffs() const { return topK_; }

    // ranked: the user's top items, best first, maxCutoff() long; targetRanks: the ranks of
    // the distinct held-out items in the user's full ranking ([begin, end), see TargetRanks);
    // intraListDistances: the list's ild@K per cut-off (see Evaluator), or nullptr for none.
    void add(const int64_t* ranked, const int32_t* targetRanksBegin, const int32_t* targetRanksEnd,
             const double* intraListDistances = nullptr);

    int64_t users() const { return users_; }
    std::map<std::string, double> result() const;

private:
    std::vector<int> topK_;
    int maxK_;
    int32_t numItems_;
    std::vector<std::vector<int32_t>> itemCategories_;
    int64_t users_ = 0;
    std::map<std::string, double> sums_;
    std::vector<std::vector<int64_t>> exposure_;  // per cut-off, per item: times recommended
};

}  // namespace dimerec
