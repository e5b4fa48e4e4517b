// `dimerec sweep FILE`: every trial of an experiment file as a run of one study; stopped and
// started again, it continues with the trials that have no finished run.
#include "CliCommands.h"
#include "CliSupport.h"

#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "experiment/SlurmScript.h"
#include "experiment/Sweep.h"
#include "experiment/SweepRunner.h"
#include "store/RunStore.h"
#include "util/BuildInfo.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace dimerec::cli {
namespace {

namespace fs = std::filesystem;

struct SweepArguments {
    std::string file;      // experiment file
    std::string profile;   // "" = the file's own settings
    std::string db;        // run store ("" = RunStore::defaultPath())
    int jobs = 1;          // trials trained at once, each in its own process
    bool dryRun = false;   // print the plan only
    int threads = -1;      // LibTorch threads per trial (-1: the file's, or cores / jobs)
    std::string device;    // overrides train.device when given
    int maxTrials = 0;     // start at most this many trials in this call (0 = all)
    int trial = -1;        // run only this trial (what --jobs children and cluster tasks do)
    std::string trialKey;  // with --trial: the identity the parent expects (file unchanged)
    bool slurm = false;    // write a Slurm job-array script instead of training
    bool submit = false;   // … and submit it with sbatch
    std::string out;       // the job's folder: script, per-trial databases and logs
    SweepResources resources{0, "", "", ""};  // flags over the file's "resources" (0/"" = keep)
    int maxParallel = 0;                      // array tasks running at once (0 = Slurm's limit)
    std::string timeLeft;  // start only trials expected to end within it ("" = no limit)
};

// Ctrl-C: the running trials stop after their batch (recorded as cancelled, resumable) and
// no further trial starts.
std::atomic<bool> stopRequested{false};
std::atomic<TrainControl*> activeControl{nullptr};
void requestStop(int) {
    stopRequested = true;
    if (TrainControl* control = activeControl.load()) control->cancel = true;
}

std::string metricsText(const std::map<std::string, double>& metrics) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(4);
    for (const char* name : {"hr@10", "ndcg@10", "recall@20"}) {
        if (const auto found = metrics.find(name); found != metrics.end()) {
            out << "  " << name << " " << found->second;
        }
    }
    return out.str();
}

// Progress of the trial in this process on stderr: a rewritten line on a terminal, a line
// every 10 s otherwise.
class SweepObserver : public TrainObserver {
public:
    explicit SweepObserver(std::string prefix)
        : prefix_(std::move(prefix)), terminal_(isatty(fileno(stderr)) != 0) {}

    void onProgress(const ProgressEvent& e) override {
        const auto now = std::chrono::steady_clock::now();
        if (now - lastPrint_ <
            (terminal_ ? std::chrono::milliseconds(500) : std::chrono::seconds(10)))
            return;
        lastPrint_ = now;
        std::ostringstream line;
        line << prefix_ << "step " << e.step << "/" << e.totalSteps << "  epoch " << e.epoch + 1
             << std::fixed << std::setprecision(4);
        if (const auto total = e.losses.find("total"); total != e.losses.end()) {
            line << "  loss " << total->second;
        }
        line << "  ETA " << duration(e.etaSeconds);
        if (terminal_) {
            std::cerr << "\r\033[K" << line.str() << std::flush;
            pendingNewline_ = true;
        } else {
            std::cerr << line.str() << "\n";
        }
    }

    void onEvaluation(const EvaluationEvent& e) override {
        endLine();
        std::cerr << prefix_ << e.split << " @ step " << e.step << metricsText(e.metrics)
                  << (e.improved ? "  (best)" : "") << "\n";
    }

    void endLine() {
        if (pendingNewline_) std::cerr << "\n";
        pendingNewline_ = false;
    }

private:
    std::string prefix_;
    bool terminal_;
    bool pendingNewline_ = false;
    std::chrono::steady_clock::time_point lastPrint_{};
};

