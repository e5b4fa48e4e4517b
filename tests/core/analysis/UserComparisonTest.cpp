#include "analysis/UserComparison.h"

#include "util/TargetRanks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace dimerec {
namespace {

TEST(UserComparison, PerUserValuesDeriveFromTheRanks) {
    TargetRanks ranks;
    ranks.addCase(5, {3});      // user 5: one target at rank 3
    ranks.addCase(2, {1, 12});  // user 2: two targets (ComiRec's split)
    ranks.addCase(5, {20});     // user 5 again (DreamRec: a case per position)
    const UserValues hr = *userValues(ranks, "hr@10");
    EXPECT_EQ(hr.users, (std::vector<int32_t>{2, 5}));
    // User 5's value is the mean over its two cases: (1 + 0) / 2.
    EXPECT_EQ(hr.values, (std::vector<double>{1.0, 0.5}));
    const UserValues recall = *userValues(ranks, "recall@10");
    EXPECT_EQ(recall.values, (std::vector<double>{0.5, 0.5}));
    // NDCG@10: user 2 hits at rank 1 of ideal 1 + 1/log2 3; user 5: (1/log2 4 + 0) / 2.
    const UserValues ndcg = *userValues(ranks, "ndcg@10");
    EXPECT_NEAR(ndcg.values[0], 1.0 / (1.0 + 1.0 / std::log2(3.0)), 1e-15);
    EXPECT_NEAR(ndcg.values[1], 0.25, 1e-15);
    EXPECT_EQ(userValues(ranks, "mrr@20")->values,
              (std::vector<double>{1.0, (1.0 / 3 + 0.05) / 2}));
    for (const char* other :
         {"coverage@10", "gini@10", "ild@10", "probe_accuracy", "ndcg@", "hr@x"})
        EXPECT_FALSE(userValues(ranks, other).has_value()) << other;
    EXPECT_TRUE(isPerUserMetric("ndcg@10"));
    EXPECT_FALSE(isPerUserMetric("diversity@10"));
}

TEST(UserComparison, SeedsAreAveragedPerUserOverTheUsersEverySeedHas) {
    const UserValues seed1{{1, 2, 3}, {1.0, 0.0, 0.5}};
    const UserValues seed2{{2, 3, 4}, {1.0, 0.0, 1.0}};
    const UserValues mean = averageOverRuns({seed1, seed2});
    EXPECT_EQ(mean.users, (std::vector<int32_t>{2, 3}));
    EXPECT_EQ(mean.values, (std::vector<double>{0.5, 0.25}));
    EXPECT_THROW(averageOverRuns({}), std::invalid_argument);
}

TEST(UserComparison, PairsTheUsersBothHave) {
    // Shared users 1, 2, 3 with differences 0.5, 0, 1.0 → mean 0.5; user 9 has no partner.
    const UserValues a{{1, 2, 3, 9}, {1.0, 0.0, 1.0, 1.0}};
    const UserValues b{{0, 1, 2, 3}, {0.0, 0.5, 0.0, 0.0}};
    const UserComparison c = *compareUsers(a, b);
    EXPECT_EQ(c.users, 3);
    EXPECT_DOUBLE_EQ(c.meanDifference, 0.5);
    EXPECT_EQ(c.tTest.n, 3);
    EXPECT_EQ(c.wilcoxon.n, 2);  // the zero difference is dropped (Wilcoxon's method)
    EXPECT_GE(c.interval.high, c.interval.low);
    EXPECT_FALSE(compareUsers(a, UserValues{{9}, {0.0}}).has_value());
}

}  // namespace
}  // namespace dimerec
