#pragma once

#include "analysis/Significance.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

class TargetRanks;

// One metric per test user, users ascending.
struct UserValues {
    std::vector<int32_t> users;  // dense user ids, ascending
    std::vector<double> values;  // parallel to users
};

// Whether a metric key is one the target ranks determine: hr@K, recall@K, ndcg@K, mrr@K.
bool isPerUserMetric(const std::string& metric);

// The per-user values of such a metric from a run's target ranks: each case's caseAccuracy,
// averaged over the user's cases (one case per user under leave-one-out and ComiRec's split,
// so the mean over users is the run's metric; DreamRec's split makes a case of every position
// of a test user, and the user's value is the mean over them). std::nullopt for metrics the
// ranks do not determine (coverage, gini, diversity, ild, the probe).
std::optional<UserValues> userValues(const TargetRanks& ranks, const std::string& metric);

// Each user's value averaged over several runs (a seed group's seeds), over the users every
// run has. Throws std::invalid_argument for no runs.
UserValues averageOverRuns(const std::vector<UserValues>& runs);

// a against b over the users both have.
struct UserComparison {
    int64_t users = 0;            // users both have
    double meanDifference = 0.0;  // mean over them of a − b
    TestResult tTest;             // paired t-test
    TestResult wilcoxon;          // Wilcoxon signed-rank, zero differences dropped
    BootstrapInterval interval;   // paired bootstrap 95 % interval of the mean difference
};

// The paired tests of a against b over the users both have; std::nullopt for fewer than two.
std::optional<UserComparison> compareUsers(const UserValues& a, const UserValues& b);

}  // namespace dimerec
