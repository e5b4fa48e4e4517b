#pragma once

#include "config/RunConfig.h"
#include "train/Distributed.h"
#include "train/TrainObserver.h"

#include <memory>
#include <optional>
#include <string>

namespace dimerec {

class Recommender;
struct Dataset;
struct Splits;

struct TrainerOptions {
    std::string checkpointDir;  // where last.pt / best.pt go ("" = keep the best in memory only)
    std::string resumeFrom;     // checkpoint to continue from ("" = a fresh run)
    std::optional<DistributedContext> distributed = std::nullopt;  // data-parallel (none = alone)
};

// Trains one run (spec §1–2, issue 4): splits the dataset by config.data.protocol, builds the
// model, runs Adam/AdamW over the sampler's batches with validation every train.evalEvery
// steps (0 = each epoch), early stopping on train.earlyStopMetric, keeps the best model and
// reports the test metrics of the best model at the end. Runs on the calling thread.
//
// An epoch is one pass of the sampler (TrainSampler): every training target once. Models that
// train every position at once (SASRec, GRU4Rec: Recommender::trainsEveryPosition) get
// every-position batches of train.batchSize windows of up to data.maxLength targets each, so
// their epoch trains the same targets as the others' in about 1/maxLength of the steps.
//
// GEM warm start (train.pretrainGemSteps = N, issue 19): the first N optimiser steps of the run
// train L_gem alone (Recommender::setGemOnly: the DAM is not computed and keeps its initial
// parameters); joint training follows. They are ordinary steps of the run: they draw batches,
// count towards train.epochs and train.maxSteps, are reported (only the "gem" and "total"
// losses) and validated like the others.
//
// Checkpoints (last.pt at every validation and on cancel; best.pt at each improvement) hold
// model, optimiser, sampler position, CPU random state and counters: resuming on the CPU
// continues bit for bit where the interrupted run was. Training noise uses LibTorch's global
// CPU generator (seeded from train.seed), so run one Trainer at a time per process. Each step
// runs computeGradients with one row shard per thread on the CPU (gradientShards), so a seed
// reproduces a run for the same train.threads.
//
// A loss that is NaN or infinite ends the run as "failed", naming the step and the loss term
// ("step 37: loss 'recon' is nan"), before that step's update: last.pt and best.pt keep the last
// good state, and the observer has had the progress of every step before.
//
// Data-parallel (options.distributed with worldSize > 1, docs/cluster.md): every rank builds the
// model, takes rank 0's parameters, trains on its slice of each global batch (train.batchSize
// must be a multiple of the world size) and sums its gradient weighted by its share of the rows
// with the others' in one all-reduce per step, so every rank applies the gradient of the global
// batch's mean loss. Only rank 0 validates, writes checkpoints, reports to the observer (the
// others only get onFinished) and evaluates the test split; its early-stopping decision is
// broadcast. A cancel on any rank stops all of them after the next step. Ranks other than 0 draw
// their training noise from a stream of their own (seed, rank), so their diffusion noise differs
// from rank 0's. Resuming needs the checkpoint readable by every rank.
class Trainer {
public:
    Trainer(RunConfig config, std::shared_ptr<const Dataset> dataset, TrainerOptions options = {});
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Never throws: any failure ends the run with status "failed" and the error as message.
    // Calls observer.onFinished(result) before returning; when that throws (e.g. the store
    // failed), the result returned is "failed" with its error.
    TrainResult run(TrainObserver& observer, TrainControl& control);

    // After run(): the model with the best checkpoint's parameters, and the splits it was
    // evaluated on (nullptr before run() or if it failed before building them). During run(),
    // from the observer's callbacks: the model being trained.
    Recommender* model() const;
    const Splits* splits() const;

private:
    class Run;  // one run's working set and its steps (Trainer.cpp)

    TrainResult execute(TrainObserver& observer, TrainControl& control);

    RunConfig config_;
    std::shared_ptr<const Dataset> dataset_;
    TrainerOptions options_;
    std::unique_ptr<Run> run_;  // the latest run (nullptr before run() or when set-up failed)
};

// The item categories of a dataset when every item has a list (empty otherwise), for the
// diversity metrics.
std::vector<std::vector<int32_t>> evaluationCategories(const Dataset& dataset);

}  // namespace dimerec
