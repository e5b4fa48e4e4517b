#include "train/Trainer.h"

#include "data/Batch.h"
#include "data/Dataset.h"
#include "data/Protocols.h"
#include "data/RandomDraws.h"
#include "data/Splits.h"
#include "data/TrainSampler.h"
#include "eval/Evaluator.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"
#include "train/Distributed.h"
#include "train/FusedAdam.h"
#include "train/Gradients.h"
#include "train/MemoryTuning.h"
#include "util/Device.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

namespace dimerec {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPausePoll = std::chrono::milliseconds(50);  // how often a paused run looks up
constexpr double kRateSmoothing = 0.1;    // weight of the newest step in the throughput average
constexpr uint64_t kRankNoiseStream = 3;  // random stream of a data-parallel rank other than 0

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& c,
                                                       std::vector<torch::Tensor> parameters) {
    if (c.optimizer == OptimizerKind::AdamW) {
        return std::make_unique<FusedAdamW>(
            std::move(parameters),
            torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay));
    }
    return std::make_unique<FusedAdam>(
        std::move(parameters),
        torch::optim::AdamOptions(c.learningRate).weight_decay(c.weightDecay));
}

// The processes this run trains with: a data-parallel group when `distributed` has more than
// one rank (then a plain CUDA device becomes this rank's GPU), else this process alone.
std::unique_ptr<TrainingGroup> joinGroup(const std::optional<DistributedContext>& distributed,
                                         int batchSize, torch::Device& device) {
    if (!distributed || distributed->worldSize <= 1) return std::make_unique<SingleProcessGroup>();
    if (batchSize % distributed->worldSize != 0) {
        throw std::invalid_argument(
            "train.batchSize: " + std::to_string(batchSize) +
            " is not divisible by the world size " + std::to_string(distributed->worldSize) +
            " (it is the global batch; each rank trains on batchSize / worldSize rows)");
    }
    if (device.is_cuda() && !device.has_index()) {
        device = torch::Device(torch::kCUDA,
                               static_cast<c10::DeviceIndex>(cudaIndexFor(
                                   *distributed, static_cast<int>(torch::cuda::device_count()))));
    }
    return std::make_unique<DataParallelGroup>(*distributed, device.is_cuda());
}

// "loss 'recon' is nan" for the first loss that is NaN or infinite, else "". The terms come
// before "total" (names[0]), which is only named when the terms are finite and their sum is not.
std::string nonFiniteLoss(const std::vector<std::string>& names,
                          const std::vector<double>& values) {
    for (size_t i = 1; i <= names.size(); ++i) {
        const size_t k = i % names.size();
        if (!std::isfinite(values[k])) {
            return "loss '" + names[k] + "' is " +
                   (std::isnan(values[k]) ? "nan"
                    : values[k] > 0.0     ? "inf"
                                          : "-inf");
        }
    }
    return "";
}

std::unique_ptr<Recommender> modelOn(const RunConfig& config, const Splits& splits,
                                     const torch::Device& device) {
    auto model =
        makeRecommender(config.model, splits.numItems, config.data.maxLength, splits.itemCounts);
    model->to(device);
    return model;
}

}  // namespace

// One run's working set, and the steps Trainer::execute takes in order: set-up (the
// constructor), resume, train (step after step, validating every evalEvery steps) and finish.
// Collectives go through the group, a group of one when training alone; only rank 0 (the
// leader) validates, stores and reports.
class Trainer::Run {
public:
    // Set-up: device, group, splits, model, sampler, optimiser and evaluator.
    Run(const RunConfig& config, const Dataset& dataset, const TrainerOptions& options,
        TrainObserver& observer);

    // Continues from a checkpoint ("" = a fresh start); then every rank takes rank 0's
    // parameters and the others switch to a noise stream of their own.
    void resume(const std::string& checkpoint);

    // Trains until the planned end, a cancel, early stopping or a loss that is not finite.
    void train(TrainControl& control);

    // The run's result; unless it was cancelled or failed, with the best model's test metrics.
    TrainResult finish();

