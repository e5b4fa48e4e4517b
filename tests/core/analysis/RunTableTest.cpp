#include "analysis/Comparison.h"
#include "analysis/ReadoutRows.h"
#include "analysis/RunTable.h"
#include "analysis/TableExport.h"
#include "store/RunStore.h"
#include "util/TargetRanks.h"

#include "../store/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace dimerec {
namespace {

// A study "paper" with SASRec and DimeRec λ=1 over seeds 1 and 2, DimeRec λ=0 over seed 1
// (without NDCG), a failed run, and one run in another study.
class RunTableTest : public ::testing::Test {
protected:
    RunTableTest() : store_(dir_.file("runs.sqlite")) {
        sasrec1_ = add("sasrec", 1, "SASRec seed 1", 1.0, {{"hr@10", 0.50}, {"ndcg@10", 0.25}});
        sasrec2_ = add("sasrec", 2, "SASRec seed 2", 1.0, {{"hr@10", 0.52}, {"ndcg@10", 0.27}});
        dimerec1_ =
            add("dimerec", 1, "dimerec λ=1 seed 1", 1.0, {{"hr@10", 0.60}, {"ndcg@10", 0.30}});
        dimerec2_ =
            add("dimerec", 2, "dimerec λ=1 seed 2", 1.0, {{"hr@10", 0.64}, {"ndcg@10", 0.31}});
        ablation_ = add("dimerec", 1, "dimerec λ=0 seed 1", 0.0, {{"hr@10", 0.55}});
        const int64_t failed = store_.createRun(test::makeRun("gru4rec", 1, "paper"));
        RunResult result;
        result.status = "failed";
        store_.finishRun(failed, result);
        add("sasrec", 3, "elsewhere", 1.0, {{"hr@10", 0.9}}, "other");
    }

    // A finished run; excludeHistory false: stored with history items kept in the ranking.
    int64_t add(const std::string& model, uint64_t seed, const std::string& name, double lambda,
                const std::map<std::string, double>& test, const std::string& study = "paper",
                bool excludeHistory = true) {
        NewRun run = test::makeRun(model, seed, study, name);
        run.config.model.lambda = lambda;
        run.config.eval.excludeHistory = excludeHistory;
        const int64_t id = store_.createRun(run);
        RunResult result;
        result.status = "finished";
        result.test = test;
        store_.finishRun(id, result);
        return id;
    }

