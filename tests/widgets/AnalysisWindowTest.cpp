#include "ComparisonView.h"
#include "DiffusionInspector.h"
#include "EmbeddingExplorer.h"
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "QtTestApp.h"
#include "RunBrowser.h"
#include "RunConfigForm.h"
#include "SweepDialog.h"
#include "TrialFolderWatcher.h"
#include "CancelAfter.h"
#include "StoredRuns.h"
#include "data/Dataset.h"
#include "experiment/Sweep.h"
#include "experiment/SweepRunner.h"
#include "store/RunStore.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QCoreApplication>
#include <QFile>
#include <QDockWidget>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace dimerec {
namespace {

// The comparison basket reads added runs off the window's thread: whether they arrived.
bool entriesArrive(const MainWindow& window) {
    return QTest::qWaitFor([&] { return !window.comparisonView()->loadingEntries(); }, 30000);
}

class AnalysisWindowTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(dir_.isValid());
        isolateWindowState(dir_, QStringLiteral("DimeRecAnalysisTest"));
    }

    std::string storePath() const {
        return dir_.filePath(QStringLiteral("runs.sqlite")).toStdString();
    }

    // A finished run of `config` in `study` with the given test NDCG@10.
    static int64_t addFinished(RunStore& store, const RunConfig& config, const std::string& study,
                               double ndcg) {
        return test::addFinishedRun(store, config, study, 60.0, {{"ndcg@10", ndcg}});
    }

    QTemporaryDir dir_;
};

TEST_F(AnalysisWindowTest, BasketShowsADimeRecRunsReadoutsAsLabelledEntries) {
    int64_t run = 0;
    {
        RunStore store(storePath());
        RunConfig config;
        config.name = "DimeRec";
        run = addFinished(store, config, "default", 0.04);
        store.setFinalMetrics(run, "test/interests", {{"ndcg@10", 0.08}});
        store.setFinalMetrics(run, "test/fused", {{"ndcg@10", 0.09}});
    }
    MainWindow window(QString::fromStdString(storePath()));
    window.runBrowser()->refresh();
    window.runBrowser()->selectRuns({run});
    window.runBrowser()->findChild<QAction*>(QStringLiteral("addToComparison"))->trigger();
    ASSERT_TRUE(entriesArrive(window));
    const auto& entries = window.comparisonView()->entries();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].label, "DimeRec");  // the run's own readout keeps the plain label
    EXPECT_EQ(entries[1].label, "DimeRec [fused readout]");
    EXPECT_EQ(entries[2].label, "DimeRec [interests readout]");
    EXPECT_EQ(entries[2].runs.front().testMetrics.at("ndcg@10"), 0.08);
}

TEST_F(AnalysisWindowTest, DiffusionInspectorProfilesTheFormsProcessAndTracesARun) {
    int64_t unfinished = 0;
    {
        RunStore store(storePath());
        unfinished = addFinished(store, RunConfig{}, "default", 0.1);  // no checkpoint stored
    }
    MainWindow window(QString::fromStdString(storePath()));
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("diffusionInspectorDock"));
    ASSERT_NE(dock, nullptr);
    auto* inspector = dock->findChild<DiffusionInspector*>();
    ASSERT_NE(inspector, nullptr);
    EXPECT_FALSE(inspector->traceButton()->isEnabled());  // no run selected

    // The form's process: T = 20 steps in d = 16.
    RunConfig config = window.configForm()->config();
    config.model.diffusionSteps = 20;
    config.model.dim = 16;
    window.configForm()->setConfig(config);
    QSignalSpy profiled(inspector, &DiffusionInspector::profiled);
    inspector->profileButton()->click();
    ASSERT_TRUE(profiled.wait(60000)) << inspector->forwardStatus().toStdString();
    EXPECT_EQ(inspector->forwardPlot()->graphCount(), 4);
    EXPECT_EQ(inspector->forwardPlot()->graph(2)->dataCount(), 20);
    EXPECT_TRUE(inspector->forwardStatus().contains(QStringLiteral("T = 20")));

    // A run without a best checkpoint: the trace fails with a message, nothing is drawn.
    window.runBrowser()->refresh();
    window.runBrowser()->selectRuns({unfinished});
    EXPECT_TRUE(inspector->traceButton()->isEnabled());
    QSignalSpy failed(inspector, &DiffusionInspector::failed);
    inspector->traceButton()->click();
    ASSERT_TRUE(failed.wait(60000));
    EXPECT_TRUE(inspector->reverseStatus().contains(QStringLiteral("no best checkpoint")))
        << inspector->reverseStatus().toStdString();
    EXPECT_EQ(inspector->reversePlot()->graphCount(), 0);
}

