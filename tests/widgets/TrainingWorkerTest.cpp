#include "QtTestApp.h"
#include "StoredRuns.h"
#include "TrainingWorker.h"
#include "data/Dataset.h"
#include "store/RunStore.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dimerec {
namespace {

constexpr int kWaitMs = 60'000;  // upper bound for a busy two-core machine; the test ends sooner

// 20 items, 40 users each walking up the items from a different start.
std::shared_ptr<const Dataset> stairsDataset() {
    auto data = std::make_shared<Dataset>();
    data->name = "stairs";
    data->source = "test:stairs";
    data->fingerprint = "stairs";
    for (int i = 0; i < 20; ++i) {
        data->itemIds.push_back(std::to_string(i));
        data->itemTitles.push_back("");
    }
    for (int u = 0; u < 40; ++u) {
        std::vector<int32_t> sequence;
        for (int p = 0; p < 6; ++p) sequence.push_back((u + p) % 20);
        data->userIds.push_back(std::to_string(u));
        data->sequences.push_back(sequence);
    }
    return data;
}

TrainingWorker::Job smallJob() {
    TrainingWorker::Job job;
    job.config.model.model = ModelKind::MeanPool;
    job.config.model.dim = 8;
    job.config.data.maxLength = 4;
    job.config.train.batchSize = 16;
    job.config.train.maxSteps = 20;
    job.config.train.threads = 1;
    job.config.train.device = "cpu";
    job.config.eval.topK = {10};
    job.dataset = stairsDataset();
    return job;
}

TEST(TrainingWorker, CancelAllBetweenTakingAJobAndStartingItCancelsThatJob) {
    qtTestApp();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    // The worker lives on this thread: its queue drains when the event loop runs, and the hook
    // puts a "Cancel all" exactly between the worker taking the first job and starting it.
    TrainingWorker worker(dir.filePath(QStringLiteral("runs.sqlite")));
    int taken = 0;
    worker.setJobTakenHook([&] {
        ++taken;
        worker.cancelAll();
    });
    QSignalSpy finished(&worker, &TrainingWorker::runFinished);
    QSignalSpy idle(&worker, &TrainingWorker::idle);
    worker.enqueue(smallJob());
    worker.enqueue(smallJob());
    ASSERT_TRUE(idle.wait(kWaitMs));

    EXPECT_EQ(taken, 1);  // the second job was dropped with the queue
    ASSERT_EQ(finished.size(), 1);
    const auto outcome = finished.at(0).at(0).value<RunOutcome>();
    EXPECT_EQ(outcome.status.toStdString(), "cancelled") << outcome.message.toStdString();
    EXPECT_EQ(outcome.steps, 0);
    EXPECT_EQ(worker.queuedCount(), 0);
}

// A sweep's trial with a time budget starts only when its estimate (here the 10 minutes of the
// study's finished run of the same config) ends before the budget's end: with a minute left it
// is dropped, trialSkipped names it and no run is recorded; with an hour left it trains.
TEST(TrainingWorker, ASweepTrialStartsOnlyWhenItsEstimateFitsTheTimeBudget) {
    qtTestApp();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string storePath = dir.filePath(QStringLiteral("runs.sqlite")).toStdString();
    TrainingWorker::Job job = smallJob();
    job.study = "budget";
    Trial trial;
    trial.config = job.config;
    trial.label = "mean pooling seed 1";
    job.trial = std::make_shared<const Trial>(trial);
    RunQuery study;
    study.study = "budget";
    {
        RunStore store(storePath);
        test::addFinishedRun(store, job.config, "budget", 600.0);
    }

    TrainingWorker worker(QString::fromStdString(storePath));
    QSignalSpy skipped(&worker, &TrainingWorker::trialSkipped);
    QSignalSpy finished(&worker, &TrainingWorker::runFinished);
    QSignalSpy idle(&worker, &TrainingWorker::idle);
    TrainingWorker::Job tight = job;
    tight.startBefore = QDateTime::currentDateTime().addSecs(60);
    worker.enqueue(std::move(tight));
    ASSERT_TRUE(idle.wait(kWaitMs));
    ASSERT_EQ(skipped.size(), 1);
    EXPECT_EQ(skipped.at(0).at(0).toString().toStdString(), "mean pooling seed 1");
    EXPECT_DOUBLE_EQ(skipped.at(0).at(1).toDouble(), 600.0);
    EXPECT_TRUE(finished.isEmpty());
    EXPECT_EQ(RunStore(storePath, RunStore::Mode::ReadOnly).countRuns(study), 1);

    job.startBefore = QDateTime::currentDateTime().addSecs(3600);
    worker.enqueue(std::move(job));
    ASSERT_TRUE(idle.wait(kWaitMs));
    EXPECT_EQ(skipped.size(), 1);
    ASSERT_EQ(finished.size(), 1);
    const auto outcome = finished.at(0).at(0).value<RunOutcome>();
    EXPECT_EQ(outcome.status.toStdString(), "finished") << outcome.message.toStdString();
    EXPECT_EQ(RunStore(storePath, RunStore::Mode::ReadOnly).countRuns(study), 2);
}

}  // namespace
}  // namespace dimerec
