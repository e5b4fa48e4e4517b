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

}  // namespace

std::vector<std::vector<int32_t>> evaluationCategories(const Dataset& dataset) {
    if (dataset.numCategories() == 0 ||
        static_cast<int32_t>(dataset.itemCategories.size()) != dataset.numItems()) {
        return {};
    }
    return dataset.itemCategories;
}

Trainer::Trainer(RunConfig config, std::shared_ptr<const Dataset> dataset, TrainerOptions options)
    : config_(std::move(config)), dataset_(std::move(dataset)), options_(std::move(options)) {}

Trainer::~Trainer() = default;

TrainResult Trainer::run(TrainObserver& observer, TrainControl& control) {
    const Clock::time_point start = Clock::now();
    TrainResult result;
    try {
        result = execute(observer, control);
    } catch (const std::exception& error) {
        result.status = "failed";
        result.message = error.what();
    }
    result.elapsedSeconds = secondsSince(start);
    observer.onFinished(result);
    return result;
}

TrainResult Trainer::execute(TrainObserver& observer, TrainControl& control) {
    const Clock::time_point start = Clock::now();
    validate(config_);
    if (!dataset_) throw std::invalid_argument("trainer: no dataset");
    const TrainConfig& tc = config_.train;
    const int maxLength = config_.data.maxLength;
    configureThreads(tc.threads);
    retainLargeAllocations();
    const DistributedContext* distributed =
        options_.distributed && options_.distributed->worldSize > 1 ? &*options_.distributed
                                                                    : nullptr;
    torch::Device device = resolveDevice(tc.device);
    std::unique_ptr<DataParallelGroup> group;
    if (distributed != nullptr) {
        if (tc.batchSize % distributed->worldSize != 0) {
            throw std::invalid_argument(
                "train.batchSize: " + std::to_string(tc.batchSize) +
                " is not divisible by the world size " + std::to_string(distributed->worldSize) +
                " (it is the global batch; each rank trains on batchSize / worldSize rows)");
        }
        if (device.is_cuda() && !device.has_index()) {
            device = torch::Device(
                torch::kCUDA, static_cast<c10::DeviceIndex>(cudaIndexFor(
                                  *distributed, static_cast<int>(torch::cuda::device_count()))));
        }
        group = std::make_unique<DataParallelGroup>(*distributed, device.is_cuda());
    }
    const bool leader = group == nullptr || group->rank() == 0;
    torch::manual_seed(tc.seed);

    splits_ = std::make_unique<Splits>(makeSplits(*dataset_, config_.data));
    model_ = makeRecommender(config_.model, splits_->numItems, maxLength, splits_->itemCounts);
    model_->to(device);
    TrainSampler sampler(
        *splits_, SamplerOptions{tc.batchSize, maxLength, config_.model.negatives,
                                 config_.model.negativeSampler, tc.seed, group ? group->rank() : 0,
                                 group ? group->worldSize() : 1});
    std::vector<torch::Tensor> parameters = model_->parameters();
    std::unique_ptr<torch::optim::Optimizer> optimizer =
        parameters.empty() ? nullptr : makeOptimizer(tc, parameters);
    const Evaluator evaluator(config_.eval, maxLength, evaluationCategories(*dataset_), tc.seed);

    TrainingState state;
    std::vector<torch::Tensor> best;
    if (!options_.resumeFrom.empty()) {
        const CheckpointContents loaded =
            loadCheckpoint(options_.resumeFrom, *model_, optimizer.get());
        if (configHash(loaded.config) != configHash(config_) ||
            loaded.config.train.seed != tc.seed) {
            throw std::invalid_argument("checkpoint '" + options_.resumeFrom +
                                        "' belongs to a run with a different config or seed");
        }
        state = loaded.state;
        best = loaded.best;
        sampler.restore({state.samplerEpoch, state.samplerBatch});
    } else {
        sampler.startEpoch(0);
    }
    if (group) {
        std::vector<torch::Tensor> tensors = model_->parameters();
        for (const torch::Tensor& buffer : model_->buffers()) tensors.push_back(buffer);
        group->broadcastFromRankZero(tensors);
        if (!leader) {
            torch::manual_seed(mixSeed(tc.seed, kRankNoiseStream,
                                       static_cast<uint64_t>(group->rank()),
                                       static_cast<uint64_t>(state.step)));
        }
    }

    const int64_t perEpoch = sampler.batchesPerEpoch();
    int64_t totalSteps = perEpoch * tc.epochs;
    if (tc.maxSteps > 0) totalSteps = std::min(totalSteps, tc.maxSteps);
    const int64_t evalEvery = tc.evalEvery > 0 ? tc.evalEvery : perEpoch;
    const std::filesystem::path dir(options_.checkpointDir);
    TrainResult result;

    auto saveLast = [&] {
        if (options_.checkpointDir.empty() || !leader) return;
        const auto position = sampler.state();
        state.samplerEpoch = position.epoch;
        state.samplerBatch = position.batchIndex;
        result.lastCheckpoint = (dir / "last.pt").string();
        saveCheckpoint(result.lastCheckpoint, config_, *model_, optimizer.get(), state, best);
        observer.onCheckpoint(result.lastCheckpoint, false);
    };
    auto validateNow = [&] {
        EvaluationEvent event;
        event.step = state.step;
        event.epoch = sampler.state().epoch;
        event.split = "valid";
        event.metrics = evaluator.evaluate(*model_, splits_->valid);
        ++state.evaluations;
        const auto found = event.metrics.find(tc.earlyStopMetric);
        const double value = found == event.metrics.end() ? 0.0 : found->second;
        event.improved = state.bestStep < 0 || value > state.bestMetric;
        if (event.improved) {
            state.bestMetric = value;
            state.bestStep = state.step;
            state.bestValid = event.metrics;
            state.badEvaluations = 0;
            best = snapshotModel(*model_);
            if (!options_.checkpointDir.empty()) {
                result.bestCheckpoint = (dir / "best.pt").string();
                saveCheckpoint(result.bestCheckpoint, config_, *model_, nullptr, state, {});
                observer.onCheckpoint(result.bestCheckpoint, true);
            }
        } else {
            ++state.badEvaluations;
        }
        observer.onEvaluation(event);
        const torch::Tensor items =
            model_->hasItemEmbeddings() ? model_->itemEmbeddings() : torch::Tensor();
        if (items.defined()) {
            const torch::Tensor table =
                items.detach().to(torch::kCPU, torch::kFloat32).contiguous();
            ItemEmbeddingsEvent embeddings;
            embeddings.step = event.step;
            embeddings.epoch = event.epoch;
            embeddings.rows = table.size(0);
            embeddings.dim = table.size(1);
            embeddings.data.assign(table.data_ptr<float>(),
                                   table.data_ptr<float>() + table.numel());
            observer.onItemEmbeddings(embeddings);
        }
    };

    if (!options_.checkpointDir.empty() && std::filesystem::exists(dir / "best.pt") &&
        !options_.resumeFrom.empty()) {
        result.bestCheckpoint = (dir / "best.pt").string();
    }
    result.status = "finished";
    const int64_t startStep = state.step;
    double stepSeconds = 0.0;
    Batch batch;
    bool evaluatedLast = false;
    bool cancelEverywhere = false;       // some rank asked to cancel (summed with the gradients)
    std::vector<std::string> lossNames;  // "total" then the terms, once a step computed them
    while (optimizer && state.step < totalSteps) {
        while (control.pause.load() && !control.cancel.load())
            std::this_thread::sleep_for(kPausePoll);
        if (group ? cancelEverywhere : control.cancel.load()) {
            saveLast();
            result.status = "cancelled";
            result.message = "cancelled at step " + std::to_string(state.step);
            break;
        }
        if (!sampler.next(batch)) {
            sampler.startEpoch(sampler.state().epoch + 1);
            continue;
        }
        const Clock::time_point stepStart = Clock::now();
        model_->train();
        std::vector<double> lossValues;
        if (batch.size > 0) {
            const LossTerms losses = computeGradients(*model_, toTensors(batch, device),
                                                      gradientShards(*model_, device, batch.size));
            lossNames = {"total"};
            lossValues = {losses.total.item<double>()};
            for (const auto& [name, value] : losses.terms) {
                lossNames.push_back(name);
                lossValues.push_back(value.item<double>());
            }
        } else if (lossNames.empty()) {
            throw std::invalid_argument("rank " + std::to_string(group->rank()) +
                                        " got no rows of the first batch: fewer training "
                                        "samples than processes");
        } else {
            optimizer->zero_grad();  // this rank adds nothing to the all-reduced gradient
            lossValues.assign(lossNames.size(), 0.0);
        }
        if (group) {
            // Every rank's rows weigh equally: Σ_r (n_r / n) ∇mean_r = ∇ of the global mean.
            const double weight =
                static_cast<double>(batch.size) / static_cast<double>(sampler.globalBatchRows());
            for (double& value : lossValues) value *= weight;
            lossValues.push_back(control.cancel.load() ? 1.0 : 0.0);
            group->sumGradients(parameters, weight, lossValues);
            cancelEverywhere = lossValues.back() > 0.0;
            lossValues.pop_back();
        }
        if (tc.clipGradNorm > 0.0) torch::nn::utils::clip_grad_norm_(parameters, tc.clipGradNorm);
        optimizer->step();
        ++state.step;
        evaluatedLast = false;

        if (leader) {
            const double seconds = secondsSince(stepStart);
            stepSeconds = state.step == startStep + 1
                              ? seconds
                              : (1.0 - kRateSmoothing) * stepSeconds + kRateSmoothing * seconds;
            ProgressEvent progress;
            progress.step = state.step;
            progress.epoch = sampler.state().epoch;
            progress.totalSteps = totalSteps;
            progress.samplesPerSecond =
                stepSeconds > 0.0 ? static_cast<double>(sampler.globalBatchRows()) / stepSeconds
                                  : 0.0;
            progress.elapsedSeconds = secondsSince(start);
            progress.etaSeconds = stepSeconds * static_cast<double>(totalSteps - state.step);
            for (size_t i = 0; i < lossNames.size(); ++i)
                progress.losses[lossNames[i]] = lossValues[i];
            observer.onProgress(progress);
        }

        if (state.step % evalEvery == 0 || state.step == totalSteps) {
            bool stop = false;
            if (leader) {
                validateNow();
                evaluatedLast = true;
                saveLast();
                stop = tc.patience > 0 && state.badEvaluations >= tc.patience;
            }
            if (group) stop = group->broadcastValue(stop ? 1 : 0) != 0;
            if (stop) {
                result.status = "early-stopped";
                result.message = leader ? "no improvement of " + tc.earlyStopMetric + " in " +
                                              std::to_string(state.badEvaluations) + " validations"
                                        : "rank 0 stopped early";
                break;
            }
        }
    }
    result.steps = state.step;
    if (result.status == "cancelled") {
        result.bestValid = state.bestValid;
        return result;
    }
    if (!leader) {
        // Wait for rank 0's test evaluation, so that every process of the run ends together.
        group->barrier();
        if (result.message.empty()) {
            result.message = "rank " + std::to_string(group->rank()) + " of " +
                             std::to_string(group->worldSize()) + ": trained " +
                             std::to_string(state.step) + " steps (rank 0 evaluates)";
        }
        return result;
    }
    if (!evaluatedLast && state.bestStep < 0) validateNow();
    if (!best.empty()) restoreModel(*model_, best);
    result.bestValid = state.bestValid;
    EvaluationEvent test;
    test.step = state.bestStep;
    test.epoch = sampler.state().epoch;
    test.split = "test";
    test.metrics = evaluator.evaluate(*model_, splits_->test);
    result.test = test.metrics;
    observer.onEvaluation(test);
    if (result.message.empty()) {
        result.message = "trained " + std::to_string(state.step) + " steps; best " +
                         tc.earlyStopMetric + " " + std::to_string(state.bestMetric) + " at step " +
                         std::to_string(state.bestStep);
    }
    if (group) group->barrier();
    return result;
}

}  // namespace dimerec