// The experiment with the command line's device and threads applied to every trial.
struct Plan {
    ExperimentFile experiment;
    std::vector<Trial> trials;
};

Plan loadPlan(const SweepArguments& args, int threads) {
    Plan plan{loadExperimentFile(args.file, args.profile), {}};
    plan.trials = expandTrials(plan.experiment);
    for (Trial& trial : plan.trials) {
        if (threads >= 0) trial.config.train.threads = threads;
        if (!args.device.empty()) trial.config.train.device = args.device;
    }
    return plan;
}

std::string storePath(const SweepArguments& args) {
    return fs::absolute(args.db.empty() ? RunStore::defaultPath() : args.db).string();
}

// --time-left: a trial starts only when its estimated training time fits in what is left of
// the time given (TrialTimes::fits), so that a session or a job with a time limit ends between
// trials instead of killing one half-way.
class TimeBudget {
public:
    explicit TimeBudget(const SweepArguments& args) {
        if (!args.timeLeft.empty())
            end_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(parseDuration(args.timeLeft)));
    }
    // Whether the trial `state` stands for may start now; if not, says why.
    bool allows(const RunStore& store, const Plan& plan, const TrialState& state) const {
        if (!end_) return true;
        const double left =
            std::max(0.0, std::chrono::duration<double>(*end_ - Clock::now()).count());
        const Trial& trial = plan.trials[static_cast<size_t>(state.index)];
        const TrialTimes times(store, plan.experiment.study);
        if (times.fits(trial, state.resumeRun, left)) return true;
        std::cout << "#" << state.index << " " << trial.label << ": not started, its estimated "
                  << duration(*times.toGo(trial, state.resumeRun))
                  << (state.resumeRun != 0 ? " still to train" : "") << " does not fit in the "
                  << duration(left) << " left of --time-left" << std::endl;
        return false;
    }

private:
    using Clock = std::chrono::steady_clock;
    std::optional<Clock::time_point> end_;
};

std::string valueList(const std::vector<nlohmann::json>& values) {
    std::string out;
    for (const auto& value : values) {
        out += (out.empty() ? "" : ", ") +
               (value.is_string() ? value.get<std::string>() : value.dump());
    }
    return out;
}

void printPlan(const Plan& plan, const RunStore& store, const SweepState& state, bool listTrials) {
    const ExperimentFile& e = plan.experiment;
    std::cout << "study " << e.study << " (" << e.path
              << (e.profile.empty() ? "" : ", profile " + e.profile) << ")\n";
    if (!e.description.empty()) std::cout << "  " << e.description << "\n";
    std::cout << "  trials: " << plan.trials.size() << " = "
              << std::max<size_t>(e.variants.size(), 1) << " variant(s)";
    for (const SweepAxis& axis : e.grid) std::cout << " × " << axis.values.size();
    std::cout << " × " << e.seeds.size() << " seed(s)\n";
    if (!e.variants.empty()) {
        std::cout << "  variants:";
        for (const SweepVariant& variant : e.variants) std::cout << " [" << variant.name << "]";
        std::cout << "\n";
    }
    for (const SweepAxis& axis : e.grid) {
        std::cout << "  grid " << axis.field << ": " << valueList(axis.values) << "\n";
    }
    std::cout << "  seeds:";
    for (uint64_t seed : e.seeds) std::cout << " " << seed;
    std::cout << "\n";
    const std::vector<int> pending = state.pending();
    std::cout << "database " << store.path() << ": " << state.finished() << " of "
              << plan.trials.size() << " finished, " << state.running() << " running elsewhere, "
              << pending.size() << " to run\n";
    const SweepEstimate estimate = estimateSweep(store, e.study, plan.trials, state);
    std::cout << "estimated training time of the trials to run: ";
    switch (estimate.basis) {
        case SweepEstimate::Basis::None:
            std::cout << "none";
            break;
        case SweepEstimate::Basis::Study:
            std::cout
                << duration(estimate.seconds)
                << " in one process (from this study's finished runs, at their thread counts)";
            break;
        case SweepEstimate::Basis::Similar:
            std::cout << duration(estimate.seconds)
                      << " in one process (this study's finished runs and, for models it has not "
                         "finished, their runs on the same dataset that trained as long in "
                         "other studies)";
            break;
        case SweepEstimate::Basis::Throughput:
            std::cout
                << "at most " << duration(estimate.seconds)
                << " in one process (this study's finished runs and, for models it has not "
                   "finished, the samples/s of their earlier runs on the same dataset times the "
                   "epochs; early stopping shortens it)";
            break;
        case SweepEstimate::Basis::Unknown:
            std::cout << "unknown (no finished " << estimate.unknownModel
                      << " run on its dataset in the store)";
            break;
    }
    std::cout << "\n";
    if (!listTrials) return;
    for (const Trial& trial : plan.trials) {
        const TrialState& t = state.trials[static_cast<size_t>(trial.index)];
        std::cout << "  #" << std::left << std::setw(4) << trial.index << std::right << trial.label
                  << "  ";
        if (t.finishedRun != 0) {
            std::cout << "finished (run " << t.finishedRun << ")";
        } else if (t.runningRun != 0) {
            std::cout << "running (run " << t.runningRun << ")";
        } else {
            std::cout << (t.resumeFrom.empty() ? "to run" : "to resume");
            if (t.unfinishedRuns > 0)
                std::cout << " (" << t.unfinishedRuns << " earlier attempt(s))";
        }
        std::cout << "\n";
    }
}

