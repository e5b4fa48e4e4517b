#include "CliCommands.h"
#include "CliSupport.h"

#include "config/ConfigFile.h"
#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "experiment/RecordedRun.h"
#include "model/DimeRec.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"
#include "train/Trainer.h"

#include "store/RunStore.h"
#include "util/Device.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>

namespace dimerec::cli {
namespace {

struct TrainArguments {
    std::string configFile;              // JSON run config ("" = defaults)
    std::vector<std::string> overrides;  // section.field=value
    std::string device;                  // overrides train.device when given
    int threads = -1;                    // overrides train.threads when >= 0
    std::string checkpointDir;           // where last.pt / best.pt go
    std::string resume;                  // checkpoint to continue from
    bool json = false;                   // print the result as JSON on stdout
    std::string db;                      // run store ("" = RunStore::defaultPath())
    std::string study = "default";       // study the stored run belongs to
    bool noStore = false;                // do not record the run
    int worldSize = 0;                   // data-parallel processes (0 = Slurm's, else alone)
    int rank = 0;                        // this process's rank among them
    std::string master;                  // ADDR:PORT of rank 0's rendezvous store
    std::string backend = "auto";        // auto | gloo | nccl
};

// The data-parallel membership from the flags, else from Slurm's environment under srun;
// none when the run has one process.
std::optional<DistributedContext> distributedContextFor(const TrainArguments& args) {
    DistributedContext context;
    if (args.worldSize > 0) {
        context.worldSize = args.worldSize;
        context.rank = args.rank;
        if (!args.master.empty()) parseMasterAddress(args.master, context);
    } else if (args.rank != 0 || !args.master.empty()) {
        throw std::invalid_argument("--rank and --master need --world-size");
    } else {
        context = distributedContextFromSlurm([](const char* name) { return std::getenv(name); });
    }
    context.backend = args.backend;
    validate(context);
    if (context.worldSize == 1) return std::nullopt;
    return context;
}

struct EvaluateArguments {
    std::string checkpoint;
    std::vector<std::string> overrides;  // inference-only fields, e.g. model.samplesPerUser=4
    std::string readout;                 // DimeRec: diffusion | interests ("" = the run's)
    std::string device = "auto";
    int threads = 0;
    bool json = false;
    bool record = false;  // store the end-of-training extras with the checkpoint's run
    std::string db;       // run store of --record ("" = RunStore::defaultPath())
    std::string run;      // the run (id or uuid) of --record ("" = the checkpoint's folder name)
};

// Ctrl-C asks the running trainer to stop after its batch and write a resumable checkpoint.
std::atomic<TrainControl*> activeControl{nullptr};
void requestCancel(int) {
    if (TrainControl* control = activeControl.load()) control->cancel = true;
}

// "[#########...........]  45%  " for a terminal line; empty while the total is unknown.
std::string progressBar(int64_t step, int64_t total) {
    constexpr int64_t kWidth = 24;
    if (total <= 0) return "";
    const int64_t done = std::clamp<int64_t>(step * kWidth / total, 0, kWidth);
    std::ostringstream bar;
    bar << "[" << std::string(static_cast<size_t>(done), '#')
        << std::string(static_cast<size_t>(kWidth - done), '.') << "] " << std::setw(3)
        << std::clamp<int64_t>(step * 100 / total, 0, 100) << "%  ";
    return bar.str();
}

// Progress on stderr: one progress bar rewritten in place on a terminal, a plain line every
// few seconds otherwise (logs stay short).
class CliObserver : public TrainObserver {
public:
    explicit CliObserver(bool quiet) : quiet_(quiet), terminal_(isatty(fileno(stderr)) != 0) {}

    void onProgress(const ProgressEvent& e) override {
        if (quiet_) return;
        const auto now = std::chrono::steady_clock::now();
        const bool last = e.step == e.totalSteps;
        if (!last && now - lastPrint_ <
                         (terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5)))
            return;
        lastPrint_ = now;
        std::ostringstream line;
        line << "step " << e.step << "/" << e.totalSteps << "  epoch " << e.epoch + 1 << std::fixed
             << std::setprecision(4);
        for (const auto& [name, value] : e.losses) line << "  " << name << " " << value;
        line << std::setprecision(0) << "  " << e.samplesPerSecond << " samples/s  ETA "
             << duration(e.etaSeconds);
        if (terminal_) {
            std::cerr << "\r\033[K" << progressBar(e.step, e.totalSteps) << line.str()
                      << std::flush;
            pendingNewline_ = true;
        } else {
            std::cerr << line.str() << "\n";
        }
    }

