// LibTorch-including core headers first: Qt's macros must never meet LibTorch's headers.

#include "TrainingWorker.h"
#include "experiment/RecordedRun.h"
#include "experiment/SweepRunner.h"

#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "store/RunStore.h"

#include <nlohmann/json.hpp>

#include <QMetaObject>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

namespace dimerec {
namespace {

// The window redraws at most this often, whatever the step rate.
constexpr auto kEmitInterval = std::chrono::milliseconds(150);
#ifdef __linux__
constexpr int kTrainingNiceness = 5;  // how much lower than the window the training thread runs
#endif

// Adapts the trainer's callbacks to the window (the store has every event already): progress
// and curve points in batches, evaluations at once.
class SignalingObserver : public TrainObserver {
public:
    SignalingObserver(TrainingWorker& worker, qint64 runId) : worker_(worker), runId_(runId) {
        pending_.runId = runId;
        pending_.source = QStringLiteral("train");
    }

    void onProgress(const ProgressEvent& event) override {
        pending_.steps.push_back(static_cast<double>(event.step));
        for (const auto& [name, value] : event.losses) {
            pending_.values[QString::fromStdString(name)].push_back(value);
        }
        latest_ = {runId_,
                   event.step,
                   event.totalSteps,
                   event.epoch,
                   event.samplesPerSecond,
                   event.elapsedSeconds,
                   event.etaSeconds,
                   event.stepsPerEpoch};
        const auto now = std::chrono::steady_clock::now();
        if (now - lastEmit_ >= kEmitInterval) flush(now);
    }

    void onEvaluation(const EvaluationEvent& event) override {
        if (event.split != "valid") return;
        CurveBatch batch;
        batch.runId = runId_;
        batch.source = QStringLiteral("valid");
        batch.steps.push_back(static_cast<double>(event.step));
        for (const auto& [name, value] : event.metrics) {
            batch.values[QString::fromStdString(name)].push_back(value);
        }
        Q_EMIT worker_.curvePoints(batch);
    }

    void onFinished(const TrainResult&) override { flush(std::chrono::steady_clock::now()); }

    void flush(std::chrono::steady_clock::time_point now) {
        lastEmit_ = now;
        if (latest_.step > 0) Q_EMIT worker_.progress(latest_);
        if (pending_.steps.isEmpty()) return;
        Q_EMIT worker_.curvePoints(pending_);
        pending_.steps.clear();
        pending_.values.clear();
    }

private:
    TrainingWorker& worker_;
    qint64 runId_;
    CurveBatch pending_;
    TrainingProgress latest_;
    std::chrono::steady_clock::time_point lastEmit_{};
};

}  // namespace

TrainingWorker::TrainingWorker(QString storePath, QObject* parent)
    : QObject(parent), storePath_(std::move(storePath)) {
    qRegisterMetaType<TrainingProgress>();
    qRegisterMetaType<CurveBatch>();
    qRegisterMetaType<RunOutcome>();
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::enqueue(Job job) {
    int queued = 0;
    {
        const std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
        queued = static_cast<int>(queue_.size());
    }
    Q_EMIT queueChanged(queued);
    // One drain loop at a time; it picks up jobs queued while it runs.
    if (!draining_.exchange(true)) {
        QMetaObject::invokeMethod(this, &TrainingWorker::processQueue, Qt::QueuedConnection);
    }
}

void TrainingWorker::pause() {
    control_.pause = true;
}

void TrainingWorker::resume() {
    control_.pause = false;
}

// The flags are set under the lock that taking a job holds while it clears them, so a cancel
// either lands before a job is taken (it was meant for the run before) or applies to that job.
void TrainingWorker::cancelCurrent() {
    const std::lock_guard lock(mutex_);
    control_.cancel = true;
    control_.pause = false;
}

void TrainingWorker::cancelAll() {
    {
        const std::lock_guard lock(mutex_);
        queue_.clear();
        control_.cancel = true;
        control_.pause = false;
    }
    Q_EMIT queueChanged(0);
}

int TrainingWorker::queuedCount() const {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(queue_.size());
}

void TrainingWorker::processQueue() {
#ifdef __linux__
    // Linux lets one thread be nicer than the rest of its process: training yields the CPU to
    // the window's thread, so the window stays responsive on a machine with few cores.
    static thread_local const bool niced =
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kTrainingNiceness) == 0;
    Q_UNUSED(niced);
#endif
    while (true) {
        Job job;
        int remaining = 0;
        {
            const std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                draining_ = false;
                break;
            }
            job = std::move(queue_.front());
            queue_.pop_front();
            remaining = static_cast<int>(queue_.size());
            busy_ = true;
            // A fresh job starts uncancelled; a cancel from here on is this job's.
            control_.cancel = false;
            control_.pause = false;
        }
        Q_EMIT queueChanged(remaining);
        if (jobTakenHook_) jobTakenHook_();
        if (fitsItsBudget(job)) runJob(job);
        busy_ = false;
    }
    Q_EMIT idle();
}

std::shared_ptr<const Dataset> TrainingWorker::datasetFor(const Job& job) {
    if (job.dataset) return job.dataset;
    const std::string key = toJson(job.config).at("data").dump();
    if (key != cachedDataKey_ || !cachedData_) {
        cachedData_ = std::make_shared<const Dataset>(loadDataset(job.config.data));
        cachedDataKey_ = key;
    }
    return cachedData_;
}

bool TrainingWorker::fitsItsBudget(const Job& job) {
    if (!job.trial || !job.startBefore.isValid()) return true;
    const double left = std::max<qint64>(0, QDateTime::currentDateTime().secsTo(job.startBefore));
    try {
        if (!store_) store_ = std::make_unique<RunStore>(storePath_.toStdString());
        const TrialTimes times(*store_, job.study);
        if (times.fits(*job.trial, job.resumeRun, left)) return true;
        Q_EMIT trialSkipped(QString::fromStdString(job.trial->label),
                            *times.toGo(*job.trial, job.resumeRun), job.startBefore);
        return false;
    } catch (const std::exception&) {
        return true;  // no estimate to go by: the run itself reports what is wrong
    }
}

void TrainingWorker::runJob(Job& job) {
    qint64 runId = job.resumeRun;
    try {
        if (!store_) store_ = std::make_unique<RunStore>(storePath_.toStdString());
        RecordedRunSpec spec;
        spec.config = job.config;
        spec.dataset = datasetFor(job);
        spec.study = job.study;
        spec.continueRun = job.resumeRun;
        spec.resumeFrom = job.resumeFrom;
        RecordedRun run(store_.get(), std::move(spec));
        runId = run.id();
        const QString title = job.config.name.empty()
                                  ? QString::fromStdString(nameOf(job.config.model.model))
                                  : QString::fromStdString(job.config.name);
        Q_EMIT runStarted(runId, title);

        SignalingObserver observer(*this, runId);
        // The trainer never throws; the store has the outcome before train() returns.
        const TrainResult result = run.train({&observer}, control_);
        Q_EMIT runFinished({runId, QString::fromStdString(result.status),
                            QString::fromStdString(result.message), result.steps,
                            result.elapsedSeconds});
    } catch (const std::exception& error) {
        // Nothing throws across a signal: the error becomes the run's outcome.
        const QString message = QString::fromUtf8(error.what());
        if (store_ && runId != 0) {
            try {
                store_->setStatus(runId, "failed", error.what());
            } catch (const std::exception&) {
                // The store itself failed; the window still hears about the run below.
            }
        }
        Q_EMIT runFinished({runId, QStringLiteral("failed"), message, 0, 0.0});
    }
}

}  // namespace dimerec
