#pragma once

#include "config/RunConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

class DimeRecRecommender;
struct EvalCase;

// The data of the diffusion inspector (issue 19): what a configured forward process does to
// x0 at each step, beside where the sampler starts, and how one user's reverse chain moves.
// Plain values for the workbench's inspector and `dimerec export plot --kind forward-process`
// / `reverse-chain`; computed with LibTorch on the CPU, so call these off the GUI thread.

// mean ± sd of cos(x_t, x0) for t = 1..T over random unit x0 (DiffusionProcess::profile), and
// of cos(x_T, x0) for the sampler's x_T.
struct ForwardProfile {
    std::string process;       // "noise literal · schedule linear · T = 100 · d = 64"
    std::vector<double> mean;  // index t − 1
    std::vector<double> sd;
    double startMean = 0.0;  // the sampler's x_T (the prior)
    double startSd = 0.0;
    int64_t draws = 0;
};

// The process of `model` (its diffusion fields, in model.dim dimensions) over `draws` draws of
// a generator seeded with `seed`. Throws std::invalid_argument for a model config without a
// diffusion process (another model, or model.useDiffusion off) or draws < 2.
ForwardProfile forwardProcessProfile(const ModelConfig& model, int64_t draws = 20000,
                                     uint64_t seed = 0);

// One user's reverse chain x_T, …, x_0 (Algorithm 2 with one sample).
struct ReverseChain {
    std::string user;              // which user and target, for titles and legends
    std::vector<int> steps;        // T, T − 1, …, 0
    std::vector<double> toFinal;   // cos(x_t, x_0): how far each state is from the output
    std::vector<double> toTarget;  // cos(x_t, e_a): … and from the true next item
    int64_t targetRank = 0;        // the next item's 1-based rank under x_0 (full ranking)
    // How the user's reverse-process samples spread over the K interests: per interest, the
    // samples whose nearest interest (by cosine) it is.
    std::vector<int> samplesByInterest;
};

// Reverse-process samples per user behind ReverseChain::samplesByInterest.
constexpr int kSpreadSamples = 100;

// The chain of `model` for a case (its history's last maxLength items; its first target is
// the true next item), drawn from the model's inference generator.
ReverseChain reverseChainOf(DimeRecRecommender& model, const EvalCase& user, int maxLength);

// The chain of test case `user` (0-based, clamped to the test cases) of a DimeRec checkpoint
// (its config names the dataset), inference seeded with the run's train.seed. Throws
// std::invalid_argument naming the file when it holds another model, std::runtime_error when
// it cannot be read.
ReverseChain reverseChainOfCheckpoint(const std::string& checkpoint, int user);

}  // namespace dimerec
