#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/DefaultDataset.h"
#include "data/EmbeddedDataset.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dimerec {
namespace {

// Expected counts from the GroupLens README of ml-latest-small (100,836 ratings, 610 users,
// 9,742 movies of which 9,724 are rated; 20 genre labels incl. "(no genres listed)", which we
// treat as "no category", so 19 categories among rated movies plus IMAX).
TEST(DefaultDataset, LoadsAllRatingsOfMovieLensLatestSmall) {
    const Dataset data = loadDefaultDataset();
    EXPECT_EQ(data.numInteractions(), 100836);
    EXPECT_EQ(data.numUsers(), 610);
    EXPECT_EQ(data.numItems(), 9724);
    EXPECT_EQ(data.numCategories(), 19);
    EXPECT_EQ(data.userIds.front(), "1");
}

TEST(DefaultDataset, SequencesAreChronologicalAndTitled) {
    const Dataset data = loadDefaultDataset();
    ASSERT_EQ(data.timestamps.size(), data.sequences.size());
    for (const auto& times : data.timestamps) {
        EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
    }
    // movieId 1 is "Toy Story (1995)" with genres Adventure|Animation|Children|Comedy|Fantasy.
    const auto it = std::find(data.itemIds.begin(), data.itemIds.end(), "1");
    ASSERT_NE(it, data.itemIds.end());
    const auto item = static_cast<int32_t>(it - data.itemIds.begin());
    EXPECT_EQ(data.itemTitles[static_cast<size_t>(item)], "Toy Story (1995)");
    ASSERT_EQ(data.itemCategories[static_cast<size_t>(item)].size(), 5u);
    EXPECT_EQ(data.categoryNames[static_cast<size_t>(data.primaryCategory(item))], "Adventure");
}

TEST(DefaultDataset, FingerprintMatchesTheLoaderEntryPoint) {
    const Dataset data = loadDefaultDataset();
    EXPECT_EQ(data.fingerprint.size(), 64u);  // SHA-256 hex
    LoadOptions options;
    options.useCache = false;
    EXPECT_EQ(loadDataset(DataConfig{}, options).fingerprint, data.fingerprint);
}

TEST(DefaultDataset, ShipsTheGroupLensLicence) {
    EXPECT_NE(embeddedDatasetFiles().readme.find("Usage License"), std::string_view::npos);
}

}  // namespace
}  // namespace dimerec
