#include "model/Baselines.h"

#include "config/RunConfig.h"
#include "kernels/NormalNoise.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <mutex>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr double kBlockedAttention = -1e9;  // finite, so all-padding rows stay NaN-free

// The mean loss of users [R, d] predicting targets [R]: the shared sampled softmax against the
// batch's negatives, or (full) the cross-entropy over every item of the table.
LossTerms nextItemLoss(const torch::Tensor& user, const torch::Tensor& targets,
                       torch::nn::Embedding& items, const BatchTensors& batch, int32_t numItems,
                       bool full = false) {
    const torch::Tensor value =
        full ? torch::nn::functional::cross_entropy(
                   user.mm(items->weight.slice(0, 0, numItems).t()), targets)
             : sampledSoftmaxLosses(user, items(targets), items(batch.negatives), targets,
                                    batch.negatives)
                   .mean();
    return {value, {{"ce", value}}};
}

// The rows [R, d] of states [B, N, d] at the positions where targets [B, N] is not padding,
// and those targets [R].
std::pair<torch::Tensor, torch::Tensor> realPositions(const torch::Tensor& states,
                                                      const torch::Tensor& targets,
                                                      int64_t padding) {
    const torch::Tensor rows = (targets != padding).view(-1).nonzero().squeeze(1);
    return {states.reshape({-1, states.size(2)}).index_select(0, rows),
            targets.reshape(-1).index_select(0, rows)};
}

// [B, 1, d]: each row's output after its last real item, from left-aligned outputs [B, N, d].
torch::Tensor lastOutputs(const torch::Tensor& out, const torch::Tensor& lengths) {
    const torch::Tensor last = (lengths.clamp(1, out.size(1)) - 1).view({-1, 1, 1});
    return out.gather(1, last.expand({-1, 1, out.size(2)}));
}

// Inverted dropout with masks from `random` (undefined: LibTorch's global generator). On the
// CPU the mask comes from fillDropoutMask, keyed by one draw of the generator.
torch::Tensor dropout(const torch::Tensor& x, double p, bool training,
                      const at::Generator& random) {
    if (!training || p <= 0.0) return x;
    at::Generator generator = random.defined() ? random : at::detail::getDefaultCPUGenerator();
    if (!x.is_cpu() || x.scalar_type() != torch::kFloat32) {
        return x * torch::empty_like(x).bernoulli_(1.0 - p, generator).div_(1.0 - p);
    }
    uint64_t key = 0;
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        key = generator.get<at::CPUGeneratorImpl>()->random64();
    }
    torch::Tensor mask = torch::empty(x.sizes(), x.options());
    fillDropoutMask(mask.data_ptr<float>(), mask.numel(), key, static_cast<float>(1.0 - p));
    return x * mask;
}

}  // namespace

MeanPoolRecommender::MeanPoolRecommender(int32_t numItems, int dim)
    : Recommender(nameOf(ModelKind::MeanPool), numItems),
      items_(register_module("items", makeItemTable(numItems, dim))),
      project_(register_module("project", torch::nn::Linear(dim, dim))) {}

torch::Tensor MeanPoolRecommender::userVectors(const torch::Tensor& history,
                                               const torch::Tensor& lengths) {
    // Padding rows of the table are zero, so the plain sum is the masked sum.
    const torch::Tensor mean =
        items_(history).sum(1) / lengths.clamp_min(1).unsqueeze(1).to(torch::kFloat32);
    return project_(mean).unsqueeze(1);
}

LossTerms MeanPoolRecommender::loss(const BatchTensors& batch) {
    return nextItemLoss(userVectors(batch.history, batch.lengths).squeeze(1), batch.targets, items_,
                        batch, numItems());
}

torch::Tensor MeanPoolRecommender::itemEmbeddings() {
    return items_->weight.slice(0, 0, numItems());
}

Gru4RecRecommender::Gru4RecRecommender(int32_t numItems, int dim, int layers, double dropout,
                                       bool fullSoftmax)
    : Recommender(nameOf(ModelKind::Gru4Rec), numItems),
      items_(register_module("items", makeItemTable(numItems, dim))),
      gru_(register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(dim, dim)
                                                     .num_layers(layers)
                                                     .dropout(layers > 1 ? dropout : 0.0)
                                                     .batch_first(true)))),
      fullSoftmax_(fullSoftmax) {}

