#include "analysis/HistoryLength.h"

#include <gtest/gtest.h>

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
TEST(HistoryLength, BucketsUsersByTheItemsBeforeTheirTarget) {
    const std::vector<EvalCase> test = {caseOf(0, 1), caseOf(1, 4),  caseOf(2, 5),
                                        caseOf(3, 9), caseOf(4, 12), caseOf(5, 60)};
    const HistoryLengthBuckets buckets = historyLengthBuckets(test, {5, 10, 50});
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
TEST(HistoryLength, EmptyBucketsAreLeftOut) {
    const HistoryLengthBuckets buckets =
        historyLengthBuckets({caseOf(0, 3), caseOf(1, 70)}, {5, 10, 50});
    EXPECT_EQ(buckets.labels, (std::vector<std::string>{"1-4", "50+"}));
    EXPECT_EQ(buckets.bucketOfUser.at(1), 1u);
    EXPECT_EQ(historyLengthBuckets({caseOf(0, 5), caseOf(1, 6)}, {5, 6}).labels,
              (std::vector<std::string>{"5", "6+"}));
}

TEST(HistoryLength, RefusesSeveralCasesPerUserAndEdgesThatDoNotAscend) {
    EXPECT_THROW(historyLengthBuckets({caseOf(0, 3), caseOf(0, 4)}, {5}), std::invalid_argument);
    EXPECT_THROW(historyLengthBuckets({caseOf(0, 3)}, {10, 5}), std::invalid_argument);
    EXPECT_THROW(historyLengthBuckets({caseOf(0, 3)}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
