#include "LossCurvePlot.h"
#include "MainWindow.h"
#include "QtTestApp.h"
#include "RunBrowser.h"
#include "RunConfigForm.h"
#include "RunTableModel.h"
#include "TrainingWorker.h"
#include "data/Dataset.h"
#include "store/RunRecords.h"
#include "store/RunStore.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>

namespace dimerec {
namespace {

// Upper bound for a busy two-core machine and for a build with sanitizers (two runs of the
// queued-runs test took over a minute under TSan); tests end far sooner.
constexpr int kWaitMs = 300'000;

// A small DimeRec run on the embedded dataset: enough steps to watch and cancel.
RunConfig smallConfig() {
    RunConfig config;
    config.name = "window test";
    config.model.dim = 16;
    config.model.interests = 2;
    config.model.diffusionSteps = 10;
    config.train.batchSize = 32;
    config.train.epochs = 50;
    config.train.evalEvery = 20;
    config.train.patience = 0;  // never stop early: the test decides when the run ends
    config.train.threads = 1;
    config.train.device = "cpu";
    config.eval.topK = {10, 20};
    return config;
}

// Records each emission of a signal with its arguments, as QSignalSpy does, but on this
// thread. QSignalSpy appends on the emitting thread (it connects directly): the training
// worker emits on its own thread while the test reads the list, a data race that TSan
// reported (scripts/sanitize.sh tsan). Here each emission is queued to this thread and
// appended while the test's event loop runs (QTest::qWait).
class ThreadSpy : public QObject, public QList<QVariantList> {
public:
    template <typename Sender, typename... Args>
    ThreadSpy(const Sender* sender, void (Sender::*signal)(Args...)) {
        connect(
            sender, signal, this,
            [this](Args... args) { append(QVariantList{QVariant::fromValue(args)...}); },
            Qt::QueuedConnection);
    }
};

// Waits until the spy has caught a signal.
template <typename Spy>
bool waitForSignal(Spy& spy) {
    QElapsedTimer clock;
    clock.start();
    while (spy.isEmpty() && clock.elapsed() < kWaitMs) QTest::qWait(10);
    return !spy.isEmpty();
}

// Milliseconds this thread has spent waiting for a CPU (runnable but not running), from
// /proc/thread-self/schedstat; 0 where the kernel does not report it.
double runQueueWaitMs() {
    std::ifstream stat("/proc/thread-self/schedstat");
    double running = 0.0;
    double waiting = 0.0;
    if (!(stat >> running >> waiting)) return 0.0;
    return waiting / 1e6;
}

class MainWindowTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(dir_.isValid());
        isolateWindowState(dir_, QStringLiteral("DimeRecWindowTest"));
    }

    QString storePath() const { return dir_.filePath(QStringLiteral("runs.sqlite")); }

    // Opens the window and waits for the default dataset.
    std::unique_ptr<MainWindow> openWindow() {
        auto window = std::make_unique<MainWindow>(storePath());
        QSignalSpy ready(window.get(), &MainWindow::datasetReady);
        window->show();
        EXPECT_TRUE(waitForSignal(ready));
        return window;
    }

    QTemporaryDir dir_;
};

// The window carries the application icon that `cmake --install` puts in the icon theme.
TEST_F(MainWindowTest, HasTheApplicationIcon) {
    const std::unique_ptr<MainWindow> window = openWindow();
    EXPECT_FALSE(window->windowIcon().pixmap(32, 32).isNull());
}

