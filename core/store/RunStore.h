#pragma once

#include "store/RunRecords.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

// The SQLite database that keeps every run (DESIGN §4): studies → runs with config,
// provenance, loss and metric series, final metrics, tags, notes, checkpoints and embedding
// snapshots. WAL mode, foreign keys, a busy timeout and short transactions let several
// processes (the workbench and a `dimerec train` in a terminal) use one file at once.
//
// A RunStore is one connection; use it from one thread at a time (give each thread its own).
// Every failure throws StoreError naming the file; a failed write leaves what was stored
// before it untouched.
class RunStore {
public:
    enum class Mode { ReadWrite, ReadOnly };

    // Opens (creating it and its folder if needed) the database at `path` and brings an older
    // schema up to date. Runs left "running" by a process of this host that no longer exists
    // become "interrupted". A file that is not writable opens read-only.
    explicit RunStore(const std::string& path, Mode mode = Mode::ReadWrite);
    ~RunStore();
    RunStore(RunStore&&) noexcept;
    RunStore& operator=(RunStore&&) noexcept;
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    // $XDG_DATA_HOME/dimerec/runs.sqlite, else ~/.local/share/dimerec/runs.sqlite.
    static std::string defaultPath();
    // The schema version this program writes.
    static int schemaVersion();

    const std::string& path() const;
    bool readOnly() const;

    // Studies.
    int64_t ensureStudy(const std::string& name);
    std::vector<std::string> studies() const;

    // Writing a run (experiment/RunRecorder does this for a training run).
    int64_t createRun(const NewRun& run);
    // Appends loss points in one transaction.
    void appendSteps(int64_t run, const std::vector<StepPoint>& points);
    // Its metrics as points of the split's series; a test evaluation's metrics also become the
    // run's final test metrics and its target ranks (when given) the run's per-user data.
    void appendEvaluation(int64_t run, const EvaluationPoint& evaluation);
    void addCheckpoint(int64_t run, const CheckpointRef& checkpoint);
    // Status, message, end time, steps, elapsed, final metrics (best valid and test) and
    // checkpoint paths.
    void finishRun(int64_t run, const RunResult& result);
    void setStatus(int64_t run, const std::string& status, const std::string& message = "");
    // Replaces the final metrics of one split of a finished run, with their per-user target
    // ranks when given: a further readout of its best checkpoint ("test/interests",
    // eval/Readouts.h) or its test under the other history setting (otherHistorySplit);
    // finishRun writes "test" and "valid".
    void setFinalMetrics(int64_t run, const std::string& split,
                         const std::map<std::string, double>& metrics,
                         const TargetRanks* ranks = nullptr);
    int64_t addEmbeddingSnapshot(int64_t run, const EmbeddingSnapshot& snapshot);
    // Marks "running" runs whose process is gone (same host) as interrupted; returns how many.
    int recoverInterruptedRuns();

    // Queries for the views and the command line.
    std::vector<RunSummary> listRuns(const RunQuery& query) const;
    // Runs matching the query's filter (limit and offset ignored).
    int64_t countRuns(const RunQuery& query) const;
    RunDetails run(int64_t run) const;
    // Run id of a uuid (or of a unique uuid prefix of at least 4 characters); 0 if none.
    int64_t findRun(const std::string& uuidOrPrefix) const;
    // Run id of a reference given by a user: a run id, or a uuid (prefix); throws
    // std::invalid_argument naming the database when no run matches.
    int64_t resolveRun(const std::string& reference) const;
    std::vector<SeriesPoint> series(int64_t run, const std::string& source,
                                    const std::string& name) const;
    std::vector<SeriesInfo> seriesList(int64_t run) const;
    // The optimiser steps of one of the run's epochs, read off its training-loss and validation
    // points: a point's step is at most (epoch + 1) × that, equal at an epoch's last step. A run
    // stores such a point for every epoch it has gone past (losses are logged every step, bundles
    // keep each epoch's last one) and for every epoch whose end it validated. std::nullopt while
    // all of its points lie in one epoch.
    std::optional<int64_t> stepsPerEpoch(int64_t run) const;
    // Its epochs and best epoch from its validations on its config's train.earlyStopMetric.
    TrainingExtent trainingExtent(int64_t run) const;
    EmbeddingSnapshot embeddingSnapshot(int64_t snapshotId) const;
    // The target ranks of the run's evaluation on `split` (see TargetRanks); std::nullopt for
    // runs stored without them (before schema version 3, or not evaluated yet).
    std::optional<TargetRanks> targetRanks(int64_t run, const std::string& split = "test") const;
    // Runs matching the filter grouped by config hash, with statistics of their final
    // metrics from `split` (test | valid); groups in order of their first run.
    std::vector<SeedGroup> seedGroups(const RunQuery& query,
                                      const std::string& split = "test") const;
    // Every tag in use, sorted.
    std::vector<std::string> tags() const;