// The trials this call starts: the pending ones, at most --max-trials.
std::vector<int> toStart(const SweepState& state, int maxTrials) {
    std::vector<int> pending = state.pending();
    if (maxTrials > 0 && static_cast<int>(pending.size()) > maxTrials) pending.resize(maxTrials);
    return pending;
}

// A trial is still to run when no process finished or started it since the sweep began.
bool stillPending(const RunStore& store, const Plan& plan, int index) {
    const SweepState now = sweepState(store, plan.experiment.study, plan.trials);
    const TrialState& t = now.trials[static_cast<size_t>(index)];
    return t.finishedRun == 0 && t.runningRun == 0;
}

std::string outcomeLine(const RunStore& store, int64_t run) {
    const RunSummary summary = store.run(run).summary;
    return summary.status + " (run " + std::to_string(run) + ", " +
           duration(summary.elapsedSeconds) + ")" + metricsText(summary.testMetrics) +
           (summary.status == "finished" ? "" : ": " + summary.message);
}

// Ends the sweep: what is left, and an error (non-zero exit) when trials failed or the user
// stopped it.
void finish(const RunStore& store, const Plan& plan, const std::vector<std::string>& failures,
            int notStarted) {
    const SweepState state = sweepState(store, plan.experiment.study, plan.trials);
    std::cout << "study " << plan.experiment.study << ": " << state.finished() << " of "
              << plan.trials.size() << " trials finished\n";
    if (notStarted > 0) {
        std::cout << notStarted
                  << " trial(s) not started for want of time; run the same command again later\n";
    }
    if (!failures.empty()) {
        std::string list;
        for (const std::string& label : failures) list += (list.empty() ? "" : "; ") + label;
        throw std::runtime_error(std::to_string(failures.size()) + " trial(s) did not finish (" +
                                 list + "); run the same command again to retry them");
    }
    if (stopRequested) {
        throw std::runtime_error("sweep stopped; run the same command again to continue");
    }
    if (state.finished() == static_cast<int>(plan.trials.size())) {
        std::cout << "ablation table: dimerec export table --db '" << store.path() << "' --study '"
                  << plan.experiment.study << "' --group-seeds --format markdown\n";
    }
}

