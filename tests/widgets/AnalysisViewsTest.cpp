#include "ComparisonView.h"
#include "UserBucketView.h"
#include "LossCurvePlot.h"
#include "MetricCharts.h"
#include "ParallelCoordinates.h"
#include "PlotExport.h"
#include "QtTestApp.h"
#include "StudyHeatMap.h"
#include "StudyView.h"
#include "QCustomPlotInclude.h"
#include "StepsScheduleStudy.h"
#include "analysis/Comparison.h"
#include "analysis/Significance.h"
#include "analysis/StudyGrid.h"
#include "analysis/TableExport.h"
#include "store/RunStore.h"
#include "util/TargetRanks.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace dimerec {
namespace {

// Hand-made runs in a temporary store: no training, every metric chosen for the test.
class StoreFixture : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(dir_.isValid());
        store_ =
            std::make_unique<RunStore>(dir_.filePath(QStringLiteral("runs.sqlite")).toStdString());
    }

    int64_t add(const std::string& study, const std::string& name, const std::string& model,
                double lambda, double mu, uint64_t seed,
                const std::map<std::string, double>& test) {
        RunConfig config;
        config.name = name;
        config.model.model = choiceNamed<ModelKind>("model.model", model);
        config.model.lambda = lambda;
        config.model.mu = mu;
        config.train.seed = seed;
        return add(study, config, test);
    }

    int64_t add(const std::string& study, const RunConfig& config,
                const std::map<std::string, double>& test) {
        NewRun run;
        run.study = study;
        run.config = config;
        run.datasetName = "ml-1m";
        run.provenance = currentProvenance("cpu", 1);
        const int64_t id = store_->createRun(run);
        EvaluationPoint valid;
        valid.split = "valid";
        for (int step = 1; step <= 3; ++step) {
            valid.step = step * 10;
            valid.metrics = {{"ndcg@10", 0.1 * step}};
            store_->appendEvaluation(id, valid);
        }
        RunResult result;
        result.status = "finished";
        result.steps = 30;
        result.test = test;
        store_->finishRun(id, result);
        return id;
    }

    QTemporaryDir dir_;
    std::unique_ptr<RunStore> store_;
};

// Entry A: DimeRec λ=1 over seeds 1–3; B: DimeRec λ=2 over seeds 1–3; C: one SASRec run.
class ComparisonViewTest : public StoreFixture {
protected:
    void SetUp() override {
        StoreFixture::SetUp();
        a_ = {add("paper", "A seed 1", "dimerec", 1, 1, 1, {{"hr@10", 0.50}, {"ndcg@10", 0.25}}),
              add("paper", "A seed 2", "dimerec", 1, 1, 2, {{"hr@10", 0.52}, {"ndcg@10", 0.27}}),
              add("paper", "A seed 3", "dimerec", 1, 1, 3, {{"hr@10", 0.54}, {"ndcg@10", 0.26}})};
        b_ = {add("paper", "B seed 1", "dimerec", 2, 1, 1, {{"hr@10", 0.60}, {"ndcg@10", 0.30}}),
              add("paper", "B seed 2", "dimerec", 2, 1, 2, {{"hr@10", 0.61}, {"ndcg@10", 0.28}}),
              add("paper", "B seed 3", "dimerec", 2, 1, 3, {{"hr@10", 0.65}, {"ndcg@10", 0.29}})};
        c_ = add("paper", "C", "sasrec", 1, 1, 1, {{"hr@10", 0.55}, {"ndcg@10", 0.31}});
        view_ = std::make_unique<ComparisonView>(*store_);
        view_->addSeedGroups({a_[0], b_[1]});
        view_->addRuns({c_});
        waitForEntries();
        view_->setMetrics({QStringLiteral("hr@10"), QStringLiteral("ndcg@10")});
        view_->setBaseline(0);
    }

    QTableWidgetItem* cell(int metric, int entry) const {
        return view_->tableWidget()->item(metric, entry);  // entries are columns by default
    }

    // Added runs are read off the window's thread, in the order asked for.
    void waitForEntries() const {
        ASSERT_TRUE(QTest::qWaitFor([this] { return !view_->loadingEntries(); }, 30000))
            << "entries still loading after 30 s";
    }

