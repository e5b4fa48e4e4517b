#include "experiment/RecordedRun.h"

#include "data/Dataset.h"
#include "data/DatasetStatistics.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "eval/Readouts.h"
#include "experiment/RunRecorder.h"
#include "model/DimeRec.h"
#include "store/RunStore.h"
#include "train/Trainer.h"
#include "util/BuildInfo.h"
#include "util/Device.h"
#include "util/TargetRanks.h"

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>

namespace dimerec {
namespace {

namespace fs = std::filesystem;

// A run about to train spec.config on spec.dataset in this process, on `device`.
NewRun newRunFor(const RecordedRunSpec& spec, const std::string& device) {
    NewRun run;
    run.study = spec.study;
    run.config = spec.config;
    run.datasetName = spec.dataset->name;
    run.datasetFingerprint = spec.dataset->fingerprint;
    const int threads =
        spec.config.train.threads > 0 ? spec.config.train.threads : buildInfo().hardwareThreads;
    run.provenance = currentProvenance(device, threads);
    return run;
}

// Hands every event to the recorder (when the run is recorded), then to each observer; the
// end of the run only when release() is called, so that a run counts as finished (in the
// store, where a `runs export` may read it, and to the observers) only once everything that
// train() records after the training is in.
class TeeObserver : public TrainObserver {
public:
    TeeObserver(RunRecorder* recorder, const std::vector<TrainObserver*>& observers)
        : observers_(observers) {
        if (recorder != nullptr) observers_.insert(observers_.begin(), recorder);
    }

    void onProgress(const ProgressEvent& event) override {
        for (TrainObserver* observer : observers_) observer->onProgress(event);
    }
    void onEvaluation(const EvaluationEvent& event) override {
        for (TrainObserver* observer : observers_) observer->onEvaluation(event);
    }
    void onCheckpoint(const std::string& path, bool best) override {
        for (TrainObserver* observer : observers_) observer->onCheckpoint(path, best);
    }
    void onItemEmbeddings(const ItemEmbeddingsEvent& event) override {
        for (TrainObserver* observer : observers_) observer->onItemEmbeddings(event);
    }
    void onFinished(const TrainResult& result) override { finished_ = result; }

    // Delivers the kept end of the run; as the Trainer does, a failure to record it makes the
    // result failed.
    TrainResult release() {
        TrainResult result = finished_;
        try {
            for (TrainObserver* observer : observers_) observer->onFinished(result);
        } catch (const std::exception& error) {
            result.status = "failed";
            result.message = std::string("recording the end of the run failed: ") + error.what();
        }
        return result;
    }

private:
    std::vector<TrainObserver*> observers_;
    TrainResult finished_;
};

}  // namespace

RecordedRun::RecordedRun(RunStore* store, RecordedRunSpec spec)
    : store_(store), spec_(std::move(spec)) {
    if (!spec_.dataset) throw std::invalid_argument("a recorded run needs its dataset");
    // Resolved first, so that an absent device fails before anything is stored.
    const std::string device = resolveDevice(spec_.config.train.device).str();
    checkpointDir_ = spec_.checkpointDir.value_or("");
    if (store_ == nullptr) return;
    if (spec_.continueRun != 0) {
        id_ = spec_.continueRun;
        store_->setStatus(id_, "running", "resumed");
    } else {
        id_ = store_->createRun(newRunFor(spec_, device));
    }
    if (spec_.checkpointDir) return;
    // A continued run writes next to the checkpoint it continues from, wherever the convention
    // of its day put it.
    const bool continued = spec_.continueRun != 0 && !spec_.resumeFrom.empty();
    checkpointDir_ = continued ? fs::path(spec_.resumeFrom).parent_path().string()
                               : store_->checkpointDir(store_->run(id_).summary.uuid);
}

TrainResult RecordedRun::train(const std::vector<TrainObserver*>& observers,
                               TrainControl& control) {
    std::optional<RunRecorder> recorder;
    if (store_ != nullptr) recorder.emplace(*store_, id_);
    TeeObserver tee(recorder ? &*recorder : nullptr, observers);
    Trainer trainer(spec_.config, spec_.dataset,
                    TrainerOptions{checkpointDir_, spec_.resumeFrom, spec_.distributed});
    const TrainResult trained = trainer.run(tee, control);
    const bool completed = trained.status == "finished" || trained.status == "early-stopped";
    if (store_ == nullptr || !completed || trainer.model() == nullptr ||
        trainer.splits() == nullptr)
        return tee.release();
    // After run(), the trainer's model holds the best checkpoint's parameters.
    try {
        recordOtherHistorySetting(*store_, id_, spec_.config, *spec_.dataset, *trainer.splits(),
                                  *trainer.model());
        if (auto* dimeRec = dynamic_cast<DimeRecRecommender*>(trainer.model()))
            recordReadouts(*store_, id_, spec_.config, *spec_.dataset, *trainer.splits(), *dimeRec);
    } catch (...) {
        tee.release();  // the training itself finished
        throw;
    }
    return tee.release();
}

bool recordOtherHistorySetting(RunStore& store, int64_t run, const RunConfig& config,
                               const Dataset& dataset, const Splits& splits, Recommender& model) {
    if (testTargetsInHistory(splits).inHistory == 0) return false;
    EvalConfig other = config.eval;
    other.excludeHistory = !other.excludeHistory;
    // The run's own test evaluation's evaluator but for the setting: the same seed gives a
    // generative model the same inference noise, so only the masking differs.
    const Evaluator evaluator(other, config.data.maxLength, evaluationCategories(dataset),
                              config.train.seed);
    TargetRanks ranks;
    const std::map<std::string, double> metrics = evaluator.evaluate(model, splits.test, &ranks);
    store.setFinalMetrics(run, otherHistorySplit(other.excludeHistory), metrics, &ranks);
    return true;
}

void recordReadouts(RunStore& store, int64_t run, const RunConfig& config, const Dataset& dataset,
                    const Splits& splits, DimeRecRecommender& model) {
    const Evaluator evaluator(config.eval, config.data.maxLength, evaluationCategories(dataset),
                              config.train.seed);
    ReadoutOptions options;
    options.selectBy = config.train.earlyStopMetric;
    const ReadoutMetrics readouts = evaluateReadouts(model, evaluator, splits, options);
    for (const auto& [split, metrics] : readouts.splits) {
        const auto ranks = readouts.testRanks.find(split);
        store.setFinalMetrics(run, split, metrics,
                              ranks == readouts.testRanks.end() ? nullptr : &ranks->second);
    }
}

}  // namespace dimerec