TEST_F(AnalysisWindowTest, BasketAddsAndRemovesRunsFromTheRunBrowser) {
    int64_t first = 0;
    int64_t second = 0;
    {
        RunStore store(storePath());
        RunConfig config;
        config.name = "dimerec seed 1";
        first = addFinished(store, config, "default", 0.2);
        config.name = "dimerec seed 2";
        config.train.seed = 2;
        second = addFinished(store, config, "default", 0.3);
    }
    MainWindow window(QString::fromStdString(storePath()));
    window.runBrowser()->refresh();
    window.runBrowser()->selectRuns({first, second});
    ASSERT_EQ(window.runBrowser()->selectedRuns().size(), 2);

    auto* addRuns = window.runBrowser()->findChild<QAction*>(QStringLiteral("addToComparison"));
    auto* addGroups =
        window.runBrowser()->findChild<QAction*>(QStringLiteral("addSeedGroupsToComparison"));
    ASSERT_NE(addRuns, nullptr);
    ASSERT_NE(addGroups, nullptr);
    addRuns->trigger();
    ASSERT_TRUE(entriesArrive(window));
    ComparisonView* basket = window.comparisonView();
    ASSERT_EQ(basket->entries().size(), 2u);
    EXPECT_EQ(basket->entryList()->count(), 2);
    addRuns->trigger();  // the same runs again change nothing
    ASSERT_TRUE(entriesArrive(window));
    EXPECT_EQ(basket->entries().size(), 2u);
    // Both runs share a config: one seed group of two runs.
    addGroups->trigger();
    ASSERT_TRUE(entriesArrive(window));
    ASSERT_EQ(basket->entries().size(), 3u);
    EXPECT_EQ(basket->entries()[2].runs.size(), 2u);
    EXPECT_EQ(basket->entries()[2].label, "dimerec");
    EXPECT_EQ(basket->tableWidget()->columnCount(), 3);

    basket->removeEntry(0);
    ASSERT_EQ(basket->entries().size(), 2u);
    EXPECT_EQ(basket->entries()[0].runs.front().id, second);
    basket->clearEntries();
    EXPECT_EQ(basket->entryList()->count(), 0);
}

TEST_F(AnalysisWindowTest, SweepDialogCountsTrialsAndFinishedTrials) {
    const QString path = dir_.filePath(QStringLiteral("lm.json"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"study": "lm", "description": "λ × μ",
                   "base": {"model": {"dim": 8}, "train": {"maxSteps": 5}},
                   "grid": {"model.lambda": [0.5, 1.0], "model.mu": [1.0, 2.0]},
                   "seeds": [1, 2, 3],
                   "profiles": {"quick": {"seeds": [1]}}})");
    file.close();
    RunStore store(storePath());
    const std::vector<Trial> trials = expandTrials(loadExperimentFile(path.toStdString()));
    ASSERT_EQ(trials.size(), 12u);  // 2 λ × 2 μ × 3 seeds
    // Two trials already done in the study; the same config in another study does not count.
    addFinished(store, trials[0].config, "lm", 0.2);
    addFinished(store, trials[5].config, "lm", 0.3);
    addFinished(store, trials[7].config, "elsewhere", 0.3);

    SweepDialog dialog(store, path);
    EXPECT_EQ(dialog.trials().size(), 12u);
    EXPECT_EQ(dialog.trialTable()->rowCount(), 12);
    EXPECT_EQ(dialog.finishedCount(), 2);
    const std::vector<PendingTrial> pending = dialog.pendingTrials();
    ASSERT_EQ(pending.size(), 10u);
    // Queued seeds first (trial i is grid point i / 3, seed i % 3 + 1): the seed-1 trials left,
    // then seed 2's, then seed 3's.
    std::vector<int> order;
    for (const PendingTrial& trial : pending) order.push_back(trial.trial.index);
    EXPECT_EQ(order, (std::vector<int>{3, 6, 9, 1, 4, 7, 10, 2, 8, 11}));
    EXPECT_TRUE(dialog.summaryText().contains(QStringLiteral("12 runs")));
    EXPECT_TRUE(dialog.summaryText().contains(QStringLiteral("10 to run")));
    // Both finished runs took 60 s: 10 pending trials ≈ 600 s.
    EXPECT_TRUE(dialog.estimateText().startsWith(QStringLiteral("0:10:00")))
        << dialog.estimateText().toStdString();

    // No time budget unless the box is ticked; ticked, the chosen end.
    EXPECT_FALSE(dialog.startBefore().isValid());
    EXPECT_FALSE(dialog.budgetEnd()->isEnabled());
    dialog.budgetBox()->setChecked(true);
    EXPECT_TRUE(dialog.budgetEnd()->isEnabled());
    const QDateTime end = QDateTime::currentDateTime().addSecs(5400);
    dialog.budgetEnd()->setDateTime(end);
    EXPECT_EQ(dialog.startBefore().toSecsSinceEpoch() / 60, end.toSecsSinceEpoch() / 60);
    EXPECT_EQ(dialog.trialsWithinBudget(), 10);  // 10 × 60 s in 90 minutes
    // About 4 minutes: as many 60-s trials as whole minutes are left.
    dialog.budgetEnd()->setDateTime(QDateTime::currentDateTime().addSecs(270));
    const qint64 left = QDateTime::currentDateTime().secsTo(dialog.startBefore());
    EXPECT_EQ(dialog.trialsWithinBudget(), left / 60);
    EXPECT_TRUE(dialog.summaryText().contains(
        QStringLiteral("With the time budget <b>%1 of 10 start</b>").arg(left / 60)))
        << dialog.summaryText().toStdString();

    ASSERT_GE(dialog.profileChooser()->count(), 2);
    ASSERT_TRUE(dialog.load(path, QStringLiteral("quick")));
    EXPECT_EQ(dialog.trials().size(), 4u);  // one seed
}

