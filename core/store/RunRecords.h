#pragma once

#include "config/RunConfig.h"
#include "util/TargetRanks.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dimerec {

// Plain values that go into and come out of the run store (RunStore.h). Times are Unix
// seconds (UTC); 0 means "not yet".

// Where and with what a run was made; recorded once when the run is created.
struct Provenance {
    std::string programVersion;   // dimerec version
    std::string gitCommit;        // commit the program was built from
    std::string libtorchVersion;  // LibTorch the program was built against
    std::string blasLibrary;      // BLAS library that served the matrix products
    std::string blasKernels;      // its kernels for this CPU (BuildInfo), "" if unknown
    std::string cpu;              // the CPU's model name
    std::string device;           // device the run trained on ("cpu", "cuda:0")
    int threads = 0;              // intra-op threads the run used
    std::string host;             // machine name; with pid, finds runs whose process died
    int64_t pid = 0;              // process that writes the run
};

// The provenance as a JSON object (stored with each run, in bundles, in `runs show --json`).
nlohmann::json provenanceToJson(const Provenance& provenance);

// This program and process, for a run on `device` with `threads` threads.
Provenance currentProvenance(const std::string& device, int threads);

// Everything known when a run starts.
struct NewRun {
    std::string study = "default";  // study (group of runs) the run belongs to; created on demand
    RunConfig config;               // full config; its JSON and hash are stored
    std::string datasetName;        // dataset shown in the run table (default: config.data.dataset)
    std::string datasetFingerprint;  // SHA-256 of the prepared dataset, "" if unknown
    std::string status = "running";  // queued | running
    Provenance provenance;
};

// The name a run started without one gets: model, dataset and run id, lower case with dashes
// ("dimerec-ml-1m-3"). A dataset named by a file ("ml-1m/ratings.dat") counts by its folder.
std::string defaultRunName(const std::string& model, const std::string& dataset, int64_t runId);

// One training step's loss terms.
struct StepPoint {
    int64_t step = 0;
    int64_t epoch = 0;
    std::map<std::string, double> losses;  // "total", "gem", "recon", "ssm", "ce"
};

// The metrics of one evaluation: on the validation split during training, on the test split
// at the end.
struct EvaluationPoint {
    int64_t step = 0;
    int64_t epoch = 0;
    std::string split;                      // valid | test
    std::map<std::string, double> metrics;  // "hr@10", "ndcg@10", …
    TargetRanks ranks;  // each target's rank per case (the test split's; empty: none)
};

// How a run ended, as the store keeps it (the experiment layer fills it from the trainer's
// result).
struct RunResult {
    std::string status;   // finished | cancelled | failed
    std::string message;  // why it ended (error text of a failed run)
    int64_t steps = 0;    // optimiser steps done
    double elapsedSeconds = 0.0;
    std::map<std::string, double> bestValid;  // validation metrics at the best checkpoint
    std::map<std::string, double> test;       // test metrics of the best checkpoint
    std::string bestCheckpoint;               // "" keeps the one stored before
    std::string lastCheckpoint;               // "" keeps the one stored before
};

// One point of a series; series are named (source, name), source being "train" for loss
// terms and "valid" / "test" for evaluation metrics.
struct SeriesPoint {
    int64_t step = 0;
    int64_t epoch = 0;
    double value = 0.0;
};

// How long a run trained: the epoch (counted from 1) of its last validation, the epoch of its
// best one on its early-stopping metric (the first maximum, as the trainer keeps the first),
// 0 for both where it did not train (MostPopular) or has not validated yet.
struct TrainingExtent {
    int64_t epochs = 0;
    int64_t bestEpoch = 0;
};

struct SeriesInfo {
    std::string source;  // train | valid | test
    std::string name;    // loss term or metric ("total", "ndcg@10")
    int64_t points = 0;  // number of points stored
};

struct CheckpointRef {
    std::string path;   // checkpoint file on disk (may have been moved or deleted since)
    int64_t step = 0;   // training step it was written at (0 if unknown)
    bool best = false;  // best checkpoint on the early-stopping metric so far
};

