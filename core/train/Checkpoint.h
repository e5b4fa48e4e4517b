#pragma once

#include "config/RunConfig.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

class Recommender;

// Where a run stands, everything besides the tensors that a resume needs.
struct TrainingState {
    int64_t step = 0;                         // optimiser steps done
    int64_t samplerEpoch = 0;                 // TrainSampler position: epoch in progress
    int64_t samplerBatch = 0;                 // … and the index of its next batch
    int64_t evaluations = 0;                  // validations done
    int64_t badEvaluations = 0;               // validations since the last improvement
    int64_t bestStep = -1;                    // step of the best validation (-1 = none yet)
    double bestMetric = -1.0;                 // best value of train.earlyStopMetric (-1 = none yet)
    std::map<std::string, double> bestValid;  // validation metrics at bestStep
    double seconds = 0.0;  // wall seconds trained up to this checkpoint, earlier sessions included
};

// One checkpoint file (torch::save archive): the run config (JSON), the model, the optimiser
// state, the training state, the CPU random generator state and, when given, the parameters
// of the best model so far. Written to a temporary file and renamed, so a crash never
// leaves a torn checkpoint.
struct CheckpointContents {
    RunConfig config;
    TrainingState state;
    std::vector<torch::Tensor> best;  // parameters then buffers of the best model (may be empty)
};

void saveCheckpoint(const std::string& path, const RunConfig& config, Recommender& model,
                    torch::optim::Optimizer* optimizer, const TrainingState& state,
                    const std::vector<torch::Tensor>& best);

// Reads only the config stored in a checkpoint. Throws std::runtime_error naming the file.
RunConfig readCheckpointConfig(const std::string& path);

// Loads a checkpoint into an already built model (and optimiser, when given) and restores the
// CPU random generator. Throws std::runtime_error naming the file when it does not fit.
CheckpointContents loadCheckpoint(const std::string& path, Recommender& model,
                                  torch::optim::Optimizer* optimizer);

// The model's parameters then buffers, cloned (a snapshot), and the way back.
std::vector<torch::Tensor> snapshotModel(Recommender& model);
void restoreModel(Recommender& model, const std::vector<torch::Tensor>& snapshot);

}  // namespace dimerec
