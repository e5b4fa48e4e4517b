#pragma once

#include "experiment/Sweep.h"

#include <string>

namespace dimerec {

// A sweep as a Slurm job array (docs/cluster.md): one array task per trial, each writing its
// run to its own database file, so that no SQLite file is shared over a network file system;
// `dimerec runs import` merges them into the study afterwards.
struct SlurmArrayJob {
    std::string program;         // absolute path of `dimerec` on the cluster nodes
    std::string experimentFile;  // absolute path of the experiment file
    std::string profile;         // profile of the file ("" = its own settings)
    std::string study;           // names the job ("dimerec-<study>")
    int trials = 0;              // array tasks 0 … trials − 1
    int maxParallel = 0;         // tasks running at once (0 = as many as Slurm allows)
    std::string outDir;          // trial-<task>.sqlite and trial-<task>.log go here
    SweepResources resources;    // per task: CPUs, memory, time limit, partition
};

// The sbatch script of the job. Throws std::invalid_argument for no trials, an empty path or
// a resource value Slurm would reject (non-positive CPUs, an empty memory or time).
std::string slurmArrayScript(const SlurmArrayJob& job);

// The text as one POSIX shell word ('…' with embedded quotes escaped).
std::string shellQuote(const std::string& text);

}  // namespace dimerec