TEST_F(MainWindowTest, TrainsCancelsAndShowsTheRunAsCancelled) {
    auto window = openWindow();
    ASSERT_NE(window->currentDataset(), nullptr);
    EXPECT_EQ(window->currentDataset()->numUsers(), 610);  // MovieLens latest-small's README

    window->configForm()->setConfig(smallConfig());
    ThreadSpy points(window->worker(), &TrainingWorker::curvePoints);
    ThreadSpy finished(window->worker(), &TrainingWorker::runFinished);
    ASSERT_TRUE(window->startRun());
    ASSERT_TRUE(waitForSignal(points));
    // Wait until the live loss curve has points drawn from the run.
    for (int i = 0; i < 100 && window->lossPlot()->storedPointCount(QStringLiteral("total")) == 0;
         ++i) {
        QTest::qWait(50);
    }
    EXPECT_GT(window->lossPlot()->storedPointCount(QStringLiteral("total")), 0);
    // The curves took the place of the first-run guide.
    EXPECT_TRUE(window->lossPlot()->isVisible());

    window->cancelRuns();
    ASSERT_TRUE(waitForSignal(finished));
    const auto outcome = finished.takeFirst().at(0).value<RunOutcome>();
    EXPECT_EQ(outcome.status, QStringLiteral("cancelled")) << outcome.message.toStdString();
    // The progress bar says so (not 100 %).
    QTest::qWait(50);
    const auto* bar = window->findChild<QProgressBar*>(QStringLiteral("runProgress"));
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->text(), QStringLiteral("cancelled at step %1").arg(outcome.steps));

    window->runBrowser()->refresh();
    RunTableModel* model = window->runBrowser()->model();
    const int row = model->rowOfRun(outcome.runId);
    ASSERT_GE(row, 0);
    EXPECT_EQ(model->index(row, RunTableModel::Status).data().toString(),
              QStringLiteral("cancelled"));
    EXPECT_EQ(model->index(row, RunTableModel::Name).data().toString(),
              QStringLiteral("window test"));

    // Selecting the run shows its stored curves (reloaded from the store, not the live ones).
    window->lossPlot()->clear();
    window->runBrowser()->selectRuns({outcome.runId});
    EXPECT_GT(window->lossPlot()->storedPointCount(QStringLiteral("total")), 0);

    // Cancelled means resumable: the run kept a checkpoint.
    RunStore store(storePath().toStdString());
    EXPECT_FALSE(store.run(outcome.runId).lastCheckpoint.empty());
}

// Overlaid runs whose steps differ (SASRec's sequence batches, DimeRec's sample batches) line
// up per epoch. D validates at the end of each of 3 epochs of 10 steps, E of 2 epochs of 4
// steps; C's one point lies in its first epoch, so its epoch length is unknown and it is left
// out (the bar says so). Hand-computed: D's points at epochs 1, 2, 3, E's at 1, 2.
TEST_F(MainWindowTest, CurvesPerEpochLineUpRunsWhoseStepsDiffer) {
    std::vector<qint64> ids;
    {
        RunStore store(storePath().toStdString());
        const auto addRun = [&store](const std::string& name, int64_t stepsPerEpoch,
                                     int64_t epochs) {
            NewRun run;
            run.config.name = name;
            run.provenance = currentProvenance("cpu", 1);
            const int64_t id = store.createRun(run);
            for (int64_t epoch = 0; epoch < epochs; ++epoch) {
                store.appendEvaluation(
                    id, {(epoch + 1) * stepsPerEpoch, epoch, "valid", {{"hr@10", 0.1}}, {}});
            }
            return id;
        };
        ids = {addRun("D", 10, 3), addRun("E", 4, 2), addRun("C", 7, 1)};
    }
    auto window = openWindow();
    window->runBrowser()->refresh();
    window->runBrowser()->selectRuns({ids[0], ids[1], ids[2]});
    LossCurvePlot* valid = window->validationPlot();
    EXPECT_EQ(valid->seriesNames().size(), 3);  // per step, every run
    EXPECT_TRUE(valid->dataCsv().contains(QStringLiteral("#%1 hr@10,30,").arg(ids[0])));

    window->lossPlot()->perEpochBox()->click();
    EXPECT_EQ(valid->seriesNames(), (QStringList{QStringLiteral("#%1 hr@10").arg(ids[0]),
                                                 QStringLiteral("#%1 hr@10").arg(ids[1])}));
    const QString csv = valid->dataCsv();
    EXPECT_TRUE(csv.startsWith(QStringLiteral("series,epoch,"))) << csv.toStdString();
    for (const auto& [run, epoch] :
         {std::pair{ids[0], 1}, {ids[0], 2}, {ids[0], 3}, {ids[1], 1}, {ids[1], 2}}) {
        EXPECT_TRUE(csv.contains(QStringLiteral("#%1 hr@10,%2,").arg(run).arg(epoch)))
            << run << " " << epoch << "\n"
            << csv.toStdString();
    }
    const auto* leftOut = window->lossPlot()->findChild<QLabel*>(QStringLiteral("runsLeftOut"));
    ASSERT_NE(leftOut, nullptr);
    EXPECT_TRUE(leftOut->text().contains(QStringLiteral("1 run(s) left out")))
        << leftOut->text().toStdString();

    window->lossPlot()->perEpochBox()->click();
    EXPECT_EQ(valid->seriesNames().size(), 3);
    EXPECT_TRUE(leftOut->text().isEmpty());
}

