#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/DatasetStatistics.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "TestData.h"

#include <gtest/gtest.h>

namespace dimerec {
namespace {

TEST(DatasetStatistics, HandComputedDistributions) {
    Dataset data;
    data.name = "tiny";
    data.itemIds = {"a", "b", "c", "d"};
    data.sequences = {{0, 1, 0, 2}, {1, 3}, {2, 0, 1}};
    data.categoryNames = {"x", "y", "z"};
    data.itemCategories = {{0}, {1}, {2, 1}, {}};
    const DatasetStatistics stats = summarize(data);
    EXPECT_EQ(stats.interactions, 9);
    EXPECT_DOUBLE_EQ(stats.density, 9.0 / 12.0);
    // Lengths 4, 2, 3.
    EXPECT_EQ(stats.minLength, 2);
    EXPECT_EQ(stats.maxLength, 4);
    EXPECT_DOUBLE_EQ(stats.meanLength, 3.0);
    EXPECT_DOUBLE_EQ(stats.medianLength, 3.0);
    EXPECT_EQ(stats.lengthHistogram, (std::vector<int64_t>{0, 0, 1, 1, 1}));
    EXPECT_EQ(stats.repeatInteractions, 1);  // item 0 twice in the first sequence
    // Counts per item: a 3, b 3, c 2, d 1.
    EXPECT_EQ(stats.itemPopularity, (std::vector<int64_t>{3, 3, 2, 1}));
    EXPECT_EQ(stats.singletonItems, 1);
    // ⌈1 %·4⌉ = ⌈10 %·4⌉ = ⌈20 %·4⌉ = 1 item, holding 3 of 9 interactions.
    EXPECT_DOUBLE_EQ(stats.top20PercentShare, 3.0 / 9.0);
    EXPECT_EQ(stats.categoryItems, (std::vector<int64_t>{1, 2, 1}));
    EXPECT_EQ(stats.categoryInteractions, (std::vector<int64_t>{3, 5, 2}));
    EXPECT_EQ(stats.itemsWithoutCategory, 1);
    EXPECT_DOUBLE_EQ(stats.meanCategoriesPerItem, 1.0);
}

TEST(DatasetStatistics, EvenCountMedianAndEmptyDataset) {
    Dataset data;
    data.itemIds = {"a"};
    data.itemCategories = {{}};
    data.sequences = {{0}, {0, 0, 0}};
    EXPECT_DOUBLE_EQ(summarize(data).medianLength, 2.0);
    const DatasetStatistics empty = summarize(Dataset{});
    EXPECT_EQ(empty.interactions, 0);
    EXPECT_TRUE(empty.lengthHistogram.empty());
}

TEST(DatasetStatistics, YelpMatchesItsReadme) {
    DIMEREC_REQUIRE_DATA(folder, "yelp-s3rec");
    DataConfig config;
    config.dataset = folder.string();
    LoadOptions options;
    options.useCache = false;
    const Dataset data = loadDataset(config, options);
    const DatasetStatistics stats = summarize(data);
    // yelp-s3rec/README.md: lengths 5..350, 11,830 repeat interactions, 4.84 categories per
    // item, one item without categories.
    EXPECT_EQ(stats.minLength, 5);
    EXPECT_EQ(stats.maxLength, 350);
    EXPECT_EQ(stats.repeatInteractions, 11830);
    EXPECT_NEAR(stats.meanCategoriesPerItem, 4.84, 0.005);
    EXPECT_EQ(stats.itemsWithoutCategory, 1);
    EXPECT_EQ(stats.itemPopularity.back(), 5);  // every item occurs at least 5 times
    // Issue 19: about 2,000 of 30,431 leave-one-out test targets repeat a history item; counted
    // in Python on Yelp.txt (last item in the items before it): 2,027 (2,020 in the last 50).
    config.protocol = Protocol::Loo;
    const TargetsInHistory repeats = testTargetsInHistory(makeSplits(data, config));
    EXPECT_EQ(repeats.targets, 30431);
    EXPECT_EQ(repeats.inHistory, 2027);
}

// Leave-one-out: the test target is a sequence's last item, the history everything before it.
TEST(DatasetStatistics, CountsLeaveOneOutTestTargetsInTheirHistory) {
    Dataset data;
    data.itemIds = {"a", "b", "c", "d"};
    data.sequences = {
        {0, 1, 2, 0},  // target 0, history 0 1 2: in it
        {1, 2, 3},     // target 3, history 1 2: not
        {2, 3, 2},     // target 2, history 2 3: in it
        {3, 1},        // too short for a test case
        {1, 0, 3, 2},  // target 2, history 1 0 3: not
    };
    DataConfig config;
    config.protocol = Protocol::Loo;
    const TargetsInHistory counts = testTargetsInHistory(makeSplits(data, config));
    EXPECT_EQ(counts.targets, 4);
    EXPECT_EQ(counts.inHistory, 2);
    EXPECT_DOUBLE_EQ(counts.share(), 0.5);
}

// ComiRec cases hold several targets each; every one counts.
TEST(DatasetStatistics, CountsEveryTargetOfACase) {
    Splits splits;
    splits.test = {{0, {1, 2}, {2, 3, 1}}, {1, {4}, {}}, {2, {0}, {4}}};
    const TargetsInHistory counts = testTargetsInHistory(splits);
    EXPECT_EQ(counts.targets, 4);    // 3 + 0 + 1
    EXPECT_EQ(counts.inHistory, 2);  // 2 and 1 of the first case
    EXPECT_DOUBLE_EQ(counts.share(), 0.5);
    EXPECT_DOUBLE_EQ(TargetsInHistory{}.share(), 0.0);
}

}  // namespace
}  // namespace dimerec