    void onEvaluation(const EvaluationEvent& e) override {
        if (quiet_) return;
        endLine();
        std::cerr << e.split << " @ step " << e.step << std::fixed << std::setprecision(4);
        for (const char* name : {"hr@10", "ndcg@10", "recall@20", "ndcg@20"}) {
            const auto found = e.metrics.find(name);
            if (found != e.metrics.end()) std::cerr << "  " << name << " " << found->second;
        }
        std::cerr << (e.improved ? "  (best)" : "") << "\n";
    }

    void endLine() {
        if (pendingNewline_) std::cerr << "\n";
        pendingNewline_ = false;
    }

private:
    bool quiet_;
    bool terminal_;
    bool pendingNewline_ = false;
    std::chrono::steady_clock::time_point lastPrint_{};
};

void printMetrics(const std::string& split, const std::map<std::string, double>& metrics) {
    std::cout << split << "\n";
    for (const auto& [name, value] : metrics) {
        std::cout << "  " << std::left << std::setw(16) << name << std::right << std::fixed
                  << std::setprecision(4) << value << "\n";
    }
}

void runTrain(const TrainArguments& args) {
    RunConfig config;
    if (!args.configFile.empty()) {
        config = readRunConfigFile(args.configFile);
    } else if (!args.resume.empty()) {
        config = readCheckpointConfig(args.resume);
    }
    for (const std::string& assignment : args.overrides) applyOverride(config, assignment);
    if (!args.device.empty()) applyOverride(config, "train.device=" + args.device);
    if (args.threads >= 0) applyOverride(config, "train.threads=" + std::to_string(args.threads));
    validate(config);
    resolveDevice(config.train.device);  // fail before loading data when the device is absent

    RecordedRunSpec spec;
    spec.config = config;
    spec.study = args.study;
    spec.resumeFrom = args.resume;
    spec.distributed = distributedContextFor(args);
    // Checkpoints only where asked for: --checkpoint-dir, else beside the resumed checkpoint.
    spec.checkpointDir = args.checkpointDir.empty() && !args.resume.empty()
                             ? std::filesystem::path(args.resume).parent_path().string()
                             : args.checkpointDir;
    // Only rank 0 reports, stores and writes checkpoints; the others train quietly.
    const bool follower = spec.distributed && spec.distributed->rank != 0;
    spec.dataset = std::make_shared<const Dataset>(loadDataset(config.data));
    if (!args.json && !follower) {
        std::cerr << "dataset " << spec.dataset->name << ": " << spec.dataset->numUsers()
                  << " users, " << spec.dataset->numItems() << " items; model "
                  << nameOf(config.model.model) << ", protocol " << nameOf(config.data.protocol)
                  << ", " << configureThreads(config.train.threads) << " threads\n";
        if (spec.distributed) {
            std::cerr << "data-parallel: " << spec.distributed->worldSize
                      << " processes, rendezvous at " << spec.distributed->masterAddress << ":"
                      << spec.distributed->masterPort << "\n";
        }
    }
    std::unique_ptr<RunStore> store;
    if (!args.noStore && !follower) {
        store = std::make_unique<RunStore>(args.db.empty() ? RunStore::defaultPath() : args.db);
    }
    RecordedRun run(store.get(), std::move(spec));
    if (store && !args.json)
        std::cerr << "recording run " << run.id() << " in " << store->path() << "\n";
    TrainControl control;
    CliObserver observer(args.json || follower);
    activeControl = &control;
    auto previous = std::signal(SIGINT, requestCancel);
    const TrainResult result = run.train({&observer}, control);
    std::signal(SIGINT, previous);
    activeControl = nullptr;
    observer.endLine();
    if (result.status == "failed") throw std::runtime_error("training failed: " + result.message);
    if (follower) {
        std::cerr << result.status << ": " << result.message << "\n";
        return;
    }

    if (args.json) {
        nlohmann::json out = {{"status", result.status},
                              {"message", result.message},
                              {"steps", result.steps},
                              {"elapsedSeconds", result.elapsedSeconds},
                              {"valid", result.bestValid},
                              {"test", result.test},
                              {"bestCheckpoint", result.bestCheckpoint},
                              {"lastCheckpoint", result.lastCheckpoint},
                              {"configHash", configHash(config)},
                              {"config", toJson(config)}};
        std::cout << out.dump(2) << "\n";
        return;
    }
    std::cout << "status " << result.status << ": " << result.message << " ("
              << duration(result.elapsedSeconds) << ")\n";
    printMetrics("valid (best)", result.bestValid);
    printMetrics("test", result.test);
    if (!result.bestCheckpoint.empty())
        std::cout << "best checkpoint " << result.bestCheckpoint << "\n";
    if (!result.lastCheckpoint.empty())
        std::cout << "last checkpoint " << result.lastCheckpoint << "\n";
}

// `evaluate --record`: what the end of training stores besides the run's own test — its test
// under the other history setting (where that differs) and DimeRec's readouts — for the
// checkpoint's run.
void recordCheckpointExtras(const EvaluateArguments& args) {
    if (!args.overrides.empty() || !args.readout.empty())
        throw std::invalid_argument(
            "--record evaluates under the run's own settings: drop --set and --readout");
    RunStore store(args.db.empty() ? RunStore::defaultPath() : args.db);
    int64_t run = 0;
    if (args.run.empty()) {
        // A recorded run's checkpoints lie in a folder named by its uuid (RunStore::checkpointDir).
        const std::string folder =
            std::filesystem::absolute(args.checkpoint).parent_path().filename().string();
        run = store.findRun(folder);
        if (run == 0)
            throw std::invalid_argument("--record: the folder of '" + args.checkpoint +
                                        "' is named by no run's uuid in " + store.path() +
                                        "; name its run with --run");
    } else {
        run = store.resolveRun(args.run);
    }
    const CheckpointModel loaded = loadCheckpointModel(args.checkpoint, args.device, args.threads);
    const RunSummary summary = store.run(run).summary;
    if (summary.configHash != configHash(loaded.config))
        throw std::invalid_argument("--record: '" + args.checkpoint +
                                    "' was not trained with the config of run " +
                                    std::to_string(run) + " in " + store.path() +
                                    " (config hashes differ); name its run with --run");
    const bool otherHistory = recordOtherHistorySetting(store, run, loaded.config, loaded.dataset,
                                                        loaded.splits, *loaded.model);
    auto* dimeRec = dynamic_cast<DimeRecRecommender*>(loaded.model.get());
    if (dimeRec != nullptr)
        recordReadouts(store, run, loaded.config, loaded.dataset, loaded.splits, *dimeRec);
    if (!otherHistory && dimeRec == nullptr)
        throw std::invalid_argument(
            "--record: nothing to store for '" + args.checkpoint + "': it holds a " +
            nameOf(loaded.config.model.model) +
            " model (readouts are DimeRec's), and no test target of its data is an item of its "
            "own history (the test under the other eval.excludeHistory setting is stored for "
            "such data only)");
    const RunSummary stored = store.run(run).summary;
    if (args.json) {
        std::cout << nlohmann::json{{"run", run}, {"readoutMetrics", stored.readoutMetrics}}.dump(2)
                  << "\n";
        return;
    }
    std::cout << "stored the evaluations of " << args.checkpoint << " with run " << run << " in "
              << store.path() << "\n";
    for (const auto& [split, metrics] : stored.readoutMetrics) printMetrics(split, metrics);
}

void runEvaluate(const EvaluateArguments& args) {
    if (args.record) {
        recordCheckpointExtras(args);
        return;
    }
    const CheckpointModel loaded = loadCheckpointModel(args.checkpoint, args.device, args.threads,
                                                       args.overrides, args.readout);
    const RunConfig& config = loaded.config;
    const Dataset& dataset = loaded.dataset;
    const Splits& splits = loaded.splits;
    Recommender& model = *loaded.model;
    const Evaluator evaluator(config.eval, config.data.maxLength, evaluationCategories(dataset),
                              config.train.seed);
    const auto valid = evaluator.evaluate(model, splits.valid);
    const auto test = evaluator.evaluate(model, splits.test);
    if (args.json) {
        std::cout << nlohmann::json{{"checkpoint", args.checkpoint},
                                    {"overrides", args.overrides},
                                    {"readout", readoutOf(config)},
                                    {"valid", valid},
                                    {"test", test}}
                         .dump(2)
                  << "\n";
        return;
    }
    std::cout << "checkpoint " << args.checkpoint << ": model " << nameOf(config.model.model)
              << " on " << dataset.name << " (" << nameOf(config.data.protocol) << ")\n";
    for (const std::string& assignment : args.overrides)
        std::cout << "inference setting " << assignment << "\n";
    if (!readoutOf(config).empty()) std::cout << "readout " << readoutOf(config) << "\n";
    printMetrics("valid", valid);
    printMetrics("test", test);
}

}  // namespace

