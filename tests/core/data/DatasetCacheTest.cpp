#include "config/ConfigFields.h"
#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetCache.h"
#include "data/DatasetLoader.h"
#include "data/Preprocess.h"
#include "ScratchDir.h"
#include "TestData.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace dimerec {
namespace {

using test::ScratchDir;

bool sameContent(const Dataset& a, const Dataset& b) {
    return a.name == b.name && a.source == b.source && a.fingerprint == b.fingerprint &&
           a.userIds == b.userIds && a.itemIds == b.itemIds && a.itemTitles == b.itemTitles &&
           a.sequences == b.sequences && a.timestamps == b.timestamps &&
           a.categoryNames == b.categoryNames && a.itemCategories == b.itemCategories &&
           a.skippedLines == b.skippedLines && a.firstSkipped == b.firstSkipped;
}

std::string readAll(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A value of the field other than its default.
nlohmann::json otherValue(const FieldDescriptor& field) {
    const nlohmann::json& value = field.defaultValue;
    switch (field.kind) {
        case FieldKind::Integer:
        case FieldKind::Seed:
            return value.get<int64_t>() + 1;
        case FieldKind::Real:
            return value.get<double>() + 1.0;
        case FieldKind::Bool:
            return !value.get<bool>();
        case FieldKind::Choice:
            for (const auto& choice : field.choices) {
                if (choice.first != value.get<std::string>()) return choice.first;
            }
            break;
        case FieldKind::Text:
        case FieldKind::IntList:
            break;
    }
    ADD_FAILURE() << field.key << ": give this test another value of its kind";
    return value;
}

struct CacheFixture : ::testing::Test {
    ScratchDir dir;
    std::filesystem::path ratings =
        dir.write("data/ratings.dat", "1::10::5::100\n1::20::3::50\n2::10::4::70\n2::30::2::80\n");
    LoadOptions options;
    DataConfig config;

    void SetUp() override {
        options.cacheDir = (dir.path() / "cache").string();
        config.dataset = ratings.string();
    }
    DatasetCache cache() const { return DatasetCache(options.cacheDir); }
};

TEST_F(CacheFixture, StoresAndReloadsEveryField) {
    const Dataset built = loadDataset(config, options);
    EXPECT_EQ(built.fingerprint.size(), 64u);  // SHA-256 hex
    ASSERT_TRUE(std::filesystem::exists(cache().fileFor(built.fingerprint)));
    const std::optional<Dataset> cached = cache().load(built.fingerprint);
    ASSERT_TRUE(cached.has_value());
    EXPECT_TRUE(sameContent(*cached, built));
    EXPECT_TRUE(sameContent(loadDataset(config, options), built));
}

TEST_F(CacheFixture, AHitSkipsParsing) {
    Dataset built = loadDataset(config, options);
    // Plant a marker under the same fingerprint: a reload that parsed would not show it.
    built.itemTitles[0] = "from the cache";
    ASSERT_TRUE(cache().store(built));
    EXPECT_EQ(loadDataset(config, options).itemTitles[0], "from the cache");
    LoadOptions uncached = options;
    uncached.useCache = false;
    EXPECT_EQ(loadDataset(config, uncached).itemTitles[0], "");
}

TEST_F(CacheFixture, ChangedFileOrOptionRebuilds) {
    const Dataset first = loadDataset(config, options);
    DataConfig stricter = config;
    stricter.minRating = 4.0f;
    const Dataset filtered = loadDataset(stricter, options);
    EXPECT_NE(filtered.fingerprint, first.fingerprint);
    EXPECT_EQ(filtered.numInteractions(), 2);  // ratings 5 and 4
    DataConfig cored = config;
    cored.userCore = 2;
    EXPECT_NE(loadDataset(cored, options).fingerprint, first.fingerprint);

    std::ofstream(ratings, std::ios::app) << "3::10::1::90\n";
    const Dataset changed = loadDataset(config, options);
    EXPECT_NE(changed.fingerprint, first.fingerprint);
    EXPECT_EQ(changed.numUsers(), 3);
}

// Stored runs and the dataset cache name datasets by fingerprint: these are pinned as commit
// ab43c7f computed them (its preprocessing key written out by hand), so that deriving the key
// from the field table changes none of them. The three of the file agree with Python's
// hashlib.sha256 of "dimerec-dataset-v1\nmovielens-dat\n" + key + "\nskip=0\n" +
// "ratings.dat\n<size>\n" + the file's bytes, key e.g. "minRating=3.5;userCore=1;itemCore=1".
TEST_F(CacheFixture, FingerprintsStayPinned) {
    options.useCache = false;
    const auto fingerprint = [&](float minRating, int userCore, int itemCore) {
        DataConfig c = config;
        c.minRating = minRating;
        c.userCore = userCore;
        c.itemCore = itemCore;
        return loadDataset(c, options).fingerprint;
    };
    EXPECT_EQ(fingerprint(0.0f, 0, 0),
              "71e1254887f9d5d15460a46c134da281785a2f1e9f517d477a95ffd2a76c153a");
    EXPECT_EQ(fingerprint(3.5f, 1, 1),
              "af84abd4122419af21c684d476e9d2b9de9ef8576505e7b2a0509c22a1f061a1");
    EXPECT_EQ(fingerprint(0.1f, 0, 2),
              "20d85e862730ec809ace64f40075181d120206829d59658ef90deaeb80ef6a47");
    // The embedded default dataset.
    EXPECT_EQ(loadDataset(DataConfig{}, options).fingerprint,
              "eb8d7d643f4e27ea65868b4c9d022c07084b3dd141291f0d0abfc174f582a32f");
}

// A new field flagged kPreprocessing enters the fingerprint with no further line: every such
// field changes it, and nothing else in the table's preprocessing part does.
TEST_F(CacheFixture, EveryPreprocessingFieldChangesTheFingerprint) {
    options.useCache = false;
    const std::string base = loadDataset(config, options).fingerprint;
    int flagged = 0;
    for (const FieldDescriptor& field : runConfigFields()) {
        if (!field.has(kPreprocessing)) continue;
        ++flagged;
        RunConfig changed;
        changed.data = config;
        field.set(changed, otherValue(field));
        EXPECT_NE(loadDataset(changed.data, options).fingerprint, base) << field.key;
        EXPECT_FALSE(sameDataset(changed.data, config)) << field.key;
    }
    EXPECT_EQ(flagged, 3);  // minRating, userCore, itemCore
}

TEST_F(CacheFixture, CorruptOrTruncatedFileIsIgnoredAndRebuilt) {
    const Dataset built = loadDataset(config, options);
    const std::filesystem::path file = cache().fileFor(built.fingerprint);
    const std::string good = readAll(file);

    std::string flipped = good;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5A);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << flipped;
    EXPECT_FALSE(cache().load(built.fingerprint).has_value());
    EXPECT_TRUE(sameContent(loadDataset(config, options), built));
    EXPECT_EQ(readAll(file), good);  // rewritten

    for (const size_t keep : {size_t{0}, size_t{5}, good.size() - 1}) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << good.substr(0, keep);
        EXPECT_FALSE(cache().load(built.fingerprint).has_value()) << keep;
        EXPECT_TRUE(sameContent(loadDataset(config, options), built)) << keep;
    }
}

