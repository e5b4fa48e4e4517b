#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/ParseError.h"
#include "ScratchDir.h"
#include "TestData.h"

#include <gtest/gtest.h>

#include <string>

namespace dimerec {
namespace {

using Items = std::vector<int32_t>;
using test::ScratchDir;

// Importer fixtures, as copied into the build tree (see tests/core/data/CMakeLists.txt).
std::string fixture(const std::string& relative) {
    return (std::filesystem::path(DIMEREC_DATA_FIXTURES_DIR) / relative).string();
}

Dataset load(const std::string& path, const std::string& format = "auto", float minRating = 0.0f,
             LoadOptions options = {}) {
    DataConfig config;
    config.dataset = path;
    config.format = choiceNamed<DataFormat>("data.format", format);
    config.minRating = minRating;
    options.useCache = false;
    return loadDataset(config, options);
}

// Runs body, expects a ParseError and returns it for inspection.
template <typename Body>
ParseError parseErrorOf(Body&& body) {
    try {
        body();
    } catch (const ParseError& error) {
        return error;
    }
    ADD_FAILURE() << "expected a ParseError";
    return ParseError("", 0, "", "none");
}

TEST(Importers, MovieLensDatFolderWithLatin1Genres) {
    const Dataset data = load(fixture("ml-dat"));
    EXPECT_EQ(data.name, "ml-dat");
    // By hand from ratings.dat: users 1, 2; movies in order of first appearance 10, 20, 30;
    // user 1 rated 20 (t=50) before 10 (t=100); user 2: 20 (60), 10 (70), 30 (80).
    EXPECT_EQ(data.userIds, (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(data.itemIds, (std::vector<std::string>{"10", "20", "30"}));
    EXPECT_EQ(data.sequences, (std::vector<Items>{{1, 0}, {1, 0, 2}}));
    EXPECT_EQ(data.timestamps[0], (std::vector<int64_t>{50, 100}));
    EXPECT_EQ(data.itemTitles[0], "Mis\xC3\xA9rables, Les (1995)");  // Latin-1 é as UTF-8
    // Categories numbered as met in item order; movie 30 has none, movie 40 is never rated.
    EXPECT_EQ(data.categoryNames,
              (std::vector<std::string>{"Drama", "Musical", "Animation", "Children's", "Comedy"}));
    EXPECT_EQ(data.itemCategories, (std::vector<Items>{{0, 1}, {2, 3, 4}, {}}));
}

TEST(Importers, RatingThresholdKeepsHighRatings) {
    // Ratings >= 4: (1,10,5), (2,10,4 at t=70), (2,20,5 at t=60).
    const Dataset data = load(fixture("ml-dat/ratings.dat"), "auto", 4.0f);
    EXPECT_EQ(data.numInteractions(), 3);
    EXPECT_EQ(data.itemIds, (std::vector<std::string>{"10", "20"}));
    EXPECT_EQ(data.sequences, (std::vector<Items>{{0}, {1, 0}}));
}

TEST(Importers, MovieLens100kFlags) {
    const Dataset data = load(fixture("ml-100k"));
    // u.data rows (1,2,t300), (1,1,t100), (2,2,t200): items "2", "1"; user 1 saw 1 then 2.
    EXPECT_EQ(data.itemIds, (std::vector<std::string>{"2", "1"}));
    EXPECT_EQ(data.sequences, (std::vector<Items>{{1, 0}, {0}}));
    EXPECT_EQ(data.itemTitles[1], "Caf\xC3\xA9 au Lait (1993)");
    // Flag 0 is "unknown", flag 5 "Comedy" (u.genre order).
    EXPECT_EQ(data.categoryNames, (std::vector<std::string>{"unknown", "Comedy"}));
    EXPECT_EQ(data.itemCategories, (std::vector<Items>{{0}, {1}}));
}

TEST(Importers, SequenceFileWithItemAttributes) {
    const Dataset data = load(fixture("s3rec"));
    EXPECT_EQ(data.name, "s3rec");
    // Tiny.txt: "1 5 3 5 2", "2 3 4", "3 2 5 3"; items by first appearance 5, 3, 2, 4.
    EXPECT_EQ(data.itemIds, (std::vector<std::string>{"5", "3", "2", "4"}));
    EXPECT_EQ(data.sequences, (std::vector<Items>{{0, 1, 0, 2}, {1, 3}, {2, 0, 1}}));
    EXPECT_TRUE(data.timestamps.empty());
    // JSON: 5 → [7], 3 → [2], 2 → [1, 2], 4 → [].
    EXPECT_EQ(data.categoryNames, (std::vector<std::string>{"7", "2", "1"}));
    EXPECT_EQ(data.itemCategories, (std::vector<Items>{{0}, {1}, {2, 1}, {}}));
}

TEST(Importers, GzipIsReadTransparently) {
    const Dataset plain = load(fixture("s3rec/Tiny.txt"), "sequences");
    const Dataset zipped = load(fixture("tiny-gz.txt.gz"), "sequences");
    EXPECT_EQ(zipped.sequences, plain.sequences);
    EXPECT_EQ(zipped.itemIds, plain.itemIds);
}

TEST(Importers, DamagedGzipIsAClearError) {
    const ParseError error = parseErrorOf([] { load(fixture("damaged.txt.gz")); });
    EXPECT_NE(std::string(error.what()).find("damaged.txt.gz: unreadable gzip data"),
              std::string::npos)
        << error.what();
}

TEST(Importers, DelimitedLogWithNamedColumnsAndIsoDates) {
    LoadOptions options;
    options.columns.user = "uid";
    options.columns.item = "product";
    options.columns.timestamp = "when";
    options.columns.rating = "stars";
    options.columns.category = "tags";
    const Dataset data = load(fixture("logs/shop.csv"), "auto", 0.0f, options);
    // 2020-01-02 = 1577923200 s, 2020-01-01T10:00:00Z = 1577836800 + 36000 s: u1 saw p2 first.
    EXPECT_EQ(data.itemIds, (std::vector<std::string>{"p1", "p2"}));
    EXPECT_EQ(data.sequences, (std::vector<Items>{{1, 0}, {0}}));
    EXPECT_EQ(data.timestamps[0], (std::vector<int64_t>{1577872800, 1577923200}));
    EXPECT_EQ(data.categoryNames, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(data.itemCategories, (std::vector<Items>{{0, 1}, {1}}));
    // Rating >= 3 drops u2's only row.
    EXPECT_EQ(load(fixture("logs/shop.csv"), "csv", 3.0f, options).numUsers(), 1);
}

TEST(Importers, MappingThatNamesNoColumnIsAnError) {
    LoadOptions options;
    options.columns.item = "sku";
    const ParseError error =
        parseErrorOf([&] { load(fixture("logs/shop.csv"), "csv", 0.0f, options); });
    EXPECT_EQ(error.field(), "item");
    EXPECT_EQ(error.line(), 1);
    EXPECT_NE(std::string(error.what())
                  .find("no column named 'sku'; the header has: uid, product, "
                        "when, stars, tags"),
              std::string::npos)
        << error.what();
    // Without a mapping, "product" is no usual item column name.
    const ParseError undetected = parseErrorOf([] { load(fixture("logs/shop.csv")); });
    EXPECT_EQ(undetected.field(), "item");
}

TEST(Importers, HeaderlessLogByIndex) {
    ScratchDir dir;
    const auto file = dir.write("log.tsv", "a\tx\t5\nb\ty\t3\na\ty\t1\n");
    LoadOptions options;
    options.columns = parseColumnMapping("user=0,item=1,timestamp=2,header=no");
    const Dataset data = load(file.string(), "csv", 0.0f, options);
    // Tab detected; user a: y (t=1) then x (t=5).
    EXPECT_EQ(data.itemIds, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(data.sequences, (std::vector<Items>{{1, 0}, {1}}));
    EXPECT_THROW(parseColumnMapping("user"), std::invalid_argument);
    EXPECT_THROW(parseColumnMapping("shoe=1"), std::invalid_argument);
}

TEST(Importers, MalformedLineNamesFileLineAndField) {
    ScratchDir dir;
    const auto file = dir.write("ratings.dat", "1::10::5::100\n1::x1::3::50\n2::10::4::70\n");
    const ParseError error = parseErrorOf([&] { load(file.string()); });
    EXPECT_EQ(error.file(), file.string());
    EXPECT_EQ(error.line(), 2);
    EXPECT_EQ(error.field(), "MovieID");
    EXPECT_NE(std::string(error.what()).find("expected an integer, got 'x1'"), std::string::npos);
}

TEST(Importers, SkippingBadLinesIsExplicitAndCounted) {
    ScratchDir dir;
    const auto file =
        dir.write("ratings.dat", "1::10::5::100\n1::x1::3::50\n2::10\n2::10::4::70\n");
    LoadOptions options;
    options.skipBadLines = true;
    const Dataset data = load(file.string(), "auto", 0.0f, options);
    EXPECT_EQ(data.numInteractions(), 2);
    EXPECT_EQ(data.skippedLines, 2);
    EXPECT_NE(data.firstSkipped.find(":2: field 'MovieID'"), std::string::npos)
        << data.firstSkipped;
}

TEST(Importers, SequenceLineWithoutItemsIsMalformed) {
    ScratchDir dir;
    const auto file = dir.write("seq.txt", "1 2 3\n2\n");
    const ParseError error = parseErrorOf([&] { load(file.string()); });
    EXPECT_EQ(error.line(), 2);
    EXPECT_NE(std::string(error.what()).find("expected a user id followed by at least one item"),
              std::string::npos);
}

TEST(Importers, WrongEncodingIsReportedWithItsLine) {
    ScratchDir dir;
    const auto file = dir.write("seq.txt", "1 a b\n2 caf\xE9 b\n");
    const ParseError error = parseErrorOf([&] { load(file.string()); });
    EXPECT_EQ(error.line(), 2);
    EXPECT_NE(std::string(error.what()).find("byte 0xE9 is not valid UTF-8"), std::string::npos)
        << error.what();
    const auto utf16 = dir.write("wide.txt", std::string("\xFF\xFE"
                                                         "1\0 \0"
                                                         "2\0",
                                                         8));
    EXPECT_NE(std::string(parseErrorOf([&] { load(utf16.string()); }).what()).find("UTF-16"),
              std::string::npos);
}

TEST(Importers, EmptyFileIsAnError) {
    ScratchDir dir;
    const auto file = dir.write("empty.txt", "");
    const ParseError error = parseErrorOf([&] { load(file.string()); });
    EXPECT_EQ(error.line(), 0);
    EXPECT_NE(std::string(error.what()).find("the file is empty"), std::string::npos);
    const auto blank = dir.write("blank.txt", "\n\n");
    EXPECT_NE(std::string(parseErrorOf([&] { load(blank.string()); }).what()).find("no sequences"),
              std::string::npos);
}

TEST(Importers, AttributeFileOfAnotherDatasetIsRejected) {
    ScratchDir dir;
    dir.write("X.txt", "1 a b\n");
    dir.write("X_item2attributes.json", "{\"a\": [1], \"zz\": [2]}");
    const ParseError unknown = parseErrorOf([&] { load(dir.path().string()); });
    EXPECT_EQ(unknown.field(), "zz");
    EXPECT_NE(std::string(unknown.what()).find("does not occur in the interactions"),
              std::string::npos);
    dir.write("X_item2attributes.json", "{\"a\": [1,\n 2");
    const ParseError broken = parseErrorOf([&] { load(dir.path().string()); });
    EXPECT_EQ(broken.line(), 2);
    EXPECT_NE(std::string(broken.what()).find("not valid JSON"), std::string::npos);
    // Found by the parser fuzzer: a number beyond double range is no parse_error in
    // nlohmann-json but must still become a ParseError.
    dir.write("X_item2attributes.json", "{\"a\": [222222222e222222222]}");
    EXPECT_NE(std::string(parseErrorOf([&] { load(dir.path().string()); }).what()).find("JSON"),
              std::string::npos);
}

TEST(Importers, KCoreThatLeavesNothingIsAnError) {
    DataConfig config;
    config.dataset = fixture("s3rec");
    config.userCore = 10;
    LoadOptions options;
    options.useCache = false;
    try {
        loadDataset(config, options);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("no interactions left after"), std::string::npos);
    }
}

TEST(Importers, DetectsFormatsAndRejectsWhatFitsNothing) {
    EXPECT_EQ(resolveDatasetSource(fixture("ml-dat"), DataFormat::Auto).reader, "movielens-dat");
    EXPECT_EQ(resolveDatasetSource(fixture("ml-100k"), DataFormat::Auto).reader, "movielens-100k");
    const DatasetSource s3rec = resolveDatasetSource(fixture("s3rec"), DataFormat::Auto);
    EXPECT_EQ(s3rec.reader, "sequences");
    EXPECT_EQ(s3rec.itemInfo.filename(), "Tiny_item2attributes.json");
    EXPECT_EQ(resolveDatasetSource(fixture("logs/shop.csv"), DataFormat::Auto).reader, "delimited");
    EXPECT_EQ(resolveDatasetSource("default", DataFormat::Auto).reader, "embedded");
    EXPECT_THROW(resolveDatasetSource(fixture("logs"), DataFormat::Auto), std::invalid_argument);
    EXPECT_THROW(resolveDatasetSource(fixture("nothing-here"), DataFormat::Auto),
                 std::invalid_argument);
    EXPECT_THROW(resolveDatasetSource(fixture("ml-dat/movies.dat"), DataFormat::Auto),
                 std::invalid_argument);
    // A forced format that the folder does not hold.
    EXPECT_THROW(resolveDatasetSource(fixture("ml-dat"), DataFormat::Sequences),
                 std::invalid_argument);
}

}  // namespace
}  // namespace dimerec
