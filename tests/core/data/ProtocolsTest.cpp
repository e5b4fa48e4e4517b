#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/Protocols.h"
#include "data/Splits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace dimerec {
namespace {

using Items = std::vector<int32_t>;

Dataset datasetOf(std::vector<Items> sequences, int32_t numItems) {
    Dataset data;
    data.name = "fixture";
    data.sequences = std::move(sequences);
    for (int32_t i = 0; i < numItems; ++i) data.itemIds.push_back(std::to_string(i));
    for (int32_t u = 0; u < data.numUsers(); ++u) data.userIds.push_back(std::to_string(u));
    return data;
}

DataConfig protocol(const std::string& name, uint64_t seed = 1230) {
    DataConfig config;
    config.protocol = choiceNamed<Protocol>("data.protocol", name);
    config.splitSeed = seed;
    return config;
}

// Ten users, user u owns items 3u … 3u+len−1 (len = 7 for all but user 9, which has 1).
Dataset tenUsers() {
    std::vector<Items> sequences;
    for (int32_t u = 0; u < 10; ++u) {
        Items items;
        const int32_t length = u == 9 ? 1 : 7;
        for (int32_t i = 0; i < length; ++i) items.push_back((3 * u + i) % 40);
        sequences.push_back(items);
    }
    return datasetOf(sequences, 40);
}

TEST(Protocols, LeaveOneOutHoldsOutTheLastTwoItems) {
    const Dataset data = datasetOf({{0, 1, 2, 3}, {4, 5}, {1, 2, 3}}, 6);
    const Splits splits = makeSplits(data, protocol("loo"));
    EXPECT_EQ(splits.protocol, Protocol::Loo);
    EXPECT_EQ(splits.numItems, 6);
    // By hand: user 1 has < 3 items and trains on all of them.
    EXPECT_EQ(splits.trainSequences, (std::vector<Items>{{0, 1}, {4, 5}, {1}}));
    EXPECT_EQ(splits.trainUsers, (Items{0, 1, 2}));
    ASSERT_EQ(splits.valid.size(), 2u);
    EXPECT_EQ(splits.valid[0].user, 0);
    EXPECT_EQ(splits.valid[0].history, (Items{0, 1}));
    EXPECT_EQ(splits.valid[0].targets, (Items{2}));
    EXPECT_EQ(splits.valid[1].user, 2);
    EXPECT_EQ(splits.valid[1].history, (Items{1}));
    EXPECT_EQ(splits.valid[1].targets, (Items{2}));
    ASSERT_EQ(splits.test.size(), 2u);
    EXPECT_EQ(splits.test[0].history, (Items{0, 1, 2}));
    EXPECT_EQ(splits.test[0].targets, (Items{3}));
    EXPECT_EQ(splits.test[1].history, (Items{1, 2}));
    EXPECT_EQ(splits.test[1].targets, (Items{3}));
    // Counted by hand over the three training sequences.
    EXPECT_EQ(splits.itemCounts, (std::vector<int64_t>{1, 2, 0, 0, 1, 1}));
}

TEST(Protocols, ComiRecSplitsUsersEightOneOne) {
    const Dataset data = tenUsers();
    const Splits splits = makeSplits(data, protocol("comirec"));
    // ⌊0.8·10⌋ = 8 training users, ⌊0.9·10⌋ − 8 = 1 validation user, 1 test user.
    ASSERT_EQ(splits.trainSequences.size(), 8u);
    std::set<int32_t> seen(splits.trainUsers.begin(), splits.trainUsers.end());
    for (size_t i = 0; i < splits.trainUsers.size(); ++i) {
        EXPECT_EQ(splits.trainSequences[i],
                  data.sequences[static_cast<size_t>(splits.trainUsers[i])]);
    }
    // A held-out user with 7 items: k = ⌊0.8·7⌋ = 5 history items, 2 targets. User 9 (1 item)
    // would have an empty history and gets no case.
    for (const auto* cases : {&splits.valid, &splits.test}) {
        for (const EvalCase& evalCase : *cases) {
            const Items& all = data.sequences[static_cast<size_t>(evalCase.user)];
            EXPECT_EQ(evalCase.history, Items(all.begin(), all.begin() + 5));
            EXPECT_EQ(evalCase.targets, Items(all.begin() + 5, all.end()));
            EXPECT_TRUE(seen.insert(evalCase.user).second) << "user in two parts";
        }
    }
    const size_t heldOutCases = splits.valid.size() + splits.test.size();
    EXPECT_EQ(seen.size(), 8u + heldOutCases);
    EXPECT_EQ(heldOutCases + (seen.count(9) ? 0u : 1u), 2u);
}

TEST(Protocols, UserSplitIsAFunctionOfTheSeed) {
    const Dataset data = tenUsers();
    const Splits a = makeSplits(data, protocol("comirec", 7));
    const Splits b = makeSplits(data, protocol("comirec", 7));
    EXPECT_EQ(a.trainUsers, b.trainUsers);
    bool anyDifferent = false;
    for (uint64_t seed = 8; seed < 12; ++seed) {
        anyDifferent |= makeSplits(data, protocol("comirec", seed)).trainUsers != a.trainUsers;
    }
    EXPECT_TRUE(anyDifferent);
}

TEST(Protocols, DreamRecMakesOneCasePerHeldOutPosition) {
    const Dataset data = tenUsers();
    const Splits splits = makeSplits(data, protocol("dreamrec"));
    ASSERT_EQ(splits.trainSequences.size(), 8u);
    std::set<int32_t> heldOut;
    for (const auto* cases : {&splits.valid, &splits.test}) {
        for (const EvalCase& evalCase : *cases) {
            heldOut.insert(evalCase.user);
            const Items& all = data.sequences[static_cast<size_t>(evalCase.user)];
            const size_t t = evalCase.history.size();
            ASSERT_GE(t, 1u);
            EXPECT_EQ(evalCase.history, Items(all.begin(), all.begin() + static_cast<long>(t)));
            EXPECT_EQ(evalCase.targets, (Items{all[t]}));
        }
    }
    // Each held-out 7-item sequence gives positions 1..6 = 6 cases; user 9 gives none.
    size_t expected = 0;
    for (int32_t user : heldOut) expected += data.sequences[static_cast<size_t>(user)].size() - 1;
    EXPECT_EQ(splits.valid.size() + splits.test.size(), expected);
    for (const auto* cases : {&splits.valid, &splits.test}) {
        if (!cases->empty()) {
            EXPECT_EQ(cases->size(), 6u);
        }
    }
    EXPECT_EQ(splits.historyLimit, 50);  // DataConfig::maxLength default
    // The split of users is the same as ComiRec's under the same seed.
    EXPECT_EQ(splits.trainUsers, makeSplits(data, protocol("comirec")).trainUsers);
}

TEST(Protocols, DreamRecHistoriesKeepTheLastMaxLengthItems) {
    DataConfig config = protocol("dreamrec");
    config.maxLength = 2;
    const Dataset data = tenUsers();
    const Splits splits = makeSplits(data, config);
    EXPECT_EQ(splits.historyLimit, 2);
    for (const EvalCase& evalCase : splits.test) {
        const Items& all = data.sequences[static_cast<size_t>(evalCase.user)];
        ASSERT_LE(evalCase.history.size(), 2u);
        // The target sits at position t; the history holds positions t-2, t-1 (or just 0).
        const auto t = static_cast<size_t>(std::find(all.begin(), all.end(), evalCase.targets[0]) -
                                           all.begin());
        EXPECT_EQ(evalCase.history.back(), all[t - 1]);
        if (t >= 2) {
            EXPECT_EQ(evalCase.history.front(), all[t - 2]);
        }
    }
    EXPECT_EQ(makeSplits(data, protocol("loo")).historyLimit, 0);
}

TEST(Protocols, UnknownProtocolIsRejected) {
    const Dataset data = tenUsers();
    EXPECT_THROW(makeSplits(data, protocol("random")), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