TEST_F(CacheFixture, UnwritableDirectoryOnlyCostsTime) {
    options.cacheDir = (dir.path() / "data" / "ratings.dat" / "sub").string();  // under a file
    EXPECT_EQ(loadDataset(config, options).numInteractions(), 4);
}

// The names in a key, in its order.
std::vector<std::string> namesIn(const std::string& key) {
    std::vector<std::string> names;
    std::istringstream parts(key);
    for (std::string part; std::getline(parts, part, ';');) {
        names.push_back(part.substr(0, part.find('=')));
    }
    return names;
}

// The key names every field flagged kPreprocessing, in the table's order, by its name inside
// DataConfig (preprocess() reads them from there); at its default, a field added after hash
// v1 stays out (so that the fingerprints of existing datasets stay).
TEST(PreprocessingKey, NamesExactlyTheFieldsFlaggedPreprocessing) {
    std::vector<std::string> flagged;
    std::vector<std::string> original;
    RunConfig changed;
    for (const FieldDescriptor& field : runConfigFields()) {
        if (!field.has(kPreprocessing)) continue;
        EXPECT_TRUE(field.has(kChangesDataset)) << field.key;
        EXPECT_EQ(field.key.rfind("data.", 0), 0u) << field.key;
        const std::string name = field.key.substr(field.key.find('.') + 1);
        flagged.push_back(name);
        if (!field.has(kAddedAfterHashV1)) original.push_back(name);
        field.set(changed, otherValue(field));
    }
    EXPECT_EQ(namesIn(preprocessingKey(changed.data)), flagged);
    EXPECT_EQ(namesIn(preprocessingKey(DataConfig{})), original);
}