std::pair<torch::Tensor, torch::Tensor> Gru4RecRecommender::outputs(const torch::Tensor& history,
                                                                    const torch::Tensor& lengths) {
    // Histories arrive right-aligned; packing wants them left-aligned.
    const int64_t n = history.size(1);
    const torch::Tensor used = lengths.clamp(1, n);
    const torch::Tensor column = torch::arange(n, history.options()).unsqueeze(0);
    const torch::Tensor source = (column + (n - used).unsqueeze(1)).clamp_max(n - 1);
    const auto packed = torch::nn::utils::rnn::pack_padded_sequence(
        items_(history.gather(1, source)), used.to(torch::kCPU), /*batch_first=*/true,
        /*enforce_sorted=*/false);
    const torch::Tensor out = std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(
        std::get<0>(gru_->forward_with_packed_input(packed)), /*batch_first=*/true,
        /*padding_value=*/0.0, /*total_length=*/n));
    return {out, source};
}

torch::Tensor Gru4RecRecommender::userVectors(const torch::Tensor& history,
                                              const torch::Tensor& lengths) {
    return lastOutputs(outputs(history, lengths).first, lengths);
}

LossTerms Gru4RecRecommender::loss(const BatchTensors& batch) {
    const auto [out, source] = outputs(batch.history, batch.lengths);
    if (!batch.positionTargets.defined()) {
        return nextItemLoss(lastOutputs(out, batch.lengths).squeeze(1), batch.targets, items_,
                            batch, numItems(), fullSoftmax_);
    }
    // The targets left-aligned like the outputs; the columns past each row's length (which
    // the gather filled with the last target again) are padding.
    const torch::Tensor column = torch::arange(out.size(1), source.options()).unsqueeze(0);
    const torch::Tensor targets = batch.positionTargets.gather(1, source).masked_fill(
        column >= batch.lengths.unsqueeze(1), static_cast<int64_t>(numItems()));
    const auto [user, real] = realPositions(out, targets, numItems());
    return nextItemLoss(user, real, items_, batch, numItems(), fullSoftmax_);
}

torch::Tensor Gru4RecRecommender::itemEmbeddings() {
    return items_->weight.slice(0, 0, numItems());
}