class DatasetCache {
public:
    std::shared_ptr<const Dataset> get(const DataConfig& config) {
        RunConfig withData;
        withData.data = config;
        const std::string key = toJson(withData).dump();
        auto& slot = loaded_[key];
        if (!slot) slot = std::make_shared<const Dataset>(loadDataset(config));
        return slot;
    }

private:
    std::map<std::string, std::shared_ptr<const Dataset>> loaded_;
};

// Trains `index` in this process; returns its outcome line.
TrialOutcome trainHere(RunStore& store, const Plan& plan, int index, DatasetCache& datasets,
                       const std::string& prefix) {
    const Trial& trial = plan.trials.at(static_cast<size_t>(index));
    const SweepState state = sweepState(store, plan.experiment.study, plan.trials);
    SweepObserver observer(prefix);
    TrainControl control;
    activeControl = &control;
    if (stopRequested) control.cancel = true;
    const TrialOutcome outcome =
        runTrial(store, plan.experiment.study, trial, state.trials[static_cast<size_t>(index)],
                 datasets.get(trial.config.data), &observer, control);
    activeControl = nullptr;
    observer.endLine();
    return outcome;
}

void runSequential(const SweepArguments& args, RunStore& store, const Plan& plan,
                   const SweepState& state) {
    const std::vector<int> queue = toStart(state, args.maxTrials);
    const TimeBudget budget(args);
    std::vector<std::string> failures;
    DatasetCache datasets;
    int started = 0;
    int notStarted = 0;
    for (int index : queue) {
        if (stopRequested) break;
        if (!stillPending(store, plan, index)) continue;
        const Trial& trial = plan.trials[static_cast<size_t>(index)];
        if (!budget.allows(store, plan, state.trials[static_cast<size_t>(index)])) {
            ++notStarted;
            continue;
        }
        const std::string prefix =
            "[" + std::to_string(++started) + "/" + std::to_string(queue.size()) + "] ";
        std::cout << prefix << "#" << index << " " << trial.label << std::endl;
        const TrialOutcome outcome = trainHere(store, plan, index, datasets, prefix);
        std::cout << prefix << "#" << index << " " << trial.label << ": "
                  << outcomeLine(store, outcome.run) << std::endl;
        if (outcome.result.status == "failed") failures.push_back(trial.label);
    }
    finish(store, plan, failures, notStarted);
}

void runOneTrial(const SweepArguments& args, RunStore& store, const Plan& plan) {
    if (args.trial >= static_cast<int>(plan.trials.size())) {
        throw std::invalid_argument("--trial " + std::to_string(args.trial) + ": the sweep has " +
                                    std::to_string(plan.trials.size()) + " trials (0 to " +
                                    std::to_string(plan.trials.size() - 1) + ")");
    }
    const Trial& trial = plan.trials[static_cast<size_t>(args.trial)];
    if (!args.trialKey.empty() && args.trialKey != trialKey(trial)) {
        throw std::invalid_argument("--trial " + std::to_string(args.trial) + ": '" + args.file +
                                    "' changed since the sweep started (trial " +
                                    std::to_string(args.trial) + " is now '" + trial.label +
                                    "'); start the sweep again");
    }
    const SweepState state = sweepState(store, plan.experiment.study, plan.trials);
    const TrialState& t = state.trials[static_cast<size_t>(args.trial)];
    if (t.finishedRun != 0 || t.runningRun != 0) {
        std::cout << "#" << args.trial << " " << trial.label << ": already "
                  << (t.finishedRun != 0 ? "finished" : "running") << " (run "
                  << (t.finishedRun != 0 ? t.finishedRun : t.runningRun) << ")\n";
        return;
    }
    if (!TimeBudget(args).allows(store, plan, t)) return;
    DatasetCache datasets;
    const TrialOutcome outcome = trainHere(store, plan, args.trial, datasets, "");
    std::cout << "#" << args.trial << " " << trial.label << ": " << outcomeLine(store, outcome.run)
              << "\n";
    if (outcome.result.status != "finished" && outcome.result.status != "early-stopped") {
        throw std::runtime_error("trial " + std::to_string(args.trial) + " " +
                                 outcome.result.status + ": " + outcome.result.message);
    }
}

