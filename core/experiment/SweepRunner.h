#pragma once

#include "experiment/Sweep.h"
#include "train/TrainObserver.h"

#include <cstdint>
#include <map>
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
    int seedRank = 0;           // its seed's place among the study's seeds (0: the first)
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
    // Trials to run next: neither finished nor running elsewhere. Seeds first: every variant's
    // (and grid point's) first seed in trial order, then every second seed, …, so that a long
    // sweep stopped half-way leaves a one-seed table of the whole study, not three seeds of
    // half of it.
    std::vector<int> pending() const;
};

// Matches the trials with the runs of `study`: a trial is finished when the study holds a
// finished run with the same trialKey (a second finished run of it counts once).
SweepState sweepState(const RunStore& store, const std::string& study,
                      const std::vector<Trial>& trials);

// What an estimate of training time rests on, from the firmest to the weakest (an estimate
// of several trials has the weakest basis of theirs).
enum class EstimateBasis {
    None,        // nothing left to run
    Study,       // the study's own finished runs: per trial the mean of its other seeds, else of
                 // the runs of its model (else, where nothing below applies, of all of them)
    Similar,     // for a trial whose model the study has not finished yet: the mean wall time
                 // of finished runs of its model on its dataset in other studies that trained
                 // as long as it would (its early stopping, and its epoch cap or a stop before
                 // it)
    Throughput,  // else samples/s of a finished run of its model on its dataset (any study)
                 // times the trial's epochs of samples, an upper bound since early stopping
                 // shortens it
    Unknown,     // a trial with none of these, in a study with no finished run
};

// Expected training time of single trials of a study, in one process at the runs' own
// thread counts (see EstimateBasis for the order of the sources; within a source, the runs
// timed on this machine's CPU where there are any).
class TrialTimes {
public:
    TrialTimes(const RunStore& store, std::string study);
    struct Time {
        double seconds = 0.0;
        EstimateBasis basis = EstimateBasis::Study;
    };
    // nullopt: no finished run to estimate from (basis Unknown)
    std::optional<Time> of(const Trial& trial) const;
    // The training time the trial still needs: its estimate, less what `resumedRun` (the
    // stopped run it continues, 0 for none) has trained already; nullopt without an estimate.
    std::optional<double> toGo(const Trial& trial, int64_t resumedRun = 0) const;
    // Whether the trial may start with `seconds` left of a time budget (`dimerec sweep
    // --time-left`, the workbench's "start trials only until"): what it still needs fits, or
    // it has no estimate yet (the study has to begin somewhere).
    bool fits(const Trial& trial, int64_t resumedRun, double seconds) const;

private:
    // The mean wall time of some runs; of those trained on this machine's CPU where there
    // are any (the provenance's cpu: another machine's times, or an earlier one's under other
    // load, say little about this one's).
    struct Mean {
        double sum = 0.0;
        int count = 0;
        double hereSum = 0.0;
        int hereCount = 0;
        void add(double seconds, bool here);
        double value() const { return hereCount > 0 ? hereSum / hereCount : sum / count; }
    };
    // A finished run of a model on a dataset, in any study: what Similar and Throughput use.
    struct MeasuredRun {
        TrainConfig train;
        int64_t epochsRun = 0;
        double elapsedSeconds = 0.0;
        double samplesPerSecond = 0.0;
        double samplesPerEpoch = 0.0;
        bool here = false;  // trained on this machine's CPU
    };
    const std::vector<MeasuredRun>& measured(const Trial& trial) const;

    const RunStore& store_;
    std::map<std::string, Mean> byConfig_;  // config hash → the study's finished runs
    std::map<std::string, Mean> byModel_;   // model → the same
    Mean all_;
    mutable std::map<std::string, std::vector<MeasuredRun>> measured_;  // model, dataset → runs
};

// How long the pending trials of a sweep will train, and what the figure rests on.
struct SweepEstimate {
    using Basis = EstimateBasis;
    Basis basis = Basis::None;  // Throughput when any trial's estimate is, Unknown when any is
    double seconds = 0.0;       // in one process, at the runs' own thread counts
    std::string unknownModel;   // Unknown: the first model without a measured run
};

// The estimate of the pending trials (the one the command line's dry run and the workbench's
// sweep dialog show).
SweepEstimate estimateSweep(const RunStore& store, const std::string& study,
                            const std::vector<Trial>& trials, const SweepState& state);

struct TrialOutcome {
    int64_t run = 0;  // the run recorded for the trial
    TrainResult result;
};

// Trains one trial in this process as a recorded run (RecordedRun) in `study`, named by the
// trial's label: with state.resumeFrom, the run state.resumeRun continues in place from that
// checkpoint (so that its series, wall time and checkpoints span every session it trained
// in); otherwise a new run, with its checkpoints in its own folder store.checkpointDir(uuid).
// Every event goes to the store and to `observer` (may be nullptr).
TrialOutcome runTrial(RunStore& store, const std::string& study, const Trial& trial,
                      const TrialState& state, std::shared_ptr<const Dataset> dataset,
                      TrainObserver* observer, TrainControl& control);

}  // namespace dimerec
