#pragma once

#include "config/RunConfig.h"
#include "train/Distributed.h"
#include "train/TrainObserver.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

class DimeRecRecommender;
class Recommender;
class RunStore;
struct Dataset;
struct Splits;

// What to train and how to record it.
struct RecordedRunSpec {
    RunConfig config;
    std::shared_ptr<const Dataset> dataset;  // config.data, loaded
    std::string study = "default";           // study of a new run (created on demand)
    int64_t continueRun = 0;  // a stored run to continue in place (0 = record a new run)
    std::string resumeFrom;   // checkpoint to continue training from ("" = a fresh start)
    // Where last.pt and best.pt go; "" writes none. Unset: the convention of
    // docs/architecture.md, "Starting a recorded run" — a new run writes into its own folder
    // store.checkpointDir(uuid), a continued run into the folder of the checkpoint it
    // continues from, a run that is not recorded writes none.
    std::optional<std::string> checkpointDir;
    std::optional<DistributedContext> distributed;  // data-parallel membership (none = alone)
};

// The one way to start a training run that the store records (the command line, the
// workbench and sweeps all use it): the constructor creates the run in the store — with the
// dataset's name and fingerprint and the resolved device and thread count as its provenance —
// or claims the run to continue; train() trains it with the Trainer while a RunRecorder writes
// every event into the store, and tees each event to the caller's observers after the store
// has it. With a null store the run trains without being recorded (`dimerec train
// --no-store`, the ranks other than 0 of a data-parallel run).
class RecordedRun {
public:
    // Throws what the store throws, and std::invalid_argument for a device that is absent
    // (before any run is created).
    RecordedRun(RunStore* store, RecordedRunSpec spec);

    // The run's id in the store (0 when not recorded).
    int64_t id() const { return id_; }
    // Where its checkpoints go ("" = none).
    const std::string& checkpointDir() const { return checkpointDir_; }

    // Trains the run on this thread; `observers` (none may be null) hear every event after
    // the store has it. Returns the trainer's result; a store failure during training ends
    // the run as failed (RunRecorder), as does one while storing its end. A recorded run that
    // finishes (or stops early) first gets its test under the other history setting stored
    // where that differs (recordOtherHistorySetting) and, DimeRec with its diffusion module,
    // its readouts (recordReadouts); only then is it stored as finished and do the observers
    // hear onFinished (a failure while recording those ends the run as the training did and
    // propagates).
    TrainResult train(const std::vector<TrainObserver*>& observers, TrainControl& control);

private:
    RunStore* store_;
    RecordedRunSpec spec_;
    int64_t id_ = 0;
    std::string checkpointDir_;
};

// Evaluates DimeRec's readouts (eval/Readouts.h) of `model` on `splits` under `config`'s
// evaluation settings, the fused weight chosen by train.earlyStopMetric, and stores them as the
// run's final metrics of "valid/<readout>" and "test/<readout>". Used at the end of training
// and by `dimerec evaluate --record` for a run trained before readouts were stored.
void recordReadouts(RunStore& store, int64_t run, const RunConfig& config, const Dataset& dataset,
                    const Splits& splits, DimeRecRecommender& model);

// Where some test targets of `splits` are items of their own history (Yelp; issue 19, item 8),
// evaluates `model` on the test split with eval.excludeHistory the other way round from
// `config` and stores the metrics and per-user ranks as the run's final metrics of
// otherHistorySplit (so that comparisons can show both settings); returns whether it did.
// Used at the end of training (every model) and by `dimerec evaluate --record`.
bool recordOtherHistorySetting(RunStore& store, int64_t run, const RunConfig& config,
                               const Dataset& dataset, const Splits& splits, Recommender& model);

}  // namespace dimerec
