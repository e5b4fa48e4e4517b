#include "analysis/DiffusionInspection.h"

#include "config/ConfigFields.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "model/DimeRec.h"
#include "model/Diffusion.h"
#include "train/Checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace dimerec {
namespace {

std::vector<double> cosines(const torch::Tensor& states, const torch::Tensor& towards) {
    const torch::Tensor c = torch::cosine_similarity(states, towards.expand_as(states), 1)
                                .to(torch::kCPU, torch::kFloat64)
                                .contiguous();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

}  // namespace

ForwardProfile forwardProcessProfile(const ModelConfig& model, int64_t draws, uint64_t seed) {
    if (!inScope(FieldScope::DimeRecDiffusion, model))
        throw std::invalid_argument("forward process: the config's model (" + nameOf(model.model) +
                                    (model.useDiffusion ? "" : " without diffusion") +
                                    ") has no diffusion process");
    if (draws < 2)
        throw std::invalid_argument("forward process: draws must be >= 2, got " +
                                    std::to_string(draws));
    const DiffusionProcess process(DiffusionProcess::optionsOf(model));
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const DiffusionProcess::Profile profile = process.profile(model.dim, draws, generator);
    ForwardProfile out;
    out.process =
        (model.geometry == NoiseGeometry::Euclidean ? std::string("euclidean")
                                                    : "noise " + nameOf(model.noiseScale)) +
        " · schedule " + nameOf(model.schedule) + " · T = " + std::to_string(model.diffusionSteps) +
        " · d = " + std::to_string(model.dim);
    out.mean = profile.mean;
    out.sd = profile.sd;
    out.startMean = profile.startMean;
    out.startSd = profile.startSd;
    out.draws = draws;
    return out;
}

ReverseChain reverseChainOf(DimeRecRecommender& model, const EvalCase& user, int maxLength) {
    if (user.targets.empty())
        throw std::invalid_argument("reverse chain: user " + std::to_string(user.user) +
                                    " has no next item");
    torch::NoGradGuard noGrad;
    const bool training = model.is_training();
    model.eval();
    const HistoryBatch batch =
        padHistories({user}, 0, 1, maxLength, model.numItems(), model.device());
    const torch::Tensor states = model.reverseChain(batch.history).squeeze(1);  // [T + 1, d]
    model.train(training);
    const torch::Tensor items = model.itemEmbeddings();
    const int32_t target = user.targets.front();
    ReverseChain out;
    out.user = "user " + std::to_string(user.user) + ", next item " + std::to_string(target);
    const auto steps = static_cast<int>(states.size(0)) - 1;
    for (int t = steps; t >= 0; --t) out.steps.push_back(t);
    const torch::Tensor final = states[steps].unsqueeze(0);
    out.toFinal = cosines(states, final);
    out.toTarget = cosines(states, items[target].unsqueeze(0));
    const torch::Tensor scores = final.matmul(items.t()).squeeze(0);
    out.targetRank = 1 + (scores > scores[target]).sum().item<int64_t>();
    const torch::Tensor interests = torch::nn::functional::normalize(
        model.guidanceOf(batch.history).squeeze(0),
        torch::nn::functional::NormalizeFuncOptions().dim(1));  // [K, d]
    const torch::Tensor samples =
        model.sampleUserVectors(batch.history, batch.lengths, kSpreadSamples).squeeze(0);
    const torch::Tensor nearest = samples.matmul(interests.t()).argmax(1);
    const torch::Tensor counts = torch::bincount(nearest, {}, interests.size(0));
    for (int64_t k = 0; k < counts.size(0); ++k)
        out.samplesByInterest.push_back(static_cast<int>(counts[k].item<int64_t>()));
    return out;
}

ReverseChain reverseChainOfCheckpoint(const std::string& checkpoint, int user) {
    const RunConfig config = readCheckpointConfig(checkpoint);
    if (!inScope(FieldScope::DimeRecDiffusion, config.model))
        throw std::invalid_argument("reverse chain: '" + checkpoint + "' holds a " +
                                    nameOf(config.model.model) +
                                    " model, not DimeRec with its diffusion module");
    const Dataset data = loadDataset(config.data);
    const Splits splits = makeSplits(data, config.data);
    if (splits.test.empty())
        throw std::invalid_argument("reverse chain: the test split of '" + checkpoint +
                                    "' is empty");
    auto model =
        makeRecommender(config.model, splits.numItems, config.data.maxLength, splits.itemCounts);
    loadCheckpoint(checkpoint, *model, nullptr);
    model->to(torch::kCPU);
    model->setInferenceSeed(config.train.seed);
    const int chosen = std::clamp(user, 0, static_cast<int>(splits.test.size()) - 1);
    ReverseChain chain =
        reverseChainOf(dynamic_cast<DimeRecRecommender&>(*model),
                       splits.test[static_cast<size_t>(chosen)], config.data.maxLength);
    const EvalCase& picked = splits.test[static_cast<size_t>(chosen)];
    const int32_t target = picked.targets.front();
    const bool titled = static_cast<size_t>(target) < data.itemTitles.size() &&
                        !data.itemTitles[static_cast<size_t>(target)].empty();
    const std::string title =
        titled ? data.itemTitles[static_cast<size_t>(target)] : std::to_string(target);
    chain.user = "test user " + std::to_string(chosen + 1) + " of " +
                 std::to_string(splits.test.size()) + ", next item " + title;
    return chain;
}

}  // namespace dimerec