TEST_F(AnalysisWindowTest, SweepDialogReportsABadFile) {
    const QString path = dir_.filePath(QStringLiteral("bad.json"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"grid": {"model.nonsense": [1, 2]}})");
    file.close();
    RunStore store(storePath());
    SweepDialog dialog(store, path);
    EXPECT_TRUE(dialog.trials().empty());
    EXPECT_EQ(dialog.trialTable()->rowCount(), 0);
    EXPECT_FALSE(dialog.load(path));
}

// A sweep stopped half-way continues in the window as `dimerec sweep` continues it: the trial's
// cancelled run (here stopped after 2 of its 4 steps) is listed as to resume and, queued, goes
// on from its last checkpoint in place; the study keeps one run with every step's loss.
TEST_F(AnalysisWindowTest, SweepResumesACancelledTrialFromItsCheckpoint) {
    const QString path = dir_.filePath(QStringLiteral("resume.json"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"study": "resume",
                   "base": {"model": {"dim": 8, "diffusionSteps": 5, "interests": 2},
                            "train": {"maxSteps": 4, "batchSize": 32, "threads": 1,
                                      "device": "cpu"},
                            "eval": {"topK": [10]}},
                   "seeds": [3]})");
    file.close();
    const std::vector<Trial> trials = expandTrials(loadExperimentFile(path.toStdString()));
    int64_t cancelled = 0;
    {
        RunStore store(storePath());
        const auto dataset = std::make_shared<const Dataset>(loadDataset(trials[0].config.data));
        const TrialOutcome outcome = test::cancelledTrial(store, "resume", trials[0], dataset, 2);
        ASSERT_EQ(outcome.result.status, "cancelled");
        cancelled = outcome.run;
    }

    MainWindow window(QString::fromStdString(storePath()));
    QString status;
    QTimer::singleShot(200, [&status] {
        auto* dialog = qobject_cast<SweepDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr);
        status = dialog->trialTable()->item(0, 4)->text();  // "In the store"
        dialog->accept();
    });
    window.runSweep(path);
    EXPECT_EQ(status, QStringLiteral("to resume run %1 from its last checkpoint").arg(cancelled));
    const RunStore view(storePath(), RunStore::Mode::ReadOnly);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return view.run(cancelled).summary.status == "finished"; }, 120000));
    EXPECT_EQ(view.run(cancelled).summary.steps, 4);
    EXPECT_EQ(view.series(cancelled, "train", "total").size(), 4u);
    RunQuery study;
    study.study = "resume";
    EXPECT_EQ(view.countRuns(study), 1);
}