    Recommender& model() { return *model_; }
    const Splits& splits() const { return splits_; }
    // Wall seconds the run had trained before this session: those of the checkpoint resumed.
    double resumedSeconds() const { return resumedSeconds_; }

private:
    // One optimiser step in two: the batch's losses ("total", then the terms) and gradients,
    // summed over the group with each rank's weighted by its share of the targets; then the update.
    std::vector<double> lossesAndGradients(const Batch& batch, const TrainControl& control);
    void update();
    void reportProgress(const std::vector<double>& losses, double stepSeconds);
    // At an evaluation point: rank 0 validates and saves last.pt; true when every rank is to
    // stop early.
    bool validateAndCheckStop();
    // Validation metrics (kept as the best, with best.pt, when they improved) and the item
    // embeddings, to the observer.
    void validate();
    void saveLast();

    const RunConfig& config_;
    const TrainConfig& tc_;
    const TrainerOptions& options_;
    TrainObserver& observer_;
    const Clock::time_point start_ = Clock::now();
    const std::filesystem::path dir_;
    torch::Device device_;
    const std::unique_ptr<TrainingGroup> group_;
    const bool leader_;
    const Splits splits_;
    const std::unique_ptr<Recommender> model_;
    TrainSampler sampler_;
    const std::vector<torch::Tensor> parameters_;
    const std::unique_ptr<torch::optim::Optimizer> optimizer_;  // nullptr: nothing to train
    const Evaluator evaluator_;
    const int64_t totalSteps_;
    const int64_t evalEvery_;

    TrainingState state_;
    std::vector<torch::Tensor> best_;  // the best model's parameters and buffers so far
    TrainResult result_;
    std::vector<std::string> lossNames_;  // "total" then the terms, once a step computed them
    bool lossNamesGemOnly_ = false;       // lossNames_ are those of the GEM warm start
    int64_t startStep_ = 0;
    double resumedSeconds_ = 0.0;
    double stepSeconds_ = 0.0;    // smoothed seconds per step
    bool evaluatedLast_ = false;  // the latest step was validated
    bool cancelSummed_ = false;   // some rank asked to cancel (summed with the gradients)
};

std::vector<std::vector<int32_t>> evaluationCategories(const Dataset& dataset) {
    if (dataset.numCategories() == 0 ||
        static_cast<int32_t>(dataset.itemCategories.size()) != dataset.numItems()) {
        return {};
    }
    return dataset.itemCategories;
}

Trainer::Run::Run(const RunConfig& config, const Dataset& dataset, const TrainerOptions& options,
                  TrainObserver& observer)
    : config_(config),
      tc_(config.train),
      options_(options),
      observer_(observer),
      dir_(options.checkpointDir),
      device_(resolveDevice(tc_.device)),
      group_(joinGroup(options.distributed, tc_.batchSize, device_)),
      leader_(group_->rank() == 0),
      splits_(makeSplits(dataset, config.data)),
      model_(modelOn(config, splits_, device_)),
      sampler_(splits_, SamplerOptions{tc_.batchSize, config.data.maxLength, config.model.negatives,
                                       config.model.negativeSampler, tc_.seed, group_->rank(),
                                       group_->worldSize(), model_->trainsEveryPosition()}),
      parameters_(model_->parameters()),
      optimizer_(parameters_.empty() ? nullptr : makeOptimizer(tc_, parameters_)),
      evaluator_(config.eval, config.data.maxLength, evaluationCategories(dataset), tc_.seed),
      totalSteps_(tc_.maxSteps > 0 ? std::min(sampler_.batchesPerEpoch() * tc_.epochs, tc_.maxSteps)
                                   : sampler_.batchesPerEpoch() * tc_.epochs),
      evalEvery_(tc_.evalEvery > 0 ? tc_.evalEvery : sampler_.batchesPerEpoch()) {}

