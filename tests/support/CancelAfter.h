#pragma once

#include "train/TrainObserver.h"

#include <cstdint>

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

}  // namespace dimerec::test
