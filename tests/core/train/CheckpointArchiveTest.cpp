// The checkpoint archive check (train/CheckpointArchive) that runs before LibTorch's reader:
// a checkpoint saveCheckpoint wrote passes; damaged and foreign files are refused with a
// message naming the file and what is wrong, by our code, not LibTorch's.
#include "model/Recommender.h"
#include "train/Checkpoint.h"
#include "train/CheckpointArchive.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace dimerec {
namespace {

namespace fs = std::filesystem;

const std::string kDamaged = "; use another checkpoint of the run, or train again";
const std::string kForeign = "; give a checkpoint that dimerec train wrote";

class CheckpointArchiveTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device device;
        dir_ = fs::path(::testing::TempDir()) /
               ("dimerec-archive-" + std::to_string(device()) + std::to_string(device()));
        fs::create_directories(dir_);
        RunConfig config;
        config.model.gem = GemKind::Rule;
        config.model.dim = 4;
        config.model.interests = 1;
        config.model.diffusionSteps = 4;
        config.data.maxLength = 4;
        model_ = makeRecommender(config.model, 6, config.data.maxLength, {});
        good_ = (dir_ / "good.pt").string();
        saveCheckpoint(good_, config, *model_, nullptr, TrainingState{}, snapshotModel(*model_));
        std::ifstream in(good_, std::ios::binary);
        bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        // The archive's folder: the name of the first local header (length at offset 26).
        const size_t nameLength =
            static_cast<unsigned char>(bytes_[26]) | static_cast<unsigned char>(bytes_[27]) << 8;
        const std::string first = bytes_.substr(30, nameLength);
        folder_ = first.substr(0, first.find('/') + 1);
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    // The good checkpoint with every occurrence of `from` (in the local and the central
    // headers alike, for a name) replaced by `to`, of the same length.
    std::string withReplaced(const std::string& from, const std::string& to) const {
        EXPECT_EQ(from.size(), to.size());
        std::string out = bytes_;
        size_t replaced = 0;
        for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) {
            out.replace(at, from.size(), to);
            ++replaced;
        }
        EXPECT_GT(replaced, 0u) << from;
        return out;
    }

    static std::string refusal(const std::string& path) {
        try {
            checkCheckpointArchive(path);
        } catch (const std::runtime_error& error) {
            return error.what();
        }
        return "accepted";
    }

    fs::path dir_;
    std::unique_ptr<Recommender> model_;
    std::string good_;
    std::string bytes_;
    std::string folder_;
};

TEST_F(CheckpointArchiveTest, ACheckpointSaveCheckpointWrotePassesAndLoads) {
    EXPECT_EQ(refusal(good_), "accepted");
    EXPECT_NO_THROW(loadCheckpoint(good_, *model_, nullptr));
}

TEST_F(CheckpointArchiveTest, ATruncatedCheckpointIsDamaged) {
    for (const size_t keep : {bytes_.size() / 2, bytes_.size() - 1, size_t{100}}) {
        const std::string path = write("cut.pt", bytes_.substr(0, keep));
        EXPECT_EQ(refusal(path), "checkpoint '" + path +
                                     "': is damaged (cut short: the zip directory at its end is "
                                     "missing)" +
                                     kDamaged)
            << keep << " bytes";
    }
}

TEST_F(CheckpointArchiveTest, AFileThatIsNoZipArchiveIsNotACheckpoint) {
    const std::string empty = write("empty.pt", "");
    EXPECT_EQ(refusal(empty), "checkpoint '" + empty +
                                  "': not a DimeRec checkpoint (the file is empty)" + kForeign);
    const std::string text = write("text.pt", "user,item\n1,2\n");
    EXPECT_EQ(refusal(text),
              "checkpoint '" + text + "': not a DimeRec checkpoint (not a zip archive)" + kForeign);
    // The loaders refuse it with the same message, before LibTorch reads it.
    try {
        readCheckpointConfig(text);
        ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& error) {
        EXPECT_EQ(std::string(error.what()), refusal(text));
    }
}

TEST_F(CheckpointArchiveTest, AForeignZipArchiveIsNotACheckpoint) {
    // A zip file of notes (as `zip` writes it: stored, with one entry "notes/data.txt").
    const std::string path =
        (fs::path(DIMEREC_SOURCE_DIR) / "tests/fixtures/bad/checkpoints/foreign-zip.pt").string();
    EXPECT_EQ(refusal(path), "checkpoint '" + path +
                                 "': not a DimeRec checkpoint (entry 'notes/data.txt' is not one a "
                                 "LibTorch archive holds)" +
                                 kForeign);
}

TEST_F(CheckpointArchiveTest, AnArchiveWithOtherEntriesIsNotACheckpoint) {
    // An entry LibTorch does not write.
    const std::string renamed = write("renamed.pt", withReplaced("/data.pkl", "/data.pkx"));
    EXPECT_EQ(refusal(renamed), "checkpoint '" + renamed + "': not a DimeRec checkpoint (entry '" +
                                    folder_ + "data.pkx' is not one a LibTorch archive holds)" +
                                    kForeign);
    // A required entry missing ('version' renamed to a code entry of the same length).
    const std::string noVersion = write("no-version.pt", withReplaced("/version", "/code/xy"));
    EXPECT_EQ(refusal(noVersion), "checkpoint '" + noVersion +
                                      "': not a DimeRec checkpoint (a zip archive without the "
                                      "entry '" +
                                      folder_ + "version' that LibTorch writes)" + kForeign);
}

TEST_F(CheckpointArchiveTest, ChangedBytesAreFoundByTheirCrc) {
    // The first entry's data starts behind its local header; the first tensor's bytes follow
    // LibTorch's alignment padding ("FB" extra field of 'Z's), so flip a byte near its end.
    const size_t data = bytes_.find("ZZZZ");
    ASSERT_NE(data, std::string::npos);
    const size_t padEnd = bytes_.find_first_not_of('Z', data);
    std::string flipped = bytes_;
    flipped[padEnd + 3] = static_cast<char>(flipped[padEnd + 3] ^ 0x40);
    const std::string path = write("flipped.pt", flipped);
    EXPECT_EQ(refusal(path), "checkpoint '" + path + "': is damaged (entry '" + folder_ +
                                 "data/0' fails its CRC-32 check)" + kDamaged);
}

TEST_F(CheckpointArchiveTest, ADirectoryPointingOutsideTheFileIsDamaged) {
    // The end record's "offset of the central directory" (bytes 16-19 of the last 22).
    std::string moved = bytes_;
    const size_t end = moved.size() - 22;
    moved[end + 19] = '\x7f';
    const std::string path = write("moved.pt", moved);
    EXPECT_EQ(refusal(path), "checkpoint '" + path +
                                 "': is damaged (the zip directory lies outside the file)" +
                                 kDamaged);
}

}  // namespace
}  // namespace dimerec
