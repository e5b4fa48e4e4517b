#include "model/DimeRec.h"

#include "config/RunConfig.h"

#include <stdexcept>

namespace dimerec {
DenoiserImpl::DenoiserImpl(int dim, int interests, int hidden, int steps)
    : steps_(register_module("steps", torch::nn::Embedding(steps, dim))),
      fromX_(register_module("fromX", torch::nn::Linear(dim, hidden))),
      fromStep_(register_module(
          "fromStep", torch::nn::Linear(torch::nn::LinearOptions(dim, hidden).bias(false)))),
      fromGuidance_(register_module(
          "fromGuidance",
          torch::nn::Linear(torch::nn::LinearOptions(interests * dim, hidden).bias(false)))),
      out_(register_module("out", torch::nn::Linear(hidden, dim))) {}

torch::Tensor DenoiserImpl::guidance(const torch::Tensor& interests) {
    return fromGuidance_(interests.flatten(1));
}

torch::Tensor DenoiserImpl::finish(const torch::Tensor& preActivation) {
    return out_(torch::gelu(preActivation));
}

torch::Tensor DenoiserImpl::forward(const torch::Tensor& xt, const torch::Tensor& t,
                                    const torch::Tensor& guidancePart) {
    return finish(fromX_(xt) + fromStep_(steps_(t - 1)) + guidancePart);
}

torch::Tensor DenoiserImpl::atStep(const torch::Tensor& xt, int t,
                                   const torch::Tensor& guidancePart) {
    // fromX_'s bias and the step's part added to the guidance's in one pass, and the product
    // accumulated onto that in place (torch::addmm would copy it first).
    torch::Tensor hidden = guidancePart + (fromStep_(steps_->weight[t - 1]) + fromX_->bias);
    hidden.addmm_(xt, fromX_->weight.t());
    // GELU in place where no gradient needs its input (sampling): no [users × hidden] temporary.
    return hidden.requires_grad() ? finish(hidden) : out_(at::gelu_(hidden));
}

AttentionDenoiserImpl::AttentionDenoiserImpl(int dim, int hidden, int steps)
    : dim_(dim),
      steps_(register_module("steps", torch::nn::Embedding(steps, dim))),
      fromX_(register_module("fromX", torch::nn::Linear(dim, dim))),
      query_(register_module("query",
                             torch::nn::Linear(torch::nn::LinearOptions(dim, dim).bias(false)))),
      keys_(register_module("keys",
                            torch::nn::Linear(torch::nn::LinearOptions(dim, dim).bias(false)))),
      values_(register_module("values",
                              torch::nn::Linear(torch::nn::LinearOptions(dim, dim).bias(false)))),
      mix_(register_module("mix", torch::nn::Linear(dim, dim))),
      hidden_(register_module("hidden", torch::nn::Linear(dim, hidden))),
      back_(register_module("back", torch::nn::Linear(hidden, dim))),
      out_(register_module("out", torch::nn::Linear(dim, dim))) {}

torch::Tensor AttentionDenoiserImpl::guidance(const torch::Tensor& interests) {
    return torch::cat({keys_(interests), values_(interests)}, -1);
}

torch::Tensor AttentionDenoiserImpl::forward(const torch::Tensor& xt, const torch::Tensor& t,
                                             const torch::Tensor& guidancePart) {
    const torch::Tensor h = fromX_(xt) + steps_(t - 1);                           // [B, d]
    const torch::Tensor keys = guidancePart.slice(-1, 0, dim_);                   // [B, K, d]
    const torch::Tensor values = guidancePart.slice(-1, dim_);                    // [B, K, d]
    const torch::Tensor logits = keys.matmul(query_(h).unsqueeze(2)).squeeze(2);  // [B, K]
    const torch::Tensor weights = torch::softmax(logits / std::sqrt(static_cast<double>(dim_)), 1);
    const torch::Tensor z = h + mix_(weights.unsqueeze(1).matmul(values).squeeze(1));
    return out_(z + back_(torch::gelu(hidden_(z))));
}

torch::Tensor AttentionDenoiserImpl::atStep(const torch::Tensor& xt, int t,
                                            const torch::Tensor& guidancePart) {
    return forward(xt, torch::full({xt.size(0)}, t, xt.options().dtype(torch::kInt64)),
                   guidancePart);
}

namespace {

std::shared_ptr<DenoiserBase> makeDenoiser(const ModelConfig& config) {
    const int hidden = config.denoiserHidden > 0 ? config.denoiserHidden : 2 * config.dim;
    if (config.denoiser == DenoiserKind::Attention)
        return std::make_shared<AttentionDenoiserImpl>(config.dim, hidden, config.diffusionSteps);
    return std::make_shared<DenoiserImpl>(config.dim, config.interests, hidden,
                                          config.diffusionSteps);
}

}  // namespace

MultiInterestRecommender::MultiInterestRecommender(const std::string& name, std::string lossName,
                                                   GemKind gem, int32_t numItems,
                                                   const ModelConfig& config, int maxLength)
    : Recommender(name, numItems),
      lossName_(std::move(lossName)),
      items_(register_module("items", makeItemTable(numItems, config.dim))),
      gem_(register_module("gem", makeGuidance(gem, config, maxLength))) {}

LossTerms MultiInterestRecommender::loss(const BatchTensors& batch) {
    const torch::Tensor interests =
        gem_->forward(items_(batch.history), batch.history != numItems(), batch.random);
    const torch::Tensor target = items_(batch.targets);
    const torch::Tensor value =
        sampledSoftmaxLosses(selectInterest(interests, target), target, items_(batch.negatives),
                             batch.targets, batch.negatives)
            .mean();
    return {value, {{lossName_, value}}};
}

torch::Tensor MultiInterestRecommender::userVectors(const torch::Tensor& history,
                                                    const torch::Tensor&) {
    return gem_->forward(items_(history), history != numItems(), {});
}

torch::Tensor MultiInterestRecommender::itemEmbeddings() {
    return items_->weight.slice(0, 0, numItems());
}

DimeRecRecommender::DimeRecRecommender(const ModelConfig& config, int32_t numItems, int maxLength)
    : Recommender(nameOf(ModelKind::DimeRec), numItems),
      items_(register_module("items", makeItemTable(numItems, config.dim))),
      gem_(register_module("gem", makeGuidance(config.gem, config, maxLength))),
      denoiser_(register_module("denoiser", makeDenoiser(config))),
      diffusion_(DiffusionProcess::optionsOf(config)),
      config_(config) {}

torch::Tensor DimeRecRecommender::guidanceOf(const torch::Tensor& history,
                                             const at::Generator& random) {
    return gem_->forward(items_(history), history != numItems(), random);
}

LossTerms DimeRecRecommender::loss(const BatchTensors& batch) {
    const torch::Tensor interests = guidanceOf(batch.history, batch.random);
    const torch::Tensor target = items_(batch.targets);
    if (gemOnly_) {
        const torch::Tensor gem =
            sampledSoftmaxLosses(selectInterest(interests, target), target, items_(batch.negatives),
                                 batch.targets, batch.negatives)
                .mean();
        return {gem, {{"gem", gem}}};
    }
    const int64_t rows = target.size(0);
    // Drawn on the CPU, from the batch's generator when it has one (row shards), so that the
    // draws do not depend on the device.
    const c10::optional<at::Generator> generator =
        batch.random.defined() ? c10::optional<at::Generator>(batch.random) : c10::nullopt;
    const auto cpu = torch::TensorOptions().device(torch::kCPU);
    const torch::Tensor t =
        torch::randint(1, diffusion_.steps() + 1, {rows}, generator, cpu.dtype(torch::kInt64))
            .to(target.device());
    const torch::Tensor noise =
        diffusion_.drawNoise(rows, target.size(1), generator, target.scalar_type())
            .to(target.device());
    // A protected GEM: L_recon and L_ssm see the guidance and the target as constants. Without
    // L_gem they are all the GEM learns from, so there is nothing to protect it for.
    const bool protect = config_.protectGem && config_.useGemLoss;
    const torch::Tensor guide = protect ? interests.detach() : interests;
    const torch::Tensor clean = protect ? target.detach() : target;
    const DiffusionProcess::Noised noised = diffusion_.diffuse(clean, t, noise);
    const torch::Tensor x0Hat = denoiser_->forward(noised.xt, t, denoiser_->guidance(guide));
    const torch::Tensor recon = (noised.x0 - x0Hat).pow(2).sum(1).mean();
    // L_gem (the argmax interest) and L_ssm (x̂_0) share the target and the negatives: one
    // sampled softmax over both sets of rows takes one product of each shape instead of two.
    const torch::Tensor losses = sampledSoftmaxLosses(
        torch::cat({selectInterest(interests, target), x0Hat}), torch::cat({target, clean}),
        items_(batch.negatives), torch::cat({batch.targets, batch.targets}), batch.negatives);
    const torch::Tensor gem = losses.slice(0, 0, rows).mean();
    const torch::Tensor ssm = losses.slice(0, rows).mean();

    torch::Tensor total = config_.lambda * recon + config_.mu * ssm;
    if (config_.useGemLoss) total = total + gem;
    return {total, {{"gem", gem}, {"recon", recon}, {"ssm", ssm}}};
}

torch::Tensor DimeRecRecommender::sampleUserVectors(const torch::Tensor& history,
                                                    const torch::Tensor&, int samples) {
    if (samples < 1)
        throw std::invalid_argument("samples: must be >= 1, got " + std::to_string(samples));
    const int64_t users = history.size(0);
    return reverseProcess(history, samples, {}).view({users, samples, -1});
}

torch::Tensor DimeRecRecommender::reverseChain(const torch::Tensor& history) {
    std::vector<torch::Tensor> states;
    reverseProcess(history, 1, [&](int, const torch::Tensor& x) { states.push_back(x); });
    return torch::stack(states);
}

torch::Tensor DimeRecRecommender::reverseProcess(
    const torch::Tensor& history, int samples,
    const std::function<void(int, const torch::Tensor&)>& visit) {
    // Guidance once per user (Algorithm 2 recomputes it every step; the result is identical).
    const torch::Tensor guidance =
        denoiser_->guidance(guidanceOf(history)).repeat_interleave(samples, 0);
    return diffusion_.sample(
        [&](const torch::Tensor& xt, int t) { return denoiser_->atStep(xt, t, guidance); },
        history.size(0) * samples, items_->weight.size(1), inferenceGenerator(), history.device(),
        visit);
}

torch::Tensor DimeRecRecommender::userVectors(const torch::Tensor& history,
                                              const torch::Tensor& lengths) {
    // model.readout: an item scores its best inner product over the vectors either way.
    if (config_.readout == Readout::Interests) return guidanceOf(history);
    return sampleUserVectors(history, lengths, config_.samplesPerUser);
}

torch::Tensor DimeRecRecommender::itemEmbeddings() {
    return items_->weight.slice(0, 0, numItems());
}

}  // namespace dimerec
