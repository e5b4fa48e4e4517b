#include "analysis/UserBuckets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>

namespace dimerec {
namespace {

EvalCase caseOf(int32_t user, size_t historyLength) {
    EvalCase c;
    c.user = user;
    c.history.assign(historyLength, 7);
    c.targets = {3};
    return c;
}

// Users 0-5 with histories of 1, 4, 5, 9, 12 and 60 items, cut at 5, 10 and 50: 1-4 holds users
// 0 and 1, 5-9 users 2 and 3, 10-49 user 4, 50+ user 5.
TEST(UserBuckets, BucketsUsersByTheItemsBeforeTheirTarget) {
    const std::vector<EvalCase> test = {caseOf(0, 1), caseOf(1, 4),  caseOf(2, 5),
                                        caseOf(3, 9), caseOf(4, 12), caseOf(5, 60)};
    const UserBuckets buckets = historyLengthBuckets(test, {5, 10, 50});
    EXPECT_EQ(buckets.labels, (std::vector<std::string>{"1-4", "5-9", "10-49", "50+"}));
    EXPECT_EQ(buckets.lowest, (std::vector<int64_t>{1, 5, 10, 50}));
    EXPECT_EQ(buckets.users, (std::vector<int64_t>{2, 2, 1, 1}));
    EXPECT_EQ(buckets.bucketOfUser.at(1), 0u);
    EXPECT_EQ(buckets.bucketOfUser.at(2), 1u);
    EXPECT_EQ(buckets.bucketOfUser.at(5), 3u);

    // A run's per-user NDCG (users 0-4 only): bucket means (1 + 0) / 2, (0.5 + 0.25) / 2, 0.1;
    // the 50+ bucket has none of its users.
    const UserValues ndcg{{0, 1, 2, 3, 4}, {1.0, 0.0, 0.5, 0.25, 0.1}};
    const std::vector<std::optional<double>> means = bucketMeans(ndcg, buckets);
    ASSERT_EQ(means.size(), 4u);
    EXPECT_DOUBLE_EQ(*means[0], 0.5);
    EXPECT_DOUBLE_EQ(*means[1], 0.375);
    EXPECT_DOUBLE_EQ(*means[2], 0.1);
    EXPECT_FALSE(means[3].has_value());
}

// An empty bucket is left out and the next one keeps its own range: 10-49 holds nobody here.
// A bucket of one length is named by it.
TEST(UserBuckets, EmptyBucketsAreLeftOut) {
    const UserBuckets buckets = historyLengthBuckets({caseOf(0, 3), caseOf(1, 70)}, {5, 10, 50});
    EXPECT_EQ(buckets.labels, (std::vector<std::string>{"1-4", "50+"}));
    EXPECT_EQ(buckets.bucketOfUser.at(1), 1u);
    EXPECT_EQ(historyLengthBuckets({caseOf(0, 5), caseOf(1, 6)}, {5, 6}).labels,
              (std::vector<std::string>{"5", "6+"}));
}

// A run's ranks: user u's target at rank ranks[u] (one case per user).
std::shared_ptr<const TargetRanks> ranksOf(const std::vector<int32_t>& ranks) {
    auto out = std::make_shared<TargetRanks>();
    for (size_t u = 0; u < ranks.size(); ++u) out->addCase(static_cast<int32_t>(u), {ranks[u]});
    return out;
}

// HR@1 by bucket over users 0-3 (1-4: users 0, 1; 5+: users 2, 3), hand-computed. Entry A has
// two runs: run 1 hits users 0 and 2 (bucket means 0.5, 0.5), run 2 hits users 0, 1 and 2 (1.0,
// 0.5), so A's cells are 0.75 ± 0.354 and 0.5 ± 0 over 2 runs. Entry B lacks a run's ranks and
// is left out; coverage is not a per-user metric.
TEST(UserBuckets, GridOfEntriesAveragesEachBucketOverTheRuns) {
    const UserBuckets buckets =
        historyLengthBuckets({caseOf(0, 1), caseOf(1, 4), caseOf(2, 5), caseOf(3, 9)}, {5});
    ComparisonEntry a{"A", {RunSummary{}, RunSummary{}}};
    a.ranks = {ranksOf({1, 3, 1, 2}), ranksOf({1, 1, 1, 5})};
    ComparisonEntry b{"B", {RunSummary{}, RunSummary{}}};
    b.ranks = {ranksOf({1, 1, 1, 1}), nullptr};
    std::vector<std::string> leftOut;
    const MetricGrid grid = userBucketGrid({a, b}, buckets, "hr@1", &leftOut);
    EXPECT_EQ(leftOut, (std::vector<std::string>{"B"}));
    ASSERT_EQ(grid.y.values.size(), 1u);
    EXPECT_EQ(grid.y.values[0].label, "A");
    ASSERT_EQ(grid.x.values.size(), 2u);
    EXPECT_EQ(grid.x.values[0].label, "1-4 (2)");
    EXPECT_EQ(grid.x.values[1].label, "5+ (2)");
    EXPECT_EQ(grid.at(0, 0).n, 2);
    EXPECT_DOUBLE_EQ(grid.at(0, 0).mean, 0.75);
    EXPECT_NEAR(grid.at(0, 0).stdDev, std::sqrt(0.125), 1e-12);  // sample std of 0.5 and 1
    EXPECT_DOUBLE_EQ(grid.at(1, 0).mean, 0.5);
    EXPECT_DOUBLE_EQ(grid.at(1, 0).stdDev, 0.0);
    EXPECT_THROW(userBucketGrid({a}, buckets, "coverage@10"), std::invalid_argument);
}

// Users 0-4 whose targets are items 0-4, seen in training 0, 9, 10, 150 and 5000 times, cut at
// the default 10, 100, 1000: 0-9 holds users 0 and 1 (item 0 never seen), 10-99 user 2,
// 100-999 user 3, 1000+ user 4. Cut at 100 alone: 0-99 (users 0-2) and 100+ (users 3-4).
TEST(UserBuckets, TargetPopularityBucketsByTheTargetsTrainingCount) {
    std::vector<EvalCase> test;
    for (int32_t user = 0; user < 5; ++user) {
        EvalCase c = caseOf(user, 3);
        c.targets = {user};
        test.push_back(c);
    }
    const std::vector<int64_t> counts = {0, 9, 10, 150, 5000};
    EXPECT_EQ(defaultEdges(UserGrouping::TargetPopularity), (std::vector<int64_t>{10, 100, 1000}));
    const UserBuckets buckets =
        targetPopularityBuckets(test, counts, defaultEdges(UserGrouping::TargetPopularity));
    EXPECT_EQ(buckets.title, "training interactions of the test target");
    EXPECT_EQ(buckets.labels, (std::vector<std::string>{"0-9", "10-99", "100-999", "1000+"}));
    EXPECT_EQ(buckets.users, (std::vector<int64_t>{2, 1, 1, 1}));
    EXPECT_EQ(buckets.bucketOfUser.at(0), 0u);
    EXPECT_EQ(buckets.bucketOfUser.at(4), 3u);
    const UserBuckets two = targetPopularityBuckets(test, counts, {100});
    EXPECT_EQ(two.labels, (std::vector<std::string>{"0-99", "100+"}));
    EXPECT_EQ(two.users, (std::vector<int64_t>{3, 2}));

    // ComiRec's split holds out several targets per user: no one popularity.
    test[1].targets = {1, 2};
    EXPECT_THROW(targetPopularityBuckets(test, counts, {10}), std::invalid_argument);
    EXPECT_THROW(targetPopularityBuckets({test[0]}, counts, {0}), std::invalid_argument);
}

// One bucket's view of an entry, for a table column: users 0-3 with histories 1, 4, 5, 9 cut
// at 5; the run ranks their targets 1, 3, 20, 2. Bucket 1-4 (users 0, 1): HR@1 mean 0.5 and
// the ranks of users 0 and 1 only; bucket 5+ (users 2, 3): 0. Other metrics are dropped.
TEST(UserBuckets, BucketEntriesKeepTheBucketsUsersAndTheirMean) {
    const UserBuckets buckets =
        historyLengthBuckets({caseOf(0, 1), caseOf(1, 4), caseOf(2, 5), caseOf(3, 9)}, {5});
    RunSummary run;
    run.id = 7;
    run.testMetrics = {{"hr@1", 0.25}, {"coverage@10", 0.9}};
    ComparisonEntry entry{"A", {run}};
    entry.ranks = {ranksOf({1, 3, 20, 2})};
    const std::vector<ComparisonEntry> first = bucketEntries({entry}, buckets, 0, "hr@1");
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].label, "A");
    EXPECT_EQ(first[0].runs[0].id, 7);
    EXPECT_EQ(first[0].runs[0].testMetrics, (std::map<std::string, double>{{"hr@1", 0.5}}));
    ASSERT_EQ(first[0].ranks[0]->cases(), 2u);
    EXPECT_EQ(first[0].ranks[0]->user(1), 1);
    EXPECT_EQ(*first[0].ranks[0]->ranksBegin(1), 3);
    EXPECT_DOUBLE_EQ(bucketEntries({entry}, buckets, 1, "hr@1")[0].runs[0].testMetrics.at("hr@1"),
                     0.0);
    entry.ranks = {nullptr};
    EXPECT_THROW(bucketEntries({entry}, buckets, 0, "hr@1"), std::invalid_argument);
}