void Trainer::Run::resume(const std::string& checkpoint) {
    if (checkpoint.empty()) {
        sampler_.startEpoch(0);
    } else {
        const CheckpointContents loaded = loadCheckpoint(checkpoint, *model_, optimizer_.get());
        if (configHash(loaded.config) != configHash(config_) ||
            loaded.config.train.seed != tc_.seed) {
            throw std::invalid_argument("checkpoint '" + checkpoint +
                                        "' belongs to a run with a different config or seed");
        }
        state_ = loaded.state;
        resumedSeconds_ = state_.seconds;
        best_ = loaded.best;
        sampler_.restore({state_.samplerEpoch, state_.samplerBatch});
        if (!options_.checkpointDir.empty() && std::filesystem::exists(dir_ / "best.pt"))
            result_.bestCheckpoint = (dir_ / "best.pt").string();
    }
    std::vector<torch::Tensor> tensors = model_->parameters();
    for (const torch::Tensor& buffer : model_->buffers()) tensors.push_back(buffer);
    group_->broadcastFromRankZero(tensors);
    if (!leader_) {
        torch::manual_seed(mixSeed(tc_.seed, kRankNoiseStream,
                                   static_cast<uint64_t>(group_->rank()),
                                   static_cast<uint64_t>(state_.step)));
    }
    startStep_ = state_.step;
}

void Trainer::Run::train(TrainControl& control) {
    result_.status = "finished";
    Batch batch;
    while (optimizer_ && state_.step < totalSteps_) {
        while (control.pause.load() && !control.cancel.load())
            std::this_thread::sleep_for(kPausePoll);
        if (group_->cancelAgreed(control.cancel.load(), cancelSummed_)) {
            saveLast();
            result_.status = "cancelled";
            result_.message = "cancelled at step " + std::to_string(state_.step);
            return;
        }
        if (!sampler_.next(batch)) {
            sampler_.startEpoch(sampler_.state().epoch + 1);
            continue;
        }
        const Clock::time_point stepStart = Clock::now();
        const std::vector<double> losses = lossesAndGradients(batch, control);
        // Before the update, so the model, last.pt and best.pt keep the last good step; after
        // the sum, so every rank sees the same values and stops at the same step.
        const std::string fault = nonFiniteLoss(lossNames_, losses);
        if (!fault.empty()) {
            result_.status = "failed";
            result_.message = "step " + std::to_string(state_.step + 1) + ": " + fault;
            return;
        }
        update();
        if (leader_) reportProgress(losses, secondsSince(stepStart));
        if ((state_.step % evalEvery_ == 0 || state_.step == totalSteps_) &&
            validateAndCheckStop()) {
            result_.status = "early-stopped";
            result_.message = leader_ ? "no improvement of " + tc_.earlyStopMetric + " in " +
                                            std::to_string(state_.badEvaluations) + " validations"
                                      : "rank 0 stopped early";
            return;
        }
    }
}

std::vector<double> Trainer::Run::lossesAndGradients(const Batch& batch,
                                                     const TrainControl& control) {
    model_->train();
    // The warm start: the first pretrainGemSteps steps of the run train the GEM alone. Decided
    // by the step count, which checkpoints keep, so a resumed run does not redo it.
    const bool gemOnly = state_.step < tc_.pretrainGemSteps;
    model_->setGemOnly(gemOnly);
    std::vector<double> losses;
    if (batch.size > 0) {
        const LossTerms terms = computeGradients(*model_, toTensors(batch, device_),
                                                 gradientShards(*model_, device_, batch.size));
        lossNames_ = {"total"};
        lossNamesGemOnly_ = gemOnly;
        losses = {terms.total.item<double>()};
        for (const auto& [name, value] : terms.terms) {
            lossNames_.push_back(name);
            losses.push_back(value.item<double>());
        }
    } else if (lossNames_.empty() || lossNamesGemOnly_ != gemOnly) {
        // The summed losses must have the same terms on every rank, and this rank has not yet
        // seen this phase's terms (the warm start reports fewer).
        throw std::invalid_argument("rank " + std::to_string(group_->rank()) +
                                    " got no rows at step " + std::to_string(state_.step + 1) +
                                    " before any rows of the " +
                                    (gemOnly ? "GEM warm start" : "joint training") +
                                    ": fewer training samples in that batch than processes");
    } else {
        optimizer_->zero_grad();  // this rank adds nothing to the summed gradient
        losses.assign(lossNames_.size(), 0.0);
    }
    // Every rank's targets weigh equally: Σ_r (n_r / n) ∇mean_r = ∇ of the global mean (alone,
    // the weight is 1). A cancel on any rank travels with the gradients.
    const double weight = static_cast<double>(batch.targetCount()) /
                          static_cast<double>(sampler_.globalBatchTargets());
    for (double& value : losses) value *= weight;
    losses.push_back(control.cancel.load() ? 1.0 : 0.0);
    group_->sumGradients(parameters_, weight, losses);
    cancelSummed_ = losses.back() > 0.0;
    losses.pop_back();
    return losses;
}