std::string fileSafe(const std::string& text) {
    std::string out;
    for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    return out;
}

// One child process per trial (`dimerec sweep FILE --trial N`), each with its share of the
// cores; their output goes to a log file per trial beside the database.
void runParallel(const SweepArguments& args, RunStore& store, const Plan& plan,
                 const SweepState& state, int threadsPerJob) {
    const std::vector<int> queue = toStart(state, args.maxTrials);
    const fs::path logs =
        fs::path(store.path()).parent_path() / "logs" / fileSafe(plan.experiment.study);
    fs::create_directories(logs);
    const TimeBudget budget(args);
    std::map<pid_t, int> running;  // child → trial
    std::vector<std::string> failures;
    int notStarted = 0;
    size_t next = 0;
    bool forwarded = false;
    std::cout << "running " << queue.size() << " trial(s), " << args.jobs << " at a time, "
              << threadsPerJob << " thread(s) each; logs in " << logs.string() << std::endl;
    while (true) {
        while (!stopRequested && static_cast<int>(running.size()) < args.jobs &&
               next < queue.size()) {
            const int index = queue[next++];
            if (!stillPending(store, plan, index)) continue;
            const Trial& trial = plan.trials[static_cast<size_t>(index)];
            if (!budget.allows(store, plan, state.trials[static_cast<size_t>(index)])) {
                ++notStarted;
                continue;
            }
            const std::string log = (logs / ("trial-" + std::to_string(index) + ".log")).string();
            std::vector<std::string> argv = {"dimerec",
                                             "sweep",
                                             args.file,
                                             "--trial",
                                             std::to_string(index),
                                             "--db",
                                             store.path(),
                                             "--threads",
                                             std::to_string(threadsPerJob),
                                             "--trial-key",
                                             trialKey(trial)};
            if (!args.profile.empty()) argv.insert(argv.end(), {"--profile", args.profile});
            if (!args.device.empty()) argv.insert(argv.end(), {"--device", args.device});
            std::vector<char*> raw;
            for (std::string& word : argv) raw.push_back(word.data());
            raw.push_back(nullptr);
            posix_spawn_file_actions_t files;
            posix_spawn_file_actions_init(&files);
            posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(),
                                             O_WRONLY | O_CREAT | O_APPEND, 0644);
            posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
            pid_t child = 0;
            const int error =
                posix_spawn(&child, "/proc/self/exe", &files, nullptr, raw.data(), environ);
            posix_spawn_file_actions_destroy(&files);
            const std::string& label = trial.label;
            if (error != 0) {
                std::cout << "#" << index << " " << label
                          << ": could not start a process: " << std::strerror(error) << std::endl;
                failures.push_back(label);
                continue;
            }
            running[child] = index;
            std::cout << "started #" << index << " " << label << " (pid " << child << ")"
                      << std::endl;
        }
        if (running.empty()) break;
        if (stopRequested && !forwarded) {
            // Ctrl-C in a terminal reaches the children too; a signal sent to this process
            // alone is passed on here.
            for (const auto& [child, index] : running) kill(child, SIGINT);
            forwarded = true;
        }
        int status = 0;
        const pid_t done = waitpid(-1, &status, WNOHANG);
        if (done <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
        }
        const auto found = running.find(done);
        if (found == running.end()) continue;
        const int index = found->second;
        running.erase(found);
        const std::string& label = plan.trials[static_cast<size_t>(index)].label;
        const SweepState now = sweepState(store, plan.experiment.study, plan.trials);
        const TrialState& t = now.trials[static_cast<size_t>(index)];
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && t.finishedRun != 0;
        std::cout << "#" << index << " " << label << ": "
                  << (t.finishedRun != 0
                          ? outcomeLine(store, t.finishedRun)
                          : "did not finish (see " +
                                (logs / ("trial-" + std::to_string(index) + ".log")).string() + ")")
                  << std::endl;
        if (!ok && !stopRequested) failures.push_back(label);
    }
    finish(store, plan, failures, notStarted);
}

