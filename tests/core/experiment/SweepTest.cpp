#include "experiment/Sweep.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dimerec {
namespace {

using nlohmann::json;

// The shape of experiments/*.json: 2 variants × (2 λ × 3 μ) × 2 seeds.
json ablationFile() {
    return json::parse(R"({
        "study": "lambda-mu",
        "description": "test file",
        "base": { "model": { "dim": 16 }, "train": { "epochs": 2, "threads": 2 } },
        "grid": { "model.mu": [0, 0.5, 1], "model.lambda": [0.1, 2] },
        "variants": [ { "name": "full" },
                      { "name": "rule GEM", "set": { "model.gem": "rule" } } ],
        "seeds": [1, 2],
        "profiles": { "full": { "train.epochs": 50, "seeds": [1, 2, 3],
                                "grid": { "model.lambda": [0.1, 0.5, 1, 2] } } },
        "resources": { "cpusPerTask": 4, "time": "01:00:00" }
    })");
}

std::string errorOf(const json& file, const std::string& profile = "") {
    try {
        experimentFromJson(file, "exp.json", profile);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "no error";
}

TEST(Sweep, ReadsTheFileAndItsDefaults) {
    const ExperimentFile e = experimentFromJson(ablationFile(), "exp.json");
    EXPECT_EQ(e.study, "lambda-mu");
    EXPECT_EQ(e.description, "test file");
    EXPECT_EQ(e.base.model.dim, 16);
    EXPECT_EQ(e.base.train.epochs, 2);
    ASSERT_EQ(e.grid.size(), 2u);
    // Axes in alphabetical field order, whatever the file's order.
    EXPECT_EQ(e.grid[0].field, "model.lambda");
    EXPECT_EQ(e.grid[1].field, "model.mu");
    ASSERT_EQ(e.variants.size(), 2u);
    EXPECT_EQ(e.variants[1].overrides.at(0).first, "model.gem");
    EXPECT_EQ(e.seeds, (std::vector<uint64_t>{1, 2}));
    EXPECT_EQ(e.profiles, (std::vector<std::string>{"full"}));
    EXPECT_EQ(e.profile, "");
    EXPECT_EQ(e.resources.cpusPerTask, 4);
    EXPECT_EQ(e.resources.memory, "4G");  // default kept
    EXPECT_EQ(e.resources.time, "01:00:00");

    // Nothing but a base: study from the file name, seeds from train.seed (default 42).
    const ExperimentFile plain = experimentFromJson(json::object(), "dir/my-study.json");
    EXPECT_EQ(plain.study, "my-study");
    EXPECT_EQ(plain.seeds, (std::vector<uint64_t>{42}));
    EXPECT_EQ(expandTrials(plain).size(), 1u);
    EXPECT_EQ(expandTrials(plain)[0].label, "seed 42");
}

TEST(Sweep, ExpandsVariantsThenGridThenSeeds) {
    const std::vector<Trial> trials = expandTrials(experimentFromJson(ablationFile(), "exp.json"));
    // 2 variants × 2 λ × 3 μ × 2 seeds.
    ASSERT_EQ(trials.size(), 24u);
    for (size_t i = 0; i < trials.size(); ++i) EXPECT_EQ(trials[i].index, static_cast<int>(i));
    EXPECT_EQ(trials[0].label, "full λ=0.1 μ=0 seed 1");
    EXPECT_EQ(trials[1].label, "full λ=0.1 μ=0 seed 2");
    EXPECT_EQ(trials[2].label, "full λ=0.1 μ=0.5 seed 1");
    EXPECT_EQ(trials[6].label, "full λ=2 μ=0 seed 1");
    EXPECT_EQ(trials[12].label, "rule GEM λ=0.1 μ=0 seed 1");
    EXPECT_EQ(trials[23].label, "rule GEM λ=2 μ=1 seed 2");

    const Trial& last = trials[23];
    EXPECT_EQ(last.variant, "rule GEM");
    EXPECT_EQ(last.seed, 2u);
    EXPECT_EQ(last.config.name, last.label);
    EXPECT_EQ(last.config.train.seed, 2u);
    EXPECT_EQ(last.config.model.gem, GemKind::Rule);
    EXPECT_DOUBLE_EQ(last.config.model.lambda, 2.0);
    EXPECT_DOUBLE_EQ(last.config.model.mu, 1.0);
    EXPECT_EQ(last.config.model.dim, 16);  // from the base
    EXPECT_EQ(trials[0].config.model.gem, GemKind::SelfAttention);
    ASSERT_EQ(last.settings.size(), 2u);
    EXPECT_EQ(last.settings[0].first, "model.lambda");
}

TEST(Sweep, ProfileOverridesBaseSeedsAndGridAxes) {
    const ExperimentFile e = experimentFromJson(ablationFile(), "exp.json", "full");
    EXPECT_EQ(e.profile, "full");
    EXPECT_EQ(e.study, "lambda-mu-full");  // never mixed with the quick runs
    EXPECT_EQ(e.base.train.epochs, 50);
    EXPECT_EQ(e.base.model.dim, 16);
    EXPECT_EQ(e.seeds, (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_EQ(e.grid[0].values.size(), 4u);  // λ replaced
    EXPECT_EQ(e.grid[1].values.size(), 3u);  // μ kept
    EXPECT_EQ(expandTrials(e).size(), 2u * 4u * 3u * 3u);
}

TEST(Sweep, RejectsUnknownKeysAndFieldsNamingThem) {
    json file = ablationFile();
    file["seed"] = 3;
    EXPECT_EQ(errorOf(file),
              "exp.json: unknown key 'seed' (expected study, description, base, grid, variants, "
              "seeds, profiles, resources)");

    file = ablationFile();
    file["grid"]["model.lamda"] = {1};
    EXPECT_EQ(errorOf(file),
              "exp.json: grid: unknown config field 'model.lamda'"
              " (did you mean 'model.lambda'? dimerec config --list-fields lists them all)");

    file = ablationFile();
    file["variants"][1]["set"]["model.gemm"] = "dr";
    EXPECT_EQ(errorOf(file),
              "exp.json: variants[1].set: unknown config field 'model.gemm'"
              " (did you mean 'model.gem'? dimerec config --list-fields lists them all)");

    file = ablationFile();
    file["variants"][0]["sett"] = json::object();
    EXPECT_EQ(errorOf(file), "exp.json: unknown key 'variants[0].sett' (expected name, set)");

    file = ablationFile();
    file["base"]["model"]["lambdaa"] = 1;
    EXPECT_EQ(errorOf(file),
              "exp.json: base: config: unknown key 'model.lambdaa'"
              " (did you mean 'model.lambda'? dimerec config --list-fields lists them all)");

    file = ablationFile();
    file["resources"]["gpus"] = 1;
    EXPECT_EQ(errorOf(file),
              "exp.json: unknown key 'resources.gpus' (expected cpusPerTask, memory, time, "
              "partition)");

    file = ablationFile();
    file["profiles"]["full"]["train.epoch"] = 3;
    EXPECT_EQ(errorOf(file, "full"),
              "exp.json: profiles.full: unknown config field 'train.epoch'"
              " (did you mean 'train.epochs'? dimerec config --list-fields lists them all)");
    EXPECT_EQ(errorOf(ablationFile(), "huge"),
              "exp.json: profiles: no profile 'huge' (the file has full)");

    file = ablationFile();
    file["grid"]["train.seed"] = {1, 2};
    EXPECT_EQ(errorOf(file), "exp.json: grid: set seeds with \"seeds\", not train.seed");

    file = ablationFile();
    file["seeds"] = {1, 1};
    EXPECT_EQ(errorOf(file), "exp.json: seeds: seed 1 is listed twice");
    file["seeds"] = {1, -2};
    EXPECT_EQ(errorOf(file), "exp.json: seeds: seeds must be non-negative integers, got -2");

    file = ablationFile();
    file["variants"][1]["set"]["model.mu"] = 0;
    EXPECT_EQ(errorOf(file),
              "exp.json: variants: variant 'rule GEM' sets 'model.mu', which the grid also sweeps");
}

TEST(Sweep, ValidatesEveryTrialNamingItsLabelAndField) {
    json file = ablationFile();
    file["grid"]["model.mu"] = {0.5, -1};
    EXPECT_EQ(errorOf(file),
              "exp.json: trial 2 'full λ=0.1 μ=-1 seed 1': model.mu: must be >= 0.0, got -1.0");

    file = ablationFile();
    file["variants"][1]["set"]["model.gem"] = "gru";
    EXPECT_EQ(errorOf(file),
              "exp.json: trial 12 'rule GEM λ=0.1 μ=0 seed 1': model.gem: must be "
              "one of rule, sa, dr, sasrec, got 'gru'");

    file = ablationFile();
    file["grid"]["model.lambda"] = {"big"};
    EXPECT_EQ(errorOf(file),
              "exp.json: trial 0 'full λ=big μ=0 seed 1': config key "
              "'model.lambda': expected number, got \"big\"");
}

TEST(Sweep, RefusesAFileThatExpandsToMoreThanTenThousandTrials) {
    // 2 variants × 2 seeds × 50 λ × 50 μ = 10,000 trials is the limit; one more λ passes it.
    json file = ablationFile();
    json values = json::array();
    for (int i = 0; i < 50; ++i) values.push_back(i);
    file["grid"] = {{"model.lambda", values}, {"model.mu", values}};
    EXPECT_EQ(expandTrials(experimentFromJson(file, "exp.json")).size(), 10000u);
    file["grid"]["model.lambda"].push_back(50);
    const std::string tooMany =
        "exp.json: expands to more than 10000 trials (variants × grid points × seeds); split "
        "the study into several experiment files";
    EXPECT_EQ(errorOf(file), tooMany);
    // Four axes of 65,536 values: 2^64 grid points, which the count wrapped round to 0 trials
    // (found while writing the fuzz target fuzz_experiment; a short file of a few axes also
    // expanded for minutes).
    json wide = json::array();
    for (int i = 0; i < 65536; ++i) wide.push_back(i);
    file = ablationFile();
    file["grid"] = {{"model.lambda", wide},
                    {"model.mu", wide},
                    {"train.learningRate", wide},
                    {"model.betaStart", wide}};
    EXPECT_EQ(errorOf(file), tooMany);
}

TEST(Sweep, TrialKeyIgnoresThreadsDeviceAndNameButNotSeedOrFields) {
    std::vector<Trial> trials = expandTrials(experimentFromJson(ablationFile(), "exp.json"));
    Trial moved = trials[0];
    moved.config.train.threads = 7;
    moved.config.train.device = "cpu";
    moved.config.name = "renamed";
    EXPECT_EQ(trialKey(moved), trialKey(trials[0]));
    EXPECT_NE(trialKey(trials[0]), trialKey(trials[1]));  // seed 1 vs 2
    EXPECT_NE(trialKey(trials[0]), trialKey(trials[2]));  // μ 0 vs 0.5
    EXPECT_EQ(trialKey(trials[0]), trialKey(configHash(trials[0].config), 1));
    // Stable across reads of the same file.
    EXPECT_EQ(trialKey(expandTrials(experimentFromJson(ablationFile(), "exp.json"))[5]),
              trialKey(trials[5]));
}

TEST(Sweep, ExpandsTheDataDirectoryAndMakesDatasetPathsAbsolute) {
    json file = ablationFile();
    file["base"]["data"]["dataset"] = "${DIMEREC_DATA_DIR}/ml-1m";
    file["grid"] = {{"data.dataset", {"${DIMEREC_DATA_DIR}/ml-1m", "/data/yelp"}}};
    setenv("DIMEREC_DATA_DIR", "/srv/data", 1);
    std::vector<Trial> trials = expandTrials(experimentFromJson(file, "exp.json"));
    EXPECT_EQ(trials[0].config.data.dataset, "/srv/data/ml-1m");
    EXPECT_EQ(trials[0].label, "full dataset=ml-1m seed 1");
    EXPECT_EQ(trials[2].config.data.dataset, "/data/yelp");

    unsetenv("DIMEREC_DATA_DIR");
    trials = expandTrials(experimentFromJson(file, "exp.json"));
    // Default ../shared/data, resolved against the current directory.
    const std::string expected =
        (std::filesystem::current_path().parent_path() / "shared" / "data" / "ml-1m").string();
    EXPECT_EQ(trials[0].config.data.dataset, expected);

    file["base"]["data"]["dataset"] = "${NO_SUCH_DIMEREC_VARIABLE}/x";
    file.erase("grid");
    EXPECT_EQ(errorOf(file),
              "exp.json: base.data.dataset: environment variable 'NO_SUCH_DIMEREC_VARIABLE' (in "
              "'${NO_SUCH_DIMEREC_VARIABLE}/x') is not set");
}

TEST(Sweep, LoadsFilesAndReportsUnreadableOnes) {
    const auto dir = std::filesystem::temp_directory_path() / "dimerec-sweep-test";
    std::filesystem::create_directories(dir);
    const std::string good = (dir / "good.json").string();
    std::ofstream(good) << ablationFile().dump();
    EXPECT_EQ(loadExperimentFile(good).study, "lambda-mu");
    const std::string bad = (dir / "bad.json").string();
    std::ofstream(bad) << "{ \"study\": ";
    try {
        loadExperimentFile(bad);
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find(bad + ": not valid JSON"), std::string::npos)
            << error.what();
    }
    EXPECT_THROW(loadExperimentFile((dir / "missing.json").string()), std::invalid_argument);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dimerec
