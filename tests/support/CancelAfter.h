#pragma once

#include "experiment/SweepRunner.h"
#include "train/TrainObserver.h"

#include <cstdint>
#include <memory>
#include <string>

namespace dimerec::test {

// Asks the trainer to stop once `steps` steps are done (as Ctrl-C would).
class CancelAfter : public TrainObserver {
public:
    CancelAfter(TrainControl& control, int64_t steps) : control_(control), steps_(steps) {}
    void onProgress(const ProgressEvent& event) override {
        if (event.step >= steps_) control_.cancel = true;
    }
    void onEvaluation(const EvaluationEvent&) override {}

private:
    TrainControl& control_;
    int64_t steps_;
};

// Trains `trial` as a new run of `study` and cancels it after `steps` steps: the run a later
// sweep resumes from its last checkpoint.
inline TrialOutcome cancelledTrial(RunStore& store, const std::string& study, const Trial& trial,
                                   std::shared_ptr<const Dataset> dataset, int64_t steps) {
    TrainControl stop;
    CancelAfter after(stop, steps);
    return runTrial(store, study, trial, TrialState{}, std::move(dataset), &after, stop);
}

}  // namespace dimerec::test
