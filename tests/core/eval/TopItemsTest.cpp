#include "eval/TopItems.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dimerec {
namespace {

std::vector<int64_t> row(const torch::Tensor& top, int64_t r) {
    const torch::Tensor values = top[r].contiguous();
    return {values.data_ptr<int64_t>(), values.data_ptr<int64_t>() + values.numel()};
}

TEST(TopItems, MatchesTorchTopkOnMaskedScores) {
    // Reference: torch::topk on a copy with the excluded items set to −∞ (distinct random scores,
    // so the order is unique). 300 items, k from 1 to 300, some users without exclusions.
    torch::manual_seed(4);
    const torch::Tensor scores = torch::randn({9, 300});
    const std::vector<std::vector<int32_t>> seen = {{0, 5, 299}, {}, {17}, {3, 3, 4}, {},
                                                    {250, 1},    {}, {9},  {100, 200}};
    std::vector<const std::vector<int32_t>*> excluded;
    torch::Tensor masked = scores.clone();
    for (size_t r = 0; r < seen.size(); ++r) {
        excluded.push_back(r % 4 == 1 ? nullptr : &seen[r]);
        if (excluded.back() == nullptr) continue;
        for (int32_t item : seen[r]) masked[static_cast<int64_t>(r)][item] = -INFINITY;
    }
    for (int k : {1, 5, 50, 300}) {
        const torch::Tensor top = topItems(scores, excluded, k);
        const torch::Tensor expected = std::get<1>(masked.topk(k, 1));
        // Excluded items tie at −∞ at the end of a full list; compare the distinct part.
        for (int64_t r = 0; r < scores.size(0); ++r) {
            const auto blocked = excluded[static_cast<size_t>(r)] == nullptr
                                     ? 0
                                     : static_cast<int64_t>(seen[static_cast<size_t>(r)].size());
            const int64_t distinct = std::min<int64_t>(k, 300 - blocked);
            EXPECT_TRUE(
                torch::equal(top[r].slice(0, 0, distinct), expected[r].slice(0, 0, distinct)))
                << "k " << k << " row " << r;
        }
    }
}

TEST(TopItems, TiesExclusionsAndNanFollowTheStatedOrder) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // Hand cases: equal scores rank the lower id first; excluded items and NaN rank last, as −∞,
    // in id order among themselves.
    const torch::Tensor scores =
        torch::tensor({1.f, 3.f, 3.f, 2.f, 3.f, 5.f, 4.f, 3.f, 9.f, 0.f, nan, 1.f, 2.f, 0.f, 0.f})
            .view({3, 5});
    const std::vector<int32_t> first = {};
    const std::vector<int32_t> second = {3, 0};
    const torch::Tensor top = topItems(scores, {&first, &second, nullptr}, 5);
    EXPECT_EQ(row(top, 0), (std::vector<int64_t>{1, 2, 4, 3, 0}));
    EXPECT_EQ(row(top, 1), (std::vector<int64_t>{1, 2, 4, 0, 3}));  // 5 > 4 > 3 > 0; then 0, 3
    EXPECT_EQ(row(top, 2), (std::vector<int64_t>{2, 1, 3, 4, 0}));  // 2 > 1 > 0 = 0; NaN last
}

TEST(TopItems, TargetRanksArePositionsInTheFullRanking) {
    // Reference: the position (1-based) of each target in topItems' own list of all 300 items,
    // with exclusions, ties (scores rounded to tenths) and NaN; one or several targets per user.
    torch::manual_seed(5);
    torch::Tensor scores = (torch::randn({6, 300}) * 10).round() / 10;
    scores[2][7] = std::numeric_limits<float>::quiet_NaN();
    const std::vector<std::vector<int32_t>> seen = {{0, 5}, {}, {17}, {3, 4}, {}, {250, 1}};
    const std::vector<std::vector<int32_t>> wanted = {{5}, {0, 299, 150},     {7, 17, 8}, {42},
                                                      {},  {1, 2, 3, 4, 5, 6}};
    std::vector<const std::vector<int32_t>*> excluded;
    std::vector<const std::vector<int32_t>*> targets;
    for (size_t r = 0; r < seen.size(); ++r) {
        excluded.push_back(&seen[r]);
        targets.push_back(wanted[r].empty() ? nullptr : &wanted[r]);
    }
    std::vector<std::vector<int32_t>> ranks;
    const torch::Tensor top = topItems(scores, excluded, 10, targets, &ranks);
    const torch::Tensor all = topItems(scores, excluded, 300);
    ASSERT_EQ(ranks.size(), seen.size());
    for (size_t r = 0; r < seen.size(); ++r) {
        const std::vector<int64_t> order = row(all, static_cast<int64_t>(r));
        ASSERT_EQ(ranks[r].size(), wanted[r].size());
        for (size_t t = 0; t < wanted[r].size(); ++t) {
            const auto at = std::find(order.begin(), order.end(), wanted[r][t]) - order.begin();
            EXPECT_EQ(ranks[r][t], at + 1) << "user " << r << " target " << wanted[r][t];
        }
        EXPECT_TRUE(torch::equal(top[static_cast<int64_t>(r)],
                                 all[static_cast<int64_t>(r)].slice(0, 0, 10)));
    }
    const std::vector<int32_t> outside = {300};
    EXPECT_THROW(topItems(scores.slice(0, 0, 1), {nullptr}, 3, {&outside}, &ranks),
                 std::invalid_argument);
}

TEST(TopItems, RejectsImpossibleRequests) {
    const torch::Tensor scores = torch::zeros({2, 4});
    const std::vector<const std::vector<int32_t>*> none(2, nullptr);
    EXPECT_THROW(topItems(scores, none, 5), std::invalid_argument);
    EXPECT_THROW(topItems(scores, none, 0), std::invalid_argument);
    EXPECT_THROW(topItems(scores, {nullptr}, 2), std::invalid_argument);
    EXPECT_THROW(topItems(scores.unsqueeze(0), none, 2), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