    // Editing.
    void addTags(int64_t run, const std::vector<std::string>& tags);
    void removeTags(int64_t run, const std::vector<std::string>& tags);
    void setNotes(int64_t run, const std::string& notes);
    void setArchived(int64_t run, bool archived);
    // Deletes the run and everything it logged (checkpoint files on disk stay).
    void deleteRun(int64_t run);

    // Which embedding snapshots a bundle carries: they are most of a run's size (float32 item
    // tables), while everything else (metrics, readouts, target ranks, series) is small.
    enum class Snapshots { All, Final, None };  // Final: the last one written
    // One JSON file (gzip-compressed when the path ends in ".gz") with config, provenance,
    // final metrics, series, tags, notes, checkpoints, target ranks and embedding snapshots.
    // `trainPoints` > 0 keeps at most about that many points of each training-loss series
    // (the first, every k-th, each epoch's last (see stepsPerEpoch) and the last, at their
    // exact values; a converged run logs a loss every step, most of its size once the
    // snapshots are left out); validation and test series are always whole.
    // `carryCheckpoint`: a cancelled or interrupted run's bundle carries its last.pt, so that
    // where it is imported a sweep (or the workbench's Resume) continues the run.
    void exportBundle(int64_t run, const std::string& path, Snapshots snapshots = Snapshots::All,
                      int64_t trainPoints = 0, bool carryCheckpoint = false) const;
    // Imports a bundle into `study` ("" = the study named in the bundle); a carried checkpoint
    // goes into checkpointDir(uuid). Importing a run whose uuid is already stored changes
    // nothing and returns its id, except that a finished run replaces a cancelled or
    // interrupted one (its carried, unfinished bundle imported before); `added` (if given)
    // says whether this call stored it.
    int64_t importBundle(const std::string& path, const std::string& study = "",
                         bool* added = nullptr);
    // Imports the runs of another run database (e.g. one Slurm array task's trial-N.sqlite)
    // through bundles, so both paths keep the same rules. With `completedOnly`, runs that are
    // still running or queued there are left for a later import (a run stored here is never
    // updated). Returns the ids of the runs this call added.
    std::vector<int64_t> importDatabase(const std::string& path, const std::string& study = "",
                                        bool completedOnly = false);
    // <folder of the database>/checkpoints/<run uuid>: the folder of a recorded run's last.pt
    // and best.pt.
    std::string checkpointDir(const std::string& runUuid) const;
    // What importFile did with one file.
    struct FileImport {
        bool database = false;       // a run database (every run of it) rather than a bundle
        std::vector<int64_t> added;  // the runs this call stored
        int64_t storedAs = 0;        // a bundle whose run was stored already: that run
    };
    // Imports a bundle or a run database (told apart by isDatabaseFile) into `study` as
    // importBundle and importDatabase do.
    FileImport importFile(const std::string& path, const std::string& study = "");
    // The run bundles and run databases that `paths` name, in order: a file stands for itself,
    // a folder for its bundles (*.json, *.json.gz) in name order (none there is an error).
    static std::vector<std::string> runFilesIn(const std::vector<std::string>& paths);
    // "<study>-<run uuid>.json.gz", the study's characters other than letters, digits, '.', '-'
    // and '_' as '_' ("w/o L_ssm" → "w_o_L_ssm"); "….unfinished.json.gz" for the bundle of an
    // unfinished run that carries its checkpoint.
    static std::string bundleFileName(const std::string& study, const std::string& uuid,
                                      bool unfinished = false);
    // The checkpoint a bundle of the run carries with carryCheckpoint: its last.pt when it was
    // cancelled or interrupted and that file is on this machine, else "" (a run imported
    // without its checkpoint names one on the machine it came from).
    static std::string resumableCheckpoint(const RunDetails& details);
    // Whether the file starts with SQLite's header (a run database rather than a bundle).
    static bool isDatabaseFile(const std::string& path);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace dimerec