// A live run's curve per epoch: its epoch length comes with its progress (known from its
// first step, long before its stored points tell it), so each point sits at step / length.
TEST_F(MainWindowTest, LiveCurvesPerEpochUseTheRunsEpochLength) {
    auto window = openWindow();
    window->configForm()->setConfig(smallConfig());
    window->lossPlot()->perEpochBox()->click();
    ThreadSpy progress(window->worker(), &TrainingWorker::progress);
    ThreadSpy finished(window->worker(), &TrainingWorker::runFinished);
    ASSERT_TRUE(window->startRun());
    ASSERT_TRUE(waitForSignal(progress));
    const qint64 length = progress.first().at(0).value<TrainingProgress>().stepsPerEpoch;
    EXPECT_GT(length, 1);
    for (int i = 0; i < 200 && window->lossPlot()->storedPointCount(QStringLiteral("total")) < 3;
         ++i) {
        QTest::qWait(50);
    }
    window->cancelRuns();
    ASSERT_TRUE(waitForSignal(finished));
    const qint64 lastStep = finished.first().at(0).value<RunOutcome>().steps;
    QTest::qWait(50);  // the last batch of points
    const QStringList rows = window->lossPlot()->dataCsv().split(QLatin1Char('\n'));
    ASSERT_TRUE(rows.first().startsWith(QStringLiteral("series,epoch,")));
    int points = 0;
    double step = 0.0;
    for (const QString& row : rows.mid(1)) {
        if (!row.startsWith(QStringLiteral("total,"))) continue;
        step = row.section(QLatin1Char(','), 1, 1).toDouble() * static_cast<double>(length);
        EXPECT_NEAR(step, std::round(step), 1e-6) << row.toStdString();  // a whole step
        EXPECT_GE(std::round(step), 1.0) << row.toStdString();
        ++points;
    }
    EXPECT_GE(points, 3);
    EXPECT_NEAR(step, static_cast<double>(lastStep), 1e-6);  // the last point: its last step
}

TEST_F(MainWindowTest, QueuedRunsTrainOneAfterAnother) {
    auto window = openWindow();
    RunConfig config = smallConfig();
    config.train.maxSteps = 5;
    window->configForm()->setConfig(config);
    ThreadSpy finished(window->worker(), &TrainingWorker::runFinished);
    ASSERT_TRUE(window->startRun());
    ASSERT_TRUE(window->startRun());  // queued behind the first
    QElapsedTimer clock;
    clock.start();
    while (finished.size() < 2 && clock.elapsed() < kWaitMs) QTest::qWait(20);
    ASSERT_EQ(finished.size(), 2);
    const auto first = finished.at(0).at(0).value<RunOutcome>();
    const auto second = finished.at(1).at(0).value<RunOutcome>();
    EXPECT_EQ(first.status, QStringLiteral("finished")) << first.message.toStdString();
    EXPECT_EQ(second.status, QStringLiteral("finished")) << second.message.toStdString();
    EXPECT_EQ(first.steps, 5);
    EXPECT_NE(first.runId, second.runId);
}

TEST_F(MainWindowTest, ClosingDuringARunAsksThenCancelsAndCloses) {
    auto window = openWindow();
    window->configForm()->setConfig(smallConfig());
    ThreadSpy points(window->worker(), &TrainingWorker::curvePoints);
    ThreadSpy finished(window->worker(), &TrainingWorker::runFinished);
    ASSERT_TRUE(window->startRun());
    ASSERT_TRUE(waitForSignal(points));
    // Answer the "training in progress" question with Yes once it shows.
    QTimer::singleShot(200, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        ASSERT_NE(box, nullptr);
        box->button(QMessageBox::Yes)->click();
    });
    window->close();
    ASSERT_TRUE(waitForSignal(finished));
    EXPECT_EQ(finished.first().at(0).value<RunOutcome>().status, QStringLiteral("cancelled"));
    for (int i = 0; i < 100 && window->isVisible(); ++i) QTest::qWait(20);
    EXPECT_FALSE(window->isVisible());
}