// A missing dataset would fail every trial of it one after the other; say so once, up front.
void requireDatasets(const Plan& plan) {
    std::set<std::string> checked;
    for (const Trial& trial : plan.trials) {
        const std::string& dataset = trial.config.data.dataset;
        if (dataset == "default" || !checked.insert(dataset).second) continue;
        std::error_code error;
        if (!fs::exists(dataset, error)) {
            throw std::invalid_argument(
                plan.experiment.path + ": dataset '" + dataset + "' (trial " +
                std::to_string(trial.index) + " '" + trial.label +
                "') does not exist; set DIMEREC_DATA_DIR to the data folder or run from the "
                "directory the file's relative paths start from");
        }
    }
}

// `--slurm`: the sweep as a job array, one trial per task, each into OUT/trial-<i>.sqlite
// (docs/cluster.md); submitted with sbatch when asked and available, else printed.
void runSlurm(const SweepArguments& args) {
    const ExperimentFile experiment = loadExperimentFile(args.file, args.profile);
    SlurmArrayJob job;
    job.program = fs::read_symlink("/proc/self/exe").string();
    job.experimentFile = fs::absolute(args.file).string();
    job.profile = args.profile;
    job.study = experiment.study;
    job.trials = static_cast<int>(expandTrials(experiment).size());
    job.maxParallel = args.maxParallel;
    job.outDir = fs::absolute(args.out.empty() ? "slurm-" + fileSafe(experiment.study) : args.out)
                     .lexically_normal()
                     .string();
    job.resources = experiment.resources;
    if (args.resources.cpusPerTask > 0) job.resources.cpusPerTask = args.resources.cpusPerTask;
    if (!args.resources.memory.empty()) job.resources.memory = args.resources.memory;
    if (!args.resources.time.empty()) job.resources.time = args.resources.time;
    if (!args.resources.partition.empty()) job.resources.partition = args.resources.partition;
    const std::string script = slurmArrayScript(job);
    fs::create_directories(job.outDir);
    const fs::path path = fs::path(job.outDir) / "sweep.sbatch";
    std::ofstream(path) << script;
    if (!args.submit) {
        std::cout << script << "\n# written to " << path.string() << "; submit with: sbatch "
                  << path.string() << "\n";
        return;
    }
    if (std::system("command -v sbatch > /dev/null 2>&1") != 0) {
        throw std::runtime_error("sbatch is not on the PATH: submit " + path.string() +
                                 " from a Slurm login node");
    }
    std::cerr << "submitting " << job.trials << " trial(s) as a job array (" << path.string()
              << ")\n";
    std::cout.flush();
    if (std::system(("sbatch " + shellQuote(path.string())).c_str()) != 0)
        throw std::runtime_error("sbatch refused " + path.string());
}

void runSweep(const SweepArguments& args) {
    if (args.slurm) {
        runSlurm(args);
        return;
    }
    if (args.jobs < 1) throw std::invalid_argument("--jobs must be at least 1");
    const int hardware = std::max(1, buildInfo().hardwareThreads);
    const bool parallel = args.jobs > 1 && args.trial < 0;
    const int threadsPerJob = args.threads >= 0 ? args.threads
                              : parallel        ? std::max(1, hardware / args.jobs)
                                                : -1;
    const Plan plan = loadPlan(args, parallel ? -1 : args.threads);
    RunStore store(storePath(args));
    const SweepState state = sweepState(store, plan.experiment.study, plan.trials);
    if (args.dryRun) {
        printPlan(plan, store, state, true);
        try {
            requireDatasets(plan);
        } catch (const std::invalid_argument& missing) {
            std::cout << "warning: " << missing.what() << "\n";
        }
        return;
    }
    requireDatasets(plan);
    stopRequested = false;
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    if (args.trial >= 0) {
        runOneTrial(args, store, plan);
        return;
    }
    printPlan(plan, store, state, false);
    if (parallel) {
        runParallel(args, store, plan, state, threadsPerJob);
    } else {
        runSequential(args, store, plan, state);
    }
}

}  // namespace

