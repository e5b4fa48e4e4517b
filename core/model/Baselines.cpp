#include "model/Baselines.h"

#include "config/RunConfig.h"

#include <stdexcept>

namespace dimerec {
namespace {

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

SasRecRecommender::SasRecRecommender(int32_t numItems, int dim, int maxLength, int layers,
                                     int heads, double dropout, bool fullSoftmax)
    : Recommender(nameOf(ModelKind::SasRec), numItems),
      items_(register_module("items", makeItemTable(numItems, dim))),
      encoder_(*this, dim, maxLength, layers, heads, dropout),
      fullSoftmax_(fullSoftmax) {}

torch::Tensor SasRecRecommender::states(const torch::Tensor& history, const at::Generator& random) {
    return encoder_.states(items_(history), history != numItems(), random);
}

torch::Tensor SasRecRecommender::userVectors(const torch::Tensor& history, const torch::Tensor&) {
    return encoder_.finish(states(history, {}).select(1, history.size(1) - 1)).unsqueeze(1);
}

LossTerms SasRecRecommender::loss(const BatchTensors& batch) {
    const torch::Tensor x = states(batch.history, batch.random);
    if (!batch.positionTargets.defined()) {
        return nextItemLoss(encoder_.finish(x.select(1, x.size(1) - 1)), batch.targets, items_,
                            batch, numItems(), fullSoftmax_);
    }
    const auto [user, targets] = realPositions(x, batch.positionTargets, numItems());
    return nextItemLoss(encoder_.finish(user), targets, items_, batch, numItems(), fullSoftmax_);
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