// Each bucket's lines tested against a reference line over its users. 40 users, 0-19 with a
// history of 1 item (bucket 1-4), 20-39 with 9 (bucket 5+). HR@1, one run per line:
// the reference hits users 0-9 and 20-37, X hits users 10-19 and 38-39. In 1-4 the per-user
// differences are ten −1 and ten +1: mean 0, p = 1. In 5+ eighteen −1 and two +1: mean −0.8,
// sd 0.616 (by hand), t = −5.81 with 19 degrees of freedom, p ≈ 1.3e-5. The reference's own
// cells are not tested; line C, without per-user ranks, is not a line of the grid.
TEST(UserBuckets, PValuesTestEachBucketsLinesOverItsUsers) {
    std::vector<EvalCase> cases;
    std::vector<int32_t> reference(40, 2);
    std::vector<int32_t> other(40, 2);
    for (int32_t user = 0; user < 40; ++user) {
        cases.push_back(caseOf(user, user < 20 ? 1 : 9));
        if (user < 10 || (user >= 20 && user < 38)) reference[static_cast<size_t>(user)] = 1;
        if ((user >= 10 && user < 20) || user >= 38) other[static_cast<size_t>(user)] = 1;
    }
    const UserBuckets buckets = historyLengthBuckets(cases, {5});
    ComparisonEntry c{"C", {RunSummary{}}};
    ComparisonEntry r{"R", {RunSummary{}}};
    r.ranks = {ranksOf(reference)};
    ComparisonEntry x{"X", {RunSummary{}}};
    x.ranks = {ranksOf(other)};
    const std::vector<std::optional<double>> p = userBucketPValues({c, r, x}, buckets, "hr@1", 1);
    ASSERT_EQ(p.size(), 4u);  // lines R and X × buckets 1-4 and 5+, y-major
    EXPECT_FALSE(p[0]);
    EXPECT_FALSE(p[1]);
    ASSERT_TRUE(p[2]);
    EXPECT_NEAR(*p[2], 1.0, 1e-9);
    ASSERT_TRUE(p[3]);
    EXPECT_NEAR(*p[3], 1.3416e-5, 1e-8);  // two-sided, t = −5.81, 19 df
    // A reference without ranks tests nothing.
    for (const auto& untested : userBucketPValues({c, r, x}, buckets, "hr@1", 0))
        EXPECT_FALSE(untested);
}

TEST(UserBuckets, RefusesSeveralCasesPerUserAndEdgesThatDoNotAscend) {
    EXPECT_THROW(historyLengthBuckets({caseOf(0, 3), caseOf(0, 4)}, {5}), std::invalid_argument);
    EXPECT_THROW(historyLengthBuckets({caseOf(0, 3)}, {10, 5}), std::invalid_argument);
    EXPECT_THROW(historyLengthBuckets({caseOf(0, 3)}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