SasRecBlockImpl::SasRecBlockImpl(int dim, int heads, double dropout)
    : heads_(heads),
      attentionNorm_(register_module("attentionNorm",
                                     torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      query_(register_module("query", torch::nn::Linear(dim, dim))),
      keyValue_(register_module("keyValue", torch::nn::Linear(dim, 2 * dim))),
      output_(register_module("output", torch::nn::Linear(dim, dim))),
      feedForwardNorm_(register_module("feedForwardNorm",
                                       torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      feedForward1_(register_module("feedForward1", torch::nn::Linear(dim, dim))),
      feedForward2_(register_module("feedForward2", torch::nn::Linear(dim, dim))),
      dropout_(dropout) {}

torch::Tensor SasRecBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& bias,
                                       const at::Generator& random) {
    const int64_t b = x.size(0);
    const int64_t n = x.size(1);
    const int64_t d = x.size(2);
    const int64_t headDim = d / heads_;
    // [B·heads, N, d/heads]: a view for one head.
    auto split = [&](const torch::Tensor& t) {
        return t.view({b, n, heads_, headDim}).transpose(1, 2).reshape({b * heads_, n, headDim});
    };
    auto drop = [&](const torch::Tensor& t) { return dropout(t, dropout_, is_training(), random); };
    const torch::Tensor normed = attentionNorm_(x);
    const auto keyValue = keyValue_(x).chunk(2, -1);
    const torch::Tensor q = split(query_(normed));
    const torch::Tensor k = split(keyValue[0]);
    const torch::Tensor v = split(keyValue[1]);
    // The mask and the 1/sqrt(d/heads) scale inside the product (one pass less each way).
    const torch::Tensor scores =
        torch::baddbmm(bias.expand({b, heads_, n, n}).reshape({b * heads_, n, n}), q,
                       k.transpose(1, 2), 1.0, 1.0 / std::sqrt(double(headDim)));
    const torch::Tensor attention = drop(torch::softmax(scores, -1));
    const torch::Tensor mixed =
        attention.bmm(v).view({b, heads_, n, headDim}).transpose(1, 2).reshape({b, n, d});
    const torch::Tensor attended = normed + drop(output_(mixed));
    const torch::Tensor y = feedForwardNorm_(attended);
    return y + drop(feedForward2_(drop(torch::relu(feedForward1_(y)))));
}

SasRecRecommender::SasRecRecommender(int32_t numItems, int dim, int maxLength, int layers,
                                     int heads, double dropout, bool fullSoftmax)
    : Recommender(nameOf(ModelKind::SasRec), numItems),
      dim_(dim),
      items_(register_module("items", makeItemTable(numItems, dim))),
      positions_(
          register_parameter("positions", torch::randn({maxLength, dim}) * (1.0 / std::sqrt(dim)))),
      dropout_(dropout),
      blocks_(register_module("blocks", torch::nn::ModuleList())),
      finalNorm_(
          register_module("finalNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      fullSoftmax_(fullSoftmax) {
    for (int i = 0; i < layers; ++i) blocks_->push_back(SasRecBlock(dim, heads, dropout));
}

torch::Tensor SasRecRecommender::states(const torch::Tensor& history, const at::Generator& random) {
    const int64_t n = history.size(1);
    const torch::Tensor real = history != numItems();  // [B, N]
    // Padding positions keep whatever values they get: no real position attends to them (the
    // bias) and no loss or readout reads them.
    torch::Tensor x = dropout(items_(history) * std::sqrt(double(dim_)) + positions_.slice(0, 0, n),
                              dropout_, is_training(), random);
    const torch::Tensor causal = torch::ones({n, n}, real.options()).tril();
    const torch::Tensor allowed = causal.unsqueeze(0).logical_and(real.unsqueeze(1)).unsqueeze(1);
    const torch::Tensor bias = torch::zeros(allowed.sizes(), x.options())
                                   .masked_fill(allowed.logical_not(), kBlockedAttention);
    for (const auto& block : *blocks_) x = block->as<SasRecBlockImpl>()->forward(x, bias, random);
    return x;
}

torch::Tensor SasRecRecommender::userVectors(const torch::Tensor& history, const torch::Tensor&) {
    return finalNorm_(states(history, {}).select(1, history.size(1) - 1)).unsqueeze(1);
}

LossTerms SasRecRecommender::loss(const BatchTensors& batch) {
    const torch::Tensor x = states(batch.history, batch.random);
    if (!batch.positionTargets.defined()) {
        return nextItemLoss(finalNorm_(x.select(1, x.size(1) - 1)), batch.targets, items_, batch,
                            numItems(), fullSoftmax_);
    }
    const auto [user, targets] = realPositions(x, batch.positionTargets, numItems());
    return nextItemLoss(finalNorm_(user), targets, items_, batch, numItems(), fullSoftmax_);
}

torch::Tensor SasRecRecommender::itemEmbeddings() {
    return items_->weight.slice(0, 0, numItems());
}

MostPopRecommender::MostPopRecommender(int32_t numItems, const std::vector<int64_t>& itemCounts)
    : Recommender(nameOf(ModelKind::MostPop), numItems) {
    if (static_cast<int64_t>(itemCounts.size()) != numItems) {
        throw std::invalid_argument("most-pop: expected " + std::to_string(numItems) +
                                    " item counts, got " + std::to_string(itemCounts.size()));
    }
    popularity_ =
        register_buffer("popularity", torch::tensor(itemCounts, torch::kInt64).to(torch::kFloat32));
}

LossTerms MostPopRecommender::loss(const BatchTensors&) {
    const torch::Tensor zero = torch::zeros({}, popularity_.options());
    return {zero, {{"ce", zero}}};
}

torch::Tensor MostPopRecommender::scoreAll(const torch::Tensor& history, const torch::Tensor&) {
    return popularity_.unsqueeze(0).expand({history.size(0), numItems()});
}

torch::Tensor MostPopRecommender::userVectors(const torch::Tensor&, const torch::Tensor&) {
    throw std::logic_error("most-pop has no user vectors: it ranks by popularity only");
}

torch::Tensor MostPopRecommender::itemEmbeddings() {
    throw std::logic_error("most-pop has no item embeddings");
}

}  // namespace dimerec
