#include "analysis/StudyGrid.h"
#include "analysis/TableExport.h"
#include "config/RunConfig.h"
#include "store/RunStore.h"

#include "../store/StoreTestSupport.h"
#include "StepsScheduleStudy.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace dimerec {
namespace {

// A run of a T × schedule study as its config JSON gives it (every field, name and seed too).
StudyRun studyRun(const RunConfig& config, double ndcg) {
    StudyRun run;
    run.fields = configFields(toJson(config).dump());
    run.summary.testMetrics = {{"ndcg@10", ndcg}};
    run.summary.validMetrics = {{"ndcg@10", ndcg + 0.01}};
    return run;
}

RunConfig stepsSchedule(int steps, const std::string& schedule, uint64_t seed) {
    RunConfig config;
    config.name = "T=" + std::to_string(steps) + " " + schedule + " seed " + std::to_string(seed);
    config.model.diffusionSteps = steps;
    config.model.schedule = choiceNamed<BetaSchedule>("model.schedule", schedule);
    config.train.seed = seed;
    config.train.threads = static_cast<int>(seed);  // threads differ too, but are not swept
    return config;
}

// The shared T × schedule study (StepsScheduleStudy.h) as study runs.
std::vector<StudyRun> stepsScheduleStudy() {
    std::vector<StudyRun> runs;
    for (const auto& cell : test::kStepsScheduleCells) {
        runs.push_back(studyRun(stepsSchedule(cell.steps, cell.schedule, 1), cell.seed1));
        runs.push_back(studyRun(stepsSchedule(cell.steps, cell.schedule, 2), cell.seed2));
    }
    return runs;
}

TEST(StudyGridTest, ConfigFieldsHoldNumbersStringsAndBooleansButNoArrays) {
    RunConfig config;
    config.model.schedule = BetaSchedule::Cosine;
    config.model.useGemLoss = false;
    const std::map<std::string, FieldValue> fields = configFields(toJson(config).dump());
    ASSERT_TRUE(fields.count("model.diffusionSteps"));
    EXPECT_TRUE(fields.at("model.diffusionSteps").numeric);
    EXPECT_EQ(fields.at("model.diffusionSteps").number, 100.0);
    EXPECT_EQ(fields.at("model.diffusionSteps").label, "100");
    EXPECT_EQ(fields.at("model.lambda").label, "1");
    EXPECT_EQ(fields.at("model.betaStart").label, "0.0001");
    EXPECT_FALSE(fields.at("model.schedule").numeric);
    EXPECT_EQ(fields.at("model.schedule").label, "cosine");
    EXPECT_FALSE(fields.at("model.useGemLoss").numeric);
    EXPECT_EQ(fields.at("model.useGemLoss").label, "false");
    EXPECT_EQ(fields.count("eval.topK"), 0u);  // an array: not an axis
    EXPECT_THROW(configFields("{not json"), std::invalid_argument);
}

TEST(StudyGridTest, CategoricalFieldsAreSweptAndKeepTheirSweepOrder) {
    const std::vector<StudyRun> runs = stepsScheduleStudy();
    // name, seed and threads differ as well, but do not change what a run computes.
    EXPECT_EQ(sweptFields(runs),
              std::vector<std::string>({"model.diffusionSteps", "model.schedule"}));
    const FieldAxis schedule = fieldAxis(runs, "model.schedule");
    EXPECT_FALSE(schedule.numeric());
    // First seen, not alphabetical (cosine < linear).
    EXPECT_EQ(schedule.labels(), std::vector<std::string>({"linear", "cosine"}));
    const FieldAxis steps = fieldAxis(runs, "model.diffusionSteps");
    EXPECT_TRUE(steps.numeric());
    EXPECT_EQ(steps.labels(), std::vector<std::string>({"50", "100"}));
    EXPECT_EQ(steps.indexOf(FieldValue::of(100)), 1u);
    EXPECT_EQ(steps.indexOf(FieldValue::of(200)), 2u);  // not on the axis
}

TEST(StudyGridTest, StepsByScheduleGridHasHandComputedMeans) {
    const MetricGrid grid =
        metricGrid(stepsScheduleStudy(), "model.diffusionSteps", "model.schedule", "ndcg@10");
    ASSERT_EQ(grid.x.labels(), std::vector<std::string>({"50", "100"}));
    ASSERT_EQ(grid.y.labels(), std::vector<std::string>({"linear", "cosine"}));
    ASSERT_EQ(grid.cells.size(), 4u);
    // Means of the two seeds; sample std of two values a, b is |a − b| / √2.
    EXPECT_NEAR(grid.at(0, 0).mean, (0.10 + 0.12) / 2, 1e-12);
    EXPECT_NEAR(grid.at(1, 0).mean, (0.20 + 0.24) / 2, 1e-12);
    EXPECT_NEAR(grid.at(0, 1).mean, (0.30 + 0.31) / 2, 1e-12);
    EXPECT_NEAR(grid.at(1, 1).mean, (0.15 + 0.17) / 2, 1e-12);
    EXPECT_NEAR(grid.at(1, 0).stdDev, 0.04 / std::sqrt(2.0), 1e-12);
    for (const MetricStats& cell : grid.cells) EXPECT_EQ(cell.n, 2);

    // The validation split: every value + 0.01.
    EXPECT_NEAR(metricGrid(stepsScheduleStudy(), "model.diffusionSteps", "model.schedule",
                           "ndcg@10", "valid")
                    .at(0, 0)
                    .mean,
                0.12, 1e-12);
    // Swapped axes transpose the grid.
    const MetricGrid swapped =
        metricGrid(stepsScheduleStudy(), "model.schedule", "model.diffusionSteps", "ndcg@10");
    EXPECT_NEAR(swapped.at(1, 0).mean, 0.305, 1e-12);
}

TEST(StudyGridTest, WithoutAYFieldTheGridIsOneRow) {
    // Over T alone: T=50 has 0.10, 0.12, 0.30, 0.31 → mean 0.2075; T=100: 0.20, 0.24, 0.15,
    // 0.17 → 0.19.
    const MetricGrid grid = metricGrid(stepsScheduleStudy(), "model.diffusionSteps", "", "ndcg@10");
    ASSERT_EQ(grid.y.values.size(), 1u);
    EXPECT_TRUE(grid.y.field.empty());
    EXPECT_NEAR(grid.at(0, 0).mean, 0.2075, 1e-12);
    EXPECT_NEAR(grid.at(1, 0).mean, 0.19, 1e-12);
    EXPECT_EQ(grid.at(1, 0).n, 4);
}

TEST(StudyGridTest, BooleanFieldIsACategoricalAxis) {
    // The L_gem ablation: with the loss 0.30, 0.32; without 0.20, 0.22.
    std::vector<StudyRun> runs;
    for (const bool useGem : {true, false}) {
        for (const uint64_t seed : {1u, 2u}) {
            RunConfig config;
            config.model.useGemLoss = useGem;
            config.train.seed = seed;
            runs.push_back(studyRun(config, (useGem ? 0.30 : 0.20) + 0.02 * (seed - 1)));
        }
    }
    EXPECT_EQ(sweptFields(runs), std::vector<std::string>({"model.useGemLoss"}));
    const MetricGrid grid = metricGrid(runs, "model.useGemLoss", "", "ndcg@10");
    EXPECT_FALSE(grid.x.numeric());
    ASSERT_EQ(grid.x.labels(), std::vector<std::string>({"true", "false"}));
    EXPECT_NEAR(grid.at(0, 0).mean, 0.31, 1e-12);
    EXPECT_NEAR(grid.at(1, 0).mean, 0.21, 1e-12);
}

TEST(StudyGridTest, RunsMissingAFieldOrTheMetricAreLeftOut) {
    std::vector<StudyRun> runs = stepsScheduleStudy();
    // An older run whose config predates model.schedule, at T=200; it still counts for T.
    nlohmann::json old = toJson(stepsSchedule(200, "linear", 1));
    old["model"].erase("schedule");
    StudyRun legacy;
    legacy.fields = configFields(old.dump());
    legacy.summary.testMetrics = {{"ndcg@10", 0.5}};
    runs.push_back(legacy);
    // A run without NDCG@10.
    StudyRun noMetric = studyRun(stepsSchedule(500, "exp", 1), 0.0);
    noMetric.summary.testMetrics = {{"hr@10", 0.9}};
    runs.push_back(noMetric);
    // A field only some runs have, with one value among them, is not swept.
    runs[0].fields["model.extra"] = FieldValue::of(3);

    EXPECT_EQ(sweptFields(runs),
              std::vector<std::string>({"model.diffusionSteps", "model.schedule"}));
    EXPECT_EQ(fieldAxis(runs, "model.schedule").labels(),
              std::vector<std::string>({"linear", "cosine", "exp"}));

    // The legacy run lacks the schedule, the last run the metric: the 2 × 2 grid as before,
    // and neither T=200 nor T=500 nor "exp" becomes an axis value.
    const MetricGrid grid = metricGrid(runs, "model.diffusionSteps", "model.schedule", "ndcg@10");
    EXPECT_EQ(grid.x.labels(), std::vector<std::string>({"50", "100"}));
    EXPECT_EQ(grid.y.labels(), std::vector<std::string>({"linear", "cosine"}));
    EXPECT_NEAR(grid.at(1, 1).mean, 0.16, 1e-12);
    // Over T alone the legacy run counts.
    const MetricGrid steps = metricGrid(runs, "model.diffusionSteps", "", "ndcg@10");
    EXPECT_EQ(steps.x.labels(), std::vector<std::string>({"50", "100", "200"}));
    EXPECT_EQ(steps.at(2, 0).n, 1);
    EXPECT_NEAR(steps.at(2, 0).mean, 0.5, 1e-12);
    // A metric no run has: no cells.
    EXPECT_TRUE(metricGrid(runs, "model.diffusionSteps", "", "mrr").cells.empty());
}

TEST(StudyGridTest, CsvHasOneRowPerCell) {
    std::vector<StudyRun> runs = stepsScheduleStudy();
    runs.pop_back();                             // T=100 cosine keeps one seed: 0.15, std 0
    runs.erase(runs.begin(), runs.begin() + 2);  // T=50 linear has no run
    const MetricGrid grid = metricGrid(runs, "model.diffusionSteps", "model.schedule", "ndcg@10");
    // Values as metricGridCsv writes any double (the means and stds themselves are checked
    // above); the empty cell keeps its row with n = 0.
    const auto stats = [&grid](size_t x, size_t y) {
        return exactNumber(grid.at(x, y).mean) + "," + exactNumber(grid.at(x, y).stdDev);
    };
    EXPECT_EQ(metricGridCsv(grid),
              "model.diffusionSteps,model.schedule,mean,std,n\n"
              "50,linear,,,0\n"
              "100,linear," +
                  stats(1, 0) +
                  ",2\n"
                  "50,cosine," +
                  stats(0, 1) +
                  ",2\n"
                  "100,cosine,0.15,0,1\n");
    EXPECT_EQ(metricGridCsv(metricGrid(runs, "model.schedule", "", "ndcg@10")).substr(0, 33),
              "model.schedule,mean,std,n\nlinear,");
}

TEST(StudyGridTest, LoadsAStudyFromTheStore) {
    test::TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    for (const std::string& schedule : std::vector<std::string>{"exp", "cosine"}) {
        NewRun run = test::makeRun("dimerec", 1, "schedules");
        run.config.model.schedule = choiceNamed<BetaSchedule>("model.schedule", schedule);
        const int64_t id = store.createRun(run);
        RunResult result;
        result.status = "finished";
        result.test = {{"ndcg@10", schedule == "exp" ? 0.2 : 0.3}};
        store.finishRun(id, result);
    }
    store.createRun(test::makeRun("dimerec", 2, "schedules"));  // still running: left out
    const std::vector<StudyRun> runs = loadStudyRuns(store, "schedules");
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(sweptFields(runs), std::vector<std::string>({"model.schedule"}));
    const MetricGrid grid = metricGrid(runs, "model.schedule", "", "ndcg@10");
    EXPECT_EQ(grid.x.labels(), std::vector<std::string>({"exp", "cosine"}));  // id order
    EXPECT_NEAR(grid.at(1, 0).mean, 0.3, 1e-12);
}

}  // namespace
}  // namespace dimerec