// Item embeddings at one point of training (for the sphere view), stored as float32.
struct EmbeddingSnapshot {
    int64_t id = 0;           // assigned by the store
    int64_t step = 0;         // training step of the snapshot
    std::string label;        // e.g. "epoch 3", "best"
    int64_t rows = 0;         // items
    int64_t dim = 0;          // embedding size
    std::vector<float> data;  // rows × dim, row-major; empty in listings
};

// A row of the run table.
struct RunSummary {
    int64_t id = 0;
    std::string uuid;  // stable identity across machines (export / import)
    std::string study;
    std::string name;  // config.name, may be empty
    std::string model;
    std::string dataset;
    std::string protocol;
    std::string configHash;  // equal hash, different seed = one seed group
    uint64_t seed = 0;
    std::string status;   // queued | running | finished | failed | cancelled | interrupted
    std::string message;  // why it ended (error text of a failed run)
    double startedAt = 0.0;
    double endedAt = 0.0;
    int64_t steps = 0;
    double elapsedSeconds = 0.0;
    bool archived = false;
    std::vector<std::string> tags;               // sorted
    std::map<std::string, double> testMetrics;   // final test metrics (of the best checkpoint)
    std::map<std::string, double> validMetrics;  // validation metrics at the best checkpoint
    // Final metrics of any other split, by split: a model's further readouts of its best
    // checkpoint (issue 19; eval/Readouts.h), "test/interests" → metrics, and its test metrics
    // under the history setting it was not configured with (otherHistorySplit).
    std::map<std::string, std::map<std::string, double>> readoutMetrics;
};

// The split under which a run keeps its test metrics (and per-user ranks) with
// eval.excludeHistory = `excludeHistory` when it was configured with the other setting:
// "test/history-excluded" or "test/history-kept". Stored only where some test targets are
// items of their own history (issue 19, item 8: Yelp), where the two settings differ most.
std::string otherHistorySplit(bool excludeHistory);
// Its name within the run's test splits: "history-excluded" or "history-kept" (the split is
// "test/" + it, as a readout's is).
std::string otherHistoryName(bool excludeHistory);

// The summary as a JSON object (`runs list --json`, `runs show --json`, the run of a bundle).
nlohmann::json toJson(const RunSummary& summary);

// Everything the store keeps about one run, except the series and embedding data.
struct RunDetails {
    RunSummary summary;
    std::string configJson;  // full config, as stored (pretty-printed JSON)
    std::string datasetFingerprint;
    Provenance provenance;
    std::string notes;
    std::string bestCheckpoint;              // "" if none
    std::string lastCheckpoint;              // resumable checkpoint, "" if none
    std::vector<CheckpointRef> checkpoints;  // in the order they were written
    std::vector<SeriesInfo> series;
    std::vector<EmbeddingSnapshot> embeddings;  // without data
};

// Filter, order and page of a run listing. Empty fields do not filter.
struct RunQuery {
    std::string text;  // substring (case-insensitive) of name, model, dataset, study, tags or notes
    std::vector<std::string> tags;      // runs carrying every one of these tags
    std::vector<std::string> statuses;  // runs with any of these statuses
    std::string model;
    std::string dataset;
    std::string study;
    std::string configHash;
    bool includeArchived = false;  // archived runs are hidden unless set
    // A column (id, name, study, model, dataset, protocol, seed, status, started, ended,
    // steps, elapsed, config_hash) or a final metric "test:ndcg@10" / "valid:ndcg@10".
    // Runs without the metric sort last in both directions.
    std::string sortBy = "started";
    bool descending = true;
    int64_t limit = 100;  // rows per page (0 = all)
    int64_t offset = 0;
};

// Summary statistics of one metric over a seed group.
struct MetricStats {
    int64_t n = 0;
    double mean = 0.0;
    double stdDev = 0.0;  // sample standard deviation (n - 1); 0 when n = 1
    double stdErr = 0.0;  // stdDev / sqrt(n)
    double min = 0.0;
    double max = 0.0;
};

// Runs that share a config hash (same config, different seeds).
struct SeedGroup {
    std::string configHash;
    std::string name;  // name of the group's first run
    std::string model;
    std::string dataset;
    std::vector<int64_t> runIds;                 // in id order
    std::vector<uint64_t> seeds;                 // of runIds, same order
    std::map<std::string, MetricStats> metrics;  // over the runs that have each metric
};

}  // namespace dimerec