void addSweepCommands(CLI::App& app) {
    auto args = std::make_shared<SweepArguments>();
    CLI::App* sweep = app.add_subcommand(
        "sweep",
        "Run every trial of an experiment file (variants × grid × seeds) as runs of one study; "
        "run again, it continues with the trials not yet finished");
    sweep->add_option("file", args->file, "Experiment file (JSON, see experiments/README.md)")
        ->required()
        ->check(CLI::ExistingFile);
    sweep->add_option(
        "--profile", args->profile,
        "Apply this profile of the file (e.g. full); default: the file's own settings");
    sweep->add_option("--db", args->db,
                      "Run store (default: " + RunStore::defaultPath() +
                          "); checkpoints go to checkpoints/<run uuid>/ beside it");
    sweep
        ->add_option("-j,--jobs", args->jobs,
                     "Trials trained at once, each in its own process with cores/N threads")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sweep->add_flag("-n,--dry-run", args->dryRun,
                    "Print the grid, the trials, how many are finished and a time estimate");
    sweep
        ->add_option("--threads", args->threads,
                     "LibTorch threads per trial (default: the file's train.threads; with --jobs "
                     "N: cores / N)")
        ->check(CLI::NonNegativeNumber);
    sweep->add_option("--device", args->device, "auto, cpu, cuda or cuda:N for every trial");
    sweep
        ->add_option("--time-left", args->timeLeft,
                     "Start a trial only when its estimated training time (from the study's "
                     "finished runs, if any) fits in what is left of this time, e.g. 2h30m: for "
                     "a session or a job with a time limit; the rest stay for later")
        ->check([](const std::string& text) {
            try {
                parseDuration(text);
                return std::string();
            } catch (const std::invalid_argument& error) {
                return std::string(error.what());
            }
        });
    sweep
        ->add_option("--max-trials", args->maxTrials,
                     "Start at most this many trials now (0 = all); the rest stay for later")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    sweep
        ->add_option("--trial", args->trial,
                     "Run only the trial with this index (0-based, see --dry-run), unless it is "
                     "finished; what --jobs children and cluster array tasks run")
        ->check(CLI::NonNegativeNumber);
    sweep
        ->add_option("--trial-key", args->trialKey,
                     "With --trial: the trial's identity (config hash:seed) that the starting "
                     "sweep expects; the trial is refused when the file has changed since")
        ->needs("--trial");
    sweep->add_flag("--slurm", args->slurm,
                    "Write a Slurm job array (one trial per task, each into its own database "
                    "under --out) instead of training; merge with `dimerec runs import`");
    sweep->add_flag("--submit", args->submit, "With --slurm: submit the script with sbatch");
    sweep->add_option("--out", args->out,
                      "With --slurm: folder of the script, trial databases and logs (default: "
                      "slurm-<study>)");
    sweep->add_option("--partition", args->resources.partition,
                      "With --slurm: partition (default: the file's, else the cluster's)");
    sweep->add_option("--time", args->resources.time,
                      "With --slurm: time limit per trial, e.g. 02:00:00 (default: the file's)");
    sweep
        ->add_option("--cpus", args->resources.cpusPerTask,
                     "With --slurm: CPUs per trial (default: the file's)")
        ->check(CLI::PositiveNumber);
    sweep->add_option("--mem", args->resources.memory,
                      "With --slurm: memory per trial, e.g. 8G (default: the file's)");
    sweep
        ->add_option("--max-parallel", args->maxParallel,
                     "With --slurm: array tasks running at once (0 = no limit)")
        ->check(CLI::NonNegativeNumber);
    sweep->callback([args] { runSweep(*args); });
}

}  // namespace dimerec::cli
