#pragma once

#include "util/TargetRanks.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

// Reported after every training step (the GUI rate-limits what it draws).
struct ProgressEvent {
    int64_t step = 0;           // optimiser steps done, 1-based
    int64_t epoch = 0;          // current epoch, 0-based
    int64_t totalSteps = 0;     // planned steps (epochs × batches, or maxSteps)
    int64_t stepsPerEpoch = 0;  // batches per epoch: step / stepsPerEpoch = epochs trained
    // Recent training throughput in targets per second: samples, or the real positions of
    // every-position batches (SASRec, GRU4Rec), each worth one sample of a per-position epoch.
    double samplesPerSecond = 0.0;
    double elapsedSeconds = 0.0;           // wall time since the run (or its resume) started
    double etaSeconds = 0.0;               // estimated time to the planned end
    std::map<std::string, double> losses;  // "total", "gem", "recon", "ssm" or "ce"
};

// Reported after each validation (split "valid") and the final test (split "test").
struct EvaluationEvent {
    int64_t step = 0;
    int64_t epoch = 0;
    std::string split;                      // valid | test
    std::map<std::string, double> metrics;  // "hr@10", "ndcg@10", "recall@20", "diversity@20", …
    bool improved = false;                  // new best on the early-stopping metric
    TargetRanks ranks;                      // test only: each test target's rank, per case
};

// The model's item embeddings after a validation evaluation (for stepping through the
// training on the sphere view); only models with an item table report them.
struct ItemEmbeddingsEvent {
    int64_t step = 0;
    int64_t epoch = 0;
    int64_t rows = 0;         // items
    int64_t dim = 0;          // embedding size
    std::vector<float> data;  // rows × dim, row-major
};

// How a training run ended.
struct TrainResult {
    std::string status;           // finished | early-stopped | cancelled | failed
    std::string message;          // human-readable reason (error text for failed)
    int64_t steps = 0;            // optimiser steps done
    double elapsedSeconds = 0.0;  // wall time, a resumed run's time up to its checkpoint included
    std::map<std::string, double> bestValid;  // validation metrics at the best checkpoint
    std::map<std::string, double> test;       // test metrics of the best checkpoint
    std::string bestCheckpoint;               // path of the best checkpoint ("" if none)
    std::string lastCheckpoint;               // path of the latest (resumable) checkpoint
};

// The trainer's only way of talking to the world; the GUI adapts it to signals, the CLI
// prints and stores. Called on the training thread.
class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    virtual void onProgress(const ProgressEvent& event) = 0;
    virtual void onEvaluation(const EvaluationEvent& event) = 0;
    virtual void onCheckpoint(const std::string& path, bool best) {}
    virtual void onItemEmbeddings(const ItemEmbeddingsEvent& event) {}
    virtual void onFinished(const TrainResult& result) {}
};

// Flags another thread sets; the trainer checks them at least once per batch.
struct TrainControl {
    std::atomic<bool> cancel{false};  // stop after the current batch, keep a resumable checkpoint
    std::atomic<bool> pause{false};   // wait (without spinning) until cleared or cancelled
};

}  // namespace dimerec
