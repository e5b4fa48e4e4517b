#include "data/Batch.h"
#include "data/Splits.h"
#include "data/TrainSampler.h"
#include "train/Distributed.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace dimerec {
namespace {

using Environment = std::map<std::string, std::string>;

DistributedContext fromSlurm(const Environment& environment) {
    return distributedContextFromSlurm([&](const char* name) -> const char* {
        const auto found = environment.find(name);
        return found == environment.end() ? nullptr : found->second.c_str();
    });
}

TEST(SlurmHostList, ExpandsRangesListsAndPadding) {
    using Hosts = std::vector<std::string>;
    EXPECT_EQ(expandSlurmHostList("node07"), Hosts{"node07"});
    EXPECT_EQ(expandSlurmHostList("node[01-03]"), (Hosts{"node01", "node02", "node03"}));
    EXPECT_EQ(expandSlurmHostList("gpu[8-10,3]-ib,login1"),
              (Hosts{"gpu8-ib", "gpu9-ib", "gpu10-ib", "gpu3-ib", "login1"}));
    EXPECT_EQ(expandSlurmHostList("a1,b[002-003]"), (Hosts{"a1", "b002", "b003"}));
    EXPECT_THROW(expandSlurmHostList("node[01-03"), std::invalid_argument);
    EXPECT_THROW(expandSlurmHostList("node[03-01]"), std::invalid_argument);
    EXPECT_THROW(expandSlurmHostList("node[a-b]"), std::invalid_argument);
}

TEST(SlurmEnvironment, RankWorldAndFirstHostOfTheStep) {
    const DistributedContext c = fromSlurm({{"SLURM_NTASKS", "4"},
                                            {"SLURM_PROCID", "3"},
                                            {"SLURM_LOCALID", "1"},
                                            {"SLURM_JOB_ID", "123456"},
                                            {"SLURM_NODELIST", "other[1-9]"},
                                            {"SLURM_STEP_NODELIST", "node[12-13]"}});
    EXPECT_EQ(c.worldSize, 4);
    EXPECT_EQ(c.rank, 3);
    EXPECT_EQ(c.localRank, 1);
    EXPECT_EQ(c.masterAddress, "node12");
    // kDefaultMasterPort + 123456 mod 1000 = 29500 + 456.
    EXPECT_EQ(c.masterPort, 29956);
}

TEST(SlurmEnvironment, MasterVariablesWinAndOneTaskMeansAlone) {
    const DistributedContext c = fromSlurm({{"SLURM_NTASKS", "2"},
                                            {"SLURM_PROCID", "0"},
                                            {"SLURM_NODELIST", "n[1-2]"},
                                            {"MASTER_ADDR", "10.0.0.5"},
                                            {"MASTER_PORT", "40000"}});
    EXPECT_EQ(c.masterAddress, "10.0.0.5");
    EXPECT_EQ(c.masterPort, 40000);
    EXPECT_EQ(fromSlurm({}).worldSize, 1);
    EXPECT_EQ(fromSlurm({{"SLURM_NTASKS", "1"}, {"SLURM_PROCID", "0"}}).worldSize, 1);
    EXPECT_THROW(
        fromSlurm({{"SLURM_NTASKS", "2"}, {"SLURM_PROCID", "2"}, {"SLURM_NODELIST", "n1"}}),
        std::invalid_argument);
    EXPECT_THROW(fromSlurm({{"SLURM_NTASKS", "two"}}), std::invalid_argument);
}

TEST(MasterAddress, ParsesHostAndPort) {
    DistributedContext c;
    parseMasterAddress("node3:1234", c);
    EXPECT_EQ(c.masterAddress, "node3");
    EXPECT_EQ(c.masterPort, 1234);
    parseMasterAddress("10.1.1.1", c);
    EXPECT_EQ(c.masterPort, kDefaultMasterPort);
    EXPECT_THROW(parseMasterAddress(":80", c), std::invalid_argument);
    EXPECT_THROW(parseMasterAddress("host:70000", c), std::invalid_argument);
    EXPECT_THROW(parseMasterAddress("host:http", c), std::invalid_argument);
}

TEST(DistributedContextCheck, NamesTheBadField) {
    DistributedContext c;
    c.worldSize = 2;
    c.rank = 2;
    try {
        validate(c);
        FAIL() << "rank 2 of 2 accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("rank"), std::string::npos);
    }
    c.rank = 1;
    c.backend = "mpi";
    EXPECT_THROW(validate(c), std::invalid_argument);
}

// 30 sequences of varied length over 20 items (7 training samples per sequence or more).
Splits smallSplits(const std::string& protocol) {
    Splits splits;
    splits.protocol = choiceNamed<Protocol>("protocol", protocol);
    splits.numItems = 20;
    splits.itemCounts.assign(20, 1);
    for (int s = 0; s < 30; ++s) {
        std::vector<int32_t> sequence;
        for (int p = 0; p < 8 + s % 5; ++p) sequence.push_back((s * 7 + p * 3) % 20);
        splits.trainSequences.push_back(sequence);
        splits.trainUsers.push_back(s);
    }
    return splits;
}

// Every global batch, the partial last one included, is the concatenation of the shards'
// slices, with the same negatives: the protocol with random cuts (comirec) checks that the
// cut stream does not depend on the shard; every-position batches (windows) slice the same way.
TEST(ShardedSampler, SlicesConcatenateToTheSingleProcessBatch) {
    for (const std::string protocol : {"loo", "comirec", "every-position"}) {
        const bool everyPosition = protocol == "every-position";
        const Splits splits = smallSplits(everyPosition ? "loo" : protocol);
        SamplerOptions single{12, 6, 0, NegativeSampler::Uniform, 7};
        single.everyPosition = everyPosition;
        TrainSampler whole(splits, single);
        constexpr int kShards = 3;
        std::vector<TrainSampler> shards;
        for (int r = 0; r < kShards; ++r) {
            SamplerOptions options = single;
            options.shard = r;
            options.shards = kShards;
            shards.emplace_back(splits, options);
        }
        EXPECT_EQ(shards[0].batchesPerEpoch(), whole.batchesPerEpoch());
        Batch expected;
        int batches = 0;
        while (whole.next(expected)) {
            ++batches;
            Batch joined;
            joined.size = 0;
            for (TrainSampler& shard : shards) {
                Batch part;
                ASSERT_TRUE(shard.next(part));
                EXPECT_EQ(shard.globalBatchTargets(), expected.targetCount());
                EXPECT_EQ(part.negatives, expected.negatives);
                // Full batches split evenly: 12 / 3 rows each.
                if (expected.size == 12) {
                    EXPECT_EQ(part.size, 4);
                }
                joined.size += part.size;
                joined.history.insert(joined.history.end(), part.history.begin(),
                                      part.history.end());
                joined.lengths.insert(joined.lengths.end(), part.lengths.begin(),
                                      part.lengths.end());
                joined.targets.insert(joined.targets.end(), part.targets.begin(),
                                      part.targets.end());
                joined.positionTargets.insert(joined.positionTargets.end(),
                                              part.positionTargets.begin(),
                                              part.positionTargets.end());
            }
            EXPECT_EQ(joined.size, expected.size) << protocol;
            EXPECT_EQ(joined.history, expected.history) << protocol;
            EXPECT_EQ(joined.lengths, expected.lengths) << protocol;
            EXPECT_EQ(joined.targets, expected.targets) << protocol;
            EXPECT_EQ(joined.positionTargets, expected.positionTargets) << protocol;
        }
        // The last batch is partial: loo has Σ (len − 1) = 6 · (8 + … + 12) − 30 = 270 samples,
        // comirec one per sequence = 30; both leave 6 rows (2 per shard) for the last batch.
        // Every position: 7 … 11 targets per sequence make 2 windows of ≤ 6 each, 60 rows.
        EXPECT_EQ(whole.samplesPerEpoch() % 12, everyPosition ? 0 : 6) << protocol;
        EXPECT_EQ(batches, whole.batchesPerEpoch());
    }
}

TEST(ShardedSampler, RejectsABatchSizeNotDivisibleByTheWorldSize) {
    const Splits splits = smallSplits("loo");
    SamplerOptions options{10, 6, 0, NegativeSampler::Uniform, 7};
    options.shards = 3;
    try {
        TrainSampler sampler(splits, options);
        FAIL() << "batch 10 over 3 shards accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("not a multiple of the world size 3"),
                  std::string::npos);
    }
    options.shards = 2;
    options.shard = 2;
    EXPECT_THROW(TrainSampler(splits, options), std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
