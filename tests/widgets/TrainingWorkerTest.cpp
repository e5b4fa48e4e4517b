#include "QtTestApp.h"
#include "TrainingWorker.h"
#include "data/Dataset.h"

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

}  // namespace
}  // namespace dimerec