// The form the hand-written key had (commit ab43c7f): an ostream's default output of the
// float and the two integers (6 significant digits: 123456.7f prints as 123457).
TEST(PreprocessingKey, KeepsTheHandWrittenForm) {
    DataConfig config;
    EXPECT_EQ(preprocessingKey(config), "minRating=0;userCore=0;itemCore=0");
    config.minRating = 0.1f;
    config.userCore = 5;
    config.itemCore = 20;
    EXPECT_EQ(preprocessingKey(config), "minRating=0.1;userCore=5;itemCore=20");
    config.minRating = 1e-7f;
    EXPECT_EQ(preprocessingKey(config), "minRating=1e-07;userCore=5;itemCore=20");
    config.minRating = 123456.7f;
    EXPECT_EQ(preprocessingKey(config), "minRating=123457;userCore=5;itemCore=20");
}

TEST(DatasetCache, DefaultDirectoryFollowsTheEnvironment) {
    const char* saved = std::getenv("DIMEREC_CACHE_DIR");
    const std::string savedValue = saved != nullptr ? saved : "";
    const char* savedXdg = std::getenv("XDG_CACHE_HOME");
    const std::string savedXdgValue = savedXdg != nullptr ? savedXdg : "";
    ::unsetenv("DIMEREC_CACHE_DIR");
    ::setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
    EXPECT_EQ(DatasetCache::defaultDirectory(), std::filesystem::path("/tmp/xdg-test/dimerec"));
    ::setenv("DIMEREC_CACHE_DIR", "/tmp/elsewhere", 1);
    EXPECT_EQ(DatasetCache::defaultDirectory(), std::filesystem::path("/tmp/elsewhere"));
    if (saved != nullptr) {
        ::setenv("DIMEREC_CACHE_DIR", savedValue.c_str(), 1);
    } else {
        ::unsetenv("DIMEREC_CACHE_DIR");
    }
    if (savedXdg != nullptr) {
        ::setenv("XDG_CACHE_HOME", savedXdgValue.c_str(), 1);
    } else {
        ::unsetenv("XDG_CACHE_HOME");
    }
}

TEST(DatasetCache, RealMovieLens1mRoundTrip) {
    DIMEREC_REQUIRE_DATA(folder, "ml-1m");
    ScratchDir dir;
    DataConfig config;
    config.dataset = folder.string();
    LoadOptions options;
    options.cacheDir = dir.path().string();
    const Dataset built = loadDataset(config, options);
    const Dataset reloaded = loadDataset(config, options);
    EXPECT_TRUE(sameContent(reloaded, built));
    EXPECT_EQ(reloaded.numInteractions(), 1000209);  // ml-1m/README.md
}

}  // namespace
}  // namespace dimerec
