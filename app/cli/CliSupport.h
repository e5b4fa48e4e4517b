#pragma once

#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/Splits.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace dimerec {
class Recommender;
}

namespace dimerec::cli {

// What the command families share: reading config files and rebuilding a trained model.

// A checkpoint's model with the dataset and splits it was trained on, ready for inference on
// `device` (auto, cpu, cuda, cuda:N) with `threads` LibTorch threads (0 = all cores);
// `inferenceOverrides` ("eval.topK=[10]", "model.samplesPerUser=4") change how it is used, and
// `readout` (diffusion | interests, see addReadoutOption; empty = the run's own model.readout)
// how DimeRec scores items; a readout for another model is refused, naming the checkpoint.
struct CheckpointModel {
    RunConfig config;
    Dataset dataset;
    Splits splits;
    std::shared_ptr<Recommender> model;
};
CheckpointModel loadCheckpointModel(const std::string& checkpoint, const std::string& device,
                                    int threads,
                                    const std::vector<std::string>& inferenceOverrides = {},
                                    const std::string& readout = "");

// --readout of the commands that score with a checkpoint (evaluate, recommend): DimeRec's
// reverse-process samples (diffusion, Algorithm 2) or its GEM's K interests (interests); left
// out, the run's own (model.readout, which --readout sets).
void addReadoutOption(CLI::App& command, std::string& readout);

// DimeRec's readout in `config` ("diffusion", "interests"); "" for a model without one.
std::string readoutOf(const RunConfig& config);

// Help of a --set option (from the config's field table): how to override a field and, for a
// trained model (inferenceOnly), which fields may change.
std::string setOptionHelp(bool inferenceOnly);

// One line per config field: key, type / choices, range, default, description.
std::string configFieldsHelp();

// "1h02m05s", "3m07s", "0m42s": elapsed and remaining times in progress lines.
std::string duration(double seconds);
// The reverse for options: "2h30m", "90m", "45s", "1h07m09s" or plain seconds ("600");
// std::invalid_argument otherwise.
double parseDuration(const std::string& text);

}  // namespace dimerec::cli
