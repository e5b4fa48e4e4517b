#pragma once

#include "experiment/Sweep.h"
#include "train/TrainObserver.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;
struct Dataset;

// Where one trial of a sweep stands in the run store.
struct TrialState {
    int index = 0;              // the trial's index in expandTrials order
    std::string key;            // trialKey of the trial
    int64_t finishedRun = 0;    // a finished run of the trial in the study (0 = none)
    int64_t runningRun = 0;     // a run of the trial running now in a live process (0 = none)
    int unfinishedRuns = 0;     // earlier runs that failed, were cancelled or interrupted
    std::string resumeFrom;     // last.pt of the latest cancelled / interrupted run, if on disk
    int64_t resumeRun = 0;      // that run, continued in place (0 with no resumeFrom)
    double elapsedSeconds = 0;  // training time of the finished run
};

// A sweep's progress, recomputed from the store (nothing else remembers it, so a sweep can
// be stopped, restarted, run from several processes or watched by the workbench).
struct SweepState {
    std::vector<TrialState> trials;  // one per trial, in trial order

    int finished() const;
    int running() const;
    // Trials to run next, in trial order: neither finished nor running elsewhere.
    std::vector<int> pending() const;
};

// Matches the trials with the runs of `study`: a trial is finished when the study holds a
// finished run with the same trialKey (a second finished run of it counts once).
SweepState sweepState(const RunStore& store, const std::string& study,
                      const std::vector<Trial>& trials);

// Estimated training time of the pending trials from the finished runs of the study: per
// trial, the mean of finished runs of the same model, else of all finished runs;
// std::nullopt when the study has none.
std::optional<double> estimateSeconds(const RunStore& store, const std::string& study,
                                      const std::vector<Trial>& trials, const SweepState& state);

struct TrialOutcome {
    int64_t run = 0;  // the run recorded for the trial
    TrainResult result;
};

// Trains one trial in this process as a recorded run (RecordedRun) in `study`, named by the
// trial's label: with state.resumeFrom, the run state.resumeRun continues in place from that
// checkpoint (so that its series, wall time and checkpoints span every session it trained
// in); otherwise a new run, with its checkpoints in its own folder checkpointDirFor(store,
// uuid). Every event goes to the store and to `observer` (may be nullptr).
TrialOutcome runTrial(RunStore& store, const std::string& study, const Trial& trial,
                      const TrialState& state, std::shared_ptr<const Dataset> dataset,
                      TrainObserver* observer, TrainControl& control);

}  // namespace dimerec