    // The tests against the baseline run off the window's thread: wait for the newest.
    void waitForTests() const {
        QElapsedTimer timer;
        timer.start();
        while (view_->testsPending() && timer.elapsed() < 30000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        ASSERT_FALSE(view_->testsPending()) << "tests still running after 30 s";
    }

    std::vector<int64_t> a_, b_;
    int64_t c_ = 0;
    std::unique_ptr<ComparisonView> view_;
};

TEST_F(ComparisonViewTest, GroupsAndRunsBecomeColumnsWithMeanStdAndN) {
    ASSERT_EQ(view_->entries().size(), 3u);
    EXPECT_EQ(view_->entries()[0].label, "A");  // "A seed 1" without its seed
    EXPECT_EQ(view_->entries()[0].runs.size(), 3u);
    EXPECT_EQ(view_->entries()[2].label, "C");
    QTableWidget* table = view_->tableWidget();
    ASSERT_EQ(table->rowCount(), 2);
    ASSERT_EQ(table->columnCount(), 3);
    EXPECT_EQ(table->horizontalHeaderItem(1)->text(), QStringLiteral("B"));
    EXPECT_EQ(table->verticalHeaderItem(0)->text(), QStringLiteral("HR@10"));
    // A's HR@10: mean of 0.50, 0.52, 0.54 = 0.52, sample std 0.02.
    EXPECT_TRUE(cell(0, 0)->text().startsWith(QStringLiteral("0.5200 ± 0.0200  (N=3)")))
        << cell(0, 0)->text().toStdString();
    EXPECT_TRUE(cell(0, 0)->text().contains(QStringLiteral("baseline")));
    EXPECT_TRUE(cell(0, 2)->text().startsWith(QStringLiteral("0.5500\n")));
}

TEST_F(ComparisonViewTest, BestIsBoldSecondUnderlined) {
    // HR@10 means: A 0.52, B 0.62, C 0.55 → B best, C second.
    EXPECT_TRUE(cell(0, 1)->font().bold());
    EXPECT_FALSE(cell(0, 1)->font().underline());
    EXPECT_TRUE(cell(0, 2)->font().underline());
    EXPECT_FALSE(cell(0, 0)->font().bold() || cell(0, 0)->font().underline());
    // NDCG@10 means: A 0.26, B 0.29, C 0.31 → C best, B second.
    EXPECT_TRUE(cell(1, 2)->font().bold());
    EXPECT_TRUE(cell(1, 1)->font().underline());
    EXPECT_FALSE(cell(1, 0)->font().bold() || cell(1, 0)->font().underline());
}

TEST_F(ComparisonViewTest, DeltasToTheBaselineAreHandComputed) {
    // B's HR@10: (0.62 − 0.52) / 0.52 = +19.23 %; B's NDCG@10: (0.29 − 0.26) / 0.26 = +11.54 %;
    // C's HR@10: (0.55 − 0.52) / 0.52 = +5.77 %.
    EXPECT_NEAR(*view_->table().relativeDelta(1, 0), 0.10 / 0.52, 1e-12);
    EXPECT_NEAR(*view_->table().relativeDelta(1, 1), 0.03 / 0.26, 1e-12);
    EXPECT_NEAR(*view_->table().relativeDelta(2, 0), 0.03 / 0.52, 1e-12);
    EXPECT_TRUE(cell(0, 1)->text().contains(QStringLiteral("+19.2 %")));
    EXPECT_TRUE(cell(1, 1)->text().contains(QStringLiteral("+11.5 %")));
    EXPECT_TRUE(cell(0, 2)->text().contains(QStringLiteral("+5.8 %")));
}

TEST_F(ComparisonViewTest, PValuesAreCoreAnalysisTests) {
    // B − A on HR@10 per seed: 0.10, 0.09, 0.11 → t = 0.10 / (0.01/√3) = 17.32 on 2 df; with the
    // df = 2 closed form F(t) = ½ + t / (2√(2 + t²)) the two-sided p is 1 − t/√(2 + t²).
    const double t = 0.10 / (0.01 / std::sqrt(3.0));
    const double handP = 1.0 - t / std::sqrt(2.0 + t * t);
    const double coreP = pairedTTest({0.60, 0.61, 0.65}, {0.50, 0.52, 0.54}).pValue;
    EXPECT_NEAR(coreP, handP, 1e-6);
    EXPECT_FALSE(view_->table().cell(1, 0).pValue.has_value());  // means first, tests follow
    waitForTests();
    ASSERT_TRUE(view_->table().cell(1, 0).pValue.has_value());
    EXPECT_DOUBLE_EQ(*view_->table().cell(1, 0).pValue, coreP);
    EXPECT_TRUE(cell(0, 1)->text().contains(QStringLiteral("p=%1").arg(coreP, 0, 'f', 4)));
    // C has one seed: nothing to pair.
    EXPECT_FALSE(view_->table().cell(2, 0).pValue.has_value());

    // These runs keep no per-user ranks (stored as before schema version 3): the tests pair
    // seeds, and the note says so.
    EXPECT_FALSE(view_->table().cell(1, 0).test->perUser);
    EXPECT_TRUE(view_->note()->text().contains(
        QStringLiteral("per-user tests were not possible for HR@10, NDCG@10 (run #4 has no "
                       "per-user ranks)")))
        << view_->note()->text().toStdString();

    // Three positive differences: the exact Wilcoxon p is 2 · (1/2)³ = 0.25.
    view_->setTest(SeedTest::Wilcoxon);
    waitForTests();
    EXPECT_DOUBLE_EQ(*view_->table().cell(1, 0).pValue, 0.25);
    view_->setTest(SeedTest::Welch);
    waitForTests();
    EXPECT_DOUBLE_EQ(*view_->table().cell(1, 0).pValue,
                     welchTTest({0.60, 0.61, 0.65}, {0.50, 0.52, 0.54}).pValue);
}

TEST_F(ComparisonViewTest, RunsWithPerUserRanksArePairedOverTheirUsers) {
    // Four test users, one target each; A's seeds and B's seeds rank them as below.
    const auto keep = [this](int64_t run, const std::vector<int32_t>& ranks) {
        TargetRanks perUser;
        for (size_t u = 0; u < ranks.size(); ++u)
            perUser.addCase(static_cast<int32_t>(u), {ranks[u]});
        store_->appendEvaluation(run,
                                 {30, 1, "test", store_->run(run).summary.testMetrics, perUser});
    };
    keep(a_[0], {1, 20, 30, 4});
    keep(a_[1], {2, 25, 9, 40});
    keep(a_[2], {50, 11, 30, 3});
    keep(b_[0], {1, 2, 3, 4});
    keep(b_[1], {5, 6, 7, 8});
    keep(b_[2], {9, 10, 11, 12});
    view_->clearEntries();
    view_->addSeedGroups({a_[0], b_[0]});
    waitForEntries();
    view_->setMetrics({QStringLiteral("hr@10")});
    view_->setBaseline(0);
    waitForTests();
    // HR@10 per user averaged over the seeds: A (2/3, 0, 1/3, 2/3), B (1, 1, 2/3, 2/3).
    const CellTest& test = *view_->table().cell(1, 0).test;
    EXPECT_TRUE(test.perUser);
    EXPECT_EQ(test.n, 4);
    EXPECT_DOUBLE_EQ(
        test.pValue,
        pairedTTest({1.0, 1.0, 2.0 / 3, 2.0 / 3}, {2.0 / 3, 0.0, 1.0 / 3, 2.0 / 3}).pValue);
    ASSERT_TRUE(test.seedTest.has_value());  // the seed-level test beside it
    EXPECT_TRUE(cell(0, 1)->text().contains(QStringLiteral("(4 users)")))
        << cell(0, 1)->text().toStdString();
    EXPECT_TRUE(cell(0, 1)->toolTip().contains(QStringLiteral("paired bootstrap 95 % interval")));
    EXPECT_TRUE(view_->note()->text().startsWith(
        QStringLiteral("† p < 0.05 against A: two-sided paired t-test over the test users both "
                       "rows share")))
        << view_->note()->text().toStdString();
    // An export while the tests run still carries them.
    view_->setTest(SeedTest::Wilcoxon);
    EXPECT_TRUE(view_->testsPending());
    EXPECT_TRUE(
        view_->exportText(ComparisonView::ExportFormat::Latex)
            .contains(QStringLiteral("two-sided Wilcoxon signed-rank over the test users")));
    waitForTests();
}

// Runs that stored their test under the other history setting (data whose test targets repeat
// history items) offer the test with history excluded and kept as splits (issue 19, item 8).
TEST_F(ComparisonViewTest, RunsWithBothHistorySettingsOfferEachAsASplit) {
    const QString kept = QString::fromLatin1(kTestHistoryKept);
    view_->setSplit(kept);  // not offered: these runs stored one setting
    EXPECT_NEAR(view_->table().cell(0, 0).stats.mean, 0.52, 1e-12);
    for (size_t s = 0; s < a_.size(); ++s)
        store_->setFinalMetrics(a_[s], otherHistorySplit(false), {{"hr@10", 0.70 + 0.01 * s}});
    view_->clearEntries();
    view_->addSeedGroups({a_[0], b_[0]});
    waitForEntries();
    view_->setMetrics({QStringLiteral("hr@10")});
    EXPECT_NEAR(view_->table().cell(0, 0).stats.mean, 0.52, 1e-12);  // still each run's own
    view_->setSplit(kept);
    // A's kept-history test: mean of 0.70, 0.71, 0.72; B stored none, so its cell is empty.
    EXPECT_NEAR(view_->table().cell(0, 0).stats.mean, 0.71, 1e-12);
    EXPECT_EQ(view_->table().cell(1, 0).stats.n, 0);
    EXPECT_EQ(view_->table().historyNote(), "History items not excluded from the ranking.");
    view_->setSplit(QString::fromLatin1(kTestHistoryExcluded));
    EXPECT_NEAR(view_->table().cell(1, 0).stats.mean, 0.62, 1e-12);  // B's own setting
}

TEST_F(ComparisonViewTest, QuickChangesEndWithTheTestsOfTheLastOne) {
    // One computation runs at a time; the requests made meanwhile collapse into the newest.
    view_->setTest(SeedTest::Wilcoxon);
    view_->setTest(SeedTest::PairedT);
    view_->setTest(SeedTest::Welch);
    waitForTests();
    EXPECT_DOUBLE_EQ(*view_->table().cell(1, 0).pValue,
                     welchTTest({0.60, 0.61, 0.65}, {0.50, 0.52, 0.54}).pValue);
    EXPECT_EQ(view_->table().cell(1, 0).test->method, "Welch t-test");
}

// Added runs are read from the store off the window's thread: the call returns before they
// join, then the entry, its table column and its curve show.
TEST_F(ComparisonViewTest, AddedRunsArriveFromTheStoreOffTheWindowsThread) {
    view_->clearEntries();
    view_->addRuns({c_});
    EXPECT_TRUE(view_->loadingEntries());
    EXPECT_TRUE(view_->entries().empty());
    waitForEntries();
    ASSERT_EQ(view_->entries().size(), 1u);
    EXPECT_EQ(view_->entries().front().label, "C");
    EXPECT_EQ(view_->tableWidget()->columnCount(), 1);
    EXPECT_EQ(view_->curves()->seriesNames(), QStringList{QStringLiteral("C")});
}

// Ticking a metric, choosing a baseline or a test redoes the table alone: the config diff and
// the curves keep what the view read when the entries arrived. The runs are deleted from the
// store behind the view's back, so any new read would fail and empty them.
TEST_F(ComparisonViewTest, TickingAMetricDoesNotReadTheStoreAgain) {
    for (int64_t run : a_) store_->deleteRun(run);
    for (int64_t run : b_) store_->deleteRun(run);
    store_->deleteRun(c_);
    const QList<QListWidgetItem*> ndcg =
        view_->metricList()->findItems(QStringLiteral("ndcg@10"), Qt::MatchExactly);
    ASSERT_EQ(ndcg.size(), 1);
    ndcg.front()->setCheckState(Qt::Unchecked);  // what a click on its box does
    view_->setBaseline(1);
    view_->setTest(SeedTest::Welch);
    waitForTests();
    ASSERT_EQ(view_->table().columns().size(), 1u);  // the table follows: HR@10 alone
    EXPECT_EQ(view_->table().columns().front().key, "hr@10");
    EXPECT_EQ(view_->table().cell(0, 0).test->method, "Welch t-test");
    EXPECT_EQ(view_->diffWidget()->rowCount(), 3);  // model.lambda, model.model, name
    EXPECT_EQ(view_->curves()->seriesNames().size(), 7);
}

TEST_F(ComparisonViewTest, ConfigDiffShowsOnlyDifferingFields) {
    // A: dimerec λ=1, B: dimerec λ=2, C: sasrec λ=1; names differ; seeds of the first runs agree.
    QTableWidget* diff = view_->diffWidget();
    ASSERT_EQ(diff->rowCount(), 3);
    EXPECT_EQ(diff->verticalHeaderItem(0)->text(), QStringLiteral("model.lambda"));
    EXPECT_EQ(diff->verticalHeaderItem(1)->text(), QStringLiteral("model.model"));
    EXPECT_EQ(diff->verticalHeaderItem(2)->text(), QStringLiteral("name"));
    EXPECT_EQ(diff->item(0, 1)->text(), QStringLiteral("2.0"));
    EXPECT_EQ(diff->item(1, 2)->text(), QStringLiteral("\"sasrec\""));
}

TEST_F(ComparisonViewTest, CurvesOverlayEveryRun) {
    // The default is the training loss; these runs logged only validation NDCG, so that shows.
    EXPECT_EQ(view_->curveChooser()->currentText(), QStringLiteral("valid · ndcg@10"));
    // Three seeds of A, three of B, the one run of C.
    EXPECT_EQ(view_->curves()->seriesNames().size(), 7);
    EXPECT_TRUE(view_->curves()->seriesNames().contains(QStringLiteral("B · seed 2")));
    // Exported through PlotExport's context menu.
    EXPECT_EQ(view_->curves()->plot()->contextMenuPolicy(), Qt::CustomContextMenu);
}

// Per epoch, each run's steps are divided by its own epoch length, so that a model with few
// steps per epoch (SASRec's sequence batches) lines up with one with many. D validated at the
// ends of epochs of 10 steps (steps 10, 20, 30), E of 4 (steps 4, 8): both at epochs 1, 2, ….
// C's points all lie in its first epoch, so its epoch length is not known and it is left out.
TEST_F(ComparisonViewTest, CurvesPerEpochLineUpRunsWhoseStepsDiffer) {
    const auto validatedAtEpochEnds = [this](const std::string& name, int64_t stepsPerEpoch,
                                             int64_t epochs) {
        RunConfig config;
        config.name = name;
        NewRun run;
        run.config = config;
        run.provenance = currentProvenance("cpu", 1);
        const int64_t id = store_->createRun(run);
        for (int64_t epoch = 0; epoch < epochs; ++epoch) {
            store_->appendEvaluation(id, {(epoch + 1) * stepsPerEpoch,
                                          epoch,
                                          "valid",
                                          {{"ndcg@10", 0.1 * static_cast<double>(epoch)}},
                                          {}});
        }
        return id;
    };
    const int64_t d = validatedAtEpochEnds("D", 10, 3);
    const int64_t e = validatedAtEpochEnds("E", 4, 2);
    view_->clearEntries();
    view_->addRuns({d, e, c_});
    waitForEntries();
    ASSERT_EQ(view_->curveChooser()->currentText(), QStringLiteral("valid · ndcg@10"));
    EXPECT_EQ(view_->curves()->seriesNames().size(), 3);  // by step, every run
    EXPECT_TRUE(view_->curves()->dataCsv().contains(QStringLiteral("D,30,")));
    view_->curves()->perEpochBox()->click();
    EXPECT_EQ(view_->curves()->seriesNames(),
              (QStringList{QStringLiteral("D"), QStringLiteral("E")}));
    const QString csv = view_->curves()->dataCsv();
    for (const char* point : {"D,1,", "D,2,", "D,3,", "E,1,", "E,2,"})
        EXPECT_TRUE(csv.contains(QString::fromLatin1(point))) << point << "\n" << csv.toStdString();
    EXPECT_TRUE(view_->curves()->plot()->xAxis->label().contains(QStringLiteral("epoch")));
    view_->curves()->perEpochBox()->click();
    EXPECT_EQ(view_->curves()->seriesNames().size(), 3);
}

// The "History length" tab (and "Target popularity") reads the runs' dataset (the embedded
// MovieLens latest-small, every run's default, under leave-one-out: every user rated 20 films or
// more, 14 exactly 20, so the buckets are 10-19 (14), 20-49 and 50+) only once it is shown, on a
// thread of its own. A's seeds rank every one of the 610 test users' targets 1st, 11th and 1st:
// HR@10 1, 0 and 1 in every bucket, so each cell is 2/3 with a sample std of sqrt(1/3), whoever is
// in which bucket. B and C keep no per-user ranks and are left out, as the note says.
TEST_F(ComparisonViewTest, ByUserGroupsDrawsEachRankedEntryOnceShown) {
    const auto keep = [this](int64_t run, int32_t rank) {
        TargetRanks perUser;
        for (int32_t user = 0; user < 610; ++user) perUser.addCase(user, {rank});
        store_->appendEvaluation(run,
                                 {30, 1, "test", store_->run(run).summary.testMetrics, perUser});
    };
    keep(a_[0], 1);
    keep(a_[1], 11);
    keep(a_[2], 1);
    view_->clearEntries();
    view_->addSeedGroups({a_[0], b_[0]});
    view_->addRuns({c_});
    waitForEntries();
    UserBucketView* history = view_->historyLength();
    EXPECT_FALSE(history->loading());  // hidden: no dataset read
    EXPECT_TRUE(history->grid().y.values.empty());

    view_->show();
    auto* tabs = qobject_cast<QTabWidget*>(history->parentWidget()->parentWidget());
    ASSERT_NE(tabs, nullptr);
    tabs->setCurrentWidget(history);
    ASSERT_TRUE(QTest::qWaitFor([history] { return !history->loading(); }, 30000));
    history->setMetric(QStringLiteral("hr@10"));
    const MetricGrid& grid = history->grid();
    ASSERT_EQ(grid.y.values.size(), 1u);
    EXPECT_EQ(grid.y.values[0].label, "A");
    ASSERT_EQ(grid.x.values.size(), 3u);
    EXPECT_EQ(grid.x.values[0].label, "10-19 (14)");
    for (size_t x = 0; x < grid.x.values.size(); ++x) {
        EXPECT_EQ(grid.at(x, 0).n, 3);
        EXPECT_NEAR(grid.at(x, 0).mean, 2.0 / 3, 1e-12);
        EXPECT_NEAR(grid.at(x, 0).stdDev, std::sqrt(1.0 / 3), 1e-12);
    }
    EXPECT_TRUE(history->note()->text().contains(
        QStringLiteral("610 test users by items before the test target")))
        << history->note()->text().toStdString();
    EXPECT_TRUE(
        history->note()->text().contains(QStringLiteral("Left out, without per-user ranks: B, C.")))
        << history->note()->text().toStdString();
    EXPECT_EQ(history->plot()->graphCount(), 1);

    // Other buckets, as typed: from 20 on, 596 users; then a list that is not numbers, and one
    // that does not ascend, each said in the note.
    history->setEdges(QStringLiteral("20"));
    ASSERT_TRUE(QTest::qWaitFor([history] { return !history->loading(); }, 30000));
    ASSERT_EQ(history->grid().x.values.size(), 2u);
    EXPECT_EQ(history->grid().x.values[0].label, "1-19 (14)");
    EXPECT_EQ(history->grid().x.values[1].label, "20+ (596)");
    history->setEdges(QStringLiteral("5, ten"));
    EXPECT_EQ(history->note()->text(), QStringLiteral("Buckets from: 'ten' is not a whole number"));
    history->setEdges(QStringLiteral("10, 5"));
    ASSERT_TRUE(QTest::qWaitFor([history] { return !history->loading(); }, 30000));
    EXPECT_TRUE(history->note()->text().contains(QStringLiteral("edges must ascend")))
        << history->note()->text().toStdString();
    history->setEdges(QStringLiteral("5, 10, 20, 50"));
    ASSERT_TRUE(QTest::qWaitFor([history] { return !history->loading(); }, 30000));

    // By target popularity: the same users by how often their test target occurs in training
    // (138, 360 and 112 users in 0-9, 10-99 and 100-999; `dimerec export plot --kind
    // by-target-popularity` counts the same), A's cells 2/3 again.
    UserBucketView* popularity = view_->targetPopularity();
    EXPECT_FALSE(popularity->loading());
    tabs->setCurrentWidget(popularity);
    ASSERT_TRUE(QTest::qWaitFor([popularity] { return !popularity->loading(); }, 30000));
    popularity->setMetric(QStringLiteral("hr@10"));
    ASSERT_EQ(popularity->grid().x.values.size(), 3u);
    EXPECT_EQ(popularity->grid().x.field, "training interactions of the test target");
    EXPECT_EQ(popularity->grid().x.values[0].label, "0-9 (138)");
    EXPECT_EQ(popularity->grid().x.values[1].label, "10-99 (360)");
    EXPECT_EQ(popularity->grid().x.values[2].label, "100-999 (112)");
    EXPECT_NEAR(popularity->grid().at(2, 0).mean, 2.0 / 3, 1e-12);
    tabs->setCurrentWidget(history);

    // Tested against the comparison's baseline in each bucket: C, now with per-user ranks (1st
    // for every third user, 11th for the others: HR@10 1/3 overall), against A (2/3 for every
    // user). Over the 20-49 and 50+ buckets' hundreds of users the paired t-test's p is far
    // below 0.05 (differences -1/3 and 2/3, mean about 1/3): C's cells there carry a dagger,
    // the baseline's never; without a baseline, no marks.
    TargetRanks everyThird;
    for (int32_t user = 0; user < 610; ++user) everyThird.addCase(user, {user % 3 == 0 ? 1 : 11});
    store_->appendEvaluation(c_, {30, 1, "test", store_->run(c_).summary.testMetrics, everyThird});
    view_->clearEntries();
    view_->addSeedGroups({a_[0]});
    view_->addRuns({c_});
    waitForEntries();
    view_->setBaseline(0);
    ASSERT_TRUE(QTest::qWaitFor([history] { return !history->loading(); }, 30000));
    history->setMetric(QStringLiteral("hr@10"));
    ASSERT_EQ(history->grid().y.values.size(), 2u);
    ASSERT_EQ(history->grid().x.values.size(), 3u);
    for (size_t x = 0; x < 3; ++x) EXPECT_FALSE(history->grid().isMarked(x, 0));
    EXPECT_TRUE(history->grid().isMarked(1, 1));
    EXPECT_TRUE(history->grid().isMarked(2, 1));
    EXPECT_TRUE(history->note()->text().contains(QStringLiteral("† p < 0.05 against A")))
        << history->note()->text().toStdString();
    view_->setBaseline(-1);
    EXPECT_TRUE(history->grid().marked.empty());
    EXPECT_FALSE(history->note()->text().contains(QStringLiteral("†")));

    // A run on other data (ratings of 4 and more only: other histories) cannot share the
    // figure: the note says so instead of drawing.
    RunConfig fewer;
    fewer.name = "D";
    fewer.data.minRating = 4.0f;
    const int64_t d = add("paper", fewer, {{"hr@10", 0.4}});
    keep(d, 1);
    view_->addRuns({d});
    waitForEntries();
    ASSERT_TRUE(QTest::qWaitFor([history] { return !history->loading(); }, 30000));
    EXPECT_TRUE(history->grid().y.values.empty());
    EXPECT_TRUE(history->note()->text().contains(QStringLiteral("one dataset per figure")))
        << history->note()->text().toStdString();
}

TEST_F(ComparisonViewTest, AblationLayoutRenamesReordersAndExports) {
    view_->setTableLayout(ComparisonView::Layout::EntriesAsRows);
    QTableWidget* table = view_->tableWidget();
    ASSERT_EQ(table->rowCount(), 3);
    ASSERT_EQ(table->columnCount(), 2);
    view_->renameEntry(1, QStringLiteral("full model"));
    EXPECT_EQ(table->verticalHeaderItem(1)->text(), QStringLiteral("full model"));
    view_->moveEntry(0, 2);  // A (the baseline) last: the baseline moves with it
    EXPECT_EQ(view_->baseline(), 2);
    EXPECT_EQ(view_->entries()[0].label, "full model");
    EXPECT_TRUE(table->item(0, 0)->font().bold());  // B's HR@10 is still the best

    waitForTests();
    TableFormat format;
    format.decimals = 4;
    format.cornerLabel = "Variant";
    EXPECT_EQ(view_->exportText(ComparisonView::ExportFormat::Latex).toStdString(),
              toLatex(view_->table(), format));
    EXPECT_EQ(view_->exportText(ComparisonView::ExportFormat::Csv).toStdString(),
              toCsv(view_->table(), format));
    EXPECT_TRUE(view_->exportText(ComparisonView::ExportFormat::Latex).contains("\\textbf"));
    // Seed groups and single runs both carry their stored eval.excludeHistory (the default).
    EXPECT_TRUE(view_->exportText(ComparisonView::ExportFormat::Latex)
                    .contains("History items excluded from the ranking."));

    view_->removeEntry(0);
    EXPECT_EQ(view_->entries().size(), 2u);
    EXPECT_EQ(view_->baseline(), 1);
    EXPECT_EQ(table->rowCount(), 2);
}

// A λ × μ study: λ ∈ {0.5, 1}, μ ∈ {1, 2} over seeds 1 and 2, except λ = 1, μ = 2, which has
// no run; plus a run of another study.
class StudyViewTest : public StoreFixture {
protected:
    void SetUp() override {
        StoreFixture::SetUp();
        add("lm", "λ=0.5 μ=1 seed 1", "dimerec", 0.5, 1, 1, {{"ndcg@10", 0.20}});
        add("lm", "λ=0.5 μ=1 seed 2", "dimerec", 0.5, 1, 2, {{"ndcg@10", 0.24}});
        add("lm", "λ=1 μ=1 seed 1", "dimerec", 1, 1, 1, {{"ndcg@10", 0.30}});
        add("lm", "λ=1 μ=1 seed 2", "dimerec", 1, 1, 2, {{"ndcg@10", 0.31}});
        add("lm", "λ=0.5 μ=2 seed 1", "dimerec", 0.5, 2, 1, {{"ndcg@10", 0.10}});
        add("lm", "λ=0.5 μ=2 seed 2", "dimerec", 0.5, 2, 2, {{"ndcg@10", 0.16}});
        add("other", "x", "sasrec", 9, 9, 1, {{"ndcg@10", 0.9}});
    }
};

TEST_F(StudyViewTest, HeatMapCellsAreHandComputedMeans) {
    StudyView view(*store_);
    view.setStudy(QStringLiteral("lm"));
    view.setMetric(QStringLiteral("ndcg@10"));
    view.setHeatMapFields(QStringLiteral("model.lambda"), QStringLiteral("model.mu"));
    EXPECT_EQ(view.sweptFields(),
              QStringList({QStringLiteral("model.lambda"), QStringLiteral("model.mu")}));
    const MetricGrid& grid = view.heatMap()->grid();
    ASSERT_EQ(grid.x.labels(), std::vector<std::string>({"0.5", "1"}));
    ASSERT_EQ(grid.y.labels(), std::vector<std::string>({"1", "2"}));
    EXPECT_NEAR(grid.at(0, 0).mean, (0.20 + 0.24) / 2, 1e-12);
    EXPECT_NEAR(grid.at(1, 0).mean, (0.30 + 0.31) / 2, 1e-12);
    EXPECT_NEAR(grid.at(0, 1).mean, (0.10 + 0.16) / 2, 1e-12);
    EXPECT_EQ(grid.at(1, 1).n, 0);
    EXPECT_EQ(view.heatMap()->cellText(0, 0), QStringLiteral("0.2200\nN=2"));
    EXPECT_EQ(view.heatMap()->cellText(1, 1), QString());

    // Swapped axes transpose the grid.
    view.setHeatMapFields(QStringLiteral("model.mu"), QStringLiteral("model.lambda"));
    EXPECT_NEAR(view.heatMap()->grid().at(1, 0).mean, 0.13, 1e-12);
}

TEST_F(StudyViewTest, ParallelCoordinatesAndAblationTableOfTheStudy) {
    StudyView view(*store_);
    view.setStudy(QStringLiteral("lm"));
    view.setMetric(QStringLiteral("ndcg@10"));
    EXPECT_EQ(view.parallelCoordinates()->lineCount(), 6);
    EXPECT_EQ(view.parallelCoordinates()->plot()->contextMenuPolicy(), Qt::CustomContextMenu);
    EXPECT_EQ(view.heatMap()->plot()->contextMenuPolicy(), Qt::CustomContextMenu);
    // λ's axis spans 0.5 … 1; NDCG's 0.10 … 0.31.
    EXPECT_DOUBLE_EQ(view.parallelCoordinates()->normalised(0, 0.75), 0.5);
    EXPECT_NEAR(view.parallelCoordinates()->normalised(2, 0.24), (0.24 - 0.10) / 0.21, 1e-12);

    const std::vector<ComparisonEntry>& variants = view.ablationTable()->entries();
    ASSERT_EQ(variants.size(), 3u);
    EXPECT_EQ(variants[0].label, "λ=0.5 μ=1");
    EXPECT_EQ(variants[2].runs.size(), 2u);
    EXPECT_EQ(view.ablationTable()->tableLayout(), ComparisonView::Layout::EntriesAsRows);
    EXPECT_EQ(view.ablationTable()->tableWidget()->rowCount(), 3);
}

// The shared T × schedule study (StepsScheduleStudy.h) in a run store.
class CategoricalStudyTest : public StoreFixture {
protected:
    void SetUp() override {
        StoreFixture::SetUp();
        for (const auto& cell : test::kStepsScheduleCells) {
            for (const uint64_t seed : {1u, 2u}) {
                RunConfig config;
                config.name = "T=" + std::to_string(cell.steps) + " " + cell.schedule + " seed " +
                              std::to_string(seed);
                config.model.diffusionSteps = cell.steps;
                config.model.schedule = choiceNamed<BetaSchedule>("model.schedule", cell.schedule);
                config.train.seed = seed;
                add("ts", config, {{"ndcg@10", seed == 1 ? cell.seed1 : cell.seed2}});
            }
        }
    }
};

TEST_F(CategoricalStudyTest, HeatMapOverStepsAndScheduleWithItsCsv) {
    StudyView view(*store_);
    view.setStudy(QStringLiteral("ts"));
    EXPECT_EQ(view.sweptFields(), QStringList({QStringLiteral("model.diffusionSteps"),
                                               QStringLiteral("model.schedule")}));
    // Without λ and μ the first two swept fields are the default axes.
    const MetricGrid& grid = view.heatMap()->grid();
    EXPECT_EQ(grid.x.field, "model.diffusionSteps");
    EXPECT_EQ(grid.y.field, "model.schedule");
    ASSERT_EQ(grid.y.labels(), std::vector<std::string>({"linear", "cosine"}));
    EXPECT_EQ(view.heatMap()->cellText(0, 1), QStringLiteral("0.3050\nN=2"));  // (0.30+0.31)/2
    EXPECT_EQ(view.heatMap()->cellText(1, 1), QStringLiteral("0.1600\nN=2"));  // (0.15+0.17)/2
    // The y axis is labelled with the schedules.
    auto ticker = view.heatMap()->plot()->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
    ASSERT_TRUE(ticker);
    EXPECT_EQ(ticker->ticks().value(1.0), QStringLiteral("cosine"));

    // "Copy data as CSV" / CSV export: one row per cell, not the colour map's silence.
    const QStringList rows =
        plotDataCsv(*view.heatMap()->plot()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(rows.size(), 5);
    EXPECT_EQ(rows[0], QStringLiteral("model.diffusionSteps,model.schedule,mean,std,n"));
    EXPECT_TRUE(rows[3].startsWith(QStringLiteral("50,cosine,0.305,"))) << rows[3].toStdString();
    EXPECT_TRUE(rows[3].endsWith(QStringLiteral(",2")));
    // T=100 cosine: std |0.15 − 0.17| / √2.
    const QStringList last = rows[4].split(QLatin1Char(','));
    ASSERT_EQ(last.size(), 5);
    EXPECT_EQ(last[0] + last[1], QStringLiteral("100cosine"));
    EXPECT_NEAR(last[2].toDouble(), 0.16, 1e-12);
    EXPECT_NEAR(last[3].toDouble(), 0.02 / std::sqrt(2.0), 1e-12);
}

TEST_F(CategoricalStudyTest, SweepLinesAreMeansWithStdErrorBars) {
    StudyView view(*store_);
    view.setStudy(QStringLiteral("ts"));
    view.setHeatMapFields(QStringLiteral("model.diffusionSteps"), QStringLiteral("model.schedule"));
    QCustomPlot* plot = view.sweepPlot();
    ASSERT_EQ(plot->graphCount(), 2);
    EXPECT_EQ(plot->graph(0)->name(), QStringLiteral("schedule = linear"));
    EXPECT_EQ(plot->graph(1)->name(), QStringLiteral("schedule = cosine"));
    // Numeric T on a value axis: the points sit at T = 50 and 100, the two lines 4 % of the
    // step of 50 apart (±1) so that their error bars stay apart.
    const auto linear = plot->graph(0)->data();
    ASSERT_EQ(linear->size(), 2);
    EXPECT_DOUBLE_EQ(linear->at(0)->key, 49.0);
    EXPECT_NEAR(linear->at(0)->value, 0.11, 1e-12);
    EXPECT_DOUBLE_EQ(linear->at(1)->key, 99.0);
    EXPECT_NEAR(linear->at(1)->value, 0.22, 1e-12);
    EXPECT_DOUBLE_EQ(plot->graph(1)->data()->at(1)->key, 101.0);
    EXPECT_NEAR(plot->graph(1)->data()->at(1)->value, 0.16, 1e-12);
    // Error bars: the sample std over the two seeds, |a − b| / √2.
    QCPErrorBars* bars = nullptr;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        auto* candidate = qobject_cast<QCPErrorBars*>(plot->plottable(i));
        if (candidate && candidate->dataPlottable() == plot->graph(0)) bars = candidate;
    }
    ASSERT_NE(bars, nullptr);
    EXPECT_NEAR(bars->data()->at(1).errorPlus, 0.04 / std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(bars->data()->at(0).errorMinus, 0.02 / std::sqrt(2.0), 1e-12);
    EXPECT_EQ(plot->contextMenuPolicy(), Qt::CustomContextMenu);
    EXPECT_TRUE(plotDataCsv(*plot).startsWith(
        QStringLiteral("model.diffusionSteps,model.schedule,mean,std,n\n50,linear,0.11")));

    // The schedule across, T as series: categories evenly spaced at 0, 1.
    view.setHeatMapFields(QStringLiteral("model.schedule"), QStringLiteral("model.diffusionSteps"));
    ASSERT_EQ(plot->graphCount(), 2);
    EXPECT_EQ(plot->graph(1)->name(), QStringLiteral("diffusionSteps = 100"));
    EXPECT_DOUBLE_EQ(plot->graph(1)->data()->at(1)->key, 1.02);  // category 1, dodged
    EXPECT_NEAR(plot->graph(1)->data()->at(1)->value, 0.16, 1e-12);
    // No series: one line over all four runs of each T, (0.10+0.12+0.30+0.31)/4 = 0.2075.
    view.setHeatMapFields(QStringLiteral("model.diffusionSteps"), QString());
    ASSERT_EQ(plot->graphCount(), 1);
    EXPECT_DOUBLE_EQ(plot->graph(0)->data()->at(0)->key, 50.0);
    EXPECT_NEAR(plot->graph(0)->data()->at(0)->value, 0.2075, 1e-12);
    EXPECT_EQ(view.heatMap()->grid().cells.size(), 2u);
    // The heat map's single row is drawn: QCPColorMap gives one data row no height, so it holds
    // two (y = ±0.25, spanning the row's [-0.5, 0.5]), both filled.
    auto* map = qobject_cast<QCPColorMap*>(view.heatMap()->plot()->plottable(0));
    ASSERT_NE(map, nullptr);
    EXPECT_EQ(map->data()->valueSize(), 2);
    EXPECT_EQ(map->data()->valueRange(), QCPRange(-0.25, 0.25));
    EXPECT_EQ(map->data()->alpha(0, 0), 255);
    EXPECT_EQ(map->data()->alpha(1, 1), 255);
    EXPECT_NEAR(map->data()->cell(1, 1), 0.19, 1e-12);  // T=100: (0.20+0.24+0.15+0.17)/4
}

TEST(SweepLinesTest, WideNumericSweepGetsALogAxis) {
    qtTestApp();
    // λ ∈ {0.01, 0.1, 1, 10}: three decades, so a log axis with a tick at each value.
    std::vector<StudyRun> runs;
    for (const double lambda : {0.01, 0.1, 1.0, 10.0}) {
        RunConfig config;
        config.model.lambda = lambda;
        StudyRun run;
        run.fields = configFields(toJson(config).dump());
        run.summary.testMetrics = {{"ndcg@10", 0.2 + lambda / 100}};
        runs.push_back(run);
    }
    QCustomPlot plot;
    EXPECT_EQ(drawSweepLines(plot, metricGrid(runs, "model.lambda", "", "ndcg@10"),
                             QStringLiteral("NDCG@10")),
              4);
    EXPECT_EQ(plot.xAxis->scaleType(), QCPAxis::stLogarithmic);
    EXPECT_EQ(plot.xAxis->label(), QStringLiteral("λ (model.lambda)"));
    ASSERT_EQ(plot.graphCount(), 1);
    EXPECT_DOUBLE_EQ(plot.graph(0)->data()->at(3)->key, 10.0);  // one line: no offset
    EXPECT_NEAR(plot.graph(0)->data()->at(3)->value, 0.3, 1e-12);
    auto ticker = plot.xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    ASSERT_TRUE(ticker);
    EXPECT_EQ(ticker->ticks().value(0.01), QStringLiteral("0.01"));
    // Another chart drawn on the plot gives its CSV back to the plain walk over graphs.
    EXPECT_TRUE(plotDataCsv(plot).startsWith(QStringLiteral("model.lambda,mean,std,n\n")));
    drawCurves(plot, {Curve{QStringLiteral("loss"), {1, 2}, {3, 4}}}, QStringLiteral("step"),
               QStringLiteral("loss"));
    EXPECT_EQ(plot.xAxis->scaleType(), QCPAxis::stLinear);
    EXPECT_TRUE(plotDataCsv(plot).startsWith(QStringLiteral("series,x,x_label,y\nloss,1,")));
}

TEST_F(CategoricalStudyTest, ParallelCoordinatesSpaceCategoriesEvenly) {
    StudyView view(*store_);
    view.setStudy(QStringLiteral("ts"));
    EXPECT_EQ(view.parallelCoordinates()->lineCount(), 8);
    // Axis 1 is the schedule: linear (index 0) at the bottom, cosine (1) at the top.
    EXPECT_DOUBLE_EQ(view.parallelCoordinates()->normalised(1, 0), 0.0);
    EXPECT_DOUBLE_EQ(view.parallelCoordinates()->normalised(1, 1), 1.0);
    // T's axis is numeric: 75 halfway between 50 and 100.
    EXPECT_DOUBLE_EQ(view.parallelCoordinates()->normalised(0, 75), 0.5);
    bool labelled = false;
    QCustomPlot* plot = view.parallelCoordinates()->plot();
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)))
            labelled = labelled || text->text() == QStringLiteral("cosine");
    }
    EXPECT_TRUE(labelled);
}

}  // namespace
}  // namespace dimerec