void addTrainCommands(CLI::App& app) {
    auto train = std::make_shared<TrainArguments>();
    CLI::App* trainCommand =
        app.add_subcommand("train", "Train a model (DimeRec or a baseline) and report its metrics");
    trainCommand
        ->add_option("-c,--config", train->configFile,
                     "Run config (JSON); missing keys keep their defaults")
        ->check(CLI::ExistingFile);
    trainCommand->add_option("-s,--set", train->overrides, setOptionHelp(false))->take_all();
    trainCommand->add_option("--device", train->device,
                             "auto, cpu, cuda or cuda:N (overrides train.device)");
    trainCommand
        ->add_option("--threads", train->threads,
                     "LibTorch threads, 0 = all cores (overrides train.threads)")
        ->check(CLI::NonNegativeNumber);
    trainCommand->add_option("--checkpoint-dir", train->checkpointDir,
                             "Write last.pt and best.pt here");
    trainCommand->add_option("--resume", train->resume, "Continue from this checkpoint (last.pt)")
        ->check(CLI::ExistingFile);
    trainCommand->add_flag("--json", train->json, "Print the result as JSON (no progress lines)");
    trainCommand->add_option(
        "--db", train->db,
        "Run store to record the run in (default: " + RunStore::defaultPath() + ")");
    trainCommand->add_option("--study", train->study, "Study the recorded run belongs to")
        ->capture_default_str();
    trainCommand->add_flag("--no-store", train->noStore, "Do not record the run in the run store");
    trainCommand
        ->add_option("--world-size", train->worldSize,
                     "Data-parallel processes training this run (default: SLURM_NTASKS under "
                     "srun, else 1); train.batchSize is the global batch")
        ->check(CLI::PositiveNumber);
    trainCommand->add_option("--rank", train->rank, "This process's rank, 0 … world size − 1")
        ->check(CLI::NonNegativeNumber);
    trainCommand->add_option("--master", train->master,
                             "ADDR:PORT where rank 0 serves the rendezvous (default 127.0.0.1:" +
                                 std::to_string(kDefaultMasterPort) + ")");
    trainCommand
        ->add_option("--dist-backend", train->backend,
                     "auto (nccl on CUDA, else gloo), gloo or nccl")
        ->check(CLI::IsMember({"auto", "gloo", "nccl"}))
        ->capture_default_str();
    trainCommand->callback([train] { runTrain(*train); });

    auto evaluate = std::make_shared<EvaluateArguments>();
    CLI::App* evaluateCommand = app.add_subcommand(
        "evaluate", "Evaluate a checkpoint on its run's validation and test splits");
    evaluateCommand
        ->add_option("--checkpoint", evaluate->checkpoint, "Checkpoint file (best.pt or last.pt)")
        ->required()
        ->check(CLI::ExistingFile);
    evaluateCommand->add_option("-s,--set", evaluate->overrides, setOptionHelp(true))->take_all();
    addReadoutOption(*evaluateCommand, evaluate->readout);
    evaluateCommand->add_option("--device", evaluate->device, "auto, cpu, cuda or cuda:N");
    evaluateCommand->add_option("--threads", evaluate->threads, "LibTorch threads, 0 = all cores")
        ->check(CLI::NonNegativeNumber);
    evaluateCommand->add_flag("--json", evaluate->json, "Print the metrics as JSON");
    evaluateCommand->add_flag(
        "--record", evaluate->record,
        "Store with the checkpoint's run what the end of training stores besides its test: the "
        "test under the other eval.excludeHistory setting where some test targets are items of "
        "their own history (as test/history-kept or test/history-excluded) and, for DimeRec, "
        "every readout (Algorithm 2, DAM samples, interests, fused)");
    evaluateCommand->add_option("--db", evaluate->db,
                                "Run store of --record (default: " + RunStore::defaultPath() + ")");
    evaluateCommand->add_option("--run", evaluate->run,
                                "Run (id or uuid) of --record (default: the run named by the "
                                "checkpoint's folder)");
    evaluateCommand->callback([evaluate] { runEvaluate(*evaluate); });
}

}  // namespace dimerec::cli
