#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// Where each test target of an evaluation ranked, case by case: the per-user data that every
// @K accuracy metric derives from (RankingMetrics, caseAccuracy) and that paired significance
// tests pair on (analysis/UserComparison). A case is one EvalCase with targets: one per user
// under leave-one-out and ComiRec's split, one per position of a test user under DreamRec's.
// A rank is the 1-based position the target takes in the user's full ranking (the order of
// topItems: history items excluded when asked, ties to the lower item id), so a target is in
// the top K exactly when its rank is at most K. An ML-1M leave-one-out run is 6,040 cases.
class TargetRanks {
public:
    // Appends a case: the user's dense id and the ranks of its distinct targets (any order;
    // kept ascending). Throws std::invalid_argument for no targets or a rank below 1.
    void addCase(int32_t user, std::vector<int32_t> ranks);

    size_t cases() const { return users_.size(); }
    bool empty() const { return users_.empty(); }
    int32_t user(size_t c) const { return users_[c]; }
    // The ranks of case c, ascending: [ranksBegin(c), ranksEnd(c)).
    const int32_t* ranksBegin(size_t c) const { return ranks_.data() + offsets_[c]; }
    const int32_t* ranksEnd(size_t c) const { return ranks_.data() + offsets_[c + 1]; }
    size_t targets(size_t c) const { return offsets_[c + 1] - offsets_[c]; }

    // The compact form the store and bundles keep: three columns of little-endian int32.
    const std::vector<int32_t>& users() const { return users_; }
    // Targets per case; empty when every case has exactly one (leave-one-out, DreamRec).
    std::vector<int32_t> targetCounts() const;
    const std::vector<int32_t>& ranks() const { return ranks_; }
    // Rebuilds the ranks from those columns; throws std::invalid_argument naming `what` when
    // they do not fit together.
    static TargetRanks fromColumns(std::vector<int32_t> users, const std::vector<int32_t>& counts,
                                   std::vector<int32_t> ranks, const std::string& what);

    friend bool operator==(const TargetRanks& a, const TargetRanks& b) {
        return a.users_ == b.users_ && a.offsets_ == b.offsets_ && a.ranks_ == b.ranks_;
    }

private:
    std::vector<int32_t> users_;
    std::vector<size_t> offsets_{0};  // case c's ranks are ranks_[offsets_[c], offsets_[c + 1])
    std::vector<int32_t> ranks_;
};

// int32 values as little-endian bytes (the store's BLOBs, bundles' base64) and back; bytes
// whose length is not a multiple of 4 throw std::invalid_argument naming `what`.
std::string packInt32(const std::vector<int32_t>& values);
std::vector<int32_t> unpackInt32(const void* bytes, size_t size, const std::string& what);

}  // namespace dimerec
