#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "ScratchDir.h"
#include "TestData.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>

// Every expected count below is from the "Verified statistics" of the folder's README in
// ../shared/data (computed there independently of this code).

namespace dimerec {
namespace {

Dataset load(const std::filesystem::path& path, float minRating = 0.0f) {
    DataConfig config;
    config.dataset = path.string();
    config.minRating = minRating;
    LoadOptions options;
    options.useCache = false;
    return loadDataset(config, options);
}

int32_t itemIndex(const Dataset& data, const std::string& id) {
    const auto it = std::find(data.itemIds.begin(), data.itemIds.end(), id);
    return it == data.itemIds.end() ? -1 : static_cast<int32_t>(it - data.itemIds.begin());
}

bool chronological(const Dataset& data) {
    return std::all_of(data.timestamps.begin(), data.timestamps.end(), [](const auto& times) {
        return std::is_sorted(times.begin(), times.end());
    });
}

TEST(RealData, MovieLens100k) {
    DIMEREC_REQUIRE_DATA(folder, "ml-100k");
    const Dataset data = load(folder);
    EXPECT_EQ(data.numInteractions(), 100000);
    EXPECT_EQ(data.numUsers(), 943);
    EXPECT_EQ(data.numItems(), 1682);
    EXPECT_EQ(data.numCategories(), 19);  // 18 genres + "unknown"
    EXPECT_TRUE(chronological(data));
    const int32_t item = itemIndex(data, "543");  // u.item line 543, Latin-1 "é"
    ASSERT_GE(item, 0);
    EXPECT_EQ(data.itemTitles[static_cast<size_t>(item)], "Mis\xC3\xA9rables, Les (1995)");
    size_t genres = 0;
    for (const auto& categories : data.itemCategories) genres += categories.size();
    EXPECT_NEAR(static_cast<double>(genres) / data.numItems(), 1.72, 0.005);  // README: mean 1.72
}

TEST(RealData, MovieLens1mSequencesWithGenres) {
    DIMEREC_REQUIRE_DATA(folder, "ml-1m");
    const Dataset data = load(folder);
    EXPECT_EQ(data.numInteractions(), 1000209);
    EXPECT_EQ(data.numUsers(), 6040);
    EXPECT_EQ(data.numItems(), 3706);
    EXPECT_EQ(data.numCategories(), 18);
    // sequences.txt line 1 starts "1 3186 1721"; movies.dat: 3186 is "Girl, Interrupted (1999)".
    EXPECT_EQ(data.userIds[0], "1");
    EXPECT_EQ(data.itemIds[static_cast<size_t>(data.sequences[0][0])], "3186");
    EXPECT_EQ(data.itemIds[static_cast<size_t>(data.sequences[0][1])], "1721");
    EXPECT_EQ(data.itemTitles[static_cast<size_t>(data.sequences[0][0])],
              "Girl, Interrupted (1999)");
    const int32_t item = itemIndex(data, "73");
    ASSERT_GE(item, 0);
    EXPECT_EQ(data.itemTitles[static_cast<size_t>(item)], "Mis\xC3\xA9rables, Les (1995)");
}

TEST(RealData, MovieLens1mRatingsDatXz) {
    DIMEREC_REQUIRE_DATA(file, "ml-1m-partial/ratings_users_1-2999.dat.xz");
#ifndef DIMEREC_HAVE_LZMA
    GTEST_SKIP() << "built without liblzma: xz input is refused with a clear error";
#endif
    const Dataset data = load(file);
    EXPECT_EQ(data.numInteractions(), 487650);
    EXPECT_EQ(data.numUsers(), 2999);
    EXPECT_EQ(data.numItems(), 3615);
    EXPECT_EQ(data.numCategories(), 18);
    EXPECT_TRUE(chronological(data));
    EXPECT_GE(data.timestamps.front().front(), 970620734);  // README: earliest timestamp
    // README rating counts: 108,545 fives.
    EXPECT_EQ(load(file, 5.0f).numInteractions(), 108545);
}

TEST(RealData, YelpS3Rec) {
    DIMEREC_REQUIRE_DATA(folder, "yelp-s3rec");
    const Dataset data = load(folder);
    EXPECT_EQ(data.numUsers(), 30431);
    EXPECT_EQ(data.numItems(), 20033);
    EXPECT_EQ(data.numInteractions(), 316354);  // repeat visits kept
    EXPECT_EQ(data.numCategories(), 1001);
    const int32_t item = itemIndex(data, "12182");  // the one item without categories
    ASSERT_GE(item, 0);
    EXPECT_TRUE(data.itemCategories[static_cast<size_t>(item)].empty());
}

TEST(RealData, AmazonBeautyS3Rec) {
    DIMEREC_REQUIRE_DATA(folder, "amazon-beauty-s3rec");
    const Dataset data = load(folder);
    EXPECT_EQ(data.numUsers(), 22363);
    EXPECT_EQ(data.numItems(), 12101);
    EXPECT_EQ(data.numInteractions(), 198502);
    EXPECT_EQ(data.numCategories(), 637);
}

TEST(RealData, MovieLensLatestSmallCsvFolder) {
    DIMEREC_REQUIRE_DATA(folder, "ml-latest-small");
    const Dataset data = load(folder);
    EXPECT_EQ(data.numInteractions(), 100836);
    EXPECT_EQ(data.numUsers(), 610);
    EXPECT_EQ(data.numItems(), 9724);
    EXPECT_TRUE(chronological(data));
}

TEST(RealData, GzipCopyOfMovieLens100kReadsTheSame) {
    DIMEREC_REQUIRE_DATA(file, "ml-100k/u.data");
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    test::ScratchDir dir;
    const std::filesystem::path zipped = dir.path() / "u.data.gz";
    gzFile out = gzopen(zipped.string().c_str(), "wb");
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    gzclose(out);
    const Dataset plain = load(file);
    const Dataset decompressed = load(zipped);
    EXPECT_EQ(decompressed.numInteractions(), 100000);
    EXPECT_EQ(decompressed.sequences, plain.sequences);
    EXPECT_EQ(decompressed.timestamps, plain.timestamps);
}

}  // namespace
}  // namespace dimerec
