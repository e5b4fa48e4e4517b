#pragma once

#include "config/RunConfig.h"
#include "experiment/Sweep.h"
#include "train/TrainObserver.h"
#include "TrainingTypes.h"

#include <QDateTime>
#include <QObject>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace dimerec {

struct Dataset;
class RunStore;

// Trains runs one after another in its own thread (moved there by its owner): each queued
// job becomes a recorded run (core's RecordedRun: the store keeps its series, its checkpoints go
// beside the database); progress and curve points reach the window as queued signals carrying
// plain values, batched so that the window redraws a few times a second whatever the step rate.
// enqueue, pause, resume and cancel may be called from any thread: they only touch a
// mutex-guarded queue and the trainer's atomic flags, so they act within one batch even
// while a run blocks the worker's thread.
class TrainingWorker : public QObject {
    Q_OBJECT

public:
    struct Job {
        RunConfig config;
        // The dataset config.data stands for, when the caller already has it loaded (e.g.
        // imported with a column mapping); else the worker loads it.
        std::shared_ptr<const Dataset> dataset;
        std::string study = "default";  // study the new run belongs to (a sweep's own)
        qint64 resumeRun = 0;           // continue this stored run from its last checkpoint
        std::string resumeFrom;         // that checkpoint's path
        // A sweep's trial (its config is `config`) with a time budget: it starts only when the
        // training it still needs (TrialTimes::toGo of `study`, as the store stands when it
        // comes up; less what resumeRun trained already) ends before `startBefore`; otherwise
        // it is dropped with trialSkipped. Invalid startBefore: no budget.
        std::shared_ptr<const Trial> trial;
        QDateTime startBefore;
    };

    // storePath: the run database (each run's checkpoints go into RunStore::checkpointDir of its
    // uuid).
    explicit TrainingWorker(QString storePath, QObject* parent = nullptr);
    ~TrainingWorker() override;

    void enqueue(Job job);
    void pause();
    void resume();
    void cancelCurrent();
    // Cancels the running job and drops the queued ones.
    void cancelAll();
    bool isBusy() const { return busy_.load(); }
    bool isPaused() const { return control_.pause.load(); }
    int queuedCount() const;

    // Test seam: called on the worker's thread after a job left the queue and before it
    // starts (a test puts a "Cancel all" into exactly that moment).
    void setJobTakenHook(std::function<void()> hook) { jobTakenHook_ = std::move(hook); }

Q_SIGNALS:
    void runStarted(qint64 runId, const QString& title);
    void progress(const dimerec::TrainingProgress& progress);
    void curvePoints(const dimerec::CurveBatch& batch);
    void runFinished(const dimerec::RunOutcome& outcome);
    void queueChanged(int queued);
    // A sweep trial was not started: the training it still needs (estimatedSeconds) would not
    // end before the job's startBefore.
    void trialSkipped(const QString& label, double estimatedSeconds, const QDateTime& startBefore);
    // The queue is empty and nothing runs.
    void idle();

private:
    void processQueue();
    void runJob(Job& job);
    // Whether a job with a time budget may start now (see Job::startBefore); if not, says so.
    bool fitsItsBudget(const Job& job);
    std::shared_ptr<const Dataset> datasetFor(const Job& job);

    QString storePath_;
    std::unique_ptr<RunStore> store_;  // this thread's own connection, opened on first use
    mutable std::mutex mutex_;
    std::deque<Job> queue_;
    TrainControl control_;
    std::atomic<bool> busy_{false};
    std::atomic<bool> draining_{false};
    std::string cachedDataKey_;  // data config JSON of cachedData_
    std::shared_ptr<const Dataset> cachedData_;
    std::function<void()> jobTakenHook_;
};

}  // namespace dimerec
