#include "experiment/SweepRunner.h"

#include "experiment/RecordedRun.h"
#include "store/RunStore.h"
#include "util/BuildInfo.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

namespace dimerec {
namespace {

namespace fs = std::filesystem;

std::vector<RunSummary> studyRuns(const RunStore& store, const std::string& study) {
    RunQuery query;
    query.study = study;
    query.includeArchived = true;
    query.sortBy = "id";
    query.descending = false;
    query.limit = 0;
    return store.listRuns(query);
}

// A run trained as long as `trial` would have: the same early stopping (patience, validation
// interval, step cap) and either the same epoch cap or, stopped early after `epochsRun`
// epochs, a stop the trial's cap would not have cut short.
bool sameLength(const TrainConfig& run, int64_t epochsRun, const TrainConfig& trial) {
    if (run.maxSteps != trial.maxSteps || run.patience != trial.patience ||
        run.evalEvery != trial.evalEvery)
        return false;
    const bool stoppedEarly = run.patience > 0 && epochsRun < run.epochs;
    return run.epochs == trial.epochs || (stoppedEarly && epochsRun <= trial.epochs);
}

// Whether a run trained on this machine's CPU (runs recorded before 2026-12-05 name none).
bool onThisCpu(const Provenance& provenance) {
    static const std::string here = buildInfo().cpu;
    return !provenance.cpu.empty() && provenance.cpu != "unknown" && provenance.cpu == here;
}

}  // namespace

int SweepState::finished() const {
    return static_cast<int>(std::count_if(trials.begin(), trials.end(),
                                          [](const TrialState& t) { return t.finishedRun != 0; }));
}

int SweepState::running() const {
    return static_cast<int>(std::count_if(trials.begin(), trials.end(), [](const TrialState& t) {
        return t.finishedRun == 0 && t.runningRun != 0;
    }));
}

std::vector<int> SweepState::pending() const {
    std::vector<const TrialState*> waiting;
    for (const TrialState& trial : trials) {
        if (trial.finishedRun == 0 && trial.runningRun == 0) waiting.push_back(&trial);
    }
    std::stable_sort(waiting.begin(), waiting.end(), [](const TrialState* a, const TrialState* b) {
        return a->seedRank < b->seedRank;
    });
    std::vector<int> out;
    for (const TrialState* trial : waiting) out.push_back(trial->index);
    return out;
}

SweepState sweepState(const RunStore& store, const std::string& study,
                      const std::vector<Trial>& trials) {
    SweepState state;
    std::map<std::string, size_t> trialOfKey;
    std::map<uint64_t, int> seedRanks;  // in the order the seeds first appear: the file's
    for (const Trial& trial : trials) {
        trialOfKey.emplace(trialKey(trial), state.trials.size());
        TrialState trialState;
        trialState.index = trial.index;
        trialState.seedRank =
            seedRanks.emplace(trial.seed, static_cast<int>(seedRanks.size())).first->second;
        trialState.key = trialKey(trial);
        state.trials.push_back(std::move(trialState));
    }
    // Runs in id order, so the latest unfinished run of a trial is seen last.
    for (const RunSummary& run : studyRuns(store, study)) {
        const auto found = trialOfKey.find(trialKey(run.configHash, run.seed));
        if (found == trialOfKey.end()) continue;
        TrialState& trial = state.trials[found->second];
        if (run.status == "finished") {
            if (trial.finishedRun == 0) {
                trial.finishedRun = run.id;
                trial.elapsedSeconds = run.elapsedSeconds;
            }
        } else if (run.status == "running" || run.status == "queued") {
            trial.runningRun = run.id;
        } else {
            ++trial.unfinishedRuns;
            trial.resumeFrom.clear();
            trial.resumeRun = 0;
            if (run.status == "cancelled" || run.status == "interrupted") {
                const std::string last = store.run(run.id).lastCheckpoint;
                std::error_code error;
                if (!last.empty() && fs::is_regular_file(last, error)) {
                    trial.resumeFrom = last;
                    trial.resumeRun = run.id;
                }
            }
        }
    }
    return state;
}

void TrialTimes::Mean::add(double seconds, bool here) {
    sum += seconds;
    ++count;
    if (!here) return;
    hereSum += seconds;
    ++hereCount;
}

TrialTimes::TrialTimes(const RunStore& store, std::string study) : store_(store) {
    for (const RunSummary& run : studyRuns(store, study)) {
        if (run.status != "finished") continue;
        const bool here = onThisCpu(store.run(run.id).provenance);
        for (Mean* mean : {&byConfig_[run.configHash], &byModel_[run.model], &all_})
            mean->add(run.elapsedSeconds, here);
    }
}

// The finished runs of the trial's model on its dataset in any study (among the store's last
// 200 of that model) whose epoch length is known, newest first; read once per model and
// dataset.
const std::vector<TrialTimes::MeasuredRun>& TrialTimes::measured(const Trial& trial) const {
    const std::string model = nameOf(trial.config.model.model);
    const auto [found, added] = measured_.try_emplace(model + '\n' + trial.config.data.dataset);
    if (!added) return found->second;
    RunQuery query;
    query.statuses = {"finished"};
    query.model = model;
    query.limit = 200;
    for (const RunSummary& run : store_.listRuns(query)) {
        if (run.elapsedSeconds <= 0.0 || run.steps <= 0) continue;
        const RunDetails details = store_.run(run.id);
        const RunConfig config = runConfigFromJson(nlohmann::json::parse(details.configJson));
        if (config.data.dataset != trial.config.data.dataset) continue;
        const std::optional<int64_t> stepsPerEpoch = store_.stepsPerEpoch(run.id);
        if (!stepsPerEpoch || *stepsPerEpoch <= 0) continue;
        const double batch = static_cast<double>(config.train.batchSize);
        found->second.push_back(
            {config.train, (run.steps + *stepsPerEpoch - 1) / *stepsPerEpoch, run.elapsedSeconds,
             static_cast<double>(run.steps) * batch / run.elapsedSeconds,
             static_cast<double>(*stepsPerEpoch) * batch, onThisCpu(details.provenance)});
    }
    return found->second;
}

std::optional<double> TrialTimes::toGo(const Trial& trial, int64_t resumedRun) const {
    const std::optional<Time> time = of(trial);
    if (!time) return std::nullopt;
    const double trained = resumedRun != 0 ? store_.run(resumedRun).summary.elapsedSeconds : 0.0;
    return std::max(0.0, time->seconds - trained);
}

bool TrialTimes::fits(const Trial& trial, int64_t resumedRun, double seconds) const {
    const std::optional<double> needed = toGo(trial, resumedRun);
    return !needed || *needed <= seconds;
}

std::optional<TrialTimes::Time> TrialTimes::of(const Trial& trial) const {
    if (const auto same = byConfig_.find(configHash(trial.config)); same != byConfig_.end())
        return Time{same->second.value(), EstimateBasis::Study};
    if (const auto model = byModel_.find(nameOf(trial.config.model.model)); model != byModel_.end())
        return Time{model->second.value(), EstimateBasis::Study};
    const std::vector<MeasuredRun>& runs = measured(trial);
    Mean similar;
    for (const MeasuredRun& run : runs) {
        if (sameLength(run.train, run.epochsRun, trial.config.train))
            similar.add(run.elapsedSeconds, run.here);
    }
    if (similar.count > 0) return Time{similar.value(), EstimateBasis::Similar};
    if (!runs.empty()) {
        const auto hereFirst =
            std::find_if(runs.begin(), runs.end(), [](const MeasuredRun& run) { return run.here; });
        const MeasuredRun& newest = hereFirst != runs.end() ? *hereFirst : runs.front();
        double samples = newest.samplesPerEpoch * trial.config.train.epochs;
        if (trial.config.train.maxSteps > 0) {
            samples = std::min(samples, static_cast<double>(trial.config.train.maxSteps) *
                                            trial.config.train.batchSize);
        }
        return Time{samples / newest.samplesPerSecond, EstimateBasis::Throughput};
    }
    if (all_.count > 0) return Time{all_.value(), EstimateBasis::Study};
    return std::nullopt;
}

SweepEstimate estimateSweep(const RunStore& store, const std::string& study,
                            const std::vector<Trial>& trials, const SweepState& state) {
    SweepEstimate estimate;
    const std::vector<int> pending = state.pending();
    if (pending.empty()) return estimate;
    const TrialTimes times(store, study);
    estimate.basis = SweepEstimate::Basis::Study;
    for (int index : pending) {
        const Trial& trial = trials.at(index);
        const std::optional<TrialTimes::Time> time = times.of(trial);
        if (!time) {
            estimate.basis = SweepEstimate::Basis::Unknown;
            estimate.unknownModel = nameOf(trial.config.model.model);
            estimate.seconds = 0.0;
            return estimate;
        }
        estimate.seconds += time->seconds;
        estimate.basis = std::max(estimate.basis, time->basis);
    }
    return estimate;
}

TrialOutcome runTrial(RunStore& store, const std::string& study, const Trial& trial,
                      const TrialState& state, std::shared_ptr<const Dataset> dataset,
                      TrainObserver* observer, TrainControl& control) {
    RecordedRunSpec spec;
    spec.config = trial.config;
    spec.dataset = std::move(dataset);
    spec.study = study;
    spec.resumeFrom = state.resumeFrom;
    if (!state.resumeFrom.empty()) spec.continueRun = state.resumeRun;
    RecordedRun run(&store, std::move(spec));
    std::vector<TrainObserver*> observers;
    if (observer != nullptr) observers.push_back(observer);
    TrialOutcome outcome;
    outcome.run = run.id();
    outcome.result = run.train(observers, control);
    return outcome;
}

}  // namespace dimerec