void Trainer::Run::update() {
    if (tc_.clipGradNorm > 0.0) torch::nn::utils::clip_grad_norm_(parameters_, tc_.clipGradNorm);
    optimizer_->step();
    ++state_.step;
    evaluatedLast_ = false;
}

void Trainer::Run::reportProgress(const std::vector<double>& losses, double seconds) {
    stepSeconds_ = state_.step == startStep_ + 1
                       ? seconds
                       : (1.0 - kRateSmoothing) * stepSeconds_ + kRateSmoothing * seconds;
    ProgressEvent progress;
    progress.step = state_.step;
    progress.epoch = sampler_.state().epoch;
    progress.totalSteps = totalSteps_;
    progress.stepsPerEpoch = sampler_.batchesPerEpoch();
    progress.samplesPerSecond =
        stepSeconds_ > 0.0 ? static_cast<double>(sampler_.globalBatchTargets()) / stepSeconds_
                           : 0.0;
    progress.elapsedSeconds = secondsSince(start_);
    progress.etaSeconds = stepSeconds_ * static_cast<double>(totalSteps_ - state_.step);
    for (size_t i = 0; i < lossNames_.size(); ++i) progress.losses[lossNames_[i]] = losses[i];
    observer_.onProgress(progress);
}

bool Trainer::Run::validateAndCheckStop() {
    bool stop = false;
    if (leader_) {
        validate();
        saveLast();
        stop = tc_.patience > 0 && state_.badEvaluations >= tc_.patience;
    }
    return group_->broadcastValue(stop ? 1 : 0) != 0;
}

void Trainer::Run::validate() {
    EvaluationEvent event;
    event.step = state_.step;
    event.epoch = sampler_.state().epoch;
    event.split = "valid";
    event.metrics = evaluator_.evaluate(*model_, splits_.valid);
    ++state_.evaluations;
    evaluatedLast_ = true;
    const auto found = event.metrics.find(tc_.earlyStopMetric);
    const double value = found == event.metrics.end() ? 0.0 : found->second;
    event.improved = state_.bestStep < 0 || value > state_.bestMetric;
    if (event.improved) {
        state_.bestMetric = value;
        state_.bestStep = state_.step;
        state_.bestValid = event.metrics;
        state_.badEvaluations = 0;
        best_ = snapshotModel(*model_);
        if (!options_.checkpointDir.empty()) {
            result_.bestCheckpoint = (dir_ / "best.pt").string();
            state_.seconds = resumedSeconds_ + secondsSince(start_);
            saveCheckpoint(result_.bestCheckpoint, config_, *model_, nullptr, state_, {});
            observer_.onCheckpoint(result_.bestCheckpoint, true);
        }
    } else {
        ++state_.badEvaluations;
    }
    observer_.onEvaluation(event);
    const torch::Tensor items =
        model_->hasItemEmbeddings() ? model_->itemEmbeddings() : torch::Tensor();
    if (items.defined()) {
        const torch::Tensor table = items.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        ItemEmbeddingsEvent embeddings;
        embeddings.step = event.step;
        embeddings.epoch = event.epoch;
        embeddings.rows = table.size(0);
        embeddings.dim = table.size(1);
        embeddings.data.assign(table.data_ptr<float>(), table.data_ptr<float>() + table.numel());
        observer_.onItemEmbeddings(embeddings);
    }
}

