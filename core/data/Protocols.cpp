#include "data/Protocols.h"

#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/RandomDraws.h"
#include "data/Splits.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace dimerec {
namespace {

using Sequence = std::vector<int32_t>;

void addTrainSequence(Splits& splits, int32_t user, const Sequence& sequence) {
    splits.trainSequences.push_back(sequence);
    splits.trainUsers.push_back(user);
}

void splitLeaveOneOut(const Dataset& data, Splits& splits) {
    for (int32_t user = 0; user < data.numUsers(); ++user) {
        const Sequence& sequence = data.sequences[static_cast<size_t>(user)];
        const size_t n = sequence.size();
        if (n < 3) {
            addTrainSequence(splits, user, sequence);
            continue;
        }
        addTrainSequence(splits, user, Sequence(sequence.begin(), sequence.end() - 2));
        splits.valid.push_back(
            {user, Sequence(sequence.begin(), sequence.end() - 2), {sequence[n - 2]}});
        splits.test.push_back(
            {user, Sequence(sequence.begin(), sequence.end() - 1), {sequence[n - 1]}});
    }
}

// Users in a seeded random order, cut at ⌊0.8n⌋ and ⌊0.9n⌋ as in ComiRec's preprocessing.
struct UserPartition {
    std::vector<int32_t> train, valid, test;
};

UserPartition partitionUsers(const Dataset& data, uint64_t seed) {
    std::vector<int32_t> users(static_cast<size_t>(data.numUsers()));
    std::iota(users.begin(), users.end(), 0);
    std::mt19937_64 engine(seed);
    shuffleInPlace(users, engine);
    const size_t trainEnd = users.size() * 8 / 10;
    const size_t validEnd = users.size() * 9 / 10;
    UserPartition partition;
    partition.train.assign(users.begin(), users.begin() + static_cast<std::ptrdiff_t>(trainEnd));
    partition.valid.assign(users.begin() + static_cast<std::ptrdiff_t>(trainEnd),
                           users.begin() + static_cast<std::ptrdiff_t>(validEnd));
    partition.test.assign(users.begin() + static_cast<std::ptrdiff_t>(validEnd), users.end());
    return partition;
}

void addComiRecCases(const Dataset& data, const std::vector<int32_t>& users,
                     std::vector<EvalCase>& cases) {
    for (int32_t user : users) {
        const Sequence& sequence = data.sequences[static_cast<size_t>(user)];
        const auto k = static_cast<std::ptrdiff_t>(0.8 * static_cast<double>(sequence.size()));
        if (k == 0) continue;
        cases.push_back({user, Sequence(sequence.begin(), sequence.begin() + k),
                         Sequence(sequence.begin() + k, sequence.end())});
    }
}

void addDreamRecCases(const Dataset& data, const std::vector<int32_t>& users, size_t limit,
                      std::vector<EvalCase>& cases) {
    for (int32_t user : users) {
        const Sequence& sequence = data.sequences[static_cast<size_t>(user)];
        for (size_t t = 1; t < sequence.size(); ++t) {
            const size_t from = limit > 0 && t > limit ? t - limit : 0;
            cases.push_back({user,
                             Sequence(sequence.begin() + static_cast<std::ptrdiff_t>(from),
                                      sequence.begin() + static_cast<std::ptrdiff_t>(t)),
                             {sequence[t]}});
        }
    }
}

}  // namespace

Splits makeSplits(const Dataset& data, const DataConfig& config) {
    Splits splits;
    splits.protocol = config.protocol;
    splits.numItems = data.numItems();
    if (config.protocol == Protocol::Loo) {
        splitLeaveOneOut(data, splits);
    } else {
        const UserPartition partition = partitionUsers(data, config.splitSeed);
        for (int32_t user : partition.train) {
            addTrainSequence(splits, user, data.sequences[static_cast<size_t>(user)]);
        }
        if (config.protocol == Protocol::ComiRec) {
            addComiRecCases(data, partition.valid, splits.valid);
            addComiRecCases(data, partition.test, splits.test);
        } else {
            splits.historyLimit = std::max(config.maxLength, 0);
            const auto limit = static_cast<size_t>(splits.historyLimit);
            addDreamRecCases(data, partition.valid, limit, splits.valid);
            addDreamRecCases(data, partition.test, limit, splits.test);
        }
    }
    splits.itemCounts.assign(static_cast<size_t>(splits.numItems), 0);
    for (const Sequence& sequence : splits.trainSequences) {
        for (int32_t item : sequence) ++splits.itemCounts[static_cast<size_t>(item)];
    }
    return splits;
}

}  // namespace dimerec