// The Embeddings dock's "Norms by frequency" tab: the best checkpoint's item table by training
// frequency, and with the slider on a snapshot that snapshot's too, each line's mean pairwise
// cosine above; "Log scale" puts the norms on a logarithmic axis.
TEST_F(AnalysisWindowTest, EmbeddingExplorerShowsTheItemTablesNormsBySnapshot) {
    const std::vector<Trial> trials = expandTrials(experimentFromJson(nlohmann::json::parse(R"({
        "study": "norms",
        "base": {"model": {"dim": 8, "diffusionSteps": 5, "interests": 2},
                 "train": {"maxSteps": 4, "evalEvery": 2, "batchSize": 32, "threads": 1,
                           "device": "cpu"},
                 "eval": {"topK": [10]}},
        "seeds": [1]})"),
                                                                      "norms.json"));
    int64_t run = 0;
    {
        RunStore store(storePath());
        TrainControl go;
        const TrialOutcome outcome = runTrial(
            store, "norms", trials[0], TrialState{},
            std::make_shared<const Dataset>(loadDataset(trials[0].config.data)), nullptr, go);
        ASSERT_EQ(outcome.result.status, "finished") << outcome.result.message;
        run = outcome.run;
        ASSERT_EQ(store.run(run).embeddings.size(), 2u);  // snapshots at steps 2 and 4
    }
    EmbeddingExplorer explorer(QString::fromStdString(storePath()));
    QSignalSpy analysed(&explorer, &EmbeddingExplorer::analysed);
    explorer.showRun(run);
    explorer.show();
    ASSERT_TRUE(analysed.wait(120000)) << explorer.statusText().toStdString();
    QCustomPlot* norms = explorer.normsPlot();
    ASSERT_EQ(norms->graphCount(), 1);  // the slider starts on the best checkpoint
    EXPECT_EQ(norms->graph(0)->name(), QStringLiteral("best checkpoint"));
    EXPECT_TRUE(
        explorer.cosineText().startsWith(QStringLiteral("Mean pairwise cosine: best checkpoint ")));
    auto* slider = explorer.findChild<QSlider*>(QStringLiteral("snapshotSlider"));
    ASSERT_NE(slider, nullptr);
    slider->setValue(0);  // the first snapshot, step 2
    ASSERT_EQ(norms->graphCount(), 2);
    EXPECT_EQ(
        norms->graph(1)->name(),
        QString::fromStdString(
            RunStore(storePath(), RunStore::Mode::ReadOnly).run(run).embeddings.front().label));
    EXPECT_TRUE(explorer.cosineText().contains(norms->graph(1)->name()));
    EXPECT_EQ(norms->yAxis->scaleType(), QCPAxis::stLinear);
    explorer.normsLogScale()->setChecked(true);
    EXPECT_EQ(norms->yAxis->scaleType(), QCPAxis::stLogarithmic);
    EXPECT_GT(norms->yAxis->range().lower, 0.0);
    explorer.normsLogScale()->setChecked(false);
    EXPECT_EQ(norms->yAxis->scaleType(), QCPAxis::stLinear);
    EXPECT_EQ(norms->yAxis->range().lower, 0.0);
}

// A cluster job's database (dimerec sweep --slurm) in a watched folder: its ended runs come
// into the window's store and study, a run still running there waits for a later scan, and
// nothing is imported twice.
TEST_F(AnalysisWindowTest, WatchedClusterFolderImportsRunsAsTheyEnd) {
    QTemporaryDir results;
    ASSERT_TRUE(results.isValid());
    RunStore trialDb(results.filePath(QStringLiteral("trial-0.sqlite")).toStdString());
    RunConfig config;
    config.name = "full seed 1";
    addFinished(trialDb, config, "cluster-study", 0.31);
    NewRun running;
    running.study = "cluster-study";
    running.config.name = "full seed 2";
    running.datasetName = "ml-latest-small";
    running.provenance = currentProvenance("cpu", 1);
    const int64_t second = trialDb.createRun(running);

    MainWindow window(QString::fromStdString(storePath()));
    window.watchTrialFolder(results.path());
    ASSERT_NE(window.trialWatcher(), nullptr);
    RunQuery study;
    study.study = "cluster-study";
    const RunStore view(storePath(), RunStore::Mode::ReadOnly);
    EXPECT_EQ(view.countRuns(study), 1);

    RunResult result;
    result.status = "finished";
    result.steps = 10;
    result.test = {{"ndcg@10", 0.33}};
    trialDb.finishRun(second, result);
    EXPECT_EQ(window.trialWatcher()->scan(), 1);
    EXPECT_EQ(view.countRuns(study), 2);
    EXPECT_EQ(window.trialWatcher()->scan(), 0);
}

}  // namespace
}  // namespace dimerec