void Trainer::Run::saveLast() {
    if (options_.checkpointDir.empty() || !leader_) return;
    const auto position = sampler_.state();
    state_.samplerEpoch = position.epoch;
    state_.samplerBatch = position.batchIndex;
    result_.lastCheckpoint = (dir_ / "last.pt").string();
    state_.seconds = resumedSeconds_ + secondsSince(start_);
    saveCheckpoint(result_.lastCheckpoint, config_, *model_, optimizer_.get(), state_, best_);
    observer_.onCheckpoint(result_.lastCheckpoint, false);
}

TrainResult Trainer::Run::finish() {
    result_.steps = state_.step;
    if (result_.status == "cancelled" || result_.status == "failed") {
        result_.bestValid = state_.bestValid;
        return result_;
    }
    if (!leader_) {
        // Wait for rank 0's test evaluation, so that every process of the run ends together.
        group_->barrier();
        if (result_.message.empty()) {
            result_.message = "rank " + std::to_string(group_->rank()) + " of " +
                              std::to_string(group_->worldSize()) + ": trained " +
                              std::to_string(state_.step) + " steps (rank 0 evaluates)";
        }
        return result_;
    }
    if (!evaluatedLast_ && state_.bestStep < 0) validate();
    if (!best_.empty()) restoreModel(*model_, best_);
    result_.bestValid = state_.bestValid;
    EvaluationEvent test;
    test.step = state_.bestStep;
    test.epoch = sampler_.state().epoch;
    test.split = "test";
    test.metrics = evaluator_.evaluate(*model_, splits_.test, &test.ranks);
    result_.test = test.metrics;
    observer_.onEvaluation(test);
    if (result_.message.empty()) {
        result_.message = "trained " + std::to_string(state_.step) + " steps; best " +
                          tc_.earlyStopMetric + " " + std::to_string(state_.bestMetric) +
                          " at step " + std::to_string(state_.bestStep);
    }
    group_->barrier();
    return result_;
}

Trainer::Trainer(RunConfig config, std::shared_ptr<const Dataset> dataset, TrainerOptions options)
    : config_(std::move(config)), dataset_(std::move(dataset)), options_(std::move(options)) {}

Trainer::~Trainer() = default;

Recommender* Trainer::model() const {
    return run_ ? &run_->model() : nullptr;
}

const Splits* Trainer::splits() const {
    return run_ ? &run_->splits() : nullptr;
}

TrainResult Trainer::run(TrainObserver& observer, TrainControl& control) {
    const Clock::time_point start = Clock::now();
    TrainResult result;
    try {
        result = execute(observer, control);
    } catch (const std::exception& error) {
        result.status = "failed";
        result.message = error.what();
    }
    result.elapsedSeconds = (run_ ? run_->resumedSeconds() : 0.0) + secondsSince(start);
    try {
        observer.onFinished(result);
    } catch (const std::exception& error) {
        // E.g. the store could not record the outcome: the caller learns it from the result.
        result.status = "failed";
        result.message = std::string("recording the end of the run failed: ") + error.what();
    }
    return result;
}

TrainResult Trainer::execute(TrainObserver& observer, TrainControl& control) {
    validate(config_);
    if (!dataset_) throw std::invalid_argument("trainer: no dataset");
    configureThreads(config_.train.threads);
    retainLargeAllocations();
    // Initialisation, sampling and rank 0's diffusion noise all follow from the seed.
    torch::manual_seed(config_.train.seed);
    run_.reset();
    run_ = std::make_unique<Run>(config_, *dataset_, options_, observer);
    run_->resume(options_.resumeFrom);
    run_->train(control);
    return run_->finish();
}

}  // namespace dimerec