    test::TempDir dir_;
    RunStore store_;
    int64_t sasrec1_ = 0, sasrec2_ = 0, dimerec1_ = 0, dimerec2_ = 0, ablation_ = 0;
};

TEST_F(RunTableTest, SingleRunsInTheGivenOrder) {
    RunTableRequest request;
    request.runs = {dimerec1_, sasrec1_};
    request.baselineRun = sasrec1_;
    const ResultTable table = buildRunTable(store_, request);
    ASSERT_EQ(table.rows().size(), 2u);
    EXPECT_EQ(table.rows()[0].label, "dimerec λ=1 seed 1");
    EXPECT_EQ(table.rows()[1].label, "SASRec seed 1");
    ASSERT_EQ(table.columns().size(), 2u);
    EXPECT_EQ(table.columns()[0].label, "HR@10");
    EXPECT_EQ(table.columns()[1].key, "ndcg@10");
    EXPECT_EQ(table.baseline(), std::optional<size_t>(1));
    // (0.30 − 0.25) / 0.25.
    EXPECT_NEAR(*table.relativeDelta(0, 1), 0.2, 1e-12);
    EXPECT_EQ(table.cell(0, 0).stats.n, 1);
}

TEST_F(RunTableTest, SeedGroupsOfAStudyWithSignificance) {
    RunTableRequest request;
    request.study = "paper";
    request.groupSeeds = true;
    request.baselineRun = sasrec2_;
    request.significance = true;
    const ResultTable table = buildRunTable(store_, request);
    // The failed run and the other study's run stay out; groups in order of their first run.
    ASSERT_EQ(table.rows().size(), 3u);
    EXPECT_EQ(table.rows()[0].label, "SASRec");
    EXPECT_EQ(table.rows()[1].label, "dimerec λ=1");
    EXPECT_EQ(table.rows()[2].label, "dimerec λ=0");  // a group of one seed
    EXPECT_EQ(table.baseline(), std::optional<size_t>(0));
    // DimeRec λ=1 HR: (0.60 + 0.64)/2 = 0.62, sd |0.64 − 0.60|/√2.
    const ResultCell& hr = table.cell(1, 0);
    EXPECT_EQ(hr.stats.n, 2);
    EXPECT_NEAR(hr.stats.mean, 0.62, 1e-12);
    EXPECT_NEAR(hr.stats.stdDev, 0.04 / std::sqrt(2.0), 1e-12);
    // Same seeds → paired t-test on d = (0.10, 0.12): mean 0.11, sd 0.02/√2, se 0.01, t = 11
    // with 1 df (Cauchy): p = 1 − 2·atan(11)/π. NDCG: d = (0.05, 0.04), t = 0.045/0.005 = 9.
    ASSERT_TRUE(hr.pValue.has_value());
    EXPECT_NEAR(*hr.pValue, 1.0 - 2.0 * std::atan(11.0) / M_PI, 1e-9);
    EXPECT_NEAR(*table.cell(1, 1).pValue, 1.0 - 2.0 * std::atan(9.0) / M_PI, 1e-9);
    // One seed: no test; no NDCG at all: an empty cell; the baseline is not tested.
    EXPECT_FALSE(table.cell(2, 0).pValue.has_value());
    EXPECT_EQ(table.cell(2, 1).stats.n, 0);
    EXPECT_FALSE(table.cell(0, 0).pValue.has_value());
}

TEST_F(RunTableTest, ChosenMetricsLabelsAndMarkdown) {
    RunTableRequest request;
    request.runs = {sasrec1_, sasrec2_, dimerec1_, dimerec2_};
    request.groupSeeds = true;
    request.metrics = {"ndcg@10"};
    request.labels = {{dimerec2_, "DimeRec (ours)"}};
    TableFormat format;
    format.decimals = 3;
    // NDCG means 0.260 ± 0.014 and 0.305 ± 0.007 (sds 0.02/√2 and 0.01/√2).
    EXPECT_EQ(toMarkdown(buildRunTable(store_, request), format),
              "| Model | NDCG@10 |\n"
              "| :--- | ---: |\n"
              "| SASRec (n=2) | <u>0.260 ± 0.014</u> |\n"
              "| DimeRec (ours) (n=2) | **0.305 ± 0.007** |\n"
              "\n"
              "Table: History items excluded from the ranking.\n");
}

// Each row carries its stored config's eval.excludeHistory: the fixture's runs have today's
// default (excluded), a run stored with the old default makes the table mixed.
TEST_F(RunTableTest, RowsSayWhetherHistoryItemsWereExcluded) {
    const int64_t kept =
        add("sasrec", 4, "SASRec ranking history", 1.0, {{"hr@10", 0.7}}, "paper", false);
    RunTableRequest request;
    request.runs = {sasrec1_, kept};
    const ResultTable table = buildRunTable(store_, request);
    EXPECT_EQ(table.rows()[0].excludeHistory, std::optional<bool>(true));
    EXPECT_EQ(table.rows()[1].excludeHistory, std::optional<bool>(false));
    EXPECT_EQ(table.historyNote(),
              "Mixed: history items excluded from the ranking for SASRec seed 1; not excluded "
              "for SASRec ranking history.");
    // A hand-written partial config does not say.
    EXPECT_EQ(excludeHistoryOf(R"({"model": {"model": "dimerec"}})"), std::nullopt);
    EXPECT_EQ(excludeHistoryOf(R"({"eval": {"excludeHistory": false}})"),
              std::optional<bool>(false));
    EXPECT_EQ(excludeHistoryOf("not json"), std::nullopt);
}

// Runs that keep per-user ranks: study "users" with A and B over seeds 1 and 2 (six test users,
// one target each) and C over seeds 1 and 2 stored without ranks, as before schema version 3.
class PerUserTableTest : public RunTableTest {
protected:
    PerUserTableTest() {
        a1_ = addRanked("dimerec", 1, "A seed 1", {1, 5, 20, 3, 50, 8});
        a2_ = addRanked("dimerec", 2, "A seed 2", {2, 15, 20, 1, 9, 30});
        b1_ = addRanked("sasrec", 1, "B seed 1", {12, 5, 40, 30, 50, 8});
        b2_ = addRanked("sasrec", 2, "B seed 2", {20, 11, 3, 30, 60, 70});
        add("gru4rec", 1, "C seed 1", 1.0, {{"hr@10", 0.2}, {"coverage@10", 0.3}}, "users");
        add("gru4rec", 2, "C seed 2", 1.0, {{"hr@10", 0.3}, {"coverage@10", 0.5}}, "users");
    }

