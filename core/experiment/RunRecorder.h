#pragma once

#include "store/RunRecords.h"
#include "train/TrainObserver.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace dimerec {

class RunStore;

struct RunRecorderOptions {
    double flushIntervalSeconds = 0.5;  // longest time loss points wait in memory
    int maxEmbeddingSnapshots = 30;     // item-embedding snapshots kept per run (first ones)
};

// The trainer's result as the store keeps it: "early-stopped" becomes "finished" with the
// reason in the message (the store knows no early-stopped status).
RunResult runResultOf(const TrainResult& result);

// Writes a training run into the store, adapting the trainer's observer interface to the
// store's plain records: loss points are buffered and written in one transaction at most every
// flushIntervalSeconds, and at every evaluation, checkpoint and at the end, so the store costs
// training well under 1 % of its time. Store errors propagate to the trainer (which then ends
// the run as failed).
class RunRecorder : public TrainObserver {
public:
    RunRecorder(RunStore& store, int64_t run, RunRecorderOptions options = {});
    // Writes what is still buffered (errors are swallowed here: a destructor must not throw).
    ~RunRecorder() override;
    RunRecorder(const RunRecorder&) = delete;
    RunRecorder& operator=(const RunRecorder&) = delete;

    void onProgress(const ProgressEvent& event) override;
    void onEvaluation(const EvaluationEvent& event) override;
    void onCheckpoint(const std::string& path, bool best) override;
    void onItemEmbeddings(const ItemEmbeddingsEvent& event) override;
    void onFinished(const TrainResult& result) override;

    // Writes the buffered loss points now.
    void flush();
    int64_t run() const { return run_; }

private:
    RunStore& store_;
    int64_t run_;
    RunRecorderOptions options_;
    std::vector<StepPoint> buffer_;
    int64_t lastStep_ = 0;
    int embeddingSnapshots_ = 0;
    std::chrono::steady_clock::time_point lastFlush_;
};

}  // namespace dimerec
