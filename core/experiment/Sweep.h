#pragma once

#include "config/RunConfig.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dimerec {

// One swept field: every value is tried (cartesian product with the other axes).
struct SweepAxis {
    std::string field;                   // "model.lambda"
    std::vector<nlohmann::json> values;  // values as they appear in the file
};

// A named set of overrides (a model, an ablation switch, a GEM type).
struct SweepVariant {
    std::string name;                                               // "w/o L_ssm"
    std::vector<std::pair<std::string, nlohmann::json>> overrides;  // field → value
};

// Resources a cluster job of one trial asks for (Slurm job arrays).
struct SweepResources {
    int cpusPerTask = 2;
    std::string memory = "4G";
    std::string time = "02:00:00";
    std::string partition;  // "" = the cluster's default
};

// An experiment file (experiments/*.json):
//   { "study": "…", "description": "…", "base": { run config },
//     "grid": { "model.lambda": [0.1, 0.5], "model.mu": [0.5, 1] },
//     "variants": [ { "name": "full" }, { "name": "w/o L_ssm", "set": { "model.mu": 0 } } ],
//     "seeds": [1, 2, 3],
//     "profiles": { "full": { "train.epochs": 100, "seeds": [1,2,3,4,5] } },
//     "resources": { "cpusPerTask": 2, "memory": "4G", "time": "02:00:00" } }
// Trials = variants × grid × seeds (a missing grid or variant list counts as one empty entry).
// Fields are dotted run-config keys; "seeds" defaults to [base train.seed]; "study" defaults to
// the file's name without ".json". A profile holds dotted fields (applied to the base) and may
// replace "seeds", "variants", "study", "description", add or replace "grid" axes and change
// "resources"; its study defaults to "<study>-<profile>" so that its runs never mix with the
// file's own. Strings may use ${NAME} (environment variables); ${DIMEREC_DATA_DIR} defaults to
// ../shared/data. A relative data.dataset is made absolute against the current directory, so
// that a trial's identity does not depend on where the sweep was started.
struct ExperimentFile {
    std::string path;         // where it was read from (for messages)
    std::string study;        // study every trial's run belongs to
    std::string description;  // free text shown in the sweep dialog
    RunConfig base;
    std::vector<SweepAxis> grid;
    std::vector<SweepVariant> variants;
    std::vector<uint64_t> seeds;
    std::vector<std::string> profiles;  // names of the profiles the file defines
    std::string profile;                // the profile applied ("" = the file's own settings)
    SweepResources resources;
};

// One run of a sweep: the base config with the variant's and the grid point's overrides and
// the seed applied.
struct Trial {
    int index = 0;        // 0-based position in the expansion order (stable for a file)
    std::string variant;  // variant name ("" when the file has none)
    std::vector<std::pair<std::string, nlohmann::json>> settings;  // grid point: field → value
    uint64_t seed = 0;
    std::string label;  // "w/o L_ssm λ=0.5 μ=1 seed 2" — the run's name
    RunConfig config;   // fully resolved and validated
};

// Reads and validates an experiment file; `profile` (optional) applies that profile's
// overrides on top of the base (and may replace seeds). Throws std::invalid_argument naming
// the file and the offending key (unknown key, unknown field in grid/set, invalid value of
// any expanded trial, unknown profile).
ExperimentFile loadExperimentFile(const std::string& path, const std::string& profile = "");
ExperimentFile experimentFromJson(const nlohmann::json& json, const std::string& path,
                                  const std::string& profile = "");

// All trials in a stable order (variants outermost, then the grid axes in alphabetical order of
// their fields, the first outermost, seeds innermost).
std::vector<Trial> expandTrials(const ExperimentFile& experiment);

// Identity of a trial for resuming: configHash of its config (which ignores name, seed,
// threads and device) plus the seed. A trial is done when its study holds a finished run with
// the same identity.
std::string trialKey(const Trial& trial);
// The same identity for a stored run: its config hash and seed.
std::string trialKey(const std::string& configHash, uint64_t seed);

}  // namespace dimerec