    // A finished run whose test evaluation ranked user u's one target at ranks[u].
    int64_t addRanked(const std::string& model, uint64_t seed, const std::string& name,
                      const std::vector<int32_t>& ranks) {
        TargetRanks perUser;
        double hits = 0.0;
        for (size_t u = 0; u < ranks.size(); ++u) {
            perUser.addCase(static_cast<int32_t>(u), {ranks[u]});
            hits += ranks[u] <= 10 ? 1.0 : 0.0;
        }
        const std::map<std::string, double> metrics = {
            {"hr@10", hits / static_cast<double>(ranks.size())}, {"coverage@10", 0.1 * seed}};
        const int64_t id = add(model, seed, name, 1.0, metrics, "users");
        store_.appendEvaluation(id, {10, 1, "test", metrics, perUser});
        return id;
    }

    RunTableRequest groups() const {
        RunTableRequest request;
        request.study = "users";
        request.groupSeeds = true;
        request.baselineRun = b1_;
        request.significance = true;
        request.metrics = {"hr@10", "coverage@10"};
        return request;
    }

    int64_t a1_ = 0, a2_ = 0, b1_ = 0, b2_ = 0;
};

TEST_F(PerUserTableTest, SeedGroupsArePairedOverUsersWithHolmAcrossRows) {
    const ResultTable table = buildRunTable(store_, groups());
    ASSERT_EQ(table.rows().size(), 3u);  // A, B (baseline), C
    // HR@10 per user, averaged over the two seeds: A (1, ½, 0, 1, ½, ½), B (0, ½, ½, 0, 0, ½).
    const std::vector<double> a = {1.0, 0.5, 0.0, 1.0, 0.5, 0.5};
    const std::vector<double> b = {0.0, 0.5, 0.5, 0.0, 0.0, 0.5};
    const CellTest& perUser = *table.cell(0, 0).test;
    EXPECT_TRUE(perUser.perUser);
    EXPECT_EQ(perUser.method, "paired t-test");
    EXPECT_EQ(perUser.n, 6);
    EXPECT_DOUBLE_EQ(perUser.pValue, pairedTTest(a, b).pValue);
    EXPECT_DOUBLE_EQ(perUser.meanDifference, 2.0 / 6.0);  // d = (1, 0, −½, 1, ½, 0)
    const BootstrapInterval interval = pairedBootstrapInterval(a, b);
    EXPECT_EQ(perUser.interval->low, interval.low);
    EXPECT_EQ(perUser.interval->high, interval.high);
    // The seed-level test stays beside it: seeds 1 and 2, HR@10 A (4/6, 3/6), B (2/6, 1/6).
    EXPECT_DOUBLE_EQ(perUser.seedTest->pValue,
                     pairedTTest({4.0 / 6, 3.0 / 6}, {2.0 / 6, 1.0 / 6}).pValue);
    // C has no per-user ranks: seeds, and says why.
    const CellTest& seeds = *table.cell(2, 0).test;
    EXPECT_FALSE(seeds.perUser);
    EXPECT_EQ(seeds.n, 2);
    EXPECT_EQ(seeds.seedLevelReason.rfind("run #", 0), 0u) << seeds.seedLevelReason;
    // Holm across the two tested rows of the column.
    const std::vector<double> holm = holmAdjust({perUser.pValue, seeds.pValue});
    EXPECT_DOUBLE_EQ(*table.cell(0, 0).pValue, holm[0]);
    EXPECT_DOUBLE_EQ(*table.cell(2, 0).pValue, holm[1]);
    // Coverage is not a per-user metric: seed-level for every row.
    EXPECT_EQ(table.cell(0, 1).test->seedLevelReason, "not a per-user metric");
    EXPECT_FALSE(table.cell(1, 0).test.has_value());  // the baseline itself
}

TEST_F(PerUserTableTest, WilcoxonAndSingleRunsAreTestedOverUsersToo) {
    RunTableRequest request;
    request.runs = {a1_, b1_};
    request.baselineRun = b1_;
    request.significance = true;
    request.test = SeedTest::Wilcoxon;
    request.metrics = {"hr@10"};
    const ResultTable table = buildRunTable(store_, request);
    // Seed 1 alone: A (1, 1, 0, 1, 0, 1), B (0, 1, 0, 0, 0, 1): two non-zero differences.
    const CellTest& test = *table.cell(0, 0).test;
    EXPECT_TRUE(test.perUser);
    EXPECT_EQ(test.method, "Wilcoxon signed-rank");
    EXPECT_DOUBLE_EQ(test.pValue,
                     wilcoxonSignedRank({1, 1, 0, 1, 0, 1}, {0, 1, 0, 0, 0, 1}).pValue);
    EXPECT_FALSE(test.seedTest.has_value());  // one seed: nothing to pair
}

TEST_F(PerUserTableTest, ExportsNameTheTestAndTheCorrection) {
    TableFormat format;
    format.decimals = 3;
    const ResultTable table = buildRunTable(store_, groups());
    const std::string note = table.significanceNote(0.05);
    EXPECT_EQ(note.rfind("† p < 0.05 against B: two-sided paired t-test over the test users both "
                         "rows share (a seed group's per-user values averaged over its seeds "
                         "first), Holm-corrected across the rows of each column. Seed-level "
                         "paired t-test for Coverage@10 (not a per-user metric), HR@10 (run #",
                         0),
              0u)
        << note;
    const std::string latex = toLatex(table, format);
    EXPECT_NE(
        latex.find("\\par\\smallskip{\\footnotesize\\raggedright $^{\\dagger}$ p \\textless{} 0.05 "
                   "against B: two-sided paired t-test over the test users"),
        std::string::npos)
        << latex;
    EXPECT_NE(toMarkdown(table, format).find("† p \\< 0.05 against B"), std::string::npos);
    const std::string csv = toCsv(table, format);
    EXPECT_NE(csv.find("hr@10_p,hr@10_p_unadjusted,hr@10_tested_over,hr@10_tested_n,hr@10_diff,"
                       "hr@10_diff_low,hr@10_diff_high,hr@10_p_seeds"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find(",users,6,"), std::string::npos);
    EXPECT_NE(csv.find(",seeds,2,"), std::string::npos);
}

TEST_F(RunTableTest, ReadoutRowsFollowTheirRunLabelledAsReadouts) {
    store_.setFinalMetrics(dimerec1_, "test/interests", {{"hr@10", 0.70}, {"ndcg@10", 0.40}});
    store_.setFinalMetrics(dimerec2_, "test/interests", {{"hr@10", 0.72}, {"ndcg@10", 0.42}});
    store_.setFinalMetrics(dimerec1_, "test/fused", {{"ndcg@10", 0.45}});
    store_.setFinalMetrics(dimerec1_, "valid/fused", {{"ndcg@10", 0.5}, {"fused_w", 2.0}});
    RunTableRequest request;
    request.study = "paper";
    request.groupSeeds = true;
    request.readouts = true;
    const ResultTable table = buildRunTable(store_, request);
    std::vector<std::string> labels;
    for (const ResultRow& row : table.rows()) labels.push_back(row.label);
    EXPECT_EQ(labels,
              (std::vector<std::string>{"SASRec", "dimerec λ=1", "dimerec λ=1 [fused readout]",
                                        "dimerec λ=1 [interests readout]", "dimerec λ=0"}));
    // The interests row: mean of 0.40 and 0.42 over both seeds; the run's own row unchanged.
    EXPECT_NEAR(table.cell(3, 1).stats.mean, 0.41, 1e-12);
    EXPECT_EQ(table.cell(3, 1).stats.n, 2);
    EXPECT_NEAR(table.cell(1, 1).stats.mean, 0.305, 1e-12);
    EXPECT_EQ(table.cell(2, 1).stats.n, 1);  // only seed 1 stored the fused readout
    // Without the request the table is as before.
    request.readouts = false;
    EXPECT_EQ(buildRunTable(store_, request).rows().size(), 3u);

    // The comparison entries of the same study, and the view of one run.
    const auto entries = withReadoutEntries(studyEntries(store_, "paper"));
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[3].label, "dimerec λ=1 [interests readout]");
    EXPECT_EQ(entries[3].runs.size(), 2u);
    const RunSummary fused = readoutView(store_.run(dimerec1_).summary, "fused");
    EXPECT_EQ(fused.testMetrics, (std::map<std::string, double>{{"ndcg@10", 0.45}}));
    EXPECT_EQ(fused.validMetrics.at("fused_w"), 2.0);
    EXPECT_TRUE(fused.readoutMetrics.empty());
    EXPECT_EQ(storedReadouts(store_.run(dimerec1_).summary),
              (std::vector<std::string>{"fused", "interests"}));
}

// A readout row whose runs stored their readout's per-user ranks is tested per user against
// the baseline, pairing those ranks: A's interests readout ranks every user's target first
// (HR@10 1 for all six) against B's per-user (0, ½, ½, 0, 0, ½): mean difference 4.5 / 6.
TEST_F(PerUserTableTest, ReadoutRowsArePairedOverUsersWithTheirOwnRanks) {
    for (const int64_t run : {a1_, a2_}) {
        TargetRanks first;
        for (int32_t u = 0; u < 6; ++u) first.addCase(u, {1});
        store_.setFinalMetrics(run, "test/interests", {{"hr@10", 1.0}}, &first);
    }
    RunTableRequest request = groups();
    request.metrics = {"hr@10"};
    request.readouts = true;
    const ResultTable table = buildRunTable(store_, request);
    ASSERT_EQ(table.rows()[1].label, "A [interests readout]");
    const CellTest& perUser = *table.cell(1, 0).test;
    EXPECT_TRUE(perUser.perUser);
    EXPECT_EQ(perUser.n, 6);
    EXPECT_DOUBLE_EQ(perUser.meanDifference, 4.5 / 6.0);
}

// Data whose test targets repeat history items (Yelp): runs store their test under the other
// history setting too (otherHistorySplit), and a table shows each setting for every run, the
// per-user tests pairing the users' ranks of that setting (issue 19, item 8).
TEST_F(PerUserTableTest, EitherHistorySettingForEveryRunAndBothTablesFromTheTest) {
    // A and B (history excluded, as configured) also stored their test with history kept;
    // hr@10 below is the share of ranks ≤ 10.
    const std::vector<std::pair<int64_t, std::vector<int32_t>>> keptRanks = {
        {a1_, {1, 2, 20, 1, 50, 8}},       // hits 1 1 0 1 0 1
        {a2_, {1, 15, 2, 1, 9, 30}},       // hits 1 0 1 1 1 0
        {b1_, {3, 30, 30, 30, 60, 5}},     // hits 1 0 0 0 0 1
        {b2_, {12, 12, 12, 12, 12, 12}}};  // no hit
    for (const auto& [run, ranks] : keptRanks) {
        TargetRanks perUser;
        double hits = 0.0;
        for (size_t u = 0; u < ranks.size(); ++u) {
            perUser.addCase(static_cast<int32_t>(u), {ranks[u]});
            hits += ranks[u] <= 10 ? 1.0 : 0.0;
        }
        store_.setFinalMetrics(run, otherHistorySplit(false), {{"hr@10", hits / 6.0}}, &perUser);
    }
    // K was configured to keep history items: its own test is its kept-history result; it
    // stored no excluded-history test.
    const int64_t k1 = add("gru4rec", 1, "K seed 1", 1.0, {{"hr@10", 0.9}}, "users", false);

    RunTableRequest request;
    request.runs = {a1_, b1_, k1};
    request.metrics = {"hr@10"};
    request.split = kTestHistoryKept;
    const ResultTable keptTable = buildRunTable(store_, request);
    ASSERT_EQ(keptTable.rows().size(), 3u);
    EXPECT_NEAR(keptTable.cell(0, 0).stats.mean, 4.0 / 6, 1e-12);  // A's history-kept test
    EXPECT_NEAR(keptTable.cell(1, 0).stats.mean, 2.0 / 6, 1e-12);  // B's
    EXPECT_NEAR(keptTable.cell(2, 0).stats.mean, 0.9, 1e-12);      // K's own test
    for (const ResultRow& row : keptTable.rows())
        EXPECT_EQ(row.excludeHistory, std::optional<bool>(false)) << row.label;
    EXPECT_EQ(keptTable.historyNote(), "History items not excluded from the ranking.");
    request.split = kTestHistoryExcluded;
    const ResultTable excludedTable = buildRunTable(store_, request);
    EXPECT_NEAR(excludedTable.cell(0, 0).stats.mean, 4.0 / 6, 1e-12);  // A's own: 1 5 20 3 50 8
    EXPECT_NEAR(excludedTable.cell(1, 0).stats.mean, 2.0 / 6, 1e-12);  // B's own: 12 5 40 30 50 8
    EXPECT_EQ(excludedTable.cell(2, 0).stats.n, 0);  // K stored no excluded-history test

    // Per user under history kept: seed group A against seed group B over the six users, each
    // user's hit averaged over the seeds first: A 1 ½ ½ 1 ½ ½, B ½ 0 0 0 0 ½, so the mean
    // difference is (½ + ½ + ½ + 1 + ½ + 0) / 6 = ½ (hand computation).
    RunTableRequest groups;
    groups.runs = {a1_, a2_, b1_, b2_};
    groups.groupSeeds = true;
    groups.baselineRun = b1_;
    groups.significance = true;
    groups.metrics = {"hr@10"};
    groups.split = kTestHistoryKept;
    const ResultTable grouped = buildRunTable(store_, groups);
    ASSERT_TRUE(grouped.cell(0, 0).test.has_value());
    EXPECT_TRUE(grouped.cell(0, 0).test->perUser);
    EXPECT_EQ(grouped.cell(0, 0).test->n, 6);
    EXPECT_NEAR(grouped.cell(0, 0).test->meanDifference, 0.5, 1e-12);

    // From the test split, both tables with the same columns: the runs' own settings, then the
    // other setting of the first row (A excluded history items, so: kept).
    request.split = "test";
    const std::vector<ResultTable> both = buildRunTables(store_, request);
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0].historyNote(),
              "Mixed: history items excluded from the ranking for A seed 1, B seed 1; not "
              "excluded for K seed 1.");
    EXPECT_EQ(both[1].historyNote(), "History items not excluded from the ranking.");
    EXPECT_EQ(both[1].columns().size(), both[0].columns().size());
    EXPECT_NEAR(both[1].cell(1, 0).stats.mean, 2.0 / 6, 1e-12);
    // Runs that stored no other setting: one table; the other setting is no readout of a run.
    request.runs = {k1};
    EXPECT_EQ(buildRunTables(store_, request).size(), 1u);
    EXPECT_TRUE(storedReadouts(store_.run(a1_).summary).empty());
}

TEST_F(RunTableTest, Errors) {
    RunTableRequest request;
    EXPECT_THROW(buildRunTable(store_, request), std::invalid_argument);
    request.study = "nothing here";
    EXPECT_THROW(buildRunTable(store_, request), std::invalid_argument);
    request.study = "paper";
    request.split = "train";
    EXPECT_THROW(buildRunTable(store_, request), std::invalid_argument);
    request.split = "test";
    request.baselineRun = 9999;
    EXPECT_THROW(buildRunTable(store_, request), std::invalid_argument);
    request = RunTableRequest{};
    request.runs = {12345};
    EXPECT_ANY_THROW(buildRunTable(store_, request));
}

}  // namespace
}  // namespace dimerec