TEST_F(MainWindowTest, EventLoopNeverStallsWhileTraining) {
    auto window = openWindow();
    window->configForm()->setConfig(smallConfig());
    ThreadSpy started(window->worker(), &TrainingWorker::runStarted);
    ThreadSpy finished(window->worker(), &TrainingWorker::runFinished);
    ASSERT_TRUE(window->startRun());
    ASSERT_TRUE(waitForSignal(started));

    // A stall is time between two ticks that the window's thread could have run but did not
    // get to its event loop: the wall-clock gap minus the time the thread waited for a CPU
    // that other processes held (Linux schedstat), so a busy build machine does not count.
    QElapsedTimer clock;
    double last = 0.0;
    double lastQueued = runQueueWaitMs();
    double longestStall = 0.0;
    double longestGap = 0.0;
    QTimer ticker;
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const double now = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        const double queued = runQueueWaitMs();
        longestGap = std::max(longestGap, now - last);
        longestStall = std::max(longestStall, (now - last) - (queued - lastQueued));
        last = now;
        lastQueued = queued;
    });
    clock.start();
    ticker.start();
    QTest::qWait(3000);  // curves, progress and the run table update meanwhile
    ticker.stop();
    window->cancelRuns();
    ASSERT_TRUE(waitForSignal(finished));
    EXPECT_GT(window->lossPlot()->storedPointCount(QStringLiteral("total")), 0);
    std::cout << "longest stall " << longestStall << " ms, longest wall-clock gap " << longestGap
              << " ms\n";
    EXPECT_LT(longestStall, 100.0) << "the window stalled for " << longestStall << " ms (longest "
                                   << "wall-clock gap " << longestGap << " ms)";
}

// File → Import runs: a folder stands for its bundles; a file that is not a bundle is reported
// with its name and loses nothing (the other runs go in); importing again stores nothing twice.
TEST_F(MainWindowTest, ImportsRunBundlesFromFilesAndFoldersAndReportsBadOnes) {
    const QString folder = dir_.filePath(QStringLiteral("bundles"));
    QDir().mkpath(folder);
    {
        RunStore source(dir_.filePath(QStringLiteral("source.sqlite")).toStdString());
        for (int seed : {1, 2}) {
            NewRun run;
            run.config.train.seed = static_cast<uint64_t>(seed);
            run.study = "shared";
            const int64_t id = source.createRun(run);
            source.exportBundle(
                id, (folder + QStringLiteral("/run-%1.json.gz").arg(seed)).toStdString());
        }
    }
    const QString bad = dir_.filePath(QStringLiteral("notes.json"));
    QFile file(bad);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("{\"not\": \"a bundle\"}");
    file.close();

    MainWindow window(storePath());
    MainWindow::RunImportReport report = window.importRuns({folder, bad});
    EXPECT_EQ(report.added, 2);
    EXPECT_EQ(report.alreadyStored, 0);
    ASSERT_EQ(report.failures.size(), 1);
    EXPECT_TRUE(
        report.failures.front().startsWith(bad + QStringLiteral(": is not a DimeRec run bundle")))
        << report.failures.front().toStdString();
    EXPECT_EQ(window.runBrowser()->model()->totalRuns(), 2);
    EXPECT_EQ(
        window.statusBar()->currentMessage(),
        QStringLiteral("2 run(s) imported, 0 already stored; 1 file(s) could not be imported."));

    report = window.importRuns({folder});
    EXPECT_EQ(report.added, 0);
    EXPECT_EQ(report.alreadyStored, 2);
    EXPECT_TRUE(report.failures.isEmpty());
    EXPECT_EQ(window.runBrowser()->model()->totalRuns(), 2);
}

}  // namespace
}  // namespace dimerec
